//! Helpers shared by the end-to-end tests in `tests/` (`client_*.rs`):
//! clients for a local server, what the server received, scripted faults,
//! and a tracing subscriber that records what the client logs.
//!
//! Each test file keeps its own token, so a leak test can tell them apart.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chilipiper_edge::{Client, RetryPolicy};
use serde_json::{json, Value};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// A client of `base_url` authenticating with `token`, retrying as `retry` says.
pub fn client(base_url: impl Into<String>, token: &str, retry: RetryPolicy) -> Client {
    Client::builder()
        .token(token)
        .base_url(base_url)
        .retry(retry)
        .build()
        .expect("client builds")
}

/// The default retry policy with fixed, tiny waits: 10 ms, 20 ms, 40 ms, 40 ms...
pub fn fast_retries() -> RetryPolicy {
    RetryPolicy::default()
        .initial_backoff(Duration::from_millis(10))
        .max_backoff(Duration::from_millis(40))
        .jitter(false)
}

/// Every request `server` received, in order.
pub async fn requests(server: &MockServer) -> Vec<wiremock::Request> {
    server.received_requests().await.expect("recording is on")
}

/// How many requests `server` received.
pub async fn received(server: &MockServer) -> usize {
    requests(server).await.len()
}

/// The only request `server` received.
pub async fn single_request(server: &MockServer) -> wiremock::Request {
    let mut requests = requests(server).await;
    assert_eq!(requests.len(), 1, "expected exactly one request");
    requests.remove(0)
}

/// A request header as text.
pub fn header<'r>(request: &'r wiremock::Request, name: &str) -> Option<&'r str> {
    request
        .headers
        .get(name)
        .map(|value| value.to_str().expect("ASCII header"))
}

/// A port on 127.0.0.1 that nothing listens on (bound, then released).
pub fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.local_addr().expect("addr").port()
}

/// Answers `times` requests to `method path` with `response`, before any
/// fallback mounted with [`mount_fallback`].
pub async fn mount_first(
    server: &MockServer,
    http_method: &str,
    route: &str,
    times: u64,
    response: ResponseTemplate,
) {
    Mock::given(method(http_method))
        .and(path(route))
        .respond_with(response)
        .up_to_n_times(times)
        .with_priority(1)
        .mount(server)
        .await;
}

/// Answers every other request to `method path` with `response`.
pub async fn mount_fallback(
    server: &MockServer,
    http_method: &str,
    route: &str,
    response: ResponseTemplate,
) {
    Mock::given(method(http_method))
        .and(path(route))
        .respond_with(response)
        .with_priority(10)
        .mount(server)
        .await;
}

/// A 503 with the API's JSON error body and a request id.
pub fn unavailable() -> ResponseTemplate {
    ResponseTemplate::new(503)
        .insert_header("x-request-id", "req-503-a1")
        .set_body_json(json!({
            "errorCode": "SERVICE_UNAVAILABLE",
            "errorMessage": "try again later",
            "arguments": {}
        }))
}

/// An empty `PaginatedResult` page.
pub fn empty_page() -> Value {
    json!({"results": [], "total": 0, "page": 0, "pageSize": 10})
}

/// Runs `test` on a current-thread runtime while recording every span, field
/// record and event of the client's crates (`chilipiper_edge`,
/// `chili_runtime`), and returns them as text, one per line:
/// `span NAME (TARGET): field=value ...`, `record: field=value`,
/// `event LEVEL: message=... field=value`.
pub fn capture_traces<F: std::future::Future>(test: impl FnOnce() -> F) -> String {
    let lines = Arc::new(Mutex::new(Vec::new()));
    let capture = Capture {
        lines: Arc::clone(&lines),
        next_id: AtomicU64::new(0),
    };
    // With a single registered subscriber, tracing may cache another thread's
    // "not interested" for these callsites; a second one makes it ask each.
    let _second = tracing::Dispatch::new(tracing::subscriber::NoSubscriber::default());
    let _guard = tracing::subscriber::set_default(capture);
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime")
        .block_on(test());
    let text = lines.lock().unwrap().join("\n");
    text
}

struct Capture {
    lines: Arc<Mutex<Vec<String>>>,
    next_id: AtomicU64,
}

struct Line(String);

impl tracing::field::Visit for Line {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        self.0.push_str(&format!(" {}={value:?}", field.name()));
    }
}

impl tracing::Subscriber for Capture {
    fn enabled(&self, metadata: &tracing::Metadata<'_>) -> bool {
        let krate = metadata.target().split("::").next();
        matches!(krate, Some("chilipiper_edge" | "chili_runtime"))
    }
    fn new_span(&self, span: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        let metadata = span.metadata();
        let mut line = Line(format!("span {} ({}):", metadata.name(), metadata.target()));
        span.record(&mut line);
        self.lines.lock().unwrap().push(line.0);
        tracing::span::Id::from_u64(self.next_id.fetch_add(1, Ordering::SeqCst) + 1)
    }
    fn record(&self, _: &tracing::span::Id, values: &tracing::span::Record<'_>) {
        let mut line = Line("record:".to_owned());
        values.record(&mut line);
        self.lines.lock().unwrap().push(line.0);
    }
    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
    fn event(&self, event: &tracing::Event<'_>) {
        let mut line = Line(format!("event {}:", event.metadata().level()));
        event.record(&mut line);
        self.lines.lock().unwrap().push(line.0);
    }
    fn enter(&self, _: &tracing::span::Id) {}
    fn exit(&self, _: &tracing::span::Id) {}
}

/// The repository README, so that `cargo test --doc -p chili-tests` compiles
/// each of its Rust examples (the client's own README is its crate docs).
#[doc = include_str!("../../README.md")]
#[cfg(doctest)]
pub struct RootReadme;
