//! Error type shared by every call, and the call it names.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;

use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode};
use serde::{Deserialize, Deserializer, Serialize};

/// Result type returned by every call.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Longest error body kept in [`ApiError::raw`], in bytes.
pub(crate) const MAX_RAW_BODY: usize = 64 * 1024;

/// Longest body excerpt shown in error messages, in characters.
pub(crate) const MAX_SNIPPET_CHARS: usize = 200;

/// Response headers that may carry a request id, in order of preference.
const REQUEST_ID_HEADERS: [&str; 3] = ["x-request-id", "x-amzn-requestid", "request-id"];

/// Which call an error or a tracing span is about: the operation, the method
/// and the path *template*.
///
/// It never holds the URL, path or query values, or the token, so errors and
/// logs can be shared without leaking an email address or an id: a call to
/// `/v1/users/{userId}?email=...` is shown as
/// `userGet (GET /v1/users/{userId})`, a raw request as
/// `raw request (POST /v1/org/user/invite)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Call {
    operation: Option<&'static str>,
    method: Method,
    path: Cow<'static, str>,
}

impl Call {
    /// A call of `method` on `path_template`, by the operation `operation`
    /// (an `operationId`), or a raw request when `None`.
    pub fn new(
        operation: Option<&'static str>,
        method: Method,
        path_template: impl Into<Cow<'static, str>>,
    ) -> Call {
        Call {
            operation,
            method,
            path: path_template.into(),
        }
    }

    /// The `operationId`, or `None` for a raw request ([`Client::request`](crate::Client::request)).
    pub fn operation(&self) -> Option<&'static str> {
        self.operation
    }

    /// The `operationId`, or `"raw request"`.
    pub fn label(&self) -> &'static str {
        self.operation.unwrap_or("raw request")
    }

    /// The HTTP method.
    pub fn method(&self) -> &Method {
        &self.method
    }

    /// The path template as in the document (`/v1/users/{userId}`), without values.
    pub fn path_template(&self) -> &str {
        &self.path
    }
}

impl fmt::Display for Call {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({} {})", self.label(), self.method, self.path)
    }
}

/// Everything that can go wrong when calling the API.
///
/// Match on the variant when you need the details, or use the accessors
/// ([`status`](Error::status), [`error_code`](Error::error_code),
/// [`request_id`](Error::request_id), [`raw_body`](Error::raw_body),
/// [`is_retryable`](Error::is_retryable), ...) for the common questions.
///
/// Messages (`Display`) and `Debug` name the call by its operation and path
/// template ([`Call`]); they never contain the URL, path or query values, or
/// the token, so they are safe to log.
///
/// When the client retried (see [`ClientBuilder::retry`](crate::ClientBuilder::retry)),
/// the error is the last attempt's, [`attempts`](Error::attempts) says how
/// many were made and the message says `(after N attempts)`, for example
/// `meetingGet (GET /v1/meetings/{meetingId}): HTTP 503 Service Unavailable (after 3 attempts): ...`.
#[non_exhaustive]
#[derive(Debug)]
pub enum Error {
    /// The request could not be sent or the response not read (DNS, connect,
    /// TLS, timeout, connection reset).
    Transport {
        /// The failed call.
        call: Call,
        /// The underlying HTTP client error, without the URL.
        source: reqwest::Error,
        /// How many times the request was sent (1 unless it was retried).
        attempts: u32,
    },
    /// A 2xx response whose body did not decode into the expected type.
    ///
    /// Boxed so that `Result<T, Error>` stays small on the success path.
    Decode(Box<DecodeError>),
    /// The API answered with a non-2xx status.
    ///
    /// Boxed so that `Result<T, Error>` stays small on the success path.
    Api(Box<ApiError>),
    /// The request could not be built (bad configuration, unserializable
    /// parameter, missing environment variable).
    Request {
        /// The call, or `None` for configuration errors.
        call: Option<Call>,
        /// What was wrong.
        message: String,
    },
    /// A streamed response body could not be written to the caller's writer
    /// (for example a full disk); see `write_to` on the builders.
    Io {
        /// The call whose body was being written.
        call: Call,
        /// The writer's error.
        source: std::io::Error,
    },
}

/// A 2xx response whose body did not decode into the expected type.
#[derive(Debug)]
pub struct DecodeError {
    call: Call,
    status: StatusCode,
    content_type: Option<String>,
    body_start: String,
    body: String,
    source: serde_json::Error,
    attempts: u32,
}

impl DecodeError {
    /// The decoding error for `body`, received with `status` and `content_type`.
    pub(crate) fn new(
        call: Call,
        status: StatusCode,
        content_type: Option<String>,
        body: &[u8],
        source: serde_json::Error,
    ) -> DecodeError {
        DecodeError {
            call,
            status,
            content_type,
            body_start: snippet(body),
            body: raw_text(body),
            source,
            attempts: 1,
        }
    }

    /// The failed call.
    pub fn call(&self) -> &Call {
        &self.call
    }

    /// The (successful) HTTP status of the response.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The response's `Content-Type` header, if any: `text/html` here usually
    /// means a proxy or login page answered instead of the API.
    pub fn content_type(&self) -> Option<&str> {
        self.content_type.as_deref()
    }

    /// The start of the body on one line (at most 200 characters), as shown in the message.
    pub fn body_start(&self) -> &str {
        &self.body_start
    }

    /// The raw response body (lossily decoded as UTF-8, truncated to 64 KiB).
    pub fn body(&self) -> &str {
        &self.body
    }

    /// The JSON decoding error.
    pub fn json_error(&self) -> &serde_json::Error {
        &self.source
    }

    /// How many times the request was sent (1 unless it was retried).
    pub fn attempts(&self) -> u32 {
        self.attempts
    }
}

/// A non-2xx answer from the API.
#[derive(Debug, Clone)]
pub struct ApiError {
    /// The failed call.
    pub call: Call,
    /// The HTTP status of the response.
    pub status: StatusCode,
    /// The request id reported by the server (`x-request-id`,
    /// `x-amzn-requestid` or `request-id` header), useful for support requests.
    pub request_id: Option<String>,
    /// The response body, parsed when possible.
    pub body: ApiErrorBody,
    /// The raw response body (lossily decoded as UTF-8, truncated to 64 KiB).
    pub raw: String,
    /// How many times the request was sent (1 unless it was retried).
    pub attempts: u32,
}

/// The body of a non-2xx response.
#[derive(Debug, Clone, PartialEq)]
pub enum ApiErrorBody {
    /// The body is the API's documented JSON error object.
    Json(ErrorBody),
    /// Plain text (for example the reason a parameter was rejected) or a
    /// body that is not the documented error object, such as an HTML page
    /// from a proxy. Leading and trailing whitespace is trimmed.
    Text(String),
    /// The body was empty.
    Empty,
}

/// The API's JSON error object.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ErrorBody {
    /// Machine-readable error code, e.g. `NOT_FOUND`.
    pub error_code: String,
    /// Human-readable description.
    #[serde(default)]
    pub error_message: String,
    /// Extra details; `null`, missing and non-string values are tolerated.
    #[serde(default, deserialize_with = "lenient_arguments")]
    pub arguments: BTreeMap<String, String>,
}

/// Accepts `null` and non-string values so an odd `arguments` field does not
/// hide the error code and message.
fn lenient_arguments<'de, D>(
    deserializer: D,
) -> std::result::Result<BTreeMap<String, String>, D::Error>
where
    D: Deserializer<'de>,
{
    let raw = Option::<BTreeMap<String, serde_json::Value>>::deserialize(deserializer)?;
    Ok(raw
        .unwrap_or_default()
        .into_iter()
        .map(|(key, value)| {
            let value = match value {
                serde_json::Value::String(s) => s,
                other => other.to_string(),
            };
            (key, value)
        })
        .collect())
}

impl Error {
    /// The HTTP status of the response, when one was received.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api(api) => Some(api.status),
            Error::Decode(decode) => Some(decode.status),
            Error::Transport { source, .. } => source.status(),
            Error::Request { .. } | Error::Io { .. } => None,
        }
    }

    /// The API's error code (`errorCode`), when the error body was the documented JSON object.
    pub fn error_code(&self) -> Option<&str> {
        match self {
            Error::Api(api) => match &api.body {
                ApiErrorBody::Json(body) => Some(&body.error_code),
                _ => None,
            },
            _ => None,
        }
    }

    /// The API's error message: `errorMessage` of a JSON error body, or the
    /// whole body when the API answered with plain text.
    pub fn error_message(&self) -> Option<&str> {
        match self {
            Error::Api(api) => match &api.body {
                ApiErrorBody::Json(body) => Some(&body.error_message),
                ApiErrorBody::Text(text) => Some(text),
                ApiErrorBody::Empty => None,
            },
            _ => None,
        }
    }

    /// The request id reported by the server with an error response.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Api(api) => api.request_id.as_deref(),
            _ => None,
        }
    }

    /// The response body (lossily decoded as UTF-8, at most 64 KiB) of an
    /// error response or of a 2xx response that could not be decoded; `None`
    /// when no response was read.
    pub fn raw_body(&self) -> Option<&str> {
        match self {
            Error::Api(api) => Some(&api.raw),
            Error::Decode(decode) => Some(&decode.body),
            Error::Transport { .. } | Error::Request { .. } | Error::Io { .. } => None,
        }
    }

    /// How many times the request was sent: 1, or more when it was retried;
    /// 0 when it could not be built ([`Error::Request`]).
    pub fn attempts(&self) -> u32 {
        match self {
            Error::Transport { attempts, .. } => *attempts,
            Error::Decode(decode) => decode.attempts,
            Error::Api(api) => api.attempts,
            Error::Request { .. } => 0,
            Error::Io { .. } => 1,
        }
    }

    /// The call that failed (`None` for configuration errors).
    pub fn call(&self) -> Option<&Call> {
        match self {
            Error::Transport { call, .. } => Some(call),
            Error::Decode(decode) => Some(&decode.call),
            Error::Api(api) => Some(&api.call),
            Error::Request { call, .. } => call.as_ref(),
            Error::Io { call, .. } => Some(call),
        }
    }

    /// The `operationId` of the call that failed (`None` for configuration
    /// errors and raw requests).
    pub fn operation(&self) -> Option<&'static str> {
        self.call().and_then(Call::operation)
    }

    /// Whether the request timed out on the client side (see
    /// [`ClientBuilder::timeout`](crate::ClientBuilder::timeout)).
    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Transport { source, .. } if source.is_timeout())
    }

    /// Whether sending the same request again may succeed: connection
    /// failures (could not connect, connection closed or reset before the
    /// whole response was read), timeouts, and HTTP 408, 429, 502, 503 and 504.
    ///
    /// The client's retry policy retries exactly these errors, for requests
    /// that are safe to repeat (see [`ClientBuilder::retry`](crate::ClientBuilder::retry)).
    /// Apart from a failed connection, the server may have acted on the
    /// request; repeat non-idempotent operations with care.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Transport { source, .. } => {
                source.is_connect()
                    || source.is_timeout()
                    // The connection failed while sending or reading the response.
                    || source.is_request()
                    || source.is_body()
                    || source.is_decode()
            }
            Error::Api(api) => matches!(api.status.as_u16(), 408 | 429 | 502 | 503 | 504),
            _ => false,
        }
    }

    /// Whether the connection could not be established, so the server never
    /// saw the request and any request can be retried.
    pub(crate) fn is_connect(&self) -> bool {
        matches!(self, Error::Transport { source, .. } if source.is_connect())
    }

    /// Records how many attempts were made.
    pub(crate) fn set_attempts(&mut self, n: u32) {
        match self {
            Error::Transport { attempts, .. } => *attempts = n,
            Error::Decode(decode) => decode.attempts = n,
            Error::Api(api) => api.attempts = n,
            Error::Request { .. } | Error::Io { .. } => {}
        }
    }

    /// A short description for logs: no URL (its query may hold personal
    /// data), no body, never the token.
    pub(crate) fn log_summary(&self) -> String {
        match self {
            Error::Transport { source, .. } => {
                let root = one_line(&root_cause(source), MAX_SNIPPET_CHARS);
                format!("{}: {root}", transport_kind(source))
            }
            Error::Api(api) => format!("HTTP {}", api.status.as_u16()),
            Error::Decode(decode) => {
                format!("could not decode HTTP {} response", decode.status.as_u16())
            }
            Error::Request { .. } => "invalid request".to_owned(),
            Error::Io { source, .. } => format!("could not write the body: {:?}", source.kind()),
        }
    }

    /// A transport failure of `call`. The URL is dropped from `source`: its
    /// path and query may hold personal data.
    pub(crate) fn transport(call: Call, source: reqwest::Error) -> Self {
        Error::Transport {
            call,
            source: source.without_url(),
            attempts: 1,
        }
    }

    /// Shorthand for a [`Error::Request`].
    pub(crate) fn request(call: Option<&Call>, message: impl Into<String>) -> Self {
        Error::Request {
            call: call.cloned(),
            message: message.into(),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Transport {
                call,
                source,
                attempts,
            } => {
                let what = transport_kind(source);
                let top = one_line(&source.to_string(), usize::MAX);
                write!(f, "{call}: {what}: {top}")?;
                // reqwest's own message is generic ("error sending request");
                // the root cause ("connection refused") is what helps.
                let root = one_line(&root_cause(source), usize::MAX);
                if !root.is_empty() && !top.contains(&root) {
                    write!(f, ": {root}")?;
                }
                write_attempts(f, *attempts)
            }
            Error::Decode(decode) => fmt::Display::fmt(decode, f),
            Error::Api(api) => fmt::Display::fmt(api, f),
            Error::Request {
                call: Some(call),
                message,
            } => write!(f, "{call}: {message}"),
            Error::Request {
                call: None,
                message,
            } => f.write_str(message),
            Error::Io { call, source } => {
                write!(f, "{call}: could not write the response body: {source}")
            }
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Transport { source, .. } => Some(source),
            Error::Decode(decode) => Some(&decode.source),
            Error::Io { source, .. } => Some(source),
            // The API error's details are already in this error's message.
            Error::Api(_) | Error::Request { .. } => None,
        }
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: could not decode HTTP {} response",
            self.call,
            self.status.as_u16()
        )?;
        match &self.content_type {
            Some(ct) => write!(f, " (content-type {})", one_line(ct, MAX_SNIPPET_CHARS))?,
            None => f.write_str(" (no content-type)")?,
        }
        write!(f, ": {}", self.source)?;
        if self.body_start.is_empty() {
            f.write_str("; body was empty")?;
        } else {
            write!(f, "; body starts with: {}", self.body_start)?;
        }
        write_attempts(f, self.attempts)
    }
}

impl std::error::Error for DecodeError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}

/// The request id the API put in `headers` (see `REQUEST_ID_HEADERS`), if any.
pub(crate) fn request_id(headers: &HeaderMap) -> Option<String> {
    REQUEST_ID_HEADERS
        .iter()
        .filter_map(|name| headers.get(*name))
        .filter_map(|value| value.to_str().ok())
        .map(str::trim)
        .find(|value| !value.is_empty())
        .map(str::to_owned)
}

impl ApiError {
    /// Builds the error from a non-2xx response.
    pub(crate) fn from_response(
        call: Call,
        status: StatusCode,
        headers: &HeaderMap,
        body: &[u8],
    ) -> Self {
        let request_id = request_id(headers);
        let text = String::from_utf8_lossy(body);
        let trimmed = text.trim();
        let parsed = if trimmed.is_empty() {
            ApiErrorBody::Empty
        } else {
            match serde_json::from_str::<ErrorBody>(trimmed) {
                Ok(json) => ApiErrorBody::Json(json),
                Err(_) => ApiErrorBody::Text(trimmed.to_owned()),
            }
        };
        ApiError {
            call,
            status,
            request_id,
            body: parsed,
            raw: truncate_bytes(&text, MAX_RAW_BODY).to_owned(),
            attempts: 1,
        }
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: HTTP {}", self.call, self.status.as_u16())?;
        if let Some(reason) = self.status.canonical_reason() {
            write!(f, " {reason}")?;
        }
        write_attempts(f, self.attempts)?;
        match &self.body {
            ApiErrorBody::Json(body) => {
                write!(f, ": [{}]", one_line(&body.error_code, MAX_SNIPPET_CHARS))?;
                if !body.error_message.trim().is_empty() {
                    write!(
                        f,
                        " {}",
                        one_line(&body.error_message, MAX_SNIPPET_CHARS * 2)
                    )?;
                }
            }
            ApiErrorBody::Text(text) => write!(f, ": {}", one_line(text, MAX_SNIPPET_CHARS))?,
            ApiErrorBody::Empty => {}
        }
        if let Some(id) = &self.request_id {
            write!(f, " (request id {})", one_line(id, MAX_SNIPPET_CHARS))?;
        }
        Ok(())
    }
}

/// What kind of transport failure `source` is, for messages.
fn transport_kind(source: &reqwest::Error) -> &'static str {
    if source.is_timeout() {
        "request timed out"
    } else if source.is_connect() {
        "could not connect"
    } else if source.is_body() || source.is_decode() {
        "could not read the response"
    } else {
        "request failed"
    }
}

/// The innermost error under `source`: what actually went wrong.
fn root_cause(source: &reqwest::Error) -> String {
    let mut root: &dyn std::error::Error = source;
    while let Some(next) = root.source() {
        root = next;
    }
    root.to_string()
}

/// ` (after N attempts)` when the request was retried: at the end of transport
/// and decode messages, after the status of API errors (which end with the
/// request id).
fn write_attempts(f: &mut fmt::Formatter<'_>, attempts: u32) -> fmt::Result {
    if attempts > 1 {
        write!(f, " (after {attempts} attempts)")?;
    }
    Ok(())
}

impl std::error::Error for ApiError {}

/// Collapses all whitespace (newlines included) to single spaces and keeps at
/// most `max_chars` characters, marking a cut with `...`, so that messages
/// stay on one line.
pub(crate) fn one_line(text: &str, max_chars: usize) -> String {
    let mut out = String::new();
    let mut chars = 0usize;
    for word in text.split_whitespace() {
        for (i, piece) in [" ", word].into_iter().enumerate() {
            if i == 0 && out.is_empty() {
                continue;
            }
            for c in piece.chars() {
                if chars == max_chars {
                    out.push_str("...");
                    return out;
                }
                out.push(if c.is_control() { ' ' } else { c });
                chars += 1;
            }
        }
    }
    out
}

/// The longest prefix of `text` of at most `max` bytes that ends on a char boundary.
pub(crate) fn truncate_bytes(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// A response body as kept in errors: lossily decoded as UTF-8, at most
/// [`MAX_RAW_BODY`] bytes.
pub(crate) fn raw_text(body: &[u8]) -> String {
    // Decode only what can be kept (plus a partial character): bodies can be large.
    let head = &body[..body.len().min(MAX_RAW_BODY + 4)];
    truncate_bytes(&String::from_utf8_lossy(head), MAX_RAW_BODY).to_owned()
}

/// One-line excerpt of a response body for [`Error::Decode`].
pub(crate) fn snippet(body: &[u8]) -> String {
    // Decode at most a little more than needed: bodies can be large.
    let head = &body[..body.len().min(MAX_SNIPPET_CHARS * 4 + 4)];
    one_line(&String::from_utf8_lossy(head), MAX_SNIPPET_CHARS)
}

#[cfg(test)]
mod tests;
