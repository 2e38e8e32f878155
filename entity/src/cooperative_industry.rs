//! A cooperative's PKD subclasses; exactly one is primary.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "cooperative_industry")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub cooperative_id: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub industry_id: i32,
    pub is_primary: bool,
}

positional!(cooperative_id, industry_id, is_primary);

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::cooperative::Entity",
        from = "Column::CooperativeId",
        to = "super::cooperative::Column::Id",
        on_delete = "Restrict"
    )]
    Cooperative,
    #[sea_orm(
        belongs_to = "super::industry::Entity",
        from = "Column::IndustryId",
        to = "super::industry::Column::Id",
        on_delete = "Restrict"
    )]
    Industry,
}

impl Related<super::cooperative::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Cooperative.def()
    }
}

impl Related<super::industry::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Industry.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
