//! OpenLP compatibility: our importers over OpenLP's own fixtures (`../shared/data/openlp`),
//! compared with the expected JSON that sits next to them. The match rates are printed and must not
//! fall below what they are today.

use cnt_scripture::bible::{BibleStore, ImportOptions};
use cnt_scripture::{Book, Reference};
use serde::Deserialize;

use crate::data;

#[derive(Deserialize)]
struct ExpectedChapter {
    book: String,
    chapter: serde_json::Value,
    verses: Vec<(u16, String)>,
}

/// Each Bible fixture with the expected file OpenLP's tests compare it to.
const BIBLES: &[(&str, &str)] = &[
    ("osis-dk1933.xml", "dk1933.json"),
    ("osis-dk1933-empty-verse.xml", "dk1933.json"),
    ("osis-kjv.xml", "kjv.json"),
    ("osis-web.xml", "web.json"),
    ("zefania-dk1933.xml", "dk1933.json"),
    ("zefania-rst.xml", "rst.json"),
    ("opensong-dk1933.xml", "dk1933.json"),
    ("dk1933-verses.csv", "dk1933.json"),
];

/// How many Bible fixtures match their expected verses exactly today.
const BIBLES_MATCHING: usize = 8;

fn check_bible(file: &str, expected: &str) -> Result<(), String> {
    let path = data(&format!("openlp/bibles/{file}"));
    let expected: ExpectedChapter = serde_json::from_str(
        &std::fs::read_to_string(data(&format!("openlp/bibles/{expected}")))
            .map_err(|e| e.to_string())?,
    )
    .map_err(|e| e.to_string())?;
    let mut store = BibleStore::open_in_memory().map_err(|e| e.to_string())?;
    let t = store
        .import(&path, &ImportOptions::default(), &mut |_| {})
        .map_err(|e| e.to_string())?;
    let book = Book::by_name(&expected.book).map_err(|e| e.to_string())?;
    let chapter: u16 = match &expected.chapter {
        serde_json::Value::Number(n) => n.as_u64().and_then(|n| u16::try_from(n).ok()),
        serde_json::Value::String(s) => s.parse().ok(),
        _ => None,
    }
    .ok_or("bad chapter in expected JSON")?;
    let reference = Reference::chapter(book, chapter).map_err(|e| e.to_string())?;
    let got: Vec<(u16, String)> = store
        .lookup(&reference, &t.code)
        .map_err(|e| e.to_string())?
        .into_iter()
        .map(|v| (v.id.verse, v.text))
        .collect();
    if got == expected.verses {
        Ok(())
    } else {
        let first = got
            .iter()
            .zip(&expected.verses)
            .find(|(a, b)| a != b)
            .map(|(a, b)| format!("got {a:?}, expected {b:?}"))
            .unwrap_or_else(|| format!("{} verses, expected {}", got.len(), expected.verses.len()));
        Err(first)
    }
}

#[test]
fn openlp_bible_fixtures_match_their_expected_json() {
    let mut matching = 0;
    for (file, expected) in BIBLES {
        match check_bible(file, expected) {
            Ok(()) => {
                matching += 1;
                println!("match    {file}");
            }
            Err(why) => println!("MISMATCH {file}: {why}"),
        }
    }
    println!("OpenLP Bible fixtures: {matching}/{} match", BIBLES.len());
    assert!(
        matching >= BIBLES_MATCHING,
        "OpenLP Bible match rate fell: {matching}/{} < {BIBLES_MATCHING}",
        BIBLES.len()
    );
}

/// Each song fixture with an expected JSON, and whether we read its format (the others are counted
/// as mismatches: SongPro, WorshipAssistant and ZionWorx are not supported).
const SONGS: &[(&str, &str)] = &[
    ("chordpro/swing-low.chordpro", "chordpro/swing-low.json"),
    ("songselect/TestSong.txt", "songselect/TestSong-txt.json"),
    (
        "songselect/TestSong2023.txt",
        "songselect/TestSong2023-txt.json",
    ),
    ("songselect/TestSong.bin", "songselect/TestSong-bin.json"),
    ("opensong/Amazing Grace", "opensong/Amazing Grace.json"),
    (
        "opensong/Beautiful Garden Of Prayer",
        "opensong/Beautiful Garden Of Prayer.json",
    ),
    (
        "songbeamer/Amazing Grace.sng",
        "songbeamer/Amazing Grace.json",
    ),
    ("songpro/amazing-grace.txt", "songpro/Amazing Grace.json"),
    (
        "worshipassistant/would_you_be_free.csv",
        "worshipassistant/would_you_be_free.json",
    ),
    ("zionworx/zionworx.csv", "zionworx/zionworx.json"),
];

/// How many song fixtures match their expected JSON today.
const SONGS_MATCHING: usize = 7;

fn json_string(v: &serde_json::Value) -> Option<String> {
    match v {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn check_song(file: &str, expected: &str) -> Result<(), String> {
    use cnt_scripture::song::{AuthorRole, Song, SongFormat};
    let path = data(&format!("openlp/songs/{file}"));
    let expected: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(data(&format!("openlp/songs/{expected}")))
            .map_err(|e| e.to_string())?,
    )
    .map_err(|e| e.to_string())?;
    let format = match path.extension().and_then(|e| e.to_str()) {
        Some("chordpro") => SongFormat::ChordPro,
        Some("txt") if file.starts_with("songselect") => SongFormat::CcliText,
        Some("bin" | "usr") => SongFormat::CcliUsr,
        None if file.starts_with("opensong/") => SongFormat::OpenSong,
        Some("sng") => SongFormat::SongBeamer,
        _ => return Err("format not supported".into()),
    };
    let song = Song::import_as(&path, format).map_err(|e| e.to_string())?;
    let mut problems = Vec::new();
    if expected["title"].as_str() != Some(song.title()) {
        problems.push(format!("title {:?}", song.title()));
    }
    if let Some(alt) = expected["alternative_title"]
        .as_str()
        .filter(|a| !a.is_empty())
        && song.titles.get(1).map(String::as_str) != Some(alt)
    {
        problems.push(format!("alternative title {:?}", song.titles.get(1)));
    }
    if let Some(authors) = expected["authors"].as_array() {
        let want: Vec<(String, Option<String>)> = authors
            .iter()
            .map(|a| match a {
                serde_json::Value::Array(pair) => (
                    pair.first()
                        .and_then(|n| n.as_str())
                        .unwrap_or("")
                        .to_owned(),
                    pair.get(1).and_then(|t| t.as_str()).map(str::to_owned),
                ),
                other => (other.as_str().unwrap_or("").to_owned(), None),
            })
            .collect();
        let got: Vec<(String, Option<String>)> = song
            .authors
            .iter()
            .zip(&want)
            .map(|(a, (_, role))| {
                let r = role.as_ref().map(|_| match a.role {
                    AuthorRole::Words => "words".to_owned(),
                    AuthorRole::Music => "music".to_owned(),
                    AuthorRole::Translation(_) => "translation".to_owned(),
                    AuthorRole::Unspecified => String::new(),
                });
                (a.name.clone(), r)
            })
            .collect();
        if got != want || song.authors.len() != want.len() {
            problems.push(format!("authors {:?}", song.authors));
        }
    }
    if let Some(ccli) = json_string(&expected["ccli_number"])
        && song.ccli.as_deref() != Some(ccli.as_str())
    {
        problems.push(format!("ccli {:?}", song.ccli));
    }
    if let Some(c) = expected["copyright"].as_str()
        && song.copyright.as_deref().map(str::trim) != Some(c.trim())
    {
        problems.push(format!("copyright {:?}", song.copyright));
    }
    if let Some(topics) = expected["topics"].as_array() {
        let mut want: Vec<&str> = topics.iter().filter_map(|t| t.as_str()).collect();
        let mut got: Vec<&str> = song.themes.iter().map(String::as_str).collect();
        want.sort_unstable();
        got.sort_unstable();
        if want != got {
            problems.push(format!("topics {got:?}"));
        }
    }
    let verses = expected["verses"].as_array().cloned().unwrap_or_default();
    if verses.len() != song.sections.len() {
        problems.push(format!(
            "{} sections, expected {}",
            song.sections.len(),
            verses.len()
        ));
    }
    for (i, v) in verses.iter().enumerate() {
        let text = v[0].as_str().unwrap_or("").trim_end();
        let kind = v[1].as_str().unwrap_or("");
        // A full name ("v1", "c1") is matched by name: OpenLP lists verses before choruses, whatever
        // the file's order. A bare kind ("v") is matched by position.
        let found = if kind.len() > 1 {
            song.sections.iter().find(|s| s.name == kind)
        } else {
            song.sections.get(i)
        };
        let Some(s) = found else {
            problems.push(format!("no section {kind}"));
            continue;
        };
        // OpenLP writes an optional slide break as a "[---]" line.
        let ours = s
            .lines
            .iter()
            .map(|l| {
                if l.break_before {
                    format!("[---]\n{}", l.inline())
                } else {
                    l.inline()
                }
            })
            .collect::<Vec<_>>()
            .join("\n");
        if ours.trim_end() != text {
            problems.push(format!("section {} text {ours:?}", s.name));
        }
        let kind_ok = if kind.len() > 1 {
            s.name == kind
        } else {
            s.name.starts_with(kind)
        };
        if !kind_ok {
            problems.push(format!("section {} for {kind:?}", s.name));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("; "))
    }
}

#[test]
fn openlp_song_fixtures_match_their_expected_json() {
    let mut matching = 0;
    for (file, expected) in SONGS {
        match check_song(file, expected) {
            Ok(()) => {
                matching += 1;
                println!("match    {file}");
            }
            Err(why) => println!("MISMATCH {file}: {why}"),
        }
    }
    println!("OpenLP song fixtures: {matching}/{} match", SONGS.len());
    assert!(
        matching >= SONGS_MATCHING,
        "OpenLP song match rate fell: {matching}/{} < {SONGS_MATCHING}",
        SONGS.len()
    );
}
