//! The TERYT units (2,875 rows of reference data: voivodeships, powiaty, gminy)
//! held in each server's memory, so that a seat, a buyer, a parent chain or a
//! unit's children cost no statement. Almost every shape a partner sends reaches
//! units (a directory page's seats, a purchase's buyer → powiat → voivodeship, a
//! walk down the tree), and they change only when reference data is imported.
//!
//! Kept fresh by a number (`reference_version.generation`) that every import
//! raises in its own transaction ([`bump`]). A server reads the units once its
//! own start-up import (on an empty database) is done; it then reads the number
//! every [`WATCH_EVERY`] and the units again when another process (a replica, a
//! `coophub import reference` run) has moved it ([`Units::watch`],
//! [`Units::refresh`]). So a server answers with units at most that much older
//! than the database's.
//!
//! Nothing else writes `local_government` rows (migrations run before the first
//! read). The answers are the database's: every test of the API reads its units
//! through this table.

use entity::local_government::{self, Model};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, QueryOrder, Statement};
use std::collections::HashMap;
use std::sync::{Arc, RwLock, Weak};
use std::time::Duration;

/// How often a server asks whether another process has imported reference data.
pub const WATCH_EVERY: Duration = Duration::from_secs(5);

/// All units as read at one generation.
#[derive(Default)]
pub struct Table {
    generation: i64,
    rows: HashMap<i32, Model>,
    by_teryt: HashMap<String, i32>,
    /// Each unit's children's ids, by TERYT code (the order of `lists::CHILDREN`).
    children: HashMap<i32, Vec<i32>>,
}

impl Table {
    /// The unit with this id.
    pub fn unit(&self, id: i32) -> Option<&Model> {
        self.rows.get(&id)
    }

    /// The unit with this TERYT code.
    pub fn by_teryt(&self, teryt: &str) -> Option<&Model> {
        self.by_teryt.get(teryt).and_then(|id| self.rows.get(id))
    }

    /// The units whose TERYT code has `len` digits (2: voivodeships, 4: powiaty
    /// and cities with powiat rights, 7: gminy), by code.
    pub fn of_level(&self, len: usize) -> Vec<&Model> {
        let mut units: Vec<&Model> = self
            .rows
            .values()
            .filter(|u| u.teryt.len() == len)
            .collect();
        units.sort_unstable_by(|a, b| a.teryt.cmp(&b.teryt));
        units
    }

    /// The units directly below `id`, by TERYT code.
    pub fn children(&self, id: i32) -> impl Iterator<Item = &Model> {
        self.children
            .get(&id)
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .filter_map(|c| self.rows.get(c))
    }
}

/// The current [`Table`], replaced whole when reference data changes.
pub struct Units(RwLock<Arc<Table>>);

impl Units {
    /// Reads every unit.
    pub async fn load(db: &DatabaseConnection) -> Result<Arc<Units>, DbErr> {
        Ok(Arc::new(Units(RwLock::new(Arc::new(read(db).await?)))))
    }

    /// The table as it is now (a reader keeps it for its request).
    pub fn table(&self) -> Arc<Table> {
        self.0.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Reads the units again if their generation moved; true when it did.
    pub async fn refresh(&self, db: &DatabaseConnection) -> Result<bool, DbErr> {
        let now = generation(db).await?;
        if now == self.table().generation {
            return Ok(false);
        }
        let table = Arc::new(read(db).await?);
        *self.0.write().unwrap_or_else(|e| e.into_inner()) = table;
        Ok(true)
    }

    /// Asks every [`WATCH_EVERY`] whether the units changed, for as long as the
    /// server holds them. A failed read is logged and tried again next time.
    pub fn watch(self: &Arc<Self>, db: DatabaseConnection) {
        let units: Weak<Units> = Arc::downgrade(self);
        tokio::spawn(async move {
            let mut every = tokio::time::interval(WATCH_EVERY);
            every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            every.tick().await;
            loop {
                every.tick().await;
                let Some(units) = units.upgrade() else {
                    return;
                };
                match units.refresh(&db).await {
                    Ok(true) => tracing::info!("reference data changed: TERYT units read again"),
                    Ok(false) => {}
                    Err(e) => {
                        tracing::warn!(error = ?e, "cannot check the reference data's generation")
                    }
                }
            }
        });
    }
}

/// The generation of the reference data now in the database.
async fn generation<C: ConnectionTrait>(db: &C) -> Result<i64, DbErr> {
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT generation FROM reference_version WHERE id = 1",
        ))
        .await?;
    Ok(match row {
        Some(r) => r.try_get_by_index::<i64>(0)?,
        None => 0,
    })
}

/// Raises the generation: called by an import inside its transaction.
pub async fn bump<C: ConnectionTrait>(db: &C) -> Result<(), DbErr> {
    db.execute_raw(Statement::from_string(
        db.get_database_backend(),
        "UPDATE reference_version SET generation = generation + 1 WHERE id = 1",
    ))
    .await?;
    Ok(())
}

/// Every unit, with the generation read first: an import committed in between
/// leaves a newer generation than the table's, so the next check reads again.
async fn read(db: &DatabaseConnection) -> Result<Table, DbErr> {
    let generation = generation(db).await?;
    let all = local_government::Entity::find()
        .order_by_asc(local_government::Column::Teryt)
        .all(db)
        .await?;
    let mut t = Table {
        generation,
        ..Table::default()
    };
    for m in all {
        if let Some(p) = m.parent_id {
            t.children.entry(p).or_default().push(m.id);
        }
        t.by_teryt.insert(m.teryt.clone(), m.id);
        t.rows.insert(m.id, m);
    }
    Ok(t)
}
