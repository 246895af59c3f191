//! cnt-backend integration tests.
//!
//! - `api`: the router through `tower::ServiceExt::oneshot` over a real SQLite file.
//! - `process`: the real `cnt-server` binary: start-up failures, settings, graceful shutdown.

mod api;
mod process;
