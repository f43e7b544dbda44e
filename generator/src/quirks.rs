//! Document quirks: what the client derives from conventions of a document
//! beyond plain OpenAPI, in one place.
//!
//! The Chili Piper Edge API (written by Tapir, republished for assistants)
//! says things in vendor extensions and in description text that the client
//! acts on: which POSTs only read (so they are retried), which permissions a
//! call needs, which operation replaces a deprecated one. These rules are
//! part of the client's contract, so they live here, each with its
//! precedence, and [`crate::operations`] asks this module; nothing else
//! re-derives them. The results land in [`crate::ir::Operation`], where the
//! drift report compares them. Tapir's naming habits live here too: tags
//! mapped to class names (read by [`crate::typify`]) and the `<Union>_`
//! prefix its tags gained between releases (read by [`crate::diff`]).
//!
//! # Precedence
//!
//! Every rule takes the most stable fact available, in this order:
//!
//! 1. an explicit vendor extension (`x-idempotent`, `x-read-only`,
//!    `X-Chili-Required-Permissions`, `x-replaced-by`, ...): stated for
//!    machines, so it wins;
//! 2. HTTP method semantics (RFC 9110: GET, HEAD, OPTIONS, PUT and DELETE
//!    are idempotent);
//! 3. an explicit text marker, wherever it stands in the summary or
//!    description: `READ-ONLY` as an upper-case word, `[operation: <tool>]`,
//!    "use <operation> instead". Upstream rewrites its prose between releases
//!    (1.495.0 moved `READ-ONLY` after an `[operation: ...]` line), so a
//!    marker counts anywhere, not only at the start;
//! 4. the default: not retried, no permissions, no replacement.

use openapiv3::Operation as OaOperation;
use serde_json::Value;

use crate::ir::RetryBasis;

/// Extension keys that state retry safety outright (`true` or `false`).
/// Whether a discriminator mapping target names the component schema by
/// class: Tapir once mapped tags to class names, not schemas
/// (`User: com.chilipiper....EdgeAvailabilityExpectedHost.User` for the
/// schema `AvailabilityExpectedHost_User`).
pub fn maps_by_class_name(target: &str, component: &str) -> bool {
    let class = target.rsplit('.').next().unwrap_or(target);
    !target.starts_with('#')
        && target.contains('.')
        && (class == component || component.ends_with(&format!("_{class}")))
}

/// The last dotted segment of a tag: Tapir once tagged with class names
/// (`com.chilipiper....EdgeAvailabilityExpectedHost.AssigneeFromDistribution`).
pub fn tag_word(tag: &str) -> &str {
    tag.rsplit('.').next().unwrap_or(tag)
}

/// Whether one tag is the other with Tapir's `<Union>_` prefix
/// (`BookerInvitation_DoNotInvite` and `DoNotInvite`), which drift reads as
/// the same variant.
pub fn prefixed_tag(a: Option<&str>, b: Option<&str>) -> bool {
    let (Some(a), Some(b)) = (a, b) else {
        return false;
    };
    a.strip_suffix(b).is_some_and(|p| p.ends_with('_'))
        || b.strip_suffix(a).is_some_and(|p| p.ends_with('_'))
}

const RETRY_KEYS: &[&str] = &["x-idempotent", "x-read-only"];
/// The text marker of an operation that only reads.
const READ_ONLY: &str = "READ-ONLY";
/// Extension keys holding the permissions an operation needs.
const PERMISSION_KEYS: &[&str] = &["x-chili-required-permissions", "x-required-permissions"];
/// Extension keys naming an operation's replacement (by operation id or tool name).
const REPLACEMENT_KEYS: &[&str] = &["x-replaced-by", "x-replacement", "x-deprecated-by"];
/// Extension key of an operation's assistant-tool name (`concierge-list-routers`).
const TOOL_KEY: &str = "x-mcp-tool";
/// The text marker of a tool name: `[operation: concierge-list-routers]`.
const TOOL_MARKER: &str = "[operation:";
/// Phrases in deprecation text that name the replacement right after them.
const REPLACEMENT_PHRASES: &[&str] = &[
    "use ",
    "replaced by ",
    "superseded by ",
    "replacement: ",
    "replacement is ",
];

/// Whether a failed call may be sent again, and why.
pub fn retry_safety(method: &str, op: &OaOperation) -> (bool, RetryBasis) {
    if let Some((key, safe)) = RETRY_KEYS.iter().find_map(|k| {
        op.extensions
            .get(*k)
            .and_then(Value::as_bool)
            .map(|b| (*k, b))
    }) {
        return (safe, RetryBasis::Extension(key.to_string()));
    }
    if is_idempotent(method) {
        return (true, RetryBasis::Method);
    }
    if texts(op).any(|t| has_word(t, READ_ONLY)) {
        return (true, RetryBasis::Marker(READ_ONLY.to_string()));
    }
    (false, RetryBasis::Default)
}

/// RFC 9110 §9.2.2: repeating these has the effect of sending them once
/// (TRACE too, but no API client sends it). The runtime's `Request::new`
/// starts from the same list, so the emitter only states the exceptions.
/// `method` in either case.
pub fn is_idempotent(method: &str) -> bool {
    ["get", "head", "options", "put", "delete"]
        .iter()
        .any(|m| m.eq_ignore_ascii_case(method))
}

/// The permissions the API key needs for the call (none stated: empty).
pub fn permissions(op: &OaOperation) -> Vec<String> {
    PERMISSION_KEYS
        .iter()
        .find_map(|k| op.extensions.get(*k))
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

/// The operation's tool name, by which other operations' texts refer to it:
/// `x-mcp-tool`, else the `[operation: name]` marker of its description.
pub fn tool_name(op: &OaOperation) -> Option<String> {
    if let Some(tool) = op.extensions.get(TOOL_KEY).and_then(Value::as_str) {
        return Some(tool.to_string());
    }
    texts(op).find_map(|t| {
        let rest = &t[t.find(TOOL_MARKER)? + TOOL_MARKER.len()..];
        let name = rest[..rest.find(']')?].trim();
        (!name.is_empty() && !name.contains(char::is_whitespace)).then(|| name.to_string())
    })
}

/// Names the operation's documentation gives for its replacement, best
/// first: the vendor extension, then every name a replacement phrase of the
/// description introduces. The caller keeps the first that names an operation.
pub fn replacement_candidates(op: &OaOperation) -> Vec<String> {
    let mut out: Vec<String> = REPLACEMENT_KEYS
        .iter()
        .filter_map(|k| op.extensions.get(*k).and_then(Value::as_str))
        .map(str::to_string)
        .collect();
    for text in texts(op) {
        let lower = text.to_ascii_lowercase();
        for phrase in REPLACEMENT_PHRASES {
            for (at, _) in lower.match_indices(phrase) {
                // Byte offsets agree: ASCII lower-casing keeps every length.
                let word: String = text[at + phrase.len()..]
                    .trim_start_matches(['`', '\'', '"', '*'])
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
                    .collect();
                let word = word.trim_end_matches('.');
                if !word.is_empty() {
                    out.push(word.to_string());
                }
            }
        }
    }
    out
}

/// The operation's summary and description.
fn texts(op: &OaOperation) -> impl Iterator<Item = &str> {
    [op.summary.as_deref(), op.description.as_deref()]
        .into_iter()
        .flatten()
}

/// Whether `word` stands in `text` as a word of its own: not inside a longer
/// run of letters, digits, `-` or `_` (`READ-ONLY.` yes, `NOT-READ-ONLY` no).
fn has_word(text: &str, word: &str) -> bool {
    let part = |c: char| c.is_alphanumeric() || c == '-' || c == '_';
    text.match_indices(word).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + word.len()..].chars().next();
        !before.is_some_and(part) && !after.is_some_and(part)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn op(yaml: &str) -> OaOperation {
        let mut value: serde_json::Value = yaml_serde::from_str(yaml).unwrap();
        value["responses"] = serde_json::json!({});
        serde_json::from_value(value).unwrap()
    }

    #[test]
    fn read_only_counts_wherever_it_stands() {
        for description in [
            "READ-ONLY. Lists all concierge routers.",
            "[operation: concierge-list-routers]\n\n\n\nREAD-ONLY\n\n\n\nBrowse Concierge routers.",
            "Lists routers (READ-ONLY).",
        ] {
            let o = op(&format!("description: {description:?}"));
            assert_eq!(
                retry_safety("post", &o),
                (true, RetryBasis::Marker("READ-ONLY".into())),
                "{description}"
            );
        }
        for description in [
            "Creates a router.",
            "form.readOnlyTriggers is kept",
            "NOT-READ-ONLY",
            "READ-ONLY_X",
        ] {
            let o = op(&format!("description: {description:?}"));
            assert_eq!(
                retry_safety("post", &o),
                (false, RetryBasis::Default),
                "{description}"
            );
        }
    }

    #[test]
    fn extension_beats_method_beats_marker() {
        let o = op("description: READ-ONLY\nx-idempotent: false");
        assert_eq!(
            retry_safety("get", &o),
            (false, RetryBasis::Extension("x-idempotent".into()))
        );
        let o = op("x-read-only: true");
        assert_eq!(
            retry_safety("post", &o),
            (true, RetryBasis::Extension("x-read-only".into()))
        );
        let o = op("description: READ-ONLY");
        assert_eq!(retry_safety("put", &o), (true, RetryBasis::Method));
        assert_eq!(
            retry_safety("patch", &op("summary: x")),
            (false, RetryBasis::Default)
        );
    }

    #[test]
    fn tool_names_from_the_extension_or_the_marker() {
        assert_eq!(
            tool_name(&op(
                "x-mcp-tool: tenant-get\ndescription: '[operation: other]'"
            ))
            .as_deref(),
            Some("tenant-get")
        );
        assert_eq!(
            tool_name(&op(
                "description: \"[operation: tenant-get]\\n\\nREAD-ONLY\""
            ))
            .as_deref(),
            Some("tenant-get")
        );
        assert_eq!(tool_name(&op("description: '[operation: ]'")), None);
        assert_eq!(tool_name(&op("description: plain")), None);
    }

    #[test]
    fn replacements_from_the_extension_then_the_text() {
        let o = op("x-replaced-by: meetingCancelPost\ndescription: Deprecated; use `meeting-cancel-v2` instead.");
        assert_eq!(
            replacement_candidates(&o),
            ["meetingCancelPost", "meeting-cancel-v2"]
        );
        let o = op("description: 'Deprecated. Replaced by availability-slots-v2.'");
        assert_eq!(replacement_candidates(&o), ["availability-slots-v2"]);
        assert!(replacement_candidates(&op("description: nothing here")).is_empty());
    }

    #[test]
    fn permissions_from_either_key() {
        assert_eq!(
            permissions(&op("x-chili-required-permissions: [a.read, b.write]")),
            ["a.read", "b.write"]
        );
        assert_eq!(permissions(&op("x-required-permissions: [c]")), ["c"]);
        assert!(permissions(&op("summary: none")).is_empty());
    }
}
