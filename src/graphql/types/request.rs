//! Requests about cooperatives that a moderator decides (`requests`): a proposed
//! new cooperative, an editor's change to registry facts. Seen only by the one who
//! asked and by moderators.

use super::{Cooperative, User};
use crate::graphql::{db, loaders, node::global_id};
use crate::requests;
use async_graphql::{Context, Enum, Object, Result, SimpleObject, ID};
use chrono::{DateTime, Utc};
use entity::cooperative_request;

/// Where a request about a cooperative stands.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "entity::claim::Status")]
pub enum RequestStatus {
    /// Waiting for a moderator.
    Pending,
    /// Approved: the cooperative was created, or the change made.
    Approved,
    /// Rejected, with a reason.
    Rejected,
}

/// What a request about a cooperative asks for.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "entity::cooperative_request::Kind")]
pub enum CooperativeRequestKind {
    /// A new cooperative in the directory (`proposeCooperative`).
    New,
    /// A change to a cooperative's registry facts: name, legal status, KRS, NIP,
    /// REGON (an editor's `updateCooperative`).
    Change,
}

/// One field a request asks for.
#[derive(SimpleObject)]
pub struct RequestedField {
    /// The field, by the export's column name (`name`, `status`, `krs`, `seatTeryt`, `pkdCodes`, …), `founders` (a JSON array of the proposed legal-person founders) or `offerings` (a JSON array of its products and services).
    pub field: String,
    /// The value asked for, as the export writes it.
    pub value: String,
    /// What the cooperative holds now (CHANGE requests; null when empty or new).
    pub current: Option<String>,
}

/// A request about a cooperative that a moderator decides: a new cooperative
/// proposed by a member, or an editor's change to the facts of the court register.
/// Seen only by the one who asked (`myCooperativeRequests`) and moderators (`cooperativeRequests`).
pub struct CooperativeRequest(pub cooperative_request::Model);

/// A request about a cooperative that a moderator decides: a new cooperative
/// proposed by a member, or an editor's change to the facts of the court register.
/// Seen only by the one who asked (`myCooperativeRequests`) and moderators (`cooperativeRequests`).
#[Object]
impl CooperativeRequest {
    /// The request's opaque id.
    async fn id(&self) -> ID {
        global_id("CooperativeRequest", self.0.id)
    }
    /// What it asks for.
    async fn kind(&self) -> CooperativeRequestKind {
        self.0.kind.into()
    }
    /// Where it stands.
    async fn status(&self) -> RequestStatus {
        self.0.status.into()
    }
    /// The cooperative changed (CHANGE), or created by the approval (NEW).
    async fn cooperative(&self, ctx: &Context<'_>) -> Result<Option<Cooperative>> {
        let Some(id) = self.0.cooperative_id else {
            return Ok(None);
        };
        Ok(loaders(ctx)?
            .cooperative
            .load_one(id)
            .await?
            .map(Cooperative))
    }
    /// The fields asked for, by name.
    async fn fields(&self, ctx: &Context<'_>) -> Result<Vec<RequestedField>> {
        let held = match (self.0.kind, self.0.cooperative_id) {
            (cooperative_request::Kind::Change, Some(id)) => {
                loaders(ctx)?.cooperative.load_one(id).await?
            }
            _ => None,
        };
        Ok(requests::fields_of(&self.0)
            .into_iter()
            .map(|(field, value)| RequestedField {
                current: held
                    .as_ref()
                    .and_then(|c| requests::registry_value(c, &field)),
                field,
                value,
            })
            .collect())
    }
    /// Cooperatives a pending proposal may duplicate: those holding its KRS, NIP or
    /// REGON, and those seated in its gmina with a name alike. Empty for changes
    /// and decided requests.
    async fn duplicates(&self, ctx: &Context<'_>) -> Result<Vec<Cooperative>> {
        if self.0.kind != cooperative_request::Kind::New
            || self.0.status != entity::claim::Status::Pending
        {
            return Ok(Vec::new());
        }
        let found = requests::duplicates(db(ctx)?, &requests::fields_of(&self.0)).await?;
        Ok(found.into_iter().map(Cooperative).collect())
    }
    /// Who asked.
    async fn requester(&self, ctx: &Context<'_>) -> Result<Option<User>> {
        Ok(loaders(ctx)?.user.load_one(self.0.user_id).await?.map(User))
    }
    /// What the requester says: where the facts come from, their link to the cooperative.
    async fn note(&self) -> Option<&str> {
        self.0.note.as_deref()
    }
    /// The moderator's reason, once decided.
    async fn reason(&self) -> Option<&str> {
        self.0.reason.as_deref()
    }
    /// When it was made.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// When it was decided.
    async fn decided_at(&self) -> Option<DateTime<Utc>> {
        self.0.decided_at
    }
}
