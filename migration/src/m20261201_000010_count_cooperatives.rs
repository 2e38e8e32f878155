//! The number of cooperatives, kept by the database itself: a partner portal's
//! directory page shows it on every request, and counting 100,000 rows cost
//! PostgreSQL 5 ms each time. Triggers keep `row_tally` exact in the same
//! transaction as every insert and delete, whatever writes them (the API,
//! imports, `seed sample`, or SQL by hand).

use crate::execute_for;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const POSTGRES_UP: &str = r#"
CREATE TABLE row_tally (table_name VARCHAR(64) PRIMARY KEY, row_count BIGINT NOT NULL);
INSERT INTO row_tally (table_name, row_count) SELECT 'cooperative', COUNT(*) FROM cooperative;
CREATE FUNCTION tally_cooperatives() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    UPDATE row_tally SET row_count = row_count + (SELECT COUNT(*) FROM changed_rows)
      WHERE table_name = 'cooperative';
  ELSIF TG_OP = 'DELETE' THEN
    UPDATE row_tally SET row_count = row_count - (SELECT COUNT(*) FROM changed_rows)
      WHERE table_name = 'cooperative';
  ELSE
    UPDATE row_tally SET row_count = 0 WHERE table_name = 'cooperative';
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER tally_cooperatives_inserted AFTER INSERT ON cooperative
  REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION tally_cooperatives();
CREATE TRIGGER tally_cooperatives_deleted AFTER DELETE ON cooperative
  REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION tally_cooperatives();
CREATE TRIGGER tally_cooperatives_truncated AFTER TRUNCATE ON cooperative
  FOR EACH STATEMENT EXECUTE FUNCTION tally_cooperatives();
"#;

const POSTGRES_DOWN: &str = r#"
DROP TRIGGER tally_cooperatives_truncated ON cooperative;
DROP TRIGGER tally_cooperatives_deleted ON cooperative;
DROP TRIGGER tally_cooperatives_inserted ON cooperative;
DROP FUNCTION tally_cooperatives();
DROP TABLE row_tally;
"#;

/// SQLite has row triggers only (and no TRUNCATE).
const SQLITE_UP: &str = r#"
CREATE TABLE row_tally (table_name VARCHAR(64) PRIMARY KEY, row_count BIGINT NOT NULL);
INSERT INTO row_tally (table_name, row_count) SELECT 'cooperative', COUNT(*) FROM cooperative;
CREATE TRIGGER tally_cooperatives_inserted AFTER INSERT ON cooperative BEGIN
  UPDATE row_tally SET row_count = row_count + 1 WHERE table_name = 'cooperative';
END;
CREATE TRIGGER tally_cooperatives_deleted AFTER DELETE ON cooperative BEGIN
  UPDATE row_tally SET row_count = row_count - 1 WHERE table_name = 'cooperative';
END;
"#;

const SQLITE_DOWN: &str = r#"
DROP TRIGGER tally_cooperatives_deleted;
DROP TRIGGER tally_cooperatives_inserted;
DROP TABLE row_tally;
"#;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        execute_for(m, POSTGRES_UP, SQLITE_UP).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        execute_for(m, POSTGRES_DOWN, SQLITE_DOWN).await
    }
}
