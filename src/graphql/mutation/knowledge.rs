//! Writing the knowledge base: content editors (CONTENT_EDITOR) and moderators
//! write drafts and send them to review; moderators publish and unpublish
//! (`db::knowledge` holds the rules). Every change is versioned and audited.

use crate::db::knowledge::{
    self, ArticleFields, ContributorFields, LegalBasisFields, PublicationFields,
    RecommendationFields, Text,
};
use crate::error::AppError;
use crate::graphql::{
    db,
    node::{expect_id, parse_global_id},
    types::{
        Article, ArticleKind, ContentStatus, ContributorRole, Publication, PublicationKind,
        Recommendation, RecommendationArea,
    },
    viewer,
};
use async_graphql::{Context, InputObject, Object, Result, SimpleObject, ID};
use chrono::NaiveDate;

/// A provision a recommendation rests on.
#[derive(InputObject)]
pub struct LegalBasisInput {
    /// The act, e.g. "Act of 11 September 2019 – Public Procurement Law" (at most 300 characters).
    pub act: String,
    /// Where it is published, e.g. "Dz.U. 2024 poz. 1320".
    pub citation: Option<String>,
    /// The provision, e.g. "art. 94 ust. 1".
    pub article: String,
    /// The first year it applies (1990–2100).
    pub from_year: Option<i32>,
    /// The last year it applied; none while in force.
    pub until_year: Option<i32>,
}

/// A recommendation, whole: what is sent replaces what was there.
#[derive(InputObject)]
pub struct RecommendationInput {
    /// Short stable code: 2–16 letters, digits and dashes (`S-RESERVED`).
    pub code: String,
    /// Title (at most 200 characters).
    pub title: String,
    /// What it is about.
    pub area: RecommendationArea,
    /// A plain-language summary (at most 2000 characters).
    pub summary: String,
    /// The text in Markdown (at most 100,000 characters).
    pub body_markdown: String,
    /// Who recommended it officially, if anyone.
    pub endorsement: Option<String>,
    /// When it was officially recommended.
    pub endorsed_on: Option<NaiveDate>,
    /// Whose words these are, e.g. "Written for coophub in its own words; not the official text".
    pub origin: String,
    /// The text's licence (default CC BY 4.0, coophub's own texts).
    pub licence: Option<String>,
    /// True for sample content.
    pub is_sample: Option<bool>,
    /// The provisions it rests on (at most 20).
    pub legal_basis: Vec<LegalBasisInput>,
    /// Procurement examples that illustrate it (at most 50).
    pub examples: Option<Vec<ID>>,
}

/// Input of `updateRecommendation`.
#[derive(InputObject)]
pub struct UpdateRecommendationInput {
    /// The recommendation.
    pub id: ID,
    /// The `version` you read; if it changed since, nothing is written (CONFLICT).
    pub version: i32,
    /// Its new content, whole.
    pub recommendation: RecommendationInput,
}

/// Someone who wrote an article or spoke in it.
#[derive(InputObject)]
pub struct ContributorInput {
    /// The name as printed.
    pub name: String,
    /// What they did.
    pub role: ContributorRole,
    /// Their Person, when they have a profile (shown only with their consent).
    pub person: Option<ID>,
}

/// An article, whole: what is sent replaces what was there.
#[derive(InputObject)]
pub struct ArticleInput {
    /// What kind of article.
    pub kind: ArticleKind,
    /// Title (at most 300 characters).
    pub title: String,
    /// Unique: lowercase letters a–z, digits and single dashes.
    pub slug: String,
    /// The lead paragraph (at most 2000 characters).
    pub lead: String,
    /// The text in Markdown (at most 200,000 characters).
    pub body_markdown: String,
    /// The publication it appeared in.
    pub publication: Option<ID>,
    /// When it appeared (or is to appear).
    pub published_on: NaiveDate,
    /// Tags (at most 20).
    pub tags: Option<Vec<String>>,
    /// The text's licence (default CC BY 4.0, coophub's own texts).
    pub licence: Option<String>,
    /// Whose words these are and where they come from.
    pub origin: String,
    /// True for sample content.
    pub is_sample: Option<bool>,
    /// Who wrote it and who spoke in it, in order (at most 20).
    pub contributors: Option<Vec<ContributorInput>>,
    /// The records it is about (at most 50): ids of cooperatives, local
    /// governments, institutions, industries, sectors, procurement examples,
    /// events and recommendations.
    pub mentions: Option<Vec<ID>>,
}

/// Input of `updateArticle`.
#[derive(InputObject)]
pub struct UpdateArticleInput {
    /// The article.
    pub id: ID,
    /// The `version` you read; if it changed since, nothing is written (CONFLICT).
    pub version: i32,
    /// Its new content, whole.
    pub article: ArticleInput,
}

/// Input of `setContentStatus`.
#[derive(InputObject)]
pub struct SetContentStatusInput {
    /// A Recommendation or an Article.
    pub id: ID,
    /// The `version` you read; if it changed since, nothing is written (CONFLICT).
    pub version: i32,
    /// DRAFT ⇄ REVIEW (content editors); → PUBLISHED, PUBLISHED → UNPUBLISHED
    /// (moderators); UNPUBLISHED → DRAFT.
    pub status: ContentStatus,
}

/// A handbook edition or newspaper issue.
#[derive(InputObject)]
pub struct PublicationInput {
    /// Handbook or newspaper issue.
    pub kind: PublicationKind,
    /// Title, e.g. "JAK" (at most 300 characters).
    pub title: String,
    /// The number or the edition.
    pub number: Option<i32>,
    /// When it appeared.
    pub issued_on: NaiveDate,
    /// Who published it.
    pub publisher: Option<String>,
    /// Its licence (default CC BY 4.0).
    pub licence: Option<String>,
    /// True for sample content.
    pub is_sample: Option<bool>,
}

/// A Markdown file with TOML front matter, as `coophub import articles` reads it
/// (docs/knowledge.md).
#[derive(InputObject)]
pub struct ArticleFileInput {
    /// The file's name, for messages.
    pub name: String,
    /// Its text.
    pub text: String,
}

/// Input of `importArticles`.
#[derive(InputObject)]
pub struct ImportArticlesInput {
    /// The files (at most 200).
    pub files: Vec<ArticleFileInput>,
    /// Check and report only; nothing is written.
    pub dry_run: Option<bool>,
    /// Publish new articles at once (moderators); otherwise they arrive as drafts.
    pub publish: Option<bool>,
}

/// Result of the recommendation mutations.
#[derive(SimpleObject)]
pub struct RecommendationPayload {
    /// The recommendation after the change.
    pub recommendation: Recommendation,
}

/// Result of the article mutations.
#[derive(SimpleObject)]
pub struct ArticlePayload {
    /// The article after the change.
    pub article: Article,
}

/// Result of `createPublication`.
#[derive(SimpleObject)]
pub struct PublicationPayload {
    /// The new publication.
    pub publication: Publication,
}

/// Result of `setContentStatus`: the text moved, in its own field.
#[derive(SimpleObject)]
pub struct ContentStatusPayload {
    /// The recommendation, when one was moved.
    pub recommendation: Option<Recommendation>,
    /// The article, when one was moved.
    pub article: Option<Article>,
}

/// Result of `importArticles`: slugs by what happened to them.
#[derive(SimpleObject)]
pub struct ImportArticlesPayload {
    /// New articles.
    pub created: Vec<String>,
    /// Existing articles (same slug) that changed.
    pub changed: Vec<String>,
    /// Existing articles the files hold as they are.
    pub unchanged: Vec<String>,
    /// Whether this was a dry run (nothing written).
    pub dry_run: bool,
}

fn recommendation_fields(i: RecommendationInput) -> Result<RecommendationFields> {
    let examples = i
        .examples
        .unwrap_or_default()
        .iter()
        .map(|e| expect_id("examples", e, "ProcurementExample"))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(RecommendationFields {
        code: i.code,
        title: i.title,
        area: i.area.into(),
        summary: i.summary,
        body_markdown: i.body_markdown,
        endorsement: i.endorsement,
        endorsed_on: i.endorsed_on,
        origin: i.origin,
        licence: i.licence,
        is_sample: i.is_sample.unwrap_or(false),
        legal_basis: i
            .legal_basis
            .into_iter()
            .map(|b| LegalBasisFields {
                act: b.act,
                citation: b.citation,
                article: b.article,
                from_year: b.from_year,
                until_year: b.until_year,
            })
            .collect(),
        examples,
    })
}

fn article_fields(i: ArticleInput) -> Result<ArticleFields> {
    let contributors = i
        .contributors
        .unwrap_or_default()
        .into_iter()
        .map(|c| {
            Ok(ContributorFields {
                name: c.name,
                role: c.role.into(),
                person_id: c
                    .person
                    .as_ref()
                    .map(|p| expect_id("contributors.person", p, "Person"))
                    .transpose()?,
            })
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    let mentions = i
        .mentions
        .unwrap_or_default()
        .iter()
        .map(|m| parse_global_id("mentions", m))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(ArticleFields {
        kind: i.kind.into(),
        title: i.title,
        slug: i.slug,
        lead: i.lead,
        body_markdown: i.body_markdown,
        publication_id: i
            .publication
            .as_ref()
            .map(|p| expect_id("publication", p, "Publication"))
            .transpose()?,
        published_on: i.published_on,
        tags: i.tags.unwrap_or_default(),
        licence: i.licence,
        origin: i.origin,
        is_sample: i.is_sample.unwrap_or(false),
        contributors,
        mentions,
    })
}

#[derive(Default)]
pub struct KnowledgeMutation;

#[Object]
impl KnowledgeMutation {
    /// Writes a new recommendation as a DRAFT. Content editors and moderators.
    async fn create_recommendation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The recommendation.")] input: RecommendationInput,
    ) -> Result<RecommendationPayload> {
        let v = viewer(ctx);
        v.require_content_staff()?;
        let f = recommendation_fields(input)?;
        let row = knowledge::create_recommendation(db(ctx)?, v, &f, entity::content::Status::Draft)
            .await?;
        Ok(RecommendationPayload {
            recommendation: Recommendation(row),
        })
    }

    /// Changes a recommendation, whole. Content editors (not once published) and moderators.
    async fn update_recommendation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The recommendation, the version read and its new content.")]
        input: UpdateRecommendationInput,
    ) -> Result<RecommendationPayload> {
        let v = viewer(ctx);
        v.require_content_staff()?;
        let id = expect_id("id", &input.id, "Recommendation")?;
        let f = recommendation_fields(input.recommendation)?;
        let row = knowledge::update_recommendation(db(ctx)?, v, id, input.version, &f).await?;
        Ok(RecommendationPayload {
            recommendation: Recommendation(row),
        })
    }

    /// Writes a new article as a DRAFT. Content editors and moderators.
    async fn create_article(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The article.")] input: ArticleInput,
    ) -> Result<ArticlePayload> {
        let v = viewer(ctx);
        v.require_content_staff()?;
        let f = article_fields(input)?;
        let row =
            knowledge::create_article(db(ctx)?, v, &f, entity::content::Status::Draft).await?;
        Ok(ArticlePayload {
            article: Article(row),
        })
    }

    /// Changes an article, whole. Content editors (not once published) and moderators.
    async fn update_article(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The article, the version read and its new content.")]
        input: UpdateArticleInput,
    ) -> Result<ArticlePayload> {
        let v = viewer(ctx);
        v.require_content_staff()?;
        let id = expect_id("id", &input.id, "Article")?;
        let f = article_fields(input.article)?;
        let row = knowledge::update_article(db(ctx)?, v, id, input.version, &f).await?;
        Ok(ArticlePayload {
            article: Article(row),
        })
    }

    /// Moves a recommendation or an article through the workflow: DRAFT ⇄ REVIEW
    /// (content editors), REVIEW or DRAFT → PUBLISHED and PUBLISHED → UNPUBLISHED
    /// (moderators), UNPUBLISHED → DRAFT. History is kept.
    async fn set_content_status(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The text, the version read and the status wanted.")]
        input: SetContentStatusInput,
    ) -> Result<ContentStatusPayload> {
        let v = viewer(ctx);
        v.require_content_staff()?;
        let (kind, id) = parse_global_id("id", &input.id)?;
        let out = knowledge::set_status(db(ctx)?, v, &kind, id, input.version, input.status.into())
            .await?;
        Ok(match out {
            Text::Recommendation(r) => ContentStatusPayload {
                recommendation: Some(Recommendation(r)),
                article: None,
            },
            Text::Article(a) => ContentStatusPayload {
                recommendation: None,
                article: Some(Article(a)),
            },
        })
    }

    /// Adds a handbook edition or newspaper issue (public at once). Content editors and moderators.
    async fn create_publication(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The publication.")] input: PublicationInput,
    ) -> Result<PublicationPayload> {
        let v = viewer(ctx);
        let f = PublicationFields {
            kind: input.kind.into(),
            title: input.title,
            number: input.number,
            issued_on: input.issued_on,
            publisher: input.publisher,
            licence: input.licence,
            is_sample: input.is_sample.unwrap_or(false),
        };
        let row = knowledge::create_publication(db(ctx)?, v, &f).await?;
        Ok(PublicationPayload {
            publication: Publication(row),
        })
    }

    /// Imports articles from Markdown files with TOML front matter, as
    /// `coophub import articles DIR` does (docs/knowledge.md): new slugs are
    /// created, known ones updated when they differ; all or nothing. Content
    /// editors and moderators; `publish` moderators only.
    async fn import_articles(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The files and how to import them.")] input: ImportArticlesInput,
    ) -> Result<ImportArticlesPayload> {
        let v = viewer(ctx);
        v.require_content_staff()?;
        if input.files.len() > 200 {
            return Err(AppError::invalid("files", "at most 200 files at once").into());
        }
        let publish = input.publish.unwrap_or(false);
        if publish && !v.is_moderator() {
            return Err(AppError::Forbidden.into());
        }
        let dry_run = input.dry_run.unwrap_or(false);
        let files: Vec<(String, String)> =
            input.files.into_iter().map(|f| (f.name, f.text)).collect();
        let out = crate::articles::import(db(ctx)?, Some(v), &files, publish, dry_run).await?;
        Ok(ImportArticlesPayload {
            created: out.created,
            changed: out.changed,
            unchanged: out.unchanged,
            dry_run,
        })
    }
}
