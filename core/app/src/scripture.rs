//! Scripture through the core: the Bible store (its own SQLite file, `bible.db` in the data folder,
//! with the World English Bible installed on first use, no network needed).
//!
//! The store lives in its own file rather than the library database because it is large, never
//! synced and always rebuildable (docs/scripture.md). It is opened on first use, not at start-up.

use std::path::Path;

use cnt_scripture::Reference;
use cnt_scripture::bible::{BibleStore, Filter, Hit, ImportOptions, Progress, Translation};

use crate::{Core, Result};

pub use cnt_scripture::bible::{BUNDLED_TRANSLATION, Verse};

/// "John 3:16" for a verse (English book names).
pub fn verse_name(verse: &Verse) -> String {
    let book = cnt_scripture::Book::by_number(verse.id.book).map_or("?", |b| b.name);
    format!("{book} {}:{}", verse.id.chapter, verse.id.verse)
}

/// Verses as plain text with verse numbers, keeping paragraph and poetry breaks.
pub fn render_verses(verses: &[Verse]) -> String {
    cnt_scripture::bible::render_plain(verses, true)
}

/// Runs `f` on the store in `slot`, opening it with `open` on first use (the Bible store and the
/// song library are opened lazily, not at start-up).
pub(crate) fn with_opened<S, T>(
    slot: &std::sync::Mutex<Option<S>>,
    open: impl FnOnce() -> cnt_scripture::Result<S>,
    f: impl FnOnce(&mut S) -> cnt_scripture::Result<T>,
) -> Result<T> {
    let mut guard = slot.lock().unwrap_or_else(|p| p.into_inner());
    let store = match &mut *guard {
        Some(store) => store,
        empty => empty.insert(open()?),
    };
    Ok(f(store)?)
}

/// A looked-up passage.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PassageText {
    /// The reference, formatted (`John 3:16–18`).
    pub reference: String,
    /// The translation's code.
    pub translation: String,
    /// The verses, with their paragraph and poetry breaks.
    pub verses: Vec<Verse>,
}

impl Core {
    /// Runs `f` on the Bible store, opening it (and installing the bundled WEB) on first use.
    pub(crate) fn with_bible<T>(
        &self,
        f: impl FnOnce(&mut BibleStore) -> cnt_scripture::Result<T>,
    ) -> Result<T> {
        with_opened(
            &self.inner.bible,
            || {
                let mut store = BibleStore::open(&self.inner.data_dir.join("bible.db"))?;
                store.install_bundled()?;
                Ok(store)
            },
            f,
        )
    }

    /// The passage for a typed reference (`John 3:16`, `jn316`, `1 Cor 13:4–7`, `Ps 23`), in
    /// `translation` (default: the bundled World English Bible).
    ///
    /// # Errors
    /// [`Error::Scripture`]: an impossible or unknown reference (the message says what is wrong),
    /// an unknown translation, a database failure.
    pub fn bible_passage(&self, text: &str, translation: Option<&str>) -> Result<PassageText> {
        let reference = Reference::parse(text)?;
        let code = translation.unwrap_or(BUNDLED_TRANSLATION).to_owned();
        let verses = self.with_bible(|b| b.lookup(&reference, &code))?;
        Ok(PassageText {
            reference: reference.to_string(),
            translation: code,
            verses,
        })
    }

    /// Ranked full-text search in a translation.
    ///
    /// # Errors
    /// [`Error::Scripture`].
    pub fn bible_search(
        &self,
        query: &str,
        translation: Option<&str>,
        limit: usize,
    ) -> Result<Vec<Hit>> {
        let code = translation.unwrap_or(BUNDLED_TRANSLATION).to_owned();
        let filter = Filter {
            limit,
            ..Filter::default()
        };
        self.with_bible(|b| b.search(query, &code, &filter))
    }

    /// Installed translations.
    ///
    /// # Errors
    /// [`Error::Scripture`].
    pub fn bible_translations(&self) -> Result<Vec<Translation>> {
        self.with_bible(|b| b.translations())
    }

    /// Imports a Bible file (OSIS, Zefania, USFM, JSON, OpenSong, CSV/TSV), all or nothing.
    ///
    /// # Errors
    /// [`Error::Scripture`] naming the file, line and element.
    pub fn bible_import(
        &self,
        path: &Path,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<Translation> {
        self.with_bible(|b| b.import(path, &ImportOptions::default(), progress))
    }
}
