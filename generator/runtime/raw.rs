//! Requests to endpoints without a typed method: [`Client::request`].
//!
//! A minimal stand-in with the same names as the raw-request API being built
//! on the `runtime` branch (`client.request(Method, path)`), so that code
//! written against it (the `chili request` command) keeps compiling when that
//! lands and replaces this file.

use serde::de::DeserializeOwned;
use serde::Serialize;

use super::client::Client;
use super::error::Result;
use super::request::Request;

/// A request to an endpoint that has no typed method; start one with
/// [`Client::request`], add query parameters and a body, then send it.
///
/// It is retried like a typed call: `GET`, `HEAD`, `OPTIONS`, `PUT` and
/// `DELETE` when that is safe, anything else only if it never left.
#[derive(Debug, Clone)]
#[must_use = "a request does nothing until it is sent"]
pub struct RawRequest<'a> {
    client: &'a Client,
    request: Request,
}

impl<'a> RawRequest<'a> {
    pub(crate) fn new(client: &'a Client, request: Request) -> Self {
        RawRequest { client, request }
    }

    /// Adds a query parameter (percent-encoded; `None` is skipped).
    pub fn query<T: Serialize + ?Sized>(mut self, name: &str, value: &T) -> Self {
        self.request.query(name, value);
        self
    }

    /// Sets a JSON body.
    pub fn json<T: Serialize + ?Sized>(mut self, body: &T) -> Self {
        self.request.json(body);
        self
    }

    /// Sends the request and decodes a JSON answer into `T`.
    pub async fn send_json<T: DeserializeOwned>(self) -> Result<T> {
        self.client.send_json(self.request).await
    }

    /// Sends the request and returns the JSON answer as a value.
    pub async fn send_value(self) -> Result<serde_json::Value> {
        self.send_json().await
    }

    /// Sends the request and returns the answer as text.
    pub async fn send_text(self) -> Result<String> {
        self.client.send_text(self.request).await
    }
}
