//! `cnt library …` as a user runs it: sync, search, download, and `kill -9` at random moments of a
//! sync, 50 times, without losing or doubling anything.
//!
//! Signing in must survive the process, so these tests run a private D-Bus session with a real
//! Secret Service (gnome-keyring), installed by `cargo xtask setup`.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::Duration;

use cnt_e2e::TestServer;
use cnt_model::sync::{CatalogItem, ItemKind};

use super::CNT;

/// A private session bus with an unlocked gnome-keyring; both end when dropped.
struct Session {
    bus: Child,
    address: String,
    home: PathBuf,
}

impl Session {
    fn start(root: &Path) -> Session {
        let home = root.join("home");
        std::fs::create_dir_all(&home).expect("home");
        let mut bus = Command::new("dbus-daemon")
            .args(["--session", "--nofork", "--print-address=1"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("dbus-daemon (run `cargo xtask setup`)");
        let mut line = String::new();
        {
            use std::io::BufRead;
            let stdout = bus.stdout.take().expect("stdout");
            std::io::BufReader::new(stdout)
                .read_line(&mut line)
                .expect("bus address");
        }
        let address = line.trim().to_owned();
        let mut keyring = Command::new("gnome-keyring-daemon")
            .args(["--unlock", "--components=secrets"])
            .env("DBUS_SESSION_BUS_ADDRESS", &address)
            .env("HOME", &home)
            .env("XDG_DATA_HOME", home.join("data"))
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("gnome-keyring-daemon (run `cargo xtask setup`)");
        {
            use std::io::Write;
            let mut stdin = keyring.stdin.take().expect("stdin");
            stdin.write_all(b"keyring-test-password").expect("unlock");
        }
        keyring.wait().expect("keyring started");
        Session { bus, address, home }
    }

    fn command(&self, dir: &Path, server: &str, args: &[&str]) -> Command {
        let mut c = Command::new(CNT);
        c.arg("--data-dir")
            .arg(dir.join("data"))
            .arg("--config")
            .arg(dir.join("config.toml"))
            .args(["--server", server])
            .args(args)
            .env("DBUS_SESSION_BUS_ADDRESS", &self.address)
            .env("HOME", &self.home)
            .env("XDG_DATA_HOME", self.home.join("data"))
            .env_remove("DISPLAY")
            .env_remove("WAYLAND_DISPLAY");
        c
    }

    fn run(&self, dir: &Path, server: &str, args: &[&str], stdin: &str) -> Output {
        use std::io::Write;
        let mut child = self
            .command(dir, server, args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("cnt");
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(stdin.as_bytes())
            .expect("write");
        child.wait_with_output().expect("cnt output")
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        // gnome-keyring-daemon exits when its bus goes away.
        let _ = self.bus.kill();
        let _ = self.bus.wait();
    }
}

fn ok(out: &Output) -> String {
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "exit {:?}\nstdout: {stdout}\nstderr: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

async fn server_with_user(dir: &Path) -> TestServer {
    let server = TestServer::start(&dir.join("server"), "127.0.0.1:0".parse().expect("addr")).await;
    cnt_sync::ServerClient::new(&server.url())
        .expect("client")
        .register("ana@example.org", "correct horse battery", "ana")
        .await
        .expect("register");
    server
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_search_and_download_from_the_command_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = server_with_user(dir.path()).await;
    let file = dir.path().join("psalm.ogg");
    std::fs::write(&file, b"not really ogg, but real bytes".repeat(1000)).expect("file");
    let media = server
        .media
        .put_file(&server.db, &file, "audio/ogg")
        .await
        .expect("media");
    let mut song = CatalogItem::new(ItemKind::Track, "Canción del Señor");
    song.subtitle = Some("Coro".into());
    song.media = Some(media);
    let album = CatalogItem::new(ItemKind::Album, "Cantos");
    cnt_backend::catalog::put_items(&server.db, &[song.clone(), album])
        .await
        .expect("seed");
    let url = server.url();
    let session = Session::start(dir.path());
    let d = dir.path();

    // Before signing in: a clear message.
    let out = session.run(d, &url, &["library", "sync"], "");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not signed in"));

    ok(&session.run(
        d,
        &url,
        &[
            "account",
            "login",
            "--email",
            "ana@example.org",
            "--password-stdin",
        ],
        "correct horse battery\n",
    ));
    let sync: serde_json::Value = serde_json::from_str(&ok(&session.run(
        d,
        &url,
        &["--json", "library", "sync"],
        "",
    )))
    .expect("json");
    assert_eq!(sync["items"], 2);
    assert_eq!(sync["upserts"], 2);

    // Search is local: it works with the server gone.
    let results: serde_json::Value = serde_json::from_str(&ok(&session.run(
        d,
        "http://127.0.0.1:9",
        &["--json", "library", "search", "cancion"],
        "",
    )))
    .expect("json");
    assert_eq!(results.as_array().map(Vec::len), Some(1));
    assert_eq!(results[0]["id"], song.id.to_string());
    assert_eq!(results[0]["kind"], "track");
    assert_eq!(results[0]["offline"], false);
    let grouped = ok(&session.run(d, &url, &["library", "search", "c"], ""));
    assert!(
        grouped.contains("track:") && grouped.contains("album:"),
        "{grouped}"
    );

    let out: serde_json::Value = serde_json::from_str(&ok(&session.run(
        d,
        &url,
        &["--json", "library", "download", &song.id.to_string()],
        "",
    )))
    .expect("json");
    assert_eq!(out["done"], 1);
    let results: serde_json::Value = serde_json::from_str(&ok(&session.run(
        d,
        &url,
        &["--json", "library", "search", "señor"],
        "",
    )))
    .expect("json");
    assert_eq!(results[0]["offline"], true);
    let downloads: serde_json::Value = serde_json::from_str(&ok(&session.run(
        d,
        &url,
        &["--json", "library", "downloads"],
        "",
    )))
    .expect("json");
    assert_eq!(downloads["downloads"][0]["state"], "done");
    assert_eq!(downloads["downloads"][0]["pinned"], true);
    assert_eq!(downloads["storage_used"], 30_000);

    // Offline sync: a clear message, exit 1, nothing lost.
    drop(server);
    let out = session.run(d, &url, &["library", "sync"], "");
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("still works offline"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// xorshift, seeded from the clock (printed, so a failure can be replayed with CNT_KILL_SEED).
fn delays(n: usize, max_ms: u64) -> (u64, Vec<u64>) {
    let seed = std::env::var("CNT_KILL_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos() as u64)
                .unwrap_or(7)
                | 1
        });
    let mut x = seed;
    let list = (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            50 + x % max_ms
        })
        .collect();
    (seed, list)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_during_sync_fifty_times_loses_nothing_and_doubles_nothing() {
    const ROUNDS: usize = 50;
    const PER_ROUND: usize = 3000;
    let dir = tempfile::tempdir().expect("tempdir");
    let server = server_with_user(dir.path()).await;
    let url = server.url();
    let catalogue: Vec<CatalogItem> = (0..4000)
        .map(|i| CatalogItem::new(ItemKind::Track, format!("Track {i}")))
        .collect();
    cnt_backend::catalog::put_items(&server.db, &catalogue)
        .await
        .expect("seed");
    let session = Session::start(dir.path());
    let d = dir.path();
    ok(&session.run(
        d,
        &url,
        &[
            "account",
            "login",
            "--email",
            "ana@example.org",
            "--password-stdin",
        ],
        "correct horse battery\n",
    ));
    // How long a sync of this size takes here (the machine may be busy): kill within that.
    let timed = std::time::Instant::now();
    ok(&session.run(d, &url, &["library", "sync"], ""));
    let full_sync_ms = timed.elapsed().as_millis() as u64;
    let library_path = d.join("data").join("library.db");
    let played = catalogue[0].id;

    // A round adds 3,000 items to the 4,000 just synced, so it lasts about as long.
    let (seed, waits) = delays(ROUNDS, full_sync_ms.max(200));
    eprintln!("kill delays from seed {seed} (CNT_KILL_SEED={seed} replays them)");
    let mut killed_while_running = 0;
    for (round, wait) in waits.iter().enumerate() {
        // More work for the next sync: 3,000 new catalogue items (three pages) and two local edits
        // (a play, whose server-side count exposes any double application, and a new playlist).
        let more: Vec<CatalogItem> = (0..PER_ROUND)
            .map(|i| CatalogItem::new(ItemKind::Track, format!("Round {round} track {i}")))
            .collect();
        cnt_backend::catalog::put_items(&server.db, &more)
            .await
            .expect("more");
        {
            let mut lib = cnt_library::Library::open(&library_path)
                .expect("open")
                .library;
            lib.record_play(played, round as u64 * 1000).expect("play");
            lib.create_playlist(&format!("Round {round}"))
                .expect("playlist");
        }
        let mut child = session
            .command(d, &url, &["library", "sync"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("cnt");
        tokio::time::sleep(Duration::from_millis(*wait)).await;
        if child.try_wait().expect("poll").is_none() {
            killed_while_running += 1;
        }
        // SIGKILL: no destructors, no flush, no goodbye.
        let _ = child.kill();
        let _ = child.wait();
    }
    eprintln!("{killed_while_running} of {ROUNDS} kills landed while the sync was running");
    assert!(
        killed_while_running >= ROUNDS / 2,
        "most kills must interrupt a running sync"
    );

    // Let one sync finish.
    ok(&session.run(d, &url, &["library", "sync"], ""));
    let lib = cnt_library::Library::open(&library_path)
        .expect("open")
        .library;
    assert_eq!(
        lib.integrity_check().expect("check"),
        "ok",
        "PRAGMA integrity_check"
    );
    assert_eq!(
        lib.pending_count().expect("pending"),
        0,
        "every edit was sent"
    );
    assert_eq!(
        lib.count_items(None).expect("count"),
        (4000 + PER_ROUND * ROUNDS) as u64,
        "every catalogue item arrived"
    );
    let playlists = lib.playlists().expect("playlists");
    assert_eq!(playlists.len(), ROUNDS, "no playlist lost or doubled");
    assert!(playlists.iter().all(|p| p.synced));
    // The server counted each play exactly once (its history record came back with the feed).
    assert_eq!(
        lib.play_count(played).expect("count"),
        Some(ROUNDS as u32),
        "each play applied exactly once"
    );
    assert_eq!(
        lib.resume_position(played).expect("resume"),
        Some((ROUNDS as u64 - 1) * 1000)
    );
}
