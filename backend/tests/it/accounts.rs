//! Account flows through the router: register, sign in, refresh with rotation and reuse detection,
//! sign out, profiles, roles.

use axum::http::{Method, StatusCode};
use cnt_backend::{AppState, Registration};
use cnt_model::ErrorCode;
use cnt_model::api::{RegisterResponse, TokenPair, UserProfile};
use serde_json::{Value, json};

use super::{state, state_with};

async fn call(
    state: &AppState,
    method: Method,
    uri: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let a = super::send(state, method, uri, token, body, None).await;
    if a.status == StatusCode::UNAUTHORIZED {
        assert!(
            a.headers.contains_key("www-authenticate"),
            "401 without WWW-Authenticate"
        );
    }
    (a.status, a.json)
}

fn code(json: &Value) -> ErrorCode {
    serde_json::from_value(json["error"]["code"].clone()).expect("error code")
}

async fn register(state: &AppState, email: &str, username: &str) -> RegisterResponse {
    let (status, json) = call(
        state,
        Method::POST,
        "/api/v1/auth/register",
        None,
        Some(json!({"email": email, "password": "correct horse battery", "username": username})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{json}");
    serde_json::from_value(json).expect("register response")
}

async fn login(state: &AppState, email: &str, password: &str) -> (StatusCode, Value) {
    call(
        state,
        Method::POST,
        "/api/v1/auth/login",
        None,
        Some(json!({"email": email, "password": password})),
    )
    .await
}

async fn refresh(state: &AppState, token: &str) -> (StatusCode, Value) {
    call(
        state,
        Method::POST,
        "/api/v1/auth/refresh",
        None,
        Some(json!({"refresh_token": token})),
    )
    .await
}

fn pair(json: Value) -> TokenPair {
    serde_json::from_value(json).expect("token pair")
}

#[tokio::test]
async fn register_login_and_read_my_profile() {
    let (_d, s) = state().await;
    let reg = register(&s, "Ana@Example.org", "ana").await;
    assert_eq!(reg.user.email, "ana@example.org", "emails are lower-cased");
    let tokens = reg.tokens.expect("open registration signs in at once");
    assert_eq!(tokens.token_type, "bearer");
    assert_eq!(tokens.expires_in, 900);

    let (status, json) = login(&s, "ANA@example.org", "correct horse battery").await;
    assert_eq!(status, StatusCode::OK, "{json}");
    let t = pair(json);
    let (status, me) = call(
        &s,
        Method::GET,
        "/api/v1/users/me",
        Some(&t.access_token),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let me: UserProfile = serde_json::from_value(me).expect("profile");
    assert_eq!(me.username, "ana");

    let (status, updated) = call(
        &s,
        Method::PUT,
        "/api/v1/users/me",
        Some(&t.access_token),
        Some(json!({"display_name": "Ana María", "bio": "Choir"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(updated["display_name"], "Ana María");

    let (status, public) = call(
        &s,
        Method::GET,
        &format!("/api/v1/users/{}/public", me.id),
        None,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(public["display_name"], "Ana María");
    assert!(
        public.get("email").is_none(),
        "public profiles hide the email: {public}"
    );
}

#[tokio::test]
async fn duplicates_and_bad_input_are_refused_with_codes() {
    let (_d, s) = state().await;
    register(&s, "ana@example.org", "ana").await;
    for (body, want) in [
        (
            json!({"email": "ANA@example.org", "password": "long enough pw", "username": "other"}),
            ErrorCode::EmailTaken,
        ),
        (
            json!({"email": "b@example.org", "password": "long enough pw", "username": "ANA"}),
            ErrorCode::UsernameTaken,
        ),
        (
            json!({"email": "b@example.org", "password": "short", "username": "bob"}),
            ErrorCode::WeakPassword,
        ),
        (
            json!({"email": "not-an-email", "password": "long enough pw", "username": "bob"}),
            ErrorCode::ValidationFailed,
        ),
        (
            json!({"email": "b@example.org", "password": "long enough pw", "username": "b"}),
            ErrorCode::ValidationFailed,
        ),
    ] {
        let (status, json) = call(
            &s,
            Method::POST,
            "/api/v1/auth/register",
            None,
            Some(body.clone()),
        )
        .await;
        assert_eq!(code(&json), want, "{body} -> {status} {json}");
    }
    let (status, json) = call(
        &s,
        Method::POST,
        "/api/v1/auth/register",
        None,
        Some(json!({"email": 1})),
    )
    .await;
    assert!(status.is_client_error(), "{status}");
    assert!(
        json["error"]["message"]
            .as_str()
            .expect("message")
            .contains("email"),
        "{json}"
    );

    let (_, json) = call(
        &s,
        Method::POST,
        "/api/v1/auth/check-username",
        None,
        Some(json!({"username": "Ana"})),
    )
    .await;
    assert_eq!(json, json!({"available": false, "reason": "taken"}));
    let (_, json) = call(
        &s,
        Method::POST,
        "/api/v1/auth/check-username",
        None,
        Some(json!({"username": "newbie"})),
    )
    .await;
    assert_eq!(json, json!({"available": true, "reason": null}));
}

#[tokio::test]
async fn wrong_password_and_unknown_email_look_the_same() {
    let (_d, s) = state().await;
    register(&s, "ana@example.org", "ana").await;
    let (s1, wrong) = login(&s, "ana@example.org", "not the password").await;
    let (s2, unknown) = login(&s, "nobody@example.org", "not the password").await;
    assert_eq!(s1, StatusCode::UNAUTHORIZED);
    assert_eq!(s1, s2);
    assert_eq!(code(&wrong), ErrorCode::InvalidCredentials);
    assert_eq!(wrong["error"]["message"], unknown["error"]["message"]);
}

#[tokio::test]
async fn refresh_rotates_and_a_reused_token_revokes_the_whole_family() {
    let (_d, s) = state().await;
    register(&s, "ana@example.org", "ana").await;
    let first = pair(
        login(&s, "ana@example.org", "correct horse battery")
            .await
            .1,
    );

    let (status, json) = refresh(&s, &first.refresh_token).await;
    assert_eq!(status, StatusCode::OK, "{json}");
    let lost = pair(json);
    assert_ne!(lost.refresh_token, first.refresh_token, "rotated");

    // The client was killed before it stored `lost` and retries with the first token: while `lost`
    // has never been used, that is a lost answer: a new pair, and `lost` can no longer be used.
    let (status, json) = refresh(&s, &first.refresh_token).await;
    assert_eq!(status, StatusCode::OK, "{json}");
    let second = pair(json);
    let (status, _) = refresh(&s, &lost.refresh_token).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "the lost token is gone");
    // The session survived that.
    let (status, json) = refresh(&s, &second.refresh_token).await;
    assert_eq!(status, StatusCode::OK, "{json}");
    let second = pair(json);

    // An attacker replays the first token after its successor was used: refused, and the family
    // is revoked…
    let (status, json) = refresh(&s, &first.refresh_token).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(code(&json), ErrorCode::InvalidToken);
    // …so the legitimate newest token and the session's access token stop working too.
    let (status, _) = refresh(&s, &second.refresh_token).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = call(
        &s,
        Method::GET,
        "/api/v1/users/me",
        Some(&second.access_token),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    // Other sessions of the same user are not affected.
    let other = pair(
        login(&s, "ana@example.org", "correct horse battery")
            .await
            .1,
    );
    let (status, _) = refresh(&s, &other.refresh_token).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn concurrent_refreshes_with_one_token_leave_at_most_one_live_token() {
    let (_d, s) = state().await;
    register(&s, "ana@example.org", "ana").await;
    let t = pair(
        login(&s, "ana@example.org", "correct horse battery")
            .await
            .1,
    );
    let (a, b) = tokio::join!(refresh(&s, &t.refresh_token), refresh(&s, &t.refresh_token));
    // The second is a lost-answer retry at worst: whatever each got, at most one refresh token
    // is still usable afterwards.
    let mut usable = 0;
    for answer in [a, b] {
        if answer.0 == StatusCode::OK {
            let (status, _) = refresh(&s, &pair(answer.1).refresh_token).await;
            usable += usize::from(status == StatusCode::OK);
        }
    }
    assert!(usable <= 1, "two live refresh tokens in one session");
}

#[tokio::test]
async fn logout_ends_this_session_and_logout_all_ends_every_one() {
    let (_d, s) = state().await;
    register(&s, "ana@example.org", "ana").await;
    let phone = pair(
        login(&s, "ana@example.org", "correct horse battery")
            .await
            .1,
    );
    let laptop = pair(
        login(&s, "ana@example.org", "correct horse battery")
            .await
            .1,
    );

    let (status, _) = call(
        &s,
        Method::POST,
        "/api/v1/auth/logout",
        Some(&phone.access_token),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = call(
        &s,
        Method::GET,
        "/api/v1/users/me",
        Some(&phone.access_token),
        None,
    )
    .await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "access token of a signed-out session"
    );
    assert_eq!(
        refresh(&s, &phone.refresh_token).await.0,
        StatusCode::UNAUTHORIZED
    );
    let (status, _) = call(
        &s,
        Method::GET,
        "/api/v1/users/me",
        Some(&laptop.access_token),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "the other device stays signed in");

    let (status, json) = call(
        &s,
        Method::POST,
        "/api/v1/auth/logout-all",
        Some(&laptop.access_token),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        json["sessions_ended"].as_u64().expect("count") >= 2,
        "{json}"
    );
    assert_eq!(
        refresh(&s, &laptop.refresh_token).await.0,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn changing_the_password_signs_out_other_sessions() {
    let (_d, s) = state().await;
    register(&s, "ana@example.org", "ana").await;
    let here = pair(
        login(&s, "ana@example.org", "correct horse battery")
            .await
            .1,
    );
    let there = pair(
        login(&s, "ana@example.org", "correct horse battery")
            .await
            .1,
    );
    let (status, json) = call(
        &s,
        Method::POST,
        "/api/v1/auth/change-password",
        Some(&here.access_token),
        Some(json!({"current_password": "wrong", "new_password": "a new long password"})),
    )
    .await;
    assert_eq!(code(&json), ErrorCode::InvalidCredentials, "{status}");
    let (status, _) = call(
        &s,
        Method::POST,
        "/api/v1/auth/change-password",
        Some(&here.access_token),
        Some(json!({"current_password": "correct horse battery", "new_password": "a new long password"})),
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(
        refresh(&s, &there.refresh_token).await.0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        refresh(&s, &here.refresh_token).await.0,
        StatusCode::OK,
        "this session stays"
    );
    assert_eq!(
        login(&s, "ana@example.org", "correct horse battery")
            .await
            .0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        login(&s, "ana@example.org", "a new long password").await.0,
        StatusCode::OK
    );
}

#[tokio::test]
async fn protected_routes_refuse_no_token_bad_tokens_and_non_admins() {
    let (_d, s) = state().await;
    let ana = register(&s, "ana@example.org", "ana").await;
    let bob = register(&s, "bob@example.org", "bob").await;
    let bob_token = bob.tokens.expect("tokens").access_token;
    let admin_uri = format!("/api/v1/admin/users/{}/admin", ana.user.id);

    for (method, uri) in [
        (Method::GET, "/api/v1/users/me"),
        (Method::POST, "/api/v1/auth/logout"),
        (Method::PATCH, admin_uri.as_str()),
    ] {
        let body = Some(json!({"is_admin": true}));
        let (status, json) = call(&s, method.clone(), uri, None, body.clone()).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{uri} without a token");
        assert_eq!(code(&json), ErrorCode::Unauthorized);
        for bad in ["garbage", "a.b.c", &format!("{bob_token}x")] {
            let (status, json) = call(&s, method.clone(), uri, Some(bad), body.clone()).await;
            assert_eq!(status, StatusCode::UNAUTHORIZED, "{uri} with {bad}");
            assert_eq!(code(&json), ErrorCode::InvalidToken);
        }
    }
    let (status, json) = call(
        &s,
        Method::PATCH,
        &admin_uri,
        Some(&bob_token),
        Some(json!({"is_admin": true})),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "a user cannot make anyone admin"
    );
    assert_eq!(code(&json), ErrorCode::Forbidden);
}

#[tokio::test]
async fn approval_registration_waits_for_an_admin() {
    let (_d, s) = state_with(Registration::Approval).await;
    let admin = register_admin(&s).await;
    let reg = register(&s, "new@example.org", "newcomer").await;
    assert!(reg.tokens.is_none(), "no tokens before approval");
    let (status, json) = login(&s, "new@example.org", "correct horse battery").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(code(&json), ErrorCode::AccountPending);
    let (_, json) = login(&s, "new@example.org", "wrong password!").await;
    assert_eq!(
        code(&json),
        ErrorCode::InvalidCredentials,
        "pending is only revealed after the right password"
    );

    let uri = format!("/api/v1/admin/users/{}/approve", reg.user.id);
    let (status, json) = call(&s, Method::POST, &uri, Some(&admin), None).await;
    assert_eq!(status, StatusCode::OK, "{json}");
    assert_eq!(json["status"], "active");
    assert_eq!(
        login(&s, "new@example.org", "correct horse battery")
            .await
            .0,
        StatusCode::OK
    );

    let (_d2, closed) = state_with(Registration::Closed).await;
    let (status, json) = call(
        &closed,
        Method::POST,
        "/api/v1/auth/register",
        None,
        Some(json!({"email": "x@example.org", "password": "long enough pw", "username": "xx1"})),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{json}");
}

/// An administrator created the way an operator does it, signed in; returns the access token.
async fn register_admin(s: &AppState) -> String {
    let hash = s.auth.hash_password("admin password 1").expect("hash");
    let user = cnt_backend::accounts::create_user(
        &s.db,
        cnt_backend::accounts::NewUser {
            email: "admin@example.org",
            username: "admin",
            password_hash: Some(&hash),
            role: cnt_model::api::Role::Admin,
            status: cnt_model::api::AccountStatus::Active,
            google_sub: None,
        },
    )
    .await
    .expect("admin");
    assert_eq!(user.role, cnt_model::api::Role::Admin);
    pair(login(s, "admin@example.org", "admin password 1").await.1).access_token
}

#[tokio::test]
async fn admins_grant_and_revoke_roles_and_it_applies_at_once() {
    let (_d, s) = state().await;
    let admin = register_admin(&s).await;
    let ana = register(&s, "ana@example.org", "ana").await;
    let ana_token = ana.tokens.expect("tokens").access_token;
    let uri = format!("/api/v1/admin/users/{}/admin", ana.user.id);

    let (status, json) = call(
        &s,
        Method::PATCH,
        &uri,
        Some(&admin),
        Some(json!({"is_admin": true})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{json}");
    assert_eq!(json["role"], "admin");
    // Ana's existing token now carries admin rights (roles come from the database, not the token).
    let me_uri = format!("/api/v1/admin/users/{}/admin", ana.user.id);
    let (status, _) = call(
        &s,
        Method::PATCH,
        &me_uri,
        Some(&ana_token),
        Some(json!({"is_admin": true})),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (status, json) = call(
        &s,
        Method::PATCH,
        &me_uri,
        Some(&ana_token),
        Some(json!({"is_admin": false})),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::CONFLICT,
        "no removing your own admin role: {json}"
    );

    let (status, json) = call(
        &s,
        Method::PATCH,
        &uri,
        Some(&admin),
        Some(json!({"is_admin": false})),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(json["role"], "user");
    let (status, _) = call(
        &s,
        Method::PATCH,
        &uri,
        Some(&ana_token),
        Some(json!({"is_admin": true})),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "revoked at once");
}

/// A JSON POST as if from `ip`; returns status, body and the Retry-After header.
async fn post_from(
    state: &AppState,
    ip: [u8; 4],
    uri: &str,
    body: Value,
) -> (StatusCode, Value, Option<u64>) {
    let a = super::send(state, Method::POST, uri, None, Some(body), Some(ip)).await;
    let retry = a
        .headers
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok());
    (a.status, a.json, retry)
}

#[tokio::test]
async fn wrong_passwords_back_off_per_address_without_locking_out_the_owner() {
    let (_d, s) = state().await;
    register(&s, "ana@example.org", "ana").await;
    let attacker = [203, 0, 113, 7];
    let owner = [198, 51, 100, 20];
    let wrong = json!({"email": "ana@example.org", "password": "guess guess"});
    let right = json!({"email": "ana@example.org", "password": "correct horse battery"});
    for i in 0..5 {
        let (status, json, _) = post_from(&s, attacker, "/api/v1/auth/login", wrong.clone()).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "attempt {i}: {json}");
    }
    // Now the attacker's address must wait, even with the right password…
    let (status, json, retry) = post_from(&s, attacker, "/api/v1/auth/login", right.clone()).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{json}");
    assert_eq!(code(&json), ErrorCode::RateLimited);
    assert!(retry.is_some_and(|r| r >= 1), "Retry-After: {retry:?}");
    // …while the owner, elsewhere, signs in normally.
    let (status, json, _) = post_from(&s, owner, "/api/v1/auth/login", right).await;
    assert_eq!(status, StatusCode::OK, "{json}");
}

#[tokio::test]
async fn an_address_flooding_the_auth_endpoints_is_slowed_down() {
    let (_d, s) = state().await;
    let s = s.with_limits(cnt_backend::limits::LimitPolicy {
        per_ip_burst: 5,
        ..Default::default()
    });
    let flood = [192, 0, 2, 1];
    for _ in 0..5 {
        let (status, _, _) = post_from(
            &s,
            flood,
            "/api/v1/auth/check-username",
            json!({"username": "someone"}),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
    }
    let (status, json, retry) = post_from(
        &s,
        flood,
        "/api/v1/auth/refresh",
        json!({"refresh_token": "x"}),
    )
    .await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{json}");
    assert!(retry.is_some());
    let (status, _, _) = post_from(
        &s,
        [192, 0, 2, 2],
        "/api/v1/auth/check-username",
        json!({"username": "someone"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "other addresses are unaffected");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn many_devices_refreshing_at_once_all_succeed() {
    // About the database under concurrent writers, not the per-address budget.
    let (_d, s) = state().await;
    let s = s.with_limits(cnt_backend::limits::LimitPolicy::unlimited_requests());
    register(&s, "ana@example.org", "ana").await;
    let mut devices = Vec::new();
    for _ in 0..4 {
        devices.push(
            pair(
                login(&s, "ana@example.org", "correct horse battery")
                    .await
                    .1,
            )
            .refresh_token,
        );
    }
    let tasks = devices.into_iter().map(|mut token| {
        let s = s.clone();
        tokio::spawn(async move {
            for i in 0..15 {
                let (status, json) = refresh(&s, &token).await;
                assert_eq!(status, StatusCode::OK, "refresh {i}: {json}");
                token = pair(json).refresh_token;
            }
        })
    });
    for t in futures::future::join_all(tasks).await {
        t.expect("device");
    }
}

#[tokio::test]
async fn expired_access_tokens_are_refused_by_every_protected_route() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = cnt_backend::Db::open(&format!(
        "sqlite://{}/cnt.db?mode=rwc",
        dir.path().display()
    ))
    .await
    .expect("db");
    let mut auth = cnt_backend::auth::Auth::new(&[42u8; 32], super::TEST_PASSWORDS).expect("auth");
    auth.access_ttl = -1; // every access token is born expired
    let s = AppState::new(db, auth, Registration::Open);
    let reg = register(&s, "ana@example.org", "ana").await;
    let expired = reg.tokens.expect("tokens").access_token;
    let admin_uri = format!("/api/v1/admin/users/{}/admin", reg.user.id);
    let approve_uri = format!("/api/v1/admin/users/{}/approve", reg.user.id);
    for (method, uri, body) in [
        (Method::GET, "/api/v1/users/me", None),
        (Method::PUT, "/api/v1/users/me", Some(json!({"bio": "x"}))),
        (Method::POST, "/api/v1/auth/logout", None),
        (Method::POST, "/api/v1/auth/logout-all", None),
        (
            Method::POST,
            "/api/v1/auth/change-password",
            Some(json!({"current_password": "a", "new_password": "bbbbbbbbbb"})),
        ),
        (
            Method::PATCH,
            admin_uri.as_str(),
            Some(json!({"is_admin": true})),
        ),
        (Method::POST, approve_uri.as_str(), None),
    ] {
        let (status, json) = call(&s, method, uri, Some(&expired), body).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{uri}: {json}");
        assert_eq!(code(&json), ErrorCode::InvalidToken, "{uri}");
    }
}

#[tokio::test]
async fn maybe_auth_user_accepts_nobody_or_a_valid_token_but_never_a_bad_one() {
    use axum::routing::get;
    use cnt_backend::extract::MaybeAuthUser;
    let (_d, s) = state().await;
    let reg = register(&s, "ana@example.org", "ana").await;
    let token = reg.tokens.expect("tokens").access_token;
    let app = axum::Router::new()
        .route(
            "/who",
            get(|MaybeAuthUser(user): MaybeAuthUser| async move {
                user.map_or("nobody".to_owned(), |u| u.user.username)
            }),
        )
        .with_state(s.clone());
    let ask = |auth: Option<String>| {
        let app = app.clone();
        async move {
            use http_body_util::BodyExt;
            use tower::ServiceExt;
            let mut request = axum::http::Request::builder().uri("/who");
            if let Some(a) = auth {
                request = request.header("authorization", a);
            }
            let response = app
                .oneshot(request.body(axum::body::Body::empty()).expect("request"))
                .await
                .expect("response");
            let status = response.status();
            let body = response
                .into_body()
                .collect()
                .await
                .expect("body")
                .to_bytes();
            (status, String::from_utf8_lossy(&body).into_owned())
        }
    };
    assert_eq!(ask(None).await, (StatusCode::OK, "nobody".to_owned()));
    assert_eq!(
        ask(Some(format!("Bearer {token}"))).await,
        (StatusCode::OK, "ana".to_owned())
    );
    let (status, _) = ask(Some("Bearer garbage".into())).await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "a bad token is an error, not anonymity"
    );
    let (status, _) = ask(Some("Basic abc".into())).await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "another scheme is an error too"
    );
}
