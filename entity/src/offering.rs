//! A product or service a cooperative offers.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "offering")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub cooperative_id: i32,
    pub name: String,
    pub description: Option<String>,
    /// PRODUCT or SERVICE.
    pub kind: String,
    pub industry_id: Option<i32>,
    /// Served within this distance of the cooperative's seat, in kilometres.
    pub radius_km: Option<f64>,
    pub price_note: Option<String>,
    /// Optimistic concurrency: every update must name the version it read.
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
