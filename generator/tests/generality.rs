//! Documents beyond the Edge API, one class each (the fixtures in
//! `tests/fixtures/`, which `cargo xtask corpus` also compiles): references
//! into sub-schemas, documents split over files, values of unexpected JSON
//! types, deep nesting. Asserted on the IR, the warnings and the emitted text.

use std::path::{Path, PathBuf};

use chili_gen::ir::{Api, Response, TypeDef, TypeKind, TypeRef};
use chili_gen::{Built, FileFetch, Naming};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures")
        .join(name)
}

fn build(name: &str) -> Built {
    let path = fixture(name);
    let text = std::fs::read_to_string(&path).unwrap();
    chili_gen::build(
        &text,
        &path.display().to_string(),
        &FileFetch,
        &Naming::default(),
    )
    .unwrap_or_else(|e| panic!("{e}"))
}

fn ty<'a>(api: &'a Api, name: &str) -> &'a TypeDef {
    api.types
        .iter()
        .find(|t| t.name == name)
        .unwrap_or_else(|| panic!("no type {name} in\n{api}"))
}

fn field<'a>(api: &'a Api, owner: &str, wire: &str) -> &'a TypeRef {
    let TypeKind::Struct { fields, .. } = &ty(api, owner).kind else {
        panic!("{owner} is not a struct")
    };
    &fields
        .iter()
        .find(|f| f.wire_name == wire)
        .unwrap_or_else(|| panic!("no field {wire} in {owner}"))
        .ty
}

fn response<'a>(api: &'a Api, id: &str) -> &'a Response {
    &api.operations
        .iter()
        .find(|o| o.id == id)
        .unwrap_or_else(|| panic!("no operation {id}"))
        .response
}

fn named(name: &str) -> TypeRef {
    TypeRef::Named(name.to_string())
}

fn list(t: TypeRef) -> TypeRef {
    TypeRef::List(Box::new(t))
}

#[test]
fn references_into_sub_schemas_share_one_type_with_their_target() {
    let built = build("subschema-refs.yaml");
    let api = &built.api;
    assert!(built.warnings.is_empty(), "{:?}", built.warnings);
    // `definitions/bankTransactionLine`, used by a reference and inside its own component.
    let line = named("BankTransactionsBankTransactionLine");
    assert_eq!(
        response(api, "bankTransactionLines"),
        &Response::Json(list(line.clone()))
    );
    assert_eq!(
        field(api, "BankTransactionsTransactionsItem", "lines"),
        &list(line)
    );
    assert_eq!(
        field(api, "BankTransactionsBankTransactionLine", "account"),
        &named("BankTransactionsAccount")
    );
    // `Customer/allOf/0/properties/id`: the member's field and the reference are one type.
    assert_eq!(field(api, "Customer", "id"), &named("CustomerId"));
    let Response::Json(list_type) = response(api, "customersList") else {
        panic!()
    };
    let TypeRef::Named(list_name) = list_type else {
        panic!("{list_type}")
    };
    assert_eq!(field(api, list_name, "owner"), &named("CustomerId"));
    // A reference into `paths` reuses that operation's response type.
    assert_eq!(
        response(api, "customersSearch"),
        response(api, "customersList")
    );
    // A recursive definition reached through a sub-schema reference.
    assert_eq!(response(api, "treeGet"), &Response::Json(named("TreeNode")));
    assert_eq!(field(api, "TreeNode", "children"), &list(named("TreeNode")));
    // Parameters: a reference into another operation's parameters, a schema inside a parameter.
    let lines = api
        .operations
        .iter()
        .find(|o| o.id == "bankTransactionLines")
        .unwrap();
    let since = lines
        .params
        .iter()
        .find(|p| p.wire_name == "since")
        .expect("the parameter referenced into paths");
    assert_eq!(since.ty, named("Limit"));
}

#[test]
fn a_document_split_over_files_is_bundled() {
    let built = build("external/api.yaml");
    let api = &built.api;
    assert!(built.warnings.is_empty(), "{:?}", built.warnings);
    let ids: Vec<&str> = api.operations.iter().map(|o| o.id.as_str()).collect();
    assert_eq!(ids, ["petList", "petCreate", "petGet", "ownerList"]);
    assert_eq!(response(api, "petGet"), &Response::Json(named("Pet")));
    assert_eq!(field(api, "Pet", "owner"), &named("Owner"));
    assert_eq!(field(api, "Pet", "kind"), &named("Kind"));
    // common.yaml's `Error` is copied in beside the document's own `Error`.
    assert_eq!(field(api, "Owner", "error"), &named("Error2"));
    assert_eq!(field(api, "Error2", "detail"), &named("Detail"));
    let page_size = &api.operations[0].params[0];
    assert_eq!(
        (page_size.wire_name.as_str(), &page_size.ty),
        ("pageSize", &TypeRef::I32)
    );
}

/// `$ref: '#name'` names the schema declaring `$anchor: name` (JSON Schema
/// 2020-12, which OpenAPI 3.1 uses), here or in another file.
#[test]
fn anchor_references_resolve_to_the_schema_declaring_the_anchor() {
    let root = "openapi: 3.1.0\ninfo: {title: T, version: '1'}\npaths:\n  /owners:\n    get:\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {$ref: '#/components/schemas/Owner'}\ncomponents:\n  schemas:\n    Pet:\n      $anchor: pet\n      type: object\n      properties:\n        name: {type: string}\n    Owner:\n      type: object\n      properties:\n        pet: {$ref: '#pet'}\n        tag: {$ref: 'lib/tags.yaml#tag'}\n";
    let tags = "Tags:\n  Tag:\n    $anchor: tag\n    type: object\n    required: [label]\n    properties:\n      label: {type: string}\n";
    let dir = scratch(&[("api.yaml", root), ("lib/tags.yaml", tags)]);
    let origin = dir.0.join("api.yaml").display().to_string();
    let api = chili_gen::build_api(root, &origin).unwrap_or_else(|e| panic!("{e}"));
    // The same type as the schema by its path, not a copy.
    assert_eq!(field(&api, "Owner", "pet"), &named("Pet"));
    let TypeRef::Named(tag) = field(&api, "Owner", "tag") else {
        panic!("{api}")
    };
    assert!(
        matches!(&ty(&api, tag).kind, TypeKind::Struct { fields, .. } if fields[0].wire_name == "label")
    );

    // An anchor nobody declares: located at the reference, saying what to do.
    let broken = root.replace("'#pet'", "'#cat'");
    let err = chili_gen::build_api(&broken, &origin).unwrap_err();
    assert_eq!(
        err.pointer.as_deref(),
        Some("/components/schemas/Owner/properties/pet/$ref")
    );
    assert!(
        err.message
            .contains("no schema in this document declares `$anchor: cat`"),
        "{err}"
    );
}

/// A scratch directory with `files` written into it.
fn scratch(files: &[(&str, &str)]) -> tempdir::Dir {
    let dir = tempdir::Dir::new();
    for (name, text) in files {
        let path = dir.0.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

/// A temp directory removed on drop, without another dependency.
mod tempdir {
    use std::path::PathBuf;
    use std::sync::atomic::{AtomicUsize, Ordering};

    pub struct Dir(pub PathBuf);

    impl Dir {
        pub fn new() -> Dir {
            static NEXT: AtomicUsize = AtomicUsize::new(0);
            let n = NEXT.fetch_add(1, Ordering::Relaxed);
            let path =
                std::env::temp_dir().join(format!("chili-generality-{}-{n}", std::process::id()));
            let _ = std::fs::remove_dir_all(&path);
            std::fs::create_dir_all(&path).unwrap();
            Dir(path)
        }
    }

    impl Drop for Dir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

const ROOT: &str = "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths:\n  /a:\n    get:\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {$ref: 'lib/common.yaml#/components/schemas/Thing'}\n";

#[test]
fn errors_in_referenced_files_name_that_file_and_its_pointer() {
    // A missing file: located at the reference.
    let dir = scratch(&[("api.yaml", ROOT)]);
    let origin = dir.0.join("api.yaml").display().to_string();
    let err = chili_gen::build_api(ROOT, &origin).unwrap_err();
    assert_eq!(err.origin, origin);
    assert_eq!(
        err.pointer.as_deref(),
        Some("/paths/~1a/get/responses/200/content/application~1json/schema/$ref")
    );
    assert_eq!(err.line, Some(11), "{err}");
    assert!(
        err.message.contains("lib/common.yaml") && err.message.contains("cannot be read"),
        "{err}"
    );

    // A bad value inside the referenced file: located in that file, line included.
    let common = "components:\n  schemas:\n    Thing:\n      type: object\n      properties:\n        size: {type: 17}\n";
    let dir = scratch(&[("api.yaml", ROOT), ("lib/common.yaml", common)]);
    let origin = dir.0.join("api.yaml").display().to_string();
    let err = chili_gen::build_api(ROOT, &origin).unwrap_err();
    assert_eq!(
        err.origin,
        dir.0.join("lib/common.yaml").display().to_string(),
        "{err}"
    );
    assert_eq!(
        err.pointer.as_deref(),
        Some("/components/schemas/Thing/properties/size/type")
    );
    assert_eq!(err.line, Some(6), "{err}");

    // And a warning there too.
    let common = "components:\n  schemas:\n    Thing:\n      type: object\n      description: 12\n";
    let dir = scratch(&[("api.yaml", ROOT), ("lib/common.yaml", common)]);
    let built = chili_gen::build(
        ROOT,
        &dir.0.join("api.yaml").display().to_string(),
        &FileFetch,
        &Naming::default(),
    )
    .unwrap();
    let w = &built.warnings[0];
    assert_eq!(
        (w.origin.as_str(), w.pointer.as_str()),
        (
            dir.0.join("lib/common.yaml").display().to_string().as_str(),
            "/components/schemas/Thing/description"
        )
    );
}

#[test]
fn values_of_unexpected_types_are_read_past_with_a_pointer_each() {
    let built = build("odd-value-types.yaml");
    let api = &built.api;
    let has = |pointer: &str, words: &str| {
        assert!(
            built
                .warnings
                .iter()
                .any(|w| w.pointer == pointer && w.message.contains(words)),
            "no warning at {pointer} saying {words:?}:\n{}",
            built
                .warnings
                .iter()
                .map(|w| w.to_string())
                .collect::<Vec<_>>()
                .join("\n")
        );
    };
    has("/info/version", "read as \"1.0\"");
    has("/servers/0/variables/port/default", "read as \"8443\"");
    has(
        "/paths/~1reports~1{year}/get/operationId",
        "read as \"20250101\"",
    );
    has(
        "/paths/~1reports~1{year}/get/parameters/0/required",
        "read as true",
    );
    has(
        "/paths/~1reports~1{year}/get/parameters/1/examples/broken",
        "ignored",
    );
    has("/components/schemas/Report/description", "ignored");
    has(
        "/components/schemas/Report/properties/tags/maxItems",
        "read as 10",
    );
    has(
        "/components/schemas/Report/properties/status/discriminator",
        "untagged",
    );
    assert_eq!(api.version, "1.0");
    let op = &api.operations[0];
    assert_eq!((op.id.as_str(), op.params[0].required), ("20250101", true));
    // `enum: [1, 2, 3]` on a string parameter: the values, as text.
    let TypeRef::Named(format) = &op.params[1].ty else {
        panic!("{}", op.params[1].ty)
    };
    let TypeKind::Enum { values } = &ty(api, format).kind else {
        panic!()
    };
    let wires: Vec<&str> = values.iter().map(|v| v.wire.as_str()).collect();
    assert_eq!(wires, ["1", "2", "3"]);
    let TypeKind::Union { tag, .. } = &ty(api, "ReportStatus").kind else {
        panic!()
    };
    assert_eq!(tag, &None);
}

#[test]
fn types_nested_deeper_than_rustc_allows_raise_its_limit_with_a_warning() {
    let path = fixture("deep-nesting.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    let built =
        chili_gen::build(&text, "deep-nesting.yaml", &FileFetch, &Naming::default()).unwrap();
    assert!(
        built
            .warnings
            .iter()
            .any(|w| w.pointer == "/components/schemas/Link0"
                && w.message.contains("recursion_limit")),
        "{:?}",
        built.warnings
    );
    let krate = chili_gen::emit::emit_crate(&built.api, &chili_gen::Options::new("deep")).unwrap();
    for file in ["src/lib.rs", "tests/conformance/main.rs"] {
        assert!(
            krate.files[file].contains("#![recursion_limit = \"1024\"]"),
            "{file}"
        );
    }
    // The 40 array aliases: 40 lists deep; the 19 inline levels: types of their own.
    let Response::Json(aliases) = response(&built.api, "aliasesGet") else {
        panic!()
    };
    assert_eq!(aliases.to_string().matches("Vec<").count(), 40);
    assert!(built
        .api
        .types
        .iter()
        .any(|t| t.name.ends_with("Level14Item")));

    // A shallow document sets no limit.
    let krate = chili_gen::generate(
        &std::fs::read_to_string(fixture("next-page.yaml")).unwrap(),
        "np",
        &chili_gen::Options::new("np"),
    )
    .unwrap();
    assert!(!krate.files["src/lib.rs"].contains("recursion_limit"));
}

#[test]
fn yaml_oddities_are_read_or_refused_at_a_line() {
    let head = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\n";
    let mut laughs = format!("{head}x-a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for (prev, next) in ["a", "b", "c", "d", "e", "f", "g", "h"]
        .iter()
        .zip(["b", "c", "d", "e", "f", "g", "h", "i"])
    {
        laughs.push_str(&format!(
            "x-{next}: &{next} [{}]\n",
            vec![format!("*{prev}"); 9].join(", ")
        ));
    }
    for (name, text, line, words) in [
        ("alias bomb", laughs, 4, "aliases"),
        (
            "self alias",
            format!("{head}x-a: &a [*a]\n"),
            4,
            "128 levels",
        ),
        (
            "two documents",
            format!("{head}---\nopenapi: 3.0.3\n"),
            4,
            "several documents",
        ),
        ("empty", String::new(), 1, "not a mapping"),
        ("null", "# nothing\nnull\n".to_string(), 2, "not a mapping"),
        (
            "tab indentation",
            "openapi: 3.0.3\ninfo:\n\ttitle: t\n".to_string(),
            3,
            "cannot start any token",
        ),
    ] {
        let err = chili_gen::build_api(&text, "odd.yaml").unwrap_err();
        assert_eq!(err.line, Some(line), "{name}: {err}");
        assert!(err.message.contains(words), "{name}: {err}");
    }
    // A number beyond 64 bits is read (as a float), and then past: a length that large is dropped.
    let big = format!("{head}components: {{schemas: {{A: {{type: string, minLength: 99999999999999999999999}}}}}}\n");
    let built = chili_gen::build(&big, "big.yaml", &FileFetch, &Naming::default()).unwrap();
    assert_eq!(built.warnings[0].pointer, "/components/schemas/A/minLength");
    // A byte order mark, merge keys and explicit tags are fine.
    let fine = "\u{feff}openapi: !!str 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      <<: {responses: {'200': {description: ok}}}\n";
    let api = chili_gen::build_api(fine, "fine.yaml").unwrap();
    assert_eq!(api.operations.len(), 1);
}
