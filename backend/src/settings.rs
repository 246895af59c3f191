//! Server settings: defaults, then an optional TOML file, then the environment, then flags.
//!
//! Environment and flags arrive together as [`SettingsOverrides`] (clap reads both, flags winning);
//! the TOML file only fills what they left unset. Unknown keys in the file are an error, so a typo
//! never silently falls back to a default.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use serde::Deserialize;

/// The port `cnt-server` listens on by default (and the desktop app looks for).
pub const DEFAULT_PORT: u16 = 8787;

/// Effective server settings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Settings {
    /// Address to listen on.
    pub bind: SocketAddr,
    /// Directory holding the SQLite file (when no `database_url`), the media folder and keys.
    pub data_dir: PathBuf,
    /// A database URL (`sqlite://…` or `postgres://…`); `None` means the SQLite file in `data_dir`.
    pub database_url: Option<String>,
    /// Who may create an account.
    pub registration: Registration,
    /// Where to send email (`smtps://…`, `smtp://…`); `None`: no email.
    pub smtp_url: Option<String>,
    /// The sender of the server's emails.
    pub mail_from: String,
    /// The OAuth client id Google ID tokens must be issued to; `None`: no Google sign-in.
    pub google_client_id: Option<String>,
    /// Where Google's signing keys are published.
    pub google_jwks_url: String,
    /// The TOML file that was read, if any.
    pub config_file: Option<PathBuf>,
}

/// What happens when someone registers.
///
/// The default depends on email: with an SMTP server it is [`Registration::VerifyEmail`] (a newcomer
/// proves the address is theirs with an emailed code); without one it is [`Registration::Approval`]
/// (a church server is not a public service, and an administrator's approval is then the only check
/// that a newcomer is who they say). A church that wants anyone to join chooses `open`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum Registration {
    /// New accounts can sign in at once.
    Open,
    /// New accounts wait until an administrator approves them.
    #[default]
    Approval,
    /// New accounts wait until their owner enters the code emailed to them (needs SMTP).
    VerifyEmail,
    /// Nobody can register; the operator creates accounts (`cnt-server user create`).
    Closed,
}

impl Registration {
    /// The setting's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Registration::Open => "open",
            Registration::Approval => "approval",
            Registration::VerifyEmail => "verify_email",
            Registration::Closed => "closed",
        }
    }
}

/// Values given on the command line or in the environment; `None` when absent.
#[derive(Clone, Debug, Default)]
pub struct SettingsOverrides {
    /// `--config` / `CNT_SERVER_CONFIG`.
    pub config_file: Option<PathBuf>,
    /// `--bind` / `CNT_SERVER_BIND`.
    pub bind: Option<SocketAddr>,
    /// `--data-dir` / `CNT_SERVER_DATA_DIR`.
    pub data_dir: Option<PathBuf>,
    /// `--database-url` / `DATABASE_URL`.
    pub database_url: Option<String>,
    /// `--registration` / `CNT_SERVER_REGISTRATION`.
    pub registration: Option<Registration>,
    /// `--smtp-url` / `CNT_SERVER_SMTP_URL`.
    pub smtp_url: Option<String>,
    /// `--mail-from` / `CNT_SERVER_MAIL_FROM`.
    pub mail_from: Option<String>,
    /// `--google-client-id` / `CNT_SERVER_GOOGLE_CLIENT_ID`.
    pub google_client_id: Option<String>,
    /// `--google-jwks-url` / `CNT_SERVER_GOOGLE_JWKS_URL`.
    pub google_jwks_url: Option<String>,
}

/// The shape of the optional TOML file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileSettings {
    bind: Option<SocketAddr>,
    data_dir: Option<PathBuf>,
    database_url: Option<String>,
    registration: Option<Registration>,
    smtp_url: Option<String>,
    mail_from: Option<String>,
    google_client_id: Option<String>,
    google_jwks_url: Option<String>,
}

/// Why settings could not be read.
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    /// The config file named explicitly does not exist or cannot be read.
    #[error("cannot read config file {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// What the OS said.
        source: std::io::Error,
    },
    /// The config file is not valid TOML or has unknown keys or bad values.
    #[error("config file {path} is invalid: {message}")]
    Invalid {
        /// The file.
        path: PathBuf,
        /// The parser's message, with line and column.
        message: String,
    },
    /// Email verification was asked for without an SMTP server to send the codes.
    #[error(
        "registration = \"verify_email\" needs an SMTP server: set smtp_url (or CNT_SERVER_SMTP_URL)"
    )]
    VerifyWithoutSmtp,
    /// No home directory, so no default data directory; pass `--data-dir`.
    #[error("no home directory to put the data in: pass --data-dir or set CNT_SERVER_DATA_DIR")]
    NoDataDir,
}

impl Settings {
    /// Merges `overrides` over the TOML file over the defaults.
    ///
    /// The file is `overrides.config_file` if given (it must exist), else
    /// `$XDG_CONFIG_HOME/cnt-server/config.toml` when that exists.
    ///
    /// # Errors
    /// A [`SettingsError`] naming the file that is unreadable or invalid.
    pub fn load(overrides: SettingsOverrides) -> Result<Self, SettingsError> {
        let (config_file, required) = match overrides.config_file.clone() {
            Some(p) => (Some(p), true),
            None => (default_config_file(), false),
        };
        let file = match &config_file {
            Some(path) if required || path.exists() => Some(read_file(path)?),
            _ => None,
        }
        .unwrap_or_default();
        let data_dir = match overrides.data_dir.or(file.data_dir) {
            Some(d) => d,
            None => default_data_dir().ok_or(SettingsError::NoDataDir)?,
        };
        let mut settings = Settings {
            bind: overrides
                .bind
                .or(file.bind)
                .unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], DEFAULT_PORT))),
            data_dir,
            database_url: overrides.database_url.or(file.database_url),
            registration: Registration::Approval,
            smtp_url: overrides.smtp_url.or(file.smtp_url),
            mail_from: overrides
                .mail_from
                .or(file.mail_from)
                .unwrap_or_else(|| "CNT Media <no-reply@localhost>".to_owned()),
            google_client_id: overrides.google_client_id.or(file.google_client_id),
            google_jwks_url: overrides
                .google_jwks_url
                .or(file.google_jwks_url)
                .unwrap_or_else(|| crate::google::GOOGLE_JWKS_URL.to_owned()),
            config_file: config_file.filter(|p| p.exists()),
        };
        settings.registration = match overrides.registration.or(file.registration) {
            Some(Registration::VerifyEmail) if settings.smtp_url.is_none() => {
                return Err(SettingsError::VerifyWithoutSmtp);
            }
            Some(r) => r,
            None if settings.smtp_url.is_some() => Registration::VerifyEmail,
            None => Registration::Approval,
        };
        Ok(settings)
    }

    /// The database URL in effect: the configured one, or the SQLite file `cnt.db` in the data dir.
    pub fn database_url(&self) -> String {
        self.database_url
            .clone()
            .unwrap_or_else(|| format!("sqlite://{}?mode=rwc", self.sqlite_path().display()))
    }

    /// Where the embedded SQLite database lives when no URL is configured.
    pub fn sqlite_path(&self) -> PathBuf {
        self.data_dir.join("cnt.db")
    }

    /// Where uploaded and seeded media files live (local object store).
    pub fn media_dir(&self) -> PathBuf {
        self.data_dir.join("media")
    }
}

fn read_file(path: &Path) -> Result<FileSettings, SettingsError> {
    let text = std::fs::read_to_string(path).map_err(|source| SettingsError::Read {
        path: path.to_owned(),
        source,
    })?;
    toml::from_str(&text).map_err(|e| SettingsError::Invalid {
        path: path.to_owned(),
        message: describe_toml_error(&text, &e),
    })
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

fn default_config_file() -> Option<PathBuf> {
    directories::BaseDirs::new().map(|d| d.config_dir().join("cnt-server").join("config.toml"))
}

fn default_data_dir() -> Option<PathBuf> {
    directories::BaseDirs::new().map(|d| d.data_dir().join("cnt-server"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_file(text: &str) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("server.toml");
        std::fs::write(&path, text).expect("write");
        (dir, path)
    }

    #[test]
    fn file_fills_what_flags_leave_unset() {
        let (_d, path) = with_file("bind = \"127.0.0.1:9000\"\ndata_dir = \"/srv/cnt\"\n");
        let s = Settings::load(SettingsOverrides {
            config_file: Some(path),
            data_dir: Some("/flag/dir".into()),
            ..Default::default()
        })
        .expect("load");
        assert_eq!(s.bind, "127.0.0.1:9000".parse().expect("addr"));
        assert_eq!(s.data_dir, PathBuf::from("/flag/dir"));
        assert_eq!(s.database_url(), "sqlite:///flag/dir/cnt.db?mode=rwc");
    }

    #[test]
    fn malformed_file_names_the_file_and_the_line() {
        let (_d, path) = with_file("bind = \"127.0.0.1:9000\"\ndata_dir = [\n");
        let err = Settings::load(SettingsOverrides {
            config_file: Some(path.clone()),
            ..Default::default()
        })
        .expect_err("must fail");
        let msg = err.to_string();
        assert!(msg.contains(&path.display().to_string()), "{msg}");
        assert!(msg.contains("line 2, column"), "{msg}");
        assert!(!msg.contains('|'), "no ASCII art: {msg}");
    }

    #[test]
    fn unknown_keys_are_refused() {
        let (_d, path) = with_file("bnid = \"127.0.0.1:9000\"\n");
        let err = Settings::load(SettingsOverrides {
            config_file: Some(path),
            ..Default::default()
        })
        .expect_err("typo must fail");
        assert!(err.to_string().contains("bnid"), "{err}");
    }

    #[test]
    fn registration_defaults_follow_email() {
        let base = SettingsOverrides {
            data_dir: Some("/d".into()),
            config_file: Some("/nonexistent-ok.toml".into()),
            ..Default::default()
        };
        let (_d, path) = with_file("");
        let load = |o: SettingsOverrides| {
            Settings::load(SettingsOverrides {
                config_file: Some(path.clone()),
                ..o
            })
        };
        assert_eq!(
            load(base.clone()).expect("load").registration,
            Registration::Approval
        );
        let smtp = SettingsOverrides {
            smtp_url: Some("smtp://127.0.0.1:2525".into()),
            ..base.clone()
        };
        assert_eq!(
            load(smtp).expect("load").registration,
            Registration::VerifyEmail
        );
        let no_smtp = SettingsOverrides {
            registration: Some(Registration::VerifyEmail),
            ..base
        };
        assert!(matches!(
            load(no_smtp),
            Err(SettingsError::VerifyWithoutSmtp)
        ));
    }

    #[test]
    fn an_explicit_missing_file_is_an_error() {
        let err = Settings::load(SettingsOverrides {
            config_file: Some("/nonexistent/cnt.toml".into()),
            ..Default::default()
        })
        .expect_err("must fail");
        assert!(err.to_string().contains("/nonexistent/cnt.toml"), "{err}");
    }
}
