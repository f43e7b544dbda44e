//! End-to-end tests of the `chili` binary of `generated-cli/`: the real built
//! binary, run as a user runs it, against wiremock on 127.0.0.1.
//!
//! Hand-written (they know the Edge API); the generated crate's Cargo.toml
//! points here so that `env!("CARGO_BIN_EXE_chili")` is the binary under test.
//! `CHILI_BIN` names another binary to test instead: CI runs the suite again
//! on the one `cargo install --path generated-cli` installed.

use std::path::Path;
use std::process::{Command, Output, Stdio};

use serde_json::{json, Value};
use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const TOKEN: &str = "tok-e2e-5ecret-value";

/// Exit statuses, as `chili --help` documents them.
const USAGE: i32 = 2;
const API_4XX: i32 = 3;
const API_5XX: i32 = 4;
const TRANSPORT: i32 = 5;
const DECODE: i32 = 6;

/// Runs `chili args` against `base_url` with the token in the environment.
fn chili(base_url: &str, args: &[&str]) -> Output {
    run(
        args,
        &[
            ("CHILIPIPER_API_KEY", TOKEN),
            ("CHILIPIPER_BASE_URL", base_url),
        ],
        None,
    )
}

/// Runs `chili` with exactly these variables of ours set (the caller's
/// `CHILIPIPER_*` never leak in) and `stdin` as its input.
fn run(args: &[&str], env: &[(&str, &str)], stdin: Option<&str>) -> Output {
    run_with(&binary(), args, env, stdin)
}

/// The binary under test: `CHILI_BIN`, else the one cargo built.
fn binary() -> String {
    std::env::var("CHILI_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_chili").to_string())
}

fn run_with(program: &str, args: &[&str], env: &[(&str, &str)], stdin: Option<&str>) -> Output {
    use std::io::Write;
    let mut command = Command::new(program);
    command
        .args(args)
        .env_remove("CHILIPIPER_API_KEY")
        .env_remove("CHILIPIPER_BASE_URL");
    command.envs(env.iter().copied());
    command.stdin(if stdin.is_some() {
        Stdio::piped()
    } else {
        Stdio::null()
    });
    command.stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = command.spawn().expect("the chili binary runs");
    if let Some(text) = stdin {
        child
            .stdin
            .take()
            .expect("piped")
            .write_all(text.as_bytes())
            .expect("stdin accepts the body");
    }
    child.wait_with_output().expect("chili finishes")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("utf-8 stdout")
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).expect("utf-8 stderr")
}

/// The token appears nowhere in what chili printed.
fn assert_no_token(o: &Output) {
    assert!(
        !stdout(o).contains(TOKEN) && !stderr(o).contains(TOKEN),
        "token leaked:\n{}\n{}",
        stdout(o),
        stderr(o)
    );
}

fn workspace(i: usize) -> Value {
    json!({"id": format!("w{i}"), "name": format!("Workspace {i}"), "metadata": {"createdAt": "2026-01-01T00:00:00Z", "createdBy": "user/1", "updatedAt": "2026-01-01T00:00:00Z", "updatedBy": "user/1", "revision": 1}})
}

/// Serves `GET /v1/org/workspace` pages of `total` workspaces by `page` and
/// `pageSize` (default 10).
struct Workspaces {
    total: usize,
}

impl Respond for Workspaces {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let get = |name: &str| {
            request
                .url
                .query_pairs()
                .find(|(k, _)| k == name)
                .and_then(|(_, v)| v.parse::<usize>().ok())
        };
        let (page, size) = (get("page").unwrap_or(0), get("pageSize").unwrap_or(10));
        let results: Vec<Value> = (page * size..((page + 1) * size).min(self.total))
            .map(workspace)
            .collect();
        ResponseTemplate::new(200).set_body_json(
            json!({"results": results, "total": self.total, "page": page, "pageSize": size}),
        )
    }
}

async fn workspaces_server(total: usize) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/org/workspace"))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .respond_with(Workspaces { total })
        .mount(&server)
        .await;
    server
}

/// The "done when" of the CLI: every workspace, one JSON object per line,
/// over several pages of three.
#[tokio::test]
async fn all_walks_every_page_one_json_object_per_line() {
    let server = workspaces_server(7).await;
    let out = chili(
        &server.uri(),
        &["workspace", "list", "--all", "--page-size", "3"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let lines: Vec<Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect();
    let ids: Vec<&str> = lines.iter().map(|w| w["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["w0", "w1", "w2", "w3", "w4", "w5", "w6"]);
    assert!(lines.iter().all(|w| w.is_object()));
    let requests = server.received_requests().await.unwrap();
    let pages: Vec<String> = requests
        .iter()
        .map(|r| r.url.query().unwrap_or_default().to_string())
        .collect();
    assert_eq!(
        pages,
        [
            "page=0&pageSize=3",
            "page=1&pageSize=3",
            "page=2&pageSize=3"
        ]
    );
    // No progress indicator: stderr is a pipe here.
    assert_eq!(stderr(&out), "");
}

#[tokio::test]
async fn one_call_prints_the_decoded_page_as_compact_json() {
    let server = workspaces_server(5).await;
    let out = chili(
        &server.uri(),
        &["workspace", "list", "--page", "1", "--page-size", "2"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert_eq!(text.lines().count(), 1, "compact in a pipe: {text}");
    let page: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(page["total"], 5);
    assert_eq!(
        page["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|w| w["id"].as_str().unwrap())
            .collect::<Vec<_>>(),
        ["w2", "w3"]
    );
}

/// On a terminal (a pseudo-terminal from util-linux `script`): one call is
/// indented JSON, and `--all` shows a count on stderr that is erased before
/// each item line, so the items stay one JSON object per line.
#[tokio::test]
async fn on_a_terminal_json_is_indented_and_all_shows_progress() {
    let server = workspaces_server(3).await;
    let uri = server.uri();
    let on_tty = |args: &str| {
        let command = format!("{} {args}", binary());
        let env = [
            ("CHILIPIPER_API_KEY", TOKEN),
            ("CHILIPIPER_BASE_URL", uri.as_str()),
        ];
        run_with(
            "script",
            &["-q", "-e", "-c", &command, "/dev/null"],
            &env,
            None,
        )
    };
    let out = on_tty("workspace list --page-size 2");
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let screen = stdout(&out).replace("\r\n", "\n");
    assert!(
        screen.starts_with("{\n  \"results\": [\n    {\n"),
        "{screen}"
    );

    let out = on_tty("workspace list --all --page-size 2");
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let screen = stdout(&out).replace("\r\n", "\n");
    assert!(
        screen.contains("1 items\r\u{1b}[K{\"id\":\"w1\""),
        "{screen:?}"
    );
    let items: Vec<Value> = screen
        .lines()
        .map(|l| l.rsplit("\u{1b}[K").next().unwrap())
        .filter(|l| !l.is_empty())
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{l:?}: {e}")))
        .collect();
    assert_eq!(items.len(), 3, "{screen:?}");
}

#[tokio::test]
async fn raw_request_prints_the_page() {
    let server = workspaces_server(4).await;
    let out = chili(
        &server.uri(),
        &[
            "request",
            "GET",
            "/v1/org/workspace",
            "--query",
            "pageSize=3",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let page: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(page["results"].as_array().unwrap().len(), 3);
    assert_eq!(page["total"], 4);
}

#[tokio::test]
async fn bad_token_exits_with_the_status_and_never_shows_the_token() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/org/workspace"))
        .respond_with(ResponseTemplate::new(401).insert_header("x-request-id", "req-401"))
        .mount(&server)
        .await;
    for extra in [&[][..], &["--verbose"][..]] {
        let mut args = vec!["workspace", "list"];
        args.extend_from_slice(extra);
        let out = chili(&server.uri(), &args);
        assert_eq!(out.status.code(), Some(API_4XX), "{}", stderr(&out));
        let err = stderr(&out);
        assert!(
            err.contains("HTTP 401 Unauthorized") && err.contains("requestId=req-401"),
            "{err}"
        );
        assert_eq!(stdout(&out), "");
        assert_no_token(&out);
    }
}

#[tokio::test]
async fn api_errors_exit_by_class_with_code_message_and_request_id() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/org/user/read/u-404"))
        .respond_with(
            ResponseTemplate::new(404)
                .insert_header("x-request-id", "req-404")
                .set_body_json(json!({"errorCode": "NOT_FOUND", "errorMessage": "no such user"})),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/org/user/read/u-500"))
        .respond_with(
            ResponseTemplate::new(500)
                .set_body_json(json!({"errorCode": "BOOM", "errorMessage": "it broke"})),
        )
        .mount(&server)
        .await;

    let out = chili(&server.uri(), &["user", "get", "--user-id", "u-404"]);
    assert_eq!(out.status.code(), Some(API_4XX));
    let err = stderr(&out);
    assert!(
        err.contains("HTTP 404")
            && err.contains("errorCode=NOT_FOUND")
            && err.contains("errorMessage=\"no such user\"")
            && err.contains("requestId=req-404"),
        "{err}"
    );
    // The path value is the user's data: not in the error line.
    assert!(!err.contains("u-404"), "{err}");

    let out = chili(
        &server.uri(),
        &["user", "get", "--user-id", "u-500", "--max-attempts", "1"],
    );
    assert_eq!(out.status.code(), Some(API_5XX));
    let err = stderr(&out);
    assert!(
        err.contains("HTTP 500")
            && err.contains("errorCode=BOOM")
            && err.contains("errorMessage=\"it broke\"")
            && err.contains("requestId=-"),
        "{err}"
    );
}

#[tokio::test]
async fn transport_failure_and_undecodable_response_have_their_own_exit_status() {
    // A port nothing listens on any more.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let out = chili(
        &format!("http://{closed}"),
        &["tenant", "get", "--max-attempts", "1"],
    );
    assert_eq!(out.status.code(), Some(TRANSPORT), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("no response (tenantGet)"),
        "{}",
        stderr(&out)
    );

    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/org/workspace"))
        .and(query_param("pageSize", "4"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(
                json!({"results": "not a list", "total": 1, "page": 0, "pageSize": 4}),
            ),
        )
        .mount(&server)
        .await;
    let out = chili(&server.uri(), &["workspace", "list", "--page-size", "4"]);
    assert_eq!(out.status.code(), Some(DECODE), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("does not match the documented type") && !err.contains("pageSize=4"),
        "{err}"
    );
}

#[tokio::test]
async fn timeout_ends_a_call_the_server_does_not_answer_in_time() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/org/tenant/get"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"id": "t1"}))
                .set_delay(std::time::Duration::from_secs(30)),
        )
        .mount(&server)
        .await;
    let started = std::time::Instant::now();
    let out = chili(
        &server.uri(),
        &["tenant", "get", "--timeout", "300ms", "--max-attempts", "1"],
    );
    // It gave up instead of waiting for the answer.
    assert!(started.elapsed() < std::time::Duration::from_secs(20));
    assert_eq!(out.status.code(), Some(TRANSPORT), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("timed out (tenantGet"),
        "{}",
        stderr(&out)
    );
    assert_eq!(stdout(&out), "");

    let out = chili(&server.uri(), &["tenant", "get", "--timeout", "soon"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("--timeout"), "{}", stderr(&out));
}

#[tokio::test]
async fn verbose_logs_method_template_status_and_attempts_but_no_values() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .and(path("/v1/org/meeting-type-reminders/r-private-77"))
        .and(query_param("workspaceId", "w-private-88"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let out = chili(
        &server.uri(),
        &[
            "--verbose",
            "meeting-type-reminder",
            "delete",
            "--reminder-id",
            "r-private-77",
            "--workspace-id",
            "w-private-88",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("DELETE /v1/org/meeting-type-reminders/{reminderId} -> 204 (1 attempt, "),
        "{err}"
    );
    assert!(
        !err.contains("r-private-77") && !err.contains("w-private-88"),
        "{err}"
    );
    assert_no_token(&out);
}

#[tokio::test]
async fn verbose_shows_retries_and_the_attempt_count() {
    let server = MockServer::start().await;
    // One 503 asking for an immediate retry, then the page.
    Mock::given(method("GET"))
        .and(path("/v1/org/workspace"))
        .respond_with(ResponseTemplate::new(503).insert_header("retry-after-ms", "0"))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/org/workspace"))
        .respond_with(Workspaces { total: 1 })
        .mount(&server)
        .await;
    let out = chili(
        &server.uri(),
        &["workspace", "list", "--verbose", "--max-attempts", "2"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("attempt 1 failed (503), retrying in 0 ms"),
        "{err}"
    );
    assert!(
        err.contains("GET /v1/org/workspace -> 200 (2 attempts, "),
        "{err}"
    );
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn dry_run_prints_curl_with_the_token_masked_and_sends_nothing() {
    let server = MockServer::start().await;
    let base = format!("{}/api/fire-edge", server.uri());
    let out = chili(
        &base,
        &[
            "workspace",
            "list",
            "--page-size",
            "3",
            "--dry-run",
            "--verbose",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let curl = stdout(&out);
    assert!(
        curl.starts_with(&format!("curl -X GET '{base}/v1/org/workspace?pageSize=3'")),
        "{curl}"
    );
    assert!(
        curl.contains("-H \"authorization: Bearer $CHILIPIPER_API_KEY\""),
        "{curl}"
    );
    assert_no_token(&out);

    // A body is shown as sent; a token file is shown as its cat.
    let dir = scratch("dry-run");
    let token_file = dir.join("token");
    std::fs::write(&token_file, format!("{TOKEN}\n")).unwrap();
    let out = run(
        &[
            "meetings",
            "export",
            "--body",
            r#"{"start":"2026-11-30T00:00:00Z","end":"2026-12-07T00:00:00Z"}"#,
            "--dry-run",
            "--token-file",
            token_file.to_str().unwrap(),
        ],
        &[("CHILIPIPER_BASE_URL", &server.uri())],
        None,
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let curl = stdout(&out);
    assert!(curl.contains("curl -X PUT") && curl.contains("--data-raw '{\"start\":\"2026-11-30T00:00:00Z\",\"end\":\"2026-12-07T00:00:00Z\"}'"), "{curl}");
    assert!(
        curl.contains(&format!("Bearer $(cat '{}')", token_file.display())),
        "{curl}"
    );
    assert_no_token(&out);
    assert!(server.received_requests().await.unwrap().is_empty());
}

/// Bad input exits 2 with a reason and never reaches the server.
#[tokio::test]
async fn bad_input_exits_2_and_sends_nothing() {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    let uri = server.uri();
    let export = |body: &'static str| vec!["meetings", "export", "--body", body];
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec!["workspace", "list", "--bogus"], "unexpected argument '--bogus'"),
        (vec!["workspace", "lits"], "unrecognized subcommand 'lits'"),
        (vec!["workspace", "list", "--page-size", "many"], "expected a whole number"),
        (vec!["user", "get"], "--user-id <USER_ID>"),
        (export(r#"{"start": "2026-11-30T00:00:00Z", "end": "#), "--body at `end`: EOF while parsing a value"),
        (export(r#"{"start": "2026-11-30T00:00:00Z", "end": 5}"#), "--body at `end`: invalid type: integer `5`"),
        (export(r#"{"start": "2026-11-30T00:00:00Z"}"#), "missing field `end`"),
        (
            export(r#"{"start": "2026-11-30T00:00:00Z", "end": "2026-12-07T00:00:00Z", "status": ["Active", "Cancelled"]}"#),
            "--body at `status[1]`: unknown value \"Cancelled\"; expected one of: Active, Canceled, NoShow, Completed",
        ),
        (vec!["meetings", "export", "--body", "no-such-file.json"], "--body: cannot read file no-such-file.json"),
    ];
    for (args, expected) in &cases {
        let out = chili(&uri, args);
        assert_eq!(out.status.code(), Some(USAGE), "{args:?}: {}", stderr(&out));
        assert!(
            stderr(&out).contains(expected),
            "{args:?}: expected {expected:?} in:\n{}",
            stderr(&out)
        );
        assert_eq!(stdout(&out), "", "{args:?}");
    }
    let out = run(
        &["workspace", "list"],
        &[("CHILIPIPER_BASE_URL", &uri)],
        None,
    );
    assert_eq!(out.status.code(), Some(USAGE));
    assert!(
        stderr(&out).contains("no API token: set CHILIPIPER_API_KEY or pass --token-file FILE"),
        "{}",
        stderr(&out)
    );
    assert!(
        server.received_requests().await.unwrap().is_empty(),
        "bad input must send nothing"
    );
}

#[tokio::test]
async fn bodies_come_inline_from_a_file_or_stdin_and_text_responses_are_written_raw() {
    let server = MockServer::start().await;
    let body = json!({"start": "2026-11-30T00:00:00Z", "end": "2026-12-07T00:00:00Z", "status": ["Active"]});
    let csv = "id,start\nm1,2026-12-01T10:00:00Z\nm2,2026-12-02T10:00:00Z\n";
    Mock::given(method("PUT"))
        .and(path("/v3/org/meetings/meetings/export"))
        .and(body_json(&body))
        .respond_with(ResponseTemplate::new(200).set_body_raw(csv, "text/csv; charset=utf-8"))
        .expect(3)
        .mount(&server)
        .await;
    let dir = scratch("bodies");
    let file = dir.join("week.json");
    std::fs::write(&file, body.to_string()).unwrap();
    let text = body.to_string();
    let uri = server.uri();
    let env = [
        ("CHILIPIPER_API_KEY", TOKEN),
        ("CHILIPIPER_BASE_URL", uri.as_str()),
    ];
    for (given, stdin) in [
        (text.as_str(), None),
        (file.to_str().unwrap(), None),
        ("-", Some(text.as_str())),
    ] {
        let out = run(&["meetings", "export", "--body", given], &env, stdin);
        assert_eq!(out.status.code(), Some(0), "{given}: {}", stderr(&out));
        assert_eq!(stdout(&out), csv, "the CSV exactly as received");
    }
}

#[tokio::test]
async fn empty_responses_print_nothing_and_the_token_file_is_used() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/org/workspace/users/add"))
        .and(header("authorization", "Bearer from-the-file"))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    let dir = scratch("token-file");
    let token_file = dir.join("token");
    std::fs::write(&token_file, "from-the-file\n").unwrap();
    let out = run(
        &[
            "workspace",
            "add-users",
            "--token-file",
            token_file.to_str().unwrap(),
            "--body",
            r#"{"workspaceId": "w1", "userIds": ["u1"]}"#,
        ],
        &[
            ("CHILIPIPER_API_KEY", TOKEN),
            ("CHILIPIPER_BASE_URL", &server.uri()),
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "");
}

#[test]
fn completions_for_each_shell() {
    for shell in ["bash", "zsh", "fish"] {
        let out = run(&["completions", shell], &[], None);
        assert_eq!(out.status.code(), Some(0), "{shell}");
        let script = stdout(&out);
        assert!(
            script.contains("list-users") && script.contains("get-workspace-settings"),
            "{shell}: {script}"
        );
    }
    assert_eq!(
        run(&["completions", "powershell-7"], &[], None)
            .status
            .code(),
        Some(USAGE)
    );
}

#[test]
fn help_snapshots() {
    let out = run(&["--help"], &[], None);
    assert_eq!(out.status.code(), Some(0));
    // The document's version moves with every upstream release: the snapshot
    // holds the layout, the version is checked against the pinned one.
    let help = stdout(&out);
    let pinned = format!("(version {})", pinned_api_version());
    assert!(help.contains(&pinned), "{help}");
    insta::assert_snapshot!("chili_help", help.replace(&pinned, "(version [pinned])"));
    let out = run(&["workspace", "list-users", "--help"], &[], None);
    assert_eq!(out.status.code(), Some(0));
    insta::assert_snapshot!("workspace_list_users_help", stdout(&out));
}

/// `info.version` of the document the committed client was generated from,
/// read from `spec/pin.json` so that a regen never needs a hand edit here.
fn pinned_api_version() -> String {
    let pin = include_str!("../../spec/pin.json");
    let pin: serde_json::Value = serde_json::from_str(pin).expect("spec/pin.json is JSON");
    pin["version"]
        .as_str()
        .expect("the pin has a version")
        .to_string()
}

/// A fresh directory under the target directory for one test's files.
fn scratch(name: &str) -> std::path::PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("chili-cli")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
