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

use std::collections::{BTreeMap, HashMap, HashSet};

use openapiv3::{
    AdditionalProperties, ReferenceOr, Schema, SchemaKind, Type, VariantOrUnknownOrEmpty,
};
use serde_json::Value;

use crate::error::{escape_pointer, Error};
use crate::ir::{Constraints, Docs, EnumValue, Field, TypeDef, TypeKind, TypeRef, Variant};
use crate::names::{field_name, type_name, Scope};

const SCHEMA_PREFIX: &str = "#/components/schemas/";

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
}

/// A uniform read-only view of a schema, whichever way `openapiv3` parsed it.
#[derive(Default)]
struct View<'s> {
    typ: Option<&'s str>,
    format: Option<&'s str>,
    enumeration: Vec<Value>,
    properties: Option<&'s indexmap::IndexMap<String, ReferenceOr<Box<Schema>>>>,
    required: &'s [String],
    additional: Option<&'s AdditionalProperties>,
    items: Option<&'s ReferenceOr<Box<Schema>>>,
    one_of: &'s [ReferenceOr<Schema>],
    any_of: &'s [ReferenceOr<Schema>],
    all_of: &'s [ReferenceOr<Schema>],
    constraints: Constraints,
}

fn view(schema: &Schema) -> View<'_> {
    let mut v = View::default();
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) => {
            v.typ = Some("string");
            v.format = format_str(&s.format);
            v.enumeration = s
                .enumeration
                .iter()
                .flatten()
                .map(|e| Value::String(e.clone()))
                .collect();
            v.constraints.pattern = s.pattern.clone();
            v.constraints.min_length = s.min_length;
            v.constraints.max_length = s.max_length;
        }
        SchemaKind::Type(Type::Integer(i)) => {
            v.typ = Some("integer");
            v.format = format_str(&i.format);
            v.constraints.minimum = i.minimum.map(|n| n as f64);
            v.constraints.maximum = i.maximum.map(|n| n as f64);
            v.constraints.exclusive_minimum = i.exclusive_minimum;
            v.constraints.exclusive_maximum = i.exclusive_maximum;
        }
        SchemaKind::Type(Type::Number(n)) => {
            v.typ = Some("number");
            v.format = format_str(&n.format);
            v.constraints.minimum = n.minimum;
            v.constraints.maximum = n.maximum;
            v.constraints.exclusive_minimum = n.exclusive_minimum;
            v.constraints.exclusive_maximum = n.exclusive_maximum;
        }
        SchemaKind::Type(Type::Boolean(_)) => v.typ = Some("boolean"),
        SchemaKind::Type(Type::Object(o)) => {
            v.typ = Some("object");
            v.properties = (!o.properties.is_empty()).then_some(&o.properties);
            v.required = &o.required;
            v.additional = o.additional_properties.as_ref();
        }
        SchemaKind::Type(Type::Array(a)) => {
            v.typ = Some("array");
            v.items = a.items.as_ref();
            v.constraints.min_items = a.min_items;
            v.constraints.max_items = a.max_items;
            v.constraints.unique_items = a.unique_items;
        }
        SchemaKind::OneOf { one_of } => v.one_of = one_of,
        SchemaKind::AnyOf { any_of } => v.any_of = any_of,
        SchemaKind::AllOf { all_of } => v.all_of = all_of,
        SchemaKind::Not { .. } => {}
        SchemaKind::Any(a) => {
            v.typ = a.typ.as_deref();
            v.format = a.format.as_deref();
            v.enumeration = a.enumeration.clone();
            v.properties = (!a.properties.is_empty()).then_some(&a.properties);
            v.required = &a.required;
            v.additional = a.additional_properties.as_ref();
            v.items = a.items.as_ref();
            v.one_of = &a.one_of;
            v.any_of = &a.any_of;
            v.all_of = &a.all_of;
            v.constraints = Constraints {
                pattern: a.pattern.clone(),
                min_length: a.min_length,
                max_length: a.max_length,
                minimum: a.minimum,
                maximum: a.maximum,
                exclusive_minimum: a.exclusive_minimum.unwrap_or(false),
                exclusive_maximum: a.exclusive_maximum.unwrap_or(false),
                min_items: a.min_items,
                max_items: a.max_items,
                unique_items: a.unique_items.unwrap_or(false),
                format: None,
            };
            if v.typ.is_none() && v.properties.is_some() {
                v.typ = Some("object");
            }
        }
    }
    if let Some(f) = v.format {
        v.constraints.format = Some(f.to_string());
    }
    v
}

/// The name a document writes for an `openapiv3` format.
trait FormatName {
    fn name(&self) -> &'static str;
}

impl FormatName for openapiv3::StringFormat {
    fn name(&self) -> &'static str {
        match self {
            openapiv3::StringFormat::Date => "date",
            openapiv3::StringFormat::DateTime => "date-time",
            openapiv3::StringFormat::Password => "password",
            openapiv3::StringFormat::Byte => "byte",
            openapiv3::StringFormat::Binary => "binary",
        }
    }
}

impl FormatName for openapiv3::IntegerFormat {
    fn name(&self) -> &'static str {
        match self {
            openapiv3::IntegerFormat::Int32 => "int32",
            openapiv3::IntegerFormat::Int64 => "int64",
        }
    }
}

impl FormatName for openapiv3::NumberFormat {
    fn name(&self) -> &'static str {
        match self {
            openapiv3::NumberFormat::Float => "float",
            openapiv3::NumberFormat::Double => "double",
        }
    }
}

fn format_str<T: FormatName>(f: &VariantOrUnknownOrEmpty<T>) -> Option<&'static str> {
    // Only the formats that change the Rust type matter; others stay docs-free.
    match f {
        VariantOrUnknownOrEmpty::Item(item) => Some(item.name()),
        VariantOrUnknownOrEmpty::Unknown(s) => match s.as_str() {
            "uuid" => Some("uuid"),
            "date-time" => Some("date-time"),
            "date" => Some("date"),
            "email" => Some("email"),
            "uri" => Some("uri"),
            _ => None,
        },
        VariantOrUnknownOrEmpty::Empty => None,
    }
}

/// Documentation of a schema.
pub fn docs_of(schema: &Schema) -> Docs {
    Docs {
        summary: None,
        description: schema
            .schema_data
            .description
            .clone()
            .filter(|d| !d.trim().is_empty()),
        deprecated: schema.schema_data.deprecated,
    }
}

/// The name of the component a `$ref` points at, if it points at one.
pub fn component_of(reference: &str) -> Option<&str> {
    reference
        .strip_prefix(SCHEMA_PREFIX)
        .filter(|n| !n.contains('/'))
}

/// The value a schema pins with 3.1 `const` (kept by `load` as `x-const`).
fn const_of(schema: &Schema) -> Option<&Value> {
    schema.schema_data.extensions.get("x-const")
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
        };
        space.find_owned_variants(tree);
        space.name_components(chosen);
        space
    }

    /// Variant schemas referenced once, by exactly one discriminated union,
    /// are owned by it.
    fn find_owned_variants(&mut self, tree: &Value) {
        let mut counts: HashMap<&str, usize> = HashMap::new();
        count_refs(tree, &mut counts);
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
                if self.owned_variants.contains_key(name) {
                    let tag = self.tag_of(schema, reference, name);
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
        match schema {
            ReferenceOr::Reference { reference } => self.reference(reference, pointer),
            ReferenceOr::Item(schema) => self.convert_schema(schema, hint, pointer),
        }
    }

    /// Same as [`TypeSpace::convert`] for the boxed form `openapiv3` uses in properties.
    pub fn convert_boxed(
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
        self.component(name, pointer)
    }

    /// The type a component schema stands for, converting it on first use.
    pub fn component(&mut self, name: &str, pointer: &str) -> Result<TypeRef, Error> {
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
        if !self.in_progress.insert(name.to_string()) {
            return Err(Error::at(
                self.origin,
                here,
                "this schema is an alias of itself (a `$ref` cycle with no type in it)",
            ));
        }
        let result = match schema {
            ReferenceOr::Reference { reference } => self.reference(reference, &here),
            ReferenceOr::Item(schema) => match self.component_names.get(name).cloned() {
                Some(rust) => {
                    // Registered before converting the body, so recursion finds it.
                    self.resolved
                        .insert(name.to_string(), TypeRef::Named(rust.clone()));
                    let strip = self.owned_variants.get(name).cloned();
                    self.define(&rust, Some(name), schema, &here, strip.as_deref())
                        .map(|()| TypeRef::Named(rust))
                }
                None => self.convert_schema(schema, &type_name(name), &here),
            },
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
        let t = self.convert_inner(schema, hint, pointer)?;
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
                    return self.convert(single, hint, &format!("{pointer}/allOf/0"));
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
                let t = self.convert(only, hint, &format!("{pointer}/{key}/{i}"))?;
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
                Some(AdditionalProperties::Schema(s)) => TypeRef::Map(Box::new(self.convert(
                    s,
                    &format!("{hint}Value"),
                    &format!("{pointer}/additionalProperties"),
                )?)),
                _ => TypeRef::Map(Box::new(TypeRef::Json)),
            },
            _ => TypeRef::Json,
        })
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
            self.collect_fields(
                rust,
                schema,
                pointer,
                strip,
                &mut scope,
                &mut fields,
                &mut extra,
            )?;
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
        let v = view(schema);
        for (i, member) in v.all_of.iter().enumerate() {
            let member_pointer = format!("{pointer}/allOf/{i}");
            let (member_schema, member_pointer) = match member {
                ReferenceOr::Item(s) => (s, member_pointer),
                ReferenceOr::Reference { reference } => {
                    let Some(name) = component_of(reference) else {
                        return Err(Error::at(
                            self.origin,
                            member_pointer,
                            format!("unsupported reference `{reference}` in allOf"),
                        ));
                    };
                    match self.schemas.get(name) {
                        Some(ReferenceOr::Item(s)) => {
                            (s, format!("/components/schemas/{}", escape_pointer(name)))
                        }
                        _ => {
                            return Err(Error::at(self.origin, member_pointer, format!("allOf member `{reference}` is missing or an alias; point it at an object schema")));
                        }
                    }
                }
            };
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
                    ReferenceOr::Reference { reference } => (
                        self.reference(reference, &prop_pointer)?,
                        Docs::default(),
                        Constraints::default(),
                        None,
                    ),
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
            *extra = Some(self.convert(
                s,
                &format!("{owner}Extra"),
                &format!("{pointer}/additionalProperties"),
            )?);
        } else if let Some(AdditionalProperties::Any(true)) = v.additional {
            *extra = Some(TypeRef::Json);
        }
        Ok(())
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
                    let component = component_of(reference).unwrap_or(reference);
                    (
                        Some(self.tag_of(schema, reference, component)),
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
                _ => self.convert(variant, &hint, &variant_pointer)?,
            };
            let name = match (&tag, variant) {
                (Some(t), _) => type_name(tag_word(t)),
                // A referenced member is named after its schema, even when it collapses to a scalar.
                (None, ReferenceOr::Reference { reference }) => match component_of(reference) {
                    Some(c) => variant_name_for(&TypeRef::Named(type_name(c)), rust),
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

/// The Rust type of an unconstrained string of `format`.
fn scalar_string(format: Option<&str>) -> TypeRef {
    match format {
        Some("date-time") => TypeRef::DateTime,
        Some("date") => TypeRef::Date,
        Some("uuid") => TypeRef::Uuid,
        _ => TypeRef::String,
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

/// Whether a schema needs a named Rust type of its own. Components with
/// constraints become newtypes; inline scalars stay plain.
fn is_named_kind(schema: &Schema, component: bool) -> bool {
    let v = view(schema);
    if !v.one_of.is_empty() || !v.any_of.is_empty() {
        let variants = if v.one_of.is_empty() {
            v.any_of
        } else {
            v.one_of
        };
        let real = variants
            .iter()
            .filter(|s| !matches!(s, ReferenceOr::Item(s) if is_null_schema(s)))
            .count();
        // A discriminated union stays a union even with one variant: more will come.
        return real > 1 || (real == 1 && schema.schema_data.discriminator.is_some());
    }
    if !v.all_of.is_empty() {
        return v.all_of.len() > 1 || v.properties.is_some();
    }
    match v.typ {
        Some("string") if !v.enumeration.is_empty() => const_of(schema).is_none() || component,
        Some("object") => v.properties.is_some() || (component && v.additional.is_none()),
        Some("string") | Some("integer") | Some("number") if component => {
            let c = &v.constraints;
            c.pattern.is_some()
                || c.min_length.is_some()
                || c.max_length.is_some()
                || c.minimum.is_some()
                || c.maximum.is_some()
        }
        _ => false,
    }
}

/// `{type: null}` after lowering: nullable with nothing else.
fn is_null_schema(schema: &Schema) -> bool {
    schema.schema_data.nullable
        && matches!(&schema.schema_kind, SchemaKind::Any(a) if a.typ.is_none() && a.properties.is_empty() && a.one_of.is_empty() && a.all_of.is_empty() && a.any_of.is_empty() && a.items.is_none())
}

/// The `const` of property `name` in an object schema.
fn property_const<'s>(schema: &'s Schema, name: &str) -> Option<&'s Value> {
    let v = view(schema);
    match v.properties?.get(name)? {
        ReferenceOr::Item(p) => const_of(p),
        ReferenceOr::Reference { .. } => None,
    }
}

/// Counts `$ref` targets in the tree, ignoring discriminator mappings (which
/// name variants without using them).
fn count_refs<'t>(tree: &'t Value, counts: &mut HashMap<&'t str, usize>) {
    match tree {
        Value::Object(map) => {
            for (k, v) in map {
                if k == "$ref" {
                    if let Some(name) = v.as_str().and_then(component_of) {
                        *counts.entry(name).or_default() += 1;
                    }
                } else if k != "mapping" {
                    count_refs(v, counts);
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| count_refs(v, counts)),
        _ => {}
    }
}

/// Boxes struct fields and union payloads that would make a type contain itself.
fn box_recursive_fields(types: &mut BTreeMap<String, TypeDef>) {
    // Edges that store a value inline (not behind Vec/Map, which already allocate).
    fn inline_target(t: &TypeRef) -> Option<&str> {
        match t {
            TypeRef::Named(n) => Some(n),
            TypeRef::Nullable(inner) => inline_target(inner),
            _ => None,
        }
    }
    let edges: HashMap<String, Vec<String>> = types
        .values()
        .map(|def| {
            let targets = match &def.kind {
                TypeKind::Struct { fields, .. } => fields
                    .iter()
                    .filter_map(|f| inline_target(&f.ty))
                    .map(str::to_string)
                    .collect(),
                TypeKind::Union { variants, .. } => variants
                    .iter()
                    .filter_map(|v| v.ty.as_ref().and_then(inline_target))
                    .map(str::to_string)
                    .collect(),
                TypeKind::Newtype { inner, .. } => inline_target(inner)
                    .into_iter()
                    .map(str::to_string)
                    .collect(),
                TypeKind::Enum { .. } => Vec::new(),
            };
            (def.name.clone(), targets)
        })
        .collect();
    let reaches = |from: &str, to: &str| -> bool {
        let mut seen = HashSet::new();
        let mut stack = vec![from.to_string()];
        while let Some(n) = stack.pop() {
            if n == to {
                return true;
            }
            if seen.insert(n.clone()) {
                stack.extend(edges.get(&n).into_iter().flatten().cloned());
            }
        }
        false
    };
    let mut to_box: Vec<(String, usize)> = Vec::new();
    for def in types.values() {
        match &def.kind {
            TypeKind::Struct { fields, .. } => {
                for (i, f) in fields.iter().enumerate() {
                    if inline_target(&f.ty).is_some_and(|t| reaches(t, &def.name)) {
                        to_box.push((def.name.clone(), i));
                    }
                }
            }
            TypeKind::Union { variants, .. } => {
                for (i, v) in variants.iter().enumerate() {
                    if v.ty
                        .as_ref()
                        .and_then(inline_target)
                        .is_some_and(|t| reaches(t, &def.name))
                    {
                        to_box.push((def.name.clone(), i));
                    }
                }
            }
            _ => {}
        }
    }
    for (name, i) in to_box {
        match &mut types.get_mut(&name).expect("collected from this map").kind {
            TypeKind::Struct { fields, .. } => fields[i].boxed = true,
            TypeKind::Union { variants, .. } => variants[i].boxed = true,
            _ => {}
        }
    }
}
