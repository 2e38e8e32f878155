//! axum routes: `/graphql` (GET, POST; GraphiQL for browsers; WebSocket upgrade),
//! `/graphql/ws` (graphql-transport-ws), the pages people open (`/` GraphiQL,
//! `/katalog`, `/spoldzielnie/<id>`, `/samorzady/<TERYT>`, `/widzet/gmina/<TERYT>`,
//! `/mapa`, `/siec`, `/forum`, `/forum/watki/<id>`, `/assets/…`; docs/pages.md),
//! `/health`, `/ready`, `/metrics`, and the downloadable files under `/export/`
//! (cooperatives and the other public datasets as CSV, JSON and GeoJSON, the
//! whole public graph as GEXF, GraphML and Kumu's sheets; see docs/exports.md),
//! and open data: Murmurations profiles and schema.org JSON-LD of cooperatives
//! (docs/open-data.md).
//! In front of every route, `origin::middleware` (the client's address, the request
//! id); every error body comes from `answer`. The API's routes answer CORS
//! preflights for the origins of `COOPHUB_CORS_ORIGINS`.

mod caching;

pub mod answer;
mod export;
mod graphql;
mod open_data;
pub mod origin;
mod pages;
pub mod persisted;
pub mod shared;
pub mod state;
mod ws;

use axum::{
    extract::State,
    http::{header, StatusCode},
    response::IntoResponse,
    routing::get,
    Router,
};
use state::AppState;
use std::sync::atomic::Ordering;

/// The router as a service that knows each connection's peer address (for per-address budgets).
pub fn service(
    state: AppState,
) -> axum::extract::connect_info::IntoMakeServiceWithConnectInfo<Router, std::net::SocketAddr> {
    router(state).into_make_service_with_connect_info::<std::net::SocketAddr>()
}

pub fn router(state: AppState) -> Router {
    // What other systems call: open to the browser pages of COOPHUB_CORS_ORIGINS.
    let api = Router::new()
        .route(
            "/graphql",
            get(graphql::get_graphql)
                .post(graphql::post_graphql)
                .fallback(graphql::method_not_allowed),
        )
        .route("/export/{file}", get(export::file))
        .route(
            "/murmurations/cooperatives/{file}",
            get(open_data::murmurations_profile),
        )
        .route(
            "/murmurations/index.json",
            get(open_data::murmurations_index),
        )
        .route("/cooperatives/{file}", get(open_data::json_ld))
        .route("/maps/{file}", get(open_data::map))
        .layer(cors(&state.cors_origins));
    Router::new()
        .merge(api)
        .route("/", get(pages::graphiql))
        .route("/katalog", get(pages::directory))
        .route("/spoldzielnie/{key}", get(pages::cooperative))
        .route("/samorzady/{teryt}", get(pages::local_government))
        .route("/widzet/gmina/{teryt}", get(pages::widget))
        .route("/mapa", get(pages::map))
        .route("/siec", get(pages::network))
        .route("/forum", get(pages::forum))
        .route("/forum/watki/{id}", get(pages::thread))
        .route("/assets/{*path}", get(pages::asset))
        .route("/health", get(|| async { "ok" }))
        .route("/ready", get(ready))
        .route("/metrics", get(metrics))
        .fallback(not_found)
        // Every answer of more than a few bytes goes gzip-compressed to a client that
        // accepts it (browsers do; the powiat map's page is 343 KB, 91 KB so sent),
        // with `Vary: Accept-Encoding`. ETags are weak, so they hold for both forms.
        .layer(tower_http::compression::CompressionLayer::new())
        // Outside it: a WebSocket's upgrade has no body to compress.
        .route("/graphql/ws", get(ws::graphql_ws))
        // Outermost: every route, the fallback included, knows its client and its id.
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            origin::middleware,
        ))
        .with_state(state)
}

/// CORS for the API: a preflight from one of `origins` is answered with what a
/// browser may send (GET and POST, JSON, a bearer token; no cookies) and read
/// back; from any other origin it gets no permission, so the browser refuses.
fn cors(origins: &[String]) -> tower_http::cors::CorsLayer {
    use axum::http::{HeaderName, HeaderValue, Method};
    let allowed: Vec<HeaderValue> = origins
        .iter()
        .filter_map(|o| HeaderValue::from_str(o).ok())
        .collect();
    tower_http::cors::CorsLayer::new()
        .allow_origin(tower_http::cors::AllowOrigin::list(allowed))
        .allow_methods([Method::GET, Method::POST])
        .allow_headers([header::CONTENT_TYPE, header::AUTHORIZATION, header::ACCEPT])
        .expose_headers([
            header::RETRY_AFTER,
            header::ETAG,
            header::LINK,
            header::CONTENT_DISPOSITION,
            origin::REQUEST_ID,
            HeaderName::from_static("x-coophub-sources"),
        ])
        .max_age(std::time::Duration::from_secs(600))
}

/// A path no route serves: the same error body as everywhere else.
async fn not_found(
    axum::Extension(id): axum::Extension<origin::RequestId>,
    uri: axum::http::Uri,
) -> axum::response::Response {
    let e = crate::error::AppError::NotFound(format!("`{}`", uri.path()));
    answer::error_response(&e, answer::Stage::Http, answer::MediaType::Json, &id)
}

/// Ready when the database answers. Without Redis (when it is configured) the
/// instance still serves, degraded, and says so: budgets and sign-in limits are
/// held in this process (stricter), answers come from the database, live feeds
/// wait for Redis.
async fn ready(State(s): State<AppState>) -> impl IntoResponse {
    match s.db.ping().await {
        Ok(()) => match &s.redis {
            Some(r) if !r.ping().await => (
                StatusCode::OK,
                "ready, degraded: Redis is not answering; limits are held in this process",
            ),
            _ => (StatusCode::OK, "ready"),
        },
        Err(e) => {
            tracing::warn!(error = %e, "database not reachable");
            (StatusCode::SERVICE_UNAVAILABLE, "database not reachable")
        }
    }
}

/// Prometheus text format.
async fn metrics(State(s): State<AppState>) -> impl IntoResponse {
    let body = format!(
        "# HELP coophub_sql_statements_total SQL statements sent to the database.\n\
         # TYPE coophub_sql_statements_total counter\n\
         coophub_sql_statements_total {}\n\
         # HELP coophub_pubsub_connected Whether the forum pub/sub connection is up (1) or not (0).\n\
         # TYPE coophub_pubsub_connected gauge\n\
         coophub_pubsub_connected {}\n\
         # HELP coophub_pubsub_reconnects_total Times the forum pub/sub connection was lost.\n\
         # TYPE coophub_pubsub_reconnects_total counter\n\
         coophub_pubsub_reconnects_total {}\n\
         # HELP coophub_pubsub_publish_failures_total Failed attempts to publish a forum event (each retried).\n\
         # TYPE coophub_pubsub_publish_failures_total counter\n\
         coophub_pubsub_publish_failures_total {}\n\
         # HELP coophub_shared_subscriptions Shared executions of identical anonymous subscriptions running.\n\
         # TYPE coophub_shared_subscriptions gauge\n\
         coophub_shared_subscriptions {}\n\
         # HELP coophub_ws_slow_clients_dropped_total WebSocket clients dropped because they stopped reading.\n\
         # TYPE coophub_ws_slow_clients_dropped_total counter\n\
         coophub_ws_slow_clients_dropped_total {}\n\
         # HELP coophub_persisted_query_failures_total Reads or writes of persisted documents that failed (Redis down).\n\
         # TYPE coophub_persisted_query_failures_total counter\n\
         coophub_persisted_query_failures_total {}\n\
         # HELP coophub_response_cache_hits_total Public reads answered from the response cache.\n\
         # TYPE coophub_response_cache_hits_total counter\n\
         coophub_response_cache_hits_total {}\n\
         # HELP coophub_response_cache_misses_total Public reads the response cache did not hold.\n\
         # TYPE coophub_response_cache_misses_total counter\n\
         coophub_response_cache_misses_total {}\n\
         # HELP coophub_response_cache_failures_total Response cache reads or writes that failed (Redis down).\n\
         # TYPE coophub_response_cache_failures_total counter\n\
         coophub_response_cache_failures_total {}\n\
         # HELP coophub_resident_memory_bytes Resident set size of the server process.\n\
         # TYPE coophub_resident_memory_bytes gauge\n\
         coophub_resident_memory_bytes {}\n",
        s.statements.get(),
        u8::from(s.bus.stats.connected.load(Ordering::Acquire)),
        s.bus.stats.reconnects.load(Ordering::Relaxed),
        s.bus.stats.publish_failures.load(Ordering::Relaxed),
        s.shared.groups(),
        s.ws_slow_drops.load(Ordering::Relaxed),
        s.persisted.failures.load(Ordering::Relaxed),
        s.response_cache.as_ref().map_or(0, |c| c.hits.load(Ordering::Relaxed)),
        s.response_cache.as_ref().map_or(0, |c| c.misses.load(Ordering::Relaxed)),
        s.response_cache.as_ref().map_or(0, |c| c.failures.load(Ordering::Relaxed)),
        crate::export::rss_kb().unwrap_or(0) * 1024,
    );
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], body)
}
