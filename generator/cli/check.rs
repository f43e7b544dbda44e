//! Enum values in a `--body`: the client's enums are open (an unknown value
//! decodes into `Unknown` so responses survive upstream additions), so a
//! typo would be sent as is. The generator emits the shapes of the request
//! types (`commands/schema.rs`); this walks a body along them and names the
//! first value the document does not list.

use serde_json::Value;

/// A type reference, as far as enum checking needs it.
#[derive(Debug)]
pub enum Ty {
    /// Scalars and open values: nothing to check.
    Any,
    /// A named type of [`Shape`] in the table.
    Named(&'static str),
    List(&'static Ty),
    Map(&'static Ty),
}

/// A named request type.
#[derive(Debug)]
pub enum Shape {
    /// Fields by wire name.
    Struct(&'static [(&'static str, Ty)]),
    /// The wire values.
    Enum(&'static [&'static str]),
    /// A union tagged by this property: variant payload by tag value.
    Tagged(&'static str, &'static [(&'static str, Ty)]),
    /// An untagged union or a constrained scalar: not checked.
    Other,
}

/// The named types of a crate, sorted by name.
pub type Types = &'static [(&'static str, Shape)];

/// The first enum value in `value` that the document does not list, as
/// `(path, message)`.
pub fn unknown_enum_value(types: Types, ty: &Ty, value: &Value) -> Option<(String, String)> {
    let mut path = String::new();
    walk(types, ty, value, &mut path)
}

fn walk(types: Types, ty: &Ty, value: &Value, path: &mut String) -> Option<(String, String)> {
    match (ty, value) {
        (Ty::Any, _) => None,
        (Ty::List(item), Value::Array(items)) => items
            .iter()
            .enumerate()
            .find_map(|(i, v)| nested(path, &format!("[{i}]"), |p| walk(types, item, v, p))),
        (Ty::Map(item), Value::Object(map)) => map
            .iter()
            .find_map(|(k, v)| nested(path, &field(path, k), |p| walk(types, item, v, p))),
        (Ty::Named(name), _) => {
            let shape = types
                .binary_search_by_key(name, |(n, _)| n)
                .ok()
                .map(|i| &types[i].1)?;
            match (shape, value) {
                (Shape::Enum(values), Value::String(s)) if !values.contains(&s.as_str()) => Some((
                    path.clone(),
                    format!(
                        "unknown value {s:?}; expected one of: {}",
                        values.join(", ")
                    ),
                )),
                (Shape::Struct(fields), Value::Object(map)) => {
                    fields.iter().find_map(|(wire, ty)| {
                        map.get(*wire).and_then(|v| {
                            nested(path, &field(path, wire), |p| walk(types, ty, v, p))
                        })
                    })
                }
                (Shape::Tagged(tag, variants), Value::Object(map)) => {
                    let given = map.get(*tag)?.as_str()?;
                    match variants.iter().find(|(t, _)| *t == given) {
                        Some((_, ty)) => walk(types, ty, value, path),
                        None => {
                            let tags: Vec<&str> = variants.iter().map(|(t, _)| *t).collect();
                            Some((
                                format!("{path}{}", field(path, tag)),
                                format!(
                                    "unknown value {given:?}; expected one of: {}",
                                    tags.join(", ")
                                ),
                            ))
                        }
                    }
                }
                _ => None,
            }
        }
        _ => None,
    }
}

/// `a.b` after `a`, or `b` at the top.
fn field(path: &str, name: &str) -> String {
    if path.is_empty() {
        name.to_owned()
    } else {
        format!(".{name}")
    }
}

/// Runs `f` with `suffix` appended to the path, restoring it afterwards.
fn nested<T>(
    path: &mut String,
    suffix: &str,
    f: impl FnOnce(&mut String) -> Option<T>,
) -> Option<T> {
    let len = path.len();
    path.push_str(suffix);
    let found = f(path);
    path.truncate(len);
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    static TYPES: Types = &[
        (
            "Filter",
            Shape::Struct(&[
                ("status", Ty::List(&Ty::Named("Status"))),
                ("name", Ty::Any),
            ]),
        ),
        ("Status", Shape::Enum(&["Active", "Canceled"])),
    ];

    #[test]
    fn names_the_first_unknown_value_with_its_path() {
        let ty = Ty::Named("Filter");
        assert_eq!(
            unknown_enum_value(
                TYPES,
                &ty,
                &json!({"status": ["Active", "Canceled"], "name": "x"})
            ),
            None
        );
        let (path, message) =
            unknown_enum_value(TYPES, &ty, &json!({"status": ["Active", "Bogus"]})).unwrap();
        assert_eq!(path, "status[1]");
        assert!(
            message.contains("\"Bogus\"") && message.contains("Active, Canceled"),
            "{message}"
        );
    }
}
