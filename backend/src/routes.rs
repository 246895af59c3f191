//! The HTTP surface. Each area is a module with a `router()`; this file assembles them, adds the
//! cross-cutting layers, and generates the OpenAPI document from the handlers' annotations.

mod auth;
mod catalog;
mod users;

use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::http::HeaderName;
use cnt_model::api::Health;
use cnt_model::{ErrorBody, ErrorCode};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};
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
    components(schemas(ErrorBody, ErrorCode)),
    modifiers(&BearerScheme)
)]
struct ApiDoc;

/// Declares the `bearer` security scheme that authenticated routes name.
struct BearerScheme;

impl Modify for BearerScheme {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                Http::builder()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
    }
}

/// Builds the whole application: routes, fallback, error rendering, request ids, tracing.
pub fn router(state: AppState) -> Router {
    let (api, mut openapi) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(health))
        .routes(routes!(auth::register))
        .routes(routes!(auth::check_username))
        .routes(routes!(auth::login))
        .routes(routes!(auth::refresh))
        .routes(routes!(auth::logout))
        .routes(routes!(auth::logout_all))
        .routes(routes!(auth::change_password))
        .routes(routes!(auth::send_otp))
        .routes(routes!(auth::verify_otp))
        .routes(routes!(auth::reset_password))
        .routes(routes!(auth::google_login))
        .routes(routes!(users::me, users::update_me))
        .routes(routes!(users::public))
        .routes(routes!(users::set_admin))
        .routes(routes!(users::approve))
        .routes(routes!(catalog::changes))
        .routes(routes!(catalog::push))
        .routes(routes!(catalog::list))
        .routes(routes!(catalog::get))
        .routes(routes!(catalog::artist))
        .routes(routes!(catalog::create))
        .routes(routes!(catalog::update, catalog::delete))
        .routes(routes!(catalog::upload))
        .routes(routes!(catalog::media))
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
