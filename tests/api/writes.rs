//! Writes and what they change: every table of the database is known to the
//! policy table (so a write to it invalidates the right cached answers), and a
//! forum write that fails announces nothing.

use crate::helpers::{is_postgres, seeded_database_url};
use sea_orm::{ConnectionTrait, Statement};

#[tokio::test]
async fn every_table_of_the_database_has_a_line_in_the_policy_table() {
    let url = seeded_database_url().await;
    let (db, _) = coophub::db::connect(&url, 1)
        .await
        .unwrap_or_else(|e| panic!("connect: {e}"));
    let sql = if is_postgres() {
        "SELECT table_name::text AS name FROM information_schema.tables \
         WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
    } else {
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    };
    let rows = db
        .query_all_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .unwrap_or_else(|e| panic!("list tables: {e}"));
    let mut names: Vec<String> = rows
        .iter()
        .map(|r| r.try_get::<String>("", "name").unwrap_or_default())
        .filter(|n| n != "seaql_migrations")
        .collect();
    names.sort();
    assert!(names.len() > 25, "{names:?}");
    let unknown: Vec<&String> = names
        .iter()
        .filter(|n| coophub::policy::table::domain_of_table(n).is_none())
        .collect();
    assert!(
        unknown.is_empty(),
        "tables the policy table does not know: {unknown:?}"
    );
}
