//! The legal desk: a case by id, the asker's cases, the advisors' queue, the
//! anonymiser's preview, and the desk's public aggregates.

use crate::db::desk::{self, NEWEST, QUEUE};
use crate::graphql::{
    connection::{build_keyed, cost, Conn, KeyPage},
    db,
    node::expect_id,
    types::{AnonymisedText, LegalCase, LegalCaseStatus, LegalDeskFigures},
    viewer,
};
use async_graphql::{Context, InputObject, Object, Result, ID};

/// Narrows the advisors' queue.
#[derive(InputObject, Default)]
pub struct LegalCaseQueueFilter {
    /// Any of these statuses (default: the open ones, NEW, ASSIGNED and WAITING_FOR_ASKER).
    pub status: Option<Vec<LegalCaseStatus>>,
    /// Only the cases assigned to the viewer.
    pub assigned_to_me: Option<bool>,
}

#[derive(Default)]
pub struct DeskQuery;

#[Object]
impl DeskQuery {
    /// A legal case, for its asker and the legal advisors; null for anyone else,
    /// whether or not it exists.
    async fn legal_case(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The case's id.")] id: ID,
    ) -> Result<Option<LegalCase>> {
        let n = expect_id("id", &id, "LegalCase")?;
        match desk::case_for(db(ctx)?, viewer(ctx), n).await {
            Ok(c) => Ok(Some(LegalCase(c))),
            Err(crate::error::AppError::NotFound(_)) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// The signed-in member's own legal questions, newest first.
    #[graphql(complexity = "cost(first, last, child_complexity)")]
    async fn my_legal_cases(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Only items before this cursor.")] before: Option<String>,
        #[graphql(desc = "The first n items (default 20, at most 100).")] first: Option<i32>,
        #[graphql(desc = "The last n items (at most 100).")] last: Option<i32>,
    ) -> Result<Conn<LegalCase>> {
        let seek = KeyPage::new(after, before, first, last)?.seek(&NEWEST, ctx)?;
        let paged = desk::mine(db(ctx)?, viewer(ctx), &seek).await?;
        Ok(build_keyed(&NEWEST, paged, |m| (LegalCase(m), ())))
    }

    /// The legal advisors' queue: overdue cases first, then by due date (legal advisors only).
    #[graphql(complexity = "cost(first, last, child_complexity)")]
    async fn legal_case_queue(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Conditions; all must hold.")] filter: Option<LegalCaseQueueFilter>,
        #[graphql(desc = "Only items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Only items before this cursor.")] before: Option<String>,
        #[graphql(desc = "The first n items (default 20, at most 100).")] first: Option<i32>,
        #[graphql(desc = "The last n items (at most 100).")] last: Option<i32>,
    ) -> Result<Conn<LegalCase>> {
        let f = filter.unwrap_or_default();
        let seek = KeyPage::new(after, before, first, last)?.seek(&QUEUE, ctx)?;
        let statuses = f
            .status
            .unwrap_or_default()
            .into_iter()
            .map(Into::into)
            .collect();
        let paged = desk::queue(
            db(ctx)?,
            viewer(ctx),
            statuses,
            f.assigned_to_me.unwrap_or(false),
            &seek,
        )
        .await?;
        Ok(build_keyed(&QUEUE, paged, |m| (LegalCase(m), ())))
    }

    /// What publishing a case would show: its question and latest answer (or the
    /// texts given) before and after anonymisation, each removal listed (legal
    /// advisors only). `publishLegalAnswer` anonymises again whatever it is sent.
    async fn legal_publication_preview(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The case.")] case: ID,
        #[graphql(desc = "The question as it would be published (default: as asked).")]
        question: Option<String>,
        #[graphql(desc = "The answer as it would be published (default: the latest answer).")]
        answer: Option<String>,
    ) -> Result<Vec<AnonymisedText>> {
        let n = expect_id("case", &case, "LegalCase")?;
        let texts = desk::preview(db(ctx)?, viewer(ctx), n, question, answer).await?;
        Ok(texts
            .into_iter()
            .map(|(original, a)| AnonymisedText::of(&original, a))
            .collect())
    }

    /// The desk's figures: cases per month and topic, time to a first answer,
    /// answers on time, overdue cases. Aggregates only; a cell of fewer than 5
    /// cases is not shown.
    async fn legal_desk_figures(&self, ctx: &Context<'_>) -> Result<LegalDeskFigures> {
        let today = desk::polish_day(chrono::Utc::now());
        Ok(desk::figures(db(ctx)?, today).await?.into())
    }
}
