//! Signing in and out through the core against a real server: tokens where they belong, rotation,
//! a retry after 401, offline, and concurrency.

use std::sync::Arc;
use std::time::Duration;

use cnt_app::{Core, CoreOptions, MemoryStore, MonitorTiming, SecretStore, WhoAmI};
use cnt_e2e::TestServer;
use cnt_model::ErrorCode;

struct Device {
    core: Core,
    secrets: Arc<MemoryStore>,
    dir: std::path::PathBuf,
}

fn device(root: &std::path::Path, name: &str, server: &str) -> Device {
    let secrets = Arc::new(MemoryStore::new());
    let dir = root.join(name);
    let core = Core::start(CoreOptions {
        data_dir: Some(dir.clone()),
        config_file: Some(dir.join("config.toml")),
        server: Some(server.to_owned()),
        secrets: Some(secrets.clone()),
        timing: Some(MonitorTiming {
            online_interval: Duration::from_millis(200),
            offline_initial: Duration::from_millis(50),
            offline_max: Duration::from_millis(200),
        }),
    })
    .expect("core");
    Device { core, secrets, dir }
}

async fn server_with_ana(root: &std::path::Path, access_ttl: i64) -> TestServer {
    let server = TestServer::start_with(
        &root.join("server"),
        "127.0.0.1:0".parse().expect("addr"),
        |a| {
            a.access_ttl = access_ttl;
        },
    )
    .await;
    let client = cnt_sync::ServerClient::new(&server.url()).expect("client");
    client
        .register("ana@example.org", "correct horse battery", "ana")
        .await
        .expect("register");
    server
}

fn stored_refresh(d: &Device) -> Option<String> {
    let account = d.core.account()?;
    d.secrets
        .get(&format!(
            "refresh-token:{}:{}",
            account.server, account.user_id
        ))
        .expect("secret")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_keeps_the_refresh_token_in_the_keyring_only() {
    let root = tempfile::tempdir().expect("tempdir");
    let server = server_with_ana(root.path(), 900).await;
    let d = device(root.path(), "laptop", &server.url());
    let account = d
        .core
        .sign_in("ana@example.org", "correct horse battery")
        .await
        .expect("sign in");
    assert_eq!(account.username, "ana");
    assert_eq!(
        d.core.whoami().await.expect("whoami"),
        WhoAmI::Online(account.clone())
    );

    let refresh = stored_refresh(&d).expect("refresh token in the secret store");
    assert!(refresh.len() >= 43);
    // Nothing secret on disk: the library file holds the account's name, not its tokens.
    for entry in std::fs::read_dir(&d.dir).expect("ls") {
        let path = entry.expect("entry").path();
        let bytes = std::fs::read(&path).unwrap_or_default();
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            !text.contains(&refresh),
            "refresh token found in {}",
            path.display()
        );
        assert!(!text.contains("eyJ"), "a JWT found in {}", path.display());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_passwords_are_reported_with_their_code() {
    let root = tempfile::tempdir().expect("tempdir");
    let server = server_with_ana(root.path(), 900).await;
    let d = device(root.path(), "laptop", &server.url());
    let err = d
        .core
        .sign_in("ana@example.org", "wrong password")
        .await
        .expect_err("refused");
    match err {
        cnt_app::Error::Server(e) => assert_eq!(e.code(), Some(ErrorCode::InvalidCredentials)),
        other => panic!("{other}"),
    }
    assert_eq!(d.core.whoami().await.expect("whoami"), WhoAmI::SignedOut);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn short_lived_access_tokens_are_refreshed_and_rotated() {
    let root = tempfile::tempdir().expect("tempdir");
    // 30 s tokens: always inside the client's one-minute margin, so every call refreshes first.
    let server = server_with_ana(root.path(), 30).await;
    let d = device(root.path(), "laptop", &server.url());
    d.core
        .sign_in("ana@example.org", "correct horse battery")
        .await
        .expect("sign in");
    let first = stored_refresh(&d).expect("token");
    assert!(matches!(
        d.core.whoami().await.expect("whoami"),
        WhoAmI::Online(_)
    ));
    let second = stored_refresh(&d).expect("token");
    assert_ne!(
        first, second,
        "the refresh token was rotated and the new one stored"
    );
    assert!(matches!(
        d.core.whoami().await.expect("whoami"),
        WhoAmI::Online(_)
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_calls_never_trip_the_servers_reuse_detection() {
    let root = tempfile::tempdir().expect("tempdir");
    let server = server_with_ana(root.path(), 30).await;
    let d = device(root.path(), "laptop", &server.url());
    d.core
        .sign_in("ana@example.org", "correct horse battery")
        .await
        .expect("sign in");
    let calls = (0..8).map(|_| d.core.whoami());
    for answer in futures::future::join_all(calls).await {
        assert!(
            matches!(answer.expect("whoami"), WhoAmI::Online(_)),
            "a parallel call lost the session"
        );
    }
    assert!(matches!(
        d.core.whoami().await.expect("whoami"),
        WhoAmI::Online(_)
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signing_out_everywhere_on_one_device_ends_the_other_after_one_retry() {
    let root = tempfile::tempdir().expect("tempdir");
    let server = server_with_ana(root.path(), 900).await;
    let phone = device(root.path(), "phone", &server.url());
    let laptop = device(root.path(), "laptop", &server.url());
    phone
        .core
        .sign_in("ana@example.org", "correct horse battery")
        .await
        .expect("phone");
    laptop
        .core
        .sign_in("ana@example.org", "correct horse battery")
        .await
        .expect("laptop");
    assert!(matches!(
        laptop.core.whoami().await.expect("whoami"),
        WhoAmI::Online(_)
    ));

    // The phone signs out everywhere through the API.
    let client = cnt_sync::ServerClient::new(&server.url()).expect("client");
    let pair = client
        .login("ana@example.org", "correct horse battery")
        .await
        .expect("login");
    let ended = client
        .logout_all(&pair.access_token)
        .await
        .expect("logout-all");
    assert!(ended >= 3, "sessions ended: {ended}");

    // The laptop's in-memory access token is refused (401), the retry's refresh is refused too:
    // the laptop is told to sign in again, keeps its account and forgets the useless token.
    let answer = laptop.core.whoami().await.expect("whoami");
    assert!(
        matches!(answer, WhoAmI::NeedsSignIn(ref a) if a.username == "ana"),
        "{answer:?}"
    );
    assert_eq!(stored_refresh(&laptop), None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_out_ends_the_server_session_and_forgets_everything_local() {
    let root = tempfile::tempdir().expect("tempdir");
    let server = server_with_ana(root.path(), 900).await;
    let d = device(root.path(), "laptop", &server.url());
    d.core
        .sign_in("ana@example.org", "correct horse battery")
        .await
        .expect("sign in");
    let refresh = stored_refresh(&d).expect("token");
    assert!(
        d.core.sign_out().await.expect("sign out"),
        "the server confirmed"
    );
    assert_eq!(d.core.account(), None);
    assert_eq!(d.core.whoami().await.expect("whoami"), WhoAmI::SignedOut);
    let client = cnt_sync::ServerClient::new(&server.url()).expect("client");
    let err = client
        .refresh(&refresh)
        .await
        .expect_err("the old session is over");
    assert_eq!(err.code(), Some(ErrorCode::InvalidToken));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_remembered_account_works_offline() {
    let root = tempfile::tempdir().expect("tempdir");
    let server = server_with_ana(root.path(), 900).await;
    let d = device(root.path(), "laptop", &server.url());
    let account = d
        .core
        .sign_in("ana@example.org", "correct horse battery")
        .await
        .expect("sign in");
    server.stop().await;
    // A restart of the app with the server gone: the account is still there, offline.
    drop(d.core);
    let again = device_with_secrets(root.path(), "laptop", &account.server, d.secrets);
    assert_eq!(
        again.core.whoami().await.expect("whoami"),
        WhoAmI::Offline(account)
    );
}

fn device_with_secrets(
    root: &std::path::Path,
    name: &str,
    server: &str,
    secrets: Arc<MemoryStore>,
) -> Device {
    let dir = root.join(name);
    let core = Core::start(CoreOptions {
        data_dir: Some(dir.clone()),
        config_file: Some(dir.join("config.toml")),
        server: Some(server.to_owned()),
        secrets: Some(secrets.clone()),
        timing: None,
    })
    .expect("core");
    Device { core, secrets, dir }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_up_confirm_by_email_and_reset_a_forgotten_password() {
    use cnt_e2e::smtp::{SmtpSink, code_in};
    let root = tempfile::tempdir().expect("tempdir");
    let mut sink = SmtpSink::start().await;
    let server = TestServer::start_full(
        &root.path().join("server"),
        "127.0.0.1:0".parse().expect("addr"),
        cnt_backend::Registration::VerifyEmail,
        Some(&sink.url()),
        |_| {},
    )
    .await;
    let d = device(root.path(), "phone", &server.url());
    let wait = Duration::from_secs(20);

    let outcome = d
        .core
        .sign_up("ana@example.org", "correct horse battery", "ana")
        .await
        .expect("sign up");
    assert_eq!(outcome, cnt_app::SignUp::ConfirmEmail);
    assert_eq!(d.core.account(), None, "not signed in before confirming");
    let code = code_in(&sink.next(wait).await.expect("confirmation mail"));
    let account = d
        .core
        .confirm_email("ana@example.org", &code)
        .await
        .expect("confirm");
    assert_eq!(account.username, "ana");
    assert!(matches!(
        d.core.whoami().await.expect("whoami"),
        WhoAmI::Online(_)
    ));

    d.core.sign_out().await.expect("sign out");
    d.core
        .request_code("ana@example.org", true)
        .await
        .expect("reset code");
    let code = code_in(&sink.next(wait).await.expect("reset mail"));
    let err = d
        .core
        .reset_password("ana@example.org", "000000", "a new long password")
        .await;
    if code != "000000" {
        match err.expect_err("a wrong code") {
            cnt_app::Error::Server(e) => assert_eq!(e.code(), Some(ErrorCode::InvalidCode)),
            other => panic!("{other}"),
        }
    }
    let account = d
        .core
        .reset_password("ana@example.org", &code, "a new long password")
        .await
        .expect("reset");
    assert_eq!(account.email, "ana@example.org");
    assert!(matches!(
        d.core.whoami().await.expect("whoami"),
        WhoAmI::Online(_)
    ));
}
