//! The knowledge base: recommendations, publications, articles. Lists show
//! published texts; content editors and moderators list the others by asking for
//! their `status` (anyone else asking is refused).

use crate::db::knowledge::{
    list_articles, list_publications, list_recommendations, listed_statuses,
    ArticleFilter as DbArticles, RecommendationFilter as DbRecommendations, BY_CODE, MENTIONABLE,
    NEWEST_FIRST, PUBLICATIONS,
};
use crate::error::AppError;
use crate::graphql::{
    connection::{build_keyed, cost, Conn, KeyPage},
    db, loaders,
    node::{expect_id, parse_global_id},
    types::{
        content_visible, Article, ArticleKind, ContentStatus, KnowledgeFacets, Publication,
        PublicationKind, Recommendation, RecommendationArea,
    },
    viewer,
};
use async_graphql::{Context, InputObject, Object, Result, ID};
use entity::{article, content, recommendation};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

/// Narrows a list of recommendations; all given conditions must hold.
#[derive(InputObject, Default)]
pub struct RecommendationFilter {
    /// Any of these areas.
    pub area: Option<Vec<RecommendationArea>>,
    /// Any of these statuses (default PUBLISHED; others for content editors and moderators only).
    pub status: Option<Vec<ContentStatus>>,
}

/// Narrows a list of articles; all given conditions must hold.
#[derive(InputObject, Default)]
pub struct ArticleFilter {
    /// Any of these kinds.
    pub kind: Option<Vec<ArticleKind>>,
    /// Any of these statuses (default PUBLISHED; others for content editors and moderators only).
    pub status: Option<Vec<ContentStatus>>,
    /// Only articles that mention this record (a Cooperative, LocalGovernment,
    /// Institution, Industry, Sector, ProcurementExample, Event or Recommendation):
    /// "everything written about this gmina".
    pub mentions: Option<ID>,
    /// Only articles of this publication.
    pub publication: Option<ID>,
    /// Only articles with this tag (case does not matter).
    pub tag: Option<String>,
    /// Only articles that appeared in this year.
    pub year: Option<i32>,
}

/// Narrows a list of publications.
#[derive(InputObject, Default)]
pub struct PublicationFilter {
    /// Any of these kinds.
    pub kind: Option<Vec<PublicationKind>>,
}

/// The statuses a list shows the viewer: those asked for, if the viewer may.
fn statuses(ctx: &Context<'_>, asked: Option<Vec<ContentStatus>>) -> Result<Vec<content::Status>> {
    let asked = asked
        .unwrap_or_default()
        .into_iter()
        .map(Into::into)
        .collect();
    Ok(listed_statuses(viewer(ctx), asked)?)
}

#[derive(Default)]
pub struct KnowledgeQuery;

#[Object]
impl KnowledgeQuery {
    /// One recommendation by its code; null when there is none the viewer may see.
    async fn recommendation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Its code, e.g. S-RESERVED (case does not matter).")] code: String,
    ) -> Result<Option<Recommendation>> {
        let code = crate::db::knowledge::code(&code)?;
        let row = recommendation::Entity::find()
            .filter(recommendation::Column::Code.eq(code))
            .one(db(ctx)?)
            .await?;
        Ok(row
            .filter(|r| content_visible(ctx, r.status))
            .map(Recommendation))
    }

    /// The standards of cooperation between local governments and social
    /// cooperatives, by code.
    #[graphql(complexity = "cost(first, last, child_complexity)")]
    async fn recommendations(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Conditions; all must hold.")] filter: Option<RecommendationFilter>,
        #[graphql(desc = "Only items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Only items before this cursor.")] before: Option<String>,
        #[graphql(desc = "The first n items (default 20, at most 100).")] first: Option<i32>,
        #[graphql(desc = "The last n items (at most 100).")] last: Option<i32>,
    ) -> Result<Conn<Recommendation>> {
        let page = KeyPage::new(after, before, first, last)?;
        let f = filter.unwrap_or_default();
        let filter = DbRecommendations {
            areas: f
                .area
                .unwrap_or_default()
                .into_iter()
                .map(Into::into)
                .collect(),
            statuses: statuses(ctx, f.status)?,
        };
        let seek = page.seek(&BY_CODE, ctx)?;
        let paged = list_recommendations(db(ctx)?, &filter, &seek).await?;
        Ok(build_keyed(&BY_CODE, paged, |m| (Recommendation(m), ())))
    }

    /// One article by its slug; null when there is none the viewer may see.
    async fn article(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Its slug, e.g. catering-for-schools.")] slug: String,
    ) -> Result<Option<Article>> {
        let row = article::Entity::find()
            .filter(article::Column::Slug.eq(slug.trim()))
            .one(db(ctx)?)
            .await?;
        Ok(row.filter(|a| content_visible(ctx, a.status)).map(Article))
    }

    /// Articles (handbook chapters, interviews, reports, questions and answers,
    /// columns, news), newest first.
    #[graphql(complexity = "cost(first, last, child_complexity)")]
    async fn articles(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Conditions; all must hold.")] filter: Option<ArticleFilter>,
        #[graphql(desc = "Only items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Only items before this cursor.")] before: Option<String>,
        #[graphql(desc = "The first n items (default 20, at most 100).")] first: Option<i32>,
        #[graphql(desc = "The last n items (at most 100).")] last: Option<i32>,
    ) -> Result<Conn<Article>> {
        let page = KeyPage::new(after, before, first, last)?;
        let f = filter.unwrap_or_default();
        let db = db(ctx)?;
        let mentions = match &f.mentions {
            Some(id) => {
                let (kind, n) = parse_global_id("filter.mentions", id)?;
                let Some((kind, _)) = MENTIONABLE.iter().find(|(k, _)| *k == kind) else {
                    return Err(AppError::invalid(
                        "filter.mentions",
                        format!("a {kind} cannot be mentioned by articles"),
                    )
                    .into());
                };
                let n = if *kind == "LocalGovernment" {
                    crate::db::local_government::stored_unit(db, n).await?
                } else {
                    n
                };
                Some(((*kind).to_owned(), n))
            }
            None => None,
        };
        let filter = DbArticles {
            kinds: f
                .kind
                .unwrap_or_default()
                .into_iter()
                .map(Into::into)
                .collect(),
            statuses: statuses(ctx, f.status)?,
            publication_id: f
                .publication
                .as_ref()
                .map(|p| expect_id("filter.publication", p, "Publication"))
                .transpose()?,
            mentions,
            tag: f.tag,
            year: f.year,
        };
        let seek = page.seek(&NEWEST_FIRST, ctx)?;
        let paged = list_articles(db, &filter, &seek).await?;
        Ok(build_keyed(&NEWEST_FIRST, paged, |m| (Article(m), ())))
    }

    /// Counts of the published articles and recommendations that `query`
    /// finds (all of them without it), by kind, area, sector and year: what a
    /// search of the knowledge base can be narrowed to. The words are matched as
    /// `search` matches them.
    #[graphql(complexity = 500)]
    async fn knowledge_facets(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The words to look for, as in `search`; none: all published texts.")]
        query: Option<String>,
    ) -> Result<KnowledgeFacets> {
        let terms = query
            .as_deref()
            .map(|q| crate::search::query_terms("query", q))
            .transpose()?;
        Ok(KnowledgeFacets(
            crate::db::knowledge::facets(db(ctx)?, terms.as_deref()).await?,
        ))
    }

    /// One publication by its global id.
    async fn publication(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Global id.")] id: ID,
    ) -> Result<Option<Publication>> {
        let n = expect_id("id", &id, "Publication")?;
        Ok(loaders(ctx)?
            .publication
            .load_one(n)
            .await?
            .map(Publication))
    }

    /// Handbook editions and newspaper issues, newest first.
    #[graphql(complexity = "cost(first, last, child_complexity)")]
    async fn publications(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Conditions; all must hold.")] filter: Option<PublicationFilter>,
        #[graphql(desc = "Only items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Only items before this cursor.")] before: Option<String>,
        #[graphql(desc = "The first n items (default 20, at most 100).")] first: Option<i32>,
        #[graphql(desc = "The last n items (at most 100).")] last: Option<i32>,
    ) -> Result<Conn<Publication>> {
        let page = KeyPage::new(after, before, first, last)?;
        let kinds = filter
            .unwrap_or_default()
            .kind
            .unwrap_or_default()
            .into_iter()
            .map(Into::into)
            .collect();
        let seek = page.seek(&PUBLICATIONS, ctx)?;
        let paged = list_publications(db(ctx)?, kinds, &seek).await?;
        Ok(build_keyed(&PUBLICATIONS, paged, |m| (Publication(m), ())))
    }
}
