//! The knowledge base: recommendations (standards of cooperation), publications
//! and articles, and the links that read both ways between them and the graph.
//! What a viewer may see is `policy::content_visible` / `content_listed`.

use super::{
    Cooperative, Event, Industry, Institution, LocalGovernment, Person, ProcurementExample, Sector,
};
use crate::db::{knowledge::tag_list, lists};
use crate::graphql::{
    connection::{cost, from_list, Conn, KeyPage},
    load_in_order, load_list, load_opt, load_unit, loaders,
    node::global_id,
    viewer,
};
use crate::policy::{content_listed, person_visible, procurement_listed};
use async_graphql::{Context, Enum, Object, Result, Union, ID};
use chrono::{DateTime, NaiveDate, Utc};
use entity::{article, article_contributor, content, legal_basis, publication, recommendation};

/// Where a text stands in its editorial workflow.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "entity::content::Status")]
pub enum ContentStatus {
    /// Being written by a content editor; seen only by content editors and moderators.
    Draft,
    /// Sent for review: a moderator publishes it or sends it back to DRAFT.
    Review,
    /// Public.
    Published,
    /// Taken down after publication; kept with its history, seen as drafts are.
    Unpublished,
}

/// What a local government does with social cooperatives under a standard.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "entity::recommendation::Area")]
pub enum RecommendationArea {
    /// Buying goods and services from cooperatives (including below the thresholds).
    Buying,
    /// Contracts reserved for social-economy entities.
    ReservedContracts,
    /// Social clauses in public contracts.
    SocialClauses,
    /// Commissioning public tasks (grants, open competitions).
    PublicTasks,
    /// Founding and co-founding cooperatives.
    Founding,
    /// Premises and property.
    Premises,
    /// Partnership and consultation.
    Partnership,
    /// Support through institutions (social-economy support centres, social services).
    Support,
}

/// What kind of publication.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "entity::publication::Kind")]
pub enum PublicationKind {
    /// A handbook edition.
    Handbook,
    /// An issue of a newspaper (the federation's "JAK").
    Newspaper,
}

/// What kind of article.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "entity::article::Kind")]
pub enum ArticleKind {
    /// A chapter of a handbook.
    HandbookChapter,
    /// An interview.
    Interview,
    /// A report.
    Report,
    /// A question and its answer.
    QuestionAndAnswer,
    /// A column.
    Column,
    /// A news item.
    News,
}

/// What a contributor did for an article.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "entity::article_contributor::Role")]
pub enum ContributorRole {
    /// Wrote it.
    Author,
    /// Was interviewed.
    Interviewee,
    /// Asked the questions.
    Interviewer,
}

/// The articles mentioning a record, newest first (published ones only).
pub(crate) async fn mentioned_in(
    ctx: &Context<'_>,
    kind: &'static str,
    id: i32,
    page: KeyPage,
) -> Result<Conn<Article>> {
    let place = crate::db::knowledge::MENTIONABLE
        .iter()
        .position(|(k, _)| *k == kind)
        .ok_or_else(|| crate::error::AppError::Internal(format!("{kind} is not mentionable")))?;
    let rows = load_list(&loaders(ctx)?.mentioned_in, (place, id)).await?;
    let seek = page.list_seek(&lists::ARTICLES, ctx)?;
    Ok(from_list(rows, &lists::ARTICLES, &seek, Article)?)
}

#[derive(Clone)]
pub struct Recommendation(pub recommendation::Model);

/// A standard of cooperation between local governments and social cooperatives:
/// what a gmina can do, on which legal basis, with the purchases that show it done.
#[Object]
impl Recommendation {
    /// The opaque global id.
    pub async fn id(&self) -> ID {
        global_id("Recommendation", self.0.id)
    }
    /// Short stable code, e.g. `S-RESERVED`; `recommendation(code:)` finds it.
    async fn code(&self) -> &str {
        &self.0.code
    }
    /// Its title.
    async fn title(&self) -> &str {
        &self.0.title
    }
    /// What it is about.
    async fn area(&self) -> RecommendationArea {
        self.0.area.into()
    }
    /// A plain-language summary.
    async fn summary(&self) -> &str {
        &self.0.summary
    }
    /// The text, in Markdown as written.
    async fn body_markdown(&self) -> &str {
        &self.0.body_markdown
    }
    /// The text as sanitised HTML (raw HTML in the source is shown as text).
    async fn body_html(&self) -> &str {
        &self.0.body_html
    }
    /// The provisions it rests on, each with the years it applies.
    async fn legal_basis(&self, ctx: &Context<'_>) -> Result<Vec<LegalBasis>> {
        let rows = load_list(&loaders(ctx)?.legal_basis_by_recommendation, self.0.id).await?;
        Ok(rows.into_iter().map(LegalBasis).collect())
    }
    /// Who recommended it officially (e.g. "Minister of Labour and Social Policy"), if anyone.
    async fn endorsement(&self) -> Option<&str> {
        self.0.endorsement.as_deref()
    }
    /// When it was officially recommended.
    async fn endorsed_on(&self) -> Option<NaiveDate> {
        self.0.endorsed_on
    }
    /// Whose words these are: e.g. written for coophub in its own words, not the official text.
    async fn origin(&self) -> &str {
        &self.0.origin
    }
    /// The licence of the text (coophub's own texts: CC BY 4.0).
    async fn licence(&self) -> &str {
        &self.0.licence
    }
    /// True for sample content shipped with coophub.
    async fn is_sample(&self) -> bool {
        self.0.is_sample
    }
    /// Where it stands in the editorial workflow (only PUBLISHED ones are public).
    async fn status(&self) -> ContentStatus {
        self.0.status.into()
    }
    /// Changes with every update; send it back with `updateRecommendation` and `setContentStatus`.
    async fn version(&self) -> i32 {
        self.0.version
    }
    /// When it was last published.
    async fn published_at(&self) -> Option<DateTime<Utc>> {
        self.0.published_at
    }
    /// When it last changed.
    async fn updated_at(&self) -> Option<DateTime<Utc>> {
        self.0.updated_at
    }
    /// Verified procurement examples that illustrate it, by id.
    #[graphql(complexity = "cost(first, last, child_complexity)")]
    async fn examples(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Only purchases by units in this TERYT unit or below it (2 digits: a voivodeship, 4: a powiat, 7: a gmina): examples near the reader."
        )]
        buyer_teryt: Option<String>,
        #[graphql(desc = "Only items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Only items before this cursor.")] before: Option<String>,
        #[graphql(desc = "The first n items (default 20, at most 100).")] first: Option<i32>,
        #[graphql(desc = "The last n items (at most 100).")] last: Option<i32>,
    ) -> Result<Conn<ProcurementExample>> {
        let l = loaders(ctx)?;
        let links = load_list(&l.examples_by_recommendation, self.0.id).await?;
        let rows: Vec<_> = load_in_order(
            &l.procurement_example,
            links.iter().map(|x| x.procurement_example_id),
        )
        .await?
        .into_iter()
        .filter(procurement_listed)
        .collect();
        let rows = match buyer_teryt {
            None => rows,
            Some(t) => {
                let t = crate::db::filter::teryt_prefix("buyerTeryt", &t)?;
                rows.into_iter()
                    .filter(|p| {
                        l.units
                            .unit(p.buyer_id)
                            .is_some_and(|b| b.teryt.starts_with(&t))
                    })
                    .collect()
            }
        };
        let seek =
            KeyPage::new(after, before, first, last)?.list_seek(&lists::ILLUSTRATIONS, ctx)?;
        Ok(from_list(
            rows,
            &lists::ILLUSTRATIONS,
            &seek,
            ProcurementExample,
        )?)
    }
    /// Published articles that mention it, newest first.
    #[graphql(complexity = "cost(first, last, child_complexity)")]
    async fn mentioned_in(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Only items before this cursor.")] before: Option<String>,
        #[graphql(desc = "The first n items (default 20, at most 100).")] first: Option<i32>,
        #[graphql(desc = "The last n items (at most 100).")] last: Option<i32>,
    ) -> Result<Conn<Article>> {
        let page = KeyPage::new(after, before, first, last)?;
        mentioned_in(ctx, "Recommendation", self.0.id, page).await
    }
}

pub struct LegalBasis(pub legal_basis::Model);

/// A provision a recommendation rests on.
#[Object]
impl LegalBasis {
    /// The act, e.g. "Act of 11 September 2019 – Public Procurement Law".
    async fn act(&self) -> &str {
        &self.0.act
    }
    /// Where the act is published, e.g. "Dz.U. 2024 poz. 1320".
    async fn citation(&self) -> Option<&str> {
        self.0.citation.as_deref()
    }
    /// The provision, e.g. "art. 94".
    async fn article(&self) -> &str {
        &self.0.article
    }
    /// The first year it applies (null: since before the records coophub holds).
    async fn from_year(&self) -> Option<i32> {
        self.0.from_year
    }
    /// The last year it applied (null: in force).
    async fn until_year(&self) -> Option<i32> {
        self.0.until_year
    }
    /// Whether it applies to a purchase or decision of this year.
    async fn applies_in(&self, #[graphql(desc = "A year, e.g. 2019.")] year: i32) -> bool {
        self.0.from_year.is_none_or(|f| f <= year) && self.0.until_year.is_none_or(|u| year <= u)
    }
}

#[derive(Clone)]
pub struct Publication(pub publication::Model);

/// A handbook edition or an issue of the newspaper "JAK".
#[Object]
impl Publication {
    /// The opaque global id.
    pub async fn id(&self) -> ID {
        global_id("Publication", self.0.id)
    }
    /// Handbook or newspaper issue.
    async fn kind(&self) -> PublicationKind {
        self.0.kind.into()
    }
    /// Its title.
    async fn title(&self) -> &str {
        &self.0.title
    }
    /// The number (newspapers) or the edition (handbooks).
    async fn number(&self) -> Option<i32> {
        self.0.number
    }
    /// When it appeared.
    async fn issued_on(&self) -> NaiveDate {
        self.0.issued_on
    }
    /// Who published it.
    async fn publisher(&self) -> Option<&str> {
        self.0.publisher.as_deref()
    }
    /// The licence of the publication as a whole.
    async fn licence(&self) -> &str {
        &self.0.licence
    }
    /// True for sample content shipped with coophub.
    async fn is_sample(&self) -> bool {
        self.0.is_sample
    }
    /// Its published articles, newest first.
    #[graphql(complexity = "cost(first, last, child_complexity)")]
    async fn articles(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Only items before this cursor.")] before: Option<String>,
        #[graphql(desc = "The first n items (default 20, at most 100).")] first: Option<i32>,
        #[graphql(desc = "The last n items (at most 100).")] last: Option<i32>,
    ) -> Result<Conn<Article>> {
        let rows: Vec<_> = load_list(&loaders(ctx)?.articles_by_publication, self.0.id)
            .await?
            .into_iter()
            .filter(|a: &article::Model| content_listed(a.status))
            .collect();
        let seek = KeyPage::new(after, before, first, last)?.list_seek(&lists::ARTICLES, ctx)?;
        Ok(from_list(rows, &lists::ARTICLES, &seek, Article)?)
    }
}

#[derive(Clone)]
pub struct Article(pub article::Model);

/// An article: a handbook chapter, an interview, a report, a question and answer,
/// a column or news; with the records of the graph it is about.
#[Object]
impl Article {
    /// The opaque global id.
    pub async fn id(&self) -> ID {
        global_id("Article", self.0.id)
    }
    /// What kind of article.
    async fn kind(&self) -> ArticleKind {
        self.0.kind.into()
    }
    /// Its title.
    async fn title(&self) -> &str {
        &self.0.title
    }
    /// Unique, for addresses; `article(slug:)` finds it.
    async fn slug(&self) -> &str {
        &self.0.slug
    }
    /// The lead paragraph.
    async fn lead(&self) -> &str {
        &self.0.lead
    }
    /// The text, in Markdown as written.
    async fn body_markdown(&self) -> &str {
        &self.0.body_markdown
    }
    /// The text as sanitised HTML (raw HTML in the source is shown as text).
    async fn body_html(&self) -> &str {
        &self.0.body_html
    }
    /// Who wrote it and who spoke in it, in the order printed.
    async fn contributors(&self, ctx: &Context<'_>) -> Result<Vec<Contributor>> {
        let rows = load_list(&loaders(ctx)?.contributors_by_article, self.0.id).await?;
        Ok(rows.into_iter().map(Contributor).collect())
    }
    /// The publication it appeared in, if any.
    async fn publication(&self, ctx: &Context<'_>) -> Result<Option<Publication>> {
        Ok(load_opt(&loaders(ctx)?.publication, self.0.publication_id)
            .await?
            .map(Publication))
    }
    /// When it appeared.
    async fn published_on(&self) -> NaiveDate {
        self.0.published_on
    }
    /// Its tags, lowercase.
    async fn tags(&self) -> Vec<&str> {
        tag_list(&self.0.tags)
    }
    /// The licence of the text.
    async fn licence(&self) -> &str {
        &self.0.licence
    }
    /// Whose words these are and where they come from.
    async fn origin(&self) -> &str {
        &self.0.origin
    }
    /// True for sample content shipped with coophub.
    async fn is_sample(&self) -> bool {
        self.0.is_sample
    }
    /// Where it stands in the editorial workflow (only PUBLISHED ones are public).
    async fn status(&self) -> ContentStatus {
        self.0.status.into()
    }
    /// Changes with every update; send it back with `updateArticle` and `setContentStatus`.
    async fn version(&self) -> i32 {
        self.0.version
    }
    /// When it was last published.
    async fn published_at(&self) -> Option<DateTime<Utc>> {
        self.0.published_at
    }
    /// When it last changed.
    async fn updated_at(&self) -> Option<DateTime<Utc>> {
        self.0.updated_at
    }
    /// The records it is about, by type then id; a record the viewer may not see
    /// (an unverified procurement example, an unpublished recommendation) is left out.
    async fn mentions(&self, ctx: &Context<'_>) -> Result<Vec<Mentionable>> {
        let l = loaders(ctx)?;
        let v = viewer(ctx);
        let links = load_list(&l.mentions_by_article, self.0.id).await?;
        let mut out = Vec::with_capacity(links.len());
        for m in links {
            let id = Some(m.target_id);
            let found = match m.target_kind.as_str() {
                "Cooperative" => load_opt(&l.cooperative, id)
                    .await?
                    .map(|c| Mentionable::Cooperative(Cooperative(c))),
                "LocalGovernment" => {
                    load_unit(ctx, id)?.map(|u| Mentionable::LocalGovernment(LocalGovernment(u)))
                }
                "Institution" => load_opt(&l.institution, id)
                    .await?
                    .map(|i| Mentionable::Institution(Institution(i))),
                "Industry" => load_opt(&l.industry, id)
                    .await?
                    .map(|i| Mentionable::Industry(Industry(i))),
                "Sector" => load_opt(&l.sector, id)
                    .await?
                    .map(|s| Mentionable::Sector(Sector(s))),
                "ProcurementExample" => load_opt(&l.procurement_example, id)
                    .await?
                    .filter(|p| crate::policy::procurement_visible(v, p))
                    .map(|p| Mentionable::ProcurementExample(ProcurementExample(p))),
                "Event" => load_opt(&l.event, id)
                    .await?
                    .map(|e| Mentionable::Event(Event(e))),
                "Recommendation" => load_opt(&l.recommendation, id)
                    .await?
                    .filter(|r| crate::policy::content_visible(v, r.status))
                    .map(|r| Mentionable::Recommendation(Recommendation(r))),
                _ => None,
            };
            out.extend(found);
        }
        Ok(out)
    }
}

/// Anything an article can mention.
// Short-lived values built per resolved field: boxing would cost more than the size.
#[allow(clippy::large_enum_variant)]
#[derive(Union)]
pub enum Mentionable {
    Cooperative(Cooperative),
    LocalGovernment(LocalGovernment),
    Institution(Institution),
    Industry(Industry),
    Sector(Sector),
    ProcurementExample(ProcurementExample),
    Event(Event),
    Recommendation(Recommendation),
}

pub struct Contributor(pub article_contributor::Model);

/// Someone who wrote an article or spoke in it: the name as printed (newspaper
/// authors of past years have no account), and their profile when they have one
/// and agreed to show it.
#[Object]
impl Contributor {
    /// The name as printed.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// What they did.
    async fn role(&self) -> ContributorRole {
        self.0.role.into()
    }
    /// Their public profile, if they have one and agreed to show it.
    async fn person(&self, ctx: &Context<'_>) -> Result<Option<Person>> {
        let v = viewer(ctx);
        Ok(load_opt(&loaders(ctx)?.person, self.0.person_id)
            .await?
            .filter(|p| person_visible(v, p))
            .map(Person))
    }
}

/// Content status helpers for resolvers elsewhere.
pub fn visible(ctx: &Context<'_>, status: content::Status) -> bool {
    crate::policy::content_visible(viewer(ctx), status)
}

/// Counts of the published knowledge a search selects: what a reader can
/// narrow a search to.
pub struct KnowledgeFacets(pub crate::db::knowledge::KnowledgeFacets);

/// How many articles of a selection are of a kind.
#[derive(async_graphql::SimpleObject)]
pub struct ArticleKindCount {
    /// The kind.
    pub kind: ArticleKind,
    /// Articles of the selection of that kind.
    pub count: u64,
}

/// How many recommendations of a selection are in an area.
#[derive(async_graphql::SimpleObject)]
pub struct RecommendationAreaCount {
    /// The area.
    pub area: RecommendationArea,
    /// Recommendations of the selection in it.
    pub count: u64,
}

/// How many articles of a selection appeared in a year.
#[derive(async_graphql::SimpleObject)]
pub struct ArticleYearCount {
    /// The year.
    pub year: i32,
    /// Articles of the selection that appeared in it.
    pub count: u64,
}

pub struct ArticleSectorCount {
    sector_id: i32,
    count: u64,
}

/// How many articles of a selection concern a sector.
#[Object]
impl ArticleSectorCount {
    /// The sector.
    async fn sector(&self, ctx: &Context<'_>) -> Result<Sector> {
        let row = loaders(ctx)?.sector.load_one(self.sector_id).await?;
        Ok(Sector(crate::graphql::required(row, "sector")?))
    }
    /// Articles of the selection that mention it, or an industry, a cooperative or
    /// a verified purchase that falls under it.
    async fn count(&self) -> u64 {
        self.count
    }
}

/// Counts of published articles by kind, sector and year, and of
/// recommendations by area.
#[Object]
impl KnowledgeFacets {
    /// Published articles selected.
    async fn articles(&self) -> u64 {
        self.0.articles
    }
    /// Published recommendations selected.
    async fn recommendations(&self) -> u64 {
        self.0.recommendations
    }
    /// Articles by kind, most first; adds up to `articles`.
    async fn kinds(&self) -> Vec<ArticleKindCount> {
        self.0
            .kinds
            .iter()
            .map(|(k, n)| ArticleKindCount {
                kind: (*k).into(),
                count: *n,
            })
            .collect()
    }
    /// Recommendations by area, most first; adds up to `recommendations`.
    async fn areas(&self) -> Vec<RecommendationAreaCount> {
        self.0
            .areas
            .iter()
            .map(|(a, n)| RecommendationAreaCount {
                area: (*a).into(),
                count: *n,
            })
            .collect()
    }
    /// Articles by the sectors they concern, most first. An article counts once
    /// in every sector it concerns, and not at all when it concerns none.
    async fn sectors(&self) -> Vec<ArticleSectorCount> {
        self.0
            .sectors
            .iter()
            .map(|(s, n)| ArticleSectorCount {
                sector_id: *s,
                count: *n,
            })
            .collect()
    }
    /// Articles by the year they appeared, newest first; adds up to `articles`.
    async fn years(&self) -> Vec<ArticleYearCount> {
        self.0
            .years
            .iter()
            .map(|(y, n)| ArticleYearCount {
                year: *y,
                count: *n,
            })
            .collect()
    }
}
