//! A discussion thread on the general board, a sector's board or an event's.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "thread")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// Set for a sector's board; neither this nor `event_id`: the general board.
    pub sector_id: Option<i32>,
    pub event_id: Option<i32>,
    pub title: String,
    /// A person.
    pub author_id: i32,
    pub created_at: DateTimeUtc,
    pub last_activity_at: DateTimeUtc,
    /// Posts others can see (neither hidden nor deleted).
    pub post_count: i32,
    pub pinned: bool,
    pub locked: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
