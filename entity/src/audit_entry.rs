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
    /// CREATE, UPDATE, DELETE, VERIFY, CLAIM_APPROVED…
    pub action: String,
    /// JSON array of `{field, old, new}`.
    pub changes: String,
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
