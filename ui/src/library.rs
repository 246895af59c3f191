//! The listener's screens: Home, Search and Library (tabs for playlists, favorites, downloads and
//! each kind of content), with playlist editing, favorites, downloads and "available offline" marks.
//!
//! Every list is read from the core on render (local SQLite, well under a millisecond for these
//! sizes) and re-read when [`crate::UiState::library_revision`] moves: after an edit, a sync or a
//! download. Nothing here waits for the network: edits are local first and synced in the background.
//!
//! Playing: ▶ on a row plays the list the row is in from that row (an album from the chosen track, a
//! playlist from the chosen entry); "Play all" plays an album or a playlist from the start.
//!
//! Keyboard: in a playlist, Alt+↑/Alt+↓ move the focused entry, Delete removes it; entries can also
//! be dragged. Search filters as you type; Escape clears it.

use cnt_app::{
    DownloadState, ItemId, ItemKind, ItemSummary, PlaylistEntryId, PlaylistId, SyncStatus,
};
use dioxus::prelude::*;
use std::rc::Rc;

use crate::{use_core, use_tr, use_ui_state};

/// The playable items of a list, in order: ▶ on one of its rows plays the list from that row on,
/// as in any music app (an album from the chosen track, a playlist from the chosen entry).
fn play_list<'a>(items: impl IntoIterator<Item = &'a ItemSummary>) -> Rc<Vec<ItemId>> {
    Rc::new(
        items
            .into_iter()
            .filter(|i| i.playable)
            .map(|i| i.id)
            .collect(),
    )
}

/// "▶ Play all": plays an album's or a playlist's playable items from the first (nothing when there
/// are none).
#[component]
fn PlayAll(list: Rc<Vec<ItemId>>) -> Element {
    let core = use_core();
    let problems = use_problems();
    let tr = use_tr();
    let label = tr.read().t("player-play-all");
    let Some(first) = list.first().copied() else {
        return rsx! {};
    };
    rsx! {
        button {
            class: "button primary",
            id: "play-all",
            onclick: move |_| play_from(&core, problems, &list, first),
            "▶ "
            {label}
        }
    }
}

/// Plays `list` from `from` (or `from` alone when it is not in the list). "No audio device" and
/// "not downloaded yet" show in the player bar; other failures in the screen's problem line.
fn play_from(core: &cnt_app::Core, problems: Problems, list: &[ItemId], from: ItemId) {
    let result = match list.iter().position(|i| *i == from) {
        Some(start) => core.play_items(list, start),
        None => core.play_items(&[from], 0),
    };
    match result {
        Ok(_) | Err(cnt_app::Error::Player(_)) => {}
        Err(e) => problems.report(&e),
    }
}

/// The library tabs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LibraryTab {
    /// Playlists, and one playlist open.
    Playlists,
    /// Favorites.
    Favorites,
    /// Downloads and storage.
    Downloads,
    /// Every item of one kind.
    Kind(ItemKind),
}

impl LibraryTab {
    /// Tabs in order.
    pub const ALL: [LibraryTab; 9] = [
        LibraryTab::Playlists,
        LibraryTab::Favorites,
        LibraryTab::Downloads,
        LibraryTab::Kind(ItemKind::Track),
        LibraryTab::Kind(ItemKind::Album),
        LibraryTab::Kind(ItemKind::Artist),
        LibraryTab::Kind(ItemKind::Podcast),
        LibraryTab::Kind(ItemKind::Movie),
        LibraryTab::Kind(ItemKind::Document),
    ];

    fn slug(self) -> String {
        match self {
            LibraryTab::Playlists => "playlists".into(),
            LibraryTab::Favorites => "favorites".into(),
            LibraryTab::Downloads => "downloads".into(),
            LibraryTab::Kind(k) => k.as_str().into(),
        }
    }

    fn label_id(self) -> String {
        match self {
            LibraryTab::Kind(k) => kind_label_id(k),
            other => format!("library-tab-{}", other.slug()),
        }
    }
}

/// Fluent id of a kind's plural name, e.g. `kind-track`.
pub fn kind_label_id(kind: ItemKind) -> String {
    format!("kind-{}", kind.as_str())
}

/// What the library shows: a tab, maybe with something open in it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LibraryView {
    /// The tab.
    pub tab: LibraryTab,
    /// An open playlist.
    pub playlist: Option<PlaylistId>,
    /// An open album, artist or podcast.
    pub item: Option<ItemId>,
}

fn duration(ms: Option<u64>) -> String {
    ms.map(|ms| {
        let s = ms / 1000;
        if s >= 3600 {
            format!("{}:{:02}:{:02}", s / 3600, (s / 60) % 60, s % 60)
        } else {
            format!("{}:{:02}", s / 60, s % 60)
        }
    })
    .unwrap_or_default()
}

fn human_bytes(bytes: u64) -> String {
    let mb = bytes as f64 / (1024.0 * 1024.0);
    if mb >= 1024.0 {
        format!("{:.1} GB", mb / 1024.0)
    } else {
        format!("{mb:.1} MB")
    }
}

/// Where a failed action is told to the user: a line at the top of the screen.
#[derive(Clone, Copy, PartialEq)]
struct Problems(Signal<Option<String>>);

impl Problems {
    fn report(mut self, error: &cnt_app::Error) {
        self.0.set(Some(error.to_string()));
    }
}

fn use_problems() -> Problems {
    use_context::<Problems>()
}

/// Provides [`Problems`] for a screen and shows the last one, dismissable.
#[component]
fn ProblemLine() -> Element {
    let tr = use_tr();
    let tr = tr.read().clone();
    let mut problems = use_problems();
    match (problems.0)() {
        None => rsx! {},
        Some(detail) => rsx! {
            div { class: "notice", role: "alert", id: "action-problem",
                p { {tr.t_args("action-failed", &[("detail", &detail)])} }
                button { class: "button", onclick: move |_| problems.0.set(None), {tr.t("notice-dismiss")} }
            }
        },
    }
}

/// What every item row needs to know about the user's own data, read once per change of the
/// library rather than once per row.
#[derive(Clone, Debug, Default, PartialEq)]
struct RowLists {
    playlists: Vec<cnt_app::PlaylistSummary>,
    favorites: std::collections::HashSet<ItemId>,
}

fn provide_screen_context() {
    use_context_provider(|| Problems(Signal::new(None)));
    let core = use_core();
    let state = use_ui_state();
    let lists = use_memo(move || {
        let _ = state.read().library_revision;
        RowLists {
            playlists: core.playlists().unwrap_or_default(),
            favorites: core
                .favorites()
                .unwrap_or_default()
                .into_iter()
                .map(|f| f.id)
                .collect(),
        }
    });
    use_context_provider(|| lists);
    // The item being heard, for the row highlight: rows follow this memo, which changes once per
    // track, not the player's position reports.
    let playing = use_memo(move || state.read().player.current_entry().map(|e| e.item));
    use_context_provider(|| PlayingItem(playing));
    // A shell or a test may ask for a starting view.
    let initial = try_use_context::<LibraryView>().unwrap_or(LibraryView {
        tab: LibraryTab::Playlists,
        playlist: None,
        item: None,
    });
    use_context_provider(|| Signal::new(initial));
}

/// Text to start the Search screen with (shells and render tests provide it as context).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SearchText(pub String);

/// The item the player is on, for highlighting its rows.
#[derive(Clone, Copy, PartialEq)]
struct PlayingItem(Memo<Option<ItemId>>);

/// A row's picture: the artwork when it is on the device, else a tile with the title's initial.
#[component]
fn Thumb(hash: Option<String>, title: String) -> Element {
    let src = crate::use_artwork_src();
    let url = hash.as_deref().and_then(&src);
    let initial: String = title.chars().next().map(String::from).unwrap_or_default();
    rsx! {
        span { class: "thumb", aria_hidden: "true",
            if let Some(url) = url {
                img { src: url, alt: "", loading: "lazy" }
            } else {
                {initial}
            }
        }
    }
}

/// A button that is on or off (`aria-pressed`), labelled with what pressing it does.
#[component]
fn Toggle(id: String, pressed: bool, label: String, onclick: EventHandler<MouseEvent>) -> Element {
    rsx! {
        button {
            class: "button",
            id: "{id}",
            aria_pressed: if pressed { "true" } else { "false" },
            onclick: move |evt| onclick.call(evt),
            {label}
        }
    }
}

/// The sync line: last result and a "Sync now" button.
#[component]
fn SyncBar() -> Element {
    let problems = use_problems();
    let core = use_core();
    let tr = use_tr();
    let tr = tr.read();
    let state = use_ui_state();
    let s = state.read();
    let online = s.connection.is_online();
    let signed_in = s.account.is_some();
    let text = match (&s.sync, signed_in) {
        (_, false) => tr.t("sync-sign-in"),
        (Some(SyncStatus::Running(_)), _) => tr.t("sync-running"),
        (Some(SyncStatus::Finished(r)), _) if r.refused > 0 => {
            tr.t_args("sync-refused", &[("count", &r.refused.to_string())])
        }
        (Some(SyncStatus::Finished(_)), _) => tr.t("sync-done"),
        (Some(SyncStatus::Failed(e)), _) => tr.t_args("sync-failed", &[("reason", e)]),
        (None, _) if !online => tr.t("sync-offline"),
        (None, _) => tr.t("sync-idle"),
    };
    let running = matches!(s.sync, Some(SyncStatus::Running(_)));
    rsx! {
        div { class: "sync-bar", id: "sync-bar",
            span { role: "status", {text} }
            if signed_in {
                button {
                    class: "button",
                    id: "sync-now",
                    disabled: running || !online,
                    onclick: move |_| {
                        let core = core.clone();
                        spawn(async move {
                            if let Err(e) = core.sync_now(&mut |_| {}).await {
                                problems.report(&e);
                            }
                        });
                    },
                    {tr.t("sync-now")}
                }
            }
        }
    }
}

/// One item row: title, second line, length, offline mark, favorite and download buttons, and
/// "add to playlist".
#[component]
fn ItemRow(
    item: ItemSummary,
    #[props(default)] resume_ms: Option<u64>,
    /// The list the row is in: ▶ plays it from this row (just this item without one).
    #[props(default)]
    list: Option<Rc<Vec<ItemId>>>,
) -> Element {
    let problems = use_problems();
    let core = use_core();
    let tr = use_tr();
    let tr = tr.read().clone();
    let lists = use_context::<Memo<RowLists>>();
    let favorite = lists.read().favorites.contains(&item.id);
    let playlists = lists.read().playlists.clone();
    let id = item.id;
    let fav_core = core.clone();
    let dl_core = core.clone();
    let add_core = core.clone();
    let queue_core = core.clone();
    let mut view = use_context::<Signal<LibraryView>>();
    let opens = matches!(
        item.kind,
        ItemKind::Album | ItemKind::Artist | ItemKind::Podcast
    );
    let playing = try_use_context::<PlayingItem>().is_some_and(|p| (p.0)() == Some(id));
    rsx! {
        li {
            class: if playing { "item-row playing" } else { "item-row" },
            "data-kind": item.kind.as_str(),
            "data-id": "{item.id}",
            aria_current: if playing { "true" } else { "false" },
            if item.playable {
                button {
                    class: "icon-button play-item",
                    title: tr.t("player-play-item"),
                    aria_label: tr.t("player-play-item"),
                    onclick: move |_| play_from(&core, problems, list.as_deref().map_or(&[][..], |l| l.as_slice()), id),
                    "▶"
                }
            }
            Thumb { hash: item.artwork_hash.clone(), title: item.title.clone() }
            div { class: "item-text",
                if opens {
                    button {
                        class: "link item-title",
                        onclick: move |_| {
                            let mut v = view.write();
                            v.tab = LibraryTab::Kind(item.kind);
                            v.item = Some(id);
                            v.playlist = None;
                        },
                        {item.title.clone()}
                    }
                } else {
                    span { class: "item-title", {item.title.clone()} }
                }
                if let Some(sub) = &item.subtitle {
                    span { class: "item-sub", {sub.clone()} }
                }
            }
            if let Some(ms) = resume_ms {
                span { class: "item-resume", {tr.t_args("home-resume-at", &[("time", &duration(Some(ms)))])} }
            }
            span { class: "item-length", {duration(item.duration_ms)} }
            if item.offline {
                span { class: "badge offline-mark", title: tr.t("offline-available"), {tr.t("offline-badge")} }
            }
            button {
                class: if favorite { "icon-button fav on" } else { "icon-button fav" },
                aria_pressed: if favorite { "true" } else { "false" },
                title: if favorite { tr.t("favorite-remove") } else { tr.t("favorite-add") },
                aria_label: if favorite { tr.t("favorite-remove") } else { tr.t("favorite-add") },
                onclick: move |_| {
                    if let Err(e) = fav_core.set_favorite(id, !favorite) {
                        problems.report(&e);
                    }
                },
                if favorite { "♥" } else { "♡" }
            }
            if item.playable {
                button {
                    class: "icon-button queue-add",
                    title: tr.t("player-add-to-queue"),
                    aria_label: tr.t("player-add-to-queue"),
                    onclick: move |_| match queue_core.add_to_queue(&[id], false) {
                        Ok(_) | Err(cnt_app::Error::Player(_)) => {}
                        Err(e) => problems.report(&e),
                    },
                    "+"
                }
            }
            if item.playable && !item.offline {
                button {
                    class: "icon-button download",
                    title: tr.t("download-keep"),
                    aria_label: tr.t("download-keep"),
                    onclick: move |_| {
                        if let Err(e) = dl_core.download(id, true) {
                            problems.report(&e);
                        }
                    },
                    "↓"
                }
            }
            if !playlists.is_empty() {
                select {
                    class: "add-to",
                    aria_label: tr.t("playlist-add-to"),
                    onchange: move |evt: FormEvent| {
                        if let Ok(p) = evt.value().parse::<PlaylistId>()
                            && let Err(e) = add_core.add_to_playlist(p, id, None)
                        {
                            problems.report(&e);
                        }
                    },
                    option { value: "", selected: true, {tr.t("playlist-add-to")} }
                    for p in playlists {
                        option { key: "{p.id}", value: "{p.id}", {p.name.clone()} }
                    }
                }
            }
        }
    }
}

/// A titled list of items.
#[component]
fn Shelf(title: String, items: Vec<ItemSummary>, id: String) -> Element {
    let list = play_list(&items);
    rsx! {
        section { class: "shelf", id: "{id}",
            h2 { {title} }
            ul { class: "item-list",
                for item in items {
                    ItemRow { key: "{item.id}", item: item.clone(), list: list.clone() }
                }
            }
        }
    }
}

/// Home: continue listening, recently played, featured, new.
#[component]
pub fn HomeScreen() -> Element {
    let core = use_core();
    let tr = use_tr();
    let tr = tr.read().clone();
    let state = use_ui_state();
    let _rev = state.read().library_revision;
    provide_screen_context();
    let home = core.home().unwrap_or_default();
    let empty = home.featured.is_empty() && home.new.is_empty() && home.recent.is_empty();
    rsx! {
        section { class: "screen", id: "screen-home",
            h1 { class: "screen-title", {tr.t("home-title")} }
            ProblemLine {}
            SyncBar {}
            if empty {
                div { class: "empty",
                    p { {tr.t("home-empty")} }
                }
            }
            if !home.continue_listening.is_empty() {
                section { class: "shelf", id: "home-continue",
                    h2 { {tr.t("home-continue")} }
                    ul { class: "item-list",
                        for (item , at) in home.continue_listening {
                            ItemRow { key: "{item.id}", item: item.clone(), resume_ms: Some(at) }
                        }
                    }
                }
            }
            if !home.recent.is_empty() {
                Shelf { title: tr.t("home-recent"), items: home.recent, id: "home-recent" }
            }
            if !home.featured.is_empty() {
                Shelf { title: tr.t("home-featured"), items: home.featured, id: "home-featured" }
            }
            if !home.new.is_empty() {
                Shelf { title: tr.t("home-new"), items: home.new, id: "home-new" }
            }
        }
    }
}

/// Search as you type, grouped by kind.
#[component]
pub fn SearchScreen() -> Element {
    let core = use_core();
    let tr = use_tr();
    let tr = tr.read().clone();
    let state = use_ui_state();
    let _rev = state.read().library_revision;
    let start = try_use_context::<SearchText>()
        .map(|s| s.0)
        .unwrap_or_default();
    let mut query = use_signal(|| start.clone());
    provide_screen_context();
    let q = query();
    let results = if q.trim().is_empty() {
        None
    } else {
        Some(core.search(&q, 8).unwrap_or_default())
    };
    rsx! {
        section { class: "screen", id: "screen-search",
            h1 { class: "screen-title", {tr.t("search-title")} }
            ProblemLine {}
            // Uncontrolled: a bound value drops keystrokes when typing fast.
            input {
                class: "search-box",
                id: "search-input",
                r#type: "search",
                placeholder: tr.t("search-placeholder"),
                aria_label: tr.t("search-title"),
                initial_value: "{start}",
                // Going to Search means typing next: take the focus.
                onmounted: move |evt: MountedEvent| {
                    spawn(async move {
                        // After the navigation has placed its own focus (it does so on mount too).
                        tokio::time::sleep(std::time::Duration::from_millis(80)).await;
                        // WebKitGTK answers `null`, reported as an error although focus moved.
                        let _ = evt.data().set_focus(true).await;
                    });
                },
                oninput: move |evt: FormEvent| query.set(evt.value()),
                onkeydown: move |evt: KeyboardEvent| {
                    if evt.key() == Key::Escape {
                        query.set(String::new());
                    }
                },
            }
            match results {
                None => rsx! {
                    div { class: "empty", p { {tr.t("search-empty")} } }
                },
                Some(r) if r.groups.is_empty() => rsx! {
                    div { class: "empty", role: "status", p { {tr.t_args("search-none", &[("query", &q)])} } }
                },
                Some(r) => rsx! {
                    div { class: "search-results", role: "status",
                        for (kind , hits) in r.groups {
                            Shelf {
                                key: "{kind.as_str()}",
                                title: tr.t(&kind_label_id(kind)),
                                items: hits,
                                id: format!("results-{}", kind.as_str()),
                            }
                        }
                    }
                },
            }
        }
    }
}

/// The Library: tabs for playlists, favorites, downloads and each kind.
#[component]
pub fn LibraryScreen() -> Element {
    let tr = use_tr();
    let tr = tr.read().clone();
    provide_screen_context();
    let mut view = use_context::<Signal<LibraryView>>();
    let current = view();
    rsx! {
        section { class: "screen", id: "screen-library",
            h1 { class: "screen-title", {tr.t("library-title")} }
            ProblemLine {}
            SyncBar {}
            div { class: "tabs", role: "tablist", aria_label: tr.t("library-title"),
                for tab in LibraryTab::ALL {
                    button {
                        key: "{tab.slug()}",
                        class: if current.tab == tab { "tab active" } else { "tab" },
                        id: "tab-{tab.slug()}",
                        role: "tab",
                        aria_selected: if current.tab == tab { "true" } else { "false" },
                        onclick: move |_| view.set(LibraryView { tab, playlist: None, item: None }),
                        {tr.t(&tab.label_id())}
                    }
                }
            }
            match (current.tab, current.playlist, current.item) {
                (LibraryTab::Playlists, Some(p), _) => rsx! { PlaylistView { id: p } },
                (LibraryTab::Playlists, None, _) => rsx! { PlaylistsTab {} },
                (LibraryTab::Favorites, _, _) => rsx! { FavoritesTab {} },
                (LibraryTab::Downloads, _, _) => rsx! { DownloadsTab {} },
                (LibraryTab::Kind(_), _, Some(item)) => rsx! { ItemDetail { id: item } },
                (LibraryTab::Kind(kind), _, None) => rsx! { KindTab { kind } },
            }
        }
    }
}

#[component]
fn KindTab(kind: ItemKind) -> Element {
    let core = use_core();
    let tr = use_tr();
    let tr = tr.read().clone();
    let state = use_ui_state();
    let _rev = state.read().library_revision;
    let mut shown = use_signal(|| 100usize);
    let total = core.count_items(Some(kind)).unwrap_or(0);
    let items = core.items(kind, 0, shown()).unwrap_or_default();
    let list = play_list(&items);
    rsx! {
        div { class: "tab-panel", role: "tabpanel",
            p { class: "help", {tr.t_args("library-count", &[("count", &total.to_string())])} }
            if items.is_empty() {
                div { class: "empty", p { {tr.t("library-kind-empty")} } }
            }
            ul { class: "item-list",
                for item in items.iter().cloned() {
                    ItemRow { key: "{item.id}", item, list: list.clone() }
                }
            }
            if (items.len() as u64) < total {
                button { class: "button", onclick: move |_| shown += 100, {tr.t("library-more")} }
            }
        }
    }
}

#[component]
fn ItemDetail(id: ItemId) -> Element {
    let problems = use_problems();
    let core = use_core();
    let tr = use_tr();
    let tr = tr.read().clone();
    let state = use_ui_state();
    let _rev = state.read().library_revision;
    let mut view = use_context::<Signal<LibraryView>>();
    let item = core.item(id).ok().flatten();
    let children = core.children(id).unwrap_or_default();
    let cover_src = crate::use_artwork_src();
    let list = play_list(&children);
    let follow_core = core.clone();
    let following = core
        .follows()
        .unwrap_or_default()
        .iter()
        .any(|a| a.id == id);
    rsx! {
        div { class: "tab-panel detail",
            button { class: "link", onclick: move |_| view.write().item = None, "← " {tr.t("back")} }
            match item {
                None => rsx! { p { {tr.t("library-item-gone")} } },
                Some(item) => rsx! {
                    div { class: "detail-head",
                        if let Some(url) = item.artwork.as_ref().and_then(|a| cover_src(&a.hash)) {
                            img { class: "detail-cover", id: "detail-cover", src: url, alt: "" }
                        }
                        div { class: "detail-text",
                            h2 { {item.title.clone()} }
                            if let Some(s) = &item.subtitle { p { class: "item-sub", {s.clone()} } }
                            if let Some(d) = &item.description { p { class: "description", {d.clone()} } }
                            if item.kind == ItemKind::Artist {
                                Toggle {
                                    id: "follow",
                                    pressed: following,
                                    label: if following { tr.t("artist-unfollow") } else { tr.t("artist-follow") },
                                    onclick: move |_| {
                                        if let Err(e) = follow_core.set_follow(id, !following) {
                                            problems.report(&e);
                                        }
                                    },
                                }
                            }
                            PlayAll { list: list.clone() }
                        }
                    }
                    ul { class: "item-list",
                        for child in children.iter().cloned() {
                            ItemRow { key: "{child.id}", item: child, list: list.clone() }
                        }
                    }
                },
            }
        }
    }
}

#[component]
fn FavoritesTab() -> Element {
    let core = use_core();
    let tr = use_tr();
    let tr = tr.read().clone();
    let state = use_ui_state();
    let _rev = state.read().library_revision;
    let favorites = core.favorites().unwrap_or_default();
    let list = play_list(&favorites);
    rsx! {
        div { class: "tab-panel", role: "tabpanel", id: "favorites",
            if favorites.is_empty() {
                div { class: "empty", p { {tr.t("favorites-empty")} } }
            }
            ul { class: "item-list",
                for item in favorites.iter() {
                    ItemRow { key: "{item.id}", item: item.clone(), list: list.clone() }
                }
            }
        }
    }
}

#[component]
fn PlaylistsTab() -> Element {
    let core = use_core();
    let tr = use_tr();
    let tr = tr.read().clone();
    let state = use_ui_state();
    let _rev = state.read().library_revision;
    let signed_in = state.read().account.is_some();
    let mut view = use_context::<Signal<LibraryView>>();
    let mut name = use_signal(String::new);
    let mut error = use_signal(|| None::<String>);
    let playlists = core.playlists().unwrap_or_default();
    let conflicts = core.conflicts().unwrap_or_default();
    let mut form_key = use_signal(|| 0u32);
    let create_core = core.clone();
    let create_tr = tr.clone();
    let mut create = move || {
        let n = name();
        if n.trim().is_empty() {
            error.set(Some(create_tr.t("playlist-name-required")));
            return;
        }
        match create_core.create_playlist(&n) {
            Ok(_) => {
                name.set(String::new());
                error.set(None);
                // A fresh, empty field (inputs are uncontrolled: bound values drop keystrokes).
                form_key += 1;
            }
            Err(e) => error.set(Some(crate::error_text(
                &create_tr,
                &create_core.server_url(),
                &e,
            ))),
        }
    };
    rsx! {
        div { class: "tab-panel", role: "tabpanel", id: "playlists",
            for c in conflicts {
                ConflictNotice { key: "{c.id}", conflict: c.clone() }
            }
            if signed_in {
                form {
                    class: "inline-form",
                    onsubmit: move |evt: FormEvent| {
                        evt.prevent_default();
                        create();
                    },
                    for k in std::iter::once(form_key()) {
                        input {
                            key: "{k}",
                            id: "new-playlist",
                            r#type: "text",
                            placeholder: tr.t("playlist-new-placeholder"),
                            aria_label: tr.t("playlist-new-placeholder"),
                            maxlength: 200,
                            oninput: move |evt: FormEvent| name.set(evt.value()),
                        }
                    }
                    button { class: "button primary", r#type: "submit", {tr.t("playlist-create")} }
                }
            } else {
                p { class: "help", {tr.t("playlist-sign-in")} }
            }
            if let Some(e) = error() {
                p { class: "form-message error", role: "alert", {e} }
            }
            if playlists.is_empty() {
                div { class: "empty", p { {tr.t("playlists-empty")} } }
            }
            ul { class: "item-list",
                for p in playlists {
                    li { key: "{p.id}", class: "item-row playlist-row",
                        button {
                            class: "link item-title",
                            onclick: move |_| view.write().playlist = Some(p.id),
                            {p.name.clone()}
                        }
                        span { class: "item-sub", {tr.t_args("playlist-entries", &[("count", &p.entries.to_string())])} }
                        if p.pinned {
                            span { class: "badge offline-mark", {tr.t("offline-badge")} }
                        }
                        if !p.synced {
                            span { class: "badge", title: tr.t("playlist-not-synced-help"), {tr.t("playlist-not-synced")} }
                        }
                    }
                }
            }
        }
    }
}

#[component]
fn ConflictNotice(conflict: cnt_app::Conflict) -> Element {
    let problems = use_problems();
    let core = use_core();
    let tr = use_tr();
    let tr = tr.read().clone();
    let restore_core = core.clone();
    let dismiss_core = core.clone();
    let restored_name = tr.t_args("conflict-restored-name", &[("name", &conflict.title)]);
    let id = conflict.id;
    let text = if conflict.code == cnt_app::ErrorCode::Gone {
        tr.t_args(
            "conflict-gone",
            &[
                ("name", &conflict.title),
                ("count", &conflict.lost_edits.to_string()),
            ],
        )
    } else {
        tr.t_args(
            "conflict-refused",
            &[
                ("name", &conflict.title),
                ("reason", &tr.t(&conflict.code.fluent_id())),
            ],
        )
    };
    rsx! {
        div { class: "notice conflict", role: "alert",
            p { {text} }
            if !conflict.items.is_empty() {
                button {
                    class: "button",
                    onclick: move |_| {
                        if let Err(e) = restore_core.restore_conflict(id, &restored_name) {
                            problems.report(&e);
                        }
                    },
                    {tr.t("conflict-restore")}
                }
            }
            button {
                class: "button",
                onclick: move |_| {
                    if let Err(e) = dismiss_core.dismiss_conflict(id) {
                        problems.report(&e);
                    }
                },
                {tr.t("notice-dismiss")}
            }
        }
    }
}

/// One playlist: rename, delete, keep offline; entries reordered by drag, buttons or Alt+arrows.
#[component]
fn PlaylistView(id: PlaylistId) -> Element {
    let problems = use_problems();
    let core = use_core();
    let tr = use_tr();
    let tr = tr.read().clone();
    let state = use_ui_state();
    let _rev = state.read().library_revision;
    let mut view = use_context::<Signal<LibraryView>>();
    let dragging = use_signal(|| None::<PlaylistEntryId>);
    let mut confirm_delete = use_signal(|| false);
    let summary = core
        .playlists()
        .unwrap_or_default()
        .into_iter()
        .find(|p| p.id == id);
    let Some(summary) = summary else {
        return rsx! {
            div { class: "tab-panel",
                button { class: "link", onclick: move |_| view.write().playlist = None, "← " {tr.t("back")} }
                p { {tr.t("playlist-gone")} }
            }
        };
    };
    let entries = core.playlist_entries(id).unwrap_or_default();
    let count = entries.len();
    let list = play_list(entries.iter().filter_map(|e| e.item.as_ref()));
    // Each entry's place in `list` (an item may be in the playlist twice).
    let mut playable_seen = 0usize;
    let play_at: Vec<Option<usize>> = entries
        .iter()
        .map(|e| {
            e.item.as_ref().filter(|i| i.playable).map(|_| {
                playable_seen += 1;
                playable_seen - 1
            })
        })
        .collect();
    let rename_core = core.clone();
    let delete_core = core.clone();
    let pin_core = core.clone();
    let pinned = summary.pinned;
    rsx! {
        div { class: "tab-panel playlist", id: "playlist-view",
            button { class: "link", onclick: move |_| view.write().playlist = None, "← " {tr.t("library-tab-playlists")} }
            div { class: "playlist-head",
                input {
                    class: "playlist-name",
                    id: "playlist-name",
                    aria_label: tr.t("playlist-rename"),
                    initial_value: "{summary.name}",
                    maxlength: 200,
                    onchange: move |evt: FormEvent| {
                        if let Err(e) = rename_core.rename_playlist(id, &evt.value()) {
                            problems.report(&e);
                        }
                    },
                }
                Toggle {
                    id: "playlist-pin",
                    pressed: pinned,
                    label: if pinned { tr.t("playlist-unpin") } else { tr.t("playlist-pin") },
                    onclick: move |_| {
                        if let Err(e) = pin_core.pin_playlist(id, !pinned) {
                            problems.report(&e);
                        }
                    },
                }
                PlayAll { list: list.clone() }
                if confirm_delete() {
                    span { role: "alert", {tr.t("playlist-delete-confirm")} }
                    button {
                        class: "button danger",
                        id: "playlist-delete-yes",
                        onclick: move |_| {
                            if let Err(e) = delete_core.delete_playlist(id) {
                                problems.report(&e);
                            }
                            view.write().playlist = None;
                        },
                        {tr.t("playlist-delete")}
                    }
                    button { class: "button", onclick: move |_| confirm_delete.set(false), {tr.t("cancel")} }
                } else {
                    button { class: "button", id: "playlist-delete", onclick: move |_| confirm_delete.set(true), {tr.t("playlist-delete")} }
                }
            }
            p { class: "help", {tr.t("playlist-reorder-help")} }
            if entries.is_empty() {
                div { class: "empty", p { {tr.t("playlist-empty")} } }
            }
            ol { class: "item-list entries",
                for (i , entry) in entries.into_iter().enumerate() {
                    EntryRow {
                        key: "{entry.id}",
                        entry: entry.clone(),
                        index: i,
                        count,
                        dragging,
                        list: list.clone(),
                        play_at: play_at.get(i).copied().flatten(),
                    }
                }
            }
        }
    }
}

#[component]
fn EntryRow(
    entry: cnt_app::EntryView,
    index: usize,
    count: usize,
    dragging: Signal<Option<PlaylistEntryId>>,
    list: Rc<Vec<ItemId>>,
    play_at: Option<usize>,
) -> Element {
    let problems = use_problems();
    let core = use_core();
    let tr = use_tr();
    let tr = tr.read().clone();
    let id = entry.id;
    let title = entry
        .item
        .as_ref()
        .map(|i| i.title.clone())
        .unwrap_or_else(|| tr.t("library-item-gone"));
    let subtitle = entry.item.as_ref().and_then(|i| i.subtitle.clone());
    let offline = entry.item.as_ref().is_some_and(|i| i.offline);
    let play_core = core.clone();
    let (up_core, down_core, key_core, drop_core, remove_core) = (
        core.clone(),
        core.clone(),
        core.clone(),
        core.clone(),
        core.clone(),
    );
    rsx! {
        li {
            class: if dragging() == Some(id) { "item-row entry dragging" } else { "item-row entry" },
            tabindex: "0",
            draggable: "true",
            "data-entry": "{id}",
            aria_label: "{title}",
            ondragstart: move |_| dragging.set(Some(id)),
            ondragend: move |_| dragging.set(None),
            ondragover: move |evt: DragEvent| evt.prevent_default(),
            ondrop: move |evt: DragEvent| {
                evt.prevent_default();
                if let Some(moving) = dragging()
                    && moving != id
                    && let Err(e) = drop_core.move_entry(moving, index)
                {
                    problems.report(&e);
                }
                dragging.set(None);
            },
            onkeydown: move |evt: KeyboardEvent| {
                let alt = evt.modifiers().alt();
                let result = match evt.key() {
                    Key::ArrowUp if alt && index > 0 => Some(key_core.move_entry(id, index - 1)),
                    Key::ArrowDown if alt && index + 1 < count => Some(key_core.move_entry(id, index + 1)),
                    Key::Delete => Some(key_core.remove_entry(id)),
                    _ => None,
                };
                if let Some(r) = result {
                    evt.prevent_default();
                    if let Err(e) = r {
                        problems.report(&e);
                    }
                }
            },
            span { class: "drag-handle", aria_hidden: "true", "⋮⋮" }
            if let Some(start) = play_at {
                button {
                    class: "icon-button play-item",
                    title: tr.t("player-play-from-here"),
                    aria_label: tr.t("player-play-from-here"),
                    onclick: move |_| match play_core.play_items(&list, start) {
                        Ok(_) | Err(cnt_app::Error::Player(_)) => {}
                        Err(e) => problems.report(&e),
                    },
                    "▶"
                }
            }
            div { class: "item-text",
                span { class: "item-title", {title.clone()} }
                if let Some(s) = subtitle { span { class: "item-sub", {s} } }
            }
            if offline {
                span { class: "badge offline-mark", {tr.t("offline-badge")} }
            }
            button {
                class: "icon-button",
                title: tr.t("playlist-move-up"),
                aria_label: tr.t("playlist-move-up"),
                disabled: index == 0,
                onclick: move |_| {
                    if let Err(e) = up_core.move_entry(id, index.saturating_sub(1)) {
                        problems.report(&e);
                    }
                },
                "↑"
            }
            button {
                class: "icon-button",
                title: tr.t("playlist-move-down"),
                aria_label: tr.t("playlist-move-down"),
                disabled: index + 1 >= count,
                onclick: move |_| {
                    if let Err(e) = down_core.move_entry(id, index + 1) {
                        problems.report(&e);
                    }
                },
                "↓"
            }
            button {
                class: "icon-button",
                title: tr.t("playlist-remove"),
                aria_label: tr.t("playlist-remove"),
                onclick: move |_| {
                    if let Err(e) = remove_core.remove_entry(id) {
                        problems.report(&e);
                    }
                },
                "✕"
            }
        }
    }
}

/// Downloads: storage, progress, errors with retry.
#[component]
fn DownloadsTab() -> Element {
    let problems = use_problems();
    let core = use_core();
    let tr = use_tr();
    let tr = tr.read().clone();
    let state = use_ui_state();
    let _rev = state.read().library_revision;
    let live = state.read().download.clone();
    let downloads = core.downloads().unwrap_or_default();
    let (used, quota) = core.storage().unwrap_or((0, 0));
    let failed = downloads
        .iter()
        .filter(|d| d.state == DownloadState::Failed)
        .count();
    let retry_core = core.clone();
    let now_core = core.clone();
    let queued = downloads.iter().any(|d| d.state == DownloadState::Queued);
    rsx! {
        div { class: "tab-panel", role: "tabpanel", id: "downloads",
            div { class: "storage",
                p { id: "storage-used",
                    {tr.t_args("downloads-storage", &[("used", &human_bytes(used)), ("quota", &human_bytes(quota))])}
                }
                meter { min: "0", max: "{quota.max(1)}", value: "{used}", aria_label: tr.t("downloads-storage-label") }
            }
            div { class: "row-actions",
                if queued {
                    button {
                        class: "button",
                        id: "download-now",
                        onclick: move |_| {
                            let core = now_core.clone();
                            spawn(async move {
                                if let Err(e) = core.download_now(&mut |_| {}).await {
                                    problems.report(&e);
                                }
                            });
                        },
                        {tr.t("downloads-start")}
                    }
                }
                if failed > 0 {
                    button {
                        class: "button",
                        id: "retry-failed",
                        onclick: move |_| {
                            if let Err(e) = retry_core.retry_downloads() {
                                problems.report(&e);
                            }
                        },
                        {tr.t_args("downloads-retry", &[("count", &failed.to_string())])}
                    }
                }
            }
            if downloads.is_empty() {
                div { class: "empty", p { {tr.t("downloads-empty")} } }
            }
            ul { class: "item-list",
                for d in downloads {
                    DownloadRow {
                        key: "{d.item.id}",
                        download: d.clone(),
                        live_done: live.as_ref().filter(|p| p.hash == d.hash).map(|p| p.done),
                    }
                }
            }
        }
    }
}

#[component]
fn DownloadRow(download: cnt_app::DownloadView, live_done: Option<u64>) -> Element {
    let problems = use_problems();
    let core = use_core();
    let tr = use_tr();
    let tr = tr.read().clone();
    let d = download;
    let id = d.item.id;
    let done = live_done.unwrap_or(d.bytes_done).min(d.size);
    let (state_id, class) = match d.state {
        DownloadState::Queued => ("downloads-queued", "queued"),
        DownloadState::Done => ("downloads-done", "done"),
        DownloadState::Failed => ("downloads-failed", "failed"),
    };
    rsx! {
        li { class: "item-row download {class}",
            div { class: "item-text",
                span { class: "item-title", {d.item.title.clone()} }
                span { class: "item-sub",
                    {tr.t(state_id)} " · " {human_bytes(d.size)}
                    if d.pinned { " · " {tr.t("downloads-pinned")} }
                }
                if let Some(e) = &d.error {
                    span { class: "download-error", role: "alert", {e.clone()} }
                }
            }
            if d.state == DownloadState::Queued {
                progress { max: "{d.size.max(1)}", value: "{done}", aria_label: tr.t("downloads-progress") }
            }
            button {
                class: "icon-button",
                title: tr.t("downloads-remove"),
                aria_label: tr.t("downloads-remove"),
                onclick: move |_| {
                    if let Err(e) = core.remove_download(id) {
                        problems.report(&e);
                    }
                },
                "✕"
            }
        }
    }
}
