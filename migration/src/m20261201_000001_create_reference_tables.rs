//! Reference data: TERYT units, the PKD tree and the sectors mapped onto it.

use crate::{bytewise, fk, index};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum LocalGovernment {
    Table,
    Id,
    Teryt,
    Name,
    Kind,
    ParentId,
    Latitude,
    Longitude,
    CentroidNote,
    Population,
}

#[derive(DeriveIden)]
enum Industry {
    Table,
    Id,
    Code,
    Level,
    Name,
    ParentId,
    Path,
}

#[derive(DeriveIden)]
enum Sector {
    Table,
    Id,
    Slug,
    Name,
    NameEn,
}

#[derive(DeriveIden)]
enum SectorIndustry {
    Table,
    SectorId,
    IndustryId,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let pg = m.get_database_backend() == sea_orm_migration::sea_orm::DatabaseBackend::Postgres;
        m.create_table(
            Table::create()
                .table(LocalGovernment::Table)
                .col(pk_auto(LocalGovernment::Id))
                .col(bytewise(string_len_uniq(LocalGovernment::Teryt, 7), pg))
                .col(bytewise(string(LocalGovernment::Name), pg))
                .col(string_len(LocalGovernment::Kind, 32))
                .col(integer_null(LocalGovernment::ParentId))
                .col(double(LocalGovernment::Latitude))
                .col(double(LocalGovernment::Longitude))
                .col(string_null(LocalGovernment::CentroidNote))
                .col(big_integer_null(LocalGovernment::Population))
                .foreign_key(&mut fk(
                    LocalGovernment::Table,
                    LocalGovernment::ParentId,
                    LocalGovernment::Table,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index("local_government", &["parent_id"]))
            .await?;

        m.create_table(
            Table::create()
                .table(Industry::Table)
                .col(pk_auto(Industry::Id))
                .col(bytewise(string_len_uniq(Industry::Code, 8), pg))
                .col(string_len(Industry::Level, 16))
                .col(text(Industry::Name))
                .col(integer_null(Industry::ParentId))
                .col(bytewise(string_len_uniq(Industry::Path, 40), pg))
                .foreign_key(&mut fk(
                    Industry::Table,
                    Industry::ParentId,
                    Industry::Table,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index("industry", &["parent_id"])).await?;

        m.create_table(
            Table::create()
                .table(Sector::Table)
                .col(pk_auto(Sector::Id))
                .col(string_len_uniq(Sector::Slug, 40))
                .col(string(Sector::Name))
                .col(string(Sector::NameEn))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(SectorIndustry::Table)
                .col(integer(SectorIndustry::SectorId))
                .col(integer(SectorIndustry::IndustryId))
                .primary_key(
                    Index::create()
                        .col(SectorIndustry::SectorId)
                        .col(SectorIndustry::IndustryId),
                )
                .foreign_key(&mut fk(
                    SectorIndustry::Table,
                    SectorIndustry::SectorId,
                    Sector::Table,
                ))
                .foreign_key(&mut fk(
                    SectorIndustry::Table,
                    SectorIndustry::IndustryId,
                    Industry::Table,
                ))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in ["sector_industry", "sector", "industry", "local_government"] {
            m.drop_table(Table::drop().table(Alias::new(t)).to_owned())
                .await?;
        }
        Ok(())
    }
}
