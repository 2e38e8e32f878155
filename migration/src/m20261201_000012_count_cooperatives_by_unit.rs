//! The number of cooperatives in every TERYT unit (gmina, powiat, voivodeship),
//! kept by the database itself: a unit's page shows it on every request, and
//! counting Kraków's 2,051 cooperatives cost PostgreSQL a quarter of the page's
//! time. Triggers keep `unit_tally` exact in the same transaction as every
//! insert, delete, move to another seat and truncate, whoever writes them (the
//! API, imports, `seed sample`, or SQL by hand). A unit without cooperatives may
//! have no row (read as 0).

use crate::execute_for;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Every unit a seat code lies in: the gmina itself, its powiat, its voivodeship.
const BACKFILL: &str = r#"
INSERT INTO unit_tally (teryt, cooperatives)
  SELECT u, COUNT(*) FROM (
    SELECT seat_teryt AS u FROM cooperative
    UNION ALL SELECT substr(seat_teryt, 1, 4) FROM cooperative
    UNION ALL SELECT substr(seat_teryt, 1, 2) FROM cooperative) s
  GROUP BY u;
"#;

const POSTGRES_UP: &str = r#"
CREATE TABLE unit_tally (teryt VARCHAR(7) COLLATE "C" PRIMARY KEY, cooperatives BIGINT NOT NULL);
CREATE FUNCTION tally_cooperatives_by_unit() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- Units are changed in code order, so concurrent writers lock them in one order.
  IF TG_OP = 'TRUNCATE' THEN
    DELETE FROM unit_tally;
  ELSIF TG_OP = 'INSERT' THEN
    INSERT INTO unit_tally AS t (teryt, cooperatives)
      SELECT u, COUNT(*) FROM new_rows,
        LATERAL (VALUES (seat_teryt), (substr(seat_teryt, 1, 4)), (substr(seat_teryt, 1, 2))) v(u)
      GROUP BY u ORDER BY u
      ON CONFLICT (teryt) DO UPDATE SET cooperatives = t.cooperatives + EXCLUDED.cooperatives;
  ELSIF TG_OP = 'DELETE' THEN
    UPDATE unit_tally t SET cooperatives = t.cooperatives - d.n
      FROM (SELECT u, COUNT(*) AS n FROM old_rows,
              LATERAL (VALUES (seat_teryt), (substr(seat_teryt, 1, 4)), (substr(seat_teryt, 1, 2))) v(u)
            GROUP BY u) d
      WHERE t.teryt = d.u;
  ELSE
    -- An update moves a cooperative whose seat changed from one set of units to another.
    INSERT INTO unit_tally AS t (teryt, cooperatives)
      SELECT u, SUM(delta) FROM (
          SELECT n.seat_teryt AS seat, 1 AS delta FROM new_rows n JOIN old_rows o ON o.id = n.id
            WHERE o.seat_teryt <> n.seat_teryt
          UNION ALL
          SELECT o.seat_teryt, -1 FROM new_rows n JOIN old_rows o ON o.id = n.id
            WHERE o.seat_teryt <> n.seat_teryt) c,
        LATERAL (VALUES (seat), (substr(seat, 1, 4)), (substr(seat, 1, 2))) v(u)
      GROUP BY u ORDER BY u
      ON CONFLICT (teryt) DO UPDATE SET cooperatives = t.cooperatives + EXCLUDED.cooperatives;
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER tally_units_inserted AFTER INSERT ON cooperative
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION tally_cooperatives_by_unit();
CREATE TRIGGER tally_units_deleted AFTER DELETE ON cooperative
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION tally_cooperatives_by_unit();
CREATE TRIGGER tally_units_moved AFTER UPDATE ON cooperative
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION tally_cooperatives_by_unit();
CREATE TRIGGER tally_units_truncated AFTER TRUNCATE ON cooperative
  FOR EACH STATEMENT EXECUTE FUNCTION tally_cooperatives_by_unit();
"#;

const POSTGRES_DOWN: &str = r#"
DROP TRIGGER tally_units_truncated ON cooperative;
DROP TRIGGER tally_units_moved ON cooperative;
DROP TRIGGER tally_units_deleted ON cooperative;
DROP TRIGGER tally_units_inserted ON cooperative;
DROP FUNCTION tally_cooperatives_by_unit();
DROP TABLE unit_tally;
"#;

/// SQLite has row triggers only (and no TRUNCATE). The three units of a seat have
/// codes of three lengths, so `IN` names each once.
const SQLITE_UP: &str = r#"
CREATE TABLE unit_tally (teryt VARCHAR(7) PRIMARY KEY, cooperatives BIGINT NOT NULL);
CREATE TRIGGER tally_units_inserted AFTER INSERT ON cooperative BEGIN
  INSERT OR IGNORE INTO unit_tally (teryt, cooperatives) VALUES
    (NEW.seat_teryt, 0), (substr(NEW.seat_teryt, 1, 4), 0), (substr(NEW.seat_teryt, 1, 2), 0);
  UPDATE unit_tally SET cooperatives = cooperatives + 1
    WHERE teryt IN (NEW.seat_teryt, substr(NEW.seat_teryt, 1, 4), substr(NEW.seat_teryt, 1, 2));
END;
CREATE TRIGGER tally_units_deleted AFTER DELETE ON cooperative BEGIN
  UPDATE unit_tally SET cooperatives = cooperatives - 1
    WHERE teryt IN (OLD.seat_teryt, substr(OLD.seat_teryt, 1, 4), substr(OLD.seat_teryt, 1, 2));
END;
CREATE TRIGGER tally_units_moved AFTER UPDATE OF seat_teryt ON cooperative
  WHEN OLD.seat_teryt <> NEW.seat_teryt BEGIN
  UPDATE unit_tally SET cooperatives = cooperatives - 1
    WHERE teryt IN (OLD.seat_teryt, substr(OLD.seat_teryt, 1, 4), substr(OLD.seat_teryt, 1, 2));
  INSERT OR IGNORE INTO unit_tally (teryt, cooperatives) VALUES
    (NEW.seat_teryt, 0), (substr(NEW.seat_teryt, 1, 4), 0), (substr(NEW.seat_teryt, 1, 2), 0);
  UPDATE unit_tally SET cooperatives = cooperatives + 1
    WHERE teryt IN (NEW.seat_teryt, substr(NEW.seat_teryt, 1, 4), substr(NEW.seat_teryt, 1, 2));
END;
"#;

const SQLITE_DOWN: &str = r#"
DROP TRIGGER tally_units_moved;
DROP TRIGGER tally_units_deleted;
DROP TRIGGER tally_units_inserted;
DROP TABLE unit_tally;
"#;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        execute_for(m, POSTGRES_UP, SQLITE_UP).await?;
        m.get_connection()
            .execute_unprepared(BACKFILL)
            .await
            .map(drop)
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        execute_for(m, POSTGRES_DOWN, SQLITE_DOWN).await
    }
}
