//! Cooperative lookups and the filtered list.

use crate::db::{
    cooperative::{find_cooperative_by, list_cooperatives, CooperativeOrder},
    filter::{pkd_prefix, teryt_prefix, CooperativeFilter as DbFilter},
    industry::sector_id_for_filter,
};
use crate::error::{AppError, AppResult};
use crate::graphql::{
    connection::{build, cost, Conn, Page},
    db, enum_to_db, loaders,
    node::expect_id,
    types::{Cooperative, CooperativeOrderBy, CooperativeStatus, FounderKind},
};
use crate::ids::{parse_krs, parse_nip, parse_regon};
use async_graphql::{Context, InputObject, Object, Result, ID};
use entity::cooperative::Column;

/// Narrows a cooperative list; all given conditions must hold.
#[derive(InputObject, Default)]
pub struct CooperativeFilter {
    /// Seated in this TERYT unit or below: `12` (małopolskie), `1206` (powiat krakowski), `1261011` (Kraków).
    pub teryt: Option<String>,
    /// Works in this sector (its `slug`, e.g. `catering`).
    pub sector: Option<String>,
    /// Has an industry under this PKD 2007 code: `56`, `56.2`, `56.21.Z` (dots optional).
    pub pkd: Option<String>,
    /// Any of these statuses.
    pub status: Option<Vec<CooperativeStatus>>,
    /// Any of these founder kinds.
    pub founder_kind: Option<Vec<FounderKind>>,
    /// Only sample (true) or only real (false) cooperatives.
    pub is_sample: Option<bool>,
}

impl CooperativeFilter {
    /// Checks the input and resolves names to ids; the same rules serve every entry point.
    pub async fn into_db(self, ctx: &Context<'_>) -> AppResult<DbFilter> {
        let sector_id =
            sector_id_for_filter(db(ctx)?, "filter.sector", self.sector.as_deref()).await?;
        Ok(DbFilter {
            teryt_prefix: self
                .teryt
                .as_deref()
                .map(|t| teryt_prefix("filter.teryt", t))
                .transpose()?,
            sector_id,
            pkd_prefix: self
                .pkd
                .as_deref()
                .map(|p| pkd_prefix("filter.pkd", p))
                .transpose()?,
            statuses: self
                .status
                .unwrap_or_default()
                .into_iter()
                .map(enum_to_db)
                .collect(),
            founder_kinds: self
                .founder_kind
                .unwrap_or_default()
                .into_iter()
                .map(enum_to_db)
                .collect(),
            is_sample: self.is_sample,
        })
    }
}

#[derive(Default)]
pub struct CooperativeQuery;

#[Object]
impl CooperativeQuery {
    /// One cooperative by exactly one of: global id, KRS, NIP or REGON. Common spellings are accepted
    /// (NIP with dashes or a PL prefix, KRS without leading zeros); a wrong checksum is an error.
    async fn cooperative(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Global id.")] id: Option<ID>,
        #[graphql(desc = "KRS number, leading zeros optional.")] krs: Option<String>,
        #[graphql(desc = "NIP, dashes and spaces allowed.")] nip: Option<String>,
        #[graphql(desc = "REGON, 9 or 14 digits.")] regon: Option<String>,
    ) -> Result<Option<Cooperative>> {
        let given = [id.is_some(), krs.is_some(), nip.is_some(), regon.is_some()]
            .iter()
            .filter(|x| **x)
            .count();
        if given != 1 {
            return Err(AppError::invalid("id", "give exactly one of id, krs, nip, regon").into());
        }
        if let Some(id) = id {
            let n = expect_id("id", &id, "Cooperative")?;
            return Ok(loaders(ctx)?
                .cooperative
                .load_one(n)
                .await?
                .map(Cooperative));
        }
        let (col, value) = match (krs, nip, regon) {
            (Some(k), _, _) => (Column::Krs, parse_krs(&k)?),
            (_, Some(n), _) => (Column::Nip, parse_nip(&n)?),
            (_, _, Some(r)) => (Column::Regon, parse_regon(&r)?),
            _ => return Ok(None),
        };
        Ok(find_cooperative_by(db(ctx)?, col, &value)
            .await?
            .map(Cooperative))
    }

    /// Cooperatives, filtered and ordered.
    #[graphql(complexity = "cost(first, last, child_complexity)")]
    async fn cooperatives(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Conditions; all must hold.")] filter: Option<CooperativeFilter>,
        #[graphql(desc = "Order (default NAME).", default)] order_by: CooperativeOrderBy,
        #[graphql(desc = "Only items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Only items before this cursor.")] before: Option<String>,
        #[graphql(desc = "The first n items (default 20, at most 100).")] first: Option<i32>,
        #[graphql(desc = "The last n items (at most 100).")] last: Option<i32>,
    ) -> Result<Conn<Cooperative>> {
        let page = Page::new(after, before, first, last)?;
        let filter = filter.unwrap_or_default().into_db(ctx).await?;
        let order = match order_by {
            CooperativeOrderBy::Name => CooperativeOrder::Name,
            CooperativeOrderBy::RegistrationDateDesc => CooperativeOrder::RegistrationDateDesc,
            CooperativeOrderBy::EmployeeCountDesc => CooperativeOrder::EmployeeCountDesc,
        };
        let (w, rows) = list_cooperatives(db(ctx)?, &filter, order, |t| page.window(t)).await?;
        Ok(build(w, rows, Cooperative))
    }
}
