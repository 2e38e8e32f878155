//! `search`: one ranked list across the directory, for a search box.

use crate::db::keyset::ListKey;
use crate::db::lists;
use crate::db::search::{scores, Kind};
use crate::error::AppResult;
use crate::graphql::{
    connection::{cost, listed, Conn, KeyPage, Ranked},
    db, loaders,
    types::{
        Article, Cooperative, Institution, LocalGovernment, Offering, ProcurementExample,
        Recommendation,
    },
    viewer,
};
use crate::search::query_terms;
use async_graphql::{Context, Enum, Object, Result, Union};
use std::collections::HashMap;

/// Anything `search` finds.
// Short-lived values built per resolved field: boxing would cost more than the size.
#[allow(clippy::large_enum_variant)]
#[derive(Union)]
pub enum SearchResult {
    Cooperative(Cooperative),
    Offering(Offering),
    ProcurementExample(ProcurementExample),
    Institution(Institution),
    LocalGovernment(LocalGovernment),
    Recommendation(Recommendation),
    Article(Article),
}

/// The kinds of objects `search` looks through.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug, Hash)]
pub enum SearchType {
    /// Cooperatives, by name, description, offerings and industries.
    Cooperative,
    /// Offerings, by name and description.
    Offering,
    /// Verified procurement examples, by subject and outcome.
    ProcurementExample,
    /// Institutions, by name and address.
    Institution,
    /// Voivodeships, powiaty and gminy, by name.
    LocalGovernment,
    /// Published recommendations (standards of cooperation), by title, summary and text.
    Recommendation,
    /// Published articles, by title, lead and text.
    Article,
}

impl SearchType {
    fn kind(self) -> Kind {
        match self {
            SearchType::Cooperative => Kind::Cooperative,
            SearchType::Offering => Kind::Offering,
            SearchType::ProcurementExample => Kind::Procurement,
            SearchType::Institution => Kind::Institution,
            SearchType::LocalGovernment => Kind::LocalGovernment,
            SearchType::Recommendation => Kind::Recommendation,
            SearchType::Article => Kind::Article,
        }
    }
}

const ALL: [SearchType; 7] = [
    SearchType::Cooperative,
    SearchType::Offering,
    SearchType::ProcurementExample,
    SearchType::Institution,
    SearchType::LocalGovernment,
    SearchType::Recommendation,
    SearchType::Article,
];

#[derive(Default)]
pub struct SearchQuery;

#[Object]
impl SearchQuery {
    /// Searches cooperatives, offerings, verified procurement examples, institutions,
    /// local governments, published recommendations and published articles at once, best match first (then by type in the order of
    /// `SearchType`, then by id). Matching and relevance as in `cooperatives(filter: {text})`.
    #[graphql(complexity = "cost(first, last, child_complexity)")]
    async fn search(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The words to look for (case and diacritics do not matter; word prefixes match)."
        )]
        query: String,
        #[graphql(desc = "Only these kinds (default: all).")] types: Option<Vec<SearchType>>,
        #[graphql(desc = "Only items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Only items before this cursor.")] before: Option<String>,
        #[graphql(desc = "The first n items (default 20, at most 100).")] first: Option<i32>,
        #[graphql(desc = "The last n items (at most 100).")] last: Option<i32>,
    ) -> Result<Conn<SearchResult, Ranked>> {
        let list = &lists::SEARCH;
        let seek = KeyPage::new(after, before, first, last)?.list_seek(list, ctx)?;
        let terms = query_terms("query", &query)?;
        let types = match types {
            Some(t) if !t.is_empty() => t,
            _ => ALL.to_vec(),
        };
        let db = db(ctx)?;
        let mut hits: Vec<(i64, usize, i32)> = Vec::new(); // (relevance, type order, id)
        for (order, t) in ALL.iter().enumerate() {
            if types.contains(t) {
                for (id, score) in scores(db, t.kind(), &terms).await? {
                    hits.push((score, order, id));
                }
            }
        }
        hits.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
        let keyed: Vec<_> = hits.iter().map(|h| ((list.key)(h), ())).collect();
        let w = list.span(&keyed, &seek)?;
        let items = load(ctx, &hits[w.start..w.end]).await?;
        Ok(listed(list.tag, w, items))
    }
}

/// The page's objects with their keys, in the page's order; what cannot be shown is
/// left out.
async fn load(
    ctx: &Context<'_>,
    slice: &[(i64, usize, i32)],
) -> AppResult<Vec<(ListKey, SearchResult, Ranked)>> {
    let l = loaders(ctx)?;
    let ids = |order: usize| slice.iter().filter(move |h| h.1 == order).map(|h| h.2);
    let mut found: HashMap<(usize, i32), SearchResult> = HashMap::new();
    for (k, m) in l.cooperative.load_many(ids(0)).await? {
        found.insert((0, k), SearchResult::Cooperative(Cooperative(m)));
    }
    for (k, m) in l.offering.load_many(ids(1)).await? {
        found.insert((1, k), SearchResult::Offering(Offering(m)));
    }
    let v = viewer(ctx);
    for (k, m) in l.procurement_example.load_many(ids(2)).await? {
        if crate::policy::procurement_visible(v, &m) {
            found.insert(
                (2, k),
                SearchResult::ProcurementExample(ProcurementExample(m)),
            );
        }
    }
    for (k, m) in l.institution.load_many(ids(3)).await? {
        found.insert((3, k), SearchResult::Institution(Institution(m)));
    }
    for k in ids(4) {
        if let Some(m) = l.unit(k) {
            found.insert((4, k), SearchResult::LocalGovernment(LocalGovernment(m)));
        }
    }
    // The index holds published texts only; a text unpublished since is left out.
    for (k, m) in l.recommendation.load_many(ids(5)).await? {
        if crate::policy::content_listed(m.status) {
            found.insert((5, k), SearchResult::Recommendation(Recommendation(m)));
        }
    }
    for (k, m) in l.article.load_many(ids(6)).await? {
        if crate::policy::content_listed(m.status) {
            found.insert((6, k), SearchResult::Article(Article(m)));
        }
    }
    Ok(slice
        .iter()
        .filter_map(|hit @ (score, order, id)| {
            found.remove(&(*order, *id)).map(|r| {
                (
                    (lists::SEARCH.key)(hit),
                    r,
                    Ranked {
                        relevance: Some(*score),
                        distance_km: None,
                    },
                )
            })
        })
        .collect())
}
