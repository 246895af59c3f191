//! [`SongStore`]: the song library and saved verses in their own SQLite file (`songs.db`).
//!
//! ```text
//!  import(path) ── Song::import ──► one transaction: song row (OpenLyrics 0.9 + list columns)
//!                                   └─ trigger ─► song_fts (title, authors, lyrics)
//!  search(query) ── song_fts MATCH "term"* …, bm25 ──► Vec<SongSummary>
//!  song(id)      ── openlyrics::parse_str ──► Song
//! ```
//!
//! **Why a file of its own**: songs and saved verses are the user's data (unlike `bible.db`, which
//! can be deleted and rebuilt), but they are not synced yet, so they stay out of the library
//! database and its outbox. Each song is stored as the OpenLyrics 0.9 this crate writes, so what is
//! stored is a standard file that any OpenLyrics reader (and [`super::openlyrics::parse_str`])
//! reads back; the other columns only serve lists and the full-text index.

use std::path::Path;

use rusqlite::{Connection, OptionalExtension, params};

use super::{Song, openlyrics};
use crate::{Error, Result};

const MIGRATIONS: &[&str] = &[include_str!("../../migrations/songs/0001_songs.sql")];

/// The newest song-database schema this build understands.
pub const SONGS_SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// A song in a list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SongSummary {
    /// Row id in the song library.
    pub id: i64,
    /// Main title.
    pub title: String,
    /// Author names, comma separated.
    pub authors: String,
    /// Key as written, if any.
    pub key: Option<String>,
    /// CCLI song number, if any.
    pub ccli: Option<String>,
    /// The file name it was imported from.
    pub source: String,
}

/// A verse saved from the Bible reader.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SavedVerse {
    /// Row id.
    pub id: i64,
    /// The reference as shown (`John 3:16`).
    pub reference: String,
    /// Its OSIS form (`John.3.16`).
    pub osis: String,
}

/// The song library database.
#[derive(Debug)]
pub struct SongStore {
    conn: Connection,
}

impl SongStore {
    /// Opens or creates the song database at `path` and migrates it.
    ///
    /// # Errors
    /// [`Error::SongsTooNew`] for a file from a newer app; [`Error::Io`] / [`Error::Database`].
    pub fn open(path: &Path) -> Result<Self> {
        Self::setup(Some(path))
    }

    /// A fresh database in memory (tests).
    ///
    /// # Errors
    /// [`Error::Database`].
    pub fn open_in_memory() -> Result<Self> {
        Self::setup(None)
    }

    fn setup(path: Option<&Path>) -> Result<Self> {
        let conn = crate::sqlite::open_migrated(path, MIGRATIONS, |found, supported| {
            Error::SongsTooNew { found, supported }
        })?;
        Ok(Self { conn })
    }

    /// Reads a song file (any format [`Song::import`] knows) and adds it, in one transaction.
    ///
    /// # Errors
    /// As [`Song::import`], plus [`Error::Database`].
    pub fn import(&mut self, path: &Path) -> Result<SongSummary> {
        let song = Song::import(path)?;
        let source = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        self.add(&song, &source)
    }

    /// Adds a song (one transaction) and returns its summary.
    ///
    /// # Errors
    /// [`Error::Database`].
    pub fn add(&mut self, song: &Song, source: &str) -> Result<SongSummary> {
        let mut added = self.add_all(std::slice::from_ref(song), source)?;
        added
            .pop()
            .ok_or_else(|| Error::Database(rusqlite::Error::QueryReturnedNoRows))
    }

    /// Adds several songs in one transaction (all or none), e.g. a whole OpenLP song database.
    ///
    /// # Errors
    /// [`Error::Database`].
    pub fn add_all(&mut self, songs: &[Song], source: &str) -> Result<Vec<SongSummary>> {
        let tx = self.conn.transaction()?;
        let mut added = Vec::with_capacity(songs.len());
        for song in songs {
            let title = if song.title().is_empty() {
                source.to_owned()
            } else {
                song.title().to_owned()
            };
            let authors = song
                .authors
                .iter()
                .map(|a| a.name.as_str())
                .collect::<Vec<_>>()
                .join(", ");
            let lyrics = song
                .sections
                .iter()
                .map(super::Section::text)
                .collect::<Vec<_>>()
                .join("\n");
            let xml = openlyrics::write(song);
            tx.execute(
                "INSERT INTO song (title, authors, song_key, ccli, lyrics, source, openlyrics)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![title, authors, song.key, song.ccli, lyrics, source, xml],
            )?;
            added.push(SongSummary {
                id: tx.last_insert_rowid(),
                title,
                authors,
                key: song.key.clone(),
                ccli: song.ccli.clone(),
                source: source.to_owned(),
            });
        }
        tx.commit()?;
        Ok(added)
    }

    /// Songs matching `query` (words are prefixes: `grac` finds `Grace`; diacritics folded), best
    /// first; an empty query lists every song by title.
    ///
    /// # Errors
    /// [`Error::Database`].
    pub fn search(&self, query: &str) -> Result<Vec<SongSummary>> {
        let map = |r: &rusqlite::Row<'_>| {
            Ok(SongSummary {
                id: r.get(0)?,
                title: r.get(1)?,
                authors: r.get(2)?,
                key: r.get(3)?,
                ccli: r.get(4)?,
                source: r.get(5)?,
            })
        };
        let Some(fts) = prefix_query(query) else {
            let mut stmt = self.conn.prepare_cached(
                "SELECT id, title, authors, song_key, ccli, source FROM song
                 ORDER BY title COLLATE NOCASE, id",
            )?;
            return Ok(stmt.query_map([], map)?.collect::<rusqlite::Result<_>>()?);
        };
        // Title matches weigh most, then authors, then lyrics.
        let mut stmt = self.conn.prepare_cached(
            "SELECT s.id, s.title, s.authors, s.song_key, s.ccli, s.source
             FROM song_fts f JOIN song s ON s.id = f.rowid
             WHERE song_fts MATCH ?1
             ORDER BY bm25(song_fts, 10.0, 5.0, 1.0), s.title COLLATE NOCASE",
        )?;
        Ok(stmt
            .query_map(params![fts], map)?
            .collect::<rusqlite::Result<_>>()?)
    }

    /// The song with this id.
    ///
    /// # Errors
    /// [`Error::SongNotFound`], [`Error::Database`], or an import error if the stored XML cannot be
    /// read back.
    pub fn song(&self, id: i64) -> Result<Song> {
        let xml: Option<(String, String)> = self
            .conn
            .query_row(
                "SELECT openlyrics, source FROM song WHERE id = ?1",
                params![id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let (xml, source) = xml.ok_or(Error::SongNotFound(id))?;
        openlyrics::parse_str(&xml, Path::new(&source))
    }

    /// Removes a song.
    ///
    /// # Errors
    /// [`Error::SongNotFound`], [`Error::Database`].
    pub fn delete(&mut self, id: i64) -> Result<()> {
        let n = self
            .conn
            .execute("DELETE FROM song WHERE id = ?1", params![id])?;
        if n == 0 {
            return Err(Error::SongNotFound(id));
        }
        Ok(())
    }

    /// Saves a verse reference (saving one twice keeps one row). Returns the saved row.
    ///
    /// # Errors
    /// [`Error::Database`].
    pub fn save_verse(&mut self, reference: &str, osis: &str) -> Result<SavedVerse> {
        self.conn.execute(
            "INSERT INTO saved_verse (reference, osis) VALUES (?1, ?2)
             ON CONFLICT(reference) DO NOTHING",
            params![reference, osis],
        )?;
        let id = self.conn.query_row(
            "SELECT id FROM saved_verse WHERE reference = ?1",
            params![reference],
            |r| r.get(0),
        )?;
        Ok(SavedVerse {
            id,
            reference: reference.to_owned(),
            osis: osis.to_owned(),
        })
    }

    /// Saved verses, newest first.
    ///
    /// # Errors
    /// [`Error::Database`].
    pub fn saved_verses(&self) -> Result<Vec<SavedVerse>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT id, reference, osis FROM saved_verse ORDER BY id DESC")?;
        Ok(stmt
            .query_map([], |r| {
                Ok(SavedVerse {
                    id: r.get(0)?,
                    reference: r.get(1)?,
                    osis: r.get(2)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?)
    }

    /// Forgets a saved verse (no error if it was not saved).
    ///
    /// # Errors
    /// [`Error::Database`].
    pub fn unsave_verse(&mut self, id: i64) -> Result<()> {
        self.conn
            .execute("DELETE FROM saved_verse WHERE id = ?1", params![id])?;
        Ok(())
    }
}

/// Typed words as quoted FTS5 prefix terms joined by AND (`grace am` → `"grace"* AND "am"*`), so
/// FTS operators typed by users are literal; `None` when nothing searchable is left.
fn prefix_query(input: &str) -> Option<String> {
    let terms: Vec<String> = input
        .split(|c: char| !c.is_alphanumeric() && c != '\'')
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .map(|w| format!("\"{}\"*", w.replace('"', "")))
        .collect();
    (!terms.is_empty()).then(|| terms.join(" AND "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::song::Line;

    fn song(title: &str, words: &str) -> Song {
        Song {
            titles: vec![title.into()],
            sections: vec![super::super::Section {
                name: "v1".into(),
                lang: None,
                lines: vec![Line::plain(words)],
            }],
            ..Song::default()
        }
    }

    #[test]
    fn add_search_read_back_and_delete() {
        let mut store = SongStore::open_in_memory().expect("open");
        let a = store
            .add(&song("Amazing Grace", "how sweet the sound"), "a.xml")
            .expect("add");
        store
            .add(&song("Canción", "Jesús es el Señor"), "b.xml")
            .expect("add");
        assert_eq!(store.search("").expect("list").len(), 2);
        assert_eq!(store.search("grac").expect("search")[0].id, a.id);
        assert_eq!(store.search("jesus").expect("search")[0].title, "Canción");
        assert!(store.search("\"AND (").expect("search").is_empty());
        assert_eq!(store.song(a.id).expect("song").title(), "Amazing Grace");
        store.delete(a.id).expect("delete");
        assert!(matches!(store.song(a.id), Err(Error::SongNotFound(_))));
        assert!(store.search("grace").expect("search").is_empty());
    }

    #[test]
    fn saved_verses_are_kept_once() {
        let mut store = SongStore::open_in_memory().expect("open");
        let a = store.save_verse("John 3:16", "John.3.16").expect("save");
        let b = store.save_verse("John 3:16", "John.3.16").expect("save");
        assert_eq!(a.id, b.id);
        assert_eq!(store.saved_verses().expect("list").len(), 1);
        store.unsave_verse(a.id).expect("unsave");
        assert!(store.saved_verses().expect("list").is_empty());
    }

    #[test]
    fn a_newer_file_is_refused() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("songs.db");
        drop(SongStore::open(&path).expect("open"));
        let conn = Connection::open(&path).expect("conn");
        conn.execute_batch("PRAGMA user_version = 99")
            .expect("pragma");
        drop(conn);
        assert!(matches!(
            SongStore::open(&path),
            Err(Error::SongsTooNew { found: 99, .. })
        ));
    }
}
