//! A handbook edition or an issue of the newspaper "JAK".

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "publication")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub kind: Kind,
    pub title: String,
    /// The number (newspapers) or edition (handbooks).
    pub number: Option<i32>,
    pub issued_on: Date,
    pub publisher: Option<String>,
    pub licence: String,
    pub is_sample: bool,
}

positional!(id, kind, title, number, issued_on, publisher, licence, is_sample,);
crate::cell::string_enums!(Kind);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum Kind {
    #[sea_orm(string_value = "HANDBOOK")]
    Handbook,
    #[sea_orm(string_value = "NEWSPAPER")]
    Newspaper,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
