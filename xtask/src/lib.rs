//! The project's tasks, run as `cargo xtask <command>`:
//!
//! - `regen`: generate `generated-client/` from the Edge API document, pin
//!   the document (source, version, sha256) in `spec/pin.json` and its IR in
//!   `spec/api-ir.json`, and record what changed since the previous pin in
//!   `generated-client/CHANGELOG.md`, bumping the crate version by semver;
//! - `check`: the drift gate. Fails with a report of what changed (see
//!   [`chili_gen::diff`]) when the upstream document moved on from the pin,
//!   and fails when `generated-client/` is not exactly what the generator
//!   writes for the pinned document;
//! - `diff`: the drift report between any two documents, Markdown or JSON;
//! - `generate`: generate a standalone client crate for any document;
//! - `bench`: print the measurements recorded in BENCHMARKS.md.
//!
//! Everything lives in this library, with the workspace root passed in, so
//! tests can run the commands against a temporary root.

use std::fmt;
use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};
use std::time::Duration;

mod bench;
pub mod cli;
mod conformance;
mod conformance_cli;
mod corpus;
mod mutant;
mod referenced;
mod scratch;
mod semver_audit;
mod upgrade_loop;

use chili_gen::diff::{diff, next_version, Report};
use chili_gen::ir::Api;
use chili_gen::names::NameTable;
use chili_gen::write::{diff_dir, write_crate, DiffKind, FileDiff, GENERATOR};
use chili_gen::{GeneratedCrate, Naming, Options};
use sha2::{Digest, Sha256};

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
/// The IR of the pinned document (JSON), relative to the workspace root: the
/// baseline the next `regen` and `check` compare the upstream document with,
/// since upstream replaces its document in place and the repository must not
/// keep a copy of it.
pub const BASELINE_FILE: &str = "spec/api-ir.json";
/// Names a maintainer chose (operation id -> method, schema -> type), relative
/// to the workspace root; `regen` and `check` honour it when it exists.
pub const NAMES_FILE: &str = "spec/names.toml";
/// The changelog `regen` keeps inside the generated crate.
pub const CHANGELOG_FILE: &str = "CHANGELOG.md";
/// Version of a generated crate that has no version yet.
const FIRST_VERSION: &str = "0.1.0";
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

/// How many differing files `check` lists before summarising the rest.
const MAX_LISTED: usize = 20;

/// The help text, also shown after every usage error.
pub const USAGE: &str = "\
usage: cargo xtask <command> [options]

commands:
  regen [--spec PATH|URL]
      Generate generated-client/ from the document (default ../shared/spec/edge-api.yaml),
      pin its source, title, version and sha256 in spec/pin.json and its IR in
      spec/api-ir.json, and record what changed since the previous pin as a new entry of
      generated-client/CHANGELOG.md, bumping the crate version (breaking: next breaking
      version; otherwise the next patch of 0.x, minor of 1.x and later). Names chosen in
      spec/names.toml win over the generator's; a public method, builder or type whose name
      changed since the previous pin stays one release as a deprecated forwarder or alias.
  check [--spec PATH|URL]
      The drift gate. Fail with a report of what changed if the upstream document (the
      pinned source, or --spec) is no longer the pinned one, and fail if generated-client/
      differs from what the generator writes for the pinned document.
  diff OLD NEW [--format markdown|json] [--fail-on breaking|any] [--names FILE]
      Report what changed between two documents (paths, URLs, or a spec/api-ir.json
      baseline), as a user of the generated client sees it: each change breaking or
      compatible, with the reason. --fail-on breaking exits 1 if any change is breaking.
      --names applies a names file (like spec/names.toml) to both documents.
  generate --spec PATH|URL --out DIR [--name CRATE] [--names FILE] [--runtime DIR|published]
      Generate a standalone client crate for any OpenAPI 3.0/3.1 document into DIR
      (replaced whole). CRATE defaults to the document title in kebab-case. FILE chooses
      method and type names as spec/names.toml does for the committed client. The crate
      depends on chili-runtime by a relative path to DIR (default: this workspace's
      runtime/), or, with `--runtime published`, on its crates.io version only.
  corpus
      Generate a client for each real-world document in ../shared/corpus (and
      tests/fixtures) and compile them all under clippy with warnings denied.
  bench [--spec PATH]
      Print benchmark results: bare YAML parse vs regen time, generated crate size,
      and its rebuild time after a touch (runs itself in release mode).
  mutant
      Break one field's wire name in a copy of the generated client and check that the
      conformance decode tests fail on it (the suite catches generator bugs).
  conformance [--spec PATH]
      Run the generated client's conformance tests against Prism (installed with npm into
      target/prism, pinned) on a free port of 127.0.0.1: static examples once, then dynamic
      payloads with several seeds; print operations exercised, union variants decoded
      (from Prism, or from payloads synthesized from the document) and Prism's own failures.
  upgrade-loop
      Replay real upstream releases (1.494.0 -> 1.495.0, compatible; 1.287.2 -> 1.494.0,
      breaking) in a scratch copy of the repository beside a scratch ../shared: check fails
      with the report, regen bumps the version and writes the changelog, the client's and
      the workspace's tests pass (--locked), check passes, a second regen changes no byte.
  semver-audit
      For every pair of ../shared/spec/pairs.txt, run cargo-semver-checks on the two
      generated clients and check that the drift report names every item it flags; write
      the table to spec/SEMVER-AUDIT.md. Skips with a message when cargo-semver-checks is
      not installed.
  help
      Show this text.

A document is a file path, a file:// URL or an http(s):// URL. Relative paths,
for --spec and --out alike, are taken from the workspace root.
Exit status: 0 ok, 1 check found the committed state out of date, diff found what
--fail-on names or semver-audit found a disagreement, 2 error.";

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
    pub status: Status,
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
    /// The command line is wrong; displayed with [`USAGE`] after it.
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
            Error::Usage(message) => write!(f, "{message}\n\n{USAGE}"),
            Error::Failed(message) => f.write_str(message),
        }
    }
}

impl std::error::Error for Error {}

fn usage(message: impl Into<String>) -> Error {
    Error::Usage(message.into())
}

pub(crate) fn failed(message: impl Into<String>) -> Error {
    Error::Failed(message.into())
}

/// Runs one command. `args` are the arguments after the program name
/// (`["check"]`, `["regen", "--spec", "x.yaml"]`); `root` is the workspace root.
pub fn run(args: &[String], root: &Path) -> Result<Outcome, Error> {
    let Some((command, rest)) = args.split_first() else {
        return Err(usage("no command given"));
    };
    if matches!(command.as_str(), "help" | "-h" | "--help")
        || rest.iter().any(|a| a == "-h" || a == "--help")
    {
        return Ok(Outcome::ok(USAGE.to_string()));
    }
    match command.as_str() {
        "regen" => {
            let flags = Flags::parse(command, rest, &["--spec"])?;
            regen(root, flags.get("--spec"))
        }
        "check" => {
            let flags = Flags::parse(command, rest, &["--spec"])?;
            check(root, flags.get("--spec"))
        }
        "generate" => {
            let flags = Flags::parse(
                command,
                rest,
                &["--spec", "--out", "--name", "--names", "--runtime"],
            )?;
            let spec = flags.require(command, "--spec")?;
            let out = flags.require(command, "--out")?;
            generate(
                root,
                spec,
                out,
                flags.get("--name"),
                flags.get("--names"),
                flags.get("--runtime"),
            )
        }
        "diff" => {
            let (positional, flags) = split_positional(rest);
            let flags = Flags::parse(command, &flags, &["--format", "--fail-on", "--names"])?;
            let [old, new] = positional.as_slice() else {
                return Err(usage(format!(
                    "`diff` takes two documents, OLD and NEW; got {}",
                    positional.len()
                )));
            };
            let format = match flags.get("--format").unwrap_or("markdown") {
                "markdown" | "md" => Format::Markdown,
                "json" => Format::Json,
                other => {
                    return Err(usage(format!(
                        "`--format` is `markdown` or `json`, not `{other}`"
                    )))
                }
            };
            let fail_on = match flags.get("--fail-on") {
                None => None,
                Some("breaking") => Some(FailOn::Breaking),
                Some("any") => Some(FailOn::Any),
                Some(other) => {
                    return Err(usage(format!(
                        "`--fail-on` is `breaking` or `any`, not `{other}`"
                    )))
                }
            };
            let names = flags
                .get("--names")
                .map(|path| read_names(root, path))
                .transpose()?;
            diff_command(root, old, new, format, fail_on, names.as_ref())
        }
        "corpus" => {
            Flags::parse(command, rest, &[])?;
            corpus::corpus(root)
        }
        "mutant" => {
            Flags::parse(command, rest, &[])?;
            mutant::mutant(root)
        }
        "conformance" => {
            let flags = Flags::parse(command, rest, &["--spec"])?;
            conformance::conformance(root, flags.get("--spec"))
        }
        "upgrade-loop" => {
            Flags::parse(command, rest, &[])?;
            upgrade_loop::upgrade_loop(root)
        }
        "semver-audit" => {
            Flags::parse(command, rest, &[])?;
            semver_audit::semver_audit(root)
        }
        "bench" => {
            let flags = Flags::parse(command, rest, &["--spec"])?;
            bench::bench(root, flags.get("--spec"))
        }
        other => Err(usage(format!("unknown command `{other}`"))),
    }
}

/// Splits `args` into positional arguments and `--flag value` pairs (in the
/// order given, for [`Flags::parse`]).
fn split_positional(args: &[String]) -> (Vec<String>, Vec<String>) {
    let (mut positional, mut flags) = (Vec::new(), Vec::new());
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        if arg.starts_with("--") {
            flags.push(arg.clone());
            if !arg.contains('=') {
                if let Some(value) = args.next() {
                    flags.push(value.clone());
                }
            }
        } else {
            positional.push(arg.clone());
        }
    }
    (positional, flags)
}

/// `--flag value` / `--flag=value` options, each given at most once.
struct Flags(Vec<(String, String)>);

impl Flags {
    fn parse(command: &str, args: &[String], allowed: &[&str]) -> Result<Flags, Error> {
        let mut flags: Vec<(String, String)> = Vec::new();
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            let (name, inline) = match arg.split_once('=') {
                Some((name, value)) if name.starts_with("--") => (name, Some(value.to_string())),
                _ => (arg.as_str(), None),
            };
            if !allowed.contains(&name) {
                return Err(usage(if name.starts_with('-') {
                    format!("`{command}` has no option `{name}`")
                } else {
                    format!("unexpected argument `{arg}` for `{command}`")
                }));
            }
            let value = match inline {
                Some(value) => value,
                None => match args.next() {
                    Some(value) if !value.starts_with("--") => value.clone(),
                    _ => return Err(usage(format!("`{name}` needs a value"))),
                },
            };
            if value.is_empty() {
                return Err(usage(format!("`{name}` needs a non-empty value")));
            }
            if flags.iter().any(|(n, _)| n == name) {
                return Err(usage(format!("`{name}` given more than once")));
            }
            flags.push((name.to_string(), value));
        }
        Ok(Flags(flags))
    }

    fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    fn require(&self, command: &str, name: &str) -> Result<&str, Error> {
        self.get(name)
            .ok_or_else(|| usage(format!("`{command}` needs `{name}`")))
    }
}

// ---------------------------------------------------------------------------
// Commands

fn regen(root: &Path, spec: Option<&str>) -> Result<Outcome, Error> {
    let source = spec.unwrap_or(DEFAULT_SPEC);
    let doc = fetch(source, root)?;
    let committed = Committed::read(root)?;
    let names = project_names(root)?;
    // Same bytes as pinned: this regeneration remakes the pinned release
    // (generator or names changed), whose forwarders stay.
    let same_document = Pin::read(root).is_ok_and(|pin| pin.sha256 == doc.sha256);
    let naming = Naming {
        table: names.as_ref(),
        baseline: committed.baseline.as_ref(),
        same_document,
    };
    let api = chili_gen::build_api_with(&doc.text, source, &naming).map_err(|e| {
        failed(format!(
            "{e}\nnothing was written: {CLIENT_DIR}/, {PIN_FILE} and {BASELINE_FILE} are as they were"
        ))
    })?;
    let client = root.join(CLIENT_DIR);
    let report = committed.baseline.as_ref().map(|old| diff(old, &api));
    let release = Release::plan(&committed, report.as_ref(), &api, same_document)?;
    let krate = client_crate(&api, source, &release)?;
    // Emitted before anything is written, so a failure leaves both crates intact.
    let cli_krate = cli::cli_crate(&api, &release.version)?;

    let diffs = diff_dir(&client, &krate)
        .map_err(|e| failed(format!("cannot compare with {CLIENT_DIR}/: {e}")))?;
    // Rewriting identical files would only bump mtimes and rebuild the client.
    if !diffs.is_empty() {
        write_crate(&client, &krate)
            .map_err(|e| failed(format!("cannot write {CLIENT_DIR}/: {e}")))?;
    }
    let cli_changed = cli::write(root, &cli_krate)?;

    let baseline_changed = write_if_changed(&root.join(BASELINE_FILE), &baseline_json(&api))
        .map_err(|e| failed(format!("cannot write {BASELINE_FILE}: {e}")))?;
    let pin = Pin {
        source: source.to_string(),
        title: api.title.clone(),
        version: api.version.clone(),
        sha256: doc.sha256,
        generator: GENERATOR.to_string(),
    };
    let pin_changed = write_if_changed(&root.join(PIN_FILE), &pin.to_json())
        .map_err(|e| failed(format!("cannot write {PIN_FILE}: {e}")))?;

    // The client's version is in the workspace lock file too: leaving the old
    // one there would make the first build rewrite it and `--locked` fail.
    // The CLI carries the client's version, so its lock entry moves too.
    let mut lock_changed = false;
    for package in [CLIENT_CRATE, cli::CLI_CRATE] {
        lock_changed |= sync_lock_version(&root.join(LOCK_FILE), package, &release.version)
            .map_err(|e| failed(format!("cannot update {LOCK_FILE}: {e}")))?;
    }

    let client_line = if diffs.is_empty() {
        format!("{} files, all up to date", krate.files.len())
    } else {
        format!(
            "{} files written, {} changed",
            krate.files.len(),
            diffs.len()
        )
    };
    let changes_line = match &report {
        None => format!("no baseline ({BASELINE_FILE}) to compare with; this is the first"),
        Some(r) if r.is_empty() => format!("none since version {}", r.old_version),
        Some(r) => format!(
            "{} breaking, {} compatible since version {} (new entry in {CLIENT_DIR}/{CHANGELOG_FILE})",
            r.count(chili_gen::diff::Severity::Breaking),
            r.count(chili_gen::diff::Severity::Compatible),
            r.old_version
        ),
    };
    let crate_line = if release.version == committed.version {
        format!("{CLIENT_CRATE} {}", release.version)
    } else {
        format!(
            "{CLIENT_CRATE} {} -> {}",
            committed.version, release.version
        )
    };
    Ok(Outcome::ok(format!(
        "spec:    {}\n\
         title:   {} (version {})\n\
         sha256:  {}\n\
         changes: {changes_line}\n\
         crate:   {crate_line}\n\
         client:  {CLIENT_DIR}/: {client_line}\n\
         cli:     {}/: {} files, {cli_changed} changed\n\
         pin:     {PIN_FILE} {}, {BASELINE_FILE} {}, {LOCK_FILE} {}{}",
        pin.source,
        pin.title,
        pin.version,
        pin.sha256,
        cli::CLI_DIR,
        cli_krate.files.len(),
        if pin_changed { "updated" } else { "unchanged" },
        if baseline_changed {
            "updated"
        } else {
            "unchanged"
        },
        if lock_changed { "updated" } else { "unchanged" },
        names_lines(names.as_ref(), &api),
    )))
}

fn check(root: &Path, spec: Option<&str>) -> Result<Outcome, Error> {
    let pin = Pin::read(root)?;
    let source = spec.unwrap_or(&pin.source);
    let doc = fetch(source, root)?;
    let committed = Committed::read(root)?;
    let names = project_names(root)?;
    if doc.sha256 != pin.sha256 {
        let regen = match spec {
            Some(spec) => format!("cargo xtask regen --spec {spec}"),
            None => "cargo xtask regen".to_string(),
        };
        return Ok(Outcome::stale(drift_message(
            source,
            &pin,
            &doc,
            &committed,
            names.as_ref(),
            &regen,
        )));
    }

    let naming = Naming {
        table: names.as_ref(),
        baseline: committed.baseline.as_ref(),
        same_document: true,
    };
    let api = chili_gen::build_api_with(&doc.text, source, &naming).map_err(generator_error)?;
    // The baseline must be what regen records for the pinned document, or the
    // next drift report would compare against something else.
    let expected = baseline_json(&api);
    if committed.baseline_text.as_deref() != Some(expected.as_str()) {
        let mut text = match &committed.baseline {
            None => format!("{BASELINE_FILE} does not exist"),
            Some(old) => {
                let report = diff(old, &api);
                if report.is_empty() {
                    format!("{BASELINE_FILE} is not what regen writes for the pinned document")
                } else {
                    format!(
                        "{BASELINE_FILE} does not match the pinned document as the generator now reads it:\n\n{}",
                        report.to_markdown()
                    )
                }
            }
        };
        text.push_str("\nfix: run `cargo xtask regen` and commit the result");
        return Ok(Outcome::stale(text));
    }

    // The changelog and the crate version are history, not a function of the
    // document: compare with the committed ones, as regen keeps them.
    let release = Release::plan(&committed, None, &api, true)?;
    let krate = client_crate(&api, source, &release)?;
    let diffs = diff_dir(&root.join(CLIENT_DIR), &krate)
        .map_err(|e| failed(format!("cannot read {CLIENT_DIR}/: {e}")))?;
    let cli_diffs = cli::diffs(root, &cli::cli_crate(&api, &release.version)?)?;
    if !cli_diffs.is_empty() && diffs.is_empty() {
        return Ok(Outcome::stale(diff_summary(source, &cli_diffs).replacen(
            CLIENT_DIR,
            cli::CLI_DIR,
            1,
        )));
    }
    if diffs.is_empty() {
        return Ok(Outcome::ok(format!(
            "ok: {CLIENT_DIR}/ and {}/ are what the generator writes for {source} \
             (version {}, sha {}){}",
            cli::CLI_DIR,
            pin.version,
            short(&pin.sha256),
            names_lines(names.as_ref(), &api),
        )));
    }
    Ok(Outcome::stale(diff_summary(source, &diffs)))
}

/// What `check` says when the upstream document is no longer the pinned one:
/// which versions, the drift report, and what to do. What regen would do is
/// worked out the way regen does it, in memory, so the advice is true: a
/// document regen would refuse is reported as refused, with where it breaks.
fn drift_message(
    source: &str,
    pin: &Pin,
    doc: &Document,
    committed: &Committed,
    names: Option<&NameTable>,
    regen: &str,
) -> String {
    // Named and planned as regen will, so the report is the one regen records.
    let naming = Naming {
        table: names,
        baseline: committed.baseline.as_ref(),
        same_document: false,
    };
    let planned = chili_gen::build_api_with(&doc.text, source, &naming)
        .map_err(generator_error)
        .and_then(|api| {
            let report = committed.baseline.as_ref().map(|old| diff(old, &api));
            let release = Release::plan(committed, report.as_ref(), &api, false)?;
            client_crate(&api, source, &release)?;
            Ok((api, report, release))
        });
    let now = match &planned {
        Ok((api, _, _)) => format!("version {}", api.version),
        Err(_) => stated_version(&doc.text),
    };
    let mut text = format!(
        "the document at {source} changed since it was pinned \
         (pinned version {} sha {}, now {now} sha {})",
        pin.version,
        short(&pin.sha256),
        short(&doc.sha256),
    );
    match planned {
        Err(e) => text.push_str(&format!(
            ".\n\n`{regen}` would refuse it and change nothing ({CLIENT_DIR}/, {PIN_FILE} and \
             {BASELINE_FILE} stay as they are):\n  {e}\n\n\
             fix: the document itself is broken at the place named above, so there is nothing to \
             regenerate yet. Report it upstream; this gate stays red until a document that loads \
             is published (or pin one that does with `cargo xtask regen --spec PATH|URL`)."
        )),
        Ok((_, None, _)) => text.push_str(&format!(
            "; there is no {BASELINE_FILE} to report what changed against\n\
             \nfix: run `{regen}` and commit (it starts the baseline and the changelog)"
        )),
        Ok((_, Some(report), release)) => {
            text.push_str(":\n\n");
            text.push_str(&report.to_markdown());
            text.push_str(&format!("\nfix: run `{regen}` and commit"));
            if release.version != committed.version {
                text.push_str(&format!(
                    " (review the report above: it becomes the {CLIENT_CRATE} {} entry of \
                     {CLIENT_DIR}/{CHANGELOG_FILE}, up from {})",
                    release.version, committed.version
                ));
            } else {
                text.push_str(" (review the report above)");
            }
        }
    }
    text
}

/// The version a document states, for a message about a document the
/// generator cannot load: `version 1.2.3`, or why there is none.
fn stated_version(text: &str) -> String {
    match yaml_serde::from_str::<serde_json::Value>(text) {
        Err(_) => "text that is not YAML or JSON".to_string(),
        Ok(value) => match value.pointer("/info/version").and_then(|v| v.as_str()) {
            Some(version) => format!("version {version}"),
            None => "a document without `info.version`".to_string(),
        },
    }
}

/// How `diff` prints its report.
#[derive(Debug, Clone, Copy)]
enum Format {
    Markdown,
    Json,
}

/// What makes `diff` exit 1.
#[derive(Debug, Clone, Copy)]
enum FailOn {
    Breaking,
    Any,
}

fn diff_command(
    root: &Path,
    old: &str,
    new: &str,
    format: Format,
    fail_on: Option<FailOn>,
    names: Option<&NameTable>,
) -> Result<Outcome, Error> {
    let (old_api, new_api) = (load_api(old, root, names)?, load_api(new, root, names)?);
    let report = diff(&old_api, &new_api);
    let text = match format {
        Format::Markdown => report.to_markdown(),
        Format::Json => report.to_json(),
    };
    let found = match fail_on {
        None => false,
        Some(FailOn::Breaking) => report.has_breaking(),
        Some(FailOn::Any) => !report.is_empty(),
    };
    let text = text.trim_end().to_string();
    Ok(if found {
        Outcome {
            status: Status::Found,
            message: text,
        }
    } else {
        Outcome::ok(text)
    })
}

fn generate(
    root: &Path,
    spec: &str,
    out: &str,
    name: Option<&str>,
    names: Option<&str>,
    runtime: Option<&str>,
) -> Result<Outcome, Error> {
    if let Some(name) = name {
        check_crate_name(name)?;
    }
    let out_dir = resolve(root, out);
    check_out_dir(root, &out_dir, out)?;

    let doc = fetch(spec, root)?;
    let names = names.map(|path| read_names(root, path)).transpose()?;
    let naming = Naming {
        table: names.as_ref(),
        ..Naming::default()
    };
    // References to other files or URLs are read like the document itself.
    let built = referenced::build(&doc.text, spec, root, &naming)?;
    let api = built.api;
    let name = name.map_or_else(|| crate_name_from_title(&api.title), str::to_string);
    let mut options = Options::new(&name);
    options.standalone = true;
    let runtime_dir = match runtime {
        Some("published") => None,
        Some(dir) => {
            let dir = resolve(root, dir);
            if !dir.join("Cargo.toml").is_file() {
                return Err(failed(format!(
                    "`--runtime {}`: no Cargo.toml there; give the chili-runtime crate's directory, or `published`",
                    dir.display()
                )));
            }
            Some(dir)
        }
        // This workspace's runtime, when there is one.
        None => Some(root.join(RUNTIME_DIR)).filter(|dir| dir.join("Cargo.toml").is_file()),
    };
    if let Some(dir) = runtime_dir {
        options = options.with_runtime_at(&absolute(&out_dir), &absolute(&dir));
    }
    let krate = generate_crate(&api, spec, &options)?;
    write_crate(&out_dir, &krate).map_err(|e| failed(format!("cannot write {out}: {e}")))?;
    let warned = match built.warnings.len() {
        0 => String::new(),
        n => format!("; {n} warning{} above", if n == 1 { "" } else { "s" }),
    };
    Ok(Outcome::ok(format!(
        "generated crate `{name}` ({} files) in {out} from {spec} (version {}, sha {}){warned}{}",
        krate.files.len(),
        api.version,
        short(&doc.sha256),
        names_lines(names.as_ref(), &api),
    )))
}

// ---------------------------------------------------------------------------
// Pieces

/// A fetched document: its text and the sha256 of its exact bytes.
struct Document {
    text: String,
    sha256: String,
}

/// Reads a document from an http(s) URL, a `file://` URL or a path
/// (relative to `root`).
fn fetch(source: &str, root: &Path) -> Result<Document, Error> {
    let lower = source.to_ascii_lowercase();
    let bytes = if lower.starts_with("http://") || lower.starts_with("https://") {
        fetch_http(source)?
    } else {
        let path = if lower.starts_with("file:") {
            reqwest::Url::parse(source)
                .ok()
                .and_then(|url| url.to_file_path().ok())
                .ok_or_else(|| failed(format!("`{source}` is not a usable file:// URL")))?
        } else {
            resolve(root, source)
        };
        fs::read(&path).map_err(|e| {
            // Name the resolved path too when it differs from what was given.
            let shown = path.display().to_string();
            let resolved = if shown == source {
                String::new()
            } else {
                format!(" ({shown})")
            };
            failed(format!("cannot read the document {source}{resolved}: {e}"))
        })?
    };
    let sha256 = hex(&Sha256::digest(&bytes));
    let text = String::from_utf8(bytes)
        .map_err(|e| failed(format!("the document at {source} is not UTF-8 text: {e}")))?;
    Ok(Document { text, sha256 })
}

fn fetch_http(url: &str) -> Result<Vec<u8>, Error> {
    let fail = |e: reqwest::Error| failed(format!("cannot fetch {url}: {}", chain(&e)));
    let client = reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(60))
        .user_agent(concat!("chili-xtask/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(fail)?;
    let response = client.get(url).send().map_err(fail)?;
    let response = response.error_for_status().map_err(fail)?;
    Ok(response.bytes().map_err(fail)?.to_vec())
}

/// An error and its sources, since reqwest's own message omits the cause.
fn chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

/// Emits the crate for an IR already built from `source` (building it again
/// would load the whole document twice).
fn generate_crate(api: &Api, source: &str, options: &Options) -> Result<GeneratedCrate, Error> {
    let krate = chili_gen::emit::emit_crate(api, options).map_err(generator_error)?;
    // Writing an empty crate would wipe the target directory for nothing.
    if krate.files.is_empty() {
        return Err(failed(format!(
            "the generator produced no files for {source}"
        )));
    }
    Ok(krate)
}

/// A document's IR: an OpenAPI document run through the generator's loader
/// (with `names`), or a baseline IR as `regen` writes it to `spec/api-ir.json`.
fn load_api(source: &str, root: &Path, names: Option<&NameTable>) -> Result<Api, Error> {
    let doc = fetch(source, root)?;
    if let Ok(value) = serde_json::from_str::<serde_json::Value>(&doc.text) {
        let is_ir = value.get("openapi").is_none()
            && value.get("operations").is_some_and(|v| v.is_array())
            && value.get("types").is_some_and(|v| v.is_array());
        if is_ir {
            return serde_json::from_value(value).map_err(|e| {
                failed(format!(
                    "{source} looks like an IR baseline but does not read as one: {e}"
                ))
            });
        }
    }
    let naming = Naming {
        table: names,
        ..Naming::default()
    };
    chili_gen::build_api_with(&doc.text, source, &naming).map_err(generator_error)
}

/// The committed client's names file, [`NAMES_FILE`], if there is one.
pub(crate) fn project_names(root: &Path) -> Result<Option<NameTable>, Error> {
    match fs::metadata(resolve(root, NAMES_FILE)) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        _ => read_names(root, NAMES_FILE).map(Some),
    }
}

/// The names file at `path` (relative to `root`), which must exist.
fn read_names(root: &Path, path: &str) -> Result<NameTable, Error> {
    let text = fs::read_to_string(resolve(root, path))
        .map_err(|e| failed(format!("cannot read the names file {path}: {e}")))?;
    NameTable::parse(&text, path).map_err(generator_error)
}

/// What `regen`, `check` and `generate` say about the names file: its entries
/// that name nothing (upstream removed or renamed what they named).
fn names_lines(names: Option<&NameTable>, api: &Api) -> String {
    let Some(names) = names else {
        return String::new();
    };
    let unused = names.unused(api);
    let mut text = format!(
        "\nnames:   {}: {} operation and {} schema name{} chosen",
        names.origin,
        names.operations.len(),
        names.schemas.len(),
        if names.schemas.len() == 1 { "" } else { "s" },
    );
    for warning in unused {
        text.push_str(&format!("\nwarning: {warning}"));
    }
    text
}

/// What is committed besides the pin: the baseline IR, the client's version
/// and its changelog.
struct Committed {
    baseline: Option<Api>,
    baseline_text: Option<String>,
    /// `version` of `generated-client/Cargo.toml` ([`FIRST_VERSION`] if none).
    version: String,
    changelog: Option<String>,
}

impl Committed {
    fn read(root: &Path) -> Result<Committed, Error> {
        let read = |path: &Path, what: &str| match fs::read_to_string(path) {
            Ok(text) => Ok(Some(text)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(failed(format!("cannot read {what}: {e}"))),
        };
        let baseline_text = read(&root.join(BASELINE_FILE), BASELINE_FILE)?;
        let baseline = match &baseline_text {
            None => None,
            Some(text) => Some(serde_json::from_str(text).map_err(|e| {
                failed(format!(
                    "{BASELINE_FILE} is malformed ({e}); restore it from git, or delete it \
                     to start a new baseline with `cargo xtask regen`"
                ))
            })?),
        };
        let client = root.join(CLIENT_DIR);
        let manifest = read(
            &client.join("Cargo.toml"),
            &format!("{CLIENT_DIR}/Cargo.toml"),
        )?;
        let version = manifest
            .as_deref()
            .and_then(package_version)
            .unwrap_or_else(|| FIRST_VERSION.to_string());
        let changelog = read(
            &client.join(CHANGELOG_FILE),
            &format!("{CLIENT_DIR}/{CHANGELOG_FILE}"),
        )?;
        Ok(Committed {
            baseline,
            baseline_text,
            version,
            changelog,
        })
    }
}

/// The `version` of a manifest's `[package]` table.
fn package_version(manifest: &str) -> Option<String> {
    let mut in_package = false;
    for line in manifest.lines().map(str::trim) {
        if line.starts_with('[') {
            in_package = line == "[package]";
        } else if in_package {
            if let Some(value) = line.strip_prefix("version").map(str::trim_start) {
                if let Some(value) = value.strip_prefix('=') {
                    return Some(value.trim().trim_matches('"').to_string());
                }
            }
        }
    }
    None
}

/// The client version and changelog a regeneration writes.
struct Release {
    version: String,
    changelog: String,
}

impl Release {
    /// The next release after `committed`, given the drift `report` from the
    /// baseline to `api` (`None`: nothing to record); `same_document`: `api`
    /// comes from the pinned document, so the changes are the generator's.
    fn plan(
        committed: &Committed,
        report: Option<&Report>,
        api: &Api,
        same_document: bool,
    ) -> Result<Release, Error> {
        let severity = report.and_then(Report::severity);
        let version = next_version(&committed.version, severity).ok_or_else(|| {
            failed(format!(
                "{CLIENT_DIR}/Cargo.toml has version `{}`, which is not MAJOR.MINOR.PATCH",
                committed.version
            ))
        })?;
        let mut changelog = committed.changelog.clone().unwrap_or_else(changelog_header);
        let entry = match report {
            Some(report) if !report.is_empty() => Some(format!(
                "## {CLIENT_CRATE} {version}: {} {}\n\n{}\n\n{}",
                api.title,
                api.version,
                if same_document {
                    format!(
                        "Generated again from version {} of the document: these changes come from the \
                         generator or from {NAMES_FILE}, not from the API.",
                        api.version
                    )
                } else {
                    format!(
                        "Generated from version {} of the document (the previous version was generated from {}).",
                        api.version, report.old_version
                    )
                },
                report.markdown_body(),
            )),
            // A changelog starts with the version it was started at.
            _ if committed.changelog.is_none() => Some(format!(
                "## {CLIENT_CRATE} {version}: {} {}\n\n\
                 Generated from version {} of the document. Changes are recorded from here on.\n",
                api.title, api.version, api.version,
            )),
            _ => None,
        };
        if let Some(entry) = entry {
            // Newest first: right after the header, before the first entry.
            let at = changelog.find("\n## ").map_or(changelog.len(), |i| i + 1);
            let separator = if at == changelog.len() && !changelog.ends_with("\n\n") {
                "\n"
            } else {
                ""
            };
            let tail = if at == changelog.len() { "" } else { "\n" };
            changelog.insert_str(at, &format!("{separator}{entry}{tail}"));
        }
        Ok(Release { version, changelog })
    }
}

fn changelog_header() -> String {
    format!(
        "# Changelog of `{CLIENT_CRATE}`\n\n\
         Written by `cargo xtask regen`, newest first. Each entry is the drift report between \
         the API document the previous version was generated from and the one this version was \
         generated from, as a user of this crate sees it: breaking changes (the version's \
         breaking number goes up) and compatible ones.\n"
    )
}

/// The committed client for `api` (read from `source`): generated with
/// `release`'s version, with its changelog.
fn client_crate(api: &Api, source: &str, release: &Release) -> Result<GeneratedCrate, Error> {
    let mut options =
        Options::new(CLIENT_CRATE).with_runtime_at(Path::new(CLIENT_DIR), Path::new(RUNTIME_DIR));
    options.crate_version = release.version.clone();
    options.package = client_package();
    let mut krate = generate_crate(api, source, &options)?;
    krate
        .files
        .insert(CHANGELOG_FILE.to_string(), release.changelog.clone());
    Ok(krate)
}

/// `spec/api-ir.json`: the IR as JSON, one line per type and per operation,
/// so a change upstream is a readable diff of a few lines.
fn baseline_json(api: &Api) -> String {
    let value = serde_json::to_value(api).expect("the IR is plain data");
    let serde_json::Value::Object(map) = value else {
        unreachable!("an Api serializes as an object")
    };
    let compact = |v: &serde_json::Value| serde_json::to_string(v).expect("plain data");
    let members: Vec<String> = map
        .iter()
        .map(|(key, value)| {
            let key = compact(&serde_json::Value::from(key.as_str()));
            match value {
                serde_json::Value::Array(items) if !items.is_empty() => {
                    let items: Vec<String> = items.iter().map(&compact).collect();
                    format!("{key}: [\n{}\n]", items.join(",\n"))
                }
                other => format!("{key}: {}", compact(other)),
            }
        })
        .collect();
    format!("{{\n{}\n}}\n", members.join(",\n"))
}

fn generator_error(e: chili_gen::Error) -> Error {
    failed(e.to_string())
}

pub(crate) fn resolve(root: &Path, path: &str) -> PathBuf {
    root.join(path)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The first 12 hex digits: enough to tell versions apart in a message.
fn short(sha: &str) -> &str {
    sha.get(..12).unwrap_or(sha)
}

/// What `spec/pin.json` records about the document the client was generated from.
struct Pin {
    source: String,
    title: String,
    version: String,
    sha256: String,
    generator: String,
}

impl Pin {
    /// Pretty JSON with a fixed key order and a trailing newline, written by
    /// hand so the order does not depend on serde_json's map features.
    fn to_json(&self) -> String {
        let fields = [
            ("source", &self.source),
            ("title", &self.title),
            ("version", &self.version),
            ("sha256", &self.sha256),
            ("generator", &self.generator),
        ];
        let lines: Vec<String> = fields
            .iter()
            .map(|(key, value)| format!("  \"{key}\": {}", serde_json::Value::from(value.as_str())))
            .collect();
        format!("{{\n{}\n}}\n", lines.join(",\n"))
    }

    fn read(root: &Path) -> Result<Pin, Error> {
        let text = match fs::read_to_string(root.join(PIN_FILE)) {
            Ok(text) => text,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                return Err(failed(format!(
                    "{PIN_FILE} does not exist; run `cargo xtask regen` to pin the document \
                     and generate {CLIENT_DIR}/, then commit both"
                )))
            }
            Err(e) => return Err(failed(format!("cannot read {PIN_FILE}: {e}"))),
        };
        let malformed = |what: &str| {
            failed(format!(
                "{PIN_FILE} is malformed ({what}); run `cargo xtask regen`"
            ))
        };
        let value: serde_json::Value =
            serde_json::from_str(&text).map_err(|e| malformed(&e.to_string()))?;
        let field = |key: &str| value.get(key).and_then(|v| v.as_str()).map(str::to_string);
        let required = |key: &str| {
            field(key)
                .filter(|v| !v.is_empty())
                .ok_or_else(|| malformed(&format!("no string `{key}`")))
        };
        Ok(Pin {
            source: required("source")?,
            sha256: required("sha256")?,
            title: field("title").unwrap_or_default(),
            version: field("version").unwrap_or_else(|| "unknown".to_string()),
            generator: field("generator").unwrap_or_default(),
        })
    }
}

/// Writes `contents` to `path` (via a temporary file and a rename, so a
/// reader never sees half a file) unless it already holds exactly that.
/// Returns whether it wrote.
fn write_if_changed(path: &Path, contents: &str) -> io::Result<bool> {
    if fs::read(path).is_ok_and(|old| old == contents.as_bytes()) {
        return Ok(false);
    }
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent)?;
    }
    let mut tmp = path.as_os_str().to_os_string();
    tmp.push(format!(".tmp-{}", std::process::id()));
    let tmp = PathBuf::from(tmp);
    fs::write(&tmp, contents)
        .and_then(|()| fs::rename(&tmp, path))
        .inspect_err(|_| {
            let _ = fs::remove_file(&tmp);
        })?;
    Ok(true)
}

/// Sets the version of the path package `name` in the lock file at `path`
/// (the line after its `name = ...` in its `[[package]]` entry), which is all
/// Cargo would change there for a version bump of a path dependency. No lock
/// file, or no entry for `name`, is left alone: Cargo writes them on the next
/// build. Returns whether it wrote.
fn sync_lock_version(path: &Path, name: &str, version: &str) -> io::Result<bool> {
    let text = match fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(false),
        Err(e) => return Err(e),
    };
    let name_line = format!("name = \"{name}\"");
    let mut lines: Vec<String> = text.split('\n').map(str::to_string).collect();
    let Some(at) = lines.iter().position(|l| *l == name_line) else {
        return Ok(false);
    };
    match lines.get_mut(at + 1) {
        Some(line) if line.starts_with("version = ") => *line = format!("version = \"{version}\""),
        _ => return Ok(false),
    }
    write_if_changed(path, &lines.join("\n"))
}

fn diff_summary(source: &str, diffs: &[FileDiff]) -> String {
    let mut text = format!(
        "{CLIENT_DIR}/ is not what the generator writes for {source}: {} file{} differ{}\n",
        diffs.len(),
        if diffs.len() == 1 { "" } else { "s" },
        if diffs.len() == 1 { "s" } else { "" },
    );
    for diff in diffs.iter().take(MAX_LISTED) {
        let what = match diff.kind {
            DiffKind::Changed { first_line } => format!("changed at line {first_line}"),
            DiffKind::Missing => "missing".to_string(),
            DiffKind::Extra => "extra (the generator does not write it)".to_string(),
        };
        text.push_str(&format!("  {}: {what}\n", diff.path));
    }
    if diffs.len() > MAX_LISTED {
        text.push_str(&format!("  ... and {} more\n", diffs.len() - MAX_LISTED));
    }
    text.push_str("fix: run `cargo xtask regen` and commit the result");
    text
}

/// A Cargo package name from a document title: kebab-case ASCII words
/// (`Chili Piper Edge API` -> `chili-piper-edge-api`), `api-client` if the
/// title has no usable characters.
pub fn crate_name_from_title(title: &str) -> String {
    let mut name = String::new();
    let mut prev: Option<char> = None;
    let mut separate = false;
    for c in title.chars() {
        if !c.is_ascii_alphanumeric() {
            separate = true;
            prev = None;
            continue;
        }
        // `PetStore` -> `pet-store`: a capital after a lowercase letter starts a word.
        let camel_hump = c.is_ascii_uppercase() && prev.is_some_and(|p| p.is_ascii_lowercase());
        if (separate || camel_hump) && !name.is_empty() {
            name.push('-');
        }
        separate = false;
        name.push(c.to_ascii_lowercase());
        prev = Some(c);
    }
    if name.is_empty() {
        return "api-client".to_string();
    }
    // Cargo rejects package names that start with a digit.
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert_str(0, "api-");
    }
    name
}

fn check_crate_name(name: &str) -> Result<(), Error> {
    let valid = name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if valid {
        Ok(())
    } else {
        Err(usage(format!(
            "`{name}` is not a valid crate name (ASCII letters, digits, `-` and `_`, \
             starting with a letter or `_`)"
        )))
    }
}

/// `generate` replaces `out` whole, so refuse anything where that would
/// destroy something other than a previously generated crate.
fn check_out_dir(root: &Path, out: &Path, given: &str) -> Result<(), Error> {
    let refuse = |why: String| failed(format!("refusing to generate into {given}: {why}"));
    let out_abs = absolute(out);
    let root_abs = absolute(root);
    if root_abs.starts_with(&out_abs) {
        return Err(refuse("it is the workspace or contains it".to_string()));
    }
    for owned in [CLIENT_DIR, "spec"] {
        if out_abs.starts_with(root_abs.join(owned)) {
            return Err(refuse(format!(
                "{owned}/ is maintained by `cargo xtask regen`"
            )));
        }
    }
    match fs::symlink_metadata(out) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(refuse(e.to_string())),
        Ok(meta) if !meta.is_dir() => Err(refuse("it exists and is not a directory".to_string())),
        Ok(_) => {
            let mut entries = fs::read_dir(out)
                .map_err(|e| refuse(e.to_string()))?
                .peekable();
            if entries.peek().is_none() {
                Ok(())
            } else if out.join(".git").exists() {
                Err(refuse("it holds a git repository".to_string()))
            } else if !out.join("Cargo.toml").is_file() {
                Err(refuse(
                    "it is not empty and has no Cargo.toml, so it is not a generated crate; \
                     choose a new or empty directory"
                        .to_string(),
                ))
            } else {
                Ok(())
            }
        }
    }
}

/// `path` made absolute with `.`/`..` resolved and symlinks resolved as far
/// as the path exists, so containment checks compare like with like.
fn absolute(path: &Path) -> PathBuf {
    let mut lexical = PathBuf::new();
    let base = if path.is_absolute() {
        PathBuf::new()
    } else {
        std::env::current_dir().unwrap_or_default()
    };
    for component in base.join(path).components() {
        match component {
            Component::ParentDir => {
                lexical.pop();
            }
            Component::CurDir => {}
            other => lexical.push(other),
        }
    }
    // Canonicalize the longest existing prefix, then put the rest back on.
    let mut existing = lexical.clone();
    let mut rest = Vec::new();
    loop {
        if let Ok(canonical) = existing.canonicalize() {
            return rest
                .iter()
                .rev()
                .fold(canonical, |acc, part| acc.join(part));
        }
        match existing.file_name() {
            Some(name) => rest.push(name.to_os_string()),
            None => return lexical,
        }
        if !existing.pop() {
            return lexical;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crate_names_from_titles() {
        assert_eq!(
            crate_name_from_title("Chili Piper Edge API"),
            "chili-piper-edge-api"
        );
        assert_eq!(crate_name_from_title("PetStore"), "pet-store");
        assert_eq!(
            crate_name_from_title("  Swagger Petstore - OpenAPI 3.0 "),
            "swagger-petstore-open-api-3-0"
        );
        assert_eq!(crate_name_from_title("my_api v2"), "my-api-v2");
        assert_eq!(crate_name_from_title("3D Printing"), "api-3d-printing");
        assert_eq!(crate_name_from_title("Überß ---"), "ber");
        assert_eq!(crate_name_from_title("!!!"), "api-client");
        assert_eq!(crate_name_from_title(""), "api-client");
    }

    #[test]
    fn crate_name_validation() {
        assert!(check_crate_name("pet-store_2").is_ok());
        assert!(check_crate_name("_x").is_ok());
        for bad in ["2pets", "pet store", "pét", "-x"] {
            assert!(
                matches!(check_crate_name(bad), Err(Error::Usage(_))),
                "{bad}"
            );
        }
    }

    #[test]
    fn pin_json_has_fixed_order_and_trailing_newline() {
        let pin = Pin {
            source: "../shared/spec/edge-api.yaml".into(),
            title: "T \"quoted\"".into(),
            version: "1.2.3".into(),
            sha256: "ab".into(),
            generator: "chili-gen 0.1.0".into(),
        };
        assert_eq!(
            pin.to_json(),
            "{\n  \"source\": \"../shared/spec/edge-api.yaml\",\n  \"title\": \"T \\\"quoted\\\"\",\n  \
             \"version\": \"1.2.3\",\n  \"sha256\": \"ab\",\n  \"generator\": \"chili-gen 0.1.0\"\n}\n"
        );
        let parsed: serde_json::Value = serde_json::from_str(&pin.to_json()).unwrap();
        assert_eq!(parsed["title"], "T \"quoted\"");
    }

    #[test]
    fn flags_parse_both_spellings_and_reject_mistakes() {
        let args = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let flags = Flags::parse(
            "generate",
            &args(&["--spec=a.yaml", "--out", "o"]),
            &["--spec", "--out"],
        )
        .unwrap();
        assert_eq!(flags.get("--spec"), Some("a.yaml"));
        assert_eq!(flags.get("--out"), Some("o"));
        for bad in [
            &["--spec"][..],
            &["--spec", "--out"],
            &["--spec", "a", "--spec", "b"],
            &["x"],
            &["--nope", "1"],
            &["--spec="],
        ] {
            assert!(
                matches!(
                    Flags::parse("regen", &args(bad), &["--spec", "--out"]),
                    Err(Error::Usage(_))
                ),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn lock_version_follows_the_client_version() {
        let dir = tempfile::tempdir().unwrap();
        let lock = dir.path().join("Cargo.lock");
        assert!(
            !sync_lock_version(&lock, "chilipiper-edge", "0.2.0").unwrap(),
            "no lock file: nothing to do"
        );
        let text = "version = 4\n\n[[package]]\nname = \"chilipiper-edge\"\nversion = \"0.1.0\"\n\n[[package]]\nname = \"chilipiper-edge-x\"\nversion = \"0.1.0\"\n";
        fs::write(&lock, text).unwrap();
        assert!(sync_lock_version(&lock, "chilipiper-edge", "0.2.0").unwrap());
        assert_eq!(
            fs::read_to_string(&lock).unwrap(),
            text.replacen("\"0.1.0\"", "\"0.2.0\"", 1)
        );
        assert!(
            !sync_lock_version(&lock, "chilipiper-edge", "0.2.0").unwrap(),
            "already up to date"
        );
        assert!(!sync_lock_version(&lock, "absent", "9.9.9").unwrap());
    }

    #[test]
    fn diff_summary_lists_at_most_twenty() {
        let diffs: Vec<FileDiff> = (0..23)
            .map(|i| FileDiff {
                path: format!("f{i:02}"),
                kind: DiffKind::Extra,
            })
            .collect();
        let text = diff_summary("s.yaml", &diffs);
        assert!(text.contains("23 files differ"), "{text}");
        assert!(text.contains("f19: extra"), "{text}");
        assert!(!text.contains("f20"), "{text}");
        assert!(text.contains("... and 3 more"), "{text}");
        assert!(text.ends_with("fix: run `cargo xtask regen` and commit the result"));
    }
}
