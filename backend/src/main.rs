//! `cnt-server`: the CNT Media server binary. See the crate docs of `cnt_backend`.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use cnt_backend::{Registration, Settings, SettingsOverrides};

mod users;

/// The CNT Media server: accounts, catalogue, sync, uploads and community for one church or many.
#[derive(Debug, Parser)]
#[command(name = "cnt-server", version, about)]
struct Cli {
    /// A TOML settings file (keys: bind, data_dir, database_url). Default: $XDG_CONFIG_HOME/cnt-server/config.toml if it exists.
    #[arg(long, global = true, env = "CNT_SERVER_CONFIG", value_name = "FILE")]
    config: Option<PathBuf>,
    /// Address to listen on [default: 127.0.0.1:8787].
    #[arg(long, global = true, env = "CNT_SERVER_BIND", value_name = "ADDR")]
    bind: Option<SocketAddr>,
    /// Where the SQLite database and media files live [default: $XDG_DATA_HOME/cnt-server].
    #[arg(long, global = true, env = "CNT_SERVER_DATA_DIR", value_name = "DIR")]
    data_dir: Option<PathBuf>,
    /// A database URL (sqlite://PATH or postgres://USER:PASSWORD@HOST/DB) instead of the SQLite file in the data dir.
    #[arg(
        long,
        global = true,
        env = "DATABASE_URL",
        value_name = "URL",
        hide_env_values = true
    )]
    database_url: Option<String>,
    /// Who may create an account: open, approval (an administrator approves each one) or closed [default: approval].
    #[arg(
        long,
        global = true,
        env = "CNT_SERVER_REGISTRATION",
        value_name = "POLICY"
    )]
    registration: Option<Registration>,
    /// SMTP server for account emails: smtps://USER:PASSWORD@HOST, smtp://USER:PASSWORD@HOST:587?tls=required, or smtp://HOST:PORT.
    #[arg(
        long,
        global = true,
        env = "CNT_SERVER_SMTP_URL",
        value_name = "URL",
        hide_env_values = true
    )]
    smtp_url: Option<String>,
    /// Sender of account emails [default: CNT Media <no-reply@localhost>].
    #[arg(
        long,
        global = true,
        env = "CNT_SERVER_MAIL_FROM",
        value_name = "ADDRESS"
    )]
    mail_from: Option<String>,
    /// OAuth client id for Google sign-in (tokens must be issued to it); unset: no Google sign-in.
    #[arg(
        long,
        global = true,
        env = "CNT_SERVER_GOOGLE_CLIENT_ID",
        value_name = "ID"
    )]
    google_client_id: Option<String>,
    /// Where Google's signing keys are published [default: Google's].
    #[arg(
        long,
        global = true,
        env = "CNT_SERVER_GOOGLE_JWKS_URL",
        value_name = "URL"
    )]
    google_jwks_url: Option<String>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the server (the default).
    Serve,
    /// Print the effective settings and exit.
    Config,
    /// Manage accounts directly in the database (works while the server runs).
    #[command(subcommand)]
    User(users::UserCommand),
    /// Fill the catalogue: a small real demo, or synthetic tracks for benchmarks.
    #[command(subcommand)]
    Seed(SeedCommand),
}

#[derive(Debug, Subcommand)]
enum SeedCommand {
    /// A small real catalogue made here from public-domain material with sox and espeak-ng.
    Demo {
        /// Do nothing when the catalogue already has items (used by `cargo xtask run`).
        #[arg(long)]
        if_empty: bool,
    },
    /// N synthetic tracks (with an artist and album per 10 tracks) for benchmarks.
    Synthetic {
        /// How many tracks.
        #[arg(long, default_value_t = 1000)]
        tracks: usize,
        /// Seed of the word generator (same seed, same titles).
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
}

async fn seed(settings: &Settings, command: SeedCommand) -> anyhow::Result<()> {
    use anyhow::Context;
    cnt_backend::ensure_writable_dir(&settings.data_dir)?;
    let db = cnt_backend::Db::open(&settings.database_url()).await?;
    match command {
        SeedCommand::Demo { if_empty } => {
            if if_empty && !cnt_backend::seed::catalogue_is_empty(&db).await? {
                eprintln!("the catalogue already has items: nothing to do");
                return Ok(());
            }
            cnt_backend::ensure_writable_dir(&settings.media_dir())?;
            let media = cnt_backend::media::MediaStore::new(settings.media_dir());
            let scratch = std::env::temp_dir().join(format!("cnt-seed-{}", std::process::id()));
            eprintln!("making the demo catalogue with sox and espeak-ng…");
            let result = cnt_backend::seed::demo(&db, &media, &scratch).await;
            let _ = std::fs::remove_dir_all(&scratch);
            let report = result.context("seed demo")?;
            println!(
                "demo catalogue: {} items, {} media files, {}:{:02} of audio",
                report.items,
                report.media,
                report.audio_ms / 60_000,
                report.audio_ms / 1000 % 60
            );
        }
        SeedCommand::Synthetic { tracks, seed } => {
            let started = std::time::Instant::now();
            let written = cnt_backend::seed::synthetic(&db, tracks, seed, |done| {
                eprint!("\r{done}/{tracks} tracks");
            })
            .await?;
            eprintln!();
            println!(
                "{written} items ({tracks} tracks) written in {:.1} s",
                started.elapsed().as_secs_f64()
            );
        }
    }
    db.close().await;
    Ok(())
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("CNT_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    let settings = match Settings::load(SettingsOverrides {
        config_file: cli.config,
        bind: cli.bind,
        data_dir: cli.data_dir,
        database_url: cli.database_url,
        registration: cli.registration,
        smtp_url: cli.smtp_url,
        mail_from: cli.mail_from,
        google_client_id: cli.google_client_id,
        google_jwks_url: cli.google_jwks_url,
    }) {
        Ok(s) => s,
        Err(e) => return fail(&e),
    };
    match cli.command.unwrap_or(Command::Serve) {
        Command::Config => {
            println!("bind = \"{}\"", settings.bind);
            println!("data_dir = \"{}\"", settings.data_dir.display());
            println!("database = \"{}\"", settings.database_url());
            println!("registration = \"{}\"", settings.registration.as_str());
            println!(
                "email = \"{}\"",
                if settings.smtp_url.is_some() {
                    "configured"
                } else {
                    "none"
                }
            );
            match &settings.config_file {
                Some(f) => println!("# read from {}", f.display()),
                None => println!("# no config file"),
            }
            ExitCode::SUCCESS
        }
        Command::User(command) => {
            let runtime = match tokio::runtime::Runtime::new() {
                Ok(r) => r,
                Err(e) => return fail(&e),
            };
            match runtime.block_on(users::run(&settings, command)) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => fail(&format!("{e:#}")),
            }
        }
        Command::Seed(command) => {
            let runtime = match tokio::runtime::Runtime::new() {
                Ok(r) => r,
                Err(e) => return fail(&e),
            };
            match runtime.block_on(seed(&settings, command)) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => fail(&format!("{e:#}")),
            }
        }
        Command::Serve => {
            let runtime = match tokio::runtime::Runtime::new() {
                Ok(r) => r,
                Err(e) => return fail(&e),
            };
            match runtime.block_on(cnt_backend::run(settings)) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => fail(&e),
            }
        }
    }
}

fn fail(e: &dyn std::fmt::Display) -> ExitCode {
    eprintln!("cnt-server: error: {e}");
    ExitCode::FAILURE
}
