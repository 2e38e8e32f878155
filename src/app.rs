//! Start-up: connect, migrate, load data on first start, check Redis, build
//! the router. Tests and `serve` share this path, so what is tested is what runs.

use crate::config::Config;
use crate::db::{self, reference, sample};
use crate::graphql::{build_schema, Budgets, Limits, SchemaDeps};
use crate::http::state::AppState;
use crate::limiter::{Limiter, Rule};
use anyhow::{Context, Result};
use entity::{cooperative, local_government};
use sea_orm::{ConnectionTrait, DatabaseConnection};
use std::sync::Arc;

impl Config {
    pub fn limits(&self) -> Limits {
        Limits {
            max_cost: self.max_cost,
            max_depth: self.max_depth,
            max_aliases: self.max_aliases,
            max_selections: self.max_selections,
        }
    }

    pub fn budgets(&self) -> Budgets {
        Budgets {
            anonymous: Rule {
                capacity: self.budget_anonymous,
                rate: self.budget_anonymous_rate,
            },
            partner: Rule {
                capacity: self.budget_partner,
                rate: self.budget_partner_rate,
            },
        }
    }
}

/// Connects and migrates.
pub async fn open_database(config: &Config) -> Result<(DatabaseConnection, db::StatementCounter)> {
    let (conn, counter) = db::connect(config.database_url.expose(), config.db_pool)
        .await
        .context("cannot open the database (check DATABASE_URL)")?;
    db::migrate(&conn).await.context("migrating the database")?;
    // A database whose index is empty (from before the index, or emptied by a
    // migration that changed what it holds): build it once, before any command
    // writes to it (a write indexes only its own records).
    let indexed = conn
        .query_one_raw(sea_orm::Statement::from_string(
            conn.get_database_backend(),
            "SELECT 1 AS x FROM search_token LIMIT 1",
        ))
        .await?
        .is_some();
    if !indexed && db::count_rows::<local_government::Entity>(&conn).await? > 0 {
        tracing::info!("building the search index");
        db::search::reindex_all(&conn).await?;
    }
    Ok((conn, counter))
}

/// On an empty database: imports the reference data and, if configured (the
/// default for the embedded SQLite setup), the sample data. Later starts reuse it.
pub async fn load_initial_data(config: &Config, conn: &DatabaseConnection) -> Result<()> {
    if db::count_rows::<local_government::Entity>(conn).await? == 0 {
        tracing::info!(dir = %config.data_dir.display(), "empty database: importing reference data");
        let r = reference::import(conn, &config.data_dir).await?;
        tracing::info!(?r, "reference data imported");
    }
    // coophub's own texts, where an older database lacks them.
    let write = db::write::Write::begin(conn).await?;
    let added = crate::db::starter::ensure_starter(&write)
        .await
        .map_err(|e| anyhow::anyhow!("starter content: {e:?}"))?;
    write.commit().await?;
    if added > 0 {
        tracing::info!(added, "starter recommendations added");
    }
    let seed = config.seed_sample.unwrap_or(config.is_sqlite());
    if seed && db::count_rows::<cooperative::Entity>(conn).await? == 0 {
        tracing::info!(
            "no cooperatives yet: generating 1,500 sample cooperatives (marked isSample)"
        );
        let r = sample::seed(conn, 1500, 2026).await?;
        tracing::info!(?r, "sample data generated");
    }
    Ok(())
}

/// Everything `serve` needs, ready to bind.
pub async fn build_state(config: &Config) -> Result<AppState> {
    let (conn, statements) = open_database(config).await?;
    load_initial_data(config, &conn).await?;
    let units = crate::db::units::Units::load(&conn).await?;
    units.watch(conn.clone());
    let redis = match &config.redis_url {
        Some(url) => Some(crate::redis_link::RedisLink::new(
            crate::redis_link::connect(url.expose()).await?,
        )),
        None => None,
    };
    // Buckets live where every instance sees them: in Redis when there is one.
    let limiter = Arc::new(match &redis {
        Some(r) => Limiter::redis(r.clone(), &config.redis_namespace),
        None => Limiter::local(),
    });
    let bus = match &config.redis_url {
        Some(url) => crate::bus::Bus::redis(url.expose(), &config.redis_namespace)?,
        None => crate::bus::Bus::local(),
    };
    // Its map of types comes from the schema's own SDL (the same with or without it).
    let response_cache = config.response_cache.then(|| {
        Arc::new(crate::graphql::response_cache::ResponseCache::new(
            redis.clone().map(|r| (r, config.redis_namespace.as_str())),
            config.response_cache_mb * 1024 * 1024,
            &crate::graphql::sdl(),
        ))
    });
    let deps = SchemaDeps {
        db: conn.clone(),
        limiter: limiter.clone(),
        budgets: config.budgets(),
        session_hours: config.session_hours,
        bus: bus.clone(),
        response_cache: response_cache.clone(),
        fast_path: config.fast_path,
        attachments: Arc::new(crate::attachments::LocalFolder::new(
            config.attachments_dir.clone(),
        )),
    };
    let persisted = Arc::new(crate::http::persisted::PersistedQueries::new(
        redis.clone().map(|r| (r, config.redis_namespace.as_str())),
        config.persisted_queries.as_deref(),
        config.persisted_queries_only,
    )?);
    Ok(AppState {
        schema: build_schema(Some(deps), config.limits()),
        response_cache,
        db: conn,
        units,
        statements,
        request_timeout_ms: config.request_timeout_ms,
        loader_delay: std::time::Duration::from_millis(config.loader_delay_ms),
        redis,
        ws_init_timeout: std::time::Duration::from_millis(config.ws_init_timeout_ms),
        ws_buffer: config.ws_buffer.max(1),
        http_max_age: config.http_max_age,
        persisted,
        documents: Default::default(),
        ws_slow_drops: Default::default(),
        shared: Default::default(),
        trusted_proxies: crate::http::origin::TrustedProxies::new(&config.trusted_proxies),
        fast_path: config.fast_path,
        bus,
        shutdown: Arc::new(tokio::sync::watch::channel(false).0),
        limiter,
        budgets: config.budgets(),
        file_cost: config.max_cost as f64,
        public_url: config.public_url.clone(),
        cors_origins: config.cors_origins.clone().into(),
        widget_frame_ancestors: if config.widget_origins.is_empty() {
            "'none'".into()
        } else {
            config.widget_origins.join(" ").into()
        },
    })
}

/// Serves until Ctrl-C or SIGTERM.
pub async fn serve(config: &Config) -> Result<()> {
    let state = build_state(config).await?;
    let listener = tokio::net::TcpListener::bind(config.bind)
        .await
        .with_context(|| format!("cannot listen on {} (set COOPHUB_BIND)", config.bind))?;
    let addr = listener.local_addr()?;
    println!(
        "coophub is ready: GraphiQL at http://{addr}/ , GraphQL endpoint http://{addr}/graphql"
    );
    let sockets = state.shutdown.clone();
    let closing = sockets.clone();
    axum::serve(listener, crate::http::service(state))
        .with_graceful_shutdown(async move {
            shutdown_signal().await;
            // WebSockets close with 1001 and finish their closing handshakes.
            closing.send_replace(true);
        })
        .await?;
    if tokio::time::timeout(std::time::Duration::from_secs(5), sockets.closed())
        .await
        .is_err()
    {
        tracing::warn!("WebSockets still open after 5 s: leaving them");
    }
    Ok(())
}

/// Ctrl-C, or SIGTERM from a process manager: in-flight requests finish first.
async fn shutdown_signal() {
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {},
        _ = term => {},
    }
    tracing::info!("shutting down");
}
