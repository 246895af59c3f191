//! A minimal `cnt play`: plays files gaplessly on the default sound device, or renders them to a WAV
//! file with `--output FILE`, printing each track's gapless facts.
//!
//! `cargo run -p cnt-player --example play -- [--output out.wav] FILE…`

use std::path::PathBuf;
use std::time::Duration;

use cnt_player::{
    DeviceOutput, Player, PlayerCmd, PlayerEvent, QueueItem, RenderOptions, render_to_wav,
};

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let output = match args.iter().position(|a| a == "--output") {
        Some(i) if i + 1 < args.len() => {
            let out = PathBuf::from(args.remove(i + 1));
            args.remove(i);
            Some(out)
        }
        _ => None,
    };
    let files: Vec<PathBuf> = args.into_iter().map(PathBuf::from).collect();
    if files.is_empty() {
        eprintln!("usage: play [--output out.wav] FILE…");
        std::process::exit(2);
    }
    if let Some(out) = output {
        match render_to_wav(&files, &out, RenderOptions::default()) {
            Ok(report) => println!("{report} → {}", out.display()),
            Err(e) => {
                eprintln!("{e}");
                std::process::exit(1);
            }
        }
        return;
    }
    let device = match DeviceOutput::open_default(Duration::from_millis(200)) {
        Ok(d) => d,
        Err(e) => {
            // No sound card: say so and stop, no panic.
            eprintln!("{e}");
            std::process::exit(1);
        }
    };
    let Ok(player) = Player::spawn(Box::new(device)) else {
        eprintln!("cannot start the player");
        std::process::exit(1);
    };
    let items = files.into_iter().map(QueueItem::new).collect();
    if player.send(PlayerCmd::Append(items)).is_err() || player.send(PlayerCmd::Play).is_err() {
        std::process::exit(1);
    }
    let started = std::time::Instant::now();
    for ev in player.events().iter() {
        match ev {
            PlayerEvent::TrackStarted { entry, info, .. } => println!(
                "{:>7.3} s  track {} {:?} {} Hz ({:?})",
                started.elapsed().as_secs_f64(),
                entry.0,
                info.codec,
                info.rate,
                info.gapless.source
            ),
            PlayerEvent::TrackError { path, error, .. } => {
                println!("{}: {error}", path.display())
            }
            PlayerEvent::QueueEnded => break,
            _ => {}
        }
    }
    println!("{:>7.3} s  end", started.elapsed().as_secs_f64());
    let _ = player.shutdown();
}
