//! Every format of the shared gapless set, played through the real engine into the memory sink.
//!
//! The measure for lossy formats: at each join, the lag that best aligns the output with the uncut
//! reference (cross-correlation on the chirp channel, ±2048 frames searched) must be 0, and the SNR
//! of the 8192 frames around the join against the reference must reach the format's floor. The floors
//! sit a few dB under what these encoders achieve on whole tracks (README: MP3 CBR 26 dB, AAC ≈ 33,
//! Vorbis ≈ 38, Opus ≈ 39): a join that is one sample off loses most of that, so the
//! floors cannot be met by a misaligned join; the SNR one sample either way must also be at least
//! 3 dB lower. Lossless formats must be bit-exact. Measured here (join SNR, dB): MP3 CBR 26.0/25.9,
//! MP3 VBR 53.9/41.0, AAC 20.8/18.6 (separately encoded AAC has edge artefacts in its last frame;
//! inside tracks it reaches 33–34), Vorbis 35.2/35.5, Opus 35.9/33.8.

use cnt_player::{PlayerEvent, RenderOptions, TrimSource, render_to_memory};

use crate::support::{lag_at, reference, snr_db, snr_db_at_lag, tracks};

const SPLITS_44K: [u64; 2] = [176_401, 341_401];
const SPLITS_48K: [u64; 2] = [192_001, 372_008];

fn family(set: &str) -> (&'static str, [u64; 2], usize) {
    if set.starts_with("48k") {
        ("48k", SPLITS_48K, 480_000)
    } else {
        ("44k", SPLITS_44K, 441_000)
    }
}

/// Renders a set and checks count and joins; returns per-join SNRs.
fn check(set: &str, lossless: bool, snr_floor: f64) -> Vec<f64> {
    let (fam, splits, total) = family(set);
    let want = reference(fam);
    let (got, report) = render_to_memory(&tracks(set), RenderOptions::default()).expect("render");
    assert_eq!(got.len() / 2, total, "{set}: total frames");
    assert_eq!(report.total_frames, total as u64, "{set}: report total");
    assert_eq!(report.joins(), splits.to_vec(), "{set}: join positions");
    for t in &report.tracks {
        let info = t.result.as_ref().expect("track decoded");
        assert!(info.gapless.is_gapless(), "{set}: {:?}", info.gapless);
    }
    if lossless {
        assert!(got == want, "{set}: not bit-exact");
        return vec![f64::INFINITY; 2];
    }
    let mut snrs = Vec::new();
    let interior: Vec<String> = [
        (0, splits[0]),
        (splits[0], splits[1]),
        (splits[1], total as u64),
    ]
    .iter()
    .map(|(a, b)| {
        format!(
            "{:.1}",
            snr_db(&got, &want, *a as usize + 8192, *b as usize - 8192)
        )
    })
    .collect();
    println!("{set}: SNR inside tracks {interior:?} dB");
    for j in splits {
        let j = j as usize;
        assert_eq!(
            lag_at(&got, &want, j, 2048),
            0,
            "{set}: join at {j} is misaligned"
        );
        let snr = snr_db(&got, &want, j - 4096, j + 4096);
        assert!(
            snr >= snr_floor,
            "{set}: SNR {snr:.1} dB at join {j} < {snr_floor}"
        );
        // One sample either way must be clearly worse: the SNR pins the alignment too.
        for lag in [-1, 1] {
            let off = snr_db_at_lag(&got, &want, j - 4096, j + 4096, lag);
            assert!(
                snr > off + 3.0,
                "{set}: SNR {snr:.1} at lag 0 vs {off:.1} at lag {lag}"
            );
        }
        snrs.push(snr);
    }
    println!("{set}: joins aligned, SNR around joins {snrs:.1?} dB");
    snrs
}

#[test]
fn wav_44k_is_bit_exact() {
    check("44k/wav", true, 0.0);
}

#[test]
fn flac_44k_is_bit_exact() {
    check("44k/flac", true, 0.0);
}

#[test]
fn flac_48k_is_bit_exact() {
    check("48k/flac", true, 0.0);
}

#[test]
fn mp3_lame_cbr_joins_are_aligned() {
    check("44k/mp3_lame_cbr", false, 20.0);
}

#[test]
fn mp3_lame_vbr_joins_are_aligned() {
    check("44k/mp3_lame_vbr", false, 30.0);
}

#[test]
fn aac_with_edit_list_joins_are_aligned() {
    check("44k/m4a_aac_editlist", false, 18.0);
}

#[test]
fn aac_with_itunsmpb_joins_are_aligned() {
    check("44k/m4a_aac_itunsmpb", false, 18.0);
}

#[test]
fn vorbis_joins_are_aligned() {
    check("44k/ogg_vorbis", false, 30.0);
}

#[test]
fn opus_joins_are_aligned() {
    check("48k/opus", false, 30.0);
}

/// The negative control: an MP3 without a LAME tag cannot be gapless, and the engine says so.
#[test]
fn mp3_without_lame_tag_is_reported_not_hidden() {
    let files = tracks("44k/mp3_notag");
    let (got, report) = render_to_memory(&files, RenderOptions::default()).expect("render");
    for t in &report.tracks {
        let info = t.result.as_ref().expect("decodes");
        assert!(
            matches!(info.gapless.source, TrimSource::Unavailable(ref why) if why.contains("LAME")),
            "{:?}",
            info.gapless
        );
    }
    assert_ne!(
        got.len() / 2,
        441_000,
        "untrimmed MP3 must not come out exact"
    );
    // The decoder's lead-in is still there: the first track is 1105 frames late.
    assert_eq!(lag_at(&got, &reference("44k"), 50_000, 2048), 1105);
    // And the engine reports it as an event.
    let player = cnt_player::Player::spawn(Box::new(cnt_player::MemorySink::new(44_100, 2).0))
        .expect("player");
    player
        .send(cnt_player::PlayerCmd::Append(vec![
            cnt_player::QueueItem::new(files[0].clone()),
        ]))
        .expect("send");
    player.send(cnt_player::PlayerCmd::Play).expect("send");
    let mut warned = false;
    for ev in player.events().iter() {
        match ev {
            PlayerEvent::NotGapless { .. } => warned = true,
            PlayerEvent::QueueEnded => break,
            _ => {}
        }
    }
    assert!(warned, "NotGapless event");
}

/// Rendering the 44.1 kHz FLAC set into a 48 kHz sink resamples: same duration, same signal.
#[test]
fn resampling_keeps_length_and_joins() {
    let opts = RenderOptions {
        rate: Some(48_000),
        ..RenderOptions::default()
    };
    let (got, report) = render_to_memory(&tracks("44k/flac"), opts).expect("render");
    assert_eq!(got.len() / 2, 480_000);
    assert_eq!(report.rate, 48_000);
    // The 48 kHz reference is the same synthetic signal generated at 48 kHz.
    let want = reference("48k");
    for j in [192_001usize, 372_008] {
        assert_eq!(lag_at(&got, &want, j, 256), 0, "join near {j}");
    }
    let snr = snr_db(&got, &want, 1_000, 479_000);
    println!("44.1 → 48 kHz resampled FLAC vs 48 kHz reference: {snr:.1} dB");
    assert!(snr > 40.0, "SNR {snr:.1}");
}
