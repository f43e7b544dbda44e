//! Reference bundling: after this pass every `$ref` the generator follows is
//! `#/components/<section>/<name>` in the document itself, which is all the
//! later stages (and `openapiv3`) know how to read.
//!
//! - A reference into a sub-schema (`#/components/schemas/A/definitions/line`,
//!   `#/components/schemas/A/allOf/0/properties/id`) or into `paths` is
//!   hoisted: the target is moved to a new component and both the reference
//!   and the original place point at it, so the two share one Rust type.
//! - A reference to another file or URL (`common.yaml#/components/schemas/Error`,
//!   `./pet.json`) is read through a [`Fetch`], and its target copied into the
//!   document's components (references inside it are resolved against that
//!   file). Path items are copied in place.
//! - The result remembers where each hoisted component came from
//!   ([`Provenance`]), so errors and warnings name the file and pointer the
//!   user wrote.
//!
//! The work is a queue, never recursion: a document can nest or chain
//! references as deep as it likes.

use std::collections::{HashMap, VecDeque};

use serde_json::{Map, Value};

use crate::error::{escape_pointer, pointer_segments, Error};
use crate::walk::{kind_at, walk, Kind};

mod location;

pub use location::shown;
use location::{is_url, join, normalize_location, percent_decode};

/// At most this many documents are read through references.
const MAX_DOCUMENTS: usize = 200;
/// At most this many targets are hoisted or copied in.
const MAX_HOISTED: usize = 50_000;
/// At most this many references in a row that only point at another reference.
const MAX_HOPS: usize = 64;

/// Reads the documents that references name.
pub trait Fetch {
    /// The text at `location`, a path or an `http(s)://` URL as resolved from
    /// the referencing document; `Err` says why it cannot be read.
    fn fetch(&self, location: &str) -> Result<String, String>;
}

/// Reads referenced files from disk, relative to the referencing file.
/// Refuses URLs: bundle such documents first, or generate with
/// `cargo xtask generate`, which fetches them.
pub struct FileFetch;

impl Fetch for FileFetch {
    fn fetch(&self, location: &str) -> Result<String, String> {
        if is_url(location) {
            return Err("this generator reads references to URLs only through `cargo xtask generate`; \
                 download the file, or bundle the document first (for example `npx @redocly/cli bundle`)"
                .to_string());
        }
        std::fs::read_to_string(location).map_err(|e| e.to_string())
    }
}

/// Where the bundled document's hoisted parts came from.
#[derive(Debug, Clone, Default)]
pub struct Provenance {
    /// The root document's location, normalized as references are.
    root_location: String,
    /// Pointer prefix in the bundled document -> (location, pointer) written by the user.
    entries: Vec<(String, String, String)>,
    /// Text of every document read, by location, to find lines in.
    texts: HashMap<String, String>,
}

impl Provenance {
    /// Every document read besides the root, by location, with its text.
    pub fn referenced(&self) -> impl Iterator<Item = (&str, &str)> {
        self.texts
            .iter()
            .filter(|(location, _)| **location != self.root_location)
            .map(|(location, text)| (location.as_str(), text.as_str()))
    }

    /// The location and pointer a pointer of the bundled document stands for,
    /// when it lies in a hoisted or copied part. The innermost part wins.
    pub fn original(&self, pointer: &str) -> Option<(&str, String)> {
        self.entries
            .iter()
            .filter(|(prefix, _, _)| {
                pointer == prefix
                    || pointer
                        .strip_prefix(prefix.as_str())
                        .is_some_and(|r| r.starts_with('/'))
            })
            .max_by_key(|(prefix, _, _)| prefix.len())
            .map(|(prefix, location, original)| {
                (
                    location.as_str(),
                    format!("{original}{}", &pointer[prefix.len()..]),
                )
            })
    }

    /// The text of a document read while bundling.
    pub fn text(&self, location: &str) -> Option<&str> {
        self.texts.get(location).map(String::as_str)
    }

    /// Whether `location` (as [`Provenance::original`] returns it) is the root document.
    pub fn is_root(&self, location: &str) -> bool {
        location == self.root_location
    }
}

/// A document other than the root, read through a reference.
struct External {
    location: String,
    tree: Value,
}

struct Bundler<'f, 'p> {
    root_location: String,
    fetch: &'f dyn Fetch,
    /// Document 0 is the root; `externals[i - 1]` is document `i`.
    externals: Vec<External>,
    by_location: HashMap<String, usize>,
    /// (document, pointer, section) -> the local reference now standing for it.
    done: HashMap<(usize, String, &'static str), String>,
    /// Root subtrees moved to components: (old pointer, new pointer).
    moved: Vec<(String, String)>,
    /// Subtrees of the root still to scan: (pointer, kind, document its references are relative to).
    tasks: VecDeque<(String, Kind, usize)>,
    provenance: &'p mut Provenance,
    hoisted: usize,
}

/// A reference found in the tree: where its string is, and what it stands for.
struct Found {
    /// Pointer to the string itself (`.../$ref` or a discriminator mapping value).
    at: String,
    kind: Kind,
    reference: String,
    /// A discriminator mapping value: left alone when it does not resolve.
    mapping: bool,
}

/// Rewrites every reference in `tree` (the document read from `origin`) to a
/// local component reference; see the module docs.
/// `provenance` records where hoisted parts came from, also when this fails
/// (so the error can be located in the file the user wrote).
pub fn bundle(
    tree: &mut Value,
    origin: &str,
    fetch: &dyn Fetch,
    provenance: &mut Provenance,
) -> Result<(), Error> {
    let root_location = normalize_location(origin);
    provenance.root_location = root_location.clone();
    let mut bundler = Bundler {
        root_location: root_location.clone(),
        fetch,
        externals: Vec::new(),
        by_location: HashMap::from([(root_location, 0)]),
        done: HashMap::new(),
        moved: Vec::new(),
        tasks: VecDeque::from([(String::new(), Kind::Document, 0)]),
        provenance,
        hoisted: 0,
    };
    while let Some((pointer, kind, doc)) = bundler.tasks.pop_front() {
        let found = references(tree, &pointer, kind, origin)?;
        for f in found {
            // An earlier step may have moved this part away; its new copy is scanned on its own.
            if tree.pointer(&f.at).and_then(Value::as_str) != Some(f.reference.as_str()) {
                continue;
            }
            bundler.follow(tree, origin, doc, &f)?;
        }
    }
    Ok(())
}

/// Every reference under `start`, in the parts of the document the generator reads.
fn references(tree: &Value, start: &str, kind: Kind, origin: &str) -> Result<Vec<Found>, Error> {
    let mut found = Vec::new();
    let mut bad = None;
    walk(tree, start, kind, |node| {
        if let Some(r) = node.object.get("$ref") {
            if node.kind.section().is_some() && node.kind != Kind::Example {
                match r.as_str() {
                    Some(s) => found.push(Found {
                        at: format!("{}/$ref", node.pointer),
                        kind: node.kind,
                        reference: s.to_string(),
                        mapping: false,
                    }),
                    None => {
                        bad.get_or_insert_with(|| {
                            Error::at(origin, format!("{}/$ref", node.pointer), "`$ref` must be a string, a URI reference such as `#/components/schemas/Pet`; fix the reference")
                        });
                    }
                }
            }
        }
        if node.kind == Kind::Schema {
            if let Some(Value::Object(mapping)) = node
                .object
                .get("discriminator")
                .and_then(|d| d.get("mapping"))
            {
                for (tag, target) in mapping {
                    if let Some(s) = target.as_str().filter(|s| looks_like_reference(s)) {
                        let at = format!(
                            "{}/discriminator/mapping/{}",
                            node.pointer,
                            escape_pointer(tag)
                        );
                        found.push(Found {
                            at,
                            kind: Kind::Schema,
                            reference: s.to_string(),
                            mapping: true,
                        });
                    }
                }
            }
        }
        true
    });
    match bad {
        Some(e) => Err(e),
        None => Ok(found),
    }
}

/// The pointer of the first object (in document order) whose `$anchor` is
/// `name`. Iterative: the tree's depth is bounded by the parsers, not by
/// this stack.
fn find_anchor(tree: &Value, name: &str) -> Option<String> {
    let mut stack = vec![(tree, String::new())];
    while let Some((node, pointer)) = stack.pop() {
        match node {
            Value::Object(map) => {
                if map.get("$anchor").and_then(Value::as_str) == Some(name) {
                    return Some(pointer);
                }
                // Reversed, so the first key is visited first.
                for (key, child) in map.iter().rev() {
                    stack.push((child, format!("{pointer}/{}", escape_pointer(key))));
                }
            }
            Value::Array(items) => {
                for (i, child) in items.iter().enumerate().rev() {
                    stack.push((child, format!("{pointer}/{i}")));
                }
            }
            _ => {}
        }
    }
    None
}

/// A discriminator mapping value is a reference when it is not a bare schema name.
fn looks_like_reference(s: &str) -> bool {
    s.contains('#') || s.contains('/') || [".json", ".yaml", ".yml"].iter().any(|e| s.ends_with(e))
}

impl Bundler<'_, '_> {
    fn location(&self, doc: usize) -> &str {
        if doc == 0 {
            &self.root_location
        } else {
            &self.externals[doc - 1].location
        }
    }

    /// Where `reference`, written in document `doc`, points: (document, JSON
    /// pointer). `tree` is the root document as bundled so far.
    fn resolve(
        &mut self,
        tree: &Value,
        origin: &str,
        at: &str,
        doc: usize,
        reference: &str,
    ) -> Result<(usize, String), Error> {
        let (file, fragment) = reference.split_once('#').unwrap_or((reference, ""));
        let fragment = percent_decode(fragment);
        let (target, pointer) = if file.is_empty() {
            (doc, fragment.clone())
        } else {
            self.open(origin, at, doc, reference, file, &fragment)?
        };
        if fragment.is_empty() || fragment.starts_with('/') {
            return Ok((target, pointer));
        }
        // `#name`: the schema declaring `$anchor: name` (JSON Schema 2020-12, OpenAPI 3.1).
        let searched = if target == 0 {
            tree
        } else {
            &self.externals[target - 1].tree
        };
        match find_anchor(searched, &fragment) {
            Some(pointer) => Ok((target, pointer)),
            None => Err(Error::at(
                origin,
                at,
                format!(
                    "`$ref: {}` names the anchor `{}`, but no schema in {} declares `$anchor: {}`; \
                     declare it, or point at the schema by its path (`#/components/schemas/...`)",
                    shown(reference),
                    shown(&fragment),
                    if target == 0 { "this document".to_string() } else { format!("`{}`", shown(self.location(target))) },
                    shown(&fragment),
                ),
            )),
        }
    }

    /// The document `file` (relative to document `doc`), read on first use:
    /// (its index, `fragment` as a pointer into it).
    fn open(
        &mut self,
        origin: &str,
        at: &str,
        doc: usize,
        reference: &str,
        file: &str,
        fragment: &str,
    ) -> Result<(usize, String), Error> {
        let fragment = fragment.to_string();
        let location = normalize_location(&join(self.location(doc), &percent_decode(file)));
        if let Some(&i) = self.by_location.get(&location) {
            return Ok((i, fragment));
        }
        if self.externals.len() + 1 >= MAX_DOCUMENTS {
            return Err(Error::at(origin, at, format!("more than {MAX_DOCUMENTS} documents are referenced; bundle the document into one file first")));
        }
        let text = self.fetch.fetch(&location).map_err(|why| {
            Error::at(
                origin,
                at,
                format!("`$ref: {}` names `{}`, which cannot be read: {why}. Fix the path (it is relative to the referencing file) or bundle the document into one file", shown(reference), shown(&location)),
            )
        })?;
        let tree = crate::load::parse_tree(&text, &shown(&location))?;
        self.provenance.texts.insert(location.clone(), text);
        self.externals.push(External {
            location: location.clone(),
            tree,
        });
        let i = self.externals.len();
        self.by_location.insert(location, i);
        Ok((i, fragment))
    }

    /// The pointer a root pointer has now, after the moves made so far.
    fn current(&self, pointer: &str) -> String {
        let mut p = pointer.to_string();
        for _ in 0..=self.moved.len() {
            let hit = self.moved.iter().rev().find(|(from, _)| {
                p == *from
                    || p.strip_prefix(from.as_str())
                        .is_some_and(|r| r.starts_with('/'))
            });
            match hit {
                Some((from, to)) => p = format!("{to}{}", &p[from.len()..]),
                None => break,
            }
        }
        p
    }

    fn target<'v>(&'v self, tree: &'v Value, doc: usize, pointer: &str) -> Option<&'v Value> {
        if doc == 0 {
            tree.pointer(&self.current(pointer))
        } else {
            self.externals[doc - 1].tree.pointer(pointer)
        }
    }

    /// Rewrites one reference (see the module docs).
    fn follow(
        &mut self,
        tree: &mut Value,
        origin: &str,
        doc: usize,
        f: &Found,
    ) -> Result<(), Error> {
        let resolved = self.resolve(tree, origin, &f.at, doc, &f.reference);
        let (target_doc, pointer) = match resolved {
            Ok(r) => r,
            Err(_) if f.mapping => return Ok(()),
            Err(e) => return Err(e),
        };
        if f.kind == Kind::PathItem {
            return self.inline_path_item(tree, origin, f, target_doc, pointer);
        }
        let Some(section) = f.kind.section() else {
            return Ok(());
        };
        let segments = pointer_segments(&pointer);
        if target_doc == 0
            && segments.len() == 3
            && segments[0] == "components"
            && self.current(&pointer) == pointer
        {
            let known = [
                "schemas",
                "parameters",
                "headers",
                "requestBodies",
                "responses",
                "examples",
                "pathItems",
            ];
            if segments[1] == section && tree.pointer(&pointer).is_some() {
                let local = format!("#/components/{section}/{}", escape_pointer(&segments[2]));
                set_string(tree, &f.at, local);
                return Ok(());
            }
            if segments[1] != section && known.contains(&segments[1].as_str()) && !f.mapping {
                return Err(Error::at(
                    origin,
                    &f.at,
                    format!("`$ref: {}` is used as {} but points into components/{}; point it at components/{section}", shown(&f.reference), f.kind.noun(), segments[1]),
                ));
            }
        }
        let key = (target_doc, pointer.clone(), section);
        if let Some(local) = self.done.get(&key) {
            let local = local.clone();
            set_string(tree, &f.at, local);
            return Ok(());
        }
        let Some(target) = self.target(tree, target_doc, &pointer).cloned() else {
            if f.mapping {
                return Ok(());
            }
            let file = if target_doc == 0 {
                String::new()
            } else {
                format!(" in {}", shown(self.location(target_doc)))
            };
            return Err(Error::at(
                origin,
                &f.at,
                format!(
                    "`$ref: {}` points at `{}`{file}, which does not exist; fix the reference",
                    shown(&f.reference),
                    if pointer.is_empty() { "/" } else { &pointer }
                ),
            ));
        };
        self.hoisted += 1;
        if self.hoisted > MAX_HOISTED {
            return Err(Error::at(origin, &f.at, format!("more than {MAX_HOISTED} referenced parts to copy; bundle and simplify the document first")));
        }
        let name = unique_name(
            tree,
            section,
            &suggest_name(self.location(target_doc), &segments),
        );
        let new_pointer = format!("/components/{section}/{}", escape_pointer(&name));
        let local = format!("#/components/{section}/{}", escape_pointer(&name));
        insert_component(tree, section, &name, target);
        if target_doc == 0 {
            // The original place now points at the component too, so both share one type.
            let here = self.current(&pointer);
            if kind_at(Kind::Document, &pointer_segments(&here)) == Some(f.kind) {
                if let Some(slot) = tree.pointer_mut(&here) {
                    *slot = Value::Object(Map::from_iter([(
                        "$ref".to_string(),
                        Value::String(local.clone()),
                    )]));
                    self.moved.push((here, new_pointer.clone()));
                }
            }
        }
        let location = self.location(target_doc).to_string();
        self.provenance
            .entries
            .push((new_pointer.clone(), location, pointer));
        self.done.insert(key, local.clone());
        self.tasks.push_back((new_pointer, f.kind, target_doc));
        set_string(tree, &f.at, local);
        Ok(())
    }

    /// Replaces a path item `$ref` by a copy of the path item it names.
    fn inline_path_item(
        &mut self,
        tree: &mut Value,
        origin: &str,
        f: &Found,
        mut doc: usize,
        mut pointer: String,
    ) -> Result<(), Error> {
        let holder = f.at.strip_suffix("/$ref").unwrap_or(&f.at).to_string();
        let mut hops = 0;
        let target = loop {
            let Some(target) = self.target(tree, doc, &pointer) else {
                return Err(Error::at(
                    origin,
                    &f.at,
                    format!(
                        "`$ref: {}` points at `{pointer}`, which does not exist; fix the reference",
                        shown(&f.reference)
                    ),
                ));
            };
            match target.get("$ref").and_then(Value::as_str) {
                Some(next) => {
                    hops += 1;
                    if hops > MAX_HOPS {
                        return Err(Error::at(origin, &f.at, format!("`$ref: {}` leads to a cycle of path item references; point it at a path item", shown(&f.reference))));
                    }
                    let next = next.to_string();
                    (doc, pointer) = self.resolve(tree, origin, &f.at, doc, &next)?;
                }
                None => break target.clone(),
            }
        };
        let Value::Object(mut item) = target else {
            return Err(Error::at(
                origin,
                &f.at,
                format!(
                    "`$ref: {}` does not point at a path item object",
                    shown(&f.reference)
                ),
            ));
        };
        // Fields written beside the reference (3.1: summary, description) win.
        if let Some(Value::Object(siblings)) = tree.pointer(&holder) {
            for (k, v) in siblings {
                if k != "$ref" {
                    item.insert(k.clone(), v.clone());
                }
            }
        }
        if let Some(slot) = tree.pointer_mut(&holder) {
            *slot = Value::Object(item);
        }
        if doc != 0 {
            let location = self.location(doc).to_string();
            self.provenance
                .entries
                .push((holder.clone(), location, pointer));
        }
        self.tasks.push_back((holder, Kind::PathItem, doc));
        Ok(())
    }
}

fn set_string(tree: &mut Value, pointer: &str, value: String) {
    if let Some(slot) = tree.pointer_mut(pointer) {
        if slot.as_str() != Some(value.as_str()) {
            *slot = Value::String(value);
        }
    }
}

fn insert_component(tree: &mut Value, section: &str, name: &str, value: Value) {
    let Some(root) = tree.as_object_mut() else {
        return;
    };
    let components = root
        .entry("components")
        .or_insert_with(|| Value::Object(Map::new()));
    if !components.is_object() {
        *components = Value::Object(Map::new());
    }
    let Some(components) = components.as_object_mut() else {
        return;
    };
    let map = components
        .entry(section)
        .or_insert_with(|| Value::Object(Map::new()));
    if !map.is_object() {
        *map = Value::Object(Map::new());
    }
    if let Some(map) = map.as_object_mut() {
        map.insert(name.to_string(), value);
    }
}

/// `name`, or `name2`, `name3`, ... whichever is free in components/`section`.
fn unique_name(tree: &Value, section: &str, name: &str) -> String {
    let taken = |n: &str| {
        tree.get("components")
            .and_then(|c| c.get(section))
            .and_then(|m| m.get(n))
            .is_some()
    };
    if !taken(name) {
        return name.to_string();
    }
    (2..)
        .map(|i| format!("{name}{i}"))
        .find(|n| !taken(n))
        .unwrap_or_else(|| name.to_string())
}

/// A component name for the target at `segments` in the document at `location`:
/// its own name when it is a component there, the file name for a whole file,
/// else the names along its path (`Customer/allOf/0/properties/id` -> `Customer_id`).
fn suggest_name(location: &str, segments: &[String]) -> String {
    if segments.len() == 3 && segments[0] == "components" {
        return segments[2].clone();
    }
    if segments.is_empty() {
        let file = location.rsplit(['/', '\\']).next().unwrap_or(location);
        let stem = file.split('.').next().unwrap_or(file);
        return if stem.is_empty() {
            "Document".to_string()
        } else {
            stem.to_string()
        };
    }
    const STRUCTURE: &[&str] = &[
        "components",
        "schemas",
        "parameters",
        "headers",
        "requestBodies",
        "responses",
        "pathItems",
        "paths",
        "properties",
        "items",
        "allOf",
        "oneOf",
        "anyOf",
        "not",
        "additionalProperties",
        "prefixItems",
        "definitions",
        "$defs",
        "schema",
        "content",
        "requestBody",
    ];
    let mut words = Vec::new();
    let mut previous = "";
    for s in segments {
        let keep = !STRUCTURE.contains(&s.as_str())
            && previous != "content"
            && (s.parse::<usize>().is_err() || previous == "responses");
        if keep {
            words.push(s.as_str());
        }
        previous = s;
    }
    let name: String = words
        .join("_")
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' || c == '.' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let name = name.trim_matches('_');
    if name.is_empty() {
        "Schema".to_string()
    } else {
        name.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    struct Files(Vec<(&'static str, &'static str)>);

    impl Fetch for Files {
        fn fetch(&self, location: &str) -> Result<String, String> {
            self.0
                .iter()
                .find(|(l, _)| *l == location)
                .map(|(_, t)| t.to_string())
                .ok_or_else(|| "not found".to_string())
        }
    }

    #[test]
    fn names_come_from_the_path() {
        let s = |p: &str| suggest_name("x.yaml", &pointer_segments(p));
        assert_eq!(s("/components/schemas/Error"), "Error");
        assert_eq!(
            s("/components/schemas/Customer/allOf/0/properties/id"),
            "Customer_id"
        );
        assert_eq!(
            s("/components/schemas/BankTransactions/definitions/line"),
            "BankTransactions_line"
        );
        assert_eq!(
            s("/paths/~1pets/get/responses/200/content/application~1json/schema"),
            "pets_get_200"
        );
        assert_eq!(suggest_name("dir/pet.yaml", &[]), "pet");
    }

    #[test]
    fn sub_schema_targets_become_shared_components() {
        let mut doc = json!({
            "openapi": "3.0.3",
            "paths": {},
            "components": {"schemas": {
                "Customer": {"allOf": [{"type": "object", "properties": {"id": {"type": "object", "properties": {"v": {"type": "string"}}}}}]},
                "Order": {"type": "object", "properties": {"customer": {"$ref": "#/components/schemas/Customer/allOf/0/properties/id"}}}
            }}
        });
        let mut prov = Provenance::default();
        bundle(&mut doc, "api.yaml", &FileFetch, &mut prov).unwrap();
        assert_eq!(
            doc.pointer("/components/schemas/Order/properties/customer/$ref"),
            Some(&json!("#/components/schemas/Customer_id"))
        );
        assert_eq!(
            doc.pointer("/components/schemas/Customer/allOf/0/properties/id/$ref"),
            Some(&json!("#/components/schemas/Customer_id"))
        );
        assert_eq!(
            doc.pointer("/components/schemas/Customer_id/properties/v/type"),
            Some(&json!("string"))
        );
        assert_eq!(
            prov.original("/components/schemas/Customer_id/properties/v"),
            Some((
                "api.yaml",
                "/components/schemas/Customer/allOf/0/properties/id/properties/v".to_string()
            ))
        );
    }

    #[test]
    fn recursive_sub_schema_references_terminate() {
        let mut doc = json!({
            "paths": {},
            "components": {"schemas": {"Tree": {"type": "object", "definitions": {"node": {
                "type": "object", "properties": {"children": {"type": "array", "items": {"$ref": "#/components/schemas/Tree/definitions/node"}}}
            }}, "properties": {"root": {"$ref": "#/components/schemas/Tree/definitions/node"}}}}}
        });
        bundle(&mut doc, "api.yaml", &FileFetch, &mut Provenance::default()).unwrap();
        assert_eq!(
            doc.pointer("/components/schemas/Tree/properties/root/$ref"),
            Some(&json!("#/components/schemas/Tree_node"))
        );
        assert_eq!(
            doc.pointer("/components/schemas/Tree_node/properties/children/items/$ref"),
            Some(&json!("#/components/schemas/Tree_node"))
        );
    }

    #[test]
    fn external_files_are_copied_in_with_their_own_references() {
        let files = Files(vec![
            ("specs/common.yaml", "components:\n  schemas:\n    Error:\n      type: object\n      properties:\n        detail: {$ref: '#/components/schemas/Detail'}\n    Detail: {type: string}\n"),
            ("specs/paths/pets.yaml", "get:\n  responses:\n    '200':\n      description: ok\n      content:\n        application/json:\n          schema: {$ref: '../common.yaml#/components/schemas/Error'}\n"),
        ]);
        let mut doc = json!({"paths": {"/pets": {"$ref": "paths/pets.yaml"}}});
        let mut prov = Provenance::default();
        bundle(&mut doc, "specs/api.yaml", &files, &mut prov).unwrap();
        let schema = "/paths/~1pets/get/responses/200/content/application~1json/schema/$ref";
        assert_eq!(
            doc.pointer(schema),
            Some(&json!("#/components/schemas/Error"))
        );
        assert_eq!(
            doc.pointer("/components/schemas/Error/properties/detail/$ref"),
            Some(&json!("#/components/schemas/Detail"))
        );
        assert_eq!(
            doc.pointer("/components/schemas/Detail/type"),
            Some(&json!("string"))
        );
        assert_eq!(
            prov.original("/components/schemas/Detail"),
            Some((
                "specs/common.yaml",
                "/components/schemas/Detail".to_string()
            ))
        );
    }

    #[test]
    fn unreadable_and_missing_targets_are_located_errors() {
        let mut doc = json!({"paths": {"/a": {"get": {"responses": {"200": {"$ref": "other.yaml#/components/responses/Ok"}}}}}});
        let err = bundle(
            &mut doc,
            "api.yaml",
            &Files(vec![]),
            &mut Provenance::default(),
        )
        .unwrap_err();
        assert_eq!(
            err.pointer.as_deref(),
            Some("/paths/~1a/get/responses/200/$ref")
        );
        assert!(
            err.message.contains("other.yaml") && err.message.contains("not found"),
            "{err}"
        );

        let mut doc = json!({"paths": {}, "components": {"schemas": {"A": {"$ref": "#/components/schemas/Nope/properties/x"}}}});
        let err = bundle(&mut doc, "api.yaml", &FileFetch, &mut Provenance::default()).unwrap_err();
        assert_eq!(err.pointer.as_deref(), Some("/components/schemas/A/$ref"));
        assert!(err.message.contains("does not exist"), "{err}");
    }
}
