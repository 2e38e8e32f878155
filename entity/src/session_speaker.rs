//! A speaker of a programme session, in the order they are listed.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "session_speaker")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub session_id: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub person_id: i32,
    pub position: i32,
}

positional!(session_id, person_id, position);

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::programme_session::Entity",
        from = "Column::SessionId",
        to = "super::programme_session::Column::Id",
        on_delete = "Restrict"
    )]
    ProgrammeSession,
    #[sea_orm(
        belongs_to = "super::person::Entity",
        from = "Column::PersonId",
        to = "super::person::Column::Id",
        on_delete = "Restrict"
    )]
    Person,
}

impl Related<super::programme_session::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::ProgrammeSession.def()
    }
}

impl Related<super::person::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Person.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
