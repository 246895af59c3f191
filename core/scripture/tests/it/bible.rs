//! Bible store: bundled WEB, imports of every format, lookup, search, parallel, atomic failure.

use std::path::Path;

use cnt_scripture::bible::{BibleFormat, BibleStore, Break, Filter, ImportOptions, SearchScope};
use cnt_scripture::{Book, Error, Reference, Testament};

use crate::data;

fn web() -> BibleStore {
    let mut store = BibleStore::open_in_memory().expect("store");
    assert!(store.install_bundled().expect("install"));
    store
}

fn texts(store: &BibleStore, reference: &str, code: &str) -> Vec<String> {
    let r = Reference::parse(reference).expect("reference");
    store
        .lookup(&r, code)
        .expect("lookup")
        .into_iter()
        .map(|v| v.text)
        .collect()
}

fn import(store: &mut BibleStore, path: &Path) -> cnt_scripture::bible::Translation {
    store
        .import(path, &ImportOptions::default(), &mut |_| {})
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn bundled_web_matches_its_source() {
    let mut store = BibleStore::open_in_memory().expect("store");
    let options = ImportOptions {
        format: Some(BibleFormat::TehShrikeJson),
        ..Default::default()
    };
    store
        .import(&data("bible/web_json_tehshrike"), &options, &mut |_| {})
        .expect("import WEB JSON");
    let mut exported = Vec::new();
    store.export_tsv("WEB", &mut exported).expect("export");
    let bundled = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../assets/bible/web.tsv"
    ))
    .expect("assets/bible/web.tsv");
    assert!(
        exported == bundled,
        "assets/bible/web.tsv is stale: rebuild it with the make_web_asset example"
    );
}

#[test]
fn the_bundled_web_installs_once_into_a_file_and_keeps_its_structure() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("data/bible.db");
    {
        let mut store = BibleStore::open(&path).expect("open");
        assert!(store.install_bundled().expect("install"));
        assert!(!store.install_bundled().expect("second install"));
    }
    let store = BibleStore::open(&path).expect("reopen");
    let t = store.translations().expect("translations");
    assert_eq!(t.len(), 1);
    assert_eq!(
        (
            t[0].code.as_str(),
            t[0].name.as_str(),
            t[0].language.as_str()
        ),
        ("WEB", "World English Bible", "en")
    );
    // 31,103 verse numbers; five (Luke 17:36, Acts 8:37, 15:34, 24:7, Rom 16:25) are empty in the WEB.
    assert_eq!(t[0].verses, 31_098);
    assert_eq!(store.books("WEB").expect("books").len(), 66);
    assert_eq!(
        texts(&store, "John 3:16", "WEB"),
        [
            "For God so loved the world, that he gave his one and only Son, that whoever believes in him should not perish, but have eternal life."
        ]
    );
    // Double spaces of the source are normalised.
    assert!(
        texts(&store, "John 1", "WEB")
            .iter()
            .all(|t| !t.contains("  ") && t == t.trim())
    );

    let psalm = store
        .lookup(&Reference::parse("Ps 23").expect("ref"), "WEB")
        .expect("Ps 23");
    assert_eq!(psalm.len(), 6);
    assert_eq!(psalm[0].heading.as_deref(), Some("A Psalm by David."));
    assert!(psalm.iter().all(|v| v.is_poetry()));
    assert_eq!(
        psalm[0].segments(),
        vec![
            (Some(Break::Stanza), "Yahweh is my shepherd:"),
            (Some(Break::Line), "I shall lack nothing."),
        ]
    );
    let genesis = store
        .lookup(&Reference::parse("Gen 1:1-2").expect("ref"), "WEB")
        .expect("Gen 1");
    assert_eq!(genesis[0].breaks, vec![(0, Break::Paragraph)]);
    assert!(!genesis[1].is_poetry());
}

#[test]
fn lookup_follows_the_reference() {
    let store = web();
    let r = Reference::parse("Rom 8:28; 12:1-2").expect("ref");
    let verses = store.lookup(&r, "WEB").expect("lookup");
    let ids: Vec<String> = verses
        .iter()
        .map(|v| format!("{}:{}", v.id.chapter, v.id.verse))
        .collect();
    assert_eq!(ids, ["8:28", "12:1", "12:2"]);
    assert_eq!(texts(&store, "Gen 1:31-2:1", "WEB").len(), 2);
    assert_eq!(texts(&store, "3 John", "WEB").len(), 14);
    assert!(matches!(
        store.lookup(&r, "KJV"),
        Err(Error::UnknownTranslation(code)) if code == "KJV"
    ));
}

#[test]
fn search_ranks_words_and_phrases_and_filters() {
    let store = web();
    let hits = store
        .search("\"God so loved\"", "WEB", &Filter::default())
        .expect("search");
    assert_eq!(hits.len(), 1);
    let john = Book::by_osis("John").expect("John");
    assert_eq!(
        (
            hits[0].verse.id.book,
            hits[0].verse.id.chapter,
            hits[0].verse.id.verse
        ),
        (john.number(), 3, 16)
    );
    let (a, b) = hits[0].matches[0];
    assert_eq!(&hits[0].verse.text[a..b], "God so loved");

    let hits = store
        .search("shepherd lack", "WEB", &Filter::default())
        .expect("search");
    assert_eq!(hits[0].verse.id.chapter, 23, "Psalm 23:1 first");

    let cor = Book::by_osis("1Cor").expect("1Cor");
    let scope = Filter {
        scope: SearchScope::Book(cor),
        limit: 500,
    };
    let hits = store.search("love", "WEB", &scope).expect("search");
    assert!(hits.len() >= 10);
    assert!(hits.iter().all(|h| h.verse.id.book == cor.number()));
    for w in hits.windows(2) {
        assert!(w[0].rank <= w[1].rank, "ranked best first");
    }
    let old = Filter {
        scope: SearchScope::Testament(Testament::Old),
        limit: 1000,
    };
    let hits = store.search("Jesus", "WEB", &old).expect("search");
    assert!(
        hits.is_empty(),
        "Jesus is not named in the Old Testament of the WEB"
    );
    let new = Filter {
        scope: SearchScope::Testament(Testament::New),
        limit: 20,
    };
    assert_eq!(
        store.search("Jesus", "WEB", &new).expect("search").len(),
        20
    );
    // Operators are literal, never FTS syntax errors.
    assert!(
        store
            .search("NEAR( \"unclosed", "WEB", &Filter::default())
            .is_ok()
    );
    assert!(
        store
            .search("   ", "WEB", &Filter::default())
            .expect("empty")
            .is_empty()
    );
}

#[test]
fn search_folds_diacritics() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("rvr.tsv");
    std::fs::write(
        &path,
        "#code\tTEST-ES\n#language\tes\nJohn\t3\t16\t\t\tPorque de tal manera amó Dios al mundo\nJohn\t1\t17\t\t\tla gracia vinieron por medio de Jesucristo. Jesús\n",
    )
    .expect("write");
    let mut store = BibleStore::open_in_memory().expect("store");
    import(&mut store, &path);
    let hits = store
        .search("amo dios", "TEST-ES", &Filter::default())
        .expect("search");
    assert_eq!(hits.len(), 1);
    assert_eq!(
        store
            .search("JESUS", "TEST-ES", &Filter::default())
            .expect("search")
            .len(),
        1
    );
}

#[test]
fn two_translations_side_by_side() {
    let mut store = web();
    let kjv = import(&mut store, &data("bible/kjv_json_aruljohn"));
    assert_eq!((kjv.code.as_str(), kjv.verses), ("KJV", 31_102));
    let ylt = import(&mut store, &data("bible/open-bibles/eng-ylt.zefania.xml"));
    assert_eq!(ylt.verses, 7_957);

    let rows = store
        .parallel(
            &Reference::parse("John 3:16-17").expect("ref"),
            "WEB",
            "KJV",
        )
        .expect("parallel");
    assert_eq!(rows.len(), 2);
    assert!(rows.iter().all(|r| r.left.is_some() && r.right.is_some()));
    assert!(rows[0].right.as_ref().is_some_and(|v| {
        v.text
            .starts_with("For God so loved the world, that he gave his only begotten Son")
    }));

    // The YLT file is New Testament only: the Old Testament side stays empty.
    let rows = store
        .parallel(
            &Reference::parse("Gen 1:1; John 1:1").expect("ref"),
            "WEB",
            &ylt.code,
        )
        .expect("parallel");
    assert_eq!(rows.len(), 2);
    assert!(rows[0].left.is_some() && rows[0].right.is_none());
    assert!(rows[1].left.is_some() && rows[1].right.is_some());
    assert!(matches!(
        store.lookup(&Reference::parse("Gen 1:1").expect("ref"), &ylt.code),
        Err(Error::NotInTranslation { .. })
    ));
}

#[test]
fn osis_with_milestones_titles_and_notes() {
    let mut store = BibleStore::open_in_memory().expect("store");
    let t = import(&mut store, &data("bible/open-bibles/eng-us-oeb.osis.xml"));
    assert!(t.verses > 1000, "{t:?}");
    let ruth = store
        .lookup(&Reference::parse("Ruth 1:1").expect("ref"), &t.code)
        .expect("Ruth 1:1");
    assert_eq!(ruth[0].heading.as_deref(), Some("Naomi and Ruth"));
    assert!(
        ruth[0]
            .text
            .starts_with("In the time when the judges ruled, there was once a famine in the land.")
    );
    assert_eq!(ruth[0].breaks.first(), Some(&(0, Break::Paragraph)));
}

#[test]
fn a_failed_import_leaves_nothing_behind() {
    let dir = tempfile::tempdir().expect("tempdir");
    let source =
        std::fs::read_to_string(data("bible/open-bibles/eng-ylt.zefania.xml")).expect("read");
    // Cut the file in the middle of the New Testament: thousands of verses parse before the error.
    let cut = source.len() / 2;
    let cut = (0..=cut)
        .rev()
        .find(|&i| source.is_char_boundary(i))
        .unwrap_or(0);
    let path = dir.path().join("broken.xml");
    std::fs::write(&path, &source[..cut]).expect("write");

    let db = dir.path().join("bible.db");
    let mut store = BibleStore::open(&db).expect("open");
    store.install_bundled().expect("install");
    let before = store
        .search(
            "Nazareth",
            "WEB",
            &Filter {
                limit: 1000,
                ..Filter::default()
            },
        )
        .expect("search")
        .len();
    let mut progress_seen = 0;
    let err = store
        .import(&path, &ImportOptions::default(), &mut |p| {
            progress_seen = p.verses
        })
        .expect_err("truncated file");
    assert!(
        progress_seen >= 500,
        "verses were written before the error ({progress_seen})"
    );
    let msg = err.to_string();
    assert!(
        msg.contains("broken.xml:") && msg.contains("ends inside"),
        "{msg}"
    );
    assert!(matches!(err, Error::Import { line, .. } if line > 1000));
    drop(store);
    let store = BibleStore::open(&db).expect("reopen");
    assert_eq!(store.translations().expect("list").len(), 1);
    assert_eq!(
        store
            .search(
                "Nazareth",
                "WEB",
                &Filter {
                    limit: 1000,
                    ..Filter::default()
                }
            )
            .expect("search")
            .len(),
        before
    );
}

#[test]
fn import_errors_name_file_line_and_element() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut store = BibleStore::open_in_memory().expect("store");

    let song = dir.path().join("song.xml");
    std::fs::write(&song, "<song><title>x</title></song>").expect("write");
    let err = store
        .import(&song, &ImportOptions::default(), &mut |_| {})
        .expect_err("not a Bible");
    assert_eq!(
        err.to_string(),
        format!(
            "{}: not a format I can import (root element <song>)",
            song.display()
        )
    );

    let opensong = dir.path().join("os.xml");
    std::fs::write(&opensong, "<bible>\n<b n=\"Genesis\"><c n=\"1\"><v n=\"1\">In the beginning</v></c></b>\n<b n=\"Hezekiah\">\n</b></bible>").expect("write");
    let err = store
        .import(&opensong, &ImportOptions::default(), &mut |_| {})
        .expect_err("unknown book");
    assert_eq!(
        err.to_string(),
        format!("{}:3: <b>: unknown book \"Hezekiah\"", opensong.display())
    );

    let zef = dir.path().join("zef.xml");
    std::fs::write(&zef, "<XMLBIBLE>\n<BIBLEBOOK bnumber=\"43\"><CHAPTER cnumber=\"3\">\n<VERS vnumber=\"16\">a</VERS>\n<VERS vnumber=\"16\">b</VERS>\n</CHAPTER></BIBLEBOOK></XMLBIBLE>").expect("write");
    let err = store
        .import(&zef, &ImportOptions::default(), &mut |_| {})
        .expect_err("duplicate");
    assert_eq!(
        err.to_string(),
        format!("{}:4: <CHAPTER>: John 3:16 appears twice", zef.display())
    );

    let bad_number = dir.path().join("num.xml");
    std::fs::write(
        &bad_number,
        "<XMLBIBLE>\n<BIBLEBOOK bnumber=\"x\"></BIBLEBOOK></XMLBIBLE>",
    )
    .expect("write");
    let err = store
        .import(&bad_number, &ImportOptions::default(), &mut |_| {})
        .expect_err("bad number");
    assert_eq!(
        err.to_string(),
        format!(
            "{}:2: <BIBLEBOOK>: bnumber=\"x\" is not a number",
            bad_number.display()
        )
    );
    assert!(store.translations().expect("list").is_empty());
}

#[test]
fn importing_the_same_code_twice_is_refused_unless_replacing() {
    let mut store = web();
    let options = ImportOptions {
        format: Some(BibleFormat::TehShrikeJson),
        ..Default::default()
    };
    let err = store
        .import(&data("bible/web_json_tehshrike"), &options, &mut |_| {})
        .expect_err("duplicate code");
    assert!(
        matches!(err, Error::TranslationExists(ref c) if c == "WEB"),
        "{err}"
    );
    let replace = ImportOptions {
        replace: true,
        ..options
    };
    let t = store
        .import(&data("bible/web_json_tehshrike"), &replace, &mut |_| {})
        .expect("replace");
    assert_eq!(t.verses, 31_098);
    assert_eq!(store.translations().expect("list").len(), 1);
    assert_eq!(
        store
            .search("\"God so loved\"", "WEB", &Filter::default())
            .expect("search")
            .len(),
        1
    );
    store.remove("WEB").expect("remove");
    assert!(store.translations().expect("list").is_empty());
    assert!(matches!(
        store.search("God", "WEB", &Filter::default()),
        Err(Error::UnknownTranslation(_))
    ));
}

#[test]
fn usfm_keeps_poetry_headings_and_drops_notes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("19PSAeng-web.usfm");
    // Text: World English Bible (public domain).
    std::fs::write(
        &path,
        r#"\id PSA World English Bible
\h Psalms
\mt1 The Psalms
\c 23
\d A Psalm by David.
\q1
\v 1 Yahweh is my shepherd:
\q2 I shall lack nothing.
\q1
\v 2 He makes me lie down in green pastures.
\q2 He leads me beside still waters.\f + \fr 23:2 \ft Literally, waters of rest\f*
\b
\q1
\v 3 He restores my \w soul|strong="H5315"\w*.
"#,
    )
    .expect("write");
    let mut store = BibleStore::open_in_memory().expect("store");
    let t = import(&mut store, &path);
    assert_eq!(t.verses, 3);
    let v = store
        .lookup(&Reference::parse("Ps 23:1-3").expect("ref"), &t.code)
        .expect("lookup");
    assert_eq!(v[0].heading.as_deref(), Some("A Psalm by David."));
    assert_eq!(
        v[0].segments(),
        vec![
            (Some(Break::Line), "Yahweh is my shepherd:"),
            (Some(Break::Line), "I shall lack nothing.")
        ]
    );
    assert_eq!(
        v[1].text,
        "He makes me lie down in green pastures. He leads me beside still waters."
    );
    assert_eq!(v[2].text, "He restores my soul.");
    assert_eq!(v[2].breaks.first(), Some(&(0, Break::Stanza)));

    let bad = dir.path().join("bad.usfm");
    std::fs::write(&bad, "\\id JHN\n\\c 3\n\\v x For God\n").expect("write");
    let err = store
        .import(&bad, &ImportOptions::default(), &mut |_| {})
        .expect_err("bad verse");
    assert_eq!(
        err.to_string(),
        format!("{}:3: <v>: \"x\" is not a verse number", bad.display())
    );
}

#[test]
fn a_database_from_a_newer_app_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("bible.db");
    drop(BibleStore::open(&path).expect("create"));
    {
        let conn = rusqlite_free_set_version(&path);
        assert!(conn);
    }
    let err = BibleStore::open(&path).expect_err("too new");
    assert!(
        matches!(err, Error::DatabaseTooNew { found: 99, .. }),
        "{err}"
    );
}

/// Sets `PRAGMA user_version = 99` by patching the header (offset 60, big-endian), so the test needs
/// no SQLite handle of its own.
fn rusqlite_free_set_version(path: &Path) -> bool {
    let mut bytes = std::fs::read(path).expect("read db");
    if bytes.len() < 100 {
        return false;
    }
    bytes[60..64].copy_from_slice(&99u32.to_be_bytes());
    std::fs::write(path, bytes).expect("write db");
    true
}

#[test]
fn passages_render_as_the_reader_shows_them() {
    let store = web();
    let psalm = store
        .lookup(&Reference::parse("Ps 23:1-2").expect("ref"), "WEB")
        .expect("Ps 23");
    assert_eq!(
        cnt_scripture::bible::render_plain(&psalm, true),
        "A Psalm by David.\n\n  1 Yahweh is my shepherd:\n  I shall lack nothing.\n  2 He makes me lie down in green pastures.\n  He leads me beside still waters."
    );
    let john = store
        .lookup(&Reference::parse("John 3:16-17").expect("ref"), "WEB")
        .expect("John 3");
    let text = cnt_scripture::bible::render_plain(&john, false);
    assert!(
        text.starts_with("For God so loved the world")
            && text.contains("eternal life. For God didn’t send"),
        "{text}"
    );
}

#[test]
fn progress_counts_verses_and_bytes() {
    for source in [
        "bible/kjv_json_aruljohn",
        "bible/open-bibles/eng-ylt.zefania.xml",
    ] {
        let mut store = BibleStore::open_in_memory().expect("store");
        let mut reports = Vec::new();
        let t = store
            .import(&data(source), &ImportOptions::default(), &mut |p| {
                reports.push(p)
            })
            .expect("import");
        let last = reports.last().copied().expect("a final report");
        assert_eq!(last.verses, t.verses);
        assert!(
            last.total_bytes > 1_000_000 && last.bytes == last.total_bytes,
            "{last:?}"
        );
        assert!(reports.len() >= 10, "reported along the way");
        assert!(
            reports
                .windows(2)
                .all(|w| w[0].verses <= w[1].verses && w[0].bytes <= w[1].bytes),
            "{source}"
        );
        assert!(reports[reports.len() / 2].bytes < last.total_bytes);
    }
}
