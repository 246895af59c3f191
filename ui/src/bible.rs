//! The Bible reader: translation, book and chapter selects with previous/next, a reference box
//! (`jn316` + Enter opens John 3 with verse 16 marked and scrolled into view), ranked search whose
//! results open their chapter, a second translation side by side, and saved verses.
//!
//! Everything is read from the core on render (local SQLite: a chapter is one range scan), so the
//! screen holds only where the reader is ([`BiblePlace`]) and what is typed. Paragraph, stanza and
//! poetry-line breaks of the text are kept: each verse is laid out from `Verse::segments`.

use cnt_app::{Break, ChapterRow, Verse};
use dioxus::html::{ScrollBehavior, ScrollLogicalPosition, ScrollToOptions};
use dioxus::prelude::*;

use crate::{use_core, use_tr};

/// Where the reader is. A shell or a render test may provide one as context to start there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BiblePlace {
    /// Translation code.
    pub translation: String,
    /// A second translation shown beside the first.
    pub second: Option<String>,
    /// Book number (1–66).
    pub book: u8,
    /// Chapter.
    pub chapter: u16,
    /// The verse to mark and scroll to.
    pub verse: Option<u16>,
    /// Text in the search box.
    pub search: String,
}

impl Default for BiblePlace {
    fn default() -> Self {
        BiblePlace {
            translation: cnt_app::BUNDLED_TRANSLATION.into(),
            second: None,
            book: 43,
            chapter: 1,
            verse: None,
            search: String::new(),
        }
    }
}

/// Scrolls a marked verse into the middle of the view once it is in the page.
fn scroll_into_view(evt: MountedEvent) {
    spawn(async move {
        // After the navigation's own focus handling and the chapter's layout.
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        let _ = evt
            .data()
            .scroll_to_with_options(ScrollToOptions {
                behavior: ScrollBehavior::Instant,
                vertical: ScrollLogicalPosition::Center,
                horizontal: ScrollLogicalPosition::Start,
            })
            .await;
    });
}

/// The Bible screen.
#[component]
pub fn BibleScreen() -> Element {
    let core = use_core();
    let tr = use_tr();
    let tr = tr.read().clone();
    let lang = tr.0.language();
    let start = try_use_context::<BiblePlace>().unwrap_or_else(|| BiblePlace {
        translation: core
            .bible_default_translation()
            .unwrap_or_else(|_| cnt_app::BUNDLED_TRANSLATION.into()),
        ..BiblePlace::default()
    });
    let search_start = start.search.clone();
    let mut place = use_signal(|| start);
    let mut typed = use_signal(String::new);
    let mut problem = use_signal(|| None::<String>);
    let mut saved_rev = use_signal(|| 0u32);
    let p = place();

    let translations = core.bible_translations().unwrap_or_default();
    let books = core.bible_books(&p.translation, lang).unwrap_or_default();
    let chapters = books
        .iter()
        .find(|b| b.number == p.book)
        .map_or(1, |b| b.chapters);
    let rows = core.bible_chapter(&p.translation, p.second.as_deref(), p.book, p.chapter);
    let book_name = cnt_app::bible_book_name(p.book, lang);
    let hits = if p.search.trim().is_empty() {
        None
    } else {
        Some(
            core.bible_search(&p.search, Some(&p.translation), 20)
                .unwrap_or_default(),
        )
    };
    let _rev = saved_rev();
    let saved = core.saved_verses().unwrap_or_default();
    let saved_names: std::collections::HashSet<String> =
        saved.iter().map(|s| s.reference.clone()).collect();
    let side_by_side = p.second.is_some();

    let jump_core = core.clone();
    let jump = move |text: String| match jump_core.bible_jump(&text) {
        Ok(j) => {
            place.with_mut(|pl| {
                pl.book = j.book;
                pl.chapter = j.chapter;
                pl.verse = j.verse;
            });
            problem.set(None);
        }
        Err(e) => problem.set(Some(e.to_string())),
    };
    let mut go_chapter = move |chapter: u16| {
        place.with_mut(|pl| {
            pl.chapter = chapter;
            pl.verse = None;
        });
    };

    rsx! {
        section { class: "screen", id: "screen-bible",
            h1 { class: "screen-title", {tr.t("bible-title")} }
            if let Some(detail) = problem() {
                div { class: "notice", role: "alert", id: "bible-problem",
                    p { {detail} }
                    button { class: "button", onclick: move |_| problem.set(None), {tr.t("notice-dismiss")} }
                }
            }
            div { class: "bible-bar",
                // Uncontrolled: a bound value drops keystrokes when typing fast.
                input {
                    class: "bible-ref",
                    id: "bible-reference",
                    r#type: "text",
                    placeholder: tr.t("bible-reference-placeholder"),
                    aria_label: tr.t("bible-reference"),
                    onmounted: move |evt: MountedEvent| {
                        spawn(async move {
                            // After the navigation has placed its own focus.
                            tokio::time::sleep(std::time::Duration::from_millis(80)).await;
                            // WebKitGTK answers `null`, reported as an error although focus moved.
                            let _ = evt.data().set_focus(true).await;
                        });
                    },
                    oninput: move |evt: FormEvent| typed.set(evt.value()),
                    onkeydown: {
                        let mut jump = jump.clone();
                        move |evt: KeyboardEvent| {
                            if evt.key() == Key::Enter {
                                jump(typed());
                            }
                        }
                    },
                }
                select {
                    id: "bible-translation",
                    aria_label: tr.t("bible-translation"),
                    onchange: move |evt: FormEvent| place.with_mut(|pl| pl.translation = evt.value()),
                    for t in translations.iter() {
                        option { key: "{t.code}", value: "{t.code}", selected: t.code == p.translation,
                            "{t.code} — {t.name}"
                        }
                    }
                }
                select {
                    id: "bible-book",
                    aria_label: tr.t("bible-book"),
                    onchange: move |evt: FormEvent| {
                        if let Ok(n) = evt.value().parse::<u8>() {
                            place.with_mut(|pl| {
                                pl.book = n;
                                pl.chapter = 1;
                                pl.verse = None;
                            });
                        }
                    },
                    for b in books.iter() {
                        option { key: "{b.number}", value: "{b.number}", selected: b.number == p.book, "{b.name}" }
                    }
                }
                button {
                    class: "icon-button",
                    id: "bible-prev",
                    aria_label: tr.t("bible-previous-chapter"),
                    title: tr.t("bible-previous-chapter"),
                    disabled: p.chapter <= 1,
                    onclick: move |_| go_chapter(p.chapter.saturating_sub(1).max(1)),
                    "‹"
                }
                select {
                    id: "bible-chapter",
                    aria_label: tr.t("bible-chapter"),
                    onchange: move |evt: FormEvent| {
                        if let Ok(c) = evt.value().parse::<u16>() {
                            go_chapter(c);
                        }
                    },
                    for c in 1..=chapters {
                        option { key: "{c}", value: "{c}", selected: c == p.chapter, "{c}" }
                    }
                }
                button {
                    class: "icon-button",
                    id: "bible-next",
                    aria_label: tr.t("bible-next-chapter"),
                    title: tr.t("bible-next-chapter"),
                    disabled: p.chapter >= chapters,
                    onclick: move |_| go_chapter((p.chapter + 1).min(chapters)),
                    "›"
                }
            }
            div { class: "bible-layout",
                div { class: if side_by_side { "bible-text wide" } else { "bible-text" },
                    h2 { class: "bible-chapter-title", id: "bible-chapter-title", "{book_name} {p.chapter}" }
                    match rows {
                        Err(e) => rsx! { p { class: "help", role: "alert", {e.to_string()} } },
                        Ok(rows) if side_by_side => rsx! {
                            div { class: "parallel", id: "bible-parallel",
                                div { class: "parallel-head",
                                    span { "{p.translation}" }
                                    span { {p.second.clone().unwrap_or_default()} }
                                }
                                for row in rows {
                                    ParallelVerse {
                                        key: "{row.verse}-{p.verse == Some(row.verse)}",
                                        marked: p.verse == Some(row.verse),
                                        saved: row.left.as_ref().is_some_and(|v| saved_names.contains(&cnt_app::verse_name(v))),
                                        row: row.clone(),
                                        on_saved: move |e: Option<String>| {
                                            if e.is_some() {
                                                problem.set(e);
                                            }
                                            saved_rev += 1;
                                        },
                                    }
                                }
                            }
                        },
                        Ok(rows) => rsx! {
                            div { class: "chapter", id: "bible-chapter",
                                for v in rows.into_iter().filter_map(|r| r.left) {
                                    VerseText {
                                        key: "{v.id.verse}-{p.verse == Some(v.id.verse)}",
                                        marked: p.verse == Some(v.id.verse),
                                        anchor: true,
                                        saved: saved_names.contains(&cnt_app::verse_name(&v)),
                                        verse: v,
                                        on_saved: move |e: Option<String>| {
                                            if e.is_some() {
                                                problem.set(e);
                                            }
                                            saved_rev += 1;
                                        },
                                    }
                                }
                            }
                        },
                    }
                }
                aside { class: "bible-side",
                    label { class: "bible-side-title", r#for: "bible-second", {tr.t("bible-side-by-side")} }
                    select {
                        id: "bible-second",
                        aria_label: tr.t("bible-side-by-side"),
                        onchange: move |evt: FormEvent| {
                            let v = evt.value();
                            place.with_mut(|pl| pl.second = (!v.is_empty()).then_some(v));
                        },
                        option { value: "", selected: p.second.is_none(), {tr.t("bible-no-second")} }
                        for t in translations.iter().filter(|t| t.code != p.translation) {
                            option { key: "{t.code}", value: "{t.code}", selected: p.second.as_deref() == Some(t.code.as_str()),
                                "{t.code} — {t.name}"
                            }
                        }
                    }
                    if translations.len() < 2 {
                        p { class: "help", id: "bible-import-help", {tr.t("bible-one-translation")} }
                    }
                    input {
                        class: "search-box",
                        id: "bible-search",
                        r#type: "search",
                        placeholder: tr.t("bible-search-placeholder"),
                        aria_label: tr.t("bible-search"),
                        initial_value: "{search_start}",
                        oninput: move |evt: FormEvent| place.with_mut(|pl| pl.search = evt.value()),
                    }
                    if let Some(hits) = hits {
                        if hits.is_empty() {
                            p { class: "help", role: "status", {tr.t("bible-search-none")} }
                        } else {
                            ol { class: "bible-hits", id: "bible-hits", role: "status",
                                for hit in hits {
                                    li { key: "{hit.verse.id.key()}",
                                        button {
                                            class: "bible-hit",
                                            onclick: {
                                                let id = hit.verse.id;
                                                move |_| {
                                                    place.with_mut(|pl| {
                                                        pl.book = id.book;
                                                        pl.chapter = id.chapter;
                                                        pl.verse = Some(id.verse);
                                                    });
                                                }
                                            },
                                            strong { {cnt_app::verse_name(&hit.verse)} }
                                            " "
                                            Marked { text: hit.verse.text.clone(), ranges: hit.matches.clone() }
                                        }
                                    }
                                }
                            }
                        }
                    }
                    h2 { class: "bible-side-title", {tr.t("bible-saved")} }
                    if saved.is_empty() {
                        p { class: "help", id: "bible-saved-empty", {tr.t("bible-saved-empty")} }
                    } else {
                        ul { class: "bible-saved", id: "bible-saved",
                            for s in saved {
                                li { key: "{s.id}",
                                    button {
                                        class: "link",
                                        onclick: {
                                            let r = s.reference.clone();
                                            let mut jump = jump.clone();
                                            move |_| jump(r.clone())
                                        },
                                        "{s.reference}"
                                    }
                                    button {
                                        class: "icon-button",
                                        aria_label: tr.t_args("bible-unsave", &[("reference", &s.reference)]),
                                        title: tr.t_args("bible-unsave", &[("reference", &s.reference)]),
                                        onclick: {
                                            let core = core.clone();
                                            move |_| {
                                                if let Err(e) = core.unsave_verse(s.id) {
                                                    problem.set(Some(e.to_string()));
                                                }
                                                saved_rev += 1;
                                            }
                                        },
                                        "×"
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Text with byte ranges wrapped in `<mark>`.
#[component]
fn Marked(text: String, ranges: Vec<(usize, usize)>) -> Element {
    let mut parts: Vec<(bool, String)> = Vec::new();
    let mut at = 0;
    for (s, e) in ranges {
        if s < at || e > text.len() || !text.is_char_boundary(s) || !text.is_char_boundary(e) {
            continue;
        }
        parts.push((false, text[at..s].to_owned()));
        parts.push((true, text[s..e].to_owned()));
        at = e;
    }
    parts.push((false, text[at..].to_owned()));
    rsx! {
        span {
            for (i , (hl , piece)) in parts.into_iter().enumerate() {
                if hl {
                    mark { key: "{i}", "{piece}" }
                } else {
                    span { key: "{i}", "{piece}" }
                }
            }
        }
    }
}

fn break_class(b: Option<Break>) -> &'static str {
    match b {
        Some(Break::Paragraph) => "seg para",
        Some(Break::Stanza) => "seg stanza",
        Some(Break::Line) => "seg line",
        None => "seg",
    }
}

/// One verse: heading, number, its pieces with their breaks, and the save button.
#[component]
fn VerseText(
    verse: Verse,
    marked: bool,
    #[props(default)] anchor: bool,
    #[props(default)] saved: bool,
    on_saved: EventHandler<Option<String>>,
) -> Element {
    let core = use_core();
    let tr = use_tr();
    let tr = tr.read().clone();
    let name = cnt_app::verse_name(&verse);
    let n = verse.id.verse;
    let segments: Vec<(&'static str, String)> = verse
        .segments()
        .into_iter()
        .map(|(b, s)| (break_class(b), s.to_owned()))
        .collect();
    let save_label = tr.t_args("bible-save-verse", &[("reference", &name)]);
    let count = segments.len();
    let class = if marked { "verse marked" } else { "verse" };
    let id = anchor.then(|| format!("verse-{n}"));
    rsx! {
        if let Some(h) = verse.heading.clone() {
            span { class: "verse-heading", "{h}" }
        }
        span {
            class: "{class}",
            id: id,
            onmounted: move |evt: MountedEvent| {
                if marked {
                    scroll_into_view(evt);
                }
            },
            for (i , (seg_class , text)) in segments.into_iter().enumerate() {
                span { key: "{i}", class: "{seg_class}",
                    if i == 0 {
                        sup { class: "verse-number", "{n}" }
                    }
                    "{text} "
                    // Inside the last piece, so it stays on the verse's line after a block break.
                    if i + 1 == count {
                        button {
                            class: if saved { "verse-save saved" } else { "verse-save" },
                            aria_label: "{save_label}",
                            title: "{save_label}",
                            onclick: {
                                let core = core.clone();
                                let name = name.clone();
                                move |_| {
                                    on_saved.call(core.save_verse(&name).err().map(|e| e.to_string()));
                                }
                            },
                            if saved { "★" } else { "☆" }
                        }
                    }
                }
            }
        }
    }
}

/// One row of the side-by-side view.
#[component]
fn ParallelVerse(
    row: ChapterRow,
    marked: bool,
    saved: bool,
    on_saved: EventHandler<Option<String>>,
) -> Element {
    let class = if marked {
        "parallel-row marked"
    } else {
        "parallel-row"
    };
    rsx! {
        div {
            class: "{class}",
            id: "verse-{row.verse}",
            onmounted: move |evt: MountedEvent| {
                if marked {
                    scroll_into_view(evt);
                }
            },
            div { class: "parallel-cell",
                if let Some(v) = row.left.clone() {
                    VerseText { verse: v, marked: false, saved, on_saved: on_saved }
                }
            }
            div { class: "parallel-cell",
                if let Some(v) = row.right.clone() {
                    VerseText { verse: v, marked: false, saved, on_saved: on_saved }
                }
            }
        }
    }
}
