//! The search index gained a token per record name (`db::search::EXACT_NAME`: a
//! query of exactly a record's name ranks it first). Emptying the index makes the
//! next command or server start rebuild it with those tokens: every one opens the
//! database through `app::open_database`, which builds an empty index once, before
//! anything writes to it.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.get_connection()
            .execute_unprepared("DELETE FROM search_token")
            .await
            .map(drop)
    }

    async fn down(&self, _m: &SchemaManager) -> Result<(), DbErr> {
        // The old index is a subset of the new one: nothing to undo.
        Ok(())
    }
}
