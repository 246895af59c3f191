//! The engine: queue edits while playing, seeks and cues, pause fade, repeat, shuffle, errors.

use std::path::PathBuf;
use std::time::Duration;

use cnt_player::{
    Cue, CuePayload, CueTrack, MemorySink, MemoryTap, PlaybackStatus, Player, PlayerCmd,
    PlayerEvent, Position, QueueItem, RenderOptions, RepeatMode, VerseRef, Volume,
    render_to_memory, render_to_wav,
};

use crate::support::{data, reference, tracks, wav};

fn gated_player(rate: u32) -> (Player, MemoryTap) {
    let (sink, tap) = MemorySink::gated(rate, 2);
    (Player::spawn(Box::new(sink)).expect("player"), tap)
}

fn items(paths: &[PathBuf]) -> Vec<QueueItem> {
    paths.iter().map(|p| QueueItem::new(p.clone())).collect()
}

/// Collects events until the queue ends (the gate is opened first).
fn until_end(p: &Player, tap: &MemoryTap) -> Vec<PlayerEvent> {
    tap.open();
    let mut out = Vec::new();
    for ev in p.events().iter() {
        let end = ev == PlayerEvent::QueueEnded;
        out.push(ev);
        if end {
            break;
        }
    }
    out
}

#[test]
fn inserting_the_next_track_while_playing_keeps_the_join_exact() {
    let t = tracks("44k/flac");
    let (p, tap) = gated_player(44_100);
    p.send(PlayerCmd::Append(items(&[t[0].clone(), t[2].clone()])))
        .expect("send");
    p.send(PlayerCmd::Play).expect("send");
    tap.allow(100_000);
    tap.wait_for(100_000);
    p.send(PlayerCmd::Insert {
        index: 1,
        items: items(&[t[1].clone()]),
    })
    .expect("send");
    until_end(&p, &tap);
    assert!(tap.samples() == reference("44k"), "not the uncut signal");
}

#[test]
fn queue_edits_keep_lossy_joins_exact_too() {
    // The output with an edit mid-play is bit-identical to rendering the final queue straight away.
    let t = tracks("44k/mp3_lame_vbr");
    let (want, _) = render_to_memory(&t, RenderOptions::default()).expect("render");
    let (p, tap) = gated_player(44_100);
    p.send(PlayerCmd::Append(items(&[t[0].clone(), t[2].clone()])))
        .expect("send");
    p.send(PlayerCmd::Play).expect("send");
    tap.allow(120_000);
    tap.wait_for(120_000);
    p.send(PlayerCmd::Insert {
        index: 1,
        items: items(&[t[1].clone()]),
    })
    .expect("send");
    until_end(&p, &tap);
    assert!(tap.samples() == want);
}

#[test]
fn removing_and_moving_entries_while_playing_keeps_joins_exact() {
    let t = tracks("44k/flac");
    let intruder = data("gapless/48k/flac/track01.flac");
    let (p, tap) = gated_player(44_100);
    // Queue: t1, intruder, t3, t2 → remove the intruder and move t2 before t3, all during t1.
    p.send(PlayerCmd::Append(items(&[
        t[0].clone(),
        intruder,
        t[2].clone(),
        t[1].clone(),
    ])))
    .expect("send");
    p.send(PlayerCmd::Play).expect("send");
    tap.allow(50_000);
    tap.wait_for(50_000);
    p.send(PlayerCmd::Remove(1)).expect("send");
    p.send(PlayerCmd::Move { from: 2, to: 1 }).expect("send");
    until_end(&p, &tap);
    assert!(tap.samples() == reference("44k"), "not the uncut signal");
}

fn lyric(ms_or_frames: Position, text: &str) -> Cue {
    Cue {
        at: ms_or_frames,
        payload: CuePayload::Lyric {
            text: text.into(),
            words: vec![],
        },
    }
}

#[test]
fn cues_fire_on_the_exact_sample_after_a_seek() {
    let path = tracks("44k/wav")[0].clone();
    let original = wav(&path);
    let at = |f: u64| Position::new(f, 44_100).expect("rate");
    let cues = CueTrack::new(vec![
        lyric(at(10_000), "one"),
        lyric(at(50_000), "two"),
        lyric(at(100_000), "three"),
        lyric(at(150_000), "four"),
        Cue {
            at: at(0),
            payload: CuePayload::Verse(VerseRef {
                reference: "Psalm 23:1".into(),
                text: None,
            }),
        },
    ]);
    let (p, tap) = gated_player(44_100);
    p.send(PlayerCmd::Append(vec![
        QueueItem::new(path).with_cues(cues),
    ]))
    .expect("send");
    p.send(PlayerCmd::Play).expect("send");
    tap.allow(20_000);
    tap.wait_for(20_000);
    p.send(PlayerCmd::Seek(at(90_000))).expect("send");
    let events = until_end(&p, &tap);
    let out = tap.samples();
    let mut fired = Vec::new();
    let mut showing_after_seek = None;
    for ev in &events {
        match ev {
            PlayerEvent::Cue {
                cue, output_frame, ..
            } => {
                let f = cue.frame_at(44_100) as usize;
                let o = *output_frame as usize;
                // The sample heard at the event's output frame is the cue's sample of the track.
                assert!(
                    out[o * 2..(o + 256) * 2] == original[f * 2..(f + 256) * 2],
                    "cue at {f} fired at output {o}, which is not that sample"
                );
                fired.push(f);
            }
            PlayerEvent::Showing { showing, .. } => showing_after_seek = Some(showing.clone()),
            _ => {}
        }
    }
    assert_eq!(
        fired,
        vec![0, 10_000, 100_000, 150_000],
        "50 000 was skipped by the seek"
    );
    let s = showing_after_seek.expect("Showing after the seek");
    assert_eq!(s.lyric.map(|c| c.frame_at(44_100)), Some(50_000));
    assert!(s.verse.is_some());
    // The output is the first part, then the track from 90 000 on.
    let cut = out.len() / 2 - (176_401 - 90_000);
    assert!(out[cut * 2..] == original[90_000 * 2..]);
    assert!(out[..cut * 2] == original[..cut * 2]);
    // "Save this verse for later" keeps the reference.
    p.send(PlayerCmd::SaveVerse).expect("send");
    loop {
        let ev = p.events().recv().expect("VerseSaved");
        if let PlayerEvent::VerseSaved(v) = ev {
            assert_eq!(v.reference, "Psalm 23:1");
            break;
        }
    }
    assert_eq!(p.state().saved_verses.len(), 1);
}

#[test]
fn pause_fades_out_and_resume_loses_no_sample() {
    let path = tracks("44k/wav")[2].clone();
    let original = wav(&path);
    let (p, tap) = gated_player(44_100);
    p.send(PlayerCmd::Append(items(&[path]))).expect("send");
    p.send(PlayerCmd::Play).expect("send");
    tap.allow(30_000);
    tap.wait_for(30_000);
    p.send(PlayerCmd::Pause).expect("send");
    tap.allow(5_000);
    // Wait for the Paused status.
    loop {
        let ev = p.events().recv().expect("event");
        if ev == PlayerEvent::StatusChanged(PlaybackStatus::Paused) {
            break;
        }
    }
    let paused_at = tap.frames() as usize;
    let out = tap.samples();
    // The last frame before the pause is faded to (near) silence; the one 5 ms earlier is not.
    let last = out[(paused_at - 1) * 2].abs();
    assert!(last < 0.01, "last sample before pause {last}");
    assert_eq!(p.state().status, PlaybackStatus::Paused);
    p.send(PlayerCmd::Play).expect("send");
    until_end(&p, &tap);
    let out = tap.samples();
    assert_eq!(
        out.len(),
        original.len(),
        "no sample lost or added by pause/resume"
    );
    // Away from the two fades, the output is the track itself.
    assert!(out[..(paused_at - 300) * 2] == original[..(paused_at - 300) * 2]);
    assert!(out[(paused_at + 300) * 2..] == original[(paused_at + 300) * 2..]);
}

#[test]
fn a_failing_track_gives_an_error_event_and_playback_goes_on() {
    let faulty = data(
        "audio_conformance/flac-test-files/faulty/06 - missing streaminfo metadata block.flac",
    );
    let truncated = data("audio_conformance/flac-test-files/faulty/01 - wrong max blocksize.flac");
    let missing = data("gapless/44k/flac/no-such-file.flac");
    let good = tracks("44k/flac");
    let files = vec![
        good[0].clone(),
        faulty.clone(),
        missing.clone(),
        good[1].clone(),
        good[2].clone(),
    ];
    let (got, report) = render_to_memory(&files, RenderOptions::default()).expect("render");
    assert!(
        got == reference("44k"),
        "the good tracks join exactly around the bad ones"
    );
    let errors: Vec<_> = report.tracks.iter().filter(|t| t.result.is_err()).collect();
    assert_eq!(errors.len(), 2);
    assert_eq!(errors[0].path, faulty);
    assert_eq!(errors[1].path, missing);
    // A track that fails mid-way: what decoded is played, then an error, then the next track.
    // File 01 is mono at another rate: render at the good track's format.
    let opts = RenderOptions {
        rate: Some(44_100),
        channels: Some(2),
        ..RenderOptions::default()
    };
    let (got, report) = render_to_memory(&[truncated, good[2].clone()], opts).expect("render");
    assert!(report.tracks[0].result.is_err());
    assert_eq!(report.tracks[1].frames, 99_599);
    assert!(got.len() >= 99_599);
}

#[test]
fn every_faulty_flac_in_a_queue_gives_an_event_never_a_panic() {
    let dir = data("audio_conformance/flac-test-files/faulty");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "flac"))
        .collect();
    files.sort();
    let (_, report) = render_to_memory(&files, RenderOptions::default()).expect("render");
    assert_eq!(
        report.tracks.len(),
        10,
        "every file got a start or an error"
    );
    let errs = report.tracks.iter().filter(|t| t.result.is_err()).count();
    assert_eq!(errs, 8, "all but 02 and 07 (valid audio with wrong hints)");
}

#[test]
fn repeat_one_plays_the_track_again_exactly() {
    let path = tracks("44k/wav")[2].clone();
    let original = wav(&path);
    let (p, tap) = gated_player(44_100);
    p.send(PlayerCmd::SetRepeat(RepeatMode::One)).expect("send");
    p.send(PlayerCmd::Append(items(&[path]))).expect("send");
    p.send(PlayerCmd::Play).expect("send");
    tap.allow(250_000);
    tap.wait_for(250_000);
    let out = tap.samples();
    assert!(out[..original.len()] == original[..]);
    assert!(out[original.len()..original.len() * 2] == original[..]);
    p.send(PlayerCmd::Stop).expect("send");
    tap.open();
}

#[test]
fn repeat_all_starts_over_after_the_last_entry() {
    let t = tracks("44k/wav");
    let (b, c) = (wav(&t[1]), wav(&t[2]));
    let (p, tap) = gated_player(44_100);
    p.send(PlayerCmd::SetRepeat(RepeatMode::All)).expect("send");
    p.send(PlayerCmd::Append(items(&[t[1].clone(), t[2].clone()])))
        .expect("send");
    p.send(PlayerCmd::Play).expect("send");
    let total = 165_000 + 99_599;
    tap.allow(total as u64 + 10_000);
    tap.wait_for(total as u64 + 10_000);
    let out = tap.samples();
    assert!(out[..b.len()] == b[..]);
    assert!(out[b.len()..b.len() + c.len()] == c[..]);
    assert!(
        out[total * 2..(total + 10_000) * 2] == b[..10_000 * 2],
        "wrapped to the first entry"
    );
    p.send(PlayerCmd::Stop).expect("send");
    tap.open();
}

#[test]
fn shuffle_plays_every_entry_once() {
    let t = tracks("44k/wav");
    let (sink, tap) = MemorySink::new(44_100, 2);
    let p = Player::spawn(Box::new(sink)).expect("player");
    p.send(PlayerCmd::Append(items(&t))).expect("send");
    p.send(PlayerCmd::SetShuffle(true)).expect("send");
    p.send(PlayerCmd::Play).expect("send");
    let mut started = Vec::new();
    let mut positions = Vec::new();
    for ev in p.events().iter() {
        match ev {
            PlayerEvent::TrackStarted { entry, .. } => started.push(entry),
            PlayerEvent::Position { entry, position } => positions.push((entry, position)),
            PlayerEvent::QueueEnded => break,
            _ => {}
        }
    }
    // Position events: every 250 ms of audio, rising within each entry, inside its length.
    assert!(positions.len() >= 39, "{}", positions.len());
    for w in positions.windows(2) {
        if w[0].0 == w[1].0 {
            assert_eq!(w[1].1.frames() - w[0].1.frames(), 11_025);
        }
    }
    started.sort();
    started.dedup();
    assert_eq!(started.len(), 3);
    assert_eq!(tap.frames(), 441_000);
}

#[test]
fn next_previous_and_jump_change_track() {
    let t = tracks("44k/wav");
    let (p, tap) = gated_player(44_100);
    p.send(PlayerCmd::Append(items(&t))).expect("send");
    p.send(PlayerCmd::Play).expect("send");
    tap.allow(10_000);
    tap.wait_for(10_000);
    p.send(PlayerCmd::Jump(2)).expect("send");
    p.send(PlayerCmd::Previous).expect("send");
    p.send(PlayerCmd::Next).expect("send");
    let events = until_end(&p, &tap);
    let starts: Vec<_> = events
        .iter()
        .filter_map(|e| match e {
            PlayerEvent::TrackStarted { entry, .. } => Some(entry.0),
            _ => None,
        })
        .collect();
    // Entry ids are 1, 2, 3 in queue order: 1 plays, jump to 3, previous → 2, next → 3.
    assert_eq!(starts.last(), Some(&3));
    assert!(starts.contains(&2));
}

#[test]
fn volume_scales_samples() {
    let path = tracks("44k/wav")[2].clone();
    let original = wav(&path);
    let (sink, tap) = MemorySink::new(44_100, 2);
    let p = Player::spawn(Box::new(sink)).expect("player");
    p.send(PlayerCmd::SetVolume(Volume::new(0.5).expect("volume")))
        .expect("send");
    p.send(PlayerCmd::Append(items(&[path]))).expect("send");
    p.send(PlayerCmd::Play).expect("send");
    for ev in p.events().iter() {
        if ev == PlayerEvent::QueueEnded {
            break;
        }
    }
    let out = tap.samples();
    assert_eq!(out.len(), original.len());
    assert!(out.iter().zip(&original).all(|(o, i)| *o == i * 0.5));
    assert_eq!(p.state().volume, Volume::new(0.5).ok());
}

#[test]
fn render_to_wav_writes_the_exact_concatenation() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out.wav");
    let report =
        render_to_wav(&tracks("44k/flac"), &out, RenderOptions::default()).expect("render");
    assert_eq!(report.joins(), vec![176_401, 341_401]);
    assert_eq!(wav(&out), reference("44k"));
    let text = report.to_string();
    assert_eq!(text.lines().count(), 4, "{text}");
    assert!(
        text.contains("frames 176401..341401, trims from Exact"),
        "{text}"
    );
    assert!(
        text.ends_with("441000 frames at 44100 Hz, 2 channels"),
        "{text}"
    );
    for t in &report.tracks {
        let info = t.result.as_ref().expect("ok");
        assert_eq!(info.gapless.source, cnt_player::TrimSource::Exact);
    }
}

#[test]
fn crossfade_overlaps_the_tracks_and_cues_follow_the_track_heard() {
    let t = tracks("44k/wav");
    let (a, b) = (wav(&t[0]), wav(&t[1]));
    let x = 22_050usize; // 0.5 s
    let s = 176_401 - x; // overlap start, in track 1 and in the output
    let at = |f: u64| Position::new(f, 44_100).expect("rate");
    let cues_a = CueTrack::new(vec![lyric(at(170_000), "late in track 1")]);
    let cues_b = CueTrack::new(vec![
        lyric(at(100), "early in track 2"),
        lyric(at(15_000), "after the middle"),
    ]);
    let (sink, tap) = MemorySink::new(44_100, 2);
    let p = Player::spawn(Box::new(sink)).expect("player");
    p.send(PlayerCmd::SetCrossfade(Duration::from_millis(500)))
        .expect("send");
    p.send(PlayerCmd::Append(vec![
        QueueItem::new(t[0].clone()).with_cues(cues_a),
        QueueItem::new(t[1].clone()).with_cues(cues_b),
        QueueItem::new(t[2].clone()),
    ]))
    .expect("send");
    p.send(PlayerCmd::Play).expect("send");
    let mut events = Vec::new();
    for ev in p.events().iter() {
        let end = ev == PlayerEvent::QueueEnded;
        events.push(ev);
        if end {
            break;
        }
    }
    let out = tap.samples();
    assert_eq!(out.len() / 2, 441_000 - 2 * x, "two overlaps of 0.5 s");
    // Before the overlap: track 1 untouched. After it: track 2 untouched, from frame x on.
    assert!(out[..s * 2] == a[..s * 2]);
    let next_overlap = 165_000 - x;
    assert!(out[176_401 * 2..(s + next_overlap) * 2] == b[x * 2..next_overlap * 2]);
    // In the overlap: equal-power curves.
    let mut worst = 0f32;
    for i in 0..x {
        let r = (i as f32 + 0.5) / x as f32;
        let (go, gi) = (
            (r * std::f32::consts::FRAC_PI_2).cos(),
            (r * std::f32::consts::FRAC_PI_2).sin(),
        );
        for c in 0..2 {
            let want = a[(s + i) * 2 + c] * go + b[i * 2 + c] * gi;
            worst = worst.max((out[(s + i) * 2 + c] - want).abs());
        }
    }
    assert!(worst < 1e-6, "mix error {worst}");
    // Events: track 2 is announced (and its cues start) at the middle of the overlap.
    let mid = (s + x / 2) as u64;
    let mut fired = Vec::new();
    for ev in &events {
        match ev {
            PlayerEvent::TrackStarted {
                entry,
                output_frame,
                ..
            } if entry.0 == 2 => assert_eq!(*output_frame, s as u64),
            PlayerEvent::Cue {
                cue, output_frame, ..
            } => fired.push((cue.frame_at(44_100), *output_frame)),
            PlayerEvent::Showing { entry, showing } if entry.0 == 2 => {
                assert_eq!(
                    showing.lyric.as_ref().map(|c| c.frame_at(44_100)),
                    Some(100)
                );
            }
            _ => {}
        }
    }
    assert_eq!(
        fired,
        vec![(15_000, s as u64 + 15_000)],
        "only the cue heard after {mid}"
    );
}

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/")).join(name)
}

#[test]
fn replay_gain_tags_are_read_and_applied() {
    let flac = fixture("rg_tagged.flac");
    let (info, original) = cnt_player::decode::decode_all(&flac).expect("decode");
    assert_eq!(info.replay_gain.track_gain, Some(-6.0));
    assert_eq!(info.replay_gain.track_peak, Some(0.5));
    assert_eq!(info.replay_gain.album_gain, Some(-4.0));
    let (mp3, _) = cnt_player::decode::decode_all(&fixture("rg_tagged.mp3")).expect("mp3");
    assert_eq!(mp3.replay_gain.track_gain, Some(-6.0), "ID3v2 TXXX");

    let (sink, tap) = MemorySink::new(44_100, 2);
    let p = Player::spawn(Box::new(sink)).expect("player");
    p.send(PlayerCmd::SetReplayGain(cnt_player::ReplayGain {
        mode: cnt_player::ReplayGainMode::Track,
        ..cnt_player::ReplayGain::default()
    }))
    .expect("send");
    p.send(PlayerCmd::Append(items(&[flac]))).expect("send");
    p.send(PlayerCmd::Play).expect("send");
    for ev in p.events().iter() {
        if ev == PlayerEvent::QueueEnded {
            break;
        }
    }
    let out = tap.samples();
    assert_eq!(out.len(), original.len());
    let g = 10f32.powf(-6.0 / 20.0);
    let worst = out
        .iter()
        .zip(&original)
        .map(|(o, i)| (o - i * g).abs())
        .fold(0f32, f32::max);
    assert!(worst < 1e-6, "{worst}");
}

/// The device output end to end, on ALSA's `null` device so that it runs without a sound card: the
/// test runs itself again in a child process whose ALSA configuration makes `null` the default.
#[test]
fn device_output_plays_through_rodio_on_a_null_alsa_device() {
    let conf = std::env::temp_dir().join(format!("cnt-player-asound-{}.conf", std::process::id()));
    std::fs::write(
        &conf,
        "</usr/share/alsa/alsa.conf>\npcm.!default { type null }\n",
    )
    .expect("write ALSA configuration");
    let exe = std::env::current_exe().expect("test binary");
    let out = std::process::Command::new(exe)
        .args(["engine::device_output_child", "--exact", "--nocapture"])
        .env("ALSA_CONFIG_PATH", &conf)
        .env("CNT_PLAYER_DEVICE_CHILD", "1")
        .output()
        .expect("run child");
    let _ = std::fs::remove_file(&conf);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // "device at RATE Hz played FRAMES frames": the 99 599-frame track, resampled if the device
    // does not run at 44.1 kHz, keeps its length in time.
    let line = stdout
        .lines()
        .find(|l| l.starts_with("device at"))
        .unwrap_or_else(|| panic!("{stdout}"));
    let nums: Vec<u64> = line
        .split_whitespace()
        .filter_map(|w| w.parse().ok())
        .collect();
    let (rate, frames) = (nums[0], nums[1]);
    assert_eq!(frames, (99_599 * rate + 22_050) / 44_100, "{line}");
}

/// The child half of the test above; does nothing unless started by it.
#[test]
fn device_output_child() {
    if std::env::var_os("CNT_PLAYER_DEVICE_CHILD").is_none() {
        return;
    }
    let device = cnt_player::DeviceOutput::open_default(Duration::from_millis(100))
        .expect("the null device opens");
    let rate = cnt_player::AudioOutput::rate(&device);
    let p = Player::spawn(Box::new(device)).expect("player");
    p.send(PlayerCmd::Append(items(&[tracks("44k/wav")[2].clone()])))
        .expect("send");
    p.send(PlayerCmd::Play).expect("send");
    let mut ended = None;
    for ev in p.events().iter() {
        match ev {
            PlayerEvent::TrackEnded { output_frame, .. } => ended = Some(output_frame),
            PlayerEvent::QueueEnded => break,
            _ => {}
        }
    }
    println!(
        "device at {rate} Hz played {} frames",
        ended.expect("TrackEnded")
    );
}

#[test]
fn a_volume_change_while_playing_glides_instead_of_jumping() {
    let path = tracks("44k/wav")[2].clone();
    let original = wav(&path);
    let (p, tap) = gated_player(44_100);
    p.send(PlayerCmd::Append(items(&[path]))).expect("send");
    p.send(PlayerCmd::Play).expect("send");
    tap.allow(20_000);
    tap.wait_for(20_000);
    p.send(PlayerCmd::SetVolume(Volume::new(0.5).expect("volume")))
        .expect("send");
    until_end(&p, &tap);
    let out = tap.samples();
    assert_eq!(out.len(), original.len());
    let k = (0..out.len() / 2)
        .find(|&i| out[i * 2..i * 2 + 2] != original[i * 2..i * 2 + 2])
        .expect("the volume changed somewhere");
    assert!(k >= 20_000, "unchanged until the command");
    let glide = 221; // 5 ms at 44.1 kHz
    for i in k..k + glide {
        for c in 0..2 {
            let (o, x) = (out[i * 2 + c], original[i * 2 + c]);
            assert!(
                o.abs() <= x.abs() + 1e-6 && o.abs() >= x.abs() * 0.5 - 1e-6,
                "frame {i}"
            );
        }
    }
    assert!(
        out[(k + glide) * 2..]
            .iter()
            .zip(&original[(k + glide) * 2..])
            .all(|(o, x)| *o == x * 0.5),
        "exactly half after the glide"
    );
}

#[test]
fn previous_walks_back_through_the_shuffled_order() {
    let t = tracks("44k/wav");
    let (p, tap) = gated_player(44_100);
    p.send(PlayerCmd::Append(items(&t))).expect("send");
    p.send(PlayerCmd::SetShuffle(true)).expect("send");
    p.send(PlayerCmd::Play).expect("send");
    // An event is released once the block holding its frame has been written, so each step lets a
    // few blocks through.
    let next_start = |tap: &MemoryTap| {
        tap.allow(20_000);
        loop {
            let ev = p.events().recv().expect("event");
            if let PlayerEvent::TrackStarted { entry, .. } = ev {
                return entry;
            }
        }
    };
    let first = next_start(&tap);
    p.send(PlayerCmd::Next).expect("send");
    let second = next_start(&tap);
    assert_ne!(first, second);
    p.send(PlayerCmd::Previous).expect("send");
    assert_eq!(next_start(&tap), first);
    p.send(PlayerCmd::Stop).expect("send");
    tap.open();
}

#[test]
fn removing_the_entry_fading_in_cancels_the_crossfade() {
    let t = tracks("44k/wav");
    let (a, c) = (wav(&t[0]), wav(&t[2]));
    let (p, tap) = gated_player(44_100);
    p.send(PlayerCmd::SetCrossfade(Duration::from_millis(500)))
        .expect("send");
    p.send(PlayerCmd::Append(items(&t))).expect("send");
    p.send(PlayerCmd::Play).expect("send");
    // The overlap runs from output frame 154 351 to 176 401; its middle is 165 376.
    tap.allow(158_000);
    tap.wait_for(158_000);
    p.send(PlayerCmd::Remove(1)).expect("send");
    let events = until_end(&p, &tap);
    let out = tap.samples();
    assert!(
        !events
            .iter()
            .any(|e| matches!(e, PlayerEvent::TrackStarted { entry, .. } if entry.0 == 2)),
        "the removed entry was never announced"
    );
    // Track 1 plays on alone to its end, then track 3 joins it without a gap.
    assert_eq!(out.len() / 2, 176_401 + 99_599);
    assert!(out[170_000 * 2..176_401 * 2] == a[170_000 * 2..]);
    assert!(out[176_401 * 2..] == c[..]);
}

#[test]
fn a_handle_drives_the_player_from_another_thread() {
    fn send_sync<T: Send + Sync + Clone>(_: &T) {}
    let (sink, tap) = MemorySink::new(44_100, 2);
    let p = Player::spawn(Box::new(sink)).expect("player");
    let h = p.handle();
    send_sync(&h);
    let path = tracks("44k/wav")[2].clone();
    std::thread::spawn(move || {
        h.send(PlayerCmd::Append(vec![QueueItem::new(path)]))?;
        h.send(PlayerCmd::Play)
    })
    .join()
    .expect("thread")
    .expect("send");
    for ev in p.events().iter() {
        if ev == PlayerEvent::QueueEnded {
            break;
        }
    }
    assert_eq!(tap.frames(), 99_599);
    assert_eq!(p.handle().state().queue.len(), 1);
}
