//! The report: changes, sorted, rendered as Markdown or JSON.

use std::fmt::Write as _;

use serde::Serialize;

use super::code;

/// How a change affects code that uses the generated crate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Code that compiled and worked against the old crate may not any more.
    Breaking,
    /// Existing code keeps compiling and working.
    Compatible,
}

/// What a change is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Area {
    /// The document as a whole: version, base URL.
    Document,
    /// An operation (a client method).
    Operation,
    /// A named type, or one of its fields, values or variants.
    Type,
}

/// One change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    pub severity: Severity,
    pub area: Area,
    /// Operation id, Rust type name, or `Type.field` (Rust names).
    pub subject: String,
    /// What changed, in a few words.
    pub what: String,
    /// Why it is breaking or compatible, for a user of the crate.
    pub reason: String,
}

/// Every change between two APIs, sorted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    /// The new document's title.
    pub title: String,
    pub old_version: String,
    pub new_version: String,
    pub changes: Vec<Change>,
}

impl Report {
    /// No change a user of the client can see.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    /// How many changes have `severity`.
    pub fn count(&self, severity: Severity) -> usize {
        self.changes
            .iter()
            .filter(|c| c.severity == severity)
            .count()
    }

    /// True when any change is breaking.
    pub fn has_breaking(&self) -> bool {
        self.count(Severity::Breaking) > 0
    }

    /// The most severe change, if any: what a version bump follows.
    pub fn severity(&self) -> Option<Severity> {
        self.changes.iter().map(|c| c.severity).min()
    }

    /// The report as a Markdown section (for a pull request or a changelog
    /// entry), headed `## <title> <old> → <new>`.
    pub fn to_markdown(&self) -> String {
        format!(
            "## {} {} → {}\n\n{}",
            self.title,
            self.old_version,
            self.new_version,
            self.markdown_body()
        )
    }

    /// The report without its heading: a summary line, then `### Breaking
    /// changes` and `### Compatible changes`, each by area.
    pub fn markdown_body(&self) -> String {
        if self.is_empty() {
            return "No changes a user of the client can see.\n".to_string();
        }
        let mut out = format!(
            "{} breaking, {} compatible change{}.\n",
            self.count(Severity::Breaking),
            self.count(Severity::Compatible),
            if self.changes.len() == 1 { "" } else { "s" }
        );
        for (severity, heading) in [
            (Severity::Breaking, "Breaking changes"),
            (Severity::Compatible, "Compatible changes"),
        ] {
            if self.count(severity) == 0 {
                continue;
            }
            let _ = write!(out, "\n### {heading}\n");
            for (area, area_heading) in [
                (Area::Document, "Document"),
                (Area::Operation, "Operations"),
                (Area::Type, "Types"),
            ] {
                let items: Vec<&Change> = self
                    .changes
                    .iter()
                    .filter(|c| c.severity == severity && c.area == area)
                    .collect();
                if items.is_empty() {
                    continue;
                }
                let _ = write!(out, "\n#### {area_heading}\n\n");
                for c in items {
                    let _ = writeln!(out, "- {}: {}. {}", code(&c.subject), c.what, c.reason);
                }
            }
        }
        out
    }

    /// The report as pretty JSON, with counts, for tools.
    pub fn to_json(&self) -> String {
        #[derive(Serialize)]
        struct Out<'a> {
            title: &'a str,
            old_version: &'a str,
            new_version: &'a str,
            breaking: usize,
            compatible: usize,
            changes: &'a [Change],
        }
        let out = Out {
            title: &self.title,
            old_version: &self.old_version,
            new_version: &self.new_version,
            breaking: self.count(Severity::Breaking),
            compatible: self.count(Severity::Compatible),
            changes: &self.changes,
        };
        let mut text = serde_json::to_string_pretty(&out).expect("a report is plain data");
        text.push('\n');
        text
    }
}
