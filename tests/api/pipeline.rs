//! One way through: every answer carries a request id, every error body comes
//! from the one writer (the status of its code, the request's id), and a
//! request's kind of operation is decided once, by the operation it runs.

use crate::helpers::{first_error_code, TestApp};
use serde_json::{json, Value};

fn request_id(resp: &reqwest::Response) -> String {
    resp.headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

async fn body(resp: reqwest::Response) -> Value {
    resp.json().await.unwrap_or(Value::Null)
}

#[tokio::test]
async fn every_answer_has_an_id_that_its_errors_carry() {
    let app = TestApp::spawn().await;
    let mut ids = Vec::new();
    // A plain route, a GraphQL answer, an HTTP-level refusal, an unknown path.
    let health = app
        .client
        .get(app.url("/health"))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    ids.push(request_id(&health));
    let bad = app
        .client
        .post(app.url("/graphql"))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(bad.status(), 400);
    let id = request_id(&bad);
    let b = body(bad).await;
    assert_eq!(
        b["errors"][0]["extensions"]["code"], "BAD_USER_INPUT",
        "{b}"
    );
    assert_eq!(
        b["errors"][0]["extensions"]["requestId"],
        id.as_str(),
        "{b}"
    );
    ids.push(id);
    // A client that is not a trusted proxy cannot choose the id.
    let unknown = app
        .client
        .get(app.url("/export/cooperatives.xml"))
        .header("x-request-id", "chosen-by-the-client")
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(unknown.status(), 404);
    let id = request_id(&unknown);
    assert_ne!(id, "chosen-by-the-client");
    let b = body(unknown).await;
    assert_eq!(b["errors"][0]["extensions"]["code"], "NOT_FOUND", "{b}");
    assert_eq!(
        b["errors"][0]["extensions"]["requestId"],
        id.as_str(),
        "{b}"
    );
    ids.push(id);
    // Field errors of an executed document carry it too.
    let resp = app
        .client
        .post(app.url("/graphql"))
        .json(&json!({ "query": r#"{ cooperative(nip: "123") { id } }"# }))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let id = request_id(&resp);
    let b = body(resp).await;
    assert_eq!(first_error_code(&b), "BAD_USER_INPUT", "{b}");
    assert_eq!(
        b["errors"][0]["extensions"]["requestId"],
        id.as_str(),
        "{b}"
    );
    ids.push(id);
    assert!(ids.iter().all(|i| i.len() == 16), "{ids:?}");
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 4, "each request has its own id");
}

#[tokio::test]
async fn an_export_error_has_the_status_of_its_code() {
    let app = TestApp::spawn().await;
    let resp = app
        .client
        .get(app.url("/export/cooperatives.csv?status=NOPE"))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(resp.status(), 400);
    let id = request_id(&resp);
    let b = body(resp).await;
    assert_eq!(
        b["errors"][0]["extensions"]["code"], "BAD_USER_INPUT",
        "{b}"
    );
    assert_eq!(b["errors"][0]["extensions"]["field"], "status", "{b}");
    assert_eq!(
        b["errors"][0]["extensions"]["requestId"],
        id.as_str(),
        "{b}"
    );
    // What no route serves: 404 and NOT_FOUND, in the same body as every error.
    let resp = app
        .client
        .get(app.url("/export/people.csv"))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(resp.status(), 404);
    assert_eq!(first_error_code(&body(resp).await), "NOT_FOUND");
}

#[tokio::test]
async fn an_internal_failure_is_a_500_with_code_internal_and_no_detail() {
    use sea_orm::{ConnectionTrait, Database};
    let app = TestApp::spawn().await;
    let token = app.member("ola@example.org").await;
    // The database loses a table under the running server.
    let db = Database::connect(&app.database_url)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let drop = if crate::helpers::is_postgres() {
        "DROP TABLE session CASCADE"
    } else {
        "DROP TABLE session"
    };
    db.execute_unprepared(drop)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let resp = app
        .client
        .post(app.url("/graphql"))
        .bearer_auth(&token)
        .json(&json!({ "query": "{ __typename }" }))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(resp.status(), 500);
    let id = request_id(&resp);
    let b = body(resp).await;
    assert_eq!(b["errors"][0]["extensions"]["code"], "INTERNAL", "{b}");
    assert_eq!(b["errors"][0]["message"], "internal error", "{b}");
    assert_eq!(
        b["errors"][0]["extensions"]["requestId"],
        id.as_str(),
        "{b}"
    );
    assert!(!b.to_string().contains("session"), "{b}");
}

#[tokio::test]
async fn a_stored_value_outside_its_enum_fails_when_the_row_is_read() {
    use entity::cooperative;
    use sea_orm::{ConnectionTrait, Database, EntityTrait};
    let app = TestApp::spawn().await;
    let db = Database::connect(&app.database_url)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let id = cooperative::Entity::find()
        .one(&db)
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .unwrap_or_else(|| panic!("no sample cooperative"))
        .id;
    db.execute_unprepared(&format!(
        "UPDATE cooperative SET status = 'BOGUS' WHERE id = {id}"
    ))
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    // Decoding the row fails: the value is never read as an empty or default status.
    let read = cooperative::Entity::find_by_id(id).one(&db).await;
    assert!(read.is_err(), "{read:?}");
    // Through the API, an internal error (logged), not a made-up value.
    let gid = coophub::graphql::node::global_id("Cooperative", id).0;
    let b = app
        .query(&format!(
            "{{ node(id: \"{gid}\") {{ ... on Cooperative {{ status }} }} }}"
        ))
        .await;
    assert_eq!(first_error_code(&b), "INTERNAL", "{b}");
    assert!(!b.to_string().contains("BOGUS"), "{b}");
}

#[tokio::test]
async fn a_query_beside_a_mutation_is_a_read_when_it_is_the_one_that_runs() {
    let app = TestApp::spawn().await;
    let doc = "query Read { sectors { nodes { slug } } } mutation Write { logout { revoked } }";
    let run = |operation: &'static str| {
        let app = &app;
        async move {
            app.client
                .post(app.url("/graphql"))
                .json(&json!({ "query": doc, "operationName": operation }))
                .send()
                .await
                .unwrap_or_else(|e| panic!("{e}"))
        }
    };
    let read = run("Read").await;
    let cache_control = |r: &reqwest::Response| {
        r.headers()
            .get("cache-control")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    // A public read: cacheable (the whole document once counted as a mutation: no-store).
    let cc = cache_control(&read);
    let answer = body(read).await;
    assert!(cc.contains("public"), "{cc}: {answer}");
    assert!(answer["data"]["sectors"]["nodes"].is_array(), "{answer}");
    // Over GET, the read runs; the write is refused with 405 and `Allow: POST`.
    let get = |operation: &'static str| {
        let app = &app;
        async move {
            app.client
                .get(app.url("/graphql"))
                .query(&[("query", doc), ("operationName", operation)])
                .send()
                .await
                .unwrap_or_else(|e| panic!("{e}"))
        }
    };
    assert_eq!(get("Read").await.status(), 200);
    let write = get("Write").await;
    assert_eq!(write.status(), 405);
    assert_eq!(
        write
            .headers()
            .get("allow")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default(),
        "POST"
    );
    assert_eq!(first_error_code(&body(write).await), "METHOD_NOT_ALLOWED");
    // The write over POST is a mutation: never stored.
    let written = run("Write").await;
    let cc = cache_control(&written);
    assert!(cc.contains("no-store"), "{cc}: {}", body(written).await);
}
