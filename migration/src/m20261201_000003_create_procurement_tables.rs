//! Procurement examples: what a local government bought from which cooperatives, and how.

use crate::{fk, index};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ProcurementExample {
    Table,
    Id,
    BuyerId,
    Subject,
    IndustryId,
    Procedure,
    ValueGrosze,
    Year,
    Outcome,
    Lessons,
    Source,
    IsSample,
}

#[derive(DeriveIden)]
enum ProcurementSupplier {
    Table,
    ProcurementExampleId,
    CooperativeId,
    Role,
}

#[derive(DeriveIden)]
enum LocalGovernment {
    Table,
}

#[derive(DeriveIden)]
enum Industry {
    Table,
}

#[derive(DeriveIden)]
enum Cooperative {
    Table,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(ProcurementExample::Table)
                .col(pk_auto(ProcurementExample::Id))
                .col(integer(ProcurementExample::BuyerId))
                .col(text(ProcurementExample::Subject))
                .col(integer_null(ProcurementExample::IndustryId))
                .col(string_len(ProcurementExample::Procedure, 32))
                .col(big_integer_null(ProcurementExample::ValueGrosze))
                .col(integer(ProcurementExample::Year))
                .col(text_null(ProcurementExample::Outcome))
                .col(text_null(ProcurementExample::Lessons))
                .col(text_null(ProcurementExample::Source))
                .col(boolean(ProcurementExample::IsSample))
                .foreign_key(&mut fk(
                    ProcurementExample::Table,
                    ProcurementExample::BuyerId,
                    LocalGovernment::Table,
                ))
                .foreign_key(&mut fk(
                    ProcurementExample::Table,
                    ProcurementExample::IndustryId,
                    Industry::Table,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index("procurement_example", &["buyer_id", "id"]))
            .await?;
        m.create_index(index("procurement_example", &["year", "id"]))
            .await?;

        m.create_table(
            Table::create()
                .table(ProcurementSupplier::Table)
                .col(integer(ProcurementSupplier::ProcurementExampleId))
                .col(integer(ProcurementSupplier::CooperativeId))
                .col(string_len(ProcurementSupplier::Role, 24))
                .primary_key(
                    Index::create()
                        .col(ProcurementSupplier::ProcurementExampleId)
                        .col(ProcurementSupplier::CooperativeId),
                )
                .foreign_key(&mut fk(
                    ProcurementSupplier::Table,
                    ProcurementSupplier::ProcurementExampleId,
                    ProcurementExample::Table,
                ))
                .foreign_key(&mut fk(
                    ProcurementSupplier::Table,
                    ProcurementSupplier::CooperativeId,
                    Cooperative::Table,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index("procurement_supplier", &["cooperative_id"]))
            .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in ["procurement_supplier", "procurement_example"] {
            m.drop_table(Table::drop().table(Alias::new(t)).to_owned())
                .await?;
        }
        Ok(())
    }
}
