//! Playing items that are not downloaded: the app streams them from their growing download, against
//! a real server on 127.0.0.1, and keeps the downloads.

use std::time::Duration;

use cnt_app::{CatalogItem, Core, CoreEvent, ItemKind, MemorySink, NowPlaying, PlaybackStatus};
use cnt_e2e::TestServer;
use cnt_library::DownloadJob;
use cnt_sync::{DownloadFeed, DownloadOutcome, Downloader};

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

/// A server with the three gapless FLAC tracks (10 s of audio in all) in its catalogue, and a
/// signed-in, synced core that has downloaded none of them.
async fn setup(dir: &std::path::Path) -> (TestServer, Core, Vec<CatalogItem>) {
    let server = TestServer::start(&dir.join("server"), "127.0.0.1:0".parse().expect("addr")).await;
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
    cnt_sync::ServerClient::new(&server.url())
        .expect("client")
        .register("ana@example.org", "correct horse battery", "ana")
        .await
        .expect("register");
    let core = Core::start(crate::options(dir, &server.url())).expect("core");
    crate::wait(&core, cnt_app::ConnectionState::is_online).await;
    core.sign_in("ana@example.org", "correct horse battery")
        .await
        .expect("sign in");
    core.sync_now(&mut |_| {}).await.expect("sync");
    for i in &items {
        assert_eq!(core.offline_file(i.id).expect("library"), None);
    }
    (server, core, items)
}

/// Plays `ids` from the first into a memory sink until the queue ends; returns the snapshots seen
/// and the frames the sink received.
async fn play_through(core: &Core, ids: &[cnt_app::ItemId]) -> (Vec<NowPlaying>, u64) {
    let (sink, tap) = MemorySink::gated(44_100, 2);
    core.use_audio_output(Box::new(sink));
    let mut events = core.subscribe();
    let clicked = std::time::Instant::now();
    let outcome = core.play_items(ids, 0).expect("play");
    let returned = clicked.elapsed();
    assert_eq!(outcome.queued, 3);
    assert_eq!(outcome.streaming, ids, "all three stream");
    assert!(outcome.not_downloaded.is_empty());
    tap.open();
    let mut saw_last = false;
    let mut first_audio = None;
    let seen = watch(&mut events, |n| {
        if n.current.is_some() && first_audio.is_none() {
            first_audio = Some(clicked.elapsed());
        }
        saw_last |= n.current == Some(2);
        saw_last && n.status == PlaybackStatus::Stopped && n.current.is_none()
    })
    .await;
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
    // A figure for docs, never an assertion.
    eprintln!("play_items returned after {returned:?}; first track started after {first_audio:?}");
    (seen, tap.frames())
}

/// Every item is (or becomes: the last bytes can be played before the checksum and the rename are
/// done) an ordinary, verified download with the server's bytes.
async fn kept(core: &Core, server: &TestServer, items: &[CatalogItem]) {
    for item in items {
        let file = tokio::time::timeout(Duration::from_secs(30), async {
            loop {
                if let Some(f) = core.offline_file(item.id).expect("library") {
                    return f;
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        })
        .await
        .unwrap_or_else(|_| panic!("{} was kept", item.title));
        let media = item.media.as_ref().expect("media");
        assert_eq!(
            std::fs::read(&file).expect("file"),
            std::fs::read(server.media.path(&media.hash)).expect("server file")
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn items_not_downloaded_play_while_they_download_and_stay_downloaded() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (server, core, items) = setup(dir.path()).await;
    let ids: Vec<_> = items.iter().map(|i| i.id).collect();
    let (seen, frames) = play_through(&core, &ids).await;
    assert!(
        seen.iter().any(|n| n.loading.as_deref() == Some("Track 1")),
        "Now Playing said it was loading the first track"
    );
    assert_eq!(seen.last().and_then(|n| n.loading.clone()), None);
    // The whole 10 s signal, joined without a gap or an overlap.
    assert_eq!(frames, 441_000);

    // The streamed files are kept as ordinary, verified downloads.
    kept(&core, &server, &items).await;
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_background_download_of_the_same_files_waits_its_turn() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (server, core, items) = setup(dir.path()).await;
    let ids: Vec<_> = items.iter().map(|i| i.id).collect();
    // The background downloader runs the queue (which the play filled) at the same time as the
    // streamed downloads: each file has one writer at a time, and neither side fails.
    let background = {
        let core = core.clone();
        tokio::spawn(async move { core.download_now(&mut |_| {}).await })
    };
    let (_, frames) = play_through(&core, &ids).await;
    assert_eq!(frames, 441_000);
    let (_, failed) = background
        .await
        .expect("task")
        .expect("background downloads");
    assert_eq!(failed, 0);
    kept(&core, &server, &items).await;
}

/// What a [`DownloadFeed`] was told, in order.
#[derive(Default)]
struct Recorder(std::sync::Mutex<Vec<String>>);

impl Recorder {
    fn push(&self, s: String) {
        self.0.lock().expect("lock").push(s);
    }

    fn calls(&self) -> Vec<String> {
        self.0.lock().expect("lock").clone()
    }
}

impl DownloadFeed for Recorder {
    fn written(&self, written: u64) {
        self.push(format!("written {written}"));
    }

    fn restarted(&self) {
        self.push("restarted".into());
    }

    fn complete(&self, path: &std::path::Path) {
        self.push(format!("complete {}", path.display()));
    }

    fn failed(&self, reason: &str) {
        self.push(format!("failed {reason}"));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_downloader_reports_growth_then_completion_or_failure() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (server, core, items) = setup(dir.path()).await;
    let client = cnt_sync::ServerClient::new(&server.url()).expect("client");
    let token = client
        .login("ana@example.org", "correct horse battery")
        .await
        .expect("login")
        .access_token;
    let media_dir = dir.path().join("media");
    let library = std::sync::Arc::new(std::sync::Mutex::new(
        cnt_library::Library::open_in_memory().expect("library"),
    ));
    let downloader = Downloader::new(&media_dir, u64::MAX);
    let job = |item: &CatalogItem, bytes_done| {
        let m = item.media.as_ref().expect("media");
        DownloadJob {
            item_id: item.id,
            hash: m.hash.clone(),
            size: m.size,
            bytes_done,
            attempts: 0,
        }
    };
    drop(core);

    // Resumed from a part kept from an earlier attempt: growth starts at the part's length, only
    // once the server agreed to the range, and grows to the end before completion.
    let first = items[0].media.as_ref().expect("media");
    let original = std::fs::read(server.media.path(&first.hash)).expect("server file");
    std::fs::create_dir_all(media_dir.join("partial")).expect("dir");
    std::fs::write(downloader.partial_of(&first.hash), &original[..50_000]).expect("part");
    let feed = Recorder::default();
    let outcome = downloader
        .download_with(
            &client,
            &token,
            &library,
            &job(&items[0], 50_000),
            &mut |_| {},
            Some(&feed),
        )
        .await
        .expect("download");
    assert_eq!(outcome, DownloadOutcome::Done);
    let calls = feed.calls();
    assert_eq!(calls[0], "written 50000", "{calls:?}");
    let sizes: Vec<u64> = calls
        .iter()
        .filter_map(|c| c.strip_prefix("written ")?.parse().ok())
        .collect();
    assert!(sizes.windows(2).all(|w| w[0] < w[1]), "{sizes:?}");
    assert_eq!(sizes.last(), Some(&first.size));
    assert_eq!(
        calls.last().map(String::as_str),
        Some(format!("complete {}", downloader.path_of(&first.hash).display()).as_str())
    );
    assert_eq!(
        std::fs::read(downloader.path_of(&first.hash)).expect("file"),
        original
    );

    // A file whose bytes do not match its hash: growth, then the failure with its reason.
    let second = items[1].media.as_ref().expect("media");
    let path = server.media.path(&second.hash);
    let mut bytes = std::fs::read(&path).expect("server file");
    bytes[1_000] ^= 0xff;
    std::fs::write(&path, &bytes).expect("corrupt the server copy");
    let feed = Recorder::default();
    let outcome = downloader
        .download_with(
            &client,
            &token,
            &library,
            &job(&items[1], 0),
            &mut |_| {},
            Some(&feed),
        )
        .await
        .expect("download");
    assert!(
        matches!(
            outcome,
            DownloadOutcome::Retrying(_) | DownloadOutcome::Failed(_)
        ),
        "{outcome:?}"
    );
    let calls = feed.calls();
    assert!(
        calls[0].starts_with("restarted") || calls[0].starts_with("written"),
        "{calls:?}"
    );
    assert_eq!(
        calls.last().map(String::as_str),
        Some("failed the downloaded file did not match its checksum")
    );
    assert!(!downloader.partial_of(&second.hash).exists());
}
