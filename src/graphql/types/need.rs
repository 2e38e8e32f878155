//! Buyers' needs and their ranked candidates.

use super::{Cooperative, Decimal, Industry, LocalGovernment, ProcurementProcedure, Sector};
use crate::db::need::{candidates, Candidate};
use crate::graphql::{
    connection::{cost, from_list, Conn, KeyPage},
    db, load_opt, load_unit, loaders,
    node::global_id,
    required,
};
use async_graphql::{Context, Enum, Object, Result, ID};
use chrono::{DateTime, NaiveDate, Utc};
use entity::need;

/// Whether a need still looks for a supplier.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "entity::need::Status")]
pub enum NeedStatus {
    /// Looking for a supplier.
    Open,
    /// Closed by its poster (bought, cancelled or withdrawn; see `closedReason`).
    Closed,
}

#[derive(Clone)]
pub struct Need(pub need::Model);

/// What a local government (or a cooperative) wants delivered, where, by when: public
/// once posted, so cooperatives can see it and officers can read its ranked candidates.
#[Object]
impl Need {
    /// The opaque global id.
    pub async fn id(&self) -> ID {
        global_id("Need", self.0.id)
    }
    /// Short title, e.g. "Catering for the senior club".
    async fn title(&self) -> &str {
        &self.0.title
    }
    /// What is needed, in the poster's words.
    async fn description(&self) -> &str {
        &self.0.description
    }
    /// The sector it belongs to, if named.
    async fn sector(&self, ctx: &Context<'_>) -> Result<Option<Sector>> {
        Ok(load_opt(&loaders(ctx)?.sector, self.0.sector_id)
            .await?
            .map(Sector))
    }
    /// The PKD 2007 code it falls under, if named (any level: 56, 56.2, 56.21.Z).
    async fn industry(&self, ctx: &Context<'_>) -> Result<Option<Industry>> {
        Ok(load_opt(&loaders(ctx)?.industry, self.0.industry_id)
            .await?
            .map(Industry))
    }
    /// Where it is to be delivered.
    async fn place(&self, ctx: &Context<'_>) -> Result<LocalGovernment> {
        let row = load_unit(ctx, Some(self.0.place_id))?;
        Ok(LocalGovernment(required(row, "place")?))
    }
    /// How far from the place a supplier may be, in kilometres.
    async fn radius_km(&self) -> f64 {
        self.0.radius_km
    }
    /// Budget in PLN, if stated.
    async fn budget_pln(&self) -> Option<Decimal> {
        self.0.budget_grosze.map(Decimal)
    }
    /// Deadline for offers or delivery, if stated.
    async fn deadline(&self) -> Option<NaiveDate> {
        self.0.deadline
    }
    /// The procedure the buyer intends to use, if stated.
    async fn procedure(&self) -> Option<ProcurementProcedure> {
        self.0.procedure.map(Into::into)
    }
    /// Open or closed.
    async fn status(&self) -> NeedStatus {
        self.0.status.into()
    }
    /// The local government that posted it (through its officer), if any.
    async fn buyer(&self, ctx: &Context<'_>) -> Result<Option<LocalGovernment>> {
        Ok(load_unit(ctx, self.0.buyer_id)?.map(LocalGovernment))
    }
    /// The cooperative that posted it (through its editor), if any.
    async fn posted_by_cooperative(&self, ctx: &Context<'_>) -> Result<Option<Cooperative>> {
        Ok(load_opt(&loaders(ctx)?.cooperative, self.0.cooperative_id)
            .await?
            .map(Cooperative))
    }
    /// When it was posted.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// When it was closed.
    async fn closed_at(&self) -> Option<DateTime<Utc>> {
        self.0.closed_at
    }
    /// Why it was closed, in the poster's words.
    async fn closed_reason(&self) -> Option<&str> {
        self.0.closed_reason.as_deref()
    }
    /// Changes with every update; send it back with `closeNeed`.
    async fn version(&self) -> i32 {
        self.0.version
    }
    /// When it last changed (the database keeps it);
    /// `needs(filter: {updatedSince})` finds what changed since a time.
    async fn updated_at(&self) -> Option<DateTime<Utc>> {
        self.0.updated_at
    }
    /// Cooperatives that could meet it, best first, each with its score and the reasons
    /// for every point (see docs/matching.md for the scoring).
    #[graphql(complexity = "cost(first, last, child_complexity)")]
    async fn candidates(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Only items before this cursor.")] before: Option<String>,
        #[graphql(desc = "The first n items (default 20, at most 100).")] first: Option<i32>,
        #[graphql(desc = "The last n items (at most 100).")] last: Option<i32>,
    ) -> Result<Conn<NeedCandidate>> {
        let list = &crate::db::lists::CANDIDATES;
        let seek = KeyPage::new(after, before, first, last)?.list_seek(list, ctx)?;
        let all = candidates(db(ctx)?, &self.0).await?;
        Ok(from_list(all, list, &seek, NeedCandidate)?)
    }
}

pub struct NeedCandidate(pub Candidate);

/// A cooperative that could meet a need, with its score and why.
#[Object]
impl NeedCandidate {
    /// The cooperative.
    async fn cooperative(&self, ctx: &Context<'_>) -> Result<Cooperative> {
        let row = loaders(ctx)?
            .cooperative
            .load_one(self.0.cooperative_id)
            .await?;
        Ok(Cooperative(required(row, "cooperative")?))
    }
    /// The sum of the points in `reasons` (at most 100).
    async fn score(&self) -> i32 {
        self.0.score
    }
    /// From the need's place to the cooperative, in kilometres (rounded to 10 m).
    async fn distance_km(&self) -> f64 {
        crate::search::round_km(self.0.distance_km)
    }
    /// Each part of the score with its points, e.g. "+30 industry: 56.21.Z …".
    async fn reasons(&self) -> &[String] {
        &self.0.reasons
    }
}
