//! The user's own data: playlists, favorites, follows, history; the outbox; conflicts.
//!
//! Every local edit is a [`MutationOp`]: [`Library::edit`] applies its effect to the local tables and
//! writes its outbox row **in the same transaction**, so an edit is never applied without being
//! queued, nor queued without being applied. The sync engine pushes the outbox in order and
//! acknowledges results with [`Library::acknowledge`].
//!
//! When the feed brings the server's version of a record this device still has unsent edits of,
//! the pending edits are applied again on top ([`rebase_pending`]): the screen keeps showing the
//! user's intent until the server has it. Conflicts are settled by the server (docs/sync.md); the
//! one the user must see is a playlist deleted elsewhere while this device edited it: its entries
//! are kept as a [`Conflict`] that can be restored as a new playlist or dismissed.

use cnt_model::ErrorCode;
use cnt_model::ids::{ItemId, MutationId, PlaylistEntryId, PlaylistId};
use cnt_model::sync::{Mutation, MutationOp, MutationOutcome, MutationResult, Record, RecordKind};
use rusqlite::{OptionalExtension, Transaction, params};

use crate::catalog::{ItemSummary, SUMMARY_COLUMNS, summary_at, summary_from_row};
use crate::{Error, Library, Result, now_ms, position};

/// A playlist as lists show it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlaylistSummary {
    /// Id.
    pub id: PlaylistId,
    /// Name.
    pub name: String,
    /// Description.
    pub description: Option<String>,
    /// Number of entries.
    pub entries: u64,
    /// Kept offline (its items are downloaded and never evicted).
    pub pinned: bool,
    /// Confirmed by the server at least once.
    pub synced: bool,
}

/// One entry of a playlist, with its item when the catalogue still has it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EntryView {
    /// Entry id.
    pub id: PlaylistEntryId,
    /// The item's id.
    pub item_id: ItemId,
    /// The item; `None` when it was removed from the catalogue.
    pub item: Option<ItemSummary>,
    /// Position key.
    pub position: String,
}

/// An edit the server could not apply, shown to the user until dismissed or restored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Conflict {
    /// Row id.
    pub id: i64,
    /// The playlist (or item) concerned.
    pub target: String,
    /// Its name when the conflict was found.
    pub title: String,
    /// Why: `gone` (deleted elsewhere), `not_found`, `validation_failed`.
    pub code: ErrorCode,
    /// The items the user had in it.
    pub items: Vec<ItemId>,
    /// How many unsent edits could not be applied.
    pub lost_edits: u64,
    /// When it was found, Unix ms.
    pub detected_at: i64,
}

fn target_of(op: &MutationOp) -> Option<String> {
    match op {
        MutationOp::CreatePlaylist { id, .. }
        | MutationOp::UpdatePlaylist { id, .. }
        | MutationOp::DeletePlaylist { id } => Some(id.to_string()),
        MutationOp::AddEntry { playlist_id, .. } => Some(playlist_id.to_string()),
        MutationOp::MoveEntry { .. } | MutationOp::RemoveEntry { .. } => None,
        MutationOp::SetFavorite { .. }
        | MutationOp::SetFollow { .. }
        | MutationOp::RecordPlay { .. } => None,
    }
}

/// Writes a record from the feed.
pub(crate) fn upsert_record(tx: &Transaction<'_>, record: &Record, version: i64) -> Result<()> {
    match record {
        Record::Item(item) => crate::catalog::upsert_item(tx, item, version)?,
        Record::Playlist(p) => {
            tx.prepare_cached(
                "INSERT INTO playlists (id, name, description, created_at, version) VALUES (?1, ?2, ?3, ?4, ?5) \
                 ON CONFLICT (id) DO UPDATE SET name = excluded.name, description = excluded.description, \
                 created_at = excluded.created_at, version = excluded.version",
            )?
            .execute(params![
                p.id.to_string(),
                p.name,
                p.description,
                p.created_at,
                version
            ])?;
        }
        Record::PlaylistEntry(e) => {
            tx.prepare_cached(
                "INSERT INTO playlist_entries (id, playlist_id, item_id, position, added_at, version) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (id) DO UPDATE SET playlist_id = excluded.playlist_id, \
                 item_id = excluded.item_id, position = excluded.position, added_at = excluded.added_at, version = excluded.version",
            )?
            .execute(params![
                e.id.to_string(),
                e.playlist_id.to_string(),
                e.item_id.to_string(),
                e.position,
                e.added_at,
                version
            ])?;
        }
        Record::Favorite(f) => {
            tx.prepare_cached(
                "INSERT INTO favorites (item_id, added_at) VALUES (?1, ?2) \
                 ON CONFLICT (item_id) DO UPDATE SET added_at = excluded.added_at",
            )?
            .execute(params![f.item_id.to_string(), f.added_at])?;
        }
        Record::Follow(f) => {
            tx.prepare_cached(
                "INSERT INTO follows (artist_id, since) VALUES (?1, ?2) \
                 ON CONFLICT (artist_id) DO UPDATE SET since = excluded.since",
            )?
            .execute(params![f.artist_id.to_string(), f.since])?;
        }
        Record::History(h) => {
            tx.prepare_cached(
                "INSERT INTO history (item_id, position_ms, played_at, play_count) VALUES (?1, ?2, ?3, ?4) \
                 ON CONFLICT (item_id) DO UPDATE SET position_ms = excluded.position_ms, \
                 played_at = excluded.played_at, play_count = excluded.play_count",
            )?
            .execute(params![
                h.item_id.to_string(),
                h.position_ms as i64,
                h.played_at,
                h.play_count
            ])?;
        }
    }
    Ok(())
}

/// Applies a tombstone from the feed.
pub(crate) fn delete_record(tx: &Transaction<'_>, kind: RecordKind, key: &str) -> Result<()> {
    let sql = match kind {
        RecordKind::Item => "DELETE FROM items WHERE id = ?1",
        RecordKind::Playlist => "DELETE FROM playlists WHERE id = ?1",
        RecordKind::PlaylistEntry => "DELETE FROM playlist_entries WHERE id = ?1",
        RecordKind::Favorite => "DELETE FROM favorites WHERE item_id = ?1",
        RecordKind::Follow => "DELETE FROM follows WHERE artist_id = ?1",
        RecordKind::History => "DELETE FROM history WHERE item_id = ?1",
    };
    tx.prepare_cached(sql)?.execute([key])?;
    if kind == RecordKind::Playlist {
        tx.prepare_cached("DELETE FROM pinned_playlists WHERE playlist_id = ?1")?
            .execute([key])?;
    }
    Ok(())
}

/// Before a playlist is deleted by the feed: if this device has unsent edits of it, keep what the
/// user had as a conflict and drop those edits (the server would refuse them). Returns whether a
/// conflict was recorded.
pub(crate) fn conflict_on_delete(tx: &Transaction<'_>, user: &str, playlist: &str) -> Result<bool> {
    let pending: i64 = tx.query_row(
        "SELECT COUNT(*) FROM outbox WHERE user_id = ?1 AND target = ?2",
        params![user, playlist],
        |r| r.get(0),
    )?;
    if pending == 0 {
        return Ok(false);
    }
    record_conflict(tx, playlist, ErrorCode::Gone, pending)?;
    tx.execute(
        "DELETE FROM outbox WHERE user_id = ?1 AND target = ?2",
        params![user, playlist],
    )?;
    Ok(true)
}

/// Keeps what the user had in `target` (a playlist) as a conflict row.
fn record_conflict(tx: &Transaction<'_>, target: &str, code: ErrorCode, lost: i64) -> Result<()> {
    let title: Option<String> = tx
        .query_row("SELECT name FROM playlists WHERE id = ?1", [target], |r| {
            r.get(0)
        })
        .optional()?;
    let items: Vec<String> = tx
        .prepare_cached(
            "SELECT item_id FROM playlist_entries WHERE playlist_id = ?1 ORDER BY position, id",
        )?
        .query_map([target], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let title = title.unwrap_or_else(|| target.to_owned());
    tx.execute(
        "INSERT INTO conflicts (target, title, code, snapshot, lost_edits, detected_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6) \
         ON CONFLICT (target) DO UPDATE SET lost_edits = conflicts.lost_edits + excluded.lost_edits",
        params![
            target,
            title,
            code.as_str(),
            serde_json::to_string(&items).map_err(Error::Json)?,
            lost,
            now_ms()
        ],
    )?;
    Ok(())
}

/// Applies an edit's effect to the local tables. `rebase` = replaying over fresher server data
/// (then play counts are not bumped again).
fn apply_local(tx: &Transaction<'_>, op: &MutationOp, rebase: bool) -> Result<()> {
    match op {
        MutationOp::CreatePlaylist {
            id,
            name,
            description,
        } => {
            tx.execute(
                "INSERT OR IGNORE INTO playlists (id, name, description, created_at, version) VALUES (?1, ?2, ?3, ?4, 0)",
                params![id.to_string(), name, description, now_ms()],
            )?;
        }
        MutationOp::UpdatePlaylist {
            id,
            name,
            description,
        } => {
            tx.execute(
                "UPDATE playlists SET name = COALESCE(?2, name), \
                 description = CASE WHEN ?3 IS NULL THEN description WHEN ?3 = '' THEN NULL ELSE ?3 END WHERE id = ?1",
                params![id.to_string(), name, description],
            )?;
        }
        MutationOp::DeletePlaylist { id } => {
            tx.execute("DELETE FROM playlists WHERE id = ?1", [id.to_string()])?;
            tx.execute(
                "DELETE FROM pinned_playlists WHERE playlist_id = ?1",
                [id.to_string()],
            )?;
        }
        MutationOp::AddEntry {
            id,
            playlist_id,
            item_id,
            position,
        } => {
            tx.execute(
                "INSERT OR IGNORE INTO playlist_entries (id, playlist_id, item_id, position, added_at, version) \
                 SELECT ?1, ?2, ?3, ?4, ?5, 0 WHERE EXISTS (SELECT 1 FROM playlists WHERE id = ?2)",
                params![
                    id.to_string(),
                    playlist_id.to_string(),
                    item_id.to_string(),
                    position,
                    now_ms()
                ],
            )?;
        }
        MutationOp::MoveEntry { id, position } => {
            tx.execute(
                "UPDATE playlist_entries SET position = ?2 WHERE id = ?1",
                params![id.to_string(), position],
            )?;
        }
        MutationOp::RemoveEntry { id } => {
            tx.execute(
                "DELETE FROM playlist_entries WHERE id = ?1",
                [id.to_string()],
            )?;
        }
        MutationOp::SetFavorite { item_id, on } => {
            if *on {
                tx.execute(
                    "INSERT OR IGNORE INTO favorites (item_id, added_at) VALUES (?1, ?2)",
                    params![item_id.to_string(), now_ms()],
                )?;
            } else {
                tx.execute(
                    "DELETE FROM favorites WHERE item_id = ?1",
                    [item_id.to_string()],
                )?;
            }
        }
        MutationOp::SetFollow { artist_id, on } => {
            if *on {
                tx.execute(
                    "INSERT OR IGNORE INTO follows (artist_id, since) VALUES (?1, ?2)",
                    params![artist_id.to_string(), now_ms()],
                )?;
            } else {
                tx.execute(
                    "DELETE FROM follows WHERE artist_id = ?1",
                    [artist_id.to_string()],
                )?;
            }
        }
        MutationOp::RecordPlay {
            item_id,
            position_ms,
            played_at,
        } => {
            tx.execute(
                "INSERT INTO history (item_id, position_ms, played_at, play_count) VALUES (?1, ?2, ?3, 1) \
                 ON CONFLICT (item_id) DO UPDATE SET \
                 position_ms = CASE WHEN excluded.played_at >= history.played_at THEN excluded.position_ms ELSE history.position_ms END, \
                 played_at = MAX(history.played_at, excluded.played_at), \
                 play_count = history.play_count + ?4",
                params![
                    item_id.to_string(),
                    *position_ms as i64,
                    played_at,
                    i64::from(!rebase)
                ],
            )?;
        }
    }
    Ok(())
}

/// Re-applies every unsent edit of `user` over fresh server data, in order.
pub(crate) fn rebase_pending(tx: &Transaction<'_>, user: &str) -> Result<()> {
    let bodies: Vec<String> = tx
        .prepare_cached("SELECT body FROM outbox WHERE user_id = ?1 ORDER BY seq")?
        .query_map([user], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for body in bodies {
        let m: Mutation = serde_json::from_str(&body).map_err(Error::Json)?;
        apply_local(tx, &m.op, true)?;
    }
    Ok(())
}

impl Library {
    fn current_user(tx: &Transaction<'_>) -> Result<String> {
        let user: Option<String> =
            tx.query_row("SELECT user_id FROM sync_state WHERE id = 1", [], |r| {
                r.get(0)
            })?;
        user.ok_or(Error::NoAccount)
    }

    /// Applies a local edit and queues it for the server, in one transaction.
    ///
    /// # Errors
    /// [`Error::NoAccount`] before the first sign-in on this device; SQLite's.
    pub fn edit(&mut self, op: MutationOp) -> Result<MutationId> {
        let tx = self.conn.transaction()?;
        let user = Self::current_user(&tx)?;
        // Entry edits name the entry; their target is its playlist (for conflict detection).
        let target = match &op {
            MutationOp::MoveEntry { id, .. } | MutationOp::RemoveEntry { id } => tx
                .query_row(
                    "SELECT playlist_id FROM playlist_entries WHERE id = ?1",
                    [id.to_string()],
                    |r| r.get::<_, String>(0),
                )
                .optional()?,
            other => target_of(other),
        };
        apply_local(&tx, &op, false)?;
        let m = Mutation {
            mutation_id: MutationId::new(),
            op,
        };
        tx.execute(
            "INSERT INTO outbox (user_id, mutation_id, target, body, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                user,
                m.mutation_id.to_string(),
                target,
                serde_json::to_string(&m).map_err(Error::Json)?,
                now_ms()
            ],
        )?;
        tx.commit()?;
        Ok(m.mutation_id)
    }

    /// The oldest `limit` unsent edits of the current user, in order.
    ///
    /// # Errors
    /// SQLite's; a damaged outbox row.
    pub fn pending(&self, limit: usize) -> Result<Vec<Mutation>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT body FROM outbox WHERE user_id = (SELECT user_id FROM sync_state WHERE id = 1) ORDER BY seq LIMIT ?1",
        )?;
        let bodies: Vec<String> = stmt
            .query_map([limit as i64], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        bodies
            .iter()
            .map(|b| serde_json::from_str(b).map_err(Error::Json))
            .collect()
    }

    /// How many edits wait to be sent.
    ///
    /// # Errors
    /// SQLite's.
    pub fn pending_count(&self) -> Result<u64> {
        let n: i64 = self.conn.query_row(
            "SELECT COUNT(*) FROM outbox WHERE user_id = (SELECT user_id FROM sync_state WHERE id = 1)",
            [],
            |r| r.get(0),
        )?;
        Ok(n.max(0) as u64)
    }

    /// Records the server's answers to a push: each answered edit leaves the outbox; refused ones
    /// are undone locally where they added something, and become visible [`Conflict`]s.
    /// Returns how many were refused.
    ///
    /// # Errors
    /// SQLite's.
    pub fn acknowledge(&mut self, results: &[MutationResult]) -> Result<usize> {
        let tx = self.conn.transaction()?;
        let mut refused = 0;
        for r in results {
            let id = r.mutation_id.to_string();
            let body: Option<String> = tx
                .query_row(
                    "SELECT body FROM outbox WHERE mutation_id = ?1",
                    [&id],
                    |row| row.get(0),
                )
                .optional()?;
            let Some(body) = body else { continue };
            tx.execute("DELETE FROM outbox WHERE mutation_id = ?1", [&id])?;
            if let MutationOutcome::Rejected { code, .. } = &r.outcome {
                refused += 1;
                let m: Mutation = serde_json::from_str(&body).map_err(Error::Json)?;
                match &m.op {
                    MutationOp::CreatePlaylist { id, .. }
                    | MutationOp::UpdatePlaylist { id, .. }
                    | MutationOp::DeletePlaylist { id } => {
                        record_conflict(&tx, &id.to_string(), *code, 1)?;
                        if matches!(m.op, MutationOp::CreatePlaylist { .. }) {
                            tx.execute("DELETE FROM playlists WHERE id = ?1", [id.to_string()])?;
                        }
                    }
                    MutationOp::AddEntry {
                        id, playlist_id, ..
                    } => {
                        record_conflict(&tx, &playlist_id.to_string(), *code, 1)?;
                        tx.execute(
                            "DELETE FROM playlist_entries WHERE id = ?1",
                            [id.to_string()],
                        )?;
                    }
                    MutationOp::SetFavorite { item_id, on: true } => {
                        tx.execute(
                            "DELETE FROM favorites WHERE item_id = ?1",
                            [item_id.to_string()],
                        )?;
                    }
                    MutationOp::SetFollow {
                        artist_id,
                        on: true,
                    } => {
                        tx.execute(
                            "DELETE FROM follows WHERE artist_id = ?1",
                            [artist_id.to_string()],
                        )?;
                    }
                    _ => {}
                }
            }
        }
        tx.commit()?;
        Ok(refused)
    }

    /// Conflicts waiting for the user.
    ///
    /// # Errors
    /// SQLite's.
    pub fn conflicts(&self) -> Result<Vec<Conflict>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, target, title, code, snapshot, lost_edits, detected_at FROM conflicts ORDER BY detected_at DESC, id DESC",
        )?;
        let rows = stmt.query_map([], |r| {
            let code: String = r.get(3)?;
            let snapshot: String = r.get(4)?;
            Ok(Conflict {
                id: r.get(0)?,
                target: r.get(1)?,
                title: r.get(2)?,
                code: code.parse().unwrap_or(ErrorCode::Conflict),
                items: serde_json::from_str::<Vec<String>>(&snapshot)
                    .unwrap_or_default()
                    .iter()
                    .filter_map(|s| s.parse().ok())
                    .collect(),
                lost_edits: r.get::<_, i64>(5)?.max(0) as u64,
                detected_at: r.get(6)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Forgets a conflict.
    ///
    /// # Errors
    /// SQLite's.
    pub fn dismiss_conflict(&self, id: i64) -> Result<()> {
        self.conn
            .execute("DELETE FROM conflicts WHERE id = ?1", [id])?;
        Ok(())
    }

    /// Restores a conflict's items as a new playlist named like the old one, and forgets the conflict.
    ///
    /// # Errors
    /// [`Error::NotFound`] for an unknown conflict; see [`Library::edit`].
    pub fn restore_conflict(&mut self, id: i64, name: &str) -> Result<PlaylistId> {
        let conflict = self
            .conflicts()?
            .into_iter()
            .find(|c| c.id == id)
            .ok_or(Error::NotFound("conflict"))?;
        let playlist = self.create_playlist(name)?;
        for item in &conflict.items {
            self.add_to_playlist(playlist, *item, None)?;
        }
        self.dismiss_conflict(id)?;
        Ok(playlist)
    }

    /// Creates a playlist.
    ///
    /// # Errors
    /// [`Error::Invalid`] for an empty or over-long name; see [`Library::edit`].
    pub fn create_playlist(&mut self, name: &str) -> Result<PlaylistId> {
        let name = check_name(name)?;
        let id = PlaylistId::new();
        self.edit(MutationOp::CreatePlaylist {
            id,
            name,
            description: None,
        })?;
        Ok(id)
    }

    /// Renames a playlist.
    ///
    /// # Errors
    /// As [`Library::create_playlist`].
    pub fn rename_playlist(&mut self, id: PlaylistId, name: &str) -> Result<()> {
        let name = check_name(name)?;
        self.edit(MutationOp::UpdatePlaylist {
            id,
            name: Some(name),
            description: None,
        })?;
        Ok(())
    }

    /// Deletes a playlist.
    ///
    /// # Errors
    /// See [`Library::edit`].
    pub fn delete_playlist(&mut self, id: PlaylistId) -> Result<()> {
        self.edit(MutationOp::DeletePlaylist { id })?;
        Ok(())
    }

    fn entry_positions(&self, playlist: PlaylistId) -> Result<Vec<(String, String)>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, position FROM playlist_entries WHERE playlist_id = ?1 ORDER BY position, id",
        )?;
        let rows = stmt.query_map([playlist.to_string()], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Adds `item` to `playlist` before the entry now at `index` (`None` or past the end: append).
    ///
    /// # Errors
    /// [`Error::NotFound`] for an unknown playlist or item; see [`Library::edit`].
    pub fn add_to_playlist(
        &mut self,
        playlist: PlaylistId,
        item: ItemId,
        index: Option<usize>,
    ) -> Result<PlaylistEntryId> {
        if !self.playlist_exists(playlist)? {
            return Err(Error::NotFound("playlist"));
        }
        if self.item(item)?.is_none() {
            return Err(Error::NotFound("item"));
        }
        let entries = self.entry_positions(playlist)?;
        let at = index.unwrap_or(entries.len()).min(entries.len());
        let before = at.checked_sub(1).map(|i| entries[i].1.as_str());
        let after = entries.get(at).map(|e| e.1.as_str());
        let id = PlaylistEntryId::new();
        self.edit(MutationOp::AddEntry {
            id,
            playlist_id: playlist,
            item_id: item,
            position: position::between(before, after),
        })?;
        Ok(id)
    }

    /// Moves an entry so that it ends up at `index` in its playlist.
    ///
    /// # Errors
    /// [`Error::NotFound`] for an unknown entry; see [`Library::edit`].
    pub fn move_entry(&mut self, entry: PlaylistEntryId, index: usize) -> Result<()> {
        let playlist: Option<String> = self
            .conn
            .query_row(
                "SELECT playlist_id FROM playlist_entries WHERE id = ?1",
                [entry.to_string()],
                |r| r.get(0),
            )
            .optional()?;
        let playlist: PlaylistId = playlist
            .and_then(|p| p.parse().ok())
            .ok_or(Error::NotFound("playlist entry"))?;
        let others: Vec<(String, String)> = self
            .entry_positions(playlist)?
            .into_iter()
            .filter(|(id, _)| *id != entry.to_string())
            .collect();
        let at = index.min(others.len());
        let before = at.checked_sub(1).map(|i| others[i].1.as_str());
        let after = others.get(at).map(|e| e.1.as_str());
        self.edit(MutationOp::MoveEntry {
            id: entry,
            position: position::between(before, after),
        })?;
        Ok(())
    }

    /// Removes an entry from its playlist.
    ///
    /// # Errors
    /// See [`Library::edit`].
    pub fn remove_entry(&mut self, entry: PlaylistEntryId) -> Result<()> {
        self.edit(MutationOp::RemoveEntry { id: entry })?;
        Ok(())
    }

    /// Marks or unmarks a favorite.
    ///
    /// # Errors
    /// See [`Library::edit`].
    pub fn set_favorite(&mut self, item: ItemId, on: bool) -> Result<()> {
        self.edit(MutationOp::SetFavorite { item_id: item, on })?;
        Ok(())
    }

    /// Follows or unfollows an artist.
    ///
    /// # Errors
    /// See [`Library::edit`].
    pub fn set_follow(&mut self, artist: ItemId, on: bool) -> Result<()> {
        self.edit(MutationOp::SetFollow {
            artist_id: artist,
            on,
        })?;
        Ok(())
    }

    /// Records a play and its resume position.
    ///
    /// # Errors
    /// See [`Library::edit`].
    pub fn record_play(&mut self, item: ItemId, position_ms: u64) -> Result<()> {
        self.edit(MutationOp::RecordPlay {
            item_id: item,
            position_ms,
            played_at: now_ms(),
        })?;
        Ok(())
    }

    fn playlist_exists(&self, id: PlaylistId) -> Result<bool> {
        Ok(self
            .conn
            .query_row(
                "SELECT 1 FROM playlists WHERE id = ?1",
                [id.to_string()],
                |_| Ok(()),
            )
            .optional()?
            .is_some())
    }

    /// Every playlist by name.
    ///
    /// # Errors
    /// SQLite's.
    pub fn playlists(&self) -> Result<Vec<PlaylistSummary>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT p.id, p.name, p.description, (SELECT COUNT(*) FROM playlist_entries e WHERE e.playlist_id = p.id), \
             EXISTS (SELECT 1 FROM pinned_playlists k WHERE k.playlist_id = p.id), p.version > 0 \
             FROM playlists p ORDER BY p.name COLLATE NOCASE, p.id",
        )?;
        let rows = stmt.query_map([], |r| {
            let id: String = r.get(0)?;
            Ok(PlaylistSummary {
                id: id.parse().unwrap_or_default(),
                name: r.get(1)?,
                description: r.get(2)?,
                entries: r.get::<_, i64>(3)?.max(0) as u64,
                pinned: r.get(4)?,
                synced: r.get(5)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// A playlist's entries in order.
    ///
    /// # Errors
    /// SQLite's.
    pub fn playlist_entries(&self, id: PlaylistId) -> Result<Vec<EntryView>> {
        let sql = format!(
            "SELECT e.id, e.item_id, e.position, i.id IS NOT NULL, {SUMMARY_COLUMNS} FROM playlist_entries e \
             LEFT JOIN items i ON i.id = e.item_id WHERE e.playlist_id = ?1 ORDER BY e.position, e.id"
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map([id.to_string()], |r| {
            let eid: String = r.get(0)?;
            let item_id: String = r.get(1)?;
            let present: bool = r.get(3)?;
            let item = if present {
                // The summary columns start at index 4.
                Some(summary_at(r, 4)?)
            } else {
                None
            };
            Ok(EntryView {
                id: eid.parse().unwrap_or_default(),
                item_id: item_id.parse().unwrap_or_default(),
                item,
                position: r.get(2)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Favorite items, newest first.
    ///
    /// # Errors
    /// SQLite's.
    pub fn favorites(&self) -> Result<Vec<ItemSummary>> {
        let sql = format!(
            "SELECT {SUMMARY_COLUMNS} FROM favorites f JOIN items i ON i.id = f.item_id ORDER BY f.added_at DESC"
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map([], summary_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Whether `item` is a favorite.
    ///
    /// # Errors
    /// SQLite's.
    pub fn is_favorite(&self, item: ItemId) -> Result<bool> {
        Ok(self
            .conn
            .query_row(
                "SELECT 1 FROM favorites WHERE item_id = ?1",
                [item.to_string()],
                |_| Ok(()),
            )
            .optional()?
            .is_some())
    }

    /// Followed artists.
    ///
    /// # Errors
    /// SQLite's.
    pub fn follows(&self) -> Result<Vec<ItemSummary>> {
        let sql = format!(
            "SELECT {SUMMARY_COLUMNS} FROM follows f JOIN items i ON i.id = f.artist_id ORDER BY i.title COLLATE NOCASE"
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map([], summary_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// How many plays of `item` the server has counted (as last synced).
    ///
    /// # Errors
    /// SQLite's.
    pub fn play_count(&self, item: ItemId) -> Result<Option<u32>> {
        Ok(self
            .conn
            .query_row(
                "SELECT play_count FROM history WHERE item_id = ?1",
                [item.to_string()],
                |r| r.get::<_, i64>(0),
            )
            .optional()?
            .map(|n| n.clamp(0, i64::from(u32::MAX)) as u32))
    }

    /// The resume position of `item`, in ms.
    ///
    /// # Errors
    /// SQLite's.
    pub fn resume_position(&self, item: ItemId) -> Result<Option<u64>> {
        Ok(self
            .conn
            .query_row(
                "SELECT position_ms FROM history WHERE item_id = ?1",
                [item.to_string()],
                |r| r.get::<_, i64>(0),
            )
            .optional()?
            .map(|p| p.max(0) as u64))
    }
}

fn check_name(name: &str) -> Result<String> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(Error::Invalid("a playlist name has 1 to 200 characters"));
    }
    Ok(name.to_owned())
}
