//! The buyer's directory: word search, distance, areas served, facets, the union
//! search, needs with ranked candidates, eligibility and activity.

use crate::helpers::{cooperative_list, first_error_code, nodes, TestApp};
use serde_json::{json, Value};
use std::collections::BTreeSet;

const UPDATE: &str = "mutation($i: UpdateCooperativeInput!) { updateCooperative(input: $i) { cooperative { id name version } } }";

/// Haversine with the mean Earth radius, written independently of the server's.
fn km(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (p1, p2) = (a.0.to_radians(), b.0.to_radians());
    let h = ((p2 - p1) / 2.0).sin().powi(2)
        + p1.cos() * p2.cos() * ((b.1 - a.1).to_radians() / 2.0).sin().powi(2);
    2.0 * 6371.0088 * h.sqrt().asin()
}

fn point(v: &Value) -> (f64, f64) {
    (
        v["latitude"].as_f64().unwrap_or(f64::NAN),
        v["longitude"].as_f64().unwrap_or(f64::NAN),
    )
}

async fn admin(app: &TestApp) -> String {
    app.staff("admin@example.org", "--admin").await
}

/// Every edge of a cooperative list (distance, relevance, id, name, location).
async fn all_cooperatives(app: &TestApp, filter: Value) -> Vec<Value> {
    cooperative_list(app, filter).await.1
}

/// A procurement example proposed by `token`, with one LEAD supplier; returns `{id version}`.
async fn propose(
    app: &TestApp,
    token: &str,
    buyer: &Value,
    supplier: &Value,
    subject: &str,
    procedure: &str,
    year: i32,
) -> Value {
    let body = app
        .query_as(
            token,
            "mutation($i: ProposeProcurementExampleInput!) { proposeProcurementExample(input: $i) { procurementExample { id version } } }",
            json!({ "i": { "buyer": buyer, "suppliers": [{ "cooperative": supplier, "role": "LEAD" }], "subject": subject, "procedure": procedure, "year": year } }),
        )
        .await;
    let example = body["data"]["proposeProcurementExample"]["procurementExample"].clone();
    assert!(example.is_object(), "{body}");
    example
}

async fn verify(app: &TestApp, moderator: &str, example: &Value) {
    let body = app
        .query_as(
            moderator,
            "mutation($i: ID!, $v: Int!) { verifyProcurementExample(input: {id: $i, version: $v}) { procurementExample { verified } } }",
            json!({ "i": example["id"], "v": example["version"] }),
        )
        .await;
    assert_eq!(
        body["data"]["verifyProcurementExample"]["procurementExample"]["verified"], true,
        "{body}"
    );
}

async fn set_text(app: &TestApp, token: &str, coop: &Value, name: &str, description: &str) {
    let body = app
        .query_as(
            token,
            UPDATE,
            json!({ "i": { "id": coop["id"], "version": coop["version"], "name": name, "description": description } }),
        )
        .await;
    assert!(body.get("errors").is_none(), "{body}");
}

async fn some_cooperatives(app: &TestApp, n: usize) -> Vec<Value> {
    let data = app
        .data(&format!(
            "{{ cooperatives(first: {n}, filter: {{status: [ACTIVE]}}) {{ edges {{ node {{ id version name seat {{ id teryt }} }} }} }} }}"
        ))
        .await;
    nodes(&data["cooperatives"])
}

fn names(edges: &[Value]) -> Vec<String> {
    edges
        .iter()
        .map(|e| e["node"]["name"].as_str().unwrap_or_default().to_owned())
        .collect()
}

#[tokio::test]
async fn words_match_without_case_or_diacritics_and_as_prefixes_ranked_by_field() {
    let app = TestApp::spawn().await;
    let admin = admin(&app).await;
    let coops = some_cooperatives(&app, 2).await;
    set_text(
        &app,
        &admin,
        &coops[0],
        "Spółdzielnia Socjalna „Żółw” z Łodzi",
        "Usługi gastronomiczne i sprzątanie",
    )
    .await;
    set_text(
        &app,
        &admin,
        &coops[1],
        "Spółdzielnia Socjalna Gastronomia",
        "Kuchnia domowa",
    )
    .await;

    for text in ["zolw", "ŻÓŁW", "Zółw", "zol"] {
        let hits = all_cooperatives(&app, json!({ "text": text })).await;
        assert_eq!(
            names(&hits),
            ["Spółdzielnia Socjalna „Żółw” z Łodzi"],
            "text {text}"
        );
    }
    // "Łódź" folds to "lodz", a prefix of "lodzi": the same answer as the plain spelling.
    let plain = names(&all_cooperatives(&app, json!({ "text": "lodz" })).await);
    assert!(
        plain.contains(&"Spółdzielnia Socjalna „Żółw” z Łodzi".to_owned()),
        "{plain:?}"
    );
    assert_eq!(
        names(&all_cooperatives(&app, json!({ "text": "ŁÓDŹ" })).await),
        plain
    );
    assert_eq!(
        names(&all_cooperatives(&app, json!({ "text": "lodz zolw" })).await).len(),
        1
    );
    // A prefix finds "gastronomiczne" (description) and "Gastronomia" (name); the name ranks first.
    let hits = all_cooperatives(&app, json!({ "text": "gastronom" })).await;
    let found = names(&hits);
    let by_name = found
        .iter()
        .position(|n| n == "Spółdzielnia Socjalna Gastronomia");
    let by_description = found
        .iter()
        .position(|n| n == "Spółdzielnia Socjalna „Żółw” z Łodzi");
    assert!(by_name.is_some() && by_description.is_some(), "{found:?}");
    assert!(by_name < by_description, "{found:?}");
    let relevance: Vec<i64> = hits
        .iter()
        .map(|h| h["relevance"].as_i64().unwrap_or(-1))
        .collect();
    assert!(relevance.windows(2).all(|w| w[0] >= w[1]), "{relevance:?}");
    // Every word must match.
    assert_eq!(
        all_cooperatives(&app, json!({ "text": "zolw kuchnia" }))
            .await
            .len(),
        0
    );
    // Offerings count: every sample catering offering is called "Catering …".
    let catering = all_cooperatives(&app, json!({ "text": "catering" })).await;
    assert!(!catering.is_empty());
    // Nothing to search for is an error naming the field.
    let bad = app
        .query("{ cooperatives(filter: {text: \" - \"}) { totalCount } }")
        .await;
    assert_eq!(first_error_code(&bad), "BAD_USER_INPUT", "{bad}");
    assert_eq!(
        bad["errors"][0]["extensions"]["field"], "filter.text",
        "{bad}"
    );
}

#[tokio::test]
async fn distances_are_great_circle_from_the_centroid_and_order_the_list() {
    let app = TestApp::spawn().await;
    let admin = admin(&app).await;
    let krakow = app
        .data("{ localGovernment(teryt: \"1261011\") { centroid { latitude longitude } } }")
        .await;
    let krakow = point(&krakow["localGovernment"]["centroid"]);
    let wieliczka = app
        .data("{ localGovernment(teryt: \"1219053\") { centroid { latitude longitude } } }")
        .await;
    let wieliczka = point(&wieliczka["localGovernment"]["centroid"]);
    // Put one cooperative exactly on the centroid of gmina Wieliczka.
    let coop = &some_cooperatives(&app, 1).await[0];
    let moved = app
        .query_as(&admin, UPDATE, json!({ "i": { "id": coop["id"], "version": coop["version"], "latitude": wieliczka.0, "longitude": wieliczka.1 } }))
        .await;
    assert!(moved.get("errors").is_none(), "{moved}");

    let near = all_cooperatives(
        &app,
        json!({ "near": { "teryt": "1261011", "radiusKm": 60 } }),
    )
    .await;
    let it = near
        .iter()
        .find(|e| e["node"]["id"] == coop["id"])
        .unwrap_or_else(|| panic!("moved cooperative not within 60 km: {near:?}"));
    let d = it["distanceKm"].as_f64().unwrap_or_default();
    assert!(
        (d - 10.7).abs() < 0.05,
        "Kraków–Wieliczka is 10.7 km, got {d}"
    );

    // The list is exactly the cooperatives within the radius, nearest first, with their distances.
    let everyone = all_cooperatives(&app, json!({})).await;
    let expected: BTreeSet<String> = everyone
        .iter()
        .filter(|e| km(krakow, point(&e["node"]["location"])) <= 60.0)
        .map(|e| e["node"]["id"].as_str().unwrap_or_default().to_owned())
        .collect();
    let got: BTreeSet<String> = near
        .iter()
        .map(|e| e["node"]["id"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(got, expected);
    assert!(
        near.len() > 3,
        "too few cooperatives near Kraków to test the order: {}",
        near.len()
    );
    let distances: Vec<f64> = near
        .iter()
        .map(|e| e["distanceKm"].as_f64().unwrap_or(-1.0))
        .collect();
    assert!(distances.windows(2).all(|w| w[0] <= w[1]), "{distances:?}");
    for e in &near {
        let mine = km(krakow, point(&e["node"]["location"]));
        let theirs = e["distanceKm"].as_f64().unwrap_or(-1.0);
        assert!((mine - theirs).abs() < 0.01, "{mine} vs {theirs}");
    }
    // A point works as well as a unit.
    let by_point = all_cooperatives(
        &app,
        json!({ "near": { "latitude": krakow.0, "longitude": krakow.1, "radiusKm": 60 } }),
    )
    .await;
    assert_eq!(names(&by_point), names(&near));
    // Either a unit or a point, a radius in range.
    for (near, field) in [
        (
            json!({ "teryt": "1261011", "latitude": 50.0, "longitude": 20.0, "radiusKm": 10 }),
            "filter.near",
        ),
        (
            json!({ "teryt": "1261011", "radiusKm": 0 }),
            "filter.near.radiusKm",
        ),
        (
            json!({ "teryt": "9999999", "radiusKm": 10 }),
            "filter.near.teryt",
        ),
    ] {
        let body = app
            .query_vars(
                "query($f: CooperativeFilter) { cooperatives(filter: $f) { totalCount } }",
                json!({ "f": { "near": near } }),
            )
            .await;
        assert_eq!(first_error_code(&body), "BAD_USER_INPUT", "{body}");
        assert_eq!(body["errors"][0]["extensions"]["field"], field, "{body}");
    }
    let body = app
        .query("{ cooperatives(orderBy: DISTANCE) { totalCount } }")
        .await;
    assert_eq!(
        body["errors"][0]["extensions"]["field"], "orderBy",
        "{body}"
    );
}

#[tokio::test]
async fn pages_through_a_ranked_list_with_cursors_give_the_whole_list_once() {
    let app = TestApp::spawn().await;
    let filter =
        json!({ "near": { "teryt": "14", "radiusKm": 150 }, "status": ["ACTIVE", "SUSPENDED"] });
    let whole = all_cooperatives(&app, filter.clone()).await;
    assert!(whole.len() > 20, "{}", whole.len());
    let mut paged = Vec::new();
    let mut after = Value::Null;
    loop {
        let body = app
            .query_vars(
                "query($f: CooperativeFilter, $a: String) { cooperatives(filter: $f, first: 7, after: $a) { totalCount pageInfo { hasNextPage endCursor } edges { node { id } } } }",
                json!({ "f": filter, "a": after }),
            )
            .await;
        let conn = &body["data"]["cooperatives"];
        assert_eq!(conn["totalCount"], whole.len(), "{body}");
        paged.extend(nodes(conn).into_iter().map(|n| n["id"].clone()));
        if conn["pageInfo"]["hasNextPage"] != true {
            break;
        }
        after = conn["pageInfo"]["endCursor"].clone();
    }
    let ids: Vec<Value> = whole.iter().map(|e| e["node"]["id"].clone()).collect();
    assert_eq!(paged, ids);
    // Backwards from the end gives the last page.
    let body = app
        .query_vars("query($f: CooperativeFilter) { cooperatives(filter: $f, last: 3) { edges { node { id } } } }", json!({ "f": filter }))
        .await;
    let last: Vec<Value> = nodes(&body["data"]["cooperatives"])
        .into_iter()
        .map(|n| n["id"].clone())
        .collect();
    assert_eq!(last, ids[ids.len() - 3..].to_vec());
}

#[tokio::test]
async fn facets_add_up_and_agree_with_the_list() {
    let app = TestApp::spawn().await;
    for filter in [
        json!({}),
        json!({ "text": "catering" }),
        json!({ "near": { "teryt": "1261011", "radiusKm": 120 }, "status": ["ACTIVE"] }),
        json!({ "teryt": "12", "founderKind": ["NATURAL_PERSONS", "MIXED"] }),
    ] {
        let body = app
            .query_vars(
                "query($f: CooperativeFilter) { cooperatives(filter: $f) { totalCount } cooperativeFacets(filter: $f) { totalCount voivodeships { teryt count voivodeship { teryt } } sectors { count sector { slug } } founderKinds { founderKind count } statuses { status count } } }",
                json!({ "f": filter }),
            )
            .await;
        assert!(body.get("errors").is_none(), "{body}");
        let total = body["data"]["cooperatives"]["totalCount"]
            .as_u64()
            .unwrap_or(u64::MAX);
        let facets = &body["data"]["cooperativeFacets"];
        assert_eq!(facets["totalCount"], total, "{filter}");
        let sum = |group: &str| -> u64 {
            facets[group]
                .as_array()
                .map(|a| a.iter().map(|x| x["count"].as_u64().unwrap_or(0)).sum())
                .unwrap_or(0)
        };
        assert_eq!(sum("voivodeships"), total, "{filter}");
        assert_eq!(sum("founderKinds"), total, "{filter}");
        assert_eq!(sum("statuses"), total, "{filter}");
        for v in facets["voivodeships"]
            .as_array()
            .cloned()
            .unwrap_or_default()
        {
            assert_eq!(v["voivodeship"]["teryt"], v["teryt"]);
        }
        // Each sector's count is the list narrowed to that sector.
        for s in facets["sectors"]
            .as_array()
            .cloned()
            .unwrap_or_default()
            .iter()
            .take(3)
        {
            let mut narrowed = filter.clone();
            narrowed["sector"] = s["sector"]["slug"].clone();
            let n = app
                .query_vars(
                    "query($f: CooperativeFilter) { cooperatives(filter: $f) { totalCount } }",
                    json!({ "f": narrowed }),
                )
                .await;
            assert_eq!(
                n["data"]["cooperatives"]["totalCount"], s["count"],
                "{narrowed}"
            );
        }
        // And each status's.
        for s in facets["statuses"].as_array().cloned().unwrap_or_default() {
            let mut narrowed = filter.clone();
            narrowed["status"] = json!([s["status"]]);
            let n = app
                .query_vars(
                    "query($f: CooperativeFilter) { cooperatives(filter: $f) { totalCount } }",
                    json!({ "f": narrowed }),
                )
                .await;
            assert_eq!(
                n["data"]["cooperatives"]["totalCount"], s["count"],
                "{narrowed}"
            );
        }
    }
}

#[tokio::test]
async fn serves_finds_areas_by_containment_and_by_radius() {
    let app = TestApp::spawn().await;
    let admin = admin(&app).await;
    let coop = &some_cooperatives(&app, 1).await[0];
    // An offering listing powiat nowotarski (1211) covers gmina Nowy Targ (1211011), not Kraków.
    let listed = app
        .query_as(&admin, "mutation($c: ID!) { createOffering(input: {cooperative: $c, name: \"Zefirkowe obiady dla seniorów\", kind: SERVICE, areaTeryt: [\"1211\"]}) { offering { id } } }", json!({ "c": coop["id"] }))
        .await;
    assert!(listed.get("errors").is_none(), "{listed}");
    let ids = |edges: Vec<Value>| -> BTreeSet<String> {
        edges
            .iter()
            .map(|e| e["node"]["id"].as_str().unwrap_or_default().to_owned())
            .collect()
    };
    let nowy_targ = ids(all_cooperatives(&app, json!({ "serves": "1211011" })).await);
    assert!(nowy_targ.contains(coop["id"].as_str().unwrap_or_default()));
    let krakow = ids(all_cooperatives(&app, json!({ "serves": "1261011" })).await);
    assert!(!krakow.contains(coop["id"].as_str().unwrap_or_default()));
    // A radius around the cooperative covers the places it reaches.
    let other = &some_cooperatives(&app, 2).await[1];
    let lg = app.data(&format!("{{ node(id: \"{}\") {{ ... on Cooperative {{ location {{ latitude longitude }} seat {{ teryt }} }} }} }}", other["id"].as_str().unwrap_or_default())).await;
    let seat = lg["node"]["seat"]["teryt"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let reach = app
        .query_as(&admin, "mutation($c: ID!) { createOffering(input: {cooperative: $c, name: \"Sprzątanie biur\", kind: SERVICE, radiusKm: 30}) { offering { id } } }", json!({ "c": other["id"] }))
        .await;
    assert!(reach.get("errors").is_none(), "{reach}");
    let home = ids(all_cooperatives(&app, json!({ "serves": seat })).await);
    assert!(
        home.contains(other["id"].as_str().unwrap_or_default()),
        "{seat}"
    );
    // Combined with other filters, and a unit that must exist.
    let combined = all_cooperatives(&app, json!({ "serves": "1211011", "text": "zefirk" })).await;
    assert_eq!(names(&combined).len(), 1, "{combined:?}");
    // The search tokens change in the write's own transaction: renamed, the offering
    // is no longer found by its old name, and found by its new one.
    let renamed = app
        .query_as(&admin, "mutation($o: ID!) { updateOffering(input: {id: $o, version: 1, name: \"Obiady wegańskie\"}) { offering { version } } }", json!({ "o": listed["data"]["createOffering"]["offering"]["id"] }))
        .await;
    assert!(renamed.get("errors").is_none(), "{renamed}");
    let old = all_cooperatives(&app, json!({ "serves": "1211011", "text": "zefirk" })).await;
    assert!(old.is_empty(), "{old:?}");
    let new = all_cooperatives(&app, json!({ "serves": "1211011", "text": "wegansk" })).await;
    assert_eq!(names(&new).len(), 1, "{new:?}");
    let bad = app
        .query("{ cooperatives(filter: {serves: \"1299999\"}) { totalCount } }")
        .await;
    assert_eq!(
        bad["errors"][0]["extensions"]["field"], "filter.serves",
        "{bad}"
    );
}

/// Whether the cooperative `coop` lists the purchase `id` among those it supplied,
/// as the holder of `token` (none: anonymous) sees it.
async fn supplies(app: &TestApp, token: Option<String>, coop: &Value, id: &Value) -> bool {
    let q = "query($c: ID!) { node(id: $c) { ... on Cooperative { procurementExamples(first: 100) { nodes { id } } } } }";
    let vars = json!({ "c": coop });
    let body = match token {
        Some(t) => app.query_as(&t, q, vars).await,
        None => app.query_vars(q, vars).await,
    };
    body["data"]["node"]["procurementExamples"]["nodes"]
        .as_array()
        .unwrap_or_else(|| panic!("{body}"))
        .iter()
        .any(|n| n["id"] == *id)
}

#[tokio::test]
async fn search_ranks_across_types_and_never_shows_unverified_examples() {
    let app = TestApp::spawn().await;
    let body = app
        .query("{ search(query: \"nowy targ\") { totalCount edges { relevance node { __typename ... on LocalGovernment { name teryt } } } } }")
        .await;
    let edges = body["data"]["search"]["edges"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(!edges.is_empty(), "{body}");
    assert_eq!(edges[0]["node"]["__typename"], "LocalGovernment", "{body}");
    assert_eq!(edges[0]["node"]["name"], "Nowy Targ", "{body}");
    let only = app.query("{ search(query: \"catering\", types: [OFFERING], first: 100) { edges { node { __typename } } } }").await;
    let kinds: BTreeSet<String> = only["data"]["search"]["edges"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|e| {
            e["node"]["__typename"]
                .as_str()
                .unwrap_or_default()
                .to_owned()
        })
        .collect();
    assert_eq!(kinds, BTreeSet::from(["Offering".to_owned()]));

    // A proposal stays out of search until a moderator verifies it.
    let admin = admin(&app).await;
    let coop = &some_cooperatives(&app, 1).await[0];
    let buyer = app
        .data("{ localGovernment(teryt: \"1211011\") { id } }")
        .await;
    let example = propose(
        &app,
        &admin,
        &buyer["localGovernment"]["id"],
        &coop["id"],
        "Kwiaciarnia Zefirek dostawa",
        "BELOW_THRESHOLD",
        2024,
    )
    .await;
    let find = "{ search(query: \"zefirek\") { totalCount } }";
    assert_eq!(app.data(find).await["search"]["totalCount"], 0);
    assert_eq!(
        app.query_as(&admin, find, json!({})).await["data"]["search"]["totalCount"],
        0,
        "not even for the proposer: search shows public records only"
    );
    // Nor is it among its supplier's purchases, for anyone, until then.
    let id = example["id"].clone();
    let supplied = |token: Option<String>| supplies(&app, token, &coop["id"], &id);
    assert!(!supplied(None).await);
    assert!(!supplied(Some(admin.clone())).await);
    verify(&app, &admin, &example).await;
    assert_eq!(app.data(find).await["search"]["totalCount"], 1);
    assert!(supplied(None).await);
}

#[tokio::test]
async fn the_same_search_answers_identically_on_every_database() {
    // This snapshot is shared by the SQLite and the PostgreSQL runs of the suite.
    let app = TestApp::spawn().await;
    let body = app
        .data("{ cooperatives(filter: {text: \"catering\", near: {teryt: \"1465011\", radiusKm: 200}}, first: 10) { totalCount edges { relevance distanceKm node { name seat { teryt } } } } search(query: \"opieka dom\", first: 8) { totalCount edges { relevance node { __typename ... on Cooperative { name } ... on Offering { name } ... on LocalGovernment { name } ... on Institution { name } } } } }")
        .await;
    insta::assert_json_snapshot!(body);
}

#[tokio::test]
async fn eligibility_and_activity_follow_the_records_and_say_why() {
    let app = TestApp::spawn().await;
    let admin = admin(&app).await;
    let coop = &some_cooperatives(&app, 1).await[0];
    let read = || async {
        app.query_vars(
            "query($id: ID!) { node(id: $id) { ... on Cooperative { version status excludedEmployeeShare reservedContractEligibility { status eligible reasons } activity activityEvidence profileConfirmedAt } } }",
            json!({ "id": coop["id"] }),
        )
        .await["data"]["node"]
            .clone()
    };
    let set = |v: Value| {
        let admin = admin.clone();
        let app = &app;
        async move {
            let body = app.query_as(&admin, UPDATE, json!({ "i": v })).await;
            assert!(body.get("errors").is_none(), "{body}");
        }
    };
    let now = read().await;
    set(json!({ "id": coop["id"], "version": now["version"], "excludedEmployeeShare": 45 })).await;
    let now = read().await;
    assert_eq!(
        now["reservedContractEligibility"]["status"], "ELIGIBLE",
        "{now}"
    );
    assert_eq!(now["reservedContractEligibility"]["eligible"], true);
    set(json!({ "id": coop["id"], "version": now["version"], "excludedEmployeeShare": 20 })).await;
    let now = read().await;
    assert_eq!(
        now["reservedContractEligibility"]["status"], "NOT_ELIGIBLE",
        "{now}"
    );
    let reasons = now["reservedContractEligibility"]["reasons"].to_string();
    assert!(
        reasons.contains("20 %") && reasons.contains("30 %"),
        "{reasons}"
    );
    set(json!({ "id": coop["id"], "version": now["version"], "excludedEmployeeShare": 60, "status": "IN_LIQUIDATION" })).await;
    let now = read().await;
    assert_eq!(
        now["reservedContractEligibility"]["status"], "NOT_ELIGIBLE",
        "{now}"
    );
    assert_eq!(now["activity"], "DORMANT", "{now}");
    assert!(
        now["activityEvidence"]
            .to_string()
            .contains("in liquidation"),
        "{now}"
    );
    let bad = app.query_as(&admin, UPDATE, json!({ "i": { "id": coop["id"], "version": now["version"], "excludedEmployeeShare": 101 } })).await;
    assert_eq!(
        bad["errors"][0]["extensions"]["field"], "excludedEmployeeShare",
        "{bad}"
    );

    // An editor's confirmation is evidence of activity; a moderator cannot give it for them.
    let other = &some_cooperatives(&app, 3).await[2];
    let confirm = "mutation($i: ConfirmProfileInput!) { confirmCooperativeProfile(input: $i) { cooperative { activity activityEvidence profileConfirmedAt } } }";
    let denied = app
        .query_as(
            &admin,
            confirm,
            json!({ "i": { "id": other["id"], "version": other["version"] } }),
        )
        .await;
    assert_eq!(first_error_code(&denied), "FORBIDDEN", "{denied}");
    let member = app.member("editor@example.org").await;
    let user = app
        .query_as(&member, "{ me { user { id } } }", json!({}))
        .await["data"]["me"]["user"]["id"]
        .clone();
    let granted = app
        .query_as(&admin, "mutation($u: ID!, $c: ID!) { grantRole(input: {user: $u, role: EDITOR, cooperative: $c}) { user { displayName } } }", json!({ "u": user, "c": other["id"] }))
        .await;
    assert!(granted.get("errors").is_none(), "{granted}");
    let member = app
        .login("editor@example.org", "a long enough password")
        .await;
    let done = app
        .query_as(
            &member,
            confirm,
            json!({ "i": { "id": other["id"], "version": other["version"] } }),
        )
        .await;
    let c = &done["data"]["confirmCooperativeProfile"]["cooperative"];
    assert_eq!(c["activity"], "ACTIVE", "{done}");
    assert!(
        c["activityEvidence"]
            .to_string()
            .contains("profile confirmed on"),
        "{done}"
    );
}

/// An officer of gmina Nowy Targ posts a catering need; its candidates come ranked with reasons.
#[tokio::test]
async fn an_officer_posts_a_need_and_reads_ranked_candidates_with_reasons() {
    let app = TestApp::spawn().await;
    let admin = admin(&app).await;
    let gmina = app
        .data("{ localGovernment(teryt: \"1211011\") { id } }")
        .await;
    let gmina_id = gmina["localGovernment"]["id"].clone();
    let officer = app.member("urzad@example.org").await;
    let user = app
        .query_as(&officer, "{ me { user { id } } }", json!({}))
        .await["data"]["me"]["user"]["id"]
        .clone();
    let post = "mutation($i: PostNeedInput!) { postNeed(input: $i) { need { id version status place { name } sector { slug } } } }";
    let input = json!({ "onBehalfOf": gmina_id, "title": "Catering dla klubu seniora", "description": "Obiady dla 40 osób, 5 dni w tygodniu.", "sector": "catering", "placeTeryt": "1211011", "radiusKm": 120, "budgetPln": "48000.00" });
    // Not an officer yet.
    let denied = app.query_as(&officer, post, json!({ "i": input })).await;
    assert_eq!(first_error_code(&denied), "FORBIDDEN", "{denied}");
    let granted = app
        .query_as(&admin, "mutation($u: ID!, $l: ID!) { grantRole(input: {user: $u, role: OFFICER, localGovernment: $l}) { user { displayName } } }", json!({ "u": user, "l": gmina_id }))
        .await;
    assert!(granted.get("errors").is_none(), "{granted}");
    let officer = app
        .login("urzad@example.org", "a long enough password")
        .await;

    // One catering cooperative supplied this gmina before (verified).
    let near = all_cooperatives(&app, json!({ "sector": "catering", "status": ["ACTIVE"], "near": { "teryt": "1211011", "radiusKm": 120 } })).await;
    assert!(
        near.len() >= 2,
        "too few catering cooperatives near Nowy Targ: {}",
        near.len()
    );
    let supplier = near[near.len() - 1]["node"]["id"].clone();
    let example = propose(
        &app,
        &admin,
        &gmina_id,
        &supplier,
        "Obiady dla szkoły",
        "RESERVED_CONTRACT_ART_94",
        2025,
    )
    .await;
    verify(&app, &admin, &example).await;

    // Bad input changes nothing.
    let mut bad = input.clone();
    bad["placeTeryt"] = json!("12x");
    let refused = app.query_as(&officer, post, json!({ "i": bad })).await;
    assert_eq!(
        refused["errors"][0]["extensions"]["field"], "placeTeryt",
        "{refused}"
    );
    assert_eq!(
        app.data("{ needs { totalCount } }").await["needs"]["totalCount"],
        0
    );

    let posted = app.query_as(&officer, post, json!({ "i": input })).await;
    let need = posted["data"]["postNeed"]["need"].clone();
    assert_eq!(need["status"], "OPEN", "{posted}");
    // Public at once, candidates for anyone.
    let read = app
        .query_vars("query($id: ID!) { node(id: $id) { ... on Need { title candidates(first: 100) { totalCount edges { node { score distanceKm reasons cooperative { id } } } } } } }", json!({ "id": need["id"] }))
        .await;
    let cands: Vec<Value> = nodes(&read["data"]["node"]["candidates"]);
    assert!(!cands.is_empty(), "{read}");
    let scores: Vec<i64> = cands
        .iter()
        .map(|c| c["score"].as_i64().unwrap_or(i64::MIN))
        .collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");
    for c in &cands {
        // The score is the sum of the points its reasons give.
        let sum: i64 = c["reasons"]
            .as_array()
            .cloned()
            .unwrap_or_default()
            .iter()
            .map(|r| {
                let r = r.as_str().unwrap_or_default();
                r.split_whitespace()
                    .next()
                    .and_then(|p| p.parse::<i64>().ok())
                    .unwrap_or_else(|| panic!("reason without points: {r}"))
            })
            .sum();
        assert_eq!(sum, c["score"].as_i64().unwrap_or_default(), "{c}");
        assert!(
            c["reasons"].to_string().contains("works in the sector"),
            "{c}"
        );
    }
    let ours = cands
        .iter()
        .find(|c| c["cooperative"]["id"] == supplier)
        .unwrap_or_else(|| panic!("supplier is not a candidate: {read}"));
    assert!(
        ours["reasons"]
            .to_string()
            .contains("+15 supplied this buyer before: Obiady dla szkoły (2025)"),
        "{ours}"
    );
    // Every cooperative within the radius in the sector (and not dissolved) is a candidate.
    let cand_ids: BTreeSet<String> = cands
        .iter()
        .map(|c| {
            c["cooperative"]["id"]
                .as_str()
                .unwrap_or_default()
                .to_owned()
        })
        .collect();
    for n in &near {
        assert!(
            cand_ids.contains(n["node"]["id"].as_str().unwrap_or_default()),
            "{n} missing"
        );
    }

    // Closing: the officer can, a stranger cannot, twice is a conflict.
    let close = "mutation($i: CloseNeedInput!) { closeNeed(input: $i) { need { status closedReason version } } }";
    let stranger = app.member("obcy@example.org").await;
    let no = app
        .query_as(
            &stranger,
            close,
            json!({ "i": { "id": need["id"], "version": need["version"], "reason": "x" } }),
        )
        .await;
    assert_eq!(first_error_code(&no), "FORBIDDEN", "{no}");
    let yes = app.query_as(&officer, close, json!({ "i": { "id": need["id"], "version": need["version"], "reason": "Zamówienie udzielone" } })).await;
    assert_eq!(
        yes["data"]["closeNeed"]["need"]["status"], "CLOSED",
        "{yes}"
    );
    let again = app
        .query_as(
            &officer,
            close,
            json!({ "i": { "id": need["id"], "version": 2, "reason": "x" } }),
        )
        .await;
    assert_eq!(first_error_code(&again), "CONFLICT", "{again}");
    let open = app
        .data("{ needs(filter: {status: [OPEN]}) { totalCount } all: needs { totalCount } }")
        .await;
    assert_eq!(open["needs"]["totalCount"], 0);
    assert_eq!(open["all"]["totalCount"], 1);
}

#[tokio::test]
async fn a_query_of_exactly_a_name_ranks_that_record_first() {
    let app = TestApp::spawn().await;
    // A cooperative named after its city, beside the sample's.
    let admin = app.staff("admin@example.org", "--admin").await;
    let own = json!([{ "name": "Spółdzielnia Socjalna Łódź Włókniarska (dane testowe)", "krs": "0001990801",
        "status": "ACTIVE", "founderKind": "NATURAL_PERSONS", "seatTeryt": "1061011" }]);
    let imported = app
        .query_as(
            &admin,
            "mutation($i: ImportCooperativesInput!) { importCooperatives(input: $i) { created } }",
            json!({ "i": { "format": "JSON", "data": own.to_string() } }),
        )
        .await;
    assert_eq!(
        imported["data"]["importCooperatives"]["created"], 1,
        "{imported}"
    );
    // The city before the cooperatives whose names merely contain it.
    let body = app
        .data("{ search(query: \"lodz\", first: 5) { edges { relevance node { __typename ... on LocalGovernment { name } ... on Cooperative { name } } } } }")
        .await;
    let edges = body["search"]["edges"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(edges[0]["node"]["__typename"], "LocalGovernment", "{body}");
    assert_eq!(edges[0]["node"]["name"], "Łódź", "{body}");
    assert!(
        edges
            .iter()
            .any(|e| e["node"]["__typename"] == "Cooperative"),
        "a cooperative is named after Łódź too: {body}"
    );
    // A cooperative's whole name, in any order and without diacritics, puts it first
    // in the directory, ahead of those that share some of its words.
    let some = app
        .data("{ cooperative(krs: \"0001990801\") { id name } }")
        .await;
    let named = some["cooperative"].clone();
    let words: Vec<&str> = named["name"]
        .as_str()
        .unwrap_or_default()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 2)
        .collect();
    let query = words.iter().rev().copied().collect::<Vec<_>>().join(" ");
    let ranked = app
        .query_vars(
            "query($t: String!) { cooperatives(filter: {text: $t}, first: 3) { edges { relevance node { id } } } }",
            json!({ "t": query }),
        )
        .await;
    let top = &ranked["data"]["cooperatives"]["edges"];
    assert_eq!(top[0]["node"]["id"], named["id"], "{query}: {ranked}");
    if let Some(second) = top[1]["relevance"].as_i64() {
        assert!(
            top[0]["relevance"].as_i64().unwrap_or(0) > second,
            "{ranked}"
        );
    }
}
