//! Accounts and sessions: registration, sign-in limits, sign-out, password reset, deletion, own data.

use crate::helpers::{first_error_code, TestApp};
use serde_json::json;

const ME: &str = "{ me { email user { displayName } roles { role } } }";

#[tokio::test]
async fn a_member_registers_signs_in_and_only_they_see_their_email() {
    let app = TestApp::spawn().await;
    let token = app.member("  Anna.Nowak@Example.ORG ").await;
    let me = app.query_as(&token, ME, json!({})).await;
    assert_eq!(me["data"]["me"]["email"], "anna.nowak@example.org");
    assert_eq!(me["data"]["me"]["roles"], json!([]));
    assert_eq!(app.query(ME).await["data"]["me"], serde_json::Value::Null);
    let again = app
        .query_vars(
            "mutation { register(input: {email: \"anna.nowak@example.org\", password: \"another password\", displayName: \"A\"}) { me { email } } }",
            json!({}),
        )
        .await;
    assert_eq!(first_error_code(&again), "CONFLICT");
    let short = app.query("mutation { register(input: {email: \"b@example.org\", password: \"short\", displayName: \"B\"}) { me { email } } }").await;
    assert_eq!(short["errors"][0]["extensions"]["field"], "password");
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_email_get_the_same_answer_and_five_failures_lock_for_a_while(
) {
    let app = TestApp::spawn().await;
    app.member("ewa@example.org").await;
    let attempt = |email: &'static str, password: &'static str| {
        let app = &app;
        async move {
            app.query_vars(
                "mutation($i: LoginInput!) { login(input: $i) { token } }",
                json!({ "i": { "email": email, "password": password } }),
            )
            .await
        }
    };
    let wrong = attempt("ewa@example.org", "not the password").await;
    let unknown = attempt("nobody@example.org", "not the password").await;
    assert_eq!(
        wrong["errors"][0]["message"],
        unknown["errors"][0]["message"]
    );
    assert_eq!(first_error_code(&wrong), "BAD_USER_INPUT");
    for _ in 0..4 {
        attempt("ewa@example.org", "not the password").await;
    }
    // Five failures for the account: now even the right password waits.
    let locked = attempt("ewa@example.org", "a long enough password").await;
    assert_eq!(first_error_code(&locked), "RATE_LIMITED", "{locked}");
    assert!(
        locked["errors"][0]["extensions"]["retryAfter"]
            .as_u64()
            .unwrap_or(0)
            >= 1
    );
}

#[tokio::test]
async fn logging_out_revokes_the_token() {
    let app = TestApp::spawn().await;
    let token = app.member("jan@example.org").await;
    let out = app
        .query_as(&token, "mutation { logout { revoked } }", json!({}))
        .await;
    assert_eq!(out["data"]["logout"]["revoked"], true);
    let resp = app
        .client
        .post(app.url("/graphql"))
        .bearer_auth(&token)
        .json(&json!({ "query": ME }))
        .send()
        .await;
    let resp = resp.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(resp.status(), 401);
    let body: serde_json::Value = resp.json().await.unwrap_or_default();
    assert_eq!(first_error_code(&body), "UNAUTHENTICATED");
}

#[tokio::test]
async fn a_password_reset_goes_through_the_outbox_and_works_once() {
    let app = TestApp::spawn().await;
    app.member("ola@example.org").await;
    for email in ["ola@example.org", "nobody@example.org"] {
        let r = app
            .query_vars(
                "mutation($e: String!) { requestPasswordReset(input: {email: $e}) { accepted } }",
                json!({ "e": email }),
            )
            .await;
        assert_eq!(r["data"]["requestPasswordReset"]["accepted"], true);
    }
    let outbox = app.cli(&["user", "outbox"], None);
    assert!(
        outbox.contains("to ola@example.org") && !outbox.contains("nobody@example.org"),
        "{outbox}"
    );
    let token = outbox
        .split_whitespace()
        .find(|w| w.starts_with("chr_"))
        .unwrap_or_default()
        .to_owned();
    let reset = "mutation($t: String!) { resetPassword(input: {token: $t, newPassword: \"a brand new password\"}) { changed } }";
    assert_eq!(
        app.query_vars(reset, json!({ "t": token })).await["data"]["resetPassword"]["changed"],
        true
    );
    assert_eq!(
        first_error_code(&app.query_vars(reset, json!({ "t": token })).await),
        "BAD_USER_INPUT"
    );
    app.login("ola@example.org", "a brand new password").await;
}

#[tokio::test]
async fn a_deleted_account_is_forgotten_but_its_changes_stay_as_a_former_members() {
    let app = TestApp::spawn().await;
    let admin = app.staff("admin@example.org", "--admin").await;
    let token = app.member("piotr@example.org").await;
    let coop = app
        .data("{ cooperatives(first: 1) { edges { node { id version } } } }")
        .await["cooperatives"]["edges"][0]["node"]
        .clone();
    let me = app
        .query_as(&token, "{ me { user { id } } }", json!({}))
        .await;
    let grant = app
        .query_as(
            &admin,
            "mutation($u: ID!, $c: ID!) { grantRole(input: {user: $u, role: EDITOR, cooperative: $c}) { user { displayName } } }",
            json!({ "u": me["data"]["me"]["user"]["id"], "c": coop["id"] }),
        )
        .await;
    assert!(grant.get("errors").is_none(), "{grant}");
    let token = app
        .login("piotr@example.org", "a long enough password")
        .await;
    let edit = app
        .query_as(&token, "mutation($i: UpdateCooperativeInput!) { updateCooperative(input: $i) { cooperative { version } } }", json!({ "i": { "id": coop["id"], "version": coop["version"], "phone": "+48 12 345 67 89" } }))
        .await;
    assert!(edit.get("errors").is_none(), "{edit}");
    let data = app.query_as(&token, "{ myData }", json!({})).await;
    let doc: serde_json::Value =
        serde_json::from_str(data["data"]["myData"].as_str().unwrap_or("{}")).unwrap_or_default();
    assert_eq!(doc["account"]["email"], "piotr@example.org");
    assert_eq!(doc["changes"].as_array().map(Vec::len), Some(1));
    let del = app
        .query_as(
            &token,
            "mutation { deleteAccount(input: {password: \"a long enough password\"}) { deleted } }",
            json!({}),
        )
        .await;
    assert_eq!(del["data"]["deleteAccount"]["deleted"], true);
    let history = app.query_as(&admin, "query($id: ID!) { history(id: $id) { edges { node { action actor { displayName } } } } }", json!({ "id": coop["id"] })).await;
    assert_eq!(
        history["data"]["history"]["edges"][0]["node"]["actor"]["displayName"],
        "former member"
    );
    let again = app
        .query_vars(
            "mutation($i: LoginInput!) { login(input: $i) { token } }",
            json!({ "i": { "email": "piotr@example.org", "password": "a long enough password" } }),
        )
        .await;
    assert_eq!(first_error_code(&again), "BAD_USER_INPUT");
}
