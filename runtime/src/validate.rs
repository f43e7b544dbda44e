//! Checks a request against the limits its document states (`minItems`,
//! `maxLength`, `pattern`, numeric bounds, ...) before it is sent.
//!
//! Generated code describes the limits as static tables of [`Rule`]s, one per
//! request type that has any (the generator decides which types and which
//! patterns); the runtime checks the request's JSON against them. Checking
//! the serialized JSON keeps one implementation for bodies, parameters,
//! nested types and recursive types alike.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::{Mutex, OnceLock};

use regex::Regex;
use serde_json::Value;

/// One limit, at a place inside a value.
#[derive(Debug)]
pub struct Rule {
    /// Property names from the value's root; `"*"` stands for every item of
    /// an array or every value of a map. Empty for the value itself.
    pub path: &'static [&'static str],
    /// The limit.
    pub check: Check,
}

/// A limit from the document.
#[derive(Debug)]
pub enum Check {
    /// `minItems` of an array.
    MinItems(usize),
    /// `maxItems` of an array.
    MaxItems(usize),
    /// `minLength` of a string, in characters.
    MinLength(usize),
    /// `maxLength` of a string, in characters.
    MaxLength(usize),
    /// `pattern` of a string (searched, not anchored, as JSON Schema says).
    Pattern(&'static str),
    /// `minimum` (exclusive when `true`).
    Minimum(f64, bool),
    /// `maximum` (exclusive when `true`).
    Maximum(f64, bool),
    /// The rules of a named type, for the value at this place.
    Type(&'static [Rule]),
}

/// The first rule `value` breaks, as a message naming the place (a JSON path
/// under `root`, such as `userIds` or `attendees[2].email`) and the rule,
/// never the value (it may be personal data).
pub fn first_violation(root: &str, value: &Value, rules: &'static [Rule]) -> Option<String> {
    let mut place = root.to_owned();
    check_rules(&mut place, value, rules, 0)
}

/// Deep enough for any real document; stops a cyclic value from recursing forever.
const MAX_DEPTH: usize = 64;

fn check_rules(place: &mut String, value: &Value, rules: &[Rule], depth: usize) -> Option<String> {
    if depth > MAX_DEPTH {
        return None;
    }
    rules
        .iter()
        .find_map(|rule| at_path(place, value, rule.path, &rule.check, depth))
}

fn at_path(
    place: &mut String,
    value: &Value,
    path: &[&str],
    check: &Check,
    depth: usize,
) -> Option<String> {
    let Some((first, rest)) = path.split_first() else {
        return check_one(place, value, check, depth);
    };
    let len = place.len();
    let found = if *first == "*" {
        match value {
            Value::Array(items) => items.iter().enumerate().find_map(|(i, item)| {
                let _ = write!(place, "[{i}]");
                let found = at_path(place, item, rest, check, depth);
                place.truncate(len);
                found
            }),
            Value::Object(map) => map.iter().find_map(|(key, item)| {
                let _ = write!(place, "[{key:?}]");
                let found = at_path(place, item, rest, check, depth);
                place.truncate(len);
                found
            }),
            _ => None,
        }
    } else {
        match value.get(first) {
            Some(inner) => {
                if !place.is_empty() {
                    place.push('.');
                }
                place.push_str(first);
                at_path(place, inner, rest, check, depth)
            }
            // Absent: `required` is the type system's job, not this one's.
            None => None,
        }
    };
    place.truncate(len);
    found
}

fn check_one(place: &mut String, value: &Value, check: &Check, depth: usize) -> Option<String> {
    let place_name = || {
        if place.is_empty() {
            "the request body".to_owned()
        } else {
            format!("`{place}`")
        }
    };
    let broken = |rule: String| Some(format!("{} {rule}", place_name()));
    match (check, value) {
        (Check::Type(rules), _) => check_rules(place, value, rules, depth + 1),
        (Check::MinItems(n), Value::Array(items)) if items.len() < *n => broken(format!(
            "must have at least {n} item{} (minItems: {n})",
            if *n == 1 { "" } else { "s" }
        )),
        (Check::MaxItems(n), Value::Array(items)) if items.len() > *n => {
            broken(format!("must have at most {n} items (maxItems: {n})"))
        }
        (Check::MinLength(n), Value::String(s)) if s.chars().count() < *n => broken(format!(
            "must be at least {n} characters long (minLength: {n})"
        )),
        (Check::MaxLength(n), Value::String(s)) if s.chars().count() > *n => broken(format!(
            "must be at most {n} characters long (maxLength: {n})"
        )),
        (Check::Pattern(pattern), Value::String(s)) if !matches(pattern, s) => {
            broken(format!("does not match the pattern `{pattern}`"))
        }
        (Check::Minimum(min, exclusive), Value::Number(n)) => {
            let n = n.as_f64()?;
            let bad = if *exclusive { n <= *min } else { n < *min };
            if bad {
                let (word, key) = if *exclusive {
                    ("greater than", "exclusiveMinimum")
                } else {
                    ("at least", "minimum")
                };
                broken(format!("must be {word} {min} ({key}: {min})"))
            } else {
                None
            }
        }
        (Check::Maximum(max, exclusive), Value::Number(n)) => {
            let n = n.as_f64()?;
            let bad = if *exclusive { n >= *max } else { n > *max };
            if bad {
                let (word, key) = if *exclusive {
                    ("less than", "exclusiveMaximum")
                } else {
                    ("at most", "maximum")
                };
                broken(format!("must be {word} {max} ({key}: {max})"))
            } else {
                None
            }
        }
        _ => None,
    }
}

/// Whether `text` matches `pattern`, each pattern compiled once per process.
/// The generator only emits patterns that `regex` compiles; one that does not
/// anyway is not checked rather than failing every request.
fn matches(pattern: &'static str, text: &str) -> bool {
    static CACHE: OnceLock<Mutex<HashMap<&'static str, Option<Regex>>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    let mut cache = cache
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let regex = cache
        .entry(pattern)
        .or_insert_with(|| Regex::new(pattern).ok());
    regex.as_ref().is_none_or(|regex| regex.is_match(text))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    static ATTENDEE: [Rule; 2] = [
        Rule {
            path: &["email"],
            check: Check::Pattern("^[^@]+@[^@]+$"),
        },
        Rule {
            path: &["name"],
            check: Check::MaxLength(5),
        },
    ];
    // Arrays, not slices: a static may take its own address (recursive
    // types), not read its own value.
    static BODY: [Rule; 4] = [
        Rule {
            path: &["userIds"],
            check: Check::MinItems(1),
        },
        Rule {
            path: &["attendees", "*"],
            check: Check::Type(&ATTENDEE),
        },
        Rule {
            path: &["count"],
            check: Check::Maximum(10.0, true),
        },
        Rule {
            path: &["child"],
            check: Check::Type(&BODY),
        },
    ];

    #[test]
    fn names_the_place_and_the_rule_never_the_value() {
        let ok =
            json!({"userIds": ["u"], "attendees": [{"email": "a@b", "name": "Jo"}], "count": 9.5});
        assert_eq!(first_violation("", &ok, &BODY), None);
        let cases = [
            (
                json!({"userIds": []}),
                "`userIds` must have at least 1 item (minItems: 1)",
            ),
            (
                json!({"userIds": ["u"], "attendees": [{"email": "a@b"}, {"email": "jane.example.com"}]}),
                "`attendees[1].email` does not match the pattern `^[^@]+@[^@]+$`",
            ),
            (
                json!({"attendees": [{"name": "Janette"}]}),
                "`attendees[0].name` must be at most 5 characters long (maxLength: 5)",
            ),
            (
                json!({"count": 10}),
                "`count` must be less than 10 (exclusiveMaximum: 10)",
            ),
            (
                json!({"child": {"child": {"userIds": []}}}),
                "`child.child.userIds` must have at least 1 item (minItems: 1)",
            ),
        ];
        for (value, message) in cases {
            let got = first_violation("", &value, &BODY).expect("a violation");
            assert_eq!(got, message);
            assert!(!got.contains("jane") && !got.contains("Janette"));
        }
        // Absent and null values are not checked: `required` is the types' job.
        assert_eq!(first_violation("", &json!({"userIds": null}), &BODY), None);
        assert_eq!(
            first_violation(
                "limit",
                &json!(0),
                &[Rule {
                    path: &[],
                    check: Check::Minimum(1.0, false)
                }]
            ),
            Some("`limit` must be at least 1 (minimum: 1)".to_owned())
        );
    }

    #[test]
    fn patterns_regex_cannot_compile_are_not_checked() {
        assert!(matches("^(?=a)a$", "b"));
        assert!(matches("^a+$", "aaa"));
        assert!(!matches("^a+$", "ab"));
    }
}
