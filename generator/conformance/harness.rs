//! Support for the conformance tests in `main.rs`, copied verbatim into every
//! generated crate by chili-gen. `cargo xtask conformance` runs the tests
//! against a Prism mock of the document; see the repository's README.

use std::io::Write;

use sdk::{Client, Error, RetryPolicy};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Value};

/// The problem type of Prism's own failures (a bug of the mock, not of the client).
pub const PRISM_UNKNOWN: &str = "https://stoplight.io/prism/errors#UNKNOWN";

/// Decodes a synthesized JSON value into a request argument.
pub fn value<T: DeserializeOwned>(op: &str, json: &str) -> T {
    serde_json::from_str(json)
        .unwrap_or_else(|e| panic!("{op}: the synthesized argument {json} does not decode: {e}"))
}

/// A client for the mock at `CONFORMANCE_BASE_URL`, without retries.
pub fn client() -> Client {
    let url = std::env::var("CONFORMANCE_BASE_URL").unwrap_or_else(|_| {
        panic!(
            "CONFORMANCE_BASE_URL is not set: run `cargo xtask conformance`, which starts the mock"
        )
    });
    Client::builder()
        .token("conformance")
        .base_url(url)
        .retry(RetryPolicy::none())
        .build()
        .expect("a valid client configuration")
}

/// How many times each operation is called (`CONFORMANCE_REPEAT`, default 1).
pub fn repeat() -> usize {
    std::env::var("CONFORMANCE_REPEAT")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(1)
}

/// Checks one call: a decoded response is logged; Prism's own failures are
/// logged apart; anything else fails the test with the operation, the request
/// and the reason.
pub async fn outcome<T: Serialize>(op: &str, request: &str, result: Result<T, Error>) {
    match result {
        Ok(decoded) => {
            let response = serde_json::to_value(&decoded)
                .unwrap_or_else(|e| panic!("{op}: the decoded response does not encode: {e}"));
            log(json!({ "op": op, "response": response }));
        }
        Err(e) if is_prism_failure(&e) => log(json!({ "op": op, "prism_failure": e.to_string() })),
        Err(e) => {
            let violations = match e.status() {
                Some(s) if s.is_client_error() => violations(request).await,
                _ => None,
            };
            panic!(
                "operation {op} failed\n  request: {request}\n  reason: {e}\n  body: {}{}",
                e.raw_body().unwrap_or("(none)"),
                violations
                    .map(|v| format!("\n  rejected by the mock (sl-violations): {v}"))
                    .unwrap_or_default()
            )
        }
    }
}

/// Sends `request` (as the tests describe it) again, to read why Prism
/// rejected it: its `sl-violations` header, which the client does not keep.
async fn violations(request: &str) -> Option<String> {
    let request: Value = serde_json::from_str(request).ok()?;
    let text = |v: &Value| v.as_str().map_or_else(|| v.to_string(), str::to_owned);
    let mut path = request["path"].as_str()?.to_string();
    for (name, value) in request["path_params"].as_object()? {
        path = path.replace(&format!("{{{name}}}"), &text(value));
    }
    let base = std::env::var("CONFORMANCE_BASE_URL").ok()?;
    let method = sdk::Method::from_bytes(request["method"].as_str()?.as_bytes()).ok()?;
    let query: Vec<(String, String)> = request["query"]
        .as_object()?
        .iter()
        .map(|(k, v)| (k.clone(), text(v)))
        .collect();
    let mut builder = sdk::reqwest::Client::new()
        .request(method, format!("{}{path}", base.trim_end_matches('/')))
        .query(&query)
        .header("authorization", "Bearer conformance");
    if let Some(body) = request.get("body") {
        builder = builder
            .header("content-type", "application/json")
            .body(body.to_string());
    }
    let response = builder.send().await.ok()?;
    response
        .headers()
        .get("sl-violations")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// A 500 whose body is Prism's problem object of type [`PRISM_UNKNOWN`], exactly.
pub fn is_prism_failure(e: &Error) -> bool {
    let problem = e
        .raw_body()
        .and_then(|b| serde_json::from_str::<Value>(b).ok());
    e.status().map(|s| s.as_u16()) == Some(500)
        && problem
            .as_ref()
            .and_then(|p| p.get("type"))
            .and_then(Value::as_str)
            == Some(PRISM_UNKNOWN)
}

/// Decodes a synthesized payload as `T`, checks it encodes back to the same
/// JSON (so a field read under the wrong name fails even when optional).
pub fn round_trip<T: DeserializeOwned + Serialize>(label: &str, json: &str) -> Result<(), String> {
    let expected: Value =
        serde_json::from_str(json).map_err(|e| format!("{label}: bad payload: {e}"))?;
    let decoded: T = serde_json::from_value(expected.clone())
        .map_err(|e| format!("{label}: does not decode: {e}\n  payload: {json}"))?;
    let encoded =
        serde_json::to_value(&decoded).map_err(|e| format!("{label}: does not encode: {e}"))?;
    if encoded != expected {
        return Err(format!("{label}: decodes, but encodes back differently\n  payload: {expected}\n  encoded: {encoded}"));
    }
    Ok(())
}

/// A [`round_trip`] for one type.
pub type Check = fn(&str, &str) -> Result<(), String>;

/// Runs [`round_trip`] on every entry; fails with every mismatch at once.
pub fn round_trip_all(kind: &str, cases: &[(&str, Check, &str)]) {
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|(label, check, json)| check(label, json).err())
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} synthesized {kind} payloads failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

/// Appends one JSON line to `CONFORMANCE_LOG`, if set.
fn log(line: Value) {
    let Ok(path) = std::env::var("CONFORMANCE_LOG") else {
        return;
    };
    let mut text = line.to_string();
    text.push('\n');
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .unwrap_or_else(|e| panic!("cannot open {path}: {e}"));
    file.write_all(text.as_bytes())
        .unwrap_or_else(|e| panic!("cannot write {path}: {e}"));
}
