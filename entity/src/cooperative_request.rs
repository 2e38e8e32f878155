//! A member's request about a cooperative that a moderator decides (issue 18):
//! a new cooperative proposed for the directory (NEW), or a change to the facts
//! that belong to the court register (CHANGE: name, legal status, KRS, NIP,
//! REGON), which a cooperative's own editor cannot make directly.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "cooperative_request")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub kind: Kind,
    /// Who asks.
    pub user_id: i32,
    /// The cooperative changed (CHANGE), or created on approval (NEW).
    pub cooperative_id: Option<i32>,
    /// The fields asked for, as a JSON object of strings keyed by the export's
    /// column names (`name`, `krs`, `seatTeryt`, `pkdCodes`, …).
    pub fields: String,
    /// What the requester says (the source of the facts, their link to it).
    pub note: Option<String>,
    pub status: super::claim::Status,
    pub reason: Option<String>,
    pub decided_by: Option<i32>,
    pub created_at: DateTimeUtc,
    pub decided_at: Option<DateTimeUtc>,
}

positional!(
    id,
    kind,
    user_id,
    cooperative_id,
    fields,
    note,
    status,
    reason,
    decided_by,
    created_at,
    decided_at,
);
crate::cell::string_enums!(Kind);

/// What a request asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum Kind {
    /// A new cooperative in the directory.
    #[sea_orm(string_value = "NEW")]
    New,
    /// A change to a cooperative's registry facts.
    #[sea_orm(string_value = "CHANGE")]
    Change,
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
}

impl ActiveModelBehavior for ActiveModel {}
