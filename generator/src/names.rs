//! Turning document names into idiomatic, valid, collision-free Rust names:
//! identifiers, the method-name rules (no HTTP verb or version suffix), the
//! maintainer's names file (`spec/names.toml`), and the memory of previous
//! names that keeps a renamed method or type callable until the next breaking release.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use heck::{ToSnakeCase, ToUpperCamelCase};
use serde::Deserialize;

use crate::ir::{Api, TypeDef, TypeKind};
use crate::Error;

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

/// The module of the operations without a group (methods on `Client`):
/// `untagged`, or `untagged_2`, ... when a group (a tag) already has that name.
pub fn root_module<'g>(groups: impl Iterator<Item = &'g str>) -> String {
    let mut scope = Scope::with_reserved(&groups.collect::<Vec<_>>());
    scope.claim("untagged".to_string())
}

/// The Rust name of a struct's additional-properties map: `extra`, or
/// `extra_properties` when a property already took `extra`; `None` for a
/// type without one.
pub fn extra_field_name(def: &TypeDef) -> Option<String> {
    let TypeKind::Struct {
        fields,
        extra: Some(_),
    } = &def.kind
    else {
        return None;
    };
    let taken: Vec<&str> = fields.iter().map(|f| f.name.as_str()).collect();
    if !taken.contains(&"extra") {
        return Some("extra".to_string());
    }
    Some(Scope::with_reserved(&taken).claim("extra_properties".to_string()))
}

/// The conformance test of each operation, in order: `<group>_<method>`
/// (the method alone without a group), unique among them. A raw method name
/// (`r#type`) stays raw alone and loses its `r#` after a group.
pub fn test_names(operations: &[crate::ir::Operation]) -> Vec<String> {
    let mut scope = Scope::default();
    operations
        .iter()
        .map(|op| {
            let joined = if op.group.is_empty() {
                op.method_name.clone()
            } else {
                format!(
                    "{}_{}",
                    op.group.trim_start_matches("r#"),
                    op.method_name.trim_start_matches("r#")
                )
            };
            // `_2024` + `_get` or `type_` + `list`: one underscore between
            // words, as rustc's snake case lint wants.
            let words: Vec<&str> = joined.split('_').collect();
            let last = words.len() - 1;
            let kept: Vec<&str> = words
                .iter()
                .enumerate()
                .filter(|(i, w)| *i == 0 || *i == last || !w.is_empty())
                .map(|(_, w)| *w)
                .collect();
            scope.claim(kept.join("_"))
        })
        .collect()
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

// ---------------------------------------------------------------------------
// Method names

/// Names a group handle (or `Client`, for untagged operations) already has,
/// which no operation method may take.
pub const RESERVED_METHODS: &[&str] = &[
    "new",
    "builder",
    "from_env",
    "base_url",
    "clone",
    "fmt",
    "send_json",
    "send_text",
    "send_empty",
    "execute",
];

/// HTTP verbs that only say how a request travels: dropped from the end of a
/// method name (`cancel_post` -> `cancel`).
const TRANSPORT_VERBS: &[&str] = &["put", "post"];

/// What the rules make of an operation's method name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlainName {
    /// The name without transport noise: `export_v2_put` -> `export`,
    /// `router_get` -> `get_router`, `router_list` -> `list_routers`.
    pub name: String,
    /// The version suffix it carried (`_v2` -> 2), if any.
    pub version: Option<u32>,
}

/// The method name an operation gets when no other operation of its group
/// wants the same one: `name` (snake_case, tag already stripped) without a
/// trailing HTTP verb or bare version suffix, with a trailing action verb
/// moved to the front so every group reads verb-first. Action verbs that are
/// not HTTP verbs (`list`, `create`, `update`, ...) only move when the HTTP
/// method agrees with them, so a noun such as `last_update` on a GET stays.
pub fn plain_method_name(name: &str, http_method: &str) -> PlainName {
    let mut words: Vec<String> = name
        .split('_')
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect();
    let mut version = None;
    while words.len() > 1 {
        let last = words[words.len() - 1].as_str();
        if TRANSPORT_VERBS.contains(&last) {
            words.pop();
        } else if let Some(v) = version_word(last) {
            version = version.or(Some(v));
            words.pop();
        } else {
            break;
        }
    }
    if words.len() > 1
        && moves_to_front(&words[words.len() - 1], http_method)
        && !is_leading_verb(&words[0])
    {
        let verb = words.pop().unwrap_or_default();
        if verb == "list" {
            let last = words.len() - 1;
            words[last] = plural(&words[last]);
        }
        words.insert(0, verb);
    }
    let name = if words.is_empty() {
        name.to_string()
    } else {
        field_name(&words.join("_"))
    };
    PlainName { name, version }
}

/// `v2` -> 2.
pub(crate) fn version_word(word: &str) -> Option<u32> {
    let digits = word.strip_prefix('v')?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// Whether a trailing `verb` reads better in front for an operation with this
/// HTTP method.
fn moves_to_front(verb: &str, http_method: &str) -> bool {
    let m = http_method.to_ascii_uppercase();
    match verb {
        // HTTP verbs themselves: never a suffix.
        "get" | "delete" | "patch" => true,
        "list" => m == "GET",
        "create" => matches!(m.as_str(), "POST" | "PUT"),
        "update" | "activate" | "deactivate" => matches!(m.as_str(), "PUT" | "PATCH" | "POST"),
        _ => false,
    }
}

/// Names that already start with a verb keep their order (`get_mailing_list`).
fn is_leading_verb(word: &str) -> bool {
    matches!(
        word,
        "get"
            | "delete"
            | "patch"
            | "list"
            | "create"
            | "update"
            | "activate"
            | "deactivate"
            | "find"
            | "search"
            | "set"
            | "add"
            | "remove"
    )
}

/// English plural of the last word of a listed noun, good enough for names:
/// `router` -> `routers`, `policy` -> `policies`, `box` -> `boxes`; a word
/// already ending in `s` is taken as plural.
pub(crate) fn plural(word: &str) -> String {
    if word.ends_with('s') || word.chars().last().is_some_and(|c| c.is_ascii_digit()) {
        return word.to_string();
    }
    if ["x", "z", "ch", "sh"].iter().any(|end| word.ends_with(end)) {
        return format!("{word}es");
    }
    let mut chars = word.chars().rev();
    if let (Some('y'), Some(before)) = (chars.next(), chars.next()) {
        if !"aeiou".contains(before) {
            return format!("{}ies", &word[..word.len() - 1]);
        }
    }
    format!("{word}s")
}

// ---------------------------------------------------------------------------
// The names file

/// Names a maintainer chose, read from `spec/names.toml`: operation id ->
/// method name, schema name -> Rust type name. They win over the rules and
/// stay through upstream renames of anything else.
///
/// ```toml
/// [operations]
/// userRead = "get"            # client.user().get(..)
///
/// [schemas]
/// HttpQueryResponse_A = "MeetingPage"
/// ```
#[derive(Debug, Clone, Default)]
pub struct NameTable {
    /// Where the table came from, for messages.
    pub origin: String,
    /// Operation id -> chosen method name.
    pub operations: BTreeMap<String, Chosen>,
    /// Component schema name -> chosen Rust type name.
    pub schemas: BTreeMap<String, Chosen>,
}

/// One entry of the names file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chosen {
    /// The Rust name.
    pub name: String,
    /// 1-based line of the entry, for messages.
    pub line: usize,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NamesFile {
    #[serde(default)]
    operations: BTreeMap<String, toml::Spanned<String>>,
    #[serde(default)]
    schemas: BTreeMap<String, toml::Spanned<String>>,
}

impl NameTable {
    /// Reads a names file. Every error has the file, the line and what to do.
    pub fn parse(text: &str, origin: &str) -> Result<NameTable, Error> {
        let line_of = |offset: usize| text[..offset.min(text.len())].matches('\n').count() + 1;
        let file: NamesFile = toml::from_str(text).map_err(|e| {
            let mut err = Error::at(
                origin,
                "",
                format!("{}; the file has an `[operations]` table (operation id = \"method_name\") and a `[schemas]` table (schema name = \"TypeName\")", e.message().trim_end()),
            );
            err.line = e.span().map(|s| line_of(s.start));
            err
        })?;
        let mut table = NameTable {
            origin: origin.to_string(),
            ..NameTable::default()
        };
        let mut type_names: BTreeMap<String, (String, usize)> = BTreeMap::new();
        for (section, entries) in [("operations", file.operations), ("schemas", file.schemas)] {
            for (key, value) in entries {
                let line = line_of(value.span().start);
                let name = value.into_inner();
                let problem = if section == "operations" {
                    method_name_problem(&name)
                } else {
                    type_name_problem(&name)
                };
                if let Some(problem) = problem {
                    return Err(table.error(
                        line,
                        &format!("{section}.{key}"),
                        format!("`{name}` {problem}"),
                    ));
                }
                if section == "schemas" {
                    if let Some((other, _)) = type_names.insert(name.clone(), (key.clone(), line)) {
                        return Err(table.error(
                            line,
                            &format!("{section}.{key}"),
                            format!("`{name}` is also chosen for schema `{other}`; Rust type names must be unique, pick another"),
                        ));
                    }
                    table.schemas.insert(key, Chosen { name, line });
                } else {
                    table.operations.insert(key, Chosen { name, line });
                }
            }
        }
        Ok(table)
    }

    /// An error at `line` of the file, about the entry `key`.
    pub fn error(&self, line: usize, key: &str, message: String) -> Error {
        let mut err = Error::at(&self.origin, key, message);
        err.line = Some(line);
        err
    }

    /// The entries that name nothing in `api` (an operation or schema that is
    /// gone, or a schema that is not a named type): warnings, not errors, so an
    /// upstream removal does not stop a regeneration.
    pub fn unused(&self, api: &Api) -> Vec<String> {
        let ops: BTreeSet<&str> = api.operations.iter().map(|o| o.id.as_str()).collect();
        let schemas: BTreeSet<&str> = api
            .types
            .iter()
            .filter_map(|t| t.schema.as_deref())
            .collect();
        let mut out = Vec::new();
        for (id, chosen) in &self.operations {
            if !ops.contains(id.as_str()) {
                out.push(format!(
                    "{}:{}: operation `{id}` is not in the document, so `{}` names nothing; delete the entry if the operation is gone for good",
                    self.origin, chosen.line, chosen.name
                ));
            }
        }
        for (schema, chosen) in &self.schemas {
            if !schemas.contains(schema.as_str()) {
                out.push(format!(
                    "{}:{}: schema `{schema}` is not a named type of the document (gone, or only an alias), so `{}` names nothing; delete the entry if it is gone for good",
                    self.origin, chosen.line, chosen.name
                ));
            }
        }
        out
    }
}

/// Why `name` cannot be a method name, if it cannot.
fn method_name_problem(name: &str) -> Option<String> {
    let snake = name.starts_with(|c: char| c.is_ascii_lowercase() || c == '_')
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && name != "_";
    if !snake {
        return Some("is not a snake_case Rust method name; use lowercase ASCII letters, digits and `_`, starting with a letter".to_string());
    }
    if KEYWORDS.contains(&name) {
        return Some(format!(
            "is a Rust keyword; choose another word or `{name}_`"
        ));
    }
    if RESERVED_METHODS.contains(&name) {
        return Some("is a method every group handle already has; choose another name".to_string());
    }
    None
}

/// Why `name` cannot be a Rust type name, if it cannot.
fn type_name_problem(name: &str) -> Option<String> {
    let camel = name.starts_with(|c: char| c.is_ascii_uppercase())
        && name.chars().all(|c| c.is_ascii_alphanumeric());
    if !camel {
        return Some("is not an UpperCamelCase Rust type name; use ASCII letters and digits, starting with a capital".to_string());
    }
    if RESERVED_TYPES.contains(&name) {
        return Some(
            "would shadow a standard type the generated code uses; choose another name".to_string(),
        );
    }
    None
}

// ---------------------------------------------------------------------------
// Previous names

/// Records, on `api`, the public names the previous release (`baseline`) had
/// for the same operation or schema and `api` no longer has, so emission can
/// keep each one as a deprecated forwarder or alias (until the next breaking release).
///
/// `keep_forwarders`: the baseline's own previous names are kept too: when
/// `api` is built from the document the baseline was built from (the release
/// that introduced them is the one being regenerated), or when the release
/// breaks nothing else ([`crate::build_release`]). At the next breaking
/// release they are dropped.
pub fn remember_previous(api: &mut Api, baseline: &Api, keep_forwarders: bool) {
    let old_ops: BTreeMap<&str, &crate::ir::Operation> = baseline
        .operations
        .iter()
        .map(|o| (o.id.as_str(), o))
        .collect();
    // Every name in use now, per group for methods and crate-wide for types.
    let mut methods: BTreeSet<(String, String)> = api
        .operations
        .iter()
        .map(|o| (o.group.clone(), o.method_name.clone()))
        .collect();
    let mut builders: BTreeSet<String> = api
        .operations
        .iter()
        .flat_map(|o| [o.builder_type.clone(), o.group_type.clone()])
        .collect();
    for op in &mut api.operations {
        let Some(old) = old_ops
            .get(op.id.as_str())
            .filter(|old| old.group == op.group)
        else {
            continue;
        };
        let carried = |list: &[String], current: &str| {
            let mut names: Vec<String> = if keep_forwarders {
                list.to_vec()
            } else {
                Vec::new()
            };
            names.push(current.to_string());
            names
        };
        for name in carried(&old.previous_names, &old.method_name) {
            if !RESERVED_METHODS.contains(&name.as_str())
                && methods.insert((op.group.clone(), name.clone()))
            {
                op.previous_names.push(name);
            }
        }
        for name in carried(&old.previous_builders, &old.builder_type) {
            if builders.insert(name.clone()) {
                op.previous_builders.push(name);
            }
        }
    }
    let old_types: BTreeMap<&str, &crate::ir::TypeDef> = baseline
        .types
        .iter()
        .filter_map(|t| Some((t.schema.as_deref()?, t)))
        .collect();
    let mut types: BTreeSet<String> = api.types.iter().map(|t| t.name.clone()).collect();
    for def in &mut api.types {
        let Some(old) = def.schema.as_deref().and_then(|s| old_types.get(s)) else {
            continue;
        };
        let mut names: Vec<String> = if keep_forwarders {
            old.previous_names.clone()
        } else {
            Vec::new()
        };
        names.push(old.name.clone());
        for name in names {
            if types.insert(name.clone()) {
                def.previous_names.push(name);
            }
        }
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

    fn plain(name: &str, method: &str) -> (String, Option<u32>) {
        let p = plain_method_name(name, method);
        (p.name, p.version)
    }

    #[test]
    fn transport_verbs_and_versions_are_dropped() {
        assert_eq!(plain("list_put", "PUT"), ("list".into(), None));
        assert_eq!(plain("cancel_post", "POST"), ("cancel".into(), None));
        assert_eq!(plain("export_v2_put", "PUT"), ("export".into(), Some(2)));
        assert_eq!(plain("slots_v2", "PUT"), ("slots".into(), Some(2)));
        assert_eq!(
            plain("list_personal_v2", "GET"),
            ("list_personal".into(), Some(2))
        );
        // Nothing would be left: the name stays.
        assert_eq!(plain("put", "PUT"), ("put".into(), None));
        assert_eq!(plain("v2", "GET"), ("v2".into(), None));
        // Not a version: a word that only starts with `v`.
        assert_eq!(plain("list_vips", "GET"), ("list_vips".into(), None));
    }

    #[test]
    fn trailing_action_verbs_move_to_the_front() {
        assert_eq!(plain("router_get", "GET").0, "get_router");
        assert_eq!(plain("log_get", "GET").0, "get_log");
        assert_eq!(
            plain("workspace_settings_get", "GET").0,
            "get_workspace_settings"
        );
        assert_eq!(plain("router_delete", "DELETE").0, "delete_router");
        assert_eq!(plain("router_create", "POST").0, "create_router");
        assert_eq!(plain("router_update", "PUT").0, "update_router");
        assert_eq!(plain("router_deactivate", "POST").0, "deactivate_router");
        assert_eq!(plain("router_list", "GET").0, "list_routers");
        assert_eq!(plain("waterfall_list", "GET").0, "list_waterfalls");
        assert_eq!(plain("policy_list", "GET").0, "list_policies");
        assert_eq!(plain("users_list", "GET").0, "list_users");
        // A lone verb is the whole name, not a suffix.
        assert_eq!(plain("get", "GET").0, "get");
        assert_eq!(plain("patch", "PATCH").0, "patch");
    }

    #[test]
    fn nouns_that_look_like_verbs_stay_where_the_http_method_disagrees() {
        assert_eq!(plain("last_update", "GET").0, "last_update");
        assert_eq!(plain("mailing_list", "PUT").0, "mailing_list");
        assert_eq!(plain("get_mailing_list", "GET").0, "get_mailing_list");
        assert_eq!(plain("find_by_ids", "POST").0, "find_by_ids");
        assert_eq!(plain("add_users", "POST").0, "add_users");
    }

    #[test]
    fn plurals() {
        let words = ["router", "policy", "day", "box", "match", "users", "v2"].map(plural);
        assert_eq!(
            words,
            ["routers", "policies", "days", "boxes", "matches", "users", "v2"]
        );
    }

    #[test]
    fn names_file_reads_both_tables_with_lines() {
        let text = "# comment\n[operations]\nuserRead = \"get\"\n\n[schemas]\nHttpQueryResponse_A = \"MeetingQueryResponse\"\n";
        let table = NameTable::parse(text, "spec/names.toml").unwrap();
        assert_eq!(
            table.operations["userRead"],
            Chosen {
                name: "get".into(),
                line: 3
            }
        );
        assert_eq!(
            table.schemas["HttpQueryResponse_A"],
            Chosen {
                name: "MeetingQueryResponse".into(),
                line: 6
            }
        );
        assert!(NameTable::parse("", "x.toml")
            .unwrap()
            .operations
            .is_empty());
    }

    #[test]
    fn names_file_errors_say_where_and_what_to_do() {
        let cases = [
            ("[operations]\nuserRead = \"Get\"\n", "spec/names.toml:2 at operations.userRead: `Get` is not a snake_case"),
            ("[operations]\na = \"get\"\nb = \"type\"\n", "spec/names.toml:3 at operations.b: `type` is a Rust keyword"),
            ("[operations]\na = \"builder\"\n", "spec/names.toml:2 at operations.a: `builder` is a method every group handle already has"),
            ("[schemas]\nA = \"Page\"\nB = \"Page\"\n", "spec/names.toml:3 at schemas.B: `Page` is also chosen for schema `A`"),
            ("[schemas]\nA = \"my_type\"\n", "spec/names.toml:2 at schemas.A: `my_type` is not an UpperCamelCase"),
            ("[schemas]\nA = \"Option\"\n", "would shadow a standard type"),
            ("[operations]\na = 3\n", "spec/names.toml:2: invalid type"),
            ("[operation]\na = \"b\"\n", "spec/names.toml:1: unknown field `operation`"),
            ("[operations\n", "spec/names.toml:1:"),
        ];
        for (text, expected) in cases {
            let err = NameTable::parse(text, "spec/names.toml")
                .unwrap_err()
                .to_string();
            assert!(
                err.contains(expected),
                "{text:?}:\n{err}\nexpected: {expected}"
            );
        }
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
