//! Every connection field of the schema, with the plan of each statement its first
//! page and its page after a cursor send (issue 17): no list may need a full scan
//! of a table that grows with the sector's data. PostgreSQL plans with sequential scans switched off, so a
//! "Seq Scan" that remains means no index can serve the statement at all; SQLite
//! (which, without statistics, takes every table for large) reports a full scan
//! as `SCAN table` without an index.
//!
//! Run with `--nocapture` to read the list and its plans.

use crate::helpers::{is_postgres, TestApp};
use sea_orm::{ConnectionTrait, Database, DatabaseConnection, Statement, TransactionTrait};
use serde_json::json;

/// Tables that grow with the sector's data (reference tables — TERYT, PKD,
/// sectors — are bounded and small, and so are partner keys: admins list them
/// whole).
const GROWING: [&str; 16] = [
    "cooperative",
    "offering",
    "offering_area",
    "cooperative_industry",
    "cooperative_founder",
    "procurement_example",
    "procurement_supplier",
    "institution",
    "person",
    "participation",
    "thread",
    "post",
    "need",
    "audit_entry",
    "search_token",
    "claim",
];

/// How to reach an object of each type that has connection fields: a query with
/// `X` where the type's fields go. A type missing here fails the test.
fn path_to(ty: &str) -> Option<&'static str> {
    Some(match ty {
        "QueryRoot" => "{ X }",
        "Cooperative" => "{ cooperatives(first: 2) { nodes { X } } }",
        "LocalGovernment" => {
            "{ localGovernments(first: 2, filter: {level: POWIAT}) { nodes { X } } }"
        }
        "Industry" => "{ industries(first: 2, filter: {level: DIVISION}) { nodes { X } } }",
        "Sector" => "{ sectors(first: 2) { nodes { X } } }",
        "ProcurementExample" => "{ procurementExamples(first: 2) { nodes { X } } }",
        "Offering" => {
            "{ cooperatives(first: 2) { nodes { offerings(first: 2) { nodes { X } } } } }"
        }
        "Event" => "{ events(first: 2) { nodes { X } } }",
        "Person" => "{ cooperatives(first: 2) { nodes { people(first: 2) { nodes { X } } } } }",
        "Need" => "{ needs(first: 2) { nodes { X } } }",
        "Thread" => "{ threads(first: 2) { nodes { X } } }",
        "Institution" => "{ institutions(first: 2) { nodes { X } } }",
        "Recommendation" => "{ recommendations(first: 2) { nodes { X } } }",
        "Publication" => "{ publications(first: 2) { nodes { X } } }",
        _ => return None,
    })
}

/// Arguments a connection field needs besides paging.
fn arguments(ty: &str, field: &str, coop: &str) -> String {
    match (ty, field) {
        ("QueryRoot", "search") => "query: \"catering\", ".into(),
        ("QueryRoot", "history") => format!("id: \"{coop}\", "),
        _ => String::new(),
    }
}

/// The connection fields of the schema, by the type that has them.
async fn connection_fields(app: &TestApp) -> Vec<(String, String)> {
    let schema = app
        .data("{ __schema { types { name kind fields { name type { name kind ofType { name kind ofType { name } } } } } } }")
        .await;
    let mut out = Vec::new();
    for t in schema["__schema"]["types"]
        .as_array()
        .cloned()
        .unwrap_or_default()
    {
        if t["kind"] != "OBJECT" || t["name"].as_str().is_some_and(|n| n.starts_with("__")) {
            continue;
        }
        for f in t["fields"].as_array().cloned().unwrap_or_default() {
            let mut ty = &f["type"];
            while ty["name"].is_null() && !ty["ofType"].is_null() {
                ty = &ty["ofType"];
            }
            if ty["name"]
                .as_str()
                .is_some_and(|n| n.ends_with("Connection"))
            {
                let owner = t["name"].as_str().unwrap_or_default().to_owned();
                out.push((owner, f["name"].as_str().unwrap_or_default().to_owned()));
            }
        }
    }
    out
}

/// The plan of a statement, line by line, with full scans made visible.
async fn plan(db: &DatabaseConnection, s: &Statement) -> Vec<String> {
    let (prefix, column) = if is_postgres() {
        ("EXPLAIN (COSTS OFF) ", "QUERY PLAN")
    } else {
        ("EXPLAIN QUERY PLAN ", "detail")
    };
    let explain = Statement {
        sql: format!("{prefix}{}", s.sql),
        ..s.clone()
    };
    let txn = db.begin().await.unwrap_or_else(|e| panic!("{e}"));
    if is_postgres() {
        txn.execute_unprepared("SET LOCAL enable_seqscan = off")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
    }
    let rows = txn
        .query_all_raw(explain)
        .await
        .unwrap_or_else(|e| panic!("{e}: {}", s.sql));
    txn.rollback().await.unwrap_or_else(|e| panic!("{e}"));
    rows.iter()
        .map(|r| r.try_get::<String>("", column).unwrap_or_default())
        .collect()
}

/// The growing table a plan line reads whole, if any.
fn full_scan(line: &str) -> Option<&'static str> {
    GROWING.into_iter().find(|t| {
        if is_postgres() {
            line.contains(&format!("Seq Scan on {t} "))
                || line.trim_end().ends_with(&format!("Seq Scan on {t}"))
        } else {
            let l = line.trim();
            (l == format!("SCAN {t}") || l.starts_with(&format!("SCAN {t} ")))
                && !l.contains("USING")
        }
    })
}

/// The first `endCursor` in an answer (of the first parent's list that has one).
fn end_cursor(body: &serde_json::Value) -> Option<String> {
    match body {
        serde_json::Value::Object(m) => m
            .get("endCursor")
            .and_then(|c| c.as_str().map(str::to_owned))
            .or_else(|| m.values().find_map(end_cursor)),
        serde_json::Value::Array(a) => a.iter().find_map(end_cursor),
        _ => None,
    }
}

#[tokio::test]
async fn every_connection_fields_pages_read_by_index() {
    let app = TestApp::spawn().await;
    let log = app
        .sql_log
        .clone()
        .unwrap_or_else(|| panic!("an in-process server"));
    let moderator = app.staff("moderatorka@example.org", "--moderator").await;
    let admin = app.staff("administrator@example.org", "--admin").await;
    // A thread with posts, so that its posts are reached.
    let made = app
        .query_as(
            &moderator,
            "mutation { createThread(input: {board: {general: true}, title: \"Plan\", body: \"pierwszy\"}) { thread { id } } }",
            json!({}),
        )
        .await;
    assert!(made.get("errors").is_none(), "{made}");
    // A legal advisor with a few cases logged from calls, so that the queue has pages.
    let advisor = {
        let token = app.member("doradczyni@example.org").await;
        let me = app
            .query_as(&token, "{ me { user { id } } }", json!({}))
            .await;
        let grant = app
            .query_as(
                &admin,
                "mutation($u: ID!) { grantRole(input: {user: $u, role: LEGAL_ADVISOR}) { user { id } } }",
                json!({ "u": me["data"]["me"]["user"]["id"] }),
            )
            .await;
        assert!(grant.get("errors").is_none(), "{grant}");
        app.login("doradczyni@example.org", "a long enough password")
            .await
    };
    for i in 0..7 {
        let logged = app
            .query_as(
                &advisor,
                "mutation($q: String!) { logLegalCase(input: {topic: OTHER, question: $q, askerName: \"Dzwoniący\", askerContact: \"telefon\"}) { legalCase { id } } }",
                json!({ "q": format!("Pytanie {i}") }),
            )
            .await;
        assert!(logged.get("errors").is_none(), "{logged}");
    }
    let coop = app
        .data("{ cooperatives(first: 1) { nodes { id } } }")
        .await["cooperatives"]["nodes"][0]["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let db = Database::connect(&app.database_url)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let fields = connection_fields(&app).await;
    assert!(fields.len() >= 30, "{} connection fields", fields.len());
    let mut failures = Vec::new();
    let mut seeks = 0;
    for (ty, field) in &fields {
        let path = path_to(ty).unwrap_or_else(|| {
            panic!("no way to reach a {ty} to plan {ty}.{field}: add one to path_to")
        });
        let token = match field.as_str() {
            "apiKeys" => &admin,
            "legalCaseQueue" => &advisor,
            _ => &moderator,
        };
        // The first page, then the page after its first list's end (a seek by key).
        let mut after = String::new();
        for page in ["first page", "page after a cursor"] {
            let args = format!("{}{after}", arguments(ty, field, &coop));
            let query = path.replace(
                "X",
                &format!("{field}({args}first: 5) {{ totalCount pageInfo {{ endCursor }} nodes {{ __typename }} }}"),
            );
            log.record();
            let body = app.query_as(token, &query, json!({})).await;
            let sent = log.take();
            assert!(body.get("errors").is_none(), "{ty}.{field}: {body}");
            println!("{ty}.{field}, {page}: {} statements", sent.len());
            for s in sent.iter().filter(|s| {
                let sql = s.sql.trim_start().to_ascii_uppercase();
                sql.starts_with("SELECT") || sql.starts_with("WITH")
            }) {
                let lines = plan(&db, s).await;
                println!("  {}", s.sql);
                for l in &lines {
                    println!("    {l}");
                    if let Some(t) = full_scan(l) {
                        failures.push(format!(
                            "{ty}.{field}, {page}, reads all of {t}: {}\n  {l}",
                            s.sql
                        ));
                    }
                }
            }
            match end_cursor(&body) {
                Some(c) => after = format!("after: \"{c}\", "),
                None => break,
            }
            seeks += usize::from(page == "first page");
        }
    }
    // Most lists have a second page to plan in the sample.
    assert!(seeks >= 15, "only {seeks} pages after a cursor planned");
    db.close().await.unwrap_or_else(|e| panic!("{e}"));
    assert!(failures.is_empty(), "full scans:\n{}", failures.join("\n"));
}
