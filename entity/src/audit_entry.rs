//! One change to a record: who, when, and each field's old and new value (JSON).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_entry")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub actor_user_id: Option<i32>,
    pub at: DateTimeUtc,
    /// The record's GraphQL type name, e.g. `Cooperative`.
    pub entity: String,
    pub record_id: i32,
    pub action: Action,
    /// JSON array of `{field, old, new}`.
    pub changes: String,
    /// Where the change's facts came from; None for changes made before sources
    /// were recorded, and for records whose facts have no outside source.
    pub source: Option<Source>,
    /// Which one: the imported file's name, for example. Public (it is shown as
    /// the facts' provenance): never a person's name or address.
    pub source_note: Option<String>,
}

positional!(
    id,
    actor_user_id,
    at,
    entity,
    record_id,
    action,
    changes,
    source,
    source_note
);
crate::cell::string_enums!(Action, Source);

/// Where the facts a change wrote came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum Source {
    /// A court-register extract (`coophub import krs`, `importKrsExtracts`).
    #[sea_orm(string_value = "REGISTER")]
    Register,
    /// A file imported in bulk (`coophub import cooperatives`, `importCooperatives`).
    #[sea_orm(string_value = "IMPORT")]
    Import,
    /// The cooperative's own editor.
    #[sea_orm(string_value = "EDITOR")]
    Editor,
    /// A moderator or an admin: a direct edit, a creation, or a member's
    /// proposal or change request the moderator checked and approved.
    #[sea_orm(string_value = "MODERATOR")]
    Moderator,
}

/// What an audit entry records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum Action {
    /// The record was created.
    #[sea_orm(string_value = "CREATE")]
    Create,
    /// Fields of the record were changed (a verification too: its `verified` field).
    #[sea_orm(string_value = "UPDATE")]
    Update,
    /// The record was deleted.
    #[sea_orm(string_value = "DELETE")]
    Delete,
    /// A moderator hid a post.
    #[sea_orm(string_value = "HIDE")]
    Hide,
    /// A moderator restored a hidden post.
    #[sea_orm(string_value = "RESTORE")]
    Restore,
    /// A moderator pinned, unpinned, locked or unlocked a thread.
    #[sea_orm(string_value = "MODERATE")]
    Moderate,
    /// A person's role at an event was set.
    #[sea_orm(string_value = "ROLE")]
    Role,
    /// A claim to a cooperative was approved: the claimant became its editor.
    #[sea_orm(string_value = "CLAIM_APPROVED")]
    ClaimApproved,
    /// A claim to a cooperative was rejected.
    #[sea_orm(string_value = "CLAIM_REJECTED")]
    ClaimRejected,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::user_account::Entity",
        from = "Column::ActorUserId",
        to = "super::user_account::Column::Id",
        on_delete = "Restrict"
    )]
    Actor,
}

impl Related<super::user_account::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Actor.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
