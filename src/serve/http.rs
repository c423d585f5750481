//! The HTTP side of `cairn serve`: the built files, the live-reload event
//! stream, and the door: which connections and requests get in.
//!
//! Connections are HTTP/1.1, served by hyper directly so that silent and
//! stalled clients are bounded:
//! - the head of a request must arrive whole within [`HEADER_TIMEOUT`] of the
//!   connection opening or of the previous response ending, so a client that
//!   connects and sends nothing, stops halfway through a request, or keeps an
//!   idle connection open, is disconnected;
//! - a connection on which nothing is read or written for [`IDLE_TIMEOUT`] is
//!   closed: a client that stops reading a response. The live-reload stream
//!   sends a comment every [`KEEP_ALIVE`], so it stays open while the page does.
//!
//! For tests, the hidden environment variables `CAIRN_SERVE_HEADER_TIMEOUT_MS`
//! and `CAIRN_SERVE_IDLE_TIMEOUT_MS` shorten these.
//!
//! Host check: a server bound to a loopback address (127.0.0.0/8, ::1)
//! answers only requests addressed to this machine by a loopback name:
//! `localhost`, `*.localhost`, `127.x.x.x` or `[::1]`, with any port or none.
//! Anything else gets 403: a web page on another site whose host name the
//! attacker makes resolve to 127.0.0.1 (DNS rebinding) cannot read the
//! preview. Browsers resolve `*.localhost` themselves and no public DNS name
//! ends in `.localhost`. A request without a `Host` header (HTTP/1.0) is
//! answered: browsers always send one. Bound to any other address
//! (`--bind 0.0.0.0`), every host name is accepted.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderValue, Request, StatusCode, header};
use axum::middleware::Next;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio_stream::StreamExt;
use tokio_stream::wrappers::BroadcastStream;
use tower::ServiceExt;
use tower_http::services::{ServeDir, ServeFile};

use super::{EVENTS_PATH, Notice, Shared, live_reload_script};

/// How long a client has to send the head of a request.
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(10);

/// How long a connection may go without a byte either way.
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(60);

/// How often the live-reload stream sends a comment when it has nothing to
/// say: well within [`IDLE_TIMEOUT`], so an open page is never cut off.
const KEEP_ALIVE: Duration = Duration::from_secs(15);
const _: () = assert!(KEEP_ALIVE.as_secs() * 2 <= IDLE_TIMEOUT.as_secs());

/// The body of the 403 for a request addressed to another host name.
pub const FOREIGN_HOST: &str = "cairn serve answers only requests addressed to localhost or a loopback address, \
so that other web sites cannot read this preview (DNS rebinding). \
To accept other host names, start it with --bind 0.0.0.0, on a trusted network only.\n";

/// The connection bounds in force.
#[derive(Debug, Clone, Copy)]
pub(super) struct Timeouts {
    header: Duration,
    idle: Duration,
}

impl Timeouts {
    /// The constants, unless a test shortened them.
    pub(super) fn from_env() -> Timeouts {
        let ms = |name: &str, default: Duration| {
            std::env::var(name)
                .ok()
                .and_then(|v| v.parse().ok())
                .map_or(default, Duration::from_millis)
        };
        Timeouts {
            header: ms("CAIRN_SERVE_HEADER_TIMEOUT_MS", HEADER_TIMEOUT),
            idle: ms("CAIRN_SERVE_IDLE_TIMEOUT_MS", IDLE_TIMEOUT),
        }
    }
}

/// Every route of the server; `local_only` turns the host check on.
pub(super) fn router(shared: Arc<Shared>, local_only: bool) -> Router {
    let app = Router::new()
        .route(EVENTS_PATH, get(events))
        .fallback(files)
        .with_state(shared);
    let app = if local_only {
        app.layer(axum::middleware::from_fn(only_loopback_hosts))
    } else {
        app
    };
    app.layer(tower_http::set_header::SetResponseHeaderLayer::overriding(
        header::CACHE_CONTROL,
        HeaderValue::from_static("no-store"),
    ))
}

/// Accept connections until `stop` completes; each is served on its own task.
pub(super) async fn serve(
    listener: TcpListener,
    app: Router,
    timeouts: Timeouts,
    stop: impl Future<Output = ()>,
) {
    let mut stop = std::pin::pin!(stop);
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            () = &mut stop => return,
        };
        match accepted {
            Ok((stream, _)) => {
                tokio::spawn(connection(stream, app.clone(), timeouts));
            }
            // Out of file descriptors, say: wait a little rather than spin.
            Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
        }
    }
}

/// Serve one connection until it ends, times out or stalls.
async fn connection(stream: TcpStream, app: Router, timeouts: Timeouts) {
    let _ = stream.set_nodelay(true);
    let (stream, activity) = Metered::new(stream);
    let service = hyper_util::service::TowerToHyperService::new(
        app.map_request(|r: Request<hyper::body::Incoming>| r.map(axum::body::Body::new)),
    );
    let conn = hyper::server::conn::http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(timeouts.header)
        .serve_connection(TokioIo::new(stream), service);
    // Dropping the connection closes the socket.
    tokio::select! {
        _ = conn => {}
        () = activity.stalled(timeouts.idle) => {}
    }
}

/// When a connection last read or wrote a byte, in milliseconds since it opened.
struct Activity {
    opened: Instant,
    last: AtomicU64,
}

impl Activity {
    fn touch(&self) {
        let ms = u64::try_from(self.opened.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.last.store(ms, Ordering::Relaxed);
    }

    /// Completes once nothing moved for `idle`.
    async fn stalled(&self, idle: Duration) {
        loop {
            let last = Duration::from_millis(self.last.load(Ordering::Relaxed));
            let quiet = self.opened.elapsed().saturating_sub(last);
            if quiet >= idle {
                return;
            }
            tokio::time::sleep(idle - quiet).await;
        }
    }
}

/// A TCP stream that notes every byte read or written in its [`Activity`].
struct Metered {
    stream: TcpStream,
    activity: Arc<Activity>,
}

impl Metered {
    fn new(stream: TcpStream) -> (Metered, Arc<Activity>) {
        let activity = Arc::new(Activity {
            opened: Instant::now(),
            last: AtomicU64::new(0),
        });
        let metered = Metered {
            stream,
            activity: activity.clone(),
        };
        (metered, activity)
    }
}

impl AsyncRead for Metered {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.stream).poll_read(cx, buf);
        if buf.filled().len() > before {
            self.activity.touch();
        }
        polled
    }
}

impl AsyncWrite for Metered {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        data: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        let polled = Pin::new(&mut self.stream).poll_write(cx, data);
        if matches!(polled, Poll::Ready(Ok(n)) if n > 0) {
            self.activity.touch();
        }
        polled
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        let polled = Pin::new(&mut self.stream).poll_write_vectored(cx, bufs);
        if matches!(polled, Poll::Ready(Ok(n)) if n > 0) {
            self.activity.touch();
        }
        polled
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}

/// Refuse requests addressed to a host name that is not this machine's loopback.
async fn only_loopback_hosts(req: Request<axum::body::Body>, next: Next) -> Response {
    let authority = req.uri().authority().map(|a| a.as_str().to_string());
    let hosts = req
        .headers()
        .get_all(header::HOST)
        .iter()
        .map(|h| h.to_str().ok());
    let local = authority
        .as_deref()
        .map(Some)
        .into_iter()
        .chain(hosts)
        .all(|h| h.is_some_and(is_loopback_host));
    if local {
        return next.run(req).await;
    }
    (
        StatusCode::FORBIDDEN,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        FOREIGN_HOST,
    )
        .into_response()
}

/// Whether a `Host` value (`name`, `name:port`, `[v6]:port`) names this
/// machine by a loopback name or address.
pub(super) fn is_loopback_host(host: &str) -> bool {
    let is_port = |p: &str| (1..=5).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit());
    if let Some(rest) = host.strip_prefix('[') {
        let Some((addr, port)) = rest.split_once(']') else {
            return false;
        };
        if !(port.is_empty() || port.strip_prefix(':').is_some_and(is_port)) {
            return false;
        }
        return addr
            .parse::<Ipv6Addr>()
            .is_ok_and(|a| IpAddr::V6(a).to_canonical().is_loopback());
    }
    let name = match host.rsplit_once(':') {
        Some((name, port)) if is_port(port) => name,
        Some(_) => return false,
        None => host,
    };
    let name = name.to_ascii_lowercase();
    name == "localhost"
        || name
            .strip_suffix(".localhost")
            .is_some_and(|sub| !sub.is_empty() && !sub.ends_with('.'))
        || name.parse::<Ipv4Addr>().is_ok_and(|a| a.is_loopback())
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
    Sse::new(stream).keep_alive(KeepAlive::new().interval(KEEP_ALIVE))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_names_and_addresses_are_local() {
        for host in [
            "localhost",
            "localhost:1111",
            "LocalHost:1111",
            "blog.localhost:8080",
            "127.0.0.1",
            "127.0.0.1:1111",
            "127.1.2.3:80",
            "[::1]",
            "[::1]:1111",
            "[::ffff:127.0.0.1]:1111",
        ] {
            assert!(is_loopback_host(host), "{host}");
        }
    }

    #[test]
    fn other_hosts_are_foreign() {
        for host in [
            "",
            "evil.example",
            "evil.example:1111",
            "localhost.evil.example",
            "localhost.",
            ".localhost",
            "a..localhost",
            "127.0.0.1.evil.example",
            "0.0.0.0:1111",
            "10.0.0.1:1111",
            "2130706433",
            "127.1",
            "[::2]:1111",
            "[::1",
            "[::1]x",
            "localhost:",
            "localhost:123456",
            "localhost:1111:1111",
            "::1",
        ] {
            assert!(!is_loopback_host(host), "{host}");
        }
    }
}
