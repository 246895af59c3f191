//! ChordPro: directives, sections, inline `[chords]`, `{transpose}`, and chords-over-lyrics text
//! (a line of chords above a line of words, as in `.crd` files and plain-text song sheets).
//!
//! Import rules: `{title}`/`{t}` and `{subtitle}`/`{st}` give titles; `{artist}` an unspecified
//! author, `{lyricist}` words, `{composer}` music (also through `{meta: name value}`); `{copyright}`,
//! `{ccli}`, `{key}`, `{tempo}`, `{capo}` their fields. `{start_of_verse|chorus|bridge|tab|…}` …
//! `{end_of_…}` (and `soc`/`eoc`…) delimit sections, whose label becomes the section name when it
//! looks like one (`v1`, `c`); outside them, blank lines separate verses. `{chorus}` (and a comment
//! that only says "Chorus") repeats the last chorus in the order. `{transpose: n}` moves following
//! chords by n semitones until `{transpose}` ends it; the stored chords are the transposed ones.
//! `{x_slide_break}` (this crate's extension; ChordPro ignores `x_` directives it does not know) marks
//! an optional slide break before the next line. Grids, ABC/Lilypond blocks, `#` comments, `[*annotations]`, `[N.C.]` and unknown directives are
//! skipped. Any other chord that cannot be read is an error naming line and column.

use std::path::Path;

use super::chord::{Chord, Key};
use super::{Author, AuthorRole, Line, Section, SectionKind, Song};
use crate::bible::import::import_error;
use crate::{Error, Result};

/// Reads a ChordPro or chords-over-lyrics file.
///
/// # Errors
/// [`Error::Io`], [`Error::Import`] with line and element.
pub fn read(path: &Path) -> Result<Song> {
    parse(&super::read_text(path)?, path)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Block {
    /// Lyrics (a section).
    Lyrics,
    /// Tab: lines kept as written, no chord parsing.
    Tab,
    /// Grid, ABC, Lilypond, SVG…: skipped.
    Skip,
}

struct Parser<'p> {
    path: &'p Path,
    song: Song,
    current: Option<Section>,
    block: Option<Block>,
    transpose: Vec<i8>,
    pending_chords: Option<String>,
    counters: std::collections::HashMap<char, u32>,
    explicit_order: bool,
    /// Chord names the song defines with `{define}` / `{chord}`: accepted as written.
    defined: std::collections::HashSet<String>,
    /// `{x_slide_break}` seen: the next line starts a new slide.
    slide_break: bool,
}

impl Parser<'_> {
    fn next_name(&mut self, kind: SectionKind) -> String {
        let n = self.counters.entry(kind.letter()).or_insert(0);
        *n += 1;
        format!("{}{n}", kind.letter())
    }

    fn close(&mut self) {
        if let Some(chords) = self.pending_chords.take() {
            // A chord line with no words under it.
            let line = self.apply_transpose(chord_only_line(&chords));
            self.push_line(line);
        }
        if let Some(mut s) = self.current.take() {
            while s
                .lines
                .last()
                .is_some_and(|l| l.text.trim().is_empty() && l.chords.is_empty())
            {
                s.lines.pop();
            }
            if !s.lines.is_empty() {
                if !self.explicit_order {
                    self.song.order.push(s.name.clone());
                }
                self.song.sections.push(s);
            }
        }
    }

    fn push_line(&mut self, mut line: Line) {
        if std::mem::take(&mut self.slide_break) {
            line.break_before = self.current.as_ref().is_some_and(|s| !s.lines.is_empty());
        }
        if self.current.is_none() {
            let name = self.next_name(SectionKind::Verse);
            self.current = Some(Section {
                name,
                lang: None,
                lines: Vec::new(),
            });
        }
        if let Some(s) = &mut self.current {
            s.lines.push(line);
        }
    }

    fn transposition(&self) -> i8 {
        self.transpose
            .iter()
            .copied()
            .fold(0i8, |a, b| a.wrapping_add(b))
    }

    fn key(&self, line: &Line) -> Option<Key> {
        self.song
            .key()
            .or_else(|| line.chords.first().map(|(_, c)| Key::of_chord(c)))
    }

    fn apply_transpose(&self, mut line: Line) -> Line {
        let t = self.transposition();
        if t != 0
            && let Some(key) = self.key(&line)
        {
            for (_, c) in &mut line.chords {
                *c = c.transpose(t, &key);
            }
        }
        line
    }

    fn repeat_chorus(&mut self) {
        self.close();
        if self.explicit_order {
            return;
        }
        if let Some(c) = self
            .song
            .sections
            .iter()
            .rev()
            .find(|s| s.kind() == SectionKind::Chorus)
        {
            self.song.order.push(c.name.clone());
        }
    }

    fn directive(&mut self, name: &str, value: &str, line_no: usize) -> Result<()> {
        let value = value.trim();
        let text = || Some(value.to_owned()).filter(|v| !v.is_empty());
        let author = |role| Author {
            name: value.to_owned(),
            role,
        };
        match name {
            "title" | "t" if !value.is_empty() => self.song.titles.insert(0, value.to_owned()),
            "subtitle" | "st" if !value.is_empty() => self.song.titles.push(value.to_owned()),
            "artist" => self.song.authors.push(author(AuthorRole::Unspecified)),
            "lyricist" => self.song.authors.push(author(AuthorRole::Words)),
            "composer" => self.song.authors.push(author(AuthorRole::Music)),
            "copyright" => self.song.copyright = text(),
            "ccli" => self.song.ccli = text(),
            "key" => self.song.key = text(),
            "tempo" => self.song.tempo = text(),
            "capo" => {
                self.song.capo = Some(value.parse().map_err(|_| {
                    import_error(
                        self.path,
                        line_no as u64,
                        "capo",
                        format!("{value:?} is not a fret number"),
                    )
                })?);
            }
            "meta" => {
                let (key, rest) = value.split_once(char::is_whitespace).unwrap_or((value, ""));
                match key {
                    "theme" | "topic" => self.song.themes.push(rest.trim().to_owned()),
                    "note" => self.song.comments.push(rest.trim().to_owned()),
                    "order" => {
                        self.song.order = rest.split_whitespace().map(str::to_owned).collect();
                        self.explicit_order = true;
                    }
                    "translator" => {
                        let (lang, name) = rest.trim().split_once(' ').unwrap_or(("", rest.trim()));
                        self.song.authors.push(Author {
                            name: name.to_owned(),
                            role: AuthorRole::Translation(lang.to_owned()),
                        });
                    }
                    other => return self.directive(other, rest, line_no),
                }
            }
            "transpose" => {
                if value.is_empty() {
                    self.transpose.pop();
                } else {
                    let n: i8 = value.trim_start_matches('+').parse().map_err(|_| {
                        import_error(
                            self.path,
                            line_no as u64,
                            "transpose",
                            format!("{value:?} is not a number of semitones"),
                        )
                    })?;
                    self.transpose.push(n);
                }
            }
            "chorus" => self.repeat_chorus(),
            "x_slide_break" => self.slide_break = true,
            "define" | "chord" => {
                let name = value.split([':', ' ']).next().unwrap_or("");
                if !name.is_empty() {
                    self.defined.insert(name.to_owned());
                }
            }
            "comment" | "c" | "ci" | "cb" | "comment_italic" | "comment_box" | "highlight" => {
                if value.eq_ignore_ascii_case("chorus") {
                    self.repeat_chorus();
                }
            }
            _ => {
                let (start, kind) = if let Some(k) = name.strip_prefix("start_of_") {
                    (true, k)
                } else if let Some(k) = name.strip_prefix("end_of_") {
                    (false, k)
                } else {
                    match name {
                        "soc" => (true, "chorus"),
                        "eoc" => (false, "chorus"),
                        "sov" => (true, "verse"),
                        "eov" => (false, "verse"),
                        "sob" => (true, "bridge"),
                        "eob" => (false, "bridge"),
                        "sot" => (true, "tab"),
                        "eot" => (false, "tab"),
                        "sog" => (true, "grid"),
                        "eog" => (false, "grid"),
                        _ => return Ok(()), // unknown directives are ignored, as ChordPro asks
                    }
                };
                self.close();
                if !start {
                    self.block = None;
                    return Ok(());
                }
                let section_kind = match kind {
                    "chorus" => SectionKind::Chorus,
                    "bridge" => SectionKind::Bridge,
                    "verse" => SectionKind::Verse,
                    "tab" => SectionKind::Other,
                    "grid" | "abc" | "ly" | "svg" | "textblock" => {
                        self.block = Some(Block::Skip);
                        return Ok(());
                    }
                    other => SectionKind::of_name(other),
                };
                let label = value
                    .strip_prefix("label=")
                    .map(|l| l.trim_matches('"'))
                    .unwrap_or(value);
                let name = if looks_like_section_name(label) {
                    label.to_owned()
                } else {
                    self.next_name(section_kind)
                };
                self.block = Some(if kind == "tab" {
                    Block::Tab
                } else {
                    Block::Lyrics
                });
                self.current = Some(Section {
                    name,
                    lang: None,
                    lines: Vec::new(),
                });
            }
        }
        Ok(())
    }

    fn text_line(&mut self, raw: &str, line_no: usize) -> Result<()> {
        let line = raw.trim_end();
        if self.block == Some(Block::Skip) {
            return Ok(());
        }
        if self.block == Some(Block::Tab) {
            self.push_line(Line::plain(line));
            return Ok(());
        }
        if line.trim().is_empty() {
            if let Some(chords) = self.pending_chords.take() {
                self.push_line(self.apply_transpose(chord_only_line(&chords)));
            }
            if self.block.is_none() {
                self.close();
            } else if self.current.as_ref().is_some_and(|s| !s.lines.is_empty()) {
                // Inside an explicit section a blank line is part of it (trailing ones are dropped).
                self.push_line(Line::default());
            }
            return Ok(());
        }
        if is_chord_line(line) {
            if let Some(chords) = self.pending_chords.replace(line.to_owned()) {
                self.push_line(self.apply_transpose(chord_only_line(&chords)));
            }
            return Ok(());
        }
        let mut parsed = parse_line(line, line_no, self.path, &self.defined)?;
        if let Some(chords) = self.pending_chords.take() {
            parsed = merge_chords_over_lyrics(&chords, parsed);
        }
        self.push_line(self.apply_transpose(parsed));
        Ok(())
    }
}

fn looks_like_section_name(label: &str) -> bool {
    let mut chars = label.chars();
    chars.next().is_some_and(|c| "vcpbieo".contains(c))
        && chars.all(|c| c.is_ascii_digit() || c.is_ascii_lowercase())
        && label.len() <= 4
}

/// Is this line only chords (at least one), as in a chords-over-lyrics sheet?
fn is_chord_line(line: &str) -> bool {
    let mut any = false;
    for token in line.split_whitespace() {
        if token.contains(['[', ']', '{']) || Chord::parse(token).is_err() {
            return false;
        }
        any = true;
    }
    any
}

fn chord_tokens(line: &str) -> Vec<(usize, Chord)> {
    let mut out = Vec::new();
    let mut token_start = None;
    for (i, c) in line.chars().chain(std::iter::once(' ')).enumerate() {
        if c.is_whitespace() {
            if let Some(start) = token_start.take() {
                let token: String = line.chars().skip(start).take(i - start).collect();
                if let Ok(chord) = Chord::parse(&token) {
                    out.push((start, chord));
                }
            }
        } else if token_start.is_none() {
            token_start = Some(i);
        }
    }
    out
}

fn chord_only_line(chords: &str) -> Line {
    Line {
        text: String::new(),
        chords: chord_tokens(chords)
            .into_iter()
            .map(|(_, c)| (0, c))
            .collect(),
        break_before: false,
    }
}

/// Places the chords of a chord line over the words below them, by column.
fn merge_chords_over_lyrics(chords: &str, mut words: Line) -> Line {
    let mut placed = Vec::new();
    for (column, chord) in chord_tokens(chords) {
        let len = words.text.chars().count();
        if column > len {
            words.text.extend(std::iter::repeat_n(' ', column - len));
        }
        let offset = words
            .text
            .char_indices()
            .nth(column)
            .map_or(words.text.len(), |(i, _)| i);
        placed.push((offset, chord));
    }
    placed.extend(words.chords);
    placed.sort_by_key(|(o, _)| *o);
    words.chords = placed;
    words
}

/// Parses one lyric line with inline `[chords]`.
///
/// # Errors
/// [`Error::Import`] naming the line and column of a chord that cannot be read or an unclosed `[`.
pub fn parse_inline(line: &str, line_no: usize, path: &Path) -> Result<Line> {
    parse_line(line, line_no, path, &std::collections::HashSet::new())
}

fn parse_line(
    line: &str,
    line_no: usize,
    path: &Path,
    defined: &std::collections::HashSet<String>,
) -> Result<Line> {
    let mut out = Line::default();
    let mut rest = line;
    let mut column = 1;
    while let Some(open) = rest.find('[') {
        out.text.push_str(&rest[..open]);
        column += rest[..open].chars().count();
        let after = &rest[open + 1..];
        let close = after.find(']').ok_or_else(|| {
            import_error(
                path,
                line_no as u64,
                "[",
                format!("column {column}: '[' without ']'"),
            )
        })?;
        let symbol = &after[..close];
        let skip = symbol.starts_with('*')
            || matches!(symbol, "N.C." | "NC" | "N.C" | "x" | "-" | "|" | "");
        if !skip {
            let parsed = if defined.contains(symbol) {
                Chord::parse_defined(symbol)
            } else {
                Chord::parse(symbol)
            };
            let chord = parsed.map_err(|e| {
                import_error(
                    path,
                    line_no as u64,
                    &format!("[{symbol}]"),
                    format!("column {column}: {e}"),
                )
            })?;
            out.chords.push((out.text.len(), chord));
        }
        column += symbol.chars().count() + 2;
        rest = &after[close + 1..];
    }
    out.text.push_str(rest);
    Ok(out)
}

/// Parses ChordPro text (`path` is only used in errors).
///
/// # Errors
/// [`Error::Import`] with line and element.
pub fn parse(text: &str, path: &Path) -> Result<Song> {
    let mut p = Parser {
        path,
        song: Song::default(),
        current: None,
        block: None,
        transpose: Vec::new(),
        pending_chords: None,
        counters: std::collections::HashMap::new(),
        explicit_order: false,
        defined: std::collections::HashSet::new(),
        slide_break: false,
    };
    for (i, raw) in text.lines().enumerate() {
        let line_no = i + 1;
        let trimmed = raw.trim();
        if trimmed.starts_with('#') && p.block != Some(Block::Tab) {
            continue;
        }
        if let Some(inner) = trimmed.strip_prefix('{') {
            let inner = inner.strip_suffix('}').ok_or_else(|| {
                import_error(path, line_no as u64, "{", "directive without closing '}'")
            })?;
            if inner.starts_with('+') || inner.starts_with('#') {
                continue; // configuration and comments
            }
            let split = inner
                .find(|c: char| c == ':' || c.is_whitespace())
                .unwrap_or(inner.len());
            let name = inner[..split].trim().to_ascii_lowercase();
            let value = inner[split..].trim_start_matches(|c: char| c == ':' || c.is_whitespace());
            // Selector suffixes (`title-guitar`) apply to everyone here.
            let name = name.split('-').next().unwrap_or("").to_owned();
            p.directive(&name, value, line_no)?;
            continue;
        }
        p.text_line(raw, line_no)?;
    }
    p.close();
    let mut song = p.song;
    if !p.explicit_order
        && song
            .order
            .iter()
            .zip(&song.sections)
            .all(|(o, s)| *o == s.name)
        && song.order.len() == song.sections.len()
    {
        // Singing order equals written order: no need to store it.
        song.order.clear();
    }
    if song.titles.is_empty() && song.sections.is_empty() {
        return Err(Error::Import {
            path: path.to_owned(),
            line: 0,
            element: "song".into(),
            message: "no title and no lyrics".into(),
        });
    }
    Ok(song)
}

/// Writes a song as ChordPro (sections as `{start_of_…: name}`, chords inline; themes, notes,
/// translators and the verse order as `{meta: …}`), which [`parse`] reads back to the same song
/// (section languages are not kept).
pub fn write(song: &Song) -> String {
    let mut out = String::new();
    let mut line = |s: String| {
        out.push_str(&s);
        out.push('\n');
    };
    if let Some((first, rest)) = song.titles.split_first() {
        line(format!("{{title: {first}}}"));
        for t in rest {
            line(format!("{{subtitle: {t}}}"));
        }
    }
    for a in &song.authors {
        match &a.role {
            AuthorRole::Unspecified => line(format!("{{artist: {}}}", a.name)),
            AuthorRole::Words => line(format!("{{lyricist: {}}}", a.name)),
            AuthorRole::Music => line(format!("{{composer: {}}}", a.name)),
            AuthorRole::Translation(lang) => {
                line(format!("{{meta: translator {lang} {}}}", a.name))
            }
        }
    }
    for (name, value) in [
        ("copyright", &song.copyright),
        ("ccli", &song.ccli),
        ("key", &song.key),
        ("tempo", &song.tempo),
    ] {
        if let Some(v) = value {
            line(format!("{{{name}: {v}}}"));
        }
    }
    if let Some(c) = song.capo {
        line(format!("{{capo: {c}}}"));
    }
    for t in &song.themes {
        line(format!("{{meta: theme {t}}}"));
    }
    for c in &song.comments {
        line(format!("{{meta: note {c}}}"));
    }
    if !song.order.is_empty() {
        line(format!("{{meta: order {}}}", song.order.join(" ")));
    }
    for s in &song.sections {
        let env = match s.kind() {
            SectionKind::Chorus => "chorus",
            SectionKind::Bridge => "bridge",
            SectionKind::Verse => "verse",
            SectionKind::PreChorus => "prechorus",
            SectionKind::Intro => "intro",
            SectionKind::Ending => "ending",
            // Tab blocks come back as "other" sections of plain lines: a tab block keeps them plain.
            SectionKind::Other if s.lines.iter().all(|l| l.chords.is_empty()) => "tab",
            SectionKind::Other => "other",
        };
        line(String::new());
        line(format!("{{start_of_{env}: {}}}", s.name));
        for l in &s.lines {
            if l.break_before {
                line("{x_slide_break}".to_owned());
            }
            line(l.inline());
        }
        line(format!("{{end_of_{env}}}"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn song(text: &str) -> Song {
        parse(text, Path::new("test.cho")).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn directives_sections_and_chorus_repeats() {
        let s = song(
            "{title: Swing Low}\n{st:Traditional}\n{key: D}\n{capo: 2}\n{soc}\nSwing [D]low\n{eoc}\n\nI looked [G]over\n\n{chorus}\nIf you get there\n{c: Chorus}\n",
        );
        assert_eq!(s.titles, ["Swing Low", "Traditional"]);
        assert_eq!((s.key.as_deref(), s.capo), (Some("D"), Some(2)));
        let names: Vec<&str> = s.sections.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["c1", "v1", "v2"]);
        assert_eq!(s.order, ["c1", "v1", "c1", "v2", "c1"]);
        assert_eq!(s.sections[0].lines[0].inline(), "Swing [D]low");
    }

    #[test]
    fn transpose_applies_until_ended() {
        let s = song("{key: D}\n[D]a [G]b\n\n{transpose: +2}\n[D]c [F#m]d\n\n{transpose}\n[D]e\n");
        let inl: Vec<String> = s.sections.iter().map(|s| s.lines[0].inline()).collect();
        assert_eq!(inl, ["[D]a [G]b", "[E]c [G#m]d", "[D]e"]);
    }

    #[test]
    fn broken_chords_and_directives_name_the_line() {
        let err = parse("{title: x}\n\nAmazing [Q7]grace\n", Path::new("bad.cho")).expect_err("Q7");
        assert_eq!(
            err.to_string(),
            "bad.cho:3: <[Q7]>: column 9: cannot read chord \"Q7\""
        );
        let defined = song("{define: Gxx base-fret 1 frets 3 2 0 0 0 3}\nSwing [Gxx]low\n");
        assert_eq!(defined.sections[0].lines[0].inline(), "Swing [Gxx]low");
        let err = parse("{title: x\n", Path::new("bad.cho")).expect_err("unclosed");
        assert_eq!(
            err.to_string(),
            "bad.cho:1: <{>: directive without closing '}'"
        );
        let err = parse("a [G\n", Path::new("bad.cho")).expect_err("unclosed chord");
        assert_eq!(err.to_string(), "bad.cho:1: <[>: column 3: '[' without ']'");
    }

    #[test]
    fn chords_over_lyrics_become_inline() {
        let s = song(
            "A         C           D           E  F\nThe first line of the song is pretty normal,\n",
        );
        assert_eq!(
            s.sections[0].lines[0].inline(),
            "[A]The first [C]line of the [D]song is pret[E]ty [F]normal,"
        );
    }
}
