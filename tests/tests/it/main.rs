//! The client core against a real server on 127.0.0.1.

mod account;
mod player;
mod stream;
mod sync;

use std::sync::Arc;
use std::time::Duration;

use cnt_app::{ConnectionState, Core, CoreEvent, CoreOptions, MemoryStore, MonitorTiming};
use cnt_e2e::TestServer;

fn options(dir: &std::path::Path, server: &str) -> CoreOptions {
    CoreOptions {
        data_dir: Some(dir.join("app")),
        config_file: Some(dir.join("config.toml")),
        server: Some(server.to_owned()),
        secrets: Some(Arc::new(MemoryStore::new())),
        timing: Some(MonitorTiming {
            online_interval: Duration::from_millis(100),
            offline_initial: Duration::from_millis(50),
            offline_max: Duration::from_millis(200),
        }),
    }
}

async fn wait(core: &Core, want: impl Fn(&ConnectionState) -> bool) -> ConnectionState {
    tokio::time::timeout(Duration::from_secs(30), core.wait_for_connection(want))
        .await
        .expect("connection state reached in time")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_app_follows_the_server_going_down_and_coming_back() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = TestServer::start(
        &dir.path().join("server"),
        "127.0.0.1:0".parse().expect("addr"),
    )
    .await;
    let addr = server.addr;
    let core = Core::start(options(dir.path(), &server.url())).expect("core");
    let mut events = core.subscribe();

    let online = wait(&core, ConnectionState::is_online).await;
    assert_eq!(
        online,
        ConnectionState::Online {
            server_version: env!("CARGO_PKG_VERSION").into()
        }
    );

    server.stop().await;
    let offline = wait(&core, |s| matches!(s, ConnectionState::Offline { .. })).await;
    let ConnectionState::Offline { reason } = offline else {
        unreachable!()
    };
    assert!(
        reason.contains(&addr.to_string()),
        "the reason names the address: {reason}"
    );

    // The UI's event stream saw the drop (the first Online may predate the subscription; the UI
    // reads `core.connection()` after subscribing for that reason).
    next_connection_event(&mut events, |s| {
        matches!(s, ConnectionState::Offline { .. })
    })
    .await;

    let _server = TestServer::start(&dir.path().join("server"), addr).await;
    core.check_connection_now();
    next_connection_event(&mut events, ConnectionState::is_online).await;
}

/// Waits for a connection event on the UI's event stream that satisfies `want`.
async fn next_connection_event(
    events: &mut tokio::sync::broadcast::Receiver<CoreEvent>,
    want: impl Fn(&ConnectionState) -> bool,
) -> ConnectionState {
    tokio::time::timeout(Duration::from_secs(30), async {
        loop {
            if let Ok(CoreEvent::Connection(state)) = events.recv().await
                && want(&state)
            {
                return state;
            }
        }
    })
    .await
    .expect("the event arrived in time")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_app_started_with_no_server_runs_offline_then_connects() {
    let dir = tempfile::tempdir().expect("tempdir");
    let addr = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        l.local_addr().expect("addr")
    };
    let core =
        Core::start(options(dir.path(), &format!("http://{addr}"))).expect("core starts offline");
    wait(&core, |s| matches!(s, ConnectionState::Offline { .. })).await;
    assert!(
        core.library_schema_version()
            .expect("library works offline")
            >= 1
    );

    let _server = TestServer::start(&dir.path().join("server"), addr).await;
    wait(&core, ConnectionState::is_online).await;
}
