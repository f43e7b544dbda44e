//! Drift classification on small inline documents: one rule per test.
//!
//! Each test builds an old and a new document, diffs their IR with
//! `chili_gen::diff::diff` and asserts on the changes it reports.

use chili_gen::diff::{diff, next_version, Area, Change, Report, Severity};
use chili_gen::ir::Api;

/// A 3.1 document with `ops` under `paths:` and `schemas` under
/// `components/schemas` (both YAML, indented as they appear in the document).
fn doc(version: &str, ops: &str, schemas: &str) -> Api {
    let text = format!(
        "openapi: 3.1.0\ninfo: {{title: Drift, version: '{version}'}}\nservers: [{{url: 'https://example.test/api'}}]\npaths:\n{ops}\ncomponents:\n  schemas:\n{schemas}"
    );
    chili_gen::build_api(&text, "inline.yaml").unwrap_or_else(|e| panic!("{e}\n{text}"))
}

/// `GET path` (operation `id`, tag `things`) returning the schema `response`.
fn get(id: &str, path: &str, response: &str) -> String {
    format!(
        "  {path}:\n    get:\n      operationId: {id}\n      tags: [things]\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {{$ref: '#/components/schemas/{response}'}}\n"
    )
}

/// `POST path` (operation `id`, tag `things`) taking the schema `body` and
/// returning the schema `response`.
fn post(id: &str, path: &str, body: &str, response: &str) -> String {
    format!(
        "  {path}:\n    post:\n      operationId: {id}\n      tags: [things]\n      requestBody:\n        required: true\n        content:\n          application/json:\n            schema: {{$ref: '#/components/schemas/{body}'}}\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {{$ref: '#/components/schemas/{response}'}}\n"
    )
}

const THING: &str = "    Thing:\n      type: object\n      required: [id]\n      properties:\n        id: {type: string}\n        name: {type: string}\n";

fn report(old: &Api, new: &Api) -> Report {
    diff(old, new)
}

/// The one change about `subject` whose `what` contains `what`.
fn find(report: &Report, subject: &str, what: &str) -> Change {
    let found: Vec<&Change> = report
        .changes
        .iter()
        .filter(|c| c.subject == subject && c.what.contains(what))
        .collect();
    match found.as_slice() {
        [one] => (*one).clone(),
        _ => panic!(
            "expected one change `{subject}`: ..{what}.., found {}:\n{}",
            found.len(),
            report.to_markdown()
        ),
    }
}

/// The report without the document-version line every pair here has.
fn without_version(report: &Report) -> Vec<&Change> {
    report
        .changes
        .iter()
        .filter(|c| c.area != Area::Document)
        .collect()
}

#[test]
fn identical_documents_give_an_empty_report() {
    let a = doc(
        "1",
        &(get("getThing", "/thing", "Thing") + &post("putThing", "/thing", "Thing", "Thing")),
        THING,
    );
    let r = report(&a, &a);
    assert!(r.is_empty(), "{}", r.to_markdown());
    assert_eq!(r.severity(), None);
    assert_eq!(
        r.markdown_body(),
        "No changes a user of the client can see.\n"
    );
}

#[test]
fn document_version_change_alone_is_compatible() {
    let ops = get("getThing", "/thing", "Thing");
    let r = report(&doc("1", &ops, THING), &doc("2", &ops, THING));
    let c = find(&r, "version", "`1` → `2`");
    assert_eq!(c.severity, Severity::Compatible);
    assert_eq!(r.changes.len(), 1, "{}", r.to_markdown());
}

#[test]
fn removed_operation_is_breaking() {
    let old = doc(
        "1",
        &(get("getThing", "/thing", "Thing") + &get("listThings", "/things", "Thing")),
        THING,
    );
    let new = doc("1", &get("getThing", "/thing", "Thing"), THING);
    let c = find(&report(&old, &new), "listThings", "removed");
    assert_eq!(c.severity, Severity::Breaking);
    assert_eq!(c.area, Area::Operation);
    assert!(
        c.reason.contains("client.things().list_things()"),
        "{}",
        c.reason
    );
}

#[test]
fn added_operation_is_compatible() {
    let old = doc("1", &get("getThing", "/thing", "Thing"), THING);
    let new = doc(
        "1",
        &(get("getThing", "/thing", "Thing") + &get("listThings", "/things", "Thing")),
        THING,
    );
    let r = report(&old, &new);
    assert_eq!(
        find(&r, "listThings", "new operation").severity,
        Severity::Compatible
    );
    assert!(!r.has_breaking(), "{}", r.to_markdown());
}

#[test]
fn new_required_request_field_is_breaking() {
    let ops = post("putThing", "/thing", "Thing", "Done");
    let done = "    Done:\n      type: object\n      properties:\n        ok: {type: boolean}\n";
    let old = doc("1", &ops, &format!("{THING}{done}"));
    let new_thing =
        THING.replace("required: [id]", "required: [id, size]") + "        size: {type: integer}\n";
    let new = doc("1", &ops, &format!("{new_thing}{done}"));
    let c = find(&report(&old, &new), "Thing.size", "new required field");
    assert_eq!(c.severity, Severity::Breaking);
    assert!(c.reason.contains("requires"), "{}", c.reason);
}

#[test]
fn new_required_response_field_is_breaking_for_code_that_builds_it() {
    // Compatible on the wire, but `Thing::new(id)` becomes `Thing::new(id, size)`:
    // tests and mocks that build a `Thing` no longer compile (cargo-semver-checks:
    // method_parameter_count_changed).
    let ops = get("getThing", "/thing", "Thing");
    let new_thing =
        THING.replace("required: [id]", "required: [id, size]") + "        size: {type: integer}\n";
    let r = report(&doc("1", &ops, THING), &doc("1", &ops, &new_thing));
    let c = find(&r, "Thing.size", "new required field");
    assert_eq!(c.severity, Severity::Breaking);
    assert!(
        c.reason.contains("`Thing::new` takes it as a new argument"),
        "{}",
        c.reason
    );
    assert!(c.reason.contains("wire is compatible"), "{}", c.reason);
}

#[test]
fn reordered_required_fields_reorder_the_constructor() {
    let ops = get("getThing", "/thing", "Thing");
    let two = "    Thing:\n      type: object\n      required: [id, name]\n      properties:\n        id: {type: string}\n        name: {type: string}\n";
    let swapped = "    Thing:\n      type: object\n      required: [id, name]\n      properties:\n        name: {type: string}\n        id: {type: string}\n";
    let c = find(
        &report(&doc("1", &ops, two), &doc("1", &ops, swapped)),
        "Thing",
        "reordered",
    );
    assert_eq!(c.severity, Severity::Breaking);
    assert_eq!(
        c.what,
        "arguments of `Thing::new` reordered: (`id`, `name`) → (`name`, `id`)"
    );
    // Optional fields are not arguments: their order is nobody's business.
    let opt = THING.replace(
        "        id: {type: string}\n        name: {type: string}\n",
        "        name: {type: string}\n        id: {type: string}\n",
    );
    assert!(report(&doc("1", &ops, THING), &doc("1", &ops, &opt)).is_empty());
}

#[test]
fn new_optional_response_field_is_compatible() {
    let ops = get("getThing", "/thing", "Thing");
    let new_thing = format!("{THING}        size: {{type: integer}}\n");
    let r = report(&doc("1", &ops, THING), &doc("1", &ops, &new_thing));
    assert_eq!(
        find(&r, "Thing.size", "new optional field").severity,
        Severity::Compatible
    );
}

#[test]
fn new_optional_request_field_is_compatible() {
    // Compatible on the wire (oasdiff), and in Rust: structs are
    // `#[non_exhaustive]`, built with `new(required...)`, so no caller names it.
    let ops = post("putThing", "/thing", "Thing", "Thing");
    let new_thing = format!("{THING}        size: {{type: integer}}\n");
    let c = find(
        &report(&doc("1", &ops, THING), &doc("1", &ops, &new_thing)),
        "Thing.size",
        "new optional field",
    );
    assert_eq!(c.severity, Severity::Compatible);
    assert!(c.reason.contains("non_exhaustive"), "{}", c.reason);
}

#[test]
fn removed_response_field_is_breaking() {
    let ops = get("getThing", "/thing", "Thing");
    let new_thing = THING.replace("        name: {type: string}\n", "");
    let c = find(
        &report(&doc("1", &ops, THING), &doc("1", &ops, &new_thing)),
        "Thing.name",
        "removed",
    );
    assert_eq!(c.severity, Severity::Breaking);
    assert!(c.reason.contains("reading"), "{}", c.reason);
}

#[test]
fn direction_follows_nesting_from_request_bodies() {
    // `Inner` is only reached through a request body's field.
    let schemas = "    Outer:\n      type: object\n      properties:\n        inner: {$ref: '#/components/schemas/Inner'}\n    Inner:\n      type: object\n      properties:\n        a: {type: string}\n    Done:\n      type: object\n      properties:\n        ok: {type: boolean}\n";
    let ops = post("putOuter", "/outer", "Outer", "Done");
    let new_schemas = schemas.replace(
        "    Inner:\n      type: object\n      properties:\n        a: {type: string}\n",
        "    Inner:\n      type: object\n      required: [b]\n      properties:\n        a: {type: string}\n        b: {type: string}\n",
    );
    let c = find(
        &report(&doc("1", &ops, schemas), &doc("1", &ops, &new_schemas)),
        "Inner.b",
        "new required field",
    );
    assert_eq!(c.severity, Severity::Breaking);
}

#[test]
fn a_type_used_both_ways_gets_the_stricter_rule() {
    // A new required field: compatible in a response, breaking in a request.
    let ops = get("getThing", "/thing", "Thing") + &post("putThing", "/things", "Thing", "Thing");
    let new_thing =
        THING.replace("required: [id]", "required: [id, size]") + "        size: {type: integer}\n";
    let c = find(
        &report(&doc("1", &ops, THING), &doc("1", &ops, &new_thing)),
        "Thing.size",
        "new required field",
    );
    assert_eq!(c.severity, Severity::Breaking);
}

#[test]
fn field_becoming_required_is_breaking_unless_rust_does_not_see_it() {
    let ops = get("getThing", "/thing", "Thing");
    // Option<String> -> String: code reading it changes, even though the wire only got stricter.
    let required = THING.replace("required: [id]", "required: [id, name]");
    let c = find(
        &report(&doc("1", &ops, THING), &doc("1", &ops, &required)),
        "Thing.name",
        "now required",
    );
    assert_eq!(c.severity, Severity::Breaking);
    // Nullable: the field stays Option<String> in Rust, and a response only
    // gets more reliable, but it becomes an argument of `Thing::new`.
    let nullable = THING.replace("name: {type: string}", "name: {type: [string, 'null']}");
    let both = nullable.replace("required: [id]", "required: [id, name]");
    let c = find(
        &report(&doc("1", &ops, &nullable), &doc("1", &ops, &both)),
        "Thing.name",
        "now required (nullable)",
    );
    assert_eq!(c.severity, Severity::Breaking);
    assert!(
        c.reason.contains("`Thing::new` takes it as a new argument"),
        "{}",
        c.reason
    );
    // ... and the other way, `Thing::new` loses the argument.
    let c = find(
        &report(&doc("1", &ops, &both), &doc("1", &ops, &nullable)),
        "Thing.name",
        "now optional (nullable)",
    );
    assert_eq!(c.severity, Severity::Breaking);
    assert!(
        c.reason.contains("`Thing::new` no longer takes it"),
        "{}",
        c.reason
    );
    // A request must now send it, too.
    let req = post("putThing", "/thing", "Thing", "Thing");
    let c = find(
        &report(&doc("1", &req, &nullable), &doc("1", &req, &both)),
        "Thing.name",
        "now required (nullable)",
    );
    assert_eq!(c.severity, Severity::Breaking);
    assert!(c.reason.contains("server now requires it"), "{}", c.reason);
}

#[test]
fn field_becoming_optional_in_a_response_is_breaking() {
    let ops = get("getThing", "/thing", "Thing");
    let optional = THING.replace("required: [id]", "required: []");
    let c = find(
        &report(&doc("1", &ops, THING), &doc("1", &ops, &optional)),
        "Thing.id",
        "now optional",
    );
    assert_eq!(c.severity, Severity::Breaking);
    assert!(
        c.reason.contains("`String` to `Option<String>`"),
        "{}",
        c.reason
    );
}

#[test]
fn retyped_field_is_breaking() {
    let ops = get("getThing", "/thing", "Thing");
    let retyped = THING.replace("name: {type: string}", "name: {type: integer}");
    let c = find(
        &report(&doc("1", &ops, THING), &doc("1", &ops, &retyped)),
        "Thing.name",
        "retyped",
    );
    assert_eq!(c.severity, Severity::Breaking);
    assert!(
        c.what.contains("`Option<String>` to `Option<i64>`"),
        "{}",
        c.what
    );
}

const COLOR: &str = "    Color:\n      type: string\n      enum: [red, green]\n";

fn painted(schemas: &str) -> String {
    format!("    Paint:\n      type: object\n      required: [color]\n      properties:\n        color: {{$ref: '#/components/schemas/Color'}}\n{schemas}")
}

#[test]
fn removed_enum_value_is_breaking() {
    let ops = get("getPaint", "/paint", "Paint");
    let fewer = COLOR.replace("[red, green]", "[red]");
    let c = find(
        &report(
            &doc("1", &ops, &painted(COLOR)),
            &doc("1", &ops, &painted(&fewer)),
        ),
        "Color",
        "value `green` removed",
    );
    assert_eq!(c.severity, Severity::Breaking);
    assert!(c.reason.contains("Color::Green"), "{}", c.reason);
}

#[test]
fn added_enum_value_is_compatible() {
    let ops = get("getPaint", "/paint", "Paint");
    let more = COLOR.replace("[red, green]", "[red, green, blue]");
    let r = report(
        &doc("1", &ops, &painted(COLOR)),
        &doc("1", &ops, &painted(&more)),
    );
    let c = find(&r, "Color", "new value `blue`");
    assert_eq!(c.severity, Severity::Compatible);
    assert!(c.reason.contains("Unknown"), "{}", c.reason);
    assert!(!r.has_breaking());
}

/// `AssignToTarget` as Tapir wrote it: variants `ThisPathTeam` and `Nobody`
/// under the variant schema names `team` and `nobody` give.
fn assign(team: &str, nobody: &str, extra_variant: bool) -> String {
    let mut refs = format!(
        "{{$ref: '#/components/schemas/{team}'}}, {{$ref: '#/components/schemas/{nobody}'}}"
    );
    let mut mapping = format!(
        "ThisPathTeam: '#/components/schemas/{team}', Nobody: '#/components/schemas/{nobody}'"
    );
    let mut schemas = format!(
        "    {team}:\n      type: object\n      required: [id, type]\n      properties:\n        id: {{type: string}}\n        type: {{type: string, const: ThisPathTeam}}\n    {nobody}:\n      type: object\n      required: [type, reason]\n      properties:\n        reason: {{type: string}}\n        type: {{type: string, const: Nobody}}\n"
    );
    if extra_variant {
        refs.push_str(", {$ref: '#/components/schemas/AssignToTarget_AnotherUser'}");
        mapping.push_str(", AnotherUser: '#/components/schemas/AssignToTarget_AnotherUser'");
        schemas.push_str("    AssignToTarget_AnotherUser:\n      type: object\n      required: [userId, type]\n      properties:\n        userId: {type: string}\n        type: {type: string, const: AnotherUser}\n");
    }
    format!("    AssignToTarget:\n      oneOf: [{refs}]\n      discriminator:\n        propertyName: type\n        mapping: {{{mapping}}}\n{schemas}")
}

#[test]
fn added_union_variant_is_compatible() {
    let ops = get("getTarget", "/target", "AssignToTarget");
    let old = doc(
        "1",
        &ops,
        &assign(
            "AssignToTarget_ThisPathTeam",
            "AssignToTarget_Nobody",
            false,
        ),
    );
    let new = doc(
        "1",
        &ops,
        &assign("AssignToTarget_ThisPathTeam", "AssignToTarget_Nobody", true),
    );
    let r = report(&old, &new);
    let c = find(&r, "AssignToTarget", "new variant `AnotherUser`");
    assert_eq!(c.severity, Severity::Compatible);
    assert!(c.reason.contains("Unknown"), "{}", c.reason);
    assert_eq!(
        find(&r, "AssignToTargetAnotherUser", "new struct").severity,
        Severity::Compatible
    );
    assert!(!r.has_breaking(), "{}", r.to_markdown());
}

#[test]
fn variant_schema_rename_keeps_the_rust_name_and_reports_nothing() {
    // 1.230.0 -> 1.494.0: `ThisPathTeam` became `AssignToTarget_ThisPathTeam`
    // (and `AssignToTarget` gained `AnotherUser`). The generator names the
    // variant type `AssignToTargetThisPathTeam` either way.
    let ops = get("getTarget", "/target", "AssignToTarget");
    let old = doc("1", &ops, &assign("ThisPathTeam", "Nobody", false));
    let renamed = doc(
        "1",
        &ops,
        &assign(
            "AssignToTarget_ThisPathTeam",
            "AssignToTarget_Nobody",
            false,
        ),
    );
    let r = report(&old, &renamed);
    assert!(r.is_empty(), "{}", r.to_markdown());

    let grown = doc(
        "1",
        &ops,
        &assign("AssignToTarget_ThisPathTeam", "AssignToTarget_Nobody", true),
    );
    let r = report(&old, &grown);
    let subjects: Vec<(&str, &str)> = r
        .changes
        .iter()
        .map(|c| (c.subject.as_str(), c.what.as_str()))
        .collect();
    assert_eq!(
        subjects,
        [
            (
                "AssignToTarget",
                "new variant `AnotherUser` (`AssignToTargetAnotherUser`)"
            ),
            ("AssignToTargetAnotherUser", "new struct")
        ],
        "{}",
        r.to_markdown()
    );
}

#[test]
fn renamed_schema_with_the_same_shape_is_a_rename_not_remove_and_add() {
    // Tapir appends digits: `User3` in one version is `User` in the next.
    let user = |name: &str| {
        format!("    {name}:\n      type: object\n      required: [id]\n      properties:\n        id: {{type: string}}\n        email: {{type: string}}\n")
    };
    let old = doc("1", &get("getUser", "/user", "User3"), &user("User3"));
    let new = doc("1", &get("getUser", "/user", "User"), &user("User"));
    let r = report(&old, &new);
    let c = find(&r, "User", "renamed from `User3`");
    assert_eq!(c.severity, Severity::Breaking, "a public Rust name changed");
    assert!(
        c.reason.contains("schema `User3` to `User`"),
        "{}",
        c.reason
    );
    assert_eq!(
        r.changes.len(),
        1,
        "no remove + add besides the rename:\n{}",
        r.to_markdown()
    );
}

#[test]
fn renamed_schema_found_by_shape_alone() {
    // Not at the same place: the old type is reached through `a`, the new one through `b`.
    let holder = |field: &str, target: &str| {
        format!("    Holder:\n      type: object\n      properties:\n        {field}: {{$ref: '#/components/schemas/{target}'}}\n")
    };
    let point = |name: &str| {
        format!("    {name}:\n      type: object\n      required: [x, y]\n      properties:\n        x: {{type: number}}\n        y: {{type: number}}\n")
    };
    let ops = get("getHolder", "/holder", "Holder");
    let old = doc("1", &ops, &(holder("a", "Point2") + &point("Point2")));
    let new = doc("1", &ops, &(holder("b", "Point") + &point("Point")));
    let r = report(&old, &new);
    find(&r, "Point", "renamed from `Point2`");
    assert!(
        !r.changes
            .iter()
            .any(|c| c.what.contains("struct removed") || c.what == "new struct"),
        "{}",
        r.to_markdown()
    );
}

#[test]
fn renamed_type_at_the_same_place_is_a_rename_even_when_it_changed() {
    let ops = get("getThing", "/thing", "Thing2");
    let old = doc("1", &ops, &THING.replace("Thing:", "Thing2:"));
    let grown = format!("{THING}        size: {{type: integer}}\n");
    let new = doc("1", &get("getThing", "/thing", "Thing"), &grown);
    let r = report(&old, &new);
    find(&r, "Thing", "renamed from `Thing2`");
    assert_eq!(
        find(&r, "Thing.size", "new optional field").severity,
        Severity::Compatible
    );
}

#[test]
fn changed_union_tag_is_breaking() {
    // Tapir 1.273 tagged `BookerInvitation_Invite`; 1.287 `Invite`.
    let union = |prefix: &str| {
        format!(
            "    BookerInvitation:\n      oneOf: [{{$ref: '#/components/schemas/BookerInvitation_Invite'}}, {{$ref: '#/components/schemas/BookerInvitation_DoNotInvite'}}]\n      discriminator:\n        propertyName: type\n        mapping: {{{prefix}Invite: '#/components/schemas/BookerInvitation_Invite', {prefix}DoNotInvite: '#/components/schemas/BookerInvitation_DoNotInvite'}}\n    BookerInvitation_Invite:\n      type: object\n      required: [required, type]\n      properties:\n        required: {{type: boolean}}\n        type: {{type: string, const: {prefix}Invite}}\n    BookerInvitation_DoNotInvite:\n      type: object\n      required: [type]\n      properties:\n        type: {{type: string, const: {prefix}DoNotInvite}}\n"
        )
    };
    let ops = get("getInvitation", "/invitation", "BookerInvitation");
    let r = report(
        &doc("1", &ops, &union("BookerInvitation_")),
        &doc("1", &ops, &union("")),
    );
    let c = find(
        &r,
        "BookerInvitation",
        "variant tag `BookerInvitation_Invite` → `Invite`",
    );
    assert_eq!(c.severity, Severity::Breaking);
    // A unit variant (no payload to compare) is recognised by the prefix.
    find(
        &r,
        "BookerInvitation",
        "variant tag `BookerInvitation_DoNotInvite` → `DoNotInvite`",
    );
    assert!(
        !r.changes.iter().any(|c| c.what.contains("removed")),
        "{}",
        r.to_markdown()
    );
}

#[test]
fn parameters_follow_the_method_signature() {
    let op = |params: &str| {
        format!(
            "  /things:\n    get:\n      operationId: listThings\n      tags: [things]\n      parameters:\n{params}      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {{$ref: '#/components/schemas/Thing'}}\n"
        )
    };
    let param = |name: &str, required: bool, schema: &str| {
        format!("        - {{name: {name}, in: query, required: {required}, schema: {schema}}}\n")
    };
    let old = doc(
        "1",
        &op(&(param("page", false, "{type: integer}")
            + &param("q", true, "{type: string, maxLength: 50}"))),
        THING,
    );
    let new = doc(
        "1",
        &op(&(param("page", true, "{type: integer}")
            + &param("q", true, "{type: string, maxLength: 20}")
            + &param("size", false, "{type: integer}")
            + &param("org", true, "{type: string}"))),
        THING,
    );
    let r = report(&old, &new);
    assert_eq!(
        find(&r, "listThings", "parameter `page` now required").severity,
        Severity::Breaking
    );
    assert_eq!(
        find(&r, "listThings", "new optional query parameter `size`").severity,
        Severity::Compatible
    );
    assert_eq!(
        find(&r, "listThings", "new required query parameter `org`").severity,
        Severity::Breaking
    );
    let limits = find(
        &r,
        "listThings",
        "parameter `q` limits changed: maxLength 50 → 20",
    );
    assert_eq!(limits.severity, Severity::Breaking, "narrowed in a request");
    // Required -> optional moves an argument to a builder method.
    let r = report(&new, &old);
    assert_eq!(
        find(&r, "listThings", "parameter `page` now optional").severity,
        Severity::Breaking
    );
    assert_eq!(
        find(
            &r,
            "listThings",
            "parameter `q` limits changed: maxLength 20 → 50"
        )
        .severity,
        Severity::Compatible
    );
    assert_eq!(
        find(&r, "listThings", "query parameter `size` removed").severity,
        Severity::Breaking
    );
}

#[test]
fn limits_narrowed_in_a_response_are_compatible_and_widened_are_breaking() {
    let ops = get("getThing", "/thing", "Thing");
    let narrow = THING.replace(
        "name: {type: string}",
        "name: {type: string, maxLength: 10}",
    );
    let r = report(&doc("1", &ops, THING), &doc("1", &ops, &narrow));
    assert_eq!(
        find(&r, "Thing.name", "maxLength none → 10").severity,
        Severity::Compatible
    );
    let r = report(&doc("1", &ops, &narrow), &doc("1", &ops, THING));
    assert_eq!(
        find(&r, "Thing.name", "maxLength 10 → none").severity,
        Severity::Breaking
    );
}

#[test]
fn permissions_and_deprecation() {
    let op = |extra: &str| {
        format!(
            "  /thing:\n    get:\n      operationId: getThing\n      tags: [things]\n{extra}      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {{$ref: '#/components/schemas/Thing'}}\n"
        )
    };
    let old = doc(
        "1",
        &op("      X-Chili-Required-Permissions: [thing.read]\n"),
        THING,
    );
    let new = doc("1", &op("      deprecated: true\n      X-Chili-Required-Permissions: [thing.read, thing.admin]\n"), THING);
    let r = report(&old, &new);
    assert_eq!(
        find(&r, "getThing", "now requires permission `thing.admin`").severity,
        Severity::Breaking
    );
    assert_eq!(
        find(&r, "getThing", "deprecated").severity,
        Severity::Compatible
    );
    let r = report(&new, &old);
    assert_eq!(
        find(
            &r,
            "getThing",
            "no longer requires permission `thing.admin`"
        )
        .severity,
        Severity::Compatible
    );
}

#[test]
fn changed_return_type_is_breaking() {
    let other = "    Other:\n      type: object\n      properties:\n        x: {type: string}\n";
    let old = doc(
        "1",
        &get("getThing", "/thing", "Thing"),
        &format!("{THING}{other}"),
    );
    let new = doc(
        "1",
        &get("getThing", "/thing", "Other"),
        &format!("{THING}{other}"),
    );
    let r = report(&old, &new);
    let c = find(&r, "getThing", "returns `Other` instead of `Thing`");
    assert_eq!(c.severity, Severity::Breaking);
    assert_eq!(
        find(&r, "Thing", "struct removed").severity,
        Severity::Breaking
    );
}

#[test]
fn every_breaking_rule_here_is_reported_before_compatible_ones() {
    let old = doc(
        "1",
        &(get("getThing", "/thing", "Thing") + &get("listThings", "/things", "Thing")),
        THING,
    );
    let new = doc(
        "2",
        &(get("getThing", "/thing", "Thing") + &get("countThings", "/count", "Thing")),
        THING,
    );
    let r = report(&old, &new);
    let order: Vec<(Severity, &str)> = r
        .changes
        .iter()
        .map(|c| (c.severity, c.subject.as_str()))
        .collect();
    assert_eq!(
        order,
        [
            (Severity::Breaking, "listThings"),
            (Severity::Compatible, "version"),
            (Severity::Compatible, "countThings")
        ]
    );
    assert_eq!(without_version(&r).len(), 2);

    let md = r.to_markdown();
    assert!(
        md.starts_with("## Drift 1 → 2\n\n1 breaking, 2 compatible changes.\n"),
        "{md}"
    );
    let breaking = md.find("### Breaking changes").unwrap();
    let compatible = md.find("### Compatible changes").unwrap();
    assert!(breaking < compatible, "{md}");
    assert!(
        md.contains("- `listThings`: removed (GET `/things`, `client.things().list_things()`)."),
        "{md}"
    );

    let json: serde_json::Value = serde_json::from_str(&r.to_json()).unwrap();
    assert_eq!(json["breaking"], 1);
    assert_eq!(json["compatible"], 2);
    assert_eq!(json["changes"][0]["severity"], "breaking");
    assert_eq!(json["changes"][0]["area"], "operation");
    assert_eq!(json["changes"][0]["subject"], "listThings");
}

#[test]
fn versions_bump_with_the_report() {
    assert_eq!(
        next_version("0.3.1", Some(Severity::Breaking)).as_deref(),
        Some("0.4.0")
    );
    assert_eq!(
        next_version("0.3.1", Some(Severity::Compatible)).as_deref(),
        Some("0.3.2")
    );
    assert_eq!(next_version("0.3.1", None).as_deref(), Some("0.3.1"));
}

#[test]
fn the_ir_round_trips_through_json_and_diffs_as_identical() {
    // `spec/api-ir.json` is the baseline regen diffs against.
    let a = doc(
        "1",
        &(get("getTarget", "/target", "AssignToTarget")
            + &post("putThing", "/thing", "Thing", "Thing")),
        &(assign("A_T", "A_N", true) + THING),
    );
    let back: Api = serde_json::from_str(&serde_json::to_string(&a).unwrap()).unwrap();
    assert!(report(&back, &a).is_empty());
    assert_eq!(back.to_string(), a.to_string());
}

#[test]
fn reordered_required_parameters_are_breaking() {
    // Required parameters are positional arguments: swapping two strings
    // would still compile, with the values in the wrong places.
    let op = |first: &str, second: &str| {
        format!(
            "  /things:\n    get:\n      operationId: listThings\n      tags: [things]\n      parameters:\n        - {{name: {first}, in: query, required: true, schema: {{type: string}}}}\n        - {{name: {second}, in: query, required: true, schema: {{type: string}}}}\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {{$ref: '#/components/schemas/Thing'}}\n"
        )
    };
    let r = report(
        &doc("1", &op("from", "to"), THING),
        &doc("1", &op("to", "from"), THING),
    );
    let c = find(
        &r,
        "listThings",
        "arguments reordered: (`from`, `to`) → (`to`, `from`)",
    );
    assert_eq!(c.severity, Severity::Breaking);
    assert_eq!(r.changes.len(), 1, "{}", r.to_markdown());
}

/// `POST /things/search` (operation `searchThings`) with `extra` lines under
/// the operation, returning `Thing`.
fn search(extra: &str) -> String {
    format!(
        "  /things/search:\n    post:\n      operationId: searchThings\n      tags: [things]\n{extra}      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {{$ref: '#/components/schemas/Thing'}}\n"
    )
}

#[test]
fn a_post_that_stops_being_retried_is_breaking_and_says_why() {
    let old = doc(
        "1",
        &search("      description: READ-ONLY. Searches things.\n"),
        THING,
    );
    let new = doc("1", &search("      description: Searches things.\n"), THING);
    let c = find(&report(&old, &new), "searchThings", "no longer retried");
    assert_eq!(c.severity, Severity::Breaking);
    assert_eq!(
        c.what,
        "POST `searchThings` is no longer retried on timeouts, resets and 408/429/502/503/504: \
         nothing in the document says it is safe to repeat (before, the document marks it `READ-ONLY`)"
    );
    assert!(c.reason.contains("transient failure"), "{}", c.reason);
    let c = find(&report(&new, &old), "searchThings", "now retried");
    assert_eq!(c.severity, Severity::Compatible);
}

#[test]
fn read_only_after_an_operation_line_is_still_read_only() {
    // Upstream 1.495.0 moved the marker after an `[operation: ...]` line.
    let old = doc(
        "1",
        &search("      description: READ-ONLY. Searches things.\n"),
        THING,
    );
    let new = doc("1", &search("      description: \"[operation: search-things]\\n\\n\\n\\nREAD-ONLY\\n\\n\\n\\nSearches things.\"\n"), THING);
    assert!(new.operations[0].retry_safe);
    let r = report(&old, &new);
    assert_eq!(
        without_version(&r)
            .iter()
            .map(|c| c.what.as_str())
            .collect::<Vec<_>>(),
        ["documentation changed"],
        "{}",
        r.to_markdown()
    );
}

#[test]
fn a_vendor_extension_overrides_the_method() {
    let put = |extra: &str| {
        format!(
            "  /thing:\n    put:\n      operationId: putThing\n      tags: [things]\n{extra}      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {{$ref: '#/components/schemas/Thing'}}\n"
        )
    };
    let old = doc("1", &put(""), THING);
    let new = doc("1", &put("      x-idempotent: false\n"), THING);
    let c = find(&report(&old, &new), "putThing", "no longer retried");
    assert_eq!(c.severity, Severity::Breaking);
    assert!(c.what.contains("the document's `x-idempotent` extension says so (before, its HTTP method is idempotent)"), "{}", c.what);
}

#[test]
fn gaining_a_page_walk_is_compatible_and_losing_it_is_breaking() {
    let page = "    Page:\n      type: object\n      required: [total]\n      properties:\n        total: {type: integer, format: int64}\n        results: {type: array, items: {$ref: '#/components/schemas/Thing'}}\n";
    let list = |params: &str| {
        format!(
            "  /things:\n    get:\n      operationId: listThings\n      tags: [things]\n{params}      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {{$ref: '#/components/schemas/Page'}}\n"
        )
    };
    let paged = "      parameters:\n        - {name: page, in: query, schema: {type: integer, format: int64}}\n";
    let old = doc("1", &list(""), &format!("{THING}{page}"));
    let new = doc("1", &list(paged), &format!("{THING}{page}"));
    let c = find(&report(&old, &new), "listThings", "now paginated");
    assert_eq!(c.severity, Severity::Compatible);
    let c = find(&report(&new, &old), "listThings", "no longer paginated");
    assert_eq!(c.severity, Severity::Breaking);
    assert!(
        c.what.contains("`items()` and `collect_all()` removed"),
        "{}",
        c.what
    );
    // Same walk, a new way to end it: the signatures stay.
    let sized = format!("{paged}        - {{name: pageSize, in: query, schema: {{type: integer, format: int64}}}}\n");
    let c = find(
        &report(&new, &doc("1", &list(&sized), &format!("{THING}{page}"))),
        "listThings",
        "page walk changed",
    );
    assert_eq!(c.severity, Severity::Compatible);
    assert_eq!(c.what, "page walk changed: page in query `page`, ends by total `total` → page in query `page`, size in query `page_size`, ends by total `total`");
}

#[test]
fn authentication_the_client_cannot_give_is_breaking() {
    let with = |security: &str, scheme: &str| {
        let text = format!(
            "openapi: 3.1.0\ninfo: {{title: Drift, version: '1'}}\npaths:\n{}components:\n  schemas:\n{THING}  securitySchemes:\n    key: {{type: apiKey, in: header, name: Authorization}}\n    other: {scheme}\n{security}",
            get("getThing", "/thing", "Thing")
        );
        chili_gen::build_api(&text, "inline.yaml").unwrap_or_else(|e| panic!("{e}\n{text}"))
    };
    let bearer = with("security: [{key: []}]\n", "{type: http, scheme: bearer}");
    assert!(bearer.operations[0].auth[0].bearer);
    let query = with(
        "security: [{other: []}]\n",
        "{type: apiKey, in: query, name: token}",
    );
    let c = find(&report(&bearer, &query), "getThing", "authentication");
    assert_eq!(c.severity, Severity::Breaking);
    assert_eq!(c.what, "authentication `key` → `other`");
    // Another scheme the bearer token satisfies, or none at all: compatible.
    let http = with("security: [{other: []}]\n", "{type: http, scheme: bearer}");
    assert_eq!(
        find(&report(&bearer, &http), "getThing", "authentication").severity,
        Severity::Compatible
    );
    let none = with("", "{type: http, scheme: bearer}");
    assert_eq!(
        find(
            &report(&bearer, &none),
            "getThing",
            "authentication `key` → none"
        )
        .severity,
        Severity::Compatible
    );
}

#[test]
fn a_replacement_named_in_the_deprecation_text_is_found_and_its_change_reported() {
    let op = |id: &str, path: &str, extra: &str| {
        format!(
            "  {path}:\n    get:\n      operationId: {id}\n      tags: [things]\n{extra}      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {{$ref: '#/components/schemas/Thing'}}\n"
        )
    };
    let ops = |text: &str| {
        op(
            "getThing",
            "/thing",
            &format!("      deprecated: true\n      description: '{text}'\n"),
        ) + &op(
            "getThingV2",
            "/v2/thing",
            "      x-mcp-tool: thing-get-v2\n",
        ) + &op(
            "getThingV3",
            "/v3/thing",
            "      description: \"[operation: thing-get-v3]\\n\\nREAD-ONLY\"\n",
        )
    };
    let old = doc("1", &ops("Deprecated: use thing-get-v2 instead."), THING);
    assert_eq!(old.operations[0].replacement.as_deref(), Some("getThingV2"));
    let new = doc("1", &ops("Deprecated. Replaced by `thing-get-v3`."), THING);
    assert_eq!(new.operations[0].replacement.as_deref(), Some("getThingV3"));
    let c = find(&report(&old, &new), "getThing", "replacement");
    assert_eq!(c.severity, Severity::Compatible);
    assert_eq!(c.what, "replacement `getThingV2` → `getThingV3`");
    // Prose in an operation that is not deprecated names no replacement.
    let live = doc(
        "1",
        &(op(
            "getThing",
            "/thing",
            "      description: 'To list, use getThingV2 instead.'\n",
        ) + &op("getThingV2", "/v2/thing", "")),
        THING,
    );
    assert_eq!(live.operations[0].replacement, None);
}

#[test]
fn the_same_retry_decision_on_new_grounds_is_reported_as_compatible() {
    let old = doc(
        "1",
        &search("      description: READ-ONLY. Searches things.\n"),
        THING,
    );
    let new = doc(
        "1",
        &search("      x-read-only: true\n      description: Searches things.\n"),
        THING,
    );
    let c = find(&report(&old, &new), "searchThings", "still retried");
    assert_eq!(c.severity, Severity::Compatible);
    assert_eq!(
        c.what,
        "POST `searchThings` is still retried, now because the document's `x-read-only` extension says so (before, the document marks it `READ-ONLY`)"
    );
}

#[test]
fn enum_order_is_the_derived_ordering() {
    let ops = get("getThing", "/thing", "Thing");
    let with = |values: &str| {
        format!("{THING}        state: {{$ref: '#/components/schemas/State'}}\n    State:\n      type: string\n      enum: [{values}]\n")
    };
    let r = report(
        &doc("1", &ops, &with("a, c")),
        &doc("1", &ops, &with("a, b, c")),
    );
    let c = find(&r, "State", "new value `b`");
    assert_eq!(c.severity, Severity::Compatible);
    assert!(
        c.reason
            .ends_with("It is declared before `C`, so sorting places it there."),
        "{}",
        c.reason
    );
    let c = find(
        &report(
            &doc("1", &ops, &with("a, c")),
            &doc("1", &ops, &with("c, a")),
        ),
        "State",
        "reordered",
    );
    assert_eq!(c.severity, Severity::Compatible);
    assert_eq!(c.what, "values reordered: `a`, `c` → `c`, `a`");
}

#[test]
fn reordered_untagged_variants_decode_differently() {
    let ops = get("getThing", "/thing", "Either");
    let either = |first: &str, second: &str| {
        format!("{THING}    Other:\n      type: object\n      properties:\n        x: {{type: string}}\n    Either:\n      oneOf:\n        - $ref: '#/components/schemas/{first}'\n        - $ref: '#/components/schemas/{second}'\n")
    };
    let c = find(
        &report(
            &doc("1", &ops, &either("Thing", "Other")),
            &doc("1", &ops, &either("Other", "Thing")),
        ),
        "Either",
        "variants reordered",
    );
    assert_eq!(c.severity, Severity::Breaking);
    assert!(
        c.reason.contains("first variant that decodes wins"),
        "{}",
        c.reason
    );
}

#[test]
fn content_types_of_request_and_response_are_compared() {
    let op = |request: &str, response: &str| {
        format!(
            "  /thing:\n    post:\n      operationId: putThing\n      tags: [things]\n      requestBody:\n        required: true\n        content:\n          {request}:\n            schema: {{$ref: '#/components/schemas/Thing'}}\n      responses:\n        '200':\n          description: ok\n          content:\n            {response}:\n              schema: {{$ref: '#/components/schemas/Thing'}}\n"
        )
    };
    let old = doc("1", &op("application/json", "application/json"), THING);
    assert_eq!(old.operations[0].json_content_type, None);
    let new = doc(
        "1",
        &op("application/merge-patch+json", "application/problem+json"),
        THING,
    );
    assert_eq!(
        new.operations[0].json_content_type.as_deref(),
        Some("application/problem+json")
    );
    let r = report(&old, &new);
    assert_eq!(
        find(&r, "putThing", "request content type").severity,
        Severity::Breaking
    );
    let c = find(
        &r,
        "putThing",
        "response media type `application/json` → `application/problem+json`",
    );
    assert_eq!(c.severity, Severity::Compatible);
}
