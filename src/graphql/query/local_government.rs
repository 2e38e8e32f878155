//! Local government lookups and lists.

use crate::db::{
    filter::teryt_prefix,
    local_government::{list_local_governments, LocalGovernmentFilter as DbFilter, BY_TERYT},
};
use crate::error::AppError;
use crate::graphql::{
    connection::{build_keyed, cost, Conn, KeyPage},
    db, loaders,
    node::expect_id,
    projection::node_columns,
    types::{LocalGovernment, LocalGovernmentKind, LocalGovernmentLevel},
};
use async_graphql::{Context, InputObject, Object, Result, ID};

/// Narrows a list of TERYT units; all given conditions must hold.
#[derive(InputObject, Default)]
pub struct LocalGovernmentFilter {
    /// This unit and everything below it: `12` is małopolskie with its powiaty and gminy.
    pub teryt: Option<String>,
    /// Only these tiers.
    pub level: Option<Vec<LocalGovernmentLevel>>,
    /// Only these kinds.
    pub kind: Option<Vec<LocalGovernmentKind>>,
    /// Only units directly below this one (global id).
    pub parent: Option<ID>,
}

#[derive(Default)]
pub struct LocalGovernmentQuery;

#[Object]
impl LocalGovernmentQuery {
    /// One TERYT unit by exactly one of: global id or TERYT code.
    async fn local_government(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Global id.")] id: Option<ID>,
        #[graphql(desc = "TERYT code: 2, 4 or 7 digits.")] teryt: Option<String>,
    ) -> Result<Option<LocalGovernment>> {
        match (id, teryt) {
            (Some(id), None) => {
                let n = expect_id("id", &id, "LocalGovernment")?;
                Ok(loaders(ctx)?.unit(n).map(LocalGovernment))
            }
            (None, Some(t)) => {
                let t = teryt_prefix("teryt", &t)?;
                Ok(loaders(ctx)?
                    .units
                    .by_teryt(&t)
                    .cloned()
                    .map(LocalGovernment))
            }
            _ => Err(AppError::invalid("id", "give exactly one of id, teryt").into()),
        }
    }

    /// TERYT units (16 voivodeships, 380 powiaty, 2,479 gminy), by TERYT code.
    #[graphql(complexity = "cost(first, last, child_complexity)")]
    async fn local_governments(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Conditions; all must hold.")] filter: Option<LocalGovernmentFilter>,
        #[graphql(desc = "Only items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Only items before this cursor.")] before: Option<String>,
        #[graphql(desc = "The first n items (default 20, at most 100).")] first: Option<i32>,
        #[graphql(desc = "The last n items (at most 100).")] last: Option<i32>,
    ) -> Result<Conn<LocalGovernment>> {
        let page = KeyPage::new(after, before, first, last)?;
        let f = filter.unwrap_or_default();
        let db_filter = DbFilter {
            teryt_prefix: f
                .teryt
                .as_deref()
                .map(|t| teryt_prefix("filter.teryt", t))
                .transpose()?,
            code_lengths: f
                .level
                .unwrap_or_default()
                .into_iter()
                .map(LocalGovernmentLevel::code_length)
                .collect(),
            kinds: f
                .kind
                .unwrap_or_default()
                .into_iter()
                .map(Into::into)
                .collect(),
            parent_id: f
                .parent
                .as_ref()
                .map(|p| expect_id("filter.parent", p, "LocalGovernment"))
                .transpose()?,
        };
        let seek = page.seek(&BY_TERYT, ctx)?;
        let cols = node_columns::<LocalGovernment>(ctx);
        let paged = list_local_governments(db(ctx)?, &db_filter, &seek, cols).await?;
        Ok(build_keyed(&BY_TERYT, paged, |m| (LocalGovernment(m), ())))
    }
}
