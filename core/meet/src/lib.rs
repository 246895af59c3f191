//! Meetings and going live over LiveKit (the meetings issue builds it).
//!
//! Design (ARCHITECTURE.md "Meetings and live"): the backend mints LiveKit access tokens; the client
//! joins with GStreamer's `livekitwebrtcsrc`/`livekitwebrtcsink` over `webrtcbin` (the `livekit` client
//! crate cannot be built here: it downloads a prebuilt libwebrtc). Whatever the transport, the UI only
//! sees the app-owned types below, so the transport can change without touching a screen.
//!
//! Today: the event and participant types and the error vocabulary; no network code yet.

/// Errors of meetings.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The LiveKit server could not be reached.
    #[error("cannot reach the meeting server at {url}: {reason}")]
    Unreachable {
        /// The LiveKit URL.
        url: String,
        /// Why.
        reason: String,
    },
    /// The access token was refused or has expired.
    #[error("the meeting server refused the access token: {0}")]
    TokenRefused(String),
}

/// Result with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Someone in a room.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Participant {
    /// Stable identity inside the room (the user id the token was minted for).
    pub identity: String,
    /// Name shown on the tile.
    pub display_name: String,
    /// Whether their microphone is on.
    pub audio_on: bool,
    /// Whether their camera is on.
    pub video_on: bool,
}

/// Something that happened in a room, as the UI sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RoomEvent {
    /// We are in.
    Connected,
    /// Someone joined.
    ParticipantJoined(Participant),
    /// Someone left.
    ParticipantLeft {
        /// Their identity.
        identity: String,
    },
    /// Someone's microphone or camera changed.
    ParticipantChanged(Participant),
    /// The connection dropped and is being retried.
    Reconnecting,
    /// We left or were removed.
    Disconnected {
        /// Why, in English, for the log and a detail line.
        reason: String,
    },
}
