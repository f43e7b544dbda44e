//! `cargo xtask corpus`: generates a client crate for each real-world document
//! of `../shared/corpus` (and our own fixtures), compiles them all under
//! clippy with warnings denied, and runs their emitted decode round-trips. The snapshot tests show what the generator
//! writes; this shows that what it writes builds, beyond the Edge API.

use std::path::Path;
use std::process::Command;

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
];

/// Generates every document into `target/corpus/<name>` as members of a
/// scratch workspace (sharing the main build directory and lock file, so
/// dependencies are not built again) and runs clippy over them.
pub fn corpus(root: &Path) -> Result<Outcome, Error> {
    let dir = root.join("target/corpus");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).map_err(|e| failed(format!("cannot create {}: {e}", dir.display())))?;
    let mut members = Vec::new();
    for doc in DOCUMENTS {
        let text = std::fs::read_to_string(root.join(doc)).map_err(|e| failed(format!("cannot read {doc}: {e}")))?;
        let stem = Path::new(doc).file_stem().and_then(|s| s.to_str()).unwrap_or("doc");
        let folder = Path::new(doc).parent().and_then(|p| p.file_name()).and_then(|s| s.to_str()).unwrap_or("doc");
        let name = format!("corpus-{folder}-{stem}").replace(['.', '_'], "-");
        let krate = chili_gen::generate(&text, doc, &chili_gen::Options::new(&name)).map_err(|e| failed(e.to_string()))?;
        chili_gen::write::write_crate(&dir.join(&name), &krate).map_err(|e| failed(format!("cannot write {name}: {e}")))?;
        members.push(name);
    }
    let manifest = format!(
        "[workspace]\nresolver = \"2\"\nmembers = [{}]\n",
        members.iter().map(|m| format!("{m:?}")).collect::<Vec<_>>().join(", ")
    );
    std::fs::write(dir.join("Cargo.toml"), manifest).map_err(|e| failed(e.to_string()))?;
    // The main lock file pins the same dependency versions, so nothing is rebuilt.
    std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock")).map_err(|e| failed(e.to_string()))?;
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = Command::new(cargo)
        .current_dir(&dir)
        .env("CARGO_TARGET_DIR", root.join("target"))
        .args(["clippy", "--quiet", "--workspace", "--all-targets", "--", "-D", "warnings"])
        .status()
        .map_err(|e| failed(format!("cannot run cargo: {e}")))?;
    if !status.success() {
        return Err(failed(format!("a generated corpus crate does not build cleanly (crates in {})", dir.display())));
    }
    // Each crate's emitted decode tests: every response type and union variant
    // of its document, synthesized from the document, must round-trip.
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .current_dir(&dir)
        .env("CARGO_TARGET_DIR", root.join("target"))
        .args(["test", "--quiet", "--workspace", "--test", "conformance"])
        .status()
        .map_err(|e| failed(format!("cannot run cargo: {e}")))?;
    if !status.success() {
        return Err(failed(format!("a generated corpus crate fails its decode round-trips (crates in {})", dir.display())));
    }
    Ok(Outcome::ok(format!(
        "{} generated crates build with zero clippy warnings and round-trip every response type and union variant: {}",
        members.len(),
        members.join(", ")
    )))
}
