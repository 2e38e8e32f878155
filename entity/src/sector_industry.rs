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

positional!(sector_id, industry_id);

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

impl ActiveModelBehavior for ActiveModel {}
