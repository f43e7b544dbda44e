//! `cargo xtask corpus`: generates a client crate for each real-world document
//! of `../shared/corpus` (and our own fixtures in `tests/fixtures/`, one per
//! class of document the generator must read: references into sub-schemas,
//! references to other files, values of unexpected JSON types, deep nesting),
//! compiles them all under clippy with warnings denied, and runs their
//! emitted decode round-trips. The snapshot tests show what the generator
//! writes; this shows that what it writes builds, beyond the Edge API.

use std::path::Path;

use crate::scratch::{log, Scratch};
use crate::{failed, Error, Outcome};

/// Documents to compile, relative to the workspace root.
const DOCUMENTS: &[&str] = &[
    "../shared/corpus/oas-examples-3.0/petstore.yaml",
    "../shared/corpus/oas-examples-3.0/petstore-expanded.yaml",
    "../shared/corpus/oas-examples-3.0/discriminators.yaml",
    "../shared/corpus/oas-examples-3.0/polymorphism.yaml",
    "../shared/corpus/oas-examples-3.0/schema-circular.yaml",
    "../shared/corpus/oas-examples-3.0/schema-enums.yaml",
    "../shared/corpus/oas-examples-3.0/schema-additional-properties.yaml",
    "../shared/corpus/oas-examples-3.0/parameters-common.yaml",
    "../shared/corpus/oas-examples-3.0/complex-nesting.yaml",
    "../shared/corpus/oas-examples-3.0/response-multiple-mediatypes.yaml",
    "../shared/corpus/oas-examples-3.1/petstore.yaml",
    "../shared/corpus/oas-examples-3.1/schema-types.yaml",
    "../shared/corpus/oas-examples-3.1/schema-validation-local.yaml",
    "../shared/corpus/oas-examples-3.1/security.yaml",
    "../shared/corpus/oas-examples-3.1/train-travel.yaml",
    "../shared/corpus/dropshot/keeper.json",
    "../shared/corpus/dropshot/buildomat.json",
    "../shared/spec/edge-api-1.230.0.yaml",
    "tests/fixtures/next-page.yaml",
    "tests/fixtures/subschema-refs.yaml",
    "tests/fixtures/external/api.yaml",
    "tests/fixtures/odd-value-types.yaml",
    "tests/fixtures/deep-nesting.yaml",
];

/// Generates every document into `target/corpus/<name>` and builds them.
pub fn corpus(root: &Path) -> Result<Outcome, Error> {
    let mut scratch = Scratch::new(root, "corpus")?;
    for doc in DOCUMENTS {
        let text = std::fs::read_to_string(root.join(doc))
            .map_err(|e| failed(format!("cannot read {doc}: {e}")))?;
        let stem = Path::new(doc)
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("doc");
        let folder = Path::new(doc)
            .parent()
            .and_then(|p| p.file_name())
            .and_then(|s| s.to_str())
            .unwrap_or("doc");
        let name = format!("corpus-{folder}-{stem}").replace(['.', '_'], "-");
        // Warnings are printed: the odd-value-types fixture has many, on purpose.
        let built = crate::referenced::build(&text, doc, root, &chili_gen::Naming::default())?;
        let options = chili_gen::Options::new(&name)
            .with_runtime_at(&scratch.dir().join(&name), &root.join(crate::RUNTIME_DIR));
        let krate =
            chili_gen::emit::emit_crate(&built.api, &options).map_err(|e| failed(e.to_string()))?;
        scratch.add(&name, &krate)?;
    }
    let built = scratch.cargo(&[
        "clippy",
        "--quiet",
        "--workspace",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ])?;
    if !built.status.success() {
        return Err(failed(format!(
            "a generated corpus crate does not build cleanly (crates in {}):\n{}",
            scratch.dir().display(),
            log(&built)
        )));
    }
    // Each crate's emitted decode tests: every response type and union variant
    // of its document, synthesized from the document, must round-trip.
    let tested = scratch.cargo(&["test", "--quiet", "--workspace", "--test", "conformance"])?;
    if !tested.status.success() {
        return Err(failed(format!(
            "a generated corpus crate fails its decode round-trips (crates in {}):\n{}",
            scratch.dir().display(),
            log(&tested)
        )));
    }
    Ok(Outcome::ok(format!(
        "{} generated crates build with zero clippy warnings and round-trip every response type and union variant: {}",
        scratch.members().len(),
        scratch.members().join(", ")
    )))
}
