//! Is the server reachable? A background task that keeps asking.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{Notify, watch};
use tokio::task::JoinHandle;

use crate::ServerClient;

/// What the app knows about its server connection.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConnectionState {
    /// The first check has not answered yet.
    Connecting,
    /// The server answered `/health`.
    Online {
        /// The server's version.
        server_version: String,
    },
    /// The server did not answer, or answered with an error.
    Offline {
        /// Why, in English, for the detail line and logs.
        reason: String,
    },
}

impl ConnectionState {
    /// Whether the server answered the last check.
    pub fn is_online(&self) -> bool {
        matches!(self, ConnectionState::Online { .. })
    }
}

/// How often the monitor checks.
#[derive(Clone, Copy, Debug)]
pub struct MonitorTiming {
    /// Between checks while online.
    pub online_interval: Duration,
    /// First retry after going offline; doubles on each failure.
    pub offline_initial: Duration,
    /// Longest wait between checks while offline.
    pub offline_max: Duration,
}

impl Default for MonitorTiming {
    fn default() -> Self {
        MonitorTiming {
            online_interval: Duration::from_secs(15),
            offline_initial: Duration::from_secs(1),
            offline_max: Duration::from_secs(30),
        }
    }
}

/// Watches the server's health in a background task; the task ends when this is dropped.
#[derive(Debug)]
pub struct ConnectionMonitor {
    state: watch::Receiver<ConnectionState>,
    wake: Arc<Notify>,
    task: JoinHandle<()>,
}

impl ConnectionMonitor {
    /// Starts watching `client`'s server on the current tokio runtime.
    pub fn spawn(client: ServerClient, timing: MonitorTiming) -> Self {
        let (tx, rx) = watch::channel(ConnectionState::Connecting);
        let wake = Arc::new(Notify::new());
        let task = tokio::spawn(run(client, timing, tx, wake.clone()));
        ConnectionMonitor {
            state: rx,
            wake,
            task,
        }
    }

    /// The latest state.
    pub fn state(&self) -> ConnectionState {
        self.state.borrow().clone()
    }

    /// A receiver that sees every change of state.
    pub fn subscribe(&self) -> watch::Receiver<ConnectionState> {
        self.state.clone()
    }

    /// Checks again now instead of waiting for the next interval.
    pub fn check_now(&self) {
        self.wake.notify_one();
    }
}

impl Drop for ConnectionMonitor {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn run(
    client: ServerClient,
    timing: MonitorTiming,
    tx: watch::Sender<ConnectionState>,
    wake: Arc<Notify>,
) {
    let mut backoff = timing.offline_initial;
    loop {
        let next = match client.health().await {
            Ok(health) => {
                backoff = timing.offline_initial;
                ConnectionState::Online {
                    server_version: health.version,
                }
            }
            Err(e) => ConnectionState::Offline {
                reason: e.to_string(),
            },
        };
        let wait = if next.is_online() {
            timing.online_interval
        } else {
            let wait = backoff;
            backoff = (backoff * 2).min(timing.offline_max);
            wait
        };
        tx.send_if_modified(|current| {
            if *current != next {
                tracing::info!(server = %client.display_url(), state = ?next, "connection state changed");
                *current = next;
                true
            } else {
                false
            }
        });
        if tx.is_closed() {
            return;
        }
        tokio::select! {
            () = tokio::time::sleep(wait) => {}
            () = wake.notified() => {}
        }
    }
}
