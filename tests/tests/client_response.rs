//! Responses with their metadata (`send_with_response`) and streamed bodies
//! (`send_stream`, `write_to`, `CsvConcat`), through real generated
//! operations against a real HTTP server on 127.0.0.1 (wiremock).

use chili_tests::{client, fast_retries, mount_fallback, mount_first, received, unavailable};
use chilipiper_edge::types::{ExportMeetingsRequest, PaginatedResultWorkspace};
use chilipiper_edge::{CsvConcat, Error, RetryPolicy, StreamExt};
use chrono::{DateTime, Duration, TimeZone, Utc};
use serde_json::{json, Value};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const TOKEN: &str = "cp_test_response_7c1f09";
const EXPORT: &str = "/v3/org/meetings/meetings/export";

fn page() -> Value {
    json!({ "results": [], "total": 0, "page": 0, "pageSize": 20 })
}

#[tokio::test]
async fn send_with_response_gives_status_headers_request_id_and_attempts() {
    let server = MockServer::start().await;
    mount_first(&server, "GET", "/v1/org/workspace", 1, unavailable()).await;
    mount_fallback(
        &server,
        "GET",
        "/v1/org/workspace",
        ResponseTemplate::new(200)
            .insert_header("x-request-id", "req-ok-42")
            .insert_header("x-ratelimit-remaining", "17")
            .set_body_json(page()),
    )
    .await;
    let client = client(server.uri(), TOKEN, fast_retries());

    let response = client
        .workspace()
        .list()
        .send_with_response()
        .await
        .unwrap();
    let value: PaginatedResultWorkspace = response.value;
    assert_eq!(value.total, 0);
    assert_eq!(response.status.as_u16(), 200);
    assert_eq!(response.request_id.as_deref(), Some("req-ok-42"));
    assert_eq!(response.headers["x-ratelimit-remaining"], "17");
    assert_eq!(response.attempts, 2, "one 503, then the answer");
    assert_eq!(received(&server).await, 2);

    // Without a retry, and for a raw request too.
    let raw = client
        .request(chilipiper_edge::Method::GET, "/v1/org/workspace")
        .send_with_response::<Value>()
        .await
        .unwrap();
    assert_eq!((raw.attempts, raw.value["total"].as_i64()), (1, Some(0)));
}

/// A CSV body big enough to arrive in several chunks.
fn big_csv() -> String {
    let mut csv = String::from("id,start\n");
    for i in 0..40_000 {
        csv.push_str(&format!("meeting-{i:06},2026-01-01T00:00:00Z\n"));
    }
    csv
}

fn export(start: DateTime<Utc>, end: DateTime<Utc>) -> ExportMeetingsRequest {
    ExportMeetingsRequest::new(start, end)
}

fn day(d: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, d, 0, 0, 0).unwrap()
}

#[tokio::test]
async fn text_bodies_stream_as_chunks_and_into_a_writer() {
    let server = MockServer::start().await;
    let csv = big_csv();
    // The first answer is a 503: retries apply until the body starts streaming.
    mount_first(&server, "PUT", EXPORT, 1, unavailable()).await;
    mount_fallback(
        &server,
        "PUT",
        EXPORT,
        ResponseTemplate::new(200)
            .insert_header("x-request-id", "req-csv")
            .set_body_raw(csv.clone(), "text/csv"),
    )
    .await;
    let client = client(server.uri(), TOKEN, fast_retries());

    let response = client
        .meetings()
        .export(export(day(1), day(8)))
        .send_stream()
        .await
        .unwrap();
    assert_eq!(
        (response.attempts, response.request_id.as_deref()),
        (2, Some("req-csv"))
    );
    let mut stream = response.value;
    let (mut chunks, mut body) = (0, Vec::new());
    while let Some(chunk) = stream.next().await {
        chunks += 1;
        body.extend_from_slice(&chunk.unwrap());
    }
    assert!(chunks > 1, "a {} byte body arrived in one chunk", csv.len());
    assert_eq!(body, csv.as_bytes());

    let mut out = Vec::new();
    let written = client
        .meetings()
        .export(export(day(1), day(8)))
        .write_to(&mut out)
        .await
        .unwrap();
    assert_eq!(
        (written, out.as_slice()),
        (csv.len() as u64, csv.as_bytes())
    );

    // A file works like any other AsyncWrite.
    let dir = std::env::temp_dir().join(format!("chili-stream-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file_path = dir.join("meetings.csv");
    let mut file = tokio::fs::File::create(&file_path).await.unwrap();
    client
        .meetings()
        .export(export(day(1), day(8)))
        .write_to(&mut file)
        .await
        .unwrap();
    drop(file);
    assert_eq!(std::fs::read_to_string(&file_path).unwrap(), csv);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn a_failed_stream_is_an_api_error_before_any_byte() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(path(EXPORT))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({
            "errorCode": "BAD_RANGE", "errorMessage": "window too wide", "arguments": {}
        })))
        .mount(&server)
        .await;
    let client = client(server.uri(), TOKEN, RetryPolicy::none());
    let mut out = Vec::new();
    let err = client
        .meetings()
        .export(export(day(1), day(20)))
        .write_to(&mut out)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Api(_)), "{err:?}");
    assert_eq!(err.error_code(), Some("BAD_RANGE"));
    assert!(out.is_empty());
}

/// Answers an export with a CSV of one row per day of the window asked for.
struct CsvPerWindow;

impl Respond for CsvPerWindow {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let body: Value = serde_json::from_slice(&request.body).unwrap();
        let start: DateTime<Utc> = body["start"].as_str().unwrap().parse().unwrap();
        let end: DateTime<Utc> = body["end"].as_str().unwrap().parse().unwrap();
        if end - start > Duration::days(7) {
            return ResponseTemplate::new(400);
        }
        let mut csv = String::from("id,day\r\n");
        let mut at = start;
        while at < end {
            csv.push_str(&format!("m-{},{}\r\n", at.format("%d"), at.format("%F")));
            at += Duration::days(1);
        }
        ResponseTemplate::new(200).set_body_raw(csv, "text/csv")
    }
}

#[tokio::test]
async fn a_long_range_exports_in_windows_as_one_csv_with_one_header() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(path(EXPORT))
        .respond_with(CsvPerWindow)
        .mount(&server)
        .await;
    let client = client(server.uri(), TOKEN, RetryPolicy::none());

    // 20 days; the API takes at most 7 per call.
    let mut csv = CsvConcat::new(Vec::new());
    for (start, end) in chilipiper_edge::windows(day(1), day(21), Duration::days(7)) {
        let part = client
            .meetings()
            .export(export(start, end))
            .send_stream()
            .await
            .unwrap();
        csv.append(part.value).await.unwrap();
    }
    let (out, written) = csv.finish().await.unwrap();
    let text = String::from_utf8(out).unwrap();
    assert_eq!(written, text.len() as u64);
    assert_eq!(received(&server).await, 3);
    assert_eq!(text.matches("id,day").count(), 1, "{text}");
    assert!(text.starts_with("id,day\r\nm-01,2026-01-01\r\n"), "{text}");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 21, "one header and 20 days: {text}");
    assert_eq!(lines[20], "m-20,2026-01-20");
}

#[tokio::test]
async fn floats_in_free_form_json_survive_decode_and_encode_exactly() {
    // 0.11623713254880103 is one of the floats serde_json's default parser
    // reads one bit off; `float_roundtrip` (on in the runtime) reads it exactly.
    let numbers = "[0.30000000000000004,1e-7,0.11623713254880103,0.09391606273870799,-2.2250738585072014e-308,12345678.901234567]";
    let body = format!(r#"{{"results":{numbers},"total":6}}"#);
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/org/concierge/logs"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(body.clone(), "application/json"))
        .mount(&server)
        .await;
    let client = client(server.uri(), TOKEN, RetryPolicy::none());
    let logs: Value = client
        .concierge()
        .logs("ws", uuid::Uuid::nil(), day(1), day(2))
        .await
        .unwrap();
    assert_eq!(serde_json::to_string(&logs).unwrap(), body);
    assert_eq!(logs["results"][0].as_f64(), Some(0.1 + 0.2));
    assert_eq!(logs["results"][2].as_f64(), Some(0.116_237_132_548_801_03));
}
