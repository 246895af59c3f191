//! The device's own database: catalogue, personal data, outbox and downloads, on SQLite (rusqlite).
//!
//! Everything a listener sees offline comes from here. The sync engine (`cnt-sync`) fills it from the
//! server's change feed; local edits land here first, each with its outbox row in the same transaction.
//!
//! - [`Library::open`] opens (or creates) the file with WAL and foreign keys on, and applies the
//!   migrations in `migrations/` in order, tracking them with `PRAGMA user_version`. A file written by
//!   a newer app is refused ([`Error::DatabaseTooNew`]) rather than risked.
//! - A damaged file (not a database, or failing `PRAGMA quick_check`) is **moved aside, never deleted**,
//!   and a fresh library is created; [`Opened::recovered_from`] says where the old file went so the UI
//!   can tell the user. The server is the source of truth, so sync refills the fresh file.
//! - [`Library::open_in_memory`] gives each test its own database.
//! - The catalogue and the feed: [`Library::apply_page`] (a page and its cursor in one transaction),
//!   browsing ([`Library::home`], [`Library::items_by_kind`]) and FTS5 search ([`Library::search`]).
//! - The user's data: every edit goes through [`Library::edit`] (effect + outbox row in one
//!   transaction); playlists keep [`position`] keys so concurrent inserts merge; [`Conflict`]s
//!   show what the server refused.
//! - Downloads: records, pins, quota and LRU eviction ([`Library::evict_for`]); the files are
//!   written by `cnt-sync`.
//!
//! Threading: a `Library` owns one connection and is `Send` but not `Sync`; the app keeps one writer
//! behind a mutex. No async, no network, no UI types here.

mod catalog;
mod downloads;
mod edits;
mod error;
pub mod position;

use std::path::{Path, PathBuf};

pub use catalog::{ApplyStats, Home, ItemSummary, RANK_CAP, SearchResults, fts_query};
pub use downloads::{DownloadJob, DownloadState, DownloadView};
pub use edits::{Conflict, EntryView, PlaylistSummary};
pub use error::{Error, Result};
use rusqlite::{Connection, OptionalExtension};

/// Schema migrations, applied in order. Index + 1 is the `user_version` after applying it.
/// Never edit a landed migration: add a new one.
const MIGRATIONS: &[&str] = &[
    include_str!("../migrations/0001_app_meta.sql"),
    include_str!("../migrations/0002_library.sql"),
];

/// Milliseconds since the Unix epoch.
pub(crate) fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// The newest schema version this build understands.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// An open library database.
#[derive(Debug)]
pub struct Library {
    conn: Connection,
    path: Option<PathBuf>,
}

/// The result of [`Library::open`].
#[derive(Debug)]
pub struct Opened {
    /// The open library.
    pub library: Library,
    /// When the file was damaged: where it was moved to.
    pub recovered_from: Option<PathBuf>,
}

impl Library {
    /// Opens or creates the library at `path`, migrating it, and recovering from a damaged file by
    /// moving it (and its `-wal`/`-shm` companions) aside.
    ///
    /// # Errors
    /// [`Error::DatabaseTooNew`] for a file from a newer app; [`Error::MoveAside`] when a damaged file
    /// cannot be moved; [`Error::Sqlite`] for other failures (e.g. a read-only folder).
    pub fn open(path: &Path) -> Result<Opened> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|source| Error::CreateDir {
                path: dir.to_owned(),
                source,
            })?;
        }
        match Self::open_checked(path) {
            Ok(library) => Ok(Opened {
                library,
                recovered_from: None,
            }),
            Err(OpenFailure::Damaged(reason)) => {
                let moved = move_aside(path)?;
                tracing::warn!(
                    file = %path.display(),
                    moved_to = %moved.display(),
                    %reason,
                    "library database was damaged; moved aside and starting fresh"
                );
                let library = Self::open_checked(path).map_err(OpenFailure::into_error)?;
                Ok(Opened {
                    library,
                    recovered_from: Some(moved),
                })
            }
            Err(OpenFailure::Other(e)) => Err(e),
        }
    }

    /// A fresh, migrated database in memory.
    ///
    /// # Errors
    /// [`Error::Sqlite`] if SQLite fails.
    pub fn open_in_memory() -> Result<Library> {
        let conn = Connection::open_in_memory()?;
        let mut library = Library { conn, path: None };
        library.configure()?;
        library.migrate(Path::new(":memory:"))?;
        Ok(library)
    }

    fn open_checked(path: &Path) -> std::result::Result<Library, OpenFailure> {
        let conn = Connection::open(path).map_err(OpenFailure::classify)?;
        let mut library = Library {
            conn,
            path: Some(path.to_owned()),
        };
        library.configure().map_err(OpenFailure::classify_err)?;
        let check: String = library
            .conn
            .query_row("PRAGMA quick_check", [], |r| r.get(0))
            .map_err(OpenFailure::classify)?;
        if check != "ok" {
            return Err(OpenFailure::Damaged(check));
        }
        library.migrate(path).map_err(OpenFailure::classify_err)?;
        Ok(library)
    }

    fn configure(&mut self) -> Result<()> {
        // journal_mode answers with a row, so it is read rather than executed.
        let _mode: String = self
            .conn
            .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
        self.conn.execute_batch(
            "PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000; \
             PRAGMA cache_size = -32000; PRAGMA temp_store = MEMORY;",
        )?;
        Ok(())
    }

    fn migrate(&mut self, path: &Path) -> Result<()> {
        let found: i64 = self
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if found > SCHEMA_VERSION {
            return Err(Error::DatabaseTooNew {
                path: path.to_owned(),
                found,
                supported: SCHEMA_VERSION,
            });
        }
        for (index, sql) in MIGRATIONS.iter().enumerate().skip(found as usize) {
            let tx = self.conn.transaction()?;
            tx.execute_batch(sql)?;
            // user_version cannot take a bound parameter; the value is our own integer.
            tx.execute_batch(&format!("PRAGMA user_version = {}", index + 1))?;
            tx.commit()?;
        }
        if found == 0 {
            let created = time::OffsetDateTime::now_utc()
                .format(&time::format_description::well_known::Rfc3339)
                .unwrap_or_default();
            self.set_meta("created_at", &created)?;
        }
        Ok(())
    }

    /// The schema version of the open file.
    ///
    /// # Errors
    /// [`Error::Sqlite`] if SQLite fails.
    pub fn schema_version(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))?)
    }

    /// `PRAGMA integrity_check`: `"ok"` or the first problems found.
    ///
    /// # Errors
    /// [`Error::Sqlite`] if SQLite fails.
    pub fn integrity_check(&self) -> Result<String> {
        Ok(self
            .conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))?)
    }

    /// Where the file is; `None` in memory.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// Reads a fact about this library (`created_at`, `server_url`, …).
    ///
    /// # Errors
    /// [`Error::Sqlite`] if SQLite fails.
    pub fn meta(&self, key: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row(
                "SELECT meta_value FROM app_meta WHERE meta_key = ?1",
                [key],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// Writes a fact about this library.
    ///
    /// # Errors
    /// [`Error::Sqlite`] if SQLite fails.
    pub fn set_meta(&self, key: &str, value: &str) -> Result<()> {
        self.conn.execute(
            "INSERT INTO app_meta (meta_key, meta_value) VALUES (?1, ?2) \
             ON CONFLICT (meta_key) DO UPDATE SET meta_value = excluded.meta_value",
            [key, value],
        )?;
        Ok(())
    }
}

impl Library {
    /// Forgets a fact about this library.
    ///
    /// # Errors
    /// [`Error::Sqlite`] if SQLite fails.
    pub fn delete_meta(&self, key: &str) -> Result<()> {
        self.conn
            .execute("DELETE FROM app_meta WHERE meta_key = ?1", [key])?;
        Ok(())
    }
}

enum OpenFailure {
    Damaged(String),
    Other(Error),
}

impl OpenFailure {
    fn classify(e: rusqlite::Error) -> Self {
        use rusqlite::ErrorCode::{DatabaseCorrupt, NotADatabase};
        match e.sqlite_error_code() {
            Some(NotADatabase | DatabaseCorrupt) => OpenFailure::Damaged(e.to_string()),
            _ => OpenFailure::Other(Error::Sqlite(e)),
        }
    }

    fn classify_err(e: Error) -> Self {
        match e {
            Error::Sqlite(e) => Self::classify(e),
            other => OpenFailure::Other(other),
        }
    }

    fn into_error(self) -> Error {
        match self {
            OpenFailure::Damaged(reason) => Error::Sqlite(rusqlite::Error::SqliteFailure(
                rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CORRUPT),
                Some(reason),
            )),
            OpenFailure::Other(e) => e,
        }
    }
}

/// Renames `path` to `path.damaged-<UTC time>` (and its `-wal`/`-shm`), returning the new name.
fn move_aside(path: &Path) -> Result<PathBuf> {
    let stamp = time::OffsetDateTime::now_utc()
        .format(time::macros::format_description!(
            "[year][month][day]T[hour][minute][second]Z"
        ))
        .unwrap_or_else(|_| "unknown-time".into());
    let mut target = PathBuf::from(format!("{}.damaged-{stamp}", path.display()));
    let mut n = 1;
    while target.exists() {
        target = PathBuf::from(format!("{}.damaged-{stamp}-{n}", path.display()));
        n += 1;
    }
    let fail = |source| Error::MoveAside {
        path: path.to_owned(),
        source,
    };
    std::fs::rename(path, &target).map_err(fail)?;
    for suffix in ["-wal", "-shm"] {
        let companion = PathBuf::from(format!("{}{suffix}", path.display()));
        if companion.exists() {
            let moved = PathBuf::from(format!("{}{suffix}", target.display()));
            std::fs::rename(&companion, moved).map_err(fail)?;
        }
    }
    Ok(target)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_file_is_migrated_to_the_current_schema() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("sub").join("library.db");
        let opened = Library::open(&path).expect("open");
        assert!(opened.recovered_from.is_none());
        assert_eq!(
            opened.library.schema_version().expect("version"),
            SCHEMA_VERSION
        );
        assert!(opened.library.meta("created_at").expect("meta").is_some());
    }

    #[test]
    fn reopening_keeps_data() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("library.db");
        Library::open(&path)
            .expect("open")
            .library
            .set_meta("server_url", "http://127.0.0.1:8787")
            .expect("set");
        let again = Library::open(&path).expect("reopen").library;
        assert_eq!(
            again.meta("server_url").expect("meta").as_deref(),
            Some("http://127.0.0.1:8787")
        );
    }

    #[test]
    fn a_database_from_a_newer_app_is_refused_and_untouched() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("library.db");
        {
            let conn = Connection::open(&path).expect("open");
            conn.execute_batch("PRAGMA user_version = 999;")
                .expect("bump");
        }
        let err = Library::open(&path).expect_err("must refuse");
        assert!(
            matches!(err, Error::DatabaseTooNew { found: 999, .. }),
            "{err}"
        );
        assert!(err.to_string().contains("library.db"), "{err}");
        let conn = Connection::open(&path).expect("open");
        let v: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .expect("version");
        assert_eq!(v, 999);
    }

    #[test]
    fn a_damaged_file_is_moved_aside_never_deleted() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("library.db");
        let garbage = b"definitely not sqlite ".repeat(500);
        std::fs::write(&path, &garbage).expect("write");
        let opened = Library::open(&path).expect("recovers");
        let moved = opened.recovered_from.expect("reports the move");
        assert_eq!(std::fs::read(&moved).expect("kept"), garbage);
        assert!(
            moved
                .file_name()
                .expect("name")
                .to_string_lossy()
                .contains("damaged")
        );
        assert_eq!(opened.library.schema_version().expect("v"), SCHEMA_VERSION);
    }

    #[test]
    fn a_truncated_database_is_detected() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("library.db");
        {
            let lib = Library::open(&path).expect("open").library;
            for i in 0..2000 {
                lib.set_meta(&format!("k{i}"), &"x".repeat(200))
                    .expect("fill");
            }
            lib.conn
                .execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")
                .expect("checkpoint");
        }
        let len = std::fs::metadata(&path).expect("meta").len();
        let bytes = std::fs::read(&path).expect("read");
        // Keep the header page, scribble over the b-tree pages.
        let mut damaged = bytes[..4096].to_vec();
        damaged.extend(std::iter::repeat_n(0xA5u8, (len as usize) - 4096));
        std::fs::write(&path, &damaged).expect("damage");
        let opened = Library::open(&path).expect("recovers");
        assert!(opened.recovered_from.is_some());
    }

    #[test]
    fn in_memory_libraries_are_independent() {
        let a = Library::open_in_memory().expect("a");
        let b = Library::open_in_memory().expect("b");
        a.set_meta("x", "1").expect("set");
        assert_eq!(b.meta("x").expect("get"), None);
    }
}
