//! Operations (stub).
use crate::{ir, Error};
/// Builds the IR.
pub fn build(_doc: &openapiv3::OpenAPI, origin: &str) -> Result<ir::Api, Error> {
    Err(Error::at(origin, "", "not implemented"))
}
