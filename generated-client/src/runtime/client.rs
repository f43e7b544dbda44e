//! The API client: configuration, authentication and sending.

use std::env::VarError;
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use reqwest::header::{HeaderMap, HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_TYPE, USER_AGENT};
use reqwest::{StatusCode, Url};
use serde::de::DeserializeOwned;
use tracing::Instrument;

use super::error::{raw_text, snippet, ApiError, Error, Result};
use super::request::Request;
use super::retry::{self, Decision, Failure, RetryPolicy};

/// Client for the API.
///
/// Create one with [`Client::new`], [`Client::from_env`] or [`Client::builder`].
/// Cheap to clone: clones share one connection pool and configuration.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    /// Without a trailing slash, so that `base_url + path` is the URL.
    base_url: String,
    token: String,
    user_agent: HeaderValue,
    timeout: Option<Duration>,
    retry: RetryPolicy,
}

/// The parts of a response that the `send_*` methods need.
///
/// Produced by [`Client::execute`], the single place where requests go out.
struct RawResponse {
    status: StatusCode,
    headers: HeaderMap,
    body: Vec<u8>,
    /// How many times the request was sent.
    attempts: u32,
}

impl Client {
    /// A client using `token`, the default base URL, default HTTP settings
    /// (no overall timeout) and the default [`RetryPolicy`](crate::RetryPolicy).
    ///
    /// # Panics
    ///
    /// If the system's TLS or DNS configuration cannot be loaded (see
    /// [`reqwest::Client::new`]); use [`Client::builder`] to get an error instead.
    pub fn new(token: impl Into<String>) -> Client {
        Client {
            inner: Arc::new(Inner {
                http: reqwest::Client::new(),
                base_url: crate::DEFAULT_BASE_URL.trim_end_matches('/').to_owned(),
                token: token.into(),
                user_agent: HeaderValue::from_static(crate::USER_AGENT),
                timeout: None,
                retry: RetryPolicy::default(),
            }),
        }
    }

    /// Starts configuring a client.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client configured from the environment: the token from
    /// [`TOKEN_ENV_VAR`](crate::TOKEN_ENV_VAR) (required) and the base URL
    /// from [`BASE_URL_ENV_VAR`](crate::BASE_URL_ENV_VAR) (optional).
    pub fn from_env() -> Result<Client> {
        Self::from_lookup(|name| std::env::var(name))
    }

    /// [`Client::from_env`] with the environment passed in, for tests.
    fn from_lookup(
        lookup: impl Fn(&str) -> std::result::Result<String, VarError>,
    ) -> Result<Client> {
        let token_var = crate::TOKEN_ENV_VAR;
        let token = match lookup(token_var) {
            Ok(token) if !token.trim().is_empty() => token.trim().to_owned(),
            Ok(_) | Err(VarError::NotPresent) => {
                return Err(Error::request(
                    None,
                    format!(
                        "environment variable {token_var} is not set; set it to your API token"
                    ),
                ))
            }
            Err(VarError::NotUnicode(_)) => {
                return Err(Error::request(
                    None,
                    format!("environment variable {token_var} is not valid UTF-8"),
                ))
            }
        };
        let mut builder = Client::builder().token(token);
        let url_var = crate::BASE_URL_ENV_VAR;
        match lookup(url_var) {
            Ok(url) if !url.trim().is_empty() => {
                normalize_base_url(&url).map_err(|message| {
                    Error::request(
                        None,
                        format!("{message} (from environment variable {url_var})"),
                    )
                })?;
                builder = builder.base_url(url);
            }
            Ok(_) | Err(VarError::NotPresent) => {}
            Err(VarError::NotUnicode(_)) => {
                return Err(Error::request(
                    None,
                    format!("environment variable {url_var} is not valid UTF-8"),
                ))
            }
        }
        builder.build()
    }

    /// The base URL that operation paths are appended to (without a trailing slash).
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// How this client retries failed requests.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.inner.retry
    }

    /// A request to an endpoint without a typed method (one the document
    /// does not describe): `client.request(Method::GET, "/v1/org/workspace")`,
    /// then `.query(..)`, `.json(..)` and a `send_*` method.
    pub fn request(
        &self,
        method: reqwest::Method,
        path: impl Into<String>,
    ) -> super::raw::RawRequest<'_> {
        super::raw::RawRequest::new(self, Request::raw(method, path.into()))
    }

    /// Sends `req` and decodes the JSON response body into `T`.
    ///
    /// An empty body decodes as JSON `null`, so `Option<T>` and `()` accept it.
    #[doc(hidden)]
    pub async fn send_json<T: DeserializeOwned>(&self, mut req: Request) -> Result<T> {
        let operation = req.operation;
        req.accept = Some("application/json");
        let response = self.execute(req).await?;
        let body: &[u8] = if response.body.iter().all(u8::is_ascii_whitespace) {
            b"null"
        } else {
            &response.body
        };
        serde_json::from_slice(body).map_err(|source| Error::Decode {
            operation,
            status: response.status,
            content_type: response
                .headers
                .get(CONTENT_TYPE)
                .map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned()),
            snippet: snippet(&response.body),
            body: raw_text(&response.body),
            source,
            attempts: response.attempts,
        })
    }

    /// Sends `req` and returns the response body as text (invalid UTF-8 is
    /// replaced with U+FFFD).
    #[doc(hidden)]
    pub async fn send_text(&self, req: Request) -> Result<String> {
        let body = self.execute(req).await?.body;
        Ok(match String::from_utf8(body) {
            Ok(text) => text,
            Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
        })
    }

    /// Sends `req` and ignores the response body.
    #[doc(hidden)]
    pub async fn send_empty(&self, req: Request) -> Result<()> {
        self.execute(req).await.map(drop)
    }

    /// Sends the request, retrying as the [`RetryPolicy`] allows, and reads
    /// the whole response; non-2xx statuses become [`Error::Api`]. All
    /// sending goes through here.
    ///
    /// The call is one `chilipiper.request` tracing span with the operation
    /// id, method, path template, attempt number and last HTTP status; the
    /// URL (its query may hold personal data) and the token are never in it.
    async fn execute(&self, req: Request) -> Result<RawResponse> {
        let span = tracing::info_span!(
            "chilipiper.request",
            operation = req.operation,
            method = %req.method,
            path = req.template,
            attempt = tracing::field::Empty,
            status = tracing::field::Empty,
        );
        self.execute_in(req, span.clone()).instrument(span).await
    }

    /// [`Client::execute`] inside its span.
    async fn execute_in(&self, req: Request, span: tracing::Span) -> Result<RawResponse> {
        let operation = req.operation;
        let inner = &*self.inner;
        let timeout = req.timeout.or(inner.timeout);
        let safe = req.retry_safe;
        let url = req.url(&inner.base_url)?;

        let mut headers = HeaderMap::new();
        for (name, value) in req.headers {
            headers.append(name, value);
        }
        if let Some(accept) = req.accept {
            if !headers.contains_key(ACCEPT) {
                headers.insert(ACCEPT, HeaderValue::from_static(accept));
            }
        }
        if !headers.contains_key(USER_AGENT) {
            headers.insert(USER_AGENT, inner.user_agent.clone());
        }
        let mut auth = HeaderValue::try_from(format!("Bearer {}", inner.token)).map_err(|_| {
            Error::request(
                Some(operation),
                "the API token contains characters that are not allowed in an HTTP header",
            )
        })?;
        // Keeps the token out of reqwest's debug output and HTTP/2 header compression.
        auth.set_sensitive(true);
        headers.insert(AUTHORIZATION, auth);

        let mut builder = inner.http.request(req.method, url);
        if let Some(body) = req.body {
            if !headers.contains_key(CONTENT_TYPE) {
                headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
            }
            builder = builder.body(body);
        }
        let prepared = builder
            .headers(headers)
            .build()
            .map_err(|source| Error::Transport {
                operation,
                source,
                attempts: 1,
            })?;

        let started = Instant::now();
        let mut attempt = 0;
        loop {
            attempt += 1;
            span.record("attempt", attempt);
            let Some(mut request) = prepared.try_clone() else {
                // Only streaming bodies cannot be cloned; requests here never have one.
                return Err(Error::request(
                    Some(operation),
                    "the request body cannot be sent again",
                ));
            };
            // Applied per request so it also holds for a caller-supplied
            // reqwest::Client; later attempts get what is left of it.
            *request.timeout_mut() = timeout.map(|t| t.saturating_sub(started.elapsed()));

            let mut retry_after = None;
            let mut err = match self
                .send_once(request, operation, &span, &mut retry_after)
                .await
            {
                Ok(mut response) => {
                    response.attempts = attempt;
                    return Ok(response);
                }
                Err(err) => err,
            };
            let elapsed = started.elapsed();
            let failure = Failure {
                attempt,
                retryable: err.is_retryable(),
                never_sent: err.is_connect(),
                safe,
                retry_after,
                elapsed,
                time_left: timeout.map(|t| t.saturating_sub(elapsed)),
                random: retry::random_fraction(),
            };
            match inner.retry.decide(&failure) {
                Decision::Retry(wait) => {
                    tracing::debug!(
                        attempt,
                        status = err.status().map(|s| s.as_u16()),
                        error = %err.log_summary(),
                        wait_ms = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX),
                        "retrying",
                    );
                    tokio::time::sleep(wait).await;
                }
                Decision::GiveUp(reason) => {
                    if failure.retryable {
                        tracing::debug!(
                            attempt,
                            status = err.status().map(|s| s.as_u16()),
                            error = %err.log_summary(),
                            reason,
                            "not retrying",
                        );
                    }
                    err.set_attempts(attempt);
                    return Err(err);
                }
            }
        }
    }

    /// One attempt: sends `request` and reads the whole response. Sets
    /// `retry_after` when an error response asks for a wait.
    async fn send_once(
        &self,
        request: reqwest::Request,
        operation: &'static str,
        span: &tracing::Span,
        retry_after: &mut Option<Duration>,
    ) -> Result<RawResponse> {
        let transport = |source| Error::Transport {
            operation,
            source,
            attempts: 1,
        };
        let response = self.inner.http.execute(request).await.map_err(transport)?;
        let status = response.status();
        span.record("status", status.as_u16());
        let headers = response.headers().clone();
        let body = Vec::from(response.bytes().await.map_err(transport)?);
        if !status.is_success() {
            *retry_after = retry::retry_after(&headers, SystemTime::now());
            return Err(Error::Api(Box::new(ApiError::from_response(
                operation, status, &headers, &body,
            ))));
        }
        Ok(RawResponse {
            status,
            headers,
            body,
            attempts: 1,
        })
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url)
            .field("token", &"<redacted>")
            .field("user_agent", &self.inner.user_agent)
            .field("timeout", &self.inner.timeout)
            .field("retry", &self.inner.retry)
            .finish_non_exhaustive()
    }
}

/// Configures a [`Client`]; created by [`Client::builder`].
#[derive(Clone, Default)]
pub struct ClientBuilder {
    token: Option<String>,
    base_url: Option<String>,
    timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    user_agent: Option<String>,
    http_client: Option<reqwest::Client>,
    retry: Option<RetryPolicy>,
}

impl ClientBuilder {
    /// The API token, sent as `Authorization: Bearer <token>` (required).
    pub fn token(mut self, token: impl Into<String>) -> Self {
        self.token = Some(token.into());
        self
    }

    /// The base URL; defaults to [`DEFAULT_BASE_URL`](crate::DEFAULT_BASE_URL).
    /// A trailing slash is ignored.
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = Some(base_url.into());
        self
    }

    /// Limit on each call, from connecting until the body is read, retries
    /// and the waits between them included: the call fails with a timeout
    /// error ([`Error::is_timeout`]) once it has run this long. Default: none.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Limit on establishing a connection. Default: none.
    ///
    /// Ignored with [`http_client`](Self::http_client): configure that client instead.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// The `User-Agent` header; defaults to [`USER_AGENT`](crate::USER_AGENT).
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }

    /// How failed requests are retried; default
    /// [`RetryPolicy::default()`](crate::RetryPolicy): up to 3 attempts of
    /// requests that are safe to repeat. Use
    /// [`RetryPolicy::none()`](crate::RetryPolicy::none) to send every request once.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// Uses an existing `reqwest::Client` (proxies, custom TLS, shared pool).
    /// The timeout and user agent set here are still applied to each request.
    pub fn http_client(mut self, http_client: reqwest::Client) -> Self {
        self.http_client = Some(http_client);
        self
    }

    /// Validates the configuration and creates the client.
    pub fn build(self) -> Result<Client> {
        let token = match self.token {
            Some(token) if !token.trim().is_empty() => token,
            _ => {
                return Err(Error::request(
                    None,
                    format!(
                        "no API token configured: call ClientBuilder::token, or set {} and use Client::from_env",
                        crate::TOKEN_ENV_VAR
                    ),
                ))
            }
        };
        // Checked here so a bad token fails at startup rather than on the first call.
        if HeaderValue::try_from(format!("Bearer {token}")).is_err() {
            return Err(Error::request(
                None,
                "the API token contains characters that are not allowed in an HTTP header",
            ));
        }
        let base_url =
            normalize_base_url(self.base_url.as_deref().unwrap_or(crate::DEFAULT_BASE_URL))
                .map_err(|message| Error::request(None, message))?;
        let user_agent = match self.user_agent {
            Some(user_agent) => HeaderValue::try_from(user_agent)
                .map_err(|e| Error::request(None, format!("invalid user agent: {e}")))?,
            None => HeaderValue::from_static(crate::USER_AGENT),
        };
        let http = match self.http_client {
            Some(http) => http,
            None => {
                let mut builder = reqwest::Client::builder();
                if let Some(connect_timeout) = self.connect_timeout {
                    builder = builder.connect_timeout(connect_timeout);
                }
                builder.build().map_err(|e| {
                    Error::request(None, format!("could not create the HTTP client: {e}"))
                })?
            }
        };
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                base_url,
                token,
                user_agent,
                timeout: self.timeout,
                retry: self.retry.unwrap_or_default(),
            }),
        })
    }
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("token", &self.token.as_ref().map(|_| "<redacted>"))
            .field("base_url", &self.base_url)
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("user_agent", &self.user_agent)
            .field(
                "http_client",
                &self.http_client.as_ref().map(|_| "<custom>"),
            )
            .field("retry", &self.retry)
            .finish()
    }
}

/// Checks that `url` can serve as a base URL and strips trailing slashes.
fn normalize_base_url(url: &str) -> std::result::Result<String, String> {
    let trimmed = url.trim().trim_end_matches('/');
    let invalid = |why: &str| format!("invalid base URL `{url}`: {why}");
    let parsed = Url::parse(trimmed).map_err(|e| invalid(&e.to_string()))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(invalid("it must start with http:// or https://"));
    }
    if parsed.host_str().is_none() {
        return Err(invalid("it has no host"));
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err(invalid("it must not contain a query string or fragment"));
    }
    Ok(trimmed.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{BufRead, BufReader, Read, Write};
    use std::net::{TcpListener, TcpStream};
    use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
    use std::sync::Mutex;
    use tracing::field::{Field, Visit};
    use tracing::span::{Attributes, Id, Record};
    use tracing::{Event, Metadata, Subscriber};

    const SECRET: &str = "sk_live_SECRET_TOKEN_123";

    #[test]
    fn debug_never_shows_the_token() {
        let builder = Client::builder()
            .token(SECRET)
            .base_url("http://127.0.0.1:1/");
        let text = format!("{builder:?} {builder:#?}");
        assert!(!text.contains(SECRET), "{text}");
        assert!(text.contains(r#"token: Some("<redacted>")"#), "{text}");

        let client = builder.build().unwrap();
        let text = format!("{client:?} {client:#?}");
        assert!(!text.contains(SECRET), "{text}");
        assert!(text.contains(r#"token: "<redacted>""#), "{text}");

        let text = format!("{:?}", Client::new(SECRET));
        assert!(!text.contains(SECRET), "{text}");
        assert!(text.contains(r#"token: "<redacted>""#), "{text}");
    }

    #[test]
    fn base_url_handling() {
        assert_eq!(
            Client::new("t").base_url(),
            crate::DEFAULT_BASE_URL.trim_end_matches('/')
        );
        let client = Client::builder()
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
            let err = Client::builder()
                .token("t")
                .base_url(bad)
                .build()
                .unwrap_err();
            let msg = err.to_string();
            assert!(
                msg.starts_with(&format!("invalid base URL `{bad}`: ")) && msg.contains(why),
                "{msg}"
            );
            assert!(matches!(
                err,
                Error::Request {
                    operation: None,
                    ..
                }
            ));
        }
    }

    #[test]
    fn build_requires_a_usable_token() {
        let msg = Client::builder().build().unwrap_err().to_string();
        assert!(
            msg.contains("no API token") && msg.contains(crate::TOKEN_ENV_VAR),
            "{msg}"
        );
        assert!(Client::builder().token("  ").build().is_err());
        let msg = Client::builder()
            .token(format!("{SECRET}\n"))
            .build()
            .unwrap_err()
            .to_string();
        assert!(!msg.contains(SECRET), "{msg}");
        assert!(Client::builder()
            .token("t")
            .user_agent("bad\nagent")
            .build()
            .is_err());
    }

    #[test]
    fn from_environment() {
        let env = |token: Option<&'static str>, url: Option<&'static str>| {
            move |name: &str| {
                let value = if name == crate::TOKEN_ENV_VAR {
                    token
                } else if name == crate::BASE_URL_ENV_VAR {
                    url
                } else {
                    None
                };
                value.map(str::to_owned).ok_or(VarError::NotPresent)
            }
        };
        let msg = Client::from_lookup(env(None, None))
            .unwrap_err()
            .to_string();
        assert!(
            msg.contains(crate::TOKEN_ENV_VAR) && msg.contains("not set"),
            "{msg}"
        );
        assert!(Client::from_lookup(env(Some(""), None)).is_err());

        let client = Client::from_lookup(env(Some("tok\n"), None)).unwrap();
        assert_eq!(
            client.base_url(),
            crate::DEFAULT_BASE_URL.trim_end_matches('/')
        );
        assert_eq!(client.inner.token, "tok");

        let client = Client::from_lookup(env(Some("tok"), Some("http://localhost:9/x/"))).unwrap();
        assert_eq!(client.base_url(), "http://localhost:9/x");

        let msg = Client::from_lookup(env(Some("tok"), Some("nope")))
            .unwrap_err()
            .to_string();
        assert!(msg.contains(crate::BASE_URL_ENV_VAR), "{msg}");
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
        Client::builder()
            .token(SECRET)
            .base_url(url)
            .retry(policy.initial_backoff(Duration::from_millis(1)).jitter(false))
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
            let client = Client::builder()
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
            let client = Client::builder()
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
            assert!(msg.starts_with("op: request timed out: "), "{msg}");
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
            let mut request =
                Request::new(reqwest::Method::GET, "meetingGet", "/v1/meetings/{meetingId}");
            request.path_param("meetingId", "m-42");
            request.query("email", "jane.doe@example.com");
            client.send_empty(request).await.unwrap();
        });
        let text = lines.lock().unwrap().join("\n");
        assert!(
            text.contains(
                "span chilipiper.request: operation=\"meetingGet\" method=GET \
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
        let client = Client::new("t");
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
}
