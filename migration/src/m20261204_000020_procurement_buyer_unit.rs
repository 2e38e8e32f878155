//! The organisational unit of a local government that bought (a MOPS, a school,
//! a municipal company), recorded beside the local government it belongs to.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ProcurementExample {
    Table,
    BuyerUnit,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(ProcurementExample::Table)
                .add_column(text_null(ProcurementExample::BuyerUnit))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(ProcurementExample::Table)
                .drop_column(ProcurementExample::BuyerUnit)
                .to_owned(),
        )
        .await
    }
}
