//! Talking to the server: the HTTP client, connectivity, the offline sync engine and downloads.
//!
//! - [`ServerClient`]: one `reqwest` client per server address, with short connect timeouts so an
//!   unreachable server is noticed in seconds; server errors are decoded from the API's one error body
//!   into [`Error::Server`] with its `ErrorCode`, which the UI translates.
//! - [`ConnectionMonitor`]: a background task that asks `/health` and publishes a [`ConnectionState`]
//!   on a `tokio::sync::watch` channel: every 15 s while online, backing off from 1 s to 30 s while
//!   offline, and at once when [`ConnectionMonitor::check_now`] is called (e.g. the user pressed retry).
//! - [`sync_once`]: push the outbox, pull and apply the change feed page by page (each page with its
//!   cursor in one transaction), reporting [`SyncProgress`]. See `docs/sync.md` for the protocol.
//! - [`Downloader`]: resumable, hash-verified media downloads within a storage quota.
//!
//! Threading: async on the caller's tokio runtime; the library (`cnt-library`, blocking SQLite) is
//! shared as `Arc<Mutex<Library>>` and used from tokio's blocking pool. Never depends on UI crates.

mod artwork;
mod client;
mod download;
mod engine;
mod monitor;

pub use artwork::{ArtworkReport, MAX_ARTWORK_BYTES, artwork_path, fetch_artwork};
pub use client::{Error, Result, ServerClient};
pub use download::{DownloadFeed, DownloadOutcome, DownloadProgress, Downloader, file_matches};
pub use engine::{PAGE, SyncError, SyncProgress, SyncReport, sync_once, with_library};
pub use monitor::{ConnectionMonitor, ConnectionState, MonitorTiming};
