//! Deep documents: every walk over a document is iterative or bounded, so a
//! document nested 10,000 levels deep (in JSON, in YAML, or through chains of
//! references) gets an error that says where, never a stack overflow.
//!
//! These run on ordinary test threads (2 MiB of stack, debug build), which is
//! what proves the bounds leave room: the generator needs far more stack per
//! level in a debug build than in release.

use chili_gen::sanitize::{MAX_SCHEMA_NESTING, MAX_VALUE_DEPTH};

const HEADER: &str = r#""openapi":"3.0.3","info":{"title":"Deep","version":"1"}"#;

/// A JSON document whose one operation returns `schema`, with `components`.
fn document(schema: &str, components: &str) -> String {
    format!(
        r#"{{{HEADER},"paths":{{"/x":{{"get":{{"operationId":"getX","responses":{{"200":{{"description":"ok","content":{{"application/json":{{"schema":{schema}}}}}}}}}}}}}}},"components":{{"schemas":{{{components}}}}}}}"#
    )
}

/// `inner` wrapped `depth` times in a nesting shape.
fn nest(shape: &str, depth: usize, inner: &str) -> String {
    let (open, close) = match shape {
        "properties" => (r#"{"type":"object","properties":{"a":"#, "}}"),
        "items" => (r#"{"type":"array","items":"#, "}"),
        "allOf" => (
            r#"{"allOf":[{"type":"object","properties":{"b":{"type":"string"}}},"#,
            "]}",
        ),
        "oneOf" => (r#"{"oneOf":[{"type":"string"},"#, "]}"),
        "anyOf" => (r#"{"anyOf":[{"type":"integer"},"#, "]}"),
        "not" => (r#"{"not":"#, "}"),
        "additionalProperties" => (r#"{"type":"object","additionalProperties":"#, "}"),
        "mixed" => (
            r#"{"allOf":[{"type":"object","properties":{"a":{"type":"array","items":"#,
            "}}}]}",
        ),
        _ => unreachable!("unknown shape {shape}"),
    };
    format!("{}{inner}{}", open.repeat(depth), close.repeat(depth))
}

/// How many schemas one application of `shape` nests, and how many more its
/// innermost sibling schemas reach (`allOf`'s object member has a property).
fn levels(shape: &str) -> (usize, usize) {
    match shape {
        "mixed" => (3, 0),
        "allOf" => (1, 1),
        _ => (1, 0),
    }
}

const SHAPES: &[&str] = &[
    "properties",
    "items",
    "allOf",
    "oneOf",
    "anyOf",
    "not",
    "additionalProperties",
    "mixed",
];

#[test]
fn json_nested_ten_thousand_levels_is_a_located_error() {
    for shape in SHAPES {
        let text = document(&nest(shape, 10_000, r#"{"type":"string"}"#), "");
        let err =
            chili_gen::generate(&text, "deep.json", &chili_gen::Options::new("deep")).unwrap_err();
        assert_eq!(err.origin, "deep.json");
        assert_eq!(err.line, Some(1), "{err}");
        assert!(
            err.message.contains("nests more than 128 levels"),
            "{shape}: {err}"
        );
    }
}

#[test]
fn yaml_nested_ten_thousand_levels_is_a_located_error() {
    let flow = format!(
        "openapi: 3.0.3\ninfo: {{title: Deep, version: '1'}}\npaths: {{}}\nx-deep: {}1{}\n",
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    let block = format!(
        "openapi: 3.0.3\ninfo: {{title: Deep, version: '1'}}\npaths: {{}}\nx-deep:\n  {}1\n",
        "- ".repeat(10_000)
    );
    let mappings = format!(
        "openapi: 3.0.3\ninfo: {{title: Deep, version: '1'}}\npaths: {{}}\nx-deep: {}1{}\n",
        "{a: ".repeat(10_000),
        "}".repeat(10_000)
    );
    for (name, text) in [("flow", flow), ("block", block), ("mappings", mappings)] {
        let err =
            chili_gen::generate(&text, "deep.yaml", &chili_gen::Options::new("deep")).unwrap_err();
        assert_eq!(err.origin, "deep.yaml", "{name}");
        assert!(matches!(err.line, Some(4 | 5)), "{name}: {err}");
        assert!(
            err.message.contains("nests more than 128 levels"),
            "{name}: {err}"
        );
    }
}

#[test]
fn schemas_nested_to_the_limit_generate_and_one_more_level_is_a_located_error() {
    // The innermost schema carries an example as deep as is kept.
    let example = format!(
        "{}1{}",
        "[".repeat(MAX_VALUE_DEPTH - 1),
        "]".repeat(MAX_VALUE_DEPTH - 1)
    );
    let innermost = format!(r#"{{"type":"string","example":{example}}}"#);
    for shape in SHAPES {
        // The response schema itself is level 1.
        let (per, extra) = levels(shape);
        let depth = (MAX_SCHEMA_NESTING - 1 - extra) / per;
        let text = document(&nest(shape, depth, &innermost), "");
        let krate = chili_gen::generate(&text, "deep.json", &chili_gen::Options::new("deep"))
            .unwrap_or_else(|e| panic!("{shape}: {e}"));
        assert!(krate.files.contains_key("src/types.rs"));

        let too_deep = document(&nest(shape, MAX_SCHEMA_NESTING / per + 1, &innermost), "");
        let err = chili_gen::build_api(&too_deep, "deep.json").unwrap_err();
        let pointer = err
            .pointer
            .as_deref()
            .unwrap_or_else(|| panic!("{shape}: no pointer in {err}"));
        assert!(
            pointer.starts_with("/paths/~1x/get/responses/200/content/application~1json/schema/"),
            "{shape}: {err}"
        );
        assert!(
            err.message
                .contains(&format!("more than {MAX_SCHEMA_NESTING} levels")),
            "{shape}: {err}"
        );
    }
}

#[test]
fn an_example_nested_deeper_than_kept_is_dropped_with_a_warning() {
    let example = format!("{}1{}", "[".repeat(100), "]".repeat(100));
    let text = document(
        &format!(
            r#"{{"type":"object","properties":{{"a":{{"type":"string"}}}},"example":{example}}}"#
        ),
        "",
    );
    let built = chili_gen::build(
        &text,
        "deep.json",
        &chili_gen::FileFetch,
        &chili_gen::Naming::default(),
    )
    .unwrap();
    let pointer = "/paths/~1x/get/responses/200/content/application~1json/schema/example";
    assert!(
        built.warnings.iter().any(|w| w.pointer == pointer),
        "{:?}",
        built.warnings
    );
}

/// `count` components named C0, C1, ..., each `link(next)`, the last a string.
fn chain(count: usize, link: impl Fn(&str) -> String) -> String {
    let mut parts: Vec<String> = (0..count)
        .map(|i| {
            format!(
                r#""C{i}":{}"#,
                link(&format!(
                    r##"{{"$ref":"#/components/schemas/C{}"}}"##,
                    i + 1
                ))
            )
        })
        .collect();
    parts.push(format!(r#""C{count}":{{"type":"string"}}"#));
    parts.join(",")
}

#[test]
fn ten_thousand_chained_object_types_generate() {
    // Named types are queued, not converted recursively: any chain length works.
    let components = chain(10_000, |next| {
        format!(r#"{{"type":"object","properties":{{"next":{next}}}}}"#)
    });
    let text = document(r##"{"$ref":"#/components/schemas/C0"}"##, &components);
    let api = chili_gen::build_api(&text, "chain.json").unwrap();
    assert_eq!(api.types.len(), 10_000);
}

#[test]
fn ten_thousand_chained_aliases_are_a_located_error() {
    for (name, link) in [
        (
            "aliases",
            (|next: &str| next.to_string()) as fn(&str) -> String,
        ),
        ("arrays", |next: &str| {
            format!(r#"{{"type":"array","items":{next}}}"#)
        }),
        ("maps", |next: &str| {
            format!(r#"{{"type":"object","additionalProperties":{next}}}"#)
        }),
        ("allOf", |next: &str| {
            format!(
                r#"{{"allOf":[{next},{{"type":"object","properties":{{"x":{{"type":"string"}}}}}}]}}"#
            )
        }),
        ("oneOf", |next: &str| {
            format!(r#"{{"oneOf":[{next},{{"type":"integer"}}]}}"#)
        }),
    ] {
        let components = chain(10_000, link);
        let text = document(r##"{"$ref":"#/components/schemas/C0"}"##, &components);
        match chili_gen::build_api(&text, "chain.json") {
            // Structs merge allOf members and unions name their variants: those chains queue like objects.
            Ok(api) => assert!(
                matches!(name, "allOf" | "oneOf"),
                "{name}: {} types",
                api.types.len()
            ),
            Err(err) => {
                let pointer = err
                    .pointer
                    .as_deref()
                    .unwrap_or_else(|| panic!("{name}: no pointer in {err}"));
                assert!(
                    pointer.starts_with("/components/schemas/C"),
                    "{name}: {err}"
                );
                assert!(err.message.contains("levels deep"), "{name}: {err}");
            }
        }
    }
}

#[test]
fn the_deepest_list_type_the_bounds_allow_is_emitted() {
    // Inline arrays to the schema limit, ending in the longest chain of array
    // aliases the conversion accepts: the deepest `Vec<Vec<...>>` any document
    // can produce, through syn and prettyplease on emission threads.
    let inline = nest(
        "items",
        MAX_SCHEMA_NESTING - 1,
        r##"{"$ref":"#/components/schemas/C0"}"##,
    );
    let longest = (1..200)
        .map(|n| {
            (
                n,
                document(
                    &inline,
                    &chain(n, |next| format!(r#"{{"type":"array","items":{next}}}"#)),
                ),
            )
        })
        .take_while(|(_, text)| chili_gen::build_api(text, "lists.json").is_ok())
        .last()
        .expect("a short chain builds");
    assert!(
        longest.0 >= 30,
        "only {} aliases of arrays are accepted",
        longest.0
    );
    let krate =
        chili_gen::generate(&longest.1, "lists.json", &chili_gen::Options::new("lists")).unwrap();
    // 19 inline arrays, then one per alias.
    let deepest = "Vec<".repeat(MAX_SCHEMA_NESTING - 1 + longest.0);
    assert!(
        krate.files.values().any(|f| f.contains(&deepest)),
        "no {deepest}"
    );
}
