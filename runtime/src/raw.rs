//! Requests to operations without a typed method.

use std::fmt;
use std::time::Duration;

use reqwest::header::HeaderValue;
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::client::Client;
use crate::error::Result;
use crate::request::Request;
use crate::response::{ByteStream, Response};

/// A request to an operation that has no typed method; start one with
/// [`Client::request`], set its parameters and body, then send it with one of
/// the `send_*` methods, which says how to read the answer.
///
/// ```no_run
/// # async fn f(client: chili_runtime::Client) -> chili_runtime::Result<()> {
/// use chili_runtime::Method;
///
/// let routed: serde_json::Value = client
///     .request(Method::POST, "/v1/concierge/route/{slug}")
///     .path_param("slug", "inbound-demo")
///     .json(&serde_json::json!({ "form": { "email": "jane@example.com" } }))
///     .send_value()
///     .await?;
/// # let _ = routed; Ok(()) }
/// ```
///
/// Like a typed method, it is retried only when that is safe: `GET`, `HEAD`,
/// `OPTIONS`, `PUT` and `DELETE` by default (their meaning is idempotent),
/// anything else only if the request never reached the server. Say
/// otherwise with [`retry_safe`](Self::retry_safe).
#[derive(Clone)]
#[must_use = "a request does nothing until it is sent"]
pub struct RawRequest<'a> {
    client: &'a Client,
    request: Request,
}

/// Shows the call (operation, method, path template), not the values filled
/// in, like errors and traces.
impl fmt::Debug for RawRequest<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RawRequest")
            .field("call", &self.request.call().to_string())
            .finish_non_exhaustive()
    }
}

impl<'a> RawRequest<'a> {
    pub(crate) fn new(client: &'a Client, request: Request) -> Self {
        RawRequest { client, request }
    }

    /// Fills the `{name}` placeholder of the path with `value` (a string,
    /// number or boolean), percent-encoded so it stays one path segment.
    pub fn path_param<T: Serialize + ?Sized>(mut self, name: &str, value: &T) -> Self {
        self.request.path_param(name, value);
        self
    }

    /// Adds a query parameter. `None` is skipped and each element of a list
    /// is sent as a repeated `name=element`.
    pub fn query<T: Serialize + ?Sized>(mut self, name: &str, value: &T) -> Self {
        self.request.query(name, value);
        self
    }

    /// Adds a header. `None` is skipped and lists are joined with commas.
    pub fn header<T: Serialize + ?Sized>(mut self, name: &str, value: &T) -> Self {
        self.request.header(name, value);
        self
    }

    /// Sends `body` as JSON (with `Content-Type: application/json`).
    pub fn json<T: Serialize + ?Sized>(mut self, body: &T) -> Self {
        self.request.json(body);
        self
    }

    /// Sends `body` as is, as `text/plain; charset=utf-8`.
    pub fn text(self, body: impl Into<String>) -> Self {
        self.body("text/plain; charset=utf-8", body.into().into_bytes())
    }

    /// Sends `body` as is, with `content_type` (for example `text/csv`).
    pub fn body(mut self, content_type: &str, body: impl Into<Vec<u8>>) -> Self {
        match HeaderValue::try_from(content_type) {
            Ok(content_type) => {
                self.request.bytes_body(content_type, body.into());
            }
            Err(_) => {
                self.request.fail(format!(
                    "the content type `{content_type}` is not a valid header value"
                ));
            }
        }
        self
    }

    /// Whether the request may be sent again after a retryable failure. By
    /// default it follows the method: `GET`, `HEAD`, `OPTIONS`, `PUT` and
    /// `DELETE` may, others may not. Say `true` for a `POST` that only reads,
    /// `false` for a `PUT` that must not be repeated.
    pub fn retry_safe(mut self, safe: bool) -> Self {
        self.request.retry_safe(safe);
        self
    }

    /// Limits this call, retries included, overriding the client's timeout.
    pub fn timeout(mut self, limit: Duration) -> Self {
        self.request.timeout(Some(limit));
        self
    }

    /// Sends the request and decodes the JSON answer into `T` (an empty body
    /// decodes as `null`, which `Option<T>` and `()` accept).
    pub async fn send_json<T: DeserializeOwned>(self) -> Result<T> {
        self.client.send_json(self.request).await
    }

    /// Sends the request and returns the JSON answer as a [`serde_json::Value`]
    /// (`Null` for an empty body).
    pub async fn send_value(self) -> Result<serde_json::Value> {
        self.send_json().await
    }

    /// Sends the request and returns the answer as text (invalid UTF-8 is
    /// replaced with U+FFFD).
    pub async fn send_text(self) -> Result<String> {
        self.client.send_text(self.request).await
    }

    /// Sends the request and returns the answer's bytes as received.
    pub async fn send_bytes(self) -> Result<Vec<u8>> {
        Ok(self.client.execute(self.request).await?.body)
    }

    /// Sends the request and decodes the JSON answer into `T`, with the
    /// status, headers, request id and number of attempts.
    pub async fn send_with_response<T: DeserializeOwned>(self) -> Result<Response<T>> {
        self.client.send_json_with_response(self.request).await
    }

    /// Sends the request and returns the answer's bytes as received, with
    /// the response's metadata.
    pub async fn send_bytes_with_response(self) -> Result<Response<Vec<u8>>> {
        self.client.send_bytes_with_response(self.request).await
    }

    /// Sends the request and returns the answer's body unread, to consume as
    /// a stream of chunks or copy into a writer ([`ByteStream::write_to`]).
    /// Retries end once the status arrives (see [`ByteStream`]).
    pub async fn send_stream(self) -> Result<Response<ByteStream>> {
        self.client.send_stream(self.request).await
    }

    /// Sends the request and ignores the answer's body.
    pub async fn send_empty(self) -> Result<()> {
        self.client.send_empty(self.request).await
    }
}
