//! `cnt song import FILE… | list [QUERY] | show ID [--transpose N] [--capo N] | export ID --format F
//! [--output F] | delete ID`.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Subcommand, ValueEnum};
use cnt_app::{Core, SongExportFormat, SongSummary};

/// Song commands.
#[derive(Debug, Subcommand)]
pub enum SongCommand {
    /// Import song files: OpenLyrics, ChordPro (.cho/.crd), CCLI SongSelect (.txt/.usr), OpenSong,
    /// SongBeamer (.sng). One result line per file; each file is all or nothing.
    Import {
        /// The files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// List songs, or search titles, authors and lyrics (word prefixes).
    List {
        /// Words to look for.
        query: Vec<String>,
    },
    /// Show a song with chords over the lyrics.
    Show {
        /// The song's id (from `cnt song list`).
        id: i64,
        /// Transpose by this many semitones (negative: down).
        #[arg(long, default_value_t = 0, allow_negative_numbers = true)]
        transpose: i8,
        /// Show the chord shapes to play with a capo on this fret.
        #[arg(long, default_value_t = 0)]
        capo: u8,
    },
    /// Write a song as OpenLyrics 0.9 or ChordPro.
    Export {
        /// The song's id.
        id: i64,
        /// The format.
        #[arg(long, value_enum)]
        format: ExportFormat,
        /// Write to this file instead of standard output.
        #[arg(long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Remove a song from the library.
    Delete {
        /// The song's id.
        id: i64,
    },
}

/// `--format` values.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum ExportFormat {
    /// OpenLyrics 0.9 XML.
    Openlyrics,
    /// ChordPro text.
    Chordpro,
}

fn summary_json(s: &SongSummary) -> serde_json::Value {
    serde_json::json!({
        "id": s.id, "title": s.title, "authors": s.authors, "key": s.key, "ccli": s.ccli,
        "source": s.source,
    })
}

/// Runs a song subcommand.
pub fn run(core: &Core, command: SongCommand, json: bool) -> anyhow::Result<ExitCode> {
    match command {
        SongCommand::Import { files } => {
            let results = core.song_import(&files);
            let failed = results.iter().filter(|(_, r)| r.is_err()).count();
            if json {
                let list: Vec<serde_json::Value> = results
                    .iter()
                    .map(|(path, r)| match r {
                        Ok(s) => serde_json::json!({
                            "file": path, "ok": true, "song": summary_json(s),
                        }),
                        Err(e) => serde_json::json!({"file": path, "ok": false, "error": e}),
                    })
                    .collect();
                println!("{}", serde_json::to_string_pretty(&list)?);
            } else {
                for (path, r) in &results {
                    match r {
                        Ok(s) => println!("{}: imported #{} {}", path.display(), s.id, s.title),
                        Err(e) => println!("{}: failed: {e}", path.display()),
                    }
                }
            }
            if failed > 0 {
                eprintln!("cnt: {failed} of {} files failed", results.len());
                return Ok(ExitCode::FAILURE);
            }
        }
        SongCommand::List { query } => {
            let songs = core.songs(&query.join(" "))?;
            if json {
                let list: Vec<serde_json::Value> = songs.iter().map(summary_json).collect();
                println!("{}", serde_json::to_string_pretty(&list)?);
            } else if songs.is_empty() {
                println!("no songs (import some with `cnt song import FILE…`)");
            } else {
                for s in &songs {
                    let by = if s.authors.is_empty() {
                        String::new()
                    } else {
                        format!(" — {}", s.authors)
                    };
                    println!("{:>5}  {}{by}", s.id, s.title);
                }
            }
        }
        SongCommand::Show {
            id,
            transpose,
            capo,
        } => {
            let song = cnt_app::song_for_playing(&core.song(id)?, transpose, capo);
            let sheet = cnt_app::song_chord_sheet(&song);
            if json {
                let sections: Vec<serde_json::Value> = sheet
                    .iter()
                    .map(|(name, lines)| {
                        let lines: Vec<serde_json::Value> = lines
                            .iter()
                            .map(|(chords, text)| serde_json::json!({"chords": chords, "text": text}))
                            .collect();
                        serde_json::json!({"name": name, "lines": lines})
                    })
                    .collect();
                let authors: Vec<&str> = song.authors.iter().map(|a| a.name.as_str()).collect();
                println!(
                    "{}",
                    serde_json::to_string_pretty(&serde_json::json!({
                        "id": id, "title": song.title(), "authors": authors, "key": song.key,
                        "capo": song.capo, "transpose": transpose, "copyright": song.copyright,
                        "ccli": song.ccli, "sections": sections,
                    }))?
                );
            } else {
                println!("{}", song.title());
                let authors: Vec<&str> = song.authors.iter().map(|a| a.name.as_str()).collect();
                if !authors.is_empty() {
                    println!("{}", authors.join(", "));
                }
                let mut facts = Vec::new();
                if let Some(k) = &song.key {
                    facts.push(format!("Key: {k}"));
                }
                if capo > 0 {
                    facts.push(format!("Capo: {capo}"));
                }
                if !facts.is_empty() {
                    println!("{}", facts.join("  "));
                }
                for (name, lines) in &sheet {
                    println!("\n[{name}]");
                    for (chords, text) in lines {
                        if !chords.is_empty() {
                            println!("{chords}");
                        }
                        println!("{text}");
                    }
                }
            }
        }
        SongCommand::Export { id, format, output } => {
            let format = match format {
                ExportFormat::Openlyrics => SongExportFormat::OpenLyrics,
                ExportFormat::Chordpro => SongExportFormat::ChordPro,
            };
            let text = core.song_export(id, format)?;
            match output {
                Some(path) => {
                    std::fs::write(&path, &text)
                        .with_context(|| format!("cannot write {}", path.display()))?;
                    if json {
                        println!(
                            "{}",
                            serde_json::to_string_pretty(
                                &serde_json::json!({"id": id, "output": path, "bytes": text.len()})
                            )?
                        );
                    } else {
                        println!("wrote {}", path.display());
                    }
                }
                None if json => println!(
                    "{}",
                    serde_json::to_string_pretty(&serde_json::json!({"id": id, "text": text}))?
                ),
                None => print!("{text}"),
            }
        }
        SongCommand::Delete { id } => {
            core.song_delete(id)?;
            if json {
                println!("{}", serde_json::json!({"id": id, "deleted": true}));
            } else {
                println!("deleted song {id}");
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
