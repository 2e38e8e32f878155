//! Open data over HTTP: `GET /murmurations/cooperatives/<id>.json` (a real
//! cooperative's Murmurations profile), `GET /murmurations/index.json`
//! (`updatedSince`: the profiles changed since), `GET /cooperatives/<id>.jsonld`
//! (schema.org JSON-LD). Each is charged to its sender's budget like a request.

use super::answer::{error_response, MediaType, Stage};
use super::export::{charge, Asker};
use super::origin::RequestId;
use crate::auth::ClientAddr;
use crate::error::{AppError, AppResult};
use crate::http::state::AppState;
use crate::open_data::{self, Facts};
use async_graphql::ID;
use axum::{
    extract::{Path, RawQuery, State},
    http::{header, HeaderMap, HeaderValue},
    response::{IntoResponse, Response},
    Extension,
};

/// Cost points of one profile: about what a GraphQL read of one cooperative with
/// its offerings and sectors costs.
const PROFILE_COST: f64 = 10.0;

fn answer(value: &serde_json::Value, content_type: &'static str) -> Response {
    let mut resp = serde_json::to_vec(value)
        .unwrap_or_default()
        .into_response();
    let h = resp.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=60"),
    );
    h.insert(
        header::LINK,
        HeaderValue::from_static(crate::export::LICENCE_LINK),
    );
    resp
}

/// The cooperative's row id a file name `<global id>.<ext>` names: checked
/// before anything is charged, as every request's parameters are.
fn cooperative_of(file: &str, ext: &str) -> AppResult<i32> {
    let id = file
        .strip_suffix(ext)
        .ok_or_else(|| AppError::NotFound(format!("`{file}`: ask for `<cooperative id>{ext}`")))?;
    crate::ids::expect_id("id", &ID(id.to_owned()), "Cooperative")
}

/// What a profile says of cooperative `id` (charged first: a well-formed id
/// of no public cooperative costs its sender like one that is found).
async fn facts(s: &AppState, id: i32) -> AppResult<Facts> {
    Facts::load(&s.db, id).await?.ok_or_else(|| {
        AppError::NotFound(format!(
            "no cooperative {}",
            crate::ids::global_id("Cooperative", id).0
        ))
    })
}

async fn run(
    s: &AppState,
    asker: Asker,
    cost: f64,
    work: impl std::future::Future<Output = AppResult<Response>>,
) -> Response {
    let result = async {
        charge(s, &asker, cost).await?;
        work.await
    }
    .await;
    result.unwrap_or_else(|e| error_response(&e, Stage::Http, MediaType::Json, &asker.id))
}

pub async fn murmurations_profile(
    State(s): State<AppState>,
    Extension(addr): Extension<ClientAddr>,
    Extension(id): Extension<RequestId>,
    Path(file): Path<String>,
    headers: HeaderMap,
) -> Response {
    let coop = match cooperative_of(&file, ".json") {
        Ok(c) => c,
        Err(e) => return error_response(&e, Stage::Http, MediaType::Json, &id),
    };
    let work = async {
        let f = facts(&s, coop).await?;
        let profile = open_data::murmurations_profile(&f, &s.public_url)?;
        Ok(answer(&profile, "application/json"))
    };
    run(&s, Asker { addr, id, headers }, PROFILE_COST, work).await
}

pub async fn json_ld(
    State(s): State<AppState>,
    Extension(addr): Extension<ClientAddr>,
    Extension(id): Extension<RequestId>,
    Path(file): Path<String>,
    headers: HeaderMap,
) -> Response {
    let coop = match cooperative_of(&file, ".jsonld") {
        Ok(c) => c,
        Err(e) => return error_response(&e, Stage::Http, MediaType::Json, &id),
    };
    let work = async {
        let f = facts(&s, coop).await?;
        Ok(answer(
            &open_data::json_ld(&f, &s.public_url),
            "application/ld+json",
        ))
    };
    run(&s, Asker { addr, id, headers }, PROFILE_COST, work).await
}

pub async fn murmurations_index(
    State(s): State<AppState>,
    Extension(addr): Extension<ClientAddr>,
    Extension(id): Extension<RequestId>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    let since = match updated_since(query.as_deref().unwrap_or("")) {
        Ok(t) => t,
        Err(e) => return error_response(&e, Stage::Http, MediaType::Json, &id),
    };
    let cost = s.file_cost;
    let work = async {
        let index = open_data::index(&s.db, &s.public_url, since).await?;
        Ok(answer(&index, "application/json"))
    };
    run(&s, Asker { addr, id, headers }, cost, work).await
}

/// `updatedSince` (RFC 3339), the index's one parameter.
fn updated_since(query: &str) -> AppResult<Option<chrono::DateTime<chrono::Utc>>> {
    let p = crate::datasets::Params::from_query(crate::datasets::Dataset::Institutions, query)?;
    Ok(p.updated_since)
}

/// `GET /maps/<level>.geojson`: the boundaries of voivodeships or powiaty with
/// each unit's figures joined in; the directory's filter as query parameters
/// (as `/export/cooperatives.*`). Priced like `mapFigures`: per unit.
pub async fn map(
    State(s): State<AppState>,
    Extension(addr): Extension<ClientAddr>,
    Extension(id): Extension<RequestId>,
    Path(file): Path<String>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    let checked = async {
        let name = file.strip_suffix(".geojson").ok_or_else(|| {
            AppError::NotFound(format!(
                "the maps are voivodeships.geojson and powiaty.geojson; `{file}`"
            ))
        })?;
        let level = crate::maps::Boundaries::of(name)?;
        let params = crate::export::FilterParams::from_query(query.as_deref().unwrap_or(""))?;
        let plan = crate::export::plan(&s.db, params).await?;
        Ok::<_, AppError>((level, plan.filter))
    };
    let (level, filter) = match checked.await {
        Ok(v) => v,
        Err(e) => return error_response(&e, Stage::Http, MediaType::Json, &id),
    };
    let cost = (level.units() * MAP_COST_PER_UNIT) as f64;
    let work = async {
        let map = crate::maps::geojson(&s.db, &s.units.table(), &filter, level).await?;
        Ok(answer(&map, "application/geo+json"))
    };
    run(&s, Asker { addr, id, headers }, cost, work).await
}

/// Cost points per unit of a map: about what `mapFigures` charges per unit for
/// the fields the map holds.
const MAP_COST_PER_UNIT: usize = 6;
