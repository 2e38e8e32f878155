//! The application error: one enum, variants by kind, mapped in one place to a
//! GraphQL error with a stable `extensions.code`.
//!
//! `AppError` deliberately does not implement `Display`: async-graphql turns
//! every `Display` type into an error carrying its text, and a database error's
//! text must never reach a client. The only way out is `From<AppError>` below,
//! which logs internal causes and replaces them with "internal error".

use async_graphql::ErrorExtensions;
use std::sync::Arc;

/// Everything that can go wrong while serving a request.
#[derive(Debug, Clone)]
pub enum AppError {
    /// The thing asked for does not exist (or is not visible to the viewer).
    NotFound(String),
    /// An argument is wrong; `field` names it and `message` says how to fix it.
    InvalidInput {
        field: String,
        message: String,
    },
    /// A concurrent change or a uniqueness rule prevents the write.
    Conflict(String),
    /// The record changed since the client read it; `current` is its version now.
    StaleVersion {
        current: i32,
    },
    Unauthenticated,
    /// The bearer token names no live credential (expired, revoked or mistyped).
    InvalidToken,
    Forbidden,
    RateLimited {
        retry_after_secs: u64,
    },
    /// The request is not a well-formed GraphQL request (body, parameters): it never
    /// reached the schema.
    BadRequest(String),
    /// The HTTP method cannot run this request; `allow` lists the ones that can.
    MethodNotAllowed {
        allow: &'static str,
        message: String,
    },
    /// The body is not JSON (a form or text post, which browsers send cross-site).
    UnsupportedMediaType(String),
    /// The document is over one of the request limits (docs/limits.md); `limit` names it.
    Limit {
        limit: &'static str,
        message: String,
    },
    /// The request ran longer than the time limit and was stopped.
    Timeout {
        ms: u128,
    },
    /// `extensions.persistedQuery` names a document this server does not hold.
    PersistedQueryNotFound,
    /// Allow-list mode: only registered documents run.
    PersistedQueryNotAllowed,
    /// The database failed; the cause is logged, never returned.
    Db(Arc<sea_orm::DbErr>),
    /// Anything else unexpected; the cause is logged, never returned.
    Internal(String),
}

impl AppError {
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        AppError::InvalidInput {
            field: field.to_owned(),
            message: message.into(),
        }
    }

    /// The stable code clients switch on.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::NotFound(_) => "NOT_FOUND",
            AppError::InvalidInput { .. } | AppError::BadRequest(_) | AppError::Limit { .. } => {
                "BAD_USER_INPUT"
            }
            AppError::Conflict(_) | AppError::StaleVersion { .. } => "CONFLICT",
            AppError::Unauthenticated | AppError::InvalidToken => "UNAUTHENTICATED",
            AppError::MethodNotAllowed { .. } => "METHOD_NOT_ALLOWED",
            AppError::UnsupportedMediaType(_) => "UNSUPPORTED_MEDIA_TYPE",
            AppError::Timeout { .. } => "TIMEOUT",
            AppError::PersistedQueryNotFound => "PERSISTED_QUERY_NOT_FOUND",
            AppError::PersistedQueryNotAllowed => "PERSISTED_QUERY_NOT_ALLOWED",
            AppError::Forbidden => "FORBIDDEN",
            AppError::RateLimited { .. } => "RATE_LIMITED",
            AppError::Db(_) | AppError::Internal(_) => "INTERNAL",
        }
    }

    /// The HTTP status of an answer that fails with this error and carries no data.
    pub fn http_status(&self) -> axum::http::StatusCode {
        status_of_code(self.code())
    }

    /// The text a client sees.
    pub fn public_message(&self) -> String {
        match self {
            AppError::NotFound(what) => format!("{what} not found"),
            AppError::InvalidInput { field, message } => format!("{field}: {message}"),
            AppError::Conflict(message) => message.clone(),
            AppError::StaleVersion { current } => format!(
                "someone changed this record since you read it (it is now at version {current}): reload it and apply your change again"
            ),
            AppError::Unauthenticated => {
                "sign in first: send `Authorization: Bearer <token>`".into()
            }
            AppError::InvalidToken => {
                "the bearer token is not valid (expired, revoked or mistyped): sign in again".into()
            }
            AppError::BadRequest(message)
            | AppError::UnsupportedMediaType(message)
            | AppError::MethodNotAllowed { message, .. }
            | AppError::Limit { message, .. } => message.clone(),
            AppError::Timeout { ms } => {
                format!("the request took longer than {ms} ms and was stopped: ask for fewer items")
            }
            // The name Apollo's clients look for before they send the whole document.
            AppError::PersistedQueryNotFound => "PersistedQueryNotFound".into(),
            AppError::PersistedQueryNotAllowed => {
                "this server runs only registered documents: send the `sha256Hash` of one in \
                 `extensions.persistedQuery` (ask the coophub operators to register a new one)"
                    .into()
            }
            AppError::Forbidden => "you are not allowed to do this".into(),
            AppError::RateLimited { retry_after_secs } => {
                format!("too many requests: try again in {retry_after_secs} s")
            }
            AppError::Db(_) | AppError::Internal(_) => "internal error".into(),
        }
    }
}

impl From<sea_orm::DbErr> for AppError {
    fn from(e: sea_orm::DbErr) -> Self {
        AppError::Db(Arc::new(e))
    }
}

impl AppError {
    /// Logs an internal cause (never sent); every way out of an error passes here.
    fn log_if_internal(&self) {
        if matches!(self, AppError::Db(_) | AppError::Internal(_)) {
            tracing::error!(error = ?self, "internal error");
        }
    }

    /// `extensions` of the error as a client sees it: `code`, and what the code
    /// needs (`field`, `currentVersion`, `retryAfter`, `limit`).
    pub fn extensions(&self) -> serde_json::Map<String, serde_json::Value> {
        let mut ext = serde_json::Map::new();
        ext.insert("code".into(), self.code().into());
        match self {
            AppError::InvalidInput { field, .. } => {
                ext.insert("field".into(), field.as_str().into());
            }
            AppError::StaleVersion { current } => {
                ext.insert("currentVersion".into(), (*current).into());
            }
            AppError::RateLimited { retry_after_secs } => {
                ext.insert("retryAfter".into(), (*retry_after_secs).into());
            }
            AppError::Limit { limit, .. } => {
                ext.insert("limit".into(), (*limit).into());
            }
            _ => {}
        }
        ext
    }

    /// The error as one entry of a response's `errors`, for answers written outside
    /// the schema (HTTP request errors, exports, WebSocket refusals): the same
    /// message and extensions as inside it, plus the request's id.
    pub fn to_json(&self, request_id: &str) -> serde_json::Value {
        self.log_if_internal();
        let mut ext = self.extensions();
        ext.insert("requestId".into(), request_id.into());
        serde_json::json!({ "message": self.public_message(), "extensions": ext })
    }
}

impl From<AppError> for async_graphql::Error {
    fn from(e: AppError) -> Self {
        e.log_if_internal();
        let ext = e.extensions();
        async_graphql::Error::new(e.public_message()).extend_with(|_, values| {
            for (k, v) in ext {
                if let Ok(v) = async_graphql::Value::from_json(v) {
                    values.set(k, v);
                }
            }
        })
    }
}

impl From<AppError> for async_graphql::ServerError {
    /// An error raised before execution (a limit, a budget): no location, no path.
    fn from(e: AppError) -> Self {
        let gql: async_graphql::Error = e.into();
        let mut s = async_graphql::ServerError::new(gql.message, None);
        s.extensions = gql.extensions;
        s
    }
}

pub type AppResult<T> = Result<T, AppError>;

/// Every code and the HTTP status of an answer that fails with it and carries no
/// data: one table for every route (a GraphQL answer with data is a 200 whatever
/// its field errors).
pub fn status_of_code(code: &str) -> axum::http::StatusCode {
    use axum::http::StatusCode;
    match code {
        "BAD_USER_INPUT" => StatusCode::BAD_REQUEST,
        "UNAUTHENTICATED" => StatusCode::UNAUTHORIZED,
        "FORBIDDEN" => StatusCode::FORBIDDEN,
        "NOT_FOUND" => StatusCode::NOT_FOUND,
        "METHOD_NOT_ALLOWED" => StatusCode::METHOD_NOT_ALLOWED,
        "CONFLICT" => StatusCode::CONFLICT,
        "UNSUPPORTED_MEDIA_TYPE" => StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "RATE_LIMITED" => StatusCode::TOO_MANY_REQUESTS,
        "TIMEOUT" => StatusCode::SERVICE_UNAVAILABLE,
        "PERSISTED_QUERY_NOT_FOUND" | "PERSISTED_QUERY_NOT_ALLOWED" => StatusCode::BAD_REQUEST,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_errors_are_hidden_behind_a_code() {
        let e = AppError::from(sea_orm::DbErr::Custom(
            "relation \"secret_table\" does not exist".into(),
        ));
        let gql: async_graphql::Error = e.into();
        assert_eq!(gql.message, "internal error");
        let ext = serde_json::to_value(&gql.extensions).unwrap_or_default();
        assert_eq!(ext["code"], "INTERNAL");
    }

    #[test]
    fn invalid_input_names_the_field() {
        let gql: async_graphql::Error = AppError::invalid("nip", "checksum digit is wrong").into();
        assert_eq!(gql.message, "nip: checksum digit is wrong");
        let ext = serde_json::to_value(&gql.extensions).unwrap_or_default();
        assert_eq!(ext["code"], "BAD_USER_INPUT");
        assert_eq!(ext["field"], "nip");
    }

    #[test]
    fn every_error_has_the_status_of_its_code() {
        use axum::http::StatusCode;
        let cases = [
            (AppError::NotFound("x".into()), StatusCode::NOT_FOUND),
            (AppError::invalid("f", "m"), StatusCode::BAD_REQUEST),
            (AppError::Conflict("c".into()), StatusCode::CONFLICT),
            (AppError::StaleVersion { current: 2 }, StatusCode::CONFLICT),
            (AppError::Unauthenticated, StatusCode::UNAUTHORIZED),
            (AppError::Forbidden, StatusCode::FORBIDDEN),
            (
                AppError::RateLimited {
                    retry_after_secs: 1,
                },
                StatusCode::TOO_MANY_REQUESTS,
            ),
            (
                AppError::Internal("x".into()),
                StatusCode::INTERNAL_SERVER_ERROR,
            ),
            (
                AppError::from(sea_orm::DbErr::Custom("x".into())),
                StatusCode::INTERNAL_SERVER_ERROR,
            ),
            (AppError::BadRequest("b".into()), StatusCode::BAD_REQUEST),
            (
                AppError::MethodNotAllowed {
                    allow: "POST",
                    message: "m".into(),
                },
                StatusCode::METHOD_NOT_ALLOWED,
            ),
            (
                AppError::UnsupportedMediaType("u".into()),
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ),
            (AppError::Timeout { ms: 5 }, StatusCode::SERVICE_UNAVAILABLE),
            (AppError::PersistedQueryNotFound, StatusCode::BAD_REQUEST),
            (AppError::PersistedQueryNotAllowed, StatusCode::BAD_REQUEST),
        ];
        for (e, status) in cases {
            assert_eq!(e.http_status(), status, "{}", e.code());
            // Every code the table knows has its own status; only INTERNAL is a 500.
            assert_eq!(
                status == StatusCode::INTERNAL_SERVER_ERROR,
                e.code() == "INTERNAL",
                "{}",
                e.code()
            );
        }
    }

    #[test]
    fn an_internal_failure_written_outside_the_schema_is_internal_and_hidden() {
        let e = AppError::from(sea_orm::DbErr::Custom("secret detail".into()));
        let body = e.to_json("r1");
        assert_eq!(body["message"], "internal error");
        assert_eq!(body["extensions"]["code"], "INTERNAL");
        assert_eq!(body["extensions"]["requestId"], "r1");
        assert!(!body.to_string().contains("secret"));
    }
}
