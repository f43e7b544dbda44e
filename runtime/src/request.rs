//! The request value that generated operation methods (and [`RawRequest`](crate::RawRequest)) fill in.

use std::borrow::Cow;
use std::time::Duration;

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use reqwest::header::{HeaderName, HeaderValue};
use reqwest::Method;
use serde::Serialize;
use serde_json::Value;

use crate::error::{Call, Error, Result};
use crate::validate::{self, Rule};

/// Everything except RFC 3986 unreserved characters (`A-Z a-z 0-9 - . _ ~`) is
/// percent-encoded, so values can never change the URL's structure.
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// One API call being assembled by a generated operation method.
///
/// The methods never fail: the first problem (for example a parameter that
/// cannot be serialized) is remembered and reported by `Client::send_*` as
/// [`Error::Request`], which keeps the generated code free of error plumbing.
#[doc(hidden)]
#[derive(Debug, Clone)]
pub struct Request {
    /// Operation, method and path template: what errors and traces show.
    pub(crate) call: Call,
    /// The path template with the parameters substituted so far.
    path: String,
    /// Already percent-encoded `name=value` pairs, in call order.
    query: Vec<String>,
    pub(crate) headers: Vec<(HeaderName, HeaderValue)>,
    pub(crate) body: Option<Vec<u8>>,
    /// `Accept` sent unless the operation set one explicitly.
    pub(crate) accept: Option<&'static str>,
    /// Whether sending the request twice does no harm, so it may be retried.
    pub(crate) retry_safe: bool,
    /// Overrides the client's timeout for this call.
    pub(crate) timeout: Option<Duration>,
    /// A next-page link from the API, sent instead of the path and query.
    link: Option<String>,
    error: Option<String>,
    /// The first limit of the document the request breaks (see
    /// [`validate`](crate::validate)); an error unless the client's checking is off.
    pub(crate) violation: Option<String>,
}

impl Request {
    /// Starts a request for `operation_id` on `path_template` (e.g. `/v1/org/meetings/get/{meetingId}`).
    pub fn new(method: Method, operation_id: &'static str, path_template: &'static str) -> Self {
        Request::for_call(Call::new(Some(operation_id), method, path_template))
    }

    /// Starts a request the document does not describe: `path_template` is
    /// checked to be a path (a full URL would send the token elsewhere; a
    /// query string would put values in error messages).
    pub(crate) fn raw(method: Method, path_template: Cow<'static, str>) -> Self {
        let problem = if !path_template.starts_with('/') {
            Some("the path must start with `/`: pass the path under the base URL, not a full URL")
        } else if path_template.contains(['?', '#']) {
            Some("the path must not contain `?` or `#`: add query parameters with `.query(name, value)`")
        } else {
            None
        };
        let mut request = Request::for_call(Call::new(None, method, path_template));
        if let Some(problem) = problem {
            request.fail(problem.to_owned());
        }
        request
    }

    fn for_call(call: Call) -> Self {
        Request {
            retry_safe: is_idempotent(call.method()),
            path: call.path_template().to_owned(),
            call,
            query: Vec::new(),
            headers: Vec::new(),
            body: None,
            accept: None,
            timeout: None,
            link: None,
            error: None,
            violation: None,
        }
    }

    /// The call, for errors and traces.
    pub(crate) fn call(&self) -> &Call {
        &self.call
    }

    /// Sends the request to `link`, a next-page link the API returned,
    /// instead of the path and query. Relative links resolve against the base
    /// URL; a link to another origin is refused, so the token never leaves it.
    pub fn follow(&mut self, link: &str) -> &mut Self {
        self.link = Some(link.to_owned());
        self
    }

    /// Marks the request as safe (or not) to send more than once, which lets
    /// the client retry it after a failure. By default `GET`, `HEAD`,
    /// `OPTIONS`, `PUT` and `DELETE` are safe; generated code marks the
    /// operations the document declares read-only, whatever their method.
    pub fn retry_safe(&mut self, safe: bool) -> &mut Self {
        self.retry_safe = safe;
        self
    }

    /// Limits this call (all attempts and the waits between them) to
    /// `timeout` instead of the client's default; `None` goes back to the
    /// client's default.
    pub fn timeout(&mut self, timeout: Option<Duration>) -> &mut Self {
        self.timeout = timeout;
        self
    }

    /// Substitutes `{name}` in the path with the percent-encoded `value` (a scalar).
    pub fn path_param<T: Serialize + ?Sized>(&mut self, name: &str, value: &T) -> &mut Self {
        let text = match self.scalar("path parameter", name, value) {
            Some(Some(text)) => text,
            Some(None) => {
                return self.fail(format!("path parameter `{name}` is required but was null"))
            }
            None => return self,
        };
        // "." and ".." would be removed by URL normalization and "" changes
        // which endpoint is hit, so none of them can be sent safely.
        if text.is_empty() || text == "." || text == ".." {
            return self.fail(format!("path parameter `{name}` cannot be {text:?}"));
        }
        let placeholder = format!("{{{name}}}");
        if !self.path.contains(&placeholder) {
            return self.fail(format!("path has no parameter `{name}`"));
        }
        let encoded = utf8_percent_encode(&text, COMPONENT).to_string();
        self.path = self.path.replace(&placeholder, &encoded);
        self
    }

    /// Adds a query parameter. `None`/null is skipped, each element of an
    /// array is sent as a repeated `name=element`, and objects are rejected.
    pub fn query<T: Serialize + ?Sized>(&mut self, name: &str, value: &T) -> &mut Self {
        let value = match serde_json::to_value(value) {
            Ok(value) => value,
            Err(e) => {
                return self.fail(format!(
                    "query parameter `{name}` could not be serialized: {e}"
                ))
            }
        };
        let items = match value {
            Value::Array(items) => items,
            other => vec![other],
        };
        for item in items {
            match scalar_text(item) {
                Ok(Some(text)) => {
                    let pair = format!(
                        "{}={}",
                        utf8_percent_encode(name, COMPONENT),
                        utf8_percent_encode(&text, COMPONENT)
                    );
                    self.query.push(pair);
                }
                Ok(None) => {}
                Err(kind) => {
                    return self.fail(format!(
                    "query parameter `{name}` is {kind}, which cannot be sent in a query string"
                ))
                }
            }
        }
        self
    }

    /// Adds a header. `None`/null is skipped and arrays are joined with commas.
    pub fn header<T: Serialize + ?Sized>(&mut self, name: &str, value: &T) -> &mut Self {
        let value = match serde_json::to_value(value) {
            Ok(value) => value,
            Err(e) => return self.fail(format!("header `{name}` could not be serialized: {e}")),
        };
        let items = match value {
            Value::Null => return self,
            Value::Array(items) => items,
            other => vec![other],
        };
        let mut parts = Vec::with_capacity(items.len());
        for item in items {
            match scalar_text(item) {
                Ok(Some(text)) => parts.push(text),
                Ok(None) => {}
                Err(kind) => {
                    return self.fail(format!(
                        "header `{name}` is {kind}, which cannot be sent as a header"
                    ))
                }
            }
        }
        let header_name = match HeaderName::from_bytes(name.as_bytes()) {
            Ok(header_name) => header_name,
            Err(_) => return self.fail(format!("`{name}` is not a valid header name")),
        };
        match HeaderValue::from_str(&parts.join(",")) {
            Ok(header_value) => self.headers.push((header_name, header_value)),
            Err(_) => {
                return self.fail(format!(
                    "header `{name}` contains characters not allowed in a header"
                ))
            }
        }
        self
    }

    /// Sets a JSON request body (and `Content-Type: application/json`).
    pub fn json<T: Serialize + ?Sized>(&mut self, body: &T) -> &mut Self {
        match serde_json::to_vec(body) {
            Ok(bytes) => self.body = Some(bytes),
            Err(e) => return self.fail(format!("request body could not be serialized: {e}")),
        }
        self
    }

    /// Checks `value`, the parameter `name` (its wire name), against `rules`;
    /// the first violation stops the request before it is sent.
    pub fn check_param<T: Serialize + ?Sized>(
        &mut self,
        name: &str,
        value: &T,
        rules: &'static [Rule],
    ) -> &mut Self {
        if self.violation.is_none() {
            if let Ok(value) = serde_json::to_value(value) {
                self.violation = validate::first_violation(name, &value, rules);
            }
        }
        self
    }

    /// [`json`](Self::json), checking the body against `rules` first.
    pub fn json_checked<T: Serialize + ?Sized>(
        &mut self,
        body: &T,
        rules: &'static [Rule],
    ) -> &mut Self {
        if self.violation.is_none() {
            // Serialized twice (bytes below): a `Value` sorts the keys, and
            // the body goes out in the order of the type's fields.
            if let Ok(value) = serde_json::to_value(body) {
                self.violation = validate::first_violation("", &value, rules);
            }
        }
        self.json(body)
    }

    /// Sets a body that is not JSON (form data, CSV, plain text) as is, with
    /// its content type.
    pub fn text_body(&mut self, content_type: &'static str, body: &str) -> &mut Self {
        self.bytes_body(
            HeaderValue::from_static(content_type),
            body.as_bytes().to_vec(),
        )
    }

    /// Sets a body as is, with its content type.
    pub(crate) fn bytes_body(&mut self, content_type: HeaderValue, body: Vec<u8>) -> &mut Self {
        self.headers
            .retain(|(name, _)| name != reqwest::header::CONTENT_TYPE);
        self.headers
            .push((reqwest::header::CONTENT_TYPE, content_type));
        self.body = Some(body);
        self
    }

    /// The full URL for `base_url`, or the first problem recorded while building.
    pub(crate) fn url(&self, base_url: &str) -> Result<String> {
        if let Some(message) = &self.error {
            return Err(Error::request(Some(&self.call), message.clone()));
        }
        if let Some(start) = self.path.find('{') {
            let rest = &self.path[start..];
            let missing = &rest[..rest.find('}').map_or(rest.len(), |end| end + 1)];
            return Err(Error::request(
                Some(&self.call),
                format!("path parameter {missing} was not set"),
            ));
        }
        if let Some(link) = &self.link {
            return resolve_link(base_url, link)
                .map_err(|message| Error::request(Some(&self.call), message));
        }
        let mut url = String::with_capacity(base_url.len() + self.path.len() + 1);
        url.push_str(base_url);
        url.push_str(&self.path);
        for (i, pair) in self.query.iter().enumerate() {
            url.push(if i == 0 { '?' } else { '&' });
            url.push_str(pair);
        }
        Ok(url)
    }

    /// Serializes a single-valued parameter: `Some(None)` for null, `None`
    /// after recording an error.
    fn scalar<T: Serialize + ?Sized>(
        &mut self,
        what: &str,
        name: &str,
        value: &T,
    ) -> Option<Option<String>> {
        let result = serde_json::to_value(value)
            .map_err(|e| format!("{what} `{name}` could not be serialized: {e}"))
            .and_then(|value| {
                scalar_text(value)
                    .map_err(|kind| format!("{what} `{name}` is {kind}, not a single value"))
            });
        match result {
            Ok(text) => Some(text),
            Err(message) => {
                self.fail(message);
                None
            }
        }
    }

    /// Remembers the first error; later ones are usually consequences of it.
    pub(crate) fn fail(&mut self, message: String) -> &mut Self {
        if self.error.is_none() {
            self.error = Some(message);
        }
        self
    }
}

/// Methods that are idempotent by definition (RFC 9110, section 9.2.2).
fn is_idempotent(method: &Method) -> bool {
    [
        Method::GET,
        Method::HEAD,
        Method::OPTIONS,
        Method::PUT,
        Method::DELETE,
    ]
    .contains(method)
}

/// The text of a scalar JSON value, `None` for null, or the kind of a
/// non-scalar value as the error.
fn scalar_text(value: Value) -> std::result::Result<Option<String>, &'static str> {
    match value {
        Value::Null => Ok(None),
        Value::String(s) => Ok(Some(s)),
        Value::Bool(b) => Ok(Some(b.to_string())),
        Value::Number(n) => Ok(Some(n.to_string())),
        Value::Array(_) => Err("a nested array"),
        Value::Object(_) => Err("an object"),
    }
}

/// `link` resolved against `base_url` (RFC 3986), if it stays on the same
/// origin. Messages leave the link out: its query may hold personal data.
fn resolve_link(base_url: &str, link: &str) -> std::result::Result<String, String> {
    let base = reqwest::Url::parse(&format!("{base_url}/"))
        .map_err(|e| format!("base URL {base_url} is invalid: {e}"))?;
    let url = base
        .join(link)
        .map_err(|e| format!("the API's next-page link is not a URL: {e}"))?;
    if url.origin() != base.origin() {
        return Err(format!(
            "the API's next-page link points to {}, another origin than the base URL; \
             not following it with your token",
            url.origin().ascii_serialization()
        ));
    }
    Ok(url.into())
}

#[cfg(test)]
mod tests {

    #[test]
    fn links_resolve_on_the_same_origin_only() {
        let base = "https://api.example.com/api/fire-edge";
        assert_eq!(
            resolve_link(base, "v1/users?page=2").unwrap(),
            "https://api.example.com/api/fire-edge/v1/users?page=2"
        );
        assert_eq!(
            resolve_link(base, "/api/fire-edge/v1/users?cursor=x").unwrap(),
            "https://api.example.com/api/fire-edge/v1/users?cursor=x"
        );
        assert_eq!(
            resolve_link(base, "https://api.example.com/next").unwrap(),
            "https://api.example.com/next"
        );
        let err = resolve_link(
            base,
            "https://evil.example.net/steal?email=jane@example.com",
        )
        .unwrap_err();
        assert!(
            err.contains("https://evil.example.net, another origin"),
            "{err}"
        );
        assert!(!err.contains("jane") && !err.contains("steal"), "{err}");
        let mut request = Request::new(Method::GET, "list", "/v1/users");
        request.query("page", &1);
        request.follow("/v1/users?cursor=abc");
        assert_eq!(
            request.url("https://h.test").unwrap(),
            "https://h.test/v1/users?cursor=abc"
        );
    }

    use super::*;
    use std::collections::BTreeMap;

    const BASE: &str = "https://api.example.com/edge";

    fn get(path: &'static str) -> Request {
        Request::new(Method::GET, "op", path)
    }

    #[derive(Serialize)]
    struct MeetingId(String);

    #[test]
    fn path_params_are_encoded() {
        let mut req = get("/v1/meetings/{meetingId}/guests/{n}");
        req.path_param("meetingId", &MeetingId("a b/c?d#e%f~g.h-i_j+é".into()));
        req.path_param("n", &42u32);
        assert_eq!(
            req.url(BASE).unwrap(),
            "https://api.example.com/edge/v1/meetings/a%20b%2Fc%3Fd%23e%25f~g.h-i_j%2B%C3%A9/guests/42"
        );
    }

    #[test]
    fn bad_path_params_are_reported() {
        for (value, expected) in [
            ("", "op (GET /v1/{id}): path parameter `id` cannot be \"\""),
            (
                "..",
                "op (GET /v1/{id}): path parameter `id` cannot be \"..\"",
            ),
        ] {
            let mut req = get("/v1/{id}");
            req.path_param("id", value);
            assert_eq!(req.url(BASE).unwrap_err().to_string(), expected);
        }
        let mut req = get("/v1/{id}");
        req.path_param("id", &None::<String>);
        assert_eq!(
            req.url(BASE).unwrap_err().to_string(),
            "op (GET /v1/{id}): path parameter `id` is required but was null"
        );
        let mut req = get("/v1/{id}");
        req.path_param("id", &vec![1, 2]);
        assert!(req
            .url(BASE)
            .unwrap_err()
            .to_string()
            .contains("not a single value"));
        let mut req = get("/v1/{id}/{other}");
        req.path_param("id", "x");
        assert_eq!(
            req.url(BASE).unwrap_err().to_string(),
            "op (GET /v1/{id}/{other}): path parameter {other} was not set"
        );
        let mut req = get("/v1/{id}");
        req.path_param("nope", "x");
        assert_eq!(
            req.url(BASE).unwrap_err().to_string(),
            "op (GET /v1/{id}): path has no parameter `nope`"
        );
    }

    #[test]
    fn query_encoding() {
        let mut req = get("/v1/list");
        req.query("page", &Some(2));
        req.query("skipped", &None::<i32>);
        req.query("ids", &vec!["a", "b c"]);
        req.query("empty", &Vec::<String>::new());
        req.query("q", "x&y=z+1%");
        req.query("flag", &true);
        req.query("ratio", &0.5f64);
        assert_eq!(
            req.url(BASE).unwrap(),
            "https://api.example.com/edge/v1/list?page=2&ids=a&ids=b%20c&q=x%26y%3Dz%2B1%25&flag=true&ratio=0.5"
        );
        assert_eq!(
            get("/v1/list").url(BASE).unwrap(),
            "https://api.example.com/edge/v1/list"
        );
    }

    #[test]
    fn query_objects_are_rejected() {
        let mut req = get("/v1/list");
        let mut filter = BTreeMap::new();
        filter.insert("a", 1);
        req.query("filter", &filter);
        req.query("later", &vec![vec![1]]);
        assert_eq!(
            req.url(BASE).unwrap_err().to_string(),
            "op (GET /v1/list): query parameter `filter` is an object, which cannot be sent in a query string"
        );
    }

    #[test]
    fn headers_and_body() {
        let mut req = get("/v1/x");
        req.header("X-Trace", "abc");
        req.header("X-Skip", &None::<String>);
        req.header("X-List", &[1, 2]);
        req.json(&serde_json::json!({"a": 1}));
        assert_eq!(req.headers.len(), 2);
        assert_eq!(req.headers[0].0.as_str(), "x-trace");
        assert_eq!(req.headers[1].1, "1,2");
        assert_eq!(req.body.as_deref(), Some(&br#"{"a":1}"#[..]));
        assert!(req.url(BASE).is_ok());

        let mut req = get("/v1/x");
        req.header("bad header", "v");
        assert!(req.url(BASE).is_err());
        let mut req = get("/v1/x");
        req.header("X-Bad", "line\nbreak");
        assert!(req.url(BASE).is_err());
    }

    #[test]
    fn retry_safety_and_timeout() {
        for (method, safe) in [
            (Method::GET, true),
            (Method::HEAD, true),
            (Method::OPTIONS, true),
            (Method::PUT, true),
            (Method::DELETE, true),
            (Method::POST, false),
            (Method::PATCH, false),
        ] {
            let req = Request::new(method.clone(), "op", "/v1/x");
            assert_eq!(req.retry_safe, safe, "{method}");
        }
        let mut req = Request::new(Method::POST, "op", "/v1/list/{id}");
        req.retry_safe(true).timeout(Some(Duration::from_secs(2)));
        req.path_param("id", "a");
        assert!(req.retry_safe);
        assert_eq!(req.timeout, Some(Duration::from_secs(2)));
        assert_eq!(req.call.path_template(), "/v1/list/{id}");
        req.retry_safe(false).timeout(None);
        assert!(!req.retry_safe);
        assert_eq!(req.timeout, None);
    }

    #[test]
    fn raw_paths_must_be_templates_under_the_base_url() {
        let mut req = Request::raw(Method::POST, "/v1/org/user/invite".into());
        req.json(&serde_json::json!({"email": "a@b.c"}));
        assert_eq!(
            req.url(BASE).unwrap(),
            "https://api.example.com/edge/v1/org/user/invite"
        );
        assert!(!req.retry_safe, "POST is not idempotent");
        assert_eq!(req.call.operation(), None);
        assert_eq!(
            req.call.to_string(),
            "raw request (POST /v1/org/user/invite)"
        );
        assert!(Request::raw(Method::PUT, "/v1/x".into()).retry_safe);
        for (path, why) in [
            ("https://evil.example.net/x", "must start with `/`"),
            ("/v1/x?email=a@b.c", "must not contain `?`"),
            ("/v1/x#frag", "must not contain `?` or `#`"),
        ] {
            let err = Request::raw(Method::GET, path.to_owned().into())
                .url(BASE)
                .unwrap_err();
            assert!(err.to_string().contains(why), "{path}: {err}");
        }
    }

    #[test]
    fn unserializable_body_is_reported() {
        let mut map = BTreeMap::new();
        map.insert(vec![1u8], 1);
        let mut req = get("/v1/x");
        req.json(&map);
        let err = req.url(BASE).unwrap_err();
        assert!(matches!(err, Error::Request { call: Some(_), .. }));
        assert_eq!(err.operation(), Some("op"));
        assert!(
            err.to_string()
                .starts_with("op (GET /v1/x): request body could not be serialized: "),
            "{err}"
        );
    }
}
