//! UI state that follows the core: updated in one place, by [`UiState::apply`].

use cnt_app::{
    AccountSummary, ConnectionState, CoreEvent, DownloadProgress, NowPlaying, Settings, SyncStatus,
};

/// What the screens show about the core, kept current from [`CoreEvent`]s.
#[derive(Clone, Debug, PartialEq)]
pub struct UiState {
    /// The server connection.
    pub connection: ConnectionState,
    /// The user's settings.
    pub settings: Settings,
    /// How many start-up notices the user has dismissed (they are dismissed in order).
    pub dismissed_notices: usize,
    /// Who is signed in on this device.
    pub account: Option<AccountSummary>,
    /// Bumped whenever library data changed: screens that read the library depend on it.
    pub library_revision: u64,
    /// The running or last sync.
    pub sync: Option<SyncStatus>,
    /// The download in progress.
    pub download: Option<DownloadProgress>,
    /// The player: queue, track, position, cue showing, output.
    pub player: NowPlaying,
}

impl UiState {
    /// The state at start-up.
    pub fn new(
        connection: ConnectionState,
        settings: Settings,
        account: Option<AccountSummary>,
    ) -> Self {
        UiState {
            connection,
            settings,
            dismissed_notices: 0,
            account,
            library_revision: 0,
            sync: None,
            download: None,
            player: NowPlaying::default(),
        }
    }

    /// Applies one event from the core. Pure: unit tests call it directly.
    pub fn apply(&mut self, event: &CoreEvent) {
        match event {
            CoreEvent::Connection(state) => self.connection = state.clone(),
            CoreEvent::SettingsChanged(settings) => self.settings = settings.clone(),
            CoreEvent::AccountChanged(account) => {
                self.account = account.clone();
                self.library_revision += 1;
            }
            CoreEvent::Sync(status) => self.sync = Some(status.clone()),
            CoreEvent::LibraryChanged => self.library_revision += 1,
            CoreEvent::Download(p) => {
                let finished = p.done >= p.total;
                self.download = (!finished).then(|| p.clone());
                if finished {
                    self.library_revision += 1;
                }
            }
            CoreEvent::Player(now) => self.player = now.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_update_the_state() {
        let mut s = UiState::new(ConnectionState::Connecting, Settings::default(), None);
        s.apply(&CoreEvent::Connection(ConnectionState::Online {
            server_version: "1.0".into(),
        }));
        assert!(s.connection.is_online());
        s.apply(&CoreEvent::SettingsChanged(Settings {
            language: Some("es".into()),
            ..Settings::default()
        }));
        s.apply(&CoreEvent::LibraryChanged);
        assert_eq!(s.library_revision, 1);
        assert_eq!(s.settings.language.as_deref(), Some("es"));
        s.apply(&CoreEvent::Connection(ConnectionState::Offline {
            reason: "refused".into(),
        }));
        assert!(!s.connection.is_online());
    }
}
