//! The command line of `cargo xtask`, declared in one place (clap derive):
//! each command's flags, their values and their help. Parsing, usage errors
//! (naming the flag at fault) and `--help` are clap's; [`crate::run`] maps
//! them onto [`crate::Outcome`] and [`crate::Error`].

use clap::builder::NonEmptyStringValueParser;
use clap::{Args, Parser, Subcommand, ValueEnum};

/// Printed after the command list of `cargo xtask help`.
const AFTER_HELP: &str = "\
A document is a file path, a file:// URL or an http(s):// URL. Relative paths,
for --spec and --out alike, are taken from the workspace root.
Exit status: 0 ok, 1 check found the committed state out of date, diff found what
--fail-on names or semver-audit found a disagreement, 2 error.";

/// The project's tasks.
#[derive(Debug, Parser)]
#[command(
    name = "xtask",
    bin_name = "cargo xtask",
    after_help = AFTER_HELP,
    disable_version_flag = true
)]
pub struct Xtask {
    /// The command to run.
    #[command(subcommand)]
    pub command: Command,
}

/// One command of `cargo xtask`.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Regenerate the committed client and CLI, pin the document, record the changelog entry.
    ///
    /// Generate generated-client/ from the document (default ../shared/spec/edge-api.yaml),
    /// pin its source, title, version and sha256 in spec/pin.json and its IR in
    /// spec/api-ir.json, and record what changed since the previous pin as a new entry of
    /// generated-client/CHANGELOG.md, bumping the crate version (breaking: next breaking
    /// version; otherwise the next patch of 0.x, minor of 1.x and later). Names chosen in
    /// spec/names.toml win over the generator's; a public method, builder or type whose name
    /// changed since the previous pin stays one release as a deprecated forwarder or alias.
    Regen(Spec),
    /// The drift gate: fail when upstream moved on from the pin or the committed crates are stale.
    ///
    /// Fail with a report of what changed if the upstream document (the pinned source, or
    /// --spec) is no longer the pinned one, and fail if generated-client/ differs from what
    /// the generator writes for the pinned document.
    Check(Spec),
    /// Report what changed between two documents, for a user of the generated client.
    ///
    /// OLD and NEW are paths, URLs, or a spec/api-ir.json baseline. Each change is breaking
    /// or compatible, with the reason.
    Diff(Diff),
    /// Generate a standalone client crate for any OpenAPI 3.0/3.1 document.
    Generate(Generate),
    /// Generate and clippy a client for each real-world document of ../shared/corpus.
    ///
    /// Generate a client for each real-world document in ../shared/corpus (and
    /// tests/fixtures) and compile them all under clippy with warnings denied.
    Corpus,
    /// Print the generator's benchmark results (BENCHMARKS.md).
    ///
    /// Bare YAML parse vs regen time (in-process and as a process), generated crate size, and
    /// its rebuild time after a touch (runs itself in release mode). With --peer, the rebuild
    /// is measured side by side with another generator's crate for the same document.
    Bench(Bench),
    /// Check that a wrong field rename makes the conformance tests fail.
    ///
    /// Break one field's wire name in a copy of the generated client and check that the
    /// conformance decode tests fail on it (the suite catches generator bugs).
    Mutant,
    /// Run the generated client's conformance tests against a Prism mock (needs npm).
    ///
    /// Prism is installed with npm into target/prism (pinned) and started on a free port of
    /// 127.0.0.1: static examples once, then dynamic payloads with several seeds; prints
    /// operations exercised, union variants decoded (from Prism, or from payloads synthesized
    /// from the document) and Prism's own failures.
    Conformance(Spec),
    /// Replay real upstream releases through check, regen and the tests.
    ///
    /// 1.494.0 -> 1.495.0 (compatible) and 1.287.2 -> 1.494.0 (breaking), in a scratch copy
    /// of the repository beside a scratch ../shared: check fails with the report, regen bumps
    /// the version and writes the changelog, the client's and the workspace's tests pass
    /// (--locked), check passes, a second regen changes no byte.
    UpgradeLoop,
    /// Check the drift report against cargo-semver-checks on every real version pair.
    ///
    /// For every pair of ../shared/spec/pairs.txt, run cargo-semver-checks on the two
    /// generated clients and check that the drift report names every item it flags; write
    /// the table to spec/SEMVER-AUDIT.md. Skips with a message when cargo-semver-checks is
    /// not installed.
    SemverAudit,
}

/// `--spec` alone, for the commands that read one document.
#[derive(Debug, Args)]
pub struct Spec {
    /// The document (default: the pinned source, or ../shared/spec/edge-api.yaml).
    #[arg(long, value_name = "PATH|URL", value_parser = NonEmptyStringValueParser::new())]
    pub spec: Option<String>,
}

/// `bench [--spec] [--peer DIR]`.
#[derive(Debug, Args)]
pub struct Bench {
    /// The document (default: the pinned source, or ../shared/spec/edge-api.yaml).
    #[arg(long, value_name = "PATH|URL", value_parser = NonEmptyStringValueParser::new())]
    pub spec: Option<String>,
    /// A crate another generator wrote for the same document (openapi-generator's `rust`
    /// output, say): its rebuild after a touch is measured in turn with the client's, in one
    /// scratch workspace under target/bench-compare with one lock file and profile.
    #[arg(long, value_name = "DIR", value_parser = NonEmptyStringValueParser::new())]
    pub peer: Option<String>,
}

/// `diff OLD NEW`.
#[derive(Debug, Args)]
pub struct Diff {
    /// The older document or baseline.
    #[arg(value_name = "OLD")]
    pub old: String,
    /// The newer document or baseline.
    #[arg(value_name = "NEW")]
    pub new: String,
    /// How to print the report.
    #[arg(long, value_enum, default_value_t = Format::Markdown)]
    pub format: Format,
    /// Exit 1 if any change is breaking (`breaking`), or if anything changed (`any`).
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,
    /// A names file (like spec/names.toml) applied to both documents.
    #[arg(long, value_name = "FILE", value_parser = NonEmptyStringValueParser::new())]
    pub names: Option<String>,
}

/// `generate --spec ... --out ...`.
#[derive(Debug, Args)]
pub struct Generate {
    /// The document.
    #[arg(long, value_name = "PATH|URL", value_parser = NonEmptyStringValueParser::new())]
    pub spec: String,
    /// The crate's directory, replaced whole.
    #[arg(long, value_name = "DIR", value_parser = NonEmptyStringValueParser::new())]
    pub out: String,
    /// Cargo package name (default: the document title in kebab-case).
    #[arg(long, value_name = "CRATE", value_parser = crate_name)]
    pub name: Option<String>,
    /// Method and type names chosen as spec/names.toml does for the committed client.
    #[arg(long, value_name = "FILE", value_parser = NonEmptyStringValueParser::new())]
    pub names: Option<String>,
    /// Where chili-runtime is: a directory (default: this workspace's runtime/), depended on
    /// by a relative path, or `published` for its crates.io version only.
    #[arg(long, value_name = "DIR|published", value_parser = NonEmptyStringValueParser::new())]
    pub runtime: Option<String>,
}

/// How `diff` prints its report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Markdown, for people and pull requests.
    #[value(alias = "md")]
    Markdown,
    /// JSON with counts, for tools.
    Json,
}

/// What makes `diff` exit 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    /// Any breaking change.
    Breaking,
    /// Any change at all.
    Any,
}

/// A Cargo package name: ASCII letters, digits, `-` and `_`, starting with a
/// letter or `_`.
fn crate_name(name: &str) -> Result<String, String> {
    let valid = name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if valid {
        Ok(name.to_string())
    } else {
        Err(format!(
            "`{name}` is not a valid crate name (ASCII letters, digits, `-` and `_`, \
             starting with a letter or `_`)"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_declaration_is_consistent() {
        Xtask::command().debug_assert();
    }

    #[test]
    fn crate_name_validation() {
        assert!(crate_name("pet-store_2").is_ok());
        assert!(crate_name("_x").is_ok());
        for bad in ["2pets", "pet store", "pét", "-x", ""] {
            assert!(crate_name(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn flags_take_both_spellings_and_refuse_mistakes() {
        let parse = |args: &[&str]| {
            Xtask::try_parse_from(std::iter::once("xtask").chain(args.iter().copied()))
        };
        let Command::Generate(g) = parse(&["generate", "--spec=a.yaml", "--out", "o"])
            .unwrap()
            .command
        else {
            panic!("generate");
        };
        assert_eq!((g.spec.as_str(), g.out.as_str()), ("a.yaml", "o"));
        let Command::Diff(d) = parse(&["diff", "--format", "md", "a", "b"])
            .unwrap()
            .command
        else {
            panic!("diff");
        };
        assert_eq!(
            (d.old.as_str(), d.new.as_str(), d.format),
            ("a", "b", Format::Markdown)
        );
        for bad in [
            &["regen", "--spec"][..],
            &["regen", "--spec", "a", "--spec", "b"],
            &["regen", "x"],
            &["regen", "--nope", "1"],
            &["regen", "--spec="],
            &["corpus", "--spec", "a"],
            &["diff", "a"],
        ] {
            assert!(parse(bad).is_err(), "{bad:?}");
        }
    }
}
