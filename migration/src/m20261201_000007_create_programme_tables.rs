//! An event's programme: sessions, each with its speakers (forum participants).

use crate::{fk, index};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ProgrammeSession {
    Table,
    Id,
    EventId,
    Title,
    StartsAt,
    EndsAt,
    Description,
}

#[derive(DeriveIden)]
enum SessionSpeaker {
    Table,
    SessionId,
    PersonId,
    Position,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(ProgrammeSession::Table)
                .col(pk_auto(ProgrammeSession::Id))
                .col(integer(ProgrammeSession::EventId))
                .col(string(ProgrammeSession::Title))
                .col(timestamp_with_time_zone(ProgrammeSession::StartsAt))
                .col(timestamp_with_time_zone(ProgrammeSession::EndsAt))
                .col(text(ProgrammeSession::Description))
                .foreign_key(&mut fk(
                    ProgrammeSession::Table,
                    ProgrammeSession::EventId,
                    Alias::new("event"),
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index("programme_session", &["event_id", "starts_at", "id"]))
            .await?;
        m.create_table(
            Table::create()
                .table(SessionSpeaker::Table)
                .col(integer(SessionSpeaker::SessionId))
                .col(integer(SessionSpeaker::PersonId))
                .col(integer(SessionSpeaker::Position))
                .primary_key(
                    Index::create()
                        .col(SessionSpeaker::SessionId)
                        .col(SessionSpeaker::PersonId),
                )
                .foreign_key(&mut fk(
                    SessionSpeaker::Table,
                    SessionSpeaker::SessionId,
                    ProgrammeSession::Table,
                ))
                .foreign_key(&mut fk(
                    SessionSpeaker::Table,
                    SessionSpeaker::PersonId,
                    Alias::new("person"),
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index("session_speaker", &["person_id"]))
            .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            SessionSpeaker::Table.into_iden(),
            ProgrammeSession::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
