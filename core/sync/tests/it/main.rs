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
