//! Every relation resolves through a DataLoader: a query's statement count
//! depends on its shape, never on its page size.

use crate::helpers::{nodes, TestApp};
use serde_json::{json, Value};

const THREE_LEVELS: &str =
    "query($n: Int!) { cooperatives(first: $n) { totalCount edges { node { name
    offerings(first: 5) { edges { node { name industry { code } } } }
    seat { name parent { name parent { name } } } } } } }";

#[tokio::test]
async fn a_three_level_query_sends_as_many_statements_at_page_size_100_as_at_10() {
    let app = TestApp::spawn().await;
    // The directory's size, counted row by row (a filter takes the counting path).
    let sizes = app
        .data("{ a: cooperatives(filter: {isSample: true}) { totalCount } b: cooperatives(filter: {isSample: false}) { totalCount } }")
        .await;
    let size = sizes["a"]["totalCount"].as_u64().unwrap_or(0)
        + sizes["b"]["totalCount"].as_u64().unwrap_or(0);
    assert!(size > 100, "{sizes}");
    let mut counts = Vec::new();
    for n in [10, 100] {
        let before = app.statements().await;
        let body = app.query_vars(THREE_LEVELS, json!({ "n": n })).await;
        let after = app.statements().await;
        assert!(body.get("errors").is_none(), "{body}");
        assert_eq!(body["data"]["cooperatives"]["totalCount"], size, "{body}");
        let coops = nodes(&body["data"]["cooperatives"]);
        assert_eq!(coops.len(), n);
        assert!(coops
            .iter()
            .all(|c| c["seat"]["parent"]["parent"]["name"].is_string()));
        counts.push(after - before);
    }
    assert_eq!(counts[0], counts[1], "statements at 10 and 100: {counts:?}");
    // The page with the directory's total (one statement), offerings, their
    // industries, and the seats with the units above them (one statement: a seat's
    // powiat and voivodeship come with it).
    assert!(counts[0] <= 4, "more statements than relations: {counts:?}");
    // A page past the end has no row to bring the total: it still shows it.
    let last = app
        .data("{ cooperatives(last: 1) { pageInfo { endCursor } } }")
        .await;
    let past = app
        .query_vars(
            "query($a: String) { cooperatives(first: 5, after: $a) { totalCount edges { cursor } pageInfo { hasPreviousPage hasNextPage } } }",
            json!({ "a": last["cooperatives"]["pageInfo"]["endCursor"] }),
        )
        .await;
    assert!(past.get("errors").is_none(), "{past}");
    let page = &past["data"]["cooperatives"];
    assert_eq!(page["totalCount"], size, "{past}");
    assert_eq!(page["edges"], json!([]), "{past}");
    assert_eq!(page["pageInfo"]["hasPreviousPage"], true, "{past}");
    assert_eq!(page["pageInfo"]["hasNextPage"], false, "{past}");
}

/// PostGraphile's reference walk, with purchases: units, their children, each
/// child's first cooperatives and purchases.
const UNIT_WALK: &str = "query($n: Int!) { localGovernments(filter: {level: POWIAT}, first: $n) {
    edges { node { name children(first: $n) { edges { node { name
      cooperatives(first: $n) { edges { node { name } } }
      procurementExamples(first: $n) { totalCount nodes { year } } } } } } } } }";

#[tokio::test]
async fn a_walk_down_the_units_sends_as_many_statements_at_page_size_10_as_at_3() {
    let app = TestApp::spawn().await;
    let mut counts = Vec::new();
    for n in [3usize, 10] {
        let before = app.statements().await;
        let body = app.query_vars(UNIT_WALK, json!({ "n": n })).await;
        let after = app.statements().await;
        assert!(body.get("errors").is_none(), "{body}");
        let units = nodes(&body["data"]["localGovernments"]);
        assert_eq!(units.len(), n);
        let children: Vec<Value> = units.iter().flat_map(|u| nodes(&u["children"])).collect();
        assert!(children.len() > n, "{body}");
        assert!(children
            .iter()
            .all(|c| nodes(&c["cooperatives"]).len() <= n));
        assert!(
            children
                .iter()
                .any(|c| !nodes(&c["cooperatives"]).is_empty()),
            "{body}"
        );
        counts.push(after - before);
    }
    assert_eq!(counts[0], counts[1], "statements at 3 and 10: {counts:?}");
    // units, children, cooperatives, purchases: one statement each, no count for
    // lists that show none.
    assert!(counts[0] <= 4, "more statements than lists: {counts:?}");
}

/// A unit's first cooperatives are read from the index alone when their fields
/// need no optional column, and joined to their rows when they do: both ways give
/// the same cooperatives in the same order, for gminas and for higher units.
#[tokio::test]
async fn a_units_first_cooperatives_are_the_same_from_the_index_as_from_the_rows() {
    let app = TestApp::spawn().await;
    // The seats of some cooperatives: gminas that have some (most have none).
    let seats = app
        .data("{ cooperatives(first: 8) { nodes { seat { id } } } }")
        .await;
    let seats: Vec<String> = seats["cooperatives"]["nodes"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|c| c["seat"]["id"].to_string())
        .collect();
    let gminas = format!("nodes(ids: [{}]) {{", seats.join(", "));
    for (level, open, close) in [
        ("GMINA", gminas.as_str(), "}"),
        (
            "POWIAT",
            "localGovernments(filter: {level: POWIAT}, first: 8) { nodes {",
            "} }",
        ),
        (
            "VOIVODESHIP",
            "localGovernments(filter: {level: VOIVODESHIP}, first: 8) { nodes {",
            "} }",
        ),
    ] {
        let list = |fields: &str| {
            format!(
                "{{ units: {open} ... on LocalGovernment {{ teryt
                   cooperatives(first: 4) {{ totalCount nodes {{ {fields} }} }} }} {close} }}"
            )
        };
        let from_index = app.data(&list("id name status")).await;
        let from_rows = app.data(&list("id name status description")).await;
        let pick = |v: &Value| -> Vec<Value> {
            let u = &v["units"];
            u["nodes"]
                .as_array()
                .or(u.as_array())
                .cloned()
                .unwrap_or_default()
        };
        let units = pick(&from_index);
        let shown: usize = units
            .iter()
            .map(|u| u["cooperatives"]["nodes"].as_array().map_or(0, Vec::len))
            .sum();
        assert!(shown > 0, "{level}: no cooperatives shown: {from_index}");
        let whole = pick(&from_rows);
        assert_eq!(units.len(), whole.len());
        for (a, b) in units.iter().zip(whole) {
            assert_eq!(a["teryt"], b["teryt"]);
            assert_eq!(
                a["cooperatives"]["totalCount"],
                b["cooperatives"]["totalCount"]
            );
            let strip = |v: &Value| -> Vec<(Value, Value, Value)> {
                v["cooperatives"]["nodes"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default()
                    .iter()
                    .map(|c| (c["id"].clone(), c["name"].clone(), c["status"].clone()))
                    .collect()
            };
            assert_eq!(strip(a), strip(&b), "{level} {}", a["teryt"]);
        }
    }
}

#[tokio::test]
async fn a_ranked_filter_asked_for_its_list_facets_and_map_in_one_request_is_read_once() {
    let app = TestApp::spawn().await;
    const FILTER: &str = r#"filter: {text: "catering", near: {teryt: "1261011", radiusKm: 150}}"#;
    let parts = [
        format!("list: cooperatives({FILTER}, first: 5) {{ totalCount edges {{ distanceKm node {{ name }} }} }}"),
        format!("facets: cooperativeFacets({FILTER}) {{ totalCount voivodeships {{ count }} }}"),
        format!("map: mapFigures(level: VOIVODESHIP, {FILTER}) {{ teryt cooperatives }}"),
    ];
    // Each alone, then together: the same answers, and together the selection is
    // read once instead of once per field.
    let mut alone = serde_json::Map::new();
    let mut spent = 0;
    for part in &parts {
        let before = app.statements().await;
        let body = app.query(&format!("{{ {part} }}")).await;
        spent += app.statements().await - before;
        assert!(body.get("errors").is_none(), "{body}");
        alone.extend(body["data"].as_object().cloned().unwrap_or_default());
    }
    assert!(
        alone["list"]["totalCount"].as_u64().is_some_and(|n| n > 0),
        "{alone:?}"
    );
    let before = app.statements().await;
    let body = app.query(&format!("{{ {} }}", parts.join(" "))).await;
    let together = app.statements().await - before;
    assert!(body.get("errors").is_none(), "{body}");
    assert_eq!(body["data"], Value::Object(alone));
    assert_eq!(
        together + 2,
        spent,
        "alone {spent} statements, together {together}"
    );
}
