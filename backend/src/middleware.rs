//! Cross-cutting layers: request ids and the one JSON error shape.

use axum::body::{Body, to_bytes};
use axum::extract::Request;
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use cnt_model::{ErrorBody, ErrorCode};
use tower_http::request_id::RequestId;

use crate::error::ErrorInfo;

/// Longest body of a lower layer's 4xx answer that we pass on as the message.
const MAX_PASSED_MESSAGE: usize = 400;

/// Makes every error response `{"error": {code, message, request_id}}`.
///
/// Handler errors arrive with an [`ErrorInfo`] extension. Errors made by axum or tower layers (unknown
/// route, wrong method, a JSON rejection, a caught panic) arrive as a bare status with a text body:
/// they are wrapped too, keeping a 4xx text as the message and never a 5xx one.
pub(crate) async fn render_errors(request: Request, next: Next) -> Response {
    let request_id = request
        .extensions()
        .get::<RequestId>()
        .and_then(|id| id.header_value().to_str().ok())
        .unwrap_or("-")
        .to_owned();
    let response = next.run(request).await;
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let (code, message) = match parts.extensions.remove::<ErrorInfo>() {
        Some(info) => (info.code, info.message),
        None => {
            let is_json = parts
                .headers
                .get(header::CONTENT_TYPE)
                .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
            if is_json {
                return Response::from_parts(parts, body);
            }
            let code = ErrorCode::from_http_status(status.as_u16());
            let text = to_bytes(body, 64 * 1024).await.unwrap_or_default();
            let text = String::from_utf8_lossy(&text).trim().to_owned();
            let message = if status.is_client_error() && !text.is_empty() {
                text.chars().take(MAX_PASSED_MESSAGE).collect()
            } else {
                status.canonical_reason().unwrap_or("error").to_lowercase()
            };
            (code, message)
        }
    };
    if status.is_server_error() {
        tracing::warn!(%request_id, %code, status = status.as_u16(), "answered with an error");
    }
    let body = ErrorBody::new(code, message, request_id);
    let json = serde_json::to_vec(&body).unwrap_or_default();
    parts.headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(json)).into_response()
}
