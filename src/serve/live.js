// cairn serve: live reload and the build-error overlay. Injected only by `cairn serve`.
(function () {
  "use strict";
  var OVERLAY_ID = "cairn-overlay";
  function clear() {
    var el = document.getElementById(OVERLAY_ID);
    if (el) el.remove();
  }
  function show(errors) {
    clear();
    if (!errors || !errors.length) return;
    var box = document.createElement("div");
    box.id = OVERLAY_ID;
    box.setAttribute("role", "alertdialog");
    box.setAttribute("aria-label", "Build errors");
    box.style.cssText = "position:fixed;inset:0;z-index:2147483647;overflow:auto;background:rgba(15,23,42,.94);color:#f8fafc;font:14px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;padding:2rem";
    var title = document.createElement("h2");
    title.textContent = errors.length === 1 ? "cairn: 1 error — the last good build is still served" : "cairn: " + errors.length + " errors — the last good build is still served";
    title.style.cssText = "font:600 18px/1.3 system-ui,sans-serif;margin:0 0 1rem;color:#fca5a5";
    box.appendChild(title);
    errors.forEach(function (e) {
      var item = document.createElement("section");
      item.className = "cairn-error";
      item.style.cssText = "border-left:4px solid #f87171;padding:.5rem 1rem;margin:0 0 1rem;background:rgba(255,255,255,.04)";
      var where = document.createElement("p");
      where.className = "cairn-error-location";
      where.style.margin = "0";
      var loc = e.file + (e.line ? ":" + e.line + (e.col ? ":" + e.col : "") : "");
      where.textContent = loc + ": " + e.level + ": " + e.message;
      item.appendChild(where);
      if (e.source_line) {
        var src = document.createElement("pre");
        src.style.cssText = "margin:.5rem 0;color:#cbd5e1;white-space:pre-wrap";
        src.textContent = " " + e.line + " | " + e.source_line;
        item.appendChild(src);
      }
      if (e.hint) {
        var hint = document.createElement("p");
        hint.style.cssText = "margin:.25rem 0 0;color:#93c5fd";
        hint.textContent = "hint: " + e.hint;
        item.appendChild(hint);
      }
      box.appendChild(item);
    });
    (document.body || document.documentElement).appendChild(box);
  }
  var source = new EventSource("__EVENTS__");
  source.addEventListener("hello", function (ev) {
    show(JSON.parse(ev.data));
  });
  source.addEventListener("build-error", function (ev) {
    show(JSON.parse(ev.data));
  });
  source.addEventListener("reload", function () {
    clear();
    window.location.reload();
  });
})();
