//! Playing items that are not downloaded: the app streams them from their growing download, against
//! a real server on 127.0.0.1, and keeps the downloads.

use std::time::Duration;

use cnt_app::{CatalogItem, Core, CoreEvent, ItemKind, MemorySink, NowPlaying, PlaybackStatus};
use cnt_e2e::TestServer;

const GAPLESS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../shared/data/gapless/44k/flac"
);

/// Player snapshots until `until` holds (30 s at most); returns every one seen.
async fn watch(
    events: &mut tokio::sync::broadcast::Receiver<CoreEvent>,
    mut until: impl FnMut(&NowPlaying) -> bool,
) -> Vec<NowPlaying> {
    let mut seen = Vec::new();
    tokio::time::timeout(Duration::from_secs(30), async {
        loop {
            match events.recv().await {
                Ok(CoreEvent::Player(now)) => {
                    let done = until(&now);
                    seen.push(now);
                    if done {
                        return;
                    }
                }
                Ok(_) => {}
                Err(tokio::sync::broadcast::error::RecvError::Lagged(n)) => {
                    panic!("the test fell {n} events behind")
                }
                Err(e) => panic!("{e}"),
            }
        }
    })
    .await
    .unwrap_or_else(|_| panic!("no snapshot matched; the last: {:?}", seen.last()));
    seen
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn items_not_downloaded_play_while_they_download_and_stay_downloaded() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = TestServer::start(
        &dir.path().join("server"),
        "127.0.0.1:0".parse().expect("addr"),
    )
    .await;
    // The three tracks of the shared gapless set (10 s of audio in all), in the catalogue.
    let mut items = Vec::new();
    for n in 1..=3 {
        let file = std::path::Path::new(GAPLESS).join(format!("track0{n}.flac"));
        let media = server
            .media
            .put_file(&server.db, &file, "audio/flac")
            .await
            .expect("store");
        let mut t = CatalogItem::new(ItemKind::Track, format!("Track {n}"));
        t.media = Some(media);
        items.push(t);
    }
    cnt_backend::catalog::put_items(&server.db, &items)
        .await
        .expect("seed");
    let ids: Vec<_> = items.iter().map(|i| i.id).collect();

    cnt_sync::ServerClient::new(&server.url())
        .expect("client")
        .register("ana@example.org", "correct horse battery", "ana")
        .await
        .expect("register");
    let core = Core::start(crate::options(dir.path(), &server.url())).expect("core");
    crate::wait(&core, cnt_app::ConnectionState::is_online).await;
    core.sign_in("ana@example.org", "correct horse battery")
        .await
        .expect("sign in");
    core.sync_now(&mut |_| {}).await.expect("sync");
    for id in &ids {
        assert_eq!(core.offline_file(*id).expect("library"), None);
    }

    let (sink, tap) = MemorySink::gated(44_100, 2);
    core.use_audio_output(Box::new(sink));
    let mut events = core.subscribe();
    let outcome = core.play_items(&ids, 0).expect("play");
    assert_eq!(outcome.queued, 3);
    assert_eq!(outcome.streaming, ids, "all three stream");
    assert!(outcome.not_downloaded.is_empty());
    tap.open();
    let mut saw_last = false;
    let seen = watch(&mut events, |n| {
        saw_last |= n.current == Some(2);
        saw_last && n.status == PlaybackStatus::Stopped && n.current.is_none()
    })
    .await;

    assert!(
        seen.iter().any(|n| n.loading.as_deref() == Some("Track 1")),
        "Now Playing said it was loading the first track"
    );
    let mut heard: Vec<&str> = Vec::new();
    for now in &seen {
        if let Some(e) = now.current_entry()
            && heard.last() != Some(&e.title.as_str())
        {
            heard.push(&e.title);
        }
    }
    assert_eq!(heard, ["Track 1", "Track 2", "Track 3"]);
    assert!(
        seen.iter().all(|n| n.last_error.is_none()),
        "no track error"
    );
    assert_eq!(seen.last().and_then(|n| n.loading.clone()), None);
    // The whole 10 s signal, joined without a gap or an overlap.
    assert_eq!(tap.frames(), 441_000);

    // The streamed files are kept as ordinary, verified downloads.
    for (id, item) in ids.iter().zip(&items) {
        let file = core
            .offline_file(*id)
            .expect("library")
            .unwrap_or_else(|| panic!("{} was kept", item.title));
        let media = item.media.as_ref().expect("media");
        assert_eq!(
            std::fs::read(&file).expect("file"),
            std::fs::read(server.media.path(&media.hash)).expect("server file")
        );
    }
    let (used, _) = core.storage().expect("storage");
    let sizes: u64 = items
        .iter()
        .filter_map(|i| i.media.as_ref())
        .map(|m| m.size)
        .sum();
    assert_eq!(used, sizes, "the streamed files count in the quota");
    assert!(
        !core
            .media_dir()
            .join("partial")
            .read_dir()
            .expect("partial dir")
            .any(|e| e
                .expect("entry")
                .path()
                .extension()
                .is_some_and(|x| x == "part")),
        "no partial file left"
    );
}
