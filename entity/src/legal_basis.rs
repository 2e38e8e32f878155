//! A provision a recommendation rests on, with the years it applies.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "legal_basis")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub recommendation_id: i32,
    pub position: i32,
    /// The act, e.g. "Act of 11 September 2019 – Public Procurement Law".
    pub act: String,
    /// Where it is published, e.g. "Dz.U. 2024 poz. 1320".
    pub citation: Option<String>,
    /// The provision, e.g. "art. 94".
    pub article: String,
    /// First year it applies (None: since before coophub's records).
    pub from_year: Option<i32>,
    /// Last year it applied (None: still in force).
    pub until_year: Option<i32>,
}

positional!(
    id,
    recommendation_id,
    position,
    act,
    citation,
    article,
    from_year,
    until_year,
);

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
