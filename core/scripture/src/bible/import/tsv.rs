//! This crate's TSV: `#key<TAB>value` header lines, then `OSIS-book chapter verse layout heading
//! text` per line. Used for the bundled WEB (`assets/bible/web.tsv`) and by `export_tsv`.

use std::io::BufRead;
use std::path::Path;

use super::{Sink, import_error};
use crate::bible::model::Verse;
use crate::canon::Book;
use crate::reference::VerseId;
use crate::{Error, Result};

pub(crate) fn read_file(path: &Path, sink: &mut Sink<'_>) -> Result<()> {
    let file = std::fs::File::open(path).map_err(|source| Error::Io {
        path: path.to_owned(),
        source,
    })?;
    read(path, std::io::BufReader::new(file), sink)
}

pub(crate) fn read_str(path: &Path, text: &str, sink: &mut Sink<'_>) -> Result<()> {
    read(path, text.as_bytes(), sink)
}

fn read(path: &Path, input: impl BufRead, sink: &mut Sink<'_>) -> Result<()> {
    let mut bytes = 0u64;
    for (index, line) in input.lines().enumerate() {
        let n = index as u64 + 1;
        let line = line.map_err(|source| Error::Io {
            path: path.to_owned(),
            source,
        })?;
        bytes += line.len() as u64 + 1;
        if let Some(header) = line.strip_prefix('#') {
            let (key, value) = header.split_once('\t').unwrap_or((header, ""));
            let value = Some(value.to_owned());
            match key {
                "code" => sink.meta.code = value,
                "name" => sink.meta.name = value,
                "language" => sink.meta.language = value,
                "licence" => sink.meta.licence = value,
                _ => {}
            }
            continue;
        }
        if line.trim().is_empty() {
            continue;
        }
        let fields: Vec<&str> = line.splitn(6, '\t').collect();
        let [book, chapter, verse, layout, heading, text] = fields[..] else {
            return Err(import_error(
                path,
                n,
                "line",
                "expected 6 tab-separated fields",
            ));
        };
        let book = Book::by_osis(book).map_err(|e| import_error(path, n, "book", e.to_string()))?;
        let number = |s: &str, what: &str| {
            s.parse::<u16>()
                .map_err(|_| import_error(path, n, what, format!("{s:?} is not a number")))
        };
        let id = VerseId {
            book: book.number(),
            chapter: number(chapter, "chapter")?,
            verse: number(verse, "verse")?,
        };
        let breaks = Verse::parse_layout(layout, text);
        let heading = (!heading.is_empty()).then(|| heading.to_owned());
        sink.verse(id, text.to_owned(), breaks, heading, bytes)
            .map_err(|m| import_error(path, n, "verse", m))?;
    }
    Ok(())
}
