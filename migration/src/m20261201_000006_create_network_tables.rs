//! The network of people: forum participants, events and their participants,
//! discussion threads, posts and each member's read marks.

use crate::{fk, index};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Person {
    Table,
    Id,
    DisplayName,
    CooperativeId,
    LocalGovernmentId,
    InstitutionId,
    RoleTitle,
    Bio,
    UserId,
    PublicProfile,
    IsReference,
}

#[derive(DeriveIden)]
enum Event {
    Table,
    Id,
    Kind,
    Title,
    Edition,
    Year,
    StartsAt,
    EndsAt,
    PlaceId,
    SectorId,
    Description,
    Capacity,
    IsReference,
}

#[derive(DeriveIden)]
enum Participation {
    Table,
    Id,
    EventId,
    PersonId,
    Role,
    Status,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Thread {
    Table,
    Id,
    SectorId,
    EventId,
    Title,
    AuthorId,
    CreatedAt,
    LastActivityAt,
    PostCount,
    Pinned,
    Locked,
}

#[derive(DeriveIden)]
enum Post {
    Table,
    Id,
    ThreadId,
    AuthorId,
    BodyMarkdown,
    BodyHtml,
    CreatedAt,
    EditedAt,
    ReplyToId,
    Deleted,
    Hidden,
}

#[derive(DeriveIden)]
enum ThreadRead {
    Table,
    UserId,
    ThreadId,
    LastReadPostId,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Person::Table)
                .col(pk_auto(Person::Id))
                .col(string(Person::DisplayName))
                .col(integer_null(Person::CooperativeId))
                .col(integer_null(Person::LocalGovernmentId))
                .col(integer_null(Person::InstitutionId))
                .col(string_null(Person::RoleTitle))
                .col(text_null(Person::Bio))
                .col(integer_null(Person::UserId).unique_key())
                .col(boolean(Person::PublicProfile).default(false))
                .col(boolean(Person::IsReference).default(false))
                .foreign_key(&mut fk(
                    Person::Table,
                    Person::CooperativeId,
                    Alias::new("cooperative"),
                ))
                .foreign_key(&mut fk(
                    Person::Table,
                    Person::LocalGovernmentId,
                    Alias::new("local_government"),
                ))
                .foreign_key(&mut fk(
                    Person::Table,
                    Person::InstitutionId,
                    Alias::new("institution"),
                ))
                .foreign_key(&mut fk(
                    Person::Table,
                    Person::UserId,
                    Alias::new("user_account"),
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index("person", &["cooperative_id"])).await?;

        m.create_table(
            Table::create()
                .table(Event::Table)
                .col(pk_auto(Event::Id))
                .col(string_len(Event::Kind, 24))
                .col(string(Event::Title))
                .col(integer_null(Event::Edition))
                .col(integer(Event::Year))
                .col(timestamp_with_time_zone_null(Event::StartsAt))
                .col(timestamp_with_time_zone_null(Event::EndsAt))
                .col(integer_null(Event::PlaceId))
                .col(integer_null(Event::SectorId))
                .col(text(Event::Description))
                .col(integer_null(Event::Capacity))
                .col(boolean(Event::IsReference).default(false))
                .foreign_key(&mut fk(
                    Event::Table,
                    Event::PlaceId,
                    Alias::new("local_government"),
                ))
                .foreign_key(&mut fk(Event::Table, Event::SectorId, Alias::new("sector")))
                .to_owned(),
        )
        .await?;
        m.create_index(index("event", &["year", "starts_at", "id"]))
            .await?;

        m.create_table(
            Table::create()
                .table(Participation::Table)
                .col(pk_auto(Participation::Id))
                .col(integer(Participation::EventId))
                .col(integer(Participation::PersonId))
                .col(string_len(Participation::Role, 16))
                .col(string_len(Participation::Status, 16))
                .col(timestamp_with_time_zone(Participation::CreatedAt))
                .foreign_key(&mut fk(
                    Participation::Table,
                    Participation::EventId,
                    Event::Table,
                ))
                .foreign_key(&mut fk(
                    Participation::Table,
                    Participation::PersonId,
                    Person::Table,
                ))
                .index(
                    Index::create()
                        .unique()
                        .name("uq_participation_event_person")
                        .col(Participation::EventId)
                        .col(Participation::PersonId),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(index("participation", &["person_id"]))
            .await?;

        m.create_table(
            Table::create()
                .table(Thread::Table)
                .col(pk_auto(Thread::Id))
                .col(integer_null(Thread::SectorId))
                .col(integer_null(Thread::EventId))
                .col(string(Thread::Title))
                .col(integer(Thread::AuthorId))
                .col(timestamp_with_time_zone(Thread::CreatedAt))
                .col(timestamp_with_time_zone(Thread::LastActivityAt))
                .col(integer(Thread::PostCount).default(0))
                .col(boolean(Thread::Pinned).default(false))
                .col(boolean(Thread::Locked).default(false))
                .foreign_key(&mut fk(
                    Thread::Table,
                    Thread::SectorId,
                    Alias::new("sector"),
                ))
                .foreign_key(&mut fk(Thread::Table, Thread::EventId, Event::Table))
                .foreign_key(&mut fk(Thread::Table, Thread::AuthorId, Person::Table))
                .to_owned(),
        )
        .await?;
        m.create_index(index("thread", &["last_activity_at", "id"]))
            .await?;

        m.create_table(
            Table::create()
                .table(Post::Table)
                .col(pk_auto(Post::Id))
                .col(integer(Post::ThreadId))
                .col(integer(Post::AuthorId))
                .col(text(Post::BodyMarkdown))
                .col(text(Post::BodyHtml))
                .col(timestamp_with_time_zone(Post::CreatedAt))
                .col(timestamp_with_time_zone_null(Post::EditedAt))
                .col(integer_null(Post::ReplyToId))
                .col(boolean(Post::Deleted).default(false))
                .col(boolean(Post::Hidden).default(false))
                .foreign_key(&mut fk(Post::Table, Post::ThreadId, Thread::Table))
                .foreign_key(&mut fk(Post::Table, Post::AuthorId, Person::Table))
                .foreign_key(&mut fk(Post::Table, Post::ReplyToId, Post::Table))
                .to_owned(),
        )
        .await?;
        m.create_index(index("post", &["thread_id", "id"])).await?;

        m.create_table(
            Table::create()
                .table(ThreadRead::Table)
                .col(integer(ThreadRead::UserId))
                .col(integer(ThreadRead::ThreadId))
                .col(integer(ThreadRead::LastReadPostId))
                .primary_key(
                    Index::create()
                        .col(ThreadRead::UserId)
                        .col(ThreadRead::ThreadId),
                )
                .foreign_key(&mut fk(
                    ThreadRead::Table,
                    ThreadRead::UserId,
                    Alias::new("user_account"),
                ))
                .foreign_key(&mut fk(
                    ThreadRead::Table,
                    ThreadRead::ThreadId,
                    Thread::Table,
                ))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            ThreadRead::Table.into_iden(),
            Post::Table.into_iden(),
            Thread::Table.into_iden(),
            Participation::Table.into_iden(),
            Event::Table.into_iden(),
            Person::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
