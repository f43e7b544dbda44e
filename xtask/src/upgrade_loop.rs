//! `cargo xtask upgrade-loop`: the maintainer's loop, end to end, on real
//! upstream releases, as a new user would run it.
//!
//! For each release (a compatible one, 1.494.0 -> 1.495.0, and a breaking
//! one, 1.287.2 -> 1.494.0) it works in a scratch copy of the repository,
//! `target/upgrade-loop/repo`, beside a scratch `../shared` whose
//! `spec/edge-api.yaml` is the release's document (everything else there is
//! a symlink into the real, read-only `../shared`). Starting from a state
//! pinned to the old document, upstream publishes the new one, and then,
//! with no file edited between the steps:
//!
//! 1. `cargo xtask check` fails and prints the drift report;
//! 2. `cargo xtask regen` succeeds: the changelog gets the entry, the crate
//!    version goes up by the right amount, `Cargo.lock` follows;
//! 3. `cargo test --locked -p chilipiper-edge`: the new client builds and its
//!    own tests pass;
//! 4. `cargo test --locked --workspace`: every test passes;
//! 5. `cargo xtask check` passes;
//! 6. a second `cargo xtask regen` changes no byte.
//!
//! The scratch builds into the main `target/` (only the workspace's own
//! crates are compiled again, under names of their own: see [`run_cargo`])
//! and is kept between runs, synchronised file by file, so unchanged files
//! keep their mtimes and a second release or a second run rebuilds only what
//! changed.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Instant;

use crate::scratch::log;
use crate::{
    failed, package_version, Error, Outcome, CHANGELOG_FILE, CLIENT_CRATE, CLIENT_DIR, LOCK_FILE,
};

/// Where the scratch repository and its `../shared` live, under the root.
const SCRATCH: &str = "target/upgrade-loop";

/// One upstream release: the document pinned before, the one published, and
/// whether the drift report must call it breaking.
struct Release {
    old: &'static str,
    new: &'static str,
    breaking: bool,
}

/// The real releases the loop replays (documents of `../shared/spec`).
const RELEASES: &[Release] = &[
    Release {
        old: "edge-api-1.494.0.yaml",
        new: "edge-api-1.495.0.yaml",
        breaking: false,
    },
    Release {
        old: "edge-api-1.287.2.yaml",
        new: "edge-api-1.494.0.yaml",
        breaking: true,
    },
];

/// Runs the loop for every release; fails at the first step that goes wrong,
/// with that step's output.
pub fn upgrade_loop(root: &Path) -> Result<Outcome, Error> {
    let started = Instant::now();
    let scratch = root.join(SCRATCH);
    let repo = scratch.join("repo");
    let files = repository_files(root)?;
    let mut lines = Vec::new();
    for release in RELEASES {
        lines.push(replay(root, &scratch, &repo, &files, release)?);
    }
    lines.push(format!(
        "upgrade loop passed for {} releases in {:.0} s",
        RELEASES.len(),
        started.elapsed().as_secs_f64()
    ));
    Ok(Outcome::ok(lines.join("\n")))
}

/// One release through the whole loop; returns a line saying what happened
/// and how long each step took.
fn replay(
    root: &Path,
    scratch: &Path,
    repo: &Path,
    files: &[String],
    release: &Release,
) -> Result<String, Error> {
    let name = format!("{} -> {}", version_of(release.old), version_of(release.new));
    let fail = |step: &str, why: String| {
        failed(format!(
            "upgrade loop {name}: {step}: {why}\n(scratch repository in {})",
            repo.display()
        ))
    };
    sync_files(root, repo, files).map_err(|e| fail("copying the repository", e))?;
    let spec = root.join("../shared/spec");

    // The state a maintainer starts from: the client pinned to the old
    // document, committed, with a green gate.
    publish(root, scratch, &spec.join(release.old)).map_err(|e| fail("setting up ../shared", e))?;
    let timer = Instant::now();
    let pinned = fs::read_to_string(repo.join("spec/pin.json")).unwrap_or_default();
    let old_sha = crate::fetch(&spec.join(release.old).display().to_string(), root)
        .map_err(|e| fail("reading the old document", e.to_string()))?
        .sha256;
    if !pinned.contains(&old_sha) {
        expect(run_xtask(root, repo, &["regen"])?, true).map_err(|e| {
            fail(
                &format!("setting up the {} pin", version_of(release.old)),
                e,
            )
        })?;
    }
    expect(run_xtask(root, repo, &["check"])?, true)
        .map_err(|e| fail("the starting state's gate", e))?;
    let setup = timer.elapsed();
    let version_before = client_version(repo).map_err(|e| fail("reading the client version", e))?;

    // Upstream publishes the new document.
    publish(root, scratch, &spec.join(release.new))
        .map_err(|e| fail("publishing the new document", e))?;

    let timer = Instant::now();
    let red = run_xtask(root, repo, &["check"])?;
    let red = expect(red, false).map_err(|e| {
        fail(
            "`cargo xtask check` after the release",
            format!("it passed; it must fail with the report\n{e}"),
        )
    })?;
    let report = String::from_utf8_lossy(&red.stderr).into_owned();
    let heading = format!(
        "## Chili Piper Edge API {} → {}",
        version_of(release.old),
        version_of(release.new)
    );
    let breaking_count = report
        .lines()
        .find_map(|l| {
            l.split_once(" breaking, ")
                .and_then(|(n, _)| n.trim().parse::<usize>().ok())
        })
        .ok_or_else(|| {
            fail(
                "`cargo xtask check` after the release",
                format!("no report counts in its output:\n{report}"),
            )
        })?;
    if !report.contains(&heading)
        || (breaking_count > 0) != release.breaking
        || !report.contains("fix: run `cargo xtask regen` and commit")
    {
        return Err(fail(
            "`cargo xtask check` after the release",
            format!(
                "expected the report `{heading}` with {} and the regen advice:\n{report}",
                if release.breaking {
                    "breaking changes"
                } else {
                    "no breaking change"
                }
            ),
        ));
    }
    let check_red = timer.elapsed();

    let timer = Instant::now();
    let regen = run_xtask(root, repo, &["regen"])?;
    expect(regen, true).map_err(|e| fail("`cargo xtask regen`", e))?;
    let expected = bump(&version_before, release.breaking).ok_or_else(|| {
        fail(
            "the version before",
            format!("`{version_before}` is not MAJOR.MINOR.PATCH"),
        )
    })?;
    let version_after = client_version(repo).map_err(|e| fail("reading the client version", e))?;
    if version_after != expected {
        return Err(fail(
            "the version bump",
            format!("{version_before} became {version_after}, expected {expected}"),
        ));
    }
    let changelog = fs::read_to_string(repo.join(CLIENT_DIR).join(CHANGELOG_FILE))
        .map_err(|e| fail("reading the changelog", e.to_string()))?;
    let entry_heading = format!(
        "\n## {CLIENT_CRATE} {expected}: Chili Piper Edge API {}\n",
        version_of(release.new)
    );
    let first_entry = changelog.find("\n## ");
    if first_entry != changelog.find(&entry_heading) || first_entry.is_none() {
        return Err(fail(
            "the changelog",
            format!(
                "the first entry is not `{}`:\n{changelog}",
                entry_heading.trim()
            ),
        ));
    }
    let entry_start = first_entry.unwrap_or_default() + 1;
    let entry_end = changelog[entry_start..]
        .find("\n## ")
        .map_or(changelog.len(), |i| entry_start + i);
    let entry = &changelog[entry_start..entry_end];
    let previous = format!(
        "(the previous version was generated from {})",
        version_of(release.old)
    );
    if !entry.contains(&previous) || !entry.contains(&format!("{breaking_count} breaking, ")) {
        return Err(fail(
            "the changelog entry",
            format!("expected `{previous}` and {breaking_count} breaking changes:\n{entry}"),
        ));
    }
    let regen_time = timer.elapsed();

    let timer = Instant::now();
    expect(
        run_cargo(
            root,
            repo,
            &["test", "--locked", "--quiet", "-p", CLIENT_CRATE],
        )?,
        true,
    )
    .map_err(|e| fail("the regenerated client's own tests", e))?;
    let client_tests = timer.elapsed();
    let timer = Instant::now();
    expect(
        run_cargo(root, repo, &["test", "--locked", "--quiet", "--workspace"])?,
        true,
    )
    .map_err(|e| fail("`cargo test --workspace`", e))?;
    let workspace_tests = timer.elapsed();

    let timer = Instant::now();
    expect(run_xtask(root, repo, &["check"])?, true)
        .map_err(|e| fail("`cargo xtask check` after regen", e))?;
    let committed = tree_bytes(repo, &[CLIENT_DIR, "spec", LOCK_FILE]);
    expect(run_xtask(root, repo, &["regen"])?, true)
        .map_err(|e| fail("the second `cargo xtask regen`", e))?;
    let again = tree_bytes(repo, &[CLIENT_DIR, "spec", LOCK_FILE]);
    if again != committed {
        let changed: BTreeSet<&String> = committed
            .symmetric_difference(&again)
            .map(|(path, _)| path)
            .collect();
        return Err(fail(
            "the second `cargo xtask regen`",
            format!("it changed bytes of {changed:?}"),
        ));
    }
    let green = timer.elapsed();

    Ok(format!(
        "{name} ({}): setup {:.0} s; check red with the report {:.1} s; regen {version_before} -> {version_after} {:.1} s; \
         client tests {:.0} s; workspace tests {:.0} s; check green and a second regen byte-identical {:.1} s",
        if release.breaking { format!("breaking, {breaking_count} breaking changes") } else { "compatible".to_string() },
        setup.as_secs_f64(),
        check_red.as_secs_f64(),
        regen_time.as_secs_f64(),
        client_tests.as_secs_f64(),
        workspace_tests.as_secs_f64(),
        green.as_secs_f64(),
    ))
}

/// `edge-api-1.495.0.yaml` -> `1.495.0`.
fn version_of(document: &str) -> &str {
    document
        .trim_start_matches("edge-api-")
        .trim_end_matches(".yaml")
}

/// The next version after a release: the breaking number up (the minor in
/// 0.x) or the patch (the minor from 1.0). Written out here rather than
/// calling the differ's `next_version`, so the loop checks it.
fn bump(version: &str, breaking: bool) -> Option<String> {
    let parts: Vec<u64> = version
        .split('.')
        .map(|p| p.parse().ok())
        .collect::<Option<_>>()?;
    let [major, minor, patch] = parts[..] else {
        return None;
    };
    Some(match (major, breaking) {
        (0, true) => format!("0.{}.0", minor + 1),
        (0, false) => format!("0.{minor}.{}", patch + 1),
        (_, true) => format!("{}.0.0", major + 1),
        (_, false) => format!("{major}.{}.0", minor + 1),
    })
}

fn client_version(repo: &Path) -> Result<String, String> {
    let manifest =
        fs::read_to_string(repo.join(CLIENT_DIR).join("Cargo.toml")).map_err(|e| e.to_string())?;
    package_version(&manifest).ok_or_else(|| "no [package] version".to_string())
}

/// The repository's files as git sees them: tracked, and untracked but not
/// ignored (so an uncommitted change is tested too).
fn repository_files(root: &Path) -> Result<Vec<String>, Error> {
    let output = Command::new("git")
        .current_dir(root)
        .args([
            "ls-files",
            "-z",
            "--cached",
            "--others",
            "--exclude-standard",
        ])
        .output()
        .map_err(|e| {
            failed(format!(
                "cannot run git to list the repository's files: {e}"
            ))
        })?;
    if !output.status.success() {
        return Err(failed(format!(
            "git ls-files failed in {}:\n{}",
            root.display(),
            log(&output)
        )));
    }
    let listed = String::from_utf8_lossy(&output.stdout).into_owned();
    let files: BTreeSet<String> = listed
        .split('\0')
        .filter(|f| !f.is_empty() && root.join(f).is_file())
        .map(str::to_string)
        .collect();
    Ok(files.into_iter().collect())
}

/// Makes `dest` hold exactly `files` of `root`, writing only the files that
/// differ, so the others keep their mtimes and are not rebuilt.
fn sync_files(root: &Path, dest: &Path, files: &[String]) -> Result<(), String> {
    let keep: BTreeSet<PathBuf> = files.iter().map(|f| dest.join(f)).collect();
    for file in files {
        let (from, to) = (root.join(file), dest.join(file));
        let bytes = fs::read(&from).map_err(|e| format!("{}: {e}", from.display()))?;
        if fs::read(&to).ok().as_deref() != Some(bytes.as_slice()) {
            if let Some(parent) = to.parent() {
                fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
            }
            fs::write(&to, &bytes).map_err(|e| format!("{}: {e}", to.display()))?;
        }
    }
    remove_others(dest, &keep).map_err(|e| format!("{}: {e}", dest.display()))
}

/// Deletes every file under `dir` that is not in `keep` (what a previous run
/// or a regen left behind).
fn remove_others(dir: &Path, keep: &BTreeSet<PathBuf>) -> std::io::Result<()> {
    for entry in fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            remove_others(&path, keep)?;
        } else if !keep.contains(&path) {
            fs::remove_file(&path)?;
        }
    }
    Ok(())
}

/// Lays out the scratch `../shared`: symlinks into the real one, except
/// `spec/edge-api.yaml`, which becomes a copy of `document`.
fn publish(root: &Path, scratch: &Path, document: &Path) -> Result<(), String> {
    let real = root
        .join("../shared")
        .canonicalize()
        .map_err(|e| format!("../shared: {e}"))?;
    let shared = scratch.join("shared");
    let _ = fs::remove_dir_all(&shared);
    fs::create_dir_all(shared.join("spec")).map_err(|e| e.to_string())?;
    for (from, to) in [
        (real.clone(), shared.clone()),
        (real.join("spec"), shared.join("spec")),
    ] {
        for entry in fs::read_dir(&from).map_err(|e| format!("{}: {e}", from.display()))? {
            let name = entry.map_err(|e| e.to_string())?.file_name();
            if (to == shared && name == "spec") || (to != shared && name == "edge-api.yaml") {
                continue;
            }
            symlink(&from.join(&name), &to.join(&name))
                .map_err(|e| format!("{}: {e}", to.join(&name).display()))?;
        }
    }
    fs::copy(document, shared.join("spec/edge-api.yaml"))
        .map_err(|e| format!("{}: {e}", document.display()))?;
    Ok(())
}

#[cfg(unix)]
fn symlink(target: &Path, link: &Path) -> std::io::Result<()> {
    std::os::unix::fs::symlink(target, link)
}

#[cfg(not(unix))]
fn symlink(target: &Path, link: &Path) -> std::io::Result<()> {
    // Without symlinks, a copy: the scratch never writes into it either.
    if target.is_dir() {
        Err(std::io::Error::other(
            "the upgrade loop needs symlinks for directories",
        ))
    } else {
        fs::copy(target, link).map(drop)
    }
}

/// Every file under the given paths of `repo`, with its bytes.
fn tree_bytes(repo: &Path, paths: &[&str]) -> BTreeSet<(String, Vec<u8>)> {
    fn walk(base: &Path, path: &Path, out: &mut BTreeSet<(String, Vec<u8>)>) {
        if path.is_dir() {
            for entry in fs::read_dir(path).into_iter().flatten().flatten() {
                walk(base, &entry.path(), out);
            }
        } else if let Ok(bytes) = fs::read(path) {
            let name = path
                .strip_prefix(base)
                .unwrap_or(path)
                .display()
                .to_string();
            out.insert((name, bytes));
        }
    }
    let mut out = BTreeSet::new();
    for p in paths {
        walk(repo, &repo.join(p), &mut out);
    }
    out
}

/// `cargo xtask <args>` in the scratch repository, as a maintainer types it.
fn run_xtask(root: &Path, repo: &Path, args: &[&str]) -> Result<Output, Error> {
    let mut all = vec!["xtask"];
    all.extend_from_slice(args);
    run_cargo(root, repo, &all)
}

/// `cargo <args>` in the scratch repository, building into the main
/// `target/` so dependencies are not compiled again.
///
/// Cargo names the artifacts of a workspace's own crates by their path
/// relative to the workspace root, so the copy's `chili-gen` would take the
/// very files (and fingerprints) of the original's: the original would then
/// find them fresh and run binaries that point into the scratch. A workspace
/// wrapper (`env`, which just runs rustc) is part of those crates' metadata,
/// so theirs get names of their own, while dependencies, built without it,
/// are shared.
fn run_cargo(root: &Path, repo: &Path, args: &[&str]) -> Result<Output, Error> {
    Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .current_dir(repo)
        .env("CARGO_TARGET_DIR", root.join("target"))
        .env("RUSTC_WORKSPACE_WRAPPER", "env")
        // Each release compiles the client afresh (a new version is a new
        // crate to Cargo): incremental state would only cost time and disk.
        .env("CARGO_INCREMENTAL", "0")
        .args(args)
        .output()
        .map_err(|e| failed(format!("cannot run cargo {}: {e}", args.join(" "))))
}

/// The output, or why it is not what was expected (with what it printed).
fn expect(output: Output, success: bool) -> Result<Output, String> {
    if output.status.success() == success {
        Ok(output)
    } else {
        Err(format!(
            "{} ({}):\n{}",
            if success { "it failed" } else { "it succeeded" },
            output.status,
            log(&output)
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_bump_like_the_readme_says() {
        assert_eq!(bump("0.1.0", false).as_deref(), Some("0.1.1"));
        assert_eq!(bump("0.1.3", true).as_deref(), Some("0.2.0"));
        assert_eq!(bump("1.4.2", false).as_deref(), Some("1.5.0"));
        assert_eq!(bump("1.4.2", true).as_deref(), Some("2.0.0"));
        assert_eq!(bump("1.4", true), None);
    }

    #[test]
    fn sync_writes_only_what_differs_and_removes_the_rest() {
        let tmp = tempfile::tempdir().unwrap();
        let (root, dest) = (tmp.path().join("root"), tmp.path().join("dest"));
        fs::create_dir_all(root.join("a")).unwrap();
        fs::write(root.join("a/same.txt"), "same").unwrap();
        fs::write(root.join("new.txt"), "new").unwrap();
        fs::create_dir_all(dest.join("a")).unwrap();
        fs::write(dest.join("a/same.txt"), "same").unwrap();
        fs::write(dest.join("stale.txt"), "left by a regen").unwrap();
        let before = fs::metadata(dest.join("a/same.txt"))
            .unwrap()
            .modified()
            .unwrap();
        sync_files(
            &root,
            &dest,
            &["a/same.txt".to_string(), "new.txt".to_string()],
        )
        .unwrap();
        assert_eq!(fs::read_to_string(dest.join("new.txt")).unwrap(), "new");
        assert!(!dest.join("stale.txt").exists());
        assert_eq!(
            fs::metadata(dest.join("a/same.txt"))
                .unwrap()
                .modified()
                .unwrap(),
            before
        );
    }
}
