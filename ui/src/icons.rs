//! Line icons (24×24, drawn with `currentColor`), inlined so that no file or network is needed.

use crate::Screen;

fn svg(paths: &str) -> String {
    format!(
        r#"<svg viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true"><path d="{paths}"/></svg>"#
    )
}

/// The icon of a screen, as SVG markup.
pub fn screen_icon(screen: Screen) -> String {
    svg(match screen {
        Screen::Home => "M3 11l9-8 9 8v10h-6v-6H9v6H3z",
        Screen::Search => "M10.5 4a6.5 6.5 0 1 0 0 13a6.5 6.5 0 1 0 0-13z M15.5 15.5L21 21",
        Screen::Library => "M4 4h4v16H4z M10 4h4v16h-4z M16 5l4 1-3 15-4-1z",
        Screen::Bible => "M5 4h11a3 3 0 0 1 3 3v13H8a3 3 0 0 1-3-3z M12 8v6 M9.5 10.5h5",
        Screen::Worship => {
            "M9 18V5l12-2v13 M9 18a3 3 0 1 1-6 0a3 3 0 1 1 6 0z M21 16a3 3 0 1 1-6 0a3 3 0 1 1 6 0z"
        }
        Screen::Create => "M4 20l4-1 11-11-3-3L5 16z M14 6l3 3",
        Screen::Community => {
            "M9 11a4 4 0 1 0 0-8a4 4 0 1 0 0 8z M2 21a7 7 0 0 1 14 0 M17 11a3 3 0 1 0 0-6 M22 21a6 6 0 0 0-4-5.6"
        }
        Screen::Events => "M4 6h16v14H4z M4 10h16 M8 3v5 M16 3v5",
        Screen::Account => "M12 12a4 4 0 1 0 0-8a4 4 0 1 0 0 8z M4 21a8 8 0 0 1 16 0",
        Screen::Settings => {
            "M12 15a3 3 0 1 0 0-6a3 3 0 1 0 0 6z M12 2v3 M12 19v3 M2 12h3 M19 12h3 M4.9 4.9L7 7 M17 17l2.1 2.1 M4.9 19.1L7 17 M17 7l2.1-2.1"
        }
    })
}

/// Transport icons of the player bar.
pub fn transport_icon(name: &str) -> String {
    svg(match name {
        "previous" => "M6 5v14 M19 5L9 12l10 7z",
        "next" => "M18 5v14 M5 5l10 7-10 7z",
        _ => "M8 5l11 7-11 7z",
    })
}
