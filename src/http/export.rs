//! The downloadable files: `GET /export/cooperatives.{csv,json,geojson}` (the
//! directory's filter as query parameters, see `export::FilterParams`),
//! `GET /export/<dataset>.{csv,json,geojson}` for the other public datasets
//! (`datasets`, with `updatedSince`) and the whole public graph
//! (`/export/graph.*`, see `datasets::WholeFile`). Parameters are checked before anything
//! is sent, so a wrong value is a 400 with a GraphQL-style error body; then the
//! sender's budget pays for the file (`charge`), then the file streams.

use super::answer::{error_response, MediaType, Stage};
use super::origin::RequestId;
use crate::auth::ClientAddr;
use crate::datasets::WholeFile;
use crate::datasets::{self, Dataset};
use crate::error::{AppError, AppResult};
use crate::export::{self, Chunk, FilterParams, Format};
use crate::http::state::AppState;
use axum::{
    body::Body,
    extract::{Path, RawQuery, State},
    http::{header, HeaderMap, HeaderName, HeaderValue},
    response::{IntoResponse, Response},
    Extension,
};
use tokio::sync::mpsc;

/// Who asks for a file, from where, under which request id.
pub struct Asker {
    pub addr: ClientAddr,
    pub id: RequestId,
    pub headers: HeaderMap,
}

/// Takes `cost` points from the sender's budget, as a GraphQL request's cost is
/// taken (`graphql::cost::bucket_of`: per partner key, per user, per address).
/// A token that is not valid is refused, never taken as anonymous; over budget
/// the answer is `429` with `Retry-After`.
pub async fn charge(state: &AppState, asker: &Asker, cost: f64) -> AppResult<()> {
    let who = super::graphql::resolve_viewer(state, &asker.headers)
        .await
        .map_err(|e| match e {
            AppError::Unauthenticated => AppError::InvalidToken,
            other => other,
        })?;
    let (key, rule) =
        crate::graphql::cost::bucket_of(Some(&who.viewer), Some(&asker.addr), &state.budgets);
    let level = state.limiter.take(&key, cost, rule).await?;
    if level.allowed {
        Ok(())
    } else {
        Err(AppError::RateLimited {
            retry_after_secs: level.retry_after(cost, rule),
        })
    }
}

/// A file's bytes as a streamed answer with its type, name, licence and sources.
pub fn stream(
    rx: mpsc::Receiver<Chunk>,
    content_type: &'static str,
    file_name: &str,
    sources: &str,
) -> Response {
    // Dropping the body (client gone) drops the receiver, which stops the producer.
    // Fused: a compressing body polls its source once more after the end.
    let body =
        futures_util::StreamExt::fuse(futures_util::stream::unfold(rx, |mut rx| async move {
            rx.recv().await.map(|chunk| (chunk, rx))
        }));
    let mut resp = Body::from_stream(body).into_response();
    let h = resp.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{file_name}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(header::LINK, HeaderValue::from_static(export::LICENCE_LINK));
    if let Ok(v) = HeaderValue::from_str(&export::ascii_line(sources)) {
        h.insert(HeaderName::from_static("x-coophub-sources"), v);
    }
    resp
}

fn refuse(e: &AppError, id: &RequestId) -> Response {
    error_response(e, Stage::Http, MediaType::Json, id)
}

/// `GET /export/{file}`: `cooperatives.csv`, `institutions.geojson`, …
pub async fn file(
    State(s): State<AppState>,
    Extension(addr): Extension<ClientAddr>,
    Extension(id): Extension<RequestId>,
    Path(file): Path<String>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    let asker = Asker { addr, id, headers };
    let query = query.unwrap_or_default();
    let Some((name, ext)) = file.rsplit_once('.') else {
        return refuse(&not_a_file(&file), &asker.id);
    };
    let format = match ext {
        "csv" => Format::Csv,
        "json" => Format::Json,
        "geojson" => Format::Geojson,
        _ => return whole_graph(&s, &asker, &file, name, ext, &query).await,
    };
    if name == "cooperatives" {
        let plan = match FilterParams::from_query(&query) {
            Ok(params) => export::plan(&s.db, params).await,
            Err(e) => Err(e),
        };
        let plan = match plan {
            Ok(plan) => plan,
            Err(e) => return refuse(&e, &asker.id),
        };
        if let Err(e) = charge(&s, &asker, s.file_cost).await {
            return refuse(&e, &asker.id);
        }
        let (rx, _producer) = export::spawn(s.db.clone(), plan, format, None);
        return stream(
            rx,
            format.content_type(),
            format.file_name(),
            &export::SOURCES.join(" | "),
        );
    }
    if name.starts_with("graph") {
        return whole_graph(&s, &asker, &file, name, ext, &query).await;
    }
    let Some(dataset) = Dataset::of_slug(name) else {
        return refuse(&not_a_file(&file), &asker.id);
    };
    let params = match datasets::Params::from_query(dataset, &query) {
        Ok(p) => p,
        Err(e) => return refuse(&e, &asker.id),
    };
    if let Err(e) = charge(&s, &asker, s.file_cost).await {
        return refuse(&e, &asker.id);
    }
    let (rx, _producer) = datasets::spawn(s.db.clone(), dataset, params, format, None);
    stream(
        rx,
        format.content_type(),
        &dataset.file_name(format),
        &datasets::SOURCES.join(" | "),
    )
}

/// A file of the whole public graph (`datasets::WholeFile`); it takes no parameters.
async fn whole_graph(
    s: &AppState,
    asker: &Asker,
    file: &str,
    name: &str,
    ext: &str,
    query: &str,
) -> Response {
    let Some(whole) = WholeFile::of(name, ext) else {
        return refuse(&not_a_file(file), &asker.id);
    };
    if let Some((key, _)) = query
        .split('&')
        .find(|p| !p.is_empty())
        .map(|p| p.split_once('=').unwrap_or((p, "")))
    {
        let e = AppError::invalid(key, "the graph's files take no parameters");
        return refuse(&e, &asker.id);
    }
    if let Err(e) = charge(s, asker, s.file_cost).await {
        return refuse(&e, &asker.id);
    }
    let (rx, _producer) = crate::datasets::spawn_whole(s.db.clone(), whole);
    stream(
        rx,
        whole.content_type(),
        whole.file_name(),
        &export::SOURCES.join(" | "),
    )
}

/// The error for a file name that is none of the exports.
pub fn not_a_file(file: &str) -> AppError {
    let names: Vec<String> = std::iter::once("cooperatives")
        .chain(Dataset::ALL.iter().map(|d| d.slug()))
        .map(|n| format!("{n}.csv|json|geojson"))
        .chain(
            [
                "graph.gexf",
                "graph.graphml",
                "graph-elements.csv",
                "graph-connections.csv",
            ]
            .map(str::to_owned),
        )
        .collect();
    AppError::NotFound(format!(
        "the files are {}; `/export/{file}` was",
        names.join(", ")
    ))
}
