//! A plain-language sector used by the industry meetings, mapped to PKD codes.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "sector")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub slug: String,
    pub name: String,
    pub name_en: String,
}

positional!(id, slug, name, name_en);

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        has_many = "super::sector_industry::Entity",
        via_rel = "Relation::Sector"
    )]
    SectorIndustry,
    #[sea_orm(has_many = "super::need::Entity", via_rel = "Relation::Sector")]
    Need,
    #[sea_orm(has_many = "super::event::Entity", via_rel = "Relation::Sector")]
    Event,
    #[sea_orm(has_many = "super::thread::Entity", via_rel = "Relation::Sector")]
    Thread,
}

impl Related<super::sector_industry::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::SectorIndustry.def()
    }
}

impl Related<super::need::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Need.def()
    }
}

impl Related<super::event::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Event.def()
    }
}

impl Related<super::thread::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Thread.def()
    }
}

impl Related<super::industry::Entity> for Entity {
    fn to() -> RelationDef {
        super::sector_industry::Relation::Industry.def()
    }
    fn via() -> Option<RelationDef> {
        Some(super::sector_industry::Relation::Sector.def().rev())
    }
}

impl ActiveModelBehavior for ActiveModel {}
