//! The decoder layer on its own: trims and where they came from, exact seeks, bad files.

use std::path::PathBuf;

use cnt_player::TrimSource;
use cnt_player::decode::{self, decode_all};

use crate::support::{data, tracks};

#[test]
fn every_track_reports_where_its_trims_came_from() {
    let cases = [
        ("44k/wav", TrimSource::Exact, [0, 0, 0]),
        ("44k/flac", TrimSource::Exact, [0, 0, 0]),
        ("44k/mp3_lame_cbr", TrimSource::LameTag, [1105, 1105, 1105]),
        ("44k/mp3_lame_vbr", TrimSource::LameTag, [1105, 1105, 1105]),
        (
            "44k/m4a_aac_editlist",
            TrimSource::Mp4EditList,
            [1024, 1024, 1024],
        ),
        (
            "44k/m4a_aac_itunsmpb",
            TrimSource::ITunSmpb,
            [1024, 1024, 1024],
        ),
        ("44k/ogg_vorbis", TrimSource::OggGranule, [128, 128, 128]),
        ("48k/opus", TrimSource::OpusHead, [312, 312, 312]),
    ];
    for (set, source, delays) in cases {
        for (path, delay) in tracks(set).iter().zip(delays) {
            let d = decode::open(path).expect("open");
            let g = &d.info().gapless;
            assert_eq!(g.source, source, "{}", path.display());
            // LAME's 576 encoder delay plus the decoder's 529 = 1105; Vorbis's is the first block overlap.
            assert_eq!(g.delay, delay, "{}", path.display());
        }
    }
    // AAC's padding is what the decoder puts out after the real audio (README: 751 / 888 / 753).
    for set in ["44k/m4a_aac_editlist", "44k/m4a_aac_itunsmpb"] {
        let paddings: Vec<u64> = tracks(set)
            .iter()
            .map(|p| decode::open(p).expect("open").info().gapless.padding)
            .collect();
        assert_eq!(paddings, vec![751, 888, 753], "{set}");
    }
}

#[test]
fn a_wrong_itunsmpb_is_distrusted() {
    // 30 s of music whose iTunSMPB claims 9 849 000 frames (223 s): copied from another file.
    let (info, samples) =
        decode_all(&data("media/music/freepd_kevin_macleod_30s.mp3")).expect("decode");
    assert_eq!(info.gapless.source, TrimSource::LameTag);
    assert_eq!(samples.len() / 2, 1_323_000, "exactly 30 s");
    assert!(
        info.gapless
            .distrusted
            .iter()
            .any(|d| d.contains("iTunSMPB") && d.contains("9849000")),
        "{:?}",
        info.gapless.distrusted
    );
    assert_eq!(info.artist.as_deref(), Some("Kevin MacLeod"));
}

/// After a seek the decoder continues exactly where a straight decode would be.
#[test]
fn seeks_are_sample_exact_in_every_format() {
    for set in [
        "44k/wav",
        "44k/flac",
        "44k/mp3_lame_cbr",
        "44k/mp3_lame_vbr",
        "44k/m4a_aac_editlist",
        "44k/m4a_aac_itunsmpb",
        "44k/ogg_vorbis",
        "48k/opus",
    ] {
        let path = &tracks(set)[1];
        let (info, all) = decode_all(path).expect("decode");
        let ch = usize::from(info.channels);
        let mut worst = 0f32;
        for target in [0u64, 1, 4_095, 100_003, 120_000, 150_000, 164_999] {
            let mut d = decode::open(path).expect("open");
            d.seek(target).expect("seek");
            // Everything from the seek to the end of the track.
            let mut got = Vec::new();
            while d.next_block(&mut got).expect("block") > 0 {}
            let want = &all[target as usize * ch..];
            assert_eq!(got.len(), want.len(), "{set} @ {target}: length to the end");
            let diff = got
                .iter()
                .zip(want)
                .map(|(a, b)| (a - b).abs())
                .fold(0f32, f32::max);
            // Bit-identical in every format: lossless, MP3 and Vorbis seek in the container with
            // half a second of pre-roll; AAC and Opus reopen and decode up to the target.
            assert!(
                diff == 0.0,
                "{set} @ {target}: differs from a straight decode by {diff}"
            );
            worst = worst.max(diff);
        }
        println!(
            "{set}: every seek lands on its frame; largest difference from a straight decode {worst:e}"
        );
    }
}

#[test]
fn faulty_flac_files_give_errors_never_panics() {
    let dir = data("audio_conformance/flac-test-files/faulty");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("faulty dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "flac"))
        .collect();
    files.sort();
    assert_eq!(files.len(), 10);
    for f in files {
        let name = f
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_string();
        let r = decode_all(&f);
        // 02 (wrong maximum frame size) and 07 (other blocks before STREAMINFO) hold valid audio
        // whose header hints are merely wrong or unusual: they decode in full.
        if name.starts_with("02") || name.starts_with("07") {
            let (info, s) = r.expect("decodes");
            assert_eq!(
                Some((s.len() / usize::from(info.channels)) as u64),
                info.frames
            );
        } else {
            let e = r.expect_err(&name);
            assert!(
                matches!(e, cnt_player::Error::Corrupt { .. }),
                "{name}: {e}"
            );
        }
    }
}

#[test]
fn missing_and_unsupported_files_are_errors() {
    assert!(matches!(
        decode::open(&data("gapless/44k/flac/nope.flac")),
        Err(cnt_player::Error::Io { .. })
    ));
    assert!(matches!(
        decode::open(&data("lyrics/lrc_edgecases/basic.lrc")),
        Err(cnt_player::Error::Unsupported { .. })
    ));
}

#[test]
fn alac_is_bit_exact() {
    let path = PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/alac_chirp_22051.m4a"
    ));
    let (info, got) = decode_all(&path).expect("decode");
    assert_eq!(info.codec, cnt_player::Codec::Alac);
    assert_eq!(info.gapless.source, TrimSource::Exact);
    let want = crate::support::wav(&data("gapless/44k/wav/track01.wav"));
    assert_eq!(got.len(), 22_051 * 2);
    assert!(
        got[..] == want[..22_051 * 2],
        "ALAC must decode to the original samples"
    );
}

#[test]
fn an_aac_itunsmpb_that_contradicts_the_stream_is_not_used() {
    let path = PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/aac_wrong_itunsmpb.m4a"
    ));
    let (info, got) = decode_all(&path).expect("decode");
    match &info.gapless.source {
        TrimSource::Unavailable(why) => {
            assert!(
                why.contains("iTunSMPB distrusted") && why.contains("9849000"),
                "{why}"
            )
        }
        other => panic!("{other:?}"),
    }
    assert!(!info.gapless.is_gapless());
    // Nothing is cut on the strength of a lie: the whole decoded stream is played (priming and
    // padding included), 1024 + 99 599 + 753 frames.
    assert_eq!(got.len() / 2, 101_376);
}

/// Damaged copies of every format (cut short, or with bytes overwritten in the middle) give a track
/// or an error, never a panic.
#[test]
fn damaged_files_never_panic() {
    let dir = tempfile::tempdir().expect("tempdir");
    let sets = [
        "44k/wav",
        "44k/flac",
        "44k/mp3_lame_cbr",
        "44k/m4a_aac_editlist",
        "44k/ogg_vorbis",
        "48k/opus",
    ];
    let mut outcomes = (0, 0);
    for set in sets {
        let src = &tracks(set)[2];
        let bytes = std::fs::read(src).expect("read");
        let ext = src.extension().and_then(|e| e.to_str()).unwrap_or("bin");
        for (k, cut) in [0.02, 0.3, 0.7, 0.97].into_iter().enumerate() {
            let mut damaged = bytes[..(bytes.len() as f64 * cut) as usize].to_vec();
            let p = dir.path().join(format!("cut{k}.{ext}"));
            std::fs::write(&p, &damaged).expect("write");
            match decode_all(&p) {
                Ok(_) => outcomes.0 += 1,
                Err(_) => outcomes.1 += 1,
            }
            // Overwrite 64 bytes in the middle of the complete file with a pattern.
            damaged = bytes.clone();
            let mid = (bytes.len() as f64 * cut) as usize;
            for (i, b) in damaged.iter_mut().skip(mid).take(64).enumerate() {
                *b = (i as u8).wrapping_mul(37) ^ 0xA5;
            }
            let p = dir.path().join(format!("garbled{k}.{ext}"));
            std::fs::write(&p, &damaged).expect("write");
            match decode_all(&p) {
                Ok(_) => outcomes.0 += 1,
                Err(_) => outcomes.1 += 1,
            }
        }
    }
    println!(
        "damaged files: {} decoded, {} errors",
        outcomes.0, outcomes.1
    );
    assert_eq!(outcomes.0 + outcomes.1, 48);
}
