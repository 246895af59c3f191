//! Growing files: decoding and playing while a writer thread still writes the file, in small chunks
//! with pauses, as the app's downloader does.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use cnt_player::decode::{decode_all, decode_all_input};
use cnt_player::{Growing, Growth, Input, MemorySink, Player, PlayerCmd, PlayerEvent, QueueItem};

use crate::support::{reference, tracks};

/// Copies `src` into `<dir>/partial/<name>.part` in chunks of 1–6 KiB with a pause every few
/// chunks, reporting each into the returned [`Growing`]; then renames it to `<dir>/<name>` and
/// marks it complete. With `fail_at`, stops there and fails instead.
fn feed(src: &Path, dir: &Path, fail_at: Option<u64>) -> (Arc<Growing>, PathBuf, JoinHandle<()>) {
    let name = src.file_name().expect("file name").to_owned();
    let partial_dir = dir.join("partial");
    std::fs::create_dir_all(&partial_dir).expect("partial dir");
    let mut partial = partial_dir.join(&name);
    partial.as_mut_os_string().push(".part");
    let target = dir.join(&name);
    let bytes = std::fs::read(src).expect("source");
    // The partial file exists (empty) before the first reader opens it, as with the downloader.
    std::fs::File::create(&partial).expect("partial");
    let growing = Arc::new(Growing::new(&partial, bytes.len() as u64));
    let g = Arc::clone(&growing);
    let (p, t) = (partial.clone(), target.clone());
    let writer = std::thread::spawn(move || {
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(&p)
            .expect("open partial");
        let mut at = 0usize;
        let mut n = 0u64;
        while at < bytes.len() {
            if fail_at.is_some_and(|f| at as u64 >= f) {
                g.fail("the server closed the connection");
                return;
            }
            n = n
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            let len = (1024 + (n >> 33) as usize % 5120).min(bytes.len() - at);
            f.write_all(&bytes[at..at + len]).expect("write");
            at += len;
            g.grew(at as u64);
            if (n >> 40).is_multiple_of(4) {
                std::thread::sleep(Duration::from_millis(2));
            }
        }
        drop(f);
        std::fs::rename(&p, &t).expect("rename");
        g.complete(&t);
    });
    (growing, target, writer)
}

fn same_samples_as_the_finished_file(src: &Path) {
    let dir = tempfile::tempdir().expect("tempdir");
    let (growing, target, writer) = feed(src, dir.path(), None);
    let (info, got) =
        decode_all_input(&Input::growing(&target, Arc::clone(&growing))).expect("decode growing");
    writer.join().expect("writer");
    assert_eq!(growing.state(), Growth::Complete);
    let (want_info, want) = decode_all(src).expect("decode file");
    assert_eq!(info, want_info, "{}", src.display());
    assert_eq!(got.len(), want.len(), "{}", src.display());
    assert!(got == want, "{}: samples differ", src.display());
}

#[test]
fn a_growing_flac_decodes_to_exactly_the_finished_files_samples() {
    for t in tracks("44k/flac") {
        same_samples_as_the_finished_file(&t);
    }
}

#[test]
fn a_growing_mp3_decodes_to_exactly_the_finished_files_samples() {
    for t in tracks("44k/mp3_lame_vbr") {
        same_samples_as_the_finished_file(&t);
    }
}

#[test]
fn formats_indexed_at_the_end_wait_for_those_bytes_and_stay_exact() {
    // AAC (our MP4 edit-list reader) and Opus (the last granule position) read the end of the file
    // while opening: they wait for it, then decode like the finished file.
    same_samples_as_the_finished_file(&tracks("44k/m4a_aac_editlist")[0]);
    same_samples_as_the_finished_file(&tracks("48k/opus")[0]);
}

#[test]
fn a_download_failing_midway_is_an_error_with_its_reason_not_a_panic() {
    let dir = tempfile::tempdir().expect("tempdir");
    let src = &tracks("44k/flac")[0];
    let (growing, target, writer) = feed(src, dir.path(), Some(40_000));
    let err = decode_all_input(&Input::growing(&target, growing)).expect_err("fails");
    writer.join().expect("writer");
    assert!(
        err.to_string().contains("the server closed the connection"),
        "{err}"
    );
}

#[test]
fn the_engine_plays_growing_files_gaplessly_and_skips_a_failed_one() {
    let dir = tempfile::tempdir().expect("tempdir");
    let t = tracks("44k/flac");
    let (sink, tap) = MemorySink::gated(44_100, 2);
    let p = Player::spawn(Box::new(sink)).expect("player");
    // A download that fails before a single byte arrives, between growing tracks 1 and 2.
    let failed_dir = dir.path().join("failed");
    let (failed, failed_path, failer) = feed(&t[0], &failed_dir, Some(0));
    let (g1, p1, w1) = feed(&t[0], dir.path(), None);
    let (g2, p2, w2) = feed(&t[1], dir.path(), None);
    p.send(PlayerCmd::Append(vec![
        QueueItem::growing(&p1, g1),
        QueueItem::growing(&failed_path, failed),
        QueueItem::growing(&p2, g2),
        QueueItem::new(&t[2]),
    ]))
    .expect("append");
    p.send(PlayerCmd::Play).expect("play");
    tap.open();
    let mut errors = Vec::new();
    for ev in p.events().iter() {
        match ev {
            PlayerEvent::TrackError { path, error, .. } => errors.push((path, error)),
            PlayerEvent::QueueEnded => break,
            _ => {}
        }
    }
    for w in [failer, w1, w2] {
        w.join().expect("writer");
    }
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].0, failed_path);
    assert!(
        errors[0].1.contains("the server closed the connection"),
        "{}",
        errors[0].1
    );
    assert!(
        tap.samples() == reference("44k"),
        "the growing tracks join exactly around the failed one"
    );
}

/// Waits (at most 30 s, a guard against a hang, not a speed measure) for an event matching `want`.
fn wait_event(p: &Player, want: impl Fn(&PlayerEvent) -> bool) -> PlayerEvent {
    loop {
        match p.events().recv_timeout(Duration::from_secs(30)) {
            Ok(ev) if want(&ev) => return ev,
            Ok(_) => {}
            Err(e) => panic!("the engine did not answer: {e}"),
        }
    }
}

#[test]
fn commands_are_handled_while_the_next_entry_waits_for_its_download() {
    let dir = tempfile::tempdir().expect("tempdir");
    let t = tracks("44k/flac");
    let (sink, tap) = MemorySink::gated(44_100, 2);
    let p = Player::spawn(Box::new(sink)).expect("player");
    // A download that has begun but delivers nothing: opening it (ahead of the join, then at the
    // join) waits for bytes that do not come.
    std::fs::write(dir.path().join("stalled.part"), b"").expect("partial");
    let stalled = Arc::new(Growing::new(dir.path().join("stalled.part"), 136_756));
    stalled.grew(0);
    p.send(PlayerCmd::Append(vec![
        QueueItem::new(&t[0]),
        QueueItem::growing(dir.path().join("stalled"), Arc::clone(&stalled)),
        QueueItem::new(&t[2]),
    ]))
    .expect("append");
    p.send(PlayerCmd::Play).expect("play");
    tap.open();
    wait_event(&p, |e| matches!(e, PlayerEvent::TrackEnded { .. }));
    // Track 1 is over and the engine waits for the stalled file, yet it pauses, resumes and skips.
    p.send(PlayerCmd::Pause).expect("pause");
    wait_event(&p, |e| {
        *e == PlayerEvent::StatusChanged(cnt_player::PlaybackStatus::Paused)
    });
    p.send(PlayerCmd::Play).expect("play");
    p.send(PlayerCmd::Next).expect("next");
    let started = wait_event(&p, |e| matches!(e, PlayerEvent::TrackStarted { .. }));
    let PlayerEvent::TrackStarted { info, .. } = started else {
        unreachable!()
    };
    assert_eq!(info.frames, Some(99_599), "the third track plays");
    wait_event(&p, |e| *e == PlayerEvent::QueueEnded);
    // Track 1 and track 3 were played in full, nothing of the stalled one.
    let frames = decode_all(&t[0]).expect("t1").1.len() / 2 + 99_599;
    assert_eq!(tap.frames(), frames as u64);
    assert_eq!(stalled.state(), Growth::Growing, "the download never moved");
    stalled.fail("test over");
}

/// A growing file with only the first third of `t` there, and no more to come (a read past it
/// stalls after 2 s); returns it with the first block decoded, or the error.
fn open_first_third(t: &Path) -> Result<Vec<f32>, String> {
    let dir = tempfile::tempdir().expect("tempdir");
    let part = dir.path().join("f.part");
    let bytes = std::fs::read(t).expect("source");
    let cut = bytes.len() / 3;
    std::fs::write(&part, &bytes[..cut]).expect("partial");
    let g = Arc::new(
        Growing::new(&part, bytes.len() as u64).with_stall_timeout(Duration::from_secs(2)),
    );
    g.grew(cut as u64);
    let mut out = Vec::new();
    let r = cnt_player::decode::open_input(&Input::growing(t, Arc::clone(&g)))
        .and_then(|mut d| d.next_block(&mut out))
        .map(|_| out)
        .map_err(|e| e.to_string());
    g.fail("test over");
    r
}

#[test]
fn flac_mp3_and_fast_start_mp4_start_from_the_first_bytes_ogg_and_late_moov_need_the_end() {
    for t in [
        &tracks("44k/flac")[0],
        &tracks("44k/mp3_lame_vbr")[0],
        &tracks("44k/mp3_lame_cbr")[0],
        // `moov` before `mdat` ("fast start").
        &tracks("44k/m4a_aac_itunsmpb")[0],
    ] {
        let first = open_first_third(t).unwrap_or_else(|e| panic!("{}: {e}", t.display()));
        assert!(!first.is_empty(), "{}", t.display());
    }
    // Ogg keeps the length in its last page's granule position: symphonia (Vorbis) and our Opus
    // reader read it while opening, so they wait for the end of the download.
    // So does an MP4 whose `moov` comes after `mdat`.
    for t in [
        &tracks("44k/ogg_vorbis")[0],
        &tracks("48k/opus")[0],
        &tracks("44k/m4a_aac_editlist")[0],
    ] {
        let e = open_first_third(t).expect_err("waits for the last page");
        assert!(e.contains("the download stalled"), "{}: {e}", t.display());
    }
}

#[test]
fn a_seek_asked_while_the_file_opens_is_made_once_it_is_open() {
    // The app resumes a streamed episode with Jump then Seek before a byte has arrived: the seek
    // must wait for the open, not be dropped.
    let dir = tempfile::tempdir().expect("tempdir");
    let src = &tracks("44k/flac")[0];
    let bytes = std::fs::read(src).expect("source");
    let partial = dir.path().join("late.part");
    std::fs::write(&partial, b"").expect("partial");
    let growing = Arc::new(Growing::new(&partial, bytes.len() as u64));
    let (sink, tap) = MemorySink::gated(44_100, 2);
    let p = Player::spawn(Box::new(sink)).expect("player");
    p.send(PlayerCmd::Append(vec![QueueItem::growing(
        dir.path().join("late"),
        Arc::clone(&growing),
    )]))
    .expect("append");
    p.send(PlayerCmd::Jump(0)).expect("jump");
    p.send(PlayerCmd::Seek(cnt_player::Position::from_millis(1_000)))
        .expect("seek");
    p.send(PlayerCmd::Play).expect("play");
    tap.open();
    // Only now do the bytes come.
    let g = Arc::clone(&growing);
    let writer = std::thread::spawn(move || {
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(&partial)
            .expect("open");
        for chunk in bytes.chunks(4096) {
            f.write_all(chunk).expect("write");
            g.grew(f.metadata().expect("len").len());
        }
        g.complete(&partial);
    });
    let seeked = wait_event(&p, |e| matches!(e, PlayerEvent::Seeked { .. }));
    let PlayerEvent::Seeked { position, .. } = seeked else {
        unreachable!()
    };
    assert_eq!(position.frames(), 44_100);
    wait_event(&p, |e| *e == PlayerEvent::QueueEnded);
    writer.join().expect("writer");
    assert_eq!(
        tap.frames(),
        176_401 - 44_100,
        "from 1 s to the end, exactly"
    );
}
