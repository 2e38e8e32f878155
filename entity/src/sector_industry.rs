//! Which PKD nodes (and so their subtrees) make up a sector.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "sector_industry")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub sector_id: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub industry_id: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
