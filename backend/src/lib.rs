//! The CNT Media server, `cnt-server`: an axum application over sqlx.
//!
//! One small machine runs it with an embedded SQLite file and a local media folder (the default);
//! the same binary scales out on PostgreSQL (`DATABASE_URL=postgres://…`). Queries and migrations are
//! written once, in portable SQL, through sqlx's `Any` driver.
//!
//! Main types:
//! - [`Settings`]: where to listen and store data, merged from defaults, a TOML file, the environment
//!   and flags (later ones win).
//! - [`AppState`]: what every handler may use (the database pool, token keys, the media folder).
//! - [`catalog`]: the catalogue, users' own data and the change feed; [`media`]: content-addressed files.
//! - [`router`]: the whole HTTP surface as one `axum::Router`, testable with `tower::ServiceExt::oneshot`.
//! - [`ApiError`]: the one error type of handlers; every error response, whether raised by a handler or
//!   by axum itself (unknown route, wrong method, bad JSON), leaves as `{"error": {code, message, request_id}}`.
//! - [`run`]: opens the database, binds, serves until SIGTERM or Ctrl-C, then drains and closes.
//!
//! Threading: tokio multi-thread runtime; handlers share the pool through `AppState`; no global state.
//! This crate depends on `cnt-model` and never on client crates.

pub mod accounts;
pub mod auth;
pub mod catalog;
mod db;
mod error;
pub mod extract;
pub mod google;
pub mod limits;
pub mod mail;
pub mod media;
mod middleware;
mod routes;
pub mod seed;
mod settings;
pub mod validate;

use std::net::SocketAddr;

pub use db::{Db, DbError};
pub use error::ApiError;
pub use routes::router;
pub use settings::{Registration, Settings, SettingsError, SettingsOverrides};

/// What every handler can reach.
#[derive(Clone, Debug)]
pub struct AppState {
    /// The database pool.
    pub db: Db,
    /// Token keys and password policy.
    pub auth: std::sync::Arc<auth::Auth>,
    /// Who may create an account, and whether it needs approval.
    pub registration: Registration,
    /// Anti-automation counters of the auth endpoints.
    pub limits: std::sync::Arc<limits::Limits>,
    /// Outgoing email, when an SMTP server is configured.
    pub mailer: Option<mail::Mailer>,
    /// Google sign-in, when a client id is configured.
    pub google: Option<std::sync::Arc<google::GoogleVerifier>>,
    /// The media folder; without one, media endpoints answer 503.
    pub media: Option<media::MediaStore>,
}

impl AppState {
    /// State over `db` with the given token keys and registration policy.
    pub fn new(db: Db, auth: auth::Auth, registration: Registration) -> Self {
        AppState {
            db,
            auth: std::sync::Arc::new(auth),
            registration,
            limits: std::sync::Arc::new(limits::Limits::new(limits::LimitPolicy::default())),
            mailer: None,
            google: None,
            media: None,
        }
    }

    /// The same state keeping media files in `dir`.
    pub fn with_media_dir(mut self, dir: impl Into<std::path::PathBuf>) -> Self {
        self.media = Some(media::MediaStore::new(dir));
        self
    }

    /// The same state accepting Google sign-in through `verifier`.
    pub fn with_google(mut self, verifier: google::GoogleVerifier) -> Self {
        self.google = Some(std::sync::Arc::new(verifier));
        self
    }

    /// The same state sending email through `mailer`.
    pub fn with_mailer(mut self, mailer: mail::Mailer) -> Self {
        self.mailer = Some(mailer);
        self
    }

    /// The same state with another rate-limit policy.
    pub fn with_limits(mut self, policy: limits::LimitPolicy) -> Self {
        self.limits = std::sync::Arc::new(limits::Limits::new(policy));
        self
    }
}

/// Why the server could not start. Each message names the file, directory or address at fault.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The settings could not be read.
    #[error(transparent)]
    Settings(#[from] SettingsError),
    /// The data directory cannot be created or written.
    #[error("data directory {path} is not writable: {source}")]
    DataDirNotWritable {
        /// The directory.
        path: std::path::PathBuf,
        /// What the OS said.
        source: std::io::Error,
    },
    /// The database could not be opened or migrated.
    #[error(transparent)]
    Database(#[from] DbError),
    /// The mail settings are unusable.
    #[error(transparent)]
    Mail(#[from] mail::MailError),
    /// The token signing key could not be loaded or created.
    #[error(transparent)]
    Auth(#[from] auth::AuthError),
    /// The listening address is taken or not ours to use.
    #[error("cannot listen on {addr}: {reason}")]
    Bind {
        /// The address asked for.
        addr: SocketAddr,
        /// A human explanation including the OS error.
        reason: String,
    },
    /// The server failed while running.
    #[error("server error: {0}")]
    Serve(std::io::Error),
}

/// Makes sure `dir` exists and that we can create files in it.
///
/// # Errors
/// [`StartError::DataDirNotWritable`] naming the directory.
pub fn ensure_writable_dir(dir: &std::path::Path) -> Result<(), StartError> {
    let fail = |source| StartError::DataDirNotWritable {
        path: dir.to_owned(),
        source,
    };
    std::fs::create_dir_all(dir).map_err(fail)?;
    let probe = dir.join(format!(".write-test-{}", std::process::id()));
    std::fs::write(&probe, b"ok").map_err(fail)?;
    std::fs::remove_file(&probe).map_err(fail)?;
    Ok(())
}

/// Binds `addr`, turning the OS error into a message that says what to do.
///
/// # Errors
/// [`StartError::Bind`] when the port is taken or not permitted.
pub async fn bind(addr: SocketAddr) -> Result<tokio::net::TcpListener, StartError> {
    tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| StartError::Bind {
            addr,
            reason: match e.kind() {
                std::io::ErrorKind::AddrInUse => format!(
                    "the port is already in use (is another cnt-server running?); choose another with --bind ({e})"
                ),
                std::io::ErrorKind::PermissionDenied => {
                    format!("permission denied; ports below 1024 need privileges ({e})")
                }
                _ => e.to_string(),
            },
        })
}

/// Runs the server with `settings` until a shutdown signal arrives.
///
/// Start-up order: data dir, database (created and migrated on first start), bind. Any failure stops
/// start-up with a [`StartError`] that names the culprit.
///
/// # Errors
/// See [`StartError`].
pub async fn run(settings: Settings) -> Result<(), StartError> {
    ensure_writable_dir(&settings.data_dir)?;
    ensure_writable_dir(&settings.media_dir())?;
    let db = Db::open(&settings.database_url()).await?;
    let key = auth::Auth::load_or_create_key(&settings.data_dir)?;
    let auth = std::sync::Arc::new(auth::Auth::new(&key, auth::PasswordParams::DEFAULT)?);
    let listener = bind(settings.bind).await?;
    let local = listener.local_addr().map_err(StartError::Serve)?;
    tracing::info!(
        address = %format!("http://{local}"),
        data_dir = %settings.data_dir.display(),
        database = db.backend_name(),
        registration = settings.registration.as_str(),
        "cnt-server listening"
    );
    let mailer = settings
        .smtp_url
        .as_deref()
        .map(|url| mail::Mailer::new(url, &settings.mail_from))
        .transpose()?;
    let state = AppState {
        db,
        auth,
        registration: settings.registration,
        limits: std::sync::Arc::new(limits::Limits::new(limits::LimitPolicy::default())),
        mailer,
        google: settings.google_client_id.as_deref().map(|id| {
            std::sync::Arc::new(google::GoogleVerifier::new(id, &settings.google_jwks_url))
        }),
        media: Some(media::MediaStore::new(settings.media_dir())),
    };
    serve(listener, state, shutdown_signal()).await
}

/// Serves the application on `listener` until `shutdown` resolves, then lets requests in flight
/// finish and closes the database. Tests use it to run a real server in-process on 127.0.0.1.
///
/// # Errors
/// [`StartError::Serve`] if accepting connections fails.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<(), StartError> {
    let db = state.db.clone();
    // Connect info gives the rate limiter the client's address.
    let app = router(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
        .map_err(StartError::Serve)?;
    tracing::info!("shutting down: closing the database");
    db.close().await;
    Ok(())
}

/// Resolves on Ctrl-C or SIGTERM, whichever comes first.
async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::warn!("cannot listen for Ctrl-C: {e}");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(e) => {
                tracing::warn!("cannot listen for SIGTERM: {e}");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => tracing::info!("Ctrl-C received"),
        () = term => tracing::info!("SIGTERM received"),
    }
}
