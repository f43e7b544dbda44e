//! Command-line values -> the client's typed arguments. Flag values are
//! decoded while clap parses (so a bad one is a usage error, exit 2, before
//! anything is sent); `--body` is decoded before the request is built.

use std::io::Read;
use std::time::Duration;

use clap::builder::{PossibleValuesParser, TypedValueParser};
use clap::ArgMatches;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::check::{unknown_enum_value, Ty, Types};
use super::Failure;

/// How a flag's text becomes JSON before it is decoded into the parameter's type.
#[derive(Debug, Clone, Copy)]
pub enum Kind {
    /// Strings, dates, UUIDs, enum values: the text as a JSON string.
    Text,
    /// Whole numbers.
    Integer,
    /// Any number.
    Number,
    /// `true` or `false`.
    Bool,
    /// Objects, maps and open values: JSON text (anything else is a string).
    Json,
}

/// A clap value parser decoding a flag into `T` through its JSON form, so
/// the flag accepts exactly what the client's type accepts.
pub fn value<T>(kind: Kind) -> impl Fn(&str) -> Result<T, String> + Clone + Send + Sync + 'static
where
    T: DeserializeOwned + Clone + Send + Sync + 'static,
{
    move |text: &str| decode(kind, text)
}

/// A clap value parser for an enum: only the listed wire values are
/// accepted, and `--help` lists them.
pub fn choice<T>(values: &'static [&'static str]) -> impl TypedValueParser<Value = T>
where
    T: DeserializeOwned + Clone + Send + Sync + 'static,
{
    PossibleValuesParser::new(values.iter().copied())
        .try_map(|text: String| decode::<T>(Kind::Text, &text))
}

fn decode<T: DeserializeOwned>(kind: Kind, text: &str) -> Result<T, String> {
    let json = match kind {
        Kind::Text => Value::String(text.to_owned()),
        Kind::Integer => text
            .trim()
            .parse::<i64>()
            .map(Value::from)
            .map_err(|_| "expected a whole number".to_owned())?,
        Kind::Number => text
            .trim()
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
            .map(Value::Number)
            .ok_or_else(|| "expected a number".to_owned())?,
        Kind::Bool => match text.trim() {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            _ => return Err("expected true or false".to_owned()),
        },
        Kind::Json => serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.to_owned())),
    };
    serde_json::from_value(json).map_err(|e| e.to_string())
}

/// An optional single-valued flag, already decoded by its parser.
pub fn one<T: Clone + Send + Sync + 'static>(m: &ArgMatches, id: &str) -> Option<T> {
    m.get_one::<T>(id).cloned()
}

/// An optional repeatable flag.
pub fn many<T: Clone + Send + Sync + 'static>(m: &ArgMatches, id: &str) -> Option<Vec<T>> {
    m.get_many::<T>(id).map(|values| values.cloned().collect())
}

/// A required flag (clap has checked that it is there).
pub fn required<T: Clone + Send + Sync + 'static>(m: &ArgMatches, id: &str) -> Result<T, Failure> {
    one(m, id).ok_or_else(|| Failure::Internal(format!("required argument {id} is missing")))
}

/// A required repeatable flag.
pub fn required_many<T: Clone + Send + Sync + 'static>(
    m: &ArgMatches,
    id: &str,
) -> Result<Vec<T>, Failure> {
    many(m, id).ok_or_else(|| Failure::Internal(format!("required argument {id} is missing")))
}

/// Whether `--all` was given.
pub fn all(m: &ArgMatches) -> bool {
    m.get_one::<bool>("all").copied().unwrap_or(false)
}

/// The required JSON body, decoded into the request type.
pub fn body<T: DeserializeOwned>(m: &ArgMatches, types: Types, ty: &Ty) -> Result<T, Failure> {
    optional_body(m, types, ty)?.ok_or_else(|| Failure::Usage("--body is required".to_owned()))
}

/// The JSON body if `--body` was given, decoded into the request type. A
/// mismatch names the field (`at status[0]: ...`), and so does an enum value
/// the document does not list.
pub fn optional_body<T: DeserializeOwned>(
    m: &ArgMatches,
    types: Types,
    ty: &Ty,
) -> Result<Option<T>, Failure> {
    let Some((text, origin)) = read_body(m)? else {
        return Ok(None);
    };
    let at = |path: &str| {
        if path.is_empty() || path == "." {
            String::new()
        } else {
            format!(" at `{path}`")
        }
    };
    let mut json = serde_json::Deserializer::from_str(&text);
    let value = serde_path_to_error::deserialize(&mut json).map_err(|e| {
        Failure::Usage(format!(
            "--body{origin}{}: {}",
            at(&e.path().to_string()),
            e.inner()
        ))
    })?;
    json.end()
        .map_err(|e| Failure::Usage(format!("--body{origin}: {e}")))?;
    // Decoded above, so it is valid JSON.
    let raw: Value =
        serde_json::from_str(&text).map_err(|e| Failure::Usage(format!("--body{origin}: {e}")))?;
    if let Some((path, message)) = unknown_enum_value(types, ty, &raw) {
        return Err(Failure::Usage(format!(
            "--body{origin}{}: {message}",
            at(&path)
        )));
    }
    Ok(Some(value))
}

/// A text body (`text/*` content), sent as given.
pub fn text_body(m: &ArgMatches) -> Result<Option<String>, Failure> {
    Ok(read_body(m)?.map(|(text, _)| text))
}

/// The `--body` text and where it came from: `-` is stdin, text that starts
/// like JSON is the body itself, anything else is a file name.
fn read_body(m: &ArgMatches) -> Result<Option<(String, String)>, Failure> {
    let Some(given) = m.get_one::<String>("body") else {
        return Ok(None);
    };
    if given == "-" {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| Failure::Usage(format!("--body -: cannot read stdin: {e}")))?;
        return Ok(Some((text, " (stdin)".to_owned())));
    }
    let start = given.trim_start();
    if start.starts_with(['{', '[', '"']) {
        return Ok(Some((given.clone(), String::new())));
    }
    match std::fs::read_to_string(given) {
        Ok(text) => Ok(Some((text, format!(" (file {given})")))),
        Err(e) => Err(Failure::Usage(format!(
            "--body: cannot read file {given}: {e}; pass JSON inline ('{{...}}'), a file name, or - for stdin"
        ))),
    }
}

/// `30s`, `500ms`, `2m`, or a bare number of seconds.
pub fn duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let (number, unit) = match text.find(|c: char| !(c.is_ascii_digit() || c == '.')) {
        Some(i) => text.split_at(i),
        None => (text, "s"),
    };
    let n: f64 = number
        .parse()
        .map_err(|_| "expected a duration such as 30s, 500ms or 2m".to_owned())?;
    let seconds = match unit {
        "ms" => n / 1000.0,
        "s" => n,
        "m" => n * 60.0,
        _ => return Err(format!("unknown unit {unit:?}: use ms, s or m")),
    };
    Duration::try_from_secs_f64(seconds).map_err(|_| "the duration is out of range".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(duration("30"), Ok(Duration::from_secs(30)));
        assert_eq!(duration("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(duration("2m"), Ok(Duration::from_secs(120)));
        assert!(duration("2h").is_err());
        assert!(duration("soon").is_err());
    }

    #[test]
    fn kinds_decode_through_json() {
        assert_eq!(decode::<i64>(Kind::Integer, "42"), Ok(42));
        assert!(decode::<i64>(Kind::Integer, "4x").is_err());
        assert_eq!(decode::<bool>(Kind::Bool, "true"), Ok(true));
        assert_eq!(decode::<String>(Kind::Text, "42"), Ok("42".to_owned()));
        assert_eq!(
            decode::<Value>(Kind::Json, "{\"a\":1}"),
            Ok(serde_json::json!({"a": 1}))
        );
    }
}
