//! The API client: configuration, authentication and sending.

use std::env::VarError;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_TYPE, USER_AGENT};
use reqwest::{StatusCode, Url};
use serde::de::DeserializeOwned;

use super::error::{snippet, ApiError, Error, Result};
use super::request::Request;

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
}

/// The parts of a response that the `send_*` methods need.
///
/// Produced by [`Client::execute`], the single place where requests go out.
struct RawResponse {
    status: StatusCode,
    headers: HeaderMap,
    body: Vec<u8>,
}

impl Client {
    /// A client using `token`, the default base URL and default HTTP settings
    /// (no overall timeout).
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
            source,
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

    /// Sends one request and reads the whole response; non-2xx statuses become
    /// [`Error::Api`]. All sending goes through here, so a retry loop (driven
    /// by [`Error::is_retryable`]) belongs here too.
    async fn execute(&self, req: Request) -> Result<RawResponse> {
        let operation = req.operation;
        let inner = &*self.inner;
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
        builder = builder.headers(headers);
        // Applied per request so it also holds for a caller-supplied reqwest::Client.
        if let Some(timeout) = inner.timeout {
            builder = builder.timeout(timeout);
        }

        let transport = |source| Error::Transport { operation, source };
        let response = builder.send().await.map_err(transport)?;
        let status = response.status();
        let headers = response.headers().clone();
        let body = Vec::from(response.bytes().await.map_err(transport)?);
        if !status.is_success() {
            return Err(Error::Api(Box::new(ApiError::from_response(
                operation, status, &headers, &body,
            ))));
        }
        Ok(RawResponse {
            status,
            headers,
            body,
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

    /// Limit on the whole request, from connecting until the body is read.
    /// Default: none.
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
