//! Self-service editing: claims, moderation, versions, the audit trail, and who may do what.

use crate::helpers::{first_error_code, nodes, TestApp};
use serde_json::{json, Value};

const UPDATE: &str = "mutation($i: UpdateCooperativeInput!) { updateCooperative(input: $i) { cooperative { name version } } }";

async fn first_cooperative(app: &TestApp, skip: usize) -> Value {
    let data = app.data("{ cooperatives(first: 5) { edges { node { id name version seat { id teryt } offerings { edges { node { id version } } } } } } }").await;
    nodes(&data["cooperatives"])[skip].clone()
}

/// A new member made an officer of `unit` by `admin`, signed in after the grant:
/// its token.
async fn officer_of(app: &TestApp, admin: &str, email: &str, unit: &Value) -> String {
    let officer = app.member(email).await;
    let grant = app
        .query_as(admin, "mutation($u: ID!, $l: ID!) { grantRole(input: {user: $u, role: OFFICER, localGovernment: $l}) { user { displayName } } }", json!({ "u": user_id(app, &officer).await, "l": unit }))
        .await;
    assert!(grant.get("errors").is_none(), "{grant}");
    app.login(email, "a long enough password").await
}

async fn user_id(app: &TestApp, token: &str) -> Value {
    app.query_as(token, "{ me { user { id } } }", json!({}))
        .await["data"]["me"]["user"]["id"]
        .clone()
}

#[tokio::test]
async fn a_member_claims_a_cooperative_a_moderator_approves_and_the_member_edits_with_history() {
    let app = TestApp::spawn().await;
    let moderator = app.staff("moderator@example.org", "--moderator").await;
    let member = app.member("prezes@example.org").await;
    let coop = first_cooperative(&app, 0).await;

    let claim = app
        .query_as(&member, "mutation($c: ID!) { claimCooperative(input: {cooperative: $c, note: \"board member\"}) { claim { id status } } }", json!({ "c": coop["id"] }))
        .await;
    assert_eq!(
        claim["data"]["claimCooperative"]["claim"]["status"], "PENDING",
        "{claim}"
    );
    // Before approval the member cannot edit.
    let early = app
        .query_as(
            &member,
            UPDATE,
            json!({ "i": { "id": coop["id"], "version": coop["version"], "name": "Nowa nazwa" } }),
        )
        .await;
    assert_eq!(first_error_code(&early), "FORBIDDEN");
    let queue = app
        .query_as(
            &moderator,
            "{ claims { totalCount edges { node { id note claimant { displayName } } } } }",
            json!({}),
        )
        .await;
    assert_eq!(queue["data"]["claims"]["totalCount"], 1, "{queue}");
    let approve = app
        .query_as(&moderator, "mutation($c: ID!) { approveClaim(input: {claim: $c, reason: \"confirmed by phone\"}) { claim { status reason } } }", json!({ "c": claim["data"]["claimCooperative"]["claim"]["id"] }))
        .await;
    assert_eq!(
        approve["data"]["approveClaim"]["claim"]["status"], "APPROVED",
        "{approve}"
    );

    let member = app
        .login("prezes@example.org", "a long enough password")
        .await;
    let roles = app
        .query_as(
            &member,
            "{ me { roles { role cooperative { id } } } }",
            json!({}),
        )
        .await;
    assert_eq!(roles["data"]["me"]["roles"][0]["role"], "EDITOR");
    let edit = app
        .query_as(&member, UPDATE, json!({ "i": { "id": coop["id"], "version": coop["version"], "phone": "+48 12 345 67 89", "website": "https://nowa.example.org" } }))
        .await;
    assert_eq!(
        edit["data"]["updateCooperative"]["cooperative"]["name"], coop["name"],
        "{edit}"
    );
    let new_version = edit["data"]["updateCooperative"]["cooperative"]["version"].clone();
    assert_eq!(
        new_version,
        json!(coop["version"].as_i64().unwrap_or(0) + 1)
    );

    let offering = &nodes(&coop["offerings"])[0];
    let off = app
        .query_as(&member, "mutation($i: UpdateOfferingInput!) { updateOffering(input: $i) { offering { name version } } }", json!({ "i": { "id": offering["id"], "version": offering["version"], "name": "Obiady dla szkół", "radiusKm": 30.0 } }))
        .await;
    assert_eq!(
        off["data"]["updateOffering"]["offering"]["name"], "Obiady dla szkół",
        "{off}"
    );

    let history = app
        .query_as(&member, "query($id: ID!) { history(id: $id) { totalCount edges { node { action actor { displayName } changes { field oldValue newValue } } } } }", json!({ "id": coop["id"] }))
        .await;
    let entries = nodes(&history["data"]["history"]);
    assert_eq!(entries[0]["action"], "UPDATE", "{history}");
    assert_eq!(entries[0]["actor"]["displayName"], "prezes");
    let fields: Vec<&str> = entries[0]["changes"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|c| c["field"].as_str())
        .collect();
    assert!(
        fields.contains(&"phone") && fields.contains(&"website"),
        "{fields:?}"
    );
    assert_eq!(entries[1]["action"], "CLAIM_APPROVED");
    // The public sees neither the trail nor claims.
    assert_eq!(
        first_error_code(
            &app.query_vars(
                "query($id: ID!) { history(id: $id) { totalCount } }",
                json!({ "id": coop["id"] })
            )
            .await
        ),
        "UNAUTHENTICATED"
    );
}

#[tokio::test]
async fn two_updates_from_the_same_version_never_both_win() {
    let app = TestApp::spawn().await;
    let moderator = app.staff("moderator@example.org", "--moderator").await;
    let coop = first_cooperative(&app, 1).await;
    let send = |name: &'static str| {
        let (app, moderator, coop) = (&app, &moderator, &coop);
        async move {
            app.query_as(
                moderator,
                UPDATE,
                json!({ "i": { "id": coop["id"], "version": coop["version"], "name": name } }),
            )
            .await
        }
    };
    let (a, b) = tokio::join!(send("Pierwsza"), send("Druga"));
    let won: Vec<&Value> = [&a, &b]
        .into_iter()
        .filter(|r| r.get("errors").is_none())
        .collect();
    let lost: Vec<&Value> = [&a, &b]
        .into_iter()
        .filter(|r| r.get("errors").is_some())
        .collect();
    assert_eq!((won.len(), lost.len()), (1, 1), "{a} {b}");
    assert_eq!(first_error_code(lost[0]), "CONFLICT");
    assert_eq!(
        lost[0]["errors"][0]["extensions"]["currentVersion"],
        json!(coop["version"].as_i64().unwrap_or(0) + 1)
    );
    let now = app
        .query_vars(
            "query($id: ID!) { node(id: $id) { ... on Cooperative { name version } } }",
            json!({ "id": coop["id"] }),
        )
        .await;
    assert_eq!(
        now["data"]["node"]["name"],
        won[0]["data"]["updateCooperative"]["cooperative"]["name"]
    );
}

#[tokio::test]
async fn invalid_input_names_the_field_and_changes_nothing() {
    let app = TestApp::spawn().await;
    let moderator = app.staff("moderator@example.org", "--moderator").await;
    let coop = first_cooperative(&app, 2).await;
    for (field, value) in [
        ("website", json!("javascript:alert(1)")),
        ("employeeCount", json!(-3)),
        ("nip", json!("526-000-12-47")),
        ("name", json!("x".repeat(201))),
        ("postalCode", json!("31154")),
    ] {
        let mut input = json!({ "id": coop["id"], "version": coop["version"] });
        input[field] = value;
        let r = app
            .query_as(&moderator, UPDATE, json!({ "i": input }))
            .await;
        assert_eq!(first_error_code(&r), "BAD_USER_INPUT", "{field}: {r}");
        assert_eq!(r["errors"][0]["extensions"]["field"], field);
    }
    let after = app
        .query_vars(
            "query($id: ID!) { node(id: $id) { ... on Cooperative { version } } }",
            json!({ "id": coop["id"] }),
        )
        .await;
    assert_eq!(after["data"]["node"]["version"], coop["version"]);
    let history = app
        .query_as(
            &moderator,
            "query($id: ID!) { history(id: $id) { totalCount } }",
            json!({ "id": coop["id"] }),
        )
        .await;
    assert_eq!(history["data"]["history"]["totalCount"], 0);
}

#[tokio::test]
async fn a_proposed_purchase_is_public_only_once_a_moderator_verifies_it() {
    let app = TestApp::spawn().await;
    let admin = app.staff("admin@example.org", "--admin").await;
    let coop = first_cooperative(&app, 3).await;
    let officer = officer_of(&app, &admin, "urzednik@example.org", &coop["seat"]["id"]).await;
    let propose = "mutation($i: ProposeProcurementExampleInput!) { proposeProcurementExample(input: $i) { procurementExample { id version verified valuePln } } }";
    let input = json!({ "buyer": coop["seat"]["id"], "suppliers": [{ "cooperative": coop["id"], "role": "LEAD" }], "subject": "Catering dla szkół 2025",
        "procedure": "RESERVED_CONTRACT_ART_94", "valuePln": "120000.50", "year": 2025, "lessons": "Zastrzeżenie zamówienia zadziałało." });
    let p = app.query_as(&officer, propose, json!({ "i": input })).await;
    let example = p["data"]["proposeProcurementExample"]["procurementExample"].clone();
    assert_eq!(example["verified"], false, "{p}");
    assert_eq!(example["valuePln"], "120000.50");
    let public = "query($id: ID!) { node(id: $id) { id } }";
    assert_eq!(
        app.query_vars(public, json!({ "id": example["id"] })).await["data"]["node"],
        Value::Null
    );
    // Hidden on every other public path too: nodes, the buyer's list, the supplier's list, the root list.
    let everywhere = "query($id: ID!, $b: ID!, $c: ID!) { nodes(ids: [$id]) { id }
        b: node(id: $b) { ... on LocalGovernment { procurementExamples(first: 100) { edges { node { id } } } } }
        c: node(id: $c) { ... on Cooperative { procurementExamples(first: 100) { edges { node { id } } } } }
        all: procurementExamples(first: 100, filter: {buyer: $b}) { edges { node { id } } } }";
    let seen = app
        .query_vars(
            everywhere,
            json!({ "id": example["id"], "b": coop["seat"]["id"], "c": coop["id"] }),
        )
        .await;
    assert_eq!(seen["data"]["nodes"], json!([null]), "{seen}");
    for list in [
        &seen["data"]["b"]["procurementExamples"],
        &seen["data"]["c"]["procurementExamples"],
        &seen["data"]["all"],
    ] {
        assert!(
            nodes(list).iter().all(|n| n["id"] != example["id"]),
            "{seen}"
        );
    }
    let verify = app
        .query_as(&admin, "mutation($id: ID!, $v: Int!) { verifyProcurementExample(input: {id: $id, version: $v}) { procurementExample { verified verifiedAt verifiedBy { displayName } } } }", json!({ "id": example["id"], "v": example["version"] }))
        .await;
    assert_eq!(
        verify["data"]["verifyProcurementExample"]["procurementExample"]["verified"], true,
        "{verify}"
    );
    let by = &verify["data"]["verifyProcurementExample"]["procurementExample"]["verifiedBy"];
    assert_eq!(by["displayName"], "Staff", "{verify}");
    assert_eq!(
        app.query_vars(public, json!({ "id": example["id"] })).await["data"]["node"]["id"],
        example["id"]
    );
}

/// Each viewer tries each protected operation; every outcome is pinned.
#[tokio::test]
async fn the_authorisation_matrix_holds_for_every_viewer() {
    let app = TestApp::spawn().await;
    let admin = app.staff("admin@example.org", "--admin").await;
    let moderator = app.staff("moderator@example.org", "--moderator").await;
    let this = first_cooperative(&app, 0).await;
    let other = first_cooperative(&app, 1).await;
    let offering = nodes(&this["offerings"])[0].clone();
    let grant = |token: String, role: &'static str, target: Value| {
        let (app, admin) = (&app, &admin);
        async move {
            let u = user_id(app, &token).await;
            let (key, var) = if role == "EDITOR" {
                ("cooperative", "$t")
            } else {
                ("localGovernment", "$t")
            };
            let q = format!("mutation($u: ID!, $t: ID!) {{ grantRole(input: {{user: $u, role: {role}, {key}: {var}}}) {{ user {{ displayName }} }} }}");
            let r = app
                .query_as(admin, &q, json!({ "u": u, "t": target }))
                .await;
            assert!(r.get("errors").is_none(), "{r}");
        }
    };
    let member = app.member("member@example.org").await;
    let t = app.member("editor.other@example.org").await;
    grant(t, "EDITOR", other["id"].clone()).await;
    let t = app.member("editor.this@example.org").await;
    grant(t, "EDITOR", this["id"].clone()).await;
    let t = app.member("officer@example.org").await;
    grant(t, "OFFICER", this["seat"]["id"].clone()).await;
    let editor_other = app
        .login("editor.other@example.org", "a long enough password")
        .await;
    let editor_this = app
        .login("editor.this@example.org", "a long enough password")
        .await;
    let officer = app
        .login("officer@example.org", "a long enough password")
        .await;
    let key = app.cli(&["api-key", "create", "--partner", "Portal"], None);
    let partner = key.lines().last().unwrap_or_default().trim().to_owned();

    let viewers: Vec<(&str, Option<&str>)> = vec![
        ("anonymous", None),
        ("member", Some(&member)),
        ("editor of another", Some(&editor_other)),
        ("editor of this", Some(&editor_this)),
        ("officer", Some(&officer)),
        ("moderator", Some(&moderator)),
        ("admin", Some(&admin)),
        ("partner key", Some(&partner)),
    ];
    // Queries that change nothing, or change with a fresh version each time, so the outcome depends only on the viewer.
    let ops: Vec<(&str, String, Value)> = vec![
        ("update profile", "mutation($id: ID!) { updateCooperative(input: {id: $id, version: 999999, phone: \"+48 12 000 00 00\"}) { cooperative { id } } }".into(), json!({ "id": this["id"] })),
        ("update NIP", "mutation($id: ID!) { updateCooperative(input: {id: $id, version: 999999, nip: \"5260001246\"}) { cooperative { id } } }".into(), json!({ "id": this["id"] })),
        ("history", "query($id: ID!) { history(id: $id) { totalCount } }".into(), json!({ "id": this["id"] })),
        ("claims queue", "{ claims { totalCount } }".into(), json!({})),
        ("api keys", "{ apiKeys { totalCount } }".into(), json!({})),
        ("create api key", "mutation { createApiKey(input: {partnerName: \"X\"}) { apiKey { partnerName } } }".into(), json!({})),
        ("propose purchase", "mutation($b: ID!, $c: ID!) { proposeProcurementExample(input: {buyer: $b, suppliers: [{cooperative: $c, role: LEAD}], subject: \"x\", procedure: OTHER, year: 2004}) { procurementExample { verified } } }".into(), json!({ "b": this["seat"]["id"], "c": this["id"] })),
        ("my data", "{ myData }".into(), json!({})),
        ("create offering", "mutation($c: ID!) { createOffering(input: {cooperative: $c, name: \"Nowa usługa\", kind: SERVICE}) { offering { name } } }".into(), json!({ "c": this["id"] })),
        ("update offering", "mutation($o: ID!) { updateOffering(input: {id: $o, version: 999999, name: \"x\"}) { offering { name } } }".into(), json!({ "o": offering["id"] })),
        ("delete offering", "mutation($o: ID!) { deleteOffering(input: {id: $o, version: 999999}) { deletedOfferingId } }".into(), json!({ "o": offering["id"] })),
        ("approve claim", "mutation { approveClaim(input: {claim: \"Q2xhaW06OTk5OTk\", reason: \"r\"}) { claim { status } } }".into(), json!({})),
        ("reject claim", "mutation { rejectClaim(input: {claim: \"Q2xhaW06OTk5OTk\", reason: \"r\"}) { claim { status } } }".into(), json!({})),
        ("claim cooperative", "mutation { claimCooperative(input: {cooperative: \"Q29vcGVyYXRpdmU6OTk5OTk\"}) { claim { status } } }".into(), json!({})),
        ("grant role", "mutation { grantRole(input: {user: \"VXNlcjo5OTk5OQ\", role: MODERATOR}) { user { displayName } } }".into(), json!({})),
        ("rotate api key", "mutation { rotateApiKey(input: {apiKey: \"QXBpS2V5Ojk5OTk5\"}) { secret } }".into(), json!({})),
        ("revoke api key", "mutation { revokeApiKey(input: {apiKey: \"QXBpS2V5Ojk5OTk5\"}) { apiKey { id } } }".into(), json!({})),
        ("verify purchase", "mutation { verifyProcurementExample(input: {id: \"UHJvY3VyZW1lbnRFeGFtcGxlOjk5OTk5\", version: 1}) { procurementExample { id } } }".into(), json!({})),
        ("unverified queue", "{ unverifiedProcurementExamples { totalCount } }".into(), json!({})),
        ("public read", "{ cooperatives(first: 1) { totalCount } }".into(), json!({})),
    ];
    let mut got = Vec::new();
    for (op, q, vars) in &ops {
        let mut row = vec![op.to_string()];
        for (who, token) in &viewers {
            let body = match token {
                Some(t) => app.query_as(t, q, vars.clone()).await,
                None => app.query_vars(q, vars.clone()).await,
            };
            let outcome = match body.get("errors") {
                None => "ok".to_owned(),
                Some(_) => first_error_code(&body),
            };
            row.push(format!("{who}={outcome}"));
        }
        got.push(row.join(" | "));
    }
    // CONFLICT (a stale version), NOT_FOUND (an id that does not exist) and BAD_USER_INPUT show that
    // the viewer was allowed through; the operations are built so that only the viewer decides.
    insta::assert_snapshot!(got.join("\n"));
}

#[tokio::test]
async fn reseeding_the_sample_also_removes_claims_and_editor_roles_on_sample_cooperatives() {
    let app = TestApp::spawn().await;
    let moderator = app.staff("moderator@example.org", "--moderator").await;
    let member = app.member("czlonek@example.org").await;
    let coop = first_cooperative(&app, 0).await;
    let claim = app
        .query_as(
            &member,
            "mutation($c: ID!) { claimCooperative(input: {cooperative: $c}) { claim { id } } }",
            json!({ "c": coop["id"] }),
        )
        .await;
    let approve = app
        .query_as(&moderator, "mutation($c: ID!) { approveClaim(input: {claim: $c, reason: \"ok\"}) { claim { status } } }", json!({ "c": claim["data"]["claimCooperative"]["claim"]["id"] }))
        .await;
    assert_eq!(
        approve["data"]["approveClaim"]["claim"]["status"],
        "APPROVED"
    );
    let out = app.cli(
        &["seed", "sample", "--cooperatives", "40", "--seed", "3"],
        None,
    );
    assert!(out.contains("40 cooperatives"), "{out}");
    let member = app
        .login("czlonek@example.org", "a long enough password")
        .await;
    let me = app
        .query_as(
            &member,
            "{ me { roles { role } } myClaims { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(me["data"]["me"]["roles"], json!([]), "{me}");
    assert_eq!(me["data"]["myClaims"]["totalCount"], 0);
}

/// A purchase is judged by the law of its year (issue 18): art. 22 of the 2004
/// law until 2020, art. 94 of the 2019 law and its threshold from 2021: 130 000
/// PLN net to 2025, 170 000 PLN net from 2026 (Dz.U. 2025 poz. 1173).
#[tokio::test]
async fn a_purchase_follows_the_procurement_law_of_its_year() {
    let app = TestApp::spawn().await;
    let moderator = app.staff("moderator@example.org", "--moderator").await;
    let coop = first_cooperative(&app, 1).await;
    let propose = "mutation($i: ProposeProcurementExampleInput!) { proposeProcurementExample(input: $i) { procurementExample { legalBasis buyerUnit procedure } } }";
    let input = |procedure: &str, year: i32, value: &str| {
        json!({ "i": { "buyer": coop["seat"]["id"], "buyerUnit": "Miejski Ośrodek Pomocy Społecznej",
            "suppliers": [{ "cooperative": coop["id"], "role": "LEAD" }], "subject": "Catering (dane testowe)",
            "procedure": procedure, "valuePln": value, "year": year } })
    };
    for (procedure, year, value, field) in [
        ("RESERVED_CONTRACT_ART_94", 2019, "90000", "procedure"),
        ("RESERVED_CONTRACT_ART_22", 2022, "90000", "procedure"),
        ("BELOW_THRESHOLD", 2023, "130000", "valuePln"),
        ("BELOW_THRESHOLD", 2026, "170000", "valuePln"),
    ] {
        let r = app
            .query_as(&moderator, propose, input(procedure, year, value))
            .await;
        assert_eq!(
            first_error_code(&r),
            "BAD_USER_INPUT",
            "{procedure} {year}: {r}"
        );
        assert_eq!(r["errors"][0]["extensions"]["field"], field, "{r}");
    }
    let old = app
        .query_as(
            &moderator,
            propose,
            input("RESERVED_CONTRACT_ART_22", 2019, "90000"),
        )
        .await;
    let example = &old["data"]["proposeProcurementExample"]["procurementExample"];
    assert_eq!(
        example["buyerUnit"], "Miejski Ośrodek Pomocy Społecznej",
        "{old}"
    );
    assert!(
        example["legalBasis"]
            .as_str()
            .is_some_and(|b| b.contains("art. 22 ust. 2") && b.contains("29 January 2004")),
        "{old}"
    );
    let new = app
        .query_as(
            &moderator,
            propose,
            input("BELOW_THRESHOLD", 2024, "129999.99"),
        )
        .await;
    assert!(
        new["data"]["proposeProcurementExample"]["procurementExample"]["legalBasis"]
            .as_str()
            .is_some_and(|b| b.contains("130 000 PLN") && b.contains("2019")),
        "{new}"
    );
    // 150 000 PLN was above the threshold in 2025 and is below it from 2026.
    let raised = app
        .query_as(
            &moderator,
            propose,
            input("BELOW_THRESHOLD", 2026, "150000"),
        )
        .await;
    assert!(
        raised["data"]["proposeProcurementExample"]["procurementExample"]["legalBasis"]
            .as_str()
            .is_some_and(|b| b.contains("170 000 PLN")),
        "{raised}"
    );
    // A need is bought now: under the 2019 law. Its gmina's officer posts it.
    let admin = app.staff("admin@example.org", "--admin").await;
    let officer = officer_of(&app, &admin, "urzednik@example.org", &coop["seat"]["id"]).await;
    let need = app
        .query_as(&officer, "mutation($i: PostNeedInput!) { postNeed(input: $i) { need { id } } }",
            json!({ "i": { "onBehalfOf": coop["seat"]["id"], "title": "Catering (dane testowe)", "description": "Obiady",
                "placeTeryt": "1261011", "procedure": "RESERVED_CONTRACT_ART_22" } }))
        .await;
    assert_eq!(first_error_code(&need), "BAD_USER_INPUT", "{need}");
}

/// A city with powiat rights is one local government (issue 18): Kraków's
/// powiat-level unit (1261) and its gmina (1261011) answer with the same
/// purchases and officers, counted once.
#[tokio::test]
async fn a_city_with_powiat_rights_answers_as_one_local_government() {
    let app = TestApp::spawn().await;
    let admin = app.staff("admin@example.org", "--admin").await;
    let units = app
        .data("{ powiat: localGovernment(teryt: \"1261\") { id kind } gmina: localGovernment(teryt: \"1261011\") { id } }")
        .await;
    assert_eq!(
        units["powiat"]["kind"], "MIASTO_NA_PRAWACH_POWIATU",
        "{units}"
    );
    let (powiat, gmina) = (units["powiat"]["id"].clone(), units["gmina"]["id"].clone());
    let count = |filter: Value| {
        let app = &app;
        async move {
            app.query_vars(
                "query($f: ProcurementFilter) { procurementExamples(filter: $f) { totalCount } }",
                json!({ "f": filter }),
            )
            .await["data"]["procurementExamples"]["totalCount"]
                .as_i64()
                .unwrap_or(-1)
        }
    };
    let before = count(json!({ "buyerTeryt": "1261" })).await;

    // An officer of "Kraków" the powiat is the city's officer.
    let officer = officer_of(&app, &admin, "urzad.krakow@example.org", &powiat).await;
    let roles = app
        .query_as(
            &officer,
            "{ me { roles { role localGovernment { teryt } } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        roles["data"]["me"]["roles"][0]["localGovernment"]["teryt"], "1261011",
        "{roles}"
    );

    // It buys as the powiat; the purchase is the city's, under both units.
    let coop = first_cooperative(&app, 0).await;
    let p = app
        .query_as(&officer, "mutation($i: ProposeProcurementExampleInput!) { proposeProcurementExample(input: $i) { procurementExample { id version buyer { teryt } } } }",
            json!({ "i": { "buyer": powiat, "suppliers": [{ "cooperative": coop["id"], "role": "LEAD" }],
                "subject": "Catering dla domów pomocy (dane testowe)", "procedure": "RESERVED_CONTRACT_ART_94", "valuePln": "90000", "year": 2025 } }))
        .await;
    let example = p["data"]["proposeProcurementExample"]["procurementExample"].clone();
    assert_eq!(example["buyer"]["teryt"], "1261011", "{p}");
    let verify = app
        .query_as(&admin, "mutation($id: ID!, $v: Int!) { verifyProcurementExample(input: {id: $id, version: $v}) { procurementExample { verified } } }", json!({ "id": example["id"], "v": example["version"] }))
        .await;
    assert!(verify.get("errors").is_none(), "{verify}");
    let lists = app
        .query_vars("query($p: ID!, $g: ID!) { p: node(id: $p) { ... on LocalGovernment { procurementExamples(first: 100) { totalCount edges { node { id } } } } }
            g: node(id: $g) { ... on LocalGovernment { procurementExamples(first: 100) { totalCount edges { node { id } } } } } }", json!({ "p": powiat, "g": gmina }))
        .await;
    let ids = |unit: &str| -> Vec<Value> {
        nodes(&lists["data"][unit]["procurementExamples"])
            .iter()
            .map(|n| n["id"].clone())
            .collect()
    };
    assert!(ids("p").contains(&example["id"]), "{lists}");
    assert_eq!(ids("p"), ids("g"), "{lists}");
    assert_eq!(
        count(json!({ "buyerTeryt": "1261" })).await,
        before + 1,
        "counted once"
    );
    assert_eq!(
        count(json!({ "buyer": powiat })).await,
        count(json!({ "buyer": gmina })).await
    );

    // And it posts needs for the gmina unit too.
    let need = app
        .query_as(&officer, "mutation($i: PostNeedInput!) { postNeed(input: $i) { need { buyer { teryt } } } }",
            json!({ "i": { "onBehalfOf": gmina, "title": "Sprzątanie (dane testowe)", "description": "Biura", "placeTeryt": "1261011" } }))
        .await;
    assert_eq!(
        need["data"]["postNeed"]["need"]["buyer"]["teryt"], "1261011",
        "{need}"
    );

    // A need placed in the powiat-level unit is placed in the city, and found
    // by the city's gmina code.
    let need = app
        .query_as(&officer, "mutation($i: PostNeedInput!) { postNeed(input: $i) { need { id place { teryt } } } }",
            json!({ "i": { "onBehalfOf": powiat, "title": "Pranie (dane testowe)", "description": "Pościel", "placeTeryt": "1261" } }))
        .await;
    let posted = need["data"]["postNeed"]["need"].clone();
    assert_eq!(posted["place"]["teryt"], "1261011", "{need}");
    let found = app
        .query_vars(
            "query($t: String!) { needs(filter: {teryt: $t}, first: 100) { edges { node { id } } } }",
            json!({ "t": "1261011" }),
        )
        .await;
    assert!(
        nodes(&found["data"]["needs"])
            .iter()
            .any(|n| n["id"] == posted["id"]),
        "{found}"
    );

    // Its officer names the powiat-level unit as their affiliation: that is
    // the city they are an officer of, stored as one unit.
    let profile = app
        .query_as(&officer, "mutation($l: ID!) { updateMyProfile(input: {affiliation: {localGovernment: $l}}) { person { localGovernment { teryt } } } }",
            json!({ "l": powiat }))
        .await;
    assert_eq!(
        profile["data"]["updateMyProfile"]["person"]["localGovernment"]["teryt"], "1261011",
        "{profile}"
    );
}

/// Purchases carry `updatedAt` and lists take `updatedSince` (issue 18): a
/// partner's copy learns of a purchase when a moderator verifies it.
#[tokio::test]
async fn a_partner_syncs_the_purchases_that_changed_since_its_last_copy() {
    let app = TestApp::spawn().await;
    let moderator = app.staff("moderator@example.org", "--moderator").await;
    let coop = first_cooperative(&app, 2).await;
    let p = app
        .query_as(&moderator, "mutation($i: ProposeProcurementExampleInput!) { proposeProcurementExample(input: $i) { procurementExample { id version updatedAt } } }",
            json!({ "i": { "buyer": coop["seat"]["id"], "suppliers": [{ "cooperative": coop["id"], "role": "LEAD" }],
                "subject": "Pranie pościeli (dane testowe)", "procedure": "SOCIAL_CLAUSE", "valuePln": "40000", "year": 2026 } }))
        .await;
    let example = p["data"]["proposeProcurementExample"]["procurementExample"].clone();
    let proposed =
        chrono::DateTime::parse_from_rfc3339(example["updatedAt"].as_str().unwrap_or_default())
            .unwrap_or_else(|e| panic!("{p}: {e}"));
    let since = (proposed + chrono::Duration::milliseconds(1)).to_rfc3339();
    let changed = |since: String| {
        let app = &app;
        async move {
            let r = app
                .query_vars("query($t: DateTime!) { procurementExamples(filter: {updatedSince: $t}, first: 100) { totalCount edges { node { id } } } }", json!({ "t": since }))
                .await;
            assert!(r.get("errors").is_none(), "{r}");
            nodes(&r["data"]["procurementExamples"])
                .iter()
                .map(|n| n["id"].clone())
                .collect::<Vec<_>>()
        }
    };
    // Unverified: not public, so in no list.
    assert!(!changed(since.clone()).await.contains(&example["id"]));
    let verify = app
        .query_as(&moderator, "mutation($id: ID!, $v: Int!) { verifyProcurementExample(input: {id: $id, version: $v}) { procurementExample { updatedAt } } }", json!({ "id": example["id"], "v": example["version"] }))
        .await;
    assert!(verify.get("errors").is_none(), "{verify}");
    // The verification is a change after the proposal: the partner sees it now.
    assert_eq!(changed(since).await, vec![example["id"].clone()]);
}

/// Needs, events and institutions carry `updatedAt` and their lists take
/// `updatedSince` too (issue 18): a partner's copy learns of a closed need and
/// of a session added to an event's programme.
#[tokio::test]
async fn a_partner_syncs_needs_events_and_institutions_that_changed() {
    let app = TestApp::spawn().await;
    let admin = app.staff("admin@example.org", "--admin").await;
    let moderator = app.staff("moderator@example.org", "--moderator").await;
    let coop = first_cooperative(&app, 2).await;
    let officer = officer_of(&app, &admin, "urzednik@example.org", &coop["seat"]["id"]).await;
    // The time just after a record's `updatedAt`: what changes later is newer.
    let after = |v: &Value| {
        let t = chrono::DateTime::parse_from_rfc3339(v["updatedAt"].as_str().unwrap_or_default())
            .unwrap_or_else(|e| panic!("{v}: {e}"));
        (t + chrono::Duration::milliseconds(1)).to_rfc3339()
    };
    let changed = |query: &'static str, list: &'static str, since: String| {
        let app = &app;
        async move {
            let r = app.query_vars(query, json!({ "t": since })).await;
            assert!(r.get("errors").is_none(), "{r}");
            nodes(&r["data"][list])
                .iter()
                .map(|n| n["id"].clone())
                .collect::<Vec<_>>()
        }
    };

    let posted = app
        .query_as(&officer, "mutation($i: PostNeedInput!) { postNeed(input: $i) { need { id version updatedAt } } }",
            json!({ "i": { "onBehalfOf": coop["seat"]["id"], "title": "Catering (dane testowe)",
                "description": "Obiady", "placeTeryt": coop["seat"]["teryt"] } }))
        .await;
    let need = posted["data"]["postNeed"]["need"].clone();
    let since = after(&need);
    let needs = "query($t: DateTime!) { needs(filter: {updatedSince: $t, status: [OPEN, CLOSED]}, first: 100) { edges { node { id } } } }";
    assert!(!changed(needs, "needs", since.clone())
        .await
        .contains(&need["id"]));
    let closed = app
        .query_as(
            &officer,
            "mutation($i: CloseNeedInput!) { closeNeed(input: $i) { need { updatedAt } } }",
            json!({ "i": { "id": need["id"], "version": need["version"], "reason": "kupione" } }),
        )
        .await;
    assert!(closed.get("errors").is_none(), "{closed}");
    assert_eq!(
        changed(needs, "needs", since).await,
        vec![need["id"].clone()]
    );

    let created = app
        .query_as(
            &moderator,
            "mutation($i: CreateEventInput!) { createEvent(input: $i) { event { id updatedAt } } }",
            json!({ "i": { "kind": "INDUSTRY_MEETING", "title": "Spotkanie branżowe (dane testowe)",
                "startsAt": "2027-04-13T07:00:00Z", "endsAt": "2027-04-14T14:00:00Z",
                "description": "Usługi opiekuńcze" } }),
        )
        .await;
    let event = created["data"]["createEvent"]["event"].clone();
    let since = after(&event);
    let events =
        "query($t: DateTime!) { events(updatedSince: $t, first: 100) { edges { node { id } } } }";
    assert!(!changed(events, "events", since.clone())
        .await
        .contains(&event["id"]));
    let added = app
        .query_as(
            &moderator,
            "mutation($i: AddEventSessionInput!) { addEventSession(input: $i) { session { id } } }",
            json!({ "i": { "event": event["id"], "session": { "title": "Otwarcie",
                "startsAt": "2027-04-13T08:00:00Z", "endsAt": "2027-04-13T09:00:00Z",
                "description": "Powitanie", "speakers": [] } } }),
        )
        .await;
    assert!(added.get("errors").is_none(), "{added}");
    // A new session is a change of the event a partner holds.
    assert_eq!(
        changed(events, "events", since).await,
        vec![event["id"].clone()]
    );

    // Every institution changed before now, none after it.
    let institutions = "query($t: DateTime!) { institutions(filter: {updatedSince: $t}, first: 1) { totalCount edges { node { id updatedAt } } } }";
    let all = app
        .query_vars(institutions, json!({ "t": "2000-01-01T00:00:00Z" }))
        .await;
    let total = all["data"]["institutions"]["totalCount"]
        .as_i64()
        .unwrap_or_default();
    assert!(total > 0, "{all}");
    let first = &nodes(&all["data"]["institutions"])[0];
    let later = app
        .query_vars(institutions, json!({ "t": after(first) }))
        .await;
    assert!(
        later["data"]["institutions"]["totalCount"].as_i64() < Some(total),
        "{later}"
    );
}
