//! Requests about cooperatives (issue 18): a member proposes a new cooperative,
//! private until a moderator approves it; possible duplicates are flagged; an
//! editor's change to the court register's facts waits for a moderator.

use crate::helpers::{first_error_code, nodes, TestApp};
use serde_json::{json, Value};

const PROPOSE: &str = "mutation($i: ProposeCooperativeInput!) { proposeCooperative(input: $i) { request { id kind status fields { field value current } duplicates { name } } } }";
const CREATE: &str = "mutation($i: NewCooperativeInput!) { createCooperative(input: $i) { cooperative { id name krs version status } } }";
const APPROVE: &str = "mutation($r: ID!, $why: String!) { approveCooperativeRequest(input: {request: $r, reason: $why}) { request { status reason cooperative { id name krs status version } } } }";
const REJECT: &str = "mutation($r: ID!, $why: String!) { rejectCooperativeRequest(input: {request: $r, reason: $why}) { request { status reason } } }";
const QUEUE: &str = "{ cooperativeRequests { totalCount edges { node { id kind note requester { displayName } fields { field value current } duplicates { name } } } } }";
const MINE: &str = "{ myCooperativeRequests { totalCount edges { node { kind status reason fields { field value } } } } }";
const UPDATE: &str = "mutation($i: UpdateCooperativeInput!) { updateCooperative(input: $i) { cooperative { name status phone krs version } changeRequest { id kind status fields { field value current } } } }";
const REAL: &str =
    "{ cooperatives(filter: {isSample: false}) { totalCount edges { node { name } } } }";

/// A cooperative of the test, seated in Bochnia (TERYT 1211011); its numbers are
/// made up for the test (a valid check digit, no real cooperative).
fn cooperative(name: &str, krs: &str) -> Value {
    json!({ "name": name, "krs": krs, "founderKind": "LEGAL_PERSONS", "seatTeryt": "1211011",
            "registrationDate": "2021-03-15", "pkdCodes": ["56.29.Z", "81.21.Z"], "city": "Bochnia",
            "publicEmail": "biuro@przyklad.example.org" })
}

/// `request` approved by `moderator` ("KRS extract"): the cooperative it created.
async fn approved(app: &TestApp, moderator: &str, request: &Value) -> Value {
    let a = app
        .query_as(
            moderator,
            APPROVE,
            json!({ "r": request, "why": "KRS extract" }),
        )
        .await;
    data(&a, "approveCooperativeRequest")["request"]["cooperative"].clone()
}

fn data(body: &Value, field: &str) -> Value {
    body["data"][field].clone()
}

/// A cooperative's registry facts as anyone reads them.
async fn held(app: &TestApp, coop: &Value) -> Value {
    let q = "query($id: ID!) { node(id: $id) { ... on Cooperative { status name krs version } } }";
    app.query_vars(q, json!({ "id": coop["id"] })).await["data"]["node"].clone()
}

/// How many requests the signed-in user has filed (`myCooperativeRequests`).
async fn filed_by(app: &TestApp, token: &str) -> i64 {
    data(
        &app.query_as(token, MINE, json!({})).await,
        "myCooperativeRequests",
    )["totalCount"]
        .as_i64()
        .unwrap_or(-1)
}

async fn real_names(app: &TestApp) -> Vec<String> {
    nodes(&app.data(REAL).await["cooperatives"])
        .iter()
        .map(|n| n["name"].as_str().unwrap_or_default().to_owned())
        .collect()
}

#[tokio::test]
async fn a_member_proposes_a_cooperative_that_stays_private_until_a_moderator_approves_it() {
    let app = TestApp::spawn().await;
    let moderator = app.staff("moderator@example.org", "--moderator").await;
    let member = app.member("doradczyni@example.org").await;
    let other = app.member("ktos.inny@example.org").await;
    let name = "Spółdzielnia Socjalna Nad Rabą (dane testowe)";
    // Read once, so that a stale cached answer would show after the approval.
    assert!(real_names(&app).await.is_empty());

    let proposed = app
        .query_as(&member, PROPOSE, json!({ "i": { "cooperative": cooperative(name, "0001990101"), "note": "from the KRS extract of 2026-11-30" } }))
        .await;
    let request = data(&proposed, "proposeCooperative")["request"].clone();
    assert_eq!(request["status"], "PENDING", "{proposed}");
    assert_eq!(request["kind"], "NEW");
    assert!(
        request["fields"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|f| f["field"] == "krs" && f["value"] == "0001990101"),
        "{request}"
    );

    // Private: no list, search or count shows it, and only its proposer and moderators see the request.
    assert!(real_names(&app).await.is_empty());
    let found = app
        .data("{ search(query: \"Nad Rabą\") { totalCount } }")
        .await;
    assert_eq!(found["search"]["totalCount"], 0, "{found}");
    assert_eq!(filed_by(&app, &member).await, 1);
    assert_eq!(
        data(
            &app.query_as(&other, MINE, json!({})).await,
            "myCooperativeRequests"
        )["totalCount"],
        0
    );
    assert_eq!(
        first_error_code(&app.query_as(&other, QUEUE, json!({})).await),
        "FORBIDDEN"
    );
    assert_eq!(first_error_code(&app.query(QUEUE).await), "UNAUTHENTICATED");
    let queue = app.query_as(&moderator, QUEUE, json!({})).await;
    let items = nodes(&data(&queue, "cooperativeRequests"));
    assert_eq!(items.len(), 1, "{queue}");
    assert_eq!(items[0]["note"], "from the KRS extract of 2026-11-30");
    assert_eq!(items[0]["duplicates"], json!([]), "{queue}");

    // A member cannot approve; a moderator can, with a reason.
    let denied = app
        .query_as(&member, APPROVE, json!({ "r": request["id"], "why": "me" }))
        .await;
    assert_eq!(first_error_code(&denied), "FORBIDDEN");
    let approved = app
        .query_as(
            &moderator,
            APPROVE,
            json!({ "r": request["id"], "why": "checked in the register" }),
        )
        .await;
    let decided = data(&approved, "approveCooperativeRequest")["request"].clone();
    assert_eq!(decided["status"], "APPROVED", "{approved}");
    assert_eq!(decided["reason"], "checked in the register");
    assert_eq!(decided["cooperative"]["krs"], "0001990101");
    assert_eq!(real_names(&app).await, vec![name.to_owned()]);
    // Deciding twice is refused.
    let again = app
        .query_as(
            &moderator,
            REJECT,
            json!({ "r": request["id"], "why": "no" }),
        )
        .await;
    assert_eq!(first_error_code(&again), "CONFLICT", "{again}");

    // The proposer is its editor now: a contact changes at once.
    let coop = &decided["cooperative"];
    let edit = app
        .query_as(&member, UPDATE, json!({ "i": { "id": coop["id"], "version": coop["version"], "phone": "+48 14 000 00 00" } }))
        .await;
    assert_eq!(
        data(&edit, "updateCooperative")["cooperative"]["phone"],
        "+48 14 000 00 00",
        "{edit}"
    );
    assert_eq!(
        data(&edit, "updateCooperative")["changeRequest"],
        Value::Null
    );
    let other_edit = app
        .query_as(
            &other,
            UPDATE,
            json!({ "i": { "id": coop["id"], "version": 2, "phone": "+48 14 111 11 11" } }),
        )
        .await;
    assert_eq!(first_error_code(&other_edit), "FORBIDDEN");
}

#[tokio::test]
async fn bad_proposals_are_refused_naming_the_field_and_nothing_is_stored() {
    let app = TestApp::spawn().await;
    let member = app.member("doradczyni@example.org").await;
    let mut bad_nip = cooperative("Spółdzielnia Socjalna Zły NIP (dane testowe)", "0001990102");
    bad_nip["nip"] = json!("1234567890");
    let r = app
        .query_as(&member, PROPOSE, json!({ "i": { "cooperative": bad_nip } }))
        .await;
    assert_eq!(first_error_code(&r), "BAD_USER_INPUT", "{r}");
    assert!(
        r["errors"][0]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("nip"),
        "{r}"
    );

    let mut no_number = cooperative("Spółdzielnia Socjalna Bez Numeru (dane testowe)", "x");
    if let Some(fields) = no_number.as_object_mut() {
        fields.remove("krs");
    }
    let r = app
        .query_as(
            &member,
            PROPOSE,
            json!({ "i": { "cooperative": no_number } }),
        )
        .await;
    assert_eq!(first_error_code(&r), "BAD_USER_INPUT", "{r}");

    let mut nowhere = cooperative("Spółdzielnia Socjalna Znikąd (dane testowe)", "0001990103");
    nowhere["seatTeryt"] = json!("9999999");
    let r = app
        .query_as(&member, PROPOSE, json!({ "i": { "cooperative": nowhere } }))
        .await;
    assert_eq!(first_error_code(&r), "BAD_USER_INPUT", "{r}");

    let anonymous = app
        .query_vars(PROPOSE, json!({ "i": { "cooperative": cooperative("Anonimowa (dane testowe)", "0001990104") } }))
        .await;
    assert_eq!(
        first_error_code(&anonymous),
        "UNAUTHENTICATED",
        "{anonymous}"
    );
    assert_eq!(filed_by(&app, &member).await, 0);
}

#[tokio::test]
async fn duplicates_are_flagged_before_approval_and_a_held_number_cannot_be_approved() {
    let app = TestApp::spawn().await;
    let moderator = app.staff("moderator@example.org", "--moderator").await;
    let member = app.member("doradczyni@example.org").await;
    // A moderator creates one directly.
    let created = app
        .query_as(&moderator, CREATE, json!({ "i": cooperative("Spółdzielnia Socjalna „Zielona Łąka” (dane testowe)", "0001990201") }))
        .await;
    assert_eq!(
        data(&created, "createCooperative")["cooperative"]["krs"],
        "0001990201",
        "{created}"
    );
    let twice = app
        .query_as(
            &moderator,
            CREATE,
            json!({ "i": cooperative("Inna (dane testowe)", "0001990201") }),
        )
        .await;
    assert_eq!(first_error_code(&twice), "CONFLICT", "{twice}");
    let by_member = app
        .query_as(
            &member,
            CREATE,
            json!({ "i": cooperative("Członkowska (dane testowe)", "0001990202") }),
        )
        .await;
    assert_eq!(first_error_code(&by_member), "FORBIDDEN", "{by_member}");

    // The same KRS under another name, and another KRS under a name alike in the same gmina.
    let same_number = app
        .query_as(
            &member,
            PROPOSE,
            json!({ "i": { "cooperative": cooperative("Łąka Bis (dane testowe)", "0001990201") } }),
        )
        .await;
    let same_number = data(&same_number, "proposeCooperative")["request"].clone();
    let alike = app
        .query_as(&member, PROPOSE, json!({ "i": { "cooperative": cooperative("SS Zielona Łąka (dane testowe)", "0001990203") } }))
        .await;
    let alike = data(&alike, "proposeCooperative")["request"].clone();
    let unlike = app
        .query_as(&member, PROPOSE, json!({ "i": { "cooperative": cooperative("Spółdzielnia Socjalna Bławatek (dane testowe)", "0001990204") } }))
        .await;
    let unlike = data(&unlike, "proposeCooperative")["request"].clone();
    let existing = json!([{ "name": "Spółdzielnia Socjalna „Zielona Łąka” (dane testowe)" }]);
    assert_eq!(same_number["duplicates"], existing, "{same_number}");
    assert_eq!(alike["duplicates"], existing, "{alike}");
    assert_eq!(unlike["duplicates"], json!([]), "{unlike}");

    // A proposal whose number is held cannot be approved; it is rejected with a reason.
    let refused = app
        .query_as(
            &moderator,
            APPROVE,
            json!({ "r": same_number["id"], "why": "ok" }),
        )
        .await;
    assert_eq!(first_error_code(&refused), "CONFLICT", "{refused}");
    let rejected = app
        .query_as(
            &moderator,
            REJECT,
            json!({ "r": same_number["id"], "why": "already in the directory" }),
        )
        .await;
    assert_eq!(
        data(&rejected, "rejectCooperativeRequest")["request"]["status"],
        "REJECTED",
        "{rejected}"
    );
    let mine = app.query_as(&member, MINE, json!({})).await;
    let first = &nodes(&data(&mine, "myCooperativeRequests"))[0];
    assert_eq!(first["status"], "REJECTED");
    assert_eq!(first["reason"], "already in the directory");
    assert_eq!(real_names(&app).await.len(), 1);
}

#[tokio::test]
async fn an_editors_change_to_the_registers_facts_waits_for_a_moderator() {
    let app = TestApp::spawn().await;
    let moderator = app.staff("moderator@example.org", "--moderator").await;
    let editor = app.member("prezes@example.org").await;
    // A cooperative in liquidation, whose editor the proposer becomes.
    let mut fields = cooperative(
        "Spółdzielnia Socjalna W Likwidacji (dane testowe)",
        "0001990301",
    );
    fields["status"] = json!("IN_LIQUIDATION");
    let p = app
        .query_as(&editor, PROPOSE, json!({ "i": { "cooperative": fields } }))
        .await;
    let id = data(&p, "proposeCooperative")["request"]["id"].clone();
    let coop = approved(&app, &moderator, &id).await;
    assert_eq!(coop["status"], "IN_LIQUIDATION", "{coop}");

    // Making itself ACTIVE (eligible for reserved contracts) becomes a request; the contact changes.
    let edit = app
        .query_as(&editor, UPDATE, json!({ "i": { "id": coop["id"], "version": coop["version"], "status": "ACTIVE", "phone": "+48 14 222 22 22", "krs": "0001990302" } }))
        .await;
    let payload = data(&edit, "updateCooperative");
    assert_eq!(payload["cooperative"]["status"], "IN_LIQUIDATION", "{edit}");
    assert_eq!(payload["cooperative"]["krs"], "0001990301");
    assert_eq!(payload["cooperative"]["phone"], "+48 14 222 22 22");
    let request = payload["changeRequest"].clone();
    assert_eq!(request["kind"], "CHANGE", "{edit}");
    assert_eq!(
        request["fields"],
        json!([{ "field": "krs", "value": "0001990302", "current": "0001990301" },
               { "field": "status", "value": "ACTIVE", "current": "IN_LIQUIDATION" }])
    );
    // A stale version changes nothing and files nothing.
    let stale = app
        .query_as(
            &editor,
            UPDATE,
            json!({ "i": { "id": coop["id"], "version": coop["version"], "name": "Inna nazwa" } }),
        )
        .await;
    assert_eq!(first_error_code(&stale), "CONFLICT", "{stale}");
    // A second change joins the first: one request to decide, the newer value winning.
    let again = app
        .query_as(&editor, UPDATE, json!({ "i": { "id": coop["id"], "version": payload["cooperative"]["version"], "status": "SUSPENDED", "name": "Spółdzielnia Socjalna Nowa Nazwa (dane testowe)" } }))
        .await;
    let joined = data(&again, "updateCooperative")["changeRequest"].clone();
    assert_eq!(joined["id"], request["id"], "{again}");
    let asked: Vec<(String, String)> = joined["fields"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|f| {
            (
                f["field"].as_str().unwrap_or_default().to_owned(),
                f["value"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        asked,
        [
            ("krs".to_owned(), "0001990302".to_owned()),
            (
                "name".to_owned(),
                "Spółdzielnia Socjalna Nowa Nazwa (dane testowe)".to_owned()
            ),
            ("status".to_owned(), "SUSPENDED".to_owned())
        ],
        "{again}"
    );
    let queue = app.query_as(&moderator, QUEUE, json!({})).await;
    assert_eq!(
        data(&queue, "cooperativeRequests")["totalCount"],
        1,
        "{queue}"
    );

    let rejected = app
        .query_as(
            &moderator,
            REJECT,
            json!({ "r": request["id"], "why": "still in liquidation in the register" }),
        )
        .await;
    assert_eq!(
        data(&rejected, "rejectCooperativeRequest")["request"]["status"],
        "REJECTED",
        "{rejected}"
    );
    assert_eq!(held(&app, &coop).await["status"], "IN_LIQUIDATION");

    // A change of name, approved, is made by the moderator's approval.
    let now = held(&app, &coop).await;
    let renamed = app
        .query_as(&editor, UPDATE, json!({ "i": { "id": coop["id"], "version": now["version"], "name": "Spółdzielnia Socjalna Po Zmianie (dane testowe)" } }))
        .await;
    let r = data(&renamed, "updateCooperative")["changeRequest"]["id"].clone();
    assert!(r.is_string(), "{renamed}");
    let ok = app
        .query_as(
            &moderator,
            APPROVE,
            json!({ "r": r, "why": "new name in the register" }),
        )
        .await;
    assert_eq!(
        data(&ok, "approveCooperativeRequest")["request"]["cooperative"]["name"],
        "Spółdzielnia Socjalna Po Zmianie (dane testowe)",
        "{ok}"
    );
    assert_eq!(
        held(&app, &coop).await["name"],
        "Spółdzielnia Socjalna Po Zmianie (dane testowe)"
    );

    // A moderator changes the register's facts at once.
    let now = held(&app, &coop).await;
    let direct = app
        .query_as(
            &moderator,
            UPDATE,
            json!({ "i": { "id": coop["id"], "version": now["version"], "status": "DISSOLVED" } }),
        )
        .await;
    assert_eq!(
        data(&direct, "updateCooperative")["cooperative"]["status"],
        "DISSOLVED",
        "{direct}"
    );
    assert_eq!(
        data(&direct, "updateCooperative")["changeRequest"],
        Value::Null
    );
}

#[tokio::test]
async fn a_members_proposals_wait_a_few_at_a_time() {
    let app = TestApp::spawn().await;
    let member = app.member("doradczyni@example.org").await;
    let propose = |i: u32| {
        let (app, member) = (&app, &member);
        async move {
            let name = format!("Spółdzielnia Socjalna Numer {i} (dane testowe)");
            app.query_as(member, PROPOSE, json!({ "i": { "cooperative": cooperative(&name, &format!("{:010}", 1_990_700 + i)) } }))
                .await
        }
    };
    for i in 0..20 {
        let r = propose(i).await;
        assert!(r.get("errors").is_none(), "{i}: {r}");
    }
    let over = propose(20).await;
    assert_eq!(first_error_code(&over), "CONFLICT", "{over}");
    assert_eq!(filed_by(&app, &member).await, 20);
}

#[tokio::test]
async fn a_proposal_names_its_legal_person_founders_and_approval_records_them() {
    let app = TestApp::spawn().await;
    let moderator = app.staff("moderator@example.org", "--moderator").await;
    let member = app.member("doradczyni@example.org").await;
    let cofounded = || {
        let app = &app;
        async move {
            app.data("{ localGovernment(teryt: \"1201011\") { cofounded { totalCount } } }")
                .await["localGovernment"]["cofounded"]["totalCount"]
                .as_i64()
                .unwrap_or(-1)
        }
    };
    let before = cofounded().await;
    let mut fields = cooperative(
        "Spółdzielnia Socjalna Osób Prawnych (dane testowe)",
        "0001991001",
    );
    fields["seatTeryt"] = json!("1201011");
    fields["founders"] = json!([
        { "kind": "LOCAL_GOVERNMENT", "name": "Gmina Miasta Bochnia", "localGovernmentTeryt": "1201011" },
        { "kind": "NGO", "name": "Stowarzyszenie Przykład (dane testowe)" }
    ]);
    // Natural persons are not listed; a local government is named by its code.
    let mut natural = fields.clone();
    natural["founderKind"] = json!("NATURAL_PERSONS");
    let mut unnamed = fields.clone();
    unnamed["founders"][0]["localGovernmentTeryt"] = Value::Null;
    for bad in [natural, unnamed] {
        let r = app
            .query_as(&member, PROPOSE, json!({ "i": { "cooperative": bad } }))
            .await;
        assert_eq!(first_error_code(&r), "BAD_USER_INPUT", "{r}");
        assert_eq!(r["errors"][0]["extensions"]["field"], "founders", "{r}");
    }
    let p = app
        .query_as(&member, PROPOSE, json!({ "i": { "cooperative": fields } }))
        .await;
    let request = data(&p, "proposeCooperative")["request"].clone();
    assert!(request["id"].is_string(), "{p}");
    // Nothing is founded before the approval.
    assert_eq!(cofounded().await, before);
    let coop = approved(&app, &moderator, &request["id"]).await;
    let founders = app
        .query_vars("query($id: ID!) { node(id: $id) { ... on Cooperative { founders { edges { node { kind name localGovernment { teryt } } } } } } }", json!({ "id": coop["id"] }))
        .await;
    let listed = nodes(&founders["data"]["node"]["founders"]);
    assert_eq!(listed.len(), 2, "{founders}");
    assert!(
        listed
            .iter()
            .any(|f| f["kind"] == "LOCAL_GOVERNMENT" && f["localGovernment"]["teryt"] == "1201011"),
        "{founders}"
    );
    assert_eq!(cofounded().await, before + 1);
}

/// A proposal names what the cooperative offers (issue 18): checked as
/// `createOffering` checks it when proposed, created with the cooperative on
/// approval, and nothing is public before.
#[tokio::test]
async fn a_proposal_names_its_offerings_and_approval_creates_them() {
    let app = TestApp::spawn().await;
    let moderator = app.staff("moderator@example.org", "--moderator").await;
    let member = app.member("doradczyni@example.org").await;
    let offered = |name: &'static str| {
        let app = &app;
        async move {
            app.query_vars("query($q: String!) { search(query: $q, types: [OFFERING], first: 5) { totalCount } }", json!({ "q": name }))
                .await["data"]["search"]["totalCount"]
                .as_i64()
                .unwrap_or(-1)
        }
    };
    let mut fields = cooperative("Spółdzielnia Socjalna Oferta (dane testowe)", "0001991101");
    fields["offerings"] = json!([
        { "kind": "SERVICE", "name": "Catering wigilijny Kwiatuszek", "priceNote": "od 30 zł za osobę",
          "industryCode": "56.21.Z", "radiusKm": 25.0, "areaTeryt": ["1261", "1206"] },
        { "kind": "PRODUCT", "name": "Konfitury Kwiatuszek", "description": "Z owoców z ogrodu" }
    ]);
    // An area that is no TERYT unit, or an industry that is no subclass, is
    // refused, naming which offering; nothing is stored.
    for (field, bad, says) in [
        (
            "areaTeryt",
            json!(["1261", "9999"]),
            "offering 1, areaTeryt",
        ),
        ("industryCode", json!("56.2"), "offering 1, industryCode"),
    ] {
        let mut wrong = fields.clone();
        wrong["offerings"][0][field] = bad;
        let r = app
            .query_as(&member, PROPOSE, json!({ "i": { "cooperative": wrong } }))
            .await;
        assert_eq!(first_error_code(&r), "BAD_USER_INPUT", "{r}");
        assert!(
            r["errors"][0]["message"]
                .as_str()
                .is_some_and(|m| m.contains(says)),
            "{r}"
        );
    }
    let mine = app
        .query_as(
            &member,
            "{ myCooperativeRequests { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(
        mine["data"]["myCooperativeRequests"]["totalCount"], 0,
        "{mine}"
    );
    // An offering with a name too long is refused, naming which one.
    let mut long = fields.clone();
    long["krs"] = json!("0001991102");
    long["offerings"][1]["name"] = json!("x".repeat(201));
    let r = app
        .query_as(&member, PROPOSE, json!({ "i": { "cooperative": long } }))
        .await;
    assert_eq!(first_error_code(&r), "BAD_USER_INPUT", "{r}");
    assert_eq!(r["errors"][0]["extensions"]["field"], "offerings", "{r}");
    assert!(
        r["errors"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("offering 2, name")),
        "{r}"
    );

    let p = app
        .query_as(&member, PROPOSE, json!({ "i": { "cooperative": fields } }))
        .await;
    let request = data(&p, "proposeCooperative")["request"].clone();
    assert!(request["id"].is_string(), "{p}");
    assert_eq!(offered("Kwiatuszek").await, 0, "public before the approval");
    let coop = approved(&app, &moderator, &request["id"]).await;
    let read = app
        .query_vars("query($id: ID!) { node(id: $id) { ... on Cooperative { offerings { edges { node { kind name priceNote description } } } } } }", json!({ "id": coop["id"] }))
        .await;
    let mut listed: Vec<(String, String)> = nodes(&read["data"]["node"]["offerings"])
        .iter()
        .map(|o| {
            (
                o["kind"].as_str().unwrap_or_default().to_owned(),
                o["name"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    listed.sort();
    assert_eq!(
        listed,
        vec![
            ("PRODUCT".to_owned(), "Konfitury Kwiatuszek".to_owned()),
            (
                "SERVICE".to_owned(),
                "Catering wigilijny Kwiatuszek".to_owned()
            )
        ],
        "{read}"
    );
    assert_eq!(offered("Kwiatuszek").await, 2);
    // The catering came with its industry, radius and areas served.
    let catering = app
        .query_vars("query($id: ID!) { node(id: $id) { ... on Cooperative { offerings { edges { node { name radiusKm industry { code } areaServed { edges { node { teryt } } } } } } } } }", json!({ "id": coop["id"] }))
        .await;
    let catering = nodes(&catering["data"]["node"]["offerings"])
        .into_iter()
        .find(|o| o["name"] == "Catering wigilijny Kwiatuszek")
        .unwrap_or_else(|| panic!("{catering}"));
    assert_eq!(catering["industry"]["code"], "56.21.Z", "{catering}");
    assert_eq!(catering["radiusKm"], 25.0, "{catering}");
    let mut areas: Vec<String> = nodes(&catering["areaServed"])
        .iter()
        .map(|a| a["teryt"].as_str().unwrap_or_default().to_owned())
        .collect();
    areas.sort();
    assert_eq!(
        areas,
        vec!["1206".to_owned(), "1261".to_owned()],
        "{catering}"
    );
}
