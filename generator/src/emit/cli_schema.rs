//! `src/commands/schema.rs` of the CLI crate: the shapes of every type a
//! JSON request body can reach, so `support::check` can reject an enum value
//! the document does not list (the client's enums are open and would send it).

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::quote;

use crate::ir::{Api, Body, BodyKind, TypeDef, TypeKind, TypeRef};

pub(super) fn is_json_body(b: &Body) -> bool {
    b.kind == BodyKind::Json
}

pub(super) fn has_json_body(api: &Api) -> bool {
    api.operations
        .iter()
        .any(|o| o.body.as_ref().is_some_and(is_json_body))
}

/// Whether enum checking looks inside values of this named type.
fn checked(types: &BTreeMap<&str, &TypeDef>, name: &str) -> bool {
    matches!(
        types.get(name).map(|t| &t.kind),
        Some(
            TypeKind::Struct { .. } | TypeKind::Enum { .. } | TypeKind::Union { tag: Some(_), .. }
        )
    )
}

/// The `support::check::Ty` expression for a type reference.
pub(super) fn check_ty(types: &BTreeMap<&str, &TypeDef>, t: &TypeRef) -> TokenStream {
    match t {
        TypeRef::Named(n) if checked(types, n) => quote!(support::check::Ty::Named(#n)),
        TypeRef::List(i) => {
            let i = check_ty(types, i);
            quote!(support::check::Ty::List(&#i))
        }
        TypeRef::Map(i) => {
            let i = check_ty(types, i);
            quote!(support::check::Ty::Map(&#i))
        }
        TypeRef::Nullable(i) => check_ty(types, i),
        _ => quote!(support::check::Ty::Any),
    }
}

/// `src/commands/schema.rs`: the shapes of every type reachable from a JSON
/// request body, sorted by name, for `support::check`.
pub(super) fn schema_rs(api: &Api, types: &BTreeMap<&str, &TypeDef>) -> TokenStream {
    let mut seen = std::collections::BTreeSet::new();
    let mut todo: Vec<&TypeRef> = api
        .operations
        .iter()
        .filter_map(|o| o.body.as_ref())
        .filter(|b| is_json_body(b))
        .map(|b| &b.ty)
        .collect();
    while let Some(t) = todo.pop() {
        match t {
            TypeRef::List(i) | TypeRef::Map(i) | TypeRef::Nullable(i) => todo.push(i),
            TypeRef::Named(n) if checked(types, n) && seen.insert(n.as_str()) => {
                match &types[n.as_str()].kind {
                    TypeKind::Struct { fields, .. } => todo.extend(fields.iter().map(|f| &f.ty)),
                    TypeKind::Union { variants, .. } => {
                        todo.extend(variants.iter().filter_map(|v| v.ty.as_ref()))
                    }
                    _ => {}
                }
            }
            _ => {}
        }
    }
    let entries = seen.iter().map(|name| {
        let shape = match &types[name].kind {
            TypeKind::Struct { fields, .. } => {
                let fields = fields.iter().map(|f| {
                    let wire = &f.wire_name;
                    let ty = check_ty(types, &f.ty);
                    quote!((#wire, #ty))
                });
                quote!(Shape::Struct(&[#(#fields),*]))
            }
            TypeKind::Enum { values } => {
                let wires = values.iter().map(|v| &v.wire);
                quote!(Shape::Enum(&[#(#wires),*]))
            }
            TypeKind::Union {
                tag: Some(tag),
                variants,
            } => {
                let variants = variants.iter().filter_map(|v| {
                    let t = v.tag.as_ref()?;
                    let ty = v
                        .ty
                        .as_ref()
                        .map_or_else(|| quote!(support::check::Ty::Any), |ty| check_ty(types, ty));
                    Some(quote!((#t, #ty)))
                });
                quote!(Shape::Tagged(#tag, &[#(#variants),*]))
            }
            _ => quote!(Shape::Other),
        };
        quote!((#name, #shape))
    });
    quote! {
        //! The shapes of the request body types, so an enum value the document
        //! does not list is caught before sending (see `support::check`).
        use crate::support::{self, check::{Shape, Types}};

        /// Every type reachable from a JSON request body, sorted by name.
        pub(crate) static TYPES: Types = &[#(#entries),*];
    }
}
