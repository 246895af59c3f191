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
}

impl ApiError {
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
        };
        let status =
            StatusCode::from_u16(code.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut response = status.into_response();
        response
            .extensions_mut()
            .insert(ErrorInfo { code, message });
        response
    }
}
