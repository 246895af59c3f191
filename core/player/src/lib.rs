//! Gapless playback (issue #5 builds the engine here).
//!
//! Design (ARCHITECTURE.md "Playback"):
//!
//! ```text
//!  PlayerCmd ──► engine thread ──► decode (symphonia; libopus) ──► trim delay/padding ──► queue
//!                     │                                                                  │
//!                     ▼                                                                  ▼
//!               PlayerEvent ◄── cue tracks (verses, lyrics, chords) ◄── sample clock ◄── AudioOutput
//!                                                                        (rodio device | WAV | memory)
//! ```
//!
//! What exists today are the unit types every part of that pipeline shares: [`Position`], counted in
//! sample frames so that cue lookups and joins are exact, and [`Volume`], with its decibel mapping.
//! The engine, decoders and outputs arrive with the player issue; this crate will own its thread and
//! never expose rodio or symphonia types.

pub mod cue;
pub mod decode;
mod engine;
mod error;
pub mod lrc;
pub mod output;
mod render;
mod resample;
mod units;

pub use cue::{Cue, CueKind, CuePayload, CueTrack, Showing, VerseRef};
pub use decode::{Codec, Gapless, TrackInfo, TrimSource};
pub use engine::{
    EntryId, PlaybackStatus, Player, PlayerCmd, PlayerConfig, PlayerEvent, PlayerState, QueueItem,
    RepeatMode, ReplayGain, ReplayGainMode,
};
pub use error::{Error, Result};
pub use lrc::Lrc;
pub use output::{AudioOutput, DeviceOutput, MemorySink, MemoryTap, WavFormat, WavSink};
pub use render::{RenderOptions, RenderReport, RenderedTrack, render_to_memory, render_to_wav};
pub use units::{Position, Volume};
