//! Project tasks: `cargo xtask setup | run | test | screenshot | bench`.
//!
//! - `setup` installs the Debian packages the build and tests need (apt-get; sudo when not root), saying
//!   what it installs and why. It is idempotent: present packages are skipped.
//! - `run` = setup, build, start `cnt-server` on 127.0.0.1 with its embedded defaults, open the app.
//! - `test` = setup, `cargo fmt --check`, clippy `-D warnings`, every test, and a smoke test of the real
//!   window under Xvfb. `.ci/run` calls exactly this.
//! - `screenshot` runs the real window under Xvfb against a real server and saves a PNG.
//! - `bench` prints start-up and memory figures (see docs/benchmarks.md).

mod bench;
mod postgres;
mod setup;
mod tally;
mod window;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(name = "cargo xtask", about = "CNT Media project tasks")]
struct Cli {
    #[command(subcommand)]
    command: Task,
}

#[derive(Debug, Subcommand)]
enum Task {
    /// Install the system packages needed to build and run (and, with --tests, to test).
    Setup {
        /// Also install what the tests need (Xvfb, ImageMagick, xdotool).
        #[arg(long)]
        tests: bool,
    },
    /// Install what is missing, build, start cnt-server on 127.0.0.1 and open the app.
    Run {
        /// Build with optimizations.
        #[arg(long)]
        release: bool,
        /// Arguments passed to `cnt` (after `--`).
        #[arg(last = true)]
        app_args: Vec<String>,
    },
    /// Install what the tests need, then fmt check, clippy -D warnings, every test, the window smoke test.
    Test,
    /// Run the real window under Xvfb and save a PNG screenshot.
    Screenshot {
        /// The screen to open (home, search, library, bible, worship, create, community, events, settings).
        #[arg(long, default_value = "home")]
        screen: String,
        /// Window size, e.g. 1200x780 (below 700 px wide the sidebar becomes a tab bar).
        #[arg(long, default_value = "1200x780")]
        size: String,
        /// Where to save it [default: target/screenshots/SCREEN-SIZE.png].
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Measure cold start to first paint, idle memory (PSS), and optionally clean build and test time.
    Bench {
        /// Also measure a clean build (runs `cargo clean` first: slow).
        #[arg(long)]
        clean_build: bool,
        /// How many cold starts to time.
        #[arg(long, default_value = "5")]
        runs: usize,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Task::Setup { tests } => setup::ensure(if tests {
            setup::Purpose::Test
        } else {
            setup::Purpose::Run
        }),
        Task::Run { release, app_args } => run(release, &app_args),
        Task::Test => test(),
        Task::Screenshot { screen, size, out } => window::screenshot_command(&screen, &size, out),
        Task::Bench { clean_build, runs } => bench::run(clean_build, runs),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// The workspace root (xtask lives one level below it).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// The cargo target directory in use.
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target"))
}

/// Runs `cargo ARGS` in the workspace root, failing on a non-zero exit.
pub fn cargo(args: &[&str]) -> Result<()> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    step(&format!("cargo {}", args.join(" ")), || {
        let status = Command::new(&cargo)
            .args(args)
            .current_dir(root())
            .status()
            .with_context(|| format!("cannot run {cargo}"))?;
        if !status.success() {
            bail!("`cargo {}` failed ({status})", args.join(" "));
        }
        Ok(())
    })
}

/// Runs a named step, printing its duration.
pub fn step<T>(name: &str, f: impl FnOnce() -> Result<T>) -> Result<T> {
    eprintln!("==> {name}");
    let start = Instant::now();
    let out = f()?;
    eprintln!("==> {name}: done in {:.1} s", start.elapsed().as_secs_f64());
    Ok(out)
}

fn run(release: bool, app_args: &[String]) -> Result<()> {
    setup::ensure(setup::Purpose::Run)?;
    let mut build = vec!["build", "-p", "cnt-backend", "-p", "cnt-desktop"];
    if release {
        build.push("--release");
    }
    cargo(&build)?;
    let bin_dir = target_dir().join(if release { "release" } else { "debug" });
    let server_url = format!("http://127.0.0.1:{}", window::DEFAULT_PORT);
    let mut server = match window::healthy(window::DEFAULT_PORT) {
        true => {
            eprintln!("cnt-server is already running at {server_url}; using it");
            None
        }
        false => {
            // The bundled public-domain demo catalogue, made on first run (sox, espeak-ng).
            let seeded = Command::new(bin_dir.join("cnt-server"))
                .args(["seed", "demo", "--if-empty"])
                .status()
                .context("cannot run cnt-server seed demo")?;
            if !seeded.success() {
                eprintln!("warning: the demo catalogue could not be made; the server starts empty");
            }
            // Only this machine can reach it (127.0.0.1), so anyone at it may create an account.
            let child = Command::new(bin_dir.join("cnt-server"))
                .args(["--bind", &format!("127.0.0.1:{}", window::DEFAULT_PORT)])
                .args(["--registration", "open"])
                .spawn()
                .context("cannot start cnt-server")?;
            let mut server = window::ChildGuard::new(child);
            window::wait_healthy(window::DEFAULT_PORT, &mut server)?;
            Some(server)
        }
    };
    if !window::display_available() {
        eprintln!(
            "No display (DISPLAY/WAYLAND_DISPLAY unset): the app window cannot open. \
             cnt-server keeps running at {server_url}; press Ctrl-C to stop it."
        );
        if let Some(server) = server.as_mut() {
            server.wait()?;
        }
        return Ok(());
    }
    let status = Command::new(bin_dir.join("cnt"))
        .arg("--server")
        .arg(&server_url)
        .args(app_args)
        .status()
        .context("cannot start cnt")?;
    drop(server); // stops the server we started
    if !status.success() {
        bail!("cnt exited with {status}");
    }
    Ok(())
}

fn test() -> Result<()> {
    let start = Instant::now();
    setup::ensure(setup::Purpose::Test)?;
    cargo(&["fmt", "--all", "--check"])?;
    cargo(&[
        "clippy",
        "--workspace",
        "--all-targets",
        "--locked",
        "--",
        "-D",
        "warnings",
    ])?;
    let mut tally = step("cargo test --workspace --locked", || {
        tally::run_cargo_test(&["test", "--workspace", "--locked"])
    })?;
    // The backend's tests again, on PostgreSQL: one set of queries serves both databases.
    let pg = step("cnt-backend tests on PostgreSQL", || {
        let admin = postgres::start()?;
        let result = tally::run_cargo_test_env(
            &["test", "-p", "cnt-backend", "--test", "it", "--locked"],
            &[("CNT_TEST_POSTGRES", admin.as_str())],
        );
        postgres::clean(&admin);
        result
    })?;
    tally.merge(&pg);
    step("window smoke test under Xvfb", window::smoke_test)?;
    tally.passed += 1;
    eprintln!(
        "==> all checks passed in {:.1} min",
        start.elapsed().as_secs_f64() / 60.0
    );
    // One plain closing line for CI: every test binary's results plus the window smoke test.
    println!("{}", tally.line());
    Ok(())
}
