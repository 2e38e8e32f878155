//! The graphql-transport-ws protocol (github.com/enisdenjo/graphql-ws,
//! PROTOCOL.md) at `/graphql/ws` and by upgrade on `/graphql`, followed to the
//! letter; async-graphql's stock handler deviates on close codes, duplicate ids,
//! validation errors and `complete` (docs/live.md lists how).
//!
//! Close codes: 4400 invalid message, 4401 subscribe before acknowledgement,
//! 4403 bad token in `connection_init`, 4406 subprotocol not offered, 4408 no
//! `connection_init` in time, 4409 duplicate operation id, 4429 second
//! `connection_init`. A client that stops reading is dropped once
//! `COOPHUB_WS_BUFFER` messages wait for it; nobody else waits.
//!
//! Credentials hold for the life of a socket only while they hold over HTTP: the
//! session or key is checked again against the database on every `subscribe`,
//! whenever the bus reports a revocation that names it (sign-out, password reset,
//! account deletion, a role taken away, a key revoked or rotated; from any
//! instance), after the bus lost messages, and when a session expires. A socket
//! whose credential ended is closed with 4403; from that moment its writer sends
//! nothing more that its operations produced.

use super::answer::{error_response, finish_errors, MediaType, Stage};
use super::graphql::{authenticate, viewer_of_token, Authenticated};
use super::origin::{Origin, RequestId};
use super::shared;
use crate::auth::{ClientAddr, Viewer};
use crate::error::AppError;
use crate::graphql::cost::RequestMeta;
use crate::graphql::loaders::{Batches, Loaders};
use crate::graphql::subscription::Listening;
use crate::http::state::AppState;
use async_graphql::{Response, Variables};
use axum::extract::ws::{CloseFrame, Message, Utf8Bytes, WebSocket, WebSocketUpgrade};
use axum::extract::State;
use axum::http::HeaderMap;
use axum::Extension;
use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Map, Value};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::{Arc, Mutex};
use tokio::sync::{broadcast, mpsc, Notify};
use tokio::task::AbortHandle;
use tracing::Instrument;

/// The subprotocol.
pub const PROTOCOL: &str = "graphql-transport-ws";

/// `GET /graphql/ws` (and `GET /graphql` with an upgrade): a token in the
/// `Authorization` header is checked before the upgrade (401 if not valid).
pub async fn graphql_ws(
    State(state): State<AppState>,
    Extension(addr): Extension<ClientAddr>,
    Extension(id): Extension<RequestId>,
    headers: HeaderMap,
    ws: WebSocketUpgrade,
) -> axum::response::Response {
    match super::graphql::resolve_viewer(&state, &headers).await {
        Ok(auth) => upgrade(state, Origin { addr, id }, auth, ws),
        Err(e) => {
            let e = match e {
                AppError::Unauthenticated => AppError::InvalidToken,
                other => other,
            };
            error_response(&e, Stage::Http, MediaType::Json, &id)
        }
    }
}

/// Accepts the upgrade; the protocol itself runs in `serve`.
fn upgrade(
    state: AppState,
    origin: Origin,
    auth: Authenticated,
    ws: WebSocketUpgrade,
) -> axum::response::Response {
    // Small buffers: an idle subscriber should cost kilobytes, not tungstenite's
    // 128 KiB defaults; no client message needs more than 256 KiB.
    ws.protocols([PROTOCOL])
        .read_buffer_size(4 * 1024)
        .write_buffer_size(0)
        .max_message_size(256 * 1024)
        .max_frame_size(256 * 1024)
        .on_upgrade(move |socket| {
            // The connection logs under its upgrade request's span (its id, its client).
            serve(state, origin, auth, socket).instrument(tracing::Span::current())
        })
}

/// Whether the connection's credential still holds. Once it does not, the writer
/// sends nothing but the closing frame, whatever its operations had queued.
struct Liveness {
    revoked: AtomicBool,
    /// Unix seconds at which the session ends (`i64::MAX`: never).
    expires_at: AtomicI64,
}

impl Liveness {
    fn new() -> Liveness {
        Liveness {
            revoked: AtomicBool::new(false),
            expires_at: AtomicI64::new(i64::MAX),
        }
    }

    fn holds(&self) -> bool {
        !self.revoked.load(Ordering::Acquire)
            && chrono::Utc::now().timestamp() < self.expires_at.load(Ordering::Acquire)
    }

    fn set_expiry(&self, at: Option<chrono::DateTime<chrono::Utc>>) {
        let at = at.map_or(i64::MAX, |t| t.timestamp());
        self.expires_at.store(at, Ordering::Release);
    }
}

/// The close for a credential that ended.
fn revoked() -> Close {
    Close(
        4403,
        "Forbidden: the credentials ended (signed out, revoked or changed); connect again".into(),
    )
}

/// Why the server closes a connection.
struct Close(u16, String);

impl Close {
    fn invalid() -> Close {
        Close(4400, "Invalid message received".into())
    }
}

/// Operations running on one connection, by client id; each entry has a serial so a
/// finished operation never removes a newer one that reused its id.
type Running = Arc<Mutex<HashMap<String, (u64, AbortHandle)>>>;

/// Where one operation's messages go. A message is queued only while the operation
/// is still the one running under its id, checked under the connection's lock: once
/// the client's `complete` is handled, not one more message carries that id (a
/// client may reuse it at once).
pub struct Outlet {
    out: mpsc::Sender<Message>,
    running: Running,
    id: String,
    serial: u64,
}

/// What became of a message given to an [`Outlet`].
pub enum Sent {
    Queued,
    /// The operation was stopped: dropped.
    Stopped,
    /// The client does not keep up: it must be dropped.
    Full,
}

impl Outlet {
    /// Whether the operation still runs under its id.
    fn current(&self, ops: &HashMap<String, (u64, AbortHandle)>) -> bool {
        ops.get(&self.id).is_some_and(|(s, _)| *s == self.serial)
    }

    pub(super) fn send(&self, text: String) -> Sent {
        let ops = self.running.lock().unwrap_or_else(|e| e.into_inner());
        if !self.current(&ops) {
            return Sent::Stopped;
        }
        match self.out.try_send(Message::Text(Utf8Bytes::from(text))) {
            Ok(()) => Sent::Queued,
            Err(_) => Sent::Full,
        }
    }

    /// Ends the operation: frees its id (unless a newer one took it) and, if it ended
    /// well, queues `complete` first.
    fn finish(&self, ok: bool) {
        let mut ops = self.running.lock().unwrap_or_else(|e| e.into_inner());
        if !self.current(&ops) {
            return;
        }
        if ok {
            let done = json!({ "id": self.id, "type": "complete" }).to_string();
            let _ = self.out.try_send(Message::Text(Utf8Bytes::from(done)));
        }
        ops.remove(&self.id);
    }
}

async fn serve(state: AppState, origin: Origin, header: Authenticated, socket: WebSocket) {
    let offered = socket
        .protocol()
        .is_some_and(|p| p.as_bytes() == PROTOCOL.as_bytes());
    let (mut sink, mut incoming) = socket.split();
    let (out, mut out_rx) = mpsc::channel::<Message>(state.ws_buffer);
    let live = Arc::new(Liveness::new());
    let writer_live = live.clone();
    let writer = tokio::spawn(async move {
        while let Some(m) = out_rx.recv().await {
            let closing = matches!(m, Message::Close(_));
            if !closing && !writer_live.holds() {
                // Produced under a credential that has since ended: never sent.
                continue;
            }
            if sink.send(m).await.is_err() || closing {
                break;
            }
        }
        // Sends what is still owed: the reply to a client's close frame, which the
        // reader queued when it received it (without it the client sees 1006).
        let _ = sink.close().await;
    });
    let running: Running = Arc::default();
    let slow = Arc::new(Notify::new());
    // Held until the closing handshake is over: the server waits for it on shutdown.
    let mut shutdown = state.shutdown.subscribe();
    let close = if offered {
        tokio::select! {
            c = protocol(&state, &origin, header, &mut incoming, &out, &running, &slow, &live) => c,
            _ = shutdown.wait_for(|down| *down) => {
                Some(Close(1001, "Server shutting down".into()))
            }
            () = slow.notified() => {
                tracing::info!("dropping a WebSocket client that stopped reading");
                Some(too_slow())
            }
        }
    } else {
        Some(Close(4406, "Subprotocol not acceptable".into()))
    };
    if matches!(close, Some(Close(1008, _))) {
        state
            .ws_slow_drops
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }
    for (_, (_, h)) in running.lock().unwrap_or_else(|e| e.into_inner()).drain() {
        h.abort();
    }
    if let Some(Close(code, reason)) = close {
        let frame = CloseFrame {
            code,
            reason: Utf8Bytes::from(reason),
        };
        // A client too slow to take its messages may not take this either.
        if out.try_send(Message::Close(Some(frame))).is_err() {
            writer.abort();
        }
    }
    drop(out);
    // A client that stopped reading may never take the rest: do not wait for it for ever.
    let mut writer = writer;
    let patience = std::time::Duration::from_secs(5);
    if tokio::time::timeout(patience, &mut writer).await.is_err() {
        writer.abort();
        return;
    }
    // The closing handshake: read on until the client's own close frame (or the end),
    // so the connection ends after both sides said so, as RFC 6455 §7 asks.
    let _ = tokio::time::timeout(patience, async {
        while let Some(Ok(m)) = incoming.next().await {
            if matches!(m, Message::Close(_)) {
                break;
            }
        }
    })
    .await;
    drop(shutdown);
}

/// The credential a connection was initialised with, and the viewer it stood for
/// when last checked.
struct Session {
    auth: Authenticated,
    viewer: Arc<Viewer>,
}

/// Checks the connection's credential against the database again: Err(close) when
/// it has ended or its rights changed (its running operations were authorised
/// under the old ones).
async fn recheck(state: &AppState, s: &Session, live: &Liveness) -> Result<(), Close> {
    let Some(credential) = &s.auth.credential else {
        return Ok(());
    };
    match authenticate(state, credential).await {
        Ok((viewer, expires_at)) if viewer == *s.viewer => {
            live.set_expiry(expires_at);
            Ok(())
        }
        Ok(_) | Err(crate::error::AppError::Unauthenticated) => Err(revoked()),
        Err(e) => {
            tracing::error!(error = ?e, "checking a WebSocket's credential");
            Err(Close(4500, "Internal server error".into()))
        }
    }
}

/// What the connection waits for next.
enum Next {
    Message(Option<Result<Message, axum::Error>>),
    Revoked,
    Recheck,
}

/// Runs the protocol until the client leaves (None) or the server must close.
#[allow(clippy::too_many_arguments)]
async fn protocol(
    state: &AppState,
    origin: &Origin,
    header: Authenticated,
    incoming: &mut futures_util::stream::SplitStream<WebSocket>,
    out: &mpsc::Sender<Message>,
    running: &Running,
    slow: &Arc<Notify>,
    live: &Liveness,
) -> Option<Close> {
    let mut session: Option<Session> = None;
    let mut header = Some(header);
    let mut serial = 0u64;
    let deadline = tokio::time::Instant::now() + state.ws_init_timeout;
    let mut revocations = state.bus.revocations();
    let mut generation = state.bus.generation();
    // Whether the bus can still tell of revocations and reconnections (it always can
    // while the server runs; if not, nothing is polled that would answer at once).
    let (mut hears_revocations, mut hears_generations) = (true, true);
    loop {
        let next = match &session {
            None => match tokio::time::timeout_at(deadline, incoming.next()).await {
                Ok(m) => Next::Message(m),
                Err(_) => return Some(Close(4408, "Connection initialisation timeout".into())),
            },
            Some(s) => {
                let expiry = live.expires_at.load(Ordering::Acquire);
                let left = (expiry.saturating_sub(chrono::Utc::now().timestamp())).max(0);
                let expires = tokio::time::sleep(std::time::Duration::from_secs(
                    u64::try_from(left).unwrap_or(u64::MAX).min(1 << 32),
                ));
                tokio::select! {
                    m = incoming.next() => Next::Message(m),
                    r = revocations.recv(), if hears_revocations => match r {
                        Ok(r) => match &s.auth.credential {
                            // It names this credential: the database says what is left of it
                            // (a rotated key's new secret, say, still holds).
                            Some(c) if c.revoked_by(&s.viewer, &r) => Next::Recheck,
                            _ => continue,
                        },
                        // Some were missed: the database says whether this one was among them.
                        Err(broadcast::error::RecvError::Lagged(_)) => Next::Recheck,
                        Err(broadcast::error::RecvError::Closed) => {
                            hears_revocations = false;
                            continue;
                        }
                    },
                    // The bus reconnected: revocations may have been lost meanwhile.
                    changed = generation.changed(), if hears_generations => match changed {
                        Ok(()) => Next::Recheck,
                        Err(_) => {
                            hears_generations = false;
                            continue;
                        }
                    },
                    () = expires => Next::Revoked,
                }
            }
        };
        let msg = match next {
            Next::Message(m) => m,
            Next::Revoked => {
                live.revoked.store(true, Ordering::Release);
                return Some(revoked());
            }
            Next::Recheck => {
                if let Some(s) = &session {
                    if let Err(close) = recheck(state, s, live).await {
                        live.revoked.store(true, Ordering::Release);
                        return Some(close);
                    }
                }
                continue;
            }
        };
        let text = match msg {
            // A frame or message over the size limit (tungstenite's capacity error).
            Some(Err(e)) if e.to_string().contains("Space limit exceeded") => {
                return Some(Close(1009, "Message too big".into()))
            }
            None | Some(Err(_)) | Some(Ok(Message::Close(_))) => return None,
            Some(Ok(Message::Ping(_) | Message::Pong(_))) => continue,
            Some(Ok(Message::Binary(_))) => return Some(Close::invalid()),
            Some(Ok(Message::Text(t))) => t,
        };
        let Ok(Value::Object(m)) = serde_json::from_str::<Value>(text.as_str()) else {
            return Some(Close::invalid());
        };
        let payload = m.get("payload");
        if payload.is_some_and(|p| !p.is_object() && !p.is_null()) {
            return Some(Close::invalid());
        }
        match m.get("type").and_then(Value::as_str) {
            Some("connection_init") => {
                let Some(header) = header.take() else {
                    return Some(Close(4429, "Too many initialisation requests".into()));
                };
                match init_viewer(state, payload, header).await {
                    Ok(auth) => {
                        live.set_expiry(auth.expires_at);
                        session = Some(Session {
                            viewer: Arc::new(auth.viewer.clone()),
                            auth,
                        });
                    }
                    Err(close) => return Some(close),
                }
                if send(out, json!({ "type": "connection_ack" })).is_none() {
                    return Some(too_slow());
                }
            }
            Some("ping") => {
                let mut pong = json!({ "type": "pong" });
                if let Some(p) = payload.filter(|p| !p.is_null()) {
                    pong["payload"] = p.clone();
                }
                if send(out, pong).is_none() {
                    return Some(too_slow());
                }
            }
            Some("pong") => {}
            Some("subscribe") => {
                let Some(id) = m
                    .get("id")
                    .and_then(Value::as_str)
                    .filter(|s| !s.is_empty())
                else {
                    return Some(Close::invalid());
                };
                let Some((query, operation_name, variables, extensions)) =
                    payload.and_then(|p| request_of(p).ok())
                else {
                    return Some(Close::invalid());
                };
                let Some(s) = &session else {
                    return Some(Close(4401, "Unauthorized".into()));
                };
                // Every operation starts under a credential checked just now.
                if let Err(close) = recheck(state, s, live).await {
                    live.revoked.store(true, Ordering::Release);
                    return Some(close);
                }
                let v = s.viewer.clone();
                if running
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .contains_key(id)
                {
                    return Some(Close(4409, format!("Subscriber for {id} already exists")));
                }
                // Persisted documents (and allow-list mode) as over HTTP.
                let query = match state.persisted.resolve(query, &extensions).await {
                    Ok(Some(q)) => q,
                    Ok(None) => return Some(Close::invalid()),
                    Err(e) => {
                        let e = AppError::from(e).to_json(origin.id.as_str());
                        let error = json!({ "id": id, "type": "error", "payload": [e] });
                        if send(out, error).is_none() {
                            return Some(too_slow());
                        }
                        continue;
                    }
                };
                // Prepared once (and kept, as over HTTP): the kind of operation here,
                // the same document for the schema and the response cache.
                let prepared = state.documents.prepare(&query, operation_name.clone());
                let subscription = prepared.as_ref().is_some_and(|p| p.is_subscription());
                let req = OpRequest {
                    query,
                    operation_name,
                    variables,
                    prepared,
                };
                serial += 1;
                let ready = Arc::new(Listening::default());
                let op = Op {
                    outlet: Outlet {
                        out: out.clone(),
                        running: running.clone(),
                        id: id.to_owned(),
                        serial,
                    },
                    slow: slow.clone(),
                    ready: ready.clone(),
                };
                // The entry goes in before the task runs, so the task's own removal finds it.
                let task = {
                    let mut ops = running.lock().unwrap_or_else(|e| e.into_inner());
                    let task = tokio::spawn(operation(state.clone(), origin.clone(), v, req, op));
                    ops.insert(id.to_owned(), (serial, task.abort_handle()));
                    task
                };
                if subscription {
                    // Messages are handled in order: the next one is read once the feed listens.
                    tokio::select! {
                        () = ready.wait() => {}
                        _ = task => {}
                    }
                }
            }
            Some("complete") => {
                let Some(id) = m
                    .get("id")
                    .and_then(Value::as_str)
                    .filter(|s| !s.is_empty())
                else {
                    return Some(Close::invalid());
                };
                // Stops it; the server sends nothing back (an unknown id is ignored).
                if let Some((_, h)) = running.lock().unwrap_or_else(|e| e.into_inner()).remove(id) {
                    h.abort();
                }
            }
            _ => return Some(Close::invalid()),
        }
    }
}

fn too_slow() -> Close {
    Close(1008, "Too slow: messages were not read".into())
}

/// Queues a message; a client whose buffer is full is too slow and is dropped.
fn send(out: &mpsc::Sender<Message>, v: Value) -> Option<()> {
    match out.try_send(Message::Text(Utf8Bytes::from(v.to_string()))) {
        Ok(()) => Some(()),
        Err(_) => None,
    }
}

/// The credential of a `connection_init`: its payload's `token` (or `Authorization`,
/// `Bearer …`) if any, else the upgrade request's `Authorization` header.
async fn init_viewer(
    state: &AppState,
    payload: Option<&Value>,
    header: Authenticated,
) -> Result<Authenticated, Close> {
    let token = payload.and_then(|p| {
        ["token", "authorization", "Authorization"]
            .iter()
            .find_map(|k| p.get(*k))
    });
    let Some(token) = token else {
        return Ok(header);
    };
    let forbidden = || Close(4403, "Forbidden".into());
    let token = token.as_str().ok_or_else(forbidden)?;
    let token = token
        .strip_prefix("Bearer ")
        .or_else(|| token.strip_prefix("bearer "))
        .unwrap_or(token);
    match viewer_of_token(state, token).await {
        Ok(auth) => Ok(auth),
        Err(crate::error::AppError::Unauthenticated) => Err(forbidden()),
        Err(e) => {
            tracing::error!(error = ?e, "resolving a WebSocket token");
            Err(Close(4500, "Internal server error".into()))
        }
    }
}

/// The parts of a `subscribe` payload, checked as the protocol requires.
struct OpRequest {
    query: String,
    operation_name: Option<String>,
    variables: Map<String, Value>,
    /// The document prepared (None: it does not parse, and the schema says why).
    prepared: Option<Arc<crate::graphql::documents::Prepared>>,
}

/// The payload's parts: its `query` (absent when `extensions.persistedQuery` names
/// the document), operation name, variables and extensions.
type Payload = (
    Option<String>,
    Option<String>,
    Map<String, Value>,
    Map<String, Value>,
);

fn request_of(p: &Value) -> Result<Payload, ()> {
    let extensions = match p.get("extensions") {
        None | Some(Value::Null) => Map::new(),
        Some(Value::Object(e)) => e.clone(),
        Some(_) => return Err(()),
    };
    let query = match p.get("query") {
        Some(Value::String(q)) => Some(q.clone()),
        None if extensions.contains_key("persistedQuery") => None,
        _ => return Err(()),
    };
    let operation_name = match p.get("operationName") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => return Err(()),
    };
    let variables = match p.get("variables") {
        None | Some(Value::Null) => Map::new(),
        Some(Value::Object(v)) => v.clone(),
        Some(_) => return Err(()),
    };
    Ok((query, operation_name, variables, extensions))
}

/// A request error (the document never ran): no data, and no error with a path.
fn is_request_error(r: &Response) -> bool {
    !r.errors.is_empty()
        && matches!(r.data, async_graphql::Value::Null)
        && r.errors.iter().all(|e| e.path.is_empty())
}

/// One operation of a connection and where its messages go.
struct Op {
    outlet: Outlet,
    slow: Arc<Notify>,
    /// Fired once a subscription listens (or has failed): the connection reads on.
    ready: Arc<Listening>,
}

async fn operation(state: AppState, origin: Origin, viewer: Arc<Viewer>, req: OpRequest, op: Op) {
    let batches = Batches::new(state.fast_path);
    let feed_listens = Arc::new(Listening::default());
    let anonymous = matches!(*viewer, Viewer::Anonymous);
    let shared_key =
        anonymous.then(|| shared::key(&req.query, req.operation_name.as_deref(), &req.variables));
    let mut request = async_graphql::Request::new(req.query)
        .variables(Variables::from_json(Value::Object(req.variables)))
        .data(Arc::new(RequestMeta::default()))
        .data((*viewer).clone())
        .data(origin.addr)
        .data(Loaders::new(
            &state.db,
            state.units.table(),
            state.loader_delay,
            &batches,
        ))
        .data(feed_listens.clone());
    if let Some(name) = req.operation_name {
        request = request.operation_name(name);
    }
    if let Some(prepared) = req.prepared {
        request.set_parsed_query(prepared.parsed.doc.clone());
        request = request.data(prepared);
    }
    let mut results = batches.stream(state.schema.execute_stream(request));
    // Run until the feed listens (a subscription) or the first result arrives.
    let first = tokio::select! {
        biased;
        r = results.next() => Some(r),
        () = feed_listens.wait() => None,
    };
    if let (None, Some(key)) = (&first, shared_key) {
        // A live anonymous feed: served by this instance's shared execution of it.
        let (ended_tx, ended) = tokio::sync::oneshot::channel();
        let Op {
            outlet,
            slow,
            ready,
        } = op;
        let member = shared::Member {
            id_json: Value::String(outlet.id.clone()).to_string(),
            outlet,
            slow,
            ended: ended_tx,
        };
        let membership = state.shared.join(key, member, Box::pin(results));
        ready.fire();
        // The group ended (its stream is over) and handed the outlet back.
        if let Ok(outlet) = ended.await {
            outlet.finish(true);
        }
        drop(membership);
        return;
    }
    op.ready.fire();
    let mut pending = match first {
        // It ended before anything came (it cannot, but be exact about it).
        Some(None) => {
            op.outlet.finish(true);
            return;
        }
        Some(Some(r)) => Some(r),
        None => None,
    };
    let mut is_first = true;
    let mut ok = true;
    loop {
        let resp = match pending.take() {
            Some(r) => r,
            None => match results.next().await {
                Some(r) => r,
                None => break,
            },
        };
        let id = &op.outlet.id;
        let msg = if is_first && is_request_error(&resp) {
            ok = false;
            let mut errors = serde_json::to_value(&resp.errors).unwrap_or(Value::Null);
            finish_errors(&mut errors, &origin.id);
            json!({ "id": id, "type": "error", "payload": errors })
        } else {
            let payload = serde_json::to_value(&resp).unwrap_or(Value::Null);
            json!({ "id": id, "type": "next", "payload": payload })
        };
        is_first = false;
        match op.outlet.send(msg.to_string()) {
            Sent::Queued => {}
            Sent::Stopped => return,
            Sent::Full => {
                // Too slow: drop the whole connection, not just this operation.
                op.slow.notify_one();
                return;
            }
        }
        if !ok {
            break;
        }
    }
    op.outlet.finish(ok);
}
