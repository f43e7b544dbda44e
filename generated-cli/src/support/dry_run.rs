//! `--dry-run`: the client sends the request to a one-shot server on
//! 127.0.0.1 inside this process, which records it and answers with an error;
//! the request is then printed as a curl command for the real base URL.
//! Capturing what the client really sends (rather than re-deriving it) keeps
//! the printed command exact: encoding, headers and body included.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::mpsc;

/// Longest request head or body the capture server reads, in bytes.
const MAX_CAPTURE: usize = 16 * 1024 * 1024;

/// A request as it arrived at the capture server.
#[derive(Debug)]
pub struct Captured {
    method: String,
    /// Path and query, as sent.
    target: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

/// The one-shot capture server.
pub struct Capture {
    base_url: String,
    received: mpsc::Receiver<Captured>,
}

impl Capture {
    /// Listens on a free port of 127.0.0.1. Requests keep the path prefix of
    /// `real_base_url`, so the captured target is the real one.
    pub fn start(real_base_url: &str) -> std::io::Result<Capture> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let port = listener.local_addr()?.port();
        let (_, prefix) = split_base(real_base_url);
        let (sender, received) = mpsc::channel();
        std::thread::spawn(move || {
            if let Ok((mut stream, _)) = listener.accept() {
                if let Ok(request) = read_request(&mut stream) {
                    // Sent before answering: once the client has its answer, the
                    // request is waiting in the channel.
                    let _ = sender.send(request);
                }
                let _ = stream.write_all(
                    b"HTTP/1.1 418 I'm a teapot\r\ncontent-length: 0\r\nconnection: close\r\n\r\n",
                );
            }
        });
        Ok(Capture {
            base_url: format!("http://127.0.0.1:{port}{prefix}"),
            received,
        })
    }

    /// The base URL to give the client.
    pub fn local_base_url(&self) -> String {
        self.base_url.clone()
    }

    /// The captured request, if the client sent one.
    pub fn finish(self) -> Option<Captured> {
        self.received.try_recv().ok()
    }
}

fn read_request(stream: &mut TcpStream) -> std::io::Result<Captured> {
    let mut reader = BufReader::new(stream.take(MAX_CAPTURE as u64));
    let mut line = String::new();
    reader.read_line(&mut line)?;
    let mut parts = line.split_whitespace();
    let method = parts.next().unwrap_or_default().to_owned();
    let target = parts.next().unwrap_or_default().to_owned();
    let mut headers = Vec::new();
    loop {
        line.clear();
        if reader.read_line(&mut line)? == 0 || line.trim_end().is_empty() {
            break;
        }
        if let Some((name, value)) = line.trim_end().split_once(':') {
            headers.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
        }
    }
    let length = headers
        .iter()
        .find(|(name, _)| name == "content-length")
        .and_then(|(_, v)| v.parse::<usize>().ok())
        .unwrap_or(0);
    let mut body = vec![0; length.min(MAX_CAPTURE)];
    reader.read_exact(&mut body)?;
    Ok(Captured {
        method,
        target,
        headers,
        body,
    })
}

/// `https://host:port` and the path prefix (`/api/fire-edge`) of a base URL.
fn split_base(base_url: &str) -> (&str, &str) {
    let base = base_url.trim_end_matches('/');
    let after_scheme = base.find("://").map_or(0, |i| i + 3);
    match base[after_scheme..].find('/') {
        Some(i) => base.split_at(after_scheme + i),
        None => (base, ""),
    }
}

/// The captured request as a curl command against `real_base_url`; the
/// token is shown as `token_shown_as` (a variable or `$(cat FILE)`), never
/// its value.
pub fn curl(request: &Captured, real_base_url: &str, token_shown_as: &str) -> String {
    let (origin, _) = split_base(real_base_url);
    let url = format!("{origin}{}", request.target);
    let mut lines = vec![format!("curl -X {} {}", request.method, shell_quote(&url))];
    for (name, value) in &request.headers {
        match name.as_str() {
            // curl sets these itself.
            "host" | "content-length" | "connection" => {}
            "authorization" => {
                let scheme = value.split_whitespace().next().unwrap_or("Bearer");
                lines.push(format!("-H \"{name}: {scheme} {token_shown_as}\""));
            }
            _ => lines.push(format!("-H {}", shell_quote(&format!("{name}: {value}")))),
        }
    }
    if !request.body.is_empty() {
        lines.push(format!(
            "--data-raw {}",
            shell_quote(&String::from_utf8_lossy(&request.body))
        ));
    }
    lines.join(" \\\n  ")
}

/// `text` as one single-quoted shell word.
pub fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', "'\\''"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls_split_into_origin_and_prefix() {
        assert_eq!(
            split_base("https://a.example/api/x/"),
            ("https://a.example", "/api/x")
        );
        assert_eq!(
            split_base("http://127.0.0.1:8080"),
            ("http://127.0.0.1:8080", "")
        );
    }

    #[test]
    fn quotes_survive_the_shell() {
        assert_eq!(shell_quote("it's"), "'it'\\''s'");
    }
}
