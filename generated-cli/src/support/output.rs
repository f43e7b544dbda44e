//! What a command prints: JSON (pretty on a terminal, compact otherwise),
//! text responses raw, and paged items one JSON object per line.

use std::io::{IsTerminal, Write};

use sdk::{Client, Stream, StreamExt};
use serde::Serialize;

use super::{Failure, Outcome};

/// Longest excerpt of server text put on an error line, in characters.
const MAX_EXCERPT: usize = 300;

/// What a generated command works with: the configured client and where its
/// results go.
pub struct Context {
    client: Client,
    dry_run: bool,
}

impl Context {
    pub(super) fn new(client: Client, dry_run: bool) -> Context {
        Context { client, dry_run }
    }

    /// The client, configured from the global settings.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// Prints a decoded JSON response: indented on a terminal, one line in a pipe.
    pub fn json<T: Serialize>(&self, result: sdk::Result<T>) -> Outcome {
        let value = self.settle(result)?;
        let mut out = std::io::stdout().lock();
        let written = if out.is_terminal() {
            serde_json::to_writer_pretty(&mut out, &value)
        } else {
            serde_json::to_writer(&mut out, &value)
        };
        written.map_err(|e| Failure::Output(e.into()))?;
        writeln!(out)
            .and_then(|()| out.flush())
            .map_err(Failure::Output)
    }

    /// Writes a text response (the CSV export) exactly as received.
    pub fn text(&self, result: sdk::Result<String>) -> Outcome {
        let text = self.settle(result)?;
        let mut out = std::io::stdout().lock();
        out.write_all(text.as_bytes())
            .and_then(|()| out.flush())
            .map_err(Failure::Output)
    }

    /// An answer of unknown type: JSON is printed as [`json`](Self::json)
    /// prints it, anything else as received.
    pub fn text_or_json(&self, result: sdk::Result<String>) -> Outcome {
        let text = self.settle(result)?;
        match serde_json::from_str::<serde_json::Value>(&text) {
            Ok(value) => self.json(Ok(value)),
            Err(_) => self.text(Ok(text)),
        }
    }

    /// A response without a body prints nothing.
    pub fn empty(&self, result: sdk::Result<()>) -> Outcome {
        self.settle(result)
    }

    /// Walks every page (the client's `items()` stream) and prints each item
    /// as one compact JSON line as soon as it arrives. A count of items goes
    /// to stderr only when stderr is a terminal; it is erased before each
    /// line so it never mixes with items printed on the same terminal.
    pub async fn items<T: Serialize>(&self, items: impl Stream<Item = sdk::Result<T>>) -> Outcome {
        let mut items = std::pin::pin!(items);
        let progress = !self.dry_run && std::io::stderr().is_terminal();
        let erase = || {
            if progress {
                eprint!("\r\x1b[K");
            }
        };
        let mut out = std::io::stdout().lock();
        let mut count = 0u64;
        while let Some(item) = items.next().await {
            let item = self.settle(item).inspect_err(|_| erase())?;
            erase();
            serde_json::to_writer(&mut out, &item).map_err(|e| Failure::Output(e.into()))?;
            // Flushed per item so a consumer downstream sees items as they arrive.
            writeln!(out)
                .and_then(|()| out.flush())
                .map_err(Failure::Output)?;
            count += 1;
            if progress {
                eprint!("{count} items");
            }
        }
        erase();
        Ok(())
    }

    /// The value, or the failure. In a dry run every call "fails" at the
    /// capture server; the caller prints the captured request instead.
    fn settle<T>(&self, result: sdk::Result<T>) -> Result<T, Failure> {
        result.map_err(Failure::Client)
    }
}

/// Text from the server on one line, cut to a readable length.
pub fn one_line(text: &str) -> String {
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match flat.char_indices().nth(MAX_EXCERPT) {
        Some((cut, _)) => format!("{}...", &flat[..cut]),
        None => flat,
    }
}
