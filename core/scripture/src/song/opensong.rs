//! OpenSong song files (XML without extension): `<title>`, `<author>`, `<copyright>`, `<ccli>`,
//! `<theme>`/`<alttheme>` (`Group: A/B`), `<presentation>` (order), `<key>`, `<tempo>`, `<capo>`, and
//! `<lyrics>` in OpenSong's text notation:
//!
//! ```text
//! [V]                          section header ([V1], [C], [B]…)
//! ;comment                     dropped
//! .       D              D7    chord line, placed by column over the lyric lines below it
//! 1A______ma________zing grace lyric line; a leading digit assigns it to verse 1, 2… of a [V] block;
//!                              '_' joins syllables under a chord and is removed; runs of spaces collapse
//!  text|                       a trailing '|' adds an empty line after it
//!  text||                      a trailing (or lone) '||' is an optional slide break before the next line
//! ```
//!
//! Not kept: `<hymn_number>`, `<user1…3>`, styles.

use std::collections::BTreeMap;
use std::path::Path;

use super::chord::Chord;
use super::{Author, AuthorRole, Line, Section, Song};
use crate::Result;
use crate::bible::import::import_error;
use crate::xml::{Ev, Xml};

/// Reads an OpenSong song file.
///
/// # Errors
/// [`crate::Error::Io`]; [`crate::Error::Import`] for malformed XML, a missing title, or a chord
/// that cannot be read (with its line inside the file).
pub fn read(path: &Path) -> Result<Song> {
    let mut xml = Xml::open(path)?;
    let mut song = Song::default();
    let mut lyrics: Option<(u64, String)> = None;
    let mut themes: Vec<String> = Vec::new();
    loop {
        match xml.next()? {
            Ev::Eof => break,
            Ev::Start(name, _) => {
                let field = |xml: &mut Xml| -> Result<Option<String>> {
                    let t = xml.text_until_end()?;
                    let t = t.trim();
                    Ok((!t.is_empty()).then(|| t.to_owned()))
                };
                match name.as_str() {
                    "title" => song.titles.extend(field(&mut xml)?),
                    "aka" => song.titles.extend(field(&mut xml)?),
                    "author" => {
                        if let Some(a) = field(&mut xml)? {
                            song.authors = a
                                .split([',', '&'])
                                .flat_map(|p| p.split(" and "))
                                .map(str::trim)
                                .filter(|n| !n.is_empty())
                                .map(|n| Author {
                                    name: n.to_owned(),
                                    role: AuthorRole::Unspecified,
                                })
                                .collect();
                        }
                    }
                    "copyright" => song.copyright = field(&mut xml)?,
                    "ccli" => song.ccli = field(&mut xml)?,
                    "key" => song.key = field(&mut xml)?,
                    "tempo" => song.tempo = field(&mut xml)?,
                    "capo" => song.capo = field(&mut xml)?.and_then(|c| c.parse().ok()),
                    "theme" | "alttheme" => {
                        if let Some(t) = field(&mut xml)? {
                            for group in t.split(';') {
                                let list = group.split_once(':').map_or(group, |(_, l)| l);
                                for theme in
                                    list.split('/').map(str::trim).filter(|t| !t.is_empty())
                                {
                                    if !themes.iter().any(|x| x == theme) {
                                        themes.push(theme.to_owned());
                                    }
                                }
                            }
                        }
                    }
                    "presentation" => {
                        song.order = field(&mut xml)?
                            .unwrap_or_default()
                            .split_whitespace()
                            .map(section_name)
                            .collect();
                    }
                    "lyrics" => {
                        let line = xml.line();
                        lyrics = Some((line, xml.text_until_end()?));
                    }
                    _ => {}
                }
            }
            _ => {}
        }
    }
    song.themes = themes;
    if song.titles.is_empty() {
        return Err(xml.error("no <title>"));
    }
    let (first_line, text) = lyrics.unwrap_or_default();
    song.sections = parse_lyrics(&text, path, first_line)?;
    Ok(song)
}

/// `V1` → `v1`, `C` → `c1`, `B2` → `b2`, `P` → `p1`, `T` (tag) → `o1`.
fn section_name(header: &str) -> String {
    let mut chars = header.chars();
    let letter = chars.next().map_or('v', |c| c.to_ascii_lowercase());
    let letter = if "vcpbie".contains(letter) {
        letter
    } else {
        'o'
    };
    let rest: String = chars.collect();
    let number = if rest.is_empty() {
        "1".to_owned()
    } else {
        rest.to_lowercase()
    };
    format!("{letter}{number}")
}

fn parse_lyrics(text: &str, path: &Path, first_line: u64) -> Result<Vec<Section>> {
    // Section name → lines, in first-seen order.
    let mut order: Vec<String> = Vec::new();
    let mut sections: BTreeMap<String, Vec<Line>> = BTreeMap::new();
    let mut header = "V1".to_owned();
    let mut chords: Option<String> = None;
    // Sections that get a slide break before their next line (`||`).
    let mut breaks: std::collections::HashSet<String> = std::collections::HashSet::new();
    for (i, raw) in text.lines().enumerate() {
        let line_no = first_line + i as u64;
        let line = raw.trim_end();
        if line.trim().is_empty() || line.starts_with(';') {
            continue;
        }
        if let Some(h) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            header = h.trim().to_owned();
            chords = None;
            continue;
        }
        if line.starts_with('.') {
            chords = Some(line.to_owned());
            continue;
        }
        let mut chars = line.chars();
        let prefix = chars.next().unwrap_or(' ');
        let name = if prefix.is_ascii_digit() {
            let base = header.trim_end_matches(|c: char| c.is_ascii_digit());
            section_name(&format!("{base}{prefix}"))
        } else {
            section_name(&header)
        };
        let body = chars.as_str();
        let break_here = breaks.remove(&name);
        let (body, extra_empty) = if let Some(b) = body.strip_suffix("||") {
            breaks.insert(name.clone());
            (b, false)
        } else if let Some(b) = body.strip_suffix('|') {
            (b, true)
        } else {
            (body, false)
        };
        let mut placed = Vec::new();
        if let Some(c) = &chords {
            for (column, token) in columns(c) {
                let chord = Chord::parse(token).map_err(|e| {
                    import_error(
                        path,
                        line_no,
                        "lyrics",
                        format!("column {}: {e}", column + 1),
                    )
                })?;
                placed.push((column, chord));
            }
        }
        let mut built = build_line(body, &placed);
        let target = sections.entry(name.clone()).or_default();
        let blank = built.text.is_empty() && built.chords.is_empty();
        if blank && break_here {
            // Keep the break for the next line with words.
            breaks.insert(name.clone());
        } else if break_here {
            built.break_before = !target.is_empty();
        }
        if !order.contains(&name) {
            order.push(name);
        }
        if !blank {
            target.push(built);
        }
        if extra_empty {
            // `text|` adds an empty line after the text; a lone `|` is one empty line.
            target.push(Line::default());
        }
    }
    Ok(order
        .into_iter()
        .filter_map(|name| {
            let mut lines = sections.remove(&name)?;
            while lines
                .last()
                .is_some_and(|l| l.text.is_empty() && l.chords.is_empty())
            {
                lines.pop();
            }
            (!lines.is_empty()).then_some(Section {
                name,
                lang: None,
                lines,
            })
        })
        .collect())
}

/// Chord tokens of a chord line with their column, counted after the leading `.`.
fn columns(chord_line: &str) -> Vec<(usize, &str)> {
    let body = &chord_line[1..];
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    for (col, (i, c)) in body
        .char_indices()
        .chain(std::iter::once((body.len(), ' ')))
        .enumerate()
    {
        match (c.is_whitespace(), start) {
            (true, Some(s)) => {
                let begin = body.char_indices().nth(s).map_or(0, |(b, _)| b);
                out.push((s, &body[begin..i]));
                start = None;
            }
            (false, None) => start = Some(col),
            _ => {}
        }
    }
    out
}

/// Places chords by column, removes `_` joiners and collapses runs of spaces.
fn build_line(body: &str, chords: &[(usize, Chord)]) -> Line {
    let mut line = Line::default();
    let mut pending = chords.iter().peekable();
    for (col, c) in body.chars().enumerate() {
        while let Some((_, chord)) = pending.next_if(|(at, _)| *at <= col) {
            line.chords.push((line.text.len(), chord.clone()));
        }
        match c {
            '_' => {}
            ' ' if line.text.is_empty() || line.text.ends_with(' ') => {}
            c => line.text.push(c),
        }
    }
    let trimmed = line.text.trim_end().len();
    line.text.truncate(trimmed);
    for (_, chord) in pending {
        line.chords.push((line.text.len(), chord.clone()));
    }
    for (o, _) in &mut line.chords {
        *o = (*o).min(trimmed);
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chords_land_on_their_columns_without_joiners() {
        let placed: Vec<(usize, Chord)> =
            columns(".       D              D7           G          D     ")
                .into_iter()
                .map(|(c, t)| (c, Chord::parse(t).expect("chord")))
                .collect();
        let line = build_line(
            "A______ma________zing grace! How   sweet the  sound!",
            &placed,
        );
        assert_eq!(
            line.inline(),
            "A[D]mazing [D7]grace! How [G]sweet the [D]sound!"
        );
        assert_eq!(section_name("V1"), "v1");
        let sections =
            parse_lyrics("[V1]\n a||\n b||\n ||\n c\n", Path::new("t"), 1).expect("lyrics");
        let breaks: Vec<bool> = sections[0].lines.iter().map(|l| l.break_before).collect();
        assert_eq!(breaks, [false, true, true]);
        assert_eq!(section_name("C"), "c1");
    }
}
