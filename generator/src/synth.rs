//! Synthesizes JSON values from the IR: valid requests for the conformance
//! tests, and payloads for every union variant, so that each can be decoded
//! even when no mock server delivers it. Also walks decoded JSON to tell which
//! union variants it contains (conformance coverage).
//!
//! Deterministic and pure: the same IR gives the same values.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{json, Map, Value};

use crate::ir::{Api, Constraints, Operation, Response, TypeDef, TypeKind, TypeRef};

/// Below this depth optional fields are left out and optional lists stay
/// empty, so recursive types stay finite.
const MAX_DEPTH: usize = 6;

/// Required fields are followed at most this deep: a type whose required
/// fields recurse has no finite value, and the IR may chain any number of types.
const MAX_REQUIRED_DEPTH: usize = 32;

/// Bounds on values the document asks for (`minItems`, `minLength`), so a
/// huge limit cannot make synthesis hang.
const MAX_ITEMS: usize = 16;
const MAX_LENGTH: usize = 4096;

/// Steps allowed when measuring one union variant: without memoizing, a wide
/// type graph would take exponential time.
const SIZE_BUDGET: usize = 100_000;

/// Builds values of the API's types.
pub struct Synth<'a> {
    types: BTreeMap<&'a str, &'a TypeDef>,
    /// Fill optional fields too (payloads to decode), not only required ones (requests).
    pub full: bool,
}

impl<'a> Synth<'a> {
    /// A synthesizer for `api`; `full` also fills every optional field.
    pub fn new(api: &'a Api, full: bool) -> Synth<'a> {
        Synth {
            types: api.types.iter().map(|t| (t.name.as_str(), t)).collect(),
            full,
        }
    }

    /// The named type `name`, if the API has it.
    pub fn type_def(&self, name: &str) -> Option<&'a TypeDef> {
        self.types.get(name).copied()
    }

    /// A value of `ty` that satisfies `constraints` where that is feasible.
    pub fn value(&self, ty: &TypeRef, constraints: &Constraints) -> Value {
        self.at(ty, constraints, 0)
    }

    /// A value of the named union `union` as its variant tagged `tag`.
    pub fn variant(&self, union: &str, tag: &str) -> Option<Value> {
        let def = self.type_def(union)?;
        let TypeKind::Union {
            tag: Some(prop),
            variants,
        } = &def.kind
        else {
            return None;
        };
        let variant = variants.iter().find(|v| v.tag.as_deref() == Some(tag))?;
        Some(self.tagged(prop, tag, variant.ty.as_ref(), 0))
    }

    fn tagged(&self, prop: &str, tag: &str, payload: Option<&TypeRef>, depth: usize) -> Value {
        let mut object = Map::new();
        object.insert(prop.to_string(), Value::String(tag.to_string()));
        if let Some(Value::Object(fields)) =
            payload.map(|t| self.at(t, &Constraints::default(), depth + 1))
        {
            object.extend(fields.into_iter().filter(|(k, _)| k != prop));
        }
        Value::Object(object)
    }

    fn at(&self, ty: &TypeRef, c: &Constraints, depth: usize) -> Value {
        match ty {
            TypeRef::String => Value::String(string(c)),
            TypeRef::Bool => Value::Bool(true),
            TypeRef::I32 | TypeRef::I64 => json!(integer(c)),
            // Not a whole number: it must come back as written after a round trip.
            TypeRef::F32 | TypeRef::F64 => json!(c.minimum.map_or(1.5, |m| m + 0.5)),
            TypeRef::DateTime => json!("2024-01-02T03:04:05Z"),
            TypeRef::Date => json!("2024-01-02"),
            TypeRef::Uuid => json!("00000000-0000-4000-8000-000000000001"),
            TypeRef::Json => json!({}),
            TypeRef::Nullable(inner) => self.at(inner, c, depth),
            TypeRef::List(inner) => {
                // One item by default: the IR does not keep the `minItems` of
                // collapsed aliases (`NonEmptyList_X`), and one valid item is
                // valid wherever a list is.
                let n = c
                    .min_items
                    .unwrap_or(if depth < MAX_DEPTH { 1 } else { 0 })
                    .min(MAX_ITEMS);
                Value::Array(
                    (0..n)
                        .map(|i| distinct(self.at(inner, &Constraints::default(), depth + 1), i))
                        .collect(),
                )
            }
            TypeRef::Map(inner) => {
                let mut m = Map::new();
                if self.full && depth < MAX_DEPTH {
                    m.insert(
                        "key".to_string(),
                        self.at(inner, &Constraints::default(), depth + 1),
                    );
                }
                Value::Object(m)
            }
            TypeRef::Named(name) => self.named(name, depth),
        }
    }

    fn named(&self, name: &str, depth: usize) -> Value {
        let Some(def) = self.type_def(name).filter(|_| depth <= MAX_REQUIRED_DEPTH) else {
            return Value::Null;
        };
        match &def.kind {
            TypeKind::Struct { fields, .. } => {
                let mut object = Map::new();
                for f in fields {
                    if f.required || (self.full && depth < MAX_DEPTH) {
                        let value = match (&f.default, self.full) {
                            (Some(d), false) if !d.is_null() => d.clone(),
                            _ => self.at(&f.ty, &f.constraints, depth + 1),
                        };
                        object.insert(f.wire_name.clone(), value);
                    }
                }
                Value::Object(object)
            }
            TypeKind::Enum { values } => values.first().map_or(json!("value"), |v| json!(v.wire)),
            TypeKind::Union { tag, variants } => {
                // The smallest variant (fewest required values, first on a tie):
                // a condition rather than a group of conditions, and the simplest
                // request the document allows.
                let size = |v: &crate::ir::Variant| {
                    let mut budget = SIZE_BUDGET;
                    v.ty.as_ref()
                        .map_or(0, |t| self.size(t, &mut Vec::new(), &mut budget))
                };
                let Some(v) = variants.iter().min_by_key(|v| size(v)) else {
                    return json!({});
                };
                match (tag, &v.tag) {
                    (Some(prop), Some(value)) => self.tagged(prop, value, v.ty.as_ref(), depth),
                    _ => v.ty.as_ref().map_or(Value::Null, |t| {
                        self.at(t, &Constraints::default(), depth + 1)
                    }),
                }
            }
            TypeKind::Newtype { inner, constraints } => self.at(inner, constraints, depth),
        }
    }
}

impl Synth<'_> {
    /// How many values a minimal value of `ty` holds (required fields, through
    /// the smallest union variant); recursion counts as very large.
    fn size(&self, ty: &TypeRef, stack: &mut Vec<String>, budget: &mut usize) -> usize {
        const HUGE: usize = 1_000;
        *budget = budget.saturating_sub(1);
        match ty {
            TypeRef::List(i) | TypeRef::Nullable(i) => self.size(i, stack, budget),
            TypeRef::Named(name) => {
                if stack.contains(name) || stack.len() > 2 * MAX_DEPTH || *budget == 0 {
                    return HUGE;
                }
                stack.push(name.clone());
                let size = match self.type_def(name).map(|d| &d.kind) {
                    Some(TypeKind::Struct { fields, .. }) => fields
                        .iter()
                        .filter(|f| f.required)
                        .map(|f| 1 + self.size(&f.ty, stack, budget))
                        .sum::<usize>()
                        .min(HUGE),
                    Some(TypeKind::Union { variants, .. }) => variants
                        .iter()
                        .map(|v| v.ty.as_ref().map_or(0, |t| self.size(t, stack, budget)))
                        .min()
                        .unwrap_or(0),
                    Some(TypeKind::Newtype { inner, .. }) => self.size(inner, stack, budget),
                    _ => 0,
                };
                stack.pop();
                size
            }
            _ => 0,
        }
    }
}

/// A string for `c`: known patterns of the Edge API, lengths respected.
fn string(c: &Constraints) -> String {
    let mut s = match c.pattern.as_deref() {
        Some(p) if p.contains('@') => "user@example.com".to_string(),
        Some(p) if p.contains("__rc") => "field__rc".to_string(),
        // Salesforce ids: `^(701)[a-zA-Z0-9]{15}`, `^[a-zA-Z0-9]{18}`.
        Some(p) if p.contains("{15}") || p.contains("{18}") => "701000000000000AAA".to_string(),
        _ => "id-1".to_string(),
    };
    if let Some(min) = c.min_length.map(|m| m.min(MAX_LENGTH)) {
        let have = s.chars().count();
        s.extend(std::iter::repeat_n('x', min.saturating_sub(have)));
    }
    if let Some(max) = c.max_length {
        s = s.chars().take(max.max(1)).collect();
    }
    s
}

fn integer(c: &Constraints) -> i64 {
    let low = c
        .minimum
        .map_or(1, |m| m.ceil() as i64 + i64::from(c.exclusive_minimum));
    let high = c
        .maximum
        .map(|m| m.floor() as i64 - i64::from(c.exclusive_maximum));
    high.map_or(low, |h| low.min(h))
}

/// Makes the `i`th item of a list differ from the others (`uniqueItems`).
fn distinct(value: Value, i: usize) -> Value {
    match value {
        Value::String(s) if i > 0 => Value::String(format!("{s}{i}")),
        Value::Number(n) if i > 0 => json!(n.as_i64().unwrap_or(0) + i as i64),
        other => other,
    }
}

/// Every `(union, tag)` reachable from some operation's JSON response, sorted.
pub fn response_variants(api: &Api) -> BTreeSet<(String, String)> {
    let synth = Synth::new(api, true);
    let mut seen_types = BTreeSet::new();
    let mut out = BTreeSet::new();
    for op in &api.operations {
        if let Response::Json(t) = &op.response {
            reach(&synth, t, &mut seen_types, &mut out);
        }
    }
    out
}

/// Every `(union, tag)` of the API, sorted.
pub fn all_variants(api: &Api) -> BTreeSet<(String, String)> {
    let mut out = BTreeSet::new();
    for t in &api.types {
        if let TypeKind::Union {
            tag: Some(_),
            variants,
        } = &t.kind
        {
            out.extend(
                variants
                    .iter()
                    .filter_map(|v| Some((t.name.clone(), v.tag.clone()?))),
            );
        }
    }
    out
}

/// Adds the tagged variants reachable from `t`. Iterative: the IR may chain
/// any number of types.
fn reach(
    synth: &Synth<'_>,
    t: &TypeRef,
    seen: &mut BTreeSet<String>,
    out: &mut BTreeSet<(String, String)>,
) {
    let mut stack = vec![t];
    while let Some(t) = stack.pop() {
        match t {
            TypeRef::List(i) | TypeRef::Map(i) | TypeRef::Nullable(i) => stack.push(i),
            TypeRef::Named(name) => {
                if !seen.insert(name.clone()) {
                    continue;
                }
                let Some(def) = synth.type_def(name) else {
                    continue;
                };
                match &def.kind {
                    TypeKind::Struct { fields, extra } => {
                        stack.extend(fields.iter().map(|f| &f.ty));
                        stack.extend(extra);
                    }
                    TypeKind::Union { tag, variants } => {
                        for v in variants {
                            if let (Some(_), Some(value)) = (tag, &v.tag) {
                                out.insert((name.clone(), value.clone()));
                            }
                            stack.extend(&v.ty);
                        }
                    }
                    TypeKind::Newtype { inner, .. } => stack.push(inner),
                    TypeKind::Enum { .. } => {}
                }
            }
            _ => {}
        }
    }
}

/// Records in `out` every `(union, tag)` of a known variant found in `value`,
/// a JSON value of type `ty` (as a decoded response re-encodes).
pub fn seen_variants(
    synth: &Synth<'_>,
    ty: &TypeRef,
    value: &Value,
    out: &mut BTreeSet<(String, String)>,
) {
    match (ty, value) {
        (_, Value::Null) => {}
        (TypeRef::Nullable(i), v) => seen_variants(synth, i, v, out),
        (TypeRef::List(i), Value::Array(items)) => {
            items.iter().for_each(|v| seen_variants(synth, i, v, out))
        }
        (TypeRef::Map(i), Value::Object(m)) => {
            m.values().for_each(|v| seen_variants(synth, i, v, out))
        }
        (TypeRef::Named(name), v) => {
            let Some(def) = synth.type_def(name) else {
                return;
            };
            match (&def.kind, v) {
                (TypeKind::Struct { fields, extra }, Value::Object(m)) => {
                    for f in fields {
                        if let Some(fv) = m.get(&f.wire_name) {
                            seen_variants(synth, &f.ty, fv, out);
                        }
                    }
                    if let Some(e) = extra {
                        for (k, fv) in m {
                            if !fields.iter().any(|f| &f.wire_name == k) {
                                seen_variants(synth, e, fv, out);
                            }
                        }
                    }
                }
                (
                    TypeKind::Union {
                        tag: Some(prop),
                        variants,
                    },
                    Value::Object(m),
                ) => {
                    let tag = m.get(prop).and_then(Value::as_str);
                    if let Some(variant) = variants
                        .iter()
                        .find(|x| x.tag.is_some() && x.tag.as_deref() == tag)
                    {
                        out.insert((name.clone(), variant.tag.clone().unwrap_or_default()));
                        if let Some(t) = &variant.ty {
                            seen_variants(synth, t, v, out);
                        }
                    }
                }
                (TypeKind::Newtype { inner, .. }, v) => seen_variants(synth, inner, v, out),
                _ => {}
            }
        }
        _ => {}
    }
}

/// A valid request for `op`: `(rust name, value)` for each required parameter
/// (its default when it has one), and the body with its required fields.
pub fn request(api: &Api, op: &Operation) -> (Vec<(String, Value)>, Option<Value>) {
    let synth = Synth::new(api, false);
    let params = op
        .params
        .iter()
        .filter(|p| p.required)
        .map(|p| {
            let value = p
                .default
                .clone()
                .filter(|d| !d.is_null())
                .unwrap_or_else(|| synth.value(&p.ty, &p.constraints));
            (p.name.clone(), value)
        })
        .collect();
    let body = op
        .body
        .as_ref()
        .filter(|b| b.required)
        .map(|b| synth.value(&b.ty, &Constraints::default()));
    (params, body)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{Docs, EnumValue, Field, Variant};

    fn field(name: &str, ty: TypeRef, required: bool) -> Field {
        Field {
            name: name.to_string(),
            wire_name: name.to_string(),
            ty,
            required,
            boxed: false,
            docs: Docs::default(),
            constraints: Constraints::default(),
            default: None,
        }
    }

    fn api() -> Api {
        let def = |name: &str, kind| TypeDef {
            name: name.to_string(),
            schema: None,
            docs: Docs::default(),
            kind,
            previous_names: Vec::new(),
            extra_field: None,
        };
        Api {
            title: "t".into(),
            description: None,
            version: "1".into(),
            base_url: None,
            operations: Vec::new(),
            sources: Default::default(),
            types: vec![
                def(
                    "Color",
                    TypeKind::Enum {
                        values: vec![EnumValue {
                            name: "Red".into(),
                            wire: "red".into(),
                        }],
                    },
                ),
                def(
                    "Id",
                    TypeKind::Newtype {
                        inner: TypeRef::String,
                        constraints: Constraints {
                            pattern: Some(r"[^\s\\/]+".into()),
                            ..Default::default()
                        },
                    },
                ),
                def(
                    "Pet",
                    TypeKind::Union {
                        tag: Some("kind".into()),
                        variants: vec![
                            Variant {
                                name: "Dog".into(),
                                tag: Some("dog".into()),
                                ty: Some(TypeRef::Named("PetDog".into())),
                                boxed: false,
                                docs: Docs::default(),
                            },
                            Variant {
                                name: "Cat".into(),
                                tag: Some("cat".into()),
                                ty: None,
                                boxed: false,
                                docs: Docs::default(),
                            },
                        ],
                    },
                ),
                def(
                    "PetDog",
                    TypeKind::Struct {
                        fields: vec![
                            field("id", TypeRef::Named("Id".into()), true),
                            field("color", TypeRef::Named("Color".into()), false),
                            field("born", TypeRef::DateTime, false),
                        ],
                        extra: None,
                    },
                ),
            ],
        }
    }

    #[test]
    fn structs_enums_newtypes_and_unions() {
        let api = api();
        let pet = TypeRef::Named("Pet".into());
        // The smallest variant stands for the union.
        assert_eq!(
            Synth::new(&api, false).value(&pet, &Constraints::default()),
            json!({"kind": "cat"})
        );
        let dog = TypeRef::Named("PetDog".into());
        let dogs = TypeRef::List(Box::new(dog.clone()));
        assert_eq!(
            Synth::new(&api, false).value(&dogs, &Constraints::default()),
            json!([{"id": "id-1"}])
        );
        assert_eq!(
            Synth::new(&api, true).variant("Pet", "dog"),
            Some(
                json!({"kind": "dog", "id": "id-1", "color": "red", "born": "2024-01-02T03:04:05Z"})
            )
        );
        assert_eq!(
            Synth::new(&api, true).variant("Pet", "cat"),
            Some(json!({"kind": "cat"}))
        );
    }

    #[test]
    fn scalars_respect_constraints() {
        let c = Constraints {
            minimum: Some(0.0),
            exclusive_minimum: true,
            ..Default::default()
        };
        assert_eq!(integer(&c), 1);
        assert_eq!(
            integer(&Constraints {
                minimum: Some(5.0),
                maximum: Some(3.0),
                ..Default::default()
            }),
            3
        );
        assert_eq!(
            string(&Constraints {
                pattern: Some(".+@.+".into()),
                ..Default::default()
            }),
            "user@example.com"
        );
        assert_eq!(
            string(&Constraints {
                min_length: Some(6),
                ..Default::default()
            }),
            "id-1xx"
        );
        let list = Synth::new(&api(), false).value(
            &TypeRef::List(Box::new(TypeRef::String)),
            &Constraints {
                min_items: Some(2),
                unique_items: true,
                ..Default::default()
            },
        );
        assert_eq!(list, json!(["id-1", "id-11"]));
    }

    #[test]
    fn variants_are_found_in_values() {
        let api = api();
        let synth = Synth::new(&api, true);
        let mut seen = BTreeSet::new();
        let ty = TypeRef::List(Box::new(TypeRef::Named("Pet".into())));
        seen_variants(
            &synth,
            &ty,
            &json!([{"kind": "cat"}, {"kind": "bird"}]),
            &mut seen,
        );
        assert_eq!(
            seen,
            BTreeSet::from([("Pet".to_string(), "cat".to_string())])
        );
        assert_eq!(all_variants(&api).len(), 2);
    }
}
