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
    /// SQLite failed.
    #[error("library database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
}

/// Result with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
