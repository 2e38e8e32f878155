//! Indexes for the lists the plan test (`tests/api/plans.rs`, issue 17) found
//! reading a whole table for their first page:
//! - threads, pinned first, then by latest activity (the forum's front page);
//! - needs, newest first, whatever their status;
//! - a user's claims, oldest first (`myClaims`).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const INDEXES: [(&str, &[&str]); 3] = [
    ("thread", &["pinned", "last_activity_at", "id"]),
    ("need", &["created_at", "id"]),
    ("claim", &["user_id", "id"]),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for (table, columns) in INDEXES {
            m.create_index(crate::index(table, columns)).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for (table, columns) in INDEXES {
            let name = format!("idx_{table}_{}", columns.join("_"));
            m.drop_index(Index::drop().name(name).table(Alias::new(table)).to_owned())
                .await?;
        }
        Ok(())
    }
}
