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

pub mod decode;
mod error;
mod units;

pub use error::{Error, Result};
pub use units::{Position, Volume};
