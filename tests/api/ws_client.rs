//! A raw graphql-transport-ws client for the tests: open, send, receive (the close
//! frame as a value), and the protocol's small steps.

use crate::helpers::TestApp;
use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use std::time::Duration;
use tokio::net::TcpStream;
use tokio_tungstenite::{
    connect_async,
    tungstenite::{client::IntoClientRequest, http::HeaderValue, Message},
    MaybeTlsStream, WebSocketStream,
};

pub(crate) type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// How long a test waits for a message before it fails (a bound, not a pause).
pub(crate) const PATIENCE: Duration = Duration::from_secs(20);

pub(crate) async fn open(app: &TestApp, path: &str, subprotocol: Option<&str>) -> Socket {
    let mut req = format!("ws://{}{path}", app.addr)
        .into_client_request()
        .unwrap_or_else(|e| panic!("{e}"));
    if let Some(p) = subprotocol {
        req.headers_mut().insert(
            "Sec-WebSocket-Protocol",
            HeaderValue::from_str(p).unwrap_or_else(|e| panic!("{e}")),
        );
    }
    connect_async(req)
        .await
        .unwrap_or_else(|e| panic!("connect: {e}"))
        .0
}

pub(crate) async fn ws(app: &TestApp) -> Socket {
    open(app, "/graphql/ws", Some("graphql-transport-ws")).await
}

pub(crate) async fn send(s: &mut Socket, v: Value) {
    s.send(Message::Text(v.to_string().into()))
        .await
        .unwrap_or_else(|e| panic!("send: {e}"));
}

/// The next protocol message (answering nothing itself), or the close frame as
/// `{"close": code, "reason": …}`.
pub(crate) async fn recv(s: &mut Socket) -> Value {
    loop {
        let m = tokio::time::timeout(PATIENCE, s.next())
            .await
            .unwrap_or_else(|_| panic!("no message within {PATIENCE:?}"));
        match m {
            Some(Ok(Message::Text(t))) => {
                return serde_json::from_str(t.as_str()).unwrap_or_else(|e| panic!("{e}: {t}"))
            }
            Some(Ok(Message::Close(f))) => {
                let (code, reason) = f.map_or((0, String::new()), |f| {
                    (u16::from(f.code), f.reason.as_str().to_owned())
                });
                return json!({ "close": code, "reason": reason });
            }
            Some(Ok(_)) => continue,
            Some(Err(e)) => panic!("socket error: {e}"),
            None => return json!({ "close": 0, "reason": "ended without a close frame" }),
        }
    }
}

pub(crate) async fn expect_close(s: &mut Socket, code: u16, reason: &str) {
    let m = recv(s).await;
    assert_eq!(m, json!({ "close": code, "reason": reason }));
}

/// An acknowledged connection, signed in with `token` if given.
pub(crate) async fn acked(app: &TestApp, token: Option<&str>) -> Socket {
    let mut s = ws(app).await;
    let payload = token.map_or(json!({}), |t| json!({ "token": t }));
    send(
        &mut s,
        json!({ "type": "connection_init", "payload": payload }),
    )
    .await;
    assert_eq!(recv(&mut s).await, json!({ "type": "connection_ack" }));
    s
}

pub(crate) async fn subscribe(s: &mut Socket, id: &str, query: &str, variables: Value) {
    send(
        s,
        json!({ "id": id, "type": "subscribe", "payload": { "query": query, "variables": variables } }),
    )
    .await;
}

/// Subscribes, then waits for the answer to a ping: the server reads a connection's
/// messages in order and the next one only once the feed listens.
pub(crate) async fn listen(s: &mut Socket, id: &str, query: &str, variables: Value) {
    subscribe(s, id, query, variables).await;
    send(s, json!({ "type": "ping", "payload": { "after": id } })).await;
    assert_eq!(
        recv(s).await,
        json!({ "type": "pong", "payload": { "after": id } })
    );
}

/// The payload of the next `next` message of operation `id`.
pub(crate) async fn next_of(s: &mut Socket, id: &str) -> Value {
    let m = recv(s).await;
    assert_eq!(m["type"], "next", "{m}");
    assert_eq!(m["id"], id, "{m}");
    m["payload"].clone()
}
