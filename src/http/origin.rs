//! Where a request comes from and its id: one middleware in front of every route.
//!
//! **The client's address.** A request's client is its TCP peer, unless the peer
//! is one of `COOPHUB_TRUSTED_PROXIES` (addresses or CIDR blocks): then it is read
//! from `Forwarded` (RFC 7239) or, without it, `X-Forwarded-For`, walking the
//! chain from the right past every trusted hop; the first hop that is not a
//! trusted proxy is the client (a client cannot choose its address by sending the
//! header itself: what it sent sits left of the hop that added its real
//! address). Budgets, the sign-in, registration and reset limiters and the logs
//! all use it (`auth::ClientAddr` in the request's extensions).
//!
//! **The request id.** Every answer carries `x-request-id`, every error body
//! `extensions.requestId`, and every log line of the request the same id (the
//! request's tracing span). A trusted proxy's `X-Request-Id` is kept (so one id
//! follows a request through nginx and coophub); otherwise one is generated.

use crate::auth::ClientAddr;
use crate::http::state::AppState;
use axum::{
    extract::{ConnectInfo, Request, State},
    http::{HeaderMap, HeaderName, HeaderValue},
    middleware::Next,
    response::Response,
};
use ipnet::IpNet;
use std::{net::IpAddr, net::SocketAddr, sync::Arc};
use tracing::Instrument;

pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The id of one request (or one WebSocket connection): in its answer's
/// `x-request-id`, its errors' `extensions.requestId` and its log lines.
#[derive(Clone, Debug)]
pub struct RequestId(pub Arc<str>);

impl RequestId {
    fn generate() -> RequestId {
        RequestId(format!("{:016x}", fastrand::u64(..)).into())
    }

    /// A proxy's id is kept when it is short and plain (it goes into headers and logs).
    fn from_proxy(headers: &HeaderMap) -> Option<RequestId> {
        let v = headers.get(&REQUEST_ID)?.to_str().ok()?;
        let plain = !v.is_empty()
            && v.len() <= 128
            && v.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-_.:".contains(&b));
        plain.then(|| RequestId(v.into()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A request's (or a WebSocket connection's) client and id, together.
#[derive(Clone, Debug)]
pub struct Origin {
    pub addr: ClientAddr,
    pub id: RequestId,
}

/// `COOPHUB_TRUSTED_PROXIES`.
#[derive(Clone, Debug, Default)]
pub struct TrustedProxies(pub Arc<[IpNet]>);

impl TrustedProxies {
    pub fn new(nets: &[IpNet]) -> TrustedProxies {
        TrustedProxies(nets.into())
    }

    fn trusts(&self, ip: IpAddr) -> bool {
        let ip = ip.to_canonical();
        self.0.iter().any(|n| n.contains(&ip))
    }

    /// The client of a request that reached us from `peer` with `headers`.
    pub fn client(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        if !self.trusts(peer) {
            return peer;
        }
        let hops = forwarded_for(headers);
        let mut client = peer;
        for hop in hops.iter().rev() {
            if !self.trusts(client) {
                break;
            }
            match hop {
                // A trusted proxy says who sent it the request: that hop is next.
                Some(ip) => client = *ip,
                // Unreadable ("unknown", an obfuscated name): the last trusted hop
                // is as far as the chain can be believed.
                None => break,
            }
        }
        client
    }
}

/// The `for=` hops of `Forwarded`, or without it the entries of `X-Forwarded-For`,
/// in order (client first); None for a hop that is not an address.
fn forwarded_for(headers: &HeaderMap) -> Vec<Option<IpAddr>> {
    let forwarded: Vec<&str> = headers
        .get_all(axum::http::header::FORWARDED)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    if !forwarded.is_empty() {
        return forwarded
            .iter()
            .flat_map(|v| v.split(','))
            .filter_map(|element| {
                element.split(';').find_map(|pair| {
                    let (k, v) = pair.trim().split_once('=')?;
                    k.trim()
                        .eq_ignore_ascii_case("for")
                        .then(|| node_address(v.trim().trim_matches('"')))
                })
            })
            .collect();
    }
    headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|hop| node_address(hop.trim()))
        .collect()
}

/// An address as proxies write it: `192.0.2.1`, `192.0.2.1:4711`, `2001:db8::1`,
/// `[2001:db8::1]` or `[2001:db8::1]:4711`.
fn node_address(node: &str) -> Option<IpAddr> {
    if let Ok(ip) = node.parse::<IpAddr>() {
        return Some(ip);
    }
    if let Ok(sa) = node.parse::<SocketAddr>() {
        return Some(sa.ip());
    }
    node.strip_prefix('[')?.strip_suffix(']')?.parse().ok()
}

/// The middleware: sets `ClientAddr` and `RequestId` in the request's extensions,
/// runs the route inside the request's span, and stamps `x-request-id` on the answer.
pub async fn middleware(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::from([127, 0, 0, 1]), |c| c.0.ip());
    let proxies = &state.trusted_proxies;
    let from_proxy = proxies.trusts(peer);
    let client = proxies.client(peer, req.headers());
    let id = from_proxy
        .then(|| RequestId::from_proxy(req.headers()))
        .flatten()
        .unwrap_or_else(RequestId::generate);
    let span = tracing::info_span!(
        "request",
        id = %id.as_str(),
        client = %client,
        method = %req.method(),
        path = %req.uri().path(),
    );
    req.extensions_mut().insert(ClientAddr(client));
    req.extensions_mut().insert(id.clone());
    let mut resp = next.run(req).instrument(span).await;
    if let Ok(v) = HeaderValue::from_str(id.as_str()) {
        resp.headers_mut().insert(REQUEST_ID, v);
    }
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            if let (Ok(k), Ok(v)) = (
                HeaderName::from_bytes(k.as_bytes()),
                HeaderValue::from_str(v),
            ) {
                h.append(k, v);
            }
        }
        h
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap_or(IpAddr::from([0, 0, 0, 0]))
    }

    fn proxies(list: &[&str]) -> TrustedProxies {
        TrustedProxies::new(
            &list
                .iter()
                .filter_map(|s| s.parse().ok())
                .collect::<Vec<_>>(),
        )
    }

    #[test]
    fn an_untrusted_peer_is_the_client_whatever_it_says() {
        let p = proxies(&["10.0.0.0/8"]);
        let h = headers(&[("x-forwarded-for", "1.2.3.4")]);
        assert_eq!(p.client(ip("203.0.113.9"), &h), ip("203.0.113.9"));
        assert_eq!(
            TrustedProxies::default().client(ip("10.0.0.1"), &h),
            ip("10.0.0.1")
        );
    }

    #[test]
    fn the_chain_is_walked_from_the_right_past_trusted_hops() {
        let p = proxies(&["10.0.0.0/8", "127.0.0.1/32"]);
        // The client forged the first entry; the proxy appended the real address.
        let h = headers(&[("x-forwarded-for", "6.6.6.6, 198.51.100.7, 10.0.0.2")]);
        assert_eq!(p.client(ip("127.0.0.1"), &h), ip("198.51.100.7"));
        // Two header lines count as one list.
        let h = headers(&[
            ("x-forwarded-for", "6.6.6.6"),
            ("x-forwarded-for", "198.51.100.7"),
        ]);
        assert_eq!(p.client(ip("10.1.1.1"), &h), ip("198.51.100.7"));
        // Every hop trusted: the leftmost is the client.
        let h = headers(&[("x-forwarded-for", "10.9.9.9")]);
        assert_eq!(p.client(ip("10.1.1.1"), &h), ip("10.9.9.9"));
        // An unreadable hop stops the walk at the last trusted one.
        let h = headers(&[("x-forwarded-for", "198.51.100.7, unknown")]);
        assert_eq!(p.client(ip("10.1.1.1"), &h), ip("10.1.1.1"));
    }

    #[test]
    fn forwarded_wins_over_x_forwarded_for_and_takes_every_form() {
        let p = proxies(&["10.0.0.0/8"]);
        let h = headers(&[
            (
                "forwarded",
                "for=\"[2001:db8:cafe::17]:4711\";proto=https, for=10.0.0.5;by=10.0.0.1",
            ),
            ("x-forwarded-for", "6.6.6.6"),
        ]);
        assert_eq!(p.client(ip("10.0.0.1"), &h), ip("2001:db8:cafe::17"));
        let h = headers(&[("forwarded", "For=192.0.2.60:8080")]);
        assert_eq!(p.client(ip("10.0.0.1"), &h), ip("192.0.2.60"));
    }

    #[test]
    fn a_proxy_request_id_is_kept_only_when_plain() {
        let ok = headers(&[("x-request-id", "abc-123_x.y:z")]);
        assert_eq!(
            RequestId::from_proxy(&ok).map(|r| r.0.to_string()),
            Some("abc-123_x.y:z".into())
        );
        let bad = headers(&[("x-request-id", "a b")]);
        assert!(RequestId::from_proxy(&bad).is_none());
        assert_eq!(RequestId::generate().as_str().len(), 16);
    }
}
