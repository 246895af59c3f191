//! USFM (Unified Standard Format Markers), read line by line. One file, or a folder of files (one
//! book each, in any order).
//!
//! Kept: `\id` (book), `\c`, `\v`, paragraphs (`\p \m \pi \pmo \nb`…), poetry (`\q \q1 \q2 \qm`…),
//! stanza breaks (`\b`), headings (`\s \s1 \d \ms`) and the text of character markers (`\w word|x\w*`
//! keeps `word`). Dropped: footnotes and cross references (`\f … \f*`, `\x … \x*`), introductions
//! and titles (`\h \toc \mt \imt \ip`…), `\rem`.

use std::io::BufRead;
use std::path::Path;

use super::{Sink, import_error};
use crate::bible::model::{Break, VerseText};
use crate::canon::Book;
use crate::reference::VerseId;
use crate::{Error, Result};

/// USFM book ids in canonical order.
const USFM_BOOKS: [&str; 66] = [
    "GEN", "EXO", "LEV", "NUM", "DEU", "JOS", "JDG", "RUT", "1SA", "2SA", "1KI", "2KI", "1CH",
    "2CH", "EZR", "NEH", "EST", "JOB", "PSA", "PRO", "ECC", "SNG", "ISA", "JER", "LAM", "EZK",
    "DAN", "HOS", "JOL", "AMO", "OBA", "JON", "MIC", "NAM", "HAB", "ZEP", "HAG", "ZEC", "MAL",
    "MAT", "MRK", "LUK", "JHN", "ACT", "ROM", "1CO", "2CO", "GAL", "EPH", "PHP", "COL", "1TH",
    "2TH", "1TI", "2TI", "TIT", "PHM", "HEB", "JAS", "1PE", "2PE", "1JN", "2JN", "3JN", "JUD",
    "REV",
];

/// The book for a USFM id such as `JHN`.
pub(crate) fn usfm_book(id: &str) -> Option<&'static Book> {
    let n = USFM_BOOKS.iter().position(|b| b.eq_ignore_ascii_case(id))?;
    Book::by_number(u8::try_from(n + 1).ok()?)
}

pub(crate) fn read(path: &Path, sink: &mut Sink<'_>) -> Result<()> {
    let io_err = |source| Error::Io {
        path: path.to_owned(),
        source,
    };
    if path.is_dir() {
        let mut files: Vec<_> = std::fs::read_dir(path)
            .map_err(io_err)?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                p.extension().is_some_and(|e| {
                    e.eq_ignore_ascii_case("usfm") || e.eq_ignore_ascii_case("sfm")
                })
            })
            .collect();
        files.sort();
        for file in files {
            read_file(&file, sink)?;
            sink.file_done(super::size_of(&file));
        }
        Ok(())
    } else {
        read_file(path, sink)
    }
}

struct State {
    book: Option<&'static Book>,
    chapter: u16,
    id: Option<VerseId>,
    text: VerseText,
    heading: Option<String>,
    pending_heading: Option<String>,
}

impl State {
    fn flush(&mut self, sink: &mut Sink<'_>, bytes: u64) -> std::result::Result<(), String> {
        if let Some(id) = self.id.take() {
            let (text, breaks) = self.text.take();
            sink.verse(id, text, breaks, self.heading.take(), bytes)?;
        }
        Ok(())
    }
}

fn read_file(path: &Path, sink: &mut Sink<'_>) -> Result<()> {
    let input = crate::xml::open_utf8(path)?;
    let mut st = State {
        book: None,
        chapter: 0,
        id: None,
        text: VerseText::default(),
        heading: None,
        pending_heading: None,
    };
    let mut bytes = 0u64;
    let mut line_no = 0u64;
    for line in input.lines() {
        line_no += 1;
        let line = line.map_err(|source| Error::Io {
            path: path.to_owned(),
            source,
        })?;
        bytes += line.len() as u64 + 1;
        let err = |marker: &str, m: String| import_error(path, line_no, marker, m);
        // A line may hold several markers (`\p \v 1 text`); split before every paragraph-level one.
        let mut rest = line.trim();
        if rest.is_empty() {
            continue;
        }
        if !rest.starts_with('\\') {
            // Continuation of the previous line's text.
            if st.id.is_some() {
                st.text.push(&strip_inline(rest));
            }
            continue;
        }
        while let Some(body) = rest.strip_prefix('\\') {
            let marker_end = body.find(|c: char| c.is_whitespace()).unwrap_or(body.len());
            let marker = &body[..marker_end];
            let after = body[marker_end..].trim_start();
            // The marker's own text runs to the next paragraph-level marker on the line.
            let (arg, next) = split_at_next_marker(after);
            rest = next;
            let base = marker.trim_end_matches(|c: char| c.is_ascii_digit());
            match base {
                "id" => {
                    let code = arg.split_whitespace().next().unwrap_or("");
                    st.flush(sink, bytes).map_err(|m| err(marker, m))?;
                    st.book = usfm_book(code);
                    if st.book.is_none()
                        && !code.is_empty()
                        && code.chars().all(|c| c.is_ascii_alphanumeric())
                        && code.len() != 3
                    {
                        return Err(err(marker, format!("unknown book id {code:?}")));
                    }
                }
                "c" => {
                    st.flush(sink, bytes).map_err(|m| err(marker, m))?;
                    st.chapter = arg
                        .split_whitespace()
                        .next()
                        .and_then(|n| n.parse().ok())
                        .ok_or_else(|| err(marker, format!("{arg:?} is not a chapter number")))?;
                }
                "v" => {
                    st.flush(sink, bytes).map_err(|m| err(marker, m))?;
                    let (number, text) = arg.split_once(char::is_whitespace).unwrap_or((arg, ""));
                    // "1-2" (a verse bridge) is kept as its first verse.
                    let first = number.split(['-', ',']).next().unwrap_or("");
                    let verse: u16 = first
                        .trim_end_matches(|c: char| c.is_ascii_alphabetic())
                        .parse()
                        .map_err(|_| err(marker, format!("{number:?} is not a verse number")))?;
                    if st.chapter == 0 {
                        return Err(err(marker, "a verse before any \\c".into()));
                    }
                    if let Some(book) = st.book {
                        st.id = Some(VerseId {
                            book: book.number(),
                            chapter: st.chapter,
                            verse,
                        });
                        st.heading = st.pending_heading.take();
                        st.text.push(&strip_inline(text));
                    }
                }
                "p" | "m" | "pi" | "pmo" | "pm" | "pc" | "nb" | "mi" | "li" | "pr" | "cls" => {
                    if base != "nb" {
                        st.text.mark(Break::Paragraph);
                    }
                    if st.id.is_some() {
                        st.text.push(&strip_inline(arg));
                    }
                }
                "q" | "qm" | "qr" | "qc" | "qa" => {
                    st.text.mark(Break::Line);
                    if st.id.is_some() {
                        st.text.push(&strip_inline(arg));
                    }
                }
                "b" => st.text.mark(Break::Stanza),
                "s" | "ms" | "d" | "sr" | "mr" | "r" | "sp" => {
                    let heading = strip_inline(arg);
                    if !heading.is_empty() && matches!(base, "s" | "ms" | "d" | "sp") {
                        if st.id.is_some() && base == "d" {
                            st.heading = Some(heading);
                        } else {
                            st.flush(sink, bytes).map_err(|m| err(marker, m))?;
                            st.pending_heading = Some(heading);
                        }
                    }
                }
                "h" | "toc" | "mt" | "mte" | "imt" | "is" | "ip" | "ipi" | "im" | "io" | "iot"
                | "ili" | "ide" | "rem" | "sts" | "usfm" | "cl" | "cp" | "ca" | "va" | "periph" => {
                }
                _ => {
                    // An unknown paragraph marker: keep its text with the verse.
                    if st.id.is_some() {
                        st.text.push(&strip_inline(arg));
                    }
                }
            }
        }
    }
    st.flush(sink, bytes)
        .map_err(|m| import_error(path, line_no, "v", m))
}

/// Splits `s` before the next paragraph-level marker (`\v`, `\p`, `\q`…), leaving character markers
/// (`\w`, `\f`, `\add`… and their `*` ends) in the first part.
fn split_at_next_marker(s: &str) -> (&str, &str) {
    let mut search = 0;
    while let Some(pos) = s[search..].find('\\') {
        let at = search + pos;
        let name: String = s[at + 1..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        let base = name.trim_end_matches(|c: char| c.is_ascii_digit());
        let is_end = s[at + 1 + name.len()..].starts_with('*');
        if !is_end
            && matches!(
                base,
                "v" | "c" | "p" | "m" | "q" | "qm" | "pi" | "b" | "s" | "nb" | "li" | "d" | "ms"
            )
        {
            return (s[..at].trim_end(), &s[at..]);
        }
        search = at + 1;
    }
    (s, "")
}

/// Removes character markers, keeping their text (without `|attributes`), and drops footnotes
/// and cross references.
pub(crate) fn strip_inline(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    let mut skipping: Option<String> = None;
    let mut open_at = 0;
    while let Some(pos) = rest.find('\\') {
        if skipping.is_none() {
            out.push_str(&rest[..pos]);
        }
        let after = &rest[pos + 1..];
        let name: String = after
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '+')
            .collect();
        let mut tail = &after[name.len()..];
        let is_end = tail.starts_with('*');
        if is_end {
            tail = &tail[1..];
        } else {
            tail = tail.strip_prefix(' ').unwrap_or(tail);
        }
        let bare = name.trim_start_matches('+');
        match (&skipping, is_end) {
            (None, false) if matches!(bare, "f" | "x" | "fe" | "fig") => {
                skipping = Some(bare.to_owned());
            }
            (None, false) => open_at = out.len(),
            (None, true) => {
                // `\w word|lemma="…"\w*`: the attributes after '|' are not text.
                if let Some(bar) = out.get(open_at..).and_then(|t| t.rfind('|')) {
                    out.truncate(open_at + bar);
                }
            }
            (Some(open), true) if open == bare => skipping = None,
            _ => {}
        }
        rest = tail;
    }
    if skipping.is_none() {
        out.push_str(rest);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_markers_and_notes_are_stripped() {
        assert_eq!(
            strip_inline(
                r#"For God so loved\f + \fr 3:16 \ft Or, only\f* the \w world|strong="G2889"\w*, that \add he\add* gave"#
            ),
            "For God so loved the world, that he gave"
        );
        assert_eq!(
            strip_inline(r"\nd Yahweh\nd* is my shepherd"),
            "Yahweh is my shepherd"
        );
    }

    #[test]
    fn usfm_ids_map_to_books() {
        assert_eq!(usfm_book("JHN").map(|b| b.osis), Some("John"));
        assert_eq!(usfm_book("1co").map(|b| b.osis), Some("1Cor"));
        assert_eq!(usfm_book("TOB"), None);
    }
}
