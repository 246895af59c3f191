//! End-to-end tests across crates: a real `cnt-backend` serving HTTP on 127.0.0.1 (in-process, over a
//! real SQLite file) and a real client `Core`. The tests live in `tests/it/`; this library holds the
//! shared harness.

pub mod smtp;

use std::net::SocketAddr;
use std::path::Path;

/// Real argon2id with a small cost, so tests that sign in often stay quick. Production's cost is
/// measured by `cargo bench -p cnt-backend --bench auth`.
pub const TEST_PASSWORDS: cnt_backend::auth::PasswordParams = cnt_backend::auth::PasswordParams {
    memory_kib: 1024,
    iterations: 1,
    parallelism: 1,
};

/// A running server; stopped gracefully when dropped or by [`TestServer::stop`].
pub struct TestServer {
    /// Where it listens.
    pub addr: SocketAddr,
    /// Its database, for seeding the catalogue directly.
    pub db: cnt_backend::Db,
    /// Its media folder.
    pub media: cnt_backend::media::MediaStore,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl TestServer {
    /// Starts a server with its database in `data_dir`, on `addr` (port 0 picks a free one).
    ///
    /// # Panics
    /// When the server cannot start: this is a test harness.
    pub async fn start(data_dir: &Path, addr: SocketAddr) -> TestServer {
        Self::start_with(data_dir, addr, |_| {}).await
    }

    /// Like [`TestServer::start`], letting the test adjust the token policy (e.g. a short access
    /// token lifetime).
    ///
    /// # Panics
    /// When the server cannot start.
    pub async fn start_with(
        data_dir: &Path,
        addr: SocketAddr,
        adjust: impl FnOnce(&mut cnt_backend::auth::Auth),
    ) -> TestServer {
        Self::start_full(
            data_dir,
            addr,
            cnt_backend::Registration::Open,
            None,
            adjust,
        )
        .await
    }

    /// A server with a registration policy and, optionally, email through `smtp_url`.
    ///
    /// # Panics
    /// When the server cannot start.
    pub async fn start_full(
        data_dir: &Path,
        addr: SocketAddr,
        registration: cnt_backend::Registration,
        smtp_url: Option<&str>,
        adjust: impl FnOnce(&mut cnt_backend::auth::Auth),
    ) -> TestServer {
        let smtp_url = smtp_url.map(str::to_owned);
        let url = format!("sqlite://{}/cnt.db?mode=rwc", data_dir.display());
        std::fs::create_dir_all(data_dir).expect("data dir");
        let db = cnt_backend::Db::open(&url).await.expect("database");
        let key = cnt_backend::auth::Auth::load_or_create_key(data_dir).expect("signing key");
        let mut auth = cnt_backend::auth::Auth::new(&key, TEST_PASSWORDS).expect("auth");
        adjust(&mut auth);
        let listener = cnt_backend::bind(addr).await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let media_dir = data_dir.join("media");
        let media = cnt_backend::media::MediaStore::new(&media_dir);
        let server_db = db.clone();
        let task = tokio::spawn(async move {
            let mut state =
                cnt_backend::AppState::new(db, auth, registration).with_media_dir(media_dir);
            if let Some(url) = smtp_url {
                state = state.with_mailer(
                    cnt_backend::mail::Mailer::new(&url, "CNT Media <media@church.example>")
                        .expect("mailer"),
                );
            }
            cnt_backend::serve(listener, state, async {
                let _ = rx.await;
            })
            .await
            .expect("serve");
        });
        TestServer {
            addr,
            db: server_db,
            media,
            shutdown: Some(tx),
            task: Some(task),
        }
    }

    /// The server's base URL.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Asks the server to stop without waiting (it finishes requests in flight): for tests that pull
    /// the plug in the middle of something.
    pub fn signal_stop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }

    /// Stops it and waits until the port is closed.
    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}
