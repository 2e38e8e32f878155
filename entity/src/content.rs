//! Where a text of the knowledge base (a recommendation, an article) stands in
//! its editorial workflow. Only PUBLISHED reaches the public.

use sea_orm::entity::prelude::*;

crate::cell::string_enums!(Status);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum Status {
    /// Being written by a content editor.
    #[sea_orm(string_value = "DRAFT")]
    Draft,
    /// Sent for review: a moderator publishes it or sends it back.
    #[sea_orm(string_value = "REVIEW")]
    Review,
    /// Public.
    #[sea_orm(string_value = "PUBLISHED")]
    Published,
    /// Taken down after publication; kept with its history.
    #[sea_orm(string_value = "UNPUBLISHED")]
    Unpublished,
}
