//! Operator commands that fill the catalogue: `cnt-server seed demo` and `cnt-server seed synthetic`.
//!
//! - [`demo`] makes a small, real catalogue on this machine from public-domain material: music
//!   synthesised with `sox` (chord pads, so it is ours and CC0), Psalm 23 and John 3:16–17 from the
//!   World English Bible (public domain) read by `espeak-ng`, with timed verse cues, SVG artwork, a
//!   podcast episode, a document and categories. Nothing is downloaded.
//! - [`synthetic`] writes N tracks with artists and albums whose titles follow a Zipf-like word
//!   distribution (a few very common words, a long tail of rare ones, some accented), for benchmarks.

use std::path::Path;
use std::process::Command;

use cnt_model::sync::{CatalogItem, ItemKind, MediaRef};

use crate::catalog::{self, CatalogError};
use crate::db::Db;
use crate::media::{MediaError, MediaStore};

/// Errors of seeding.
#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    /// A tool (sox, espeak-ng) is missing or failed.
    #[error(
        "{tool} failed: {detail} (install it with `cargo xtask setup` or apt-get install {package})"
    )]
    Tool {
        /// The program.
        tool: &'static str,
        /// The Debian package that has it.
        package: &'static str,
        /// What went wrong.
        detail: String,
    },
    /// Storing media failed.
    #[error(transparent)]
    Media(#[from] MediaError),
    /// Writing the catalogue failed.
    #[error(transparent)]
    Catalog(#[from] CatalogError),
    /// The database failed.
    #[error(transparent)]
    Db(#[from] crate::db::DbError),
    /// A scratch file could not be written.
    #[error("scratch folder: {0}")]
    Scratch(std::io::Error),
}

fn run(tool: &'static str, package: &'static str, args: &[&str]) -> Result<(), SeedError> {
    let out = Command::new(tool)
        .args(args)
        .output()
        .map_err(|e| SeedError::Tool {
            tool,
            package,
            detail: e.to_string(),
        })?;
    if !out.status.success() {
        return Err(SeedError::Tool {
            tool,
            package,
            detail: String::from_utf8_lossy(&out.stderr).trim().to_owned(),
        });
    }
    Ok(())
}

fn sox(args: &[&str]) -> Result<(), SeedError> {
    run("sox", "sox", args)
}

fn duration_ms(file: &Path) -> Result<u64, SeedError> {
    let out = Command::new("soxi")
        .arg("-D")
        .arg(file)
        .output()
        .map_err(|e| SeedError::Tool {
            tool: "soxi",
            package: "sox",
            detail: e.to_string(),
        })?;
    let secs: f64 = String::from_utf8_lossy(&out.stdout)
        .trim()
        .parse()
        .map_err(|_| SeedError::Tool {
            tool: "soxi",
            package: "sox",
            detail: format!("cannot read the length of {}", file.display()),
        })?;
    Ok((secs * 1000.0).round() as u64)
}

/// What [`demo`] made.
#[derive(Debug, Default)]
pub struct DemoReport {
    /// Items written.
    pub items: usize,
    /// Media files stored.
    pub media: usize,
    /// Total playing time of the audio, milliseconds.
    pub audio_ms: u64,
}

/// Whether the catalogue has any item yet.
///
/// # Errors
/// The database's.
pub async fn catalogue_is_empty(db: &Db) -> Result<bool, crate::db::DbError> {
    Ok(catalog::list_items(db, None, false, None, 1)
        .await?
        .items
        .is_empty())
}

/// Chords of the demo songs: (name, frequencies in Hz).
const CHORDS: &[(&str, [f64; 3])] = &[
    ("C", [261.63, 329.63, 392.00]),
    ("F", [349.23, 440.00, 523.25]),
    ("G", [392.00, 493.88, 587.33]),
    ("Am", [220.00, 261.63, 329.63]),
    ("Em", [329.63, 392.00, 493.88]),
    ("D", [293.66, 369.99, 440.00]),
];

fn chord(name: &str) -> [f64; 3] {
    CHORDS
        .iter()
        .find(|(n, _)| *n == name)
        .map_or(CHORDS[0].1, |(_, f)| *f)
}

/// Psalm 23 (World English Bible, public domain).
const PSALM_23: &[&str] = &[
    "Yahweh is my shepherd: I shall lack nothing.",
    "He makes me lie down in green pastures. He leads me beside still waters.",
    "He restores my soul. He guides me in the paths of righteousness for his name's sake.",
    "Even though I walk through the valley of the shadow of death, I will fear no evil, for you are with me. Your rod and your staff, they comfort me.",
    "You prepare a table before me in the presence of my enemies. You anoint my head with oil. My cup runs over.",
    "Surely goodness and loving kindness shall follow me all the days of my life, and I will dwell in Yahweh's house forever.",
];

/// John 3:16–17 (World English Bible, public domain).
const JOHN_3: &[&str] = &[
    "For God so loved the world, that he gave his one and only Son, that whoever believes in him should not perish, but have eternal life.",
    "For God didn't send his Son into the world to judge the world, but that the world should be saved through him.",
];

fn lrc_time(ms: u64) -> String {
    format!(
        "[{:02}:{:02}.{:02}]",
        ms / 60_000,
        (ms / 1000) % 60,
        (ms % 1000) / 10
    )
}

fn svg_cover(title: &str, hue: u32) -> String {
    let escaped = title
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="512" height="512" viewBox="0 0 512 512"><defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="hsl({hue},60%,45%)"/><stop offset="1" stop-color="hsl({},55%,20%)"/></linearGradient></defs><rect width="512" height="512" fill="url(#g)"/><circle cx="400" cy="110" r="60" fill="hsla(0,0%,100%,0.15)"/><text x="40" y="440" font-family="sans-serif" font-size="40" font-weight="700" fill="#fff">{escaped}</text></svg>"##,
        (hue + 40) % 360
    )
}

/// Builds the demo catalogue in `scratch` (a temporary folder) and stores it.
///
/// # Errors
/// A missing tool, media or database failure. Nothing is written to the catalogue unless every file
/// was made (one transaction at the end).
pub async fn demo(db: &Db, media: &MediaStore, scratch: &Path) -> Result<DemoReport, SeedError> {
    std::fs::create_dir_all(scratch).map_err(SeedError::Scratch)?;
    let mut report = DemoReport::default();
    let mut items = Vec::new();
    let store = |path: std::path::PathBuf, mime: &'static str| async move {
        media.put_file(db, &path, mime).await
    };
    let svg = |name: &str, title: &str, hue: u32| -> Result<std::path::PathBuf, SeedError> {
        let p = scratch.join(format!("{name}.svg"));
        std::fs::write(&p, svg_cover(title, hue)).map_err(SeedError::Scratch)?;
        Ok(p)
    };

    // Categories.
    let mut worship = CatalogItem::new(ItemKind::Category, "Worship");
    worship.description = Some("Songs for gathering and praise.".into());
    let mut sermons = CatalogItem::new(ItemKind::Category, "Sermons");
    sermons.description = Some("Preaching and teaching.".into());
    let mut scripture = CatalogItem::new(ItemKind::Category, "Scripture readings");
    scripture.description = Some("The Bible read aloud.".into());

    // Artists.
    let mut choir = CatalogItem::new(ItemKind::Artist, "CNT Demo Choir");
    choir.description = Some(
        "A choir that exists only in this demo: chord pads synthesised with sox, free to use (CC0)."
            .into(),
    );
    choir.artwork = Some(store(svg("choir", "Demo Choir", 210)?, "image/svg+xml").await?);
    let mut reader = CatalogItem::new(ItemKind::Artist, "Demo Reader");
    reader.description = Some("espeak-ng reading the World English Bible (public domain).".into());
    reader.artwork = Some(store(svg("reader", "Demo Reader", 30)?, "image/svg+xml").await?);

    // Album of instrumental pads.
    let mut album = CatalogItem::new(ItemKind::Album, "Still Waters");
    album.subtitle = Some(choir.title.clone());
    album.artist_id = Some(choir.id);
    album.category_id = Some(worship.id);
    album.released = Some("2026-01-01".into());
    album.featured = true;
    album.description = Some("Quiet chord pads for prayer, mixed to flow without gaps.".into());
    album.artwork = Some(store(svg("still-waters", "Still Waters", 190)?, "image/svg+xml").await?);
    let songs: &[(&str, &[&str])] = &[
        ("Green Pastures", &["C", "F", "G", "C", "Am", "F", "G", "C"]),
        (
            "Beside Still Waters",
            &["G", "D", "Em", "C", "G", "D", "C", "G"],
        ),
        (
            "Goodness and Mercy",
            &["Am", "F", "C", "G", "Am", "F", "G", "Am"],
        ),
    ];
    let mut tracks = Vec::new();
    for (n, (title, progression)) in songs.iter().enumerate() {
        let mut parts = Vec::new();
        let mut cues = String::new();
        let seconds = 5u64;
        for (i, name) in progression.iter().enumerate() {
            let f = chord(name);
            let part = scratch.join(format!("song{n}-{i}.wav"));
            let (a, b, c) = (f[0].to_string(), f[1].to_string(), f[2].to_string());
            let part_s = part.to_string_lossy().into_owned();
            sox(&[
                "-n", "-r", "44100", "-c", "3", &part_s, "synth", "5", "sine", &a, "sine", &b,
                "sine", &c, "remix", "-", "fade", "q", "0.4", "5", "0.6", "gain", "-9",
            ])?;
            cues.push_str(&format!(
                "{}{{chord:{name}}}\n",
                lrc_time(i as u64 * seconds * 1000)
            ));
            parts.push(part_s);
        }
        let out = scratch.join(format!("song{n}.ogg"));
        let out_s = out.to_string_lossy().into_owned();
        let mut args: Vec<&str> = parts.iter().map(String::as_str).collect();
        args.extend_from_slice(&["-C", "5", &out_s]);
        sox(&args)?;
        let mut t = CatalogItem::new(ItemKind::Track, *title);
        t.subtitle = Some(choir.title.clone());
        t.artist_id = Some(choir.id);
        t.album_id = Some(album.id);
        t.album_title = Some(album.title.clone());
        t.category_id = Some(worship.id);
        t.number = Some(n as u32 + 1);
        t.duration_ms = Some(duration_ms(&out)?);
        t.cues = Some(cues);
        t.lyrics = Some(format!("(instrumental) {}", progression.join(" ")));
        t.artwork = album.artwork.clone();
        t.media = Some(store(out, "audio/ogg").await?);
        t.tags = vec!["instrumental".into()];
        tracks.push(t);
    }

    // Psalm 23 read aloud, with a verse cue at the start of each verse.
    let (psalm, psalm_ms) = speak(scratch, "psalm23", PSALM_23, "Psalm 23", 1)?;
    let mut reading = CatalogItem::new(ItemKind::Track, "Psalm 23 (World English Bible)");
    reading.subtitle = Some(reader.title.clone());
    reading.artist_id = Some(reader.id);
    reading.category_id = Some(scripture.id);
    reading.duration_ms = Some(psalm_ms.0);
    reading.cues = Some(psalm_ms.1);
    reading.lyrics = Some(PSALM_23.join("\n"));
    reading.featured = true;
    reading.tags = vec!["scripture".into()];
    reading.artwork = Some(store(svg("psalm23", "Psalm 23", 120)?, "image/svg+xml").await?);
    reading.media = Some(store(psalm, "audio/ogg").await?);

    // A podcast with one episode: John 3:16–17.
    let mut podcast = CatalogItem::new(ItemKind::Podcast, "Sunday Sermons (demo)");
    podcast.subtitle = Some(reader.title.clone());
    podcast.category_id = Some(sermons.id);
    podcast.description = Some("Short readings and reflections, made for the demo.".into());
    podcast.artwork = Some(store(svg("sermons", "Sunday Sermons", 280)?, "image/svg+xml").await?);
    let (john, john_ms) = speak(scratch, "john3", JOHN_3, "John 3", 16)?;
    let mut episode = CatalogItem::new(ItemKind::Episode, "God so loved the world");
    episode.subtitle = Some(podcast.title.clone());
    episode.parent_id = Some(podcast.id);
    episode.category_id = Some(sermons.id);
    episode.number = Some(1);
    episode.duration_ms = Some(john_ms.0);
    episode.cues = Some(john_ms.1);
    episode.description = Some("John 3:16–17 read aloud.".into());
    episode.released = Some("2026-11-01".into());
    episode.artwork = podcast.artwork.clone();
    episode.media = Some(store(john, "audio/ogg").await?);

    // A document.
    let doc_path = scratch.join("psalm23.txt");
    std::fs::write(
        &doc_path,
        format!(
            "Psalm 23 (World English Bible, public domain)\n\n{}\n",
            PSALM_23.join("\n")
        ),
    )
    .map_err(SeedError::Scratch)?;
    let mut document = CatalogItem::new(ItemKind::Document, "Psalm 23: reading notes");
    document.description = Some("The text of Psalm 23 for reading along.".into());
    document.category_id = Some(scripture.id);
    document.media = Some(store(doc_path, "text/plain; charset=utf-8").await?);

    for t in &tracks {
        report.audio_ms += t.duration_ms.unwrap_or(0);
    }
    report.audio_ms += reading.duration_ms.unwrap_or(0) + episode.duration_ms.unwrap_or(0);
    items.extend([worship, sermons, scripture, choir, reader, album]);
    items.extend(tracks);
    items.extend([reading, podcast, episode, document]);
    report.media = items
        .iter()
        .flat_map(|i| [&i.media, &i.artwork])
        .flatten()
        .map(|m: &MediaRef| m.hash.as_str())
        .collect::<std::collections::BTreeSet<_>>()
        .len();
    report.items = items.len();
    catalog::put_items(db, &items).await?;
    Ok(report)
}

/// Reads `verses` with espeak-ng into one Ogg file; returns it with (length, LRC verse cues).
fn speak(
    scratch: &Path,
    name: &str,
    verses: &[&str],
    chapter: &str,
    first_verse: usize,
) -> Result<(std::path::PathBuf, (u64, String)), SeedError> {
    let mut parts = Vec::new();
    let mut cues = String::new();
    let mut at = 0u64;
    for (i, verse) in verses.iter().enumerate() {
        let wav = scratch.join(format!("{name}-{i}.wav"));
        run(
            "espeak-ng",
            "espeak-ng",
            &["-s", "150", "-w", &wav.to_string_lossy(), verse],
        )?;
        // Resample to 44.1 kHz and add a short pause after each verse.
        let padded = scratch.join(format!("{name}-{i}-p.wav"));
        sox(&[
            &wav.to_string_lossy(),
            "-r",
            "44100",
            &padded.to_string_lossy(),
            "pad",
            "0",
            "0.6",
        ])?;
        cues.push_str(&format!("{}{chapter}:{}\n", lrc_time(at), first_verse + i));
        at += duration_ms(&padded)?;
        parts.push(padded.to_string_lossy().into_owned());
    }
    let out = scratch.join(format!("{name}.ogg"));
    let out_s = out.to_string_lossy().into_owned();
    let mut args: Vec<&str> = parts.iter().map(String::as_str).collect();
    args.extend_from_slice(&["-C", "4", &out_s]);
    sox(&args)?;
    let total = duration_ms(&out)?;
    Ok((out, (total, cues)))
}

/// A small deterministic generator (xorshift64*), so that synthetic catalogues are reproducible.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator from `seed`.
    pub fn new(seed: u64) -> Self {
        Rng(seed.max(1))
    }

    /// The next number.
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `0..n`.
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }

    /// An index in `0..n`, small ones much more likely (roughly Zipf with exponent 1).
    pub fn zipf(&mut self, n: usize) -> usize {
        let u = (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
        // Inverse of the continuous approximation of the harmonic CDF.
        let idx = ((n as f64 + 1.0).powf(u) - 1.0).floor() as usize;
        idx.min(n.saturating_sub(1))
    }
}

/// Words for synthetic titles, the most common first.
pub const WORDS: &[&str] = &[
    "love",
    "grace",
    "lord",
    "god",
    "jesus",
    "holy",
    "light",
    "praise",
    "heart",
    "spirit",
    "glory",
    "king",
    "song",
    "peace",
    "hope",
    "faith",
    "way",
    "life",
    "world",
    "name",
    "mercy",
    "power",
    "river",
    "mountain",
    "morning",
    "night",
    "fire",
    "water",
    "rock",
    "shepherd",
    "lamb",
    "cross",
    "crown",
    "throne",
    "heaven",
    "earth",
    "sea",
    "sky",
    "star",
    "sun",
    "rain",
    "wind",
    "voice",
    "hands",
    "feet",
    "eyes",
    "soul",
    "joy",
    "rest",
    "home",
    "road",
    "door",
    "bread",
    "wine",
    "field",
    "garden",
    "tree",
    "seed",
    "harvest",
    "dawn",
    "evening",
    "kingdom",
    "promise",
    "covenant",
    "blessing",
    "wonder",
    "majesty",
    "refuge",
    "fortress",
    "shield",
    "anchor",
    "ocean",
    "valley",
    "desert",
    "wilderness",
    "zion",
    "jordan",
    "galilee",
    "bethlehem",
    "jerusalem",
    "hallelujah",
    "hosanna",
    "amen",
    "maranatha",
    "emmanuel",
    "redeemer",
    "savior",
    "healer",
    "comforter",
    "friend",
    "father",
    "brother",
    "sister",
    "children",
    "nations",
    "generations",
    "forever",
    "always",
    "today",
    "tomorrow",
    "yesterday",
    "again",
    "alive",
    "awake",
    "arise",
    "canción",
    "señor",
    "corazón",
    "alabanza",
    "glória",
    "coração",
    "esperança",
    "oração",
    "nação",
    "bênção",
    "misericórdia",
    "fé",
    "aleluia",
    "espíritu",
    "jesús",
    "dios",
    "amor",
    "gracia",
    "luz",
    "vida",
    "caminho",
    "verdade",
    "paz",
    "céu",
    "mar",
    "fogo",
    "água",
    "pão",
    "quietude",
    "ember",
    "lantern",
    "sparrow",
    "cedar",
    "olive",
    "myrrh",
    "frankincense",
    "manna",
    "tabernacle",
    "ephod",
    "shofar",
    "psaltery",
    "timbrel",
    "lyre",
    "harp",
    "cymbal",
    "trumpet",
    "zephyr",
    "quill",
    "vellum",
    "parchment",
    "scroll",
    "tapestry",
    "ivory",
    "onyx",
    "jasper",
    "sapphire",
    "emerald",
    "topaz",
    "beryl",
    "chrysolite",
    "amethyst",
    "carnelian",
    "alabaster",
    "xylophone",
    "quasar",
    "nebula",
    "zenith",
    "nadir",
    "equinox",
    "solstice",
    "aurora",
];

fn title(rng: &mut Rng, words: usize) -> String {
    let mut t = String::new();
    for i in 0..words {
        if i > 0 {
            t.push(' ');
        }
        let w = WORDS[rng.zipf(WORDS.len())];
        let mut c = w.chars();
        if let Some(f) = c.next() {
            t.extend(f.to_uppercase());
            t.push_str(c.as_str());
        }
    }
    t
}

/// Synthetic catalogue items: per 10 tracks one artist and one album, titles from [`WORDS`] with a
/// Zipf-like distribution. The same `seed` gives the same items (ids aside).
#[derive(Debug)]
pub struct Synthetic {
    rng: Rng,
    tracks: usize,
    done: usize,
}

impl Synthetic {
    /// A generator of `tracks` tracks (plus their artists and albums).
    pub fn new(tracks: usize, seed: u64) -> Self {
        Synthetic {
            rng: Rng::new(seed),
            tracks,
            done: 0,
        }
    }

    /// Tracks generated so far.
    pub fn tracks_done(&self) -> usize {
        self.done
    }

    /// The next group: an artist, an album and up to 10 tracks; `None` when all are made.
    pub fn next_group(&mut self) -> Option<Vec<CatalogItem>> {
        if self.done >= self.tracks {
            return None;
        }
        let rng = &mut self.rng;
        let mut artist = CatalogItem::new(ItemKind::Artist, title(rng, 2));
        artist.description = self
            .done
            .is_multiple_of(70)
            .then(|| format!("{} and friends", artist.title));
        let words = 2 + rng.below(2);
        let mut album = CatalogItem::new(ItemKind::Album, title(rng, words));
        album.artist_id = Some(artist.id);
        album.subtitle = Some(artist.title.clone());
        let n = (self.tracks - self.done).min(10);
        let mut group = vec![artist.clone(), album.clone()];
        for i in 0..n {
            let words = 1 + rng.below(4);
            let mut t = CatalogItem::new(ItemKind::Track, title(rng, words));
            t.artist_id = Some(artist.id);
            t.subtitle = Some(artist.title.clone());
            t.album_id = Some(album.id);
            t.album_title = Some(album.title.clone());
            t.number = Some(i as u32 + 1);
            t.duration_ms = Some(120_000 + rng.below(240_000) as u64);
            if rng.below(20) == 0 {
                t.lyrics = Some(format!(
                    "{}\n{}\n{}",
                    title(rng, 6),
                    title(rng, 5),
                    title(rng, 6)
                ));
            }
            group.push(t);
        }
        self.done += n;
        Some(group)
    }
}

/// Writes `tracks` synthetic tracks ([`Synthetic`]) in batches of about 5,000 items per
/// transaction, calling `progress(tracks done)` after each batch.
///
/// # Errors
/// The database's.
pub async fn synthetic(
    db: &Db,
    tracks: usize,
    seed: u64,
    mut progress: impl FnMut(usize),
) -> Result<usize, SeedError> {
    let mut generator = Synthetic::new(tracks, seed);
    let mut batch = Vec::with_capacity(5_100);
    let mut written = 0;
    while let Some(group) = generator.next_group() {
        batch.extend(group);
        if batch.len() >= 5_000 {
            catalog::put_items(db, &batch).await?;
            written += batch.len();
            batch.clear();
            progress(generator.tracks_done());
        }
    }
    if !batch.is_empty() {
        catalog::put_items(db, &batch).await?;
        written += batch.len();
        progress(generator.tracks_done());
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zipf_prefers_early_words_and_stays_in_range() {
        let mut rng = Rng::new(7);
        let mut counts = vec![0usize; WORDS.len()];
        for _ in 0..100_000 {
            counts[rng.zipf(WORDS.len())] += 1;
        }
        assert!(counts[0] > counts[50] * 10, "{counts:?}");
        assert!(counts.iter().filter(|c| **c == 0).count() < 20);
    }

    #[test]
    fn lrc_times_are_formatted() {
        assert_eq!(lrc_time(0), "[00:00.00]");
        assert_eq!(lrc_time(61_230), "[01:01.23]");
    }

    #[test]
    fn svg_titles_are_escaped() {
        assert!(svg_cover("A & <B>", 10).contains("A &amp; &lt;B&gt;"));
    }
}
