//! HTTP caching (Cache-Control from hints and viewer, ETag, 304) and persisted
//! queries (Apollo's APQ protocol, shared between instances through Redis, and
//! the allow-list mode).

use crate::helpers::{config, PrivateRedis, TestApp};
use coophub::auth::sha256_hex;
use reqwest::header::{CACHE_CONTROL, ETAG, VARY};
use serde_json::{json, Value};

const THREADS: &str = "{ threads(first: 5) { totalCount nodes { title } } }";
const SECTORS: &str = "{ sectors(first: 20) { nodes { slug } } }";

async fn get(
    app: &TestApp,
    params: &[(&str, String)],
    headers: &[(&str, &str)],
) -> reqwest::Response {
    let mut req = app.client.get(app.url("/graphql")).query(params);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    req.send().await.unwrap_or_else(|e| panic!("{e}"))
}

fn header(r: &reqwest::Response, name: reqwest::header::HeaderName) -> String {
    r.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
async fn anonymous_reads_are_public_with_an_etag_and_revalidate_to_304() {
    let app = TestApp::spawn().await;
    let q = vec![("query", THREADS.to_owned())];
    let first = get(&app, &q, &[]).await;
    assert_eq!(first.status(), 200);
    // Threads are hinted at 10 s: the shortest hint of the fields read wins.
    assert_eq!(header(&first, CACHE_CONTROL), "public, max-age=10");
    assert_eq!(header(&first, VARY), "Accept, Authorization");
    let etag = header(&first, ETAG);
    assert!(etag.starts_with("W/\"") && etag.len() > 10, "{etag}");
    // Reference data has no shorter hint: the configured cap (60 s).
    let sectors = get(&app, &[("query", SECTORS.to_owned())], &[]).await;
    assert_eq!(header(&sectors, CACHE_CONTROL), "public, max-age=60");

    let again = get(&app, &q, &[("if-none-match", &etag)]).await;
    assert_eq!(again.status(), 304);
    assert_eq!(header(&again, ETAG), etag);
    assert_eq!(again.text().await.unwrap_or_default(), "");

    // The same read over POST: public too, but no cache keeps POST answers, and
    // `If-None-Match` makes a 304 only of a GET.
    let posted = app
        .client
        .post(app.url("/graphql"))
        .header("if-none-match", &etag)
        .json(&json!({ "query": THREADS }))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(posted.status(), 200);
    assert_eq!(header(&posted, CACHE_CONTROL), "public, max-age=10");
    assert_eq!(header(&posted, ETAG), "");
    let posted: Value = posted.json().await.unwrap_or_default();
    assert_eq!(posted["data"]["threads"]["totalCount"], 0, "{posted}");

    // Once the data changes, the old tag no longer matches.
    let member = app.member("etag@example.org").await;
    let r = app
        .query_as(
            &member,
            "mutation($i: CreateThreadInput!) { createThread(input: $i) { thread { id } } }",
            json!({ "i": { "board": { "general": true }, "title": "Nowy", "body": "Treść" } }),
        )
        .await;
    assert!(r.get("errors").is_none(), "{r}");
    let changed = get(&app, &q, &[("if-none-match", &etag)]).await;
    assert_eq!(changed.status(), 200);
    assert_ne!(header(&changed, ETAG), etag);
    let body: Value = changed.json().await.unwrap_or_default();
    assert_eq!(body["data"]["threads"]["totalCount"], 1, "{body}");

    // Signed in: private and never stored; a write or an error: never stored.
    let auth = format!("Bearer {member}");
    let mine = get(&app, &q, &[("authorization", &auth)]).await;
    assert_eq!(header(&mine, CACHE_CONTROL), "private, no-store");
    assert_eq!(header(&mine, ETAG), "");
    let mine = get(
        &app,
        &q,
        &[("authorization", &auth), ("if-none-match", "*")],
    )
    .await;
    assert_eq!(mine.status(), 200);
    let write = app
        .client
        .post(app.url("/graphql"))
        .bearer_auth(&member)
        .json(&json!({ "query": "mutation { markThreadRead(input: {thread: \"VGhyZWFkOjE\"}) { thread { id } } }" }))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(header(&write, CACHE_CONTROL), "no-store");
    let bad = get(&app, &[("query", "{ nothing }".to_owned())], &[]).await;
    assert_eq!(header(&bad, CACHE_CONTROL), "no-store");
}

fn persisted(hash: &str) -> String {
    json!({ "persistedQuery": { "version": 1, "sha256Hash": hash } }).to_string()
}

#[tokio::test]
async fn persisted_queries_follow_the_apq_handshake_on_every_instance() {
    let a = TestApp::spawn().await;
    let hash = sha256_hex(SECTORS);
    let by_hash = vec![("extensions", persisted(&hash))];

    // Unknown hash: the client is asked for the document.
    let r: Value = get(&a, &by_hash, &[])
        .await
        .json()
        .await
        .unwrap_or_default();
    assert_eq!(r["errors"][0]["message"], "PersistedQueryNotFound", "{r}");
    assert_eq!(
        r["errors"][0]["extensions"]["code"],
        "PERSISTED_QUERY_NOT_FOUND"
    );
    assert!(r.get("data").is_none(), "{r}");

    // A document that does not hash to the hash is refused and not kept.
    let wrong = a
        .client
        .post(a.url("/graphql"))
        .json(&json!({ "query": "{ __typename }", "extensions": { "persistedQuery": { "version": 1, "sha256Hash": hash } } }))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let wrong: Value = wrong.json().await.unwrap_or_default();
    assert_eq!(
        wrong["errors"][0]["message"], "provided sha does not match query",
        "{wrong}"
    );
    let r: Value = get(&a, &by_hash, &[])
        .await
        .json()
        .await
        .unwrap_or_default();
    assert_eq!(
        r["errors"][0]["extensions"]["code"],
        "PERSISTED_QUERY_NOT_FOUND"
    );

    // Registered with the document, then served by hash over GET, cacheable.
    let reg = a
        .client
        .post(a.url("/graphql"))
        .json(&json!({ "query": SECTORS, "extensions": { "persistedQuery": { "version": 1, "sha256Hash": hash } } }))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let reg: Value = reg.json().await.unwrap_or_default();
    let slugs = reg["data"]["sectors"]["nodes"].clone();
    assert!(slugs.as_array().is_some_and(|s| !s.is_empty()), "{reg}");
    let hit = get(&a, &by_hash, &[]).await;
    assert_eq!(header(&hit, CACHE_CONTROL), "public, max-age=60");
    assert!(!header(&hit, ETAG).is_empty());
    let hit: Value = hit.json().await.unwrap_or_default();
    assert_eq!(hit["data"]["sectors"]["nodes"], slugs);

    // With Redis, another instance knows the document at once.
    if std::env::var("TEST_REDIS_URL").is_ok() {
        let b = TestApp::spawn_with(config(&a.database_url)).await;
        let hit: Value = get(&b, &by_hash, &[])
            .await
            .json()
            .await
            .unwrap_or_default();
        assert_eq!(hit["data"]["sectors"]["nodes"], slugs, "{hit}");
    }
}

#[tokio::test]
async fn allow_list_mode_runs_only_registered_documents() {
    let dir = std::env::temp_dir().join(format!("coophub-pq-{}", fastrand_suffix()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    let manifest = dir.join("persisted.json");
    let hash = sha256_hex(SECTORS);
    std::fs::write(&manifest, json!({ hash.clone(): SECTORS }).to_string())
        .unwrap_or_else(|e| panic!("{e}"));
    let app = TestApp::spawn_configured(|c| {
        c.persisted_queries = Some(manifest.clone());
        c.persisted_queries_only = true;
    })
    .await;
    let by_hash: Value = get(&app, &[("extensions", persisted(&hash))], &[])
        .await
        .json()
        .await
        .unwrap_or_default();
    assert!(by_hash["data"]["sectors"]["nodes"].is_array(), "{by_hash}");
    let full: Value = get(&app, &[("query", SECTORS.to_owned())], &[])
        .await
        .json()
        .await
        .unwrap_or_default();
    assert_eq!(full["data"], by_hash["data"]);
    for other in [
        vec![("query", "{ __typename }".to_owned())],
        vec![("extensions", persisted(&sha256_hex("{ __typename }")))],
    ] {
        let r: Value = get(&app, &other, &[])
            .await
            .json()
            .await
            .unwrap_or_default();
        assert_eq!(
            r["errors"][0]["extensions"]["code"], "PERSISTED_QUERY_NOT_ALLOWED",
            "{r}"
        );
        assert!(r.get("data").is_none(), "{r}");
    }
    // Nor can a client register one of its own.
    let reg: Value = app
        .client
        .post(app.url("/graphql"))
        .json(&json!({ "query": "{ __typename }", "extensions": { "persistedQuery": { "version": 1, "sha256Hash": sha256_hex("{ __typename }") } } }))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .json()
        .await
        .unwrap_or_default();
    assert_eq!(
        reg["errors"][0]["extensions"]["code"], "PERSISTED_QUERY_NOT_ALLOWED",
        "{reg}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

fn fastrand_suffix() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0)
}

async fn metric(app: &TestApp, name: &str) -> u64 {
    let text = get_text(app, "/metrics").await;
    text.lines()
        .find_map(|l| l.strip_prefix(&format!("{name} ")))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or_else(|| panic!("no {name} in /metrics"))
}

async fn get_text(app: &TestApp, path: &str) -> String {
    app.client
        .get(app.url(path))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .text()
        .await
        .unwrap_or_default()
}

/// The answer to `query` (anonymous, POST) and the SQL statements it cost.
async fn read(app: &TestApp, query: &str) -> (Value, u64) {
    let before = app.statements().await;
    let body = app.query(query).await;
    assert!(body.get("errors").is_none(), "{body}");
    (body, app.statements().await - before)
}

const DIRECTORY_AND_FORUM: &str =
    "{ threads(first: 5) { totalCount } cooperatives(first: 3) { nodes { name seat { name } } } }";

#[tokio::test]
async fn public_reads_come_from_the_cache_until_a_write_touches_what_they_read() {
    let app = TestApp::spawn().await;
    let (first, cost) = read(&app, DIRECTORY_AND_FORUM).await;
    assert!(cost > 0);
    let hits = metric(&app, "coophub_response_cache_hits_total").await;
    let (again, cost) = read(&app, DIRECTORY_AND_FORUM).await;
    assert_eq!(cost, 0, "a cached answer sends no SQL");
    assert_eq!(
        metric(&app, "coophub_response_cache_hits_total").await,
        hits + 1
    );
    assert_eq!(again["data"], first["data"]);
    // Same fields in the same order as executed, and the viewer's own cost report.
    assert_eq!(again["data"].to_string(), first["data"].to_string());
    assert!(
        again["extensions"]["cost"]["requestedQueryCost"].is_number(),
        "{again}"
    );
    // Insignificant white space and commas do not make another entry.
    let spaced = DIRECTORY_AND_FORUM.replace(' ', "  ,\n ");
    assert_eq!(read(&app, &spaced).await.1, 0);

    // An entry serves for the minute it was made in: the minute is taken before
    // the entry is made, so a turn anywhere from here to the check is seen.
    let minute = || {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() / 60)
    };
    let before = minute();
    let (_, cost) = read(&app, SECTORS).await;
    assert!(cost > 0);
    // A forum write: what reads the forum executes again and sees it; reference
    // data stays cached.
    let member = app.member("cache@example.org").await;
    let post = |title: &'static str| {
        let (app, member) = (&app, member.clone());
        async move {
            let r = app
                .query_as(
                    &member,
                    "mutation($i: CreateThreadInput!) { createThread(input: $i) { thread { id } } }",
                    json!({ "i": { "board": { "general": true }, "title": title, "body": "Treść" } }),
                )
                .await;
            assert!(r.get("errors").is_none(), "{r}");
        }
    };
    // When the clock turns a minute between the reads, the check is made again
    // (with another post).
    post("Świeży").await;
    let (fresh, cost) = read(&app, DIRECTORY_AND_FORUM).await;
    assert!(cost > 0, "read again after the write");
    assert_eq!(fresh["data"]["threads"]["totalCount"], 1, "{fresh}");
    let mut sectors_cost = read(&app, SECTORS).await.1;
    if minute() != before {
        let before = minute();
        read(&app, SECTORS).await;
        post("Jeszcze świeższy").await;
        sectors_cost = read(&app, SECTORS).await.1;
        assert_eq!(minute(), before, "two minutes turned during one check");
    }
    assert_eq!(sectors_cost, 0, "reference data is untouched by a post");

    // Someone signed in never gets (nor fills) a shared answer.
    for _ in 0..2 {
        let before = app.statements().await;
        let r = app.query_as(&member, DIRECTORY_AND_FORUM, json!({})).await;
        assert!(r.get("errors").is_none(), "{r}");
        assert!(app.statements().await > before, "a signed-in read executes");
    }
}

/// What a write invalidates is what its statements changed, by the policy table's
/// domain of each table (`policy::table::TABLES`): a directory write leaves forum answers cached, a sign-in nothing at all, and a
/// forum write hidden in a fragment still reaches the forum's answers.
#[tokio::test]
async fn a_write_invalidates_only_the_domains_the_policy_table_gives_it() {
    const FORUM: &str = "{ threads(first: 5) { totalCount } }";
    let app = TestApp::spawn().await;
    let (list, _) = read(&app, "{ cooperatives(first: 1) { nodes { id } } }").await;
    let id = list["data"]["cooperatives"]["nodes"][0]["id"].clone();
    let directory = format!("{{ cooperative(id: {id}) {{ id name version }} }}");
    let directory = directory.as_str();
    let moderator = app.staff("policy-mod@example.org", "--moderator").await;
    let member = app.member("policy-member@example.org").await;
    let minute = || {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() / 60)
    };
    // Entries serve for the minute they were made in: when the clock turns during
    // a round, the round is made again.
    for round in 0..3 {
        let start = minute();
        read(&app, FORUM).await;
        let (before, _) = read(&app, directory).await;
        let coop = before["data"]["cooperative"].clone();

        let name = format!("Spółdzielnia Socjalna „Runda {round}”");
        let r = app
            .query_as(
                &moderator,
                "mutation($i: UpdateCooperativeInput!) { updateCooperative(input: $i) { cooperative { name } } }",
                json!({ "i": { "id": coop["id"], "version": coop["version"], "name": name } }),
            )
            .await;
        assert!(r.get("errors").is_none(), "{r}");
        let forum_after_directory_write = read(&app, FORUM).await.1;
        let (fresh, directory_after_write) = read(&app, directory).await;

        app.login("policy-member@example.org", "a long enough password")
            .await;
        let after_login = read(&app, FORUM).await.1 + read(&app, directory).await.1;

        let r = app
            .query_as(
                &member,
                "mutation($i: CreateThreadInput!) { ...W } fragment W on MutationRoot { createThread(input: $i) { thread { id } } }",
                json!({ "i": { "board": { "general": true }, "title": format!("Runda {round}"), "body": "Treść" } }),
            )
            .await;
        assert!(r.get("errors").is_none(), "{r}");
        let (threads, forum_after_forum_write) = read(&app, FORUM).await;
        let directory_after_forum_write = read(&app, directory).await.1;
        if minute() != start {
            continue;
        }
        assert_eq!(fresh["data"]["cooperative"]["name"], name.as_str());
        assert!(
            directory_after_write > 0,
            "a directory write: directory reads run again"
        );
        assert_eq!(
            forum_after_directory_write, 0,
            "a directory write leaves the forum cached"
        );
        assert_eq!(
            after_login, 0,
            "signing in writes nothing a cached answer shows"
        );
        assert!(
            forum_after_forum_write > 0,
            "a forum write in a fragment: forum reads run again"
        );
        assert_eq!(
            threads["data"]["threads"]["totalCount"],
            round + 1,
            "{threads}"
        );
        assert_eq!(
            directory_after_forum_write, 0,
            "a forum write leaves the directory cached"
        );
        return;
    }
    panic!("the clock turned a minute in every round");
}

/// Two instances sharing PostgreSQL and Redis: an edit through A is read through B
/// at once, though B had the old answer cached.
#[tokio::test]
async fn an_edit_on_one_instance_is_read_through_another_at_once() {
    if std::env::var("TEST_REDIS_URL").is_err() {
        return;
    }
    let a = TestApp::spawn().await;
    let b = TestApp::spawn_with(config(&a.database_url)).await;
    let (list, _) = read(&b, "{ cooperatives(first: 1) { nodes { id } } }").await;
    let id = list["data"]["cooperatives"]["nodes"][0]["id"].clone();
    let q = &format!("{{ cooperative(id: {id}) {{ id name version }} }}");
    let (old, _) = read(&b, q).await;
    assert_eq!(read(&b, q).await.1, 0, "B answers from the cache");
    let coop = old["data"]["cooperative"].clone();
    let moderator = a.staff("mod@example.org", "--moderator").await;
    let r = a
        .query_as(
            &moderator,
            "mutation($i: UpdateCooperativeInput!) { updateCooperative(input: $i) { cooperative { name } } }",
            json!({ "i": { "id": coop["id"], "version": coop["version"], "name": "Spółdzielnia Socjalna „Po zmianie”" } }),
        )
        .await;
    assert!(r.get("errors").is_none(), "{r}");
    let (new, _) = read(&b, q).await;
    assert_eq!(
        new["data"]["cooperative"]["name"],
        "Spółdzielnia Socjalna „Po zmianie”"
    );
}

/// Redis stops: reads still succeed from the database (the failures are counted),
/// a write made meanwhile is not served stale afterwards, and caching resumes by
/// itself once Redis is back.
#[tokio::test]
async fn without_redis_reads_come_from_the_database_and_caching_resumes() {
    if std::env::var("TEST_REDIS_URL").is_err() {
        return;
    }
    let private = PrivateRedis::new();
    let redis = private.start();
    let url: coophub::config::Secret = private.url().into();
    let app = TestApp::spawn_configured(|c| c.redis_url = Some(url)).await;
    let (list, _) = read(&app, "{ cooperatives(first: 1) { nodes { id } } }").await;
    let id = list["data"]["cooperatives"]["nodes"][0]["id"].clone();
    let q = &format!("{{ cooperative(id: {id}) {{ id name version }} }}");
    let (old, _) = read(&app, q).await;
    assert_eq!(read(&app, q).await.1, 0, "cached");

    drop(redis);
    let failures = metric(&app, "coophub_response_cache_failures_total").await;
    let (during, cost) = read(&app, q).await;
    assert!(cost > 0, "answered from the database");
    assert_eq!(during["data"], old["data"]);
    assert!(metric(&app, "coophub_response_cache_failures_total").await > failures);
    // A write while Redis is down.
    let coop = old["data"]["cooperative"].clone();
    let moderator = app.staff("mod@example.org", "--moderator").await;
    let r = app
        .query_as(
            &moderator,
            "mutation($i: UpdateCooperativeInput!) { updateCooperative(input: $i) { cooperative { name } } }",
            json!({ "i": { "id": coop["id"], "version": coop["version"], "name": "Zmieniona bez Redisa" } }),
        )
        .await;
    assert!(r.get("errors").is_none(), "{r}");

    let _redis = private.start();
    // Back: the new name (never the cached old one), then from the cache again once
    // the server tries Redis again (it skips Redis for 2 s after a failure, see
    // `redis_link`): a bound on the wait, not a pause.
    let mut name = Value::Null;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while std::time::Instant::now() < deadline {
        let (now, cost) = read(&app, q).await;
        name = now["data"]["cooperative"]["name"].clone();
        assert_eq!(name, "Zmieniona bez Redisa");
        if cost == 0 {
            return;
        }
    }
    panic!("caching did not resume (last answer {name})");
}

#[tokio::test]
async fn a_document_seen_before_is_still_checked_against_its_variables() {
    let mut cfg = config(&crate::helpers::fresh_database_url().await);
    cfg.max_cost = 400;
    cfg.seed_sample = Some(true);
    let app = TestApp::spawn_with(cfg).await;
    // Parsed and validated once, then kept: its cost still depends on the variables.
    let q = "query($n: Int) { cooperatives(first: $n) { nodes { name offerings(first: 10) { nodes { name } } } } }";
    for n in [3, 30, 3, 30] {
        let r = app.query_vars(q, json!({ "n": n })).await;
        let cost = &r["extensions"]["cost"]["requestedQueryCost"];
        if n == 3 {
            assert!(r.get("errors").is_none(), "{r}");
            assert_eq!(
                r["data"]["cooperatives"]["nodes"].as_array().map(Vec::len),
                Some(3)
            );
            assert!(cost.as_u64().is_some_and(|c| c <= 400), "{r}");
        } else {
            assert_eq!(r["errors"][0]["extensions"]["limit"], "cost", "{r}");
            assert!(r.get("data").is_none(), "{r}");
        }
    }
    // An invalid document is refused every time, not only the first.
    for _ in 0..2 {
        let r = app
            .query("{ cooperatives { nodes { noSuchField } } }")
            .await;
        assert!(
            r["errors"][0]["message"]
                .as_str()
                .is_some_and(|m| m.contains("noSuchField")),
            "{r}"
        );
    }
}
