//! SongBeamer `.sng` files: `#Key=value` header lines, then sections separated by `---` (a new
//! verse) or `--` (a new slide of the same verse), each optionally starting with a label (`Verse 1`,
//! `Strophe 2`, `Refrain`, `Bridge`…). Chords are stored apart, base64-encoded in `#Chords=` as
//! `column,line,chord` records (lines counted from the first line after the header's `---`).
//!
//! Kept: `#Title`, `#Author` (words), `#Melody` (music), `#(c)`, `#CCLI`, `#Key`, `#Tempo`,
//! `#Categories` (themes), `#VerseOrder`, `#Chords`. Not kept: translations (`#LangCount` > 1 keeps
//! only the first language's lines), `#Editor`, `#Version`, fonts and backgrounds.

use std::path::Path;

use base64::Engine;

use super::chord::Chord;
use super::{Author, AuthorRole, Line, Section, SectionKind, Song};
use crate::Result;
use crate::bible::import::import_error;

/// `Verse 1` / `Vers 1` / `Strophe 1` → `v1`, `Refrain` / `Chorus` → `c1`, `Bridge 2` → `b2` …
pub(crate) fn label_name(label: &str) -> Option<String> {
    let label = label.trim();
    let (word, number) = match label.rsplit_once(' ') {
        Some((w, n)) if !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()) => (w, n),
        _ => (label, "1"),
    };
    let kind = match word.to_lowercase().as_str() {
        "verse" | "vers" | "strophe" => SectionKind::Verse,
        "chorus" | "refrain" => SectionKind::Chorus,
        "pre-chorus" | "pre-refrain" | "prechorus" => SectionKind::PreChorus,
        "bridge" => SectionKind::Bridge,
        "intro" => SectionKind::Intro,
        "outro" | "ending" | "schluss" | "coda" => SectionKind::Ending,
        "misc" | "zwischenspiel" | "interlude" | "instrumental" | "teil" | "part" => {
            SectionKind::Other
        }
        _ => return None,
    };
    Some(format!("{}{number}", kind.letter()))
}

/// Reads a SongBeamer file.
///
/// # Errors
/// [`crate::Error::Io`]; [`crate::Error::Import`] for a `#Chords` value that is not base64 or a
/// chord that cannot be read, or a file with no lyrics.
pub fn read(path: &Path) -> Result<Song> {
    let text = super::read_text(path)?;
    let mut song = Song::default();
    let mut chords: Vec<(usize, usize, Chord)> = Vec::new();
    let mut lines = text.lines().enumerate();
    let mut header_end = 0;
    for (i, line) in lines.by_ref() {
        let line = line.trim_end();
        if line == "---" {
            header_end = i + 1;
            break;
        }
        let Some((key, value)) = line.strip_prefix('#').and_then(|l| l.split_once('=')) else {
            continue;
        };
        let value = value.trim();
        let author = |role| {
            value
                .split([',', ';'])
                .map(str::trim)
                .filter(|n| !n.is_empty())
                .map(|n| Author {
                    name: n.to_owned(),
                    role: AuthorRole::clone(&role),
                })
                .collect::<Vec<_>>()
        };
        match key {
            "Title" => song.titles.insert(0, value.to_owned()),
            "Author" => song.authors.extend(author(AuthorRole::Words)),
            "Melody" => song.authors.extend(author(AuthorRole::Music)),
            "(c)" => song.copyright = Some(value.to_owned()).filter(|v| !v.is_empty()),
            "CCLI" => song.ccli = Some(value.to_owned()).filter(|v| !v.is_empty()),
            "Key" => song.key = Some(value.to_owned()).filter(|v| !v.is_empty()),
            "Tempo" => song.tempo = Some(value.to_owned()).filter(|v| !v.is_empty()),
            "Categories" => {
                song.themes = value
                    .split(',')
                    .map(str::trim)
                    .filter(|t| !t.is_empty())
                    .map(str::to_owned)
                    .collect()
            }
            "VerseOrder" => song.order = value.split(',').filter_map(label_name).collect(),
            "Chords" => {
                let bytes = base64::engine::general_purpose::STANDARD
                    .decode(value)
                    .map_err(|e| {
                        import_error(path, i as u64 + 1, "#Chords", format!("not base64: {e}"))
                    })?;
                for record in String::from_utf8_lossy(&bytes)
                    .split(['\r', '\n'])
                    .filter(|r| !r.is_empty())
                {
                    let mut parts = record.splitn(3, ',');
                    let (Some(col), Some(line), Some(name)) =
                        (parts.next(), parts.next(), parts.next())
                    else {
                        return Err(import_error(
                            path,
                            i as u64 + 1,
                            "#Chords",
                            format!("record {record:?} is not column,line,chord"),
                        ));
                    };
                    let (Ok(col), Ok(line)) = (col.trim().parse(), line.trim().parse()) else {
                        return Err(import_error(
                            path,
                            i as u64 + 1,
                            "#Chords",
                            format!("record {record:?} is not column,line,chord"),
                        ));
                    };
                    let chord = Chord::parse(name.trim()).map_err(|e| {
                        import_error(
                            path,
                            i as u64 + 1,
                            "#Chords",
                            format!("line {line}, column {col}: {e}"),
                        )
                    })?;
                    chords.push((line, col, chord));
                }
            }
            _ => {}
        }
    }
    let mut sections: Vec<Section> = Vec::new();
    let mut current: Option<Section> = None;
    let mut slide_break = false;
    let mut unlabeled = 0;
    for (i, raw) in lines {
        let body_index = i - header_end;
        let line = raw.trim_end();
        if line == "---" {
            sections.extend(current.take().filter(|s| !s.lines.is_empty()));
            continue;
        }
        if line == "--" {
            slide_break = true;
            continue;
        }
        let section = match &mut current {
            Some(s) => s,
            None => {
                if let Some(name) = label_name(line) {
                    current = Some(Section {
                        name,
                        lang: None,
                        lines: Vec::new(),
                    });
                    continue;
                }
                unlabeled += 1;
                current.insert(Section {
                    name: format!("v{unlabeled}"),
                    lang: None,
                    lines: Vec::new(),
                })
            }
        };
        let mut words = Line::plain(line);
        words.break_before = std::mem::take(&mut slide_break) && !section.lines.is_empty();
        for (_, col, chord) in chords.iter().filter(|(l, _, _)| *l == body_index) {
            let len = words.text.chars().count();
            if *col > len {
                words.text.extend(std::iter::repeat_n(' ', col - len));
            }
            let offset = words
                .text
                .char_indices()
                .nth(*col)
                .map_or(words.text.len(), |(b, _)| b);
            words.chords.push((offset, chord.clone()));
        }
        words.chords.sort_by_key(|(o, _)| *o);
        section.lines.push(words);
    }
    sections.extend(current.take().filter(|s| !s.lines.is_empty()));
    if song.titles.is_empty() {
        song.titles.push(
            path.file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default(),
        );
    }
    if sections.is_empty() {
        return Err(import_error(path, 0, "---", "no lyrics after the header"));
    }
    song.sections = sections;
    Ok(song)
}

#[cfg(test)]
mod tests {
    #[test]
    fn labels_in_english_and_german() {
        assert_eq!(super::label_name("Verse 2").as_deref(), Some("v2"));
        assert_eq!(super::label_name("Strophe 3").as_deref(), Some("v3"));
        assert_eq!(super::label_name("Refrain").as_deref(), Some("c1"));
        assert_eq!(super::label_name("Amazing grace"), None);
    }
}
