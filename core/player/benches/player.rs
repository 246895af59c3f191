//! Player figures for docs/benchmarks.md: decode time per codec next to ffmpeg, engine CPU per second
//! of audio, time from Play to the first sample, seek time. `cargo bench -p cnt-player --bench player`.
//!
//! A plain program, not a harness: medians of a few runs, printed as Markdown rows.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use cnt_player::decode;
use cnt_player::{MemorySink, Player, PlayerCmd, PlayerEvent, QueueItem};

const RUNS: usize = 7;

fn data(rel: &str) -> PathBuf {
    PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/data/"
    ))
    .join(rel)
}

fn tracks(set: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(data(&format!("gapless/{set}")))
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    v.retain(|p| {
        p.file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with("track0"))
    });
    v.sort();
    v
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

/// ffmpeg's own real time for decoding to the null muxer (`-benchmark` prints `rtime=`), and the wall
/// time of the whole process (start-up included).
fn ffmpeg(file: &Path) -> Option<(Duration, Duration)> {
    let t = Instant::now();
    let out = Command::new("ffmpeg")
        .args(["-hide_banner", "-nostdin", "-benchmark", "-i"])
        .arg(file)
        .args(["-f", "null", "-"])
        .output()
        .ok()?;
    let wall = t.elapsed();
    let text = String::from_utf8_lossy(&out.stderr);
    let rtime = text
        .split("rtime=")
        .nth(1)?
        .split('s')
        .next()?
        .trim()
        .parse::<f64>()
        .ok()?;
    Some((Duration::from_secs_f64(rtime), wall))
}

fn cpu_time() -> Duration {
    // utime + stime of this process, in clock ticks (100 per second on Linux).
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = stat.rsplit(')').next().unwrap_or_default();
    let f: Vec<&str> = after.split_whitespace().collect();
    let ticks = f.get(11).and_then(|u| u.parse::<u64>().ok()).unwrap_or(0)
        + f.get(12).and_then(|s| s.parse::<u64>().ok()).unwrap_or(0);
    Duration::from_millis(ticks * 10)
}

/// CPU time (all threads) to play `files` ten times over: 100 s of audio, so the 10 ms tick of
/// /proc/self/stat costs at most 0.01 % in the result.
fn play_all(files: &[PathBuf], rate: u32) -> Duration {
    let cpu0 = cpu_time();
    let files: Vec<PathBuf> = files
        .iter()
        .cycle()
        .take(files.len() * 10)
        .cloned()
        .collect();
    let (sink, _tap) = MemorySink::new(rate, 2);
    let Ok(p) = Player::spawn(Box::new(sink)) else {
        return Duration::ZERO;
    };
    let _ = p.send(PlayerCmd::Append(
        files.iter().map(|f| QueueItem::new(f.clone())).collect(),
    ));
    let _ = p.send(PlayerCmd::Play);
    for ev in p.events().iter() {
        if ev == PlayerEvent::QueueEnded {
            break;
        }
    }
    let _ = p.shutdown();
    cpu_time().saturating_sub(cpu0)
}

/// CPU time to play `files` ten times through the sound device (rodio and cpal included), or `None`
/// without one. Run with `ALSA_CONFIG_PATH` pointing at a configuration whose default PCM is `null` to
/// measure without a sound card (the null device is not clocked: it pulls as fast as it can).
fn play_device(files: &[PathBuf]) -> Option<Duration> {
    let device = cnt_player::DeviceOutput::open_default(Duration::from_millis(200)).ok()?;
    let rate = cnt_player::AudioOutput::rate(&device);
    let cpu0 = cpu_time();
    let p = Player::spawn(Box::new(device)).ok()?;
    let files: Vec<PathBuf> = files
        .iter()
        .cycle()
        .take(files.len() * 10)
        .cloned()
        .collect();
    p.send(PlayerCmd::Append(
        files.iter().map(|f| QueueItem::new(f.clone())).collect(),
    ))
    .ok()?;
    p.send(PlayerCmd::Play).ok()?;
    for ev in p.events().iter() {
        if ev == PlayerEvent::QueueEnded {
            break;
        }
    }
    let _ = p.shutdown();
    println!("(device at {rate} Hz)");
    Some(cpu_time().saturating_sub(cpu0))
}

fn first_sample(file: &Path, rate: u32) -> Duration {
    let (sink, tap) = MemorySink::new(rate, 2);
    let Ok(p) = Player::spawn(Box::new(sink)) else {
        return Duration::ZERO;
    };
    let _ = p.send(PlayerCmd::Append(vec![QueueItem::new(file.to_path_buf())]));
    // Let the thread start before the clock does: we time Play, not thread creation.
    std::thread::sleep(Duration::from_millis(30));
    let t = Instant::now();
    let _ = p.send(PlayerCmd::Play);
    tap.wait_for(1);
    let d = t.elapsed();
    let _ = p.send(PlayerCmd::Stop);
    d
}

fn main() {
    let sets = [
        ("WAV 16-bit", "44k/wav", 44_100),
        ("FLAC", "44k/flac", 44_100),
        ("MP3 CBR 128k", "44k/mp3_lame_cbr", 44_100),
        ("MP3 VBR V2", "44k/mp3_lame_vbr", 44_100),
        ("AAC-LC in MP4", "44k/m4a_aac_editlist", 44_100),
        ("Vorbis q4", "44k/ogg_vorbis", 44_100),
        ("Opus 96k", "48k/opus", 48_000),
    ];
    println!("## Decode 10 s of stereo audio (3 files), median of {RUNS} runs");
    println!();
    println!("| codec | cnt-player | × real time | ffmpeg rtime | ffmpeg process wall |");
    println!("|---|---|---|---|---|");
    for (name, set, _) in sets {
        let files = tracks(set);
        let ours = median(
            (0..RUNS)
                .map(|_| {
                    let t = Instant::now();
                    for f in &files {
                        let _ = std::hint::black_box(decode::decode_all(f));
                    }
                    t.elapsed()
                })
                .collect(),
        );
        let theirs: Vec<(Duration, Duration)> = (0..RUNS)
            .filter_map(|_| {
                let mut r = Duration::ZERO;
                let mut w = Duration::ZERO;
                for f in &files {
                    let (a, b) = ffmpeg(f)?;
                    r += a;
                    w += b;
                }
                Some((r, w))
            })
            .collect();
        let (fr, fw) = if theirs.is_empty() {
            ("ffmpeg missing".to_string(), String::new())
        } else {
            (
                ms(median(theirs.iter().map(|t| t.0).collect())),
                ms(median(theirs.iter().map(|t| t.1).collect())),
            )
        };
        println!(
            "| {name} | {} | {:.0}× | {fr} | {fw} |",
            ms(ours),
            10.0 / ours.as_secs_f64()
        );
    }
    println!();
    println!(
        "## Engine: CPU time to play 100 s (the set 10 times; decode, gain, memory sink), and Play → first sample"
    );
    println!();
    println!(
        "| codec | CPU per 100 s of audio | ≈ CPU while playing | Play → first sample (median of {RUNS}) |"
    );
    println!("|---|---|---|---|");
    for (name, set, rate) in sets {
        let files = tracks(set);
        let cpu = median((0..3).map(|_| play_all(&files, rate)).collect());
        let first = median((0..RUNS).map(|_| first_sample(&files[0], rate)).collect());
        println!(
            "| {name} | {} | {:.2} % of one core | {} |",
            ms(cpu),
            cpu.as_secs_f64() / 100.0 * 100.0,
            ms(first)
        );
    }
    println!();
    match play_device(&tracks("44k/flac")) {
        Some(cpu) => println!(
            "Through the sound device (rodio + cpal, 44.1 kHz FLAC set ×10 = 100 s): {} CPU, ≈ {:.2} % of one core",
            ms(cpu),
            cpu.as_secs_f64() / 100.0 * 100.0
        ),
        None => println!("No sound device: device CPU not measured."),
    }
    println!();
    let music = data("media/music/freepd_kevin_macleod_30s.mp3");
    let seek = median(
        (0..RUNS)
            .map(|_| {
                let Ok(mut d) = decode::open(&music) else {
                    return Duration::ZERO;
                };
                let t = Instant::now();
                let _ = d.seek(44_100 * 25);
                let _ = d.next_block(&mut Vec::new());
                t.elapsed()
            })
            .collect(),
    );
    let flac = data("gapless/44k/flac/track01.flac");
    let seek_flac = median(
        (0..RUNS)
            .map(|_| {
                let Ok(mut d) = decode::open(&flac) else {
                    return Duration::ZERO;
                };
                let t = Instant::now();
                let _ = d.seek(150_000);
                let _ = d.next_block(&mut Vec::new());
                t.elapsed()
            })
            .collect(),
    );
    let seek_at = |path: PathBuf, frame: u64| {
        median(
            (0..RUNS)
                .map(|_| {
                    let Ok(mut d) = decode::open(&path) else {
                        return Duration::ZERO;
                    };
                    let t = Instant::now();
                    let _ = d.seek(frame);
                    let _ = d.next_block(&mut Vec::new());
                    t.elapsed()
                })
                .collect(),
        )
    };
    let seek_vorbis = seek_at(data("gapless/44k/ogg_vorbis/track01.ogg"), 150_000);
    let seek_aac = seek_at(data("gapless/44k/m4a_aac_editlist/track01.m4a"), 150_000);
    let seek_opus = seek_at(data("gapless/48k/opus/track01.opus"), 120_000);
    println!("## Seek (to the first sample after the seek)");
    println!();
    println!("| file | how | time |");
    println!("|---|---|---|");
    let rows = [
        ("30 s MP3, to 25 s", "container seek, 0.5 s pre-roll", seek),
        ("4 s FLAC, to 3.4 s", "container seek, discard", seek_flac),
        (
            "4 s Vorbis, to 3.4 s",
            "container seek, 0.5 s pre-roll",
            seek_vorbis,
        ),
        (
            "4 s AAC, to 3.4 s",
            "reopen, decode up to the target",
            seek_aac,
        ),
        (
            "4 s Opus, to 2.5 s",
            "Ogg page bisection, 80 ms pre-roll",
            seek_opus,
        ),
    ];
    for (file, how, t) in rows {
        println!("| {file} | {how} | {} |", ms(t));
    }
}
