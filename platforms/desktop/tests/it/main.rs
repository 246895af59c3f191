//! The `cnt` command line, as a user runs it, against a real server on 127.0.0.1.

use std::path::Path;
use std::process::{Command, Output};

use cnt_e2e::TestServer;

const CNT: &str = env!("CARGO_BIN_EXE_cnt");

fn cnt(dir: &Path, args: &[&str]) -> Output {
    Command::new(CNT)
        .args(["--data-dir"])
        .arg(dir.join("data"))
        .args(["--config"])
        .arg(dir.join("config.toml"))
        .args(args)
        .env_remove("CNT_SERVER")
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        // No session bus: the keyring falls back to memory instead of touching the user's keyring.
        .env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent")
        .output()
        .expect("run cnt")
}

fn text(out: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn help_and_version() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = cnt(dir.path(), &["--help"]);
    let (stdout, _) = text(&out);
    assert!(out.status.success());
    for flag in [
        "--data-dir",
        "--server",
        "--json",
        "CNT_DATA_DIR",
        "CNT_SERVER",
        "status",
    ] {
        assert!(stdout.contains(flag), "--help lacks {flag}: {stdout}");
    }
    let out = cnt(dir.path(), &["--version"]);
    assert_eq!(
        text(&out).0.trim(),
        format!("cnt {}", env!("CARGO_PKG_VERSION"))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn status_json_against_a_real_server() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = TestServer::start(
        &dir.path().join("server"),
        "127.0.0.1:0".parse().expect("addr"),
    )
    .await;
    let url = server.url();
    let path = dir.path().to_owned();
    let out =
        tokio::task::spawn_blocking(move || cnt(&path, &["--server", &url, "--json", "status"]))
            .await
            .expect("join");
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stderr}");
    let json: serde_json::Value = serde_json::from_str(&stdout).expect("JSON");
    assert_eq!(json["online"], true, "{json}");
    assert_eq!(json["server"], server.url());
    assert_eq!(
        json["data_dir"],
        dir.path().join("data").display().to_string()
    );
    assert!(dir.path().join("data").join("library.db").is_file());
}

#[test]
fn status_offline_names_the_server_and_still_succeeds() {
    let dir = tempfile::tempdir().expect("tempdir");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port();
    let url = format!("http://127.0.0.1:{port}");
    let out = cnt(dir.path(), &["--server", &url, "status", "--timeout", "10"]);
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stderr}");
    assert!(stdout.contains(&format!("{url} (offline)")), "{stdout}");
    assert!(stdout.contains("refused"), "{stdout}");
}

#[test]
fn the_server_address_comes_from_the_environment_too() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = Command::new(CNT)
        .arg("--data-dir")
        .arg(dir.path().join("data"))
        .arg("--config")
        .arg(dir.path().join("config.toml"))
        .args(["--json", "status", "--timeout", "1"])
        .env("CNT_SERVER", "http://127.0.0.1:9")
        .env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent")
        .output()
        .expect("run");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(json["server"], "http://127.0.0.1:9");
}

#[test]
fn a_bad_server_address_is_a_clear_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = cnt(dir.path(), &["--server", "localhost:8787", "status"]);
    let (_, stderr) = text(&out);
    assert!(!out.status.success());
    assert!(
        stderr.contains("\"localhost:8787\" is not a valid server address"),
        "{stderr}"
    );
}

#[test]
fn a_malformed_config_is_reported_and_the_app_still_works() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("config.toml"), "language = \"es\n").expect("write");
    let out = cnt(
        dir.path(),
        &["--server", "http://127.0.0.1:9", "status", "--timeout", "1"],
    );
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stdout.contains("could not be read (line 1, column 15: "),
        "{stdout}"
    );
    assert!(stdout.contains("config.toml"), "{stdout}");

    let out = cnt(
        dir.path(),
        &[
            "--server",
            "http://127.0.0.1:9",
            "--json",
            "status",
            "--timeout",
            "1",
        ],
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(json["notices"][0]["kind"], "config_invalid", "{json}");
    assert_eq!(
        json["notices"][0]["file"],
        dir.path().join("config.toml").display().to_string()
    );
}

#[test]
fn a_damaged_library_is_moved_aside_and_reported() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("data");
    std::fs::create_dir_all(&data).expect("mkdir");
    std::fs::write(
        data.join("library.db"),
        b"not a database at all".repeat(300),
    )
    .expect("write");
    let out = cnt(
        dir.path(),
        &[
            "--server",
            "http://127.0.0.1:9",
            "--json",
            "status",
            "--timeout",
            "1",
        ],
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(json["notices"][0]["kind"], "library_recovered", "{json}");
    let moved = json["notices"][0]["file"].as_str().expect("path");
    assert!(
        std::path::Path::new(moved).is_file(),
        "the old file is kept at {moved}"
    );
    assert!(json["library_schema"].as_i64().expect("schema") >= 1);
}

#[test]
fn without_a_display_the_window_says_so_in_one_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = cnt(dir.path(), &["--server", "http://127.0.0.1:9"]);
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(2));
    let lines: Vec<_> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "{stderr}");
    assert!(lines[0].contains("no display found"), "{stderr}");
}
