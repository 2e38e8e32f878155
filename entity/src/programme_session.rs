//! One session of an event's programme.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "programme_session")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub event_id: i32,
    pub title: String,
    /// UTC, within the event.
    pub starts_at: DateTimeUtc,
    pub ends_at: DateTimeUtc,
    pub description: String,
}

positional!(id, event_id, title, starts_at, ends_at, description);

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::event::Entity",
        from = "Column::EventId",
        to = "super::event::Column::Id",
        on_delete = "Restrict"
    )]
    Event,
    #[sea_orm(
        has_many = "super::session_speaker::Entity",
        via_rel = "Relation::ProgrammeSession"
    )]
    SessionSpeaker,
}

impl Related<super::event::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Event.def()
    }
}

impl Related<super::session_speaker::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::SessionSpeaker.def()
    }
}

impl Related<super::person::Entity> for Entity {
    fn to() -> RelationDef {
        super::session_speaker::Relation::Person.def()
    }
    fn via() -> Option<RelationDef> {
        Some(
            super::session_speaker::Relation::ProgrammeSession
                .def()
                .rev(),
        )
    }
}

impl ActiveModelBehavior for ActiveModel {}
