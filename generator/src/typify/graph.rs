//! Graph work over the converted types: reference counts, boxing recursive
//! fields, and how deeply types nest. All iterative and linear, since a
//! document may chain thousands of types.

use std::collections::{BTreeMap, HashMap};

use serde_json::Value;

use crate::ir::{TypeDef, TypeKind, TypeRef};

use super::view::component_of;

/// Counts `$ref` targets in the tree, ignoring discriminator mappings (which
/// name variants without using them). Iterative: the tree may be deep.
pub(super) fn count_refs(tree: &Value) -> HashMap<String, usize> {
    let mut counts: HashMap<String, usize> = HashMap::new();
    let mut stack = vec![tree];
    while let Some(v) = stack.pop() {
        match v {
            Value::Object(map) => {
                for (k, v) in map {
                    if k == "$ref" {
                        if let Some(name) = v.as_str().and_then(component_of) {
                            *counts.entry(name.into_owned()).or_default() += 1;
                        }
                    } else if k != "mapping" {
                        stack.push(v);
                    }
                }
            }
            Value::Array(items) => stack.extend(items),
            _ => {}
        }
    }
    counts
}

/// Boxes struct fields and union payloads that would make a type contain itself.
pub(super) fn box_recursive_fields(types: &mut BTreeMap<String, TypeDef>) {
    // Edges that store a value inline (not behind Vec/Map, which already allocate).
    fn inline_target(t: &TypeRef) -> Option<&str> {
        match t {
            TypeRef::Named(n) => Some(n),
            TypeRef::Nullable(inner) => inline_target(inner),
            _ => None,
        }
    }
    let edges: HashMap<String, Vec<String>> = types
        .values()
        .map(|def| {
            let targets = match &def.kind {
                TypeKind::Struct { fields, .. } => fields
                    .iter()
                    .filter_map(|f| inline_target(&f.ty))
                    .map(str::to_string)
                    .collect(),
                TypeKind::Union { variants, .. } => variants
                    .iter()
                    .filter_map(|v| v.ty.as_ref().and_then(inline_target))
                    .map(str::to_string)
                    .collect(),
                TypeKind::Newtype { inner, .. } => inline_target(inner)
                    .into_iter()
                    .map(str::to_string)
                    .collect(),
                TypeKind::Enum { .. } => Vec::new(),
            };
            (def.name.clone(), targets)
        })
        .collect();
    // A field needs a box when its target reaches back to the owner: when both
    // are in one strongly connected component. Computed once, in linear time.
    let component = strongly_connected(&edges);
    let reaches = |from: &str, to: &str| -> bool {
        matches!((component.get(from), component.get(to)), (Some(a), Some(b)) if a == b)
    };
    let mut to_box: Vec<(String, usize)> = Vec::new();
    for def in types.values() {
        match &def.kind {
            TypeKind::Struct { fields, .. } => {
                for (i, f) in fields.iter().enumerate() {
                    if inline_target(&f.ty).is_some_and(|t| reaches(t, &def.name)) {
                        to_box.push((def.name.clone(), i));
                    }
                }
            }
            TypeKind::Union { variants, .. } => {
                for (i, v) in variants.iter().enumerate() {
                    if v.ty
                        .as_ref()
                        .and_then(inline_target)
                        .is_some_and(|t| reaches(t, &def.name))
                    {
                        to_box.push((def.name.clone(), i));
                    }
                }
            }
            _ => {}
        }
    }
    for (name, i) in to_box {
        match &mut types.get_mut(&name).expect("collected from this map").kind {
            TypeKind::Struct { fields, .. } => fields[i].boxed = true,
            TypeKind::Union { variants, .. } => variants[i].boxed = true,
            _ => {}
        }
    }
}

/// The strongly connected component of each node of `edges` (iterative
/// Kosaraju: the graph may chain thousands of types). Nodes are numbered in
/// sorted order, so the result does not depend on hash order. Components are
/// numbered in topological order: no edge goes from a component to a
/// lower-numbered one.
fn strongly_connected(edges: &HashMap<String, Vec<String>>) -> HashMap<String, usize> {
    let mut names: Vec<&String> = edges.keys().collect();
    names.sort();
    let index: HashMap<&str, usize> = names
        .iter()
        .enumerate()
        .map(|(i, n)| (n.as_str(), i))
        .collect();
    let forward: Vec<Vec<usize>> = names
        .iter()
        .map(|n| {
            edges[*n]
                .iter()
                .filter_map(|t| index.get(t.as_str()).copied())
                .collect()
        })
        .collect();
    let mut backward: Vec<Vec<usize>> = vec![Vec::new(); names.len()];
    for (from, targets) in forward.iter().enumerate() {
        for &to in targets {
            backward[to].push(from);
        }
    }
    // Finishing order of a depth-first walk over `forward`.
    let mut order = Vec::with_capacity(names.len());
    let mut visited = vec![false; names.len()];
    for start in 0..names.len() {
        if visited[start] {
            continue;
        }
        visited[start] = true;
        let mut stack = vec![(start, 0usize)];
        while let Some((node, next)) = stack.pop() {
            if let Some(&child) = forward[node].get(next) {
                stack.push((node, next + 1));
                if !visited[child] {
                    visited[child] = true;
                    stack.push((child, 0));
                }
            } else {
                order.push(node);
            }
        }
    }
    // Components: walks over `backward`, latest finished first.
    let mut component = vec![usize::MAX; names.len()];
    let mut count = 0;
    for &start in order.iter().rev() {
        if component[start] != usize::MAX {
            continue;
        }
        component[start] = count;
        let mut stack = vec![start];
        while let Some(node) = stack.pop() {
            for &prev in &backward[node] {
                if component[prev] == usize::MAX {
                    component[prev] = count;
                    stack.push(prev);
                }
            }
        }
        count += 1;
    }
    names
        .iter()
        .enumerate()
        .map(|(i, n)| ((*n).clone(), component[i]))
        .collect()
}

/// Type nesting rustc accepts by default is 128 levels (its
/// `recursion_limit`, which drop checking counts against: `Option<Link1>`
/// inside `Link0` is two levels). Up to this bound the crate needs nothing.
pub const DEFAULT_NESTING_OK: usize = 100;

/// An upper bound on how deeply the types nest as Rust types (each named
/// type, `Option`, `Box`, `Vec` and map counting one level), and a type that
/// reaches it. Mutually recursive types count every member once, as a path
/// through them may visit each. Linear in the size of the types.
pub fn nesting_bound(types: &[TypeDef]) -> (usize, Option<String>) {
    // (wrappers around the named target, target) for each member of each type.
    fn wrapped(t: &TypeRef, extra: usize) -> (usize, Option<&str>) {
        let mut levels = extra;
        let mut t = t;
        loop {
            match t {
                TypeRef::List(i) | TypeRef::Map(i) | TypeRef::Nullable(i) => {
                    levels += 1;
                    t = i;
                }
                TypeRef::Named(n) => return (levels, Some(n)),
                _ => return (levels + 1, None),
            }
        }
    }
    let members: HashMap<&str, Vec<(usize, Option<&str>)>> = types
        .iter()
        .map(|def| {
            let list = match &def.kind {
                TypeKind::Struct { fields, extra } => fields
                    .iter()
                    .map(|f| wrapped(&f.ty, usize::from(!f.required) + usize::from(f.boxed)))
                    .chain(extra.iter().map(|e| wrapped(e, 1)))
                    .collect(),
                TypeKind::Union { variants, .. } => variants
                    .iter()
                    .filter_map(|v| v.ty.as_ref().map(|t| wrapped(t, usize::from(v.boxed))))
                    .collect(),
                TypeKind::Newtype { inner, .. } => vec![wrapped(inner, 0)],
                TypeKind::Enum { .. } => Vec::new(),
            };
            (def.name.as_str(), list)
        })
        .collect();
    let edges: HashMap<String, Vec<String>> = members
        .iter()
        .map(|(n, list)| {
            (
                n.to_string(),
                list.iter()
                    .filter_map(|(_, t)| t.map(str::to_string))
                    .collect(),
            )
        })
        .collect();
    let component = strongly_connected(&edges);
    let count = component.values().max().map_or(0, |m| m + 1);
    let mut by_component: Vec<Vec<&str>> = vec![Vec::new(); count];
    let mut names: Vec<&&str> = members.keys().collect();
    names.sort();
    for n in names {
        by_component[component[*n]].push(n);
    }
    // Sinks first: every edge leaving a component goes to a higher number.
    let mut height = vec![0usize; count];
    let mut best = (0, None);
    for c in (0..count).rev() {
        let mut inside = 0;
        let mut leaving = 0;
        for n in &by_component[c] {
            // The type itself, and the most wrappers on the way to the next one inside.
            let mut hop = 0;
            for (levels, target) in &members[*n] {
                match target.map(|t| component[t]) {
                    Some(tc) if tc == c => hop = hop.max(*levels),
                    Some(tc) => leaving = leaving.max(levels + height[tc]),
                    None => leaving = leaving.max(*levels),
                }
            }
            inside += 1 + hop;
        }
        height[c] = inside + leaving;
        if height[c] > best.0 {
            best = (height[c], by_component[c].first().map(|n| n.to_string()));
        }
    }
    best
}

/// The `recursion_limit` a crate holding `types` needs, if more than rustc's default.
pub fn recursion_limit(types: &[TypeDef]) -> Option<usize> {
    let (bound, _) = nesting_bound(types);
    (bound > DEFAULT_NESTING_OK).then(|| (2 * bound).next_power_of_two().max(256))
}
