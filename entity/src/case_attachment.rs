//! A file attached to a legal case: its metadata; the bytes are in the
//! attachment storage under `storage_key` (`coophub::attachments`).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "case_attachment")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub case_id: i32,
    pub name: String,
    pub size: i64,
    pub content_type: String,
    pub storage_key: String,
    pub by_advisor: bool,
    pub created_at: DateTimeUtc,
}

positional!(
    id,
    case_id,
    name,
    size,
    content_type,
    storage_key,
    by_advisor,
    created_at
);

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
