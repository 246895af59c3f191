//! Rebuilds `assets/bible/web.tsv` from the World English Bible JSON in `../shared/data`:
//!
//! ```sh
//! cargo run -p cnt-scripture --example make_web_asset -- ../shared/data/bible/web_json_tehshrike assets/bible/web.tsv
//! ```
//!
//! The test `bundled_web_matches_its_source` checks that the committed file is what this writes.

use std::path::Path;

use cnt_scripture::bible::{BibleFormat, BibleStore, ImportOptions};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (Some(source), Some(out)) = (args.next(), args.next()) else {
        return Err("usage: make_web_asset <web_json_tehshrike folder> <out.tsv>".into());
    };
    let mut store = BibleStore::open_in_memory()?;
    let options = ImportOptions {
        format: Some(BibleFormat::TehShrikeJson),
        ..ImportOptions::default()
    };
    let t = store.import(Path::new(&source), &options, &mut |_| {})?;
    let mut file = std::io::BufWriter::new(std::fs::File::create(&out)?);
    store.export_tsv(&t.code, &mut file)?;
    println!("{} verses of {} written to {out}", t.verses, t.name);
    Ok(())
}
