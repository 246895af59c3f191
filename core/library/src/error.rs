use std::path::PathBuf;

/// What can go wrong with the library database.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The file was written by a newer version of the app; opening it could damage it.
    #[error(
        "library {path} was created by a newer version of CNT Media (schema {found}, this app knows up to {supported}); update the app"
    )]
    DatabaseTooNew {
        /// The file.
        path: PathBuf,
        /// Its schema version.
        found: i64,
        /// The newest this build understands.
        supported: i64,
    },
    /// The file could not be moved aside after it was found damaged.
    #[error("library {path} is damaged and could not be moved aside: {source}")]
    MoveAside {
        /// The damaged file.
        path: PathBuf,
        /// What the OS said.
        source: std::io::Error,
    },
    /// The folder for the library could not be created.
    #[error("cannot create the folder {path}: {source}")]
    CreateDir {
        /// The folder.
        path: PathBuf,
        /// What the OS said.
        source: std::io::Error,
    },
    /// A feed page was fetched from a cursor that is no longer current (another sync applied first).
    #[error("the feed page starts at {expected} but the library is at {found}")]
    StaleCursor {
        /// The page's `since`.
        expected: i64,
        /// The stored cursor.
        found: i64,
    },
    /// Editing needs an account: sign in once on this device.
    #[error("sign in once on this device to keep playlists and favorites")]
    NoAccount,
    /// Something asked for does not exist.
    #[error("no such {0}")]
    NotFound(&'static str),
    /// A value is not acceptable.
    #[error("{0}")]
    Invalid(&'static str),
    /// The storage quota cannot fit a download even after evicting every unpinned one.
    #[error(
        "not enough room: {needed} bytes needed, quota {quota} bytes, {pinned} bytes pinned or in use"
    )]
    QuotaFull {
        /// Bytes of the new file.
        needed: u64,
        /// The quota.
        quota: u64,
        /// What stays.
        pinned: u64,
    },
    /// A stored record could not be read.
    #[error("a stored record is damaged: {0}")]
    Json(serde_json::Error),
    /// SQLite failed.
    #[error("library database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
}

/// Result with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
