//! Songs and saved verses through the core: the song library (`songs.db` in the data folder, a
//! `cnt_scripture::song::SongStore`), opened on first use.
//!
//! Songs and saved verses are the user's own data, unlike `bible.db` (rebuildable), so they get a
//! file of their own; they are not synced (docs/scripture.md, "Song storage").

use std::path::PathBuf;

use cnt_scripture::song::{SongStore, chordpro, openlyrics};

use crate::{Core, CoreEvent, Error, Result};

pub use cnt_scripture::song::chord::{Chord, Key};
pub use cnt_scripture::song::{Author, AuthorRole, Line, SavedVerse, Section, Song, SongSummary};

/// A song export format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SongExportFormat {
    /// OpenLyrics 0.9 XML.
    OpenLyrics,
    /// ChordPro text.
    ChordPro,
}

impl Core {
    fn with_songs<T>(
        &self,
        f: impl FnOnce(&mut SongStore) -> cnt_scripture::Result<T>,
    ) -> Result<T> {
        crate::scripture::with_opened(
            &self.inner.songs,
            || SongStore::open(&self.inner.data_dir.join("songs.db")),
            f,
        )
    }

    /// Imports song files (OpenLyrics, ChordPro, CCLI, OpenSong, SongBeamer): one result per file,
    /// each file all or nothing. The error is the message to show (file, line and element).
    pub fn song_import(&self, paths: &[PathBuf]) -> Vec<(PathBuf, Result<SongSummary, String>)> {
        let mut results = Vec::new();
        for path in paths {
            if is_sqlite(path) {
                // An OpenLP song database: every song in it, in one transaction.
                let source = path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                match cnt_scripture::song::openlp::read_database(path)
                    .map_err(Error::from)
                    .and_then(|songs| self.with_songs(|s| s.add_all(&songs, &source)))
                {
                    Ok(added) => {
                        results.extend(added.into_iter().map(|a| (path.clone(), Ok(a))));
                    }
                    Err(e) => results.push((path.clone(), Err(e.to_string()))),
                }
                continue;
            }
            let result = self
                .with_songs(|s| s.import(path))
                .map_err(|e| e.to_string());
            results.push((path.clone(), result));
        }
        results
    }

    /// Songs matching `query` (title, authors, lyrics; word prefixes), best first; all songs by
    /// title for an empty query.
    ///
    /// # Errors
    /// [`Error::Scripture`] when the song database cannot be opened or read.
    pub fn songs(&self, query: &str) -> Result<Vec<SongSummary>> {
        self.with_songs(|s| s.search(query))
    }

    /// One song.
    ///
    /// # Errors
    /// [`Error::Scripture`]: no such song, a database failure.
    pub fn song(&self, id: i64) -> Result<Song> {
        self.with_songs(|s| s.song(id))
    }

    /// A song written as OpenLyrics 0.9 or ChordPro.
    ///
    /// # Errors
    /// As [`Core::song`].
    pub fn song_export(&self, id: i64, format: SongExportFormat) -> Result<String> {
        let song = self.song(id)?;
        Ok(match format {
            SongExportFormat::OpenLyrics => openlyrics::write(&song),
            SongExportFormat::ChordPro => chordpro::write(&song),
        })
    }

    /// Removes a song from the library.
    ///
    /// # Errors
    /// [`Error::Scripture`]: no such song, a database failure.
    pub fn song_delete(&self, id: i64) -> Result<()> {
        self.with_songs(|s| s.delete(id))
    }

    /// Saves a Bible verse reference (`John 3:16`) to the saved-verses list; checked and
    /// normalised first, so `jn316` is saved as `John 3:16`. Screens hear [`CoreEvent::LibraryChanged`].
    ///
    /// # Errors
    /// [`Error::Scripture`]: a reference that cannot be, a database failure.
    pub fn save_verse(&self, reference: &str) -> Result<SavedVerse> {
        let parsed = cnt_scripture::Reference::parse(reference)?;
        let (shown, osis) = (parsed.to_string(), parsed.osis());
        let saved = self.with_songs(|s| s.save_verse(&shown, &osis))?;
        let _ = self.inner.events.send(CoreEvent::LibraryChanged);
        Ok(saved)
    }

    /// Saved verses, newest first.
    ///
    /// # Errors
    /// [`Error::Scripture`].
    pub fn saved_verses(&self) -> Result<Vec<SavedVerse>> {
        self.with_songs(|s| s.saved_verses())
    }

    /// Forgets a saved verse.
    ///
    /// # Errors
    /// [`Error::Scripture`].
    pub fn unsave_verse(&self, id: i64) -> Result<()> {
        self.with_songs(|s| s.unsave_verse(id))?;
        let _ = self.inner.events.send(CoreEvent::LibraryChanged);
        Ok(())
    }
}

/// A song laid out for musicians: for each section in singing order, its name and its lines as
/// (chord line, lyric line) pairs; the chord line is empty when the line has no chords.
pub fn song_chord_sheet(song: &Song) -> Vec<(String, Vec<(String, String)>)> {
    song.sections_in_order()
        .into_iter()
        .map(|s| {
            (
                s.name.clone(),
                s.lines.iter().map(Line::chords_over_lyrics).collect(),
            )
        })
        .collect()
}

/// A song transposed by `semitones` and then shown with a capo on `capo` (0 = none).
pub fn song_for_playing(song: &Song, semitones: i8, capo: u8) -> Song {
    let moved = song.transposed(semitones);
    if capo == 0 {
        moved
    } else {
        moved.with_capo(capo)
    }
}

/// Whether `path` is an SQLite database (OpenLP keeps its songs in one).
fn is_sqlite(path: &std::path::Path) -> bool {
    use std::io::Read;
    let mut header = [0u8; 16];
    std::fs::File::open(path)
        .and_then(|mut f| f.read_exact(&mut header))
        .is_ok()
        && &header == b"SQLite format 3\0"
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data(rel: &str) -> PathBuf {
        PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data")).join(rel)
    }

    #[tokio::test]
    async fn an_openlp_song_database_imports_all_its_songs_or_none() {
        let dir = tempfile::tempdir().expect("tempdir");
        let core = crate::tests::offline_core(dir.path());
        // The tables of OpenLP's songs.sqlite that the importer reads (openlp/plugins/songs/lib/db.py).
        let make = |name: &str, second_lyrics: &str| {
            let path = dir.path().join(name);
            let conn = rusqlite::Connection::open(&path).expect("create");
            conn.execute_batch(&format!(
                r#"
                CREATE TABLE authors (id INTEGER PRIMARY KEY, first_name VARCHAR(128), last_name VARCHAR(128), display_name VARCHAR(255) NOT NULL);
                CREATE TABLE songs (id INTEGER PRIMARY KEY, title VARCHAR(255) NOT NULL, alternate_title VARCHAR(255), lyrics TEXT NOT NULL,
                    verse_order VARCHAR(128), copyright VARCHAR(255), comments TEXT, ccli_number VARCHAR(64), theme_name VARCHAR(128),
                    search_title VARCHAR(255) NOT NULL, search_lyrics TEXT NOT NULL, create_date DATETIME, last_modified DATETIME, temporary BOOLEAN);
                CREATE TABLE authors_songs (author_id INTEGER NOT NULL, song_id INTEGER NOT NULL, author_type VARCHAR(255) NOT NULL DEFAULT '',
                    PRIMARY KEY (author_id, song_id, author_type));
                CREATE TABLE topics (id INTEGER PRIMARY KEY, name VARCHAR(128) NOT NULL);
                CREATE TABLE songs_topics (song_id INTEGER NOT NULL, topic_id INTEGER NOT NULL, PRIMARY KEY (song_id, topic_id));
                INSERT INTO authors VALUES (1, 'John', 'Newton', 'John Newton');
                INSERT INTO songs (id, title, lyrics, verse_order, search_title, search_lyrics) VALUES
                  (1, 'Amazing Grace', '<song version="1.0"><lyrics><verse type="v" label="1"><![CDATA[A[D]mazing grace]]></verse></lyrics></song>', 'v1', 'amazing grace', ''),
                  (2, 'Second', '<song version="1.0"><lyrics><verse type="v" label="1"><![CDATA[{second_lyrics}]]></verse></lyrics></song>', 'v1', 'second', '');
                INSERT INTO authors_songs VALUES (1, 1, 'words');
                "#
            ))
            .expect("schema");
            path
        };
        let good = make("good.sqlite", "Come, [G]thou fount");
        let results = core.song_import(&[good]);
        assert_eq!(results.len(), 2, "{results:?}");
        assert!(results.iter().all(|(_, r)| r.is_ok()), "{results:?}");
        assert_eq!(
            core.songs("grace").expect("search")[0].authors,
            "John Newton"
        );
        // A database with one broken song (an impossible chord) adds nothing at all.
        let broken = make("broken.sqlite", "x [Q] y");
        let results = core.song_import(&[broken]);
        assert_eq!(results.len(), 1);
        assert!(results[0].1.is_err(), "{results:?}");
        assert_eq!(core.songs("").expect("list").len(), 2);
    }

    #[tokio::test]
    async fn import_list_show_export_delete_and_save_verses() {
        let dir = tempfile::tempdir().expect("tempdir");
        let core = crate::tests::offline_core(dir.path());
        let files = vec![
            data("lyrics/openlyrics/songs/Be Thou My Vision.xml"),
            data("lyrics/chordpro/lib_ChordPro_res_examples_swinglow.cho"),
            data("lyrics/openlyrics/edge/InvalidXml.xml"),
            dir.path().join("missing.cho"),
        ];
        let results = core.song_import(&files);
        assert_eq!(results.len(), 4);
        let ok: Vec<&SongSummary> = results
            .iter()
            .filter_map(|(_, r)| r.as_ref().ok())
            .collect();
        assert_eq!(ok.len(), 2, "{results:?}");
        assert_eq!(ok[0].title, "Be Thou My Vision");
        let err = results[2].1.as_ref().expect_err("invalid");
        assert!(err.contains("InvalidXml.xml"), "{err}");
        assert_eq!(core.songs("").expect("list").len(), 2);
        let swing = core.songs("chariot").expect("search");
        assert_eq!(swing.len(), 1, "{swing:?}");
        let song = core.song(swing[0].id).expect("song");
        let sheet = song_chord_sheet(&song_for_playing(&song, 2, 0));
        assert!(
            sheet
                .iter()
                .any(|(_, lines)| lines.iter().any(|(c, _)| !c.is_empty()))
        );
        let cho = core
            .song_export(swing[0].id, SongExportFormat::ChordPro)
            .expect("export");
        assert!(cho.contains("{title"), "{cho}");
        let xml = core
            .song_export(ok[0].id, SongExportFormat::OpenLyrics)
            .expect("export");
        assert!(xml.contains("openlyrics.info"));
        core.song_delete(ok[0].id).expect("delete");
        assert_eq!(core.songs("").expect("list").len(), 1);
        assert!(core.song(ok[0].id).is_err());

        let saved = core.save_verse("jn316").expect("save");
        assert_eq!(saved.reference, "John 3:16");
        assert_eq!(core.saved_verses().expect("saved").len(), 1);
        core.unsave_verse(saved.id).expect("unsave");
        assert!(core.saved_verses().expect("saved").is_empty());
        assert!(core.save_verse("John 22:1").is_err());
    }
}
