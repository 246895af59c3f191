//! Types shared by every part of CNT Media: the client core, the UI and the server.
//!
//! This crate is the one place where wire types live, so that the client and the server cannot drift
//! apart: ids ([`ids`]), the error vocabulary ([`ErrorCode`], [`ErrorBody`]), API bodies ([`api`]) and
//! the catalogue and sync protocol ([`sync`]).
//!
//! Rules that keep it cheap to depend on:
//! - serde, thiserror and uuid only; no I/O, no async, no HTTP types (status codes are plain `u16`).
//! - The optional `openapi` feature derives `utoipa` schemas; only the backend switches it on.
//! - Error codes are stable snake_case strings. The server sends them, the client translates them
//!   through Fluent (`error-<code>` ids in `i18n/`), so one table serves both sides.
//!
//! Ids are UUIDs (version 7, time ordered) so that a device can create a playlist offline and sync it
//! later without asking the server for a number first.

pub mod api;
mod error;
pub mod ids;
pub mod sync;

pub use error::{ErrorBody, ErrorCode, ErrorDetail, UnknownErrorCode};
pub use ids::RequestId;
