//! The committed CLI crate (`generated-cli/`, binary `chili`): emitted from
//! the same IR as the client, with the client's version, written by `regen`
//! and compared by `check` like the client.

use std::path::Path;

use chili_gen::emit::cli::{emit_cli, CliOptions};
use chili_gen::ir::Api;
use chili_gen::write::{diff_dir, write_crate, FileDiff};
use chili_gen::GeneratedCrate;

use crate::{failed, generator_error, Error, CLIENT_CRATE, CLIENT_DIR};

/// Where the committed CLI crate lives, relative to the workspace root.
pub const CLI_DIR: &str = "generated-cli";
/// Cargo package name of the CLI.
pub const CLI_CRATE: &str = "chilipiper-cli";
/// The binary's name.
pub const CLI_BIN: &str = "chili";

/// The CLI crate for `api`, versioned like the client it calls. Its
/// end-to-end tests are hand-written in `tests/cli/` (they know the Edge
/// API), so the crate points at them instead of containing them.
pub fn cli_crate(api: &Api, version: &str) -> Result<GeneratedCrate, Error> {
    let options = CliOptions {
        crate_name: CLI_CRATE.to_string(),
        bin_name: CLI_BIN.to_string(),
        crate_version: version.to_string(),
        client_crate: CLIENT_CRATE.to_string(),
        client_path: format!("../{CLIENT_DIR}"),
        tests: vec![("e2e".to_string(), "../tests/cli/main.rs".to_string())],
        token_env_var: chili_gen::Options::new(CLIENT_CRATE).token_env_var,
        package: Some(cli_package()),
    };
    emit_cli(api, &options).map_err(generator_error)
}

/// crates.io metadata of the CLI: the client's, with keywords and
/// categories of a command-line tool; no cookbook (that is the client's).
fn cli_package() -> chili_gen::Package {
    let strings = |items: &[&str]| items.iter().map(|s| s.to_string()).collect();
    chili_gen::Package {
        keywords: strings(&["chilipiper", "scheduling", "cli", "api", "openapi"]),
        categories: strings(&["command-line-utilities", "api-bindings"]),
        cookbook: None,
        ..crate::client_package()
    }
}

/// Writes `krate` to `generated-cli/` (aside, then swapped) unless it is
/// there already; returns how many files differed.
pub fn write(root: &Path, krate: &GeneratedCrate) -> Result<usize, Error> {
    let diffs = diffs(root, krate)?;
    if !diffs.is_empty() {
        write_crate(&root.join(CLI_DIR), krate)
            .map_err(|e| failed(format!("cannot write {CLI_DIR}/: {e}")))?;
    }
    Ok(diffs.len())
}

/// How `generated-cli/` differs from `krate`.
pub fn diffs(root: &Path, krate: &GeneratedCrate) -> Result<Vec<FileDiff>, Error> {
    diff_dir(&root.join(CLI_DIR), krate).map_err(|e| failed(format!("cannot read {CLI_DIR}/: {e}")))
}
