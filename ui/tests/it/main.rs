//! Server-side renders of the frame and every screen, with a real core (temp files, a closed port as
//! the server) so the markup is what a user would see.

use std::sync::Arc;
use std::time::Duration;

use cnt_app::{ConnectionState, Core, CoreOptions, MemoryStore, MonitorTiming};
use cnt_ui::{Frame, FrameProps, Screen};
use dioxus::prelude::*;

mod player;
mod scripture;

struct Fixture {
    _dir: tempfile::TempDir,
    runtime: tokio::runtime::Runtime,
    core: Core,
}

fn closed_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    l.local_addr().expect("addr").port()
}

fn fixture(config: Option<&str>) -> Fixture {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let dir = tempfile::tempdir().expect("tempdir");
    let config_file = dir.path().join("config.toml");
    if let Some(text) = config {
        std::fs::write(&config_file, text).expect("config");
    }
    let core = {
        let _guard = runtime.enter();
        Core::start(CoreOptions {
            data_dir: Some(dir.path().join("data")),
            config_file: Some(config_file),
            server: Some(format!("http://127.0.0.1:{}", closed_port())),
            secrets: Some(Arc::new(MemoryStore::new())),
            timing: Some(MonitorTiming {
                online_interval: Duration::from_millis(50),
                offline_initial: Duration::from_millis(20),
                offline_max: Duration::from_millis(50),
            }),
        })
        .expect("core")
    };
    Fixture {
        _dir: dir,
        runtime,
        core,
    }
}

fn render(f: &Fixture, screen: Screen) -> String {
    let _guard = f.runtime.enter();
    let mut dom = VirtualDom::new_with_props(Frame, FrameProps { initial: screen })
        .with_root_context(f.core.clone());
    dom.rebuild_in_place();
    dioxus_ssr::render(&dom)
}

#[test]
fn the_frame_has_every_navigation_entry_and_the_player_bar() {
    let f = fixture(Some("language = \"en\"\n"));
    let html = render(&f, Screen::Home);
    for label in [
        "Home",
        "Search",
        "Library",
        "Bible",
        "Worship",
        "Create",
        "Community",
        "Events",
        "Settings",
    ] {
        assert!(
            html.contains(&format!(r#"<span class="nav-label">{label}</span>"#)),
            "{label} missing"
        );
    }
    assert_eq!(html.matches(r#"role="tab""#).count(), 9);
    assert_eq!(html.matches(r#"aria-selected="true""#).count(), 1);
    assert!(
        html.contains(r#"class="nav-item active" id="nav-home""#),
        "{html}"
    );
    assert!(html.contains(r#"id="player""#));
    assert!(html.contains("Nothing playing"));
    // Roving tab index: exactly one entry is in the tab order.
    assert_eq!(html.matches(r#"tabindex="0""#).count(), 1);
}

#[test]
fn every_screen_renders_its_title() {
    let f = fixture(Some("language = \"en\"\n"));
    for (screen, title) in [
        (Screen::Home, "Home"),
        (Screen::Search, "Search"),
        (Screen::Library, "Library"),
        (Screen::Bible, "Bible"),
        (Screen::Worship, "Worship"),
        (Screen::Create, "Create"),
        (Screen::Community, "Community"),
        (Screen::Events, "Events"),
        (Screen::Settings, "Settings"),
    ] {
        let html = render(&f, screen);
        assert!(
            html.contains(&format!(r#"id="screen-{}""#, screen.slug())),
            "{screen:?}"
        );
        assert!(
            html.contains(&format!(r#"<h1 class="screen-title">{title}</h1>"#)),
            "{screen:?}: {html}"
        );
        assert!(html.contains(&format!(r#"data-screen="{}""#, screen.slug())));
    }
}

#[test]
fn the_offline_state_shows_in_the_indicator() {
    let f = fixture(Some("language = \"en\"\n"));
    f.runtime.block_on(async {
        tokio::time::timeout(
            Duration::from_secs(20),
            f.core
                .wait_for_connection(|s| matches!(s, ConnectionState::Offline { .. })),
        )
        .await
        .expect("offline")
    });
    let html = render(&f, Screen::Home);
    assert!(html.contains(r#"class="connection offline""#), "{html}");
    assert!(html.contains(">Offline<"));
    assert!(html.contains("Your library still works offline."));
}

#[test]
fn spanish_is_used_when_chosen() {
    let f = fixture(Some("language = \"es\"\n"));
    let html = render(&f, Screen::Settings);
    assert!(
        html.contains(r#"<span class="nav-label">Inicio</span>"#),
        "{html}"
    );
    assert!(html.contains(r#"<h1 class="screen-title">Ajustes</h1>"#));
    assert!(html.contains("Comprobar ahora"));
    assert!(
        html.contains(r#"<option value="es" selected=true>Español</option>"#)
            || html.contains(r#"value="es" selected"#),
        "{html}"
    );
}

#[test]
fn settings_show_the_server_and_data_folder() {
    let f = fixture(None);
    let html = render(&f, Screen::Settings);
    assert!(html.contains(&f.core.server_url()), "{html}");
    assert!(html.contains(&f.core.data_dir().display().to_string()));
    assert!(html.contains(f.core.version()));
}

#[test]
fn settings_offer_crossfade_and_loudness_levelling() {
    let f = fixture(None);
    let html = render(&f, Screen::Settings);
    assert!(html.contains(r#"id="settings-playback""#), "{html}");
    assert!(html.contains(r#"id="crossfade""#) && html.contains(r#"max="12""#));
    assert!(html.contains("Off (gapless)"), "{html}");
    assert!(html.contains(r#"value="album""#) && html.contains("Same loudness for every album"));
    // Chosen in the settings file: shown as chosen.
    let f = fixture(Some("crossfade_s = 5\nreplay_gain = \"album\"\n"));
    let html = render(&f, Screen::Settings);
    assert!(html.contains(r#"id="crossfade-value">5 s<"#), "{html}");
    assert!(
        html.contains(r#"value="album" selected"#) || html.contains(r#"selected=true"#),
        "{html}"
    );
    let es = render(&fixture(Some("language = \"es\"\n")), Screen::Settings);
    assert!(
        es.contains("Nivelación de volumen") && es.contains("No (sin pausas)"),
        "{es}"
    );
}

#[test]
fn a_malformed_config_is_explained_on_screen() {
    let f = fixture(Some("language = = \"es\"\n"));
    let html = render(&f, Screen::Home);
    assert!(html.contains(r#"class="notice" role="alert""#), "{html}");
    assert!(html.contains("config.toml"), "{html}");
    assert!(html.contains("Default settings are in use"), "{html}");
}

#[test]
fn the_account_screen_offers_sign_in_and_sign_up() {
    let f = fixture(Some("language = \"en\"\n"));
    let html = render(&f, Screen::Account);
    assert!(html.contains(r#"id="account-form""#), "{html}");
    assert!(html.contains(r#"id="account-email""#) && html.contains(r#"type="email""#));
    assert!(html.contains(r#"id="account-password""#) && html.contains(r#"type="password""#));
    assert!(html.contains(r#"autocomplete="current-password""#));
    assert!(html.contains(">Sign in</button>"), "{html}");
    assert!(html.contains("New here? Create an account"));
    assert!(html.contains(r#"id="go-forgot""#) && html.contains("Forgot your password?"));
    assert!(html.contains(r#"data-step="SignIn""#));
    // Reached from Settings, so Settings stays marked in the navigation.
    assert!(
        html.contains(r#"class="nav-item active" id="nav-settings""#),
        "{html}"
    );
}

#[test]
fn settings_offer_sign_in_when_signed_out() {
    let f = fixture(Some("language = \"pt\"\n"));
    let html = render(&f, Screen::Settings);
    assert!(html.contains(r#"id="settings-account""#));
    assert!(html.contains("Você não entrou."), "{html}");
    assert!(html.contains(r#"id="go-sign-in""#));
}

#[test]
fn settings_show_the_signed_in_account() {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let dir = tempfile::tempdir().expect("tempdir");
    let (server, core) = runtime.block_on(async {
        let server = cnt_e2e::TestServer::start(
            &dir.path().join("server"),
            "127.0.0.1:0".parse().expect("addr"),
        )
        .await;
        cnt_sync::ServerClient::new(&server.url())
            .expect("client")
            .register("ana@example.org", "correct horse battery", "ana")
            .await
            .expect("register");
        let core = Core::start(CoreOptions {
            data_dir: Some(dir.path().join("data")),
            config_file: Some(dir.path().join("config.toml")),
            server: Some(server.url()),
            secrets: Some(Arc::new(MemoryStore::new())),
            timing: None,
        })
        .expect("core");
        core.sign_in("ana@example.org", "correct horse battery")
            .await
            .expect("sign in");
        (server, core)
    });
    let _guard = runtime.enter();
    for screen in [Screen::Settings, Screen::Account] {
        let mut dom = VirtualDom::new_with_props(Frame, FrameProps { initial: screen })
            .with_root_context(core.clone());
        dom.rebuild_in_place();
        let html = dioxus_ssr::render(&dom);
        assert!(html.contains("ana (ana@example.org)"), "{screen:?}: {html}");
        assert!(
            html.contains("Sign out") || html.contains("Cerrar sesión") || html.contains("Sair"),
            "{html}"
        );
        assert!(
            !html.contains(r#"id="account-form""#),
            "no sign-in form when signed in"
        );
    }
    drop(server);
}

/// A signed-in core over a real server with a small catalogue, synced, with a playlist, a favorite,
/// a play and a download.
struct LibraryFixture {
    _dir: tempfile::TempDir,
    runtime: tokio::runtime::Runtime,
    core: Core,
    _server: cnt_e2e::TestServer,
    playlist: cnt_app::PlaylistId,
}

fn library_fixture() -> LibraryFixture {
    use cnt_model::sync::{CatalogItem, ItemKind};
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let dir = tempfile::tempdir().expect("tempdir");
    let (server, core, playlist) = runtime.block_on(async {
        let server = cnt_e2e::TestServer::start(
            &dir.path().join("server"),
            "127.0.0.1:0".parse().expect("addr"),
        )
        .await;
        // A real Vorbis file (4 s), so that the player can play it.
        let file = dir.path().join("a.ogg");
        std::fs::copy("../../shared/data/gapless/44k/ogg_vorbis/track01.ogg", &file)
            .expect("the shared gapless set is beside the project");
        let cover_file = dir.path().join("cover.svg");
        std::fs::write(
            &cover_file,
            r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 4 4"><rect width="4" height="4" fill="teal"/></svg>"#,
        )
        .expect("cover");
        let cover = server
            .media
            .put_file(&server.db, &cover_file, "image/svg+xml")
            .await
            .expect("cover");
        let media = server
            .media
            .put_file(&server.db, &file, "audio/ogg")
            .await
            .expect("media");
        let artist = CatalogItem::new(ItemKind::Artist, "Parish Choir");
        let mut album = CatalogItem::new(ItemKind::Album, "Still Waters");
        album.artist_id = Some(artist.id);
        album.featured = true;
        album.artwork = Some(cover.clone());
        let mut grace = CatalogItem::new(ItemKind::Track, "Amazing Grace");
        grace.subtitle = Some("Parish Choir".into());
        grace.album_id = Some(album.id);
        grace.duration_ms = Some(245_000);
        grace.media = Some(media);
        grace.artwork = Some(cover);
        let mut vision = CatalogItem::new(ItemKind::Track, "Be Thou My Vision");
        vision.subtitle = Some("Parish Choir".into());
        vision.duration_ms = Some(190_000);
        let mut sermon = CatalogItem::new(ItemKind::Episode, "Grace upon grace");
        sermon.subtitle = Some("Sunday Sermons".into());
        sermon.duration_ms = Some(1_800_000);
        cnt_backend::catalog::put_items(
            &server.db,
            &[artist, album, grace.clone(), vision.clone(), sermon.clone()],
        )
        .await
        .expect("seed");
        cnt_sync::ServerClient::new(&server.url())
            .expect("client")
            .register("ana@example.org", "correct horse battery", "ana")
            .await
            .expect("register");
        let core = Core::start(CoreOptions {
            data_dir: Some(dir.path().join("data")),
            config_file: Some(dir.path().join("config.toml")),
            server: Some(server.url()),
            secrets: Some(Arc::new(MemoryStore::new())),
            timing: None,
        })
        .expect("core");
        core.sign_in("ana@example.org", "correct horse battery")
            .await
            .expect("sign in");
        core.sync_now(&mut |_| {}).await.expect("sync");
        let playlist = core.create_playlist("Sunday set").expect("playlist");
        core.add_to_playlist(playlist, grace.id, None).expect("add");
        core.add_to_playlist(playlist, vision.id, None)
            .expect("add");
        core.set_favorite(vision.id, true).expect("fav");
        core.record_play(sermon.id, 600_000).expect("play");
        core.download(grace.id, true).expect("queue");
        core.download_now(&mut |_| {}).await.expect("download");
        (server, core, playlist)
    });
    LibraryFixture {
        _dir: dir,
        runtime,
        core,
        _server: server,
        playlist,
    }
}

fn render_with(
    f: &LibraryFixture,
    screen: Screen,
    extra: impl FnOnce(VirtualDom) -> VirtualDom,
) -> String {
    let _guard = f.runtime.enter();
    let dom = VirtualDom::new_with_props(Frame, FrameProps { initial: screen })
        .with_root_context(f.core.clone());
    let mut dom = extra(dom);
    dom.rebuild_in_place();
    dioxus_ssr::render(&dom)
}

#[test]
fn home_shows_continue_listening_featured_and_new() {
    let f = library_fixture();
    let html = render_with(&f, Screen::Home, |d| d);
    for id in [
        "home-continue",
        "home-featured",
        "home-new",
        "home-recent",
        "sync-bar",
    ] {
        assert!(html.contains(&format!(r#"id="{id}""#)), "{id}: {html}");
    }
    assert!(html.contains("Grace upon grace"));
    assert!(html.contains("Resume at 10:00"), "{html}");
    assert!(html.contains("Still Waters"));
    assert!(html.contains("Sync now"));
}

#[test]
fn search_groups_results_by_kind_and_marks_offline_items() {
    let f = library_fixture();
    let html = render_with(&f, Screen::Search, |d| {
        d.with_root_context(cnt_ui::SearchText("grace".into()))
    });
    assert!(html.contains(r#"id="results-track""#), "{html}");
    assert!(html.contains(r#"id="results-episode""#), "{html}");
    assert!(html.contains("<h2>Songs and sermons</h2>"));
    assert!(html.contains("<h2>Episodes</h2>"));
    assert!(
        !html.contains(r#"id="results-album""#),
        "no album matches grace"
    );
    // The downloaded track carries the offline mark; the search box keeps the text.
    assert!(html.contains(r#"class="badge offline-mark""#), "{html}");
    assert!(html.contains(r#"value="grace""#));
    let none = render_with(&f, Screen::Search, |d| {
        d.with_root_context(cnt_ui::SearchText("zzzz".into()))
    });
    assert!(none.contains("Nothing found for “zzzz”."), "{none}");
}

#[test]
fn library_tabs_show_playlists_favorites_downloads_and_kinds() {
    use cnt_ui::{LibraryTab, LibraryView};
    let f = library_fixture();
    let view = |tab, playlist| LibraryView {
        tab,
        playlist,
        item: None,
    };
    let html = render_with(&f, Screen::Library, |d| {
        d.with_root_context(view(LibraryTab::Playlists, None))
    });
    assert_eq!(
        html.matches(r#"role="tab""#).count(),
        9 + 9,
        "nav + library tabs"
    );
    assert!(html.contains("Sunday set"));
    assert!(html.contains("Items: 2"));
    assert!(html.contains(r#"id="new-playlist""#));

    let html = render_with(&f, Screen::Library, |d| {
        d.with_root_context(view(LibraryTab::Playlists, Some(f.playlist)))
    });
    assert!(html.contains(r#"id="playlist-view""#), "{html}");
    let first = html.find("Amazing Grace").expect("first entry");
    let second = html.find("Be Thou My Vision").expect("second entry");
    assert!(first < second, "entries in playlist order");
    assert_eq!(html.matches(r#"draggable="true""#).count(), 2);
    assert!(html.contains("Alt+↑"));
    assert!(html.contains(r#"id="playlist-pin""#));

    let html = render_with(&f, Screen::Library, |d| {
        d.with_root_context(view(LibraryTab::Favorites, None))
    });
    assert!(html.contains("Be Thou My Vision"));
    assert!(
        html.contains(r#"aria-pressed="true""#),
        "the favorite shows as pressed"
    );

    let html = render_with(&f, Screen::Library, |d| {
        d.with_root_context(view(LibraryTab::Downloads, None))
    });
    assert!(html.contains(r#"id="storage-used""#));
    assert!(html.contains("Downloaded"), "{html}");
    assert!(html.contains("kept offline"));

    let html = render_with(&f, Screen::Library, |d| {
        d.with_root_context(view(LibraryTab::Kind(cnt_app::ItemKind::Track), None))
    });
    assert!(html.contains("Items: 2"));
    assert!(html.contains("Add to playlist…"));
}

#[test]
fn every_library_string_exists_in_every_locale() {
    let f = library_fixture();
    for lang in ["es", "pt"] {
        f.core.set_language(Some(lang.into())).expect("language");
        let html = render_with(&f, Screen::Library, |d| d);
        // A missing Fluent message renders as its id.
        for id in ["library-tab-", "kind-", "playlist-", "sync-"] {
            assert!(
                !html.contains(&format!(">{id}")),
                "{lang}: untranslated {id}…: {html}"
            );
        }
    }
}
