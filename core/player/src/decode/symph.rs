//! symphonia 0.6 for MP3, FLAC, Vorbis, WAV, ALAC and AAC in MP4.
//!
//! symphonia trims MP3 (LAME tag) and Vorbis (granule positions) itself when its `gapless` option is on.
//! It does not trim AAC in MP4, so for AAC this decoder drops the priming frames and stops after the
//! real length given by [`super::mp4`]. Seeking is exact: where timestamps count frames, the container
//! seeks to half a second before the target (lossy decoders need that pre-roll to settle: MP3's bit
//! reservoir and filter bank, Vorbis's overlap) and frames are discarded up to the target; the result
//! is bit-identical to a straight decode (tested). AAC reopens and decodes up to the target instead,
//! because after a container seek symphonia's AAC output is not bit-identical (see `open`).

use std::path::{Path, PathBuf};

use symphonia::core::codecs::audio::well_known::{
    CODEC_ID_AAC, CODEC_ID_ALAC, CODEC_ID_FLAC, CODEC_ID_MP3, CODEC_ID_VORBIS,
};
use symphonia::core::codecs::audio::{AudioDecoder, AudioDecoderOptions};
use symphonia::core::errors::Error as SymError;
use symphonia::core::formats::probe::Hint;
use symphonia::core::formats::{FormatOptions, FormatReader, SeekMode, SeekTo, TrackType};
use symphonia::core::io::MediaSourceStream;
use symphonia::core::meta::{MetadataOptions, RawValue, StandardTag, Tag};
use symphonia::core::units::Timestamp;

use super::mp4::{self, Mp4Trim};
use super::{Codec, Gapless, ReplayGainTags, TrackDecoder, TrackInfo, TrimSource};
use crate::source::Input;
use crate::{Error, Result};

/// A symphonia-backed decoder.
pub struct SymphDecoder {
    input: Input,
    path: PathBuf,
    format: Box<dyn FormatReader>,
    decoder: Box<dyn AudioDecoder>,
    track_id: u32,
    info: TrackInfo,
    /// Frames still to drop from the decoder's output (AAC priming, or seek discard).
    skip: u64,
    /// Frames still allowed out (AAC real length), `None` when symphonia knows the end.
    remaining: Option<u64>,
    /// Frames handed out since the start of the (trimmed) track.
    pos: u64,
    /// True when timestamps count frames (time base 1/rate): seeks go through symphonia.
    frames_are_ts: bool,
    /// Timestamp of the first real frame (AAC: the priming we trim ourselves; 0 elsewhere).
    ts_offset: u64,
    /// Real length when we trim ourselves (AAC).
    trimmed_len: Option<u64>,
    scratch: Vec<f32>,
    /// `scratch` holds decoded frames not yet handed out (after a seek).
    pending: bool,
    length_reported: bool,
}

fn sym_err(path: &Path, e: SymError) -> Error {
    match e {
        SymError::IoError(io) => Error::corrupt(path, format!("read error: {io}")),
        SymError::Unsupported(what) => Error::unsupported(path, what.to_string()),
        other => Error::corrupt(path, other.to_string()),
    }
}

fn tag_text(tag: &Tag) -> Option<String> {
    match &tag.raw.value {
        RawValue::String(s) => Some(s.to_string()),
        RawValue::StringList(l) => l.first().cloned(),
        RawValue::Float(f) => Some(f.to_string()),
        RawValue::Binary(b) => Some(String::from_utf8_lossy(b).into_owned()),
        _ => None,
    }
}

/// The tag's name; for ID3v2 user text frames (TXXX) the name is the frame's description.
fn tag_key(tag: &Tag) -> String {
    if tag.raw.key == "TXXX" {
        let desc = tag
            .raw
            .sub_fields
            .iter()
            .flatten()
            .find_map(|f| match &f.value {
                RawValue::String(s) if f.field.eq_ignore_ascii_case("description") => {
                    Some(s.to_string())
                }
                _ => None,
            });
        if let Some(d) = desc {
            return d;
        }
    }
    tag.raw.key.clone()
}

/// "-6.5 dB" → -6.5.
fn parse_db(text: &str) -> Option<f32> {
    let t = text.trim();
    let t = t
        .strip_suffix("dB")
        .or_else(|| t.strip_suffix("db"))
        .unwrap_or(t);
    t.trim().parse::<f32>().ok().filter(|v| v.is_finite())
}

struct Tags {
    rg: ReplayGainTags,
    title: Option<String>,
    artist: Option<String>,
    itunsmpb: Option<(u64, u64, u64)>,
}

fn collect_tags(format: &mut dyn FormatReader) -> Tags {
    let mut t = Tags {
        rg: ReplayGainTags::default(),
        title: None,
        artist: None,
        itunsmpb: None,
    };
    let mut meta = format.metadata();
    let mut revisions = Vec::new();
    if let Some(r) = meta.current() {
        revisions.push(r.clone());
    }
    while let Some(r) = meta.pop() {
        revisions.push(r);
    }
    for rev in &revisions {
        let tags = rev
            .media
            .tags
            .iter()
            .chain(rev.per_track.iter().flat_map(|p| p.metadata.tags.iter()));
        for tag in tags {
            let text = tag_text(tag);
            match (&tag.std, text) {
                (Some(StandardTag::ReplayGainTrackGain(s)), _) => t.rg.track_gain = parse_db(s),
                (Some(StandardTag::ReplayGainTrackPeak(s)), _) => t.rg.track_peak = parse_db(s),
                (Some(StandardTag::ReplayGainAlbumGain(s)), _) => t.rg.album_gain = parse_db(s),
                (Some(StandardTag::ReplayGainAlbumPeak(s)), _) => t.rg.album_peak = parse_db(s),
                (Some(StandardTag::TrackTitle(s)), _) => t.title = Some(s.to_string()),
                (Some(StandardTag::Artist(s)), _) => t.artist = Some(s.to_string()),
                (_, Some(text)) => {
                    let key = tag_key(tag).to_ascii_lowercase();
                    if key.ends_with("itunsmpb") {
                        t.itunsmpb = mp4::parse_itunsmpb(&text);
                    } else if key.ends_with("replaygain_track_gain") {
                        t.rg.track_gain = parse_db(&text);
                    } else if key.ends_with("replaygain_track_peak") {
                        t.rg.track_peak = parse_db(&text);
                    } else if key.ends_with("replaygain_album_gain") {
                        t.rg.album_gain = parse_db(&text);
                    } else if key.ends_with("replaygain_album_peak") {
                        t.rg.album_peak = parse_db(&text);
                    }
                }
                _ => {}
            }
        }
    }
    t
}

impl SymphDecoder {
    /// Opens `path`, probes its container and prepares trimming.
    ///
    /// # Errors
    /// See [`super::open`].
    pub fn open(input: &Input) -> Result<Self> {
        let path = input.path();
        let file = input.open()?;
        let mss = MediaSourceStream::new(Box::new(file), Default::default());
        let mut hint = Hint::new();
        if let Some(ext) = path.extension().and_then(|e| e.to_str()) {
            hint.with_extension(ext);
        }
        let mut format = symphonia::default::get_probe()
            .probe(
                &hint,
                mss,
                FormatOptions::default(),
                MetadataOptions::default(),
            )
            .map_err(|e| match e {
                SymError::Unsupported(_) => Error::unsupported(path, "not a known audio format"),
                other => sym_err(path, other),
            })?;
        let track = format
            .default_track(TrackType::Audio)
            .ok_or_else(|| Error::unsupported(path, "no audio track"))?
            .clone();
        let params = track
            .codec_params
            .as_ref()
            .and_then(|p| p.audio())
            .ok_or_else(|| Error::unsupported(path, "audio track without codec parameters"))?
            .clone();
        let decoder = symphonia::default::get_codecs()
            .make_audio_decoder(&params, &AudioDecoderOptions::default().gapless(true))
            .map_err(|e| sym_err(path, e))?;
        let rate = params
            .sample_rate
            .ok_or_else(|| Error::corrupt(path, "no sample rate"))?;
        let channels = params
            .channels
            .as_ref()
            .map(|c| c.count())
            .ok_or_else(|| Error::corrupt(path, "no channel layout"))?;
        let channels =
            u16::try_from(channels).map_err(|_| Error::unsupported(path, "too many channels"))?;
        let tags = collect_tags(format.as_mut());

        let codec = match params.codec {
            c if c == CODEC_ID_MP3 => Codec::Mp3,
            c if c == CODEC_ID_FLAC => Codec::Flac,
            c if c == CODEC_ID_VORBIS => Codec::Vorbis,
            c if c == CODEC_ID_AAC => Codec::Aac,
            c if c == CODEC_ID_ALAC => Codec::Alac,
            _ => Codec::Pcm,
        };
        let delay = track.delay.map(u64::from);
        let padding = track.padding.map(u64::from);
        let mut skip = 0;
        let mut remaining = None;
        let mut frames = track.num_frames;
        let gapless = match codec {
            Codec::Flac | Codec::Pcm | Codec::Alac => Gapless {
                source: TrimSource::Exact,
                delay: 0,
                padding: 0,
                distrusted: Vec::new(),
            },
            Codec::Vorbis => Gapless {
                source: TrimSource::OggGranule,
                delay: delay.unwrap_or(0),
                padding: padding.unwrap_or(0),
                distrusted: Vec::new(),
            },
            Codec::Mp3 => {
                let mut distrusted = Vec::new();
                if let Some((d, _p, count)) = tags.itunsmpb {
                    // An MP3 may carry an iTunSMPB copied from elsewhere; we only ever trust the LAME
                    // tag for MP3, but say when the iTunes figure disagrees with the stream.
                    let stream = frames.unwrap_or(0);
                    if stream > 0 && count != stream {
                        distrusted.push(format!(
                            "iTunSMPB distrusted: claims {count} frames after {d} priming, the stream has {stream}"
                        ));
                    }
                }
                match (delay, padding) {
                    (Some(d), Some(p)) => Gapless {
                        source: TrimSource::LameTag,
                        delay: d,
                        padding: p,
                        distrusted,
                    },
                    _ => {
                        frames = None;
                        Gapless {
                            source: TrimSource::Unavailable(
                                "MP3 without a LAME tag: encoder delay and padding are unknown"
                                    .into(),
                            ),
                            delay: 0,
                            padding: 0,
                            distrusted,
                        }
                    }
                }
            }
            Codec::Aac | Codec::Opus => {
                let boxes = mp4::read_input(input)?;
                let (trim, distrusted) = boxes.trim();
                let total = boxes.stts_total;
                let (source, t) = match trim {
                    Mp4Trim::EditList(t) => (TrimSource::Mp4EditList, Some(t)),
                    Mp4Trim::ITunSmpb(t) => (TrimSource::ITunSmpb, Some(t)),
                    Mp4Trim::None(why) => (TrimSource::Unavailable(why), None),
                };
                match t {
                    Some(t) => {
                        skip = t.delay;
                        remaining = Some(t.frames);
                        frames = Some(t.frames);
                        Gapless {
                            source,
                            delay: t.delay,
                            // What the decoder puts out beyond the real audio: every packet decodes
                            // to a whole frame (1024 for AAC-LC), whatever `stts` says.
                            padding: boxes
                                .stts_packets
                                .map(|n| n * params.max_frames_per_packet.unwrap_or(1024))
                                .max(total)
                                .unwrap_or(0)
                                .saturating_sub(t.delay + t.frames),
                            distrusted,
                        }
                    }
                    None => {
                        frames = total;
                        Gapless {
                            source,
                            delay: 0,
                            padding: 0,
                            distrusted,
                        }
                    }
                }
            }
        };
        // AAC after a container seek is on the right frame but not bit-identical to a straight decode:
        // measured up to 0.06 off throughout the rest of the track (most likely the noise-substitution
        // generator, whose state depends on the decode history). AAC seeks by reopening instead.
        let frames_are_ts = codec != Codec::Aac
            && track
                .time_base
                .is_some_and(|tb| tb.numer.get() == 1 && tb.denom.get() == rate);
        Ok(SymphDecoder {
            input: input.clone(),
            path: path.to_path_buf(),
            format,
            decoder,
            track_id: track.id,
            info: TrackInfo {
                codec,
                rate,
                channels,
                frames,
                gapless,
                replay_gain: tags.rg,
                title: tags.title,
                artist: tags.artist,
            },
            skip,
            remaining,
            pos: 0,
            frames_are_ts,
            ts_offset: skip,
            trimmed_len: remaining,
            scratch: Vec::new(),
            pending: false,
            length_reported: false,
        })
    }

    /// Decodes one packet into `scratch`; returns its first frame's timestamp, `None` at the end.
    fn decode_packet(&mut self) -> Result<Option<Timestamp>> {
        loop {
            let packet = match self.format.next_packet() {
                Ok(Some(p)) => p,
                Ok(None) => return Ok(None),
                Err(SymError::ResetRequired) => return Ok(None),
                Err(SymError::IoError(e)) if e.kind() == std::io::ErrorKind::UnexpectedEof => {
                    if let Some(frames) = self.info.frames
                        && self.pos < frames
                    {
                        return Err(Error::corrupt(
                            &self.path,
                            format!("file ends early: {} of {frames} frames", self.pos),
                        ));
                    }
                    return Ok(None);
                }
                Err(e) => return Err(sym_err(&self.path, e)),
            };
            if packet.track_id != self.track_id {
                continue;
            }
            let buf = self
                .decoder
                .decode(&packet)
                .map_err(|e| sym_err(&self.path, e))?;
            self.scratch.clear();
            buf.copy_to_vec_interleaved(&mut self.scratch);
            return Ok(Some(packet.pts));
        }
    }
}

impl SymphDecoder {
    /// Applies the pending skip and the remaining length to `scratch[..]` and appends what is left.
    fn emit_scratch(&mut self, out: &mut Vec<f32>) -> usize {
        let ch = usize::from(self.info.channels.max(1));
        let mut frames = self.scratch.len() / ch;
        let mut start = 0;
        if self.skip > 0 {
            let drop = self.skip.min(frames as u64) as usize;
            self.skip -= drop as u64;
            start = drop;
            frames -= drop;
        }
        if let Some(rem) = self.remaining.as_mut() {
            let keep = (*rem).min(frames as u64) as usize;
            *rem -= keep as u64;
            frames = keep;
        }
        out.extend_from_slice(&self.scratch[start * ch..(start + frames) * ch]);
        self.scratch.clear();
        self.pos += frames as u64;
        frames
    }

    /// At the end of a lossless stream, the header's length must match what was decoded: a header that
    /// lies means joins computed from it would be wrong, so it is an error (after the audio was played).
    fn check_length(&mut self) -> Result<usize> {
        if let (true, Some(n)) = (self.info.codec.is_lossless(), self.info.frames)
            && self.pos != n
            && !self.length_reported
        {
            self.length_reported = true;
            return Err(Error::corrupt(
                &self.path,
                format!("the header says {n} frames but the stream has {}", self.pos),
            ));
        }
        Ok(0)
    }

    /// Exact seek through symphonia: seek the container to a little before the target (lossy decoders
    /// need pre-roll: MP3's bit reservoir and filter bank, AAC's and Vorbis's overlap), decode from
    /// there and discard up to the target. Returns false when the container refuses or the timestamps
    /// do not land where expected, so the caller can fall back to reopening.
    fn seek_by_timestamp(&mut self, frame: u64) -> Result<bool> {
        let target = frame + self.ts_offset;
        let preroll = if self.info.codec.is_lossless() {
            0
        } else {
            u64::from(self.info.rate) / 2
        };
        let Ok(ts) = i64::try_from(target.saturating_sub(preroll)) else {
            return Ok(false);
        };
        let Ok(target) = i64::try_from(target) else {
            return Ok(false);
        };
        let seeked = self.format.seek(
            SeekMode::Accurate,
            SeekTo::Timestamp {
                ts: Timestamp::new(ts),
                track_id: self.track_id,
            },
        );
        if seeked.is_err() {
            return Ok(false);
        }
        self.decoder.reset();
        self.pending = false;
        let ch = usize::from(self.info.channels.max(1));
        loop {
            let Some(pts) = self.decode_packet()? else {
                return Ok(false);
            };
            let first = pts.get();
            let n = (self.scratch.len() / ch) as i64;
            if first + n <= target {
                continue;
            }
            if first > target {
                return Ok(false);
            }
            self.skip = (target - first) as u64;
            self.pending = true;
            break;
        }
        self.remaining = self.trimmed_len.map(|n| n.saturating_sub(frame));
        self.pos = frame;
        Ok(true)
    }
}

impl TrackDecoder for SymphDecoder {
    fn info(&self) -> &TrackInfo {
        &self.info
    }

    fn next_block(&mut self, out: &mut Vec<f32>) -> Result<usize> {
        loop {
            if self.remaining == Some(0) {
                return Ok(0);
            }
            if self.pending {
                self.pending = false;
            } else if self.decode_packet()?.is_none() {
                return self.check_length();
            }
            let n = self.emit_scratch(out);
            if n > 0 {
                return Ok(n);
            }
        }
    }

    fn seek(&mut self, frame: u64) -> Result<()> {
        if self.frames_are_ts && self.seek_by_timestamp(frame)? {
            return Ok(());
        }
        let mut fresh = SymphDecoder::open(&self.input)?;
        // `skip` is consumed before `remaining` counts, so the real length stays exact.
        fresh.skip += frame;
        if let Some(rem) = fresh.remaining.as_mut() {
            *rem = rem.saturating_sub(frame);
        }
        while fresh.skip > 0 {
            if fresh.decode_packet()?.is_none() {
                break;
            }
            let ch = usize::from(fresh.info.channels.max(1));
            let frames = (fresh.scratch.len() / ch) as u64;
            if fresh.skip < frames {
                fresh.pending = true;
                break;
            }
            fresh.skip -= frames;
        }
        fresh.pos = frame;
        *self = fresh;
        Ok(())
    }
}
