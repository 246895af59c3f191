//! Benchmarks of cnt-scripture: full-Bible imports, reference lookup, search, songs per second.
//! Plain timing loops printing p50/p99 (no harness). Run:
//!
//! ```sh
//! cargo bench -p cnt-scripture --bench scripture
//! ```
//!
//! Reads `../shared/data` beside the repository; databases are temporary files (WAL, as in the app).

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use cnt_scripture::bible::{BibleFormat, BibleStore, Filter, ImportOptions, SearchScope};
use cnt_scripture::song::{Song, SongStore, openlyrics};
use cnt_scripture::{BOOKS, Book, Reference, Testament};

fn data(rel: &str) -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data")).join(rel)
}

fn percentile(samples: &mut [Duration], p: f64) -> Duration {
    samples.sort_unstable();
    let index = ((samples.len() as f64 - 1.0) * p).round() as usize;
    samples[index.min(samples.len() - 1)]
}

fn report(name: &str, samples: &mut [Duration]) {
    let p50 = percentile(samples, 0.50);
    let p99 = percentile(samples, 0.99);
    let max = percentile(samples, 1.0);
    println!(
        "{name:<44} n={:<6} p50 {:>9.3} ms  p99 {:>9.3} ms  max {:>9.3} ms",
        samples.len(),
        p50.as_secs_f64() * 1e3,
        p99.as_secs_f64() * 1e3,
        max.as_secs_f64() * 1e3
    );
}

/// A small deterministic generator so every run asks the same references.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n
    }
}

fn import_once(dir: &Path, source: &Path, format: Option<BibleFormat>) -> (Duration, u64) {
    let db = dir.join(format!("bench-{}.db", std::process::id()));
    let _ = std::fs::remove_file(&db);
    let mut store = BibleStore::open(&db).expect("open");
    let options = ImportOptions {
        format,
        replace: true,
        ..ImportOptions::default()
    };
    let start = Instant::now();
    let t = store.import(source, &options, &mut |_| {}).expect("import");
    let elapsed = start.elapsed();
    drop(store);
    let _ = std::fs::remove_file(&db);
    (elapsed, t.verses)
}

fn imports(dir: &Path) {
    println!("== Bible imports (median of 3, temp-file database, one transaction each)");
    let cases: [(&str, PathBuf, Option<BibleFormat>); 4] = [
        (
            "WEB, tehshrike JSON (66 books)",
            data("bible/web_json_tehshrike"),
            Some(BibleFormat::TehShrikeJson),
        ),
        (
            "KJV, aruljohn JSON (66 books)",
            data("bible/kjv_json_aruljohn"),
            None,
        ),
        (
            "YLT NT, Zefania XML",
            data("bible/open-bibles/eng-ylt.zefania.xml"),
            None,
        ),
        (
            "OEB (partial), OSIS XML",
            data("bible/open-bibles/eng-us-oeb.osis.xml"),
            None,
        ),
    ];
    for (name, path, format) in cases {
        let mut runs: Vec<(Duration, u64)> =
            (0..3).map(|_| import_once(dir, &path, format)).collect();
        runs.sort_unstable_by_key(|r| r.0);
        let (t, verses) = runs[1];
        println!(
            "{name:<44} {verses:>6} verses  {:>7.2} s  {:>8.0} verses/s",
            t.as_secs_f64(),
            verses as f64 / t.as_secs_f64()
        );
    }
    let db = dir.join("bundled.db");
    let mut store = BibleStore::open(&db).expect("open");
    let start = Instant::now();
    store.install_bundled().expect("install");
    println!(
        "{:<44} {:>6} verses  {:>7.2} s",
        "bundled WEB first start (install_bundled)",
        31_098,
        start.elapsed().as_secs_f64()
    );
}

fn lookups(store: &BibleStore) {
    println!("== Reference lookup (WEB, 20,000 random references)");
    let mut rng = Lcg(42);
    let mut refs = Vec::new();
    for i in 0..20_000 {
        let book: &Book = &BOOKS[rng.next(66) as usize];
        let chapter = rng.next(u64::from(book.chapters)) as u16 + 1;
        let verses = book.verses(chapter).unwrap_or(1);
        let verse = rng.next(u64::from(verses)) as u16 + 1;
        let text = match i % 4 {
            0 => format!("{} {chapter}:{verse}", book.name),
            1 => format!(
                "{} {chapter}:{verse}-{}",
                book.osis,
                verse.saturating_add(3).min(verses)
            ),
            2 => format!("{} {chapter}", book.name_es),
            _ => format!("{}{chapter} {verse}", book.abbreviations[0]),
        };
        refs.push(text);
    }
    let mut parse = Vec::with_capacity(refs.len());
    let mut total = Vec::with_capacity(refs.len());
    let mut verses = 0usize;
    for text in &refs {
        let start = Instant::now();
        let r = Reference::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
        parse.push(start.elapsed());
        let found = store.lookup(&r, "WEB");
        total.push(start.elapsed());
        verses += found.map(|v| v.len()).unwrap_or(0);
    }
    report("parse only", &mut parse);
    report("parse + lookup (1 verse … whole chapter)", &mut total);
    println!("  ({verses} verses returned)");
}

fn searches(store: &BibleStore) {
    println!("== Search (WEB, limit 50, each query 20 times)");
    let queries: [(&str, SearchScope); 10] = [
        ("love", SearchScope::All),
        ("the", SearchScope::All),
        ("\"God so loved\"", SearchScope::All),
        ("shepherd", SearchScope::All),
        ("faith hope love", SearchScope::All),
        ("Jesus", SearchScope::Testament(Testament::New)),
        ("covenant", SearchScope::Testament(Testament::Old)),
        (
            "love",
            SearchScope::Book(Book::by_osis("1Cor").expect("1Cor")),
        ),
        ("\"in the beginning\"", SearchScope::All),
        ("Melchizedek", SearchScope::All),
    ];
    let mut all = Vec::new();
    for (q, scope) in queries {
        let filter = Filter { scope, limit: 50 };
        let mut samples = Vec::new();
        for _ in 0..20 {
            let start = Instant::now();
            let hits = store.search(q, "WEB", &filter).expect("search");
            samples.push(start.elapsed());
            std::hint::black_box(hits);
        }
        all.extend(samples.iter().copied());
        let scope = match scope {
            SearchScope::All => "all".to_owned(),
            SearchScope::Testament(t) => format!("{t:?} Testament"),
            SearchScope::Book(b) => b.name.to_owned(),
        };
        report(&format!("search {q} ({scope})"), &mut samples);
    }
    report("all searches", &mut all);
}

fn songs() {
    println!("== Songs");
    let mut files = Vec::new();
    for dir in [
        "lyrics/openlyrics/examples",
        "lyrics/openlyrics/songs",
        "openlp/songs/openlyrics",
        "lyrics/chordpro",
    ] {
        for entry in std::fs::read_dir(data(dir)).expect("dir").flatten() {
            let p = entry.path();
            if Song::import(&p).is_ok() {
                files.push(p);
            }
        }
    }
    let rounds = 20;
    let start = Instant::now();
    let mut n = 0;
    for _ in 0..rounds {
        for f in &files {
            std::hint::black_box(Song::import(f).expect("import"));
            n += 1;
        }
    }
    let t = start.elapsed();
    println!(
        "import {n} songs ({} files × {rounds}, OpenLyrics + ChordPro): {:.0} songs/s",
        files.len(),
        n as f64 / t.as_secs_f64()
    );
    let parsed: Vec<Song> = files
        .iter()
        .map(|f| Song::import(f).expect("import"))
        .collect();
    let start = Instant::now();
    let mut m = 0;
    for _ in 0..rounds {
        for s in &parsed {
            std::hint::black_box(openlyrics::write(s));
            m += 1;
        }
    }
    println!(
        "export {m} songs to OpenLyrics 0.9: {:.0} songs/s",
        m as f64 / start.elapsed().as_secs_f64()
    );
    let start = Instant::now();
    let mut k = 0;
    for _ in 0..rounds {
        for s in &parsed {
            std::hint::black_box(s.transposed(3));
            k += 1;
        }
    }
    println!(
        "transpose {k} songs by +3: {:.0} songs/s",
        k as f64 / start.elapsed().as_secs_f64()
    );
    song_library(&parsed);
}

/// The song library (`SongStore`, a temp file in WAL mode): 5,000 songs added one transaction each,
/// then searches (word prefixes over title, authors, lyrics).
fn song_library(parsed: &[Song]) {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut store = SongStore::open(&dir.path().join("songs.db")).expect("open");
    let total = 5_000;
    let start = Instant::now();
    for (i, song) in parsed.iter().cycle().take(total).enumerate() {
        let mut song = song.clone();
        if let Some(t) = song.titles.first_mut() {
            t.push_str(&format!(" {i}"));
        }
        store.add(&song, "bench").expect("add");
    }
    println!(
        "song library: add {total} songs (one transaction each): {:.0} songs/s",
        total as f64 / start.elapsed().as_secs_f64()
    );
    for query in ["grace", "amaz", "lord", "swing chariot", "", "zzzz"] {
        let mut samples = Vec::new();
        let mut hits = 0;
        for _ in 0..50 {
            let t = Instant::now();
            hits = std::hint::black_box(store.search(query).expect("search")).len();
            samples.push(t.elapsed());
        }
        report(
            &format!("song search {query:?} ({hits} of {total})"),
            &mut samples,
        );
    }
}

/// Peak resident memory of this process so far (Linux `VmHWM`), in MiB.
fn peak_rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("VmHWM:")).and_then(|l| {
                l.split_whitespace()
                    .nth(1)
                    .and_then(|kb| kb.parse::<f64>().ok())
            })
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

/// A synthetic Zefania Bible with every verse of the canon and ~3 KB of text per verse (~100 MB),
/// to show that import memory does not grow with the file.
fn huge(dir: &Path) {
    use std::io::Write;
    println!("== Huge file (synthetic Zefania, every verse ~3 KB)");
    let path = dir.join("huge.xml");
    let mut out = std::io::BufWriter::new(std::fs::File::create(&path).expect("create"));
    writeln!(
        out,
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<XMLBIBLE biblename=\"Huge\">"
    )
    .expect("write");
    let words = [
        "grace", "peace", "light", "mercy", "truth", "spirit", "word", "life", "faith", "hope",
        "love", "joy",
    ];
    let mut rng = Lcg(7);
    for (b, book) in BOOKS.iter().enumerate() {
        writeln!(out, "<BIBLEBOOK bnumber=\"{}\">", b + 1).expect("write");
        for c in 1..=book.chapters {
            writeln!(out, "<CHAPTER cnumber=\"{c}\">").expect("write");
            for v in 1..=book.verses(c).unwrap_or(0) {
                write!(out, "<VERS vnumber=\"{v}\">").expect("write");
                for _ in 0..500 {
                    write!(out, "{} ", words[rng.next(words.len() as u64) as usize])
                        .expect("write");
                }
                writeln!(out, "</VERS>").expect("write");
            }
            writeln!(out, "</CHAPTER>").expect("write");
        }
        writeln!(out, "</BIBLEBOOK>").expect("write");
    }
    writeln!(out, "</XMLBIBLE>").expect("write");
    drop(out);
    let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    let before = peak_rss_mib();
    let (t, verses) = import_once(dir, &path, None);
    println!(
        "{:.0} MB, {verses} verses: {:.1} s, {:.1} MB/s; peak RSS {:.0} MiB before, {:.0} MiB after",
        size as f64 / 1e6,
        t.as_secs_f64(),
        size as f64 / 1e6 / t.as_secs_f64(),
        before,
        peak_rss_mib()
    );
    let _ = std::fs::remove_file(&path);
}

fn main() {
    let dir = tempfile::tempdir().expect("tempdir");
    huge(dir.path());
    imports(dir.path());
    let store = BibleStore::open(&dir.path().join("bundled.db")).expect("open");
    lookups(&store);
    searches(&store);
    songs();
}
