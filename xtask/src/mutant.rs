//! `cargo xtask mutant`: proves the conformance suite catches a broken type.
//! It generates the client from the pinned document, breaks one field's wire
//! name the way a generator bug would (`createdAt` read as `created_at`), and
//! runs the suite's document-driven decode tests on that crate: they must fail.

use std::path::Path;

use crate::scratch::{log, Scratch};
use crate::{failed, Error, Outcome, CLIENT_CRATE, DEFAULT_SPEC};

/// The injected bug: one field's wire name wrong, in its `record!` line.
const RIGHT: &str = " = \"createdAt\",\n";
const WRONG: &str = " = \"created_at\",\n";

/// Builds the broken crate and checks that its decode tests fail on the
/// broken field.
pub fn mutant(root: &Path) -> Result<Outcome, Error> {
    let text = std::fs::read_to_string(root.join(DEFAULT_SPEC))
        .map_err(|e| failed(format!("cannot read {DEFAULT_SPEC}: {e}")))?;
    let name = format!("{CLIENT_CRATE}-mutant");
    let mut scratch = Scratch::new(root, "mutant")?;
    let options = chili_gen::Options::new(&name)
        .with_runtime_at(&scratch.dir().join(&name), &root.join(crate::RUNTIME_DIR));
    let mut krate =
        chili_gen::generate(&text, DEFAULT_SPEC, &options).map_err(|e| failed(e.to_string()))?;
    let types = krate
        .files
        .get_mut("src/types.rs")
        .ok_or_else(|| failed("the generated crate has no src/types.rs"))?;
    if !types.contains(RIGHT) {
        return Err(failed(format!(
            "no `{}` in the generated types to break; pick another field",
            RIGHT.trim()
        )));
    }
    *types = types.replacen(RIGHT, WRONG, 1);

    scratch.add(&name, &krate)?;
    let output = scratch.cargo(&[
        "test",
        "--quiet",
        "--package",
        &name,
        "--test",
        "conformance",
        "decode_every",
    ])?;
    let printed = log(&output);
    if output.status.success() {
        return Err(failed(format!("the conformance decode tests PASSED on a crate with `{}`: they would not catch a wrong field rename", WRONG.trim())));
    }
    if !printed.contains("created_at") {
        return Err(failed(format!(
            "the mutant failed, but not on the broken field:\n{printed}"
        )));
    }
    let failing: Vec<&str> = printed
        .lines()
        .filter(|l| l.contains("created_at"))
        .take(3)
        .collect();
    Ok(Outcome::ok(format!(
        "ok: the conformance decode tests fail on a crate with `{}` instead of `{}`:\n  {}",
        WRONG.trim(),
        RIGHT.trim(),
        failing.join("\n  ")
    )))
}
