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
    pub kind: Kind,
    pub industry_id: Option<i32>,
    /// Served within this distance of the cooperative's seat, in kilometres.
    pub radius_km: Option<f64>,
    pub price_note: Option<String>,
    /// Optimistic concurrency: every update must name the version it read.
    pub version: i32,
}

positional!(
    id,
    cooperative_id,
    name,
    description,
    kind,
    industry_id,
    radius_km,
    price_note,
    version,
);
crate::cell::string_enums!(Kind);

/// Whether an offering is a product or a service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum Kind {
    /// A product.
    #[sea_orm(string_value = "PRODUCT")]
    Product,
    /// A service.
    #[sea_orm(string_value = "SERVICE")]
    Service,
}

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
    #[sea_orm(
        has_many = "super::offering_area::Entity",
        via_rel = "Relation::Offering"
    )]
    OfferingArea,
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

impl Related<super::offering_area::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::OfferingArea.def()
    }
}

impl Related<super::local_government::Entity> for Entity {
    fn to() -> RelationDef {
        super::offering_area::Relation::LocalGovernment.def()
    }
    fn via() -> Option<RelationDef> {
        Some(super::offering_area::Relation::Offering.def().rev())
    }
}

impl ActiveModelBehavior for ActiveModel {}
