//! Claims: a member asks to edit a cooperative; a moderator decides, with a reason.

use crate::db::account;
use crate::error::AppError;
use crate::graphql::{db, loaders, node::expect_id, types::Claim, viewer};
use crate::validate;
use async_graphql::{Context, InputObject, Object, Result, SimpleObject, ID};

/// Input of `claimCooperative`.
#[derive(InputObject)]
pub struct ClaimCooperativeInput {
    /// The cooperative to edit.
    pub cooperative: ID,
    /// How you are linked to it (e.g. "member of the board"), for the moderator.
    pub note: Option<String>,
}

/// Input of `approveClaim` and `rejectClaim`.
#[derive(InputObject)]
pub struct DecideClaimInput {
    /// The claim.
    pub claim: ID,
    /// Why: recorded in the audit trail and shown to the claimant.
    pub reason: String,
}

/// Result of a claim mutation.
#[derive(SimpleObject)]
pub struct ClaimPayload {
    /// The claim as it is now.
    pub claim: Claim,
}

#[derive(Default)]
pub struct ClaimMutation;

#[Object]
impl ClaimMutation {
    /// Asks to become an editor of a cooperative. Signed-in members.
    async fn claim_cooperative(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which cooperative.")] input: ClaimCooperativeInput,
    ) -> Result<ClaimPayload> {
        let user = viewer(ctx).user_id()?;
        let coop = expect_id("cooperative", &input.cooperative, "Cooperative")?;
        loaders(ctx)?
            .cooperative
            .load_one(coop)
            .await?
            .ok_or_else(|| AppError::invalid("cooperative", "no such cooperative"))?;
        let note = validate::optional_arg("note", input.note.as_deref(), 1000)?;
        Ok(ClaimPayload {
            claim: Claim(account::create_claim(db(ctx)?, user, coop, note).await?),
        })
    }

    /// Approves a pending claim: the claimant becomes an editor. Moderators.
    async fn approve_claim(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which claim, and why.")] input: DecideClaimInput,
    ) -> Result<ClaimPayload> {
        decide(ctx, input, true).await
    }

    /// Rejects a pending claim. Moderators.
    async fn reject_claim(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which claim, and why.")] input: DecideClaimInput,
    ) -> Result<ClaimPayload> {
        decide(ctx, input, false).await
    }
}

async fn decide(ctx: &Context<'_>, input: DecideClaimInput, approve: bool) -> Result<ClaimPayload> {
    let v = viewer(ctx);
    v.require_moderator()?;
    let claim = expect_id("claim", &input.claim, "Claim")?;
    let reason = validate::text("reason", &input.reason, 1000)?;
    Ok(ClaimPayload {
        claim: Claim(account::decide_claim(db(ctx)?, v.user_id()?, claim, approve, &reason).await?),
    })
}
