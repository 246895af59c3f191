//! Worship → Songs: the song library (list and search over titles, authors and lyrics), a song with
//! its chords over the lyrics in monospace, transpose −/+ and capo, and an import form (file paths,
//! one per line, since there is no native file dialog) with one result line per file.
//!
//! The Worship screen holds two tabs: the service (its issue has not landed: an empty state) and
//! Songs. Lists are read from the core on render; a revision counter re-reads them after an import
//! or a delete.

use std::path::PathBuf;

use cnt_app::SongSummary;
use dioxus::prelude::*;

use crate::{Screen, icons, use_core, use_tr};

/// The Worship screen's tabs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WorshipTab {
    /// The service (setlists, projector): not built yet.
    Service,
    /// The song library.
    Songs,
}

/// Where the Songs tab starts (a shell or a render test may provide it as context).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SongsStart {
    /// The tab.
    pub tab: WorshipTab,
    /// A song to open.
    pub song: Option<i64>,
    /// Search text.
    pub query: String,
}

/// The Worship screen: the service tab and the Songs tab.
#[component]
pub fn WorshipScreen() -> Element {
    let tr = use_tr();
    let tr = tr.read().clone();
    let start = try_use_context::<SongsStart>().unwrap_or(SongsStart {
        tab: WorshipTab::Service,
        song: None,
        query: String::new(),
    });
    let mut tab = use_signal(|| start.tab);
    let current = tab();
    let tabs = [
        (
            WorshipTab::Service,
            "worship-tab-service",
            "worship-tab-service",
        ),
        (WorshipTab::Songs, "worship-tab-songs", "worship-tab-songs"),
    ];
    rsx! {
        section { class: "screen", id: "screen-worship",
            h1 { class: "screen-title", {tr.t("worship-title")} }
            div { class: "tabs", role: "tablist",
                for (t , id , label) in tabs {
                    button {
                        key: "{id}",
                        class: if t == current { "tab active" } else { "tab" },
                        id: "{id}",
                        role: "tab",
                        aria_selected: if t == current { "true" } else { "false" },
                        onclick: move |_| tab.set(t),
                        {tr.t(label)}
                    }
                }
            }
            div { class: "tab-panel",
                match current {
                    WorshipTab::Service => rsx! {
                        div { class: "empty",
                            span { class: "icon", dangerous_inner_html: icons::screen_icon(Screen::Worship) }
                            p { {tr.t("worship-empty")} }
                        }
                    },
                    WorshipTab::Songs => rsx! { SongsTab { song: start.song, query: start.query.clone() } },
                }
            }
        }
    }
}

/// The song list, the open song and the import form.
#[component]
fn SongsTab(song: Option<i64>, query: String) -> Element {
    let core = use_core();
    let tr = use_tr();
    let tr = tr.read().clone();
    let query_start = query.clone();
    let mut query = use_signal(|| query);
    let mut open = use_signal(|| song);
    let mut rev = use_signal(|| 0u32);
    let mut problem = use_signal(|| None::<String>);
    let _rev = rev();
    let list = core.songs(&query()).unwrap_or_default();
    let all_empty = query().trim().is_empty() && list.is_empty();
    rsx! {
        if let Some(detail) = problem() {
            div { class: "notice", role: "alert", id: "songs-problem",
                p { {tr.t_args("action-failed", &[("detail", &detail)])} }
                button { class: "button", onclick: move |_| problem.set(None), {tr.t("notice-dismiss")} }
            }
        }
        div { class: "songs-layout",
            div { class: "songs-list",
                input {
                    class: "search-box",
                    id: "songs-search",
                    r#type: "search",
                    placeholder: tr.t("songs-search-placeholder"),
                    aria_label: tr.t("songs-search"),
                    initial_value: "{query_start}",
                    oninput: move |evt: FormEvent| query.set(evt.value()),
                }
                if all_empty {
                    p { class: "help", id: "songs-empty", {tr.t("songs-empty")} }
                } else if list.is_empty() {
                    p { class: "help", role: "status", {tr.t("songs-none")} }
                } else {
                    ul { class: "item-list", id: "songs-list",
                        for s in list {
                            SongRow { key: "{s.id}", selected: open() == Some(s.id), song: s.clone(), on_open: move |id| open.set(Some(id)) }
                        }
                    }
                }
                ImportForm { on_done: move |_| rev += 1 }
            }
            div { class: "song-view",
                match open() {
                    None => rsx! { p { class: "help", {tr.t("songs-pick")} } },
                    Some(id) => rsx! {
                        SongView {
                            key: "{id}",
                            id: id,
                            on_deleted: move |e: Option<String>| {
                                match e {
                                    Some(e) => problem.set(Some(e)),
                                    None => open.set(None),
                                }
                                rev += 1;
                            },
                        }
                    },
                }
            }
        }
    }
}

#[component]
fn SongRow(song: SongSummary, selected: bool, on_open: EventHandler<i64>) -> Element {
    let class = if selected {
        "item-row selected"
    } else {
        "item-row"
    };
    let sub = match (&song.authors, &song.key) {
        (a, Some(k)) if !a.is_empty() => format!("{a} · {k}"),
        (_, Some(k)) => k.clone(),
        (a, None) => a.clone(),
    };
    rsx! {
        li { class: "{class}",
            button { class: "item-text link-row", onclick: move |_| on_open.call(song.id),
                span { class: "item-title", "{song.title}" }
                span { class: "item-sub", "{sub}" }
            }
        }
    }
}

/// One song: title, authors, key, transpose and capo, chords over lyrics.
#[component]
fn SongView(id: i64, on_deleted: EventHandler<Option<String>>) -> Element {
    let core = use_core();
    let tr = use_tr();
    let tr = tr.read().clone();
    let mut transpose = use_signal(|| 0i8);
    let mut capo = use_signal(|| 0u8);
    let song = match core.song(id) {
        Ok(s) => s,
        Err(e) => return rsx! { p { class: "help", role: "alert", {e.to_string()} } },
    };
    let shown = cnt_app::song_for_playing(&song, transpose(), capo());
    let sheet = cnt_app::song_chord_sheet(&shown);
    let authors: Vec<&str> = song.authors.iter().map(|a| a.name.as_str()).collect();
    let authors = authors.join(", ");
    let key = shown.key.clone().unwrap_or_default();
    let t = transpose();
    let t_text = if t > 0 {
        format!("+{t}")
    } else {
        t.to_string()
    };
    let c_text = capo().to_string();
    rsx! {
        article { class: "song", id: "song-view",
            h2 { class: "song-title", "{song.title()}" }
            if !authors.is_empty() {
                p { class: "item-sub", "{authors}" }
            }
            div { class: "song-tools",
                if !key.is_empty() {
                    span { class: "badge", id: "song-key", {tr.t_args("songs-key", &[("key", &key)])} }
                }
                span { class: "song-tool",
                    button { class: "icon-button", id: "song-transpose-down",
                        aria_label: tr.t("songs-transpose-down"), title: tr.t("songs-transpose-down"),
                        onclick: move |_| transpose.set((t - 1).max(-11)), "−"
                    }
                    span { id: "song-transpose", {tr.t_args("songs-transpose", &[("steps", &t_text)])} }
                    button { class: "icon-button", id: "song-transpose-up",
                        aria_label: tr.t("songs-transpose-up"), title: tr.t("songs-transpose-up"),
                        onclick: move |_| transpose.set((t + 1).min(11)), "+"
                    }
                }
                span { class: "song-tool",
                    button { class: "icon-button", id: "song-capo-down",
                        aria_label: tr.t("songs-capo-down"), title: tr.t("songs-capo-down"),
                        onclick: move |_| capo.set(capo().saturating_sub(1)), "−"
                    }
                    span { id: "song-capo", {tr.t_args("songs-capo", &[("fret", &c_text)])} }
                    button { class: "icon-button", id: "song-capo-up",
                        aria_label: tr.t("songs-capo-up"), title: tr.t("songs-capo-up"),
                        onclick: move |_| capo.set((capo() + 1).min(11)), "+"
                    }
                }
                button { class: "button", id: "song-delete",
                    onclick: {
                        let core = core.clone();
                        move |_| on_deleted.call(core.song_delete(id).err().map(|e| e.to_string()))
                    },
                    {tr.t("songs-delete")}
                }
            }
            div { class: "chord-sheet", id: "chord-sheet",
                for (i , (name , lines)) in sheet.into_iter().enumerate() {
                    div { key: "{i}", class: "sheet-section",
                        div { class: "sheet-label", "{name}" }
                        for (j , (chords , words)) in lines.into_iter().enumerate() {
                            div { key: "{j}", class: "sheet-line",
                                if !chords.is_empty() {
                                    div { class: "sheet-chords", "{chords}" }
                                }
                                div { class: "sheet-words", "{words}" }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Paths, one per line, and one result line per file after importing.
#[component]
fn ImportForm(on_done: EventHandler<()>) -> Element {
    let core = use_core();
    let tr = use_tr();
    let tr = tr.read().clone();
    let mut paths = use_signal(String::new);
    let mut results = use_signal(Vec::<(String, Result<String, String>)>::new);
    rsx! {
        div { class: "settings-group song-import", id: "songs-import",
            h2 { label { r#for: "songs-import-paths", {tr.t("songs-import")} } }
            p { class: "help", {tr.t("songs-import-help")} }
            textarea {
                id: "songs-import-paths",
                class: "import-paths",
                rows: "3",
                placeholder: "/home/me/songs/amazing-grace.xml",
                oninput: move |evt: FormEvent| paths.set(evt.value()),
            }
            button {
                class: "button",
                id: "songs-import-run",
                onclick: move |_| {
                    let list: Vec<PathBuf> = paths()
                        .lines()
                        .map(str::trim)
                        .filter(|l| !l.is_empty())
                        .map(PathBuf::from)
                        .collect();
                    let done = core
                        .song_import(&list)
                        .into_iter()
                        .map(|(p, r)| (p.display().to_string(), r.map(|s| s.title)))
                        .collect();
                    results.set(done);
                    on_done.call(());
                },
                {tr.t("songs-import-run")}
            }
            if !results().is_empty() {
                ul { class: "import-results", id: "songs-import-results", role: "status",
                    for (i , (path , r)) in results().into_iter().enumerate() {
                        match r {
                            Ok(title) => rsx! {
                                li { key: "{i}", class: "import-ok", {tr.t_args("songs-imported", &[("title", &title), ("file", &path)])} }
                            },
                            Err(e) => rsx! {
                                li { key: "{i}", class: "import-failed", {tr.t_args("songs-import-failed", &[("error", &e)])} }
                            },
                        }
                    }
                }
            }
        }
    }
}
