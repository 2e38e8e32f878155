//! The share of a cooperative's members who come from the groups the Act on
//! social cooperatives names (art. 4 ust. 1 of the Act of 27 April 2006,
//! consolidated text Dz.U. 2026 poz. 48), in percent, as its editors declare it.
//! Members from outside those groups may be at most half of all members (art. 5
//! ust. 6; exceeding it is a ground for liquidation under art. 18 pkt 3), which
//! `complianceNotes` checks (issue 18). Unknown for existing rows.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Cooperative {
    Table,
    ExcludedMemberShare,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Cooperative::Table)
                .add_column(
                    ColumnDef::new(Cooperative::ExcludedMemberShare)
                        .small_integer()
                        .null(),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Cooperative::Table)
                .drop_column(Cooperative::ExcludedMemberShare)
                .to_owned(),
        )
        .await
    }
}
