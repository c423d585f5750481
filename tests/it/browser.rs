//! Real headless Chromium (Debian's `chromium` + `chromium-driver`) against
//! `cairn serve` and the built theme. Without Chromium these tests say so and
//! pass, except in CI (`CI` set), where a missing browser is a failure.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};

use crate::harness::*;

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// chromedriver plus one browser session; both ended on drop.
pub struct Browser {
    driver: Child,
    pub client: Client,
    _profile: tempfile::TempDir,
    pub runtime: tokio::runtime::Runtime,
}

impl Drop for Browser {
    fn drop(&mut self) {
        let client = self.client.clone();
        let _ = self.runtime.block_on(client.close());
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

/// Start a browser, or `None` (with a note) when Chromium is not installed outside CI.
pub fn browser() -> Option<Browser> {
    browser_with(&[])
}

/// [`browser`] with more command-line switches for Chromium
/// (`--blink-settings=scriptEnabled=false`: JavaScript off).
pub fn browser_with(switches: &[&str]) -> Option<Browser> {
    if !std::path::Path::new(CHROMIUM).exists() || !std::path::Path::new(CHROMEDRIVER).exists() {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must run the browser tests: install Debian's chromium and chromium-driver (see .ci/run)"
        );
        eprintln!(
            "skipping browser test: {CHROMIUM} or {CHROMEDRIVER} not installed (apt-get install chromium chromium-driver)"
        );
        return None;
    }
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let driver = Command::new(CHROMEDRIVER)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromedriver");
    let deadline = Instant::now() + Duration::from_secs(20);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "chromedriver did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
    let profile = tempfile::tempdir().unwrap();
    let mut args = vec![
        "--headless".to_string(),
        "--no-sandbox".into(),
        "--disable-gpu".into(),
        "--disable-background-networking".into(),
        "--disable-component-update".into(),
        "--disable-sync".into(),
        "--no-first-run".into(),
        "--disable-dev-shm-usage".into(),
        "--window-size=1280,900".into(),
        format!("--user-data-dir={}", profile.path().display()),
    ];
    args.extend(switches.iter().map(|s| s.to_string()));
    let caps = serde_json::json!({
        "goog:chromeOptions": { "binary": CHROMIUM, "args": args }
    });
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let mut builder = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new());
    builder.capabilities(caps.as_object().unwrap().clone());
    // A loaded machine can make the first session start slowly: try a few times.
    let mut attempt = 0;
    let client = loop {
        match runtime.block_on(builder.connect(&format!("http://127.0.0.1:{port}"))) {
            Ok(c) => break c,
            Err(e) if attempt < 4 => {
                attempt += 1;
                eprintln!("chromedriver session failed ({e}); retrying");
                std::thread::sleep(Duration::from_millis(500 * attempt));
            }
            Err(e) => panic!("cannot start a Chromium session: {e}"),
        }
    };
    Some(Browser {
        driver,
        client,
        _profile: profile,
        runtime,
    })
}

impl Browser {
    pub fn goto(&self, url: &str) {
        self.runtime.block_on(self.client.goto(url)).unwrap();
    }

    /// Run a script in the page and return its result.
    pub fn js(&self, script: &str) -> serde_json::Value {
        self.runtime
            .block_on(self.client.execute(script, vec![]))
            .unwrap()
    }

    /// Poll `script` until it returns `true` (up to 20 s).
    #[track_caller]
    pub fn wait_until(&self, what: &str, script: &str) {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if self.js(script) == serde_json::Value::Bool(true) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {what}; page text:\n{}",
                self.js("return document.body.innerText")
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub fn text(&self, css: &str) -> String {
        self.runtime
            .block_on(async { self.client.find(Locator::Css(css)).await?.text().await })
            .unwrap()
    }
}

#[test]
fn edits_appear_live_and_errors_show_as_an_overlay() {
    let Some(b) = browser() else { return };
    let s = TestSite::new().file(
        "content/articles/a.md",
        alpha(&["user"], "The first draft.\n"),
    );
    let server = s.serve();
    b.goto(&format!("{}/articles/a/", server.url));
    assert_eq!(b.text("h1"), "Alpha");
    // Wait for the live-reload connection before editing.
    server.wait_for_line(|l| l.starts_with("serving "));
    std::thread::sleep(Duration::from_millis(300));

    s.write(
        "content/articles/a.md",
        alpha(&["user"], "The second draft.\n"),
    );
    b.wait_until(
        "the new text",
        "return document.body.innerText.includes('The second draft.')",
    );
    assert_eq!(
        b.js("return location.pathname"),
        "/articles/a/",
        "the browser stays on the page being edited"
    );

    s.write(
        "content/articles/a.md",
        alpha(&["usr"], "The second draft.\n"),
    );
    b.wait_until(
        "the overlay",
        "return !!document.getElementById('cairn-overlay')",
    );
    let overlay = b.text("#cairn-overlay");
    assert!(
        overlay.contains("content/articles/a.md:5:11: error: unknown role `usr`"),
        "{overlay}"
    );
    assert!(overlay.contains("roles = [\"usr\"]"), "{overlay}");
    assert!(overlay.contains("hint: did you mean `user`?"), "{overlay}");
    assert!(
        b.text("main").contains("The second draft."),
        "the last good page stays underneath"
    );

    s.write(
        "content/articles/a.md",
        alpha(&["user"], "The third draft.\n"),
    );
    b.wait_until("the overlay to clear", "return !document.getElementById('cairn-overlay') && document.body.innerText.includes('The third draft.')");
}

#[test]
fn the_theme_works_without_javascript_and_on_a_phone() {
    let Some(b) = browser() else { return };
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = tempfile::tempdir().unwrap();
    let public = out.path().join("public");
    let run: Run = Command::new(cairn_bin())
        .args(["build", "--root"])
        .arg(root)
        .arg("--output")
        .arg(&public)
        .output()
        .unwrap()
        .into();
    run.success();
    // The built site is plain files, served as any static host serves them (over
    // HTTP: from file:// URLs the root-relative stylesheet would not load).
    let listener = b
        .runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let addr = listener.local_addr().unwrap();
    let files = axum::Router::new().fallback_service(tower_http::services::ServeDir::new(&public));
    b.runtime
        .spawn(async move { axum::serve(listener, files).await });
    let url = |p: &str| format!("http://{addr}{p}");
    // No JavaScript needed.
    b.goto(&url("/roles/decider/index.html"));
    assert_eq!(b.js("return document.scripts.length"), 0);
    assert_eq!(b.text("h1"), "For the Decision maker");
    assert_eq!(
        b.js("return document.querySelectorAll('.journey-stage').length"),
        4
    );
    let css_loaded = b.js("return getComputedStyle(document.querySelector('a.skip-link')).position === 'absolute' && document.styleSheets.length > 0");
    assert_eq!(css_loaded, true);
    // Landmarks and the skip link.
    assert_eq!(
        b.js("return ['header','nav','main','footer'].every(t => document.querySelector(t))"),
        true
    );
    assert_eq!(
        b.js("return document.querySelector('a.skip-link').getAttribute('href')"),
        "#main"
    );
    // A case study on a phone: no horizontal scrolling of the page.
    b.runtime
        .block_on(b.client.set_window_size(390, 900))
        .unwrap();
    b.goto(&url("/case-studies/acme-steel/index.html"));
    assert_eq!(
        b.js("return document.documentElement.scrollWidth <= window.innerWidth + 1"),
        true,
        "{}",
        b.js("return [...document.querySelectorAll('*')].filter(e => e.getBoundingClientRect().right > window.innerWidth + 1).map(e => e.tagName + '.' + e.className + ' ' + e.getAttribute('src') + ' ' + getComputedStyle(e).maxWidth + ' ' + e.parentElement.tagName + '.' + e.parentElement.className + ' ' + e.parentElement.getBoundingClientRect().width + ' ' + Math.round(e.getBoundingClientRect().right)).join('; ')")
    );
    assert_eq!(
        b.js("return document.querySelectorAll('.metric[id^=metric-]').length"),
        4
    );
}
