//! An event's programme and roles: moderators name organisers, organisers build
//! the programme with speakers, consent decides who is shown, places follow.

use crate::helpers::{first_error_code, TestApp};
use serde_json::{json, Value};

fn ok(body: &Value) -> &Value {
    assert!(body.get("errors").is_none(), "{body}");
    &body["data"]
}

/// A member with a forum profile; returns (token, person id).
async fn person(app: &TestApp, email: &str, name: &str, public: bool) -> (String, String) {
    let token = app.member(email).await;
    let r = app
        .query_as(
            &token,
            "mutation($i: UpdateMyProfileInput!) { updateMyProfile(input: $i) { person { id } } }",
            json!({ "i": { "displayName": name, "publicProfile": public } }),
        )
        .await;
    let id = ok(&r)["updateMyProfile"]["person"]["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    (token, id)
}

const ADD: &str = "mutation($i: AddEventSessionInput!) { addEventSession(input: $i) { session { id title startsAtLocal } } }";
const ROLE: &str = "mutation($i: SetEventRoleInput!) { setEventRole(input: $i) { participation { role status } } }";
const PROGRAMME: &str = "query($e: ID!) { event(id: $e) { registeredCount waitingCount sessions { title startsAtLocal endsAtLocal speakers { displayName } anonymousSpeakerCount } } }";

fn session(title: &str, start: &str, end: &str, speakers: &[&str]) -> Value {
    json!({ "title": title, "startsAt": start, "endsAt": end,
            "description": "Doświadczenia spółdzielni", "speakers": speakers })
}

#[tokio::test]
async fn organisers_build_the_programme_and_speakers_follow_consent_and_places() {
    let app = TestApp::spawn().await;
    let moderator = app.staff("mod@example.org", "--moderator").await;
    let created = app
        .query_as(
            &moderator,
            "mutation($i: CreateEventInput!) { createEvent(input: $i) { event { id } } }",
            json!({ "i": {
                "kind": "INDUSTRY_MEETING", "title": "Opieka z sercem 2027",
                "startsAt": "2027-04-13T07:00:00Z", "endsAt": "2027-04-14T14:00:00Z",
                "sector": "care-services", "description": "Usługi opiekuńcze", "capacity": 1 } }),
        )
        .await;
    let event = ok(&created)["createEvent"]["event"]["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let (organiser, organiser_id) =
        person(&app, "org@example.org", "Olga Organizatorka", true).await;
    let (_, public_id) = person(&app, "bea@example.org", "Beata Prelegentka", true).await;
    let (shy, shy_id) = person(&app, "cez@example.org", "Cezary Cichy", false).await;
    let (dana, dana_id) = person(&app, "dana@example.org", "Dana Uczestniczka", true).await;
    let (ewa, _) = person(&app, "ewa@example.org", "Ewa Czekająca", true).await;
    let register =
        "mutation($e: ID!) { registerForEvent(input: {event: $e}) { registration { status } } }";
    for (t, want) in [(&dana, "REGISTERED"), (&ewa, "WAITING")] {
        let r = app.query_as(t, register, json!({ "e": event })).await;
        assert_eq!(ok(&r)["registerForEvent"]["registration"]["status"], want);
    }

    // Not an organiser yet: refused, and nothing changes.
    let first = session(
        "Jak gmina zleca usługi opiekuńcze",
        "2027-04-13T08:00:00Z",
        "2027-04-13T09:30:00Z",
        &[&public_id, &shy_id, &dana_id],
    );
    let r = app
        .query_as(
            &organiser,
            ADD,
            json!({ "i": { "event": event, "session": first } }),
        )
        .await;
    assert_eq!(first_error_code(&r), "FORBIDDEN", "{r}");
    // Only moderators (and organisers) name organisers.
    let r = app
        .query_as(
            &organiser,
            ROLE,
            json!({ "i": { "event": event, "person": organiser_id, "role": "ORGANISER" } }),
        )
        .await;
    assert_eq!(first_error_code(&r), "FORBIDDEN", "{r}");
    let r = app
        .query_as(
            &moderator,
            ROLE,
            json!({ "i": { "event": event, "person": organiser_id, "role": "ORGANISER" } }),
        )
        .await;
    assert_eq!(
        ok(&r)["setEventRole"]["participation"],
        json!({ "role": "ORGANISER", "status": "REGISTERED" })
    );

    // Bad sessions are refused with the field to fix, and write nothing.
    for (bad, field) in [
        (
            session(
                "Za wcześnie",
                "2027-04-12T08:00:00Z",
                "2027-04-12T09:00:00Z",
                &[],
            ),
            "startsAt",
        ),
        (
            session("Wspak", "2027-04-13T10:00:00Z", "2027-04-13T09:00:00Z", &[]),
            "endsAt",
        ),
        (
            session(
                "Dwa razy",
                "2027-04-13T10:00:00Z",
                "2027-04-13T11:00:00Z",
                &[&public_id, &public_id],
            ),
            "speakers",
        ),
        (
            session(
                "Nie osoba",
                "2027-04-13T10:00:00Z",
                "2027-04-13T11:00:00Z",
                &[&event],
            ),
            "speakers",
        ),
    ] {
        let r = app
            .query_as(
                &organiser,
                ADD,
                json!({ "i": { "event": event, "session": bad } }),
            )
            .await;
        assert_eq!(first_error_code(&r), "BAD_USER_INPUT", "{r}");
        assert_eq!(r["errors"][0]["extensions"]["field"], field, "{r}");
    }
    let r = app
        .query_as(&organiser, PROGRAMME, json!({ "e": event }))
        .await;
    assert_eq!(ok(&r)["event"]["sessions"], json!([]));

    // The organiser adds two sessions; the participant who speaks gives up her
    // place, which goes to the first waiting.
    let r = app
        .query_as(
            &organiser,
            ADD,
            json!({ "i": { "event": event, "session": first } }),
        )
        .await;
    let added = &ok(&r)["addEventSession"]["session"];
    assert_eq!(added["startsAtLocal"], "2027-04-13T10:00:00+02:00");
    let first_id = added["id"].as_str().unwrap_or_default().to_owned();
    let second = session(
        "Standardy współpracy",
        "2027-04-13T07:00:00Z",
        "2027-04-13T08:00:00Z",
        &[&public_id],
    );
    let r = app
        .query_as(
            &organiser,
            ADD,
            json!({ "i": { "event": event, "session": second } }),
        )
        .await;
    ok(&r);
    let programme = app.query_vars(PROGRAMME, json!({ "e": event })).await;
    assert_eq!(
        ok(&programme)["event"],
        json!({ "registeredCount": 1, "waitingCount": 0, "sessions": [
            { "title": "Standardy współpracy", "startsAtLocal": "2027-04-13T09:00:00+02:00",
              "endsAtLocal": "2027-04-13T10:00:00+02:00",
              "speakers": [{ "displayName": "Beata Prelegentka" }], "anonymousSpeakerCount": 0 },
            { "title": "Jak gmina zleca usługi opiekuńcze", "startsAtLocal": "2027-04-13T10:00:00+02:00",
              "endsAtLocal": "2027-04-13T11:30:00+02:00",
              "speakers": [{ "displayName": "Beata Prelegentka" }, { "displayName": "Dana Uczestniczka" }],
              "anonymousSpeakerCount": 1 },
        ] })
    );
    let mine = "query($e: ID!) { event(id: $e) { myRegistration { role status } } }";
    let r = app.query_as(&ewa, mine, json!({ "e": event })).await;
    assert_eq!(
        ok(&r)["event"]["myRegistration"],
        json!({ "role": "PARTICIPANT", "status": "REGISTERED" })
    );
    let r = app.query_as(&dana, mine, json!({ "e": event })).await;
    assert_eq!(
        ok(&r)["event"]["myRegistration"],
        json!({ "role": "SPEAKER", "status": "REGISTERED" })
    );
    // The speaker without a public profile sees herself; nobody else does.
    let r = app.query_as(&shy, PROGRAMME, json!({ "e": event })).await;
    assert_eq!(
        ok(&r)["event"]["sessions"][1]["speakers"][1],
        json!({ "displayName": "Cezary Cichy" })
    );
    let node = "query($i: ID!) { node(id: $i) { __typename ... on Person { displayName } ... on EventSession { title } } }";
    let r = app.query_vars(node, json!({ "i": shy_id })).await;
    assert_eq!(ok(&r)["node"], Value::Null);
    let r = app.query_vars(node, json!({ "i": first_id })).await;
    assert_eq!(
        ok(&r)["node"],
        json!({ "__typename": "EventSession", "title": "Jak gmina zleca usługi opiekuńcze" })
    );

    // A speaker cannot become a participant while she speaks, nor cancel herself.
    let demote = json!({ "i": { "event": event, "person": dana_id, "role": "PARTICIPANT" } });
    let r = app.query_as(&organiser, ROLE, demote.clone()).await;
    assert_eq!(first_error_code(&r), "CONFLICT", "{r}");
    let cancel = "mutation($e: ID!) { cancelEventRegistration(input: {event: $e}) { registration { status } } }";
    let r = app.query_as(&dana, cancel, json!({ "e": event })).await;
    assert_eq!(first_error_code(&r), "CONFLICT", "{r}");
    // Taken off the programme, she becomes a participant: the one place is taken, so she waits.
    let update = "mutation($i: UpdateEventSessionInput!) { updateEventSession(input: $i) { session { speakers { displayName } } } }";
    let r = app
        .query_as(&organiser, update, json!({ "i": { "id": first_id, "session": session(
            "Jak gmina zleca usługi opiekuńcze", "2027-04-13T08:00:00Z", "2027-04-13T09:30:00Z", &[&public_id]) } }))
        .await;
    assert_eq!(
        ok(&r)["updateEventSession"]["session"]["speakers"],
        json!([{ "displayName": "Beata Prelegentka" }])
    );
    let r = app.query_as(&organiser, ROLE, demote).await;
    assert_eq!(
        ok(&r)["setEventRole"]["participation"],
        json!({ "role": "PARTICIPANT", "status": "WAITING" })
    );

    let remove = "mutation($i: RemoveEventSessionInput!) { removeEventSession(input: $i) { event { sessions { title } } } }";
    let r = app
        .query_as(&organiser, remove, json!({ "i": { "id": first_id } }))
        .await;
    assert_eq!(
        ok(&r)["removeEventSession"]["event"]["sessions"],
        json!([{ "title": "Standardy współpracy" }])
    );

    // Every change is in the organiser's own data (the audit trail).
    let r = app.query_as(&organiser, "{ myData }", json!({})).await;
    let doc: Value = serde_json::from_str(ok(&r)["myData"].as_str().unwrap_or_default())
        .unwrap_or_else(|e| panic!("{e}"));
    let actions: Vec<String> = doc["changes"]
        .as_array()
        .map(|c| {
            c.iter()
                .map(|c| {
                    format!(
                        "{} {}",
                        c["record"]
                            .as_str()
                            .unwrap_or_default()
                            .split(':')
                            .next()
                            .unwrap_or_default(),
                        c["action"].as_str().unwrap_or_default()
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    for want in [
        "ProgrammeSession CREATE",
        "ProgrammeSession UPDATE",
        "ProgrammeSession DELETE",
        "Participation ROLE",
    ] {
        assert!(
            actions.iter().any(|a| a == want),
            "{want} missing from {actions:?}"
        );
    }
}

#[tokio::test]
async fn reference_events_have_a_read_only_programme() {
    let app = TestApp::spawn().await;
    let moderator = app.staff("mod@example.org", "--moderator").await;
    let (_, speaker) = person(&app, "s@example.org", "Prelegent", true).await;
    let past = app
        .data("{ events(upcoming: false, first: 1) { edges { node { id isReference sessions { title } } } } }")
        .await;
    let ev = &past["events"]["edges"][0]["node"];
    assert_eq!(ev["isReference"], true);
    let r = app
        .query_as(
            &moderator,
            ADD,
            json!({ "i": { "event": ev["id"], "session": session(
            "Dopisane", "2015-11-04T09:00:00Z", "2015-11-04T10:00:00Z", &[&speaker]) } }),
        )
        .await;
    assert_eq!(first_error_code(&r), "CONFLICT", "{r}");
    let r = app
        .query_as(
            &moderator,
            ROLE,
            json!({ "i": { "event": ev["id"], "person": speaker, "role": "SPEAKER" } }),
        )
        .await;
    assert_eq!(first_error_code(&r), "CONFLICT", "{r}");
}
