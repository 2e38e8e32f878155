//! PKD 2007 industries and the sectors mapped onto them.

use super::{Cooperative, IndustryLevel};
use crate::db::lists;
use crate::graphql::{
    connection::{cost, from_list, Conn, KeyPage},
    load_in_order, load_list, loaders,
    node::global_id,
};
use async_graphql::{Context, Object, Result, ID};
use entity::{industry, sector};

#[derive(Clone)]
pub struct Industry(pub industry::Model);

/// A node of the PKD 2007 classification (Polska Klasyfikacja Działalności).
#[Object]
impl Industry {
    /// Published articles that mention it, newest first.
    #[graphql(complexity = "cost(first, last, child_complexity)")]
    async fn mentioned_in(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Only items before this cursor.")] before: Option<String>,
        #[graphql(desc = "The first n items (default 20, at most 100).")] first: Option<i32>,
        #[graphql(desc = "The last n items (at most 100).")] last: Option<i32>,
    ) -> Result<Conn<super::Article>> {
        let page = KeyPage::new(after, before, first, last)?;
        super::mentioned_in(ctx, "Industry", self.0.id, page).await
    }

    /// The opaque global id.
    pub async fn id(&self) -> ID {
        global_id("Industry", self.0.id)
    }
    /// PKD code as published: `I`, `56`, `56.2`, `56.21`, `56.21.Z`.
    async fn code(&self) -> &str {
        &self.0.code
    }
    /// Level in the tree.
    async fn level(&self) -> IndustryLevel {
        self.0.level.into()
    }
    /// Official Polish name.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// The node above (none for sections).
    async fn parent(&self, ctx: &Context<'_>) -> Result<Option<Industry>> {
        let Some(id) = self.0.parent_id else {
            return Ok(None);
        };
        Ok(loaders(ctx)?.industry.load_one(id).await?.map(Industry))
    }
    /// Nodes directly below.
    #[graphql(complexity = "cost(first, last, child_complexity)")]
    async fn children(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Only items before this cursor.")] before: Option<String>,
        #[graphql(desc = "The first n items (default 20, at most 100).")] first: Option<i32>,
        #[graphql(desc = "The last n items (at most 100).")] last: Option<i32>,
    ) -> Result<Conn<Industry>> {
        let rows = load_list(&loaders(ctx)?.children_by_industry, self.0.id).await?;
        let seek =
            KeyPage::new(after, before, first, last)?.list_seek(&lists::INDUSTRIES_BY_PATH, ctx)?;
        Ok(from_list(
            rows,
            &lists::INDUSTRIES_BY_PATH,
            &seek,
            Industry,
        )?)
    }
    /// Cooperatives with an industry in this subtree, by name.
    #[graphql(complexity = "cost(first, last, child_complexity)")]
    async fn cooperatives(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Only items before this cursor.")] before: Option<String>,
        #[graphql(desc = "The first n items (default 20, at most 100).")] first: Option<i32>,
        #[graphql(desc = "The last n items (at most 100).")] last: Option<i32>,
    ) -> Result<Conn<Cooperative>> {
        let l = loaders(ctx)?;
        let ids = l
            .cooperative_ids_by_industry_path
            .load_one(self.0.path.clone())
            .await?
            .unwrap_or_default();
        let rows = load_in_order(&l.cooperative, ids).await?;
        let seek = KeyPage::new(after, before, first, last)?
            .list_seek(&lists::COOPERATIVES_BY_NAME, ctx)?;
        Ok(from_list(
            rows,
            &lists::COOPERATIVES_BY_NAME,
            &seek,
            Cooperative,
        )?)
    }
}

#[derive(Clone)]
pub struct Sector(pub sector::Model);

/// A plain-language sector of the industry meetings (catering, cleaning, care services…), mapped to PKD codes.
#[Object]
impl Sector {
    /// Published articles that mention it, newest first.
    #[graphql(complexity = "cost(first, last, child_complexity)")]
    async fn mentioned_in(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Only items before this cursor.")] before: Option<String>,
        #[graphql(desc = "The first n items (default 20, at most 100).")] first: Option<i32>,
        #[graphql(desc = "The last n items (at most 100).")] last: Option<i32>,
    ) -> Result<Conn<super::Article>> {
        let page = KeyPage::new(after, before, first, last)?;
        super::mentioned_in(ctx, "Sector", self.0.id, page).await
    }

    /// The opaque global id.
    pub async fn id(&self) -> ID {
        global_id("Sector", self.0.id)
    }
    /// Stable short name, used in filters: `catering`, `cleaning`, `green-areas`…
    async fn slug(&self) -> &str {
        &self.0.slug
    }
    /// Polish name.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// English name.
    async fn name_en(&self) -> &str {
        &self.0.name_en
    }
    /// The PKD nodes that make up the sector (each with its whole subtree).
    #[graphql(complexity = "cost(first, last, child_complexity)")]
    async fn industries(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Only items before this cursor.")] before: Option<String>,
        #[graphql(desc = "The first n items (default 20, at most 100).")] first: Option<i32>,
        #[graphql(desc = "The last n items (at most 100).")] last: Option<i32>,
    ) -> Result<Conn<Industry>> {
        let l = loaders(ctx)?;
        let links = load_list(&l.industry_links_by_sector, self.0.id).await?;
        let rows = load_in_order(&l.industry, links.iter().map(|x| x.industry_id)).await?;
        let seek =
            KeyPage::new(after, before, first, last)?.list_seek(&lists::INDUSTRIES_BY_PATH, ctx)?;
        Ok(from_list(
            rows,
            &lists::INDUSTRIES_BY_PATH,
            &seek,
            Industry,
        )?)
    }
    /// Cooperatives working in the sector, by name.
    #[graphql(complexity = "cost(first, last, child_complexity)")]
    async fn cooperatives(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Only items before this cursor.")] before: Option<String>,
        #[graphql(desc = "The first n items (default 20, at most 100).")] first: Option<i32>,
        #[graphql(desc = "The last n items (at most 100).")] last: Option<i32>,
    ) -> Result<Conn<Cooperative>> {
        let l = loaders(ctx)?;
        let ids = l
            .cooperative_ids_by_sector
            .load_one(self.0.id)
            .await?
            .unwrap_or_default();
        let rows = load_in_order(&l.cooperative, ids).await?;
        let seek = KeyPage::new(after, before, first, last)?
            .list_seek(&lists::COOPERATIVES_BY_NAME, ctx)?;
        Ok(from_list(
            rows,
            &lists::COOPERATIVES_BY_NAME,
            &seek,
            Cooperative,
        )?)
    }
}
