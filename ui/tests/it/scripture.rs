//! The Bible reader and Worship → Songs, rendered with a real core (the bundled WEB, songs imported
//! from `shared/data`).

use std::path::PathBuf;

use cnt_ui::bible::BiblePlace;
use cnt_ui::songs::{SongsStart, WorshipTab};
use cnt_ui::{Frame, FrameProps, Screen};
use dioxus::prelude::*;

use super::{Fixture, fixture};

fn render(f: &Fixture, screen: Screen, extra: impl FnOnce(VirtualDom) -> VirtualDom) -> String {
    let _guard = f.runtime.enter();
    let dom = VirtualDom::new_with_props(Frame, FrameProps { initial: screen })
        .with_root_context(f.core.clone());
    let mut dom = extra(dom);
    dom.rebuild_in_place();
    dioxus_ssr::render(&dom)
}

fn data(rel: &str) -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/data")).join(rel)
}

#[test]
fn the_bible_opens_a_chapter_with_its_verses_selects_and_breaks() {
    let f = fixture(Some("language = \"en\"\n"));
    let html = render(&f, Screen::Bible, |d| d);
    assert!(html.contains(r#"id="bible-reference""#), "{html}");
    // John 1 by default, every verse with its save button.
    assert!(
        html.contains(r#"id="bible-chapter-title">John 1</h2>"#),
        "{html}"
    );
    assert!(html.contains("In the beginning was the Word"));
    assert_eq!(html.matches(r#"class="verse-save""#).count(), 51);
    assert!(html.contains(r#"<option value="43" selected"#), "{html}");
    assert!(html.matches("<option value=").count() > 66 + 21);
    // Only WEB ships: the screen says how to add a second translation.
    assert!(html.contains("cnt bible import"), "{html}");
    assert!(html.contains("No saved verses yet"));
    // Paragraph breaks of the text are kept.
    assert!(html.contains(r#"class="seg para""#));
}

#[test]
fn a_typed_place_marks_the_verse_and_search_ranks_hits() {
    let f = fixture(Some("language = \"en\"\n"));
    let target = f.core.bible_jump("jn316").expect("jump");
    f.core.save_verse("Ps 23:1").expect("save");
    let html = render(&f, Screen::Bible, |d| {
        d.with_root_context(BiblePlace {
            book: target.book,
            chapter: target.chapter,
            verse: target.verse,
            search: "good shepherd".into(),
            ..BiblePlace::default()
        })
    });
    assert!(
        html.contains(r#"id="bible-chapter-title">John 3</h2>"#),
        "{html}"
    );
    assert!(
        html.contains(r#"class="verse marked" id="verse-16""#),
        "{html}"
    );
    assert_eq!(html.matches("verse marked").count(), 1);
    // Ranked hits, best first, with the words marked.
    let hits = html.split(r#"id="bible-hits""#).nth(1).expect("hits");
    assert!(hits.find("John 10:11") < hits.find("John 10:14"), "{hits}");
    assert!(hits.contains("<mark>shepherd</mark>"), "{hits}");
    assert!(html.contains("Psalms 23:1"), "{html}");
}

#[test]
fn poetry_keeps_its_lines_and_spanish_names_the_books() {
    let f = fixture(Some("language = \"es\"\n"));
    f.core.save_verse("Sal 23:1").expect("save");
    let html = render(&f, Screen::Bible, |d| {
        d.with_root_context(BiblePlace {
            book: 19,
            chapter: 23,
            ..BiblePlace::default()
        })
    });
    assert!(
        html.contains(r#"id="bible-chapter-title">Salmos 23</h2>"#),
        "{html}"
    );
    assert!(html.contains(r#"class="seg line""#) || html.contains(r#"class="seg stanza""#));
    assert!(html.contains("Ir a una cita"));
    // The saved verse shows as saved, once.
    assert_eq!(html.matches("verse-save saved").count(), 1, "{html}");
}

#[test]
fn worship_has_a_songs_tab_with_chords_over_lyrics_and_import_results() {
    let f = fixture(Some("language = \"en\"\n"));
    let html = render(&f, Screen::Worship, |d| d);
    assert!(html.contains(r#"id="worship-tab-songs""#), "{html}");
    assert!(html.contains("Prepare a service"));

    let empty = render(&f, Screen::Worship, |d| {
        d.with_root_context(SongsStart {
            tab: WorshipTab::Songs,
            song: None,
            query: String::new(),
        })
    });
    assert!(empty.contains(r#"id="songs-empty""#), "{empty}");
    assert!(empty.contains(r#"id="songs-import-paths""#));

    let results = f.core.song_import(&[
        data("lyrics/chordpro/lib_ChordPro_res_examples_swinglow.cho"),
        data("lyrics/openlyrics/songs/Be Thou My Vision.xml"),
    ]);
    let swing = results[0].1.as_ref().expect("imported").id;
    let html = render(&f, Screen::Worship, |d| {
        d.with_root_context(SongsStart {
            tab: WorshipTab::Songs,
            song: Some(swing),
            query: String::new(),
        })
    });
    assert_eq!(html.matches(r#"class="item-title""#).count(), 2, "{html}");
    assert!(html.contains("Swing Low Sweet Chariot"), "{html}");
    assert!(html.contains(r#"class="sheet-chords""#), "{html}");
    assert!(
        html.contains(r#"id="song-transpose">Transpose 0"#),
        "{html}"
    );
    assert!(html.contains(r#"id="song-capo">Capo 0"#), "{html}");

    let searched = render(&f, Screen::Worship, |d| {
        d.with_root_context(SongsStart {
            tab: WorshipTab::Songs,
            song: None,
            query: "vision".into(),
        })
    });
    assert_eq!(searched.matches(r#"class="item-title""#).count(), 1);
    assert!(searched.contains("Be Thou My Vision"));
}
