// The search page: words and facets from the form (and the URL, so a link reproduces a
// search), results from the Pagefind bundle under /pagefind/. The bundle holds one index
// per language, and Pagefind loads the one of the page's <html lang>: /zh/search/ searches
// the Chinese pages only. Facets combine OR inside a group (role = decider or buyer) and
// AND across groups, through Pagefind's `any`. The texts shown come from the form's
// data attributes, in the page's language.
(function () {
  "use strict";
  var form = document.getElementById("search-form");
  var output = document.querySelector(".search-output");
  if (!form || !output || !window.URLSearchParams) return;
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  var more = document.getElementById("search-more");
  var GROUPS = ["role", "stage", "industry"];
  var PAGE = 20;
  var pagefind = null;
  var latest = 0;
  var shown = { results: [], count: 0 };
  var timer = null;
  var words = form.dataset;

  // The state in the URL: ?q=words&role=a&role=b&industry=c
  function fromUrl() {
    var params = new URLSearchParams(window.location.search);
    form.elements.q.value = params.get("q") || "";
    var boxes = form.querySelectorAll("input[type=checkbox]");
    for (var i = 0; i < boxes.length; i++) {
      boxes[i].checked = params.getAll(boxes[i].name).indexOf(boxes[i].value) >= 0;
    }
  }

  function state() {
    var picked = {};
    GROUPS.forEach(function (g) {
      picked[g] = Array.prototype.map.call(
        form.querySelectorAll("input[name=" + g + "]:checked"),
        function (box) { return box.value; }
      );
    });
    return { q: form.elements.q.value.trim(), picked: picked };
  }

  function toUrl(s) {
    var params = new URLSearchParams();
    if (s.q) params.append("q", s.q);
    GROUPS.forEach(function (g) {
      s.picked[g].forEach(function (v) { params.append(g, v); });
    });
    var query = params.toString();
    var url = window.location.pathname + (query ? "?" + query : "");
    if (url !== window.location.pathname + window.location.search) {
      window.history.replaceState(null, "", url);
    }
  }

  // Pagefind, with the other parts of a large index merged in (data-merge): a search
  // runs in every part, and results and filter counts come back as one.
  function load() {
    if (!pagefind) {
      var parts = (form.dataset.merge || "").split(" ").filter(Boolean);
      pagefind = import(form.dataset.bundle + "pagefind.js").then(function (pf) {
        return Promise.all(parts.map(function (p) { return pf.mergeIndex(p); }))
          .then(function () { return pf; });
      });
    }
    return pagefind;
  }

  function say(text) {
    status.textContent = text;
  }

  function item(data) {
    var li = document.createElement("li");
    var h = document.createElement("h3");
    var a = document.createElement("a");
    a.href = data.meta.url || data.url;
    a.textContent = data.meta.title || data.url;
    h.appendChild(a);
    li.appendChild(h);
    if (data.meta.summary) {
      var p = document.createElement("p");
      p.textContent = data.meta.summary;
      li.appendChild(p);
    }
    var facts = [data.meta.type, data.meta.stage, data.meta.roles && words.for.replace("{roles}", data.meta.roles)]
      .filter(Boolean);
    if (facts.length) {
      var m = document.createElement("p");
      m.className = "result-meta";
      m.textContent = facts.join(" · ");
      li.appendChild(m);
    }
    return li;
  }

  function showMore() {
    var next = shown.results.slice(shown.count, shown.count + PAGE);
    var ticket = latest;
    return Promise.all(next.map(function (r) { return r.data(); })).then(function (datas) {
      if (ticket !== latest) return;
      datas.forEach(function (d) { list.appendChild(item(d)); });
      shown.count += next.length;
      more.hidden = shown.count >= shown.results.length;
    });
  }

  function run() {
    var s = state();
    toUrl(s);
    var ticket = ++latest;
    var filters = {};
    GROUPS.forEach(function (g) {
      if (s.picked[g].length) filters[g] = { any: s.picked[g] };
    });
    output.hidden = false;
    if (!s.q && !Object.keys(filters).length) {
      list.textContent = "";
      more.hidden = true;
      say(words.prompt);
      return Promise.resolve();
    }
    return load().then(function (pf) {
      return pf.search(s.q || null, { filters: filters });
    }).then(function (search) {
      if (ticket !== latest || !search) return;
      list.textContent = "";
      shown = { results: search.results, count: 0 };
      var n = search.results.length;
      // The count is announced once the first results are in the page.
      return showMore().then(function () {
        if (ticket !== latest) return;
        say(n === 0 ? words.none : n === 1 ? words.one : words.many.replace("{n}", n));
      });
    }).catch(function () {
      if (ticket !== latest) return;
      list.textContent = "";
      more.hidden = true;
      say(words.unavailable);
    });
  }

  form.hidden = false;
  fromUrl();
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    window.clearTimeout(timer);
    run();
  });
  form.addEventListener("change", function (e) {
    if (e.target.type === "checkbox") run();
  });
  form.elements.q.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(run, 250);
  });
  more.addEventListener("click", function () { showMore(); });
  run();
})();
