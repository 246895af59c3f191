//! Units shared by every part of the pipeline: [`Position`] in sample frames, [`Volume`] as a linear factor.

use std::time::Duration;

use crate::{Error, Result};

/// A position in a stream, in sample frames at a sample rate: exact, unlike a float of seconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Position {
    frames: u64,
    rate: u32,
}

impl Position {
    /// `frames` frames into a stream of `rate` Hz.
    ///
    /// # Errors
    /// [`Error::ZeroSampleRate`] when `rate` is 0.
    pub fn new(frames: u64, rate: u32) -> Result<Self> {
        if rate == 0 {
            return Err(Error::ZeroSampleRate);
        }
        Ok(Position { frames, rate })
    }

    /// The frame nearest to `time` at `rate` Hz.
    ///
    /// # Errors
    /// [`Error::ZeroSampleRate`] when `rate` is 0.
    pub fn from_duration(time: Duration, rate: u32) -> Result<Self> {
        if rate == 0 {
            return Err(Error::ZeroSampleRate);
        }
        let nanos = time.as_nanos();
        let frames = (nanos * u128::from(rate) + 500_000_000) / 1_000_000_000;
        Ok(Position {
            frames: u64::try_from(frames).unwrap_or(u64::MAX),
            rate,
        })
    }

    /// `ms` milliseconds, as a position at 1000 Hz (how LRC and other timed text count).
    pub fn from_millis(ms: u64) -> Self {
        Position {
            frames: ms,
            rate: 1000,
        }
    }

    /// The same instant at another rate, rounded to the nearest frame.
    pub fn at_rate(self, rate: u32) -> Result<Self> {
        if rate == 0 {
            return Err(Error::ZeroSampleRate);
        }
        let r = u128::from(self.rate);
        let f = (u128::from(self.frames) * u128::from(rate) + r / 2) / r;
        Ok(Position {
            frames: u64::try_from(f).unwrap_or(u64::MAX),
            rate,
        })
    }

    /// Frames from the start.
    pub fn frames(self) -> u64 {
        self.frames
    }

    /// The sample rate.
    pub fn rate(self) -> u32 {
        self.rate
    }

    /// The same instant as a duration (rounded down to the nanosecond).
    pub fn as_duration(self) -> Duration {
        let nanos = u128::from(self.frames) * 1_000_000_000 / u128::from(self.rate);
        Duration::from_nanos(u64::try_from(nanos).unwrap_or(u64::MAX))
    }

    /// `m:ss` (or `h:mm:ss`), as shown on a progress bar.
    pub fn clock(self) -> String {
        let secs = self.frames / u64::from(self.rate);
        let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
        if h > 0 {
            format!("{h}:{m:02}:{s:02}")
        } else {
            format!("{m}:{s:02}")
        }
    }
}

/// A linear playback volume from 0.0 (silent) to 1.0 (full).
#[derive(Clone, Copy, Debug, PartialEq, PartialOrd)]
pub struct Volume(f32);

impl Volume {
    /// Silence.
    pub const MUTED: Volume = Volume(0.0);
    /// Full scale.
    pub const FULL: Volume = Volume(1.0);

    /// A volume from a linear factor.
    ///
    /// # Errors
    /// [`Error::InvalidVolume`] outside 0.0–1.0 or for NaN.
    pub fn new(linear: f32) -> Result<Self> {
        if (0.0..=1.0).contains(&linear) {
            Ok(Volume(linear))
        } else {
            Err(Error::InvalidVolume(linear))
        }
    }

    /// The linear factor.
    pub fn linear(self) -> f32 {
        self.0
    }

    /// The gain in decibels (−∞ for silence).
    pub fn decibels(self) -> f32 {
        20.0 * self.0.log10()
    }

    /// A volume from a gain in decibels, clamped to full scale.
    pub fn from_decibels(db: f32) -> Volume {
        Volume(10f32.powf(db / 20.0).clamp(0.0, 1.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_exact_in_frames() {
        let p = Position::from_duration(Duration::from_secs(92), 44_100).expect("pos");
        assert_eq!(p.frames(), 92 * 44_100);
        assert_eq!(p.as_duration(), Duration::from_secs(92));
        assert_eq!(p.clock(), "1:32");
        assert_eq!(
            Position::new(3_600 * 48_000 + 5 * 48_000, 48_000)
                .expect("p")
                .clock(),
            "1:00:05"
        );
        assert!(Position::new(1, 0).is_err());
    }

    #[test]
    fn volume_maps_to_decibels_and_back() {
        let half = Volume::from_decibels(-6.0206);
        assert!((half.linear() - 0.5).abs() < 1e-4);
        assert!((Volume::new(0.5).expect("v").decibels() + 6.0206).abs() < 1e-3);
        assert_eq!(Volume::from_decibels(12.0), Volume::FULL);
        assert!(Volume::new(1.5).is_err());
        assert!(Volume::new(f32::NAN).is_err());
    }
}
