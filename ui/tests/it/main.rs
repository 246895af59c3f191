//! Server-side renders of the frame and every screen, with a real core (temp files, a closed port as
//! the server) so the markup is what a user would see.

use std::sync::Arc;
use std::time::Duration;

use cnt_app::{ConnectionState, Core, CoreOptions, MemoryStore, MonitorTiming};
use cnt_ui::{Frame, FrameProps, Screen};
use dioxus::prelude::*;

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
