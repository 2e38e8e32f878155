//! Cooperatives, their industries, offerings with areas served, founders, and
//! the institutions around them.

use crate::{bytewise, fk, index};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Cooperative {
    Table,
    Id,
    Name,
    Krs,
    Nip,
    Regon,
    RegistrationDate,
    Status,
    FounderKind,
    StreetAddress,
    PostalCode,
    City,
    SeatId,
    SeatTeryt,
    Latitude,
    Longitude,
    Phone,
    PublicEmail,
    Website,
    Description,
    MemberCount,
    EmployeeCount,
    IsSample,
}

#[derive(DeriveIden)]
enum CooperativeIndustry {
    Table,
    CooperativeId,
    IndustryId,
    IsPrimary,
}

#[derive(DeriveIden)]
enum Offering {
    Table,
    Id,
    CooperativeId,
    Name,
    Description,
    Kind,
    IndustryId,
    RadiusKm,
    PriceNote,
}

#[derive(DeriveIden)]
enum OfferingArea {
    Table,
    OfferingId,
    LocalGovernmentId,
}

#[derive(DeriveIden)]
enum Institution {
    Table,
    Id,
    Name,
    Kind,
    LocalGovernmentId,
    Address,
    Phone,
    PublicEmail,
    Website,
    IsSample,
}

#[derive(DeriveIden)]
enum CooperativeFounder {
    Table,
    Id,
    CooperativeId,
    Kind,
    LocalGovernmentId,
    Name,
}

#[derive(DeriveIden)]
enum LocalGovernment {
    Table,
}

#[derive(DeriveIden)]
enum Industry {
    Table,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let pg = m.get_database_backend() == sea_orm_migration::sea_orm::DatabaseBackend::Postgres;
        m.create_table(
            Table::create()
                .table(Cooperative::Table)
                .col(pk_auto(Cooperative::Id))
                .col(bytewise(string(Cooperative::Name), pg))
                .col(string_len_null(Cooperative::Krs, 10).unique_key())
                .col(string_len_null(Cooperative::Nip, 10).unique_key())
                .col(string_len_null(Cooperative::Regon, 14).unique_key())
                .col(date_null(Cooperative::RegistrationDate))
                .col(string_len(Cooperative::Status, 16))
                .col(string_len(Cooperative::FounderKind, 16))
                .col(string_null(Cooperative::StreetAddress))
                .col(string_len_null(Cooperative::PostalCode, 6))
                .col(string_null(Cooperative::City))
                .col(integer(Cooperative::SeatId))
                .col(bytewise(string_len(Cooperative::SeatTeryt, 7), pg))
                .col(double_null(Cooperative::Latitude))
                .col(double_null(Cooperative::Longitude))
                .col(string_len_null(Cooperative::Phone, 32))
                .col(string_null(Cooperative::PublicEmail))
                .col(string_null(Cooperative::Website))
                .col(text_null(Cooperative::Description))
                .col(integer_null(Cooperative::MemberCount))
                .col(integer_null(Cooperative::EmployeeCount))
                .col(boolean(Cooperative::IsSample))
                .foreign_key(&mut fk(
                    Cooperative::Table,
                    Cooperative::SeatId,
                    LocalGovernment::Table,
                ))
                .to_owned(),
        )
        .await?;
        for cols in [
            &["seat_teryt", "id"][..],
            &["seat_id"],
            &["status"],
            &["name", "id"],
        ] {
            m.create_index(index("cooperative", cols)).await?;
        }

        m.create_table(
            Table::create()
                .table(CooperativeIndustry::Table)
                .col(integer(CooperativeIndustry::CooperativeId))
                .col(integer(CooperativeIndustry::IndustryId))
                .col(boolean(CooperativeIndustry::IsPrimary))
                .primary_key(
                    Index::create()
                        .col(CooperativeIndustry::CooperativeId)
                        .col(CooperativeIndustry::IndustryId),
                )
                .foreign_key(&mut fk(
                    CooperativeIndustry::Table,
                    CooperativeIndustry::CooperativeId,
                    Cooperative::Table,
                ))
                .foreign_key(&mut fk(
                    CooperativeIndustry::Table,
                    CooperativeIndustry::IndustryId,
                    Industry::Table,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "cooperative_industry",
            &["industry_id", "cooperative_id"],
        ))
        .await?;

        m.create_table(
            Table::create()
                .table(Offering::Table)
                .col(pk_auto(Offering::Id))
                .col(integer(Offering::CooperativeId))
                .col(string(Offering::Name))
                .col(text_null(Offering::Description))
                .col(string_len(Offering::Kind, 16))
                .col(integer_null(Offering::IndustryId))
                .col(double_null(Offering::RadiusKm))
                .col(string_null(Offering::PriceNote))
                .foreign_key(&mut fk(
                    Offering::Table,
                    Offering::CooperativeId,
                    Cooperative::Table,
                ))
                .foreign_key(&mut fk(
                    Offering::Table,
                    Offering::IndustryId,
                    Industry::Table,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index("offering", &["cooperative_id", "id"]))
            .await?;

        m.create_table(
            Table::create()
                .table(OfferingArea::Table)
                .col(integer(OfferingArea::OfferingId))
                .col(integer(OfferingArea::LocalGovernmentId))
                .primary_key(
                    Index::create()
                        .col(OfferingArea::OfferingId)
                        .col(OfferingArea::LocalGovernmentId),
                )
                .foreign_key(&mut fk(
                    OfferingArea::Table,
                    OfferingArea::OfferingId,
                    Offering::Table,
                ))
                .foreign_key(&mut fk(
                    OfferingArea::Table,
                    OfferingArea::LocalGovernmentId,
                    LocalGovernment::Table,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index("offering_area", &["local_government_id"]))
            .await?;

        m.create_table(
            Table::create()
                .table(Institution::Table)
                .col(pk_auto(Institution::Id))
                .col(bytewise(string(Institution::Name), pg))
                .col(string_len(Institution::Kind, 32))
                .col(integer(Institution::LocalGovernmentId))
                .col(string_null(Institution::Address))
                .col(string_len_null(Institution::Phone, 32))
                .col(string_null(Institution::PublicEmail))
                .col(string_null(Institution::Website))
                .col(boolean(Institution::IsSample))
                .foreign_key(&mut fk(
                    Institution::Table,
                    Institution::LocalGovernmentId,
                    LocalGovernment::Table,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index("institution", &["local_government_id", "id"]))
            .await?;

        m.create_table(
            Table::create()
                .table(CooperativeFounder::Table)
                .col(pk_auto(CooperativeFounder::Id))
                .col(integer(CooperativeFounder::CooperativeId))
                .col(string_len(CooperativeFounder::Kind, 32))
                .col(integer_null(CooperativeFounder::LocalGovernmentId))
                .col(string(CooperativeFounder::Name))
                .foreign_key(&mut fk(
                    CooperativeFounder::Table,
                    CooperativeFounder::CooperativeId,
                    Cooperative::Table,
                ))
                .foreign_key(&mut fk(
                    CooperativeFounder::Table,
                    CooperativeFounder::LocalGovernmentId,
                    LocalGovernment::Table,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index("cooperative_founder", &["cooperative_id"]))
            .await?;
        m.create_index(index("cooperative_founder", &["local_government_id"]))
            .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            "cooperative_founder",
            "institution",
            "offering_area",
            "offering",
            "cooperative_industry",
            "cooperative",
        ] {
            m.drop_table(Table::drop().table(Alias::new(t)).to_owned())
                .await?;
        }
        Ok(())
    }
}
