//! GraphQL over HTTP as the specification says (the graphql-http audit runs in CI too).

use crate::helpers::TestApp;
use serde_json::Value;

const GQL_RESPONSE: &str = "application/graphql-response+json";

#[tokio::test]
async fn a_query_answers_in_the_media_type_the_client_accepts() {
    let app = TestApp::spawn().await;
    for (accept, expected) in [
        (GQL_RESPONSE, GQL_RESPONSE),
        ("application/json", "application/json"),
        ("*/*", "application/json"),
    ] {
        let resp = app
            .client
            .post(app.url("/graphql"))
            .header("accept", accept)
            .header("content-type", "application/json")
            .body(r#"{"query":"{ __typename }"}"#)
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(resp.status(), 200);
        let ct = resp.headers()["content-type"]
            .to_str()
            .unwrap_or_default()
            .to_owned();
        assert!(ct.starts_with(expected), "accept {accept} gave {ct}");
        let body: Value = resp.json().await.unwrap_or_default();
        assert_eq!(body["data"]["__typename"], "QueryRoot");
        assert!(body.get("errors").is_none());
    }
}

#[tokio::test]
async fn a_document_that_does_not_parse_is_a_400_without_data_under_the_new_media_type() {
    let app = TestApp::spawn().await;
    let resp = app
        .client
        .post(app.url("/graphql"))
        .header("accept", GQL_RESPONSE)
        .json(&serde_json::json!({"query": "{"}))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(resp.status(), 400);
    let body: Value = resp.json().await.unwrap_or_default();
    assert!(body.get("data").is_none(), "{body}");
    assert_eq!(body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
}

#[tokio::test]
async fn a_validation_error_under_application_json_is_a_200_with_errors_and_no_data() {
    let app = TestApp::spawn().await;
    let resp = app
        .client
        .post(app.url("/graphql"))
        .header("accept", "application/json")
        .json(&serde_json::json!({"query": "{ noSuchField }"}))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(resp.status(), 200);
    let body: Value = resp.json().await.unwrap_or_default();
    assert!(body.get("data").is_none(), "{body}");
    assert!(body["errors"][0]["message"]
        .as_str()
        .unwrap_or_default()
        .contains("noSuchField"));
}

#[tokio::test]
async fn a_mutation_over_get_is_refused_with_405_and_allow_post() {
    let app = TestApp::spawn().await;
    let resp = app
        .client
        .get(app.url("/graphql"))
        .query(&[("query", "mutation { __typename }")])
        .header("accept", GQL_RESPONSE)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(resp.status(), 405);
    assert_eq!(resp.headers()["allow"], "POST");
}

#[tokio::test]
async fn a_query_over_get_with_variables_works() {
    let app = TestApp::spawn().await;
    let resp = app
        .client
        .get(app.url("/graphql"))
        .query(&[
            (
                "query",
                "query($t: String!) { localGovernment(teryt: $t) { name } }",
            ),
            ("variables", r#"{"t":"12"}"#),
        ])
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(resp.status(), 200);
    let body: Value = resp.json().await.unwrap_or_default();
    assert_eq!(body["data"]["localGovernment"]["name"], "małopolskie");
}

#[tokio::test]
async fn text_plain_and_form_posts_get_415_and_run_nothing() {
    let app = TestApp::spawn().await;
    let before = app.statements().await;
    for ct in [
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
    ] {
        let resp = app
            .client
            .post(app.url("/graphql"))
            .header("content-type", ct)
            .body(r#"{"query":"{ cooperatives { totalCount } }"}"#)
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(resp.status(), 415, "{ct}");
    }
    assert_eq!(
        app.statements().await,
        before,
        "a refused request reached the database"
    );
}

#[tokio::test]
async fn a_body_that_is_not_json_or_lacks_a_query_string_is_a_400() {
    let app = TestApp::spawn().await;
    for body in [
        r#"{ "not a JSON"#,
        r#"{"notquery":"{ __typename }"}"#,
        r#"{"query":["array"]}"#,
        r#"{"query":"{ __typename }","variables":"x"}"#,
    ] {
        let resp = app
            .client
            .post(app.url("/graphql"))
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(resp.status(), 400, "{body}");
        let v: Value = resp.json().await.unwrap_or_default();
        assert!(
            v.get("data").is_none() && v["errors"][0]["message"].is_string(),
            "{v}"
        );
    }
}

#[tokio::test]
async fn browsers_get_graphiql_and_probes_get_health_and_readiness() {
    let app = TestApp::spawn().await;
    for path in ["/", "/graphql"] {
        let resp = app
            .client
            .get(app.url(path))
            .header("accept", "text/html")
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(resp.status(), 200);
        assert!(
            resp.text().await.unwrap_or_default().contains("graphiql"),
            "{path}"
        );
    }
    for (path, text) in [("/health", "ok"), ("/ready", "ready")] {
        let resp = app
            .client
            .get(app.url(path))
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(resp.status(), 200);
        assert_eq!(resp.text().await.unwrap_or_default(), text);
    }
}
