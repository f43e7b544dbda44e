//! Requests checked against the document's limits before they leave: a
//! request that breaks one fails locally with `Error::Request` naming the
//! field and the rule, and never reaches the server (wiremock on 127.0.0.1);
//! `validate_requests(false)` sends it anyway.

use chili_tests::{received, single_request};
use chilipiper_edge::types::{AddUsersToWorkspaceRequest, UserId};
use chilipiper_edge::{Client, Error, RetryPolicy};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN: &str = "cp_test_validation_0b9e44";

fn client_for(server: &MockServer, validate: bool) -> Client {
    Client::builder()
        .token(TOKEN)
        .base_url(server.uri())
        .retry(RetryPolicy::none())
        .validate_requests(validate)
        .build()
        .unwrap()
}

async fn server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/org/workspace/users/add"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({
            "errorCode": "INVALID", "errorMessage": "userIds must not be empty", "arguments": {}
        })))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/org/workspace"))
        .respond_with(ResponseTemplate::new(200).set_body_json(chili_tests::empty_page()))
        .mount(&server)
        .await;
    server
}

fn local_failure(err: &Error) -> &str {
    match err {
        Error::Request {
            call: Some(_),
            message,
        } => message,
        other => panic!("expected a local Error::Request, got {other:?}"),
    }
}

#[tokio::test]
async fn an_empty_user_list_fails_locally_and_goes_out_when_checking_is_off() {
    let server = server().await;
    let body = || AddUsersToWorkspaceRequest::new("ws-1", Vec::<UserId>::new());

    let err = client_for(&server, true)
        .workspace()
        .add_users(body())
        .await
        .unwrap_err();
    let message = local_failure(&err);
    assert!(
        message.starts_with("`userIds` must have at least 1 item (minItems: 1)"),
        "{message}"
    );
    assert!(message.contains("validate_requests(false)"), "{message}");
    assert_eq!(err.operation(), Some("workspaceAddUsers"));
    assert_eq!(err.attempts(), 0);
    assert_eq!(received(&server).await, 0, "nothing may reach the server");

    let err = client_for(&server, false)
        .workspace()
        .add_users(body())
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(400));
    let sent = single_request(&server).await;
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&sent.body).unwrap(),
        json!({ "workspaceId": "ws-1", "userIds": [] })
    );
}

#[tokio::test]
async fn nested_patterns_and_parameter_bounds_are_checked_without_showing_values() {
    let server = server().await;
    let client = client_for(&server, true);

    // `UserId` has `pattern: [^\s\\/]+`: an id of only spaces breaks it.
    let body =
        AddUsersToWorkspaceRequest::new("ws-1", vec![UserId::from("u-1"), UserId::from("   ")]);
    let err = client.workspace().add_users(body).await.unwrap_err();
    let message = local_failure(&err);
    assert!(
        message.starts_with("`userIds[1]` does not match the pattern `[^\\s\\\\/]+`"),
        "{message}"
    );

    // `pageSize` has `exclusiveMinimum: 0`.
    let err = client.workspace().list().page_size(0).await.unwrap_err();
    let message = err.to_string();
    assert!(
        message.contains("`pageSize` must be greater than 0 (exclusiveMinimum: 0)"),
        "{message}"
    );
    assert_eq!(received(&server).await, 0);

    // Within the limits, the same calls go out.
    client.workspace().list().page_size(5).await.unwrap();
    assert_eq!(received(&server).await, 1);
}
