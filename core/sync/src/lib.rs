//! Talking to the server: the HTTP client, connectivity, and (from the library issue on) the offline
//! sync engine that pulls the change feed and pushes the outbox.
//!
//! - [`ServerClient`]: one `reqwest` client per server address, with short connect timeouts so an
//!   unreachable server is noticed in seconds; server errors are decoded from the API's one error body
//!   into [`Error::Server`] with its `ErrorCode`, which the UI translates.
//! - [`ConnectionMonitor`]: a background task that asks `/health` and publishes a [`ConnectionState`]
//!   on a `tokio::sync::watch` channel: every 15 s while online, backing off from 1 s to 30 s while
//!   offline, and at once when [`ConnectionMonitor::check_now`] is called (e.g. the user pressed retry).
//!
//! Threading: async on the caller's tokio runtime; the monitor is one spawned task, stopped when the
//! monitor is dropped. Depends on `cnt-model` (and later `cnt-library`), never on UI crates.

mod client;
mod monitor;

pub use client::{Error, Result, ServerClient};
pub use monitor::{ConnectionMonitor, ConnectionState, MonitorTiming};
