//! Turning document names into idiomatic, valid, collision-free Rust names.

use std::collections::HashSet;

use heck::{ToSnakeCase, ToUpperCamelCase};

/// Rust keywords that cannot be used as identifiers as is.
const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut",
    "pub", "ref", "return", "self", "Self", "static", "struct", "super", "trait", "true", "type",
    "unsafe", "use", "where", "while", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "try", "typeof", "unsized", "virtual", "yield",
];

/// Type names the generated modules use unqualified (prelude and std), which a
/// schema must not shadow.
const RESERVED_TYPES: &[&str] = &[
    "Option", "Some", "None", "Result", "Ok", "Err", "Vec", "String", "Box", "Self", "Default",
];

/// Words for symbols, so `<=` becomes `Le` rather than an empty or numbered name.
fn symbol_word(c: char) -> Option<&'static str> {
    Some(match c {
        '<' => "Lt",
        '>' => "Gt",
        '=' => "Eq",
        '!' => "Not",
        '+' => "Plus",
        '*' => "Star",
        '&' => "And",
        '|' => "Or",
        '%' => "Percent",
        '@' => "At",
        '#' => "Hash",
        '$' => "Dollar",
        '~' => "Tilde",
        '^' => "Caret",
        '?' => "Question",
        _ => return None,
    })
}

/// Whole symbolic values that read better as one word.
fn operator_word(s: &str) -> Option<&'static str> {
    Some(match s {
        "<=" => "Le",
        ">=" => "Ge",
        "==" | "=" => "Eq",
        "!=" | "<>" => "Ne",
        "-" => "Minus",
        "/" => "Slash",
        "." => "Dot",
        "," => "Comma",
        ":" => "Colon",
        ";" => "Semicolon",
        "_" => "Underscore",
        "" => "Empty",
        _ => return None,
    })
}

/// Splits `raw` into words, spelling out symbols, and joins them back with
/// spaces so heck can case them.
fn words(raw: &str) -> String {
    let mut out = String::new();
    for c in raw.chars() {
        if c.is_alphanumeric() {
            out.push(c);
        } else if let Some(w) = symbol_word(c) {
            out.push(' ');
            out.push_str(w);
            out.push(' ');
        } else {
            out.push(' ');
        }
    }
    out
}

/// UpperCamelCase type or variant name for `raw` (`Option_TeamId` -> `OptionTeamId`,
/// `<=` -> `Le`, `2fa` -> `V2fa`).
pub fn type_name(raw: &str) -> String {
    if let Some(w) = operator_word(raw) {
        return w.to_string();
    }
    let mut name = words(raw).to_upper_camel_case();
    if name.is_empty() {
        name = "Value".to_string();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, 'V');
    }
    if !name.is_ascii() {
        name = ascii_only(&name, true);
    }
    if RESERVED_TYPES.contains(&name.as_str()) {
        name.push_str("Type");
    }
    name
}

/// snake_case field, parameter or method name for `raw`, never a keyword
/// (`type` -> `type_`).
pub fn field_name(raw: &str) -> String {
    let mut name = words(raw).to_snake_case();
    if name.is_empty() {
        name = "value".to_string();
    }
    if !name.is_ascii() {
        name = ascii_only(&name, false);
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, '_');
    }
    if KEYWORDS.contains(&name.as_str()) {
        name.push('_');
    }
    name
}

fn ascii_only(name: &str, upper: bool) -> String {
    let kept: String = name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    match (kept.is_empty(), upper) {
        (true, true) => "Value".into(),
        (true, false) => "value".into(),
        (false, _) => kept,
    }
}

/// Hands out unique names within one scope (a module, a struct, an enum):
/// the second `Foo` becomes `Foo2`.
#[derive(Debug, Default, Clone)]
pub struct Scope {
    taken: HashSet<String>,
}

impl Scope {
    /// A scope where `reserved` names are already taken.
    pub fn with_reserved(reserved: &[&str]) -> Scope {
        Scope {
            taken: reserved.iter().map(|s| s.to_string()).collect(),
        }
    }

    /// Claims `name`, or the first free `name2`, `name3`, ...
    pub fn claim(&mut self, name: String) -> String {
        if self.taken.insert(name.clone()) {
            return name;
        }
        // snake_case names get an underscore so `page_2` doesn't read as a word.
        let sep = if name.chars().next().is_some_and(char::is_lowercase) {
            "_"
        } else {
            ""
        };
        (2..)
            .map(|i| format!("{name}{sep}{i}"))
            .find(|candidate| self.taken.insert(candidate.clone()))
            .expect("an unbounded range always yields a free name")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operators_read_as_words() {
        let names: Vec<String> = ["<", ">", "<=", ">=", "==", "!="]
            .iter()
            .map(|s| type_name(s))
            .collect();
        assert_eq!(names, ["Lt", "Gt", "Le", "Ge", "Eq", "Ne"]);
    }

    #[test]
    fn tapir_names() {
        assert_eq!(type_name("Option_TeamId"), "OptionTeamId");
        assert_eq!(
            type_name("AssignToTarget_ThisPathTeam"),
            "AssignToTargetThisPathTeam"
        );
        assert_eq!(
            type_name("PaginatedResult_Workspace"),
            "PaginatedResultWorkspace"
        );
        assert_eq!(type_name("startsWithAnyOf"), "StartsWithAnyOf");
        assert_eq!(type_name("text/csv"), "TextCsv");
        assert_eq!(type_name("2fa"), "V2fa");
        assert_eq!(type_name("Option"), "OptionType");
    }

    #[test]
    fn fields_avoid_keywords() {
        assert_eq!(field_name("type"), "type_");
        assert_eq!(field_name("pageSize"), "page_size");
        assert_eq!(field_name("self"), "self_");
        assert_eq!(field_name("X-Request-Id"), "x_request_id");
        assert_eq!(field_name("1st"), "_1st");
        assert_eq!(field_name(""), "value");
    }

    #[test]
    fn scope_numbers_collisions() {
        let mut scope = Scope::default();
        assert_eq!(scope.claim("Foo".into()), "Foo");
        assert_eq!(scope.claim("Foo".into()), "Foo2");
        assert_eq!(scope.claim("page".into()), "page");
        assert_eq!(scope.claim("page".into()), "page_2");
    }
}
