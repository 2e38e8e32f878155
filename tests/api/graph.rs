//! Walking the graph as a procurement officer and a partner portal would.

use crate::helpers::{data_dir, first_error_code, nodes, TestApp};
use serde_json::{json, Value};

/// TERYT codes from the shipped register file (the test's independent source of truth).
fn register_codes(file: &str, column: &str) -> Vec<String> {
    let mut rdr = csv::Reader::from_path(data_dir().join(file)).unwrap_or_else(|e| panic!("{e}"));
    let headers = rdr.headers().cloned().unwrap_or_default();
    let ix = headers
        .iter()
        .position(|h| h == column)
        .unwrap_or_else(|| panic!("no column {column}"));
    rdr.records()
        .filter_map(|r| r.ok())
        .map(|r| r[ix].to_owned())
        .collect()
}

#[tokio::test]
async fn the_register_is_complete_with_16_voivodeships_380_powiaty_and_2479_gminy() {
    let app = TestApp::spawn().await;
    let data = app
        .data(
            "{ v: localGovernments(filter: {level: VOIVODESHIP}) { totalCount }
               p: localGovernments(filter: {level: POWIAT}) { totalCount }
               c: localGovernments(filter: {kind: MIASTO_NA_PRAWACH_POWIATU}) { totalCount }
               g: localGovernments(filter: {level: GMINA}) { totalCount } }",
        )
        .await;
    assert_eq!(data["v"]["totalCount"], 16);
    assert_eq!(data["p"]["totalCount"], 380);
    assert_eq!(data["c"]["totalCount"], 66);
    assert_eq!(data["g"]["totalCount"], 2479);
    assert_eq!(register_codes("teryt/gminy.csv", "teryt7").len(), 2479);
}

#[tokio::test]
async fn the_gminy_of_malopolskie_are_all_there_each_under_its_powiat() {
    let app = TestApp::spawn().await;
    let expected: Vec<String> = register_codes("teryt/gminy.csv", "teryt7")
        .into_iter()
        .filter(|t| t.starts_with("12"))
        .collect();
    let mut seen = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let body = app
            .query_vars(
                "query($after: String) { localGovernments(filter: {teryt: \"12\", level: GMINA}, first: 100, after: $after) {
                   totalCount pageInfo { hasNextPage endCursor }
                   edges { node { teryt name parent { teryt parent { name } } } } } }",
                json!({ "after": after }),
            )
            .await;
        let conn = &body["data"]["localGovernments"];
        assert_eq!(conn["totalCount"], expected.len());
        for n in nodes(conn) {
            let teryt = n["teryt"].as_str().unwrap_or_default().to_owned();
            assert_eq!(n["parent"]["teryt"].as_str(), Some(&teryt[..4]));
            assert_eq!(n["parent"]["parent"]["name"], "małopolskie");
            seen.push(teryt);
        }
        if conn["pageInfo"]["hasNextPage"] != true {
            break;
        }
        after = conn["pageInfo"]["endCursor"].as_str().map(str::to_owned);
    }
    assert_eq!(seen, expected, "paging lost, repeated or reordered gminy");
}

#[tokio::test]
async fn the_cooperatives_of_powiat_krakowski_come_with_offerings_and_sectors() {
    let app = TestApp::spawn().await;
    let data = app
        .data(
            r#"{ localGovernment(teryt: "1206") { name
                   cooperatives(first: 100) { totalCount edges { node { name isSample
                     seat { teryt } offerings { totalCount edges { node { name kind } } }
                     sectors { edges { node { slug } } } } } } }
                 cooperatives(filter: {teryt: "1206"}) { totalCount } }"#,
        )
        .await;
    let lg = &data["localGovernment"];
    assert_eq!(lg["name"], "krakowski");
    assert_eq!(
        lg["cooperatives"]["totalCount"],
        data["cooperatives"]["totalCount"]
    );
    let coops = nodes(&lg["cooperatives"]);
    assert!(
        !coops.is_empty(),
        "the sample should seat someone in powiat krakowski"
    );
    for c in coops {
        assert!(
            c["seat"]["teryt"]
                .as_str()
                .unwrap_or_default()
                .starts_with("1206"),
            "{c}"
        );
        assert_eq!(c["isSample"], true);
        assert!(
            c["offerings"]["totalCount"].as_u64().unwrap_or(0) >= 2,
            "{c}"
        );
        assert!(!nodes(&c["sectors"]).is_empty(), "{c}");
    }
}

#[tokio::test]
async fn a_gminas_procurement_examples_are_the_purchases_it_made() {
    let app = TestApp::spawn().await;
    let data = app
        .data("{ procurementExamples(first: 1) { edges { node { buyer { id teryt } } } } }")
        .await;
    let buyer = nodes(&data["procurementExamples"])[0]["buyer"].clone();
    let body = app
        .query_vars(
            "query($id: ID!) { node(id: $id) { ... on LocalGovernment { teryt
                procurementExamples { totalCount edges { node { buyer { id } valuePln procedure suppliers { edges { node { role cooperative { name } } } } } } } } } }",
            json!({ "id": buyer["id"] }),
        )
        .await;
    let lg = &body["data"]["node"];
    assert_eq!(lg["teryt"], buyer["teryt"]);
    let list = nodes(&lg["procurementExamples"]);
    assert!(!list.is_empty());
    for p in &list {
        assert_eq!(p["buyer"]["id"], buyer["id"]);
        assert_eq!(nodes(&p["suppliers"])[0]["role"], "LEAD");
        let v = p["valuePln"].as_str().unwrap_or_default();
        assert!(
            v.split_once('.').is_some_and(|(_, f)| f.len() == 2),
            "value {v} is not an exact decimal"
        );
    }
    let filtered = app
        .query_vars(
            "query($id: ID!) { procurementExamples(filter: {buyer: $id}) { totalCount } }",
            json!({ "id": buyer["id"] }),
        )
        .await;
    assert_eq!(
        filtered["data"]["procurementExamples"]["totalCount"],
        lg["procurementExamples"]["totalCount"]
    );
}

#[tokio::test]
async fn a_cooperative_is_found_by_nip_with_dashes_and_krs_without_leading_zeros() {
    let app = TestApp::spawn().await;
    let data = app
        .data("{ cooperatives(first: 1) { edges { node { id nip krs regon } } } }")
        .await;
    let c = nodes(&data["cooperatives"])[0].clone();
    let nip = c["nip"].as_str().unwrap_or_default();
    let dashed = format!("{}-{}-{}-{}", &nip[..3], &nip[3..6], &nip[6..8], &nip[8..]);
    let krs = c["krs"]
        .as_str()
        .unwrap_or_default()
        .trim_start_matches('0')
        .to_owned();
    for (arg, value) in [
        ("nip", dashed),
        ("krs", krs),
        ("regon", c["regon"].as_str().unwrap_or_default().to_owned()),
    ] {
        let body = app
            .query_vars(
                &format!("query($v: String!) {{ cooperative({arg}: $v) {{ id }} }}"),
                json!({ "v": value }),
            )
            .await;
        assert_eq!(body["data"]["cooperative"]["id"], c["id"], "{arg}={value}");
    }
}

#[tokio::test]
async fn a_wrong_checksum_is_bad_user_input_naming_the_field() {
    let app = TestApp::spawn().await;
    for (arg, value, field) in [
        ("nip", "526-000-12-47", "nip"),
        ("regon", "000331502", "regon"),
        ("krs", "12345678901", "krs"),
    ] {
        let body = app
            .query(&format!("{{ cooperative({arg}: \"{value}\") {{ id }} }}"))
            .await;
        assert_eq!(first_error_code(&body), "BAD_USER_INPUT", "{body}");
        assert_eq!(body["errors"][0]["extensions"]["field"], field);
        assert_eq!(body["data"]["cooperative"], Value::Null);
    }
    let body = app
        .query(r#"{ cooperative(nip: "5260001247") { id } }"#)
        .await;
    insta::assert_json_snapshot!(body, {
        ".extensions.cost.throttleStatus.currentlyAvailable" => "[available]",
        ".errors[].extensions.requestId" => "[request id]",
    });
}

#[tokio::test]
async fn node_and_nodes_return_every_kind_of_object_by_global_id() {
    let app = TestApp::spawn().await;
    let data = app
        .data(
            r#"{ cooperatives(first: 1) { edges { node { id offerings(first: 1) { edges { node { id } } } } } }
                 localGovernment(teryt: "1206") { id } industry(code: "56.21.Z") { id }
                 sector(slug: "catering") { id } institutions(first: 1) { edges { node { id } } }
                 procurementExamples(first: 1) { edges { node { id } } } }"#,
        )
        .await;
    let coop = nodes(&data["cooperatives"])[0].clone();
    let ids = vec![
        coop["id"].clone(),
        nodes(&coop["offerings"])[0]["id"].clone(),
        data["localGovernment"]["id"].clone(),
        data["industry"]["id"].clone(),
        data["sector"]["id"].clone(),
        nodes(&data["institutions"])[0]["id"].clone(),
        nodes(&data["procurementExamples"])[0]["id"].clone(),
    ];
    let body = app
        .query_vars(
            "query($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }",
            json!({ "ids": ids }),
        )
        .await;
    let got = body["data"]["nodes"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let types: Vec<&str> = got
        .iter()
        .map(|n| n["__typename"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(
        types,
        [
            "Cooperative",
            "Offering",
            "LocalGovernment",
            "Industry",
            "Sector",
            "Institution",
            "ProcurementExample"
        ]
    );
    for (n, id) in got.iter().zip(&ids) {
        assert_eq!(&n["id"], id);
    }
    let bad = app.query(r#"{ node(id: "not-an-id") { id } }"#).await;
    assert_eq!(first_error_code(&bad), "BAD_USER_INPUT");
}

#[tokio::test]
async fn paging_backwards_from_the_end_meets_paging_forwards() {
    let app = TestApp::spawn().await;
    let fwd = app
        .data("{ cooperatives(first: 30) { edges { cursor node { id } } } }")
        .await;
    let ids: Vec<Value> = nodes(&fwd["cooperatives"])
        .iter()
        .map(|n| n["id"].clone())
        .collect();
    let cursor_20 = fwd["cooperatives"]["edges"][20]["cursor"].clone();
    let back = app
        .query_vars(
            "query($b: String) { cooperatives(last: 10, before: $b) { pageInfo { hasPreviousPage hasNextPage } edges { node { id } } } }",
            json!({ "b": cursor_20 }),
        )
        .await;
    let conn = &back["data"]["cooperatives"];
    let back_ids: Vec<Value> = nodes(conn).iter().map(|n| n["id"].clone()).collect();
    assert_eq!(back_ids, ids[10..20].to_vec());
    assert_eq!(conn["pageInfo"]["hasPreviousPage"], true);
    assert_eq!(conn["pageInfo"]["hasNextPage"], true);
}

#[tokio::test]
async fn filters_combine_and_every_result_satisfies_all_of_them() {
    let app = TestApp::spawn().await;
    let data = app
        .data(
            r#"{ all: cooperatives { totalCount }
                 some: cooperatives(first: 100, filter: {sector: "catering", status: [ACTIVE], pkd: "56"}) {
                   totalCount edges { node { status industries { edges { node { code } } } sectors { edges { node { slug } } } } } } }"#,
        )
        .await;
    let some = &data["some"];
    assert!(some["totalCount"].as_u64() < data["all"]["totalCount"].as_u64());
    for c in nodes(some) {
        assert_eq!(c["status"], "ACTIVE");
        assert!(
            nodes(&c["sectors"]).iter().any(|s| s["slug"] == "catering"),
            "{c}"
        );
        assert!(
            nodes(&c["industries"])
                .iter()
                .any(|i| i["code"].as_str().unwrap_or_default().starts_with("56")),
            "{c}"
        );
    }
    let bad = app
        .query(r#"{ cooperatives(filter: {teryt: "12x"}) { totalCount } }"#)
        .await;
    assert_eq!(first_error_code(&bad), "BAD_USER_INPUT");
    assert_eq!(bad["errors"][0]["extensions"]["field"], "filter.teryt");
}

#[tokio::test]
async fn the_pkd_tree_and_sectors_link_both_ways() {
    let app = TestApp::spawn().await;
    let data = app
        .data(
            r#"{ industry(code: "5621Z") { code level name parent { code parent { code parent { code parent { code level } } } } }
                 industries(filter: {level: SUBCLASS}) { totalCount }
                 sectors { totalCount edges { node { slug industries { edges { node { code } } } } } } }"#,
        )
        .await;
    let i = &data["industry"];
    assert_eq!(i["code"], "56.21.Z");
    assert_eq!(i["parent"]["parent"]["parent"]["parent"]["code"], "I");
    assert_eq!(
        i["parent"]["parent"]["parent"]["parent"]["level"],
        "SECTION"
    );
    assert_eq!(data["industries"]["totalCount"], 656);
    let catering = nodes(&data["sectors"])
        .into_iter()
        .find(|s| s["slug"] == "catering")
        .unwrap_or_default();
    assert_eq!(nodes(&catering["industries"])[0]["code"], "56.2");
}

#[tokio::test]
async fn the_voivodeships_list_matches_its_snapshot() {
    let app = TestApp::spawn().await;
    let body = app.query("{ localGovernments(filter: {level: VOIVODESHIP}, first: 3) { totalCount edges { cursor node { id teryt name kind population parent { id } } } } }").await;
    insta::assert_json_snapshot!(body, {
        ".**.id" => "[id]",
        ".**.cursor" => "[cursor]",
        ".extensions.cost.throttleStatus.currentlyAvailable" => "[available]",
    });
}

/// A unit's cooperatives, forward pages (loaded "first n per unit" by window
/// functions) against the whole list (loaded in full, counted from the end).
#[tokio::test]
async fn a_units_forward_pages_match_its_whole_list() {
    let app = crate::helpers::TestApp::spawn().await;
    let q = "{ localGovernments(filter: {level: VOIVODESHIP}, first: 6) { nodes { teryt
        all: cooperatives(last: 100) { totalCount nodes { name } }
        head: cooperatives(first: 2) { totalCount pageInfo { endCursor hasNextPage } nodes { name } }
        full: cooperatives(first: 2) { edges { node { ...on Cooperative { name } status } } } } } }";
    let data = app.data(q).await;
    let units = data["localGovernments"]["nodes"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(units.len(), 6);
    let mut seen_any = false;
    for u in units {
        let all: Vec<&serde_json::Value> = u["all"]["nodes"]
            .as_array()
            .map(|a| a.iter().map(|n| &n["name"]).collect())
            .unwrap_or_default();
        assert_eq!(u["head"]["totalCount"], u["all"]["totalCount"], "{u}");
        let head: Vec<&serde_json::Value> = u["head"]["nodes"]
            .as_array()
            .map(|a| a.iter().map(|n| &n["name"]).collect())
            .unwrap_or_default();
        assert_eq!(head, all.iter().take(2).copied().collect::<Vec<_>>(), "{u}");
        // A page that asks for more than names reads whole rows (a head of names only
        // does not): the same cooperatives, with their other fields.
        let full = u["full"]["edges"].as_array().cloned().unwrap_or_default();
        let full_names: Vec<&serde_json::Value> = full.iter().map(|e| &e["node"]["name"]).collect();
        assert_eq!(full_names, head, "{u}");
        assert!(
            full.iter()
                .all(|e| e["node"]["status"].as_str().is_some_and(|s| !s.is_empty())),
            "{u}"
        );
        if all.len() > 2 {
            seen_any = true;
            let after = &u["head"]["pageInfo"]["endCursor"];
            let next = app
                .query_vars(
                    "query($t: String!, $a: String!) { localGovernment(teryt: $t) { cooperatives(first: 2, after: $a) { nodes { name } } } }",
                    serde_json::json!({ "t": u["teryt"], "a": after }),
                )
                .await;
            let names: Vec<&serde_json::Value> = next["data"]["localGovernment"]["cooperatives"]
                ["nodes"]
                .as_array()
                .map(|a| a.iter().map(|n| &n["name"]).collect())
                .unwrap_or_default();
            assert_eq!(
                names,
                all.iter().skip(2).take(2).copied().collect::<Vec<_>>(),
                "{next}"
            );
        }
    }
    assert!(
        seen_any,
        "no voivodeship with more than two cooperatives in the sample"
    );
}

#[tokio::test]
async fn a_buyers_forward_pages_of_purchases_match_its_whole_list() {
    let app = crate::helpers::TestApp::spawn().await;
    let buyers = app
        .data("{ procurementExamples(first: 100) { nodes { buyer { teryt } } } }")
        .await;
    let mut teryts: Vec<String> = buyers["procurementExamples"]["nodes"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|n| n["buyer"]["teryt"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    teryts.sort();
    teryts.dedup();
    assert!(teryts.len() >= 3, "{buyers}");
    let q = "query($t: String!) { localGovernment(teryt: $t) {
        all: procurementExamples(last: 100) { totalCount nodes { id year } }
        head: procurementExamples(first: 1) { totalCount pageInfo { endCursor hasNextPage } nodes { id year } } } }";
    let mut seen_more = false;
    for t in teryts.iter().take(8) {
        let r = app.query_vars(q, serde_json::json!({ "t": t })).await;
        let u = &r["data"]["localGovernment"];
        let all = u["all"]["nodes"].as_array().cloned().unwrap_or_default();
        let head = u["head"]["nodes"].as_array().cloned().unwrap_or_default();
        assert_eq!(u["head"]["totalCount"], u["all"]["totalCount"], "{r}");
        assert_eq!(head, all.iter().take(1).cloned().collect::<Vec<_>>(), "{r}");
        if all.len() > 1 {
            seen_more = true;
            let next = app
                .query_vars(
                    "query($t: String!, $a: String!) { localGovernment(teryt: $t) { procurementExamples(first: 2, after: $a) { nodes { id year } } } }",
                    serde_json::json!({ "t": t, "a": u["head"]["pageInfo"]["endCursor"] }),
                )
                .await;
            let names = next["data"]["localGovernment"]["procurementExamples"]["nodes"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            assert_eq!(
                names,
                all.iter().skip(1).take(2).cloned().collect::<Vec<_>>(),
                "{next}"
            );
        }
    }
    assert!(
        seen_more,
        "no buyer with more than one purchase among {teryts:?}"
    );
}

/// A page that does not show `totalCount` is read without counting its list (one row
/// more tells whether a next page exists): it must still say so exactly, at every
/// kind of list, at and around the list's end.
#[tokio::test]
async fn pages_without_a_total_still_know_whether_a_next_page_follows() {
    let app = crate::helpers::TestApp::spawn().await;
    // The buyer with the most purchases.
    let bought = app
        .data("{ procurementExamples(first: 100) { edges { node { buyer { teryt } } } } }")
        .await;
    let mut buyers: Vec<String> = crate::helpers::nodes(&bought["procurementExamples"])
        .iter()
        .filter_map(|n| n["buyer"]["teryt"].as_str().map(str::to_owned))
        .collect();
    buyers.sort();
    let buyer = buyers
        .iter()
        .max_by_key(|b| buyers.iter().filter(|o| o == b).count())
        .cloned()
        .unwrap_or_default();
    // The totals, counted.
    let totals = app
        .data(&format!(
            "{{ localGovernments(filter: {{level: VOIVODESHIP}}) {{ totalCount }}
               localGovernment(teryt: \"12\") {{ children(first: 1) {{ totalCount }} cooperatives(first: 1) {{ totalCount }} }}
               buyer: localGovernment(teryt: \"{buyer}\") {{ procurementExamples(first: 1) {{ totalCount }} }} }}"
        ))
        .await;
    let bought_by = format!(
        "{{ localGovernment(teryt: \"{buyer}\") {{ procurementExamples(first: $n) {{ PAGE }} }} }}"
    );
    let count = |v: &serde_json::Value| v["totalCount"].as_i64().unwrap_or(-1);
    let lists = [
        (
            "{ localGovernments(filter: {level: VOIVODESHIP}, first: $n) { PAGE } }",
            count(&totals["localGovernments"]),
            "/localGovernments",
        ),
        (
            "{ localGovernment(teryt: \"12\") { children(first: $n) { PAGE } } }",
            count(&totals["localGovernment"]["children"]),
            "/localGovernment/children",
        ),
        (
            "{ localGovernment(teryt: \"12\") { cooperatives(first: $n) { PAGE } } }",
            count(&totals["localGovernment"]["cooperatives"]),
            "/localGovernment/cooperatives",
        ),
        (
            bought_by.as_str(),
            count(&totals["buyer"]["procurementExamples"]),
            "/localGovernment/procurementExamples",
        ),
    ];
    for (shape, total, path) in lists {
        assert!((2..=100).contains(&total), "{shape}: {total} items");
        // Only the count: a page of none still counts the whole list.
        let q = format!(
            "query($n: Int!) {}",
            shape.replace("PAGE", "totalCount edges { cursor }")
        );
        let r = app.query_vars(&q, serde_json::json!({ "n": 0 })).await;
        let page = r["data"].pointer(path).cloned().unwrap_or_default();
        assert_eq!(page["totalCount"], total, "{shape} first: 0: {r}");
        assert_eq!(
            page["edges"],
            serde_json::json!([]),
            "{shape} first: 0: {r}"
        );
        for n in [total - 1, total] {
            let page = "pageInfo { hasNextPage endCursor } edges { cursor }";
            let q = format!("query($n: Int!) {}", shape.replace("PAGE", page));
            let counted = format!(
                "query($n: Int!) {}",
                shape.replace("PAGE", &format!("totalCount {page}"))
            );
            let (a, b) = (
                app.query_vars(&q, serde_json::json!({ "n": n })).await,
                app.query_vars(&counted, serde_json::json!({ "n": n }))
                    .await,
            );
            let (a, b) = (
                a["data"].pointer(path).cloned().unwrap_or_default(),
                b["data"].pointer(path).cloned().unwrap_or_default(),
            );
            assert_eq!(
                a["pageInfo"]["hasNextPage"],
                serde_json::json!(n < total),
                "{shape} n={n}: {a}"
            );
            assert_eq!(a["pageInfo"], b["pageInfo"], "{shape} n={n}");
            assert_eq!(a["edges"], b["edges"], "{shape} n={n}");
            assert_eq!(
                a["edges"].as_array().map(Vec::len),
                Some(n as usize),
                "{shape} n={n}"
            );
            // Without `pageInfo` a page reads no row past its end; asked for in a
            // fragment, `pageInfo` still knows whether there is a next page.
            let bare = format!(
                "query($n: Int!) {}",
                shape.replace("PAGE", "edges { cursor }")
            );
            let inline = format!(
                "query($n: Int!) {}",
                shape.replace("PAGE", &format!("... {{ {page} }}"))
            );
            let (c, d) = (
                app.query_vars(&bare, serde_json::json!({ "n": n })).await,
                app.query_vars(&inline, serde_json::json!({ "n": n })).await,
            );
            let (c, d) = (
                c["data"].pointer(path).cloned().unwrap_or_default(),
                d["data"].pointer(path).cloned().unwrap_or_default(),
            );
            assert_eq!(
                c["edges"], a["edges"],
                "{shape} n={n} without pageInfo: {c}"
            );
            assert_eq!(
                d["pageInfo"], a["pageInfo"],
                "{shape} n={n} in a fragment: {d}"
            );
            assert_eq!(d["edges"], a["edges"], "{shape} n={n} in a fragment: {d}");
        }
    }
}
