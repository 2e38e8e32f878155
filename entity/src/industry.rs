//! A PKD 2007 classification node: section, division, group, class or subclass.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "industry")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The PKD code as published: `I`, `56`, `56.1`, `56.10`, `56.10.A`.
    #[sea_orm(unique)]
    pub code: String,
    /// SECTION, DIVISION, GROUP, CLASS, SUBCLASS.
    pub level: String,
    pub name: String,
    pub parent_id: Option<i32>,
    /// Codes from the root down, `/`-joined (`I/56/56.1/56.10/56.10.A`): a prefix selects a subtree.
    #[sea_orm(unique)]
    pub path: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
