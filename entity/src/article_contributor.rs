//! Who wrote an article or spoke in it: a name as printed, and the person's
//! profile when they have one (shown only with their consent).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "article_contributor")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub article_id: i32,
    pub position: i32,
    pub name: String,
    pub role: Role,
    pub person_id: Option<i32>,
}

positional!(id, article_id, position, name, role, person_id);
crate::cell::string_enums!(Role);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum Role {
    #[sea_orm(string_value = "AUTHOR")]
    Author,
    #[sea_orm(string_value = "INTERVIEWEE")]
    Interviewee,
    #[sea_orm(string_value = "INTERVIEWER")]
    Interviewer,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
