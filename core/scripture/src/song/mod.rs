//! Songs: one model for every format, chords inline with the lyrics.
//!
//! ```text
//!  OpenLyrics 0.8/0.9 ─┐                         ┌─► OpenLyrics 0.9 (export)
//!  ChordPro, .crd ─────┤                         │
//!  CCLI .txt / .usr ───┼──► Song { titles, authors, …, sections: [Section { lines: [Line] }], order }
//!  OpenSong ───────────┤                         │
//!  SongBeamer .sng ────┤                         └─► ChordPro (export)
//!  OpenLP songs.sqlite ┘
//! ```
//!
//! A [`Line`] is its text plus chords at byte offsets into it, which is what both inline formats
//! (`[G]Amazing`) and chords-over-lyrics rendering need. Section names follow OpenLyrics (`v1`, `c`,
//! `b`, `p`, `i`, `e`, `o`); [`Song::order`] lists them in singing order (empty: as written).
//! Transposition, capo shapes and Nashville numbers live in [`chord`].

pub mod ccli;
pub mod chord;
pub mod chordpro;
pub mod openlp;
pub mod openlyrics;
pub mod opensong;
pub mod songbeamer;
mod store;

pub use store::{SONGS_SCHEMA_VERSION, SavedVerse, SongStore, SongSummary};

use std::path::Path;

use chord::{Chord, Key};

use crate::{Error, Result};

/// What an author contributed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub enum AuthorRole {
    /// Not said.
    #[default]
    Unspecified,
    /// The lyrics.
    Words,
    /// The music.
    Music,
    /// A translation into a language (BCP 47 tag).
    Translation(String),
}

/// An author of a song.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Author {
    /// Name as written.
    pub name: String,
    /// Contribution.
    pub role: AuthorRole,
}

/// The kind of a section, from its name's first letter(s).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SectionKind {
    /// `v`.
    Verse,
    /// `c`.
    Chorus,
    /// `p` (pre-chorus).
    PreChorus,
    /// `b`.
    Bridge,
    /// `i`.
    Intro,
    /// `e` (ending).
    Ending,
    /// `o` (other, e.g. instrumental).
    Other,
}

impl SectionKind {
    /// The kind for an OpenLyrics section name (`v1`, `c2`, `b`, `p`…).
    pub fn of_name(name: &str) -> Self {
        match name.chars().next().map(|c| c.to_ascii_lowercase()) {
            Some('v') => SectionKind::Verse,
            Some('c') => SectionKind::Chorus,
            Some('p') => SectionKind::PreChorus,
            Some('b') => SectionKind::Bridge,
            Some('i') => SectionKind::Intro,
            Some('e') => SectionKind::Ending,
            _ => SectionKind::Other,
        }
    }

    /// The OpenLyrics letter.
    pub fn letter(self) -> char {
        match self {
            SectionKind::Verse => 'v',
            SectionKind::Chorus => 'c',
            SectionKind::PreChorus => 'p',
            SectionKind::Bridge => 'b',
            SectionKind::Intro => 'i',
            SectionKind::Ending => 'e',
            SectionKind::Other => 'o',
        }
    }

    /// An English label for display and ChordPro (`Verse`, `Chorus`…).
    pub fn label(self) -> &'static str {
        match self {
            SectionKind::Verse => "Verse",
            SectionKind::Chorus => "Chorus",
            SectionKind::PreChorus => "Pre-Chorus",
            SectionKind::Bridge => "Bridge",
            SectionKind::Intro => "Intro",
            SectionKind::Ending => "Ending",
            SectionKind::Other => "Other",
        }
    }
}

/// One line of lyrics with chords placed in it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Line {
    /// The words.
    pub text: String,
    /// Chords at byte offsets into `text` (`text.len()` for a chord after the last word), in order.
    pub chords: Vec<(usize, Chord)>,
    /// An optional slide break before this line: a long section may be shown as two slides here
    /// (OpenLyrics `<lines break="optional">`, OpenSong `||`, OpenLP `[---]`, ChordPro `{x_slide_break}`).
    pub break_before: bool,
}

impl Line {
    /// A line without chords.
    pub fn plain(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            ..Self::default()
        }
    }

    /// The line in ChordPro's inline form: `[G]Amazing [C]grace`.
    pub fn inline(&self) -> String {
        let mut out = String::with_capacity(self.text.len() + self.chords.len() * 4);
        let mut at = 0;
        for (offset, chord) in &self.chords {
            let offset = (*offset).min(self.text.len());
            out.push_str(&self.text[at..offset]);
            out.push('[');
            out.push_str(&chord.to_string());
            out.push(']');
            at = offset;
        }
        out.push_str(&self.text[at..]);
        out
    }

    /// Chords over lyrics: a chord line (empty when the line has no chords) and the lyric line,
    /// with each chord above the character it belongs to (moved right if the previous chord needs
    /// the room).
    pub fn chords_over_lyrics(&self) -> (String, String) {
        let mut chord_line = String::new();
        for (offset, chord) in &self.chords {
            let column = self.text[..(*offset).min(self.text.len())].chars().count();
            let current = chord_line.chars().count();
            let pad = if current == 0 {
                column
            } else {
                column.max(current + 1)
            };
            chord_line.extend(std::iter::repeat_n(' ', pad - current));
            chord_line.push_str(&chord.to_string());
        }
        (chord_line, self.text.clone())
    }

    fn map_chords(&self, f: impl Fn(&Chord) -> Chord) -> Line {
        Line {
            text: self.text.clone(),
            chords: self.chords.iter().map(|(o, c)| (*o, f(c))).collect(),
            break_before: self.break_before,
        }
    }
}

/// A verse, chorus, bridge…
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Section {
    /// OpenLyrics-style name: `v1`, `c`, `b1`.
    pub name: String,
    /// Language of this section's lyrics, when the song carries several.
    pub lang: Option<String>,
    /// The lines.
    pub lines: Vec<Line>,
}

impl Section {
    /// The kind, from the name.
    pub fn kind(&self) -> SectionKind {
        SectionKind::of_name(&self.name)
    }

    /// The lyrics without chords, one line per line.
    pub fn text(&self) -> String {
        self.lines
            .iter()
            .map(|l| l.text.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// A song.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Song {
    /// Titles; the first is the main one.
    pub titles: Vec<String>,
    /// Authors in the order given.
    pub authors: Vec<Author>,
    /// Copyright line.
    pub copyright: Option<String>,
    /// CCLI song number.
    pub ccli: Option<String>,
    /// Key as written (`G`, `F#m`); see [`Song::key`].
    pub key: Option<String>,
    /// Tempo as written: beats per minute (`90`) or words (`Moderate`).
    pub tempo: Option<String>,
    /// Capo fret.
    pub capo: Option<u8>,
    /// Themes / topics.
    pub themes: Vec<String>,
    /// Free comments.
    pub comments: Vec<String>,
    /// Sections in the order written.
    pub sections: Vec<Section>,
    /// Singing order by section name; empty means as written.
    pub order: Vec<String>,
}

/// Song file formats this crate reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SongFormat {
    /// OpenLyrics XML 0.8 or 0.9.
    OpenLyrics,
    /// ChordPro (`.cho`, `.chordpro`, `.chopro`, `.pro`) including chords-over-lyrics text (`.crd`).
    ChordPro,
    /// CCLI SongSelect text export (`.txt`).
    CcliText,
    /// CCLI SongSelect `.usr` / `.bin` (INI-like).
    CcliUsr,
    /// OpenSong XML (no extension; `<song>` with `<lyrics>` in OpenSong's text notation).
    OpenSong,
    /// SongBeamer `.sng`.
    SongBeamer,
}

impl Song {
    /// The main title (empty if none).
    pub fn title(&self) -> &str {
        self.titles.first().map_or("", String::as_str)
    }

    /// The parsed key: the `key` field, else guessed from the first chord.
    pub fn key(&self) -> Option<Key> {
        self.key
            .as_deref()
            .and_then(|k| Key::parse(k).ok())
            .or_else(|| self.chords().next().map(Key::of_chord))
    }

    /// Every chord in written order.
    pub fn chords(&self) -> impl Iterator<Item = &Chord> {
        self.sections
            .iter()
            .flat_map(|s| s.lines.iter())
            .flat_map(|l| l.chords.iter().map(|(_, c)| c))
    }

    /// Sections in singing order (the order list, falling back to written order). Names in the
    /// order that match no section are skipped.
    pub fn sections_in_order(&self) -> Vec<&Section> {
        if self.order.is_empty() {
            return self.sections.iter().collect();
        }
        self.order
            .iter()
            .flat_map(|name| {
                let exact: Vec<&Section> =
                    self.sections.iter().filter(|s| &s.name == name).collect();
                if exact.is_empty() {
                    // "c" in an order means "c1" when only numbered choruses exist, and vice versa.
                    self.sections
                        .iter()
                        .filter(|s| {
                            s.name.trim_end_matches(|c: char| c.is_ascii_digit())
                                == name.trim_end_matches('1')
                        })
                        .take(1)
                        .collect()
                } else {
                    exact
                }
            })
            .collect()
    }

    /// The song transposed by `semitones`, chords spelled for the new key, key line updated.
    pub fn transposed(&self, semitones: i8) -> Song {
        let Some(key) = self.key() else {
            return self.clone();
        };
        let mut song = self.map_chords(|c| c.transpose(semitones, &key));
        if self.key.is_some() {
            song.key = Some(key.transpose(semitones).to_string());
        }
        song
    }

    /// The chord shapes to play with a capo on `fret` (the sounding key is unchanged).
    pub fn with_capo(&self, fret: u8) -> Song {
        let Some(key) = self.key() else {
            return self.clone();
        };
        let mut song = self.map_chords(|c| c.capo_shape(fret, &key));
        song.capo = Some(fret);
        song
    }

    fn map_chords(&self, f: impl Fn(&Chord) -> Chord) -> Song {
        let mut song = self.clone();
        for section in &mut song.sections {
            section.lines = section.lines.iter().map(|l| l.map_chords(&f)).collect();
        }
        song
    }

    /// Reads a song file, choosing the format by extension (and content for `.txt`/`.xml`).
    ///
    /// # Errors
    /// [`Error::Io`], [`Error::UnknownFormat`], [`Error::Import`] with the line and element.
    pub fn import(path: &Path) -> Result<Song> {
        Self::import_as(path, Self::detect(path)?)
    }

    /// Reads a song file in a given format.
    ///
    /// # Errors
    /// As [`Song::import`].
    pub fn import_as(path: &Path, format: SongFormat) -> Result<Song> {
        match format {
            SongFormat::OpenLyrics => openlyrics::read(path),
            SongFormat::ChordPro => chordpro::read(path),
            SongFormat::CcliText => ccli::read_text(path),
            SongFormat::CcliUsr => ccli::read_usr(path),
            SongFormat::OpenSong => opensong::read(path),
            SongFormat::SongBeamer => songbeamer::read(path),
        }
    }

    /// Guesses a song file's format.
    ///
    /// # Errors
    /// [`Error::Io`], [`Error::UnknownFormat`].
    pub fn detect(path: &Path) -> Result<SongFormat> {
        let ext = path
            .extension()
            .map(|e| e.to_string_lossy().to_lowercase())
            .unwrap_or_default();
        let head = read_head(path)?;
        let opensong = head.contains("<song")
            && !head.contains("openlyrics.info")
            && !head.contains("<properties");
        Ok(match ext.as_str() {
            "xml" if opensong => SongFormat::OpenSong,
            "xml" => SongFormat::OpenLyrics,
            "cho" | "chordpro" | "chopro" | "crd" | "pro" => SongFormat::ChordPro,
            "usr" | "bin" => SongFormat::CcliUsr,
            "sng" => SongFormat::SongBeamer,
            _ if opensong => SongFormat::OpenSong,
            _ if head.trim_start().starts_with("<?xml") || head.contains("<song") => {
                SongFormat::OpenLyrics
            }
            _ if head.starts_with("[File]") || head.contains("Type=SongSelect") => {
                SongFormat::CcliUsr
            }
            _ if head.contains("CCLI") => SongFormat::CcliText,
            _ if head.contains('{') || head.contains('[') => SongFormat::ChordPro,
            _ => {
                return Err(Error::UnknownFormat {
                    path: path.to_owned(),
                    reason: "not OpenLyrics, ChordPro or CCLI".into(),
                });
            }
        })
    }
}

fn read_head(path: &Path) -> Result<String> {
    use std::io::Read;
    let mut buf = vec![0u8; 4096];
    let mut f = std::fs::File::open(path).map_err(|source| Error::Io {
        path: path.to_owned(),
        source,
    })?;
    let n = f.read(&mut buf).map_err(|source| Error::Io {
        path: path.to_owned(),
        source,
    })?;
    buf.truncate(n);
    Ok(String::from_utf8_lossy(&buf).into_owned())
}

/// Reads a whole text file as UTF-8, accepting a UTF-8 or UTF-16 BOM, else falling back to
/// Windows-1252 when the bytes are not UTF-8 (old CCLI and ChordPro files).
pub(crate) fn read_text(path: &Path) -> Result<String> {
    let bytes = std::fs::read(path).map_err(|source| Error::Io {
        path: path.to_owned(),
        source,
    })?;
    if let Some((enc, bom)) = encoding_rs::Encoding::for_bom(&bytes) {
        return Ok(enc
            .decode_without_bom_handling(&bytes[bom..])
            .0
            .into_owned());
    }
    Ok(match String::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => encoding_rs::WINDOWS_1252
            .decode(e.as_bytes())
            .0
            .into_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(inline: &str) -> Line {
        chordpro::parse_inline(inline, 1, Path::new("t")).expect("line")
    }

    #[test]
    fn lines_render_inline_and_over_lyrics() {
        let l = line("[G]Amazing [G7]grace, how [C]sweet the [G]sound");
        assert_eq!(l.text, "Amazing grace, how sweet the sound");
        assert_eq!(
            l.inline(),
            "[G]Amazing [G7]grace, how [C]sweet the [G]sound"
        );
        let (chords, text) = l.chords_over_lyrics();
        assert_eq!(chords, "G       G7         C         G");
        assert_eq!(text, "Amazing grace, how sweet the sound");
        // Chords closer than their width are pushed right.
        let tight = line("s[Cmaj7]w[D]eet");
        assert_eq!(tight.chords_over_lyrics().0, " Cmaj7 D");
    }

    #[test]
    fn transpose_and_capo_whole_songs() {
        let song = Song {
            key: Some("D".into()),
            sections: vec![Section {
                name: "v1".into(),
                lang: None,
                lines: vec![line("[D]Swing low, sweet [G]chari[D]ot, [F#m]x [A7]home")],
            }],
            ..Song::default()
        };
        let up = song.transposed(1);
        assert_eq!(up.key.as_deref(), Some("Eb"));
        assert_eq!(
            up.sections[0].lines[0].inline(),
            "[Eb]Swing low, sweet [Ab]chari[Eb]ot, [Gm]x [Bb7]home"
        );
        assert_eq!(up.transposed(-1), song);
        let capo = song.with_capo(2);
        assert_eq!(capo.capo, Some(2));
        assert_eq!(
            capo.sections[0].lines[0].inline(),
            "[C]Swing low, sweet [F]chari[C]ot, [Em]x [G7]home"
        );
    }

    #[test]
    fn order_falls_back_and_matches_numbered_names() {
        let section = |name: &str| Section {
            name: name.into(),
            lang: None,
            lines: vec![Line::plain(name)],
        };
        let mut song = Song {
            sections: vec![section("v1"), section("c1"), section("v2")],
            ..Song::default()
        };
        assert_eq!(song.sections_in_order().len(), 3);
        song.order = vec!["v1".into(), "c".into(), "v2".into(), "c1".into()];
        let names: Vec<&str> = song
            .sections_in_order()
            .iter()
            .map(|s| s.name.as_str())
            .collect();
        assert_eq!(names, ["v1", "c1", "v2", "c1"]);
    }
}
