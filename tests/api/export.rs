//! Cooperative exports (`GET /export/cooperatives.*`, `coophub export cooperatives`):
//! the same rows as `cooperatives(filter:)`, readable back as CSV and GeoJSON,
//! licensed, validated before streaming, and free of account data.

use crate::helpers::{cooperative_list, TestApp};
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::process::Command;

/// The columns and property names, in order: nothing else may appear.
const COLUMNS: [&str; 32] = [
    "id",
    "name",
    "krs",
    "nip",
    "regon",
    "status",
    "founderKind",
    "registrationDate",
    "street",
    "postalCode",
    "city",
    "seatTeryt",
    "seatName",
    "voivodeship",
    "latitude",
    "longitude",
    "phone",
    "publicEmail",
    "website",
    "description",
    "memberCount",
    "employeeCount",
    "excludedEmployeeShare",
    "excludedMemberShare",
    "pkdCodes",
    "sectors",
    "activity",
    "reservedContractEligibility",
    "distanceKm",
    "relevance",
    "isSample",
    "sources",
];

async fn get(app: &TestApp, path: &str) -> reqwest::Response {
    app.client
        .get(app.url(path))
        .send()
        .await
        .unwrap_or_else(|e| panic!("GET {path}: {e}"))
}

/// The body of a successful export, with its headers.
async fn export(app: &TestApp, path: &str) -> (reqwest::header::HeaderMap, String) {
    let resp = get(app, path).await;
    let status = resp.status();
    let headers = resp.headers().clone();
    let body = resp.text().await.unwrap_or_else(|e| panic!("{path}: {e}"));
    assert_eq!(status, 200, "{path}: {body}");
    (headers, body)
}

fn header<'a>(headers: &'a reqwest::header::HeaderMap, name: &str) -> &'a str {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

fn edge_ids(edges: &[Value]) -> Vec<String> {
    edges
        .iter()
        .map(|e| e["node"]["id"].as_str().unwrap_or_default().to_owned())
        .collect()
}

/// CSV rows as maps from column to value, after checking the header.
fn read_csv(text: &str) -> Vec<std::collections::HashMap<String, String>> {
    let mut reader = csv::ReaderBuilder::new().from_reader(text.as_bytes());
    let head: Vec<String> = reader
        .headers()
        .unwrap_or_else(|e| panic!("no CSV header: {e}"))
        .iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(head, COLUMNS, "the CSV header is exactly the column list");
    reader
        .records()
        .map(|r| {
            let r = r.unwrap_or_else(|e| panic!("bad CSV record: {e}"));
            assert_eq!(r.len(), COLUMNS.len());
            head.iter()
                .cloned()
                .zip(r.iter().map(str::to_owned))
                .collect()
        })
        .collect()
}

#[tokio::test]
async fn csv_export_has_the_rows_of_the_graphql_list_with_the_same_filter() {
    let app = TestApp::spawn().await;
    let (headers, body) = export(
        &app,
        "/export/cooperatives.csv?sector=catering&status=ACTIVE",
    )
    .await;
    assert!(
        header(&headers, "content-type").starts_with("text/csv"),
        "{headers:?}"
    );
    // RFC 4180: every line ends with CRLF.
    assert!(body.ends_with("\r\n"), "{body}");
    assert_eq!(bare_line_feeds(&body), 0, "a line ends without CR");
    let rows = read_csv(&body);
    let (total, edges) =
        cooperative_list(&app, json!({ "sector": "catering", "status": ["ACTIVE"] })).await;
    assert!(
        total > 0,
        "the sample has no active catering cooperatives to compare"
    );
    assert_eq!(rows.len() as u64, total);
    let exported: BTreeSet<String> = rows.iter().map(|r| r["id"].clone()).collect();
    let listed: BTreeSet<String> = edge_ids(&edges).into_iter().collect();
    assert_eq!(exported, listed);
    for r in &rows {
        assert_eq!(r["status"], "ACTIVE", "{r:?}");
        assert!(r["sectors"].split(';').any(|s| s == "catering"), "{r:?}");
        assert!(!r["pkdCodes"].is_empty(), "{r:?}");
        assert!(
            !r["seatName"].is_empty() && !r["voivodeship"].is_empty(),
            "{r:?}"
        );
        assert_eq!(r["distanceKm"], "", "no place given, no distance");
        assert_eq!(r["isSample"], "true");
    }
}

/// Line feeds outside quoted fields that are not part of a CRLF.
fn bare_line_feeds(body: &str) -> usize {
    let mut inside = false;
    let mut previous = ' ';
    let mut n = 0;
    for c in body.chars() {
        match c {
            '"' => inside = !inside,
            '\n' if !inside && previous != '\r' => n += 1,
            _ => {}
        }
        previous = c;
    }
    n
}

#[tokio::test]
async fn geojson_export_near_a_place_is_the_graphql_near_list_in_distance_order() {
    let app = TestApp::spawn().await;
    let (headers, body) = export(
        &app,
        "/export/cooperatives.geojson?nearTeryt=1261011&radiusKm=60",
    )
    .await;
    assert!(
        header(&headers, "content-type").starts_with("application/geo+json"),
        "{headers:?}"
    );
    let fc: geojson::FeatureCollection = body
        .parse()
        .unwrap_or_else(|e| panic!("not a GeoJSON FeatureCollection: {e}"));
    let members = fc.foreign_members.clone().unwrap_or_default();
    assert!(members["licence"]
        .as_str()
        .unwrap_or_default()
        .contains("CC BY 4.0"));
    assert!(members["sources"].as_array().is_some_and(|s| !s.is_empty()));

    let (total, edges) = cooperative_list(
        &app,
        json!({ "near": { "teryt": "1261011", "radiusKm": 60 } }),
    )
    .await;
    assert!(
        total > 3,
        "too few cooperatives near Kraków to test the order: {total}"
    );
    assert_eq!(fc.features.len() as u64, total);
    let mut ids = Vec::new();
    let mut distances = Vec::new();
    for f in &fc.features {
        let props = f.properties.clone().unwrap_or_default();
        match f.geometry.as_ref().map(|g| &g.value) {
            Some(geojson::GeometryValue::Point { coordinates }) => {
                let (lon, lat) = (coordinates[0], coordinates[1]);
                assert!(
                    (14.0..25.0).contains(&lon) && (49.0..55.0).contains(&lat),
                    "{lon} {lat}"
                );
                if let (Some(own_lat), Some(own_lon)) =
                    (props["latitude"].as_f64(), props["longitude"].as_f64())
                {
                    assert_eq!(
                        (lat, lon),
                        (own_lat, own_lon),
                        "its own location comes first"
                    );
                }
            }
            other => panic!("not a Point: {other:?}"),
        }
        let mut keys: Vec<&str> = props.keys().map(String::as_str).collect();
        keys.sort_unstable();
        let mut expected = COLUMNS.to_vec();
        expected.sort_unstable();
        assert_eq!(keys, expected);
        ids.push(props["id"].as_str().unwrap_or_default().to_owned());
        distances.push(props["distanceKm"].as_f64().unwrap_or(f64::NAN));
    }
    assert!(distances.windows(2).all(|w| w[0] <= w[1]), "{distances:?}");
    assert!(distances.iter().all(|d| *d <= 60.0), "{distances:?}");
    assert_eq!(
        ids,
        edge_ids(&edges),
        "the same cooperatives in the same order"
    );
    let listed: Vec<f64> = edges
        .iter()
        .map(|e| e["distanceKm"].as_f64().unwrap_or(-1.0))
        .collect();
    assert_eq!(distances, listed);
}

#[tokio::test]
async fn exports_carry_their_licence_and_sources() {
    let app = TestApp::spawn().await;
    let (headers, body) = export(&app, "/export/cooperatives.json").await;
    assert!(header(&headers, "content-type").starts_with("application/json"));
    let doc: Value = serde_json::from_str(&body).unwrap_or_else(|e| panic!("not JSON: {e}"));
    let licence = doc["licence"].as_str().unwrap_or_default();
    assert!(
        licence.contains("CC BY 4.0") && licence.contains("isSample"),
        "{licence}"
    );
    let sources = doc["sources"].to_string();
    for s in [
        "TERYT",
        "2026-01-01",
        "PKD 2007",
        "Dz.U. 2007 nr 251 poz. 1885",
        "strebuh/compareR",
        "GPL-3.0-or-later",
    ] {
        assert!(sources.contains(s), "sources lack {s}: {sources}");
    }
    assert!(
        doc["generatedAt"]
            .as_str()
            .is_some_and(|t| t.ends_with('Z')),
        "{doc}"
    );
    let (total, _) = cooperative_list(&app, json!({})).await;
    assert_eq!(
        doc["cooperatives"].as_array().map(Vec::len),
        Some(total as usize)
    );

    let (headers, _) = export(&app, "/export/cooperatives.csv").await;
    assert_eq!(
        header(&headers, "content-type"),
        "text/csv; charset=utf-8; header=present"
    );
    assert_eq!(
        header(&headers, "link"),
        "<https://creativecommons.org/licenses/by/4.0/>; rel=\"license\""
    );
    let sources = header(&headers, "x-coophub-sources");
    assert!(
        sources.is_ascii()
            && sources.contains("TERYT")
            && sources.contains("PKD 2007")
            && sources.contains("compareR"),
        "{sources}"
    );
    assert_eq!(
        header(&headers, "content-disposition"),
        "attachment; filename=\"cooperatives.csv\""
    );
}

#[tokio::test]
async fn a_text_filter_ignores_polish_diacritics() {
    let app = TestApp::spawn().await;
    let ids = |body: &str| -> Vec<String> {
        read_csv(body)
            .into_iter()
            .map(|r| r["id"].clone())
            .collect()
    };
    let (_, with) = export(&app, "/export/cooperatives.csv?text=%C5%81%C3%B3d%C5%BA").await;
    let (_, without) = export(&app, "/export/cooperatives.csv?text=lodz").await;
    let with = ids(&with);
    assert!(!with.is_empty(), "nothing found for Łódź");
    assert_eq!(with, ids(&without));
    let (_, edges) = cooperative_list(&app, json!({ "text": "Łódź" })).await;
    assert_eq!(with, edge_ids(&edges), "relevance order, as in GraphQL");
}

#[tokio::test]
async fn invalid_parameters_are_a_400_naming_the_field_before_anything_streams() {
    let app = TestApp::spawn().await;
    for (query, field) in [
        ("nearTeryt=1261011&radiusKm=0", "radiusKm"),
        ("nearTeryt=1261011", "radiusKm"),
        ("nearTeryt=9999999&radiusKm=10", "nearTeryt"),
        ("status=NOPE", "status"),
        ("founderKind=ACTIVE", "founderKind"),
        ("teryt=12x", "teryt"),
        ("pkd=5", "pkd"),
        ("sector=nope", "sector"),
        ("isSample=maybe", "isSample"),
        ("text=a", "text"),
        ("foo=1", "foo"),
        ("sector=catering&sector=catering", "sector"),
    ] {
        for format in ["csv", "json", "geojson"] {
            let resp = get(&app, &format!("/export/cooperatives.{format}?{query}")).await;
            assert_eq!(resp.status(), 400, "{format}?{query}");
            assert!(header(resp.headers(), "content-type").starts_with("application/json"));
            let body: Value = resp
                .json()
                .await
                .unwrap_or_else(|e| panic!("not JSON: {e}"));
            let err = &body["errors"][0];
            assert_eq!(
                err["extensions"]["code"], "BAD_USER_INPUT",
                "{query}: {body}"
            );
            assert_eq!(err["extensions"]["field"], field, "{query}: {body}");
            assert!(
                err["message"]
                    .as_str()
                    .is_some_and(|m| m.starts_with(field)),
                "{body}"
            );
        }
    }
}

#[tokio::test]
async fn no_account_data_and_no_column_outside_the_list_appear_in_any_format() {
    let app = TestApp::spawn().await;
    let moderator = app
        .staff("export.moderator.q7@example.org", "--moderator")
        .await;
    let email = "export.member.q7@example.org";
    let member = app.member(email).await;
    // The member becomes an editor of a cooperative and edits it: claim, role and audit rows point at it.
    let coop = app
        .data("{ cooperatives(first: 1) { edges { node { id version } } } }")
        .await["cooperatives"]["edges"][0]["node"]
        .clone();
    let claim = app
        .query_as(&member, "mutation($c: ID!) { claimCooperative(input: {cooperative: $c, note: \"note-q7-claim\"}) { claim { id } } }", json!({ "c": coop["id"] }))
        .await;
    let approve = app
        .query_as(&moderator, "mutation($c: ID!) { approveClaim(input: {claim: $c, reason: \"ok\"}) { claim { status } } }", json!({ "c": claim["data"]["claimCooperative"]["claim"]["id"] }))
        .await;
    assert_eq!(
        approve["data"]["approveClaim"]["claim"]["status"], "APPROVED",
        "{approve}"
    );
    let member = app.login(email, "a long enough password").await;
    let edit = app
        .query_as(&member, "mutation($i: UpdateCooperativeInput!) { updateCooperative(input: $i) { cooperative { version } } }", json!({ "i": { "id": coop["id"], "version": coop["version"], "publicEmail": "biuro@spoldzielnia.example.org" } }))
        .await;
    assert!(edit.get("errors").is_none(), "{edit}");

    let (_, csv) = export(&app, "/export/cooperatives.csv").await;
    let (_, json) = export(&app, "/export/cooperatives.json").await;
    let (_, geo) = export(&app, "/export/cooperatives.geojson").await;
    for (name, body) in [("csv", &csv), ("json", &json), ("geojson", &geo)] {
        for secret in [
            email,
            "export.member.q7",
            "export.moderator.q7",
            "note-q7-claim",
        ] {
            assert!(!body.contains(secret), "{name} export contains {secret}");
        }
        // The cooperative's own published contact may appear.
        assert!(body.contains("biuro@spoldzielnia.example.org"), "{name}");
    }

    let rows = read_csv(&csv);
    assert!(rows
        .iter()
        .any(|r| r["id"] == coop["id"].as_str().unwrap_or_default()));
    let mut expected = COLUMNS.to_vec();
    expected.sort_unstable();
    let doc: Value = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}"));
    let mut top: Vec<&str> = doc
        .as_object()
        .map(|o| o.keys().map(String::as_str).collect())
        .unwrap_or_default();
    top.sort_unstable();
    assert_eq!(top, ["cooperatives", "generatedAt", "licence", "sources"]);
    let geo: Value = serde_json::from_str(&geo).unwrap_or_else(|e| panic!("{e}"));
    let mut top: Vec<&str> = geo
        .as_object()
        .map(|o| o.keys().map(String::as_str).collect())
        .unwrap_or_default();
    top.sort_unstable();
    assert_eq!(
        top,
        ["features", "generatedAt", "licence", "sources", "type"]
    );
    let coops = doc["cooperatives"].as_array().cloned().unwrap_or_default();
    let features = geo["features"].as_array().cloned().unwrap_or_default();
    assert_eq!(coops.len(), rows.len());
    assert_eq!(features.len(), rows.len());
    for c in coops
        .iter()
        .chain(features.iter().map(|f| &f["properties"]))
    {
        let mut keys: Vec<&str> = c
            .as_object()
            .map(|o| o.keys().map(String::as_str).collect())
            .unwrap_or_default();
        keys.sort_unstable();
        assert_eq!(keys, expected);
    }
    for f in &features {
        let mut keys: Vec<&str> = f
            .as_object()
            .map(|o| o.keys().map(String::as_str).collect())
            .unwrap_or_default();
        keys.sort_unstable();
        assert_eq!(keys, ["geometry", "id", "properties", "type"]);
    }
}

fn coophub(app: &TestApp, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_coophub"))
        .args(args)
        .env("DATABASE_URL", &app.database_url)
        .env_remove("REDIS_URL")
        .output()
        .unwrap_or_else(|e| panic!("{e}"))
}

#[tokio::test]
async fn the_cli_writes_the_same_rows_as_the_http_export_and_rejects_bad_flags() {
    let app = TestApp::spawn().await;
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let file = dir.join(format!(
        "export-{}-{}.csv",
        std::process::id(),
        app.addr.port()
    ));
    let path = file.to_string_lossy().into_owned();
    let out = coophub(
        &app,
        &[
            "export",
            "cooperatives",
            "--format",
            "csv",
            "--output",
            &path,
            "--sector",
            "catering",
        ],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        out.stdout.is_empty(),
        "the export went to the file, not stdout"
    );
    let written = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{path}: {e}"));
    let _ = std::fs::remove_file(&file);
    let (_, http) = export(&app, "/export/cooperatives.csv?sector=catering").await;
    let rows = read_csv(&written);
    assert!(!rows.is_empty());
    assert_eq!(rows, read_csv(&http));
    assert!(
        stderr.contains(&format!(
            "exported {} cooperatives, {} bytes",
            rows.len(),
            written.len()
        )),
        "{stderr}"
    );
    assert!(stderr.contains("VmHWM"), "{stderr}");

    // Standard output without --output: a JSON document.
    let out = coophub(
        &app,
        &[
            "export",
            "cooperatives",
            "--format",
            "json",
            "--sector",
            "catering",
            "--status",
            "active,SUSPENDED",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: Value =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("not JSON: {e}"));
    let (total, _) = cooperative_list(
        &app,
        json!({ "sector": "catering", "status": ["ACTIVE", "SUSPENDED"] }),
    )
    .await;
    assert_eq!(
        doc["cooperatives"].as_array().map(Vec::len),
        Some(total as usize)
    );

    for (args, flag) in [
        (
            &["--near-teryt", "1261011", "--radius-km", "0"][..],
            "--radius-km",
        ),
        (&["--status", "NOPE"], "--status"),
        (&["--teryt", "12x"], "--teryt"),
        (&["--sector", "nope"], "--sector"),
    ] {
        let bad = dir.join(format!(
            "bad-{}-{}.csv",
            std::process::id(),
            app.addr.port()
        ));
        let bad_path = bad.to_string_lossy().into_owned();
        let mut all = vec![
            "export",
            "cooperatives",
            "--format",
            "csv",
            "--output",
            &bad_path,
        ];
        all.extend_from_slice(args);
        let out = coophub(&app, &all);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{args:?} succeeded");
        assert!(stderr.contains(flag), "{args:?}: {stderr}");
        assert!(!bad.exists(), "nothing is written for a bad filter");
    }
}
