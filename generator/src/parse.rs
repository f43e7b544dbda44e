//! Document text -> JSON tree, with the line of any syntax error, and the
//! way back from a JSON pointer to a line.
//!
//! Both parsers stop at 128 levels of nesting, so no tree built here is
//! deeper; YAML flow nesting is measured before parsing, since the YAML
//! parser's time grows with its square.

use serde_json::Value;

use crate::error::Error;

/// Parses YAML or JSON text into a JSON tree, reporting the line of a syntax error.
pub fn parse_tree(text: &str, origin: &str) -> Result<Value, Error> {
    let trimmed = text.trim_start();
    // Both parsers stop at 128 levels of nesting, so no tree built here is deeper.
    let too_deep =
        "the document nests more than 128 levels deep here, more than the generator reads; \
                    move inner schemas into components/schemas and refer to them with `$ref`";
    if trimmed.starts_with('{') {
        return serde_json::from_str(text).map_err(|e| Error {
            origin: origin.to_string(),
            pointer: None,
            line: Some(e.line()),
            message: if e.to_string().contains("recursion limit") {
                format!("invalid JSON: {too_deep} (column {})", e.column())
            } else {
                format!("invalid JSON: {e}")
            },
        });
    }
    // The YAML parser's time grows with the square of flow nesting (`[[[...`),
    // so a deep document is refused before it is parsed, not after.
    if let Some(line) = flow_nesting_exceeds(text, 128) {
        return Err(Error {
            origin: origin.to_string(),
            pointer: None,
            line: Some(line),
            message: format!("invalid YAML: {too_deep}"),
        });
    }
    yaml_serde::from_str::<Value>(text).map_err(|e| Error {
        origin: origin.to_string(),
        pointer: None,
        line: e.location().map(|l| l.line()),
        message: if e.to_string().contains("recursion limit") {
            format!("invalid YAML: {too_deep}")
        } else {
            format!("invalid YAML: {e}")
        },
    })
}

/// The 1-based line where YAML flow collections (`[`, `{`) nest deeper than
/// `limit`, if they do. Brackets count where YAML reads them as flow
/// indicators: anywhere inside a flow collection, and in block context only
/// where a value starts (so `pattern: ^[a-z]+$` does not count); quoted
/// scalars and comments are skipped. Linear in the text.
fn flow_nesting_exceeds(text: &str, limit: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut line = 1;
    // In block context: only whitespace (or `- `, `? `, `: `) since the line or value started.
    let mut value_start = true;
    let mut chars = text.chars().peekable();
    let mut previous = '\n';
    while let Some(c) = chars.next() {
        match c {
            '\n' => {
                line += 1;
                if depth == 0 {
                    value_start = true;
                }
            }
            '#' if previous.is_whitespace() => {
                while chars.peek().is_some_and(|&n| n != '\n') {
                    chars.next();
                }
            }
            '"' | '\'' if depth > 0 || value_start => {
                // A quoted scalar: skip to its end (`''` and `\"` escape).
                while let Some(q) = chars.next() {
                    if q == '\n' {
                        line += 1;
                    }
                    if c == '"' && q == '\\' {
                        chars.next();
                    } else if q == c {
                        if c == '\'' && chars.peek() == Some(&'\'') {
                            chars.next();
                        } else {
                            break;
                        }
                    }
                }
                value_start = false;
            }
            '[' | '{' if depth > 0 || value_start => {
                depth += 1;
                if depth > limit {
                    return Some(line);
                }
            }
            ']' | '}' if depth > 0 => {
                depth -= 1;
                value_start = false;
            }
            ' ' | '\t' | '\r' => {}
            '-' | '?' | ':' if depth == 0 && chars.peek().is_none_or(|n| n.is_whitespace()) => {
                value_start = true
            }
            _ if depth == 0 => value_start = false,
            _ => {}
        }
        previous = c;
    }
    None
}

/// Finds the 1-based line in YAML/JSON `text` where the key at the end of
/// `pointer` is written, following the pointer's keys in order. Best effort:
/// good enough to point a human at the right place.
pub fn find_line(text: &str, pointer: &str) -> Option<usize> {
    if pointer.is_empty() {
        return None;
    }
    let mut line_no = 0;
    let lines: Vec<&str> = text.lines().collect();
    for segment in pointer.split('/').skip(1) {
        let key = segment.replace("~1", "/").replace("~0", "~");
        if key.parse::<usize>().is_ok() {
            continue;
        }
        let candidates = [
            format!("{key}:"),
            format!("'{key}':"),
            format!("\"{key}\":"),
            format!("\"{key}\" :"),
        ];
        let found = lines.iter().enumerate().skip(line_no).find(|(_, l)| {
            let t = l.trim_start().trim_start_matches("- ");
            candidates.iter().any(|c| t.starts_with(c.as_str()))
        });
        match found {
            Some((i, _)) => line_no = i,
            None => break,
        }
    }
    if line_no == 0 {
        None
    } else {
        Some(line_no + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flow_nesting_is_measured_where_yaml_reads_it() {
        assert_eq!(flow_nesting_exceeds("a: [[[1]]]\n", 3), None);
        assert_eq!(flow_nesting_exceeds("a: 1\nb: [[[[1]]]]\n", 3), Some(2));
        assert_eq!(flow_nesting_exceeds("pattern: ^[[[[a-z]+$\n", 3), None);
        assert_eq!(flow_nesting_exceeds("a: '[[[[' # [[[[\n", 3), None);
        assert_eq!(flow_nesting_exceeds("- - {a: [{b: [1]}]}\n", 3), Some(1));
    }
}
