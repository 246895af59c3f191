//! The client and the monitor against real HTTP servers on 127.0.0.1.

use std::time::Duration;

use axum::Json;
use axum::Router;
use axum::http::StatusCode;
use axum::routing::get;
use cnt_sync::{ConnectionMonitor, ConnectionState, Error, MonitorTiming, ServerClient};

async fn serve(app: Router) -> (String, tokio::task::JoinHandle<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let task = tokio::spawn(async move {
        axum::serve(listener, app).await.expect("serve");
    });
    (format!("http://{addr}"), task)
}

fn healthy() -> Router {
    Router::new().route(
        "/health",
        get(|| async {
            Json(serde_json::json!({"status": "ok", "version": "9.9.9", "database": "sqlite"}))
        }),
    )
}

/// A port that was just free: nothing listens there.
async fn closed_port_url() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    drop(listener);
    format!("http://{addr}")
}

const FAST: MonitorTiming = MonitorTiming {
    online_interval: Duration::from_millis(50),
    offline_initial: Duration::from_millis(20),
    offline_max: Duration::from_millis(100),
};

async fn wait_for(
    rx: &mut tokio::sync::watch::Receiver<ConnectionState>,
    want: impl Fn(&ConnectionState) -> bool,
) -> ConnectionState {
    tokio::time::timeout(Duration::from_secs(20), async {
        loop {
            if want(&rx.borrow_and_update()) {
                return rx.borrow().clone();
            }
            rx.changed().await.expect("monitor alive");
        }
    })
    .await
    .expect("state reached")
}

#[tokio::test]
async fn health_of_a_real_server() {
    let (url, _task) = serve(healthy()).await;
    let health = ServerClient::new(&url)
        .expect("client")
        .health()
        .await
        .expect("health");
    assert_eq!(health.version, "9.9.9");
}

#[tokio::test]
async fn an_unreachable_server_names_its_address_and_the_cause() {
    let url = closed_port_url().await;
    let err = ServerClient::new(&url)
        .expect("client")
        .health()
        .await
        .expect_err("refused");
    let msg = err.to_string();
    assert!(matches!(err, Error::Unreachable { .. }), "{msg}");
    assert!(msg.contains(url.trim_start_matches("http://")), "{msg}");
    assert!(msg.to_lowercase().contains("refused"), "{msg}");
}

#[tokio::test]
async fn api_errors_are_decoded() {
    let app = Router::new().route(
        "/health",
        get(|| async {
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(serde_json::json!({"error": {"code": "database_unavailable", "message": "db down", "request_id": "r1"}})),
            )
        }),
    );
    let (url, _task) = serve(app).await;
    let err = ServerClient::new(&url)
        .expect("client")
        .health()
        .await
        .expect_err("503");
    match err {
        Error::Server {
            status,
            code,
            request_id,
            ..
        } => {
            assert_eq!(status, 503);
            assert_eq!(code, cnt_model::ErrorCode::DatabaseUnavailable);
            assert_eq!(request_id, "r1");
        }
        other => panic!("expected a server error, got {other}"),
    }
}

#[tokio::test]
async fn another_program_on_the_port_is_not_mistaken_for_our_server() {
    let app = Router::new().route("/health", get(|| async { "<html>router login</html>" }));
    let (url, _task) = serve(app).await;
    let err = ServerClient::new(&url)
        .expect("client")
        .health()
        .await
        .expect_err("html");
    assert!(matches!(err, Error::BadResponse { .. }), "{err}");
}

#[tokio::test]
async fn the_monitor_follows_the_server_going_away_and_coming_back() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let url = format!("http://{addr}");
    let server =
        tokio::spawn(async move { axum::serve(listener, healthy()).await.expect("serve") });

    let monitor = ConnectionMonitor::spawn(ServerClient::new(&url).expect("client"), FAST);
    let mut rx = monitor.subscribe();
    let online = wait_for(&mut rx, ConnectionState::is_online).await;
    assert_eq!(
        online,
        ConnectionState::Online {
            server_version: "9.9.9".into()
        }
    );

    server.abort();
    let _ = server.await;
    let offline = wait_for(&mut rx, |s| matches!(s, ConnectionState::Offline { .. })).await;
    let ConnectionState::Offline { reason } = offline else {
        unreachable!()
    };
    assert!(reason.contains(&addr.to_string()), "{reason}");

    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .expect("rebind same port");
    let _server =
        tokio::spawn(async move { axum::serve(listener, healthy()).await.expect("serve") });
    monitor.check_now();
    wait_for(&mut rx, ConnectionState::is_online).await;
}

/// What a [`cnt_sync::DownloadFeed`] was told, in order.
#[derive(Default)]
struct Recorder(std::sync::Mutex<Vec<String>>);

impl cnt_sync::DownloadFeed for Recorder {
    fn written(&self, written: u64) {
        self.0
            .lock()
            .expect("lock")
            .push(format!("written {written}"));
    }

    fn restarted(&self) {
        self.0.lock().expect("lock").push("restarted".into());
    }

    fn complete(&self, path: &std::path::Path) {
        self.0
            .lock()
            .expect("lock")
            .push(format!("complete {}", path.display()));
    }

    fn failed(&self, reason: &str) {
        self.0
            .lock()
            .expect("lock")
            .push(format!("failed {reason}"));
    }
}

#[tokio::test]
async fn a_server_that_ignores_the_range_restarts_the_growing_file() {
    use sha2::Digest;
    let body: Vec<u8> = (0..300_000usize).map(|b| (b % 253) as u8).collect();
    let hash: String = sha2::Sha256::digest(&body)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    // An old server (or a proxy) that answers every request with the whole file and 200.
    let served = body.clone();
    let app = Router::new().route(
        "/api/v1/media/{hash}",
        get(move || {
            let b = served.clone();
            async move { (StatusCode::OK, b) }
        }),
    );
    let (url, _task) = serve(app).await;
    let client = ServerClient::new(&url).expect("client");
    let dir = tempfile::tempdir().expect("tempdir");
    let downloader = cnt_sync::Downloader::new(dir.path(), u64::MAX);
    std::fs::create_dir_all(dir.path().join("partial")).expect("dir");
    // A part kept from an earlier attempt, which the server will not resume.
    std::fs::write(downloader.partial_of(&hash), &body[..100_000]).expect("part");
    let library = std::sync::Arc::new(std::sync::Mutex::new(
        cnt_library::Library::open_in_memory().expect("library"),
    ));
    let job = cnt_library::DownloadJob {
        item_id: cnt_model::ids::ItemId::new(),
        hash: hash.clone(),
        size: body.len() as u64,
        bytes_done: 100_000,
        attempts: 0,
    };
    let feed = Recorder::default();
    let outcome = downloader
        .download_with(&client, "token", &library, &job, &mut |_| {}, Some(&feed))
        .await
        .expect("download");
    assert_eq!(outcome, cnt_sync::DownloadOutcome::Done);
    let calls = feed.0.lock().expect("lock").clone();
    assert_eq!(calls[0], "restarted", "{calls:?}");
    let sizes: Vec<u64> = calls
        .iter()
        .filter_map(|c| c.strip_prefix("written ")?.parse().ok())
        .collect();
    assert!(
        sizes[0] < 100_000,
        "growth starts again from the first byte: {sizes:?}"
    );
    assert!(sizes.windows(2).all(|w| w[0] < w[1]), "{sizes:?}");
    assert_eq!(sizes.last(), Some(&(body.len() as u64)));
    assert_eq!(
        calls.last().cloned(),
        Some(format!("complete {}", downloader.path_of(&hash).display()))
    );
    assert_eq!(
        std::fs::read(downloader.path_of(&hash)).expect("file"),
        body
    );
}
