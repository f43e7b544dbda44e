//! The API client: configuration, authentication and sending.

use std::borrow::Cow;
use std::env::VarError;
use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use reqwest::header::{HeaderMap, HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_TYPE, USER_AGENT};
use reqwest::{Method, StatusCode, Url};
use serde::de::DeserializeOwned;
use tracing::Instrument;

use crate::error::{ApiError, Call, Error, Result};
use crate::raw::RawRequest;
use crate::request::Request;
use crate::response::Response;
use crate::retry::{self, Decision, Failure, RetryPolicy};

/// What a generated crate tells the runtime about its API: the values that
/// differ from one API to the next. A generated crate holds one as a
/// constant and passes it to [`Client::new`], [`Client::from_env`] or
/// [`ClientBuilder::new`].
#[derive(Debug, Clone, Copy)]
pub struct ApiInfo {
    /// Base URL used unless the caller sets one (from the document's `servers`).
    pub default_base_url: &'static str,
    /// Environment variable [`Client::from_env`] reads the API token from.
    pub token_env_var: &'static str,
    /// Environment variable that overrides the base URL in [`Client::from_env`].
    pub base_url_env_var: &'static str,
    /// Default `User-Agent` header.
    pub user_agent: &'static str,
    /// Opens the tracing span of one call; make it with [`request_span!`](crate::request_span).
    pub span: fn(&Call) -> tracing::Span,
}

/// A function for [`ApiInfo::span`] that opens an `INFO` span named `$name`
/// (a string literal, such as `"petstore.request"`) for each call, with the
/// fields `operation`, `method`, `path` (the template), `attempt` and `status`.
///
/// A macro because tracing needs span names known at compile time: the span
/// is declared in the crate that calls it, so its target is that crate too.
#[macro_export]
macro_rules! request_span {
    ($name:literal) => {{
        fn request_span(call: &$crate::Call) -> $crate::__private::tracing::Span {
            $crate::__private::tracing::info_span!(
                $name,
                operation = call.label(),
                method = %call.method(),
                path = call.path_template(),
                attempt = $crate::__private::tracing::field::Empty,
                status = $crate::__private::tracing::field::Empty,
            )
        }
        request_span as fn(&$crate::Call) -> $crate::__private::tracing::Span
    }};
}

/// Client for an API described by an [`ApiInfo`].
///
/// Create one with [`Client::new`], [`Client::from_env`] or [`ClientBuilder`].
/// Cheap to clone: clones share one connection pool and configuration.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    api: &'static ApiInfo,
    http: reqwest::Client,
    /// Without a trailing slash, so that `base_url + path` is the URL.
    base_url: String,
    token: String,
    user_agent: HeaderValue,
    timeout: Option<Duration>,
    retry: RetryPolicy,
    /// Whether requests are checked against the document's limits before they go out.
    validate: bool,
}

/// The parts of a response that the `send_*` methods need.
///
/// Produced by [`Client::execute`], the single place where requests go out.
pub(crate) struct RawResponse {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Vec<u8>,
    /// The response with its body not read yet, when the caller streams it
    /// (`body` is then empty).
    pub(crate) unread: Option<reqwest::Response>,
    /// How many times the request was sent.
    pub(crate) attempts: u32,
}

impl Client {
    /// A client for `api` using `token`, the default base URL, default HTTP
    /// settings (no overall timeout) and the default [`RetryPolicy`].
    ///
    /// # Panics
    ///
    /// If the system's TLS or DNS configuration cannot be loaded (see
    /// [`reqwest::Client::new`]); use [`ClientBuilder`] to get an error instead.
    pub fn new(api: &'static ApiInfo, token: impl Into<String>) -> Client {
        Client {
            inner: Arc::new(Inner {
                api,
                http: reqwest::Client::new(),
                base_url: api.default_base_url.trim_end_matches('/').to_owned(),
                token: token.into(),
                user_agent: HeaderValue::from_static(api.user_agent),
                timeout: None,
                retry: RetryPolicy::default(),
                validate: true,
            }),
        }
    }

    /// A client for `api` configured from the environment: the token from
    /// [`ApiInfo::token_env_var`] (required) and the base URL from
    /// [`ApiInfo::base_url_env_var`] (optional).
    pub fn from_env(api: &'static ApiInfo) -> Result<Client> {
        Self::from_lookup(api, |name| std::env::var(name))
    }

    /// [`Client::from_env`] with the environment passed in, for tests.
    fn from_lookup(
        api: &'static ApiInfo,
        lookup: impl Fn(&str) -> std::result::Result<String, VarError>,
    ) -> Result<Client> {
        let token_var = api.token_env_var;
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
        let mut builder = ClientBuilder::<Client>::new(api).token(token);
        let url_var = api.base_url_env_var;
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

    /// The API this client calls.
    pub fn api(&self) -> &'static ApiInfo {
        self.inner.api
    }

    /// The base URL that operation paths are appended to (without a trailing slash).
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// How this client retries failed requests.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.inner.retry
    }

    /// Starts a request to an operation that has no typed method (the
    /// document does not describe it, or describes it without schemas):
    /// `path` is the path under the base URL, with `{name}` placeholders for
    /// path parameters, such as `"/v1/org/user/invite"` or
    /// `"/v1/concierge/route/{slug}"`.
    ///
    /// It goes through the same base URL, token, retries, timeouts, tracing
    /// span and [`Error`] as typed methods. Fill in path parameters with
    /// [`path_param`](RawRequest::path_param) and query parameters with
    /// [`query`](RawRequest::query), never by formatting them into `path`:
    /// errors and traces show `path` as it is given, and the values must stay
    /// out of them.
    pub fn request(&self, method: Method, path: impl Into<Cow<'static, str>>) -> RawRequest<'_> {
        RawRequest::new(self, Request::raw(method, path.into()))
    }

    /// Sends `req` and decodes the JSON response body into `T`.
    ///
    /// An empty body decodes as JSON `null`, so `Option<T>` and `()` accept it.
    #[doc(hidden)]
    pub async fn send_json<T: DeserializeOwned>(&self, req: Request) -> Result<T> {
        self.send_json_with_response(req)
            .await
            .map(Response::into_value)
    }

    /// Sends `req` and returns the response body as text (invalid UTF-8 is
    /// replaced with U+FFFD).
    #[doc(hidden)]
    pub async fn send_text(&self, req: Request) -> Result<String> {
        self.send_text_with_response(req)
            .await
            .map(Response::into_value)
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
    /// The call is one tracing span (see [`ApiInfo::span`]) with the
    /// operation, method, path template, attempt number and last HTTP
    /// status; the URL (its path and query may hold personal data) and the
    /// token are never in it.
    pub(crate) async fn execute(&self, req: Request) -> Result<RawResponse> {
        let span = (self.inner.api.span)(req.call());
        self.execute_in(req, span.clone(), false)
            .instrument(span)
            .await
    }

    /// [`Client::execute`], but a 2xx body is left unread in
    /// [`RawResponse::unread`] for the caller to stream. Retries end once a
    /// 2xx status arrives: a body that fails halfway is the caller's error.
    pub(crate) async fn execute_streaming(&self, req: Request) -> Result<RawResponse> {
        let span = (self.inner.api.span)(req.call());
        self.execute_in(req, span.clone(), true)
            .instrument(span)
            .await
    }

    /// [`Client::execute`] inside its span.
    async fn execute_in(
        &self,
        req: Request,
        span: tracing::Span,
        stream: bool,
    ) -> Result<RawResponse> {
        let inner = &*self.inner;
        let timeout = req.timeout.or(inner.timeout);
        let safe = req.retry_safe;
        let url = req.url(&inner.base_url)?;
        if let (true, Some(violation)) = (inner.validate, &req.violation) {
            return Err(Error::request(
                Some(req.call()),
                format!(
                    "{violation}, as the API document says; not sent \
                     (ClientBuilder::validate_requests(false) turns this check off)"
                ),
            ));
        }
        let Request {
            call,
            headers: extra_headers,
            accept,
            body,
            ..
        } = req;

        let mut headers = HeaderMap::new();
        for (name, value) in extra_headers {
            headers.append(name, value);
        }
        if let Some(accept) = accept {
            if !headers.contains_key(ACCEPT) {
                headers.insert(ACCEPT, HeaderValue::from_static(accept));
            }
        }
        if !headers.contains_key(USER_AGENT) {
            headers.insert(USER_AGENT, inner.user_agent.clone());
        }
        let mut auth = HeaderValue::try_from(format!("Bearer {}", inner.token)).map_err(|_| {
            Error::request(
                Some(&call),
                "the API token contains characters that are not allowed in an HTTP header",
            )
        })?;
        // Keeps the token out of reqwest's debug output and HTTP/2 header compression.
        auth.set_sensitive(true);
        headers.insert(AUTHORIZATION, auth);

        let mut builder = inner.http.request(call.method().clone(), url);
        if let Some(body) = body {
            if !headers.contains_key(CONTENT_TYPE) {
                headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
            }
            builder = builder.body(body);
        }
        let prepared = builder
            .headers(headers)
            .build()
            .map_err(|source| Error::transport(call.clone(), source))?;

        let started = Instant::now();
        let mut attempt = 0;
        loop {
            attempt += 1;
            span.record("attempt", attempt);
            let Some(mut request) = prepared.try_clone() else {
                // Only streaming bodies cannot be cloned; requests here never have one.
                return Err(Error::request(
                    Some(&call),
                    "the request body cannot be sent again",
                ));
            };
            // Applied per request so it also holds for a caller-supplied
            // reqwest::Client; later attempts get what is left of it.
            *request.timeout_mut() = timeout.map(|t| t.saturating_sub(started.elapsed()));

            let mut retry_after = None;
            let mut err = match self
                .send_once(request, &call, &span, &mut retry_after, stream)
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
        call: &Call,
        span: &tracing::Span,
        retry_after: &mut Option<Duration>,
        stream: bool,
    ) -> Result<RawResponse> {
        let transport = |source| Error::transport(call.clone(), source);
        let response = self.inner.http.execute(request).await.map_err(transport)?;
        let status = response.status();
        span.record("status", status.as_u16());
        let headers = response.headers().clone();
        if stream && status.is_success() {
            return Ok(RawResponse {
                status,
                headers,
                body: Vec::new(),
                unread: Some(response),
                attempts: 1,
            });
        }
        let body = Vec::from(response.bytes().await.map_err(transport)?);
        if !status.is_success() {
            *retry_after = retry::retry_after(&headers, SystemTime::now());
            return Err(Error::Api(Box::new(ApiError::from_response(
                call.clone(),
                status,
                &headers,
                &body,
            ))));
        }
        Ok(RawResponse {
            status,
            headers,
            body,
            unread: None,
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

/// Configures a client of type `C`: this runtime's [`Client`], or a generated
/// crate's `Client`, which wraps it (`C: From<Client>`).
pub struct ClientBuilder<C = Client> {
    api: &'static ApiInfo,
    token: Option<String>,
    base_url: Option<String>,
    timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    user_agent: Option<String>,
    http_client: Option<reqwest::Client>,
    retry: Option<RetryPolicy>,
    validate: bool,
    client: PhantomData<fn() -> C>,
}

impl<C> Clone for ClientBuilder<C> {
    fn clone(&self) -> Self {
        ClientBuilder {
            api: self.api,
            token: self.token.clone(),
            base_url: self.base_url.clone(),
            timeout: self.timeout,
            connect_timeout: self.connect_timeout,
            user_agent: self.user_agent.clone(),
            http_client: self.http_client.clone(),
            retry: self.retry.clone(),
            validate: self.validate,
            client: PhantomData,
        }
    }
}

impl<C: From<Client>> ClientBuilder<C> {
    /// Starts configuring a client of `api`; generated crates call it from `Client::builder()`.
    pub fn new(api: &'static ApiInfo) -> Self {
        ClientBuilder {
            api,
            token: None,
            base_url: None,
            timeout: None,
            connect_timeout: None,
            user_agent: None,
            http_client: None,
            retry: None,
            validate: true,
            client: PhantomData,
        }
    }

    /// The API token, sent as `Authorization: Bearer <token>` (required).
    pub fn token(mut self, token: impl Into<String>) -> Self {
        self.token = Some(token.into());
        self
    }

    /// The base URL; defaults to the API's (from its document's `servers`,
    /// [`ApiInfo::default_base_url`]). A trailing slash is ignored.
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

    /// The `User-Agent` header; defaults to the generated crate's name and
    /// version ([`ApiInfo::user_agent`]).
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }

    /// How failed requests are retried; default [`RetryPolicy::default()`]:
    /// up to 3 attempts of requests that are safe to repeat. Use
    /// [`RetryPolicy::none()`] to send every request once.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// Whether a request is checked against the limits the API document
    /// states (`minItems`, `maxLength`, `pattern`, numeric bounds, ...)
    /// before it is sent; one that breaks a limit fails with
    /// [`Error::Request`] naming the field and the rule, and is not sent.
    /// Default: on. Turn it off when the document is stricter than the API.
    pub fn validate_requests(mut self, validate: bool) -> Self {
        self.validate = validate;
        self
    }

    /// Uses an existing `reqwest::Client` (proxies, custom TLS, shared pool).
    /// The timeout and user agent set here are still applied to each request.
    pub fn http_client(mut self, http_client: reqwest::Client) -> Self {
        self.http_client = Some(http_client);
        self
    }

    /// Validates the configuration and creates the client.
    pub fn build(self) -> Result<C> {
        let token = match self.token {
            Some(token) if !token.trim().is_empty() => token,
            _ => {
                return Err(Error::request(
                    None,
                    format!(
                        "no API token configured: call ClientBuilder::token, or set {} and use Client::from_env",
                        self.api.token_env_var
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
        let base_url = normalize_base_url(
            self.base_url
                .as_deref()
                .unwrap_or(self.api.default_base_url),
        )
        .map_err(|message| Error::request(None, message))?;
        let user_agent = match self.user_agent {
            Some(user_agent) => HeaderValue::try_from(user_agent)
                .map_err(|e| Error::request(None, format!("invalid user agent: {e}")))?,
            None => HeaderValue::from_static(self.api.user_agent),
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
        Ok(C::from(Client {
            inner: Arc::new(Inner {
                api: self.api,
                http,
                base_url,
                token,
                user_agent,
                timeout: self.timeout,
                retry: self.retry.unwrap_or_default(),
                validate: self.validate,
            }),
        }))
    }
}

impl<C> fmt::Debug for ClientBuilder<C> {
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
            .field("validate", &self.validate)
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
mod tests;
