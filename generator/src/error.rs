//! Errors that say where the document is wrong and what to do about it.

use std::fmt;

/// A generation failure, located in the input document.
#[derive(Debug)]
pub struct Error {
    /// File path or URL of the document.
    pub origin: String,
    /// JSON pointer into the document (`/paths/~1v1~1org/get/...`), if known.
    pub pointer: Option<String>,
    /// 1-based line, if known.
    pub line: Option<usize>,
    /// What is wrong and what to do.
    pub message: String,
}

impl Error {
    /// An error at `pointer` in `origin`.
    pub fn at(origin: &str, pointer: impl Into<String>, message: impl Into<String>) -> Error {
        let pointer = pointer.into();
        Error {
            origin: origin.to_string(),
            pointer: if pointer.is_empty() { None } else { Some(pointer) },
            line: None,
            message: message.into(),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.origin)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if let Some(pointer) = &self.pointer {
            write!(f, " at {pointer}")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for Error {}

/// Escapes one JSON pointer segment (RFC 6901).
pub fn escape_pointer(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}
