//! Accounts, sessions and refresh tokens in the database. Portable SQL for SQLite and PostgreSQL.
//!
//! A *session* is one sign-in on one device. Its refresh tokens form a family: each refresh marks the
//! presented token used and adds the next one. Presenting a token that was already used means it was
//! copied: the whole session is revoked at once ([`Rotation::Reused`]), which also ends the access
//! tokens of that session (extractors check the session on every request).

use cnt_model::api::{AccountStatus, PublicProfile, Role, UserProfile};
use cnt_model::ids::UserId;
use sqlx::Row;

use crate::auth::now;
use crate::db::{Db, DbError};

/// A user as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct User {
    /// Id.
    pub id: UserId,
    /// Lower-cased email.
    pub email: String,
    /// Username as typed.
    pub username: String,
    /// Display name.
    pub display_name: String,
    /// Bio.
    pub bio: String,
    /// PHC hash, if the account has a password.
    pub password_hash: Option<String>,
    /// Role.
    pub role: Role,
    /// Status.
    pub status: AccountStatus,
    /// Creation time.
    pub created_at: i64,
}

impl User {
    /// The owner's view.
    pub fn profile(&self) -> UserProfile {
        UserProfile {
            id: self.id,
            email: self.email.clone(),
            username: self.username.clone(),
            display_name: self.display_name.clone(),
            bio: self.bio.clone(),
            role: self.role,
            status: self.status,
            created_at: self.created_at,
        }
    }

    /// Everyone's view.
    pub fn public(&self) -> PublicProfile {
        PublicProfile {
            id: self.id,
            username: self.username.clone(),
            display_name: self.display_name.clone(),
            bio: self.bio.clone(),
            is_creator: self.role >= Role::Creator,
        }
    }
}

/// `SELECT <user columns> FROM users <rest>`, as a literal (sqlx only takes audited, static SQL).
macro_rules! select_users {
    ($rest:literal) => {
        concat!(
            "SELECT id, email, username, display_name, bio, password_hash, role, status, created_at FROM users ",
            $rest
        )
    };
}

fn user_from_row(row: &sqlx::any::AnyRow) -> Result<User, DbError> {
    let id: String = row.try_get("id")?;
    let role: String = row.try_get("role")?;
    let status: String = row.try_get("status")?;
    let bad = |what: &str, value: &str| {
        DbError::Query(sqlx::Error::Decode(
            format!("users.{what} holds {value:?}").into(),
        ))
    };
    Ok(User {
        id: id.parse().map_err(|_| bad("id", &id))?,
        email: row.try_get("email")?,
        username: row.try_get("username")?,
        display_name: row.try_get("display_name")?,
        bio: row.try_get("bio")?,
        password_hash: row.try_get("password_hash")?,
        role: Role::parse(&role).ok_or_else(|| bad("role", &role))?,
        status: AccountStatus::parse(&status).ok_or_else(|| bad("status", &status))?,
        created_at: row.try_get("created_at")?,
    })
}

/// Why an account could not be created.
#[derive(Debug, thiserror::Error)]
pub enum CreateError {
    /// The email has an account.
    #[error("an account with this email already exists")]
    EmailTaken,
    /// The username is taken.
    #[error("this username is taken")]
    UsernameTaken,
    /// The database failed.
    #[error(transparent)]
    Db(#[from] DbError),
}

/// A new account.
#[derive(Clone, Debug)]
pub struct NewUser<'a> {
    /// Email (lower-cased by the caller's validation).
    pub email: &'a str,
    /// Username.
    pub username: &'a str,
    /// PHC hash.
    pub password_hash: Option<&'a str>,
    /// Role.
    pub role: Role,
    /// Status.
    pub status: AccountStatus,
    /// The linked Google account, if the account comes from Google sign-in.
    pub google_sub: Option<&'a str>,
}

/// Creates an account.
///
/// # Errors
/// [`CreateError::EmailTaken`] / [`CreateError::UsernameTaken`], or the database's error.
pub async fn create_user(db: &Db, new: NewUser<'_>) -> Result<User, CreateError> {
    if find_by_email(db, new.email).await?.is_some() {
        return Err(CreateError::EmailTaken);
    }
    if username_taken(db, new.username).await? {
        return Err(CreateError::UsernameTaken);
    }
    let id = UserId::new();
    let t = now();
    let result = sqlx::query(
        "INSERT INTO users (id, email, username, username_key, display_name, password_hash, role, status, created_at, updated_at, google_sub) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $10)",
    )
    .bind(id.to_string())
    .bind(new.email)
    .bind(new.username)
    .bind(new.username.to_lowercase())
    .bind(new.username)
    .bind(new.password_hash)
    .bind(new.role.as_str())
    .bind(new.status.as_str())
    .bind(t)
    .bind(new.google_sub)
    .execute(db.pool())
    .await;
    match result {
        Ok(_) => {}
        // Two registrations racing past the checks above: the unique constraint decides.
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
            return Err(if e.message().contains("email") {
                CreateError::EmailTaken
            } else {
                CreateError::UsernameTaken
            });
        }
        Err(e) => return Err(DbError::Query(e).into()),
    }
    find_by_id(db, id)
        .await?
        .ok_or_else(|| CreateError::Db(DbError::Query(sqlx::Error::RowNotFound)))
}

/// The account with this (lower-cased) email.
///
/// # Errors
/// The database's error.
pub async fn find_by_email(db: &Db, email: &str) -> Result<Option<User>, DbError> {
    let row = sqlx::query(select_users!("WHERE email = $1"))
        .bind(email)
        .fetch_optional(db.pool())
        .await?;
    row.as_ref().map(user_from_row).transpose()
}

/// The account with this id.
///
/// # Errors
/// The database's error.
pub async fn find_by_id(db: &Db, id: UserId) -> Result<Option<User>, DbError> {
    let row = sqlx::query(select_users!("WHERE id = $1"))
        .bind(id.to_string())
        .fetch_optional(db.pool())
        .await?;
    row.as_ref().map(user_from_row).transpose()
}

/// Whether a username (case-insensitively) has an account.
///
/// # Errors
/// The database's error.
pub async fn username_taken(db: &Db, username: &str) -> Result<bool, DbError> {
    let row = sqlx::query("SELECT 1 AS one FROM users WHERE username_key = $1")
        .bind(username.to_lowercase())
        .fetch_optional(db.pool())
        .await?;
    Ok(row.is_some())
}

/// Every account, oldest first.
///
/// # Errors
/// The database's error.
pub async fn list_users(db: &Db) -> Result<Vec<User>, DbError> {
    let rows = sqlx::query(select_users!("ORDER BY created_at, id"))
        .fetch_all(db.pool())
        .await?;
    rows.iter().map(user_from_row).collect()
}

/// Changes display name and/or bio.
///
/// # Errors
/// The database's error.
pub async fn update_profile(
    db: &Db,
    id: UserId,
    display_name: Option<&str>,
    bio: Option<&str>,
) -> Result<(), DbError> {
    sqlx::query(
        "UPDATE users SET display_name = COALESCE($1, display_name), bio = COALESCE($2, bio), updated_at = $3 WHERE id = $4",
    )
    .bind(display_name)
    .bind(bio)
    .bind(now())
    .bind(id.to_string())
    .execute(db.pool())
    .await?;
    Ok(())
}

/// Sets the role.
///
/// # Errors
/// The database's error.
pub async fn set_role(db: &Db, id: UserId, role: Role) -> Result<(), DbError> {
    sqlx::query("UPDATE users SET role = $1, updated_at = $2 WHERE id = $3")
        .bind(role.as_str())
        .bind(now())
        .bind(id.to_string())
        .execute(db.pool())
        .await?;
    Ok(())
}

/// Sets the status.
///
/// # Errors
/// The database's error.
pub async fn set_status(db: &Db, id: UserId, status: AccountStatus) -> Result<(), DbError> {
    sqlx::query("UPDATE users SET status = $1, updated_at = $2 WHERE id = $3")
        .bind(status.as_str())
        .bind(now())
        .bind(id.to_string())
        .execute(db.pool())
        .await?;
    Ok(())
}

/// Replaces the password hash.
///
/// # Errors
/// The database's error.
pub async fn set_password_hash(db: &Db, id: UserId, hash: &str) -> Result<(), DbError> {
    sqlx::query("UPDATE users SET password_hash = $1, updated_at = $2 WHERE id = $3")
        .bind(hash)
        .bind(now())
        .bind(id.to_string())
        .execute(db.pool())
        .await?;
    Ok(())
}

/// Starts a session for `user` lasting `ttl` seconds, with its first refresh token (given as hash).
///
/// # Errors
/// The database's error.
pub async fn create_session(
    db: &Db,
    user: UserId,
    ttl: i64,
    refresh_hash: &str,
) -> Result<String, DbError> {
    let session = uuid_string();
    let t = now();
    let mut tx = db.begin_write().await?;
    sqlx::query(
        "INSERT INTO sessions (id, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(&session)
    .bind(user.to_string())
    .bind(t)
    .bind(t + ttl)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "INSERT INTO refresh_tokens (token_hash, session_id, created_at) VALUES ($1, $2, $3)",
    )
    .bind(refresh_hash)
    .bind(&session)
    .bind(t)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(session)
}

fn uuid_string() -> String {
    UserId::new().to_string()
}

/// What presenting a refresh token led to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Rotation {
    /// Valid: it is now used, and `next_hash` is the session's new token.
    Rotated {
        /// The session.
        session: String,
        /// Its user.
        user: UserId,
    },
    /// Unknown token.
    Unknown,
    /// The session was revoked or has reached its absolute end.
    Ended,
    /// The token had already been used: the session is now revoked.
    Reused,
}

/// How long after its use a refresh token may be presented again while its successor is unused.
pub const LOST_ANSWER_GRACE_SECS: i64 = 600;

/// A used token presented again within [`LOST_ANSWER_GRACE_SECS`] of its use, while the token that
/// replaced it has never been used, is a client that lost the answer (killed, or a dropped
/// connection) and retries. The unused successor is deleted (it can never be used) and `next_hash`
/// replaces it. Anything else is reuse. Returns whether it was a lost answer.
async fn lost_answer(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    presented: &str,
    next_hash: &str,
    t: i64,
) -> Result<bool, DbError> {
    let row = sqlx::query(
        "SELECT r.used_at, r.replaced_by, n.used_at AS next_used FROM refresh_tokens r \
         LEFT JOIN refresh_tokens n ON n.token_hash = r.replaced_by WHERE r.token_hash = $1",
    )
    .bind(presented)
    .fetch_optional(&mut **tx)
    .await?;
    let Some(row) = row else { return Ok(false) };
    let used_at: Option<i64> = row.try_get("used_at")?;
    let replaced_by: Option<String> = row.try_get("replaced_by")?;
    let next_used: Option<i64> = row.try_get("next_used")?;
    let (Some(used_at), Some(successor)) = (used_at, replaced_by) else {
        return Ok(false);
    };
    if next_used.is_some() || t - used_at > LOST_ANSWER_GRACE_SECS {
        return Ok(false);
    }
    let deleted =
        sqlx::query("DELETE FROM refresh_tokens WHERE token_hash = $1 AND used_at IS NULL")
            .bind(successor)
            .execute(&mut **tx)
            .await?
            .rows_affected();
    if deleted != 1 {
        return Ok(false);
    }
    sqlx::query("UPDATE refresh_tokens SET replaced_by = $1 WHERE token_hash = $2")
        .bind(next_hash)
        .bind(presented)
        .execute(&mut **tx)
        .await?;
    tracing::info!(
        "a refresh token was presented again before its successor was used: a lost answer, rotated again"
    );
    Ok(true)
}

/// Uses the refresh token hashed as `presented` and stores `next_hash` as its successor.
///
/// # Errors
/// The database's error.
pub async fn rotate_refresh(
    db: &Db,
    presented: &str,
    next_hash: &str,
) -> Result<Rotation, DbError> {
    let t = now();
    let mut tx = db.begin_write().await?;
    let row = sqlx::query(
        "SELECT r.session_id, r.used_at, s.user_id, s.expires_at, s.revoked_at \
         FROM refresh_tokens r JOIN sessions s ON s.id = r.session_id WHERE r.token_hash = $1",
    )
    .bind(presented)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(row) = row else {
        return Ok(Rotation::Unknown);
    };
    let session: String = row.try_get("session_id")?;
    let used_at: Option<i64> = row.try_get("used_at")?;
    let user: String = row.try_get("user_id")?;
    let expires_at: i64 = row.try_get("expires_at")?;
    let revoked_at: Option<i64> = row.try_get("revoked_at")?;
    if revoked_at.is_some() || expires_at <= t {
        return Ok(Rotation::Ended);
    }
    // Marking it used only if nobody else did closes the race of two concurrent refreshes with the
    // same token: the loser sees zero rows and goes through the lost-answer check below.
    let marked = if used_at.is_none() {
        sqlx::query(
            "UPDATE refresh_tokens SET used_at = $1, replaced_by = $3 WHERE token_hash = $2 AND used_at IS NULL",
        )
        .bind(t)
        .bind(presented)
        .bind(next_hash)
        .execute(&mut *tx)
        .await?
        .rows_affected()
    } else {
        0
    };
    if marked != 1 && !lost_answer(&mut tx, presented, next_hash, t).await? {
        sqlx::query(
            "UPDATE sessions SET revoked_at = $1, revoked_reason = 'refresh_token_reused' WHERE id = $2 AND revoked_at IS NULL",
        )
        .bind(t)
        .bind(&session)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        tracing::warn!(%session, "a used refresh token was presented again: session revoked");
        return Ok(Rotation::Reused);
    }
    sqlx::query(
        "INSERT INTO refresh_tokens (token_hash, session_id, created_at) VALUES ($1, $2, $3)",
    )
    .bind(next_hash)
    .bind(&session)
    .bind(t)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    let user = user
        .parse()
        .map_err(|_| DbError::Query(sqlx::Error::Decode("sessions.user_id".into())))?;
    Ok(Rotation::Rotated { session, user })
}

/// The user of an active (not revoked, not expired) session, if `user` owns it.
///
/// # Errors
/// The database's error.
pub async fn active_session_user(
    db: &Db,
    session: &str,
    user: UserId,
) -> Result<Option<User>, DbError> {
    let row = sqlx::query(select_users!(
        "WHERE id = $2 AND EXISTS (SELECT 1 FROM sessions s WHERE s.id = $1 AND s.user_id = users.id \
         AND s.revoked_at IS NULL AND s.expires_at > $3)"
    ))
    .bind(session)
    .bind(user.to_string())
    .bind(now())
    .fetch_optional(db.pool())
    .await?;
    row.as_ref().map(user_from_row).transpose()
}

/// Revokes one session.
///
/// # Errors
/// The database's error.
pub async fn revoke_session(db: &Db, session: &str, reason: &str) -> Result<(), DbError> {
    sqlx::query("UPDATE sessions SET revoked_at = $1, revoked_reason = $2 WHERE id = $3 AND revoked_at IS NULL")
        .bind(now())
        .bind(reason)
        .bind(session)
        .execute(db.pool())
        .await?;
    Ok(())
}

/// Revokes every session of `user` except `keep`; returns how many ended.
///
/// # Errors
/// The database's error.
pub async fn revoke_all_sessions(
    db: &Db,
    user: UserId,
    keep: Option<&str>,
    reason: &str,
) -> Result<u64, DbError> {
    let done = sqlx::query(
        "UPDATE sessions SET revoked_at = $1, revoked_reason = $2 WHERE user_id = $3 AND revoked_at IS NULL AND id <> $4",
    )
    .bind(now())
    .bind(reason)
    .bind(user.to_string())
    .bind(keep.unwrap_or(""))
    .execute(db.pool())
    .await?;
    Ok(done.rows_affected())
}

/// Stores a new code for (`email`, `purpose`), making any earlier one unusable. Returns `false`
/// without storing when a code was sent less than `min_gap` seconds ago (no mail flooding).
///
/// # Errors
/// The database's error.
pub async fn store_code(
    db: &Db,
    email: &str,
    purpose: &str,
    mac: &str,
    ttl: i64,
    min_gap: i64,
) -> Result<bool, DbError> {
    let t = now();
    let mut tx = db.begin_write().await?;
    let recent = sqlx::query(
        "SELECT 1 AS one FROM email_codes WHERE email = $1 AND purpose = $2 AND created_at > $3",
    )
    .bind(email)
    .bind(purpose)
    .bind(t - min_gap)
    .fetch_optional(&mut *tx)
    .await?;
    if recent.is_some() {
        return Ok(false);
    }
    sqlx::query(
        "UPDATE email_codes SET used_at = $1 WHERE email = $2 AND purpose = $3 AND used_at IS NULL",
    )
    .bind(t)
    .bind(email)
    .bind(purpose)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "INSERT INTO email_codes (id, email, purpose, code_mac, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(uuid_string())
    .bind(email)
    .bind(purpose)
    .bind(mac)
    .bind(t)
    .bind(t + ttl)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(true)
}

/// Checks `mac` against the live code of (`email`, `purpose`) and uses it up when it matches. A wrong
/// entry counts an attempt; after `max_attempts` the code is dead.
///
/// # Errors
/// The database's error.
pub async fn consume_code(
    db: &Db,
    email: &str,
    purpose: &str,
    mac: &str,
    max_attempts: i64,
) -> Result<bool, DbError> {
    let t = now();
    let mut tx = db.begin_write().await?;
    let row = sqlx::query(
        "SELECT id, code_mac, attempts FROM email_codes \
         WHERE email = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > $3 \
         ORDER BY created_at DESC LIMIT 1",
    )
    .bind(email)
    .bind(purpose)
    .bind(t)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(row) = row else {
        return Ok(false);
    };
    let id: String = row.try_get("id")?;
    let stored: String = row.try_get("code_mac")?;
    let attempts: i64 = row.try_get("attempts")?;
    // Both sides are MACs of equal length; comparing them in constant time costs nothing.
    let matches = stored.len() == mac.len()
        && stored
            .bytes()
            .zip(mac.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0;
    if matches && attempts < max_attempts {
        sqlx::query("UPDATE email_codes SET used_at = $1 WHERE id = $2")
            .bind(t)
            .bind(&id)
            .execute(&mut *tx)
            .await?;
    } else {
        let attempts = attempts + 1;
        sqlx::query("UPDATE email_codes SET attempts = $1, used_at = CASE WHEN $1 >= $2 THEN $3 ELSE used_at END WHERE id = $4")
            .bind(attempts)
            .bind(max_attempts)
            .bind(t)
            .bind(&id)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(matches && attempts < max_attempts)
}

/// The account linked to a Google account.
///
/// # Errors
/// The database's error.
pub async fn find_by_google_sub(db: &Db, sub: &str) -> Result<Option<User>, DbError> {
    let row = sqlx::query(select_users!("WHERE google_sub = $1"))
        .bind(sub)
        .fetch_optional(db.pool())
        .await?;
    row.as_ref().map(user_from_row).transpose()
}

/// Links a Google account to a user.
///
/// # Errors
/// The database's error.
pub async fn link_google(db: &Db, id: UserId, sub: &str) -> Result<(), DbError> {
    sqlx::query("UPDATE users SET google_sub = $1, updated_at = $2 WHERE id = $3")
        .bind(sub)
        .bind(now())
        .bind(id.to_string())
        .execute(db.pool())
        .await?;
    Ok(())
}

/// A free username made from an email's local part (`ana.maria@…` → `ana.maria`, `ana.maria2`…).
///
/// # Errors
/// The database's error.
pub async fn free_username_for(db: &Db, email: &str) -> Result<String, DbError> {
    let local = email.split('@').next().unwrap_or_default();
    let mut base: String = local
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '.')
        .take(28)
        .collect();
    base = base.trim_matches('.').to_owned();
    if base.len() < 3 {
        base = format!("user{base}");
    }
    if !username_taken(db, &base).await? {
        return Ok(base);
    }
    for n in 2..10_000 {
        let candidate = format!("{base}{n}");
        if !username_taken(db, &candidate).await? {
            return Ok(candidate);
        }
    }
    Ok(format!(
        "user{}",
        uuid_string().replace('-', "")[..12].to_owned()
    ))
}
