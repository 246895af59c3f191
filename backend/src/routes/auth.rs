//! `/api/v1/auth/*`: register, sign in, refresh, sign out.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use cnt_model::api::{
    AccountStatus, CheckUsernameRequest, CheckUsernameResponse, CodePurpose, LoginRequest,
    RefreshRequest, RegisterRequest, RegisterResponse, ResetPasswordRequest, Role, SendCodeRequest,
    TokenPair, VerifyCodeRequest,
};
use cnt_model::{ErrorBody, ErrorCode};
use serde::{Deserialize, Serialize};

use crate::accounts::{self, CreateError, NewUser, Rotation};
use crate::extract::{AuthUser, ClientIp};
use crate::{ApiError, AppState, Registration, validate};

/// Hashing and verifying passwords is CPU- and memory-bound on purpose: run it off the async workers,
/// at most one per core at a time (the others queue).
async fn blocking<T: Send + 'static>(
    state: &AppState,
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<T, ApiError> {
    let _permit = state
        .auth
        .hashing
        .acquire()
        .await
        .map_err(|e| ApiError::Internal(format!("hashing queue: {e}")))?;
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| ApiError::Internal(format!("blocking task: {e}")))
}

/// One request from `ip` against the per-address budget of the auth endpoints.
fn spend(state: &AppState, ip: ClientIp) -> Result<(), ApiError> {
    state
        .limits
        .take_request(ip.0, std::time::Instant::now())
        .map_err(ApiError::RateLimited)
}

async fn issue_pair(state: &AppState, user: cnt_model::ids::UserId) -> Result<TokenPair, ApiError> {
    let (refresh, refresh_hash) = state.auth.new_refresh_token()?;
    let session =
        accounts::create_session(&state.db, user, state.auth.session_ttl, &refresh_hash).await?;
    let (access, expires_in) = state.auth.issue_access(user, &session)?;
    Ok(TokenPair {
        access_token: access,
        refresh_token: refresh,
        token_type: "bearer".into(),
        expires_in,
    })
}

/// Create an account.
#[utoipa::path(post, path = "/api/v1/auth/register", tag = "auth", request_body = RegisterRequest,
    responses(
        (status = 201, description = "Created; tokens unless the account waits for approval", body = RegisterResponse),
        (status = 409, description = "email_taken or username_taken", body = ErrorBody),
        (status = 422, description = "validation_failed or weak_password", body = ErrorBody),
        (status = 403, description = "registration is closed", body = ErrorBody),
    ))]
pub async fn register(
    State(state): State<AppState>,
    ip: ClientIp,
    Json(body): Json<RegisterRequest>,
) -> Result<(StatusCode, Json<RegisterResponse>), ApiError> {
    spend(&state, ip)?;
    if state.registration == Registration::Closed {
        return Err(ApiError::client(
            ErrorCode::Forbidden,
            "this server does not accept new accounts; ask its administrator",
        ));
    }
    let email = validate::email(&body.email)?;
    let username = validate::username(&body.username)?;
    validate::password(&body.password)?;
    let auth = state.auth.clone();
    let password = body.password;
    let hash = blocking(&state, move || auth.hash_password(&password)).await??;
    let status = match state.registration {
        Registration::Open => AccountStatus::Active,
        Registration::VerifyEmail => AccountStatus::PendingVerification,
        Registration::Approval | Registration::Closed => AccountStatus::PendingApproval,
    };
    let user = accounts::create_user(
        &state.db,
        NewUser {
            email: &email,
            username: &username,
            password_hash: Some(&hash),
            role: Role::User,
            status,
            google_sub: None,
        },
    )
    .await
    .map_err(|e| match e {
        CreateError::EmailTaken => ApiError::client(
            ErrorCode::EmailTaken,
            "an account with this email already exists",
        ),
        CreateError::UsernameTaken => {
            ApiError::client(ErrorCode::UsernameTaken, "this username is taken")
        }
        CreateError::Db(e) => ApiError::Database(e),
    })?;
    let tokens = match user.status {
        AccountStatus::Active => Some(issue_pair(&state, user.id).await?),
        AccountStatus::PendingVerification => {
            // The account exists either way; if the email fails, the user asks for a new code.
            if let Err(e) = send_code(&state, &user.email, CodePurpose::VerifyEmail).await {
                tracing::error!(user = %user.id, "could not send the confirmation code: {e}");
            }
            None
        }
        _ => None,
    };
    tracing::info!(user = %user.id, status = user.status.as_str(), "account registered");
    Ok((
        StatusCode::CREATED,
        Json(RegisterResponse {
            user: user.profile(),
            tokens,
        }),
    ))
}

/// Is a username valid and free?
#[utoipa::path(post, path = "/api/v1/auth/check-username", tag = "auth", request_body = CheckUsernameRequest,
    responses((status = 200, description = "Whether it can be used", body = CheckUsernameResponse)))]
pub async fn check_username(
    State(state): State<AppState>,
    ip: ClientIp,
    Json(body): Json<CheckUsernameRequest>,
) -> Result<Json<CheckUsernameResponse>, ApiError> {
    spend(&state, ip)?;
    let Ok(name) = validate::username(&body.username) else {
        return Ok(Json(CheckUsernameResponse {
            available: false,
            reason: Some("invalid".into()),
        }));
    };
    let taken = accounts::username_taken(&state.db, &name).await?;
    Ok(Json(CheckUsernameResponse {
        available: !taken,
        reason: taken.then(|| "taken".into()),
    }))
}

/// Sign in with email and password.
///
/// Unknown email and wrong password give the same answer in the same time (a password is verified
/// against a dummy hash), so the answer does not tell whether an account exists.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth", request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in", body = TokenPair),
        (status = 401, description = "invalid_credentials", body = ErrorBody),
        (status = 403, description = "account_pending or account_disabled (only after a correct password)", body = ErrorBody),
        (status = 429, description = "rate_limited: wait Retry-After seconds", body = ErrorBody),
    ))]
pub async fn login(
    State(state): State<AppState>,
    ip: ClientIp,
    Json(body): Json<LoginRequest>,
) -> Result<Json<TokenPair>, ApiError> {
    spend(&state, ip)?;
    let email = body.email.trim().to_lowercase();
    let now = std::time::Instant::now();
    state
        .limits
        .may_try_login(&email, ip.0, now)
        .map_err(ApiError::RateLimited)?;
    let user = accounts::find_by_email(&state.db, &email).await?;
    let auth = state.auth.clone();
    let hash = user.as_ref().and_then(|u| u.password_hash.clone());
    let password = body.password;
    let ok = blocking(&state, move || {
        auth.verify_password(&password, hash.as_deref())
    })
    .await?;
    let user = match (ok, user) {
        (true, Some(user)) => user,
        _ => {
            state.limits.login_failed(&email, ip.0, now);
            return Err(ApiError::client(
                ErrorCode::InvalidCredentials,
                "wrong email or password",
            ));
        }
    };
    state.limits.login_succeeded(&email, ip.0);
    crate::extract::require_active(user.status)?;
    Ok(Json(issue_pair(&state, user.id).await?))
}

/// Trade a refresh token for a new pair. Each refresh token works once; presenting a used one
/// revokes its whole session.
#[utoipa::path(post, path = "/api/v1/auth/refresh", tag = "auth", request_body = RefreshRequest,
    responses(
        (status = 200, description = "A new pair", body = TokenPair),
        (status = 401, description = "invalid_token: unknown, used, revoked or expired", body = ErrorBody),
    ))]
pub async fn refresh(
    State(state): State<AppState>,
    ip: ClientIp,
    Json(body): Json<RefreshRequest>,
) -> Result<Json<TokenPair>, ApiError> {
    spend(&state, ip)?;
    let presented = crate::auth::hash_refresh_token(body.refresh_token.trim());
    let (next, next_hash) = state.auth.new_refresh_token()?;
    match accounts::rotate_refresh(&state.db, &presented, &next_hash).await? {
        Rotation::Rotated { session, user } => {
            let account = accounts::find_by_id(&state.db, user)
                .await?
                .ok_or_else(|| {
                    ApiError::client(ErrorCode::InvalidToken, "the account no longer exists")
                })?;
            if account.status != AccountStatus::Active {
                accounts::revoke_session(&state.db, &session, "account_not_active").await?;
                return Err(ApiError::client(
                    ErrorCode::InvalidToken,
                    "the account cannot sign in",
                ));
            }
            let (access, expires_in) = state.auth.issue_access(user, &session)?;
            Ok(Json(TokenPair {
                access_token: access,
                refresh_token: next,
                token_type: "bearer".into(),
                expires_in,
            }))
        }
        Rotation::Reused => Err(ApiError::client(
            ErrorCode::InvalidToken,
            "this refresh token was already used; the session has been ended for safety",
        )),
        Rotation::Ended => Err(ApiError::client(
            ErrorCode::InvalidToken,
            "this session has ended",
        )),
        Rotation::Unknown => Err(ApiError::client(
            ErrorCode::InvalidToken,
            "unknown refresh token",
        )),
    }
}

/// Sign out this session (its refresh and access tokens stop working).
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth", security(("bearer" = [])),
    responses((status = 204, description = "Signed out"), (status = 401, description = "not signed in", body = ErrorBody)))]
pub async fn logout(State(state): State<AppState>, me: AuthUser) -> Result<StatusCode, ApiError> {
    accounts::revoke_session(&state.db, &me.session, "logout").await?;
    Ok(StatusCode::NO_CONTENT)
}

/// How many sessions were ended.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct LogoutAllResponse {
    /// Sessions ended, this one included.
    pub sessions_ended: u64,
}

/// Sign out everywhere: every session of this account.
#[utoipa::path(post, path = "/api/v1/auth/logout-all", tag = "auth", security(("bearer" = [])),
    responses((status = 200, description = "Signed out everywhere", body = LogoutAllResponse)))]
pub async fn logout_all(
    State(state): State<AppState>,
    me: AuthUser,
) -> Result<Json<LogoutAllResponse>, ApiError> {
    let n = accounts::revoke_all_sessions(&state.db, me.id(), None, "logout_all").await?;
    Ok(Json(LogoutAllResponse { sessions_ended: n }))
}

/// `POST /api/v1/auth/change-password`.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ChangePasswordRequest {
    /// The password in use now.
    pub current_password: String,
    /// The new one.
    pub new_password: String,
}

/// Change the password; every other session is signed out.
#[utoipa::path(post, path = "/api/v1/auth/change-password", tag = "auth", security(("bearer" = [])),
    request_body = ChangePasswordRequest,
    responses(
        (status = 204, description = "Changed"),
        (status = 401, description = "invalid_credentials: the current password is wrong", body = ErrorBody),
        (status = 422, description = "weak_password", body = ErrorBody),
    ))]
pub async fn change_password(
    State(state): State<AppState>,
    me: AuthUser,
    Json(body): Json<ChangePasswordRequest>,
) -> Result<StatusCode, ApiError> {
    validate::password(&body.new_password)?;
    let auth = state.auth.clone();
    let current = me.user.password_hash.clone();
    let (ok, new_hash) = blocking(&state, move || {
        let ok = auth.verify_password(&body.current_password, current.as_deref());
        let hash = ok.then(|| auth.hash_password(&body.new_password));
        (ok, hash)
    })
    .await?;
    let Some(new_hash) = new_hash.filter(|_| ok) else {
        return Err(ApiError::client(
            ErrorCode::InvalidCredentials,
            "the current password is wrong",
        ));
    };
    accounts::set_password_hash(&state.db, me.id(), &new_hash?).await?;
    accounts::revoke_all_sessions(&state.db, me.id(), Some(&me.session), "password_changed")
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// At most one code per address and purpose per minute, whoever asks.
const CODE_MIN_GAP_SECONDS: i64 = 60;

/// Makes, stores and emails a code. Returns without sending when one went out less than a minute ago.
async fn send_code(state: &AppState, email: &str, purpose: CodePurpose) -> Result<(), ApiError> {
    let Some(mailer) = &state.mailer else {
        return Err(ApiError::client(
            ErrorCode::ServiceUnavailable,
            "this server cannot send email; ask its administrator",
        ));
    };
    let code = state.auth.new_code()?;
    let mac = state.auth.code_mac(purpose.as_str(), email, &code)?;
    let stored = accounts::store_code(
        &state.db,
        email,
        purpose.as_str(),
        &mac,
        state.auth.code_ttl,
        CODE_MIN_GAP_SECONDS,
    )
    .await?;
    if stored {
        mailer
            .send_code(email, purpose, &code, state.auth.code_ttl / 60)
            .await
            .map_err(|e| ApiError::Internal(e.to_string()))?;
    }
    Ok(())
}

/// Email a one-time code: to confirm a new account's address, or to reset a password.
///
/// Always answers 202 for a well-formed request, whether or not the address has an account, so the
/// answer does not tell who is registered.
#[utoipa::path(post, path = "/api/v1/auth/send-otp", tag = "auth", request_body = SendCodeRequest,
    responses(
        (status = 202, description = "If the address can receive a code, one is on its way"),
        (status = 429, description = "rate_limited", body = ErrorBody),
        (status = 503, description = "service_unavailable: the server has no email", body = ErrorBody),
    ))]
pub async fn send_otp(
    State(state): State<AppState>,
    ip: ClientIp,
    Json(body): Json<SendCodeRequest>,
) -> Result<StatusCode, ApiError> {
    spend(&state, ip)?;
    let email = validate::email(&body.email)?;
    if state.mailer.is_none() {
        return Err(ApiError::client(
            ErrorCode::ServiceUnavailable,
            "this server cannot send email; ask its administrator",
        ));
    }
    let eligible = match (
        accounts::find_by_email(&state.db, &email).await?,
        body.purpose,
    ) {
        (Some(u), CodePurpose::VerifyEmail) => u.status == AccountStatus::PendingVerification,
        (Some(u), CodePurpose::ResetPassword) => u.status != AccountStatus::Disabled,
        (None, _) => false,
    };
    if eligible && let Err(e) = send_code(&state, &email, body.purpose).await {
        // Logged, not answered: a different answer would reveal that the account exists.
        tracing::error!("could not send a code: {e}");
    }
    Ok(StatusCode::ACCEPTED)
}

/// Uses up the emailed code of (`email`, `purpose`) and returns its account.
///
/// # Errors
/// `invalid_code` when the code is wrong, expired, superseded or used up.
async fn redeem_code(
    state: &AppState,
    email: &str,
    purpose: CodePurpose,
    code: &str,
) -> Result<accounts::User, ApiError> {
    let invalid = || ApiError::client(ErrorCode::InvalidCode, "the code is wrong or has expired");
    let email = email.trim().to_lowercase();
    let purpose = purpose.as_str();
    let mac = state.auth.code_mac(purpose, &email, code.trim())?;
    if !accounts::consume_code(&state.db, &email, purpose, &mac, state.auth.code_attempts).await? {
        return Err(invalid());
    }
    accounts::find_by_email(&state.db, &email)
        .await?
        .ok_or_else(invalid)
}

/// Confirm a new account's email address with the emailed code; signs in.
#[utoipa::path(post, path = "/api/v1/auth/verify-otp", tag = "auth", request_body = VerifyCodeRequest,
    responses(
        (status = 200, description = "Confirmed and signed in", body = TokenPair),
        (status = 422, description = "invalid_code: wrong, expired or used up", body = ErrorBody),
    ))]
pub async fn verify_otp(
    State(state): State<AppState>,
    ip: ClientIp,
    Json(body): Json<VerifyCodeRequest>,
) -> Result<Json<TokenPair>, ApiError> {
    spend(&state, ip)?;
    let user = redeem_code(&state, &body.email, CodePurpose::VerifyEmail, &body.code).await?;
    if user.status == AccountStatus::PendingVerification {
        accounts::set_status(&state.db, user.id, AccountStatus::Active).await?;
    }
    tracing::info!(user = %user.id, "email verified");
    Ok(Json(issue_pair(&state, user.id).await?))
}

/// Set a new password with an emailed code; every session of the account ends.
#[utoipa::path(post, path = "/api/v1/auth/reset-password", tag = "auth", request_body = ResetPasswordRequest,
    responses(
        (status = 204, description = "The password was changed"),
        (status = 422, description = "invalid_code or weak_password", body = ErrorBody),
    ))]
pub async fn reset_password(
    State(state): State<AppState>,
    ip: ClientIp,
    Json(body): Json<ResetPasswordRequest>,
) -> Result<StatusCode, ApiError> {
    spend(&state, ip)?;
    validate::password(&body.new_password)?;
    let user = redeem_code(&state, &body.email, CodePurpose::ResetPassword, &body.code).await?;
    let auth = state.auth.clone();
    let password = body.new_password;
    let hash = blocking(&state, move || auth.hash_password(&password)).await??;
    accounts::set_password_hash(&state.db, user.id, &hash).await?;
    accounts::revoke_all_sessions(&state.db, user.id, None, "password_reset").await?;
    // Whoever could read the mailbox can now sign in; having the code also proves the address.
    if user.status == AccountStatus::PendingVerification {
        accounts::set_status(&state.db, user.id, AccountStatus::Active).await?;
    }
    tracing::info!(user = %user.id, "password reset by emailed code");
    Ok(StatusCode::NO_CONTENT)
}

/// Sign in with a Google ID token. An account already linked to the Google account, or (when Google
/// verified the address) the account with that email, is used; otherwise one is created under the
/// server's registration policy. Answers like registration: tokens, or none while approval is pending.
#[utoipa::path(post, path = "/api/v1/auth/google-login", tag = "auth", request_body = cnt_model::api::GoogleLoginRequest,
    responses(
        (status = 200, description = "Signed in (or created and waiting for approval)", body = RegisterResponse),
        (status = 401, description = "invalid_token: the Google token is not valid for this server", body = ErrorBody),
        (status = 503, description = "service_unavailable: Google sign-in is not configured", body = ErrorBody),
    ))]
pub async fn google_login(
    State(state): State<AppState>,
    ip: ClientIp,
    Json(body): Json<cnt_model::api::GoogleLoginRequest>,
) -> Result<Json<RegisterResponse>, ApiError> {
    spend(&state, ip)?;
    let Some(google) = state.google.clone() else {
        return Err(ApiError::client(
            ErrorCode::ServiceUnavailable,
            "this server does not offer Google sign-in",
        ));
    };
    let identity = google
        .verify(body.id_token.trim())
        .await
        .map_err(|e| match e {
            crate::google::GoogleError::Invalid(why) => {
                tracing::info!("refused a Google token: {why}");
                ApiError::client(
                    ErrorCode::InvalidToken,
                    "the Google sign-in could not be verified",
                )
            }
            keys @ crate::google::GoogleError::Keys { .. } => {
                tracing::error!("{keys}");
                ApiError::client(
                    ErrorCode::ServiceUnavailable,
                    "Google could not be reached; try again",
                )
            }
        })?;
    let email = identity.email.trim().to_lowercase();
    let user = match accounts::find_by_google_sub(&state.db, &identity.sub).await? {
        Some(user) => user,
        None => match accounts::find_by_email(&state.db, &email).await? {
            Some(user) => {
                // Google vouches for the address: the account with it is this person's.
                accounts::link_google(&state.db, user.id, &identity.sub).await?;
                if user.status == AccountStatus::PendingVerification {
                    accounts::set_status(&state.db, user.id, AccountStatus::Active).await?;
                }
                accounts::find_by_id(&state.db, user.id)
                    .await?
                    .ok_or_else(|| ApiError::Internal("linked user vanished".into()))?
            }
            None => {
                let status = match state.registration {
                    Registration::Closed => {
                        return Err(ApiError::client(
                            ErrorCode::Forbidden,
                            "this server does not accept new accounts; ask its administrator",
                        ));
                    }
                    Registration::Approval => AccountStatus::PendingApproval,
                    // Google has verified the address: nothing left to confirm.
                    Registration::Open | Registration::VerifyEmail => AccountStatus::Active,
                };
                let username = accounts::free_username_for(&state.db, &email).await?;
                let user = accounts::create_user(
                    &state.db,
                    NewUser {
                        email: &email,
                        username: &username,
                        password_hash: None,
                        role: Role::User,
                        status,
                        google_sub: Some(&identity.sub),
                    },
                )
                .await
                .map_err(|e| match e {
                    CreateError::Db(e) => ApiError::Database(e),
                    other => ApiError::Internal(other.to_string()),
                })?;
                if let Some(name) = identity.name.as_deref() {
                    let name = validate::text("display_name", name, 80).unwrap_or_default();
                    accounts::update_profile(&state.db, user.id, Some(&name), None).await?;
                }
                tracing::info!(user = %user.id, "account created by Google sign-in");
                accounts::find_by_id(&state.db, user.id)
                    .await?
                    .ok_or_else(|| ApiError::Internal("new user vanished".into()))?
            }
        },
    };
    let tokens = match user.status {
        AccountStatus::Active => Some(issue_pair(&state, user.id).await?),
        AccountStatus::Disabled => {
            return Err(ApiError::client(
                ErrorCode::AccountDisabled,
                "the account is disabled",
            ));
        }
        _ => None,
    };
    Ok(Json(RegisterResponse {
        user: user.profile(),
        tokens,
    }))
}
