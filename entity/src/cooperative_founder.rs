//! A legal-person founder of a cooperative.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "cooperative_founder")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub cooperative_id: i32,
    /// LOCAL_GOVERNMENT, NGO, CHURCH_LEGAL_PERSON, OTHER_LEGAL_PERSON.
    pub kind: String,
    /// Set when the founder is a local government.
    pub local_government_id: Option<i32>,
    pub name: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
