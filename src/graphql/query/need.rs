//! Needs: one by id, and the public list.

use crate::db::{
    filter::teryt_prefix,
    industry::sector_id_for_filter,
    need::{list_needs, NeedFilter as DbFilter, NEWEST_FIRST},
};
use crate::graphql::{
    connection::{build_keyed, cost, Conn, KeyPage},
    db, loaders,
    node::expect_id,
    types::{Need, NeedStatus},
};
use async_graphql::{Context, InputObject, Object, Result, ID};

/// Narrows a list of needs; all given conditions must hold.
#[derive(InputObject, Default)]
pub struct NeedFilter {
    /// Any of these statuses.
    pub status: Option<Vec<NeedStatus>>,
    /// Places in this TERYT unit or below.
    pub teryt: Option<String>,
    /// In this sector (its `slug`).
    pub sector: Option<String>,
    /// Posted by this local government.
    pub buyer: Option<ID>,
    /// Only needs changed at or after this time (see `updatedAt`): a partner
    /// syncs by asking for what changed since its last copy.
    pub updated_since: Option<chrono::DateTime<chrono::Utc>>,
}

#[derive(Default)]
pub struct NeedQuery;

#[Object]
impl NeedQuery {
    /// One need by its global id.
    async fn need(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Global id.")] id: ID,
    ) -> Result<Option<Need>> {
        let n = expect_id("id", &id, "Need")?;
        Ok(loaders(ctx)?.need.load_one(n).await?.map(Need))
    }

    /// Needs posted by buyers, newest first.
    #[graphql(complexity = "cost(first, last, child_complexity)")]
    async fn needs(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Conditions; all must hold.")] filter: Option<NeedFilter>,
        #[graphql(desc = "Only items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Only items before this cursor.")] before: Option<String>,
        #[graphql(desc = "The first n items (default 20, at most 100).")] first: Option<i32>,
        #[graphql(desc = "The last n items (at most 100).")] last: Option<i32>,
    ) -> Result<Conn<Need>> {
        let page = KeyPage::new(after, before, first, last)?;
        let f = filter.unwrap_or_default();
        let db = db(ctx)?;
        let filter = DbFilter {
            statuses: f
                .status
                .unwrap_or_default()
                .into_iter()
                .map(Into::into)
                .collect(),
            place_teryt_prefix: f
                .teryt
                .as_deref()
                .map(|t| teryt_prefix("filter.teryt", t))
                .transpose()?,
            sector_id: sector_id_for_filter(db, "filter.sector", f.sector.as_deref()).await?,
            buyer_id: match f.buyer.as_ref() {
                // A city with powiat rights buys as one local government.
                Some(b) => Some(
                    crate::db::local_government::stored_unit(
                        db,
                        expect_id("filter.buyer", b, "LocalGovernment")?,
                    )
                    .await?,
                ),
                None => None,
            },
            updated_since: f.updated_since,
        };
        let seek = page.seek(&NEWEST_FIRST, ctx)?;
        let paged = list_needs(db, &filter, &seek).await?;
        Ok(build_keyed(&NEWEST_FIRST, paged, |m| (Need(m), ())))
    }
}
