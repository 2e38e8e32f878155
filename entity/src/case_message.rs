//! A message of a legal case: between its asker and the advisors, or an
//! internal note that only advisors read.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "case_message")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub case_id: i32,
    /// None once its author deleted their account.
    pub author_user_id: Option<i32>,
    pub by_advisor: bool,
    /// An advisors' note: never shown to the asker.
    pub internal: bool,
    #[sea_orm(column_type = "Text")]
    pub body: String,
    pub created_at: DateTimeUtc,
}

positional!(
    id,
    case_id,
    author_user_id,
    by_advisor,
    internal,
    body,
    created_at
);

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
