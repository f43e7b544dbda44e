//! `chili-gen`: reads an OpenAPI 3.0 or 3.1 document and emits a typed async
//! Rust client crate.
//!
//! The flow runs one way: [`load`] (YAML/JSON, 3.1 lowered to what `openapiv3`
//! holds) -> [`typify`] and [`operations`] (build the [`ir::Api`]) -> [`emit`]
//! (tokens, formatted) -> [`write`] (atomically onto disk).

pub mod baseline;
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
pub mod quirks;
pub mod release;
pub mod sanitize;
pub mod synth;
pub mod typify;
pub mod walk;
pub mod write;

use std::collections::BTreeMap;

pub use bundle::{Fetch, FileFetch};
pub use error::{Error, Warning};

/// The version of the `chili-runtime` crate that generated code is written
/// against; generated crates require it with a caret (`"0.1.0"` accepts any
/// `0.1.x` from `0.1.0` on). It moves with `runtime/Cargo.toml` (a test
/// checks they agree). A runtime release that only adds what new generated
/// code calls is a patch (0.2.0 -> 0.2.1: older generated crates still build
/// against it, newer ones require it); one that breaks older generated code
/// is a new minor version (while 0.x). Either comes with a generator release
/// writing it.
pub const RUNTIME_VERSION: &str = "0.2.1";

/// How to name and shape the emitted crate.
#[derive(Debug, Clone)]
pub struct Options {
    /// Cargo package name, e.g. `chilipiper-edge`.
    pub crate_name: String,
    /// Cargo package version.
    pub crate_version: String,
    /// Environment variable `Client::from_env()` reads the token from.
    pub token_env_var: String,
    /// Name of the tracing span of each call, e.g. `chilipiper.request`.
    pub span_name: String,
    /// Where the `chili-runtime` crate is, relative to the generated crate's
    /// directory (`../runtime` for the committed client). `None` depends on
    /// the published version alone.
    pub runtime_path: Option<String>,
    /// Emit an empty `[workspace]` table so the crate builds on its own even
    /// when placed under another workspace's directory.
    pub standalone: bool,
    /// Publishing metadata of `Cargo.toml` and the README's per-API cookbook.
    pub package: Package,
}

/// What a crate needs on crates.io and docs.rs beyond its code: values that
/// belong to one API (its repository, keywords), so the caller supplies them.
/// `documentation` (docs.rs) and `readme` (the generated `README.md`) are
/// always written; an unset field is left out of `Cargo.toml`.
#[derive(Debug, Clone, Default)]
pub struct Package {
    /// SPDX license expression, e.g. `MIT OR Apache-2.0`.
    pub license: Option<String>,
    /// Source repository URL.
    pub repository: Option<String>,
    /// Homepage URL (the API's documentation, for instance).
    pub homepage: Option<String>,
    /// crates.io keywords (at most 5).
    pub keywords: Vec<String>,
    /// crates.io category slugs.
    pub categories: Vec<String>,
    /// Minimum supported Rust version: no lower than what the dependency
    /// graph requires (the caller computes or checks it).
    pub rust_version: Option<String>,
    /// Markdown inserted into the generated `README.md` (and so the crate's
    /// docs.rs front page) after the quick start: worked examples for this
    /// API. Its Rust blocks are doctests, so they must compile.
    pub cookbook: Option<String>,
}

impl Options {
    /// Options for a crate called `crate_name`, with the token variable and
    /// span name derived from the name's first word (`chilipiper-edge` ->
    /// `CHILIPIPER_API_KEY`, `chilipiper.request`), depending on the
    /// published runtime.
    pub fn new(crate_name: &str) -> Options {
        let first = crate_name.split(['-', '_']).next().unwrap_or(crate_name);
        Options {
            crate_name: crate_name.to_string(),
            crate_version: "0.1.0".to_string(),
            token_env_var: format!("{}_API_KEY", first.to_uppercase()),
            span_name: format!("{}.request", first.to_lowercase()),
            runtime_path: None,
            standalone: false,
            package: Package::default(),
        }
    }

    /// Depends on the runtime crate in `runtime_dir` for a crate written to
    /// `crate_dir` (both absolute, or both relative to the same directory),
    /// by a relative path so the pair can move together.
    pub fn with_runtime_at(
        mut self,
        crate_dir: &std::path::Path,
        runtime_dir: &std::path::Path,
    ) -> Options {
        self.runtime_path = Some(relative_path(crate_dir, runtime_dir));
        self
    }
}

/// The path from directory `from` to `to`, with `/` separators: `..` up to
/// their common ancestor, then down. Both are taken lexically (no symlinks
/// resolved), so both should be absolute or relative to the same directory.
pub fn relative_path(from: &std::path::Path, to: &std::path::Path) -> String {
    use std::path::Component;
    let parts = |p: &std::path::Path| -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for c in p.components() {
            match c {
                Component::CurDir => {}
                Component::ParentDir if out.last().is_some_and(|l| l != "..") => {
                    out.pop();
                }
                other => out.push(other.as_os_str().to_string_lossy().into_owned()),
            }
        }
        out
    };
    let (from, to) = (parts(from), parts(to));
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut out: Vec<String> = vec!["..".to_string(); from.len() - common];
    out.extend(to[common..].iter().cloned());
    if out.is_empty() {
        ".".to_string()
    } else {
        out.join("/")
    }
}

/// The files of a generated crate, keyed by path relative to the crate root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedCrate {
    pub files: BTreeMap<String, String>,
}

/// Reads `text` (a document whose origin, for error messages, is `origin`)
/// into the IR, naming everything by the generator's rules alone. References
/// to other files are read from disk, relative to `origin`; warnings are
/// dropped (see [`build`]).
pub fn build_api(text: &str, origin: &str) -> Result<ir::Api, Error> {
    build_api_with(text, origin, &Naming::default())
}

/// What decides names besides the rules: the maintainer's names file and the
/// previous release, whose public names stay as deprecated forwarders when
/// they change, until the next breaking release.
#[derive(Debug, Clone, Copy, Default)]
pub struct Naming<'a> {
    /// Names chosen in `spec/names.toml` (or `--names`).
    pub table: Option<&'a names::NameTable>,
    /// The IR of the previous release (`spec/api-ir.json`).
    pub baseline: Option<&'a ir::Api>,
    /// Carry the baseline's own deprecated forwarders and aliases into this
    /// release too: when the document is the one `baseline` was built from
    /// (the release being made is the baseline's own), or when the release
    /// breaks nothing else ([`build_release`] decides).
    pub keep_forwarders: bool,
}

/// The IR of the release that follows `naming.baseline`, with its drift
/// report. Deprecated forwarders follow semver: they stay through compatible
/// releases and go at the next breaking one, so a compatible upstream release
/// never breaks code that still calls an old name. Decided here once, for
/// `regen` and `check` alike.
/// Referenced documents are read through `fetch`.
pub fn build_release(
    text: &str,
    origin: &str,
    fetch: &dyn Fetch,
    naming: &Naming<'_>,
) -> Result<(ir::Api, Option<diff::Report>), Error> {
    let keeping = Naming {
        keep_forwarders: true,
        ..*naming
    };
    let api = build(text, origin, fetch, &keeping)?.api;
    let Some(baseline) = naming.baseline else {
        return Ok((api, None));
    };
    let report = diff::diff(baseline, &api);
    if naming.keep_forwarders || report.severity() != Some(diff::Severity::Breaking) {
        return Ok((api, Some(report)));
    }
    // Breaking anyway: this is the release where the old names go.
    let api = build(text, origin, fetch, naming)?.api;
    let report = diff::diff(baseline, &api);
    Ok((api, Some(report)))
}

/// [`build_api`] with the names file and the previous release taken into
/// account (see [`names::remember_previous`]).
pub fn build_api_with(text: &str, origin: &str, naming: &Naming<'_>) -> Result<ir::Api, Error> {
    build(text, origin, &FileFetch, naming).map(|built| built.api)
}

/// An API read from a document, and what the generator read past in it.
#[derive(Debug, Clone)]
pub struct Built {
    /// The IR.
    pub api: ir::Api,
    /// Values dropped or converted, schemas read as `serde_json::Value`; each
    /// names its file and JSON pointer.
    pub warnings: Vec<Warning>,
}

/// Reads `text` into the IR, reading referenced documents through `fetch`
/// and naming as `naming` says, and returns the warnings too. Errors and
/// warnings point into the file the user wrote, also for parts that bundling
/// copied in.
pub fn build(
    text: &str,
    origin: &str,
    fetch: &dyn Fetch,
    naming: &Naming<'_>,
) -> Result<Built, Error> {
    let doc = load::load_with(text, origin, fetch)?;
    let mut warnings = Vec::new();
    let empty = names::NameTable::default();
    let mut api =
        operations::build_reporting(&doc, origin, naming.table.unwrap_or(&empty), &mut warnings)
            .map_err(|e| doc.relocate(e))?;
    api.sources = doc.sources();
    if let Some(baseline) = naming.baseline {
        names::remember_previous(&mut api, baseline, naming.keep_forwarders);
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn runtime_version_is_the_runtime_crates() {
        let manifest = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../runtime/Cargo.toml"
        ))
        .unwrap();
        let package = manifest
            .split("[package]")
            .nth(1)
            .unwrap()
            .split("\n[")
            .next()
            .unwrap();
        let version = package
            .lines()
            .find_map(|l| l.strip_prefix("version = "))
            .unwrap()
            .trim_matches('"');
        assert_eq!(
            RUNTIME_VERSION, version,
            "generated crates must require the runtime they are written for"
        );
    }

    #[test]
    fn relative_paths() {
        let cases = [
            ("generated-client", "runtime", "../runtime"),
            (
                "/w/target/corpus/petstore",
                "/w/runtime",
                "../../../runtime",
            ),
            ("/w/out/./x/../pets", "/w/runtime", "../../runtime"),
            ("/w/a", "/w/a/b", "b"),
            ("/w/a", "/w/a", "."),
            ("/w", "/elsewhere/runtime", "../elsewhere/runtime"),
        ];
        for (from, to, expected) in cases {
            assert_eq!(
                relative_path(Path::new(from), Path::new(to)),
                expected,
                "{from} -> {to}"
            );
        }
    }

    #[test]
    fn the_runtime_dependency_is_a_version_and_optionally_a_path() {
        let api = build_api(
            "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths: {}\n",
            "t.yaml",
        )
        .unwrap();
        let published = emit::emit_crate(&api, &Options::new("t-client")).unwrap();
        assert!(published.files["Cargo.toml"]
            .contains(&format!("\nchili-runtime = \"{RUNTIME_VERSION}\"\n")));
        let options = Options::new("t-client")
            .with_runtime_at(Path::new("/w/out/t"), Path::new("/w/runtime"));
        let local = emit::emit_crate(&api, &options).unwrap();
        let expected = format!(
            "\nchili-runtime = {{ version = \"{RUNTIME_VERSION}\", path = \"../../runtime\" }}\n"
        );
        assert!(
            local.files["Cargo.toml"].contains(&expected),
            "{}",
            local.files["Cargo.toml"]
        );
        assert!(
            local
                .files
                .keys()
                .all(|path| !path.starts_with("src/runtime")),
            "no runtime copied in"
        );
    }

    #[test]
    fn publishing_metadata_and_the_readme_come_from_the_options() {
        let api = build_api(
            "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths: {}\n",
            "t.yaml",
        )
        .unwrap();
        let bare = emit::emit_crate(&api, &Options::new("t-client")).unwrap();
        let toml = &bare.files["Cargo.toml"];
        assert!(!toml.contains("publish"), "{toml}");
        assert!(
            !toml.contains("license"),
            "no license unless the caller gives one"
        );
        assert!(toml.contains("documentation = \"https://docs.rs/t-client\""));
        assert!(toml.contains("readme = \"README.md\""));
        assert!(bare.files["README.md"].starts_with("# `t-client`"));
        assert!(bare.files["src/lib.rs"].contains("#![doc = include_str!(\"../README.md\")]"));

        let mut options = Options::new("t-client");
        options.package = Package {
            license: Some("MIT".into()),
            repository: Some("https://example.com/t".into()),
            homepage: None,
            keywords: vec!["t".into(), "api".into()],
            categories: vec!["api-bindings".into()],
            rust_version: Some("1.89".into()),
            cookbook: Some("## Cookbook\n\nTask one.\n".into()),
        };
        let full = emit::emit_crate(&api, &options).unwrap();
        let toml = &full.files["Cargo.toml"];
        for line in [
            "rust-version = \"1.89\"",
            "license = \"MIT\"",
            "repository = \"https://example.com/t\"",
            "keywords = [\"t\", \"api\"]",
            "categories = [\"api-bindings\"]",
            "[package.metadata.docs.rs]",
        ] {
            assert!(toml.contains(line), "{line} missing from\n{toml}");
        }
        assert!(full.files["README.md"].contains("## Cookbook\n\nTask one.\n"));
    }
}
