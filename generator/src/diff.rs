//! Drift: what changed between two versions of an API, as a user of the
//! generated crate sees it.
//!
//! [`diff`] compares two [`Api`]s (the IR both documents load into, so it sees
//! exactly what the client sees: Rust names, wire names, types, requiredness)
//! and classifies every change as [`Severity::Breaking`] or
//! [`Severity::Compatible`], with the reason. The rules follow oasdiff where
//! the wire is concerned (direction matters: a new required field breaks
//! requests, not responses) and add the Rust ones (a public name or a field's
//! type that changes breaks code that uses it, even when the wire does not
//! care). The rules, in short:
//!
//! - operations: removed, new required parameter or body, parameter or body
//!   removed or retyped, required <-> optional (argument <-> builder setter),
//!   arguments reordered, method or path changed, Rust method renamed, new
//!   permission, return type changed: breaking. New operation, new optional parameter, deprecation,
//!   permission dropped, documentation: compatible.
//! - types are classified by the direction they are used in, found by walking
//!   from the operations (parameters and bodies are requests, responses are
//!   responses); a type used both ways gets the stricter rule.
//! - struct fields: removed, retyped, `T` <-> `Option<T>`, new in a request
//!   type (struct literals must set it): breaking. New in a response-only type,
//!   wire-only requiredness changes the Rust type does not see: compatible
//!   unless they break requests.
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

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;

use serde::Serialize;

use crate::ir::{
    Api, Body, Constraints, Docs, Field, Operation, Param, ParamLocation, Response, TypeDef,
    TypeKind, TypeRef, Variant,
};

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

/// The next version of a crate at `current` after changes of `severity`
/// (semver, with 0.x read as Cargo does: the minor is the breaking number).
/// Breaking: `0.x.y` -> `0.(x+1).0`, `x.y.z` -> `(x+1).0.0`; compatible:
/// `0.x.y` -> `0.x.(y+1)`, `x.y.z` -> `x.(y+1).0`; no change: `current`.
/// `None` when `current` is not `MAJOR.MINOR.PATCH`.
pub fn next_version(current: &str, severity: Option<Severity>) -> Option<String> {
    let parts: Vec<u64> = current
        .trim()
        .split('.')
        .map(|p| p.parse().ok())
        .collect::<Option<_>>()?;
    let [major, minor, patch] = parts[..] else {
        return None;
    };
    Some(match (severity, major) {
        (None, _) => format!("{major}.{minor}.{patch}"),
        (Some(Severity::Breaking), 0) => format!("0.{}.0", minor + 1),
        (Some(Severity::Breaking), _) => format!("{}.0.0", major + 1),
        (Some(Severity::Compatible), 0) => format!("0.{minor}.{}", patch + 1),
        (Some(Severity::Compatible), _) => format!("{major}.{}.0", minor + 1),
    })
}

/// Compares two APIs; see the module documentation for the rules.
pub fn diff(old: &Api, new: &Api) -> Report {
    let mut d = Differ::new(old, new);
    d.document();
    d.match_types();
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

/// The Rust spelling of a type reference, as the generated crate writes it.
fn rust(t: &TypeRef) -> String {
    match t {
        TypeRef::String => "String".into(),
        TypeRef::Bool => "bool".into(),
        TypeRef::I32 => "i32".into(),
        TypeRef::I64 => "i64".into(),
        TypeRef::F32 => "f32".into(),
        TypeRef::F64 => "f64".into(),
        TypeRef::DateTime => "DateTime<Utc>".into(),
        TypeRef::Date => "NaiveDate".into(),
        TypeRef::Uuid => "Uuid".into(),
        TypeRef::Json => "serde_json::Value".into(),
        TypeRef::Named(n) => n.clone(),
        TypeRef::List(i) => format!("Vec<{}>", rust(i)),
        TypeRef::Map(i) => format!("BTreeMap<String, {}>", rust(i)),
        TypeRef::Nullable(i) => format!("Option<{}>", rust(i)),
    }
}

/// A reference without its outer `Nullable`.
fn strip_nullable(t: &TypeRef) -> &TypeRef {
    match t {
        TypeRef::Nullable(i) => i,
        t => t,
    }
}

/// The Rust type of a struct field: `Option` when optional or nullable, `Box` when boxed.
fn field_rust(f: &Field) -> String {
    let mut t = rust(strip_nullable(&f.ty));
    if f.boxed {
        t = format!("Box<{t}>");
    }
    if !f.required || matches!(f.ty, TypeRef::Nullable(_)) {
        t = format!("Option<{t}>");
    }
    t
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
// Limits

/// One changed limit, and which way it moved.
struct Limit {
    text: String,
    /// Fewer values are valid now.
    narrower: bool,
    /// More values are valid now.
    wider: bool,
}

/// How constraints changed, facet by facet.
fn limit_changes(old: &Constraints, new: &Constraints) -> Vec<Limit> {
    let mut out = Vec::new();
    let mut exact = |name: &str, o: Option<String>, n: Option<String>| match (o, n) {
        (o, n) if o == n => {}
        (None, Some(n)) => out.push(Limit {
            text: format!("{name} `{n}` added"),
            narrower: true,
            wider: false,
        }),
        (Some(o), None) => out.push(Limit {
            text: format!("{name} `{o}` removed"),
            narrower: false,
            wider: true,
        }),
        (Some(o), Some(n)) => out.push(Limit {
            text: format!("{name} `{o}` → `{n}`"),
            narrower: true,
            wider: true,
        }),
        (None, None) => {}
    };
    exact("pattern", old.pattern.clone(), new.pattern.clone());
    exact("format", old.format.clone(), new.format.clone());
    fn bound<T: PartialOrd + std::fmt::Display + Copy>(
        out: &mut Vec<Limit>,
        name: &str,
        lower: bool,
        o: Option<T>,
        n: Option<T>,
    ) {
        let show = |v: Option<T>| v.map_or("none".to_string(), |v| v.to_string());
        let (narrower, wider) = match (o, n) {
            (None, None) => return,
            (Some(a), Some(b)) if a == b => return,
            (None, Some(_)) => (true, false),
            (Some(_), None) => (false, true),
            (Some(a), Some(b)) => {
                let up = b > a;
                // A lower bound going up, or an upper bound going down, admits less.
                (up == lower, up != lower)
            }
        };
        out.push(Limit {
            text: format!("{name} {} → {}", show(o), show(n)),
            narrower,
            wider,
        });
    }
    bound(&mut out, "minLength", true, old.min_length, new.min_length);
    bound(&mut out, "maxLength", false, old.max_length, new.max_length);
    bound(&mut out, "minimum", true, old.minimum, new.minimum);
    bound(&mut out, "maximum", false, old.maximum, new.maximum);
    bound(&mut out, "minItems", true, old.min_items, new.min_items);
    bound(&mut out, "maxItems", false, old.max_items, new.max_items);
    let mut flag = |name: &str, o: bool, n: bool| {
        if o != n {
            out.push(Limit {
                text: format!("{name} {o} → {n}"),
                narrower: n,
                wider: o,
            });
        }
    };
    flag(
        "exclusiveMinimum",
        old.exclusive_minimum,
        new.exclusive_minimum,
    );
    flag(
        "exclusiveMaximum",
        old.exclusive_maximum,
        new.exclusive_maximum,
    );
    flag("uniqueItems", old.unique_items, new.unique_items);
    out
}

/// Severity and reason of limit changes on something used in `dir`.
fn classify_limits(limits: &[Limit], dir: Dir) -> (Severity, String) {
    let narrower = limits.iter().any(|l| l.narrower);
    let wider = limits.iter().any(|l| l.wider);
    if dir.request && narrower {
        (
            Severity::Breaking,
            "Narrowed in a request: values that were accepted may now be rejected by the server."
                .into(),
        )
    } else if dir.response && wider {
        (
            Severity::Breaking,
            "Widened in a response: the server may now send values outside the old limits (the client does not check them, but code may rely on them).".into(),
        )
    } else if dir.request {
        (
            Severity::Compatible,
            "Widened in a request: every value that was accepted still is.".into(),
        )
    } else {
        (
            Severity::Compatible,
            "Narrowed in a response: every value sent was already within the old limits.".into(),
        )
    }
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
        let mut d = Differ {
            old,
            new,
            old_types: old.types.iter().map(|t| (t.name.as_str(), t)).collect(),
            new_types: new.types.iter().map(|t| (t.name.as_str(), t)).collect(),
            old_dirs: directions(old),
            new_dirs: directions(new),
            op_pairs: Vec::new(),
            removed_ops: Vec::new(),
            added_ops: Vec::new(),
            fwd: BTreeMap::new(),
            back: BTreeMap::new(),
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
        d.match_operations();
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

    fn document(&mut self) {
        let (old, new) = (self.old, self.new);
        if old.version != new.version {
            self.push(
                Severity::Compatible,
                Area::Document,
                "version",
                format!(
                    "document version {} → {}",
                    code(&old.version),
                    code(&new.version)
                ),
                "`API_VERSION` and the crate description follow it.",
            );
        }
        if old.title != new.title {
            self.push(
                Severity::Compatible,
                Area::Document,
                "title",
                format!("title {} → {}", code(&old.title), code(&new.title)),
                "Documentation only.",
            );
        }
        if old.base_url != new.base_url {
            let show = |u: &Option<String>| u.as_deref().map_or("none".to_string(), code);
            self.push(
                Severity::Compatible,
                Area::Document,
                "base_url",
                format!(
                    "default base URL {} → {}",
                    show(&old.base_url),
                    show(&new.base_url)
                ),
                "Clients built without `base_url(..)` use the new one; no code change.",
            );
        }
        if old.description != new.description {
            self.push(
                Severity::Compatible,
                Area::Document,
                "description",
                "documentation changed",
                "Documentation only.",
            );
        }
    }

    // -----------------------------------------------------------------------
    // Matching

    fn match_operations(&mut self) {
        let by_id: HashMap<&str, &Operation> = self
            .new
            .operations
            .iter()
            .map(|o| (o.id.as_str(), o))
            .collect();
        let mut taken: BTreeSet<&str> = BTreeSet::new();
        let mut unmatched = Vec::new();
        for o in &self.old.operations {
            match by_id.get(o.id.as_str()) {
                Some(n) => {
                    taken.insert(&n.id);
                    self.op_pairs.push((o, n));
                }
                None => unmatched.push(o),
            }
        }
        // An operation whose id changed is still the same endpoint.
        for o in unmatched {
            let endpoint = |op: &Operation| (op.http_method.clone(), path_shape(&op.path));
            let found = self
                .new
                .operations
                .iter()
                .find(|n| !taken.contains(n.id.as_str()) && endpoint(n) == endpoint(o));
            match found {
                Some(n) => {
                    taken.insert(&n.id);
                    self.op_pairs.push((o, n));
                }
                None => self.removed_ops.push(o),
            }
        }
        self.added_ops = self
            .new
            .operations
            .iter()
            .filter(|n| !taken.contains(n.id.as_str()))
            .collect();
    }

    fn link(&mut self, old: &str, new: &str) {
        self.fwd.insert(old.to_string(), new.to_string());
        self.back.insert(new.to_string(), old.to_string());
    }

    fn unmatched_pair(&self, old: &str, new: &str) -> bool {
        self.old_types.contains_key(old)
            && self.new_types.contains_key(new)
            && !self.fwd.contains_key(old)
            && !self.back.contains_key(new)
    }

    /// Pairs types up across the versions: same Rust name, then renames.
    fn match_types(&mut self) {
        let same: Vec<&str> = self
            .old_types
            .keys()
            .filter(|n| self.new_types.contains_key(*n))
            .copied()
            .collect();
        for n in same {
            self.link(n, n);
        }
        loop {
            let positional = self.positional_candidates();
            if self.accept(positional) > 0 {
                continue;
            }
            let by_schema = self.schema_candidates();
            if self.accept(by_schema) > 0 {
                continue;
            }
            let by_shape = self.shape_candidates();
            if self.accept(by_shape) > 0 {
                continue;
            }
            break;
        }
    }

    /// Links candidates, best first, skipping any whose side is taken.
    fn accept(&mut self, mut candidates: Vec<(u32, String, String)>) -> usize {
        candidates.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| (&a.1, &a.2).cmp(&(&b.1, &b.2))));
        let mut linked = 0;
        for (_, old, new) in candidates {
            if self.unmatched_pair(&old, &new) {
                self.link(&old, &new);
                linked += 1;
            }
        }
        linked
    }

    /// How alike two definitions' members are, 0..=100 (share of member
    /// names in common), or `None` when they are not the same kind of type.
    fn similarity(&self, old: &str, new: &str) -> Option<u32> {
        let (o, n) = (self.old_types.get(old)?, self.new_types.get(new)?);
        let keys = |def: &TypeDef| -> BTreeSet<String> {
            match &def.kind {
                TypeKind::Struct { fields, .. } => {
                    fields.iter().map(|f| f.wire_name.clone()).collect()
                }
                TypeKind::Enum { values } => values.iter().map(|v| v.wire.clone()).collect(),
                TypeKind::Union { variants, .. } => variants
                    .iter()
                    .map(|v| v.tag.clone().unwrap_or_else(|| v.name.clone()))
                    .collect(),
                TypeKind::Newtype { .. } => BTreeSet::new(),
            }
        };
        if kind_name(&o.kind) != kind_name(&n.kind) {
            return None;
        }
        let (a, b) = (keys(o), keys(n));
        let larger = a.len().max(b.len());
        if larger == 0 {
            return Some(100);
        }
        Some((a.intersection(&b).count() * 100 / larger) as u32)
    }

    /// Unmatched types found at the same place (same operation parameter,
    /// body or response, same field, variant or newtype of matched types).
    fn positional_candidates(&self) -> Vec<(u32, String, String)> {
        let mut pairs: Vec<(String, String)> = Vec::new();
        for (o, n) in &self.op_pairs {
            for op in &o.params {
                if let Some(np) = n
                    .params
                    .iter()
                    .find(|p| p.location == op.location && p.wire_name == op.wire_name)
                {
                    pair_refs(&op.ty, &np.ty, &mut pairs);
                }
            }
            if let (Some(ob), Some(nb)) = (&o.body, &n.body) {
                pair_refs(&ob.ty, &nb.ty, &mut pairs);
            }
            if let (Response::Json(a), Response::Json(b)) = (&o.response, &n.response) {
                pair_refs(a, b, &mut pairs);
            }
        }
        for (old, new) in &self.fwd {
            let (o, n) = (self.old_types[old.as_str()], self.new_types[new.as_str()]);
            match (&o.kind, &n.kind) {
                (
                    TypeKind::Struct {
                        fields: of,
                        extra: oe,
                    },
                    TypeKind::Struct {
                        fields: nf,
                        extra: ne,
                    },
                ) => {
                    for f in of {
                        if let Some(g) = nf.iter().find(|g| g.wire_name == f.wire_name) {
                            pair_refs(&f.ty, &g.ty, &mut pairs);
                        }
                    }
                    if let (Some(a), Some(b)) = (oe, ne) {
                        pair_refs(a, b, &mut pairs);
                    }
                }
                (TypeKind::Union { variants: ov, .. }, TypeKind::Union { variants: nv, .. }) => {
                    for v in ov {
                        if let Some(w) = nv.iter().find(|w| same_variant(v, w)) {
                            if let (Some(a), Some(b)) = (&v.ty, &w.ty) {
                                pair_refs(a, b, &mut pairs);
                            }
                        }
                    }
                }
                (TypeKind::Newtype { inner: a, .. }, TypeKind::Newtype { inner: b, .. }) => {
                    pair_refs(a, b, &mut pairs)
                }
                _ => {}
            }
        }
        let mut seen = BTreeSet::new();
        pairs
            .into_iter()
            .filter(|(a, b)| self.unmatched_pair(a, b) && seen.insert((a.clone(), b.clone())))
            .filter_map(|(a, b)| {
                let score = self.similarity(&a, &b)?;
                (score >= 50).then_some((score, a, b))
            })
            .collect()
    }

    /// Unmatched types made from the same component schema, one on each side.
    fn schema_candidates(&self) -> Vec<(u32, String, String)> {
        let mut by_schema: BTreeMap<&str, (Vec<&str>, Vec<&str>)> = BTreeMap::new();
        for (name, def) in &self.old_types {
            if let (Some(s), false) = (&def.schema, self.fwd.contains_key(*name)) {
                by_schema.entry(s).or_default().0.push(name);
            }
        }
        for (name, def) in &self.new_types {
            if let (Some(s), false) = (&def.schema, self.back.contains_key(*name)) {
                by_schema.entry(s).or_default().1.push(name);
            }
        }
        by_schema
            .values()
            .filter_map(|(o, n)| match (o.as_slice(), n.as_slice()) {
                ([a], [b]) => self
                    .similarity(a, b)
                    .map(|s| (s, a.to_string(), b.to_string())),
                _ => None,
            })
            .collect()
    }

    /// Unmatched types of identical shape (members, wire names, types after
    /// renaming, requiredness), paired by name likeness when several share one.
    fn shape_candidates(&self) -> Vec<(u32, String, String)> {
        let mut groups: BTreeMap<String, (Vec<&str>, Vec<&str>)> = BTreeMap::new();
        for (name, def) in &self.old_types {
            if !self.fwd.contains_key(*name) {
                groups
                    .entry(self.shape(def, true))
                    .or_default()
                    .0
                    .push(name);
            }
        }
        for (name, def) in &self.new_types {
            if !self.back.contains_key(*name) {
                groups
                    .entry(self.shape(def, false))
                    .or_default()
                    .1
                    .push(name);
            }
        }
        let mut out = Vec::new();
        for (shape, (olds, news)) in groups {
            if olds.is_empty() || news.is_empty() || shape.ends_with("{}") {
                continue;
            }
            let mut pairs: Vec<(usize, &str, &str)> = olds
                .iter()
                .flat_map(|a| news.iter().map(move |b| (name_distance(a, b), *a, *b)))
                .collect();
            pairs.sort();
            let (mut used_old, mut used_new) = (BTreeSet::new(), BTreeSet::new());
            for (_, a, b) in pairs {
                if !used_old.contains(a) && !used_new.contains(b) {
                    used_old.insert(a);
                    used_new.insert(b);
                    out.push((100, a.to_string(), b.to_string()));
                }
            }
        }
        out
    }

    /// A canonical text of a definition's wire shape, with type names
    /// translated to the new side (unmatched ones as `?`).
    fn shape(&self, def: &TypeDef, old_side: bool) -> String {
        let name = |t: &TypeRef| -> String {
            let mut t = t.clone();
            rename_refs(&mut t, &mut |n: &str| {
                if old_side {
                    self.fwd.get(n).cloned().unwrap_or_else(|| "?".into())
                } else if self.back.contains_key(n) {
                    n.to_string()
                } else {
                    "?".into()
                }
            });
            rust(&t)
        };
        match &def.kind {
            TypeKind::Struct { fields, extra } => {
                let mut members: Vec<String> = fields
                    .iter()
                    .map(|f| {
                        format!(
                            "{}{}:{}",
                            f.wire_name,
                            if f.required { "" } else { "?" },
                            name(&f.ty)
                        )
                    })
                    .collect();
                members.sort();
                let extra = extra
                    .as_ref()
                    .map(|e| format!("..{}", name(e)))
                    .unwrap_or_default();
                format!("struct{{{}{extra}}}", members.join(","))
            }
            TypeKind::Enum { values } => {
                let mut v: Vec<&str> = values.iter().map(|v| v.wire.as_str()).collect();
                v.sort();
                format!("enum{{{}}}", v.join(","))
            }
            TypeKind::Union { tag, variants } => {
                let mut v: Vec<String> = variants
                    .iter()
                    .map(|v| {
                        format!(
                            "{}:{}",
                            v.tag.as_deref().unwrap_or(&v.name),
                            v.ty.as_ref().map(&name).unwrap_or_default()
                        )
                    })
                    .collect();
                v.sort();
                format!("union {:?}{{{}}}", tag, v.join(","))
            }
            TypeKind::Newtype { inner, constraints } => {
                format!("newtype({}, {constraints:?}){{-}}", name(inner))
            }
        }
    }

    /// `t` from the old side with matched names translated to the new side.
    fn translate(&self, t: &TypeRef) -> TypeRef {
        let mut t = t.clone();
        rename_refs(&mut t, &mut |n: &str| {
            self.fwd
                .get(n)
                .cloned()
                .unwrap_or_else(|| format!("{n} (removed)"))
        });
        t
    }

    fn same_ref(&self, old: &TypeRef, new: &TypeRef) -> bool {
        self.translate(old) == *new
    }

    fn dir_of(&self, old: &str, new: &str) -> Dir {
        let o = self.old_dirs.get(old).copied().unwrap_or_default();
        let n = self.new_dirs.get(new).copied().unwrap_or_default();
        o.or(n).strict()
    }

    // -----------------------------------------------------------------------
    // Operations

    fn operations(&mut self) {
        for o in self.removed_ops.clone() {
            let mut reason = format!("Code calling {} no longer compiles.", code(&call(o)));
            if o.docs.deprecated {
                reason.push_str(" It was deprecated");
                match &o.replacement {
                    Some(r) => reason.push_str(&format!(" in favour of {}.", code(r))),
                    None => reason.push('.'),
                }
            }
            self.push(
                Severity::Breaking,
                Area::Operation,
                &o.id,
                format!(
                    "removed ({} {}, {})",
                    o.http_method,
                    code(&o.path),
                    code(&call(o))
                ),
                reason,
            );
        }
        for n in self.added_ops.clone() {
            let mut what = format!(
                "new operation {} {}: {}",
                n.http_method,
                code(&n.path),
                code(&call(n))
            );
            if n.docs.deprecated {
                what.push_str(" (deprecated)");
            }
            self.push(
                Severity::Compatible,
                Area::Operation,
                &n.id,
                what,
                "Existing code is unaffected.",
            );
        }
        for (o, n) in self.op_pairs.clone() {
            self.operation(o, n);
        }
    }

    fn operation(&mut self, o: &'a Operation, n: &'a Operation) {
        let id = n.id.clone();
        let op = Area::Operation;
        if o.id != n.id {
            self.push(
                Severity::Compatible,
                op,
                &id,
                format!("operation id {} → {}", code(&o.id), code(&n.id)),
                "Same endpoint; the id appears in documentation only.",
            );
        }
        // A rename with a deprecated forwarder (method) or alias (builder
        // type) left behind for one release does not break existing code.
        let builder_kept =
            o.builder_type == n.builder_type || n.previous_builders.contains(&o.builder_type);
        if call(o) != call(n) {
            let forwarded = o.group == n.group && n.previous_names.contains(&o.method_name);
            let (severity, reason) = if forwarded && builder_kept {
                (Severity::Compatible, format!("{} stays for one release as a deprecated method forwarding to the new one: existing code compiles, with a warning.", code(&call(o))))
            } else {
                (Severity::Breaking, format!("Code calling the old method no longer compiles (its builder type is now {}).", code(&n.builder_type)))
            };
            self.push(
                severity,
                op,
                &id,
                format!("method {} renamed to {}", code(&call(o)), code(&call(n))),
                reason,
            );
        } else if o.builder_type != n.builder_type {
            let (severity, reason) = if builder_kept {
                (Severity::Compatible, format!("{} stays for one release as a deprecated alias: existing code compiles, with a warning.", code(&o.builder_type)))
            } else {
                (
                    Severity::Breaking,
                    "Code naming the builder type no longer compiles.".to_string(),
                )
            };
            self.push(
                severity,
                op,
                &id,
                format!(
                    "request builder type {} renamed to {}",
                    code(&o.builder_type),
                    code(&n.builder_type)
                ),
                reason,
            );
        }
        for old in dropped(&o.previous_names, &n.previous_names, &n.method_name) {
            self.push(
                Severity::Breaking,
                op,
                &id,
                format!("deprecated method {} removed", code(&call_named(o, old))),
                format!("It forwarded to {} for one release after a rename; code still calling it no longer compiles.", code(&call(n))),
            );
        }
        for old in dropped(&o.previous_builders, &n.previous_builders, &n.builder_type) {
            self.push(
                Severity::Breaking,
                op,
                &id,
                format!("deprecated builder alias {} removed", code(old)),
                format!("It stood for {} for one release after a rename; code still naming it no longer compiles.", code(&n.builder_type)),
            );
        }
        if o.http_method != n.http_method || path_shape(&o.path) != path_shape(&n.path) {
            self.push(
                Severity::Breaking,
                op,
                &id,
                format!("endpoint {} {} → {} {}", o.http_method, code(&o.path), n.http_method, code(&n.path)),
                "Older versions of the crate call the old endpoint, which the server may no longer serve.",
            );
        }
        match (o.docs.deprecated, n.docs.deprecated) {
            (false, true) => {
                let what = match &n.replacement {
                    Some(r) => format!("deprecated, use {} instead", code(r)),
                    None => "deprecated".to_string(),
                };
                self.push(
                    Severity::Compatible,
                    op,
                    &id,
                    what,
                    "Still works; calling it now warns (`#[deprecated]`).",
                );
            }
            (true, false) => self.push(
                Severity::Compatible,
                op,
                &id,
                "no longer deprecated",
                "Existing code is unaffected.",
            ),
            _ => {}
        }
        for p in n.permissions.iter().filter(|p| !o.permissions.contains(p)) {
            self.push(
                Severity::Breaking,
                op,
                &id,
                format!("now requires permission {}", code(p)),
                "API keys without it get 403 Forbidden where calls used to succeed.",
            );
        }
        for p in o.permissions.iter().filter(|p| !n.permissions.contains(p)) {
            self.push(
                Severity::Compatible,
                op,
                &id,
                format!("no longer requires permission {}", code(p)),
                "Keys that had it still work.",
            );
        }
        self.params(&id, n, &o.params, &n.params);
        // Required parameters are positional arguments: a new order among the
        // ones both versions have breaks calls, silently when the types agree.
        let (oa, na) = (arguments(o), arguments(n));
        let common_old: Vec<&String> = oa.iter().filter(|a| na.contains(a)).collect();
        let common_new: Vec<&String> = na.iter().filter(|a| oa.contains(a)).collect();
        if common_old != common_new {
            let show =
                |list: &[&String]| list.iter().map(|a| code(a)).collect::<Vec<_>>().join(", ");
            self.push(
                Severity::Breaking,
                op,
                &id,
                format!("arguments reordered: ({}) → ({})", show(&common_old), show(&common_new)),
                format!("Existing calls of {} pass them in the old order, which may still compile with the values swapped.", code(&call(n))),
            );
        }
        self.body(&id, n, o.body.as_ref(), n.body.as_ref());
        self.response(&id, &o.response, &n.response);
        let param_docs = o.params.iter().any(|p| {
            n.params.iter().any(|q| {
                q.wire_name == p.wire_name
                    && q.location == p.location
                    && docs_text(&q.docs) != docs_text(&p.docs)
            })
        });
        if docs_text(&o.docs) != docs_text(&n.docs) || param_docs {
            self.push(
                Severity::Compatible,
                op,
                &id,
                "documentation changed",
                "Documentation only.",
            );
        }
    }

    fn params(&mut self, id: &str, n_op: &Operation, old: &'a [Param], new: &'a [Param]) {
        let area = Area::Operation;
        let method = code(&call(n_op));
        let find = |list: &'a [Param], p: &Param| {
            list.iter()
                .find(|q| q.location == p.location && q.wire_name == p.wire_name)
        };
        for p in old {
            if find(new, p).is_none() {
                let how = if p.required {
                    "argument"
                } else {
                    "builder method"
                };
                self.push(
                    Severity::Breaking,
                    area,
                    id,
                    format!("{} parameter {} removed", location(p.location), code(&p.wire_name)),
                    format!("The {how} {} of {method} no longer exists; code passing it no longer compiles.", code(&p.name)),
                );
            }
        }
        for p in new {
            let Some(q) = find(old, p) else {
                if p.required {
                    self.push(
                        Severity::Breaking,
                        area,
                        id,
                        format!(
                            "new required {} parameter {}: {}",
                            location(p.location),
                            code(&p.wire_name),
                            code(&rust(&p.ty))
                        ),
                        format!(
                            "{method} takes a new argument {}; existing calls no longer compile.",
                            code(&p.name)
                        ),
                    );
                } else {
                    self.push(
                        Severity::Compatible,
                        area,
                        id,
                        format!(
                            "new optional {} parameter {}: {}",
                            location(p.location),
                            code(&p.wire_name),
                            code(&rust(&p.ty))
                        ),
                        format!(
                            "A new builder method {}; existing calls are unaffected.",
                            code(&p.name)
                        ),
                    );
                }
                continue;
            };
            let what = |s: &str| {
                format!(
                    "{} parameter {} {s}",
                    location(p.location),
                    code(&p.wire_name)
                )
            };
            if q.name != p.name {
                self.push(
                    Severity::Breaking,
                    area,
                    id,
                    what(&format!(
                        "renamed in Rust from {} to {}",
                        code(&q.name),
                        code(&p.name)
                    )),
                    "Code naming it (as a builder method) no longer compiles.",
                );
            }
            match (q.required, p.required) {
                (false, true) => self.push(
                    Severity::Breaking,
                    area,
                    id,
                    what("now required"),
                    format!("The server rejects calls without it, and it moves from a builder method to an argument of {method}."),
                ),
                (true, false) => self.push(
                    Severity::Breaking,
                    area,
                    id,
                    what("now optional"),
                    format!("Compatible on the wire, but it moves from an argument of {method} to a builder method, so existing calls no longer compile."),
                ),
                _ => {}
            }
            if !self.same_ref(&q.ty, &p.ty) {
                self.push(
                    Severity::Breaking,
                    area,
                    id,
                    what(&format!(
                        "retyped from {} to {}",
                        code(&rust(&q.ty)),
                        code(&rust(&p.ty))
                    )),
                    "Code passing a value of the old type no longer compiles.",
                );
            }
            let limits = limit_changes(&q.constraints, &p.constraints);
            if !limits.is_empty() {
                let (severity, reason) = classify_limits(
                    &limits,
                    Dir {
                        request: true,
                        response: false,
                    },
                );
                let texts: Vec<&str> = limits.iter().map(|l| l.text.as_str()).collect();
                self.push(
                    severity,
                    area,
                    id,
                    what(&format!("limits changed: {}", texts.join(", "))),
                    reason,
                );
            }
            if q.default != p.default {
                let show = |d: &Option<serde_json::Value>| {
                    d.as_ref()
                        .map_or("none".to_string(), |v| code(&v.to_string()))
                };
                self.push(
                    Severity::Compatible,
                    area,
                    id,
                    what(&format!(
                        "default {} → {}",
                        show(&q.default),
                        show(&p.default)
                    )),
                    "Calls that leave it unset get the server's new default.",
                );
            }
            match (q.docs.deprecated, p.docs.deprecated) {
                (false, true) => self.push(
                    Severity::Compatible,
                    area,
                    id,
                    what("deprecated"),
                    "Still accepted.",
                ),
                (true, false) => self.push(
                    Severity::Compatible,
                    area,
                    id,
                    what("no longer deprecated"),
                    "Existing code is unaffected.",
                ),
                _ => {}
            }
        }
    }

    fn body(&mut self, id: &str, n_op: &Operation, old: Option<&Body>, new: Option<&Body>) {
        let area = Area::Operation;
        let method = code(&call(n_op));
        match (old, new) {
            (None, None) => {}
            (Some(b), None) => self.push(
                Severity::Breaking,
                area,
                id,
                format!("request body {} removed", code(&rust(&b.ty))),
                format!("{method} no longer takes a body; code passing one no longer compiles."),
            ),
            (None, Some(b)) if b.required => self.push(
                Severity::Breaking,
                area,
                id,
                format!("new required request body {}", code(&rust(&b.ty))),
                format!("{method} takes a new argument; existing calls no longer compile."),
            ),
            (None, Some(b)) => self.push(
                Severity::Compatible,
                area,
                id,
                format!("new optional request body {}", code(&rust(&b.ty))),
                "Set through the builder; existing calls are unaffected.",
            ),
            (Some(o), Some(n)) => {
                if o.required != n.required {
                    let what = if n.required {
                        "request body now required"
                    } else {
                        "request body now optional"
                    };
                    self.push(
                        Severity::Breaking,
                        area,
                        id,
                        what,
                        format!("The body moves between an argument of {method} and a builder method; existing calls no longer compile."),
                    );
                }
                if !self.same_ref(&o.ty, &n.ty) {
                    self.push(
                        Severity::Breaking,
                        area,
                        id,
                        format!(
                            "request body retyped from {} to {}",
                            code(&rust(&o.ty)),
                            code(&rust(&n.ty))
                        ),
                        "Code passing the old type no longer compiles.",
                    );
                }
                if o.content_type != n.content_type {
                    self.push(
                        Severity::Breaking,
                        area,
                        id,
                        format!("request content type {} → {}", code(&o.content_type), code(&n.content_type)),
                        "Older versions of the crate send the old content type, which the server may reject.",
                    );
                }
            }
        }
    }

    fn response(&mut self, id: &str, old: &Response, new: &Response) {
        let shown = |r: &Response| match r {
            Response::Json(t) => rust(t),
            Response::Text { .. } => "String".to_string(),
            Response::Empty => "()".to_string(),
        };
        let same = match (old, new) {
            (Response::Json(a), Response::Json(b)) => self.same_ref(a, b),
            (Response::Text { content_type: a }, Response::Text { content_type: b }) => {
                if a != b {
                    self.push(
                        Severity::Compatible,
                        Area::Operation,
                        id,
                        format!("response content type {} → {}", code(a), code(b)),
                        "Still returned as a `String`.",
                    );
                }
                true
            }
            (Response::Empty, Response::Empty) => true,
            _ => false,
        };
        if !same {
            self.push(
                Severity::Breaking,
                Area::Operation,
                id,
                format!(
                    "returns {} instead of {}",
                    code(&shown(new)),
                    code(&shown(old))
                ),
                "Code using the result as the old type no longer compiles.",
            );
        }
    }

    // -----------------------------------------------------------------------
    // Types

    fn types(&mut self) {
        let removed: Vec<&TypeDef> = self
            .old_types
            .iter()
            .filter(|(n, _)| !self.fwd.contains_key(**n))
            .map(|(_, d)| *d)
            .collect();
        for def in removed {
            self.push(
                Severity::Breaking,
                Area::Type,
                &def.name,
                format!("{} removed", kind_name(&def.kind)),
                format!("Code naming {} no longer compiles.", code(&def.name)),
            );
        }
        let added: Vec<&TypeDef> = self
            .new_types
            .iter()
            .filter(|(n, _)| !self.back.contains_key(**n))
            .map(|(_, d)| *d)
            .collect();
        for def in added {
            self.push(
                Severity::Compatible,
                Area::Type,
                &def.name,
                format!("new {}", kind_name(&def.kind)),
                "Existing code is unaffected.",
            );
        }
        let pairs: Vec<(String, String)> = self
            .fwd
            .iter()
            .map(|(a, b)| (a.clone(), b.clone()))
            .collect();
        for (a, b) in pairs {
            let (o, n) = (self.old_types[a.as_str()], self.new_types[b.as_str()]);
            self.type_pair(o, n);
        }
    }

    fn type_pair(&mut self, o: &TypeDef, n: &TypeDef) {
        let subject = n.name.clone();
        let area = Area::Type;
        let dir = self.dir_of(&o.name, &n.name);
        if o.name != n.name {
            let (severity, reason) = match (&o.schema, &n.schema) {
                _ if n.previous_names.contains(&o.name) => (
                    Severity::Compatible,
                    format!("{} stays for one release as a deprecated alias: existing code compiles, with a warning.", code(&o.name)),
                ),
                (Some(a), Some(b)) if a != b => (Severity::Breaking, format!("Upstream renamed the schema {} to {}; code naming {} no longer compiles.", code(a), code(b), code(&o.name))),
                _ => (Severity::Breaking, format!("Code naming {} no longer compiles.", code(&o.name))),
            };
            self.push(
                severity,
                area,
                &subject,
                format!("Rust type renamed from {}", code(&o.name)),
                reason,
            );
        }
        for old in dropped(&o.previous_names, &n.previous_names, &n.name) {
            self.push(
                Severity::Breaking,
                area,
                &subject,
                format!("deprecated alias {} removed", code(old)),
                format!("It stood for {} for one release after a rename; code still naming it no longer compiles.", code(&n.name)),
            );
        }
        match (o.docs.deprecated, n.docs.deprecated) {
            (false, true) => self.push(
                Severity::Compatible,
                area,
                &subject,
                "deprecated",
                "Still works; using it now warns (`#[deprecated]`).",
            ),
            (true, false) => self.push(
                Severity::Compatible,
                area,
                &subject,
                "no longer deprecated",
                "Existing code is unaffected.",
            ),
            _ => {}
        }
        let mut doc_fields: Vec<String> = Vec::new();
        match (&o.kind, &n.kind) {
            (
                TypeKind::Struct {
                    fields: of,
                    extra: oe,
                },
                TypeKind::Struct {
                    fields: nf,
                    extra: ne,
                },
            ) => {
                self.fields(&subject, dir, of, nf, &mut doc_fields);
                self.extra(&subject, dir, oe.as_ref(), ne.as_ref());
            }
            (TypeKind::Enum { values: ov }, TypeKind::Enum { values: nv }) => {
                for v in ov {
                    match nv.iter().find(|w| w.wire == v.wire) {
                        None => {
                            let why = if dir.request {
                                " The server no longer accepts it"
                            } else {
                                " The server no longer sends it"
                            };
                            self.push(
                                Severity::Breaking,
                                area,
                                &subject,
                                format!("value {} removed", code(&v.wire)),
                                format!("The variant {} no longer exists; code naming it no longer compiles.{why}.", code(&format!("{}::{}", n.name, v.name))),
                            );
                        }
                        Some(w) if w.name != v.name => self.push(
                            Severity::Breaking,
                            area,
                            &subject,
                            format!(
                                "variant for {} renamed from {} to {}",
                                code(&v.wire),
                                code(&v.name),
                                code(&w.name)
                            ),
                            "Code naming the old variant no longer compiles.",
                        ),
                        Some(_) => {}
                    }
                }
                for w in nv.iter().filter(|w| !ov.iter().any(|v| v.wire == w.wire)) {
                    let reason = if dir.response {
                        "The enum is open and `#[non_exhaustive]`: older versions decode it as `Unknown`, and matches already need a wildcard arm."
                    } else {
                        "A new value to send; existing code is unaffected (the enum is `#[non_exhaustive]`)."
                    };
                    self.push(
                        Severity::Compatible,
                        area,
                        &subject,
                        format!("new value {}", code(&w.wire)),
                        reason,
                    );
                }
            }
            (
                TypeKind::Union {
                    tag: ot,
                    variants: ov,
                },
                TypeKind::Union {
                    tag: nt,
                    variants: nv,
                },
            ) => self.union(&subject, dir, ot, ov, nt, nv, &mut doc_fields),
            (
                TypeKind::Newtype {
                    inner: oi,
                    constraints: oc,
                },
                TypeKind::Newtype {
                    inner: ni,
                    constraints: nc,
                },
            ) => {
                if !self.same_ref(oi, ni) {
                    self.push(
                        Severity::Breaking,
                        area,
                        &subject,
                        format!(
                            "now wraps {} instead of {}",
                            code(&rust(ni)),
                            code(&rust(oi))
                        ),
                        "Code building or reading the inner value no longer compiles.",
                    );
                }
                let limits = limit_changes(oc, nc);
                if !limits.is_empty() {
                    let (severity, reason) = classify_limits(&limits, dir);
                    let texts: Vec<&str> = limits.iter().map(|l| l.text.as_str()).collect();
                    self.push(
                        severity,
                        area,
                        &subject,
                        format!("limits changed: {}", texts.join(", ")),
                        reason,
                    );
                }
            }
            (ok, nk) => self.push(
                Severity::Breaking,
                area,
                &subject,
                format!("changed from a {} to a {}", kind_name(ok), kind_name(nk)),
                "Its Rust shape changed; code using it no longer compiles.",
            ),
        }
        let type_docs = docs_text(&o.docs) != docs_text(&n.docs);
        if type_docs || !doc_fields.is_empty() {
            let what = match (type_docs, doc_fields.is_empty()) {
                (_, true) => "documentation changed".to_string(),
                (false, false) => format!("documentation of {} changed", doc_fields.join(", ")),
                (true, false) => format!(
                    "documentation of the type and of {} changed",
                    doc_fields.join(", ")
                ),
            };
            self.push(
                Severity::Compatible,
                area,
                &subject,
                what,
                "Documentation only.",
            );
        }
    }

    fn fields(
        &mut self,
        owner: &str,
        dir: Dir,
        old: &[Field],
        new: &[Field],
        doc_fields: &mut Vec<String>,
    ) {
        let area = Area::Type;
        for f in old
            .iter()
            .filter(|f| !new.iter().any(|g| g.wire_name == f.wire_name))
        {
            let subject = format!("{owner}.{}", f.name);
            if self
                .new_tags
                .get(owner)
                .is_some_and(|tags| tags.contains(&f.wire_name))
            {
                self.push(
                    Severity::Breaking,
                    area,
                    subject,
                    format!("field {} removed", code(&f.wire_name)),
                    "The type is now a union variant whose tag carries it (the wire is unchanged); code reading or setting the field no longer compiles.",
                );
                continue;
            }
            let reason = match (dir.request, dir.response) {
                (true, true) => "Code reading or setting it no longer compiles; the server neither sends nor reads it.",
                (true, false) => "Code setting it no longer compiles; the server no longer reads it.",
                _ => "Code reading it no longer compiles; the server no longer sends it.",
            };
            self.push(
                Severity::Breaking,
                area,
                subject,
                format!("field {} removed", code(&f.wire_name)),
                reason,
            );
        }
        for g in new {
            let subject = format!("{owner}.{}", g.name);
            let Some(f) = old.iter().find(|f| f.wire_name == g.wire_name) else {
                let what = format!(
                    "new {} field {}: {}",
                    if g.required { "required" } else { "optional" },
                    code(&g.wire_name),
                    code(&field_rust(g))
                );
                if dir.request && g.required {
                    self.push(
                        Severity::Breaking,
                        area,
                        subject,
                        what,
                        format!("{} is sent in requests: the server now requires the field, and code building it must set it.", code(owner)),
                    );
                } else if dir.request {
                    self.push(
                        Severity::Compatible,
                        area,
                        subject,
                        what,
                        format!(
                            "{} is sent in requests, but structs are `#[non_exhaustive]` and built with `new(required...)`: existing code compiles unchanged and leaves the field unset.",
                            code(owner)
                        ),
                    );
                } else {
                    self.push(Severity::Compatible, area, subject, what, "Only in responses: older versions ignore it, and existing code is unaffected.");
                }
                continue;
            };
            self.field(&subject, dir, f, g);
            if docs_text(&f.docs) != docs_text(&g.docs) {
                doc_fields.push(code(&g.name));
            }
        }
    }

    fn field(&mut self, subject: &str, dir: Dir, f: &Field, g: &Field) {
        let area = Area::Type;
        let wire = code(&g.wire_name);
        if f.name != g.name {
            self.push(
                Severity::Breaking,
                area,
                subject,
                format!(
                    "field {wire} renamed in Rust from {} to {}",
                    code(&f.name),
                    code(&g.name)
                ),
                "Code using the old field name no longer compiles.",
            );
        }
        let (old_rust, new_rust) = (field_rust(f), field_rust(g));
        let inner_same =
            self.same_ref(strip_nullable(&f.ty), strip_nullable(&g.ty)) && f.boxed == g.boxed;
        let old_opt = !f.required || matches!(f.ty, TypeRef::Nullable(_));
        let new_opt = !g.required || matches!(g.ty, TypeRef::Nullable(_));
        if !inner_same {
            self.push(
                Severity::Breaking,
                area,
                subject,
                format!(
                    "field {wire} retyped from {} to {}",
                    code(&old_rust),
                    code(&new_rust)
                ),
                "Code reading or setting it as the old type no longer compiles.",
            );
        } else if old_opt != new_opt {
            let (what, reason) = if new_opt {
                (
                    "now optional",
                    if dir.response {
                        format!(
                            "The server may now omit it, and its type changes from {} to {}.",
                            code(&old_rust),
                            code(&new_rust)
                        )
                    } else {
                        format!("Compatible on the wire, but its type changes from {} to {}: code setting it must wrap the value in `Some`.", code(&old_rust), code(&new_rust))
                    },
                )
            } else {
                (
                    "now required",
                    if dir.request {
                        format!(
                            "The server now requires it, and its type changes from {} to {}.",
                            code(&old_rust),
                            code(&new_rust)
                        )
                    } else {
                        format!("Always sent now (compatible on the wire), but its type changes from {} to {}: code reading it must change.", code(&old_rust), code(&new_rust))
                    },
                )
            };
            self.push(
                Severity::Breaking,
                area,
                subject,
                format!("field {wire} {what}"),
                reason,
            );
        } else {
            // Same Rust type: only what the wire sees changed.
            if f.required != g.required {
                if g.required && dir.request {
                    self.push(
                        Severity::Breaking,
                        area,
                        subject,
                        format!("field {wire} now required (nullable)"),
                        "The server now requires it in requests; older versions of the crate omit it when `None`.",
                    );
                } else {
                    let what = if g.required {
                        "now required (nullable)"
                    } else {
                        "now optional (nullable)"
                    };
                    self.push(
                        Severity::Compatible,
                        area,
                        subject,
                        format!("field {wire} {what}"),
                        format!(
                            "Its type stays {}, and an absent value decodes as `None`.",
                            code(&new_rust)
                        ),
                    );
                }
            }
            let (on, nn) = (
                matches!(f.ty, TypeRef::Nullable(_)),
                matches!(g.ty, TypeRef::Nullable(_)),
            );
            if on != nn && f.required == g.required {
                let what = if nn {
                    "now nullable"
                } else {
                    "no longer nullable"
                };
                self.push(
                    Severity::Compatible,
                    area,
                    subject,
                    format!("field {wire} {what}"),
                    format!("Its type stays {}.", code(&new_rust)),
                );
            }
        }
        let limits = limit_changes(&f.constraints, &g.constraints);
        if !limits.is_empty() {
            let (severity, reason) = classify_limits(&limits, dir);
            let texts: Vec<&str> = limits.iter().map(|l| l.text.as_str()).collect();
            self.push(
                severity,
                area,
                subject,
                format!("field {wire} limits changed: {}", texts.join(", ")),
                reason,
            );
        }
        if f.default != g.default {
            let show = |d: &Option<serde_json::Value>| {
                d.as_ref()
                    .map_or("none".to_string(), |v| code(&v.to_string()))
            };
            self.push(
                Severity::Compatible,
                area,
                subject,
                format!(
                    "field {wire} default {} → {}",
                    show(&f.default),
                    show(&g.default)
                ),
                "Requests that leave it out get the server's new default.",
            );
        }
        match (f.docs.deprecated, g.docs.deprecated) {
            (false, true) => self.push(
                Severity::Compatible,
                area,
                subject,
                format!("field {wire} deprecated"),
                "Still works; using it now warns (`#[deprecated]`).",
            ),
            (true, false) => self.push(
                Severity::Compatible,
                area,
                subject,
                format!("field {wire} no longer deprecated"),
                "Existing code is unaffected.",
            ),
            _ => {}
        }
    }

    fn extra(&mut self, subject: &str, dir: Dir, old: Option<&TypeRef>, new: Option<&TypeRef>) {
        let area = Area::Type;
        match (old, new) {
            (None, None) => {}
            (Some(_), None) => self.push(
                Severity::Breaking,
                area,
                subject,
                "additional properties removed",
                "The `extra` map field no longer exists; code using it no longer compiles.",
            ),
            (None, Some(t)) => {
                let what = format!("now allows additional properties ({})", code(&rust(t)));
                if dir.request {
                    self.push(
                        Severity::Breaking,
                        area,
                        subject,
                        what,
                        "A new `extra` map field: struct literals must now set it.",
                    );
                } else {
                    self.push(
                        Severity::Compatible,
                        area,
                        subject,
                        what,
                        "Only in responses: a new `extra` map field holds them.",
                    );
                }
            }
            (Some(a), Some(b)) if !self.same_ref(a, b) => self.push(
                Severity::Breaking,
                area,
                subject,
                format!(
                    "additional properties retyped from {} to {}",
                    code(&rust(a)),
                    code(&rust(b))
                ),
                "Code using the `extra` map as the old type no longer compiles.",
            ),
            _ => {}
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn union(
        &mut self,
        subject: &str,
        dir: Dir,
        ot: &Option<String>,
        ov: &[Variant],
        nt: &Option<String>,
        nv: &[Variant],
        doc_fields: &mut Vec<String>,
    ) {
        let area = Area::Type;
        if ot != nt {
            let show = |t: &Option<String>| {
                t.as_deref()
                    .map_or("untagged".to_string(), |t| format!("tagged by {}", code(t)))
            };
            self.push(
                Severity::Breaking,
                area,
                subject,
                format!("now {} (was {})", show(nt), show(ot)),
                "The wire format of every variant changed.",
            );
        }
        let mut matched_new: BTreeSet<usize> = BTreeSet::new();
        let mut removed: Vec<&Variant> = Vec::new();
        for v in ov {
            match nv.iter().position(|w| same_variant(v, w)) {
                Some(i) => {
                    matched_new.insert(i);
                    self.variant(subject, v, &nv[i], doc_fields);
                }
                None => removed.push(v),
            }
        }
        // A variant whose tag changed but whose payload did not: same variant, new wire tag.
        for v in removed {
            let free = |i: &usize, w: &Variant| {
                !matched_new.contains(i) && v.tag.is_some() && w.tag.is_some()
            };
            let same_payload =
                |w: &Variant| matches!((&v.ty, &w.ty), (Some(a), Some(b)) if self.same_ref(a, b));
            let retagged = nv
                .iter()
                .enumerate()
                .find(|(i, w)| free(i, w) && same_payload(w))
                .or_else(|| {
                    nv.iter().enumerate().find(|(i, w)| {
                        free(i, w) && prefixed_tag(v.tag.as_deref(), w.tag.as_deref())
                    })
                });
            match retagged {
                Some((i, w)) => {
                    matched_new.insert(i);
                    self.push(
                        Severity::Breaking,
                        area,
                        subject,
                        format!("variant tag {} → {}", code(v.tag.as_deref().unwrap_or_default()), code(w.tag.as_deref().unwrap_or_default())),
                        "The wire value changed: older versions neither send nor recognise the new tag.",
                    );
                    self.variant(subject, v, w, doc_fields);
                }
                None => {
                    let label = v.tag.as_deref().unwrap_or(&v.name);
                    self.push(
                        Severity::Breaking,
                        area,
                        subject,
                        format!("variant {} removed", code(label)),
                        format!(
                            "The variant {} no longer exists; code naming it no longer compiles.",
                            code(&format!("{subject}::{}", v.name))
                        ),
                    );
                }
            }
        }
        for (_, w) in nv
            .iter()
            .enumerate()
            .filter(|(i, _)| !matched_new.contains(i))
        {
            let label = w.tag.as_deref().unwrap_or(&w.name);
            let payload =
                w.ty.as_ref()
                    .map(|t| format!(" ({})", code(&rust(t))))
                    .unwrap_or_default();
            let reason = if dir.response {
                "The union is open and `#[non_exhaustive]`: older versions decode it as `Unknown`, and matches already need a wildcard arm."
            } else {
                "A new variant to send; existing code is unaffected (the union is `#[non_exhaustive]`)."
            };
            self.push(
                Severity::Compatible,
                area,
                subject,
                format!("new variant {}{payload}", code(label)),
                reason,
            );
        }
    }

    fn variant(&mut self, subject: &str, v: &Variant, w: &Variant, doc_fields: &mut Vec<String>) {
        let area = Area::Type;
        if v.name != w.name {
            self.push(
                Severity::Breaking,
                area,
                subject,
                format!("variant {} renamed to {}", code(&v.name), code(&w.name)),
                "Code naming the old variant no longer compiles.",
            );
        }
        let same_payload = match (&v.ty, &w.ty) {
            (None, None) => true,
            (Some(a), Some(b)) => self.same_ref(a, b) && v.boxed == w.boxed,
            _ => false,
        };
        if !same_payload {
            let show = |x: &Variant| {
                x.ty.as_ref().map_or("nothing".to_string(), |t| {
                    code(&if x.boxed {
                        format!("Box<{}>", rust(t))
                    } else {
                        rust(t)
                    })
                })
            };
            self.push(
                Severity::Breaking,
                area,
                subject,
                format!(
                    "variant {} now carries {} instead of {}",
                    code(&w.name),
                    show(w),
                    show(v)
                ),
                "Code building or matching the variant no longer compiles.",
            );
        }
        if docs_text(&v.docs) != docs_text(&w.docs) {
            doc_fields.push(code(&w.name));
        }
    }
}

/// The wire names of an operation's positional arguments, in order: path
/// parameters, then required query and header parameters (as `emit` lays them out).
fn arguments(op: &Operation) -> Vec<String> {
    let path = op
        .params
        .iter()
        .filter(|p| p.location == ParamLocation::Path);
    let rest = op
        .params
        .iter()
        .filter(|p| p.location != ParamLocation::Path && p.required);
    path.chain(rest).map(|p| p.wire_name.clone()).collect()
}

/// Whether two union variants are the same one: same tag, or (untagged) same name.
fn same_variant(v: &Variant, w: &Variant) -> bool {
    match (&v.tag, &w.tag) {
        (Some(a), Some(b)) => a == b,
        _ => v.name == w.name,
    }
}

/// Whether one tag is the other with Tapir's `<Union>_` prefix
/// (`BookerInvitation_DoNotInvite` and `DoNotInvite`).
fn prefixed_tag(a: Option<&str>, b: Option<&str>) -> bool {
    let (Some(a), Some(b)) = (a, b) else {
        return false;
    };
    a.strip_suffix(b).is_some_and(|p| p.ends_with('_'))
        || b.strip_suffix(a).is_some_and(|p| p.ends_with('_'))
}

/// Pairs of named types at the same place in two references.
fn pair_refs(old: &TypeRef, new: &TypeRef, out: &mut Vec<(String, String)>) {
    match (old, new) {
        (TypeRef::Named(a), TypeRef::Named(b)) => out.push((a.clone(), b.clone())),
        (TypeRef::List(a), TypeRef::List(b))
        | (TypeRef::Map(a), TypeRef::Map(b))
        | (TypeRef::Nullable(a), TypeRef::Nullable(b)) => pair_refs(a, b, out),
        (TypeRef::Nullable(a), b) => pair_refs(a, b, out),
        (a, TypeRef::Nullable(b)) => pair_refs(a, b, out),
        _ => {}
    }
}

/// Renames every named type in `t` through `f`.
fn rename_refs(t: &mut TypeRef, f: &mut dyn FnMut(&str) -> String) {
    match t {
        TypeRef::Named(n) => *n = f(n),
        TypeRef::List(i) | TypeRef::Map(i) | TypeRef::Nullable(i) => rename_refs(i, f),
        _ => {}
    }
}

/// Edit distance between two names, to pair look-alikes.
fn name_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = if ca == *cb {
                prev
            } else {
                1 + prev.min(row[j]).min(cur)
            };
            prev = cur;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_bump_by_semver() {
        assert_eq!(next_version("0.1.0", None).as_deref(), Some("0.1.0"));
        assert_eq!(
            next_version("0.1.3", Some(Severity::Breaking)).as_deref(),
            Some("0.2.0")
        );
        assert_eq!(
            next_version("0.1.3", Some(Severity::Compatible)).as_deref(),
            Some("0.1.4")
        );
        assert_eq!(
            next_version("1.4.2", Some(Severity::Breaking)).as_deref(),
            Some("2.0.0")
        );
        assert_eq!(
            next_version("1.4.2", Some(Severity::Compatible)).as_deref(),
            Some("1.5.0")
        );
        assert_eq!(next_version("1.4", None), None);
        assert_eq!(next_version("1.4.2-beta", Some(Severity::Breaking)), None);
    }

    #[test]
    fn limits_know_their_direction() {
        let a = Constraints {
            max_length: Some(100),
            ..Default::default()
        };
        let b = Constraints {
            max_length: Some(50),
            pattern: Some("^x".into()),
            ..Default::default()
        };
        let l = limit_changes(&a, &b);
        assert!(
            l.iter().all(|l| l.narrower && !l.wider),
            "{:?}",
            l.iter().map(|l| &l.text).collect::<Vec<_>>()
        );
        let back = limit_changes(&b, &a);
        assert!(back.iter().all(|l| l.wider && !l.narrower));
        assert_eq!(
            classify_limits(
                &l,
                Dir {
                    request: true,
                    response: false
                }
            )
            .0,
            Severity::Breaking
        );
        assert_eq!(
            classify_limits(
                &l,
                Dir {
                    request: false,
                    response: true
                }
            )
            .0,
            Severity::Compatible
        );
        assert_eq!(
            classify_limits(
                &back,
                Dir {
                    request: false,
                    response: true
                }
            )
            .0,
            Severity::Breaking
        );
    }

    #[test]
    fn edit_distance() {
        assert_eq!(name_distance("User3", "User"), 1);
        assert_eq!(name_distance("", "ab"), 2);
        assert_eq!(name_distance("kitten", "sitting"), 3);
    }
}
