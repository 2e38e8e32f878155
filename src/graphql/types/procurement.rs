//! Procurement examples: purchases by local governments from cooperatives.

use super::{Cooperative, Decimal, Industry, LocalGovernment, ProcurementProcedure, SupplierRole};
use crate::db::lists;
use crate::graphql::{
    connection::{cost, from_list, Conn, KeyPage},
    load_list, load_unit, loaders,
    node::global_id,
    required,
};
use async_graphql::{Context, Object, Result, ID};
use entity::{procurement_example, procurement_supplier};

#[derive(Clone)]
pub struct ProcurementExample(pub procurement_example::Model);

impl crate::graphql::projection::Reads for ProcurementExample {
    type Entity = procurement_example::Entity;
    fn reads(field: &str) -> Option<&'static [procurement_example::Column]> {
        use procurement_example::Column as C;
        Some(match field {
            "subject" => &[C::Subject],
            "procedure" => &[C::Procedure],
            "year" => &[C::Year],
            "legalBasis" => &[C::Procedure, C::Year],
            "buyerUnit" => &[C::BuyerUnit],
            "updatedAt" => &[C::UpdatedAt],
            "valuePln" => &[C::ValueGrosze],
            "outcome" => &[C::Outcome],
            "lessons" => &[C::Lessons],
            "source" => &[C::Source],
            "version" => &[C::Version],
            "verified" => &[C::Verified],
            "verifiedBy" => &[C::VerifiedBy],
            "verifiedAt" => &[C::VerifiedAt],
            "isSample" => &[C::IsSample],
            "buyer" => &[C::BuyerId],
            "industry" => &[C::IndustryId],
            // By the example's id (always read).
            "id" | "suppliers" => &[],
            _ => return None,
        })
    }
}

/// A purchase by a local government from one or more social cooperatives, with how it was done and what was learnt.
#[Object]
impl ProcurementExample {
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
        super::mentioned_in(ctx, "ProcurementExample", self.0.id, page).await
    }
    /// Published recommendations (standards) it illustrates, by code.
    #[graphql(complexity = "cost(first, last, child_complexity)")]
    async fn illustrates(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Only items before this cursor.")] before: Option<String>,
        #[graphql(desc = "The first n items (default 20, at most 100).")] first: Option<i32>,
        #[graphql(desc = "The last n items (at most 100).")] last: Option<i32>,
    ) -> Result<Conn<super::Recommendation>> {
        let l = loaders(ctx)?;
        let links = load_list(&l.recommendations_by_example, self.0.id).await?;
        let rows: Vec<_> = crate::graphql::load_in_order(
            &l.recommendation,
            links.iter().map(|x| x.recommendation_id),
        )
        .await?
        .into_iter()
        .filter(|r| crate::policy::content_listed(r.status))
        .collect();
        let seek = KeyPage::new(after, before, first, last)?
            .list_seek(&crate::db::lists::RECOMMENDATIONS, ctx)?;
        Ok(from_list(
            rows,
            &crate::db::lists::RECOMMENDATIONS,
            &seek,
            super::Recommendation,
        )?)
    }

    /// The opaque global id.
    pub async fn id(&self) -> ID {
        global_id("ProcurementExample", self.0.id)
    }
    /// What was bought.
    async fn subject(&self) -> &str {
        &self.0.subject
    }
    /// The procedure used.
    async fn procedure(&self) -> ProcurementProcedure {
        self.0.procedure.into()
    }
    /// The law it was awarded under, by its year, and its procedure's article
    /// where it has one, e.g. "art. 94 (reserved contract) of the Public
    /// Procurement Law of 11 September 2019 (Dz.U. 2019 poz. 2019)".
    async fn legal_basis(&self) -> String {
        crate::law::legal_basis(self.0.procedure, self.0.year)
    }
    /// The buyer's organisational unit that bought, when not its office (a MOPS,
    /// a school, a municipal company).
    async fn buyer_unit(&self) -> Option<&str> {
        self.0.buyer_unit.as_deref()
    }
    /// When it, its verification or its suppliers last changed (the database
    /// keeps it); `filter: {updatedSince}` finds what changed since a time.
    async fn updated_at(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        self.0.updated_at
    }
    /// Contract value in PLN net of VAT, exact.
    async fn value_pln(&self) -> Option<Decimal> {
        self.0.value_grosze.map(Decimal)
    }
    /// Year of the contract.
    async fn year(&self) -> i32 {
        self.0.year
    }
    /// How it went.
    async fn outcome(&self) -> Option<&str> {
        self.0.outcome.as_deref()
    }
    /// What other buyers can learn from it.
    async fn lessons(&self) -> Option<&str> {
        self.0.lessons.as_deref()
    }
    /// Where the example comes from.
    async fn source(&self) -> Option<&str> {
        self.0.source.as_deref()
    }
    /// Changes with every update; send it back with `verifyProcurementExample`.
    async fn version(&self) -> i32 {
        self.0.version
    }
    /// True once a moderator verified it; only verified examples are public.
    async fn verified(&self) -> bool {
        self.0.verified
    }
    /// The moderator who verified it (display name only).
    async fn verified_by(&self, ctx: &Context<'_>) -> Result<Option<super::User>> {
        let Some(id) = self.0.verified_by else {
            return Ok(None);
        };
        Ok(loaders(ctx)?.user.load_one(id).await?.map(super::User))
    }
    /// When a moderator verified it.
    async fn verified_at(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        self.0.verified_at
    }
    /// True for generated sample data.
    async fn is_sample(&self) -> bool {
        self.0.is_sample
    }
    /// The buying local government.
    async fn buyer(&self, ctx: &Context<'_>) -> Result<LocalGovernment> {
        let row = load_unit(ctx, Some(self.0.buyer_id))?;
        Ok(LocalGovernment(required(row, "buyer")?))
    }
    /// The PKD subclass of the subject.
    async fn industry(&self, ctx: &Context<'_>) -> Result<Option<Industry>> {
        let Some(id) = self.0.industry_id else {
            return Ok(None);
        };
        Ok(loaders(ctx)?.industry.load_one(id).await?.map(Industry))
    }
    /// The supplying cooperatives, the lead first.
    #[graphql(complexity = "cost(first, last, child_complexity)")]
    async fn suppliers(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Only items before this cursor.")] before: Option<String>,
        #[graphql(desc = "The first n items (default 20, at most 100).")] first: Option<i32>,
        #[graphql(desc = "The last n items (at most 100).")] last: Option<i32>,
    ) -> Result<Conn<ProcurementSupplier>> {
        let rows = load_list(&loaders(ctx)?.suppliers_by_procurement_example, self.0.id).await?;
        let seek = KeyPage::new(after, before, first, last)?.list_seek(&lists::SUPPLIERS, ctx)?;
        Ok(from_list(
            rows,
            &lists::SUPPLIERS,
            &seek,
            ProcurementSupplier,
        )?)
    }
}

#[derive(Clone)]
pub struct ProcurementSupplier(pub procurement_supplier::Model);

/// A cooperative's part in a procurement.
#[Object]
impl ProcurementSupplier {
    /// A stable id of this cooperative's part in the purchase (as
    /// `NetworkEdge.link` of its SUPPLIED and BOUGHT_FROM edges).
    async fn id(&self) -> ID {
        crate::ids::link_id(
            "ProcurementSupplier",
            &[self.0.procurement_example_id, self.0.cooperative_id],
        )
    }
    /// Lead contractor or consortium member.
    async fn role(&self) -> SupplierRole {
        self.0.role.into()
    }
    /// The cooperative.
    async fn cooperative(&self, ctx: &Context<'_>) -> Result<Cooperative> {
        let row = loaders(ctx)?
            .cooperative
            .load_one(self.0.cooperative_id)
            .await?;
        Ok(Cooperative(required(row, "cooperative")?))
    }
}
