//! The legal desk (issue 20): cases asked by members (or logged by an advisor
//! from a call), their messages (internal notes included) and the metadata of
//! their attachments. Private to the
//! asker and the legal advisors (`coophub::policy::case_visible`).

use crate::{fk, index};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum LegalCase {
    Table,
    Id,
    AskerUserId,
    AskerName,
    AskerContact,
    CooperativeId,
    Topic,
    Question,
    Status,
    AdvisorUserId,
    SubmittedAt,
    DueOn,
    FirstAnswerAt,
    AnsweredAt,
    ClosedAt,
    Rating,
    Erased,
    Version,
    ArticleId,
}

#[derive(DeriveIden)]
enum CaseMessage {
    Table,
    Id,
    CaseId,
    AuthorUserId,
    ByAdvisor,
    Internal,
    Body,
    CreatedAt,
}

#[derive(DeriveIden)]
enum CaseAttachment {
    Table,
    Id,
    CaseId,
    Name,
    Size,
    ContentType,
    StorageKey,
    ByAdvisor,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let user = || Alias::new("user_account");
        m.create_table(
            Table::create()
                .table(LegalCase::Table)
                .col(pk_auto(LegalCase::Id))
                .col(integer_null(LegalCase::AskerUserId))
                .col(string_len_null(LegalCase::AskerName, 200))
                .col(string_len_null(LegalCase::AskerContact, 200))
                .col(integer_null(LegalCase::CooperativeId))
                .col(string_len(LegalCase::Topic, 24))
                .col(text(LegalCase::Question))
                .col(string_len(LegalCase::Status, 24))
                .col(integer_null(LegalCase::AdvisorUserId))
                .col(timestamp_with_time_zone(LegalCase::SubmittedAt))
                .col(date(LegalCase::DueOn))
                .col(timestamp_with_time_zone_null(LegalCase::FirstAnswerAt))
                .col(timestamp_with_time_zone_null(LegalCase::AnsweredAt))
                .col(timestamp_with_time_zone_null(LegalCase::ClosedAt))
                .col(integer_null(LegalCase::Rating))
                .col(boolean(LegalCase::Erased).default(false))
                .col(integer(LegalCase::Version).default(1))
                .col(integer_null(LegalCase::ArticleId))
                .foreign_key(&mut fk(LegalCase::Table, LegalCase::AskerUserId, user()))
                .foreign_key(&mut fk(LegalCase::Table, LegalCase::AdvisorUserId, user()))
                .foreign_key(&mut fk(
                    LegalCase::Table,
                    LegalCase::CooperativeId,
                    Alias::new("cooperative"),
                ))
                .foreign_key(&mut fk(
                    LegalCase::Table,
                    LegalCase::ArticleId,
                    Alias::new("article"),
                ))
                .to_owned(),
        )
        .await?;
        // The queue (open cases by due date) and "my cases".
        m.create_index(index("legal_case", &["status", "due_on", "id"]))
            .await?;
        m.create_index(index("legal_case", &["asker_user_id", "id"]))
            .await?;
        m.create_table(
            Table::create()
                .table(CaseMessage::Table)
                .col(pk_auto(CaseMessage::Id))
                .col(integer(CaseMessage::CaseId))
                .col(integer_null(CaseMessage::AuthorUserId))
                .col(boolean(CaseMessage::ByAdvisor))
                .col(boolean(CaseMessage::Internal))
                .col(text(CaseMessage::Body))
                .col(timestamp_with_time_zone(CaseMessage::CreatedAt))
                .foreign_key(&mut fk(
                    CaseMessage::Table,
                    CaseMessage::CaseId,
                    LegalCase::Table,
                ))
                .foreign_key(&mut fk(
                    CaseMessage::Table,
                    CaseMessage::AuthorUserId,
                    user(),
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index("case_message", &["case_id", "id"]))
            .await?;
        m.create_table(
            Table::create()
                .table(CaseAttachment::Table)
                .col(pk_auto(CaseAttachment::Id))
                .col(integer(CaseAttachment::CaseId))
                .col(string_len(CaseAttachment::Name, 200))
                .col(big_integer(CaseAttachment::Size))
                .col(string_len(CaseAttachment::ContentType, 100))
                .col(string_len(CaseAttachment::StorageKey, 64).unique_key())
                .col(boolean(CaseAttachment::ByAdvisor))
                .col(timestamp_with_time_zone(CaseAttachment::CreatedAt))
                .foreign_key(&mut fk(
                    CaseAttachment::Table,
                    CaseAttachment::CaseId,
                    LegalCase::Table,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index("case_attachment", &["case_id", "id"]))
            .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in ["case_attachment", "case_message", "legal_case"] {
            m.drop_table(Table::drop().table(Alias::new(t)).to_owned())
                .await?;
        }
        Ok(())
    }
}
