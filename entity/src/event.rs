//! A national forum, industry meeting, workshop or webinar.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "event")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub kind: Kind,
    pub title: String,
    pub edition: Option<i32>,
    pub year: i32,
    /// UTC; none when only the year is documented (some historical events).
    pub starts_at: Option<DateTimeUtc>,
    pub ends_at: Option<DateTimeUtc>,
    /// A gmina (local government unit).
    pub place_id: Option<i32>,
    pub sector_id: Option<i32>,
    pub description: String,
    /// Places for self-registered participants; none: unlimited.
    pub capacity: Option<i32>,
    pub is_reference: bool,
    /// When the event or a session of its programme last changed: kept by the database (migration 000023),
    /// never written by coophub.
    pub updated_at: Option<DateTimeUtc>,
}

positional!(
    id,
    kind,
    title,
    edition,
    year,
    starts_at,
    ends_at,
    place_id,
    sector_id,
    description,
    capacity,
    is_reference,
    updated_at,
);
crate::cell::string_enums!(Kind);

/// What kind of event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(24))")]
pub enum Kind {
    /// Ogólnopolskie Forum Spółdzielczości Socjalnej.
    #[sea_orm(string_value = "NATIONAL_FORUM")]
    NationalForum,
    /// A sector's meeting (gastronomy, care services…).
    #[sea_orm(string_value = "INDUSTRY_MEETING")]
    IndustryMeeting,
    /// A workshop.
    #[sea_orm(string_value = "WORKSHOP")]
    Workshop,
    /// An online webinar.
    #[sea_orm(string_value = "WEBINAR")]
    Webinar,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::local_government::Entity",
        from = "Column::PlaceId",
        to = "super::local_government::Column::Id",
        on_delete = "Restrict"
    )]
    Place,
    #[sea_orm(
        belongs_to = "super::sector::Entity",
        from = "Column::SectorId",
        to = "super::sector::Column::Id",
        on_delete = "Restrict"
    )]
    Sector,
    #[sea_orm(has_many = "super::participation::Entity", via_rel = "Relation::Event")]
    Participation,
    #[sea_orm(has_many = "super::thread::Entity", via_rel = "Relation::Event")]
    Thread,
    #[sea_orm(
        has_many = "super::programme_session::Entity",
        via_rel = "Relation::Event"
    )]
    ProgrammeSession,
}

impl Related<super::local_government::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Place.def()
    }
}

impl Related<super::sector::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Sector.def()
    }
}

impl Related<super::participation::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Participation.def()
    }
}

impl Related<super::thread::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Thread.def()
    }
}

impl Related<super::programme_session::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::ProgrammeSession.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
