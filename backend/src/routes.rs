//! The HTTP surface. Each area is a module with a `router()`; this file assembles them, adds the
//! cross-cutting layers, and generates the OpenAPI document from the handlers' annotations.

use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::http::HeaderName;
use cnt_model::api::Health;
use cnt_model::{ErrorBody, ErrorCode};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::{ApiError, AppState};

/// The API description; paths are added from the routers below.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "CNT Media API",
        description = "The CNT Media server. Every error has the body `{\"error\": {\"code\", \"message\", \"request_id\"}}`."
    ),
    components(schemas(ErrorBody, ErrorCode))
)]
struct ApiDoc;

/// Builds the whole application: routes, fallback, error rendering, request ids, tracing.
pub fn router(state: AppState) -> Router {
    let (api, mut openapi) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(health))
        .split_for_parts();
    openapi.info.version = env!("CARGO_PKG_VERSION").to_owned();
    let x_request_id = HeaderName::from_static("x-request-id");
    api.route(
        "/api/v1/openapi.json",
        axum::routing::get(move || {
            let doc = openapi.clone();
            async move { Json(doc) }
        }),
    )
    .fallback(|| async { ApiError::not_found("there is nothing at this address") })
    .with_state(state)
    .layer(axum::middleware::from_fn(crate::middleware::render_errors))
    .layer(CatchPanicLayer::new())
    .layer(PropagateRequestIdLayer::new(x_request_id.clone()))
    .layer(TraceLayer::new_for_http().make_span_with(
        |request: &axum::http::Request<axum::body::Body>| {
            let id = request
                .headers()
                .get("x-request-id")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("-");
            tracing::info_span!("request", method = %request.method(), uri = %request.uri(), request_id = %id)
        },
    ))
    .layer(SetRequestIdLayer::new(x_request_id, MakeRequestUuid))
}

/// Is the server up, and does its database answer?
#[utoipa::path(
    get,
    path = "/health",
    tag = "system",
    responses(
        (status = 200, description = "The server and its database answer", body = Health),
        (status = 503, description = "The database does not answer", body = ErrorBody),
    )
)]
async fn health(State(state): State<AppState>) -> Result<Json<Health>, ApiError> {
    state.db.ping().await?;
    Ok(Json(Health {
        status: "ok".into(),
        version: env!("CARGO_PKG_VERSION").into(),
        database: state.db.backend_name().into(),
    }))
}
