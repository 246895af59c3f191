//! Gapless playback: decode, a sample-exact queue, audio outputs, and cue tracks on the sample clock.
//!
//! ```text
//!  PlayerCmd ──► engine thread (engine.rs) ──► decode::open (symphonia 0.6 | libopus) ──► trims (decode/)
//!                     │  queue, repeat, shuffle, seek, ReplayGain·volume·fade, rubato if rates differ
//!                     ▼
//!                AudioOutput::write ──► DeviceOutput (rodio) | WavSink (hound) | MemorySink
//!                     │
//!  PlayerEvent ◄──────┴── released when AudioOutput::played_frames() reaches their frame:
//!                          TrackStarted, Cue (exact sample), Position, TrackError, QueueEnded …
//! ```
//!
//! - Joins are exact because every decoder hands out only the track's original frames (encoder delay
//!   and padding trimmed, see [`decode`]) and the engine writes the next track's first block right after
//!   the previous track's last one. Where a file cannot be trimmed it says so ([`TrimSource::Unavailable`],
//!   [`PlayerEvent::NotGapless`]).
//! - Threading: [`Player`] owns the engine thread and the event receiver; [`PlayerHandle`] (`Clone + Sync`)
//!   sends commands and reads state from anywhere. The engine owns decoders and the output on its own
//!   thread (plus a short-lived helper that opens the next file ahead); commands go in over a channel,
//!   events come out over another, and [`PlayerState`] is a snapshot kept by [`PlayerState::apply`],
//!   which the UI may also use to mirror state from events.
//! - Streaming: a [`QueueItem::growing`] entry is read through a [`Growing`] file that a downloader
//!   fills (see [`source`]); decoders read only bytes already written and wait for the rest, and an
//!   incomplete file is opened on the helper thread so the engine keeps handling commands meanwhile.
//! - Positions are [`Position`]s (frames at a rate), never float seconds: cues and seeks are exact.
//! - `cnt play --output`: [`render_to_wav`] plays files through the same engine into a WAV file and
//!   reports, per file, codec, trims and where they came from.
//! - No symphonia, rodio or libopus type appears in this API. This crate depends on `cnt-model` only
//!   among ours; it never touches SQLite, the network or the UI.

pub mod cue;
pub mod decode;
mod engine;
mod error;
pub mod lrc;
pub mod output;
mod render;
mod resample;
pub mod source;
mod units;

pub use cue::{Cue, CueKind, CuePayload, CueTrack, Showing, VerseRef};
pub use decode::{Codec, Gapless, TrackInfo, TrimSource};
pub use engine::{
    EntryId, PlaybackStatus, Player, PlayerCmd, PlayerConfig, PlayerEvent, PlayerHandle,
    PlayerState, QueueItem, RepeatMode, ReplayGain, ReplayGainMode,
};
pub use error::{Error, Result};
pub use lrc::Lrc;
pub use output::{AudioOutput, DeviceOutput, MemorySink, MemoryTap, WavFormat, WavSink};
pub use render::{RenderOptions, RenderReport, RenderedTrack, render_to_memory, render_to_wav};
pub use source::{Growing, Growth, Input};
pub use units::{Position, Volume};
