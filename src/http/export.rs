//! `GET /export/cooperatives.{csv,json,geojson}`: the filter as query parameters
//! (see `export::FilterParams`), checked before anything is sent, so a wrong value
//! is a 400 with a GraphQL-style error body; then the export streams.

use super::answer::{error_response, MediaType, Stage};
use super::origin::RequestId;
use crate::export::{self, FilterParams, Format};
use crate::http::state::AppState;
use axum::{
    body::Body,
    extract::{RawQuery, State},
    http::{header, HeaderName, HeaderValue},
    response::{IntoResponse, Response},
    Extension,
};

pub async fn cooperatives_csv(
    state: State<AppState>,
    id: Extension<RequestId>,
    query: RawQuery,
) -> Response {
    cooperatives(state, id, query, Format::Csv).await
}

pub async fn cooperatives_json(
    state: State<AppState>,
    id: Extension<RequestId>,
    query: RawQuery,
) -> Response {
    cooperatives(state, id, query, Format::Json).await
}

pub async fn cooperatives_geojson(
    state: State<AppState>,
    id: Extension<RequestId>,
    query: RawQuery,
) -> Response {
    cooperatives(state, id, query, Format::Geojson).await
}

async fn cooperatives(
    State(s): State<AppState>,
    Extension(id): Extension<RequestId>,
    RawQuery(query): RawQuery,
    format: Format,
) -> Response {
    let checked = match FilterParams::from_query(query.as_deref().unwrap_or("")) {
        Ok(params) => export::plan(&s.db, params).await,
        Err(e) => Err(e),
    };
    let plan = match checked {
        Ok(plan) => plan,
        Err(e) => return error_response(&e, Stage::Http, MediaType::Json, &id),
    };
    let (rx, _producer) = export::spawn(s.db.clone(), plan, format, None);
    // Dropping the body (client gone) drops the receiver, which stops the producer.
    let stream = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|chunk| (chunk, rx))
    });
    let mut resp = Body::from_stream(stream).into_response();
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(format.content_type()),
    );
    if let Ok(v) =
        HeaderValue::from_str(&format!("attachment; filename=\"{}\"", format.file_name()))
    {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(header::LINK, HeaderValue::from_static(export::LICENCE_LINK));
    if let Ok(v) = HeaderValue::from_str(&export::sources_header()) {
        h.insert(HeaderName::from_static("x-coophub-sources"), v);
    }
    resp
}
