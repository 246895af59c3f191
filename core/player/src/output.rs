//! Where samples go: the [`AudioOutput`] trait and its three implementations.
//!
//! ```text
//!  engine ──write(&[f32])──► MemorySink   (tests: keeps every sample; optionally gated frame by frame)
//!                       └──► WavSink      (`cnt play --output`: 16-bit PCM or 32-bit float WAV via hound)
//!                       └──► DeviceOutput (the sound card: a ring buffer read by a rodio Source)
//! ```
//!
//! The engine's clock is [`AudioOutput::played_frames`]: frames that have actually been heard. For the
//! memory and WAV sinks that is every frame written; for the device it is what the sound card has pulled
//! from the ring, so cue and track events fire when the sample is heard, not when it was decoded.
//!
//! rodio's device sink is not `Send` (cpal streams are tied to their thread), so [`DeviceOutput`] keeps it
//! on a small thread of its own and talks to it only through the shared ring.

use std::collections::VecDeque;
use std::fs::File;
use std::io::BufWriter;
use std::num::NonZero;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::Duration;

use crate::{Error, Result};

/// A destination for interleaved `f32` samples at a fixed rate and channel count.
pub trait AudioOutput: Send {
    /// Sample rate the output expects.
    fn rate(&self) -> u32;
    /// Channels the output expects.
    fn channels(&self) -> u16;
    /// Writes interleaved samples (a whole number of frames). May block while a device buffer is full.
    ///
    /// # Errors
    /// [`Error::Output`] when the destination fails (disk full, device gone).
    fn write(&mut self, samples: &[f32]) -> Result<()>;
    /// Frames heard so far (the playback clock).
    fn played_frames(&self) -> u64;
    /// Frames written so far.
    fn written_frames(&self) -> u64;
    /// Drops samples written but not yet heard (after a seek or a skip), so the change is heard at once.
    fn discard_buffered(&mut self) {}
    /// Pauses a clocked output (the device); sinks ignore it.
    fn pause(&mut self) {}
    /// Resumes after [`AudioOutput::pause`].
    fn resume(&mut self) {}
    /// Flushes what was written (finalises a WAV header, lets a device drain).
    ///
    /// # Errors
    /// [`Error::Output`] when the flush fails.
    fn finish(&mut self) -> Result<()> {
        Ok(())
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic elsewhere must not take playback down with it: the data is plain samples.
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

#[derive(Default)]
struct MemoryInner {
    samples: Vec<f32>,
    /// Frames the gate still lets through; `None` = ungated.
    budget: Option<u64>,
    closed: bool,
}

/// An in-memory sink: every sample is kept, and a [`MemoryTap`] reads them from another thread.
pub struct MemorySink {
    rate: u32,
    channels: u16,
    shared: Arc<(Mutex<MemoryInner>, Condvar)>,
}

/// The reading end of a [`MemorySink`].
#[derive(Clone)]
pub struct MemoryTap {
    channels: u16,
    shared: Arc<(Mutex<MemoryInner>, Condvar)>,
}

impl MemorySink {
    /// An ungated sink: writes never block.
    pub fn new(rate: u32, channels: u16) -> (MemorySink, MemoryTap) {
        Self::build(rate, channels, None)
    }

    /// A gated sink: writes block until [`MemoryTap::allow`] lets frames through. Tests use it to edit
    /// the queue or seek at a known point of the output, as a real (clocked) device would allow.
    /// The engine releases events after each write returns, so allow at least a whole block (a few
    /// thousand frames) before waiting for an event.
    pub fn gated(rate: u32, channels: u16) -> (MemorySink, MemoryTap) {
        Self::build(rate, channels, Some(0))
    }

    fn build(rate: u32, channels: u16, budget: Option<u64>) -> (MemorySink, MemoryTap) {
        let shared = Arc::new((
            Mutex::new(MemoryInner {
                budget,
                ..MemoryInner::default()
            }),
            Condvar::new(),
        ));
        (
            MemorySink {
                rate,
                channels,
                shared: shared.clone(),
            },
            MemoryTap { channels, shared },
        )
    }
}

impl Drop for MemorySink {
    fn drop(&mut self) {
        lock(&self.shared.0).closed = true;
        self.shared.1.notify_all();
    }
}

impl AudioOutput for MemorySink {
    fn rate(&self) -> u32 {
        self.rate
    }

    fn channels(&self) -> u16 {
        self.channels
    }

    fn write(&mut self, samples: &[f32]) -> Result<()> {
        let ch = usize::from(self.channels.max(1));
        let (m, cv) = &*self.shared;
        let mut rest = samples;
        let mut inner = lock(m);
        while !rest.is_empty() {
            let n = match inner.budget {
                None => rest.len(),
                Some(0) => {
                    inner = cv
                        .wait(inner)
                        .unwrap_or_else(std::sync::PoisonError::into_inner);
                    continue;
                }
                Some(b) => (b as usize * ch).min(rest.len()),
            };
            inner.samples.extend_from_slice(&rest[..n]);
            if let Some(b) = inner.budget.as_mut() {
                *b -= (n / ch) as u64;
            }
            rest = &rest[n..];
            cv.notify_all();
        }
        Ok(())
    }

    fn played_frames(&self) -> u64 {
        self.written_frames()
    }

    fn written_frames(&self) -> u64 {
        (lock(&self.shared.0).samples.len() / usize::from(self.channels.max(1))) as u64
    }
}

impl MemoryTap {
    /// A copy of every sample written so far.
    pub fn samples(&self) -> Vec<f32> {
        lock(&self.shared.0).samples.clone()
    }

    /// Frames written so far.
    pub fn frames(&self) -> u64 {
        (lock(&self.shared.0).samples.len() / usize::from(self.channels.max(1))) as u64
    }

    /// Lets `frames` more frames through a gated sink.
    pub fn allow(&self, frames: u64) {
        let (m, cv) = &*self.shared;
        if let Some(b) = lock(m).budget.as_mut() {
            *b += frames;
        }
        cv.notify_all();
    }

    /// Opens the gate for good.
    pub fn open(&self) {
        let (m, cv) = &*self.shared;
        lock(m).budget = None;
        cv.notify_all();
    }

    /// Blocks until `frames` frames have been written (or the sink is dropped); returns the count.
    pub fn wait_for(&self, frames: u64) -> u64 {
        let (m, cv) = &*self.shared;
        let ch = usize::from(self.channels.max(1));
        let mut inner = lock(m);
        loop {
            let have = (inner.samples.len() / ch) as u64;
            if have >= frames || inner.closed {
                return have;
            }
            inner = cv
                .wait(inner)
                .unwrap_or_else(std::sync::PoisonError::into_inner);
        }
    }
}

/// Sample format of a WAV file written by [`WavSink`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WavFormat {
    /// 16-bit integer PCM, rounded and clipped (bit-exact for 16-bit sources at unity gain).
    Int16,
    /// 32-bit float: every decoded value kept.
    Float32,
}

/// Writes what is played to a WAV file.
pub struct WavSink {
    writer: Option<hound::WavWriter<BufWriter<File>>>,
    rate: u32,
    channels: u16,
    format: WavFormat,
    frames: u64,
}

impl WavSink {
    /// Creates (or truncates) `path`.
    ///
    /// # Errors
    /// [`Error::Output`] when the file cannot be created.
    pub fn create(path: &Path, rate: u32, channels: u16, format: WavFormat) -> Result<Self> {
        let spec = hound::WavSpec {
            channels,
            sample_rate: rate,
            bits_per_sample: match format {
                WavFormat::Int16 => 16,
                WavFormat::Float32 => 32,
            },
            sample_format: match format {
                WavFormat::Int16 => hound::SampleFormat::Int,
                WavFormat::Float32 => hound::SampleFormat::Float,
            },
        };
        let writer = hound::WavWriter::create(path, spec)
            .map_err(|e| Error::Output(format!("{}: {e}", path.display())))?;
        Ok(WavSink {
            writer: Some(writer),
            rate,
            channels,
            format,
            frames: 0,
        })
    }
}

impl AudioOutput for WavSink {
    fn rate(&self) -> u32 {
        self.rate
    }

    fn channels(&self) -> u16 {
        self.channels
    }

    fn write(&mut self, samples: &[f32]) -> Result<()> {
        let w = self
            .writer
            .as_mut()
            .ok_or_else(|| Error::Output("WAV file already finished".into()))?;
        for &s in samples {
            let r = match self.format {
                WavFormat::Int16 => {
                    w.write_sample((s * 32_768.0).round().clamp(-32_768.0, 32_767.0) as i16)
                }
                WavFormat::Float32 => w.write_sample(s),
            };
            r.map_err(|e| Error::Output(e.to_string()))?;
        }
        self.frames += (samples.len() / usize::from(self.channels.max(1))) as u64;
        Ok(())
    }

    fn played_frames(&self) -> u64 {
        self.frames
    }

    fn written_frames(&self) -> u64 {
        self.frames
    }

    fn finish(&mut self) -> Result<()> {
        if let Some(w) = self.writer.take() {
            w.finalize().map_err(|e| Error::Output(e.to_string()))?;
        }
        Ok(())
    }
}

impl Drop for WavSink {
    fn drop(&mut self) {
        if let Some(w) = self.writer.take() {
            // Best effort: an unfinished header is worse than a lost error at drop time.
            let _ = w.finalize();
        }
    }
}

/// How long a device may take no samples before a write gives up.
const STALL: Duration = Duration::from_secs(2);

struct Ring {
    samples: Mutex<VecDeque<f32>>,
    space: Condvar,
    /// Samples the device has taken from the ring (not counting silence played on underrun).
    consumed: AtomicU64,
    paused: AtomicBool,
    stop: AtomicBool,
}

/// The rodio source that feeds the device from the ring; silence when the ring is empty or paused.
struct RingSource {
    ring: Arc<Ring>,
    channels: NonZero<u16>,
    rate: NonZero<u32>,
}

impl Iterator for RingSource {
    type Item = f32;

    fn next(&mut self) -> Option<f32> {
        if self.ring.stop.load(Ordering::Relaxed) {
            return None;
        }
        if self.ring.paused.load(Ordering::Relaxed) {
            return Some(0.0);
        }
        let mut q = lock(&self.ring.samples);
        match q.pop_front() {
            Some(s) => {
                self.ring.consumed.fetch_add(1, Ordering::Relaxed);
                if q.len().is_multiple_of(1024) {
                    self.ring.space.notify_all();
                }
                Some(s)
            }
            None => Some(0.0),
        }
    }
}

impl rodio::Source for RingSource {
    fn current_span_len(&self) -> Option<usize> {
        None
    }

    fn channels(&self) -> rodio::ChannelCount {
        self.channels
    }

    fn sample_rate(&self) -> rodio::SampleRate {
        self.rate
    }

    fn total_duration(&self) -> Option<Duration> {
        None
    }
}

/// The default sound device through rodio.
pub struct DeviceOutput {
    ring: Arc<Ring>,
    rate: u32,
    channels: u16,
    capacity: usize,
    written: u64,
    /// Samples discarded from the ring (so `played_frames` stays a count of what was heard).
    discarded: u64,
    keeper: Option<std::thread::JoinHandle<()>>,
}

impl DeviceOutput {
    /// Opens the default output device. `buffer` is how much audio may wait in the ring (latency).
    ///
    /// # Errors
    /// [`Error::NoAudioDevice`] when there is no usable device (e.g. no sound card): the app can go on
    /// without sound and say so.
    pub fn open_default(buffer: Duration) -> Result<Self> {
        let (tx, rx) = std::sync::mpsc::channel::<Result<(u32, u16, Arc<Ring>)>>();
        let keeper = std::thread::Builder::new()
            .name("cnt-audio-device".into())
            .spawn(move || {
                let sink = match rodio::DeviceSinkBuilder::open_default_sink() {
                    Ok(s) => s,
                    Err(e) => {
                        let _ = tx.send(Err(Error::NoAudioDevice(e.to_string())));
                        return;
                    }
                };
                let mut sink = sink;
                sink.log_on_drop(false);
                let rate = sink.config().sample_rate();
                let channels = sink.config().channel_count();
                let ring = Arc::new(Ring {
                    samples: Mutex::new(VecDeque::new()),
                    space: Condvar::new(),
                    consumed: AtomicU64::new(0),
                    paused: AtomicBool::new(false),
                    stop: AtomicBool::new(false),
                });
                sink.mixer().add(RingSource {
                    ring: ring.clone(),
                    channels,
                    rate,
                });
                if tx
                    .send(Ok((rate.get(), channels.get(), ring.clone())))
                    .is_err()
                {
                    return;
                }
                // Keep the device open until the output is dropped.
                while !ring.stop.load(Ordering::Relaxed) {
                    std::thread::park_timeout(Duration::from_millis(200));
                }
            })
            .map_err(|e| Error::NoAudioDevice(format!("cannot start the audio thread: {e}")))?;
        let (rate, channels, ring) = rx
            .recv()
            .map_err(|_| Error::NoAudioDevice("the audio thread stopped".into()))??;
        let capacity = (u64::from(rate) * u64::from(channels) * buffer.as_millis() as u64 / 1000)
            .max(4096) as usize;
        Ok(DeviceOutput {
            ring,
            rate,
            channels,
            capacity,
            written: 0,
            discarded: 0,
            keeper: Some(keeper),
        })
    }
}

impl AudioOutput for DeviceOutput {
    fn rate(&self) -> u32 {
        self.rate
    }

    fn channels(&self) -> u16 {
        self.channels
    }

    fn write(&mut self, samples: &[f32]) -> Result<()> {
        let mut rest = samples;
        while !rest.is_empty() {
            let mut q = lock(&self.ring.samples);
            let mut seen = self.ring.consumed.load(Ordering::Relaxed);
            let mut since = std::time::Instant::now();
            while q.len() >= self.capacity {
                let (g, _) = self
                    .ring
                    .space
                    .wait_timeout(q, Duration::from_millis(50))
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
                q = g;
                if self.keeper.as_ref().is_some_and(|k| k.is_finished()) {
                    return Err(Error::Output("the audio device closed".into()));
                }
                // A device that stops pulling (unplugged, suspended) must not hang the engine: after
                // two seconds without progress the write fails and the engine reports it.
                let now = self.ring.consumed.load(Ordering::Relaxed);
                if now != seen {
                    seen = now;
                    since = std::time::Instant::now();
                } else if since.elapsed() > STALL && !self.ring.paused.load(Ordering::Relaxed) {
                    return Err(Error::Output(
                        "the audio device stopped taking samples".into(),
                    ));
                }
            }
            let n = (self.capacity - q.len()).min(rest.len());
            q.extend(&rest[..n]);
            rest = &rest[n..];
        }
        self.written += (samples.len() / usize::from(self.channels.max(1))) as u64;
        Ok(())
    }

    fn played_frames(&self) -> u64 {
        (self.ring.consumed.load(Ordering::Relaxed) + self.discarded)
            / u64::from(self.channels.max(1))
    }

    fn written_frames(&self) -> u64 {
        self.written
    }

    fn discard_buffered(&mut self) {
        let mut q = lock(&self.ring.samples);
        self.discarded += q.len() as u64;
        q.clear();
        self.ring.space.notify_all();
    }

    fn pause(&mut self) {
        self.ring.paused.store(true, Ordering::Relaxed);
    }

    fn resume(&mut self) {
        self.ring.paused.store(false, Ordering::Relaxed);
    }

    fn finish(&mut self) -> Result<()> {
        // Let the ring drain, at most as long as it holds.
        let ms = (self.capacity as u64 * 1000)
            / (u64::from(self.rate) * u64::from(self.channels.max(1)));
        let deadline = std::time::Instant::now() + Duration::from_millis(ms + 200);
        while !lock(&self.ring.samples).is_empty() && std::time::Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(10));
        }
        Ok(())
    }
}

impl Drop for DeviceOutput {
    fn drop(&mut self) {
        self.ring.stop.store(true, Ordering::Relaxed);
        if let Some(k) = self.keeper.take() {
            k.thread().unpark();
            let _ = k.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gated_memory_sink_lets_exactly_the_allowed_frames_through() {
        let (mut sink, tap) = MemorySink::gated(48_000, 2);
        let writer = std::thread::spawn(move || {
            let block = vec![0.5f32; 2 * 1000];
            sink.write(&block).map(|_| sink.written_frames())
        });
        tap.allow(300);
        assert_eq!(tap.wait_for(300), 300);
        assert_eq!(tap.frames(), 300);
        tap.allow(700);
        let written = writer.join().expect("writer thread").expect("write");
        assert_eq!(written, 1000);
    }

    #[test]
    fn wav_sink_rounds_to_16_bit() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("o.wav");
        let mut s = WavSink::create(&path, 44_100, 1, WavFormat::Int16).expect("create");
        s.write(&[0.0, 1.0 / 32_768.0, -1.0, 2.0]).expect("write");
        s.finish().expect("finish");
        let r = hound::WavReader::open(&path).expect("open");
        let v: Vec<i16> = r
            .into_samples::<i16>()
            .map(|x| x.expect("sample"))
            .collect();
        assert_eq!(v, vec![0, 1, -32_768, 32_767]);
    }

    #[test]
    fn no_sound_card_is_an_error_not_a_panic() {
        match DeviceOutput::open_default(Duration::from_millis(100)) {
            Ok(out) => assert!(out.rate() > 0),
            Err(e) => {
                assert!(matches!(e, Error::NoAudioDevice(_)), "{e}");
                assert!(e.to_string().starts_with("no audio device"));
            }
        }
    }
}
