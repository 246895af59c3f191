//! The player bar, Now Playing and the queue panel, rendered from player snapshots, and the ▶ button
//! on library rows.

use cnt_app::{ItemId, NowPlaying, PlaybackState, PlaybackStatus, QueueEntry, VerseRef};
use cnt_ui::{PlayerBar, PlayerPanel, Tr, UiState};
use dioxus::prelude::*;

use super::{fixture, library_fixture, render_with};

#[derive(Props, Clone, PartialEq)]
struct HarnessProps {
    now: NowPlaying,
    panel: PlayerPanel,
    language: String,
}

#[allow(non_snake_case)]
fn Harness(props: HarnessProps) -> Element {
    let core = use_context::<cnt_app::Core>();
    let now = props.now.clone();
    use_context_provider(move || {
        let mut s = UiState::new(core.connection(), core.settings(), None);
        s.player = now;
        Signal::new(s)
    });
    let language = props.language.clone();
    use_context_provider(move || Signal::new(Tr::for_choice(Some(&language))));
    use_context_provider(|| props.panel);
    rsx! { PlayerBar {} }
}

/// The artwork hash of the first entry of [`playing`].
const COVER: &str = "a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1";

fn render_bar(now: NowPlaying, panel: PlayerPanel, language: &str) -> String {
    render_bar_with(now, panel, language, |_| {})
}

fn render_bar_with(
    now: NowPlaying,
    panel: PlayerPanel,
    language: &str,
    setup: impl FnOnce(&cnt_app::Core),
) -> String {
    let f = fixture(None);
    let _guard = f.runtime.enter();
    setup(&f.core);
    let mut dom = VirtualDom::new_with_props(
        Harness,
        HarnessProps {
            now,
            panel,
            language: language.into(),
        },
    )
    .with_root_context(f.core.clone());
    dom.rebuild_in_place();
    dioxus_ssr::render(&dom)
}

fn playing() -> NowPlaying {
    NowPlaying {
        output: PlaybackState::Ready,
        status: PlaybackStatus::Playing,
        queue: vec![
            QueueEntry {
                item: ItemId::new(),
                title: "The Lord's My Shepherd".into(),
                artist: Some("Parish Choir".into()),
                duration_ms: Some(200_000),
                artwork: Some(COVER.into()),
            },
            QueueEntry {
                item: ItemId::new(),
                title: "Be Thou My Vision".into(),
                artist: None,
                duration_ms: Some(190_000),
                artwork: None,
            },
        ],
        current: Some(0),
        position_ms: 61_000,
        duration_ms: Some(200_000),
        volume_percent: 80,
        verse: Some(VerseRef {
            reference: "Psalm 23:1".into(),
            text: Some("Yahweh is my shepherd: I shall lack nothing.".into()),
        }),
        lyric: Some("The Lord's my shepherd, I'll not want".into()),
        chord: Some("G".into()),
        last_error: None,
        not_downloaded: Vec::new(),
        ..NowPlaying::default()
    }
}

#[test]
fn the_bar_shows_the_track_progress_volume_and_controls() {
    let html = render_bar(playing(), PlayerPanel::Closed, "en");
    assert!(html.contains(r#"data-status="Playing""#), "{html}");
    assert!(html.contains("The Lord&#39;s My Shepherd") || html.contains("The Lord's My Shepherd"));
    assert!(html.contains(r#"id="player-artist""#) && html.contains("Parish Choir"));
    assert!(
        html.contains(r#"aria-label="Pause""#),
        "playing shows Pause: {html}"
    );
    assert!(html.contains(r#"id="player-seek""#) && html.contains(r#"max="200000""#));
    assert!(html.contains(r#"value="61000""#), "{html}");
    assert!(html.contains(">1:01<") && html.contains(">3:20<"));
    assert!(html.contains(r#"id="player-volume""#) && html.contains(r#"value="80""#));
    assert!(html.contains(r#"id="toggle-queue""#) && html.contains(r#"id="toggle-now-playing""#));
    assert!(!html.contains(r#"id="now-playing""#), "panels start closed");
    assert!(!html.contains("No audio device"));
}

#[test]
fn without_a_sound_card_the_bar_says_no_audio_device() {
    let now = NowPlaying {
        output: PlaybackState::NoDevice("Unknown PCM default".into()),
        ..NowPlaying::default()
    };
    let html = render_bar(now, PlayerPanel::Closed, "en");
    assert!(html.contains(r#"id="player-no-device""#), "{html}");
    assert!(html.contains("No audio device"));
    assert!(html.contains(r#"title="Unknown PCM default""#));
    // Nothing to control: the transport is disabled.
    assert!(
        html.contains(r#"id="player-play" disabled"#) || html.contains("disabled=true"),
        "{html}"
    );
    let es = render_bar(
        NowPlaying {
            output: PlaybackState::NoDevice("x".into()),
            ..NowPlaying::default()
        },
        PlayerPanel::Closed,
        "es",
    );
    assert!(es.contains("No hay dispositivo de audio"), "{es}");
}

#[test]
fn items_not_downloaded_are_named_in_the_bar() {
    let now = NowPlaying {
        not_downloaded: vec!["Grace upon grace".into()],
        ..NowPlaying::default()
    };
    let html = render_bar(now, PlayerPanel::Closed, "en");
    assert!(html.contains(r#"id="player-waiting""#), "{html}");
    assert!(
        html.contains("Not downloaded yet: Grace upon grace"),
        "{html}"
    );
}

#[test]
fn now_playing_shows_the_verse_large_with_its_reference_and_save_button() {
    let html = render_bar(playing(), PlayerPanel::NowPlaying, "en");
    assert!(html.contains(r#"id="now-playing""#), "{html}");
    assert!(
        html.contains(r#"class="cue fade-in""#),
        "the cue fades in: {html}"
    );
    assert!(html.contains("Yahweh is my shepherd: I shall lack nothing."));
    assert!(html.contains(r#"id="cue-reference""#) && html.contains("Psalm 23:1"));
    assert!(
        html.contains(r#"id="cue-lyric""#),
        "the lyric stays under the verse"
    );
    assert!(html.contains(r#"id="cue-chord""#));
    assert!(html.contains(r#"id="save-verse""#) && html.contains("Save this verse for later"));

    // A lyric alone fills the stage.
    let mut lyric_only = playing();
    lyric_only.verse = None;
    let html = render_bar(lyric_only, PlayerPanel::NowPlaying, "en");
    assert!(html.contains(r#"id="cue-text""#), "{html}");
    assert!(!html.contains(r#"id="save-verse""#));
}

#[test]
fn the_queue_panel_lists_entries_with_move_and_remove() {
    let html = render_bar(playing(), PlayerPanel::Queue, "en");
    assert!(html.contains(r#"id="queue-panel""#), "{html}");
    assert_eq!(html.matches(r#"class="queue-row"#).count(), 2);
    assert!(html.contains(r#"class="queue-row current""#));
    assert!(html.contains("Alt+↑"));
    assert_eq!(
        html.matches(r#"aria-label="Remove from the queue""#)
            .count(),
        2
    );
    assert_eq!(html.matches(r#"aria-label="Move up""#).count(), 2);
    let empty = render_bar(NowPlaying::default(), PlayerPanel::Queue, "pt");
    assert!(empty.contains("A fila está vazia."), "{empty}");
}

#[test]
fn every_player_string_exists_in_every_locale() {
    for lang in ["en", "es", "pt"] {
        for panel in [PlayerPanel::NowPlaying, PlayerPanel::Queue] {
            let html = render_bar(playing(), panel, lang);
            // A missing Fluent message renders as its id.
            assert!(!html.contains(">player-"), "{lang}: {html}");
            assert!(!html.contains("label=\"player-"), "{lang}: {html}");
            assert!(!html.contains("title=\"player-"), "{lang}: {html}");
        }
    }
}

#[test]
fn playable_library_rows_have_a_play_button() {
    let f = library_fixture();
    let html = render_with(&f, cnt_ui::Screen::Home, |d| d);
    assert!(html.contains(r#"class="icon-button play-item""#), "{html}");
    // The album and the artist are not playable themselves.
    let rows = html.matches(r#"class="item-row""#).count();
    let buttons = html.matches("play-item").count();
    assert!(buttons >= 1 && buttons <= rows, "{buttons} of {rows}");
    assert_eq!(
        html.matches(r#"aria-label="Add to the queue""#).count(),
        buttons,
        "every playable row can be queued: {html}"
    );
}

#[test]
fn artwork_on_the_device_shows_in_the_bar_and_now_playing() {
    // Not fetched yet: the title's initial stands in.
    let html = render_bar(playing(), PlayerPanel::NowPlaying, "en");
    assert!(!html.contains("<img"), "{html}");
    assert!(html.contains(r#"id="player-artwork""#));
    let with_cover = |core: &cnt_app::Core| {
        std::fs::create_dir_all(core.artwork_dir()).expect("dir");
        std::fs::write(
            core.artwork_dir().join(COVER),
            r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 4 4"><rect width="4" height="4" fill="teal"/></svg>"#,
        )
        .expect("cover");
    };
    let html = render_bar_with(playing(), PlayerPanel::NowPlaying, "en", with_cover);
    let bar_img = html
        .find(r#"id="player-artwork""#)
        .and_then(|at| html[at..].find(r#"<img src="data:image/svg+xml;base64,"#));
    assert!(bar_img.is_some(), "{html}");
    assert!(
        html.contains(r#"class="np-cover""#) && html.contains(r#"id="np-cover""#),
        "{html}"
    );
    // The second entry has no artwork.
    let mut second = playing();
    second.current = Some(1);
    let html = render_bar_with(second, PlayerPanel::Closed, "en", with_cover);
    assert!(!html.contains("<img"), "{html}");
}

#[test]
fn albums_and_playlists_play_as_a_whole_or_from_a_row() {
    use cnt_ui::{LibraryTab, LibraryView};
    let f = library_fixture();
    let album = f
        .core
        .items(cnt_app::ItemKind::Album, 0, 10)
        .expect("albums")
        .into_iter()
        .next()
        .expect("the album");
    let html = render_with(&f, cnt_ui::Screen::Library, |d| {
        d.with_root_context(LibraryView {
            tab: LibraryTab::Kind(cnt_app::ItemKind::Album),
            playlist: None,
            item: Some(album.id),
        })
    });
    assert!(html.contains(r#"id="play-all""#), "{html}");
    assert!(html.contains("Play all"));
    assert_eq!(
        html.matches("play-item").count(),
        1,
        "its one playable track"
    );
    // The playlist: Play all, and ▶ on its playable entry (the other has no media).
    let html = render_with(&f, cnt_ui::Screen::Library, |d| {
        d.with_root_context(LibraryView {
            tab: LibraryTab::Playlists,
            playlist: Some(f.playlist),
            item: None,
        })
    });
    assert!(html.contains(r#"id="play-all""#), "{html}");
    assert_eq!(
        html.matches(r#"aria-label="Play from here""#).count(),
        1,
        "{html}"
    );
}

#[test]
fn artwork_urls_use_the_shells_scheme_else_data_uris() {
    let f = fixture(None);
    let _guard = f.runtime.enter();
    std::fs::create_dir_all(f.core.artwork_dir()).expect("dir");
    std::fs::write(f.core.artwork_dir().join(COVER), b"\x89PNG\r\n\x1a\n0000").expect("cover");
    let inline = cnt_ui::ShellHooks::default();
    let served = cnt_ui::ShellHooks {
        artwork_scheme: Some("cntart"),
        ..Default::default()
    };
    assert_eq!(
        cnt_ui::artwork_src(&f.core, &served, COVER),
        Some(format!("cntart://art/{COVER}"))
    );
    let data = cnt_ui::artwork_src(&f.core, &inline, COVER).expect("inlined");
    assert!(data.starts_with("data:image/png;base64,"), "{data}");
    let absent = "b2".repeat(32);
    assert_eq!(cnt_ui::artwork_src(&f.core, &served, &absent), None);
    assert_eq!(cnt_ui::artwork_src(&f.core, &inline, &absent), None);
}

#[test]
fn rows_show_thumbnails_the_album_its_cover_and_the_playing_row_stands_out() {
    use cnt_ui::{LibraryTab, LibraryView};
    let f = library_fixture();
    let album = f
        .core
        .items(cnt_app::ItemKind::Album, 0, 10)
        .expect("albums")
        .into_iter()
        .next()
        .expect("the album");
    let grace = f.core.children(album.id).expect("tracks")[0].id;
    let cover = f
        .core
        .item(album.id)
        .expect("item")
        .and_then(|a| a.artwork)
        .expect("the album has a cover")
        .hash;
    let fetched = f.runtime.block_on(f.core.fetch_artwork()).expect("artwork");
    assert_eq!(fetched.fetched, 1, "{fetched:?}");
    assert!(f.core.artwork_file(&cover).is_some());
    // Play the album's track (downloaded in the fixture) into a held sink: it is the current one.
    let (sink, tap) = cnt_app::MemorySink::gated(44_100, 2);
    f.core.use_audio_output(Box::new(sink));
    {
        let _guard = f.runtime.enter();
        f.core.play_items(&[grace], 0).expect("play");
    }
    tap.allow(4_410);
    while f.core.now_playing().current.is_none() {
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    let html = render_with(&f, cnt_ui::Screen::Library, |d| {
        d.with_root_context(LibraryView {
            tab: LibraryTab::Kind(cnt_app::ItemKind::Album),
            playlist: None,
            item: Some(album.id),
        })
    });
    assert!(html.contains(r#"id="detail-cover""#), "{html}");
    assert!(html.contains(r#"class="thumb""#));
    assert_eq!(
        html.matches(r#"class="item-row playing""#).count(),
        1,
        "{html}"
    );
    assert!(html.contains(r#"aria-current="true""#));
    tap.open();
}

#[test]
fn shuffle_and_repeat_show_their_state_in_the_bar() {
    let html = render_bar(playing(), PlayerPanel::Closed, "en");
    assert!(html.contains(r#"id="player-shuffle""#), "{html}");
    assert!(html.contains(r#"aria-pressed="false""#));
    assert!(html.contains(r#"data-repeat="off""#) && html.contains("Repeat: off"));
    let mut on = playing();
    on.shuffle = true;
    on.repeat = cnt_app::RepeatMode::One;
    let html = render_bar(on, PlayerPanel::Closed, "es");
    assert!(
        html.contains(r#"class="mode on" id="player-shuffle" aria-pressed="true""#),
        "{html}"
    );
    assert!(html.contains(r#"data-repeat="one""#) && html.contains("Repetir: esta pista"));
    assert!(html.contains(r#"class="mode-badge""#));
}

#[test]
fn a_streamed_item_shows_loading_until_its_audio_starts() {
    let now = NowPlaying {
        loading: Some("Grace upon grace".into()),
        ..NowPlaying::default()
    };
    let html = render_bar(now, PlayerPanel::Closed, "pt");
    assert!(html.contains(r#"id="player-loading""#), "{html}");
    assert!(html.contains("Carregando Grace upon grace…"), "{html}");
}
