//! Request and response bodies of the HTTP API (`/api/v1`).

use serde::{Deserialize, Serialize};

/// Answer of `GET /health`: the server is up and its database answers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Health {
    /// Always `"ok"` in a 200 answer.
    pub status: String,
    /// The server's version (`CARGO_PKG_VERSION` of cnt-backend).
    pub version: String,
    /// Which database backs the server: `"sqlite"` or `"postgres"`.
    pub database: String,
}

/// What an account may do. Ordered: each role can do what the ones before it can.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// A listener.
    User,
    /// May upload and publish content.
    Creator,
    /// May moderate and manage users.
    Admin,
}

impl Role {
    /// The snake_case form stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::User => "user",
            Role::Creator => "creator",
            Role::Admin => "admin",
        }
    }

    /// The role stored as `s`.
    pub fn parse(s: &str) -> Option<Role> {
        [Role::User, Role::Creator, Role::Admin]
            .into_iter()
            .find(|r| r.as_str() == s)
    }
}

/// Whether an account can sign in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AccountStatus {
    /// Signs in normally.
    Active,
    /// Waits for an administrator to approve it.
    PendingApproval,
    /// Waits for its owner to enter the code emailed to them.
    PendingVerification,
    /// Disabled by an administrator.
    Disabled,
}

impl AccountStatus {
    /// The snake_case form stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            AccountStatus::Active => "active",
            AccountStatus::PendingApproval => "pending_approval",
            AccountStatus::PendingVerification => "pending_verification",
            AccountStatus::Disabled => "disabled",
        }
    }

    /// The status stored as `s`.
    pub fn parse(s: &str) -> Option<AccountStatus> {
        [
            AccountStatus::Active,
            AccountStatus::PendingApproval,
            AccountStatus::PendingVerification,
            AccountStatus::Disabled,
        ]
        .into_iter()
        .find(|r| r.as_str() == s)
    }
}

/// `POST /api/v1/auth/register`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RegisterRequest {
    /// Email address (case-insensitive).
    pub email: String,
    /// Password, 8 to 1024 characters; any characters, no composition rules.
    pub password: String,
    /// Username: 3–32 characters of a–z, 0–9, `_` and `.` (case-insensitive).
    pub username: String,
}

/// Answer of `POST /api/v1/auth/register`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RegisterResponse {
    /// The new account.
    pub user: UserProfile,
    /// Tokens when the account can sign in at once; `None` while it waits for approval.
    pub tokens: Option<TokenPair>,
}

/// `POST /api/v1/auth/check-username`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CheckUsernameRequest {
    /// The wanted username.
    pub username: String,
}

/// Answer of `POST /api/v1/auth/check-username`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CheckUsernameResponse {
    /// Whether it is free and valid.
    pub available: bool,
    /// Why not, when it is not (`"taken"`, `"invalid"`).
    pub reason: Option<String>,
}

/// `POST /api/v1/auth/login`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoginRequest {
    /// Email address.
    pub email: String,
    /// Password.
    pub password: String,
}

/// `POST /api/v1/auth/refresh` and `POST /api/v1/auth/logout`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RefreshRequest {
    /// The refresh token from the last login or refresh.
    pub refresh_token: String,
}

/// A fresh pair of tokens.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TokenPair {
    /// JWT for `Authorization: Bearer …`, valid for `expires_in` seconds.
    pub access_token: String,
    /// Opaque token to get the next pair; single use.
    pub refresh_token: String,
    /// Always `"bearer"`.
    pub token_type: String,
    /// Seconds until the access token expires.
    pub expires_in: u64,
}

/// The signed-in user's own profile (`GET /api/v1/users/me`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UserProfile {
    /// Id.
    pub id: crate::ids::UserId,
    /// Email address.
    pub email: String,
    /// Username.
    pub username: String,
    /// Name shown to others.
    pub display_name: String,
    /// A few words about them.
    pub bio: String,
    /// What they may do.
    pub role: Role,
    /// Whether they can sign in.
    pub status: AccountStatus,
    /// Creation time, seconds since the Unix epoch.
    pub created_at: i64,
}

/// What anyone may see of a user (`GET /api/v1/users/{id}/public`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublicProfile {
    /// Id.
    pub id: crate::ids::UserId,
    /// Username.
    pub username: String,
    /// Name shown to others.
    pub display_name: String,
    /// A few words about them.
    pub bio: String,
    /// Whether they publish content.
    pub is_creator: bool,
}

/// `PUT /api/v1/users/me`: fields to change; absent fields stay as they are.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UpdateProfile {
    /// New display name (at most 80 characters).
    pub display_name: Option<String>,
    /// New bio (at most 500 characters).
    pub bio: Option<String>,
}

/// `PATCH /api/v1/admin/users/{id}/admin`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SetAdminRequest {
    /// Whether the user becomes (true) or stops being (false) an administrator.
    pub is_admin: bool,
}

/// What an emailed code is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CodePurpose {
    /// Proving that a new account's email address is its owner's.
    VerifyEmail,
    /// Setting a new password after forgetting the old one.
    ResetPassword,
}

impl CodePurpose {
    /// The snake_case form stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            CodePurpose::VerifyEmail => "verify_email",
            CodePurpose::ResetPassword => "reset_password",
        }
    }
}

/// `POST /api/v1/auth/send-otp`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SendCodeRequest {
    /// The account's email.
    pub email: String,
    /// What the code is for.
    pub purpose: CodePurpose,
}

/// `POST /api/v1/auth/verify-otp`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VerifyCodeRequest {
    /// The account's email.
    pub email: String,
    /// The 6-digit code from the email.
    pub code: String,
}

/// `POST /api/v1/auth/reset-password`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ResetPasswordRequest {
    /// The account's email.
    pub email: String,
    /// The 6-digit code from the email.
    pub code: String,
    /// The new password.
    pub new_password: String,
}

/// `POST /api/v1/auth/google-login`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GoogleLoginRequest {
    /// The ID token from Google Sign-In.
    pub id_token: String,
}
