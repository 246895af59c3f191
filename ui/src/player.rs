//! The player bar, Now Playing (the verse or lyric showing, large, fading between cues) and the
//! queue panel. Everything here reads [`cnt_app::NowPlaying`] from [`crate::UiState`] and calls the
//! core's playback methods; nothing talks to the engine directly.

use cnt_app::{NowPlaying, PlaybackState, PlaybackStatus, RepeatMode};
use dioxus::prelude::*;

use crate::{icons, use_core, use_tr, use_ui_state};

/// Which panel is open above the player bar. A shell or a test may provide one in context to start
/// with it open.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum PlayerPanel {
    /// None.
    #[default]
    Closed,
    /// Now Playing: the verse or lyric showing, large.
    NowPlaying,
    /// The queue: reorder, remove, jump.
    Queue,
}

const VOLUME_ICON: &str = r#"<svg viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true"><path d="M4 9h4l5-4v14l-5-4H4z M16.5 8.5a5 5 0 0 1 0 7 M19 6a8.5 8.5 0 0 1 0 12"/></svg>"#;

const SHUFFLE_ICON: &str = r#"<svg viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true"><path d="M3 7h3.5c2 0 3.2 1 4.3 2.8l2.4 4.4c1.1 1.8 2.3 2.8 4.3 2.8H21 M3 17h3.5c1.4 0 2.4-.5 3.2-1.4 M13.8 8.4c.8-.9 1.8-1.4 3.2-1.4H21 M18 4l3 3-3 3 M18 14l3 3-3 3"/></svg>"#;

const REPEAT_ICON: &str = r#"<svg viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true"><path d="M4 11V9a3 3 0 0 1 3-3h12 M16 3l3 3-3 3 M20 13v2a3 3 0 0 1-3 3H5 M8 21l-3-3 3-3"/></svg>"#;

const PAUSE_ICON: &str = r#"<svg viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true"><path d="M8 5v14 M16 5v14"/></svg>"#;

/// `m:ss` (or `h:mm:ss`).
pub fn clock(ms: u64) -> String {
    let s = ms / 1000;
    if s >= 3600 {
        format!("{}:{:02}:{:02}", s / 3600, (s / 60) % 60, s % 60)
    } else {
        format!("{}:{:02}", s / 60, s % 60)
    }
}

/// The current entry's artwork as a `data:` URI, read from the device once per track (and again
/// after a library change, when it may just have been fetched), not on every position update.
fn use_current_artwork() -> Memo<Option<String>> {
    let src = crate::use_artwork_src();
    let state = use_ui_state();
    let key = use_memo(move || {
        let s = state.read();
        let hash = s.player.current_entry().and_then(|e| e.artwork.clone());
        (hash, s.library_revision)
    });
    use_memo(move || {
        let (hash, _) = key();
        hash.and_then(|h| src(&h))
    })
}

/// The player bar: artwork, title and artist, transport, seekable progress, volume, the Now Playing
/// and queue toggles; "No audio device" when there is no sound card.
#[component]
pub fn PlayerBar() -> Element {
    let core = use_core();
    let tr = use_tr();
    let tr = tr.read().clone();
    let state = use_ui_state();
    let initial = try_use_context::<PlayerPanel>().unwrap_or_default();
    let mut panel = use_signal(|| initial);
    // While the user drags the progress thumb, it shows the dragged position, not the playing one.
    let mut dragging = use_signal(|| None::<u64>);
    let artwork = use_current_artwork();
    let now: NowPlaying = state.read().player.clone();
    // The core reports a volume change at once (`Core::set_volume`), so the thumb follows it.
    let volume_shown = now.volume_percent;
    let current = now.current_entry().cloned();
    let has_queue = !now.queue.is_empty();
    let playing = now.status == PlaybackStatus::Playing;
    let duration = now.duration_ms.unwrap_or(0);
    let shown_ms = dragging().unwrap_or(now.position_ms).min(duration.max(1));
    let no_device = match &now.output {
        PlaybackState::NoDevice(why) => Some(why.clone()),
        _ => None,
    };
    let (c1, c2, c3, c4, c5) = (
        core.clone(),
        core.clone(),
        core.clone(),
        core.clone(),
        core.clone(),
    );
    let (shuffle_core, repeat_core) = (core.clone(), core);
    let shuffle = now.shuffle;
    let repeat = now.repeat;
    let shuffle_label = tr.t("player-shuffle");
    // The button says what the mode is; a click moves to the next one: off → all → one → off.
    let repeat_label = match repeat {
        RepeatMode::Off => tr.t("player-repeat-off"),
        RepeatMode::All => tr.t("player-repeat-all"),
        RepeatMode::One => tr.t("player-repeat-one"),
    };
    let next_repeat = match repeat {
        RepeatMode::Off => RepeatMode::All,
        RepeatMode::All => RepeatMode::One,
        RepeatMode::One => RepeatMode::Off,
    };
    let play_label = if playing {
        tr.t("player-pause")
    } else {
        tr.t("player-play")
    };
    let title_line = match (&current, &no_device) {
        (Some(e), _) => e.title.clone(),
        (None, Some(_)) => tr.t("player-no-device"),
        (None, None) => tr.t("player-nothing-playing"),
    };
    let initial_letter = current
        .as_ref()
        .and_then(|e| e.title.chars().next())
        .map(String::from)
        .unwrap_or_default();
    let waiting = if now.not_downloaded.is_empty() {
        None
    } else {
        Some(tr.t_args(
            "player-not-downloaded",
            &[("titles", &now.not_downloaded.join(", "))],
        ))
    };
    rsx! {
        footer {
            class: if playing { "player playing" } else { "player" },
            id: "player",
            "data-status": format!("{:?}", now.status),
            div { class: "artwork", id: "player-artwork", aria_hidden: "true",
                if let Some(src) = artwork() {
                    img { src, alt: "" }
                } else {
                    {initial_letter}
                }
            }
            div { class: "now",
                div { class: "now-title", id: "player-title", title: title_line.clone(), {title_line.clone()} }
                if let Some(e) = &current {
                    if let Some(a) = &e.artist {
                        div { class: "now-artist", id: "player-artist", {a.clone()} }
                    }
                }
                if let Some(why) = &no_device {
                    div { class: "now-note no-device", id: "player-no-device", role: "status", title: why.clone(),
                        {tr.t("player-no-device")}
                    }
                } else if let Some(title) = &now.loading {
                    div { class: "now-note loading", id: "player-loading", role: "status",
                        {tr.t_args("player-loading", &[("title", title)])}
                    }
                } else if let Some(w) = &waiting {
                    div { class: "now-note", id: "player-waiting", role: "status", {w.clone()} }
                }
            }
            div { class: "transport",
                button {
                    class: if shuffle { "mode on" } else { "mode" },
                    id: "player-shuffle",
                    aria_pressed: if shuffle { "true" } else { "false" },
                    title: shuffle_label.clone(),
                    aria_label: shuffle_label,
                    onclick: move |_| {
                        let _ = shuffle_core.set_shuffle(!shuffle);
                    },
                    span { class: "icon", dangerous_inner_html: SHUFFLE_ICON }
                }
                button {
                    id: "player-previous",
                    disabled: !has_queue,
                    title: tr.t("player-previous"),
                    aria_label: tr.t("player-previous"),
                    onclick: move |_| {
                        let _ = c1.previous();
                    },
                    span { class: "icon", dangerous_inner_html: icons::transport_icon("previous") }
                }
                button {
                    class: "play",
                    id: "player-play",
                    disabled: !has_queue,
                    title: play_label.clone(),
                    aria_label: play_label,
                    onclick: move |_| {
                        let _ = c2.play_pause();
                    },
                    if playing {
                        span { class: "icon", dangerous_inner_html: PAUSE_ICON }
                    } else {
                        span { class: "icon", dangerous_inner_html: icons::transport_icon("play") }
                    }
                }
                button {
                    id: "player-next",
                    disabled: !has_queue,
                    title: tr.t("player-next"),
                    aria_label: tr.t("player-next"),
                    onclick: move |_| {
                        let _ = c3.next();
                    },
                    span { class: "icon", dangerous_inner_html: icons::transport_icon("next") }
                }
                button {
                    class: if repeat == RepeatMode::Off { "mode" } else { "mode on" },
                    id: "player-repeat",
                    "data-repeat": format!("{repeat:?}").to_lowercase(),
                    title: repeat_label.clone(),
                    aria_label: repeat_label,
                    onclick: move |_| {
                        let _ = repeat_core.set_repeat(next_repeat);
                    },
                    span { class: "icon", dangerous_inner_html: REPEAT_ICON }
                    if repeat == RepeatMode::One {
                        span { class: "mode-badge", aria_hidden: "true", "1" }
                    }
                }
            }
            div { class: "progress",
                span { class: "time", id: "player-position", {clock(shown_ms)} }
                input {
                    r#type: "range",
                    id: "player-seek",
                    min: "0",
                    max: "{duration}",
                    step: "100",
                    value: "{shown_ms}",
                    disabled: current.is_none() || duration == 0,
                    aria_label: tr.t("player-seek"),
                    aria_valuetext: "{clock(shown_ms)} / {clock(duration)}",
                    oninput: move |evt: FormEvent| {
                        if let Ok(v) = evt.value().parse::<f64>() {
                            dragging.set(Some(v.max(0.0) as u64));
                        }
                    },
                    onchange: move |evt: FormEvent| {
                        if let Ok(v) = evt.value().parse::<f64>() {
                            let _ = c4.seek(v.max(0.0) as u64);
                        }
                        dragging.set(None);
                    },
                }
                span { class: "time", id: "player-duration", {clock(duration)} }
            }
            label { class: "volume", title: tr.t("player-volume"),
                span { class: "volume-icon icon", dangerous_inner_html: VOLUME_ICON }
                input {
                    r#type: "range",
                    id: "player-volume",
                    min: "0",
                    max: "100",
                    step: "1",
                    value: "{volume_shown}",
                    aria_label: tr.t("player-volume"),
                    aria_valuetext: "{volume_shown} %",
                    oninput: move |evt: FormEvent| {
                        if let Ok(v) = evt.value().parse::<f32>() {
                            let _ = c5.set_volume(v.clamp(0.0, 100.0) / 100.0);
                        }
                    },
                }
            }
            div { class: "panel-toggles",
                button {
                    class: if panel() == PlayerPanel::NowPlaying { "toggle on" } else { "toggle" },
                    id: "toggle-now-playing",
                    aria_pressed: if panel() == PlayerPanel::NowPlaying { "true" } else { "false" },
                    title: tr.t("player-now-playing"),
                    onclick: move |_| {
                        let next = if panel() == PlayerPanel::NowPlaying { PlayerPanel::Closed } else { PlayerPanel::NowPlaying };
                        panel.set(next);
                    },
                    {tr.t("player-now-playing-short")}
                }
                button {
                    class: if panel() == PlayerPanel::Queue { "toggle on" } else { "toggle" },
                    id: "toggle-queue",
                    aria_pressed: if panel() == PlayerPanel::Queue { "true" } else { "false" },
                    title: tr.t("player-queue"),
                    onclick: move |_| {
                        let next = if panel() == PlayerPanel::Queue { PlayerPanel::Closed } else { PlayerPanel::Queue };
                        panel.set(next);
                    },
                    {tr.t("player-queue-short")}
                }
            }
        }
        match panel() {
            PlayerPanel::NowPlaying => rsx! {
                NowPlayingPanel { on_close: move |_| panel.set(PlayerPanel::Closed) }
            },
            PlayerPanel::Queue => rsx! {
                QueuePanel { on_close: move |_| panel.set(PlayerPanel::Closed) }
            },
            PlayerPanel::Closed => rsx! {},
        }
    }
}

/// The frame of a panel above the player bar: a titled dialog with a close button; Escape closes it.
#[component]
fn PanelFrame(
    class: &'static str,
    id: &'static str,
    title: String,
    close_id: &'static str,
    on_close: EventHandler<()>,
    children: Element,
) -> Element {
    let tr = use_tr();
    let close = tr.read().t("player-close");
    rsx! {
        section {
            class: "player-panel {class}",
            id: "{id}",
            role: "dialog",
            aria_label: title.clone(),
            onkeydown: move |evt: KeyboardEvent| {
                if evt.key() == Key::Escape {
                    on_close.call(());
                }
            },
            header { class: "panel-head",
                h2 { {title.clone()} }
                button {
                    class: "icon-button",
                    id: "{close_id}",
                    title: close.clone(),
                    aria_label: close,
                    onclick: move |_| on_close.call(()),
                    "×"
                }
            }
            {children}
        }
    }
}

/// Now Playing: the verse (its text, with the reference) or the lyric line showing, large; each new
/// cue fades in. "Save verse" keeps the reference.
#[component]
fn NowPlayingPanel(on_close: EventHandler<()>) -> Element {
    let core = use_core();
    let tr = use_tr();
    let tr = tr.read().clone();
    let state = use_ui_state();
    let now = state.read().player.clone();
    // Read once per library change (saving a verse is one), not on every position report.
    let revision = use_memo(move || state.read().library_revision);
    let saved_core = core.clone();
    let saved = use_memo(move || {
        let _ = revision();
        saved_core.saved_verses().unwrap_or_default()
    });
    let save_core = core.clone();
    let artwork = use_current_artwork();
    let current = now.current_entry().cloned();
    // What fills the overlay: the verse first, else the lyric line.
    let verse = now.verse.clone();
    let big: Option<(String, String, Option<String>)> = match (&verse, &now.lyric) {
        (Some(v), _) => Some((
            format!("v:{}", v.reference),
            v.display().to_owned(),
            v.text.as_ref().map(|_| v.reference.clone()),
        )),
        (None, Some(l)) => Some((format!("l:{l}"), l.clone(), None)),
        (None, None) => None,
    };
    let lyric_under = match (&verse, &now.lyric) {
        (Some(_), Some(l)) => Some(l.clone()),
        _ => None,
    };
    rsx! {
        PanelFrame {
            class: "now-playing",
            id: "now-playing",
            title: tr.t("player-now-playing"),
            close_id: "close-now-playing",
            on_close,
            if let Some(src) = artwork() {
                img { class: "np-cover", id: "np-cover", src, alt: "" }
            }
            if let Some(e) = &current {
                p { class: "np-track",
                    strong { {e.title.clone()} }
                    if let Some(a) = &e.artist {
                        " · {a}"
                    }
                }
            }
            div { class: "cue-stage", aria_live: "polite",
                for (key , text , reference) in big.into_iter() {
                    div { key: "{key}", class: "cue fade-in",
                        p { class: "cue-text", id: "cue-text", {text} }
                        if let Some(r) = reference {
                            p { class: "cue-reference", id: "cue-reference", {r} }
                        }
                    }
                }
                if let Some(l) = lyric_under {
                    p { class: "cue-lyric", id: "cue-lyric", {l} }
                }
                if let Some(c) = &now.chord {
                    p { class: "cue-chord", id: "cue-chord", {c.clone()} }
                }
                if now.verse.is_none() && now.lyric.is_none() {
                    p { class: "np-empty", {tr.t("player-no-cue")} }
                }
            }
            if let Some(v) = verse {
                if saved.read().iter().any(|s| s.reference == v.reference) {
                    p { class: "verse-saved", id: "verse-saved", role: "status",
                        {tr.t_args("player-verse-saved", &[("reference", &v.reference)])}
                    }
                } else {
                    button {
                        class: "button",
                        id: "save-verse",
                        onclick: move |_| {
                            let _ = save_core.save_verse(&v.reference);
                        },
                        {tr.t("player-save-verse")}
                    }
                }
            }
        }
    }
}

/// The queue: jump to an entry, move it up or down (buttons, or Alt+↑/↓ on the row), remove it.
#[component]
fn QueuePanel(on_close: EventHandler<()>) -> Element {
    let tr = use_tr();
    let tr = tr.read().clone();
    let state = use_ui_state();
    let now = state.read().player.clone();
    let len = now.queue.len();
    rsx! {
        PanelFrame {
            class: "queue-panel",
            id: "queue-panel",
            title: tr.t("player-queue"),
            close_id: "close-queue",
            on_close,
            if now.queue.is_empty() {
                p { class: "np-empty", {tr.t("player-queue-empty")} }
            } else {
                p { class: "hint", {tr.t("player-queue-hint")} }
            }
            ol { class: "queue-list", id: "queue-list",
                for (i , entry) in now.queue.iter().cloned().enumerate() {
                    QueueRow {
                        key: "{i}-{entry.item}",
                        index: i,
                        len,
                        current: now.current == Some(i),
                        title: entry.title.clone(),
                        artist: entry.artist.clone(),
                    }
                }
            }
        }
    }
}

#[component]
fn QueueRow(
    index: usize,
    len: usize,
    current: bool,
    title: String,
    artist: Option<String>,
) -> Element {
    let core = use_core();
    let tr = use_tr();
    let tr = tr.read().clone();
    let (c1, c2, c3, c4, c5) = (
        core.clone(),
        core.clone(),
        core.clone(),
        core.clone(),
        core.clone(),
    );
    let on_key = move |evt: KeyboardEvent| {
        if !evt.modifiers().alt() {
            return;
        }
        match evt.key() {
            Key::ArrowUp if index > 0 => {
                evt.prevent_default();
                let _ = c4.move_in_queue(index, index - 1);
            }
            Key::ArrowDown if index + 1 < len => {
                evt.prevent_default();
                let _ = c4.move_in_queue(index, index + 1);
            }
            _ => {}
        }
    };
    rsx! {
        li {
            class: if current { "queue-row current" } else { "queue-row" },
            tabindex: "0",
            aria_current: if current { "true" } else { "false" },
            onkeydown: on_key,
            button {
                class: "link queue-title",
                onclick: move |_| {
                    let _ = c5.jump_to(index);
                },
                span { {title} }
                if let Some(a) = artist {
                    span { class: "item-sub", {a} }
                }
            }
            button {
                class: "icon-button",
                disabled: index == 0,
                title: tr.t("player-move-up"),
                aria_label: tr.t("player-move-up"),
                onclick: move |_| {
                    let _ = c1.move_in_queue(index, index.saturating_sub(1));
                },
                "↑"
            }
            button {
                class: "icon-button",
                disabled: index + 1 >= len,
                title: tr.t("player-move-down"),
                aria_label: tr.t("player-move-down"),
                onclick: move |_| {
                    let _ = c2.move_in_queue(index, index + 1);
                },
                "↓"
            }
            button {
                class: "icon-button remove",
                title: tr.t("player-remove"),
                aria_label: tr.t("player-remove"),
                onclick: move |_| {
                    let _ = c3.remove_from_queue(index);
                },
                "×"
            }
        }
    }
}
