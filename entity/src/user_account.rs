//! A person's account. The e-mail and password hash never leave the server.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "user_account")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// Normalised (trimmed, lower case); null once the account is deleted.
    #[sea_orm(unique)]
    pub email: Option<String>,
    /// argon2id PHC string; null once the account is deleted.
    pub password_hash: Option<String>,
    pub display_name: String,
    pub created_at: DateTimeUtc,
    pub deleted_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
