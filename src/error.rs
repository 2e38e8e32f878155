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
    Forbidden,
    RateLimited {
        retry_after_secs: u64,
    },
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
            AppError::InvalidInput { .. } => "BAD_USER_INPUT",
            AppError::Conflict(_) | AppError::StaleVersion { .. } => "CONFLICT",
            AppError::Unauthenticated => "UNAUTHENTICATED",
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

impl From<AppError> for async_graphql::Error {
    fn from(e: AppError) -> Self {
        if matches!(e, AppError::Db(_) | AppError::Internal(_)) {
            tracing::error!(error = ?e, "internal error while resolving");
        }
        let code = e.code();
        let field = match &e {
            AppError::InvalidInput { field, .. } => Some(field.clone()),
            _ => None,
        };
        let current = match &e {
            AppError::StaleVersion { current } => Some(*current),
            _ => None,
        };
        let retry = match &e {
            AppError::RateLimited { retry_after_secs } => Some(*retry_after_secs),
            _ => None,
        };
        async_graphql::Error::new(e.public_message()).extend_with(|_, ext| {
            ext.set("code", code);
            if let Some(field) = &field {
                ext.set("field", field.as_str());
            }
            if let Some(v) = current {
                ext.set("currentVersion", v);
            }
            if let Some(r) = retry {
                ext.set("retryAfter", r);
            }
        })
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
        "CONFLICT" => StatusCode::CONFLICT,
        "RATE_LIMITED" => StatusCode::TOO_MANY_REQUESTS,
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
        ];
        for (e, status) in cases {
            assert_eq!(e.http_status(), status, "{}", e.code());
        }
    }
}
