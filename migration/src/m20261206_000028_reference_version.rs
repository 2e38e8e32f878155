//! A number that every import of reference data (TERYT units, PKD, sectors)
//! raises in its own transaction. Each running server keeps the TERYT units in
//! memory (`coophub::db::units`) and reads this number every few seconds: when
//! another process (`coophub import reference`, another replica starting up)
//! has imported, it reads the units again. One row, id 1.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ReferenceVersion {
    Table,
    Id,
    Generation,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(ReferenceVersion::Table)
                .col(
                    ColumnDef::new(ReferenceVersion::Id)
                        .integer()
                        .not_null()
                        .primary_key(),
                )
                .col(
                    ColumnDef::new(ReferenceVersion::Generation)
                        .big_integer()
                        .not_null()
                        .default(0),
                )
                .to_owned(),
        )
        .await?;
        m.exec_stmt(
            Query::insert()
                .into_table(ReferenceVersion::Table)
                .columns([ReferenceVersion::Id, ReferenceVersion::Generation])
                .values_panic([1.into(), 0.into()])
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(ReferenceVersion::Table).to_owned())
            .await
    }
}
