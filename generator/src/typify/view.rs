//! Reading `openapiv3` schemas: one uniform view whichever way the model
//! parsed a schema, and the questions the conversion asks of a schema.

use std::borrow::Cow;

use openapiv3::{
    AdditionalProperties, ReferenceOr, Schema, SchemaKind, Type, VariantOrUnknownOrEmpty,
};
use serde_json::Value;

use crate::ir::{Constraints, Docs, TypeRef};

use super::SCHEMA_PREFIX;

/// A uniform read-only view of a schema, whichever way `openapiv3` parsed it.
#[derive(Default)]
pub(super) struct View<'s> {
    pub(super) typ: Option<&'s str>,
    pub(super) format: Option<&'s str>,
    pub(super) enumeration: Vec<Value>,
    pub(super) properties: Option<&'s indexmap::IndexMap<String, ReferenceOr<Box<Schema>>>>,
    pub(super) required: &'s [String],
    pub(super) additional: Option<&'s AdditionalProperties>,
    pub(super) items: Option<&'s ReferenceOr<Box<Schema>>>,
    pub(super) one_of: &'s [ReferenceOr<Schema>],
    pub(super) any_of: &'s [ReferenceOr<Schema>],
    pub(super) all_of: &'s [ReferenceOr<Schema>],
    pub(super) constraints: Constraints,
}

pub(super) fn view(schema: &Schema) -> View<'_> {
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
                pattern_unchecked: false,
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
    // Decided once here: a pattern the `regex` crate cannot compile
    // (lookaround, ...) is documented but not checked by the client.
    v.constraints.pattern_unchecked = v
        .constraints
        .pattern
        .as_deref()
        .is_some_and(|p| regex::Regex::new(p).is_err());
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

/// The name of the component a `$ref` points at, if it points at one
/// (bundling has made every schema reference this form, JSON pointer escaped).
pub fn component_of(reference: &str) -> Option<Cow<'_, str>> {
    let name = reference
        .strip_prefix(SCHEMA_PREFIX)
        .filter(|n| !n.contains('/'))?;
    Some(if name.contains('~') {
        Cow::Owned(name.replace("~1", "/").replace("~0", "~"))
    } else {
        Cow::Borrowed(name)
    })
}

/// The value a schema pins with 3.1 `const` (kept by `load` as `x-const`).
pub(super) fn const_of(schema: &Schema) -> Option<&Value> {
    schema.schema_data.extensions.get("x-const")
}

/// The Rust type of an unconstrained string of `format`.
pub(super) fn scalar_string(format: Option<&str>) -> TypeRef {
    match format {
        Some("date-time") => TypeRef::DateTime,
        Some("date") => TypeRef::Date,
        Some("uuid") => TypeRef::Uuid,
        _ => TypeRef::String,
    }
}

/// Whether a schema needs a named Rust type of its own. Components with
/// constraints become newtypes; inline scalars stay plain.
pub(super) fn is_named_kind(schema: &Schema, component: bool) -> bool {
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
pub(super) fn is_null_schema(schema: &Schema) -> bool {
    schema.schema_data.nullable
        && matches!(&schema.schema_kind, SchemaKind::Any(a) if a.typ.is_none() && a.properties.is_empty() && a.one_of.is_empty() && a.all_of.is_empty() && a.any_of.is_empty() && a.items.is_none())
}

/// The `const` of property `name` in an object schema.
pub(super) fn property_const<'s>(schema: &'s Schema, name: &str) -> Option<&'s Value> {
    let v = view(schema);
    match v.properties?.get(name)? {
        ReferenceOr::Item(p) => const_of(p),
        ReferenceOr::Reference { .. } => None,
    }
}
