use super::*;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Mutex;
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};

const SECRET: &str = "sk_live_SECRET_TOKEN_123";

static API: ApiInfo = ApiInfo {
    default_base_url: "https://api.example.com/v2/",
    token_env_var: "EXAMPLE_API_KEY",
    base_url_env_var: "EXAMPLE_BASE_URL",
    user_agent: "example-client/1.0",
    span: crate::request_span!("example.request"),
};

fn builder() -> ClientBuilder {
    ClientBuilder::new(&API)
}

#[test]
fn debug_never_shows_the_token() {
    let builder = builder().token(SECRET).base_url("http://127.0.0.1:1/");
    let text = format!("{builder:?} {builder:#?}");
    assert!(!text.contains(SECRET), "{text}");
    assert!(text.contains(r#"token: Some("<redacted>")"#), "{text}");

    let client = builder.build().unwrap();
    let text = format!("{client:?} {client:#?}");
    assert!(!text.contains(SECRET), "{text}");
    assert!(text.contains(r#"token: "<redacted>""#), "{text}");

    let text = format!("{:?}", Client::new(&API, SECRET));
    assert!(!text.contains(SECRET), "{text}");
    assert!(text.contains(r#"token: "<redacted>""#), "{text}");
}

#[test]
fn base_url_handling() {
    assert_eq!(
        Client::new(&API, "t").base_url(),
        API.default_base_url.trim_end_matches('/')
    );
    let client = builder()
        .token("t")
        .base_url("http://127.0.0.1:8080/api//")
        .build()
        .unwrap();
    assert_eq!(client.base_url(), "http://127.0.0.1:8080/api");
    for (bad, why) in [
        ("not a url", "relative URL without a base"),
        ("ftp://example.com", "http:// or https://"),
        ("https://example.com/?a=b", "query string"),
    ] {
        let err = builder().token("t").base_url(bad).build().unwrap_err();
        let msg = err.to_string();
        assert!(
            msg.starts_with(&format!("invalid base URL `{bad}`: ")) && msg.contains(why),
            "{msg}"
        );
        assert!(matches!(err, Error::Request { call: None, .. }));
    }
}

#[test]
fn build_requires_a_usable_token() {
    let msg = builder().build().unwrap_err().to_string();
    assert!(
        msg.contains("no API token") && msg.contains(API.token_env_var),
        "{msg}"
    );
    assert!(builder().token("  ").build().is_err());
    let msg = builder()
        .token(format!("{SECRET}\n"))
        .build()
        .unwrap_err()
        .to_string();
    assert!(!msg.contains(SECRET), "{msg}");
    assert!(builder()
        .token("t")
        .user_agent("bad\nagent")
        .build()
        .is_err());
}

#[test]
fn from_environment() {
    let env = |token: Option<&'static str>, url: Option<&'static str>| {
        move |name: &str| {
            let value = if name == API.token_env_var {
                token
            } else if name == API.base_url_env_var {
                url
            } else {
                None
            };
            value.map(str::to_owned).ok_or(VarError::NotPresent)
        }
    };
    let msg = Client::from_lookup(&API, env(None, None))
        .unwrap_err()
        .to_string();
    assert!(
        msg.contains(API.token_env_var) && msg.contains("not set"),
        "{msg}"
    );
    assert!(Client::from_lookup(&API, env(Some(""), None)).is_err());

    let client = Client::from_lookup(&API, env(Some("tok\n"), None)).unwrap();
    assert_eq!(
        client.base_url(),
        API.default_base_url.trim_end_matches('/')
    );
    assert_eq!(client.inner.token, "tok");

    let client =
        Client::from_lookup(&API, env(Some("tok"), Some("http://localhost:9/x/"))).unwrap();
    assert_eq!(client.base_url(), "http://localhost:9/x");

    let msg = Client::from_lookup(&API, env(Some("tok"), Some("nope")))
        .unwrap_err()
        .to_string();
    assert!(msg.contains(API.base_url_env_var), "{msg}");
}

/// Runs `future` on a fresh current-thread runtime (reqwest needs tokio's
/// `rt` and `net`, so they are always there).
fn block_on<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(future)
}

/// A blocking HTTP/1.1 server on 127.0.0.1 that answers the n-th request
/// with `answers[n]` (the last one repeats); `None` never answers.
/// Returns the base URL and the number of requests received so far.
fn serve(answers: &[Option<&'static str>]) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let received = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&received);
    let answers = answers.to_vec();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { return };
            let (answers, counter) = (answers.clone(), Arc::clone(&counter));
            std::thread::spawn(move || answer(stream, &answers, &counter));
        }
    });
    (url, received)
}

fn answer(mut stream: TcpStream, answers: &[Option<&'static str>], counter: &AtomicUsize) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    loop {
        let mut content_length = 0;
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line).unwrap_or(0) == 0 {
                return;
            }
            if line == "\r\n" {
                break;
            }
            if let Some(value) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                content_length = value.trim().parse().unwrap();
            }
        }
        let mut body = vec![0; content_length];
        if reader.read_exact(&mut body).is_err() {
            return;
        }
        let n = counter.fetch_add(1, Ordering::SeqCst);
        match answers[n.min(answers.len() - 1)] {
            Some(response) => {
                if stream.write_all(response.as_bytes()).is_err() {
                    return;
                }
            }
            None => {
                std::thread::sleep(Duration::from_secs(10));
                return;
            }
        }
    }
}

const UNAVAILABLE: Option<&str> =
    Some("HTTP/1.1 503 Service Unavailable\r\ncontent-length: 0\r\n\r\n");
const OK: Option<&str> =
    Some("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{}");

fn fast_client(url: &str, policy: RetryPolicy) -> Client {
    builder()
        .token(SECRET)
        .base_url(url)
        .retry(
            policy
                .initial_backoff(Duration::from_millis(1))
                .jitter(false),
        )
        .build()
        .unwrap()
}

fn post() -> Request {
    Request::new(reqwest::Method::POST, "conciergeListRouters", "/v1/list")
}

#[test]
fn a_post_is_retried_only_when_marked_safe_or_allowed() {
    block_on(async {
        let (url, received) = serve(&[UNAVAILABLE, OK]);
        let client = fast_client(&url, RetryPolicy::default());
        let err = client
            .send_json::<serde_json::Value>(post())
            .await
            .unwrap_err();
        assert_eq!(err.status(), Some(StatusCode::SERVICE_UNAVAILABLE));
        assert_eq!(err.attempts(), 1);
        assert_eq!(received.load(Ordering::SeqCst), 1);

        // A read-only operation, marked by the generated code.
        let (url, received) = serve(&[UNAVAILABLE, OK]);
        let client = fast_client(&url, RetryPolicy::default());
        let mut request = post();
        request.retry_safe(true);
        let value: serde_json::Value = client.send_json(request).await.unwrap();
        assert_eq!(value, serde_json::json!({}));
        assert_eq!(received.load(Ordering::SeqCst), 2);

        // Any request, when the policy allows it.
        let (url, received) = serve(&[UNAVAILABLE, OK]);
        let client = fast_client(&url, RetryPolicy::default().retry_non_idempotent(true));
        client.send_empty(post()).await.unwrap();
        assert_eq!(received.load(Ordering::SeqCst), 2);

        // Marking a GET unsafe stops its retries.
        let (url, received) = serve(&[UNAVAILABLE, OK]);
        let client = fast_client(&url, RetryPolicy::default());
        let mut request = Request::new(reqwest::Method::GET, "op", "/v1/x");
        request.retry_safe(false);
        assert!(client.send_empty(request).await.is_err());
        assert_eq!(received.load(Ordering::SeqCst), 1);
    });
}

#[test]
fn request_timeout_overrides_the_client_default_and_covers_retries() {
    block_on(async {
        let (url, received) = serve(&[None]);
        let client = builder()
            .token(SECRET)
            .base_url(&url)
            .timeout(Duration::from_secs(30))
            .build()
            .unwrap();
        let mut request = Request::new(reqwest::Method::GET, "op", "/v1/x");
        request.timeout(Some(Duration::from_millis(150)));
        let started = Instant::now();
        let err = client.send_empty(request).await.unwrap_err();
        let elapsed = started.elapsed();
        assert!(err.is_timeout(), "{err:?}");
        assert!(elapsed >= Duration::from_millis(150), "{elapsed:?}");
        assert!(elapsed < Duration::from_secs(2), "{elapsed:?}");
        // The timeout is the whole call's: no retry after it.
        assert_eq!(err.attempts(), 1);
        assert_eq!(received.load(Ordering::SeqCst), 1);

        // `None` is the client's default again.
        let (url, _) = serve(&[None]);
        let client = builder()
            .token(SECRET)
            .base_url(&url)
            .timeout(Duration::from_millis(100))
            .build()
            .unwrap();
        let mut request = Request::new(reqwest::Method::GET, "op", "/v1/x");
        request.timeout(Some(Duration::from_secs(30))).timeout(None);
        let started = Instant::now();
        assert!(client.send_empty(request).await.unwrap_err().is_timeout());
        assert!(started.elapsed() < Duration::from_secs(2));

        // 503, then no answer: the retry gets what is left of the timeout.
        let (url, received) = serve(&[UNAVAILABLE, None]);
        let client = fast_client(&url, RetryPolicy::default());
        let mut request = Request::new(reqwest::Method::GET, "op", "/v1/x");
        request.timeout(Some(Duration::from_millis(300)));
        let started = Instant::now();
        let err = client.send_empty(request).await.unwrap_err();
        let elapsed = started.elapsed();
        assert!(err.is_timeout(), "{err:?}");
        assert!(elapsed < Duration::from_millis(1500), "{elapsed:?}");
        assert_eq!(err.attempts(), 2);
        let msg = err.to_string();
        assert!(
            msg.starts_with("op (GET /v1/x): request timed out: "),
            "{msg}"
        );
        assert!(msg.ends_with(" (after 2 attempts)"), "{msg}");
        assert_eq!(received.load(Ordering::SeqCst), 2);
    });
}

/// Collects every span, field record and event as text.
struct Capture {
    lines: Arc<Mutex<Vec<String>>>,
    next_id: AtomicU64,
}

struct Line(String);

impl Visit for Line {
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.0.push_str(&format!(" {}={value:?}", field.name()));
    }
}

impl Subscriber for Capture {
    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        // This crate's spans and events only, not reqwest's or hyper's.
        let krate = module_path!().split("::").next().unwrap();
        metadata.target().split("::").next() == Some(krate)
    }
    fn new_span(&self, span: &Attributes<'_>) -> Id {
        let mut line = Line(format!("span {}:", span.metadata().name()));
        span.record(&mut line);
        self.lines.lock().unwrap().push(line.0);
        Id::from_u64(self.next_id.fetch_add(1, Ordering::SeqCst) + 1)
    }
    fn record(&self, _: &Id, values: &Record<'_>) {
        let mut line = Line("record:".to_owned());
        values.record(&mut line);
        self.lines.lock().unwrap().push(line.0);
    }
    fn record_follows_from(&self, _: &Id, _: &Id) {}
    fn event(&self, event: &Event<'_>) {
        let mut line = Line(format!("event {}:", event.metadata().level()));
        event.record(&mut line);
        self.lines.lock().unwrap().push(line.0);
    }
    fn enter(&self, _: &Id) {}
    fn exit(&self, _: &Id) {}
}

#[test]
fn each_call_is_a_span_without_token_or_query() {
    let lines = Arc::new(Mutex::new(Vec::new()));
    let capture = Capture {
        lines: Arc::clone(&lines),
        next_id: AtomicU64::new(0),
    };
    // With a single registered subscriber, tracing computes a callsite's
    // interest from whichever thread reaches it first, so another test
    // could mark this crate's callsites "never". A second one makes it
    // ask every registered subscriber.
    let _second = tracing::Dispatch::new(tracing::subscriber::NoSubscriber::default());
    let _guard = tracing::subscriber::set_default(capture);
    block_on(async {
        let (url, _) = serve(&[UNAVAILABLE, OK]);
        let client = fast_client(&url, RetryPolicy::default());
        let mut request = Request::new(
            reqwest::Method::GET,
            "meetingGet",
            "/v1/meetings/{meetingId}",
        );
        request.path_param("meetingId", "m-42");
        request.query("email", "jane.doe@example.com");
        client.send_empty(request).await.unwrap();
    });
    let text = lines.lock().unwrap().join("\n");
    assert!(
        text.contains(
            "span example.request: operation=\"meetingGet\" method=GET \
             path=\"/v1/meetings/{meetingId}\""
        ),
        "{text}"
    );
    for expected in [
        "record: attempt=1",
        "record: status=503",
        "record: attempt=2",
        "record: status=200",
        "event DEBUG: message=retrying attempt=1 status=503 error=HTTP 503 wait_ms=1",
    ] {
        assert!(text.contains(expected), "{expected} not in\n{text}");
    }
    for secret in [SECRET, "jane", "example.com", "m-42", "127.0.0.1"] {
        assert!(!text.contains(secret), "{secret} in\n{text}");
    }
}

#[test]
fn client_and_futures_are_thread_safe() {
    fn assert_send_sync<T: Send + Sync>(_: &T) {}
    fn assert_send<T: Send>(_: &T) {}
    let client = Client::new(&API, "t");
    assert_send_sync(&client);
    // Never polled: only the future's type matters.
    let future =
        client.send_json::<serde_json::Value>(Request::new(reqwest::Method::GET, "op", "/x"));
    assert_send(&future);
    let future = client.send_text(Request::new(reqwest::Method::GET, "op", "/x"));
    assert_send(&future);
    let future = client.send_empty(Request::new(reqwest::Method::GET, "op", "/x"));
    assert_send(&future);
}
