//! The workspace's committed state, read and written: the pin, the baseline,
//! the client's version and changelog, the names file and the lock file.
//! Their formats and the release rules are `chili_gen::baseline` and
//! `chili_gen::release`; this module does the I/O and names the files in
//! errors.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use chili_gen::baseline::{self, Pin};
use chili_gen::diff::Report;
use chili_gen::ir::Api;
use chili_gen::names::NameTable;
use chili_gen::release::{self, Previous, Release, FIRST_VERSION};
use chili_gen::{GeneratedCrate, Options};

use crate::{
    failed, Error, BASELINE_FILE, CHANGELOG_FILE, CLIENT_CRATE, CLIENT_DIR, NAMES_FILE, PIN_FILE,
    RUNTIME_DIR,
};

/// `path` (as given on the command line) taken from the workspace root.
pub(crate) fn resolve(root: &Path, path: &str) -> PathBuf {
    root.join(path)
}

pub(crate) fn generator_error(e: chili_gen::Error) -> Error {
    failed(e.to_string())
}

/// Emits the crate for an IR already built from `source` (building it again
/// would load the whole document twice).
pub(crate) fn generate_crate(
    api: &Api,
    source: &str,
    options: &Options,
) -> Result<GeneratedCrate, Error> {
    let krate = chili_gen::emit::emit_crate(api, options).map_err(generator_error)?;
    // Writing an empty crate would wipe the target directory for nothing.
    if krate.files.is_empty() {
        return Err(failed(format!(
            "the generator produced no files for {source}"
        )));
    }
    Ok(krate)
}

/// The committed client's names file, [`NAMES_FILE`], if there is one.
pub(crate) fn project_names(root: &Path) -> Result<Option<NameTable>, Error> {
    match fs::metadata(resolve(root, NAMES_FILE)) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        _ => read_names(root, NAMES_FILE).map(Some),
    }
}

/// The names file at `path` (relative to `root`), which must exist.
pub(crate) fn read_names(root: &Path, path: &str) -> Result<NameTable, Error> {
    let text = fs::read_to_string(resolve(root, path))
        .map_err(|e| failed(format!("cannot read the names file {path}: {e}")))?;
    NameTable::parse(&text, path).map_err(generator_error)
}

/// What `regen`, `check` and `generate` say about the names file: its entries
/// that name nothing (upstream removed or renamed what they named).
pub(crate) fn names_lines(names: Option<&NameTable>, api: &Api) -> String {
    let Some(names) = names else {
        return String::new();
    };
    let unused = names.unused(api);
    let mut text = format!(
        "\nnames:   {}: {} operation and {} schema name{} chosen",
        names.origin,
        names.operations.len(),
        names.schemas.len(),
        if names.schemas.len() == 1 { "" } else { "s" },
    );
    for warning in unused {
        text.push_str(&format!("\nwarning: {warning}"));
    }
    text
}

/// Reads [`PIN_FILE`].
pub(crate) fn read_pin(root: &Path) -> Result<Pin, Error> {
    let text = match fs::read_to_string(root.join(PIN_FILE)) {
        Ok(text) => text,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return Err(failed(format!(
                "{PIN_FILE} does not exist; run `cargo xtask regen` to pin the document \
                 and generate {CLIENT_DIR}/, then commit both"
            )));
        }
        Err(e) => return Err(failed(format!("cannot read {PIN_FILE}: {e}"))),
    };
    Pin::parse(&text).map_err(|what| {
        failed(format!(
            "{PIN_FILE} is malformed ({what}); run `cargo xtask regen`"
        ))
    })
}

/// What is committed besides the pin: the baseline IR, the client's version
/// and its changelog.
pub(crate) struct Committed {
    pub(crate) baseline: Option<Api>,
    pub(crate) baseline_text: Option<String>,
    /// `version` of `generated-client/Cargo.toml` ([`FIRST_VERSION`] if none).
    pub(crate) version: String,
    pub(crate) changelog: Option<String>,
}

impl Committed {
    pub(crate) fn read(root: &Path) -> Result<Committed, Error> {
        let read = |path: &Path, what: &str| match fs::read_to_string(path) {
            Ok(text) => Ok(Some(text)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(failed(format!("cannot read {what}: {e}"))),
        };
        let baseline_text = read(&root.join(BASELINE_FILE), BASELINE_FILE)?;
        let baseline = baseline_text
            .as_deref()
            .map(|text| baseline::parse(text, BASELINE_FILE))
            .transpose()
            .map_err(|e| failed(e.to_string()))?;
        let client = root.join(CLIENT_DIR);
        let manifest = read(
            &client.join("Cargo.toml"),
            &format!("{CLIENT_DIR}/Cargo.toml"),
        )?;
        let version = manifest
            .as_deref()
            .and_then(release::package_version)
            .unwrap_or_else(|| FIRST_VERSION.to_string());
        let changelog = read(
            &client.join(CHANGELOG_FILE),
            &format!("{CLIENT_DIR}/{CHANGELOG_FILE}"),
        )?;
        Ok(Committed {
            baseline,
            baseline_text,
            version,
            changelog,
        })
    }

    /// The committed release, as the release rules take it.
    fn previous(&self) -> Previous<'_> {
        Previous {
            crate_name: CLIENT_CRATE,
            version: &self.version,
            changelog: self.changelog.as_deref(),
            names_file: NAMES_FILE,
        }
    }

    /// The next release after this one (see [`release::plan`]).
    pub(crate) fn plan(
        &self,
        report: Option<&Report>,
        api: &Api,
        same_document: bool,
    ) -> Result<Release, Error> {
        release::plan(&self.previous(), report, api, same_document).map_err(bad_version)
    }

    /// The release for an unchanged API whose crate the generator now
    /// writes differently (`files` files differ): see [`release::regenerated`].
    pub(crate) fn regenerated(&self, api: &Api, files: usize) -> Result<Release, Error> {
        release::regenerated(&self.previous(), api, files).map_err(bad_version)
    }
}

/// The committed version cannot be bumped: say where it is.
fn bad_version(e: release::BadVersion) -> Error {
    failed(format!("{CLIENT_DIR}/Cargo.toml: {e}"))
}

/// The committed client for `api` (read from `source`): generated with
/// `release`'s version, with its changelog.
pub(crate) fn client_crate(
    api: &Api,
    source: &str,
    release: &Release,
) -> Result<GeneratedCrate, Error> {
    let mut options =
        Options::new(CLIENT_CRATE).with_runtime_at(Path::new(CLIENT_DIR), Path::new(RUNTIME_DIR));
    options.crate_version = release.version.clone();
    options.package = crate::client_package();
    let mut krate = generate_crate(api, source, &options)?;
    krate
        .files
        .insert(CHANGELOG_FILE.to_string(), release.changelog.clone());
    Ok(krate)
}

/// Writes `contents` to `path` (via a temporary file and a rename, so a
/// reader never sees half a file) unless it already holds exactly that.
/// Returns whether it wrote.
pub(crate) fn write_if_changed(path: &Path, contents: &str) -> io::Result<bool> {
    if fs::read(path).is_ok_and(|old| old == contents.as_bytes()) {
        return Ok(false);
    }
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent)?;
    }
    let mut tmp = path.as_os_str().to_os_string();
    tmp.push(format!(".tmp-{}", std::process::id()));
    let tmp = PathBuf::from(tmp);
    fs::write(&tmp, contents)
        .and_then(|()| fs::rename(&tmp, path))
        .inspect_err(|_| {
            let _ = fs::remove_file(&tmp);
        })?;
    Ok(true)
}

/// Sets the version of the path package `name` in the lock file at `path`
/// (the line after its `name = ...` in its `[[package]]` entry), which is all
/// Cargo would change there for a version bump of a path dependency. No lock
/// file, or no entry for `name`, is left alone: Cargo writes them on the next
/// build. Returns whether it wrote.
pub(crate) fn sync_lock_version(path: &Path, name: &str, version: &str) -> io::Result<bool> {
    let text = match fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(false),
        Err(e) => return Err(e),
    };
    let name_line = format!("name = \"{name}\"");
    let mut lines: Vec<String> = text.split('\n').map(str::to_string).collect();
    let Some(at) = lines.iter().position(|l| *l == name_line) else {
        return Ok(false);
    };
    match lines.get_mut(at + 1) {
        Some(line) if line.starts_with("version = ") => *line = format!("version = \"{version}\""),
        _ => return Ok(false),
    }
    write_if_changed(path, &lines.join("\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lock_version_follows_the_client_version() {
        let dir = tempfile::tempdir().unwrap();
        let lock = dir.path().join("Cargo.lock");
        assert!(
            !sync_lock_version(&lock, "chilipiper-edge", "0.2.0").unwrap(),
            "no lock file: nothing to do"
        );
        let text = "version = 4\n\n[[package]]\nname = \"chilipiper-edge\"\nversion = \"0.1.0\"\n\n[[package]]\nname = \"chilipiper-edge-x\"\nversion = \"0.1.0\"\n";
        fs::write(&lock, text).unwrap();
        assert!(sync_lock_version(&lock, "chilipiper-edge", "0.2.0").unwrap());
        assert_eq!(
            fs::read_to_string(&lock).unwrap(),
            text.replacen("\"0.1.0\"", "\"0.2.0\"", 1)
        );
        assert!(
            !sync_lock_version(&lock, "chilipiper-edge", "0.2.0").unwrap(),
            "already up to date"
        );
        assert!(!sync_lock_version(&lock, "absent", "9.9.9").unwrap());
    }
}
