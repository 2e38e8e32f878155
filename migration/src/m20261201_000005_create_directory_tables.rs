//! The buyer's directory: the search index, evidence of activity and of
//! eligibility for reserved contracts, and buyers' needs.

use crate::{bytewise, fk, index};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum SearchToken {
    Table,
    Kind,
    EntityId,
    CooperativeId,
    Token,
    Weight,
}

#[derive(DeriveIden)]
enum Cooperative {
    Table,
    ProfileConfirmedAt,
    ExcludedEmployeeShare,
}

#[derive(DeriveIden)]
enum Need {
    Table,
    Id,
    Title,
    Description,
    SectorId,
    IndustryId,
    PlaceId,
    RadiusKm,
    BudgetGrosze,
    Deadline,
    Procedure,
    Status,
    BuyerId,
    CooperativeId,
    PostedBy,
    CreatedAt,
    ClosedAt,
    ClosedReason,
    Version,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let pg = m.get_database_backend() == sea_orm::DatabaseBackend::Postgres;
        // One row per (record, normalised word): kind C cooperative, O offering, N industry,
        // P procurement example, I institution, L local government. See src/search.rs.
        m.create_table(
            Table::create()
                .table(SearchToken::Table)
                .col(string_len(SearchToken::Kind, 1))
                .col(integer(SearchToken::EntityId))
                .col(integer_null(SearchToken::CooperativeId))
                .col(bytewise(string_len(SearchToken::Token, 32), pg))
                .col(small_integer(SearchToken::Weight))
                .primary_key(
                    Index::create()
                        .col(SearchToken::Kind)
                        .col(SearchToken::EntityId)
                        .col(SearchToken::Token),
                )
                .to_owned(),
        )
        .await?;
        // Covering index for word-prefix ranges within a kind: the search never reads the table.
        m.create_index(index(
            "search_token",
            &["kind", "token", "entity_id", "cooperative_id", "weight"],
        ))
        .await?;

        for col in [
            timestamp_with_time_zone_null(Cooperative::ProfileConfirmedAt).to_owned(),
            small_integer_null(Cooperative::ExcludedEmployeeShare).to_owned(),
        ] {
            m.alter_table(
                Table::alter()
                    .table(Cooperative::Table)
                    .add_column(col)
                    .to_owned(),
            )
            .await?;
        }
        m.create_index(index("cooperative", &["latitude", "longitude"]))
            .await?;
        m.create_index(index("offering", &["radius_km"])).await?;

        m.create_table(
            Table::create()
                .table(Need::Table)
                .col(pk_auto(Need::Id))
                .col(string(Need::Title))
                .col(text(Need::Description))
                .col(integer_null(Need::SectorId))
                .col(integer_null(Need::IndustryId))
                .col(integer(Need::PlaceId))
                .col(double(Need::RadiusKm))
                .col(big_integer_null(Need::BudgetGrosze))
                .col(date_null(Need::Deadline))
                .col(string_len_null(Need::Procedure, 32))
                .col(string_len(Need::Status, 16))
                .col(integer_null(Need::BuyerId))
                .col(integer_null(Need::CooperativeId))
                .col(integer(Need::PostedBy))
                .col(timestamp_with_time_zone(Need::CreatedAt))
                .col(timestamp_with_time_zone_null(Need::ClosedAt))
                .col(text_null(Need::ClosedReason))
                .col(integer(Need::Version).default(1))
                .foreign_key(&mut fk(Need::Table, Need::SectorId, Alias::new("sector")))
                .foreign_key(&mut fk(
                    Need::Table,
                    Need::IndustryId,
                    Alias::new("industry"),
                ))
                .foreign_key(&mut fk(
                    Need::Table,
                    Need::PlaceId,
                    Alias::new("local_government"),
                ))
                .foreign_key(&mut fk(
                    Need::Table,
                    Need::BuyerId,
                    Alias::new("local_government"),
                ))
                .foreign_key(&mut fk(
                    Need::Table,
                    Need::CooperativeId,
                    Alias::new("cooperative"),
                ))
                .foreign_key(&mut fk(
                    Need::Table,
                    Need::PostedBy,
                    Alias::new("user_account"),
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index("need", &["status", "created_at", "id"]))
            .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(Need::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(SearchToken::Table).to_owned())
            .await?;
        for col in [
            Cooperative::ProfileConfirmedAt,
            Cooperative::ExcludedEmployeeShare,
        ] {
            m.alter_table(
                Table::alter()
                    .table(Cooperative::Table)
                    .drop_column(col)
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }
}
