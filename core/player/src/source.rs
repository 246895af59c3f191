//! Where decoders read from: a finished file, or a file that is still being downloaded.
//!
//! ```text
//!  downloader ──write──► partial file on disk ──rename──► final file
//!       │ grew(n) / restarted() / complete(path) / fail(reason)
//!       ▼
//!  Growing { total, written, state } ──Condvar──► GrowingReader (Read + Seek + MediaSource)
//!                                                   reads only bytes < written; waits for the rest
//! ```
//!
//! A [`Growing`] is shared (`Arc`) between one writer (the app's downloader glue) and any number of
//! readers (decoders). A reader reads the partial file through its own file descriptor (opened at
//! its first read, when there are bytes) and never past `written`; when the bytes at its position
//! are not there yet it waits on the condition variable, up to the stall timeout (30 s without any
//! new byte once the writer has begun) after which the read fails with "the download stalled". A failed download fails every read with its reason, and a download that
//! starts over from the first byte fails the readers that began on the old one, so no reader ever
//! mixes two files. The file length reported to symphonia is the full `total`, so seeking works as
//! for a finished file: a seek ahead of the download simply waits for those bytes.
//!
//! On Linux (and every Unix) a file renamed while open stays readable through the open descriptor,
//! so readers keep reading across the downloader's final rename; a reader opened after the download
//! completed opens the final file.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use crate::{Error, Result};

/// Where a growing file stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Growth {
    /// Bytes are still arriving.
    Growing,
    /// Every byte is there (and, for the app's downloads, verified).
    Complete,
    /// The download failed; the reason, as the downloader gave it.
    Failed(String),
}

#[derive(Debug)]
struct Shared {
    written: u64,
    state: Growth,
    /// The file to open: the partial file while growing, the final one once complete.
    file: PathBuf,
    /// Bumped when the download starts over from the first byte.
    generation: u64,
    /// The writer has begun (it may wait its turn behind other downloads before that).
    begun: bool,
}

/// A file being written by one writer while readers read it (see the [module docs](self)).
#[derive(Debug)]
pub struct Growing {
    total: u64,
    stall: Duration,
    shared: Mutex<Shared>,
    changed: Condvar,
}

impl Growing {
    /// How long a reader waits without a single new byte before its read fails.
    pub const STALL_TIMEOUT: Duration = Duration::from_secs(30);

    /// A file of `total` bytes, none of them written yet, arriving at `file`.
    pub fn new(file: impl Into<PathBuf>, total: u64) -> Self {
        Growing {
            total,
            stall: Self::STALL_TIMEOUT,
            shared: Mutex::new(Shared {
                written: 0,
                state: if total == 0 {
                    Growth::Complete
                } else {
                    Growth::Growing
                },
                file: file.into(),
                generation: 0,
                begun: false,
            }),
            changed: Condvar::new(),
        }
    }

    /// A file already complete at `file` (e.g. found downloaded when a stream was asked for).
    pub fn complete_at(file: impl Into<PathBuf>, total: u64) -> Self {
        let g = Growing::new(file, total);
        {
            let mut s = g.lock();
            s.state = Growth::Complete;
            s.written = total;
        }
        g
    }

    /// The same with another stall timeout (tests).
    pub fn with_stall_timeout(mut self, stall: Duration) -> Self {
        self.stall = stall;
        self
    }

    fn lock(&self) -> MutexGuard<'_, Shared> {
        self.shared.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The file's full length in bytes.
    pub fn total(&self) -> u64 {
        self.total
    }

    /// Bytes written so far (from the first byte, without holes).
    pub fn written(&self) -> u64 {
        let s = self.lock();
        if s.state == Growth::Complete {
            self.total
        } else {
            s.written
        }
    }

    /// Growing, complete or failed.
    pub fn state(&self) -> Growth {
        self.lock().state.clone()
    }

    /// The file a new reader opens now (partial while growing, final once complete).
    pub fn file(&self) -> PathBuf {
        self.lock().file.clone()
    }

    /// Writer: bytes `0..written` are on disk (flushed to the file, readable by other descriptors).
    /// Never goes backwards (see [`Growing::restarted`]); clamped to the total. The first call also
    /// starts the readers' stall clock: until the writer has begun (a download waiting its turn),
    /// readers wait without a time limit.
    pub fn grew(&self, written: u64) {
        let mut s = self.lock();
        if s.state == Growth::Growing && (written > s.written || !s.begun) {
            s.begun = true;
            s.written = written.min(self.total).max(s.written);
            self.changed.notify_all();
        }
    }

    /// Writer: the download starts over from the first byte (the server ignored the range). Readers
    /// opened after bytes were reported fail (they may hold bytes of another file); readers opened
    /// from now on wait for the new bytes.
    pub fn restarted(&self) {
        let mut s = self.lock();
        // Nothing written yet means nothing read yet: readers waiting at the start may stay.
        if s.state == Growth::Growing {
            s.begun = true;
            if s.written > 0 {
                s.written = 0;
                s.generation += 1;
            }
            self.changed.notify_all();
        }
    }

    /// Writer: every byte is there, now at `file` (readers already open keep their descriptor).
    pub fn complete(&self, file: impl Into<PathBuf>) {
        let mut s = self.lock();
        if s.state == Growth::Growing {
            s.state = Growth::Complete;
            s.written = self.total;
            s.file = file.into();
            self.changed.notify_all();
        }
    }

    /// Writer: the download failed; every read that needs more bytes fails with `reason`.
    pub fn fail(&self, reason: impl Into<String>) {
        let mut s = self.lock();
        if s.state == Growth::Growing {
            s.state = Growth::Failed(reason.into());
            self.changed.notify_all();
        }
    }

    /// Waits until at least `bytes` are written (or the whole file is there), up to `timeout`.
    /// Returns the state then: [`Growth::Growing`] means the timeout passed first.
    pub fn wait_for(&self, bytes: u64, timeout: Duration) -> Growth {
        let deadline = Instant::now() + timeout;
        let bytes = bytes.min(self.total);
        let mut s = self.lock();
        loop {
            match &s.state {
                Growth::Growing if s.written >= bytes => return Growth::Complete,
                Growth::Growing => {}
                other => return other.clone(),
            }
            let now = Instant::now();
            if now >= deadline {
                return Growth::Growing;
            }
            s = self
                .changed
                .wait_timeout(s, deadline - now)
                .unwrap_or_else(|p| p.into_inner())
                .0;
        }
    }

    /// A reader from the first byte. It opens the file at its first read, once there are bytes to
    /// read (the partial file may not exist before the download begins).
    ///
    /// # Errors
    /// The download failed.
    pub fn reader(self: &Arc<Self>) -> io::Result<GrowingReader> {
        let s = self.lock();
        if let Growth::Failed(why) = &s.state {
            return Err(io::Error::other(format!("the download failed: {why}")));
        }
        Ok(GrowingReader {
            growing: Arc::clone(self),
            file: None,
            pos: 0,
            file_pos: 0,
            generation: s.generation,
        })
    }

    /// Opens the file as it is named now; the writer may rename the partial file between our look
    /// at the name and the open: look again then.
    fn open_file(&self) -> io::Result<File> {
        let mut last = None;
        for _ in 0..3 {
            let file = self.file();
            match File::open(&file) {
                Ok(f) => return Ok(f),
                Err(e) if e.kind() == io::ErrorKind::NotFound => {
                    last = Some(e);
                    std::thread::sleep(Duration::from_millis(5));
                }
                Err(e) => return Err(e),
            }
        }
        Err(last.unwrap_or_else(|| io::Error::from(io::ErrorKind::NotFound)))
    }

    /// Blocks until some byte at `pos` is readable; returns how many bytes from the start are.
    fn readable(&self, pos: u64, generation: u64) -> io::Result<u64> {
        let mut s = self.lock();
        let mut seen = s.written;
        let mut deadline = Instant::now() + self.stall;
        loop {
            if s.generation != generation {
                return Err(io::Error::other(
                    "the download started over from the beginning",
                ));
            }
            match &s.state {
                Growth::Complete => return Ok(self.total),
                Growth::Failed(why) => {
                    return Err(io::Error::other(format!("the download failed: {why}")));
                }
                Growth::Growing if s.written > pos => return Ok(s.written),
                Growth::Growing => {}
            }
            let now = Instant::now();
            if s.written != seen || !s.begun {
                // Still arriving, only not up to here yet (a seek ahead, an index at the end), or
                // not begun: the download waits its turn.
                seen = s.written;
                deadline = now + self.stall;
            }
            if now >= deadline {
                return Err(io::Error::new(
                    io::ErrorKind::TimedOut,
                    format!(
                        "the download stalled: no data for {} s at byte {} of {}",
                        self.stall.as_secs(),
                        s.written,
                        self.total
                    ),
                ));
            }
            s = self
                .changed
                .wait_timeout(s, deadline - now)
                .unwrap_or_else(|p| p.into_inner())
                .0;
        }
    }
}

/// A reader of a [`Growing`] file: `Read + Seek`, and a symphonia media source of the full length.
#[derive(Debug)]
pub struct GrowingReader {
    growing: Arc<Growing>,
    /// Opened at the first read.
    file: Option<File>,
    pos: u64,
    /// Where the descriptor's own offset is (saves a seek per read).
    file_pos: u64,
    generation: u64,
}

impl Read for GrowingReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let total = self.growing.total;
        if buf.is_empty() || self.pos >= total {
            return Ok(0);
        }
        let readable = self.growing.readable(self.pos, self.generation)?;
        let want = (readable - self.pos).min(buf.len() as u64) as usize;
        let file = match &mut self.file {
            Some(f) => f,
            None => {
                self.file_pos = 0;
                self.file.insert(self.growing.open_file()?)
            }
        };
        if self.file_pos != self.pos {
            file.seek(SeekFrom::Start(self.pos))?;
            self.file_pos = self.pos;
        }
        let n = file.read(&mut buf[..want])?;
        if n == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                format!("the partial file is shorter than the {readable} bytes reported written"),
            ));
        }
        self.pos += n as u64;
        self.file_pos = self.pos;
        Ok(n)
    }
}

impl Seek for GrowingReader {
    fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
        let base = match to {
            SeekFrom::Start(n) => {
                self.pos = n;
                return Ok(n);
            }
            SeekFrom::Current(d) => (self.pos, d),
            SeekFrom::End(d) => (self.growing.total, d),
        };
        self.pos = base
            .0
            .checked_add_signed(base.1)
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "seek before the start"))?;
        Ok(self.pos)
    }
}

impl symphonia::core::io::MediaSource for GrowingReader {
    fn is_seekable(&self) -> bool {
        true
    }

    fn byte_len(&self) -> Option<u64> {
        Some(self.growing.total)
    }
}

/// What a decoder opens: a path (for messages and the format hint), read from disk or, while it
/// downloads, through its [`Growing`].
#[derive(Clone, Debug)]
pub struct Input {
    /// The file's name in messages and its extension as a format hint.
    pub path: PathBuf,
    /// Set while the file is still arriving.
    pub growing: Option<Arc<Growing>>,
}

impl Input {
    /// A finished file.
    pub fn file(path: impl Into<PathBuf>) -> Self {
        Input {
            path: path.into(),
            growing: None,
        }
    }

    /// A file that is still arriving.
    pub fn growing(path: impl Into<PathBuf>, growing: Arc<Growing>) -> Self {
        Input {
            path: path.into(),
            growing: Some(growing),
        }
    }

    /// The path (messages, format hint).
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// True when bytes are still to come (opening may wait for them).
    pub fn is_incomplete(&self) -> bool {
        self.growing
            .as_ref()
            .is_some_and(|g| g.state() != Growth::Complete)
    }

    /// Opens a reader from the first byte.
    ///
    /// # Errors
    /// [`Error::Io`]: missing, unreadable, or the download failed.
    pub fn open(&self) -> Result<Source> {
        match &self.growing {
            None => File::open(&self.path)
                .map(Source::File)
                .map_err(|e| Error::io(&self.path, e)),
            Some(g) => g
                .reader()
                .map(Source::Growing)
                .map_err(|e| Error::io(&self.path, e)),
        }
    }

    /// The full length in bytes (for a growing file, the length it will have).
    ///
    /// # Errors
    /// [`Error::Io`] when a finished file cannot be read.
    pub fn byte_len(&self) -> Result<u64> {
        match &self.growing {
            None => std::fs::metadata(&self.path)
                .map(|m| m.len())
                .map_err(|e| Error::io(&self.path, e)),
            Some(g) => Ok(g.total()),
        }
    }
}

/// An open [`Input`]: a file, or a reader of a growing file.
#[derive(Debug)]
pub enum Source {
    /// A finished file.
    File(File),
    /// A file still arriving.
    Growing(GrowingReader),
}

impl Read for Source {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Source::File(f) => f.read(buf),
            Source::Growing(g) => g.read(buf),
        }
    }
}

impl Seek for Source {
    fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
        match self {
            Source::File(f) => f.seek(to),
            Source::Growing(g) => g.seek(to),
        }
    }
}

impl symphonia::core::io::MediaSource for Source {
    fn is_seekable(&self) -> bool {
        match self {
            Source::File(f) => f.is_seekable(),
            Source::Growing(g) => g.is_seekable(),
        }
    }

    fn byte_len(&self) -> Option<u64> {
        match self {
            Source::File(f) => f.byte_len(),
            Source::Growing(g) => g.byte_len(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn partial(dir: &Path, bytes: &[u8]) -> PathBuf {
        let p = dir.join("f.part");
        std::fs::write(&p, bytes).expect("write");
        p
    }

    #[test]
    fn a_reader_reads_only_written_bytes_and_keeps_its_file_across_the_rename() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = partial(dir.path(), b"hello world");
        let g = Arc::new(Growing::new(&p, 11));
        g.grew(5);
        let mut r = g.reader().expect("reader");
        let mut buf = [0u8; 64];
        assert_eq!(r.read(&mut buf).expect("read"), 5, "only what is written");
        assert_eq!(&buf[..5], b"hello");
        // The downloader renames the verified file into place: the open descriptor still reads it.
        let done = dir.path().join("f");
        std::fs::rename(&p, &done).expect("rename");
        g.complete(&done);
        let mut rest = Vec::new();
        r.read_to_end(&mut rest).expect("rest");
        assert_eq!(rest, b" world");
        // A reader opened now opens the final file.
        let mut all = String::new();
        g.reader()
            .expect("reader")
            .read_to_string(&mut all)
            .expect("all");
        assert_eq!(all, "hello world");
        assert_eq!(
            symphonia::core::io::MediaSource::byte_len(&r),
            Some(11),
            "the full length, not what is written"
        );
    }

    #[test]
    fn a_reader_waits_for_the_writer() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = partial(dir.path(), b"abcdef");
        let g = Arc::new(Growing::new(&p, 6));
        let writer = {
            let g = Arc::clone(&g);
            std::thread::spawn(move || {
                for n in 1..=6 {
                    std::thread::sleep(Duration::from_millis(2));
                    g.grew(n);
                }
            })
        };
        let mut r = g.reader().expect("reader");
        r.seek(SeekFrom::End(-2)).expect("seek ahead of the writer");
        let mut tail = Vec::new();
        r.read_to_end(&mut tail).expect("waits for the end");
        assert_eq!(tail, b"ef");
        writer.join().expect("writer");
    }

    #[test]
    fn a_stall_a_failure_and_a_restart_are_read_errors() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = partial(dir.path(), b"abcdef");
        let g = Arc::new(Growing::new(&p, 6).with_stall_timeout(Duration::from_millis(50)));
        // The stall clock runs once the writer has begun.
        g.grew(0);
        let mut buf = [0u8; 4];
        let e = g
            .reader()
            .expect("reader")
            .read(&mut buf)
            .expect_err("stalls");
        assert_eq!(e.kind(), io::ErrorKind::TimedOut);
        assert!(e.to_string().contains("the download stalled"), "{e}");

        g.grew(3);
        let mut r = g.reader().expect("reader");
        assert_eq!(r.read(&mut buf).expect("read"), 3);
        g.restarted();
        let e = r.read(&mut buf).expect_err("another file now");
        assert!(e.to_string().contains("started over"), "{e}");
        // A reader opened after the restart waits for the new bytes.
        g.grew(6);
        let mut all = Vec::new();
        g.reader()
            .expect("reader")
            .read_to_end(&mut all)
            .expect("new reader");
        assert_eq!(all, b"abcdef");

        let g = Arc::new(Growing::new(&p, 6));
        g.fail("no space left on the server");
        let e = g.reader().expect_err("failed").to_string();
        assert!(e.contains("no space left on the server"), "{e}");
        assert_eq!(g.wait_for(1, Duration::from_millis(1)), g.state());
    }
}
