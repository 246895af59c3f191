//! Cue tracks: what to show (a verse, a lyric line, a chord) from which sample of a track on.
//!
//! A [`CueTrack`] is a list of [`Cue`]s, each a [`Position`] and a [`CuePayload`]. Positions carry
//! their own rate (an LRC file counts milliseconds, a hand-made track may count frames), and are
//! converted to the playing track's frames when it starts, so a cue fires on an exact sample. Each kind
//! is its own lane: a lyric line does not hide the verse, and "what is showing at `t`" answers per lane
//! ([`CueTrack::showing`]).

use crate::Position;
use crate::lrc::Lrc;

/// A Bible reference cue. The text is filled in once cnt-scripture can resolve the reference; until
/// then the reference itself is what is shown.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerseRef {
    /// As written, e.g. "John 3:16" or "Ps 23:1-4".
    pub reference: String,
    /// The verse text, when resolved.
    pub text: Option<String>,
}

impl VerseRef {
    /// What to show: the text when known, else the reference.
    pub fn display(&self) -> &str {
        self.text.as_deref().unwrap_or(&self.reference)
    }
}

/// One word of a lyric line with its start, in the line's time unit (see [`Cue::at`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TimedWord {
    /// When the word starts.
    pub at: Position,
    /// The word.
    pub text: String,
}

/// What a cue shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CuePayload {
    /// A Bible reference.
    Verse(VerseRef),
    /// A lyric line (empty text clears the lyric lane), with word timing when known.
    Lyric {
        /// The line.
        text: String,
        /// Enhanced-LRC word timing.
        words: Vec<TimedWord>,
    },
    /// A chord symbol, e.g. "G/B".
    Chord(String),
}

/// The lane a payload belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CueKind {
    /// Verses.
    Verse,
    /// Lyrics.
    Lyric,
    /// Chords.
    Chord,
}

impl CuePayload {
    /// Its lane.
    pub fn kind(&self) -> CueKind {
        match self {
            CuePayload::Verse(_) => CueKind::Verse,
            CuePayload::Lyric { .. } => CueKind::Lyric,
            CuePayload::Chord(_) => CueKind::Chord,
        }
    }
}

/// A payload from a position of a track on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cue {
    /// Where it starts.
    pub at: Position,
    /// What it shows.
    pub payload: CuePayload,
}

impl Cue {
    /// The cue's start in frames at `rate` (rounded to the nearest frame).
    pub fn frame_at(&self, rate: u32) -> u64 {
        let r = u128::from(self.at.rate());
        let f = (u128::from(self.at.frames()) * u128::from(rate) + r / 2) / r;
        u64::try_from(f).unwrap_or(u64::MAX)
    }
}

/// What is showing at one instant, per lane.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Showing {
    /// The verse lane.
    pub verse: Option<Cue>,
    /// The lyric lane.
    pub lyric: Option<Cue>,
    /// The chord lane.
    pub chord: Option<Cue>,
}

/// Cues of one track, kept sorted by start (stable for equal starts).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CueTrack {
    cues: Vec<Cue>,
}

impl CueTrack {
    /// A cue track from cues in any order.
    pub fn new(mut cues: Vec<Cue>) -> CueTrack {
        cues.sort_by(|a, b| {
            let ka = u128::from(a.at.frames()) * u128::from(b.at.rate());
            let kb = u128::from(b.at.frames()) * u128::from(a.at.rate());
            ka.cmp(&kb)
        });
        CueTrack { cues }
    }

    /// Lyric cues from a parsed LRC file (millisecond positions).
    pub fn from_lrc(lrc: &Lrc) -> CueTrack {
        let ms = Position::from_millis;
        CueTrack::new(
            lrc.lines
                .iter()
                .map(|l| Cue {
                    at: ms(l.at_ms),
                    payload: CuePayload::Lyric {
                        text: l.text.clone(),
                        words: l
                            .words
                            .iter()
                            .map(|w| TimedWord {
                                at: ms(w.at_ms),
                                text: w.text.clone(),
                            })
                            .collect(),
                    },
                })
                .collect(),
        )
    }

    /// Adds the cues of `other` (e.g. chords over lyrics).
    pub fn merge(self, other: CueTrack) -> CueTrack {
        let mut all = self.cues;
        all.extend(other.cues);
        CueTrack::new(all)
    }

    /// Fills in verse texts, e.g. with cnt-scripture's lookup; references it cannot resolve keep
    /// showing as references.
    pub fn resolve_verses(&mut self, mut lookup: impl FnMut(&str) -> Option<String>) {
        for c in &mut self.cues {
            if let CuePayload::Verse(v) = &mut c.payload
                && v.text.is_none()
            {
                v.text = lookup(&v.reference);
            }
        }
    }

    /// All cues, sorted.
    pub fn cues(&self) -> &[Cue] {
        &self.cues
    }

    /// What is showing at `t`: per lane, the last cue that started at or before `t`.
    pub fn showing(&self, t: Position) -> Showing {
        let frame = t.frames();
        let rate = t.rate();
        let mut s = Showing::default();
        for c in &self.cues {
            if c.frame_at(rate) > frame {
                break;
            }
            let slot = match c.payload.kind() {
                CueKind::Verse => &mut s.verse,
                CueKind::Lyric => &mut s.lyric,
                CueKind::Chord => &mut s.chord,
            };
            *slot = Some(c.clone());
        }
        s
    }

    /// Indices of cues starting in `[from, to)` frames at `rate`.
    pub fn starting_in(&self, from: u64, to: u64, rate: u32) -> impl Iterator<Item = &Cue> {
        self.cues.iter().filter(move |c| {
            let f = c.frame_at(rate);
            f >= from && f < to
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(ms: u64) -> Position {
        Position::new(ms, 1000).expect("rate")
    }

    #[test]
    fn lanes_are_independent_and_lookup_is_by_sample() {
        let t = CueTrack::new(vec![
            Cue {
                at: at(2000),
                payload: CuePayload::Chord("G".into()),
            },
            Cue {
                at: at(0),
                payload: CuePayload::Verse(VerseRef {
                    reference: "John 3:16".into(),
                    text: None,
                }),
            },
            Cue {
                at: at(1000),
                payload: CuePayload::Lyric {
                    text: "For God so loved".into(),
                    words: vec![],
                },
            },
        ]);
        let s = t.showing(Position::new(44_099, 44_100).expect("p"));
        assert!(s.verse.is_some() && s.lyric.is_none() && s.chord.is_none());
        let s = t.showing(Position::new(44_100, 44_100).expect("p"));
        assert!(s.lyric.is_some());
        let s = t.showing(Position::new(88_200, 44_100).expect("p"));
        assert_eq!(
            s.chord.map(|c| c.payload),
            Some(CuePayload::Chord("G".into()))
        );
        assert_eq!(
            t.starting_in(44_100, 88_201, 44_100).count(),
            2,
            "lyric at 44 100 and chord at 88 200"
        );
        let verse = |t: &CueTrack| match t.showing(at(5000)).verse.map(|c| c.payload) {
            Some(CuePayload::Verse(v)) => v.display().to_string(),
            other => panic!("{other:?}"),
        };
        assert_eq!(verse(&t), "John 3:16", "the reference until it is resolved");
        let mut t = t;
        t.resolve_verses(|r| (r == "John 3:16").then(|| "For God so loved the world…".to_string()));
        assert_eq!(verse(&t), "For God so loved the world…");
    }
}
