//! Emailed codes: confirming a new account and resetting a password, read from a real SMTP listener.

use std::time::Duration;

use axum::http::{Method, StatusCode};
use cnt_backend::mail::Mailer;
use cnt_backend::{AppState, Registration};
use serde_json::{Value, json};

use super::smtp::{SmtpSink, code_in};
use super::state_with;

async fn post(state: &AppState, uri: &str, body: Value) -> (StatusCode, Value) {
    let a = super::send(state, Method::POST, uri, None, Some(body), None).await;
    (a.status, a.json)
}

async fn with_mail(registration: Registration) -> (tempfile::TempDir, AppState, SmtpSink) {
    let sink = SmtpSink::start().await;
    let (dir, state) = state_with(registration).await;
    let mailer = Mailer::new(&sink.url(), "CNT Media <media@church.example>").expect("mailer");
    (dir, state.with_mailer(mailer), sink)
}

const WAIT: Duration = Duration::from_secs(20);
const ABSENCE: Duration = Duration::from_millis(800);

fn code_of(json: &Value) -> String {
    json["error"]["code"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
async fn a_new_account_is_confirmed_with_the_emailed_code() {
    let (_d, s, mut sink) = with_mail(Registration::VerifyEmail).await;
    let (status, json) = post(
        &s,
        "/api/v1/auth/register",
        json!({"email": "Ana@Example.org", "password": "correct horse battery", "username": "ana"}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{json}");
    assert_eq!(json["user"]["status"], "pending_verification");
    assert!(json["tokens"].is_null());

    let mail = sink.next(WAIT).await.expect("a confirmation email");
    assert!(mail.contains("To: ana@example.org"), "{mail}");
    assert!(
        mail.contains("From: \"CNT Media\" <media@church.example>")
            || mail.contains("From: CNT Media <media@church.example>"),
        "{mail}"
    );
    assert!(mail.contains("confirmation code"), "{mail}");
    let code = code_in(&mail);

    let (status, json) = post(
        &s,
        "/api/v1/auth/login",
        json!({"email": "ana@example.org", "password": "correct horse battery"}),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(code_of(&json), "email_not_verified");

    let wrong = if code == "000000" { "111111" } else { "000000" };
    let (status, json) = post(
        &s,
        "/api/v1/auth/verify-otp",
        json!({"email": "ana@example.org", "code": wrong}),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(code_of(&json), "invalid_code");

    let (status, json) = post(
        &s,
        "/api/v1/auth/verify-otp",
        json!({"email": "ANA@example.org", "code": code}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{json}");
    assert_eq!(json["token_type"], "bearer");
    let (status, _) = post(
        &s,
        "/api/v1/auth/verify-otp",
        json!({"email": "ana@example.org", "code": code}),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a code works once"
    );
    let (status, _) = post(
        &s,
        "/api/v1/auth/login",
        json!({"email": "ana@example.org", "password": "correct horse battery"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn a_code_dies_after_five_wrong_entries_and_only_the_newest_counts() {
    let (_d, s, mut sink) = with_mail(Registration::VerifyEmail).await;
    post(
        &s,
        "/api/v1/auth/register",
        json!({"email": "ana@example.org", "password": "correct horse battery", "username": "ana"}),
    )
    .await;
    let code = code_in(&sink.next(WAIT).await.expect("mail"));
    let wrong = if code == "000000" { "111111" } else { "000000" };
    for _ in 0..5 {
        let (status, _) = post(
            &s,
            "/api/v1/auth/verify-otp",
            json!({"email": "ana@example.org", "code": wrong}),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let (status, _) = post(
        &s,
        "/api/v1/auth/verify-otp",
        json!({"email": "ana@example.org", "code": code}),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "the right code no longer works after 5 misses"
    );

    // Asking again within a minute sends nothing new (no mail flooding)…
    let (status, _) = post(
        &s,
        "/api/v1/auth/send-otp",
        json!({"email": "ana@example.org", "purpose": "verify_email"}),
    )
    .await;
    assert_eq!(status, StatusCode::ACCEPTED);
    assert!(
        sink.next(ABSENCE).await.is_none(),
        "no second mail within a minute"
    );
}

#[tokio::test]
async fn a_forgotten_password_is_reset_with_the_emailed_code() {
    let (_d, s, mut sink) = with_mail(Registration::Open).await;
    let (_, reg) = post(
        &s,
        "/api/v1/auth/register",
        json!({"email": "ana@example.org", "password": "correct horse battery", "username": "ana"}),
    )
    .await;
    let old_refresh = reg["tokens"]["refresh_token"]
        .as_str()
        .expect("tokens")
        .to_owned();

    // Unknown addresses get the same answer and no mail.
    let (status, _) = post(
        &s,
        "/api/v1/auth/send-otp",
        json!({"email": "nobody@example.org", "purpose": "reset_password"}),
    )
    .await;
    assert_eq!(status, StatusCode::ACCEPTED);
    assert!(
        sink.next(ABSENCE).await.is_none(),
        "no mail for an unknown address"
    );

    let (status, _) = post(
        &s,
        "/api/v1/auth/send-otp",
        json!({"email": "ana@example.org", "purpose": "reset_password"}),
    )
    .await;
    assert_eq!(status, StatusCode::ACCEPTED);
    let mail = sink.next(WAIT).await.expect("a reset email");
    assert!(mail.contains("password reset code"), "{mail}");
    let code = code_in(&mail);

    let (status, json) = post(
        &s,
        "/api/v1/auth/reset-password",
        json!({"email": "ana@example.org", "code": code, "new_password": "short"}),
    )
    .await;
    assert_eq!(code_of(&json), "weak_password", "{status}");
    let (status, json) = post(
        &s,
        "/api/v1/auth/reset-password",
        json!({"email": "ana@example.org", "code": code, "new_password": "a brand new password"}),
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{json}");

    let (status, _) = post(
        &s,
        "/api/v1/auth/login",
        json!({"email": "ana@example.org", "password": "correct horse battery"}),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "the old password is gone");
    let (status, _) = post(
        &s,
        "/api/v1/auth/login",
        json!({"email": "ana@example.org", "password": "a brand new password"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = post(
        &s,
        "/api/v1/auth/refresh",
        json!({"refresh_token": old_refresh}),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "every earlier session ended"
    );
}

#[tokio::test]
async fn without_email_the_server_says_so() {
    let (_d, s) = state_with(Registration::Open).await;
    let (status, json) = post(
        &s,
        "/api/v1/auth/send-otp",
        json!({"email": "ana@example.org", "purpose": "reset_password"}),
    )
    .await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{json}");
    assert_eq!(code_of(&json), "service_unavailable");
}
