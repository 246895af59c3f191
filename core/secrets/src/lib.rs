//! Secrets (the refresh token) live in the operating system's keyring, never in a file or the database.
//!
//! [`SecretStore`] is the one interface the app uses. Implementations:
//! - [`KeyringStore`]: any `keyring-core` credential store. [`KeyringStore::platform`] picks the
//!   platform's own: the Secret Service (GNOME Keyring, KWallet) over D-Bus on Linux, the Keychain on
//!   macOS, the Credential Manager on Windows. Tests use `keyring_core::mock`.
//! - [`MemoryStore`]: lives as long as the process. Used by tests and as the **fallback** when the
//!   platform has no keyring (a Linux machine without a D-Bus session, such as a server, a container or
//!   a kiosk): secrets then last until the app quits, so the user signs in again at the next start.
//!   We deliberately do not fall back to a file: a token in a file is readable by every process of the
//!   user and ends up in backups. The kernel keyutils store was probed and rejected as a fallback: it
//!   refuses the first write in a plain process and is lost at reboot anyway.
//!
//! [`platform_default`] does that choice and reports whether the secrets will persist
//! ([`Persistence`]), so the UI can say so.
//!
//! All calls block (D-Bus round trips): call them from a blocking thread, not the UI thread.
//! Depends on nothing of ours; keyring types never leave this crate.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use keyring_core::{CredentialStore, Entry};

/// Errors of the secret store.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The keyring is present but refused access (locked, denied).
    #[error("the system keyring refused access: {0}")]
    Denied(String),
    /// The keyring is not available on this system.
    #[error("no system keyring is available: {0}")]
    Unavailable(String),
    /// The stored value is not text.
    #[error("the stored secret for {account:?} is not valid text")]
    BadEncoding {
        /// The account whose secret is unreadable.
        account: String,
    },
    /// Any other keyring failure.
    #[error("keyring error: {0}")]
    Keyring(String),
}

/// Result with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// How long a stored secret lasts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Persistence {
    /// Kept by the OS across restarts.
    Persistent,
    /// Lost when the app quits.
    ProcessOnly,
}

/// A place to keep secrets, one per account name.
pub trait SecretStore: Send + Sync + std::fmt::Debug {
    /// The secret of `account`, or `None` if there is none.
    ///
    /// # Errors
    /// When the keyring cannot be read.
    fn get(&self, account: &str) -> Result<Option<String>>;

    /// Stores `secret` for `account`, replacing any previous one.
    ///
    /// # Errors
    /// When the keyring cannot be written.
    fn set(&self, account: &str, secret: &str) -> Result<()>;

    /// Forgets the secret of `account`; forgetting nothing is not an error.
    ///
    /// # Errors
    /// When the keyring cannot be written.
    fn delete(&self, account: &str) -> Result<()>;

    /// Whether secrets survive a restart of the app.
    fn persistence(&self) -> Persistence;

    /// A short name of the backend, for logs and the about screen.
    fn backend_name(&self) -> String;
}

/// Secrets in a `keyring-core` credential store, under one service name.
pub struct KeyringStore {
    store: Arc<CredentialStore>,
    service: String,
}

impl std::fmt::Debug for KeyringStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyringStore")
            .field("vendor", &self.store.vendor())
            .field("service", &self.service)
            .finish()
    }
}

impl KeyringStore {
    /// Secrets of `service` in `store`.
    pub fn new(store: Arc<CredentialStore>, service: &str) -> Self {
        KeyringStore {
            store,
            service: service.to_owned(),
        }
    }

    /// The platform's own keyring.
    ///
    /// # Errors
    /// [`Error::Unavailable`] when there is none (e.g. no D-Bus session on Linux).
    pub fn platform(service: &str) -> Result<Self> {
        Ok(Self::new(platform_store()?, service))
    }

    fn entry(&self, account: &str) -> Result<Entry> {
        self.store
            .build(&self.service, account, None)
            .map_err(|e| map_error(e, account))
    }
}

#[cfg(target_os = "linux")]
fn platform_store() -> Result<Arc<CredentialStore>> {
    let store = zbus_secret_service_keyring_store::Store::new()
        .map_err(|e| Error::Unavailable(format!("Secret Service over D-Bus: {e}")))?;
    Ok(store)
}

#[cfg(target_os = "macos")]
fn platform_store() -> Result<Arc<CredentialStore>> {
    let store = apple_native_keyring_store::keychain::Store::new()
        .map_err(|e| Error::Unavailable(format!("Keychain: {e}")))?;
    Ok(store)
}

#[cfg(target_os = "windows")]
fn platform_store() -> Result<Arc<CredentialStore>> {
    let store = windows_native_keyring_store::Store::new()
        .map_err(|e| Error::Unavailable(format!("Credential Manager: {e}")))?;
    Ok(store)
}

#[cfg(not(any(target_os = "linux", target_os = "macos", target_os = "windows")))]
fn platform_store() -> Result<Arc<CredentialStore>> {
    Err(Error::Unavailable(
        "no keyring support for this platform".into(),
    ))
}

fn map_error(e: keyring_core::Error, account: &str) -> Error {
    match e {
        keyring_core::Error::NoStorageAccess(inner) => Error::Denied(inner.to_string()),
        keyring_core::Error::BadEncoding(_) => Error::BadEncoding {
            account: account.to_owned(),
        },
        other => Error::Keyring(other.to_string()),
    }
}

impl SecretStore for KeyringStore {
    fn get(&self, account: &str) -> Result<Option<String>> {
        match self.entry(account)?.get_password() {
            Ok(secret) => Ok(Some(secret)),
            Err(keyring_core::Error::NoEntry) => Ok(None),
            Err(e) => Err(map_error(e, account)),
        }
    }

    fn set(&self, account: &str, secret: &str) -> Result<()> {
        self.entry(account)?
            .set_password(secret)
            .map_err(|e| map_error(e, account))
    }

    fn delete(&self, account: &str) -> Result<()> {
        match self.entry(account)?.delete_credential() {
            Ok(()) | Err(keyring_core::Error::NoEntry) => Ok(()),
            Err(e) => Err(map_error(e, account)),
        }
    }

    fn persistence(&self) -> Persistence {
        match self.store.persistence() {
            keyring_core::CredentialPersistence::EntryOnly
            | keyring_core::CredentialPersistence::ProcessOnly => Persistence::ProcessOnly,
            _ => Persistence::Persistent,
        }
    }

    fn backend_name(&self) -> String {
        self.store.vendor()
    }
}

/// Secrets kept in this process only.
#[derive(Debug, Default)]
pub struct MemoryStore {
    secrets: Mutex<HashMap<String, String>>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, String>> {
        // A panic while holding this lock cannot leave the map half-updated: every operation is one call.
        self.secrets.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl SecretStore for MemoryStore {
    fn get(&self, account: &str) -> Result<Option<String>> {
        Ok(self.lock().get(account).cloned())
    }

    fn set(&self, account: &str, secret: &str) -> Result<()> {
        self.lock().insert(account.to_owned(), secret.to_owned());
        Ok(())
    }

    fn delete(&self, account: &str) -> Result<()> {
        self.lock().remove(account);
        Ok(())
    }

    fn persistence(&self) -> Persistence {
        Persistence::ProcessOnly
    }

    fn backend_name(&self) -> String {
        "memory (this session only)".to_owned()
    }
}

/// The platform keyring when there is one, else a [`MemoryStore`]; the error says why it fell back.
pub fn platform_default(service: &str) -> (Arc<dyn SecretStore>, Option<Error>) {
    match KeyringStore::platform(service) {
        Ok(store) => (Arc::new(store), None),
        Err(e) => {
            tracing::info!("{e}; secrets will last only until the app quits");
            (Arc::new(MemoryStore::new()), Some(e))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exercise(store: &dyn SecretStore) {
        assert_eq!(store.get("alice@example.org").expect("get"), None);
        store.set("alice@example.org", "token-1").expect("set");
        store.set("bob@example.org", "token-b").expect("set");
        store.set("alice@example.org", "token-2").expect("replace");
        assert_eq!(
            store.get("alice@example.org").expect("get").as_deref(),
            Some("token-2")
        );
        store.delete("alice@example.org").expect("delete");
        store
            .delete("alice@example.org")
            .expect("deleting nothing is fine");
        assert_eq!(store.get("alice@example.org").expect("get"), None);
        assert_eq!(
            store.get("bob@example.org").expect("get").as_deref(),
            Some("token-b")
        );
    }

    #[test]
    fn memory_store_keeps_accounts_apart() {
        let store = MemoryStore::new();
        exercise(&store);
        assert_eq!(store.persistence(), Persistence::ProcessOnly);
    }

    #[test]
    fn keyring_store_over_the_keyring_core_mock() {
        let mock = keyring_core::mock::Store::new().expect("mock store");
        let store = KeyringStore::new(mock, "org.cnt-media.test");
        exercise(&store);
    }

    #[test]
    fn keyring_errors_are_reported_not_swallowed() {
        let mock = keyring_core::mock::Store::new().expect("mock store");
        let store = KeyringStore::new(mock, "org.cnt-media.test");
        store.set("carol", "x").expect("set");
        let entry = store.entry("carol").expect("entry");
        let cred: &keyring_core::mock::Cred = entry.as_any().downcast_ref().expect("mock cred");
        cred.set_error(keyring_core::Error::NoStorageAccess(Box::new(
            std::io::Error::other("locked"),
        )));
        let err = store.get("carol").expect_err("locked keyring");
        assert!(matches!(err, Error::Denied(_)), "{err}");
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn without_a_session_bus_the_fallback_is_memory() {
        // This test process may or may not have a session bus; when it has none, the fallback must
        // say so and still work. When it has one, the keyring must persist.
        let (store, why) = platform_default("org.cnt-media.test");
        match why {
            Some(e) => {
                assert!(matches!(e, Error::Unavailable(_)), "{e}");
                assert_eq!(store.persistence(), Persistence::ProcessOnly);
                exercise(store.as_ref());
            }
            None => assert_eq!(store.persistence(), Persistence::Persistent),
        }
    }
}
