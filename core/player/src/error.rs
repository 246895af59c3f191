//! The crate's error type: one enum, each variant a message a user can act on.

use std::path::PathBuf;

/// Errors of playback.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A sample rate of zero cannot describe a stream.
    #[error("sample rate must be positive")]
    ZeroSampleRate,
    /// A volume outside 0.0–1.0 or not a number.
    #[error("volume {0} is outside 0.0–1.0")]
    InvalidVolume(f32),
    /// A file could not be opened or read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// What the system said.
        source: std::io::Error,
    },
    /// The container or codec is not one this player decodes.
    #[error("unsupported format in {path}: {reason}")]
    Unsupported {
        /// The file.
        path: PathBuf,
        /// What was found.
        reason: String,
    },
    /// The file is damaged or not what its name says.
    #[error("cannot decode {path}: {reason}")]
    Corrupt {
        /// The file.
        path: PathBuf,
        /// What the decoder said.
        reason: String,
    },
    /// No audio output device could be opened (no sound card, or it is busy).
    #[error("no audio device: {0}")]
    NoAudioDevice(String),
    /// Writing to an audio output (WAV file or device) failed.
    #[error("audio output failed: {0}")]
    Output(String),
    /// The resampler could not be built or run.
    #[error("resampling failed: {0}")]
    Resample(String),
    /// A queue index that does not exist.
    #[error("queue has no entry {index} (length {len})")]
    NoSuchEntry {
        /// The index asked for.
        index: usize,
        /// The queue length.
        len: usize,
    },
    /// The engine thread is gone (it panicked or was shut down).
    #[error("the player engine has stopped")]
    EngineGone,
}

impl Error {
    pub(crate) fn io(path: &std::path::Path, source: std::io::Error) -> Self {
        Error::Io {
            path: path.to_path_buf(),
            source,
        }
    }

    pub(crate) fn corrupt(path: &std::path::Path, reason: impl Into<String>) -> Self {
        Error::Corrupt {
            path: path.to_path_buf(),
            reason: reason.into(),
        }
    }

    pub(crate) fn unsupported(path: &std::path::Path, reason: impl Into<String>) -> Self {
        Error::Unsupported {
            path: path.to_path_buf(),
            reason: reason.into(),
        }
    }
}

/// Result with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
