//! An index for every order a root list offers (issue 17), so that a page — the
//! first or one after a cursor deep in the list — is read from an index seek in
//! the list's order, not by sorting the table:
//! - the directory by registration date and by employee count, newest / largest
//!   first and unknown values last, then by id;
//! - listed (verified) procurement examples by year, newest first, and by value,
//!   largest first and unknown last, then by id (oldest first has 000003's);
//! - institutions by name, then id.
//!
//! PostgreSQL writes the order out (`DESC NULLS LAST`); SQLite sorts NULLs last in
//! a descending column of its own accord, and takes no `NULLS LAST` in an index.

use crate::execute_for;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// (name, table, PostgreSQL columns, SQLite columns)
const INDEXES: [(&str, &str, &str, &str); 5] = [
    (
        "idx_cooperative_registration_date_desc_id",
        "cooperative",
        "registration_date DESC NULLS LAST, id",
        "registration_date DESC, id",
    ),
    (
        "idx_cooperative_employee_count_desc_id",
        "cooperative",
        "employee_count DESC NULLS LAST, id",
        "employee_count DESC, id",
    ),
    (
        "idx_procurement_example_verified_year_desc_id",
        "procurement_example",
        "verified, year DESC, id",
        "verified, year DESC, id",
    ),
    (
        "idx_procurement_example_verified_value_desc_id",
        "procurement_example",
        "verified, value_grosze DESC NULLS LAST, id",
        "verified, value_grosze DESC, id",
    ),
    (
        "idx_institution_name_id",
        "institution",
        "name, id",
        "name, id",
    ),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for (name, table, pg, sqlite) in INDEXES {
            execute_for(
                m,
                &format!("CREATE INDEX {name} ON {table} ({pg})"),
                &format!("CREATE INDEX {name} ON {table} ({sqlite})"),
            )
            .await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for (name, ..) in INDEXES {
            let drop = format!("DROP INDEX {name}");
            execute_for(m, &drop, &drop).await?;
        }
        Ok(())
    }
}
