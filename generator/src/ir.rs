//! The typed intermediate representation of an API: the contract between
//! reading a document (`load`, `typify`, `operations`) and emitting Rust
//! (`emit`). Everything here is plain data with Rust names already chosen
//! and collisions resolved, so emission never has to think about naming.

use serde::Serialize;

/// A whole API, ready to emit.
#[derive(Debug, Clone, Serialize)]
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
}

/// Documentation carried from the document onto a generated item.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct Docs {
    pub summary: Option<String>,
    pub description: Option<String>,
    pub deprecated: bool,
}

/// A named Rust type.
#[derive(Debug, Clone, Serialize)]
pub struct TypeDef {
    /// Rust identifier (UpperCamelCase, unique in the crate).
    pub name: String,
    /// Name of the component schema it came from, if any.
    pub schema: Option<String>,
    pub docs: Docs,
    pub kind: TypeKind,
}

/// The shape of a named type.
#[derive(Debug, Clone, Serialize)]
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
    Union { tag: Option<String>, variants: Vec<Variant> },
    /// A constrained scalar (pattern, length, ...) wrapped for type safety.
    Newtype { inner: TypeRef, constraints: Constraints },
}

/// A property of a struct.
#[derive(Debug, Clone, Serialize)]
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
#[derive(Debug, Clone, Serialize)]
pub struct EnumValue {
    /// Rust variant identifier.
    pub name: String,
    /// Value on the wire.
    pub wire: String,
}

/// One alternative of a union.
#[derive(Debug, Clone, Serialize)]
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
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct Constraints {
    pub pattern: Option<String>,
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

impl Constraints {
    /// True when nothing is constrained.
    pub fn is_empty(&self) -> bool {
        *self == Constraints::default()
    }
}

/// A reference to a type, as used in fields, parameters and responses.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, Hash, PartialOrd, Ord)]
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
#[derive(Debug, Clone, Serialize)]
pub struct Operation {
    /// `operationId` (or one synthesized from method and path).
    pub id: String,
    /// Group (the first tag), as a snake_case Rust identifier: `client.<group>()`.
    pub group: String,
    /// UpperCamelCase name of the group's handle type.
    pub group_type: String,
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
}

/// Where a parameter goes.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
pub enum ParamLocation {
    Path,
    Query,
    Header,
}

/// An operation parameter.
#[derive(Debug, Clone, Serialize)]
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
#[derive(Debug, Clone, Serialize)]
pub struct Body {
    pub content_type: String,
    pub ty: TypeRef,
    pub required: bool,
}

/// What a successful call returns.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub enum Response {
    /// JSON decoded into this type.
    Json(TypeRef),
    /// Text body (`text/*`, e.g. CSV), returned as `String`.
    Text { content_type: String },
    /// No body: `()`.
    Empty,
}
