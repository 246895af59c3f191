//! The screens. Most are empty states until their issue lands; Settings is real.

use cnt_app::{ConnectionState, Persistence};
use dioxus::prelude::*;

use crate::{Screen, Tr, error_text, icons, use_core, use_screen, use_tr, use_ui_state};

/// The screen for `screen`.
#[component]
pub fn ScreenView(screen: Screen) -> Element {
    match screen {
        Screen::Settings => rsx! { SettingsScreen {} },
        Screen::Account => rsx! { AccountScreen {} },
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
            AccountGroup {}
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

/// Settings → Account: who is signed in, and the way to sign in or out.
#[component]
fn AccountGroup() -> Element {
    let core = use_core();
    let tr = use_tr();
    let tr = tr.read();
    let state = use_ui_state();
    let mut screen = use_screen();
    let account = state.read().account.clone();
    rsx! {
        div { class: "settings-group", id: "settings-account",
            h2 { {tr.t("account-title")} }
            match account {
                Some(a) => rsx! {
                    p { {tr.t_args("account-signed-in-as", &[("name", &format!("{} ({})", a.username, a.email))])} }
                    button {
                        class: "button",
                        onclick: move |_| {
                            let core = core.clone();
                            spawn(async move {
                                if let Err(e) = core.sign_out().await {
                                    report_error(&e.to_string());
                                }
                            });
                        },
                        {tr.t("account-sign-out")}
                    }
                },
                None => rsx! {
                    p { class: "help", {tr.t("account-not-signed-in")} }
                    button { class: "button", id: "go-sign-in", onclick: move |_| screen.set(Screen::Account),
                        {tr.t("account-sign-in")}
                    }
                },
            }
        }
    }
}

/// Moves keyboard focus to a newly mounted element. Used where the focused element disappears
/// (the form after signing in): focus would otherwise fall to the page body, out of reach of the
/// app's keyboard shortcuts.
fn focus_on_mount(evt: MountedEvent) {
    spawn(async move {
        // WebKitGTK answers `null`, reported as an error although focus moved.
        let _ = evt.data().set_focus(true).await;
    });
}

/// Errors the user cannot act on (the keyring refusing to forget a token) go to stderr.
fn report_error(message: &str) {
    eprintln!("cnt: {message}");
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum AccountMode {
    SignIn,
    SignUp,
}

/// Sign in or create an account; once signed in, who it is and a way out.
#[component]
fn AccountScreen() -> Element {
    let core = use_core();
    let tr_signal = use_tr();
    let tr: Tr = tr_signal.read().clone();
    let state = use_ui_state();
    let mut mode = use_signal(|| AccountMode::SignIn);
    let mut email = use_signal(String::new);
    let mut password = use_signal(String::new);
    let mut username = use_signal(String::new);
    let mut busy = use_signal(|| false);
    // The inputs are uncontrolled (a value written back on every render races fast typing and drops
    // characters); bumping this remounts the form, which clears them.
    let mut form_generation = use_signal(|| 0u32);
    // (is an error, text)
    let mut message = use_signal(|| None::<(bool, String)>);

    if let Some(a) = state.read().account.clone() {
        let core = core.clone();
        return rsx! {
            section { class: "screen", id: "screen-account",
                h1 { class: "screen-title", {tr.t("account-title")} }
                div { class: "settings-group",
                    p { {tr.t_args("account-signed-in-as", &[("name", &format!("{} ({})", a.username, a.email))])} }
                    button {
                        class: "button",
                        id: "sign-out",
                        onmounted: focus_on_mount,
                        onclick: move |_| {
                            let core = core.clone();
                            spawn(async move {
                                if let Err(e) = core.sign_out().await {
                                    report_error(&e.to_string());
                                }
                            });
                        },
                        {tr.t("account-sign-out")}
                    }
                }
            }
        };
    }

    let submit_tr = tr.clone();
    let on_submit = move |evt: FormEvent| {
        evt.prevent_default();
        if busy() {
            return;
        }
        let core = core.clone();
        let tr = submit_tr.clone();
        let (e, p, u, m) = (email(), password(), username(), mode());
        busy.set(true);
        message.set(None);
        spawn(async move {
            let result = match m {
                AccountMode::SignIn => core.sign_in(&e, &p).await.map(Some),
                AccountMode::SignUp => core.sign_up(&e, &p, &u).await,
            };
            busy.set(false);
            match result {
                Ok(Some(_)) => password.set(String::new()),
                Ok(None) => {
                    password.set(String::new());
                    form_generation += 1;
                    mode.set(AccountMode::SignIn);
                    message.set(Some((false, tr.t("account-pending"))));
                }
                Err(err) => message.set(Some((true, error_text(&tr, &core.server_url(), &err)))),
            }
        });
    };

    let signing_up = mode() == AccountMode::SignUp;
    rsx! {
        section { class: "screen", id: "screen-account",
            h1 { class: "screen-title",
                {if signing_up { tr.t("account-sign-up") } else { tr.t("account-sign-in") }}
            }
            form {
                key: "{form_generation}",
                class: "settings-group account-form",
                id: "account-form",
                onsubmit: on_submit,
                label { r#for: "account-email", {tr.t("account-email")} }
                input {
                    id: "account-email",
                    onmounted: focus_on_mount,
                    r#type: "email",
                    autocomplete: "email",
                    required: true,
                    oninput: move |e| email.set(e.value()),
                }
                if signing_up {
                    label { r#for: "account-username", {tr.t("account-username")} }
                    input {
                        id: "account-username",
                        autocomplete: "username",
                        required: true,
                        minlength: "3",
                        maxlength: "32",
                            oninput: move |e| username.set(e.value()),
                    }
                }
                label { r#for: "account-password", {tr.t("account-password")} }
                input {
                    id: "account-password",
                    r#type: "password",
                    autocomplete: if signing_up { "new-password" } else { "current-password" },
                    required: true,
                    minlength: if signing_up { "8" } else { "1" },
                    oninput: move |e| password.set(e.value()),
                }
                if signing_up {
                    p { class: "help", {tr.t("account-password-help")} }
                }
                if let Some((is_error, text)) = message() {
                    p { class: if is_error { "form-message error" } else { "form-message" }, role: "alert", {text} }
                }
                button { class: "button primary", r#type: "submit", disabled: busy(),
                    {if busy() { tr.t("account-working") } else if signing_up { tr.t("account-sign-up") } else { tr.t("account-sign-in") }}
                }
                button {
                    class: "link",
                    r#type: "button",
                    onclick: move |_| {
                        message.set(None);
                        mode.set(if signing_up { AccountMode::SignIn } else { AccountMode::SignUp });
                    },
                    {if signing_up { tr.t("account-have-account") } else { tr.t("account-no-account") }}
                }
            }
        }
    }
}
