//! Institution lists.

use crate::db::{
    filter::teryt_prefix,
    institution::{list_institutions, InstitutionFilter as DbFilter, BY_NAME},
};
use crate::graphql::{
    connection::{build_keyed, cost, Conn, KeyPage},
    db,
    types::{Institution, InstitutionKind},
};
use async_graphql::{Context, InputObject, Object, Result};

/// Narrows an institution list; all given conditions must hold.
#[derive(InputObject, Default)]
pub struct InstitutionFilter {
    /// Attached to this TERYT unit or any unit below it.
    pub teryt: Option<String>,
    /// Any of these kinds.
    pub kind: Option<Vec<InstitutionKind>>,
    /// Only institutions changed at or after this time (see `updatedAt`): a
    /// partner syncs by asking for what changed since its last copy.
    pub updated_since: Option<chrono::DateTime<chrono::Utc>>,
}

#[derive(Default)]
pub struct InstitutionQuery;

#[Object]
impl InstitutionQuery {
    /// Institutions around the cooperatives, by name.
    #[graphql(complexity = "cost(first, last, child_complexity)")]
    async fn institutions(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Conditions; all must hold.")] filter: Option<InstitutionFilter>,
        #[graphql(desc = "Only items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Only items before this cursor.")] before: Option<String>,
        #[graphql(desc = "The first n items (default 20, at most 100).")] first: Option<i32>,
        #[graphql(desc = "The last n items (at most 100).")] last: Option<i32>,
    ) -> Result<Conn<Institution>> {
        let page = KeyPage::new(after, before, first, last)?;
        let f = filter.unwrap_or_default();
        let db_filter = DbFilter {
            teryt_prefix: f
                .teryt
                .as_deref()
                .map(|t| teryt_prefix("filter.teryt", t))
                .transpose()?,
            kinds: f
                .kind
                .unwrap_or_default()
                .into_iter()
                .map(Into::into)
                .collect(),
            updated_since: f.updated_since,
        };
        let seek = page.seek(&BY_NAME, ctx)?;
        let paged = list_institutions(db(ctx)?, &db_filter, &seek).await?;
        Ok(build_keyed(&BY_NAME, paged, |m| (Institution(m), ())))
    }
}
