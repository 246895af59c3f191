//! `/api/v1/users/*` and `/api/v1/admin/users/*`.

use axum::Json;
use axum::extract::{Path, State};
use cnt_model::api::{
    AccountStatus, PublicProfile, Role, SetAdminRequest, UpdateProfile, UserProfile,
};
use cnt_model::ids::UserId;
use cnt_model::{ErrorBody, ErrorCode};

use crate::accounts;
use crate::extract::{AdminUser, AuthUser};
use crate::{ApiError, AppState, validate};

fn parse_id(raw: &str) -> Result<UserId, ApiError> {
    raw.parse()
        .map_err(|_| ApiError::not_found("no user has this id"))
}

async fn load(state: &AppState, id: UserId) -> Result<accounts::User, ApiError> {
    accounts::find_by_id(&state.db, id)
        .await?
        .ok_or_else(|| ApiError::not_found("no user has this id"))
}

/// The signed-in user's profile.
#[utoipa::path(get, path = "/api/v1/users/me", tag = "users", security(("bearer" = [])),
    responses((status = 200, description = "The profile", body = UserProfile), (status = 401, description = "not signed in", body = ErrorBody)))]
pub async fn me(me: AuthUser) -> Json<UserProfile> {
    Json(me.user.profile())
}

/// Change the signed-in user's display name or bio.
#[utoipa::path(put, path = "/api/v1/users/me", tag = "users", security(("bearer" = [])), request_body = UpdateProfile,
    responses((status = 200, description = "The updated profile", body = UserProfile), (status = 422, description = "too long", body = ErrorBody)))]
pub async fn update_me(
    State(state): State<AppState>,
    me: AuthUser,
    Json(body): Json<UpdateProfile>,
) -> Result<Json<UserProfile>, ApiError> {
    let display_name = body
        .display_name
        .as_deref()
        .map(|v| validate::text("display_name", v, 80))
        .transpose()?;
    let bio = body
        .bio
        .as_deref()
        .map(|v| validate::text("bio", v, 500))
        .transpose()?;
    accounts::update_profile(&state.db, me.id(), display_name.as_deref(), bio.as_deref()).await?;
    Ok(Json(load(&state, me.id()).await?.profile()))
}

/// Anyone's public profile.
#[utoipa::path(get, path = "/api/v1/users/{id}/public", tag = "users",
    params(("id" = String, Path, description = "User id")),
    responses((status = 200, description = "The public profile", body = PublicProfile), (status = 404, description = "no such user", body = ErrorBody)))]
pub async fn public(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<PublicProfile>, ApiError> {
    let user = load(&state, parse_id(&id)?).await?;
    if user.status != AccountStatus::Active {
        return Err(ApiError::not_found("no user has this id"));
    }
    Ok(Json(user.public()))
}

/// Make a user an administrator, or take it away.
#[utoipa::path(patch, path = "/api/v1/admin/users/{id}/admin", tag = "admin", security(("bearer" = [])),
    params(("id" = String, Path, description = "User id")), request_body = SetAdminRequest,
    responses(
        (status = 200, description = "The updated user", body = UserProfile),
        (status = 403, description = "not an administrator", body = ErrorBody),
        (status = 409, description = "an administrator cannot remove their own role", body = ErrorBody),
    ))]
pub async fn set_admin(
    State(state): State<AppState>,
    AdminUser(admin): AdminUser,
    Path(id): Path<String>,
    Json(body): Json<SetAdminRequest>,
) -> Result<Json<UserProfile>, ApiError> {
    let id = parse_id(&id)?;
    if id == admin.id() && !body.is_admin {
        return Err(ApiError::client(
            ErrorCode::Conflict,
            "you cannot remove your own administrator role; ask another administrator",
        ));
    }
    let user = load(&state, id).await?;
    let role = if body.is_admin {
        Role::Admin
    } else if user.role == Role::Admin {
        Role::User
    } else {
        user.role
    };
    accounts::set_role(&state.db, id, role).await?;
    tracing::info!(admin = %admin.id(), user = %id, role = role.as_str(), "role changed");
    Ok(Json(load(&state, id).await?.profile()))
}

/// Approve an account that waits for approval.
#[utoipa::path(post, path = "/api/v1/admin/users/{id}/approve", tag = "admin", security(("bearer" = [])),
    params(("id" = String, Path, description = "User id")),
    responses((status = 200, description = "The approved user", body = UserProfile), (status = 403, description = "not an administrator", body = ErrorBody)))]
pub async fn approve(
    State(state): State<AppState>,
    AdminUser(admin): AdminUser,
    Path(id): Path<String>,
) -> Result<Json<UserProfile>, ApiError> {
    let id = parse_id(&id)?;
    let user = load(&state, id).await?;
    if user.status == AccountStatus::PendingApproval {
        accounts::set_status(&state.db, id, AccountStatus::Active).await?;
        tracing::info!(admin = %admin.id(), user = %id, "account approved");
    }
    Ok(Json(load(&state, id).await?.profile()))
}
