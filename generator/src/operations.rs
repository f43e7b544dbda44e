//! Operations -> IR: parameters, bodies, responses, names and groups.
//! Drives [`TypeSpace`], so only schemas that operations reach become types.

use std::collections::{BTreeMap, HashMap};

use heck::ToUpperCamelCase;
use openapiv3::{
    OpenAPI, Operation as OaOperation, Parameter, ParameterSchemaOrContent, ReferenceOr, StatusCode,
};

use crate::error::{escape_pointer, Error, Warning};
use crate::ir::{
    Api, AuthOption, Body, BodyKind, Docs, Operation, Param, ParamLocation, Response, TypeRef,
};
use crate::load::Document;
use crate::names::{
    field_name, plain_method_name, plural, type_name, version_word, NameTable, PlainName, Scope,
    RESERVED_METHODS,
};
use crate::quirks;
use crate::typify::TypeSpace;

const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Builds the IR of a loaded document, with the names `table` chooses.
pub fn build(doc: &Document, origin: &str, table: &NameTable) -> Result<Api, Error> {
    build_reporting(doc, origin, table, &mut Vec::new())
}

/// Same as [`build`], adding to `warnings` the schemas read as any JSON value.
pub fn build_reporting(
    doc: &Document,
    origin: &str,
    table: &NameTable,
    warnings: &mut Vec<Warning>,
) -> Result<Api, Error> {
    let api = &doc.api;
    let empty = indexmap::IndexMap::new();
    let schemas = api
        .components
        .as_ref()
        .map(|c| &c.schemas)
        .unwrap_or(&empty);
    let chosen_types = table
        .schemas
        .iter()
        .map(|(schema, c)| (schema.clone(), c.name.clone()))
        .collect();
    let mut space = TypeSpace::new(schemas, &doc.tree, origin, &chosen_types);

    let raw = collect(api, origin)?;
    let named = name_operations(&raw, table)?;
    let mut operations = Vec::with_capacity(raw.len());
    for (op, names) in raw.iter().zip(named) {
        operations.push(convert_operation(api, &mut space, op, names, origin)?);
    }
    resolve_replacements(&mut operations, &raw);
    warnings.extend(space.take_warnings());
    let mut types = space.finish();
    // Names emit would otherwise have to invent, chosen here once.
    for def in &mut types {
        def.extra_field = crate::names::extra_field_name(def);
    }
    let root = crate::names::root_module(operations.iter().map(|o| o.group.as_str()));
    let test_names = crate::names::test_names(&operations);
    for (op, test_name) in operations.iter_mut().zip(test_names) {
        op.test_name = test_name;
        op.module = if op.group.is_empty() {
            root.clone()
        } else {
            op.group.clone()
        };
    }
    for op in &mut operations {
        op.pagination = crate::pagination::detect(op, &types);
    }

    Ok(Api {
        title: api.info.title.clone(),
        description: api.info.description.clone(),
        version: api.info.version.clone(),
        base_url: api
            .servers
            .first()
            .map(|s| s.url.trim_end_matches('/').to_string()),
        types,
        operations,
        // Filled by `crate::build`, which has the bundled documents.
        sources: Default::default(),
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
                return Err(Error::at(
                    origin,
                    pointer,
                    format!("path item `$ref: {reference}` is not supported; inline the path item"),
                ));
            }
        };
        for (method, op) in item.iter() {
            let method = METHODS
                .iter()
                .copied()
                .find(|m| *m == method)
                .unwrap_or("get");
            let id = op
                .operation_id
                .clone()
                .unwrap_or_else(|| synthesize_id(method, path));
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
            return Err(Error::at(
                origin,
                format!("{}/operationId", op.pointer),
                format!(
                    "operationId `{}` is also used at {first}; operation ids must be unique",
                    op.id
                ),
            ));
        }
    }
    Ok(out)
}

/// `get /pets/{petId}/photos` -> `getPetsPetIdPhotos`.
fn synthesize_id(method: &str, path: &str) -> String {
    let words: Vec<&str> = path
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    format!("{method} {}", words.join(" ")).to_upper_camel_case()
}

/// Rust names of one operation.
struct OperationNames {
    group: Option<String>,
    group_type: String,
    method: String,
    builder: String,
    /// Prefix of the names of types the operation defines inline.
    hint: String,
    /// The operation that took the plain method name this one also wanted.
    collision: Option<String>,
}

/// Chooses group, method and builder names. The group is the first tag; the
/// method is the operation id without its tag prefix (`meetingGet` in tag
/// `meetings` -> `client.meetings().get()`) and without transport noise
/// ([`plain_method_name`]: `meetingListPut` -> `list`). Names from the names
/// file come first. When two operations of a group want the same name, the
/// newer, non-deprecated one gets it and the other keeps its own suffix (or
/// gets its version or HTTP method as one): `meetingList` (deprecated, `/v1/`)
/// becomes `list_v1` beside `meetingListPut` as `list`.
fn name_operations(
    ops: &[RawOperation<'_>],
    table: &NameTable,
) -> Result<Vec<OperationNames>, Error> {
    let groups: Vec<Option<String>> = ops
        .iter()
        .map(|op| op.op.tags.first().map(|t| field_name(t)))
        .collect();
    let key = |i: usize| groups[i].clone().unwrap_or_default();
    // The document's own name without the tag; shortened names that two
    // operations of a group would share stay long.
    let mut short_count: HashMap<(String, String), usize> = HashMap::new();
    let shorts: Vec<(String, String)> = ops
        .iter()
        .enumerate()
        .map(|(i, op)| {
            let full = field_name(&op.id);
            let short = groups[i]
                .as_deref()
                .map(|g| strip_tag(&full, g))
                .unwrap_or_else(|| full.clone());
            *short_count.entry((key(i), short.clone())).or_default() += 1;
            (short, full)
        })
        .collect();
    let bases: Vec<String> = shorts
        .into_iter()
        .enumerate()
        .map(|(i, (short, full))| {
            if short_count[&(key(i), short.clone())] > 1 {
                full
            } else {
                short
            }
        })
        .collect();
    let plains: Vec<PlainName> = ops
        .iter()
        .zip(&bases)
        .map(|(op, base)| plain_method_name(base, op.method))
        .collect();
    let version = |i: usize| {
        let path = path_version(ops[i].path);
        (plains[i].version.or(path).unwrap_or(0), path.unwrap_or(0))
    };

    let mut scopes: BTreeMap<String, Scope> = BTreeMap::new();
    let mut claim = |i: usize, name: String| {
        scopes
            .entry(key(i))
            .or_insert_with(|| Scope::with_reserved(RESERVED_METHODS))
            .claim(name)
    };
    let mut methods: Vec<Option<String>> = vec![None; ops.len()];
    // (group, name) -> index of the operation holding it by choice or rule.
    let mut holder: HashMap<(String, String), usize> = HashMap::new();
    for (i, op) in ops.iter().enumerate() {
        let Some(chosen) = table.operations.get(&op.id) else {
            continue;
        };
        if let Some(&other) = holder.get(&(key(i), chosen.name.clone())) {
            return Err(table.error(
                chosen.line,
                &format!("operations.{}", op.id),
                format!("`{}` is also chosen for operation `{}` of the same group; a method name must be unique in its group", chosen.name, ops[other].id),
            ));
        }
        holder.insert((key(i), chosen.name.clone()), i);
        methods[i] = Some(claim(i, chosen.name.clone()));
    }
    // Who gets each plain name the rules give: no deprecation first, then the
    // highest version, then a name that was already plain, then document order.
    let rank = |j: usize| {
        (
            !ops[j].op.deprecated,
            version(j),
            bases[j] == plains[j].name,
            std::cmp::Reverse(j),
        )
    };
    let mut winner: HashMap<(String, String), usize> = HashMap::new();
    for i in (0..ops.len()).filter(|&i| methods[i].is_none()) {
        winner
            .entry((key(i), plains[i].name.clone()))
            .and_modify(|w| {
                if rank(i) > rank(*w) {
                    *w = i;
                }
            })
            .or_insert(i);
    }
    let mut collisions: Vec<Option<usize>> = vec![None; ops.len()];
    let by_rule: Vec<usize> = (0..ops.len()).filter(|&i| methods[i].is_none()).collect();
    for i in by_rule {
        let wanted = (key(i), plains[i].name.clone());
        match holder.get(&wanted) {
            Some(&chosen) => collisions[i] = Some(chosen),
            None if winner[&wanted] == i => {
                holder.insert(wanted, i);
                methods[i] = Some(claim(i, plains[i].name.clone()));
            }
            None => collisions[i] = Some(winner[&wanted]),
        }
    }
    for i in 0..ops.len() {
        let Some(w) = collisions[i] else { continue };
        let wanted = if bases[i] != plains[i].name {
            bases[i].clone()
        } else if version(i).0 != version(w).0 {
            format!("{}_v{}", bases[i], version(i).0)
        } else if ops[i].method != ops[w].method {
            format!("{}_{}", bases[i], ops[i].method)
        } else {
            bases[i].clone()
        };
        methods[i] = Some(claim(i, wanted));
    }

    let mut type_scope =
        Scope::with_reserved(&["Client", "ClientBuilder", "Error", "Result", "Request"]);
    let mut group_types: HashMap<String, String> = HashMap::new();
    let mut builders = Scope::with_reserved(&["ClientBuilder"]);
    Ok(ops
        .iter()
        .enumerate()
        .map(|(i, op)| {
            let method = methods[i].clone().unwrap_or_default();
            let group_type = match &groups[i] {
                None => String::new(),
                Some(g) => group_types
                    .entry(g.clone())
                    .or_insert_with(|| type_scope.claim(format!("{}Api", type_name(g))))
                    .clone(),
            };
            // Named after the call it builds (`client.rule().create()` ->
            // `RuleCreateBuilder`, `client.pet().update_pet()` -> `UpdatePetBuilder`),
            // never like a body type (`types::RuleCreateRequest`).
            let group = key(i);
            let singular = group.strip_suffix('s').unwrap_or(&group);
            let says_group = [group.as_str(), singular, &plural(&group)]
                .iter()
                .any(|g| format!("_{method}_").contains(&format!("_{g}_")));
            let prefix = if group.is_empty() || says_group {
                String::new()
            } else {
                type_name(&group)
            };
            let builder = builders.claim(format!("{prefix}{}Builder", type_name(&method)));
            OperationNames {
                group: groups[i].clone(),
                group_type,
                method,
                builder,
                hint: type_name(&op.id),
                collision: collisions[i].map(|w| ops[w].id.clone()),
            }
        })
        .collect())
}

/// The API version a path starts with: `/v2/org/team` -> 2.
fn path_version(path: &str) -> Option<u32> {
    path.split('/').find_map(version_word)
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

fn convert_operation(
    api: &OpenAPI,
    space: &mut TypeSpace<'_>,
    raw: &RawOperation<'_>,
    names: OperationNames,
    origin: &str,
) -> Result<Operation, Error> {
    let op = raw.op;
    let hint = names.hint.clone();

    // Operation parameters override path-level ones with the same name and place.
    let mut params: Vec<(Parameter, String)> = Vec::new();
    for (list, base) in [
        (raw.path_params, format!("{}/../parameters", raw.pointer)),
        (&op.parameters[..], format!("{}/parameters", raw.pointer)),
    ] {
        for (i, p) in list.iter().enumerate() {
            let pointer = format!("{base}/{i}");
            let p = resolve_parameter(api, p, &pointer, origin)?;
            let data = p.parameter_data_ref();
            params.retain(|(q, _)| {
                !(q.parameter_data_ref().name == data.name
                    && std::mem::discriminant(q) == std::mem::discriminant(&p))
            });
            params.push((p, pointer));
        }
    }
    // Names the request builder already uses for its own fields and methods.
    let mut scope = Scope::with_reserved(&[
        "body",
        "client",
        "send",
        "self_",
        "timeout",
        "items",
        "collect_all",
        "into_future",
        "next_link",
    ]);
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
        let param_hint = format!("{hint}{}", type_name(&data.name));
        let (ty, schema) = match &data.format {
            ParameterSchemaOrContent::Schema(s) => (
                space.convert(s, &param_hint, &format!("{pointer}/schema"))?,
                Some(s),
            ),
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
            docs: Docs {
                summary: None,
                description: data.description.clone(),
                deprecated: data.deprecated.unwrap_or(false),
            },
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
            pick_content(&b.content)
                .map(|(ct, media)| -> Result<Body, Error> {
                    let media_pointer = format!("{pointer}/content/{}/schema", escape_pointer(ct));
                    let ty = match (&media.schema, is_json(ct)) {
                        (Some(s), true) => {
                            space.convert(s, &format!("{hint}Body"), &media_pointer)?
                        }
                        (None, true) => TypeRef::Json,
                        (_, false) => TypeRef::String,
                    };
                    Ok(Body {
                        content_type: ct.to_string(),
                        ty,
                        required: b.required,
                        kind: if is_json(ct) {
                            BodyKind::Json
                        } else {
                            BodyKind::Text
                        },
                    })
                })
                .transpose()?
        }
    };

    let (response, json_content_type) =
        success_response(api, space, op, &hint, &raw.pointer, origin)?;

    let (retry_safe, retry_basis) = quirks::retry_safety(raw.method, op);

    Ok(Operation {
        id: raw.id.clone(),
        group: names.group.unwrap_or_default(),
        module: String::new(),
        test_name: String::new(),
        group_type: names.group_type,
        method_name: names.method,
        builder_type: names.builder,
        http_method: raw.method.to_ascii_uppercase(),
        path: raw.path.to_string(),
        docs: Docs {
            summary: op.summary.clone(),
            description: op.description.clone(),
            deprecated: op.deprecated,
        },
        replacement: None,
        permissions: quirks::permissions(op),
        retry_safe,
        retry_basis,
        auth: auth(api, op),
        json_content_type,
        params: out_params,
        body,
        response,
        pagination: None,
        collision: names.collision,
        previous_names: Vec::new(),
        previous_builders: Vec::new(),
    })
}

/// How the call authenticates: the operation's `security`, else the
/// document's, one [`AuthOption`] per alternative.
fn auth(api: &OpenAPI, op: &OaOperation) -> Vec<AuthOption> {
    let schemes = api.components.as_ref().map(|c| &c.security_schemes);
    // The client sends `Authorization: Bearer <token>` on every call.
    let bearer = |name: &str| match schemes.and_then(|s| s.get(name)) {
        Some(ReferenceOr::Item(openapiv3::SecurityScheme::APIKey {
            location: openapiv3::APIKeyLocation::Header,
            name,
            ..
        })) => name.eq_ignore_ascii_case("authorization"),
        Some(ReferenceOr::Item(openapiv3::SecurityScheme::HTTP { scheme, .. })) => {
            scheme.eq_ignore_ascii_case("bearer")
        }
        Some(ReferenceOr::Item(
            openapiv3::SecurityScheme::OAuth2 { .. }
            | openapiv3::SecurityScheme::OpenIDConnect { .. },
        )) => true,
        _ => false,
    };
    op.security
        .as_ref()
        .or(api.security.as_ref())
        .map(|requirements| {
            requirements
                .iter()
                .map(|r| AuthOption {
                    schemes: r.keys().cloned().collect(),
                    bearer: r.keys().all(|k| bearer(k)),
                })
                .collect()
        })
        .unwrap_or_default()
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

fn resolve_parameter(
    api: &OpenAPI,
    p: &ReferenceOr<Parameter>,
    pointer: &str,
    origin: &str,
) -> Result<Parameter, Error> {
    resolve(
        p,
        api.components.as_ref().map(|c| &c.parameters),
        "parameters",
        pointer,
        origin,
    )
    .cloned()
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
            let found = reference
                .strip_prefix(&prefix)
                .and_then(|name| components?.get(&name.replace("~1", "/").replace("~0", "~")));
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
fn pick_content(
    content: &indexmap::IndexMap<String, openapiv3::MediaType>,
) -> Option<(&str, &openapiv3::MediaType)> {
    content
        .iter()
        .find(|(ct, _)| is_json(ct))
        .or_else(|| content.iter().next())
        .map(|(ct, m)| (ct.as_str(), m))
}

/// The lowest 2xx response decides what a successful call returns; with it,
/// its JSON media type when that is not plain `application/json`.
fn success_response(
    api: &OpenAPI,
    space: &mut TypeSpace<'_>,
    op: &OaOperation,
    hint: &str,
    op_pointer: &str,
    origin: &str,
) -> Result<(Response, Option<String>), Error> {
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
        return Ok((Response::Empty, None));
    };
    let pointer = format!("{op_pointer}/responses/{code}");
    let response = resolve(
        response,
        api.components.as_ref().map(|c| &c.responses),
        "responses",
        &pointer,
        origin,
    )?;
    let Some((ct, media)) = pick_content(&response.content) else {
        return Ok((Response::Empty, None));
    };
    if is_json(ct) {
        let ty = match &media.schema {
            Some(s) => space.convert(
                s,
                &format!("{hint}Response"),
                &format!("{pointer}/content/{}/schema", escape_pointer(ct)),
            )?,
            None => TypeRef::Json,
        };
        Ok((
            Response::Json(ty),
            (ct != "application/json").then(|| ct.to_string()),
        ))
    } else {
        Ok((
            Response::Text {
                content_type: ct.to_string(),
            },
            None,
        ))
    }
}

/// Links deprecated operations to the replacement their documentation names
/// ([`quirks::replacement_candidates`]), by operation id or tool name.
fn resolve_replacements(ops: &mut [Operation], raw: &[RawOperation<'_>]) {
    let mut by_name: HashMap<String, usize> = HashMap::new();
    for (i, r) in raw.iter().enumerate() {
        by_name.insert(r.id.clone(), i);
        if let Some(tool) = quirks::tool_name(r.op) {
            by_name.entry(tool).or_insert(i);
        }
    }
    for (i, r) in raw.iter().enumerate() {
        if !ops[i].docs.deprecated {
            continue;
        }
        let target = quirks::replacement_candidates(r.op)
            .iter()
            .find_map(|n| by_name.get(n).copied().filter(|t| *t != i));
        if let Some(target) = target {
            ops[i].replacement = Some(ops[target].id.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tag_prefixes_are_stripped() {
        assert_eq!(strip_tag("meeting_get", "meetings"), "get");
        assert_eq!(
            strip_tag("personal_meeting_type_list", "personal_meeting_type"),
            "list"
        );
        assert_eq!(
            strip_tag("scheduling_link_create_group", "scheduling_links"),
            "create_group"
        );
        assert_eq!(strip_tag("tenant_get", "tenant"), "get");
        assert_eq!(strip_tag("list_pets", "pets"), "list_pets");
        assert_eq!(strip_tag("meetings", "meetings"), "meetings");
    }

    #[test]
    fn ids_are_synthesized_from_method_and_path() {
        assert_eq!(
            synthesize_id("get", "/pets/{petId}/photos"),
            "GetPetsPetIdPhotos"
        );
    }
}
