//! The screens. Most are empty states until their issue lands; Settings is real.

use cnt_app::{ConnectionState, Persistence};
use dioxus::prelude::*;

use crate::{Screen, Tr, icons, use_core, use_tr, use_ui_state};

/// The screen for `screen`.
#[component]
pub fn ScreenView(screen: Screen) -> Element {
    match screen {
        Screen::Settings => rsx! { SettingsScreen {} },
        Screen::Search => rsx! { SearchScreen {} },
        other => rsx! { EmptyScreen { screen: other } },
    }
}

fn title_id(screen: Screen) -> String {
    format!("{}-title", screen.slug())
}

/// A screen whose feature has not landed: its title, its icon and what it will hold.
#[component]
fn EmptyScreen(screen: Screen) -> Element {
    let tr = use_tr();
    let tr = tr.read();
    rsx! {
        section { class: "screen", id: "screen-{screen.slug()}",
            h1 { class: "screen-title", {tr.t(&title_id(screen))} }
            div { class: "empty",
                span { class: "icon", dangerous_inner_html: icons::screen_icon(screen) }
                p { {tr.t(&format!("{}-empty", screen.slug()))} }
            }
        }
    }
}

#[component]
fn SearchScreen() -> Element {
    let tr = use_tr();
    let tr = tr.read();
    rsx! {
        section { class: "screen", id: "screen-search",
            h1 { class: "screen-title", {tr.t("search-title")} }
            input {
                class: "search-box",
                r#type: "search",
                placeholder: tr.t("search-placeholder"),
                aria_label: tr.t("search-title"),
            }
            div { class: "empty",
                span { class: "icon", dangerous_inner_html: icons::screen_icon(Screen::Search) }
                p { {tr.t("search-empty")} }
            }
        }
    }
}

/// Language, server, data folder, version.
#[component]
fn SettingsScreen() -> Element {
    let core = use_core();
    let tr_signal = use_tr();
    let tr: Tr = tr_signal.read().clone();
    let state = use_ui_state();
    let chosen = state.read().settings.language.clone();
    let mut error = use_signal(|| None::<String>);
    let system_name = cnt_i18n::find_locale(&cnt_i18n::system_language())
        .map(|l| l.native_name)
        .unwrap_or("English");
    let connection = match &state.read().connection {
        ConnectionState::Online { server_version } => {
            format!("{} — cnt-server {server_version}", tr.t("status-online"))
        }
        ConnectionState::Offline { reason } => format!("{} — {reason}", tr.t("status-offline")),
        ConnectionState::Connecting => tr.t("status-connecting"),
    };
    let set_core = core.clone();
    let check_core = core.clone();
    rsx! {
        section { class: "screen", id: "screen-settings",
            h1 { class: "screen-title", {tr.t("settings-title")} }
            div { class: "settings-group",
                h2 { label { r#for: "language", {tr.t("settings-language")} } }
                p { class: "help", {tr.t("settings-language-help")} }
                select {
                    id: "language",
                    onchange: move |evt: FormEvent| {
                        let value = evt.value();
                        let choice = (!value.is_empty()).then_some(value);
                        if let Err(e) = set_core.set_language(choice) {
                            error.set(Some(e.to_string()));
                        } else {
                            error.set(None);
                        }
                    },
                    option { value: "", selected: chosen.is_none(),
                        {tr.t_args("settings-language-system", &[("language", system_name)])}
                    }
                    for locale in cnt_i18n::LOCALES {
                        option {
                            key: "{locale.code}",
                            value: locale.code,
                            selected: chosen.as_deref() == Some(locale.code),
                            {locale.native_name}
                        }
                    }
                }
                if let Some(e) = error() {
                    p { class: "help", role: "alert", {e} }
                }
            }
            div { class: "settings-group",
                h2 { {tr.t("settings-server")} }
                p { class: "help", {tr.t("settings-server-help")} }
                p { class: "mono", id: "server-url", {core.server_url()} }
                p { id: "server-status", strong { {tr.t("settings-connection")} ": " } {connection} }
                button { class: "button", onclick: move |_| check_core.check_connection_now(),
                    {tr.t("settings-check-now")}
                }
            }
            div { class: "settings-group",
                h2 { {tr.t("settings-data-dir")} }
                p { class: "mono", {core.data_dir().display().to_string()} }
                if core.secrets_persistence() == Persistence::ProcessOnly {
                    p { class: "help", {tr.t("settings-no-keyring")} }
                }
            }
            div { class: "settings-group",
                h2 { {tr.t("settings-about")} }
                p { {tr.t("app-name")} " — " {tr.t("app-tagline")} }
                p { {tr.t_args("settings-version", &[("version", core.version())])} }
            }
        }
    }
}
