//! The one Redis connection that budgets, the sign-in limiter, the response cache
//! and persisted documents share, with a breaker. A command that fails or does
//! not answer within [`TIMEOUT`] marks Redis as down for [`PAUSE`]: meanwhile
//! every caller takes its fallback at once (the in-process limiter, the
//! database) instead of each waiting for its own timeout, so a Redis outage
//! costs requests nothing but what the fallback costs. After the pause the
//! next command tries Redis again. Pub/sub (the bus) keeps its own connections.
//!
//! This module does not decide what a fallback is; each caller does.

use anyhow::Context as _;
use redis::aio::ConnectionManager;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The longest a command may take before Redis counts as down.
pub const TIMEOUT: Duration = Duration::from_millis(500);
/// How long Redis counts as down after a failure.
pub const PAUSE: Duration = Duration::from_secs(2);

/// Connects to Redis and checks it answers, so a wrong `REDIS_URL` fails at start-up, not later.
pub async fn connect(url: &str) -> anyhow::Result<ConnectionManager> {
    let client = redis::Client::open(url).context("REDIS_URL is not a valid Redis URL")?;
    let mut conn = tokio::time::timeout(
        std::time::Duration::from_secs(5),
        redis::aio::ConnectionManager::new(client),
    )
    .await
    .context("Redis did not answer within 5 s (check REDIS_URL)")?
    .context("cannot connect to Redis (check REDIS_URL)")?;
    let pong: String = redis::cmd("PING")
        .query_async(&mut conn)
        .await
        .context("Redis did not answer PING")?;
    anyhow::ensure!(pong == "PONG", "Redis answered PING with {pong}");
    Ok(conn)
}

#[derive(Clone)]
pub struct RedisLink {
    conn: ConnectionManager,
    /// When this link was made, and until when (ms after that) Redis counts as down.
    epoch: Instant,
    down_until_ms: Arc<AtomicU64>,
}

impl RedisLink {
    /// Runs one command of a cache-like store (persisted documents, cached answers),
    /// which may lose an entry but must never hold a request up: on any failure, or
    /// while Redis counts as down, the failure is counted in `failures`, logged with
    /// `what` (what happens instead), and None comes back.
    pub async fn query_or_count<T: redis::FromRedisValue>(
        &self,
        cmd: &redis::Cmd,
        failures: &AtomicU64,
        what: &str,
    ) -> Option<T> {
        let answer = self.query(cmd).await;
        if answer.is_none() {
            failures.fetch_add(1, Ordering::Relaxed);
            tracing::debug!("Redis unavailable: {what}");
        }
        answer
    }

    pub fn new(conn: ConnectionManager) -> RedisLink {
        RedisLink {
            conn,
            epoch: Instant::now(),
            down_until_ms: Arc::new(AtomicU64::new(0)),
        }
    }

    fn now_ms(&self) -> u64 {
        u64::try_from(self.epoch.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    /// Whether the last command found Redis down (and the pause has not passed).
    pub fn is_down(&self) -> bool {
        self.now_ms() < self.down_until_ms.load(Ordering::Acquire)
    }

    /// Runs `f` on the connection: None at once while Redis counts as down, and None
    /// (Redis then counts as down) when it fails or takes longer than [`TIMEOUT`].
    pub async fn run<T, F, Fut>(&self, f: F) -> Option<T>
    where
        F: FnOnce(ConnectionManager) -> Fut,
        Fut: Future<Output = redis::RedisResult<T>>,
    {
        if self.is_down() {
            return None;
        }
        match tokio::time::timeout(TIMEOUT, f(self.conn.clone())).await {
            Ok(Ok(v)) => {
                if self.down_until_ms.swap(0, Ordering::AcqRel) != 0 {
                    tracing::info!("Redis answers again");
                }
                Some(v)
            }
            failed => {
                let pause = u64::try_from(PAUSE.as_millis()).unwrap_or(2000);
                let was_up = self
                    .down_until_ms
                    .swap(self.now_ms() + pause, Ordering::AcqRel)
                    == 0;
                let why = match failed {
                    Ok(Err(e)) => e.to_string(),
                    _ => format!("no answer within {TIMEOUT:?}"),
                };
                if was_up {
                    tracing::warn!(%why, "Redis is not answering: falling back for {PAUSE:?} at a time");
                }
                None
            }
        }
    }

    /// One command.
    pub async fn query<T: redis::FromRedisValue>(&self, cmd: &redis::Cmd) -> Option<T> {
        self.run(|mut c| async move { cmd.query_async::<T>(&mut c).await })
            .await
    }

    /// Whether Redis answers a PING now (for `/ready`).
    pub async fn ping(&self) -> bool {
        self.query::<String>(&redis::cmd("PING"))
            .await
            .is_some_and(|p| p == "PONG")
    }
}
