//! Shared helpers: paths into ../shared/data, WAV references, alignment measures.

use std::path::PathBuf;

/// A path under `../shared/data`.
pub fn data(rel: &str) -> PathBuf {
    PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/data/"
    ))
    .join(rel)
}

/// The three tracks of a gapless set, in order.
pub fn tracks(set: &str) -> Vec<PathBuf> {
    let dir = data(&format!("gapless/{set}"));
    let mut v: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("dir entry").path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("track0"))
        })
        .collect();
    v.sort();
    assert_eq!(v.len(), 3, "{set}");
    v
}

/// A 16-bit WAV as f32 (exactly what a decoder of the same PCM yields).
pub fn wav(path: &std::path::Path) -> Vec<f32> {
    let r = hound::WavReader::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert_eq!(r.spec().bits_per_sample, 16);
    r.into_samples::<i16>()
        .map(|s| f32::from(s.expect("sample")) / 32_768.0)
        .collect()
}

/// The uncut reference of a rate family ("44k" or "48k").
pub fn reference(family: &str) -> Vec<f32> {
    wav(&data(&format!("gapless/{family}/wav/full.wav")))
}

/// The lag (in frames) that best aligns `got` with `want` around frame `center`, on the right channel
/// (the chirp, which never repeats; the left 440 Hz sine would alias every period). Positive: `got` is late.
pub fn lag_at(got: &[f32], want: &[f32], center: usize, search: i64) -> i64 {
    const W: usize = 4096;
    let frames_got = got.len() / 2;
    let lo = center.saturating_sub(W);
    let hi = (center + W).min(want.len() / 2);
    let mut best = (f64::MIN, 0i64);
    for lag in -search..=search {
        let (mut dot, mut e) = (0f64, 0f64);
        for i in lo..hi {
            let j = i as i64 + lag;
            if j < 0 || j as usize >= frames_got {
                continue;
            }
            let g = f64::from(got[j as usize * 2 + 1]);
            dot += g * f64::from(want[i * 2 + 1]);
            e += g * g;
        }
        let score = if e > 0.0 { dot / e.sqrt() } else { f64::MIN };
        if score > best.0 {
            best = (score, lag);
        }
    }
    best.1
}

/// Signal-to-noise ratio (dB) of `got` against `want` over frames `from..to`, both channels.
pub fn snr_db(got: &[f32], want: &[f32], from: usize, to: usize) -> f64 {
    snr_db_at_lag(got, want, from, to, 0)
}

/// As [`snr_db`], with `got` read `lag` frames later than `want`.
pub fn snr_db_at_lag(got: &[f32], want: &[f32], from: usize, to: usize, lag: i64) -> f64 {
    let (mut s, mut n) = (0f64, 0f64);
    for i in from * 2..to * 2 {
        let w = f64::from(want[i]);
        let g = got[(i as i64 + lag * 2) as usize];
        let d = f64::from(g) - w;
        s += w * w;
        n += d * d;
    }
    if n == 0.0 {
        f64::INFINITY
    } else {
        10.0 * (s / n).log10()
    }
}
