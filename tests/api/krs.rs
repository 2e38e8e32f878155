//! Court-register extracts (issue 18): a moderator loads the KRS open API's
//! current extracts; the register's facts create or change cooperatives and say
//! they came from the register. Fixtures: `tests/fixtures/krs` (fictional).

use crate::helpers::{first_error_code, TestApp};
use serde_json::{json, Value};

const IMPORT_KRS: &str = "mutation($i: ImportKrsExtractsInput!) { importKrsExtracts(input: $i) { written created changed unchanged rejected lines { line key name action changes { field from to } problems { field message } } } }";
const IMPORT: &str =
    "mutation($i: ImportCooperativesInput!) { importCooperatives(input: $i) { created } }";
const READ: &str = "query($krs: String!) { cooperative(krs: $krs) { name nip regon status founderKind registrationDate
    address { street postalCode city } seat { teryt } primaryIndustry { code } industries { totalCount }
    reservedContractEligibility { status } provenance { field source note } } }";

pub fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/krs/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn source_of(c: &Value, field: &str) -> (String, String) {
    c["provenance"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|p| p["field"] == field)
        .map(|p| {
            (
                p["source"].as_str().unwrap_or_default().to_owned(),
                p["note"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn a_moderator_loads_extracts_and_the_registers_facts_arrive_with_their_source() {
    let app = TestApp::spawn().await;
    let admin = app.staff("admin@example.org", "--admin").await;
    let moderator = app.staff("moderator@example.org", "--moderator").await;
    let member = app.member("czlonek@example.org").await;
    // The cooperative in liquidation is in coophub already, as ACTIVE (an adviser's file).
    let held = json!([{ "name": "Spółdzielnia Socjalna Przykładowy Ogród (dane testowe)", "krs": "0001990602",
        "status": "ACTIVE", "founderKind": "NATURAL_PERSONS", "seatTeryt": "1201022" }]);
    let r = app
        .query_as(
            &admin,
            IMPORT,
            json!({ "i": { "format": "JSON", "data": held.to_string(), "source": "owes.csv" } }),
        )
        .await;
    assert_eq!(r["data"]["importCooperatives"]["created"], 1, "{r}");
    let read = |krs: &'static str| {
        let app = &app;
        async move { app.query_vars(READ, json!({ "krs": krs })).await["data"]["cooperative"].clone() }
    };
    // Read once, so that a stale cached answer would show after the import.
    assert_eq!(read("0001990602").await["status"], "ACTIVE");

    let extracts = |names: &[&str]| names.iter().map(|n| fixture(n)).collect::<Vec<_>>();
    let all = extracts(&["0001990601.json", "0001990602.json", "0001990603.json"]);
    let denied = app
        .query_as(&member, IMPORT_KRS, json!({ "i": { "extracts": all } }))
        .await;
    assert_eq!(first_error_code(&denied), "FORBIDDEN", "{denied}");

    // A new cooperative needs its founders' kind, which no extract states.
    let r = app
        .query_as(
            &moderator,
            IMPORT_KRS,
            json!({ "i": { "extracts": extracts(&["0001990601.json"]), "dryRun": true } }),
        )
        .await;
    let report = &r["data"]["importKrsExtracts"];
    assert_eq!(
        report["lines"][0]["problems"][0]["field"], "founderKind",
        "{r}"
    );

    // The limited company is refused with its legal form, and stops the rest.
    let r = app
        .query_as(
            &moderator,
            IMPORT_KRS,
            json!({ "i": { "extracts": all, "founderKind": "LEGAL_PERSONS" } }),
        )
        .await;
    let report = &r["data"]["importKrsExtracts"];
    assert_eq!(report["written"], false, "{r}");
    assert_eq!(
        (
            report["created"].clone(),
            report["changed"].clone(),
            report["rejected"].clone()
        ),
        (json!(1), json!(1), json!(1)),
        "{r}"
    );
    let refused = &report["lines"][2];
    assert_eq!(refused["action"], "REJECTED", "{r}");
    assert!(
        refused["problems"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("SPÓŁKA Z OGRANICZONĄ ODPOWIEDZIALNOŚCIĄ")),
        "{r}"
    );
    let change = &report["lines"][1];
    assert_eq!(change["key"], "KRS 0001990602", "{r}");
    assert!(
        change["changes"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|c| c["field"] == "status" && c["to"] == "\"IN_LIQUIDATION\""),
        "{r}"
    );
    assert!(read("0001990601").await.is_null());
    assert_eq!(read("0001990602").await["status"], "ACTIVE");

    // The two cooperatives' extracts: one created, one changed.
    let two = extracts(&["0001990601.json", "0001990602.json"]);
    let r = app
        .query_as(
            &moderator,
            IMPORT_KRS,
            json!({ "i": { "extracts": two, "founderKind": "LEGAL_PERSONS" } }),
        )
        .await;
    let report = &r["data"]["importKrsExtracts"];
    assert_eq!(
        (
            report["written"].clone(),
            report["created"].clone(),
            report["changed"].clone()
        ),
        (json!(true), json!(1), json!(1)),
        "{r}"
    );

    let new = read("0001990601").await;
    assert_eq!(
        new["name"], "SPÓŁDZIELNIA SOCJALNA „PRZYKŁADOWA KUCHNIA” (DANE TESTOWE)",
        "{new}"
    );
    assert_eq!(
        new["seat"]["teryt"], "1201011",
        "the town of Bochnia: {new}"
    );
    assert_eq!(new["regon"], "356123451", "{new}");
    assert_eq!(new["nip"], "6761234507", "{new}");
    assert_eq!(new["status"], "ACTIVE", "{new}");
    assert_eq!(new["founderKind"], "LEGAL_PERSONS", "{new}");
    assert_eq!(new["registrationDate"], "2021-03-15", "{new}");
    assert_eq!(new["address"]["street"], "UL. PRZYKŁADOWA 7/2", "{new}");
    assert_eq!(new["address"]["postalCode"], "32-700", "{new}");
    assert_eq!(new["primaryIndustry"]["code"], "56.29.Z", "{new}");
    assert_eq!(new["industries"]["totalCount"], 2, "{new}");
    let register = (
        "REGISTER".to_owned(),
        "KRS 0001990601, extract as of 2026-11-30 (founderKind as given at import)".to_owned(),
    );
    for field in [
        "name",
        "krs",
        "nip",
        "regon",
        "status",
        "seatTeryt",
        "pkdCodes",
    ] {
        assert_eq!(source_of(&new, field), register, "{field}: {new}");
    }

    let liquidated = read("0001990602").await;
    assert_eq!(liquidated["status"], "IN_LIQUIDATION", "{liquidated}");
    assert_eq!(
        liquidated["seat"]["teryt"], "1201022",
        "rural gmina Bochnia: {liquidated}"
    );
    assert_eq!(
        liquidated["reservedContractEligibility"]["status"], "NOT_ELIGIBLE",
        "{liquidated}"
    );
    assert_eq!(
        source_of(&liquidated, "status").0,
        "REGISTER",
        "{liquidated}"
    );
    // What the extract does not state keeps its value and its source: the
    // founders' kind given is for new cooperatives only.
    assert_eq!(liquidated["founderKind"], "NATURAL_PERSONS", "{liquidated}");
    assert_eq!(
        source_of(&liquidated, "founderKind"),
        ("IMPORT".to_owned(), "owes.csv".to_owned()),
        "{liquidated}"
    );

    // Loading the same extracts again changes nothing.
    let r = app
        .query_as(
            &moderator,
            IMPORT_KRS,
            json!({ "i": { "extracts": extracts(&["0001990601.json", "0001990602.json"]) } }),
        )
        .await;
    assert_eq!(r["data"]["importKrsExtracts"]["unchanged"], 2, "{r}");

    // Not an extract at all.
    let r = app
        .query_as(&moderator, IMPORT_KRS, json!({ "i": { "extracts": ["{\"odpis\": {\"rodzaj\": \"Pełny\"}}", "<html>"], "partial": true } }))
        .await;
    let report = &r["data"]["importKrsExtracts"];
    assert_eq!(report["rejected"], 2, "{r}");
    assert!(
        report["lines"][0]["problems"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("current")),
        "{r}"
    );
    assert!(
        report["lines"][1]["problems"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("not JSON")),
        "{r}"
    );
}
