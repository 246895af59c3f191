//! The sync engine: push the outbox, pull the change feed, apply it; in the background when asked.
//!
//! One run ([`sync_once`]):
//! 1. **Push** the current user's outbox in order, up to [`PushRequest::MAX`] edits per request,
//!    and acknowledge the answers (refused edits become visible conflicts). A crash between the
//!    server applying a push and the device acknowledging it is harmless: the same mutation ids are
//!    sent again and the server answers its stored results.
//! 2. **Pull** pages from the stored cursor; each page is applied together with its cursor in one
//!    SQLite transaction ([`Library::apply_page`]), so a crash or a dropped connection loses at
//!    most the page in flight, which is fetched again.
//! 3. Queue downloads that pinned playlists gained.
//!
//! The library is shared as `Arc<Mutex<Library>>`; database work runs on tokio's blocking pool.
//! [`SyncProgress`] events go to a callback (the CLI draws a bar, the app forwards them to the UI).

use std::sync::{Arc, Mutex};

use cnt_library::Library;
use cnt_model::sync::{ChangesPage, PushRequest};

use crate::{Error, ServerClient};

/// Where a run is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SyncProgress {
    /// Sending local edits.
    Pushing {
        /// Sent so far.
        sent: u64,
        /// Waiting in total when the run started.
        total: u64,
    },
    /// Applying the change feed.
    Pulling {
        /// Changes applied in this run.
        applied: u64,
        /// The cursor reached.
        cursor: i64,
        /// The server's newest version (an estimate of where the feed ends).
        head: i64,
        /// The cursor the run started from.
        start: i64,
    },
    /// The run finished.
    Done(SyncReport),
}

/// What one run did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SyncReport {
    /// Edits the server accepted.
    pub pushed: u64,
    /// Edits the server refused (shown as conflicts).
    pub refused: u64,
    /// Pages fetched.
    pub pages: u64,
    /// Records written.
    pub upserts: u64,
    /// Records deleted.
    pub deletes: u64,
    /// Playlists deleted elsewhere while edited here.
    pub conflicts: u64,
    /// The cursor at the end.
    pub cursor: i64,
    /// Downloads queued for pinned playlists.
    pub queued_downloads: u64,
    /// The server had been restored from an older backup, so everything was fetched again.
    pub resynced: bool,
}

/// Errors of a sync run: the network's or the library's.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    /// Talking to the server failed.
    #[error(transparent)]
    Server(#[from] Error),
    /// The local database failed.
    #[error(transparent)]
    Library(#[from] cnt_library::Error),
    /// A background task died.
    #[error("sync task failed: {0}")]
    Task(String),
}

impl SyncError {
    /// Whether the server could not be reached (back off and try later; nothing is lost).
    pub fn is_unreachable(&self) -> bool {
        matches!(self, SyncError::Server(e) if e.is_unreachable())
    }
}

/// Runs `f` on the library from the blocking pool.
pub async fn with_library<T: Send + 'static>(
    library: &Arc<Mutex<Library>>,
    f: impl FnOnce(&mut Library) -> cnt_library::Result<T> + Send + 'static,
) -> std::result::Result<T, SyncError> {
    let library = Arc::clone(library);
    tokio::task::spawn_blocking(move || {
        let mut guard = library
            .lock()
            .map_err(|_| SyncError::Task("the library lock was poisoned".into()))?;
        f(&mut guard).map_err(SyncError::from)
    })
    .await
    .map_err(|e| SyncError::Task(e.to_string()))?
}

/// Page size of the feed.
pub const PAGE: u32 = 1000;

/// One full run: push, pull until the feed is exhausted, queue pinned downloads.
///
/// # Errors
/// [`SyncError::Server`] (unreachable, invalid token, a malformed page) or a library failure; what
/// was applied before the failure stays applied.
pub async fn sync_once(
    client: &ServerClient,
    access_token: &str,
    library: &Arc<Mutex<Library>>,
    progress: &mut (dyn FnMut(SyncProgress) + Send),
) -> std::result::Result<SyncReport, SyncError> {
    let mut report = SyncReport::default();
    // 1. Push.
    let total = with_library(library, |l| l.pending_count()).await?;
    let mut sent = 0;
    loop {
        let batch = with_library(library, |l| l.pending(PushRequest::MAX)).await?;
        if batch.is_empty() {
            break;
        }
        progress(SyncProgress::Pushing { sent, total });
        let answer = client.push(access_token, &batch).await?;
        if answer.results.len() != batch.len() {
            return Err(SyncError::Server(Error::BadResponse {
                url: client.display_url(),
                reason: format!(
                    "push answered {} results for {} edits",
                    answer.results.len(),
                    batch.len()
                ),
            }));
        }
        let results = answer.results;
        let count = results.len() as u64;
        let refused = with_library(library, move |l| l.acknowledge(&results)).await? as u64;
        report.refused += refused;
        report.pushed += count - refused;
        sent += count;
    }
    // 2. Pull.
    let (_, _, start) = with_library(library, |l| l.sync_scope()).await?;
    let mut applied = 0u64;
    loop {
        let (_, _, since) = with_library(library, |l| l.sync_scope()).await?;
        let page: ChangesPage = client.changes(access_token, since, PAGE).await?;
        if page.head < since {
            // The server's history is behind ours: it was restored from an older backup. What we
            // hold may include things it no longer has; start over (unsent edits are kept).
            tracing::warn!(
                since,
                head = page.head,
                "server history went backwards; resyncing"
            );
            with_library(library, |l| l.reset_for_resync()).await?;
            report.resynced = true;
            continue;
        }
        let has_more = page.has_more;
        let head = page.head.max(page.next_cursor);
        let n = page.changes.len() as u64;
        let stats = match with_library(library, move |l| l.apply_page(since, &page)).await {
            Ok(s) => s,
            // Another run applied this page first: carry on from where it got to.
            Err(SyncError::Library(cnt_library::Error::StaleCursor { .. })) => continue,
            Err(e) => return Err(e),
        };
        report.pages += 1;
        report.upserts += stats.upserts as u64;
        report.deletes += stats.deletes as u64;
        report.conflicts += stats.conflicts as u64;
        report.cursor = stats.cursor;
        applied += n;
        progress(SyncProgress::Pulling {
            applied,
            cursor: stats.cursor,
            head,
            start,
        });
        if !has_more || n == 0 {
            break;
        }
    }
    // 3. Pinned playlists may have gained items.
    report.queued_downloads = with_library(library, |l| l.queue_pinned()).await? as u64;
    if report.cursor == 0 {
        report.cursor = with_library(library, |l| l.sync_scope()).await?.2;
    }
    progress(SyncProgress::Done(report));
    Ok(report)
}
