//! The GraphQL schema: roots merged from one module per domain, object types
//! wrapping entity models, DataLoaders, and the cost/depth/alias guard.

pub mod connection;
pub mod cost;
pub mod document;
pub mod documents;
pub mod effects;
pub mod exec;
pub mod loaders;
pub mod mutation;
pub mod node;
pub mod projection;
pub mod query;
pub mod response_cache;
pub mod subscription;
pub mod types;

use crate::auth::Viewer;
use crate::error::{AppError, AppResult};
use crate::limiter::{Limiter, Rule};
use async_graphql::dataloader::Loader;
use async_graphql::{Context, Schema};
use exec::batch::Load;
use sea_orm::DatabaseConnection;
use std::sync::Arc;

pub type CoopSchema =
    Schema<query::QueryRoot, mutation::MutationRoot, subscription::SubscriptionRoot>;

/// Request budgets: leaky buckets that each request's cost drains.
#[derive(Debug, Clone, Copy)]
pub struct Budgets {
    /// Per client address (anonymous) and per signed-in user.
    pub anonymous: Rule,
    /// Per partner API key.
    pub partner: Rule,
}

/// What the schema's resolvers need at run time.
pub struct SchemaDeps {
    pub db: DatabaseConnection,
    pub limiter: Arc<Limiter>,
    pub budgets: Budgets,
    /// Lifetime of new session tokens, in hours.
    pub session_hours: i64,
    /// Forum fan-out for live feeds.
    pub bus: crate::bus::Bus,
    /// Whole answers to public reads (None: switched off).
    pub response_cache: Option<Arc<crate::graphql::response_cache::ResponseCache>>,
    /// Resolve through the fast path (`exec`); false: async-graphql's stock resolution.
    pub fast_path: bool,
    /// Files attached to legal cases.
    pub attachments: Arc<dyn crate::attachments::Storage>,
}

/// Lifetime of new session tokens.
#[derive(Debug, Clone, Copy)]
pub struct SessionHours(pub i64);

/// Limits applied to every request before it executes.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_cost: usize,
    pub max_depth: usize,
    pub max_aliases: usize,
    /// Fields a document may select with its fragments expanded.
    pub max_selections: usize,
}

/// The schema's SDL (`schema.graphql`): the same whatever the limits.
pub fn sdl() -> String {
    let limits = Limits {
        max_cost: 1,
        max_depth: 1,
        max_aliases: 1,
        max_selections: 1,
    };
    build_schema(None, limits).sdl()
}

/// Builds the schema. With `deps = None` it serves only to print the SDL.
pub fn build_schema(deps: Option<SchemaDeps>, limits: Limits) -> CoopSchema {
    let roots = || {
        Schema::build(
            query::QueryRoot::default(),
            mutation::MutationRoot::default(),
            subscription::SubscriptionRoot,
        )
    };
    let mut b = roots().extension(cost::CostGuard::new(limits));
    if let Some(d) = deps {
        // Outermost but for the cost guard: its record spans the whole execution
        // (see `effects`).
        b = b.extension(effects::Effects {
            cache: d.response_cache.clone(),
            bus: d.bus.clone(),
        });
        // Inside the cost guard: a cached answer is still validated and charged.
        if let Some(c) = &d.response_cache {
            b = b.extension(crate::graphql::response_cache::CacheExtension(c.clone()));
        }
        let snapshots = Arc::new(subscription::Snapshots::default());
        let with_data = |b: async_graphql::SchemaBuilder<_, _, _>| {
            b.data(d.db.clone())
                .data(d.limiter.clone())
                .data(d.budgets)
                .data(d.bus.clone())
                .data(snapshots.clone())
                .data(SessionHours(d.session_hours))
                .data(d.attachments.clone())
        };
        if d.fast_path {
            // Innermost: a query the HTTP layer prepared runs on a twin without
            // extensions, which resolves each field without their per-field hooks.
            let twin = with_data(roots())
                .validation_mode(async_graphql::ValidationMode::Fast)
                .finish();
            b = with_data(b).extension(exec::handoff::HandOff(twin));
        } else {
            b = with_data(b).data(exec::Stock);
        }
    }
    b.finish()
}

static ANONYMOUS: Viewer = Viewer::Anonymous;

/// Who sends this request (set by the HTTP layer; anonymous when absent).
pub fn viewer<'a>(ctx: &Context<'a>) -> &'a Viewer {
    ctx.data_opt::<Viewer>().unwrap_or(&ANONYMOUS)
}

pub fn db<'a>(ctx: &Context<'a>) -> AppResult<&'a DatabaseConnection> {
    ctx.data::<DatabaseConnection>()
        .map_err(|_| AppError::Internal("no database in schema data".into()))
}

pub fn bus<'a>(ctx: &Context<'a>) -> AppResult<&'a crate::bus::Bus> {
    ctx.data::<crate::bus::Bus>()
        .map_err(|_| AppError::Internal("no bus in schema data".into()))
}

pub fn loaders<'a>(ctx: &Context<'a>) -> AppResult<&'a loaders::Loaders> {
    ctx.data::<loaders::Loaders>()
        .map_err(|_| AppError::Internal("no loaders in schema data".into()))
}

/// Loads rows by id through a loader and returns them in the order of `ids`.
pub async fn load_in_order<T, M>(
    loader: &Load<T>,
    ids: impl IntoIterator<Item = i32>,
) -> AppResult<Vec<M>>
where
    T: Loader<i32, Value = M, Error = AppError>,
{
    let ids: Vec<i32> = ids.into_iter().collect();
    let mut found = loader.load_many(ids.iter().copied()).await?;
    Ok(ids.iter().filter_map(|id| found.remove(id)).collect())
}

/// The local government unit a reference points at (none when it is empty), from
/// the units held in memory (`db::units`).
pub fn load_unit(
    ctx: &Context<'_>,
    id: Option<i32>,
) -> AppResult<Option<entity::local_government::Model>> {
    let l = loaders(ctx)?;
    Ok(id.and_then(|id| l.unit(id)))
}

/// The row an optional reference points at (none when the reference is empty).
pub async fn load_opt<T, M>(loader: &Load<T>, id: Option<i32>) -> AppResult<Option<M>>
where
    T: Loader<i32, Value = M, Error = AppError>,
{
    match id {
        Some(id) => loader.load_one(id).await,
        None => Ok(None),
    }
}

/// The list a loader holds behind an `Arc` for `key` (empty when it has none), taken
/// out without a copy when the caller is its only holder, as after a batch.
pub async fn load_list<T, K, V>(loader: &Load<T, K>, key: K) -> AppResult<V>
where
    T: Loader<K, Value = Arc<V>, Error = AppError>,
    K: Send + Sync + std::hash::Hash + Eq + Clone + 'static,
    V: Default + Clone + Send + Sync + 'static,
{
    Ok(loader
        .load_one(key)
        .await?
        .map(Arc::unwrap_or_clone)
        .unwrap_or_default())
}

/// A row another row points at; its absence breaks a foreign key, so it is an internal error.
pub fn required<T>(row: Option<T>, what: &str) -> AppResult<T> {
    row.ok_or_else(|| AppError::Internal(format!("dangling reference to {what}")))
}
