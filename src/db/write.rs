//! Writes and what they change. Every write that the API makes runs in a
//! [`Write`]: a transaction that records, as it goes, which tables it changed
//! (hence which cache domains, from the policy table) and which forum changes
//! live feeds must hear of. The record leaves only with the commit: a write that
//! fails, or is rolled back, announces nothing. After the commit the request
//! that made the writes takes the record ([`recording`]): the response cache
//! counts a write to those domains, and the bus carries the forum changes to
//! every instance (see `graphql::effects`).

use crate::bus::{ForumEvent, ForumEventKind};
use crate::policy::table::domain_of_table;
use crate::policy::Domain;
use entity::{post, thread};
use sea_orm::{DatabaseConnection, DatabaseTransaction, EntityTrait};
use std::cell::RefCell;
use std::collections::BTreeSet;
use std::future::Future;

/// What committed writes changed.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Effects {
    /// The response cache's domains whose answers may have changed.
    pub domains: BTreeSet<Domain>,
    /// Forum changes for live feeds, in the order they were made.
    pub forum: Vec<ForumEvent>,
}

impl Effects {
    fn add(&mut self, other: Effects) {
        self.domains.extend(other.domains);
        self.forum.extend(other.forum);
    }
}

tokio::task_local! {
    /// The record of the request being served: commits add to it.
    static RECORD: RefCell<Effects>;
}

/// Runs `f` (a request's execution) and returns what the writes it committed
/// changed. Outside it (the command line, start-up), commits keep no record.
pub async fn recording<T>(f: impl Future<Output = T>) -> (T, Effects) {
    RECORD
        .scope(RefCell::new(Effects::default()), async move {
            let out = f.await;
            let effects = RECORD.with(|r| std::mem::take(&mut *r.borrow_mut()));
            (out, effects)
        })
        .await
}

/// A write transaction with its record (see the module's documentation). On
/// SQLite it takes the write lock at BEGIN (IMMEDIATE), so two writers queue
/// instead of both reading and then failing to upgrade their locks ("database is
/// locked"); PostgreSQL ignores the option.
pub struct Write {
    txn: DatabaseTransaction,
    effects: Effects,
}

impl std::ops::Deref for Write {
    type Target = DatabaseTransaction;
    fn deref(&self) -> &DatabaseTransaction {
        &self.txn
    }
}

impl Write {
    pub async fn begin(db: &DatabaseConnection) -> Result<Write, sea_orm::DbErr> {
        use sea_orm::{SqliteTransactionMode, TransactionOptions, TransactionTrait};
        let txn = db
            .begin_with_options(TransactionOptions {
                sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
                ..Default::default()
            })
            .await?;
        Ok(Write {
            txn,
            effects: Effects::default(),
        })
    }

    /// Notes a change to `E`'s table: its domain's cached answers go stale. A table
    /// the policy table does not know stands for every domain.
    pub fn changed<E: EntityTrait>(&mut self) {
        let table = E::default().table_name();
        match domain_of_table(table) {
            Some(Some(d)) => {
                self.effects.domains.insert(d);
            }
            Some(None) => {}
            None => {
                tracing::error!(table, "a write to a table the policy table does not know");
                self.effects.domains.extend(Domain::ALL);
            }
        }
    }

    /// Notes a forum change for live feeds (and its tables' domain).
    pub fn announce(&mut self, kind: ForumEventKind, t: &thread::Model, p: &post::Model) {
        self.changed::<thread::Entity>();
        self.changed::<post::Entity>();
        self.effects.forum.push(ForumEvent {
            nonce: fastrand::u64(..),
            kind,
            thread_id: t.id,
            post_id: Some(p.id),
            sector_id: t.sector_id,
            event_id: t.event_id,
            change_seq: (p.change_seq > 0).then_some(p.change_seq),
        });
    }

    /// Commits, then hands the record to the request being served.
    pub async fn commit(self) -> Result<(), sea_orm::DbErr> {
        self.txn.commit().await?;
        let done = self.effects;
        // Outside a request (the command line) there is no record to add to.
        let _ = RECORD.try_with(|r| r.borrow_mut().add(done));
        Ok(())
    }
}

type Boxed<'a, T> = std::pin::Pin<Box<dyn Future<Output = Result<T, sea_orm::DbErr>> + Send + 'a>>;

/// A [`Write`] runs statements as its transaction does (sea-orm's `ConnectionTrait`
/// is an `async_trait`: these are its methods written out).
impl sea_orm::ConnectionTrait for Write {
    fn get_database_backend(&self) -> sea_orm::DbBackend {
        self.txn.get_database_backend()
    }
    fn execute_raw<'a, 'b>(&'a self, stmt: sea_orm::Statement) -> Boxed<'b, sea_orm::ExecResult>
    where
        'a: 'b,
        Self: 'b,
    {
        self.txn.execute_raw(stmt)
    }
    fn execute_unprepared<'a, 'b, 'c>(&'a self, sql: &'b str) -> Boxed<'c, sea_orm::ExecResult>
    where
        'a: 'c,
        'b: 'c,
        Self: 'c,
    {
        self.txn.execute_unprepared(sql)
    }
    fn query_one_raw<'a, 'b>(
        &'a self,
        stmt: sea_orm::Statement,
    ) -> Boxed<'b, Option<sea_orm::QueryResult>>
    where
        'a: 'b,
        Self: 'b,
    {
        self.txn.query_one_raw(stmt)
    }
    fn query_all_raw<'a, 'b>(
        &'a self,
        stmt: sea_orm::Statement,
    ) -> Boxed<'b, Vec<sea_orm::QueryResult>>
    where
        'a: 'b,
        Self: 'b,
    {
        self.txn.query_all_raw(stmt)
    }
    fn support_returning(&self) -> bool {
        self.txn.support_returning()
    }
    fn is_mock_connection(&self) -> bool {
        self.txn.is_mock_connection()
    }
}
