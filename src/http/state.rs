//! Shared state of a running server.

use crate::db::StatementCounter;
use crate::graphql::CoopSchema;
use sea_orm::DatabaseConnection;
use std::sync::Arc;

#[derive(Clone)]
pub struct AppState {
    pub schema: CoopSchema,
    pub db: DatabaseConnection,
    /// The TERYT units in memory, kept fresh (`db::units`).
    pub units: Arc<crate::db::units::Units>,
    pub statements: StatementCounter,
    pub request_timeout_ms: u64,
    /// How long a DataLoader batch waits for keys from later steps of its request.
    pub loader_delay: std::time::Duration,
    /// Shared Redis connection when `REDIS_URL` is set; checked at start-up.
    pub redis: Option<crate::redis_link::RedisLink>,
    /// How long a WebSocket client has to send `connection_init`.
    pub ws_init_timeout: std::time::Duration,
    /// Whole answers to public reads; None when switched off.
    pub response_cache: Option<std::sync::Arc<crate::graphql::response_cache::ResponseCache>>,
    /// Longest max-age of a public answer, in seconds.
    pub http_max_age: u32,
    /// Documents parsed recently, by their text.
    pub documents: std::sync::Arc<crate::graphql::documents::Documents>,
    /// Persisted (and, in allow-list mode, the only allowed) documents.
    pub persisted: std::sync::Arc<crate::http::persisted::PersistedQueries>,
    /// Messages that may wait for one WebSocket client before it is dropped.
    pub ws_buffer: usize,
    /// WebSocket clients dropped because they stopped reading.
    pub ws_slow_drops: std::sync::Arc<std::sync::atomic::AtomicU64>,
    /// Identical anonymous subscriptions, run once per instance.
    pub shared: std::sync::Arc<crate::http::shared::SharedFeeds>,
    /// Queries execute on the fast path's twin schema (`graphql::exec`).
    pub fast_path: bool,
    /// Reverse proxies whose forwarding headers are believed (`COOPHUB_TRUSTED_PROXIES`).
    pub trusted_proxies: crate::http::origin::TrustedProxies,
    /// Forum fan-out (its counters go to `/metrics`).
    pub bus: crate::bus::Bus,
    /// Set when the server shuts down: every WebSocket closes with 1001. Each open
    /// socket holds a receiver, so `closed()` tells when the last has gone.
    pub shutdown: std::sync::Arc<tokio::sync::watch::Sender<bool>>,
    /// The request budgets (the schema's own), which the HTTP files drain too.
    pub limiter: std::sync::Arc<crate::limiter::Limiter>,
    pub budgets: crate::graphql::Budgets,
    /// Cost points one file of a whole dataset takes from its sender's budget:
    /// the largest cost one GraphQL request may have (`COOPHUB_MAX_COST`).
    pub file_cost: f64,
    /// `COOPHUB_PUBLIC_URL`: the base of absolute links in open-data profiles.
    pub public_url: String,
    /// `COOPHUB_CORS_ORIGINS`: origins whose pages may call the API.
    pub cors_origins: Arc<[String]>,
    /// `COOPHUB_WIDGET_ORIGINS`: the CSP's `frame-ancestors` of the widget.
    pub widget_frame_ancestors: Arc<str>,
}
