//! Snapshots of what the generator makes of real documents, so any change of
//! document or generator is a reviewable diff.
//!
//! The Edge API is snapshotted as its IR listing (one line per operation,
//! type, field and variant); its generated sources are committed in
//! `generated-client/` and guarded by `cargo xtask check`. Smaller real
//! documents from `../shared/corpus` are snapshotted as full generated sources.

use std::path::PathBuf;

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

#[test]
fn edge_api_ir_listing() {
    let api = chili_gen::build_api(&read("spec/edge-api.yaml"), "edge-api.yaml").unwrap();
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
fn every_edge_operation_has_a_method_in_the_committed_client() {
    let text = read("spec/edge-api.yaml");
    let expected = raw_operation_count(&text);
    let api = chili_gen::build_api(&text, "edge-api.yaml").unwrap();
    assert_eq!(api.operations.len(), expected);

    let api_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../generated-client/src/api");
    let mut sends = 0;
    for entry in std::fs::read_dir(&api_dir).unwrap() {
        let source = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        sends += source.matches("pub async fn send(").count();
    }
    assert_eq!(
        sends, expected,
        "one request builder per operation in generated-client/src/api"
    );
}

#[test]
fn every_section_of_the_help_article_is_reachable() {
    let api = chili_gen::build_api(&read("spec/edge-api.yaml"), "edge-api.yaml").unwrap();
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
            if matches!(
                p.extension().and_then(|e| e.to_str()),
                Some("yaml" | "json")
            ) {
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
    let text = read("spec/edge-api.yaml");
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
