//! Converts song files to OpenLyrics 0.9 (or ChordPro with `--chordpro`), one output file per input,
//! e.g. to check the export against the schema:
//!
//! ```sh
//! cargo run -p cnt-scripture --example export_openlyrics -- OUT_DIR ../shared/data/lyrics/openlyrics/songs/*.xml
//! xmllint --noout --relaxng ../shared/data/lyrics/openlyrics/openlyrics-0.9.rng OUT_DIR/*.xml
//! ```

use std::path::Path;

use cnt_scripture::song::{Song, chordpro, openlyrics};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let chordpro = args.first().is_some_and(|a| a == "--chordpro");
    if chordpro {
        args.remove(0);
    }
    let Some((out, inputs)) = args.split_first() else {
        return Err("usage: export_openlyrics [--chordpro] OUT_DIR FILE…".into());
    };
    std::fs::create_dir_all(out)?;
    for input in inputs {
        let path = Path::new(input);
        let song = match Song::import(path) {
            Ok(song) => song,
            Err(e) => {
                eprintln!("skipped: {e}");
                continue;
            }
        };
        let stem = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let (text, ext) = if chordpro {
            (chordpro::write(&song), "cho")
        } else {
            (openlyrics::write(&song), "xml")
        };
        std::fs::write(Path::new(out).join(format!("{stem}.{ext}")), text)?;
    }
    Ok(())
}
