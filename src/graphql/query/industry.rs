//! PKD industries and sectors.

use crate::db::{
    filter::pkd_prefix,
    industry::{
        find_industry_by_code, find_sector_by_slug, list_industries, list_sectors,
        IndustryFilter as DbFilter, BY_PATH, SECTORS,
    },
};
use crate::graphql::{
    connection::{build_keyed, cost, Conn, KeyPage},
    db,
    types::{Industry, IndustryLevel, Sector},
};
use async_graphql::{Context, InputObject, Object, Result};

/// Narrows a list of PKD nodes; all given conditions must hold.
#[derive(InputObject, Default)]
pub struct IndustryFilter {
    /// Only these levels.
    pub level: Option<Vec<IndustryLevel>>,
    /// Codes starting with this (`56`, `56.2`; dots optional).
    pub code_prefix: Option<String>,
}

#[derive(Default)]
pub struct IndustryQuery;

#[Object]
impl IndustryQuery {
    /// One PKD 2007 node by its code: a section letter (`I`) or a code like `56.21.Z` (dots optional).
    async fn industry(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "PKD code.")] code: String,
    ) -> Result<Option<Industry>> {
        let code = if code.trim().len() == 1 {
            code.trim().to_uppercase()
        } else {
            pkd_prefix("code", &code)?
        };
        Ok(find_industry_by_code(db(ctx)?, &code).await?.map(Industry))
    }

    /// The PKD 2007 tree, in code order.
    #[graphql(complexity = "cost(first, last, child_complexity)")]
    async fn industries(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Conditions; all must hold.")] filter: Option<IndustryFilter>,
        #[graphql(desc = "Only items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Only items before this cursor.")] before: Option<String>,
        #[graphql(desc = "The first n items (default 20, at most 100).")] first: Option<i32>,
        #[graphql(desc = "The last n items (at most 100).")] last: Option<i32>,
    ) -> Result<Conn<Industry>> {
        let page = KeyPage::new(after, before, first, last)?;
        let f = filter.unwrap_or_default();
        let db_filter = DbFilter {
            levels: f
                .level
                .unwrap_or_default()
                .into_iter()
                .map(Into::into)
                .collect(),
            code_prefix: f
                .code_prefix
                .as_deref()
                .map(|p| pkd_prefix("filter.codePrefix", p))
                .transpose()?,
            parent_id: None,
        };
        let seek = page.seek(&BY_PATH, ctx)?;
        let paged = list_industries(db(ctx)?, &db_filter, &seek).await?;
        Ok(build_keyed(&BY_PATH, paged, |m| (Industry(m), ())))
    }

    /// One sector by its slug (`catering`, `cleaning`, …).
    async fn sector(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The sector's slug.")] slug: String,
    ) -> Result<Option<Sector>> {
        Ok(find_sector_by_slug(db(ctx)?, &slug).await?.map(Sector))
    }

    /// The sectors of the industry meetings.
    #[graphql(complexity = "cost(first, last, child_complexity)")]
    async fn sectors(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Only items before this cursor.")] before: Option<String>,
        #[graphql(desc = "The first n items (default 20, at most 100).")] first: Option<i32>,
        #[graphql(desc = "The last n items (at most 100).")] last: Option<i32>,
    ) -> Result<Conn<Sector>> {
        let page = KeyPage::new(after, before, first, last)?;
        let seek = page.seek(&SECTORS, ctx)?;
        let paged = list_sectors(db(ctx)?, &seek).await?;
        Ok(build_keyed(&SECTORS, paged, |m| (Sector(m), ())))
    }
}
