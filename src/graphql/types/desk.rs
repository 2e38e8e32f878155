//! The legal desk in the schema: cases, their messages, the anonymiser's
//! side-by-side and the desk's aggregate figures. A case reaches only its asker
//! and the legal advisors; it is no `Node`, so `node(id:)` never finds one.

use super::{Article, Cooperative};
use crate::db::desk;
use crate::graphql::{loaders, node::global_id, viewer};
use crate::policy::case_internals_visible;
use async_graphql::{Context, Enum, Object, Result, SimpleObject, ID};
use chrono::{DateTime, NaiveDate, Utc};
use entity::{case_attachment, case_message, legal_case};

/// What a legal question is about.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "entity::legal_case::Topic")]
pub enum LegalTopic {
    /// Founding a cooperative.
    Founding,
    /// Membership: joining, leaving, members' rights.
    Membership,
    /// Employing people, including those at risk of exclusion.
    Employment,
    /// Public procurement.
    PublicProcurement,
    /// Taxes.
    Taxes,
    /// State aid and de minimis.
    StateAid,
    /// Governance: the board, the general assembly, the statute.
    Governance,
    /// Funding and grants.
    Funding,
    /// Anything else.
    Other,
}

/// Where a legal case stands.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "entity::legal_case::Status")]
pub enum LegalCaseStatus {
    /// Submitted; no advisor has it yet.
    New,
    /// An advisor has it.
    Assigned,
    /// The advisor asked the asker something back.
    WaitingForAsker,
    /// The advisor answered.
    Answered,
    /// Closed by its asker or an advisor.
    Closed,
}

/// What an advisor's message does.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum LegalReplyKind {
    /// An answer: the case becomes ANSWERED.
    Answer,
    /// A question back to the asker: WAITING_FOR_ASKER.
    AskBack,
    /// A note for the advisors only; the asker never sees it.
    InternalNote,
}

impl From<LegalReplyKind> for desk::Reply {
    fn from(k: LegalReplyKind) -> Self {
        match k {
            LegalReplyKind::Answer => desk::Reply::Answer,
            LegalReplyKind::AskBack => desk::Reply::AskBack,
            LegalReplyKind::InternalNote => desk::Reply::InternalNote,
        }
    }
}

pub struct LegalCase(pub legal_case::Model);

/// A question to the legal desk; seen only by its asker and the legal advisors.
#[Object]
impl LegalCase {
    /// Its opaque id (for `legalCase(id:)`; `node(id:)` does not serve cases).
    async fn id(&self) -> ID {
        global_id("LegalCase", self.0.id)
    }
    /// What it is about.
    async fn topic(&self) -> LegalTopic {
        self.0.topic.into()
    }
    /// The question as asked (empty once the asker deleted their account).
    async fn question(&self) -> &str {
        &self.0.question
    }
    /// Where it stands.
    async fn status(&self) -> LegalCaseStatus {
        self.0.status.into()
    }
    /// When it was submitted.
    async fn submitted_at(&self) -> DateTime<Utc> {
        self.0.submitted_at
    }
    /// The day the desk answers by: 7 days after submission, moved past
    /// Saturdays, Sundays and public holidays (art. 115 of the Civil Code).
    async fn due_on(&self) -> NaiveDate {
        self.0.due_on
    }
    /// Still open and past its due date.
    async fn overdue(&self) -> bool {
        desk::overdue(&self.0, desk::polish_day(Utc::now()))
    }
    /// When an advisor first answered or asked back.
    async fn first_answer_at(&self) -> Option<DateTime<Utc>> {
        self.0.first_answer_at
    }
    /// When it was last answered.
    async fn answered_at(&self) -> Option<DateTime<Utc>> {
        self.0.answered_at
    }
    /// When it was closed.
    async fn closed_at(&self) -> Option<DateTime<Utc>> {
        self.0.closed_at
    }
    /// The asker's rating (1–5), after closing.
    async fn rating(&self) -> Option<i32> {
        self.0.rating
    }
    /// The cooperative it concerns, if any.
    async fn cooperative(&self, ctx: &Context<'_>) -> Result<Option<Cooperative>> {
        let Some(id) = self.0.cooperative_id else {
            return Ok(None);
        };
        Ok(loaders(ctx)?
            .cooperative
            .load_one(id)
            .await?
            .map(Cooperative))
    }
    /// The advisor who has it (their display name).
    async fn advisor_name(&self, ctx: &Context<'_>) -> Result<Option<String>> {
        let Some(id) = self.0.advisor_user_id else {
            return Ok(None);
        };
        Ok(loaders(ctx)?
            .user
            .load_one(id)
            .await?
            .map(|u| u.display_name))
    }
    /// Whether its asker is the viewer.
    async fn mine(&self, ctx: &Context<'_>) -> bool {
        self.0.asker_user_id.is_some() && self.0.asker_user_id == viewer(ctx).user_id().ok()
    }
    /// The caller's name, for a case logged from a call (advisors only).
    async fn asker_name(&self, ctx: &Context<'_>) -> Option<&str> {
        case_internals_visible(viewer(ctx))
            .then_some(self.0.asker_name.as_deref())
            .flatten()
    }
    /// How to reach the caller (advisors only).
    async fn asker_contact(&self, ctx: &Context<'_>) -> Option<&str> {
        case_internals_visible(viewer(ctx))
            .then_some(self.0.asker_contact.as_deref())
            .flatten()
    }
    /// The conversation, oldest first; internal notes for advisors only.
    async fn messages(&self, ctx: &Context<'_>) -> Result<Vec<CaseMessage>> {
        let db = crate::graphql::db(ctx)?;
        Ok(desk::messages_of(db, viewer(ctx), &self.0)
            .await?
            .into_iter()
            .map(CaseMessage)
            .collect())
    }
    /// Files attached to it, oldest first.
    async fn attachments(&self, ctx: &Context<'_>) -> Result<Vec<CaseAttachment>> {
        let db = crate::graphql::db(ctx)?;
        Ok(desk::attachments_of(db, viewer(ctx), &self.0)
            .await?
            .into_iter()
            .map(CaseAttachment)
            .collect())
    }
    /// The public question and answer made from it (advisors only).
    async fn published_as(&self, ctx: &Context<'_>) -> Result<Option<Article>> {
        if !case_internals_visible(viewer(ctx)) {
            return Ok(None);
        }
        let Some(id) = self.0.article_id else {
            return Ok(None);
        };
        Ok(loaders(ctx)?.article.load_one(id).await?.map(Article))
    }
    /// Changes with every change to the case.
    async fn version(&self) -> i32 {
        self.0.version
    }
}

pub struct CaseMessage(pub case_message::Model);

/// A message of a legal case.
#[Object]
impl CaseMessage {
    /// Its text.
    async fn body(&self) -> &str {
        &self.0.body
    }
    /// Written by a legal advisor (else by the asker).
    async fn from_advisor(&self) -> bool {
        self.0.by_advisor
    }
    /// An advisors' note (only advisors see these).
    async fn internal(&self) -> bool {
        self.0.internal
    }
    /// When it was written.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// Who wrote it: an advisor's display name, or "asker".
    async fn author_name(&self, ctx: &Context<'_>) -> Result<String> {
        if !self.0.by_advisor {
            return Ok("asker".into());
        }
        let Some(id) = self.0.author_user_id else {
            return Ok("former advisor".into());
        };
        Ok(loaders(ctx)?
            .user
            .load_one(id)
            .await?
            .map_or_else(|| "former advisor".into(), |u| u.display_name))
    }
}

pub struct CaseAttachment(pub case_attachment::Model);

/// A file attached to a legal case (seen as its case is).
#[Object]
impl CaseAttachment {
    /// Its opaque id.
    async fn id(&self) -> ID {
        global_id("CaseAttachment", self.0.id)
    }
    /// The file's name as sent.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// Its size in bytes.
    async fn size(&self) -> i64 {
        self.0.size
    }
    /// Its media type.
    async fn content_type(&self) -> &str {
        &self.0.content_type
    }
    /// Sent by a legal advisor (else by the asker).
    async fn from_advisor(&self) -> bool {
        self.0.by_advisor
    }
    /// When it was attached.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// The file itself, base64-encoded (null if the storage lost it). Costly: each
    /// is read whole.
    #[graphql(complexity = 1000)]
    async fn content_base64(&self, ctx: &Context<'_>) -> Result<Option<String>> {
        use base64::{engine::general_purpose::STANDARD, Engine};
        let storage = ctx.data::<std::sync::Arc<dyn crate::attachments::Storage>>()?;
        Ok(storage
            .get(&self.0.storage_key)
            .await?
            .map(|b| STANDARD.encode(b)))
    }
}

/// A piece the anonymiser removed.
#[derive(SimpleObject)]
pub struct AnonymisedPiece {
    /// What it was: PERSON, EMAIL, PHONE, PESEL, NIP, KRS, REGON, ACCOUNT or ADDRESS.
    pub kind: String,
    /// The text removed.
    pub original: String,
    /// What stands in its place.
    pub replacement: String,
}

/// A text before and after anonymisation, for the advisor's side-by-side.
#[derive(SimpleObject)]
pub struct AnonymisedText {
    /// The text as written.
    pub original: String,
    /// The text as it would be published.
    pub anonymised: String,
    /// Each piece removed, in order.
    pub removed: Vec<AnonymisedPiece>,
}

impl AnonymisedText {
    pub fn of(original: &str, a: crate::anonymise::Anonymised) -> Self {
        AnonymisedText {
            original: original.to_owned(),
            anonymised: a.text,
            removed: a
                .removed
                .into_iter()
                .map(|r| AnonymisedPiece {
                    kind: format!("{:?}", r.kind).to_uppercase(),
                    original: r.original,
                    replacement: r.kind.placeholder().to_owned(),
                })
                .collect(),
        }
    }
}

/// Cases of one month and topic.
#[derive(SimpleObject)]
pub struct LegalDeskMonth {
    /// The month of submission (Polish time), `YYYY-MM`.
    pub month: String,
    /// The topic.
    pub topic: LegalTopic,
    /// How many cases (at least 5: smaller cells are left out, so that no asker stands out).
    pub cases: u64,
}

/// The legal desk's figures: aggregates only, small cells suppressed.
#[derive(SimpleObject)]
pub struct LegalDeskFigures {
    /// Cases per month and topic, newest month first; a month and topic with fewer
    /// than 5 cases is left out.
    pub months: Vec<LegalDeskMonth>,
    /// Median hours from submission to the first answer (null under 5 answered cases).
    pub median_hours_to_first_answer: Option<f64>,
    /// Share of cases answered by their due date, of those due by now or answered (null under 5).
    pub answered_on_time: Option<f64>,
    /// Open cases past their due date now.
    pub overdue_now: u64,
}

impl From<desk::Figures> for LegalDeskFigures {
    fn from(f: desk::Figures) -> Self {
        LegalDeskFigures {
            months: f
                .months
                .into_iter()
                .map(|m| LegalDeskMonth {
                    month: m.month,
                    topic: m.topic.into(),
                    cases: m.cases,
                })
                .collect(),
            median_hours_to_first_answer: f.median_hours_to_first_answer,
            answered_on_time: f.answered_on_time,
            overdue_now: f.overdue_now,
        }
    }
}
