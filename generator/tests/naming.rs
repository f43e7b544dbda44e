//! Method and type names on small inline documents: the rules, collisions,
//! the names file, and the previous release's names kept as deprecated
//! forwarders and aliases (IR, emitted code and drift report).

use chili_gen::diff::{diff, Severity};
use chili_gen::ir::Api;
use chili_gen::names::NameTable;
use chili_gen::{build_api_with, build_release, emit::emit_crate, Naming, Options};

/// One operation: `(method, path, operation id, tag, deprecated)`, returning a `Pet`.
type Op<'a> = (&'a str, &'a str, &'a str, &'a str, bool);

/// A document with these operations (in order; several may share a path) and
/// one `Pet` schema.
fn document(ops: &[Op<'_>]) -> String {
    let mut paths: Vec<(&str, String)> = Vec::new();
    for (method, path, id, tag, deprecated) in ops {
        let params = if path.contains("{id}") {
            "      parameters: [{name: id, in: path, required: true, schema: {type: string}}]\n"
        } else {
            ""
        };
        let yaml = format!(
            "    {method}:\n      operationId: {id}\n      tags: [{tag}]\n      deprecated: {deprecated}\n{params}      responses:\n        '200': {{description: ok, content: {{application/json: {{schema: {{$ref: '#/components/schemas/Pet'}}}}}}}}\n"
        );
        match paths.iter_mut().find(|(p, _)| p == path) {
            Some((_, methods)) => methods.push_str(&yaml),
            None => paths.push((path, yaml)),
        }
    }
    let paths: String = paths
        .iter()
        .map(|(path, methods)| format!("  {path}:\n{methods}"))
        .collect();
    format!(
        "openapi: 3.0.3\ninfo: {{title: T, version: '1'}}\npaths:\n{paths}components:\n  schemas:\n    Pet:\n      type: object\n      required: [id]\n      properties:\n        id: {{type: string}}\n"
    )
}

fn build(text: &str, naming: &Naming<'_>) -> Api {
    build_api_with(text, "inline.yaml", naming).unwrap_or_else(|e| panic!("{e}\n{text}"))
}

/// `(id, method name, operation that took the plain name)` of every operation.
fn names(api: &Api) -> Vec<(&str, &str, Option<&str>)> {
    api.operations
        .iter()
        .map(|o| {
            (
                o.id.as_str(),
                o.method_name.as_str(),
                o.collision.as_deref(),
            )
        })
        .collect()
}

fn table(text: &str) -> NameTable {
    NameTable::parse(text, "names.toml").unwrap()
}

/// The catalog's real collisions (1.494.0, `edge-operations-1.494.0.yaml`):
/// deprecated operations beside their replacements.
#[test]
fn collisions_give_the_plain_name_to_the_newer_live_operation() {
    let text = document(&[
        (
            "get",
            "/v1/org/meetings/meetings",
            "meetingList",
            "meetings",
            true,
        ),
        (
            "put",
            "/v2/org/meetings/meetings",
            "meetingListPut",
            "meetings",
            false,
        ),
        (
            "get",
            "/v1/org/meetings/meetings/export",
            "meetingExport",
            "meetings",
            true,
        ),
        (
            "put",
            "/v2/org/meetings/meetings/export",
            "meetingExportPut",
            "meetings",
            true,
        ),
        (
            "get",
            "/v2/org/meetings/meetings/export",
            "meetingExportV2",
            "meetings",
            true,
        ),
        (
            "put",
            "/v3/org/meetings/meetings/export",
            "meetingExportV2Put",
            "meetings",
            false,
        ),
        (
            "post",
            "/v1/org/availability/slots",
            "availabilitySlots",
            "availability",
            true,
        ),
        (
            "put",
            "/v1/org/availability/slots-v2",
            "availabilitySlotsV2",
            "availability",
            false,
        ),
        // Two live operations of one version: the one already plain keeps it.
        ("get", "/v1/org/crm/note", "crmNote", "crm", false),
        ("post", "/v1/org/crm/note-post", "crmNotePost", "crm", false),
        // No collision across groups.
        ("put", "/v2/org/team", "teamListPut", "team", false),
    ]);
    let api = build(&text, &Naming::default());
    assert_eq!(
        names(&api),
        [
            ("meetingList", "list_v1", Some("meetingListPut")),
            ("meetingListPut", "list", None),
            ("meetingExport", "export_v1", Some("meetingExportV2Put")),
            // Same path: the document lists `get` before `put`.
            ("meetingExportV2", "export_v2", Some("meetingExportV2Put")),
            ("meetingExportPut", "export_put", Some("meetingExportV2Put")),
            ("meetingExportV2Put", "export", None),
            ("availabilitySlots", "slots_v1", Some("availabilitySlotsV2")),
            ("availabilitySlotsV2", "slots", None),
            ("crmNote", "note", None),
            ("crmNotePost", "note_post", Some("crmNote")),
            ("teamListPut", "list", None),
        ]
    );
    let builders: Vec<&str> = api
        .operations
        .iter()
        .map(|o| o.builder_type.as_str())
        .collect();
    assert_eq!(
        &builders[..2],
        ["MeetingsListV1Builder", "MeetingsListBuilder"]
    );
}

#[test]
fn the_names_file_wins_over_the_rules() {
    let text = document(&[
        ("get", "/v1/pets", "petList", "pets", true),
        ("put", "/v2/pets", "petListPut", "pets", false),
        ("get", "/v1/pets/{id}", "petRead", "pets", false),
    ]);
    // The maintainer gives the deprecated one the plain name: the rule-named
    // one yields and keeps its suffix, recorded as a collision.
    let chosen = table(
        "[operations]\npetList = \"list\"\npetRead = \"get\"\n\n[schemas]\nPet = \"Animal\"\n",
    );
    let api = build(
        &text,
        &Naming {
            table: Some(&chosen),
            ..Naming::default()
        },
    );
    assert_eq!(
        names(&api),
        [
            ("petList", "list", None),
            ("petListPut", "list_put", Some("petList")),
            ("petRead", "get", None)
        ]
    );
    let animal = api
        .types
        .iter()
        .find(|t| t.schema.as_deref() == Some("Pet"))
        .unwrap();
    assert_eq!(animal.name, "Animal");
    assert!(chosen.unused(&api).is_empty());

    // Entries for what the document lacks are warnings, with their line.
    let stale = table("[operations]\npetGone = \"gone\"\n\n[schemas]\nOldPet = \"Old\"\n");
    let api = build(
        &text,
        &Naming {
            table: Some(&stale),
            ..Naming::default()
        },
    );
    let warnings = stale.unused(&api);
    assert_eq!(warnings.len(), 2, "{warnings:?}");
    assert!(
        warnings[0].starts_with("names.toml:2: operation `petGone` is not in the document"),
        "{warnings:?}"
    );
    assert!(
        warnings[1].starts_with("names.toml:5: schema `OldPet` is not a named type"),
        "{warnings:?}"
    );
}

#[test]
fn two_chosen_names_that_collide_are_an_error_at_the_second_line() {
    let text = document(&[
        ("get", "/a", "petA", "pets", false),
        ("get", "/b", "petB", "pets", false),
        ("get", "/c", "toyC", "toys", false),
    ]);
    let clash = table("[operations]\npetA = \"fetch\"\ntoyC = \"fetch\"\npetB = \"fetch\"\n");
    let err = build_api_with(
        &text,
        "inline.yaml",
        &Naming {
            table: Some(&clash),
            ..Naming::default()
        },
    )
    .unwrap_err()
    .to_string();
    assert_eq!(
        err,
        "names.toml:4 at operations.petB: `fetch` is also chosen for operation `petA` of the same group; a method name must be unique in its group"
    );
}

#[test]
fn renamed_names_stay_one_release_as_deprecated_forwarders_and_aliases() {
    let text = document(&[
        ("get", "/v1/pets/{id}", "petGet", "pets", false),
        ("get", "/v1/pets", "petList", "pets", false),
    ]);
    let previous = build(&text, &Naming::default());
    assert_eq!(
        names(&previous),
        [("petGet", "get", None), ("petList", "list", None)]
    );

    // A maintainer renames a method and a type; `petList`'s new name is the
    // one `petGet` had, so `get` cannot stay as a forwarder.
    let chosen = table(
        "[operations]\npetGet = \"fetch\"\npetList = \"get\"\n\n[schemas]\nPet = \"Animal\"\n",
    );
    let naming = Naming {
        table: Some(&chosen),
        baseline: Some(&previous),
        keep_forwarders: true,
    };
    let api = build(&text, &naming);
    let (fetch, list) = (&api.operations[0], &api.operations[1]);
    assert_eq!(
        (fetch.method_name.as_str(), fetch.previous_names.as_slice()),
        ("fetch", &[] as &[String])
    );
    assert_eq!(
        (list.method_name.as_str(), list.previous_names.as_slice()),
        ("get", &["list".to_string()][..])
    );
    assert_eq!(list.previous_builders, ["PetsListBuilder"]);
    let animal = api.types.iter().find(|t| t.name == "Animal").unwrap();
    assert_eq!(animal.previous_names, ["Pet"]);

    let krate = emit_crate(&api, &Options::new("pets")).unwrap();
    let pets = &krate.files["src/api/pets.rs"];
    assert!(
        pets.contains("    #[deprecated(note = \"renamed to `get`\")]\n    pub fn list(&self) -> PetsGetBuilder<'a> {\n        self.get()\n    }"),
        "{pets}"
    );
    assert!(pets.contains("#[deprecated(note = \"renamed to `PetsGetBuilder`\")]\npub type PetsListBuilder<'a> = PetsGetBuilder<'a>;"), "{pets}");
    let types = &krate.files["src/types.rs"];
    assert!(
        types.contains("#[deprecated(note = \"renamed to `Animal`\")]\npub type Pet = Animal;"),
        "{types}"
    );

    // The drift report names each rename once; with a forwarder or alias it is
    // compatible, without one (`get` is taken) breaking.
    let report = diff(&previous, &api);
    let lines: Vec<(Severity, &str, &str)> = report
        .changes
        .iter()
        .map(|c| (c.severity, c.subject.as_str(), c.what.as_str()))
        .collect();
    assert_eq!(
        lines,
        [
            (
                Severity::Breaking,
                "petGet",
                "method `client.pets().get()` renamed to `client.pets().fetch()`"
            ),
            (
                Severity::Compatible,
                "petList",
                "method `client.pets().list()` renamed to `client.pets().get()`"
            ),
            (
                Severity::Compatible,
                "Animal",
                "Rust type renamed from `Pet`"
            ),
        ],
        "{}",
        report.to_markdown()
    );

    // Regenerating the same document keeps them (check and regen agree).
    let again = build(
        &text,
        &Naming {
            table: Some(&chosen),
            baseline: Some(&api),
            keep_forwarders: true,
        },
    );
    assert_eq!(again.operations[1].previous_names, ["list"]);
    assert!(
        diff(&api, &again).is_empty(),
        "{}",
        diff(&api, &again).to_markdown()
    );

    // The next document drops them, and the report says so, as breaking.
    let next = build(
        &text,
        &Naming {
            table: Some(&chosen),
            baseline: Some(&api),
            keep_forwarders: false,
        },
    );
    assert!(
        next.operations[1].previous_names.is_empty()
            && next.types.iter().all(|t| t.previous_names.is_empty())
    );
    let report = diff(&api, &next);
    let removed: Vec<(Severity, &str)> = report
        .changes
        .iter()
        .map(|c| (c.severity, c.what.as_str()))
        .collect();
    assert_eq!(
        removed,
        [
            (
                Severity::Breaking,
                "deprecated method `client.pets().list()` removed"
            ),
            (
                Severity::Breaking,
                "deprecated builder alias `PetsListBuilder` removed"
            ),
            (Severity::Breaking, "deprecated alias `Pet` removed"),
        ]
    );

    // Through `build_release` (what regen and check call), forwarders follow
    // semver: a next document that breaks nothing keeps them ...
    let compatible = text.replace("version: '1'", "version: '2'");
    assert_ne!(compatible, text);
    let release = |doc: &str| {
        let naming = Naming {
            table: Some(&chosen),
            baseline: Some(&api),
            keep_forwarders: false,
        };
        build_release(doc, "pets.yaml", &chili_gen::FileFetch, &naming).unwrap()
    };
    let (kept, report) = release(&compatible);
    assert_eq!(kept.operations[1].previous_names, ["list"]);
    assert_ne!(report.unwrap().severity(), Some(Severity::Breaking));
    // ... and the first breaking one drops them, with the rest of its breaks.
    // The fixture lists `/v1/pets/{id}` (petGet) first, then `/v1/pets`.
    let get_path = compatible
        .find("  /v1/pets/{id}:")
        .expect("the fixture has a get");
    let list_path = compatible
        .find("  /v1/pets:")
        .expect("the fixture has a list");
    assert!(get_path < list_path);
    let without_get = format!("{}{}", &compatible[..get_path], &compatible[list_path..]);
    let (dropped, report) = release(&without_get);
    assert!(dropped.operations[0].previous_names.is_empty());
    assert_eq!(report.unwrap().severity(), Some(Severity::Breaking));
}

#[test]
fn the_root_module_and_the_extra_field_are_named_apart_from_the_document_names() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/fixtures/untagged-tag.yaml"
    );
    let text = std::fs::read_to_string(path).unwrap();
    let api = chili_gen::build_api(&text, path).unwrap();
    let modules: Vec<(&str, &str)> = api
        .operations
        .iter()
        .map(|o| (o.id.as_str(), o.module.as_str()))
        .collect();
    assert_eq!(
        modules,
        [
            ("statusGet", "untagged_2"),
            ("untaggedThingList", "untagged")
        ]
    );
    let status = api.types.iter().find(|t| t.name == "Status").unwrap();
    assert_eq!(status.extra_field.as_deref(), Some("extra_properties"));
    let krate = chili_gen::generate(&text, path, &chili_gen::Options::new("ut")).unwrap();
    assert!(krate.files["src/api/untagged_2.rs"].contains("impl Client"));
    assert!(krate.files["src/api/untagged.rs"].contains("pub fn list_things"));
}

#[test]
fn conformance_test_names_are_unique_across_groups() {
    // Group `a` with method `b_c` and group `a_b` with method `c` would
    // both be `a_b_c`.
    let text = "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths:\n  /x:\n    get:\n      operationId: bC\n      tags: [a]\n      responses: {'204': {description: ok}}\n  /y:\n    get:\n      operationId: c\n      tags: [a_b]\n      responses: {'204': {description: ok}}\n";
    let api = chili_gen::build_api(text, "inline.yaml").unwrap();
    let names: Vec<(&str, &str, &str)> = api
        .operations
        .iter()
        .map(|o| {
            (
                o.group.as_str(),
                o.method_name.as_str(),
                o.test_name.as_str(),
            )
        })
        .collect();
    assert_eq!(names, [("a", "b_c", "a_b_c"), ("a_b", "c", "a_b_c_2")]);
}
