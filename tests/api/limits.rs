//! Hostile queries are refused before execution, with a clear error, and no SQL runs.

use crate::helpers::{first_error_code, TestApp};

#[tokio::test]
async fn the_cost_of_every_query_is_reported() {
    let app = TestApp::spawn().await;
    let body = app.query("{ cooperatives(first: 10) { edges { node { name offerings(first: 5) { edges { node { name } } } } } } }").await;
    let cost = &body["extensions"]["cost"];
    // 10 cooperatives × (name + 5 offerings × name) plus the connection fields.
    let requested = cost["requestedQueryCost"].as_u64().unwrap_or(0);
    assert!(requested >= 10 * 5, "{cost}");
    assert!(cost["maximumQueryCost"].as_u64() > Some(requested));
}

#[tokio::test]
async fn a_query_over_the_cost_limit_is_refused_before_any_sql_runs() {
    let app = TestApp::spawn().await;
    let before = app.statements().await;
    let body = app
        .query("{ cooperatives(first: 100) { edges { node { offerings(first: 100) { edges { node { areaServed(first: 100) { totalCount } } } } } } } }")
        .await;
    assert_eq!(first_error_code(&body), "BAD_USER_INPUT");
    assert_eq!(body["errors"][0]["extensions"]["limit"], "cost");
    assert!(body.get("data").is_none(), "{body}");
    assert_eq!(app.statements().await, before);
    insta::assert_json_snapshot!(body["errors"], { "[].extensions.requestId" => "[request id]" });
}

#[tokio::test]
async fn a_query_nested_too_deep_is_refused() {
    let app = TestApp::spawn().await;
    let deep = format!(
        "{{ localGovernment(teryt: \"1206\") {{ {} name {} }} }}",
        "parent { ".repeat(15),
        "} ".repeat(15)
    );
    let before = app.statements().await;
    let body = app.query(&deep).await;
    assert_eq!(body["errors"][0]["extensions"]["limit"], "depth", "{body}");
    assert_eq!(app.statements().await, before);
}

#[tokio::test]
async fn a_query_with_too_many_aliases_is_refused() {
    let app = TestApp::spawn().await;
    let fields: String = (0..31).map(|i| format!("a{i}: __typename ")).collect();
    let body = app.query(&format!("{{ {fields} }}")).await;
    assert_eq!(
        body["errors"][0]["extensions"]["limit"], "aliases",
        "{body}"
    );
    let ok: String = (0..30).map(|i| format!("a{i}: __typename ")).collect();
    assert!(app
        .query(&format!("{{ {ok} }}"))
        .await
        .get("errors")
        .is_none());
}

#[tokio::test]
async fn a_page_larger_than_100_is_bad_user_input() {
    let app = TestApp::spawn().await;
    let body = app
        .query("{ cooperatives(first: 101) { totalCount } }")
        .await;
    assert_eq!(first_error_code(&body), "BAD_USER_INPUT");
    assert_eq!(body["errors"][0]["extensions"]["field"], "first");
}

#[tokio::test]
async fn a_request_over_the_time_limit_is_stopped_with_a_clear_error() {
    let url = crate::helpers::fresh_database_url().await;
    let mut cfg = crate::helpers::config(&url);
    // Relation fields wait `loader_delay_ms` (20 ms here) to batch: a 5 ms limit always
    // cuts them off (a unit's institutions; its children are held in memory).
    cfg.request_timeout_ms = 5;
    cfg.loader_delay_ms = 20;
    let app = TestApp::spawn_with(cfg).await;
    let resp = app
        .client
        .post(app.url("/graphql"))
        .json(&serde_json::json!({ "query": r#"{ localGovernment(teryt: "12") { institutions { totalCount } } }"# }))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(resp.status(), 503);
    let body: serde_json::Value = resp.json().await.unwrap_or_default();
    assert!(body.get("data").is_none());
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("took longer than 5 ms"),
        "{body}"
    );
    assert_eq!(body["errors"][0]["extensions"]["code"], "TIMEOUT", "{body}");
    // A query in a document that also holds a mutation is still a query: cut off the
    // same (the whole document once counted as a mutation and ran to its end).
    let resp = app
        .client
        .post(app.url("/graphql"))
        .json(&serde_json::json!({
            "query": r#"query Slow { localGovernment(teryt: "12") { institutions { totalCount } } } mutation Out { logout { revoked } }"#,
            "operationName": "Slow",
        }))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(resp.status(), 503, "{:?}", resp.text().await);
}

#[tokio::test]
async fn a_mutation_over_the_time_limit_runs_to_the_end_instead_of_being_cut_off() {
    // 5 ms limit; relation fields wait 20 ms to batch, and argon2 alone takes longer than 5 ms.
    let app = TestApp::spawn_configured(|cfg| {
        cfg.request_timeout_ms = 5;
        cfg.loader_delay_ms = 20;
    })
    .await;
    let moderator = app.staff("moderator@example.org", "--moderator").await;
    // Only mutations may run here (a query could be cut off): the first sample cooperative of a fresh database.
    let id = serde_json::json!("Q29vcGVyYXRpdmU6MQ"); // "Cooperative:1"
    let created = app
        .query_as(
            &moderator,
            "mutation($c: ID!) { createOffering(input: {cooperative: $c, name: \"Pranie\", kind: SERVICE}) { offering { name cooperative { id } } } }",
            serde_json::json!({ "c": id }),
        )
        .await;
    assert!(created.get("errors").is_none(), "{created}");
    assert_eq!(
        created["data"]["createOffering"]["offering"]["cooperative"]["id"],
        id
    );
}
