//! `xtask::run` against a temporary workspace root with a tiny OpenAPI
//! document beside it, laid out like the real one (`<tmp>/ws` is the root,
//! `<tmp>/shared/spec/edge-api.yaml` the default document).
//!
//! The first section covers paths that stop before the generator's output
//! matters (usage, missing files, pin mismatches, refusals); the second needs
//! a working generator pipeline.

use std::collections::BTreeMap;
use std::fs;
use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use xtask::{Error, Outcome, Status};

const PETSTORE: &str = r##"openapi: 3.0.3
info:
  title: Tiny Petstore
  version: 1.0.7
servers:
  - url: https://pets.example.com/v1
paths:
  /pets:
    get:
      operationId: listPets
      summary: List all pets
      parameters:
        - name: limit
          in: query
          required: false
          schema:
            type: integer
            format: int32
      responses:
        '200':
          description: A list of pets
          content:
            application/json:
              schema:
                type: array
                items:
                  $ref: '#/components/schemas/Pet'
  /pets/{petId}:
    get:
      operationId: getPet
      summary: Get one pet
      parameters:
        - name: petId
          in: path
          required: true
          schema:
            type: string
      responses:
        '200':
          description: One pet
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/Pet'
        '404':
          description: No such pet
components:
  schemas:
    Pet:
      type: object
      required: [id, name]
      properties:
        id:
          type: integer
          format: int64
        name:
          type: string
        tag:
          type: string
  securitySchemes:
    bearer:
      type: apiKey
      in: header
      name: Authorization
security:
  - bearer: []
"##;

struct Workspace {
    _tmp: tempfile::TempDir,
    root: PathBuf,
    spec: PathBuf,
}

/// A workspace root with the default document beside it, like a fresh clone
/// next to `shared/`.
fn workspace() -> Workspace {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("ws");
    let spec = tmp.path().join("shared/spec/edge-api.yaml");
    fs::create_dir_all(&root).unwrap();
    fs::create_dir_all(spec.parent().unwrap()).unwrap();
    fs::write(&spec, PETSTORE).unwrap();
    Workspace {
        _tmp: tmp,
        root,
        spec,
    }
}

fn run(ws: &Workspace, args: &[&str]) -> Result<Outcome, Error> {
    let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    xtask::run(&args, &ws.root)
}

fn ok(ws: &Workspace, args: &[&str]) -> String {
    match run(ws, args) {
        Ok(outcome) if outcome.status == Status::Ok => outcome.message,
        other => panic!("{args:?} did not succeed: {other:?}"),
    }
}

fn stale(ws: &Workspace, args: &[&str]) -> String {
    match run(ws, args) {
        Ok(outcome) if outcome.status == Status::Stale => {
            assert_eq!(outcome.exit_code(), 1);
            outcome.message
        }
        other => panic!("{args:?} was expected to report stale state: {other:?}"),
    }
}

fn failure(ws: &Workspace, args: &[&str]) -> String {
    match run(ws, args) {
        Err(e @ Error::Failed(_)) => {
            assert_eq!(e.exit_code(), 2);
            e.to_string()
        }
        other => panic!("{args:?} was expected to fail: {other:?}"),
    }
}

fn usage_error(ws: &Workspace, args: &[&str]) -> String {
    match run(ws, args) {
        Err(e @ Error::Usage(_)) => {
            assert_eq!(e.exit_code(), 2);
            let text = e.to_string();
            // clap's message ends by pointing at the help.
            assert!(
                text.contains("Usage: cargo xtask") || text.contains("try '--help'"),
                "{text}"
            );
            text
        }
        other => panic!("{args:?} was expected to be a usage error: {other:?}"),
    }
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Every file under `dir` with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(dir: &Path, prefix: &str, out: &mut BTreeMap<String, Vec<u8>>) {
        let Ok(entries) = fs::read_dir(dir) else {
            return;
        };
        for entry in entries {
            let entry = entry.unwrap();
            let name = entry.file_name().to_string_lossy().into_owned();
            let rel = if prefix.is_empty() {
                name
            } else {
                format!("{prefix}/{name}")
            };
            if entry.file_type().unwrap().is_dir() {
                walk(&entry.path(), &rel, out);
            } else {
                out.insert(rel, fs::read(entry.path()).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, "", &mut out);
    out
}

fn write_pin(ws: &Workspace, source: &str, version: &str, sha: &str) {
    fs::create_dir_all(ws.root.join("spec")).unwrap();
    let pin = serde_json::json!({
        "source": source,
        "title": "Tiny Petstore",
        "version": version,
        "sha256": sha,
        "generator": "chili-gen 0.1.0",
    });
    fs::write(ws.root.join("spec/pin.json"), format!("{pin:#}\n")).unwrap();
}

/// Serves `responses` (status line, body) to that many connections on
/// loopback, one each, then stops. Returns the base URL.
fn serve(responses: Vec<(&'static str, String)>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for (status, body) in responses {
            let Ok((mut stream, _)) = listener.accept() else {
                return;
            };
            let mut request = Vec::new();
            let mut buf = [0u8; 1024];
            while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                match stream.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => request.extend_from_slice(&buf[..n]),
                }
            }
            let _ = write!(
                stream,
                "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    url
}

// ---------------------------------------------------------------------------
// Paths that do not depend on the generator's output

#[test]
fn unknown_command_is_a_usage_error() {
    let ws = workspace();
    let text = usage_error(&ws, &["frobnicate"]);
    assert!(
        text.starts_with("error: unrecognized subcommand 'frobnicate'"),
        "{text}"
    );
}

#[test]
fn no_command_is_a_usage_error() {
    let ws = workspace();
    let text = usage_error(&ws, &[]);
    assert!(text.contains("Usage: cargo xtask <COMMAND>"), "{text}");
}

#[test]
fn bad_options_are_usage_errors() {
    let ws = workspace();
    assert!(usage_error(&ws, &["regen", "--bogus", "x"]).contains("unexpected argument '--bogus'"));
    for args in [&["check", "--spec"][..], &["check", "--spec="]] {
        assert!(usage_error(&ws, args).contains("a value is required for '--spec"));
    }
    assert!(usage_error(&ws, &["regen", "--spec", "a", "--spec", "b"])
        .contains("'--spec <PATH|URL>' cannot be used multiple times"));
    assert!(usage_error(&ws, &["regen", "stray"]).contains("unexpected argument 'stray'"));
    assert!(usage_error(&ws, &["corpus", "--spec", "a"]).contains("unexpected argument '--spec'"));
    let text = usage_error(&ws, &["generate", "--spec", "a.yaml"]);
    assert!(
        text.contains("required arguments were not provided:\n  --out"),
        "{text}"
    );
    let text = usage_error(&ws, &["generate", "--out", "o"]);
    assert!(
        text.contains("required arguments were not provided:\n  --spec"),
        "{text}"
    );
    assert!(usage_error(
        &ws,
        &["generate", "--spec", "a", "--out", "o", "--name", "9 lives"]
    )
    .contains("not a valid crate name"));
    assert!(!ws.root.join("o").exists());
}

#[test]
fn help_prints_usage() {
    let ws = workspace();
    for args in [&["help"][..], &["--help"], &["check", "-h"]] {
        let outcome = run(&ws, args).unwrap();
        assert_eq!(outcome.exit_code(), 0);
        assert!(
            outcome.message.contains("Usage: cargo xtask"),
            "{}",
            outcome.message
        );
        assert!(outcome.message.contains("--spec") || outcome.message.contains("regen"));
    }
}

#[test]
fn check_without_pin_is_an_error_pointing_at_regen() {
    let ws = workspace();
    let text = failure(&ws, &["check"]);
    assert!(text.contains("spec/pin.json does not exist"), "{text}");
    assert!(text.contains("cargo xtask regen"), "{text}");
}

#[test]
fn check_with_malformed_pin_is_an_error() {
    let ws = workspace();
    fs::create_dir_all(ws.root.join("spec")).unwrap();
    fs::write(ws.root.join("spec/pin.json"), "{\"source\": 3}\n").unwrap();
    let text = failure(&ws, &["check"]);
    assert!(text.contains("spec/pin.json is malformed"), "{text}");
}

#[test]
fn missing_spec_file_error_names_the_path() {
    let ws = workspace();
    let text = failure(&ws, &["regen", "--spec", "nowhere/missing.yaml"]);
    assert!(text.contains("nowhere/missing.yaml"), "{text}");
    assert!(!ws.root.join("spec/pin.json").exists());
    assert!(!ws.root.join("generated-client").exists());

    let text = failure(
        &ws,
        &["generate", "--spec", "nowhere/missing.yaml", "--out", "out"],
    );
    assert!(text.contains("nowhere/missing.yaml"), "{text}");
    assert!(!ws.root.join("out").exists());
}

#[test]
fn default_spec_missing_error_names_the_default_path() {
    let ws = workspace();
    fs::remove_file(&ws.spec).unwrap();
    let text = failure(&ws, &["regen"]);
    assert!(text.contains("../shared/spec/edge-api.yaml"), "{text}");
}

#[test]
fn check_with_pin_sha_mismatch_says_the_document_changed() {
    let ws = workspace();
    let zeros = "0".repeat(64);
    write_pin(&ws, "../shared/spec/edge-api.yaml", "1.0.6", &zeros);
    let text = stale(&ws, &["check"]);
    let now = sha256_hex(PETSTORE.as_bytes());
    assert!(
        text.contains("the document at ../shared/spec/edge-api.yaml changed since it was pinned"),
        "{text}"
    );
    assert!(
        text.contains("pinned version 1.0.6 sha 000000000000"),
        "{text}"
    );
    assert!(text.contains(&format!("sha {}", &now[..12])), "{text}");
    assert!(
        text.contains("run `cargo xtask regen` and commit"),
        "{text}"
    );
}

#[test]
fn check_with_file_url_pin_and_sha_mismatch_says_the_document_changed() {
    let ws = workspace();
    let url = format!("file://{}", ws.spec.display());
    write_pin(&ws, &url, "1.0.6", &"f".repeat(64));
    let text = stale(&ws, &["check"]);
    assert!(
        text.contains(&format!(
            "the document at {url} changed since it was pinned"
        )),
        "{text}"
    );
}

#[test]
fn check_over_http_with_sha_mismatch_says_the_document_changed() {
    let ws = workspace();
    let base = serve(vec![("200 OK", PETSTORE.to_string())]);
    let url = format!("{base}/docs.yaml");
    write_pin(&ws, &url, "1.0.6", &"a".repeat(64));
    let text = stale(&ws, &["check"]);
    assert!(
        text.contains(&format!(
            "the document at {url} changed since it was pinned"
        )),
        "{text}"
    );
    let now = sha256_hex(PETSTORE.as_bytes());
    assert!(text.contains(&now[..12]), "{text}");
}

#[test]
fn http_error_status_is_an_error_naming_the_url() {
    let ws = workspace();
    let base = serve(vec![("404 Not Found", "nope".to_string())]);
    let url = format!("{base}/docs.yaml");
    let text = failure(&ws, &["regen", "--spec", &url]);
    assert!(text.contains(&url) && text.contains("404"), "{text}");
    assert!(!ws.root.join("spec/pin.json").exists());
}

#[test]
fn regen_of_a_non_openapi_document_changes_nothing() {
    let ws = workspace();
    fs::create_dir_all(ws.root.join("generated-client/src")).unwrap();
    fs::write(
        ws.root.join("generated-client/src/lib.rs"),
        "// committed\n",
    )
    .unwrap();
    fs::write(ws.root.join("bad.yaml"), "just: [a, yaml, map]\n").unwrap();
    let before = snapshot(&ws.root);
    let text = failure(&ws, &["regen", "--spec", "bad.yaml"]);
    assert!(text.contains("bad.yaml"), "{text}");
    assert_eq!(snapshot(&ws.root), before);
}

#[test]
fn generate_refuses_to_replace_what_it_does_not_own() {
    let ws = workspace();
    fs::create_dir_all(ws.root.join("generated-client")).unwrap();
    fs::create_dir_all(ws.root.join("notes")).unwrap();
    fs::write(ws.root.join("notes/todo.txt"), "keep\n").unwrap();
    let before = snapshot(&ws.root);
    for (out, why) in [
        ("generated-client", "maintained by `cargo xtask regen`"),
        ("spec/x", "maintained by `cargo xtask regen`"),
        (".", "workspace"),
        ("..", "workspace"),
        ("notes", "no Cargo.toml"),
        ("notes/todo.txt", "not a directory"),
    ] {
        let text = failure(
            &ws,
            &[
                "generate",
                "--spec",
                "../shared/spec/edge-api.yaml",
                "--out",
                out,
            ],
        );
        assert!(
            text.contains("refusing to generate into") && text.contains(why),
            "{out}: {text}"
        );
    }
    assert_eq!(snapshot(&ws.root), before);
}

// ---------------------------------------------------------------------------
// Paths that need the generator to work

#[test]
fn regen_writes_client_and_pin_then_check_passes() {
    let ws = workspace();
    let summary = ok(&ws, &["regen"]);
    let sha = sha256_hex(PETSTORE.as_bytes());
    assert!(
        summary.contains("../shared/spec/edge-api.yaml"),
        "{summary}"
    );
    assert!(summary.contains("1.0.7"), "{summary}");
    assert!(summary.contains(&sha), "{summary}");

    let pin = fs::read_to_string(ws.root.join("spec/pin.json")).unwrap();
    let expected = format!(
        "{{\n  \"source\": \"../shared/spec/edge-api.yaml\",\n  \"title\": \"Tiny Petstore\",\n  \
         \"version\": \"1.0.7\",\n  \"sha256\": \"{sha}\",\n  \"generator\": \"{}\"\n}}\n",
        chili_gen::write::GENERATOR
    );
    assert_eq!(pin, expected);

    let client = snapshot(&ws.root.join("generated-client"));
    assert!(client.contains_key("Cargo.toml"), "{:?}", client.keys());
    assert!(String::from_utf8_lossy(&client["Cargo.toml"]).contains("chilipiper-edge"));

    let line = ok(&ws, &["check"]);
    assert!(line.starts_with("ok:") && !line.contains('\n'), "{line}");
}

#[test]
fn regen_twice_is_byte_identical() {
    let ws = workspace();
    ok(&ws, &["regen"]);
    let first = snapshot(&ws.root);
    let summary = ok(&ws, &["regen"]);
    assert_eq!(snapshot(&ws.root), first);
    assert!(
        summary.contains("all up to date") && summary.contains("unchanged"),
        "{summary}"
    );
}

#[test]
fn regen_keeps_a_relative_source_relative_and_check_uses_it() {
    let ws = workspace();
    fs::create_dir_all(ws.root.join("docs")).unwrap();
    fs::write(ws.root.join("docs/pets.yaml"), PETSTORE).unwrap();
    ok(&ws, &["regen", "--spec", "docs/pets.yaml"]);
    let pin: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(ws.root.join("spec/pin.json")).unwrap()).unwrap();
    assert_eq!(pin["source"], "docs/pets.yaml");
    ok(&ws, &["check"]);
}

#[test]
fn check_lists_edited_missing_and_extra_files() {
    let ws = workspace();
    ok(&ws, &["regen"]);
    let client = ws.root.join("generated-client");
    let files = snapshot(&client);
    // Not the changelog or the version: those are history, which check takes
    // from what is committed (regen keeps them; see the drift tests below).
    let (edited, content) = files
        .iter()
        .find(|(p, c)| *p != "Cargo.toml" && *p != "CHANGELOG.md" && c.len() > 2)
        .unwrap();
    let mut changed = content.clone();
    changed.extend_from_slice(b"\n// hand edit\n");
    fs::write(client.join(edited), &changed).unwrap();
    fs::remove_file(client.join("Cargo.toml")).unwrap();
    fs::write(client.join("stray.rs"), "x").unwrap();
    // Cargo's build output is not part of the crate.
    fs::create_dir_all(client.join("target")).unwrap();
    fs::write(client.join("target/junk"), "x").unwrap();

    let text = stale(&ws, &["check"]);
    assert!(
        text.contains(&format!("{edited}: changed at line")),
        "{text}"
    );
    assert!(text.contains("Cargo.toml: missing"), "{text}");
    assert!(text.contains("stray.rs: extra"), "{text}");
    assert!(!text.contains("target/junk"), "{text}");
    assert!(text.contains("3 files differ"), "{text}");
    assert!(text.contains("cargo xtask regen"), "{text}");

    ok(&ws, &["regen"]);
    ok(&ws, &["check"]);
}

#[test]
fn check_lists_at_most_twenty_differences() {
    let ws = workspace();
    ok(&ws, &["regen"]);
    for i in 0..25 {
        fs::write(
            ws.root.join(format!("generated-client/extra{i:02}.rs")),
            "x",
        )
        .unwrap();
    }
    let text = stale(&ws, &["check"]);
    assert!(text.contains("25 files differ"), "{text}");
    assert!(text.contains("... and 5 more"), "{text}");
}

#[test]
fn check_after_the_document_changes_reports_both_versions() {
    let ws = workspace();
    ok(&ws, &["regen"]);
    let old_sha = sha256_hex(PETSTORE.as_bytes());
    let newer = PETSTORE.replace("version: 1.0.7", "version: 1.0.8");
    fs::write(&ws.spec, &newer).unwrap();
    let text = stale(&ws, &["check"]);
    let new_sha = sha256_hex(newer.as_bytes());
    assert!(
        text.contains(&format!(
            "(pinned version 1.0.7 sha {}, now version 1.0.8 sha {})",
            &old_sha[..12],
            &new_sha[..12]
        )),
        "{text}"
    );
    ok(&ws, &["regen"]);
    ok(&ws, &["check"]);
}

#[test]
fn generate_writes_a_standalone_crate_and_touches_nothing_else() {
    let ws = workspace();
    let summary = ok(
        &ws,
        &[
            "generate",
            "--spec",
            "../shared/spec/edge-api.yaml",
            "--out",
            "out/pets",
        ],
    );
    assert!(summary.contains("tiny-petstore"), "{summary}");
    let files = snapshot(&ws.root.join("out/pets"));
    let manifest = String::from_utf8_lossy(&files["Cargo.toml"]).into_owned();
    assert!(manifest.contains("tiny-petstore"), "{manifest}");
    assert!(manifest.contains("[workspace]"), "{manifest}");
    assert!(!ws.root.join("generated-client").exists());
    assert!(!ws.root.join("spec").exists());

    // Regenerating over its own earlier output is allowed, with a chosen name.
    let url = format!("file://{}", ws.spec.display());
    ok(
        &ws,
        &[
            "generate",
            "--spec",
            &url,
            "--out=out/pets",
            "--name",
            "pets_api",
        ],
    );
    let manifest = fs::read_to_string(ws.root.join("out/pets/Cargo.toml")).unwrap();
    assert!(manifest.contains("pets_api"), "{manifest}");
    // No runtime/ in this workspace: the published runtime.
    let runtime_dep = format!("\nchili-runtime = \"{}\"\n", chili_gen::RUNTIME_VERSION);
    assert!(manifest.contains(&runtime_dep), "{manifest}");
}

#[test]
fn generate_points_the_crate_at_the_runtime() {
    let ws = workspace();
    let generate = |extra: &[&str]| {
        let mut args = vec![
            "generate",
            "--spec",
            "../shared/spec/edge-api.yaml",
            "--out",
            "out/pets",
        ];
        args.extend(extra);
        ok(&ws, &args);
        fs::read_to_string(ws.root.join("out/pets/Cargo.toml")).unwrap()
    };
    let version = chili_gen::RUNTIME_VERSION;
    fs::create_dir_all(ws.root.join("runtime")).unwrap();
    fs::write(
        ws.root.join("runtime/Cargo.toml"),
        "[package]\nname = \"chili-runtime\"\n",
    )
    .unwrap();
    let manifest = generate(&[]);
    let local = format!("chili-runtime = {{ version = \"{version}\", path = \"../../runtime\" }}");
    assert!(manifest.contains(&local), "{manifest}");

    let manifest = generate(&["--runtime", "published"]);
    assert!(
        manifest.contains(&format!("\nchili-runtime = \"{version}\"\n")),
        "{manifest}"
    );

    fs::create_dir_all(ws.root.join("vendor/rt")).unwrap();
    fs::write(
        ws.root.join("vendor/rt/Cargo.toml"),
        "[package]\nname = \"chili-runtime\"\n",
    )
    .unwrap();
    let manifest = generate(&["--runtime", "vendor/rt"]);
    assert!(
        manifest.contains("path = \"../../vendor/rt\""),
        "{manifest}"
    );

    let err = run(
        &ws,
        &[
            "generate",
            "--spec",
            "../shared/spec/edge-api.yaml",
            "--out",
            "out/pets",
            "--runtime",
            "nowhere",
        ],
    );
    let err = err.expect_err("no runtime there").to_string();
    assert!(
        err.contains("--runtime") && err.contains("no Cargo.toml"),
        "{err}"
    );
}

// ---------------------------------------------------------------------------
// Drift: the changelog, the version bump, the gate and `diff`

/// The Tiny Petstore one version later: `getPet` gone (breaking) and `Pet`
/// with a new optional field (compatible, `Pet` is only in responses).
fn petstore_next() -> String {
    let without_get_pet = {
        let start = PETSTORE.find("  /pets/{petId}:").unwrap();
        let end = PETSTORE.find("components:").unwrap();
        format!("{}{}", &PETSTORE[..start], &PETSTORE[end..])
    };
    without_get_pet
        .replace("version: 1.0.7", "version: 1.0.8")
        .replace(
            "        tag:\n          type: string\n",
            "        tag:\n          type: string\n        color:\n          type: string\n",
        )
}

fn client_version(ws: &Workspace) -> String {
    let manifest = fs::read_to_string(ws.root.join("generated-client/Cargo.toml")).unwrap();
    manifest
        .lines()
        .find_map(|l| l.strip_prefix("version = "))
        .unwrap()
        .trim_matches('"')
        .to_string()
}

fn changelog(ws: &Workspace) -> String {
    fs::read_to_string(ws.root.join("generated-client/CHANGELOG.md")).unwrap()
}

/// A document whose schema lives in another file: the pin covers the root's
/// bytes and the baseline the referenced file's, so a change there alone
/// turns check red, naming the file, and regen records it as the API's.
#[test]
fn a_changed_referenced_file_turns_check_red_and_regen_releases_it() {
    let ws = workspace();
    let root_doc = PETSTORE.replace(
        "components:\n  schemas:\n    Pet:\n",
        "components:\n  schemas:\n    Pet:\n      $ref: 'pet.yaml#/Pet'\n    Unused:\n",
    );
    assert_ne!(root_doc, PETSTORE, "the document has the expected shape");
    fs::write(&ws.spec, &root_doc).unwrap();
    let pet = ws.spec.with_file_name("pet.yaml");
    let pet_v1 = "Pet:\n  type: object\n  required: [id, name]\n  properties:\n    id: {type: integer, format: int64}\n    name: {type: string}\n";
    fs::write(&pet, pet_v1).unwrap();
    ok(&ws, &["regen"]);
    let baseline = fs::read_to_string(ws.root.join("spec/api-ir.json")).unwrap();
    assert!(
        baseline.contains("\"sources\": {\"../shared/spec/pet.yaml\":"),
        "{baseline}"
    );
    ok(&ws, &["check"]);

    // Upstream adds a field in the referenced file only.
    fs::write(&pet, format!("{pet_v1}    tag: {{type: string}}\n")).unwrap();
    let text = stale(&ws, &["check"]);
    assert!(
        text.contains("documents it references changed since the pin: ../shared/spec/pet.yaml"),
        "{text}"
    );
    assert!(text.contains("tag"), "{text}");

    let summary = ok(&ws, &["regen"]);
    assert!(summary.contains("0.1.0 -> 0.1.1"), "{summary}");
    let log = changelog(&ws);
    assert!(
        !log.contains("not from the API"),
        "a referenced document's change is the API's: {log}"
    );
    ok(&ws, &["check"]);
}

/// Conformance tests the committed client against the document it was
/// generated from, or says why not, before installing anything.
#[test]
fn conformance_refuses_a_document_that_is_not_the_pinned_one() {
    let ws = workspace();
    ok(&ws, &["regen"]);
    fs::write(&ws.spec, PETSTORE.replace("1.0.7", "1.0.8")).unwrap();
    let err = failure(&ws, &["conformance"]);
    assert!(err.contains("is no longer the pinned document"), "{err}");
    assert!(err.contains("cargo xtask regen"), "{err}");
    assert!(
        !ws.root.join("target/prism").exists(),
        "nothing was installed"
    );
}

/// Same document, same IR, different files (what a newer generator does):
/// regen makes a release of its own, once.
#[test]
fn regen_after_a_generator_only_change_makes_a_patch_release() {
    let ws = workspace();
    ok(&ws, &["regen"]);
    assert_eq!(client_version(&ws), "0.1.0");
    // The committed crate as an older generator wrote it.
    let lib = ws.root.join("generated-client/src/lib.rs");
    let old = fs::read_to_string(&lib).unwrap();
    fs::write(&lib, old.replacen("//", "// older generator\n//", 1)).unwrap();

    let summary = ok(&ws, &["regen"]);
    assert!(
        summary.contains("chilipiper-edge 0.1.0 -> 0.1.1"),
        "{summary}"
    );
    assert!(
        summary.contains("the generator now writes the crate differently"),
        "{summary}"
    );
    assert_eq!(client_version(&ws), "0.1.1");
    let log = changelog(&ws);
    let entry = log
        .find("## chilipiper-edge 0.1.1: Tiny Petstore 1.0.7")
        .expect(&log);
    assert!(
        entry < log.find("## chilipiper-edge 0.1.0").unwrap(),
        "{log}"
    );
    assert!(
        log.contains(
            "by a newer generator: 1 file of the crate differs from chilipiper-edge 0.1.0"
        ),
        "{log}"
    );
    // The generator's files, at the new version (the user agent carries it).
    let now = fs::read_to_string(&lib).unwrap();
    assert_eq!(
        now,
        old.replace("chilipiper-edge/0.1.0", "chilipiper-edge/0.1.1")
    );
    // The CLI follows the client's version.
    let cli = fs::read_to_string(ws.root.join("generated-cli/Cargo.toml")).unwrap();
    assert!(cli.contains("version = \"0.1.1\""), "{cli}");

    // Nothing left to release: the next regen changes nothing.
    let before = snapshot(&ws.root);
    let again = ok(&ws, &["regen"]);
    assert!(again.contains("all up to date"), "{again}");
    assert_eq!(snapshot(&ws.root), before);
    ok(&ws, &["check"]);
}

#[test]
fn regen_writes_the_baseline_and_starts_the_changelog() {
    let ws = workspace();
    let summary = ok(&ws, &["regen"]);
    assert!(summary.contains("no baseline"), "{summary}");
    let baseline = fs::read_to_string(ws.root.join("spec/api-ir.json")).unwrap();
    let api: chili_gen::ir::Api = serde_json::from_str(&baseline).unwrap();
    assert_eq!(api.version, "1.0.7");
    assert_eq!(api.operations.len(), 2);
    // One line per type and per operation.
    assert!(
        baseline
            .lines()
            .any(|l| l.starts_with("{\"id\":\"listPets\"")),
        "{baseline}"
    );

    let log = changelog(&ws);
    assert!(
        log.starts_with("# Changelog of `chilipiper-edge`\n"),
        "{log}"
    );
    assert!(
        log.contains("\n\n## chilipiper-edge 0.1.0: Tiny Petstore 1.0.7\n"),
        "{log}"
    );
    assert_eq!(client_version(&ws), "0.1.0");
}

#[test]
fn check_fails_with_the_drift_report_until_regen_records_it() {
    let ws = workspace();
    ok(&ws, &["regen"]);
    let next = petstore_next();
    fs::write(&ws.spec, &next).unwrap();

    // The gate: red, saying what changed and what the next version will be.
    let text = stale(&ws, &["check"]);
    assert!(
        text.contains("the document at ../shared/spec/edge-api.yaml changed since it was pinned"),
        "{text}"
    );
    assert!(text.contains("## Tiny Petstore 1.0.7 → 1.0.8"), "{text}");
    assert!(text.contains("1 breaking, 2 compatible changes."), "{text}");
    assert!(
        text.contains("- `getPet`: removed (GET `/pets/{petId}`, `client.get_pet()`)."),
        "{text}"
    );
    assert!(
        text.contains("- `Pet.color`: new optional field `color`"),
        "{text}"
    );
    assert!(
        text.contains("run `cargo xtask regen` and commit"),
        "{text}"
    );
    assert!(
        text.contains(
            "chilipiper-edge 0.2.0 entry of generated-client/CHANGELOG.md, up from 0.1.0"
        ),
        "{text}"
    );

    // Regen records it: a new entry on top, a breaking version bump.
    let summary = ok(&ws, &["regen"]);
    assert!(
        summary.contains("1 breaking, 2 compatible since version 1.0.7"),
        "{summary}"
    );
    assert!(
        summary.contains("chilipiper-edge 0.1.0 -> 0.2.0"),
        "{summary}"
    );
    assert_eq!(client_version(&ws), "0.2.0");
    let log = changelog(&ws);
    let newest = log
        .find("## chilipiper-edge 0.2.0: Tiny Petstore 1.0.8")
        .expect(&log);
    let first = log
        .find("## chilipiper-edge 0.1.0: Tiny Petstore 1.0.7")
        .expect(&log);
    assert!(newest < first, "newest first:\n{log}");
    assert!(
        log[newest..first]
            .contains("### Breaking changes\n\n#### Operations\n\n- `getPet`: removed"),
        "{log}"
    );
    assert!(
        !log.contains("## Tiny Petstore"),
        "entries carry no second heading:\n{log}"
    );
    let lib = fs::read_to_string(ws.root.join("generated-client/src/lib.rs")).unwrap();
    assert!(
        lib.contains("chilipiper-edge/0.2.0"),
        "the user agent follows the version"
    );

    // Green again, and stable: a second regen changes no byte.
    ok(&ws, &["check"]);
    let before = snapshot(&ws.root);
    let summary = ok(&ws, &["regen"]);
    assert!(summary.contains("none since version 1.0.8"), "{summary}");
    assert!(summary.contains("all up to date"), "{summary}");
    assert_eq!(snapshot(&ws.root), before);
}

#[test]
fn compatible_changes_bump_the_patch_version() {
    let ws = workspace();
    ok(&ws, &["regen"]);
    let next = PETSTORE
        .replace("version: 1.0.7", "version: 1.0.8")
        .replace(
            "        tag:\n          type: string\n",
            "        tag:\n          type: string\n        color:\n          type: string\n",
        );
    fs::write(&ws.spec, &next).unwrap();
    let summary = ok(&ws, &["regen"]);
    assert!(summary.contains("0 breaking, 2 compatible"), "{summary}");
    assert_eq!(client_version(&ws), "0.1.1");
    assert!(changelog(&ws).contains("## chilipiper-edge 0.1.1: Tiny Petstore 1.0.8"));
    ok(&ws, &["check"]);
}

#[test]
fn check_fails_when_the_baseline_is_missing_or_stale() {
    let ws = workspace();
    ok(&ws, &["regen"]);
    let baseline = ws.root.join("spec/api-ir.json");
    let good = fs::read_to_string(&baseline).unwrap();

    fs::remove_file(&baseline).unwrap();
    let text = stale(&ws, &["check"]);
    assert!(text.contains("spec/api-ir.json does not exist"), "{text}");

    // A baseline of another document: the report says how it differs.
    fs::write(&baseline, good.replace("\"listPets\"", "\"listAllPets\"")).unwrap();
    let text = stale(&ws, &["check"]);
    assert!(
        text.contains("does not match the pinned document"),
        "{text}"
    );
    assert!(text.contains("`listAllPets`"), "{text}");

    fs::write(&baseline, "not json").unwrap();
    let text = failure(&ws, &["check"]);
    assert!(text.contains("spec/api-ir.json is malformed"), "{text}");

    fs::write(&baseline, &good).unwrap();
    ok(&ws, &["check"]);
}

#[test]
fn baselines_carry_a_format_version_and_older_ones_still_read() {
    let ws = workspace();
    ok(&ws, &["regen"]);
    let baseline = ws.root.join("spec/api-ir.json");
    let good = fs::read_to_string(&baseline).unwrap();
    let version_line = format!(
        "\"format_version\": {},\n",
        chili_gen::baseline::FORMAT_VERSION
    );
    assert!(good.starts_with(&format!("{{\n{version_line}")), "{good}");

    // A baseline written before the field existed: read as version 1, so
    // regen reports no change, and rewrites it with the field.
    let unversioned = good.replacen(&version_line, "", 1);
    fs::write(&baseline, &unversioned).unwrap();
    let text = stale(&ws, &["check"]);
    assert!(text.contains("not what regen writes"), "{text}");
    let summary = ok(&ws, &["regen"]);
    assert!(
        summary.contains("changes: none since version 1.0.7"),
        "{summary}"
    );
    assert_eq!(fs::read_to_string(&baseline).unwrap(), good);
    ok(
        &ws,
        &["diff", "spec/api-ir.json", "../shared/spec/edge-api.yaml"],
    );

    // One from a newer generator: refused, naming the file and what to do,
    // and regen leaves everything as it was.
    let future = good.replacen(&version_line, "\"format_version\": 99,\n", 1);
    fs::write(&baseline, &future).unwrap();
    let before = snapshot(&ws.root);
    for args in [
        &["check"][..],
        &["regen"],
        &["diff", "spec/api-ir.json", "spec/api-ir.json"],
    ] {
        let text = failure(&ws, args);
        assert!(
            text.starts_with("spec/api-ir.json is baseline format version 99"),
            "{args:?}: {text}"
        );
        assert!(text.contains("cargo xtask regen"), "{text}");
    }
    assert_eq!(snapshot(&ws.root), before);
}

#[test]
fn diff_reports_in_markdown_and_json_and_fails_on_breaking() {
    let ws = workspace();
    fs::write(ws.root.join("new.yaml"), petstore_next()).unwrap();
    let old = "../shared/spec/edge-api.yaml";

    let md = ok(&ws, &["diff", old, "new.yaml"]);
    assert!(
        md.starts_with("## Tiny Petstore 1.0.7 → 1.0.8\n\n1 breaking, 2 compatible changes."),
        "{md}"
    );

    let json = ok(&ws, &["diff", old, "new.yaml", "--format", "json"]);
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(value["breaking"], 1);
    assert_eq!(value["changes"][0]["subject"], "getPet");
    assert_eq!(value["changes"][0]["severity"], "breaking");

    let found = run(&ws, &["diff", "--fail-on", "breaking", old, "new.yaml"]).unwrap();
    assert_eq!(found.status, Status::Found);
    assert_eq!(found.exit_code(), 1);
    assert_eq!(found.message, md, "the report is printed all the same");

    // Identical documents: an empty report, and nothing to fail on.
    let same = run(&ws, &["diff", old, old, "--fail-on=any"]).unwrap();
    assert_eq!(same.exit_code(), 0);
    assert!(
        same.message
            .ends_with("No changes a user of the client can see."),
        "{}",
        same.message
    );

    // A regen baseline works as a side too.
    ok(&ws, &["regen"]);
    let from_baseline = ok(&ws, &["diff", "spec/api-ir.json", "new.yaml"]);
    assert_eq!(from_baseline, md);
}

#[test]
fn diff_usage_errors() {
    let ws = workspace();
    let old = "../shared/spec/edge-api.yaml";
    assert!(usage_error(&ws, &["diff", old]).contains("not provided:\n  <NEW>"));
    assert!(
        usage_error(&ws, &["diff", old, old, "x.yaml"]).contains("unexpected argument 'x.yaml'")
    );
    assert!(usage_error(&ws, &["diff", old, old, "--format", "xml"])
        .contains("invalid value 'xml' for '--format"));
    assert!(usage_error(&ws, &["diff", old, old, "--fail-on", "warn"])
        .contains("invalid value 'warn' for '--fail-on"));
    assert!(usage_error(&ws, &["diff", old, old, "--bogus", "1"]).contains("'--bogus'"));
    assert!(failure(&ws, &["diff", old, "nowhere.yaml"]).contains("nowhere.yaml"));
}

// ---------------------------------------------------------------------------
// Names: spec/names.toml, and one release of deprecated forwarders

fn untagged_api(ws: &Workspace) -> String {
    fs::read_to_string(ws.root.join("generated-client/src/api/untagged.rs")).unwrap()
}

#[test]
fn a_rename_in_the_names_file_is_reported_once_and_forwards_for_one_release() {
    let ws = workspace();
    ok(&ws, &["regen"]);
    fs::write(
        ws.root.join("spec/names.toml"),
        "[operations]\n# say it like a person\nlistPets = \"all_pets\"\n",
    )
    .unwrap();

    // The gate sees that regen would now write something else.
    let text = stale(&ws, &["check"]);
    assert!(
        text.contains("method `client.list_pets()` renamed to `client.all_pets()`"),
        "{text}"
    );

    // Regen: one compatible change (the old method forwards), a patch bump.
    let summary = ok(&ws, &["regen"]);
    assert!(
        summary.contains("0 breaking, 1 compatible since version 1.0.7"),
        "{summary}"
    );
    assert!(
        summary.contains("chilipiper-edge 0.1.0 -> 0.1.1"),
        "{summary}"
    );
    assert!(
        summary.contains("names:   spec/names.toml: 1 operation and 0 schema names chosen"),
        "{summary}"
    );
    let log = changelog(&ws);
    let entry = &log[..log.find("## chilipiper-edge 0.1.0:").expect(&log)];
    assert!(entry.contains("Generated again from version 1.0.7 of the document: these changes come from the generator or from spec/names.toml"), "{entry}");
    let renames: Vec<&str> = entry.lines().filter(|l| l.contains("renamed")).collect();
    assert_eq!(
        renames,
        [
            "- `listPets`: method `client.list_pets()` renamed to `client.all_pets()`. `client.list_pets()` stays for one release as a deprecated method forwarding to the new one: existing code compiles, with a warning."
        ],
        "{entry}"
    );
    let source = untagged_api(&ws);
    assert!(
        source.contains("    pub fn all_pets(&self) -> AllPetsBuilder<'_> {"),
        "{source}"
    );
    assert!(
        source.contains("    #[deprecated(note = \"renamed to `all_pets`\")]\n    pub fn list_pets(&self) -> AllPetsBuilder<'_> {\n        self.all_pets()\n    }"),
        "{source}"
    );
    assert!(source.contains("#[deprecated(note = \"renamed to `AllPetsBuilder`\")]\npub type ListPetsBuilder<'a> = AllPetsBuilder<'a>;"), "{source}");

    // The same document again: the forwarder stays, the gate is green, no byte moves.
    ok(&ws, &["check"]);
    let before = snapshot(&ws.root);
    assert!(ok(&ws, &["regen"]).contains("none since version 1.0.7"));
    assert_eq!(snapshot(&ws.root), before);

    // The next document starts the next release: the forwarder goes, and the
    // report says so, as breaking.
    fs::write(&ws.spec, petstore_next()).unwrap();
    let summary = ok(&ws, &["regen"]);
    assert!(
        summary.contains("chilipiper-edge 0.1.1 -> 0.2.0"),
        "{summary}"
    );
    let log = changelog(&ws);
    assert!(log.contains("- `listPets`: deprecated method `client.list_pets()` removed. It forwarded to `client.all_pets()` for one release after a rename"), "{log}");
    assert!(
        !untagged_api(&ws).contains("pub fn list_pets"),
        "{}",
        untagged_api(&ws)
    );
    ok(&ws, &["check"]);
}

#[test]
fn a_bad_names_file_fails_with_its_line_and_leaves_the_client_intact() {
    let ws = workspace();
    ok(&ws, &["regen"]);
    let before = snapshot(&ws.root);
    let names = ws.root.join("spec/names.toml");
    fs::write(
        &names,
        "[operations]\nlistPets = \"all_pets\"\ngetPet = \"Fetch\"\n",
    )
    .unwrap();
    let text = failure(&ws, &["regen"]);
    assert!(
        text.contains(
            "spec/names.toml:3 at operations.getPet: `Fetch` is not a snake_case Rust method name"
        ),
        "{text}"
    );
    assert!(failure(&ws, &["check"]).contains("spec/names.toml:3"));
    fs::remove_file(&names).unwrap();
    assert_eq!(snapshot(&ws.root), before);

    // An entry for an operation the document does not have is only a warning.
    fs::write(
        &names,
        "[operations]\nlistPets = \"list\"\nfeedPets = \"feed\"\n",
    )
    .unwrap();
    let summary = ok(&ws, &["regen"]);
    assert!(
        summary.contains("warning: spec/names.toml:3: operation `feedPets` is not in the document, so `feed` names nothing"),
        "{summary}"
    );
}

#[test]
fn generate_and_diff_take_a_names_file() {
    let ws = workspace();
    fs::write(
        ws.root.join("names.toml"),
        "[operations]\ngetPet = \"pet\"\n\n[schemas]\nPet = \"Animal\"\n",
    )
    .unwrap();
    let out = ws.root.join("../out");
    let text = ok(
        &ws,
        &[
            "generate",
            "--spec",
            "../shared/spec/edge-api.yaml",
            "--out",
            "../out",
            "--names",
            "names.toml",
        ],
    );
    assert!(
        text.contains("names:   names.toml: 1 operation and 1 schema name chosen"),
        "{text}"
    );
    let api = fs::read_to_string(out.join("src/api/untagged.rs")).unwrap();
    assert!(
        api.contains("pub fn pet(&self, pet_id: impl Into<String>) -> PetBuilder<'_>"),
        "{api}"
    );
    assert!(fs::read_to_string(out.join("src/types.rs"))
        .unwrap()
        .contains("pub struct Animal {"));
    assert!(failure(
        &ws,
        &[
            "generate",
            "--spec",
            "../shared/spec/edge-api.yaml",
            "--out",
            "../out",
            "--names",
            "nope.toml"
        ]
    )
    .contains("cannot read the names file nope.toml"));

    // diff against a baseline named by the file: with the same names, only
    // the real change shows; without them, the names read as renames.
    fs::create_dir_all(ws.root.join("spec")).unwrap();
    fs::copy(ws.root.join("names.toml"), ws.root.join("spec/names.toml")).unwrap();
    ok(&ws, &["regen"]);
    fs::write(
        ws.root.join("new.yaml"),
        PETSTORE.replace("version: 1.0.7", "version: 1.0.8"),
    )
    .unwrap();
    let named = ok(
        &ws,
        &[
            "diff",
            "spec/api-ir.json",
            "new.yaml",
            "--names",
            "names.toml",
        ],
    );
    assert!(
        named.contains("1.0.7 → 1.0.8\n\n0 breaking, 1 compatible change."),
        "{named}"
    );
    let unnamed = ok(&ws, &["diff", "spec/api-ir.json", "new.yaml"]);
    assert!(
        unnamed.contains("method `client.pet()` renamed to `client.get_pet()`"),
        "{unnamed}"
    );
}

#[test]
fn check_says_when_regen_would_refuse_the_new_document_and_where() {
    let ws = workspace();
    ok(&ws, &["regen"]);
    let committed = snapshot(&ws.root);
    // Valid YAML, a valid version, but a reference to a schema that is not there.
    let dangling = PETSTORE
        .replace("version: 1.0.7", "version: 1.0.8")
        .replace(
            "                $ref: '#/components/schemas/Pet'\n        '404'",
            "                $ref: '#/components/schemas/Pett'\n        '404'",
        );
    assert_ne!(
        dangling,
        PETSTORE.replace("version: 1.0.7", "version: 1.0.8")
    );
    fs::write(&ws.spec, &dangling).unwrap();
    let text = stale(&ws, &["check"]);
    assert!(text.contains(", now version 1.0.8 sha "), "{text}");
    assert!(!text.contains("does not parse"), "{text}");
    assert!(
        text.contains("`cargo xtask regen` would refuse it and change nothing"),
        "{text}"
    );
    // 1-based: the line of the `$ref` itself.
    let line = dangling.lines().position(|l| l.contains("Pett")).unwrap() + 1;
    assert!(text.contains(&format!("edge-api.yaml:{line} at /paths/~1pets~1{{petId}}/get/responses/200/content/application~1json/schema/$ref")), "{text}");
    assert!(
        text.contains("#/components/schemas/Pett` points at"),
        "{text}"
    );
    assert!(!text.contains("fix: run `cargo xtask regen`"), "{text}");
    // And regen does refuse it, writing nothing.
    let error = failure(&ws, &["regen"]);
    assert!(
        error.contains("#/components/schemas/Pett` points at")
            && error.contains("nothing was written"),
        "{error}"
    );
    assert_eq!(snapshot(&ws.root), committed);

    fs::write(&ws.spec, "openapi: [3.1\n").unwrap();
    let text = stale(&ws, &["check"]);
    assert!(
        text.contains(", now text that is not YAML or JSON sha "),
        "{text}"
    );
    assert!(text.contains("would refuse it"), "{text}");
}
