//! `cargo xtask mutant`: proves the conformance suite catches a broken type.
//! It generates the client from the pinned document, breaks one field's wire
//! name the way a generator bug would (`createdAt` read as `created_at`), and
//! runs the suite's document-driven decode tests on that crate: they must fail.

use std::path::Path;
use std::process::Command;

use crate::{failed, Error, Outcome, CLIENT_CRATE, DEFAULT_SPEC};

/// The injected bug: one field renamed wrongly.
const RIGHT: &str = "#[serde(rename = \"createdAt\")]";
const WRONG: &str = "#[serde(rename = \"created_at\")]";

/// Builds the broken crate and checks that its decode tests fail on the
/// broken field.
pub fn mutant(root: &Path) -> Result<Outcome, Error> {
    let text = std::fs::read_to_string(root.join(DEFAULT_SPEC)).map_err(|e| failed(format!("cannot read {DEFAULT_SPEC}: {e}")))?;
    let name = format!("{CLIENT_CRATE}-mutant");
    let mut krate = chili_gen::generate(&text, DEFAULT_SPEC, &chili_gen::Options::new(&name)).map_err(|e| failed(e.to_string()))?;
    let types = krate.files.get_mut("src/types.rs").ok_or_else(|| failed("the generated crate has no src/types.rs"))?;
    if !types.contains(RIGHT) {
        return Err(failed(format!("no `{RIGHT}` in the generated types to break; pick another field")));
    }
    *types = types.replacen(RIGHT, WRONG, 1);

    let dir = root.join("target/mutant");
    let _ = std::fs::remove_dir_all(&dir);
    chili_gen::write::write_crate(&dir.join(&name), &krate).map_err(|e| failed(format!("cannot write the mutant: {e}")))?;
    std::fs::write(dir.join("Cargo.toml"), format!("[workspace]\nresolver = \"2\"\nmembers = [{name:?}]\n")).map_err(|e| failed(e.to_string()))?;
    // Same versions as the main build, so nothing but the mutant is compiled.
    std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock")).map_err(|e| failed(e.to_string()))?;

    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let output = Command::new(cargo)
        .current_dir(&dir)
        .env("CARGO_TARGET_DIR", root.join("target"))
        .args(["test", "--quiet", "--package", &name, "--test", "conformance", "decode_every"])
        .output()
        .map_err(|e| failed(format!("cannot run cargo: {e}")))?;
    let log = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    if output.status.success() {
        return Err(failed(format!("the conformance decode tests PASSED on a crate with `{WRONG}`: they would not catch a wrong field rename")));
    }
    if !log.contains("created_at") {
        return Err(failed(format!("the mutant failed, but not on the broken field:\n{log}")));
    }
    let failing: Vec<&str> = log.lines().filter(|l| l.contains("created_at")).take(3).collect();
    Ok(Outcome::ok(format!(
        "ok: the conformance decode tests fail on a crate with `{WRONG}` instead of `{RIGHT}`:\n  {}",
        failing.join("\n  ")
    )))
}
