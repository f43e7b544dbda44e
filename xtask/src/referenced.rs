//! Documents that reference other files or URLs: the generator reads them
//! through [`Referenced`], the same way xtask reads the main document (paths
//! relative to the workspace root, `file://` and `http(s)://` URLs).

use std::path::Path;

use chili_gen::ir::Api;
use chili_gen::{Built, Fetch, Naming};

use crate::fetch::fetch;
use crate::{failed, Error};

/// Reads referenced documents like [`fetch`] reads the main one.
pub struct Referenced<'a> {
    pub root: &'a Path,
}

impl Fetch for Referenced<'_> {
    fn fetch(&self, location: &str) -> Result<String, String> {
        fetch(location, self.root)
            .map(|doc| doc.text)
            .map_err(|e| e.to_string())
    }
}

/// The IR of `text` (read from `source`), references read relative to the
/// workspace root whatever the current directory; warnings are dropped.
pub fn api(text: &str, source: &str, root: &Path, naming: &Naming<'_>) -> Result<Api, Error> {
    chili_gen::build(text, source, &Referenced { root }, naming)
        .map(|built| built.api)
        .map_err(crate::project::generator_error)
}

/// Builds the IR of `text` (read from `source`), printing each warning to
/// stderr; the error names the file and JSON pointer.
pub fn build(text: &str, source: &str, root: &Path, naming: &Naming<'_>) -> Result<Built, Error> {
    let built = chili_gen::build(text, source, &Referenced { root }, naming)
        .map_err(|e| failed(e.to_string()))?;
    for w in &built.warnings {
        eprintln!("warning: {w}");
    }
    Ok(built)
}
