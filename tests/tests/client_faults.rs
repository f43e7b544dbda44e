//! Fault injection: retries, timeouts and error reporting of the generated
//! client against misbehaving servers on 127.0.0.1. Status faults are scripted
//! with wiremock; faults below HTTP (a reset mid-body, a server that never
//! answers, a body cut short) come from a tiny raw TCP server in this file.
//!
//! Every client here uses millisecond backoffs, except where a test checks a
//! real `Retry-After` wait, so the whole suite runs in about a second.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chili_tests::{
    client, empty_page, fast_retries, mount_fallback, mount_first, received, unavailable,
};
use chilipiper_edge::types::{DataFieldCreate, DataFieldDataType, DataFieldObjectType};
use chilipiper_edge::{ApiErrorBody, Client, Error};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use wiremock::{MockServer, ResponseTemplate};

const TOKEN: &str = "cp_test_faults_0b7e21";

const WORKSPACES: &str = "/v1/org/workspace";
const DATA_FIELDS: &str = "/v1/org/data-fields";

fn ms(ms: u64) -> Duration {
    Duration::from_millis(ms)
}

/// A client for `base_url` with fast retries (3 attempts).
fn fast_client(base_url: impl Into<String>) -> Client {
    client(base_url, TOKEN, fast_retries())
}

fn data_field() -> DataFieldCreate {
    DataFieldCreate::new(
        "Region",
        DataFieldObjectType::Person,
        DataFieldDataType::Email,
    )
}

// ---------------------------------------------------------------------------
// Status faults (wiremock)
// ---------------------------------------------------------------------------

#[tokio::test]
async fn rate_limited_429_waits_for_retry_after_then_succeeds() {
    let server = MockServer::start().await;
    mount_first(
        &server,
        "GET",
        WORKSPACES,
        1,
        ResponseTemplate::new(429).insert_header("Retry-After", "1"),
    )
    .await;
    mount_fallback(
        &server,
        "GET",
        WORKSPACES,
        ResponseTemplate::new(200).set_body_json(empty_page()),
    )
    .await;
    // The default policy: Retry-After (1 s) is within its 8 s max backoff.
    let client = Client::builder()
        .token(TOKEN)
        .base_url(server.uri())
        .build()
        .unwrap();

    let started = Instant::now();
    let page = client
        .workspace()
        .list()
        .await
        .expect("succeeds on the retry");
    let elapsed = started.elapsed();

    assert_eq!(page.total, 0);
    assert_eq!(received(&server).await, 2);
    assert!(
        elapsed >= ms(900),
        "did not wait for Retry-After: {elapsed:?}"
    );
    assert!(elapsed < ms(3000), "waited too long: {elapsed:?}");
}

#[tokio::test]
async fn retry_after_beyond_the_time_budget_gives_up_at_once() {
    let server = MockServer::start().await;
    mount_fallback(
        &server,
        "GET",
        WORKSPACES,
        ResponseTemplate::new(429).insert_header("Retry-After", "120"),
    )
    .await;
    let client = fast_client(server.uri());

    let started = Instant::now();
    let err = client.workspace().list().await.expect_err("rate limited");

    assert!(started.elapsed() < ms(1000), "{:?}", started.elapsed());
    assert_eq!(received(&server).await, 1);
    assert_eq!(err.status().map(|s| s.as_u16()), Some(429));
    assert!(err.is_retryable());
    assert_eq!(err.attempts(), 1);
}

#[tokio::test]
async fn unavailable_twice_then_ok_is_retried_with_backoff() {
    let server = MockServer::start().await;
    mount_first(&server, "GET", WORKSPACES, 2, unavailable()).await;
    mount_fallback(
        &server,
        "GET",
        WORKSPACES,
        ResponseTemplate::new(200).set_body_json(empty_page()),
    )
    .await;
    let client = fast_client(server.uri());

    let started = Instant::now();
    let page = client
        .workspace()
        .list()
        .await
        .expect("third attempt succeeds");
    let elapsed = started.elapsed();

    assert_eq!(page.total, 0);
    assert_eq!(received(&server).await, 3);
    // Waited 10 ms, then 20 ms.
    assert!(elapsed >= ms(30), "{elapsed:?}");
    assert!(elapsed < ms(1000), "{elapsed:?}");
}

#[tokio::test]
async fn unavailable_forever_gives_up_after_max_attempts_with_the_last_error() {
    let server = MockServer::start().await;
    mount_fallback(&server, "GET", WORKSPACES, unavailable()).await;
    let client = Client::builder()
        .token(TOKEN)
        .base_url(server.uri())
        .retry(fast_retries().max_attempts(4))
        .build()
        .unwrap();

    let started = Instant::now();
    let err = client.workspace().list().await.expect_err("never succeeds");
    let elapsed = started.elapsed();

    assert_eq!(received(&server).await, 4);
    // 10 + 20 + 40 ms of backoff.
    assert!(elapsed >= ms(70) && elapsed < ms(1000), "{elapsed:?}");
    let Error::Api(api) = &err else {
        panic!("expected Error::Api, got {err:?}");
    };
    assert_eq!(api.attempts, 4);
    assert_eq!(err.attempts(), 4);
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(err.error_code(), Some("SERVICE_UNAVAILABLE"));
    assert_eq!(err.error_message(), Some("try again later"));
    assert_eq!(err.request_id(), Some("req-503-a1"));
    assert!(err
        .raw_body()
        .unwrap()
        .contains(r#""errorCode":"SERVICE_UNAVAILABLE""#));
    assert!(err.is_retryable());
    assert_eq!(
        err.to_string(),
        "workspaceList (GET /v1/org/workspace): HTTP 503 Service Unavailable (after 4 attempts): \
         [SERVICE_UNAVAILABLE] try again later (request id req-503-a1)"
    );
}

#[tokio::test]
async fn retries_stop_when_the_time_budget_is_spent() {
    let server = MockServer::start().await;
    mount_fallback(&server, "GET", WORKSPACES, unavailable()).await;
    let client = Client::builder()
        .token(TOKEN)
        .base_url(server.uri())
        .retry(fast_retries().max_attempts(1000).max_elapsed(ms(200)))
        .build()
        .unwrap();

    let started = Instant::now();
    let err = client.workspace().list().await.expect_err("never succeeds");
    let elapsed = started.elapsed();

    // 10 + 20 + 40 + 40 + ... ms: no wait may end after 200 ms.
    assert!(elapsed >= ms(150) && elapsed < ms(1000), "{elapsed:?}");
    let attempts = received(&server).await;
    assert!((5..=7).contains(&attempts), "{attempts} attempts");
    assert_eq!(err.attempts() as usize, attempts);
    assert!(
        err.to_string().starts_with(&format!(
            "workspaceList (GET /v1/org/workspace): HTTP 503 Service Unavailable (after {attempts} attempts): "
        )),
        "{err}"
    );
}

#[tokio::test]
async fn html_error_page_from_a_proxy_is_readable() {
    let html = format!(
        "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n\
         <center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n{}</body>\r\n</html>\r\n",
        "<!-- padding -->\n".repeat(100)
    );
    let server = MockServer::start().await;
    mount_fallback(
        &server,
        "GET",
        WORKSPACES,
        ResponseTemplate::new(502).set_body_raw(html.clone().into_bytes(), "text/html"),
    )
    .await;
    let client = Client::builder()
        .token(TOKEN)
        .base_url(server.uri())
        .retry(fast_retries().max_attempts(2))
        .build()
        .unwrap();

    let err = client.workspace().list().await.expect_err("bad gateway");

    assert_eq!(received(&server).await, 2, "502 is retried");
    let Error::Api(api) = &err else {
        panic!("expected Error::Api, got {err:?}");
    };
    assert!(
        matches!(&api.body, ApiErrorBody::Text(text) if text.starts_with("<html>")),
        "{:?}",
        api.body
    );
    assert_eq!(err.status().map(|s| s.as_u16()), Some(502));
    assert_eq!(err.error_code(), None);
    assert_eq!(err.raw_body(), Some(html.as_str()));
    assert!(err.is_retryable());
    let message = err.to_string();
    assert!(
        message.starts_with(
            "workspaceList (GET /v1/org/workspace): HTTP 502 Bad Gateway (after 2 attempts): \
             <html> <head><title>502 Bad Gateway</title></head> <body>"
        ),
        "{message}"
    );
    assert!(message.ends_with("..."), "{message}");
    assert!(
        !message.contains('\n') && !message.contains('\r'),
        "{message}"
    );
    assert!(message.len() < 400, "{message}");
}

#[tokio::test]
async fn ok_with_the_wrong_content_type() {
    let server = MockServer::start().await;
    mount_fallback(
        &server,
        "GET",
        WORKSPACES,
        ResponseTemplate::new(200).set_body_raw(
            b"<!DOCTYPE html><html><body>Please sign in</body></html>".to_vec(),
            "text/html; charset=utf-8",
        ),
    )
    .await;
    mount_fallback(
        &server,
        "GET",
        "/v1/org/data-fields/list",
        ResponseTemplate::new(200).set_body_raw(b"[]".to_vec(), "text/plain"),
    )
    .await;
    let client = fast_client(server.uri());

    let err = client
        .workspace()
        .list()
        .await
        .expect_err("HTML is not JSON");
    assert_eq!(received(&server).await, 1, "a decode error is not retried");
    let Error::Decode(decode) = &err else {
        panic!("expected Error::Decode, got {err:?}");
    };
    assert_eq!(decode.content_type(), Some("text/html; charset=utf-8"));
    assert_eq!(
        decode.body_start(),
        "<!DOCTYPE html><html><body>Please sign in</body></html>"
    );
    assert_eq!(
        err.raw_body(),
        Some("<!DOCTYPE html><html><body>Please sign in</body></html>")
    );
    assert!(!err.is_retryable());
    assert_eq!(err.attempts(), 1);
    assert!(
        err.to_string().starts_with(
            "workspaceList (GET /v1/org/workspace): could not decode HTTP 200 response (content-type text/html; charset=utf-8): "
        ),
        "{err}"
    );

    // A mislabelled body that is valid JSON is still accepted.
    let fields = client
        .data_field()
        .list()
        .await
        .expect("JSON as text/plain");
    assert!(fields.is_empty());
}

#[tokio::test]
async fn post_the_document_marks_read_only_is_retried_like_a_get() {
    // `conciergeListRouters` is a POST whose description says `READ-ONLY`
    // (after an `[operation: ...]` line since upstream 1.495.0).
    const ROUTERS: &str = "/v1/org/concierge/routers/concierge/list";
    let server = MockServer::start().await;
    mount_first(&server, "POST", ROUTERS, 2, unavailable()).await;
    mount_fallback(
        &server,
        "POST",
        ROUTERS,
        ResponseTemplate::new(200).set_body_json(serde_json::json!({"routers": []})),
    )
    .await;

    let routers = fast_client(server.uri())
        .concierge()
        .list_routers()
        .await
        .expect("third attempt answers");
    assert_eq!(routers.routers, Some(vec![]));
    assert_eq!(received(&server).await, 3);
}

#[tokio::test]
async fn post_that_gets_503_is_not_retried_by_default() {
    let server = MockServer::start().await;
    mount_fallback(&server, "POST", DATA_FIELDS, unavailable()).await;

    let err = fast_client(server.uri())
        .data_field()
        .create(data_field())
        .await
        .expect_err("unavailable");
    assert_eq!(received(&server).await, 1);
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    assert!(err.is_retryable(), "retrying could help, but is not safe");
    assert_eq!(err.attempts(), 1);
    assert!(!err.to_string().contains("attempts"), "{err}");

    // Allowed by the policy: retried like any other request.
    let client = Client::builder()
        .token(TOKEN)
        .base_url(server.uri())
        .retry(fast_retries().retry_non_idempotent(true))
        .build()
        .unwrap();
    let err = client
        .data_field()
        .create(data_field())
        .await
        .expect_err("unavailable");
    assert_eq!(received(&server).await, 1 + 3);
    assert_eq!(err.attempts(), 3);
}

#[tokio::test]
async fn delete_is_retried_by_default() {
    let server = MockServer::start().await;
    let route = "/v1/org/data-fields/region";
    mount_first(&server, "DELETE", route, 1, unavailable()).await;
    mount_fallback(&server, "DELETE", route, ResponseTemplate::new(204)).await;

    fast_client(server.uri())
        .data_field()
        .delete("region")
        .await
        .expect("second attempt succeeds");
    assert_eq!(received(&server).await, 2);
}

#[tokio::test]
async fn connection_refused_is_retried_even_for_a_post() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let client = fast_client(format!("http://127.0.0.1:{port}"));
    let err = client
        .data_field()
        .create(data_field())
        .await
        .expect_err("nothing listens there");
    // The request never left, so repeating it is safe whatever the method.
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    assert_eq!(err.attempts(), 3);
    let message = err.to_string();
    assert!(
        message.starts_with("dataFieldCreate (POST /v1/org/data-fields): could not connect: ")
            && message.ends_with(" (after 3 attempts)"),
        "{message}"
    );
    assert!(!message.contains(TOKEN));
}

// ---------------------------------------------------------------------------
// Faults below HTTP (raw TCP server)
// ---------------------------------------------------------------------------

#[derive(Clone, Copy, Debug)]
enum Fault {
    /// Headers announcing 1000 bytes, 100 bytes of body, then a TCP reset.
    ResetMidBody,
    /// Reads the request and never answers.
    NeverAnswer,
    /// A 200 whose JSON body stops half-way; the connection then closes
    /// cleanly, which ends a body without `Content-Length`.
    TruncatedJson,
}

const TRUNCATED_JSON: &str = r#"{"results":[{"id":"ws_1","name":"EM"#;

/// A server on 127.0.0.1 answering every request with `fault`. Returns its
/// base URL and the number of requests it has read.
async fn raw_server(fault: Fault) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let requests = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&requests);
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            tokio::spawn(misbehave(stream, fault, Arc::clone(&counter)));
        }
    });
    (url, requests)
}

async fn misbehave(mut stream: TcpStream, fault: Fault, requests: Arc<AtomicUsize>) {
    if !read_request(&mut stream).await {
        return;
    }
    requests.fetch_add(1, Ordering::SeqCst);
    match fault {
        Fault::ResetMidBody => {
            let mut response = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n\
                content-length: 1000\r\n\r\n"
                .to_vec();
            response.extend_from_slice(&[b' '; 100]);
            stream.write_all(&response).await.unwrap();
            stream.flush().await.unwrap();
            // Let the client read the head and start on the body first.
            tokio::time::sleep(ms(50)).await;
            stream.set_zero_linger().unwrap();
            drop(stream); // RST, not FIN
        }
        Fault::NeverAnswer => std::future::pending::<()>().await,
        Fault::TruncatedJson => {
            let response = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nconnection: close\r\n\r\n\
                 {TRUNCATED_JSON}"
            );
            stream.write_all(response.as_bytes()).await.unwrap();
            stream.shutdown().await.unwrap();
        }
    }
}

/// Reads one request (head and `Content-Length` body); `false` if the
/// connection closed first.
async fn read_request(stream: &mut TcpStream) -> bool {
    let mut data = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        if let Some(end) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&data[..end]).to_ascii_lowercase();
            let length: usize = head
                .lines()
                .find_map(|line| line.strip_prefix("content-length:"))
                .map_or(0, |value| value.trim().parse().unwrap());
            if data.len() >= end + 4 + length {
                return true;
            }
        }
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => return false,
            Ok(n) => data.extend_from_slice(&chunk[..n]),
        }
    }
}

#[tokio::test]
async fn connection_reset_mid_body_is_retried_for_a_get_only() {
    let (url, requests) = raw_server(Fault::ResetMidBody).await;
    let client = fast_client(&url);

    let err = client.workspace().list().await.expect_err("reset");
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    assert!(err.is_retryable());
    assert!(!err.is_timeout());
    assert_eq!(err.status(), None);
    assert_eq!(requests.load(Ordering::SeqCst), 3);
    assert_eq!(err.attempts(), 3);
    let message = err.to_string();
    assert!(
        message.starts_with("workspaceList (GET /v1/org/workspace): could not read the response: "),
        "{message}"
    );
    assert!(message.ends_with(" (after 3 attempts)"), "{message}");

    // A POST may have taken effect: not repeated.
    let (url, requests) = raw_server(Fault::ResetMidBody).await;
    let err = fast_client(&url)
        .data_field()
        .create(data_field())
        .await
        .expect_err("reset");
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    assert_eq!(requests.load(Ordering::SeqCst), 1);
    assert_eq!(err.attempts(), 1);
}

#[tokio::test]
async fn server_that_never_answers_times_out_within_the_configured_bound() {
    let (url, requests) = raw_server(Fault::NeverAnswer).await;
    let client = Client::builder()
        .token(TOKEN)
        .base_url(&url)
        .timeout(ms(300))
        .retry(fast_retries())
        .build()
        .unwrap();

    let started = Instant::now();
    let err = client.workspace().list().await.expect_err("no answer");
    let elapsed = started.elapsed();

    assert!(err.is_timeout(), "{err:?}");
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    assert!(elapsed >= ms(300), "{elapsed:?}");
    assert!(
        elapsed < ms(1000),
        "the timeout covers the whole call: {elapsed:?}"
    );
    // The timeout is spent, so there is no time for a retry.
    assert_eq!(requests.load(Ordering::SeqCst), 1);
    assert_eq!(err.attempts(), 1);
    assert!(
        err.to_string()
            .starts_with("workspaceList (GET /v1/org/workspace): request timed out"),
        "{err}"
    );
}

#[tokio::test]
async fn truncated_json_is_a_decode_error_with_the_body() {
    let (url, requests) = raw_server(Fault::TruncatedJson).await;
    let client = fast_client(&url);

    let err = client.workspace().list().await.expect_err("cut short");
    let Error::Decode(decode) = &err else {
        panic!("expected Error::Decode, got {err:?}");
    };
    assert_eq!(decode.status().as_u16(), 200);
    assert_eq!(decode.content_type(), Some("application/json"));
    assert_eq!(decode.body_start(), TRUNCATED_JSON);
    assert_eq!(err.raw_body(), Some(TRUNCATED_JSON));
    assert!(!err.is_retryable());
    assert_eq!(requests.load(Ordering::SeqCst), 1);
    let message = err.to_string();
    assert!(message.contains("EOF while parsing"), "{message}");
    assert!(
        message.ends_with(&format!("; body starts with: {TRUNCATED_JSON}")),
        "{message}"
    );
}
