//! Reading a document from a path, a `file://` URL or an http(s) URL, with
//! the sha256 of its exact bytes (what the pin records).

use std::fs;
use std::path::Path;
use std::time::Duration;

use crate::{failed, resolve, Error};

/// A fetched document: its text and the sha256 of its exact bytes.
pub(crate) struct Document {
    pub(crate) text: String,
    pub(crate) sha256: String,
}

/// Reads a document from an http(s) URL, a `file://` URL or a path
/// (relative to `root`).
pub(crate) fn fetch(source: &str, root: &Path) -> Result<Document, Error> {
    let lower = source.to_ascii_lowercase();
    let bytes = if lower.starts_with("http://") || lower.starts_with("https://") {
        fetch_http(source)?
    } else {
        let path = if lower.starts_with("file:") {
            reqwest::Url::parse(source)
                .ok()
                .and_then(|url| url.to_file_path().ok())
                .ok_or_else(|| failed(format!("`{source}` is not a usable file:// URL")))?
        } else {
            resolve(root, source)
        };
        fs::read(&path).map_err(|e| {
            // Name the resolved path too when it differs from what was given.
            let shown = path.display().to_string();
            let resolved = if shown == source {
                String::new()
            } else {
                format!(" ({shown})")
            };
            failed(format!("cannot read the document {source}{resolved}: {e}"))
        })?
    };
    let sha256 = chili_gen::baseline::sha256_hex(&bytes);
    let text = String::from_utf8(bytes)
        .map_err(|e| failed(format!("the document at {source} is not UTF-8 text: {e}")))?;
    Ok(Document { text, sha256 })
}

fn fetch_http(url: &str) -> Result<Vec<u8>, Error> {
    let fail = |e: reqwest::Error| failed(format!("cannot fetch {url}: {}", chain(&e)));
    let client = reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(60))
        .user_agent(concat!("chili-xtask/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(fail)?;
    let response = client.get(url).send().map_err(fail)?;
    let response = response.error_for_status().map_err(fail)?;
    Ok(response.bytes().map_err(fail)?.to_vec())
}

/// An error and its sources, since reqwest's own message omits the cause.
fn chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

/// Lowercase hex of `bytes` (how the pin writes a sha256).
pub(crate) use chili_gen::baseline::hex;

/// The first 12 hex digits: enough to tell versions apart in a message.
pub(crate) fn short(sha: &str) -> &str {
    sha.get(..12).unwrap_or(sha)
}
