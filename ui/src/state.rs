//! UI state that follows the core: updated in one place, by [`UiState::apply`].

use cnt_app::{AccountSummary, ConnectionState, CoreEvent, Settings};

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
        }
    }

    /// Applies one event from the core. Pure: unit tests call it directly.
    pub fn apply(&mut self, event: &CoreEvent) {
        match event {
            CoreEvent::Connection(state) => self.connection = state.clone(),
            CoreEvent::SettingsChanged(settings) => self.settings = settings.clone(),
            CoreEvent::AccountChanged(account) => self.account = account.clone(),
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
            server_url: None,
        }));
        assert_eq!(s.settings.language.as_deref(), Some("es"));
        s.apply(&CoreEvent::Connection(ConnectionState::Offline {
            reason: "refused".into(),
        }));
        assert!(!s.connection.is_online());
    }
}
