//! `cnt library sync | search | download | downloads`.

use std::process::ExitCode;

use anyhow::{Context, bail};
use clap::Subcommand;
use cnt_app::{Core, DownloadState, ItemId, ItemKind, PlaylistId, SyncProgress};
use indicatif::{ProgressBar, ProgressStyle};

/// Library commands.
#[derive(Debug, Subcommand)]
pub enum LibraryCommand {
    /// Send local edits and fetch what changed on the server.
    Sync,
    /// Search the library on this device (works offline).
    Search {
        /// Words to look for (each a prefix; accents ignored).
        #[arg(required = true)]
        terms: Vec<String>,
        /// At most this many results per kind.
        #[arg(long, default_value_t = 10)]
        limit: usize,
    },
    /// Download an item, or every item of a playlist, for offline use.
    Download {
        /// The item's id.
        #[arg(conflicts_with = "playlist", required_unless_present = "playlist")]
        id: Option<String>,
        /// A playlist's id: keep the whole playlist offline.
        #[arg(long, value_name = "ID")]
        playlist: Option<String>,
        /// Only queue; let the app fetch in the background.
        #[arg(long)]
        queue_only: bool,
    },
    /// List downloads, their state and the storage used.
    Downloads,
}

fn kind_name(kind: ItemKind) -> &'static str {
    kind.as_str()
}

/// Runs one library command.
pub async fn run(core: &Core, command: LibraryCommand, json: bool) -> anyhow::Result<ExitCode> {
    match command {
        LibraryCommand::Sync => sync(core, json).await,
        LibraryCommand::Search { terms, limit } => {
            let query = terms.join(" ");
            let results = core.search(&query, limit)?;
            if json {
                let list: Vec<serde_json::Value> = results
                    .hits()
                    .map(|h| {
                        serde_json::json!({
                            "id": h.id,
                            "kind": kind_name(h.kind),
                            "title": h.title,
                            "subtitle": h.subtitle,
                            "duration_ms": h.duration_ms,
                            "offline": h.offline,
                        })
                    })
                    .collect();
                println!("{}", serde_json::to_string_pretty(&list)?);
            } else if results.groups.is_empty() {
                println!("nothing found for {query:?}");
                if core.count_items(None)? == 0 {
                    println!("(the library is empty: run `cnt library sync` first)");
                }
            } else {
                for (kind, hits) in &results.groups {
                    println!("{}:", kind_name(*kind));
                    for h in hits {
                        println!(
                            "  {}  {}{}{}",
                            h.id,
                            h.title,
                            h.subtitle
                                .as_deref()
                                .map(|s| format!(" — {s}"))
                                .unwrap_or_default(),
                            if h.offline { "  [offline]" } else { "" }
                        );
                    }
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        LibraryCommand::Download {
            id,
            playlist,
            queue_only,
        } => {
            match (id, playlist) {
                (Some(id), _) => {
                    let id: ItemId = id.parse().context("not an item id")?;
                    core.download(id, true)?;
                }
                (None, Some(p)) => {
                    let p: PlaylistId = p.parse().context("not a playlist id")?;
                    let n = core.pin_playlist(p, true)?;
                    if !json {
                        eprintln!("keeping the playlist offline: {n} item(s) queued");
                    }
                }
                (None, None) => bail!("give an item id or --playlist ID"),
            }
            if queue_only {
                return Ok(ExitCode::SUCCESS);
            }
            download(core, json).await
        }
        LibraryCommand::Downloads => {
            let list = core.downloads()?;
            let (used, quota) = core.storage()?;
            if json {
                let items: Vec<serde_json::Value> = list
                    .iter()
                    .map(|d| {
                        serde_json::json!({
                            "id": d.item.id,
                            "title": d.item.title,
                            "state": state_name(d.state),
                            "bytes_done": d.bytes_done,
                            "size": d.size,
                            "pinned": d.pinned,
                            "error": d.error,
                        })
                    })
                    .collect();
                println!(
                    "{}",
                    serde_json::to_string_pretty(&serde_json::json!({
                        "downloads": items, "storage_used": used, "quota": quota
                    }))?
                );
            } else {
                println!("storage: {} of {} used", human(used), human(quota));
                for d in &list {
                    println!(
                        "  {:<8} {}  {}{}{}",
                        state_name(d.state),
                        d.item.id,
                        d.item.title,
                        if d.pinned { "  [pinned]" } else { "" },
                        d.error
                            .as_deref()
                            .map(|e| format!("  error: {e}"))
                            .unwrap_or_default()
                    );
                }
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn state_name(s: DownloadState) -> &'static str {
    match s {
        DownloadState::Queued => "queued",
        DownloadState::Done => "done",
        DownloadState::Failed => "failed",
    }
}

fn human(bytes: u64) -> String {
    let mb = bytes as f64 / (1024.0 * 1024.0);
    if mb >= 1024.0 {
        format!("{:.1} GiB", mb / 1024.0)
    } else {
        format!("{mb:.1} MiB")
    }
}

async fn sync(core: &Core, json: bool) -> anyhow::Result<ExitCode> {
    let bar = ProgressBar::new(1);
    bar.set_style(
        ProgressStyle::with_template("{spinner} {msg} [{bar:30}] {percent}%")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    let result = core
        .sync_now(&mut |p| match p {
            SyncProgress::Pushing { sent, total } => {
                bar.set_message(format!("sending {sent}/{total} edits"));
            }
            SyncProgress::Pulling {
                applied,
                cursor,
                head,
                start,
            } => {
                let span = (head - start).max(1) as u64;
                bar.set_length(span);
                bar.set_position(((cursor - start).max(0) as u64).min(span));
                bar.set_message(format!("{applied} changes"));
            }
            SyncProgress::Done(_) => {}
        })
        .await;
    bar.finish_and_clear();
    let report = result.map_err(explain)?;
    // Covers for the player and the system's media controls; a failure here does not fail the sync.
    let artwork = match core.fetch_artwork().await {
        Ok(a) => a,
        Err(e) => {
            eprintln!("artwork not fetched: {e}");
            cnt_app::ArtworkReport::default()
        }
    };
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&serde_json::json!({
                "pushed": report.pushed,
                "refused": report.refused,
                "pages": report.pages,
                "upserts": report.upserts,
                "deletes": report.deletes,
                "conflicts": report.conflicts,
                "cursor": report.cursor,
                "items": core.count_items(None)?,
                "artwork_fetched": artwork.fetched,
                "artwork_failed": artwork.failed.len(),
            }))?
        );
    } else {
        println!(
            "synced: {} edit(s) sent{}, {} change(s) received, {} item(s) in the library",
            report.pushed,
            if report.refused > 0 {
                format!(" ({} refused: see conflicts)", report.refused)
            } else {
                String::new()
            },
            report.upserts + report.deletes,
            core.count_items(None)?
        );
        if artwork.fetched > 0 || !artwork.failed.is_empty() {
            println!(
                "artwork: {} image(s) fetched, {} failed",
                artwork.fetched,
                artwork.failed.len()
            );
        }
        for c in core.conflicts()? {
            println!(
                "conflict: {:?} was deleted on another device; {} edit(s) could not be applied",
                c.title, c.lost_edits
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

async fn download(core: &Core, json: bool) -> anyhow::Result<ExitCode> {
    let bar = ProgressBar::new(1);
    bar.set_style(
        ProgressStyle::with_template("{msg} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec}")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    let result = core
        .download_now(&mut |p| {
            bar.set_length(p.total);
            bar.set_position(p.done);
            bar.set_message(p.hash.chars().take(8).collect::<String>());
        })
        .await;
    bar.finish_and_clear();
    let (done, failed) = result.map_err(explain)?;
    let errors: Vec<_> = core
        .downloads()?
        .into_iter()
        .filter(|d| d.state == DownloadState::Failed)
        .collect();
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&serde_json::json!({
                "done": done,
                "failed": failed,
                "errors": errors.iter().map(|d| serde_json::json!({"id": d.item.id, "error": d.error})).collect::<Vec<_>>(),
            }))?
        );
    } else {
        println!("downloaded {done} file(s); {failed} failed");
        for d in &errors {
            println!(
                "  {}: {}",
                d.item.title,
                d.error.as_deref().unwrap_or("failed")
            );
        }
    }
    Ok(if failed > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

fn explain(e: cnt_app::Error) -> anyhow::Error {
    match &e {
        cnt_app::Error::NotSignedIn => {
            anyhow::anyhow!(
                "not signed in: run `cnt account login --email E --password-stdin` first"
            )
        }
        cnt_app::Error::Server(inner) if inner.is_unreachable() => anyhow::anyhow!(
            "{inner}\nthe library on this device still works offline; sync again when the server is reachable"
        ),
        _ => e.into(),
    }
}
