//! Request budgets: each request's cost drains a leaky bucket; over budget, 429 and nothing runs.

use crate::helpers::{is_postgres, TestApp};
use serde_json::{json, Value};

const QUERY: &str = "{ cooperatives(first: 10) { edges { node { name } } } }";

async fn send(app: &TestApp, key: &str) -> (u16, Option<String>, Value) {
    let resp = app
        .client
        .post(app.url("/graphql"))
        .bearer_auth(key)
        .header("accept", "application/graphql-response+json")
        .json(&json!({ "query": QUERY }))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let status = resp.status().as_u16();
    let retry = resp
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    (status, retry, resp.json().await.unwrap_or_default())
}

/// A partner budget of 100 points, regaining 50 a second: a few requests of the query above.
fn small_budget(cfg: &mut coophub::config::Config) {
    cfg.budget_partner = 100.0;
    cfg.budget_partner_rate = 50.0;
}

#[tokio::test]
async fn a_partner_key_that_overspends_is_refused_with_clear_numbers_then_recovers() {
    let app = TestApp::spawn_configured(small_budget).await;
    let key = app.cli(&["api-key", "create", "--partner", "Portal ROPS"], None);
    let key = key.lines().last().unwrap_or_default().trim().to_owned();
    let (status, _, first) = send(&app, &key).await;
    assert_eq!(status, 200);
    let cost = first["extensions"]["cost"].clone();
    let each = cost["requestedQueryCost"].as_f64().unwrap_or(0.0);
    assert_eq!(cost["throttleStatus"]["maximumAvailable"], 100.0);
    assert_eq!(cost["throttleStatus"]["restoreRate"], 50.0);
    assert!(
        cost["throttleStatus"]["currentlyAvailable"]
            .as_f64()
            .unwrap_or(100.0)
            <= 100.0 - each + 1.0,
        "{cost}"
    );
    let before = app.statements().await;
    let mut refused = None;
    for _ in 0..10 {
        let (status, retry, body) = send(&app, &key).await;
        if status == 429 {
            refused = Some((retry, body));
            break;
        }
    }
    let (retry, body) = refused.unwrap_or_else(|| panic!("never throttled"));
    assert_eq!(body["errors"][0]["extensions"]["code"], "RATE_LIMITED");
    assert!(body.get("data").is_none());
    let retry: u64 = retry.and_then(|r| r.parse().ok()).unwrap_or(0);
    assert!((1..=2).contains(&retry), "Retry-After {retry}");
    let spent = app.statements().await - before;
    assert!(spent > 0, "the allowed requests ran");
    // The bucket refills at 50 points a second: after Retry-After the request runs again.
    tokio::time::sleep(std::time::Duration::from_secs(retry)).await;
    let (status, _, _) = send(&app, &key).await;
    assert_eq!(status, 200);
    // Anonymous use has its own bucket: the partner's overspending does not touch it.
    assert!(app.query(QUERY).await.get("errors").is_none());
}

#[tokio::test]
async fn a_revoked_or_unknown_key_is_refused_as_unauthenticated() {
    let app = TestApp::spawn().await;
    let (status, _, body) = send(&app, "chk_not-a-real-key").await;
    assert_eq!(status, 401);
    assert_eq!(body["errors"][0]["extensions"]["code"], "UNAUTHENTICATED");
}

#[tokio::test]
async fn two_instances_sharing_redis_share_one_budget() {
    if !is_postgres() {
        // The shared budget needs Redis; CI runs this with TEST_REDIS_URL beside TEST_DATABASE_URL.
        return;
    }
    // Slow refill, so that only the shared capacity decides what runs.
    let slow = |cfg: &mut coophub::config::Config| {
        cfg.budget_partner = 100.0;
        cfg.budget_partner_rate = 1.0;
    };
    let a = TestApp::spawn_configured(slow).await;
    let mut cfg = crate::helpers::config(&a.database_url);
    slow(&mut cfg);
    let b = TestApp::spawn_with(cfg).await;
    let key = a.cli(&["api-key", "create", "--partner", "Shared"], None);
    let key = key.lines().last().unwrap_or_default().trim().to_owned();
    let mut statuses = Vec::new();
    let mut cost = 0.0;
    for i in 0..8 {
        let app = if i % 2 == 0 { &a } else { &b };
        let (status, _, body) = send(app, &key).await;
        cost = body["extensions"]["cost"]["requestedQueryCost"]
            .as_f64()
            .unwrap_or(cost);
        statuses.push(status);
    }
    // 100 points buy floor(100 / cost) requests across both instances, not that many on each.
    let affordable = (100.0 / cost).floor() as usize;
    assert!((2..4).contains(&affordable), "cost {cost}");
    let ran = statuses.iter().filter(|s| **s == 200).count();
    assert_eq!(ran, affordable, "cost {cost}: {statuses:?}");
    assert!(
        statuses[affordable..].iter().all(|s| *s == 429),
        "{statuses:?}"
    );
}
