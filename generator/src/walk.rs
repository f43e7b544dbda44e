//! The shape of an OpenAPI document as the generator reads it: which objects
//! are path items, operations, parameters, schemas, ... and where they nest.
//!
//! One iterative walk, shared by the passes that run on the JSON tree before
//! `openapiv3` sees it (bundling references, checking value types and
//! nesting). Iterative so that no document, however deep, can overflow the
//! stack here; only the parts the generator reads are visited, so a `$ref`
//! inside an example value is never mistaken for a reference.

use serde_json::Value;

use crate::error::escape_pointer;

/// What an object in the document is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Document,
    Components,
    PathItem,
    Operation,
    Parameter,
    Header,
    RequestBody,
    Response,
    MediaType,
    Schema,
    Example,
}

impl Kind {
    /// The `components` section holding objects of this kind, for the kinds
    /// a `$ref` may stand for.
    pub fn section(self) -> Option<&'static str> {
        Some(match self {
            Kind::Schema => "schemas",
            Kind::Parameter => "parameters",
            Kind::Header => "headers",
            Kind::RequestBody => "requestBodies",
            Kind::Response => "responses",
            Kind::Example => "examples",
            Kind::PathItem => "pathItems",
            _ => return None,
        })
    }

    /// A word for messages: "a schema", "a parameter", ...
    pub fn noun(self) -> &'static str {
        match self {
            Kind::Document => "the document",
            Kind::Components => "components",
            Kind::PathItem => "a path item",
            Kind::Operation => "an operation",
            Kind::Parameter => "a parameter",
            Kind::Header => "a header",
            Kind::RequestBody => "a request body",
            Kind::Response => "a response",
            Kind::MediaType => "a media type",
            Kind::Schema => "a schema",
            Kind::Example => "an example",
        }
    }
}

/// How a child is reached from its parent.
#[derive(Clone, Copy)]
enum Edge {
    /// `key: <child>`
    One(&'static str, Kind),
    /// `key: {name: <child>, ...}`
    Map(&'static str, Kind),
    /// `key: [<child>, ...]`
    List(&'static str, Kind),
    /// `key: <child>` or `key: [<child>, ...]` (`items` in old drafts)
    OneOrList(&'static str, Kind),
}

/// HTTP methods of a path item.
pub const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

fn edges(kind: Kind) -> &'static [Edge] {
    use Edge::*;
    use Kind::*;
    match kind {
        Document => &[Map("paths", PathItem), One("components", Components)],
        Components => &[
            Map("schemas", Schema),
            Map("parameters", Parameter),
            Map("headers", Header),
            Map("requestBodies", RequestBody),
            Map("responses", Response),
            Map("pathItems", PathItem),
            Map("examples", Example),
        ],
        PathItem => &[
            List("parameters", Parameter),
            One("get", Operation),
            One("put", Operation),
            One("post", Operation),
            One("delete", Operation),
            One("options", Operation),
            One("head", Operation),
            One("patch", Operation),
            One("trace", Operation),
        ],
        Operation => &[
            List("parameters", Parameter),
            One("requestBody", RequestBody),
            Map("responses", Response),
        ],
        Parameter | Header => &[
            One("schema", Schema),
            Map("content", MediaType),
            Map("examples", Example),
        ],
        RequestBody => &[Map("content", MediaType)],
        Response => &[Map("content", MediaType), Map("headers", Header)],
        MediaType => &[One("schema", Schema), Map("examples", Example)],
        Schema => &[
            Map("properties", Schema),
            OneOrList("items", Schema),
            One("additionalProperties", Schema),
            List("allOf", Schema),
            List("oneOf", Schema),
            List("anyOf", Schema),
            One("not", Schema),
            List("prefixItems", Schema),
        ],
        Example => &[],
    }
}

/// An object found by [`walk`].
pub struct Node<'t> {
    /// JSON pointer from the root of the tree walked.
    pub pointer: String,
    pub kind: Kind,
    pub object: &'t serde_json::Map<String, Value>,
    /// How many schemas enclose this one, itself included (0 for non-schemas).
    pub nesting: usize,
}

/// Visits, in document order, every object of a known kind at or under
/// `start` (a JSON pointer into `tree`, holding an object of kind `kind`).
/// `visit` returns whether to go into the node's children.
pub fn walk<'t>(
    tree: &'t Value,
    start: &str,
    kind: Kind,
    mut visit: impl FnMut(&Node<'t>) -> bool,
) {
    let Some(Value::Object(object)) = tree.pointer(start) else {
        return;
    };
    let first_nesting = usize::from(kind == Kind::Schema);
    let mut stack = vec![Node {
        pointer: start.to_string(),
        kind,
        object,
        nesting: first_nesting,
    }];
    while let Some(node) = stack.pop() {
        if !visit(&node) {
            continue;
        }
        let mut children = Vec::new();
        for edge in edges(node.kind) {
            let (key, child_kind) = match *edge {
                Edge::One(k, c) | Edge::Map(k, c) | Edge::List(k, c) | Edge::OneOrList(k, c) => {
                    (k, c)
                }
            };
            let Some(value) = node.object.get(key) else {
                continue;
            };
            let base = format!("{}/{}", node.pointer, escape_pointer(key));
            match (*edge, value) {
                (Edge::One(..) | Edge::OneOrList(..), Value::Object(o)) => {
                    children.push((base, child_kind, o))
                }
                (Edge::Map(..), Value::Object(map)) => {
                    for (name, v) in map {
                        if let Value::Object(o) = v {
                            children.push((
                                format!("{base}/{}", escape_pointer(name)),
                                child_kind,
                                o,
                            ));
                        }
                    }
                }
                (Edge::List(..) | Edge::OneOrList(..), Value::Array(items)) => {
                    for (i, v) in items.iter().enumerate() {
                        if let Value::Object(o) = v {
                            children.push((format!("{base}/{i}"), child_kind, o));
                        }
                    }
                }
                _ => {}
            }
        }
        // Reversed onto the stack, so children come out in document order.
        for (pointer, child_kind, object) in children.into_iter().rev() {
            let nesting = match (node.kind, child_kind) {
                (Kind::Schema, Kind::Schema) => node.nesting + 1,
                (_, Kind::Schema) => 1,
                _ => 0,
            };
            stack.push(Node {
                pointer,
                kind: child_kind,
                object,
                nesting,
            });
        }
    }
}

/// The kind of the object at `segments` (unescaped pointer segments) below an
/// object of kind `from`, if the path follows the document's structure.
/// `definitions` and `$defs` of a schema count as schemas, since references
/// into them are common.
pub fn kind_at(from: Kind, segments: &[String]) -> Option<Kind> {
    let mut kind = from;
    let mut rest = segments;
    while let Some((first, tail)) = rest.split_first() {
        if kind == Kind::Schema && (first == "definitions" || first == "$defs") {
            let (_, tail) = tail.split_first()?;
            rest = tail;
            continue;
        }
        let edge = edges(kind).iter().find(|e| match **e {
            Edge::One(k, _) | Edge::Map(k, _) | Edge::List(k, _) | Edge::OneOrList(k, _) => {
                k == first
            }
        })?;
        match *edge {
            Edge::One(_, c) => {
                kind = c;
                rest = tail;
            }
            Edge::Map(_, c) => {
                let (_, tail) = tail.split_first()?;
                kind = c;
                rest = tail;
            }
            Edge::List(_, c) => {
                let (index, tail) = tail.split_first()?;
                index.parse::<usize>().ok()?;
                kind = c;
                rest = tail;
            }
            Edge::OneOrList(_, c) => {
                kind = c;
                rest = match tail.split_first() {
                    Some((index, t)) if index.parse::<usize>().is_ok() => t,
                    _ => tail,
                };
            }
        }
    }
    Some(kind)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn segs(p: &str) -> Vec<String> {
        crate::error::pointer_segments(p)
    }

    #[test]
    fn kinds_follow_the_structure() {
        assert_eq!(
            kind_at(Kind::Document, &segs("/components/schemas/A/properties/b")),
            Some(Kind::Schema)
        );
        assert_eq!(
            kind_at(
                Kind::Document,
                &segs("/components/schemas/A/definitions/line")
            ),
            Some(Kind::Schema)
        );
        assert_eq!(
            kind_at(Kind::Document, &segs("/paths/~1pets/get/parameters/0")),
            Some(Kind::Parameter)
        );
        assert_eq!(
            kind_at(
                Kind::Document,
                &segs("/paths/~1pets/get/parameters/0/schema")
            ),
            Some(Kind::Schema)
        );
        assert_eq!(
            kind_at(
                Kind::Document,
                &segs("/paths/~1pets/get/responses/200/content/application~1json/schema")
            ),
            Some(Kind::Schema)
        );
        assert_eq!(kind_at(Kind::Document, &segs("/info/title")), None);
    }

    #[test]
    fn walk_visits_known_objects_in_order_with_nesting() {
        let doc = json!({
            "paths": {"/a": {"get": {"responses": {"200": {"content": {"application/json": {"schema": {
                "type": "object", "properties": {"x": {"type": "array", "items": {"type": "string"}}},
                "example": {"$ref": "not a reference"}
            }}}}}}}},
            "components": {"schemas": {"B": {"allOf": [{"type": "object"}]}}}
        });
        let mut seen = Vec::new();
        walk(&doc, "", Kind::Document, |n| {
            if n.kind == Kind::Schema {
                seen.push((n.pointer.clone(), n.nesting));
            }
            true
        });
        let base = "/paths/~1a/get/responses/200/content/application~1json/schema";
        assert_eq!(
            seen,
            vec![
                (base.to_string(), 1),
                (format!("{base}/properties/x"), 2),
                (format!("{base}/properties/x/items"), 3),
                ("/components/schemas/B".to_string(), 1),
                ("/components/schemas/B/allOf/0".to_string(), 2),
            ]
        );
    }
}
