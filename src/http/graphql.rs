//! GraphQL over HTTP, following the GraphQL-over-HTTP specification:
//! content negotiation between `application/graphql-response+json` and
//! `application/json`, request errors (bad JSON, parse, validation) answered
//! without `data` (400 under the new media type, 200 under the legacy one),
//! mutations refused over GET (405), and only JSON accepted on POST (415):
//! text/plain and form posts, which browsers send cross-site without a
//! preflight, never reach the schema.

use crate::auth::{ClientAddr, Credential, CurrentSession, Viewer};
use crate::db::account;
use crate::error::{AppError, AppResult};
use crate::graphql::cost::RequestMeta;
use crate::graphql::execution::Execution;
use crate::graphql::loaders::{Batches, Loaders};
use crate::state::AppState;
use async_graphql::{parser::types::OperationType, Variables};
use axum::extract::ws::{rejection::WebSocketUpgradeRejection, WebSocketUpgrade};
use axum::{
    body::Bytes,
    extract::{ConnectInfo, RawQuery, State},
    http::{header, HeaderMap, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
};
use chrono::{DateTime, Utc};
use serde_json::{json, Map, Value};
use std::{net::SocketAddr, sync::atomic::Ordering, sync::Arc, time::Duration};

const GRAPHQL_RESPONSE: &str = "application/graphql-response+json; charset=utf-8";
const JSON: &str = "application/json; charset=utf-8";

/// Which media type the client accepts.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum MediaType {
    GraphqlResponse,
    Json,
}

impl MediaType {
    /// The first acceptable of the two in the client's order of preference (`q` values respected).
    fn negotiate(headers: &HeaderMap) -> MediaType {
        let Some(accept) = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()) else {
            return MediaType::Json;
        };
        let mut best: Option<(f32, MediaType)> = None;
        for part in accept.split(',') {
            let mut it = part.split(';');
            let ty = it.next().unwrap_or("").trim().to_ascii_lowercase();
            let q = it
                .filter_map(|p| p.trim().strip_prefix("q="))
                .find_map(|q| q.parse::<f32>().ok())
                .unwrap_or(1.0);
            let mt = match ty.as_str() {
                "application/graphql-response+json" => MediaType::GraphqlResponse,
                "application/json" | "application/*" | "*/*" => MediaType::Json,
                _ => continue,
            };
            if q > 0.0 && best.is_none_or(|(bq, _)| q > bq) {
                best = Some((q, mt));
            }
        }
        best.map_or(MediaType::Json, |(_, m)| m)
    }

    fn content_type(self) -> &'static str {
        match self {
            MediaType::GraphqlResponse => GRAPHQL_RESPONSE,
            MediaType::Json => JSON,
        }
    }
}

fn json_response(status: StatusCode, media: MediaType, body: &Value) -> Response {
    bytes_response(status, media, body.to_string().into_bytes())
}

fn bytes_response(status: StatusCode, media: MediaType, body: Vec<u8>) -> Response {
    let mut resp = (status, body).into_response();
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(media.content_type()),
    );
    resp
}

/// A request that never reached the schema: 400 with an `errors` list and no `data`.
fn request_error(media: MediaType, status: StatusCode, message: &str) -> Response {
    json_response(
        status,
        media,
        &json!({ "errors": [{ "message": message, "extensions": { "code": "BAD_USER_INPUT" } }] }),
    )
}

/// The GraphQL parameters, checked for shape before anything runs.
struct Params {
    /// Absent when `extensions.persistedQuery` names the document instead.
    query: Option<String>,
    operation_name: Option<String>,
    variables: Map<String, Value>,
    extensions: Map<String, Value>,
}

fn params_from_json(body: Value) -> Result<Params, String> {
    let Value::Object(mut o) = body else {
        return Err("the request body must be a JSON object with a `query` string".into());
    };
    let persisted = o
        .get("extensions")
        .is_some_and(|e| e.get("persistedQuery").is_some_and(|p| !p.is_null()));
    let query = match o.remove("query") {
        Some(Value::String(q)) => Some(q),
        Some(_) => return Err("`query` must be a string".into()),
        None if persisted => None,
        None => {
            return Err("the request has no `query`: send {\"query\": \"{ __typename }\"}".into())
        }
    };
    let operation_name = match o.remove("operationName") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s),
        Some(_) => return Err("`operationName` must be a string or null".into()),
    };
    let map = |name: &str, v: Option<Value>| match v {
        None | Some(Value::Null) => Ok(Map::new()),
        Some(Value::Object(m)) => Ok(m),
        Some(_) => Err(format!("`{name}` must be an object or null")),
    };
    Ok(Params {
        query,
        operation_name,
        variables: map("variables", o.remove("variables"))?,
        extensions: map("extensions", o.remove("extensions"))?,
    })
}

fn params_from_query_string(raw: &str) -> Result<Params, String> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(raw)
        .map_err(|e| format!("the query string cannot be decoded: {e}"))?;
    let mut o = Map::new();
    for (k, v) in pairs {
        let value = match k.as_str() {
            "variables" | "extensions" => {
                serde_json::from_str(&v).map_err(|_| format!("`{k}` must be URL-encoded JSON"))?
            }
            _ => Value::String(v),
        };
        o.insert(k, value);
    }
    params_from_json(Value::Object(o))
}

/// At most this many errors are sent back; the rest are counted in one more.
const MAX_ERRORS: usize = 20;

/// Errors without a code come from the library's own checks on the client's input.
/// A long list (5,000 unused variables make 5,000 errors) is cut to [`MAX_ERRORS`].
fn ensure_codes(errors: &mut Value) {
    if let Value::Array(list) = errors {
        if list.len() > MAX_ERRORS {
            let left_out = list.len() - MAX_ERRORS;
            list.truncate(MAX_ERRORS);
            list.push(json!({
                "message": format!("{left_out} more errors were left out: mend these first"),
                "extensions": { "code": "BAD_USER_INPUT" }
            }));
        }
        for e in list {
            let ext = e
                .as_object_mut()
                .map(|o| o.entry("extensions").or_insert_with(|| json!({})));
            if let Some(Value::Object(ext)) = ext {
                ext.entry("code").or_insert_with(|| json!("BAD_USER_INPUT"));
            }
        }
    }
}

/// What a request's or a connection's credential stands for.
pub(super) struct Authenticated {
    pub viewer: Viewer,
    /// None for anonymous requests.
    pub credential: Option<Credential>,
    /// When a session ends by itself (None: a partner key, or anonymous).
    pub expires_at: Option<DateTime<Utc>>,
}

/// The sender of a request, from `Authorization: Bearer <token>`: a session
/// token (`chs_…`) or a partner API key (`chk_…`). A token that is not valid
/// is an error, never a silent fall-back to anonymous.
pub(super) async fn resolve_viewer(
    state: &AppState,
    headers: &HeaderMap,
) -> AppResult<Authenticated> {
    let Some(value) = headers.get(header::AUTHORIZATION) else {
        return Ok(Authenticated {
            viewer: Viewer::Anonymous,
            credential: None,
            expires_at: None,
        });
    };
    let token = value
        .to_str()
        .ok()
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .ok_or(AppError::Unauthenticated)?;
    viewer_of_token(state, token).await
}

/// What a session token (`chs_…`) or partner API key (`chk_…`) stands for.
pub(super) async fn viewer_of_token(state: &AppState, token: &str) -> AppResult<Authenticated> {
    let credential = Credential::of_token(token).ok_or(AppError::Unauthenticated)?;
    let (viewer, expires_at) = authenticate(state, &credential).await?;
    Ok(Authenticated {
        viewer,
        credential: Some(credential),
        expires_at,
    })
}

/// Checks a credential against the database: the viewer it stands for now (with
/// its current roles), and when it expires. UNAUTHENTICATED once it has ended.
pub(super) async fn authenticate(
    state: &AppState,
    credential: &Credential,
) -> AppResult<(Viewer, Option<DateTime<Utc>>)> {
    match credential {
        Credential::ApiKey(hash) => {
            let key = account::api_key_by_hash(&state.db, hash)
                .await?
                .ok_or(AppError::Unauthenticated)?;
            Ok((Viewer::Partner { key_id: key.id }, None))
        }
        Credential::Session(hash) => {
            let (id, expires_at) = account::user_of_session(&state.db, hash)
                .await?
                .ok_or(AppError::Unauthenticated)?;
            let viewer = Viewer::User {
                id,
                grants: account::grants(&state.db, id).await?,
            };
            Ok((viewer, Some(expires_at)))
        }
    }
}

/// Who is asking and from where.
pub struct Sender {
    viewer: Viewer,
    addr: ClientAddr,
    session: Option<CurrentSession>,
}

async fn sender(
    state: &AppState,
    headers: &HeaderMap,
    addr: SocketAddr,
    media: MediaType,
) -> Result<Sender, Response> {
    match resolve_viewer(state, headers).await {
        Ok(a) => Ok(Sender {
            viewer: a.viewer,
            addr: ClientAddr(addr.ip()),
            session: match a.credential {
                Some(Credential::Session(hash)) => Some(CurrentSession(hash)),
                _ => None,
            },
        }),
        Err(e) => {
            let message = match &e {
                AppError::Unauthenticated => {
                    "the bearer token is not valid (expired, revoked or mistyped): sign in again"
                        .to_owned()
                }
                other => {
                    tracing::error!(error = ?other, "resolving the viewer");
                    other.public_message()
                }
            };
            Err(json_response(
                e.http_status(),
                media,
                &json!({ "errors": [{ "message": message, "extensions": { "code": e.code() } }] }),
            ))
        }
    }
}

/// The document a request runs: its `query`, or the persisted one its
/// `extensions.persistedQuery` names (see `persisted`).
async fn document(state: &AppState, media: MediaType, p: &mut Params) -> Result<String, Response> {
    match state.persisted.resolve(p.query.take(), &p.extensions).await {
        Ok(Some(q)) => Ok(q),
        Ok(None) => Err(request_error(
            media,
            StatusCode::BAD_REQUEST,
            "the request has no `query`: send {\"query\": \"{ __typename }\"}",
        )),
        Err(e) => {
            let (message, code) = e.message_and_code();
            // A request error: 400 under the GraphQL-over-HTTP media type, 200 under the legacy one.
            let status = if media == MediaType::GraphqlResponse {
                StatusCode::BAD_REQUEST
            } else {
                StatusCode::OK
            };
            Err(json_response(
                status,
                media,
                &json!({ "errors": [{ "message": message, "extensions": { "code": code } }] }),
            ))
        }
    }
}

/// Runs a GraphQL request. `conditional` holds a GET's headers: only a GET's answer
/// carries an `ETag` and may be a `304` (conditional requests are GET's and HEAD's).
async fn execute(
    state: &AppState,
    media: MediaType,
    conditional: Option<&HeaderMap>,
    query: String,
    p: Params,
    who: Sender,
) -> Response {
    let anonymous = matches!(who.viewer, Viewer::Anonymous);
    let meta = Arc::new(RequestMeta::default());
    meta.takes_cached_bytes.store(true, Ordering::Relaxed);
    let timeout = Duration::from_millis(state.request_timeout_ms);
    let batches = Batches::default();
    // Everything from parsing on runs inside the time limit.
    let exec = async {
        let parsed = state.documents.get(&query);
        let variables = Variables::from_json(Value::Object(p.variables));
        // The request as the schema's guard sees it, and for a query, the same again to
        // execute without extensions (see `graphql::execution`).
        let request = |query: String, variables: Variables| {
            let mut req = async_graphql::Request::new(query)
                .variables(variables)
                .data(meta.clone())
                .data(who.viewer.clone())
                .data(who.addr);
            if let Some(s) = &who.session {
                req = req.data(s.clone());
            }
            if let Some(op) = &p.operation_name {
                req = req.operation_name(op.clone());
            }
            if let Some(parsed) = &parsed {
                req.set_parsed_query(parsed.doc.clone());
            }
            req
        };
        let mut req = request(query, variables.clone());
        req.extensions = async_graphql::Extensions(
            p.extensions
                .into_iter()
                .filter_map(|(k, v)| Some((k, async_graphql::Value::from_json(v).ok()?)))
                .collect(),
        );
        let loaders = Loaders::new(&state.db, state.loader_delay, &batches);
        let is_query = parsed.as_ref().is_some_and(|d| {
            d.operation_type(p.operation_name.as_deref()) == Some(OperationType::Query)
        });
        if is_query {
            let run = request(String::new(), variables).data(loaders);
            req = req.data(Execution::new(run));
        } else {
            req = req.data(loaders);
        }
        if let Some(parsed) = parsed {
            req = req.data(parsed);
        }
        batches.run(state.schema.execute(req)).await
    };
    tokio::pin!(exec);
    let resp = tokio::select! {
        resp = &mut exec => resp,
        () = tokio::time::sleep(timeout) => {
            // Mutations run to the end: cutting one off could leave part of it committed
            // while the client is told it was stopped.
            if meta.mutation.load(Ordering::Relaxed) {
                exec.await
            } else {
                tracing::warn!(?timeout, "request timed out");
                let body = json!({ "errors": [{
                    "message": format!("the request took longer than {} ms and was stopped: ask for fewer items", timeout.as_millis()),
                    "extensions": { "code": "INTERNAL" }
                }] });
                return json_response(StatusCode::SERVICE_UNAVAILABLE, media, &body);
            }
        }
    };
    let executed = meta.executed.load(Ordering::Relaxed);
    if executed && resp.errors.is_empty() {
        // The common case, written straight to bytes: `data` (from the response cache
        // as it was stored, or serialised once), then the extensions.
        let read = !meta.mutation.load(Ordering::Relaxed);
        let hint = resp.cache_control;
        let cached = meta.cached_data.lock().ok().and_then(|mut c| c.take());
        // `data` is serialised straight into the body, no copy in between.
        let mut body =
            Vec::with_capacity(cached.as_ref().map_or(16 * 1024, |c| c.data().len() + 256));
        body.extend_from_slice(b"{\"data\":");
        let start = body.len();
        let written = match &cached {
            Some(c) => {
                body.extend_from_slice(c.data());
                Ok(())
            }
            None => serde_json::to_writer(&mut body, &resp.data),
        };
        let data = start..body.len();
        let written = written.and_then(|()| {
            if !resp.extensions.is_empty() {
                body.extend_from_slice(b",\"extensions\":");
                serde_json::to_writer(&mut body, &resp.extensions)?;
            }
            body.push(b'}');
            Ok(())
        });
        return match written {
            Ok(()) => super::caching::respond(
                conditional,
                data,
                cached.as_ref().map(|c| c.etag()),
                body,
                media.content_type(),
                super::caching::Policy::of(read, anonymous, hint, state.http_max_age),
            ),
            Err(e) => {
                tracing::error!(error = %e, "writing an answer");
                json_response(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    media,
                    &json!({ "errors": [{ "message": "internal error", "extensions": { "code": "INTERNAL" } }] }),
                )
            }
        };
    }
    let mut body = serde_json::to_value(&resp)
        .unwrap_or_else(|_| json!({ "errors": [{ "message": "internal error" }] }));
    if let Some(errors) = body.get_mut("errors") {
        ensure_codes(errors);
    }
    if !executed {
        // A request error: the document never ran, so there is no `data` at all.
        if let Some(o) = body.as_object_mut() {
            o.remove("data");
        }
        let retry = meta.retry_after.load(Ordering::Relaxed);
        if retry > 0 {
            let mut resp = json_response(StatusCode::TOO_MANY_REQUESTS, media, &body);
            resp.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(retry));
            return resp;
        }
        let status = if media == MediaType::GraphqlResponse {
            StatusCode::BAD_REQUEST
        } else {
            StatusCode::OK
        };
        return super::caching::no_store(json_response(status, media, &body));
    }
    super::caching::no_store(json_response(StatusCode::OK, media, &body))
}

fn wants_html(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| {
            a.split(',')
                .next()
                .is_some_and(|first| first.trim().starts_with("text/html"))
        })
}

pub async fn get_graphql(
    State(state): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
    ws: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Response {
    if let Ok(ws) = ws {
        return super::ws::graphql_ws(State(state), ConnectInfo(addr), headers, ws).await;
    }
    let raw = raw.unwrap_or_default();
    if raw.is_empty() && wants_html(&headers) {
        return super::graphiql_page().into_response();
    }
    let media = MediaType::negotiate(&headers);
    let mut p = match params_from_query_string(&raw) {
        Ok(p) => p,
        Err(m) => return request_error(media, StatusCode::BAD_REQUEST, &m),
    };
    let query = match document(&state, media, &mut p).await {
        Ok(q) => q,
        Err(resp) => return resp,
    };
    let parsed = state.documents.get(&query);
    match parsed.and_then(|d| d.operation_type(p.operation_name.as_deref())) {
        Some(OperationType::Mutation) => {
            let mut resp = request_error(
                media,
                StatusCode::METHOD_NOT_ALLOWED,
                "mutations are only accepted over POST",
            );
            resp.headers_mut()
                .insert(header::ALLOW, HeaderValue::from_static("POST"));
            return resp;
        }
        Some(OperationType::Subscription) => return subscription_over_http(media),
        _ => {}
    }
    match sender(&state, &headers, addr, media).await {
        Ok(who) => execute(&state, media, Some(&headers), query, p, who).await,
        Err(resp) => resp,
    }
}

/// Subscriptions are live: they run over the WebSocket, never over HTTP.
fn subscription_over_http(media: MediaType) -> Response {
    request_error(
        media,
        StatusCode::BAD_REQUEST,
        "subscriptions run over the WebSocket at /graphql/ws (protocol graphql-transport-ws), not over HTTP",
    )
}

pub async fn post_graphql(
    State(state): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let media = MediaType::negotiate(&headers);
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if essence != "application/json" {
        return request_error(
            media,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "send the request as `Content-Type: application/json` with a JSON body",
        );
    }
    let value: Value = match serde_json::from_slice(&body) {
        Ok(v) => v,
        Err(e) => {
            return request_error(
                media,
                StatusCode::BAD_REQUEST,
                &format!("the body is not valid JSON: {e}"),
            )
        }
    };
    let mut p = match params_from_json(value) {
        Ok(p) => p,
        Err(m) => return request_error(media, StatusCode::BAD_REQUEST, &m),
    };
    let query = match document(&state, media, &mut p).await {
        Ok(q) => q,
        Err(resp) => return resp,
    };
    let parsed = state.documents.get(&query);
    if parsed.and_then(|d| d.operation_type(p.operation_name.as_deref()))
        == Some(OperationType::Subscription)
    {
        return subscription_over_http(media);
    }
    match sender(&state, &headers, addr, media).await {
        Ok(who) => execute(&state, media, None, query, p, who).await,
        Err(resp) => resp,
    }
}

pub async fn method_not_allowed() -> Response {
    let mut resp = (StatusCode::METHOD_NOT_ALLOWED, "use GET or POST").into_response();
    resp.headers_mut()
        .insert(header::ALLOW, HeaderValue::from_static("GET, POST"));
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accept(v: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(
            header::ACCEPT,
            HeaderValue::from_str(v).unwrap_or(HeaderValue::from_static("*/*")),
        );
        h
    }

    #[test]
    fn negotiation_follows_preference_and_q_values() {
        assert_eq!(MediaType::negotiate(&HeaderMap::new()), MediaType::Json);
        assert_eq!(MediaType::negotiate(&accept("*/*")), MediaType::Json);
        assert_eq!(
            MediaType::negotiate(&accept("application/graphql-response+json")),
            MediaType::GraphqlResponse
        );
        assert_eq!(
            MediaType::negotiate(&accept(
                "application/json;q=0.9, application/graphql-response+json"
            )),
            MediaType::GraphqlResponse
        );
        assert_eq!(
            MediaType::negotiate(&accept(
                "application/json, application/graphql-response+json;q=0.5"
            )),
            MediaType::Json
        );
    }

    #[test]
    fn parameters_of_the_wrong_type_are_refused() {
        assert!(params_from_json(json!({"query": 1})).is_err());
        assert!(params_from_json(json!({"query": "{a}", "variables": "x"})).is_err());
        assert!(params_from_json(json!({"query": "{a}", "operationName": false})).is_err());
        assert!(
            params_from_json(json!({"query": "{a}", "variables": null, "extensions": null}))
                .is_ok()
        );
    }
}
