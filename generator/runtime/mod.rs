//! Hand-written runtime shared by all generated code: the client, its
//! configuration, request assembly, the error type and wire-format helpers.
//!
//! Copied verbatim into the generated crate by the generator; edit it in
//! `generator/runtime/`, not in the generated crate.

mod client;
mod error;
mod request;
// Helpers for generated types; a document may not need every one of them.
#[allow(dead_code)]
pub(crate) mod wire;

pub use client::{Client, ClientBuilder};
pub use error::{ApiError, ApiErrorBody, Error, ErrorBody, Result};
// Used by the generated operations; allowed so a crate without any still builds cleanly.
#[allow(unused_imports)]
#[doc(hidden)]
pub use request::Request;
