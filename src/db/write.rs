//! Writes and what they change. Every write that the API makes runs in a
//! [`Write`]: a transaction that records, as it goes, which tables its statements
//! change (read off each statement it runs, so no write can forget one; hence which
//! cache domains, from the policy table) and which forum changes live feeds must
//! hear of. The record leaves only with the commit: a write that
//! fails, or is rolled back, announces nothing. After the commit the request
//! that made the writes takes the record ([`recording`]): the response cache
//! counts a write to those domains, and the bus carries the forum changes to
//! every instance (see `graphql::effects`).

use crate::bus::{ForumEvent, ForumEventKind};
use crate::policy::table::domain_of_table;
use crate::policy::Domain;
use entity::{post, thread};
use sea_orm::{DatabaseConnection, DatabaseTransaction};
use std::cell::RefCell;
use std::collections::BTreeSet;
use std::future::Future;
use std::sync::Mutex;

/// What committed writes changed.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Effects {
    /// The response cache's domains whose answers may have changed.
    pub domains: BTreeSet<Domain>,
    /// Forum changes for live feeds, in the order they were made.
    pub forum: Vec<ForumEvent>,
    /// Legal cases changed, for their live feeds.
    pub cases: Vec<i32>,
}

impl Effects {
    fn add(&mut self, other: Effects) {
        self.domains.extend(other.domains);
        self.forum.extend(other.forum);
        for c in other.cases {
            if !self.cases.contains(&c) {
                self.cases.push(c);
            }
        }
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
    /// Noted by statements, which run through `&self`.
    effects: Mutex<Effects>,
    /// Where the facts this write records came from, for its audit entries.
    source: Mutex<Option<Attribution>>,
}

/// Where the facts of a write came from: the kind of source and which one.
pub type Attribution = (entity::audit_entry::Source, Option<String>);

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
            effects: Mutex::new(Effects::default()),
            source: Mutex::new(None),
        })
    }

    /// Says where the facts this write records came from: its audit entries
    /// carry it (the provenance of each field).
    pub fn attribute(&self, source: entity::audit_entry::Source, note: Option<String>) {
        *self.source.lock().unwrap_or_else(|e| e.into_inner()) = Some((source, note));
    }

    /// The source [`Write::attribute`] set.
    pub fn attribution(&self) -> Option<Attribution> {
        self.source
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    fn effects(&self) -> std::sync::MutexGuard<'_, Effects> {
        // A statement that panicked while noting leaves a record still worth keeping.
        self.effects.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Notes what a statement run in this transaction changes: the domains of the
    /// tables it writes go stale. A table the policy table does not know, or a
    /// statement whose kind [`written_tables`] cannot read, stands for every domain.
    fn note(&self, sql: &str) {
        let mut effects = self.effects();
        let Some(tables) = written_tables(sql) else {
            tracing::error!(
                sql,
                "a statement in a write whose writes cannot be read off"
            );
            effects.domains.extend(Domain::ALL);
            return;
        };
        for table in tables {
            match domain_of_table(table) {
                Some(Some(d)) => {
                    effects.domains.insert(d);
                }
                Some(None) => {}
                None => {
                    tracing::error!(table, "a write to a table the policy table does not know");
                    effects.domains.extend(Domain::ALL);
                }
            }
        }
    }

    /// Notes a forum change for live feeds (its tables' domain comes with the
    /// statements that made it).
    pub fn announce(&self, kind: ForumEventKind, t: &thread::Model, p: &post::Model) {
        self.effects().forum.push(ForumEvent {
            nonce: fastrand::u64(..),
            kind,
            thread_id: t.id,
            post_id: Some(p.id),
            sector_id: t.sector_id,
            event_id: t.event_id,
            change_seq: (p.change_seq > 0).then_some(p.change_seq),
        });
    }

    /// Notes a change to a legal case for its live feed.
    pub fn announce_case(&self, case_id: i32) {
        let mut effects = self.effects();
        if !effects.cases.contains(&case_id) {
            effects.cases.push(case_id);
        }
    }

    /// Commits, then hands the record to the request being served.
    pub async fn commit(self) -> Result<(), sea_orm::DbErr> {
        let done = self.effects.into_inner().unwrap_or_else(|e| e.into_inner());
        self.txn.commit().await?;
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
        self.note(&stmt.sql);
        self.txn.execute_raw(stmt)
    }
    fn execute_unprepared<'a, 'b, 'c>(&'a self, sql: &'b str) -> Boxed<'c, sea_orm::ExecResult>
    where
        'a: 'c,
        'b: 'c,
        Self: 'c,
    {
        self.note(sql);
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
        self.note(&stmt.sql);
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
        self.note(&stmt.sql);
        self.txn.query_all_raw(stmt)
    }
    fn support_returning(&self) -> bool {
        self.txn.support_returning()
    }
    fn is_mock_connection(&self) -> bool {
        self.txn.is_mock_connection()
    }
}

/// The tables a statement writes, read off its text: the table after `INSERT INTO`,
/// `UPDATE` and `DELETE FROM`, quoted (as sea-query writes them) or not (as the
/// hand-written statements do), outside string literals. A statement that only
/// reads or steers the session writes none; None for a statement of a kind this
/// does not know.
pub fn written_tables(sql: &str) -> Option<Vec<&str>> {
    // Words: runs of letters, digits, `_` and `"` (a quoted name), literals skipped.
    let mut words: Vec<&str> = Vec::new();
    let bytes = sql.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'\'' {
            // A literal: to its closing quote ('' stays inside).
            i += 1;
            while i < bytes.len() {
                if bytes[i] == b'\'' {
                    if bytes.get(i + 1) == Some(&b'\'') {
                        i += 2;
                        continue;
                    }
                    break;
                }
                i += 1;
            }
            i += 1;
        } else if b.is_ascii_alphanumeric() || b == b'_' || b == b'"' {
            let start = i;
            while i < bytes.len()
                && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_' || bytes[i] == b'"')
            {
                i += 1;
            }
            words.push(sql.get(start..i).unwrap_or_default());
        } else {
            i += 1;
        }
    }
    let is = |w: &str, k: &str| w.eq_ignore_ascii_case(k);
    let first = *words.first()?;
    const READ_ONLY: [&str; 9] = [
        "SELECT",
        "ANALYZE",
        "PRAGMA",
        "SAVEPOINT",
        "RELEASE",
        "ROLLBACK",
        "SET",
        "SHOW",
        "EXPLAIN",
    ];
    if READ_ONLY.iter().any(|k| is(first, k)) {
        return Some(Vec::new());
    }
    if !["INSERT", "UPDATE", "DELETE", "WITH", "REPLACE"]
        .iter()
        .any(|k| is(first, k))
    {
        return None;
    }
    fn name(w: &str) -> Option<&str> {
        let w = w.trim_matches('"');
        (!w.is_empty()).then_some(w)
    }
    let mut out = Vec::new();
    for (k, w) in words.iter().enumerate() {
        let next = words.get(k + 1).copied();
        let table = if is(w, "INTO") {
            next
        } else if is(w, "DELETE") && next.is_some_and(|n| is(n, "FROM")) {
            words.get(k + 2).copied()
        } else if is(w, "UPDATE")
            // `FOR UPDATE` locks, `DO UPDATE SET` is an upsert's update of the INTO table.
            && !k.checked_sub(1).and_then(|p| words.get(p)).is_some_and(|p| is(p, "FOR") || is(p, "DO"))
        {
            next
        } else {
            None
        };
        if let Some(t) = table.and_then(name) {
            if !out.contains(&t) {
                out.push(t);
            }
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::written_tables;

    #[test]
    fn statements_name_the_tables_they_write() {
        let cases: [(&str, Option<&[&str]>); 11] = [
            (
                r#"INSERT INTO "post" ("thread_id", "body") VALUES ($1, $2) RETURNING "id""#,
                Some(&["post"]),
            ),
            (
                r#"UPDATE "cooperative" SET "name" = $1 WHERE "cooperative"."id" = $2"#,
                Some(&["cooperative"]),
            ),
            (
                r#"DELETE FROM "offering_area" WHERE "offering_id" = ?"#,
                Some(&["offering_area"]),
            ),
            (
                "DELETE FROM search_token WHERE kind = 'c'",
                Some(&["search_token"]),
            ),
            (
                r#"INSERT INTO "thread_read" ("user_id") VALUES ($1) ON CONFLICT ("user_id") DO UPDATE SET "at" = $2"#,
                Some(&["thread_read"]),
            ),
            (
                "INSERT INTO search_token (kind, token) SELECT 'c', name FROM cooperative",
                Some(&["search_token"]),
            ),
            (
                r#"SELECT "id" FROM "cooperative" WHERE "id" = $1 FOR UPDATE"#,
                Some(&[]),
            ),
            ("select 'DELETE FROM post'", Some(&[])),
            (
                "UPDATE thread SET title = 'INSERT INTO user_role' WHERE id = 1",
                Some(&["thread"]),
            ),
            (
                "WITH x AS (DELETE FROM session RETURNING 1) SELECT count(*) FROM x",
                Some(&["session"]),
            ),
            ("VACUUM", None),
        ];
        for (sql, want) in cases {
            assert_eq!(written_tables(sql).as_deref(), want, "{sql}");
        }
    }
}
