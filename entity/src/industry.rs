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
    pub level: Level,
    pub name: String,
    pub parent_id: Option<i32>,
    /// Codes from the root down, `/`-joined (`I/56/56.1/56.10/56.10.A`): a prefix selects a subtree.
    #[sea_orm(unique)]
    pub path: String,
}

positional!(id, code, level, name, parent_id, path);
crate::cell::string_enums!(Level);

/// The level of a PKD 2007 node.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum Level {
    /// Section (sekcja), a letter.
    #[sea_orm(string_value = "SECTION")]
    Section,
    /// Division (dział), two digits.
    #[sea_orm(string_value = "DIVISION")]
    Division,
    /// Group (grupa), `NN.N`.
    #[sea_orm(string_value = "GROUP")]
    Group,
    /// Class (klasa), `NN.NN`.
    #[sea_orm(string_value = "CLASS")]
    Class,
    /// Subclass (podklasa), `NN.NN.X`: what registers record.
    #[sea_orm(string_value = "SUBCLASS")]
    Subclass,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "Entity",
        from = "Column::ParentId",
        to = "Column::Id",
        on_delete = "Restrict"
    )]
    Parent,
    #[sea_orm(has_many = "Entity", via_rel = "Relation::Parent")]
    Children,
    #[sea_orm(
        has_many = "super::sector_industry::Entity",
        via_rel = "Relation::Industry"
    )]
    SectorIndustry,
    #[sea_orm(
        has_many = "super::cooperative_industry::Entity",
        via_rel = "Relation::Industry"
    )]
    CooperativeIndustry,
    #[sea_orm(has_many = "super::offering::Entity", via_rel = "Relation::Industry")]
    Offering,
    #[sea_orm(
        has_many = "super::procurement_example::Entity",
        via_rel = "Relation::Industry"
    )]
    ProcurementExample,
    #[sea_orm(has_many = "super::need::Entity", via_rel = "Relation::Industry")]
    Need,
}

impl Related<super::sector_industry::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::SectorIndustry.def()
    }
}

impl Related<super::cooperative_industry::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::CooperativeIndustry.def()
    }
}

impl Related<super::offering::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Offering.def()
    }
}

impl Related<super::procurement_example::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::ProcurementExample.def()
    }
}

impl Related<super::need::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Need.def()
    }
}

impl Related<super::cooperative::Entity> for Entity {
    fn to() -> RelationDef {
        super::cooperative_industry::Relation::Cooperative.def()
    }
    fn via() -> Option<RelationDef> {
        Some(super::cooperative_industry::Relation::Industry.def().rev())
    }
}

impl Related<super::sector::Entity> for Entity {
    fn to() -> RelationDef {
        super::sector_industry::Relation::Sector.def()
    }
    fn via() -> Option<RelationDef> {
        Some(super::sector_industry::Relation::Industry.def().rev())
    }
}

impl ActiveModelBehavior for ActiveModel {}
