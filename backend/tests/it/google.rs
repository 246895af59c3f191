//! Google sign-in against a local JWKS server, with ID tokens signed by a test RSA key (the private
//! key of Wycheproof's first RS256 group, read from ../shared/data/jwt/wycheproof).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::http::{Method, StatusCode};
use axum::routing::get;
use base64::Engine;
use cnt_backend::google::GoogleVerifier;
use cnt_backend::{AppState, Registration};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};

use super::state_with;

const CLIENT_ID: &str = "cnt-test.apps.googleusercontent.com";

struct TestKey {
    n: String,
    e: String,
    encoding: EncodingKey,
}

fn test_key() -> TestKey {
    use rsa::pkcs1::EncodeRsaPrivateKey;
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/data/jwt/wycheproof/json_web_signature_test.json");
    let doc: Value =
        serde_json::from_str(&std::fs::read_to_string(path).expect("vectors")).expect("json");
    let jwk = doc["testGroups"]
        .as_array()
        .expect("groups")
        .iter()
        .map(|g| &g["private"])
        .find(|k| k["kty"] == "RSA" && k["alg"] == "RS256" && k.get("d").is_some())
        .expect("an RS256 private key");
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let int = |field: &str| {
        rsa::BigUint::from_bytes_be(
            &b64.decode(jwk[field].as_str().expect(field))
                .expect("base64"),
        )
    };
    let key =
        rsa::RsaPrivateKey::from_components(int("n"), int("e"), int("d"), vec![int("p"), int("q")])
            .expect("rsa key");
    let der = key.to_pkcs1_der().expect("der");
    TestKey {
        n: jwk["n"].as_str().expect("n").to_owned(),
        e: jwk["e"].as_str().expect("e").to_owned(),
        encoding: EncodingKey::from_rsa_der(der.as_bytes()),
    }
}

/// Serves the JWKS; counts fetches.
async fn jwks_server(key: &TestKey) -> (String, Arc<AtomicUsize>) {
    let fetches = Arc::new(AtomicUsize::new(0));
    let body = json!({"keys": [{"kid": "test-key", "kty": "RSA", "alg": "RS256", "use": "sig", "n": key.n, "e": key.e}]});
    let counter = fetches.clone();
    let app = axum::Router::new().route(
        "/certs",
        get(move || {
            counter.fetch_add(1, Ordering::SeqCst);
            let body = body.clone();
            async move { axum::Json(body) }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}/certs", listener.local_addr().expect("addr"));
    tokio::spawn(async move { axum::serve(listener, app).await.expect("serve") });
    (url, fetches)
}

fn claims(sub: &str, email: &str) -> Value {
    let now = cnt_backend::auth::now();
    json!({"iss": "https://accounts.google.com", "aud": CLIENT_ID, "sub": sub, "email": email,
           "email_verified": true, "name": "Ana María", "iat": now, "exp": now + 600})
}

fn sign(key: &TestKey, kid: &str, claims: &Value) -> String {
    let mut header = Header::new(Algorithm::RS256);
    header.kid = Some(kid.to_owned());
    jsonwebtoken::encode(&header, claims, &key.encoding).expect("sign")
}

async fn google_login(state: &AppState, token: &str) -> (StatusCode, Value) {
    let body = json!({"id_token": token});
    let a = super::send(
        state,
        Method::POST,
        "/api/v1/auth/google-login",
        None,
        Some(body),
        None,
    )
    .await;
    (a.status, a.json)
}

async fn setup(
    registration: Registration,
) -> (tempfile::TempDir, AppState, TestKey, Arc<AtomicUsize>) {
    let key = test_key();
    let (url, fetches) = jwks_server(&key).await;
    let (dir, state) = state_with(registration).await;
    (
        dir,
        state.with_google(GoogleVerifier::new(CLIENT_ID, &url)),
        key,
        fetches,
    )
}

#[tokio::test]
async fn a_google_account_signs_in_and_is_created_once() {
    let (_d, s, key, _) = setup(Registration::Open).await;
    let token = sign(&key, "test-key", &claims("g-123", "Ana@Example.org"));
    let (status, first) = google_login(&s, &token).await;
    assert_eq!(status, StatusCode::OK, "{first}");
    assert_eq!(first["user"]["email"], "ana@example.org");
    assert_eq!(first["user"]["username"], "ana");
    assert_eq!(first["user"]["display_name"], "Ana María");
    assert!(first["tokens"]["access_token"].is_string());
    let (_, second) = google_login(&s, &token).await;
    assert_eq!(
        second["user"]["id"], first["user"]["id"],
        "the same account the second time"
    );
}

#[tokio::test]
async fn an_existing_account_with_the_same_verified_email_is_linked() {
    let (_d, s, key, _) = setup(Registration::Open).await;
    let body =
        json!({"email": "ana@example.org", "password": "correct horse battery", "username": "ana"});
    let registered = super::send(
        &s,
        Method::POST,
        "/api/v1/auth/register",
        None,
        Some(body),
        None,
    )
    .await
    .json;
    let (status, json) = google_login(
        &s,
        &sign(&key, "test-key", &claims("g-9", "ana@example.org")),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{json}");
    assert_eq!(json["user"]["id"], registered["user"]["id"]);
}

#[tokio::test]
async fn bad_google_tokens_are_refused() {
    let (_d, s, key, _) = setup(Registration::Open).await;
    let mut cases: Vec<(&str, String)> = Vec::new();
    let mut c = claims("g-1", "a@example.org");
    c["aud"] = json!("someone-else.apps.googleusercontent.com");
    cases.push(("another app's token", sign(&key, "test-key", &c)));
    let mut c = claims("g-1", "a@example.org");
    c["iss"] = json!("https://evil.example");
    cases.push(("another issuer", sign(&key, "test-key", &c)));
    let mut c = claims("g-1", "a@example.org");
    c["exp"] = json!(cnt_backend::auth::now() - 120);
    cases.push(("expired", sign(&key, "test-key", &c)));
    let mut c = claims("g-1", "a@example.org");
    c["email_verified"] = json!(false);
    cases.push(("unverified email", sign(&key, "test-key", &c)));
    // Key confusion: HS256 "signed" with the public key's text.
    let mut h = Header::new(Algorithm::HS256);
    h.kid = Some("test-key".into());
    let confused = jsonwebtoken::encode(
        &h,
        &claims("g-1", "a@example.org"),
        &EncodingKey::from_secret(key.n.as_bytes()),
    )
    .expect("hs256");
    cases.push(("HS256 with the public key", confused));
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let unsigned = format!(
        "{}.{}.",
        b64.encode(r#"{"alg":"none","kid":"test-key"}"#),
        b64.encode(claims("g-1", "a@example.org").to_string())
    );
    cases.push(("alg none", unsigned));
    let good = sign(&key, "test-key", &claims("g-1", "a@example.org"));
    let mut parts: Vec<String> = good.split('.').map(str::to_owned).collect();
    parts[1] = b64.encode(claims("g-2", "victim@example.org").to_string());
    cases.push(("tampered payload", parts.join(".")));
    for (what, token) in cases {
        let (status, json) = google_login(&s, &token).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{what}: {json}");
        assert_eq!(json["error"]["code"], "invalid_token", "{what}");
    }
}

#[tokio::test]
async fn unknown_key_ids_refetch_at_most_once_a_minute() {
    let (_d, s, key, fetches) = setup(Registration::Open).await;
    google_login(&s, &sign(&key, "test-key", &claims("g-1", "a@example.org"))).await;
    assert_eq!(fetches.load(Ordering::SeqCst), 1);
    for kid in ["rotated-1", "rotated-2", "rotated-3"] {
        let (status, _) = google_login(&s, &sign(&key, kid, &claims("g-1", "a@example.org"))).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(
        fetches.load(Ordering::SeqCst),
        1,
        "no refetch storm from unknown key ids"
    );
}

#[tokio::test]
async fn approval_applies_to_new_google_accounts_and_no_config_means_503() {
    let (_d, s, key, _) = setup(Registration::Approval).await;
    let (status, json) = google_login(
        &s,
        &sign(&key, "test-key", &claims("g-5", "new@example.org")),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{json}");
    assert_eq!(json["user"]["status"], "pending_approval");
    assert!(json["tokens"].is_null());

    let (_d2, plain) = state_with(Registration::Open).await;
    let (status, json) = google_login(&plain, "whatever").await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{json}");
}
