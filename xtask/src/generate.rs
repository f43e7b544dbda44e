//! `cargo xtask generate`: a standalone client crate for any document.

use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};

use chili_gen::write::write_crate;
use chili_gen::{Naming, Options};

use crate::flags;
use crate::project::{generate_crate, names_lines, read_names, resolve};
use crate::{failed, fetch, short, Error, Outcome, CLIENT_DIR, RUNTIME_DIR};

pub(crate) fn generate(root: &Path, flags: &flags::Generate) -> Result<Outcome, Error> {
    let (spec, out) = (flags.spec.as_str(), flags.out.as_str());
    let out_dir = resolve(root, out);
    check_out_dir(root, &out_dir, out)?;

    let doc = fetch(spec, root)?;
    let names = flags
        .names
        .as_deref()
        .map(|path| read_names(root, path))
        .transpose()?;
    let naming = Naming {
        table: names.as_ref(),
        ..Naming::default()
    };
    // References to other files or URLs are read like the document itself.
    let built = crate::referenced::build(&doc.text, spec, root, &naming)?;
    let api = built.api;
    let name = flags
        .name
        .clone()
        .unwrap_or_else(|| crate_name_from_title(&api.title));
    let mut options = Options::new(&name);
    options.standalone = true;
    let runtime_dir = match flags.runtime.as_deref() {
        Some("published") => None,
        Some(dir) => {
            let dir = resolve(root, dir);
            if !dir.join("Cargo.toml").is_file() {
                return Err(failed(format!(
                    "`--runtime {}`: no Cargo.toml there; give the chili-runtime crate's directory, or `published`",
                    dir.display()
                )));
            }
            Some(dir)
        }
        // This workspace's runtime, when there is one.
        None => Some(root.join(RUNTIME_DIR)).filter(|dir| dir.join("Cargo.toml").is_file()),
    };
    if let Some(dir) = runtime_dir {
        options = options.with_runtime_at(&absolute(&out_dir), &absolute(&dir));
    }
    let krate = generate_crate(&api, spec, &options)?;
    write_crate(&out_dir, &krate).map_err(|e| failed(format!("cannot write {out}: {e}")))?;
    let warned = match built.warnings.len() {
        0 => String::new(),
        n => format!("; {n} warning{} above", if n == 1 { "" } else { "s" }),
    };
    Ok(Outcome::ok(format!(
        "generated crate `{name}` ({} files) in {out} from {spec} (version {}, sha {}){warned}{}",
        krate.files.len(),
        api.version,
        short(&doc.sha256),
        names_lines(names.as_ref(), &api),
    )))
}

/// A Cargo package name from a document title: kebab-case ASCII words
/// (`Chili Piper Edge API` -> `chili-piper-edge-api`), `api-client` if the
/// title has no usable characters.
pub fn crate_name_from_title(title: &str) -> String {
    let mut name = String::new();
    let mut prev: Option<char> = None;
    let mut separate = false;
    for c in title.chars() {
        if !c.is_ascii_alphanumeric() {
            separate = true;
            prev = None;
            continue;
        }
        // `PetStore` -> `pet-store`: a capital after a lowercase letter starts a word.
        let camel_hump = c.is_ascii_uppercase() && prev.is_some_and(|p| p.is_ascii_lowercase());
        if (separate || camel_hump) && !name.is_empty() {
            name.push('-');
        }
        separate = false;
        name.push(c.to_ascii_lowercase());
        prev = Some(c);
    }
    if name.is_empty() {
        return "api-client".to_string();
    }
    // Cargo rejects package names that start with a digit.
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert_str(0, "api-");
    }
    name
}

/// `generate` replaces `out` whole, so refuse anything where that would
/// destroy something other than a previously generated crate.
fn check_out_dir(root: &Path, out: &Path, given: &str) -> Result<(), Error> {
    let refuse = |why: String| failed(format!("refusing to generate into {given}: {why}"));
    let out_abs = absolute(out);
    let root_abs = absolute(root);
    if root_abs.starts_with(&out_abs) {
        return Err(refuse("it is the workspace or contains it".to_string()));
    }
    for owned in [CLIENT_DIR, "spec"] {
        if out_abs.starts_with(root_abs.join(owned)) {
            return Err(refuse(format!(
                "{owned}/ is maintained by `cargo xtask regen`"
            )));
        }
    }
    match fs::symlink_metadata(out) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(refuse(e.to_string())),
        Ok(meta) if !meta.is_dir() => Err(refuse("it exists and is not a directory".to_string())),
        Ok(_) => {
            let mut entries = fs::read_dir(out)
                .map_err(|e| refuse(e.to_string()))?
                .peekable();
            if entries.peek().is_none() {
                Ok(())
            } else if out.join(".git").exists() {
                Err(refuse("it holds a git repository".to_string()))
            } else if !out.join("Cargo.toml").is_file() {
                Err(refuse(
                    "it is not empty and has no Cargo.toml, so it is not a generated crate; \
                     choose a new or empty directory"
                        .to_string(),
                ))
            } else {
                Ok(())
            }
        }
    }
}

/// `path` made absolute with `.`/`..` resolved and symlinks resolved as far
/// as the path exists, so containment checks compare like with like.
fn absolute(path: &Path) -> PathBuf {
    let mut lexical = PathBuf::new();
    let base = if path.is_absolute() {
        PathBuf::new()
    } else {
        std::env::current_dir().unwrap_or_default()
    };
    for component in base.join(path).components() {
        match component {
            Component::ParentDir => {
                lexical.pop();
            }
            Component::CurDir => {}
            other => lexical.push(other),
        }
    }
    // Canonicalize the longest existing prefix, then put the rest back on.
    let mut existing = lexical.clone();
    let mut rest = Vec::new();
    loop {
        if let Ok(canonical) = existing.canonicalize() {
            return rest
                .iter()
                .rev()
                .fold(canonical, |acc, part| acc.join(part));
        }
        match existing.file_name() {
            Some(name) => rest.push(name.to_os_string()),
            None => return lexical,
        }
        if !existing.pop() {
            return lexical;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crate_names_from_titles() {
        assert_eq!(
            crate_name_from_title("Chili Piper Edge API"),
            "chili-piper-edge-api"
        );
        assert_eq!(crate_name_from_title("PetStore"), "pet-store");
        assert_eq!(
            crate_name_from_title("  Swagger Petstore - OpenAPI 3.0 "),
            "swagger-petstore-open-api-3-0"
        );
        assert_eq!(crate_name_from_title("my_api v2"), "my-api-v2");
        assert_eq!(crate_name_from_title("3D Printing"), "api-3d-printing");
        assert_eq!(crate_name_from_title("Überß ---"), "ber");
        assert_eq!(crate_name_from_title("!!!"), "api-client");
        assert_eq!(crate_name_from_title(""), "api-client");
    }
}
