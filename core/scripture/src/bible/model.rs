//! Verses as the reader and overlays see them: plain text plus where paragraphs, stanzas and poetry
//! lines begin.

use crate::reference::VerseId;

/// A structural break inside or before a verse.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Break {
    /// A new paragraph of prose begins.
    Paragraph,
    /// A new stanza of poetry begins (its first line).
    Stanza,
    /// A new line of poetry begins.
    Line,
}

impl Break {
    fn code(self) -> char {
        match self {
            Break::Paragraph => 'P',
            Break::Stanza => 'S',
            Break::Line => 'L',
        }
    }

    fn from_code(c: char) -> Option<Self> {
        match c {
            'P' => Some(Break::Paragraph),
            'S' => Some(Break::Stanza),
            'L' => Some(Break::Line),
            _ => None,
        }
    }
}

/// One verse of one translation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verse {
    /// Which verse.
    pub id: VerseId,
    /// The text, whitespace normalised to single spaces, without notes or markup.
    pub text: String,
    /// Breaks as (byte offset into `text`, kind), in order; offset 0 means before the verse.
    pub breaks: Vec<(usize, Break)>,
    /// A heading shown before the verse (a psalm title or section heading).
    pub heading: Option<String>,
}

impl Verse {
    /// The verse split at its breaks: each piece with the break that begins it (`None` for a piece
    /// that continues the previous verse's paragraph or line).
    pub fn segments(&self) -> Vec<(Option<Break>, &str)> {
        let mut bounds: Vec<(usize, Option<Break>)> = vec![(0, None)];
        for &(offset, b) in &self.breaks {
            if offset == 0 {
                bounds[0].1 = Some(b);
            } else {
                bounds.push((offset, Some(b)));
            }
        }
        (0..bounds.len())
            .map(|i| {
                let end = bounds.get(i + 1).map_or(self.text.len(), |next| next.0);
                (bounds[i].1, self.text[bounds[i].0..end].trim())
            })
            .collect()
    }

    /// Is any part of this verse set as poetry?
    pub fn is_poetry(&self) -> bool {
        self.breaks
            .iter()
            .any(|(_, b)| matches!(b, Break::Line | Break::Stanza))
    }

    /// The breaks as stored in the database: `"P0,L31"`.
    pub(crate) fn layout(&self) -> String {
        self.breaks
            .iter()
            .map(|(o, b)| format!("{}{o}", b.code()))
            .collect::<Vec<_>>()
            .join(",")
    }

    /// Reads [`layout`](Self::layout) back, dropping anything malformed or out of range.
    pub(crate) fn parse_layout(layout: &str, text: &str) -> Vec<(usize, Break)> {
        layout
            .split(',')
            .filter_map(|item| {
                let mut chars = item.chars();
                let kind = Break::from_code(chars.next()?)?;
                let offset: usize = chars.as_str().parse().ok()?;
                (offset <= text.len() && text.is_char_boundary(offset)).then_some((offset, kind))
            })
            .collect()
    }
}

/// Lays verses out as plain text the way a reader shows them: headings on their own line, a blank
/// line before each paragraph or stanza, poetry lines on lines of their own (indented by two spaces),
/// and, with `numbers`, each verse's number before its first word (`16 For God so loved…`).
pub fn render_plain(verses: &[Verse], numbers: bool) -> String {
    let mut out = String::new();
    let mut previous: Option<VerseId> = None;
    for verse in verses {
        if let Some(p) = previous
            && (p.book != verse.id.book
                || p.chapter != verse.id.chapter
                || p.verse + 1 != verse.id.verse)
            && !out.is_empty()
        {
            // A gap in the passage (or a new chapter) starts a new block.
            out.push_str("\n\n");
        }
        if let Some(h) = &verse.heading {
            if !out.is_empty() && !out.ends_with("\n\n") {
                out.push_str("\n\n");
            }
            out.push_str(h);
            out.push_str("\n\n");
        }
        for (i, (kind, text)) in verse.segments().into_iter().enumerate() {
            match kind {
                Some(Break::Paragraph | Break::Stanza)
                    if !out.is_empty() && !out.ends_with("\n\n") =>
                {
                    out.push_str("\n\n");
                }
                Some(Break::Line) if !out.is_empty() && !out.ends_with('\n') => out.push('\n'),
                None if !out.is_empty() && !out.ends_with(['\n', ' ']) => out.push(' '),
                _ => {}
            }
            if verse.is_poetry() && (out.ends_with('\n') || out.is_empty()) && kind.is_some() {
                out.push_str("  ");
            }
            if i == 0 && numbers {
                out.push_str(&format!("{} ", verse.id.verse));
            }
            out.push_str(text);
        }
        previous = Some(verse.id);
    }
    out
}

/// Collects the pieces of one verse as an importer reads them, normalising whitespace and recording
/// breaks at the right offsets.
#[derive(Debug, Default)]
pub(crate) struct VerseText {
    text: String,
    breaks: Vec<(usize, Break)>,
    pending: Option<Break>,
}

impl VerseText {
    /// Appends text; runs of whitespace become one space, and pieces that touch in the source (a
    /// word split by markup) stay touching.
    pub(crate) fn push(&mut self, piece: &str) {
        for (i, word) in piece.split_whitespace().enumerate() {
            let space_before = i > 0 || piece.starts_with(char::is_whitespace);
            if let Some(b) = self.pending.take() {
                if !self.text.is_empty() && !self.text.ends_with(' ') {
                    self.text.push(' ');
                }
                self.breaks.push((self.text.len(), b));
            } else if space_before && !self.text.is_empty() && !self.text.ends_with(' ') {
                self.text.push(' ');
            }
            self.text.push_str(word);
        }
        if piece.ends_with(char::is_whitespace)
            && !self.text.is_empty()
            && !self.text.ends_with(' ')
        {
            self.text.push(' ');
        }
    }

    /// Marks a break before the next text (a later, stronger break wins: paragraph over line).
    pub(crate) fn mark(&mut self, b: Break) {
        self.pending = match (self.pending, b) {
            (Some(Break::Paragraph | Break::Stanza), Break::Line) => self.pending,
            _ => Some(b),
        };
    }

    /// Is there no text yet?
    pub(crate) fn is_empty(&self) -> bool {
        self.text.trim().is_empty()
    }

    /// Takes the finished text and breaks, leaving a pending break for the next verse.
    pub(crate) fn take(&mut self) -> (String, Vec<(usize, Break)>) {
        let text = self.text.trim_end().to_owned();
        self.text.clear();
        let mut breaks = std::mem::take(&mut self.breaks);
        breaks.retain(|(o, _)| *o < text.len().max(1));
        (text, breaks)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whitespace_is_normalised_and_breaks_land_on_words() {
        let mut v = VerseText::default();
        v.mark(Break::Paragraph);
        v.push("Hannah  prayed, and said:  ");
        v.mark(Break::Stanza);
        v.push("“My heart exults in Yahweh! ");
        v.mark(Break::Line);
        v.push("My horn is exalted in Yahweh. ");
        let (text, breaks) = v.take();
        assert_eq!(
            text,
            "Hannah prayed, and said: “My heart exults in Yahweh! My horn is exalted in Yahweh."
        );
        let stanza = text.find('“').expect("stanza");
        let line = text.find("My horn").expect("line");
        assert_eq!(
            breaks,
            vec![
                (0, Break::Paragraph),
                (stanza, Break::Stanza),
                (line, Break::Line)
            ]
        );
        let verse = Verse {
            id: VerseId {
                book: 9,
                chapter: 2,
                verse: 1,
            },
            text,
            breaks,
            heading: None,
        };
        assert_eq!(
            verse.segments(),
            vec![
                (Some(Break::Paragraph), "Hannah prayed, and said:"),
                (Some(Break::Stanza), "“My heart exults in Yahweh!"),
                (Some(Break::Line), "My horn is exalted in Yahweh."),
            ]
        );
        assert_eq!(verse.layout(), format!("P0,S{stanza},L{line}"));
        assert_eq!(
            Verse::parse_layout(&verse.layout(), &verse.text),
            verse.breaks
        );
        assert!(verse.is_poetry());
    }

    #[test]
    fn passages_render_with_paragraphs_poetry_and_numbers() {
        let verse =
            |v: u16, text: &str, breaks: Vec<(usize, Break)>, heading: Option<&str>| Verse {
                id: VerseId {
                    book: 19,
                    chapter: 23,
                    verse: v,
                },
                text: text.into(),
                breaks,
                heading: heading.map(str::to_owned),
            };
        let psalm = [
            verse(
                1,
                "Yahweh is my shepherd: I shall lack nothing.",
                vec![(0, Break::Stanza), (23, Break::Line)],
                Some("A Psalm by David."),
            ),
            verse(2, "He makes me lie down.", vec![(0, Break::Line)], None),
        ];
        assert_eq!(
            render_plain(&psalm, true),
            "A Psalm by David.\n\n  1 Yahweh is my shepherd:\n  I shall lack nothing.\n  2 He makes me lie down."
        );
        let prose = [
            verse(1, "In the beginning.", vec![(0, Break::Paragraph)], None),
            verse(2, "The earth was empty.", vec![], None),
            verse(3, "God said.", vec![(0, Break::Paragraph)], None),
        ];
        assert_eq!(
            render_plain(&prose, false),
            "In the beginning. The earth was empty.\n\nGod said."
        );
    }

    #[test]
    fn pieces_without_spaces_join_without_spaces() {
        let mut v = VerseText::default();
        v.push("In the beginning ");
        v.push("God");
        v.push(" created the heavens");
        v.push(".");
        assert_eq!(v.take().0, "In the beginning God created the heavens.");
    }
}
