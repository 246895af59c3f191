//! Whether the network connection is metered (mobile data, a hotspot, a Wi-Fi marked metered).
//!
//! On Linux this asks NetworkManager over the system D-Bus (`Metered`: 1 yes, 3 guessed yes). Where
//! there is no NetworkManager or no D-Bus, the connection counts as not metered.

/// Whether the current connection is metered, as far as the system knows.
pub fn is_metered() -> bool {
    #[cfg(target_os = "linux")]
    {
        linux::metered().unwrap_or(false)
    }
    #[cfg(not(target_os = "linux"))]
    {
        false
    }
}

#[cfg(target_os = "linux")]
mod linux {
    pub(super) fn metered() -> Option<bool> {
        let connection = zbus::blocking::Connection::system().ok()?;
        let proxy = zbus::blocking::Proxy::new(
            &connection,
            "org.freedesktop.NetworkManager",
            "/org/freedesktop/NetworkManager",
            "org.freedesktop.NetworkManager",
        )
        .ok()?;
        let value: u32 = proxy.get_property("Metered").ok()?;
        // NMMetered: 0 unknown, 1 yes, 2 no, 3 guess-yes, 4 guess-no.
        Some(matches!(value, 1 | 3))
    }
}
