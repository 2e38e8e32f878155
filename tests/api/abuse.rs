//! What an independent probe used against the server, each refused (or answered
//! rightly) through the public surface: fragments that expand exponentially,
//! documents the cost model prices at nothing, and cache keys that collide.

use crate::helpers::{first_error_code, TestApp};
use serde_json::{json, Value};
use std::fmt::Write;

/// `levels` fragments, each spreading the one below `fan` times: `fan^levels` selections.
fn fragment_chain(levels: usize, fan: usize) -> String {
    let mut q = format!("query {{ ...W{levels} }} fragment W0 on QueryRoot {{ __typename }}");
    for l in 1..=levels {
        let spreads = format!("...W{} ", l - 1).repeat(fan);
        let _ = write!(q, " fragment W{l} on QueryRoot {{ {spreads}}}");
    }
    q
}

/// A budget of 10,000 points that refills slowly enough to read what each request paid.
fn small_budget(cfg: &mut coophub::config::Config) {
    cfg.budget_anonymous = 10_000.0;
    cfg.budget_anonymous_rate = 0.001;
}

fn available(body: &Value) -> f64 {
    body["extensions"]["cost"]["throttleStatus"]["currentlyAvailable"]
        .as_f64()
        .unwrap_or_else(|| panic!("no throttle status in {body}"))
}

#[tokio::test]
async fn exponential_fragment_chains_are_refused_before_validation_and_paid_for() {
    let app = TestApp::spawn_configured(small_budget).await;
    let before = app.statements().await;
    for levels in [7, 8] {
        let q = fragment_chain(levels, 10);
        assert!(q.len() < 1000, "a small document: {} bytes", q.len());
        let body = app.query(&q).await;
        assert_eq!(first_error_code(&body), "BAD_USER_INPUT", "{body}");
        assert_eq!(body["errors"][0]["extensions"]["limit"], "selections");
        assert!(body.get("data").is_none(), "{body}");
        let cost = &body["extensions"]["cost"];
        assert!(
            cost["selections"].as_u64() >= Some(10u64.pow(levels as u32)),
            "{cost}"
        );
    }
    // Two refusals, each charged the selection limit (5,000): the bucket is empty.
    let third = app
        .client
        .post(app.url("/graphql"))
        .json(&json!({ "query": fragment_chain(7, 10) }))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(third.status(), 429);
    let third: Value = third.json().await.unwrap_or_default();
    assert_eq!(first_error_code(&third), "RATE_LIMITED", "{third}");
    assert_eq!(app.statements().await, before);
}

#[tokio::test]
async fn a_small_chain_runs_and_pays_for_what_it_expands_to() {
    let app = TestApp::spawn_configured(small_budget).await;
    // 10^3 `__typename`s: priced 0 by the cost model. Its size is what validation
    // walks: the operation (1,000) and each fragment definition (1,000 + 100 + 10 + 1).
    let body = app.query(&fragment_chain(3, 10)).await;
    assert!(body.get("errors").is_none(), "{body}");
    assert_eq!(body["data"]["__typename"], "QueryRoot");
    assert_eq!(body["extensions"]["cost"]["requestedQueryCost"], 0);
    assert_eq!(body["extensions"]["cost"]["selections"], 2111);
    let left = available(&body);
    assert!((7_888.0..=7_889.5).contains(&left), "{left}");
    // Even the smallest document pays something.
    let tiny = app.query("{ __typename }").await;
    assert!(available(&tiny) <= left - 1.0, "{tiny}");
}

#[tokio::test]
async fn aliases_spread_through_fragments_count_where_they_land() {
    let app = TestApp::spawn().await;
    let fan: String = (0..10).map(|i| format!("a{i}: __typename ")).collect();
    // 10 aliases written once, spread 4 times: 40 aliases over the limit of 30.
    let q = format!("{{ ...F ...F ...F ...F }} fragment F on QueryRoot {{ {fan}}}");
    let body = app.query(&q).await;
    assert_eq!(
        body["errors"][0]["extensions"]["limit"], "aliases",
        "{body}"
    );
    let ok = format!("{{ ...F ...F ...F }} fragment F on QueryRoot {{ {fan}}}");
    assert!(app.query(&ok).await.get("errors").is_none());
}

#[tokio::test]
async fn block_strings_with_escaped_quotes_and_hashes_never_share_a_cached_answer() {
    let app = TestApp::spawn().await;
    let member = app.member("reader@example.org").await;
    let q = |word: &str| {
        format!(r#"{{ cooperatives(filter: {{text: """\""" # {word}"""}}) {{ totalCount }} }}"#)
    };
    let total = |body: &Value| body["data"]["cooperatives"]["totalCount"].clone();
    // Signed in, nothing is cached: the true answers.
    let mut truth = Vec::new();
    for word in ["catering", "sprzątanie"] {
        let body = app.query_as(&member, &q(word), json!({})).await;
        assert!(body.get("errors").is_none(), "{body}");
        truth.push(total(&body));
    }
    assert_ne!(
        truth[0], truth[1],
        "the two searches must differ: {truth:?}"
    );
    // Anonymous, cached: the first answer must not be served for the second.
    for (word, expected) in ["catering", "sprzątanie"].iter().zip(&truth) {
        let body = app.query(&q(word)).await;
        assert_eq!(&total(&body), expected, "{word}: {body}");
    }
}

/// POSTs a document anonymously: the status and the body.
async fn post(app: &TestApp, query: &str, variables: Value) -> (u16, Value) {
    let resp = app
        .client
        .post(app.url("/graphql"))
        .header("accept", "application/graphql-response+json")
        .json(&json!({ "query": query, "variables": variables }))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap_or_default())
}

const LOGIN: &str = "mutation($i: LoginInput!) { login(input: $i) { token } }";

#[tokio::test]
async fn without_redis_the_limits_hold_in_process_and_ready_says_degraded() {
    if std::env::var("TEST_REDIS_URL").is_err() {
        // Needs redis-server installed; CI runs it with TEST_REDIS_URL set.
        return;
    }
    let private = crate::helpers::PrivateRedis::new();
    let redis = private.start();
    let url = private.url();
    let app = TestApp::spawn_configured(|c| {
        c.redis_url = Some(url.into());
        c.budget_anonymous = 1_000_000.0;
    })
    .await;
    app.member("target@example.org").await;
    let ready = |app: &TestApp| {
        let req = app.client.get(app.url("/ready")).send();
        async move {
            req.await
                .unwrap_or_else(|e| panic!("{e}"))
                .text()
                .await
                .unwrap_or_default()
        }
    };
    assert_eq!(ready(&app).await, "ready");
    drop(redis);
    assert!(ready(&app).await.contains("degraded"), "/ready must say so");
    // Wrong passwords: with Redis the sixth is refused; without it, sooner, never later.
    let wrong = json!({ "i": { "email": "target@example.org", "password": "not the password!" } });
    let mut codes = Vec::new();
    for _ in 0..8 {
        let (_, body) = post(&app, LOGIN, wrong.clone()).await;
        codes.push(first_error_code(&body));
    }
    let tried = codes.iter().take_while(|c| *c == "BAD_USER_INPUT").count();
    assert!((1..=5).contains(&tried), "{codes:?}");
    assert!(
        codes[tried..].iter().all(|c| c == "RATE_LIMITED"),
        "{codes:?}"
    );
    // Reads still answer, from the database.
    assert!(
        app.query("{ cooperatives(first: 1) { totalCount } }").await["data"]["cooperatives"]
            ["totalCount"]
            .as_u64()
            > Some(0)
    );
}

#[tokio::test]
async fn password_reset_mails_and_registrations_are_limited() {
    let app = TestApp::spawn().await;
    app.member("ofiara@example.org").await;
    let reset = "mutation($e: String!) { requestPasswordReset(input: {email: $e}) { accepted } }";
    let mut refused = 0;
    for _ in 0..8 {
        let (status, body) = post(&app, reset, json!({ "e": "ofiara@example.org" })).await;
        if first_error_code(&body) == "RATE_LIMITED" {
            assert_eq!(status, 200, "a field error: {body}");
            refused += 1;
        }
    }
    assert_eq!(refused, 5, "3 of 8 go through");
    let outbox = app.cli(&["user", "outbox"], None);
    assert_eq!(
        outbox.matches("to ofiara@example.org").count(),
        3,
        "{outbox}"
    );
    // An address without an account is limited the same way: the limit tells nothing.
    let mut unknown = Vec::new();
    for _ in 0..4 {
        let (_, body) = post(&app, reset, json!({ "e": "nikt@example.org" })).await;
        unknown.push(first_error_code(&body));
    }
    assert_eq!(unknown, ["", "", "", "RATE_LIMITED"], "{unknown:?}");
    // Registrations: ten an hour from one address (the first member above was one).
    let register = "mutation($i: RegisterInput!) { register(input: $i) { me { email } } }";
    let mut codes = Vec::new();
    for n in 0..10 {
        let i = json!({ "email": format!("r{n}@example.org"), "password": "a long enough password", "displayName": "R" });
        let (_, body) = post(&app, register, json!({ "i": i })).await;
        codes.push(first_error_code(&body));
    }
    assert_eq!(
        codes.iter().filter(|c| c.is_empty()).count(),
        9,
        "{codes:?}"
    );
    assert_eq!(codes[9], "RATE_LIMITED", "{codes:?}");
}

#[tokio::test]
async fn a_fragment_chain_over_the_websocket_is_refused_the_same_way() {
    use crate::ws_client::*;
    let app = TestApp::spawn().await;
    let mut s = acked(&app, None).await;
    subscribe(&mut s, "chain", &fragment_chain(8, 10), json!({})).await;
    let m = recv(&mut s).await;
    assert_eq!(m["type"], "error", "{m}");
    assert_eq!(m["payload"][0]["extensions"]["limit"], "selections", "{m}");
    // The connection goes on.
    subscribe(&mut s, "ok", "{ __typename }", json!({})).await;
    assert_eq!(
        next_of(&mut s, "ok").await["data"]["__typename"],
        "QueryRoot"
    );
}

fn field_error(body: &Value) -> (String, String) {
    (
        first_error_code(body),
        body["errors"][0]["extensions"]["field"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
    )
}

fn bad(field: &str) -> (String, String) {
    ("BAD_USER_INPUT".to_owned(), field.to_owned())
}

#[tokio::test]
async fn names_cannot_pass_for_the_systems_labels_or_hide_characters() {
    let app = TestApp::spawn().await;
    let register = "mutation($i: RegisterInput!) { register(input: $i) { me { email } } }";
    for (n, name) in [
        "Anonymous participant",
        "former member",
        "Ann\u{202E}a",
        "Mod\u{200B}erator",
        "Jan\u{0}",
    ]
    .iter()
    .enumerate()
    {
        let i = json!({ "email": format!("n{n}@example.org"), "password": "a long enough password", "displayName": name });
        let body = app.query_vars(register, json!({ "i": i })).await;
        assert_eq!(field_error(&body), bad("displayName"), "{name:?}: {body}");
    }
    let token = app.member("zwykla@example.org").await;
    let rename = "mutation($n: String!) { updateMyProfile(input: {displayName: $n}) { person { displayName } } }";
    let body = app
        .query_as(&token, rename, json!({ "n": "Former  Member" }))
        .await;
    assert_eq!(field_error(&body), bad("displayName"), "{body}");
    let body = app.query_as(&token, rename, json!({ "n": "Zofia" })).await;
    assert_eq!(
        body["data"]["updateMyProfile"]["person"]["displayName"], "Zofia",
        "{body}"
    );
}

#[tokio::test]
async fn posts_link_images_instead_of_embedding_them_and_refuse_nul_bytes() {
    let app = TestApp::spawn().await;
    let token = app.member("autorka@example.org").await;
    let created = app
        .query_as(
            &token,
            "mutation { createThread(input: {board: {general: true}, title: \"Obrazki\", body: \"Start\"}) { thread { id } } }",
            json!({}),
        )
        .await;
    let thread = created["data"]["createThread"]["thread"]["id"].clone();
    let add = "mutation($t: ID!, $b: String!) { addPost(input: {thread: $t, body: $b}) { post { bodyHtml } } }";
    let body = app
        .query_as(
            &token,
            add,
            json!({ "t": thread, "b": "![logo](https://tracker.example/p.png) i [strona](https://coop.example)" }),
        )
        .await;
    let html = body["data"]["addPost"]["post"]["bodyHtml"]
        .as_str()
        .unwrap_or_else(|| panic!("{body}"));
    assert!(!html.contains("<img"), "{html}");
    assert!(
        html.contains(r#"rel="nofollow ugc noopener" href="https://tracker.example/p.png""#),
        "{html}"
    );
    assert!(
        html.contains(r#"rel="nofollow ugc noopener" href="https://coop.example""#),
        "{html}"
    );
    let nul = app
        .query_as(&token, add, json!({ "t": thread, "b": "a\u{0}b" }))
        .await;
    assert_eq!(field_error(&nul), bad("body"), "{nul}");
}

#[tokio::test]
async fn a_hidden_post_leaves_no_trace_in_its_threads_activity() {
    let app = TestApp::spawn().await;
    let moderator = app.staff("mod@example.org", "--moderator").await;
    let token = app.member("pisze@example.org").await;
    let created = app
        .query_as(
            &token,
            "mutation { createThread(input: {board: {general: true}, title: \"Cisza\", body: \"Pierwszy\"}) { thread { id lastActivityAt } } }",
            json!({}),
        )
        .await;
    let thread = created["data"]["createThread"]["thread"]["id"].clone();
    // The first post's time, as the thread shows it.
    let first_at = created["data"]["createThread"]["thread"]["lastActivityAt"].clone();
    assert!(first_at.is_string(), "{created}");
    assert_eq!(
        created["data"]["createThread"]["thread"]["lastActivityAt"], first_at,
        "{created}"
    );
    let added = app
        .query_as(
            &token,
            "mutation($t: ID!) { addPost(input: {thread: $t, body: \"Drugi\"}) { post { id createdAt } } }",
            json!({ "t": thread }),
        )
        .await;
    let post = added["data"]["addPost"]["post"].clone();
    let activity = || async {
        app.query_vars(
            "query($t: ID!) { node(id: $t) { ... on Thread { lastActivityAt } } }",
            json!({ "t": thread }),
        )
        .await["data"]["node"]["lastActivityAt"]
            .clone()
    };
    assert_eq!(activity().await, post["createdAt"]);
    let hidden = app
        .query_as(
            &moderator,
            "mutation($p: ID!) { hidePost(input: {post: $p, reason: \"spam\"}) { post { id } } }",
            json!({ "p": post["id"] }),
        )
        .await;
    assert!(hidden.get("errors").is_none(), "{hidden}");
    assert_eq!(
        activity().await,
        first_at,
        "the hidden post's time must not show"
    );
}

#[tokio::test]
async fn proposals_events_and_pages_refuse_what_makes_no_sense() {
    let app = TestApp::spawn().await;
    let moderator = app.staff("mod@example.org", "--moderator").await;
    let member = app.member("czlonek@example.org").await;
    let ids = app
        .data("{ localGovernment(teryt: \"1261011\") { id } cooperatives(first: 1) { edges { node { id } } } }")
        .await;
    let propose = "mutation($i: ProposeProcurementExampleInput!) { proposeProcurementExample(input: $i) { procurementExample { id } } }";
    let input = |source: &str| json!({ "i": { "buyer": ids["localGovernment"]["id"], "suppliers": [{ "cooperative": ids["cooperatives"]["edges"][0]["node"]["id"], "role": "LEAD" }], "subject": "Catering", "procedure": "RESERVED_CONTRACT_ART_94", "year": 2024, "source": source } });
    let body = app
        .query_as(&moderator, propose, input("javascript:alert(1)"))
        .await;
    assert_eq!(field_error(&body), bad("source"), "{body}");
    let body = app
        .query_as(&moderator, propose, input("https://bip.example.gov.pl/1"))
        .await;
    assert!(body.get("errors").is_none(), "{body}");

    let event = "mutation($i: CreateEventInput!) { createEvent(input: $i) { event { id } } }";
    for (starts, ends) in [
        ("-1000-05-01T09:00:00Z", "-1000-05-01T17:00:00Z"),
        ("9999-05-01T09:00:00Z", "9999-05-01T17:00:00Z"),
    ] {
        let i = json!({ "kind": "WORKSHOP", "title": "Warsztat", "startsAt": starts, "endsAt": ends, "description": "Opis" });
        let body = app.query_as(&moderator, event, json!({ "i": i })).await;
        assert_eq!(field_error(&body), bad("startsAt"), "{starts}: {body}");
    }
    let i = json!({ "kind": "WORKSHOP", "title": "Warsztat", "startsAt": "2027-05-01T09:00:00Z", "endsAt": "2027-05-01T17:00:00Z", "description": "Opis" });
    let created = app.query_as(&moderator, event, json!({ "i": i })).await;
    let event_id = created["data"]["createEvent"]["event"]["id"].clone();
    assert!(event_id.is_string(), "{created}");
    // Someone who may not change the programme learns nothing about what else is wrong.
    let session =
        "mutation($i: AddEventSessionInput!) { addEventSession(input: $i) { session { id } } }";
    let i = json!({ "event": event_id, "session": { "title": "", "startsAt": "2027-05-01T10:00:00Z", "endsAt": "2027-05-01T09:00:00Z" } });
    let body = app.query_as(&member, session, json!({ "i": i })).await;
    assert_eq!(first_error_code(&body), "FORBIDDEN", "{body}");
    let body = app.query_as(&moderator, session, json!({ "i": i })).await;
    assert_eq!(field_error(&body), bad("title"), "{body}");

    let body = app
        .query("{ cooperatives(first: 2, last: 2) { totalCount } }")
        .await;
    assert_eq!(field_error(&body), bad("last"), "{body}");
}

#[tokio::test]
async fn get_requests_name_what_is_wrong_and_long_error_lists_are_cut() {
    let app = TestApp::spawn().await;
    let get = |q: &str, extra: &[(&str, &str)]| {
        let mut params = vec![("query", q.to_owned())];
        params.extend(extra.iter().map(|(k, v)| (*k, (*v).to_owned())));
        let req = app
            .client
            .get(app.url("/graphql"))
            .header("accept", "application/graphql-response+json")
            .query(&params)
            .send();
        async move {
            let r = req.await.unwrap_or_else(|e| panic!("{e}"));
            (
                r.status().as_u16(),
                r.json::<Value>().await.unwrap_or_default(),
            )
        }
    };
    let (status, body) = get("subscription { threadActivity { kind } }", &[]).await;
    assert_eq!(status, 400, "{body}");
    let message = body["errors"][0]["message"].as_str().unwrap_or_default();
    assert!(message.contains("WebSocket"), "{message}");
    // Two operations and no operationName: a request error, not "method not allowed".
    let (status, body) = get(
        "query A { __typename } mutation B { logout { revoked } }",
        &[],
    )
    .await;
    assert_eq!(status, 400, "{body}");
    let (status, _) = get(
        "query A { __typename } mutation B { logout { revoked } }",
        &[("operationName", "B")],
    )
    .await;
    assert_eq!(status, 405);
    let (status, body) = get(
        "query A { __typename } mutation B { logout { revoked } }",
        &[("operationName", "A")],
    )
    .await;
    assert_eq!(
        (status, &body["data"]["__typename"]),
        (200, &json!("QueryRoot")),
        "{body}"
    );
    // Over POST, a subscription is told where to go too.
    let body = app.query("subscription { threadActivity { kind } }").await;
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("WebSocket"),
        "{body}"
    );
    // 5,000 unused variables: 20 errors and a count, not 5,000 errors.
    let vars: String = (0..5000).map(|i| format!("$v{i}: Int ")).collect();
    let resp = app
        .client
        .post(app.url("/graphql"))
        .json(&json!({ "query": format!("query({vars}) {{ __typename }}") }))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let text = resp.text().await.unwrap_or_default();
    let body: Value = serde_json::from_str(&text).unwrap_or_default();
    let errors = body["errors"].as_array().map_or(0, Vec::len);
    assert_eq!(errors, 21, "{}", &text[..text.len().min(500)]);
    assert!(text.len() < 10_000, "{} bytes", text.len());
}

/// A random hostile or harmless document: fragment chains of random fan and depth,
/// alias fans spread through fragments, wide selections, nested connections.
fn random_document(rng: &mut fastrand::Rng) -> String {
    match rng.u8(0..4) {
        0 => fragment_chain(rng.usize(1..12), rng.usize(1..12)),
        1 => {
            let fan: String = (0..rng.usize(1..20))
                .map(|i| format!("a{i}: __typename "))
                .collect();
            let spreads = "...F ".repeat(rng.usize(1..8));
            format!("{{ {spreads}}} fragment F on QueryRoot {{ {fan}}}")
        }
        2 => {
            let wide = "__typename ".repeat(rng.usize(1..8000));
            format!("{{ {wide}}}")
        }
        _ => {
            let n = rng.usize(1..60);
            let m = rng.usize(1..60);
            format!("{{ cooperatives(first: {n}) {{ nodes {{ name offerings(first: {m}) {{ nodes {{ name }} }} }} }} }}")
        }
    }
}

#[tokio::test]
async fn every_generated_document_is_answered_within_the_limits_or_refused_before_it_runs() {
    let app = TestApp::spawn().await;
    let mut rng = fastrand::Rng::with_seed(2026);
    let (mut answered, mut refused) = (0, 0);
    for _ in 0..120 {
        let q = random_document(&mut rng);
        let (status, body) = post(&app, &q, json!({})).await;
        let cost = &body["extensions"]["cost"];
        if body.get("data").is_some_and(|d| !d.is_null()) {
            answered += 1;
            assert_eq!(status, 200, "{body}");
            // What ran was measured, and within every limit.
            assert!(cost["selections"].as_u64() <= Some(5_000), "{q}: {cost}");
            assert!(cost["aliases"].as_u64() <= Some(30), "{q}: {cost}");
            assert!(
                cost["requestedQueryCost"].as_u64() <= Some(25_000),
                "{q}: {cost}"
            );
        } else {
            refused += 1;
            assert_eq!(status, 400, "{q}: {body}");
            let limit = body["errors"][0]["extensions"]["limit"]
                .as_str()
                .unwrap_or_default();
            assert!(
                ["selections", "aliases", "cost", "depth"].contains(&limit),
                "{q}: {body}"
            );
        }
    }
    // The generator reaches both sides of the limits.
    assert!(
        answered >= 20 && refused >= 20,
        "{answered} answered, {refused} refused"
    );
}
