//! `cnt bible REF | search | import | translations` and `cnt play FILE… [--output OUT.wav]`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;
use cnt_app::{Core, PlayNote};

/// Bible commands. With a reference and no subcommand, prints the passage.
#[derive(Debug, Subcommand)]
pub enum BibleCommand {
    /// Search the text (words and "quoted phrases"), ranked.
    Search {
        /// Words to look for.
        #[arg(required = true)]
        terms: Vec<String>,
        /// At most this many verses.
        #[arg(long, default_value_t = 20)]
        limit: usize,
        /// Translation code [default: WEB].
        #[arg(long)]
        translation: Option<String>,
    },
    /// Import a Bible file: OSIS, Zefania, USFM, OpenSong, JSON, CSV/TSV (all or nothing).
    Import {
        /// The file (or USFM folder).
        file: PathBuf,
    },
    /// List installed translations.
    Translations,
}

/// `cnt bible REF [--translation ID]`.
pub fn passage(
    core: &Core,
    reference: &str,
    translation: Option<&str>,
    json: bool,
) -> anyhow::Result<ExitCode> {
    let passage = core.bible_passage(reference, translation)?;
    if json {
        let verses: Vec<serde_json::Value> = passage
            .verses
            .iter()
            .map(|v| {
                serde_json::json!({
                    "reference": cnt_app::verse_name(v), "chapter": v.id.chapter, "verse": v.id.verse,
                    "text": v.text, "heading": v.heading,
                })
            })
            .collect();
        println!(
            "{}",
            serde_json::to_string_pretty(&serde_json::json!({
                "reference": passage.reference, "translation": passage.translation, "verses": verses,
            }))?
        );
    } else {
        println!("{} ({})", passage.reference, passage.translation);
        println!("{}", cnt_scripture_render(&passage.verses));
    }
    Ok(ExitCode::SUCCESS)
}

fn cnt_scripture_render(verses: &[cnt_app::Verse]) -> String {
    cnt_app::render_verses(verses)
}

/// Runs a Bible subcommand.
pub fn run(core: &Core, command: BibleCommand, json: bool) -> anyhow::Result<ExitCode> {
    match command {
        BibleCommand::Search {
            terms,
            limit,
            translation,
        } => {
            let hits = core.bible_search(&terms.join(" "), translation.as_deref(), limit)?;
            if json {
                let list: Vec<serde_json::Value> = hits
                    .iter()
                    .map(|h| {
                        serde_json::json!({
                            "reference": cnt_app::verse_name(&h.verse), "text": h.verse.text,
                        })
                    })
                    .collect();
                println!("{}", serde_json::to_string_pretty(&list)?);
            } else if hits.is_empty() {
                println!("nothing found");
            } else {
                for h in &hits {
                    println!("{}  {}", cnt_app::verse_name(&h.verse), h.verse.text);
                }
            }
        }
        BibleCommand::Import { file } => {
            let t = core.bible_import(&file, &mut |_| {})?;
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&serde_json::json!({
                        "code": t.code, "name": t.name, "language": t.language, "verses": t.verses,
                    }))?
                );
            } else {
                println!("imported {} ({}): {} verses", t.name, t.code, t.verses);
            }
        }
        BibleCommand::Translations => {
            let list = core.bible_translations()?;
            if json {
                let list: Vec<serde_json::Value> = list
                    .iter()
                    .map(|t| serde_json::json!({"code": t.code, "name": t.name, "language": t.language, "verses": t.verses}))
                    .collect();
                println!("{}", serde_json::to_string_pretty(&list)?);
            } else {
                for t in list {
                    println!(
                        "{:<8} {} ({}, {} verses)",
                        t.code, t.name, t.language, t.verses
                    );
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `cnt play FILE… [--output OUT.wav]`.
pub fn play(
    core: &Core,
    files: &[PathBuf],
    output: Option<PathBuf>,
    json: bool,
) -> anyhow::Result<ExitCode> {
    if let Some(out) = output {
        let report = core.render_to_wav(files, &out)?;
        let failed = report.tracks.iter().filter(|t| t.result.is_err()).count();
        if json {
            let tracks: Vec<serde_json::Value> = report
                .tracks
                .iter()
                .map(|t| {
                    serde_json::json!({
                        "file": t.path,
                        "frames": t.frames,
                        "trim_source": t.result.as_ref().ok().map(|i| format!("{:?}", i.gapless.source)),
                        "delay": t.result.as_ref().ok().map(|i| i.gapless.delay),
                        "padding": t.result.as_ref().ok().map(|i| i.gapless.padding),
                        "error": t.result.as_ref().err(),
                    })
                })
                .collect();
            println!(
                "{}",
                serde_json::to_string_pretty(&serde_json::json!({
                    "output": out, "rate": report.rate, "channels": report.channels,
                    "frames": report.total_frames, "tracks": tracks,
                }))?
            );
        } else {
            println!("{report}");
            println!("→ {}", out.display());
        }
        return Ok(if failed > 0 {
            ExitCode::FAILURE
        } else {
            ExitCode::SUCCESS
        });
    }
    core.play_on_device(files, &mut |n| match n {
        PlayNote::Started(path, what) => println!("playing {} ({what})", path.display()),
        PlayNote::Failed(path, why) => eprintln!("skipped {}: {why}", path.display()),
    })?;
    Ok(ExitCode::SUCCESS)
}
