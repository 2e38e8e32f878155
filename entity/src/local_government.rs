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
    /// WOJEWODZTWO, POWIAT, MIASTO_NA_PRAWACH_POWIATU, GMINA_MIEJSKA, GMINA_WIEJSKA, GMINA_MIEJSKO_WIEJSKA.
    pub kind: String,
    pub parent_id: Option<i32>,
    pub latitude: f64,
    pub longitude: f64,
    /// Where the centroid comes from when it is not the unit's own polygon.
    pub centroid_note: Option<String>,
    pub population: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
