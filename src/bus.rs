//! Forum fan-out: what a write publishes, and what live subscriptions receive.
//!
//! Topics are per thread (`thread:<id>`) and per board (`board:general`,
//! `board:sector:<id>`, `board:event:<id>`, `board:all`). Without Redis, a publish goes
//! straight to this process's subscribers. With Redis, every instance holds
//! exactly one pub/sub connection (one `PSUBSCRIBE <ns>:forum:*`, not one per
//! subscriber) and hands each message to its own subscribers; publishing goes
//! through a queue that retries until Redis takes the message, so a write never
//! waits for Redis and a message is not dropped while Redis restarts.
//!
//! After the pub/sub connection is (re)established, the bus bumps its
//! generation; live `postAdded` streams then re-read their thread from the
//! database, so posts written while the connection was down still arrive.
//!
//! The bus also carries [`Revocation`]s (channel `<ns>:auth:revoked`): a
//! credential that ended (sign-out, password reset, account deletion, a role
//! taken away, a partner key revoked or rotated). Every instance's open
//! WebSockets that use it close (see `http::ws`).

use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{broadcast, mpsc, watch};

/// Messages a topic buffers for a subscriber that has not read them yet; one that
/// falls further behind is dropped (it stopped reading), and nobody else waits.
pub const SUBSCRIBER_BUFFER: usize = 256;

/// What changed in the forum. Subscribers load what it names under their own
/// visibility rules; the message itself carries no content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ForumEvent {
    /// Tells this event from any other (instances load what it names once, by it).
    pub nonce: u64,
    pub kind: ForumEventKind,
    pub thread_id: i32,
    pub post_id: Option<i32>,
    pub sector_id: Option<i32>,
    pub event_id: Option<i32>,
    /// A post change's place in its thread's sequence of changes (feeds catch up by it).
    #[serde(default)]
    pub change_seq: Option<i32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ForumEventKind {
    ThreadCreated,
    PostAdded,
    PostEdited,
    PostHidden,
    PostRestored,
    PostDeleted,
}

impl ForumEvent {
    /// The topics it goes to: its thread's, its board's, and every board's.
    pub fn topics(&self) -> [String; 3] {
        [
            format!("thread:{}", self.thread_id),
            board_topic(self.sector_id, self.event_id),
            ALL_BOARDS.to_owned(),
        ]
    }
}

/// A legal case changed: its feed reloads it under each subscriber's viewer
/// (`policy::case_visible`); the message names the case only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseEvent {
    pub nonce: u64,
    pub case_id: i32,
}

impl CaseEvent {
    fn topic(&self) -> String {
        case_topic(self.case_id)
    }
}

/// The topic of one legal case.
pub fn case_topic(case_id: i32) -> String {
    format!("case:{case_id}")
}

/// A credential that stopped being valid, or a user whose rights changed. It names
/// only hashes and ids, never a token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Revocation {
    /// One session (by its token's hash): signed out.
    Session(String),
    /// Every session of a user: password reset, account deleted, a role taken away.
    User(i32),
    /// A partner key: revoked, or its secret rotated.
    ApiKey(i32),
}

/// Revocations buffered for a WebSocket that has not read them yet; one that falls
/// behind re-checks its credential in the database instead.
const REVOCATION_BUFFER: usize = 1024;

/// What goes out to Redis, in order.
enum Outgoing {
    Forum(ForumEvent),
    Case(CaseEvent),
    Revocation(Revocation),
}

/// The topic of every board's activity.
pub const ALL_BOARDS: &str = "board:all";

/// The topic of a board: a sector's, an event's, or the general board.
pub fn board_topic(sector_id: Option<i32>, event_id: Option<i32>) -> String {
    match (sector_id, event_id) {
        (Some(s), _) => format!("board:sector:{s}"),
        (None, Some(e)) => format!("board:event:{e}"),
        (None, None) => "board:general".to_owned(),
    }
}

/// This process's subscribers, by topic.
struct Local<E = ForumEvent> {
    topics: Mutex<HashMap<String, broadcast::Sender<E>>>,
}

impl<E> Default for Local<E> {
    fn default() -> Self {
        Local {
            topics: Mutex::new(HashMap::new()),
        }
    }
}

impl<E: Clone> Local<E> {
    fn subscribe(&self, topic: &str) -> broadcast::Receiver<E> {
        let mut topics = self.topics.lock().unwrap_or_else(|e| e.into_inner());
        topics
            .entry(topic.to_owned())
            .or_insert_with(|| broadcast::channel(SUBSCRIBER_BUFFER).0)
            .subscribe()
    }

    fn deliver(&self, topic: &str, ev: E) {
        let mut topics = self.topics.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(tx) = topics.get(topic) {
            if tx.send(ev).is_err() {
                // Its last subscriber has gone.
                topics.remove(topic);
            }
        }
    }
}

/// Counters for `/metrics`.
#[derive(Default)]
pub struct BusStats {
    pub connected: AtomicBool,
    pub reconnects: AtomicU64,
    pub publish_failures: AtomicU64,
}

#[derive(Clone)]
pub struct Bus {
    local: Arc<Local>,
    cases: Arc<Local<CaseEvent>>,
    revocations: broadcast::Sender<Revocation>,
    outbox: Option<mpsc::UnboundedSender<Outgoing>>,
    generation: watch::Receiver<u64>,
    /// In-process only: keeps the generation open (it never changes).
    _fixed: Option<Arc<watch::Sender<u64>>>,
    pub stats: Arc<BusStats>,
}

impl Bus {
    /// In-process only.
    pub fn local() -> Bus {
        let (fixed, generation) = watch::channel(0);
        Bus {
            local: Arc::default(),
            cases: Arc::default(),
            revocations: broadcast::channel(REVOCATION_BUFFER).0,
            outbox: None,
            generation,
            _fixed: Some(Arc::new(fixed)),
            stats: Arc::new(BusStats {
                connected: AtomicBool::new(true),
                ..Default::default()
            }),
        }
    }

    /// Shared by every instance through Redis at `url`, on channels
    /// `<namespace>:forum:<topic>` and `<namespace>:auth:revoked`.
    pub fn redis(url: &str, namespace: &str) -> anyhow::Result<Bus> {
        let client = redis::Client::open(url)?;
        let channels = Channels {
            forum: format!("{namespace}:forum:"),
            desk: format!("{namespace}:desk:"),
            revoked: format!("{namespace}:auth:revoked"),
        };
        let local = Arc::new(Local::default());
        let cases = Arc::new(Local::default());
        let revocations = broadcast::channel(REVOCATION_BUFFER).0;
        let stats = Arc::new(BusStats::default());
        let (gen_tx, generation) = watch::channel(0);
        tokio::spawn(listen(
            client.clone(),
            channels.clone(),
            local.clone(),
            cases.clone(),
            revocations.clone(),
            stats.clone(),
            gen_tx,
        ));
        let (outbox, rx) = mpsc::unbounded_channel();
        tokio::spawn(publish_loop(client, channels, rx, stats.clone()));
        Ok(Bus {
            local,
            cases,
            revocations,
            outbox: Some(outbox),
            generation,
            _fixed: None,
            stats,
        })
    }

    /// Sends a message to every instance: through Redis, or straight to this one's
    /// receivers when there is no Redis.
    fn send(&self, out: Outgoing) {
        match (&self.outbox, out) {
            (Some(tx), out) => {
                if tx.send(out).is_err() {
                    tracing::error!("the Redis publisher has stopped");
                }
            }
            (None, Outgoing::Forum(ev)) => {
                for t in ev.topics() {
                    self.local.deliver(&t, ev);
                }
            }
            (None, Outgoing::Case(ev)) => self.cases.deliver(&ev.topic(), ev),
            (None, Outgoing::Revocation(r)) => {
                // An error only says that no WebSocket is open: nobody to tell.
                let _ = self.revocations.send(r);
            }
        }
    }

    /// Announces a change to every instance's subscribers.
    pub fn publish(&self, ev: ForumEvent) {
        self.send(Outgoing::Forum(ev));
    }

    /// Announces a change to a legal case to its feeds on every instance.
    pub fn publish_case(&self, case_id: i32) {
        self.send(Outgoing::Case(CaseEvent {
            nonce: fastrand::u64(..),
            case_id,
        }));
    }

    /// Receives the changes to one legal case from now on.
    pub fn subscribe_case(&self, case_id: i32) -> broadcast::Receiver<CaseEvent> {
        self.cases.subscribe(&case_topic(case_id))
    }

    /// Tells every instance that a credential ended (call it after the change is committed).
    pub fn revoke(&self, r: Revocation) {
        self.send(Outgoing::Revocation(r));
    }

    /// Receives the revocations published from now on, from every instance.
    pub fn revocations(&self) -> broadcast::Receiver<Revocation> {
        self.revocations.subscribe()
    }

    /// Receives what is published on `topic` from now on.
    pub fn subscribe(&self, topic: &str) -> broadcast::Receiver<ForumEvent> {
        self.local.subscribe(topic)
    }

    /// Changes each time the pub/sub connection is (re)established.
    pub fn generation(&self) -> watch::Receiver<u64> {
        self.generation.clone()
    }
}

/// Backoff between attempts to reach Redis again: 50 ms doubling to 1 s.
fn backoff(attempt: u32) -> Duration {
    Duration::from_millis((50u64 << attempt.min(5)).min(1000))
}

/// The Redis channels of one deployment.
#[derive(Clone)]
struct Channels {
    /// Prefix of the forum's topics.
    forum: String,
    /// Prefix of the legal desk's topics (one per case).
    desk: String,
    /// The channel of revocations.
    revoked: String,
}

async fn listen(
    client: redis::Client,
    channels: Channels,
    local: Arc<Local>,
    cases: Arc<Local<CaseEvent>>,
    revocations: broadcast::Sender<Revocation>,
    stats: Arc<BusStats>,
    generation: watch::Sender<u64>,
) {
    use futures_util::StreamExt;
    let prefix = &channels.forum;
    let mut attempt = 0;
    loop {
        let connected = async {
            let mut ps = client.get_async_pubsub().await?;
            ps.psubscribe(format!("{prefix}*")).await?;
            ps.psubscribe(format!("{}*", channels.desk)).await?;
            ps.subscribe(&channels.revoked).await?;
            Ok::<_, redis::RedisError>(ps)
        }
        .await;
        match connected {
            Ok(ps) => {
                let since = tokio::time::Instant::now();
                stats.connected.store(true, Ordering::Release);
                generation.send_modify(|g| *g += 1);
                tracing::info!("forum pub/sub connected to Redis");
                let mut messages = ps.into_on_message();
                while let Some(msg) = messages.next().await {
                    if since.elapsed() > Duration::from_secs(10) {
                        // Stable for a while: the next loss starts the backoff afresh.
                        attempt = 0;
                    }
                    if msg.get_channel_name() == channels.revoked {
                        match msg
                            .get_payload::<String>()
                            .ok()
                            .and_then(|p| serde_json::from_str::<Revocation>(&p).ok())
                        {
                            Some(r) => {
                                let _ = revocations.send(r);
                            }
                            None => tracing::warn!("unreadable revocation message"),
                        }
                        continue;
                    }
                    if let Some(topic) = msg.get_channel_name().strip_prefix(channels.desk.as_str())
                    {
                        match msg
                            .get_payload::<String>()
                            .ok()
                            .and_then(|p| serde_json::from_str::<CaseEvent>(&p).ok())
                        {
                            Some(ev) => cases.deliver(topic, ev),
                            None => tracing::warn!("unreadable desk message"),
                        }
                        continue;
                    }
                    let topic = msg.get_channel_name().strip_prefix(prefix.as_str());
                    let ev = msg
                        .get_payload::<String>()
                        .ok()
                        .and_then(|p| serde_json::from_str::<ForumEvent>(&p).ok());
                    match (topic, ev) {
                        (Some(t), Some(ev)) => local.deliver(t, ev),
                        _ => tracing::warn!(
                            channel = msg.get_channel_name(),
                            "unreadable forum message"
                        ),
                    }
                }
                stats.connected.store(false, Ordering::Release);
                stats.reconnects.fetch_add(1, Ordering::Relaxed);
                tracing::warn!("forum pub/sub lost its Redis connection; reconnecting");
                // Never a tight loop, even if Redis drops us right after each subscribe.
                tokio::time::sleep(backoff(attempt)).await;
                attempt += 1;
            }
            Err(e) => {
                tracing::warn!(error = %e, "forum pub/sub cannot reach Redis");
                tokio::time::sleep(backoff(attempt)).await;
                attempt += 1;
            }
        }
        if generation.is_closed() {
            // Every Bus handle is gone: the server stopped.
            return;
        }
    }
}

async fn publish_loop(
    client: redis::Client,
    channels: Channels,
    mut rx: mpsc::UnboundedReceiver<Outgoing>,
    stats: Arc<BusStats>,
) {
    let mut conn: Option<redis::aio::MultiplexedConnection> = None;
    while let Some(out) = rx.recv().await {
        let (targets, payload) = match &out {
            Outgoing::Forum(ev) => (
                ev.topics()
                    .iter()
                    .map(|t| format!("{}{t}", channels.forum))
                    .collect::<Vec<_>>(),
                serde_json::to_string(ev),
            ),
            Outgoing::Case(ev) => (
                vec![format!("{}{}", channels.desk, ev.topic())],
                serde_json::to_string(ev),
            ),
            Outgoing::Revocation(r) => (vec![channels.revoked.clone()], serde_json::to_string(r)),
        };
        let Ok(payload) = payload else {
            continue;
        };
        let mut attempt = 0;
        // Retry until Redis takes it: order is kept, and the writer never waited.
        loop {
            if conn.is_none() {
                conn = client.get_multiplexed_async_connection().await.ok();
            }
            if let Some(c) = conn.as_mut() {
                let mut pipe = redis::pipe();
                for t in &targets {
                    pipe.cmd("PUBLISH").arg(t).arg(&payload).ignore();
                }
                match pipe.query_async::<()>(c).await {
                    Ok(()) => break,
                    Err(e) => {
                        tracing::warn!(error = %e, "publishing a forum event to Redis failed; retrying");
                        conn = None;
                    }
                }
            }
            stats.publish_failures.fetch_add(1, Ordering::Relaxed);
            tokio::time::sleep(backoff(attempt)).await;
            attempt += 1;
        }
    }
}
