//! Offline sync against a real server on 127.0.0.1 with real library files: two devices editing
//! the same playlist offline, deletes versus edits, at-most-once pushes, a server that goes away
//! mid-sync, a malformed page, and downloads (resume, checksum, quota, disk full).

use std::sync::{Arc, Mutex};

use cnt_e2e::TestServer;
use cnt_library::{DownloadState, Library};
use cnt_model::ErrorCode;
use cnt_model::ids::{MutationId, PlaylistId};
use cnt_model::sync::{CatalogItem, ItemKind, Mutation, MutationOp, MutationOutcome};
use cnt_sync::{Downloader, ServerClient, SyncError, sync_once};

struct Device {
    library: Arc<Mutex<Library>>,
    path: std::path::PathBuf,
}

impl Device {
    fn open(
        root: &std::path::Path,
        name: &str,
        server: &str,
        user: cnt_model::ids::UserId,
    ) -> Self {
        let path = root.join(name).join("library.db");
        let mut lib = Library::open(&path).expect("library").library;
        lib.set_sync_scope(server, user).expect("scope");
        Device {
            library: Arc::new(Mutex::new(lib)),
            path,
        }
    }

    fn lib(&self) -> std::sync::MutexGuard<'_, Library> {
        self.library.lock().expect("lock")
    }
}

async fn sign_up(
    server: &TestServer,
    email: &str,
) -> (ServerClient, String, cnt_model::ids::UserId) {
    let client = ServerClient::new(&server.url()).expect("client");
    client
        .register(
            email,
            "correct horse battery",
            &format!("user_{}", email.split('@').next().unwrap_or("u")),
        )
        .await
        .expect("register");
    let tokens = client
        .login(email, "correct horse battery")
        .await
        .expect("login");
    let me = client.me(&tokens.access_token).await.expect("me");
    (client, tokens.access_token, me.id)
}

fn tracks(n: usize) -> Vec<CatalogItem> {
    (0..n)
        .map(|i| {
            let mut t = CatalogItem::new(ItemKind::Track, format!("Hymn {i}"));
            t.subtitle = Some("Parish Choir".into());
            t
        })
        .collect()
}

async fn sync(d: &Device, client: &ServerClient, token: &str) -> cnt_sync::SyncReport {
    sync_once(client, token, &d.library, &mut |_| {})
        .await
        .expect("sync")
}

fn order(d: &Device, playlist: PlaylistId) -> Vec<String> {
    d.lib()
        .playlist_entries(playlist)
        .expect("entries")
        .into_iter()
        .map(|e| e.item.map(|i| i.title).unwrap_or_default())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_devices_edit_one_playlist_offline_and_converge() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = TestServer::start(
        &dir.path().join("server"),
        "127.0.0.1:0".parse().expect("addr"),
    )
    .await;
    let catalogue = tracks(6);
    cnt_backend::catalog::put_items(&server.db, &catalogue)
        .await
        .expect("seed");
    let (client, token, user) = sign_up(&server, "ana@example.org").await;
    let phone = Device::open(dir.path(), "phone", &server.url(), user);
    let laptop = Device::open(dir.path(), "laptop", &server.url(), user);
    let r = sync(&phone, &client, &token).await;
    assert_eq!(r.upserts, 6);
    sync(&laptop, &client, &token).await;

    // The phone makes a playlist [Hymn 0, Hymn 1]; the laptop gets it.
    let playlist = {
        let mut lib = phone.lib();
        let p = lib.create_playlist("Sunday").expect("create");
        lib.add_to_playlist(p, catalogue[0].id, None).expect("add");
        lib.add_to_playlist(p, catalogue[1].id, None).expect("add");
        p
    };
    sync(&phone, &client, &token).await;
    sync(&laptop, &client, &token).await;
    assert_eq!(order(&laptop, playlist), vec!["Hymn 0", "Hymn 1"]);

    // Offline, both insert between Hymn 0 and Hymn 1 and change different fields.
    {
        let mut lib = phone.lib();
        lib.add_to_playlist(playlist, catalogue[2].id, Some(1))
            .expect("phone insert");
        lib.rename_playlist(playlist, "Sunday morning")
            .expect("rename");
    }
    {
        let mut lib = laptop.lib();
        lib.add_to_playlist(playlist, catalogue[3].id, Some(1))
            .expect("laptop insert");
        lib.add_to_playlist(playlist, catalogue[4].id, None)
            .expect("laptop append");
        lib.edit(MutationOp::UpdatePlaylist {
            id: playlist,
            name: None,
            description: Some("Choir rehearsal at 9".into()),
        })
        .expect("describe");
    }
    sync(&phone, &client, &token).await;
    sync(&laptop, &client, &token).await;
    sync(&phone, &client, &token).await;

    let on_phone = order(&phone, playlist);
    let on_laptop = order(&laptop, playlist);
    assert_eq!(on_phone, on_laptop, "both devices show the same order");
    assert_eq!(on_phone.len(), 5, "no insert was lost: {on_phone:?}");
    assert_eq!(on_phone.first().map(String::as_str), Some("Hymn 0"));
    assert_eq!(on_phone[3..], ["Hymn 1".to_owned(), "Hymn 4".to_owned()]);
    for lib in [phone.lib(), laptop.lib()] {
        let p = &lib.playlists().expect("playlists")[0];
        assert_eq!(p.name, "Sunday morning", "the rename survived");
        assert_eq!(
            p.description.as_deref(),
            Some("Choir rehearsal at 9"),
            "so did the description"
        );
        assert!(p.synced);
        assert_eq!(lib.pending_count().expect("pending"), 0);
    }

    // Per-field last writer wins: both rename offline; the later push wins everywhere.
    phone
        .lib()
        .rename_playlist(playlist, "Phone's name")
        .expect("rename");
    laptop
        .lib()
        .rename_playlist(playlist, "Laptop's name")
        .expect("rename");
    sync(&phone, &client, &token).await;
    sync(&laptop, &client, &token).await;
    sync(&phone, &client, &token).await;
    for d in [&phone, &laptop] {
        assert_eq!(d.lib().playlists().expect("p")[0].name, "Laptop's name");
    }
    assert!(phone.path.exists() && laptop.path.exists());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn editing_a_playlist_that_another_device_deleted_is_shown_as_a_conflict() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = TestServer::start(
        &dir.path().join("server"),
        "127.0.0.1:0".parse().expect("addr"),
    )
    .await;
    let catalogue = tracks(3);
    cnt_backend::catalog::put_items(&server.db, &catalogue)
        .await
        .expect("seed");
    let (client, token, user) = sign_up(&server, "ben@example.org").await;
    let a = Device::open(dir.path(), "a", &server.url(), user);
    let b = Device::open(dir.path(), "b", &server.url(), user);
    sync(&a, &client, &token).await;
    let playlist = {
        let mut lib = a.lib();
        let p = lib.create_playlist("Youth night").expect("create");
        lib.add_to_playlist(p, catalogue[0].id, None).expect("add");
        p
    };
    sync(&a, &client, &token).await;
    sync(&b, &client, &token).await;

    // A deletes it and syncs; B, offline, keeps adding to it.
    a.lib().delete_playlist(playlist).expect("delete");
    sync(&a, &client, &token).await;
    b.lib()
        .add_to_playlist(playlist, catalogue[1].id, None)
        .expect("add offline");
    b.lib()
        .rename_playlist(playlist, "Youth night (final)")
        .expect("rename offline");
    let report = sync(&b, &client, &token).await;
    assert_eq!(report.refused, 2, "{report:?}");

    {
        let lib = b.lib();
        assert!(
            lib.playlists().expect("playlists").is_empty(),
            "the delete wins"
        );
        let conflicts = lib.conflicts().expect("conflicts");
        assert_eq!(conflicts.len(), 1, "{conflicts:?}");
        assert_eq!(conflicts[0].code, ErrorCode::Gone);
        assert_eq!(
            conflicts[0].items,
            vec![catalogue[0].id, catalogue[1].id],
            "what B had is kept"
        );
    }
    // Restoring makes a new playlist that syncs to A.
    let restored = {
        let mut lib = b.lib();
        let id = lib.conflicts().expect("c")[0].id;
        lib.restore_conflict(id, "Youth night (restored)")
            .expect("restore")
    };
    sync(&b, &client, &token).await;
    sync(&a, &client, &token).await;
    assert_eq!(order(&a, restored), vec!["Hymn 0", "Hymn 1"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mutation_is_applied_at_most_once_however_often_it_is_pushed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = TestServer::start(
        &dir.path().join("server"),
        "127.0.0.1:0".parse().expect("addr"),
    )
    .await;
    let catalogue = tracks(1);
    cnt_backend::catalog::put_items(&server.db, &catalogue)
        .await
        .expect("seed");
    let (client, token, user) = sign_up(&server, "cy@example.org").await;
    let p = PlaylistId::new();
    let batch = vec![
        Mutation {
            mutation_id: MutationId::new(),
            op: MutationOp::CreatePlaylist {
                id: p,
                name: "Once".into(),
                description: None,
            },
        },
        Mutation {
            mutation_id: MutationId::new(),
            op: MutationOp::RecordPlay {
                item_id: catalogue[0].id,
                position_ms: 1000,
                played_at: 5,
            },
        },
        Mutation {
            mutation_id: MutationId::new(),
            op: MutationOp::AddEntry {
                id: cnt_model::ids::PlaylistEntryId::new(),
                playlist_id: PlaylistId::new(),
                item_id: catalogue[0].id,
                position: "V".into(),
            },
        },
    ];
    let first = client.push(&token, &batch).await.expect("push");
    let second = client.push(&token, &batch).await.expect("push again");
    assert_eq!(first, second, "a replay gets the stored results");
    assert!(
        matches!(first.results[0].outcome, MutationOutcome::Applied { version } if version > 0)
    );
    assert!(matches!(
        first.results[2].outcome,
        MutationOutcome::Rejected {
            code: ErrorCode::NotFound,
            ..
        }
    ));
    let d = Device::open(dir.path(), "d", &server.url(), user);
    sync(&d, &client, &token).await;
    {
        let lib = d.lib();
        assert_eq!(lib.playlists().expect("p").len(), 1);
        assert_eq!(lib.home().expect("home").recent.len(), 1);
    }
    // Another user's data never reaches this device.
    let (_, other_token, _) = sign_up(&server, "dee@example.org").await;
    let page = client.changes(&other_token, 0, 1000).await.expect("feed");
    assert_eq!(page.changes.len(), 1, "only the catalogue: {page:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_that_goes_away_mid_sync_loses_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut server = TestServer::start(
        &dir.path().join("server"),
        "127.0.0.1:0".parse().expect("addr"),
    )
    .await;
    let addr = server.addr;
    cnt_backend::catalog::put_items(&server.db, &tracks(3500))
        .await
        .expect("seed");
    let (client, token, user) = sign_up(&server, "eve@example.org").await;
    let d = Device::open(dir.path(), "d", &server.url(), user);
    let mut pulled_pages = 0;
    let result = sync_once(&client, &token, &d.library, &mut |p| {
        if let cnt_sync::SyncProgress::Pulling { .. } = p {
            pulled_pages += 1;
            if pulled_pages == 1 {
                server.signal_stop();
            }
        }
    })
    .await;
    let err = result.expect_err("the server went away");
    assert!(matches!(err, SyncError::Server(_)), "{err}");
    let (_, _, cursor) = d.lib().sync_scope().expect("scope");
    let count = d.lib().count_items(None).expect("count");
    assert_eq!(
        count,
        cnt_sync::PAGE as u64,
        "exactly the applied page is kept"
    );
    assert!(cursor > 0);
    // Back online: the rest arrives, nothing twice.
    drop(server);
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let _server = TestServer::start(&dir.path().join("server"), addr).await;
    let report = sync(&d, &client, &token).await;
    assert_eq!(report.upserts, 3500 - u64::from(cnt_sync::PAGE));
    assert_eq!(d.lib().count_items(None).expect("count"), 3500);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_malformed_page_is_refused_whole() {
    use axum::routing::get;
    let app = axum::Router::new().route(
        "/api/v1/sync/changes",
        get(|| async {
            (
                [(axum::http::header::CONTENT_TYPE, "application/json")],
                r#"{"changes":[{"version":1,"op":"upsert","record":{"kind":"item","data":{"id":"00000000-0000-7000-8000-000000000001","kind":"track","title":"ok"}}},{"version":2,"op":"upsert","record":{"kind":"item","data":{"kind":"nonsense"}}}],"next_cursor":2,"has_more":false}"#,
            )
        }),
    )
    .route("/api/v1/sync/push", axum::routing::post(|| async { "{}" }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    let dir = tempfile::tempdir().expect("tempdir");
    let client = ServerClient::new(&url).expect("client");
    let d = Device::open(dir.path(), "d", &url, cnt_model::ids::UserId::new());
    let err = sync_once(&client, "token", &d.library, &mut |_| {})
        .await
        .expect_err("malformed");
    assert!(
        err.to_string()
            .contains("did not answer like a CNT Media server"),
        "{err}"
    );
    assert_eq!(
        d.lib().count_items(None).expect("count"),
        0,
        "not even the good first record"
    );
    assert_eq!(d.lib().sync_scope().expect("scope").2, 0);
}

/// A server with three real files, and a signed-in device.
async fn media_setup(
    dir: &std::path::Path,
) -> (TestServer, ServerClient, String, Device, Vec<CatalogItem>) {
    let server = TestServer::start(&dir.join("server"), "127.0.0.1:0".parse().expect("addr")).await;
    let mut items = Vec::new();
    for (i, size) in [1_000_000usize, 200_000, 100_000].into_iter().enumerate() {
        let bytes: Vec<u8> = (0..size).map(|b| ((b * (i + 7)) % 251) as u8).collect();
        let file = dir.join(format!("f{i}.bin"));
        std::fs::write(&file, &bytes).expect("write");
        let media = server
            .media
            .put_file(&server.db, &file, "audio/ogg")
            .await
            .expect("store");
        let mut t = CatalogItem::new(ItemKind::Track, format!("Recording {i}"));
        t.media = Some(media);
        items.push(t);
    }
    cnt_backend::catalog::put_items(&server.db, &items)
        .await
        .expect("seed");
    let (client, token, user) = sign_up(&server, "dl@example.org").await;
    let d = Device::open(dir, "d", &server.url(), user);
    sync(&d, &client, &token).await;
    (server, client, token, d, items)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn downloads_resume_verify_and_respect_the_quota() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (server, client, token, d, items) = media_setup(dir.path()).await;
    let media_dir = dir.path().join("d").join("media");
    // A partial file from an earlier, interrupted attempt: the first 600,000 of 1,000,000 bytes.
    let first = items[0].media.clone().expect("media");
    let original = std::fs::read(server.media.path(&first.hash)).expect("server file");
    std::fs::create_dir_all(media_dir.join("partial")).expect("dir");
    std::fs::write(
        media_dir
            .join("partial")
            .join(format!("{}.part", first.hash)),
        &original[..600_000],
    )
    .expect("partial");
    d.lib().queue_download(items[0].id, false).expect("queue");
    let mut reports = Vec::new();
    let (done, failed) = Downloader::new(&media_dir, u64::MAX)
        .run_queue(&client, &token, &d.library, &mut |p| reports.push(p.done))
        .await
        .expect("download");
    assert_eq!((done, failed), (1, 0));
    assert!(
        reports[0] > 600_000,
        "it resumed instead of starting over: {reports:?}"
    );
    assert_eq!(
        std::fs::read(media_dir.join(&first.hash)).expect("file"),
        original
    );
    assert!(
        !media_dir
            .join("partial")
            .join(format!("{}.part", first.hash))
            .exists()
    );
    assert!(
        d.lib()
            .search("Recording 0", 1)
            .expect("search")
            .hits()
            .any(|h| h.offline)
    );

    // Quota 1,250,000: the third file (1.3 MB in all) evicts the least recently used, the first.
    for item in &items[1..] {
        d.lib().queue_download(item.id, false).expect("queue");
    }
    let (done, failed) = Downloader::new(&media_dir, 1_250_000)
        .run_queue(&client, &token, &d.library, &mut |_| {})
        .await
        .expect("downloads");
    assert_eq!((done, failed), (2, 0));
    assert_eq!(d.lib().storage_used().expect("used"), 300_000);
    assert!(
        !media_dir.join(&first.hash).exists(),
        "the evicted file is deleted"
    );
    let kept: Vec<_> = d
        .lib()
        .downloads()
        .expect("list")
        .into_iter()
        .map(|x| x.item.id)
        .collect();
    assert_eq!(kept, vec![items[1].id, items[2].id]);
    // Pinned files are never evicted: with everything pinned, a file that does not fit fails clearly.
    d.lib().set_item_pinned(items[1].id, true).expect("pin");
    d.lib().set_item_pinned(items[2].id, true).expect("pin");
    d.lib().queue_download(items[0].id, false).expect("queue");
    let (done, failed) = Downloader::new(&media_dir, 1_250_000)
        .run_queue(&client, &token, &d.library, &mut |_| {})
        .await
        .expect("downloads");
    assert_eq!((done, failed), (0, 1));
    let list = d.lib().downloads().expect("list");
    let error = list
        .iter()
        .find(|x| x.item.id == items[0].id)
        .and_then(|x| x.error.clone());
    assert!(error.unwrap_or_default().contains("not enough room"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_that_fails_its_checksum_is_retried_then_reported_alone() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (server, client, token, d, items) = media_setup(dir.path()).await;
    // Corrupt the server's copy of the second file (same size, different bytes).
    let bad = items[1].media.clone().expect("media");
    let path = server.media.path(&bad.hash);
    let mut bytes = std::fs::read(&path).expect("read");
    bytes[1000] ^= 0xff;
    std::fs::write(&path, &bytes).expect("corrupt");
    for item in &items {
        d.lib().queue_download(item.id, false).expect("queue");
    }
    let downloader = Downloader::new(dir.path().join("d").join("media"), u64::MAX);
    let (done, failed) = downloader
        .run_queue(&client, &token, &d.library, &mut |_| {})
        .await
        .expect("downloads");
    assert_eq!((done, failed), (2, 1));
    let list = d.lib().downloads().expect("list");
    let failed_item = list
        .iter()
        .find(|x| x.item.id == items[1].id)
        .expect("listed");
    assert_eq!(failed_item.state, DownloadState::Failed);
    assert!(
        failed_item
            .error
            .as_deref()
            .unwrap_or("")
            .contains("checksum"),
        "{failed_item:?}"
    );
    assert!(
        !dir.path().join("d").join("media").join(&bad.hash).exists(),
        "never used unverified"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_disk_gives_a_clear_error_and_keeps_the_partial_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (_server, client, token, d, items) = media_setup(dir.path()).await;
    // A 150 KB file system for the media folder (root can mount tmpfs; CI runs as root).
    let media_dir = dir.path().join("small-disk");
    std::fs::create_dir_all(&media_dir).expect("dir");
    let mounted = std::process::Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=150k", "tmpfs"])
        .arg(&media_dir)
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    if !mounted {
        eprintln!("SKIPPED: cannot mount a small tmpfs here (needs root)");
        return;
    }
    struct Unmount(std::path::PathBuf);
    impl Drop for Unmount {
        fn drop(&mut self) {
            let _ = std::process::Command::new("umount").arg(&self.0).status();
        }
    }
    let _guard = Unmount(media_dir.clone());
    d.lib().queue_download(items[0].id, false).expect("queue");
    let downloader = Downloader::new(&media_dir, u64::MAX);
    let (done, failed) = downloader
        .run_queue(&client, &token, &d.library, &mut |_| {})
        .await
        .expect("runs");
    assert_eq!((done, failed), (0, 1));
    let list = d.lib().downloads().expect("list");
    let error = list[0].error.clone().unwrap_or_default();
    assert!(error.contains("disk is full"), "{error}");
    let hash = items[0].media.clone().expect("media").hash;
    let partial = media_dir.join("partial").join(format!("{hash}.part"));
    let kept = std::fs::metadata(&partial).map(|m| m.len()).unwrap_or(0);
    assert!(
        kept > 50_000,
        "the partial file is kept for resuming: {kept} bytes"
    );
    assert!(list[0].bytes_done > 0 || kept > 0);
}

fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read dir") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_restored_from_an_older_backup_is_resynced_from_scratch() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("server");
    let server = TestServer::start(&data, "127.0.0.1:0".parse().expect("addr")).await;
    let addr = server.addr;
    cnt_backend::catalog::put_items(&server.db, &tracks(3))
        .await
        .expect("seed");
    let (client, token, user) = sign_up(&server, "fay@example.org").await;
    let d = Device::open(dir.path(), "d", &server.url(), user);
    sync(&d, &client, &token).await;
    // The operator's backup, taken with the server stopped.
    server.stop().await;
    copy_dir(&data, &dir.path().join("backup"));
    let server = TestServer::start(&data, addr).await;
    cnt_backend::catalog::put_items(&server.db, &tracks(5))
        .await
        .expect("more");
    sync(&d, &client, &token).await;
    assert_eq!(d.lib().count_items(None).expect("count"), 8);
    // Disaster: the server comes back from the older backup.
    server.stop().await;
    std::fs::remove_dir_all(&data).expect("wipe");
    copy_dir(&dir.path().join("backup"), &data);
    let _server = TestServer::start(&data, addr).await;
    d.lib().create_playlist("Made meanwhile").expect("edit");
    let report = sync(&d, &client, &token).await;
    assert!(report.resynced, "{report:?}");
    assert_eq!(
        d.lib().count_items(None).expect("count"),
        3,
        "what the server lost is not shown as if it were there"
    );
    assert_eq!(
        d.lib().playlists().expect("playlists").len(),
        1,
        "the unsent edit survived"
    );
    assert_eq!(d.lib().pending_count().expect("pending"), 0);
}
