//! Responses with their metadata, and streamed bodies.

use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use futures_util::{Stream, StreamExt};
use reqwest::header::{HeaderMap, CONTENT_TYPE};
use reqwest::StatusCode;
use serde::de::DeserializeOwned;
use tokio::io::{AsyncWrite, AsyncWriteExt};

use crate::client::{Client, RawResponse};
use crate::error::{request_id, Call, DecodeError, Error, Result};
use crate::request::Request;

/// A decoded value together with the response it came from: what a caller
/// that logs or audits calls needs. Returned by `send_with_response()` on
/// every request builder.
///
/// ```no_run
/// # async fn f(client: chili_runtime::Client) -> chili_runtime::Result<()> {
/// let response = client
///     .request(chili_runtime::Method::GET, "/v1/org/workspace")
///     .send_with_response::<serde_json::Value>()
///     .await?;
/// println!("{} after {} attempt(s), request id {:?}", response.status, response.attempts, response.request_id);
/// let workspaces = response.value;
/// # let _ = workspaces; Ok(()) }
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Response<T> {
    /// The decoded body.
    pub value: T,
    /// The HTTP status (2xx).
    pub status: StatusCode,
    /// The response headers.
    pub headers: HeaderMap,
    /// The request id the API sent (`x-request-id`, `x-amzn-requestid` or
    /// `request-id`), the same header [`Error::request_id`] reads.
    pub request_id: Option<String>,
    /// How many times the request was sent: 1, or more after retries.
    pub attempts: u32,
}

impl<T> Response<T> {
    /// The decoded body, dropping the metadata.
    pub fn into_value(self) -> T {
        self.value
    }

    /// The same metadata with `f` applied to the value.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Response<U> {
        Response {
            value: f(self.value),
            status: self.status,
            headers: self.headers,
            request_id: self.request_id,
            attempts: self.attempts,
        }
    }

    fn from_raw(raw: &mut RawResponse, value: T) -> Self {
        Response {
            value,
            status: raw.status,
            request_id: request_id(&raw.headers),
            headers: std::mem::take(&mut raw.headers),
            attempts: raw.attempts,
        }
    }
}

/// A response body read chunk by chunk as it arrives, instead of buffered
/// into one value: a [`Stream`] of [`Bytes`], or copied into any
/// [`AsyncWrite`] with [`write_to`](Self::write_to).
///
/// Retries end when the response's status arrives: a body that breaks off
/// halfway ends the stream with [`Error::Transport`] and is not requested
/// again (the chunks already yielded may have been written somewhere).
/// The client's timeout still covers the whole body.
pub struct ByteStream {
    call: Call,
    chunks: Pin<Box<dyn Stream<Item = Result<Bytes>> + Send>>,
}

impl ByteStream {
    fn new(call: Call, response: reqwest::Response) -> Self {
        let errors = call.clone();
        let chunks = futures_util::stream::unfold(Some(response), move |state| {
            let call = errors.clone();
            async move {
                let mut response = state?;
                match response.chunk().await {
                    Ok(Some(chunk)) => Some((Ok(chunk), Some(response))),
                    Ok(None) => None,
                    Err(source) => Some((Err(Error::transport(call, source)), None)),
                }
            }
        });
        ByteStream {
            call,
            chunks: Box::pin(chunks),
        }
    }

    /// Copies the rest of the body into `writer` and flushes it; returns the
    /// number of bytes written. A writer failure is [`Error::Io`].
    pub async fn write_to<W: AsyncWrite + Unpin + ?Sized>(mut self, writer: &mut W) -> Result<u64> {
        let mut written = 0u64;
        while let Some(chunk) = self.chunks.next().await {
            let chunk = chunk?;
            writer.write_all(&chunk).await.map_err(|e| self.io(e))?;
            written += chunk.len() as u64;
        }
        writer.flush().await.map_err(|e| self.io(e))?;
        Ok(written)
    }

    /// The call this body answers.
    pub(crate) fn call(&self) -> &Call {
        &self.call
    }

    /// Reads the rest of the body into memory.
    pub async fn collect(mut self) -> Result<Vec<u8>> {
        let mut body = Vec::new();
        while let Some(chunk) = self.chunks.next().await {
            body.extend_from_slice(&chunk?);
        }
        Ok(body)
    }

    fn io(&self, source: std::io::Error) -> Error {
        Error::Io {
            call: self.call.clone(),
            source,
        }
    }
}

impl Stream for ByteStream {
    type Item = Result<Bytes>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.chunks.as_mut().poll_next(cx)
    }
}

impl fmt::Debug for ByteStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ByteStream")
            .field("call", &self.call.to_string())
            .finish_non_exhaustive()
    }
}

impl Client {
    /// [`Client::send_json`] with the response's metadata.
    #[doc(hidden)]
    pub async fn send_json_with_response<T: DeserializeOwned>(
        &self,
        mut req: Request,
    ) -> Result<Response<T>> {
        let call = req.call().clone();
        req.accept = Some("application/json");
        let mut response = self.execute(req).await?;
        let body: &[u8] = if response.body.iter().all(u8::is_ascii_whitespace) {
            b"null"
        } else {
            &response.body
        };
        match serde_json::from_slice(body) {
            Ok(value) => Ok(Response::from_raw(&mut response, value)),
            Err(source) => {
                let content_type = response
                    .headers
                    .get(CONTENT_TYPE)
                    .map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned());
                let mut err = Error::Decode(Box::new(DecodeError::new(
                    call,
                    response.status,
                    content_type,
                    &response.body,
                    source,
                )));
                err.set_attempts(response.attempts);
                Err(err)
            }
        }
    }

    /// [`Client::send_text`] with the response's metadata.
    #[doc(hidden)]
    pub async fn send_text_with_response(&self, req: Request) -> Result<Response<String>> {
        let mut response = self.execute(req).await?;
        let body = std::mem::take(&mut response.body);
        let text = match String::from_utf8(body) {
            Ok(text) => text,
            Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
        };
        Ok(Response::from_raw(&mut response, text))
    }

    /// [`Client::send_empty`] with the response's metadata.
    #[doc(hidden)]
    pub async fn send_empty_with_response(&self, req: Request) -> Result<Response<()>> {
        let mut response = self.execute(req).await?;
        Ok(Response::from_raw(&mut response, ()))
    }

    /// [`Client::send_bytes`](crate::RawRequest::send_bytes) with the response's metadata.
    pub(crate) async fn send_bytes_with_response(&self, req: Request) -> Result<Response<Vec<u8>>> {
        let mut response = self.execute(req).await?;
        let body = std::mem::take(&mut response.body);
        Ok(Response::from_raw(&mut response, body))
    }

    /// Sends `req` and returns the response body unread, as a [`ByteStream`].
    #[doc(hidden)]
    pub async fn send_stream(&self, req: Request) -> Result<Response<ByteStream>> {
        let call = req.call().clone();
        let mut response = self.execute_streaming(req).await?;
        let unread = response.unread.take().ok_or_else(|| {
            Error::request(
                Some(&call),
                "internal error: the response body was already read",
            )
        })?;
        Ok(Response::from_raw(
            &mut response,
            ByteStream::new(call, unread),
        ))
    }
}
