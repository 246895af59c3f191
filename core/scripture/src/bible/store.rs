//! [`BibleStore`]: open/migrate, install the bundled WEB, import, lookup, search, parallel passages.

use std::path::Path;

use rusqlite::{Connection, OptionalExtension, params};

use super::import::{self, ImportOptions, Progress};
use super::model::Verse;
use crate::canon::{BOOKS, Book, Testament};
use crate::reference::{Reference, VerseId};
use crate::{Error, Result};

/// Schema migrations, applied in order; index + 1 is the `user_version` after applying it.
/// Never edit a landed migration: add a new one.
const MIGRATIONS: &[&str] = &[include_str!("../../migrations/0001_bible.sql")];

/// The code of the translation shipped in `assets/bible/` and installed by
/// [`BibleStore::install_bundled`].
pub const BUNDLED_TRANSLATION: &str = "WEB";

/// The bundled World English Bible in the crate's TSV format (see `assets/bible/README.md`).
const BUNDLED_TSV: &str = include_str!("../../../../assets/bible/web.tsv");

/// Verse-row ids of one translation lie in `[t * ID_STRIDE, (t + 1) * ID_STRIDE)`.
pub(crate) const ID_STRIDE: i64 = 100_000_000;

/// An installed translation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Translation {
    /// Short code, e.g. `"WEB"`; unique in the store.
    pub code: String,
    /// Full name, e.g. `"World English Bible"`.
    pub name: String,
    /// BCP 47 language tag, e.g. `"en"`.
    pub language: String,
    /// Licence or copyright notice, as given by the file or the importer.
    pub licence: String,
    /// Where it came from (format and file name).
    pub source: String,
    /// Number of verses.
    pub verses: u64,
}

/// Which part of the Bible a search covers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SearchScope {
    /// Everything.
    #[default]
    All,
    /// One testament.
    Testament(Testament),
    /// One book.
    Book(&'static Book),
}

/// Search options.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Filter {
    /// Which books.
    pub scope: SearchScope,
    /// At most this many hits, best first.
    pub limit: usize,
}

impl Default for Filter {
    fn default() -> Self {
        Self {
            scope: SearchScope::All,
            limit: 50,
        }
    }
}

/// A search result.
#[derive(Clone, Debug, PartialEq)]
pub struct Hit {
    /// The verse.
    pub verse: Verse,
    /// Byte ranges of `verse.text` that matched, for highlighting.
    pub matches: Vec<(usize, usize)>,
    /// bm25 relevance (lower is better, as SQLite reports it).
    pub rank: f64,
}

/// One row of a side-by-side view: the same verse in two translations (either may lack it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParallelRow {
    /// Which verse.
    pub id: VerseId,
    /// The first translation's text.
    pub left: Option<Verse>,
    /// The second translation's text.
    pub right: Option<Verse>,
}

/// The Bible database: translations, verses and their full-text index.
#[derive(Debug)]
pub struct BibleStore {
    conn: Connection,
}

impl BibleStore {
    /// Opens or creates the Bible database at `path` and migrates it.
    ///
    /// # Errors
    /// [`Error::DatabaseTooNew`] for a file from a newer app; [`Error::Database`] otherwise (not a
    /// database, read-only folder…).
    pub fn open(path: &Path) -> Result<Self> {
        Self::setup(Some(path))
    }

    /// A fresh database in memory (tests, benchmarks).
    ///
    /// # Errors
    /// [`Error::Database`].
    pub fn open_in_memory() -> Result<Self> {
        Self::setup(None)
    }

    fn setup(path: Option<&Path>) -> Result<Self> {
        let conn = crate::sqlite::open_migrated(path, MIGRATIONS, |found, supported| {
            Error::DatabaseTooNew { found, supported }
        })?;
        Ok(Self { conn })
    }

    /// The schema version of the open file.
    ///
    /// # Errors
    /// [`Error::Database`].
    pub fn schema_version(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))?)
    }

    /// Installs the bundled World English Bible unless it is already there. Needs no network and
    /// no files: the text is compiled into the binary. Returns whether it installed it.
    ///
    /// # Errors
    /// [`Error::Database`].
    pub fn install_bundled(&mut self) -> Result<bool> {
        if self.translation(BUNDLED_TRANSLATION)?.is_some() {
            return Ok(false);
        }
        self.import_with(
            Path::new("assets/bible/web.tsv"),
            &ImportOptions::default(),
            &mut |_| {},
            |path, sink| import::tsv::read_str(path, BUNDLED_TSV, sink),
            "TSV",
        )?;
        Ok(true)
    }

    /// Imports a Bible file (or folder) in any [`super::BibleFormat`], detected from its name and
    /// content, in one transaction: on any error nothing of it is left in the store. `progress` is
    /// called now and then with the verses read so far.
    ///
    /// # Errors
    /// [`Error::Io`], [`Error::UnknownFormat`], [`Error::Import`] naming file, line and element,
    /// [`Error::TranslationExists`] (unless `options.replace`), [`Error::Database`].
    pub fn import(
        &mut self,
        path: &Path,
        options: &ImportOptions,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<Translation> {
        let format = match options.format {
            Some(f) => f,
            None => import::detect(path)?,
        };
        self.import_with(
            path,
            options,
            progress,
            |path, sink| import::read(format, path, sink),
            format.name(),
        )
    }

    fn import_with(
        &mut self,
        path: &Path,
        options: &ImportOptions,
        progress: &mut dyn FnMut(Progress),
        read: impl FnOnce(&Path, &mut import::Sink<'_>) -> Result<()>,
        format_name: &str,
    ) -> Result<Translation> {
        let tx = self.conn.transaction()?;
        let next_id: i64 = tx.query_row(
            "SELECT COALESCE(MAX(id), 0) + 1 FROM translation",
            [],
            |r| r.get(0),
        )?;
        tx.execute(
            "INSERT INTO translation (id, code, name, language, source) VALUES (?1, ?2, '', '', ?3)",
            params![next_id, format!("\u{0}importing{next_id}"), format!("{format_name}: {}", file_name(path))],
        )?;
        let meta = {
            let mut sink = import::Sink::new(&tx, next_id, progress)?;
            if path.exists() {
                sink.set_total(import::size_of(path));
            }
            read(path, &mut sink)?;
            sink.finish()
        };
        if meta.verses == 0 {
            return Err(Error::Import {
                path: path.to_owned(),
                line: 0,
                element: format_name.to_owned(),
                message: "no verses of the 66 canonical books found".into(),
            });
        }
        let stem = path
            .file_stem()
            .map(|s| s.to_string_lossy().to_uppercase())
            .unwrap_or_else(|| "BIBLE".into());
        let code = options.code.clone().or(meta.code).unwrap_or(stem);
        let name = options
            .name
            .clone()
            .or(meta.name)
            .unwrap_or_else(|| code.clone());
        let language = options
            .language
            .clone()
            .or(meta.language)
            .unwrap_or_else(|| "und".into());
        let licence = options.licence.clone().or(meta.licence).unwrap_or_default();
        let existing: Option<i64> = tx
            .query_row("SELECT id FROM translation WHERE code = ?1", [&code], |r| {
                r.get(0)
            })
            .optional()?;
        if let Some(old) = existing {
            if !options.replace {
                return Err(Error::TranslationExists(code));
            }
            delete_translation(&tx, old)?;
        }
        tx.execute(
            "UPDATE translation SET code = ?2, name = ?3, language = ?4, licence = ?5 WHERE id = ?1",
            params![next_id, code, name, language, licence],
        )?;
        tx.commit()?;
        self.translation(&code)?
            .ok_or(Error::UnknownTranslation(code))
    }

    /// Removes a translation and its index entries.
    ///
    /// # Errors
    /// [`Error::UnknownTranslation`], [`Error::Database`].
    pub fn remove(&mut self, code: &str) -> Result<()> {
        let tx = self.conn.transaction()?;
        let id = translation_id(&tx, code)?;
        delete_translation(&tx, id)?;
        tx.commit()?;
        Ok(())
    }

    /// The installed translations, in the order they were installed.
    ///
    /// # Errors
    /// [`Error::Database`].
    pub fn translations(&self) -> Result<Vec<Translation>> {
        let mut stmt = self.conn.prepare(
            "SELECT code, name, language, licence, source,
                    (SELECT COUNT(*) FROM verse WHERE verse.translation = translation.id)
             FROM translation WHERE code NOT LIKE char(0) || '%' ORDER BY id",
        )?;
        let rows = stmt.query_map([], row_to_translation)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// One installed translation by code (case-sensitive), if present.
    ///
    /// # Errors
    /// [`Error::Database`].
    pub fn translation(&self, code: &str) -> Result<Option<Translation>> {
        Ok(self
            .conn
            .query_row(
                "SELECT code, name, language, licence, source,
                        (SELECT COUNT(*) FROM verse WHERE verse.translation = translation.id)
                 FROM translation WHERE code = ?1",
                [code],
                row_to_translation,
            )
            .optional()?)
    }

    /// The verses of `reference` in `translation`, in the order the reference lists them.
    ///
    /// # Errors
    /// [`Error::UnknownTranslation`]; [`Error::NotInTranslation`] when the translation has none of
    /// the verses (e.g. a New Testament only translation asked for Genesis); [`Error::Database`].
    pub fn lookup(&self, reference: &Reference, translation: &str) -> Result<Vec<Verse>> {
        let tid = translation_id(&self.conn, translation)?;
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, text, layout, heading FROM verse WHERE id BETWEEN ?1 AND ?2 ORDER BY id",
        )?;
        let mut out = Vec::new();
        for passage in &reference.passages {
            let (a, b) = (
                tid * ID_STRIDE + passage.first().key(),
                tid * ID_STRIDE + passage.last().key(),
            );
            let rows = stmt.query_map([a, b], row_to_verse)?;
            for row in rows {
                out.push(row?);
            }
        }
        if out.is_empty() {
            return Err(Error::NotInTranslation {
                translation: translation.to_owned(),
                reference: reference.to_string(),
            });
        }
        Ok(out)
    }

    /// Full-text search for words and `"quoted phrases"` (all must occur; diacritics and case do not
    /// matter), ranked by bm25, within `filter.scope`. FTS operators in `query` are taken literally.
    ///
    /// # Errors
    /// [`Error::UnknownTranslation`], [`Error::Database`].
    pub fn search(&self, query: &str, translation: &str, filter: &Filter) -> Result<Vec<Hit>> {
        let tid = translation_id(&self.conn, translation)?;
        let Some(fts_query) = fts_query(query) else {
            return Ok(Vec::new());
        };
        let (first, last) = match filter.scope {
            SearchScope::All => (1, 66),
            SearchScope::Testament(Testament::Old) => (1, 39),
            SearchScope::Testament(Testament::New) => (40, 66),
            SearchScope::Book(b) => (b.number(), b.number()),
        };
        let lo = tid * ID_STRIDE + i64::from(first) * 1_000_000;
        let hi = tid * ID_STRIDE + (i64::from(last) + 1) * 1_000_000 - 1;
        let mut stmt = self.conn.prepare_cached(
            "SELECT v.id, v.text, v.layout, v.heading, highlight(verse_fts, 0, char(1), char(2)), f.rank
             FROM verse_fts f JOIN verse v ON v.id = f.rowid
             WHERE verse_fts MATCH ?1 AND f.rowid BETWEEN ?2 AND ?3
             ORDER BY f.rank LIMIT ?4",
        )?;
        let limit = i64::try_from(filter.limit).unwrap_or(i64::MAX);
        let rows = stmt.query_map(params![fts_query, lo, hi, limit], |r| {
            let verse = row_to_verse(r)?;
            let marked: String = r.get(4)?;
            let rank: f64 = r.get(5)?;
            Ok(Hit {
                matches: match_ranges(&marked),
                verse,
                rank,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The passage in two translations side by side, verse by verse. A verse only one of them has
    /// gets a row with the other side empty.
    ///
    /// # Errors
    /// As [`lookup`](Self::lookup) for either translation, except that a translation lacking every
    /// verse is not an error as long as the other has some.
    pub fn parallel(
        &self,
        reference: &Reference,
        left: &str,
        right: &str,
    ) -> Result<Vec<ParallelRow>> {
        let get = |code: &str| match self.lookup(reference, code) {
            Err(Error::NotInTranslation { .. }) => Ok(Vec::new()),
            other => other,
        };
        let (l, r) = (get(left)?, get(right)?);
        if l.is_empty() && r.is_empty() {
            return Err(Error::NotInTranslation {
                translation: format!("{left} and {right}"),
                reference: reference.to_string(),
            });
        }
        let mut rows: Vec<ParallelRow> = Vec::new();
        let mut right_iter = r.into_iter().peekable();
        for verse in l {
            while let Some(rv) = right_iter.next_if(|rv| rv.id < verse.id) {
                rows.push(ParallelRow {
                    id: rv.id,
                    left: None,
                    right: Some(rv),
                });
            }
            let right = right_iter.next_if(|rv| rv.id == verse.id);
            rows.push(ParallelRow {
                id: verse.id,
                left: Some(verse),
                right,
            });
        }
        rows.extend(right_iter.map(|rv| ParallelRow {
            id: rv.id,
            left: None,
            right: Some(rv),
        }));
        Ok(rows)
    }

    /// Writes a translation in the crate's TSV format (what `assets/bible/web.tsv` is), e.g. for a
    /// backup or to bundle another public-domain text.
    ///
    /// # Errors
    /// [`Error::UnknownTranslation`], [`Error::Database`], [`Error::Write`] when `out` fails.
    pub fn export_tsv(&self, code: &str, out: &mut dyn std::io::Write) -> Result<()> {
        let t = self
            .translation(code)?
            .ok_or_else(|| Error::UnknownTranslation(code.to_owned()))?;
        let tid = translation_id(&self.conn, code)?;
        let io = Error::Write;
        writeln!(out, "#cnt-bible-tsv\t1").map_err(io)?;
        for (k, v) in [
            ("code", &t.code),
            ("name", &t.name),
            ("language", &t.language),
            ("licence", &t.licence),
        ] {
            writeln!(out, "#{k}\t{v}").map_err(io)?;
        }
        writeln!(out, "#book\tchapter\tverse\tlayout\theading\ttext").map_err(io)?;
        let mut stmt = self.conn.prepare(
            "SELECT id, text, layout, heading FROM verse WHERE id BETWEEN ?1 AND ?2 ORDER BY id",
        )?;
        let rows = stmt.query_map([tid * ID_STRIDE, (tid + 1) * ID_STRIDE - 1], row_to_verse)?;
        for verse in rows {
            let v = verse?;
            let osis = v.id.book().map_or("?", |b| b.osis);
            writeln!(
                out,
                "{osis}\t{}\t{}\t{}\t{}\t{}",
                v.id.chapter,
                v.id.verse,
                v.layout(),
                v.heading.as_deref().unwrap_or(""),
                v.text
            )
            .map_err(io)?;
        }
        Ok(())
    }

    /// Every book present in a translation, in canonical order.
    ///
    /// # Errors
    /// [`Error::UnknownTranslation`], [`Error::Database`].
    pub fn books(&self, translation: &str) -> Result<Vec<&'static Book>> {
        let tid = translation_id(&self.conn, translation)?;
        let mut stmt = self
            .conn
            .prepare_cached("SELECT 1 FROM verse WHERE id BETWEEN ?1 AND ?2 LIMIT 1")?;
        let mut out = Vec::new();
        for book in BOOKS {
            let lo = tid * ID_STRIDE + i64::from(book.number()) * 1_000_000;
            if stmt.exists([lo, lo + 999_999])? {
                out.push(book);
            }
        }
        Ok(out)
    }
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn translation_id(conn: &Connection, code: &str) -> Result<i64> {
    conn.query_row("SELECT id FROM translation WHERE code = ?1", [code], |r| {
        r.get(0)
    })
    .optional()?
    .ok_or_else(|| Error::UnknownTranslation(code.to_owned()))
}

fn delete_translation(conn: &Connection, id: i64) -> Result<()> {
    let (lo, hi) = (id * ID_STRIDE, (id + 1) * ID_STRIDE - 1);
    // External-content FTS5: index entries are removed with the 'delete' command and the old text.
    conn.execute(
        "INSERT INTO verse_fts (verse_fts, rowid, text)
         SELECT 'delete', id, text FROM verse WHERE id BETWEEN ?1 AND ?2",
        [lo, hi],
    )?;
    conn.execute("DELETE FROM verse WHERE id BETWEEN ?1 AND ?2", [lo, hi])?;
    conn.execute("DELETE FROM translation WHERE id = ?1", [id])?;
    Ok(())
}

fn row_to_translation(r: &rusqlite::Row<'_>) -> rusqlite::Result<Translation> {
    Ok(Translation {
        code: r.get(0)?,
        name: r.get(1)?,
        language: r.get(2)?,
        licence: r.get(3)?,
        source: r.get(4)?,
        verses: r.get::<_, i64>(5)?.try_into().unwrap_or(0),
    })
}

fn row_to_verse(r: &rusqlite::Row<'_>) -> rusqlite::Result<Verse> {
    let id: i64 = r.get(0)?;
    let text: String = r.get(1)?;
    let layout: String = r.get(2)?;
    Ok(Verse {
        id: VerseId::from_key(id % ID_STRIDE),
        breaks: Verse::parse_layout(&layout, &text),
        text,
        heading: r.get(3)?,
    })
}

/// Turns what a person typed into a safe FTS5 query: `"quoted phrases"` stay phrases, every other
/// word becomes a quoted term, all ANDed. Returns `None` when nothing searchable is left.
pub(crate) fn fts_query(input: &str) -> Option<String> {
    let mut terms = Vec::new();
    for (i, part) in input.split('"').enumerate() {
        let quote = |s: &str| format!("\"{}\"", s.replace('"', ""));
        if i % 2 == 1 {
            if part.chars().any(char::is_alphanumeric) {
                terms.push(quote(part));
            }
        } else {
            terms.extend(
                part.split_whitespace()
                    .filter(|w| w.chars().any(char::is_alphanumeric))
                    .map(quote),
            );
        }
    }
    (!terms.is_empty()).then(|| terms.join(" AND "))
}

/// Byte ranges between the \u{1} … \u{2} markers of `highlight()`, relative to the unmarked text.
fn match_ranges(marked: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut offset = 0;
    let mut start = None;
    for c in marked.chars() {
        match c {
            '\u{1}' => start = Some(offset),
            '\u{2}' => {
                if let Some(s) = start.take() {
                    out.push((s, offset));
                }
            }
            other => offset += other.len_utf8(),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_are_quoted_terms_and_phrases() {
        assert_eq!(fts_query("love"), Some("\"love\"".into()));
        assert_eq!(
            fts_query("God \"so loved\" world"),
            Some("\"God\" AND \"so loved\" AND \"world\"".into())
        );
        assert_eq!(
            fts_query("NEAR( OR * -"),
            Some("\"NEAR(\" AND \"OR\"".into())
        );
        assert_eq!(fts_query("  \" \" "), None);
    }

    #[test]
    fn highlight_markers_become_ranges() {
        assert_eq!(
            match_ranges("a \u{1}bé\u{2} c \u{1}d\u{2}"),
            vec![(2, 5), (8, 9)]
        );
    }
}
