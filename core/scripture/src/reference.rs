//! Bible references: parsing what people type and formatting it back.
//!
//! Grammar (case, spaces and dots are free; `–`, `—` and `-` are the same dash):
//!
//! ```text
//! reference := part (';' part)*
//! part      := [book] item (',' item)*        book omitted: the previous part's book
//! item      := point ['-' point]
//! point     := chapter [(':' | '.' | ' ') verse] | verse (in a one-chapter book, or after ',' in a verse list)
//! book      := [1|2|3|I|II|III|1st|First|Primera…] name    English, Spanish or Portuguese name or abbreviation
//! ```
//!
//! * `Ps 23` is a whole chapter, `Gen 1-2` two chapters, `Gen 1:1-2:3` crosses a chapter boundary,
//!   `John 3:16-18` stays in chapter 3; `Rom 8:28; 12:1-2` keeps Romans for the second part and
//!   `John 3:16, 18` keeps chapter 3 for the second verse.
//! * In a one-chapter book (`Obadiah`, `Philemon`, `2 John`, `3 John`, `Jude`) a lone number is a verse:
//!   `3 John 4`; `Jude 2:1` is refused because Jude has one chapter.
//! * Quick codes: `jn316` and `1co13 4`. When a run of digits is not a chapter of the book, it is split
//!   into chapter and verse, taking the longest chapter that exists whose remaining digits are a verse
//!   of it (`jn316` → John 3:16, `ps1191` → Psalm 119:1).
//! * Every chapter and verse is checked against the canon ([`crate::BOOKS`]) and the verse counts of the
//!   WEB's versification; errors name the book, what exists and what was asked.
//!
//! Formatting ([`Reference`]'s `Display`, [`Reference::display_in`]) writes full book names, `:` and an
//! en dash (`1 Corinthians 13:4–7`), omits a repeated book (`Romans 8:28; 12:1–2`), and parses back
//! to the same value.

use std::fmt;
use std::str::FromStr;

use crate::canon::{Book, Lang};
use crate::{Error, Result};

/// One verse: book number (1–66), chapter and verse. Orders in canonical order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct VerseId {
    /// Book number, 1 (Genesis) to 66 (Revelation).
    pub book: u8,
    /// Chapter, from 1.
    pub chapter: u16,
    /// Verse, from 1.
    pub verse: u16,
}

impl VerseId {
    /// A single integer that orders like the verse (`book * 1_000_000 + chapter * 1_000 + verse`),
    /// used as the key in the Bible database.
    pub fn key(self) -> i64 {
        i64::from(self.book) * 1_000_000 + i64::from(self.chapter) * 1_000 + i64::from(self.verse)
    }

    /// The verse with this [`key`](Self::key).
    pub fn from_key(key: i64) -> Self {
        // Keys are built by `key()` from u8/u16 parts, so these conversions cannot truncate.
        Self {
            book: u8::try_from(key / 1_000_000).unwrap_or(0),
            chapter: u16::try_from(key / 1_000 % 1_000).unwrap_or(0),
            verse: u16::try_from(key % 1_000).unwrap_or(0),
        }
    }

    /// The book.
    pub fn book(self) -> Option<&'static Book> {
        Book::by_number(self.book)
    }
}

/// A chapter, or a verse in a chapter.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Point {
    /// Chapter, from 1.
    pub chapter: u16,
    /// Verse, from 1; `None` means the whole chapter.
    pub verse: Option<u16>,
}

/// A contiguous stretch of one book: from `start` to `end` inclusive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Passage {
    /// The book.
    pub book: &'static Book,
    /// First chapter (and verse).
    pub start: Point,
    /// Last chapter (and verse); equal to `start` for a single verse or chapter.
    pub end: Point,
}

impl Passage {
    /// The first verse of the passage.
    pub fn first(&self) -> VerseId {
        VerseId {
            book: self.book.number(),
            chapter: self.start.chapter,
            verse: self.start.verse.unwrap_or(1),
        }
    }

    /// The last verse of the passage.
    pub fn last(&self) -> VerseId {
        VerseId {
            book: self.book.number(),
            chapter: self.end.chapter,
            verse: self
                .end
                .verse
                .unwrap_or_else(|| self.book.verses(self.end.chapter).unwrap_or(1)),
        }
    }

    fn fmt_numbers(&self, f: &mut impl fmt::Write) -> fmt::Result {
        let (s, e) = (self.start, self.end);
        if self.book.chapters == 1 {
            return match (s.verse, e.verse) {
                (Some(a), Some(b)) if a == b => write!(f, "{a}"),
                (Some(a), Some(b)) => write!(f, "{a}–{b}"),
                _ => Ok(()),
            };
        }
        match (s.verse, e.verse) {
            (None, _) | (_, None) if s.chapter == e.chapter => write!(f, "{}", s.chapter),
            (None, _) | (_, None) => write!(f, "{}–{}", s.chapter, e.chapter),
            (Some(a), Some(b)) if s.chapter == e.chapter && a == b => {
                write!(f, "{}:{a}", s.chapter)
            }
            (Some(a), Some(b)) if s.chapter == e.chapter => write!(f, "{}:{a}–{b}", s.chapter),
            (Some(a), Some(b)) => write!(f, "{}:{a}–{}:{b}", s.chapter, e.chapter),
        }
    }

    fn is_whole_book(&self) -> bool {
        self.start.verse.is_none()
            && self.start.chapter == 1
            && self.end.chapter == self.book.chapters
    }
}

/// A parsed reference: one or more passages, possibly in several books.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Reference {
    /// The passages in the order written.
    pub passages: Vec<Passage>,
}

impl Reference {
    /// Parses a reference (see the module docs for what is accepted).
    ///
    /// # Errors
    /// [`Error::EmptyReference`], [`Error::BadReference`] with the column, [`Error::UnknownBook`],
    /// [`Error::AmbiguousBook`], [`Error::NoSuchChapter`], [`Error::NoSuchVerse`],
    /// [`Error::BackwardsRange`].
    pub fn parse(input: &str) -> Result<Self> {
        Parser::new(input).reference()
    }

    /// A reference to one verse.
    ///
    /// # Errors
    /// [`Error::NoSuchChapter`] or [`Error::NoSuchVerse`].
    pub fn verse(book: &'static Book, chapter: u16, verse: u16) -> Result<Self> {
        book.check_verse(chapter, verse)?;
        let p = Point {
            chapter,
            verse: Some(verse),
        };
        Ok(Self {
            passages: vec![Passage {
                book,
                start: p,
                end: p,
            }],
        })
    }

    /// A reference to a whole chapter.
    ///
    /// # Errors
    /// [`Error::NoSuchChapter`].
    pub fn chapter(book: &'static Book, chapter: u16) -> Result<Self> {
        book.check_chapter(chapter)?;
        let p = Point {
            chapter,
            verse: None,
        };
        Ok(Self {
            passages: vec![Passage {
                book,
                start: p,
                end: p,
            }],
        })
    }

    /// Formats with book names in `lang` (`Juan 3:16`, `1 Coríntios 13:4–7`).
    pub fn display_in(&self, lang: Lang) -> String {
        let mut out = String::new();
        let mut previous: Option<&Passage> = None;
        for p in &self.passages {
            let same_book = previous.is_some_and(|q| q.book == p.book);
            let same_chapter_verses = previous.is_some_and(|q| {
                same_book
                    && q.end.verse.is_some()
                    && p.start.verse.is_some()
                    && q.end.chapter == p.start.chapter
                    && p.start.chapter == p.end.chapter
                    && p.book.chapters > 1
            });
            if same_chapter_verses {
                out.push_str(", ");
                let (a, b) = (p.start.verse.unwrap_or(1), p.end.verse.unwrap_or(1));
                if a == b {
                    out.push_str(&a.to_string());
                } else {
                    out.push_str(&format!("{a}–{b}"));
                }
            } else {
                if previous.is_some() {
                    out.push_str("; ");
                }
                if !same_book {
                    out.push_str(p.book.name_in(lang));
                }
                if !(p.book.chapters == 1 && p.is_whole_book()) {
                    if !same_book {
                        out.push(' ');
                    }
                    // Writing into a String cannot fail.
                    let _ = p.fmt_numbers(&mut out);
                }
            }
            previous = Some(p);
        }
        out
    }

    /// OSIS reference form, e.g. `John.3.16-John.3.18 Rom.8.28`.
    pub fn osis(&self) -> String {
        self.passages
            .iter()
            .map(|p| {
                let one = |pt: Point| match pt.verse {
                    Some(v) => format!("{}.{}.{v}", p.book.osis, pt.chapter),
                    None => format!("{}.{}", p.book.osis, pt.chapter),
                };
                if p.start == p.end {
                    one(p.start)
                } else {
                    format!("{}-{}", one(p.start), one(p.end))
                }
            })
            .collect::<Vec<_>>()
            .join(" ")
    }
}

impl fmt::Display for Reference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.display_in(Lang::En))
    }
}

impl FromStr for Reference {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        Self::parse(s)
    }
}

/// Where the next item's bare number belongs.
#[derive(Clone, Copy)]
enum Context {
    /// Start of a part: a bare number is a chapter (a verse in one-chapter books).
    Part,
    /// After a comma: a bare number continues the previous item's chapter or verse list.
    List { chapter: u16, verses: bool },
}

struct Parser<'a> {
    input: &'a str,
    chars: Vec<char>,
    pos: usize,
}

impl<'a> Parser<'a> {
    fn new(input: &'a str) -> Self {
        let chars = input
            .chars()
            .map(|c| match c {
                '–' | '—' | '‑' | '−' => '-',
                other => other,
            })
            .collect();
        Self {
            input,
            chars,
            pos: 0,
        }
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn peek_at(&self, offset: usize) -> Option<char> {
        self.chars.get(self.pos + offset).copied()
    }

    fn skip_ws(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.pos += 1;
        }
    }

    fn error(&self, expected: &'static str) -> Error {
        Error::BadReference {
            input: self.input.to_owned(),
            column: self.pos + 1,
            expected,
        }
    }

    /// Does a book name start here (letters, or 1–3 digits then letters)?
    fn at_book(&self) -> bool {
        let mut i = self.pos;
        while self.chars.get(i).is_some_and(char::is_ascii_digit) {
            i += 1;
        }
        while self
            .chars
            .get(i)
            .is_some_and(|c| c.is_whitespace() || *c == '.')
        {
            i += 1;
        }
        self.chars.get(i).is_some_and(|c| c.is_alphabetic())
    }

    fn book(&mut self) -> Result<&'static Book> {
        let start = self.pos;
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.pos += 1;
        }
        loop {
            match self.peek() {
                Some(c) if c.is_alphabetic() || c == '.' => self.pos += 1,
                Some(c) if c.is_whitespace() => {
                    // A space belongs to the name only if more name follows ("Song of Solomon").
                    let mut i = self.pos;
                    while self.chars.get(i).is_some_and(|c| c.is_whitespace()) {
                        i += 1;
                    }
                    if self.chars.get(i).is_some_and(|c| c.is_alphabetic()) {
                        self.pos = i;
                    } else {
                        break;
                    }
                }
                _ => break,
            }
        }
        let text: String = self.chars[start..self.pos].iter().collect();
        Book::by_name(&text)
    }

    fn number(&mut self, expected: &'static str) -> Result<(u16, String)> {
        let start = self.pos;
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.pos += 1;
        }
        let digits: String = self.chars[start..self.pos].iter().collect();
        if digits.is_empty() {
            return Err(self.error(expected));
        }
        let value = digits.parse().map_err(|_| {
            self.pos = start;
            self.error(expected)
        })?;
        Ok((value, digits))
    }

    /// A `:` or `.` (spaces around it allowed), or only spaces when `allow_space`, followed by a
    /// digit: the separator between chapter and verse. Consumes it when found.
    fn verse_separator(&mut self, allow_space: bool) -> bool {
        let mut i = 0;
        while self.peek_at(i).is_some_and(char::is_whitespace) {
            i += 1;
        }
        let spaces = i;
        if matches!(self.peek_at(i), Some(':' | '.')) {
            i += 1;
            while self.peek_at(i).is_some_and(char::is_whitespace) {
                i += 1;
            }
        } else if !(allow_space && spaces > 0) {
            return false;
        }
        if self.peek_at(i).is_some_and(|c| c.is_ascii_digit()) {
            self.pos += i;
            true
        } else {
            false
        }
    }

    fn reference(mut self) -> Result<Reference> {
        self.skip_ws();
        if self.peek().is_none() {
            return Err(Error::EmptyReference);
        }
        let mut passages = Vec::new();
        let mut book: Option<&'static Book> = None;
        let mut context = Context::Part;
        loop {
            self.skip_ws();
            if matches!(context, Context::Part) && self.at_book() {
                let b = self.book()?;
                book = Some(b);
                self.skip_ws();
                if self.peek().is_none() || self.peek() == Some(';') {
                    let whole = Passage {
                        book: b,
                        start: Point {
                            chapter: 1,
                            verse: None,
                        },
                        end: Point {
                            chapter: b.chapters,
                            verse: None,
                        },
                    };
                    passages.push(whole);
                    if self.peek().is_none() {
                        break;
                    }
                    self.pos += 1;
                    continue;
                }
            }
            let Some(b) = book else {
                return Err(self.error("a book name"));
            };
            let item_start = self.pos;
            let passage = self.item(b, context)?;
            let text: String = self.chars[item_start..self.pos].iter().collect();
            check(&passage, text.trim())?;
            passages.push(passage);
            self.skip_ws();
            match self.peek() {
                None => break,
                Some(';') => {
                    self.pos += 1;
                    context = Context::Part;
                }
                Some(',') => {
                    self.pos += 1;
                    context = Context::List {
                        chapter: passage.end.chapter,
                        verses: passage.end.verse.is_some(),
                    };
                }
                Some(_) => return Err(self.error("';', ',' or '-'")),
            }
        }
        Ok(Reference { passages })
    }

    fn item(&mut self, book: &'static Book, context: Context) -> Result<Passage> {
        let (n, digits) = self.number("a chapter or verse number")?;
        let mut start = if self.verse_separator(matches!(context, Context::Part)) {
            let (v, _) = self.number("a verse number")?;
            Point {
                chapter: n,
                verse: Some(v),
            }
        } else {
            match context {
                Context::List {
                    chapter,
                    verses: true,
                } => Point {
                    chapter,
                    verse: Some(n),
                },
                _ if book.chapters == 1 => Point {
                    chapter: 1,
                    verse: Some(n),
                },
                _ if book.check_chapter(n).is_ok() => Point {
                    chapter: n,
                    verse: None,
                },
                _ => quick_split(book, &digits).unwrap_or(Point {
                    chapter: n,
                    verse: None,
                }),
            }
        };
        self.skip_ws();
        let mut end = start;
        if self.peek() == Some('-') {
            self.pos += 1;
            self.skip_ws();
            let (m, _) = self.number("a chapter or verse number after '-'")?;
            end = if self.verse_separator(false) {
                let (v, _) = self.number("a verse number")?;
                Point {
                    chapter: m,
                    verse: Some(v),
                }
            } else if start.verse.is_some() {
                Point {
                    chapter: start.chapter,
                    verse: Some(m),
                }
            } else {
                Point {
                    chapter: m,
                    verse: None,
                }
            };
            if start.verse.is_none() && end.verse.is_some() {
                start.verse = Some(1);
            }
        }
        Ok(Passage { book, start, end })
    }
}

/// Splits a run of digits that is not a chapter into chapter and verse (`316` → 3:16).
fn quick_split(book: &'static Book, digits: &str) -> Option<Point> {
    (1..digits.len()).rev().find_map(|i| {
        let (c, v) = digits.split_at(i);
        if v.starts_with('0') {
            return None;
        }
        let (chapter, verse) = (c.parse().ok()?, v.parse().ok()?);
        book.check_verse(chapter, verse).ok()?;
        Some(Point {
            chapter,
            verse: Some(verse),
        })
    })
}

fn check(p: &Passage, text: &str) -> Result<()> {
    for pt in [p.start, p.end] {
        match pt.verse {
            Some(v) => p.book.check_verse(pt.chapter, v)?,
            None => p.book.check_chapter(pt.chapter)?,
        }
    }
    if p.last() < p.first() {
        return Err(Error::BackwardsRange {
            text: text.to_owned(),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn osis(s: &str) -> String {
        Reference::parse(s)
            .unwrap_or_else(|e| panic!("{s}: {e}"))
            .osis()
    }

    fn err(s: &str) -> String {
        match Reference::parse(s) {
            Ok(r) => panic!("{s} parsed as {}", r.osis()),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn the_issue_examples_parse() {
        assert_eq!(osis("John 3:16"), "John.3.16");
        assert_eq!(osis("Jn 3:16-18"), "John.3.16-John.3.18");
        assert_eq!(osis("1 Cor 13:4–7"), "1Cor.13.4-1Cor.13.7");
        assert_eq!(osis("Ps 23"), "Ps.23");
        assert_eq!(osis("Rom 8:28; 12:1-2"), "Rom.8.28 Rom.12.1-Rom.12.2");
        assert_eq!(osis("Gen 1:1-2:3"), "Gen.1.1-Gen.2.3");
        assert_eq!(osis("3 John 4"), "3John.1.4");
        assert_eq!(osis("jn316"), "John.3.16");
        assert_eq!(osis("1co13 4"), "1Cor.13.4");
    }

    #[test]
    fn tolerant_of_case_spaces_dots_dashes_and_roman_numerals() {
        assert_eq!(osis("  JOHN   3 : 16 "), "John.3.16");
        assert_eq!(osis("jn. 3.16"), "John.3.16");
        assert_eq!(osis("John 3:16 - 18"), "John.3.16-John.3.18");
        assert_eq!(osis("John 3:16—18"), "John.3.16-John.3.18");
        assert_eq!(osis("I Cor 13:4-7"), "1Cor.13.4-1Cor.13.7");
        assert_eq!(osis("i cor. 13:4"), "1Cor.13.4");
        assert_eq!(osis("II Kings 2:11"), "2Kgs.2.11");
        assert_eq!(osis("III John 4"), "3John.1.4");
        assert_eq!(osis("1st John 4:8"), "1John.4.8");
        assert_eq!(osis("First John 4:8"), "1John.4.8");
        assert_eq!(osis("Song of Solomon 2:1"), "Song.2.1");
        assert_eq!(osis("song of songs 2"), "Song.2");
        assert_eq!(osis("1corinthians13"), "1Cor.13");
    }

    #[test]
    fn spanish_and_portuguese_names() {
        assert_eq!(osis("Juan 3:16"), "John.3.16");
        assert_eq!(osis("João 3:16"), "John.3.16");
        assert_eq!(osis("Joao 3.16"), "John.3.16");
        assert_eq!(osis("1 Corintios 13:4-7"), "1Cor.13.4-1Cor.13.7");
        assert_eq!(osis("1 Coríntios 13:4–7"), "1Cor.13.4-1Cor.13.7");
        assert_eq!(osis("Salmos 23"), "Ps.23");
        assert_eq!(osis("Sal 23:1"), "Ps.23.1");
        assert_eq!(osis("Génesis 1:1"), "Gen.1.1");
        assert_eq!(osis("Gênesis 1:1"), "Gen.1.1");
        assert_eq!(osis("Apocalipsis 22:21"), "Rev.22.21");
        assert_eq!(osis("Hechos 2:38"), "Acts.2.38");
        assert_eq!(osis("Atos 2:38"), "Acts.2.38");
        assert_eq!(osis("Santiago 1:5"), "Jas.1.5");
        assert_eq!(osis("Tiago 1:5"), "Jas.1.5");
        assert_eq!(osis("Primera Juan 4:8"), "1John.4.8");
        assert_eq!(osis("2 Reyes 2:11"), "2Kgs.2.11");
    }

    #[test]
    fn lists_chapters_and_whole_books() {
        assert_eq!(osis("John 3:16, 18"), "John.3.16 John.3.18");
        assert_eq!(osis("John 3:16,18-20"), "John.3.16 John.3.18-John.3.20");
        assert_eq!(osis("Ps 23, 24"), "Ps.23 Ps.24");
        assert_eq!(osis("Gen 1-2"), "Gen.1-Gen.2");
        assert_eq!(osis("Gen 1-2:3"), "Gen.1.1-Gen.2.3");
        assert_eq!(osis("John 3:16; Rom 8:28"), "John.3.16 Rom.8.28");
        assert_eq!(osis("Rom 8:28; 1 Cor 13"), "Rom.8.28 1Cor.13");
        assert_eq!(osis("Jude"), "Jude.1");
        assert_eq!(osis("Ruth"), "Ruth.1-Ruth.4");
        assert_eq!(err("John x"), "unknown book \"John x\"");
        assert_eq!(osis("Jude 3"), "Jude.1.3");
        assert_eq!(osis("Jude 1:3"), "Jude.1.3");
        assert_eq!(osis("Phlm 1-3"), "Phlm.1.1-Phlm.1.3");
        assert_eq!(osis("ps1191"), "Ps.119.1");
        assert_eq!(osis("jn11"), "John.11");
        assert_eq!(osis("jn1011"), "John.10.11");
    }

    #[test]
    fn impossible_references_say_what_is_wrong() {
        assert_eq!(
            err("John 22:1"),
            "John has 21 chapters, so there is no chapter 22"
        );
        assert_eq!(
            err("Jude 2:1"),
            "Jude has 1 chapter, so there is no chapter 2"
        );
        assert_eq!(
            err("John 3:37"),
            "John 3 has 36 verses, so there is no verse 37"
        );
        assert_eq!(err("Hezekiah 3:1"), "unknown book \"Hezekiah\"");
        assert_eq!(err("Ph 1:1"), "\"Ph\" could be Philippians, Philemon");
        assert_eq!(
            err("John 3:18-16"),
            "the range \"3:18-16\" ends before it starts"
        );
        assert_eq!(err(""), "the reference is empty");
        assert_eq!(
            err("John :1"),
            "cannot read reference \"John :1\" at column 6: expected a chapter or verse number"
        );
        assert_eq!(
            err("John 3:16 x"),
            "cannot read reference \"John 3:16 x\" at column 11: expected ';', ',' or '-'"
        );
        assert_eq!(
            err("3:16"),
            "cannot read reference \"3:16\" at column 1: expected a book name"
        );
        assert_eq!(
            err("John 3:"),
            "cannot read reference \"John 3:\" at column 7: expected ';', ',' or '-'"
        );
        assert_eq!(
            err("jn999"),
            "John has 21 chapters, so there is no chapter 999"
        );
        assert!(err("John 99999999:1").contains("column 6"));
    }

    #[test]
    fn formatting_round_trips() {
        let cases = [
            ("john 3:16", "John 3:16"),
            ("Jn 3:16-18", "John 3:16–18"),
            ("1 Cor 13:4–7", "1 Corinthians 13:4–7"),
            ("Ps 23", "Psalms 23"),
            ("Rom 8:28; 12:1-2", "Romans 8:28; 12:1–2"),
            ("Gen 1:1-2:3", "Genesis 1:1–2:3"),
            ("3 John 4", "3 John 4"),
            ("jn316", "John 3:16"),
            ("1co13 4", "1 Corinthians 13:4"),
            ("John 3:16, 18", "John 3:16, 18"),
            ("Gen 1-2", "Genesis 1–2"),
            ("Jude", "Jude"),
            ("John 3:16; Rom 8:28", "John 3:16; Romans 8:28"),
        ];
        for (input, shown) in cases {
            let r = Reference::parse(input).expect(input);
            assert_eq!(r.to_string(), shown, "{input}");
            assert_eq!(Reference::parse(shown).expect(shown), r, "{shown}");
        }
        let r = Reference::parse("1 Cor 13:4-7").expect("ref");
        assert_eq!(r.display_in(Lang::Es), "1 Corintios 13:4–7");
        assert_eq!(r.display_in(Lang::Pt), "1 Coríntios 13:4–7");
        assert_eq!(Reference::parse(&r.display_in(Lang::Pt)).expect("pt"), r);
    }

    #[test]
    fn every_book_name_in_every_language_round_trips() {
        for book in crate::BOOKS {
            let r = Reference::verse(book, 1, 1).expect("1:1 exists");
            for lang in [Lang::En, Lang::Es, Lang::Pt] {
                let shown = r.display_in(lang);
                assert_eq!(Reference::parse(&shown).expect(&shown), r, "{shown}");
            }
        }
    }

    #[test]
    fn arbitrary_input_never_panics() {
        // Deterministic pseudo-random strings over an alphabet of reference pieces, digits,
        // punctuation and multi-byte characters.
        const PIECES: [&str; 24] = [
            "John", "jn", "1", "3", "16", ":", "-", "–", ";", ",", " ", ".", "I", "ii", "Cor", "İ",
            "ǅ", "é", "0", "999", "Jude", "Ps", "Salmos", "\u{300}",
        ];
        let mut state = 12_345u64;
        for _ in 0..5_000 {
            let mut s = String::new();
            for _ in 0..8 {
                state = state
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1);
                let piece = PIECES[((state >> 33) % PIECES.len() as u64) as usize];
                s.push_str(piece);
            }
            if let Ok(r) = Reference::parse(&s) {
                // Whatever parses formats and parses back to the same thing.
                assert_eq!(
                    Reference::parse(&r.to_string()).ok(),
                    Some(r.clone()),
                    "{s}"
                );
            }
        }
    }

    #[test]
    fn verse_ids_order_and_key() {
        let r = Reference::parse("Gen 1:1-2:3").expect("ref");
        let p = r.passages[0];
        assert_eq!(p.first().key(), 1_001_001);
        assert_eq!(p.last().key(), 1_002_003);
        assert_eq!(
            VerseId::from_key(43_003_016),
            VerseId {
                book: 43,
                chapter: 3,
                verse: 16
            }
        );
        let whole = Reference::parse("Ps 23").expect("ref").passages[0];
        assert_eq!(whole.last().verse, 6);
    }
}
