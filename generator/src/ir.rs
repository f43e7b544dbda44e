//! The typed intermediate representation of an API: the contract between
//! reading a document (`load`, `typify`, `operations`) and emitting Rust
//! (`emit`). Everything here is plain data with Rust names already chosen
//! and collisions resolved, so emission never has to think about naming.

use serde::{Deserialize, Serialize};

/// A whole API, ready to emit.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Api {
    /// `info.title`.
    pub title: String,
    /// `info.description`.
    pub description: Option<String>,
    /// `info.version` as the document states it (not necessarily semver).
    pub version: String,
    /// The first `servers[].url`, if any.
    pub base_url: Option<String>,
    /// Every named type, sorted by Rust name.
    pub types: Vec<TypeDef>,
    /// Every operation, in document order.
    pub operations: Vec<Operation>,
    /// The other documents the document references (`$ref` to another file
    /// or URL), by location as written from the root, with the SHA-256 of
    /// their text: a pin covers the root's bytes, these cover the rest.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub sources: std::collections::BTreeMap<String, String>,
}

impl Api {
    /// Referenced documents whose bytes differ between `self` and `newer`
    /// (changed, added or no longer referenced), by location, sorted.
    pub fn changed_sources(&self, newer: &Api) -> Vec<String> {
        let mut changed: Vec<String> = self
            .sources
            .keys()
            .chain(newer.sources.keys())
            .filter(|location| self.sources.get(*location) != newer.sources.get(*location))
            .cloned()
            .collect();
        changed.sort();
        changed.dedup();
        changed
    }
}

/// Documentation carried from the document onto a generated item.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Docs {
    pub summary: Option<String>,
    pub description: Option<String>,
    pub deprecated: bool,
}

/// A named Rust type.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TypeDef {
    /// Rust identifier (UpperCamelCase, unique in the crate).
    pub name: String,
    /// Name of the component schema it came from, if any.
    pub schema: Option<String>,
    pub docs: Docs,
    pub kind: TypeKind,
    /// Names the previous release gave this schema's type, each kept one more
    /// release as a deprecated alias (see [`crate::names::remember_previous`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub previous_names: Vec<String>,
    /// Rust name of a struct's additional-properties field, when it has one
    /// ([`crate::names::extra_field_name`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extra_field: Option<String>,
}

/// The shape of a named type.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum TypeKind {
    /// An object with known properties, possibly also extra ones.
    Struct {
        fields: Vec<Field>,
        /// `additionalProperties` schema when the object also has named fields.
        extra: Option<TypeRef>,
    },
    /// A string enum. Always open: unknown values decode into `Unknown(String)`.
    Enum { values: Vec<EnumValue> },
    /// A `oneOf`. With `tag`, the discriminator property; without, untagged
    /// (the first variant that decodes wins). Always open: unknown shapes or tags
    /// decode into `Unknown(serde_json::Value)`.
    Union {
        tag: Option<String>,
        variants: Vec<Variant>,
    },
    /// A constrained scalar (pattern, length, ...) wrapped for type safety.
    Newtype {
        inner: TypeRef,
        constraints: Constraints,
    },
}

/// A property of a struct.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Field {
    /// Rust identifier (snake_case, raw identifiers already applied).
    pub name: String,
    /// Property name on the wire.
    pub wire_name: String,
    pub ty: TypeRef,
    /// `required` in the schema. Non-required fields become `Option<T>`.
    pub required: bool,
    /// `Box` the field to break a recursive type.
    pub boxed: bool,
    pub docs: Docs,
    /// Constraints to mention in docs.
    pub constraints: Constraints,
    /// `default` from the schema, for docs.
    pub default: Option<serde_json::Value>,
}

/// One value of a string enum.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EnumValue {
    /// Rust variant identifier.
    pub name: String,
    /// Value on the wire.
    pub wire: String,
}

/// One alternative of a union.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Variant {
    /// Rust variant identifier.
    pub name: String,
    /// Discriminator value on the wire (tagged unions only).
    pub tag: Option<String>,
    /// Payload; `None` when the variant carries nothing beyond its tag.
    pub ty: Option<TypeRef>,
    /// `Box` the payload to break a recursive type.
    pub boxed: bool,
    pub docs: Docs,
}

/// Validation facts of a scalar, kept for documentation and newtypes.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Constraints {
    pub pattern: Option<String>,
    /// `pattern` uses syntax the `regex` crate lacks (lookaround,
    /// backreferences): the client does not check it before sending.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub pattern_unchecked: bool,
    pub min_length: Option<usize>,
    pub max_length: Option<usize>,
    pub minimum: Option<f64>,
    pub maximum: Option<f64>,
    pub exclusive_minimum: bool,
    pub exclusive_maximum: bool,
    pub min_items: Option<usize>,
    pub max_items: Option<usize>,
    pub unique_items: bool,
    pub format: Option<String>,
}

/// A reference to a type, as used in fields, parameters and responses.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TypeRef {
    String,
    Bool,
    I32,
    I64,
    F32,
    F64,
    /// `format: date-time`: `chrono::DateTime<chrono::Utc>`.
    DateTime,
    /// `format: date`: `chrono::NaiveDate`.
    Date,
    /// `format: uuid`: `uuid::Uuid`.
    Uuid,
    /// Any JSON: `serde_json::Value`.
    Json,
    /// A named type from [`Api::types`].
    Named(String),
    /// `Vec<T>`.
    List(Box<TypeRef>),
    /// `std::collections::BTreeMap<String, T>`.
    Map(Box<TypeRef>),
    /// `Option<T>` inside a container or for `nullable` values.
    Nullable(Box<TypeRef>),
}

/// One HTTP operation.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Operation {
    /// `operationId` (or one synthesized from method and path).
    pub id: String,
    /// Group (the first tag), as a snake_case Rust identifier: `client.<group>()`.
    pub group: String,
    /// UpperCamelCase name of the group's handle type.
    pub group_type: String,
    /// The module (`src/api/<module>.rs`) holding its method and builder: the
    /// group, or for operations without one a name no group has
    /// ([`crate::names::root_module`]).
    #[serde(default)]
    pub module: String,
    /// The name of its test in the generated conformance suite
    /// ([`crate::names::test_names`]).
    #[serde(default)]
    pub test_name: String,
    /// Method name inside the group (snake_case).
    pub method_name: String,
    /// UpperCamelCase name of the request builder type.
    pub builder_type: String,
    /// HTTP method, upper case.
    pub http_method: String,
    /// Path template as in the document: `/v1/org/meetings/get/{meetingId}`.
    pub path: String,
    pub docs: Docs,
    /// Operation id of the replacement, when deprecated and the document names one.
    pub replacement: Option<String>,
    /// `X-Chili-Required-Permissions` (or `x-required-permissions`).
    pub permissions: Vec<String>,
    pub params: Vec<Param>,
    pub body: Option<Body>,
    pub response: Response,
    /// How to walk every page, when the operation is a paginated list.
    #[serde(default)]
    pub pagination: Option<Pagination>,
    /// Safe to repeat: the client retries it on timeouts, resets and
    /// 408/429/502/503/504 (see [`crate::quirks::retry_safety`]).
    #[serde(default)]
    pub retry_safe: bool,
    /// When the naming rules would give this operation the same method name as
    /// another of its group: the id of the operation that got the plain name
    /// (the newer, non-deprecated one). This one keeps a distinguishing suffix.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collision: Option<String>,
    /// Method names the previous release had for this operation, each kept one
    /// more release as a deprecated method forwarding to [`Self::method_name`].
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub previous_names: Vec<String>,
    /// Builder type names the previous release had, each kept one more release
    /// as a deprecated alias of [`Self::builder_type`].
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub previous_builders: Vec<String>,
    /// What [`Operation::retry_safe`] rests on.
    #[serde(default)]
    pub retry_basis: RetryBasis,
    /// The ways to authenticate the call (the document's `security`), any one
    /// of which suffices; empty when the document requires none.
    #[serde(default)]
    pub auth: Vec<AuthOption>,
    /// Media type of a JSON success response when it is not plain
    /// `application/json` (`application/problem+json`, ...). The client asks
    /// for `application/json` and decodes JSON either way.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub json_content_type: Option<String>,
}

/// Why an operation is, or is not, safe to repeat; the order of the variants
/// is the precedence ([`crate::quirks`]).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub enum RetryBasis {
    /// A vendor extension says so (its key: `x-idempotent`, `x-read-only`).
    Extension(String),
    /// The HTTP method is idempotent.
    Method,
    /// The summary or description carries this marker (`READ-ONLY`).
    Marker(String),
    /// Nothing says it is safe to repeat.
    #[default]
    Default,
}

impl std::fmt::Display for RetryBasis {
    /// Why, in words: "the document marks it `READ-ONLY`".
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RetryBasis::Extension(key) => write!(f, "the document's `{key}` extension says so"),
            RetryBasis::Method => f.write_str("its HTTP method is idempotent"),
            RetryBasis::Marker(marker) => write!(f, "the document marks it `{marker}`"),
            RetryBasis::Default => f.write_str("nothing in the document says it is safe to repeat"),
        }
    }
}

/// One way to authenticate a call: an entry of the document's `security`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct AuthOption {
    /// Security scheme names, all required together; empty: anonymous access.
    pub schemes: Vec<String>,
    /// Whether the `Authorization: Bearer <token>` header the client sends on
    /// every call satisfies it.
    pub bearer: bool,
}

/// A paginated list operation: `page`/`pageSize` in, a page of items out.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Pagination {
    /// Where the page number goes.
    pub page: PageField,
    /// The page number's type where it goes (`I32` or `I64`); the walk
    /// counts in `i64` and converts. Older baselines lack it: `I64`.
    #[serde(default = "Pagination::default_page_type")]
    pub page_type: TypeRef,
    /// Where the page size goes, if the operation takes one.
    pub page_size: Option<PageField>,
    /// Rust name of the response field holding the page's items.
    pub items: String,
    /// The item type; `Json` when the document leaves it open.
    pub item: TypeRef,
    /// Whether the items field is optional (`Option<Vec<T>>`).
    pub items_optional: bool,
    /// Rust name of the response's total item count, if it has one.
    pub total: Option<String>,
    /// Rust name of the response's "more pages" flag, if it has one.
    pub has_more: Option<String>,
    /// Rust name of the response's page size, if it echoes it.
    pub echoed_page_size: Option<String>,
    /// Rust name of the response's next-page link, if it has one.
    #[serde(default)]
    pub next_link: Option<String>,
}

impl Pagination {
    fn default_page_type() -> TypeRef {
        TypeRef::I64
    }
}

/// A paging value's place in the request.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub enum PageField {
    /// A query parameter (Rust name on the request builder).
    Query(String),
    /// A field of the JSON body, reached through these Rust field names. When
    /// the path has two parts, the first is an optional struct (`Pagination`)
    /// made of exactly the page and page size fields, named by `container`.
    Body {
        path: Vec<String>,
        optional: bool,
        container: Option<String>,
    },
}

/// Where a parameter goes.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
pub enum ParamLocation {
    Path,
    Query,
    Header,
}

/// An operation parameter.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Param {
    /// Rust identifier (snake_case).
    pub name: String,
    pub wire_name: String,
    pub location: ParamLocation,
    pub ty: TypeRef,
    pub required: bool,
    pub docs: Docs,
    pub default: Option<serde_json::Value>,
    pub constraints: Constraints,
}

/// A request body.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Body {
    pub content_type: String,
    pub ty: TypeRef,
    pub required: bool,
    /// How the body is sent, decided with its type from the content type.
    /// Older baselines lack it: `Json`.
    #[serde(default)]
    pub kind: BodyKind,
}

/// How a request body is sent.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq)]
pub enum BodyKind {
    /// Serialized as JSON (`ty` is the body's type).
    #[default]
    Json,
    /// Sent as text with its content type (`ty` is `String`).
    Text,
}

/// What a successful call returns.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub enum Response {
    /// JSON decoded into this type.
    Json(TypeRef),
    /// Text body (`text/*`, e.g. CSV), returned as `String`.
    Text { content_type: String },
    /// No body: `()`.
    Empty,
}

/// How [`TypeRef::rust`] writes a type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Spelling<'p> {
    /// In generated code: qualified (`chrono::DateTime<chrono::Utc>`,
    /// `std::collections::BTreeMap<String, T>`), named types after `types`
    /// (`crate::types::`, `sdk::types::`, or empty where they are in scope).
    Code { types: &'p str },
    /// In reports, as a user writes it with the crate's imports:
    /// `DateTime<Utc>`, `NaiveDate`, `BTreeMap<String, T>`.
    Short,
}

impl TypeRef {
    /// The Rust type the generated crate uses for this reference: the one
    /// place a `TypeRef` becomes Rust (emit parses it into tokens, drift
    /// quotes it).
    pub fn rust(&self, spelling: Spelling<'_>) -> String {
        let short = spelling == Spelling::Short;
        let pick = |code: &str, short_form: &str| if short { short_form } else { code }.to_string();
        match self {
            TypeRef::String => "String".into(),
            TypeRef::Bool => "bool".into(),
            TypeRef::I32 => "i32".into(),
            TypeRef::I64 => "i64".into(),
            TypeRef::F32 => "f32".into(),
            TypeRef::F64 => "f64".into(),
            TypeRef::DateTime => pick("chrono::DateTime<chrono::Utc>", "DateTime<Utc>"),
            TypeRef::Date => pick("chrono::NaiveDate", "NaiveDate"),
            TypeRef::Uuid => pick("uuid::Uuid", "Uuid"),
            TypeRef::Json => "serde_json::Value".into(),
            TypeRef::Named(n) => match spelling {
                Spelling::Code { types } => format!("{types}{n}"),
                Spelling::Short => n.clone(),
            },
            TypeRef::List(i) => format!("Vec<{}>", i.rust(spelling)),
            TypeRef::Map(i) => format!(
                "{}<String, {}>",
                pick("std::collections::BTreeMap", "BTreeMap"),
                i.rust(spelling)
            ),
            TypeRef::Nullable(i) => format!("Option<{}>", i.rust(spelling)),
        }
    }
}

impl Field {
    /// The field's Rust type: `Option` when optional or nullable, `Box`
    /// around the value when boxed (recursion).
    pub fn rust(&self, spelling: Spelling<'_>) -> String {
        let (inner, nullable) = match &self.ty {
            TypeRef::Nullable(i) => (i.as_ref(), true),
            t => (t, false),
        };
        let mut t = inner.rust(spelling);
        if self.boxed {
            t = format!("Box<{t}>");
        }
        if nullable || !self.required {
            t = format!("Option<{t}>");
        }
        t
    }
}

impl Operation {
    /// The method's positional arguments, in order: path parameters, then
    /// required query and header parameters (a required body comes last).
    /// The one place argument order is decided: the client's methods, the
    /// conformance tests, the CLI and drift's "arguments reordered" read it.
    pub fn arguments(&self) -> Vec<&Param> {
        let path = self
            .params
            .iter()
            .filter(|p| p.location == ParamLocation::Path);
        let rest = self
            .params
            .iter()
            .filter(|p| p.location != ParamLocation::Path && p.required);
        path.chain(rest).collect()
    }

    /// The parameters set on the request builder instead: the ones
    /// [`Operation::arguments`] leaves out, in document order.
    pub fn setters(&self) -> Vec<&Param> {
        let arguments = self.arguments();
        self.params
            .iter()
            .filter(|p| !arguments.iter().any(|a| std::ptr::eq(*a, *p)))
            .collect()
    }
}

impl std::fmt::Display for TypeRef {
    /// The IR listing's notation, not Rust: `Vec<Workspace>`, `Map<String>`,
    /// `DateTime`. For the Rust type, [`TypeRef::rust`].
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TypeRef::String => f.write_str("String"),
            TypeRef::Bool => f.write_str("bool"),
            TypeRef::I32 => f.write_str("i32"),
            TypeRef::I64 => f.write_str("i64"),
            TypeRef::F32 => f.write_str("f32"),
            TypeRef::F64 => f.write_str("f64"),
            TypeRef::DateTime => f.write_str("DateTime"),
            TypeRef::Date => f.write_str("Date"),
            TypeRef::Uuid => f.write_str("Uuid"),
            TypeRef::Json => f.write_str("Json"),
            TypeRef::Named(n) => f.write_str(n),
            TypeRef::List(t) => write!(f, "Vec<{t}>"),
            TypeRef::Map(t) => write!(f, "Map<{t}>"),
            TypeRef::Nullable(t) => write!(f, "Option<{t}>"),
        }
    }
}

impl std::fmt::Display for Api {
    /// A compact listing, one line per operation, type, field and variant:
    /// what snapshot tests and reviewers read.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "api {:?} version {:?} base {:?}",
            self.title, self.version, self.base_url
        )?;
        writeln!(f, "\noperations ({}):", self.operations.len())?;
        for op in &self.operations {
            let group = if op.group.is_empty() {
                String::new()
            } else {
                format!(".{}()", op.group)
            };
            let args: Vec<String> = op
                .params
                .iter()
                .map(|p| {
                    format!(
                        "{}{:?} {}: {}",
                        if p.required { "" } else { "?" },
                        p.location,
                        p.name,
                        p.ty
                    )
                })
                .chain(
                    op.body
                        .iter()
                        .map(|b| format!("{}body: {}", if b.required { "" } else { "?" }, b.ty)),
                )
                .collect();
            let response = match &op.response {
                Response::Json(t) => t.to_string(),
                Response::Text { content_type } => format!("text({content_type})"),
                Response::Empty => "()".to_string(),
            };
            let mut flags = String::new();
            if op.docs.deprecated {
                flags.push_str(" deprecated");
                if let Some(r) = &op.replacement {
                    flags.push_str(&format!("(use {r})"));
                }
            }
            if !op.permissions.is_empty() {
                flags.push_str(&format!(" perms[{}]", op.permissions.join(",")));
            }
            if let Some(winner) = &op.collision {
                flags.push_str(&format!(" (plain name taken by {winner})"));
            }
            if !op.previous_names.is_empty() {
                flags.push_str(&format!(" was[{}]", op.previous_names.join(",")));
            }
            // Only what the method does not already say: a POST the document
            // marks safe, an idempotent method it marks unsafe.
            match (&op.retry_basis, op.retry_safe) {
                (RetryBasis::Method | RetryBasis::Default, _) => {}
                (RetryBasis::Extension(why) | RetryBasis::Marker(why), safe) => flags.push_str(
                    &format!(" {}({why})", if safe { "retried" } else { "not-retried" }),
                ),
            }
            // Likewise only unusual authentication: none, or not the bearer token.
            if op.auth.is_empty() || op.auth.iter().any(|a| a.schemes.is_empty()) {
                flags.push_str(" auth[none]");
            } else if !op.auth.iter().any(|a| a.bearer) {
                let options: Vec<String> = op.auth.iter().map(|a| a.schemes.join("+")).collect();
                flags.push_str(&format!(" auth[{}; not bearer]", options.join("|")));
            }
            writeln!(
                f,
                "  {} {} -> client{group}.{}({}) -> {response}{flags}{}",
                op.http_method,
                op.path,
                op.method_name,
                args.join(", "),
                match &op.pagination {
                    Some(p) => format!(" pages({} of {})", p.items, p.item),
                    None => String::new(),
                }
            )?;
        }
        writeln!(f, "\ntypes ({}):", self.types.len())?;
        for t in &self.types {
            let mut from = t
                .schema
                .as_deref()
                .filter(|s| *s != t.name)
                .map(|s| format!(" (schema {s})"))
                .unwrap_or_default();
            if !t.previous_names.is_empty() {
                from.push_str(&format!(" was[{}]", t.previous_names.join(",")));
            }
            match &t.kind {
                TypeKind::Struct { fields, extra } => {
                    writeln!(f, "  struct {}{from}", t.name)?;
                    for field in fields {
                        let opt = if field.required { "" } else { "?" };
                        let boxed = if field.boxed { " boxed" } else { "" };
                        writeln!(
                            f,
                            "    {}{opt}: {} = {:?}{boxed}",
                            field.name, field.ty, field.wire_name
                        )?;
                    }
                    if let Some(e) = extra {
                        writeln!(f, "    ..: {e}")?;
                    }
                }
                TypeKind::Enum { values } => {
                    let vs: Vec<String> = values
                        .iter()
                        .map(|v| format!("{}={:?}", v.name, v.wire))
                        .collect();
                    writeln!(f, "  enum {}{from}: {}", t.name, vs.join(" "))?;
                }
                TypeKind::Union { tag, variants } => {
                    match tag {
                        Some(tag) => writeln!(f, "  union {}{from} tagged by {tag:?}", t.name)?,
                        None => writeln!(f, "  union {}{from} untagged", t.name)?,
                    }
                    for v in variants {
                        let payload = v.ty.as_ref().map(|t| format!("({t})")).unwrap_or_default();
                        let tag = v
                            .tag
                            .as_ref()
                            .map(|t| format!(" = {t:?}"))
                            .unwrap_or_default();
                        writeln!(
                            f,
                            "    {}{payload}{tag}{}",
                            v.name,
                            if v.boxed { " boxed" } else { "" }
                        )?;
                    }
                }
                TypeKind::Newtype { inner, .. } => {
                    writeln!(f, "  newtype {}{from}({inner})", t.name)?
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_spelling_for_code_and_reports() {
        let t = TypeRef::Map(Box::new(TypeRef::Nullable(Box::new(TypeRef::List(
            Box::new(TypeRef::Named("Slot".into())),
        )))));
        assert_eq!(
            t.rust(Spelling::Code {
                types: "crate::types::"
            }),
            "std::collections::BTreeMap<String, Option<Vec<crate::types::Slot>>>"
        );
        assert_eq!(
            t.rust(Spelling::Short),
            "BTreeMap<String, Option<Vec<Slot>>>"
        );
        assert_eq!(TypeRef::DateTime.rust(Spelling::Short), "DateTime<Utc>");
        let field = Field {
            name: "next".into(),
            wire_name: "next".into(),
            ty: TypeRef::Nullable(Box::new(TypeRef::Named("Node".into()))),
            required: true,
            boxed: true,
            docs: Docs::default(),
            constraints: Constraints::default(),
            default: None,
        };
        assert_eq!(field.rust(Spelling::Short), "Option<Box<Node>>");
    }
}
