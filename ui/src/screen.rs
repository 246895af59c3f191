//! The app's top-level screens and their order in the navigation.

/// A top-level screen, one per navigation entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Screen {
    /// Recent, featured, continue listening.
    Home,
    /// Search across every kind of content.
    Search,
    /// The user's music, podcasts, movies and sermons.
    Library,
    /// The Bible reader.
    Bible,
    /// Worship mode: setlists, projector, stage display.
    Worship,
    /// The studio: editing and uploads.
    Create,
    /// Community posts.
    Community,
    /// Events, meetings and live streams.
    Events,
    /// Settings.
    Settings,
    /// Sign in, create an account, sign out. Reached from Settings; not in the navigation.
    Account,
}

impl Screen {
    /// Every screen in navigation order (Ctrl+1 … Ctrl+9 follow it).
    pub const ALL: [Screen; 9] = [
        Screen::Home,
        Screen::Search,
        Screen::Library,
        Screen::Bible,
        Screen::Worship,
        Screen::Create,
        Screen::Community,
        Screen::Events,
        Screen::Settings,
    ];

    /// A stable lowercase name (CSS classes, command-line `--screen`, test ids).
    pub fn slug(self) -> &'static str {
        match self {
            Screen::Home => "home",
            Screen::Search => "search",
            Screen::Library => "library",
            Screen::Bible => "bible",
            Screen::Worship => "worship",
            Screen::Create => "create",
            Screen::Community => "community",
            Screen::Events => "events",
            Screen::Settings => "settings",
            Screen::Account => "account",
        }
    }

    /// The screen named `slug`.
    pub fn from_slug(slug: &str) -> Option<Screen> {
        Screen::ALL
            .into_iter()
            .chain([Screen::Account])
            .find(|s| s.slug() == slug)
    }

    /// The navigation entry that shows as current on this screen.
    pub fn nav_entry(self) -> Screen {
        match self {
            Screen::Account => Screen::Settings,
            other => other,
        }
    }

    /// Fluent id of its navigation label.
    pub fn nav_label_id(self) -> String {
        format!("nav-{}", self.slug())
    }

    /// Position in [`Screen::ALL`].
    pub fn index(self) -> usize {
        let entry = self.nav_entry();
        Screen::ALL.iter().position(|s| *s == entry).unwrap_or(0)
    }

    /// The next screen in navigation order, wrapping around.
    pub fn next(self) -> Screen {
        Screen::ALL[(self.index() + 1) % Screen::ALL.len()]
    }

    /// The previous screen in navigation order, wrapping around.
    pub fn previous(self) -> Screen {
        Screen::ALL[(self.index() + Screen::ALL.len() - 1) % Screen::ALL.len()]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn navigation_wraps_and_slugs_round_trip() {
        assert_eq!(Screen::Home.previous(), Screen::Settings);
        assert_eq!(Screen::Settings.next(), Screen::Home);
        for s in Screen::ALL {
            assert_eq!(Screen::from_slug(s.slug()), Some(s));
        }
        assert_eq!(Screen::from_slug("account"), Some(Screen::Account));
        assert_eq!(Screen::Account.index(), Screen::Settings.index());
    }
}
