//! Schema -> type conversion: turns `openapiv3` schemas into the IR's
//! [`TypeRef`]s and [`TypeDef`]s. Kept apart from emission (as typify does).
//!
//! Rules, in short:
//! - component schemas that are only a `$ref` (Tapir's `Option_X`), plain
//!   scalars, arrays and pure maps are collapsed into the type they stand for;
//! - objects become structs, string enums open enums, `oneOf`/`anyOf` open unions
//!   (tagged by the discriminator when there is one), constrained scalar
//!   components newtypes;
//! - a union variant schema used by nothing but its union is named after the
//!   union and its tag (`AssignToTarget` + `ThisPathTeam`), so upstream renames
//!   of the variant schema do not rename the Rust type, and loses its tag field,
//!   which the union's tag carries;
//! - only what operations reach is converted (callers drive it), and
//!   recursive fields are boxed at the end.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};

use openapiv3::{AdditionalProperties, ReferenceOr, Schema, SchemaKind, Type};
use serde_json::Value;

use crate::error::{escape_pointer, Error, Warning};
use crate::ir::{Constraints, Docs, EnumValue, Field, TypeDef, TypeKind, TypeRef, Variant};
use crate::names::{field_name, type_name, Scope};

mod graph;
mod view;

use graph::{box_recursive_fields, count_refs};
pub use graph::{nesting_bound, recursion_limit};
pub use view::{component_of, docs_of};
use view::{const_of, is_named_kind, is_null_schema, property_const, scalar_string, view};

const SCHEMA_PREFIX: &str = "#/components/schemas/";

/// How deep conversion may recurse: through inline schemas (bounded by
/// [`crate::sanitize::MAX_SCHEMA_NESTING`]) plus chains of aliases, `allOf`
/// members and union variants reached through references. Named types are
/// queued instead of converted in place, so chains of them never count.
const MAX_TYPE_DEPTH: usize = 96;

/// The set of named types built so far, and how component schemas map onto them.
pub struct TypeSpace<'a> {
    schemas: &'a indexmap::IndexMap<String, ReferenceOr<Schema>>,
    origin: &'a str,
    scope: Scope,
    /// Rust name chosen up front for each component that becomes a named type.
    component_names: HashMap<String, String>,
    /// Components converted so far.
    resolved: HashMap<String, TypeRef>,
    /// Components being converted (alias cycle guard).
    in_progress: HashSet<String>,
    /// Variant components owned by one tagged union: the tag property to drop.
    owned_variants: HashMap<String, String>,
    types: BTreeMap<String, TypeDef>,
    /// Named components referenced but not defined yet, in the order met.
    queue: VecDeque<String>,
    /// The components in `queue` still to define.
    pending: HashSet<String>,
    /// Component for each Rust name in `component_names`.
    component_by_rust: HashMap<String, String>,
    /// Current recursion depth (see [`MAX_TYPE_DEPTH`]).
    depth: usize,
    /// Components merged into the struct being defined (`allOf` cycle guard).
    merging: HashSet<String>,
    warnings: Vec<Warning>,
}

impl<'a> TypeSpace<'a> {
    /// A type space over the component schemas of a document. `tree` is the
    /// lowered JSON document, used to count references.
    /// `chosen`: Rust names a maintainer chose for some schemas (names file).
    pub fn new(
        schemas: &'a indexmap::IndexMap<String, ReferenceOr<Schema>>,
        tree: &Value,
        origin: &'a str,
        chosen: &BTreeMap<String, String>,
    ) -> TypeSpace<'a> {
        let mut space = TypeSpace {
            schemas,
            origin,
            scope: Scope::default(),
            component_names: HashMap::new(),
            resolved: HashMap::new(),
            in_progress: HashSet::new(),
            owned_variants: HashMap::new(),
            types: BTreeMap::new(),
            queue: VecDeque::new(),
            pending: HashSet::new(),
            component_by_rust: HashMap::new(),
            depth: 0,
            merging: HashSet::new(),
            warnings: Vec::new(),
        };
        space.find_owned_variants(tree);
        space.name_components(chosen);
        space
    }

    /// Variant schemas referenced once, by exactly one discriminated union,
    /// are owned by it.
    fn find_owned_variants(&mut self, tree: &Value) {
        let counts = count_refs(tree);
        for schema in self.schemas.values() {
            let ReferenceOr::Item(schema) = schema else {
                continue;
            };
            let Some(discriminator) = &schema.schema_data.discriminator else {
                continue;
            };
            let SchemaKind::OneOf { one_of } = &schema.schema_kind else {
                continue;
            };
            for variant in one_of {
                let ReferenceOr::Reference { reference } = variant else {
                    continue;
                };
                let Some(name) = component_of(reference) else {
                    continue;
                };
                let name = name.as_ref();
                let is_object = matches!(
                    self.schemas.get(name),
                    Some(ReferenceOr::Item(Schema {
                        schema_kind: SchemaKind::Type(Type::Object(_)),
                        ..
                    }))
                );
                if is_object && counts.get(name) == Some(&1) {
                    self.owned_variants
                        .insert(name.to_string(), discriminator.property_name.clone());
                }
            }
        }
    }

    /// Chooses Rust names for every component that will be a named type,
    /// in sorted order so the choice does not depend on traversal.
    fn name_components(&mut self, chosen: &BTreeMap<String, String>) {
        let mut owned_names: HashMap<String, String> = HashMap::new();
        for (union_name, schema) in self.schemas {
            let ReferenceOr::Item(schema) = schema else {
                continue;
            };
            let (Some(_), SchemaKind::OneOf { one_of }) =
                (&schema.schema_data.discriminator, &schema.schema_kind)
            else {
                continue;
            };
            for variant in one_of {
                let ReferenceOr::Reference { reference } = variant else {
                    continue;
                };
                let Some(name) = component_of(reference) else {
                    continue;
                };
                if self.owned_variants.contains_key(name.as_ref()) {
                    let tag = self.tag_of(schema, reference, &name);
                    owned_names.insert(
                        name.to_string(),
                        format!("{}{}", type_name(union_name), type_name(tag_word(&tag))),
                    );
                }
            }
        }
        let mut names: Vec<&String> = self.schemas.keys().collect();
        names.sort();
        let schemas = self.schemas;
        let named = |name: &String| matches!(schemas.get(name), Some(ReferenceOr::Item(schema)) if is_named_kind(schema, true));
        // Chosen names first, so no rule-made name can take one of them.
        names.sort_by_key(|name| !chosen.contains_key(*name));
        for name in names.into_iter().filter(|name| named(name)) {
            let wanted = chosen
                .get(name)
                .or(owned_names.get(name))
                .cloned()
                .unwrap_or_else(|| type_name(name));
            let rust = self.scope.claim(wanted);
            self.component_by_rust.insert(rust.clone(), name.clone());
            self.component_names.insert(name.clone(), rust);
        }
    }

    /// The discriminator value that selects the variant `reference` of `union`.
    fn tag_of(&self, union: &Schema, reference: &str, component: &str) -> String {
        let discriminator = union.schema_data.discriminator.as_ref();
        if let Some(d) = discriminator {
            if let Some((tag, _)) = d
                .mapping
                .iter()
                .find(|(_, r)| r.as_str() == reference || r.as_str() == component)
            {
                return tag.clone();
            }
            // A mapping to a class name: the key is still the wire tag.
            let by_class = d
                .mapping
                .iter()
                .find(|(_, r)| crate::quirks::maps_by_class_name(r, component));
            if let Some((tag, _)) = by_class {
                return tag.clone();
            }
            if let Some(ReferenceOr::Item(variant)) = self.schemas.get(component) {
                if let Some(Value::String(c)) = property_const(variant, &d.property_name) {
                    return c.clone();
                }
            }
        }
        component.to_string()
    }

    /// Takes the warnings gathered so far: schemas read as any JSON value.
    pub fn take_warnings(&mut self) -> Vec<Warning> {
        std::mem::take(&mut self.warnings)
    }

    fn warn(&mut self, pointer: &str, message: String) {
        self.warnings
            .push(Warning::at(self.origin, pointer, message));
    }

    /// One level deeper, or an error at `pointer` past [`MAX_TYPE_DEPTH`].
    fn enter(&mut self, pointer: &str) -> Result<(), Error> {
        if self.depth >= MAX_TYPE_DEPTH {
            return Err(Error::at(
                self.origin,
                pointer,
                format!("types nest more than {MAX_TYPE_DEPTH} levels deep here, through chains of aliases, `allOf` members or union variants; give the inner schemas names in components/schemas"),
            ));
        }
        self.depth += 1;
        Ok(())
    }

    /// Defines the queued named components; only the outermost call does, so
    /// the queue, not the stack, carries chains of references.
    fn drain(&mut self) -> Result<(), Error> {
        if self.depth > 0 {
            return Ok(());
        }
        while let Some(name) = self.queue.pop_front() {
            if self.pending.remove(&name) {
                self.define_component(&name)?;
            }
        }
        Ok(())
    }

    fn define_component(&mut self, name: &str) -> Result<(), Error> {
        let (Some(ReferenceOr::Item(schema)), Some(rust)) = (
            self.schemas.get(name),
            self.component_names.get(name).cloned(),
        ) else {
            return Ok(());
        };
        let here = format!("/components/schemas/{}", escape_pointer(name));
        let strip = self.owned_variants.get(name).cloned();
        self.define(&rust, Some(name), schema, &here, strip.as_deref())
    }

    /// Defines the named type `rust` now if it is still queued: a union looks
    /// at its variants' definitions.
    fn ensure_defined(&mut self, rust: &str, pointer: &str) -> Result<(), Error> {
        let Some(name) = self.component_by_rust.get(rust).cloned() else {
            return Ok(());
        };
        if !self.pending.remove(&name) {
            return Ok(());
        }
        self.enter(pointer)?;
        let result = self.define_component(&name);
        self.depth -= 1;
        result
    }

    /// All named types built so far, boxed where recursive, sorted by name.
    pub fn finish(mut self) -> Vec<TypeDef> {
        box_recursive_fields(&mut self.types);
        self.types.into_values().collect()
    }

    /// Converts a schema or reference found at `pointer`; `hint` names the
    /// type if the schema turns out to need one.
    pub fn convert(
        &mut self,
        schema: &ReferenceOr<Schema>,
        hint: &str,
        pointer: &str,
    ) -> Result<TypeRef, Error> {
        let t = self.convert_at(schema, hint, pointer)?;
        self.drain()?;
        Ok(t)
    }

    fn convert_at(
        &mut self,
        schema: &ReferenceOr<Schema>,
        hint: &str,
        pointer: &str,
    ) -> Result<TypeRef, Error> {
        match schema {
            ReferenceOr::Reference { reference } => self.reference(reference, pointer),
            ReferenceOr::Item(schema) => self.convert_schema(schema, hint, pointer),
        }
    }

    /// Same as [`TypeSpace::convert`] for the boxed form `openapiv3` uses in properties.
    fn convert_boxed(
        &mut self,
        schema: &ReferenceOr<Box<Schema>>,
        hint: &str,
        pointer: &str,
    ) -> Result<TypeRef, Error> {
        match schema {
            ReferenceOr::Reference { reference } => self.reference(reference, pointer),
            ReferenceOr::Item(schema) => self.convert_schema(schema, hint, pointer),
        }
    }

    fn reference(&mut self, reference: &str, pointer: &str) -> Result<TypeRef, Error> {
        let Some(name) = component_of(reference) else {
            return Err(Error::at(
                self.origin,
                pointer,
                format!("unsupported reference `{reference}`: only local `#/components/schemas/<name>` references are supported; inline or bundle the document first"),
            ));
        };
        self.component_at(&name, pointer)
    }

    /// The limits of a referenced component that collapses into a plain
    /// type (an alias such as `UserIds: {type: array, minItems: 1}`), which
    /// the field keeps; a named type keeps its own.
    fn alias_constraints(&self, reference: &str, ty: &TypeRef) -> Constraints {
        let named = |t: &TypeRef| matches!(t, TypeRef::Named(_));
        if named(ty) || matches!(ty, TypeRef::Nullable(inner) if named(inner)) {
            return Constraints::default();
        }
        let mut name = view::component_of(reference).map(Cow::into_owned);
        // Bounded: a `$ref` cycle is reported by `component`.
        for _ in 0..32 {
            match name.as_deref().and_then(|n| self.schemas.get(n)) {
                Some(ReferenceOr::Item(schema)) => return view(schema).constraints,
                Some(ReferenceOr::Reference { reference }) => {
                    name = view::component_of(reference).map(Cow::into_owned)
                }
                None => break,
            }
        }
        Constraints::default()
    }

    /// The type a component schema stands for, converting it on first use.
    pub fn component(&mut self, name: &str, pointer: &str) -> Result<TypeRef, Error> {
        let t = self.component_at(name, pointer)?;
        self.drain()?;
        Ok(t)
    }

    fn component_at(&mut self, name: &str, pointer: &str) -> Result<TypeRef, Error> {
        if let Some(t) = self.resolved.get(name) {
            return Ok(t.clone());
        }
        let Some(schema) = self.schemas.get(name) else {
            return Err(Error::at(
                self.origin,
                pointer,
                format!("reference to `{SCHEMA_PREFIX}{name}`, which does not exist; add it under components/schemas or fix the reference"),
            ));
        };
        let here = format!("/components/schemas/{}", escape_pointer(name));
        if let (ReferenceOr::Item(_), Some(rust)) =
            (schema, self.component_names.get(name).cloned())
        {
            // Registered now and defined from the queue: recursion finds the
            // name, and chains of references never deepen the stack.
            self.resolved
                .insert(name.to_string(), TypeRef::Named(rust.clone()));
            self.pending.insert(name.to_string());
            self.queue.push_back(name.to_string());
            return Ok(TypeRef::Named(rust));
        }
        if !self.in_progress.insert(name.to_string()) {
            return Err(Error::at(
                self.origin,
                here,
                "this schema is an alias of itself (a `$ref` cycle with no type in it)",
            ));
        }
        let result = match self.enter(&here) {
            Err(e) => Err(e),
            Ok(()) => {
                let r = match schema {
                    ReferenceOr::Reference { reference } => self.reference(reference, &here),
                    ReferenceOr::Item(schema) => {
                        self.convert_schema(schema, &type_name(name), &here)
                    }
                };
                self.depth -= 1;
                r
            }
        };
        self.in_progress.remove(name);
        let t = result?;
        self.resolved.insert(name.to_string(), t.clone());
        Ok(t)
    }

    fn convert_schema(
        &mut self,
        schema: &Schema,
        hint: &str,
        pointer: &str,
    ) -> Result<TypeRef, Error> {
        self.enter(pointer)?;
        let t = self.convert_inner(schema, hint, pointer);
        self.depth -= 1;
        let t = t?;
        Ok(
            if schema.schema_data.nullable && !matches!(t, TypeRef::Nullable(_) | TypeRef::Json) {
                TypeRef::Nullable(Box::new(t))
            } else {
                t
            },
        )
    }

    fn convert_inner(
        &mut self,
        schema: &Schema,
        hint: &str,
        pointer: &str,
    ) -> Result<TypeRef, Error> {
        let v = view(schema);
        if !v.all_of.is_empty() {
            if let [single] = v.all_of {
                if v.properties.is_none() {
                    return self.convert_at(single, hint, &format!("{pointer}/allOf/0"));
                }
            }
        }
        if !is_named_kind(schema, false) {
            // `oneOf: [X, null]` and one-member unions stand for their member.
            let members = if v.one_of.is_empty() {
                v.any_of
            } else {
                v.one_of
            };
            let mut real = members
                .iter()
                .enumerate()
                .filter(|(_, s)| !matches!(s, ReferenceOr::Item(s) if is_null_schema(s)));
            if let (Some((i, only)), None) = (real.next(), real.next()) {
                let key = if v.one_of.is_empty() {
                    "anyOf"
                } else {
                    "oneOf"
                };
                let t = self.convert_at(only, hint, &format!("{pointer}/{key}/{i}"))?;
                return Ok(if members.len() > 1 && !matches!(t, TypeRef::Nullable(_)) {
                    TypeRef::Nullable(Box::new(t))
                } else {
                    t
                });
            }
        }
        if is_named_kind(schema, false) {
            let rust = self.scope.claim(hint.to_string());
            self.define(&rust, None, schema, pointer, None)?;
            return Ok(TypeRef::Named(rust));
        }
        // What remains has no name of its own.
        Ok(match v.typ {
            Some("string") => scalar_string(v.format),
            Some("integer") => {
                if v.format == Some("int32") {
                    TypeRef::I32
                } else {
                    TypeRef::I64
                }
            }
            Some("number") => {
                if v.format == Some("float") {
                    TypeRef::F32
                } else {
                    TypeRef::F64
                }
            }
            Some("boolean") => TypeRef::Bool,
            Some("array") => match v.items {
                Some(items) => TypeRef::List(Box::new(self.convert_boxed(
                    items,
                    &format!("{hint}Item"),
                    &format!("{pointer}/items"),
                )?)),
                None => TypeRef::List(Box::new(TypeRef::Json)),
            },
            Some("object") => match v.additional {
                Some(AdditionalProperties::Schema(s)) => TypeRef::Map(Box::new(self.convert_at(
                    s,
                    &format!("{hint}Value"),
                    &format!("{pointer}/additionalProperties"),
                )?)),
                _ => TypeRef::Map(Box::new(TypeRef::Json)),
            },
            other => {
                self.note_fallback(schema, other, pointer);
                TypeRef::Json
            }
        })
    }

    /// Warns when a schema that says something is read as any JSON value.
    fn note_fallback(&mut self, schema: &Schema, typ: Option<&str>, pointer: &str) {
        let any = "read as any JSON value (`serde_json::Value`)";
        if let Some(Value::String(note)) = schema
            .schema_data
            .extensions
            .get(crate::load::FALLBACK_NOTE)
        {
            self.warn(pointer, format!("{note}; {any}"));
        } else if matches!(schema.schema_kind, SchemaKind::Not { .. }) {
            self.warn(pointer, format!("`not` has no Rust type; {any}"));
        } else if let Some(t) = typ {
            self.warn(
                pointer,
                format!("`type: {t}` is not a JSON Schema type; {any}"),
            );
        }
    }

    /// Builds the named type `rust` from `schema` and records it.
    fn define(
        &mut self,
        rust: &str,
        component: Option<&str>,
        schema: &Schema,
        pointer: &str,
        strip: Option<&str>,
    ) -> Result<(), Error> {
        let v = view(schema);
        let kind = if !v.one_of.is_empty() || !v.any_of.is_empty() {
            let (variants, key) = if v.one_of.is_empty() {
                (v.any_of, "anyOf")
            } else {
                (v.one_of, "oneOf")
            };
            self.union(rust, schema, variants, &format!("{pointer}/{key}"))?
        } else if !v.enumeration.is_empty() && v.typ == Some("string") {
            let mut scope = Scope::with_reserved(&["Unknown"]);
            let mut seen = HashSet::new();
            TypeKind::Enum {
                values: v
                    .enumeration
                    .iter()
                    .filter_map(Value::as_str)
                    // Documents do repeat values; one variant each.
                    .filter(|wire| seen.insert(*wire))
                    .map(|wire| EnumValue {
                        name: scope.claim(type_name(wire)),
                        wire: wire.to_string(),
                    })
                    .collect(),
            }
        } else if v.typ == Some("object") || !v.all_of.is_empty() {
            let mut fields = Vec::new();
            let mut extra = None;
            let mut scope = Scope::default();
            let outer = std::mem::replace(
                &mut self.merging,
                component.map(str::to_string).into_iter().collect(),
            );
            let collected = self.collect_fields(
                rust,
                schema,
                pointer,
                strip,
                &mut scope,
                &mut fields,
                &mut extra,
            );
            self.merging = outer;
            collected?;
            TypeKind::Struct { fields, extra }
        } else {
            let inner = match v.typ {
                Some("integer") if v.format == Some("int32") => TypeRef::I32,
                Some("integer") => TypeRef::I64,
                Some("number") => TypeRef::F64,
                Some("boolean") => TypeRef::Bool,
                _ => scalar_string(v.format),
            };
            TypeKind::Newtype {
                inner,
                constraints: v.constraints,
            }
        };
        let mut docs = docs_of(schema);
        if docs.description.is_none() {
            // Tapir repeats the component name as `title`; only a real title is worth showing.
            docs.description = schema
                .schema_data
                .title
                .clone()
                .filter(|t| Some(t.as_str()) != component);
        }
        if matches!(kind, TypeKind::Newtype { .. }) && !v.one_of.is_empty() {
            let members: Vec<String> = v
                .one_of
                .iter()
                .filter_map(|m| match m {
                    ReferenceOr::Reference { reference } => {
                        component_of(reference).map(|c| format!("`{c}`"))
                    }
                    ReferenceOr::Item(_) => None,
                })
                .collect();
            let note = format!("A string: one of the document's alternatives {}, which cannot be told apart on the wire.", members.join(", "));
            docs.description = Some(match docs.description {
                Some(d) => format!("{d}\n\n{note}"),
                None => note,
            });
        }
        self.types.insert(
            rust.to_string(),
            TypeDef {
                name: rust.to_string(),
                schema: component.map(str::to_string),
                docs,
                kind,
                previous_names: Vec::new(),
                extra_field: None,
            },
        );
        Ok(())
    }

    /// Gathers the fields of an object schema, following `allOf` members.
    #[allow(clippy::too_many_arguments)]
    fn collect_fields(
        &mut self,
        owner: &str,
        schema: &Schema,
        pointer: &str,
        strip: Option<&str>,
        scope: &mut Scope,
        fields: &mut Vec<Field>,
        extra: &mut Option<TypeRef>,
    ) -> Result<(), Error> {
        self.enter(pointer)?;
        let result = self.collect_fields_inner(owner, schema, pointer, strip, scope, fields, extra);
        self.depth -= 1;
        result
    }

    #[allow(clippy::too_many_arguments)]
    fn collect_fields_inner(
        &mut self,
        owner: &str,
        schema: &Schema,
        pointer: &str,
        strip: Option<&str>,
        scope: &mut Scope,
        fields: &mut Vec<Field>,
        extra: &mut Option<TypeRef>,
    ) -> Result<(), Error> {
        let v = view(schema);
        for (i, member) in v.all_of.iter().enumerate() {
            let member_pointer = format!("{pointer}/allOf/{i}");
            let (member_schema, member_pointer) = match member {
                ReferenceOr::Item(s) => (s, member_pointer),
                ReferenceOr::Reference { reference } => {
                    match self.follow_aliases(reference, &member_pointer)? {
                        // A member met again (an `allOf` cycle) adds nothing new.
                        None => continue,
                        Some(found) => found,
                    }
                }
            };
            let member_view = view(member_schema);
            let object_like = member_view.properties.is_some()
                || !member_view.all_of.is_empty()
                || matches!(member_view.typ, None | Some("object"))
                    && member_view.one_of.is_empty()
                    && member_view.any_of.is_empty();
            if !object_like {
                self.warn(&member_pointer, "this `allOf` member is not an object schema; its fields (none) are merged and its type is ignored".to_string());
                continue;
            }
            self.collect_fields(
                owner,
                member_schema,
                &member_pointer,
                strip,
                scope,
                fields,
                extra,
            )?;
        }
        if let Some(props) = v.properties {
            for (wire, prop) in props {
                if Some(wire.as_str()) == strip {
                    continue;
                }
                if fields.iter().any(|f: &Field| &f.wire_name == wire) {
                    continue;
                }
                let prop_pointer = format!("{pointer}/properties/{}", escape_pointer(wire));
                let hint = format!("{owner}{}", type_name(wire));
                let (ty, docs, constraints, default) = match prop {
                    ReferenceOr::Reference { reference } => {
                        let ty = self.reference(reference, &prop_pointer)?;
                        let constraints = self.alias_constraints(reference, &ty);
                        (ty, Docs::default(), constraints, None)
                    }
                    ReferenceOr::Item(s) => {
                        let ty = if const_of(s).is_some() && view(s).enumeration.len() <= 1 {
                            // A pinned value that is not this union's tag: a plain string.
                            scalar_string(None)
                        } else {
                            self.convert_schema(s, &hint, &prop_pointer)?
                        };
                        let mut docs = docs_of(s);
                        if let Some(c) = const_of(s) {
                            let note = format!("Always `{c}`.");
                            docs.description = Some(match docs.description {
                                Some(d) => format!("{d}\n\n{note}"),
                                None => note,
                            });
                        }
                        (ty, docs, view(s).constraints, s.schema_data.default.clone())
                    }
                };
                fields.push(Field {
                    name: scope.claim(field_name(wire)),
                    wire_name: wire.clone(),
                    ty,
                    required: v.required.contains(wire),
                    boxed: false,
                    docs,
                    constraints,
                    default,
                });
            }
        }
        if let Some(AdditionalProperties::Schema(s)) = v.additional {
            *extra = Some(self.convert_at(
                s,
                &format!("{owner}Extra"),
                &format!("{pointer}/additionalProperties"),
            )?);
        } else if let Some(AdditionalProperties::Any(true)) = v.additional {
            *extra = Some(TypeRef::Json);
        }
        Ok(())
    }

    /// The schema an `allOf` member reference stands for, following aliases
    /// (`A: {$ref: B}`), with its pointer; `None` for a member already merged
    /// into this type.
    fn follow_aliases(
        &mut self,
        reference: &str,
        at: &str,
    ) -> Result<Option<(&'a Schema, String)>, Error> {
        let mut reference = reference.to_string();
        for _ in 0..MAX_TYPE_DEPTH {
            let Some(name) = component_of(&reference).map(Cow::into_owned) else {
                return Err(Error::at(self.origin, at, format!("unsupported reference `{reference}` in allOf; point it at a schema in components/schemas")));
            };
            let schemas: &'a indexmap::IndexMap<String, ReferenceOr<Schema>> = self.schemas;
            match schemas.get(&name) {
                Some(ReferenceOr::Item(s)) => {
                    if !self.merging.insert(name.clone()) {
                        return Ok(None);
                    }
                    return Ok(Some((
                        s,
                        format!("/components/schemas/{}", escape_pointer(&name)),
                    )));
                }
                Some(ReferenceOr::Reference { reference: next }) => reference = next.clone(),
                None => {
                    return Err(Error::at(self.origin, at, format!("allOf member `{reference}` does not exist; add it under components/schemas or fix the reference")));
                }
            }
        }
        Err(Error::at(self.origin, at, format!("allOf member `{reference}` is an alias of an alias ... more than {MAX_TYPE_DEPTH} times; point it at an object schema")))
    }

    fn union(
        &mut self,
        rust: &str,
        schema: &Schema,
        variants: &[ReferenceOr<Schema>],
        pointer: &str,
    ) -> Result<TypeKind, Error> {
        let discriminator = schema.schema_data.discriminator.as_ref();
        let mut scope = Scope::with_reserved(&["Unknown"]);
        let mut out = Vec::new();
        for (i, variant) in variants.iter().enumerate() {
            let variant_pointer = format!("{pointer}/{i}");
            if let ReferenceOr::Item(s) = variant {
                if is_null_schema(s) {
                    continue;
                }
            }
            let (tag, docs) = match (discriminator, variant) {
                (Some(_), ReferenceOr::Reference { reference }) => {
                    let component = component_of(reference).unwrap_or(Cow::Borrowed(reference));
                    (
                        Some(self.tag_of(schema, reference, &component)),
                        Docs::default(),
                    )
                }
                (Some(d), ReferenceOr::Item(s)) => {
                    let tag = property_const(s, &d.property_name)
                        .and_then(Value::as_str)
                        .map(str::to_string);
                    (tag, docs_of(s))
                }
                (None, ReferenceOr::Item(s)) => (None, docs_of(s)),
                (None, ReferenceOr::Reference { .. }) => (None, Docs::default()),
            };
            let hint = match &tag {
                Some(t) => format!("{rust}{}", type_name(tag_word(t))),
                None => format!("{rust}Variant{i}"),
            };
            let ty = match (variant, discriminator, &tag) {
                // An inline variant of a tagged union: drop the tag like an owned one.
                (ReferenceOr::Item(s), Some(d), Some(_)) if is_named_kind(s, false) => {
                    let name = self.scope.claim(hint.clone());
                    self.define(&name, None, s, &variant_pointer, Some(&d.property_name))?;
                    TypeRef::Named(name)
                }
                _ => self.convert_at(variant, &hint, &variant_pointer)?,
            };
            if let TypeRef::Named(n) = &ty {
                self.ensure_defined(n, &variant_pointer)?;
            }
            let name = match (&tag, variant) {
                (Some(t), _) => type_name(tag_word(t)),
                // A referenced member is named after its schema, even when it collapses to a scalar.
                (None, ReferenceOr::Reference { reference }) => match component_of(reference) {
                    Some(c) => variant_name_for(&TypeRef::Named(type_name(&c)), rust),
                    None => variant_name_for(&ty, rust),
                },
                (None, ReferenceOr::Item(_)) => variant_name_for(&ty, rust),
            };
            // A tag-only variant carries nothing: a unit variant reads better.
            let ty = match &ty {
                TypeRef::Named(n) if tag.is_some() && self.is_empty_struct(n) => {
                    self.types.remove(n);
                    None
                }
                _ => Some(ty),
            };
            out.push(Variant {
                name: scope.claim(name),
                tag,
                ty,
                docs,
                boxed: false,
            });
        }
        // Untagged members that all decode to the same type cannot be told
        // apart on the wire (Tapir's `DataObject` is five string schemas): the
        // union is that type.
        if discriminator.is_none()
            && out.len() > 1
            && out
                .iter()
                .all(|v| v.ty.as_ref().is_some_and(|t| self.is_string_like(t)))
        {
            return Ok(TypeKind::Newtype {
                inner: TypeRef::String,
                constraints: Constraints::default(),
            });
        }
        let tagged = discriminator.is_some() && out.iter().all(|v| v.tag.is_some());
        if !tagged {
            out.iter_mut().for_each(|v| v.tag = None);
        }
        Ok(TypeKind::Union {
            tag: discriminator
                .filter(|_| tagged)
                .map(|d| d.property_name.clone()),
            variants: out,
        })
    }

    /// A string on the wire, which our open enums and unvalidated newtypes
    /// all accept: members like this cannot be told apart when decoding.
    fn is_string_like(&self, t: &TypeRef) -> bool {
        match t {
            TypeRef::String => true,
            TypeRef::Named(n) => match self.types.get(n).map(|d| &d.kind) {
                Some(TypeKind::Enum { .. }) => true,
                Some(TypeKind::Newtype { inner, .. }) => self.is_string_like(inner),
                _ => false,
            },
            _ => false,
        }
    }

    fn is_empty_struct(&self, name: &str) -> bool {
        matches!(self.types.get(name), Some(TypeDef { kind: TypeKind::Struct { fields, extra: None }, .. }) if fields.is_empty())
            && self
                .resolved
                .iter()
                .filter(|(_, t)| matches!(t, TypeRef::Named(n) if n == name))
                .count()
                <= 1
    }
}

use crate::quirks::tag_word;

/// A variant name for an untagged union member, from its type.
fn variant_name_for(ty: &TypeRef, union: &str) -> String {
    match ty {
        TypeRef::Named(n) => n
            .strip_prefix(union)
            .filter(|rest| rest.starts_with(|c: char| c.is_ascii_uppercase()))
            .unwrap_or(n)
            .to_string(),
        TypeRef::String => "String".into(),
        TypeRef::Bool => "Bool".into(),
        TypeRef::I32 | TypeRef::I64 => "Integer".into(),
        TypeRef::F32 | TypeRef::F64 => "Number".into(),
        TypeRef::DateTime => "DateTime".into(),
        TypeRef::Date => "Date".into(),
        TypeRef::Uuid => "Uuid".into(),
        TypeRef::Json => "Json".into(),
        TypeRef::List(inner) => format!("{}List", variant_name_for(inner, union)),
        TypeRef::Map(inner) => format!("{}Map", variant_name_for(inner, union)),
        TypeRef::Nullable(inner) => variant_name_for(inner, union),
    }
}
