//! A credential that ends over HTTP ends on every open WebSocket too: each of the
//! ways a credential ends closes the sockets that use it with 4403, on every
//! instance, and leaves the others open.

use crate::helpers::{config, is_postgres, TestApp};
use crate::ws_client::*;
use serde_json::{json, Value};

const REASON: &str =
    "Forbidden: the credentials ended (signed out, revoked or changed); connect again";
const ACTIVITY: &str = "subscription { threadActivity { kind thread { title } } }";

/// A socket signed in with `token`, with a live subscription.
async fn listening(app: &TestApp, token: &str) -> Socket {
    let mut s = acked(app, Some(token)).await;
    listen(&mut s, "feed", ACTIVITY, json!({})).await;
    s
}

/// The socket still answers: a ping gets its pong.
async fn still_open(s: &mut Socket) {
    send(s, json!({ "type": "ping", "payload": { "alive": true } })).await;
    assert_eq!(
        recv(s).await,
        json!({ "type": "pong", "payload": { "alive": true } })
    );
}

fn ok(body: &Value) -> &Value {
    assert!(body.get("errors").is_none(), "{body}");
    &body["data"]
}

async fn user_id(app: &TestApp, token: &str) -> String {
    let me = app
        .query_as(token, "{ me { user { id } } }", json!({}))
        .await;
    ok(&me)["me"]["user"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{me}"))
        .to_owned()
}

#[tokio::test]
async fn signing_out_closes_that_sessions_sockets_and_no_other() {
    let app = TestApp::spawn().await;
    let first = app.member("ewa@example.org").await;
    let second = app.login("ewa@example.org", "a long enough password").await;
    let mut a = listening(&app, &first).await;
    let mut b = listening(&app, &second).await;
    ok(&app
        .query_as(&first, "mutation { logout { revoked } }", json!({}))
        .await);
    expect_close(&mut a, 4403, REASON).await;
    // The other session of the same person stays.
    still_open(&mut b).await;
}

#[tokio::test]
async fn a_password_reset_closes_every_socket_of_the_account() {
    let app = TestApp::spawn().await;
    let token = app.member("jan@example.org").await;
    let other = app.member("ola@example.org").await;
    let mut a = listening(&app, &token).await;
    let mut o = listening(&app, &other).await;
    ok(&app
        .query(
            r#"mutation { requestPasswordReset(input: {email: "jan@example.org"}) { accepted } }"#,
        )
        .await);
    let outbox = app.cli(&["user", "outbox"], None);
    let reset = outbox
        .split_whitespace()
        .find(|w| w.starts_with("chr_"))
        .unwrap_or_else(|| panic!("no reset token in {outbox}"))
        .to_owned();
    ok(&app
        .query_vars(
            "mutation($t: String!) { resetPassword(input: {token: $t, newPassword: \"a brand new password\"}) { changed } }",
            json!({ "t": reset }),
        )
        .await);
    expect_close(&mut a, 4403, REASON).await;
    still_open(&mut o).await;
}

#[tokio::test]
async fn deleting_the_account_closes_its_sockets() {
    let app = TestApp::spawn().await;
    let token = app.member("piotr@example.org").await;
    let mut s = listening(&app, &token).await;
    ok(&app
        .query_as(
            &token,
            "mutation { deleteAccount(input: {password: \"a long enough password\"}) { deleted } }",
            json!({}),
        )
        .await);
    expect_close(&mut s, 4403, REASON).await;
}

#[tokio::test]
async fn taking_a_role_away_closes_the_holders_sockets() {
    let app = TestApp::spawn().await;
    let admin = app.staff("admin@example.org", "--admin").await;
    let moderator = app.staff("mod@example.org", "--moderator").await;
    let id = user_id(&app, &moderator).await;
    let mut s = listening(&app, &moderator).await;
    let revoke = "mutation($u: ID!) { revokeRole(input: {user: $u, role: MODERATOR}) { revoked user { id } } }";
    // Only admins take roles away; a refused attempt changes nothing.
    let refused = app.query_as(&moderator, revoke, json!({ "u": id })).await;
    assert_eq!(refused["errors"][0]["extensions"]["code"], "FORBIDDEN");
    still_open(&mut s).await;
    let done = app.query_as(&admin, revoke, json!({ "u": id })).await;
    assert_eq!(ok(&done)["revokeRole"]["revoked"], true);
    expect_close(&mut s, 4403, REASON).await;
    // The session itself still works over HTTP, without the role.
    let after = app
        .query_as(&moderator, "{ me { roles { role } } }", json!({}))
        .await;
    assert_eq!(ok(&after)["me"]["roles"], json!([]));
    // A role the user does not hold: nothing to take, and nothing closes.
    let mut again = listening(&app, &moderator).await;
    let none = app.query_as(&admin, revoke, json!({ "u": id })).await;
    assert_eq!(ok(&none)["revokeRole"]["revoked"], false);
    still_open(&mut again).await;
}

#[tokio::test]
async fn revoking_or_rotating_a_partner_key_closes_its_sockets() {
    let app = TestApp::spawn().await;
    let admin = app.staff("admin@example.org", "--admin").await;
    let created = app
        .query_as(
            &admin,
            "mutation { createApiKey(input: {partnerName: \"Portal\"}) { secret apiKey { id } } }",
            json!({}),
        )
        .await;
    let secret = ok(&created)["createApiKey"]["secret"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let id = created["data"]["createApiKey"]["apiKey"]["id"].clone();
    // Rotation: the old secret's socket closes, one opened with the new secret stays.
    let mut old = acked(&app, Some(&secret)).await;
    still_open(&mut old).await;
    let rotated = app
        .query_as(
            &admin,
            "mutation($k: ID!) { rotateApiKey(input: {apiKey: $k}) { secret } }",
            json!({ "k": id }),
        )
        .await;
    let fresh = ok(&rotated)["rotateApiKey"]["secret"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    expect_close(&mut old, 4403, REASON).await;
    let mut new = acked(&app, Some(&fresh)).await;
    still_open(&mut new).await;
    ok(&app
        .query_as(
            &admin,
            "mutation($k: ID!) { revokeApiKey(input: {apiKey: $k}) { apiKey { id } } }",
            json!({ "k": id }),
        )
        .await);
    expect_close(&mut new, 4403, REASON).await;
}

#[tokio::test]
async fn a_subscribe_after_the_credential_ended_elsewhere_is_refused() {
    // Two instances without a shared bus: only the database knows. The socket on
    // `b` learns at its next `subscribe`, which checks the credential again.
    let a = TestApp::spawn().await;
    let mut cfg = config(&a.database_url);
    cfg.redis_url = None;
    let b = TestApp::spawn_with(cfg).await;
    let token = a.member("ala@example.org").await;
    let mut s = acked(&b, Some(&token)).await;
    still_open(&mut s).await;
    ok(&a
        .query_as(&token, "mutation { logout { revoked } }", json!({}))
        .await);
    subscribe(&mut s, "late", ACTIVITY, json!({})).await;
    expect_close(&mut s, 4403, REASON).await;
}

#[tokio::test]
async fn a_sign_out_on_one_instance_closes_sockets_on_another() {
    if !is_postgres() {
        // Instances share revocations through Redis; CI runs this with TEST_REDIS_URL.
        return;
    }
    let a = TestApp::spawn().await;
    let b = TestApp::spawn_with(config(&a.database_url)).await;
    let token = a.member("zofia@example.org").await;
    let mut s = listening(&b, &token).await;
    ok(&a
        .query_as(&token, "mutation { logout { revoked } }", json!({}))
        .await);
    expect_close(&mut s, 4403, REASON).await;
}
