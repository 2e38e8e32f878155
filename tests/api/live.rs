//! Live feeds: the graphql-transport-ws protocol, close code by close code, with a
//! raw WebSocket client; what subscribers may receive; fan-out between instances
//! through Redis, also across a Redis restart; event registration under load.

use crate::helpers::{config, Private, PrivateRedis, TestApp};
use crate::ws_client::*;
use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio_tungstenite::{
    tungstenite::{client::IntoClientRequest, http::HeaderValue, Message},
    MaybeTlsStream,
};

fn ok(body: &Value) -> &Value {
    assert!(body.get("errors").is_none(), "{body}");
    &body["data"]
}

/// A general-board thread opened by `token`; returns its id.
async fn thread(app: &TestApp, token: &str, title: &str) -> String {
    let body = app
        .query_as(
            token,
            "mutation($i: CreateThreadInput!) { createThread(input: $i) { thread { id } } }",
            json!({ "i": { "board": { "general": true }, "title": title, "body": "Pierwszy post" } }),
        )
        .await;
    ok(&body)["createThread"]["thread"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{body}"))
        .to_owned()
}

async fn post(app: &TestApp, token: &str, thread: &str, body: &str) -> String {
    let r = app
        .query_as(
            token,
            "mutation($i: AddPostInput!) { addPost(input: $i) { post { id } } }",
            json!({ "i": { "thread": thread, "body": body } }),
        )
        .await;
    ok(&r)["addPost"]["post"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{r}"))
        .to_owned()
}

const POST_ADDED: &str = "subscription($t: ID!) { postAdded(threadId: $t) { id bodyHtml authorName author { displayName } } }";
const POST_CHANGED: &str = "subscription($t: ID!) { postChanged(threadId: $t) { postId change post { bodyHtml hidden } } }";
const ACTIVITY: &str = "subscription($b: BoardInput) { threadActivity(board: $b) { kind thread { title } post { id } } }";

async fn edit(app: &TestApp, token: &str, post: &str, body: &str) {
    let r = app
        .query_as(
            token,
            "mutation($i: EditPostInput!) { editPost(input: $i) { post { id } } }",
            json!({ "i": { "post": post, "body": body } }),
        )
        .await;
    ok(&r);
}

#[tokio::test]
async fn board_activity_and_post_changes_arrive_live() {
    let app = TestApp::spawn().await;
    let member = app.member("tablica@example.org").await;
    let mut general = acked(&app, None).await;
    listen(
        &mut general,
        "g",
        ACTIVITY,
        json!({ "b": { "general": true } }),
    )
    .await;
    let mut catering = acked(&app, None).await;
    listen(
        &mut catering,
        "c",
        ACTIVITY,
        json!({ "b": { "sector": "catering" } }),
    )
    .await;
    let mut all = acked(&app, None).await;
    listen(&mut all, "a", ACTIVITY, json!({})).await;

    let t = thread(&app, &member, "Ogólny").await;
    for (s, id) in [(&mut general, "g"), (&mut all, "a")] {
        let got = next_of(s, id).await["data"]["threadActivity"].clone();
        assert_eq!(got["kind"], "NEW_THREAD", "{got}");
        assert_eq!(got["thread"]["title"], "Ogólny", "{got}");
    }
    let r = app
        .query_as(
            &member,
            "mutation($i: CreateThreadInput!) { createThread(input: $i) { thread { id } } }",
            json!({ "i": { "board": { "sector": "catering" }, "title": "Catering", "body": "Menu" } }),
        )
        .await;
    ok(&r);
    // The general board's feed got nothing of it: its next message is the next general post.
    let p = post(&app, &member, &t, "Drugi").await;
    let got = next_of(&mut general, "g").await["data"]["threadActivity"].clone();
    assert_eq!(
        got,
        json!({ "kind": "NEW_POST", "thread": { "title": "Ogólny" }, "post": { "id": p } })
    );
    let got = next_of(&mut catering, "c").await["data"]["threadActivity"].clone();
    assert_eq!(got["thread"]["title"], "Catering", "{got}");
    let kinds: Vec<Value> = [next_of(&mut all, "a").await, next_of(&mut all, "a").await]
        .iter()
        .map(|m| m["data"]["threadActivity"]["kind"].clone())
        .collect();
    assert_eq!(kinds, [json!("NEW_THREAD"), json!("NEW_POST")]);

    // Edits and deletions of a thread's posts.
    let mut changes = acked(&app, None).await;
    listen(&mut changes, "1", POST_CHANGED, json!({ "t": t })).await;
    edit(&app, &member, &p, "Drugi, *poprawiony*").await;
    assert_eq!(
        next_of(&mut changes, "1").await["data"]["postChanged"],
        json!({ "postId": p, "change": "EDITED", "post": { "bodyHtml": "<p>Drugi, <em>poprawiony</em></p>\n", "hidden": false } })
    );
    let r = app
        .query_as(
            &member,
            "mutation($i: DeletePostInput!) { deletePost(input: $i) { post { deleted } } }",
            json!({ "i": { "post": p } }),
        )
        .await;
    ok(&r);
    let got = next_of(&mut changes, "1").await["data"]["postChanged"].clone();
    assert_eq!(got["change"], "DELETED", "{got}");
    assert_eq!(got["post"]["bodyHtml"], Value::Null, "{got}");
}

#[tokio::test]
async fn the_protocol_closes_with_its_codes() {
    let app = TestApp::spawn_configured(|c| c.ws_init_timeout_ms = 300).await;

    // 4406: the subprotocol was not offered.
    let mut s = open(&app, "/graphql/ws", None).await;
    expect_close(&mut s, 4406, "Subprotocol not acceptable").await;

    // 4408: no connection_init in time.
    let mut s = ws(&app).await;
    expect_close(&mut s, 4408, "Connection initialisation timeout").await;

    // 4401: subscribe before the acknowledgement.
    let mut s = ws(&app).await;
    subscribe(&mut s, "1", "{ __typename }", json!({})).await;
    expect_close(&mut s, 4401, "Unauthorized").await;

    // 4400: not JSON, an unknown type, a subscribe without a query, a binary frame.
    for bad in [
        Message::Text("not json".into()),
        Message::Text(json!({ "type": "start", "id": "1" }).to_string().into()),
        Message::Text(
            json!({ "type": "subscribe", "id": "1", "payload": {} })
                .to_string()
                .into(),
        ),
        Message::Text(
            json!({ "type": "connection_init", "payload": "x" })
                .to_string()
                .into(),
        ),
        Message::Binary(vec![1, 2, 3].into()),
    ] {
        let mut s = ws(&app).await;
        s.send(bad).await.unwrap_or_else(|e| panic!("{e}"));
        expect_close(&mut s, 4400, "Invalid message received").await;
    }

    // 4429: a second connection_init.
    let mut s = acked(&app, None).await;
    send(&mut s, json!({ "type": "connection_init" })).await;
    expect_close(&mut s, 4429, "Too many initialisation requests").await;

    // 4403: a token that is not valid.
    let mut s = ws(&app).await;
    send(
        &mut s,
        json!({ "type": "connection_init", "payload": { "token": "chs_nope" } }),
    )
    .await;
    expect_close(&mut s, 4403, "Forbidden").await;

    // 4409: an id already in use by a running subscription.
    let member = app.member("proto@example.org").await;
    let t = thread(&app, &member, "Protokół").await;
    let mut s = acked(&app, None).await;
    subscribe(&mut s, "a", POST_ADDED, json!({ "t": t })).await;
    subscribe(&mut s, "a", POST_ADDED, json!({ "t": t })).await;
    expect_close(&mut s, 4409, "Subscriber for a already exists").await;
}

#[tokio::test]
async fn queries_ping_errors_and_complete_follow_the_protocol() {
    let app = TestApp::spawn().await;
    let mut s = acked(&app, None).await;

    // Ping: pong with the same payload.
    send(&mut s, json!({ "type": "ping", "payload": { "n": 1 } })).await;
    assert_eq!(
        recv(&mut s).await,
        json!({ "type": "pong", "payload": { "n": 1 } })
    );

    // A query: one `next`, then `complete`; the id can be used again after it.
    for _ in 0..2 {
        subscribe(&mut s, "q", "{ __typename }", json!({})).await;
        assert_eq!(
            next_of(&mut s, "q").await["data"],
            json!({ "__typename": "QueryRoot" })
        );
        assert_eq!(recv(&mut s).await, json!({ "id": "q", "type": "complete" }));
    }

    // A validation error: an `error` message with the GraphQL errors, and no `complete`.
    subscribe(&mut s, "v", "subscription { postAdded { id } }", json!({})).await;
    let m = recv(&mut s).await;
    assert_eq!(m["type"], "error", "{m}");
    assert_eq!(m["id"], "v");
    assert!(
        m["payload"][0]["message"]
            .as_str()
            .is_some_and(|t| t.contains("threadId")),
        "{m}"
    );

    // The client's `complete` stops a subscription; nothing comes back, and the
    // connection goes on (the next answer is the pong, not a late message).
    let member = app.member("complete@example.org").await;
    let t = thread(&app, &member, "Zakończenie").await;
    listen(&mut s, "live", POST_ADDED, json!({ "t": t })).await;
    post(&app, &member, &t, "raz").await;
    assert_eq!(
        next_of(&mut s, "live").await["data"]["postAdded"]["bodyHtml"],
        "<p>raz</p>\n"
    );
    send(&mut s, json!({ "type": "complete", "id": "live" })).await;
    send(&mut s, json!({ "type": "ping" })).await;
    assert_eq!(recv(&mut s).await, json!({ "type": "pong" }));
    post(&app, &member, &t, "dwa").await;
    send(&mut s, json!({ "type": "ping" })).await;
    assert_eq!(
        recv(&mut s).await,
        json!({ "type": "pong" }),
        "a completed subscription still delivered"
    );

    // The upgrade also works on /graphql itself.
    let mut s = open(&app, "/graphql", Some("graphql-transport-ws")).await;
    send(&mut s, json!({ "type": "connection_init" })).await;
    assert_eq!(recv(&mut s).await, json!({ "type": "connection_ack" }));
}

#[tokio::test]
async fn payloads_obey_consent_and_hidden_posts() {
    let app = TestApp::spawn().await;
    let author = app.member("autor@example.org").await;
    let moderator = app.staff("mod@example.org", "--moderator").await;
    let t = thread(&app, &author, "Zgoda").await;
    let mut reader = acked(&app, None).await;
    let mut mods = acked(&app, Some(&moderator)).await;
    listen(&mut reader, "1", POST_ADDED, json!({ "t": t })).await;
    listen(&mut reader, "2", POST_CHANGED, json!({ "t": t })).await;
    listen(&mut mods, "2", POST_CHANGED, json!({ "t": t })).await;

    // Without consent, the author is an anonymous participant.
    let p1 = post(&app, &author, &t, "Bez <script>alert(1)</script> zgody").await;
    let got = next_of(&mut reader, "1").await["data"]["postAdded"].clone();
    assert_eq!(got["id"], p1);
    assert_eq!(got["authorName"], "Anonymous participant");
    assert!(got["author"].is_null(), "{got}");
    assert!(
        !got["bodyHtml"]
            .as_str()
            .unwrap_or_default()
            .contains("<script"),
        "{got}"
    );

    // With consent, the name shows.
    let body = app
        .query_as(
            &author,
            "mutation { updateMyProfile(input: {displayName: \"Anna\", publicProfile: true}) { person { displayName } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        ok(&body)["updateMyProfile"]["person"]["displayName"],
        "Anna"
    );
    post(&app, &author, &t, "Ze zgodą").await;
    let got = next_of(&mut reader, "1").await["data"]["postAdded"].clone();
    assert_eq!(got["authorName"], "Anna");
    assert_eq!(got["author"]["displayName"], "Anna");

    // Hidden: the reader learns only the id; the moderator sees the post.
    let hide = app
        .query_as(
            &moderator,
            "mutation($i: ModeratePostInput!) { hidePost(input: $i) { post { hidden } } }",
            json!({ "i": { "post": p1, "reason": "spam" } }),
        )
        .await;
    assert_eq!(ok(&hide)["hidePost"]["post"]["hidden"], true);
    let seen = next_of(&mut reader, "2").await["data"]["postChanged"].clone();
    assert_eq!(
        seen,
        json!({ "postId": p1, "change": "HIDDEN", "post": null })
    );
    let seen = next_of(&mut mods, "2").await["data"]["postChanged"].clone();
    assert_eq!(seen["post"]["hidden"], true, "{seen}");

    // And it is gone from the thread for everyone but moderators.
    let q = "query($t: ID!) { thread(id: $t) { postCount posts { edges { node { id } } } } }";
    let anon = app.query_vars(q, json!({ "t": t })).await;
    let ids: Vec<&Value> = ok(&anon)["thread"]["posts"]["edges"]
        .as_array()
        .map(|e| e.iter().map(|e| &e["node"]["id"]).collect())
        .unwrap_or_default();
    assert!(!ids.contains(&&json!(p1)), "{anon}");
    assert_eq!(ok(&anon)["thread"]["postCount"], 2);
    let modv = app.query_as(&moderator, q, json!({ "t": t })).await;
    assert_eq!(
        ok(&modv)["thread"]["posts"]["edges"]
            .as_array()
            .map(Vec::len),
        Some(3)
    );
    // `node(id:)` follows the same rule.
    let q = "query($p: ID!) { node(id: $p) { ... on Post { id hidden } } }";
    let anon = app.query_vars(q, json!({ "p": p1 })).await;
    assert_eq!(ok(&anon)["node"], Value::Null);
    let modv = app.query_as(&moderator, q, json!({ "p": p1 })).await;
    assert_eq!(ok(&modv)["node"], json!({ "id": p1, "hidden": true }));
}

/// Two servers on one database and one Redis: a post written through A reaches a
/// subscriber of B. Only with Redis (CI's real-backend suite).
#[tokio::test]
async fn a_post_on_one_instance_reaches_a_subscriber_of_another() {
    if std::env::var("TEST_REDIS_URL").is_err() {
        return;
    }
    let a = TestApp::spawn().await;
    let b = TestApp::spawn_with(config(&a.database_url)).await;
    let member = a.member("two@example.org").await;
    let t = thread(&a, &member, "Dwie instancje").await;
    let mut s = acked(&b, None).await;
    listen(&mut s, "1", POST_ADDED, json!({ "t": t })).await;
    let id = post(&a, &member, &t, "z A").await;
    assert_eq!(next_of(&mut s, "1").await["data"]["postAdded"]["id"], id);
}

/// A private Redis on a spare port, killed and started again mid-test: the
/// subscription on instance B resumes and no post written after the restart is lost.
#[tokio::test]
async fn subscriptions_resume_after_redis_restarts() {
    if std::env::var("TEST_REDIS_URL").is_err() {
        return;
    }
    let private_redis = PrivateRedis::new();
    let start = || private_redis.start();
    let redis = start();
    let private: Option<coophub::config::Secret> = Some(private_redis.url().into());
    let a = TestApp::spawn_configured(|c| c.redis_url = private.clone()).await;
    let mut cfg_b = config(&a.database_url);
    cfg_b.redis_url = private;
    let b = TestApp::spawn_with(cfg_b).await;
    let member = a.member("restart@example.org").await;
    let t = thread(&a, &member, "Restart").await;
    let mut s = acked(&b, None).await;
    listen(&mut s, "1", POST_ADDED, json!({ "t": t })).await;
    post(&b, &member, &t, "przed").await;
    assert_eq!(
        next_of(&mut s, "1").await["data"]["postAdded"]["bodyHtml"],
        "<p>przed</p>\n"
    );

    let first = post(&b, &member, &t, "do poprawy").await;
    next_of(&mut s, "1").await;
    let mut changes = acked(&b, None).await;
    listen(&mut changes, "2", POST_CHANGED, json!({ "t": t })).await;
    let mut board = acked(&b, None).await;
    listen(
        &mut board,
        "3",
        ACTIVITY,
        json!({ "b": { "general": true } }),
    )
    .await;

    // A third instance, as a process of its own: it will write while Redis is down
    // and stop before it can announce what it wrote. Only catching up finds that.
    let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_coophub"));
    c.arg("serve")
        .env("DATABASE_URL", &a.database_url)
        .env("REDIS_URL", private_redis.url())
        .env("COOPHUB_BIND", "127.0.0.1:0")
        .env("COOPHUB_DATA_DIR", crate::helpers::data_dir())
        .env("COOPHUB_SEED_SAMPLE", "false")
        .env("RUST_LOG", "error")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null());
    let mut c = Private(c.spawn().unwrap_or_else(|e| panic!("{e}")));
    let out = c.0.stdout.take().unwrap_or_else(|| panic!("no stdout"));
    let c_addr = std::io::BufRead::lines(std::io::BufReader::new(out))
        .map_while(Result::ok)
        .find_map(|l| {
            let rest = l.strip_prefix("coophub is ready: GraphiQL at http://")?;
            rest.split('/').next()?.parse::<std::net::SocketAddr>().ok()
        })
        .unwrap_or_else(|| panic!("the third instance did not start"));
    let c_app = TestApp {
        database_url: a.database_url.clone(),
        ..TestApp::at(c_addr)
    };

    // While Redis is down, the third instance edits a post and writes another, then stops.
    drop(redis);
    edit(&c_app, &member, &first, "poprawiony w trakcie").await;
    let mut written = vec![post(&c_app, &member, &t, "w trakcie").await];
    drop(c);
    let redis = start();
    for n in 0..3 {
        written.push(post(&a, &member, &t, &format!("po {n}")).await);
    }
    // Each arrives once, whether through Redis or the catch-up after reconnecting.
    let mut got = Vec::new();
    while got.len() < written.len() {
        let p = next_of(&mut s, "1").await;
        got.push(p["data"]["postAdded"]["id"].clone());
    }
    let mut want: Vec<Value> = written.iter().map(|w| json!(w)).collect();
    got.sort_by_key(Value::to_string);
    want.sort_by_key(Value::to_string);
    assert_eq!(got, want);
    let mut on_board = Vec::new();
    while on_board.len() < written.len() {
        let p = next_of(&mut board, "3").await;
        on_board.push(p["data"]["threadActivity"]["post"]["id"].clone());
    }
    on_board.sort_by_key(Value::to_string);
    assert_eq!(on_board, want);
    assert_eq!(
        next_of(&mut changes, "2").await["data"]["postChanged"],
        json!({ "postId": first, "change": "EDITED", "post": { "bodyHtml": "<p>poprawiony w trakcie</p>\n", "hidden": false } })
    );
    // Nothing twice: the next messages are the next changes.
    edit(&a, &member, &first, "jeszcze raz").await;
    assert_eq!(
        next_of(&mut changes, "2").await["data"]["postChanged"]["post"]["bodyHtml"],
        "<p>jeszcze raz</p>\n"
    );
    let last = post(&a, &member, &t, "ostatni").await;
    assert_eq!(
        next_of(&mut board, "3").await["data"]["threadActivity"]["post"]["id"],
        last
    );
    assert_eq!(next_of(&mut s, "1").await["data"]["postAdded"]["id"], last);
    drop(redis);
}

#[tokio::test]
async fn concurrent_sign_ups_fill_the_places_then_the_waiting_list() {
    let app = TestApp::spawn().await;
    let moderator = app.staff("org@example.org", "--moderator").await;
    let created = app
        .query_as(
            &moderator,
            "mutation($i: CreateEventInput!) { createEvent(input: $i) { event { id startsAtLocal } } }",
            json!({ "i": {
                "kind": "INDUSTRY_MEETING", "title": "Smacznie i z zyskiem 2027", "edition": 2,
                "startsAt": "2027-01-12T09:00:00Z", "endsAt": "2027-01-13T15:00:00Z",
                "placeTeryt": "1212042", "sector": "gastronomy",
                "description": "Spotkanie branży gastronomicznej", "capacity": 3 } }),
        )
        .await;
    let ev = ok(&created)["createEvent"]["event"].clone();
    assert_eq!(ev["startsAtLocal"], "2027-01-12T10:00:00+01:00");
    let id = ev["id"].as_str().unwrap_or_default().to_owned();

    let mut tokens = Vec::new();
    for n in 0..8 {
        tokens.push(app.member(&format!("m{n}@example.org")).await);
    }
    let sign_ups = tokens.iter().map(|t| {
        app.query_as(
            t,
            "mutation($e: ID!) { registerForEvent(input: {event: $e}) { registration { status } } }",
            json!({ "e": id }),
        )
    });
    let results = futures_util::future::join_all(sign_ups).await;
    let statuses: Vec<String> = results
        .iter()
        .map(|r| {
            ok(r)["registerForEvent"]["registration"]["status"]
                .as_str()
                .unwrap_or_default()
                .to_owned()
        })
        .collect();
    assert_eq!(
        statuses.iter().filter(|s| *s == "REGISTERED").count(),
        3,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| *s == "WAITING").count(),
        5,
        "{statuses:?}"
    );

    // Cancelling a place promotes the first on the waiting list.
    let holder = statuses.iter().position(|s| s == "REGISTERED").unwrap_or(0);
    let waiting_first = {
        let mut w: Vec<(String, usize)> = Vec::new();
        for (i, t) in tokens.iter().enumerate() {
            let r = app
                .query_as(
                    t,
                    "query($e: ID!) { event(id: $e) { myRegistration { status registeredAt } } }",
                    json!({ "e": id }),
                )
                .await;
            let mine = &ok(&r)["event"]["myRegistration"];
            if mine["status"] == "WAITING" {
                w.push((
                    mine["registeredAt"].as_str().unwrap_or_default().to_owned(),
                    i,
                ));
            }
        }
        w.sort();
        w[0].1
    };
    let c = app
        .query_as(&tokens[holder], "mutation($e: ID!) { cancelEventRegistration(input: {event: $e}) { registration { status } } }", json!({ "e": id }))
        .await;
    assert_eq!(
        ok(&c)["cancelEventRegistration"]["registration"]["status"],
        "CANCELLED"
    );
    let r = app
        .query_as(&tokens[waiting_first], "query($e: ID!) { event(id: $e) { registeredCount waitingCount myRegistration { status } } }", json!({ "e": id }))
        .await;
    assert_eq!(
        ok(&r)["event"],
        json!({ "registeredCount": 3, "waitingCount": 4, "myRegistration": { "status": "REGISTERED" } })
    );
}

#[tokio::test]
async fn the_historical_events_ship_as_reference_data_and_are_closed() {
    let app = TestApp::spawn().await;
    let past = app
        .data("{ events(upcoming: false, first: 100) { totalCount edges { node { id title year startsAtLocal endsAtLocal isReference place { name } sector { slug } } } } }")
        .await;
    let events = crate::helpers::nodes(&past["events"]);
    assert_eq!(past["events"]["totalCount"], 9);
    assert!(events.iter().all(|e| e["isReference"] == true));
    let vii = events
        .iter()
        .find(|e| e["title"] == "VII Ogólnopolskie Forum Spółdzielczości Socjalnej")
        .unwrap_or_else(|| panic!("no VII forum: {past}"));
    assert_eq!(vii["year"], 2015);
    assert_eq!(vii["startsAtLocal"], "2015-11-04T00:00:00+01:00");
    assert_eq!(vii["place"]["name"], "Warszawa");
    let cedzyna = events
        .iter()
        .find(|e| e["year"] == 2009)
        .unwrap_or_else(|| panic!("no 2009 forum: {past}"));
    assert!(
        cedzyna["startsAtLocal"].is_null(),
        "only the year is documented: {cedzyna}"
    );
    let klucze = events
        .iter()
        .find(|e| e["title"] == "Smacznie i z zyskiem")
        .unwrap_or_else(|| panic!("{past}"));
    assert_eq!(klucze["sector"]["slug"], "gastronomy");

    let member = app.member("late@example.org").await;
    let r = app
        .query_as(
            &member,
            "mutation($e: ID!) { registerForEvent(input: {event: $e}) { registration { status } } }",
            json!({ "e": vii["id"] }),
        )
        .await;
    assert_eq!(crate::helpers::first_error_code(&r), "CONFLICT", "{r}");
}

#[tokio::test]
async fn a_cooperative_shows_its_people_only_with_consent_and_forgets_a_deleted_account() {
    let app = TestApp::spawn().await;
    let admin = app.staff("admin@example.org", "--admin").await;
    let member = app.member("prezes@example.org").await;
    let coop = app
        .data("{ cooperatives(first: 1) { edges { node { id } } } }")
        .await["cooperatives"]["edges"][0]["node"]["id"]
        .clone();
    let profile = "mutation($i: UpdateMyProfileInput!) { updateMyProfile(input: $i) { person { displayName cooperative { id } } } }";

    // Only an editor of the cooperative may name it.
    let r = app
        .query_as(
            &member,
            profile,
            json!({ "i": { "affiliation": { "cooperative": coop } } }),
        )
        .await;
    assert_eq!(
        crate::helpers::first_error_code(&r),
        "BAD_USER_INPUT",
        "{r}"
    );
    let user = app
        .query_as(&member, "{ me { user { id } } }", json!({}))
        .await["data"]["me"]["user"]["id"]
        .clone();
    let g = app
        .query_as(&admin, "mutation($u: ID!, $c: ID!) { grantRole(input: {user: $u, role: EDITOR, cooperative: $c}) { user { displayName } } }", json!({ "u": user, "c": coop }))
        .await;
    ok(&g);
    let r = app
        .query_as(
            &member,
            profile,
            json!({ "i": { "displayName": "Ewa", "affiliation": { "cooperative": coop } } }),
        )
        .await;
    assert_eq!(
        ok(&r)["updateMyProfile"]["person"]["cooperative"]["id"],
        coop
    );

    let people = "query($c: ID!) { node(id: $c) { ... on Cooperative { people { totalCount nodes { displayName } } } } }";
    // Without consent: nobody else sees her; she sees herself.
    let anon = app.query_vars(people, json!({ "c": coop })).await;
    assert_eq!(ok(&anon)["node"]["people"]["totalCount"], 0, "{anon}");
    let own = app.query_as(&member, people, json!({ "c": coop })).await;
    assert_eq!(ok(&own)["node"]["people"]["nodes"][0]["displayName"], "Ewa");
    // With consent: everyone does.
    ok(&app
        .query_as(&member, profile, json!({ "i": { "publicProfile": true } }))
        .await);
    let public = app.query_vars(people, json!({ "c": coop })).await;
    assert_eq!(
        ok(&public)["node"]["people"]["nodes"],
        json!([{ "displayName": "Ewa" }])
    );
    let t = thread(&app, &member, "Przed usunięciem konta").await;

    // Her own data export holds her forum profile and posts.
    let data = app.query_as(&member, "{ myData }", json!({})).await;
    let doc: Value = serde_json::from_str(ok(&data)["myData"].as_str().unwrap_or_default())
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(doc["forum"]["person"]["displayName"], "Ewa", "{doc}");
    assert_eq!(doc["forum"]["person"]["publicProfile"], true, "{doc}");
    assert_eq!(doc["forum"]["posts"][0]["thread"], t, "{doc}");

    // A deleted account leaves an anonymous participant behind.
    let del = app
        .query_as(
            &member,
            "mutation { deleteAccount(input: {password: \"a long enough password\"}) { deleted } }",
            json!({}),
        )
        .await;
    assert_eq!(ok(&del)["deleteAccount"]["deleted"], true);
    let after = app.query_vars(people, json!({ "c": coop })).await;
    assert_eq!(ok(&after)["node"]["people"]["totalCount"], 0, "{after}");
    let th = app
        .query_vars("query($t: ID!) { thread(id: $t) { authorName posts { nodes { authorName author { displayName } } } } }", json!({ "t": t }))
        .await;
    assert_eq!(ok(&th)["thread"]["authorName"], "Anonymous participant");
    assert_eq!(
        ok(&th)["thread"]["posts"]["nodes"],
        json!([{ "authorName": "Anonymous participant", "author": null }])
    );
}

/// A subscriber that stops reading is dropped once its buffer is full (here 4
/// messages, plus what the kernel's socket buffers hold), while another subscriber
/// of the same feed gets every post.
#[tokio::test]
async fn a_subscriber_that_stops_reading_is_dropped_and_nobody_waits() {
    let app = TestApp::spawn_configured(|c| c.ws_buffer = 4).await;
    let member = app.member("slow@example.org").await;
    let t = thread(&app, &member, "Wolny czytelnik").await;
    // The slow client asks for a small receive buffer, so the kernel holds little for it.
    let socket = tokio::net::TcpSocket::new_v4().unwrap_or_else(|e| panic!("{e}"));
    socket
        .set_recv_buffer_size(4096)
        .unwrap_or_else(|e| panic!("{e}"));
    let stream = socket
        .connect(app.addr)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let mut req = format!("ws://{}/graphql/ws", app.addr)
        .into_client_request()
        .unwrap_or_else(|e| panic!("{e}"));
    req.headers_mut().insert(
        "Sec-WebSocket-Protocol",
        HeaderValue::from_static("graphql-transport-ws"),
    );
    let (mut slow, _) = tokio_tungstenite::client_async(req, MaybeTlsStream::Plain(stream))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    send(&mut slow, json!({ "type": "connection_init" })).await;
    assert_eq!(recv(&mut slow).await, json!({ "type": "connection_ack" }));
    listen(&mut slow, "1", POST_ADDED, json!({ "t": t })).await;
    let mut fast = acked(&app, None).await;
    listen(&mut fast, "1", POST_ADDED, json!({ "t": t })).await;

    // Large posts (about 40 KB each on the wire) until the server gives up on it.
    let body = "Spółdzielnia socjalna ".repeat(800);
    let mut written = 0;
    while metric(&app, "coophub_ws_slow_clients_dropped_total").await == 0 {
        assert!(written < 400, "the slow client was never dropped");
        let id = post(&app, &member, &t, &body).await;
        written += 1;
        // The other subscriber is not held up by it.
        assert_eq!(next_of(&mut fast, "1").await["data"]["postAdded"]["id"], id);
    }
    // What the slow client finds when it reads again: a few posts, then the end.
    let mut got = 0;
    let end = loop {
        match tokio::time::timeout(PATIENCE, slow.next()).await {
            Err(_) => panic!("the slow client's connection stayed open"),
            Ok(Some(Ok(Message::Text(_)))) => got += 1,
            Ok(Some(Ok(Message::Close(f)))) => break f.map(|f| u16::from(f.code)),
            Ok(Some(Ok(_))) => {}
            Ok(Some(Err(_)) | None) => break None,
        }
    };
    assert!(
        got < written,
        "{got} of {written} posts reached the slow client"
    );
    assert!(matches!(end, Some(1008) | None), "{end:?}");
}

async fn metric(app: &TestApp, name: &str) -> u64 {
    let text = app.get_text("/metrics").await;
    text.lines()
        .find_map(|l| l.strip_prefix(&format!("{name} ")))
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("no {name} in {text}"))
}

/// Identical anonymous subscriptions run once and each member gets its own id;
/// a signed-in subscriber runs its own; one member leaving stops only its feed.
#[tokio::test]
async fn identical_anonymous_subscriptions_share_one_execution() {
    let app = TestApp::spawn().await;
    let member = app.member("share@example.org").await;
    let t = thread(&app, &member, "Wspólne").await;
    let mut a = acked(&app, None).await;
    let mut b = acked(&app, None).await;
    let mut me = acked(&app, Some(&member)).await;
    listen(&mut a, "x", POST_ADDED, json!({ "t": t })).await;
    listen(&mut a, "y", POST_ADDED, json!({ "t": t })).await;
    listen(&mut b, "z", POST_ADDED, json!({ "t": t })).await;
    listen(&mut me, "own", POST_ADDED, json!({ "t": t })).await;
    assert_eq!(metric(&app, "coophub_shared_subscriptions").await, 1);

    let p = post(&app, &member, &t, "dla wszystkich").await;
    let mut got_a = [recv(&mut a).await, recv(&mut a).await];
    got_a.sort_by_key(|m| m["id"].as_str().unwrap_or_default().to_owned());
    assert_eq!(got_a[0]["id"], "x");
    assert_eq!(got_a[1]["id"], "y");
    assert!(got_a
        .iter()
        .all(|m| m["payload"]["data"]["postAdded"]["id"] == p));
    assert_eq!(next_of(&mut b, "z").await["data"]["postAdded"]["id"], p);
    // Her own profile is not public; she sees her own name, the others do not.
    assert_eq!(
        next_of(&mut me, "own").await["data"]["postAdded"]["authorName"],
        "share"
    );
    assert_eq!(
        got_a[0]["payload"]["data"]["postAdded"]["authorName"],
        "Anonymous participant"
    );

    // x leaves; y and z go on.
    send(&mut a, json!({ "type": "complete", "id": "x" })).await;
    let p2 = post(&app, &member, &t, "dalej").await;
    assert_eq!(next_of(&mut a, "y").await["data"]["postAdded"]["id"], p2);
    assert_eq!(next_of(&mut b, "z").await["data"]["postAdded"]["id"], p2);
    send(&mut a, json!({ "type": "ping" })).await;
    assert_eq!(
        recv(&mut a).await,
        json!({ "type": "pong" }),
        "x still delivered"
    );
}

#[tokio::test]
async fn unread_counts_follow_what_a_member_read() {
    let app = TestApp::spawn().await;
    let a = app.member("pisze@example.org").await;
    let b = app.member("czyta@example.org").await;
    let t = thread(&app, &a, "Nieprzeczytane").await;
    let unread = |token: String| {
        let app = &app;
        let t = t.clone();
        async move {
            let r = app
                .query_as(
                    &token,
                    "query($t: ID!) { thread(id: $t) { unreadCount } }",
                    json!({ "t": t }),
                )
                .await;
            ok(&r)["thread"]["unreadCount"].clone()
        }
    };
    assert!(app
        .query_vars(
            "query($t: ID!) { thread(id: $t) { unreadCount } }",
            json!({ "t": t })
        )
        .await["data"]["thread"]["unreadCount"]
        .is_null());
    assert_eq!(unread(b.clone()).await, 1);
    assert_eq!(unread(a.clone()).await, 0, "one's own posts are read");
    let mark = "mutation($t: ID!) { markThreadRead(input: {thread: $t}) { thread { id } } }";
    ok(&app.query_as(&b, mark, json!({ "t": t })).await);
    ok(&app.query_as(&b, mark, json!({ "t": t })).await);
    assert_eq!(unread(b.clone()).await, 0);
    post(&app, &a, &t, "nowy").await;
    post(&app, &b, &t, "mój").await;
    assert_eq!(unread(b.clone()).await, 1);
}

/// Forum changes are published from what the writes recorded, once the operation is
/// done: of a mutation whose first write commits and whose second fails, only the
/// first is announced, and the next message a feed gets is the next real change.
#[tokio::test]
async fn only_committed_writes_are_announced() {
    let app = TestApp::spawn().await;
    let member = app.member("zapis@example.org").await;
    let t = thread(&app, &member, "Zapis").await;
    let mut feed = acked(&app, None).await;
    listen(&mut feed, "p", POST_ADDED, json!({ "t": t })).await;
    let r = app
        .query_as(
            &member,
            "mutation($t: ID!) {
               a: addPost(input: { thread: $t, body: \"Jest\" }) { post { id } }
               b: addPost(input: { thread: \"VGhyZWFkOjk5OTk5OQ\", body: \"Nie ma\" }) { post { id } } }",
            json!({ "t": t }),
        )
        .await;
    // The second field's error nulls the whole answer (its payload is non-null), but
    // the first post was committed: it is announced; the failed one is not.
    assert!(r["errors"].as_array().is_some_and(|e| e.len() == 1), "{r}");
    assert_eq!(
        next_of(&mut feed, "p").await["data"]["postAdded"]["bodyHtml"],
        "<p>Jest</p>\n"
    );
    let next = post(&app, &member, &t, "Następny").await;
    assert_eq!(
        next_of(&mut feed, "p").await["data"]["postAdded"]["id"],
        json!(next)
    );
}
