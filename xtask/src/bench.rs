//! `cargo xtask bench`: figures for docs/benchmarks.md.

use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};

use crate::window;

/// Proportional set size (KiB) of `pid` and all its descendants (the webview runs in child processes).
fn pss_tree_kib(pid: u32) -> u64 {
    let mut total = 0;
    let mut stack = vec![pid];
    while let Some(p) = stack.pop() {
        if let Ok(text) = std::fs::read_to_string(format!("/proc/{p}/smaps_rollup")) {
            total += text
                .lines()
                .find_map(|l| l.strip_prefix("Pss:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
                .unwrap_or(0);
        }
        if let Ok(children) = std::fs::read_to_string(format!("/proc/{p}/task/{p}/children")) {
            stack.extend(
                children
                    .split_whitespace()
                    .filter_map(|c| c.parse::<u32>().ok()),
            );
        }
    }
    total
}

/// Empties the kernel's page cache (root only); whether it worked.
fn drop_page_cache() -> bool {
    let _ = Command::new("sync").status();
    std::fs::write("/proc/sys/vm/drop_caches", b"3").is_ok()
}

fn median(v: &mut [u64]) -> u64 {
    v.sort_unstable();
    v[v.len() / 2]
}

/// Runs the measurements and prints a table.
pub fn run(clean_build: bool, runs: usize) -> Result<()> {
    crate::setup::ensure(crate::setup::Purpose::Test)?;
    let mut rows: Vec<(String, String, String)> = Vec::new();
    if clean_build {
        crate::cargo(&["clean"])?;
        let t = Instant::now();
        crate::cargo(&["build", "--workspace", "--all-targets", "--locked"])?;
        rows.push((
            "clean debug build, whole workspace with tests".into(),
            format!("{:.1} min", t.elapsed().as_secs_f64() / 60.0),
            "cargo clean && cargo build --workspace --all-targets".into(),
        ));
        let t = Instant::now();
        crate::cargo(&[
            "clippy",
            "--workspace",
            "--all-targets",
            "--locked",
            "--",
            "-D",
            "warnings",
        ])?;
        rows.push((
            "clippy after that build".into(),
            format!("{:.1} min", t.elapsed().as_secs_f64() / 60.0),
            "cargo clippy --workspace --all-targets -- -D warnings".into(),
        ));
        let t = Instant::now();
        crate::cargo(&["test", "--workspace", "--locked"])?;
        rows.push((
            "test run after that build".into(),
            format!("{:.1} s", t.elapsed().as_secs_f64()),
            "cargo test --workspace".into(),
        ));
    } else {
        crate::cargo(&["build", "-p", "cnt-backend", "-p", "cnt-desktop"])?;
    }

    let mut paints = Vec::new();
    let mut cold_paints = Vec::new();
    let mut window_pss = Vec::new();
    let mut server_pss = Vec::new();
    for i in 0..runs.max(1) {
        // Cold: the page cache emptied first, so binaries, WebKit and fonts come from disk.
        if drop_page_cache() {
            let cold = window::start_session("home", "1200x780")?;
            cold_paints.push(cold.first_paint_ms);
        }
        let session = window::start_session("home", "1200x780")?;
        paints.push(session.first_paint_ms);
        if i == 0 {
            // Idle: let start-up work and the first connection checks finish.
            std::thread::sleep(Duration::from_secs(5));
            window_pss.push(pss_tree_kib(session.app.id()));
            server_pss.push(pss_tree_kib(session.server.id()));
        }
    }
    let min = paints.iter().min().copied().unwrap_or(0);
    let max = paints.iter().max().copied().unwrap_or(0);
    rows.push((
        format!(
            "warm start to first paint, {} runs (debug build)",
            paints.len()
        ),
        format!("median {} ms (min {min}, max {max})", median(&mut paints)),
        "cargo xtask bench".into(),
    ));
    if cold_paints.is_empty() {
        rows.push((
            "cold start to first paint".into(),
            "not measured: cannot drop the page cache (needs root)".into(),
            "cargo xtask bench".into(),
        ));
    } else {
        let min = cold_paints.iter().min().copied().unwrap_or(0);
        let max = cold_paints.iter().max().copied().unwrap_or(0);
        rows.push((
            format!(
                "cold start to first paint (page cache dropped), {} runs (debug build)",
                cold_paints.len()
            ),
            format!(
                "median {} ms (min {min}, max {max})",
                median(&mut cold_paints)
            ),
            "cargo xtask bench".into(),
        ));
    }
    rows.push((
        "idle PSS of the window (cnt + WebKit processes), 5 s after paint".into(),
        format!("{:.0} MiB", window_pss[0] as f64 / 1024.0),
        "cargo xtask bench".into(),
    ));
    rows.push((
        "idle PSS of cnt-server (SQLite, empty)".into(),
        format!("{:.1} MiB", server_pss[0] as f64 / 1024.0),
        "cargo xtask bench".into(),
    ));

    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|t| {
            t.lines().find_map(|l| {
                l.strip_prefix("model name")
                    .map(|v| v.trim_start_matches([' ', '\t', ':']).to_owned())
            })
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    let rustc = Command::new("rustc")
        .arg("--version")
        .output()
        .context("rustc")?;
    println!(
        "machine: {cpu}, {cores} cores; {}",
        String::from_utf8_lossy(&rustc.stdout).trim()
    );
    println!("| what | figure | command |\n|---|---|---|");
    for (what, figure, command) in rows {
        println!("| {what} | {figure} | `{command}` |");
    }
    Ok(())
}
