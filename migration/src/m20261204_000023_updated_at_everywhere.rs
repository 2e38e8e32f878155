//! When each remaining public record last changed (issue 18: `updatedAt` on every
//! public record, `updatedSince` on its lists, so that a partner syncs by asking
//! for what changed). Cooperatives (000017) and procurement examples (000022)
//! have it already; this adds institutions, needs, events and people. As there,
//! the database keeps it, whoever writes: on insert and on every update of the
//! row; an event also when a session of its programme is added, changed or
//! removed, since a partner's copy of an event shows its programme. Existing rows
//! get the migration's time (their real last change is not known).

use crate::execute_for;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const TABLES: [&str; 4] = ["institution", "need", "event", "person"];

/// The time as sea-orm writes it in SQLite: RFC 3339 text in UTC (see 000017).
const SQLITE_NOW: &str = "strftime('%Y-%m-%dT%H:%M:%f+00:00', 'now')";

fn postgres_up() -> String {
    let mut sql = String::from(
        "CREATE FUNCTION touch_updated_at() RETURNS trigger AS $$
BEGIN
  NEW.updated_at := now();
  RETURN NEW;
END $$ LANGUAGE plpgsql;
CREATE FUNCTION touch_event_of_session() RETURNS trigger AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN
    UPDATE event SET updated_at = now() WHERE id = OLD.event_id;
  END IF;
  IF TG_OP <> 'DELETE' THEN
    UPDATE event SET updated_at = now() WHERE id = NEW.event_id;
  END IF;
  RETURN NULL;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER session_touches_event AFTER INSERT OR UPDATE OR DELETE ON programme_session
  FOR EACH ROW EXECUTE FUNCTION touch_event_of_session();
",
    );
    for t in TABLES {
        sql.push_str(&format!(
            "ALTER TABLE {t} ADD COLUMN updated_at TIMESTAMPTZ NOT NULL DEFAULT now();
CREATE INDEX idx_{t}_updated_at_id ON {t} (updated_at, id);
CREATE TRIGGER {t}_touched BEFORE UPDATE ON {t} FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
"
        ));
    }
    sql
}

fn postgres_down() -> String {
    let mut sql = String::from(
        "DROP TRIGGER session_touches_event ON programme_session;
DROP FUNCTION touch_event_of_session();
",
    );
    for t in TABLES {
        sql.push_str(&format!(
            "DROP TRIGGER {t}_touched ON {t};
DROP INDEX idx_{t}_updated_at_id;
ALTER TABLE {t} DROP COLUMN updated_at;
"
        ));
    }
    sql.push_str("DROP FUNCTION touch_updated_at();\n");
    sql
}

fn sqlite_up() -> String {
    let now = SQLITE_NOW;
    let mut sql = String::new();
    for t in TABLES {
        sql.push_str(&format!(
            "ALTER TABLE {t} ADD COLUMN updated_at TEXT NULL;
UPDATE {t} SET updated_at = {now};
CREATE INDEX idx_{t}_updated_at_id ON {t} (updated_at, id);
CREATE TRIGGER {t}_inserted_at AFTER INSERT ON {t} BEGIN
  UPDATE {t} SET updated_at = {now} WHERE id = NEW.id;
END;
CREATE TRIGGER {t}_touched AFTER UPDATE ON {t} BEGIN
  UPDATE {t} SET updated_at = {now} WHERE id = NEW.id;
END;
"
        ));
    }
    sql.push_str(&format!(
        "CREATE TRIGGER session_added_touches_event AFTER INSERT ON programme_session BEGIN
  UPDATE event SET updated_at = {now} WHERE id = NEW.event_id;
END;
CREATE TRIGGER session_changed_touches_event AFTER UPDATE ON programme_session BEGIN
  UPDATE event SET updated_at = {now} WHERE id IN (OLD.event_id, NEW.event_id);
END;
CREATE TRIGGER session_removed_touches_event AFTER DELETE ON programme_session BEGIN
  UPDATE event SET updated_at = {now} WHERE id = OLD.event_id;
END;
"
    ));
    sql
}

fn sqlite_down() -> String {
    let mut sql = String::from(
        "DROP TRIGGER session_removed_touches_event;
DROP TRIGGER session_changed_touches_event;
DROP TRIGGER session_added_touches_event;
",
    );
    for t in TABLES {
        sql.push_str(&format!(
            "DROP TRIGGER {t}_touched;
DROP TRIGGER {t}_inserted_at;
DROP INDEX idx_{t}_updated_at_id;
ALTER TABLE {t} DROP COLUMN updated_at;
"
        ));
    }
    sql
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        execute_for(m, &postgres_up(), &sqlite_up()).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        execute_for(m, &postgres_down(), &sqlite_down()).await
    }
}
