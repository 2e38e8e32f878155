//! People and their rights: the public face of a user, the signed-in user's own
//! view, role grants, claims, partner keys and audit entries. E-mail addresses,
//! tokens and key secrets appear only where the schema says "only to …".

use super::{Cooperative, LocalGovernment};
use crate::graphql::{loaders, node::global_id};
use async_graphql::{Context, Enum, Object, Result, SimpleObject, ID};
use chrono::{DateTime, Utc};
use entity::{api_key, audit_entry, claim, user_account, user_role};
use sea_orm::ActiveEnum;

/// A role.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum Role {
    /// Runs coophub: manages roles and partner keys.
    Admin,
    /// The federation's moderators: verify, approve claims, hide.
    Moderator,
    /// Answers legal questions at the legal desk.
    LegalAdvisor,
    /// Writes the knowledge base (recommendations, articles) as drafts and sends
    /// them for review; moderators publish.
    ContentEditor,
    /// Any registered person.
    Member,
    /// Edits one cooperative's profile and offerings.
    Editor,
    /// Acts for one local government: records its purchases.
    Officer,
}

/// Where a claim stands.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "entity::claim::Status")]
pub enum ClaimStatus {
    /// Waiting for a moderator.
    Pending,
    /// Approved: the claimant edits the cooperative.
    Approved,
    /// Rejected, with a reason.
    Rejected,
}

/// A role as stored, with its name in the schema.
impl From<user_role::Role> for Role {
    fn from(r: user_role::Role) -> Self {
        match r {
            user_role::Role::Admin => Role::Admin,
            user_role::Role::Moderator => Role::Moderator,
            user_role::Role::LegalAdvisor => Role::LegalAdvisor,
            user_role::Role::ContentEditor => Role::ContentEditor,
            user_role::Role::Editor => Role::Editor,
            user_role::Role::Officer => Role::Officer,
        }
    }
}

impl Role {
    /// The role as a grant to store; none for MEMBER, which every account is without one.
    pub fn granted(self) -> Option<user_role::Role> {
        match self {
            Role::Admin => Some(user_role::Role::Admin),
            Role::Moderator => Some(user_role::Role::Moderator),
            Role::LegalAdvisor => Some(user_role::Role::LegalAdvisor),
            Role::ContentEditor => Some(user_role::Role::ContentEditor),
            Role::Member => None,
            Role::Editor => Some(user_role::Role::Editor),
            Role::Officer => Some(user_role::Role::Officer),
        }
    }
}

/// A person as others see them: a display name, nothing more.
pub struct User(pub user_account::Model);

/// A person as others see them: a display name, nothing more.
#[Object]
impl User {
    /// The user's opaque id.
    async fn id(&self) -> ID {
        global_id("User", self.0.id)
    }
    /// The name they chose ("former member" once the account is deleted).
    async fn display_name(&self) -> &str {
        &self.0.display_name
    }
}

/// A role the signed-in user holds.
pub struct RoleGrant(pub user_role::Model);

/// A role the signed-in user holds.
#[Object]
impl RoleGrant {
    /// The role.
    async fn role(&self) -> Role {
        self.0.role.into()
    }
    /// For EDITOR: the cooperative.
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
    /// For OFFICER: the local government.
    async fn local_government(&self, ctx: &Context<'_>) -> Result<Option<LocalGovernment>> {
        let Some(id) = self.0.local_government_id else {
            return Ok(None);
        };
        Ok(loaders(ctx)?.unit(id).map(LocalGovernment))
    }
}

/// The signed-in user's own account (visible only to them).
pub struct Me {
    pub user: user_account::Model,
    pub roles: Vec<user_role::Model>,
}

/// The signed-in user's own account (visible only to them).
#[Object]
impl Me {
    /// The public face of the account.
    async fn user(&self) -> User {
        User(self.user.clone())
    }
    /// The account's e-mail address: shown only to its owner.
    async fn email(&self) -> Option<&str> {
        self.user.email.as_deref()
    }
    /// When the account was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.user.created_at
    }
    /// Roles besides MEMBER, which everyone holds.
    async fn roles(&self) -> Vec<RoleGrant> {
        self.roles.iter().cloned().map(RoleGrant).collect()
    }
}

/// A request to become editor of a cooperative (visible to the claimant and moderators).
pub struct Claim(pub claim::Model);

/// A request to become editor of a cooperative (visible to the claimant and moderators).
#[Object]
impl Claim {
    /// The claim's opaque id.
    async fn id(&self) -> ID {
        global_id("Claim", self.0.id)
    }
    /// The cooperative claimed.
    async fn cooperative(&self, ctx: &Context<'_>) -> Result<Option<Cooperative>> {
        Ok(loaders(ctx)?
            .cooperative
            .load_one(self.0.cooperative_id)
            .await?
            .map(Cooperative))
    }
    /// Who asks.
    async fn claimant(&self, ctx: &Context<'_>) -> Result<Option<User>> {
        Ok(loaders(ctx)?.user.load_one(self.0.user_id).await?.map(User))
    }
    /// What the claimant says about their link to the cooperative.
    async fn note(&self) -> Option<&str> {
        self.0.note.as_deref()
    }
    /// Where it stands.
    async fn status(&self) -> ClaimStatus {
        self.0.status.into()
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

/// A partner's API key, without its secret (visible to admins).
pub struct ApiKey(pub api_key::Model);

/// A partner's API key, without its secret (visible to admins).
#[Object]
impl ApiKey {
    /// The key's opaque id.
    async fn id(&self) -> ID {
        global_id("ApiKey", self.0.id)
    }
    /// The partner it belongs to.
    async fn partner_name(&self) -> &str {
        &self.0.partner_name
    }
    /// The first characters of the secret, to recognise it.
    async fn key_prefix(&self) -> &str {
        &self.0.key_prefix
    }
    /// When it was created (or last rotated).
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// When it was revoked; a revoked key is refused.
    async fn revoked_at(&self) -> Option<DateTime<Utc>> {
        self.0.revoked_at
    }
}

/// One field's change in an audit entry; values are JSON-encoded.
#[derive(SimpleObject)]
pub struct FieldChange {
    /// The field (database column) name.
    pub field: String,
    /// The value before, as JSON (`null` when created).
    pub old_value: String,
    /// The value after, as JSON.
    pub new_value: String,
}

/// One change to a record: who, when, what (visible to the record's editors and moderators).
pub struct AuditEntry(pub audit_entry::Model);

/// One change to a record: who, when, what (visible to the record's editors and moderators).
#[Object]
impl AuditEntry {
    /// When it happened.
    async fn at(&self) -> DateTime<Utc> {
        self.0.at
    }
    /// What happened: CREATE, UPDATE, DELETE, VERIFY, CLAIM_APPROVED, CLAIM_REJECTED.
    async fn action(&self) -> String {
        self.0.action.to_value()
    }
    /// Who did it ("former member" once their account is deleted; null for the system).
    async fn actor(&self, ctx: &Context<'_>) -> Result<Option<User>> {
        let Some(id) = self.0.actor_user_id else {
            return Ok(None);
        };
        Ok(loaders(ctx)?.user.load_one(id).await?.map(User))
    }
    /// Each changed field with its old and new value.
    async fn changes(&self) -> Vec<FieldChange> {
        let list: Vec<serde_json::Value> =
            serde_json::from_str(&self.0.changes).unwrap_or_default();
        list.into_iter()
            .map(|c| FieldChange {
                field: c["field"].as_str().unwrap_or_default().to_owned(),
                old_value: c["old"].to_string(),
                new_value: c["new"].to_string(),
            })
            .collect()
    }
}
