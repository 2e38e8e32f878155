//! Procurement example lists.

use crate::db::{
    filter::{teryt_prefix, ProcurementFilter as DbFilter},
    industry::sector_id_for_filter,
    procurement::{list_procurement_examples, ProcurementOrder},
};
use crate::error::AppError;
use crate::graphql::{
    connection::{build_keyed, cost, Conn, KeyPage},
    db,
    node::expect_id,
    projection::node_columns,
    types::{ProcurementExample, ProcurementOrderBy, ProcurementProcedure},
};
use async_graphql::{Context, InputObject, Object, Result, ID};

/// Narrows a procurement list; all given conditions must hold.
#[derive(InputObject, Default)]
pub struct ProcurementFilter {
    /// Bought by this local government (global id).
    pub buyer: Option<ID>,
    /// Bought by a unit in this TERYT unit or below it.
    pub buyer_teryt: Option<String>,
    /// Supplied by this cooperative (global id), as lead or consortium member.
    pub supplier: Option<ID>,
    /// Any of these procedures.
    pub procedure: Option<Vec<ProcurementProcedure>>,
    /// In this year or later.
    pub year_from: Option<i32>,
    /// In this year or earlier.
    pub year_to: Option<i32>,
    /// Subject in this sector (its slug).
    pub sector: Option<String>,
    /// Only examples changed at or after this time (the example, its verification
    /// or its suppliers; see `updatedAt`): a partner syncs by asking for what
    /// changed since its last copy.
    pub updated_since: Option<chrono::DateTime<chrono::Utc>>,
}

#[derive(Default)]
pub struct ProcurementQuery;

#[Object]
impl ProcurementQuery {
    /// Purchases by local governments from social cooperatives.
    #[graphql(complexity = "cost(first, last, child_complexity)")]
    async fn procurement_examples(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Conditions; all must hold.")] filter: Option<ProcurementFilter>,
        #[graphql(desc = "Order (default YEAR_DESC).", default)] order_by: ProcurementOrderBy,
        #[graphql(desc = "Only items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Only items before this cursor.")] before: Option<String>,
        #[graphql(desc = "The first n items (default 20, at most 100).")] first: Option<i32>,
        #[graphql(desc = "The last n items (at most 100).")] last: Option<i32>,
    ) -> Result<Conn<ProcurementExample>> {
        let page = KeyPage::new(after, before, first, last)?;
        let f = filter.unwrap_or_default();
        if let (Some(a), Some(b)) = (f.year_from, f.year_to) {
            if a > b {
                return Err(AppError::invalid(
                    "filter.yearFrom",
                    format!("{a} is after yearTo {b}"),
                )
                .into());
            }
        }
        let sector_id =
            sector_id_for_filter(db(ctx)?, "filter.sector", f.sector.as_deref()).await?;
        let db_filter = DbFilter {
            buyer_id: match f.buyer.as_ref() {
                // A city with powiat rights buys as one local government.
                Some(b) => Some(
                    crate::db::local_government::stored_unit(
                        db(ctx)?,
                        expect_id("filter.buyer", b, "LocalGovernment")?,
                    )
                    .await?,
                ),
                None => None,
            },
            buyer_teryt_prefix: f
                .buyer_teryt
                .as_deref()
                .map(|t| teryt_prefix("filter.buyerTeryt", t))
                .transpose()?,
            supplier_id: f
                .supplier
                .as_ref()
                .map(|s| expect_id("filter.supplier", s, "Cooperative"))
                .transpose()?,
            procedures: f
                .procedure
                .unwrap_or_default()
                .into_iter()
                .map(Into::into)
                .collect(),
            year_from: f.year_from,
            year_to: f.year_to,
            sector_id,
            updated_since: f.updated_since,
        };
        let order = match order_by {
            ProcurementOrderBy::YearDesc => ProcurementOrder::YearDesc,
            ProcurementOrderBy::YearAsc => ProcurementOrder::YearAsc,
            ProcurementOrderBy::ValueDesc => ProcurementOrder::ValueDesc,
        };
        let seek = page.seek(order.keyset(), ctx)?;
        let cols = node_columns::<ProcurementExample>(ctx);
        let paged = list_procurement_examples(db(ctx)?, &db_filter, order, &seek, cols).await?;
        Ok(build_keyed(order.keyset(), paged, |m| {
            (ProcurementExample(m), ())
        }))
    }
}
