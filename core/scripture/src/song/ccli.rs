//! CCLI SongSelect exports: the lyrics text file (`.txt`, 2011 and 2023 layouts) and the INI-like
//! `.usr`/`.bin` file.
//!
//! Text: the first line is the title; a line like `Verse 1`, `Chorus`, `Bridge 2` starts a section,
//! which runs to the next blank line; after the lyrics come the author line (`A | B` or `A, B`),
//! `CCLI Song # n`, the copyright (the line starting with `©`; only its first line is kept) and
//! licence lines, which are skipped.
//!
//! `.usr`: `[S A<ccli>]` section with `Title=`, `Author=` (`|`-separated), `Copyright=`, `Themes=`,
//! `Keys=`, `Fields=` (section labels) and `Words=` (sections separated by `/t`, lines by `/n`).

use std::collections::HashMap;
use std::path::Path;

use super::{Author, AuthorRole, Line, Section, SectionKind, Song};
use crate::Result;
use crate::bible::import::import_error;

/// `Verse 1` → `v1`, `Chorus` → `c1` (numbered per kind when no number is given), `Pre-Chorus` → `p1`.
pub(crate) fn label_to_name(label: &str, counters: &mut HashMap<char, u32>) -> Option<String> {
    let label = label.trim();
    let (word, number) = match label.rsplit_once(' ') {
        Some((w, n)) if n.chars().all(|c| c.is_ascii_digit()) && !n.is_empty() => (w, Some(n)),
        _ => (label, None),
    };
    let kind = match word.to_ascii_lowercase().as_str() {
        "verse" => SectionKind::Verse,
        "chorus" | "refrain" => SectionKind::Chorus,
        "pre-chorus" | "prechorus" | "pre chorus" => SectionKind::PreChorus,
        "bridge" => SectionKind::Bridge,
        "intro" => SectionKind::Intro,
        "ending" | "outro" | "coda" => SectionKind::Ending,
        "tag" | "interlude" | "instrumental" | "misc" | "vamp" | "other" => SectionKind::Other,
        _ => return None,
    };
    let counter = counters.entry(kind.letter()).or_insert(0);
    let n = match number.and_then(|n| n.parse::<u32>().ok()) {
        Some(n) => {
            *counter = (*counter).max(n);
            n
        }
        None => {
            *counter += 1;
            *counter
        }
    };
    Some(format!("{}{n}", kind.letter()))
}

fn authors(line: &str) -> Vec<Author> {
    let sep = if line.contains('|') { "|" } else { "," };
    line.split(sep)
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(|n| Author {
            name: n.to_owned(),
            role: AuthorRole::Unspecified,
        })
        .collect()
}

/// Reads a SongSelect lyrics text file.
///
/// # Errors
/// [`crate::Error::Io`]; [`crate::Error::Import`] when there is no title or no section.
pub fn read_text(path: &Path) -> Result<Song> {
    let text = super::read_text(path)?;
    let mut song = Song::default();
    let mut counters = HashMap::new();
    let mut current: Option<Section> = None;
    let mut lyrics_done = false;
    for raw in text.lines() {
        let line = raw.trim_end();
        if song.titles.is_empty() {
            if !line.trim().is_empty() {
                song.titles.push(line.trim().to_owned());
            }
            continue;
        }
        if let Some(section) = &mut current {
            if line.trim().is_empty() {
                if let Some(s) = current.take() {
                    song.sections.push(s);
                }
            } else {
                section.lines.push(Line::plain(line));
            }
            continue;
        }
        if line.trim().is_empty() {
            continue;
        }
        if !lyrics_done && let Some(name) = label_to_name(line, &mut counters) {
            current = Some(Section {
                name,
                lang: None,
                lines: Vec::new(),
            });
            continue;
        }
        lyrics_done = true;
        let t = line.trim();
        if let Some(rest) = t.strip_prefix("CCLI Song") {
            let digits: String = rest.chars().filter(char::is_ascii_digit).collect();
            song.ccli = Some(digits).filter(|d| !d.is_empty());
        } else if t.starts_with('©') || t.starts_with("Copyright") {
            if song.copyright.is_none() {
                song.copyright = Some(t.to_owned());
            }
        } else if t.starts_with("CCLI Licen")
            || t.starts_with("For use solely")
            || t.starts_with("Note:")
        {
        } else if song.authors.is_empty() && song.copyright.is_none() {
            song.authors = authors(t);
        }
    }
    if let Some(s) = current.take() {
        song.sections.push(s);
    }
    if song.titles.is_empty() || song.sections.is_empty() {
        return Err(import_error(
            path,
            1,
            "song",
            "no title or no \"Verse\"/\"Chorus\" section",
        ));
    }
    Ok(song)
}

/// Reads a SongSelect `.usr` / `.bin` file.
///
/// # Errors
/// [`crate::Error::Io`]; [`crate::Error::Import`] naming the line when a field is missing.
pub fn read_usr(path: &Path) -> Result<Song> {
    let text = super::read_text(path)?;
    let mut song = Song::default();
    let mut fields: Vec<String> = Vec::new();
    let mut words: Option<(usize, String)> = None;
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim_end();
        if let Some(section) = line.strip_prefix("[S ") {
            let digits: String = section.chars().filter(char::is_ascii_digit).collect();
            song.ccli = Some(digits).filter(|d| !d.is_empty());
            continue;
        }
        let Some((key, value)) = line.split_once('=') else {
            continue;
        };
        match key {
            "Title" => song.titles.push(value.trim().to_owned()),
            "Author" => song.authors = authors(value),
            "Copyright" => song.copyright = Some(value.trim().to_owned()).filter(|v| !v.is_empty()),
            "Themes" => {
                song.themes = value
                    .split("/t")
                    .map(str::trim)
                    .filter(|t| !t.is_empty())
                    .map(str::to_owned)
                    .collect()
            }
            "Keys" => song.key = Some(value.trim().to_owned()).filter(|v| !v.is_empty()),
            "Fields" => fields = value.split("/t").map(str::to_owned).collect(),
            "Words" => words = Some((i + 1, value.to_owned())),
            _ => {}
        }
    }
    let Some((line_no, words)) = words else {
        return Err(import_error(path, 0, "Words", "no Words= line"));
    };
    let mut counters = HashMap::new();
    for (index, block) in words.split("/t").enumerate() {
        let lines: Vec<Line> = block
            .split("/n")
            .map(str::trim_end)
            .filter(|l| !l.is_empty())
            .map(Line::plain)
            .collect();
        if lines.is_empty() {
            continue;
        }
        let label = fields.get(index).map_or("Verse", String::as_str);
        let name = label_to_name(label, &mut counters).unwrap_or_else(|| {
            let n = counters.entry('o').or_insert(0);
            *n += 1;
            format!("o{n}")
        });
        song.sections.push(Section {
            name,
            lang: None,
            lines,
        });
    }
    if song.titles.is_empty() {
        return Err(import_error(
            path,
            line_no as u64,
            "Title",
            "no Title= line",
        ));
    }
    Ok(song)
}
