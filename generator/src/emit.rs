//! Emission (stub).
use crate::{ir, Error, GeneratedCrate, Options};
/// Emits the crate.
pub fn emit_crate(_api: &ir::Api, _o: &Options) -> Result<GeneratedCrate, Error> {
    Ok(GeneratedCrate { files: Default::default() })
}
