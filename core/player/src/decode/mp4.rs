//! Our own reading of the few MP4 boxes that carry AAC's gapless figures.
//!
//! symphonia 0.6 reads MP4 but ignores both places where an encoder says how many priming frames
//! it put before the audio and how long the audio really is:
//!
//! ```text
//! moov ─ trak ─ edts ─ elst          first edit: media_time = priming, segment_duration = real length
//!             └ mdia ─ mdhd          media timescale (the sample rate for audio)
//!                    └ minf ─ stbl ─ stts   sum(count·delta) = every decoded frame (priming + audio + padding)
//!      └ udta ─ meta ─ ilst ─ ---- (mean "com.apple.iTunes", name "iTunSMPB", data " 0 delay padding count …")
//! ```
//!
//! [`read`] walks those boxes only (seeking over `mdat`), and [`Mp4Gapless::trim`] picks the edit list
//! first, then iTunSMPB, and refuses a figure that contradicts the `stts` length: a tag copied from
//! another file would otherwise cut real audio or leave silence in.

use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

use crate::source::{Input, Source};
use crate::{Error, Result};

/// What the MP4 boxes of an audio track say.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Mp4Gapless {
    /// `mdhd` timescale of the first audio track.
    pub media_timescale: Option<u32>,
    /// `mvhd` timescale (edit durations are in it).
    pub movie_timescale: Option<u32>,
    /// Total decoded length from `stts`, in media timescale units.
    pub stts_total: Option<u64>,
    /// Number of packets (samples in MP4 terms) from `stts`.
    pub stts_packets: Option<u64>,
    /// First non-empty edit: (media_time, segment_duration in movie timescale).
    pub edit: Option<(i64, u64)>,
    /// Number of edits in the list (more than one non-empty edit is not a plain trim).
    pub edit_count: usize,
    /// iTunSMPB: (delay, padding, count).
    pub itunsmpb: Option<(u64, u64, u64)>,
}

/// A trim decision: frames to drop at the start and frames to keep after them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Trim {
    /// Priming frames to drop.
    pub delay: u64,
    /// Real frames to keep.
    pub frames: u64,
}

/// Where an MP4 trim came from, or why there is none.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Mp4Trim {
    /// From the `elst` edit list.
    EditList(Trim),
    /// From the iTunSMPB tag.
    ITunSmpb(Trim),
    /// Nothing trustworthy; the string says why.
    None(String),
}

/// Largest padding we accept between the claimed end and the `stts` end: two AAC frames.
const MAX_PADDING: u64 = 2 * 1024;

impl Mp4Gapless {
    /// Checks a (delay, count) claim against the decoded length.
    fn check(&self, delay: u64, count: u64) -> std::result::Result<Trim, String> {
        let Some(total) = self.stts_total else {
            return Err("no stts length to check against".into());
        };
        let end = delay.saturating_add(count);
        if count == 0 {
            return Err("claims zero frames".into());
        }
        if end > total {
            return Err(format!(
                "claims {delay} priming + {count} frames = {end}, but the stream has only {total}"
            ));
        }
        if total - end > MAX_PADDING {
            return Err(format!(
                "claims {count} frames after {delay} priming, leaving {} frames of padding in a stream of {total} (more than {MAX_PADDING})",
                total - end
            ));
        }
        Ok(Trim {
            delay,
            frames: count,
        })
    }

    /// The trim to apply: the edit list if it is plain and consistent, else iTunSMPB if consistent.
    /// Rejected figures are described in the returned reason (or in `rejected`).
    pub fn trim(&self) -> (Mp4Trim, Vec<String>) {
        let mut rejected = Vec::new();
        if let Some((media_time, seg)) = self.edit {
            let count = match (self.media_timescale, self.movie_timescale) {
                (Some(media), Some(movie)) if movie > 0 => {
                    (u128::from(seg) * u128::from(media) / u128::from(movie)) as u64
                }
                _ => seg,
            };
            if self.edit_count > 1 {
                rejected.push(format!(
                    "edit list has {} non-empty edits; only a single trim edit is supported",
                    self.edit_count
                ));
            } else if media_time < 0 {
                rejected.push("edit list starts with an empty edit".into());
            } else {
                match self.check(media_time as u64, count) {
                    Ok(t) => return (Mp4Trim::EditList(t), rejected),
                    Err(e) => rejected.push(format!("edit list distrusted: {e}")),
                }
            }
        }
        if let Some((delay, _padding, count)) = self.itunsmpb {
            match self.check(delay, count) {
                Ok(t) => return (Mp4Trim::ITunSmpb(t), rejected),
                Err(e) => rejected.push(format!("iTunSMPB distrusted: {e}")),
            }
        }
        let why = if rejected.is_empty() {
            "no edit list and no iTunSMPB tag".to_string()
        } else {
            rejected.join("; ")
        };
        (Mp4Trim::None(why), rejected)
    }
}

/// Parses an iTunSMPB value: ` 00000000 DELAY PADDING COUNT …` (hex words).
pub fn parse_itunsmpb(text: &str) -> Option<(u64, u64, u64)> {
    let mut words = text.split_whitespace();
    let _zero = words.next()?;
    let delay = u64::from_str_radix(words.next()?, 16).ok()?;
    let padding = u64::from_str_radix(words.next()?, 16).ok()?;
    let count = u64::from_str_radix(words.next()?, 16).ok()?;
    Some((delay, padding, count))
}

struct BoxHeader {
    kind: [u8; 4],
    /// Payload start (absolute).
    start: u64,
    /// Payload end (absolute).
    end: u64,
}

fn read_header(f: &mut Source, pos: u64, limit: u64) -> std::io::Result<Option<BoxHeader>> {
    if pos + 8 > limit {
        return Ok(None);
    }
    f.seek(SeekFrom::Start(pos))?;
    let mut h = [0u8; 8];
    f.read_exact(&mut h)?;
    let size32 = u32::from_be_bytes([h[0], h[1], h[2], h[3]]);
    let kind = [h[4], h[5], h[6], h[7]];
    let (start, end) = match size32 {
        0 => (pos + 8, limit),
        1 => {
            let mut l = [0u8; 8];
            f.read_exact(&mut l)?;
            (pos + 16, pos.saturating_add(u64::from_be_bytes(l)))
        }
        n => (pos + 8, pos + u64::from(n)),
    };
    if end < start || end > limit {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("box {} overruns its parent", String::from_utf8_lossy(&kind)),
        ));
    }
    Ok(Some(BoxHeader { kind, start, end }))
}

fn children(f: &mut Source, start: u64, end: u64) -> std::io::Result<Vec<BoxHeader>> {
    let mut out = Vec::new();
    let mut pos = start;
    while let Some(h) = read_header(f, pos, end)? {
        pos = h.end;
        out.push(h);
        if pos >= end {
            break;
        }
    }
    Ok(out)
}

fn payload(f: &mut Source, h: &BoxHeader) -> std::io::Result<Vec<u8>> {
    const MAX: u64 = 64 << 20;
    let len = h.end - h.start;
    if len > MAX {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            "box too large",
        ));
    }
    f.seek(SeekFrom::Start(h.start))?;
    let mut buf = vec![0u8; len as usize];
    f.read_exact(&mut buf)?;
    Ok(buf)
}

fn be32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

fn be64(b: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_be_bytes(b.get(at..at + 8)?.try_into().ok()?))
}

/// Reads the gapless-relevant boxes of the first audio (`soun`) track of an MP4 file.
///
/// # Errors
/// [`Error::Io`] when the file cannot be read, [`Error::Corrupt`] when its boxes do not nest.
pub fn read(path: &Path) -> Result<Mp4Gapless> {
    read_input(&Input::file(path))
}

/// The same through an [`Input`]: a growing file is read where its bytes have arrived; a `moov` after
/// the media data waits for the download to reach it.
///
/// # Errors
/// As [`read`].
pub fn read_input(input: &Input) -> Result<Mp4Gapless> {
    let path = input.path();
    let mut f = input.open()?;
    let len = input.byte_len()?;
    walk(&mut f, len).map_err(|e| Error::corrupt(path, format!("MP4 boxes: {e}")))
}

fn walk(f: &mut Source, len: u64) -> std::io::Result<Mp4Gapless> {
    let mut g = Mp4Gapless::default();
    let top = children(f, 0, len)?;
    let Some(moov) = top.iter().find(|b| &b.kind == b"moov") else {
        return Ok(g);
    };
    for b in children(f, moov.start, moov.end)? {
        match &b.kind {
            b"mvhd" => {
                let p = payload(f, &b)?;
                let ts_at = if p.first() == Some(&1) { 20 } else { 12 };
                g.movie_timescale = be32(&p, ts_at);
            }
            b"trak" if g.media_timescale.is_none() => read_trak(f, &b, &mut g)?,
            b"udta" => read_udta(f, &b, &mut g)?,
            _ => {}
        }
    }
    Ok(g)
}

fn read_trak(f: &mut Source, trak: &BoxHeader, g: &mut Mp4Gapless) -> std::io::Result<()> {
    let kids = children(f, trak.start, trak.end)?;
    let Some(mdia) = kids.iter().find(|b| &b.kind == b"mdia") else {
        return Ok(());
    };
    let mdia_kids = children(f, mdia.start, mdia.end)?;
    let is_audio = match mdia_kids.iter().find(|b| &b.kind == b"hdlr") {
        Some(h) => payload(f, h)?.get(8..12) == Some(b"soun"),
        None => false,
    };
    if !is_audio {
        return Ok(());
    }
    if let Some(mdhd) = mdia_kids.iter().find(|b| &b.kind == b"mdhd") {
        let p = payload(f, mdhd)?;
        let ts_at = if p.first() == Some(&1) { 20 } else { 12 };
        g.media_timescale = be32(&p, ts_at);
    }
    if let Some(minf) = mdia_kids.iter().find(|b| &b.kind == b"minf") {
        for m in children(f, minf.start, minf.end)? {
            if &m.kind != b"stbl" {
                continue;
            }
            for s in children(f, m.start, m.end)? {
                if &s.kind == b"stts" {
                    let p = payload(f, &s)?;
                    let n = be32(&p, 4).unwrap_or(0) as usize;
                    let mut total: u64 = 0;
                    let mut packets: u64 = 0;
                    for i in 0..n {
                        let (Some(count), Some(delta)) =
                            (be32(&p, 8 + i * 8), be32(&p, 12 + i * 8))
                        else {
                            break;
                        };
                        total = total.saturating_add(u64::from(count) * u64::from(delta));
                        packets = packets.saturating_add(u64::from(count));
                    }
                    g.stts_total = Some(total);
                    g.stts_packets = Some(packets);
                }
            }
        }
    }
    if let Some(edts) = kids.iter().find(|b| &b.kind == b"edts") {
        for e in children(f, edts.start, edts.end)? {
            if &e.kind != b"elst" {
                continue;
            }
            let p = payload(f, &e)?;
            let v1 = p.first() == Some(&1);
            let n = be32(&p, 4).unwrap_or(0) as usize;
            let mut edits = Vec::new();
            for i in 0..n {
                let entry = if v1 {
                    let at = 8 + i * 20;
                    be64(&p, at).zip(be64(&p, at + 8).map(|t| t as i64))
                } else {
                    let at = 8 + i * 12;
                    be32(&p, at)
                        .map(u64::from)
                        .zip(be32(&p, at + 4).map(|t| i64::from(t as i32)))
                };
                let Some((seg, media_time)) = entry else {
                    break;
                };
                edits.push((media_time, seg));
            }
            // An initial empty edit (media_time −1) delays the start; we report it rather than guess.
            g.edit_count = edits.iter().filter(|(t, _)| *t >= 0).count();
            g.edit = edits.first().copied();
        }
    }
    Ok(())
}

fn read_udta(f: &mut Source, udta: &BoxHeader, g: &mut Mp4Gapless) -> std::io::Result<()> {
    for m in children(f, udta.start, udta.end)? {
        if &m.kind != b"meta" {
            continue;
        }
        // `meta` is a full box: 4 bytes of version and flags before its children.
        for i in children(f, m.start + 4, m.end)? {
            if &i.kind != b"ilst" {
                continue;
            }
            for item in children(f, i.start, i.end)? {
                if &item.kind != b"----" {
                    continue;
                }
                let mut name = None;
                let mut data = None;
                for part in children(f, item.start, item.end)? {
                    let p = payload(f, &part)?;
                    match &part.kind {
                        b"name" => {
                            name = p.get(4..).map(|s| String::from_utf8_lossy(s).into_owned())
                        }
                        b"data" => {
                            data = p.get(8..).map(|s| String::from_utf8_lossy(s).into_owned())
                        }
                        _ => {}
                    }
                }
                if name.as_deref() == Some("iTunSMPB") {
                    g.itunsmpb = data.as_deref().and_then(parse_itunsmpb);
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn g(edit: Option<(i64, u64)>, smpb: Option<(u64, u64, u64)>) -> Mp4Gapless {
        Mp4Gapless {
            media_timescale: Some(44_100),
            movie_timescale: Some(44_100),
            stts_total: Some(178_176),
            stts_packets: Some(174),
            edit,
            edit_count: usize::from(edit.is_some()),
            itunsmpb: smpb,
        }
    }

    #[test]
    fn edit_list_wins_when_consistent() {
        let (t, _) = g(Some((1024, 176_401)), Some((1024, 751, 176_401))).trim();
        assert_eq!(
            t,
            Mp4Trim::EditList(Trim {
                delay: 1024,
                frames: 176_401
            })
        );
    }

    #[test]
    fn itunsmpb_used_without_edit_list_and_refused_when_it_contradicts() {
        let (t, _) = g(None, Some((1024, 751, 176_401))).trim();
        assert!(matches!(t, Mp4Trim::ITunSmpb(_)));
        let (t, rejected) = g(None, Some((0x210, 0x948, 0x9648A8))).trim();
        assert!(matches!(t, Mp4Trim::None(_)), "{t:?}");
        assert!(rejected[0].contains("distrusted"));
        // Too much padding left over is as suspicious as too little stream.
        let (t, _) = g(None, Some((1024, 0, 100_000))).trim();
        assert!(matches!(t, Mp4Trim::None(_)));
    }

    #[test]
    fn itunsmpb_text_parses() {
        assert_eq!(
            parse_itunsmpb(" 00000000 00000400 000002EF 000000000002B111 00000000"),
            Some((1024, 751, 176_401))
        );
        assert_eq!(parse_itunsmpb("garbage"), None);
    }
}
