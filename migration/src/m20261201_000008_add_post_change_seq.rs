//! Each post remembers its latest change (edit, deletion, hiding, restoring) and
//! its place in its thread's sequence of changes, so a live feed that lost its
//! connection between instances can catch up on changes it missed.

use crate::index;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Post {
    Table,
    ChangeSeq,
    LastChange,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite adds columns one at a time.
        m.alter_table(
            Table::alter()
                .table(Post::Table)
                .add_column(integer(Post::ChangeSeq).default(0))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Post::Table)
                .add_column(string_len_null(Post::LastChange, 16))
                .to_owned(),
        )
        .await?;
        m.create_index(index("post", &["thread_id", "change_seq"]))
            .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("idx_post_thread_id_change_seq")
                .table(Post::Table)
                .to_owned(),
        )
        .await?;
        for c in [Post::LastChange, Post::ChangeSeq] {
            m.alter_table(Table::alter().table(Post::Table).drop_column(c).to_owned())
                .await?;
        }
        Ok(())
    }
}
