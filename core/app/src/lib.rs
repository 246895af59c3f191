//! The one handle the UI and the command line hold: [`Core`].
//!
//! `Core` wires the client crates together — the library database (`cnt-library`), the server client and
//! connection monitor (`cnt-sync`), the secret store (`cnt-secrets`) — and owns the user's
//! [`Settings`]. Screens never reach past it: they call its methods and listen to its [`CoreEvent`]s.
//!
//! Start-up ([`Core::start`]) never fails on something the user can fix from inside the app: a
//! malformed settings file or a damaged library database becomes a [`Notice`] that the UI shows once;
//! an unreachable server is the offline state; a missing keyring is [`Persistence::ProcessOnly`]. The app starts anyway (offline, with defaults,
//! or with a fresh database after moving the damaged file aside). Only a library file from a newer
//! app version stops it, because opening that could destroy data.
//!
//! Threading: `Core` is a cheap `Clone` (`Arc` inside), `Send + Sync`. It needs a tokio runtime for
//! its background tasks (the connection monitor); events are delivered on a `tokio::sync::broadcast`
//! channel that any thread or runtime can read. No UI types here.

mod account;
mod artwork;
mod library;
#[cfg(target_os = "linux")]
mod mpris;
mod network;
mod playback;
mod player;
mod reader;
mod scripture;
mod settings;
mod songs;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

pub use account::{AccountSummary, SignUp, WhoAmI};
pub use artwork::sniff_image;
pub use cnt_library::{
    Conflict, DownloadState, DownloadView, EntryView, Home, ItemSummary, Library, PlaylistSummary,
    SearchResults,
};
pub use cnt_model::ErrorCode;
pub use cnt_model::ids::{ItemId, PlaylistEntryId, PlaylistId};
pub use cnt_model::sync::{CatalogItem, ItemKind};
pub use cnt_secrets::{MemoryStore, Persistence, SecretStore};
pub use cnt_sync::ArtworkReport;
use cnt_sync::{ConnectionMonitor, ServerClient};
pub use cnt_sync::{ConnectionState, MonitorTiming};
pub use cnt_sync::{DownloadProgress, SyncProgress, SyncReport};
pub use library::{DEFAULT_QUOTA_MB, SyncStatus};
#[cfg(target_os = "linux")]
pub use mpris::{MPRIS_BUS_NAME, Mpris};
pub use network::is_metered;
pub use playback::{PlayNote, RenderReport, RenderedTrack};
pub use player::{
    AudioOutput, MemorySink, MemoryTap, NowPlaying, PREBUFFER_BYTES, PlayOutcome, PlaybackState,
    PlaybackStatus, QueueEntry, RESUME_EVERY, RESUME_MIN_LENGTH_MS, RepeatMode, VerseRef,
    WavFormat, WavSink,
};
pub use reader::{BibleBook, BibleJump, Break, ChapterRow, Hit, Translation, bible_book_name};
pub use scripture::{BUNDLED_TRANSLATION, PassageText, Verse, render_verses, verse_name};
pub use settings::{Levelling, MAX_CROSSFADE_S, Settings};
pub use songs::{
    Author, AuthorRole, Chord, Key, Line, SavedVerse, Section, Song, SongExportFormat, SongSummary,
    song_chord_sheet, song_for_playing,
};
use tokio::sync::broadcast;

/// The server the app talks to when nothing else is configured: a `cnt-server` on this machine.
pub const DEFAULT_SERVER: &str = "http://127.0.0.1:8787";

/// The service name secrets are filed under in the OS keyring.
pub const KEYRING_SERVICE: &str = "org.cnt-media.cnt";

/// Errors of the core.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The library database could not be opened.
    #[error(transparent)]
    Library(#[from] cnt_library::Error),
    /// The server address given on the command line is not usable.
    #[error(transparent)]
    Server(#[from] cnt_sync::Error),
    /// No home directory, so no default place for data; pass `--data-dir`.
    #[error("no home directory to keep data in: pass --data-dir or set CNT_DATA_DIR")]
    NoHome,
    /// Settings could not be saved.
    #[error("cannot save settings to {path}: {source}")]
    SaveSettings {
        /// The settings file.
        path: PathBuf,
        /// What the OS said.
        source: std::io::Error,
    },
    /// The language is not shipped.
    #[error("language {0:?} is not available")]
    UnknownLanguage(String),
    /// Nobody is signed in, or this device no longer holds the account's credentials.
    #[error("not signed in: sign in to reach the server")]
    NotSignedIn,
    /// The keyring failed.
    #[error(transparent)]
    Secrets(#[from] cnt_secrets::Error),
    /// Scripture: a reference that cannot be, an import that failed, the Bible store.
    #[error(transparent)]
    Scripture(#[from] cnt_scripture::Error),
    /// Playback: no audio device, an unreadable file.
    #[error(transparent)]
    Player(#[from] cnt_player::Error),
    /// An unexpected internal failure.
    #[error("internal error: {0}")]
    Internal(String),
}

/// Result with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Something the user should be told once, at start-up.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Notice {
    /// The settings file could not be read; defaults are in use.
    ConfigInvalid {
        /// The file.
        file: PathBuf,
        /// What is wrong, with line and column when known.
        error: String,
    },
    /// The library database was damaged and moved aside.
    LibraryRecovered {
        /// Where the damaged file now is.
        moved_to: PathBuf,
    },
}

/// What the core tells the UI.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CoreEvent {
    /// The server connection changed.
    Connection(ConnectionState),
    /// Settings were changed and saved.
    SettingsChanged(Settings),
    /// Someone signed in (`Some`) or out (`None`).
    AccountChanged(Option<AccountSummary>),
    /// A sync is running, finished or failed.
    Sync(SyncStatus),
    /// Library data changed (a local edit, a sync, a download): lists should be read again.
    LibraryChanged,
    /// A download made progress.
    Download(DownloadProgress),
    /// The player changed (status, queue, track, position, cue showing, output): the whole picture.
    Player(NowPlaying),
}

/// How to start the core. `Default` means: standard XDG places, the platform keyring.
#[derive(Clone, Debug, Default)]
pub struct CoreOptions {
    /// Where the library and media live (default `data_dir/cnt`).
    pub data_dir: Option<PathBuf>,
    /// The settings file (default `config_dir/cnt/config.toml`).
    pub config_file: Option<PathBuf>,
    /// A server address that overrides the settings (from `--server` / `CNT_SERVER`).
    pub server: Option<String>,
    /// A secret store to use instead of the platform keyring (tests).
    pub secrets: Option<Arc<dyn SecretStore>>,
    /// Connection check timing (tests shorten it).
    pub timing: Option<MonitorTiming>,
}

/// The app's core. Clone it freely.
#[derive(Clone, Debug)]
pub struct Core {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    data_dir: PathBuf,
    config_file: PathBuf,
    settings: Mutex<SettingsState>,
    server_override: bool,
    client: ServerClient,
    monitor: ConnectionMonitor,
    // One connection behind a mutex; the sync engine uses it from tokio's blocking pool.
    library: Arc<Mutex<Library>>,
    // Wakes the background sync after an edit.
    sync_wake: Arc<tokio::sync::Notify>,
    // One sync run at a time.
    sync_lock: tokio::sync::Mutex<()>,
    // The Bible store, opened on first use.
    bible: Mutex<Option<cnt_scripture::bible::BibleStore>>,
    // The song library and saved verses (songs.db), opened on first use.
    songs: Mutex<Option<cnt_scripture::song::SongStore>>,
    // The player, started on first play.
    player: Mutex<player::PlayerSlot>,
    secrets: Arc<dyn SecretStore>,
    session: tokio::sync::Mutex<account::SessionTokens>,
    events: broadcast::Sender<CoreEvent>,
    notices: Vec<Notice>,
}

#[derive(Debug)]
struct SettingsState {
    settings: Settings,
    file_is_invalid: bool,
}

impl Core {
    /// Starts the core: reads settings, opens the library, picks the secret store and starts watching
    /// the server. Must be called inside a tokio runtime.
    ///
    /// # Errors
    /// [`Error::Server`] for an unusable `--server` address, [`Error::NoHome`] with no home directory,
    /// [`Error::Library`] for a library from a newer app or an unwritable data folder.
    pub fn start(options: CoreOptions) -> Result<Core> {
        let dirs = directories::BaseDirs::new();
        let data_dir = match options.data_dir {
            Some(d) => d,
            None => dirs.as_ref().ok_or(Error::NoHome)?.data_dir().join("cnt"),
        };
        let config_file = match options.config_file {
            Some(f) => f,
            None => dirs
                .as_ref()
                .ok_or(Error::NoHome)?
                .config_dir()
                .join("cnt")
                .join("config.toml"),
        };
        let mut notices = Vec::new();

        let (mut settings, file_is_invalid) = match settings::load(&config_file) {
            settings::Loaded::Missing => (Settings::default(), false),
            settings::Loaded::Ok(s) => (s, false),
            settings::Loaded::Invalid(error) => {
                tracing::warn!(file = %config_file.display(), %error, "settings file is invalid; using defaults");
                notices.push(Notice::ConfigInvalid {
                    file: config_file.clone(),
                    error,
                });
                (Settings::default(), true)
            }
        };
        if let Some(lang) = &settings.language
            && cnt_i18n_known(lang).is_none()
        {
            notices.push(Notice::ConfigInvalid {
                file: config_file.clone(),
                error: format!("unknown language {lang:?}"),
            });
            settings.language = None;
        }

        let server_override = options.server.is_some();
        let client = match options.server {
            Some(url) => ServerClient::new(&url)?,
            None => match settings.server_url.as_deref().map(ServerClient::new) {
                Some(Ok(c)) => c,
                Some(Err(e)) => {
                    notices.push(Notice::ConfigInvalid {
                        file: config_file.clone(),
                        error: e.to_string(),
                    });
                    ServerClient::new(DEFAULT_SERVER)?
                }
                None => ServerClient::new(DEFAULT_SERVER)?,
            },
        };

        let opened = Library::open(&data_dir.join("library.db"))?;
        if let Some(moved_to) = opened.recovered_from {
            notices.push(Notice::LibraryRecovered { moved_to });
        }

        let secrets = match options.secrets {
            Some(s) => s,
            None => {
                // Without a keyring, sign-ins last until the app quits. That is said where it matters
                // (settings, the sign-in screen) rather than as a banner at every start.
                let (store, _why) = cnt_secrets::platform_default(KEYRING_SERVICE);
                store
            }
        };

        let monitor = ConnectionMonitor::spawn(client.clone(), options.timing.unwrap_or_default());
        let (events, _) = broadcast::channel(64);
        let mut watch = monitor.subscribe();
        let forward = events.clone();
        tokio::spawn(async move {
            while watch.changed().await.is_ok() {
                let state = watch.borrow_and_update().clone();
                // No subscriber is not an error: the UI may not be up yet.
                let _ = forward.send(CoreEvent::Connection(state));
            }
        });

        Ok(Core {
            inner: Arc::new(Inner {
                data_dir,
                config_file,
                settings: Mutex::new(SettingsState {
                    settings,
                    file_is_invalid,
                }),
                server_override,
                client,
                monitor,
                library: Arc::new(Mutex::new(opened.library)),
                sync_wake: Arc::new(tokio::sync::Notify::new()),
                sync_lock: tokio::sync::Mutex::new(()),
                bible: Mutex::new(None),
                songs: Mutex::new(None),
                player: Mutex::new(player::PlayerSlot::default()),
                secrets,
                session: tokio::sync::Mutex::new(account::SessionTokens::default()),
                events,
                notices,
            }),
        })
    }

    /// Receives every [`CoreEvent`] from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<CoreEvent> {
        self.inner.events.subscribe()
    }

    /// The connection state now.
    pub fn connection(&self) -> ConnectionState {
        self.inner.monitor.state()
    }

    /// Checks the server again now (the user pressed "retry").
    pub fn check_connection_now(&self) {
        self.inner.monitor.check_now();
    }

    /// Waits until the connection state satisfies `want` (used by the CLI and tests).
    pub async fn wait_for_connection(
        &self,
        want: impl Fn(&ConnectionState) -> bool,
    ) -> ConnectionState {
        let mut rx = self.inner.monitor.subscribe();
        loop {
            let now = rx.borrow_and_update().clone();
            if want(&now) {
                return now;
            }
            if rx.changed().await.is_err() {
                return now;
            }
        }
    }

    /// The server address in use, as users write it.
    pub fn server_url(&self) -> String {
        self.inner.client.display_url()
    }

    /// Whether the server address came from the command line rather than the settings.
    pub fn server_overridden(&self) -> bool {
        self.inner.server_override
    }

    /// Where the library and media live.
    pub fn data_dir(&self) -> &Path {
        &self.inner.data_dir
    }

    /// The settings file.
    pub fn config_file(&self) -> &Path {
        &self.inner.config_file
    }

    /// The current settings.
    pub fn settings(&self) -> Settings {
        self.lock_settings().settings.clone()
    }

    /// Chooses the UI language (`None`: follow the system) and saves it.
    ///
    /// # Errors
    /// [`Error::UnknownLanguage`], or [`Error::SaveSettings`] when the file cannot be written.
    pub fn set_language(&self, language: Option<String>) -> Result<()> {
        if let Some(code) = &language
            && cnt_i18n_known(code).is_none()
        {
            return Err(Error::UnknownLanguage(code.clone()));
        }
        self.update_settings(|s| s.language = language)
    }

    fn update_settings(&self, change: impl FnOnce(&mut Settings)) -> Result<()> {
        let saved = {
            let mut state = self.lock_settings();
            let mut next = state.settings.clone();
            change(&mut next);
            let moved = settings::save(&self.inner.config_file, &next, state.file_is_invalid)
                .map_err(|source| Error::SaveSettings {
                    path: self.inner.config_file.clone(),
                    source,
                })?;
            if let Some(moved) = moved {
                tracing::info!(moved_to = %moved.display(), "kept the invalid settings file aside");
            }
            state.file_is_invalid = false;
            state.settings = next.clone();
            next
        };
        let _ = self.inner.events.send(CoreEvent::SettingsChanged(saved));
        Ok(())
    }

    /// Sets the storage quota for downloads, in MiB (`None`: the default, 4 GiB).
    ///
    /// # Errors
    /// [`Error::SaveSettings`].
    pub fn set_storage_quota_mb(&self, mb: Option<u64>) -> Result<()> {
        self.update_settings(|s| s.storage_quota_mb = mb)
    }

    /// Allows or forbids downloads on metered connections.
    ///
    /// # Errors
    /// [`Error::SaveSettings`].
    pub fn set_downloads_on_metered(&self, allowed: bool) -> Result<()> {
        self.update_settings(|s| s.downloads_on_metered = allowed)
    }

    /// Sets the crossfade between tracks in seconds (0: none, gapless; at most
    /// [`MAX_CROSSFADE_S`]); the player uses it at once.
    ///
    /// # Errors
    /// [`Error::SaveSettings`].
    pub fn set_crossfade_s(&self, seconds: u8) -> Result<()> {
        let seconds = seconds.min(MAX_CROSSFADE_S);
        self.update_settings(|s| s.crossfade_s = seconds)?;
        self.apply_playback_settings();
        Ok(())
    }

    /// Sets loudness levelling from ReplayGain tags; the player uses it at once.
    ///
    /// # Errors
    /// [`Error::SaveSettings`].
    pub fn set_replay_gain(&self, levelling: Levelling) -> Result<()> {
        self.update_settings(|s| s.replay_gain = levelling)?;
        self.apply_playback_settings();
        Ok(())
    }

    fn lock_settings(&self) -> std::sync::MutexGuard<'_, SettingsState> {
        // Settings are replaced whole, never left half-changed, so a poisoned lock is still consistent.
        self.inner
            .settings
            .lock()
            .unwrap_or_else(|p| p.into_inner())
    }

    /// What the user should be told about start-up.
    pub fn notices(&self) -> &[Notice] {
        &self.inner.notices
    }

    /// How long sign-ins are remembered.
    pub fn secrets_persistence(&self) -> Persistence {
        self.inner.secrets.persistence()
    }

    /// The secret store (for the accounts issue).
    pub fn secrets(&self) -> &Arc<dyn SecretStore> {
        &self.inner.secrets
    }

    /// The schema version of the library database.
    ///
    /// # Errors
    /// [`Error::Library`] if SQLite fails.
    pub fn library_schema_version(&self) -> Result<i64> {
        let library = self.inner.library.lock().unwrap_or_else(|p| p.into_inner());
        Ok(library.schema_version()?)
    }

    /// This app's version.
    pub fn version(&self) -> &'static str {
        env!("CARGO_PKG_VERSION")
    }
}

/// Languages the app ships; kept here so the core does not depend on the i18n crate.
pub const LANGUAGES: &[&str] = &["en", "es", "pt"];

fn cnt_i18n_known(code: &str) -> Option<&'static str> {
    LANGUAGES.iter().copied().find(|l| *l == code)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::time::Duration;

    /// A core with its data in `dir`, a server address where nothing answers, secrets in memory:
    /// for tests of local features.
    pub(crate) fn offline_core(dir: &Path) -> Core {
        Core::start(CoreOptions {
            data_dir: Some(dir.join("data")),
            config_file: Some(dir.join("config.toml")),
            server: Some("http://127.0.0.1:9".into()),
            secrets: Some(Arc::new(cnt_secrets::MemoryStore::new())),
            timing: None,
        })
        .expect("core")
    }

    fn options(dir: &Path) -> CoreOptions {
        CoreOptions {
            data_dir: Some(dir.join("data")),
            config_file: Some(dir.join("config").join("config.toml")),
            server: None,
            secrets: Some(Arc::new(cnt_secrets::MemoryStore::new())),
            timing: Some(MonitorTiming {
                online_interval: Duration::from_millis(50),
                offline_initial: Duration::from_millis(20),
                offline_max: Duration::from_millis(50),
            }),
        }
    }

    #[tokio::test]
    async fn a_malformed_config_gives_a_notice_and_defaults() {
        let dir = tempfile::tempdir().expect("tempdir");
        let opts = options(dir.path());
        let file = opts.config_file.clone().expect("file");
        std::fs::create_dir_all(file.parent().expect("dir")).expect("mkdir");
        std::fs::write(&file, "language = \n").expect("write");
        let core = Core::start(opts).expect("starts anyway");
        assert_eq!(core.settings(), Settings::default());
        match &core.notices()[0] {
            Notice::ConfigInvalid { file: f, error } => {
                assert_eq!(f, &file);
                assert!(error.contains("line 1"), "{error}");
            }
            other => panic!("{other:?}"),
        }
        core.set_language(Some("es".into())).expect("save");
        assert_eq!(
            std::fs::read_dir(file.parent().expect("dir"))
                .expect("ls")
                .filter_map(|e| e.ok())
                .filter(|e| e.file_name().to_string_lossy().contains(".invalid-"))
                .count(),
            1,
            "the bad file is kept aside"
        );
    }

    #[tokio::test]
    async fn language_choice_is_saved_and_announced() {
        let dir = tempfile::tempdir().expect("tempdir");
        let core = Core::start(options(dir.path())).expect("start");
        let mut events = core.subscribe();
        core.set_language(Some("pt".into())).expect("set");
        assert!(core.set_language(Some("xx".into())).is_err());
        loop {
            match events.recv().await.expect("event") {
                CoreEvent::SettingsChanged(s) => {
                    assert_eq!(s.language.as_deref(), Some("pt"));
                    break;
                }
                _ => continue,
            }
        }
        drop(core);
        let again = Core::start(options(dir.path())).expect("restart");
        assert_eq!(again.settings().language.as_deref(), Some("pt"));
    }

    #[tokio::test]
    async fn an_unreachable_server_means_offline_not_failure() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut opts = options(dir.path());
        let port = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
            l.local_addr().expect("addr").port()
        };
        opts.server = Some(format!("http://127.0.0.1:{port}"));
        let core = Core::start(opts).expect("start");
        let state = tokio::time::timeout(
            Duration::from_secs(20),
            core.wait_for_connection(|s| matches!(s, ConnectionState::Offline { .. })),
        )
        .await
        .expect("goes offline");
        let ConnectionState::Offline { reason } = state else {
            unreachable!()
        };
        assert!(reason.contains(&port.to_string()), "{reason}");
    }

    #[tokio::test]
    async fn a_bad_server_flag_is_an_error_but_a_bad_setting_is_a_notice() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut opts = options(dir.path());
        opts.server = Some("localhost:8787".into());
        assert!(matches!(Core::start(opts), Err(Error::Server(_))));

        let opts = options(dir.path());
        let file = opts.config_file.clone().expect("file");
        std::fs::create_dir_all(file.parent().expect("dir")).expect("mkdir");
        std::fs::write(&file, "server_url = \"not a url\"\n").expect("write");
        let core = Core::start(opts).expect("start");
        assert_eq!(core.server_url(), DEFAULT_SERVER);
        assert!(matches!(core.notices()[0], Notice::ConfigInvalid { .. }));
    }

    #[tokio::test]
    async fn a_damaged_library_is_recovered_with_a_notice() {
        let dir = tempfile::tempdir().expect("tempdir");
        let opts = options(dir.path());
        let db = opts.data_dir.clone().expect("dir").join("library.db");
        std::fs::create_dir_all(db.parent().expect("dir")).expect("mkdir");
        std::fs::write(&db, vec![7u8; 8192]).expect("garbage");
        let core = Core::start(opts).expect("start");
        assert!(
            core.notices()
                .iter()
                .any(|n| matches!(n, Notice::LibraryRecovered { .. }))
        );
        assert!(core.library_schema_version().expect("v") >= 1);
    }
}
