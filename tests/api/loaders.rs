//! Every relation resolves through a DataLoader: a query's statement count
//! depends on its shape, never on its page size.

use crate::helpers::{nodes, TestApp};
use serde_json::json;

const THREE_LEVELS: &str = "query($n: Int!) { cooperatives(first: $n) { edges { node { name
    offerings(first: 5) { edges { node { name industry { code } } } }
    seat { name parent { name parent { name } } } } } } }";

#[tokio::test]
async fn a_three_level_query_sends_as_many_statements_at_page_size_100_as_at_10() {
    let app = TestApp::spawn().await;
    let mut counts = Vec::new();
    for n in [10, 100] {
        let before = app.statements().await;
        let body = app.query_vars(THREE_LEVELS, json!({ "n": n })).await;
        let after = app.statements().await;
        assert!(body.get("errors").is_none(), "{body}");
        let coops = nodes(&body["data"]["cooperatives"]);
        assert_eq!(coops.len(), n);
        assert!(coops
            .iter()
            .all(|c| c["seat"]["parent"]["parent"]["name"].is_string()));
        counts.push(after - before);
    }
    assert_eq!(counts[0], counts[1], "statements at 10 and 100: {counts:?}");
    // count + page, offerings, industries, seats, powiaty, voivodeships.
    assert!(counts[0] <= 7, "more statements than relations: {counts:?}");
}
