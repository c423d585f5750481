//! `cairn serve`: build, serve the output over HTTP, watch the site and
//! rebuild on every save, reload the browser over server-sent events, and
//! show build errors as an overlay on every page. A bad save never stops
//! the server: it keeps serving the last good build.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderValue, Request, StatusCode, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use serde::Serialize;
use tokio::sync::broadcast;
use tokio_stream::StreamExt;
use tokio_stream::wrappers::BroadcastStream;
use tower::ServiceExt;
use tower_http::services::{ServeDir, ServeFile};

use crate::diagnostics::{Diagnostic, display_path};
use crate::{BuildError, BuildOptions};

/// The live-reload endpoint; under a name no site page can take.
pub const EVENTS_PATH: &str = "/__cairn/events";

/// Options of `cairn serve`.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub root: PathBuf,
    pub bind: std::net::IpAddr,
    pub port: u16,
    pub drafts: bool,
    /// Open the site in the default browser once it is served.
    pub open: bool,
    /// Print how long each phase of every rebuild took.
    pub timings: bool,
}

/// What changed on disk, by where it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Change {
    Content,
    Static,
    Templates,
    Config,
}

/// Classify a changed path relative to the site root; `None` for files that never affect the site.
pub fn classify(rel: &Path) -> Option<Change> {
    let name = rel.file_name()?.to_string_lossy();
    if crate::source::is_ignored_name(&name) {
        return None;
    }
    let mut parts = rel.components().map(|c| c.as_os_str().to_string_lossy());
    let first = parts.next()?;
    if parts.any(|p| p.starts_with('.')) {
        return None;
    }
    match first.as_ref() {
        "site.toml" => Some(Change::Config),
        "content" => Some(Change::Content),
        "static" => Some(Change::Static),
        "templates" | "themes" => Some(Change::Templates),
        _ => None,
    }
}

/// A build error as the browser overlay shows it.
#[derive(Debug, Clone, Serialize)]
struct OverlayError {
    file: String,
    line: usize,
    col: usize,
    level: String,
    message: String,
    hint: String,
    source_line: String,
}

impl From<&Diagnostic> for OverlayError {
    fn from(d: &Diagnostic) -> Self {
        OverlayError {
            file: display_path(&d.path),
            line: d.line,
            col: d.col,
            level: d.level.to_string(),
            message: d.message.clone(),
            hint: d.hint.clone(),
            source_line: d.source_line.clone(),
        }
    }
}

/// What the browser is told.
#[derive(Debug, Clone)]
enum Notice {
    Reload,
    Errors(Vec<OverlayError>),
}

struct Shared {
    out: PathBuf,
    /// Errors of the last build; empty when it succeeded.
    errors: Mutex<Vec<OverlayError>>,
    /// Whether `out` holds a complete site.
    built: Mutex<bool>,
    notices: broadcast::Sender<Notice>,
    timings: bool,
}

/// Run the server until Ctrl-C. Prints to the terminal: this is the CLI edge.
#[allow(clippy::print_stdout, clippy::print_stderr)]
pub fn serve(options: ServeOptions) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(run(options))
}

#[allow(clippy::print_stdout, clippy::print_stderr)]
async fn run(options: ServeOptions) -> anyhow::Result<()> {
    let addr = SocketAddr::new(options.bind, options.port);
    let listener = match tokio::net::TcpListener::bind(addr).await {
        Ok(l) => l,
        Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => {
            anyhow::bail!(
                "port {} is already in use on {}; try another, e.g. --port {}",
                options.port,
                options.bind,
                options.port.saturating_add(1)
            )
        }
        Err(e) => return Err(anyhow::Error::new(e).context(format!("cannot listen on {addr}"))),
    };
    let local = listener.local_addr()?;
    let host = if options.bind.is_unspecified() {
        "127.0.0.1".to_string()
    } else {
        local.ip().to_string()
    };
    let host = if host.contains(':') {
        format!("[{host}]")
    } else {
        host
    };
    let url = format!("http://{host}:{}", local.port());

    let tmp = tempfile::Builder::new().prefix("cairn-serve-").tempdir()?;
    let out = tmp.path().join("site");
    let (notices, _) = broadcast::channel(16);
    let shared = Arc::new(Shared {
        out: out.clone(),
        errors: Mutex::new(Vec::new()),
        built: Mutex::new(false),
        notices,
        timings: options.timings,
    });

    let mut build_options = BuildOptions::new(&options.root);
    build_options.output = out.clone();
    build_options.base_url = Some(url.clone());
    build_options.drafts = options.drafts;
    build_options.render.live_reload = live_reload_script();

    let mut session = crate::Session::new(build_options, true);
    rebuild(&shared, &mut session, None, "initial build");

    // Watch, and rebuild on a blocking thread so the server keeps answering.
    let (tx, rx) = std::sync::mpsc::channel();
    let mut debouncer = notify_debouncer_full::new_debouncer(Duration::from_millis(40), None, tx)?;
    let root = std::path::absolute(&options.root)?;
    for entry in ["content", "static", "templates", "themes"] {
        let p = root.join(entry);
        if p.is_dir() {
            debouncer.watch(&p, notify::RecursiveMode::Recursive)?;
        }
    }
    debouncer.watch(&root, notify::RecursiveMode::NonRecursive)?;
    {
        let shared = shared.clone();
        let root = root.clone();
        std::thread::spawn(move || watch_loop(rx, &root, &shared, session));
    }

    let app = Router::new()
        .route(EVENTS_PATH, get(events))
        .fallback(files)
        .with_state(shared.clone())
        .layer(tower_http::set_header::SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ));

    println!(
        "serving {} at {url}/ (Ctrl-C to stop)",
        display_path(&options.root)
    );
    if options.open {
        open_browser(&format!("{url}/"));
    }
    axum::serve(listener, app)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    println!("stopped");
    drop(debouncer);
    drop(tmp);
    Ok(())
}

#[allow(clippy::print_stdout, clippy::print_stderr)]
fn rebuild(shared: &Shared, session: &mut crate::Session, changed: Option<&[String]>, what: &str) {
    let start = Instant::now();
    let result = session.build(changed);
    let ms = start.elapsed().as_secs_f64() * 1000.0;
    match result {
        Ok(report) => {
            for w in &report.warnings {
                eprintln!("{w}\n");
            }
            let warnings = match report.warnings.len() {
                0 => String::new(),
                n => format!(", {n} warnings"),
            };
            println!(
                "{what}: rendered {} of {} files in {ms:.0} ms{warnings}",
                report.rendered, report.files
            );
            if shared.timings {
                let t = &report.timings;
                let phases = t.phases.iter().map(|(p, d)| (*p, *d));
                println!("  timings: {}", durations(phases));
                let slowest = t.slowest.iter().map(|(p, d)| (p.as_str(), *d));
                println!("  slowest: {}", durations(slowest));
            }
            *shared.built.lock().expect("lock") = true;
            shared.errors.lock().expect("lock").clear();
            let _ = shared.notices.send(Notice::Reload);
        }
        Err(BuildError::Content(ds)) => {
            for d in &ds {
                eprintln!("{d}\n");
            }
            let errors: Vec<OverlayError> = ds
                .iter()
                .filter(|d| d.is_error())
                .map(OverlayError::from)
                .collect();
            println!(
                "{what}: {} errors in {ms:.0} ms; still serving the last good build",
                errors.len()
            );
            *shared.errors.lock().expect("lock") = errors.clone();
            let _ = shared.notices.send(Notice::Errors(errors));
        }
        Err(BuildError::Io(e)) => {
            eprintln!("error: {e:#}");
            let errors = vec![OverlayError {
                file: String::new(),
                line: 0,
                col: 0,
                level: "error".into(),
                message: format!("{e:#}"),
                hint: String::new(),
                source_line: String::new(),
            }];
            *shared.errors.lock().expect("lock") = errors.clone();
            let _ = shared.notices.send(Notice::Errors(errors));
        }
    }
}

fn watch_loop(
    rx: std::sync::mpsc::Receiver<notify_debouncer_full::DebounceEventResult>,
    root: &Path,
    shared: &Shared,
    mut session: crate::Session,
) {
    while let Ok(result) = rx.recv() {
        let Ok(events) = result else { continue };
        let mut changed: Vec<String> = Vec::new();
        let mut content: Vec<String> = Vec::new();
        let mut full = false;
        for event in &events {
            if event.kind.is_access() {
                continue;
            }
            for path in &event.paths {
                let rel = path.strip_prefix(root).unwrap_or(path);
                let Some(kind) = classify(rel) else { continue };
                let s = display_path(rel);
                match (kind, s.strip_prefix("content/")) {
                    (Change::Content, Some(c)) => content.push(c.to_string()),
                    _ => full = true,
                }
                if !changed.contains(&s) {
                    changed.push(s);
                }
            }
        }
        if changed.is_empty() {
            continue;
        }
        let what = match changed.len() {
            1 => format!("changed {}", changed[0]),
            n => format!("changed {} and {} more", changed[0], n - 1),
        };
        // site.toml, templates and static files can touch every page: start afresh.
        if full {
            session.invalidate();
        }
        rebuild(
            shared,
            &mut session,
            (!full).then_some(content.as_slice()),
            &what,
        );
    }
}

async fn events(State(shared): State<Arc<Shared>>) -> impl IntoResponse {
    let hello = {
        let errors = shared.errors.lock().expect("lock").clone();
        Event::default()
            .event("hello")
            .data(serde_json::to_string(&errors).unwrap_or_default())
    };
    let stream = BroadcastStream::new(shared.notices.subscribe()).filter_map(|n| match n {
        Ok(Notice::Reload) => Some(Event::default().event("reload").data("{}")),
        Ok(Notice::Errors(e)) => Some(
            Event::default()
                .event("build-error")
                .data(serde_json::to_string(&e).unwrap_or_default()),
        ),
        Err(_) => None,
    });
    let stream = tokio_stream::once(hello)
        .chain(stream)
        .map(Ok::<_, std::convert::Infallible>);
    Sse::new(stream).keep_alive(KeepAlive::default())
}

/// Serve the output folder; before the first good build, a page that shows the overlay.
async fn files(State(shared): State<Arc<Shared>>, req: Request<axum::body::Body>) -> Response {
    if !*shared.built.lock().expect("lock") {
        let page = format!(
            "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>cairn: the site has errors</title></head><body><main><h1>The site has errors</h1><p>Fix them and save: this page reloads by itself.</p></main>{}</body></html>",
            live_reload_script()
        );
        return (StatusCode::SERVICE_UNAVAILABLE, Html(page)).into_response();
    }
    let service =
        ServeDir::new(&shared.out).not_found_service(ServeFile::new(shared.out.join("404.html")));
    match service.oneshot(req).await {
        Ok(r) => r.into_response(),
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response(),
    }
}

fn open_browser(url: &str) {
    let cmd = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    let _ = std::process::Command::new(cmd)
        .arg(url)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
}

/// The script injected before `</body>` of every page in `serve`.
pub fn live_reload_script() -> String {
    format!(
        "<script>{}</script>",
        include_str!("serve/live.js").replace("__EVENTS__", EVENTS_PATH)
    )
}

/// `name 1.2 ms, other 0.3 ms`
fn durations<'a>(items: impl Iterator<Item = (&'a str, std::time::Duration)>) -> String {
    items
        .map(|(name, d)| format!("{name} {:.1} ms", d.as_secs_f64() * 1000.0))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_are_classified_by_location() {
        let cases: &[(&str, Option<Change>)] = &[
            ("site.toml", Some(Change::Config)),
            ("content/articles/a.md", Some(Change::Content)),
            ("content/articles/chart.png", Some(Change::Content)),
            ("static/style.css", Some(Change::Static)),
            ("templates/page.html", Some(Change::Templates)),
            (
                "themes/default/templates/base.html",
                Some(Change::Templates),
            ),
            ("content/articles/.a.md.swp", None),
            ("content/articles/a.md~", None),
            ("content/articles/#a.md#", None),
            ("content/articles/4913", None),
            ("content/.git/index", None),
            ("public/index.html", None),
            ("target/debug/cairn", None),
            ("README.md", None),
        ];
        for (path, want) in cases {
            assert_eq!(classify(Path::new(path)), *want, "{path}");
        }
    }
}
