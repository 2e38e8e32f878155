//! The Act on social cooperatives as it stands (issue 18): founders and members
//! checked by the law of the registration year, explained to editors and
//! moderators, refusing nothing; MIXED founders refused for new registrations.

use crate::helpers::{first_error_code, nodes, TestApp};
use serde_json::json;

const CREATE: &str =
    "mutation($i: NewCooperativeInput!) { createCooperative(input: $i) { cooperative { id } } }";
const NOTES: &str = "query($id: ID!) { node(id: $id) { ... on Cooperative { complianceNotes } } }";

#[tokio::test]
async fn editors_and_moderators_read_what_the_records_show_against_the_act() {
    let app = TestApp::spawn().await;
    let moderator = app.staff("moderator@example.org", "--moderator").await;
    let member = app.member("czlonek@example.org").await;
    // Registered in 2017, when five natural persons founded one, with four members.
    let few = json!({ "name": "Spółdzielnia Socjalna Czworo (dane testowe)", "krs": "0001990901",
        "founderKind": "NATURAL_PERSONS", "seatTeryt": "1201011", "registrationDate": "2017-05-02",
        "memberCount": 4 });
    let created = app.query_as(&moderator, CREATE, json!({ "i": few })).await;
    let id = created["data"]["createCooperative"]["cooperative"]["id"].clone();
    assert!(id.is_string(), "{created}");
    let notes = app.query_as(&moderator, NOTES, json!({ "id": id })).await;
    let list = notes["data"]["node"]["complianceNotes"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(list.len(), 1, "{notes}");
    assert!(
        list[0]
            .as_str()
            .is_some_and(|n| n.contains("4 members") && n.contains("art. 5")),
        "{notes}"
    );
    // Nobody else reads them.
    let anonymous = app.query_vars(NOTES, json!({ "id": id })).await;
    assert!(
        anonymous["data"]["node"]["complianceNotes"].is_null(),
        "{anonymous}"
    );
    let other = app.query_as(&member, NOTES, json!({ "id": id })).await;
    assert!(
        other["data"]["node"]["complianceNotes"].is_null(),
        "{other}"
    );

    // MIXED founders have no legal basis: a new registration is refused, naming the field.
    let mut mixed = few.clone();
    mixed["founderKind"] = json!("MIXED");
    mixed["krs"] = json!("0001990902");
    let refused = app
        .query_as(&member, "mutation($i: ProposeCooperativeInput!) { proposeCooperative(input: $i) { request { id } } }", json!({ "i": { "cooperative": mixed } }))
        .await;
    assert_eq!(first_error_code(&refused), "BAD_USER_INPUT", "{refused}");
    assert_eq!(
        refused["errors"][0]["extensions"]["field"], "founderKind",
        "{refused}"
    );

    // The sample follows the Act: no notes on any of it.
    let sample = app
        .query_as(&moderator, "{ cooperatives(first: 100, filter: {isSample: true}) { edges { node { name founderKind complianceNotes } } } }", json!({}))
        .await;
    let all = nodes(&sample["data"]["cooperatives"]);
    assert_eq!(all.len(), 100, "{sample}");
    for c in all {
        assert_eq!(c["complianceNotes"], json!([]), "{c}");
        assert_ne!(c["founderKind"], "MIXED", "{c}");
    }
}

/// What holds whenever a cooperative was registered (art. 18 pkt 2 and 3 of the
/// Act as it stands): at most 50 members, and at least half of them from the
/// groups of art. 4 ust. 1. A declared share outside 0–100 changes nothing.
#[tokio::test]
async fn members_above_fifty_and_a_low_excluded_share_are_explained() {
    let app = TestApp::spawn().await;
    let moderator = app.staff("moderator@example.org", "--moderator").await;
    let coop = json!({ "name": "Spółdzielnia Socjalna Liczna (dane testowe)", "krs": "0001990911",
        "founderKind": "NATURAL_PERSONS", "seatTeryt": "1201011", "registrationDate": "2015-03-02",
        "memberCount": 12 });
    let created = app.query_as(&moderator, CREATE, json!({ "i": coop })).await;
    let id = created["data"]["createCooperative"]["cooperative"]["id"].clone();
    assert!(id.is_string(), "{created}");
    let update = "mutation($i: UpdateCooperativeInput!) { updateCooperative(input: $i) { cooperative { version memberCount excludedMemberShare } } }";
    let read = "query($id: ID!) { node(id: $id) { ... on Cooperative { version memberCount excludedMemberShare complianceNotes } } }";
    let now = app.query_as(&moderator, read, json!({ "id": id })).await;
    assert_eq!(now["data"]["node"]["complianceNotes"], json!([]), "{now}");

    let bad = app
        .query_as(
            &moderator,
            update,
            json!({ "i": { "id": id, "version": now["data"]["node"]["version"],
            "memberCount": 51, "excludedMemberShare": 101 } }),
        )
        .await;
    assert_eq!(first_error_code(&bad), "BAD_USER_INPUT", "{bad}");
    assert_eq!(
        bad["errors"][0]["extensions"]["field"], "excludedMemberShare",
        "{bad}"
    );
    let unchanged = app.query_as(&moderator, read, json!({ "id": id })).await;
    assert_eq!(unchanged, now, "a refused update wrote something");

    let set = app
        .query_as(
            &moderator,
            update,
            json!({ "i": { "id": id, "version": now["data"]["node"]["version"],
            "memberCount": 51, "excludedMemberShare": 40 } }),
        )
        .await;
    assert_eq!(
        set["data"]["updateCooperative"]["cooperative"]["excludedMemberShare"], 40,
        "{set}"
    );
    let notes = app.query_as(&moderator, read, json!({ "id": id })).await;
    let list: Vec<String> = notes["data"]["node"]["complianceNotes"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|n| n.as_str().map(str::to_owned))
        .collect();
    assert_eq!(list.len(), 2, "{notes}");
    assert!(
        list[0].starts_with("51 members") && list[0].contains("art. 18 pkt 2"),
        "{list:?}"
    );
    assert!(
        list[1].starts_with("40 %") && list[1].contains("art. 5 ust. 6"),
        "{list:?}"
    );
}
