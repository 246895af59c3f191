//! cnt-backend integration tests.
//!
//! - `api`: the router through `tower::ServiceExt::oneshot` over a real SQLite file.
//! - `process`: the real `cnt-server` binary: start-up failures, settings, graceful shutdown.

mod accounts;
mod api;
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

/// A fresh database in a temp dir with the given registration policy.
pub async fn state_with(registration: Registration) -> (tempfile::TempDir, AppState) {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = Db::open(&format!(
        "sqlite://{}/cnt.db?mode=rwc",
        dir.path().display()
    ))
    .await
    .expect("db");
    let auth = Auth::new(&[42u8; 32], TEST_PASSWORDS).expect("auth");
    (dir, AppState::new(db, auth, registration))
}
