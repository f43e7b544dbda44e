//! The crates a user needs are publishable: crates.io metadata present, not
//! `publish = false`, and a `rust-version` no lower than the highest one in
//! their locked dependency graph (so a dependency update that raises the
//! minimum Rust fails here, not on a user's older toolchain).

use std::collections::{BTreeSet, HashMap};
use std::path::Path;
use std::process::Command;

use serde_json::Value;

/// The crates users depend on or install.
const SHIPPED: [&str; 3] = ["chili-runtime", "chilipiper-edge", "chilipiper-cli"];

fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".into())
}

fn host() -> String {
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let out = Command::new(rustc).arg("-vV").output().expect("rustc runs");
    let text = String::from_utf8(out.stdout).unwrap();
    text.lines()
        .find_map(|l| l.strip_prefix("host: "))
        .expect("rustc -vV names the host")
        .to_string()
}

/// `cargo metadata` of the workspace, resolved from the lock file for this
/// host (other platforms' packages may not be downloaded).
fn metadata() -> Value {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let out = Command::new(cargo())
        .current_dir(root)
        .args(["metadata", "--format-version", "1", "--locked", "--offline"])
        .args(["--filter-platform", &host()])
        .output()
        .expect("cargo metadata runs");
    assert!(
        out.status.success(),
        "cargo metadata failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// `1.89` or `1.85.0` as comparable numbers.
fn version(v: &str) -> Vec<u64> {
    let mut parts: Vec<u64> = v.split('.').map(|p| p.parse().unwrap()).collect();
    parts.resize(3, 0);
    parts
}

fn package<'m>(meta: &'m Value, name: &str) -> &'m Value {
    meta["packages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == name && p["source"].is_null())
        .unwrap_or_else(|| panic!("{name} is a workspace package"))
}

#[test]
fn shipped_crates_declare_a_rust_version_their_locked_dependencies_accept() {
    let meta = metadata();
    let packages: HashMap<&str, &Value> = meta["packages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["id"].as_str().unwrap(), p))
        .collect();
    let nodes: HashMap<&str, &Value> = meta["resolve"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| (n["id"].as_str().unwrap(), n))
        .collect();
    for name in SHIPPED {
        let shipped = package(&meta, name);
        let declared = shipped["rust_version"]
            .as_str()
            .unwrap_or_else(|| panic!("{name} declares no rust-version"));
        // What a user's build compiles: normal and build dependencies, transitively.
        let mut seen = BTreeSet::new();
        let mut stack = vec![shipped["id"].as_str().unwrap()];
        while let Some(id) = stack.pop() {
            if !seen.insert(id) {
                continue;
            }
            for dep in nodes[id]["deps"].as_array().unwrap() {
                let used = dep["dep_kinds"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|k| k["kind"].is_null() || k["kind"] == "build");
                if used {
                    stack.push(dep["pkg"].as_str().unwrap());
                }
            }
        }
        assert!(
            seen.len() > 10,
            "{name}: the dependency walk found its dependencies"
        );
        let (needed, by) = seen
            .iter()
            .filter_map(|id| {
                let p = packages[id];
                p["rust_version"]
                    .as_str()
                    .map(|v| (version(v), p["name"].as_str().unwrap()))
            })
            .max()
            .expect("some dependency declares a rust-version");
        let needed_text = needed
            .iter()
            .map(u64::to_string)
            .collect::<Vec<_>>()
            .join(".");
        assert!(
            version(declared) >= needed,
            "{name} declares rust-version {declared}, but its locked dependency {by} needs {needed_text}: \
             raise rust-version in Cargo.toml ([workspace.package]) and xtask's CLIENT_RUST_VERSION, then `cargo xtask regen`"
        );
    }
}

#[test]
fn shipped_crates_carry_what_crates_io_and_docs_rs_need() {
    let meta = metadata();
    for name in SHIPPED {
        let p = package(&meta, name);
        assert!(
            p["publish"].is_null(),
            "{name} must not say publish = false"
        );
        for field in ["description", "license", "repository", "readme"] {
            assert!(
                p[field].as_str().is_some_and(|v| !v.is_empty()),
                "{name}: `{field}` missing in Cargo.toml"
            );
        }
        for field in ["keywords", "categories"] {
            let list = p[field].as_array().unwrap();
            assert!(
                !list.is_empty() && list.len() <= 5,
                "{name}: `{field}` needs 1 to 5 entries"
            );
        }
        // docs.rs documents libraries; the CLI is a binary.
        let library = p["targets"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["kind"].as_array().unwrap().iter().any(|k| k == "lib"));
        assert!(
            !library
                || (p["metadata"]["docs"]["rs"].is_object()
                    && p["documentation"].as_str().is_some_and(|d| !d.is_empty())),
            "{name}: no `documentation` or [package.metadata.docs.rs]"
        );
        let manifest = Path::new(p["manifest_path"].as_str().unwrap());
        let readme = manifest
            .parent()
            .unwrap()
            .join(p["readme"].as_str().unwrap());
        assert!(readme.is_file(), "{name}: {} missing", readme.display());
    }
}

/// The client's docs.rs front page is its README (whose examples are then
/// its doctests), and that README is the cookbook.
#[test]
fn the_client_front_page_is_its_readme_cookbook() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let lib = std::fs::read_to_string(root.join("generated-client/src/lib.rs")).unwrap();
    assert!(lib.contains("#![doc = include_str!(\"../README.md\")]"));
    let readme = std::fs::read_to_string(root.join("generated-client/README.md")).unwrap();
    for section in [
        "### List every user across pages",
        "### Add a user to a team",
        "### Route a lead through Concierge by router slug",
        "### Invite a user",
        "### Export a week of meetings as CSV",
        "## Paging",
        "## Retries and timeouts",
        "## Errors",
    ] {
        assert!(readme.contains(section), "README lacks {section}");
    }
    // Rust blocks only: an unlabelled fence would be a doctest nobody meant.
    assert!(readme.matches("```rust,no_run").count() >= 9);
}
