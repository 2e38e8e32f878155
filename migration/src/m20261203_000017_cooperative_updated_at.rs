//! When each cooperative last changed (issue 18: partners sync by `updatedSince`).
//! The database keeps it, whoever writes (the API, an import, `seed sample`, SQL by
//! hand): set on insert, and on every update of the cooperative's row or of its
//! offerings and PKD subclasses, which a partner's copy of it holds too. Existing
//! rows get the migration's time (their real last change is not known).

use crate::execute_for;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const POSTGRES_UP: &str = r#"
ALTER TABLE cooperative ADD COLUMN updated_at TIMESTAMPTZ NOT NULL DEFAULT now();
CREATE INDEX idx_cooperative_updated_at_id ON cooperative (updated_at, id);
CREATE FUNCTION touch_cooperative_row() RETURNS trigger AS $$
BEGIN
  NEW.updated_at := now();
  RETURN NEW;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER cooperative_touched BEFORE UPDATE ON cooperative
  FOR EACH ROW EXECUTE FUNCTION touch_cooperative_row();
CREATE FUNCTION touch_cooperative_of_part() RETURNS trigger AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN
    UPDATE cooperative SET updated_at = now() WHERE id = OLD.cooperative_id;
  END IF;
  IF TG_OP <> 'DELETE' THEN
    UPDATE cooperative SET updated_at = now() WHERE id = NEW.cooperative_id;
  END IF;
  RETURN NULL;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER offering_touches_cooperative AFTER INSERT OR UPDATE OR DELETE ON offering
  FOR EACH ROW EXECUTE FUNCTION touch_cooperative_of_part();
CREATE TRIGGER industry_link_touches_cooperative AFTER INSERT OR UPDATE OR DELETE ON cooperative_industry
  FOR EACH ROW EXECUTE FUNCTION touch_cooperative_of_part();
"#;

const POSTGRES_DOWN: &str = r#"
DROP TRIGGER industry_link_touches_cooperative ON cooperative_industry;
DROP TRIGGER offering_touches_cooperative ON offering;
DROP FUNCTION touch_cooperative_of_part();
DROP TRIGGER cooperative_touched ON cooperative;
DROP FUNCTION touch_cooperative_row();
DROP INDEX idx_cooperative_updated_at_id;
ALTER TABLE cooperative DROP COLUMN updated_at;
"#;

/// SQLite: RFC 3339 text in UTC, as sea-orm writes times there (so that text
/// order is time order). A column added to a table cannot default to the time, so
/// triggers set it after an insert too; triggers do not fire themselves again.
const SQLITE_UP: &str = r#"
ALTER TABLE cooperative ADD COLUMN updated_at TEXT NULL;
UPDATE cooperative SET updated_at = strftime('%Y-%m-%dT%H:%M:%f+00:00', 'now');
CREATE INDEX idx_cooperative_updated_at_id ON cooperative (updated_at, id);
CREATE TRIGGER cooperative_inserted_at AFTER INSERT ON cooperative BEGIN
  UPDATE cooperative SET updated_at = strftime('%Y-%m-%dT%H:%M:%f+00:00', 'now') WHERE id = NEW.id;
END;
CREATE TRIGGER cooperative_touched AFTER UPDATE ON cooperative BEGIN
  UPDATE cooperative SET updated_at = strftime('%Y-%m-%dT%H:%M:%f+00:00', 'now') WHERE id = NEW.id;
END;
CREATE TRIGGER offering_added_touches_cooperative AFTER INSERT ON offering BEGIN
  UPDATE cooperative SET updated_at = strftime('%Y-%m-%dT%H:%M:%f+00:00', 'now') WHERE id = NEW.cooperative_id;
END;
CREATE TRIGGER offering_changed_touches_cooperative AFTER UPDATE ON offering BEGIN
  UPDATE cooperative SET updated_at = strftime('%Y-%m-%dT%H:%M:%f+00:00', 'now') WHERE id IN (OLD.cooperative_id, NEW.cooperative_id);
END;
CREATE TRIGGER offering_removed_touches_cooperative AFTER DELETE ON offering BEGIN
  UPDATE cooperative SET updated_at = strftime('%Y-%m-%dT%H:%M:%f+00:00', 'now') WHERE id = OLD.cooperative_id;
END;
CREATE TRIGGER industry_link_added_touches_cooperative AFTER INSERT ON cooperative_industry BEGIN
  UPDATE cooperative SET updated_at = strftime('%Y-%m-%dT%H:%M:%f+00:00', 'now') WHERE id = NEW.cooperative_id;
END;
CREATE TRIGGER industry_link_removed_touches_cooperative AFTER DELETE ON cooperative_industry BEGIN
  UPDATE cooperative SET updated_at = strftime('%Y-%m-%dT%H:%M:%f+00:00', 'now') WHERE id = OLD.cooperative_id;
END;
"#;

const SQLITE_DOWN: &str = r#"
DROP TRIGGER industry_link_removed_touches_cooperative;
DROP TRIGGER industry_link_added_touches_cooperative;
DROP TRIGGER offering_removed_touches_cooperative;
DROP TRIGGER offering_changed_touches_cooperative;
DROP TRIGGER offering_added_touches_cooperative;
DROP TRIGGER cooperative_touched;
DROP TRIGGER cooperative_inserted_at;
DROP INDEX idx_cooperative_updated_at_id;
ALTER TABLE cooperative DROP COLUMN updated_at;
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
