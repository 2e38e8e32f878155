//! One visibility policy: who may see which record and which field, the SQL form
//! of the same rules (so lists and counts agree with `node(id:)`), and the table
//! of every object type of the schema with its rule and its cache data domain
//! (`table`). It decides; it loads nothing: callers pass the rows they hold.
//!
//! Where each rule lives, and who asks it:
//!
//! | rule | function | asked by |
//! |---|---|---|
//! | a hidden post exists only for moderators; a deleted one is a tombstone | `post_visible`, `visible_posts`, `post_body_shown` | `node`, `Thread.posts`, `Post.replyTo`, `Post.body*`, the live feeds and their catch-ups, `addPost(replyTo:)`, `editPost`/`deletePost`/`hidePost`/`restorePost` |
//! | what counts as a post (neither hidden nor deleted) | `readable_posts` | `Thread.postCount`, `Thread.lastActivityAt`, `Thread.unreadCount` |
//! | a person shows only with consent (a public profile), or to themselves | `person_visible` | `node`, `person`, `Cooperative.people`, authors, speakers, participants |
//! | views alike for every viewer show people with a public profile only | `consenting_person_sql` | `neighbourhood` (the network graph) |
//! | a procurement example is public once verified; before, its proposer's and moderators' | `procurement_visible` | `node`, `search` |
//! | lists, counts, search, evidence and exports show verified examples only | `procurement_listed`, `listed_procurement`, `listed_procurement_sql` | `procurementExamples`, a buyer's or supplier's examples, the search index, activity, need candidates, the moderators' queue |
//! | a recommendation or an article is public once published; drafts, texts in review and unpublished ones only content editors and moderators see | `content_visible` | `node`, `recommendation`, `article`, `Article.mentions` targets that are recommendations |
//! | lists, counts, search and the links between records show published texts only | `content_listed`, `listed_content` | `recommendations`, `articles`, `X.mentionedIn`, `Recommendation.examples` ↔ `ProcurementExample.illustrates`, `Publication.articles`, the search index (content staff list the others with an explicit `status` filter) |
//! | a record's history: its editors and moderators | `history_visible` | `history` |
//! | a legal case: its asker and the legal advisors; the caller's contact, internal notes and the published answer: advisors only | `case_visible`, `case_internals_visible` | `legalCase`, `myLegalCases`, `legalCaseQueue`, `legalPublicationPreview`, every desk mutation, `myData` |
//! | whose answers are alike (may be shared by the response cache) | `visibility_class` | the response cache |
//!
//! Rules tied to a role rather than to a record (the moderators' queues, the
//! admins' keys) are `Viewer::require_*` checks at the top of their resolvers
//! (`auth.rs`); the account's own data is built from the viewer's own id and never
//! looked up by another. `table::TYPES` names the rule of every object type.
//!
//! Adding a type: give it a line in `table::TYPES` (and its tables a line in
//! `table::TABLES`); the tests of `table` enumerate the real schema, and
//! `tests/api/writes.rs` the database's tables, and fail, naming it, until it has
//! one. A mutation needs no line: its writes run in a `db::write::Write`, which
//! reads the tables they change off its statements. A new rule gets its function here, used by every
//! path that shows the record (field, `node`, list, count, search, export, feed).

pub mod table;

pub use table::{Data, Domain, Rule};

use crate::auth::Viewer;
use entity::{content, offering, person, post, procurement_example};
use sea_orm::{ColumnTrait, Condition};

/// Whether a post may be seen: a hidden post only by moderators. A deleted post
/// stays in view as a tombstone (`post_body_shown`).
pub fn post_visible(moderator: bool, p: &post::Model) -> bool {
    moderator || !p.hidden
}

/// `post_visible` as a condition on `post`, for lists and counts.
pub fn visible_posts(moderator: bool) -> Condition {
    let c = Condition::all();
    if moderator {
        c
    } else {
        c.add(post::Column::Hidden.eq(false))
    }
}

/// Whether a post's body is shown: not once its author deleted it.
pub fn post_body_shown(p: &post::Model) -> bool {
    !p.deleted
}

/// The posts a thread counts (its `postCount`, its last activity, unread posts):
/// those anyone can read, neither hidden nor deleted.
pub fn readable_posts() -> Condition {
    visible_posts(false).add(post::Column::Deleted.eq(false))
}

/// Whether the viewer may see a person: they agreed to a public profile, or the
/// viewer is that person. Others appear as "Anonymous participant", unlinked.
pub fn person_visible(v: &Viewer, p: &person::Model) -> bool {
    p.public_profile || matches!((v, p.user_id), (Viewer::User { id, .. }, Some(u)) if *id == u)
}

/// The people anyone may see, as SQL text for raw statements (`alias` names the
/// `person` table): those who agreed to a public profile. Views that are the
/// same for every viewer (the network graph) show only these.
pub fn consenting_person_sql(alias: &str) -> String {
    format!("{alias}.public_profile = TRUE")
}

/// Whether the viewer may see a procurement example: verified ones are public; a
/// proposal only its proposer and moderators see (`node`, `search`).
pub fn procurement_visible(v: &Viewer, p: &procurement_example::Model) -> bool {
    procurement_listed(p)
        || v.is_moderator()
        || (p.proposed_by.is_some() && p.proposed_by == v.user_id().ok())
}

/// Whether a procurement example is listed, counted and used as evidence: once
/// verified, for everyone alike (proposals wait in the moderators' queue).
pub fn procurement_listed(p: &procurement_example::Model) -> bool {
    p.verified
}

/// `procurement_listed` as a condition on `procurement_example`.
pub fn listed_procurement() -> Condition {
    Condition::all().add(procurement_example::Column::Verified.eq(true))
}

/// The examples `listed_procurement` leaves out (waiting for verification), as a
/// condition an index on `verified` serves (a negation is not one).
pub fn unlisted_procurement() -> Condition {
    Condition::all().add(procurement_example::Column::Verified.eq(false))
}

/// `procurement_listed` as SQL text, for raw statements: `alias` names the
/// `procurement_example` table in them.
pub fn listed_procurement_sql(alias: &str) -> String {
    format!("{alias}.verified = TRUE")
}

/// Whether the viewer may see a recommendation or an article in this status:
/// published ones everyone; the others content editors and moderators only.
pub fn content_visible(v: &Viewer, status: content::Status) -> bool {
    content_listed(status) || v.is_content_staff()
}

/// Whether a text is listed, counted, searched and linked from other records:
/// once published, for everyone alike.
pub fn content_listed(status: content::Status) -> bool {
    status == content::Status::Published
}

/// `content_listed` as a condition on a table's `status` column.
pub fn listed_content<C: ColumnTrait>(status: C) -> Condition {
    Condition::all().add(status.eq(content::Status::Published))
}

/// `content_listed` as SQL text, for raw statements: `alias` names the table.
pub fn listed_content_sql(alias: &str) -> String {
    format!("{alias}.status = 'PUBLISHED'")
}

/// Whether the viewer may see a legal case: its asker and the legal advisors,
/// nobody else (not moderators, not admins as such).
pub fn case_visible(v: &Viewer, c: &entity::legal_case::Model) -> bool {
    v.is_legal_advisor() || (c.asker_user_id.is_some() && c.asker_user_id == v.user_id().ok())
}

/// Whether the viewer sees what only advisors see of a case: the caller's name
/// and contact, internal notes, the published answer made from it.
pub fn case_internals_visible(v: &Viewer) -> bool {
    v.is_legal_advisor()
}

/// A record whose change history (`history(id:)`) someone asks for, as loaded
/// (None: it no longer exists).
#[derive(Debug, Clone, Copy)]
pub enum Record<'a> {
    Cooperative(i32),
    Offering(Option<&'a offering::Model>),
    ProcurementExample(Option<&'a procurement_example::Model>),
    /// A recommendation, article or publication of the knowledge base.
    Content,
}

/// Whether the viewer may read a record's history: a cooperative's (and its
/// offerings') editors and moderators; a procurement example's moderators and
/// proposer. A deleted offering's history: moderators only (its cooperative is gone
/// from the row). The knowledge base's: content editors and moderators, since it
/// holds every draft.
pub fn history_visible(v: &Viewer, r: Record<'_>) -> bool {
    if v.user_id().is_err() {
        return false;
    }
    match r {
        Record::Cooperative(id) => v.require_editor_of(id).is_ok(),
        Record::Offering(Some(o)) => v.require_editor_of(o.cooperative_id).is_ok(),
        Record::Offering(None) => v.is_moderator(),
        Record::ProcurementExample(p) => {
            v.is_moderator()
                || p.is_some_and(|p| p.proposed_by.is_some() && p.proposed_by == v.user_id().ok())
        }
        Record::Content => v.is_content_staff(),
    }
}

/// Viewers to whom every rule answers alike, so one answer serves them all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VisibilityClass {
    /// Anonymous viewers and partner keys: no rule tells them apart (a test checks
    /// each rule), so their answers may be shared.
    Public,
    /// A signed-in user: rules depend on who they are (their own profile, their
    /// roles); an answer is theirs alone.
    Personal,
}

/// The visibility class of a request's viewer (none: anonymous).
pub fn visibility_class(v: Option<&Viewer>) -> VisibilityClass {
    match v {
        None | Some(Viewer::Anonymous | Viewer::Partner { .. }) => VisibilityClass::Public,
        Some(Viewer::User { .. }) => VisibilityClass::Personal,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::Grant;
    use chrono::Utc;

    fn post(hidden: bool, deleted: bool) -> post::Model {
        post::Model {
            id: 1,
            thread_id: 1,
            author_id: 1,
            body_markdown: "x".into(),
            body_html: "<p>x</p>".into(),
            created_at: Utc::now(),
            edited_at: None,
            reply_to_id: None,
            deleted,
            hidden,
            change_seq: 0,
            last_change: None,
        }
    }

    fn person(public_profile: bool, user_id: Option<i32>) -> person::Model {
        person::Model {
            id: 1,
            display_name: "Anna".into(),
            cooperative_id: None,
            local_government_id: None,
            institution_id: None,
            role_title: None,
            bio: None,
            user_id,
            public_profile,
            is_reference: false,
            updated_at: None,
        }
    }

    fn example(verified: bool, proposed_by: Option<i32>) -> procurement_example::Model {
        procurement_example::Model {
            id: 1,
            buyer_id: 1,
            subject: "Catering".into(),
            procedure: entity::procurement_example::Procedure::BelowThreshold,
            value_grosze: None,
            year: 2025,
            industry_id: None,
            outcome: None,
            lessons: None,
            source: None,
            is_sample: false,
            version: 1,
            proposed_by,
            verified,
            verified_by: None,
            verified_at: None,
            buyer_unit: None,
            updated_at: None,
        }
    }

    fn user(id: i32, grants: Vec<Grant>) -> Viewer {
        Viewer::User { id, grants }
    }

    #[test]
    fn hidden_posts_exist_only_for_moderators_and_deleted_ones_lose_their_body() {
        assert!(post_visible(false, &post(false, false)));
        assert!(!post_visible(false, &post(true, false)));
        assert!(post_visible(true, &post(true, false)));
        assert!(post_visible(false, &post(false, true)), "a tombstone stays");
        assert!(!post_body_shown(&post(false, true)));
        assert!(post_body_shown(&post(true, false)));
    }

    #[test]
    fn a_person_shows_with_consent_or_to_themselves() {
        let anna = person(false, Some(7));
        assert!(!person_visible(&Viewer::Anonymous, &anna));
        assert!(!person_visible(&user(8, vec![Grant::Admin]), &anna));
        assert!(person_visible(&user(7, vec![]), &anna));
        assert!(person_visible(&Viewer::Anonymous, &person(true, None)));
    }

    #[test]
    fn a_proposal_shows_to_its_proposer_and_moderators_and_is_never_listed() {
        let proposal = example(false, Some(7));
        assert!(!procurement_visible(&Viewer::Anonymous, &proposal));
        assert!(!procurement_visible(&user(8, vec![]), &proposal));
        assert!(procurement_visible(&user(7, vec![]), &proposal));
        assert!(procurement_visible(
            &user(9, vec![Grant::Moderator]),
            &proposal
        ));
        assert!(!procurement_listed(&proposal));
        let verified = example(true, Some(7));
        assert!(procurement_visible(&Viewer::Anonymous, &verified));
        assert!(procurement_listed(&verified));
        assert_eq!(listed_procurement_sql("pe"), "pe.verified = TRUE");
    }

    #[test]
    fn history_is_for_editors_moderators_and_a_proposer() {
        let editor = user(7, vec![Grant::Editor(3)]);
        assert!(history_visible(&editor, Record::Cooperative(3)));
        assert!(!history_visible(&editor, Record::Cooperative(4)));
        assert!(!history_visible(&editor, Record::Offering(None)));
        let moderator = user(9, vec![Grant::Moderator]);
        assert!(history_visible(&moderator, Record::Offering(None)));
        let proposal = example(false, Some(7));
        assert!(history_visible(
            &user(7, vec![]),
            Record::ProcurementExample(Some(&proposal))
        ));
        assert!(!history_visible(
            &user(8, vec![]),
            Record::ProcurementExample(Some(&proposal))
        ));
        assert!(!history_visible(
            &Viewer::Partner { key_id: 1 },
            Record::ProcurementExample(None)
        ));
    }

    #[test]
    fn drafts_are_for_content_editors_and_moderators_and_never_listed() {
        use content::Status::*;
        let writer = user(7, vec![Grant::ContentEditor]);
        let moderator = user(9, vec![Grant::Moderator]);
        let member = user(8, vec![Grant::Editor(3), Grant::LegalAdvisor]);
        for s in [Draft, Review, Unpublished] {
            assert!(content_visible(&writer, s));
            assert!(content_visible(&moderator, s));
            assert!(!content_visible(&member, s), "{s:?}");
            assert!(!content_visible(&Viewer::Anonymous, s));
            assert!(!content_listed(s));
        }
        assert!(content_visible(&member, Published));
        assert!(content_listed(Published));
        assert_eq!(listed_content_sql("a"), "a.status = 'PUBLISHED'");
    }

    /// The response cache shares one answer between anonymous viewers and partner
    /// keys: every rule must answer them alike.
    #[test]
    fn anonymous_viewers_and_partner_keys_are_answered_alike_by_every_rule() {
        let partner = Viewer::Partner { key_id: 1 };
        let anonymous = Viewer::Anonymous;
        assert_eq!(visibility_class(Some(&partner)), VisibilityClass::Public);
        assert_eq!(visibility_class(Some(&anonymous)), VisibilityClass::Public);
        assert_eq!(visibility_class(None), VisibilityClass::Public);
        assert_eq!(
            visibility_class(Some(&user(1, vec![]))),
            VisibilityClass::Personal
        );
        for v in [&anonymous, &partner] {
            assert!(!v.is_moderator(), "posts: the moderator flag");
            for p in [
                person(false, Some(1)),
                person(true, Some(1)),
                person(false, None),
            ] {
                assert_eq!(person_visible(v, &p), p.public_profile);
            }
            for e in [example(false, Some(1)), example(true, None)] {
                assert_eq!(procurement_visible(v, &e), e.verified);
            }
            for s in [
                content::Status::Draft,
                content::Status::Review,
                content::Status::Published,
                content::Status::Unpublished,
            ] {
                assert_eq!(content_visible(v, s), content_listed(s));
            }
            for r in [
                Record::Cooperative(1),
                Record::Offering(None),
                Record::ProcurementExample(None),
            ] {
                assert!(!history_visible(v, r));
            }
        }
    }
}
