//! What a project records about the document its client was generated from:
//! the baseline IR (`spec/api-ir.json`, which the next drift report compares
//! with, since upstream replaces its document in place) and the pin
//! (`spec/pin.json`: source, title, version, sha256, generator).
//!
//! Both formats live here, beside the IR they describe, so a change to the
//! IR and to its on-disk format are made and tested together; xtask only
//! reads and writes the files.

use serde_json::Value;

use crate::ir::Api;

/// The baseline format this generator writes, in the `format_version` field.
/// A baseline without the field predates it and has the same layout as
/// version 1. Bump it when the IR changes in a way an older baseline does not
/// read as (a renamed or retyped field), and teach [`parse`] the old one.
pub const FORMAT_VERSION: u64 = 1;

/// The key of the format version, written first in the file.
const FORMAT_KEY: &str = "format_version";

/// `api` as the baseline file: `format_version` first, then the IR as JSON,
/// one line per type and per operation, so a change upstream is a readable
/// diff of a few lines. Deterministic: keys keep the IR's field order.
pub fn to_json(api: &Api) -> String {
    let value = serde_json::to_value(api).expect("the IR is plain data");
    let Value::Object(map) = value else {
        unreachable!("an Api serializes as an object")
    };
    let compact = |v: &Value| serde_json::to_string(v).expect("plain data");
    let mut members = vec![format!(
        "{}: {FORMAT_VERSION}",
        compact(&Value::from(FORMAT_KEY))
    )];
    members.extend(map.iter().map(|(key, value)| {
        let key = compact(&Value::from(key.as_str()));
        match value {
            Value::Array(items) if !items.is_empty() => {
                let items: Vec<String> = items.iter().map(compact).collect();
                format!("{key}: [\n{}\n]", items.join(",\n"))
            }
            other => format!("{key}: {}", compact(other)),
        }
    }));
    format!("{{\n{}\n}}\n", members.join(",\n"))
}

/// Lowercase hex of `bytes`, as the pin and the baseline's `sources` write a digest.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The SHA-256 of `bytes` in [`hex`]: how a document's exact bytes are pinned.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    hex(&Sha256::digest(bytes))
}

/// Whether a JSON value is a baseline rather than an OpenAPI document (for
/// commands that take either, such as `diff`).
pub fn is_baseline(value: &Value) -> bool {
    value.get("openapi").is_none()
        && value.get("operations").is_some_and(Value::is_array)
        && value.get("types").is_some_and(Value::is_array)
}

/// Reads a baseline written by [`to_json`] (any version up to
/// [`FORMAT_VERSION`], or one without a version). `origin` names the file in
/// errors, which say what is wrong and what to do.
pub fn parse(text: &str, origin: &str) -> Result<Api, BaselineError> {
    let error = |message: String| BaselineError {
        origin: origin.to_string(),
        message,
    };
    let mut value: Value = serde_json::from_str(text).map_err(|e| {
        error(format!(
            "malformed ({e}); restore it from git, or delete it to start a new baseline \
             with `cargo xtask regen`"
        ))
    })?;
    let version = match value.as_object_mut().and_then(|map| map.remove(FORMAT_KEY)) {
        None => 1,
        Some(v) => v.as_u64().filter(|v| *v >= 1).ok_or_else(|| {
            error(format!(
                "malformed (`{FORMAT_KEY}` is {v}, not a version number from 1); restore it \
                 from git, or delete it to start a new baseline with `cargo xtask regen`"
            ))
        })?,
    };
    if version > FORMAT_VERSION {
        return Err(error(format!(
            "baseline format version {version} was written by a newer chili-gen (this one \
             reads versions up to {FORMAT_VERSION}); update this checkout (the generator \
             with it) to the commit that wrote it, or regenerate the baseline with this \
             generator by `cargo xtask regen`"
        )));
    }
    serde_json::from_value(value).map_err(|e| {
        error(format!(
            "malformed (format version {version}: {e}); restore it from git, or delete it \
             to start a new baseline with `cargo xtask regen`"
        ))
    })
}

/// A baseline that cannot be read: the file and what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaselineError {
    /// The file (or URL) the baseline came from.
    pub origin: String,
    /// What is wrong and what to do.
    pub message: String,
}

impl std::fmt::Display for BaselineError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} is {}", self.origin, self.message)
    }
}

impl std::error::Error for BaselineError {}

/// What the pin file records about the document the client was generated from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pin {
    /// Where the document was read from (path or URL, as given to `regen`).
    pub source: String,
    /// `info.title` of the document.
    pub title: String,
    /// `info.version` of the document.
    pub version: String,
    /// sha256 of the document's exact bytes, hex.
    pub sha256: String,
    /// The generator that wrote the client (`chili-gen 0.1.0`).
    pub generator: String,
}

impl Pin {
    /// Pretty JSON with a fixed key order and a trailing newline, written by
    /// hand so the order does not depend on serde_json's map features.
    pub fn to_json(&self) -> String {
        let fields = [
            ("source", &self.source),
            ("title", &self.title),
            ("version", &self.version),
            ("sha256", &self.sha256),
            ("generator", &self.generator),
        ];
        let lines: Vec<String> = fields
            .iter()
            .map(|(key, value)| format!("  \"{key}\": {}", Value::from(value.as_str())))
            .collect();
        format!("{{\n{}\n}}\n", lines.join(",\n"))
    }

    /// Reads a pin. `source` and `sha256` are required (non-empty strings);
    /// the rest defaults, as older pins lack them. The error says what is
    /// wrong, for the caller to name the file.
    pub fn parse(text: &str) -> Result<Pin, String> {
        let value: Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
        let field = |key: &str| value.get(key).and_then(Value::as_str).map(str::to_string);
        let required = |key: &str| {
            field(key)
                .filter(|v| !v.is_empty())
                .ok_or_else(|| format!("no string `{key}`"))
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

#[cfg(test)]
mod tests {
    use super::*;

    fn api() -> Api {
        let doc = "openapi: 3.0.3\ninfo: {title: T, version: 1.2.3}\npaths:\n  /x:\n    get:\n      operationId: getX\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {$ref: '#/components/schemas/X'}\ncomponents:\n  schemas:\n    X: {type: object, properties: {a: {type: string}}}\n";
        crate::build_api(doc, "t.yaml").unwrap()
    }

    #[test]
    fn written_baseline_starts_with_its_version_and_reads_back() {
        let api = api();
        let text = to_json(&api);
        assert!(
            text.starts_with(&format!("{{\n\"format_version\": {FORMAT_VERSION},\n")),
            "{text}"
        );
        assert!(text.ends_with("\n}\n"));
        let value: Value = serde_json::from_str(&text).unwrap();
        assert!(is_baseline(&value));
        assert_eq!(to_json(&parse(&text, "b.json").unwrap()), text);
    }

    #[test]
    fn unversioned_baseline_reads_as_version_1() {
        let api = api();
        let text =
            to_json(&api).replacen(&format!("\"format_version\": {FORMAT_VERSION},\n"), "", 1);
        assert!(!text.contains("format_version"));
        assert_eq!(to_json(&parse(&text, "old.json").unwrap()), to_json(&api));
    }

    #[test]
    fn future_or_bad_versions_are_clear_errors_naming_the_file() {
        let text = to_json(&api()).replacen(
            &format!("\"format_version\": {FORMAT_VERSION}"),
            "\"format_version\": 99",
            1,
        );
        let e = parse(&text, "spec/api-ir.json").unwrap_err().to_string();
        assert!(e.starts_with("spec/api-ir.json is "), "{e}");
        assert!(
            e.contains("format version 99") && e.contains("newer chili-gen"),
            "{e}"
        );
        assert!(e.contains("cargo xtask regen"), "{e}");

        for bad in ["\"1\"", "0", "-1", "1.5"] {
            let text = to_json(&api()).replacen(
                &format!("\"format_version\": {FORMAT_VERSION}"),
                &format!("\"format_version\": {bad}"),
                1,
            );
            let e = parse(&text, "b.json").unwrap_err().to_string();
            assert!(e.contains("not a version number"), "{bad}: {e}");
        }
        let e = parse("not json", "b.json").unwrap_err().to_string();
        assert!(e.starts_with("b.json is malformed"), "{e}");
        let e = parse("{\"types\": 3}", "b.json").unwrap_err().to_string();
        assert!(e.contains("format version 1"), "{e}");
    }

    #[test]
    fn pin_json_has_fixed_order_and_reads_back() {
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
        assert_eq!(Pin::parse(&pin.to_json()).unwrap(), pin);
        let old = Pin::parse("{\"source\": \"s\", \"sha256\": \"ab\"}").unwrap();
        assert_eq!((old.version.as_str(), old.title.as_str()), ("unknown", ""));
        assert_eq!(
            Pin::parse("{\"source\": \"s\", \"sha256\": \"\"}").unwrap_err(),
            "no string `sha256`"
        );
        assert!(Pin::parse("nope").is_err());
    }
}
