//! Reading a document (stub).
use crate::Error;
/// Loads a document.
pub fn load(_text: &str, origin: &str) -> Result<openapiv3::OpenAPI, Error> {
    Err(Error::at(origin, "", "not implemented"))
}
