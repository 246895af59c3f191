//! The user's settings, kept in `config_dir/cnt/config.toml`.
//!
//! Reading never fails the app: a missing file means defaults; a malformed one means defaults plus a
//! [`crate::Notice::ConfigInvalid`] naming the file, and the file is left untouched until the user
//! changes a setting, when it is first moved aside (`config.toml.invalid-<time>`), never deleted.
//! Writing is atomic (a temporary file renamed over the old one), so a crash cannot half-write it.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// Settings the user can change.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// UI language code (`"en"`, `"es"`, `"pt"`); `None` follows the system.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    /// The server to sync with; `None` means the local default (`http://127.0.0.1:8787`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub server_url: Option<String>,
    /// Storage for downloads in MiB; `None` means the default (4096).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub storage_quota_mb: Option<u64>,
    /// Whether downloads run on metered connections (mobile data, a metered Wi-Fi). Off by default.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub downloads_on_metered: bool,
    /// Crossfade between tracks in seconds, 0–12; 0 (the default) joins tracks without a gap.
    #[serde(skip_serializing_if = "is_zero")]
    pub crossfade_s: u8,
    /// Loudness levelling from the files' ReplayGain tags.
    #[serde(skip_serializing_if = "is_off")]
    pub replay_gain: Levelling,
}

/// Loudness levelling from ReplayGain tags (the player's [`cnt_player::ReplayGainMode`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Levelling {
    /// Files play as they are.
    #[default]
    Off,
    /// Each track at the same loudness.
    Track,
    /// Each album at the same loudness, its tracks keeping their differences.
    Album,
    /// Album levels in album order, track levels when shuffling.
    Auto,
}

impl Levelling {
    /// Every choice, in the order the settings list them.
    pub const ALL: [Levelling; 4] = [
        Levelling::Off,
        Levelling::Track,
        Levelling::Album,
        Levelling::Auto,
    ];

    /// The word used in the settings file (and as the choice's id).
    pub fn as_str(self) -> &'static str {
        match self {
            Levelling::Off => "off",
            Levelling::Track => "track",
            Levelling::Album => "album",
            Levelling::Auto => "auto",
        }
    }

    /// The player's mode.
    pub fn mode(self) -> cnt_player::ReplayGainMode {
        match self {
            Levelling::Off => cnt_player::ReplayGainMode::Off,
            Levelling::Track => cnt_player::ReplayGainMode::Track,
            Levelling::Album => cnt_player::ReplayGainMode::Album,
            Levelling::Auto => cnt_player::ReplayGainMode::Auto,
        }
    }
}

fn is_zero(n: &u8) -> bool {
    *n == 0
}

fn is_off(l: &Levelling) -> bool {
    *l == Levelling::Off
}

/// The longest crossfade offered, in seconds.
pub const MAX_CROSSFADE_S: u8 = 12;

/// The outcome of reading the settings file.
#[derive(Debug)]
pub(crate) enum Loaded {
    Missing,
    Ok(Settings),
    Invalid(String),
}

pub(crate) fn load(path: &Path) -> Loaded {
    match std::fs::read_to_string(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Loaded::Missing,
        Err(e) => Loaded::Invalid(e.to_string()),
        Ok(text) => match toml::from_str::<Settings>(&text) {
            Ok(s) => Loaded::Ok(s),
            Err(e) => Loaded::Invalid(describe_toml_error(&text, &e)),
        },
    }
}

/// "line L, column C: message" for a TOML error (the crate's own text is multi-line ASCII art).
fn describe_toml_error(text: &str, e: &toml::de::Error) -> String {
    match e.span() {
        Some(span) => {
            let before = &text[..span.start.min(text.len())];
            let line = before.matches('\n').count() + 1;
            let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            format!("line {line}, column {column}: {}", e.message())
        }
        None => e.message().to_owned(),
    }
}

/// Writes `settings` to `path` atomically. When `move_invalid_aside`, the existing (malformed) file is
/// renamed first so the user's text is kept.
pub(crate) fn save(
    path: &Path,
    settings: &Settings,
    move_invalid_aside: bool,
) -> std::io::Result<Option<PathBuf>> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut moved = None;
    if move_invalid_aside && path.exists() {
        let stamp = time::OffsetDateTime::now_utc().unix_timestamp();
        let target = PathBuf::from(format!("{}.invalid-{stamp}", path.display()));
        std::fs::rename(path, &target)?;
        moved = Some(target);
    }
    let text = toml::to_string_pretty(settings).map_err(std::io::Error::other)?;
    let tmp = PathBuf::from(format!("{}.tmp-{}", path.display(), std::process::id()));
    {
        use std::io::Write;
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(
            b"# CNT Media settings. Written by the app; safe to edit while it is closed.\n",
        )?;
        f.write_all(text.as_bytes())?;
        f.sync_all()?;
    }
    std::fs::rename(&tmp, path)?;
    Ok(moved)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_atomic_replace() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("cnt").join("config.toml");
        assert!(matches!(load(&path), Loaded::Missing));
        let s = Settings {
            language: Some("pt".into()),
            server_url: Some("https://media.example.org".into()),
            storage_quota_mb: Some(512),
            downloads_on_metered: true,
            crossfade_s: 6,
            replay_gain: Levelling::Auto,
        };
        save(&path, &s, false).expect("save");
        match load(&path) {
            Loaded::Ok(back) => assert_eq!(back, s),
            other => panic!("{other:?}"),
        }
        let leftovers: Vec<_> = std::fs::read_dir(path.parent().expect("dir"))
            .expect("list")
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().contains(".tmp-"))
            .collect();
        assert!(leftovers.is_empty());
    }

    #[test]
    fn an_unknown_levelling_is_a_malformed_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("config.toml");
        std::fs::write(&path, "replay_gain = \"loud\"\n").expect("write");
        match load(&path) {
            Loaded::Invalid(message) => assert!(message.contains("loud"), "{message}"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn malformed_files_are_reported_with_the_line_and_moved_aside_on_save() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("config.toml");
        std::fs::write(&path, "language = \"es\"\nserver_url = [oops\n").expect("write");
        let Loaded::Invalid(why) = load(&path) else {
            panic!("must be invalid")
        };
        assert_eq!(why, "line 2, column 19: unclosed array, expected `]`");
        assert!(!why.contains('|'), "no ASCII art: {why}");
        let moved = save(&path, &Settings::default(), true)
            .expect("save")
            .expect("moved");
        assert_eq!(
            std::fs::read_to_string(&moved).expect("kept"),
            "language = \"es\"\nserver_url = [oops\n"
        );
    }
}
