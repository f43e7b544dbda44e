//! Rules for types: structs and their fields, enums, unions, newtypes.

use super::super::*;
use super::limits::{classify_limits, limit_changes};

impl<'a> Differ<'a> {
    pub(crate) fn types(&mut self) {
        let removed: Vec<&TypeDef> = self
            .old_types
            .iter()
            .filter(|(n, _)| !self.fwd.contains_key(**n))
            .map(|(_, d)| *d)
            .collect();
        for def in removed {
            self.push(
                Severity::Breaking,
                Area::Type,
                &def.name,
                format!("{} removed", kind_name(&def.kind)),
                format!("Code naming {} no longer compiles.", code(&def.name)),
            );
        }
        let added: Vec<&TypeDef> = self
            .new_types
            .iter()
            .filter(|(n, _)| !self.back.contains_key(**n))
            .map(|(_, d)| *d)
            .collect();
        for def in added {
            self.push(
                Severity::Compatible,
                Area::Type,
                &def.name,
                format!("new {}", kind_name(&def.kind)),
                "Existing code is unaffected.",
            );
        }
        let pairs: Vec<(String, String)> = self
            .fwd
            .iter()
            .map(|(a, b)| (a.clone(), b.clone()))
            .collect();
        for (a, b) in pairs {
            let (o, n) = (self.old_types[a.as_str()], self.new_types[b.as_str()]);
            self.type_pair(o, n);
        }
    }

    pub(crate) fn type_pair(&mut self, o: &TypeDef, n: &TypeDef) {
        let subject = n.name.clone();
        let area = Area::Type;
        let dir = self.dir_of(&o.name, &n.name);
        if o.name != n.name {
            let (severity, reason) = match (&o.schema, &n.schema) {
                _ if n.previous_names.contains(&o.name) => (
                    Severity::Compatible,
                    format!("{} stays for one release as a deprecated alias: existing code compiles, with a warning.", code(&o.name)),
                ),
                (Some(a), Some(b)) if a != b => (Severity::Breaking, format!("Upstream renamed the schema {} to {}; code naming {} no longer compiles.", code(a), code(b), code(&o.name))),
                _ => (Severity::Breaking, format!("Code naming {} no longer compiles.", code(&o.name))),
            };
            self.push(
                severity,
                area,
                &subject,
                format!("Rust type renamed from {}", code(&o.name)),
                reason,
            );
        }
        for old in dropped(&o.previous_names, &n.previous_names, &n.name) {
            self.push(
                Severity::Breaking,
                area,
                &subject,
                format!("deprecated alias {} removed", code(old)),
                format!("It stood for {} for one release after a rename; code still naming it no longer compiles.", code(&n.name)),
            );
        }
        match (o.docs.deprecated, n.docs.deprecated) {
            (false, true) => self.push(
                Severity::Compatible,
                area,
                &subject,
                "deprecated",
                "Still works; using it now warns (`#[deprecated]`).",
            ),
            (true, false) => self.push(
                Severity::Compatible,
                area,
                &subject,
                "no longer deprecated",
                "Existing code is unaffected.",
            ),
            _ => {}
        }
        let mut doc_fields: Vec<String> = Vec::new();
        match (&o.kind, &n.kind) {
            (
                TypeKind::Struct {
                    fields: of,
                    extra: oe,
                },
                TypeKind::Struct {
                    fields: nf,
                    extra: ne,
                },
            ) => {
                self.fields(&subject, dir, of, nf, &mut doc_fields);
                self.extra(&subject, dir, oe.as_ref(), ne.as_ref());
            }
            (TypeKind::Enum { values: ov }, TypeKind::Enum { values: nv }) => {
                for v in ov {
                    match nv.iter().find(|w| w.wire == v.wire) {
                        None => {
                            let why = if dir.request {
                                " The server no longer accepts it"
                            } else {
                                " The server no longer sends it"
                            };
                            self.push(
                                Severity::Breaking,
                                area,
                                &subject,
                                format!("value {} removed", code(&v.wire)),
                                format!("The variant {} no longer exists; code naming it no longer compiles.{why}.", code(&format!("{}::{}", n.name, v.name))),
                            );
                        }
                        Some(w) if w.name != v.name => self.push(
                            Severity::Breaking,
                            area,
                            &subject,
                            format!(
                                "variant for {} renamed from {} to {}",
                                code(&v.wire),
                                code(&v.name),
                                code(&w.name)
                            ),
                            "Code naming the old variant no longer compiles.",
                        ),
                        Some(_) => {}
                    }
                }
                for (i, w) in nv
                    .iter()
                    .enumerate()
                    .filter(|(_, w)| !ov.iter().any(|v| v.wire == w.wire))
                {
                    let mut reason = if dir.response {
                        "The enum is open and `#[non_exhaustive]`: older versions decode it as `Unknown`, and matches already need a wildcard arm.".to_string()
                    } else {
                        "A new value to send; existing code is unaffected (the enum is `#[non_exhaustive]`).".to_string()
                    };
                    // The derived `Ord` follows declaration order (cargo-semver-checks
                    // warns that the variants after it moved).
                    if let Some(next) = nv.get(i + 1) {
                        reason.push_str(&format!(
                            " It is declared before {}, so sorting places it there.",
                            code(&next.name)
                        ));
                    }
                    self.push(
                        Severity::Compatible,
                        area,
                        &subject,
                        format!("new value {}", code(&w.wire)),
                        reason,
                    );
                }
                let (before, after) = (
                    common_order(ov, nv, |v| &v.wire),
                    common_order(nv, ov, |v| &v.wire),
                );
                if before != after {
                    self.push(
                        Severity::Compatible,
                        area,
                        &subject,
                        format!("values reordered: {} → {}", before.join(", "), after.join(", ")),
                        "Matches and the wire are unaffected, but the derived `Ord` follows declaration order, so sorting these values changes.",
                    );
                }
            }
            (
                TypeKind::Union {
                    tag: ot,
                    variants: ov,
                },
                TypeKind::Union {
                    tag: nt,
                    variants: nv,
                },
            ) => self.union(&subject, dir, ot, ov, nt, nv, &mut doc_fields),
            (
                TypeKind::Newtype {
                    inner: oi,
                    constraints: oc,
                },
                TypeKind::Newtype {
                    inner: ni,
                    constraints: nc,
                },
            ) => {
                if !self.same_ref(oi, ni) {
                    self.push(
                        Severity::Breaking,
                        area,
                        &subject,
                        format!(
                            "now wraps {} instead of {}",
                            code(&rust(ni)),
                            code(&rust(oi))
                        ),
                        "Code building or reading the inner value no longer compiles.",
                    );
                }
                let limits = limit_changes(oc, nc);
                if !limits.is_empty() {
                    let (severity, reason) = classify_limits(&limits, dir);
                    let texts: Vec<&str> = limits.iter().map(|l| l.text.as_str()).collect();
                    self.push(
                        severity,
                        area,
                        &subject,
                        format!("limits changed: {}", texts.join(", ")),
                        reason,
                    );
                }
            }
            (ok, nk) => self.push(
                Severity::Breaking,
                area,
                &subject,
                format!("changed from a {} to a {}", kind_name(ok), kind_name(nk)),
                "Its Rust shape changed; code using it no longer compiles.",
            ),
        }
        let type_docs = docs_text(&o.docs) != docs_text(&n.docs);
        if type_docs || !doc_fields.is_empty() {
            let what = match (type_docs, doc_fields.is_empty()) {
                (_, true) => "documentation changed".to_string(),
                (false, false) => format!("documentation of {} changed", doc_fields.join(", ")),
                (true, false) => format!(
                    "documentation of the type and of {} changed",
                    doc_fields.join(", ")
                ),
            };
            self.push(
                Severity::Compatible,
                area,
                &subject,
                what,
                "Documentation only.",
            );
        }
    }

    pub(crate) fn fields(
        &mut self,
        owner: &str,
        dir: Dir,
        old: &[Field],
        new: &[Field],
        doc_fields: &mut Vec<String>,
    ) {
        let area = Area::Type;
        for f in old
            .iter()
            .filter(|f| !new.iter().any(|g| g.wire_name == f.wire_name))
        {
            let subject = format!("{owner}.{}", f.name);
            if self
                .new_tags
                .get(owner)
                .is_some_and(|tags| tags.contains(&f.wire_name))
            {
                self.push(
                    Severity::Breaking,
                    area,
                    subject,
                    format!("field {} removed", code(&f.wire_name)),
                    "The type is now a union variant whose tag carries it (the wire is unchanged); code reading or setting the field no longer compiles.",
                );
                continue;
            }
            let reason = match (dir.request, dir.response) {
                (true, true) => "Code reading or setting it no longer compiles; the server neither sends nor reads it.",
                (true, false) => "Code setting it no longer compiles; the server no longer reads it.",
                _ => "Code reading it no longer compiles; the server no longer sends it.",
            };
            self.push(
                Severity::Breaking,
                area,
                subject,
                format!("field {} removed", code(&f.wire_name)),
                reason,
            );
        }
        for g in new {
            let subject = format!("{owner}.{}", g.name);
            let Some(f) = old.iter().find(|f| f.wire_name == g.wire_name) else {
                let what = format!(
                    "new {} field {}: {}",
                    if g.required { "required" } else { "optional" },
                    code(&g.wire_name),
                    code(&field_rust(g))
                );
                if dir.request && g.required {
                    self.push(
                        Severity::Breaking,
                        area,
                        subject,
                        what,
                        format!(
                            "{} is sent in requests: the server now requires the field, and {} takes it as a new argument, so existing calls no longer compile.",
                            code(owner),
                            code(&format!("{owner}::new"))
                        ),
                    );
                } else if g.required {
                    self.push(
                        Severity::Breaking,
                        area,
                        subject,
                        what,
                        format!(
                            "Only in responses, so the wire is compatible (older versions ignore it), but {} takes it as a new argument: code that builds {} (tests, mocks) no longer compiles.",
                            code(&format!("{owner}::new")),
                            code(owner)
                        ),
                    );
                } else if dir.request {
                    self.push(
                        Severity::Compatible,
                        area,
                        subject,
                        what,
                        format!(
                            "{} is sent in requests, but structs are `#[non_exhaustive]` and built with `new(required...)`: existing code compiles unchanged and leaves the field unset.",
                            code(owner)
                        ),
                    );
                } else {
                    self.push(Severity::Compatible, area, subject, what, "Only in responses: older versions ignore it, and existing code is unaffected.");
                }
                continue;
            };
            self.field(owner, &subject, dir, f, g);
            if docs_text(&f.docs) != docs_text(&g.docs) {
                doc_fields.push(code(&g.name));
            }
        }
        // Required fields are the arguments of `new`, in field order: a new
        // order among the ones both versions have breaks calls, silently when
        // the types agree.
        let arguments = |list: &[Field], other: &[Field]| -> Vec<String> {
            list.iter()
                .filter(|f| {
                    f.required
                        && other
                            .iter()
                            .any(|g| g.required && g.wire_name == f.wire_name)
                })
                .map(|f| f.name.clone())
                .collect()
        };
        let (before, after) = (arguments(old, new), arguments(new, old));
        if before != after {
            let show =
                |list: &[String]| list.iter().map(|a| code(a)).collect::<Vec<_>>().join(", ");
            self.push(
                Severity::Breaking,
                area,
                owner,
                format!("arguments of {} reordered: ({}) → ({})", code(&format!("{owner}::new")), show(&before), show(&after)),
                "Existing calls pass them in the old order, which may still compile with the values swapped.",
            );
        }
    }

    pub(crate) fn field(&mut self, owner: &str, subject: &str, dir: Dir, f: &Field, g: &Field) {
        let area = Area::Type;
        let wire = code(&g.wire_name);
        let new_fn = code(&format!("{owner}::new"));
        // Required fields are arguments of `new`: requiredness changes its arity.
        let arity = match (f.required, g.required) {
            (false, true) => format!(
                " {new_fn} takes it as a new argument, so code that builds {} no longer compiles.",
                code(owner)
            ),
            (true, false) => format!(
                " {new_fn} no longer takes it, so code that builds {} no longer compiles.",
                code(owner)
            ),
            _ => String::new(),
        };
        if f.name != g.name {
            self.push(
                Severity::Breaking,
                area,
                subject,
                format!(
                    "field {wire} renamed in Rust from {} to {}",
                    code(&f.name),
                    code(&g.name)
                ),
                "Code using the old field name no longer compiles.",
            );
        }
        let (old_rust, new_rust) = (field_rust(f), field_rust(g));
        let inner_same =
            self.same_ref(strip_nullable(&f.ty), strip_nullable(&g.ty)) && f.boxed == g.boxed;
        let old_opt = !f.required || matches!(f.ty, TypeRef::Nullable(_));
        let new_opt = !g.required || matches!(g.ty, TypeRef::Nullable(_));
        if !inner_same {
            self.push(
                Severity::Breaking,
                area,
                subject,
                format!(
                    "field {wire} retyped from {} to {}",
                    code(&old_rust),
                    code(&new_rust)
                ),
                "Code reading or setting it as the old type no longer compiles.",
            );
        } else if old_opt != new_opt {
            let (what, reason) = if new_opt {
                (
                    "now optional",
                    if dir.response {
                        format!(
                            "The server may now omit it, and its type changes from {} to {}.",
                            code(&old_rust),
                            code(&new_rust)
                        )
                    } else {
                        format!("Compatible on the wire, but its type changes from {} to {}: code setting it must wrap the value in `Some`.", code(&old_rust), code(&new_rust))
                    },
                )
            } else {
                (
                    "now required",
                    if dir.request {
                        format!(
                            "The server now requires it, and its type changes from {} to {}.",
                            code(&old_rust),
                            code(&new_rust)
                        )
                    } else {
                        format!("Always sent now (compatible on the wire), but its type changes from {} to {}: code reading it must change.", code(&old_rust), code(&new_rust))
                    },
                )
            };
            self.push(
                Severity::Breaking,
                area,
                subject,
                format!("field {wire} {what}"),
                format!("{reason}{arity}"),
            );
        } else {
            // Same Rust type: the wire and the arguments of `new` changed.
            if f.required != g.required {
                let what = if g.required {
                    "now required (nullable)"
                } else {
                    "now optional (nullable)"
                };
                let wire_note = if g.required && dir.request {
                    "The server now requires it in requests; older versions of the crate omit it when `None`.".to_string()
                } else {
                    format!(
                        "Its type stays {}, and an absent value decodes as `None`.",
                        code(&new_rust)
                    )
                };
                self.push(
                    Severity::Breaking,
                    area,
                    subject,
                    format!("field {wire} {what}"),
                    format!("{wire_note}{arity}"),
                );
            }
            let (on, nn) = (
                matches!(f.ty, TypeRef::Nullable(_)),
                matches!(g.ty, TypeRef::Nullable(_)),
            );
            if on != nn && f.required == g.required {
                let what = if nn {
                    "now nullable"
                } else {
                    "no longer nullable"
                };
                self.push(
                    Severity::Compatible,
                    area,
                    subject,
                    format!("field {wire} {what}"),
                    format!("Its type stays {}.", code(&new_rust)),
                );
            }
        }
        let limits = limit_changes(&f.constraints, &g.constraints);
        if !limits.is_empty() {
            let (severity, reason) = classify_limits(&limits, dir);
            let texts: Vec<&str> = limits.iter().map(|l| l.text.as_str()).collect();
            self.push(
                severity,
                area,
                subject,
                format!("field {wire} limits changed: {}", texts.join(", ")),
                reason,
            );
        }
        if f.default != g.default {
            let show = |d: &Option<serde_json::Value>| {
                d.as_ref()
                    .map_or("none".to_string(), |v| code(&v.to_string()))
            };
            self.push(
                Severity::Compatible,
                area,
                subject,
                format!(
                    "field {wire} default {} → {}",
                    show(&f.default),
                    show(&g.default)
                ),
                "Requests that leave it out get the server's new default.",
            );
        }
        match (f.docs.deprecated, g.docs.deprecated) {
            (false, true) => self.push(
                Severity::Compatible,
                area,
                subject,
                format!("field {wire} deprecated"),
                "Still works; using it now warns (`#[deprecated]`).",
            ),
            (true, false) => self.push(
                Severity::Compatible,
                area,
                subject,
                format!("field {wire} no longer deprecated"),
                "Existing code is unaffected.",
            ),
            _ => {}
        }
    }

    pub(crate) fn extra(
        &mut self,
        subject: &str,
        dir: Dir,
        old: Option<&TypeRef>,
        new: Option<&TypeRef>,
    ) {
        let area = Area::Type;
        match (old, new) {
            (None, None) => {}
            (Some(_), None) => self.push(
                Severity::Breaking,
                area,
                subject,
                "additional properties removed",
                "The `extra` map field no longer exists; code using it no longer compiles.",
            ),
            (None, Some(t)) => {
                let what = format!("now allows additional properties ({})", code(&rust(t)));
                if dir.request {
                    self.push(
                        Severity::Breaking,
                        area,
                        subject,
                        what,
                        "A new `extra` map field: struct literals must now set it.",
                    );
                } else {
                    self.push(
                        Severity::Compatible,
                        area,
                        subject,
                        what,
                        "Only in responses: a new `extra` map field holds them.",
                    );
                }
            }
            (Some(a), Some(b)) if !self.same_ref(a, b) => self.push(
                Severity::Breaking,
                area,
                subject,
                format!(
                    "additional properties retyped from {} to {}",
                    code(&rust(a)),
                    code(&rust(b))
                ),
                "Code using the `extra` map as the old type no longer compiles.",
            ),
            _ => {}
        }
    }

    #[allow(clippy::too_many_arguments)]
    pub(crate) fn union(
        &mut self,
        subject: &str,
        dir: Dir,
        ot: &Option<String>,
        ov: &[Variant],
        nt: &Option<String>,
        nv: &[Variant],
        doc_fields: &mut Vec<String>,
    ) {
        let area = Area::Type;
        if ot != nt {
            let show = |t: &Option<String>| {
                t.as_deref()
                    .map_or("untagged".to_string(), |t| format!("tagged by {}", code(t)))
            };
            self.push(
                Severity::Breaking,
                area,
                subject,
                format!("now {} (was {})", show(nt), show(ot)),
                "The wire format of every variant changed.",
            );
        }
        let mut matched_new: BTreeSet<usize> = BTreeSet::new();
        let mut removed: Vec<&Variant> = Vec::new();
        for v in ov {
            match nv.iter().position(|w| same_variant(v, w)) {
                Some(i) => {
                    matched_new.insert(i);
                    self.variant(subject, v, &nv[i], doc_fields);
                }
                None => removed.push(v),
            }
        }
        // A variant whose tag changed but whose payload did not: same variant, new wire tag.
        for v in removed {
            let free = |i: &usize, w: &Variant| {
                !matched_new.contains(i) && v.tag.is_some() && w.tag.is_some()
            };
            let same_payload =
                |w: &Variant| matches!((&v.ty, &w.ty), (Some(a), Some(b)) if self.same_ref(a, b));
            let retagged = nv
                .iter()
                .enumerate()
                .find(|(i, w)| free(i, w) && same_payload(w))
                .or_else(|| {
                    nv.iter().enumerate().find(|(i, w)| {
                        free(i, w) && prefixed_tag(v.tag.as_deref(), w.tag.as_deref())
                    })
                });
            match retagged {
                Some((i, w)) => {
                    matched_new.insert(i);
                    self.push(
                        Severity::Breaking,
                        area,
                        subject,
                        format!("variant tag {} → {}", code(v.tag.as_deref().unwrap_or_default()), code(w.tag.as_deref().unwrap_or_default())),
                        "The wire value changed: older versions neither send nor recognise the new tag.",
                    );
                    self.variant(subject, v, w, doc_fields);
                }
                None => {
                    let label = v.tag.as_deref().unwrap_or(&v.name);
                    self.push(
                        Severity::Breaking,
                        area,
                        subject,
                        format!("variant {} removed", code(label)),
                        format!(
                            "The variant {} no longer exists; code naming it no longer compiles.",
                            code(&format!("{subject}::{}", v.name))
                        ),
                    );
                }
            }
        }
        for (_, w) in nv
            .iter()
            .enumerate()
            .filter(|(i, _)| !matched_new.contains(i))
        {
            let label = w.tag.as_deref().unwrap_or(&w.name);
            let payload =
                w.ty.as_ref()
                    .map(|t| format!(" ({})", code(&rust(t))))
                    .unwrap_or_default();
            let reason = if dir.response {
                "The union is open and `#[non_exhaustive]`: older versions decode it as `Unknown`, and matches already need a wildcard arm."
            } else {
                "A new variant to send; existing code is unaffected (the union is `#[non_exhaustive]`)."
            };
            self.push(
                Severity::Compatible,
                area,
                subject,
                format!("new variant {}{payload}", code(label)),
                reason,
            );
        }
        if ot.is_none() && nt.is_none() {
            let (before, after) = (
                common_order(ov, nv, |v| &v.name),
                common_order(nv, ov, |v| &v.name),
            );
            if before != after {
                self.push(
                    Severity::Breaking,
                    area,
                    subject,
                    format!("variants reordered: {} → {}", before.join(", "), after.join(", ")),
                    "The union is untagged and the first variant that decodes wins: a payload may now decode as another variant.",
                );
            }
        }
    }

    pub(crate) fn variant(
        &mut self,
        subject: &str,
        v: &Variant,
        w: &Variant,
        doc_fields: &mut Vec<String>,
    ) {
        let area = Area::Type;
        if v.name != w.name {
            self.push(
                Severity::Breaking,
                area,
                subject,
                format!("variant {} renamed to {}", code(&v.name), code(&w.name)),
                "Code naming the old variant no longer compiles.",
            );
        }
        let same_payload = match (&v.ty, &w.ty) {
            (None, None) => true,
            (Some(a), Some(b)) => self.same_ref(a, b) && v.boxed == w.boxed,
            _ => false,
        };
        if !same_payload {
            let show = |x: &Variant| {
                x.ty.as_ref().map_or("nothing".to_string(), |t| {
                    code(&if x.boxed {
                        format!("Box<{}>", rust(t))
                    } else {
                        rust(t)
                    })
                })
            };
            self.push(
                Severity::Breaking,
                area,
                subject,
                format!(
                    "variant {} now carries {} instead of {}",
                    code(&w.name),
                    show(w),
                    show(v)
                ),
                "Code building or matching the variant no longer compiles.",
            );
        }
        if docs_text(&v.docs) != docs_text(&w.docs) {
            doc_fields.push(code(&w.name));
        }
    }
}
