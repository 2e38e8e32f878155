//! A cooperative supplying a procurement example, as lead or consortium member.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "procurement_supplier")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub procurement_example_id: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub cooperative_id: i32,
    /// LEAD or CONSORTIUM_MEMBER.
    pub role: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
