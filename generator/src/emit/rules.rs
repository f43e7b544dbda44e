//! `src/rules.rs`: the limits the document states for request values
//! (`minItems`, `maxLength`, `pattern`, numeric bounds), as static tables the
//! runtime checks a request against before sending it
//! (`chili_runtime::validate`). Only types that requests use get a table,
//! and only when they or a type inside them have a limit.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::ident;
use crate::ir::{Api, Constraints, TypeDef, TypeKind, TypeRef};

/// Which request types have a table; built once per emitted file.
pub(super) struct Tables<'a> {
    types: BTreeMap<&'a str, &'a TypeDef>,
    /// Request types with a limit in them (directly or in a nested type).
    checked: BTreeSet<&'a str>,
}

impl<'a> Tables<'a> {
    pub(super) fn new(api: &'a Api) -> Self {
        let types: BTreeMap<&str, &TypeDef> =
            api.types.iter().map(|t| (t.name.as_str(), t)).collect();
        // Types a request reaches: bodies and parameters, then what they hold.
        let mut reached = BTreeSet::new();
        let mut todo: Vec<&TypeRef> = Vec::new();
        for op in &api.operations {
            todo.extend(op.body.iter().map(|b| &b.ty));
            todo.extend(op.params.iter().map(|p| &p.ty));
        }
        while let Some(ty) = todo.pop() {
            let Some(name) = named_in(ty) else { continue };
            let Some(def) = types.get(name) else { continue };
            if !reached.insert(def.name.as_str()) {
                continue;
            }
            match &def.kind {
                TypeKind::Struct { fields, extra } => {
                    todo.extend(fields.iter().map(|f| &f.ty));
                    todo.extend(extra.iter());
                }
                TypeKind::Newtype { inner, .. } => todo.push(inner),
                // Unions and enums are not checked inside (yet).
                TypeKind::Union { .. } | TypeKind::Enum { .. } => {}
            }
        }
        // Fixpoint: a type is checked when it has a limit or holds a checked type.
        let mut tables = Tables {
            types,
            checked: BTreeSet::new(),
        };
        loop {
            let before = tables.checked.len();
            for name in &reached {
                let def = tables.types[name];
                if !tables.own_rules(def).is_empty() {
                    tables.checked.insert(name);
                }
            }
            if tables.checked.len() == before {
                break;
            }
        }
        tables
    }

    /// The rules of `def` (nested checked types as references to their tables).
    fn own_rules(&self, def: &TypeDef) -> Vec<TokenStream> {
        let mut rules = Vec::new();
        match &def.kind {
            TypeKind::Struct { fields, .. } => {
                for f in fields {
                    self.rules_for(&[f.wire_name.as_str()], &f.ty, &f.constraints, &mut rules);
                }
            }
            TypeKind::Newtype { inner, constraints } => {
                self.rules_for(&[], inner, constraints, &mut rules)
            }
            TypeKind::Union { .. } | TypeKind::Enum { .. } => {}
        }
        rules
    }

    /// The rules for a value of type `ty` with `constraints` at `path`.
    pub(super) fn rules_for(
        &self,
        path: &[&str],
        ty: &TypeRef,
        c: &Constraints,
        rules: &mut Vec<TokenStream>,
    ) {
        let path_tokens = path.iter().map(|p| Literal::string(p));
        let at = quote!(&[#(#path_tokens),*]);
        let mut push = |check: TokenStream| {
            rules.push(quote!(chili_runtime::validate::Rule { path: #at, check: chili_runtime::validate::Check::#check }));
        };
        let usize_lit = |n: usize| Literal::usize_unsuffixed(n);
        if let Some(n) = c.min_items {
            let n = usize_lit(n);
            push(quote!(MinItems(#n)));
        }
        if let Some(n) = c.max_items {
            let n = usize_lit(n);
            push(quote!(MaxItems(#n)));
        }
        if let Some(n) = c.min_length {
            let n = usize_lit(n);
            push(quote!(MinLength(#n)));
        }
        if let Some(n) = c.max_length {
            let n = usize_lit(n);
            push(quote!(MaxLength(#n)));
        }
        if let (Some(p), false) = (&c.pattern, c.pattern_unchecked) {
            push(quote!(Pattern(#p)));
        }
        if let Some(n) = c.minimum.filter(|n| n.is_finite()) {
            let (n, e) = (Literal::f64_suffixed(n), c.exclusive_minimum);
            push(quote!(Minimum(#n, #e)));
        }
        if let Some(n) = c.maximum.filter(|n| n.is_finite()) {
            let (n, e) = (Literal::f64_suffixed(n), c.exclusive_maximum);
            push(quote!(Maximum(#n, #e)));
        }
        match ty {
            TypeRef::Nullable(inner) => self.rules_for(path, inner, &Constraints::default(), rules),
            TypeRef::List(inner) | TypeRef::Map(inner) => {
                let mut deeper = path.to_vec();
                deeper.push("*");
                self.rules_for(&deeper, inner, &Constraints::default(), rules)
            }
            TypeRef::Named(name) if self.checked.contains(name.as_str()) => {
                let table = ident(name);
                push(quote!(Type(&crate::rules::#table)));
            }
            _ => {}
        }
    }

    /// `{ static RULES: [Rule; N] = [...]; &RULES }` for a parameter or body
    /// of type `ty`, or `None` when it has no limit.
    pub(super) fn inline(&self, ty: &TypeRef, c: &Constraints) -> Option<TokenStream> {
        let mut rules = Vec::new();
        self.rules_for(&[], ty, c, &mut rules);
        if rules.is_empty() {
            return None;
        }
        let n = Literal::usize_unsuffixed(rules.len());
        Some(quote!({
            static RULES: [chili_runtime::validate::Rule; #n] = [#(#rules),*];
            &RULES
        }))
    }
}

/// The named type a reference is about, through lists, maps and nullables.
fn named_in(ty: &TypeRef) -> Option<&str> {
    match ty {
        TypeRef::Named(name) => Some(name),
        TypeRef::List(inner) | TypeRef::Map(inner) | TypeRef::Nullable(inner) => named_in(inner),
        _ => None,
    }
}

/// `src/rules.rs`: one static table per checked request type.
pub(super) fn rules_rs(api: &Api) -> TokenStream {
    let tables = Tables::new(api);
    let statics = tables.checked.iter().map(|name| {
        let rules = tables.own_rules(tables.types[name]);
        let n = Literal::usize_unsuffixed(rules.len());
        let table = ident(name);
        let doc = format!(" Limits of [`{name}`](crate::types::{name}).");
        quote! {
            #[doc = #doc]
            pub(crate) static #table: [chili_runtime::validate::Rule; #n] = [#(#rules),*];
        }
    });
    quote! {
        //! The limits the API document states for request values, checked
        //! before a request is sent (`ClientBuilder::validate_requests`).
        //! Arrays, not slices: a recursive type's table refers to itself.

        #![allow(non_upper_case_globals, clippy::approx_constant)]

        #(#statics)*
    }
}
