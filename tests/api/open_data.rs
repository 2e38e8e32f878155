//! Open data that other systems read (issue 21): every public dataset as a file
//! with its licence and `updatedSince`, the whole public graph as GEXF, GraphML
//! and Kumu's sheets, Murmurations profiles checked against the shipped schema,
//! schema.org JSON-LD; every file charged to its sender's budget.

use crate::helpers::{data_dir, TestApp};
use serde_json::{json, Value};
use std::collections::BTreeSet;

fn parse(body: &str) -> Value {
    serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {body}"))
}

fn csv_rows(body: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::Reader::from_reader(body.as_bytes());
    let header = r
        .headers()
        .unwrap_or_else(|e| panic!("{e}"))
        .iter()
        .map(str::to_owned)
        .collect();
    let rows = r
        .records()
        .map(|rec| {
            rec.unwrap_or_else(|e| panic!("{e}"))
                .iter()
                .map(str::to_owned)
                .collect()
        })
        .collect();
    (header, rows)
}

const IMPORT: &str =
    "mutation($i: ImportCooperativesInput!) { importCooperatives(input: $i) { created changed lines { key problems { field message } } } }";

#[tokio::test]
async fn every_public_dataset_downloads_as_csv_json_and_geojson_with_its_licence() {
    let app = TestApp::spawn().await;
    // The counts the API gives, to compare the files with.
    let counts = app
        .data("{ institutions { totalCount } procurementExamples { totalCount } events { totalCount } }")
        .await;
    let moderator = app.staff("moderator@example.org", "--moderator").await;
    // A proposed purchase, not verified: in no file.
    let coop = app
        .data("{ cooperatives(first: 1) { edges { node { id } } } localGovernment(teryt: \"1261011\") { id } }")
        .await;
    let proposed = app
        .query_as(
            &moderator,
            "mutation($b: ID!, $c: ID!) { proposeProcurementExample(input: {buyer: $b, subject: \"Niezweryfikowany zakup próbny\", procedure: SOCIAL_CLAUSE, year: 2024, suppliers: [{cooperative: $c, role: LEAD}]}) { procurementExample { id } } }",
            json!({ "b": coop["localGovernment"]["id"], "c": coop["cooperatives"]["edges"][0]["node"]["id"] }),
        )
        .await;
    assert!(proposed.get("errors").is_none(), "{proposed}");

    for (dataset, collection, expected) in [
        ("local-governments", "localGovernments", None),
        (
            "institutions",
            "institutions",
            Some(&counts["institutions"]["totalCount"]),
        ),
        (
            "procurement-examples",
            "procurementExamples",
            Some(&counts["procurementExamples"]["totalCount"]),
        ),
        ("events", "events", Some(&counts["events"]["totalCount"])),
        ("offerings", "offerings", None),
    ] {
        let (status, headers, csv) = app.fetch(&format!("/export/{dataset}.csv")).await;
        assert_eq!(status, 200, "{dataset}: {csv}");
        assert_eq!(
            headers["link"], "<https://creativecommons.org/licenses/by/4.0/>; rel=\"license\"",
            "{dataset}"
        );
        assert!(
            headers["content-disposition"]
                .to_str()
                .is_ok_and(|v| v.contains(&format!("{dataset}.csv"))),
            "{dataset}: {headers:?}"
        );
        let (header, rows) = csv_rows(&csv);
        assert_eq!(header[0], "id", "{dataset}");
        let (_, _, body) = app.fetch(&format!("/export/{dataset}.json")).await;
        let json = parse(&body);
        assert!(
            json["licence"]
                .as_str()
                .is_some_and(|l| l.contains("CC BY 4.0")),
            "{dataset}: {}",
            json["licence"]
        );
        let items = json[collection]
            .as_array()
            .unwrap_or_else(|| panic!("{dataset}: no {collection}"));
        assert!(!items.is_empty(), "{dataset} is empty");
        assert_eq!(items.len(), rows.len(), "{dataset}: JSON and CSV rows");
        // The same columns in the same order, and the same ids.
        let keys: Vec<&String> = items[0]
            .as_object()
            .map(|o| o.keys().collect())
            .unwrap_or_default();
        assert_eq!(keys.len(), header.len(), "{dataset}");
        let csv_ids: BTreeSet<&str> = rows.iter().map(|r| r[0].as_str()).collect();
        let json_ids: BTreeSet<&str> = items.iter().filter_map(|i| i["id"].as_str()).collect();
        assert_eq!(csv_ids, json_ids, "{dataset}");
        if let Some(expected) = expected {
            assert_eq!(
                items.len() as u64,
                expected.as_u64().unwrap_or(u64::MAX),
                "{dataset}: the API's totalCount"
            );
        }
        // Every id is a node the API finds.
        let first = items[0]["id"].clone();
        let node = app.data(&format!("{{ node(id: {first}) {{ id }} }}")).await;
        assert_eq!(node["node"]["id"], first, "{dataset}");
        let (_, headers, body) = app.fetch(&format!("/export/{dataset}.geojson")).await;
        assert_eq!(headers["content-type"], "application/geo+json");
        let geo = parse(&body);
        assert_eq!(geo["type"], "FeatureCollection");
        let features = geo["features"].as_array().cloned().unwrap_or_default();
        assert_eq!(features.len(), items.len(), "{dataset}");
        assert!(
            features.iter().any(|f| f["geometry"]["type"] == "Point"
                && f["geometry"]["coordinates"][0]
                    .as_f64()
                    .is_some_and(|x| (14.0..=24.5).contains(&x))),
            "{dataset}: no point in Poland"
        );
        let text = body.to_lowercase();
        assert!(
            !text.contains("moderator@example.org") && !text.contains("password"),
            "{dataset} leaks account data"
        );
    }
    let (_, _, purchases) = app.fetch("/export/procurement-examples.csv").await;
    assert!(
        !purchases.contains("Niezweryfikowany zakup próbny"),
        "an unverified purchase was exported"
    );
}

#[tokio::test]
async fn files_take_updated_since_and_refuse_what_they_cannot_answer() {
    let app = TestApp::spawn().await;
    let (_, _, all) = app.fetch("/export/institutions.json").await;
    let all = parse(&all)["institutions"].as_array().map_or(0, Vec::len);
    assert!(all > 0);
    let (status, _, none) = app
        .fetch("/export/institutions.json?updatedSince=2100-01-01T00:00:00Z")
        .await;
    assert_eq!(status, 200, "{none}");
    assert_eq!(parse(&none)["institutions"], json!([]));
    let (_, _, since) = app
        .fetch("/export/institutions.json?updatedSince=2000-01-01T00:00:00Z")
        .await;
    assert_eq!(
        parse(&since)["institutions"].as_array().map_or(0, Vec::len),
        all
    );
    for (path, field) in [
        ("/export/events.csv?updatedSince=yesterday", "updatedSince"),
        (
            "/export/local-governments.csv?updatedSince=2026-01-01T00:00:00Z",
            "updatedSince",
        ),
        ("/export/events.csv?since=2026-01-01T00:00:00Z", "since"),
        ("/export/graph.gexf?depth=2", "depth"),
    ] {
        let (status, _, body) = app.fetch(path).await;
        assert_eq!(status, 400, "{path}: {body}");
        let e = parse(&body);
        assert_eq!(e["errors"][0]["extensions"]["field"], field, "{path}: {e}");
    }
    let (status, _, body) = app.fetch("/export/people.csv").await;
    assert_eq!(status, 404, "{body}");
    assert!(body.contains("institutions.csv"), "{body}");
}

#[tokio::test]
async fn files_are_charged_to_the_senders_budget() {
    // A budget of two files, regaining a point a second.
    let app = TestApp::spawn_configured(|cfg| {
        cfg.budget_anonymous = 50_000.0;
        cfg.budget_anonymous_rate = 1.0;
    })
    .await;
    for path in ["/export/events.csv", "/export/institutions.json"] {
        let (status, _, body) = app.fetch(path).await;
        assert_eq!(status, 200, "{path}: {body}");
    }
    for path in [
        "/export/events.csv",
        "/export/cooperatives.csv",
        "/export/graph.gexf",
        "/murmurations/index.json",
    ] {
        let (status, headers, body) = app.fetch(path).await;
        assert_eq!(status, 429, "{path}: {body}");
        assert!(headers.contains_key("retry-after"), "{path}");
        assert_eq!(
            parse(&body)["errors"][0]["extensions"]["code"],
            "RATE_LIMITED"
        );
    }
    // A name that is no cooperative's id is refused as such before anything is
    // charged: the exhausted budget does not hide the mistake.
    for path in [
        "/murmurations/cooperatives/nonsense.json",
        "/cooperatives/nonsense.jsonld",
    ] {
        let (status, _, body) = app.fetch(path).await;
        assert_eq!(status, 400, "{path}: {body}");
    }
    // A partner key has its own bucket; a token that is not valid is refused, not
    // taken for anonymous.
    let key = app.cli(&["api-key", "create", "--partner", "Portal ROPS"], None);
    let key = key.trim().lines().last().unwrap_or_default().to_owned();
    for (token, expected) in [(key.as_str(), 200), ("chk_not_a_key", 401)] {
        let resp = app
            .client
            .get(app.url("/export/events.csv"))
            .bearer_auth(token)
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(resp.status().as_u16(), expected, "{token}");
    }
}

/// What a JSON Schema validator (Python's `jsonschema`, the reference
/// implementation) says of `instance` against a shipped schema: its errors.
/// None where it is not installed (`.ci/run` installs it; CI must not skip).
fn schema_errors(schema: &str, instance: &Value) -> Option<Vec<String>> {
    let present = std::process::Command::new("python3")
        .args(["-c", "import jsonschema"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !present {
        assert!(
            std::env::var("CI").is_err(),
            "jsonschema is missing: pip install jsonschema"
        );
        eprintln!("skipped validating with jsonschema: pip install jsonschema");
        return None;
    }
    let schema = data_dir().join("murmurations").join(schema);
    let script = "import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
cls = jsonschema.validators.validator_for(schema)
cls.check_schema(schema)
errors = [e.message for e in cls(schema).iter_errors(json.loads(sys.argv[2]))]
print(json.dumps(errors))";
    let out = std::process::Command::new("python3")
        .args(["-c", script])
        .arg(&schema)
        .arg(instance.to_string())
        .output()
        .unwrap_or_else(|e| panic!("python3: {e}"));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}")))
}

#[tokio::test]
async fn a_real_cooperative_has_a_murmurations_profile_valid_against_the_schema() {
    let app = TestApp::spawn().await;
    let admin = app.staff("admin@example.org", "--admin").await;
    let file = json!([
        { "name": "Spółdzielnia Socjalna Otwarte Dane (dane testowe)", "krs": "0001990601",
          "status": "ACTIVE", "founderKind": "LEGAL_PERSONS", "seatTeryt": "1261011",
          "pkdCodes": ["56.29.Z"], "website": "https://otwarte-dane.example.org",
          "description": "Catering dla szkół (rekord testowy)." },
        { "name": "Spółdzielnia Socjalna Bez Strony (dane testowe)", "krs": "0001990602",
          "status": "IN_LIQUIDATION", "founderKind": "NATURAL_PERSONS", "seatTeryt": "0264011",
          "pkdCodes": ["81.21.Z"] }
    ]);
    let r = app
        .query_as(
            &admin,
            IMPORT,
            json!({ "i": { "format": "JSON", "data": file.to_string(), "source": "test.json" } }),
        )
        .await;
    assert_eq!(r["data"]["importCooperatives"]["created"], 2, "{r}");
    let found = app
        .data("{ a: cooperative(krs: \"0001990601\") { id } b: cooperative(krs: \"0001990602\") { id } sample: cooperatives(first: 1, filter: {isSample: true}) { edges { node { id } } } }")
        .await;
    let a = found["a"]["id"].as_str().unwrap_or_default().to_owned();
    let b = found["b"]["id"].as_str().unwrap_or_default().to_owned();
    let offered = app
        .query_as(&admin, "mutation($c: ID!) { createOffering(input: {cooperative: $c, name: \"Obiady szkolne\", kind: SERVICE, areaTeryt: [\"12\", \"1261\"]}) { offering { id } } }", json!({ "c": a }))
        .await;
    assert!(offered.get("errors").is_none(), "{offered}");

    for (id, name, status, scope) in [
        (
            &a,
            "Spółdzielnia Socjalna Otwarte Dane (dane testowe)",
            "active",
            "regional",
        ),
        (
            &b,
            "Spółdzielnia Socjalna Bez Strony (dane testowe)",
            "on_hold",
            "local",
        ),
    ] {
        let (code, headers, body) = app
            .fetch(&format!("/murmurations/cooperatives/{id}.json"))
            .await;
        assert_eq!(code, 200, "{body}");
        assert_eq!(headers["content-type"], "application/json");
        let profile = parse(&body);
        for schema in ["organizations_schema-v1.0.0.json", "default-v2.1.0.json"] {
            if let Some(errors) = schema_errors(schema, &profile) {
                assert_eq!(errors, Vec::<String>::new(), "{schema}: {profile}");
            }
        }
        assert_eq!(
            profile["linked_schemas"],
            json!(["organizations_schema-v1.0.0"])
        );
        assert_eq!(profile["name"], name);
        assert_eq!(profile["status"], status);
        assert_eq!(profile["geographic_scope"], scope, "{profile}");
        assert_eq!(profile["country_iso_3166"], "PL");
        assert!(profile["geolocation"]["lat"]
            .as_f64()
            .is_some_and(|l| (49.0..55.0).contains(&l)));
        assert!(
            profile["last_updated"]
                .as_i64()
                .is_some_and(|t| t > 1_700_000_000),
            "{profile}"
        );
    }
    let (_, _, body) = app
        .fetch(&format!("/murmurations/cooperatives/{a}.json"))
        .await;
    let profile = parse(&body);
    assert_eq!(profile["primary_url"], "https://otwarte-dane.example.org");
    assert!(
        profile["tags"]
            .as_array()
            .is_some_and(|t| t.iter().any(|t| t == "social cooperative")),
        "{profile}"
    );
    // A profile that breaks the schema is caught: the check can fail.
    let mut broken = profile.clone();
    broken["geographic_scope"] = json!("galactic");
    broken["primary_url"] = json!("otwarte-dane.example.org");
    if let Some(errors) = schema_errors("organizations_schema-v1.0.0.json", &broken) {
        assert_eq!(errors.len(), 2, "{errors:?}");
    }

    // Sample cooperatives are not published to Murmurations; nonsense ids are 400/404.
    let sample = found["sample"]["edges"][0]["node"]["id"]
        .as_str()
        .unwrap_or_default();
    let (code, _, body) = app
        .fetch(&format!("/murmurations/cooperatives/{sample}.json"))
        .await;
    assert_eq!(code, 404, "{body}");
    assert!(body.contains("sample cooperative"), "{body}");
    let (code, _, _) = app.fetch("/murmurations/cooperatives/not-an-id.json").await;
    assert_eq!(code, 400);

    // The index lists the real cooperatives' profiles, and those changed since a time.
    let (_, _, body) = app.fetch("/murmurations/index.json").await;
    let index = parse(&body);
    let urls: BTreeSet<String> = index["profiles"]
        .as_array()
        .map(|p| {
            p.iter()
                .filter_map(|p| p["profile_url"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(
        urls,
        BTreeSet::from([
            format!("https://coophub.test/murmurations/cooperatives/{a}.json"),
            format!("https://coophub.test/murmurations/cooperatives/{b}.json"),
        ])
    );
    let (_, _, body) = app
        .fetch("/murmurations/index.json?updatedSince=2100-01-01T00:00:00Z")
        .await;
    assert_eq!(parse(&body)["profiles"], json!([]));

    // schema.org JSON-LD, for samples too (said to be samples).
    let (code, headers, body) = app.fetch(&format!("/cooperatives/{a}.jsonld")).await;
    assert_eq!(code, 200, "{body}");
    assert_eq!(headers["content-type"], "application/ld+json");
    let ld = parse(&body);
    assert_eq!(ld["@context"], "https://schema.org");
    assert_eq!(ld["@type"], "Organization");
    assert_eq!(
        ld["@id"],
        format!("https://coophub.test/cooperatives/{a}.jsonld")
    );
    assert_eq!(
        ld["identifier"][0],
        json!({"@type": "PropertyValue", "propertyID": "KRS", "value": "0001990601"})
    );
    assert_eq!(
        ld["makesOffer"][0]["itemOffered"],
        json!({"@type": "Service", "name": "Obiady szkolne"})
    );
    let served: BTreeSet<&str> = ld["areaServed"]
        .as_array()
        .map(|a| a.iter().filter_map(|x| x["identifier"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(served, BTreeSet::from(["TERYT 12", "TERYT 1261"]));
    assert!(ld.get("disambiguatingDescription").is_none());
    let (_, _, body) = app.fetch(&format!("/cooperatives/{sample}.jsonld")).await;
    assert!(
        parse(&body)["disambiguatingDescription"]
            .as_str()
            .is_some_and(|d| d.contains("Sample")),
        "{body}"
    );
}

#[tokio::test]
async fn maps_of_poland_join_each_units_figures_into_its_boundary() {
    let app = TestApp::spawn().await;
    const FIGURES: &str = "query($level: LocalGovernmentLevel!, $f: CooperativeFilter) { mapFigures(level: $level, filter: $f) {
        teryt cooperatives verifiedPurchases population populationYear cooperativesPer100k
        offeringsBySector { sector { slug } offerings } } }";
    for (level, file, units) in [
        ("VOIVODESHIP", "voivodeships", 16),
        ("POWIAT", "powiaty", 380),
    ] {
        for (query, filter) in [
            ("", json!(null)),
            (
                "?status=ACTIVE&sector=catering",
                json!({"status": ["ACTIVE"], "sector": "catering"}),
            ),
        ] {
            let r = app
                .query_vars(FIGURES, json!({ "level": level, "f": filter }))
                .await;
            let want: Vec<Value> = r["data"]["mapFigures"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            assert_eq!(want.len(), units, "{r}");
            // Figures are counted only when asked (offerings by sector is the costly
            // one), and asked through a fragment they are still counted.
            let fewer = app
                .query_vars(
                    "query($level: LocalGovernmentLevel!, $f: CooperativeFilter) { mapFigures(level: $level, filter: $f) { teryt cooperatives } }",
                    json!({ "level": level, "f": filter }),
                )
                .await;
            let projected: Vec<Value> = want
                .iter()
                .map(|w| json!({"teryt": w["teryt"], "cooperatives": w["cooperatives"]}))
                .collect();
            assert_eq!(
                fewer["data"]["mapFigures"],
                json!(projected),
                "{level}{query}"
            );
            let by_fragment = app
                .query_vars(
                    "query($level: LocalGovernmentLevel!, $f: CooperativeFilter) { mapFigures(level: $level, filter: $f) {
                        teryt cooperatives population populationYear cooperativesPer100k ...More } }
                     fragment More on AreaFigures { ... on AreaFigures { verifiedPurchases } offeringsBySector { sector { slug } offerings } }",
                    json!({ "level": level, "f": filter }),
                )
                .await;
            assert_eq!(
                by_fragment["data"]["mapFigures"],
                json!(want),
                "{level}{query}"
            );
            let (status, headers, body) = app.fetch(&format!("/maps/{file}.geojson{query}")).await;
            assert_eq!(status, 200, "{body}");
            assert_eq!(headers["content-type"], "application/geo+json");
            let map = parse(&body);
            assert!(
                map["boundaries"]
                    .as_str()
                    .is_some_and(|b| b.contains("PRG")),
                "{}",
                map["boundaries"]
            );
            let features = map["features"].as_array().cloned().unwrap_or_default();
            assert_eq!(features.len(), units, "{file}");
            for (f, w) in features.iter().zip(&want) {
                let p = &f["properties"];
                assert_eq!(p["teryt"], w["teryt"], "{file}: features by TERYT code");
                assert_eq!(f["id"], w["teryt"]);
                assert!(matches!(
                    f["geometry"]["type"].as_str(),
                    Some("Polygon" | "MultiPolygon")
                ));
                for (mine, theirs) in [
                    ("cooperatives", "cooperatives"),
                    ("verifiedPurchases", "verifiedPurchases"),
                    ("population", "population"),
                    ("populationYear", "populationYear"),
                    ("cooperativesPer100k", "cooperativesPer100k"),
                ] {
                    assert_eq!(p[mine], w[theirs], "{file} {}: {mine}", w["teryt"]);
                }
                let sectors: serde_json::Map<String, Value> = w["offeringsBySector"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|s| {
                        (
                            s["sector"]["slug"].as_str().unwrap_or_default().to_owned(),
                            s["offerings"].clone(),
                        )
                    })
                    .collect();
                assert_eq!(
                    p["offeringsBySector"],
                    Value::Object(sectors),
                    "{file} {}",
                    w["teryt"]
                );
            }
            // The figures add up to the directory's count for the same filter.
            let total: u64 = features
                .iter()
                .filter_map(|f| f["properties"]["cooperatives"].as_u64())
                .sum();
            let count = app
                .query_vars(
                    "query($f: CooperativeFilter) { cooperatives(filter: $f) { totalCount } }",
                    json!({ "f": filter }),
                )
                .await;
            assert_eq!(
                Some(total),
                count["data"]["cooperatives"]["totalCount"].as_u64(),
                "{file}{query}"
            );
        }
    }
    // Offerings are counted by sector somewhere, and a sector's count is no more
    // than the offerings the offerings file holds.
    let r = app
        .query_vars(FIGURES, json!({ "level": "VOIVODESHIP", "f": null }))
        .await;
    let counted: u64 = r["data"]["mapFigures"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|u| {
            u["offeringsBySector"]
                .as_array()
                .cloned()
                .unwrap_or_default()
        })
        .filter(|s| s["sector"]["slug"] == "catering")
        .filter_map(|s| s["offerings"].as_u64())
        .sum();
    assert!(counted > 0, "no catering offerings counted");
    for (path, status) in [
        ("/maps/gminy.geojson", 404),
        ("/maps/countries.geojson", 404),
        ("/maps/powiaty.geojson?radiusKm=9000&nearTeryt=12", 400),
        ("/maps/powiaty.geojson?colour=red", 400),
    ] {
        let (code, _, body) = app.fetch(path).await;
        assert_eq!(code, status, "{path}: {body}");
    }
}
