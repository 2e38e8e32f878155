//! Importing cooperatives over the API (admins): the same import as the command
//! line's (`tests/api/cli.rs` walks an adviser's CSV through it).

use crate::helpers::{first_error_code, TestApp};
use serde_json::{json, Value};

const IMPORT: &str = "mutation($i: ImportCooperativesInput!) { importCooperatives(input: $i) { written created changed unchanged rejected lines { line key name action changes { field from to } problems { field message } } } }";
const COUNT: &str = "{ cooperatives(filter: {isSample: false}) { totalCount } }";

fn data() -> String {
    json!([
        { "name": "Spółdzielnia Socjalna Nad Rabą (dane testowe)", "krs": "0001990001", "status": "ACTIVE",
          "founderKind": "LEGAL_PERSONS", "seatTeryt": "1211011", "registrationDate": "2020-09-01",
          "website": "https://nad-raba.example.org", "pkdCodes": ["56.29.Z"] },
        { "name": "Bez numeru (dane testowe)", "status": "ACTIVE", "founderKind": "LEGAL_PERSONS", "seatTeryt": "1211011" },
        // The number of a generated sample cooperative.
        { "name": "Prawdziwa (dane testowe)", "krs": "9000001", "status": "ACTIVE", "founderKind": "LEGAL_PERSONS", "seatTeryt": "1211011" }
    ])
    .to_string()
}

#[tokio::test]
async fn an_admin_imports_json_a_member_cannot_and_bad_rows_name_their_line() {
    let app = TestApp::spawn().await;
    let admin = app.staff("admin-importu@example.org", "--admin").await;
    let member = app.member("czlonek@example.org").await;
    let input = |dry: bool, partial: bool| json!({ "i": { "data": data(), "format": "JSON", "dryRun": dry, "partial": partial } });
    let count = || async { app.data(COUNT).await["cooperatives"]["totalCount"].clone() };
    // Read once, so that a stale cached answer would show after the import.
    assert_eq!(count().await, 0);

    let denied = app.query_as(&member, IMPORT, input(false, true)).await;
    assert_eq!(first_error_code(&denied), "FORBIDDEN", "{denied}");
    assert_eq!(count().await, 0);

    // All or nothing: the row without a number stops the import.
    let r = app.query_as(&admin, IMPORT, input(false, false)).await;
    let report = &r["data"]["importCooperatives"];
    assert_eq!(report["written"], false, "{r}");
    assert_eq!(
        (report["created"].clone(), report["rejected"].clone()),
        (json!(1), json!(2)),
        "{r}"
    );
    let line: &Value = &report["lines"][1];
    assert_eq!(line["line"], 2, "{r}");
    assert_eq!(line["action"], "REJECTED", "{r}");
    assert_eq!(line["problems"][0]["field"], "krs", "{r}");
    let sample = &report["lines"][2];
    assert_eq!(sample["problems"][0]["field"], "krs", "{r}");
    assert!(
        sample["problems"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("sample")),
        "{r}"
    );
    assert_eq!(count().await, 0);

    // A dry run writes nothing either; a partial import writes the valid row.
    let r = app.query_as(&admin, IMPORT, input(true, true)).await;
    assert_eq!(r["data"]["importCooperatives"]["written"], false, "{r}");
    assert_eq!(count().await, 0);
    let r = app.query_as(&admin, IMPORT, input(false, true)).await;
    let report = &r["data"]["importCooperatives"];
    assert_eq!(report["written"], true, "{r}");
    assert_eq!(report["lines"][0]["key"], "KRS 0001990001", "{r}");
    assert_eq!(count().await, 1);
    // Its history names the admin who imported it.
    let coop = app
        .data("{ cooperative(krs: \"1990001\") { id website } }")
        .await;
    assert_eq!(
        coop["cooperative"]["website"],
        "https://nad-raba.example.org"
    );
    let history = app
        .query_as(
            &admin,
            "query($id: ID!) { history(id: $id) { nodes { action actor { displayName } changes { field } } } }",
            json!({ "id": coop["cooperative"]["id"] }),
        )
        .await;
    let entry = &history["data"]["history"]["nodes"][0];
    assert_eq!(entry["action"], "CREATE", "{history}");
    assert!(entry["actor"]["displayName"].is_string(), "{history}");

    // A file that is not what it says is refused as a whole.
    let r = app
        .query_as(
            &admin,
            IMPORT,
            json!({ "i": { "data": "{\"name\": 1}", "format": "JSON" } }),
        )
        .await;
    assert_eq!(first_error_code(&r), "BAD_USER_INPUT", "{r}");
    let r = app
        .query_as(
            &admin,
            IMPORT,
            json!({ "i": { "data": "name,colour\nA,red\n" } }),
        )
        .await;
    assert_eq!(first_error_code(&r), "BAD_USER_INPUT", "{r}");
    assert!(
        r["errors"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("unknown column `colour`")),
        "{r}"
    );
}

#[tokio::test]
async fn a_partner_syncs_what_changed_since_its_last_copy() {
    let app = TestApp::spawn().await;
    let admin = app.staff("synchronizacja@example.org", "--admin").await;
    let import = |website: &str| {
        json!({ "i": { "format": "JSON", "data": json!([{ "name": "Spółdzielnia Socjalna Synchro (dane testowe)",
            "krs": "0001990002", "status": "ACTIVE", "founderKind": "NATURAL_PERSONS", "seatTeryt": "1261011",
            "website": website }]).to_string() } })
    };
    let r = app
        .query_as(&admin, IMPORT, import("https://a.example.org"))
        .await;
    assert_eq!(r["data"]["importCooperatives"]["created"], 1, "{r}");
    let read = app
        .data("{ cooperative(krs: \"1990002\") { updatedAt } }")
        .await;
    let stamp = read["cooperative"]["updatedAt"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let t = chrono::DateTime::parse_from_rfc3339(&stamp)
        .unwrap_or_else(|e| panic!("{stamp}: {e}"))
        .with_timezone(&chrono::Utc);
    let since = |t: chrono::DateTime<chrono::Utc>| {
        let app = &app;
        async move {
            let r = app
                .query_vars(
                    "query($t: DateTime!) { cooperatives(filter: {updatedSince: $t}, first: 100) { totalCount nodes { krs } } }",
                    json!({ "t": t.to_rfc3339() }),
                )
                .await;
            assert!(r.get("errors").is_none(), "{r}");
            r["data"]["cooperatives"].clone()
        }
    };
    // Since its creation: it alone (the sample was written before it).
    let changed = since(t).await;
    assert_eq!(changed["totalCount"], 1, "{changed}");
    assert_eq!(changed["nodes"][0]["krs"], "0001990002", "{changed}");
    let after = t + chrono::Duration::milliseconds(1);
    assert_eq!(since(after).await["totalCount"], 0);
    // A change (here by an import) brings it back.
    let r = app
        .query_as(&admin, IMPORT, import("https://b.example.org"))
        .await;
    assert_eq!(r["data"]["importCooperatives"]["changed"], 1, "{r}");
    assert_eq!(since(after).await["totalCount"], 1);
    // The export takes the same parameter.
    let csv = app
        .get_text(&format!(
            "/export/cooperatives.csv?updatedSince={}",
            after.to_rfc3339().replace('+', "%2B")
        ))
        .await;
    assert_eq!(csv.lines().count(), 2, "{csv}");
    assert!(csv.contains("0001990002"), "{csv}");
}
