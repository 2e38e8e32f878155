//! Keyset cursors (issue 17): a cursor holds an item's place in its list's order,
//! so pages follow each other without skipping or repeating items while the list
//! changes, and a cursor is refused by a list it does not belong to.

use crate::helpers::{first_error_code, TestApp};
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use sea_orm::{ConnectionTrait, Database};
use serde_json::{json, Value};

/// The `nodes` of a connection.
fn items(conn: &Value) -> Vec<Value> {
    conn["nodes"].as_array().cloned().unwrap_or_default()
}

/// Every item of a root list, read forwards in pages of `n` (`first`/`after`) and
/// backwards (`last`/`before`), with the list's count. `field` is the list with
/// its own arguments (`cooperatives(orderBy: NAME`), `node` the selection of each item.
async fn both_ways(
    app: &TestApp,
    field: &str,
    node: &str,
    n: u32,
) -> (u64, Vec<Value>, Vec<Value>) {
    let name = field.split('(').next().unwrap_or(field);
    let open = if field.contains('(') {
        format!("{field}, ")
    } else {
        format!("{field}(")
    };
    let mut forward = Vec::new();
    let mut after = Value::Null;
    let mut total;
    loop {
        let q = format!(
            "query($a: String) {{ list: {open}first: {n}, after: $a) {{ totalCount pageInfo {{ hasNextPage hasPreviousPage endCursor }} nodes {{ {node} }} }} }}"
        );
        let body = app.query_vars(&q, json!({ "a": after })).await;
        assert!(body.get("errors").is_none(), "{name}: {body}");
        let page = &body["data"]["list"];
        total = page["totalCount"].as_u64().unwrap_or_default();
        assert_eq!(
            page["pageInfo"]["hasPreviousPage"],
            json!(!after.is_null()),
            "{name}: {page}"
        );
        forward.extend(items(page));
        assert!(
            forward.len() as u64 <= total,
            "{name}: more items than its count"
        );
        if page["pageInfo"]["hasNextPage"] != json!(true) {
            break;
        }
        after = page["pageInfo"]["endCursor"].clone();
    }
    let mut backward: Vec<Value> = Vec::new();
    let mut before = Value::Null;
    loop {
        let q = format!(
            "query($b: String) {{ list: {open}last: {n}, before: $b) {{ pageInfo {{ hasNextPage hasPreviousPage startCursor }} nodes {{ {node} }} }} }}"
        );
        let body = app.query_vars(&q, json!({ "b": before })).await;
        assert!(body.get("errors").is_none(), "{name}: {body}");
        let page = &body["data"]["list"];
        assert_eq!(
            page["pageInfo"]["hasNextPage"],
            json!(!before.is_null()),
            "{name}: {page}"
        );
        let mut items = items(page);
        items.append(&mut backward);
        backward = items;
        if page["pageInfo"]["hasPreviousPage"] != json!(true) {
            break;
        }
        before = page["pageInfo"]["startCursor"].clone();
    }
    (total, forward, backward)
}

/// Whether `a` may come before `b` in a list sorted by `key` in `desc`-ending
/// order with unknown values last.
fn in_order(a: &Value, b: &Value, desc: bool) -> bool {
    match (a, b) {
        (_, Value::Null) => true,
        (Value::Null, _) => false,
        (Value::Number(x), Value::Number(y)) => {
            let (x, y) = (x.as_f64().unwrap_or(0.0), y.as_f64().unwrap_or(0.0));
            if desc {
                x >= y
            } else {
                x <= y
            }
        }
        (Value::String(x), Value::String(y)) => {
            if desc {
                x >= y
            } else {
                x <= y
            }
        }
        _ => false,
    }
}

#[tokio::test]
async fn every_root_list_pages_forwards_and_backwards_to_the_same_whole_list() {
    let app = TestApp::spawn().await;
    // Registries leave dates and head counts unknown; the sample knows them all.
    // Some unknown values make pages cross from known values to unknown ones.
    let db = Database::connect(&app.database_url)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    db.execute_unprepared(
        "UPDATE cooperative SET registration_date = NULL WHERE id % 4 = 0;
         UPDATE cooperative SET employee_count = NULL WHERE id % 3 = 0",
    )
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    db.close().await.unwrap_or_else(|e| panic!("{e}"));
    // (list, sort field of its nodes, descending): sorted lists are checked in order.
    let lists: &[(&str, Option<(&str, bool)>)] = &[
        ("cooperatives", Some(("name", false))),
        (
            "cooperatives(orderBy: REGISTRATION_DATE_DESC",
            Some(("registrationDate", true)),
        ),
        (
            "cooperatives(orderBy: EMPLOYEE_COUNT_DESC",
            Some(("employeeCount", true)),
        ),
        (
            "cooperatives(filter: {status: [ACTIVE]}, orderBy: REGISTRATION_DATE_DESC",
            Some(("registrationDate", true)),
        ),
        ("procurementExamples", Some(("year", true))),
        (
            "procurementExamples(orderBy: YEAR_ASC",
            Some(("year", false)),
        ),
        ("procurementExamples(orderBy: VALUE_DESC", None),
        (
            "localGovernments(filter: {teryt: \"12\"}",
            Some(("teryt", false)),
        ),
        ("industries", None),
        ("sectors", None),
        ("institutions", Some(("name", false))),
        ("events", None),
        ("threads", None),
        ("needs", None),
    ];
    let mut paged_lists = 0;
    for (field, sorted) in lists {
        let sort = sorted.map_or("", |(f, _)| f);
        let node = format!("id {sort}");
        // Long lists in longer pages: the walk stays a few dozen requests.
        let n = if field.starts_with("industries") || field.starts_with("localGovernments") {
            31
        } else {
            7
        };
        let (total, forward, backward) = both_ways(&app, field, &node, n).await;
        assert_eq!(forward.len() as u64, total, "{field}: forwards");
        assert_eq!(forward, backward, "{field}: backwards");
        let mut ids: Vec<String> = forward.iter().map(|n| n["id"].to_string()).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len() as u64, total, "{field}: an item twice");
        if let Some((key, desc)) = sorted {
            if *desc && key != &"year" {
                // Items without the value come last: pages cross from one to the other.
                let unknown = forward.iter().filter(|n| n[*key].is_null()).count();
                assert!(
                    unknown > 0 && unknown < forward.len(),
                    "{field}: {unknown} without {key}"
                );
            }
            for w in forward.windows(2) {
                assert!(
                    in_order(&w[0][key], &w[1][key], *desc),
                    "{field}: {} before {}",
                    w[0],
                    w[1]
                );
            }
        }
        // One page of them all is the same list.
        if total <= 100 {
            let open = if field.contains('(') {
                format!("{field}, ")
            } else {
                format!("{field}(")
            };
            let all = app
                .data(&format!(
                    "{{ list: {open}first: 100) {{ nodes {{ {node} }} }} }}"
                ))
                .await;
            assert_eq!(items(&all["list"]), forward, "{field}: one page");
        }
        if total > n as u64 {
            paged_lists += 1;
        }
    }
    // The sample data makes most of these lists longer than one page.
    assert!(
        paged_lists >= 8,
        "only {paged_lists} lists had a second page"
    );
}

#[tokio::test]
async fn a_thread_read_page_by_page_while_posts_arrive_shows_each_post_once() {
    let app = TestApp::spawn().await;
    let token = app.member("czytelniczka@example.org").await;
    let created = app
        .query_as(
            &token,
            "mutation { createThread(input: {board: {general: true}, title: \"Strony\", body: \"0\"}) { thread { id } } }",
            json!({}),
        )
        .await;
    let thread = created["data"]["createThread"]["thread"]["id"].clone();
    assert!(thread.is_string(), "{created}");
    let add =
        "mutation($t: ID!, $b: String!) { addPost(input: {thread: $t, body: $b}) { post { id } } }";
    let post = |body: String| {
        let (app, token, thread) = (&app, &token, thread.clone());
        async move {
            let r = app
                .query_as(token, add, json!({ "t": thread, "b": body }))
                .await;
            assert!(r.get("errors").is_none(), "{r}");
        }
    };
    for i in 1..=4 {
        post(i.to_string()).await;
    }
    let page = "query($t: ID!, $a: String) { node(id: $t) { ... on Thread { posts(order: NEWEST_FIRST, first: 2, after: $a) { pageInfo { hasNextPage endCursor } nodes { bodyHtml } } } } }";
    let read = |after: Value| {
        let (app, thread) = (&app, thread.clone());
        async move {
            let r = app
                .query_vars(page, json!({ "t": thread, "a": after }))
                .await;
            assert!(r.get("errors").is_none(), "{r}");
            r["data"]["node"]["posts"].clone()
        }
    };
    let text = |conn: &Value| -> Vec<String> {
        items(conn)
            .iter()
            .map(|p| {
                p["bodyHtml"]
                    .as_str()
                    .unwrap_or_default()
                    .trim()
                    .replace("<p>", "")
                    .replace("</p>", "")
            })
            .collect()
    };
    let first = read(Value::Null).await;
    assert_eq!(text(&first), ["4", "3"], "{first}");
    // Two posts arrive at the front while the reader is on the first page.
    post("5".into()).await;
    post("6".into()).await;
    let second = read(first["pageInfo"]["endCursor"].clone()).await;
    assert_eq!(text(&second), ["2", "1"], "{second}");
    let third = read(second["pageInfo"]["endCursor"].clone()).await;
    assert_eq!(text(&third), ["0"], "{third}");
    assert_eq!(third["pageInfo"]["hasNextPage"], false, "{third}");
}

#[tokio::test]
async fn a_thread_that_moves_to_the_front_is_not_shown_twice() {
    let app = TestApp::spawn().await;
    let token = app.member("watkowa@example.org").await;
    let mut ids = Vec::new();
    for title in ["A", "B", "C"] {
        let r = app
            .query_as(
                &token,
                "mutation($t: String!) { createThread(input: {board: {sector: \"catering\"}, title: $t, body: \"start\"}) { thread { id } } }",
                json!({ "t": title }),
            )
            .await;
        ids.push(r["data"]["createThread"]["thread"]["id"].clone());
        assert!(ids.last().is_some_and(Value::is_string), "{r}");
    }
    let list = "query($a: String) { threads(board: {sector: \"catering\"}, first: 1, after: $a) { pageInfo { endCursor } nodes { id title } } }";
    let first = app.query_vars(list, json!({ "a": null })).await;
    let first = &first["data"]["threads"];
    assert_eq!(items(first)[0]["title"], "C", "{first}");
    // A reply to A moves it in front of C.
    let r = app
        .query_as(
            &token,
            "mutation($t: ID!) { addPost(input: {thread: $t, body: \"odpowiedź\"}) { post { id } } }",
            json!({ "t": ids[0] }),
        )
        .await;
    assert!(r.get("errors").is_none(), "{r}");
    let rest = app
        .query_vars(
            &list.replace("first: 1", "first: 10"),
            json!({ "a": first["pageInfo"]["endCursor"] }),
        )
        .await;
    let titles: Vec<Value> = items(&rest["data"]["threads"])
        .iter()
        .map(|t| t["title"].clone())
        .collect();
    // B follows C; C is not shown again (an offset would have shown it).
    assert_eq!(titles.first(), Some(&json!("B")), "{rest}");
    assert!(!titles.contains(&json!("C")), "{rest}");
}

#[tokio::test]
async fn offset_and_foreign_cursors_are_refused_and_change_nothing() {
    let app = TestApp::spawn().await;
    let coop = |after: &str| {
        format!("{{ cooperatives(first: 2, after: \"{after}\") {{ nodes {{ id }} }} }}")
    };
    let message = |body: &Value| {
        body["errors"][0]["message"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    };
    let offset = URL_SAFE_NO_PAD.encode("o:60000");
    let body = app.query(&coop(&offset)).await;
    assert_eq!(first_error_code(&body), "BAD_USER_INPUT", "{body}");
    assert!(message(&body).contains("first page"), "{body}");
    let units = app
        .data("{ localGovernments(first: 1) { pageInfo { endCursor } } }")
        .await;
    let unit_cursor = units["localGovernments"]["pageInfo"]["endCursor"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let body = app.query(&coop(&unit_cursor)).await;
    assert_eq!(first_error_code(&body), "BAD_USER_INPUT", "{body}");
    assert!(message(&body).contains("another list"), "{body}");
    // The same list in another order is another list.
    let by_name = app
        .data("{ cooperatives(first: 1) { pageInfo { endCursor } } }")
        .await;
    let body = app
        .query_vars(
            "query($a: String) { cooperatives(orderBy: EMPLOYEE_COUNT_DESC, first: 1, after: $a) { nodes { id } } }",
            json!({ "a": by_name["cooperatives"]["pageInfo"]["endCursor"] }),
        )
        .await;
    assert_eq!(first_error_code(&body), "BAD_USER_INPUT", "{body}");
    for junk in [
        "41",
        "",
        "k:cooperative.name:[1]",
        &URL_SAFE_NO_PAD.encode("k:cooperative.name:[\"A\"]"),
    ] {
        let body = app.query(&coop(junk)).await;
        assert_eq!(first_error_code(&body), "BAD_USER_INPUT", "{junk}: {body}");
    }
}
