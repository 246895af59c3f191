//! Library and sync figures: `cargo bench -p cnt-e2e --bench library [-- quick]`.
//!
//! - Initial sync of ~100k catalogue items over loopback (a real server in-process, a real library
//!   file), no-op sync at 10k and 100k, applying one remote change at 100k.
//! - Search p50/p99 at 100k and 1M tracks for one-letter, two-letter, common, rare and accented
//!   terms (per keystroke: every kind searched, 8 results per kind).
//!
//! `quick` divides the sizes by 10 (for a smoke run). Figures are printed; docs/benchmarks.md keeps
//! the results with the machine they were measured on.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use cnt_backend::seed::Synthetic;
use cnt_e2e::TestServer;
use cnt_library::Library;
use cnt_model::sync::{Change, ChangeOp, ChangesPage, Record};

fn percentile(samples: &mut [Duration], p: f64) -> Duration {
    samples.sort();
    let i = ((samples.len() as f64 - 1.0) * p).round() as usize;
    samples[i.min(samples.len() - 1)]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

async fn account(server: &TestServer) -> (cnt_sync::ServerClient, String, cnt_model::ids::UserId) {
    let client = cnt_sync::ServerClient::new(&server.url()).expect("client");
    client
        .register("bench@example.org", "correct horse battery", "bench")
        .await
        .expect("register");
    let t = client
        .login("bench@example.org", "correct horse battery")
        .await
        .expect("login");
    let me = client.me(&t.access_token).await.expect("me");
    (client, t.access_token, me.id)
}

async fn sync_benches(scale: usize) {
    for tracks in [10_000 / scale, 83_334 / scale] {
        let dir = tempfile::tempdir().expect("tempdir");
        let server = TestServer::start(
            &dir.path().join("server"),
            "127.0.0.1:0".parse().expect("addr"),
        )
        .await;
        let written = cnt_backend::seed::synthetic(&server.db, tracks, 1, |_| {})
            .await
            .expect("seed");
        let (client, token, user) = account(&server).await;
        let mut lib = Library::open(&dir.path().join("library.db"))
            .expect("open")
            .library;
        lib.set_sync_scope(&server.url(), user).expect("scope");
        let library = Arc::new(Mutex::new(lib));
        let started = Instant::now();
        let report = cnt_sync::sync_once(&client, &token, &library, &mut |_| {})
            .await
            .expect("initial sync");
        let initial = started.elapsed();
        println!(
            "initial sync, {written} items ({} pages): {:.2} s ({:.0} items/s)",
            report.pages,
            initial.as_secs_f64(),
            written as f64 / initial.as_secs_f64()
        );
        let mut noop = Vec::new();
        for _ in 0..30 {
            let t = Instant::now();
            cnt_sync::sync_once(&client, &token, &library, &mut |_| {})
                .await
                .expect("no-op sync");
            noop.push(t.elapsed());
        }
        println!(
            "no-op sync at {written} items: p50 {} p99 {}",
            ms(percentile(&mut noop, 0.5)),
            ms(percentile(&mut noop, 0.99))
        );
        let mut one = Vec::new();
        for i in 0..20 {
            let item = cnt_model::sync::CatalogItem::new(
                cnt_model::sync::ItemKind::Track,
                format!("Fresh arrival {i}"),
            );
            cnt_backend::catalog::put_items(&server.db, &[item])
                .await
                .expect("add");
            let t = Instant::now();
            let r = cnt_sync::sync_once(&client, &token, &library, &mut |_| {})
                .await
                .expect("sync one");
            one.push(t.elapsed());
            assert_eq!(r.upserts, 1);
        }
        println!(
            "one remote change at {written} items: p50 {} p99 {}",
            ms(percentile(&mut one, 0.5)),
            ms(percentile(&mut one, 0.99))
        );
        server.stop().await;
    }
}

fn fill(lib: &mut Library, tracks: usize) -> usize {
    let mut generator = Synthetic::new(tracks, 42);
    let mut version = 0i64;
    let mut items = 0;
    loop {
        let mut changes = Vec::with_capacity(5_100);
        while changes.len() < 5_000 {
            let Some(group) = generator.next_group() else {
                break;
            };
            for item in group {
                version += 1;
                changes.push(Change {
                    version,
                    op: ChangeOp::Upsert {
                        record: Record::Item(Box::new(item)),
                    },
                });
            }
        }
        if changes.is_empty() {
            return items;
        }
        items += changes.len();
        let since = lib.sync_scope().expect("scope").2;
        lib.apply_page(
            since,
            &ChangesPage {
                changes,
                next_cursor: version,
                has_more: true,
                head: version,
            },
        )
        .expect("apply");
    }
}

fn search_benches(scale: usize) {
    let queries = [
        ("one letter", "l"),
        ("one letter", "s"),
        ("two letters", "gr"),
        ("two letters", "mo"),
        ("common word", "love"),
        ("common word", "grace"),
        ("two words", "holy light"),
        ("rare word", "chrysolite"),
        ("rare word", "xylophone"),
        ("accented", "coracao"),
        ("no match", "zzzq"),
    ];
    for tracks in [100_000 / scale, 1_000_000 / scale] {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut lib = Library::open(&dir.path().join("library.db"))
            .expect("open")
            .library;
        lib.set_sync_scope("http://bench", cnt_model::ids::UserId::new())
            .expect("scope");
        let started = Instant::now();
        let items = fill(&mut lib, tracks);
        println!(
            "library of {tracks} tracks ({items} items) built in {:.1} s",
            started.elapsed().as_secs_f64()
        );
        for (what, q) in queries {
            // Warm the page cache and statement cache.
            let found = lib.search(q, 8).expect("search").hits().count();
            let mut samples = Vec::with_capacity(200);
            for _ in 0..200 {
                let t = Instant::now();
                let r = lib.search(q, 8).expect("search");
                samples.push(t.elapsed());
                std::hint::black_box(r);
            }
            println!(
                "search {tracks:>7} tracks {what:<12} {q:<12} p50 {:>9} p99 {:>9} ({found} shown)",
                ms(percentile(&mut samples, 0.5)),
                ms(percentile(&mut samples, 0.99)),
            );
        }
    }
}

fn main() {
    let quick = std::env::args().any(|a| a == "quick");
    let scale = if quick { 10 } else { 1 };
    let only = std::env::args().find(|a| a == "search" || a == "sync");
    if only.as_deref() != Some("search") {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .expect("runtime");
        runtime.block_on(sync_benches(scale));
    }
    if only.as_deref() != Some("sync") {
        search_benches(scale);
    }
}
