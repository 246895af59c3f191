//! System packages: what is needed, why, and installing what is missing (Debian/Ubuntu apt).

use std::process::Command;

use anyhow::{Context, Result, bail};

/// What the packages are for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    /// Building and running the app and the server.
    Run,
    /// Also running the tests.
    Test,
}

/// (package, why), for building and running.
const RUN: &[(&str, &str)] = &[
    ("pkg-config", "finds the C libraries below at build time"),
    ("libssl-dev", "OpenSSL, linked by the desktop webview stack"),
    (
        "libwebkit2gtk-4.1-dev",
        "the webview that draws the desktop app (Dioxus desktop / wry)",
    ),
    ("libgtk-3-dev", "the desktop window (tao / GTK)"),
    (
        "libxdo-dev",
        "keyboard shortcuts in the desktop window (tao)",
    ),
    ("libsoup-3.0-dev", "HTTP inside the webview"),
    (
        "sox",
        "makes the demo catalogue's public-domain music (cnt-server seed demo)",
    ),
    (
        "libsox-fmt-base",
        "lets sox write Ogg Vorbis and FLAC for the demo catalogue",
    ),
    (
        "espeak-ng",
        "reads the demo catalogue's spoken psalm and sermon (public-domain text)",
    ),
    (
        "libasound2-dev",
        "ALSA, linked by the player's audio device output (rodio / cpal)",
    ),
    (
        "libopus-dev",
        "libopus, the player's Opus decoder (symphonia has none)",
    ),
];

/// (package, why), for the tests on top of [`RUN`].
const TEST: &[(&str, &str)] = &[
    ("xvfb", "a virtual display to run the real window in tests"),
    (
        "xauth",
        "lets xvfb-run and the app share the virtual display",
    ),
    ("imagemagick", "takes and checks screenshots of the window"),
    ("xdotool", "sends key presses to the window in tests"),
    (
        "python3-jwt",
        "PyJWT, an independent library that cross-checks the tokens cnt-server issues",
    ),
    (
        "dbus-daemon",
        "dbus-run-session: a private D-Bus for the real keyring tests",
    ),
    (
        "gnome-keyring",
        "a real Secret Service: sign-ins that survive the process in tests",
    ),
    (
        "ffmpeg",
        "the player benchmark compares our decode times with `ffmpeg -f null`",
    ),
    (
        "postgresql",
        "the backend tests run a second time on PostgreSQL (the scale-out database)",
    ),
];

/// Installs whatever is missing for `purpose`.
///
/// # Errors
/// When apt-get fails, or packages are missing on a system without apt-get.
pub fn ensure(purpose: Purpose) -> Result<()> {
    let mut wanted: Vec<(&str, &str)> = RUN.to_vec();
    if purpose == Purpose::Test {
        wanted.extend_from_slice(TEST);
    }
    let missing: Vec<(&str, &str)> = wanted
        .into_iter()
        .filter(|(pkg, _)| !installed(pkg))
        .collect();
    if missing.is_empty() {
        eprintln!("==> system packages: all present");
        return Ok(());
    }
    eprintln!(
        "==> installing {} missing system package(s):",
        missing.len()
    );
    for (pkg, why) in &missing {
        eprintln!("    {pkg:<24} {why}");
    }
    if which("apt-get").is_none() {
        bail!(
            "apt-get is not available: install the packages above with your system's package manager, then retry"
        );
    }
    let sudo: Vec<&str> = if is_root() {
        vec![]
    } else if which("sudo").is_some() {
        eprintln!("    (not root: using sudo)");
        vec!["sudo", "-E"]
    } else {
        bail!("not root and no sudo: run this as root or install the packages above");
    };
    // This image's apt hook deletes /var/cache/apt/archives/*.deb whenever any apt runs, which breaks
    // a concurrent install halfway: download into a private archive cache and wait for the lock.
    let cache = std::env::temp_dir().join("cnt-apt-archives");
    std::fs::create_dir_all(cache.join("partial"))
        .with_context(|| format!("cannot create {}", cache.display()))?;
    let cache_opt = format!("Dir::Cache::Archives={}", cache.display());
    let apt = |args: &[&str]| -> Result<()> {
        let mut argv: Vec<&str> = sudo.clone();
        argv.push("apt-get");
        argv.extend_from_slice(args);
        let status = Command::new(argv[0])
            .args(&argv[1..])
            .env("DEBIAN_FRONTEND", "noninteractive")
            .status()
            .with_context(|| format!("cannot run {}", argv.join(" ")))?;
        if !status.success() {
            bail!("`{}` failed ({status})", argv.join(" "));
        }
        Ok(())
    };
    apt(&["-q", "-o", "DPkg::Lock::Timeout=900", "update"])?;
    let mut install = vec![
        "install",
        "-y",
        "-q",
        "--no-install-recommends",
        "-o",
        &cache_opt,
        "-o",
        "DPkg::Lock::Timeout=900",
    ];
    install.extend(missing.iter().map(|(p, _)| *p));
    apt(&install)?;
    let still: Vec<&str> = missing
        .iter()
        .map(|(p, _)| *p)
        .filter(|p| !installed(p))
        .collect();
    if !still.is_empty() {
        bail!("still missing after apt-get: {}", still.join(" "));
    }
    Ok(())
}

fn installed(pkg: &str) -> bool {
    Command::new("dpkg-query")
        .args(["-W", "-f=${Status}", pkg])
        .output()
        .map(|o| {
            o.status.success()
                && String::from_utf8_lossy(&o.stdout).contains("install ok installed")
        })
        .unwrap_or(false)
}

/// The full path of `program` on PATH.
pub fn which(program: &str) -> Option<std::path::PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join(program))
            .find(|p| p.is_file())
    })
}

pub fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}
