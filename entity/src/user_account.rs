//! A person's account. The e-mail and password hash never leave the server.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "user_account")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// Normalised (trimmed, lower case); null once the account is deleted.
    #[sea_orm(unique)]
    pub email: Option<String>,
    /// argon2id PHC string; null once the account is deleted.
    pub password_hash: Option<String>,
    pub display_name: String,
    pub created_at: DateTimeUtc,
    pub deleted_at: Option<DateTimeUtc>,
}

positional!(
    id,
    email,
    password_hash,
    display_name,
    created_at,
    deleted_at
);

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(has_many = "super::session::Entity", via_rel = "Relation::UserAccount")]
    Session,
    #[sea_orm(
        has_many = "super::user_role::Entity",
        via_rel = "Relation::UserAccount"
    )]
    UserRole,
    #[sea_orm(
        has_many = "super::password_reset::Entity",
        via_rel = "Relation::UserAccount"
    )]
    PasswordReset,
    #[sea_orm(has_many = "super::claim::Entity", via_rel = "Relation::UserAccount")]
    Claim,
    #[sea_orm(has_many = "super::audit_entry::Entity", via_rel = "Relation::Actor")]
    AuditEntry,
    #[sea_orm(has_many = "super::need::Entity", via_rel = "Relation::PostedBy")]
    Need,
    #[sea_orm(has_many = "super::person::Entity", via_rel = "Relation::UserAccount")]
    Person,
    #[sea_orm(
        has_many = "super::thread_read::Entity",
        via_rel = "Relation::UserAccount"
    )]
    ThreadRead,
}

impl Related<super::session::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Session.def()
    }
}

impl Related<super::user_role::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::UserRole.def()
    }
}

impl Related<super::password_reset::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::PasswordReset.def()
    }
}

impl Related<super::claim::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Claim.def()
    }
}

impl Related<super::audit_entry::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::AuditEntry.def()
    }
}

impl Related<super::need::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Need.def()
    }
}

impl Related<super::person::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Person.def()
    }
}

impl Related<super::thread_read::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::ThreadRead.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
