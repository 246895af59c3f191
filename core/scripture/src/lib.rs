//! Scripture and songs: Bible references, Bible texts with full-text search, Bible imports, song
//! formats, chords. Design notes and the reference grammar: `docs/scripture.md`.
//!
//! What the UI and CLI call (through `cnt-app`, never directly from a screen):
//! - References: [`Reference::parse`] (`Jn 3:16-18`, `1co13 4`, `Juan 3:16`), `to_string()` /
//!   [`Reference::display_in`] to show one, [`Reference::osis`]; the canon in [`BOOKS`] / [`Book`].
//! - Bibles: [`bible::BibleStore`] — `open(path)`, `install_bundled()` (the WEB, no network),
//!   `import(path, &ImportOptions, &mut progress)`, `translations()`, `lookup(&Reference, code)`,
//!   `search(query, code, &Filter)`, `parallel(&Reference, left, right)`, `remove(code)`;
//!   [`bible::render_plain`] lays a passage out as text (headings, paragraphs, poetry lines).
//! - Songs: [`song::Song::import`] (OpenLyrics 0.8/0.9, ChordPro, CCLI `.txt`/`.usr`, OpenSong,
//!   SongBeamer),
//!   [`song::openlp::read_database`], exports [`song::openlyrics::write`] and
//!   [`song::chordpro::write`], [`song::Song::transposed`] / [`song::Song::with_capo`], and
//!   [`song::chord::Chord`] for parsing, transposition and Nashville numbers.
//!
//! Bible texts live in their own SQLite file (`bible.db`), not the library database: see
//! [`bible`] for why. Every import runs in one transaction, so a failed import leaves nothing; XML is
//! read as a stream (quick-xml), so memory stays bounded on large files. Errors ([`Error`]) name the
//! file, line and element, or the column of a reference, and say what is wrong.
//!
//! Threading: everything here is synchronous; a [`bible::BibleStore`] is used from one thread at a
//! time (the app runs imports on a blocking thread and reports [`bible::Progress`]). No dependency
//! on other client crates except `cnt-model`; no UI types; quick-xml and encoding_rs types never
//! appear in the public API, and rusqlite only as the source inside [`Error::Database`].

pub mod bible;
mod canon;
mod error;
pub mod reference;
pub mod song;
mod sqlite;
mod versification;
mod xml;

pub use canon::{BOOKS, Book, Lang, Testament, fold};
pub use error::{Error, Result};
pub use reference::{Passage, Point, Reference, VerseId};
