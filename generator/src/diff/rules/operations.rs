//! Rules for operations: parameters, bodies, responses, and what the client does on its own.

use super::super::*;
use super::limits::{classify_limits, limit_changes};
use crate::ir::{AuthOption, Body, PageField, Pagination, Param};

impl<'a> Differ<'a> {
    pub(crate) fn operations(&mut self) {
        for o in self.removed_ops.clone() {
            let mut reason = format!("Code calling {} no longer compiles.", code(&call(o)));
            if o.docs.deprecated {
                reason.push_str(" It was deprecated");
                match &o.replacement {
                    Some(r) => reason.push_str(&format!(" in favour of {}.", code(r))),
                    None => reason.push('.'),
                }
            }
            self.push(
                Severity::Breaking,
                Area::Operation,
                &o.id,
                format!(
                    "removed ({} {}, {})",
                    o.http_method,
                    code(&o.path),
                    code(&call(o))
                ),
                reason,
            );
        }
        for n in self.added_ops.clone() {
            let mut what = format!(
                "new operation {} {}: {}",
                n.http_method,
                code(&n.path),
                code(&call(n))
            );
            if n.docs.deprecated {
                what.push_str(" (deprecated)");
            }
            self.push(
                Severity::Compatible,
                Area::Operation,
                &n.id,
                what,
                "Existing code is unaffected.",
            );
        }
        for (o, n) in self.op_pairs.clone() {
            self.operation(o, n);
        }
    }

    pub(crate) fn operation(&mut self, o: &'a Operation, n: &'a Operation) {
        let id = n.id.clone();
        let op = Area::Operation;
        if o.id != n.id {
            self.push(
                Severity::Compatible,
                op,
                &id,
                format!("operation id {} → {}", code(&o.id), code(&n.id)),
                "Same endpoint; the id appears in documentation only.",
            );
        }
        // A rename with a deprecated forwarder (method) or alias (builder
        // type) left behind for one release does not break existing code.
        let builder_kept =
            o.builder_type == n.builder_type || n.previous_builders.contains(&o.builder_type);
        if call(o) != call(n) {
            let forwarded = o.group == n.group && n.previous_names.contains(&o.method_name);
            let (severity, reason) = if forwarded && builder_kept {
                (Severity::Compatible, format!("{} stays for one release as a deprecated method forwarding to the new one: existing code compiles, with a warning.", code(&call(o))))
            } else {
                (Severity::Breaking, format!("Code calling the old method no longer compiles (its builder type is now {}).", code(&n.builder_type)))
            };
            self.push(
                severity,
                op,
                &id,
                format!("method {} renamed to {}", code(&call(o)), code(&call(n))),
                reason,
            );
        } else if o.builder_type != n.builder_type {
            let (severity, reason) = if builder_kept {
                (Severity::Compatible, format!("{} stays for one release as a deprecated alias: existing code compiles, with a warning.", code(&o.builder_type)))
            } else {
                (
                    Severity::Breaking,
                    "Code naming the builder type no longer compiles.".to_string(),
                )
            };
            self.push(
                severity,
                op,
                &id,
                format!(
                    "request builder type {} renamed to {}",
                    code(&o.builder_type),
                    code(&n.builder_type)
                ),
                reason,
            );
        }
        for old in dropped(&o.previous_names, &n.previous_names, &n.method_name) {
            self.push(
                Severity::Breaking,
                op,
                &id,
                format!("deprecated method {} removed", code(&call_named(o, old))),
                format!("It forwarded to {} for one release after a rename; code still calling it no longer compiles.", code(&call(n))),
            );
        }
        for old in dropped(&o.previous_builders, &n.previous_builders, &n.builder_type) {
            self.push(
                Severity::Breaking,
                op,
                &id,
                format!("deprecated builder alias {} removed", code(old)),
                format!("It stood for {} for one release after a rename; code still naming it no longer compiles.", code(&n.builder_type)),
            );
        }
        if o.http_method != n.http_method || path_shape(&o.path) != path_shape(&n.path) {
            self.push(
                Severity::Breaking,
                op,
                &id,
                format!("endpoint {} {} → {} {}", o.http_method, code(&o.path), n.http_method, code(&n.path)),
                "Older versions of the crate call the old endpoint, which the server may no longer serve.",
            );
        }
        match (o.docs.deprecated, n.docs.deprecated) {
            (false, true) => {
                let what = match &n.replacement {
                    Some(r) => format!("deprecated, use {} instead", code(r)),
                    None => "deprecated".to_string(),
                };
                self.push(
                    Severity::Compatible,
                    op,
                    &id,
                    what,
                    "Still works; calling it now warns (`#[deprecated]`).",
                );
            }
            (true, false) => self.push(
                Severity::Compatible,
                op,
                &id,
                "no longer deprecated",
                "Existing code is unaffected.",
            ),
            _ => {}
        }
        for p in n.permissions.iter().filter(|p| !o.permissions.contains(p)) {
            self.push(
                Severity::Breaking,
                op,
                &id,
                format!("now requires permission {}", code(p)),
                "API keys without it get 403 Forbidden where calls used to succeed.",
            );
        }
        for p in o.permissions.iter().filter(|p| !n.permissions.contains(p)) {
            self.push(
                Severity::Compatible,
                op,
                &id,
                format!("no longer requires permission {}", code(p)),
                "Keys that had it still work.",
            );
        }
        self.behaviour(&id, o, n);
        self.params(&id, n, &o.params, &n.params);
        // Required parameters are positional arguments: a new order among the
        // ones both versions have breaks calls, silently when the types agree.
        let (oa, na) = (arguments(o), arguments(n));
        let common_old: Vec<&String> = oa.iter().filter(|a| na.contains(a)).collect();
        let common_new: Vec<&String> = na.iter().filter(|a| oa.contains(a)).collect();
        if common_old != common_new {
            let show =
                |list: &[&String]| list.iter().map(|a| code(a)).collect::<Vec<_>>().join(", ");
            self.push(
                Severity::Breaking,
                op,
                &id,
                format!("arguments reordered: ({}) → ({})", show(&common_old), show(&common_new)),
                format!("Existing calls of {} pass them in the old order, which may still compile with the values swapped.", code(&call(n))),
            );
        }
        self.body(&id, n, o.body.as_ref(), n.body.as_ref());
        self.response(&id, &o.response, &n.response);
        let param_docs = o.params.iter().any(|p| {
            n.params.iter().any(|q| {
                q.wire_name == p.wire_name
                    && q.location == p.location
                    && docs_text(&q.docs) != docs_text(&p.docs)
            })
        });
        if docs_text(&o.docs) != docs_text(&n.docs) || param_docs {
            self.push(
                Severity::Compatible,
                op,
                &id,
                "documentation changed",
                "Documentation only.",
            );
        }
    }

    /// What the client does on its own for a call, beyond its signature:
    /// retries, page walks, authentication, the replacement it points to.
    pub(crate) fn behaviour(&mut self, id: &str, o: &Operation, n: &Operation) {
        let op = Area::Operation;
        let subject = format!("{} {}", n.http_method, code(id));
        if o.retry_safe && !n.retry_safe {
            self.push(
                Severity::Breaking,
                op,
                id,
                format!("{subject} is no longer retried on timeouts, resets and 408/429/502/503/504: {} (before, {})", n.retry_basis, o.retry_basis),
                "Calls that used to survive a transient failure now return it as an error; retry them yourself where repeating the call is safe.",
            );
        } else if !o.retry_safe && n.retry_safe {
            self.push(
                Severity::Compatible,
                op,
                id,
                format!("{subject} is now retried on timeouts, resets and 408/429/502/503/504: {} (before, {})", n.retry_basis, o.retry_basis),
                "Transient failures are retried with backoff within the client's retry policy; results are unchanged.",
            );
        } else if o.retry_basis != n.retry_basis {
            let still = if n.retry_safe {
                "still retried"
            } else {
                "still not retried"
            };
            self.push(
                Severity::Compatible,
                op,
                id,
                format!(
                    "{subject} is {still}, now because {} (before, {})",
                    n.retry_basis, o.retry_basis
                ),
                "The client behaves as before; the document states it differently.",
            );
        }
        match (&o.pagination, &n.pagination) {
            (None, None) => {}
            (None, Some(p)) => self.push(
                Severity::Compatible,
                op,
                id,
                format!(
                    "now paginated: `items()` and `collect_all()` walk every page of {}",
                    code(&p.items)
                ),
                "New methods on the request builder; existing calls are unaffected.",
            ),
            (Some(p), None) => self.push(
                Severity::Breaking,
                op,
                id,
                format!(
                    "no longer paginated: `items()` and `collect_all()` removed (they walked {})",
                    code(&p.items)
                ),
                "Code walking the pages with them no longer compiles.",
            ),
            (Some(a), Some(b)) => {
                if !self.same_ref(&a.item, &b.item) {
                    self.push(
                        Severity::Breaking,
                        op,
                        id,
                        format!("page items are now {} instead of {}", code(&rust(&b.item)), code(&rust(&self.translate(&a.item)))),
                        "Code consuming `items()` or `collect_all()` as the old type no longer compiles.",
                    );
                }
                let (wa, wb) = (walk(a), walk(b));
                if wa != wb {
                    self.push(
                        Severity::Compatible,
                        op,
                        id,
                        format!("page walk changed: {wa} → {wb}"),
                        "`items()` and `collect_all()` keep their signatures; they now read the pages as the document describes them.",
                    );
                }
            }
        }
        if o.auth != n.auth {
            let (could, can) = (
                o.auth.is_empty() || o.auth.iter().any(usable),
                n.auth.is_empty() || n.auth.iter().any(usable),
            );
            let what = format!(
                "authentication {} → {}",
                auth_text(&o.auth),
                auth_text(&n.auth)
            );
            if could && !can {
                self.push(
                    Severity::Breaking,
                    op,
                    id,
                    what,
                    "The client authenticates with `Authorization: Bearer <token>` only, which the document no longer accepts for this call.",
                );
            } else {
                self.push(Severity::Compatible, op, id, what, "The `Authorization: Bearer <token>` header the client sends on every call still satisfies it.");
            }
        }
        if o.json_content_type != n.json_content_type
            && matches!(
                (&o.response, &n.response),
                (Response::Json(_), Response::Json(_))
            )
        {
            let show = |t: &Option<String>| code(t.as_deref().unwrap_or("application/json"));
            self.push(
                Severity::Compatible,
                op,
                id,
                format!("response media type {} → {}", show(&o.json_content_type), show(&n.json_content_type)),
                "Still decoded as JSON; the client asks for `application/json` (a server that negotiates strictly could refuse it).",
            );
        }
        if o.docs.deprecated && n.docs.deprecated && o.replacement != n.replacement {
            let show = |r: &Option<String>| r.as_deref().map_or("none".to_string(), code);
            self.push(
                Severity::Compatible,
                op,
                id,
                format!(
                    "replacement {} → {}",
                    show(&o.replacement),
                    show(&n.replacement)
                ),
                "The deprecation note names the new replacement; the call still works.",
            );
        }
    }

    pub(crate) fn params(
        &mut self,
        id: &str,
        n_op: &Operation,
        old: &'a [Param],
        new: &'a [Param],
    ) {
        let area = Area::Operation;
        let method = code(&call(n_op));
        let find = |list: &'a [Param], p: &Param| {
            list.iter()
                .find(|q| q.location == p.location && q.wire_name == p.wire_name)
        };
        for p in old {
            if find(new, p).is_none() {
                let how = if p.required {
                    "argument"
                } else {
                    "builder method"
                };
                self.push(
                    Severity::Breaking,
                    area,
                    id,
                    format!("{} parameter {} removed", location(p.location), code(&p.wire_name)),
                    format!("The {how} {} of {method} no longer exists; code passing it no longer compiles.", code(&p.name)),
                );
            }
        }
        for p in new {
            let Some(q) = find(old, p) else {
                if p.required {
                    self.push(
                        Severity::Breaking,
                        area,
                        id,
                        format!(
                            "new required {} parameter {}: {}",
                            location(p.location),
                            code(&p.wire_name),
                            code(&rust(&p.ty))
                        ),
                        format!(
                            "{method} takes a new argument {}; existing calls no longer compile.",
                            code(&p.name)
                        ),
                    );
                } else {
                    self.push(
                        Severity::Compatible,
                        area,
                        id,
                        format!(
                            "new optional {} parameter {}: {}",
                            location(p.location),
                            code(&p.wire_name),
                            code(&rust(&p.ty))
                        ),
                        format!(
                            "A new builder method {}; existing calls are unaffected.",
                            code(&p.name)
                        ),
                    );
                }
                continue;
            };
            let what = |s: &str| {
                format!(
                    "{} parameter {} {s}",
                    location(p.location),
                    code(&p.wire_name)
                )
            };
            if q.name != p.name {
                self.push(
                    Severity::Breaking,
                    area,
                    id,
                    what(&format!(
                        "renamed in Rust from {} to {}",
                        code(&q.name),
                        code(&p.name)
                    )),
                    "Code naming it (as a builder method) no longer compiles.",
                );
            }
            match (q.required, p.required) {
                (false, true) => self.push(
                    Severity::Breaking,
                    area,
                    id,
                    what("now required"),
                    format!("The server rejects calls without it, and it moves from a builder method to an argument of {method}."),
                ),
                (true, false) => self.push(
                    Severity::Breaking,
                    area,
                    id,
                    what("now optional"),
                    format!("Compatible on the wire, but it moves from an argument of {method} to a builder method, so existing calls no longer compile."),
                ),
                _ => {}
            }
            if !self.same_ref(&q.ty, &p.ty) {
                self.push(
                    Severity::Breaking,
                    area,
                    id,
                    what(&format!(
                        "retyped from {} to {}",
                        code(&rust(&q.ty)),
                        code(&rust(&p.ty))
                    )),
                    "Code passing a value of the old type no longer compiles.",
                );
            }
            let limits = limit_changes(&q.constraints, &p.constraints);
            if !limits.is_empty() {
                let (severity, reason) = classify_limits(
                    &limits,
                    Dir {
                        request: true,
                        response: false,
                    },
                );
                let texts: Vec<&str> = limits.iter().map(|l| l.text.as_str()).collect();
                self.push(
                    severity,
                    area,
                    id,
                    what(&format!("limits changed: {}", texts.join(", "))),
                    reason,
                );
            }
            if q.default != p.default {
                let show = |d: &Option<serde_json::Value>| {
                    d.as_ref()
                        .map_or("none".to_string(), |v| code(&v.to_string()))
                };
                self.push(
                    Severity::Compatible,
                    area,
                    id,
                    what(&format!(
                        "default {} → {}",
                        show(&q.default),
                        show(&p.default)
                    )),
                    "Calls that leave it unset get the server's new default.",
                );
            }
            match (q.docs.deprecated, p.docs.deprecated) {
                (false, true) => self.push(
                    Severity::Compatible,
                    area,
                    id,
                    what("deprecated"),
                    "Still accepted.",
                ),
                (true, false) => self.push(
                    Severity::Compatible,
                    area,
                    id,
                    what("no longer deprecated"),
                    "Existing code is unaffected.",
                ),
                _ => {}
            }
        }
    }

    pub(crate) fn body(
        &mut self,
        id: &str,
        n_op: &Operation,
        old: Option<&Body>,
        new: Option<&Body>,
    ) {
        let area = Area::Operation;
        let method = code(&call(n_op));
        match (old, new) {
            (None, None) => {}
            (Some(b), None) => self.push(
                Severity::Breaking,
                area,
                id,
                format!("request body {} removed", code(&rust(&b.ty))),
                format!("{method} no longer takes a body; code passing one no longer compiles."),
            ),
            (None, Some(b)) if b.required => self.push(
                Severity::Breaking,
                area,
                id,
                format!("new required request body {}", code(&rust(&b.ty))),
                format!("{method} takes a new argument; existing calls no longer compile."),
            ),
            (None, Some(b)) => self.push(
                Severity::Compatible,
                area,
                id,
                format!("new optional request body {}", code(&rust(&b.ty))),
                "Set through the builder; existing calls are unaffected.",
            ),
            (Some(o), Some(n)) => {
                if o.required != n.required {
                    let what = if n.required {
                        "request body now required"
                    } else {
                        "request body now optional"
                    };
                    self.push(
                        Severity::Breaking,
                        area,
                        id,
                        what,
                        format!("The body moves between an argument of {method} and a builder method; existing calls no longer compile."),
                    );
                }
                if !self.same_ref(&o.ty, &n.ty) {
                    self.push(
                        Severity::Breaking,
                        area,
                        id,
                        format!(
                            "request body retyped from {} to {}",
                            code(&rust(&o.ty)),
                            code(&rust(&n.ty))
                        ),
                        "Code passing the old type no longer compiles.",
                    );
                }
                if o.content_type != n.content_type {
                    self.push(
                        Severity::Breaking,
                        area,
                        id,
                        format!("request content type {} → {}", code(&o.content_type), code(&n.content_type)),
                        "Older versions of the crate send the old content type, which the server may reject.",
                    );
                }
            }
        }
    }

    pub(crate) fn response(&mut self, id: &str, old: &Response, new: &Response) {
        let shown = |r: &Response| match r {
            Response::Json(t) => rust(t),
            Response::Text { .. } => "String".to_string(),
            Response::Empty => "()".to_string(),
        };
        let same = match (old, new) {
            (Response::Json(a), Response::Json(b)) => self.same_ref(a, b),
            (Response::Text { content_type: a }, Response::Text { content_type: b }) => {
                if a != b {
                    self.push(
                        Severity::Compatible,
                        Area::Operation,
                        id,
                        format!("response content type {} → {}", code(a), code(b)),
                        "Still returned as a `String`.",
                    );
                }
                true
            }
            (Response::Empty, Response::Empty) => true,
            _ => false,
        };
        if !same {
            self.push(
                Severity::Breaking,
                Area::Operation,
                id,
                format!(
                    "returns {} instead of {}",
                    code(&shown(new)),
                    code(&shown(old))
                ),
                "Code using the result as the old type no longer compiles.",
            );
        }
    }

    // -----------------------------------------------------------------------
    // Types
}

/// How a page walk reads the pages, in words: where the page number and size
/// go, and what ends the walk.
fn walk(p: &Pagination) -> String {
    let place = |f: &PageField| match f {
        PageField::Query(name) => format!("query {}", code(name)),
        PageField::Body { path, .. } => format!("body {}", code(&path.join("."))),
    };
    let mut text = format!("page in {}", place(&p.page));
    if let Some(size) = &p.page_size {
        text.push_str(&format!(", size in {}", place(size)));
    }
    let ends: Vec<String> = [
        ("total", &p.total),
        ("has-more flag", &p.has_more),
        ("next link", &p.next_link),
        ("echoed page size", &p.echoed_page_size),
    ]
    .into_iter()
    .filter_map(|(what, field)| field.as_ref().map(|f| format!("{what} {}", code(f))))
    .collect();
    if ends.is_empty() {
        text.push_str(", ends at an empty page");
    } else {
        text.push_str(&format!(", ends by {}", ends.join(", ")));
    }
    text
}

/// Whether the client's bearer token satisfies an authentication option
/// (anonymous access counts).
fn usable(a: &AuthOption) -> bool {
    a.bearer || a.schemes.is_empty()
}

/// Authentication options in words: `` `apiKeyAuth` ``, `none`, `` `a` + `b` or `c` ``.
fn auth_text(options: &[AuthOption]) -> String {
    if options.is_empty() {
        return "none".to_string();
    }
    options
        .iter()
        .map(|a| {
            if a.schemes.is_empty() {
                "anonymous".to_string()
            } else {
                a.schemes
                    .iter()
                    .map(|s| code(s))
                    .collect::<Vec<_>>()
                    .join(" + ")
            }
        })
        .collect::<Vec<_>>()
        .join(" or ")
}

/// The wire names of an operation's positional arguments, in order.
fn arguments(op: &Operation) -> Vec<String> {
    op.arguments()
        .into_iter()
        .map(|p| p.wire_name.clone())
        .collect()
}
