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
    /// Intended procedure, as `procurement_example.procedure`.
    pub procedure: Option<String>,
    /// OPEN or CLOSED.
    pub status: String,
    /// The local government posting it (its officer posted it), or null.
    pub buyer_id: Option<i32>,
    /// The cooperative posting it (its editor posted it), or null.
    pub cooperative_id: Option<i32>,
    pub posted_by: i32,
    pub created_at: DateTimeUtc,
    pub closed_at: Option<DateTimeUtc>,
    pub closed_reason: Option<String>,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
