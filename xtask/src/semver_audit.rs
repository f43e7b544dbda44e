//! `cargo xtask semver-audit`: does the drift report agree with
//! cargo-semver-checks, the Rust ecosystem's independent oracle of breaking
//! changes?
//!
//! For every pair of `../shared/spec/pairs.txt` it generates the client of
//! both documents (crate `chilipiper-edge`, as committed), builds each one's
//! rustdoc JSON once, runs `cargo semver-checks` on the pair, and checks that
//! the drift report names every item it flags: each failure by a breaking
//! change, each warning by a change of the same item. The table goes to
//! `spec/SEMVER-AUDIT.md`. Installing cargo-semver-checks takes about half an
//! hour on two cores, so this is not a CI step: without the tool the command
//! says so and does nothing.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use chili_gen::diff::{diff, Change, Report, Severity};
use chili_gen::ir::Api;
use chili_gen::Options;
use sha2::{Digest, Sha256};

use crate::scratch::{log, Scratch};
use crate::{failed, generate_crate, hex, Error, Outcome, Status, CLIENT_CRATE};

/// The mirror of upstream documents, relative to the workspace root.
const SHARED_SPEC: &str = "../shared/spec";
/// The table this command writes, relative to the workspace root.
pub const AUDIT_FILE: &str = "spec/SEMVER-AUDIT.md";
/// Rustdoc JSON of each document's client, kept between runs (keyed by the
/// generated sources), relative to the workspace root.
const JSON_DIR: &str = "target/semver-audit-json";
/// Build directory of the rustdoc runs: rustdoc JSON needs unstable options,
/// so its dependency builds are kept apart from the main ones.
const BUILD_DIR: &str = "target/semver-audit-build";

/// One item cargo-semver-checks flags.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Finding {
    /// A failure needs a breaking change in the report; a warning, any change.
    failure: bool,
    lint: String,
    /// The `Failed in:` line, as printed.
    item: String,
}

/// One pair's outcome.
struct PairResult {
    old: String,
    new: String,
    /// Each finding, with the report's change that names it.
    findings: Vec<(Finding, Option<Change>)>,
    report: Report,
}

impl PairResult {
    fn unnamed(&self) -> impl Iterator<Item = &Finding> {
        self.findings
            .iter()
            .filter(|(_, c)| c.is_none())
            .map(|(f, _)| f)
    }
}

/// Runs the audit over every pair and writes [`AUDIT_FILE`].
pub fn semver_audit(root: &Path) -> Result<Outcome, Error> {
    let Some(tool) = tool_version() else {
        return Ok(Outcome::ok(
            "skipped: cargo-semver-checks is not installed (`cargo install cargo-semver-checks --locked`, \
             about 30 minutes on two cores); nothing was checked or written"
                .to_string(),
        ));
    };
    let spec = root.join(SHARED_SPEC);
    let pairs_text = fs::read_to_string(spec.join("pairs.txt"))
        .map_err(|e| failed(format!("cannot read {SHARED_SPEC}/pairs.txt: {e}")))?;
    let pairs: Vec<(String, String)> = pairs_text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| match l.split_whitespace().collect::<Vec<_>>()[..] {
            [a, b] => Ok((a.to_string(), b.to_string())),
            _ => Err(failed(format!(
                "{SHARED_SPEC}/pairs.txt: `{l}` is not `OLD NEW`"
            ))),
        })
        .collect::<Result<_, _>>()?;

    let mut scratch = Scratch::new(root, "semver-audit")?;
    let mut apis: BTreeMap<String, (Api, PathBuf)> = BTreeMap::new();
    for path in pairs.iter().flat_map(|(a, b)| [a, b]) {
        if !apis.contains_key(path) {
            let built = document(root, &mut scratch, path)?;
            apis.insert(path.clone(), built);
        }
    }

    let mut results = Vec::new();
    for (old_path, new_path) in &pairs {
        let (old, old_json) = &apis[old_path];
        let (new, new_json) = &apis[new_path];
        let output = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
            .current_dir(root)
            .args([
                "semver-checks",
                "--release-type",
                "minor",
                "--color",
                "never",
                "--baseline-rustdoc",
            ])
            .arg(old_json)
            .arg("--current-rustdoc")
            .arg(new_json)
            .output()
            .map_err(|e| failed(format!("cannot run cargo semver-checks: {e}")))?;
        let printed = log(&output);
        if !printed.contains("Summary") {
            return Err(failed(format!(
                "cargo semver-checks did not check {old_path} -> {new_path}:\n{printed}"
            )));
        }
        // The findings are on stdout; progress and the summary on stderr.
        let report = diff(old, new);
        let findings = parse(&String::from_utf8_lossy(&output.stdout))
            .into_iter()
            .map(|f| {
                let by = naming_change(&f, &report, old, new).cloned();
                (f, by)
            })
            .collect();
        results.push(PairResult {
            old: old_path.clone(),
            new: new_path.clone(),
            findings,
            report,
        });
    }

    let table = render(&tool, &results);
    fs::write(root.join(AUDIT_FILE), &table)
        .map_err(|e| failed(format!("cannot write {AUDIT_FILE}: {e}")))?;
    let disagreements: usize = results.iter().map(|r| r.unnamed().count()).sum();
    let mut message = format!("{table}\nwritten to {AUDIT_FILE}");
    if disagreements == 0 {
        return Ok(Outcome::ok(message));
    }
    message.push_str(&format!("\n{disagreements} item(s) cargo-semver-checks flags are not named by the drift report (listed above)"));
    Ok(Outcome {
        status: Status::Found,
        message,
    })
}

/// `rustc 1.95.0 (...)`: rustdoc's JSON comes from it.
fn rustc_version() -> String {
    Command::new("rustc")
        .arg("--version")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_else(|_| "an unknown rustc".to_string())
}

/// `cargo-semver-checks 0.51.0`, or `None` when it is not installed.
fn tool_version() -> Option<String> {
    let output = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["semver-checks", "--version"])
        .output()
        .ok()?;
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).trim().to_string())
}

/// A document's IR and the rustdoc JSON of its client, built unless a
/// previous run left one for the same sources.
fn document(root: &Path, scratch: &mut Scratch, path: &str) -> Result<(Api, PathBuf), Error> {
    let origin = format!("{SHARED_SPEC}/{path}");
    let text = fs::read_to_string(root.join(&origin))
        .map_err(|e| failed(format!("cannot read {origin}: {e}")))?;
    let api = chili_gen::build_api(&text, &origin).map_err(|e| failed(e.to_string()))?;
    // Against this workspace's runtime, as the committed client is (it is not on crates.io).
    let options = Options::new(CLIENT_CRATE).with_runtime_at(
        &scratch.dir().join(CLIENT_CRATE),
        &root.join(crate::RUNTIME_DIR),
    );
    let krate = generate_crate(&api, &origin, &options)?;
    let mut hasher = Sha256::new();
    for (file, contents) in &krate.files {
        hasher.update(file.as_bytes());
        hasher.update([0]);
        hasher.update(contents.as_bytes());
    }
    let key = hex(&hasher.finalize());
    let dir = root.join(JSON_DIR);
    let json = dir.join(format!(
        "{}.json",
        path.trim_end_matches(".yaml").replace('/', "-")
    ));
    let stamp = json.with_extension("sha256");
    if json.is_file() && fs::read_to_string(&stamp).is_ok_and(|s| s == key) {
        return Ok((api, json));
    }
    scratch.add(CLIENT_CRATE, &krate)?;
    let build = root.join(BUILD_DIR);
    let output = scratch
        .command(&[
            "rustdoc",
            "--quiet",
            "--lib",
            "-p",
            CLIENT_CRATE,
            "--",
            "-Z",
            "unstable-options",
            "--output-format",
            "json",
        ])?
        .env("CARGO_TARGET_DIR", &build)
        // rustdoc's JSON output is unstable; cargo-semver-checks builds it the same way.
        .env("RUSTC_BOOTSTRAP", "1")
        .output()
        .map_err(|e| failed(format!("cannot run cargo rustdoc: {e}")))?;
    if !output.status.success() {
        return Err(failed(format!(
            "rustdoc JSON of the client of {origin} failed:\n{}",
            log(&output)
        )));
    }
    fs::create_dir_all(&dir).map_err(|e| failed(format!("cannot create {JSON_DIR}: {e}")))?;
    fs::rename(
        build
            .join("doc")
            .join(format!("{}.json", CLIENT_CRATE.replace('-', "_"))),
        &json,
    )
    .map_err(|e| failed(format!("cannot keep the rustdoc JSON of {origin}: {e}")))?;
    fs::write(&stamp, key).map_err(|e| failed(e.to_string()))?;
    Ok((api, json))
}

/// The items of cargo-semver-checks' human output: `--- failure LINT: ... ---`
/// or `--- warning LINT: ... ---`, then the `Failed in:` lines.
fn parse(printed: &str) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut current: Option<(bool, String)> = None;
    let mut listing = false;
    for line in printed.lines() {
        if let Some(rest) = line.strip_prefix("--- ") {
            let (failure, rest) =
                match (rest.strip_prefix("failure "), rest.strip_prefix("warning ")) {
                    (Some(r), _) => (true, r),
                    (_, Some(r)) => (false, r),
                    _ => continue,
                };
            current = rest
                .split(':')
                .next()
                .map(|lint| (failure, lint.trim().to_string()));
            listing = false;
        } else if line.trim() == "Failed in:" {
            listing = current.is_some();
        } else if listing && line.starts_with("  ") && !line.trim().is_empty() {
            let (failure, lint) = current.clone().expect("listing only under a lint");
            out.push(Finding {
                failure,
                lint,
                item: line.trim().to_string(),
            });
        } else if line.trim().is_empty() {
            listing = false;
        }
    }
    // The tool lists items in no fixed order; the written table must not churn.
    out.sort_by(|a, b| (!a.failure, &a.lint, &a.item).cmp(&(!b.failure, &b.lint, &b.item)));
    out
}

/// The Rust item a finding is about: its type (or group, builder, `Client`)
/// and the member, if any. `struct chilipiper_edge::types::Foo, previously
/// ...` -> (`Foo`, None); `FooApi::bar, previously ...` -> (`FooApi`,
/// `bar`); `field x of struct Foo, previously ...` -> (`Foo`, `x`).
fn item_of(line: &str) -> (String, Option<String>) {
    let words: Vec<&str> = line.split_whitespace().collect();
    let clean = |w: &str| w.trim_end_matches([',', ':', '.']).to_string();
    if let (Some(&"field"), Some(at)) = (words.first(), words.iter().position(|w| *w == "of")) {
        let owner = words.get(at + 2).map(|w| clean(w)).unwrap_or_default();
        return (last_segment(&owner), words.get(1).map(|w| clean(w)));
    }
    const KINDS: &[&str] = &[
        "enum", "struct", "union", "trait", "fn", "function", "method", "variant", "type", "const",
        "static", "mod", "module", "macro",
    ];
    let path = words
        .iter()
        .find(|w| !KINDS.contains(w))
        .map(|w| clean(w))
        .unwrap_or_default();
    let segments: Vec<&str> = path
        .split("::")
        .filter(|s| !matches!(*s, "chilipiper_edge" | "types" | "api" | "crate"))
        .collect();
    (
        segments.first().map(|s| s.to_string()).unwrap_or_default(),
        segments.get(1).map(|s| s.to_string()),
    )
}

fn last_segment(path: &str) -> String {
    path.rsplit("::").next().unwrap_or(path).to_string()
}

/// The report's change that names the finding's item with the severity it
/// needs, if any.
fn naming_change<'r>(
    finding: &Finding,
    report: &'r Report,
    old: &Api,
    new: &Api,
) -> Option<&'r Change> {
    let (owner, member) = item_of(&finding.item);
    // Operations the item belongs to: its builder type, its group's method,
    // or a method on `Client` (the group accessor, or an untagged operation).
    let mut ops: BTreeSet<&str> = BTreeSet::new();
    for op in old.operations.iter().chain(&new.operations) {
        let group_method =
            op.group_type == owner && member.as_deref().is_none_or(|m| m == op.method_name);
        let client_method = owner == "Client"
            && member
                .as_deref()
                .is_some_and(|m| m == op.group || (op.group.is_empty() && m == op.method_name));
        if op.builder_type == owner || group_method || client_method {
            ops.insert(&op.id);
        }
    }
    let type_field = format!("{owner}.");
    let renamed_from = format!("renamed from `{owner}`");
    report.changes.iter().find(|c| {
        (c.severity == Severity::Breaking || !finding.failure)
            && (c.subject == owner
                || c.subject.starts_with(&type_field)
                || c.what.contains(&renamed_from)
                || ops.contains(c.subject.as_str()))
    })
}

/// The Markdown of [`AUDIT_FILE`].
fn render(tool: &str, results: &[PairResult]) -> String {
    let mut out = String::from(
        "# Drift report vs cargo-semver-checks\n\n\
         Written by `cargo xtask semver-audit` (not a CI step: installing the tool takes about half an hour). \
         For every pair of `../shared/spec/pairs.txt`, both documents' clients are generated as the \
         committed one is (crate `chilipiper-edge`), and cargo-semver-checks compares their rustdoc JSON \
         (`--release-type minor`, so failures are what needs a new major version). \"Named\" counts the \
         flagged items the drift report names: a failure by a breaking change of the same item (its \
         type, field, or the operation of its method or builder), a warning by any change of it.\n\n",
    );
    let _ = writeln!(out, "Tool: {tool}, with {}.\n", rustc_version());
    out.push_str("| old | new | semver-checks failures | warnings | named by the report | report breaking / compatible | agree |\n|---|---|---:|---:|---:|---:|---|\n");
    for r in results {
        let failures = r.findings.iter().filter(|(f, _)| f.failure).count();
        let warnings = r.findings.len() - failures;
        let unnamed = r.unnamed().count();
        let _ = writeln!(
            out,
            "| `{}` | `{}` | {failures} | {warnings} | {} | {} / {} | {} |",
            r.old,
            r.new,
            r.findings.len() - unnamed,
            r.report.count(Severity::Breaking),
            r.report.count(Severity::Compatible),
            if unnamed == 0 { "yes" } else { "**no**" }
        );
    }
    let mut lints: BTreeMap<(&str, bool), usize> = BTreeMap::new();
    for (f, _) in results.iter().flat_map(|r| &r.findings) {
        *lints.entry((f.lint.as_str(), f.failure)).or_default() += 1;
    }
    out.push_str("\nLints that fired, over all pairs:\n\n");
    for ((lint, failure), n) in &lints {
        let _ = writeln!(
            out,
            "- `{lint}` ({}): {n}",
            if *failure { "failure" } else { "warning" }
        );
    }
    let unnamed: Vec<(&PairResult, &Finding)> = results
        .iter()
        .flat_map(|r| r.unnamed().map(move |f| (r, f)))
        .collect();
    if unnamed.is_empty() {
        out.push_str("\nThe report names every item cargo-semver-checks flags, on every pair.\n");
    } else {
        out.push_str("\nNot named by the report:\n\n");
        for (r, f) in unnamed {
            let _ = writeln!(
                out,
                "- `{}` -> `{}`: {} `{}`: {}",
                r.old,
                r.new,
                if f.failure { "failure" } else { "warning" },
                f.lint,
                f.item
            );
        }
    }
    out.push_str("\n## Every flagged item and the report's change that names it\n");
    for r in results.iter().filter(|r| !r.findings.is_empty()) {
        let _ = write!(out, "\n### `{}` -> `{}`\n\n", r.old, r.new);
        for (f, by) in &r.findings {
            let named = match by {
                Some(c) => format!(
                    "{}: `{}`: {}",
                    if c.severity == Severity::Breaking {
                        "breaking"
                    } else {
                        "compatible"
                    },
                    c.subject,
                    c.what
                ),
                None => "**not named**".to_string(),
            };
            let _ = writeln!(
                out,
                "- {} `{}`: {}\n  - {named}",
                if f.failure { "failure" } else { "warning" },
                f.lint,
                f.item
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const PRINTED: &str = "    Checking <unknown> v0.1.0 -> v0.1.0 (assume minor change)
--- failure enum_missing: pub enum removed or renamed ---

Description:
A publicly-visible enum cannot be imported by its prior path.
        ref: https://doc.rust-lang.org/cargo/reference/semver.html#item-remove

Failed in:
  enum chilipiper_edge::types::DataFieldReference, previously in file src/types.rs:2140

--- failure method_parameter_count_changed: pub method parameter count changed ---

Failed in:
  chilipiper_edge::types::HttpQueryResponseA::new takes 2 parameters in src/types.rs:4772, but now takes 3 parameters in src/types.rs:11413
  AvailabilityApi::slots, previously in file src/api/availability.rs:63

--- warning partial_ord_enum_variants_reordered: enum variants reordered in #[derive(PartialOrd)] enum ---

Failed in:
  DataSource::Unknown moved from position 6 to 7, in src/types.rs:4837

     Summary semver requires new major version: 2 major and 0 minor checks failed
";

    #[test]
    fn findings_are_read_from_the_human_output() {
        let found = parse(PRINTED);
        type Item = (String, Option<String>);
        let items: Vec<(bool, &str, Item)> = found
            .iter()
            .map(|f| (f.failure, f.lint.as_str(), item_of(&f.item)))
            .collect();
        assert_eq!(
            items,
            [
                (
                    true,
                    "enum_missing",
                    ("DataFieldReference".to_string(), None)
                ),
                (
                    true,
                    "method_parameter_count_changed",
                    ("AvailabilityApi".to_string(), Some("slots".to_string()))
                ),
                (
                    true,
                    "method_parameter_count_changed",
                    ("HttpQueryResponseA".to_string(), Some("new".to_string()))
                ),
                (
                    false,
                    "partial_ord_enum_variants_reordered",
                    ("DataSource".to_string(), Some("Unknown".to_string()))
                ),
            ]
        );
        assert_eq!(item_of("field statistics of struct DistributionUserStateActive, previously in file src/types.rs:1"), ("DistributionUserStateActive".to_string(), Some("statistics".to_string())));
    }
}
