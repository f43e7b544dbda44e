//! `cargo xtask regen`: generate the committed client and CLI from the
//! document, pin it, record its baseline, and write the release (version and
//! changelog entry) the drift report calls for.

use std::path::Path;

use chili_gen::baseline::{self, Pin};
use chili_gen::write::{diff_dir, write_crate, GENERATOR};
use chili_gen::Naming;

use crate::referenced::Referenced;

use crate::project::{
    client_crate, names_lines, read_pin, sync_lock_version, write_if_changed, Committed,
};
use crate::{
    cli, failed, fetch, project_names, Error, Outcome, BASELINE_FILE, CHANGELOG_FILE, CLIENT_CRATE,
    CLIENT_DIR, DEFAULT_SPEC, LOCK_FILE, PIN_FILE,
};

pub(crate) fn regen(root: &Path, spec: Option<&str>) -> Result<Outcome, Error> {
    let source = spec.unwrap_or(DEFAULT_SPEC);
    let doc = fetch(source, root)?;
    let committed = Committed::read(root)?;
    let names = project_names(root)?;
    // Same bytes as pinned: this regeneration remakes the pinned release
    // (generator or names changed), whose forwarders stay.
    let same_document = read_pin(root).is_ok_and(|pin| pin.sha256 == doc.sha256);
    let naming = Naming {
        table: names.as_ref(),
        baseline: committed.baseline.as_ref(),
        keep_forwarders: same_document,
    };
    let (api, report) = chili_gen::build_release(&doc.text, source, &Referenced { root }, &naming).map_err(|e| {
        failed(format!(
            "{e}\nnothing was written: {CLIENT_DIR}/, {PIN_FILE} and {BASELINE_FILE} are as they were"
        ))
    })?;
    let client = root.join(CLIENT_DIR);
    // The root's bytes are pinned; a referenced document may still have
    // changed, and then the changes are the API's, not the generator's.
    let same_sources = committed
        .baseline
        .as_ref()
        .is_none_or(|old| old.changed_sources(&api).is_empty());
    let mut release = committed.plan(report.as_ref(), &api, same_document && same_sources)?;
    let mut krate = client_crate(&api, source, &release)?;
    let compare = |krate: &_| {
        diff_dir(&client, krate)
            .map_err(|e| failed(format!("cannot compare with {CLIENT_DIR}/: {e}")))
    };
    let mut diffs = compare(&krate)?;
    // The API did not change but the crate did: the generator writes it
    // differently now. A published version cannot change, so that is a
    // release of its own (a crate not yet released has nothing to keep).
    let generator_only = report.as_ref().is_some_and(|r| r.is_empty())
        && release.version == committed.version
        && committed.changelog.is_some()
        && !diffs.is_empty();
    if generator_only {
        release = committed.regenerated(&api, diffs.len())?;
        krate = client_crate(&api, source, &release)?;
        diffs = compare(&krate)?;
    }
    // Emitted before anything is written, so a failure leaves both crates intact.
    let cli_krate = cli::cli_crate(&api, &release.version)?;
    // Rewriting identical files would only bump mtimes and rebuild the client.
    if !diffs.is_empty() {
        write_crate(&client, &krate)
            .map_err(|e| failed(format!("cannot write {CLIENT_DIR}/: {e}")))?;
    }
    let cli_changed = cli::write(root, &cli_krate)?;

    let baseline_changed = write_if_changed(&root.join(BASELINE_FILE), &baseline::to_json(&api))
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
        Some(r) if r.is_empty() && generator_only => format!(
            "none since version {}, but the generator now writes the crate differently \
             (new entry in {CLIENT_DIR}/{CHANGELOG_FILE})",
            r.old_version
        ),
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
