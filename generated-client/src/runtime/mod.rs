//! Hand-written runtime shared by all generated code: the client, its
//! configuration, request assembly, the error type and wire-format helpers.
//!
//! Copied verbatim into the generated crate by the generator; edit it in
//! `generator/runtime/`, not in the generated crate.

mod client;
mod error;
mod raw;
mod request;
mod retry;
// Helpers for generated types; a document may not need every one of them.
#[allow(dead_code)]
pub(crate) mod wire;
// Used by generated `items()` methods; a document may have no paginated list.
#[allow(dead_code)]
pub(crate) mod paginate;

pub use client::{Client, ClientBuilder};
pub use error::{ApiError, ApiErrorBody, Error, ErrorBody, Result};
pub use raw::RawRequest;
// Re-exported from the crate root by the generated `lib.rs`.
#[allow(unused_imports)]
pub use retry::RetryPolicy;
// Used by the generated operations; allowed so a crate without any still builds cleanly.
#[allow(unused_imports)]
#[doc(hidden)]
pub use request::Request;
