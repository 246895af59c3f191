//! Account benchmarks: `cargo bench -p cnt-backend --bench auth`.
//!
//! Prints (1) the cost of one argon2id hash for OWASP's minimum and for our default parameters, and
//! (2) login and refresh latency (p50/p99) and throughput over real HTTP on 127.0.0.1, against the
//! real server (in-process, SQLite file, production password cost), with 4 concurrent clients.

use std::sync::Arc;
use std::time::{Duration, Instant};

use cnt_backend::auth::{Auth, PasswordParams};
use cnt_backend::{AppState, Db, Registration};
use cnt_model::api::TokenPair;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

fn hash_cost(name: &str, params: PasswordParams) {
    let auth = Auth::new(&[1u8; 32], params).expect("auth");
    let mut times: Vec<Duration> = (0..12)
        .map(|_| {
            let t = Instant::now();
            auth.hash_password("correct horse battery staple")
                .expect("hash");
            t.elapsed()
        })
        .collect();
    times.sort();
    println!(
        "argon2id {name} (m={} KiB, t={}, p={}): median {:.0} ms, min {:.0} ms, max {:.0} ms",
        params.memory_kib,
        params.iterations,
        params.parallelism,
        percentile(&times, 0.5).as_secs_f64() * 1e3,
        times[0].as_secs_f64() * 1e3,
        times[times.len() - 1].as_secs_f64() * 1e3,
    );
}

async fn run_clients<F, Fut>(clients: usize, per_client: usize, f: F) -> (Vec<Duration>, Duration)
where
    F: Fn(usize) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = ()> + Send,
{
    let f = Arc::new(f);
    let start = Instant::now();
    let mut tasks = Vec::new();
    for c in 0..clients {
        let f = f.clone();
        tasks.push(tokio::spawn(async move {
            let mut times = Vec::with_capacity(per_client);
            for i in 0..per_client {
                let t = Instant::now();
                f(c * per_client + i).await;
                times.push(t.elapsed());
            }
            times
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.expect("client"));
    }
    all.sort();
    (all, start.elapsed())
}

fn report(name: &str, times: &[Duration], wall: Duration) {
    println!(
        "{name}: {} requests, p50 {:.1} ms, p99 {:.1} ms, throughput {:.1}/s",
        times.len(),
        percentile(times, 0.5).as_secs_f64() * 1e3,
        percentile(times, 0.99).as_secs_f64() * 1e3,
        times.len() as f64 / wall.as_secs_f64()
    );
}

fn main() {
    println!(
        "machine: {} cores",
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
    );
    hash_cost("OWASP minimum", PasswordParams::OWASP_MINIMUM);
    hash_cost("default", PasswordParams::DEFAULT);

    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    runtime.block_on(async {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let dir = tempfile::tempdir().expect("tempdir");
        let db = Db::open(&format!("sqlite://{}/cnt.db?mode=rwc", dir.path().display()))
            .await
            .expect("db");
        let auth = Auth::new(&[9u8; 32], PasswordParams::DEFAULT).expect("auth");
        let state = AppState::new(db, auth, Registration::Open)
            .with_limits(cnt_backend::limits::LimitPolicy::unlimited_requests());
        let listener = cnt_backend::bind("127.0.0.1:0".parse().expect("addr")).await.expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("addr"));
        tokio::spawn(cnt_backend::serve(listener, state, std::future::pending()));
        let http = reqwest::Client::new();
        let status = http
            .post(format!("{base}/api/v1/auth/register"))
            .json(&serde_json::json!({"email": "bench@example.org", "password": "correct horse battery", "username": "bench"}))
            .send()
            .await
            .expect("register")
            .status();
        assert!(status.is_success(), "{status}");

        for clients in [1, 4] {
        let (http2, base2) = (http.clone(), base.clone());
        let (times, wall) = run_clients(clients, 40 / clients, move |_| {
            let (http, base) = (http2.clone(), base2.clone());
            async move {
                let r = http
                    .post(format!("{base}/api/v1/auth/login"))
                    .json(&serde_json::json!({"email": "bench@example.org", "password": "correct horse battery"}))
                    .send()
                    .await
                    .expect("login");
                assert!(r.status().is_success());
            }
        })
        .await;
        report(&format!("login ({clients} client(s))"), &times, wall);
        }

        // Each client refreshes its own session in a chain, as devices do.
        let mut tokens = Vec::new();
        for _ in 0..4 {
            let pair: TokenPair = http
                .post(format!("{base}/api/v1/auth/login"))
                .json(&serde_json::json!({"email": "bench@example.org", "password": "correct horse battery"}))
                .send()
                .await
                .expect("login")
                .json()
                .await
                .expect("pair");
            tokens.push(tokio::sync::Mutex::new(pair.refresh_token));
        }
        let tokens = Arc::new(tokens);
        let per_client = 250;
        let (times, wall) = run_clients(4, per_client, move |n| {
            let (http, base, tokens) = (http.clone(), base.clone(), tokens.clone());
            async move {
                let mut token = tokens[n / per_client].lock().await;
                let response = http
                    .post(format!("{base}/api/v1/auth/refresh"))
                    .json(&serde_json::json!({"refresh_token": *token}))
                    .send()
                    .await
                    .expect("refresh");
                let status = response.status();
                let text = response.text().await.expect("body");
                assert!(status.is_success(), "refresh answered {status}: {text}");
                let pair: TokenPair = serde_json::from_str(&text).expect("pair");
                *token = pair.refresh_token;
            }
        })
        .await;
        report("refresh (4 clients)", &times, wall);
    });
}
