//! `cnt song …` over real song files (no server needed).

use std::path::{Path, PathBuf};

use super::{cnt, text};

fn data(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data")
        .join(rel)
}

#[test]
fn song_import_list_show_transpose_export_and_delete() {
    let dir = tempfile::tempdir().expect("tempdir");
    let vision = data("lyrics/openlyrics/songs/Be Thou My Vision.xml");
    let swing = data("lyrics/chordpro/lib_ChordPro_res_examples_swinglow.cho");
    let bad = data("lyrics/openlyrics/edge/InvalidXml.xml");
    let args: Vec<String> = ["--json", "song", "import"]
        .iter()
        .map(|s| (*s).to_owned())
        .chain(
            [&vision, &swing, &bad]
                .iter()
                .map(|p| p.display().to_string()),
        )
        .collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = cnt(dir.path(), &args);
    let (stdout, stderr) = text(&out);
    // One failed file: exit 1, but the two others are imported, one result per file.
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("1 of 3 files failed"), "{stderr}");
    let results: serde_json::Value = serde_json::from_str(&stdout).expect("json");
    assert_eq!(results.as_array().map(Vec::len), Some(3));
    assert_eq!(results[0]["song"]["title"], "Be Thou My Vision");
    assert_eq!(results[2]["ok"], false);
    assert!(
        results[2]["error"]
            .as_str()
            .is_some_and(|e| e.contains("InvalidXml.xml")),
        "{results}"
    );
    let swing_id = results[1]["song"]["id"].as_i64().expect("id").to_string();

    let out = cnt(dir.path(), &["song", "list"]);
    let (stdout, _) = text(&out);
    assert!(out.status.success());
    assert_eq!(stdout.lines().count(), 2, "{stdout}");
    let out = cnt(dir.path(), &["--json", "song", "list", "chariot"]);
    let found: serde_json::Value = serde_json::from_str(&text(&out).0).expect("json");
    assert_eq!(found.as_array().map(Vec::len), Some(1), "{found}");

    let out = cnt(dir.path(), &["song", "show", &swing_id]);
    let (plain, stderr) = text(&out);
    assert!(out.status.success(), "{stderr}");
    assert!(
        plain.contains("Swing low, sweet chariot") || plain.contains("Swing"),
        "{plain}"
    );
    let out = cnt(
        dir.path(),
        &["--json", "song", "show", &swing_id, "--transpose", "-2"],
    );
    let down: serde_json::Value = serde_json::from_str(&text(&out).0).expect("json");
    let out = cnt(dir.path(), &["--json", "song", "show", &swing_id]);
    let orig: serde_json::Value = serde_json::from_str(&text(&out).0).expect("json");
    assert_eq!(down["transpose"], -2);
    assert_ne!(
        down["sections"], orig["sections"],
        "transposing changed no chord"
    );

    let out = cnt(
        dir.path(),
        &["song", "export", &swing_id, "--format", "chordpro"],
    );
    assert!(text(&out).0.contains("{title"), "{}", text(&out).0);
    let file = dir.path().join("out.xml");
    let out = cnt(
        dir.path(),
        &[
            "song",
            "export",
            &swing_id,
            "--format",
            "openlyrics",
            "--output",
            &file.display().to_string(),
        ],
    );
    assert!(out.status.success(), "{}", text(&out).1);
    let xml = std::fs::read_to_string(&file).expect("exported");
    assert!(
        xml.contains("http://openlyrics.info/namespace/2009/song"),
        "{xml}"
    );

    let out = cnt(dir.path(), &["song", "delete", &swing_id]);
    assert!(out.status.success());
    let out = cnt(dir.path(), &["song", "show", &swing_id]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out).1.contains("no song"), "{}", text(&out).1);
}
