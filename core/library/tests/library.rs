//! The library against real SQLite files: feed pages, search, edits and the outbox, conflicts,
//! downloads and eviction.

use cnt_library::{DownloadState, Error, Library};
use cnt_model::ErrorCode;
use cnt_model::ids::{ItemId, PlaylistEntryId, PlaylistId, UserId};
use cnt_model::sync::{
    CatalogItem, Change, ChangeOp, ChangesPage, ItemKind, MediaRef, MutationOp, MutationOutcome,
    MutationResult, Playlist, PlaylistEntry, Record, RecordKind,
};

fn open(dir: &tempfile::TempDir) -> Library {
    let mut lib = Library::open(&dir.path().join("library.db"))
        .expect("open")
        .library;
    lib.set_sync_scope("http://127.0.0.1:1", UserId::new())
        .expect("scope");
    lib
}

fn track(title: &str) -> CatalogItem {
    let mut t = CatalogItem::new(ItemKind::Track, title);
    t.subtitle = Some("Demo Choir".into());
    t
}

fn with_media(mut item: CatalogItem, byte: u8, size: u64) -> CatalogItem {
    item.media = Some(MediaRef {
        hash: format!("{:02x}", byte).repeat(32),
        size,
        mime: "audio/ogg".into(),
    });
    item
}

fn page(start: i64, records: Vec<Record>) -> ChangesPage {
    let changes: Vec<Change> = records
        .into_iter()
        .enumerate()
        .map(|(i, record)| Change {
            version: start + i as i64,
            op: ChangeOp::Upsert { record },
        })
        .collect();
    ChangesPage {
        next_cursor: changes.last().map_or(start - 1, |c| c.version),
        head: changes.last().map_or(start - 1, |c| c.version),
        changes,
        has_more: false,
    }
}

fn apply(lib: &mut Library, records: Vec<Record>) {
    let (_, _, cursor) = lib.sync_scope().expect("scope");
    lib.apply_page(cursor, &page(cursor + 1, records))
        .expect("apply");
}

#[test]
fn a_page_and_its_cursor_apply_together_and_stale_pages_are_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut lib = open(&dir);
    let items: Vec<Record> = (0..50)
        .map(|i| Record::Item(Box::new(track(&format!("Song {i}")))))
        .collect();
    let stats = lib.apply_page(0, &page(1, items)).expect("apply");
    assert_eq!(stats.upserts, 50);
    assert_eq!(stats.cursor, 50);
    assert_eq!(lib.count_items(Some(ItemKind::Track)).expect("count"), 50);
    // The same page again (a retry after a crash before the response was read) is refused whole.
    let again = lib.apply_page(0, &page(1, vec![Record::Item(Box::new(track("x")))]));
    assert!(matches!(
        again,
        Err(Error::StaleCursor {
            expected: 0,
            found: 50
        })
    ));
    assert_eq!(lib.count_items(None).expect("count"), 50);
    // A tombstone removes the item from search too.
    let gone = lib.items_by_kind(ItemKind::Track, 0, 1).expect("list")[0].id;
    lib.apply_page(
        50,
        &ChangesPage {
            changes: vec![Change {
                version: 51,
                op: ChangeOp::Delete {
                    kind: RecordKind::Item,
                    key: gone.to_string(),
                },
            }],
            next_cursor: 51,
            has_more: false,
            head: 51,
        },
    )
    .expect("delete");
    assert!(lib.item(gone).expect("item").is_none());
    assert_eq!(lib.count_items(None).expect("count"), 49);
}

#[test]
fn search_folds_accents_matches_prefixes_and_groups_by_kind() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut lib = open(&dir);
    let mut album = CatalogItem::new(ItemKind::Album, "Canciones de Gracia");
    album.subtitle = Some("Coro".into());
    let mut song = track("Canción del Señor");
    song.album_title = Some(album.title.clone());
    let mut hymn = track("Amazing Grace");
    hymn.lyrics = Some("how sweet the sound that saved a wretch like me".into());
    let artist = CatalogItem::new(ItemKind::Artist, "Grace Choir");
    apply(
        &mut lib,
        vec![
            Record::Item(Box::new(album)),
            Record::Item(Box::new(song.clone())),
            Record::Item(Box::new(hymn.clone())),
            Record::Item(Box::new(artist)),
        ],
    );
    let r = lib.search("cancion senor", 10).expect("search");
    assert_eq!(r.hits().next().map(|h| h.id), Some(song.id), "{r:?}");
    let r = lib.search("gra", 10).expect("search");
    let kinds: Vec<ItemKind> = r.groups.iter().map(|(k, _)| *k).collect();
    assert_eq!(
        kinds,
        vec![ItemKind::Track, ItemKind::Album, ItemKind::Artist]
    );
    // Lyrics are searched; a one-letter prefix works; punctuation is ignored, not an FTS error.
    assert_eq!(
        lib.search("wretch", 5)
            .expect("lyrics")
            .hits()
            .next()
            .map(|h| h.id),
        Some(hymn.id)
    );
    // Grace (title), Gracia (album and, through album_title, its song), Grace Choir.
    assert_eq!(lib.search("g", 5).expect("one letter").hits().count(), 4);
    assert!(lib.search("\"(*:^", 5).expect("junk").groups.is_empty());
    assert!(lib.search("zzzz", 5).expect("none").groups.is_empty());
    // The word "track" (a kind name) does not match every track.
    assert!(lib.search("track", 5).expect("kind word").groups.is_empty());
}

#[test]
fn common_words_list_titles_that_start_with_them_first() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut lib = open(&dir);
    let mut records = Vec::new();
    for i in 0..(cnt_library::RANK_CAP + 50) {
        records.push(Record::Item(Box::new(track(&format!("Song of love {i}")))));
    }
    let first = track("Love Divine");
    records.push(Record::Item(Box::new(first.clone())));
    apply(&mut lib, records);
    let r = lib.search("love", 5).expect("search");
    let hits: Vec<_> = r.hits().collect();
    assert_eq!(hits.len(), 5);
    assert_eq!(hits[0].id, first.id, "{hits:?}");
}

#[test]
fn edits_write_their_outbox_row_in_the_same_transaction() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut lib = open(&dir);
    let a = track("A");
    let b = track("B");
    apply(
        &mut lib,
        vec![
            Record::Item(Box::new(a.clone())),
            Record::Item(Box::new(b.clone())),
        ],
    );
    let p = lib.create_playlist("Sunday").expect("create");
    let ea = lib.add_to_playlist(p, a.id, None).expect("add a");
    let eb = lib.add_to_playlist(p, b.id, Some(0)).expect("add b first");
    lib.set_favorite(a.id, true).expect("fav");
    lib.record_play(a.id, 30_000).expect("play");
    assert_eq!(lib.pending_count().expect("pending"), 5);
    let entries = lib.playlist_entries(p).expect("entries");
    assert_eq!(
        entries.iter().map(|e| e.id).collect::<Vec<_>>(),
        vec![eb, ea]
    );
    lib.move_entry(eb, 1).expect("move");
    let entries = lib.playlist_entries(p).expect("entries");
    assert_eq!(
        entries.iter().map(|e| e.id).collect::<Vec<_>>(),
        vec![ea, eb]
    );
    assert!(matches!(lib.create_playlist("   "), Err(Error::Invalid(_))));
    assert!(matches!(
        lib.add_to_playlist(p, ItemId::new(), None),
        Err(Error::NotFound("item"))
    ));
    // Everything survives a reopen.
    drop(lib);
    let lib = Library::open(&dir.path().join("library.db"))
        .expect("reopen")
        .library;
    assert_eq!(lib.pending_count().expect("pending"), 6);
    let pending = lib.pending(100).expect("pending");
    assert!(matches!(pending[0].op, MutationOp::CreatePlaylist { .. }));
    assert_eq!(lib.favorites().expect("favs").len(), 1);
    assert_eq!(lib.resume_position(a.id).expect("resume"), Some(30_000));
    assert_eq!(lib.home().expect("home").continue_listening.len(), 1);
}

#[test]
fn editing_needs_an_account_on_this_device() {
    let mut lib = Library::open_in_memory().expect("open");
    assert!(matches!(lib.create_playlist("x"), Err(Error::NoAccount)));
    assert_eq!(lib.pending_count().expect("pending"), 0);
}

#[test]
fn pending_edits_are_replayed_over_fresher_server_data() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut lib = open(&dir);
    let p = PlaylistId::new();
    apply(
        &mut lib,
        vec![Record::Playlist(Playlist {
            id: p,
            name: "Old".into(),
            description: None,
            created_at: 1,
        })],
    );
    lib.rename_playlist(p, "Mine").expect("rename");
    // The server's copy arrives with another device's description but the old name.
    apply(
        &mut lib,
        vec![Record::Playlist(Playlist {
            id: p,
            name: "Old".into(),
            description: Some("From the tablet".into()),
            created_at: 1,
        })],
    );
    let shown = &lib.playlists().expect("playlists")[0];
    assert_eq!(shown.name, "Mine", "the unsent rename still shows");
    assert_eq!(shown.description.as_deref(), Some("From the tablet"));
}

#[test]
fn a_playlist_deleted_elsewhere_while_edited_here_becomes_a_visible_conflict() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut lib = open(&dir);
    let a = track("A");
    let p = PlaylistId::new();
    let entry = PlaylistEntryId::new();
    apply(
        &mut lib,
        vec![
            Record::Item(Box::new(a.clone())),
            Record::Playlist(Playlist {
                id: p,
                name: "Youth night".into(),
                description: None,
                created_at: 1,
            }),
            Record::PlaylistEntry(PlaylistEntry {
                id: entry,
                playlist_id: p,
                item_id: a.id,
                position: "V".into(),
                added_at: 1,
            }),
        ],
    );
    lib.add_to_playlist(p, a.id, None).expect("add offline");
    lib.move_entry(entry, 1).expect("move offline");
    let (_, _, cursor) = lib.sync_scope().expect("scope");
    let stats = lib
        .apply_page(
            cursor,
            &ChangesPage {
                changes: vec![
                    Change {
                        version: cursor + 1,
                        op: ChangeOp::Delete {
                            kind: RecordKind::PlaylistEntry,
                            key: entry.to_string(),
                        },
                    },
                    Change {
                        version: cursor + 2,
                        op: ChangeOp::Delete {
                            kind: RecordKind::Playlist,
                            key: p.to_string(),
                        },
                    },
                ],
                next_cursor: cursor + 2,
                has_more: false,
                head: cursor + 2,
            },
        )
        .expect("apply");
    assert_eq!(stats.conflicts, 1);
    assert!(lib.playlists().expect("playlists").is_empty());
    assert_eq!(
        lib.pending_count().expect("pending"),
        0,
        "refused edits are not sent"
    );
    let conflicts = lib.conflicts().expect("conflicts");
    assert_eq!(conflicts.len(), 1);
    assert_eq!(conflicts[0].title, "Youth night");
    assert_eq!(conflicts[0].code, ErrorCode::Gone);
    assert_eq!(conflicts[0].lost_edits, 2);
    assert_eq!(conflicts[0].items, vec![a.id]);
    let restored = lib
        .restore_conflict(conflicts[0].id, "Youth night (restored)")
        .expect("restore");
    assert_eq!(lib.playlist_entries(restored).expect("entries").len(), 1);
    assert!(lib.conflicts().expect("conflicts").is_empty());
}

#[test]
fn refused_edits_leave_the_outbox_and_undo_what_they_added() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut lib = open(&dir);
    let a = track("A");
    apply(&mut lib, vec![Record::Item(Box::new(a.clone()))]);
    let p = lib.create_playlist("Set").expect("create");
    lib.add_to_playlist(p, a.id, None).expect("add");
    lib.set_favorite(a.id, true).expect("fav");
    let pending = lib.pending(10).expect("pending");
    let results: Vec<MutationResult> = pending
        .iter()
        .map(|m| MutationResult {
            mutation_id: m.mutation_id,
            outcome: match m.op {
                MutationOp::CreatePlaylist { .. } => MutationOutcome::Applied { version: 9 },
                _ => MutationOutcome::Rejected {
                    code: ErrorCode::NotFound,
                    message: "no catalogue item has this id".into(),
                },
            },
        })
        .collect();
    assert_eq!(lib.acknowledge(&results).expect("ack"), 2);
    assert_eq!(lib.pending_count().expect("pending"), 0);
    assert!(lib.playlist_entries(p).expect("entries").is_empty());
    assert!(lib.favorites().expect("favs").is_empty());
    assert_eq!(lib.conflicts().expect("conflicts").len(), 1);
    // Acknowledging again (a replayed response) changes nothing.
    assert_eq!(lib.acknowledge(&results).expect("ack again"), 0);
}

#[test]
fn downloads_are_queued_pinned_and_evicted_least_recently_used_first() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut lib = open(&dir);
    let a = with_media(track("A"), 0xa1, 400);
    let b = with_media(track("B"), 0xb2, 400);
    let c = with_media(track("C"), 0xc3, 400);
    let no_media = track("Silent");
    apply(
        &mut lib,
        vec![
            Record::Item(Box::new(a.clone())),
            Record::Item(Box::new(b.clone())),
            Record::Item(Box::new(c.clone())),
            Record::Item(Box::new(no_media.clone())),
        ],
    );
    assert!(matches!(
        lib.queue_download(no_media.id, false),
        Err(Error::Invalid(_))
    ));
    lib.queue_download(a.id, true).expect("a pinned");
    lib.queue_download(b.id, false).expect("b");
    let job = lib.next_download().expect("next").expect("a job");
    assert_eq!(job.item_id, a.id);
    lib.download_progress(&job.hash, 100).expect("progress");
    lib.download_done(&job.hash).expect("done");
    let job = lib.next_download().expect("next").expect("b job");
    assert_eq!(job.item_id, b.id);
    lib.download_done(&job.hash).expect("done");
    assert_eq!(lib.storage_used().expect("used"), 800);
    assert!(
        lib.search("A", 5)
            .expect("search")
            .hits()
            .any(|h| h.offline)
    );
    // Quota 1000: fitting C (400) evicts B (unpinned, least recently used), never A (pinned).
    let evicted = lib.evict_for(400, 1000).expect("evict");
    assert_eq!(evicted, vec![b.media.clone().expect("media").hash]);
    assert_eq!(lib.storage_used().expect("used"), 400);
    // A quota smaller than the pinned set is refused and evicts nothing.
    assert!(matches!(
        lib.evict_for(400, 500),
        Err(Error::QuotaFull { .. })
    ));
    assert_eq!(lib.storage_used().expect("used"), 400);
    // Failures count up to the limit, then show in the error list; retry re-queues.
    lib.queue_download(c.id, false).expect("c");
    let hash = c.media.clone().expect("media").hash;
    assert!(!lib.download_failed(&hash, "hash mismatch", 2).expect("1st"));
    assert!(lib.download_failed(&hash, "hash mismatch", 2).expect("2nd"));
    let failed = lib
        .downloads()
        .expect("list")
        .into_iter()
        .find(|d| d.item.id == c.id)
        .expect("c listed");
    assert_eq!(failed.state, DownloadState::Failed);
    assert_eq!(failed.error.as_deref(), Some("hash mismatch"));
    assert_eq!(lib.retry_failed().expect("retry"), 1);
    assert_eq!(
        lib.next_download().expect("next").map(|j| j.item_id),
        Some(c.id)
    );
}

#[test]
fn pinning_a_playlist_queues_its_items_and_protects_them() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut lib = open(&dir);
    let a = with_media(track("A"), 0x11, 300);
    let b = with_media(track("B"), 0x22, 300);
    apply(
        &mut lib,
        vec![
            Record::Item(Box::new(a.clone())),
            Record::Item(Box::new(b.clone())),
        ],
    );
    let p = lib.create_playlist("Offline set").expect("create");
    lib.add_to_playlist(p, a.id, None).expect("add");
    assert_eq!(lib.set_playlist_pinned(p, true).expect("pin"), 1);
    let job = lib.next_download().expect("next").expect("job");
    assert_eq!(job.item_id, a.id);
    lib.download_done(&job.hash).expect("done");
    lib.queue_download(b.id, false).expect("b");
    let job = lib.next_download().expect("next").expect("job");
    lib.download_done(&job.hash).expect("done");
    let evicted = lib.evict_for(300, 600).expect("evict");
    assert_eq!(
        evicted,
        vec![b.media.clone().expect("media").hash],
        "a is pinned through its playlist"
    );
    assert!(lib.playlists().expect("playlists")[0].pinned);
}
