//! Putting a [`GeneratedCrate`] onto disk, and comparing one with what is
//! already there.
//!
//! [`write_crate`] never leaves a half-written crate behind: everything goes
//! into a sibling temporary directory first, and only a complete tree is
//! swapped into place. [`diff_dir`] is what `cargo xtask check` uses to tell
//! whether the committed crate is what the generator would write now.

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};

use crate::GeneratedCrate;

/// Name and version of this generator, as recorded beside what it generated
/// (for example in the spec pin), so a reader can tell which generator wrote it.
pub const GENERATOR: &str = concat!("chili-gen ", env!("CARGO_PKG_VERSION"));

/// The directory under a crate root that belongs to Cargo's build, not to the
/// generator: [`write_crate`] carries it over and [`diff_dir`] ignores it.
const TARGET_DIR: &str = "target";

/// One file that differs between a directory and a [`GeneratedCrate`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileDiff {
    /// Path relative to the crate root, `/`-separated.
    pub path: String,
    /// How it differs.
    pub kind: DiffKind,
}

/// How a file on disk differs from the generated one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DiffKind {
    /// Both exist; contents differ, first at this 1-based line.
    Changed { first_line: usize },
    /// The generator would write the file; it is not on disk.
    Missing,
    /// The file is on disk; the generator would not write it.
    Extra,
}

/// Makes `dir` contain exactly the files of `krate`, byte for byte.
///
/// The files are written into `<dir>.tmp-<pid>` beside `dir`; only when all
/// of them are written is the old `dir` renamed aside, the new tree renamed
/// to `dir`, and the old tree deleted. If anything fails before the swap, the
/// temporary directory is removed and `dir` is left exactly as it was. A
/// `target/` directory inside the old `dir` (Cargo's build output when the
/// crate is built on its own) is moved into the new tree rather than deleted.
/// Missing parent directories of `dir` are created.
///
/// Fails with [`io::ErrorKind::InvalidInput`] if a file path is not a plain
/// relative path (empty, absolute, or containing `..`), before touching disk.
pub fn write_crate(dir: &Path, krate: &GeneratedCrate) -> io::Result<()> {
    for path in krate.files.keys() {
        check_relative(path)?;
    }
    let tmp = sibling(dir, "tmp")?;
    let aside = sibling(dir, "old")?;
    if let Some(parent) = dir.parent().filter(|p| !p.as_os_str().is_empty()) {
        fs::create_dir_all(parent)?;
    }
    // A leftover from a run that died (same pid reused) must not leak into the new tree.
    remove_if_exists(&tmp)?;
    if let Err(e) = write_tree(&tmp, krate) {
        let _ = fs::remove_dir_all(&tmp);
        return Err(e);
    }
    swap_into_place(dir, &tmp, &aside)
}

/// Compares the files under `dir` with `krate`, sorted by path.
///
/// A `target/` directory directly under `dir` is ignored. A missing `dir`
/// counts as empty, so every generated file is [`DiffKind::Missing`].
pub fn diff_dir(dir: &Path, krate: &GeneratedCrate) -> io::Result<Vec<FileDiff>> {
    let mut on_disk = BTreeMap::new();
    if dir.is_dir() {
        list_files(dir, "", &mut on_disk)?;
    }
    let mut diffs = Vec::new();
    for (path, content) in &krate.files {
        let kind = match on_disk.remove(path) {
            None => Some(DiffKind::Missing),
            Some(full) => {
                let actual = fs::read(&full)?;
                first_differing_line(content.as_bytes(), &actual)
                    .map(|first_line| DiffKind::Changed { first_line })
            }
        };
        if let Some(kind) = kind {
            diffs.push(FileDiff {
                path: path.clone(),
                kind,
            });
        }
    }
    diffs.extend(on_disk.into_keys().map(|path| FileDiff {
        path,
        kind: DiffKind::Extra,
    }));
    diffs.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(diffs)
}

/// Rejects paths that would escape the crate root or are not paths at all.
fn check_relative(path: &str) -> io::Result<()> {
    let plain = !path.is_empty()
        && Path::new(path)
            .components()
            .all(|c| matches!(c, Component::Normal(_)));
    if plain {
        Ok(())
    } else {
        Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("generated file path `{path}` is not a plain relative path"),
        ))
    }
}

/// `<dir>.<what>-<pid>`, beside `dir`. The `.tmp-` prefix of the temporary
/// tree matches the repository's ignore rule `*.tmp-*`.
fn sibling(dir: &Path, what: &str) -> io::Result<PathBuf> {
    let name = dir.file_name().ok_or_else(|| {
        io::Error::new(
            io::ErrorKind::InvalidInput,
            format!(
                "cannot write a crate to `{}`: it has no directory name",
                dir.display()
            ),
        )
    })?;
    let mut name = name.to_os_string();
    name.push(format!(".tmp-{}", std::process::id()));
    if what != "tmp" {
        name.push(format!(".{what}"));
    }
    Ok(dir.with_file_name(name))
}

fn remove_if_exists(path: &Path) -> io::Result<()> {
    match fs::symlink_metadata(path) {
        Ok(meta) if meta.is_dir() => fs::remove_dir_all(path),
        Ok(_) => fs::remove_file(path),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e),
    }
}

fn write_tree(root: &Path, krate: &GeneratedCrate) -> io::Result<()> {
    fs::create_dir(root)?;
    for (path, content) in &krate.files {
        let full = root.join(path);
        if let Some(parent) = full.parent() {
            fs::create_dir_all(parent)?;
        }
        fs::write(&full, content.as_bytes())?;
    }
    Ok(())
}

fn swap_into_place(dir: &Path, tmp: &Path, aside: &Path) -> io::Result<()> {
    let had_old = match fs::symlink_metadata(dir) {
        Ok(_) => true,
        Err(e) if e.kind() == io::ErrorKind::NotFound => false,
        Err(e) => {
            let _ = fs::remove_dir_all(tmp);
            return Err(e);
        }
    };
    if had_old {
        if let Err(e) = remove_if_exists(aside).and_then(|()| fs::rename(dir, aside)) {
            let _ = fs::remove_dir_all(tmp);
            return Err(e);
        }
    }
    if let Err(e) = fs::rename(tmp, dir) {
        // Put the old tree back so the caller still has a crate at `dir`.
        if had_old {
            let _ = fs::rename(aside, dir);
        }
        let _ = fs::remove_dir_all(tmp);
        return Err(e);
    }
    if had_old {
        // Build output is a cache worth keeping; losing it is harmless, so
        // failures here are ignored.
        let old_target = aside.join(TARGET_DIR);
        if old_target.is_dir() && !dir.join(TARGET_DIR).exists() {
            let _ = fs::rename(&old_target, dir.join(TARGET_DIR));
        }
        fs::remove_dir_all(aside)?;
    }
    Ok(())
}

/// Collects every non-directory entry under `dir` (symlinks are not
/// followed), keyed by `/`-separated path relative to the crate root.
fn list_files(dir: &Path, prefix: &str, out: &mut BTreeMap<String, PathBuf>) -> io::Result<()> {
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let rel = if prefix.is_empty() {
            name
        } else {
            format!("{prefix}/{name}")
        };
        if entry.file_type()?.is_dir() {
            if rel != TARGET_DIR {
                list_files(&entry.path(), &rel, out)?;
            }
        } else {
            out.insert(rel, entry.path());
        }
    }
    Ok(())
}

/// The 1-based line at which `a` and `b` first differ, or `None` if equal.
fn first_differing_line(a: &[u8], b: &[u8]) -> Option<usize> {
    if a == b {
        return None;
    }
    let at = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    Some(a[..at].iter().filter(|&&c| c == b'\n').count() + 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// A fresh directory under the system temp dir, removed on drop. Kept
    /// here so the generator needs no extra dev-dependency for these tests.
    struct TempDir(PathBuf);

    impl TempDir {
        fn new() -> TempDir {
            static NEXT: AtomicUsize = AtomicUsize::new(0);
            let n = NEXT.fetch_add(1, Ordering::Relaxed);
            let path =
                std::env::temp_dir().join(format!("chili-gen-write-{}-{n}", std::process::id()));
            let _ = fs::remove_dir_all(&path);
            fs::create_dir_all(&path).unwrap();
            TempDir(path)
        }
    }

    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = fs::remove_dir_all(&self.0);
        }
    }

    fn krate(files: &[(&str, &str)]) -> GeneratedCrate {
        GeneratedCrate {
            files: files
                .iter()
                .map(|(p, c)| (p.to_string(), c.to_string()))
                .collect(),
        }
    }

    /// Every file under `dir` with its bytes, for comparing whole trees.
    fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
        let mut files = BTreeMap::new();
        let mut all = BTreeMap::new();
        fn walk(dir: &Path, prefix: &str, out: &mut BTreeMap<String, PathBuf>) {
            for entry in fs::read_dir(dir).unwrap() {
                let entry = entry.unwrap();
                let name = entry.file_name().to_string_lossy().into_owned();
                let rel = if prefix.is_empty() {
                    name
                } else {
                    format!("{prefix}/{name}")
                };
                if entry.file_type().unwrap().is_dir() {
                    walk(&entry.path(), &rel, out);
                } else {
                    out.insert(rel, entry.path());
                }
            }
        }
        walk(dir, "", &mut all);
        for (rel, full) in all {
            files.insert(rel, fs::read(full).unwrap());
        }
        files
    }

    /// Names in `parent`, to see that no temporary or set-aside tree is left.
    fn entries(parent: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(parent)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn writes_a_new_crate_byte_exact() {
        let tmp = TempDir::new();
        let dir = tmp.0.join("nested/out");
        let k = krate(&[
            ("Cargo.toml", "[package]\nname = \"x\"\n"),
            ("src/lib.rs", "//! no trailing newline"),
            ("src/deep/mod.rs", "\r\nwindows line\r\n\n\n"),
        ]);
        write_crate(&dir, &k).unwrap();
        let snap = snapshot(&dir);
        assert_eq!(snap.len(), 3);
        for (path, content) in &k.files {
            assert_eq!(snap[path], content.as_bytes(), "{path}");
        }
        assert_eq!(entries(&tmp.0.join("nested")), ["out"]);
        assert!(diff_dir(&dir, &k).unwrap().is_empty());
    }

    #[test]
    fn replaces_an_existing_crate_and_keeps_target() {
        let tmp = TempDir::new();
        let dir = tmp.0.join("out");
        write_crate(&dir, &krate(&[("a.rs", "old"), ("stale/b.rs", "gone")])).unwrap();
        fs::create_dir_all(dir.join("target/debug")).unwrap();
        fs::write(dir.join("target/debug/cache"), "built").unwrap();

        let k = krate(&[("a.rs", "new"), ("c.rs", "added")]);
        write_crate(&dir, &k).unwrap();
        let snap = snapshot(&dir);
        let expected: BTreeMap<String, Vec<u8>> = [
            ("a.rs", "new"),
            ("c.rs", "added"),
            ("target/debug/cache", "built"),
        ]
        .iter()
        .map(|(p, c)| (p.to_string(), c.as_bytes().to_vec()))
        .collect();
        assert_eq!(snap, expected);
        assert_eq!(entries(&tmp.0), ["out"]);
    }

    #[test]
    fn failed_write_leaves_old_dir_intact() {
        let tmp = TempDir::new();
        let dir = tmp.0.join("out");
        write_crate(
            &dir,
            &krate(&[("Cargo.toml", "keep me\n"), ("src/lib.rs", "old\n")]),
        )
        .unwrap();
        let before = snapshot(&dir);

        // `src` as a file, then `src/lib.rs` below it: the second write must fail.
        let bad = krate(&[("src", "a file"), ("src/lib.rs", "new\n")]);
        let err = write_crate(&dir, &bad).unwrap_err();
        assert_ne!(err.kind(), io::ErrorKind::InvalidInput, "{err}");

        assert_eq!(snapshot(&dir), before);
        assert_eq!(entries(&tmp.0), ["out"], "temporary tree must be removed");
    }

    #[test]
    fn failed_write_with_no_old_dir_leaves_nothing() {
        let tmp = TempDir::new();
        let dir = tmp.0.join("out");
        let bad = krate(&[("src", "a file"), ("src/lib.rs", "new\n")]);
        assert!(write_crate(&dir, &bad).is_err());
        assert!(entries(&tmp.0).is_empty());
    }

    #[test]
    fn rejects_paths_outside_the_crate() {
        let tmp = TempDir::new();
        let dir = tmp.0.join("out");
        for bad in ["../escape.rs", "/abs.rs", "", "src/../../x"] {
            let err = write_crate(&dir, &krate(&[(bad, "x")])).unwrap_err();
            assert_eq!(err.kind(), io::ErrorKind::InvalidInput, "{bad:?}");
        }
        assert!(entries(&tmp.0).is_empty());
    }

    #[test]
    fn diff_reports_changed_missing_and_extra_in_path_order() {
        let tmp = TempDir::new();
        let dir = tmp.0.join("out");
        let on_disk = krate(&[
            ("Cargo.toml", "same\n"),
            ("src/a.rs", "one\ntwo\nthree\n"),
            ("src/extra.rs", "x"),
            ("b.txt", "line\n"),
            ("zz/deeper/extra.rs", "x"),
        ]);
        write_crate(&dir, &on_disk).unwrap();
        fs::create_dir_all(dir.join("target")).unwrap();
        fs::write(dir.join("target/ignored"), "x").unwrap();

        let wanted = krate(&[
            ("Cargo.toml", "same\n"),
            ("src/a.rs", "one\ntwo\nTHREE\n"),
            ("src/missing.rs", "y"),
            ("b.txt", "line\n\n"),
        ]);
        let diffs = diff_dir(&dir, &wanted).unwrap();
        let got: Vec<(&str, DiffKind)> = diffs.iter().map(|d| (d.path.as_str(), d.kind)).collect();
        assert_eq!(
            got,
            [
                ("b.txt", DiffKind::Changed { first_line: 2 }),
                ("src/a.rs", DiffKind::Changed { first_line: 3 }),
                ("src/extra.rs", DiffKind::Extra),
                ("src/missing.rs", DiffKind::Missing),
                ("zz/deeper/extra.rs", DiffKind::Extra),
            ]
        );
    }

    #[test]
    fn diff_of_missing_dir_is_all_missing() {
        let tmp = TempDir::new();
        let diffs = diff_dir(&tmp.0.join("nope"), &krate(&[("b", "1"), ("a", "2")])).unwrap();
        assert_eq!(
            diffs,
            [
                FileDiff {
                    path: "a".into(),
                    kind: DiffKind::Missing
                },
                FileDiff {
                    path: "b".into(),
                    kind: DiffKind::Missing
                },
            ]
        );
    }

    #[test]
    fn first_differing_line_counts_from_one() {
        assert_eq!(first_differing_line(b"a\nb\n", b"a\nb\n"), None);
        assert_eq!(first_differing_line(b"x", b"y"), Some(1));
        assert_eq!(first_differing_line(b"a", b"a\n"), Some(1));
        assert_eq!(first_differing_line(b"a\n", b"a\n\n"), Some(2));
        assert_eq!(first_differing_line(b"a\nb\nc", b"a\nb\nd"), Some(3));
        assert_eq!(first_differing_line(b"", b"a"), Some(1));
    }
}
