//! `cairn serve`: build, serve the output over HTTP, watch the site and
//! rebuild on every save, reload the browser over server-sent events, and
//! show build errors as an overlay on every page. A bad save never stops
//! the server: it keeps serving the last good build.
//!
//! [`watch`] keeps the watches alive when folders are replaced; [`http`]
//! serves the files and the events, bounds slow clients and, on loopback,
//! refuses requests addressed to other host names.

mod http;
mod watch;

pub use http::{FOREIGN_HOST, HEADER_TIMEOUT, IDLE_TIMEOUT};
pub use watch::{Change, classify};

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use serde::Serialize;
use tokio::sync::broadcast;

use crate::diagnostics::{Diagnostic, display_path};
use crate::{BuildError, BuildOptions};

/// The live-reload endpoint; under a name no site page can take.
pub const EVENTS_PATH: &str = "/__cairn/events";

/// Which of the terminal's streams a message of the server belongs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stream {
    /// What the server is doing: serving, rebuilt, stopped.
    Progress,
    /// Problems: diagnostics, failed builds and watches.
    Problems,
}

/// Where the server's messages go (the command line prints them; the library never does).
pub type Log = Arc<dyn Fn(Stream, &str) + Send + Sync>;

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
    log: Log,
}

/// Run the server until Ctrl-C, telling `log` what it does.
pub fn serve(options: ServeOptions, log: Log) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(run(options, log))
}

async fn run(options: ServeOptions, log: Log) -> anyhow::Result<()> {
    let listener = listen(&options).await?;
    let url = site_url(options.bind, listener.local_addr()?);

    let tmp = tempfile::Builder::new().prefix("cairn-serve-").tempdir()?;
    let out = tmp.path().join("site");
    let (notices, _) = broadcast::channel(16);
    let shared = Arc::new(Shared {
        out: out.clone(),
        errors: Mutex::new(Vec::new()),
        built: Mutex::new(false),
        notices,
        timings: options.timings,
        log: log.clone(),
    });

    let mut session = crate::Session::new(build_options(&options, out, &url), true)
        .with_private_output()
        .following_the_clock();
    rebuild(&shared, &mut session, None, "initial build");

    // Watch, and rebuild on a thread of its own so the server keeps answering.
    let (tx, rx) = std::sync::mpsc::channel();
    let watch = watch::Watch::start(std::path::absolute(&options.root)?, tx, log.clone())?;
    {
        let shared = shared.clone();
        std::thread::spawn(move || watch.run(rx, &shared, session));
    }
    let local_only = options.bind.to_canonical().is_loopback();
    let stop = stop_signal();
    let app = http::router(shared, local_only);

    log(
        Stream::Progress,
        &format!(
            "serving {} at {url}/ (Ctrl-C to stop)",
            display_path(&options.root)
        ),
    );
    if options.open {
        open_browser(&format!("{url}/"));
    }
    http::serve(listener, app, http::Timeouts::from_env(), stop).await;
    log(Stream::Progress, "stopped");
    drop(tmp);
    Ok(())
}

/// Resolves on Ctrl-C, or (on Unix) when a service manager or terminal asks the server
/// to stop (SIGTERM, SIGHUP): the server then stops and removes its private output.
/// The handlers are in place when this returns, before the future is first polled, so
/// a signal sent as soon as the server says it is serving is not missed.
fn stop_signal() -> impl std::future::Future<Output = ()> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let term = signal(SignalKind::terminate()).ok();
        let hangup = signal(SignalKind::hangup()).ok();
        let interrupt = signal(SignalKind::interrupt()).ok();
        async move {
            let (Some(mut term), Some(mut hangup), Some(mut interrupt)) = (term, hangup, interrupt)
            else {
                let _ = tokio::signal::ctrl_c().await;
                return;
            };
            tokio::select! {
                _ = interrupt.recv() => {}
                _ = term.recv() => {}
                _ = hangup.recv() => {}
            }
        }
    }
    #[cfg(not(unix))]
    {
        async {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}

/// Takes the serve options; gives a listener on their address and port, or an error
/// that suggests the next port when this one is taken.
async fn listen(options: &ServeOptions) -> anyhow::Result<tokio::net::TcpListener> {
    let addr = SocketAddr::new(options.bind, options.port);
    match tokio::net::TcpListener::bind(addr).await {
        Ok(l) => Ok(l),
        Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => {
            anyhow::bail!(
                "port {} is already in use on {}; try another, e.g. --port {}",
                options.port,
                options.bind,
                options.port.saturating_add(1)
            )
        }
        Err(e) => Err(anyhow::Error::new(e).context(format!("cannot listen on {addr}"))),
    }
}

/// Takes the address asked for and the one listened on; gives the site's URL
/// (`http://127.0.0.1:1111`): 127.0.0.1 for an unspecified address, IPv6 in brackets.
fn site_url(bind: std::net::IpAddr, local: SocketAddr) -> String {
    let host = if bind.is_unspecified() {
        "127.0.0.1".to_string()
    } else {
        local.ip().to_string()
    };
    let host = if host.contains(':') {
        format!("[{host}]")
    } else {
        host
    };
    format!("http://{host}:{}", local.port())
}

/// Takes the serve options, the output folder and the site's URL; gives the options of
/// the builds: that output and base URL, drafts as asked, the live-reload script.
fn build_options(options: &ServeOptions, out: PathBuf, url: &str) -> BuildOptions {
    let mut build_options = BuildOptions::new(&options.root);
    build_options.output = out;
    build_options.base_url = Some(url.to_string());
    build_options.drafts = options.drafts;
    build_options.render.live_reload = live_reload_script();
    build_options
}

/// Build again, log how it went, and tell the browsers: reload, or show the errors.
fn rebuild(shared: &Shared, session: &mut crate::Session, changed: Option<&[String]>, what: &str) {
    let start = Instant::now();
    let result = session.build(changed);
    let ms = start.elapsed().as_secs_f64() * 1000.0;
    match result {
        Ok(report) => built(shared, &report, what, ms),
        Err(BuildError::Content(ds)) => {
            for d in &ds {
                (shared.log)(Stream::Problems, &format!("{d}\n"));
            }
            let errors: Vec<OverlayError> = ds
                .iter()
                .filter(|d| d.is_error())
                .map(OverlayError::from)
                .collect();
            (shared.log)(
                Stream::Progress,
                &format!(
                    "{what}: {} errors in {ms:.0} ms; still serving the last good build",
                    errors.len()
                ),
            );
            show_errors(shared, errors);
        }
        Err(BuildError::Io(e)) => {
            (shared.log)(Stream::Problems, &format!("error: {e:#}"));
            show_errors(
                shared,
                vec![OverlayError {
                    file: String::new(),
                    line: 0,
                    col: 0,
                    level: "error".into(),
                    message: format!("{e:#}"),
                    hint: String::new(),
                    source_line: String::new(),
                }],
            );
        }
    }
}

/// Takes a successful build's report, what the build was for and how long it took
/// (ms); logs its warnings, a summary and the timings if asked for, marks the output
/// as built, clears the errors and tells the browsers to reload.
fn built(shared: &Shared, report: &crate::Report, what: &str, ms: f64) {
    let log = |stream: Stream, text: &str| (shared.log)(stream, text);
    for w in &report.warnings {
        log(Stream::Problems, &format!("{w}\n"));
    }
    let warnings = match report.warnings.len() {
        0 => String::new(),
        n => format!(", {n} warnings"),
    };
    log(
        Stream::Progress,
        &format!(
            "{what}: rendered {} of {} files in {ms:.0} ms{warnings}",
            report.rendered, report.files
        ),
    );
    if shared.timings {
        let t = &report.timings;
        let phases = t.phases.iter().map(|(p, d)| (*p, *d));
        log(
            Stream::Progress,
            &format!("  timings: {}", durations(phases)),
        );
        let slowest = t.slowest.iter().map(|(p, d)| (p.as_str(), *d));
        log(
            Stream::Progress,
            &format!("  slowest: {}", durations(slowest)),
        );
    }
    *shared.built.lock().expect("lock") = true;
    shared.errors.lock().expect("lock").clear();
    let _ = shared.notices.send(Notice::Reload);
}

/// Commit the search index made in the background when it is done, and log it. A
/// failure is logged and leaves the last index in place; the pages are not reloaded.
fn indexed(shared: &Shared, session: &mut crate::Session) {
    match session.commit_search() {
        None => {}
        Some(Ok((pages, took))) => (shared.log)(
            Stream::Progress,
            &format!(
                "search index: {pages} pages in {:.0} ms",
                took.as_secs_f64() * 1000.0
            ),
        ),
        Some(Err(e)) => {
            let e = match e {
                BuildError::Io(e) => format!("{e:#}"),
                BuildError::Content(ds) => ds.iter().map(|d| d.to_string()).collect(),
            };
            (shared.log)(Stream::Problems, &format!("error: search index: {e}"));
        }
    }
}

/// Takes a failed build's errors; keeps them for pages served from now on and sends
/// them to the open pages' overlays.
fn show_errors(shared: &Shared, errors: Vec<OverlayError>) {
    *shared.errors.lock().expect("lock") = errors.clone();
    let _ = shared.notices.send(Notice::Errors(errors));
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
