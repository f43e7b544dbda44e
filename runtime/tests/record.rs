//! `record!` against serde's derive with the attributes the generator used
//! to write: the same JSON in gives the same value or the same error, and
//! the same value out gives the same JSON.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

/// The struct as the derive wrote it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Derived {
    id: String,
    #[serde(rename = "teamId", default, skip_serializing_if = "Option::is_none")]
    team_id: Option<String>,
    #[serde(rename = "endsAt", default)]
    ends_at: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    child: Option<Box<Derived>>,
    r#type: Vec<u8>,
}

/// The same struct through `record!`.
#[derive(Debug, Clone, PartialEq)]
struct Recorded {
    id: String,
    team_id: Option<String>,
    ends_at: Option<i64>,
    child: Option<Box<Recorded>>,
    r#type: Vec<u8>,
}

chili_runtime::record!(Recorded {
    required 0 id: String = "id",
    optional 1 team_id: Option<String> = "teamId",
    nullable 2 ends_at: Option<i64> = "endsAt",
    optional 3 child: Option<Box<Recorded>> = "child",
    required 4 r#type: Vec<u8> = "type",
});

/// Additional properties beside named fields (the derive's `flatten`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct DerivedExtra {
    name: String,
    #[serde(flatten)]
    extra: BTreeMap<String, i64>,
}

#[derive(Debug, Clone, PartialEq)]
struct RecordedExtra {
    name: String,
    extra: BTreeMap<String, i64>,
}

chili_runtime::record!(RecordedExtra {
    required 0 name: String = "name",
    ..extra: i64,
});

/// No fields at all.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct DerivedEmpty {}

#[derive(Debug, Clone, PartialEq)]
struct RecordedEmpty {}

chili_runtime::record!(RecordedEmpty {});

/// Decodes `input` both ways and re-encodes: same outcome, same JSON.
fn same<D, R>(input: &str)
where
    D: Serialize + for<'de> Deserialize<'de> + std::fmt::Debug,
    R: Serialize + for<'de> Deserialize<'de> + std::fmt::Debug,
{
    let derived = serde_json::from_str::<D>(input);
    let recorded = serde_json::from_str::<R>(input);
    match (&derived, &recorded) {
        (Ok(d), Ok(r)) => {
            assert_eq!(
                serde_json::to_string(d).unwrap(),
                serde_json::to_string(r).unwrap(),
                "{input}"
            );
            // Through `serde_json::Value` too, as the unions decode variants.
            let value: Value = serde_json::from_str(input).unwrap();
            let r2 = R::deserialize(&value).unwrap();
            assert_eq!(
                serde_json::to_value(&r2).unwrap(),
                serde_json::to_value(d).unwrap()
            );
        }
        (Err(d), Err(r)) => {
            // serde_json's position differs by where each stops reading, so
            // compare the message without it.
            let cut = |e: &serde_json::Error| {
                let s = e.to_string();
                s.split(" at line").next().unwrap_or_default().to_string()
            };
            // The two types' names differ by this prefix only.
            assert_eq!(cut(d).replace("Derived", "Recorded"), cut(r), "{input}");
        }
        _ => panic!("{input}: derive gave {derived:?}, record! gave {recorded:?}"),
    }
}

#[test]
fn decodes_and_encodes_like_the_derive() {
    for input in [
        r#"{"id": "u1", "type": [1, 2]}"#,
        r#"{"id": "u1", "teamId": "t1", "endsAt": 5, "type": []}"#,
        r#"{"type": [], "endsAt": null, "id": "u1", "teamId": null}"#,
        r#"{"id": "u1", "type": [], "unknown": {"deep": [1, {"x": null}]}, "more": 1}"#,
        r#"{"id": "u1", "type": [], "child": {"id": "u2", "type": [3]}}"#,
        r#"{"id": "u\u0031", "t\u0079pe": []}"#,
        // Errors: missing, duplicate, wrong type, not an object.
        r#"{"type": []}"#,
        r#"{"id": "u1"}"#,
        r#"{"id": "u1", "id": "u2", "type": []}"#,
        r#"{"id": "u1", "teamId": "a", "teamId": "b", "type": []}"#,
        r#"{"id": 7, "type": []}"#,
        r#"{"id": "u1", "type": [], "child": {"type": []}}"#,
        r#""a string""#,
        r#"null"#,
        r#"{"id": "u1", "type": [], "endsAt": "soon"}"#,
    ] {
        same::<Derived, Recorded>(input);
    }
    for input in [
        r#"{"name": "n"}"#,
        r#"{"name": "n", "a": 1, "b": 2}"#,
        r#"{"b": 2, "name": "n", "a": 1}"#,
        r#"{"a": 1}"#,
        r#"{"name": "n", "a": "not a number"}"#,
    ] {
        same::<DerivedExtra, RecordedExtra>(input);
    }
    for input in [r#"{}"#, r#"{"x": 1}"#] {
        same::<DerivedEmpty, RecordedEmpty>(input);
    }
}

/// The one difference, on purpose: the derive also reads a struct from an
/// array of its fields in order, which no JSON API sends.
#[test]
fn a_struct_is_not_read_from_an_array() {
    assert!(serde_json::from_str::<Derived>(r#"["u1", null, null, null, []]"#).is_ok());
    let err = serde_json::from_str::<Recorded>(r#"["u1", null, null, null, []]"#).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("invalid type: sequence, expected struct Recorded"),
        "{err}"
    );
}

#[test]
fn optional_fields_are_skipped_and_nullable_ones_written_as_null() {
    let r = Recorded {
        id: "u1".into(),
        team_id: None,
        ends_at: None,
        child: None,
        r#type: vec![],
    };
    assert_eq!(
        serde_json::to_value(&r).unwrap(),
        json!({"id": "u1", "endsAt": null, "type": []})
    );
}

#[test]
fn errors_name_the_field_and_the_struct() {
    let missing = serde_json::from_str::<Recorded>(r#"{"type": []}"#).unwrap_err();
    assert!(
        missing.to_string().starts_with("missing field `id`"),
        "{missing}"
    );
    let duplicate =
        serde_json::from_str::<Recorded>(r#"{"id": "a", "id": "b", "type": []}"#).unwrap_err();
    assert!(
        duplicate.to_string().starts_with("duplicate field `id`"),
        "{duplicate}"
    );
    let not_object = serde_json::from_str::<Recorded>("3").unwrap_err();
    assert!(
        not_object.to_string().contains("expected struct Recorded"),
        "{not_object}"
    );
}

/// 130 wire names: more than the bit set of seen fields holds.
const WIDE: &[&str] = &[
    "f0", "f1", "f2", "f3", "f4", "f5", "f6", "f7", "f8", "f9", "f10", "f11", "f12", "f13", "f14",
    "f15", "f16", "f17", "f18", "f19", "f20", "f21", "f22", "f23", "f24", "f25", "f26", "f27",
    "f28", "f29", "f30", "f31", "f32", "f33", "f34", "f35", "f36", "f37", "f38", "f39", "f40",
    "f41", "f42", "f43", "f44", "f45", "f46", "f47", "f48", "f49", "f50", "f51", "f52", "f53",
    "f54", "f55", "f56", "f57", "f58", "f59", "f60", "f61", "f62", "f63", "f64", "f65", "f66",
    "f67", "f68", "f69", "f70", "f71", "f72", "f73", "f74", "f75", "f76", "f77", "f78", "f79",
    "f80", "f81", "f82", "f83", "f84", "f85", "f86", "f87", "f88", "f89", "f90", "f91", "f92",
    "f93", "f94", "f95", "f96", "f97", "f98", "f99", "f100", "f101", "f102", "f103", "f104",
    "f105", "f106", "f107", "f108", "f109", "f110", "f111", "f112", "f113", "f114", "f115", "f116",
    "f117", "f118", "f119", "f120", "f121", "f122", "f123", "f124", "f125", "f126", "f127", "f128",
    "f129",
];

/// Counts the named fields it reads.
#[derive(Debug)]
struct Wide(usize);

impl chili_runtime::record::Record for Wide {
    const NAME: &'static str = "Wide";
    const FIELDS: &'static [&'static str] = WIDE;
    fn index(key: &str) -> Option<usize> {
        WIDE.iter().position(|f| *f == key)
    }
    const KEEPS_EXTRA: bool = false;
    type Slots = usize;
    fn start() -> usize {
        0
    }
    fn read<'de, A: serde::de::MapAccess<'de>>(
        slots: &mut usize,
        _index: usize,
        map: &mut A,
    ) -> Result<(), A::Error> {
        *slots += 1;
        map.next_value::<serde::de::IgnoredAny>().map(|_| ())
    }
    fn read_extra<'de, A: serde::de::MapAccess<'de>>(
        _slots: &mut usize,
        _key: String,
        map: &mut A,
    ) -> Result<(), A::Error> {
        map.next_value::<serde::de::IgnoredAny>().map(|_| ())
    }
    fn finish<E: serde::de::Error>(slots: usize) -> Result<Wide, E> {
        Ok(Wide(slots))
    }
}

impl<'de> Deserialize<'de> for Wide {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        chili_runtime::record::deserialize(d)
    }
}

#[test]
fn wide_structs_find_duplicates_past_128_fields() {
    let body: String = (0..130)
        .map(|i| format!("\"f{i}\": {i}"))
        .collect::<Vec<_>>()
        .join(", ");
    let read = serde_json::from_str::<Wide>(&format!("{{{body}}}")).unwrap();
    assert_eq!(read.0, 130);
    for dup in ["f129", "f3"] {
        let err = serde_json::from_str::<Wide>(&format!("{{{body}, \"{dup}\": 1}}")).unwrap_err();
        assert!(
            err.to_string()
                .starts_with(&format!("duplicate field `{dup}`")),
            "{err}"
        );
    }
}
