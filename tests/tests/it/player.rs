//! The player's ties to the server, through a signed-in core: artwork fetched after a sync (and
//! verified), and resume positions written while playing, at pause and at the end, then synced to
//! the user's other device.

use std::process::Command;
use std::sync::Arc;
use std::time::Duration;

use cnt_app::{Core, CoreEvent, CoreOptions, MemorySink, MemoryStore, NowPlaying, PlaybackStatus};
use cnt_e2e::TestServer;
use cnt_model::ids::ItemId;
use cnt_model::sync::{CatalogItem, ItemKind};

const PASSWORD: &str = "correct horse battery";

async fn server(root: &std::path::Path) -> TestServer {
    let server =
        TestServer::start(&root.join("server"), "127.0.0.1:0".parse().expect("addr")).await;
    cnt_sync::ServerClient::new(&server.url())
        .expect("client")
        .register("ana@example.org", PASSWORD, "ana")
        .await
        .expect("register");
    server
}

async fn device(root: &std::path::Path, name: &str, server: &TestServer) -> Core {
    let dir = root.join(name);
    let core = Core::start(CoreOptions {
        data_dir: Some(dir.join("data")),
        config_file: Some(dir.join("config.toml")),
        server: Some(server.url()),
        secrets: Some(Arc::new(MemoryStore::new())),
        timing: None,
    })
    .expect("core");
    core.sign_in("ana@example.org", PASSWORD)
        .await
        .expect("sign in");
    core.sync_now(&mut |_| {}).await.expect("sync");
    core
}

fn svg(colour: &str) -> String {
    format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 8 8"><rect width="8" height="8" fill="{colour}"/></svg>"#
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn artwork_is_fetched_after_a_sync_verified_and_shared_by_hash() {
    let root = tempfile::tempdir().expect("tempdir");
    let server = server(root.path()).await;
    let mut covers = Vec::new();
    for (name, colour) in [("album", "teal"), ("podcast", "maroon"), ("broken", "gold")] {
        let file = root.path().join(format!("{name}.svg"));
        std::fs::write(&file, svg(colour)).expect("cover");
        covers.push(
            server
                .media
                .put_file(&server.db, &file, "image/svg+xml")
                .await
                .expect("upload"),
        );
    }
    let mut album = CatalogItem::new(ItemKind::Album, "Still Waters");
    album.artwork = Some(covers[0].clone());
    let mut track = CatalogItem::new(ItemKind::Track, "Psalm 23");
    track.album_id = Some(album.id);
    track.artwork = Some(covers[0].clone());
    let mut podcast = CatalogItem::new(ItemKind::Podcast, "Sunday Sermons");
    podcast.artwork = Some(covers[1].clone());
    let mut other = CatalogItem::new(ItemKind::Album, "Damaged cover");
    other.artwork = Some(covers[2].clone());
    cnt_backend::catalog::put_items(&server.db, &[album, track, podcast, other])
        .await
        .expect("catalogue");
    // The server's copy of the third image goes bad on its disk: the device must refuse it.
    std::fs::write(server.media.path(&covers[2].hash), svg("black")).expect("damage");

    let core = device(root.path(), "laptop", &server).await;
    let mut events = core.subscribe();
    let report = core.fetch_artwork().await.expect("artwork");
    assert_eq!(report.fetched, 2, "{report:?}");
    assert_eq!(report.present, 0);
    assert_eq!(report.failed.len(), 1, "{report:?}");
    assert_eq!(report.failed[0].0, covers[2].hash);
    assert!(
        report.failed[0].1.contains("checksum"),
        "{:?}",
        report.failed[0]
    );
    assert!(
        core.artwork_file(&covers[2].hash).is_none(),
        "nothing half-written"
    );
    let leftovers: Vec<_> = std::fs::read_dir(core.artwork_dir())
        .expect("dir")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    let uri = core
        .artwork_data_uri(&covers[0].hash)
        .expect("the album cover is on the device");
    assert!(uri.starts_with("data:image/svg+xml;base64,"), "{uri}");
    // Screens hear about it.
    let changed = tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            if let Ok(CoreEvent::LibraryChanged) = events.recv().await {
                return;
            }
        }
    })
    .await;
    assert!(changed.is_ok(), "a LibraryChanged event after new artwork");

    // Once repaired, the next round fetches only what is missing.
    std::fs::write(server.media.path(&covers[2].hash), svg("gold")).expect("repair");
    let report = core.fetch_artwork().await.expect("artwork");
    assert_eq!((report.fetched, report.present), (1, 2), "{report:?}");
    // Offline, everything is here already: no request is made, no error.
    server.stop().await;
    let report = core.fetch_artwork().await.expect("all present");
    assert_eq!((report.fetched, report.present), (0, 3));
}

/// A 40 s stereo WAV made by sox.
fn long_track(dir: &std::path::Path) -> std::path::PathBuf {
    let path = dir.join("long.wav");
    let out = Command::new("sox")
        .args(["-n", "-r", "44100", "-c", "2", "-b", "16"])
        .arg(&path)
        .args(["synth", "40", "sine", "440", "vol", "0.3"])
        .output()
        .expect("sox runs (package sox)");
    assert!(out.status.success(), "{out:?}");
    path
}

async fn snapshot_until(
    events: &mut tokio::sync::broadcast::Receiver<CoreEvent>,
    mut until: impl FnMut(&NowPlaying) -> bool,
) -> NowPlaying {
    tokio::time::timeout(Duration::from_secs(60), async {
        loop {
            match events.recv().await {
                Ok(CoreEvent::Player(now)) if until(&now) => return now,
                Ok(_) => {}
                Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {}
                Err(e) => panic!("{e}"),
            }
        }
    })
    .await
    .expect("the player got there")
}

fn resume_at(core: &Core, item: ItemId) -> Option<u64> {
    core.home()
        .expect("home")
        .continue_listening
        .into_iter()
        .find(|(i, _)| i.id == item)
        .map(|(_, at)| at)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resume_positions_are_written_while_playing_and_reach_the_other_device() {
    let root = tempfile::tempdir().expect("tempdir");
    let server = server(root.path()).await;
    let media = server
        .media
        .put_file(&server.db, &long_track(root.path()), "audio/wav")
        .await
        .expect("upload");
    let mut sermon = CatalogItem::new(ItemKind::Episode, "Grace upon grace");
    sermon.duration_ms = Some(40_000);
    sermon.media = Some(media);
    let id = sermon.id;
    let mut hymn = CatalogItem::new(ItemKind::Track, "Amazing Grace");
    hymn.duration_ms = Some(180_000);
    let song = hymn.id;
    cnt_backend::catalog::put_items(&server.db, &[sermon, hymn])
        .await
        .expect("catalogue");

    let laptop = device(root.path(), "laptop", &server).await;
    laptop.download(id, true).expect("queue");
    laptop.download_now(&mut |_| {}).await.expect("download");
    let (sink, tap) = MemorySink::gated(44_100, 2);
    laptop.use_audio_output(Box::new(sink));
    let mut events = laptop.subscribe();
    laptop.play_items(&[id], 0).expect("play");

    // 16 s in and still playing: the position was saved on the way (every 15 s).
    tap.allow(16 * 44_100);
    snapshot_until(&mut events, |n| n.position_ms >= 15_500).await;
    let saved = resume_at(&laptop, id).expect("a resume position while playing");
    assert!((15_000..=16_000).contains(&saved), "{saved}");

    // Paused at about 17 s: saved at the pause.
    tap.allow(44_100);
    snapshot_until(&mut events, |n| n.position_ms >= 16_500).await;
    laptop.pause().expect("pause");
    tap.allow(44_100);
    let paused = snapshot_until(&mut events, |n| n.status == PlaybackStatus::Paused).await;
    let saved = resume_at(&laptop, id).expect("saved at the pause");
    assert!((16_500..=18_000).contains(&saved), "{saved}");
    assert!(
        saved.abs_diff(paused.position_ms) <= 250,
        "{saved} vs {}",
        paused.position_ms
    );

    // The phone sees the same place after a sync.
    laptop.sync_now(&mut |_| {}).await.expect("push");
    let phone = device(root.path(), "phone", &server).await;
    assert_eq!(resume_at(&phone, id), Some(saved));

    // Played there, it picks up where the laptop left it (an episode resumes; a song would not).
    assert_eq!(phone.resume_at(id).expect("resume"), Some(saved));
    phone.record_play(song, 60_000).expect("a song half heard");
    assert_eq!(
        phone.resume_at(song).expect("resume"),
        None,
        "songs start over"
    );
    phone.download(id, true).expect("queue");
    phone.download_now(&mut |_| {}).await.expect("download");
    let (phone_sink, phone_tap) = MemorySink::gated(44_100, 2);
    phone.use_audio_output(Box::new(phone_sink));
    let mut phone_events = phone.subscribe();
    phone.play_items(&[id], 0).expect("play on the phone");
    phone_tap.allow(4_410);
    let first = snapshot_until(&mut phone_events, |n| {
        n.current.is_some() && n.position_ms > 0
    })
    .await;
    assert!(
        (saved..saved + 500).contains(&first.position_ms),
        "{} from {saved}",
        first.position_ms
    );
    phone_tap.open();
    snapshot_until(&mut phone_events, |n| {
        n.status == PlaybackStatus::Stopped && n.current.is_none()
    })
    .await;
    let skipped = saved * 441 / 10;
    assert!(
        phone_tap.frames().abs_diff(40 * 44_100 - skipped) <= 1,
        "{} frames heard after resuming at {saved} ms",
        phone_tap.frames()
    );

    // Heard to the end: nothing left to resume.
    laptop.play().expect("play on");
    tap.open();
    snapshot_until(&mut events, |n| {
        n.status == PlaybackStatus::Stopped && n.current.is_none()
    })
    .await;
    assert_eq!(tap.frames(), 40 * 44_100, "the whole file was heard");
    assert_eq!(
        resume_at(&laptop, id),
        None,
        "finished items leave Continue listening"
    );
    laptop.sync_now(&mut |_| {}).await.expect("push");
    phone.sync_now(&mut |_| {}).await.expect("pull");
    assert_eq!(resume_at(&phone, id), None);
}
