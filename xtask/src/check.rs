//! `cargo xtask check`: the drift gate. Red when the upstream document moved
//! on from the pin (with the report and the version regen would give), or
//! when the committed crates or baseline are not what the generator writes
//! for the pinned document.

use std::path::Path;

use chili_gen::baseline::{self, Pin};
use chili_gen::diff::diff;
use chili_gen::names::NameTable;
use chili_gen::write::{diff_dir, DiffKind, FileDiff};
use chili_gen::Naming;

use crate::fetch::Document;
use crate::project::{client_crate, generator_error, names_lines, read_pin, Committed};
use crate::referenced::Referenced;
use crate::{
    cli, failed, fetch, project_names, short, Error, Outcome, BASELINE_FILE, CHANGELOG_FILE,
    CLIENT_CRATE, CLIENT_DIR, PIN_FILE,
};

/// How many differing files `check` lists before summarising the rest.
const MAX_LISTED: usize = 20;

pub(crate) fn check(root: &Path, spec: Option<&str>) -> Result<Outcome, Error> {
    let pin = read_pin(root)?;
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
            root,
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
        keep_forwarders: true,
    };
    let api = crate::referenced::api(&doc.text, source, root, &naming)?;
    // The baseline must be what regen records for the pinned document, or the
    // next drift report would compare against something else.
    let expected = baseline::to_json(&api);
    if committed.baseline_text.as_deref() != Some(expected.as_str()) {
        let mut text = match &committed.baseline {
            None => format!("{BASELINE_FILE} does not exist"),
            Some(old) => {
                let changed = old.changed_sources(&api);
                let report = diff(old, &api);
                let why = if changed.is_empty() {
                    "as the generator now reads it".to_string()
                } else {
                    format!(
                        "because documents it references changed since the pin: {}",
                        changed.join(", ")
                    )
                };
                if report.is_empty() {
                    format!(
                        "{BASELINE_FILE} is not what regen writes for the pinned document ({why})"
                    )
                } else {
                    format!(
                        "{BASELINE_FILE} does not match the pinned document {why}:\n\n{}",
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
    let release = committed.plan(None, &api, true)?;
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
    root: &Path,
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
        keep_forwarders: false,
    };
    let planned = chili_gen::build_release(&doc.text, source, &Referenced { root }, &naming)
        .map_err(generator_error)
        .and_then(|(api, report)| {
            let release = committed.plan(report.as_ref(), &api, false)?;
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

#[cfg(test)]
mod tests {
    use super::*;

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
