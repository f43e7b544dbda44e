//! Operations without a typed method, through `Client::request` (the raw
//! request API), and what errors and traces may show, against a real HTTP
//! server on 127.0.0.1 (wiremock).
//!
//! The operations are real ones the pinned document has no schema for:
//! `userInvite`, `conciergeRouteBySlug`, `meetingExport`, `healthPing` (from
//! upstream's catalog, `../shared/spec/edge-operations-1.494.0.yaml`).

use std::time::Duration;

use chili_tests::{
    capture_traces, client, closed_port, fast_retries, mount_first, requests, unavailable,
};
use chilipiper_edge::{ApiErrorBody, Client, Error, Method, RetryPolicy, StatusCode};
use serde::Deserialize;
use serde_json::{json, Value};
use wiremock::matchers::{body_json, body_string, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN: &str = "cp_test_raw_0c4e1b";

/// A client with fast retries (3 attempts, no jitter).
fn client_for(server: &MockServer) -> Client {
    client(server.uri(), TOKEN, fast_retries())
}

/// What the invite endpoint answers, as a caller would type it.
#[derive(Debug, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
struct Invited {
    user_id: String,
    status: String,
}

#[tokio::test]
async fn invite_a_user_with_a_json_body_and_decode_a_typed_answer() {
    let server = MockServer::start().await;
    let body = json!({"email": "new.admin@example.com", "workspaceIds": ["ws_1"], "licenses": ["Concierge"]});
    Mock::given(method("POST"))
        .and(path("/v1/org/user/invite"))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .and(header("content-type", "application/json"))
        .and(header("accept", "application/json"))
        .and(body_json(&body))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"userId": "u_42", "status": "Invited"})),
        )
        .mount(&server)
        .await;
    let client = client_for(&server);

    let invited: Invited = client
        .request(Method::POST, "/v1/org/user/invite")
        .json(&body)
        .send_json()
        .await
        .expect("invited");
    assert_eq!(
        invited,
        Invited {
            user_id: "u_42".into(),
            status: "Invited".into()
        }
    );

    // The same answer as a `serde_json::Value`.
    let value = client
        .request(Method::POST, "/v1/org/user/invite")
        .json(&body)
        .send_value()
        .await
        .unwrap();
    assert_eq!(value, json!({"userId": "u_42", "status": "Invited"}));
    let sent = requests(&server).await;
    assert_eq!(sent.len(), 2);
    assert!(sent[0]
        .headers
        .get("user-agent")
        .unwrap()
        .to_str()
        .unwrap()
        .starts_with("chilipiper-edge/"));
}

#[tokio::test]
async fn route_by_slug_fills_and_encodes_path_parameters_and_repeats_list_queries() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/org/concierge/routers/inbound%20demo%2Feu/rest"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"routingId": "r_1"})))
        .mount(&server)
        .await;
    let client = client_for(&server);

    let routed = client
        .request(Method::POST, "/v1/org/concierge/routers/{routerSlug}/rest")
        .path_param("routerSlug", "inbound demo/eu")
        .query("tag", &["a b", "c&d"])
        .query("skipped", &None::<String>)
        .query("dryRun", &true)
        .json(&json!({"form": {"email": "lead@example.com"}}))
        .send_value()
        .await
        .expect("routed");
    assert_eq!(routed["routingId"], "r_1");
    let sent = requests(&server).await;
    assert_eq!(sent[0].url.query(), Some("tag=a%20b&tag=c%26d&dryRun=true"));
}

#[tokio::test]
async fn text_bytes_and_empty_answers_and_a_text_body() {
    let server = MockServer::start().await;
    let csv = "id,start\nm_1,2026-11-30T09:00:00Z\n";
    Mock::given(method("GET"))
        .and(path("/v1/org/meetings/meetings/export"))
        .and(query_param("from", "2026-11-30"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(csv.as_bytes().to_vec(), "text/csv"))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/org/health/ping"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/org/notes"))
        .and(header("content-type", "text/csv"))
        .and(body_string("a,b\n1,2\n"))
        .respond_with(ResponseTemplate::new(200).set_body_string("stored"))
        .mount(&server)
        .await;
    let client = client_for(&server);
    let export = || {
        client
            .request(Method::GET, "/v1/org/meetings/meetings/export")
            .query("from", "2026-11-30")
    };

    assert_eq!(export().send_text().await.unwrap(), csv);
    assert_eq!(export().send_bytes().await.unwrap(), csv.as_bytes());
    client
        .request(Method::GET, "/v1/org/health/ping")
        .send_empty()
        .await
        .unwrap();
    // An empty body reads as JSON null.
    assert_eq!(
        client
            .request(Method::GET, "/v1/org/health/ping")
            .send_value()
            .await
            .unwrap(),
        Value::Null
    );
    let stored = client
        .request(Method::POST, "/v1/org/notes")
        .body("text/csv", "a,b\n1,2\n")
        .send_text()
        .await
        .unwrap();
    assert_eq!(stored, "stored");
}

#[tokio::test]
async fn retries_follow_the_method_unless_the_caller_says_otherwise() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/org/health/ping"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"ok": true})))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/org/user/send-invites"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"sent": 1})))
        .mount(&server)
        .await;
    let client = client_for(&server);

    // GET is idempotent: retried after a 503.
    mount_first(&server, "GET", "/v1/org/health/ping", 1, unavailable()).await;
    let ok = client
        .request(Method::GET, "/v1/org/health/ping")
        .send_value()
        .await
        .unwrap();
    assert_eq!(ok, json!({"ok": true}));
    assert_eq!(requests(&server).await.len(), 2);

    // POST is not: the 503 comes back, after one attempt.
    mount_first(
        &server,
        "POST",
        "/v1/org/user/send-invites",
        1,
        unavailable(),
    )
    .await;
    let err = client
        .request(Method::POST, "/v1/org/user/send-invites")
        .json(&json!({"userIds": ["u_1"]}))
        .send_value()
        .await
        .expect_err("not retried");
    assert_eq!(err.status(), Some(StatusCode::SERVICE_UNAVAILABLE));
    assert_eq!(err.attempts(), 1);
    assert_eq!(err.error_code(), Some("SERVICE_UNAVAILABLE"));
    assert_eq!(requests(&server).await.len(), 3);

    // ... unless the caller says it is safe to repeat.
    mount_first(
        &server,
        "POST",
        "/v1/org/user/send-invites",
        1,
        unavailable(),
    )
    .await;
    let sent = client
        .request(Method::POST, "/v1/org/user/send-invites")
        .json(&json!({"userIds": ["u_1"]}))
        .retry_safe(true)
        .send_value()
        .await
        .unwrap();
    assert_eq!(sent, json!({"sent": 1}));
    assert_eq!(requests(&server).await.len(), 5);

    // And a GET marked unsafe is sent once.
    mount_first(&server, "GET", "/v1/org/health/ping", 1, unavailable()).await;
    let err = client
        .request(Method::GET, "/v1/org/health/ping")
        .retry_safe(false)
        .send_empty()
        .await
        .unwrap_err();
    assert_eq!(err.attempts(), 1);
    assert_eq!(requests(&server).await.len(), 6);
}

#[tokio::test]
async fn api_errors_are_typed_and_name_the_raw_call_by_its_template() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/org/concierge/routers/no-such-router/rest"))
        .respond_with(
            ResponseTemplate::new(404)
                .insert_header("x-request-id", "req-404")
                .set_body_json(json!({
                    "errorCode": "ROUTER_NOT_FOUND",
                    "errorMessage": "No router with this slug",
                    "arguments": {}
                })),
        )
        .mount(&server)
        .await;
    let client = client_for(&server);

    let err = client
        .request(Method::POST, "/v1/org/concierge/routers/{routerSlug}/rest")
        .path_param("routerSlug", "no-such-router")
        .json(&json!({}))
        .send_value()
        .await
        .unwrap_err();
    let Error::Api(api) = &err else {
        panic!("expected Error::Api, got {err:?}")
    };
    assert!(matches!(&api.body, ApiErrorBody::Json(body) if body.error_code == "ROUTER_NOT_FOUND"));
    assert_eq!(err.operation(), None);
    assert_eq!(
        err.call().map(|c| c.path_template()),
        Some("/v1/org/concierge/routers/{routerSlug}/rest")
    );
    assert_eq!(
        err.to_string(),
        "raw request (POST /v1/org/concierge/routers/{routerSlug}/rest): HTTP 404 Not Found: \
         [ROUTER_NOT_FOUND] No router with this slug (request id req-404)"
    );
}

#[tokio::test]
async fn paths_that_are_not_paths_fail_before_anything_is_sent() {
    let server = MockServer::start().await;
    let client = client_for(&server);
    for (path, why) in [
        (
            "https://elsewhere.example.com/v1/steal",
            "must start with `/`",
        ),
        ("v1/org/user/invite", "must start with `/`"),
        ("/v1/org/user/find?email=a@b.c", "must not contain `?`"),
    ] {
        let err = client
            .request(Method::GET, path)
            .send_value()
            .await
            .unwrap_err();
        assert!(matches!(err, Error::Request { .. }), "{err:?}");
        assert!(err.to_string().contains(why), "{err}");
    }
    let err = client
        .request(Method::GET, "/v1/org/user/read/{userId}")
        .send_value()
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "raw request (GET /v1/org/user/read/{userId}): path parameter {userId} was not set"
    );
    let err = client
        .request(Method::POST, "/v1/x")
        .body("bad\ntype", "x")
        .send_empty()
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("not a valid header value"),
        "{err}"
    );
    assert!(requests(&server).await.is_empty());
}

#[tokio::test]
async fn a_raw_call_has_its_own_timeout() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/org/health/ping"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(30)))
        .mount(&server)
        .await;
    let client = client_for(&server);
    let err = client
        .request(Method::GET, "/v1/org/health/ping")
        .timeout(Duration::from_millis(100))
        .send_empty()
        .await
        .unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    assert_eq!(
        err.attempts(),
        1,
        "the timeout covers the whole call, retries included"
    );
}

// ---------------------------------------------------------------------------
// Log-safe errors and traces
// ---------------------------------------------------------------------------

/// Values that must never appear in an error or a trace: an email in a path
/// value, another in the query, and the token.
const PATH_EMAIL: &str = "jane.doe@example.com";
const QUERY_EMAIL: &str = "john.roe@example.org";
const SECRETS: [&str; 6] = ["jane", "example.com", "john", "example.org", "%40", TOKEN];

fn assert_log_safe(what: &str, text: &str) {
    for secret in SECRETS {
        assert!(!text.contains(secret), "{what} shows `{secret}`: {text}");
    }
}

/// Display and Debug of `err` name the call by template, and hold no value.
fn assert_error_is_log_safe(err: &Error, template: &str) {
    let call = err.call().expect("the error names its call");
    assert_eq!(call.path_template(), template);
    assert!(err.to_string().contains(template), "{err}");
    assert_log_safe("Display", &err.to_string());
    assert_log_safe("Debug", &format!("{err:?}"));
    assert_log_safe("Debug", &format!("{err:#?}"));
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        assert_log_safe("a source", &cause.to_string());
        source = cause.source();
    }
}

/// A typed call and a raw call with an email in a path value and in the
/// query, against `base_url`.
async fn both_calls(client: &Client) -> [(Error, &'static str); 2] {
    let typed = client
        .distro()
        .get_log(PATH_EMAIL, QUERY_EMAIL)
        .await
        .unwrap_err();
    let raw = client
        .request(Method::GET, "/v1/org/user/find/{email}")
        .path_param("email", PATH_EMAIL)
        .query("email", QUERY_EMAIL)
        .send_value()
        .await
        .unwrap_err();
    [
        (typed, "/v1/org/distro/logs/{logId}"),
        (raw, "/v1/org/user/find/{email}"),
    ]
}

#[tokio::test]
async fn api_decode_and_transport_errors_never_show_path_or_query_values() {
    // API errors (after retries) and decode errors.
    for response in [
        ResponseTemplate::new(503),
        ResponseTemplate::new(200).set_body_string("<html>sign in</html>"),
    ] {
        let server = MockServer::start().await;
        Mock::given(wiremock::matchers::any())
            .respond_with(response)
            .mount(&server)
            .await;
        let client = client_for(&server);
        for (err, template) in both_calls(&client).await {
            assert!(matches!(err, Error::Api(_) | Error::Decode(_)), "{err:?}");
            assert_error_is_log_safe(&err, template);
        }
        // The values did go over the wire: the errors leave them out, not the requests.
        let sent = requests(&server).await;
        assert!(sent
            .iter()
            .any(|r| r.url.path().contains("jane.doe%40example.com")));
    }

    // Transport errors: nothing listens on the port.
    let port = closed_port();
    let client = Client::builder()
        .token(TOKEN)
        .base_url(format!("http://127.0.0.1:{port}"))
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    for (err, template) in both_calls(&client).await {
        assert!(matches!(err, Error::Transport { .. }), "{err:?}");
        assert_error_is_log_safe(&err, template);
    }

    // A raw request's Debug is its call, too.
    let request = client
        .request(Method::GET, "/v1/org/user/find/{email}")
        .path_param("email", PATH_EMAIL)
        .query("email", QUERY_EMAIL);
    let text = format!("{request:?}");
    assert!(
        text.contains("raw request (GET /v1/org/user/find/{email})"),
        "{text}"
    );
    assert_log_safe("RawRequest's Debug", &text);
}

#[test]
fn traces_name_the_call_and_never_show_values_or_the_token() {
    let text = capture_traces(|| async {
        let server = MockServer::start().await;
        mount_first(
            &server,
            "GET",
            "/v1/org/distro/logs/jane.doe%40example.com",
            1,
            unavailable(),
        )
        .await;
        Mock::given(wiremock::matchers::any())
            .respond_with(ResponseTemplate::new(404))
            .mount(&server)
            .await;
        let client = client_for(&server);
        both_calls(&client).await;
    });
    for expected in [
        "span chilipiper.request (chilipiper_edge): operation=\"distroLogGet\" method=GET path=\"/v1/org/distro/logs/{logId}\"",
        "span chilipiper.request (chilipiper_edge): operation=\"raw request\" method=GET path=\"/v1/org/user/find/{email}\"",
        "record: attempt=2",
        "record: status=503",
        "record: status=404",
        "event DEBUG: message=retrying attempt=1 status=503 error=HTTP 503 wait_ms=10",
    ] {
        assert!(text.contains(expected), "{expected}\nnot in\n{text}");
    }
    assert_log_safe("a trace", &text);
}

// ---------------------------------------------------------------------------
// What a user needs without adding dependencies
// ---------------------------------------------------------------------------

#[test]
fn the_crate_reexports_the_types_its_api_takes_and_returns() {
    // chrono and uuid, for dates and ids in the types.
    let start: chilipiper_edge::chrono::DateTime<chilipiper_edge::chrono::Utc> =
        "2026-11-30T00:00:00Z".parse().unwrap();
    let end = start + chilipiper_edge::chrono::Duration::days(7);
    let request = chilipiper_edge::types::ExportMeetingsRequest::new(start, end);
    assert_eq!(
        request.end - request.start,
        chilipiper_edge::chrono::Duration::days(7)
    );
    let id = chilipiper_edge::uuid::Uuid::nil();
    assert_eq!(id.to_string(), "00000000-0000-0000-0000-000000000000");

    // HTTP types, and the reqwest client `http_client` takes.
    let _: chilipiper_edge::HeaderMap = chilipiper_edge::HeaderMap::new();
    assert_eq!(chilipiper_edge::StatusCode::NOT_FOUND.as_u16(), 404);
    let http = chilipiper_edge::reqwest::Client::builder().build().unwrap();
    let client = Client::builder()
        .token("t")
        .http_client(http)
        .build()
        .unwrap();

    // The retry policy can be read back.
    let policy = client.retry_policy();
    assert_eq!(policy.get_max_attempts(), 3);
    assert_eq!(policy.get_max_elapsed(), Duration::from_secs(30));
    assert!(!policy.get_retry_non_idempotent());
}
