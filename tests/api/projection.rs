//! Reading only what is asked: a list whose nodes ask for one field reads only the
//! columns that field needs. Every field of every projected type, asked alone in
//! such a list, must answer as the same object read whole by `nodes(ids:)`.

use crate::helpers::TestApp;
use serde_json::Value;

/// The base type of an introspected field type: (kind, name).
fn base(t: &Value) -> (String, String) {
    let mut t = t;
    while t["ofType"].is_object() {
        t = &t["ofType"];
    }
    (
        t["kind"].as_str().unwrap_or_default().to_owned(),
        t["name"].as_str().unwrap_or_default().to_owned(),
    )
}

async fn fields(app: &TestApp, ty: &str) -> Vec<Value> {
    let q = format!(
        "{{ __type(name: \"{ty}\") {{ fields {{ name args {{ name type {{ kind }} }}
           type {{ kind name ofType {{ kind name ofType {{ kind name ofType {{ kind name }} }} }} }} }} }} }}"
    );
    app.data(&q).await["__type"]["fields"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

/// A selection of `field` that shows what it answers: itself for a scalar or an enum,
/// an object's scalar fields, a connection's count.
async fn selection(app: &TestApp, field: &Value) -> Option<String> {
    let name = field["name"].as_str()?;
    let required_arg = field["args"]
        .as_array()?
        .iter()
        .any(|a| a["type"]["kind"] == "NON_NULL");
    if required_arg {
        return None;
    }
    let (kind, ty) = base(&field["type"]);
    Some(match kind.as_str() {
        "SCALAR" | "ENUM" => name.to_owned(),
        "OBJECT" if ty.ends_with("Connection") => format!("{name} {{ totalCount }}"),
        "OBJECT" => {
            let inner: Vec<String> = fields(app, &ty)
                .await
                .iter()
                .filter(|f| {
                    let (k, _) = base(&f["type"]);
                    (k == "SCALAR" || k == "ENUM") && f["args"].as_array().is_none_or(Vec::is_empty)
                })
                .filter_map(|f| f["name"].as_str().map(str::to_owned))
                .collect();
            if inner.is_empty() {
                format!("{name} {{ __typename }}")
            } else {
                format!("{name} {{ {} }}", inner.join(" "))
            }
        }
        _ => format!("{name} {{ __typename }}"),
    })
}

/// Asks each field of `ty` alone through `list` (a query whose `edges { node }` are of
/// type `ty`, with `SEL` where the node's selection goes, reached by `path`), and
/// compares every node with the same node read whole. Returns how many fields had a
/// non-null answer somewhere, so a caller can tell the data exercised them.
async fn same_as_whole(app: &TestApp, ty: &str, list: &str, path: &[&str]) -> usize {
    let mut answered = 0;
    let mut asked = 0;
    for field in fields(app, ty).await {
        let Some(sel) = selection(app, &field).await else {
            continue;
        };
        asked += 1;
        let body = app.data(&list.replace("SEL", &format!("id {sel}"))).await;
        let mut conn = &body;
        for p in path {
            conn = match p.parse::<usize>() {
                Ok(i) => &conn[i],
                Err(_) => &conn[*p],
            };
        }
        let listed: Vec<Value> = conn["edges"]
            .as_array()
            .unwrap_or_else(|| panic!("{ty}.{sel}: no edges in {body}"))
            .iter()
            .map(|e| e["node"].clone())
            .collect();
        assert!(!listed.is_empty(), "{ty}: the list is empty: {body}");
        let ids: Vec<Value> = listed.iter().map(|n| n["id"].clone()).collect();
        let whole = app
            .query_vars(
                &format!(
                    "query($ids: [ID!]!) {{ nodes(ids: $ids) {{ ... on {ty} {{ id {sel} }} }} }}"
                ),
                serde_json::json!({ "ids": ids }),
            )
            .await;
        assert_eq!(
            Value::Array(listed.clone()),
            whole["data"]["nodes"],
            "{ty}.{sel}: a projected list answers otherwise than the whole rows"
        );
        let key = field["name"].as_str().unwrap_or_default();
        if listed.iter().any(|n| !n[key].is_null()) {
            answered += 1;
        }
    }
    assert!(asked > 5, "{ty}: only {asked} fields asked");
    answered
}

#[tokio::test]
async fn every_field_of_a_projected_list_answers_as_the_whole_row() {
    let app = TestApp::spawn().await;
    // The voivodeship with the most sample cooperatives; its first page by name.
    let answered = same_as_whole(
        &app,
        "Cooperative",
        "{ localGovernment(teryt: \"12\") { cooperatives(first: 25) { edges { node { SEL } } } } }",
        &["localGovernment", "cooperatives"],
    )
    .await;
    // Optional columns with values (descriptions, contacts, addresses) were compared,
    // not only nulls.
    assert!(
        answered >= 20,
        "only {answered} Cooperative fields had answers"
    );
    // The directory's own pages: plain (paged in SQL) and found by words (ranked).
    same_as_whole(
        &app,
        "Cooperative",
        "{ cooperatives(first: 25, orderBy: REGISTRATION_DATE_DESC) { edges { node { SEL } } } }",
        &["cooperatives"],
    )
    .await;
    same_as_whole(
        &app,
        "Cooperative",
        "{ cooperatives(filter: {text: \"spółdzielnia\"}, first: 10) { edges { node { SEL } } } }",
        &["cooperatives"],
    )
    .await;
    // A powiat that seats a cooperative, and its gminy.
    let powiat = app
        .data("{ cooperatives(first: 1) { edges { node { seat { parent { teryt } } } } } }")
        .await["cooperatives"]["edges"][0]["node"]["seat"]["parent"]["teryt"]
        .as_str()
        .unwrap_or_else(|| panic!("no sample cooperative with a powiat"))
        .to_owned();
    same_as_whole(
        &app,
        "LocalGovernment",
        &format!(
            "{{ localGovernment(teryt: \"{powiat}\") {{ children(first: 30) {{ edges {{ node {{ SEL }} }} }} }} }}"
        ),
        &["localGovernment", "children"],
    )
    .await;
    // The root lists of units and purchases.
    same_as_whole(
        &app,
        "LocalGovernment",
        "{ localGovernments(filter: {level: POWIAT}, first: 30) { edges { node { SEL } } } }",
        &["localGovernments"],
    )
    .await;
    same_as_whole(
        &app,
        "ProcurementExample",
        "{ procurementExamples(first: 20, orderBy: VALUE_DESC) { edges { node { SEL } } } }",
        &["procurementExamples"],
    )
    .await;
    // A buyer with verified purchases.
    let buyer = app
        .data("{ procurementExamples(first: 1) { edges { node { buyer { teryt } } } } }")
        .await["procurementExamples"]["edges"][0]["node"]["buyer"]["teryt"]
        .as_str()
        .unwrap_or_else(|| panic!("no verified procurement example in the sample"))
        .to_owned();
    let answered = same_as_whole(
        &app,
        "ProcurementExample",
        &format!(
            "{{ localGovernment(teryt: \"{buyer}\") {{ procurementExamples(first: 20) {{ edges {{ node {{ SEL }} }} }} }} }}"
        ),
        &["localGovernment", "procurementExamples"],
    )
    .await;
    assert!(
        answered >= 10,
        "only {answered} ProcurementExample fields had answers"
    );
    // A cooperative's offerings and a unit's institutions, first n per parent.
    let answered = same_as_whole(
        &app,
        "Offering",
        "{ cooperatives(first: 10) { edges { node { offerings(first: 3) { edges { node { SEL } } } } } } }",
        &["cooperatives", "edges", "0", "node", "offerings"],
    )
    .await;
    assert!(answered >= 6, "only {answered} Offering fields had answers");
    let unit = app
        .data("{ institutions(first: 1) { edges { node { localGovernment { teryt } } } } }")
        .await["institutions"]["edges"][0]["node"]["localGovernment"]["teryt"]
        .as_str()
        .unwrap_or_else(|| panic!("no sample institution"))
        .to_owned();
    let answered = same_as_whole(
        &app,
        "Institution",
        &format!(
            "{{ localGovernment(teryt: \"{unit}\") {{ institutions(first: 5) {{ edges {{ node {{ SEL }} }} }} }} }}"
        ),
        &["localGovernment", "institutions"],
    )
    .await;
    assert!(
        answered >= 5,
        "only {answered} Institution fields had answers"
    );
}

/// Rows are decoded by their columns' places (`db::project::Decode`), not by
/// sea-orm's decoding by name: for every table, whole rows and rows with only the
/// required columns read (the others NULL, as a projection reads them) decode to
/// exactly what sea-orm's own `FromQueryResult` makes of them, on both databases.
#[tokio::test]
async fn rows_decode_by_place_as_sea_orm_decodes_them_by_name() {
    use coophub::db::project::{self, Cols};
    use sea_orm::{ConnectionTrait, EntityTrait, QuerySelect, QueryTrait};
    let app = TestApp::spawn().await;
    // Rows in the tables the sample leaves empty: an account, its session, its
    // person, a thread with a post, their audit entries.
    let member = app.member("decode@example.org").await;
    let r = app
        .query_as(
            &member,
            "mutation($i: CreateThreadInput!) { createThread(input: $i) { thread { id } } }",
            serde_json::json!({ "i": { "board": { "general": true }, "title": "Dekodowanie", "body": "Treść" } }),
        )
        .await;
    assert!(r.get("errors").is_none(), "{r}");
    let (db, _) = coophub::db::connect(&app.database_url, 1)
        .await
        .unwrap_or_else(|e| panic!("connect: {e}"));
    let mut rows_seen = 0;
    macro_rules! alike {
        ($($m:ident),* $(,)?) => {$({
            use entity::$m::Entity;
            let by_name = Entity::find().limit(500).all(&db).await
                .unwrap_or_else(|e| panic!("{}: {e}", stringify!($m)));
            let by_place = project::all(&db, Entity::find().limit(500), Cols::ALL).await
                .unwrap_or_else(|e| panic!("{}: {e}", stringify!($m)));
            assert_eq!(by_place, by_name, "{}: whole rows", stringify!($m));
            let cols = Cols::<Entity>::required();
            let by_name = cols.find().limit(500).all(&db).await
                .unwrap_or_else(|e| panic!("{}: {e}", stringify!($m)));
            let by_place = project::all(&db, cols.find().limit(500), cols).await
                .unwrap_or_else(|e| panic!("{}: {e}", stringify!($m)));
            assert_eq!(by_place, by_name, "{}: required columns only", stringify!($m));
            // The same rows decoded as whole rows (their NULLs read by place).
            let by_place = project::all(&db, cols.find().limit(500), Cols::ALL).await
                .unwrap_or_else(|e| panic!("{}: {e}", stringify!($m)));
            assert_eq!(by_place, by_name, "{}: required columns, read whole", stringify!($m));
            // Every row by place, none by sea-orm's fallback (its answer is the same,
            // only slower: this is what keeps the fast decoding in use).
            for cols in [cols, Cols::ALL] {
                let stmt = cols.find().limit(500).build(db.get_database_backend());
                let decoder = <Entity as project::Decode>::decoder(cols);
                for row in db.query_all_raw(stmt).await.unwrap_or_else(|e| panic!("{e}")) {
                    assert!(decoder.by_place(&row, 0).is_some(), "{}: a row fell back", stringify!($m));
                }
            }
            rows_seen += by_name.len();
        })*};
    }
    alike!(
        api_key,
        audit_entry,
        claim,
        cooperative,
        cooperative_founder,
        cooperative_industry,
        event,
        industry,
        institution,
        local_government,
        need,
        offering,
        offering_area,
        outbox,
        participation,
        password_reset,
        person,
        post,
        procurement_example,
        procurement_supplier,
        programme_session,
        sector,
        sector_industry,
        session,
        session_speaker,
        thread,
        thread_read,
        user_account,
        user_role,
    );
    assert!(rows_seen > 2000, "too few rows to compare: {rows_seen}");
}
