//! Reading a document: YAML or JSON, OpenAPI 3.1 or 3.0, into the
//! `openapiv3` model (which speaks 3.0).
//!
//! The passes, in order, all on the JSON tree:
//! 1. parse (the parsers stop at 128 levels of nesting, with the line);
//! 2. [`bundle`](crate::bundle): every `$ref` becomes a local component reference;
//! 3. [`sanitize`](crate::sanitize): values of unexpected JSON types are
//!    converted or dropped with a warning, or are an error when needed; schema
//!    nesting is bounded;
//! 4. lowering 3.1 to what `openapiv3` holds, keeping what the generated code needs:
//!    - numeric `exclusiveMinimum`/`exclusiveMaximum` -> `minimum` + boolean flag;
//!    - `const` -> a one-value `enum`, and the value kept as `x-const`;
//!    - `examples: [..]` -> `example` (the first);
//!    - `type: [T, "null"]` -> `type: T` + `nullable: true`;
//!    - `$ref` with sibling keywords (3.1 allows a `description` beside it) ->
//!      `allOf: [{$ref}]` with the siblings, so the description survives;
//!    - `X-Upper-Case` extension keys -> lower case, since `openapiv3` only keeps
//!      keys starting with `x-` (the Edge API uses `X-Chili-Required-Permissions`);
//! 5. reading the tree into `openapiv3`.
//!
//! Errors and warnings about parts copied in by bundling name the file and
//! pointer the user wrote ([`Document::relocate`]).

use serde::Deserialize;
use serde_json::{Map, Value};

use crate::bundle::{Fetch, FileFetch, Provenance};
use crate::error::{escape_pointer, Error, Warning};
pub use crate::parse::{find_line, parse_tree};

/// Extension the lowering leaves on a schema it could only read as "any
/// value", with the reason; the type conversion warns about it.
pub const FALLBACK_NOTE: &str = "x-chili-fallback";

/// A loaded document: the `openapiv3` model plus the lowered JSON tree, which
/// keeps what the model drops (for example `x-const` on non-schema objects).
#[derive(Debug, Clone)]
pub struct Document {
    /// The typed model.
    pub api: openapiv3::OpenAPI,
    /// The lowered JSON tree the model was read from.
    pub tree: Value,
    /// What was read past while loading (pointers into the user's files).
    pub warnings: Vec<Warning>,
    /// Where parts of the bundled tree came from.
    provenance: Provenance,
    origin: String,
    text: String,
}

impl Document {
    /// The SHA-256 (hex) of every document the root references, by location.
    pub fn sources(&self) -> std::collections::BTreeMap<String, String> {
        self.provenance
            .referenced()
            .map(|(location, text)| {
                (
                    location.to_string(),
                    crate::baseline::sha256_hex(text.as_bytes()),
                )
            })
            .collect()
    }

    /// Points an error or warning about the bundled tree at the file and
    /// pointer the user wrote, and adds the line when it can find it.
    pub fn relocate(&self, err: Error) -> Error {
        relocate(err, &self.origin, &self.text, &self.provenance)
    }

    /// Same as [`Document::relocate`] for a warning.
    pub fn relocate_warning(&self, w: Warning) -> Warning {
        relocate_warning(w, &self.origin, &self.provenance)
    }
}

fn relocate(mut err: Error, origin: &str, text: &str, provenance: &Provenance) -> Error {
    if err.origin != origin {
        return err;
    }
    let Some(pointer) = err.pointer.clone() else {
        return err;
    };
    match provenance.original(&pointer) {
        Some((location, original)) if !provenance.is_root(location) => {
            err.line = provenance
                .text(location)
                .and_then(|t| find_line(t, &original));
            err.origin = crate::bundle::shown(location);
            err.pointer = Some(original);
        }
        Some((_, original)) => {
            err.line = find_line(text, &original);
            err.pointer = Some(original);
        }
        None => {
            if err.line.is_none() {
                err.line = find_line(text, &pointer);
            }
        }
    }
    err
}

fn relocate_warning(mut w: Warning, origin: &str, provenance: &Provenance) -> Warning {
    if w.origin != origin {
        return w;
    }
    if let Some((location, original)) = provenance.original(&w.pointer) {
        if !provenance.is_root(location) {
            w.origin = crate::bundle::shown(location);
        }
        w.pointer = original;
    }
    w
}

/// Parses `text` (YAML or JSON; JSON is YAML) and lowers it to what
/// `openapiv3` can hold. `origin` names the input in errors; references to
/// other files are read from disk relative to it.
pub fn load(text: &str, origin: &str) -> Result<Document, Error> {
    load_with(text, origin, &FileFetch)
}

/// Same as [`load`], reading referenced documents through `fetch`.
pub fn load_with(text: &str, origin: &str, fetch: &dyn Fetch) -> Result<Document, Error> {
    let mut tree = parse_tree(text, origin)?;
    check_version(&tree, origin).map_err(|mut e| {
        // The root: the document's first line.
        e.line = e
            .line
            .or_else(|| e.pointer.as_deref().and_then(|p| find_line(text, p)))
            .or(Some(crate::parse::first_content_line(text)));
        e
    })?;
    let mut provenance = Provenance::default();
    let located = |e: Error, p: &Provenance| relocate(e, origin, text, p);
    if let Err(e) = crate::bundle::bundle(&mut tree, origin, fetch, &mut provenance) {
        return Err(located(e, &provenance));
    }
    let warnings = match crate::sanitize::sanitize(&mut tree, origin) {
        Ok(w) => w,
        Err(e) => return Err(located(e, &provenance)),
    };
    lower_document(&mut tree);
    let api = match read_model(&tree, text, origin) {
        Ok(api) => api,
        Err(e) => return Err(located(e, &provenance)),
    };
    let warnings = warnings
        .into_iter()
        .map(|w| relocate_warning(w, origin, &provenance))
        .collect();
    Ok(Document {
        api,
        tree,
        warnings,
        provenance,
        origin: origin.to_string(),
        text: text.to_string(),
    })
}

/// Stack for reading the tree into `openapiv3`: its flattened, untagged
/// schema types take about 60 KiB of stack per nested schema in a debug
/// build, so the read runs on a thread of its own rather than on whatever
/// stack the caller has (test threads have 2 MiB). Nesting is bounded by
/// [`crate::sanitize::MAX_SCHEMA_NESTING`]; this only gives the bound room.
const MODEL_STACK: usize = 16 << 20;

/// Reads the lowered tree into the `openapiv3` model, or says where it cannot.
fn read_model(tree: &Value, text: &str, origin: &str) -> Result<openapiv3::OpenAPI, Error> {
    let read = || match openapiv3::OpenAPI::deserialize(tree) {
        Ok(api) => Ok(api),
        // Path tracking costs time; it only runs again to locate an error.
        Err(_) => Err(locate_error(tree, text, origin)),
    };
    std::thread::scope(|scope| {
        let reader = std::thread::Builder::new()
            .name("chili-gen-read".into())
            .stack_size(MODEL_STACK)
            .spawn_scoped(scope, read);
        match reader {
            Ok(handle) => handle.join().unwrap_or_else(|_| Err(Error::at(origin, "", "internal error: reading the document into the OpenAPI model panicked; please report this with the document"))),
            // No thread to be had: read here, within the nesting bound.
            Err(_) => read(),
        }
    })
}

/// Re-reads a document that failed to deserialize, tracking the path, to say where.
fn locate_error(tree: &Value, text: &str, origin: &str) -> Error {
    match serde_path_to_error::deserialize::<_, openapiv3::OpenAPI>(tree).map_err(|e| {
        // `openapiv3` flattens maps, which hides the path below them; narrow
        // the location by reading the parts one at a time.
        let (pointer, inner) = narrow_error(tree)
            .unwrap_or_else(|| (path_to_pointer(e.path()), e.inner().to_string()));
        let message = format!(
            "not a valid OpenAPI document here: {inner}. Fix the document at this location"
        );
        let mut err = Error::at(origin, pointer.clone(), message);
        err.line = find_line(text, &pointer);
        err
    }) {
        Err(err) => err,
        Ok(_) => Error::at(origin, "", "the document could not be read as OpenAPI"),
    }
}

fn check_version(tree: &Value, origin: &str) -> Result<(), Error> {
    let Some(obj) = tree.as_object() else {
        return Err(Error::at(
            origin,
            "",
            "the document is not a mapping; expected an OpenAPI object with `openapi`, `info` and `paths`",
        ));
    };
    match obj.get("openapi").and_then(Value::as_str) {
        Some(v) if v.starts_with("3.0") || v.starts_with("3.1") => Ok(()),
        Some(v) => Err(Error::at(
            origin,
            "/openapi",
            format!("OpenAPI version `{v}` is not supported; this generator reads 3.0.x and 3.1.x"),
        )),
        None if obj.contains_key("swagger") => Err(Error::at(
            origin,
            "/swagger",
            "this is a Swagger 2.0 document; convert it to OpenAPI 3 first",
        )),
        None => Err(Error::at(
            origin,
            "/openapi",
            "missing `openapi` version field; expected `openapi: 3.0.x` or `3.1.x`",
        )),
    }
}

/// Rewrites 3.1-only constructs in place (see the module docs).
pub fn lower_document(tree: &mut Value) {
    let Some(root) = tree.as_object_mut() else {
        return;
    };
    root.insert("openapi".into(), Value::String("3.0.3".into()));
    root.entry("paths")
        .or_insert_with(|| Value::Object(Map::new()));
    if let Some(info) = root.get_mut("info").and_then(Value::as_object_mut) {
        // `info.summary` is new in 3.1 and has no place in the 3.0 model.
        info.remove("summary");
    }
    lower_extension_keys(root);
    if let Some(paths) = root.get_mut("paths").and_then(Value::as_object_mut) {
        for item in paths.values_mut() {
            lower_path_item(item);
        }
    }
    if let Some(components) = root.get_mut("components").and_then(Value::as_object_mut) {
        for section in ["schemas"] {
            if let Some(schemas) = components.get_mut(section).and_then(Value::as_object_mut) {
                for schema in schemas.values_mut() {
                    lower_schema(schema);
                }
            }
        }
        // 3.1's `mutualTLS` has no 3.0 form; the client does not use schemes to build requests.
        if let Some(schemes) = components
            .get_mut("securitySchemes")
            .and_then(Value::as_object_mut)
        {
            schemes.retain(|_, s| s.get("type").and_then(Value::as_str) != Some("mutualTLS"));
        }
        for section in ["parameters", "headers"] {
            if let Some(map) = components.get_mut(section).and_then(Value::as_object_mut) {
                for p in map.values_mut() {
                    lower_parameter(p);
                }
            }
        }
        if let Some(map) = components
            .get_mut("requestBodies")
            .and_then(Value::as_object_mut)
        {
            for b in map.values_mut() {
                lower_content_holder(b);
            }
        }
        if let Some(map) = components
            .get_mut("responses")
            .and_then(Value::as_object_mut)
        {
            for r in map.values_mut() {
                lower_response(r);
            }
        }
    }
}

fn lower_extension_keys(obj: &mut Map<String, Value>) {
    let upper: Vec<String> = obj
        .keys()
        .filter(|k| k.starts_with("X-"))
        .cloned()
        .collect();
    for key in upper {
        if let Some(v) = obj.remove(&key) {
            obj.insert(key.to_ascii_lowercase(), v);
        }
    }
}

fn lower_path_item(item: &mut Value) {
    let Some(item) = item.as_object_mut() else {
        return;
    };
    lower_extension_keys(item);
    if let Some(params) = item.get_mut("parameters").and_then(Value::as_array_mut) {
        params.iter_mut().for_each(lower_parameter);
    }
    for method in [
        "get", "put", "post", "delete", "options", "head", "patch", "trace",
    ] {
        let Some(op) = item.get_mut(method).and_then(Value::as_object_mut) else {
            continue;
        };
        lower_extension_keys(op);
        // 3.1 makes `responses` optional.
        op.entry("responses")
            .or_insert_with(|| Value::Object(Map::new()));
        if let Some(params) = op.get_mut("parameters").and_then(Value::as_array_mut) {
            params.iter_mut().for_each(lower_parameter);
        }
        if let Some(body) = op.get_mut("requestBody") {
            lower_content_holder(body);
        }
        if let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) {
            for r in responses.values_mut() {
                lower_response(r);
            }
        }
    }
}

fn lower_parameter(p: &mut Value) {
    let Some(p) = p.as_object_mut() else { return };
    lower_examples(p);
    if let Some(s) = p.get_mut("schema") {
        lower_schema(s);
    }
    if let Some(content) = p.get_mut("content").and_then(Value::as_object_mut) {
        content.values_mut().for_each(lower_media);
    }
}

fn lower_response(r: &mut Value) {
    lower_content_holder(r);
    if let Some(headers) = r.get_mut("headers").and_then(Value::as_object_mut) {
        headers.values_mut().for_each(lower_parameter);
    }
}

fn lower_content_holder(v: &mut Value) {
    if let Some(content) = v.get_mut("content").and_then(Value::as_object_mut) {
        content.values_mut().for_each(lower_media);
    }
}

fn lower_media(m: &mut Value) {
    let Some(m) = m.as_object_mut() else { return };
    lower_examples(m);
    if let Some(s) = m.get_mut("schema") {
        lower_schema(s);
    }
}

/// `examples` on parameters and media types is a map in both versions; only
/// schemas have the 3.1 array form. A map value that is not an object would
/// fail to load, so drop malformed ones.
fn lower_examples(obj: &mut Map<String, Value>) {
    if obj.get("examples").is_some_and(|e| !e.is_object()) {
        obj.remove("examples");
    }
}

/// Lowers one schema object and everything nested in it.
pub fn lower_schema(schema: &mut Value) {
    let Some(obj) = schema.as_object_mut() else {
        // 3.1 allows boolean schemas: `true` is any value, `false` nothing.
        if schema.is_boolean() {
            *schema = Value::Object(Map::new());
        }
        return;
    };

    if obj.contains_key("$ref") && obj.len() > 1 {
        let reference = obj.remove("$ref").unwrap_or(Value::Null);
        let mut wrapper = Map::new();
        wrapper.insert("$ref".into(), reference);
        obj.insert("allOf".into(), Value::Array(vec![Value::Object(wrapper)]));
    }

    for (bound, limit) in [
        ("exclusiveMinimum", "minimum"),
        ("exclusiveMaximum", "maximum"),
    ] {
        if let Some(n) = obj.get(bound).filter(|v| v.is_number()).cloned() {
            obj.insert(limit.into(), n);
            obj.insert(bound.into(), Value::Bool(true));
        }
    }

    if let Some(types) = obj.get("type").and_then(Value::as_array).cloned() {
        let non_null: Vec<&Value> = types
            .iter()
            .filter(|t| t.as_str() != Some("null"))
            .collect();
        if non_null.len() < types.len() {
            obj.insert("nullable".into(), Value::Bool(true));
        }
        match non_null.as_slice() {
            [one] => {
                obj.insert("type".into(), (*one).clone());
            }
            _ => {
                // Several types (or only null): any value.
                if non_null.len() > 1 {
                    let names: Vec<&str> = non_null.iter().filter_map(|t| t.as_str()).collect();
                    obj.insert(
                        FALLBACK_NOTE.into(),
                        Value::String(format!("`type` lists several types ({})", names.join(", "))),
                    );
                }
                obj.remove("type");
            }
        }
    } else if obj.get("type").and_then(Value::as_str) == Some("null") {
        obj.remove("type");
        obj.insert("nullable".into(), Value::Bool(true));
    }

    if let Some(value) = obj.remove("const") {
        if !obj.contains_key("type") {
            let ty = match &value {
                Value::String(_) => Some("string"),
                Value::Bool(_) => Some("boolean"),
                Value::Number(n) if n.is_i64() || n.is_u64() => Some("integer"),
                Value::Number(_) => Some("number"),
                _ => None,
            };
            if let Some(ty) = ty {
                obj.insert("type".into(), Value::String(ty.into()));
            }
        }
        obj.insert("enum".into(), Value::Array(vec![value.clone()]));
        obj.insert("x-const".into(), value);
    }

    if let Some(examples) = obj.remove("examples") {
        if let Some(first) = examples.as_array().and_then(|a| a.first()) {
            obj.entry("example").or_insert_with(|| first.clone());
        }
    }

    // Keywords openapiv3 would choke on or that have no 3.0 meaning.
    for key in [
        "$schema",
        "$id",
        "$anchor",
        "$comment",
        "contentMediaType",
        "contentEncoding",
    ] {
        obj.remove(key);
    }

    for key in ["items", "not", "additionalProperties"] {
        if let Some(s) = obj.get_mut(key) {
            if key == "additionalProperties" && s.is_boolean() {
                continue;
            }
            lower_schema(s);
        }
    }
    if let Some(props) = obj.get_mut("properties").and_then(Value::as_object_mut) {
        props.values_mut().for_each(lower_schema);
    }
    for key in ["oneOf", "anyOf", "allOf"] {
        if let Some(list) = obj.get_mut(key).and_then(Value::as_array_mut) {
            list.iter_mut().for_each(lower_schema);
        }
    }
    merge_annotation_members(obj);
    // 3.1 tuple form: keep the element type when all agree, else any.
    if let Some(prefix) = obj.remove("prefixItems") {
        if !obj.contains_key("items") {
            if let Some(first) = prefix.as_array().and_then(|a| a.first()).cloned() {
                let mut first = first;
                lower_schema(&mut first);
                obj.insert("items".into(), first);
            }
        }
    }
}

/// `allOf` members that only annotate (`{description: ..}`, `{nullable: true}`)
/// move onto the schema itself, so `allOf: [{$ref: Id}, {description: ..}]`
/// reads as `Id` rather than as an object merging a string.
fn merge_annotation_members(obj: &mut Map<String, Value>) {
    fn annotation_only(v: &Value) -> bool {
        const ANNOTATIONS: &[&str] = &[
            "description",
            "title",
            "example",
            "default",
            "deprecated",
            "readOnly",
            "writeOnly",
            "nullable",
        ];
        v.as_object().is_some_and(|o| {
            !o.is_empty()
                && o.keys()
                    .all(|k| ANNOTATIONS.contains(&k.as_str()) || k.starts_with("x-"))
        })
    }
    let Some(Value::Array(members)) = obj.get("allOf") else {
        return;
    };
    if !members.iter().any(annotation_only) {
        return;
    }
    let Some(Value::Array(members)) = obj.remove("allOf") else {
        return;
    };
    let (notes, rest): (Vec<Value>, Vec<Value>) = members.into_iter().partition(annotation_only);
    for note in notes {
        let Value::Object(note) = note else { continue };
        for (k, v) in note {
            obj.entry(k).or_insert(v);
        }
    }
    if !rest.is_empty() {
        obj.insert("allOf".into(), Value::Array(rest));
    }
}

/// Deserializes each path item and component schema on its own to find the
/// innermost place that fails.
fn narrow_error(tree: &Value) -> Option<(String, String)> {
    fn try_part<T: serde::de::DeserializeOwned>(
        prefix: String,
        v: &Value,
    ) -> Option<(String, String)> {
        serde_path_to_error::deserialize::<_, T>(v).err().map(|e| {
            (
                format!("{prefix}{}", path_to_pointer(e.path())),
                e.inner().to_string(),
            )
        })
    }
    if let Some(paths) = tree.get("paths").and_then(Value::as_object) {
        for (path, item) in paths {
            let prefix = format!("/paths/{}", escape_pointer(path));
            if let Some(obj) = item.as_object() {
                for (method, op) in obj {
                    if matches!(
                        method.as_str(),
                        "get" | "put" | "post" | "delete" | "options" | "head" | "patch" | "trace"
                    ) {
                        let found =
                            try_part::<openapiv3::Operation>(format!("{prefix}/{method}"), op);
                        if found.is_some() {
                            return found;
                        }
                    }
                }
            }
            if let Some(found) = try_part::<openapiv3::PathItem>(prefix, item) {
                return Some(found);
            }
        }
    }
    if let Some(schemas) = tree
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    {
        for (name, schema) in schemas {
            let prefix = format!("/components/schemas/{}", escape_pointer(name));
            if let Some(found) = try_part::<openapiv3::Schema>(prefix, schema) {
                return Some(found);
            }
        }
    }
    None
}

/// Turns a serde path into a JSON pointer.
fn path_to_pointer(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut out = String::new();
    for segment in path.iter() {
        let s = match segment {
            Segment::Seq { index } => index.to_string(),
            Segment::Map { key } => key.clone(),
            Segment::Enum { variant } => variant.clone(),
            Segment::Unknown => continue,
        };
        out.push('/');
        out.push_str(&escape_pointer(&s));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn lowered(mut v: Value) -> Value {
        lower_schema(&mut v);
        v
    }

    #[test]
    fn numeric_exclusive_minimum_becomes_flag() {
        let v = lowered(json!({"type": "integer", "exclusiveMinimum": 0}));
        assert_eq!(
            v,
            json!({"type": "integer", "exclusiveMinimum": true, "minimum": 0})
        );
    }

    #[test]
    fn const_becomes_enum_and_is_kept() {
        let v = lowered(json!({"type": "string", "const": "ThisPathTeam"}));
        assert_eq!(v["enum"], json!(["ThisPathTeam"]));
        assert_eq!(v["x-const"], json!("ThisPathTeam"));
        let untyped = lowered(json!({"const": 3}));
        assert_eq!(untyped["type"], json!("integer"));
    }

    #[test]
    fn nullable_type_list() {
        let v = lowered(json!({"type": ["string", "null"]}));
        assert_eq!(v, json!({"type": "string", "nullable": true}));
    }

    #[test]
    fn examples_array_becomes_example() {
        let v = lowered(json!({"type": "string", "examples": ["a", "b"]}));
        assert_eq!(v, json!({"type": "string", "example": "a"}));
    }

    #[test]
    fn ref_with_description_keeps_it() {
        let v = lowered(json!({"$ref": "#/components/schemas/X", "description": "d"}));
        assert_eq!(
            v,
            json!({"description": "d", "allOf": [{"$ref": "#/components/schemas/X"}]})
        );
    }

    #[test]
    fn nested_schemas_are_lowered() {
        let v = lowered(
            json!({"type": "object", "properties": {"a": {"type": "array", "items": {"type": "integer", "exclusiveMaximum": 5}}}}),
        );
        assert_eq!(v["properties"]["a"]["items"]["maximum"], json!(5));
    }

    #[test]
    fn upper_case_extensions_survive() {
        let text = "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      X-Chili-Required-Permissions: [a.read]\n      responses: {'200': {description: ok}}\n";
        let doc = load(text, "t.yaml").unwrap();
        let op = doc.api.paths.paths["/a"]
            .as_item()
            .unwrap()
            .get
            .as_ref()
            .unwrap();
        assert_eq!(
            op.extensions["x-chili-required-permissions"],
            json!(["a.read"])
        );
    }

    #[test]
    fn bad_yaml_reports_line() {
        let err = load("openapi: 3.1.0\ninfo: [\n", "bad.yaml").unwrap_err();
        assert_eq!(err.origin, "bad.yaml");
        assert!(err.line.is_some(), "{err}");
    }

    #[test]
    fn wrong_version_is_rejected_with_pointer() {
        let err = load("swagger: '2.0'\ninfo: {title: t, version: '1'}\n", "s.yaml").unwrap_err();
        assert_eq!(err.pointer.as_deref(), Some("/swagger"));
        assert!(err.to_string().contains("Swagger 2.0"), "{err}");
    }

    #[test]
    fn invalid_structure_reports_pointer_and_line() {
        let text = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      responses: 5\n";
        let err = load(text, "x.yaml").unwrap_err();
        let shown = err.to_string();
        assert!(shown.contains("/paths/~1a/get/responses"), "{shown}");
        assert_eq!(err.line, Some(6), "{shown}");
    }
}
