//! The CLI emitter on a small inline document: names come from the IR,
//! enum flags list their values, deprecation names the replacement command,
//! and parameter names that clash with the CLI's own flags are renamed.
//! (The Edge API has neither enum flags nor deprecated operations; its CLI is
//! run end to end in `tests/cli/`.)

use chili_gen::emit::cli::{command_words, emit_cli, flag_name, CliOptions};

const DOC: &str = r#"
openapi: 3.0.3
info: {title: Pets, version: '1'}
paths:
  /pets:
    get:
      operationId: petsListOld
      tags: [pets]
      summary: List pets the old way
      deprecated: true
      x-replacement: petsFind
      parameters:
        - {name: status, in: query, schema: {type: string, enum: [available, sold]}}
        - {name: verbose, in: query, schema: {type: boolean}}
      responses:
        '200': {description: ok, content: {application/json: {schema: {type: object}}}}
  /pets/find/{petId}:
    get:
      operationId: petsFind
      tags: [pets]
      parameters:
        - {name: petId, in: path, required: true, schema: {type: string}}
      responses:
        '200': {description: ok, content: {application/json: {schema: {type: object}}}}
"#;

fn options() -> CliOptions {
    CliOptions {
        crate_name: "pets-cli".into(),
        bin_name: "pets".into(),
        crate_version: "0.1.0".into(),
        client_crate: "pets".into(),
        client_path: "../pets".into(),
        tests: Vec::new(),
        token_env_var: "PETS_API_KEY".into(),
        package: None,
    }
}

#[test]
fn commands_and_flags_follow_the_ir_names() {
    let api = chili_gen::build_api(DOC, "pets.yaml").unwrap();
    let old = api
        .operations
        .iter()
        .find(|o| o.id == "petsListOld")
        .unwrap();
    let find = api.operations.iter().find(|o| o.id == "petsFind").unwrap();
    assert_eq!(
        command_words(old),
        vec!["pets".to_string(), old.method_name.replace('_', "-")]
    );
    assert_eq!(command_words(find), ["pets", "find"]);
    let flags: Vec<String> = old.params.iter().map(flag_name).collect();
    assert_eq!(
        flags,
        ["status", "verbose-param"],
        "`--verbose` is the CLI's own setting"
    );
    assert_eq!(flag_name(&find.params[0]), "pet-id");
}

#[test]
fn enum_flags_list_values_and_deprecation_names_the_replacement() {
    let api = chili_gen::build_api(DOC, "pets.yaml").unwrap();
    let krate = emit_cli(&api, &options()).unwrap();
    let pets = &krate.files["src/commands/pets.rs"];
    assert!(
        pets.contains(r#"support::choice::<"#) && pets.contains(r#"&["available", "sold"]"#),
        "{pets}"
    );
    assert!(pets.contains(r#".long("verbose-param")"#), "{pets}");
    assert!(
        pets.contains("[deprecated] List pets the old way"),
        "{pets}"
    );
    assert!(
        pets.contains("Deprecated: use `pets pets find` instead."),
        "{pets}"
    );
    assert!(
        pets.contains(r#".required(true)"#),
        "the path parameter is required: {pets}"
    );
    // No JSON body anywhere: no schema table.
    assert!(!krate.files.contains_key("src/commands/schema.rs"));
    assert!(krate.files["Cargo.toml"].contains("name = \"pets\"\npath = \"src/main.rs\""));
    assert!(krate.files["Cargo.toml"].contains("sdk = { package = \"pets\", path = \"../pets\" }"));
    assert_eq!(emit_cli(&api, &options()).unwrap(), krate, "deterministic");
}

#[test]
fn with_package_metadata_the_crate_is_publishable_and_its_readme_lists_the_commands() {
    let api = chili_gen::build_api(DOC, "pets.yaml").unwrap();
    let unpublished = emit_cli(&api, &options()).unwrap();
    assert!(unpublished.files["Cargo.toml"].contains("publish = false"));

    let mut options = options();
    options.package = Some(chili_gen::Package {
        license: Some("MIT".into()),
        repository: Some("https://example.test/pets".into()),
        keywords: vec!["cli".into()],
        rust_version: Some("1.80".into()),
        ..Default::default()
    });
    let krate = emit_cli(&api, &options).unwrap();
    let manifest = &krate.files["Cargo.toml"];
    assert!(!manifest.contains("publish"), "{manifest}");
    for line in [
        "license = \"MIT\"",
        "repository = \"https://example.test/pets\"",
        "rust-version = \"1.80\"",
        "keywords = [\"cli\"]",
        "readme = \"README.md\"",
        // crates.io needs a version for the client; the path is for this workspace.
        "sdk = { package = \"pets\", version = \"0.1.0\", path = \"../pets\" }",
    ] {
        assert!(manifest.contains(line), "no `{line}` in {manifest}");
    }
    let readme = &krate.files["README.md"];
    for text in [
        "cargo install pets-cli",
        "export PETS_API_KEY=",
        "| `pets pets` | `find`, `list-old` |",
        "Exit status: 0 ok",
    ] {
        assert!(readme.contains(text), "no `{text}` in {readme}");
    }
}
