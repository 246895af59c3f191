//! The `cnt` command line, as a user runs it, against a real server on 127.0.0.1.

use std::path::Path;
use std::process::{Command, Output};

use cnt_e2e::TestServer;

mod library;
mod scripture;
mod song;

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

fn cnt_stdin(dir: &Path, args: &[&str], stdin: &str) -> Output {
    use std::io::Write;
    let mut child = Command::new(CNT)
        .arg("--data-dir")
        .arg(dir.join("data"))
        .arg("--config")
        .arg(dir.join("config.toml"))
        .args(args)
        .env_remove("CNT_SERVER")
        .env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn cnt");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes())
        .expect("write");
    child.wait_with_output().expect("wait")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn account_login_whoami_logout() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = TestServer::start(
        &dir.path().join("server"),
        "127.0.0.1:0".parse().expect("addr"),
    )
    .await;
    let url = server.url();
    cnt_sync::ServerClient::new(&url)
        .expect("client")
        .register("ana@example.org", "correct horse battery", "ana")
        .await
        .expect("register");
    let path = dir.path().to_owned();
    tokio::task::spawn_blocking(move || {
        let out = cnt_stdin(
            &path,
            &[
                "--server",
                &url,
                "account",
                "login",
                "--email",
                "ana@example.org",
            ],
            "",
        );
        assert!(!out.status.success());
        assert!(
            text(&out).1.contains("--password-stdin"),
            "{}",
            text(&out).1
        );

        let out = cnt_stdin(
            &path,
            &[
                "--server",
                &url,
                "account",
                "login",
                "--email",
                "ana@example.org",
                "--password-stdin",
            ],
            "wrong password\n",
        );
        assert!(!out.status.success());
        assert!(
            text(&out).1.contains("wrong email or password"),
            "{}",
            text(&out).1
        );

        let out = cnt_stdin(
            &path,
            &[
                "--server",
                &url,
                "account",
                "login",
                "--email",
                "ana@example.org",
                "--password-stdin",
            ],
            "correct horse battery\n",
        );
        let (stdout, stderr) = text(&out);
        assert!(out.status.success(), "{stderr}");
        assert!(
            stdout.contains(&format!(
                "signed in as ana@example.org (ana, user) on {url}"
            )),
            "{stdout}"
        );
        // No keyring in this environment: said plainly, and a later process must sign in again.
        assert!(stdout.contains("no system keyring"), "{stdout}");

        let out = cnt_stdin(
            &path,
            &["--server", &url, "--json", "account", "whoami"],
            "",
        );
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
        assert_eq!(json["state"], "needs_sign_in", "{json}");
        assert_eq!(json["account"]["username"], "ana");

        let out = cnt_stdin(&path, &["--server", &url, "status"], "");
        assert!(
            text(&out).0.contains("account:  ana@example.org (ana)"),
            "{}",
            text(&out).0
        );

        let out = cnt_stdin(&path, &["--server", &url, "account", "logout"], "");
        assert!(out.status.success());
        assert!(
            text(&out).0.contains("signed out ana@example.org"),
            "{}",
            text(&out).0
        );

        let out = cnt_stdin(&path, &["--server", &url, "account", "whoami"], "");
        assert_eq!(out.status.code(), Some(1));
        assert!(text(&out).0.contains("not signed in"));
    })
    .await
    .expect("cli steps");
}

/// With a real Secret Service (gnome-keyring in a private D-Bus session, installed by
/// `cargo xtask setup --tests`), a sign-in survives the process: a later `cnt` reaches the server.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_a_real_keyring_the_sign_in_survives_the_process() {
    for tool in ["dbus-run-session", "gnome-keyring-daemon"] {
        assert!(
            Command::new("sh")
                .args(["-c", &format!("command -v {tool}")])
                .output()
                .is_ok_and(|o| o.status.success()),
            "{tool} is missing: run `cargo xtask setup --tests`"
        );
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let server = TestServer::start(
        &dir.path().join("server"),
        "127.0.0.1:0".parse().expect("addr"),
    )
    .await;
    let url = server.url();
    cnt_sync::ServerClient::new(&url)
        .expect("client")
        .register("ana@example.org", "correct horse battery", "ana")
        .await
        .expect("register");
    let home = dir.path().join("home");
    std::fs::create_dir_all(&home).expect("home");
    // One D-Bus session: unlock a fresh keyring, sign in, then ask again from a new process.
    let script = r#"
        printf 'keyring-test-password' | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1
        printf 'correct horse battery\n' | "$CNT" --server "$URL" account login --email ana@example.org --password-stdin || exit 10
        "$CNT" --server "$URL" --json account whoami || exit 11
        "$CNT" --server "$URL" account logout || exit 12
        "$CNT" --server "$URL" --json account whoami
        exit 0
    "#;
    let data = dir.path().join("data");
    let config = dir.path().join("config.toml");
    let out = tokio::process::Command::new("dbus-run-session")
        .args(["--", "sh", "-c", script])
        .env("CNT", CNT)
        .env("URL", &url)
        .env("HOME", &home)
        .env("XDG_DATA_HOME", home.join("data"))
        .env("CNT_DATA_DIR", &data)
        .env("CNT_CONFIG", &config)
        .env_remove("DBUS_SESSION_BUS_ADDRESS")
        .env_remove("DISPLAY")
        .output()
        .await
        .expect("dbus-run-session");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "exit {:?}\n{stdout}\n{stderr}",
        out.status.code()
    );
    assert!(
        !stdout.contains("no system keyring"),
        "the Secret Service was not used:\n{stdout}\n{stderr}"
    );
    let whoami: serde_json::Value = serde_json::from_str(
        &stdout[stdout.find('{').expect("first JSON")..stdout.find("\n}").expect("end") + 2],
    )
    .expect("whoami JSON");
    assert_eq!(
        whoami["state"], "online",
        "the second process reached the server:\n{stdout}"
    );
    assert!(
        stdout.contains("signed out ana@example.org\n"),
        "logout ended the server session:\n{stdout}"
    );
    assert!(
        stdout.contains("\"state\": \"signed_out\""),
        "after logout nobody is signed in:\n{stdout}"
    );
}
