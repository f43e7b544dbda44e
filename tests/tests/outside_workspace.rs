//! A program outside this workspace, depending on `chilipiper-edge` by path as
//! a user's would, invites users and routes a lead by router slug through the
//! raw-request API, against a local server: with the token from the
//! environment, a retry after a 503 and a typed API error.
//!
//! The program is `tests/fixtures/edge-user/main.rs`. It is built in its own
//! workspace under `target/outside-workspace/` (with this workspace's lock
//! file, so the same dependency versions and no network), which also keeps
//! the build apart from the one running this test.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::json;
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN: &str = "cp_test_outside_93be1f";

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// Writes the program's crate (only what changed, so rebuilds stay incremental).
fn write_crate(dir: &Path) {
    let client = root().join("generated-client");
    let manifest = format!(
        "[package]\nname = \"edge-user\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
         [dependencies]\nchilipiper-edge = {{ path = {:?} }}\nserde = {{ version = \"1\", features = [\"derive\"] }}\n\
         serde_json = \"1\"\ntokio = {{ version = \"1\", features = [\"macros\", \"rt-multi-thread\"] }}\n\n\
         # Its own workspace: not a member of the one around it.\n[workspace]\n",
        client.display().to_string()
    );
    let main = std::fs::read_to_string(root().join("tests/fixtures/edge-user/main.rs")).unwrap();
    let lock = std::fs::read_to_string(root().join("Cargo.lock")).unwrap();
    for (file, text) in [
        ("Cargo.toml", manifest),
        ("src/main.rs", main),
        ("Cargo.lock", lock),
    ] {
        let target = dir.join(file);
        if std::fs::read_to_string(&target).ok().as_deref() != Some(text.as_str()) {
            std::fs::create_dir_all(target.parent().unwrap()).unwrap();
            std::fs::write(&target, text).unwrap();
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_program_outside_the_workspace_invites_and_routes_through_the_raw_api() {
    let server = MockServer::start().await;
    let bearer = format!("Bearer {TOKEN}");
    let invite = |email: &str| {
        Mock::given(method("POST"))
            .and(path("/v1/org/user/invite"))
            .and(header("authorization", bearer.as_str()))
            .and(body_json(json!({"email": email, "workspaceIds": ["ws_1"]})))
    };
    invite("new.admin@example.com")
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"userId": "u_42"})))
        .mount(&server)
        .await;
    invite("old.admin@example.com")
        .respond_with(ResponseTemplate::new(409).set_body_json(json!({
            "errorCode": "USER_ALREADY_EXISTS",
            "errorMessage": "A user with this email exists",
            "arguments": {}
        })))
        .mount(&server)
        .await;
    let route = || {
        Mock::given(method("POST"))
            .and(path("/v1/org/concierge/routers/inbound-demo/rest"))
            .and(header("authorization", bearer.as_str()))
            .and(body_json(
                json!({"form": {"email": "lead@example.com", "company": "Acme"}}),
            ))
    };
    // Busy once (asking for no wait), then routed.
    route()
        .respond_with(ResponseTemplate::new(503).insert_header("retry-after", "0"))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    route()
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "routingId": "r_7",
            "calendarUrl": "https://cal.example.com/r_7"
        })))
        .with_priority(2)
        .mount(&server)
        .await;

    let dir = root().join("target/outside-workspace");
    let program = dir.join("edge-user");
    write_crate(&program);
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut command = Command::new(cargo);
    command
        .args(["run", "--quiet", "--manifest-path"])
        .arg(program.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", dir.join("target"))
        // Debug info only makes this build slower and bigger.
        .env("CARGO_PROFILE_DEV_DEBUG", "0")
        .env("CHILIPIPER_API_KEY", TOKEN)
        .env("CHILIPIPER_BASE_URL", server.uri())
        .env_remove("RUSTFLAGS");
    let output = tokio::task::spawn_blocking(move || command.output())
        .await
        .unwrap()
        .expect("cargo runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "the program failed:\n{stdout}\n{stderr}"
    );
    assert_eq!(
        stdout,
        "invited u_42\nalready invited: A user with this email exists (409)\nrouted r_7 https://cal.example.com/r_7\n"
    );
    let requests = server.received_requests().await.unwrap();
    let routed = requests
        .iter()
        .filter(|r| r.url.path().ends_with("/rest"))
        .count();
    assert_eq!(
        (requests.len(), routed),
        (4, 2),
        "two invites, and the routing sent twice"
    );
}
