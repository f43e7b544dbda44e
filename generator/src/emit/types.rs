//! `src/types.rs`: one Rust item per [`TypeDef`]. Structs, open enums, unions
//! and newtypes are declared here and get their conversions and serde from
//! one macro call into the runtime (`chili_runtime::record!`, `open_enum!` and
//! friends), so the rules live in the runtime once and each type is a few
//! lines (serde's derive would write a visitor per struct, which dominated
//! rebuilds: BENCHMARKS.md).

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::{doc_attrs, ident, renamed_aliases, rust_type, type_text, Part, RUNTIME};
use crate::ir::{
    Constraints, Docs, EnumValue, Field, Spelling, TypeDef, TypeKind, TypeRef, Variant,
};

/// The top of `types.rs`: module docs and attributes.
pub(super) fn header() -> TokenStream {
    quote! {
        //! Types of the API's requests and responses, one per schema.
        //!
        //! Enums and unions are open: a value or variant this crate does not know
        //! yet decodes into `Unknown`, keeping the raw value, so upstream additions
        //! never break decoding. They are `#[non_exhaustive]`, so a new variant in
        //! a later version of this crate does not break a `match` either.

        // Deprecated types are still used by the types that contain them; and
        // union variants mirror the document, whatever their size.
        #![allow(deprecated, clippy::large_enum_variant, clippy::type_complexity, clippy::too_many_arguments, clippy::new_without_default)]
    }
}

/// The items of a run of types: each type's declaration, then for open
/// enums, unions and newtypes the runtime macro call that implements them
/// (written as text: prettyplease would print a macro's list as one flowed
/// paragraph).
pub(super) fn items(defs: &[TypeDef]) -> Vec<Part> {
    let mut parts = Vec::new();
    for def in defs {
        parts.push(Part::Tokens(type_def(def)));
        if let Some(call) = runtime_call(def) {
            parts.push(Part::Text(call));
        }
        if !def.previous_names.is_empty() {
            parts.push(Part::Tokens(renamed_aliases(
                &def.previous_names,
                &def.name,
                false,
            )));
        }
    }
    parts
}

/// The runtime macro call implementing `def`, if it needs one.
fn runtime_call(def: &TypeDef) -> Option<String> {
    let name = &def.name;
    let lit = |text: &str| Literal::string(text).to_string();
    let list = |lines: Vec<String>| {
        lines
            .iter()
            .map(|l| format!("    {l},\n"))
            .collect::<String>()
    };
    let payload = |v: &Variant| if v.ty.is_some() { "(_)" } else { "" };
    Some(match &def.kind {
        TypeKind::Struct { fields, .. } => {
            let mut lines: Vec<String> = fields
                .iter()
                .enumerate()
                .map(|(i, f)| {
                    format!(
                        "{} {i} {}: {} = {}",
                        field_kind(f),
                        ident(&f.name),
                        f.rust(Spelling::Code { types: "" }),
                        lit(&f.wire_name)
                    )
                })
                .collect();
            if let Some((t, field)) = extra_field(def) {
                lines.push(format!("..{}: {}", ident(field), type_text(t)));
            }
            format!("{RUNTIME}::record!({name} {{\n{}}});\n", list(lines))
        }
        TypeKind::Enum { values } => {
            let lines = values
                .iter()
                .map(|v| format!("{} = {}", v.name, lit(&v.wire)))
                .collect();
            format!("{RUNTIME}::open_enum!({name} {{\n{}}});\n", list(lines))
        }
        TypeKind::Union {
            tag: Some(tag),
            variants,
        } => {
            let lines = variants
                .iter()
                .map(|v| {
                    format!(
                        "{}{} = {}",
                        v.name,
                        payload(v),
                        lit(v.tag.as_deref().unwrap_or_default())
                    )
                })
                .collect();
            format!(
                "{RUNTIME}::tagged_union!({name}, {}, {{\n{}}});\n",
                lit(tag),
                list(lines)
            )
        }
        TypeKind::Union {
            tag: None,
            variants,
        } => {
            let lines = variants
                .iter()
                .map(|v| format!("{}{}", v.name, payload(v)))
                .collect();
            format!(
                "{RUNTIME}::untagged_union!({name} {{\n{}}});\n",
                list(lines)
            )
        }
        TypeKind::Newtype { inner, .. } => {
            format!("{RUNTIME}::newtype!({name}({}));\n", type_text(inner))
        }
    })
}

/// A struct's additional properties: their type and the field holding them.
fn extra_field(def: &TypeDef) -> Option<(&TypeRef, &str)> {
    let TypeKind::Struct { extra, .. } = &def.kind else {
        return None;
    };
    // The IR names the field whenever there is one (names::extra_field_name).
    extra
        .as_ref()
        .map(|t| (t, def.extra_field.as_deref().unwrap_or("extra")))
}

/// How the runtime's `record!` reads and writes a field: `required` must be
/// present; `optional` may be absent and is not written when `None`;
/// `nullable` is required but may be `null`, and is always written.
fn field_kind(f: &Field) -> &'static str {
    if !f.required {
        "optional"
    } else if matches!(f.ty, TypeRef::Nullable(_)) {
        "nullable"
    } else {
        "required"
    }
}

fn type_def(def: &TypeDef) -> TokenStream {
    let mut extra = Vec::new();
    if let Some(schema) = &def.schema {
        if schema != &def.name {
            extra.push(format!("Schema `{schema}`."));
        }
    }
    if let TypeKind::Newtype { constraints, .. } = &def.kind {
        if let Some(c) = constraint_text(constraints) {
            extra.push(c);
        }
    }
    let docs = doc_attrs(&def.docs, &extra);
    let docs = if docs.is_empty() {
        let line = format!(" `{}`.", def.name);
        quote!(#[doc = #line])
    } else {
        docs
    };
    let deprecated = deprecated_attr(&def.docs);
    let name = ident(&def.name);
    let body = match &def.kind {
        TypeKind::Struct { fields, .. } => struct_def(&name, fields, extra_field(def)),
        TypeKind::Enum { values } => enum_def(&name, values),
        TypeKind::Union {
            tag: Some(tag),
            variants,
        } => tagged_union(&name, tag, variants),
        TypeKind::Union {
            tag: None,
            variants,
        } => untagged_union(&name, variants),
        TypeKind::Newtype { inner, .. } => newtype(&name, inner),
    };
    quote! {
        #docs
        #deprecated
        #body
    }
}

fn deprecated_attr(docs: &Docs) -> TokenStream {
    if docs.deprecated {
        quote!(#[deprecated(note = "deprecated in the API document")])
    } else {
        quote!()
    }
}

fn constraint_text(c: &Constraints) -> Option<String> {
    let mut parts = Vec::new();
    if let Some(p) = &c.pattern {
        parts.push(format!("matches `{}`", p.replace('`', "'")));
    }
    if let Some(n) = c.min_length {
        parts.push(format!("at least {n} characters"));
    }
    if let Some(n) = c.max_length {
        parts.push(format!("at most {n} characters"));
    }
    if let Some(n) = c.minimum {
        parts.push(format!(
            "{} {n}",
            if c.exclusive_minimum { ">" } else { ">=" }
        ));
    }
    if let Some(n) = c.maximum {
        parts.push(format!(
            "{} {n}",
            if c.exclusive_maximum { "<" } else { "<=" }
        ));
    }
    if let Some(n) = c.min_items {
        parts.push(format!("at least {n} items"));
    }
    if let Some(n) = c.max_items {
        parts.push(format!("at most {n} items"));
    }
    if c.unique_items {
        parts.push("items are unique".to_string());
    }
    (!parts.is_empty()).then(|| format!("Constraints: {}.", parts.join(", ")))
}

fn field_type(f: &Field) -> TokenStream {
    super::type_tokens(&f.rust(Spelling::Code { types: "" }))
}

/// A struct; `extra` is the type and field name of its additional properties.
fn struct_def(
    name: &proc_macro2::Ident,
    fields: &[Field],
    extra: Option<(&TypeRef, &str)>,
) -> TokenStream {
    let fields_ts = fields.iter().map(|f| {
        let mut notes = Vec::new();
        if let Some(c) = constraint_text(&f.constraints) {
            notes.push(c);
        }
        if let Some(d) = &f.default {
            notes.push(format!("Default: `{d}`."));
        }
        let mut docs = doc_attrs(&f.docs, &notes);
        if f.docs.description.is_none() {
            // Every public item is documented; say at least what it is on the wire.
            let line = format!(" The `{}` property.", f.wire_name);
            let rest = docs;
            docs = if rest.is_empty() {
                quote!(#[doc = #line])
            } else {
                quote!(#[doc = #line] #[doc = ""] #rest)
            };
        }
        let deprecated = deprecated_attr(&f.docs);
        let field = ident(&f.name);
        let ty = field_type(f);
        quote! {
            #docs
            #deprecated
            pub #field: #ty,
        }
    });
    let extra_field = extra.map(|(t, field)| {
        let field = ident(field);
        let t = rust_type(t, &quote!());
        quote! {
            /// Properties beyond the named ones.
            pub #field: std::collections::BTreeMap<String, #t>,
        }
    });
    let constructor = constructor(name, fields, extra.map(|(_, field)| field));
    quote! {
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub struct #name {
            #(#fields_ts)*
            #extra_field
        }

        #constructor
    }
}

/// `new(required fields...)`: with `#[non_exhaustive]`, the one way to build a
/// struct outside the crate, so a new optional field upstream breaks no caller.
/// Optional fields start as `None` and are set by assignment.
fn constructor(
    name: &proc_macro2::Ident,
    fields: &[Field],
    extra_field: Option<&str>,
) -> TokenStream {
    let required: Vec<&Field> = fields.iter().filter(|f| f.required).collect();
    let args = required.iter().map(|f| {
        let n = ident(&f.name);
        let t = rust_type(&f.ty, &quote!());
        quote!(#n: impl Into<#t>)
    });
    let inits = fields.iter().map(|f| {
        let n = ident(&f.name);
        match (f.required, f.boxed) {
            (true, true) => quote!(#n: Box::new(#n.into())),
            (true, false) => quote!(#n: #n.into()),
            (false, _) => quote!(#n: None),
        }
    });
    let extra_init = extra_field.map(|field| {
        let field = ident(field);
        quote!(#field: std::collections::BTreeMap::new(),)
    });
    let doc = if required.is_empty() {
        format!(" A `{name}` with every optional field unset.")
    } else {
        format!(" A `{name}` from its required fields; optional fields start unset.")
    };
    quote! {
        impl #name {
            #[doc = #doc]
            pub fn new(#(#args),*) -> Self {
                Self { #(#inits,)* #extra_init }
            }
        }
    }
}

fn enum_def(name: &proc_macro2::Ident, values: &[EnumValue]) -> TokenStream {
    let variants = values.iter().map(|v| {
        let n = ident(&v.name);
        let doc = format!(" `{}`", v.wire);
        quote!(#[doc = #doc] #n,)
    });
    quote! {
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            /// A value this version of the client does not know; holds it as sent.
            Unknown(String),
        }
    }
}

fn variant_payload(v: &Variant) -> Option<TokenStream> {
    v.ty.as_ref().map(|t| {
        let t = rust_type(t, &quote!());
        if v.boxed {
            quote!(Box<#t>)
        } else {
            t
        }
    })
}

fn variant_decls(variants: &[Variant], tag: Option<&str>) -> Vec<TokenStream> {
    variants
        .iter()
        .map(|v| {
            let extra: Vec<String> = match (tag, &v.tag) {
                (Some(prop), Some(value)) => vec![format!("`{prop}`: `{value}`.")],
                _ => Vec::new(),
            };
            let mut docs = doc_attrs(&v.docs, &extra);
            if docs.is_empty() {
                let line = format!(" `{}`.", v.name);
                docs = quote!(#[doc = #line]);
            }
            let n = ident(&v.name);
            match variant_payload(v) {
                Some(t) => quote!(#docs #n(#t),),
                None => quote!(#docs #n,),
            }
        })
        .collect()
}

fn tagged_union(name: &proc_macro2::Ident, tag: &str, variants: &[Variant]) -> TokenStream {
    let decls = variant_decls(variants, Some(tag));
    quote! {
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub enum #name {
            #(#decls)*
            /// A variant this version of the client does not know; holds the raw JSON.
            Unknown(serde_json::Value),
        }
    }
}

fn untagged_union(name: &proc_macro2::Ident, variants: &[Variant]) -> TokenStream {
    let decls = variant_decls(variants, None);
    quote! {
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub enum #name {
            #(#decls)*
            /// A shape this version of the client does not know; holds the raw JSON.
            Unknown(serde_json::Value),
        }
    }
}

fn newtype(name: &proc_macro2::Ident, inner: &TypeRef) -> TokenStream {
    let t = rust_type(inner, &quote!());
    let eq = match inner {
        TypeRef::F32 | TypeRef::F64 => quote!(),
        _ => quote!(Eq, Hash, PartialOrd, Ord,),
    };
    quote! {
        #[derive(Debug, Clone, PartialEq, #eq serde::Serialize, serde::Deserialize)]
        #[serde(transparent)]
        pub struct #name(pub #t);
    }
}
