//! Drift reports on the real upstream version pairs of `../shared/spec/pairs.txt`.
//!
//! Each report is snapshotted (the Markdown a pull request would show), and
//! checked against facts computed here without the differ: every operation
//! and type that changed is named, what disappeared is breaking, and a
//! document compared with itself gives an empty report.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use chili_gen::diff::{diff, Report, Severity};
use chili_gen::ir::{Api, Operation, Response, TypeDef, TypeKind, TypeRef};

fn spec_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/spec")
}

fn read(path: &str) -> String {
    let p = spec_dir().join(path);
    std::fs::read_to_string(&p)
        .unwrap_or_else(|e| panic!("{}: {e} (is ../shared beside the repo?)", p.display()))
}

fn load(path: &str) -> Api {
    chili_gen::build_api(&read(path), path).unwrap_or_else(|e| panic!("{e}"))
}

fn pairs() -> Vec<(String, String)> {
    let pairs: Vec<(String, String)> = read("pairs.txt")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| {
            let mut parts = l.split_whitespace();
            let (Some(a), Some(b), None) = (parts.next(), parts.next(), parts.next()) else {
                panic!("bad line in pairs.txt: {l}")
            };
            (a.to_string(), b.to_string())
        })
        .collect();
    assert!(
        pairs.len() >= 20,
        "expected the whole list, found {pairs:?}"
    );
    pairs
}

/// `edge-api-1.230.0.yaml`, `edge-api-1.494.0.yaml` -> `edge-api-1.230.0__1.494.0`;
/// `subsets/user-copy/1.230.0.yaml`, ... -> `subsets-user-copy-1.230.0__1.494.0`.
fn snapshot_name(old: &str, new: &str) -> String {
    let slug = |p: &str| p.trim_end_matches(".yaml").replace('/', "-");
    let (a, b) = (slug(old), slug(new));
    let common = a.chars().zip(b.chars()).take_while(|(x, y)| x == y).count();
    let cut = a[..common].rfind('-').map_or(0, |i| i + 1);
    format!("{}__{}", a, &b[cut..])
}

/// A type reference with every name blanked: renames are the type's business.
fn shape(t: &TypeRef) -> String {
    match t {
        TypeRef::Named(_) => "N".into(),
        TypeRef::List(i) => format!("[{}]", shape(i)),
        TypeRef::Map(i) => format!("{{{}}}", shape(i)),
        TypeRef::Nullable(i) => format!("{}?", shape(i)),
        other => other.to_string(),
    }
}

/// Everything about an operation the client exposes, type names blanked.
fn operation_facts(op: &Operation) -> String {
    let params: Vec<String> = op
        .params
        .iter()
        .map(|p| {
            format!(
                "{:?} {} {} {} {:?} {:?} {:?} {:?}",
                p.location,
                p.wire_name,
                p.name,
                p.required,
                shape(&p.ty),
                p.constraints,
                p.default,
                p.docs
            )
        })
        .collect();
    let body = op
        .body
        .as_ref()
        .map(|b| format!("{} {} {}", b.content_type, b.required, shape(&b.ty)));
    let response = match &op.response {
        Response::Json(t) => shape(t),
        other => format!("{other:?}"),
    };
    // What the client does on its own: retries, page walks, authentication.
    let pagination = op.pagination.as_ref().map(|p| {
        let mut p = p.clone();
        p.item = TypeRef::Json;
        format!("{p:?}")
    });
    let behaviour = format!(
        "{} {:?} {pagination:?} {:?} {:?}",
        op.retry_safe, op.retry_basis, op.auth, op.json_content_type
    );
    format!(
        "{} {} {} {} {} {:?} {:?} {:?} {params:?} {body:?} {response} {behaviour}",
        op.http_method,
        op.path,
        op.group,
        op.method_name,
        op.builder_type,
        op.permissions,
        op.docs,
        op.replacement
    )
}

/// Everything about a type the client exposes, type names blanked.
fn type_facts(def: &TypeDef) -> String {
    let body = match &def.kind {
        TypeKind::Struct { fields, extra } => {
            let fields: Vec<String> = fields
                .iter()
                .map(|f| {
                    format!(
                        "{} {} {} {} {} {:?} {:?} {:?}",
                        f.wire_name,
                        f.name,
                        f.required,
                        f.boxed,
                        shape(&f.ty),
                        f.constraints,
                        f.default,
                        f.docs
                    )
                })
                .collect();
            format!("struct {fields:?} {:?}", extra.as_ref().map(shape))
        }
        TypeKind::Enum { values } => format!(
            "enum {:?}",
            values
                .iter()
                .map(|v| (&v.name, &v.wire))
                .collect::<Vec<_>>()
        ),
        TypeKind::Union { tag, variants } => {
            let variants: Vec<String> = variants
                .iter()
                .map(|v| {
                    format!(
                        "{} {:?} {:?} {} {:?}",
                        v.name,
                        v.tag,
                        v.ty.as_ref().map(shape),
                        v.boxed,
                        v.docs
                    )
                })
                .collect();
            format!("union {tag:?} {variants:?}")
        }
        TypeKind::Newtype { inner, constraints } => {
            format!("newtype {} {constraints:?}", shape(inner))
        }
    };
    format!("{body} {:?}", def.docs)
}

/// Checks the report against facts found without the differ.
fn check_report(old_path: &str, new_path: &str, old: &Api, new: &Api, report: &Report) {
    let ctx = format!("{old_path} -> {new_path}");
    let subjects: BTreeSet<&str> = report.changes.iter().map(|c| c.subject.as_str()).collect();
    let named = |s: &str| {
        subjects.contains(s)
            || subjects
                .iter()
                .any(|x| x.strip_prefix(s).is_some_and(|rest| rest.starts_with('.')))
    };
    let mentioned = |s: &str| {
        report
            .changes
            .iter()
            .any(|c| c.what.contains(&format!("`{s}`")))
    };

    // Operations: each one added, removed or changed is named.
    let old_ops: BTreeMap<&str, &Operation> =
        old.operations.iter().map(|o| (o.id.as_str(), o)).collect();
    let new_ops: BTreeMap<&str, &Operation> =
        new.operations.iter().map(|o| (o.id.as_str(), o)).collect();
    for (id, op) in &old_ops {
        match new_ops.get(id) {
            None => {
                assert!(
                    named(id) || mentioned(id),
                    "{ctx}: operation {id} is gone but not named"
                );
                if let Some(c) = report
                    .changes
                    .iter()
                    .find(|c| c.subject == *id && c.what.starts_with("removed"))
                {
                    assert_eq!(c.severity, Severity::Breaking, "{ctx}: {c:?}");
                }
            }
            Some(n) if operation_facts(op) != operation_facts(n) => {
                assert!(named(id), "{ctx}: operation {id} changed but is not named")
            }
            Some(_) => {}
        }
    }
    for id in new_ops.keys().filter(|id| !old_ops.contains_key(*id)) {
        assert!(named(id), "{ctx}: operation {id} is new but not named");
    }

    // Types: each one added, removed, renamed or changed is named.
    let old_types: BTreeMap<&str, &TypeDef> =
        old.types.iter().map(|t| (t.name.as_str(), t)).collect();
    let new_types: BTreeMap<&str, &TypeDef> =
        new.types.iter().map(|t| (t.name.as_str(), t)).collect();
    for (name, def) in &old_types {
        match new_types.get(name) {
            None => assert!(
                named(name) || mentioned(name),
                "{ctx}: type {name} is gone but neither reported removed nor renamed"
            ),
            Some(n) if type_facts(def) != type_facts(n) => {
                assert!(
                    named(name),
                    "{ctx}: type {name} changed but is not named:\n{}\n{}",
                    type_facts(def),
                    type_facts(n)
                )
            }
            Some(_) => {}
        }
    }
    for name in new_types.keys().filter(|n| !old_types.contains_key(*n)) {
        assert!(named(name), "{ctx}: type {name} is new but not named");
    }

    // What a user's code loses is breaking, whatever else the report says.
    for c in &report.changes {
        let loses = (c.what.ends_with(" removed") && !c.what.contains("limits changed"))
            || c.what.starts_with("removed")
            || c.what.contains("renamed")
            || c.what.contains("retyped")
            || c.what.contains("now requires permission")
            || c.what.starts_with("variant tag")
            || c.what.contains("no longer retried")
            || c.what.starts_with("no longer paginated");
        if loses {
            assert_eq!(c.severity, Severity::Breaking, "{ctx}: {c:?}");
        }
    }
}

#[test]
fn reports_on_every_real_version_pair() {
    for (old_path, new_path) in pairs() {
        let (old, new) = (load(&old_path), load(&new_path));
        for api in [&old, &new] {
            let same = diff(api, api);
            assert!(
                same.is_empty(),
                "{old_path} / {new_path} against itself:\n{}",
                same.to_markdown()
            );
        }
        let report = diff(&old, &new);
        assert!(
            read(&old_path) != read(&new_path),
            "{old_path} and {new_path} are the same document"
        );
        assert!(
            !report.is_empty(),
            "{old_path} -> {new_path}: the documents differ, the report is empty"
        );
        check_report(&old_path, &new_path, &old, &new, &report);
        insta::assert_snapshot!(snapshot_name(&old_path, &new_path), report.to_markdown());
    }
}

#[test]
fn snapshot_names_are_short_and_distinct() {
    assert_eq!(
        snapshot_name("edge-api-1.230.0.yaml", "edge-api-1.494.0.yaml"),
        "edge-api-1.230.0__1.494.0"
    );
    assert_eq!(
        snapshot_name(
            "subsets/user-copy/1.230.0.yaml",
            "subsets/user-copy/1.243.0.yaml"
        ),
        "subsets-user-copy-1.230.0__1.243.0"
    );
    let names: BTreeSet<String> = pairs().iter().map(|(a, b)| snapshot_name(a, b)).collect();
    assert_eq!(names.len(), pairs().len());
}

/// The 1.230.0 -> 1.494.0 facts the issue names: variant schemas renamed
/// upstream keep their Rust names, and `AssignToTarget` gains two variants.
#[test]
fn upstream_variant_renames_keep_rust_names() {
    let report = diff(
        &load("edge-api-1.230.0.yaml"),
        &load("edge-api-1.494.0.yaml"),
    );
    assert!(
        !report
            .changes
            .iter()
            .any(|c| c.subject.starts_with("AssignToTargetThisPathTeam")),
        "{}",
        report.to_markdown()
    );
    let added: Vec<&str> = report
        .changes
        .iter()
        .filter(|c| c.subject == "AssignToTarget")
        .map(|c| {
            assert_eq!(c.severity, Severity::Compatible, "{c:?}");
            c.what.as_str()
        })
        .collect();
    assert_eq!(
        added,
        [
            "new variant `AnotherUser` (`AssignToTargetAnotherUser`)",
            "new variant `AssignmentTableColumn` (`AssignToTargetAssignmentTableColumn`)"
        ]
    );
}

/// Upstream 1.495.0 rewrote the descriptions of five operations to start with
/// `[operation: <tool>]` and moved `READ-ONLY` after it: the POST
/// `conciergeListRouters` stays retried, and the report says nothing about
/// retries.
#[test]
fn read_only_posts_stay_retried_through_the_1_495_0_rewrite() {
    let (old, new) = (load("edge-api-1.494.0.yaml"), load("edge-api-1.495.0.yaml"));
    for api in [&old, &new] {
        let op = api
            .operations
            .iter()
            .find(|o| o.id == "conciergeListRouters")
            .unwrap();
        assert_eq!(op.http_method, "POST");
        assert!(op.retry_safe, "{}: {:?}", api.version, op.retry_basis);
        assert_eq!(
            op.retry_basis,
            chili_gen::ir::RetryBasis::Marker("READ-ONLY".into())
        );
    }
    let report = diff(&old, &new);
    assert!(
        !report.changes.iter().any(|c| c.what.contains("retried")),
        "{}",
        report.to_markdown()
    );
    assert!(!report.has_breaking(), "{}", report.to_markdown());
}
