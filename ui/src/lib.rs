//! The CNT Media user interface: Dioxus 0.7 components, screens and state.
//!
//! The UI holds one [`cnt_app::Core`] (provided as Dioxus context by the shell: desktop, mobile, or a
//! test) and talks to nothing else: no SQLite, no decoder, no GStreamer, no HTTP. Data flows one way:
//!
//! ```text
//!  Core ──CoreEvent (broadcast)──► use_future in Frame ──► UiState::apply ──► Signal<UiState> ──► screens
//!   ▲                                                                                             │
//!   └──────────────────────────── method calls (set_language, check_connection_now) ◄─────────────┘
//! ```
//!
//! Components: [`App`] (the root the shells launch) renders [`Frame`]: the sidebar (a bottom tab bar
//! below 700 px, by CSS), the current screen, start-up notices and the player bar. Every string comes
//! from `cnt-i18n`; the language follows settings and switches live. Keyboard: arrows/Home/End move in
//! the navigation, Enter opens, Ctrl+1…Ctrl+9 jump to a screen.
//!
//! The theme is [`STYLE`] (CSS, from `assets/css/theme.css`); shells add the bundled font.
//! Screens are rendered in tests with `dioxus-ssr`; the desktop shell is screenshotted under Xvfb.

pub mod bible;
mod icons;
mod library;
mod player;
mod screen;
mod screens;
pub mod songs;
mod state;

use std::rc::Rc;
use std::sync::Arc;

use cnt_app::{ConnectionState, Core, CoreEvent, Notice};
use cnt_i18n::I18n;
use dioxus::prelude::*;

pub use library::{LibraryTab, LibraryView, SearchText, kind_label_id};
pub use player::{PlayerBar, PlayerPanel, clock};
pub use screen::Screen;
pub use state::UiState;

/// The app's stylesheet.
pub const STYLE: &str = include_str!("../../assets/css/theme.css");

/// Translations for the current language, shared by every component through context.
#[derive(Clone, Debug)]
pub struct Tr(pub Arc<I18n>);

impl PartialEq for Tr {
    fn eq(&self, other: &Self) -> bool {
        self.0.language() == other.0.language()
    }
}

impl Tr {
    /// Translations for a language choice (`None`: the system language).
    pub fn for_choice(choice: Option<&str>) -> Tr {
        Tr(Arc::new(I18n::for_choice(choice)))
    }

    /// The message `id`.
    pub fn t(&self, id: &str) -> String {
        self.0.t(id)
    }

    /// The message `id` with text arguments.
    pub fn t_args(&self, id: &str, args: &[(&str, &str)]) -> String {
        self.0.t_args(id, args)
    }
}

/// Callbacks a shell can hand to the UI.
#[derive(Clone, Default)]
pub struct ShellHooks {
    /// Called once, when the frame is first mounted in the page (used to measure cold start).
    pub on_first_paint: Option<Arc<dyn Fn() + Send + Sync>>,
    /// A URL scheme the shell serves artwork under (`SCHEME://art/<hash>`, see [`artwork_src`]);
    /// without one, images are inlined as `data:` URIs.
    pub artwork_scheme: Option<&'static str>,
}

/// What an `img` shows for the artwork with `hash`: a URL under the shell's artwork scheme, else a
/// `data:` URI; `None` while the image is not on the device (the caller shows a placeholder).
pub fn artwork_src(core: &Core, hooks: &ShellHooks, hash: &str) -> Option<String> {
    match hooks.artwork_scheme {
        Some(scheme) => core
            .artwork_file(hash)
            .map(|_| format!("{scheme}://art/{hash}")),
        None => core.artwork_data_uri(hash),
    }
}

/// [`artwork_src`] with the shell's hooks from context.
pub fn use_artwork_src() -> impl Fn(&str) -> Option<String> + Clone {
    let core = use_core();
    let hooks = try_use_context::<ShellHooks>().unwrap_or_default();
    move |hash| artwork_src(&core, &hooks, hash)
}

/// The core, from context. Every shell provides it.
pub fn use_core() -> Core {
    use_context::<Core>()
}

/// The translations in use.
pub fn use_tr() -> Signal<Tr> {
    use_context::<Signal<Tr>>()
}

/// The UI state that follows the core.
pub fn use_ui_state() -> Signal<UiState> {
    use_context::<Signal<UiState>>()
}

/// The current screen; setting it navigates.
pub fn use_screen() -> Signal<Screen> {
    use_context::<Signal<Screen>>()
}

/// The root component: the frame, on the [`Screen`] found in context (the shell may provide one), else Home.
#[allow(non_snake_case)]
pub fn App() -> Element {
    let initial = try_use_context::<Screen>().unwrap_or(Screen::Home);
    rsx! { Frame { initial } }
}

/// The app frame: navigation, the current screen, notices, player bar.
#[component]
pub fn Frame(initial: Screen) -> Element {
    let core = use_core();
    // In context so that screens can move to another one (Settings → Account).
    let mut screen = use_context_provider(|| Signal::new(initial));
    // The navigation entry in the tab order (roving tab index); follows the screen on shortcuts.
    let mut focused = use_signal(|| initial.index());
    let mut state = use_context_provider(|| {
        let mut s = UiState::new(core.connection(), core.settings(), core.account());
        // A window opened while something plays shows it at once.
        s.player = core.now_playing();
        Signal::new(s)
    });
    let mut tr =
        use_context_provider(|| Signal::new(Tr::for_choice(core.settings().language.as_deref())));
    let hooks = try_use_context::<ShellHooks>().unwrap_or_default();

    let events_core = core.clone();
    use_future(move || {
        let core = events_core.clone();
        async move {
            let mut events = core.subscribe();
            // Anything that changed before we subscribed.
            state.write().connection = core.connection();
            loop {
                match events.recv().await {
                    Ok(event) => {
                        if let CoreEvent::SettingsChanged(s) = &event {
                            tr.set(Tr::for_choice(s.language.as_deref()));
                        }
                        state.write().apply(&event);
                    }
                    Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {
                        let settings = core.settings();
                        tr.set(Tr::for_choice(settings.language.as_deref()));
                        let mut s = state.write();
                        s.connection = core.connection();
                        s.settings = settings;
                        s.account = core.account();
                        // Player snapshots come often: after a lag, take the current one, and
                        // re-read the library in case a change was among the events missed.
                        s.player = core.now_playing();
                        s.library_revision += 1;
                    }
                    Err(tokio::sync::broadcast::error::RecvError::Closed) => break,
                }
            }
        }
    });

    let on_key = move |evt: KeyboardEvent| {
        if !evt.modifiers().ctrl() {
            return;
        }
        // The physical digit row, so that Ctrl+1 also works where the key types "&" (AZERTY).
        let code = evt.code().to_string();
        if let Some(n) = code
            .strip_prefix("Digit")
            .and_then(|d| d.parse::<usize>().ok())
            .filter(|n| (1..=9).contains(n))
        {
            evt.prevent_default();
            screen.set(Screen::ALL[n - 1]);
            focused.set(n - 1);
        }
    };

    let current = screen();
    rsx! {
        div {
            class: "app",
            "data-screen": current.slug(),
            onkeydown: on_key,
            onmounted: move |_| {
                if let Some(f) = &hooks.on_first_paint {
                    f();
                }
            },
            Sidebar { screen, focused }
            main { class: "content", id: "content",
                Notices {}
                screens::ScreenView { screen: current }
            }
            PlayerBar {}
        }
    }
}

/// The navigation: sidebar on wide windows, bottom tab bar on narrow ones.
#[component]
fn Sidebar(screen: Signal<Screen>, focused: Signal<usize>) -> Element {
    let tr = use_tr();
    let tr = tr.read();
    let mut items: Signal<Vec<Option<Rc<MountedData>>>> =
        use_signal(|| vec![None; Screen::ALL.len()]);

    // DOM focus follows the roving index, whatever moved it (arrows, a click, a Ctrl+N shortcut).
    use_effect(move || {
        let i = focused();
        if let Some(Some(el)) = items.peek().get(i).cloned() {
            spawn(async move {
                // WebKitGTK answers `null` to focus() and dioxus reports that as an error although
                // the element did get focus; nothing to do either way.
                let _ = el.set_focus(true).await;
            });
        }
    });

    let on_key = move |evt: KeyboardEvent| {
        let n = Screen::ALL.len();
        let now = focused();
        let to = match evt.key() {
            Key::ArrowDown | Key::ArrowRight => (now + 1) % n,
            Key::ArrowUp | Key::ArrowLeft => (now + n - 1) % n,
            Key::Home => 0,
            Key::End => n - 1,
            // Activate from our own index: the DOM focus may still be moving after a fast arrow key.
            Key::Enter => {
                evt.prevent_default();
                screen.set(Screen::ALL[now]);
                return;
            }
            Key::Character(c) if c == " " => {
                evt.prevent_default();
                screen.set(Screen::ALL[now]);
                return;
            }
            _ => return,
        };
        evt.prevent_default();
        focused.set(to);
    };

    rsx! {
        aside { class: "sidebar",
            div { class: "brand",
                div { class: "brand-mark", "CNT" }
                div { class: "brand-name", {tr.t("app-name")} }
            }
            nav {
                class: "nav",
                role: "tablist",
                aria_label: tr.t("nav-label"),
                aria_orientation: "vertical",
                title: tr.t("nav-shortcut-hint"),
                onkeydown: on_key,
                for (i , s) in Screen::ALL.into_iter().enumerate() {
                    button {
                        key: "{s.slug()}",
                        class: if screen().nav_entry() == s { "nav-item active" } else { "nav-item" },
                        id: "nav-{s.slug()}",
                        role: "tab",
                        tabindex: if focused() == i { "0" } else { "-1" },
                        aria_selected: if screen().nav_entry() == s { "true" } else { "false" },
                        title: "{tr.t(&s.nav_label_id())} (Ctrl+{i + 1})",
                        onclick: move |_| {
                            focused.set(i);
                            screen.set(s);
                        },
                        onfocus: move |_| focused.set(i),
                        onmounted: move |evt: MountedEvent| {
                            let el = evt.data();
                            items.write()[i] = Some(el.clone());
                            if screen.peek().index() == i {
                                spawn(async move {
                                    let _ = el.set_focus(true).await;
                                });
                            }
                        },
                        span { class: "icon", dangerous_inner_html: icons::screen_icon(s) }
                        span { class: "nav-label", {tr.t(&s.nav_label_id())} }
                    }
                }
            }
            ConnectionIndicator {}
        }
    }
}

/// The online/offline dot, with the reason on hover.
#[component]
fn ConnectionIndicator() -> Element {
    let core = use_core();
    let tr = use_tr();
    let tr = tr.read();
    let state = use_ui_state();
    let server = core.server_url();
    let (class, text, detail) = match &state.read().connection {
        ConnectionState::Online { .. } => (
            "connection online",
            tr.t("status-online"),
            tr.t_args("status-online-detail", &[("server", &server)]),
        ),
        ConnectionState::Offline { reason } => (
            "connection offline",
            tr.t("status-offline"),
            tr.t_args(
                "status-offline-detail",
                &[("server", &server), ("reason", reason)],
            ),
        ),
        ConnectionState::Connecting => (
            "connection connecting",
            tr.t("status-connecting"),
            server.clone(),
        ),
    };
    rsx! {
        div { class: class, id: "connection", role: "status", title: detail,
            span { class: "dot" }
            span { class: "connection-text", {text} }
        }
    }
}

/// Start-up notices (damaged files, no keyring), dismissed one by one.
#[component]
fn Notices() -> Element {
    let core = use_core();
    let tr = use_tr();
    let tr = tr.read();
    let mut state = use_ui_state();
    let dismissed = state.read().dismissed_notices;
    let notices: Vec<String> = core
        .notices()
        .iter()
        .skip(dismissed)
        .map(|n| notice_text(&tr, n))
        .collect();
    rsx! {
        for (i , text) in notices.into_iter().enumerate() {
            div { key: "{dismissed + i}", class: "notice", role: "alert",
                p { {text} }
                if i == 0 {
                    button {
                        class: "button",
                        onclick: move |_| state.write().dismissed_notices += 1,
                        {tr.t("notice-dismiss")}
                    }
                }
            }
        }
    }
}

/// The user-facing text of a start-up notice.
pub fn notice_text(tr: &Tr, notice: &Notice) -> String {
    match notice {
        Notice::ConfigInvalid { file, error } => tr.t_args(
            "notice-config-invalid",
            &[("file", &file.display().to_string()), ("error", error)],
        ),
        Notice::LibraryRecovered { moved_to } => tr.t_args(
            "notice-library-recovered",
            &[("file", &moved_to.display().to_string())],
        ),
    }
}

/// A core error in the user's language: the server's code when it sent one.
pub fn error_text(tr: &Tr, server: &str, error: &cnt_app::Error) -> String {
    match error {
        cnt_app::Error::Server(e) if e.is_unreachable() => {
            tr.t_args("error-server-unreachable", &[("server", server)])
        }
        cnt_app::Error::Server(e) => match e.code() {
            Some(code) => tr.t(&code.fluent_id()),
            None => tr.t_args("error-server-unreachable", &[("server", server)]),
        },
        cnt_app::Error::NotSignedIn => tr.t("error-invalid-token"),
        cnt_app::Error::Secrets(_) => tr.t("error-keyring"),
        cnt_app::Error::Library(e) => tr.t_args("error-library", &[("detail", &e.to_string())]),
        _ => tr.t("error-internal"),
    }
}
