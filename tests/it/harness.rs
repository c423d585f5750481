//! A small chainable harness: a site folder written file by file, the real
//! binary run against it, and helpers to read what it produced.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub const SITE_TOML: &str = "title = \"Test Site\"\nbase_url = \"https://example.test\"\n";

pub struct TestSite {
    dir: tempfile::TempDir,
}

/// The output of one run of the binary.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl From<Output> for Run {
    fn from(o: Output) -> Run {
        Run {
            code: o.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        }
    }
}

impl Run {
    #[track_caller]
    pub fn success(self) -> Run {
        assert_eq!(
            self.code, 0,
            "expected success\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }
    #[track_caller]
    pub fn failure(self) -> Run {
        assert_eq!(
            self.code, 1,
            "expected exit 1\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }
}

pub fn cairn_bin() -> &'static str {
    env!("CARGO_BIN_EXE_cairn")
}

/// An article's front matter plus body.
pub fn article(title: &str, stage: &str, roles: &[&str], date: &str, body: &str) -> String {
    let roles: Vec<String> = roles.iter().map(|r| format!("\"{r}\"")).collect();
    format!(
        "+++\ntitle = \"{title}\"\ndate = {date}\nstage = \"{stage}\"\nroles = [{}]\n+++\n{body}",
        roles.join(", ")
    )
}

/// The article `content/articles/a.md` of the serve tests, with `roles` and `body`.
pub fn alpha(roles: &[&str], body: &str) -> String {
    article("Alpha", "awareness", roles, "2026-01-01", body)
}

impl TestSite {
    /// A site with a minimal site.toml and nothing else.
    pub fn new() -> TestSite {
        TestSite::empty().file("site.toml", SITE_TOML)
    }

    /// A folder with nothing in it.
    pub fn empty() -> TestSite {
        TestSite {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    pub fn file(self, path: &str, content: impl AsRef<[u8]>) -> TestSite {
        self.write(path, content);
        self
    }

    pub fn write(&self, path: &str, content: impl AsRef<[u8]>) {
        let p = self.dir.path().join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, content).unwrap();
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    /// Run `cairn <args> --root <site>`; commands that take no --root pass `raw`.
    pub fn cairn(&self, args: &[&str]) -> Run {
        let mut cmd = Command::new(cairn_bin());
        cmd.args(args)
            .arg("--root")
            .arg(self.root())
            .env("NO_COLOR", "1");
        cmd.output().expect("run cairn").into()
    }

    pub fn build(&self) -> Run {
        self.cairn(&["build"])
    }

    /// A file of the built site.
    #[track_caller]
    pub fn read(&self, rel: &str) -> String {
        let p = self.dir.path().join("public").join(rel);
        std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("cannot read {}: {e}", p.display()))
    }

    pub fn exists(&self, rel: &str) -> bool {
        self.dir.path().join("public").join(rel).exists()
    }

    /// Every file under public/, relative, sorted, with its bytes.
    pub fn snapshot(&self) -> Vec<(String, Vec<u8>)> {
        let out = self.dir.path().join("public");
        let mut files: Vec<(String, Vec<u8>)> = walkdir(&out)
            .into_iter()
            .map(|p| {
                (
                    p.strip_prefix(&out)
                        .unwrap()
                        .to_string_lossy()
                        .replace('\\', "/"),
                    std::fs::read(&p).unwrap(),
                )
            })
            .collect();
        files.sort();
        files
    }
}

pub fn walkdir(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walkdir(&p));
        } else {
            out.push(p);
        }
    }
    out
}

/// The text between the first `start` and the next `end` after it.
#[track_caller]
pub fn between<'a>(text: &'a str, start: &str, end: &str) -> &'a str {
    let i = text
        .find(start)
        .unwrap_or_else(|| panic!("`{start}` not found in:\n{text}"));
    let rest = &text[i + start.len()..];
    let j = rest
        .find(end)
        .unwrap_or_else(|| panic!("`{end}` not found after `{start}`"));
    &rest[..j]
}

/// Every `href="..."` value in `html`.
pub fn hrefs(html: &str) -> Vec<String> {
    html.split("href=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .map(|s| s.replace("&amp;", "&"))
        .collect()
}

/// A running `cairn serve`, killed on drop.
pub struct Server {
    child: std::process::Child,
    pub url: String,
    lines: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

impl TestSite {
    /// Start `cairn serve` on a free port and wait until it serves.
    pub fn serve(&self) -> Server {
        use std::io::BufRead;
        let mut child = Command::new(cairn_bin())
            .args(["serve", "--port", "0", "--root"])
            .arg(self.root())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("start cairn serve");
        let lines = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        for stream in [
            Box::new(child.stdout.take().unwrap()) as Box<dyn std::io::Read + Send>,
            Box::new(child.stderr.take().unwrap()),
        ] {
            let lines = lines.clone();
            std::thread::spawn(move || {
                for line in std::io::BufReader::new(stream)
                    .lines()
                    .map_while(Result::ok)
                {
                    lines.lock().unwrap().push(line);
                }
            });
        }
        let mut server = Server {
            child,
            url: String::new(),
            lines,
        };
        let line = server.wait_for_line(|l| l.starts_with("serving "));
        let url = line
            .split(" at ")
            .nth(1)
            .unwrap()
            .split(' ')
            .next()
            .unwrap()
            .trim_end_matches('/');
        server.url = url.to_string();
        server
    }
}

impl Server {
    /// Wait (up to 20 s) for an output line matching `pred`; returns it.
    #[track_caller]
    pub fn wait_for_line(&self, pred: impl Fn(&str) -> bool) -> String {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        loop {
            if let Some(l) = self.lines.lock().unwrap().iter().find(|l| pred(l)) {
                return l.clone();
            }
            assert!(
                std::time::Instant::now() < deadline,
                "timed out; output so far:\n{}",
                self.output()
            );
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    }

    pub fn output(&self) -> String {
        self.lines.lock().unwrap().join("\n")
    }

    pub fn count_lines(&self, pred: impl Fn(&str) -> bool) -> usize {
        self.lines
            .lock()
            .unwrap()
            .iter()
            .filter(|l| pred(l))
            .count()
    }

    /// GET `path` (sent exactly as given); returns (status, body).
    pub fn get(&self, path: &str) -> (u16, String) {
        let addr = self.url.trim_start_matches("http://");
        get_as(addr, Some(addr), path)
    }

    /// Open the live-reload event stream.
    pub fn events(&self) -> EventStream {
        use std::io::Write;
        let addr = self.url.trim_start_matches("http://");
        let mut s = std::net::TcpStream::connect(addr).unwrap();
        s.set_read_timeout(Some(std::time::Duration::from_secs(20)))
            .unwrap();
        write!(
            s,
            "GET /__cairn/events HTTP/1.1\r\nHost: {addr}\r\nAccept: text/event-stream\r\n\r\n"
        )
        .unwrap();
        EventStream {
            reader: std::io::BufReader::new(s),
        }
    }

    /// Send Ctrl-C and wait for the exit status.
    pub fn interrupt(mut self) -> i32 {
        Command::new("kill")
            .args(["-INT", &self.child.id().to_string()])
            .status()
            .unwrap();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.code().unwrap_or(-1);
            }
            assert!(
                std::time::Instant::now() < deadline,
                "serve did not stop on Ctrl-C"
            );
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        stop(&mut self.child);
    }
}

/// Server-sent events, read one at a time.
pub struct EventStream {
    reader: std::io::BufReader<std::net::TcpStream>,
}

impl EventStream {
    /// The next event as (name, data); skips keep-alive comments.
    pub fn next(&mut self) -> (String, String) {
        use std::io::BufRead;
        let (mut name, mut data) = (String::new(), String::new());
        loop {
            let mut line = String::new();
            let n = self.reader.read_line(&mut line).expect("event stream read");
            assert!(n > 0, "event stream closed");
            let line = line.trim_end_matches(['\r', '\n']);
            if let Some(v) = line.strip_prefix("event: ") {
                name = v.to_string();
            } else if let Some(v) = line.strip_prefix("data: ") {
                data.push_str(v);
            } else if line.is_empty() && !name.is_empty() {
                return (name, data);
            }
        }
    }
}

/// GET `path` from `addr` with this `Host` header, or none over HTTP/1.0.
pub fn get_as(addr: &str, host: Option<&str>, path: &str) -> (u16, String) {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(std::time::Duration::from_secs(10)))
        .unwrap();
    match host {
        Some(h) => write!(
            s,
            "GET {path} HTTP/1.1\r\nHost: {h}\r\nConnection: close\r\n\r\n"
        ),
        None => write!(s, "GET {path} HTTP/1.0\r\n\r\n"),
    }
    .unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let text = String::from_utf8_lossy(&raw).into_owned();
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    (status, body)
}

/// `tests/fixtures/themes/plain`: templates that print the views they receive as
/// plain lines (`title: …`, one card per line, every metric field), so tests can
/// assert what cairn computes without depending on the default theme's markup.
pub const PLAIN_THEME: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/themes/plain");

impl TestSite {
    /// This site with the plain theme in `themes/plain/` and `theme = "plain"` put
    /// first in its current site.toml (so call it after the last write of site.toml).
    pub fn with_plain_theme(self) -> TestSite {
        let theme = Path::new(PLAIN_THEME);
        for file in walkdir(theme) {
            let rel = file.strip_prefix(theme).unwrap().to_string_lossy();
            self.write(
                &format!("themes/plain/{rel}"),
                std::fs::read(&file).unwrap(),
            );
        }
        let toml = std::fs::read_to_string(self.path("site.toml")).unwrap_or_default();
        self.file("site.toml", format!("theme = \"plain\"\n{toml}"))
    }
}

/// Ask a `cairn serve` to stop as a service manager would (SIGTERM), so that it removes
/// its private output folder; kill it if it has not stopped within 5 s.
pub fn stop(child: &mut std::process::Child) {
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while std::time::Instant::now() < deadline {
        if let Ok(Some(_)) = child.try_wait() {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let _ = child.kill();
    let _ = child.wait();
}

impl Run {
    /// The first line of each error diagnostic on standard error (`file:line:col: error: …`).
    pub fn error_lines(&self) -> Vec<&str> {
        self.stderr
            .lines()
            .filter(|l| l.contains(": error: "))
            .collect()
    }

    /// The first line of each warning diagnostic on standard error.
    pub fn warning_lines(&self) -> Vec<&str> {
        self.stderr
            .lines()
            .filter(|l| l.contains(": warning: "))
            .collect()
    }
}
