//! A standard of cooperation between local governments and social cooperatives.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "recommendation")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// Short stable code, e.g. `S-RESERVED`.
    pub code: String,
    pub title: String,
    pub area: Area,
    pub summary: String,
    pub body_markdown: String,
    /// `body_markdown` rendered and sanitised (`coophub::markdown`).
    pub body_html: String,
    /// Who recommended it officially (e.g. the minister), if anyone.
    pub endorsement: Option<String>,
    pub endorsed_on: Option<Date>,
    /// Whose words these are (e.g. written for coophub, not the official text).
    pub origin: String,
    pub licence: String,
    pub is_sample: bool,
    pub status: super::content::Status,
    pub version: i32,
    pub created_by: Option<i32>,
    pub published_at: Option<DateTimeUtc>,
    /// Kept by the database (migration 000025).
    pub updated_at: Option<DateTimeUtc>,
}

positional!(
    id,
    code,
    title,
    area,
    summary,
    body_markdown,
    body_html,
    endorsement,
    endorsed_on,
    origin,
    licence,
    is_sample,
    status,
    version,
    created_by,
    published_at,
    updated_at,
);
crate::cell::string_enums!(Area);

/// What a local government does with cooperatives under the standard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
pub enum Area {
    #[sea_orm(string_value = "BUYING")]
    Buying,
    #[sea_orm(string_value = "RESERVED_CONTRACTS")]
    ReservedContracts,
    #[sea_orm(string_value = "SOCIAL_CLAUSES")]
    SocialClauses,
    #[sea_orm(string_value = "PUBLIC_TASKS")]
    PublicTasks,
    #[sea_orm(string_value = "FOUNDING")]
    Founding,
    #[sea_orm(string_value = "PREMISES")]
    Premises,
    #[sea_orm(string_value = "PARTNERSHIP")]
    Partnership,
    #[sea_orm(string_value = "SUPPORT")]
    Support,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
