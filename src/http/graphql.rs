//! GraphQL over HTTP, following the GraphQL-over-HTTP specification:
//! content negotiation between `application/graphql-response+json` and
//! `application/json`, request errors (bad JSON, parse, validation) answered
//! without `data` (400 under the new media type, 200 under the legacy one),
//! mutations refused over GET (405), and only JSON accepted on POST (415):
//! text/plain and form posts, which browsers send cross-site without a
//! preflight, never reach the schema.

use super::answer::{error_response, finish_errors, json_response, status, MediaType, Stage};
use super::origin::RequestId;
use crate::auth::{ClientAddr, Credential, CurrentSession, Viewer};
use crate::db::account;
use crate::error::{AppError, AppResult};
use crate::graphql::cost::RequestMeta;
use crate::graphql::documents::Prepared;
use crate::graphql::exec::handoff::Execution;
use crate::graphql::loaders::{Batches, Loaders};
use crate::http::state::AppState;
use async_graphql::{parser::types::OperationType, Variables};
use axum::extract::ws::{rejection::WebSocketUpgradeRejection, WebSocketUpgrade};
use axum::{
    body::Bytes,
    extract::{RawQuery, State},
    http::{header, HeaderMap, HeaderValue, StatusCode},
    response::Response,
    Extension,
};
use chrono::{DateTime, Utc};
use serde_json::{Map, Value};
use std::{sync::atomic::Ordering, sync::Arc, time::Duration};

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
        None => return Err(NO_QUERY.into()),
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

/// Who is asking, from where, under which request id.
pub struct Sender {
    viewer: Viewer,
    addr: ClientAddr,
    session: Option<CurrentSession>,
    id: RequestId,
}

/// The sender of a request whose credential checks out.
async fn sender(
    state: &AppState,
    headers: &HeaderMap,
    addr: ClientAddr,
    id: RequestId,
) -> AppResult<Sender> {
    let a = resolve_viewer(state, headers).await.map_err(|e| match e {
        AppError::Unauthenticated => AppError::InvalidToken,
        other => other,
    })?;
    Ok(Sender {
        viewer: a.viewer,
        addr,
        session: match a.credential {
            Some(Credential::Session(hash)) => Some(CurrentSession(hash)),
            _ => None,
        },
        id,
    })
}

/// The document a request runs: its `query`, or the persisted one its
/// `extensions.persistedQuery` names (see `persisted`), prepared for every stage.
async fn prepare(state: &AppState, p: &mut Params) -> Result<Request, (AppError, Stage)> {
    let text = match state.persisted.resolve(p.query.take(), &p.extensions).await {
        Ok(Some(q)) => q,
        Ok(None) => return Err((AppError::BadRequest(NO_QUERY.into()), Stage::Http)),
        Err(e) => return Err((e.into(), Stage::Document)),
    };
    let prepared = state.documents.prepare(&text, p.operation_name.clone());
    Ok(Request { text, prepared })
}

const NO_QUERY: &str = "the request has no `query`: send {\"query\": \"{ __typename }\"}";

/// A request's document: its text and, when it parses, the prepared value every
/// stage shares.
struct Request {
    text: String,
    prepared: Option<Arc<Prepared>>,
}

/// Runs a GraphQL request. `conditional` holds a GET's headers: only a GET's answer
/// carries an `ETag` and may be a `304` (conditional requests are GET's and HEAD's).
async fn execute(
    state: &AppState,
    media: MediaType,
    conditional: Option<&HeaderMap>,
    doc: Request,
    p: Params,
    who: Sender,
) -> Response {
    let anonymous = matches!(who.viewer, Viewer::Anonymous);
    let meta = Arc::new(RequestMeta::default());
    meta.takes_cached_bytes.store(true, Ordering::Relaxed);
    let timeout = Duration::from_millis(state.request_timeout_ms);
    let batches = Batches::new(state.fast_path);
    let prepared = doc.prepared;
    let mutation = prepared.as_ref().is_some_and(|d| d.is_mutation());
    // Everything from parsing on runs inside the time limit.
    let exec = async {
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
            if let Some(prepared) = &prepared {
                req.set_parsed_query(prepared.parsed.doc.clone());
            }
            req
        };
        let mut req = request(doc.text, variables.clone());
        req.extensions = async_graphql::Extensions(
            p.extensions
                .into_iter()
                .filter_map(|(k, v)| Some((k, async_graphql::Value::from_json(v).ok()?)))
                .collect(),
        );
        let loaders = Loaders::new(&state.db, state.units.table(), state.loader_delay, &batches);
        if state.fast_path && prepared.as_ref().is_some_and(|d| d.is_query()) {
            let run = request(String::new(), variables).data(loaders);
            req = req.data(Execution::new(run));
        } else {
            req = req.data(loaders);
        }
        if let Some(prepared) = prepared.clone() {
            req = req.data(prepared);
        }
        batches.run(state.schema.execute(req)).await
    };
    tokio::pin!(exec);
    let resp = tokio::select! {
        resp = &mut exec => resp,
        () = tokio::time::sleep(timeout) => {
            // Mutations run to the end: cutting one off could leave part of it committed
            // while the client is told it was stopped.
            if mutation {
                exec.await
            } else {
                tracing::warn!(?timeout, "request timed out");
                let e = AppError::Timeout { ms: timeout.as_millis() };
                return error_response(&e, Stage::Document, media, &who.id);
            }
        }
    };
    let executed = meta.executed.load(Ordering::Relaxed);
    if executed && resp.errors.is_empty() {
        // The common case, written straight to bytes: `data` (from the response cache
        // as it was stored, or serialised once), then the extensions.
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
                super::caching::Policy::of(!mutation, anonymous, hint, state.http_max_age),
            ),
            Err(e) => {
                let e = AppError::Internal(format!("writing an answer: {e}"));
                error_response(&e, Stage::Http, media, &who.id)
            }
        };
    }
    let mut body = match serde_json::to_value(&resp) {
        Ok(body) => body,
        Err(e) => {
            let e = AppError::Internal(format!("writing an answer: {e}"));
            return error_response(&e, Stage::Http, media, &who.id);
        }
    };
    if let Some(errors) = body.get_mut("errors") {
        finish_errors(errors, &who.id);
    }
    if executed {
        return super::caching::no_store(json_response(StatusCode::OK, media, &body));
    }
    // A request error: the document never ran, so there is no `data` at all.
    if let Some(o) = body.as_object_mut() {
        o.remove("data");
    }
    // The status of its first error's code: 400 (200 under the legacy media type) for
    // the client's document, 429 over budget, 500 when the guard itself failed.
    let code = body["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or("BAD_USER_INPUT")
        .to_owned();
    let retry = meta.retry_after.load(Ordering::Relaxed);
    let mut resp = json_response(status(&code, Stage::Document, media), media, &body);
    if retry > 0 {
        resp.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(retry));
    }
    super::caching::no_store(resp)
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
    Extension(addr): Extension<ClientAddr>,
    Extension(id): Extension<RequestId>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
    ws: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Response {
    if let Ok(ws) = ws {
        return super::ws::graphql_ws(State(state), Extension(addr), Extension(id), headers, ws)
            .await;
    }
    let raw = raw.unwrap_or_default();
    if raw.is_empty() && wants_html(&headers) {
        return super::pages::graphiql().await;
    }
    let media = MediaType::negotiate(&headers);
    let run = async {
        let mut p =
            params_from_query_string(&raw).map_err(|m| (AppError::BadRequest(m), Stage::Http))?;
        let doc = prepare(&state, &mut p).await?;
        match doc.prepared.as_ref().and_then(|d| d.kind) {
            Some(OperationType::Mutation) => Err((
                AppError::MethodNotAllowed {
                    allow: "POST",
                    message: "mutations are only accepted over POST".into(),
                },
                Stage::Http,
            )),
            Some(OperationType::Subscription) => Err((subscription_over_http(), Stage::Http)),
            _ => {
                let who = sender(&state, &headers, addr, id.clone())
                    .await
                    .map_err(|e| (e, Stage::Http))?;
                Ok(execute(&state, media, Some(&headers), doc, p, who).await)
            }
        }
    };
    run.await
        .unwrap_or_else(|(e, stage)| error_response(&e, stage, media, &id))
}

/// Subscriptions are live: they run over the WebSocket, never over HTTP.
fn subscription_over_http() -> AppError {
    AppError::BadRequest(
        "subscriptions run over the WebSocket at /graphql/ws (protocol graphql-transport-ws), not over HTTP".into(),
    )
}

pub async fn post_graphql(
    State(state): State<AppState>,
    Extension(addr): Extension<ClientAddr>,
    Extension(id): Extension<RequestId>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let media = MediaType::negotiate(&headers);
    let run = async {
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
            return Err((
                AppError::UnsupportedMediaType(
                    "send the request as `Content-Type: application/json` with a JSON body".into(),
                ),
                Stage::Http,
            ));
        }
        let value: Value = serde_json::from_slice(&body).map_err(|e| {
            (
                AppError::BadRequest(format!("the body is not valid JSON: {e}")),
                Stage::Http,
            )
        })?;
        let mut p = params_from_json(value).map_err(|m| (AppError::BadRequest(m), Stage::Http))?;
        let doc = prepare(&state, &mut p).await?;
        if doc.prepared.as_ref().is_some_and(|d| d.is_subscription()) {
            return Err((subscription_over_http(), Stage::Http));
        }
        let who = sender(&state, &headers, addr, id.clone())
            .await
            .map_err(|e| (e, Stage::Http))?;
        Ok(execute(&state, media, None, doc, p, who).await)
    };
    run.await
        .unwrap_or_else(|(e, stage)| error_response(&e, stage, media, &id))
}

/// Any other method on `/graphql`.
pub async fn method_not_allowed(
    Extension(id): Extension<RequestId>,
    headers: HeaderMap,
) -> Response {
    let e = AppError::MethodNotAllowed {
        allow: "GET, POST",
        message: "use GET or POST".into(),
    };
    error_response(&e, Stage::Http, MediaType::negotiate(&headers), &id)
}

/// Runs a read for a page coophub serves (`crate::pages`) as an anonymous GET of
/// the same document from the same address would run: the same guard, budget,
/// response cache and visibility policy. The answer's status and JSON body.
pub(super) async fn read_for_page(
    state: &AppState,
    addr: ClientAddr,
    id: &RequestId,
    query: &str,
    variables: Map<String, Value>,
) -> AppResult<(StatusCode, Value)> {
    let mut p = Params {
        query: Some(query.to_owned()),
        operation_name: None,
        variables,
        extensions: Map::new(),
    };
    let doc = prepare(state, &mut p).await.map_err(|(e, _)| e)?;
    let who = Sender {
        viewer: Viewer::Anonymous,
        addr,
        session: None,
        id: id.clone(),
    };
    let resp = execute(state, MediaType::Json, None, doc, p, who).await;
    let status = resp.status();
    let bytes = axum::body::to_bytes(resp.into_body(), usize::MAX)
        .await
        .map_err(|e| AppError::Internal(format!("reading an answer: {e}")))?;
    let body = serde_json::from_slice(&bytes)
        .map_err(|e| AppError::Internal(format!("reading an answer: {e}")))?;
    Ok((status, body))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

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
