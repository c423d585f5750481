//! `cairn serve` over real HTTP: files, 404, traversal, live-reload events,
//! errors that never stop the server, Ctrl-C.

use crate::harness::*;

fn site() -> TestSite {
    TestSite::new()
        .file("content/articles/a.md", alpha(&["user"], "First text.\n"))
        .file(
            "content/about.md",
            "+++\ntitle = \"About\"\n+++\nAbout us.\n",
        )
        .file("secret.txt", "do not serve")
}

#[test]
fn serves_pages_with_local_urls_and_the_sites_404() {
    let s = site();
    let server = s.serve();
    let (status, body) = server.get("/articles/a/");
    assert_eq!(status, 200);
    assert!(body.contains("<h1>Alpha</h1>"));
    assert!(
        body.contains(&format!(
            "<meta property=\"og:url\" content=\"{}/articles/a/\">",
            server.url
        )),
        "base_url is the server's own"
    );
    assert!(
        body.contains("new EventSource(\"/__cairn/events\")"),
        "live reload injected"
    );
    let (status, body) = server.get("/no/such/page/");
    assert_eq!(status, 404);
    assert!(body.contains("<h1>Page not found</h1>"), "{body}");
    assert!(!s.path("public").exists(), "serve must not touch public/");
}

#[test]
fn nothing_outside_the_output_is_reachable() {
    let s = site();
    let server = s.serve();
    for path in [
        "/../site.toml",
        "/%2e%2e/site.toml",
        "/%2E%2E/secret.txt",
        "/..%2fsite.toml",
        "/..\\site.toml",
        "/..%5csite.toml",
        "/articles/../../site.toml",
        "//etc/passwd",
    ] {
        let (status, body) = server.get(path);
        assert_ne!(status, 200, "{path} was served: {body}");
        assert!(
            !body.contains("base_url") && !body.contains("do not serve"),
            "{path} leaked: {body}"
        );
    }
}

#[test]
fn a_save_triggers_a_rebuild_and_a_reload_event() {
    let s = site();
    let server = s.serve();
    let mut events = server.events();
    assert_eq!(events.next(), ("hello".to_string(), "[]".to_string()));
    s.write("content/articles/a.md", alpha(&["user"], "Second text.\n"));
    assert_eq!(events.next().0, "reload");
    assert!(server.get("/articles/a/").1.contains("Second text."));
    let line = server.wait_for_line(|l| l.starts_with("changed content/articles/a.md: rendered "));
    assert!(line.ends_with(" ms"), "{line}");
    let counts: Vec<usize> = line.split(' ').filter_map(|w| w.parse().ok()).collect();
    assert!(
        counts[0] < counts[1],
        "an edit renders fewer files than the site has: {line}"
    );
}

#[test]
fn a_bad_save_keeps_the_last_good_site_and_reports_the_error() {
    let s = site();
    let server = s.serve();
    let mut events = server.events();
    events.next();
    s.write("content/articles/a.md", alpha(&["usr"], "Broken.\n"));
    let (name, data) = events.next();
    assert_eq!(name, "build-error");
    let errors: serde_json::Value = serde_json::from_str(&data).unwrap();
    assert_eq!(errors[0]["file"], "content/articles/a.md");
    assert_eq!(errors[0]["line"], 5);
    assert_eq!(errors[0]["col"], 11);
    assert_eq!(errors[0]["message"], "unknown role `usr`");
    assert_eq!(errors[0]["hint"], "did you mean `user`?");
    assert_eq!(errors[0]["source_line"], "roles = [\"usr\"]");
    // Still serving the last good build; new connections learn the error at once.
    assert!(server.get("/articles/a/").1.contains("First text."));
    let (name, data) = server.events().next();
    assert_eq!(name, "hello");
    assert!(data.contains("unknown role `usr`"));
    server.wait_for_line(|l| l.contains("content/articles/a.md:5:11: error: unknown role `usr`"));
    // The next good save recovers.
    s.write("content/articles/a.md", alpha(&["user"], "Fixed.\n"));
    assert_eq!(events.next().0, "reload");
    assert!(server.get("/articles/a/").1.contains("Fixed."));
    assert_eq!(
        server.events().next(),
        ("hello".to_string(), "[]".to_string())
    );
}

#[test]
fn the_server_starts_even_when_the_first_build_fails() {
    let s = site().file(
        "content/articles/b.md",
        "+++\ntitle = \"B\"\nbogus = 1\n+++\n",
    );
    let server = s.serve();
    let (status, body) = server.get("/articles/a/");
    assert_eq!(status, 503);
    assert!(
        body.contains("The site has errors") && body.contains("EventSource"),
        "{body}"
    );
    let (name, data) = server.events().next();
    assert_eq!(name, "hello");
    assert!(data.contains("unknown key `bogus`"), "{data}");
    std::fs::remove_file(s.path("content/articles/b.md")).unwrap();
    server.wait_for_line(|l| l.starts_with("changed content/articles/b.md: rendered"));
    assert_eq!(server.get("/articles/a/").0, 200);
}

#[test]
fn editor_temp_files_do_not_trigger_rebuilds() {
    let s = site();
    let server = s.serve();
    s.write("content/articles/.a.md.swp", "x");
    s.write("content/articles/a.md~", "x");
    s.write("README.md", "x");
    s.write(
        "content/about.md",
        "+++\ntitle = \"About\"\n+++\nChanged.\n",
    );
    server.wait_for_line(|l| l.starts_with("changed content/about.md: rendered"));
    std::thread::sleep(std::time::Duration::from_millis(300));
    assert_eq!(
        server.count_lines(|l| l.starts_with("changed ")),
        1,
        "{}",
        server.output()
    );
}

#[test]
fn a_busy_port_is_a_clear_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port().to_string();
    let run = site().cairn(&["serve", "--port", &port]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        format!(
            "error: port {port} is already in use on 127.0.0.1; try another, e.g. --port {}\n",
            port.parse::<u16>().unwrap() + 1
        )
    );
}

#[test]
fn ctrl_c_stops_cleanly() {
    let server = site().serve();
    assert_eq!(server.get("/").0, 200);
    assert_eq!(server.interrupt(), 0);
}
