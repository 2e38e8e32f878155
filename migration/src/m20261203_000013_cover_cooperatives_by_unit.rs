//! A unit's cooperatives by name, read from the index alone: the index of
//! 000009 on `(seat_teryt, name, id)` also carries every column of a
//! cooperative that cannot be NULL (status, founder kind, seat, sample flag,
//! version). A list of a unit's cooperatives that asks for no optional field
//! (names, statuses, seats: a network walk, a gmina's page) then reads no table
//! row at all: PostgreSQL by an index-only scan (the columns `INCLUDE`d, outside
//! the key), SQLite by a covering index (the columns after the key's).

use crate::execute_for;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const REQUIRED: &str = "status, founder_kind, seat_id, is_sample, version";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let drop = "DROP INDEX idx_cooperative_seat_teryt_name_id";
        execute_for(m, drop, drop).await?;
        execute_for(
            m,
            &format!(
                "CREATE INDEX idx_cooperative_by_unit ON cooperative (seat_teryt, name, id) \
                 INCLUDE ({REQUIRED})"
            ),
            &format!(
                "CREATE INDEX idx_cooperative_by_unit ON cooperative \
                 (seat_teryt, name, id, {REQUIRED})"
            ),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let drop = "DROP INDEX idx_cooperative_by_unit";
        execute_for(m, drop, drop).await?;
        m.create_index(crate::index("cooperative", &["seat_teryt", "name", "id"]))
            .await
    }
}
