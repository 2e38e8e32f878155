//! When each procurement example last changed (issue 18: `updatedAt` on every
//! public record, so that partners sync by `updatedSince`). As for cooperatives
//! (migration 000017) the database keeps it, whoever writes: on insert, on every
//! update of the row (a verification too: that is when it becomes public) and of
//! its suppliers. Existing rows get the migration's time.

use crate::execute_for;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const POSTGRES_UP: &str = r#"
ALTER TABLE procurement_example ADD COLUMN updated_at TIMESTAMPTZ NOT NULL DEFAULT now();
CREATE INDEX idx_procurement_example_updated_at_id ON procurement_example (updated_at, id);
CREATE FUNCTION touch_procurement_row() RETURNS trigger AS $$
BEGIN
  NEW.updated_at := now();
  RETURN NEW;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER procurement_example_touched BEFORE UPDATE ON procurement_example
  FOR EACH ROW EXECUTE FUNCTION touch_procurement_row();
CREATE FUNCTION touch_procurement_of_supplier() RETURNS trigger AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN
    UPDATE procurement_example SET updated_at = now() WHERE id = OLD.procurement_example_id;
  END IF;
  IF TG_OP <> 'DELETE' THEN
    UPDATE procurement_example SET updated_at = now() WHERE id = NEW.procurement_example_id;
  END IF;
  RETURN NULL;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER supplier_touches_procurement AFTER INSERT OR UPDATE OR DELETE ON procurement_supplier
  FOR EACH ROW EXECUTE FUNCTION touch_procurement_of_supplier();
"#;

const POSTGRES_DOWN: &str = r#"
DROP TRIGGER supplier_touches_procurement ON procurement_supplier;
DROP FUNCTION touch_procurement_of_supplier();
DROP TRIGGER procurement_example_touched ON procurement_example;
DROP FUNCTION touch_procurement_row();
DROP INDEX idx_procurement_example_updated_at_id;
ALTER TABLE procurement_example DROP COLUMN updated_at;
"#;

/// SQLite: RFC 3339 text in UTC, as sea-orm writes times there (see 000017).
const SQLITE_UP: &str = r#"
ALTER TABLE procurement_example ADD COLUMN updated_at TEXT NULL;
UPDATE procurement_example SET updated_at = strftime('%Y-%m-%dT%H:%M:%f+00:00', 'now');
CREATE INDEX idx_procurement_example_updated_at_id ON procurement_example (updated_at, id);
CREATE TRIGGER procurement_example_inserted_at AFTER INSERT ON procurement_example BEGIN
  UPDATE procurement_example SET updated_at = strftime('%Y-%m-%dT%H:%M:%f+00:00', 'now') WHERE id = NEW.id;
END;
CREATE TRIGGER procurement_example_touched AFTER UPDATE ON procurement_example BEGIN
  UPDATE procurement_example SET updated_at = strftime('%Y-%m-%dT%H:%M:%f+00:00', 'now') WHERE id = NEW.id;
END;
CREATE TRIGGER supplier_added_touches_procurement AFTER INSERT ON procurement_supplier BEGIN
  UPDATE procurement_example SET updated_at = strftime('%Y-%m-%dT%H:%M:%f+00:00', 'now') WHERE id = NEW.procurement_example_id;
END;
CREATE TRIGGER supplier_changed_touches_procurement AFTER UPDATE ON procurement_supplier BEGIN
  UPDATE procurement_example SET updated_at = strftime('%Y-%m-%dT%H:%M:%f+00:00', 'now') WHERE id IN (OLD.procurement_example_id, NEW.procurement_example_id);
END;
CREATE TRIGGER supplier_removed_touches_procurement AFTER DELETE ON procurement_supplier BEGIN
  UPDATE procurement_example SET updated_at = strftime('%Y-%m-%dT%H:%M:%f+00:00', 'now') WHERE id = OLD.procurement_example_id;
END;
"#;

const SQLITE_DOWN: &str = r#"
DROP TRIGGER supplier_removed_touches_procurement;
DROP TRIGGER supplier_changed_touches_procurement;
DROP TRIGGER supplier_added_touches_procurement;
DROP TRIGGER procurement_example_touched;
DROP TRIGGER procurement_example_inserted_at;
DROP INDEX idx_procurement_example_updated_at_id;
ALTER TABLE procurement_example DROP COLUMN updated_at;
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
