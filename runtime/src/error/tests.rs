use super::*;
use reqwest::header::HeaderValue;

/// Displayed as `meetingGet (GET /v1/meetings/{meetingId})`.
fn call() -> Call {
    Call::new(Some("meetingGet"), Method::GET, "/v1/meetings/{meetingId}")
}

fn api(status: u16, headers: &[(&'static str, &'static str)], body: &str) -> Error {
    let mut map = HeaderMap::new();
    for (name, value) in headers {
        map.insert(*name, HeaderValue::from_static(value));
    }
    let status = StatusCode::from_u16(status).unwrap();
    Error::Api(Box::new(ApiError::from_response(
        call(),
        status,
        &map,
        body.as_bytes(),
    )))
}

#[test]
fn json_error_body_is_parsed_and_displayed() {
    let err = api(
        404,
        &[],
        r#"{"errorCode":"NOT_FOUND","errorMessage":"meeting not found","arguments":{}}"#,
    );
    assert_eq!(
        err.to_string(),
        "meetingGet (GET /v1/meetings/{meetingId}): HTTP 404 Not Found: [NOT_FOUND] meeting not found"
    );
    assert_eq!(err.error_code(), Some("NOT_FOUND"));
    assert_eq!(err.error_message(), Some("meeting not found"));
    assert_eq!(err.status(), Some(StatusCode::NOT_FOUND));
    assert_eq!(err.operation(), Some("meetingGet"));
    assert!(!err.is_retryable());
}

#[test]
fn lenient_error_body() {
    let err = api(409, &[], r#"{"errorCode":"CONFLICT","arguments":null}"#);
    assert_eq!(err.error_code(), Some("CONFLICT"));
    assert_eq!(
        err.to_string(),
        "meetingGet (GET /v1/meetings/{meetingId}): HTTP 409 Conflict: [CONFLICT]"
    );
    let err = api(
        400,
        &[],
        r#"{"errorCode":"X","errorMessage":"m","arguments":{"n":1,"s":"v"}}"#,
    );
    let Error::Api(api) = err else {
        panic!("not an API error")
    };
    let ApiErrorBody::Json(body) = &api.body else {
        panic!("not JSON")
    };
    assert_eq!(body.arguments.get("n").map(String::as_str), Some("1"));
    assert_eq!(body.arguments.get("s").map(String::as_str), Some("v"));
}

#[test]
fn text_and_empty_bodies() {
    let err = api(400, &[], "Invalid value for: query parameter page\n");
    assert_eq!(
        err.to_string(),
        "meetingGet (GET /v1/meetings/{meetingId}): HTTP 400 Bad Request: Invalid value for: query parameter page"
    );
    assert_eq!(
        err.error_message(),
        Some("Invalid value for: query parameter page")
    );
    assert_eq!(err.error_code(), None);

    // JSON that is not the documented object is kept as text.
    let err = api(403, &[], r#"{"message":"Forbidden"}"#);
    assert!(
        matches!(&err, Error::Api(a) if a.body == ApiErrorBody::Text(r#"{"message":"Forbidden"}"#.into()))
    );

    let err = api(401, &[("x-amzn-requestid", "abc-123")], "");
    assert_eq!(
        err.to_string(),
        "meetingGet (GET /v1/meetings/{meetingId}): HTTP 401 Unauthorized (request id abc-123)"
    );
    assert_eq!(err.request_id(), Some("abc-123"));
    assert!(matches!(&err, Error::Api(a) if a.body == ApiErrorBody::Empty));
}

#[test]
fn html_error_body_is_one_line_and_short() {
    let html = format!(
        "<html>\n<head><title>502 Bad Gateway</title></head>\n<body>{}</body></html>",
        "x".repeat(1000)
    );
    let err = api(502, &[], &html);
    let msg = err.to_string();
    assert!(!msg.contains('\n'), "{msg}");
    assert!(
        msg.starts_with("meetingGet (GET /v1/meetings/{meetingId}): HTTP 502 Bad Gateway: <html> <head><title>502"),
        "{msg}"
    );
    assert!(msg.len() < 300, "{msg}");
    assert!(err.is_retryable());
}

#[test]
fn retryable_statuses() {
    for (status, retry) in [
        (408, true),
        (429, true),
        (500, false),
        (502, true),
        (503, true),
        (504, true),
        (400, false),
    ] {
        assert_eq!(api(status, &[], "").is_retryable(), retry, "{status}");
    }
}

#[test]
fn raw_body_is_truncated_on_a_char_boundary() {
    let body = "é".repeat(MAX_RAW_BODY);
    let err = api(500, &[], &body);
    let Error::Api(api) = err else {
        panic!("not an API error")
    };
    assert!(api.raw.len() <= MAX_RAW_BODY);
    assert!(api.raw.len() > MAX_RAW_BODY - 2);
    assert!(api.raw.chars().all(|c| c == 'é'));
}

#[test]
fn decode_display() {
    let source = serde_json::from_str::<serde_json::Value>("<html>").unwrap_err();
    let body = format!("<html>\n<body>{}</body>", "ü".repeat(500));
    let err = Error::Decode(Box::new(DecodeError::new(
        call(),
        StatusCode::OK,
        Some("text/html".into()),
        body.as_bytes(),
        source,
    )));
    let msg = err.to_string();
    assert!(
        msg.starts_with(
            "meetingGet (GET /v1/meetings/{meetingId}): could not decode HTTP 200 response (content-type text/html): \
             expected value at line 1 column 1; body starts with: <html> <body>üü"
        ),
        "{msg}"
    );
    assert!(msg.ends_with("üü..."), "{msg}");
    assert!(!msg.contains('\n'));
    assert!(std::error::Error::source(&err).is_some());
    assert_eq!(err.status(), Some(StatusCode::OK));
    let Error::Decode(decode) = &err else {
        panic!("not a decode error")
    };
    assert_eq!(decode.content_type(), Some("text/html"));
    assert!(decode.body_start().starts_with("<html> <body>üü"));
    assert_eq!(decode.body_start().chars().count(), MAX_SNIPPET_CHARS + 3);
    assert_eq!(decode.body(), body);
    assert_eq!(decode.call().path_template(), "/v1/meetings/{meetingId}");
    assert_eq!(err.raw_body(), Some(body.as_str()));
}

#[test]
fn retried_errors_say_how_often_and_keep_the_body() {
    let body = r#"{"errorCode":"UNAVAILABLE","errorMessage":"try later"}"#;
    let mut err = api(503, &[("x-request-id", "r-1")], body);
    assert_eq!(err.attempts(), 1);
    assert!(!err.to_string().contains("attempts"), "{err}");
    err.set_attempts(3);
    assert_eq!(err.attempts(), 3);
    assert_eq!(
        err.to_string(),
        "meetingGet (GET /v1/meetings/{meetingId}): HTTP 503 Service Unavailable (after 3 attempts): [UNAVAILABLE] \
         try later (request id r-1)"
    );
    assert_eq!(err.raw_body(), Some(body));
    assert_eq!(err.request_id(), Some("r-1"));
    assert_eq!(err.log_summary(), "HTTP 503");
    assert_eq!(api(401, &[], "").raw_body(), Some(""));

    let mut err = Error::request(Some(&call()), "bad");
    err.set_attempts(2);
    assert_eq!(err.attempts(), 0);
    assert_eq!(err.raw_body(), None);
    assert_eq!(
        err.to_string(),
        "meetingGet (GET /v1/meetings/{meetingId}): bad"
    );

    let source = serde_json::from_str::<serde_json::Value>("{\"a\":").unwrap_err();
    let mut err = Error::Decode(Box::new(DecodeError::new(
        call(),
        StatusCode::OK,
        None,
        b"{\"a\":",
        source,
    )));
    err.set_attempts(2);
    let msg = err.to_string();
    assert!(
        msg.starts_with("meetingGet (GET /v1/meetings/{meetingId}): could not decode HTTP 200 response (no content-type): EOF"),
        "{msg}"
    );
    assert!(
        msg.ends_with(r#"body starts with: {"a": (after 2 attempts)"#),
        "{msg}"
    );
    assert_eq!(err.raw_body(), Some(r#"{"a":"#));
    assert!(!err.is_retryable());
}

#[test]
fn request_error_display() {
    let err = Error::request(Some(&call()), "path parameter `meetingId` is empty");
    assert_eq!(
        err.to_string(),
        "meetingGet (GET /v1/meetings/{meetingId}): path parameter `meetingId` is empty"
    );
    assert_eq!(Error::request(None, "no token").to_string(), "no token");
    assert_eq!(err.operation(), Some("meetingGet"));
    assert_eq!(err.status(), None);
    let raw = Error::request(
        Some(&Call::new(None, Method::POST, "/v1/org/user/invite")),
        "bad",
    );
    assert_eq!(
        raw.to_string(),
        "raw request (POST /v1/org/user/invite): bad"
    );
    assert_eq!(raw.operation(), None);
    assert_eq!(raw.call().map(Call::label), Some("raw request"));
}

#[test]
fn one_line_helper() {
    assert_eq!(one_line("  a\n\tb  c ", 100), "a b c");
    assert_eq!(one_line("abcdef", 3), "abc...");
    assert_eq!(one_line("abc", 3), "abc");
    assert_eq!(one_line("", 3), "");
    assert_eq!(truncate_bytes("aé", 2), "a");
}

#[test]
fn error_is_small_send_sync() {
    fn assert_send_sync<T: Send + Sync + 'static>() {}
    assert_send_sync::<Error>();
    // Keeps clippy's `result_large_err` quiet in generated code.
    assert!(std::mem::size_of::<Error>() <= 128);
}
