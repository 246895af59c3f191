//! The library through the core: browsing, search, edits, sync and downloads.
//!
//! Reads go straight to the local database, so every screen works offline. Edits land in the
//! database and its outbox in one transaction ([`cnt_library::Library::edit`]) and wake the
//! background sync, which pushes them as soon as the server answers. The background task
//! ([`Core::start_background_sync`]) syncs when the connection comes up, every few minutes while
//! online, and soon after each edit; then it fetches new artwork ([`Core::fetch_artwork`]) and queued downloads unless the connection is
//! metered and the user said not to.
//!
//! Events: [`CoreEvent::Sync`] while a sync runs and when it ends, [`CoreEvent::LibraryChanged`]
//! after local or synced changes, [`CoreEvent::Download`] as files arrive.

use std::sync::Arc;
use std::time::Duration;

use cnt_library::{
    Conflict, DownloadView, EntryView, Home, ItemSummary, Library, PlaylistSummary, SearchResults,
};
use cnt_model::ErrorCode;
use cnt_model::ids::{ItemId, PlaylistEntryId, PlaylistId};
use cnt_model::sync::{CatalogItem, ItemKind};
use cnt_sync::{DownloadProgress, Downloader, SyncProgress, SyncReport};

use crate::{Core, CoreEvent, Error, Result};

/// Default storage quota for downloads: 4 GiB.
pub const DEFAULT_QUOTA_MB: u64 = 4096;

/// Where sync stands, for the UI.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SyncStatus {
    /// A run is going on.
    Running(SyncProgress),
    /// The last run finished.
    Finished(SyncReport),
    /// The last run failed; the message says why (offline runs are not reported as failures).
    Failed(String),
}

impl Core {
    fn lib(&self) -> std::sync::MutexGuard<'_, Library> {
        self.inner.library.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn changed(&self) {
        let _ = self.inner.events.send(CoreEvent::LibraryChanged);
        self.inner.sync_wake.notify_one();
    }

    /// The Home screen's lists.
    ///
    /// # Errors
    /// [`Error::Library`].
    pub fn home(&self) -> Result<Home> {
        Ok(self.lib().home()?)
    }

    /// Search every kind as the user types.
    ///
    /// # Errors
    /// [`Error::Library`].
    pub fn search(&self, query: &str, per_kind: usize) -> Result<SearchResults> {
        Ok(self.lib().search(query, per_kind)?)
    }

    /// Items of one kind, by title.
    ///
    /// # Errors
    /// [`Error::Library`].
    pub fn items(&self, kind: ItemKind, offset: usize, limit: usize) -> Result<Vec<ItemSummary>> {
        Ok(self.lib().items_by_kind(kind, offset, limit)?)
    }

    /// How many items of `kind`.
    ///
    /// # Errors
    /// [`Error::Library`].
    pub fn count_items(&self, kind: Option<ItemKind>) -> Result<u64> {
        Ok(self.lib().count_items(kind)?)
    }

    /// One item.
    ///
    /// # Errors
    /// [`Error::Library`].
    pub fn item(&self, id: ItemId) -> Result<Option<CatalogItem>> {
        Ok(self.lib().item(id)?)
    }

    /// An album's tracks, a podcast's episodes, an artist's works.
    ///
    /// # Errors
    /// [`Error::Library`].
    pub fn children(&self, id: ItemId) -> Result<Vec<ItemSummary>> {
        Ok(self.lib().children(id)?)
    }

    /// Playlists.
    ///
    /// # Errors
    /// [`Error::Library`].
    pub fn playlists(&self) -> Result<Vec<PlaylistSummary>> {
        Ok(self.lib().playlists()?)
    }

    /// A playlist's entries in order.
    ///
    /// # Errors
    /// [`Error::Library`].
    pub fn playlist_entries(&self, id: PlaylistId) -> Result<Vec<EntryView>> {
        Ok(self.lib().playlist_entries(id)?)
    }

    /// Favorites, newest first.
    ///
    /// # Errors
    /// [`Error::Library`].
    pub fn favorites(&self) -> Result<Vec<ItemSummary>> {
        Ok(self.lib().favorites()?)
    }

    /// Whether `item` is a favorite.
    ///
    /// # Errors
    /// [`Error::Library`].
    pub fn is_favorite(&self, item: ItemId) -> Result<bool> {
        Ok(self.lib().is_favorite(item)?)
    }

    /// Followed artists.
    ///
    /// # Errors
    /// [`Error::Library`].
    pub fn follows(&self) -> Result<Vec<ItemSummary>> {
        Ok(self.lib().follows()?)
    }

    /// Edits the server refused, for the user to restore or dismiss.
    ///
    /// # Errors
    /// [`Error::Library`].
    pub fn conflicts(&self) -> Result<Vec<Conflict>> {
        Ok(self.lib().conflicts()?)
    }

    /// Edits not yet sent.
    ///
    /// # Errors
    /// [`Error::Library`].
    pub fn pending_edits(&self) -> Result<u64> {
        Ok(self.lib().pending_count()?)
    }

    fn edit<T>(&self, f: impl FnOnce(&mut Library) -> cnt_library::Result<T>) -> Result<T> {
        self.ensure_scope()?;
        let out = f(&mut self.lib())?;
        self.changed();
        Ok(out)
    }

    /// Makes the library hold the signed-in account's data (switching accounts resets it).
    fn ensure_scope(&self) -> Result<()> {
        let account = self.account().ok_or(Error::NotSignedIn)?;
        let switched = self
            .lib()
            .set_sync_scope(&account.server, account.user_id)?;
        if switched {
            let _ = self.inner.events.send(CoreEvent::LibraryChanged);
        }
        Ok(())
    }

    /// Creates a playlist.
    ///
    /// # Errors
    /// [`Error::NotSignedIn`], [`Error::Library`] (e.g. an empty name).
    pub fn create_playlist(&self, name: &str) -> Result<PlaylistId> {
        self.edit(|l| l.create_playlist(name))
    }

    /// Renames a playlist.
    ///
    /// # Errors
    /// As [`Core::create_playlist`].
    pub fn rename_playlist(&self, id: PlaylistId, name: &str) -> Result<()> {
        self.edit(|l| l.rename_playlist(id, name))
    }

    /// Deletes a playlist.
    ///
    /// # Errors
    /// As [`Core::create_playlist`].
    pub fn delete_playlist(&self, id: PlaylistId) -> Result<()> {
        self.edit(|l| l.delete_playlist(id))
    }

    /// Adds an item to a playlist (`index` None = at the end).
    ///
    /// # Errors
    /// As [`Core::create_playlist`].
    pub fn add_to_playlist(
        &self,
        playlist: PlaylistId,
        item: ItemId,
        index: Option<usize>,
    ) -> Result<PlaylistEntryId> {
        self.edit(|l| l.add_to_playlist(playlist, item, index))
    }

    /// Moves an entry to `index`.
    ///
    /// # Errors
    /// As [`Core::create_playlist`].
    pub fn move_entry(&self, entry: PlaylistEntryId, index: usize) -> Result<()> {
        self.edit(|l| l.move_entry(entry, index))
    }

    /// Removes an entry.
    ///
    /// # Errors
    /// As [`Core::create_playlist`].
    pub fn remove_entry(&self, entry: PlaylistEntryId) -> Result<()> {
        self.edit(|l| l.remove_entry(entry))
    }

    /// Marks or unmarks a favorite.
    ///
    /// # Errors
    /// As [`Core::create_playlist`].
    pub fn set_favorite(&self, item: ItemId, on: bool) -> Result<()> {
        self.edit(|l| l.set_favorite(item, on))
    }

    /// Follows or unfollows an artist.
    ///
    /// # Errors
    /// As [`Core::create_playlist`].
    pub fn set_follow(&self, artist: ItemId, on: bool) -> Result<()> {
        self.edit(|l| l.set_follow(artist, on))
    }

    /// Records a play and its resume position.
    ///
    /// # Errors
    /// As [`Core::create_playlist`].
    pub fn record_play(&self, item: ItemId, position_ms: u64) -> Result<()> {
        self.edit(|l| l.record_play(item, position_ms))
    }

    /// Restores a conflict as a new playlist.
    ///
    /// # Errors
    /// As [`Core::create_playlist`].
    pub fn restore_conflict(&self, id: i64, name: &str) -> Result<PlaylistId> {
        self.edit(|l| l.restore_conflict(id, name))
    }

    /// Dismisses a conflict.
    ///
    /// # Errors
    /// [`Error::Library`].
    pub fn dismiss_conflict(&self, id: i64) -> Result<()> {
        self.lib().dismiss_conflict(id)?;
        let _ = self.inner.events.send(CoreEvent::LibraryChanged);
        Ok(())
    }

    /// Downloads: queued, failed (with errors), done.
    ///
    /// # Errors
    /// [`Error::Library`].
    pub fn downloads(&self) -> Result<Vec<DownloadView>> {
        Ok(self.lib().downloads()?)
    }

    /// Bytes used by downloads, and the quota.
    ///
    /// # Errors
    /// [`Error::Library`].
    pub fn storage(&self) -> Result<(u64, u64)> {
        Ok((self.lib().storage_used()?, self.quota_bytes()))
    }

    pub(crate) fn quota_bytes(&self) -> u64 {
        self.settings()
            .storage_quota_mb
            .unwrap_or(DEFAULT_QUOTA_MB)
            .saturating_mul(1024 * 1024)
    }

    /// Queues an item for download; `pin` keeps it offline for good.
    ///
    /// # Errors
    /// [`Error::Library`] (no media, unknown item).
    pub fn download(&self, item: ItemId, pin: bool) -> Result<()> {
        self.lib().queue_download(item, pin)?;
        self.changed();
        Ok(())
    }

    /// Keeps a playlist offline (or stops). Returns how many items were queued.
    ///
    /// # Errors
    /// [`Error::Library`].
    pub fn pin_playlist(&self, playlist: PlaylistId, pinned: bool) -> Result<usize> {
        let n = self.lib().set_playlist_pinned(playlist, pinned)?;
        self.changed();
        Ok(n)
    }

    /// Pins or unpins one item.
    ///
    /// # Errors
    /// [`Error::Library`].
    pub fn pin_item(&self, item: ItemId, pinned: bool) -> Result<()> {
        self.lib().set_item_pinned(item, pinned)?;
        self.changed();
        Ok(())
    }

    /// Re-queues failed downloads.
    ///
    /// # Errors
    /// [`Error::Library`].
    pub fn retry_downloads(&self) -> Result<usize> {
        let n = self.lib().retry_failed()?;
        self.changed();
        Ok(n)
    }

    /// Removes an item's download and its file (when no other item uses it).
    ///
    /// # Errors
    /// [`Error::Library`].
    pub fn remove_download(&self, item: ItemId) -> Result<()> {
        if let Some(hash) = self.lib().remove_download(item)? {
            let _ = std::fs::remove_file(self.media_dir().join(hash));
        }
        let _ = self.inner.events.send(CoreEvent::LibraryChanged);
        Ok(())
    }

    /// The verified local file of `item`, when downloaded (marks it recently used).
    ///
    /// # Errors
    /// [`Error::Library`].
    pub fn offline_file(&self, item: ItemId) -> Result<Option<std::path::PathBuf>> {
        Ok(self
            .lib()
            .offline_hash(item)?
            .map(|h| self.media_dir().join(h)))
    }

    /// Where downloaded media lives.
    pub fn media_dir(&self) -> std::path::PathBuf {
        self.inner.data_dir.join("media")
    }

    /// Runs one sync now (push, pull), reporting progress to `progress` and as events.
    ///
    /// # Errors
    /// [`Error::NotSignedIn`], [`Error::Server`] (unreachable, refused), [`Error::Library`].
    pub async fn sync_now(
        &self,
        progress: &mut (dyn FnMut(SyncProgress) + Send),
    ) -> Result<SyncReport> {
        let _running = self.inner.sync_lock.lock().await;
        self.ensure_scope()?;
        let account = self.account().ok_or(Error::NotSignedIn)?;
        let events = self.inner.events.clone();
        let mut report_progress = |p: SyncProgress| {
            let _ = events.send(CoreEvent::Sync(SyncStatus::Running(p.clone())));
            progress(p);
        };
        let mut attempt = 0;
        let result = loop {
            let token = self.access_token_for(&account).await?;
            let library = Arc::clone(&self.inner.library);
            match cnt_sync::sync_once(&self.inner.client, &token, &library, &mut report_progress)
                .await
            {
                Err(cnt_sync::SyncError::Server(e))
                    if attempt == 0 && e.code() == Some(ErrorCode::InvalidToken) =>
                {
                    attempt += 1;
                    self.forget_access_token().await;
                }
                other => break other,
            }
        };
        match result {
            Ok(report) => {
                let _ = self
                    .inner
                    .events
                    .send(CoreEvent::Sync(SyncStatus::Finished(report)));
                let _ = self.inner.events.send(CoreEvent::LibraryChanged);
                Ok(report)
            }
            Err(e) => {
                if !e.is_unreachable() {
                    let _ = self
                        .inner
                        .events
                        .send(CoreEvent::Sync(SyncStatus::Failed(e.to_string())));
                }
                Err(match e {
                    cnt_sync::SyncError::Server(e) => Error::Server(e),
                    cnt_sync::SyncError::Library(e) => Error::Library(e),
                    cnt_sync::SyncError::Task(m) => Error::Internal(m),
                })
            }
        }
    }

    /// Fetches every queued download now. Returns (done, failed).
    ///
    /// # Errors
    /// [`Error::NotSignedIn`], [`Error::Server`] when unreachable, [`Error::Library`].
    pub async fn download_now(
        &self,
        progress: &mut (dyn FnMut(DownloadProgress) + Send),
    ) -> Result<(u64, u64)> {
        let account = self.account().ok_or(Error::NotSignedIn)?;
        let token = self.access_token_for(&account).await?;
        let downloader = Downloader::new(self.media_dir(), self.quota_bytes());
        let events = self.inner.events.clone();
        let mut report = |p: DownloadProgress| {
            let _ = events.send(CoreEvent::Download(p.clone()));
            progress(p);
        };
        let library = Arc::clone(&self.inner.library);
        let out = downloader
            .run_queue(&self.inner.client, &token, &library, &mut report)
            .await
            .map_err(|e| match e {
                cnt_sync::SyncError::Server(e) => Error::Server(e),
                cnt_sync::SyncError::Library(e) => Error::Library(e),
                cnt_sync::SyncError::Task(m) => Error::Internal(m),
            })?;
        let _ = self.inner.events.send(CoreEvent::LibraryChanged);
        Ok(out)
    }

    /// Starts the background task that keeps the library in sync while the app runs: when the
    /// connection comes up, every `interval` while online, and soon after every edit; then fetches
    /// queued downloads (not on a metered connection unless allowed in settings).
    pub fn start_background_sync(&self, interval: Duration) {
        let weak = Arc::downgrade(&self.inner);
        let wake = Arc::clone(&self.inner.sync_wake);
        let mut connection = self.inner.monitor.subscribe();
        tokio::spawn(async move {
            loop {
                tokio::select! {
                    () = wake.notified() => {
                        // Let a burst of edits settle into one push.
                        tokio::time::sleep(Duration::from_millis(500)).await;
                    }
                    changed = connection.changed() => {
                        if changed.is_err() {
                            return;
                        }
                    }
                    () = tokio::time::sleep(interval) => {}
                }
                let Some(inner) = weak.upgrade() else { return };
                let core = Core { inner };
                if !core.connection().is_online() || core.account().is_none() {
                    continue;
                }
                match core.sync_now(&mut |_| {}).await {
                    Ok(_) => {
                        // Artwork is small: fetched on metered links too.
                        if let Err(e) = core.fetch_artwork().await {
                            tracing::info!("background artwork: {e}");
                        }
                    }
                    Err(e) => tracing::info!("background sync: {e}"),
                }
                let metered = crate::network::is_metered();
                if metered && !core.settings().downloads_on_metered {
                    continue;
                }
                if let Err(e) = core.download_now(&mut |_| {}).await {
                    tracing::info!("background downloads: {e}");
                }
            }
        });
    }
}
