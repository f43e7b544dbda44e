//! Drift: what changed between two versions of an API, as a user of the
//! generated crate sees it.
//!
//! [`diff`] compares two [`Api`]s (the IR both documents load into, so it sees
//! exactly what the client sees: Rust names, wire names, types, requiredness)
//! and classifies every change as [`Severity::Breaking`] or
//! [`Severity::Compatible`], with the reason. The rules follow oasdiff where
//! the wire is concerned (direction matters: a new required field breaks
//! requests on the wire, not responses) and add the Rust ones (a public name,
//! a field's type or a constructor's arguments that change break code that
//! uses them, even when the wire does not care). The rules, in short:
//!
//! - operations: removed, new required parameter or body, parameter or body
//!   removed or retyped, required <-> optional (argument <-> builder setter),
//!   arguments reordered, method or path changed, Rust method renamed, new
//!   permission, return type changed: breaking. New operation, new optional parameter, deprecation,
//!   permission dropped, documentation: compatible.
//! - what the client does on its own (derived by [`crate::quirks`] and
//!   recorded in the IR): a call no longer retried, a page walk lost
//!   (`items()`/`collect_all()` gone), authentication the bearer token no
//!   longer satisfies: breaking; a call now retried, or retried on other
//!   grounds, a new or changed page walk, another replacement named, other
//!   authentication changes: compatible. Each says why.
//! - types are classified by the direction they are used in, found by walking
//!   from the operations (parameters and bodies are requests, responses are
//!   responses); a type used both ways gets the stricter rule.
//! - struct fields: removed, retyped, `T` <-> `Option<T>`: breaking. Required
//!   fields are the arguments of `new(...)`, so a new required field (even in
//!   a response-only type: tests and mocks build those), requiredness changed
//!   either way (even when the Rust type stays `Option<T>`), and required
//!   fields reordered are breaking too, as cargo-semver-checks sees them. New
//!   optional fields: compatible (structs are `#[non_exhaustive]`).
//! - limits (pattern, lengths, bounds, formats): narrowed in a request or
//!   widened in a response: breaking; the other way: compatible.
//! - enums and unions are open (`Unknown`) and `#[non_exhaustive]`: a new
//!   value or variant is compatible (older versions decode it as `Unknown`);
//!   a removed one, a changed tag or variant name: breaking.
//! - types are matched across versions by Rust name, then as renames: by the
//!   position they are used at (same operation, field or variant), by schema
//!   name, then by identical shape. A rename changes a public Rust name, so it
//!   is breaking; union variant types named `<Union><Tag>` keep their name
//!   through Tapir's schema renames and report nothing.
//!
//! The report is deterministic: changes are sorted by severity, area and
//! subject, and within a subject keep the order they were found in.

mod matching;
mod report;
mod rules;
mod semver;

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::ir::{
    Api, Docs, Field, Operation, ParamLocation, Response, Spelling, TypeDef, TypeKind, TypeRef,
    Variant,
};

pub use matching::{match_apis, Matching};
pub use report::{Area, Change, Report, Severity};
pub use semver::next_version;

/// Compares two APIs; see the module documentation for the rules.
pub fn diff(old: &Api, new: &Api) -> Report {
    let mut d = Differ::new(old, new);
    d.document();
    d.operations();
    d.types();
    let mut changes = d.changes;
    // Stable: within a subject, changes keep the order they were found in.
    changes.sort_by(|a, b| (a.severity, a.area, &a.subject).cmp(&(b.severity, b.area, &b.subject)));
    changes.dedup();
    Report {
        title: new.title.clone(),
        old_version: old.version.clone(),
        new_version: new.version.clone(),
        changes,
    }
}

// ---------------------------------------------------------------------------
// Directions

/// Where a type is used: in requests (parameters, bodies), responses, or both.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Dir {
    request: bool,
    response: bool,
}

impl Dir {
    fn or(self, other: Dir) -> Dir {
        Dir {
            request: self.request || other.request,
            response: self.response || other.response,
        }
    }

    /// A type used nowhere is judged strictly, as if used both ways.
    fn strict(self) -> Dir {
        if self.request || self.response {
            self
        } else {
            Dir {
                request: true,
                response: true,
            }
        }
    }
}

/// The named types a reference mentions.
fn named_in<'t>(t: &'t TypeRef, out: &mut Vec<&'t str>) {
    match t {
        TypeRef::Named(n) => out.push(n),
        TypeRef::List(i) | TypeRef::Map(i) | TypeRef::Nullable(i) => named_in(i, out),
        _ => {}
    }
}

/// The references inside a type definition.
fn refs_of(def: &TypeDef) -> Vec<&TypeRef> {
    match &def.kind {
        TypeKind::Struct { fields, extra } => {
            fields.iter().map(|f| &f.ty).chain(extra.iter()).collect()
        }
        TypeKind::Union { variants, .. } => variants.iter().filter_map(|v| v.ty.as_ref()).collect(),
        TypeKind::Newtype { inner, .. } => vec![inner],
        TypeKind::Enum { .. } => Vec::new(),
    }
}

/// For every named type, the directions it is used in, walking from the operations.
fn directions(api: &Api) -> HashMap<String, Dir> {
    let types: HashMap<&str, &TypeDef> = api.types.iter().map(|t| (t.name.as_str(), t)).collect();
    let mut dirs: HashMap<String, Dir> = HashMap::new();
    let push = |t: &'_ TypeRef, request: bool, stack: &mut Vec<(String, bool)>| {
        let mut names = Vec::new();
        named_in(t, &mut names);
        stack.extend(names.into_iter().map(|n| (n.to_string(), request)));
    };
    let mut pending: Vec<(String, bool)> = Vec::new();
    for op in &api.operations {
        for p in &op.params {
            push(&p.ty, true, &mut pending);
        }
        if let Some(b) = &op.body {
            push(&b.ty, true, &mut pending);
        }
        if let Response::Json(t) = &op.response {
            push(t, false, &mut pending);
        }
    }
    while let Some((name, request)) = pending.pop() {
        let dir = dirs.entry(name.clone()).or_default();
        let seen = if request {
            &mut dir.request
        } else {
            &mut dir.response
        };
        if *seen {
            continue;
        }
        *seen = true;
        if let Some(def) = types.get(name.as_str()) {
            for t in refs_of(def) {
                push(t, request, &mut pending);
            }
        }
    }
    dirs
}

// ---------------------------------------------------------------------------
// Rendering

/// `text` as inline code, with enough backticks to hold backticks.
fn code(text: &str) -> String {
    if text.contains('`') {
        format!("`` {text} ``")
    } else {
        format!("`{text}`")
    }
}

/// The Rust spelling of a type reference, as a user writes it.
fn rust(t: &TypeRef) -> String {
    t.rust(Spelling::Short)
}

/// The Rust type of a struct field: `Option` when optional or nullable, `Box` when boxed.
fn field_rust(f: &Field) -> String {
    f.rust(Spelling::Short)
}

/// A reference without its outer `Nullable`.
fn strip_nullable(t: &TypeRef) -> &TypeRef {
    match t {
        TypeRef::Nullable(i) => i,
        t => t,
    }
}

fn kind_name(kind: &TypeKind) -> &'static str {
    match kind {
        TypeKind::Struct { .. } => "struct",
        TypeKind::Enum { .. } => "enum",
        TypeKind::Union { .. } => "union",
        TypeKind::Newtype { .. } => "newtype",
    }
}

fn location(l: ParamLocation) -> &'static str {
    match l {
        ParamLocation::Path => "path",
        ParamLocation::Query => "query",
        ParamLocation::Header => "header",
    }
}

/// The old names a release kept as deprecated forwarders or aliases (`old`)
/// that the next one (`new`, with the `current` name) no longer keeps.
fn dropped<'x>(
    old: &'x [String],
    new: &'x [String],
    current: &'x str,
) -> impl Iterator<Item = &'x String> {
    old.iter()
        .filter(move |name| name.as_str() != current && !new.contains(name))
}

/// `client.group().method()`.
fn call(op: &Operation) -> String {
    call_named(op, &op.method_name)
}

/// `client.group().<method>()` for another method name of `op`'s group.
fn call_named(op: &Operation, method: &str) -> String {
    if op.group.is_empty() {
        format!("client.{method}()")
    } else {
        format!("client.{}().{method}()", op.group)
    }
}

/// A path with its parameter names blanked: `/a/{id}` and `/a/{aId}` are one endpoint.
fn path_shape(path: &str) -> String {
    let mut out = String::new();
    let mut depth = 0;
    for c in path.chars() {
        match c {
            '{' => {
                depth += 1;
                out.push_str("{}");
            }
            '}' => depth -= 1,
            c if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

fn docs_text(d: &Docs) -> (Option<&str>, Option<&str>) {
    (
        d.summary.as_deref().map(str::trim),
        d.description.as_deref().map(str::trim),
    )
}

// ---------------------------------------------------------------------------
// The differ

struct Differ<'a> {
    old: &'a Api,
    new: &'a Api,
    old_types: BTreeMap<&'a str, &'a TypeDef>,
    new_types: BTreeMap<&'a str, &'a TypeDef>,
    old_dirs: HashMap<String, Dir>,
    new_dirs: HashMap<String, Dir>,
    /// Operations matched by id (or, failing that, by method and path).
    op_pairs: Vec<(&'a Operation, &'a Operation)>,
    removed_ops: Vec<&'a Operation>,
    added_ops: Vec<&'a Operation>,
    /// Old type name -> new type name, and back.
    fwd: BTreeMap<String, String>,
    back: BTreeMap<String, String>,
    /// New type name -> tag properties of the unions it is a variant of.
    new_tags: HashMap<String, BTreeSet<String>>,
    changes: Vec<Change>,
}

impl<'a> Differ<'a> {
    fn new(old: &'a Api, new: &'a Api) -> Differ<'a> {
        let m = match_apis(old, new);
        let mut d = Differ {
            old,
            new,
            old_types: old.types.iter().map(|t| (t.name.as_str(), t)).collect(),
            new_types: new.types.iter().map(|t| (t.name.as_str(), t)).collect(),
            old_dirs: directions(old),
            new_dirs: directions(new),
            back: m
                .types
                .iter()
                .map(|(o, n)| (n.clone(), o.clone()))
                .collect(),
            op_pairs: m.operations,
            removed_ops: m.removed_operations,
            added_ops: m.added_operations,
            fwd: m.types,
            new_tags: HashMap::new(),
            changes: Vec::new(),
        };
        for def in &new.types {
            if let TypeKind::Union {
                tag: Some(tag),
                variants,
            } = &def.kind
            {
                for v in variants {
                    if let Some(TypeRef::Named(n)) = &v.ty {
                        d.new_tags.entry(n.clone()).or_default().insert(tag.clone());
                    }
                }
            }
        }
        d
    }

    fn push(
        &mut self,
        severity: Severity,
        area: Area,
        subject: impl Into<String>,
        what: impl Into<String>,
        reason: impl Into<String>,
    ) {
        self.changes.push(Change {
            severity,
            area,
            subject: subject.into(),
            what: what.into(),
            reason: reason.into(),
        });
    }
}

/// Whether two union variants are the same one: same tag, or (untagged) same name.
fn same_variant(v: &Variant, w: &Variant) -> bool {
    match (&v.tag, &w.tag) {
        (Some(a), Some(b)) => a == b,
        _ => v.name == w.name,
    }
}

pub(crate) use crate::quirks::prefixed_tag;

/// The members of `list` that `other` has too (same `key`), in `list`'s
/// order, as inline code.
fn common_order<T>(list: &[T], other: &[T], key: impl Fn(&T) -> &String) -> Vec<String> {
    list.iter()
        .filter(|a| other.iter().any(|b| key(b) == key(a)))
        .map(|a| code(key(a)))
        .collect()
}
