//! Bible texts in their own SQLite file, with full-text search.
//!
//! ```text
//!  import(path) ──detect──► OSIS / Zefania / OpenSong (quick-xml, streaming) ─┐
//!                           USFM / JSON (per book) / TSV / OpenLP CSV ─────────┤ verses
//!                                                                              ▼
//!                 one transaction: translation row + verse rows + verse_fts ── commit (or nothing)
//!  lookup(&Reference) ── id BETWEEN first AND last ──► Vec<Verse>
//!  search(query)      ── verse_fts MATCH, bm25, rowid range for book/testament ──► Vec<Hit>
//! ```
//!
//! **Why a file of its own** (`bible.db`, not the library database): Bible texts are large (the WEB
//! with its index is a 7.9 MB file; every imported translation adds as much), read-mostly, never
//! synced, and can always be rebuilt from `assets/` or the user's import files. Keeping them apart keeps the library's migrations, backups and sync
//! transactions small, lets a damaged or half-written Bible file be deleted and reinstalled without
//! touching playlists or drafts, and lets an import hold a long write transaction without blocking
//! the library's writer.
//!
//! Verse ids order like verses (`translation * 10^8 + VerseId::key()`), so a passage is one range
//! scan and a book or testament filter is a rowid range on the FTS index.

pub(crate) mod import;
mod model;
mod store;

pub use import::{BibleFormat, ImportOptions, Progress};
pub use model::{Break, Verse, render_plain};
pub use store::{
    BUNDLED_TRANSLATION, BibleStore, Filter, Hit, ParallelRow, SearchScope, Translation,
};
