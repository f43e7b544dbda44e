//! The runtime of the API clients that `chili-gen` generates from OpenAPI
//! documents: one HTTP client with authentication, retries, timeouts and
//! tracing, the error type every call returns, lazy pagination, a raw-request
//! API for operations the document does not describe, and the serde helpers
//! behind the generated structs (`record!`), open enums and unions.
//!
//! You normally use it through a generated crate, which re-exports what you
//! need (`Error`, `Result`, `RetryPolicy`, `Method`, ...) and wraps [`Client`]
//! in its own `Client` with one method per operation. The runtime holds no
//! value of any particular API: a generated crate describes its API (default
//! base URL, token variable, user agent, tracing span) in an [`ApiInfo`] and
//! passes it to [`Client::new`], [`Client::from_env`] or [`ClientBuilder::new`].
//!
//! Items marked `#[doc(hidden)]` are for generated code; they follow the same
//! versioning as the rest, but are not meant to be called by hand.

#![warn(missing_docs)]

mod client;
mod error;
mod export;
#[doc(hidden)]
pub mod paginate;
mod raw;
pub mod record;
mod request;
mod response;
mod retry;
#[doc(hidden)]
pub mod validate;
#[doc(hidden)]
pub mod wire;

/// The chunks of a streamed body ([`ByteStream`]).
pub use bytes::Bytes;
pub use client::{ApiInfo, Client, ClientBuilder};
pub use error::{ApiError, ApiErrorBody, Call, DecodeError, Error, ErrorBody, Result};
pub use export::{windows, CsvConcat};
pub use raw::RawRequest;
#[doc(hidden)]
pub use request::Request;
pub use response::{ByteStream, Response};
pub use retry::RetryPolicy;
/// What [`ByteStream::write_to`] writes into (a `tokio::fs::File`, a `Vec<u8>`, a socket).
pub use tokio::io::AsyncWrite;

/// Re-exported so a paginated `items()` stream can be consumed without another dependency.
pub use futures_util::{Stream, StreamExt};
/// The HTTP client underneath; [`ClientBuilder::http_client`] accepts a `reqwest::Client`.
pub use reqwest;
/// The HTTP types the API takes and returns.
pub use reqwest::header::HeaderMap;
pub use reqwest::{Method, StatusCode};

/// Paths used by the runtime's macros in generated code; not a public API.
#[doc(hidden)]
pub mod __private {
    pub use serde;
    pub use serde_json;
    pub use tracing;
}
