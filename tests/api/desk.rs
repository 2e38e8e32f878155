//! The legal desk: a member asks, an advisor answers by the due date, the member
//! rates, the advisor publishes the answer anonymised; and a case reaches its
//! asker and the legal advisors only, through every path.

use crate::helpers::{first_error_code, TestApp};
use crate::ws_client::{acked, listen, next_of, recv, subscribe};
use serde_json::{json, Value};

/// A new member made LEGAL_ADVISOR by `admin`, signed in after the grant: (token, user id).
async fn advisor(app: &TestApp, admin: &str, email: &str) -> (String, Value) {
    let token = app.member(email).await;
    let me = app
        .query_as(&token, "{ me { user { id } } }", json!({}))
        .await;
    let id = me["data"]["me"]["user"]["id"].clone();
    let grant = app
        .query_as(
            admin,
            "mutation($u: ID!) { grantRole(input: {user: $u, role: LEGAL_ADVISOR}) { user { displayName } } }",
            json!({ "u": id }),
        )
        .await;
    assert!(grant.get("errors").is_none(), "{grant}");
    (app.login(email, "a long enough password").await, id)
}

fn items(conn: &Value) -> Vec<Value> {
    conn["nodes"].as_array().cloned().unwrap_or_default()
}

/// The words of the question: a real-shaped PESEL (valid check digit), a name,
/// a phone number, and a word no other record holds.
const QUESTION: &str = "Nazywam się Anna Nowak (PESEL 44051401359, tel. 600 123 456). Chcemy zatrudnić w spółdzielni osobę z niepełnosprawnością — czy możemy dostać dofinansowanie? Sprawa kwadrofoniczna.";

const ATTACH: &str = "mutation($i: AttachToLegalCaseInput!) { attachToLegalCase(input: $i) { legalCase { attachments { name size contentType fromAdvisor contentBase64 } } } }";

const CASE_FIELDS: &str = "id status dueOn submittedAt firstAnswerAt overdue rating mine askerContact question messages { body fromAdvisor internal authorName }";

async fn ask(app: &TestApp, member: &str) -> Value {
    let coop = app
        .data("{ cooperatives(first: 1) { nodes { id } } }")
        .await["cooperatives"]["nodes"][0]["id"]
        .clone();
    let asked = app
        .query_as(
            member,
            &format!("mutation($i: AskLegalQuestionInput!) {{ askLegalQuestion(input: $i) {{ legalCase {{ {CASE_FIELDS} }} }} }}"),
            json!({ "i": { "topic": "EMPLOYMENT", "question": QUESTION, "cooperative": coop } }),
        )
        .await;
    let c = asked["data"]["askLegalQuestion"]["legalCase"].clone();
    assert_eq!(c["status"], "NEW", "{asked}");
    c
}

#[tokio::test]
async fn a_member_asks_an_advisor_answers_on_time_she_rates_and_the_answer_is_published_anonymised()
{
    let app = TestApp::spawn().await;
    let admin = app.staff("admin@example.org", "--admin").await;
    let (adv, adv_id) = advisor(&app, &admin, "prawnik@example.org").await;
    let member = app.member("prezeska@example.org").await;
    let c = ask(&app, &member).await;
    let id = c["id"].clone();

    // Due 7 days on, never on a weekend.
    let submitted =
        chrono::DateTime::parse_from_rfc3339(c["submittedAt"].as_str().unwrap_or_default())
            .unwrap_or_else(|e| panic!("{e}"));
    let due =
        chrono::NaiveDate::parse_from_str(c["dueOn"].as_str().unwrap_or_default(), "%Y-%m-%d")
            .unwrap_or_else(|e| panic!("{e}"));
    use chrono::Datelike;
    let local = submitted
        .with_timezone(&chrono_tz::Europe::Warsaw)
        .date_naive();
    assert!(due >= local + chrono::Days::new(7), "{c}");
    assert!(due <= local + chrono::Days::new(14), "{c}");
    assert!(
        !matches!(due.weekday(), chrono::Weekday::Sat | chrono::Weekday::Sun),
        "{c}"
    );

    // The queue: the advisor takes it and answers.
    let queue = app
        .query_as(
            &adv,
            "{ legalCaseQueue { totalCount nodes { id status overdue } } }",
            json!({}),
        )
        .await;
    assert!(
        items(&queue["data"]["legalCaseQueue"])
            .iter()
            .any(|n| n["id"] == id),
        "{queue}"
    );
    let assigned = app
        .query_as(&adv, "mutation($c: ID!, $a: ID!) { assignLegalCase(input: {case: $c, advisor: $a}) { legalCase { status } } }", json!({ "c": id, "a": adv_id }))
        .await;
    assert_eq!(
        assigned["data"]["assignLegalCase"]["legalCase"]["status"], "ASSIGNED",
        "{assigned}"
    );
    let reply = format!("mutation($i: ReplyToLegalCaseInput!) {{ replyToLegalCase(input: $i) {{ legalCase {{ {CASE_FIELDS} }} }} }}");
    let note = app
        .query_as(&adv, &reply, json!({ "i": { "case": id, "body": "Sprawdzić wysokość dofinansowania z PFRON.", "kind": "INTERNAL_NOTE" } }))
        .await;
    assert_eq!(
        note["data"]["replyToLegalCase"]["legalCase"]["status"], "ASSIGNED",
        "{note}"
    );
    let answer = "Tak: pracodawca zatrudniający osobę z orzeczeniem o niepełnosprawności może otrzymać miesięczne dofinansowanie do wynagrodzenia z PFRON (art. 26a ustawy o rehabilitacji zawodowej). Proszę zadzwonić do Pani Anny Nowak pod 600 123 456, gdyby były pytania.";
    let answered = app
        .query_as(&adv, &reply, json!({ "i": { "case": id, "body": answer } }))
        .await;
    let a = &answered["data"]["replyToLegalCase"]["legalCase"];
    assert_eq!(a["status"], "ANSWERED", "{answered}");
    let first =
        chrono::DateTime::parse_from_rfc3339(a["firstAnswerAt"].as_str().unwrap_or_default())
            .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        first.with_timezone(&chrono_tz::Europe::Warsaw).date_naive() <= due,
        "answered on time: {a}"
    );

    // The asker reads the answer, not the note; closes and rates, once.
    let hers = app
        .query_as(&member, &format!("query($id: ID!) {{ legalCase(id: $id) {{ {CASE_FIELDS} }} myLegalCases {{ totalCount }} }}"), json!({ "id": id }))
        .await;
    let h = &hers["data"]["legalCase"];
    assert_eq!(h["mine"], true);
    let bodies: Vec<&str> = h["messages"].as_array().map_or(Vec::new(), |m| {
        m.iter().filter_map(|x| x["body"].as_str()).collect()
    });
    assert_eq!(bodies, vec![answer], "{hers}");
    assert_eq!(hers["data"]["myLegalCases"]["totalCount"], 1);
    let early = app
        .query_as(&member, "mutation($c: ID!) { rateLegalCase(input: {case: $c, rating: 5}) { legalCase { rating } } }", json!({ "c": id }))
        .await;
    assert_eq!(
        first_error_code(&early),
        "BAD_USER_INPUT",
        "rated before closing: {early}"
    );
    let closed = app
        .query_as(
            &member,
            "mutation($c: ID!) { closeLegalCase(input: {case: $c}) { legalCase { status } } }",
            json!({ "c": id }),
        )
        .await;
    assert_eq!(
        closed["data"]["closeLegalCase"]["legalCase"]["status"], "CLOSED",
        "{closed}"
    );
    let rated = app
        .query_as(&member, "mutation($c: ID!) { rateLegalCase(input: {case: $c, rating: 5}) { legalCase { rating } } }", json!({ "c": id }))
        .await;
    assert_eq!(
        rated["data"]["rateLegalCase"]["legalCase"]["rating"], 5,
        "{rated}"
    );
    let again = app
        .query_as(&member, "mutation($c: ID!) { rateLegalCase(input: {case: $c, rating: 1}) { legalCase { rating } } }", json!({ "c": id }))
        .await;
    assert_eq!(first_error_code(&again), "BAD_USER_INPUT", "{again}");

    // The side-by-side: what would go.
    let preview = app
        .query_as(&adv, "query($c: ID!) { legalPublicationPreview(case: $c) { original anonymised removed { kind original replacement } } }", json!({ "c": id }))
        .await;
    let texts = preview["data"]["legalPublicationPreview"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(texts.len(), 2, "{preview}");
    assert_eq!(texts[0]["original"], QUESTION);
    let kinds: Vec<String> = texts
        .iter()
        .flat_map(|t| t["removed"].as_array().cloned().unwrap_or_default())
        .filter_map(|r| r["kind"].as_str().map(str::to_owned))
        .collect();
    for k in ["PESEL", "PERSON", "PHONE"] {
        assert!(kinds.iter().any(|x| x == k), "{k} not removed: {preview}");
    }
    for t in &texts {
        let anon = t["anonymised"].as_str().unwrap_or_default();
        for secret in ["44051401359", "Nowak", "600 123 456"] {
            assert!(!anon.contains(secret), "{secret} left in {anon}");
        }
    }

    // Publishing: only public kinds of links; the texts are anonymised again here.
    let publish = "mutation($i: PublishLegalAnswerInput!) { publishLegalAnswer(input: $i) { article { id slug status kind bodyMarkdown tags mentions { __typename } } legalCase { status } } }";
    let coop = app
        .data("{ cooperatives(first: 1) { nodes { id } } }")
        .await["cooperatives"]["nodes"][0]["id"]
        .clone();
    let s_support = app
        .data("{ recommendation(code: \"S-SUPPORT\") { id } }")
        .await["recommendation"]["id"]
        .clone();
    let input = |mentions: Value| {
        json!({ "i": { "case": id, "title": "Dofinansowanie do zatrudnienia osoby z niepełnosprawnością",
        "slug": "dofinansowanie-zatrudnienie-niepelnosprawnosc", "question": QUESTION, "answer": answer, "tags": ["PFRON"], "mentions": mentions } })
    };
    let refused = app.query_as(&adv, publish, input(json!([coop]))).await;
    assert_eq!(first_error_code(&refused), "BAD_USER_INPUT", "{refused}");
    let mut named = input(json!([s_support]));
    named["i"]["slug"] = json!("pytanie-anny-nowak");
    let refused = app.query_as(&adv, publish, named).await;
    assert_eq!(first_error_code(&refused), "BAD_USER_INPUT", "{refused}");
    assert!(
        !refused.to_string().contains("nowak"),
        "the error repeats the name: {refused}"
    );
    let by_member = app
        .query_as(&member, publish, input(json!([s_support])))
        .await;
    assert_eq!(first_error_code(&by_member), "FORBIDDEN", "{by_member}");
    let published = app.query_as(&adv, publish, input(json!([s_support]))).await;
    let art = &published["data"]["publishLegalAnswer"]["article"];
    assert_eq!(art["status"], "PUBLISHED", "{published}");
    assert_eq!(art["kind"], "QUESTION_AND_ANSWER");
    assert_eq!(art["mentions"], json!([{ "__typename": "Recommendation" }]));
    assert!(
        !art["tags"].to_string().to_lowercase().contains("nowak"),
        "{art}"
    );
    let body = art["bodyMarkdown"].as_str().unwrap_or_default();
    for secret in ["44051401359", "Nowak", "600 123 456", "Anna"] {
        assert!(!body.contains(secret), "{secret} published: {body}");
    }
    assert!(
        body.contains("[PESEL]") && body.contains("art. 26a"),
        "{body}"
    );
    // The public finds it; nothing links it to the case, the asker or her cooperative.
    let found = app
        .query("{ search(query: \"kwadrofoniczna\", types: [ARTICLE]) { totalCount nodes { ... on Article { slug mentions { __typename } } } } }")
        .await;
    assert_eq!(found["data"]["search"]["totalCount"], 1, "{found}");
    assert_eq!(
        found["data"]["search"]["nodes"][0]["slug"],
        "dofinansowanie-zatrudnienie-niepelnosprawnosc"
    );
    let twice = app.query_as(&adv, publish, input(json!([]))).await;
    assert_eq!(first_error_code(&twice), "BAD_USER_INPUT", "{twice}");
    // Her data includes her question.
    let data = app.query_as(&member, "{ myData }", json!({})).await;
    assert!(
        data["data"]["myData"]
            .as_str()
            .unwrap_or_default()
            .contains("kwadrofoniczna"),
        "{data}"
    );
}

#[tokio::test]
async fn a_case_reaches_its_asker_and_the_advisors_only_through_every_path() {
    let app = TestApp::spawn().await;
    let admin = app.staff("admin@example.org", "--admin").await;
    let moderator = app.staff("moderator@example.org", "--moderator").await;
    let (adv, _) = advisor(&app, &admin, "prawnik@example.org").await;
    let asker = app.member("pytajaca@example.org").await;
    let other = app.member("inny@example.org").await;
    let key = app.cli(&["api-key", "create", "--partner", "Portal"], None);
    let partner = key.lines().last().unwrap_or_default().trim().to_owned();
    let c = ask(&app, &asker).await;
    let id = c["id"].clone();
    let noted = app
        .query_as(&adv, "mutation($c: ID!) { replyToLegalCase(input: {case: $c, body: \"Notatka kwadrofoniczna dla prawników.\", kind: INTERNAL_NOTE}) { legalCase { status } } }", json!({ "c": id }))
        .await;
    assert!(noted.get("errors").is_none(), "{noted}");
    let logged = app
        .query_as(&adv, "mutation { logLegalCase(input: {topic: FOUNDING, question: \"Telefon: jak założyć spółdzielnię?\", askerName: \"Jan Dzwoniący\", askerContact: \"+48 600 000 001\"}) { legalCase { id askerContact } } }", json!({}))
        .await;
    let call = logged["data"]["logLegalCase"]["legalCase"].clone();
    assert_eq!(call["askerContact"], "+48 600 000 001", "{logged}");

    let run = |token: Option<String>, query: &'static str, vars: Value| {
        let app = &app;
        async move {
            match token {
                Some(t) => app.query_as(&t, query, vars).await,
                None => app.query_vars(query, vars).await,
            }
        }
    };
    let outsiders: Vec<(&str, Option<String>)> = vec![
        ("anonymous", None),
        ("another member", Some(other.clone())),
        ("moderator", Some(moderator.clone())),
        ("admin", Some(admin.clone())),
        ("partner key", Some(partner.clone())),
    ];
    for (who, token) in outsiders {
        let vars = json!({ "id": id, "call": call["id"] });
        let b = run(token.clone(), "query($id: ID!, $call: ID!) { a: legalCase(id: $id) { id } b: legalCase(id: $call) { id } }", vars.clone()).await;
        assert!(
            b["data"]["a"].is_null() && b["data"]["b"].is_null(),
            "{who}: legalCase {b}"
        );
        let b = run(
            token.clone(),
            "query($id: ID!) { node(id: $id) { id } }",
            vars.clone(),
        )
        .await;
        assert!(b["data"]["node"].is_null(), "{who}: node {b}");
        let b = run(
            token.clone(),
            "{ legalCaseQueue { totalCount } }",
            json!({}),
        )
        .await;
        assert!(
            b["data"].is_null() || b["data"]["legalCaseQueue"].is_null(),
            "{who}: queue {b}"
        );
        assert!(
            ["FORBIDDEN", "UNAUTHENTICATED"].contains(&first_error_code(&b).as_str()),
            "{who}: {b}"
        );
        let b = run(token.clone(), "{ myLegalCases { totalCount } }", json!({})).await;
        assert!(
            b["data"]["myLegalCases"]["totalCount"] == 0
                || b["data"].is_null()
                || b["data"]["myLegalCases"].is_null(),
            "{who}: mine {b}"
        );
        let b = run(
            token.clone(),
            "{ search(query: \"kwadrofoniczna\") { totalCount } }",
            json!({}),
        )
        .await;
        assert_eq!(b["data"]["search"]["totalCount"], 0, "{who}: search {b}");
        let b = run(
            token.clone(),
            "query($id: ID!) { history(id: $id) { totalCount } }",
            vars.clone(),
        )
        .await;
        assert!(
            b["data"].is_null() || b["data"]["history"].is_null(),
            "{who}: history {b}"
        );
        let b = run(
            token.clone(),
            "query($id: ID!) { legalPublicationPreview(case: $id) { anonymised } }",
            vars.clone(),
        )
        .await;
        assert!(
            b["data"].is_null() || b["data"]["legalPublicationPreview"].is_null(),
            "{who}: preview {b}"
        );
        for m in [
            "mutation($id: ID!) { replyToLegalCase(input: {case: $id, body: \"x\"}) { legalCase { question } } }",
            "mutation($id: ID!) { closeLegalCase(input: {case: $id}) { legalCase { question } } }",
            "mutation($id: ID!) { rateLegalCase(input: {case: $id, rating: 1}) { legalCase { question } } }",
        ] {
            let b = run(token.clone(), m, vars.clone()).await;
            assert!(b.get("errors").is_some(), "{who}: {m} {b}");
            assert!(!b.to_string().contains("kwadrofoniczna") && !b.to_string().contains("Nowak"), "{who}: an error tells: {b}");
        }
        if let Some(t) = &token {
            let b = app.query_as(t, "{ myData }", json!({})).await;
            assert!(
                !b.to_string().contains("kwadrofoniczna"),
                "{who}: myData {b}"
            );
        }
    }
    // Public figures: a month and topic of one or two cases is left out.
    let f = app
        .query("{ legalDeskFigures { months { month topic cases } medianHoursToFirstAnswer overdueNow } }")
        .await;
    assert_eq!(
        f["data"]["legalDeskFigures"]["months"],
        json!([]),
        "small cells shown: {f}"
    );
    assert!(
        f["data"]["legalDeskFigures"]["medianHoursToFirstAnswer"].is_null(),
        "{f}"
    );

    // The asker: her case, without the advisors' note or the caller's case.
    let hers = app
        .query_as(&asker, "query($id: ID!, $call: ID!) { a: legalCase(id: $id) { question askerContact messages { internal } } b: legalCase(id: $call) { id } node(id: $id) { id } }", json!({ "id": id, "call": call["id"] }))
        .await;
    assert_eq!(hers["data"]["a"]["question"], QUESTION, "{hers}");
    assert_eq!(hers["data"]["a"]["messages"], json!([]), "{hers}");
    assert!(
        hers["data"]["b"].is_null() && hers["data"]["node"].is_null(),
        "{hers}"
    );
    // Advisors: every case, notes and the caller's contact.
    let theirs = app
        .query_as(&adv, "query($call: ID!) { legalCase(id: $call) { askerContact } legalCaseQueue { totalCount } }", json!({ "call": call["id"] }))
        .await;
    assert_eq!(
        theirs["data"]["legalCase"]["askerContact"],
        "+48 600 000 001"
    );
    assert_eq!(
        theirs["data"]["legalCaseQueue"]["totalCount"], 2,
        "{theirs}"
    );
}

#[tokio::test]
async fn deleting_the_account_erases_the_question_and_messages_and_keeps_that_a_case_existed() {
    let app = TestApp::spawn().await;
    let admin = app.staff("admin@example.org", "--admin").await;
    let (adv, _) = advisor(&app, &admin, "prawnik@example.org").await;
    let asker = app.member("pytajaca@example.org").await;
    let c = ask(&app, &asker).await;
    let answered = app
        .query_as(&adv, "mutation($c: ID!) { replyToLegalCase(input: {case: $c, body: \"Odpowiedź dla Pani Anny Nowak.\"}) { legalCase { status } } }", json!({ "c": c["id"] }))
        .await;
    assert_eq!(
        answered["data"]["replyToLegalCase"]["legalCase"]["status"], "ANSWERED",
        "{answered}"
    );
    // A scan of a medical certificate, attached by the asker.
    let folder = std::env::temp_dir().join(format!(
        "coophub-attachments-{}",
        &coophub::auth::sha256_hex(&app.database_url)[..16]
    ));
    let files = || std::fs::read_dir(&folder).map_or(0, |d| d.count());
    let attached = app
        .query_as(&asker, ATTACH, json!({ "i": { "case": c["id"], "name": "orzeczenie.pdf", "contentType": "application/pdf", "contentBase64": "JVBERi0xLjQKJSBvcnplY3plbmllCg==" } }))
        .await;
    assert!(attached.get("errors").is_none(), "{attached}");
    assert_eq!(files(), 1);
    let del = app
        .query_as(
            &asker,
            "mutation { deleteAccount(input: {password: \"a long enough password\"}) { deleted } }",
            json!({}),
        )
        .await;
    assert_eq!(del["data"]["deleteAccount"]["deleted"], true, "{del}");
    let seen = app
        .query_as(&adv, "query($id: ID!) { legalCase(id: $id) { question status messages { body } cooperative { id } } legalCaseQueue(filter: {status: [CLOSED]}) { totalCount } }", json!({ "id": c["id"] }))
        .await;
    let s = &seen["data"]["legalCase"];
    assert_eq!(files(), 0, "the attachment outlived the account");
    assert_eq!(s["question"], "", "{seen}");
    assert_eq!(s["messages"], json!([]), "{seen}");
    assert!(s["cooperative"].is_null(), "{seen}");
    assert_eq!(
        seen["data"]["legalCaseQueue"]["totalCount"], 1,
        "the case still counts, closed: {seen}"
    );
    // Nothing of it can be published any more.
    let preview = app
        .query_as(
            &adv,
            "query($id: ID!) { legalPublicationPreview(case: $id) { anonymised } }",
            json!({ "id": c["id"] }),
        )
        .await;
    assert_eq!(first_error_code(&preview), "BAD_USER_INPUT", "{preview}");
}

#[tokio::test]
async fn bad_desk_input_is_refused_and_changes_nothing() {
    let app = TestApp::spawn().await;
    let admin = app.staff("admin@example.org", "--admin").await;
    let (adv, _) = advisor(&app, &admin, "prawnik@example.org").await;
    let member = app.member("czlonek@example.org").await;
    let ask =
        "mutation($i: AskLegalQuestionInput!) { askLegalQuestion(input: $i) { legalCase { id } } }";
    for i in [
        json!({ "topic": "TAXES", "question": "   " }),
        json!({ "topic": "TAXES", "question": "x", "cooperative": "Q29vcGVyYXRpdmU6OTk5OTk5" }),
        json!({ "topic": "TAXES", "question": "x".repeat(20_001) }),
    ] {
        let b = app.query_as(&member, ask, json!({ "i": i })).await;
        assert_eq!(first_error_code(&b), "BAD_USER_INPUT", "{b}");
    }
    let anon = app
        .query_vars(
            ask,
            json!({ "i": { "topic": "TAXES", "question": "Pytanie" } }),
        )
        .await;
    assert_eq!(first_error_code(&anon), "UNAUTHENTICATED", "{anon}");
    let log = app
        .query_as(&member, "mutation { logLegalCase(input: {topic: OTHER, question: \"q\", askerName: \"X\", askerContact: \"Y\"}) { legalCase { id } } }", json!({}))
        .await;
    assert_eq!(first_error_code(&log), "FORBIDDEN", "{log}");
    let queue = app
        .query_as(&adv, "{ legalCaseQueue { totalCount } }", json!({}))
        .await;
    assert_eq!(queue["data"]["legalCaseQueue"]["totalCount"], 0, "{queue}");
}

#[tokio::test]
async fn files_attached_to_a_case_are_read_as_the_case_is() {
    let app = TestApp::spawn().await;
    let admin = app.staff("admin@example.org", "--admin").await;
    let (adv, _) = advisor(&app, &admin, "prawnik@example.org").await;
    let asker = app.member("pytajaca@example.org").await;
    let other = app.member("inny@example.org").await;
    let c = ask(&app, &asker).await;
    let pdf = "JVBERi0xLjQKJSBzdGF0dXQK"; // "%PDF-1.4\n% statut\n"
    let file = |name: &str, ty: &str, content: &str| json!({ "i": { "case": c["id"], "name": name, "contentType": ty, "contentBase64": content } });
    let sent = app
        .query_as(&asker, ATTACH, file("statut.pdf", "application/pdf", pdf))
        .await;
    let list = &sent["data"]["attachToLegalCase"]["legalCase"]["attachments"];
    assert_eq!(list[0]["name"], "statut.pdf", "{sent}");
    assert_eq!(list[0]["size"], 18);
    assert_eq!(list[0]["fromAdvisor"], false);
    assert_eq!(list[0]["contentBase64"], pdf);
    let read = app
        .query_as(
            &adv,
            "query($id: ID!) { legalCase(id: $id) { attachments { name contentBase64 } } }",
            json!({ "id": c["id"] }),
        )
        .await;
    assert_eq!(
        read["data"]["legalCase"]["attachments"][0]["contentBase64"], pdf,
        "{read}"
    );
    // Others cannot attach, nor learn that the case exists.
    let refused = app
        .query_as(&other, ATTACH, file("x.pdf", "application/pdf", pdf))
        .await;
    assert_eq!(first_error_code(&refused), "NOT_FOUND", "{refused}");
    // Bad files change nothing.
    let too_big = base64_of(&vec![b'a'; 1024 * 1024 + 1]);
    for (f, why) in [
        (file("x.exe", "application/x-msdownload", pdf), "type"),
        (file("x.pdf", "application/pdf", "not base64!"), "encoding"),
        (file("x.txt", "text/plain", &too_big), "size"),
        (file("", "application/pdf", pdf), "name"),
    ] {
        let b = app.query_as(&asker, ATTACH, f).await;
        assert_eq!(first_error_code(&b), "BAD_USER_INPUT", "{why}: {b}");
    }
    let after = app
        .query_as(
            &asker,
            "query($id: ID!) { legalCase(id: $id) { attachments { name } } }",
            json!({ "id": c["id"] }),
        )
        .await;
    assert_eq!(
        after["data"]["legalCase"]["attachments"]
            .as_array()
            .map(Vec::len),
        Some(1),
        "{after}"
    );
}

fn base64_of(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

const FEED: &str = "subscription($id: ID!) { legalCaseUpdated(id: $id) { status advisorName messages { body internal } } }";

#[tokio::test]
async fn a_case_arrives_live_to_its_asker_and_its_advisors_only() {
    let app = TestApp::spawn().await;
    let admin = app.staff("admin@example.org", "--admin").await;
    let moderator = app.staff("moderator@example.org", "--moderator").await;
    let (adv, adv_id) = advisor(&app, &admin, "prawnik@example.org").await;
    let asker = app.member("pytajaca@example.org").await;
    let other = app.member("inny@example.org").await;
    let c = ask(&app, &asker).await;
    let vars = json!({ "id": c["id"] });
    // Nobody else may open it, and the refusal tells nothing.
    for token in [None, Some(other.as_str()), Some(moderator.as_str())] {
        let mut s = acked(&app, token).await;
        subscribe(&mut s, "x", FEED, vars.clone()).await;
        // A resolver's error: one `next` with the error and no data, then the end.
        let m = recv(&mut s).await;
        assert_eq!(m["type"], "next", "{m}");
        assert!(m["payload"]["data"].is_null(), "{m}");
        assert_eq!(
            m["payload"]["errors"][0]["extensions"]["code"], "NOT_FOUND",
            "{m}"
        );
        assert!(!m.to_string().contains("kwadrofoniczna"), "{m}");
    }
    let mut hers = acked(&app, Some(&asker)).await;
    listen(&mut hers, "h", FEED, vars.clone()).await;
    let mut theirs = acked(&app, Some(&adv)).await;
    listen(&mut theirs, "a", FEED, vars.clone()).await;

    let assigned = app
        .query_as(&adv, "mutation($c: ID!, $a: ID!) { assignLegalCase(input: {case: $c, advisor: $a}) { legalCase { status } } }", json!({ "c": c["id"], "a": adv_id }))
        .await;
    assert!(assigned.get("errors").is_none(), "{assigned}");
    let got = next_of(&mut hers, "h").await["data"]["legalCaseUpdated"].clone();
    assert_eq!(got["status"], "ASSIGNED", "{got}");
    assert_eq!(got["advisorName"], "prawnik", "{got}");
    assert_eq!(
        got["messages"],
        json!([]),
        "the handover note reached the asker: {got}"
    );
    let got = next_of(&mut theirs, "a").await["data"]["legalCaseUpdated"].clone();
    assert_eq!(got["messages"][0]["internal"], true, "{got}");

    // A note changes nothing the asker sees; the answer that follows is her next update.
    let reply = "mutation($i: ReplyToLegalCaseInput!) { replyToLegalCase(input: $i) { legalCase { status } } }";
    let note = app
        .query_as(
            &adv,
            reply,
            json!({ "i": { "case": c["id"], "body": "Notatka.", "kind": "INTERNAL_NOTE" } }),
        )
        .await;
    assert!(note.get("errors").is_none(), "{note}");
    let answer = app
        .query_as(
            &adv,
            reply,
            json!({ "i": { "case": c["id"], "body": "Odpowiedź." } }),
        )
        .await;
    assert!(answer.get("errors").is_none(), "{answer}");
    let got = next_of(&mut hers, "h").await["data"]["legalCaseUpdated"].clone();
    assert_eq!(got["status"], "ANSWERED", "{got}");
    assert_eq!(
        got["messages"],
        json!([{ "body": "Odpowiedź.", "internal": false }]),
        "{got}"
    );
    let got = next_of(&mut theirs, "a").await["data"]["legalCaseUpdated"].clone();
    assert_eq!(got["status"], "ANSWERED", "{got}");
    assert_eq!(got["messages"].as_array().map(Vec::len), Some(3), "{got}");
}
