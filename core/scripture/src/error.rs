//! The crate's one error type. Messages are written for the person who typed the reference or chose
//! the file: they say what is wrong and where (file, line, element or column).

use std::path::PathBuf;

/// Errors of scripture handling.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// No book has this code or name.
    #[error("unknown book {0:?}")]
    UnknownBook(String),
    /// The name is the beginning of several books' names.
    #[error("{name:?} could be {candidates}")]
    AmbiguousBook {
        /// What was typed.
        name: String,
        /// The books it could mean, comma-separated.
        candidates: String,
    },
    /// The book has fewer chapters.
    #[error("{book} has {}, so there is no chapter {asked}", plural(*chapters, "chapter"))]
    NoSuchChapter {
        /// The book's English name.
        book: &'static str,
        /// How many it has.
        chapters: u16,
        /// What was asked.
        asked: u16,
    },
    /// The chapter has fewer verses.
    #[error("{book} {chapter} has {}, so there is no verse {asked}", plural(*verses, "verse"))]
    NoSuchVerse {
        /// The book's English name.
        book: &'static str,
        /// The chapter.
        chapter: u16,
        /// How many verses it has.
        verses: u16,
        /// What was asked.
        asked: u16,
    },
    /// A range whose end comes before its start.
    #[error("the range {text:?} ends before it starts")]
    BackwardsRange {
        /// The range as typed.
        text: String,
    },
    /// A reference that cannot be read.
    #[error("cannot read reference {input:?} at column {column}: expected {expected}")]
    BadReference {
        /// The whole input.
        input: String,
        /// 1-based column (in characters) where reading stopped.
        column: usize,
        /// What was expected there.
        expected: &'static str,
    },
    /// An empty reference.
    #[error("the reference is empty")]
    EmptyReference,
    /// A chord that cannot be read.
    #[error("cannot read chord {0:?}")]
    BadChord(String),
    /// A key name that cannot be read.
    #[error("cannot read key {0:?}")]
    BadKey(String),
    /// A SQLite error.
    #[error("database: {0}")]
    Database(#[from] rusqlite::Error),
    /// The database was written by a newer version of the app.
    #[error("the Bible database has schema version {found}, newer than this app's {supported}")]
    DatabaseTooNew {
        /// `PRAGMA user_version` found.
        found: i64,
        /// The newest this code knows.
        supported: i64,
    },
    /// The song database was written by a newer version of the app.
    #[error("the song database has schema version {found}, newer than this app's {supported}")]
    SongsTooNew {
        /// `PRAGMA user_version` found.
        found: i64,
        /// The newest this code knows.
        supported: i64,
    },
    /// No song with this id is in the song library.
    #[error("no song {0} in the song library")]
    SongNotFound(i64),
    /// No translation with this code is installed.
    #[error("no translation {0:?} is installed")]
    UnknownTranslation(String),
    /// A translation with this code is already installed.
    #[error("a translation {0:?} is already installed")]
    TranslationExists(String),
    /// The reference names verses the translation does not have.
    #[error("{translation} has no text for {reference}")]
    NotInTranslation {
        /// Translation code.
        translation: String,
        /// The reference, formatted.
        reference: String,
    },
    /// A file could not be read.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// Writing an export failed.
    #[error("cannot write the export: {0}")]
    Write(#[source] std::io::Error),
    /// A file's content is wrong: names the file, the line and the element.
    #[error("{}:{line}: <{element}>: {message}", path.display())]
    Import {
        /// The file.
        path: PathBuf,
        /// 1-based line (0 when unknown).
        line: u64,
        /// The element (XML tag, USFM marker, JSON key, directive) where it went wrong.
        element: String,
        /// What is wrong.
        message: String,
    },
    /// The file is not in a format this crate can import.
    #[error("{}: not a format I can import ({reason})", path.display())]
    UnknownFormat {
        /// The file.
        path: PathBuf,
        /// What was seen.
        reason: String,
    },
}

/// Result with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

fn plural(n: u16, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}
