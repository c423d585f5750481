//! Measures `cairn serve` on a large site: starts the real server, listens to
//! its live-reload events and, for each kind of one-article edit (body, title,
//! summary, date, stage, roles, industries, and a metric its claim cites),
//! saves the file N times and reports, per edit, the rebuild time the server
//! logs and the time from the save to the reload event arriving (which
//! includes the watcher's 40 ms debounce window). Prints a table of medians.
//! The corpus comes from `examples/corpus.rs`; every file is restored after.
//!
//! ```sh
//! cargo build --release --bin cairn --example serve_edits
//! target/release/examples/serve_edits CORPUS/cairn 20            # every kind
//! target/release/examples/serve_edits CORPUS/cairn 20 title,stage  # some kinds
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

/// The kinds of one-article edit measured, in order.
const KINDS: &[&str] = &[
    "body",
    "title",
    "summary",
    "date",
    "stage",
    "roles",
    "industries",
    "metric",
];

/// An edit: the original text and the edit's number → the text to save.
type Edit = Box<dyn Fn(&str, usize) -> String>;

/// Replace the front-matter line starting with `key =` (first one) by `line`.
fn set_line(text: &str, key: &str, line: &str) -> String {
    let prefix = format!("{key} =");
    let mut done = false;
    let mut out = String::with_capacity(text.len() + line.len());
    for l in text.split_inclusive('\n') {
        if !done && l.starts_with(&prefix) {
            out.push_str(line);
            out.push('\n');
            done = true;
        } else {
            out.push_str(l);
        }
    }
    assert!(done, "no `{key} =` line to edit");
    out
}

/// The file an edit kind changes, and how. Articles edit `article-1.md`; a metric edit
/// changes the first metric of the case study its claim cites.
fn edit_of(kind: &str, root: &str) -> (std::path::PathBuf, Edit) {
    let content = std::path::Path::new(root).join("content");
    let article = content.join("articles/article-1.md");
    let edit: Edit = match kind {
        "body" => Box::new(|t, i| format!("{t}\nEdit number {i} adds this sentence.\n")),
        "title" => Box::new(|t, i| set_line(t, "title", &format!("title = \"Edited title {i}\""))),
        "summary" => Box::new(|t, i| {
            set_line(
                t,
                "summary",
                &format!("summary = \"An edited summary, number {i}.\""),
            )
        }),
        "date" => {
            Box::new(|t, i| set_line(t, "date", &format!("date = 2024-03-{:02}", 1 + i % 28)))
        }
        "stage" => Box::new(|t, i| {
            let stage = ["awareness", "consideration", "retention"][i % 3];
            set_line(t, "stage", &format!("stage = \"{stage}\""))
        }),
        "roles" => Box::new(|t, i| {
            let roles = ["[\"buyer\"]", "[\"initiator\", \"user\"]"][i % 2];
            set_line(t, "roles", &format!("roles = {roles}"))
        }),
        "industries" => Box::new(|t, i| {
            let ind = ["[\"logistics\"]", "[\"energy\", \"manufacturing\"]"][i % 2];
            set_line(t, "industries", &format!("industries = {ind}"))
        }),
        "metric" => {
            let text = std::fs::read_to_string(&article).expect("article-1.md");
            let case = text
                .split("claim(case=\"")
                .nth(1)
                .and_then(|r| r.split('"').next())
                .expect("article-1.md cites a case study")
                .to_string();
            let file = content.join(format!("case-studies/{case}.md"));
            return (
                file,
                Box::new(|t, i| set_line(t, "after", &format!("after = {}", 60 + i % 7))),
            );
        }
        other => panic!("unknown edit kind {other}; kinds: {}", KINDS.join(",")),
    };
    (article, edit)
}

fn main() {
    let root = std::env::args()
        .nth(1)
        .expect("usage: serve_edits SITE_ROOT [EDITS] [KIND,KIND,…]");
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

    let kinds: Vec<String> = match std::env::args().nth(3) {
        Some(k) => k.split(',').map(str::to_string).collect(),
        None => KINDS.iter().map(|k| k.to_string()).collect(),
    };
    let mut summary = Vec::new();
    for kind in &kinds {
        let (file, edit) = edit_of(kind, &root);
        let original = std::fs::read_to_string(&file).unwrap_or_else(|e| {
            panic!(
                "{}: {e} (a corpus from examples/corpus.rs has it)",
                file.display()
            )
        });
        let (mut logged, mut end_to_end, mut files) = (Vec::new(), Vec::new(), Vec::new());
        for i in 0..edits {
            while rx.try_recv().is_ok() {}
            while erx.try_recv().is_ok() {}
            let saved = Instant::now();
            std::fs::write(&file, edit(&original, i)).unwrap();
            let reloaded = erx
                .recv_timeout(Duration::from_secs(30))
                .expect("a reload event");
            end_to_end.push((reloaded - saved).as_secs_f64() * 1000.0);
            let line = loop {
                let l = rx
                    .recv_timeout(Duration::from_secs(30))
                    .expect("a rebuild line");
                if l.starts_with("changed ") {
                    assert!(!l.contains(" errors in "), "{kind} edit {i} failed: {l}");
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
            // `… rendered N of M files in …`
            if let Some(n) = line
                .split(" rendered ")
                .nth(1)
                .and_then(|r| r.split(' ').next())
                .and_then(|n| n.parse::<usize>().ok())
            {
                files.push(n as f64);
            }
            // `--timings`: the phases, then the slowest files.
            let timings = rx.recv_timeout(Duration::from_secs(5)).unwrap_or_default();
            let slowest = rx.recv_timeout(Duration::from_secs(5)).unwrap_or_default();
            println!(
                "{kind} edit {i:>2}: {line}; save → reload event {:.1} ms\n        {}\n        {}",
                end_to_end[i],
                timings.trim(),
                slowest.trim()
            );
            std::thread::sleep(Duration::from_millis(150));
        }
        std::fs::write(&file, &original).unwrap();
        // Let serve rebuild the original before the next kind starts.
        std::thread::sleep(Duration::from_millis(1500));
        summary.push((
            kind.clone(),
            median(logged),
            median(end_to_end),
            if files.is_empty() {
                f64::NAN
            } else {
                median(files)
            },
        ));
    }
    println!("| edit | median rebuild logged by serve | save → reload event | files rendered |");
    println!("|---|---|---|---|");
    for (kind, logged, end_to_end, files) in summary {
        println!("| {kind} | {logged:.1} ms | {end_to_end:.1} ms | {files} |");
    }
    let _ = child.kill();
    let _ = child.wait();
}
