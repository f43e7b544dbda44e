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
            pointer: if pointer.is_empty() {
                None
            } else {
                Some(pointer)
            },
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

/// Something the generator read past: a value it does not need had an
/// unexpected type and was dropped or converted, or a schema fell back on
/// `serde_json::Value`. The crate is still generated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// File path or URL of the document the pointer is in.
    pub origin: String,
    /// JSON pointer of the value concerned.
    pub pointer: String,
    /// What was found and what the generator did about it.
    pub message: String,
}

impl Warning {
    /// A warning at `pointer` in `origin`.
    pub fn at(origin: &str, pointer: impl Into<String>, message: impl Into<String>) -> Warning {
        Warning {
            origin: origin.to_string(),
            pointer: pointer.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.origin)?;
        if !self.pointer.is_empty() {
            write!(f, " at {}", self.pointer)?;
        }
        write!(f, ": {}", self.message)
    }
}

/// Splits a JSON pointer into its unescaped segments (`/a~1b/c` -> `a/b`, `c`).
pub fn pointer_segments(pointer: &str) -> Vec<String> {
    if pointer.is_empty() {
        return Vec::new();
    }
    pointer
        .split('/')
        .skip(1)
        .map(|s| s.replace("~1", "/").replace("~0", "~"))
        .collect()
}
