//! The desktop window: Dioxus desktop (wry/tao) around `cnt_ui::App`.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use base64::Engine;
use cnt_app::Core;
use cnt_ui::{Screen, ShellHooks};
use dioxus::desktop::{Config, LogicalSize, WindowBuilder};

/// Window options, mostly for screenshots and measurements.
#[derive(Debug, clap::Args)]
pub struct WindowArgs {
    /// Open on this screen (home, search, library, bible, worship, create, community, events, settings).
    #[arg(long, value_name = "SCREEN", value_parser = parse_screen)]
    screen: Option<Screen>,
    /// Initial window size in logical pixels, e.g. 1200x780.
    #[arg(long, value_name = "WxH", value_parser = parse_size)]
    window_size: Option<(u32, u32)>,
    /// Print the milliseconds from process start to the first paint of the frame on stderr.
    #[arg(long, hide = true)]
    report_first_paint: bool,
}

fn parse_screen(s: &str) -> Result<Screen, String> {
    Screen::from_slug(s).ok_or_else(|| {
        let names: Vec<_> = Screen::ALL.iter().map(|s| s.slug()).collect();
        format!("unknown screen {s:?}; one of {}", names.join(", "))
    })
}

fn parse_size(s: &str) -> Result<(u32, u32), String> {
    let (w, h) = s
        .split_once(['x', 'X'])
        .ok_or_else(|| format!("{s:?} is not WIDTHxHEIGHT"))?;
    let parse = |v: &str| {
        v.trim()
            .parse::<u32>()
            .ok()
            .filter(|n| (200..=10_000).contains(n))
            .ok_or_else(|| format!("{v:?} is not a size between 200 and 10000"))
    };
    Ok((parse(w)?, parse(h)?))
}

/// Whether a window can be opened at all (X11 or Wayland).
///
/// tao panics inside GTK when it cannot open the display, so we look first. A local X display
/// (`:N`) must have its socket; other forms (a remote host, Wayland) are trusted.
pub fn display_available() -> bool {
    let set = |v: &str| std::env::var(v).ok().filter(|s| !s.is_empty());
    if set("WAYLAND_DISPLAY").is_some() {
        return true;
    }
    match set("DISPLAY") {
        None => false,
        Some(display) => match display.strip_prefix(':') {
            Some(rest) => {
                let number = rest.split('.').next().unwrap_or_default();
                std::path::Path::new(&format!("/tmp/.X11-unix/X{number}")).exists()
            }
            None => true,
        },
    }
}

const INTER_REGULAR: &[u8] = include_bytes!("../../../assets/fonts/Inter-Regular.woff2");
const INTER_SEMIBOLD: &[u8] = include_bytes!("../../../assets/fonts/Inter-SemiBold.woff2");

/// The page head: the bundled font as data URLs (nothing is fetched) and the theme.
fn head() -> String {
    let b64 = base64::engine::general_purpose::STANDARD;
    let face = |bytes: &[u8], weight: u16| {
        format!(
            "@font-face{{font-family:\"Inter\";font-style:normal;font-weight:{weight};font-display:block;\
             src:url(data:font/woff2;base64,{}) format(\"woff2\");}}",
            b64.encode(bytes)
        )
    };
    format!(
        "<meta name=\"color-scheme\" content=\"light\"><style>{}{}</style><style>{}</style>",
        face(INTER_REGULAR, 400),
        face(INTER_SEMIBOLD, 600),
        cnt_ui::STYLE
    )
}

/// The scheme the window serves artwork under: `cntart://art/<hash>` (see [`artwork_response`]).
pub const ARTWORK_SCHEME: &str = "cntart";

/// Answers `cntart://art/<hash>` from the device's artwork folder: the image with its type read from
/// its first bytes, `404` when it is not on the device (or not an image), `400` for anything that is
/// not a content hash. Served from memory-light files (≤ 8 MiB, usually a few KiB), so the page holds
/// a short URL per row instead of the image inlined.
pub fn artwork_response(
    core: &Core,
    uri: &dioxus::desktop::wry::http::Uri,
) -> dioxus::desktop::wry::http::Response<std::borrow::Cow<'static, [u8]>> {
    use dioxus::desktop::wry::http::{Response, StatusCode, header};
    let respond = |status: StatusCode, mime: &str, body: Vec<u8>| {
        Response::builder()
            .status(status)
            .header(header::CONTENT_TYPE, mime)
            .header(header::CACHE_CONTROL, "max-age=31536000, immutable")
            .body(std::borrow::Cow::Owned(body))
            .unwrap_or_else(|_| Response::new(std::borrow::Cow::Borrowed(&[][..])))
    };
    let hash = uri.path().trim_start_matches('/');
    if !cnt_model::sync::MediaRef::is_valid_hash(hash) {
        return respond(
            StatusCode::BAD_REQUEST,
            "text/plain",
            b"not an artwork hash".to_vec(),
        );
    }
    let image = core
        .artwork_file(hash)
        .and_then(|path| std::fs::read(path).ok())
        .and_then(|bytes| cnt_app::sniff_image(&bytes).map(|mime| (mime, bytes)));
    match image {
        Some((mime, bytes)) => respond(StatusCode::OK, mime, bytes),
        None => respond(
            StatusCode::NOT_FOUND,
            "text/plain",
            b"not on this device".to_vec(),
        ),
    }
}

/// Opens the main window and blocks until it is closed.
pub fn launch(core: Core, args: WindowArgs, started: Instant) {
    let (width, height) = args.window_size.unwrap_or((1200, 780));
    let window = WindowBuilder::new()
        .with_title("CNT Media")
        .with_inner_size(LogicalSize::new(f64::from(width), f64::from(height)))
        .with_min_inner_size(LogicalSize::new(360.0, 480.0))
        // Dioxus turns always-on-top on in debug builds; an app window should behave like any other.
        .with_always_on_top(false);
    let config = Config::new()
        .with_window(window)
        // The default GTK menu bar only offers "Quit" and "Toggle developer tools": not for users.
        .with_menu(None)
        .with_background_color((0xF7, 0xF5, 0xF2, 0xFF))
        .with_custom_head(head())
        .with_custom_protocol(ARTWORK_SCHEME, {
            let core = core.clone();
            move |_, request| artwork_response(&core, request.uri())
        });
    let reported = Arc::new(AtomicBool::new(false));
    let hooks = ShellHooks {
        on_first_paint: args.report_first_paint.then(|| {
            let f: Arc<dyn Fn() + Send + Sync> = Arc::new(move || {
                if !reported.swap(true, Ordering::SeqCst) {
                    eprintln!("first-paint-ms: {}", started.elapsed().as_millis());
                }
            });
            f
        }),
        artwork_scheme: Some(ARTWORK_SCHEME),
    };
    dioxus::LaunchBuilder::desktop()
        .with_cfg(config)
        .with_context(core)
        .with_context(hooks)
        .with_context(args.screen.unwrap_or(Screen::Home))
        .launch(cnt_ui::App);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_and_screens_parse_with_clear_errors() {
        assert_eq!(parse_size("600x800"), Ok((600, 800)));
        assert!(parse_size("600").is_err());
        assert!(parse_size("5x800").is_err());
        assert_eq!(parse_screen("bible"), Ok(Screen::Bible));
        assert!(
            parse_screen("bibel")
                .expect_err("typo")
                .contains("settings")
        );
    }

    #[test]
    fn the_head_embeds_both_font_weights_and_the_theme() {
        let head = head();
        assert_eq!(head.matches("@font-face{font-family:\"Inter\"").count(), 2);
        assert!(head.contains("--primary: #8B7355"));
        assert!(
            !head.contains("http://") && !head.contains("https://"),
            "no network fonts"
        );
    }

    #[tokio::test]
    async fn artwork_is_served_by_hash_with_its_type_and_nothing_else() {
        use dioxus::desktop::wry::http::{StatusCode, Uri};
        let dir = tempfile::tempdir().expect("tempdir");
        let core = Core::start(cnt_app::CoreOptions {
            data_dir: Some(dir.path().join("data")),
            config_file: Some(dir.path().join("config.toml")),
            server: Some("http://127.0.0.1:9".into()),
            secrets: Some(std::sync::Arc::new(cnt_app::MemoryStore::new())),
            timing: None,
        })
        .expect("core");
        let png = "c3".repeat(32);
        let junk = "d4".repeat(32);
        std::fs::create_dir_all(core.artwork_dir()).expect("dir");
        std::fs::write(core.artwork_dir().join(&png), b"\x89PNG\r\n\x1a\nrest").expect("png");
        std::fs::write(core.artwork_dir().join(&junk), b"#!/bin/sh").expect("junk");
        let get = |path: &str| {
            let uri: Uri = format!("{ARTWORK_SCHEME}://art{path}")
                .parse()
                .expect("uri");
            artwork_response(&core, &uri)
        };
        let ok = get(&format!("/{png}"));
        assert_eq!(ok.status(), StatusCode::OK);
        assert_eq!(ok.headers()["content-type"], "image/png");
        assert!(ok.body().starts_with(b"\x89PNG"));
        assert_eq!(get(&format!("/{junk}")).status(), StatusCode::NOT_FOUND);
        assert_eq!(
            get(&format!("/{}", "e5".repeat(32))).status(),
            StatusCode::NOT_FOUND
        );
        assert_eq!(get("/../../etc/passwd").status(), StatusCode::BAD_REQUEST);
        assert_eq!(get("/").status(), StatusCode::BAD_REQUEST);
    }
}
