//! Behaviour of the hand-written runtime (client configuration, request
//! assembly, error classification), exercised through real generated
//! operations against a real HTTP server on 127.0.0.1 (wiremock).

use std::time::{Duration, Instant};

use chilipiper_edge::types::{
    AddUsersToWorkspaceRequest, CancelMeetingRequest, HasMore, PaginatedResultWorkspace,
};
use chilipiper_edge::{Client, Error, RetryPolicy};
use chrono::{DateTime, Utc};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN: &str = "cp_test_runtime_51d0e2";

/// A client that sends each request once: retries are `client_faults.rs`'s subject.
fn client_for(base_url: impl Into<String>) -> Client {
    Client::builder()
        .token(TOKEN)
        .base_url(base_url)
        .retry(RetryPolicy::none())
        .build()
        .expect("client builds")
}

fn empty_page() -> serde_json::Value {
    json!({"results": [], "total": 0, "page": 0, "pageSize": 10})
}

/// Mounts `GET /v1/org/workspace` answering an empty page.
async fn mount_workspace_list(server: &MockServer) {
    Mock::given(method("GET"))
        .and(path("/v1/org/workspace"))
        .respond_with(ResponseTemplate::new(200).set_body_json(empty_page()))
        .mount(server)
        .await;
}

async fn requests(server: &MockServer) -> Vec<wiremock::Request> {
    server.received_requests().await.expect("recording is on")
}

fn header<'r>(request: &'r wiremock::Request, name: &str) -> Option<&'r str> {
    request
        .headers
        .get(name)
        .map(|value| value.to_str().expect("ASCII header"))
}

/// A port on 127.0.0.1 that nothing listens on (bound, then released).
fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.local_addr().expect("addr").port()
}

// ---------------------------------------------------------------------------
// Headers
// ---------------------------------------------------------------------------

#[tokio::test]
async fn sends_bearer_user_agent_and_accept_headers() {
    let server = MockServer::start().await;
    mount_workspace_list(&server).await;
    let client = client_for(server.uri());

    let page: PaginatedResultWorkspace = client.workspace().list().await.unwrap();
    assert_eq!(page.total, 0);
    assert_eq!(page.results, Some(vec![]));

    let requests = requests(&server).await;
    assert_eq!(requests.len(), 1);
    let request = &requests[0];
    assert_eq!(request.method.as_str(), "GET");
    assert_eq!(
        header(request, "authorization"),
        Some(format!("Bearer {TOKEN}").as_str())
    );
    assert_eq!(
        header(request, "user-agent"),
        Some(chilipiper_edge::USER_AGENT)
    );
    // `<crate>/<version>`: the version moves with every release of the client.
    let agent = header(request, "user-agent").unwrap();
    let version = agent.strip_prefix("chilipiper-edge/").unwrap();
    assert_eq!(
        version
            .split('.')
            .filter(|n| n.parse::<u64>().is_ok())
            .count(),
        3,
        "{agent}"
    );
    assert_eq!(header(request, "accept"), Some("application/json"));
    assert_eq!(request.headers.get_all("authorization").iter().count(), 1);
    assert_eq!(request.headers.get_all("accept").iter().count(), 1);
    // A GET without a body has neither a body nor a content type.
    assert!(request.body.is_empty());
    assert_eq!(header(request, "content-type"), None);
}

#[tokio::test]
async fn custom_user_agent_replaces_the_default() {
    let server = MockServer::start().await;
    mount_workspace_list(&server).await;
    let client = Client::builder()
        .token(TOKEN)
        .base_url(server.uri())
        .user_agent("acme-sync/2.3 (+https://acme.example)")
        .build()
        .unwrap();
    client.workspace().list().await.unwrap();

    let requests = requests(&server).await;
    assert_eq!(
        header(&requests[0], "user-agent"),
        Some("acme-sync/2.3 (+https://acme.example)")
    );
    assert_eq!(requests[0].headers.get_all("user-agent").iter().count(), 1);
}

#[tokio::test]
async fn json_body_is_sent_with_a_json_content_type() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/org/workspace/users/add"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let client = client_for(server.uri());
    client
        .workspace()
        .add_users(AddUsersToWorkspaceRequest::new(
            "ws_3f1c9a",
            vec!["user-1".into(), "user-2".into()],
        ))
        .await
        .unwrap();

    let requests = requests(&server).await;
    let request = &requests[0];
    assert_eq!(header(request, "content-type"), Some("application/json"));
    assert_eq!(
        header(request, "authorization"),
        Some(format!("Bearer {TOKEN}").as_str())
    );
    let body: serde_json::Value = request.body_json().unwrap();
    assert_eq!(
        body,
        json!({"workspaceId": "ws_3f1c9a", "userIds": ["user-1", "user-2"]})
    );
}

#[tokio::test]
async fn optional_body_is_omitted_when_unset_and_sent_when_set() {
    let server = MockServer::start().await;
    let meeting_id = uuid::Uuid::parse_str("7d7c1f9e-2b1a-4c55-9a4e-0f3b8e2a6c11").unwrap();
    Mock::given(method("POST"))
        .and(path(format!("/v2/org/meetings/cancel/{meeting_id}")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "data": {"canceled": true},
            "hasMore": "No",
            "hasMoreItems": false
        })))
        .expect(2)
        .mount(&server)
        .await;
    let client = client_for(server.uri());

    let response = client.meetings().cancel(meeting_id).await.unwrap();
    assert_eq!(response.has_more, HasMore::No);
    assert!(!response.has_more_items);
    assert_eq!(response.data, json!({"canceled": true}));
    client
        .meetings()
        .cancel(meeting_id)
        .body(CancelMeetingRequest::new())
        .await
        .unwrap();

    let requests = requests(&server).await;
    assert_eq!(requests.len(), 2);
    // Unset: no body at all (not `null`), and no content type.
    assert!(requests[0].body.is_empty(), "{:?}", requests[0].body);
    assert_eq!(header(&requests[0], "content-type"), None);
    // Set: the (empty) object.
    assert_eq!(requests[1].body, b"{}");
    assert_eq!(
        header(&requests[1], "content-type"),
        Some("application/json")
    );
}

// ---------------------------------------------------------------------------
// Base URL
// ---------------------------------------------------------------------------

#[tokio::test]
async fn base_url_path_prefix_and_trailing_slash_are_kept_and_trimmed() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/fire-edge/v1/org/workspace"))
        .respond_with(ResponseTemplate::new(200).set_body_json(empty_page()))
        .expect(2)
        .mount(&server)
        .await;

    for base in [
        format!("{}/api/fire-edge/", server.uri()),
        format!("{}/api/fire-edge//", server.uri()),
    ] {
        let client = client_for(base);
        assert_eq!(
            client.base_url(),
            format!("{}/api/fire-edge", server.uri()),
            "trailing slashes are trimmed"
        );
        client.workspace().list().await.unwrap();
    }

    for request in requests(&server).await {
        assert_eq!(request.url.path(), "/api/fire-edge/v1/org/workspace");
    }
}

#[test]
fn invalid_configuration_is_a_request_error_at_build_time() {
    assert_eq!(
        Client::new(TOKEN).base_url(),
        chilipiper_edge::DEFAULT_BASE_URL.trim_end_matches('/')
    );
    for builder in [
        Client::builder().base_url("http://127.0.0.1:1"),
        Client::builder()
            .token("   ")
            .base_url("http://127.0.0.1:1"),
        Client::builder()
            .token("bad\ntoken")
            .base_url("http://127.0.0.1:1"),
        Client::builder().token(TOKEN).base_url("not a url"),
        Client::builder().token(TOKEN).base_url("ftp://127.0.0.1/"),
        Client::builder()
            .token(TOKEN)
            .base_url("http://127.0.0.1/?x=1"),
        Client::builder()
            .token(TOKEN)
            .base_url("http://127.0.0.1")
            .user_agent("bad\nagent"),
    ] {
        let err = builder.build().expect_err("invalid configuration");
        assert!(
            matches!(
                err,
                Error::Request {
                    operation: None,
                    ..
                }
            ),
            "{err:?}"
        );
        assert_eq!(err.operation(), None);
        assert_eq!(err.status(), None);
        assert!(!err.is_retryable());
        assert!(!err.to_string().contains("bad\ntoken"), "{err}");
    }
}

// ---------------------------------------------------------------------------
// Query parameters
// ---------------------------------------------------------------------------

#[tokio::test]
async fn unset_optional_query_parameters_are_not_sent() {
    let server = MockServer::start().await;
    mount_workspace_list(&server).await;
    let client = client_for(server.uri());

    client.workspace().list().await.unwrap();
    client.workspace().list().page_size(5).await.unwrap();
    client.workspace().list().page(0).await.unwrap();

    let requests = requests(&server).await;
    assert_eq!(requests.len(), 3);
    assert_eq!(requests[0].url.query(), None);
    assert_eq!(requests[1].url.query(), Some("pageSize=5"));
    assert_eq!(requests[2].url.query(), Some("page=0"));
}

#[tokio::test]
async fn array_query_parameters_are_repeated() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/org/chat/logs"))
        .respond_with(ResponseTemplate::new(200).set_body_json(empty_page()))
        .expect(3)
        .mount(&server)
        .await;
    let client = client_for(server.uri());

    let start: DateTime<Utc> = "2025-01-08T13:46:18.681Z".parse().unwrap();
    let end: DateTime<Utc> = "2025-01-14T13:46:18.681Z".parse().unwrap();
    let first = uuid::Uuid::parse_str("11111111-2222-4333-8444-555555555555").unwrap();
    let second = uuid::Uuid::parse_str("aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee").unwrap();

    let page = client
        .chat()
        .logs("ws_3f1c9a", start, end)
        .playbook_id(vec![first, second])
        .guest_email("zoë+test@example.com")
        .await
        .unwrap();
    assert_eq!(page.total, 0);
    // An empty array sends no parameter at all.
    client
        .chat()
        .logs("ws_3f1c9a", start, end)
        .playbook_id(Vec::<uuid::Uuid>::new())
        .await
        .unwrap();
    // Unset.
    client.chat().logs("ws_3f1c9a", start, end).await.unwrap();

    let requests = requests(&server).await;
    assert_eq!(requests.len(), 3);

    let pairs: Vec<(String, String)> = requests[0]
        .url
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    assert_eq!(
        pairs,
        vec![
            ("workspaceId".to_string(), "ws_3f1c9a".to_string()),
            ("start".to_string(), "2025-01-08T13:46:18.681Z".to_string()),
            ("end".to_string(), "2025-01-14T13:46:18.681Z".to_string()),
            ("playbookId".to_string(), first.to_string()),
            ("playbookId".to_string(), second.to_string()),
            ("guestEmail".to_string(), "zoë+test@example.com".to_string()),
        ]
    );
    // Reserved characters are percent-encoded (`+` is not left as a space).
    let raw = requests[0].url.query().unwrap();
    assert!(
        raw.contains("guestEmail=zo%C3%AB%2Btest%40example.com"),
        "{raw}"
    );
    assert!(raw.contains("start=2025-01-08T13%3A46%3A18.681Z"), "{raw}");

    for request in &requests[1..] {
        let query = request.url.query().unwrap();
        assert!(!query.contains("playbookId"), "{query}");
        assert_eq!(request.url.query_pairs().count(), 3, "{query}");
    }
}

#[tokio::test]
async fn array_of_strings_query_parameter_is_repeated_and_encoded() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/org/chat/transcript"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .mount(&server)
        .await;
    let client = client_for(server.uri());
    let guest = uuid::Uuid::parse_str("01234567-89ab-4def-8123-456789abcdef").unwrap();

    let page = client
        .chat()
        .transcript("ws 1", guest)
        .before_seen_id(vec!["a b".to_string(), "x&y=z".to_string()])
        .page_size(20)
        .await
        .unwrap();
    assert_eq!(page.messages, None);
    assert_eq!(page.next_cursor, None);

    let requests = requests(&server).await;
    assert_eq!(requests.len(), 1);
    assert_eq!(
        requests[0].url.query(),
        Some(
            format!(
                "workspaceId=ws%201&guestId={guest}&beforeSeenId=a%20b&beforeSeenId=x%26y%3Dz&pageSize=20"
            )
            .as_str()
        )
    );
}

// ---------------------------------------------------------------------------
// Decode errors on 2xx
// ---------------------------------------------------------------------------

#[tokio::test]
async fn html_200_is_a_decode_error_with_snippet_and_content_type() {
    let html = format!(
        "<!DOCTYPE html>\n<html>\n  <head><title>Sign in</title></head>\n  <body>{}</body>\n</html>\n",
        "é".repeat(400)
    );
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/org/workspace"))
        .respond_with(
            ResponseTemplate::new(200).set_body_raw(html.into_bytes(), "text/html; charset=utf-8"),
        )
        .mount(&server)
        .await;
    let client = client_for(server.uri());

    let err = client
        .workspace()
        .list()
        .await
        .expect_err("HTML is not JSON");
    let Error::Decode {
        operation,
        status,
        content_type,
        snippet,
        ..
    } = &err
    else {
        panic!("expected Error::Decode, got {err:?}");
    };
    assert_eq!(*operation, "workspaceList");
    assert_eq!(status.as_u16(), 200);
    assert_eq!(content_type.as_deref(), Some("text/html; charset=utf-8"));
    assert!(
        snippet.starts_with("<!DOCTYPE html> <html> <head><title>Sign in</title></head> <body>éé"),
        "{snippet}"
    );
    assert!(!snippet.contains('\n'), "{snippet}");
    assert!(snippet.ends_with("..."), "{snippet}");
    assert!(snippet.chars().count() <= 203, "{snippet}");

    assert_eq!(err.status().map(|s| s.as_u16()), Some(200));
    assert_eq!(err.operation(), Some("workspaceList"));
    assert!(!err.is_retryable());
    assert!(!err.is_timeout());
    assert!(std::error::Error::source(&err).is_some());
    let message = err.to_string();
    assert!(
        message.starts_with(
            "workspaceList: could not decode HTTP 200 response (content-type text/html; charset=utf-8): "
        ),
        "{message}"
    );
    assert!(
        message.contains("; body starts with: <!DOCTYPE html> <html>"),
        "{message}"
    );
    assert!(!message.contains('\n'), "{message}");
}

#[tokio::test]
async fn wrong_json_shape_is_a_decode_error() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/org/workspace"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "results": [],
            "total": "many",
            "page": 0,
            "pageSize": 10
        })))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/org/data-fields/list"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"items": []})))
        .mount(&server)
        .await;
    let client = client_for(server.uri());

    let err = client.workspace().list().await.expect_err("wrong type");
    assert!(matches!(err, Error::Decode { .. }), "{err:?}");
    let message = err.to_string();
    assert!(
        message.starts_with(
            "workspaceList: could not decode HTTP 200 response (content-type application/json): invalid type: string \"many\""
        ),
        "{message}"
    );
    assert!(
        message.contains(r#"body starts with: {"results":[],"total":"many""#),
        "{message}"
    );

    // An array was expected, an object came.
    let err = client.data_field().list().await.expect_err("wrong shape");
    let Error::Decode {
        operation, snippet, ..
    } = &err
    else {
        panic!("expected Error::Decode, got {err:?}");
    };
    assert_eq!(*operation, "dataFieldList");
    assert_eq!(snippet, r#"{"items":[]}"#);
}

#[tokio::test]
async fn empty_200_for_a_json_operation_is_a_decode_error() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/org/workspace"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    let client = client_for(server.uri());
    let err = client.workspace().list().await.expect_err("no body");
    assert!(matches!(err, Error::Decode { .. }), "{err:?}");
    assert!(err.to_string().ends_with("; body was empty"), "{err}");
}

// ---------------------------------------------------------------------------
// Transport errors
// ---------------------------------------------------------------------------

#[tokio::test]
async fn connection_refused_is_a_retryable_transport_error() {
    let client = Client::builder()
        .token(TOKEN)
        .base_url(format!("http://127.0.0.1:{}", closed_port()))
        .connect_timeout(Duration::from_secs(5))
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let err = client
        .workspace()
        .list()
        .await
        .expect_err("nothing listens there");

    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    assert!(err.is_retryable());
    assert!(!err.is_timeout());
    assert_eq!(err.status(), None);
    assert_eq!(err.operation(), Some("workspaceList"));
    assert_eq!(err.error_code(), None);
    assert!(std::error::Error::source(&err).is_some());
    let message = err.to_string();
    assert!(
        message.starts_with("workspaceList: could not connect: "),
        "{message}"
    );
    assert!(!message.contains(TOKEN), "{message}");
    assert!(!format!("{err:?}").contains(TOKEN));
}

#[tokio::test]
async fn client_timeout_is_reported_as_a_timeout() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/org/workspace"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(empty_page())
                .set_delay(Duration::from_secs(3)),
        )
        .mount(&server)
        .await;
    let client = Client::builder()
        .token(TOKEN)
        .base_url(server.uri())
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap();

    let started = Instant::now();
    let err = client.workspace().list().await.expect_err("times out");
    let elapsed = started.elapsed();

    assert!(err.is_timeout(), "{err:?}");
    assert!(err.is_retryable());
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    assert_eq!(err.status(), None);
    assert!(
        err.to_string()
            .starts_with("workspaceList: request timed out"),
        "{err}"
    );
    assert!(
        elapsed < Duration::from_secs(2),
        "the client gave up after {elapsed:?}, not ~200ms"
    );
}

/// Following a redirect to another origin must not hand it the API token.
#[tokio::test]
async fn cross_origin_redirect_does_not_forward_the_token() {
    let api = MockServer::start().await;
    let elsewhere = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/org/workspace"))
        .respond_with(
            ResponseTemplate::new(302)
                .insert_header("location", format!("{}/landing", elsewhere.uri()).as_str()),
        )
        .expect(1)
        .mount(&api)
        .await;
    Mock::given(method("GET"))
        .and(path("/landing"))
        .respond_with(ResponseTemplate::new(200).set_body_json(empty_page()))
        .expect(1)
        .mount(&elsewhere)
        .await;

    let client = client_for(api.uri());
    client.workspace().list().await.unwrap();

    let at_api = requests(&api).await;
    assert_eq!(
        header(&at_api[0], "authorization"),
        Some(format!("Bearer {TOKEN}").as_str())
    );
    let redirected = requests(&elsewhere).await;
    assert_eq!(redirected.len(), 1);
    assert_eq!(header(&redirected[0], "authorization"), None);
}

// ---------------------------------------------------------------------------
// API errors: retry classification, request id
// ---------------------------------------------------------------------------

#[tokio::test]
async fn retryable_statuses_and_request_id_from_a_real_response() {
    let server = MockServer::start().await;
    let client = client_for(server.uri());
    for (status, retryable) in [
        (429, true),
        (503, true),
        (504, true),
        (500, false),
        (409, false),
    ] {
        server.reset().await;
        Mock::given(method("GET"))
            .and(path("/v1/org/workspace"))
            .respond_with(
                ResponseTemplate::new(status)
                    .insert_header("x-amzn-requestid", "amzn-42")
                    .set_body_string("<html><body>upstream</body></html>"),
            )
            .mount(&server)
            .await;
        let err = client.workspace().list().await.expect_err("non-2xx");
        assert_eq!(err.status().map(|s| s.as_u16()), Some(status));
        assert_eq!(err.is_retryable(), retryable, "{status}");
        assert!(!err.is_timeout());
        assert_eq!(err.request_id(), Some("amzn-42"));
        assert_eq!(
            err.error_message(),
            Some("<html><body>upstream</body></html>")
        );
        assert!(err.to_string().ends_with("(request id amzn-42)"), "{err}");
    }
}

// ---------------------------------------------------------------------------
// Debug output, futures
// ---------------------------------------------------------------------------

#[tokio::test]
async fn debug_output_redacts_the_token() {
    const SECRET: &str = "sk_live_DO_NOT_PRINT_9b8a7c";
    let server = MockServer::start().await;
    let builder = Client::builder().token(SECRET).base_url(server.uri());
    let client = builder.clone().build().unwrap();
    let request = client.workspace().list().page(2);

    for text in [
        format!("{builder:?}"),
        format!("{builder:#?}"),
        format!("{client:?}"),
        format!("{client:#?}"),
        format!("{:?}", client.workspace()),
        format!("{request:?}"),
        format!("{request:#?}"),
    ] {
        assert!(!text.contains(SECRET), "token leaked: {text}");
        assert!(!text.contains("DO_NOT_PRINT"), "token leaked: {text}");
    }
    assert!(format!("{client:?}").contains("<redacted>"));
    assert!(format!("{builder:?}").contains("<redacted>"));
    assert!(format!("{client:?}").contains(&server.uri()));
}

#[tokio::test]
async fn send_and_into_future_and_clones_behave_the_same() {
    let server = MockServer::start().await;
    mount_workspace_list(&server).await;
    let client = client_for(server.uri());
    let clone = client.clone();

    let request = client.workspace().list().page(3).page_size(7);
    let via_send = request.clone().send().await.unwrap();
    let via_await = request.await.unwrap();
    let via_clone = clone.workspace().list().page(3).page_size(7).await.unwrap();
    assert_eq!(via_send, via_await);
    assert_eq!(via_send, via_clone);

    let requests = requests(&server).await;
    assert_eq!(requests.len(), 3);
    for request in &requests {
        assert_eq!(request.url.query(), Some("page=3&pageSize=7"));
        assert_eq!(
            header(request, "authorization"),
            Some(format!("Bearer {TOKEN}").as_str())
        );
    }
}

/// Requests can be sent from spawned tasks (the futures are `Send`).
#[tokio::test]
async fn requests_can_run_concurrently_on_spawned_tasks() {
    let server = MockServer::start().await;
    mount_workspace_list(&server).await;
    let client = client_for(server.uri());

    let mut tasks = Vec::new();
    for page in 0..4i64 {
        let client = client.clone();
        tasks.push(tokio::spawn(async move {
            client.workspace().list().page(page).await.map(|p| p.total)
        }));
    }
    for task in tasks {
        assert_eq!(task.await.unwrap().unwrap(), 0);
    }
    assert_eq!(requests(&server).await.len(), 4);
}
