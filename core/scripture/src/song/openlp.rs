//! OpenLP's song database (`songs.sqlite`): every song with its authors (and their roles), topics,
//! copyright, CCLI number, verse order and lyrics, which OpenLP stores as a small XML document
//! (`<song version="1.0"><lyrics><verse type="v" label="1"><![CDATA[…]]></verse>…`) whose verse text
//! may carry `[G]` chords, `{tag}` formatting and `[---]` optional slide breaks.
//!
//! The database is opened read-only; a song whose lyrics cannot be read is an error naming its id.
//! The tables and columns read (`songs`, `authors`, `authors_songs.author_type`, `topics`,
//! `songs_topics`) are those of OpenLP's `openlp/plugins/songs/lib/db.py` (checked against the 2023
//! version); `shared/data` holds no real OpenLP database, so the tests build one with that schema.

use std::path::Path;

use rusqlite::{Connection, OpenFlags, OptionalExtension};

use super::{Author, AuthorRole, Section, Song};
use crate::bible::import::import_error;
use crate::xml::{Ev, Xml, attr};
use crate::{Error, Result};

/// Reads every song of an OpenLP `songs.sqlite`, in id order.
///
/// # Errors
/// [`Error::Database`] when the file is not an OpenLP song database; [`Error::Import`] for a song
/// whose lyrics cannot be read (element `song <id>`).
pub fn read_database(path: &Path) -> Result<Vec<Song>> {
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    let has_types: bool = conn
        .query_row(
            "SELECT 1 FROM pragma_table_info('authors_songs') WHERE name = 'author_type'",
            [],
            |_| Ok(true),
        )
        .optional()?
        .unwrap_or(false);
    let has_topics: bool = conn
        .query_row(
            "SELECT 1 FROM sqlite_master WHERE name = 'songs_topics'",
            [],
            |_| Ok(true),
        )
        .optional()?
        .unwrap_or(false);
    let mut songs_stmt = conn.prepare(
        "SELECT id, title, alternate_title, lyrics, verse_order, copyright, comments, ccli_number FROM songs ORDER BY id",
    )?;
    let author_sql = if has_types {
        "SELECT a.display_name, s.author_type FROM authors_songs s JOIN authors a ON a.id = s.author_id WHERE s.song_id = ?1 ORDER BY a.id"
    } else {
        "SELECT a.display_name, '' FROM authors_songs s JOIN authors a ON a.id = s.author_id WHERE s.song_id = ?1 ORDER BY a.id"
    };
    let mut authors_stmt = conn.prepare(author_sql)?;
    let mut topics_stmt = if has_topics {
        Some(conn.prepare("SELECT t.name FROM songs_topics st JOIN topics t ON t.id = st.topic_id WHERE st.song_id = ?1 ORDER BY t.name")?)
    } else {
        None
    };
    let rows = songs_stmt.query_map([], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, Option<String>>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, Option<String>>(4)?,
            r.get::<_, Option<String>>(5)?,
            r.get::<_, Option<String>>(6)?,
            r.get::<_, Option<String>>(7)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (id, title, alternate, lyrics, order, copyright, comments, ccli) = row?;
        let element = format!("song {id}");
        let mut song = Song::default();
        song.titles.push(title);
        song.titles
            .extend(alternate.filter(|a| !a.trim().is_empty()));
        song.copyright = copyright.filter(|c| !c.trim().is_empty());
        song.ccli = ccli.filter(|c| !c.trim().is_empty());
        song.comments
            .extend(comments.filter(|c| !c.trim().is_empty()));
        let rows: Vec<(String, Option<String>)> = authors_stmt
            .query_map([id], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        for (name, kind) in rows {
            let roles = match kind.as_deref() {
                Some("words") => vec![AuthorRole::Words],
                Some("music") => vec![AuthorRole::Music],
                // OpenLP's own convenience type: one row for both.
                Some("words+music") => vec![AuthorRole::Words, AuthorRole::Music],
                Some("translation") => vec![AuthorRole::Translation(String::new())],
                _ => vec![AuthorRole::Unspecified],
            };
            for role in roles {
                song.authors.push(Author {
                    name: name.clone(),
                    role,
                });
            }
        }
        if let Some(stmt) = &mut topics_stmt {
            song.themes = stmt
                .query_map([id], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
        }
        song.sections = lyrics_xml(&lyrics, path, &element)?;
        song.order = order
            .unwrap_or_default()
            .split_whitespace()
            .map(|o| o.to_lowercase())
            .collect();
        out.push(song);
    }
    Ok(out)
}

fn lyrics_xml(xml_text: &str, path: &Path, element: &str) -> Result<Vec<Section>> {
    let wrap = |e: Error| match e {
        Error::Import { line, message, .. } => import_error(path, line, element, message),
        other => other,
    };
    let reader: Box<dyn std::io::BufRead> =
        Box::new(std::io::Cursor::new(xml_text.as_bytes().to_vec()));
    let mut xml = Xml::from_reader(reader, path);
    let mut sections = Vec::new();
    loop {
        match xml.next().map_err(wrap)? {
            Ev::Eof => break,
            Ev::Start(name, attrs) if name == "verse" => {
                // OpenLP 2.x writes v/c/b/p/i/e/o; 1.x wrote Verse/Chorus/Bridge/Pre-Chorus/…/Custom.
                let kind = match attr(&attrs, "type").unwrap_or("v").to_lowercase().as_str() {
                    "v" | "verse" => 'v',
                    "c" | "chorus" => 'c',
                    "b" | "bridge" => 'b',
                    "p" | "pre-chorus" | "prechorus" => 'p',
                    "i" | "intro" => 'i',
                    "e" | "ending" => 'e',
                    _ => 'o',
                };
                let label = attr(&attrs, "label").unwrap_or("1").to_owned();
                let lang = attr(&attrs, "lang").map(str::to_owned);
                let text = xml.text_until_end().map_err(wrap)?;
                let mut lines: Vec<super::Line> = Vec::new();
                let mut slide_break = false;
                for (i, l) in text.trim_matches('\n').lines().enumerate() {
                    let l = strip_formatting(l);
                    if l.trim() == "[---]" {
                        // OpenLP's optional split.
                        slide_break = true;
                        continue;
                    }
                    let mut line = super::chordpro::parse_inline(&l, i + 1, path).map_err(wrap)?;
                    line.break_before = std::mem::take(&mut slide_break) && !lines.is_empty();
                    lines.push(line);
                }
                sections.push(Section {
                    name: format!("{kind}{label}"),
                    lang,
                    lines,
                });
            }
            _ => {}
        }
    }
    Ok(sections)
}

/// Drops OpenLP formatting tags such as `{r}…{/r}` and `{br}`.
fn strip_formatting(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        match rest[open..].find('}') {
            Some(close)
                if rest[open + 1..open + close]
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '/') =>
            {
                rest = &rest[open + close + 1..];
            }
            _ => {
                out.push('{');
                rest = &rest[open + 1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn formatting_tags_are_dropped() {
        assert_eq!(
            super::strip_formatting("{r}Amazing{/r} grace {br}"),
            "Amazing grace "
        );
        assert_eq!(super::strip_formatting("a {not a tag"), "a {not a tag");
    }
}
