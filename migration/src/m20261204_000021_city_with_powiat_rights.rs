//! A city with powiat rights is one local government with two TERYT units: the
//! powiat-level unit (MIASTO_NA_PRAWACH_POWIATU) and its urban gmina (the same
//! code and `011`). Its records move to the gmina, so that both units answer
//! with the same purchases, founders, officers and institutions, counted once.
//! Portable SQL: `||` concatenates on SQLite and PostgreSQL alike.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The tables and columns that name a local government acting.
const COLUMNS: [(&str, &str); 5] = [
    ("procurement_example", "buyer_id"),
    ("need", "buyer_id"),
    ("cooperative_founder", "local_government_id"),
    ("institution", "local_government_id"),
    ("user_role", "local_government_id"),
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
