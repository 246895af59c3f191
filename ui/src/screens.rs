//! The screens. Most are empty states until their issue lands; Settings is real.

use std::rc::Rc;

use cnt_app::{ConnectionState, Persistence};
use dioxus::prelude::*;

use crate::{Screen, Tr, error_text, icons, use_core, use_screen, use_tr, use_ui_state};

/// The screen for `screen`.
#[component]
pub fn ScreenView(screen: Screen) -> Element {
    match screen {
        Screen::Settings => rsx! { SettingsScreen {} },
        Screen::Account => rsx! { AccountScreen {} },
        Screen::Search => rsx! { crate::library::SearchScreen {} },
        Screen::Home => rsx! { crate::library::HomeScreen {} },
        Screen::Library => rsx! { crate::library::LibraryScreen {} },
        Screen::Bible => rsx! { crate::bible::BibleScreen {} },
        Screen::Worship => rsx! { crate::songs::WorshipScreen {} },
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
            StorageGroup {}
            PlaybackGroup {}
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
    let tr = use_tr();
    let tr = tr.read();
    let state = use_ui_state();
    let mut screen = use_screen();
    let account = state.read().account.clone();
    rsx! {
        div { class: "settings-group", id: "settings-account",
            h2 { {tr.t("account-title")} }
            match account {
                Some(a) => rsx! { SignedIn { account: a, focus: false } },
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

/// Who is signed in, and the button to sign out.
#[component]
fn SignedIn(account: cnt_app::AccountSummary, focus: bool) -> Element {
    let core = use_core();
    let tr = use_tr();
    let tr = tr.read();
    rsx! {
        p { {tr.t_args("account-signed-in-as", &[("name", &format!("{} ({})", account.username, account.email))])} }
        button {
            class: "button",
            id: "sign-out",
            // On the Account screen the form that had focus just disappeared: take it.
            onmounted: move |evt| if focus { focus_on_mount(evt) },
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

/// Storage for downloads and the metered-connection rule.
#[component]
fn StorageGroup() -> Element {
    let core = use_core();
    let tr = use_tr();
    let tr = tr.read().clone();
    let state = use_ui_state();
    let settings = state.read().settings.clone();
    let quota = settings
        .storage_quota_mb
        .unwrap_or(cnt_app::DEFAULT_QUOTA_MB);
    let quota_core = core.clone();
    let metered_core = core.clone();
    rsx! {
        div { class: "settings-group", id: "settings-storage",
            h2 { {tr.t("settings-storage")} }
            p { class: "help", {tr.t("settings-storage-help")} }
            label { r#for: "quota", {tr.t("settings-quota")} " " }
            input {
                id: "quota",
                r#type: "number",
                min: "100",
                step: "100",
                initial_value: "{quota}",
                onchange: move |evt: FormEvent| {
                    if let Ok(mb) = evt.value().trim().parse::<u64>()
                        && let Err(e) = quota_core.set_storage_quota_mb(Some(mb.max(100)))
                    {
                        report_error(&e.to_string());
                    }
                },
            }
            p {
                label {
                    input {
                        id: "metered",
                        r#type: "checkbox",
                        checked: settings.downloads_on_metered,
                        onchange: move |evt: FormEvent| {
                            if let Err(e) = metered_core.set_downloads_on_metered(evt.checked()) {
                                report_error(&e.to_string());
                            }
                        },
                    }
                    " "
                    {tr.t("settings-metered")}
                }
            }
        }
    }
}

/// Playback: crossfade and loudness levelling.
#[component]
fn PlaybackGroup() -> Element {
    let core = use_core();
    let tr = use_tr();
    let tr = tr.read().clone();
    let state = use_ui_state();
    let settings = state.read().settings.clone();
    let crossfade = settings.crossfade_s;
    let levelling = settings.replay_gain;
    let (fade_core, gain_core) = (core.clone(), core);
    let fade_text = if crossfade == 0 {
        tr.t("settings-crossfade-off")
    } else {
        tr.t_args(
            "settings-crossfade-seconds",
            &[("seconds", &crossfade.to_string())],
        )
    };
    rsx! {
        div { class: "settings-group", id: "settings-playback",
            h2 { {tr.t("settings-playback")} }
            label { r#for: "crossfade", {tr.t("settings-crossfade")} " " }
            input {
                id: "crossfade",
                r#type: "range",
                min: "0",
                max: "{cnt_app::MAX_CROSSFADE_S}",
                step: "1",
                value: "{crossfade}",
                aria_valuetext: "{fade_text}",
                onchange: move |evt: FormEvent| {
                    if let Ok(s) = evt.value().trim().parse::<u8>()
                        && let Err(e) = fade_core.set_crossfade_s(s)
                    {
                        report_error(&e.to_string());
                    }
                },
            }
            " "
            span { id: "crossfade-value", {fade_text.clone()} }
            p { class: "help", {tr.t("settings-crossfade-help")} }
            label { r#for: "levelling", {tr.t("settings-levelling")} " " }
            select {
                id: "levelling",
                onchange: move |evt: FormEvent| {
                    if let Some(l) = cnt_app::Levelling::ALL
                        .into_iter()
                        .find(|l| l.as_str() == evt.value())
                        && let Err(e) = gain_core.set_replay_gain(l)
                    {
                        report_error(&e.to_string());
                    }
                },
                for l in cnt_app::Levelling::ALL {
                    option {
                        key: "{l.as_str()}",
                        value: l.as_str(),
                        selected: l == levelling,
                        {tr.t(&format!("settings-levelling-{}", l.as_str()))}
                    }
                }
            }
            p { class: "help", {tr.t("settings-levelling-help")} }
        }
    }
}

/// Which step of signing in the account screen shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum AccountMode {
    SignIn,
    SignUp,
    /// Enter the code emailed to confirm a new account.
    ConfirmEmail,
    /// Ask for a password reset code.
    Forgot,
    /// Enter the reset code and a new password.
    Reset,
}

/// What a submitted step led to.
enum StepResult {
    SignedIn,
    Go(AccountMode, Option<&'static str>),
}

/// Sign in, create an account, confirm it, reset a password; once signed in, who it is and a way out.
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
    let mut code = use_signal(String::new);
    let mut busy = use_signal(|| false);
    // The inputs are uncontrolled: a value written back on every render races fast typing and drops
    // characters. The signals only follow `oninput`.
    // (is an error, text)
    let mut message = use_signal(|| None::<(bool, String)>);

    if let Some(a) = state.read().account.clone() {
        return rsx! {
            section { class: "screen", id: "screen-account",
                h1 { class: "screen-title", {tr.t("account-title")} }
                div { class: "settings-group", SignedIn { account: a, focus: true } }
            }
        };
    }

    let mut email_field: Signal<Option<Rc<MountedData>>> = use_signal(|| None);
    // Changing step keeps the email (it carries over between steps) and clears the password and code
    // fields (they are keyed by step). The link that was clicked may disappear, which would drop focus
    // to the page body: focus the step's first field on purpose.
    let mut go = move |to: AccountMode, note: Option<(bool, String)>| {
        password.set(String::new());
        code.set(String::new());
        message.set(note);
        mode.set(to);
        if matches!(
            to,
            AccountMode::SignIn | AccountMode::SignUp | AccountMode::Forgot
        ) && let Some(el) = email_field.peek().clone()
        {
            spawn(async move {
                let _ = el.set_focus(true).await;
            });
        }
    };

    let submit_tr = tr.clone();
    let submit_core = core.clone();
    let on_submit = move |evt: FormEvent| {
        evt.prevent_default();
        if busy() {
            return;
        }
        let core = submit_core.clone();
        let tr = submit_tr.clone();
        let (e, p, u, c, m) = (email(), password(), username(), code(), mode());
        busy.set(true);
        message.set(None);
        spawn(async move {
            let result: Result<StepResult, cnt_app::Error> = match m {
                AccountMode::SignIn => match core.sign_in(&e, &p).await {
                    Err(cnt_app::Error::Server(ref s))
                        if s.code() == Some(cnt_app::ErrorCode::EmailNotVerified) =>
                    {
                        Ok(StepResult::Go(AccountMode::ConfirmEmail, None))
                    }
                    other => other.map(|_| StepResult::SignedIn),
                },
                AccountMode::SignUp => core.sign_up(&e, &p, &u).await.map(|r| match r {
                    cnt_app::SignUp::SignedIn(_) => StepResult::SignedIn,
                    cnt_app::SignUp::ConfirmEmail => {
                        StepResult::Go(AccountMode::ConfirmEmail, None)
                    }
                    cnt_app::SignUp::AwaitingApproval => {
                        StepResult::Go(AccountMode::SignIn, Some("account-pending"))
                    }
                }),
                AccountMode::ConfirmEmail => core
                    .confirm_email(&e, &c)
                    .await
                    .map(|_| StepResult::SignedIn),
                AccountMode::Forgot => core
                    .request_code(&e, true)
                    .await
                    .map(|()| StepResult::Go(AccountMode::Reset, Some("account-code-sent"))),
                AccountMode::Reset => core
                    .reset_password(&e, &c, &p)
                    .await
                    .map(|_| StepResult::SignedIn),
            };
            busy.set(false);
            match result {
                Ok(StepResult::SignedIn) => password.set(String::new()),
                Ok(StepResult::Go(to, note)) => go(to, note.map(|id| (false, tr.t(id)))),
                Err(err) => message.set(Some((true, error_text(&tr, &core.server_url(), &err)))),
            }
        });
    };

    let resend_tr = tr.clone();
    let resend_core = core.clone();
    let on_resend = move |_| {
        let core = resend_core.clone();
        let tr = resend_tr.clone();
        let e = email();
        spawn(async move {
            let note = match core.request_code(&e, false).await {
                Ok(()) => (false, tr.t("account-code-sent")),
                Err(err) => (true, error_text(&tr, &core.server_url(), &err)),
            };
            message.set(Some(note));
        });
    };

    let m = mode();
    let (title, submit) = match m {
        AccountMode::SignIn => ("account-sign-in", "account-sign-in"),
        AccountMode::SignUp => ("account-sign-up", "account-sign-up"),
        AccountMode::ConfirmEmail => ("account-confirm-title", "account-confirm-submit"),
        AccountMode::Forgot => ("account-forgot-title", "account-send-code"),
        AccountMode::Reset => ("account-forgot-title", "account-reset-submit"),
    };
    let asks_email = matches!(
        m,
        AccountMode::SignIn | AccountMode::SignUp | AccountMode::Forgot
    );
    let asks_code = matches!(m, AccountMode::ConfirmEmail | AccountMode::Reset);
    let asks_password = matches!(
        m,
        AccountMode::SignIn | AccountMode::SignUp | AccountMode::Reset
    );
    let new_password = matches!(m, AccountMode::SignUp | AccountMode::Reset);
    rsx! {
        section { class: "screen", id: "screen-account",
            h1 { class: "screen-title", {tr.t(title)} }
            form {
                class: "settings-group account-form",
                id: "account-form",
                "data-step": format!("{m:?}"),
                onsubmit: on_submit,
                if m == AccountMode::ConfirmEmail {
                    p { class: "help", {tr.t_args("account-confirm-help", &[("email", &email())])} }
                }
                if m == AccountMode::Forgot {
                    p { class: "help", {tr.t("account-forgot-help")} }
                }
                if asks_email {
                    label { r#for: "account-email", {tr.t("account-email")} }
                    input {
                        id: "account-email",
                        onmounted: move |evt: MountedEvent| {
                            email_field.set(Some(evt.data()));
                            focus_on_mount(evt);
                        },
                        r#type: "email",
                        autocomplete: "email",
                        required: true,
                        initial_value: "{email}",
                        oninput: move |e| email.set(e.value()),
                    }
                }
                if m == AccountMode::SignUp {
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
                if asks_code {
                    div { key: "{m:?}-code", class: "field",
                    label { r#for: "account-code", {tr.t("account-code")} }
                    input {
                        id: "account-code",
                        onmounted: focus_on_mount,
                        inputmode: "numeric",
                        autocomplete: "one-time-code",
                        required: true,
                        minlength: "6",
                        maxlength: "6",
                        pattern: "[0-9]{{6}}",
                        oninput: move |e| code.set(e.value()),
                    }
                    }
                }
                if asks_password {
                    div { key: "{m:?}-password", class: "field",
                    label { r#for: "account-password",
                        {if m == AccountMode::Reset { tr.t("account-new-password") } else { tr.t("account-password") }}
                    }
                    input {
                        id: "account-password",
                        r#type: "password",
                        autocomplete: if new_password { "new-password" } else { "current-password" },
                        required: true,
                        minlength: if new_password { "8" } else { "1" },
                        oninput: move |e| password.set(e.value()),
                    }
                    }
                }
                if new_password {
                    p { class: "help", {tr.t("account-password-help")} }
                }
                if let Some((is_error, text)) = message() {
                    p { class: if is_error { "form-message error" } else { "form-message" }, role: "alert", {text} }
                }
                button { class: "button primary", r#type: "submit", disabled: busy(),
                    {if busy() { tr.t("account-working") } else { tr.t(submit) }}
                }
                if m == AccountMode::ConfirmEmail {
                    button { class: "link", r#type: "button", onclick: on_resend, {tr.t("account-resend")} }
                }
                match m {
                    AccountMode::SignIn => rsx! {
                        button { class: "link", r#type: "button", id: "go-forgot",
                            onclick: move |_| go(AccountMode::Forgot, None),
                            {tr.t("account-forgot")}
                        }
                        button { class: "link", r#type: "button", id: "go-sign-up",
                            onclick: move |_| go(AccountMode::SignUp, None),
                            {tr.t("account-no-account")}
                        }
                    },
                    AccountMode::SignUp => rsx! {
                        button { class: "link", r#type: "button",
                            onclick: move |_| go(AccountMode::SignIn, None),
                            {tr.t("account-have-account")}
                        }
                    },
                    _ => rsx! {
                        button { class: "link", r#type: "button",
                            onclick: move |_| go(AccountMode::SignIn, None),
                            {tr.t("account-back-to-sign-in")}
                        }
                    },
                }
            }
        }
    }
}
