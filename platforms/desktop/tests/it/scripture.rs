//! `cnt bible …` and `cnt play --output` as a user runs them (no server, no sound card).

use std::path::Path;

use super::{cnt, text};

#[test]
fn bible_passages_search_and_clear_errors_offline() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = cnt(dir.path(), &["bible", "jn316"]);
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stderr}");
    assert!(stdout.starts_with("John 3:16 (WEB)\n"), "{stdout}");
    assert!(stdout.contains("For God so loved the world"));
    let out = cnt(dir.path(), &["--json", "bible", "1 Cor 13:4–7"]);
    let json: serde_json::Value = serde_json::from_str(&text(&out).0).expect("json");
    assert_eq!(json["verses"].as_array().map(Vec::len), Some(4));
    assert_eq!(json["translation"], "WEB");
    let out = cnt(dir.path(), &["bible", "John 22:1"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out).1.contains("John has 21 chapters"),
        "{}",
        text(&out).1
    );
    let out = cnt(
        dir.path(),
        &[
            "--json", "bible", "search", "good", "shepherd", "--limit", "3",
        ],
    );
    let hits: serde_json::Value = serde_json::from_str(&text(&out).0).expect("json");
    assert_eq!(hits[0]["reference"], "John 10:11", "{hits}");
    let out = cnt(dir.path(), &["bible", "translations"]);
    assert!(text(&out).0.contains("World English Bible"));
}

fn wav_frames(path: &Path) -> u64 {
    let bytes = std::fs::read(path).expect("wav");
    // Walk the RIFF chunks to "data"; 16-bit stereo = 4 bytes per frame.
    let mut i = 12;
    while i + 8 <= bytes.len() {
        let size =
            u32::from_le_bytes([bytes[i + 4], bytes[i + 5], bytes[i + 6], bytes[i + 7]]) as usize;
        if &bytes[i..i + 4] == b"data" {
            return (size / 4) as u64;
        }
        i += 8 + size + (size & 1);
    }
    panic!("no data chunk in {}", path.display());
}

#[test]
fn play_renders_a_gapless_wav_and_reports_the_trims() {
    let dir = tempfile::tempdir().expect("tempdir");
    let set = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/gapless/44k/m4a_aac_editlist");
    let files: Vec<String> = ["track01.m4a", "track02.m4a", "track03.m4a"]
        .iter()
        .map(|f| set.join(f).display().to_string())
        .collect();
    let wav = dir.path().join("out.wav");
    let mut args = vec!["play"];
    args.extend(files.iter().map(String::as_str));
    let wav_s = wav.display().to_string();
    args.extend(["--output", &wav_s]);
    let out = cnt(dir.path(), &args);
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert_eq!(stdout.matches("Mp4EditList").count(), 3, "{stdout}");
    // The shared set's README: 441,000 frames in all, cut at odd sample counts.
    assert_eq!(wav_frames(&wav), 441_000);
    // A missing file is reported and the rest still plays.
    let args = [
        "--json",
        "play",
        files[0].as_str(),
        "/nonexistent.flac",
        "--output",
        &wav_s,
    ];
    let out = cnt(dir.path(), &args);
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_str(&text(&out).0).expect("json");
    assert!(json["tracks"][1]["error"].is_string(), "{json}");
    assert_eq!(json["frames"], 176_401);
}

#[test]
fn play_without_a_sound_card_says_so() {
    let dir = tempfile::tempdir().expect("tempdir");
    let flac = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/gapless/44k/flac/track01.flac");
    if !flac.exists() {
        panic!("missing {}", flac.display());
    }
    // These machines have no sound card; on one that has, this test is about something else.
    if Path::new("/dev/snd/controlC0").exists() {
        eprintln!("SKIPPED: this machine has a sound card");
        return;
    }
    let out = cnt(dir.path(), &["play", &flac.display().to_string()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out).1.contains("no audio device"), "{}", text(&out).1);
}
