//! The release a regeneration makes: the generated crate's next version (by
//! the drift report's severity, see [`crate::diff::next_version`]) and its
//! changelog with the report as a new entry, newest first.
//!
//! Pure functions of the previous release and the report, so they are tested
//! here; xtask reads the previous release from disk and writes the result.

use crate::diff::{next_version, Report};
use crate::ir::Api;

/// Version of a generated crate that has no version yet.
pub const FIRST_VERSION: &str = "0.1.0";

/// The release a regeneration starts from, as committed.
#[derive(Debug, Clone, Copy)]
pub struct Previous<'a> {
    /// Cargo package name of the generated crate (`chilipiper-edge`), which
    /// heads each changelog entry.
    pub crate_name: &'a str,
    /// Its current version ([`FIRST_VERSION`] when it has none).
    pub version: &'a str,
    /// Its changelog, if it has one.
    pub changelog: Option<&'a str>,
    /// The names file, named in an entry whose changes come from it or from
    /// the generator rather than from the API (`spec/names.toml`).
    pub names_file: &'a str,
}

/// The version and changelog a regeneration writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Release {
    /// The crate's new version (unchanged when nothing changed).
    pub version: String,
    /// The whole changelog, the new entry (if any) on top.
    pub changelog: String,
}

/// The previous version is not `MAJOR.MINOR.PATCH`, so no next one follows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadVersion(pub String);

impl std::fmt::Display for BadVersion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "version `{}` is not MAJOR.MINOR.PATCH; set one in the crate's Cargo.toml",
            self.0
        )
    }
}

impl std::error::Error for BadVersion {}

/// The next release after `previous`, given the drift `report` from the
/// baseline to `api` (`None`: no baseline, nothing to compare with).
/// `same_document`: `api` comes from the pinned document again, so its
/// changes are the generator's or the names file's, not the API's.
pub fn plan(
    previous: &Previous<'_>,
    report: Option<&Report>,
    api: &Api,
    same_document: bool,
) -> Result<Release, BadVersion> {
    let severity = report.and_then(Report::severity);
    let version = next_version(previous.version, severity)
        .ok_or_else(|| BadVersion(previous.version.to_string()))?;
    let crate_name = previous.crate_name;
    let entry = match report {
        Some(report) if !report.is_empty() => Some(format!(
            "## {crate_name} {version}: {} {}\n\n{}\n\n{}",
            api.title,
            api.version,
            if same_document {
                format!(
                    "Generated again from version {} of the document: these changes come from the \
                     generator or from {}, not from the API.",
                    api.version, previous.names_file
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
        _ if previous.changelog.is_none() => Some(format!(
            "## {crate_name} {version}: {} {}\n\n\
             Generated from version {} of the document. Changes are recorded from here on.\n",
            api.title, api.version, api.version,
        )),
        _ => None,
    };
    Ok(Release {
        version,
        changelog: changelog_with(previous, entry.as_deref()),
    })
}

/// The previous changelog (or a new one) with `entry` on top.
fn changelog_with(previous: &Previous<'_>, entry: Option<&str>) -> String {
    let mut changelog = previous
        .changelog
        .map_or_else(|| changelog_header(previous.crate_name), str::to_string);
    if let Some(entry) = entry {
        insert_entry(&mut changelog, entry);
    }
    changelog
}

/// The release when the API and its Rust surface are unchanged (the drift
/// report is empty) but the generator writes `files` files differently: a new
/// runtime requirement, fixed code. A published version cannot change, so
/// this is a release of its own, a compatible one, with an entry saying so.
pub fn regenerated(
    previous: &Previous<'_>,
    api: &Api,
    files: usize,
) -> Result<Release, BadVersion> {
    let version = next_version(previous.version, Some(crate::diff::Severity::Compatible))
        .ok_or_else(|| BadVersion(previous.version.to_string()))?;
    let crate_name = previous.crate_name;
    let entry = format!(
        "## {crate_name} {version}: {} {}\n\n\
         Generated again from version {} of the document by a newer generator: {files} {} \
         from {crate_name} {}, and the drift report finds no change to the API or to the \
         crate's names and types.\n",
        api.title,
        api.version,
        api.version,
        if files == 1 {
            "file of the crate differs"
        } else {
            "files of the crate differ"
        },
        previous.version,
    );
    Ok(Release {
        version,
        changelog: changelog_with(previous, Some(&entry)),
    })
}

/// The head of a new changelog, before any entry.
pub fn changelog_header(crate_name: &str) -> String {
    format!(
        "# Changelog of `{crate_name}`\n\n\
         Written by `cargo xtask regen`, newest first. Each entry is the drift report between \
         the API document the previous version was generated from and the one this version was \
         generated from, as a user of this crate sees it: breaking changes (the version's \
         breaking number goes up) and compatible ones.\n"
    )
}

/// Puts `entry` (a `## ` section) newest first: right after the header,
/// before the first entry, one blank line between sections.
pub fn insert_entry(changelog: &mut String, entry: &str) {
    let at = changelog.find("\n## ").map_or(changelog.len(), |i| i + 1);
    let separator = if at == changelog.len() && !changelog.ends_with("\n\n") {
        "\n"
    } else {
        ""
    };
    let tail = if at == changelog.len() { "" } else { "\n" };
    changelog.insert_str(at, &format!("{separator}{entry}{tail}"));
}

/// The `version` of a Cargo manifest's `[package]` table.
pub fn package_version(manifest: &str) -> Option<String> {
    package_field(manifest, "version")
}

/// The `name` of a Cargo manifest's `[package]` table.
pub fn package_name(manifest: &str) -> Option<String> {
    package_field(manifest, "name")
}

/// A string `key = "value"` of a Cargo manifest's `[package]` table.
fn package_field(manifest: &str, key: &str) -> Option<String> {
    let mut in_package = false;
    for line in manifest.lines().map(str::trim) {
        if line.starts_with('[') {
            in_package = line == "[package]";
        } else if in_package {
            if let Some(value) = line.strip_prefix(key).map(str::trim_start) {
                if let Some(value) = value.strip_prefix('=') {
                    return Some(value.trim().trim_matches('"').to_string());
                }
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_generator_only_change_is_a_compatible_release_of_its_own() {
        let log = "# Changelog of `pets`\n\nintro\n\n## pets 0.2.0: Pets 1.0.0\n\nold\n";
        let release = regenerated(&previous("0.2.0", Some(log)), &api("1.0.0"), 3).unwrap();
        assert_eq!(release.version, "0.2.1");
        let new_entry = release.changelog.find("## pets 0.2.1: Pets 1.0.0").unwrap();
        assert!(new_entry < release.changelog.find("## pets 0.2.0").unwrap());
        assert!(
            release
                .changelog
                .contains("by a newer generator: 3 files of the crate differ from pets 0.2.0"),
            "{}",
            release.changelog
        );
        assert_eq!(
            regenerated(&previous("1.4.2", None), &api("1.0.0"), 1)
                .unwrap()
                .version,
            "1.5.0"
        );
        assert!(regenerated(&previous("x", None), &api("1.0.0"), 1).is_err());
    }
    use crate::diff::{Area, Change, Severity};

    fn api(version: &str) -> Api {
        let doc =
            format!("openapi: 3.0.3\ninfo: {{title: Pets, version: {version}}}\npaths: {{}}\n");
        crate::build_api(&doc, "t.yaml").unwrap()
    }

    fn report(severities: &[Severity]) -> Report {
        Report {
            title: "Pets".into(),
            old_version: "1.0.0".into(),
            new_version: "1.1.0".into(),
            changes: severities
                .iter()
                .enumerate()
                .map(|(i, &severity)| Change {
                    severity,
                    area: Area::Type,
                    subject: format!("T{i}"),
                    what: "changed".into(),
                    reason: "because".into(),
                })
                .collect(),
        }
    }

    fn previous<'a>(version: &'a str, changelog: Option<&'a str>) -> Previous<'a> {
        Previous {
            crate_name: "pets",
            version,
            changelog,
            names_file: "spec/names.toml",
        }
    }

    #[test]
    fn first_release_starts_the_changelog_at_its_version() {
        let release = plan(&previous(FIRST_VERSION, None), None, &api("1.0.0"), false).unwrap();
        assert_eq!(release.version, "0.1.0");
        assert!(release.changelog.starts_with("# Changelog of `pets`\n\n"));
        assert!(
            release.changelog.ends_with(
                ".\n\n## pets 0.1.0: Pets 1.0.0\n\nGenerated from version 1.0.0 of the document. \
                 Changes are recorded from here on.\n"
            ),
            "{}",
            release.changelog
        );
    }

    #[test]
    fn breaking_and_compatible_reports_bump_and_add_an_entry_on_top() {
        let start = plan(&previous("0.3.2", None), None, &api("1.0.0"), false).unwrap();
        let log = start.changelog.as_str();

        let breaking = report(&[Severity::Compatible, Severity::Breaking]);
        let next = plan(
            &previous("0.3.2", Some(log)),
            Some(&breaking),
            &api("1.1.0"),
            false,
        )
        .unwrap();
        assert_eq!(next.version, "0.4.0");
        let top = next.changelog.find("## pets 0.4.0: Pets 1.1.0").unwrap();
        let older = next.changelog.find("## pets 0.3.2: Pets 1.0.0").unwrap();
        assert!(top < older, "{}", next.changelog);
        assert!(
            next.changelog[top..older].contains("(the previous version was generated from 1.0.0)")
        );
        assert!(next.changelog[top..older].contains("1 breaking, 1 compatible changes."));
        assert!(
            next.changelog[top..older].ends_with("because\n\n"),
            "{}",
            next.changelog
        );

        let compatible = report(&[Severity::Compatible]);
        let next = plan(
            &previous("1.4.2", Some(log)),
            Some(&compatible),
            &api("1.1.0"),
            true,
        )
        .unwrap();
        assert_eq!(next.version, "1.5.0");
        assert!(next
            .changelog
            .contains("these changes come from the generator or from spec/names.toml"));
    }

    #[test]
    fn no_change_keeps_version_and_changelog() {
        let log = "# Changelog\n\n## pets 0.2.0: Pets 1.0.0\n\nx\n";
        let release = plan(
            &previous("0.2.0", Some(log)),
            Some(&report(&[])),
            &api("1.0.1"),
            false,
        )
        .unwrap();
        assert_eq!(
            release,
            Release {
                version: "0.2.0".into(),
                changelog: log.into()
            }
        );
    }

    #[test]
    fn a_version_that_is_not_semver_is_refused() {
        let e = plan(&previous("1.4", None), None, &api("1.0.0"), false).unwrap_err();
        assert_eq!(e, BadVersion("1.4".into()));
        assert!(e.to_string().contains("`1.4` is not MAJOR.MINOR.PATCH"));
    }

    #[test]
    fn entries_go_after_the_header_and_before_older_ones() {
        let mut log = "# C\n\nhead\n".to_string();
        insert_entry(&mut log, "## a\n\nA\n");
        assert_eq!(log, "# C\n\nhead\n\n## a\n\nA\n");
        insert_entry(&mut log, "## b\n\nB\n");
        assert_eq!(log, "# C\n\nhead\n\n## b\n\nB\n\n## a\n\nA\n");
    }

    #[test]
    fn package_version_reads_the_package_table_only() {
        let manifest = "[workspace]\nversion = \"9.9.9\"\n\n[package]\nname = \"x\"\nversion = \"0.4.1\"\n\n[dependencies]\nversion = \"1\"\n";
        assert_eq!(package_version(manifest).as_deref(), Some("0.4.1"));
        assert_eq!(package_version("[dependencies]\nversion = \"1\"\n"), None);
        assert_eq!(
            package_name("[[bin]]\nname = \"b\"\n[package]\nname = \"pets\"\n").as_deref(),
            Some("pets")
        );
    }
}
