//! The names of the committed Edge client: methods read like a hand-written
//! SDK (no HTTP verb or version suffix unless a collision forces one). The
//! deprecated forwarders of renamed names are tested where they are made
//! (`generator/tests/naming.rs`, `xtask/tests/cli.rs`): calling them here by
//! name would break this file at the next breaking release, which drops them.

use std::collections::BTreeSet;
use std::path::PathBuf;

use chili_gen::ir::Api;

fn repo(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(path)
}

/// The IR the committed client was generated from (`cargo xtask check`
/// keeps the two in step).
fn committed_ir() -> Api {
    let text = std::fs::read_to_string(repo("spec/api-ir.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// Why `name` reads like transport rather than like an SDK method, if it does.
fn transport_noise(name: &str) -> Option<&'static str> {
    let last = name.rsplit('_').next().unwrap_or(name);
    let versioned =
        |w: &str| w.len() > 1 && w.starts_with('v') && w[1..].bytes().all(|b| b.is_ascii_digit());
    if name.contains('_') && ["get", "put", "post", "delete", "patch"].contains(&last) {
        return Some("ends in an HTTP verb");
    }
    // `_v2`, or `slotsv2` glued.
    let glued = name.trim_end_matches(|c: char| c.is_ascii_digit());
    if versioned(last) || (glued.len() < name.len() && glued.ends_with('v') && glued.len() > 1) {
        return Some("ends in a version suffix");
    }
    None
}

/// `pub fn name(&self, ...)` methods of a generated group file: the group's
/// operations, its accessor on `Client`, and the deprecated forwarders
/// (`true`) left for renamed methods.
fn self_methods(source: &str) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    let mut previous_line = "";
    let mut offset = 0;
    for line in source.split_inclusive('\n') {
        let text = line.trim();
        if let Some(rest) = text.strip_prefix("pub fn ") {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            // The signature may continue on the next lines.
            let signature = &source
                [offset + line.find("pub fn ").unwrap_or(0) + "pub fn ".len() + name.len()..];
            if signature
                .trim_start_matches('(')
                .trim_start()
                .starts_with("&self")
            {
                out.push((
                    name,
                    previous_line.starts_with("#[deprecated(note = \"renamed to"),
                ));
            }
        }
        previous_line = text;
        offset += line.len();
    }
    out
}

#[test]
fn no_public_method_name_carries_an_http_verb_or_version_unless_a_collision_forces_it() {
    let api = committed_ir();
    let groups: BTreeSet<&str> = api.operations.iter().map(|o| o.group.as_str()).collect();
    let mut listed = Vec::new();
    let mut offenders = Vec::new();
    for group in &groups {
        let file = repo(&format!("generated-client/src/api/{group}.rs"));
        let source =
            std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let methods = self_methods(&source);
        let ops: Vec<_> = api
            .operations
            .iter()
            .filter(|o| o.group == *group)
            .collect();

        // What the file offers is what the IR says: each operation's method
        // and each previous name as a forwarder, nothing else.
        let current: BTreeSet<&str> = methods
            .iter()
            .filter(|(n, fwd)| !fwd && n != group)
            .map(|(n, _)| n.as_str())
            .collect();
        let forwarders: BTreeSet<&str> = methods
            .iter()
            .filter(|(_, fwd)| *fwd)
            .map(|(n, _)| n.as_str())
            .collect();
        assert_eq!(
            current,
            ops.iter().map(|o| o.method_name.as_str()).collect(),
            "{group}"
        );
        assert_eq!(
            forwarders,
            ops.iter()
                .flat_map(|o| o.previous_names.iter().map(String::as_str))
                .collect(),
            "{group}"
        );

        for op in ops {
            listed.push(format!("{group}().{}", op.method_name));
            if let (Some(why), None) = (transport_noise(&op.method_name), &op.collision) {
                offenders.push(format!(
                    "client.{group}().{}() ({}): {why}",
                    op.method_name, op.id
                ));
            }
        }
    }
    assert_eq!(listed.len(), api.operations.len());
    assert!(
        offenders.is_empty(),
        "method names with transport noise and no recorded collision:\n{}",
        offenders.join("\n")
    );
    // The names the issue complained about are gone.
    for old in [
        "meetings().list_put",
        "meetings().export_v2_put",
        "meetings().cancel_post",
        "team().list_put",
        "concierge().router_get",
        "distro().log_get",
        "distribution().workspace_settings_get",
        "availability().slots_v2",
    ] {
        assert!(
            !listed.iter().any(|l| l == old),
            "{old} is still a current method"
        );
    }
}

#[test]
fn the_noise_check_itself_tells_noise_from_names() {
    for noisy in [
        "list_put",
        "export_v2_put",
        "cancel_post",
        "router_get",
        "slots_v2",
        "list_personal_v2",
        "slotsv2",
    ] {
        assert!(transport_noise(noisy).is_some(), "{noisy}");
    }
    for clean in [
        "get",
        "delete",
        "list",
        "export",
        "get_router",
        "list_routers",
        "find_by_ids",
        "update_licenses",
        "cancel",
    ] {
        assert_eq!(transport_noise(clean), None, "{clean}");
    }
}

#[test]
fn group_files_are_scanned_with_their_forwarders() {
    let source = "impl<'a> XApi<'a> {\n    pub fn list(&self) -> B<'a> {\n    }\n    /// Renamed to [`list`](Self::list).\n    #[deprecated(note = \"renamed to `list`\")]\n    pub fn list_put(\n        &self,\n    ) -> B<'a> {\n    }\n}\nimpl<'a> B<'a> {\n    pub fn page(mut self, v: i64) -> Self {\n    }\n}\n";
    assert_eq!(
        self_methods(source),
        [("list".to_string(), false), ("list_put".to_string(), true)]
    );
}
