//! OpenLP's CSV Bible: a verses file (`book id, chapter, verse, "text"`) and beside it a books file
//! (`id, testament id, name, abbreviation`) whose name has `books` where the other has `verses`.
//! Book ids are canonical numbers (1 = Genesis), so book names in any language work.

use std::io::BufRead;
use std::path::Path;

use super::{Sink, import_error};
use crate::bible::model::VerseText;
use crate::reference::VerseId;
use crate::{Error, Result};

/// Splits one CSV record (RFC 4180 quoting, one line).
fn fields(line: &str) -> Option<Vec<String>> {
    let mut out = Vec::new();
    let mut field = String::new();
    let mut chars = line.chars().peekable();
    let mut quoted = false;
    let mut was_quoted = false;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') if field.is_empty() && !was_quoted => {
                quoted = true;
                was_quoted = true;
            }
            (false, ',') => {
                out.push(std::mem::take(&mut field));
                was_quoted = false;
            }
            (false, c) => field.push(c),
        }
    }
    if quoted {
        return None;
    }
    out.push(field);
    Some(out)
}

pub(crate) fn read(path: &Path, sink: &mut Sink<'_>) -> Result<()> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let books_path = path.with_file_name(name.replace("verses", "books"));
    if books_path.exists() && books_path != path {
        // Only checked for shape: ids are canonical numbers.
        let books = std::fs::File::open(&books_path).map_err(|source| Error::Io {
            path: books_path.clone(),
            source,
        })?;
        for (i, line) in std::io::BufReader::new(books).lines().enumerate() {
            let line = line.map_err(|source| Error::Io {
                path: books_path.clone(),
                source,
            })?;
            let f = fields(&line).ok_or_else(|| {
                import_error(&books_path, i as u64 + 1, "record", "unclosed quote")
            })?;
            if f.len() < 3 {
                return Err(import_error(
                    &books_path,
                    i as u64 + 1,
                    "record",
                    "expected id, testament, name, abbreviation",
                ));
            }
        }
    }
    let file = std::fs::File::open(path).map_err(|source| Error::Io {
        path: path.to_owned(),
        source,
    })?;
    let mut bytes = 0u64;
    for (i, line) in std::io::BufReader::new(file).lines().enumerate() {
        let n = i as u64 + 1;
        let line = line.map_err(|source| Error::Io {
            path: path.to_owned(),
            source,
        })?;
        bytes += line.len() as u64 + 1;
        if line.trim().is_empty() {
            continue;
        }
        let f = fields(&line).ok_or_else(|| import_error(path, n, "record", "unclosed quote"))?;
        let [book, chapter, verse, text] = &f[..] else {
            return Err(import_error(
                path,
                n,
                "record",
                format!("expected 4 fields, found {}", f.len()),
            ));
        };
        let num = |s: &str, what: &str| {
            s.trim()
                .parse::<u16>()
                .map_err(|_| import_error(path, n, what, format!("{s:?} is not a number")))
        };
        let book = num(book, "book")?;
        let Ok(book @ 1..=66) = u8::try_from(book) else {
            continue; // deuterocanonical books and others outside the 66
        };
        let mut vt = VerseText::default();
        vt.push(text);
        let (text, breaks) = vt.take();
        let id = VerseId {
            book,
            chapter: num(chapter, "chapter")?,
            verse: num(verse, "verse")?,
        };
        sink.verse(id, text, breaks, None, bytes)
            .map_err(|m| import_error(path, n, "verse", m))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn quoted_fields_with_commas_and_quotes() {
        assert_eq!(
            super::fields(r#"1,1,3,"Og Gud sagde: ""Der blive Lys!"", og""#),
            Some(vec![
                "1".into(),
                "1".into(),
                "3".into(),
                r#"Og Gud sagde: "Der blive Lys!", og"#.into()
            ])
        );
        assert_eq!(super::fields(r#"1,"open"#), None);
    }
}
