//! Where the facts of a change came from (issue 18's provenance per field): the
//! audit trail already says who changed which field and when; these say from
//! what (an imported file, the cooperative's editor, a moderator).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum AuditEntry {
    Table,
    Source,
    SourceNote,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite's ALTER TABLE adds one at a time.
        m.alter_table(
            Table::alter()
                .table(AuditEntry::Table)
                .add_column(string_len_null(AuditEntry::Source, 16))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(AuditEntry::Table)
                .add_column(text_null(AuditEntry::SourceNote))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for column in [AuditEntry::SourceNote, AuditEntry::Source] {
            m.alter_table(
                Table::alter()
                    .table(AuditEntry::Table)
                    .drop_column(column)
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }
}
