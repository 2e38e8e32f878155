//! HTTP caching of GraphQL reads. `Cache-Control` comes from the fields' cache
//! hints and the viewer: an anonymous read is public, for the shortest max-age
//! its fields allow (at most `COOPHUB_HTTP_MAX_AGE`); once a user or partner key
//! is involved the answer is `private, no-store`; writes and errors are never
//! stored. A public answer to a GET carries a weak `ETag` (of its `data`), and a
//! GET whose `If-None-Match` holds it gets `304 Not Modified` without a body.

use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

/// How an answer may be kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Policy {
    /// Any cache, for this many seconds (0: revalidate each time, with the ETag).
    Public(u32),
    /// Only the client, and not stored: someone signed in or a partner key.
    Private,
    /// Nowhere: a write, or an answer with errors.
    NoStore,
}

impl Policy {
    /// The policy of a successful answer: `read` (not a mutation), by an anonymous
    /// viewer or not, with the fields' merged hint; `cap` bounds the max-age.
    pub fn of(read: bool, anonymous: bool, hint: async_graphql::CacheControl, cap: u32) -> Policy {
        if !read {
            return Policy::NoStore;
        }
        if !anonymous || !hint.public {
            return Policy::Private;
        }
        Policy::Public(match hint.max_age {
            a if a > 0 => u32::try_from(a).unwrap_or(0).min(cap),
            // `no_cache` on a field.
            -1 => 0,
            // No field has a hint.
            _ => cap,
        })
    }

    fn header(self) -> HeaderValue {
        match self {
            Policy::Public(0) => HeaderValue::from_static("public, no-cache"),
            Policy::Public(n) => HeaderValue::from_str(&format!("public, max-age={n}"))
                .unwrap_or(HeaderValue::from_static("no-store")),
            Policy::Private => HeaderValue::from_static("private, no-store"),
            Policy::NoStore => HeaderValue::from_static("no-store"),
        }
    }
}

/// Whether `If-None-Match` names this entity tag (or `*`), compared weakly as
/// RFC 9110 asks for `If-None-Match`.
fn matches(headers: &HeaderMap, etag: &str) -> bool {
    let opaque = |t: &str| t.strip_prefix("W/").unwrap_or(t).to_owned();
    let mine = opaque(etag);
    headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|t| t.trim())
        .any(|t| t == "*" || opaque(t) == mine)
}

/// A 200 with `body`, or a 304 when the client already holds it. `data` is where
/// the answer's `data` lies in `body`; `etag` is its tag when already known (stored
/// with a cached answer), else computed here.
/// `conditional` holds the headers of a GET: a POST's answer gets no `ETag`, since
/// caches keep no POST answers and `If-None-Match` answers 304 only to GET and HEAD.
pub fn respond(
    conditional: Option<&HeaderMap>,
    data: std::ops::Range<usize>,
    etag: Option<&str>,
    body: Vec<u8>,
    content_type: &'static str,
    policy: Policy,
) -> Response {
    let mut resp = if let (Policy::Public(_), Some(headers)) = (policy, conditional) {
        let etag = etag.map_or_else(
            || crate::graphql::response_cache::etag_of(body.get(data).unwrap_or_default()),
            str::to_owned,
        );
        let mut resp = if matches(headers, &etag) {
            StatusCode::NOT_MODIFIED.into_response()
        } else {
            let mut r = (StatusCode::OK, body).into_response();
            r.headers_mut()
                .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
            r
        };
        if let Ok(v) = HeaderValue::from_str(&etag) {
            resp.headers_mut().insert(header::ETAG, v);
        }
        resp
    } else {
        let mut r = (StatusCode::OK, body).into_response();
        r.headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
        r
    };
    resp.headers_mut()
        .insert(header::CACHE_CONTROL, policy.header());
    // The answer depends on who asks and in which media type.
    resp.headers_mut().insert(
        header::VARY,
        HeaderValue::from_static("Accept, Authorization"),
    );
    resp
}

/// Marks an answer as not to be stored anywhere.
pub fn no_store(mut resp: Response) -> Response {
    resp.headers_mut()
        .insert(header::CACHE_CONTROL, Policy::NoStore.header());
    resp
}
