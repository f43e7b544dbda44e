//! Matching: which old operation and type became which new one.
//!
//! Operations match by id, then by method and path (parameter names blanked).
//! Types match by Rust name, then as renames, repeatedly until nothing new
//! links: by the place they are used at (same operation parameter, body,
//! response, field, variant or newtype of matched types), by schema name, then
//! by identical shape. Every rule reads this matching, so it is computed once
//! here and testable alone ([`match_apis`]).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::{kind_name, path_shape, rust, same_variant};
use crate::ir::{Api, Operation, Response, TypeDef, TypeKind, TypeRef};

/// Which old operation and type became which new one.
#[derive(Debug)]
pub struct Matching<'a> {
    /// Operations present in both, `(old, new)`, in the old document's order.
    pub operations: Vec<(&'a Operation, &'a Operation)>,
    /// Old operations with no counterpart.
    pub removed_operations: Vec<&'a Operation>,
    /// New operations with no counterpart, in the new document's order.
    pub added_operations: Vec<&'a Operation>,
    /// Old type name -> new type name, for every type matched (same name or renamed).
    pub types: BTreeMap<String, String>,
}

impl Matching<'_> {
    /// The new name of the old type `old`, when it was matched.
    pub fn new_name(&self, old: &str) -> Option<&str> {
        self.types.get(old).map(String::as_str)
    }

    /// The old type pairs whose names differ: the renames.
    pub fn renames(&self) -> impl Iterator<Item = (&str, &str)> {
        self.types
            .iter()
            .filter(|(o, n)| o != n)
            .map(|(o, n)| (o.as_str(), n.as_str()))
    }
}

/// Matches the operations and types of two APIs; see the module documentation.
pub fn match_apis<'a>(old: &'a Api, new: &'a Api) -> Matching<'a> {
    let mut m = Matcher {
        old,
        new,
        old_types: old.types.iter().map(|t| (t.name.as_str(), t)).collect(),
        new_types: new.types.iter().map(|t| (t.name.as_str(), t)).collect(),
        op_pairs: Vec::new(),
        removed_ops: Vec::new(),
        added_ops: Vec::new(),
        fwd: BTreeMap::new(),
        back: BTreeMap::new(),
    };
    m.match_operations();
    m.match_types();
    Matching {
        operations: m.op_pairs,
        removed_operations: m.removed_ops,
        added_operations: m.added_ops,
        types: m.fwd,
    }
}

/// The state of matching while it runs: both sides' types and what is linked so far.
struct Matcher<'a> {
    old: &'a Api,
    new: &'a Api,
    old_types: BTreeMap<&'a str, &'a TypeDef>,
    new_types: BTreeMap<&'a str, &'a TypeDef>,
    op_pairs: Vec<(&'a Operation, &'a Operation)>,
    removed_ops: Vec<&'a Operation>,
    added_ops: Vec<&'a Operation>,
    /// Old type name -> new type name, and back.
    fwd: BTreeMap<String, String>,
    back: BTreeMap<String, String>,
}

impl Matcher<'_> {
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
pub(crate) fn rename_refs(t: &mut TypeRef, f: &mut dyn FnMut(&str) -> String) {
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

    /// A document with one `GET /things/{id}` (operation `id`) returning the
    /// schema `response`, and `schemas` under `components/schemas`.
    fn api(id: &str, response: &str, schemas: &str) -> Api {
        let text = format!(
            "openapi: 3.0.3\ninfo: {{title: M, version: '1'}}\npaths:\n  /things/{{id}}:\n    get:\n      operationId: {id}\n      tags: [things]\n      parameters:\n        - {{name: id, in: path, required: true, schema: {{type: string}}}}\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {{$ref: '#/components/schemas/{response}'}}\ncomponents:\n  schemas:\n{schemas}"
        );
        crate::build_api(&text, "inline.yaml").unwrap_or_else(|e| panic!("{e}\n{text}"))
    }

    fn thing(name: &str, extra: &str) -> String {
        format!(
            "    {name}:\n      type: object\n      properties:\n        id: {{type: string}}\n        label: {{type: string}}\n{extra}"
        )
    }

    #[test]
    fn same_names_match_themselves() {
        let a = api("thingGet", "Thing", &thing("Thing", ""));
        let m = match_apis(&a, &a);
        assert_eq!(m.new_name("Thing"), Some("Thing"));
        assert_eq!(m.renames().count(), 0);
        assert_eq!(m.operations.len(), 1);
        assert!(m.removed_operations.is_empty() && m.added_operations.is_empty());
    }

    #[test]
    fn a_renamed_response_type_matches_by_place() {
        // Same place (the response of thingGet), a member more: not the same
        // shape, but the place and the shared members link them.
        let old = api("thingGet", "Thing", &thing("Thing", ""));
        let new = api(
            "thingGet",
            "Item",
            &thing("Item", "        size: {type: integer}\n"),
        );
        let m = match_apis(&old, &new);
        assert_eq!(m.new_name("Thing"), Some("Item"));
        assert_eq!(m.renames().collect::<Vec<_>>(), vec![("Thing", "Item")]);
    }

    #[test]
    fn an_operation_whose_id_changed_matches_by_endpoint() {
        let old = api("thingGet", "Thing", &thing("Thing", ""));
        let new = api("getThing", "Thing", &thing("Thing", ""));
        let m = match_apis(&old, &new);
        assert_eq!(m.operations.len(), 1);
        assert_eq!(
            (m.operations[0].0.id.as_str(), m.operations[0].1.id.as_str()),
            ("thingGet", "getThing")
        );
        assert!(m.removed_operations.is_empty() && m.added_operations.is_empty());
    }

    #[test]
    fn unrelated_types_do_not_match() {
        // The old response type is gone; the new one shares no member and
        // is another kind: removed and added, not renamed.
        let old = api("thingGet", "Thing", &thing("Thing", ""));
        let new = api(
            "thingGet",
            "Colour",
            "    Colour:\n      type: string\n      enum: [red, green]\n",
        );
        let m = match_apis(&old, &new);
        assert_eq!(m.new_name("Thing"), None);
    }

    #[test]
    fn edit_distance() {
        assert_eq!(name_distance("User3", "User"), 1);
        assert_eq!(name_distance("", "ab"), 2);
        assert_eq!(name_distance("kitten", "sitting"), 3);
    }
}
