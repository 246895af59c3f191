//! [`ApiError`]: the one error type handlers return.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use cnt_model::ErrorCode;

/// An error answered to a client.
///
/// `into_response` does not write the body itself: it attaches an [`ErrorInfo`] that the
/// `render_errors` middleware turns into the JSON body once the request id is known. Internal errors
/// are logged with their cause and answered with a generic message, never the cause.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// A client-facing error with its code and an English message.
    #[error("{code}: {message}")]
    Client {
        /// The code.
        code: ErrorCode,
        /// Safe to show to the client.
        message: String,
    },
    /// The database failed.
    #[error("database error: {0}")]
    Database(#[from] crate::db::DbError),
    /// Anything else that went wrong on our side.
    #[error("internal error: {0}")]
    Internal(String),
    /// Too many attempts; try again after the duration.
    #[error("too many attempts; retry in {0:?}")]
    RateLimited(std::time::Duration),
}

impl From<crate::auth::AuthError> for ApiError {
    fn from(e: crate::auth::AuthError) -> Self {
        match e {
            crate::auth::AuthError::InvalidToken(m) => ApiError::client(ErrorCode::InvalidToken, m),
            other => ApiError::Internal(other.to_string()),
        }
    }
}

impl ApiError {
    /// A client error with `code` and an English `message`.
    pub fn client(code: ErrorCode, message: impl Into<String>) -> Self {
        ApiError::Client {
            code,
            message: message.into(),
        }
    }

    /// A 404 with `message`.
    pub fn not_found(message: impl Into<String>) -> Self {
        ApiError::Client {
            code: ErrorCode::NotFound,
            message: message.into(),
        }
    }

    /// The code this error is answered with.
    pub fn code(&self) -> ErrorCode {
        match self {
            ApiError::Client { code, .. } => *code,
            ApiError::Database(_) => ErrorCode::DatabaseUnavailable,
            ApiError::Internal(_) => ErrorCode::Internal,
            ApiError::RateLimited(_) => ErrorCode::RateLimited,
        }
    }
}

/// What the `render_errors` middleware needs to write an error body.
#[derive(Clone, Debug)]
pub(crate) struct ErrorInfo {
    pub code: ErrorCode,
    pub message: String,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let code = self.code();
        let message = match &self {
            ApiError::Client { message, .. } => message.clone(),
            ApiError::Database(e) => {
                tracing::error!("database error: {e}");
                "the server's database is not answering".to_owned()
            }
            ApiError::Internal(e) => {
                tracing::error!("internal error: {e}");
                "internal server error".to_owned()
            }
            ApiError::RateLimited(wait) => {
                format!(
                    "too many attempts; try again in {} s",
                    wait.as_secs().max(1)
                )
            }
        };
        let status =
            StatusCode::from_u16(code.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut response = status.into_response();
        if let ApiError::RateLimited(wait) = &self
            && let Ok(v) = axum::http::HeaderValue::from_str(&wait.as_secs().max(1).to_string())
        {
            response
                .headers_mut()
                .insert(axum::http::header::RETRY_AFTER, v);
        }
        if status == StatusCode::UNAUTHORIZED {
            // RFC 6750: tell the client which scheme to use.
            response.headers_mut().insert(
                axum::http::header::WWW_AUTHENTICATE,
                axum::http::HeaderValue::from_static("Bearer realm=\"cnt\""),
            );
        }
        response
            .extensions_mut()
            .insert(ErrorInfo { code, message });
        response
    }
}
