//! cnt-backend integration tests.
//!
//! - `api`: the router through `tower::ServiceExt::oneshot` over a real SQLite file.
//! - `process`: the real `cnt-server` binary: start-up failures, settings, graceful shutdown.

mod accounts;
mod api;
mod catalog;
mod email;
mod google;
mod jws_vectors;
mod process;
mod pyjwt;
// Shared with the cross-crate tests (cnt-e2e) by path, so neither crate depends on the other.
#[path = "../../../tests/src/smtp.rs"]
mod smtp;

use cnt_backend::auth::{Auth, PasswordParams};
use cnt_backend::{AppState, Db, Registration};

/// Real argon2id with a small memory cost, so the many sign-ins of these tests stay quick. The
/// production cost is checked by a unit test and measured by `cargo bench -p cnt-backend --bench auth`.
pub const TEST_PASSWORDS: PasswordParams = PasswordParams {
    memory_kib: 1024,
    iterations: 1,
    parallelism: 1,
};

/// A fresh database in a temp dir with open registration.
pub async fn state() -> (tempfile::TempDir, AppState) {
    state_with(Registration::Open).await
}

/// A fresh database with the given registration policy: a SQLite file in a temp dir, or, when
/// `CNT_TEST_POSTGRES` names an admin URL (`cargo xtask test` sets it for a second pass), a new
/// PostgreSQL database per test (`cnt_t_<uuid>`, dropped by xtask afterwards).
pub async fn state_with(registration: Registration) -> (tempfile::TempDir, AppState) {
    let dir = tempfile::tempdir().expect("tempdir");
    let url = match std::env::var("CNT_TEST_POSTGRES") {
        Ok(admin) => postgres_database(&admin).await,
        Err(_) => format!("sqlite://{}/cnt.db?mode=rwc", dir.path().display()),
    };
    let db = Db::open(&url).await.expect("db");
    let auth = Auth::new(&[42u8; 32], TEST_PASSWORDS).expect("auth");
    (dir, AppState::new(db, auth, registration))
}

/// Creates an empty database on the PostgreSQL server of `admin` and returns its URL.
async fn postgres_database(admin: &str) -> String {
    use sqlx::Connection;
    sqlx::any::install_default_drivers();
    let name = format!("cnt_t_{}", uuid::Uuid::new_v4().simple());
    let mut conn = sqlx::AnyConnection::connect(admin)
        .await
        .expect("connect to the PostgreSQL test server");
    // The name is ours (a UUID), not input.
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&mut conn)
        .await
        .expect("create database");
    let _ = conn.close().await;
    let base = admin.rsplit_once('/').map_or(admin, |(b, _)| b);
    format!("{base}/{name}")
}

/// What the router answered.
pub struct Answer {
    /// Status.
    pub status: axum::http::StatusCode,
    /// Headers.
    pub headers: axum::http::HeaderMap,
    /// The JSON body (`null` when empty or not JSON).
    pub json: serde_json::Value,
}

/// One request through the whole router (layers included): optional bearer token, JSON body, and
/// client address (as the server's connect info would give it).
pub async fn send(
    state: &AppState,
    method: axum::http::Method,
    uri: &str,
    token: Option<&str>,
    body: Option<serde_json::Value>,
    ip: Option<[u8; 4]>,
) -> Answer {
    use http_body_util::BodyExt;
    use tower::ServiceExt;
    let mut request = axum::http::Request::builder().method(method).uri(uri);
    if let Some(t) = token {
        request = request.header("authorization", format!("Bearer {t}"));
    }
    let mut request = match body {
        Some(b) => request
            .header("content-type", "application/json")
            .body(axum::body::Body::from(b.to_string())),
        None => request.body(axum::body::Body::empty()),
    }
    .expect("request");
    if let Some(ip) = ip {
        request
            .extensions_mut()
            .insert(axum::extract::ConnectInfo(std::net::SocketAddr::from((
                ip, 40000,
            ))));
    }
    let response = cnt_backend::router(state.clone())
        .oneshot(request)
        .await
        .expect("response");
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    Answer {
        status,
        headers,
        json: serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null),
    }
}
