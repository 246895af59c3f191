use axum::http::{Method, StatusCode};
use cnt_backend::AppState;

use cnt_model::{ErrorBody, ErrorCode};

use super::state;

async fn call(
    state: &AppState,
    method: Method,
    uri: &str,
) -> (StatusCode, String, serde_json::Value) {
    let a = super::send(state, method, uri, None, None, None).await;
    let request_id = a
        .headers
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let content_type = a
        .headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(
        content_type.starts_with("application/json"),
        "{uri}: content-type {content_type}"
    );
    assert!(!a.json.is_null(), "{uri}: a JSON body");
    (a.status, request_id, a.json)
}

fn assert_error(json: &serde_json::Value, request_id: &str, code: ErrorCode) {
    let body: ErrorBody = serde_json::from_value(json.clone()).expect("the one error shape");
    assert_eq!(body.error.code, code, "{json}");
    assert!(!request_id.is_empty(), "x-request-id header");
    assert_eq!(
        body.error.request_id, request_id,
        "body and header carry the same id"
    );
    assert!(!body.error.message.is_empty());
}

#[tokio::test]
async fn health_checks_the_database() {
    let (_dir, state) = state().await;
    let (status, id, json) = call(&state, Method::GET, "/health").await;
    assert_eq!(status, StatusCode::OK);
    assert!(!id.is_empty());
    assert_eq!(json["status"], "ok");
    let expected = if std::env::var_os("CNT_TEST_POSTGRES").is_some() {
        "postgres"
    } else {
        "sqlite"
    };
    assert_eq!(json["database"], expected);
    assert_eq!(json["version"], env!("CARGO_PKG_VERSION"));
}

#[tokio::test]
async fn health_is_503_in_the_error_shape_when_the_database_is_gone() {
    let (_dir, state) = state().await;
    state.db.close().await;
    let (status, id, json) = call(&state, Method::GET, "/health").await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert_error(&json, &id, ErrorCode::DatabaseUnavailable);
    assert!(
        !json.to_string().contains("PoolClosed"),
        "internals must not leak: {json}"
    );
}

#[tokio::test]
async fn unknown_routes_answer_404_in_the_error_shape() {
    let (_dir, state) = state().await;
    for uri in ["/nope", "/api/v1/nothing/here", "/api/v2/health"] {
        let (status, id, json) = call(&state, Method::GET, uri).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{uri}");
        assert_error(&json, &id, ErrorCode::NotFound);
    }
}

#[tokio::test]
async fn a_wrong_method_answers_405_in_the_error_shape() {
    let (_dir, state) = state().await;
    let (status, id, json) = call(&state, Method::DELETE, "/health").await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
    assert_error(&json, &id, ErrorCode::MethodNotAllowed);
}

#[tokio::test]
async fn request_ids_differ_per_request() {
    let (_dir, state) = state().await;
    let (_, a, _) = call(&state, Method::GET, "/health").await;
    let (_, b, _) = call(&state, Method::GET, "/health").await;
    assert_ne!(a, b);
}

#[tokio::test]
async fn the_openapi_document_is_generated_from_the_handlers() {
    let (_dir, state) = state().await;
    let (status, _, doc) = call(&state, Method::GET, "/api/v1/openapi.json").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        doc["openapi"].as_str().expect("version").starts_with("3."),
        "{doc}"
    );
    assert_eq!(doc["info"]["version"], env!("CARGO_PKG_VERSION"));
    let health = &doc["paths"]["/health"]["get"];
    assert!(health["responses"]["200"].is_object(), "{doc}");
    assert!(health["responses"]["503"].is_object(), "{doc}");
    let schemas = &doc["components"]["schemas"];
    for name in ["Health", "ErrorBody", "ErrorDetail", "ErrorCode"] {
        assert!(
            schemas[name].is_object(),
            "schema {name} missing: {schemas}"
        );
    }
    let codes: Vec<&str> = schemas["ErrorCode"]["enum"]
        .as_array()
        .expect("enum")
        .iter()
        .filter_map(|v| v.as_str())
        .collect();
    assert_eq!(codes.len(), ErrorCode::ALL.len());
}
