//! The checks for each kind of object the walk finds: path items,
//! operations, parameters, bodies, responses, media types, examples, schemas.

use serde_json::{Map, Value};

use super::{describe, Fix, Pass, Want, MAX_VALUE_DEPTH};
use crate::error::escape_pointer;
use crate::walk::Kind;

/// Checks one object the walk found.
pub(super) fn object(pass: &mut Pass<'_>, kind: Kind, at: &str, obj: &Map<String, Value>) {
    let is_ref = obj.contains_key("$ref");
    match kind {
        Kind::Schema => schema(pass, at, obj),
        _ if is_ref => {}
        Kind::PathItem => {
            pass.strings(at, obj, &["summary", "description"]);
            pass.check(at, obj, "parameters", Want::Array, true);
            pass.servers(at, obj);
            for method in crate::walk::METHODS {
                pass.check(at, obj, method, Want::Object, true);
            }
        }
        Kind::Operation => {
            pass.check(at, obj, "tags", Want::Strings, false);
            pass.strings(at, obj, &["summary", "description", "operationId"]);
            pass.bools(at, obj, &["deprecated"]);
            pass.check(at, obj, "parameters", Want::Array, true);
            pass.check(at, obj, "requestBody", Want::Object, true);
            pass.check(at, obj, "responses", Want::Object, true);
            pass.servers(at, obj);
            pass.try_read::<Vec<openapiv3::SecurityRequirement>>(at, obj, "security", "`security`");
            pass.try_read::<openapiv3::ExternalDocumentation>(
                at,
                obj,
                "externalDocs",
                "`externalDocs`",
            );
            pass.drop_unused(at, obj, "callbacks");
            if let Some(Value::Array(params)) = obj.get("parameters") {
                for (i, p) in params.iter().enumerate() {
                    if !p.is_object() {
                        pass.fail(
                            format!("{at}/parameters/{i}"),
                            format!("a parameter must be an object, not {}", describe(p)),
                        );
                    }
                }
            }
            if let Some(Value::Object(responses)) = obj.get("responses") {
                for (code, r) in responses {
                    if !r.is_object() && !code.starts_with("x-") {
                        pass.fail(
                            format!("{at}/responses/{}", escape_pointer(code)),
                            format!("a response must be an object, not {}", describe(r)),
                        );
                    }
                }
            }
        }
        Kind::Parameter | Kind::Header => {
            if kind == Kind::Parameter {
                pass.check(at, obj, "name", Want::Str, true);
                match obj.get("in").and_then(Value::as_str) {
                    Some("query" | "header" | "path" | "cookie") => {}
                    _ => pass.fail(
                        format!("{at}/in"),
                        "a parameter needs `in`: one of `query`, `header`, `path`, `cookie`"
                            .to_string(),
                    ),
                }
                if obj.get("name").is_none() {
                    pass.fail(
                        format!("{at}/name"),
                        "a parameter needs a `name`".to_string(),
                    );
                }
            }
            pass.strings(at, obj, &["description"]);
            pass.bools(
                at,
                obj,
                &[
                    "required",
                    "deprecated",
                    "allowEmptyValue",
                    "explode",
                    "allowReserved",
                ],
            );
            let styles: &[&str] = match obj.get("in").and_then(Value::as_str) {
                Some("path") => &["matrix", "label", "simple"],
                Some("query") => &["form", "spaceDelimited", "pipeDelimited", "deepObject"],
                Some("cookie") => &["form"],
                _ => &["simple"],
            };
            if let Some(style) = obj.get("style") {
                if !style.as_str().is_some_and(|s| styles.contains(&s)) {
                    let pointer = format!("{at}/style");
                    pass.warn(
                        pointer.clone(),
                        format!(
                            "`style` {} is not one of {styles:?} here; ignored",
                            describe(style)
                        ),
                    );
                    pass.fixes.push(Fix::Remove(pointer));
                }
            }
            pass.check(at, obj, "schema", Want::Schema, true);
            pass.check(at, obj, "content", Want::Object, true);
            examples(pass, at, obj);
        }
        Kind::RequestBody => {
            pass.strings(at, obj, &["description"]);
            pass.bools(at, obj, &["required"]);
            pass.check(at, obj, "content", Want::Object, true);
            content(pass, at, obj);
        }
        Kind::Response => {
            pass.strings(at, obj, &["description"]);
            if !obj.contains_key("description") {
                // Required by 3.0, often left out, and only ever documentation.
                pass.fixes.push(Fix::Set(
                    format!("{at}/description"),
                    Value::String(String::new()),
                ));
            }
            pass.check(at, obj, "content", Want::Object, true);
            pass.check(at, obj, "headers", Want::Object, false);
            if let Some(Value::Object(headers)) = obj.get("headers") {
                for (name, h) in headers {
                    if !h.is_object() {
                        let pointer = format!("{at}/headers/{}", escape_pointer(name));
                        pass.warn(
                            pointer.clone(),
                            format!(
                                "a header is {}, where an object is expected; ignored",
                                describe(h)
                            ),
                        );
                        pass.fixes.push(Fix::Remove(pointer));
                    }
                }
            }
            pass.drop_unused(at, obj, "links");
            content(pass, at, obj);
        }
        Kind::MediaType => {
            pass.check(at, obj, "schema", Want::Schema, true);
            pass.drop_unused(at, obj, "encoding");
            examples(pass, at, obj);
        }
        Kind::Example => pass.strings(at, obj, &["summary", "description", "externalValue"]),
        Kind::Document | Kind::Components => {}
    }
}

/// Media types of a body or response must be objects.
fn content(pass: &mut Pass<'_>, at: &str, obj: &Map<String, Value>) {
    if let Some(Value::Object(content)) = obj.get("content") {
        for (ct, media) in content {
            if !media.is_object() {
                let pointer = format!("{at}/content/{}", escape_pointer(ct));
                pass.warn(
                    pointer.clone(),
                    format!(
                        "media type `{ct}` is {}, where an object is expected; ignored",
                        describe(media)
                    ),
                );
                pass.fixes.push(Fix::Remove(pointer));
            }
        }
    }
}

/// `examples` of a parameter or media type: a map of example objects.
fn examples(pass: &mut Pass<'_>, at: &str, obj: &Map<String, Value>) {
    match obj.get("examples") {
        None => {}
        Some(Value::Object(map)) => {
            for (name, example) in map {
                if !example.is_object() {
                    let pointer = format!("{at}/examples/{}", escape_pointer(name));
                    pass.warn(pointer.clone(), format!("example `{name}` is {}, where an example object (`value: ...`) is expected; ignored", describe(example)));
                    pass.fixes.push(Fix::Remove(pointer));
                }
            }
        }
        Some(other) => {
            let pointer = format!("{at}/examples");
            pass.warn(
                pointer.clone(),
                format!(
                    "`examples` is {}, where a map of example objects is expected; ignored",
                    describe(other)
                ),
            );
            pass.fixes.push(Fix::Remove(pointer));
        }
    }
}

fn schema(pass: &mut Pass<'_>, at: &str, obj: &Map<String, Value>) {
    match obj.get("type") {
        None | Some(Value::String(_)) => {}
        Some(Value::Array(types)) if types.iter().all(Value::is_string) => {}
        Some(other) => pass.fail(
            format!("{at}/type"),
            format!("`type` must be a string such as `object` or `string` (or, in 3.1, a list of them), not {}", describe(other)),
        ),
    }
    pass.strings(at, obj, &["title", "description", "format", "pattern"]);
    pass.bools(
        at,
        obj,
        &[
            "nullable",
            "readOnly",
            "writeOnly",
            "deprecated",
            "uniqueItems",
        ],
    );
    for key in ["exclusiveMinimum", "exclusiveMaximum"] {
        // 3.0 writes a flag, 3.1 the bound itself: both are fine.
        if !obj.get(key).is_some_and(Value::is_number) {
            pass.check(at, obj, key, Want::Bool, false);
        }
    }
    for key in ["minimum", "maximum", "multipleOf"] {
        pass.check(at, obj, key, Want::Num, false);
    }
    for key in [
        "minLength",
        "maxLength",
        "minItems",
        "maxItems",
        "minProperties",
        "maxProperties",
    ] {
        pass.check(at, obj, key, Want::Count, false);
    }
    pass.check(at, obj, "required", Want::Strings, false);
    pass.check(at, obj, "enum", Want::Array, false);
    if let (Some("string"), Some(Value::Array(values))) =
        (obj.get("type").and_then(Value::as_str), obj.get("enum"))
    {
        // `type: string, enum: [1, 2]`: the values are strings on the wire.
        if values.iter().any(|v| v.is_number() || v.is_boolean()) {
            let pointer = format!("{at}/enum");
            let strings: Vec<Value> = values
                .iter()
                .map(|v| match v {
                    Value::Number(n) => Value::String(n.to_string()),
                    Value::Bool(b) => Value::String(b.to_string()),
                    other => other.clone(),
                })
                .collect();
            pass.warn(
                pointer.clone(),
                "a string enum lists numbers or booleans; read as their text".to_string(),
            );
            pass.fixes.push(Fix::Set(pointer, Value::Array(strings)));
        }
    }
    pass.check(at, obj, "properties", Want::Object, true);
    if let Some(Value::Object(props)) = obj.get("properties") {
        for (name, p) in props {
            if !(p.is_object() || p.is_boolean()) {
                pass.fail(
                    format!("{at}/properties/{}", escape_pointer(name)),
                    format!("a property must be a schema object, not {}", describe(p)),
                );
            }
        }
    }
    match obj.get("items") {
        None | Some(Value::Object(_) | Value::Bool(_)) => {}
        Some(Value::Array(tuple)) => {
            let pointer = format!("{at}/items");
            match tuple.first().filter(|f| f.is_object()) {
                Some(first) => {
                    pass.warn(
                        pointer.clone(),
                        "`items` is a list of schemas (tuple form); read as its first schema"
                            .to_string(),
                    );
                    pass.fixes.push(Fix::Set(pointer, first.clone()));
                }
                None => {
                    pass.warn(
                        pointer.clone(),
                        "`items` is an empty or invalid list; items are read as any value"
                            .to_string(),
                    );
                    pass.fixes.push(Fix::Remove(pointer));
                }
            }
        }
        Some(other) => pass.fail(
            format!("{at}/items"),
            format!("`items` must be a schema object, not {}", describe(other)),
        ),
    }
    pass.check(at, obj, "additionalProperties", Want::Schema, false);
    pass.check(at, obj, "not", Want::Schema, false);
    pass.check(at, obj, "prefixItems", Want::Array, false);
    for key in ["allOf", "oneOf", "anyOf"] {
        pass.check(at, obj, key, Want::Array, true);
        if let Some(Value::Array(list)) = obj.get(key) {
            for (i, s) in list.iter().enumerate() {
                if !(s.is_object() || s.is_boolean()) {
                    pass.fail(
                        format!("{at}/{key}/{i}"),
                        format!(
                            "a member of `{key}` must be a schema object, not {}",
                            describe(s)
                        ),
                    );
                }
            }
        }
    }
    if let Some(d) = obj.get("discriminator") {
        let pointer = format!("{at}/discriminator");
        let name_ok = d
            .get("propertyName")
            .is_some_and(|n| n.is_string() || n.is_number());
        match d.as_object() {
            Some(dobj) if name_ok => {
                pass.check(&pointer, dobj, "propertyName", Want::Str, false);
                pass.check(&pointer, dobj, "mapping", Want::Object, false);
                if let Some(Value::Object(mapping)) = dobj.get("mapping") {
                    for (tag, target) in mapping {
                        if !target.is_string() {
                            let p = format!("{pointer}/mapping/{}", escape_pointer(tag));
                            pass.warn(p.clone(), format!("mapping of `{tag}` is {}, where a schema reference is expected; ignored", describe(target)));
                            pass.fixes.push(Fix::Remove(p));
                        }
                    }
                }
            }
            _ => {
                pass.warn(pointer.clone(), "`discriminator` needs a string `propertyName`; ignored, the union is read untagged".to_string());
                pass.fixes.push(Fix::Remove(pointer));
            }
        }
    }
    pass.try_read::<openapiv3::ExternalDocumentation>(at, obj, "externalDocs", "`externalDocs`");
    for (key, v) in obj {
        let free_form = matches!(
            key.as_str(),
            "example" | "examples" | "default" | "enum" | "const"
        ) || key.starts_with("x-")
            || key.starts_with("X-");
        if free_form && depth_exceeds(v, MAX_VALUE_DEPTH) {
            let pointer = format!("{at}/{}", escape_pointer(key));
            pass.warn(
                pointer.clone(),
                format!("`{key}` nests more than {MAX_VALUE_DEPTH} levels deep; ignored"),
            );
            pass.fixes.push(Fix::Remove(pointer));
        }
    }
}

/// Whether `v` nests deeper than `limit` (iteratively: `v` may be deep).
fn depth_exceeds(v: &Value, limit: usize) -> bool {
    let mut stack = vec![(v, 1usize)];
    while let Some((v, d)) = stack.pop() {
        if d > limit {
            return true;
        }
        match v {
            Value::Array(items) => stack.extend(items.iter().map(|i| (i, d + 1))),
            Value::Object(map) => stack.extend(map.values().map(|i| (i, d + 1))),
            _ => {}
        }
    }
    false
}
