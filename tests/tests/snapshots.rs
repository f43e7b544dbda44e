//! Snapshots of what the generator makes of real documents, so any change of
//! the generator is a reviewable diff.
//!
//! The Edge API is snapshotted as the IR listing (one line per operation,
//! type, field and variant) of one fixed upstream release, `edge-api-1.494.0.yaml`:
//! a generator regression test that does not move when upstream does. What
//! the committed client was generated from is `spec/api-ir.json` (the pinned
//! document's IR, kept by `cargo xtask regen` and guarded by `cargo xtask
//! check`); tests about the committed client read that, never the live
//! `../shared/spec/edge-api.yaml`, so a new upstream release turns only the
//! drift gate red until someone runs regen. Smaller real documents from
//! `../shared/corpus` are snapshotted as full generated sources.

use std::path::PathBuf;

/// The Edge API release the IR snapshot and the damage test read.
const FIXED_RELEASE: &str = "spec/edge-api-1.494.0.yaml";

fn shared(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared")
        .join(path)
}

fn read(path: &str) -> String {
    let p = shared(path);
    std::fs::read_to_string(&p)
        .unwrap_or_else(|e| panic!("{}: {e} (is ../shared beside the repo?)", p.display()))
}

/// The IR of the document the committed client was generated from.
fn pinned_api() -> chili_gen::ir::Api {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../spec/api-ir.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn edge_api_ir_listing() {
    let api = chili_gen::build_api(&read(FIXED_RELEASE), "edge-api-1.494.0.yaml").unwrap();
    insta::assert_snapshot!("edge_api_ir", api.to_string());
}

/// Operations as the raw document lists them, counted without our loader.
fn raw_operation_count(text: &str) -> usize {
    let doc: serde_json::Value = yaml_serde::from_str(text).unwrap();
    doc["paths"]
        .as_object()
        .unwrap()
        .values()
        .map(|item| {
            item.as_object()
                .unwrap()
                .keys()
                .filter(|k| {
                    [
                        "get", "put", "post", "delete", "patch", "head", "options", "trace",
                    ]
                    .contains(&k.as_str())
                })
                .count()
        })
        .sum()
}

#[test]
fn every_operation_of_each_edge_release_is_one_ir_operation() {
    for release in [
        "spec/edge-api-1.230.0.yaml",
        "spec/edge-api-1.287.2.yaml",
        FIXED_RELEASE,
        "spec/edge-api-1.495.0.yaml",
    ] {
        let text = read(release);
        let api = chili_gen::build_api(&text, release).unwrap();
        assert_eq!(
            api.operations.len(),
            raw_operation_count(&text),
            "{release}"
        );
    }
}

#[test]
fn every_pinned_operation_has_a_method_in_the_committed_client() {
    let api = pinned_api();
    let api_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../generated-client/src/api");
    let mut sources = String::new();
    for entry in std::fs::read_dir(&api_dir).unwrap() {
        sources.push_str(&std::fs::read_to_string(entry.unwrap().path()).unwrap());
    }
    assert_eq!(
        sources.matches("pub async fn send(").count(),
        api.operations.len(),
        "one request builder per operation in generated-client/src/api"
    );
    for op in &api.operations {
        assert!(
            sources.contains(&format!("pub struct {}<'a>", op.builder_type)),
            "no builder for {}",
            op.id
        );
    }
}

#[test]
fn every_section_of_the_help_article_is_reachable() {
    let api = pinned_api();
    let groups: std::collections::BTreeSet<&str> =
        api.operations.iter().map(|o| o.group.as_str()).collect();
    // Sections the document has today; health and CRM are absent from the mirror.
    for section in [
        "tenant",
        "rule",
        "workspace",
        "team",
        "distribution",
        "availability",
        "user",
        "meetings",
        "concierge",
        "scheduling_links",
        "handoff",
    ] {
        assert!(
            groups.contains(section),
            "no `client.{section}()` group; groups: {groups:?}"
        );
    }
}

fn generated_sources(path: &str) -> String {
    let name = path.rsplit('/').next().unwrap();
    let krate =
        chili_gen::generate(&read(path), name, &chili_gen::Options::new("corpus-client")).unwrap();
    krate
        .files
        .iter()
        .map(|(p, text)| format!("==> {p} <==\n{text}"))
        .collect::<Vec<_>>()
        .join("\n")
}

macro_rules! corpus_snapshot {
    ($test:ident, $path:expr) => {
        #[test]
        fn $test() {
            insta::assert_snapshot!(stringify!($test), generated_sources($path));
        }
    };
}

corpus_snapshot!(petstore_3_0, "corpus/oas-examples-3.0/petstore.yaml");
corpus_snapshot!(
    discriminators_3_0,
    "corpus/oas-examples-3.0/discriminators.yaml"
);
corpus_snapshot!(circular_3_0, "corpus/oas-examples-3.0/schema-circular.yaml");
corpus_snapshot!(
    schema_types_3_1,
    "corpus/oas-examples-3.1/schema-types.yaml"
);
corpus_snapshot!(
    train_travel_3_1,
    "corpus/oas-examples-3.1/train-travel.yaml"
);

/// Every document of the corpus and every mirrored Edge API version goes
/// through the whole pipeline without error.
#[test]
fn every_real_document_generates() {
    let mut paths = Vec::new();
    for dir in [
        "corpus/oas-examples-3.0",
        "corpus/oas-examples-3.1",
        "corpus/dropshot",
        "spec",
    ] {
        for entry in std::fs::read_dir(shared(dir)).unwrap() {
            let p = entry.unwrap().path();
            // The live `edge-api.yaml` is upstream's business: `cargo xtask check` judges it.
            let live = p.file_name().is_some_and(|n| n == "edge-api.yaml");
            if matches!(
                p.extension().and_then(|e| e.to_str()),
                Some("yaml" | "json")
            ) && !live
            {
                paths.push(p);
            }
        }
    }
    paths.sort();
    assert!(
        paths.len() > 20,
        "expected the whole corpus, found {paths:?}"
    );
    for p in paths {
        let text = std::fs::read_to_string(&p).unwrap();
        let origin = p.display().to_string();
        if origin.ends_with("edge-operations-1.494.0.yaml") {
            // A catalog of operation ids, not an OpenAPI document: must be refused cleanly.
            let err =
                chili_gen::generate(&text, &origin, &chili_gen::Options::new("x")).unwrap_err();
            assert!(err.to_string().contains("openapi"), "{err}");
            continue;
        }
        chili_gen::generate(&text, &origin, &chili_gen::Options::new("x"))
            .unwrap_or_else(|e| panic!("{e}"));
    }
}

/// Damaged documents (the real one cut short at many points, or with a
/// schema's type replaced by nonsense) give an error that names the
/// document, never a panic.
#[test]
fn damaged_documents_fail_cleanly() {
    let text = read(FIXED_RELEASE);
    let options = chili_gen::Options::new("x");
    let step = text.len() / 40;
    for cut in (step..text.len()).step_by(step) {
        let mut end = cut;
        while !text.is_char_boundary(end) {
            end += 1;
        }
        // A cut document may still be valid YAML and even a valid document; it must never panic.
        if let Err(e) = chili_gen::generate(&text[..end], "cut.yaml", &options) {
            assert!(e.to_string().starts_with("cut.yaml"), "{e}");
        }
    }
    let broken = text.replacen("type: object", "type: 17", 1);
    let err = chili_gen::generate(&broken, "broken.yaml", &options).unwrap_err();
    assert!(err.to_string().starts_with("broken.yaml"), "{err}");
    assert!(
        err.pointer.is_some() || err.line.is_some(),
        "no location in: {err}"
    );
}
