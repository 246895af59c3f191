//! OSIS, Zefania and OpenSong Bibles, read with quick-xml as a stream of events.

use std::path::Path;

use super::Sink;
use crate::Result;
use crate::bible::model::{Break, VerseText};
use crate::canon::Book;
use crate::reference::VerseId;
use crate::xml::{Ev, Xml, attr};

/// The verse being collected.
#[derive(Default)]
struct Current {
    id: Option<VerseId>,
    text: VerseText,
    heading: Option<String>,
    /// A heading read before the verse began.
    pending_heading: Option<String>,
}

impl Current {
    fn begin(&mut self, id: VerseId) {
        self.id = Some(id);
        self.heading = self.pending_heading.take();
    }

    fn flush(&mut self, xml: &Xml, sink: &mut Sink<'_>) -> Result<()> {
        if let Some(id) = self.id.take() {
            let (text, breaks) = self.text.take();
            sink.verse(id, text, breaks, self.heading.take(), xml.bytes())
                .map_err(|m| xml.error(m))?;
        }
        Ok(())
    }
}

/// `Gen.1.1` (or the first of `Gen.1.1 Gen.1.2`) → verse; `None` for books outside the 66.
fn osis_id(value: &str) -> Option<std::result::Result<VerseId, String>> {
    let first = value.split_whitespace().next()?;
    let first = first.rsplit(':').next().unwrap_or(first); // "Bible.KJV:Gen.1.1"
    let mut parts = first.split('.');
    let (book, chapter, verse) = (parts.next()?, parts.next(), parts.next());
    let book = Book::by_osis(book).ok()?;
    let number = |s: Option<&str>| s.and_then(|s| s.parse::<u16>().ok());
    Some(match (number(chapter), number(verse)) {
        (Some(chapter), Some(verse)) => Ok(VerseId {
            book: book.number(),
            chapter,
            verse,
        }),
        _ => Err(format!("osisID {value:?} is not Book.Chapter.Verse")),
    })
}

/// OSIS: `<verse osisID>` containers or `sID`/`eID` milestones; notes, cross references and book or
/// chapter titles are dropped; other titles become the next verse's heading.
pub(crate) fn osis(path: &Path, sink: &mut Sink<'_>) -> Result<()> {
    let mut xml = Xml::open(path)?;
    let mut cur = Current::default();
    // Depth of elements whose text is not verse text (notes, titles).
    let mut skip: Vec<usize> = Vec::new();
    let mut title: Option<(usize, String)> = None;
    loop {
        let ev = xml.next()?;
        match ev {
            Ev::Eof => break,
            Ev::Start(ref name, ref attrs) | Ev::Empty(ref name, ref attrs) => {
                let empty = matches!(ev, Ev::Empty(..));
                match name.as_str() {
                    "work" if !empty && sink.meta.code.is_none() => {
                        sink.meta.code = attr(attrs, "osisWork").map(str::to_owned);
                    }
                    "osisText" => {
                        sink.meta.language = attr(attrs, "lang").map(str::to_owned);
                        if sink.meta.code.is_none() {
                            sink.meta.code = attr(attrs, "osisIDWork").map(str::to_owned);
                        }
                    }
                    "verse" => {
                        if attr(attrs, "eID").is_some() {
                            cur.flush(&xml, sink)?;
                        } else if let Some(id) =
                            attr(attrs, "osisID").or_else(|| attr(attrs, "sID"))
                        {
                            cur.flush(&xml, sink)?;
                            match osis_id(id) {
                                Some(Ok(id)) => cur.begin(id),
                                Some(Err(m)) => return Err(xml.error(m)),
                                None => {} // a book outside the 66: its text is not kept
                            }
                            if empty && attr(attrs, "sID").is_none() {
                                cur.flush(&xml, sink)?;
                            }
                        }
                    }
                    "note" | "rdg" if !empty => skip.push(xml.stack.len()),
                    "title" if !empty => {
                        let kind = attr(attrs, "type").unwrap_or("");
                        if sink.meta.name.is_none() && xml.stack.iter().any(|e| e == "work") {
                            title = Some((xml.stack.len(), String::new()));
                        } else if matches!(kind, "main" | "chapter")
                            || xml.stack.iter().any(|e| e == "header")
                        {
                            skip.push(xml.stack.len());
                        } else {
                            title = Some((xml.stack.len(), String::new()));
                        }
                    }
                    "p" => cur.text.mark(Break::Paragraph),
                    "lg" => cur.text.mark(Break::Stanza),
                    "l" | "lb" => cur.text.mark(Break::Line),
                    "milestone"
                        if attr(attrs, "type").is_some_and(|t| t == "x-p" || t == "x-extra-p") =>
                    {
                        cur.text.mark(Break::Paragraph);
                    }
                    _ => {}
                }
            }
            Ev::End(ref name) => {
                if skip.last().is_some_and(|&d| d > xml.stack.len()) {
                    skip.pop();
                }
                if let Some((depth, _)) = &title
                    && *depth > xml.stack.len()
                {
                    let (_, text) = title.take().unwrap_or_default();
                    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
                    if xml.stack.iter().any(|e| e == "work") {
                        sink.meta.name = Some(text);
                    } else if !text.is_empty() {
                        if cur.id.is_some() && cur.text.is_empty() {
                            cur.heading = Some(text);
                        } else {
                            cur.pending_heading = Some(text);
                        }
                    }
                }
                if name == "verse" {
                    cur.flush(&xml, sink)?;
                }
            }
            Ev::Text(t) => {
                if let Some((_, text)) = &mut title {
                    text.push_str(&t);
                } else if skip.is_empty() && cur.id.is_some() {
                    cur.text.push(&t);
                }
            }
        }
    }
    cur.flush(&xml, sink)
}

/// Zefania: `BIBLEBOOK bnumber` / `CHAPTER cnumber` / `VERS vnumber`; `NOTE` dropped; `CAPTION`
/// becomes a heading; `BR` a paragraph break.
pub(crate) fn zefania(path: &Path, sink: &mut Sink<'_>) -> Result<()> {
    let mut xml = Xml::open(path)?;
    let mut cur = Current::default();
    let (mut book, mut chapter) = (0u8, 0u16);
    let mut skip = 0usize;
    loop {
        match xml.next()? {
            Ev::Eof => break,
            Ev::Start(name, attrs) => match name.as_str() {
                "XMLBIBLE" => sink.meta.name = attr(&attrs, "biblename").map(str::to_owned),
                "identifier" if xml.stack.iter().any(|e| e == "INFORMATION") => {
                    let code = xml.text_until_end()?.trim().to_owned();
                    if !code.is_empty() {
                        sink.meta.code = Some(code);
                    }
                }
                "language" if xml.stack.iter().any(|e| e == "INFORMATION") => {
                    let lang = xml.text_until_end()?.trim().to_lowercase();
                    if !lang.is_empty() {
                        sink.meta.language = Some(lang);
                    }
                }
                "rights" if xml.stack.iter().any(|e| e == "INFORMATION") => {
                    sink.meta.licence = Some(xml.text_until_end()?.trim().to_owned());
                }
                "BIBLEBOOK" => {
                    let n: u8 = number(&xml, &attrs, "bnumber")?;
                    book = if (1..=66).contains(&n) { n } else { 0 };
                }
                "CHAPTER" => chapter = number(&xml, &attrs, "cnumber")?,
                "VERS" => {
                    let verse: u16 = number(&xml, &attrs, "vnumber")?;
                    cur.flush(&xml, sink)?;
                    if book != 0 {
                        cur.begin(VerseId {
                            book,
                            chapter,
                            verse,
                        });
                    }
                }
                "CAPTION" => {
                    let text = xml.text_until_end()?;
                    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
                    if !text.is_empty() {
                        cur.pending_heading = Some(text);
                    }
                }
                "NOTE" | "XREF" => skip += 1,
                _ => {}
            },
            Ev::Empty(name, _) => {
                if name == "BR" {
                    cur.text.mark(Break::Paragraph);
                }
            }
            Ev::End(name) => match name.as_str() {
                "VERS" => cur.flush(&xml, sink)?,
                "NOTE" | "XREF" => skip = skip.saturating_sub(1),
                _ => {}
            },
            Ev::Text(t) => {
                if skip == 0 && cur.id.is_some() {
                    cur.text.push(&t);
                }
            }
        }
    }
    cur.flush(&xml, sink)
}

/// OpenSong: `<bible><b n="Genesis"><c n="1"><v n="1">…`. Book names are matched like typed
/// references (English, Spanish, Portuguese names and abbreviations); an unknown name is an error.
pub(crate) fn opensong(path: &Path, sink: &mut Sink<'_>) -> Result<()> {
    let mut xml = Xml::open(path)?;
    let mut cur = Current::default();
    let (mut book, mut chapter) = (0u8, 0u16);
    loop {
        match xml.next()? {
            Ev::Eof => break,
            Ev::Start(name, attrs) => match name.as_str() {
                "b" => {
                    let n = attr(&attrs, "n").ok_or_else(|| xml.error("<b> without n"))?;
                    book = Book::by_name(n)
                        .map_err(|e| xml.error(e.to_string()))?
                        .number();
                }
                "c" => chapter = number(&xml, &attrs, "n")?,
                "v" => {
                    let verse: u16 = number(&xml, &attrs, "n")?;
                    cur.flush(&xml, sink)?;
                    cur.begin(VerseId {
                        book,
                        chapter,
                        verse,
                    });
                }
                "title" if xml.stack.iter().any(|e| e == "INFORMATION") => {
                    sink.meta.name = Some(xml.text_until_end()?.trim().to_owned());
                }
                _ => {}
            },
            Ev::End(name) => {
                if name == "v" {
                    cur.flush(&xml, sink)?;
                }
            }
            Ev::Text(t) => {
                if cur.id.is_some() {
                    cur.text.push(&t);
                }
            }
            Ev::Empty(..) => {}
        }
    }
    cur.flush(&xml, sink)
}

fn number<T: std::str::FromStr>(xml: &Xml, attrs: &[(String, String)], key: &str) -> Result<T> {
    let value = attr(attrs, key).ok_or_else(|| xml.error(format!("missing attribute {key}")))?;
    value
        .trim()
        .parse()
        .map_err(|_| xml.error(format!("{key}={value:?} is not a number")))
}
