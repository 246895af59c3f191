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
