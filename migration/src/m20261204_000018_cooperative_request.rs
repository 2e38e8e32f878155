//! Requests about cooperatives that a moderator decides (issue 18): a member's
//! proposal of a new cooperative, an editor's change to its registry facts.

use crate::{fk, index};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum CooperativeRequest {
    Table,
    Id,
    Kind,
    UserId,
    CooperativeId,
    Fields,
    Note,
    Status,
    Reason,
    DecidedBy,
    CreatedAt,
    DecidedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use CooperativeRequest as R;
        m.create_table(
            Table::create()
                .table(R::Table)
                .col(pk_auto(R::Id))
                .col(string_len(R::Kind, 16))
                .col(integer(R::UserId))
                .col(integer_null(R::CooperativeId))
                .col(text(R::Fields))
                .col(text_null(R::Note))
                .col(string_len(R::Status, 16))
                .col(text_null(R::Reason))
                .col(integer_null(R::DecidedBy))
                .col(timestamp_with_time_zone(R::CreatedAt))
                .col(timestamp_with_time_zone_null(R::DecidedAt))
                .foreign_key(&mut fk(R::Table, R::UserId, Alias::new("user_account")))
                .foreign_key(&mut fk(
                    R::Table,
                    R::CooperativeId,
                    Alias::new("cooperative"),
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index("cooperative_request", &["status", "id"]))
            .await?;
        m.create_index(index("cooperative_request", &["user_id", "id"]))
            .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(CooperativeRequest::Table).to_owned())
            .await
    }
}
