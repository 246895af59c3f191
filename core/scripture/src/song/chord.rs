//! Chords: parse (`C#m7/G#`, `Bbsus4`, `Ami`), transpose with the spelling the target key wants,
//! capo shapes, and Nashville numbers.
//!
//! Transposition works on intervals, not only semitones: moving a song from D to Eb moves every note
//! up a minor second (one letter, one semitone), so D's F# becomes Eb's G and its C# becomes D — the
//! names a musician reading in Eb expects. The target key is spelled with the fewest accidentals
//! (up 1 from G gives Ab, not G#); a note that would need a double sharp or flat is respelled toward
//! the key's side (sharps in sharp keys, flats in flat keys).

use std::fmt;
use std::str::FromStr;

use crate::{Error, Result};

const LETTERS: [char; 7] = ['C', 'D', 'E', 'F', 'G', 'A', 'B'];
const NATURAL_PC: [i8; 7] = [0, 2, 4, 5, 7, 9, 11];

/// A spelled note: a letter and an accidental (−2 … +2 semitones).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Note {
    /// 0 = C, 1 = D, … 6 = B.
    pub letter: u8,
    /// Semitones added to the natural letter: −1 flat, +1 sharp.
    pub accidental: i8,
}

impl Note {
    /// Pitch class 0–11 (C = 0).
    pub fn pitch_class(self) -> u8 {
        let pc = NATURAL_PC[usize::from(self.letter % 7)] + self.accidental;
        // rem_euclid keeps it in 0..12, so the cast is lossless.
        pc.rem_euclid(12) as u8
    }

    /// Reads a note at the start of `s` (`C`, `C#`, `Db`, `C♯`, `Cb`), returning it and the rest.
    fn parse_prefix(s: &str) -> Option<(Note, &str)> {
        let mut chars = s.chars();
        let letter = chars.next()?.to_ascii_uppercase();
        // H is the German and Central European name of B natural (`Hm` in Hungarian hymnals).
        let letter = if letter == 'H' { 'B' } else { letter };
        let letter = u8::try_from(LETTERS.iter().position(|&l| l == letter)?).ok()?;
        let rest = chars.as_str();
        let (accidental, rest) = if let Some(r) = rest.strip_prefix(['#', '♯']) {
            (1, r)
        } else if let Some(r) = rest.strip_prefix('♭') {
            (-1, r)
        } else if let Some(r) = rest.strip_prefix('b') {
            // "Bb" is B flat, but "Cbass"… no chord quality starts with b, so b is always a flat.
            (-1, r)
        } else {
            (0, rest)
        };
        Some((Note { letter, accidental }, rest))
    }

    /// The note moved by `steps` letters and `semitones`, keeping the interval's spelling; respelled
    /// when that would need a double accidental (`prefer_flats` chooses the side).
    fn shifted(self, steps: i8, semitones: i8, prefer_flats: bool) -> Note {
        let letter = (i8::try_from(self.letter).unwrap_or(0) + steps).rem_euclid(7);
        let target = (i8::try_from(self.pitch_class()).unwrap_or(0) + semitones).rem_euclid(12);
        let natural = NATURAL_PC[usize::try_from(letter).unwrap_or(0)];
        let mut accidental = (target - natural).rem_euclid(12);
        if accidental > 6 {
            accidental -= 12;
        }
        // rem_euclid(7) keeps letter in 0..7.
        let note = Note {
            letter: letter as u8,
            accidental,
        };
        if accidental.abs() > 1 {
            Note::spelled(target as u8, prefer_flats)
        } else {
            note
        }
    }

    /// The usual name of pitch class `pc` with sharps or flats.
    pub fn spelled(pc: u8, flats: bool) -> Note {
        const SHARPS: [(u8, i8); 12] = [
            (0, 0),
            (0, 1),
            (1, 0),
            (1, 1),
            (2, 0),
            (3, 0),
            (3, 1),
            (4, 0),
            (4, 1),
            (5, 0),
            (5, 1),
            (6, 0),
        ];
        const FLATS: [(u8, i8); 12] = [
            (0, 0),
            (1, -1),
            (1, 0),
            (2, -1),
            (2, 0),
            (3, 0),
            (4, -1),
            (4, 0),
            (5, -1),
            (5, 0),
            (6, -1),
            (6, 0),
        ];
        let (letter, accidental) = if flats { FLATS } else { SHARPS }[usize::from(pc % 12)];
        Note { letter, accidental }
    }
}

impl fmt::Display for Note {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", LETTERS[usize::from(self.letter % 7)])?;
        let acc = match self.accidental {
            -2 => "bb",
            -1 => "b",
            1 => "#",
            2 => "##",
            _ => "",
        };
        f.write_str(acc)
    }
}

/// A chord symbol: root, quality suffix as written (`m7`, `sus4`, `maj7`, `mi`), optional bass.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Chord {
    /// Root note.
    pub root: Note,
    /// Everything between root and slash, as written (`""` for a major triad).
    pub quality: String,
    /// Bass note of a slash chord.
    pub bass: Option<Note>,
}

impl Chord {
    /// Parses a chord whose quality is free text (a chord the song defines itself, such as ChordPro's
    /// `{define: Gxx …}`): only the root must be a note.
    ///
    /// # Errors
    /// [`Error::BadChord`] when it does not start with a note A–G.
    pub fn parse_defined(s: &str) -> Result<Self> {
        if let Ok(chord) = Self::parse(s) {
            return Ok(chord);
        }
        let trimmed = s.trim();
        let (root, rest) =
            Note::parse_prefix(trimmed).ok_or_else(|| Error::BadChord(s.to_owned()))?;
        Ok(Chord {
            root,
            quality: rest.to_owned(),
            bass: None,
        })
    }

    /// Parses a chord symbol.
    ///
    /// # Errors
    /// [`Error::BadChord`] when it does not start with a note A–G, has a bad bass note, or contains
    /// characters no chord quality uses.
    pub fn parse(s: &str) -> Result<Self> {
        let bad = || Error::BadChord(s.to_owned());
        let trimmed = s.trim();
        let (root, rest) = Note::parse_prefix(trimmed).ok_or_else(bad)?;
        if !trimmed.starts_with(|c: char| c.is_ascii_uppercase()) {
            return Err(bad());
        }
        let (quality, bass) = match rest.rsplit_once('/') {
            // `6/9` is a quality, not a slash chord.
            Some((q, b)) if !b.starts_with(|c: char| c.is_ascii_digit()) => {
                let (bass, tail) = Note::parse_prefix(b).ok_or_else(bad)?;
                if !tail.is_empty() {
                    return Err(bad());
                }
                (q, Some(bass))
            }
            _ => (rest, None),
        };
        if !valid_quality(&quality.replace("6/9", "69")) {
            return Err(bad());
        }
        Ok(Chord {
            root,
            quality: quality.to_owned(),
            bass,
        })
    }

    /// Is this a minor chord (`m`, `min`, `mi`, `-` …, but not `maj`)?
    pub fn is_minor(&self) -> bool {
        let q = self.quality.as_str();
        (q.starts_with('m') && !q.starts_with("maj")) || q.starts_with('-')
    }

    /// The chord moved by an interval (see the module docs).
    fn shifted(&self, steps: i8, semitones: i8, prefer_flats: bool) -> Chord {
        Chord {
            root: self.root.shifted(steps, semitones, prefer_flats),
            quality: self.quality.clone(),
            bass: self.bass.map(|b| b.shifted(steps, semitones, prefer_flats)),
        }
    }

    /// Transposes by `semitones`, spelling for the key it lands in. `key` is the song's key (its
    /// first chord's root is a good guess when unknown).
    pub fn transpose(&self, semitones: i8, key: &Key) -> Chord {
        let (steps, target) = key.transposition(semitones);
        self.shifted(steps, semitones, target.prefers_flats())
    }

    /// The shape to play with a capo on `fret`, for a song in `key` (transposes down).
    pub fn capo_shape(&self, fret: u8, key: &Key) -> Chord {
        self.transpose(-i8::try_from(fret % 12).unwrap_or(0), key)
    }

    /// The Nashville number of this chord in `key`: `5`, `6m`, `4/6`, `b7`, `2m7`.
    pub fn nashville(&self, key: &Key) -> String {
        let degree = |n: Note| -> String {
            let interval =
                (i16::from(n.pitch_class()) - i16::from(key.tonic.pitch_class())).rem_euclid(12);
            let letters = (i16::from(n.letter) - i16::from(key.tonic.letter)).rem_euclid(7);
            let major_scale = [0, 2, 4, 5, 7, 9, 11];
            let expected = major_scale[usize::try_from(letters).unwrap_or(0)];
            let mut diff = interval - expected;
            if diff > 6 {
                diff -= 12;
            } else if diff < -6 {
                diff += 12;
            }
            let prefix = match diff {
                -1 => "b",
                1 => "#",
                _ => "",
            };
            format!("{prefix}{}", letters + 1)
        };
        let quality = if self.is_minor() {
            let q = self.quality.trim_start_matches('-');
            let q = q
                .strip_prefix("min")
                .or_else(|| q.strip_prefix("mi"))
                .or_else(|| q.strip_prefix('m'))
                .unwrap_or(q);
            format!("m{q}")
        } else {
            self.quality.clone()
        };
        let mut out = format!("{}{quality}", degree(self.root));
        if let Some(b) = self.bass {
            out.push('/');
            out.push_str(&degree(b));
        }
        out
    }
}

impl fmt::Display for Chord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", self.root, self.quality)?;
        if let Some(b) = self.bass {
            write!(f, "/{b}")?;
        }
        Ok(())
    }
}

impl FromStr for Chord {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        Self::parse(s)
    }
}

/// Does `q` read as a chord quality: words like `m`, `maj`, `sus`, `add`, `dim`, numbers,
/// alterations (`b5`, `#9`), `+`, `°`, `ø`, `Δ`, and parenthesised groups (also OpenLyrics interval
/// structures such as `(m3-5-7-9-a11-13)`)?
fn valid_quality(q: &str) -> bool {
    q.len() <= 24 && quality_from(q, 0)
}

/// Backtracking matcher for [`valid_quality`] (`madd9` is `m`+`add`+`9`, `ma7` is `ma`+`7`).
fn quality_from(rest: &str, depth: u8) -> bool {
    const WORDS: [&str; 14] = [
        "maj", "min", "dim", "aug", "sus", "add", "alt", "omit", "no", "mi", "ma", "m", "M", "b",
    ];
    let Some(c) = rest.chars().next() else {
        return depth == 0;
    };
    let next = &rest[c.len_utf8()..];
    if depth > 0 {
        // Inside parentheses: interval lists and alterations.
        return match c {
            ')' => quality_from(next, depth - 1),
            '(' => false,
            c if c.is_ascii_alphanumeric() || "#+-,♯♭".contains(c) => quality_from(next, depth),
            _ => false,
        };
    }
    if WORDS
        .iter()
        .any(|w| rest.starts_with(w) && quality_from(&rest[w.len()..], depth))
    {
        return true;
    }
    match c {
        '0'..='9' | '#' | '+' | '°' | 'ø' | 'Δ' | '^' | '*' | '\'' | '♯' | '♭' => {
            quality_from(next, depth)
        }
        '-' if !next.starts_with('-') => quality_from(next, depth),
        '(' => quality_from(next, depth + 1),
        _ => false,
    }
}

/// A key: tonic and mode.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Key {
    /// The tonic.
    pub tonic: Note,
    /// Minor (`Am`) or major (`C`).
    pub minor: bool,
}

impl Key {
    /// Parses `G`, `Bb`, `F#m`, `C#min`, `Am`.
    ///
    /// # Errors
    /// [`Error::BadKey`].
    pub fn parse(s: &str) -> Result<Self> {
        let bad = || Error::BadKey(s.to_owned());
        let (tonic, rest) = Note::parse_prefix(s.trim()).ok_or_else(bad)?;
        let minor = match rest.trim() {
            "" | "maj" | "major" | "M" => false,
            "m" | "min" | "minor" | "mi" | "-" => true,
            _ => return Err(bad()),
        };
        Ok(Key { tonic, minor })
    }

    /// The key of a chord used as a key guess (its root and minor-ness).
    pub fn of_chord(chord: &Chord) -> Self {
        Key {
            tonic: chord.root,
            minor: chord.is_minor(),
        }
    }

    /// Sharps (positive) or flats (negative) in the key signature; `None` for theoretical spellings.
    fn signature(self) -> i8 {
        // Position on the circle of fifths of the relative major's tonic.
        let major_tonic = if self.minor {
            self.tonic.shifted(2, 3, true)
        } else {
            self.tonic
        };
        // F C G D A E B with accidentals: each sharp adds 7, each flat subtracts 7.
        let base = match major_tonic.letter {
            3 => -1, // F
            0 => 0,  // C
            4 => 1,  // G
            1 => 2,  // D
            5 => 3,  // A
            2 => 4,  // E
            _ => 5,  // B
        };
        base + 7 * major_tonic.accidental
    }

    fn prefers_flats(self) -> bool {
        self.signature() < 0
    }

    /// The key `semitones` away spelled with the fewest accidentals, and the number of letters moved.
    fn transposition(self, semitones: i8) -> (i8, Key) {
        let target_pc =
            (i8::try_from(self.tonic.pitch_class()).unwrap_or(0) + semitones).rem_euclid(12) as u8;
        let candidates = [
            Note::spelled(target_pc, false),
            Note::spelled(target_pc, true),
        ];
        let best = candidates
            .iter()
            .map(|&t| Key {
                tonic: t,
                minor: self.minor,
            })
            .min_by_key(|k| (k.signature().abs(), k.signature() < 0))
            .unwrap_or(self);
        let steps = (i8::try_from(best.tonic.letter).unwrap_or(0)
            - i8::try_from(self.tonic.letter).unwrap_or(0))
        .rem_euclid(7);
        // Going down keeps letter steps consistent with the semitone direction.
        let steps = if semitones < 0 && steps > 0 {
            steps - 7
        } else {
            steps
        };
        (steps, best)
    }

    /// The key `semitones` away (e.g. for a song's new key line after transposing).
    pub fn transpose(&self, semitones: i8) -> Key {
        self.transposition(semitones).1
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", self.tonic, if self.minor { "m" } else { "" })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(s: &str) -> Chord {
        Chord::parse(s).unwrap_or_else(|e| panic!("{e}"))
    }

    fn k(s: &str) -> Key {
        Key::parse(s).unwrap_or_else(|e| panic!("{e}"))
    }

    fn tr(chords: &str, semitones: i8, key: &str) -> String {
        chords
            .split_whitespace()
            .map(|s| c(s).transpose(semitones, &k(key)).to_string())
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn chords_parse_and_print_back() {
        for s in [
            "Cmadd9",
            "Cma7",
            "C(m3-5-7-9-a11-13)",
            "Cm(maj7)",
            "C7sus4",
            "Bb7b9",
            "C°7",
            "Cø",
            "C6/9",
            "C",
            "C#m7",
            "Bbsus4",
            "F#m7b5",
            "D/F#",
            "Gmaj7",
            "Am7/G",
            "Ami",
            "E7(#9)",
            "Cadd9",
            "Bb/D",
            "C+",
            "Cdim7",
            "A2",
        ] {
            assert_eq!(c(s).to_string(), s);
        }
        assert_eq!(c("C♯m").to_string(), "C#m");
        let x = c("C#m7/G#");
        assert_eq!(
            (
                x.root.pitch_class(),
                x.quality.as_str(),
                x.bass.map(|b| b.pitch_class())
            ),
            (1, "m7", Some(8))
        );
        assert!(x.is_minor());
        assert!(!c("Cmaj7").is_minor());
    }

    #[test]
    fn broken_chords_are_errors() {
        assert_eq!(c("Hm").to_string(), "Bm");
        for s in [
            "", "Q7", "cm", "X", "C/", "C/Q", "C m", "C;", "E-----", "DADGBE", "Am7)", "Cx",
        ] {
            assert!(Chord::parse(s).is_err(), "{s:?}");
        }
        assert_eq!(
            Chord::parse("Q7").expect_err("Q7").to_string(),
            "cannot read chord \"Q7\""
        );
    }

    #[test]
    fn transposition_spells_for_the_target_key() {
        // D → Eb (flat key): F# becomes G, C# becomes D, not "F##"/"Db" mixtures.
        assert_eq!(
            tr("D G A Bm F#m D/F# C#dim", 1, "D"),
            "Eb Ab Bb Cm Gm Eb/G Ddim"
        );
        // G → Ab, not G#.
        assert_eq!(tr("G C D Em", 1, "G"), "Ab Db Eb Fm");
        // C → D (sharp key): Bb stays a flat-seven chord as C, F# as G#.
        assert_eq!(tr("C F G Am Bb F#dim", 2, "C"), "D G A Bm C G#dim");
        // F → E (down a semitone): Bb becomes A, not "A#".
        assert_eq!(tr("F Bb C Dm", -1, "F"), "E A B C#m");
        // Eb → E: Ab → A, Bb → B, Cm → C#m.
        assert_eq!(tr("Eb Ab Bb Cm", 1, "Eb"), "E A B C#m");
        // Minor keys: Am up 3 → Cm, spelled with flats.
        assert_eq!(tr("Am Dm E7 F G", 3, "Am"), "Cm Fm G7 Ab Bb");
        // Whole octave and zero are identities.
        assert_eq!(tr("D F#m G A", 12, "D"), "D F#m G A");
        assert_eq!(tr("D F#m G A", 0, "D"), "D F#m G A");
        assert_eq!(k("G").transpose(1).to_string(), "Ab");
        assert_eq!(k("B").transpose(1).to_string(), "C");
        assert_eq!(k("E").transpose(2).to_string(), "F#");
        assert_eq!(k("Em").transpose(-2).to_string(), "Dm");
    }

    #[test]
    fn capo_shapes_and_nashville_numbers() {
        // A song in Bb with capo 3 is played with G shapes.
        let key = k("Bb");
        let shapes: Vec<String> = ["Bb", "Eb", "F", "Gm", "F/A"]
            .iter()
            .map(|s| c(s).capo_shape(3, &key).to_string())
            .collect();
        assert_eq!(shapes, ["G", "C", "D", "Em", "D/F#"]);
        let g = k("G");
        let numbers: Vec<String> = [
            "G", "C", "D", "Em", "D/F#", "Am7", "F", "Bb", "C#dim", "Gmaj7",
        ]
        .iter()
        .map(|s| c(s).nashville(&g))
        .collect();
        assert_eq!(
            numbers,
            [
                "1", "4", "5", "6m", "5/7", "2m7", "b7", "b3", "#4dim", "1maj7"
            ]
        );
        assert_eq!(c("Ami").nashville(&k("C")), "6m");
    }

    #[test]
    fn keys_parse() {
        assert_eq!(
            k("F#m"),
            Key {
                tonic: Note {
                    letter: 3,
                    accidental: 1
                },
                minor: true
            }
        );
        assert!(Key::parse("Q").is_err());
        assert!(Key::parse("C lydian").is_err());
    }
}
