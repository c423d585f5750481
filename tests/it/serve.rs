//! `cairn serve` over real HTTP: files, 404, traversal, live-reload events,
//! errors that never stop the server, Ctrl-C; watches that outlive replaced
//! folders, silent and stalled clients cut off, and requests addressed to
//! other host names refused.

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

/// Ctrl-C, SIGTERM (service managers, `kill`) and SIGHUP (a closed terminal) stop the
/// server with status 0, and it removes the private folder it built the site in.
#[test]
fn every_stop_signal_stops_cleanly_and_leaves_no_temporary_files() {
    use std::io::BufRead;
    let site = site();
    for signal in ["-INT", "-TERM", "-HUP"] {
        let tmp = tempfile::tempdir().unwrap();
        let mut child = std::process::Command::new(cairn_bin())
            .args(["serve", "--port", "0", "--root"])
            .arg(site.root())
            .env("TMPDIR", tmp.path())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let mut out = std::io::BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        while !line.starts_with("serving ") {
            line.clear();
            assert!(out.read_line(&mut line).unwrap() > 0, "serve ended early");
        }
        assert_eq!(
            std::fs::read_dir(tmp.path()).unwrap().count(),
            1,
            "serve builds in a folder of its own"
        );
        std::process::Command::new("kill")
            .args([signal, &child.id().to_string()])
            .status()
            .unwrap();
        assert_eq!(child.wait().unwrap().code(), Some(0), "{signal}");
        let left: Vec<_> = std::fs::read_dir(tmp.path()).unwrap().collect();
        assert!(left.is_empty(), "{signal} left {left:?}");
    }
}

// Watches outlive the folders they were set on.

/// Poll `path` until its body contains `text`; up to 20 s.
#[track_caller]
fn wait_for_body(server: &Server, path: &str, text: &str) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let (status, body) = server.get(path);
        if body.contains(text) {
            return;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "{path} never showed `{text}`; last {status}:\n{body}\noutput:\n{}",
            server.output()
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

/// Wait until `n` output lines match `pred`; up to 20 s.
#[track_caller]
fn wait_for_lines(server: &Server, n: usize, pred: impl Fn(&str) -> bool) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while server.count_lines(&pred) < n {
        assert!(
            std::time::Instant::now() < deadline,
            "timed out; output so far:\n{}",
            server.output()
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

/// A line telling that the watches were set again on a `content/` that is there.
fn content_back(line: &str) -> bool {
    line.starts_with("content/ created: rendered ")
        || line.starts_with("content/ replaced: rendered ")
}

#[test]
fn content_moved_away_and_back_is_still_watched() {
    let s = site();
    let server = s.serve();
    std::fs::rename(s.path("content"), s.path("content.away")).unwrap();
    server.wait_for_line(|l| l.starts_with("content/ removed: "));
    std::fs::rename(s.path("content.away"), s.path("content")).unwrap();
    wait_for_lines(&server, 1, content_back);
    assert!(server.get("/articles/a/").1.contains("First text."));
    // The watch is live again: a plain edit shows.
    s.write(
        "content/articles/a.md",
        alpha(&["user"], "Edited after the move.\n"),
    );
    wait_for_body(&server, "/articles/a/", "Edited after the move.");
    server.wait_for_line(|l| l.starts_with("changed content/articles/a.md: rendered "));
}

#[test]
fn content_deleted_and_copied_back_is_watched() {
    let s = site().file(
        "backup/articles/a.md",
        alpha(&["user"], "From the backup.\n"),
    );
    s.write(
        "backup/about.md",
        "+++\ntitle = \"About\"\n+++\nAbout us.\n",
    );
    let server = s.serve();
    std::fs::remove_dir_all(s.path("content")).unwrap();
    server.wait_for_line(|l| l.starts_with("content/ removed: "));
    let cp = std::process::Command::new("cp")
        .arg("-r")
        .arg(s.path("backup"))
        .arg(s.path("content"))
        .status()
        .unwrap();
    assert!(cp.success());
    wait_for_body(&server, "/articles/a/", "From the backup.");
    wait_for_lines(&server, 1, content_back);
    s.write(
        "content/articles/a.md",
        alpha(&["user"], "Edited in the copy.\n"),
    );
    wait_for_body(&server, "/articles/a/", "Edited in the copy.");
}

#[test]
fn a_new_folder_swapped_into_place_is_watched_each_time() {
    let s = site();
    let server = s.serve();
    for round in 1..=2 {
        // Write the whole new folder beside the old one, then swap them.
        s.write(
            "content.new/articles/a.md",
            alpha(&["user"], &format!("Swapped {round}.\n")),
        );
        s.write(
            &format!("content.new/articles/new{round}.md"),
            alpha(&["user"], &format!("New file {round}.\n")),
        );
        s.write(
            "content.new/about.md",
            "+++\ntitle = \"About\"\n+++\nAbout us.\n",
        );
        std::fs::rename(s.path("content"), s.path(&format!("content.old{round}"))).unwrap();
        std::fs::rename(s.path("content.new"), s.path("content")).unwrap();
        wait_for_body(&server, "/articles/a/", &format!("Swapped {round}."));
        wait_for_body(
            &server,
            &format!("/articles/new{round}/"),
            &format!("New file {round}."),
        );
        wait_for_lines(&server, round, content_back);
        // An edit inside the new folder shows: its watch is live.
        s.write(
            &format!("content/articles/new{round}.md"),
            alpha(&["user"], &format!("Edited new file {round}.\n")),
        );
        wait_for_body(
            &server,
            &format!("/articles/new{round}/"),
            &format!("Edited new file {round}."),
        );
    }
}

#[test]
fn a_folder_made_after_the_start_is_watched() {
    let s = site();
    assert!(!s.path("static").exists());
    let server = s.serve();
    s.write("static/extra.css", "body { color: red }\n");
    wait_for_body(&server, "/extra.css", "color: red");
    server.wait_for_line(|l| l.starts_with("static/ created: rendered "));
    s.write("static/extra.css", "body { color: blue }\n");
    wait_for_body(&server, "/extra.css", "color: blue");
    server.wait_for_line(|l| l.starts_with("changed static/extra.css: rendered "));
}

// Slow and silent clients.

/// A `cairn serve` started with extra arguments and environment, for what
/// the harness's `serve()` does not set; killed on drop.
struct Custom {
    child: std::process::Child,
    /// `127.0.0.1:port`
    addr: String,
}

impl Custom {
    fn start(s: &TestSite, args: &[&str], env: &[(&str, &str)]) -> Custom {
        use std::io::BufRead;
        let mut child = std::process::Command::new(cairn_bin())
            .args(["serve", "--port", "0"])
            .args(args)
            .arg("--root")
            .arg(s.root())
            .envs(env.iter().copied())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let mut lines = std::io::BufReader::new(child.stdout.take().unwrap()).lines();
        let serving = lines
            .by_ref()
            .map_while(Result::ok)
            .find(|l| l.starts_with("serving "))
            .expect("a serving line");
        // Keep reading so the server never blocks on a full pipe.
        std::thread::spawn(move || lines.for_each(drop));
        let addr = between(&serving, " at http://", "/ ").to_string();
        Custom { child, addr }
    }

    fn connect(&self) -> std::net::TcpStream {
        let s = std::net::TcpStream::connect(&self.addr).unwrap();
        s.set_read_timeout(Some(std::time::Duration::from_secs(20)))
            .unwrap();
        s
    }
}

impl Drop for Custom {
    fn drop(&mut self) {
        stop(&mut self.child);
    }
}

/// Everything the server sends until it closes the connection; panics if it
/// keeps it open past the 20 s read timeout.
#[track_caller]
fn until_closed(s: &mut std::net::TcpStream) -> String {
    use std::io::Read;
    let mut raw = Vec::new();
    s.read_to_end(&mut raw)
        .expect("the server closes the connection");
    String::from_utf8_lossy(&raw).into_owned()
}

#[test]
fn a_client_that_sends_nothing_or_half_a_request_is_disconnected() {
    use std::io::Write;
    let s = site();
    let server = Custom::start(&s, &[], &[("CAIRN_SERVE_HEADER_TIMEOUT_MS", "300")]);
    let mut silent = server.connect();
    assert_eq!(until_closed(&mut silent), "");
    let mut halfway = server.connect();
    halfway.write_all(b"GET /articles/a/ HTT").unwrap();
    assert_eq!(until_closed(&mut halfway), "");
    let mut headers_unfinished = server.connect();
    write!(
        headers_unfinished,
        "GET / HTTP/1.1\r\nHost: {}\r\n",
        server.addr
    )
    .unwrap();
    assert_eq!(until_closed(&mut headers_unfinished), "");
    // A kept-alive connection that asks nothing more is closed after its answer.
    let mut idle = server.connect();
    write!(
        idle,
        "GET /articles/a/ HTTP/1.1\r\nHost: {}\r\n\r\n",
        server.addr
    )
    .unwrap();
    let answer = until_closed(&mut idle);
    assert!(answer.starts_with("HTTP/1.1 200 OK\r\n"), "{answer}");
    assert!(answer.ends_with("</html>\n"), "{answer}");
}

#[test]
fn the_live_reload_stream_outlasts_the_header_timeout() {
    use std::io::{BufRead, Write};
    let s = site();
    let server = Custom::start(&s, &[], &[("CAIRN_SERVE_HEADER_TIMEOUT_MS", "200")]);
    let mut stream = server.connect();
    write!(
        stream,
        "GET /__cairn/events HTTP/1.1\r\nHost: {}\r\nAccept: text/event-stream\r\n\r\n",
        server.addr
    )
    .unwrap();
    let mut reader = std::io::BufReader::new(stream);
    let mut next_event = || {
        let mut line = String::new();
        loop {
            line.clear();
            assert!(reader.read_line(&mut line).unwrap() > 0, "stream closed");
            if let Some(name) = line.strip_prefix("event: ") {
                return name.trim_end().to_string();
            }
        }
    };
    assert_eq!(next_event(), "hello");
    std::thread::sleep(std::time::Duration::from_millis(1000));
    s.write("content/articles/a.md", alpha(&["user"], "Later.\n"));
    assert_eq!(next_event(), "reload");
}

#[test]
fn a_client_that_stops_reading_is_disconnected() {
    use std::io::{Read, Write};
    const SIZE: usize = 32 << 20;
    let s = site().file("static/big.bin", vec![b'x'; SIZE]);
    let server = Custom::start(&s, &[], &[("CAIRN_SERVE_IDLE_TIMEOUT_MS", "300")]);
    let mut stream = server.connect();
    write!(
        stream,
        "GET /big.bin HTTP/1.1\r\nHost: {}\r\n\r\n",
        server.addr
    )
    .unwrap();
    // Read the start, then nothing while the server fills the socket's buffers and stalls.
    let mut start = [0u8; 17];
    stream.read_exact(&mut start).unwrap();
    assert_eq!(&start, b"HTTP/1.1 200 OK\r\n");
    std::thread::sleep(std::time::Duration::from_secs(3));
    let mut received = 0;
    let mut buf = vec![0u8; 1 << 16];
    loop {
        match stream.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => received += n,
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => break,
            Err(e) => panic!("the server keeps a stalled connection open: {e}"),
        }
    }
    assert!(received < SIZE, "the whole file came: {received} bytes");
}

// The door: host names on a loopback address.

const FOREIGN_HOST: &str = "cairn serve answers only requests addressed to localhost or a loopback address, so that other web sites cannot read this preview (DNS rebinding). To accept other host names, start it with --bind 0.0.0.0, on a trusted network only.\n";

#[test]
fn on_loopback_only_requests_addressed_to_localhost_are_answered() {
    let s = site();
    let server = s.serve();
    let addr = server.url.trim_start_matches("http://");
    let port = addr.rsplit(':').next().unwrap();
    for host in [
        "evil.example".to_string(),
        format!("evil.example:{port}"),
        format!("localhost.evil.example:{port}"),
        format!("192.168.1.10:{port}"),
    ] {
        for path in ["/", "/articles/a/", "/__cairn/events", "/no/such/page/"] {
            assert_eq!(
                get_as(addr, Some(&host), path),
                (403, FOREIGN_HOST.to_string()),
                "{host} {path}"
            );
        }
    }
    for host in [
        format!("localhost:{port}"),
        format!("127.0.0.1:{port}"),
        format!("[::1]:{port}"),
        format!("blog.localhost:{port}"),
        "localhost".to_string(),
    ] {
        let (status, body) = get_as(addr, Some(&host), "/articles/a/");
        assert_eq!(status, 200, "{host}: {body}");
        assert!(body.contains("<h1>Alpha</h1>"), "{host}: {body}");
    }
    // Without a Host header (HTTP/1.0): no browser sends that, so no rebinding.
    let (status, body) = get_as(addr, None, "/articles/a/");
    assert_eq!(status, 200, "{body}");
}

#[test]
fn bound_to_all_addresses_any_host_is_answered() {
    let s = site();
    let server = Custom::start(&s, &["--bind", "0.0.0.0"], &[]);
    let (status, body) = get_as(&server.addr, Some("evil.example"), "/articles/a/");
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("<h1>Alpha</h1>"), "{body}");
}

#[test]
fn a_save_of_a_data_file_rebuilds_the_case_study_and_the_claims_citing_it() {
    let csv = |after: u32| {
        format!("id,label,before,after,better,source\nm,cost,100,{after},lower,ledger\n")
    };
    let s = site()
        .file("content/case-studies/c.md", "+++\ntitle = \"Case\"\ndate = 2026-01-04\ncustomer = \"C Corp\"\nmetrics_from = \"c.csv\"\n+++\nCase body.\n")
        .file("data/c.csv", csv(60))
        .file(
            "content/articles/a.md",
            alpha(&["user"], "We {{ claim(case=\"c\", metric=\"m\") }}.\n"),
        );
    let server = s.serve();
    let mut events = server.events();
    assert_eq!(events.next(), ("hello".to_string(), "[]".to_string()));
    assert!(server.get("/articles/a/").1.contains("reduced cost by 40%"));
    s.write("data/c.csv", csv(45));
    assert_eq!(events.next().0, "reload");
    assert!(server.get("/articles/a/").1.contains("reduced cost by 55%"));
    server.wait_for_line(|l| l.starts_with("changed data/c.csv: rendered "));
    // A bad cell is a build error the overlay shows, at the CSV's line and column.
    s.write("data/c.csv", csv(45).replace(",45,", ",4 5,"));
    let (event, data) = events.next();
    assert_eq!(event, "build-error");
    assert!(
        data.contains("\"file\":\"data/c.csv\",\"line\":2,\"col\":12"),
        "{data}"
    );
}

#[test]
fn a_save_of_the_sites_interface_strings_rebuilds_every_page() {
    // The folder is there from the start: a folder made later is watched too, but its
    // creation and the file's first write may then be two rebuilds.
    let s = site().file("i18n/en.toml", "[strings]\n");
    let server = s.serve();
    let mut events = server.events();
    assert_eq!(events.next(), ("hello".to_string(), "[]".to_string()));
    assert!(
        server
            .get("/articles/a/")
            .1
            .contains(">Skip to content</a>")
    );
    s.write(
        "i18n/en.toml",
        "[strings]\nskip_to_content = \"Jump to the text\"\n",
    );
    assert_eq!(events.next().0, "reload");
    assert!(
        server
            .get("/articles/a/")
            .1
            .contains(">Jump to the text</a>")
    );
    assert!(server.get("/about/").1.contains(">Jump to the text</a>"));
    server.wait_for_line(|l| l.starts_with("changed i18n/en.toml: rendered "));
    // A mistake there is a build error at its line, and the last good site stays.
    s.write("i18n/en.toml", "[strings]\nskip_to_contents = \"x\"\n");
    let (event, data) = events.next();
    assert_eq!(event, "build-error");
    assert!(data.contains("unknown string `skip_to_contents`"), "{data}");
    assert!(
        server
            .get("/articles/a/")
            .1
            .contains(">Jump to the text</a>")
    );
}

#[test]
fn a_save_reads_data_again_even_where_no_watch_sees_a_change() {
    // `data/c.csv` is a link to a file of the site outside the watched folders: an
    // edit there makes no event, but the next save of a page reads it again.
    let csv = |after: u32| {
        format!("id,label,before,after,better,source\nm,cost,100,{after},lower,ledger\n")
    };
    let s = site()
        .file("content/case-studies/c.md", "+++\ntitle = \"Case\"\ndate = 2026-01-04\ncustomer = \"C Corp\"\nmetrics_from = \"c.csv\"\n+++\nCase body.\n")
        .file("exports/c.csv", csv(60))
        .file(
            "content/articles/a.md",
            alpha(&["user"], "We {{ claim(case=\"c\", metric=\"m\") }}.\n"),
        );
    std::fs::create_dir_all(s.path("data")).unwrap();
    std::os::unix::fs::symlink("../exports/c.csv", s.path("data/c.csv")).unwrap();
    let server = s.serve();
    let mut events = server.events();
    assert_eq!(events.next(), ("hello".to_string(), "[]".to_string()));
    assert!(server.get("/articles/a/").1.contains("reduced cost by 40%"));
    s.write("exports/c.csv", csv(45));
    s.write(
        "content/articles/a.md",
        alpha(&["user"], "Now we {{ claim(case=\"c\", metric=\"m\") }}.\n"),
    );
    assert_eq!(events.next().0, "reload");
    let page = server.get("/articles/a/").1;
    assert!(page.contains("Now we reduced cost by 55%"), "{page}");
}
