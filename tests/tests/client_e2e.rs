//! End-to-end tests of the generated Chili Piper Edge client: real generated
//! operations against a real HTTP server on 127.0.0.1 (wiremock).
//!
//! Each test drives one operation of `chilipiper_edge` through the whole
//! stack (builder, request assembly, reqwest, HTTP, decoding) and checks both
//! what went over the wire and what came back.

use chili_tests::{client, single_request};
use chilipiper_edge::types::{
    CreateRuleDto, CreateRuleDtoCreateRuleRequest, DataFieldDataType, DataFieldDataTypePicklist,
    DataFieldMapping, DataFieldMappingSalesforce, DataFieldObjectType, DataObject, DataReference,
    DataSource, ExportMeetingsRequest, LogicalOperator, MeetingStatus,
    NonOwnershipConditionsRequest, NonOwnershipConditionsRequestConditionGroup,
    NonOwnershipConditionsRequestSingleParameterCondition,
    NonOwnershipConditionsRequestStaticValueCondition, Operator, RuleBuilderVersion,
    RuleCreateRequest, RuleView, SingleOperator, WorkspaceResetPeriodicity,
    WorkspaceResetPeriodicityDaily,
};
use chilipiper_edge::{ApiErrorBody, Client, Error, RetryPolicy};
use chrono::{DateTime, TimeZone, Utc};
use serde_json::{json, Value};
use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN: &str = "cp_test_e2e_7f3a9c";

/// A client with the default settings, as a user would make it.
async fn client_for(server: &MockServer) -> Client {
    client(server.uri(), TOKEN, RetryPolicy::default())
}

fn utc(text: &str) -> DateTime<Utc> {
    text.parse().expect("valid RFC 3339 timestamp")
}

fn metadata_json() -> Value {
    json!({
        "createdAt": "2024-03-05T09:15:00Z",
        "createdBy": "user/17a3d4563d5a67a3d456ad635",
        "updatedAt": "2024-06-01T12:00:00.250Z",
        "updatedBy": "apikey/5c1e2f",
        "revision": 4
    })
}

// ---------------------------------------------------------------------------
// 1. Paginated GET with query parameters
// ---------------------------------------------------------------------------

#[tokio::test]
async fn paginated_get_sends_query_and_bearer_and_decodes_the_page() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/org/workspace"))
        .and(query_param("page", "1"))
        .and(query_param("pageSize", "2"))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "results": [
                {
                    "id": "ws_3f1c9a",
                    "name": "EMEA Sales",
                    "emoji": "🌍",
                    "logo": "https://cdn.example.com/logos/emea.png",
                    "metadata": metadata_json()
                },
                {
                    "id": "ws_8b2e77",
                    "name": "North America — Inbound",
                    "metadata": {
                        "createdAt": "2023-11-20T17:45:30Z",
                        "createdBy": "user/0a1b2c",
                        "updatedAt": "2023-11-20T17:45:30Z",
                        "updatedBy": "user/0a1b2c",
                        "revision": 1
                    }
                }
            ],
            "total": 5,
            "page": 1,
            "pageSize": 2
        })))
        .expect(1)
        .mount(&server)
        .await;

    let client = client_for(&server).await;
    let page = client
        .workspace()
        .list()
        .page(1)
        .page_size(2)
        .await
        .expect("workspaceList succeeds");

    assert_eq!(page.total, 5);
    assert_eq!(page.page, 1);
    assert_eq!(page.page_size, 2);
    let results = page.results.expect("results present");
    assert_eq!(results.len(), 2);

    let emea = &results[0];
    assert_eq!(emea.id.as_ref(), "ws_3f1c9a");
    assert_eq!(emea.name, "EMEA Sales");
    assert_eq!(emea.emoji.as_deref(), Some("🌍"));
    assert_eq!(
        emea.logo.as_deref(),
        Some("https://cdn.example.com/logos/emea.png")
    );
    assert_eq!(
        emea.metadata.created_at,
        Utc.with_ymd_and_hms(2024, 3, 5, 9, 15, 0).unwrap()
    );
    assert_eq!(emea.metadata.updated_at, utc("2024-06-01T12:00:00.250Z"));
    assert_eq!(emea.metadata.created_by, "user/17a3d4563d5a67a3d456ad635");
    assert_eq!(emea.metadata.updated_by, "apikey/5c1e2f");
    assert_eq!(emea.metadata.revision, 4);

    let na = &results[1];
    assert_eq!(na.id.as_ref(), "ws_8b2e77");
    assert_eq!(na.name, "North America — Inbound");
    assert_eq!(na.emoji, None);
    assert_eq!(na.logo, None);
    assert_eq!(na.metadata.revision, 1);

    // The query string is exactly the two parameters, in call order.
    let request = single_request(&server).await;
    assert_eq!(request.url.query(), Some("page=1&pageSize=2"));
}

// ---------------------------------------------------------------------------
// 2. POST whose body is a discriminated union; a union in the response
// ---------------------------------------------------------------------------

fn data_reference(field: &str) -> DataReference {
    DataReference::new(DataSource::Sf, DataObject::from("Lead"), field)
}

/// A condition tree: a group (union variant) holding two other union variants.
fn rule_conditions() -> NonOwnershipConditionsRequest {
    // Structs are `#[non_exhaustive]`: built with `new(required...)`, optional fields assigned.
    let mut group = NonOwnershipConditionsRequestConditionGroup::new(
        "grp-emea",
        LogicalOperator::And,
        vec![
            NonOwnershipConditionsRequest::StaticValueCondition(
                NonOwnershipConditionsRequestStaticValueCondition::new(
                    "cond-country",
                    data_reference("Country"),
                    Operator::IsAnyOf,
                    json!(["DE", "FR", "GB"]),
                ),
            ),
            NonOwnershipConditionsRequest::SingleParameterCondition(
                NonOwnershipConditionsRequestSingleParameterCondition::new(
                    "cond-company",
                    data_reference("Company"),
                    SingleOperator::NotEmpty,
                ),
            ),
        ],
    );
    group.name = Some("Enterprise in EMEA".into());
    NonOwnershipConditionsRequest::ConditionGroup(group)
}

fn rule_conditions_json() -> Value {
    json!({
        "type": "ConditionGroup",
        "id": "grp-emea",
        "name": "Enterprise in EMEA",
        "operator": "and",
        "conditions": [
            {
                "type": "StaticValueCondition",
                "conditionId": "cond-country",
                "dataReference": {"source": "SF", "object": "Lead", "field": "Country"},
                "operator": "isAnyOf",
                "value": ["DE", "FR", "GB"]
            },
            {
                "type": "SingleParameterCondition",
                "conditionId": "cond-company",
                "dataReference": {"source": "SF", "object": "Lead", "field": "Company"},
                "operator": "notEmpty"
            }
        ]
    })
}

fn rule_create_body() -> RuleCreateRequest {
    RuleCreateRequest::new(CreateRuleDto::CreateRuleRequest(
        CreateRuleDtoCreateRuleRequest::new(
            "ws_3f1c9a",
            "Enterprise EMEA leads",
            rule_conditions(),
        ),
    ))
}

#[tokio::test]
async fn post_with_a_tagged_union_body_sends_each_tag_once_and_decodes_a_union_response() {
    let server = MockServer::start().await;
    let expected_body = json!({
        "dto": {
            "type": "CreateRuleRequest",
            "workspaceId": "ws_3f1c9a",
            "name": "Enterprise EMEA leads",
            "conditions": rule_conditions_json()
        }
    });
    let mut conditions_out = rule_conditions_json();
    // An extra field the client does not know must not break decoding.
    conditions_out["evaluatedBy"] = json!("rules-engine-v2");
    Mock::given(method("POST"))
        .and(path("/v1/org/rule"))
        .and(header("content-type", "application/json"))
        .and(body_json(&expected_body))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "type": "NonOwnershipRule",
            "id": "3b4c5d6e-7f8a-4b9c-9d0e-1f2a3b4c5d6e",
            "workspaceId": "ws_3f1c9a",
            "name": "Enterprise EMEA leads",
            "conditions": conditions_out,
            "ruleBuilderVersion": "ExplicitV1",
            "product": "Distro",
            "metadata": metadata_json()
        })))
        .expect(1)
        .mount(&server)
        .await;

    let client = client_for(&server).await;
    let view = client
        .rule()
        .create(rule_create_body())
        .send()
        .await
        .expect("ruleCreate succeeds");

    // The response union decodes into the right variant, nested unions included.
    assert_eq!(view.tag(), Some("NonOwnershipRule"));
    let RuleView::NonOwnershipRule(rule) = view else {
        panic!("expected RuleView::NonOwnershipRule, got {view:?}");
    };
    assert_eq!(rule.id.as_ref(), "3b4c5d6e-7f8a-4b9c-9d0e-1f2a3b4c5d6e");
    assert_eq!(rule.workspace_id.as_ref(), "ws_3f1c9a");
    assert_eq!(rule.name, "Enterprise EMEA leads");
    assert_eq!(rule.conditions, rule_conditions());
    assert_eq!(rule.rule_builder_version, RuleBuilderVersion::ExplicitV1);
    assert_eq!(
        rule.product,
        Some(chilipiper_edge::types::ChiliProduct::Distro)
    );
    assert_eq!(rule.metadata.revision, 4);

    // On the wire: every union object carries its tag exactly once, and the
    // payload fields are not duplicated (body_json above already checked the
    // parsed value; duplicates would collapse there, so count in the raw text).
    let request = single_request(&server).await;
    let raw = String::from_utf8(request.body.clone()).expect("UTF-8 body");
    let count = |needle: &str| raw.matches(needle).count();
    assert_eq!(count(r#""type":"#), 4, "{raw}");
    assert_eq!(count(r#""type":"CreateRuleRequest""#), 1, "{raw}");
    assert_eq!(count(r#""type":"ConditionGroup""#), 1, "{raw}");
    assert_eq!(count(r#""type":"StaticValueCondition""#), 1, "{raw}");
    assert_eq!(count(r#""type":"SingleParameterCondition""#), 1, "{raw}");
    assert_eq!(count(r#""workspaceId":"#), 1, "{raw}");
    assert_eq!(count(r#""conditionId":"#), 2, "{raw}");
    assert_eq!(count(r#""dto":"#), 1, "{raw}");
    // `ruleId: None` is omitted, not sent as null.
    assert!(!raw.contains("ruleId"), "{raw}");
    assert!(!raw.contains("null"), "{raw}");
}

// ---------------------------------------------------------------------------
// 3. CSV export returns the body verbatim
// ---------------------------------------------------------------------------

#[tokio::test]
async fn csv_export_returns_the_text_verbatim() {
    let csv = "\u{feff}Meeting ID,Guest,Title,Start,Status\r\n\
               7d7c1f9e-2b1a-4c55-9a4e-0f3b8e2a6c11,Zoë Müller,\"Démo, 東京 🌶️\",2025-01-08T13:46:18Z,Active\r\n\
               a1b2c3d4-0000-4000-8000-000000000001,\"O'Brien, Seán\",\"Quote \"\"inside\"\"\",2025-01-09T08:00:00Z,NoShow\r\n";
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(path("/v3/org/meetings/meetings/export"))
        .and(header("content-type", "application/json"))
        .and(body_json(json!({
            "workspaceIds": ["ws_3f1c9a"],
            "start": "2025-01-06T00:00:00Z",
            "end": "2025-01-13T00:00:00Z",
            "status": ["Active", "NoShow"]
        })))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("content-disposition", "attachment; filename=meetings.csv")
                .set_body_raw(csv.as_bytes().to_vec(), "text/csv; charset=utf-8"),
        )
        .expect(1)
        .mount(&server)
        .await;

    let client = client_for(&server).await;
    let text = client
        .meetings()
        .export({
            let mut request = ExportMeetingsRequest::new(
                utc("2025-01-06T00:00:00Z"),
                utc("2025-01-13T00:00:00Z"),
            );
            request.workspace_ids = Some(vec!["ws_3f1c9a".into()]);
            request.status = Some(vec![MeetingStatus::Active, MeetingStatus::NoShow]);
            request
        })
        .await
        .expect("meetingExportV2Put succeeds");

    assert_eq!(text, csv, "byte-for-byte, BOM and CRLF included");
    assert_eq!(text.lines().count(), 3);
}

#[tokio::test]
async fn csv_export_replaces_invalid_utf8_instead_of_failing() {
    let server = MockServer::start().await;
    let mut body = b"id,name\r\n1,Zo".to_vec();
    body.push(0xFF); // not UTF-8
    body.extend_from_slice("ë\r\n".as_bytes());
    Mock::given(method("PUT"))
        .and(path("/v3/org/meetings/meetings/export"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(body, "text/csv; charset=utf-8"))
        .mount(&server)
        .await;

    let client = client_for(&server).await;
    let text = client
        .meetings()
        .export(ExportMeetingsRequest::new(
            utc("2025-01-06T00:00:00Z"),
            utc("2025-01-07T00:00:00Z"),
        ))
        .await
        .expect("meetingExportV2Put succeeds");
    assert_eq!(text, "id,name\r\n1,Zo\u{fffd}ë\r\n");
}

// ---------------------------------------------------------------------------
// 4-6. Error responses
// ---------------------------------------------------------------------------

#[tokio::test]
async fn plain_text_400_becomes_an_api_error_with_a_text_body() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/org/workspace"))
        .and(query_param("page", "-1"))
        .respond_with(
            ResponseTemplate::new(400).set_body_string("Invalid value for: query parameter page\n"),
        )
        .expect(1)
        .mount(&server)
        .await;

    // `page: -1` breaks the document's `minimum: 0`: checking is turned off
    // so the request reaches the server, whose answer is the subject here.
    let client = Client::builder()
        .token(TOKEN)
        .base_url(server.uri())
        .validate_requests(false)
        .build()
        .unwrap();
    let err = client
        .workspace()
        .list()
        .page(-1)
        .await
        .expect_err("400 is an error");

    assert_eq!(err.status().map(|s| s.as_u16()), Some(400));
    assert_eq!(err.operation(), Some("workspaceList"));
    assert_eq!(err.error_code(), None);
    assert_eq!(
        err.error_message(),
        Some("Invalid value for: query parameter page")
    );
    assert!(!err.is_retryable());
    assert_eq!(
        err.to_string(),
        "workspaceList (GET /v1/org/workspace): HTTP 400 Bad Request: Invalid value for: query parameter page"
    );
    let Error::Api(api) = &err else {
        panic!("expected Error::Api, got {err:?}");
    };
    assert_eq!(api.call.operation(), Some("workspaceList"));
    assert_eq!(api.call.path_template(), "/v1/org/workspace");
    assert_eq!(api.status.as_u16(), 400);
    assert_eq!(
        api.body,
        ApiErrorBody::Text("Invalid value for: query parameter page".into())
    );
    assert_eq!(api.raw, "Invalid value for: query parameter page\n");
    assert_eq!(api.request_id, None);
}

#[tokio::test]
async fn json_error_body_on_404_exposes_code_message_arguments_and_request_id() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/org/data-fields/lead_score"))
        .respond_with(
            ResponseTemplate::new(404)
                .insert_header("x-request-id", "req-9f2c1e")
                .set_body_json(json!({
                    "errorCode": "DATA_FIELD_NOT_FOUND",
                    "errorMessage": "Data field lead_score was not found",
                    "arguments": {"reference": "lead_score", "attempt": 2, "archived": false}
                })),
        )
        .expect(1)
        .mount(&server)
        .await;

    let client = client_for(&server).await;
    let err = client
        .data_field()
        .get("lead_score")
        .await
        .expect_err("404 is an error");

    assert_eq!(err.status().map(|s| s.as_u16()), Some(404));
    assert_eq!(err.operation(), Some("dataFieldGet"));
    assert_eq!(err.error_code(), Some("DATA_FIELD_NOT_FOUND"));
    assert_eq!(
        err.error_message(),
        Some("Data field lead_score was not found")
    );
    assert_eq!(err.request_id(), Some("req-9f2c1e"));
    assert!(!err.is_retryable());
    assert_eq!(
        err.to_string(),
        "dataFieldGet (GET /v1/org/data-fields/{reference}): HTTP 404 Not Found: [DATA_FIELD_NOT_FOUND] Data field lead_score was not found (request id req-9f2c1e)"
    );
    let Error::Api(api) = &err else {
        panic!("expected Error::Api, got {err:?}");
    };
    let ApiErrorBody::Json(body) = &api.body else {
        panic!("expected a JSON error body, got {:?}", api.body);
    };
    assert_eq!(body.error_code, "DATA_FIELD_NOT_FOUND");
    assert_eq!(
        body.arguments.get("reference").map(String::as_str),
        Some("lead_score")
    );
    assert_eq!(body.arguments.get("attempt").map(String::as_str), Some("2"));
    assert_eq!(
        body.arguments.get("archived").map(String::as_str),
        Some("false")
    );
    assert_eq!(body.arguments.len(), 3);
}

#[tokio::test]
async fn json_error_body_on_500_without_arguments() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/org/rule"))
        .respond_with(ResponseTemplate::new(500).set_body_json(json!({
            "errorCode": "INTERNAL_ERROR",
            "errorMessage": "Something went wrong.\nPlease retry later."
        })))
        .expect(1)
        .mount(&server)
        .await;

    let client = client_for(&server).await;
    let err = client
        .rule()
        .create(rule_create_body())
        .await
        .expect_err("500 is an error");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(500));
    assert_eq!(err.error_code(), Some("INTERNAL_ERROR"));
    assert_eq!(
        err.error_message(),
        Some("Something went wrong.\nPlease retry later.")
    );
    assert!(!err.is_retryable(), "500 is not in the retryable set");
    // Display stays on one line.
    assert_eq!(
        err.to_string(),
        "ruleCreate (POST /v1/org/rule): HTTP 500 Internal Server Error: [INTERNAL_ERROR] Something went wrong. Please retry later."
    );
    let Error::Api(api) = &err else {
        panic!("expected Error::Api, got {err:?}");
    };
    let ApiErrorBody::Json(body) = &api.body else {
        panic!("expected a JSON error body, got {:?}", api.body);
    };
    assert!(body.arguments.is_empty());
}

#[tokio::test]
async fn empty_401_is_an_api_error_that_never_shows_the_token() {
    const SECRET: &str = "sk_live_SUPER_SECRET_e2e_0123456789";
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/org/workspace"))
        .and(header("authorization", format!("Bearer {SECRET}").as_str()))
        .respond_with(ResponseTemplate::new(401))
        .expect(1)
        .mount(&server)
        .await;

    let client = Client::builder()
        .token(SECRET)
        .base_url(server.uri())
        .build()
        .unwrap();
    let err = client
        .workspace()
        .list()
        .await
        .expect_err("401 is an error");

    assert_eq!(err.status().map(|s| s.as_u16()), Some(401));
    assert_eq!(err.error_code(), None);
    assert_eq!(err.error_message(), None);
    assert!(!err.is_retryable());
    let Error::Api(api) = &err else {
        panic!("expected Error::Api, got {err:?}");
    };
    assert_eq!(api.body, ApiErrorBody::Empty);
    assert_eq!(api.raw, "");
    assert_eq!(
        err.to_string(),
        "workspaceList (GET /v1/org/workspace): HTTP 401 Unauthorized"
    );

    for text in [
        format!("{err}"),
        format!("{err:?}"),
        format!("{err:#?}"),
        format!("{api}"),
        format!("{api:?}"),
    ] {
        assert!(!text.contains(SECRET), "token leaked: {text}");
        assert!(!text.contains("SUPER_SECRET"), "token leaked: {text}");
    }
}

// ---------------------------------------------------------------------------
// 7. Forward compatibility: unknown enum values, unknown union tags, extra fields
// ---------------------------------------------------------------------------

#[tokio::test]
async fn unknown_enum_values_union_tags_and_extra_fields_are_tolerated() {
    let unknown_data_type = json!({"type": "Currency", "precision": 2, "currencyCode": "EUR"});
    let unknown_mapping = json!({
        "type": "Pipedrive",
        "object": "deal",
        "field": "score",
        "overwrite": false,
        "pipeline": {"id": 7, "stages": ["new", "won"]}
    });
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/org/data-fields/lead_score"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "reference": "lead_score",
            "objectType": "Opportunity",
            "label": "Lead score",
            "dataType": unknown_data_type,
            "mappings": [
                {
                    "type": "Salesforce",
                    "object": "Lead",
                    "field": "Score__c",
                    "overwrite": true,
                    "syncDirection": "both"
                },
                unknown_mapping,
                {"object": "untagged", "field": "x", "overwrite": true}
            ],
            "smartParameters": ["score"],
            "introducedIn": "2.0",
            "audit": {"by": "someone", "at": "2025-01-01T00:00:00Z"}
        })))
        .expect(1)
        .mount(&server)
        .await;

    let client = client_for(&server).await;
    let details = client
        .data_field()
        .get("lead_score")
        .await
        .expect("unknown values must not fail decoding");

    assert_eq!(details.reference, "lead_score");
    assert_eq!(details.label, "Lead score");
    assert_eq!(details.smart_parameters, Some(vec!["score".to_string()]));

    // Open enum: the unknown value is kept as sent, and written back as is.
    assert_eq!(
        details.object_type,
        DataFieldObjectType::Unknown("Opportunity".into())
    );
    assert_eq!(details.object_type.as_str(), "Opportunity");
    assert_eq!(
        serde_json::to_value(&details.object_type).unwrap(),
        json!("Opportunity")
    );

    // Union with an unknown tag: the raw JSON is kept and round-trips.
    assert_eq!(
        details.data_type,
        DataFieldDataType::Unknown(unknown_data_type.clone())
    );
    assert_eq!(details.data_type.tag(), Some("Currency"));
    assert_eq!(
        serde_json::to_value(&details.data_type).unwrap(),
        unknown_data_type
    );

    let mappings = details.mappings.as_deref().expect("mappings present");
    assert_eq!(mappings.len(), 3);
    // Known tag, with an extra field that is ignored.
    assert_eq!(
        mappings[0],
        DataFieldMapping::Salesforce(DataFieldMappingSalesforce::new("Lead", "Score__c", true))
    );
    assert_eq!(
        mappings[1],
        DataFieldMapping::Unknown(unknown_mapping.clone())
    );
    assert_eq!(mappings[1].tag(), Some("Pipedrive"));
    assert_eq!(serde_json::to_value(&mappings[1]).unwrap(), unknown_mapping);
    // No tag at all: also kept raw.
    assert!(matches!(&mappings[2], DataFieldMapping::Unknown(v) if v["object"] == "untagged"));
    assert_eq!(mappings[2].tag(), None);

    // Re-serializing the whole object drops only the unknown object fields;
    // the unknown enum value and union payloads are written back verbatim.
    let back = serde_json::to_value(&details).unwrap();
    assert_eq!(back["objectType"], json!("Opportunity"));
    assert_eq!(back["dataType"], unknown_data_type);
    assert_eq!(back["mappings"][1], unknown_mapping);
    assert_eq!(
        back["mappings"][0],
        json!({"type": "Salesforce", "object": "Lead", "field": "Score__c", "overwrite": true})
    );
    assert!(back.get("introducedIn").is_none());
    assert!(back.get("audit").is_none());
}

// ---------------------------------------------------------------------------
// 8. DELETE with an empty body; percent-encoded path parameter
// ---------------------------------------------------------------------------

#[tokio::test]
async fn delete_with_empty_response_and_percent_encoded_path_parameter() {
    let server = MockServer::start().await;
    // Space, slash, query and fragment delimiters, percent, apostrophe and
    // non-ASCII are all encoded, so the value stays one path segment.
    Mock::given(method("DELETE"))
        .and(path(
            "/v1/org/data-fields/Zo%C3%AB%27s%20field%2F1%20%3Fx%3D1%23top%25~._-",
        ))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;

    let client = client_for(&server).await;
    let unit: () = client
        .data_field()
        .delete("Zoë's field/1 ?x=1#top%~._-")
        .await
        .expect("dataFieldDelete succeeds");
    let () = unit;

    let request = single_request(&server).await;
    assert_eq!(request.url.query(), None);
    assert!(request.body.is_empty());
    assert!(request.headers.get("content-type").is_none());
}

#[tokio::test]
async fn delete_ignores_a_non_empty_success_body() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .and(path(
            "/v1/org/concierge/routers/concierge/0b9e2d4c-5a7f-4e31-9c2d-8f6a1b3e5d70",
        ))
        .respond_with(ResponseTemplate::new(200).set_body_string("deleted"))
        .expect(1)
        .mount(&server)
        .await;
    let client = client_for(&server).await;
    client
        .concierge()
        .delete_router(uuid::Uuid::parse_str("0b9e2d4c-5a7f-4e31-9c2d-8f6a1b3e5d70").unwrap())
        .await
        .expect("conciergeRouterDelete succeeds");
}

#[tokio::test]
async fn dot_dot_path_parameter_is_rejected_before_sending() {
    let server = MockServer::start().await;
    let client = client_for(&server).await;
    let err = client
        .data_field()
        .delete("..")
        .await
        .expect_err("`..` would escape the path");
    assert!(matches!(err, Error::Request { .. }), "{err:?}");
    assert_eq!(err.operation(), Some("dataFieldDelete"));
    assert_eq!(err.status(), None);
    assert!(
        err.to_string()
            .starts_with("dataFieldDelete (DELETE /v1/org/data-fields/{reference}): "),
        "{err}"
    );
    let requests = server.received_requests().await.unwrap();
    assert!(requests.is_empty(), "nothing may be sent: {requests:?}");
}

// ---------------------------------------------------------------------------
// 9. Serde round-trips of tagged unions built in Rust
// ---------------------------------------------------------------------------

#[test]
fn tagged_unions_round_trip_through_json() {
    // Nested unions inside a union payload.
    let body = rule_create_body();
    let value = serde_json::to_value(&body).unwrap();
    assert_eq!(value["dto"]["type"], json!("CreateRuleRequest"));
    assert_eq!(value["dto"]["conditions"], rule_conditions_json());
    let back: RuleCreateRequest = serde_json::from_value(value.clone()).unwrap();
    assert_eq!(back, body);
    let text = serde_json::to_string(&body).unwrap();
    let back: RuleCreateRequest = serde_json::from_str(&text).unwrap();
    assert_eq!(back, body);

    // Payload-less variants are `{"type": ...}` and come back as themselves.
    for (variant, expected) in [
        (DataFieldDataType::Date, json!({"type": "Date"})),
        (DataFieldDataType::TrueFalse, json!({"type": "TrueFalse"})),
        (
            DataFieldDataType::Picklist(DataFieldDataTypePicklist::new(vec![
                "Hot".to_string(),
                "Warm".into(),
                "Cold ❄".into(),
            ])),
            json!({"type": "Picklist", "values": ["Hot", "Warm", "Cold ❄"]}),
        ),
        (
            DataFieldDataType::Unknown(json!({"type": "Currency", "precision": 2})),
            json!({"type": "Currency", "precision": 2}),
        ),
    ] {
        let value = serde_json::to_value(&variant).unwrap();
        assert_eq!(value, expected);
        let back: DataFieldDataType = serde_json::from_value(value).unwrap();
        assert_eq!(back, variant);
    }

    for variant in [
        WorkspaceResetPeriodicity::Never,
        WorkspaceResetPeriodicity::Daily(WorkspaceResetPeriodicityDaily::new("Europe/Berlin")),
    ] {
        let text = serde_json::to_string(&variant).unwrap();
        let back: WorkspaceResetPeriodicity = serde_json::from_str(&text).unwrap();
        assert_eq!(back, variant, "{text}");
    }
    assert_eq!(
        serde_json::to_value(WorkspaceResetPeriodicity::Daily(
            WorkspaceResetPeriodicityDaily::new("Europe/Berlin")
        ))
        .unwrap(),
        json!({"type": "Daily", "timeZone": "Europe/Berlin"})
    );

    // Open enums round-trip known and unknown values alike.
    for op in [Operator::Le, Operator::Unknown("matchesRegex".into())] {
        let back: Operator = serde_json::from_value(serde_json::to_value(&op).unwrap()).unwrap();
        assert_eq!(back, op);
    }
}
