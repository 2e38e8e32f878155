//! A role of a user: global (ADMIN, MODERATOR, LEGAL_ADVISOR, CONTENT_EDITOR) or scoped (EDITOR of a cooperative, OFFICER of a local government).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "user_role")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub user_id: i32,
    pub role: Role,
    pub cooperative_id: Option<i32>,
    pub local_government_id: Option<i32>,
}

positional!(id, user_id, role, cooperative_id, local_government_id);
crate::cell::string_enums!(Role);

/// A role granted to a user. Being a member is no grant: every account is one, and no row says so.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum Role {
    /// Runs coophub: manages roles and partner keys.
    #[sea_orm(string_value = "ADMIN")]
    Admin,
    /// The federation's moderators: verify, approve claims, hide.
    #[sea_orm(string_value = "MODERATOR")]
    Moderator,
    /// Answers legal questions at the legal desk.
    #[sea_orm(string_value = "LEGAL_ADVISOR")]
    LegalAdvisor,
    /// Writes the knowledge base (recommendations, articles) as drafts and sends
    /// them for review; not the cooperative EDITOR role.
    #[sea_orm(string_value = "CONTENT_EDITOR")]
    ContentEditor,
    /// Edits one cooperative's profile and offerings (`cooperative_id` set).
    #[sea_orm(string_value = "EDITOR")]
    Editor,
    /// Acts for one local government: records its purchases (`local_government_id` set).
    #[sea_orm(string_value = "OFFICER")]
    Officer,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::user_account::Entity",
        from = "Column::UserId",
        to = "super::user_account::Column::Id",
        on_delete = "Restrict"
    )]
    UserAccount,
    #[sea_orm(
        belongs_to = "super::cooperative::Entity",
        from = "Column::CooperativeId",
        to = "super::cooperative::Column::Id",
        on_delete = "Restrict"
    )]
    Cooperative,
    #[sea_orm(
        belongs_to = "super::local_government::Entity",
        from = "Column::LocalGovernmentId",
        to = "super::local_government::Column::Id",
        on_delete = "Restrict"
    )]
    LocalGovernment,
}

impl Related<super::user_account::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::UserAccount.def()
    }
}

impl Related<super::cooperative::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Cooperative.def()
    }
}

impl Related<super::local_government::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::LocalGovernment.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
