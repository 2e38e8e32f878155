//! Procurement examples proposed by an officer of the buyer or an editor of a
//! supplier; public once a moderator verifies them.

use crate::db::editing::{propose_procurement_example, update_versioned, NewProcurementExample};
use crate::db::local_government::stored_unit;
use crate::error::AppError;
use crate::graphql::{
    db, loaders,
    node::expect_id,
    types::{Decimal, ProcurementExample, ProcurementProcedure, SupplierRole},
    viewer,
};
use async_graphql::{Context, InputObject, Object, Result, SimpleObject, ID};
use chrono::Utc;
use entity::{procurement_example, procurement_supplier};
use sea_orm::Value;

/// A supplier of a proposed example.
#[derive(InputObject)]
pub struct SupplierInput {
    /// The cooperative.
    pub cooperative: ID,
    /// Lead or consortium member.
    pub role: SupplierRole,
}

/// Input of `proposeProcurementExample`.
#[derive(InputObject)]
pub struct ProposeProcurementExampleInput {
    /// The buying local government.
    pub buyer: ID,
    /// Its organisational unit that bought, when not its office (a MOPS, a
    /// school, a municipal company; at most 200 characters).
    pub buyer_unit: Option<String>,
    /// The supplying cooperatives (one LEAD).
    pub suppliers: Vec<SupplierInput>,
    /// What was bought.
    pub subject: String,
    /// How.
    pub procedure: ProcurementProcedure,
    /// Contract value in PLN net of VAT, e.g. "125000.50".
    pub value_pln: Option<Decimal>,
    /// Year of the contract (2004 to this year): its law decides which procedures
    /// exist (RESERVED_CONTRACT_ART_22 until 2020, RESERVED_CONTRACT_ART_94 from
    /// 2021) and, from 2021, that BELOW_THRESHOLD is below that year's threshold (130 000 PLN net to 2025, 170 000 PLN from 2026).
    pub year: i32,
    /// How it went.
    pub outcome: Option<String>,
    /// What others can learn.
    pub lessons: Option<String>,
    /// Where the facts come from (a link or a document).
    pub source: Option<String>,
}

/// Input of `verifyProcurementExample`.
#[derive(InputObject)]
pub struct VerifyProcurementExampleInput {
    /// The example.
    pub id: ID,
    /// The `version` you read.
    pub version: i32,
}

/// Result of the procurement mutations.
#[derive(SimpleObject)]
pub struct ProcurementExamplePayload {
    /// The example as it is now.
    pub procurement_example: ProcurementExample,
}

#[derive(Default)]
pub struct ProcurementMutation;

#[Object]
impl ProcurementMutation {
    /// Proposes a purchase as an example. An officer of the buyer or an editor of a supplier;
    /// it stays unpublished until a moderator verifies it.
    async fn propose_procurement_example(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The purchase.")] input: ProposeProcurementExampleInput,
    ) -> Result<ProcurementExamplePayload> {
        let v = viewer(ctx);
        let user = v.user_id()?;
        let named = expect_id("buyer", &input.buyer, "LocalGovernment")?;
        loaders(ctx)?
            .unit(named)
            .ok_or_else(|| AppError::invalid("buyer", "no such local government"))?;
        // A city with powiat rights buys as one local government, whichever unit is named.
        let buyer = stored_unit(db(ctx)?, named).await?;
        let mut suppliers = Vec::new();
        for s in &input.suppliers {
            let id = expect_id("suppliers", &s.cooperative, "Cooperative")?;
            loaders(ctx)?
                .cooperative
                .load_one(id)
                .await?
                .ok_or_else(|| AppError::invalid("suppliers", "no such cooperative"))?;
            suppliers.push((id, procurement_supplier::Role::from(s.role)));
        }
        let allowed = v.is_moderator()
            || v.is_officer_of(buyer)
            || v.is_officer_of(named)
            || suppliers.iter().any(|(c, _)| v.is_editor_of(*c));
        if !allowed {
            return Err(AppError::Forbidden.into());
        }
        let new = NewProcurementExample {
            buyer_id: buyer,
            buyer_unit: input.buyer_unit,
            subject: input.subject,
            procedure: input.procedure.into(),
            value_grosze: input.value_pln.map(|d| d.0),
            year: input.year,
            outcome: input.outcome,
            lessons: input.lessons,
            source: input.source,
            suppliers,
        };
        let p = propose_procurement_example(db(ctx)?, user, new).await?;
        Ok(ProcurementExamplePayload {
            procurement_example: ProcurementExample(p),
        })
    }

    /// Verifies a proposed example: it becomes public. Moderators.
    async fn verify_procurement_example(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The example and the version read.")] input: VerifyProcurementExampleInput,
    ) -> Result<ProcurementExamplePayload> {
        use procurement_example::Column as C;
        let v = viewer(ctx);
        v.require_moderator()?;
        let id = expect_id("id", &input.id, "ProcurementExample")?;
        let user = v.user_id()?;
        let current = loaders(ctx)?.procurement_example.load_one(id).await?;
        if current.as_ref().is_some_and(|p| p.verified) {
            return Err(AppError::Conflict("this example is already verified".into()).into());
        }
        let changes = vec![
            (C::Verified, Value::from(true)),
            (C::VerifiedBy, Value::from(user)),
            (C::VerifiedAt, Value::from(Utc::now())),
        ];
        let row = update_versioned::<procurement_example::Entity>(
            db(ctx)?,
            user,
            "ProcurementExample",
            id,
            input.version,
            changes,
        )
        .await?;
        // Now public, and searchable: `update_versioned` indexed it in its transaction.
        Ok(ProcurementExamplePayload {
            procurement_example: ProcurementExample(row),
        })
    }
}
