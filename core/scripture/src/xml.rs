//! Streaming XML reading shared by the Bible and song importers: quick-xml over a buffered file,
//! transcoded to UTF-8 first when the file declares another encoding (or starts with a UTF-16 BOM),
//! counting lines so that every error names the file, the line and the element.

use std::borrow::Cow;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use encoding_rs::{Decoder, Encoding, UTF_8};
use quick_xml::events::{BytesStart, Event};

use crate::{Error, Result};

/// A [`BufRead`] that counts the newlines and bytes its consumer has consumed.
pub(crate) struct LineCounter<R> {
    inner: R,
    /// Newlines consumed so far.
    pub(crate) newlines: u64,
    /// Bytes consumed so far.
    pub(crate) bytes: u64,
}

impl<R: BufRead> LineCounter<R> {
    pub(crate) fn new(inner: R) -> Self {
        Self {
            inner,
            newlines: 0,
            bytes: 0,
        }
    }
}

impl<R: BufRead> Read for LineCounter<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let n = {
            let buf = self.fill_buf()?;
            let n = buf.len().min(out.len());
            out[..n].copy_from_slice(&buf[..n]);
            n
        };
        self.consume(n);
        Ok(n)
    }
}

impl<R: BufRead> BufRead for LineCounter<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        self.inner.fill_buf()
    }

    fn consume(&mut self, amt: usize) {
        // fill_buf on a BufReader returns the already-buffered bytes without reading again.
        if let Ok(buf) = self.inner.fill_buf() {
            let n = amt.min(buf.len());
            self.newlines += buf[..n].iter().filter(|&&b| b == b'\n').count() as u64;
        }
        self.bytes += amt as u64;
        self.inner.consume(amt);
    }
}

/// Transcodes a byte stream in a non-UTF-8 encoding to UTF-8 as it is read.
struct Transcoder<R> {
    inner: R,
    decoder: Decoder,
    pending: Vec<u8>,
    start: usize,
    eof: bool,
}

impl<R: Read> Read for Transcoder<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        while self.start >= self.pending.len() && !self.eof {
            let mut raw = [0u8; 8192];
            let n = self.inner.read(&mut raw)?;
            self.eof = n == 0;
            self.pending.clear();
            self.start = 0;
            let cap = self.decoder.max_utf8_buffer_length(n).unwrap_or(n * 3 + 16);
            self.pending.resize(cap, 0);
            let (_, _, written, _) =
                self.decoder
                    .decode_to_utf8(&raw[..n], &mut self.pending, self.eof);
            self.pending.truncate(written);
        }
        let n = (self.pending.len() - self.start).min(out.len());
        out[..n].copy_from_slice(&self.pending[self.start..self.start + n]);
        self.start += n;
        Ok(n)
    }
}

/// The encoding a document declares or signals by its BOM (`None`: UTF-8).
fn sniff_encoding(head: &[u8]) -> Option<&'static Encoding> {
    if let Some((enc, _)) = Encoding::for_bom(head) {
        return (enc != UTF_8).then_some(enc);
    }
    let text = String::from_utf8_lossy(&head[..head.len().min(200)]);
    let decl = text.strip_prefix("<?xml")?;
    let decl = &decl[..decl.find("?>")?];
    let at = decl.find("encoding")?;
    let rest = decl[at + "encoding".len()..]
        .trim_start()
        .strip_prefix('=')?
        .trim_start();
    let quote = rest.chars().next()?;
    let label = rest[1..].split(quote).next()?;
    Encoding::for_label(label.as_bytes()).filter(|e| *e != UTF_8)
}

/// Opens `path` as UTF-8 text, transcoding from the declared encoding if needed.
pub(crate) fn open_utf8(path: &Path) -> Result<Box<dyn BufRead>> {
    let io_err = |source| Error::Io {
        path: path.to_owned(),
        source,
    };
    let mut file = BufReader::new(File::open(path).map_err(io_err)?);
    let head = file.fill_buf().map_err(io_err)?.to_vec();
    Ok(match sniff_encoding(&head) {
        None => {
            if head.starts_with(b"\xEF\xBB\xBF") {
                file.consume(3);
            }
            Box::new(file)
        }
        Some(enc) => {
            if let Some((_, bom)) = Encoding::for_bom(&head) {
                file.consume(bom);
            }
            Box::new(BufReader::new(Transcoder {
                inner: file,
                decoder: enc.new_decoder_without_bom_handling(),
                pending: Vec::new(),
                start: 0,
                eof: false,
            }))
        }
    })
}

/// An owned, simplified XML event.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Ev {
    /// `<name a="v">` (local name, no namespace prefix).
    Start(String, Vec<(String, String)>),
    /// `<name a="v"/>`.
    Empty(String, Vec<(String, String)>),
    /// `</name>`.
    End(String),
    /// Text (entities resolved).
    Text(String),
    /// End of file.
    Eof,
}

/// A streaming XML reader with positions for errors.
pub(crate) struct Xml {
    reader: quick_xml::Reader<LineCounter<Box<dyn BufRead>>>,
    path: PathBuf,
    buf: Vec<u8>,
    /// Open elements, outermost first.
    pub(crate) stack: Vec<String>,
}

impl Xml {
    /// Opens an XML file.
    pub(crate) fn open(path: &Path) -> Result<Self> {
        Ok(Self::from_reader(open_utf8(path)?, path))
    }

    /// Reads XML from any UTF-8 reader; `path` is only used in errors.
    pub(crate) fn from_reader(reader: Box<dyn BufRead>, path: &Path) -> Self {
        let mut reader = quick_xml::Reader::from_reader(LineCounter::new(reader));
        reader.config_mut().expand_empty_elements = false;
        Self {
            reader,
            path: path.to_owned(),
            buf: Vec::new(),
            stack: Vec::new(),
        }
    }

    /// 1-based line of the reader's position.
    pub(crate) fn line(&self) -> u64 {
        self.reader.get_ref().newlines + 1
    }

    /// Bytes read so far.
    pub(crate) fn bytes(&self) -> u64 {
        self.reader.get_ref().bytes
    }

    /// An [`Error::Import`] at the current line and element.
    pub(crate) fn error(&self, message: impl Into<String>) -> Error {
        Error::Import {
            path: self.path.clone(),
            line: self.line(),
            element: self
                .stack
                .last()
                .cloned()
                .unwrap_or_else(|| "document".into()),
            message: message.into(),
        }
    }

    /// The next event; comments, processing instructions and the declaration are skipped.
    pub(crate) fn next(&mut self) -> Result<Ev> {
        loop {
            self.buf.clear();
            let event = match self.reader.read_event_into(&mut self.buf) {
                Ok(e) => e.into_owned(),
                Err(e) => return Err(self.error(format!("malformed XML: {e}"))),
            };
            let ev = match event {
                Event::Start(e) => {
                    let (name, attrs) = self.element(&e)?;
                    self.stack.push(name.clone());
                    Ev::Start(name, attrs)
                }
                Event::Empty(e) => {
                    let (name, attrs) = self.element(&e)?;
                    Ev::Empty(name, attrs)
                }
                Event::End(e) => {
                    let name = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
                    let ev = Ev::End(name);
                    self.stack.pop();
                    ev
                }
                Event::Text(t) => {
                    let text = t.decode().map_err(|e| {
                        self.error(format!(
                            "text is not valid UTF-8 (declare the file's encoding): {e}"
                        ))
                    })?;
                    Ev::Text(text.replace("\r\n", "\n"))
                }
                Event::CData(t) => Ev::Text(String::from_utf8_lossy(&t).into_owned()),
                Event::GeneralRef(r) => {
                    let name = r
                        .decode()
                        .map_err(|e| self.error(format!("bad entity: {e}")))?
                        .into_owned();
                    let resolved = match r.resolve_char_ref() {
                        Ok(Some(c)) => c.to_string(),
                        Ok(None) => quick_xml::escape::resolve_xml_entity(&name)
                            .ok_or_else(|| self.error(format!("unknown entity &{name};")))?
                            .to_owned(),
                        Err(e) => {
                            return Err(
                                self.error(format!("bad character reference &{name};: {e}"))
                            );
                        }
                    };
                    Ev::Text(resolved)
                }
                Event::Eof => {
                    if let Some(open) = self.stack.last() {
                        return Err(self.error(format!("the file ends inside <{open}>")));
                    }
                    Ev::Eof
                }
                Event::Comment(_) | Event::Decl(_) | Event::PI(_) | Event::DocType(_) => continue,
            };
            return Ok(ev);
        }
    }

    fn element(&self, e: &BytesStart<'_>) -> Result<(String, Vec<(String, String)>)> {
        let name = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
        let mut attrs = Vec::new();
        for a in e.attributes() {
            let a = a.map_err(|err| self.error(format!("bad attribute in <{name}>: {err}")))?;
            let key = String::from_utf8_lossy(a.key.local_name().as_ref()).into_owned();
            let value = a
                .unescape_value()
                .map_err(|err| self.error(format!("bad attribute {key} in <{name}>: {err}")))?;
            attrs.push((key, Cow::into_owned(value)));
        }
        Ok((name, attrs))
    }

    /// Reads the text content of the element just opened, up to its end tag (nested elements'
    /// text included, their tags dropped).
    pub(crate) fn text_until_end(&mut self) -> Result<String> {
        let depth = self.stack.len();
        let mut out = String::new();
        loop {
            match self.next()? {
                Ev::Text(t) => out.push_str(&t),
                Ev::End(_) if self.stack.len() < depth => return Ok(out),
                Ev::Eof => return Err(self.error("the file ends inside an element")),
                _ => {}
            }
        }
    }
}

/// The value of attribute `key`.
pub(crate) fn attr<'a>(attrs: &'a [(String, String)], key: &str) -> Option<&'a str> {
    attrs
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

/// The local name of the first element of an XML file (for format detection).
pub(crate) fn root_element(path: &Path) -> Result<String> {
    let mut xml = Xml::open(path)?;
    loop {
        match xml.next()? {
            Ev::Start(name, _) | Ev::Empty(name, _) => return Ok(name),
            Ev::Text(_) => {}
            Ev::End(_) | Ev::Eof => return Err(xml.error("no root element")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declared_encodings_are_sniffed() {
        assert_eq!(
            sniff_encoding(b"<?xml version='1.0' encoding='WINDOWS-1250'?><a/>")
                .map(Encoding::name),
            Some("windows-1250")
        );
        assert_eq!(
            sniff_encoding(b"<?xml version=\"1.0\" encoding=\"utf-8\"?>"),
            None
        );
        assert_eq!(sniff_encoding(b"<song/>"), None);
        assert_eq!(
            sniff_encoding(b"\xFF\xFE<\0").map(Encoding::name),
            Some("UTF-16LE")
        );
    }

    #[test]
    fn errors_name_file_line_and_element() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("bad.xml");
        std::fs::write(&path, "<a>\n<b>\n<c>text</b>\n</a>").expect("write");
        let mut xml = Xml::open(&path).expect("open");
        let err = loop {
            match xml.next() {
                Ok(Ev::Eof) => panic!("accepted malformed XML"),
                Ok(_) => {}
                Err(e) => break e,
            }
        };
        let msg = err.to_string();
        assert!(msg.contains("bad.xml:3: <c>: malformed XML"), "{msg}");
    }
}
