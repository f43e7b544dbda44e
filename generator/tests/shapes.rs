//! The generator on small inline documents: one test per naming rule,
//! schema shape and 3.1 lowering, asserted on the IR.

use chili_gen::ir::{Api, ParamLocation, Response, TypeDef, TypeKind, TypeRef};

fn api(components: &str, paths: &str) -> Api {
    let text = format!(
        "openapi: 3.1.0\ninfo: {{title: T, version: '1'}}\nservers: [{{url: 'https://example.test/api/'}}]\npaths:\n{paths}\ncomponents:\n  schemas:\n{components}"
    );
    chili_gen::build_api(&text, "inline.yaml").unwrap_or_else(|e| panic!("{e}\n{text}"))
}

/// A document with one `GET /x` returning `#/components/schemas/<root>`.
fn returning(root: &str, components: &str) -> Api {
    let paths = format!(
        "  /x:\n    get:\n      operationId: getX\n      tags: [things]\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {{$ref: '#/components/schemas/{root}'}}\n"
    );
    api(components, &paths)
}

fn ty<'a>(api: &'a Api, name: &str) -> &'a TypeDef {
    api.types
        .iter()
        .find(|t| t.name == name)
        .unwrap_or_else(|| panic!("no type {name} in\n{api}"))
}

#[test]
fn discriminated_union_uses_mapping_tags_and_drops_the_tag_field() {
    let api = returning(
        "AssignToTarget",
        r#"
    AssignToTarget:
      oneOf: [{$ref: '#/components/schemas/AssignToTarget_ThisPathTeam'}, {$ref: '#/components/schemas/AssignToTarget_Nobody'}]
      discriminator:
        propertyName: type
        mapping:
          ThisPathTeam: '#/components/schemas/AssignToTarget_ThisPathTeam'
          Nobody: '#/components/schemas/AssignToTarget_Nobody'
    AssignToTarget_ThisPathTeam:
      type: object
      required: [id, type]
      properties:
        id: {type: string}
        type: {type: string, const: ThisPathTeam}
    AssignToTarget_Nobody:
      type: object
      required: [type]
      properties:
        type: {type: string, const: Nobody}
"#,
    );
    let TypeKind::Union { tag, variants } = &ty(&api, "AssignToTarget").kind else {
        panic!()
    };
    assert_eq!(tag.as_deref(), Some("type"));
    assert_eq!(variants[0].name, "ThisPathTeam");
    assert_eq!(variants[0].tag.as_deref(), Some("ThisPathTeam"));
    assert_eq!(
        variants[0].ty,
        Some(TypeRef::Named("AssignToTargetThisPathTeam".into()))
    );
    // A tag-only variant is a unit variant, with no empty struct left behind.
    assert_eq!(variants[1].name, "Nobody");
    assert_eq!(variants[1].ty, None);
    assert!(!api.types.iter().any(|t| t.name == "AssignToTargetNobody"));
    let TypeKind::Struct { fields, .. } = &ty(&api, "AssignToTargetThisPathTeam").kind else {
        panic!()
    };
    let names: Vec<&str> = fields.iter().map(|f| f.wire_name.as_str()).collect();
    assert_eq!(
        names,
        ["id"],
        "the tag belongs to the union, not the variant struct"
    );
}

#[test]
fn variant_types_are_named_from_union_and_tag_not_the_variant_schema() {
    // Tapir 1.230 named this variant `ThisPathTeam`; 1.494 `AssignToTarget_ThisPathTeam`.
    let api = returning(
        "AssignToTarget",
        r#"
    AssignToTarget:
      oneOf: [{$ref: '#/components/schemas/ThisPathTeam'}]
      discriminator: {propertyName: type, mapping: {ThisPathTeam: '#/components/schemas/ThisPathTeam'}}
    ThisPathTeam:
      type: object
      properties: {id: {type: string}, type: {type: string, const: ThisPathTeam}}
"#,
    );
    ty(&api, "AssignToTargetThisPathTeam");
}

#[test]
fn mapping_to_class_names_still_gives_the_mapping_key_as_tag() {
    // Tapir 1.230 mapped tags to Scala class names instead of schemas.
    let api = returning(
        "AvailabilityExpectedHost",
        r#"
    AvailabilityExpectedHost:
      oneOf: [{$ref: '#/components/schemas/AvailabilityExpectedHost_User'}, {$ref: '#/components/schemas/AvailabilityExpectedHost_Nobody'}]
      discriminator:
        propertyName: type
        mapping:
          User: com.chilipiper.edge.api.endpoint.model.EdgeAvailabilityExpectedHost.User
          Nobody: com.chilipiper.edge.api.endpoint.model.EdgeAvailabilityExpectedHost.Nobody
    AvailabilityExpectedHost_User:
      type: object
      required: [userId, type]
      properties: {userId: {type: string}, type: {type: string}}
    AvailabilityExpectedHost_Nobody:
      type: object
      properties: {reason: {type: string}, type: {type: string}}
"#,
    );
    let TypeKind::Union { variants, .. } = &ty(&api, "AvailabilityExpectedHost").kind else {
        panic!()
    };
    let tags: Vec<(&str, Option<&str>)> = variants
        .iter()
        .map(|v| (v.name.as_str(), v.tag.as_deref()))
        .collect();
    assert_eq!(tags, [("User", Some("User")), ("Nobody", Some("Nobody"))]);
    ty(&api, "AvailabilityExpectedHostUser");
}

#[test]
fn operators_become_words_and_enums_stay_open() {
    let api = returning(
        "Operator",
        "    Operator: {type: string, enum: ['<', '>', '<=', '>=', isAnyOf, Unknown]}\n",
    );
    let TypeKind::Enum { values } = &ty(&api, "Operator").kind else {
        panic!()
    };
    let names: Vec<&str> = values.iter().map(|v| v.name.as_str()).collect();
    // `Unknown` is the catch-all, so a wire value of that name gets another.
    assert_eq!(names, ["Lt", "Gt", "Le", "Ge", "IsAnyOf", "Unknown2"]);
}

#[test]
fn option_aliases_collapse_and_constrained_strings_are_newtypes() {
    let api = returning(
        "Team",
        r#"
    Team:
      type: object
      required: [id]
      properties:
        id: {$ref: '#/components/schemas/TeamId'}
        parent: {$ref: '#/components/schemas/Option_TeamId'}
        label: {$ref: '#/components/schemas/Option_String'}
        labels: {$ref: '#/components/schemas/Map_String'}
        at: {type: string, format: date-time}
        day: {type: string, format: date}
        uid: {type: string, format: uuid}
        count: {type: integer, format: int32, exclusiveMinimum: 0}
    TeamId: {type: string, pattern: '[^\s\\/]+'}
    Option_TeamId: {$ref: '#/components/schemas/TeamId'}
    Option_String: {type: string}
    Map_String: {type: object, additionalProperties: {type: string}, properties: {}}
"#,
    );
    let TypeKind::Struct { fields, .. } = &ty(&api, "Team").kind else {
        panic!()
    };
    let types: Vec<String> = fields.iter().map(|f| f.ty.to_string()).collect();
    assert_eq!(
        types,
        [
            "TeamId",
            "TeamId",
            "String",
            "Map<String>",
            "DateTime",
            "Date",
            "Uuid",
            "i32"
        ]
    );
    assert!(fields[0].required && !fields[1].required);
    let count = &fields[7];
    assert_eq!(
        (
            count.constraints.minimum,
            count.constraints.exclusive_minimum
        ),
        (Some(0.0), true)
    );
    let TypeKind::Newtype { constraints, .. } = &ty(&api, "TeamId").kind else {
        panic!()
    };
    assert!(constraints.pattern.is_some());
    for alias in ["OptionTeamId", "OptionString", "MapString"] {
        assert!(
            !api.types.iter().any(|t| t.name == alias),
            "{alias} should collapse"
        );
    }
}

#[test]
fn recursive_fields_are_boxed_but_lists_are_not() {
    let api = returning(
        "Node",
        r#"
    Node:
      type: object
      properties:
        next: {$ref: '#/components/schemas/Node'}
        children: {type: array, items: {$ref: '#/components/schemas/Node'}}
"#,
    );
    let TypeKind::Struct { fields, .. } = &ty(&api, "Node").kind else {
        panic!()
    };
    assert!(fields[0].boxed);
    assert!(!fields[1].boxed);
}

#[test]
fn oneof_without_discriminator_is_untagged() {
    let api = returning(
        "DataObject",
        r#"
    DataObject:
      oneOf: [{$ref: '#/components/schemas/DataObjectA'}, {type: string}]
    DataObjectA: {type: object, properties: {a: {type: string}}}
"#,
    );
    let TypeKind::Union { tag, variants } = &ty(&api, "DataObject").kind else {
        panic!()
    };
    assert_eq!(tag, &None);
    let names: Vec<&str> = variants.iter().map(|v| v.name.as_str()).collect();
    assert_eq!(names, ["A", "String"]);
}

#[test]
fn nullable_31_type_lists() {
    let api = returning(
        "N",
        "    N: {type: object, required: [a], properties: {a: {type: [string, 'null']}}}\n",
    );
    let TypeKind::Struct { fields, .. } = &ty(&api, "N").kind else {
        panic!()
    };
    assert_eq!(fields[0].ty, TypeRef::Nullable(Box::new(TypeRef::String)));
}

#[test]
fn operations_group_by_tag_and_shorten_names() {
    let paths = r#"
  /v1/org/meetings/get/{meetingId}:
    get:
      operationId: meetingGet
      tags: [meetings]
      deprecated: true
      x-replacement: meetingGetV2
      X-Chili-Required-Permissions: [meeting.read]
      parameters:
        - {name: meetingId, in: path, required: true, schema: {type: string}}
        - {name: pageSize, in: query, schema: {type: integer, format: int64, default: 10}}
      responses:
        '200': {description: ok, content: {text/csv; charset=utf-8: {schema: {type: string}}}}
  /v2/org/meetings/get/{meetingId}:
    get:
      operationId: meetingGetV2
      tags: [meetings]
      parameters: [{name: meetingId, in: path, required: true, schema: {type: string}}]
      responses:
        '204': {description: none}
"#;
    let api = api("    X: {type: string}\n", paths);
    assert_eq!(api.base_url.as_deref(), Some("https://example.test/api"));
    let op = &api.operations[0];
    // The newer, non-deprecated `meetingGetV2` takes the plain name; the old
    // one keeps its version as a suffix, and the IR says why.
    assert_eq!(
        (
            op.group.as_str(),
            op.method_name.as_str(),
            op.builder_type.as_str()
        ),
        ("meetings", "get_v1", "MeetingsGetV1Builder")
    );
    assert_eq!(op.collision.as_deref(), Some("meetingGetV2"));
    assert_eq!(op.permissions, ["meeting.read"]);
    assert!(op.docs.deprecated);
    assert_eq!(op.replacement.as_deref(), Some("meetingGetV2"));
    assert_eq!(op.params[0].location, ParamLocation::Path);
    assert_eq!(
        (op.params[1].name.as_str(), op.params[1].required),
        ("page_size", false)
    );
    assert_eq!(
        op.response,
        Response::Text {
            content_type: "text/csv; charset=utf-8".into()
        }
    );
    assert_eq!(
        (
            api.operations[1].method_name.as_str(),
            api.operations[1].collision.as_deref()
        ),
        ("get", None)
    );
    assert_eq!(api.operations[1].response, Response::Empty);
}

#[test]
fn bad_documents_fail_with_a_location_not_a_panic() {
    let cases = [
        ("not yaml: [", "invalid YAML"),
        ("openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      responses:\n        '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Nope'}}}}\n", "/paths/~1a/get/responses/200"),
        ("openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      responses:\n        '200': {description: ok, content: {application/json: {schema: {$ref: 'other.yaml#/X'}}}}\n", "`other.yaml`, which cannot be read"),
        ("openapi: 2.5.0\n", "/openapi"),
        ("- a list\n", "not a mapping"),
    ];
    for (text, expected) in cases {
        let err = chili_gen::build_api(text, "bad.yaml")
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("bad.yaml"), "{err}");
        assert!(err.contains(expected), "expected {expected:?} in: {err}");
    }
}

#[test]
fn next_page_links_are_recognised_and_followed() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/fixtures/next-page.yaml"
    );
    let text = std::fs::read_to_string(path).unwrap();
    let api = chili_gen::build_api(&text, path).unwrap();
    let paging = api.operations[0]
        .pagination
        .as_ref()
        .expect("itemList is a paginated list");
    assert_eq!(paging.next_link.as_deref(), Some("next_page"));
    assert_eq!(
        (paging.items.as_str(), &paging.item),
        ("items", &TypeRef::Named("Item".into()))
    );
    let krate = chili_gen::generate(&text, path, &chili_gen::Options::new("np")).unwrap();
    let source = &krate.files["src/api/item.rs"];
    assert!(source.contains("request.follow(link)"), "{source}");
    assert!(
        source.contains("Cursor::Link(link) => request.next_link = Some(link)")
            || source.contains("request.next_link = Some(link);"),
        "{source}"
    );
}

#[test]
fn the_page_number_type_is_read_where_the_page_number_goes() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/fixtures/body-page.yaml"
    );
    let text = std::fs::read_to_string(path).unwrap();
    let api = chili_gen::build_api(&text, path).unwrap();
    for op in &api.operations {
        let paging = op.pagination.as_ref().expect("every operation pages");
        assert_eq!(paging.page_type, TypeRef::I32, "{}", op.id);
    }
    let next = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/fixtures/next-page.yaml"
    );
    let api = chili_gen::build_api(&std::fs::read_to_string(next).unwrap(), next).unwrap();
    assert_eq!(
        api.operations[0].pagination.as_ref().unwrap().page_type,
        TypeRef::I32
    );
}
