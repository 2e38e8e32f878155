//! Where each fact of a cooperative came from (issue 18): an imported file, a
//! moderator's approval, the cooperative's editor, the sample generator; in
//! GraphQL and in the exports.

use crate::helpers::{first_error_code, nodes, TestApp};
use serde_json::{json, Value};

const IMPORT: &str =
    "mutation($i: ImportCooperativesInput!) { importCooperatives(input: $i) { created changed } }";
const PROVENANCE: &str = "query($id: ID!) { node(id: $id) { ... on Cooperative { id version provenance { field source note recordedAt } } } }";
const PROPOSE: &str =
    "mutation($i: ProposeCooperativeInput!) { proposeCooperative(input: $i) { request { id } } }";
const APPROVE: &str = "mutation($r: ID!) { approveCooperativeRequest(input: {request: $r, reason: \"checked in the register\"}) { request { cooperative { id version } } } }";
const UPDATE: &str = "mutation($i: UpdateCooperativeInput!) { updateCooperative(input: $i) { cooperative { version } changeRequest { id } } }";

/// The source of each field, by field.
fn sources(node: &Value) -> Vec<(String, String, Option<String>)> {
    node["provenance"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|p| {
            (
                p["field"].as_str().unwrap_or_default().to_owned(),
                p["source"].as_str().unwrap_or_default().to_owned(),
                p["note"].as_str().map(str::to_owned),
            )
        })
        .collect()
}

/// `member` proposes `cooperative` and `moderator` approves it: the cooperative
/// (id, version).
async fn propose_and_approve(
    app: &TestApp,
    member: &str,
    moderator: &str,
    cooperative: Value,
) -> Value {
    let p = app
        .query_as(
            member,
            PROPOSE,
            json!({ "i": { "cooperative": cooperative } }),
        )
        .await;
    let a = app
        .query_as(
            moderator,
            APPROVE,
            json!({ "r": p["data"]["proposeCooperative"]["request"]["id"] }),
        )
        .await;
    a["data"]["approveCooperativeRequest"]["request"]["cooperative"].clone()
}

fn source_of(node: &Value, field: &str) -> Option<String> {
    sources(node)
        .into_iter()
        .find(|(f, _, _)| f == field)
        .map(|(_, s, _)| s)
}

#[tokio::test]
async fn each_fact_names_its_source_in_graphql_and_in_the_export() {
    let app = TestApp::spawn().await;
    let admin = app.staff("admin@example.org", "--admin").await;
    let moderator = app.staff("moderator@example.org", "--moderator").await;
    let member = app.member("prezes@example.org").await;

    // An imported file: every fact it set names it; what it left empty has no source.
    let file = json!([{ "name": "Spółdzielnia Socjalna Z Pliku (dane testowe)", "krs": "0001990501",
        "status": "ACTIVE", "founderKind": "LEGAL_PERSONS", "seatTeryt": "1211011", "pkdCodes": ["56.29.Z"] }]);
    let too_long = app
        .query_as(&admin, IMPORT, json!({ "i": { "format": "JSON", "data": file.to_string(), "source": "x".repeat(201) } }))
        .await;
    assert_eq!(first_error_code(&too_long), "BAD_USER_INPUT", "{too_long}");
    let r = app
        .query_as(&admin, IMPORT, json!({ "i": { "format": "JSON", "data": file.to_string(), "source": "owes-malopolska.csv" } }))
        .await;
    assert_eq!(r["data"]["importCooperatives"]["created"], 1, "{r}");
    let imported = app
        .data("{ cooperative(krs: \"0001990501\") { id provenance { field source note recordedAt } } }")
        .await["cooperative"]
        .clone();
    let all = sources(&imported);
    let fields: Vec<&str> = all.iter().map(|(f, _, _)| f.as_str()).collect();
    assert_eq!(
        fields,
        [
            "name",
            "krs",
            "status",
            "founderKind",
            "seatTeryt",
            "pkdCodes"
        ],
        "{imported}"
    );
    assert!(
        all.iter()
            .all(|(_, s, n)| s == "IMPORT" && n.as_deref() == Some("owes-malopolska.csv")),
        "{imported}"
    );
    assert!(
        imported["provenance"][0]["recordedAt"].is_string(),
        "{imported}"
    );

    // A member's proposal, approved: the moderator vouches for its facts. Its
    // editor's contact is the editor's; the status it asks for waits, and is
    // the moderator's once approved.
    let mut proposal = file[0].clone();
    proposal["name"] = json!("Spółdzielnia Socjalna Z Wniosku (dane testowe)");
    proposal["krs"] = json!("0001990502");
    let coop = propose_and_approve(&app, &member, &moderator, proposal).await;
    let read = |coop: Value| {
        let app = &app;
        async move {
            app.query_vars(PROVENANCE, json!({ "id": coop["id"] }))
                .await["data"]["node"]
                .clone()
        }
    };
    let approved = read(coop.clone()).await;
    assert!(
        sources(&approved).iter().all(|(_, s, _)| s == "MODERATOR"),
        "{approved}"
    );
    assert_eq!(source_of(&approved, "phone"), None, "{approved}");

    let edit = app
        .query_as(&member, UPDATE, json!({ "i": { "id": coop["id"], "version": coop["version"], "phone": "+48 14 222 22 22", "status": "IN_LIQUIDATION" } }))
        .await;
    let request = edit["data"]["updateCooperative"]["changeRequest"]["id"].clone();
    assert!(request.is_string(), "{edit}");
    let edited = read(coop.clone()).await;
    assert_eq!(
        source_of(&edited, "phone").as_deref(),
        Some("EDITOR"),
        "{edited}"
    );
    assert_eq!(
        source_of(&edited, "name").as_deref(),
        Some("MODERATOR"),
        "{edited}"
    );
    let decided = app
        .query_as(&moderator, APPROVE, json!({ "r": request }))
        .await;
    assert!(decided.get("errors").is_none(), "{decided}");
    let after = read(coop.clone()).await;
    assert_eq!(
        source_of(&after, "status").as_deref(),
        Some("MODERATOR"),
        "{after}"
    );
    assert_eq!(
        source_of(&after, "phone").as_deref(),
        Some("EDITOR"),
        "{after}"
    );

    // Sample data says so, fact by fact.
    let sample = app
        .data("{ cooperatives(first: 3, filter: {isSample: true}) { nodes { provenance { field source recordedAt } } } }")
        .await;
    for node in nodes(&sample["cooperatives"]) {
        let all = sources(&node);
        assert!(all.iter().any(|(f, _, _)| f == "name"), "{node}");
        assert!(all.iter().all(|(_, s, _)| s == "SAMPLE"), "{node}");
    }

    // The export carries the sources, one line per cooperative.
    let csv = app
        .get_text("/export/cooperatives.csv?isSample=false")
        .await;
    assert!(
        csv.lines().next().is_some_and(|h| h.ends_with(",sources")),
        "{csv}"
    );
    let line = |krs: &str| {
        csv.lines()
            .find(|l| l.contains(krs))
            .unwrap_or_default()
            .to_owned()
    };
    assert!(
        line("0001990501").contains("IMPORT (owes-malopolska.csv, ")
            && line("0001990501").contains("all fields"),
        "{csv}"
    );
    assert!(
        line("0001990502").contains("MODERATOR (") && line("0001990502").contains("EDITOR ("),
        "{csv}"
    );
}

/// An offering's facts name their source too: a moderator approving the
/// proposal that named it, the cooperative's editor who changed or added one,
/// the sample generator.
#[tokio::test]
async fn each_fact_of_an_offering_names_its_source() {
    let app = TestApp::spawn().await;
    let moderator = app.staff("moderator@example.org", "--moderator").await;
    let member = app.member("prezes@example.org").await;
    let proposal = json!({ "name": "Spółdzielnia Socjalna Ofert (dane testowe)", "krs": "0001990601",
        "founderKind": "LEGAL_PERSONS", "seatTeryt": "1211011",
        "offerings": [{ "kind": "SERVICE", "name": "Obiady domowe", "priceNote": "20 zł" }] });
    let coop = propose_and_approve(&app, &member, &moderator, proposal).await;
    let offerings = |coop: Value| {
        let app = &app;
        async move {
            let r = app
                .query_vars("query($id: ID!) { node(id: $id) { ... on Cooperative { offerings { edges { node { id name version provenance { field source note recordedAt } } } } } } }", json!({ "id": coop["id"] }))
                .await;
            nodes(&r["data"]["node"]["offerings"])
        }
    };
    let approved = offerings(coop.clone()).await;
    assert_eq!(approved.len(), 1, "{approved:?}");
    let fields: Vec<String> = sources(&approved[0])
        .into_iter()
        .map(|(f, _, _)| f)
        .collect();
    assert_eq!(fields, ["name", "kind", "priceNote"], "{approved:?}");
    assert!(
        sources(&approved[0])
            .iter()
            .all(|(_, s, _)| s == "MODERATOR"),
        "{approved:?}"
    );

    // The new editor changes its price and adds another: theirs.
    let o = &approved[0];
    let u = app
        .query_as(&member, "mutation($o: ID!, $v: Int!) { updateOffering(input: {id: $o, version: $v, priceNote: \"22 zł\"}) { offering { version } } }", json!({ "o": o["id"], "v": o["version"] }))
        .await;
    assert!(u.get("errors").is_none(), "{u}");
    let c = app
        .query_as(&member, "mutation($c: ID!) { createOffering(input: {cooperative: $c, name: \"Pranie\", kind: SERVICE, radiusKm: 15}) { offering { id } } }", json!({ "c": coop["id"] }))
        .await;
    assert!(c.get("errors").is_none(), "{c}");
    let now = offerings(coop).await;
    let first = now
        .iter()
        .find(|n| n["id"] == o["id"])
        .cloned()
        .unwrap_or_default();
    assert_eq!(
        source_of(&first, "priceNote").as_deref(),
        Some("EDITOR"),
        "{first}"
    );
    assert_eq!(
        source_of(&first, "name").as_deref(),
        Some("MODERATOR"),
        "{first}"
    );
    let added = now
        .iter()
        .find(|n| n["name"] == "Pranie")
        .cloned()
        .unwrap_or_default();
    assert_eq!(
        sources(&added),
        ["name", "kind", "radiusKm"].map(|f| (f.to_owned(), "EDITOR".to_owned(), None)),
        "{added}"
    );

    // A sample cooperative's offering is sample, field by field.
    let sample = app
        .data("{ cooperatives(first: 1, filter: {isSample: true}) { edges { node { offerings(first: 1) { edges { node { provenance { field source note recordedAt } } } } } } } }")
        .await;
    let offering = &nodes(&nodes(&sample["cooperatives"])[0]["offerings"])[0];
    assert!(!sources(offering).is_empty(), "{offering}");
    assert!(
        sources(offering).iter().all(|(_, s, _)| s == "SAMPLE"),
        "{offering}"
    );
}
