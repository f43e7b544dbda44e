//! The project's tasks, run as `cargo xtask <command>`, laid out as
//! rust-analyzer lays out its own: the flags are declared in [`flags`], and
//! each command is a module (`regen`, `check`, `diff`, `generate`, ...).
//! Formats and rules (the baseline, the pin, the changelog, the next version)
//! live in the generator library (`chili_gen::baseline`,
//! `chili_gen::release`), where unit tests reach them; this crate does the
//! I/O and the orchestration.
//!
//! Everything runs through [`run`], with the workspace root passed in, so
//! tests can run the commands against a temporary root.

use std::fmt;
use std::path::Path;

use clap::error::ErrorKind;
use clap::Parser;

mod bench;
mod check;
pub mod cli;
mod conformance;
mod conformance_cli;
mod corpus;
mod diff;
mod fetch;
pub mod flags;
mod generate;
mod mutant;
mod project;
mod referenced;
mod regen;
mod scratch;
mod semver_audit;
mod upgrade_loop;

pub(crate) use chili_gen::release::package_version;
pub use generate::crate_name_from_title;

pub(crate) use fetch::{fetch, hex, short};
pub(crate) use project::{generate_crate, generator_error, project_names, resolve};

/// The document `regen` uses when no `--spec` is given, relative to the
/// workspace root: the mirror of the upstream Edge API document.
pub const DEFAULT_SPEC: &str = "../shared/spec/edge-api.yaml";
/// Where the committed client crate lives, relative to the workspace root.
pub const CLIENT_DIR: &str = "generated-client";
/// Where the runtime crate the generated clients depend on lives, relative
/// to the workspace root.
pub const RUNTIME_DIR: &str = "runtime";
/// The workspace lock file, relative to the workspace root.
pub const LOCK_FILE: &str = "Cargo.lock";
/// Where the pin lives, relative to the workspace root.
pub const PIN_FILE: &str = "spec/pin.json";
/// The IR of the pinned document (JSON, `chili_gen::baseline`), relative to
/// the workspace root: the baseline the next `regen` and `check` compare the
/// upstream document with, since upstream replaces its document in place and
/// the repository must not keep a copy of it.
pub const BASELINE_FILE: &str = "spec/api-ir.json";
/// Names a maintainer chose (operation id -> method, schema -> type), relative
/// to the workspace root; `regen` and `check` honour it when it exists.
pub const NAMES_FILE: &str = "spec/names.toml";
/// The changelog `regen` keeps inside the generated crate.
pub const CHANGELOG_FILE: &str = "CHANGELOG.md";
/// Cargo package name of the committed client.
pub const CLIENT_CRATE: &str = "chilipiper-edge";
/// Minimum Rust version of the committed client: the highest `rust-version`
/// in its locked dependency graph (`tests/tests/publish.rs` fails when a
/// dependency update needs more). Kept equal to the workspace's.
pub const CLIENT_RUST_VERSION: &str = "1.89";
/// Source repository, as in the workspace's `Cargo.toml`.
pub const REPOSITORY: &str = "https://github.com/chilipiper/chili-gen";
/// The Edge client README's cookbook: worked examples of everyday tasks, in
/// Markdown whose Rust blocks are doctests of the client.
const CLIENT_COOKBOOK: &str = include_str!("../../spec/cookbook.md");

/// The Edge API's publishing metadata and cookbook, for the generator.
pub fn client_package() -> chili_gen::Package {
    let strings = |items: &[&str]| items.iter().map(|s| s.to_string()).collect();
    chili_gen::Package {
        license: Some("MIT OR Apache-2.0".to_string()),
        repository: Some(REPOSITORY.to_string()),
        homepage: Some("https://fire.chilipiper.com/api/fire-edge".to_string()),
        keywords: strings(&["chilipiper", "scheduling", "api-client", "openapi", "sdk"]),
        categories: strings(&["api-bindings", "web-programming::http-client"]),
        rust_version: Some(CLIENT_RUST_VERSION.to_string()),
        cookbook: Some(CLIENT_COOKBOOK.to_string()),
    }
}

/// How a command that ran to the end went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    /// Done, or everything is up to date (exit 0).
    Ok,
    /// `check` found the committed state out of date (exit 1).
    Stale,
    /// `diff --fail-on` found what it names (exit 1; the report is the
    /// message, printed on stdout like [`Status::Ok`]).
    Found,
}

/// The result of a command that ran to the end: its status and what to
/// print (on stdout when [`Status::Ok`] or [`Status::Found`], on stderr when
/// [`Status::Stale`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// How it went.
    pub status: Status,
    /// What to print.
    pub message: String,
}

impl Outcome {
    /// The process exit code for this outcome.
    pub fn exit_code(&self) -> u8 {
        match self.status {
            Status::Ok => 0,
            Status::Stale | Status::Found => 1,
        }
    }

    fn ok(message: String) -> Outcome {
        Outcome {
            status: Status::Ok,
            message,
        }
    }

    fn stale(message: String) -> Outcome {
        Outcome {
            status: Status::Stale,
            message,
        }
    }
}

/// Why a command could not run. Both kinds exit with code 2.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// The command line is wrong: clap's message, naming the flag or value at
    /// fault, followed by the usage line.
    Usage(String),
    /// The command could not do its work (I/O, network, generator).
    Failed(String),
}

impl Error {
    /// The process exit code for an error.
    pub fn exit_code(&self) -> u8 {
        2
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Usage(message) | Error::Failed(message) => f.write_str(message),
        }
    }
}

impl std::error::Error for Error {}

pub(crate) fn failed(message: impl Into<String>) -> Error {
    Error::Failed(message.into())
}

/// Runs one command. `args` are the arguments after the program name
/// (`["check"]`, `["regen", "--spec", "x.yaml"]`); `root` is the workspace root.
/// `--help` and `help` give the help text as an [`Outcome`].
pub fn run(args: &[String], root: &Path) -> Result<Outcome, Error> {
    let argv = std::iter::once("xtask").chain(args.iter().map(String::as_str));
    let flags = match flags::Xtask::try_parse_from(argv) {
        Ok(flags) => flags,
        Err(e) if e.kind() == ErrorKind::DisplayHelp => {
            return Ok(Outcome::ok(e.render().to_string().trim_end().to_string()))
        }
        Err(e) => return Err(Error::Usage(e.render().to_string().trim_end().to_string())),
    };
    use flags::Command;
    match flags.command {
        Command::Regen(f) => regen::regen(root, f.spec.as_deref()),
        Command::Check(f) => check::check(root, f.spec.as_deref()),
        Command::Diff(f) => diff::diff(root, &f),
        Command::Generate(f) => generate::generate(root, &f),
        Command::Corpus => corpus::corpus(root),
        Command::Bench(f) => bench::bench(root, f.spec.as_deref(), f.peer.as_deref()),
        Command::Mutant => mutant::mutant(root),
        Command::Conformance(f) => conformance::conformance(root, f.spec.as_deref()),
        Command::UpgradeLoop => upgrade_loop::upgrade_loop(root),
        Command::SemverAudit => semver_audit::semver_audit(root),
    }
}
