//! The catalogue on the device: applying the change feed, browsing and search.
//!
//! [`Library::apply_page`] applies one page of the feed and its cursor in one transaction, so a
//! crash (even `kill -9`) leaves either the whole page or none of it. Foreign keys are checked at
//! commit (`defer_foreign_keys`): the feed is in version order, so a playlist renamed after its
//! entries were added arrives after them.
//!
//! Search ([`Library::search`]) runs one FTS5 query per kind. A query first takes up to
//! [`RANK_CAP`] matches in index order (cheap even for a one-letter prefix, thanks to the prefix
//! indexes); only when there are fewer than that are they ranked with bm25 — ranking every match of
//! a common word is what makes naive FTS slow (174 ms p99 at 100k rows, measured here). Common
//! words instead list titles that start with the word first, then other matches.

use cnt_model::ids::{ItemId, UserId};
use cnt_model::sync::{CatalogItem, ChangeOp, ChangesPage, ItemKind, Record, RecordKind};
use rusqlite::{OptionalExtension, Transaction, params};

use crate::{Error, Library, Result, now_ms};

/// Below this many matches, results are ranked by relevance; above, listed in index order with
/// title-prefix matches first.
pub const RANK_CAP: usize = 300;

/// A catalogue item as lists show it (no JSON decoding).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ItemSummary {
    /// Id.
    pub id: ItemId,
    /// Kind.
    pub kind: ItemKind,
    /// Title.
    pub title: String,
    /// Second line (artist, podcast).
    pub subtitle: Option<String>,
    /// Length in milliseconds.
    pub duration_ms: Option<u64>,
    /// Artwork's content hash.
    pub artwork_hash: Option<String>,
    /// Whether it has a media file at all.
    pub playable: bool,
    /// Whether its media is downloaded and verified on this device.
    pub offline: bool,
}

/// What one page did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ApplyStats {
    /// Records inserted or replaced.
    pub upserts: usize,
    /// Records deleted.
    pub deletes: usize,
    /// Playlists deleted elsewhere while this device had unsent edits of them.
    pub conflicts: usize,
    /// The cursor after the page.
    pub cursor: i64,
}

/// Search results, grouped by kind in [`ItemKind::ALL`] order; kinds with no match are absent.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SearchResults {
    /// (kind, hits) groups.
    pub groups: Vec<(ItemKind, Vec<ItemSummary>)>,
}

impl SearchResults {
    /// All hits, in group order.
    pub fn hits(&self) -> impl Iterator<Item = &ItemSummary> {
        self.groups.iter().flat_map(|(_, h)| h.iter())
    }
}

/// What the Home screen shows.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Home {
    /// Started but not finished, newest first, with the resume position in ms.
    pub continue_listening: Vec<(ItemSummary, u64)>,
    /// Recently played, newest first.
    pub recent: Vec<ItemSummary>,
    /// Featured by the church.
    pub featured: Vec<ItemSummary>,
    /// Newest additions to the catalogue.
    pub new: Vec<ItemSummary>,
}

pub(crate) const SUMMARY_COLUMNS: &str = "i.id, i.kind, i.title, i.subtitle, i.duration_ms, i.artwork_hash, i.media_hash, \
     EXISTS (SELECT 1 FROM downloads d WHERE d.item_id = i.id AND d.state = 'done') AS offline";

pub(crate) fn summary_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<ItemSummary> {
    summary_at(r, 0)
}

/// An [`ItemSummary`] from [`SUMMARY_COLUMNS`] starting at column `o`.
pub(crate) fn summary_at(r: &rusqlite::Row<'_>, o: usize) -> rusqlite::Result<ItemSummary> {
    let id: String = r.get(o)?;
    let kind: String = r.get(o + 1)?;
    let media: Option<String> = r.get(o + 6)?;
    Ok(ItemSummary {
        id: id.parse().map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(o, rusqlite::types::Type::Text, Box::new(e))
        })?,
        kind: ItemKind::parse(&kind).unwrap_or(ItemKind::Document),
        title: r.get(o + 2)?,
        subtitle: r.get(o + 3)?,
        duration_ms: r.get::<_, Option<i64>>(o + 4)?.map(|d| d.max(0) as u64),
        artwork_hash: r.get(o + 5)?,
        playable: media.is_some(),
        offline: r.get(o + 7)?,
    })
}

pub(crate) fn upsert_item(tx: &Transaction<'_>, item: &CatalogItem, version: i64) -> Result<()> {
    let body = serde_json::to_string(item).map_err(Error::Json)?;
    tx.prepare_cached(
        "INSERT INTO items (id, kind, title, subtitle, album_title, description, lyrics, artist_id, album_id, parent_id, \
         number, duration_ms, media_hash, media_size, artwork_hash, featured, version, body) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18) \
         ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, title = excluded.title, subtitle = excluded.subtitle, \
         album_title = excluded.album_title, description = excluded.description, lyrics = excluded.lyrics, \
         artist_id = excluded.artist_id, album_id = excluded.album_id, parent_id = excluded.parent_id, \
         number = excluded.number, duration_ms = excluded.duration_ms, media_hash = excluded.media_hash, \
         media_size = excluded.media_size, artwork_hash = excluded.artwork_hash, featured = excluded.featured, \
         version = excluded.version, body = excluded.body",
    )?
    .execute(params![
        item.id.to_string(),
        item.kind.as_str(),
        item.title,
        item.subtitle,
        item.album_title,
        item.description,
        item.lyrics,
        item.artist_id.map(|i| i.to_string()),
        item.album_id.map(|i| i.to_string()),
        item.parent_id.map(|i| i.to_string()),
        item.number,
        item.duration_ms.map(|d| d as i64),
        item.media.as_ref().map(|m| m.hash.clone()),
        item.media.as_ref().map(|m| m.size as i64),
        item.artwork.as_ref().map(|m| m.hash.clone()),
        item.featured,
        version,
        body,
    ])?;
    Ok(())
}

/// Turns typed words into an FTS5 expression, all words required. Words the user has finished
/// (followed by more text or a space) must match whole; the word being typed is a prefix. `None`
/// when nothing searchable is left. Whole words keep common-word queries cheap: a prefix query
/// longer than the prefix indexes merges every matching term's postings.
pub fn fts_query(input: &str) -> Option<String> {
    let words: Vec<&str> = input
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(8)
        .collect();
    let typing_last = input.chars().last().is_some_and(char::is_alphanumeric);
    let n = words.len();
    let terms: Vec<String> = words
        .iter()
        .enumerate()
        .map(|(i, w)| {
            if i + 1 == n && typing_last {
                format!("\"{w}\"*")
            } else {
                format!("\"{w}\"")
            }
        })
        .collect();
    (!terms.is_empty()).then(|| terms.join(" "))
}

impl Library {
    /// The server and user whose data this file holds, and the applied cursor.
    ///
    /// # Errors
    /// SQLite's.
    pub fn sync_scope(&self) -> Result<(Option<String>, Option<UserId>, i64)> {
        Ok(self.conn.query_row(
            "SELECT server, user_id, cursor FROM sync_state WHERE id = 1",
            [],
            |r| {
                let user: Option<String> = r.get(1)?;
                Ok((r.get(0)?, user.and_then(|u| u.parse().ok()), r.get(2)?))
            },
        )?)
    }

    /// Makes this file hold `user`'s data from `server`. When either changes, the user's own data
    /// and the cursor are reset (the next sync refills them); the catalogue stays, and other users'
    /// unsent edits stay in the outbox until they sign in again.
    ///
    /// # Errors
    /// SQLite's.
    pub fn set_sync_scope(&mut self, server: &str, user: UserId) -> Result<bool> {
        let (s, u, _) = self.sync_scope()?;
        if s.as_deref() == Some(server) && u == Some(user) {
            return Ok(false);
        }
        let tx = self.conn.transaction()?;
        let same_server = s.as_deref() == Some(server);
        tx.execute_batch(
            "DELETE FROM playlist_entries; DELETE FROM playlists; DELETE FROM favorites; \
             DELETE FROM follows; DELETE FROM history; DELETE FROM conflicts; DELETE FROM pinned_playlists;",
        )?;
        if !same_server {
            tx.execute_batch("DELETE FROM items;")?;
        }
        tx.execute(
            "UPDATE sync_state SET server = ?1, user_id = ?2, cursor = 0 WHERE id = 1",
            params![server, user.to_string()],
        )?;
        tx.commit()?;
        Ok(true)
    }

    /// Forgets the catalogue, the user's synced data and the cursor, so that the next sync fetches
    /// everything again. Unsent edits, downloads and conflicts stay (edits are replayed on top).
    /// Used when the server's history went backwards (restored from an older backup).
    ///
    /// # Errors
    /// SQLite's.
    pub fn reset_for_resync(&mut self) -> Result<()> {
        let tx = self.conn.transaction()?;
        tx.execute_batch(
            "DELETE FROM playlist_entries; DELETE FROM playlists; DELETE FROM favorites; \
             DELETE FROM follows; DELETE FROM history; DELETE FROM items; \
             UPDATE sync_state SET cursor = 0 WHERE id = 1;",
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Applies one page of the change feed fetched with `since`, together with its cursor, in one
    /// transaction. A page whose `since` no longer matches the stored cursor (another sync got there
    /// first) is skipped.
    ///
    /// # Errors
    /// [`Error::StaleCursor`] for a skipped page; SQLite's otherwise (nothing is applied).
    pub fn apply_page(&mut self, since: i64, page: &ChangesPage) -> Result<ApplyStats> {
        let tx = self.conn.transaction()?;
        tx.execute_batch("PRAGMA defer_foreign_keys = ON;")?;
        let (cursor, user): (i64, Option<String>) = tx.query_row(
            "SELECT cursor, user_id FROM sync_state WHERE id = 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        if cursor != since {
            return Err(Error::StaleCursor {
                expected: since,
                found: cursor,
            });
        }
        let user = user.unwrap_or_default();
        let mut stats = ApplyStats::default();
        let mut touched_user_data = false;
        for change in &page.changes {
            match &change.op {
                ChangeOp::Upsert { record } => {
                    stats.upserts += 1;
                    if !matches!(record, Record::Item(_)) {
                        touched_user_data = true;
                    }
                    crate::edits::upsert_record(&tx, record, change.version)?;
                }
                ChangeOp::Delete { kind, key } => {
                    stats.deletes += 1;
                    if *kind != RecordKind::Item {
                        touched_user_data = true;
                    }
                    if *kind == RecordKind::Playlist
                        && crate::edits::conflict_on_delete(&tx, &user, key)?
                    {
                        stats.conflicts += 1;
                    }
                    crate::edits::delete_record(&tx, *kind, key)?;
                }
            }
        }
        if touched_user_data {
            crate::edits::rebase_pending(&tx, &user)?;
        }
        let next = page.next_cursor.max(cursor);
        tx.execute(
            "UPDATE sync_state SET cursor = ?1, last_sync_at = ?2 WHERE id = 1",
            params![next, now_ms()],
        )?;
        tx.commit()?;
        stats.cursor = next;
        Ok(stats)
    }

    /// One catalogue item.
    ///
    /// # Errors
    /// SQLite's, or a damaged record.
    pub fn item(&self, id: ItemId) -> Result<Option<CatalogItem>> {
        let body: Option<String> = self
            .conn
            .query_row(
                "SELECT body FROM items WHERE id = ?1",
                [id.to_string()],
                |r| r.get(0),
            )
            .optional()?;
        body.map(|b| serde_json::from_str(&b).map_err(Error::Json))
            .transpose()
    }

    /// How many catalogue items of `kind` (all kinds with `None`).
    ///
    /// # Errors
    /// SQLite's.
    pub fn count_items(&self, kind: Option<ItemKind>) -> Result<u64> {
        let n: i64 = match kind {
            Some(k) => self.conn.query_row(
                "SELECT COUNT(*) FROM items WHERE kind = ?1",
                [k.as_str()],
                |r| r.get(0),
            )?,
            None => self
                .conn
                .query_row("SELECT COUNT(*) FROM items", [], |r| r.get(0))?,
        };
        Ok(n.max(0) as u64)
    }

    /// Every artwork file the catalogue refers to (content hashes, each once, sorted).
    ///
    /// # Errors
    /// SQLite's.
    pub fn artwork_hashes(&self) -> Result<Vec<String>> {
        let mut stmt = self.conn.prepare(
            "SELECT DISTINCT artwork_hash FROM items WHERE artwork_hash IS NOT NULL ORDER BY 1",
        )?;
        let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// Items of `kind` by title, a page at a time.
    ///
    /// # Errors
    /// SQLite's.
    pub fn items_by_kind(
        &self,
        kind: ItemKind,
        offset: usize,
        limit: usize,
    ) -> Result<Vec<ItemSummary>> {
        let sql = format!(
            "SELECT {SUMMARY_COLUMNS} FROM items i WHERE i.kind = ?1 ORDER BY i.title COLLATE NOCASE, i.id LIMIT ?2 OFFSET ?3"
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map(
            params![kind.as_str(), limit as i64, offset as i64],
            summary_from_row,
        )?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Items that belong to `parent`: an album's tracks, a podcast's episodes, an artist's albums
    /// and tracks.
    ///
    /// # Errors
    /// SQLite's.
    pub fn children(&self, parent: ItemId) -> Result<Vec<ItemSummary>> {
        let sql = format!(
            "SELECT {SUMMARY_COLUMNS} FROM items i WHERE i.album_id = ?1 OR i.parent_id = ?1 OR i.artist_id = ?1 \
             ORDER BY i.kind, i.number, i.title COLLATE NOCASE LIMIT 500"
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map([parent.to_string()], summary_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The Home screen: continue listening, recently played, featured, new.
    ///
    /// # Errors
    /// SQLite's.
    pub fn home(&self) -> Result<Home> {
        let mut home = Home::default();
        let sql = format!(
            "SELECT {SUMMARY_COLUMNS}, h.position_ms FROM history h JOIN items i ON i.id = h.item_id \
             WHERE h.position_ms > 0 AND (i.duration_ms IS NULL OR h.position_ms < i.duration_ms - 5000) \
             ORDER BY h.played_at DESC LIMIT 12"
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        home.continue_listening = stmt
            .query_map([], |r| {
                Ok((summary_from_row(r)?, r.get::<_, i64>(8)?.max(0) as u64))
            })?
            .collect::<rusqlite::Result<_>>()?;
        let lists = [
            format!(
                "SELECT {SUMMARY_COLUMNS} FROM history h JOIN items i ON i.id = h.item_id ORDER BY h.played_at DESC LIMIT 12"
            ),
            format!(
                "SELECT {SUMMARY_COLUMNS} FROM items i WHERE i.featured = 1 ORDER BY i.version DESC LIMIT 12"
            ),
            format!(
                "SELECT {SUMMARY_COLUMNS} FROM items i WHERE i.kind IN ('track','album','episode','movie','podcast') \
                 ORDER BY i.rowid DESC LIMIT 12"
            ),
        ];
        let mut out = Vec::new();
        for sql in &lists {
            let mut stmt = self.conn.prepare_cached(sql)?;
            out.push(
                stmt.query_map([], summary_from_row)?
                    .collect::<rusqlite::Result<Vec<_>>>()?,
            );
        }
        home.new = out.pop().unwrap_or_default();
        home.featured = out.pop().unwrap_or_default();
        home.recent = out.pop().unwrap_or_default();
        Ok(home)
    }

    /// Searches every kind at once for `input` (words, each a prefix; accents ignored), up to
    /// `per_kind` hits per kind.
    ///
    /// # Errors
    /// SQLite's.
    pub fn search(&self, input: &str, per_kind: usize) -> Result<SearchResults> {
        let Some(words) = fts_query(input) else {
            return Ok(SearchResults::default());
        };
        let per_kind = per_kind.clamp(1, 200);
        let mut results = SearchResults::default();
        // "Titles that start with the word" is a cheap, telling order for one word; for several,
        // checking positions of every match of the first word costs more than it tells.
        let title_first = (!words.contains(' ')).then(|| words.clone());
        for kind in ItemKind::ALL {
            let expr = format!(
                "kind : \"{}\" AND {{title subtitle album_title description lyrics}} : ({words})",
                kind.as_str()
            );
            // Up to RANK_CAP matches in index order, unscored: bm25 needs statistics over every
            // match of each term, which is what makes ranking a common word slow.
            let mut stmt = self
                .conn
                .prepare_cached("SELECT rowid FROM items_fts WHERE items_fts MATCH ?1 LIMIT ?2")?;
            let rowids: Vec<i64> = stmt
                .query_map(params![expr, RANK_CAP as i64], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            if rowids.is_empty() {
                continue;
            }
            let by_rowid = format!("SELECT {SUMMARY_COLUMNS} FROM items i WHERE i.rowid = ?1");
            let hits = if rowids.len() < RANK_CAP {
                // Few matches: all are here; rank them on their titles (bm25 would need
                // statistics over every match of each word, which is slow for common words).
                let mut stmt = self.conn.prepare_cached(&by_rowid)?;
                let mut all = rowids
                    .iter()
                    .map(|rowid| stmt.query_row([rowid], summary_from_row))
                    .collect::<rusqlite::Result<Vec<_>>>()?;
                let folded_words: Vec<String> = input
                    .split(|c: char| !c.is_alphanumeric())
                    .filter(|w| !w.is_empty())
                    .map(fold)
                    .collect();
                all.sort_by_cached_key(|h| relevance(h, &folded_words));
                all.truncate(per_kind);
                all
            } else {
                // A common word: titles starting with it first, then the rest in index order.
                let mut hits = Vec::with_capacity(per_kind);
                if let Some(first) = &title_first {
                    let starts = format!(
                        "kind : \"{}\" AND {{title}} : (^{first}) AND {{title subtitle album_title description lyrics}} : ({words})",
                        kind.as_str()
                    );
                    let sql = format!(
                        "SELECT {SUMMARY_COLUMNS} FROM items_fts f JOIN items i ON i.rowid = f.rowid \
                         WHERE items_fts MATCH ?1 LIMIT ?2"
                    );
                    let mut stmt = self.conn.prepare_cached(&sql)?;
                    hits = stmt
                        .query_map(params![starts, per_kind as i64], summary_from_row)?
                        .collect::<rusqlite::Result<Vec<_>>>()?;
                }
                if hits.len() < per_kind {
                    let mut stmt = self.conn.prepare_cached(&by_rowid)?;
                    for rowid in &rowids {
                        if hits.len() >= per_kind {
                            break;
                        }
                        let hit = stmt.query_row([rowid], summary_from_row)?;
                        if !hits.iter().any(|h| h.id == hit.id) {
                            hits.push(hit);
                        }
                    }
                }
                hits
            };
            results.groups.push((kind, hits));
        }
        Ok(results)
    }
}

/// Lower case without accents, for comparing titles with what was typed (the same folding FTS5's
/// `remove_diacritics` applies to the common Latin letters).
pub fn fold(text: &str) -> String {
    text.chars()
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => 'a',
            'ç' | 'ć' | 'č' => 'c',
            'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ė' | 'ę' | 'ě' => 'e',
            'ì' | 'í' | 'î' | 'ï' | 'ī' | 'į' => 'i',
            'ñ' | 'ń' | 'ň' => 'n',
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ő' => 'o',
            'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' | 'ű' => 'u',
            'ý' | 'ÿ' => 'y',
            'ś' | 'š' | 'ş' => 's',
            'ź' | 'ż' | 'ž' => 'z',
            'ł' => 'l',
            'ř' => 'r',
            'ť' => 't',
            'ď' => 'd',
            other => other,
        })
        .collect()
}

/// Sort key of a hit for the typed `words` (folded): titles starting with the first word, then
/// titles holding every word, then the second line, then anything else; shorter titles first.
fn relevance(hit: &ItemSummary, words: &[String]) -> (u8, usize, String) {
    let title = fold(&hit.title);
    let tokens: Vec<&str> = title
        .split(|c: char| !c.is_alphanumeric())
        .filter(|t| !t.is_empty())
        .collect();
    let in_title = |w: &String| tokens.iter().any(|t| t.starts_with(w.as_str()));
    let tier = if words
        .first()
        .is_some_and(|w| tokens.first().is_some_and(|t| t.starts_with(w.as_str())))
        && words.iter().all(in_title)
    {
        0
    } else if words.iter().all(in_title) {
        1
    } else {
        let second = fold(hit.subtitle.as_deref().unwrap_or(""));
        if words
            .iter()
            .all(|w| in_title(w) || second.contains(w.as_str()))
        {
            2
        } else {
            3
        }
    };
    (tier, title.len(), title)
}

#[cfg(test)]
mod tests {
    use super::{ItemSummary, fold, fts_query, relevance};

    fn hit(title: &str, subtitle: &str) -> ItemSummary {
        ItemSummary {
            id: cnt_model::ids::ItemId::new(),
            kind: cnt_model::sync::ItemKind::Track,
            title: title.into(),
            subtitle: Some(subtitle.into()),
            duration_ms: None,
            artwork_hash: None,
            playable: false,
            offline: false,
        }
    }

    #[test]
    fn titles_starting_with_the_word_rank_first_then_titles_then_artists() {
        let words = vec![fold("Grâce")];
        let mut hits = [
            hit("Songs", "Grace Choir"),
            hit("Amazing Grace", "Choir"),
            hit("Grace Alone in the Valley", "X"),
            hit("Grace", "X"),
        ];
        hits.sort_by_cached_key(|h| relevance(h, &words));
        let titles: Vec<&str> = hits.iter().map(|h| h.title.as_str()).collect();
        assert_eq!(
            titles,
            [
                "Grace",
                "Grace Alone in the Valley",
                "Amazing Grace",
                "Songs"
            ]
        );
        assert_eq!(fold("Coração ÑANDÚ"), "coracao nandu");
    }

    #[test]
    fn finished_words_match_whole_and_the_typed_one_is_a_prefix() {
        assert_eq!(fts_query("holy li").as_deref(), Some("\"holy\" \"li\"*"));
        assert_eq!(fts_query("holy ").as_deref(), Some("\"holy\""));
        assert_eq!(fts_query("  \"(*:^").as_deref(), None);
        assert_eq!(fts_query("o'neil").as_deref(), Some("\"o\" \"neil\"*"));
    }
}
