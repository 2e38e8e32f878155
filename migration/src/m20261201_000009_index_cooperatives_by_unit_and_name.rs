//! A unit's cooperatives by name: `LocalGovernment.cooperatives` ranks the
//! cooperatives seated under a TERYT prefix by name, and this index covers it.

use crate::index;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(index("cooperative", &["seat_teryt", "name", "id"]))
            .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("idx_cooperative_seat_teryt_name_id")
                .table(Alias::new("cooperative"))
                .to_owned(),
        )
        .await
    }
}
