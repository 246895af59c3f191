//! On-device editing of audio and video on GStreamer Editing Services (the studio issue builds it).
//!
//! Design (ARCHITECTURE.md "Studio"):
//!
//! ```text
//!  Edit (clips, trims, fades, effects, overlays) ──► GES timeline ──► encodebin ──► file
//!         │ saved as a local draft                         │ bus on a glib::MainLoop thread
//!         ▼                                                ▼
//!   cnt-library drafts                       StudioEvent::Progress / Done / Failed
//! ```
//!
//! Today this crate holds only its error vocabulary and the progress type that the UI's export
//! dialog will show; it does not yet link GStreamer, so the rest of the workspace builds and tests
//! without it. GStreamer and GES types will never appear in its public API.

/// Errors of editing and exporting.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A GStreamer element the edit needs is not installed.
    #[error("the GStreamer element {element:?} is missing (install the package {package})")]
    MissingElement {
        /// The element's factory name.
        element: String,
        /// The Debian package that ships it.
        package: String,
    },
    /// The fraction is outside 0–1.
    #[error("progress {0} is outside 0–1")]
    InvalidProgress(f64),
}

/// Result with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// How far an export has got, from 0 to 1.
#[derive(Clone, Copy, Debug, PartialEq, PartialOrd)]
pub struct Progress(f64);

impl Progress {
    /// A progress fraction.
    ///
    /// # Errors
    /// [`Error::InvalidProgress`] outside 0–1 or for NaN.
    pub fn new(fraction: f64) -> Result<Self> {
        if (0.0..=1.0).contains(&fraction) {
            Ok(Progress(fraction))
        } else {
            Err(Error::InvalidProgress(fraction))
        }
    }

    /// Progress from work done out of a total; no total means no progress yet.
    pub fn of(done: u64, total: u64) -> Self {
        if total == 0 {
            Progress(0.0)
        } else {
            Progress((done.min(total)) as f64 / total as f64)
        }
    }

    /// Whole percent, rounded down, as shown in the export dialog.
    pub fn percent(self) -> u8 {
        (self.0 * 100.0).floor() as u8
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_is_bounded() {
        assert_eq!(Progress::of(1, 3).percent(), 33);
        assert_eq!(Progress::of(5, 3).percent(), 100);
        assert_eq!(Progress::of(5, 0).percent(), 0);
        assert!(Progress::new(1.01).is_err());
        assert!(Progress::new(f64::NAN).is_err());
    }
}
