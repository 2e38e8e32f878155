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
    /// Its latest change (none: never changed).
    pub last_change: Option<Change>,
}

positional!(
    id,
    thread_id,
    author_id,
    body_markdown,
    body_html,
    created_at,
    edited_at,
    reply_to_id,
    deleted,
    hidden,
    change_seq,
    last_change,
);
crate::cell::string_enums!(Change);

/// What happened to a post last.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum Change {
    /// Its author edited it.
    #[sea_orm(string_value = "EDITED")]
    Edited,
    /// A moderator hid it.
    #[sea_orm(string_value = "HIDDEN")]
    Hidden,
    /// A moderator restored it.
    #[sea_orm(string_value = "RESTORED")]
    Restored,
    /// Its author deleted it (a tombstone stays).
    #[sea_orm(string_value = "DELETED")]
    Deleted,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::thread::Entity",
        from = "Column::ThreadId",
        to = "super::thread::Column::Id",
        on_delete = "Restrict"
    )]
    Thread,
    #[sea_orm(
        belongs_to = "super::person::Entity",
        from = "Column::AuthorId",
        to = "super::person::Column::Id",
        on_delete = "Restrict"
    )]
    Author,
    #[sea_orm(
        belongs_to = "Entity",
        from = "Column::ReplyToId",
        to = "Column::Id",
        on_delete = "Restrict"
    )]
    ReplyTo,
    #[sea_orm(has_many = "Entity", via_rel = "Relation::ReplyTo")]
    Replies,
}

impl Related<super::thread::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Thread.def()
    }
}

impl Related<super::person::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Author.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
