//! `chili-gen`: reads an OpenAPI 3.0 or 3.1 document and emits a typed async
//! Rust client crate.
//!
//! The flow runs one way: [`load`] (YAML/JSON, 3.1 lowered to what `openapiv3`
//! holds) -> [`typify`] and [`operations`] (build the [`ir::Api`]) -> [`emit`]
//! (tokens, formatted) -> [`write`] (atomically onto disk).

pub mod bundle;
pub mod diff;
pub mod emit;
pub mod error;
pub mod ir;
pub mod load;
pub mod names;
pub mod operations;
pub mod pagination;
pub mod parse;
pub mod sanitize;
pub mod synth;
pub mod typify;
pub mod walk;
pub mod write;

use std::collections::BTreeMap;

pub use bundle::{Fetch, FileFetch};
pub use error::{Error, Warning};

/// How to name and shape the emitted crate.
#[derive(Debug, Clone)]
pub struct Options {
    /// Cargo package name, e.g. `chilipiper-edge`.
    pub crate_name: String,
    /// Cargo package version.
    pub crate_version: String,
    /// Environment variable `Client::from_env()` reads the token from.
    pub token_env_var: String,
    /// Emit an empty `[workspace]` table so the crate builds on its own even
    /// when placed under another workspace's directory.
    pub standalone: bool,
}

impl Options {
    /// Options for a crate called `crate_name`, with the token variable derived
    /// from the name's first word (`chilipiper-edge` -> `CHILIPIPER_API_KEY`).
    pub fn new(crate_name: &str) -> Options {
        let first = crate_name.split(['-', '_']).next().unwrap_or(crate_name);
        Options {
            crate_name: crate_name.to_string(),
            crate_version: "0.1.0".to_string(),
            token_env_var: format!("{}_API_KEY", first.to_uppercase()),
            standalone: false,
        }
    }
}

/// The files of a generated crate, keyed by path relative to the crate root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedCrate {
    pub files: BTreeMap<String, String>,
}

/// Reads `text` (a document whose origin, for error messages, is `origin`)
/// into the IR. References to other files are read from disk, relative to
/// `origin`; warnings are dropped (see [`build`]).
pub fn build_api(text: &str, origin: &str) -> Result<ir::Api, Error> {
    build(text, origin, &FileFetch).map(|built| built.api)
}

/// An API read from a document, and what the generator read past in it.
#[derive(Debug, Clone)]
pub struct Built {
    pub api: ir::Api,
    /// Values dropped or converted, schemas read as `serde_json::Value`; each
    /// names its file and JSON pointer.
    pub warnings: Vec<Warning>,
}

/// Reads `text` into the IR, reading referenced documents through `fetch`,
/// and returns the warnings too. Errors and warnings point into the file the
/// user wrote, also for parts that bundling copied in.
pub fn build(text: &str, origin: &str, fetch: &dyn Fetch) -> Result<Built, Error> {
    let doc = load::load_with(text, origin, fetch)?;
    let mut warnings = Vec::new();
    let api =
        operations::build_reporting(&doc, origin, &mut warnings).map_err(|e| doc.relocate(e))?;
    if let (bound, Some(deepest)) = typify::nesting_bound(&api.types) {
        if let Some(limit) = typify::recursion_limit(&api.types) {
            let def = api.types.iter().find(|t| t.name == deepest);
            let pointer = def
                .and_then(|d| d.schema.as_deref())
                .map(|s| format!("/components/schemas/{}", error::escape_pointer(s)))
                .unwrap_or_default();
            warnings.push(Warning::at(
                origin,
                pointer,
                format!(
                    "types nest up to {bound} levels deep from `{deepest}` (types holding types); the crate sets \
                     `#![recursion_limit = \"{limit}\"]`, and a crate using these types may need it too"
                ),
            ));
        }
    }
    let mut all: Vec<Warning> = doc.warnings.clone();
    all.extend(warnings.into_iter().map(|w| doc.relocate_warning(w)));
    Ok(Built { api, warnings: all })
}

/// Runs the whole pipeline on one document's text, in memory.
pub fn generate(text: &str, origin: &str, options: &Options) -> Result<GeneratedCrate, Error> {
    let api = build_api(text, origin)?;
    emit::emit_crate(&api, options)
}
