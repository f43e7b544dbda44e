//! Mutation test: real documents (the corpus in `../shared/corpus` and the
//! Edge API mirror), damaged at random, must each give a crate or an error
//! that says where, never a panic, an abort or a hang.
//!
//! Each case parses a real document, applies one to three mutations (drop a
//! key, swap a value's JSON type, break or redirect a `$ref`, nest a value
//! thousands of levels deep, chain hundreds of references, duplicate names),
//! and runs the generator in process up to the emitted text (emission for a
//! share of the cases: it is the slow part). Cases run on every core, each on
//! a thread with the default 2 MiB stack, so a stack overflow aborts the test.
//!
//! The run is deterministic: case `i` depends only on the seed and `i`.
//! `MUTATION_SEED` and `MUTATION_CASES` explore further:
//!
//! ```sh
//! MUTATION_SEED=7 MUTATION_CASES=20000 cargo test --release -p chili-gen --test mutations
//! ```
//!
//! A failing case is reported with its seed, index, mutations and the path of
//! the mutated document, written to the temp directory. If the process
//! aborts instead, `MUTATION_TRACE=1 ... -- --nocapture` prints each case
//! before it runs.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde_json::{json, Value};

const DEFAULT_SEED: u64 = 0x5eed_0015;
const DEFAULT_CASES: usize = 3000;
/// One successful case in this many is emitted as well.
const EMIT_EVERY: usize = 4;
/// Marker replaced by deep nesting in the serialized text.
const NEST_MARKER: &str = "\"@@chili-nest@@\"";

/// SplitMix64: small, good enough, and the same everywhere.
struct Rng(u64);

impl Rng {
    fn new(seed: u64, case: u64) -> Rng {
        let mut r = Rng(seed ^ case.wrapping_mul(0x9e37_79b9_7f4a_7c15));
        r.next();
        r
    }
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> Option<&'a T> {
        if items.is_empty() {
            None
        } else {
            Some(&items[self.below(items.len())])
        }
    }
}

struct Source {
    path: PathBuf,
    tree: Value,
    /// Only a few cases use it: it takes a second in a debug build.
    large: bool,
}

fn shared() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared")
}

fn sources() -> Vec<Source> {
    let mut paths = Vec::new();
    for dir in [
        "corpus/oas-examples-3.0",
        "corpus/oas-examples-3.1",
        "corpus/dropshot",
    ] {
        let dir = shared().join(dir);
        for entry in std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e} (is ../shared beside the repo?)", dir.display()))
        {
            paths.push(entry.unwrap().path());
        }
    }
    for entry in std::fs::read_dir(shared().join("spec/subsets")).unwrap() {
        paths.push(entry.unwrap().path().join("1.494.0.yaml"));
    }
    paths.retain(|p| {
        p.is_file()
            && matches!(
                p.extension().and_then(|e| e.to_str()),
                Some("yaml" | "json")
            )
    });
    paths.sort();
    let mut out: Vec<Source> = paths
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path).unwrap();
            Source {
                tree: yaml_serde::from_str(&text).unwrap(),
                path,
                large: false,
            }
        })
        .collect();
    let edge = shared().join("spec/edge-api.yaml");
    let text = std::fs::read_to_string(&edge).unwrap();
    out.push(Source {
        tree: yaml_serde::from_str(&text).unwrap(),
        path: edge,
        large: true,
    });
    assert!(
        out.len() > 30,
        "expected the corpus and the Edge API subsets"
    );
    out
}

/// Every pointer in the tree, in document order (iteratively), and whether
/// it holds a non-empty object.
fn pointers(tree: &Value) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    let mut stack = vec![(String::new(), tree)];
    while let Some((p, v)) = stack.pop() {
        match v {
            Value::Object(m) => {
                for (k, c) in m.iter().rev() {
                    stack.push((
                        format!("{p}/{}", k.replace('~', "~0").replace('/', "~1")),
                        c,
                    ));
                }
            }
            Value::Array(a) => {
                for (i, c) in a.iter().enumerate().rev() {
                    stack.push((format!("{p}/{i}"), c));
                }
            }
            _ => {}
        }
        out.push((p, v.as_object().is_some_and(|o| !o.is_empty())));
    }
    out
}

fn set(tree: &mut Value, pointer: &str, value: Value) {
    if pointer.is_empty() {
        *tree = value;
    } else if let Some(slot) = tree.pointer_mut(pointer) {
        *slot = value;
    }
}

/// A value of some JSON type other than `old`'s.
fn other_type(rng: &mut Rng, old: &Value) -> Value {
    let candidates = [
        Value::Null,
        json!(true),
        json!(0),
        json!(-1),
        json!(1.5),
        json!(1e300),
        json!(u64::MAX),
        json!(i64::MIN),
        json!(""),
        json!("x"),
        json!("true"),
        json!("#/components/schemas"),
        json!([]),
        json!([1, "a", null]),
        json!({}),
        json!({"a": 1}),
        json!({"$ref": "#/components/schemas"}),
    ];
    loop {
        let v = rng.pick(&candidates).unwrap().clone();
        if std::mem::discriminant(&v) != std::mem::discriminant(old) || rng.below(4) == 0 {
            return v;
        }
    }
}

/// Applies one random mutation; returns what it did, or `None` if it found nothing to do.
fn mutate(
    rng: &mut Rng,
    tree: &mut Value,
    nest: &mut Option<(String, usize, usize)>,
) -> Option<String> {
    let listed = pointers(tree);
    let objects: Vec<&String> = listed.iter().filter(|(_, o)| *o).map(|(p, _)| p).collect();
    let all: Vec<String> = listed.iter().map(|(p, _)| p.clone()).collect();
    let refs: Vec<&String> = all.iter().filter(|p| p.ends_with("/$ref")).collect();
    match rng.below(10) {
        // Drop a key.
        0 => {
            let p = (*rng.pick(&objects)?).clone();
            let obj = tree.pointer_mut(&p)?.as_object_mut()?;
            let key = obj.keys().nth(rng.below(obj.len()))?.clone();
            obj.shift_remove(&key);
            Some(format!("drop {p}/{key}"))
        }
        // Swap a value's JSON type.
        1 | 2 => {
            let p = rng.pick(&all[1..])?.clone();
            let old = tree.pointer(&p)?.clone();
            let new = other_type(rng, &old);
            let shown = new.to_string();
            set(tree, &p, new);
            Some(format!("swap {p} = {shown}"))
        }
        // Break a reference.
        3 => {
            let p = (*rng.pick(&refs)?).clone();
            let bad = [
                "#/components/schemas/Nope",
                "#/components/schemas/",
                "#",
                "",
                "#anchor",
                "other.yaml#/components/schemas/X",
                "missing.json",
                "https://example.invalid/x.yaml#/a",
                "#/paths",
                "#/components/schemas/~2",
                "%%%#/x%zz",
                "../../../../no/such/dir/x.yaml#/x",
                "petstore.yaml#/components/schemas/Pet",
                "#/components/parameters/x",
            ];
            let r = *rng.pick(&bad)?;
            set(tree, &p, json!(r));
            Some(format!("break {p} = {r:?}"))
        }
        // Redirect a reference anywhere in the document, itself included.
        4 => {
            let p = (*rng.pick(&refs)?).clone();
            let target = rng.pick(&all)?.clone();
            set(tree, &p, json!(format!("#{target}")));
            Some(format!("redirect {p} -> #{target}"))
        }
        // Replace an object by a reference to any place.
        5 => {
            let p = (*rng.pick(&objects[1.min(objects.len())..])?).clone();
            let target = rng.pick(&all)?.clone();
            set(tree, &p, json!({"$ref": format!("#{target}")}));
            Some(format!("ref {p} -> #{target}"))
        }
        // Nest a value deeply (done in the text, see `render`).
        6 => {
            if nest.is_some() {
                return None;
            }
            let p = rng.pick(&all[1..])?.clone();
            let depth = *rng.pick(&[21, 64, 130, 2_000, 10_000])?;
            let shape = rng.below(SHAPES.len());
            *nest = Some((p.clone(), depth, shape));
            Some(format!("nest {p} {depth} deep as {}", SHAPES[shape].0))
        }
        // Duplicate a name, differing only in case or punctuation.
        7 => {
            let p = (*rng.pick(&objects)?).clone();
            let obj = tree.pointer_mut(&p)?.as_object_mut()?;
            let key = obj.keys().nth(rng.below(obj.len()))?.clone();
            let twin = match rng.below(5) {
                0 => key.to_uppercase(),
                1 => key.to_lowercase(),
                2 => key.replace('-', "_").replace('_', "-") + "_",
                3 => format!("{key} "),
                _ => format!(
                    "{}{}",
                    key.chars().next()?.to_uppercase(),
                    key.chars().skip(1).collect::<String>()
                ),
            };
            let value = obj.get(&key)?.clone();
            obj.insert(twin.clone(), value);
            Some(format!("duplicate {p}/{key} as {twin:?}"))
        }
        // Same operationId twice.
        8 => {
            let ids: Vec<&String> = all.iter().filter(|p| p.ends_with("/operationId")).collect();
            let (a, b) = ((*rng.pick(&ids)?).clone(), (*rng.pick(&ids)?).clone());
            let id = tree.pointer(&a)?.clone();
            set(tree, &b, id);
            Some(format!("operationId {b} = {a}"))
        }
        // A long chain of components, from an operation's response.
        _ => {
            let len = *rng.pick(&[50, 200, 1_000])?;
            let shape = rng.below(3);
            let schemas = tree
                .as_object_mut()?
                .entry("components")
                .or_insert_with(|| json!({}));
            let schemas = schemas
                .as_object_mut()?
                .entry("schemas")
                .or_insert_with(|| json!({}))
                .as_object_mut()?;
            for i in 0..len {
                let next = json!({"$ref": format!("#/components/schemas/Chain{}", i + 1)});
                let schema = match shape {
                    0 => next,
                    1 => json!({"type": "array", "items": next}),
                    _ => json!({"type": "object", "properties": {"next": next}}),
                };
                schemas.insert(format!("Chain{i}"), schema);
            }
            schemas.insert(format!("Chain{len}"), json!({"type": "string"}));
            let responses: Vec<&String> = all
                .iter()
                .filter(|p| p.ends_with("/content/application~1json/schema"))
                .collect();
            let p = (*rng.pick(&responses)?).clone();
            set(tree, &p, json!({"$ref": "#/components/schemas/Chain0"}));
            Some(format!(
                "chain of {len} ({}) at {p}",
                ["aliases", "arrays", "objects"][shape]
            ))
        }
    }
}

/// Nesting shapes: (name, text before the value, text after it).
const SHAPES: &[(&str, &str, &str)] = &[
    ("properties", r#"{"type":"object","properties":{"a":"#, "}}"),
    ("items", r#"{"type":"array","items":"#, "}"),
    ("allOf", r#"{"allOf":["#, "]}"),
    ("oneOf", r#"{"oneOf":[{"type":"string"},"#, "]}"),
    ("not", r#"{"not":"#, "}"),
    ("list", "[", "]"),
    ("object", r#"{"a":"#, "}"),
];

/// The mutated document as text: JSON, YAML (flow style, through a leading
/// comment), or YAML block style when it is not deeply nested.
fn render(rng: &mut Rng, tree: &mut Value, nest: &Option<(String, usize, usize)>) -> String {
    let mut inner = String::new();
    if let Some((p, _, _)) = nest {
        if let Some(slot) = tree.pointer_mut(p) {
            inner = slot.to_string();
            *slot = Value::String(NEST_MARKER.trim_matches('"').to_string());
        }
    }
    let style = rng.below(3);
    let mut text = if style == 2 && nest.is_none() {
        yaml_serde::to_string(tree).unwrap()
    } else {
        serde_json::to_string(tree).unwrap()
    };
    if let Some((_, depth, shape)) = nest {
        let (_, open, close) = SHAPES[*shape];
        let deep = format!("{}{inner}{}", open.repeat(*depth), close.repeat(*depth));
        text = text.replacen(NEST_MARKER, &deep, 1);
    }
    if style == 1 {
        text = format!("# YAML parser\n{text}");
    }
    text
}

/// Damages the text itself, one case in eight: what no tree can hold.
fn damage_text(rng: &mut Rng, text: &mut String) -> Option<String> {
    if rng.below(8) != 0 {
        return None;
    }
    let at = |rng: &mut Rng, text: &str| {
        let mut i = rng.below(text.len() + 1);
        while !text.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    Some(match rng.below(6) {
        0 => {
            text.insert(0, '\u{feff}');
            "byte order mark".to_string()
        }
        1 => {
            text.push_str("\n---\nopenapi: 3.0.3\n");
            "second document".to_string()
        }
        2 => {
            text.push_str("\nx-a: &a [lol, lol, lol, lol, lol, lol, lol, lol]\n");
            for (prev, next) in ["a", "b", "c", "d", "e", "f", "g"]
                .iter()
                .zip(["b", "c", "d", "e", "f", "g", "h"])
            {
                text.push_str(&format!(
                    "x-{next}: &{next} [{}]\n",
                    vec![format!("*{prev}"); 8].join(", ")
                ));
            }
            "alias bomb".to_string()
        }
        3 => {
            let i = at(rng, text);
            text.truncate(i);
            format!("cut at byte {i}")
        }
        4 => {
            let i = at(rng, text);
            let c = *rng
                .pick(&[
                    '\t', '"', '\'', '{', ']', '&', '*', '!', '%', '\0', '\u{7f}', '\u{2028}',
                ])
                .unwrap();
            text.insert(i, c);
            format!("{c:?} at byte {i}")
        }
        _ => {
            let i = at(rng, text);
            text.insert_str(i, "\n  x: &anchor\n    - *anchor\n");
            format!("recursive alias at byte {i}")
        }
    })
}

struct Outcome {
    generated: bool,
    emitted: bool,
}

/// Runs one case; `Err` describes a failure.
fn run_case(seed: u64, case: usize, sources: &[Source], trace: bool) -> Result<Outcome, String> {
    let mut rng = Rng::new(seed, case as u64);
    let small: Vec<&Source> = sources.iter().filter(|s| !s.large).collect();
    // One case in 300 mutates the whole Edge API, one in 8 a subset of it (80 KiB),
    // the rest the smaller corpus documents.
    let (subsets, corpus): (Vec<&Source>, Vec<&Source>) = small
        .iter()
        .partition(|s| s.path.starts_with(shared().join("spec")));
    let source = if case % 300 == 7 {
        sources.iter().find(|s| s.large).unwrap()
    } else if case % 8 == 3 {
        subsets[rng.below(subsets.len())]
    } else {
        corpus[rng.below(corpus.len())]
    };
    let mut tree = source.tree.clone();
    let mut nest = None;
    let mut done = Vec::new();
    let wanted = 1 + rng.below(3);
    for _ in 0..wanted * 4 {
        if done.len() == wanted {
            break;
        }
        if let Some(what) = mutate(&mut rng, &mut tree, &mut nest) {
            done.push(what);
        }
    }
    let mut text = render(&mut rng, &mut tree, &nest);
    done.extend(damage_text(&mut rng, &mut text));
    drop(tree);
    let origin = source.path.display().to_string();
    let describe = || {
        format!(
            "seed {seed:#x} case {case} on {}: {}",
            source.path.file_name().unwrap().to_string_lossy(),
            done.join("; ")
        )
    };
    if trace {
        eprintln!("{}", describe());
    }
    let emit = case.is_multiple_of(EMIT_EVERY) && !source.large;
    let result = catch_unwind(AssertUnwindSafe(|| {
        let built = chili_gen::build(
            &text,
            &origin,
            &chili_gen::FileFetch,
            &chili_gen::Naming::default(),
        )?;
        let emitted = if emit && built.api.types.len() < 400 {
            let krate =
                chili_gen::emit::emit_crate(&built.api, &chili_gen::Options::new("mutant"))?;
            assert!(
                krate.files.contains_key("src/lib.rs"),
                "emitted crate without src/lib.rs"
            );
            true
        } else {
            false
        };
        Ok::<bool, chili_gen::Error>(emitted)
    }));
    let failure = match result {
        Ok(Ok(emitted)) => {
            return Ok(Outcome {
                generated: true,
                emitted,
            })
        }
        Ok(Err(e))
            if (e.pointer.is_some() || e.line.is_some())
                && !e.origin.is_empty()
                && !e.message.is_empty() =>
        {
            return Ok(Outcome {
                generated: false,
                emitted: false,
            });
        }
        Ok(Err(e)) => format!("error without a location: {e}"),
        Err(panic) => {
            let message = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_else(|| "(no message)".to_string());
            format!("panic: {message}")
        }
    };
    let saved = std::env::temp_dir().join(format!("chili-mutation-{seed:x}-{case}.json"));
    let _ = std::fs::write(&saved, &text);
    Err(format!(
        "{}\n    {failure}\n    document: {}",
        describe(),
        saved.display()
    ))
}

#[test]
fn mutated_real_documents_give_a_crate_or_a_located_error() {
    let seed = std::env::var("MUTATION_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(DEFAULT_SEED);
    let cases = std::env::var("MUTATION_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(DEFAULT_CASES);
    let trace = std::env::var_os("MUTATION_TRACE").is_some();
    let sources = sources();

    // Panics are caught and reported per case; the default hook would print each one.
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let failures = Mutex::new(Vec::new());
    let counts = Mutex::new((0usize, 0usize, 0usize));
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(4);
    std::thread::scope(|scope| {
        for w in 0..workers {
            let (sources, failures, counts) = (&sources, &failures, &counts);
            // Default 2 MiB stack, like a test thread.
            scope.spawn(move || {
                for case in (w..cases).step_by(workers) {
                    match run_case(seed, case, sources, trace) {
                        Ok(o) => {
                            let mut c = counts.lock().unwrap();
                            c.0 += usize::from(o.generated);
                            c.1 += usize::from(o.emitted);
                            c.2 += usize::from(!o.generated);
                        }
                        Err(f) => failures.lock().unwrap().push((case, f)),
                    }
                }
            });
        }
    });
    std::panic::set_hook(hook);

    let (generated, emitted, located) = *counts.lock().unwrap();
    let mut failures = failures.into_inner().unwrap();
    failures.sort();
    eprintln!("{cases} cases (seed {seed:#x}): {generated} generated ({emitted} also emitted), {located} located errors, {} failures", failures.len());
    assert!(
        failures.is_empty(),
        "{} of {cases} mutated documents panicked or failed without a location:\n{}",
        failures.len(),
        failures
            .iter()
            .take(12)
            .map(|(_, f)| f.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    );
    // The mutations must leave room for both outcomes, or the test proves little.
    assert!(
        generated > cases / 10 && located > cases / 10,
        "generated {generated}, located errors {located}"
    );
}
