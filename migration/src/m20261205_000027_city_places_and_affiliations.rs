//! A city with powiat rights is one local government (migration 000021 moved
//! the records of a city acting). The places of needs and events and people's
//! affiliations named its powiat-level unit too: they move to its gmina unit,
//! where the mutations now store them, so that one code finds them all.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The tables and columns that name a local government as a place or an affiliation.
const COLUMNS: [(&str, &str); 3] = [
    ("need", "place_id"),
    ("event", "place_id"),
    ("person", "local_government_id"),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let pair = "FROM local_government p JOIN local_government g ON g.teryt = p.teryt || '011' \
                    WHERE p.kind = 'MIASTO_NA_PRAWACH_POWIATU'";
        for (table, column) in COLUMNS {
            m.get_connection()
                .execute_unprepared(&format!(
                    "UPDATE {table} SET {column} = (SELECT g.id {pair} AND p.id = {table}.{column}) \
                     WHERE {column} IN (SELECT p.id {pair})"
                ))
                .await?;
        }
        Ok(())
    }

    async fn down(&self, _m: &SchemaManager) -> Result<(), DbErr> {
        // Which unit a record named before cannot be told apart afterwards.
        Ok(())
    }
}
