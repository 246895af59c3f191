//! Opus in Ogg through libopus (symphonia 0.6 has no Opus decoder).
//!
//! ```text
//!  file ─► ogg::PacketReader ─► OpusHead (channels, pre-skip, output gain) ─► OpusTags
//!                            └► audio packets ─► libopus decode_float @ 48 kHz ─► drop pre-skip ─► cut at end granule
//! ```
//!
//! RFC 7845: the first `pre_skip` decoded frames are priming; the last page's granule position minus
//! `pre_skip` is the real length, so the final packet is cut there. Opus always decodes at 48 kHz.
//! Seeking bisects the Ogg pages on granule position to a page at least 80 ms (RFC 7845's pre-roll)
//! before the target, decodes from there and discards up to the target; near the start of the stream
//! it reopens and decodes up to the target instead.

use std::io::{BufReader, Read, Seek, SeekFrom};
use std::path::PathBuf;

use super::{Codec, Gapless, ReplayGainTags, TrackDecoder, TrackInfo, TrimSource};
use crate::source::{Input, Source};
use crate::{Error, Result};

/// Opus decodes at 48 kHz whatever the input rate was.
const OPUS_RATE: u32 = 48_000;
/// Largest Opus packet: 120 ms at 48 kHz.
const MAX_FRAMES: usize = 5_760;

/// True when the file is an Ogg stream whose first packet is an OpusHead.
///
/// # Errors
/// [`Error::Io`] when the file cannot be opened.
pub fn is_opus(input: &Input) -> Result<bool> {
    let path = input.path();
    let f = input.open()?;
    let mut head = Vec::with_capacity(36);
    // `take` + `read_to_end`: a growing file hands out what has arrived, perhaps fewer than 36 bytes
    // per read.
    f.take(36)
        .read_to_end(&mut head)
        .map_err(|e| Error::io(path, e))?;
    Ok(head.len() >= 36 && &head[..4] == b"OggS" && &head[28..36] == b"OpusHead")
}

/// The last granule position in an Ogg file: read from the final page header (a growing file waits
/// for its last bytes here).
fn last_granule(input: &Input) -> Result<Option<u64>> {
    let path = input.path();
    let mut f = input.open()?;
    let len = input.byte_len()?;
    // A page is at most 65 307 bytes: the last page header starts within that distance of the end.
    let tail = len.min(65_307 + 27);
    f.seek(SeekFrom::Start(len - tail))
        .map_err(|e| Error::io(path, e))?;
    let mut buf = Vec::with_capacity(tail as usize);
    f.read_to_end(&mut buf).map_err(|e| Error::io(path, e))?;
    let at = buf.windows(4).rposition(|w| w == b"OggS");
    Ok(at.and_then(|i| {
        let g = buf.get(i + 6..i + 14)?;
        let g = u64::from_le_bytes(g.try_into().ok()?);
        // −1 means "no packet ends on this page".
        (g != u64::MAX).then_some(g)
    }))
}

/// An Opus decoder.
pub struct OpusDecoder {
    input: Input,
    path: PathBuf,
    reader: ogg::PacketReader<BufReader<Source>>,
    decoder: opus::Decoder,
    serial: u32,
    info: TrackInfo,
    /// Frames still to drop (pre-skip, then seek discard).
    skip: u64,
    /// Real frames still to hand out.
    remaining: u64,
    gain: f32,
    scratch: Vec<f32>,
    /// Packets read ahead during a seek, decoded before reading on.
    queued: std::collections::VecDeque<Vec<u8>>,
    pre_skip: u64,
}

impl OpusDecoder {
    /// Opens an Ogg Opus file and reads its headers.
    ///
    /// # Errors
    /// [`Error::Io`], or [`Error::Corrupt`] when the headers are damaged.
    pub fn open(input: &Input) -> Result<Self> {
        let path = input.path();
        let file = input.open()?;
        let mut reader = ogg::PacketReader::new(BufReader::new(file));
        let ogg_err = |e: ogg::OggReadError| Error::corrupt(path, format!("Ogg: {e}"));
        let head = reader
            .read_packet()
            .map_err(ogg_err)?
            .ok_or_else(|| Error::corrupt(path, "empty Ogg stream"))?;
        let d = &head.data;
        if d.len() < 19 || &d[..8] != b"OpusHead" {
            return Err(Error::corrupt(path, "first packet is not an OpusHead"));
        }
        let channels = d[9];
        let pre_skip = u64::from(u16::from_le_bytes([d[10], d[11]]));
        let gain_q8 = i16::from_le_bytes([d[16], d[17]]);
        let mapping = d[18];
        if mapping != 0 || !(1..=2).contains(&channels) {
            return Err(Error::unsupported(
                path,
                format!(
                    "Opus with {channels} channels (mapping family {mapping}); mono and stereo are supported"
                ),
            ));
        }
        let serial = head.stream_serial();
        let tags = reader
            .read_packet()
            .map_err(ogg_err)?
            .ok_or_else(|| Error::corrupt(path, "no OpusTags packet"))?;
        let (title, artist, rg) = parse_tags(&tags.data);
        let end = last_granule(input)?
            .ok_or_else(|| Error::corrupt(path, "no final granule position"))?;
        let frames = end
            .checked_sub(pre_skip)
            .ok_or_else(|| Error::corrupt(path, "final granule position is before the pre-skip"))?;
        let ch = if channels == 1 {
            opus::Channels::Mono
        } else {
            opus::Channels::Stereo
        };
        let decoder = opus::Decoder::new(OPUS_RATE, ch)
            .map_err(|e| Error::corrupt(path, format!("libopus: {e}")))?;
        Ok(OpusDecoder {
            input: input.clone(),
            path: path.to_path_buf(),
            reader,
            decoder,
            serial,
            info: TrackInfo {
                codec: Codec::Opus,
                rate: OPUS_RATE,
                channels: u16::from(channels),
                frames: Some(frames),
                gapless: Gapless {
                    source: TrimSource::OpusHead,
                    delay: pre_skip,
                    padding: 0,
                    distrusted: Vec::new(),
                },
                replay_gain: rg,
                title,
                artist,
            },
            skip: pre_skip,
            remaining: frames,
            gain: 10f32.powf(f32::from(gain_q8) / 256.0 / 20.0),
            scratch: vec![0.0; MAX_FRAMES * usize::from(channels)],
            queued: std::collections::VecDeque::new(),
            pre_skip,
        })
    }
}

/// Vorbis-comment style OpusTags: title, artist, and R128 gains mapped onto ReplayGain (R128 is
/// referenced to −23 LUFS, ReplayGain to −18: +5 dB).
fn parse_tags(data: &[u8]) -> (Option<String>, Option<String>, ReplayGainTags) {
    let mut title = None;
    let mut artist = None;
    let mut rg = ReplayGainTags::default();
    let rd32 = |at: usize| -> Option<usize> {
        Some(u32::from_le_bytes(data.get(at..at + 4)?.try_into().ok()?) as usize)
    };
    let Some(vendor) = rd32(8) else {
        return (title, artist, rg);
    };
    let mut at = 12 + vendor;
    let Some(count) = rd32(at) else {
        return (title, artist, rg);
    };
    at += 4;
    for _ in 0..count {
        let Some(len) = rd32(at) else { break };
        let Some(raw) = data.get(at + 4..at + 4 + len) else {
            break;
        };
        at += 4 + len;
        let text = String::from_utf8_lossy(raw);
        let Some((k, v)) = text.split_once('=') else {
            continue;
        };
        let q78 = |v: &str| v.trim().parse::<i32>().ok().map(|q| q as f32 / 256.0 + 5.0);
        match k.to_ascii_uppercase().as_str() {
            "TITLE" => title = Some(v.to_string()),
            "ARTIST" => artist = Some(v.to_string()),
            "R128_TRACK_GAIN" => rg.track_gain = q78(v),
            "R128_ALBUM_GAIN" => rg.album_gain = q78(v),
            _ => {}
        }
    }
    (title, artist, rg)
}

/// RFC 7845 asks decoders to start at least 80 ms before a seek target, so that the decoder has
/// converged by then.
const PREROLL: u64 = 3_840;

impl OpusDecoder {
    /// Seeks the Ogg stream by bisection on granule positions to a page that starts at least the
    /// pre-roll (plus one maximal packet) before the target, and decodes from there. Returns false
    /// (nothing changed that matters: the caller reopens) near the start or when the pages do not
    /// say where they start.
    fn seek_by_granule(&mut self, frame: u64) -> Result<bool> {
        let target = frame + self.pre_skip;
        let margin = PREROLL + MAX_FRAMES as u64;
        if target < self.pre_skip + 2 * margin {
            return Ok(false);
        }
        let ogg_err = |e: ogg::OggReadError| Error::corrupt(&self.path, format!("Ogg: {e}"));
        if !self
            .reader
            .seek_absgp(Some(self.serial), target - margin)
            .map_err(ogg_err)?
        {
            return Ok(false);
        }
        // The packets of the first page, to learn where the page starts: its granule position
        // counts the samples up to the end of its last packet.
        let mut packets = Vec::new();
        let end_granule = loop {
            match self.reader.read_packet().map_err(ogg_err)? {
                Some(p) if p.stream_serial() != self.serial => continue,
                Some(p) => {
                    // The last page's granule position is cut short by the end trim, so it does
                    // not tell where that page starts: near the end, reopen instead.
                    if p.last_in_stream() {
                        return Ok(false);
                    }
                    let last = p.last_in_page();
                    let gp = p.absgp_page();
                    packets.push(p.data);
                    if last {
                        break gp;
                    }
                }
                None => return Ok(false),
            }
        };
        let mut page_len = 0u64;
        for p in &packets {
            match opus::packet::get_nb_samples(p, OPUS_RATE) {
                Ok(n) => page_len += n as u64,
                Err(_) => return Ok(false),
            }
        }
        let Some(page_start) = end_granule.checked_sub(page_len) else {
            return Ok(false);
        };
        if end_granule == u64::MAX || page_start > target - PREROLL {
            return Ok(false);
        }
        self.decoder
            .reset_state()
            .map_err(|e| Error::corrupt(&self.path, format!("libopus: {e}")))?;
        self.queued = packets.into();
        self.skip = target - page_start;
        self.remaining = self.info.frames.unwrap_or(0).saturating_sub(frame);
        Ok(true)
    }
}

impl TrackDecoder for OpusDecoder {
    fn info(&self) -> &TrackInfo {
        &self.info
    }

    fn next_block(&mut self, out: &mut Vec<f32>) -> Result<usize> {
        let ch = usize::from(self.info.channels);
        loop {
            if self.remaining == 0 {
                return Ok(0);
            }
            let data = if let Some(d) = self.queued.pop_front() {
                d
            } else {
                match self.reader.read_packet() {
                    Ok(Some(p)) if p.stream_serial() == self.serial => p.data,
                    Ok(Some(_)) => continue,
                    Ok(None) => {
                        return Err(Error::corrupt(
                            &self.path,
                            format!(
                                "stream ends {} frames before its final granule position",
                                self.remaining
                            ),
                        ));
                    }
                    Err(e) => return Err(Error::corrupt(&self.path, format!("Ogg: {e}"))),
                }
            };
            let n = self
                .decoder
                .decode_float(&data, &mut self.scratch, false)
                .map_err(|e| Error::corrupt(&self.path, format!("libopus: {e}")))?;
            let mut start = 0;
            let mut frames = n;
            if self.skip > 0 {
                let drop = self.skip.min(frames as u64) as usize;
                self.skip -= drop as u64;
                start = drop;
                frames -= drop;
            }
            let keep = self.remaining.min(frames as u64) as usize;
            self.remaining -= keep as u64;
            if keep == 0 {
                continue;
            }
            let block = &self.scratch[start * ch..(start + keep) * ch];
            if (self.gain - 1.0).abs() > f32::EPSILON {
                out.extend(block.iter().map(|s| s * self.gain));
            } else {
                out.extend_from_slice(block);
            }
            return Ok(keep);
        }
    }

    fn seek(&mut self, frame: u64) -> Result<()> {
        let total = self.info.frames.unwrap_or(0);
        let frame = frame.min(total);
        if self.seek_by_granule(frame)? {
            return Ok(());
        }
        let mut fresh = OpusDecoder::open(&self.input)?;
        fresh.skip += frame;
        fresh.remaining -= frame;
        *self = fresh;
        Ok(())
    }
}
