//! A buyer's need: what a local government (or a cooperative) wants delivered, where.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "need")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub title: String,
    pub description: String,
    pub sector_id: Option<i32>,
    /// A PKD 2007 node (any level).
    pub industry_id: Option<i32>,
    /// Where it is to be delivered (a local government unit).
    pub place_id: i32,
    pub radius_km: f64,
    pub budget_grosze: Option<i64>,
    pub deadline: Option<Date>,
    /// Intended procedure, with the values of `procurement_example.procedure`.
    pub procedure: Option<super::procurement_example::Procedure>,
    pub status: Status,
    /// The local government posting it (its officer posted it), or null.
    pub buyer_id: Option<i32>,
    /// The cooperative posting it (its editor posted it), or null.
    pub cooperative_id: Option<i32>,
    pub posted_by: i32,
    pub created_at: DateTimeUtc,
    pub closed_at: Option<DateTimeUtc>,
    pub closed_reason: Option<String>,
    pub version: i32,
    /// When the need last changed: kept by the database (migration 000023),
    /// never written by coophub.
    pub updated_at: Option<DateTimeUtc>,
}

positional!(
    id,
    title,
    description,
    sector_id,
    industry_id,
    place_id,
    radius_km,
    budget_grosze,
    deadline,
    procedure,
    status,
    buyer_id,
    cooperative_id,
    posted_by,
    created_at,
    closed_at,
    closed_reason,
    version,
    updated_at,
);
crate::cell::string_enums!(Status);

/// Whether a need still looks for a supplier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum Status {
    /// Looking for a supplier.
    #[sea_orm(string_value = "OPEN")]
    Open,
    /// Closed by its poster (bought, cancelled or withdrawn; see `closed_reason`).
    #[sea_orm(string_value = "CLOSED")]
    Closed,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::sector::Entity",
        from = "Column::SectorId",
        to = "super::sector::Column::Id",
        on_delete = "Restrict"
    )]
    Sector,
    #[sea_orm(
        belongs_to = "super::industry::Entity",
        from = "Column::IndustryId",
        to = "super::industry::Column::Id",
        on_delete = "Restrict"
    )]
    Industry,
    #[sea_orm(
        belongs_to = "super::local_government::Entity",
        from = "Column::PlaceId",
        to = "super::local_government::Column::Id",
        on_delete = "Restrict"
    )]
    Place,
    #[sea_orm(
        belongs_to = "super::local_government::Entity",
        from = "Column::BuyerId",
        to = "super::local_government::Column::Id",
        on_delete = "Restrict"
    )]
    Buyer,
    #[sea_orm(
        belongs_to = "super::cooperative::Entity",
        from = "Column::CooperativeId",
        to = "super::cooperative::Column::Id",
        on_delete = "Restrict"
    )]
    Cooperative,
    #[sea_orm(
        belongs_to = "super::user_account::Entity",
        from = "Column::PostedBy",
        to = "super::user_account::Column::Id",
        on_delete = "Restrict"
    )]
    PostedBy,
}

impl Related<super::sector::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Sector.def()
    }
}

impl Related<super::industry::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Industry.def()
    }
}

impl Related<super::cooperative::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Cooperative.def()
    }
}

impl Related<super::user_account::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::PostedBy.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
