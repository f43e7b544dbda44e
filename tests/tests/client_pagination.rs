//! Paginated list operations walked as streams, against a real HTTP server
//! on 127.0.0.1 that serves pages from a fixed list of items.

use chilipiper_edge::types::{FindAllRequest, QueryMeetingsRequest};
use chilipiper_edge::{Client, StreamExt};
use serde_json::{json, Value};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

fn client(server: &MockServer) -> Client {
    Client::builder()
        .token("t")
        .base_url(server.uri())
        .build()
        .unwrap()
}

fn workspace(i: usize) -> Value {
    json!({"id": format!("w{i}"), "name": format!("Workspace {i}"), "metadata": {"createdAt": "2026-01-01T00:00:00Z", "createdBy": "user/1", "updatedAt": "2026-01-01T00:00:00Z", "updatedBy": "user/1", "revision": 1}})
}

/// Where a request carries its page number and size.
#[derive(Clone, Copy)]
enum Paging {
    Query,
    Body,
}

/// Serves `PaginatedResult_X` pages of `total` items, `default_size` per page
/// unless the request asks for another size; `fail_page` answers 500.
struct Pages {
    total: usize,
    default_size: usize,
    paging: Paging,
    fail_page: Option<usize>,
    item: fn(usize) -> Value,
}

impl Pages {
    fn page_of(&self, request: &Request) -> (usize, usize) {
        let (page, size) = match self.paging {
            Paging::Query => {
                let get = |name: &str| {
                    request
                        .url
                        .query_pairs()
                        .find(|(k, _)| k == name)
                        .map(|(_, v)| v.parse::<usize>().unwrap())
                };
                (get("page"), get("pageSize"))
            }
            Paging::Body => {
                let body: Value = serde_json::from_slice(&request.body).unwrap();
                let get = |name: &str| body.get(name).and_then(Value::as_u64).map(|n| n as usize);
                (get("page"), get("pageSize"))
            }
        };
        (page.unwrap_or(0), size.unwrap_or(self.default_size))
    }
}

impl Respond for Pages {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let (page, size) = self.page_of(request);
        if Some(page) == self.fail_page {
            return ResponseTemplate::new(500)
                .set_body_json(json!({"errorCode": "BOOM", "errorMessage": "page failed"}));
        }
        let results: Vec<Value> = (page * size..((page + 1) * size).min(self.total))
            .map(self.item)
            .collect();
        ResponseTemplate::new(200).set_body_json(
            json!({"results": results, "total": self.total, "page": page, "pageSize": size}),
        )
    }
}

/// The page numbers the server was asked for, in order.
async fn pages_requested(server: &MockServer, paging: Paging) -> Vec<usize> {
    let responder = Pages {
        total: 0,
        default_size: 0,
        paging,
        fail_page: None,
        item: workspace,
    };
    server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| responder.page_of(r).0)
        .collect()
}

#[tokio::test]
async fn query_paged_list_walks_every_page_up_to_total() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/org/workspace"))
        .respond_with(Pages {
            total: 5,
            default_size: 50,
            paging: Paging::Query,
            fail_page: None,
            item: workspace,
        })
        .mount(&server)
        .await;
    let all = client(&server)
        .workspace()
        .list()
        .page_size(2)
        .collect_all()
        .await
        .unwrap();
    let ids: Vec<String> = all.iter().map(|w| w.id.to_string()).collect();
    assert_eq!(ids, ["w0", "w1", "w2", "w3", "w4"]);
    // Page 2 holds the last item and reaches the total: no fourth request.
    assert_eq!(pages_requested(&server, Paging::Query).await, [0, 1, 2]);
}

#[tokio::test]
async fn pages_are_fetched_lazily() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(Pages {
            total: 100,
            default_size: 10,
            paging: Paging::Query,
            fail_page: None,
            item: workspace,
        })
        .mount(&server)
        .await;
    let client = client(&server);
    let first_three: Vec<_> = client
        .workspace()
        .list()
        .page_size(10)
        .items()
        .take(3)
        .collect()
        .await;
    assert_eq!(first_three.len(), 3);
    assert_eq!(
        pages_requested(&server, Paging::Query).await,
        [0],
        "only the first page was needed"
    );
}

#[tokio::test]
async fn walk_starts_at_the_page_the_caller_set() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(Pages {
            total: 7,
            default_size: 3,
            paging: Paging::Query,
            fail_page: None,
            item: workspace,
        })
        .mount(&server)
        .await;
    let all = client(&server)
        .workspace()
        .list()
        .page(1)
        .page_size(3)
        .collect_all()
        .await
        .unwrap();
    let ids: Vec<String> = all.iter().map(|w| w.id.to_string()).collect();
    assert_eq!(ids, ["w3", "w4", "w5", "w6"]);
    assert_eq!(pages_requested(&server, Paging::Query).await, [1, 2]);
}

#[tokio::test]
async fn a_failing_page_ends_the_stream_after_the_items_already_yielded() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(Pages {
            total: 10,
            default_size: 2,
            paging: Paging::Query,
            fail_page: Some(1),
            item: workspace,
        })
        .mount(&server)
        .await;
    let results: Vec<_> = client(&server)
        .workspace()
        .list()
        .page_size(2)
        .items()
        .collect()
        .await;
    assert_eq!(results.len(), 3, "{results:?}");
    assert!(results[0].is_ok() && results[1].is_ok());
    let err = results[2].as_ref().unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(500));
    assert_eq!(err.error_code(), Some("BOOM"));
    assert_eq!(
        pages_requested(&server, Paging::Query).await,
        [0, 1],
        "no page after the failure"
    );
    // collect_all gives the error.
    let err = client(&server)
        .workspace()
        .list()
        .page_size(2)
        .collect_all()
        .await
        .unwrap_err();
    assert_eq!(err.error_code(), Some("BOOM"));
}

#[tokio::test]
async fn an_empty_first_page_ends_the_walk() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(Pages {
            total: 0,
            default_size: 50,
            paging: Paging::Query,
            fail_page: None,
            item: workspace,
        })
        .mount(&server)
        .await;
    let all = client(&server)
        .workspace()
        .list()
        .collect_all()
        .await
        .unwrap();
    assert!(all.is_empty());
    assert_eq!(pages_requested(&server, Paging::Query).await, [0]);
}

fn team(i: usize) -> Value {
    json!({"id": format!("t{i}"), "workspaceId": "w1", "name": format!("Team {i}"), "metadata": {}})
}

#[tokio::test]
async fn body_paged_list_puts_the_page_in_the_json_body() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(path("/v2/org/team"))
        .respond_with(Pages {
            total: 5,
            default_size: 50,
            paging: Paging::Body,
            fail_page: None,
            item: team,
        })
        .mount(&server)
        .await;
    let request: FindAllRequest =
        serde_json::from_value(json!({"workspaceIds": ["w1"], "pageSize": 2})).unwrap();
    let teams = client(&server)
        .team()
        .list(request)
        .collect_all()
        .await
        .unwrap();
    let names: Vec<&str> = teams.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["Team 0", "Team 1", "Team 2", "Team 3", "Team 4"]);
    let bodies: Vec<Value> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| serde_json::from_slice(&r.body).unwrap())
        .collect();
    assert_eq!(bodies.len(), 3);
    for (i, body) in bodies.iter().enumerate() {
        // The rest of the body is kept on every page.
        assert_eq!(
            body,
            &json!({"workspaceIds": ["w1"], "page": i, "pageSize": 2})
        );
    }
}

#[tokio::test]
async fn untyped_pages_follow_the_has_more_flag() {
    let server = MockServer::start().await;
    let page = |items: Value, more: bool| json!({"data": items, "hasMore": if more { "Yes" } else { "No" }, "hasMoreItems": more});
    Mock::given(method("PUT"))
        .and(path("/v2/org/meetings/meetings"))
        .and(wiremock::matchers::body_partial_json(json!({"page": 0})))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(page(json!([{"id": "m1"}, {"id": "m2"}]), true)),
        )
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path("/v2/org/meetings/meetings"))
        .and(wiremock::matchers::body_partial_json(json!({"page": 1})))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(json!([{"id": "m3"}]), false)))
        .mount(&server)
        .await;
    let request: QueryMeetingsRequest = serde_json::from_value(
        json!({"start": "2026-11-01T00:00:00Z", "end": "2026-11-02T00:00:00Z", "pageSize": 2}),
    )
    .unwrap();
    let meetings = client(&server)
        .meetings()
        .list(request)
        .collect_all()
        .await
        .unwrap();
    let ids: Vec<&str> = meetings.iter().map(|m| m["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["m1", "m2", "m3"]);
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}
