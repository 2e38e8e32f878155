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

positional!(
    id,
    sector_id,
    event_id,
    title,
    author_id,
    created_at,
    last_activity_at,
    post_count,
    pinned,
    locked,
);

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::sector::Entity",
        from = "Column::SectorId",
        to = "super::sector::Column::Id",
        on_delete = "Restrict"
    )]
    Sector,
    #[sea_orm(
        belongs_to = "super::event::Entity",
        from = "Column::EventId",
        to = "super::event::Column::Id",
        on_delete = "Restrict"
    )]
    Event,
    #[sea_orm(
        belongs_to = "super::person::Entity",
        from = "Column::AuthorId",
        to = "super::person::Column::Id",
        on_delete = "Restrict"
    )]
    Author,
    #[sea_orm(has_many = "super::post::Entity", via_rel = "Relation::Thread")]
    Post,
    #[sea_orm(has_many = "super::thread_read::Entity", via_rel = "Relation::Thread")]
    ThreadRead,
}

impl Related<super::sector::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Sector.def()
    }
}

impl Related<super::event::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Event.def()
    }
}

impl Related<super::person::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Author.def()
    }
}

impl Related<super::post::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Post.def()
    }
}

impl Related<super::thread_read::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::ThreadRead.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
