//! `cargo xtask diff OLD NEW`: the drift report between two documents or
//! baselines, Markdown or JSON.

use std::path::Path;

use chili_gen::baseline;
use chili_gen::diff::diff as drift;
use chili_gen::ir::Api;
use chili_gen::names::NameTable;
use chili_gen::Naming;

use crate::flags::{self, FailOn, Format};
use crate::project::read_names;
use crate::{failed, fetch, Error, Outcome, Status};

pub(crate) fn diff(root: &Path, flags: &flags::Diff) -> Result<Outcome, Error> {
    let names = flags
        .names
        .as_deref()
        .map(|path| read_names(root, path))
        .transpose()?;
    let names = names.as_ref();
    let old_api = load_api(&flags.old, root, names)?;
    let new_api = load_api(&flags.new, root, names)?;
    let report = drift(&old_api, &new_api);
    let text = match flags.format {
        Format::Markdown => report.to_markdown(),
        Format::Json => report.to_json(),
    };
    let found = match flags.fail_on {
        None => false,
        Some(FailOn::Breaking) => report.has_breaking(),
        Some(FailOn::Any) => !report.is_empty(),
    };
    let message = text.trim_end().to_string();
    let status = if found { Status::Found } else { Status::Ok };
    Ok(Outcome { status, message })
}

/// A document's IR: an OpenAPI document run through the generator's loader
/// (with `names`), or a baseline IR as `regen` writes it to `spec/api-ir.json`.
fn load_api(source: &str, root: &Path, names: Option<&NameTable>) -> Result<Api, Error> {
    let doc = fetch(source, root)?;
    if let Ok(value) = serde_json::from_str::<serde_json::Value>(&doc.text) {
        if baseline::is_baseline(&value) {
            return baseline::parse(&doc.text, source).map_err(|e| failed(e.to_string()));
        }
    }
    let naming = Naming {
        table: names,
        ..Naming::default()
    };
    crate::referenced::api(&doc.text, source, root, &naming)
}
