//! Download records: what is kept on this device, pins, the storage quota and eviction.
//!
//! The files themselves are written by `cnt-sync` into the media folder under their content hash;
//! this module keeps the book: one row per item (`queued`, `done` or `failed` with its error), the
//! bytes already on disk for resuming, and when the item was last used. An item is *pinned* when it
//! was pinned itself or sits in a pinned playlist; pinned items are never evicted. Eviction removes
//! the least recently used unpinned downloads until the new file fits.

use cnt_model::ids::{ItemId, PlaylistId};
use rusqlite::{OptionalExtension, params};

use crate::catalog::{ItemSummary, SUMMARY_COLUMNS, summary_at};
use crate::{Error, Library, Result, now_ms};

/// The state of one download.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DownloadState {
    /// Waiting (or interrupted: `bytes_done` says how far it got).
    Queued,
    /// On disk and verified.
    Done,
    /// Failed; see the error. Retry puts it back in the queue.
    Failed,
}

impl DownloadState {
    fn parse(s: &str) -> DownloadState {
        match s {
            "done" => DownloadState::Done,
            "failed" => DownloadState::Failed,
            _ => DownloadState::Queued,
        }
    }
}

/// One download as the Downloads screen shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DownloadView {
    /// The item.
    pub item: ItemSummary,
    /// Content hash of the file.
    pub hash: String,
    /// File size.
    pub size: u64,
    /// Bytes on disk so far.
    pub bytes_done: u64,
    /// State.
    pub state: DownloadState,
    /// Pinned itself or through a pinned playlist.
    pub pinned: bool,
    /// The last error, for failed downloads.
    pub error: Option<String>,
}

/// What the downloader needs to fetch one file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DownloadJob {
    /// The item.
    pub item_id: ItemId,
    /// Content hash: the address and the check.
    pub hash: String,
    /// Expected size.
    pub size: u64,
    /// Bytes already in the partial file.
    pub bytes_done: u64,
    /// Attempts so far.
    pub attempts: u32,
}

const PINNED: &str = "(d.pinned = 1 OR EXISTS (SELECT 1 FROM playlist_entries e JOIN pinned_playlists p \
     ON p.playlist_id = e.playlist_id WHERE e.item_id = d.item_id))";

impl Library {
    /// Queues `item`'s media for download (again, if it had failed). `pin` keeps it offline for good.
    ///
    /// # Errors
    /// [`Error::NotFound`] for an unknown item; [`Error::Invalid`] when it has no media.
    pub fn queue_download(&self, item: ItemId, pin: bool) -> Result<()> {
        let media: Option<(Option<String>, Option<i64>, String)> = self
            .conn
            .query_row(
                "SELECT media_hash, media_size, body FROM items WHERE id = ?1",
                [item.to_string()],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        let (hash, size, body) = media.ok_or(Error::NotFound("item"))?;
        let (Some(hash), Some(size)) = (hash, size) else {
            return Err(Error::Invalid("this item has no media file to download"));
        };
        let mime = serde_json::from_str::<cnt_model::sync::CatalogItem>(&body)
            .ok()
            .and_then(|i| i.media.map(|m| m.mime))
            .unwrap_or_else(|| "application/octet-stream".into());
        let now = now_ms();
        self.conn.execute(
            "INSERT INTO downloads (item_id, hash, size, mime, state, pinned, added_at, last_used_at) \
             VALUES (?1, ?2, ?3, ?4, 'queued', ?5, ?6, ?6) \
             ON CONFLICT (item_id) DO UPDATE SET pinned = MAX(downloads.pinned, excluded.pinned), \
             state = CASE WHEN downloads.state = 'failed' OR downloads.hash <> excluded.hash THEN 'queued' ELSE downloads.state END, \
             bytes_done = CASE WHEN downloads.hash <> excluded.hash THEN 0 ELSE downloads.bytes_done END, \
             hash = excluded.hash, size = excluded.size, mime = excluded.mime, error = NULL, \
             attempts = CASE WHEN downloads.state = 'failed' THEN 0 ELSE downloads.attempts END",
            params![item.to_string(), hash, size, mime, pin, now],
        )?;
        Ok(())
    }

    /// Pins or unpins one item (pinned items are never evicted).
    ///
    /// # Errors
    /// SQLite's.
    pub fn set_item_pinned(&self, item: ItemId, pinned: bool) -> Result<()> {
        if pinned {
            self.queue_download(item, true)?;
        } else {
            self.conn.execute(
                "UPDATE downloads SET pinned = 0 WHERE item_id = ?1",
                [item.to_string()],
            )?;
        }
        Ok(())
    }

    /// Keeps a playlist offline (queues its items) or stops keeping it.
    ///
    /// # Errors
    /// [`Error::NotFound`] for an unknown playlist.
    pub fn set_playlist_pinned(&self, playlist: PlaylistId, pinned: bool) -> Result<usize> {
        let exists = self
            .conn
            .query_row(
                "SELECT 1 FROM playlists WHERE id = ?1",
                [playlist.to_string()],
                |_| Ok(()),
            )
            .optional()?
            .is_some();
        if !exists {
            return Err(Error::NotFound("playlist"));
        }
        if !pinned {
            self.conn.execute(
                "DELETE FROM pinned_playlists WHERE playlist_id = ?1",
                [playlist.to_string()],
            )?;
            return Ok(0);
        }
        self.conn.execute(
            "INSERT OR IGNORE INTO pinned_playlists (playlist_id) VALUES (?1)",
            [playlist.to_string()],
        )?;
        self.queue_pinned()
    }

    /// Queues every playable item of pinned playlists that is not downloaded or queued yet (after a
    /// sync brought new entries). Returns how many were queued.
    ///
    /// # Errors
    /// SQLite's.
    pub fn queue_pinned(&self) -> Result<usize> {
        let items: Vec<String> = self
            .conn
            .prepare_cached(
                "SELECT DISTINCT e.item_id FROM playlist_entries e JOIN pinned_playlists p ON p.playlist_id = e.playlist_id \
                 JOIN items i ON i.id = e.item_id WHERE i.media_hash IS NOT NULL \
                 AND NOT EXISTS (SELECT 1 FROM downloads d WHERE d.item_id = e.item_id AND d.state <> 'failed')",
            )?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        for id in &items {
            if let Ok(id) = id.parse() {
                self.queue_download(id, false)?;
            }
        }
        Ok(items.len())
    }

    /// Every download: queued first, then failed, then done; with items.
    ///
    /// # Errors
    /// SQLite's.
    pub fn downloads(&self) -> Result<Vec<DownloadView>> {
        let sql = format!(
            "SELECT d.hash, d.size, d.bytes_done, d.state, {PINNED}, d.error, {SUMMARY_COLUMNS} \
             FROM downloads d JOIN items i ON i.id = d.item_id \
             ORDER BY CASE d.state WHEN 'queued' THEN 0 WHEN 'failed' THEN 1 ELSE 2 END, d.added_at, d.item_id"
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map([], |r| {
            let state: String = r.get(3)?;
            Ok(DownloadView {
                hash: r.get(0)?,
                size: r.get::<_, i64>(1)?.max(0) as u64,
                bytes_done: r.get::<_, i64>(2)?.max(0) as u64,
                state: DownloadState::parse(&state),
                pinned: r.get(4)?,
                error: r.get(5)?,
                item: summary_at(r, 6)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The next queued download, oldest first.
    ///
    /// # Errors
    /// SQLite's.
    pub fn next_download(&self) -> Result<Option<DownloadJob>> {
        Ok(self
            .conn
            .query_row(
                "SELECT item_id, hash, size, bytes_done, attempts FROM downloads WHERE state = 'queued' \
                 ORDER BY added_at, item_id LIMIT 1",
                [],
                |r| {
                    let id: String = r.get(0)?;
                    Ok((id, r.get(1)?, r.get::<_, i64>(2)?, r.get::<_, i64>(3)?, r.get::<_, i64>(4)?))
                },
            )
            .optional()?
            .and_then(|(id, hash, size, done, attempts)| {
                Some(DownloadJob {
                    item_id: id.parse().ok()?,
                    hash,
                    size: size.max(0) as u64,
                    bytes_done: done.max(0) as u64,
                    attempts: attempts.clamp(0, i64::from(u32::MAX)) as u32,
                })
            }))
    }

    /// Records how many bytes of `hash` are on disk (every download of that file).
    ///
    /// # Errors
    /// SQLite's.
    pub fn download_progress(&self, hash: &str, bytes_done: u64) -> Result<()> {
        self.conn
            .prepare_cached(
                "UPDATE downloads SET bytes_done = ?2 WHERE hash = ?1 AND state <> 'done'",
            )?
            .execute(params![hash, bytes_done as i64])?;
        Ok(())
    }

    /// Marks the file `hash` downloaded and verified (for every item that uses it).
    ///
    /// # Errors
    /// SQLite's.
    pub fn download_done(&self, hash: &str) -> Result<()> {
        self.conn.execute(
            "UPDATE downloads SET state = 'done', bytes_done = size, error = NULL, completed_at = ?2 WHERE hash = ?1",
            params![hash, now_ms()],
        )?;
        Ok(())
    }

    /// Counts a failed attempt at `hash`; after `max_attempts` the download is marked failed with
    /// `error` (shown in the error list), before that it stays queued for a retry.
    ///
    /// # Errors
    /// SQLite's.
    pub fn download_failed(&self, hash: &str, error: &str, max_attempts: u32) -> Result<bool> {
        self.conn.execute(
            "UPDATE downloads SET attempts = attempts + 1, error = ?2, \
             state = CASE WHEN attempts + 1 >= ?3 THEN 'failed' ELSE 'queued' END WHERE hash = ?1 AND state <> 'done'",
            params![hash, error, max_attempts],
        )?;
        let failed: Option<String> = self
            .conn
            .query_row(
                "SELECT state FROM downloads WHERE hash = ?1 LIMIT 1",
                [hash],
                |r| r.get(0),
            )
            .optional()?;
        Ok(failed.as_deref() == Some("failed"))
    }

    /// Puts every failed download back in the queue.
    ///
    /// # Errors
    /// SQLite's.
    pub fn retry_failed(&self) -> Result<usize> {
        Ok(self.conn.execute(
            "UPDATE downloads SET state = 'queued', attempts = 0, error = NULL WHERE state = 'failed'",
            [],
        )?)
    }

    /// Forgets an item's download. Returns the hash when no other item uses the file (delete it).
    ///
    /// # Errors
    /// SQLite's.
    pub fn remove_download(&self, item: ItemId) -> Result<Option<String>> {
        let hash: Option<String> = self
            .conn
            .query_row(
                "DELETE FROM downloads WHERE item_id = ?1 RETURNING hash",
                [item.to_string()],
                |r| r.get(0),
            )
            .optional()?;
        Ok(match hash {
            Some(h) if !self.hash_in_use(&h)? => Some(h),
            _ => None,
        })
    }

    fn hash_in_use(&self, hash: &str) -> Result<bool> {
        Ok(self
            .conn
            .query_row(
                "SELECT 1 FROM downloads WHERE hash = ?1 LIMIT 1",
                [hash],
                |_| Ok(()),
            )
            .optional()?
            .is_some())
    }

    /// The local file to play for `item`, when its download is done (and marks it used).
    ///
    /// # Errors
    /// SQLite's.
    pub fn offline_hash(&self, item: ItemId) -> Result<Option<String>> {
        let hash: Option<String> = self
            .conn
            .query_row(
                "UPDATE downloads SET last_used_at = ?2 WHERE item_id = ?1 AND state = 'done' RETURNING hash",
                params![item.to_string(), now_ms()],
                |r| r.get(0),
            )
            .optional()?;
        Ok(hash)
    }

    /// Bytes used by downloaded files (each file counted once).
    ///
    /// # Errors
    /// SQLite's.
    pub fn storage_used(&self) -> Result<u64> {
        let n: i64 = self.conn.query_row(
            "SELECT COALESCE(SUM(size), 0) FROM (SELECT DISTINCT hash, size FROM downloads WHERE state = 'done')",
            [],
            |r| r.get(0),
        )?;
        Ok(n.max(0) as u64)
    }

    /// Makes room for `needed` more bytes under `quota` by forgetting the least recently used
    /// unpinned downloads. Returns the hashes whose files can now be deleted.
    ///
    /// # Errors
    /// [`Error::QuotaFull`] when even evicting every unpinned download would not make room (nothing
    /// is evicted then); SQLite's.
    pub fn evict_for(&mut self, needed: u64, quota: u64) -> Result<Vec<String>> {
        let used = self.storage_used()?;
        if used + needed <= quota {
            return Ok(Vec::new());
        }
        let tx = self.conn.transaction()?;
        let candidates: Vec<(String, String, i64)> = tx
            .prepare(&format!(
                "SELECT d.item_id, d.hash, d.size FROM downloads d WHERE d.state = 'done' AND NOT {PINNED} \
                 ORDER BY d.last_used_at, d.item_id"
            ))?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let mut freed = 0u64;
        let mut hashes = Vec::new();
        for (item, hash, size) in candidates {
            if used + needed - freed.min(used) <= quota {
                break;
            }
            tx.execute("DELETE FROM downloads WHERE item_id = ?1", [&item])?;
            let still_used = tx
                .query_row(
                    "SELECT 1 FROM downloads WHERE hash = ?1 LIMIT 1",
                    [&hash],
                    |_| Ok(()),
                )
                .optional()?
                .is_some();
            if !still_used {
                freed += size.max(0) as u64;
                hashes.push(hash);
            }
        }
        if used.saturating_sub(freed) + needed > quota {
            // Not enough unpinned space: keep everything and say so.
            drop(tx);
            return Err(Error::QuotaFull {
                needed,
                quota,
                pinned: used.saturating_sub(freed),
            });
        }
        tx.commit()?;
        Ok(hashes)
    }
}
