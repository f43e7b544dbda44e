//! Operations -> IR: parameters, bodies, responses, names and groups.
//! Drives [`TypeSpace`], so only schemas that operations reach become types.

use std::collections::{BTreeMap, HashMap};

use heck::ToUpperCamelCase;
use openapiv3::{OpenAPI, Operation as OaOperation, Parameter, ParameterSchemaOrContent, ReferenceOr, StatusCode};
use serde_json::Value;

use crate::error::{escape_pointer, Error, Warning};
use crate::ir::{Api, Body, Docs, Operation, Param, ParamLocation, Response, TypeRef};
use crate::load::Document;
use crate::names::{field_name, type_name, Scope};
use crate::typify::TypeSpace;

/// Extension keys holding the permissions an operation needs.
const PERMISSION_KEYS: &[&str] = &["x-chili-required-permissions", "x-required-permissions"];
/// Extension keys naming an operation's replacement (by operation id or tool name).
const REPLACEMENT_KEYS: &[&str] = &["x-replacement", "x-replaced-by", "x-deprecated-by"];

const METHODS: &[&str] = &["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// Builds the IR of a loaded document.
pub fn build(doc: &Document, origin: &str) -> Result<Api, Error> {
    build_reporting(doc, origin, &mut Vec::new())
}

/// Same as [`build`], adding to `warnings` the schemas read as any JSON value.
pub fn build_reporting(doc: &Document, origin: &str, warnings: &mut Vec<Warning>) -> Result<Api, Error> {
    let api = &doc.api;
    let empty = indexmap::IndexMap::new();
    let schemas = api.components.as_ref().map(|c| &c.schemas).unwrap_or(&empty);
    let mut space = TypeSpace::new(schemas, &doc.tree, origin);

    let raw = collect(api, origin)?;
    let named = name_operations(&raw);
    let mut operations = Vec::with_capacity(raw.len());
    for (op, names) in raw.iter().zip(named) {
        operations.push(convert_operation(api, &mut space, op, names, origin)?);
    }
    resolve_replacements(&mut operations, &raw);
    warnings.extend(space.take_warnings());
    let types = space.finish();
    for op in &mut operations {
        op.pagination = crate::pagination::detect(op, &types);
    }

    Ok(Api {
        title: api.info.title.clone(),
        description: api.info.description.clone(),
        version: api.info.version.clone(),
        base_url: api.servers.first().map(|s| s.url.trim_end_matches('/').to_string()),
        types,
        operations,
    })
}

/// An operation as found in the document, before conversion.
struct RawOperation<'a> {
    path: &'a str,
    method: &'static str,
    op: &'a OaOperation,
    path_params: &'a [ReferenceOr<Parameter>],
    id: String,
    pointer: String,
}

fn collect<'a>(api: &'a OpenAPI, origin: &str) -> Result<Vec<RawOperation<'a>>, Error> {
    let mut out = Vec::new();
    for (path, item) in &api.paths.paths {
        let pointer = format!("/paths/{}", escape_pointer(path));
        let item = match item {
            ReferenceOr::Item(item) => item,
            ReferenceOr::Reference { reference } => {
                return Err(Error::at(origin, pointer, format!("path item `$ref: {reference}` is not supported; inline the path item")));
            }
        };
        for (method, op) in item.iter() {
            let method = METHODS.iter().copied().find(|m| *m == method).unwrap_or("get");
            let id = op.operation_id.clone().unwrap_or_else(|| synthesize_id(method, path));
            out.push(RawOperation {
                path,
                method,
                op,
                path_params: &item.parameters,
                id,
                pointer: format!("{pointer}/{method}"),
            });
        }
    }
    let mut seen: HashMap<&str, &str> = HashMap::new();
    for op in &out {
        if let Some(first) = seen.insert(&op.id, &op.pointer) {
            return Err(Error::at(origin, format!("{}/operationId", op.pointer), format!("operationId `{}` is also used at {first}; operation ids must be unique", op.id)));
        }
    }
    Ok(out)
}

/// `get /pets/{petId}/photos` -> `getPetsPetIdPhotos`.
fn synthesize_id(method: &str, path: &str) -> String {
    let words: Vec<&str> = path.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect();
    format!("{method} {}", words.join(" ")).to_upper_camel_case()
}

/// Rust names of one operation.
struct OperationNames {
    group: Option<String>,
    group_type: String,
    method: String,
    builder: String,
}

/// Chooses group and method names: the operation id without its tag prefix
/// (`meetingGet` in tag `meetings` -> `client.meetings().get()`), unless that
/// would collide or leave nothing.
fn name_operations(ops: &[RawOperation<'_>]) -> Vec<OperationNames> {
    let mut groups: BTreeMap<String, Scope> = BTreeMap::new();
    let mut type_scope = Scope::with_reserved(&["Client", "ClientBuilder", "Error", "Result", "Request"]);
    let mut group_types: HashMap<String, String> = HashMap::new();
    let mut builders = Scope::default();
    // Shortened names that two operations of a group would share stay long.
    let mut short_count: HashMap<(String, String), usize> = HashMap::new();
    let shorts: Vec<(Option<String>, String, String)> = ops
        .iter()
        .map(|op| {
            let tag = op.op.tags.first().cloned();
            let full = field_name(&op.id);
            let short = tag.as_deref().map(|t| strip_tag(&full, &field_name(t))).unwrap_or_else(|| full.clone());
            let group = tag.as_deref().map(field_name);
            *short_count.entry((group.clone().unwrap_or_default(), short.clone())).or_default() += 1;
            (group, short, full)
        })
        .collect();
    ops.iter()
        .zip(shorts)
        .map(|(op, (group, short, full))| {
            let key = group.clone().unwrap_or_default();
            let scope = groups.entry(key.clone()).or_insert_with(|| {
                Scope::with_reserved(&["new", "builder", "from_env", "base_url", "clone", "fmt", "send_json", "send_text", "send_empty", "execute"])
            });
            let wanted = if short_count[&(key.clone(), short.clone())] > 1 { full } else { short };
            let method = scope.claim(wanted);
            let group_type = match &group {
                None => String::new(),
                Some(_) => group_types
                    .entry(key.clone())
                    .or_insert_with(|| type_scope.claim(format!("{}Api", type_name(&key))))
                    .clone(),
            };
            let builder = builders.claim(format!("{}Request", type_name(&op.id)));
            OperationNames { group, group_type, method, builder }
        })
        .collect()
}

/// `meeting_get` in group `meetings` -> `get`; `personal_meeting_type_list`
/// in `personal_meeting_type` -> `list`. Keeps the full name when the rest
/// would be empty or not start like an identifier.
fn strip_tag(full: &str, tag: &str) -> String {
    let singular = tag.strip_suffix('s').unwrap_or(tag);
    for prefix in [tag, singular] {
        if let Some(rest) = full.strip_prefix(prefix).and_then(|r| r.strip_prefix('_')) {
            if rest.starts_with(|c: char| c.is_ascii_lowercase()) {
                return field_name(rest);
            }
        }
    }
    full.to_string()
}

fn convert_operation(api: &OpenAPI, space: &mut TypeSpace<'_>, raw: &RawOperation<'_>, names: OperationNames, origin: &str) -> Result<Operation, Error> {
    let op = raw.op;
    let builder = names.builder.clone();

    // Operation parameters override path-level ones with the same name and place.
    let mut params: Vec<(Parameter, String)> = Vec::new();
    for (list, base) in [(raw.path_params, format!("{}/../parameters", raw.pointer)), (&op.parameters[..], format!("{}/parameters", raw.pointer))] {
        for (i, p) in list.iter().enumerate() {
            let pointer = format!("{base}/{i}");
            let p = resolve_parameter(api, p, &pointer, origin)?;
            let data = p.parameter_data_ref();
            params.retain(|(q, _)| !(q.parameter_data_ref().name == data.name && std::mem::discriminant(q) == std::mem::discriminant(&p)));
            params.push((p, pointer));
        }
    }
    // Names the request builder already uses for its own fields and methods.
    let mut scope = Scope::with_reserved(&["body", "client", "send", "self_", "timeout", "items", "collect_all", "into_future", "next_link"]);
    let mut out_params = Vec::new();
    for (p, pointer) in params {
        let location = match &p {
            Parameter::Path { .. } => ParamLocation::Path,
            Parameter::Query { .. } => ParamLocation::Query,
            Parameter::Header { .. } => ParamLocation::Header,
            // Cookies are rare in API clients and reqwest has no cookie jar here.
            Parameter::Cookie { .. } => continue,
        };
        let data = p.parameter_data_ref();
        let hint = format!("{}{}", builder.trim_end_matches("Request"), type_name(&data.name));
        let (ty, schema) = match &data.format {
            ParameterSchemaOrContent::Schema(s) => (space.convert(s, &hint, &format!("{pointer}/schema"))?, Some(s)),
            ParameterSchemaOrContent::Content(_) => (TypeRef::String, None),
        };
        let (default, constraints) = match schema {
            Some(ReferenceOr::Item(s)) => (s.schema_data.default.clone(), constraints_of(s)),
            _ => (None, Default::default()),
        };
        out_params.push(Param {
            name: scope.claim(field_name(&data.name)),
            wire_name: data.name.clone(),
            location,
            ty,
            required: data.required || location == ParamLocation::Path,
            docs: Docs { summary: None, description: data.description.clone(), deprecated: data.deprecated.unwrap_or(false) },
            default,
            constraints,
        });
    }

    let body = match &op.request_body {
        None => None,
        Some(b) => {
            let pointer = format!("{}/requestBody", raw.pointer);
            let bodies = api.components.as_ref().map(|c| &c.request_bodies);
            let b = resolve(b, bodies, "requestBodies", &pointer, origin)?;
            pick_content(&b.content).map(|(ct, media)| -> Result<Body, Error> {
                let media_pointer = format!("{pointer}/content/{}/schema", escape_pointer(ct));
                let ty = match (&media.schema, is_json(ct)) {
                    (Some(s), true) => space.convert(s, &format!("{}Body", builder.trim_end_matches("Request")), &media_pointer)?,
                    (None, true) => TypeRef::Json,
                    (_, false) => TypeRef::String,
                };
                Ok(Body { content_type: ct.to_string(), ty, required: b.required })
            }).transpose()?
        }
    };

    let response = success_response(api, space, op, &builder, &raw.pointer, origin)?;

    let permissions = PERMISSION_KEYS
        .iter()
        .find_map(|k| op.extensions.get(*k))
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).map(str::to_string).collect())
        .unwrap_or_default();

    Ok(Operation {
        id: raw.id.clone(),
        group: names.group.unwrap_or_default(),
        group_type: names.group_type,
        method_name: names.method,
        builder_type: builder,
        http_method: raw.method.to_ascii_uppercase(),
        path: raw.path.to_string(),
        docs: Docs { summary: op.summary.clone(), description: op.description.clone(), deprecated: op.deprecated },
        replacement: None,
        permissions,
        retry_safe: matches!(raw.method, "get" | "head" | "options" | "put" | "delete") || says_read_only(op),
        params: out_params,
        body,
        response,
        pagination: None,
    })
}

/// Whether the document marks an operation as only reading: Tapir's Edge API
/// starts such descriptions with `READ-ONLY.`; `x-read-only: true` also counts.
fn says_read_only(op: &OaOperation) -> bool {
    op.extensions.get("x-read-only").and_then(Value::as_bool).unwrap_or(false)
        || [&op.description, &op.summary].iter().any(|t| t.as_deref().is_some_and(|t| t.trim_start().starts_with("READ-ONLY")))
}

fn constraints_of(s: &openapiv3::Schema) -> crate::ir::Constraints {
    let mut c = crate::ir::Constraints::default();
    if let openapiv3::SchemaKind::Type(t) = &s.schema_kind {
        match t {
            openapiv3::Type::Integer(i) => {
                c.minimum = i.minimum.map(|n| n as f64);
                c.maximum = i.maximum.map(|n| n as f64);
                c.exclusive_minimum = i.exclusive_minimum;
                c.exclusive_maximum = i.exclusive_maximum;
            }
            openapiv3::Type::String(st) => {
                c.pattern = st.pattern.clone();
                c.min_length = st.min_length;
                c.max_length = st.max_length;
            }
            _ => {}
        }
    }
    c
}

fn resolve_parameter(api: &OpenAPI, p: &ReferenceOr<Parameter>, pointer: &str, origin: &str) -> Result<Parameter, Error> {
    resolve(p, api.components.as_ref().map(|c| &c.parameters), "parameters", pointer, origin).cloned()
}

/// The item itself, or the one a `#/components/<section>/<name>` reference names.
fn resolve<'a, T>(
    item: &'a ReferenceOr<T>,
    components: Option<&'a indexmap::IndexMap<String, ReferenceOr<T>>>,
    section: &str,
    pointer: &str,
    origin: &str,
) -> Result<&'a T, Error> {
    match item {
        ReferenceOr::Item(item) => Ok(item),
        ReferenceOr::Reference { reference } => {
            let prefix = format!("#/components/{section}/");
            // Bundling wrote every reference as a JSON pointer: `~1` is `/`.
            let found = reference.strip_prefix(&prefix).and_then(|name| components?.get(&name.replace("~1", "/").replace("~0", "~")));
            match found {
                Some(ReferenceOr::Item(item)) => Ok(item),
                _ => Err(Error::at(origin, pointer, format!("`{reference}` not found under components/{section}; fix the reference or add the component"))),
            }
        }
    }
}

fn is_json(content_type: &str) -> bool {
    let ct = content_type.split(';').next().unwrap_or("").trim();
    ct == "application/json" || ct.ends_with("+json") || ct == "*/*"
}

/// The media type to use: JSON if offered, else the first.
fn pick_content(content: &indexmap::IndexMap<String, openapiv3::MediaType>) -> Option<(&str, &openapiv3::MediaType)> {
    content
        .iter()
        .find(|(ct, _)| is_json(ct))
        .or_else(|| content.iter().next())
        .map(|(ct, m)| (ct.as_str(), m))
}

/// The lowest 2xx response decides what a successful call returns.
fn success_response(api: &OpenAPI, space: &mut TypeSpace<'_>, op: &OaOperation, builder: &str, op_pointer: &str, origin: &str) -> Result<Response, Error> {
    let mut candidates: Vec<(u16, String, &ReferenceOr<openapiv3::Response>)> = op
        .responses
        .responses
        .iter()
        .filter_map(|(code, r)| match code {
            StatusCode::Code(c) if (200..300).contains(c) => Some((*c, c.to_string(), r)),
            StatusCode::Range(2) => Some((299, "2XX".to_string(), r)),
            _ => None,
        })
        .collect();
    candidates.sort_by_key(|(c, _, _)| *c);
    let Some((_, code, response)) = candidates.into_iter().next() else {
        return Ok(Response::Empty);
    };
    let pointer = format!("{op_pointer}/responses/{code}");
    let response = resolve(response, api.components.as_ref().map(|c| &c.responses), "responses", &pointer, origin)?;
    let Some((ct, media)) = pick_content(&response.content) else {
        return Ok(Response::Empty);
    };
    if is_json(ct) {
        let ty = match &media.schema {
            Some(s) => space.convert(s, &format!("{}Response", builder.trim_end_matches("Request")), &format!("{pointer}/content/{}/schema", escape_pointer(ct)))?,
            None => TypeRef::Json,
        };
        Ok(Response::Json(ty))
    } else {
        Ok(Response::Text { content_type: ct.to_string() })
    }
}

/// Links deprecated operations to their replacement when the document names
/// one by operation id or by `x-mcp-tool` name.
fn resolve_replacements(ops: &mut [Operation], raw: &[RawOperation<'_>]) {
    let mut by_name: HashMap<String, usize> = HashMap::new();
    for (i, r) in raw.iter().enumerate() {
        by_name.insert(r.id.clone(), i);
        if let Some(tool) = r.op.extensions.get("x-mcp-tool").and_then(Value::as_str) {
            by_name.insert(tool.to_string(), i);
        }
    }
    for (i, r) in raw.iter().enumerate() {
        let named = REPLACEMENT_KEYS.iter().find_map(|k| r.op.extensions.get(*k)).and_then(Value::as_str);
        if let Some(target) = named.and_then(|n| by_name.get(n)) {
            ops[i].replacement = Some(ops[*target].id.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tag_prefixes_are_stripped() {
        assert_eq!(strip_tag("meeting_get", "meetings"), "get");
        assert_eq!(strip_tag("personal_meeting_type_list", "personal_meeting_type"), "list");
        assert_eq!(strip_tag("scheduling_link_create_group", "scheduling_links"), "create_group");
        assert_eq!(strip_tag("tenant_get", "tenant"), "get");
        assert_eq!(strip_tag("list_pets", "pets"), "list_pets");
        assert_eq!(strip_tag("meetings", "meetings"), "meetings");
    }

    #[test]
    fn ids_are_synthesized_from_method_and_path() {
        assert_eq!(synthesize_id("get", "/pets/{petId}/photos"), "GetPetsPetIdPhotos");
    }
}
