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
    // Editors on Windows start files with a byte order mark; neither parser wants it.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
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
    // Aliases (`*name`) expand as they are read: a few lines can stand for
    // billions of values. Reading stops once the values outnumber what the
    // text could hold without aliases, with room to spare.
    let budget = std::cell::Cell::new(text.len() + 100_000);
    let de = yaml_serde::Deserializer::from_str(text);
    serde::de::DeserializeSeed::deserialize(Budgeted(&budget), de).map_err(|e| {
        let shown = e.to_string();
        // Errors about the whole stream carry no position; point at its cause.
        let line = e.location().map(|l| l.line()).or_else(|| {
            if shown.contains("more than one document") {
                second_document(text)
            } else if shown.contains("repetition limit") || shown.contains(TOO_MANY_VALUES) {
                first_alias(text)
            } else {
                None
            }
        });
        let message = if shown.contains(TOO_MANY_VALUES) {
            format!("invalid YAML: {TOO_MANY_VALUES}; write the values out or share them with `$ref`")
        } else if shown.contains("recursion limit") {
            format!("invalid YAML: {too_deep}")
        } else if shown.contains("repetition limit") {
            "invalid YAML: its aliases (`*name`) expand to too much data; write the values out or share them with `$ref`".to_string()
        } else if shown.contains("more than one document") {
            "invalid YAML: the file holds several documents (`---`); keep only the OpenAPI document".to_string()
        } else {
            format!("invalid YAML: {shown}")
        };
        Error { origin: origin.to_string(), pointer: None, line: Some(line.unwrap_or_else(|| first_content_line(text))), message }
    })
}

const TOO_MANY_VALUES: &str =
    "its aliases (`*name`) expand to more values than the document could hold without them";

/// Reads a YAML value into JSON like `serde_json::Value` does, counting every
/// value against a budget shared by the whole document.
struct Budgeted<'b>(&'b std::cell::Cell<usize>);

impl<'de> serde::de::DeserializeSeed<'de> for Budgeted<'_> {
    type Value = Value;

    fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl Budgeted<'_> {
    fn spend<E: serde::de::Error>(&self) -> Result<(), E> {
        match self.0.get().checked_sub(1) {
            Some(left) => {
                self.0.set(left);
                Ok(())
            }
            None => Err(E::custom(TOO_MANY_VALUES)),
        }
    }
}

impl<'de> serde::de::Visitor<'de> for Budgeted<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<Value, E> {
        self.spend()?;
        Ok(Value::Bool(v))
    }
    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Value, E> {
        self.spend()?;
        Ok(Value::from(v))
    }
    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Value, E> {
        self.spend()?;
        Ok(Value::from(v))
    }
    fn visit_i128<E: serde::de::Error>(self, v: i128) -> Result<Value, E> {
        // Beyond 64 bits: kept as a float, as JSON readers do.
        match i64::try_from(v) {
            Ok(v) => self.visit_i64(v),
            Err(_) => self.visit_f64(v as f64),
        }
    }
    fn visit_u128<E: serde::de::Error>(self, v: u128) -> Result<Value, E> {
        match u64::try_from(v) {
            Ok(v) => self.visit_u64(v),
            Err(_) => self.visit_f64(v as f64),
        }
    }
    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Value, E> {
        self.spend()?;
        // Like serde_json: NaN and infinities are not JSON numbers.
        Ok(serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number))
    }
    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Value, E> {
        self.spend()?;
        Ok(Value::String(v.to_string()))
    }
    fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Value, E> {
        self.spend()?;
        Ok(Value::String(v))
    }
    fn visit_unit<E: serde::de::Error>(self) -> Result<Value, E> {
        self.spend()?;
        Ok(Value::Null)
    }
    fn visit_none<E: serde::de::Error>(self) -> Result<Value, E> {
        self.visit_unit()
    }
    fn visit_some<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        serde::de::DeserializeSeed::deserialize(self, deserializer)
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        self.spend()?;
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(Budgeted(self.0))? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        self.spend()?;
        let mut out = serde_json::Map::new();
        while let Some(key) = map.next_key::<String>()? {
            let value = map.next_value_seed(Budgeted(self.0))?;
            out.insert(key, value);
        }
        Ok(Value::Object(out))
    }
}

/// The 1-based line of the first line that holds something (not blank, not a comment).
pub fn first_content_line(text: &str) -> usize {
    text.lines()
        .position(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
        .map_or(1, |i| i + 1)
}

/// The line where a second YAML document starts.
fn second_document(text: &str) -> Option<usize> {
    let first = first_content_line(text) - 1;
    text.lines()
        .enumerate()
        .skip(first + 1)
        .find(|(_, l)| l.starts_with("---"))
        .map(|(i, _)| i + 1)
}

/// The line of the first alias (`*name`).
fn first_alias(text: &str) -> Option<usize> {
    text.lines()
        .position(|l| {
            let b = l.as_bytes();
            (0..b.len()).any(|i| {
                b[i] == b'*'
                    && (i == 0 || b" [,{:".contains(&b[i - 1]))
                    && b.get(i + 1).is_some_and(|c| c.is_ascii_alphanumeric())
            })
        })
        .map(|i| i + 1)
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
