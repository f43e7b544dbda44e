//! Scratch workspaces under `target/` for crates that are built outside the
//! main workspace (`corpus`, `mutant`, `semver-audit`, `bench --peer`): they
//! share the main build directory, lock file, `[workspace.package]` and dev
//! profile, so dependencies are not built again.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use chili_gen::GeneratedCrate;

use crate::{failed, Error};

/// A workspace at `<root>/target/<name>` holding generated crates.
pub struct Scratch {
    root: PathBuf,
    dir: PathBuf,
    members: Vec<String>,
}

impl Scratch {
    /// An empty scratch workspace, replacing any previous one of that name.
    pub fn new(root: &Path, name: &str) -> Result<Scratch, Error> {
        let dir = root.join("target").join(name);
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir)
            .map_err(|e| failed(format!("cannot create {}: {e}", dir.display())))?;
        Ok(Scratch {
            root: root.to_path_buf(),
            dir,
            members: Vec::new(),
        })
    }

    /// Writes a generated crate as a member (replacing a member of that name).
    pub fn add(&mut self, name: &str, krate: &GeneratedCrate) -> Result<(), Error> {
        chili_gen::write::write_crate(&self.dir.join(name), krate)
            .map_err(|e| failed(format!("cannot write {name}: {e}")))?;
        if !self.members.iter().any(|m| m == name) {
            self.members.push(name.to_string());
        }
        Ok(())
    }

    /// Copies the crate in `from` as a member (`target/` and `.git/` left
    /// out), e.g. a crate another generator wrote.
    pub fn copy(&mut self, name: &str, from: &Path) -> Result<(), Error> {
        copy_tree(from, &self.dir.join(name))
            .map_err(|e| failed(format!("cannot copy {}: {e}", from.display())))?;
        if !self.members.iter().any(|m| m == name) {
            self.members.push(name.to_string());
        }
        Ok(())
    }

    /// The member names, in the order added.
    pub fn members(&self) -> &[String] {
        &self.members
    }

    /// Where the workspace lives.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Writes the workspace manifest (with the main one's
    /// `[workspace.package]` and `[profile.dev]`) and the main lock file
    /// (same dependency versions and settings, so nothing is rebuilt), then
    /// runs `cargo <args>` in it.
    pub fn cargo(&self, args: &[&str]) -> Result<Output, Error> {
        self.command(args)?
            .output()
            .map_err(|e| failed(format!("cannot run cargo: {e}")))
    }

    /// [`Scratch::cargo`]'s command, not yet run, for callers that set more
    /// of its environment.
    pub fn command(&self, args: &[&str]) -> Result<Command, Error> {
        let main = std::fs::read_to_string(self.root.join("Cargo.toml"))
            .map_err(|e| failed(format!("cannot read Cargo.toml: {e}")))?;
        let manifest = format!(
            "[workspace]\nresolver = \"2\"\nmembers = [{}]\n\n{}\n{}",
            self.members
                .iter()
                .map(|m| format!("{m:?}"))
                .collect::<Vec<_>>()
                .join(", "),
            section(&main, "[workspace.package]"),
            section(&main, "[profile.dev]"),
        );
        std::fs::write(self.dir.join("Cargo.toml"), manifest).map_err(|e| failed(e.to_string()))?;
        std::fs::copy(self.root.join("Cargo.lock"), self.dir.join("Cargo.lock"))
            .map_err(|e| failed(e.to_string()))?;
        let mut command = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
        command
            .current_dir(&self.dir)
            .env("CARGO_TARGET_DIR", self.root.join("target"))
            .args(args);
        Ok(command)
    }
}

/// Cargo's output, for an error message.
pub fn log(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// The text of one `[section]` of a manifest, header included (empty when
/// it has none).
fn section(manifest: &str, header: &str) -> String {
    let mut out = String::new();
    let mut inside = false;
    for line in manifest.lines() {
        if line.starts_with('[') {
            inside = line.trim() == header;
        }
        if inside {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

/// Copies a file or a directory tree, leaving out `target/` and `.git/`.
fn copy_tree(from: &Path, to: &Path) -> std::io::Result<()> {
    if from.is_file() {
        if let Some(parent) = to.parent() {
            std::fs::create_dir_all(parent)?;
        }
        return std::fs::copy(from, to).map(|_| ());
    }
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let name = entry.file_name();
        if name == "target" || name == ".git" {
            continue;
        }
        copy_tree(&entry.path(), &to.join(name))?;
    }
    Ok(())
}
