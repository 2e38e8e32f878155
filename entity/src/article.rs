//! An article of the knowledge base: a handbook chapter, an interview, a report…

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "article")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub kind: Kind,
    pub title: String,
    /// Unique, for addresses: lowercase ASCII letters, digits and dashes.
    pub slug: String,
    pub lead: String,
    pub body_markdown: String,
    /// `body_markdown` rendered and sanitised (`coophub::markdown`).
    pub body_html: String,
    pub publication_id: Option<i32>,
    /// When it appeared (or is to appear).
    pub published_on: Date,
    /// Lowercase tags, one per line.
    pub tags: String,
    pub licence: String,
    /// Whose words these are and where they come from.
    pub origin: String,
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
    kind,
    title,
    slug,
    lead,
    body_markdown,
    body_html,
    publication_id,
    published_on,
    tags,
    licence,
    origin,
    is_sample,
    status,
    version,
    created_by,
    published_at,
    updated_at,
);
crate::cell::string_enums!(Kind);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(24))")]
pub enum Kind {
    #[sea_orm(string_value = "HANDBOOK_CHAPTER")]
    HandbookChapter,
    #[sea_orm(string_value = "INTERVIEW")]
    Interview,
    #[sea_orm(string_value = "REPORT")]
    Report,
    #[sea_orm(string_value = "QUESTION_AND_ANSWER")]
    QuestionAndAnswer,
    #[sea_orm(string_value = "COLUMN")]
    Column,
    #[sea_orm(string_value = "NEWS")]
    News,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
