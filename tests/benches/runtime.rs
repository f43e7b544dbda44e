//! Runtime benchmarks (not tests): prints a table; results are written down
//! in BENCHMARKS.md. Run with `cargo bench -p chili-tests --bench runtime`.
//!
//! 1. Decoding a real-sized page (100 users shaped by the document's `User`
//!    schema) into the generated types vs into `serde_json::Value`.
//! 2. Walking 10,000 items through the generated pagination stream from a
//!    local server vs a hand-written reqwest loop doing the same requests.

use std::time::{Duration, Instant};

use chilipiper_edge::types::PaginatedResultUser;
use chilipiper_edge::{Client, RetryPolicy, StreamExt};
use serde_json::{json, Value};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const PAGE_SIZE: usize = 100;
const ITEMS: usize = 10_000;

/// A user with every field of the document's `User` schema that a real
/// account typically carries.
fn user(i: usize) -> Value {
    let interval = json!([{"start": "09:00", "end": "12:00"}, {"start": "13:00", "end": "17:30"}]);
    json!({
        "id": format!("user-{i:05}"),
        "name": format!("User Number {i}"),
        "email": format!("user{i}@example.com"),
        "isSuperAdmin": i.is_multiple_of(17),
        "managedWorkspaces": ["ws-1", "ws-2"],
        "managedTeams": ["team-1"],
        "licenses": {"distro": true, "chiliCalOrg": true, "concierge": i.is_multiple_of(2), "conciergeLive": false, "chat": true, "handoff": false, "tier": "RoutingAndScheduling"},
        "slug": format!("user-number-{i}"),
        "workspaces": ["ws-1", "ws-2", "ws-3"],
        "personalWorkspaceId": format!("pws-{i}"),
        "personalDetails": {
            "email": format!("user{i}@example.com"),
            "firstName": "User", "lastName": format!("Number {i}"), "jobTitle": "Account Executive",
            "conferenceDetails": "https://meet.example.com/u", "location": "Berlin", "phoneNumber": "+49 30 1234567",
            "imageUrl": "https://cdn.example.com/u.png"
        },
        "workingHours": {"monday": interval, "tuesday": interval, "wednesday": interval, "thursday": interval, "friday": interval},
        "timezone": "Europe/Berlin"
    })
}

fn page_json(page: usize, size: usize, total: usize) -> Vec<u8> {
    let results: Vec<Value> = (page * size..((page + 1) * size).min(total))
        .map(user)
        .collect();
    serde_json::to_vec(&json!({"results": results, "total": total, "page": page, "pageSize": size}))
        .unwrap()
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> Duration {
    std::hint::black_box(f());
    median(
        (0..runs)
            .map(|_| {
                let start = Instant::now();
                std::hint::black_box(f());
                start.elapsed()
            })
            .collect(),
    )
}

/// Serves pre-rendered pages by the `page` query parameter.
struct Pages(Vec<Vec<u8>>);

impl Respond for Pages {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let page: usize = request
            .url
            .query_pairs()
            .find(|(k, _)| k == "page")
            .map_or(0, |(_, v)| v.parse().unwrap());
        match self.0.get(page) {
            Some(body) => ResponseTemplate::new(200).set_body_raw(body.clone(), "application/json"),
            None => ResponseTemplate::new(200)
                .set_body_raw(page_json(page, PAGE_SIZE, ITEMS), "application/json"),
        }
    }
}

async fn stream_walk(client: &Client) -> usize {
    let mut items = std::pin::pin!(client
        .workspace()
        .list_users()
        .page_size(PAGE_SIZE as i64)
        .items());
    let mut n = 0;
    while let Some(user) = items.next().await {
        std::hint::black_box(user.unwrap());
        n += 1;
    }
    n
}

async fn hand_loop(http: &reqwest::Client, base: &str) -> usize {
    let mut n = 0;
    let mut page = 0;
    loop {
        let response = http
            .get(format!("{base}/v1/org/workspace/users"))
            .query(&[
                ("page", page.to_string()),
                ("pageSize", PAGE_SIZE.to_string()),
            ])
            .bearer_auth("t")
            .send()
            .await
            .unwrap();
        let bytes = response.bytes().await.unwrap();
        let decoded: PaginatedResultUser = serde_json::from_slice(&bytes).unwrap();
        let results = decoded.results.unwrap_or_default();
        let count = results.len();
        for user in results {
            std::hint::black_box(user);
            n += 1;
        }
        if count == 0 || n as i64 >= decoded.total {
            return n;
        }
        page += 1;
    }
}

fn main() {
    // 1. Decoding one page.
    let body = page_json(0, PAGE_SIZE, PAGE_SIZE);
    let typed = time(200, || {
        serde_json::from_slice::<PaginatedResultUser>(&body).unwrap()
    });
    let untyped = time(200, || serde_json::from_slice::<Value>(&body).unwrap());

    // 2. Walking 10,000 items.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let (walk, hand) = runtime.block_on(async {
        let server = MockServer::start().await;
        let pages: Vec<Vec<u8>> = (0..ITEMS / PAGE_SIZE)
            .map(|p| page_json(p, PAGE_SIZE, ITEMS))
            .collect();
        Mock::given(method("GET"))
            .and(path("/v1/org/workspace/users"))
            .respond_with(Pages(pages))
            .mount(&server)
            .await;
        let client = Client::builder()
            .token("t")
            .base_url(server.uri())
            .retry(RetryPolicy::none())
            .build()
            .unwrap();
        let http = reqwest::Client::new();
        let base = server.uri();
        assert_eq!(stream_walk(&client).await, ITEMS);
        assert_eq!(hand_loop(&http, &base).await, ITEMS);
        // Interleaved runs, so drift in the machine's load hits both alike.
        let (mut walks, mut hands) = (Vec::new(), Vec::new());
        for _ in 0..21 {
            let start = Instant::now();
            stream_walk(&client).await;
            walks.push(start.elapsed());
            let start = Instant::now();
            hand_loop(&http, &base).await;
            hands.push(start.elapsed());
        }
        (median(walks), median(hands))
    });

    let ms = |d: Duration| format!("{:.2} ms", d.as_secs_f64() * 1000.0);
    println!("| measurement | result |");
    println!("|---|---|");
    println!("| decode a page of {PAGE_SIZE} users ({} KiB) into `PaginatedResultUser`, median of 200 | {} |", body.len() / 1024, ms(typed));
    println!(
        "| decode the same page into `serde_json::Value`, median of 200 | {} |",
        ms(untyped)
    );
    println!(
        "| typed / Value | {:.2}x |",
        typed.as_secs_f64() / untyped.as_secs_f64()
    );
    println!(
        "| walk {ITEMS} users ({} pages) through `items()`, median of 21 | {} |",
        ITEMS / PAGE_SIZE,
        ms(walk)
    );
    println!(
        "| same requests, hand-written reqwest loop, median of 21 | {} |",
        ms(hand)
    );
    println!(
        "| stream / hand loop | {:.3}x |",
        walk.as_secs_f64() / hand.as_secs_f64()
    );
}
