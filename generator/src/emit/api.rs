//! `src/api/`: a handle per tag (`client.meetings()`), a method per operation
//! returning a request builder, and the builder's `send`, which hands a
//! `Request` to the runtime.

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::quote;

use super::{doc_attrs, ident, renamed_aliases, rust_type};
use crate::ir::{
    Api, BodyKind, Operation, PageField, Pagination, ParamLocation, Response, TypeRef,
};

/// Page size sent when a page walk has to create an optional paging object
/// the caller left unset (the Edge API's documented default; other APIs
/// with such an object document one too, and the API caps it anyway).
const DEFAULT_PAGE_SIZE: i64 = 50;

/// Operations by group (module name), in sorted order.
pub(super) fn groups(api: &Api) -> BTreeMap<&str, Vec<&Operation>> {
    let mut groups: BTreeMap<&str, Vec<&Operation>> = BTreeMap::new();
    for op in &api.operations {
        groups.entry(op.module.as_str()).or_default().push(op);
    }
    groups
}

/// `src/api/mod.rs`: declares and re-exports one module per group.
pub(super) fn mod_rs<'a>(groups: impl Iterator<Item = &'a str>) -> TokenStream {
    let mods = groups.map(|group| {
        let module = ident(group);
        quote! {
            mod #module;
            pub use #module::*;
        }
    });
    quote! {
        //! Operations, grouped by tag: `client.<tag>().<operation>(...)`.
        //!
        //! Each method returns a request builder. Required parameters are the
        //! method's arguments; optional ones are set on the builder. `.await` the
        //! builder (or call `send()`) to perform the request.
        #(#mods)*
    }
}

pub(super) fn group_file(api: &Api, group: &str, ops: &[&Operation]) -> TokenStream {
    let methods = ops.iter().map(|op| {
        let method = method(api, op);
        let forwarders = forwarders(op);
        quote!(#method #forwarders)
    });
    let tables = super::rules::Tables::new(api);
    let builders = ops.iter().map(|op| {
        let builder = builder(op, &tables);
        let aliases = renamed_aliases(&op.previous_builders, &op.builder_type, true);
        quote!(#builder #aliases)
    });
    let module_doc = format!(" Operations tagged `{group}`.");
    // Operations without a group are methods on `Client` (their module is
    // `names::root_module`'s).
    if ops[0].group.is_empty() {
        return quote! {
            #![doc = " Operations without a tag: methods on [`Client`] itself."]
            #![allow(deprecated, clippy::too_many_arguments)]
            use crate::Client;

            impl Client {
                #(#methods)*
            }

            #(#builders)*
        };
    }
    let group_type = ident(&ops[0].group_type);
    let accessor = ident(group);
    let accessor_doc = format!(" Operations tagged `{group}`.");
    let get_it = format!(" Get it with [`Client::{group}`].");
    quote! {
        #![doc = #module_doc]
        // Operations still use deprecated types, and say so in their own docs;
        // required parameters are positional, however many the document has.
        #![allow(deprecated, clippy::too_many_arguments)]
        use crate::Client;

        impl Client {
            #[doc = #accessor_doc]
            pub fn #accessor(&self) -> #group_type<'_> {
                #group_type { client: self }
            }
        }

        #[doc = #accessor_doc]
        #[doc = ""]
        #[doc = #get_it]
        #[derive(Debug, Clone, Copy)]
        pub struct #group_type<'a> {
            client: &'a Client,
        }

        impl<'a> #group_type<'a> {
            #(#methods)*
        }

        #(#builders)*
    }
}

fn types_path() -> TokenStream {
    quote!(crate::types::)
}

fn response_type(op: &Operation) -> TokenStream {
    match &op.response {
        Response::Json(t) => rust_type(t, &types_path()),
        Response::Text { .. } => quote!(String),
        Response::Empty => quote!(()),
    }
}

fn method(api: &Api, op: &Operation) -> TokenStream {
    let mut extra = Vec::new();
    if !op.permissions.is_empty() {
        let list: Vec<String> = op.permissions.iter().map(|p| format!("`{p}`")).collect();
        extra.push(format!("**Required permissions:** {}.", list.join(", ")));
    }
    if op.pagination.is_some() {
        let b = &op.builder_type;
        extra.push(format!(
            "Paginated: awaiting the builder fetches one page. To walk all pages, call \
             [`items()`]({b}::items) on it, a `Stream` of every item that fetches pages as you \
             go, or [`collect_all()`]({b}::collect_all), every item in a `Vec`."
        ));
    }
    extra.push(format!(
        "`{} {}` (operation `{}`).",
        op.http_method, op.path, op.id
    ));
    let docs = doc_attrs(&op.docs, &extra);
    let deprecated = if op.docs.deprecated {
        let note = match op
            .replacement
            .as_ref()
            .and_then(|r| api.operations.iter().find(|o| &o.id == r))
        {
            Some(r) if r.group.is_empty() => format!("use `client.{}()` instead", r.method_name),
            Some(r) => format!("use `client.{}().{}()` instead", r.group, r.method_name),
            None => "deprecated in the API document".to_string(),
        };
        quote!(#[deprecated(note = #note)])
    } else {
        quote!()
    };
    let name = ident(&op.method_name);
    let builder = ident(&op.builder_type);
    let client = if op.group.is_empty() {
        quote!(self)
    } else {
        quote!(self.client)
    };
    let lifetime = handle_lifetime(op);

    let arguments = arguments(op);
    let args: Vec<&TokenStream> = arguments.iter().map(|a| &a.declaration).collect();
    let mut inits: Vec<TokenStream> = arguments.iter().map(|a| a.init.clone()).collect();
    for p in op.setters() {
        let n = ident(&p.name);
        inits.push(quote!(#n: None));
    }
    if op.body.as_ref().is_some_and(|b| !b.required) {
        inits.push(quote!(body: None));
    }
    inits.push(quote!(timeout: None));
    if op
        .pagination
        .as_ref()
        .is_some_and(|p| p.next_link.is_some())
    {
        inits.push(quote!(next_link: None));
    }
    quote! {
        #docs
        #deprecated
        pub fn #name(&self, #(#args),*) -> #builder<#lifetime> {
            #builder { client: #client, #(#inits),* }
        }
    }
}

/// The lifetime of the builder a method returns: the group handle's, or the
/// client's for untagged operations (methods on `Client` itself).
fn handle_lifetime(op: &Operation) -> TokenStream {
    if op.group.is_empty() {
        quote!('_)
    } else {
        quote!('a)
    }
}

/// One argument of an operation's method.
struct Argument {
    name: proc_macro2::Ident,
    /// `name: impl Into<T>`, or `body: T`.
    declaration: TokenStream,
    /// The builder field it fills.
    init: TokenStream,
}

/// The method's arguments, in order: [`positional`] parameters, then a
/// required body.
fn arguments(op: &Operation) -> Vec<Argument> {
    let mut out: Vec<Argument> = op
        .arguments()
        .into_iter()
        .map(|p| {
            let name = ident(&p.name);
            let t = rust_type(&p.ty, &types_path());
            Argument {
                declaration: quote!(#name: impl Into<#t>),
                init: quote!(#name: #name.into()),
                name,
            }
        })
        .collect();
    if let Some(b) = op.body.as_ref().filter(|b| b.required) {
        let t = rust_type(&b.ty, &types_path());
        out.push(Argument {
            name: ident("body"),
            declaration: quote!(body: #t),
            init: quote!(body),
        });
    }
    out
}

/// The method names the previous release had for `op`, kept one more release
/// as deprecated methods forwarding to the new one, so code calling them
/// still compiles (with a warning naming the new name).
fn forwarders(op: &Operation) -> TokenStream {
    let new = ident(&op.method_name);
    let builder = ident(&op.builder_type);
    let lifetime = handle_lifetime(op);
    let arguments = arguments(op);
    let declarations = arguments.iter().map(|a| &a.declaration);
    let names = arguments.iter().map(|a| &a.name);
    let doc = format!(
        " Renamed to [`{0}`](Self::{0}); this name goes away in the next release.",
        op.method_name
    );
    let note = format!("renamed to `{}`", op.method_name);
    let one = quote! {
        (&self, #(#declarations),*) -> #builder<#lifetime> {
            self.#new(#(#names),*)
        }
    };
    let forwarders = op.previous_names.iter().map(|old| {
        let old = ident(old);
        quote! {
            #[doc = #doc]
            #[deprecated(note = #note)]
            pub fn #old #one
        }
    });
    quote!(#(#forwarders)*)
}

fn builder(op: &Operation, tables: &super::rules::Tables<'_>) -> TokenStream {
    let name = ident(&op.builder_type);
    let group_method = if op.group.is_empty() {
        format!(
            " Request builder for [`Client::{}`](crate::Client::{}).",
            op.method_name, op.method_name
        )
    } else {
        format!(
            " Request builder for [`{}::{}`].",
            op.group_type, op.method_name
        )
    };
    let mut fields = vec![quote!(client: &'a Client)];
    let mut setters = Vec::new();
    for p in &op.params {
        let n = ident(&p.name);
        let t = rust_type(&p.ty, &types_path());
        if p.required {
            fields.push(quote!(#n: #t));
        } else {
            fields.push(quote!(#n: Option<#t>));
            let mut notes = Vec::new();
            if let Some(d) = &p.default {
                notes.push(format!("Server default: `{d}`."));
            }
            let mut docs = doc_attrs(&p.docs, &notes);
            if docs.is_empty() {
                let line = format!(
                    " Sets the `{}` {} parameter.",
                    p.wire_name,
                    location_word(p.location)
                );
                docs = quote!(#[doc = #line]);
            }
            setters.push(quote! {
                #docs
                pub fn #n(mut self, value: impl Into<#t>) -> Self {
                    self.#n = Some(value.into());
                    self
                }
            });
        }
    }
    if let Some(b) = &op.body {
        let t = rust_type(&b.ty, &types_path());
        if b.required {
            fields.push(quote!(body: #t));
        } else {
            fields.push(quote!(body: Option<#t>));
            setters.push(quote! {
                /// Sets the request body.
                pub fn body(mut self, value: impl Into<#t>) -> Self {
                    self.body = Some(value.into());
                    self
                }
            });
        }
    }
    fields.push(quote!(timeout: Option<std::time::Duration>));
    let follows_links = op
        .pagination
        .as_ref()
        .is_some_and(|p| p.next_link.is_some());
    if follows_links {
        fields.push(quote!(next_link: Option<String>));
    }
    setters.push(quote! {
        /// Limits this call, retries included, overriding the client's timeout.
        pub fn timeout(mut self, limit: std::time::Duration) -> Self {
            self.timeout = Some(limit);
            self
        }
    });

    let method = ident(&op.http_method);
    let id = &op.id;
    let path = &op.path;
    let mut steps = Vec::new();
    for p in &op.params {
        let n = ident(&p.name);
        let w = &p.wire_name;
        if let Some(rules) = tables.inline(&p.ty, &p.constraints) {
            steps.push(quote!(request.check_param(#w, &self.#n, #rules);));
        }
        steps.push(match p.location {
            ParamLocation::Path => quote!(request.path_param(#w, &self.#n);),
            ParamLocation::Query => quote!(request.query(#w, &self.#n);),
            ParamLocation::Header => quote!(request.header(#w, &self.#n);),
        });
    }
    if let Some(b) = &op.body {
        let ct = &b.content_type;
        let set = if b.kind == BodyKind::Json {
            match tables.inline(&b.ty, &crate::ir::Constraints::default()) {
                Some(rules) => quote!(request.json_checked(body, #rules);),
                None => quote!(request.json(body);),
            }
        } else {
            quote!(request.text_body(#ct, body);)
        };
        // An optional body that was not set is not sent at all (not as `null`).
        steps.push(if b.required {
            quote!(let body = &self.body; #set)
        } else {
            quote!(if let Some(body) = &self.body { #set })
        });
    }
    steps.push(quote!(request.timeout(self.timeout);));
    if follows_links {
        steps.push(quote! {
            if let Some(link) = &self.next_link {
                request.follow(link);
            }
        });
    }
    // Always written: the IR decided it (quirks), the runtime's default from
    // the method is for raw requests only.
    let safe = op.retry_safe;
    steps.push(quote!(request.retry_safe(#safe);));
    let (send, send_with_response) = match &op.response {
        Response::Json(_) => (quote!(send_json), quote!(send_json_with_response)),
        Response::Text { .. } => (quote!(send_text), quote!(send_text_with_response)),
        Response::Empty => (quote!(send_empty), quote!(send_empty_with_response)),
    };
    // Text and binary bodies (CSV exports) can be large: they can also be
    // streamed instead of buffered into one `String`.
    let streaming = if matches!(op.response, Response::Text { .. }) {
        quote! {
            /// Sends the request and returns the response body unread, as a stream of
            /// chunks, with the status, headers, request id and attempts. Retries end
            /// once the status arrives: a body that breaks off halfway is not requested again.
            pub async fn send_stream(self) -> crate::Result<crate::Response<crate::ByteStream>> {
                let request = self.request();
                self.client.inner.send_stream(request).await
            }

            /// Sends the request and copies the response body into `writer` as it
            /// arrives (a file, a socket, a `Vec<u8>`); returns the number of bytes written.
            pub async fn write_to<W: chili_runtime::AsyncWrite + Unpin + ?Sized>(self, writer: &mut W) -> crate::Result<u64> {
                self.send_stream().await?.value.write_to(writer).await
            }
        }
    } else {
        quote!()
    };
    let output = response_type(op);
    let paging = op
        .pagination
        .as_ref()
        .map(|p| paging(p, name.clone()))
        .unwrap_or_default();
    quote! {
        #[doc = #group_method]
        #[doc = ""]
        #[doc = " `.await` it, or call [`send`](Self::send)."]
        #[derive(Debug, Clone)]
        #[must_use = "a request does nothing until it is awaited or sent"]
        pub struct #name<'a> {
            #(#fields,)*
        }

        impl<'a> #name<'a> {
            #(#setters)*

            /// Sends the request and decodes the response.
            pub async fn send(self) -> crate::Result<#output> {
                let request = self.request();
                self.client.inner.#send(request).await
            }

            /// Sends the request and decodes the response, with the status, headers,
            /// request id and number of attempts, for callers that log or audit calls.
            pub async fn send_with_response(self) -> crate::Result<crate::Response<#output>> {
                let request = self.request();
                self.client.inner.#send_with_response(request).await
            }

            #streaming

            fn request(&self) -> chili_runtime::Request {
                let mut request = chili_runtime::Request::new(chili_runtime::Method::#method, #id, #path);
                #(#steps)*
                request
            }
        }

        #paging

        impl<'a> std::future::IntoFuture for #name<'a> {
            type Output = crate::Result<#output>;
            type IntoFuture = std::pin::Pin<Box<dyn std::future::Future<Output = Self::Output> + Send + 'a>>;

            fn into_future(self) -> Self::IntoFuture {
                Box::pin(self.send())
            }
        }
    }
}

fn location_word(l: ParamLocation) -> &'static str {
    match l {
        ParamLocation::Path => "path",
        ParamLocation::Query => "query",
        ParamLocation::Header => "header",
    }
}

/// `items()` and `collect_all()` on a paginated operation's builder.
fn paging(p: &Pagination, builder: proc_macro2::Ident) -> TokenStream {
    let item = rust_type(&p.item, &types_path());
    // The walk counts in i64; a page number typed i32 (decided in
    // `pagination`) is widened when read and narrowed when set.
    let narrow = p.page_type == TypeRef::I32;
    let widen = |value: TokenStream| {
        if narrow {
            quote!(i64::from(#value))
        } else {
            value
        }
    };
    let widen_option = |value: TokenStream| {
        if narrow {
            quote!(#value.map_or(0, i64::from))
        } else {
            quote!(#value.unwrap_or(0))
        }
    };
    let (first, set_page) = match &p.page {
        PageField::Query(name) => {
            let n = ident(name);
            (
                quote!(self.#n.map_or(0, i64::from)),
                quote!(request.#n = Some(number);),
            )
        }
        PageField::Body {
            path,
            optional,
            container: None,
        } => {
            let n = ident(&path[0]);
            if *optional {
                (
                    widen_option(quote!(self.body.#n)),
                    quote!(request.body.#n = Some(number);),
                )
            } else {
                (
                    widen(quote!(self.body.#n)),
                    quote!(request.body.#n = number;),
                )
            }
        }
        PageField::Body {
            path,
            optional,
            container: Some(container),
        } => {
            let outer = ident(&path[0]);
            let page_field = ident(&path[1]);
            let size_field = match &p.page_size {
                Some(PageField::Body { path, .. }) => ident(&path[1]),
                _ => ident("page_size"),
            };
            let container = ident(container);
            // Unsuffixed: the size field is i32 or i64.
            let default_size = proc_macro2::Literal::i64_unsuffixed(DEFAULT_PAGE_SIZE);
            let page = widen(quote!(p.#page_field));
            if *optional {
                (
                    quote!(self.body.#outer.as_ref().map_or(0, |p| #page)),
                    quote! {
                        let size = request.body.#outer.as_ref().map_or(#default_size, |p| p.#size_field);
                        request.body.#outer = Some(crate::types::#container { #page_field: number, #size_field: size });
                    },
                )
            } else {
                (
                    widen(quote!(self.body.#outer.#page_field)),
                    quote!(request.body.#outer.#page_field = number;),
                )
            }
        }
    };
    let items = ident(&p.items);
    let items_expr = match (&p.item, p.items_optional) {
        (TypeRef::Json, _) => quote!(chili_runtime::paginate::json_items(response.#items)),
        (_, true) => quote!(response.#items.unwrap_or_default()),
        (_, false) => quote!(response.#items),
    };
    let count = |field: &Option<String>| match field {
        Some(f) => {
            let f = ident(f);
            quote!(chili_runtime::paginate::Count::count(response.#f))
        }
        None => quote!(None),
    };
    let total = count(&p.total);
    let page_size = count(&p.echoed_page_size);
    let has_more = match &p.has_more {
        Some(f) => {
            let f = ident(f);
            quote!(chili_runtime::paginate::Flag::flag(response.#f))
        }
        None => quote!(None),
    };
    let next = match &p.next_link {
        Some(f) => {
            let f = ident(f);
            quote!(chili_runtime::paginate::Link::link(response.#f))
        }
        None => quote!(None),
    };
    let convert = if narrow {
        quote!(let number = i32::try_from(number).unwrap_or(i32::MAX);)
    } else {
        quote!()
    };
    let choose_page = if p.next_link.is_some() {
        quote! {
            match cursor {
                chili_runtime::paginate::Cursor::Number(number) => {
                    #convert
                    #set_page
                }
                chili_runtime::paginate::Cursor::Link(link) => request.next_link = Some(link),
            }
        }
    } else {
        // Without a link field in the response, the walk only asks by number.
        quote! {
            if let chili_runtime::paginate::Cursor::Number(number) = cursor {
                #convert
                #set_page
            }
        }
    };
    let doc = format!(
        " Walks every `{}` of every page, starting at the page set on this request (default 0) and fetching each next page only when the stream reaches it.",
        p.items
    );
    quote! {
        impl<'a> #builder<'a> {
            #[doc = #doc]
            ///
            /// The walk ends after an empty page, at the total the API reports, or
            /// when the API says no more pages follow. A page that fails ends the
            /// stream with that error; items already yielded stay yielded. Set the
            /// page size on the request to choose how many items each call fetches.
            pub fn items(self) -> impl chili_runtime::Stream<Item = crate::Result<#item>> + Send + 'a {
                let first = #first;
                chili_runtime::paginate::walk(first, move |cursor| {
                    let mut request = self.clone();
                    #choose_page
                    async move {
                        let response = request.send().await?;
                        Ok(chili_runtime::paginate::Page {
                            items: #items_expr,
                            total: #total,
                            has_more: #has_more,
                            page_size: #page_size,
                            next: #next,
                        })
                    }
                })
            }

            /// Fetches every page and returns all items, or the first error.
            pub async fn collect_all(self) -> crate::Result<Vec<#item>> {
                chili_runtime::paginate::collect(self.items()).await
            }
        }
    }
}
