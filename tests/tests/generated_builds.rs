//! Generated code for shapes the Edge API does not have compiles: each
//! fixture document is generated and built as a crate of its own, under
//! `target/outside-workspace/` (beside `outside_workspace.rs`'s program, so
//! the dependencies built there are reused), with this workspace's lock file.

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// Generates `tests/fixtures/<name>.yaml` into its own workspace and builds
/// its library with warnings denied; the compiler's output on failure.
fn build_fixture(name: &str) -> Result<(), String> {
    let doc = root().join(format!("tests/fixtures/{name}.yaml"));
    let text = std::fs::read_to_string(&doc).unwrap();
    let dir = root().join("target/outside-workspace");
    let krate = dir.join(name);
    let options = chili_gen::Options::new(name).with_runtime_at(&krate, &root().join("runtime"));
    let generated = chili_gen::generate(&text, &doc.display().to_string(), &options)
        .unwrap_or_else(|e| panic!("{e}"));
    let lock = std::fs::read_to_string(root().join("Cargo.lock")).unwrap();
    let mut files: Vec<(String, String)> = generated.files.into_iter().collect();
    files.push(("Cargo.lock".into(), lock));
    for (file, mut text) in files {
        if file == "Cargo.toml" {
            // Its own workspace: not a member of the one around it.
            text.push_str("\n[workspace]\n");
        }
        let target = krate.join(&file);
        // Only what changed, so rebuilds stay incremental.
        if std::fs::read_to_string(&target).ok().as_deref() != Some(text.as_str()) {
            std::fs::create_dir_all(target.parent().unwrap()).unwrap();
            std::fs::write(&target, text).unwrap();
        }
    }
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let output = Command::new(cargo)
        .args(["rustc", "--lib", "--quiet", "--offline", "--manifest-path"])
        .arg(krate.join("Cargo.toml"))
        // Warnings denied in the generated crate only: RUSTFLAGS would
        // rebuild every dependency.
        .args(["--", "-D", "warnings"])
        .env("CARGO_TARGET_DIR", dir.join("target"))
        // As outside_workspace.rs builds, so the dependencies are shared.
        .env("CARGO_PROFILE_DEV_DEBUG", "0")
        .env_remove("RUSTFLAGS")
        .output()
        .expect("cargo runs");
    if output.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&output.stderr).into_owned())
    }
}

/// A page number typed `int32` in a JSON body (direct, required, and inside a
/// `pagination` object): the page walk converts its `i64` page to `i32`.
#[test]
fn int32_page_numbers_in_json_bodies_compile() {
    if let Err(errors) = build_fixture("body-page") {
        panic!("the generated crate of tests/fixtures/body-page.yaml does not build:\n{errors}");
    }
}

/// A tag named `untagged` beside operations without a tag, and a property
/// named `extra` beside additional properties: the IR names the root module
/// and the map field apart, so both compile.
#[test]
fn a_tag_named_untagged_and_a_property_named_extra_compile() {
    if let Err(errors) = build_fixture("untagged-tag") {
        panic!("the generated crate of tests/fixtures/untagged-tag.yaml does not build:\n{errors}");
    }
}
