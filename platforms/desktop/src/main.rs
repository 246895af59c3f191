//! `cnt`: the CNT Media desktop app and its command line.
//!
//! With no subcommand it opens the window (Dioxus desktop on wry/tao). Subcommands work without a
//! display: `cnt status`, `cnt account …`, `cnt library sync|search|download|downloads`,
//! `cnt bible REF|search|import|translations`, `cnt play FILE… [--output OUT.wav]`; `song` comes later.
//! Global options: `--data-dir` (`CNT_DATA_DIR`), `--server` (`CNT_SERVER`), `--config`
//! (`CNT_CONFIG`) and `--json` for machine-readable output.
//!
//! Threading: `main` owns a tokio runtime for the core's background tasks; the window runs on the
//! main thread (tao requires it) with Dioxus's own executor; the two meet only through `Core`.

mod account;
mod library;
mod scripture;
mod song;
mod window;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::Context;
use clap::{Parser, Subcommand};
use cnt_app::{ConnectionState, Core, CoreOptions};

/// CNT Media: music, sermons, podcasts and Scripture for your church, online or offline.
#[derive(Debug, Parser)]
#[command(
    name = "cnt",
    version,
    about,
    after_help = "Run without a subcommand to open the app window."
)]
struct Cli {
    /// Where the library database and downloads live [default: $XDG_DATA_HOME/cnt].
    #[arg(long, global = true, env = "CNT_DATA_DIR", value_name = "DIR")]
    data_dir: Option<PathBuf>,
    /// The CNT Media server to sync with [default: the settings, else http://127.0.0.1:8787].
    #[arg(long, global = true, env = "CNT_SERVER", value_name = "URL")]
    server: Option<String>,
    /// The settings file [default: $XDG_CONFIG_HOME/cnt/config.toml].
    #[arg(long, global = true, env = "CNT_CONFIG", value_name = "FILE")]
    config: Option<PathBuf>,
    /// Print machine-readable JSON instead of text.
    #[arg(long, global = true)]
    json: bool,
    #[command(flatten)]
    window: window::WindowArgs,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Sign in, sign out, and see who is signed in.
    #[command(subcommand)]
    Account(account::AccountCommand),
    /// Sync, search and download the library.
    #[command(subcommand)]
    Library(library::LibraryCommand),
    /// Print a Bible passage (`cnt bible jn316`, `cnt bible "1 Cor 13:4-7" --translation WEB`), or
    /// search, import and list translations.
    #[command(args_conflicts_with_subcommands = true)]
    Bible {
        /// A reference: `John 3:16`, `Jn 3:16-18`, `Ps 23`, `Rom 8:28; 12:1-2`, `jn316`.
        reference: Option<String>,
        /// Translation code [default: WEB, the bundled World English Bible].
        #[arg(long)]
        translation: Option<String>,
        #[command(subcommand)]
        command: Option<scripture::BibleCommand>,
    },
    /// Import, list, show (with chords, transposed), export and delete songs.
    #[command(subcommand)]
    Song(song::SongCommand),
    /// Play audio files gaplessly, or with --output render them to a WAV file (no sound card needed),
    /// printing per file how many samples were trimmed and from which metadata.
    Play {
        /// The files, in order.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Write a WAV at the tracks' own sample rate instead of playing.
        #[arg(long, value_name = "OUT.wav")]
        output: Option<PathBuf>,
    },
    /// Show the server connection, where data lives, and the settings in use.
    Status {
        /// How long to wait for the server to answer.
        #[arg(long, default_value = "5", value_name = "SECONDS")]
        timeout: u64,
    },
}

fn main() -> ExitCode {
    let started = Instant::now();
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("CNT_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    match run(cli, started) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("cnt: error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli, started: Instant) -> anyhow::Result<ExitCode> {
    if cli.command.is_none() && !window::display_available() {
        eprintln!(
            "cnt: no display found (DISPLAY and WAYLAND_DISPLAY are unset), so the window cannot open; \
             commands such as `cnt status` work without one"
        );
        return Ok(ExitCode::from(2));
    }
    let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    let core = {
        let _guard = runtime.enter();
        Core::start(CoreOptions {
            data_dir: cli.data_dir,
            config_file: cli.config,
            server: cli.server,
            ..Default::default()
        })?
    };
    match cli.command {
        Some(Command::Account(command)) => runtime.block_on(account::run(&core, command, cli.json)),
        Some(Command::Library(command)) => runtime.block_on(library::run(&core, command, cli.json)),
        Some(Command::Bible {
            reference,
            translation,
            command,
        }) => match (command, reference) {
            (Some(command), _) => scripture::run(&core, command, cli.json),
            (None, Some(r)) => scripture::passage(&core, &r, translation.as_deref(), cli.json),
            (None, None) => {
                anyhow::bail!(
                    "give a reference (`cnt bible jn316`) or a subcommand (`cnt bible --help`)"
                )
            }
        },
        Some(Command::Song(command)) => song::run(&core, command, cli.json),
        Some(Command::Play { files, output }) => scripture::play(&core, &files, output, cli.json),
        Some(Command::Status { timeout }) => {
            runtime.block_on(status(&core, Duration::from_secs(timeout), cli.json))
        }
        None => {
            {
                let _guard = runtime.enter();
                core.start_background_sync(Duration::from_secs(300));
            }
            // Media keys and desktop media widgets (MPRIS on the session bus, when there is one).
            #[cfg(target_os = "linux")]
            let _mpris = runtime.block_on(core.start_mpris());
            window::launch(core, cli.window, started);
            drop(runtime);
            Ok(ExitCode::SUCCESS)
        }
    }
}

async fn status(core: &Core, timeout: Duration, json: bool) -> anyhow::Result<ExitCode> {
    let state = tokio::time::timeout(
        timeout,
        core.wait_for_connection(|s| !matches!(s, ConnectionState::Connecting)),
    )
    .await
    .unwrap_or_else(|_| ConnectionState::Offline {
        reason: format!("no answer within {} s", timeout.as_secs()),
    });
    let settings = core.settings();
    let account = core.account();
    let tr = cnt_ui::Tr::for_choice(settings.language.as_deref());
    let notices: Vec<(serde_json::Value, String)> = core
        .notices()
        .iter()
        .map(|n| (notice_json(n), cnt_ui::notice_text(&tr, n)))
        .collect();
    let (online, detail) = match &state {
        ConnectionState::Online { server_version } => {
            (true, format!("cnt-server {server_version}"))
        }
        ConnectionState::Offline { reason } => (false, reason.clone()),
        ConnectionState::Connecting => (false, "connecting".to_owned()),
    };
    if json {
        let value = serde_json::json!({
            "version": core.version(),
            "server": core.server_url(),
            "online": online,
            "detail": detail,
            "data_dir": core.data_dir(),
            "config_file": core.config_file(),
            "language": settings.language,
            "account": account.as_ref().map(|a| &a.email),
            "library_schema": core.library_schema_version()?,
            "notices": notices.iter().map(|(json, _)| json.clone()).collect::<Vec<_>>(),
        });
        println!("{}", serde_json::to_string_pretty(&value)?);
    } else {
        println!("cnt {}", core.version());
        println!(
            "server:   {} ({})",
            core.server_url(),
            if online { "online" } else { "offline" }
        );
        println!("          {detail}");
        println!("data:     {}", core.data_dir().display());
        println!("settings: {}", core.config_file().display());
        println!(
            "language: {}",
            settings.language.as_deref().unwrap_or("system default")
        );
        match &account {
            Some(a) => println!("account:  {} ({})", a.email, a.username),
            None => println!("account:  not signed in"),
        }
        for (_, text) in notices {
            println!("notice:   {text}");
        }
    }
    // Offline is a normal state for this app, not a failure of the command.
    Ok(ExitCode::SUCCESS)
}

/// A start-up notice as stable JSON fields for scripts.
fn notice_json(notice: &cnt_app::Notice) -> serde_json::Value {
    match notice {
        cnt_app::Notice::ConfigInvalid { file, error } => {
            serde_json::json!({"kind": "config_invalid", "file": file, "detail": error})
        }
        cnt_app::Notice::LibraryRecovered { moved_to } => {
            serde_json::json!({"kind": "library_recovered", "file": moved_to})
        }
    }
}
