//! Who is calling: [`AuthUser`], [`MaybeAuthUser`], [`AdminUser`].
//!
//! A bearer token is checked for signature, algorithm, issuer, audience and expiry, and then its
//! session is looked up: a revoked session (logout, a reused refresh token) or a disabled account ends
//! access at once, and the role comes from the database, so a change of role applies immediately.

use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use cnt_model::ErrorCode;
use cnt_model::api::{AccountStatus, Role};
use cnt_model::ids::UserId;

use crate::accounts::{self, User};
use crate::{ApiError, AppState};

/// A signed-in user with an active session.
#[derive(Clone, Debug)]
pub struct AuthUser {
    /// The user as stored now.
    pub user: User,
    /// The session the token belongs to.
    pub session: String,
}

impl AuthUser {
    /// The user's id.
    pub fn id(&self) -> UserId {
        self.user.id
    }
}

/// A signed-in user, or nobody. A token that is present but bad is still an error.
#[derive(Clone, Debug)]
pub struct MaybeAuthUser(pub Option<AuthUser>);

/// The client's address (from the connection; unspecified when unknown, as in in-process tests).
#[derive(Clone, Copy, Debug)]
pub struct ClientIp(pub std::net::IpAddr);

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let ip = parts
            .extensions
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .map(|c| c.0.ip())
            .unwrap_or(std::net::IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED));
        Ok(ClientIp(ip))
    }
}

/// A signed-in administrator.
#[derive(Clone, Debug)]
pub struct AdminUser(pub AuthUser);

fn bearer(parts: &Parts) -> Result<Option<&str>, ApiError> {
    let Some(value) = parts.headers.get(AUTHORIZATION) else {
        return Ok(None);
    };
    let text = value
        .to_str()
        .map_err(|_| ApiError::client(ErrorCode::InvalidToken, "malformed Authorization header"))?;
    match text.split_once(' ') {
        Some((scheme, token))
            if scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty() =>
        {
            Ok(Some(token.trim()))
        }
        _ => Err(ApiError::client(
            ErrorCode::InvalidToken,
            "the Authorization header must be `Bearer <access token>`",
        )),
    }
}

async fn authenticate(token: &str, state: &AppState) -> Result<AuthUser, ApiError> {
    let claims = state.auth.verify_access(token).map_err(|e| {
        tracing::debug!("refused token: {e}");
        ApiError::client(
            ErrorCode::InvalidToken,
            "the access token is invalid or has expired",
        )
    })?;
    let user = accounts::active_session_user(&state.db, &claims.sid, claims.sub)
        .await?
        .ok_or_else(|| ApiError::client(ErrorCode::InvalidToken, "this session has ended"))?;
    require_active(user.status)?;
    Ok(AuthUser {
        user,
        session: claims.sid,
    })
}

/// Whether an account may be used now; the error says why not. Shared by sign-in and the extractors.
///
/// # Errors
/// `account_pending`, `email_not_verified` or `account_disabled`.
pub(crate) fn require_active(status: AccountStatus) -> Result<(), ApiError> {
    match status {
        AccountStatus::Active => Ok(()),
        AccountStatus::PendingApproval => Err(ApiError::client(
            ErrorCode::AccountPending,
            "the account is waiting for approval",
        )),
        AccountStatus::PendingVerification => Err(ApiError::client(
            ErrorCode::EmailNotVerified,
            "confirm your email address with the code sent to it",
        )),
        AccountStatus::Disabled => Err(ApiError::client(
            ErrorCode::AccountDisabled,
            "the account is disabled",
        )),
    }
}

impl FromRequestParts<AppState> for AuthUser {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        match bearer(parts)? {
            Some(token) => authenticate(token, state).await,
            None => Err(ApiError::client(
                ErrorCode::Unauthorized,
                "sign in to do this",
            )),
        }
    }
}

impl FromRequestParts<AppState> for MaybeAuthUser {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        match bearer(parts)? {
            Some(token) => Ok(MaybeAuthUser(Some(authenticate(token, state).await?))),
            None => Ok(MaybeAuthUser(None)),
        }
    }
}

impl FromRequestParts<AppState> for AdminUser {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let user = AuthUser::from_request_parts(parts, state).await?;
        if user.user.role == Role::Admin {
            Ok(AdminUser(user))
        } else {
            Err(ApiError::client(
                ErrorCode::Forbidden,
                "only administrators may do this",
            ))
        }
    }
}
