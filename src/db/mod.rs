//! Database access: connecting, migrating, first-start loading, and the
//! queries of each domain. sea-orm only: nothing here knows GraphQL.

pub mod account;

pub mod audit;
pub mod batch;
pub mod cooperative;
pub mod desk;
pub mod directory;
pub mod editing;
pub mod filter;
pub mod front_matter;
pub mod graph;
pub mod industry;
pub mod institution;
pub mod keyset;
pub mod knowledge;
pub mod lists;
pub mod local_government;
pub mod need;
pub mod network;
pub mod procurement;
pub mod programme;
pub mod project;
pub mod reference;
pub mod sample;
pub mod sample_knowledge;
pub mod search;
pub mod starter;
pub mod units;
pub mod write;

use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectOptions, Database, DatabaseConnection, DbErr};
use std::sync::{
    atomic::{AtomicU64, Ordering},
    Arc,
};

/// Counts SQL statements sent on a connection; exported on `/metrics` so that
/// tests and benchmarks can check that a query's statement count depends on its
/// shape, not on its page size. On request it also keeps the statements (the
/// plan test explains each statement a query sends; nothing else turns it on).
#[derive(Clone, Default, Debug)]
pub struct StatementCounter(Arc<AtomicU64>, Arc<Kept>);

/// The statements kept while `on` (checked first: a server that keeps none takes no lock).
#[derive(Default, Debug)]
struct Kept {
    on: std::sync::atomic::AtomicBool,
    statements: std::sync::Mutex<Vec<sea_orm::Statement>>,
}

impl StatementCounter {
    pub fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }

    /// Keeps every statement sent from now until [`StatementCounter::take`].
    pub fn record(&self) {
        if let Ok(mut kept) = self.1.statements.lock() {
            kept.clear();
        }
        self.1.on.store(true, Ordering::SeqCst);
    }

    /// The statements sent since [`StatementCounter::record`]; stops keeping them.
    pub fn take(&self) -> Vec<sea_orm::Statement> {
        self.1.on.store(false, Ordering::SeqCst);
        self.1
            .statements
            .lock()
            .map(|mut kept| std::mem::take(&mut *kept))
            .unwrap_or_default()
    }
}

/// Opens the pool and registers the statement counter.
pub async fn connect(
    url: &str,
    pool: u32,
) -> Result<(DatabaseConnection, StatementCounter), DbErr> {
    let mut opts = ConnectOptions::new(url.to_owned());
    // SQLite allows one writer at a time; more connections only add lock waits.
    let pool = if url.starts_with("sqlite:") {
        pool.min(4)
    } else {
        pool
    };
    opts.max_connections(pool)
        .min_connections(1)
        // A connection in steady use goes out as it is; one idle for a while is
        // pinged first (a restarted server or a proxy may have dropped it). sqlx's
        // default pings before every statement: a round trip more for each.
        .test_before_acquire_if_idle_for(std::time::Duration::from_secs(10))
        .sqlx_logging(false);
    let mut db = Database::connect(opts).await?;
    let counter = StatementCounter::default();
    let (c, kept) = (counter.0.clone(), counter.1.clone());
    db.set_metric_callback(move |info| {
        c.fetch_add(1, Ordering::Relaxed);
        if kept.on.load(Ordering::Relaxed) {
            if let Ok(mut kept) = kept.statements.lock() {
                kept.push(info.statement.clone());
            }
        }
    });
    Ok((db, counter))
}

pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbErr> {
    Migrator::up(db, None).await
}

/// An integer column's value, for generic code over entities.
pub(crate) fn int_value(v: sea_orm::Value) -> Option<i32> {
    match v {
        sea_orm::Value::Int(Some(i)) => Some(i),
        sea_orm::Value::BigInt(Some(i)) => i32::try_from(i).ok(),
        _ => None,
    }
}

/// The primary key column of `E` (every table here has one integer `id`).
pub(crate) fn id_column<E: sea_orm::EntityTrait>() -> crate::error::AppResult<E::Column> {
    use sea_orm::{Iterable, PrimaryKeyToColumn};
    E::PrimaryKey::iter()
        .next()
        .map(PrimaryKeyToColumn::into_column)
        .ok_or_else(|| crate::error::AppError::Internal("a table without a primary key".into()))
}

/// How many rows a table has (start-up uses it to tell an empty database).
pub async fn count_rows<E: sea_orm::EntityTrait>(db: &DatabaseConnection) -> Result<u64, DbErr>
where
    E::Model: Sync,
{
    use sea_orm::PaginatorTrait;
    E::find().count(db).await
}

/// How much of each parent's list a forward page loads: its first `n` rows, and how
/// many rows there are in all when `counted` (the page asks for `totalCount`). A
/// head holds one row more than the page shows, which tells whether a next page
/// exists (see `graphql::connection::head`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Head {
    pub n: u64,
    pub counted: bool,
}
