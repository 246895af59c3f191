//! Songs over real files: OpenLyrics 0.8/0.9 (incl. a cp1250 file and invalid XML), ChordPro and
//! chords-over-lyrics, round trips through both exports, OpenLP's song database.

use std::path::{Path, PathBuf};

use cnt_scripture::Error;
use cnt_scripture::song::{AuthorRole, Song, chordpro, openlp, openlyrics};

use crate::data;

fn files(dir: &str, ext: &str) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(data(dir))
        .expect("dir")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == ext))
        .collect();
    out.sort();
    out
}

fn import(path: &Path) -> Song {
    Song::import(path).unwrap_or_else(|e| panic!("{e}"))
}

fn openlyrics_files() -> Vec<PathBuf> {
    let mut all = files("lyrics/openlyrics/examples", "xml");
    all.extend(files("lyrics/openlyrics/songs", "xml"));
    all.extend(files("openlp/songs/openlyrics", "xml"));
    all.push(data("lyrics/openlyrics/edge/cs-utf8.xml"));
    all.push(data("lyrics/openlyrics/edge/cs-cp1250.xml"));
    all.push(data(
        "lyrics/openlyrics/edge/NotPrettyPrint-WhatAFriend.xml",
    ));
    all
}

#[test]
fn openlyrics_08_and_09_samples_import() {
    let all = openlyrics_files();
    assert_eq!(all.len(), 28);
    for path in &all {
        let song = import(path);
        assert!(!song.title().is_empty(), "{}", path.display());
        assert!(!song.sections.is_empty(), "{}", path.display());
    }
    let complex = import(&data("lyrics/openlyrics/examples/complex.xml"));
    assert_eq!(complex.titles[0], "Amazing Grace");
    assert_eq!(complex.titles.len(), 4);
    assert_eq!(complex.authors[1].role, AuthorRole::Words);
    assert_eq!(
        complex.authors[3].role,
        AuthorRole::Translation("cs".into())
    );
    assert_eq!(complex.ccli.as_deref(), Some("4639462"));
    assert_eq!(
        (complex.key.as_deref(), complex.tempo.as_deref()),
        (Some("C#"), Some("90"))
    );
    assert_eq!(
        complex.order,
        ["v1", "v2", "v3", "c", "v4", "c1", "c2", "b", "b1", "b2"]
    );
    assert_eq!(complex.themes.len(), 7);
    let v2 = &complex.sections[3];
    assert_eq!(v2.name, "v2");
    assert_eq!(
        v2.lines[0].inline(),
        "Amazing grace how sweet the sound that saved a wretch like me;"
    );
    assert_eq!(
        v2.lines[1].inline(),
        "[D]Amazing grace how sweet [D]the sound that saved a wretch like me;[B7]"
    );

    let vision = import(&data("lyrics/openlyrics/songs/Be Thou My Vision.xml"));
    assert_eq!(
        vision.sections[0].lines[0].inline(),
        "[D]Be Thou my [Bm7]Vision, O [G]Lord of my [D]heart,"
    );
    assert_eq!(vision.key().map(|k| k.to_string()).as_deref(), Some("D"));
}

#[test]
fn a_cp1250_file_reads_like_its_utf8_twin() {
    let utf8 = import(&data("lyrics/openlyrics/edge/cs-utf8.xml"));
    let cp1250 = import(&data("lyrics/openlyrics/edge/cs-cp1250.xml"));
    assert_eq!(cp1250.title(), "Mám zde přítele");
    assert_eq!(cp1250.sections, utf8.sections);
    assert_eq!(cp1250.titles, utf8.titles);
}

#[test]
fn malformed_and_undeclared_encodings_are_errors_with_positions() {
    let err =
        Song::import(&data("lyrics/openlyrics/edge/InvalidXml.xml")).expect_err("invalid XML");
    let msg = err.to_string();
    assert!(
        matches!(err, Error::Import { line, .. } if line > 1),
        "{msg}"
    );
    assert!(
        msg.contains("InvalidXml.xml:") && msg.contains("malformed XML"),
        "{msg}"
    );

    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("latin1.xml");
    let mut bytes = b"<?xml version=\"1.0\"?>\n<song xmlns=\"http://openlyrics.info/namespace/2009/song\" version=\"0.8\">\n<properties><titles><title>Caf".to_vec();
    bytes.extend([0xE9]); // é in Latin-1, not UTF-8, and not declared
    bytes.extend(b"</title></titles></properties><lyrics><verse name=\"v1\"><lines>x</lines></verse></lyrics></song>");
    std::fs::write(&path, bytes).expect("write");
    let msg = Song::import(&path)
        .expect_err("undeclared encoding")
        .to_string();
    assert!(
        msg.contains("latin1.xml:3: <title>: text is not valid UTF-8"),
        "{msg}"
    );

    let path = dir.path().join("notasong.xml");
    std::fs::write(&path, "<html><body/></html>").expect("write");
    let msg = Song::import(&path).expect_err("not OpenLyrics").to_string();
    assert!(
        msg.contains("notasong.xml:1: <html>: <html> is not an OpenLyrics <song>"),
        "{msg}"
    );

    let path = dir.path().join("chord.xml");
    std::fs::write(&path, "<song><properties><titles><title>t</title></titles></properties><lyrics><verse name=\"v1\">\n<lines><chord name=\"Q7\"/>x</lines></verse></lyrics></song>").expect("write");
    let msg = Song::import(&path).expect_err("bad chord").to_string();
    assert!(
        msg.contains("chord.xml:2: <lines>: cannot read chord \"Q7\""),
        "{msg}"
    );
}

#[test]
fn openlyrics_round_trips_through_its_09_export() {
    for path in openlyrics_files() {
        let first = import(&path);
        let xml = openlyrics::write(&first);
        let second = openlyrics::parse_str(&xml, &path)
            .unwrap_or_else(|e| panic!("{}: {e}\n{xml}", path.display()));
        // The second export is a fixed point.
        let third = openlyrics::parse_str(&openlyrics::write(&second), &path).expect("third");
        assert_eq!(second, third, "{}", path.display());
        if path.parent().is_some_and(|p| p.ends_with("songs"))
            || path.ends_with("Amazing_Grace_3_chords.xml")
        {
            assert_eq!(
                first,
                second,
                "{} changed in the round trip:\n{xml}",
                path.display()
            );
        }
    }
}

#[test]
fn chordpro_round_trips_and_openlyrics_converts_to_chordpro() {
    for path in files("lyrics/chordpro", "cho") {
        if path.ends_with("t_030_cho.cho") {
            // Uses a chord its (misspelt) `{defined …}` directive was meant to declare.
            let err = Song::import(&path).expect_err("Gxxxxxxxx is not a chord");
            assert!(
                err.to_string().ends_with(
                    "t_030_cho.cho:10: <[Gxxxxxxxx]>: column 22: cannot read chord \"Gxxxxxxxx\""
                ),
                "{err}"
            );
            continue;
        }
        if path.ends_with("wiki_images_ex_define.cho") || path.ends_with("wiki_images_ex_grid1.cho")
        {
            // Only chord diagrams or a grid: nothing to import.
            let err = Song::import(&path).expect_err("no song");
            assert!(err.to_string().ends_with("no title and no lyrics"), "{err}");
            continue;
        }
        let first = import(&path);
        let text = chordpro::write(&first);
        let second = chordpro::parse(&text, &path)
            .unwrap_or_else(|e| panic!("{}: {e}\n{text}", path.display()));
        assert_eq!(first, second, "{}:\n{text}", path.display());
    }
    for path in files("lyrics/openlyrics/songs", "xml") {
        let mut song = import(&path);
        // ChordPro has no per-section language.
        for s in &mut song.sections {
            s.lang = None;
        }
        let back = chordpro::parse(&chordpro::write(&song), &path).expect("parse");
        assert_eq!(song, back, "{}", path.display());
    }
}

#[test]
fn chords_over_lyrics_match_their_inline_twins() {
    let crd = import(&data("lyrics/chordpro/t_a2crd_t001.crd"));
    let cho = import(&data("lyrics/chordpro/t_a2crd_t001.cho"));
    assert_eq!(
        crd.sections.last().map(|s| &s.lines),
        cho.sections.last().map(|s| &s.lines)
    );
}

#[test]
fn chordpro_transpose_directive_moves_following_chords() {
    let song = import(&data("lyrics/chordpro/t_060_transpose.cho"));
    let verses: Vec<String> = song
        .sections
        .iter()
        .filter(|s| s.name.starts_with('v'))
        .map(|s| s.lines[0].inline())
        .collect();
    assert_eq!(
        verses,
        [
            "I [D]looked over Jordan, and [G]what did I [D]see,",
            "I [E]looked over Jordan, and [A]what did I [E]see,",
            "I [F#]looked over Jordan, and [B]what did I [F#]see,",
            "I [E]looked over Jordan, and [A]what did I [E]see,",
            "I [D]looked over Jordan, and [G]what did I [D]see,",
        ]
    );
}

#[test]
fn transposing_a_real_hymn_spells_for_the_new_key() {
    let song = import(&data("lyrics/openlyrics/songs/Be Thou My Vision.xml"));
    let up = song.transposed(1);
    assert_eq!(
        up.sections[0].lines[0].inline(),
        "[Eb]Be Thou my [Cm7]Vision, O [Ab]Lord of my [Eb]heart,"
    );
    assert_eq!(up.transposed(-1).sections, song.sections);
    let capo = song.with_capo(2);
    assert_eq!(
        capo.sections[0].lines[0].inline(),
        "[C]Be Thou my [Am7]Vision, O [F]Lord of my [C]heart,"
    );
    let key = song.key().expect("key");
    let numbers: Vec<String> = song.sections[0].lines[2]
        .chords
        .iter()
        .map(|(_, c)| c.nashville(&key))
        .collect();
    assert_eq!(numbers, ["4maj7", "3m7", "1", "4", "5"]);
}

#[test]
fn openlp_song_database_imports() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("songs.sqlite");
    let conn = rusqlite::Connection::open(&path).expect("create");
    // The tables and columns of OpenLP's openlp/plugins/songs/lib/db.py (2023) that the importer reads.
    conn.execute_batch(
        r#"
        CREATE TABLE authors (id INTEGER PRIMARY KEY, first_name VARCHAR(128), last_name VARCHAR(128), display_name VARCHAR(255) NOT NULL);
        CREATE TABLE songs (id INTEGER PRIMARY KEY, title VARCHAR(255) NOT NULL, alternate_title VARCHAR(255), lyrics TEXT NOT NULL,
            verse_order VARCHAR(128), copyright VARCHAR(255), comments TEXT, ccli_number VARCHAR(64), theme_name VARCHAR(128),
            search_title VARCHAR(255) NOT NULL, search_lyrics TEXT NOT NULL, create_date DATETIME, last_modified DATETIME, temporary BOOLEAN);
        CREATE TABLE authors_songs (author_id INTEGER NOT NULL, song_id INTEGER NOT NULL, author_type VARCHAR(255) NOT NULL DEFAULT '',
            PRIMARY KEY (author_id, song_id, author_type));
        CREATE TABLE topics (id INTEGER PRIMARY KEY, name VARCHAR(128) NOT NULL);
        CREATE TABLE songs_topics (song_id INTEGER NOT NULL, topic_id INTEGER NOT NULL, PRIMARY KEY (song_id, topic_id));
        INSERT INTO authors VALUES (1, 'John', 'Newton', 'John Newton'), (2, 'Edwin', 'Excell', 'Edwin Excell');
        INSERT INTO songs (id, title, alternate_title, lyrics, verse_order, copyright, ccli_number, search_title, search_lyrics) VALUES
          (1, 'Amazing Grace', 'New Britain',
           '<?xml version=''1.0'' encoding=''UTF-8''?>
<song version="1.0"><lyrics><verse type="Verse" label="1"><![CDATA[A[D]mazing [D7]grace! How [G]sweet the [D]sound!
That saved a {r}wretch{/r} like me!]]></verse><verse type="c" label="1"><![CDATA[Praise God]]></verse></lyrics></song>',
           'v1 c1 v1', 'Public Domain', '22025', 'amazing grace', ''),
          (2, 'Broken', NULL, '<song version="1.0"><lyrics><verse type="v" label="1"><![CDATA[x [Q] y]]></verse></lyrics></song>',
           '', '', NULL, 'broken', '');
        INSERT INTO authors_songs VALUES (1, 1, 'words'), (2, 1, 'words+music');
        INSERT INTO topics VALUES (1, 'Grace'), (2, 'Assurance');
        INSERT INTO songs_topics VALUES (1, 1), (1, 2);
        "#,
    )
    .expect("schema");
    let err = openlp::read_database(&path).expect_err("song 2 has a broken chord");
    assert!(err.to_string().contains("<song 2>"), "{err}");
    conn.execute("DELETE FROM songs WHERE id = 2", [])
        .expect("delete");
    drop(conn);
    let songs = openlp::read_database(&path).expect("read");
    assert_eq!(songs.len(), 1);
    let s = &songs[0];
    assert_eq!(s.titles, ["Amazing Grace", "New Britain"]);
    assert_eq!(s.authors[0].role, AuthorRole::Words);
    assert_eq!(s.authors[1].name, "Edwin Excell");
    assert_eq!(
        (&s.authors[1].role, &s.authors[2].role),
        (&AuthorRole::Words, &AuthorRole::Music)
    );
    assert_eq!(s.themes, ["Assurance", "Grace"]);
    assert_eq!(
        (s.ccli.as_deref(), s.copyright.as_deref()),
        (Some("22025"), Some("Public Domain"))
    );
    assert_eq!(s.order, ["v1", "c1", "v1"]);
    assert_eq!(
        s.sections[0].lines[0].inline(),
        "A[D]mazing [D7]grace! How [G]sweet the [D]sound!"
    );
    assert_eq!(s.sections[0].lines[1].text, "That saved a wretch like me!");
    assert_eq!(s.sections_in_order().len(), 3);
    assert!(matches!(
        openlp::read_database(&dir.path().join("missing.sqlite")),
        Err(Error::Database(_))
    ));
}

#[test]
fn openlp_chord_fixtures_equal_their_results() {
    for n in [3, 4] {
        let source = import(&data(&format!(
            "openlp/songs/openlyrics/Amazing_Grace_{n}_chords.xml"
        )));
        let result = import(&data(&format!(
            "openlp/songs/openlyrics/Amazing_Grace_{n}_chords_result.xml"
        )));
        assert_eq!(source.sections, result.sections, "fixture {n}");
        assert!(source.chords().count() > 5);
    }
}

#[test]
fn optional_slide_breaks_survive_both_exports() {
    let format = import(&data("lyrics/openlyrics/examples/format.xml"));
    let breaks: Vec<bool> = format.sections[0]
        .lines
        .iter()
        .map(|l| l.break_before)
        .collect();
    assert_eq!(breaks, [false, false, true, false]);
    let back =
        openlyrics::parse_str(&openlyrics::write(&format), Path::new("format.xml")).expect("0.9");
    assert_eq!(back.sections, format.sections);
    let back =
        chordpro::parse(&chordpro::write(&format), Path::new("format.cho")).expect("ChordPro");
    assert_eq!(back.sections, format.sections);
}

#[test]
fn opensong_songs_import_and_round_trip() {
    let grace = import(&data("openlp/songs/opensong/Amazing Grace"));
    assert_eq!(grace.title(), "Amazing Grace (Demonstration)");
    assert_eq!(grace.sections.len(), 5);
    assert_eq!(
        grace.sections[4].lines[3].inline(),
        "Than [Bm]when we [A]first be[G]gun.[D]"
    );
    assert_eq!(grace.order, ["v1", "v2", "v3", "v4", "v5"]);
    let garden = import(&data("openlp/songs/opensong/Beautiful Garden Of Prayer"));
    assert_eq!(garden.order, ["v1", "c1", "v2", "c1", "v3", "c1"]);
    assert_eq!(garden.themes, ["Prayer", "Devotion"]);
    for song in [grace, garden] {
        let xml = openlyrics::write(&song);
        assert_eq!(
            openlyrics::parse_str(&xml, Path::new("x.xml")).expect("0.9"),
            song,
            "{xml}"
        );
        let cho = chordpro::write(&song);
        assert_eq!(
            chordpro::parse(&cho, Path::new("x.cho")).expect("cho"),
            song,
            "{cho}"
        );
    }
}

#[test]
fn arbitrary_song_text_never_panics() {
    // Pseudo-random ChordPro-ish text: directives, brackets, chords, multi-byte characters.
    const PIECES: [&str; 20] = [
        "{",
        "}",
        "[",
        "]",
        "G",
        "C#m7",
        "/",
        "title:",
        "soc",
        "eoc",
        "\n",
        " ",
        "Amazing",
        "é",
        "İ",
        "|",
        "{transpose: +2}",
        "[*x]",
        "#",
        "b",
    ];
    let mut state = 99u64;
    for _ in 0..3_000 {
        let mut s = String::new();
        for _ in 0..16 {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1);
            s.push_str(PIECES[((state >> 33) % PIECES.len() as u64) as usize]);
        }
        if let Ok(song) = chordpro::parse(&s, Path::new("fuzz.cho")) {
            let _ = openlyrics::write(&song);
            let _ = song.transposed(5).with_capo(3);
            for line in song.sections.iter().flat_map(|s| &s.lines) {
                let _ = line.chords_over_lyrics();
            }
        }
    }
}

#[test]
fn songbeamer_chords_land_on_their_lines_and_round_trip() {
    let song = import(&data("openlp/songs/songbeamer/Amazing Grace.sng"));
    assert_eq!(song.title(), "Amazing grace");
    assert_eq!(song.authors[0].role, AuthorRole::Words);
    assert_eq!(song.order, ["v1", "v2", "v3", "v4", "v5"]);
    assert_eq!(
        song.sections[0].lines[3].inline(),
        "Was b[E7]lind but no[A7]w i [D]see [A7]"
    );
    let xml = openlyrics::write(&song);
    assert_eq!(
        openlyrics::parse_str(&xml, Path::new("x.xml")).expect("0.9"),
        song,
        "{xml}"
    );
    let cho = chordpro::write(&song);
    assert_eq!(
        chordpro::parse(&cho, Path::new("x.cho")).expect("cho"),
        song,
        "{cho}"
    );

    let dir = tempfile::tempdir().expect("tempdir");
    let bad = dir.path().join("bad.sng");
    std::fs::write(&bad, "#Title=x\n#Chords=not base64!\n---\nVerse 1\nla la\n").expect("write");
    let msg = Song::import(&bad).expect_err("bad chords").to_string();
    assert!(msg.contains("bad.sng:2: <#Chords>: not base64"), "{msg}");
}

#[test]
fn song_store_imports_real_files_searches_and_reads_them_back() {
    use cnt_scripture::song::SongStore;
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("songs.db");
    let mut store = SongStore::open(&path).expect("open");
    let mut all = files("lyrics/openlyrics/songs", "xml");
    all.extend(files("openlp/songs/openlyrics", "xml"));
    all.push(data(
        "lyrics/chordpro/lib_ChordPro_res_examples_swinglow.cho",
    ));
    all.push(data("openlp/songs/songbeamer/Amazing Grace.sng"));
    for file in &all {
        let summary = store.import(file).unwrap_or_else(|e| panic!("{e}"));
        // What is stored reads back as the same song, after the one OpenLyrics pass.
        let once = openlyrics::parse_str(&openlyrics::write(&import(file)), file).expect("pass");
        assert_eq!(
            store.song(summary.id).expect("song"),
            once,
            "{}",
            file.display()
        );
    }
    drop(store);
    let store = SongStore::open(&path).expect("reopen");
    assert_eq!(store.search("").expect("list").len(), all.len());
    let hits = store.search("fortress").expect("search");
    assert_eq!(hits[0].title, "A Mighty Fortress is Our God", "{hits:?}");
    // Lyrics and author words are found too, by prefix.
    assert!(!store.search("chario").expect("search").is_empty());
    // A file that cannot be read adds nothing.
    let mut store = store;
    store
        .import(&data("lyrics/openlyrics/edge/InvalidXml.xml"))
        .expect_err("invalid XML");
    assert_eq!(store.search("").expect("list").len(), all.len());
}
