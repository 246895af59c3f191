//! LRC parsing against `lyrics/lrc_edgecases/expected.json`, and reading Navidrome's LRC files.

use cnt_player::{CuePayload, CueTrack, Lrc, Position};
use serde_json::Value;

use crate::support::data;

fn parse(name: &str) -> Lrc {
    let bytes = std::fs::read(data(&format!("lyrics/lrc_edgecases/{name}"))).expect("read");
    Lrc::parse_bytes(&bytes)
}

/// expected.json annotates one line with a note for strict parsers (`  [lenient parsers only; …]`);
/// the note is not part of the lyric, so it is removed before comparing.
fn pairs(v: &Value) -> Vec<(u64, String)> {
    v.as_array()
        .expect("array")
        .iter()
        .map(|p| {
            (
                p[0].as_u64().expect("ms"),
                p[1].as_str()
                    .expect("text")
                    .split("  [lenient parsers only")
                    .next()
                    .unwrap_or_default()
                    .to_string(),
            )
        })
        .collect()
}

fn lines(l: &Lrc) -> Vec<(u64, String)> {
    l.lines.iter().map(|x| (x.at_ms, x.text.clone())).collect()
}

#[test]
fn lrc_edge_cases_match_expected_json() {
    let raw = std::fs::read_to_string(data("lyrics/lrc_edgecases/expected.json")).expect("json");
    let expected: Value = serde_json::from_str(&raw).expect("parse json");
    let cases = expected.as_object().expect("object");
    let mut checked = 0;
    for (name, want) in cases {
        if name.starts_with('_') {
            continue;
        }
        let got = parse(name);
        let want = match want {
            Value::String(s) => {
                let same = s.strip_prefix("same as ").expect("'same as' reference");
                &cases[same]
            }
            w => w,
        };
        if let Some(tags) = want.get("tags").and_then(Value::as_object) {
            for (k, v) in tags {
                assert_eq!(got.tag(k), v.as_str(), "{name}: tag {k}");
            }
        }
        if let Some(off) = want.get("offset_ms").and_then(Value::as_i64) {
            assert_eq!(got.offset_ms, off, "{name}");
        }
        if let Some(l) = want.get("lines") {
            let arr = l.as_array().expect("lines");
            if arr.first().is_some_and(Value::is_object) {
                // Enhanced: text, words and end per line.
                assert_eq!(got.lines.len(), arr.len(), "{name}");
                for (g, w) in got.lines.iter().zip(arr) {
                    assert_eq!(g.at_ms, w["t"].as_u64().expect("t"), "{name}");
                    assert_eq!(g.text, w["text"].as_str().expect("text"), "{name}");
                    let words: Vec<(u64, String)> =
                        g.words.iter().map(|x| (x.at_ms, x.text.clone())).collect();
                    assert_eq!(words, pairs(&w["words"]), "{name}");
                    assert_eq!(g.end_ms, w.get("end").and_then(Value::as_u64), "{name}");
                }
            } else {
                assert_eq!(lines(&got), pairs(l), "{name}");
            }
        }
        if let Some(l) = want.get("lines_sorted") {
            assert_eq!(lines(&got), pairs(l), "{name}");
        }
        if let Some(l) = want.get("valid_lines_at_least") {
            for (ms, text) in pairs(l) {
                let prefix = text.trim_end_matches("...").trim_end();
                assert!(
                    got.lines
                        .iter()
                        .any(|x| x.at_ms == ms && x.text.starts_with(prefix)),
                    "{name}: missing {ms} {text}"
                );
            }
            assert!(
                got.lines
                    .iter()
                    .all(|x| x.at_ms != 1000 || !x.text.contains("Missing")),
                "{name}: a line without its closing bracket must not be read"
            );
        }
        checked += 1;
    }
    assert_eq!(checked, 11);
}

#[test]
fn navidrome_lrc_files_are_read() {
    let read = |n: &str| {
        Lrc::parse_bytes(&std::fs::read(data(&format!("lyrics/lrc_navidrome/{n}"))).expect("read"))
    };
    let a = read("auld-lang-syne.lrc");
    assert_eq!(a.tag("ti"), Some("Auld Lang Syne"));
    assert_eq!(a.lines.len(), 24);
    assert_eq!(a.lines[23].at_ms, 103_500);
    assert_eq!(a.lines[1].at_ms, 4_500);
    let e = read("test-enhanced.lrc");
    assert_eq!(e.lines.len(), 3);
    assert_eq!(e.lines[0].text, "Some lyrics here");
    assert_eq!(e.lines[0].words.len(), 3);
    assert_eq!(e.lines[0].words[1].at_ms, 1_500);
    assert_eq!(e.lines[2].text, "Plain line without inline markers");
    let b = read("bom-test.lrc");
    assert_eq!(b.lines.len(), 1, "untimed notes are not lyrics");
    assert_eq!(b.lines[0].at_ms, 0);
    assert!(!b.lines[0].text.starts_with('\u{feff}'));
    let x = read("test.elrc");
    assert_eq!(x.lines[0].words.len(), 2);
}

#[test]
fn lrc_becomes_a_cue_track_looked_up_by_sample() {
    let l = parse("offset_positive.lrc");
    let cues = CueTrack::from_lrc(&l);
    // Shown at 500 ms after the offset: frame 22 050 at 44.1 kHz, not one sample earlier.
    let before = cues.showing(Position::new(22_049, 44_100).expect("pos"));
    assert!(before.lyric.is_none());
    let s = cues.showing(Position::new(22_050, 44_100).expect("pos"));
    match s.lyric.map(|c| c.payload) {
        Some(CuePayload::Lyric { text, .. }) => {
            assert_eq!(text, "Amazing grace! How sweet the sound")
        }
        other => panic!("{other:?}"),
    }
}
