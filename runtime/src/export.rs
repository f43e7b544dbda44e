//! Long exports in pieces: a range split into the windows an API accepts,
//! and the CSV answers of each window written out as one file.

use std::ops::Add;

use futures_util::StreamExt;
use tokio::io::{AsyncWrite, AsyncWriteExt};

use crate::error::{Error, Result};
use crate::response::ByteStream;

/// Splits `start..end` into consecutive half-open windows at most `width`
/// wide, for APIs that export a limited range per call (the Chili Piper
/// meetings export takes at most 7 days). The last window ends at `end`;
/// an empty or reversed range gives no window.
///
/// Works with any ordered value that a width can be added to, such as
/// `chrono::DateTime<Utc>` and `chrono::Duration`.
///
/// ```
/// let windows: Vec<_> = chili_runtime::windows(0, 17, 7).collect();
/// assert_eq!(windows, [(0, 7), (7, 14), (14, 17)]);
/// ```
pub fn windows<T, W>(start: T, end: T, width: W) -> impl Iterator<Item = (T, T)>
where
    T: Copy + PartialOrd + Add<W, Output = T>,
    W: Copy,
{
    let mut next = start;
    std::iter::from_fn(move || {
        if next >= end {
            return None;
        }
        let from = next;
        let step = from + width;
        // A width that does not move forward would loop forever: stop instead.
        if step <= from {
            return None;
        }
        let to = if step < end { step } else { end };
        next = to;
        Some((from, to))
    })
}

/// Writes several CSV bodies (one per export window) into one writer as one
/// CSV file: the header row of the first body is kept, the first row of
/// every later body is dropped. Bodies are copied as they stream in.
///
/// ```no_run
/// # async fn f(client: chili_runtime::Client, ranges: Vec<(String, String)>) -> Result<(), Box<dyn std::error::Error>> {
/// use chili_runtime::{CsvConcat, Method};
///
/// let mut file = tokio::fs::File::create("meetings.csv").await?;
/// let mut csv = CsvConcat::new(&mut file);
/// for (start, end) in ranges {
///     let part = client
///         .request(Method::PUT, "/v3/org/meetings/meetings/export")
///         .json(&serde_json::json!({ "start": start, "end": end }))
///         .send_stream()
///         .await?;
///     csv.append(part.value).await?;
/// }
/// csv.finish().await?;
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct CsvConcat<W> {
    writer: W,
    parts: usize,
    written: u64,
    /// The last byte written, to end a part without a final newline with one.
    last: Option<u8>,
}

impl<W: AsyncWrite + Unpin> CsvConcat<W> {
    /// Starts an empty CSV file in `writer`.
    pub fn new(writer: W) -> Self {
        CsvConcat {
            writer,
            parts: 0,
            written: 0,
            last: None,
        }
    }

    /// Appends one CSV body: all of it if it is the first, else all but its
    /// header row. A writer failure is [`Error::Io`].
    pub async fn append(&mut self, mut body: ByteStream) -> Result<()> {
        let call = body.call().clone();
        let io = |source| Error::Io {
            call: call.clone(),
            source,
        };
        let mut skipping_header = self.parts > 0;
        let mut started = false;
        while let Some(chunk) = body.next().await {
            let chunk = chunk?;
            let mut rest = &chunk[..];
            if skipping_header {
                match rest.iter().position(|&b| b == b'\n') {
                    Some(end) => {
                        rest = &rest[end + 1..];
                        skipping_header = false;
                    }
                    None => continue,
                }
            }
            if rest.is_empty() {
                continue;
            }
            if !started && self.last.is_some_and(|b| b != b'\n') {
                self.writer.write_all(b"\n").await.map_err(io)?;
                self.written += 1;
            }
            started = true;
            self.writer.write_all(rest).await.map_err(io)?;
            self.written += rest.len() as u64;
            self.last = rest.last().copied();
        }
        self.parts += 1;
        Ok(())
    }

    /// Flushes the writer and returns it with the number of bytes written.
    pub async fn finish(mut self) -> std::io::Result<(W, u64)> {
        self.writer.flush().await?;
        Ok((self.writer, self.written))
    }
}

#[cfg(test)]
mod tests {
    use super::windows;

    #[test]
    fn windows_cover_the_range_without_gaps() {
        assert_eq!(windows(0, 14, 7).collect::<Vec<_>>(), [(0, 7), (7, 14)]);
        assert_eq!(windows(3, 4, 7).collect::<Vec<_>>(), [(3, 4)]);
        assert_eq!(windows(5, 5, 7).count(), 0);
        assert_eq!(windows(9, 5, 7).count(), 0);
        assert_eq!(windows(0, 5, 0).count(), 0);
    }
}
