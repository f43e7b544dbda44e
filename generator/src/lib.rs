//! `chili-gen`: reads an OpenAPI 3.0 or 3.1 document and emits a typed async
//! Rust client crate.
//!
//! The flow runs one way: [`load`] (YAML/JSON, 3.1 lowered to what `openapiv3`
//! holds) -> [`typify`] and [`operations`] (build the [`ir::Api`]) -> [`emit`]
//! (tokens, formatted) -> [`write`] (atomically onto disk).

pub mod diff;
pub mod emit;
pub mod error;
pub mod ir;
pub mod load;
pub mod names;
pub mod operations;
pub mod pagination;
pub mod synth;
pub mod typify;
pub mod write;

use std::collections::BTreeMap;

pub use error::Error;

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
/// into the IR, naming everything by the generator's rules alone.
pub fn build_api(text: &str, origin: &str) -> Result<ir::Api, Error> {
    build_api_with(text, origin, &Naming::default())
}

/// What decides names besides the rules: the maintainer's names file and the
/// previous release, whose public names stay one more release when they change.
#[derive(Debug, Clone, Copy, Default)]
pub struct Naming<'a> {
    /// Names chosen in `spec/names.toml` (or `--names`).
    pub table: Option<&'a names::NameTable>,
    /// The IR of the previous release (`spec/api-ir.json`).
    pub baseline: Option<&'a ir::Api>,
    /// The document is the one `baseline` was built from: the release being
    /// made is the baseline's own, so its deprecated forwarders stay too.
    pub same_document: bool,
}

/// [`build_api`] with the names file and the previous release taken into
/// account (see [`names::remember_previous`]).
pub fn build_api_with(text: &str, origin: &str, naming: &Naming<'_>) -> Result<ir::Api, Error> {
    let doc = load::load(text, origin)?;
    let empty = names::NameTable::default();
    let mut api = operations::build(&doc, origin, naming.table.unwrap_or(&empty))?;
    if let Some(baseline) = naming.baseline {
        names::remember_previous(&mut api, baseline, naming.same_document);
    }
    Ok(api)
}

/// Runs the whole pipeline on one document's text, in memory.
pub fn generate(text: &str, origin: &str, options: &Options) -> Result<GeneratedCrate, Error> {
    let api = build_api(text, origin)?;
    emit::emit_crate(&api, options)
}
