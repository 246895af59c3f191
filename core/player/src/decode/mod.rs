//! Decoders: one file in, its original samples out, encoder delay and padding trimmed.
//!
//! ```text
//!  file ──► open() ──┬─ .opus / Ogg "OpusHead" ─► ogg demux ─► libopus ─► pre-skip, end granule ─┐
//!                    ├─ MP4 with AAC ──────────► symphonia ─► our elst / iTunSMPB trim (mp4.rs) ─┤
//!                    └─ everything else ───────► symphonia (gapless on: LAME tag, Vorbis granule) ┴─► f32 interleaved
//! ```
//!
//! Every decoder reports, in [`TrackInfo::gapless`], where its trim figures came from ([`TrimSource`]), so
//! that a file which cannot be played gaplessly (an MP3 without a LAME tag, an MP4 whose tag contradicts
//! its stream) is reported, never silently padded.
//!
//! Every decoder reads through an [`Input`] ([`open_input`]): a finished file, or a file still
//! downloading ([`crate::Growing`]), read only where its bytes have arrived.
//!
//! Samples are `f32` in −1.0..1.0, interleaved. 16- and 24-bit PCM fit exactly in an `f32`, so lossless
//! formats stay bit-exact through this layer.

pub mod mp4;
mod opus;
mod symph;

use std::path::Path;

use crate::Result;
use crate::source::Input;

/// The codec of a decoded track.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Codec {
    /// MPEG-1/2 Layer III.
    Mp3,
    /// FLAC.
    Flac,
    /// Ogg Vorbis.
    Vorbis,
    /// PCM in WAV (or AIFF).
    Pcm,
    /// Apple Lossless in MP4.
    Alac,
    /// AAC (LC) in MP4.
    Aac,
    /// Opus in Ogg, through libopus.
    Opus,
}

impl Codec {
    /// Lossless codecs decode bit-exactly.
    pub fn is_lossless(self) -> bool {
        matches!(self, Codec::Flac | Codec::Pcm | Codec::Alac)
    }
}

/// Where a track's trim figures (encoder delay, padding, real length) came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TrimSource {
    /// Lossless: the container states the exact length and there is no delay.
    Exact,
    /// MP3: the Xing/Info frame's LAME tag (trimmed by symphonia).
    LameTag,
    /// Vorbis: the last page's granule position (trimmed by symphonia).
    OggGranule,
    /// AAC in MP4: the `elst` edit list (trimmed here).
    Mp4EditList,
    /// AAC in MP4: the iTunSMPB tag (trimmed here).
    ITunSmpb,
    /// Opus: OpusHead pre-skip and the last granule position.
    OpusHead,
    /// No trustworthy figures: the track is played as decoded and joins are **not** gapless.
    Unavailable(String),
}

/// The gapless facts of one decoded track.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Gapless {
    /// Where the figures came from.
    pub source: TrimSource,
    /// Priming frames dropped at the start.
    pub delay: u64,
    /// Padding frames dropped at the end (when known).
    pub padding: u64,
    /// Figures that were found but not trusted, with the reason (e.g. an iTunSMPB contradicting the stream).
    pub distrusted: Vec<String>,
}

impl Gapless {
    /// True when joins with this track are sample-exact.
    pub fn is_gapless(&self) -> bool {
        !matches!(self.source, TrimSource::Unavailable(_))
    }
}

/// ReplayGain figures from tags (dB and linear peak).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct ReplayGainTags {
    /// Track gain in dB.
    pub track_gain: Option<f32>,
    /// Track peak (linear, 1.0 = full scale).
    pub track_peak: Option<f32>,
    /// Album gain in dB.
    pub album_gain: Option<f32>,
    /// Album peak (linear).
    pub album_peak: Option<f32>,
}

/// What is known about a track once it is opened.
#[derive(Clone, Debug, PartialEq)]
pub struct TrackInfo {
    /// Codec.
    pub codec: Codec,
    /// Sample rate of the decoded stream.
    pub rate: u32,
    /// Channels.
    pub channels: u16,
    /// Length in frames after trimming, when the container says.
    pub frames: Option<u64>,
    /// Gapless facts.
    pub gapless: Gapless,
    /// ReplayGain tags.
    pub replay_gain: ReplayGainTags,
    /// Title tag.
    pub title: Option<String>,
    /// Artist tag.
    pub artist: Option<String>,
}

/// A decoder for one file.
pub trait TrackDecoder: Send {
    /// What is known about the track.
    fn info(&self) -> &TrackInfo;

    /// Appends the next block of interleaved samples to `out`; returns the number of frames appended,
    /// 0 at the end of the track.
    ///
    /// # Errors
    /// [`crate::Error::Corrupt`] when the stream cannot be decoded further.
    fn next_block(&mut self, out: &mut Vec<f32>) -> Result<usize>;

    /// Moves to `frame` (counted after trimming), so that the next block starts exactly there.
    ///
    /// # Errors
    /// [`crate::Error::Corrupt`] or [`crate::Error::Io`] when the file cannot be read again.
    fn seek(&mut self, frame: u64) -> Result<()>;
}

/// Opens a file with the right decoder.
///
/// # Errors
/// [`crate::Error::Io`] (missing, unreadable), [`crate::Error::Unsupported`] (unknown container or codec),
/// [`crate::Error::Corrupt`] (a damaged header).
pub fn open(path: &Path) -> Result<Box<dyn TrackDecoder>> {
    open_input(&Input::file(path))
}

/// Opens an [`Input`] (a finished file, or one still downloading) with the right decoder. Every
/// decoder reads through the input, so a growing file is read only where its bytes have arrived;
/// opening waits for the bytes the container needs: the first few kilobytes for FLAC, MP3 and
/// "fast start" MP4; the whole file for an MP4 whose `moov` follows `mdat` and for Ogg (Vorbis and
/// Opus), whose length is read from the last page's granule position.
///
/// # Errors
/// As [`open`]; a failed or stalled download is [`crate::Error::Io`] or [`crate::Error::Corrupt`]
/// with the download's reason.
pub fn open_input(input: &Input) -> Result<Box<dyn TrackDecoder>> {
    let path = input.path();
    let inner: Box<dyn TrackDecoder> = guard(path, || {
        if opus::is_opus(input)? {
            return Ok(Box::new(opus::OpusDecoder::open(input)?) as Box<dyn TrackDecoder>);
        }
        Ok(Box::new(symph::SymphDecoder::open(input)?))
    })?;
    Ok(Box::new(Guarded {
        inner,
        path: path.to_path_buf(),
        broken: false,
    }))
}

/// Runs decoder code so that a panic inside a decoding library becomes an error for this file
/// instead of taking the engine thread down. No decoder here is known to panic (the damaged-file
/// tests pass without this); it is a second line of defence for files nobody has tried yet.
fn guard<T>(path: &Path, f: impl FnOnce() -> Result<T>) -> Result<T> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
        Ok(r) => r,
        Err(panic) => {
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            Err(crate::Error::corrupt(
                path,
                format!("the decoder failed: {what}"),
            ))
        }
    }
}

/// A decoder whose calls are guarded by [`guard`]; after a failure it only returns errors.
struct Guarded {
    inner: Box<dyn TrackDecoder>,
    path: std::path::PathBuf,
    broken: bool,
}

impl Guarded {
    fn call<T>(&mut self, f: impl FnOnce(&mut dyn TrackDecoder) -> Result<T>) -> Result<T> {
        if self.broken {
            return Err(crate::Error::corrupt(
                &self.path,
                "the decoder failed earlier",
            ));
        }
        let inner = &mut self.inner;
        let r = guard(&self.path, || f(inner.as_mut()));
        if let Err(crate::Error::Corrupt { reason, .. }) = &r {
            self.broken = reason.starts_with("the decoder failed");
        }
        r
    }
}

impl TrackDecoder for Guarded {
    fn info(&self) -> &TrackInfo {
        self.inner.info()
    }

    fn next_block(&mut self, out: &mut Vec<f32>) -> Result<usize> {
        self.call(|d| d.next_block(out))
    }

    fn seek(&mut self, frame: u64) -> Result<()> {
        self.call(|d| d.seek(frame))
    }
}

/// Decodes a whole file into interleaved samples (for tests, tools and benchmarks).
///
/// # Errors
/// As [`open`] and [`TrackDecoder::next_block`].
pub fn decode_all(path: &Path) -> Result<(TrackInfo, Vec<f32>)> {
    decode_all_input(&Input::file(path))
}

/// Decodes a whole [`Input`] into interleaved samples.
///
/// # Errors
/// As [`open_input`] and [`TrackDecoder::next_block`].
pub fn decode_all_input(input: &Input) -> Result<(TrackInfo, Vec<f32>)> {
    let mut d = open_input(input)?;
    let mut out = Vec::new();
    while d.next_block(&mut out)? > 0 {}
    Ok((d.info().clone(), out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_in_decoder_code_becomes_an_error() {
        let p = Path::new("x.mp3");
        let r: Result<()> = guard(p, || panic!("index out of bounds"));
        match r {
            Err(crate::Error::Corrupt { reason, .. }) => {
                assert!(reason.contains("index out of bounds"), "{reason}")
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(guard(p, || Ok(3)).ok(), Some(3));
    }
}
