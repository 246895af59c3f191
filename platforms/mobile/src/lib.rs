//! The Android and iOS launcher of CNT Media: the same `cnt-ui` as the desktop, in a mobile webview.
//!
//! On a phone the app data lives in the app's sandbox, which the platform hands to the launcher; the
//! core is started the same way as on the desktop and given to the UI as context. Building for a
//! phone needs the Android NDK or Xcode and the `dx` CLI (`dx bundle --platform android`), which these
//! build machines do not have, so on a desktop host this crate builds only [`core_options`], the part
//! shared with the phone launcher, and its test.

use std::path::Path;

/// The core options for an app sandbox rooted at `sandbox` (on Android, the app's files directory).
pub fn core_options(sandbox: &Path) -> cnt_app::CoreOptions {
    cnt_app::CoreOptions {
        data_dir: Some(sandbox.join("data")),
        config_file: Some(sandbox.join("config").join("config.toml")),
        ..Default::default()
    }
}

/// Starts the app on a phone: the core on a background runtime, then the UI.
#[cfg(any(target_os = "android", target_os = "ios"))]
pub fn start(sandbox: &Path) {
    let Ok(runtime) = tokio::runtime::Runtime::new() else {
        return;
    };
    let core = {
        let _guard = runtime.enter();
        match cnt_app::Core::start(core_options(sandbox)) {
            Ok(core) => core,
            Err(e) => {
                eprintln!("cnt: cannot start: {e}");
                return;
            }
        }
    };
    dioxus::LaunchBuilder::mobile()
        .with_context(core)
        .launch(cnt_ui::App);
    drop(runtime);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn everything_stays_inside_the_sandbox() {
        let opts = core_options(Path::new("/data/user/0/org.cntmedia/files"));
        for p in [
            opts.data_dir.expect("data"),
            opts.config_file.expect("config"),
        ] {
            assert!(
                p.starts_with("/data/user/0/org.cntmedia/files"),
                "{}",
                p.display()
            );
        }
    }
}
