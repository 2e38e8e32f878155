//! A person at an event: role and registration status.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "participation")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub event_id: i32,
    pub person_id: i32,
    pub role: Role,
    pub status: Status,
    pub created_at: DateTimeUtc,
}

positional!(id, event_id, person_id, role, status, created_at);
crate::cell::string_enums!(Role, Status);

/// A person's part in an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum Role {
    /// Organises it.
    #[sea_orm(string_value = "ORGANISER")]
    Organiser,
    /// Speaks in its programme.
    #[sea_orm(string_value = "SPEAKER")]
    Speaker,
    /// Takes part.
    #[sea_orm(string_value = "PARTICIPANT")]
    Participant,
}

/// Where a registration stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum Status {
    /// Holds a place.
    #[sea_orm(string_value = "REGISTERED")]
    Registered,
    /// On the waiting list; moves up when someone cancels.
    #[sea_orm(string_value = "WAITING")]
    Waiting,
    /// Cancelled.
    #[sea_orm(string_value = "CANCELLED")]
    Cancelled,
}

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
        belongs_to = "super::person::Entity",
        from = "Column::PersonId",
        to = "super::person::Column::Id",
        on_delete = "Restrict"
    )]
    Person,
}

impl Related<super::event::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Event.def()
    }
}

impl Related<super::person::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Person.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
