//! Sample-rate conversion, used only when a track's rate differs from the output's.
//!
//! rubato's synchronous FFT resampler (`FftFixedIn`): band-limited, fixed ratio, fast. It has a delay
//! of some output frames; [`Resample`] drops them at the start and, at [`Resample::finish`], pushes
//! silence through until exactly `round(input · out_rate / in_rate)` frames came out. So a track keeps
//! its length (in time) and joins stay free of gaps.

use rubato::{FftFixedIn, Resampler};

use crate::{Error, Result};

const CHUNK: usize = 1024;

/// A streaming resampler for interleaved `f32`.
pub struct Resample {
    inner: FftFixedIn<f32>,
    channels: usize,
    in_rate: u64,
    out_rate: u64,
    pending: Vec<Vec<f32>>,
    to_drop: usize,
    in_total: u64,
    out_total: u64,
}

impl Resample {
    /// A resampler from `in_rate` to `out_rate` for `channels` channels.
    ///
    /// # Errors
    /// [`Error::Resample`] for rates rubato refuses.
    pub fn new(in_rate: u32, out_rate: u32, channels: u16) -> Result<Self> {
        let channels = usize::from(channels.max(1));
        let inner = FftFixedIn::<f32>::new(in_rate as usize, out_rate as usize, CHUNK, 2, channels)
            .map_err(|e| Error::Resample(e.to_string()))?;
        let to_drop = inner.output_delay();
        Ok(Resample {
            inner,
            channels,
            in_rate: u64::from(in_rate),
            out_rate: u64::from(out_rate),
            pending: vec![Vec::new(); channels],
            to_drop,
            in_total: 0,
            out_total: 0,
        })
    }

    fn emit(&mut self, waves: &[Vec<f32>], out: &mut Vec<f32>, limit: Option<u64>) {
        let frames = waves.first().map_or(0, Vec::len);
        let mut start = self.to_drop.min(frames);
        self.to_drop -= start;
        let mut end = frames;
        if let Some(limit) = limit {
            let left = limit.saturating_sub(self.out_total) as usize;
            end = end.min(start + left);
        }
        if start > end {
            start = end;
        }
        for i in start..end {
            for w in waves {
                out.push(w[i]);
            }
        }
        self.out_total += (end - start) as u64;
    }

    /// Feeds interleaved input; appends whatever output is ready.
    ///
    /// # Errors
    /// [`Error::Resample`] when rubato fails.
    pub fn push(&mut self, input: &[f32], out: &mut Vec<f32>) -> Result<()> {
        for frame in input.chunks_exact(self.channels) {
            for (c, s) in frame.iter().enumerate() {
                self.pending[c].push(*s);
            }
        }
        self.in_total += (input.len() / self.channels) as u64;
        loop {
            let need = self.inner.input_frames_next();
            if self.pending[0].len() < need {
                return Ok(());
            }
            let chunk: Vec<Vec<f32>> = self
                .pending
                .iter_mut()
                .map(|p| p.drain(..need).collect())
                .collect();
            let waves = self
                .inner
                .process(&chunk, None)
                .map_err(|e| Error::Resample(e.to_string()))?;
            self.emit(&waves, out, None);
        }
    }

    /// Flushes: appends the rest, so that the total output is exactly the input length at the new rate.
    ///
    /// # Errors
    /// [`Error::Resample`] when rubato fails.
    pub fn finish(&mut self, out: &mut Vec<f32>) -> Result<()> {
        let expected = (self.in_total * self.out_rate + self.in_rate / 2) / self.in_rate;
        let mut guard = 0;
        while self.out_total < expected && guard < 64 {
            let rest: Vec<Vec<f32>> = self.pending.iter_mut().map(std::mem::take).collect();
            // rubato refuses an empty slice; `None` means "no more input" and pushes silence through.
            let input = if rest[0].is_empty() {
                None
            } else {
                Some(rest.as_slice())
            };
            let waves = self
                .inner
                .process_partial(input, None)
                .map_err(|e| Error::Resample(e.to_string()))?;
            self.emit(&waves, out, Some(expected));
            guard += 1;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_length_in_time_and_the_pitch() {
        let mut r = Resample::new(44_100, 48_000, 1).expect("resampler");
        let input: Vec<f32> = (0..44_100)
            .map(|i| (2.0 * std::f32::consts::PI * 440.0 * i as f32 / 44_100.0).sin() * 0.5)
            .collect();
        let mut out = Vec::new();
        // 44 100 = 43·1024 + 68: the last chunk is partial. The stereo case below ends on a whole chunk.
        for block in input.chunks(777) {
            r.push(block, &mut out).expect("push");
        }
        r.finish(&mut out).expect("finish");
        assert_eq!(out.len(), 48_000);
        // The output is the same 440 Hz sine at 48 kHz, in phase (the delay was removed).
        let err: f32 = (2_000..46_000)
            .map(|i| {
                let want = (2.0 * std::f32::consts::PI * 440.0 * i as f32 / 48_000.0).sin() * 0.5;
                (out[i] - want).abs()
            })
            .fold(0.0, f32::max);
        assert!(err < 0.01, "max error {err}");
    }

    #[test]
    fn flushes_when_the_input_ends_on_a_whole_chunk() {
        let mut r = Resample::new(44_100, 48_000, 2).expect("resampler");
        let input = vec![0.1f32; 1024 * 50 * 2];
        let mut out = Vec::new();
        r.push(&input, &mut out).expect("push");
        r.finish(&mut out).expect("finish");
        assert_eq!(out.len() / 2, (1024 * 50 * 48_000 + 22_050) / 44_100);
    }
}
