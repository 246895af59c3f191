//! Rendering a list of files through the real engine into a WAV file or memory (`cnt play --output`,
//! tests), with a report of what each track contributed and how it was trimmed.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::decode::{self, TrackInfo};
use crate::engine::{EntryId, Player, PlayerCmd, PlayerEvent, QueueItem};
use crate::output::{AudioOutput, MemorySink, WavFormat, WavSink};
use crate::{Error, Result};

/// Output format of a render; `None` fields follow the first file that opens.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RenderOptions {
    /// Output rate (tracks at other rates are resampled).
    pub rate: Option<u32>,
    /// Output channels.
    pub channels: Option<u16>,
    /// WAV sample format.
    pub format: WavFormat,
}

impl Default for RenderOptions {
    fn default() -> Self {
        RenderOptions {
            rate: None,
            channels: None,
            format: WavFormat::Int16,
        }
    }
}

/// One file of a render.
#[derive(Clone, Debug, PartialEq)]
pub struct RenderedTrack {
    /// The file.
    pub path: PathBuf,
    /// What was decoded (codec, gapless source, delay and padding trimmed), or why it failed.
    pub result: std::result::Result<TrackInfo, String>,
    /// Output frame where it starts.
    pub start_frame: u64,
    /// Output frames it contributed.
    pub frames: u64,
}

/// What a render did: one line per file, and the total.
#[derive(Clone, Debug, PartialEq)]
pub struct RenderReport {
    /// Per file, in order played.
    pub tracks: Vec<RenderedTrack>,
    /// Output rate.
    pub rate: u32,
    /// Output channels.
    pub channels: u16,
    /// Total output frames.
    pub total_frames: u64,
}

impl std::fmt::Display for RenderReport {
    /// One line per file (codec, rate, output frames, where the trims came from, delay, padding,
    /// anything distrusted, or the error), then the total: what `cnt play --output` prints.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for t in &self.tracks {
            match &t.result {
                Ok(i) => {
                    write!(
                        f,
                        "{}: {:?} {} Hz, frames {}..{}, trims from {:?} (delay {}, padding {})",
                        t.path.display(),
                        i.codec,
                        i.rate,
                        t.start_frame,
                        t.start_frame + t.frames,
                        i.gapless.source,
                        i.gapless.delay,
                        i.gapless.padding
                    )?;
                    if !i.gapless.distrusted.is_empty() {
                        write!(f, "; distrusted: {}", i.gapless.distrusted.join("; "))?;
                    }
                    writeln!(f)?;
                }
                Err(e) => writeln!(f, "{}: error: {e}", t.path.display())?,
            }
        }
        write!(
            f,
            "{} frames at {} Hz, {} channels",
            self.total_frames, self.rate, self.channels
        )
    }
}

impl RenderReport {
    /// The output frames where one track ends and the next begins.
    pub fn joins(&self) -> Vec<u64> {
        self.tracks
            .iter()
            .filter(|t| t.result.is_ok() && t.frames > 0)
            .skip(1)
            .map(|t| t.start_frame)
            .collect()
    }
}

fn output_format(files: &[PathBuf], opts: &RenderOptions) -> (u32, u16) {
    let first = files.iter().find_map(|f| {
        decode::open(f)
            .ok()
            .map(|d| (d.info().rate, d.info().channels))
    });
    let (r, c) = first.unwrap_or((44_100, 2));
    (opts.rate.unwrap_or(r), opts.channels.unwrap_or(c))
}

fn run(files: &[PathBuf], output: Box<dyn AudioOutput>) -> Result<RenderReport> {
    let (rate, channels) = (output.rate(), output.channels());
    let player = Player::spawn(output)?;
    player.send(PlayerCmd::Append(
        files.iter().map(|f| QueueItem::new(f.clone())).collect(),
    ))?;
    player.send(PlayerCmd::Play)?;
    let mut order: Vec<EntryId> = Vec::new();
    let mut rows: HashMap<EntryId, RenderedTrack> = HashMap::new();
    let mut paths: HashMap<EntryId, PathBuf> = HashMap::new();
    let mut total = 0;
    loop {
        let ev = player.events().recv().map_err(|_| Error::EngineGone)?;
        match ev {
            PlayerEvent::QueueChanged(q) => paths.extend(q),
            PlayerEvent::TrackStarted {
                entry,
                info,
                output_frame,
            } => {
                order.push(entry);
                rows.insert(
                    entry,
                    RenderedTrack {
                        path: paths.get(&entry).cloned().unwrap_or_default(),
                        result: Ok(info),
                        start_frame: output_frame,
                        frames: 0,
                    },
                );
            }
            PlayerEvent::TrackEnded {
                entry,
                output_frame,
            } => {
                if let Some(r) = rows.get_mut(&entry) {
                    r.frames = output_frame - r.start_frame;
                }
                total = total.max(output_frame);
            }
            PlayerEvent::TrackError { entry, path, error } => {
                if let Some(r) = rows.get_mut(&entry) {
                    r.result = Err(error);
                } else {
                    order.push(entry);
                    rows.insert(
                        entry,
                        RenderedTrack {
                            path,
                            result: Err(error),
                            start_frame: total,
                            frames: 0,
                        },
                    );
                }
            }
            PlayerEvent::OutputError(e) => return Err(Error::Output(e)),
            PlayerEvent::QueueEnded => break,
            _ => {}
        }
    }
    player.shutdown()?;
    let tracks = order
        .into_iter()
        .filter_map(|id| rows.remove(&id))
        .collect();
    Ok(RenderReport {
        tracks,
        rate,
        channels,
        total_frames: total,
    })
}

/// Plays `files` gaplessly through the engine into a WAV file at `out`.
///
/// # Errors
/// [`Error::Output`] when the WAV file cannot be written; a file that fails to decode is reported
/// in its [`RenderedTrack::result`] and skipped.
pub fn render_to_wav(files: &[PathBuf], out: &Path, opts: RenderOptions) -> Result<RenderReport> {
    let (rate, channels) = output_format(files, &opts);
    let sink = WavSink::create(out, rate, channels, opts.format)?;
    run(files, Box::new(sink))
}

/// Plays `files` gaplessly through the engine into memory; returns the interleaved samples.
///
/// # Errors
/// As [`render_to_wav`].
pub fn render_to_memory(
    files: &[PathBuf],
    opts: RenderOptions,
) -> Result<(Vec<f32>, RenderReport)> {
    let (rate, channels) = output_format(files, &opts);
    let (sink, tap) = MemorySink::new(rate, channels);
    let report = run(files, Box::new(sink))?;
    Ok((tap.samples(), report))
}
