//! Makes a bundled document readable by `openapiv3`, whose model is strict
//! about JSON types, without giving up on documents that are merely sloppy:
//!
//! - a value the generator does not need (a description, a title, an example,
//!   a server, a tag, a style, ...) with an unexpected JSON type is converted
//!   when that is lossless (`version: 1.0` -> `"1.0"`, `readOnly: "true"` ->
//!   `true`) and dropped otherwise, with a [`Warning`] naming its pointer;
//! - a value the generator needs (`type`, `properties`, `in`, `paths`, ...)
//!   with a wrong type is an [`Error`] at its pointer;
//! - schemas nested deeper than [`MAX_SCHEMA_NESTING`] are an error, and free-form
//!   values (examples, defaults, extensions) nested deeper than
//!   [`MAX_VALUE_DEPTH`] are dropped: `openapiv3` and the type conversion
//!   recurse over schemas, so the nesting bound is what keeps any document
//!   from overflowing the stack;
//! - parts the client never uses and `openapiv3` would reject when malformed
//!   (callbacks, links, encodings, webhooks) are removed.

use serde::Deserialize;
use serde_json::{Map, Number, Value};

use crate::error::{escape_pointer, Error, Warning};
use crate::walk::{walk, Kind};

mod objects;

use objects::object;

/// Deepest schema nesting read (a schema inside 19 others). Real documents
/// stay under 12; `openapiv3` needs about 50 KiB of stack per level in a
/// debug build, and test threads have 2 MiB.
pub const MAX_SCHEMA_NESTING: usize = 20;

/// Deepest example, default or extension value kept inside a schema.
pub const MAX_VALUE_DEPTH: usize = 32;

/// What a key should hold.
#[derive(Clone, Copy, PartialEq)]
enum Want {
    Str,
    Bool,
    Num,
    Count,
    Strings,
    Object,
    Array,
    /// A schema: an object, or (3.1) `true`/`false`.
    Schema,
}

impl Want {
    fn noun(self) -> &'static str {
        match self {
            Want::Str => "a string",
            Want::Bool => "a boolean",
            Want::Num => "a number",
            Want::Count => "a non-negative integer",
            Want::Strings => "a list of strings",
            Want::Object => "an object",
            Want::Array => "a list",
            Want::Schema => "a schema object",
        }
    }
}

/// One change to make to the tree.
enum Fix {
    Set(String, Value),
    Remove(String),
}

struct Pass<'a> {
    origin: &'a str,
    fixes: Vec<Fix>,
    warnings: Vec<Warning>,
    error: Option<Error>,
}

/// Checks and repairs `tree` in place; returns the warnings, or the first
/// error about a value the generator cannot do without.
pub fn sanitize(tree: &mut Value, origin: &str) -> Result<Vec<Warning>, Error> {
    let mut pass = Pass {
        origin,
        fixes: Vec::new(),
        warnings: Vec::new(),
        error: None,
    };
    document(&mut pass, tree);
    if let Some(e) = pass.error {
        return Err(e);
    }
    walk(tree, "", Kind::Document, |node| {
        if pass.error.is_some() {
            return false;
        }
        if node.kind == Kind::Schema && node.nesting > MAX_SCHEMA_NESTING {
            pass.error = Some(Error::at(
                origin,
                node.pointer.clone(),
                format!(
                    "schemas nest more than {MAX_SCHEMA_NESTING} levels deep here; the generator reads at most {MAX_SCHEMA_NESTING}. \
                     Move inner schemas into components/schemas and refer to them with `$ref`"
                ),
            ));
            return false;
        }
        object(&mut pass, node.kind, &node.pointer, node.object);
        true
    });
    if let Some(e) = pass.error {
        return Err(e);
    }
    apply(tree, pass.fixes);
    Ok(pass.warnings)
}

fn apply(tree: &mut Value, fixes: Vec<Fix>) {
    for fix in fixes {
        match fix {
            Fix::Set(pointer, value) => {
                if let Some(slot) = tree.pointer_mut(&pointer) {
                    *slot = value;
                } else if let Some((parent, key)) = pointer.rsplit_once('/') {
                    if let Some(Value::Object(map)) = tree.pointer_mut(parent) {
                        map.insert(key.replace("~1", "/").replace("~0", "~"), value);
                    }
                }
            }
            Fix::Remove(pointer) => {
                let Some((parent, key)) = pointer.rsplit_once('/') else {
                    continue;
                };
                let key = key.replace("~1", "/").replace("~0", "~");
                match tree.pointer_mut(parent) {
                    Some(Value::Object(map)) => {
                        map.shift_remove(&key);
                    }
                    // List items are nulled, then the nulls removed: indices of later fixes stay valid.
                    Some(Value::Array(items)) => {
                        if let Some(item) = key.parse::<usize>().ok().and_then(|i| items.get_mut(i))
                        {
                            *item = Value::Null;
                        }
                    }
                    _ => {}
                }
            }
        }
    }
    for list in ["/servers", "/tags"] {
        if let Some(Value::Array(items)) = tree.pointer_mut(list) {
            items.retain(|v| !v.is_null());
        }
    }
    // Server lists of path items and operations.
    if let Some(Value::Object(paths)) = tree.get_mut("paths") {
        for item in paths.values_mut() {
            let Some(item) = item.as_object_mut() else {
                continue;
            };
            if let Some(Value::Array(s)) = item.get_mut("servers") {
                s.retain(|v| !v.is_null());
            }
            for method in crate::walk::METHODS {
                if let Some(Value::Array(s)) =
                    item.get_mut(*method).and_then(|o| o.get_mut("servers"))
                {
                    s.retain(|v| !v.is_null());
                }
            }
        }
    }
}

fn describe(v: &Value) -> String {
    let shown = |s: String| {
        if s.chars().count() > 40 {
            format!("{}...", s.chars().take(40).collect::<String>())
        } else {
            s
        }
    };
    match v {
        Value::Null => "null".to_string(),
        Value::Bool(b) => format!("the boolean `{b}`"),
        Value::Number(n) => format!("the number `{n}`"),
        Value::String(s) => format!("the string {}", shown(format!("{s:?}"))),
        Value::Array(_) => "a list".to_string(),
        Value::Object(_) => "an object".to_string(),
    }
}

impl Pass<'_> {
    fn warn(&mut self, pointer: String, message: String) {
        self.warnings
            .push(Warning::at(self.origin, pointer, message));
    }

    fn fail(&mut self, pointer: String, message: String) {
        if self.error.is_none() {
            self.error = Some(Error::at(self.origin, pointer, message));
        }
    }

    /// Checks `obj[key]` against `want`; converts or drops it (with a warning)
    /// when not `needed`, else records an error.
    fn check(&mut self, base: &str, obj: &Map<String, Value>, key: &str, want: Want, needed: bool) {
        let Some(v) = obj.get(key) else { return };
        let pointer = format!("{base}/{}", escape_pointer(key));
        let ok = match want {
            Want::Str => v.is_string(),
            Want::Bool => v.is_boolean(),
            Want::Num => v.is_number(),
            Want::Count => v.as_u64().is_some(),
            Want::Strings => v.as_array().is_some_and(|a| a.iter().all(Value::is_string)),
            Want::Object => v.is_object(),
            Want::Array => v.is_array(),
            Want::Schema => v.is_object() || v.is_boolean(),
        };
        if ok {
            return;
        }
        let converted: Option<Value> = match (want, v) {
            (Want::Str, Value::Number(n)) => Some(Value::String(n.to_string())),
            (Want::Str, Value::Bool(b)) => Some(Value::String(b.to_string())),
            (Want::Bool, Value::String(s)) if s == "true" || s == "false" => {
                Some(Value::Bool(s == "true"))
            }
            (Want::Num, Value::String(s)) => s
                .trim()
                .parse::<f64>()
                .ok()
                .and_then(Number::from_f64)
                .map(Value::Number),
            (Want::Count, Value::Number(n)) => n
                .as_f64()
                .filter(|f| *f >= 0.0 && f.fract() == 0.0 && *f < 1e15)
                .map(|f| Value::from(f as u64)),
            (Want::Count, Value::String(s)) => s.trim().parse::<u64>().ok().map(Value::from),
            (Want::Strings, Value::Array(items)) => Some(Value::Array(
                items
                    .iter()
                    .filter_map(|i| match i {
                        Value::String(_) => Some(i.clone()),
                        Value::Number(n) => Some(Value::String(n.to_string())),
                        Value::Bool(b) => Some(Value::String(b.to_string())),
                        _ => None,
                    })
                    .collect(),
            )),
            (Want::Strings, Value::String(s)) => Some(Value::Array(vec![Value::String(s.clone())])),
            _ => None,
        };
        match converted {
            Some(new) => {
                let message = format!(
                    "`{key}` is {}, where {} is expected; read as {}",
                    describe(v),
                    want.noun(),
                    short_json(&new)
                );
                self.warn(pointer.clone(), message);
                self.fixes.push(Fix::Set(pointer, new));
            }
            None if needed => {
                let message = format!(
                    "`{key}` must be {}, not {}; fix the document here",
                    want.noun(),
                    describe(v)
                );
                self.fail(pointer, message);
            }
            None => {
                let message = format!(
                    "`{key}` is {}, where {} is expected; ignored",
                    describe(v),
                    want.noun()
                );
                self.warn(pointer.clone(), message);
                self.fixes.push(Fix::Remove(pointer));
            }
        }
    }

    fn strings(&mut self, base: &str, obj: &Map<String, Value>, keys: &[&str]) {
        for key in keys {
            self.check(base, obj, key, Want::Str, false);
        }
    }

    fn bools(&mut self, base: &str, obj: &Map<String, Value>, keys: &[&str]) {
        for key in keys {
            self.check(base, obj, key, Want::Bool, false);
        }
    }

    /// Drops `obj[key]` with a warning unless it reads as `T`.
    fn try_read<T: for<'de> Deserialize<'de>>(
        &mut self,
        base: &str,
        obj: &Map<String, Value>,
        key: &str,
        what: &str,
    ) {
        let Some(v) = obj.get(key) else { return };
        if let Err(e) = T::deserialize(v) {
            let pointer = format!("{base}/{}", escape_pointer(key));
            self.warn(
                pointer.clone(),
                format!("{what} cannot be read ({e}); ignored"),
            );
            self.fixes.push(Fix::Remove(pointer));
        }
    }

    /// Removes `obj[key]` without a word: a part the client does not use.
    fn drop_unused(&mut self, base: &str, obj: &Map<String, Value>, key: &str) {
        if obj.contains_key(key) {
            self.fixes
                .push(Fix::Remove(format!("{base}/{}", escape_pointer(key))));
        }
    }

    /// A list of servers: each one readable, or dropped with a warning.
    fn servers(&mut self, base: &str, obj: &Map<String, Value>) {
        let Some(v) = obj.get("servers") else { return };
        let pointer = format!("{base}/servers");
        let Some(list) = v.as_array() else {
            self.warn(
                pointer.clone(),
                format!(
                    "`servers` is {}, where a list is expected; ignored",
                    describe(v)
                ),
            );
            self.fixes.push(Fix::Remove(pointer));
            return;
        };
        for (i, server) in list.iter().enumerate() {
            let at = format!("{pointer}/{i}");
            if openapiv3::Server::deserialize(server).is_ok() {
                continue;
            }
            let Some(s) = server.as_object() else {
                self.warn(
                    at.clone(),
                    format!(
                        "a server is {}, where an object is expected; ignored",
                        describe(server)
                    ),
                );
                self.fixes.push(Fix::Remove(at));
                continue;
            };
            // Try the lossless conversions first (`default: 443`), then give up on the server.
            let before = self.fixes.len();
            let warned = self.warnings.len();
            self.check(&at, s, "url", Want::Str, false);
            self.check(&at, s, "description", Want::Str, false);
            if let Some(Value::Object(vars)) = s.get("variables") {
                for (name, var) in vars {
                    let Some(var) = var.as_object() else { continue };
                    let vat = format!("{at}/variables/{}", escape_pointer(name));
                    self.check(&vat, var, "default", Want::Str, false);
                    self.check(&vat, var, "enum", Want::Strings, false);
                    self.check(&vat, var, "description", Want::Str, false);
                }
            }
            let mut copy = server.clone();
            apply_local(&mut copy, &at, &self.fixes[before..]);
            if openapiv3::Server::deserialize(&copy).is_err() {
                self.fixes.truncate(before);
                self.warnings.truncate(warned);
                self.warn(
                    at.clone(),
                    "this server cannot be read (it needs a string `url`); ignored".to_string(),
                );
                self.fixes.push(Fix::Remove(at));
            }
        }
    }
}

/// Applies fixes made for the subtree at `base` to a copy of that subtree.
fn apply_local(copy: &mut Value, base: &str, fixes: &[Fix]) {
    let mut wrapper = Value::Null;
    std::mem::swap(&mut wrapper, copy);
    let mut local: Vec<Fix> = Vec::new();
    for fix in fixes {
        match fix {
            Fix::Set(p, v) => {
                if let Some(rest) = p.strip_prefix(base) {
                    local.push(Fix::Set(rest.to_string(), v.clone()));
                }
            }
            Fix::Remove(p) => {
                if let Some(rest) = p.strip_prefix(base) {
                    local.push(Fix::Remove(rest.to_string()));
                }
            }
        }
    }
    apply(&mut wrapper, local);
    *copy = wrapper;
}

fn short_json(v: &Value) -> String {
    let text = v.to_string();
    if text.chars().count() > 40 {
        format!("{}...", text.chars().take(40).collect::<String>())
    } else {
        text
    }
}

/// The document-level parts the walk does not visit.
fn document(pass: &mut Pass<'_>, tree: &Value) {
    let Some(root) = tree.as_object() else { return };
    match root.get("info") {
        Some(Value::Object(info)) => {
            pass.check("/info", info, "title", Want::Str, false);
            pass.check("/info", info, "version", Want::Str, false);
            pass.strings("/info", info, &["description", "termsOfService"]);
            pass.try_read::<openapiv3::Contact>("/info", info, "contact", "`contact`");
            pass.try_read::<openapiv3::License>("/info", info, "license", "`license`");
            for (key, default) in [("title", "API"), ("version", "0.0.0")] {
                if !info
                    .get(key)
                    .is_some_and(|v| v.is_string() || v.is_number() || v.is_boolean())
                {
                    pass.warn(
                        format!("/info/{key}"),
                        format!("`info.{key}` is missing; read as {default:?}"),
                    );
                    pass.fixes.push(Fix::Set(
                        format!("/info/{key}"),
                        Value::String(default.to_string()),
                    ));
                }
            }
        }
        Some(other) => pass.fail(
            "/info".to_string(),
            format!(
                "`info` must be an object with `title` and `version`, not {}",
                describe(other)
            ),
        ),
        None => {
            pass.warn(
                String::new(),
                "the document has no `info`; read as title \"API\", version \"0.0.0\"".to_string(),
            );
            let info = Value::Object(Map::from_iter([
                ("title".to_string(), Value::String("API".into())),
                ("version".to_string(), Value::String("0.0.0".into())),
            ]));
            pass.fixes.push(Fix::Set("/info".to_string(), info));
        }
    }
    pass.servers("", root);
    if let Some(tags) = root.get("tags") {
        match tags.as_array() {
            Some(list) => {
                for (i, tag) in list.iter().enumerate() {
                    let at = format!("/tags/{i}");
                    match tag.as_object() {
                        Some(t)
                            if t.get("name").is_some_and(|n| {
                                !n.is_object() && !n.is_array() && !n.is_null()
                            }) =>
                        {
                            pass.check(&at, t, "name", Want::Str, false);
                            pass.check(&at, t, "description", Want::Str, false);
                            pass.try_read::<openapiv3::ExternalDocumentation>(
                                &at,
                                t,
                                "externalDocs",
                                "`externalDocs`",
                            );
                        }
                        _ => {
                            pass.warn(
                                at.clone(),
                                "a tag needs a string `name`; ignored".to_string(),
                            );
                            pass.fixes.push(Fix::Remove(at));
                        }
                    }
                }
            }
            None => {
                pass.warn(
                    "/tags".to_string(),
                    format!(
                        "`tags` is {}, where a list is expected; ignored",
                        describe(tags)
                    ),
                );
                pass.fixes.push(Fix::Remove("/tags".to_string()));
            }
        }
    }
    pass.try_read::<openapiv3::ExternalDocumentation>("", root, "externalDocs", "`externalDocs`");
    pass.try_read::<Vec<openapiv3::SecurityRequirement>>("", root, "security", "`security`");
    pass.drop_unused("", root, "webhooks");
    pass.check("", root, "paths", Want::Object, true);
    if let Some(Value::Object(paths)) = root.get("paths") {
        for (path, item) in paths {
            if !item.is_object() {
                pass.fail(
                    format!("/paths/{}", escape_pointer(path)),
                    format!("a path item must be an object, not {}", describe(item)),
                );
            }
        }
    }
    pass.check("", root, "components", Want::Object, true);
    if let Some(Value::Object(components)) = root.get("components") {
        for section in [
            "schemas",
            "parameters",
            "headers",
            "requestBodies",
            "responses",
            "examples",
        ] {
            pass.check("/components", components, section, Want::Object, true);
        }
        if let Some(Value::Object(schemes)) = components.get("securitySchemes") {
            for name in schemes.keys() {
                pass.try_read::<openapiv3::ReferenceOr<openapiv3::SecurityScheme>>(
                    "/components/securitySchemes",
                    schemes,
                    name,
                    "this security scheme",
                );
            }
        } else {
            pass.check(
                "/components",
                components,
                "securitySchemes",
                Want::Object,
                false,
            );
        }
        for unused in ["links", "callbacks", "pathItems"] {
            pass.drop_unused("/components", components, unused);
        }
        for section in [
            "parameters",
            "headers",
            "requestBodies",
            "responses",
            "examples",
        ] {
            if let Some(Value::Object(map)) = components.get(section) {
                for (name, v) in map {
                    if !v.is_object() {
                        let at = format!("/components/{section}/{}", escape_pointer(name));
                        pass.fail(
                            at,
                            format!("a component here must be an object, not {}", describe(v)),
                        );
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn run(mut doc: Value) -> (Value, Result<Vec<Warning>, Error>) {
        let r = sanitize(&mut doc, "d.yaml");
        (doc, r)
    }

    #[test]
    fn unneeded_values_are_converted_or_dropped_with_a_pointer() {
        let (doc, r) = run(json!({
            "openapi": "3.0.3",
            "info": {"title": "T", "version": 1.0},
            "servers": [{"url": "https://x.test", "variables": {"port": {"default": 443}}}, {"description": "no url"}],
            "paths": {"/a": {"get": {"summary": 7, "responses": {"200": {"content": {"application/json": {"schema": {
                "type": "object", "description": {"text": "d"}, "readOnly": "true", "maxLength": 5.0,
                "properties": {"x": {"type": "string", "enum": "a"}}
            }}}}}}}}
        }));
        let warnings = r.unwrap();
        let pointers: Vec<&str> = warnings.iter().map(|w| w.pointer.as_str()).collect();
        let schema = "/paths/~1a/get/responses/200/content/application~1json/schema";
        for expected in [
            "/info/version".to_string(),
            "/servers/0/variables/port/default".to_string(),
            "/servers/1".to_string(),
            "/paths/~1a/get/summary".to_string(),
            format!("{schema}/description"),
            format!("{schema}/readOnly"),
            format!("{schema}/maxLength"),
            format!("{schema}/properties/x/enum"),
        ] {
            assert!(
                pointers.contains(&expected.as_str()),
                "no warning at {expected}: {pointers:?}"
            );
        }
        assert_eq!(doc["info"]["version"], json!("1.0"));
        assert_eq!(
            doc["servers"],
            json!([{"url": "https://x.test", "variables": {"port": {"default": "443"}}}])
        );
        assert_eq!(
            doc.pointer(&format!("{schema}/readOnly")),
            Some(&json!(true))
        );
        assert_eq!(doc.pointer(&format!("{schema}/description")), None);
        assert_eq!(
            doc.pointer("/paths/~1a/get/responses/200/description"),
            Some(&json!(""))
        );
    }

    #[test]
    fn needed_values_of_the_wrong_type_are_errors_at_their_pointer() {
        let (_, r) = run(
            json!({"openapi": "3.0.3", "info": {"title": "T", "version": "1"}, "paths": {},
            "components": {"schemas": {"A": {"type": 17}}}}),
        );
        assert_eq!(
            r.unwrap_err().pointer.as_deref(),
            Some("/components/schemas/A/type")
        );
        let (_, r) = run(
            json!({"openapi": "3.0.3", "info": {"title": "T", "version": "1"}, "paths": {"/a": {"get": {
            "parameters": [{"name": "x", "in": "body"}], "responses": {}}}}}),
        );
        assert_eq!(
            r.unwrap_err().pointer.as_deref(),
            Some("/paths/~1a/get/parameters/0/in")
        );
    }

    #[test]
    fn nesting_is_bounded() {
        let mut schema = json!({"type": "string"});
        for _ in 0..MAX_SCHEMA_NESTING {
            schema = json!({"type": "array", "items": schema});
        }
        let doc = |s: &Value| json!({"openapi": "3.0.3", "info": {"title": "T", "version": "1"}, "paths": {}, "components": {"schemas": {"A": s}}});
        let (_, r) = run(doc(&schema));
        let err = r.unwrap_err();
        let expected = format!(
            "/components/schemas/A{}",
            "/items".repeat(MAX_SCHEMA_NESTING)
        );
        assert_eq!(err.pointer.as_deref(), Some(expected.as_str()));
        let (_, r) = run(doc(&schema["items"]));
        assert!(r.is_ok());
    }
}
