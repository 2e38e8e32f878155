//! Every answer body that carries errors is written here, on every route: from
//! `AppError` (its code, message and extensions, `error.rs`) through the one table
//! of statuses (`error::status_of_code`), with the request's id. GraphQL errors
//! raised inside the schema pass through [`finish_errors`], which gives the same
//! shape to the library's own (parse, validation) errors.

use super::origin::RequestId;
use crate::error::AppError;
use axum::{
    http::{header, HeaderMap, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
};
use serde_json::{json, Value};

const GRAPHQL_RESPONSE: &str = "application/graphql-response+json; charset=utf-8";
const JSON: &str = "application/json; charset=utf-8";

/// Which media type the client accepts.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum MediaType {
    GraphqlResponse,
    Json,
}

impl MediaType {
    /// The first acceptable of the two in the client's order of preference (`q` values respected).
    pub fn negotiate(headers: &HeaderMap) -> MediaType {
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

    pub fn content_type(self) -> &'static str {
        match self {
            MediaType::GraphqlResponse => GRAPHQL_RESPONSE,
            MediaType::Json => JSON,
        }
    }
}

pub fn json_response(status: StatusCode, media: MediaType, body: &Value) -> Response {
    let mut resp = (status, body.to_string()).into_response();
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(media.content_type()),
    );
    resp
}

/// When in a request's life an error stops it: this decides only what the
/// GraphQL-over-HTTP specification asks of the status under the legacy media type.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Stage {
    /// Before a GraphQL request exists (method, media type, body, parameters,
    /// credentials): the status of the error's code.
    Http,
    /// A well-formed GraphQL request whose document could not run (parse,
    /// validation, limits, persisted documents): under `application/json` a 200,
    /// as the specification asks for the legacy media type; else the code's status.
    Document,
}

/// The status of an answer that fails with `code` and carries no data.
pub fn status(code: &str, stage: Stage, media: MediaType) -> StatusCode {
    let status = crate::error::status_of_code(code);
    let legacy =
        stage == Stage::Document && media == MediaType::Json && status == StatusCode::BAD_REQUEST;
    if legacy {
        StatusCode::OK
    } else {
        status
    }
}

/// An answer that carries only `error`: its status from the code (see [`status`]),
/// `Allow` and `Retry-After` where the error calls for them, never stored by caches.
pub fn error_response(e: &AppError, stage: Stage, media: MediaType, id: &RequestId) -> Response {
    let mut resp = json_response(
        status(e.code(), stage, media),
        media,
        &json!({ "errors": [e.to_json(id.as_str())] }),
    );
    let h = resp.headers_mut();
    match e {
        AppError::MethodNotAllowed { allow, .. } => {
            h.insert(header::ALLOW, HeaderValue::from_static(allow));
        }
        AppError::RateLimited { retry_after_secs } => {
            h.insert(header::RETRY_AFTER, HeaderValue::from(*retry_after_secs));
        }
        _ => {}
    }
    super::caching::no_store(resp)
}

/// At most this many errors are sent back; the rest are counted in one more.
pub const MAX_ERRORS: usize = 20;

/// The `errors` of a GraphQL answer (an array, as serialised from the schema's
/// response), finished: every error carries a code (the library's own errors
/// carry none: without a path they are about the client's document, so
/// BAD_USER_INPUT; with one, a resolver failed in a way no `AppError` said, so
/// INTERNAL) and the request's id; a long list (5,000 unused variables make 5,000
/// errors) is cut to [`MAX_ERRORS`].
pub fn finish_errors(errors: &mut Value, id: &RequestId) {
    let Value::Array(list) = errors else {
        return;
    };
    if list.len() > MAX_ERRORS {
        let left_out = list.len() - MAX_ERRORS;
        list.truncate(MAX_ERRORS);
        list.push(
            AppError::BadRequest(format!(
                "{left_out} more errors were left out: mend these first"
            ))
            .to_json(id.as_str()),
        );
    }
    for e in list {
        let Some(o) = e.as_object_mut() else {
            continue;
        };
        let executed = o.get("path").is_some_and(|p| !p.is_null());
        let message = o.get("message").cloned().unwrap_or(Value::Null);
        let ext = o.entry("extensions").or_insert_with(|| json!({}));
        if let Value::Object(ext) = ext {
            ext.entry("code").or_insert_with(|| {
                if executed {
                    tracing::error!(error = %message, "a resolver failed without a code");
                    json!("INTERNAL")
                } else {
                    json!("BAD_USER_INPUT")
                }
            });
            ext.insert("requestId".into(), json!(id.as_str()));
        }
    }
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
    fn errors_without_a_code_get_one_by_where_they_arose() {
        let id = RequestId("r".into());
        let mut errors = json!([
            { "message": "Unknown field" },
            { "message": "boom", "path": ["cooperatives"] },
            { "message": "x", "extensions": { "code": "NOT_FOUND" } },
        ]);
        finish_errors(&mut errors, &id);
        assert_eq!(errors[0]["extensions"]["code"], "BAD_USER_INPUT");
        assert_eq!(errors[1]["extensions"]["code"], "INTERNAL");
        assert_eq!(errors[2]["extensions"]["code"], "NOT_FOUND");
        assert!(errors
            .as_array()
            .is_some_and(|l| l.iter().all(|e| e["extensions"]["requestId"] == "r")));
    }

    #[test]
    fn a_document_error_is_a_200_only_under_the_legacy_media_type() {
        use MediaType::*;
        assert_eq!(
            status("BAD_USER_INPUT", Stage::Document, Json),
            StatusCode::OK
        );
        assert_eq!(
            status("BAD_USER_INPUT", Stage::Document, GraphqlResponse),
            StatusCode::BAD_REQUEST
        );
        assert_eq!(
            status("BAD_USER_INPUT", Stage::Http, Json),
            StatusCode::BAD_REQUEST
        );
        assert_eq!(
            status("RATE_LIMITED", Stage::Document, Json),
            StatusCode::TOO_MANY_REQUESTS
        );
        assert_eq!(
            status("INTERNAL", Stage::Document, Json),
            StatusCode::INTERNAL_SERVER_ERROR
        );
    }
}
