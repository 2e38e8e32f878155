//! A unit of Poland's territorial division (TERYT): voivodeship, powiat or gmina.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "local_government")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// TERYT code: 2 digits (voivodeship), 4 (powiat) or 7 (gmina, with its kind digit).
    #[sea_orm(unique)]
    pub teryt: String,
    pub name: String,
    pub kind: Kind,
    pub parent_id: Option<i32>,
    pub latitude: f64,
    pub longitude: f64,
    /// Where the centroid comes from when it is not the unit's own polygon.
    pub centroid_note: Option<String>,
    pub population: Option<i64>,
}

positional!(
    id,
    teryt,
    name,
    kind,
    parent_id,
    latitude,
    longitude,
    centroid_note,
    population
);
crate::cell::string_enums!(Kind);

/// The kind of a TERYT unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
pub enum Kind {
    /// Voivodeship (województwo).
    #[sea_orm(string_value = "WOJEWODZTWO")]
    Wojewodztwo,
    /// Powiat (county).
    #[sea_orm(string_value = "POWIAT")]
    Powiat,
    /// City with powiat rights (miasto na prawach powiatu): a powiat-level unit.
    #[sea_orm(string_value = "MIASTO_NA_PRAWACH_POWIATU")]
    MiastoNaPrawachPowiatu,
    /// Urban gmina (gmina miejska).
    #[sea_orm(string_value = "GMINA_MIEJSKA")]
    GminaMiejska,
    /// Rural gmina (gmina wiejska).
    #[sea_orm(string_value = "GMINA_WIEJSKA")]
    GminaWiejska,
    /// Urban-rural gmina (gmina miejsko-wiejska).
    #[sea_orm(string_value = "GMINA_MIEJSKO_WIEJSKA")]
    GminaMiejskoWiejska,
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
    #[sea_orm(has_many = "super::cooperative::Entity", via_rel = "Relation::Seat")]
    Cooperative,
    #[sea_orm(
        has_many = "super::offering_area::Entity",
        via_rel = "Relation::LocalGovernment"
    )]
    OfferingArea,
    #[sea_orm(
        has_many = "super::institution::Entity",
        via_rel = "Relation::LocalGovernment"
    )]
    Institution,
    #[sea_orm(
        has_many = "super::cooperative_founder::Entity",
        via_rel = "Relation::LocalGovernment"
    )]
    CooperativeFounder,
    #[sea_orm(
        has_many = "super::procurement_example::Entity",
        via_rel = "Relation::Buyer"
    )]
    ProcurementExample,
    #[sea_orm(
        has_many = "super::user_role::Entity",
        via_rel = "Relation::LocalGovernment"
    )]
    UserRole,
    #[sea_orm(has_many = "super::need::Entity", via_rel = "Relation::Place")]
    NeedPlaced,
    #[sea_orm(has_many = "super::need::Entity", via_rel = "Relation::Buyer")]
    NeedPosted,
    #[sea_orm(
        has_many = "super::person::Entity",
        via_rel = "Relation::LocalGovernment"
    )]
    Person,
    #[sea_orm(has_many = "super::event::Entity", via_rel = "Relation::Place")]
    Event,
}

impl Related<super::cooperative::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Cooperative.def()
    }
}

impl Related<super::offering_area::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::OfferingArea.def()
    }
}

impl Related<super::institution::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Institution.def()
    }
}

impl Related<super::cooperative_founder::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::CooperativeFounder.def()
    }
}

impl Related<super::procurement_example::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::ProcurementExample.def()
    }
}

impl Related<super::user_role::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::UserRole.def()
    }
}

impl Related<super::person::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Person.def()
    }
}

impl Related<super::event::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Event.def()
    }
}

impl Related<super::offering::Entity> for Entity {
    fn to() -> RelationDef {
        super::offering_area::Relation::Offering.def()
    }
    fn via() -> Option<RelationDef> {
        Some(super::offering_area::Relation::LocalGovernment.def().rev())
    }
}

impl ActiveModelBehavior for ActiveModel {}
