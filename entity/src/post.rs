//! A post in a thread: Markdown as written and its sanitised HTML.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "post")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub thread_id: i32,
    /// A person.
    pub author_id: i32,
    pub body_markdown: String,
    pub body_html: String,
    pub created_at: DateTimeUtc,
    pub edited_at: Option<DateTimeUtc>,
    pub reply_to_id: Option<i32>,
    /// Deleted by its author: a tombstone without a body.
    pub deleted: bool,
    /// Hidden by a moderator: seen by moderators only.
    pub hidden: bool,
    /// Its latest change's place in its thread's sequence of changes (0: never changed).
    pub change_seq: i32,
    /// Its latest change: EDITED, DELETED, HIDDEN or RESTORED.
    pub last_change: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
