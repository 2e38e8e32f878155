//! The legal desk's mutations: asking, logging a call, replying, assigning,
//! closing, rating, publishing an anonymised answer.

use crate::db::desk::{self, Publishing, Question};
use crate::graphql::{
    db,
    node::{expect_id, parse_global_id},
    types::{Article, LegalCase, LegalReplyKind, LegalTopic},
    viewer,
};
use async_graphql::{Context, InputObject, Object, Result, SimpleObject, ID};

/// A question to the legal desk.
#[derive(InputObject)]
pub struct AskLegalQuestionInput {
    /// What it is about.
    pub topic: LegalTopic,
    /// The question; only the asker and the legal advisors will read it.
    pub question: String,
    /// The cooperative it concerns, if any.
    pub cooperative: Option<ID>,
}

/// A case an advisor logs from a call by someone without an account.
#[derive(InputObject)]
pub struct LogLegalCaseInput {
    /// What it is about.
    pub topic: LegalTopic,
    /// The question as the caller put it.
    pub question: String,
    /// The cooperative it concerns, if any.
    pub cooperative: Option<ID>,
    /// The caller's name (advisors only see it).
    pub asker_name: String,
    /// How to reach the caller: a phone number or an address (advisors only).
    pub asker_contact: String,
}

/// A message on a case.
#[derive(InputObject)]
pub struct ReplyToLegalCaseInput {
    /// The case.
    pub case: ID,
    /// The text.
    pub body: String,
    /// For advisors: an answer (default), a question back, or an internal note.
    /// The asker leaves it out.
    pub kind: Option<LegalReplyKind>,
}

/// Gives a case to an advisor.
#[derive(InputObject)]
pub struct AssignLegalCaseInput {
    /// The case.
    pub case: ID,
    /// The advisor's user id (oneself, or a colleague to hand it over to).
    pub advisor: ID,
    /// A note for the advisors (why it is handed over).
    pub note: Option<String>,
}

/// A file for a case.
#[derive(InputObject)]
pub struct AttachToLegalCaseInput {
    /// The case.
    pub case: ID,
    /// The file's name.
    pub name: String,
    /// Its media type: PDF, JPEG, PNG, plain text, DOC, DOCX or ODT.
    pub content_type: String,
    /// The file, base64-encoded (at most 1 MiB decoded).
    pub content_base64: String,
}

/// A case to close.
#[derive(InputObject)]
pub struct CloseLegalCaseInput {
    /// The case.
    pub case: ID,
}

/// The asker's rating of a closed case.
#[derive(InputObject)]
pub struct RateLegalCaseInput {
    /// The case.
    pub case: ID,
    /// From 1 (not helpful) to 5 (very helpful).
    pub rating: i32,
}

/// An answered case made public, anonymised.
#[derive(InputObject)]
pub struct PublishLegalAnswerInput {
    /// The case (ANSWERED or CLOSED, not published yet).
    pub case: ID,
    /// The public title (anonymised too).
    pub title: String,
    /// The public address of the article.
    pub slug: String,
    /// The question as it will read (anonymised again here).
    pub question: String,
    /// The answer as it will read (anonymised again here).
    pub answer: String,
    /// Tags; the case's topic is added.
    pub tags: Option<Vec<String>>,
    /// Recommendations, industries and sectors it concerns (global ids); never a
    /// cooperative, a local government or a person.
    pub mentions: Option<Vec<ID>>,
}

/// A legal case after a mutation.
#[derive(SimpleObject)]
pub struct LegalCasePayload {
    /// The case as it is now.
    pub legal_case: LegalCase,
}

/// A published answer.
#[derive(SimpleObject)]
pub struct PublishLegalAnswerPayload {
    /// The case (linked to the article for advisors only).
    pub legal_case: LegalCase,
    /// The public question and answer.
    pub article: Article,
}

fn coop(id: &Option<ID>) -> Result<Option<i32>> {
    Ok(id
        .as_ref()
        .map(|c| expect_id("cooperative", c, "Cooperative"))
        .transpose()?)
}

fn done(c: entity::legal_case::Model) -> Result<LegalCasePayload> {
    Ok(LegalCasePayload {
        legal_case: LegalCase(c),
    })
}

#[derive(Default)]
pub struct DeskMutation;

#[Object]
impl DeskMutation {
    /// Asks the legal desk (any member); due in 7 days, moved past days free from work.
    async fn ask_legal_question(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The question.")] input: AskLegalQuestionInput,
    ) -> Result<LegalCasePayload> {
        let q = Question {
            topic: input.topic.into(),
            question: input.question,
            cooperative_id: coop(&input.cooperative)?,
            caller: None,
        };
        done(desk::open_case(db(ctx)?, viewer(ctx), q).await?)
    }

    /// Logs a case from a call by someone without an account (legal advisors).
    async fn log_legal_case(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The case.")] input: LogLegalCaseInput,
    ) -> Result<LegalCasePayload> {
        let q = Question {
            topic: input.topic.into(),
            question: input.question,
            cooperative_id: coop(&input.cooperative)?,
            caller: Some((input.asker_name, input.asker_contact)),
        };
        done(desk::open_case(db(ctx)?, viewer(ctx), q).await?)
    }

    /// Writes on a case: the asker, or an advisor (an answer, a question back or an internal note).
    async fn reply_to_legal_case(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The message.")] input: ReplyToLegalCaseInput,
    ) -> Result<LegalCasePayload> {
        let n = expect_id("case", &input.case, "LegalCase")?;
        let kind = input.kind.map(Into::into);
        done(desk::reply(db(ctx)?, viewer(ctx), n, &input.body, kind).await?)
    }

    /// Gives a case to an advisor, oneself or a colleague (legal advisors).
    async fn assign_legal_case(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The case, the advisor and a note.")] input: AssignLegalCaseInput,
    ) -> Result<LegalCasePayload> {
        let n = expect_id("case", &input.case, "LegalCase")?;
        let advisor = expect_id("advisor", &input.advisor, "User")?;
        done(desk::assign(db(ctx)?, viewer(ctx), n, advisor, input.note.as_deref()).await?)
    }

    /// Attaches a file to a case (its asker or a legal advisor).
    async fn attach_to_legal_case(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The case and the file.")] input: AttachToLegalCaseInput,
    ) -> Result<LegalCasePayload> {
        use base64::{engine::general_purpose::STANDARD, Engine};
        let n = expect_id("case", &input.case, "LegalCase")?;
        let bytes = STANDARD.decode(input.content_base64.trim()).map_err(|_| {
            crate::error::AppError::invalid("contentBase64", "not base64 (RFC 4648, with padding)")
        })?;
        let storage = ctx.data::<std::sync::Arc<dyn crate::attachments::Storage>>()?;
        done(
            desk::attach(
                db(ctx)?,
                storage.as_ref(),
                viewer(ctx),
                n,
                &input.name,
                &input.content_type,
                &bytes,
            )
            .await?,
        )
    }

    /// Closes a case (its asker or a legal advisor).
    async fn close_legal_case(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The case.")] input: CloseLegalCaseInput,
    ) -> Result<LegalCasePayload> {
        let n = expect_id("case", &input.case, "LegalCase")?;
        done(desk::close(db(ctx)?, viewer(ctx), n).await?)
    }

    /// Rates a closed case, once (its asker).
    async fn rate_legal_case(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The case and the rating.")] input: RateLegalCaseInput,
    ) -> Result<LegalCasePayload> {
        let n = expect_id("case", &input.case, "LegalCase")?;
        done(desk::rate(db(ctx)?, viewer(ctx), n, input.rating).await?)
    }

    /// Publishes an answered case as a public question and answer, anonymised
    /// (legal advisors; see `legalPublicationPreview` first).
    async fn publish_legal_answer(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The texts as they will read.")] input: PublishLegalAnswerInput,
    ) -> Result<PublishLegalAnswerPayload> {
        let n = expect_id("case", &input.case, "LegalCase")?;
        let mentions = input
            .mentions
            .unwrap_or_default()
            .iter()
            .map(|m| parse_global_id("mentions", m))
            .collect::<Result<Vec<_>, _>>()?;
        let p = Publishing {
            title: input.title,
            slug: input.slug,
            question: input.question,
            answer: input.answer,
            tags: input.tags.unwrap_or_default(),
            mentions,
        };
        let (c, a) = desk::publish(db(ctx)?, viewer(ctx), n, p).await?;
        Ok(PublishLegalAnswerPayload {
            legal_case: LegalCase(c),
            article: Article(a),
        })
    }
}
