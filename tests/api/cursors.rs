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
    both_ways_in(app, &|inner| format!("{{ {inner} }}"), field, node, n).await
}

/// The connection aliased `list` in a query's data, at its root or in `node`.
fn the_list(data: &Value) -> Value {
    data.get("list")
        .or_else(|| data.pointer("/node/list"))
        .cloned()
        .unwrap_or(Value::Null)
}

/// As [`both_ways`], for a list inside the selection `wrap` puts it in (a
/// parent's relation: `node(id: …) { ... on Cooperative { <list> } }`).
async fn both_ways_in(
    app: &TestApp,
    wrap: &dyn Fn(&str) -> String,
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
            "query($a: String) {}",
            wrap(&format!("list: {open}first: {n}, after: $a) {{ totalCount pageInfo {{ hasNextPage hasPreviousPage endCursor }} nodes {{ {node} }} }}"))
        );
        let body = app.query_vars(&q, json!({ "a": after })).await;
        assert!(body.get("errors").is_none(), "{name}: {body}");
        let page = &the_list(&body["data"]);
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
            "query($b: String) {}",
            wrap(&format!("list: {open}last: {n}, before: $b) {{ pageInfo {{ hasNextPage hasPreviousPage startCursor }} nodes {{ {node} }} }}"))
        );
        let body = app.query_vars(&q, json!({ "b": before })).await;
        assert!(body.get("errors").is_none(), "{name}: {body}");
        let page = &the_list(&body["data"]);
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
        ("recommendations", Some(("code", false))),
        ("articles", None),
        ("publications", None),
        // Ranked by relevance: checked whole, not in order of a field.
        ("search(query: \"catering\"", None),
    ];
    let mut paged_lists = 0;
    for (field, sorted) in lists {
        let sort = sorted.map_or("", |(f, _)| f);
        let node = if field.starts_with("search") {
            "... on Cooperative { id } ... on Offering { id } ... on ProcurementExample { id } ... on Institution { id } ... on LocalGovernment { id } ... on Recommendation { id } ... on Article { id }".to_owned()
        } else {
            format!("id {sort}")
        };
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

/// For each of `fields` of the parents a root list selects: the id of the parent
/// whose list is longest, and that length.
async fn longest(app: &TestApp, root: &str, path: &str, fields: &[&str]) -> Vec<(String, u64)> {
    let counts: String = fields
        .iter()
        .enumerate()
        .map(|(i, f)| format!("f{i}: {f}(first: 0) {{ totalCount }}"))
        .collect::<Vec<_>>()
        .join(" ");
    let inner = path
        .split('.')
        .filter(|s| !s.is_empty())
        .rev()
        .fold(format!("id {counts}"), |acc, step| {
            format!("{step}(first: 20) {{ nodes {{ {acc} }} }}")
        });
    let data = app
        .data(&format!("{{ {root} {{ nodes {{ {inner} }} }} }}"))
        .await;
    // Every parent, however deep the path.
    let mut parents: Vec<Value> = items(&data[root.split('(').next().unwrap_or(root)]);
    for step in path.split('.').filter(|s| !s.is_empty()) {
        parents = parents.iter().flat_map(|p| items(&p[step])).collect();
    }
    (0..fields.len())
        .map(|i| {
            parents
                .iter()
                .map(|p| {
                    let n = p[format!("f{i}")]["totalCount"].as_u64().unwrap_or(0);
                    (p["id"].as_str().unwrap_or_default().to_owned(), n)
                })
                .max_by_key(|(_, n)| *n)
                .unwrap_or_default()
        })
        .collect()
}

/// What the sample does not hold: people of a cooperative who take part in events,
/// and a gmina's need with its candidates.
async fn forum_and_needs(app: &TestApp) {
    let ok = |r: Value| {
        assert!(r.get("errors").is_none(), "{r}");
        r
    };
    let moderator = app.staff("moderatorka@example.org", "--moderator").await;
    let admin = app.staff("adminka@example.org", "--admin").await;
    let coop = app
        .data("{ cooperatives(first: 1) { nodes { id } } }")
        .await;
    let coop = items(&coop["cooperatives"])[0]["id"].clone();
    let mut events = Vec::new();
    for day in 1..=3 {
        let r = ok(app
            .query_as(
                &moderator,
                "mutation($i: CreateEventInput!) { createEvent(input: $i) { event { id } } }",
                json!({ "i": { "kind": "INDUSTRY_MEETING", "title": format!("Spotkanie {day}"),
                    "startsAt": format!("2027-05-0{day}T08:00:00Z"), "endsAt": format!("2027-05-0{day}T15:00:00Z"),
                    "description": "Spotkanie branżowe (dane testowe coophub)" } }),
            )
            .await);
        events.push(r["data"]["createEvent"]["event"]["id"].clone());
    }
    for who in ["Ala", "Bartek", "Celina", "Darek", "Ela"] {
        let token = app
            .member(&format!("{}@example.org", who.to_lowercase()))
            .await;
        // A cooperative's people are its editors: each claims it, a moderator approves.
        let claim = ok(app
            .query_as(
                &token,
                "mutation($c: ID!) { claimCooperative(input: {cooperative: $c, note: \"zarząd\"}) { claim { id } } }",
                json!({ "c": coop }),
            )
            .await);
        ok(app
            .query_as(
                &moderator,
                "mutation($c: ID!) { approveClaim(input: {claim: $c, reason: \"potwierdzone\"}) { claim { status } } }",
                json!({ "c": claim["data"]["claimCooperative"]["claim"]["id"] }),
            )
            .await);
        ok(app
            .query_as(
                &token,
                "mutation($i: UpdateMyProfileInput!) { updateMyProfile(input: $i) { person { id } } }",
                json!({ "i": { "displayName": who, "publicProfile": true, "affiliation": { "cooperative": coop } } }),
            )
            .await);
        for e in &events {
            ok(app
                .query_as(
                    &token,
                    "mutation($e: ID!) { registerForEvent(input: {event: $e}) { registration { status } } }",
                    json!({ "e": e }),
                )
                .await);
        }
    }
    let gmina = app
        .data("{ localGovernment(teryt: \"1211011\") { id } }")
        .await;
    let gmina = gmina["localGovernment"]["id"].clone();
    let officer = app.member("urzedniczka@example.org").await;
    let user = app
        .query_as(&officer, "{ me { user { id } } }", json!({}))
        .await;
    ok(app
        .query_as(
            &admin,
            "mutation($u: ID!, $l: ID!) { grantRole(input: {user: $u, role: OFFICER, localGovernment: $l}) { user { id } } }",
            json!({ "u": user["data"]["me"]["user"]["id"], "l": gmina }),
        )
        .await);
    let officer = app
        .login("urzedniczka@example.org", "a long enough password")
        .await;
    ok(app
        .query_as(
            &officer,
            "mutation($i: PostNeedInput!) { postNeed(input: $i) { need { id } } }",
            json!({ "i": { "onBehalfOf": gmina, "title": "Catering", "description": "Obiady (dane testowe coophub).",
                "sector": "catering", "placeTeryt": "1211011", "radiusKm": 300 } }),
        )
        .await);
}

#[tokio::test]
async fn every_relation_pages_by_keys_forwards_and_backwards_to_the_same_whole_list() {
    let app = TestApp::spawn().await;
    forum_and_needs(&app).await;
    // (root list of parents, path from it to the parents, parent type, relations)
    let relations: &[(&str, &str, &str, &[&str])] = &[
        (
            "cooperatives(first: 100)",
            "",
            "Cooperative",
            &[
                "industries",
                "sectors",
                "people",
                "offerings",
                "founders",
                "procurementExamples",
            ],
        ),
        (
            "localGovernments(filter: {teryt: \"12\"}, first: 100)",
            "",
            "LocalGovernment",
            &[
                "children",
                "cooperatives",
                "cofounded",
                "procurementExamples",
                "institutions",
            ],
        ),
        (
            "industries(first: 100)",
            "",
            "Industry",
            &["children", "cooperatives"],
        ),
        (
            "sectors(first: 100)",
            "",
            "Sector",
            &["industries", "cooperatives"],
        ),
        (
            "procurementExamples(first: 100)",
            "",
            "ProcurementExample",
            &["suppliers"],
        ),
        (
            "cooperatives(first: 100)",
            "offerings",
            "Offering",
            &["areaServed"],
        ),
        ("events(first: 100)", "", "Event", &["participants"]),
        ("cooperatives(first: 100)", "people", "Person", &["events"]),
        ("needs(first: 100)", "", "Need", &["candidates"]),
    ];
    let mut paged = 0;
    let mut walked = Vec::new();
    for (root, path, ty, fields) in relations {
        let longest = longest(&app, root, path, fields).await;
        for (field, (parent, len)) in fields.iter().zip(longest) {
            let name = format!("{ty}.{field}");
            assert!(len > 0, "{name}: no parent has any in the sample");
            let wrap = |inner: &str| {
                format!("{{ node(id: \"{parent}\") {{ ... on {ty} {{ {inner} }} }} }}")
            };
            // Items without an id of their own are told apart by what they link.
            let node = match *field {
                "candidates" => "cooperative { id }",
                "suppliers" => "cooperative { id } role",
                "founders" | "cofounded" => "kind name cooperative { id } localGovernment { id }",
                "participants" => "event { id } person { id } registeredAt",
                "events" => "event { id } person { id }",
                _ => "id",
            };
            // Three pages or more of each list longer than one item.
            let n = if len > 60 {
                31
            } else {
                u32::try_from(len / 3).unwrap_or(1).max(1)
            };
            let (total, forward, backward) = both_ways_in(&app, &wrap, field, node, n).await;
            assert_eq!(forward.len() as u64, total, "{name}: forwards");
            assert_eq!(total, len, "{name}: its count");
            assert_eq!(forward, backward, "{name}: backwards");
            let mut seen: Vec<String> = forward.iter().map(Value::to_string).collect();
            seen.sort();
            seen.dedup();
            assert_eq!(seen.len(), forward.len(), "{name}: an item twice");
            if total <= 100 {
                let all = app
                    .data(&wrap(&format!(
                        "list: {field}(first: 100) {{ nodes {{ {node} }} }}"
                    )))
                    .await;
                assert_eq!(items(&the_list(&all)), forward, "{name}: one page");
            }
            // Its cursors hold keys, not offsets: an offset cursor is refused.
            let offset = URL_SAFE_NO_PAD.encode("o:0");
            let body = app
                .query(&wrap(&format!(
                    "list: {field}(first: 1, after: \"{offset}\") {{ totalCount }}"
                )))
                .await;
            assert_eq!(first_error_code(&body), "BAD_USER_INPUT", "{name}: {body}");
            if total > u64::from(n) {
                paged += 1;
            }
            walked.push((name, len));
        }
    }
    // Every relation but a few whose longest list in the sample is one item.
    assert!(
        paged >= 16,
        "only {paged} of {} relations had a second page: {walked:?}",
        walked.len()
    );
}

#[tokio::test]
async fn a_units_cooperatives_read_page_by_page_while_one_is_renamed_show_no_other_twice() {
    let app = TestApp::spawn().await;
    // A gmina (its seats read by equality) and a voivodeship (a range of seats):
    // the sample seats a cooperative or two in a gmina, so nine more move in.
    let data = app
        .data("{ localGovernments(filter: {teryt: \"12\", level: GMINA}, first: 1) { nodes { teryt } } }")
        .await;
    let gmina = items(&data["localGovernments"])[0]["teryt"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let db = Database::connect(&app.database_url)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    db.execute_unprepared(&format!(
        "UPDATE cooperative SET seat_teryt = '{gmina}', \
           seat_id = (SELECT id FROM local_government WHERE teryt = '{gmina}') \
         WHERE id IN (SELECT id FROM cooperative WHERE seat_teryt LIKE '12%' ORDER BY id LIMIT 9)"
    ))
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    for (teryt, n) in [(gmina.as_str(), 2), ("12", 10)] {
        let page = "query($t: String!, $a: String, $n: Int) { localGovernment(teryt: $t) { cooperatives(first: $n, after: $a) { totalCount pageInfo { hasNextPage endCursor } nodes { id name } } } }";
        let read = |after: Value, n: u32| {
            let app = &app;
            async move {
                let r = app
                    .query_vars(page, json!({ "t": teryt, "a": after, "n": n }))
                    .await;
                assert!(r.get("errors").is_none(), "{r}");
                r["data"]["localGovernment"]["cooperatives"].clone()
            }
        };
        let whole = items(&read(Value::Null, 100).await);
        assert!(
            whole.len() > 2 * n as usize,
            "{teryt}: {} cooperatives",
            whole.len()
        );
        let first = read(Value::Null, n).await;
        assert_eq!(items(&first), whole[..n as usize].to_vec(), "{teryt}");
        // The last cooperative of the list moves in front of the first page.
        let moved = whole.last().cloned().unwrap_or_default();
        let id = moved["id"].as_str().unwrap_or_default();
        let raw = database_id(id);
        db.execute_unprepared(&format!(
            "UPDATE cooperative SET name = '!!! {raw}' WHERE id = {raw}"
        ))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
        let mut rest = Vec::new();
        let mut after = first["pageInfo"]["endCursor"].clone();
        loop {
            let page = read(after, n).await;
            rest.extend(items(&page).into_iter().map(|c| c["id"].clone()));
            if page["pageInfo"]["hasNextPage"] != json!(true) {
                break;
            }
            after = page["pageInfo"]["endCursor"].clone();
        }
        // Every other cooperative once, in its place; the renamed one is before the
        // cursor now (an offset would have shown the first page's last one again).
        let expected: Vec<Value> = whole[n as usize..whole.len() - 1]
            .iter()
            .map(|c| c["id"].clone())
            .collect();
        assert_eq!(rest, expected, "{teryt}");
    }
    db.close().await.unwrap_or_else(|e| panic!("{e}"));
}

/// The database id behind a global id (`base64url("<Type>:<id>")`).
fn database_id(global: &str) -> i64 {
    let text = URL_SAFE_NO_PAD
        .decode(global)
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .unwrap_or_default();
    let (_, id) = text.split_once(':').unwrap_or_default();
    id.parse().unwrap_or(-1)
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
    // A ranked list's cursor names an item: one that is not in the list is refused.
    let ranked = "query($t: String!, $a: String) { cooperatives(filter: {text: $t}, first: 1, after: $a) { pageInfo { endCursor } nodes { id } } }";
    let catering = app
        .query_vars(ranked, json!({ "t": "catering", "a": null }))
        .await;
    let cursor = catering["data"]["cooperatives"]["pageInfo"]["endCursor"].clone();
    assert!(cursor.is_string(), "{catering}");
    let body = app
        .query_vars(ranked, json!({ "t": "zzzzzz", "a": cursor }))
        .await;
    assert_eq!(first_error_code(&body), "BAD_USER_INPUT", "{body}");
    assert!(message(&body).contains("no longer in the list"), "{body}");
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
