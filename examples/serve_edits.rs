//! Measures `cairn serve` on a large site: starts the real server, listens to
//! its live-reload events, saves one article 20 times (a text edit each
//! time) and reports, per edit, the rebuild time the server logs and the
//! time from the save to the reload event arriving (which includes the
//! watcher's 40 ms debounce window). Prints the medians.
//!
//! ```sh
//! cargo build --release && cargo run --release --example serve_edits -- /tmp/corpus/cairn
//! ```

#![allow(clippy::print_stdout)] // a command-line tool: printing is its job

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    let root = std::env::args()
        .nth(1)
        .expect("usage: serve_edits SITE_ROOT [EDITS]");
    let edits: usize = std::env::args()
        .nth(2)
        .and_then(|n| n.parse().ok())
        .unwrap_or(20);
    let exe = std::env::current_exe().unwrap();
    let cairn = exe.parent().unwrap().parent().unwrap().join("cairn");
    let mut child = Command::new(&cairn)
        .args(["serve", "--timings", "--port", "0", "--root", &root])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start cairn serve (build it first: cargo build --release)");
    let (tx, rx) = mpsc::channel::<String>();
    let stdout = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let url = loop {
        let line = rx
            .recv_timeout(Duration::from_secs(120))
            .expect("serve started");
        println!("{line}");
        if let Some(rest) = line.strip_prefix("serving ") {
            break rest
                .split(" at ")
                .nth(1)
                .unwrap()
                .split('/')
                .nth(2)
                .unwrap()
                .to_string();
        }
    };
    let mut sse = std::net::TcpStream::connect(&url).unwrap();
    write!(sse, "GET /__cairn/events HTTP/1.1\r\nHost: {url}\r\n\r\n").unwrap();
    let (etx, erx) = mpsc::channel::<Instant>();
    let reader = BufReader::new(sse.try_clone().unwrap());
    std::thread::spawn(move || {
        for line in reader.lines().map_while(Result::ok) {
            if line == "event: reload" {
                let _ = etx.send(Instant::now());
            }
        }
    });
    std::thread::sleep(Duration::from_millis(500));

    let article = std::path::Path::new(&root).join("content/articles/article-1.md");
    let original =
        std::fs::read_to_string(&article).expect("the corpus has content/articles/article-1.md");
    let (mut logged, mut end_to_end) = (Vec::new(), Vec::new());
    for i in 0..edits {
        while rx.try_recv().is_ok() {}
        while erx.try_recv().is_ok() {}
        let saved = Instant::now();
        std::fs::write(
            &article,
            format!("{original}\nEdit number {i} adds this sentence.\n"),
        )
        .unwrap();
        let reloaded = erx
            .recv_timeout(Duration::from_secs(30))
            .expect("a reload event");
        end_to_end.push((reloaded - saved).as_secs_f64() * 1000.0);
        let line = loop {
            let l = rx
                .recv_timeout(Duration::from_secs(30))
                .expect("a rebuild line");
            if l.starts_with("changed ") {
                break l;
            }
        };
        let ms: f64 = line
            .rsplit(" in ")
            .next()
            .unwrap()
            .trim_end_matches(" ms")
            .parse()
            .unwrap();
        logged.push(ms);
        let timings = rx.recv_timeout(Duration::from_secs(5)).unwrap_or_default();
        println!(
            "edit {i:>2}: {line}; save → reload event {:.1} ms\n        {}",
            end_to_end[i],
            timings.trim()
        );
        std::thread::sleep(Duration::from_millis(150));
    }
    std::fs::write(&article, original).unwrap();
    println!("median rebuild (logged by serve): {:.1} ms", median(logged));
    println!(
        "median save → reload event: {:.1} ms (includes the 40 ms debounce)",
        median(end_to_end)
    );
    let _ = child.kill();
    let _ = child.wait();
}
