use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_cnt-server");

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port()
}

fn server(data_dir: &Path, extra: &[&str]) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.arg("--data-dir")
        .arg(data_dir)
        .args(extra)
        .env_remove("DATABASE_URL")
        .env_remove("CNT_SERVER_BIND")
        .env_remove("CNT_SERVER_CONFIG")
        .env("XDG_CONFIG_HOME", data_dir.join("no-config"))
        .env("CNT_LOG", "info")
        .stdin(Stdio::null());
    cmd
}

/// Runs to completion (start-up failures must exit by themselves) and returns (success, stderr).
fn run_to_end(mut cmd: Command) -> (bool, String) {
    let out = cmd.output().expect("spawn cnt-server");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn wait_healthy(port: u16, child: &mut Child) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        if let Some(status) = child.try_wait().expect("wait") {
            panic!("cnt-server exited early: {status}");
        }
        if let Ok(mut s) = std::net::TcpStream::connect(("127.0.0.1", port)) {
            use std::io::{Read, Write};
            let _ = s.write_all(b"GET /health HTTP/1.0\r\n\r\n");
            let mut answer = String::new();
            let _ = s.read_to_string(&mut answer);
            if answer.starts_with("HTTP/1.0 200") || answer.starts_with("HTTP/1.1 200") {
                return;
            }
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("cnt-server did not become healthy");
}

#[test]
fn starts_creates_its_data_and_stops_cleanly_on_sigterm() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("fresh").join("data");
    let port = free_port();
    let mut child = server(&data, &["--bind", &format!("127.0.0.1:{port}")])
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    wait_healthy(port, &mut child);
    assert!(
        data.join("cnt.db").is_file(),
        "database created on first start"
    );
    assert!(
        data.join("media").is_dir(),
        "media folder created on first start"
    );
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(status.success());
    let stderr = child.stderr.take().expect("stderr");
    let status = child.wait().expect("wait");
    let log: Vec<String> = BufReader::new(stderr)
        .lines()
        .map_while(Result::ok)
        .collect();
    assert!(
        status.success(),
        "exit after SIGTERM: {status}; log: {log:#?}"
    );
    assert!(
        log.iter().any(|l| l.contains("SIGTERM received")),
        "{log:#?}"
    );
    assert!(
        log.iter().any(|l| l.contains("closing the database")),
        "{log:#?}"
    );
}

#[test]
fn a_taken_port_is_a_clear_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let holder = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = holder.local_addr().expect("addr");
    let (ok, stderr) = run_to_end(server(dir.path(), &["--bind", &addr.to_string()]));
    assert!(!ok);
    assert!(stderr.contains(&addr.to_string()), "{stderr}");
    assert!(stderr.contains("already in use"), "{stderr}");
}

#[test]
fn an_unwritable_data_dir_is_a_clear_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    // A path below a regular file cannot be created, even by root.
    let file = dir.path().join("a-file");
    std::fs::write(&file, b"x").expect("write");
    let bad = file.join("data");
    let (ok, stderr) = run_to_end(server(
        &bad,
        &["--bind", &format!("127.0.0.1:{}", free_port())],
    ));
    assert!(!ok);
    assert!(stderr.contains("not writable"), "{stderr}");
    assert!(stderr.contains(&bad.display().to_string()), "{stderr}");
}

#[test]
fn a_malformed_config_file_is_named_with_its_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = dir.path().join("server.toml");
    std::fs::write(&config, "bind = \"127.0.0.1:1\"\n\ndata_dir = = 3\n").expect("write");
    let (ok, stderr) = run_to_end(server(
        dir.path(),
        &["--config", config.to_str().expect("utf-8")],
    ));
    assert!(!ok);
    assert!(stderr.contains(&config.display().to_string()), "{stderr}");
    assert!(stderr.contains("line 3"), "{stderr}");
}

#[test]
fn a_corrupt_database_is_refused_and_kept() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("cnt.db");
    std::fs::write(&db, b"garbage that is not a database".repeat(50)).expect("write");
    let before = std::fs::read(&db).expect("read");
    let (ok, stderr) = run_to_end(server(
        dir.path(),
        &["--bind", &format!("127.0.0.1:{}", free_port())],
    ));
    assert!(!ok);
    assert!(stderr.contains(&db.display().to_string()), "{stderr}");
    assert!(stderr.contains("corrupt"), "{stderr}");
    assert_eq!(
        std::fs::read(&db).expect("read"),
        before,
        "the file is untouched"
    );
}

#[test]
fn settings_layer_flags_over_environment_over_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = dir.path().join("server.toml");
    std::fs::write(
        &config,
        "bind = \"127.0.0.1:1111\"\ndatabase_url = \"sqlite:///from/file.db\"\n",
    )
    .expect("write");
    let mut cmd = server(
        dir.path(),
        &["--config", config.to_str().expect("utf-8"), "config"],
    );
    cmd.env("CNT_SERVER_BIND", "127.0.0.1:2222");
    let out = cmd.output().expect("run");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success());
    assert!(
        text.contains("bind = \"127.0.0.1:2222\""),
        "env beats file: {text}"
    );
    assert!(
        text.contains("sqlite:///from/file.db"),
        "file fills the rest: {text}"
    );

    let mut cmd = server(
        dir.path(),
        &[
            "--config",
            config.to_str().expect("utf-8"),
            "--bind",
            "127.0.0.1:3333",
            "config",
        ],
    );
    cmd.env("CNT_SERVER_BIND", "127.0.0.1:2222");
    let text = String::from_utf8_lossy(&cmd.output().expect("run").stdout).into_owned();
    assert!(
        text.contains("bind = \"127.0.0.1:3333\""),
        "flag beats env: {text}"
    );
}

/// A raw HTTP/1.0 POST with a JSON body; returns (status line, body).
fn post_json(port: u16, path: &str, body: &str) -> (String, String) {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).expect("connect");
    write!(
        s,
        "POST {path} HTTP/1.0\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .expect("write");
    let mut answer = String::new();
    s.read_to_string(&mut answer).expect("read");
    let (head, body) = answer.split_once("\r\n\r\n").unwrap_or((&answer, ""));
    (
        head.lines().next().unwrap_or_default().to_owned(),
        body.to_owned(),
    )
}

fn user_cmd(data: &Path, args: &[&str], stdin: &str) -> (bool, String, String) {
    use std::io::Write;
    let mut child = server(data, &["user"])
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes())
        .expect("write stdin");
    let out = child.wait_with_output().expect("wait");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn operators_create_an_admin_who_signs_in_over_http() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("data");
    let (ok, _, stderr) = user_cmd(&data, &["create", "pastor@example.org", "--admin"], "");
    assert!(!ok);
    assert!(
        stderr.contains("--password-stdin"),
        "the password is never an argument: {stderr}"
    );

    let (ok, stdout, stderr) = user_cmd(
        &data,
        &[
            "create",
            "Pastor@Example.org",
            "--password-stdin",
            "--admin",
        ],
        "a long admin password\n",
    );
    assert!(ok, "{stderr}");
    assert!(
        stdout.contains("created pastor@example.org (pastor, admin)"),
        "{stdout}"
    );
    let (ok, _, stderr) = user_cmd(
        &data,
        &["create", "pastor@example.org", "--password-stdin"],
        "another password\n",
    );
    assert!(!ok);
    assert!(stderr.contains("already exists"), "{stderr}");

    let (ok, stdout, _) = user_cmd(&data, &["list", "--json"], "");
    assert!(ok);
    let list: serde_json::Value = serde_json::from_str(&stdout).expect("JSON");
    assert_eq!(list[0]["role"], "admin");

    let key = data.join("jwt-signing-key");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&key).expect("key").permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "the signing key is private");
    }

    let port = free_port();
    let mut child = server(&data, &["--bind", &format!("127.0.0.1:{port}")])
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    wait_healthy(port, &mut child);
    let (status, body) = post_json(
        port,
        "/api/v1/auth/login",
        r#"{"email":"pastor@example.org","password":"a long admin password"}"#,
    );
    let _ = child.kill();
    let _ = child.wait();
    assert!(status.contains("200"), "{status} {body}");
    let pair: serde_json::Value = serde_json::from_str(&body).expect("JSON");
    assert_eq!(pair["token_type"], "bearer");
    assert!(pair["refresh_token"].as_str().expect("token").len() >= 43);
}
