//! The database handle: one sqlx `Any` pool over SQLite (default) or PostgreSQL.
//!
//! Migrations live in `backend/migrations/NNNN_description.sql`, are written in SQL that both
//! engines accept, run at start-up, and are never edited once landed.

use std::path::{Path, PathBuf};
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, ConnectOptions, Executor};

/// The server's database pool.
#[derive(Clone, Debug)]
pub struct Db {
    pool: AnyPool,
    backend: &'static str,
}

/// Why the database could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// The URL is not one we understand.
    #[error("database URL {url:?} is not supported: use sqlite://PATH or postgres://…")]
    UnsupportedUrl {
        /// The URL (password removed).
        url: String,
    },
    /// The SQLite file exists but is not an intact SQLite database.
    #[error(
        "database file {path} is corrupt or not a SQLite database ({reason}); it was left untouched: \
         restore it from a backup, or move it aside to start with an empty database"
    )]
    Corrupt {
        /// The file.
        path: PathBuf,
        /// What SQLite said.
        reason: String,
    },
    /// The server could not connect.
    #[error("cannot open database {url}: {source}")]
    Connect {
        /// The URL (password removed).
        url: String,
        /// The driver's error.
        source: sqlx::Error,
    },
    /// A migration failed.
    #[error("cannot migrate database {url}: {source}")]
    Migrate {
        /// The URL (password removed).
        url: String,
        /// The migrator's error.
        source: sqlx::migrate::MigrateError,
    },
    /// A query failed.
    #[error("database error: {0}")]
    Query(#[from] sqlx::Error),
}

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

impl Db {
    /// Connects to `url`, creating a SQLite file if needed, and runs pending migrations.
    ///
    /// A SQLite file that exists but is not a SQLite database is never modified: the server refuses to
    /// start and says so ([`DbError::Corrupt`]), because the server's database is the source of truth
    /// and starting empty would look like every account had vanished.
    ///
    /// # Errors
    /// See [`DbError`]; every message names the database.
    pub async fn open(url: &str) -> Result<Self, DbError> {
        sqlx::any::install_default_drivers();
        let shown = redact(url);
        let backend = if url.starts_with("sqlite:") {
            "sqlite"
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            "postgres"
        } else {
            return Err(DbError::UnsupportedUrl { url: shown });
        };
        let sqlite_file = (backend == "sqlite").then(|| sqlite_file_of(url)).flatten();
        if let Some(path) = &sqlite_file {
            check_sqlite_header(path)?;
        }
        let options: AnyConnectOptions = url
            .parse::<AnyConnectOptions>()
            .map_err(|source| DbError::Connect {
                url: shown.clone(),
                source,
            })?
            .log_statements(tracing::log::LevelFilter::Debug)
            .log_slow_statements(tracing::log::LevelFilter::Warn, Duration::from_millis(250));
        let pool = AnyPoolOptions::new()
            .max_connections(if backend == "sqlite" { 4 } else { 16 })
            .acquire_timeout(Duration::from_secs(10))
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if backend == "sqlite" {
                        conn.execute(
                            "PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; \
                             PRAGMA busy_timeout = 5000; PRAGMA synchronous = NORMAL;",
                        )
                        .await?;
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await
            .map_err(|source| classify(source, &sqlite_file, &shown))?;
        MIGRATOR.run(&pool).await.map_err(|source| match source {
            sqlx::migrate::MigrateError::Execute(e) => classify(e, &sqlite_file, &shown),
            source => DbError::Migrate {
                url: shown.clone(),
                source,
            },
        })?;
        let db = Db { pool, backend };
        db.record_creation().await?;
        Ok(db)
    }

    /// `"sqlite"` or `"postgres"`.
    pub fn backend_name(&self) -> &'static str {
        self.backend
    }

    /// The pool, for queries.
    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Starts a transaction that will write. On SQLite it takes the write lock at once
    /// (`BEGIN IMMEDIATE`): a deferred transaction that reads first cannot upgrade its lock while
    /// another writer is active and fails with SQLITE_BUSY immediately, which `busy_timeout` does not
    /// cover. Waiting for the lock up front lets `busy_timeout` queue writers instead.
    ///
    /// # Errors
    /// The driver's error.
    pub async fn begin_write(&self) -> Result<sqlx::Transaction<'static, sqlx::Any>, DbError> {
        Ok(if self.backend == "sqlite" {
            self.pool.begin_with("BEGIN IMMEDIATE").await?
        } else {
            self.pool.begin().await?
        })
    }

    /// Runs a trivial query: used by `/health`.
    ///
    /// # Errors
    /// The driver's error when the database does not answer.
    pub async fn ping(&self) -> Result<(), DbError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    /// Waits for queries in flight and closes every connection.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// Remembers which version created the database (first start only).
    async fn record_creation(&self) -> Result<(), DbError> {
        sqlx::query(
            "INSERT INTO server_meta (meta_key, meta_value) VALUES ('created_by', $1) \
             ON CONFLICT (meta_key) DO NOTHING",
        )
        .bind(format!("cnt-server {}", env!("CARGO_PKG_VERSION")))
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}

/// The file path in a `sqlite://PATH?…` URL, unless it is in-memory.
fn sqlite_file_of(url: &str) -> Option<PathBuf> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or_default();
    (!path.is_empty() && path != ":memory:").then(|| PathBuf::from(path))
}

/// A non-empty file that does not start with SQLite's magic header is not ours to touch.
fn check_sqlite_header(path: &Path) -> Result<(), DbError> {
    use std::io::Read;
    let Ok(mut f) = std::fs::File::open(path) else {
        return Ok(()); // absent: SQLite creates it; unreadable: the connect error says why
    };
    let mut head = [0u8; 16];
    match f.read(&mut head) {
        Ok(0) => Ok(()),
        Ok(n) if n == 16 && &head == b"SQLite format 3\0" => Ok(()),
        Ok(_) => Err(DbError::Corrupt {
            path: path.to_owned(),
            reason: "file is not a database".into(),
        }),
        Err(e) => Err(DbError::Corrupt {
            path: path.to_owned(),
            reason: e.to_string(),
        }),
    }
}

/// SQLite's "not a database" (26) and "corrupt" (11) become [`DbError::Corrupt`].
fn classify(e: sqlx::Error, sqlite_file: &Option<PathBuf>, shown: &str) -> DbError {
    if let (Some(path), sqlx::Error::Database(db)) = (sqlite_file, &e) {
        let code = db.code().map(|c| c.into_owned()).unwrap_or_default();
        if code == "26" || code == "11" || code.starts_with("26") || code.starts_with("11") {
            return DbError::Corrupt {
                path: path.clone(),
                reason: db.message().to_owned(),
            };
        }
    }
    DbError::Connect {
        url: shown.to_owned(),
        source: e,
    }
}

/// Removes a password from a URL before it is shown or logged.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let creds = &url[scheme_end + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme_end + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_never_show() {
        assert_eq!(
            redact("postgres://cnt:s3cret@db:5432/cnt"),
            "postgres://cnt:***@db:5432/cnt"
        );
        assert_eq!(redact("sqlite:///tmp/x.db"), "sqlite:///tmp/x.db");
    }

    #[test]
    fn sqlite_paths_are_found_in_urls() {
        assert_eq!(
            sqlite_file_of("sqlite:///data/cnt.db?mode=rwc"),
            Some(PathBuf::from("/data/cnt.db"))
        );
        assert_eq!(sqlite_file_of("sqlite::memory:"), None);
    }

    #[tokio::test]
    async fn a_fresh_file_is_created_and_migrated_twice_without_harm() {
        let dir = tempfile::tempdir().expect("tempdir");
        let url = format!("sqlite://{}/cnt.db?mode=rwc", dir.path().display());
        let db = Db::open(&url).await.expect("first open");
        db.ping().await.expect("ping");
        db.close().await;
        let db = Db::open(&url).await.expect("second open");
        let (created_by,): (String,) =
            sqlx::query_as("SELECT meta_value FROM server_meta WHERE meta_key = 'created_by'")
                .fetch_one(db.pool())
                .await
                .expect("row");
        assert!(created_by.starts_with("cnt-server "), "{created_by}");
    }

    #[tokio::test]
    async fn a_corrupt_file_is_refused_and_left_untouched() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("cnt.db");
        let garbage = b"this is not a database, but it is somebody's file".repeat(100);
        std::fs::write(&path, &garbage).expect("write");
        let err = Db::open(&format!("sqlite://{}?mode=rwc", path.display()))
            .await
            .expect_err("must refuse");
        assert!(matches!(err, DbError::Corrupt { .. }), "{err}");
        assert!(
            err.to_string().contains(&path.display().to_string()),
            "{err}"
        );
        assert_eq!(std::fs::read(&path).expect("read"), garbage);
    }
}
