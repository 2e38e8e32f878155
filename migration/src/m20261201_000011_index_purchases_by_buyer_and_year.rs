//! A buyer's verified purchases, newest first: `LocalGovernment.procurementExamples`
//! shows the first n of a unit's purchases (`year DESC, id`), and this index hands
//! them over in that order, so only the rows shown are read (and the count is an
//! index-only scan).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const NAME: &str = "idx_procurement_example_buyer_id_verified_year_desc_id";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(
            Index::create()
                .name(NAME)
                .table(Alias::new("procurement_example"))
                .col(Alias::new("buyer_id"))
                .col(Alias::new("verified"))
                .col((Alias::new("year"), IndexOrder::Desc))
                .col(Alias::new("id"))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name(NAME)
                .table(Alias::new("procurement_example"))
                .to_owned(),
        )
        .await
    }
}
