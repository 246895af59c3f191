//! The signed-in account: sign in and out, tokens, "who am I", offline.
//!
//! - The **refresh token** lives only in the [`SecretStore`] (the OS keyring), under
//!   `refresh-token:<server>:<user id>`; never in a file or the library database.
//! - The **access token** lives only in memory. Before a call it is refreshed when it expires within a
//!   minute, and a call answered 401 `invalid_token` is retried once after a refresh.
//! - Refreshes are serialized: two concurrent refreshes with one token would look like token theft to
//!   the server, which would then end the session.
//! - Who is signed in (server, id, email, username, role) is remembered in the library database, so a
//!   remembered account starts offline and shows its local data.

use std::time::{Duration, Instant};

use cnt_model::ErrorCode;
use cnt_model::api::{AccountStatus, CodePurpose, Role, TokenPair, UserProfile};
use cnt_model::ids::UserId;
use serde::{Deserialize, Serialize};

use crate::{Core, CoreEvent, Error, Result};

const ACCOUNT_META: &str = "account";

/// Who is signed in, as remembered on this device.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountSummary {
    /// The server the account lives on.
    pub server: String,
    /// The user's id.
    pub user_id: UserId,
    /// Email.
    pub email: String,
    /// Username.
    pub username: String,
    /// Display name.
    pub display_name: String,
    /// Role.
    pub role: Role,
}

impl AccountSummary {
    fn from_profile(server: &str, p: &UserProfile) -> Self {
        AccountSummary {
            server: server.to_owned(),
            user_id: p.id,
            email: p.email.clone(),
            username: p.username.clone(),
            display_name: p.display_name.clone(),
            role: p.role,
        }
    }

    fn secret_key(&self) -> String {
        format!("refresh-token:{}:{}", self.server, self.user_id)
    }
}

/// What creating an account led to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SignUp {
    /// The account can be used at once, and is signed in.
    SignedIn(AccountSummary),
    /// A code was emailed; [`Core::confirm_email`] with it signs in.
    ConfirmEmail,
    /// An administrator must approve the account first.
    AwaitingApproval,
}

/// The answer of [`Core::whoami`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WhoAmI {
    /// Nobody is signed in on this device.
    SignedOut,
    /// Confirmed by the server just now.
    Online(AccountSummary),
    /// The server cannot be reached; this is the remembered account.
    Offline(AccountSummary),
    /// The account is remembered but its credentials are gone (no keyring across restarts, or the
    /// session ended): the user must sign in again to reach the server. Local data stays.
    NeedsSignIn(AccountSummary),
}

/// An access token held in memory.
#[derive(Debug, Default)]
pub(crate) struct SessionTokens {
    access: Option<(String, Instant)>,
}

impl Core {
    /// The account remembered on this device, if any.
    pub fn account(&self) -> Option<AccountSummary> {
        let library = self.inner.library.lock().unwrap_or_else(|p| p.into_inner());
        library
            .meta(ACCOUNT_META)
            .ok()
            .flatten()
            .and_then(|json| serde_json::from_str(&json).ok())
    }

    fn remember(&self, account: Option<&AccountSummary>) -> Result<()> {
        let library = self.inner.library.lock().unwrap_or_else(|p| p.into_inner());
        match account {
            Some(a) => library.set_meta(
                ACCOUNT_META,
                &serde_json::to_string(a).map_err(|e| Error::Internal(e.to_string()))?,
            )?,
            None => library.delete_meta(ACCOUNT_META)?,
        }
        drop(library);
        let _ = self
            .inner
            .events
            .send(CoreEvent::AccountChanged(account.cloned()));
        if account.is_some() {
            // A fresh sign-in syncs at once.
            self.inner.sync_wake.notify_one();
        }
        Ok(())
    }

    async fn secret(&self, op: SecretOp) -> Result<Option<String>> {
        let store = self.inner.secrets.clone();
        // Keyring calls are D-Bus round trips: never on an async worker.
        tokio::task::spawn_blocking(move || match op {
            SecretOp::Get(key) => store.get(&key),
            SecretOp::Set(key, value) => store.set(&key, &value).map(|()| None),
            SecretOp::Delete(key) => store.delete(&key).map(|()| None),
        })
        .await
        .map_err(|e| Error::Internal(format!("keyring task: {e}")))?
        .map_err(Error::Secrets)
    }

    /// Signs in with email and password; the account is remembered and its refresh token stored.
    ///
    /// # Errors
    /// [`Error::Server`] (wrong password, pending account, rate limited, unreachable) or
    /// [`Error::Secrets`] when the keyring refuses the token.
    pub async fn sign_in(&self, email: &str, password: &str) -> Result<AccountSummary> {
        let pair = self.inner.client.login(email, password).await?;
        self.adopt_pair(pair).await
    }

    /// Creates an account; see [`SignUp`] for what happens next.
    ///
    /// # Errors
    /// [`Error::Server`] (`email_taken`, `username_taken`, `weak_password`, `validation_failed`…).
    pub async fn sign_up(&self, email: &str, password: &str, username: &str) -> Result<SignUp> {
        let created = self
            .inner
            .client
            .register(email, password, username)
            .await?;
        match (created.tokens, created.user.status) {
            (Some(pair), _) => {
                let account = AccountSummary::from_profile(&self.server_url(), &created.user);
                self.store_pair(&account, &pair).await?;
                self.remember(Some(&account))?;
                Ok(SignUp::SignedIn(account))
            }
            (None, AccountStatus::PendingVerification) => Ok(SignUp::ConfirmEmail),
            (None, _) => Ok(SignUp::AwaitingApproval),
        }
    }

    /// Confirms a new account with the code emailed to it, and signs in.
    ///
    /// # Errors
    /// [`Error::Server`] with `invalid_code`.
    pub async fn confirm_email(&self, email: &str, code: &str) -> Result<AccountSummary> {
        let pair = self.inner.client.verify_code(email, code).await?;
        self.adopt_pair(pair).await
    }

    /// Emails a code: a new confirmation code, or one to reset a forgotten password.
    ///
    /// # Errors
    /// [`Error::Server`] (`service_unavailable` when the server cannot send email, `rate_limited`).
    pub async fn request_code(&self, email: &str, reset_password: bool) -> Result<()> {
        let purpose = if reset_password {
            CodePurpose::ResetPassword
        } else {
            CodePurpose::VerifyEmail
        };
        Ok(self.inner.client.send_code(email, purpose).await?)
    }

    /// Sets a new password with an emailed code, then signs in with it.
    ///
    /// # Errors
    /// [`Error::Server`] with `invalid_code` or `weak_password`.
    pub async fn reset_password(
        &self,
        email: &str,
        code: &str,
        new_password: &str,
    ) -> Result<AccountSummary> {
        self.inner
            .client
            .reset_password(email, code, new_password)
            .await?;
        self.sign_in(email, new_password).await
    }

    async fn adopt_pair(&self, pair: TokenPair) -> Result<AccountSummary> {
        let profile = self.inner.client.me(&pair.access_token).await?;
        let account = AccountSummary::from_profile(&self.server_url(), &profile);
        self.store_pair(&account, &pair).await?;
        self.remember(Some(&account))?;
        Ok(account)
    }

    async fn store_pair(&self, account: &AccountSummary, pair: &TokenPair) -> Result<()> {
        // Switching accounts: the previous account's token must not linger in the keyring.
        if let Some(previous) = self.account()
            && previous.secret_key() != account.secret_key()
        {
            self.secret(SecretOp::Delete(previous.secret_key())).await?;
        }
        self.secret(SecretOp::Set(
            account.secret_key(),
            pair.refresh_token.clone(),
        ))
        .await?;
        let expires = Instant::now() + Duration::from_secs(pair.expires_in);
        self.inner.session.lock().await.access = Some((pair.access_token.clone(), expires));
        Ok(())
    }

    /// Signs out: ends the session on the server when it can be reached, and always forgets the
    /// tokens and the account on this device. Returns whether the server confirmed.
    ///
    /// # Errors
    /// [`Error::Secrets`] when the keyring cannot delete the token.
    pub async fn sign_out(&self) -> Result<bool> {
        let Some(account) = self.account() else {
            return Ok(false);
        };
        let confirmed = match self.access_token(&account).await {
            Ok(token) => self.inner.client.logout(&token).await.is_ok(),
            Err(_) => false,
        };
        self.inner.session.lock().await.access = None;
        self.secret(SecretOp::Delete(account.secret_key())).await?;
        self.remember(None)?;
        Ok(confirmed)
    }

    /// Who is signed in, asking the server when it can.
    ///
    /// # Errors
    /// Only for keyring or database failures; offline and ended sessions are answers, not errors.
    pub async fn whoami(&self) -> Result<WhoAmI> {
        let Some(account) = self.account() else {
            return Ok(WhoAmI::SignedOut);
        };
        let result = self
            .authorized(
                &account,
                |client, token| async move { client.me(&token).await },
            )
            .await;
        match result {
            Ok(profile) => {
                let fresh = AccountSummary::from_profile(&account.server, &profile);
                if fresh != account {
                    self.remember(Some(&fresh))?;
                }
                Ok(WhoAmI::Online(fresh))
            }
            Err(Error::Server(e)) if e.is_unreachable() => Ok(WhoAmI::Offline(account)),
            Err(Error::NotSignedIn) => Ok(WhoAmI::NeedsSignIn(account)),
            Err(Error::Server(e)) if e.code() == Some(ErrorCode::InvalidToken) => {
                Ok(WhoAmI::NeedsSignIn(account))
            }
            Err(e) => Err(e),
        }
    }

    /// A valid access token for `account` (for the library's sync and downloads).
    pub(crate) async fn access_token_for(&self, account: &AccountSummary) -> Result<String> {
        self.access_token(account).await
    }

    /// Drops the access token in memory, so that the next call refreshes it.
    pub(crate) async fn forget_access_token(&self) {
        self.inner.session.lock().await.access = None;
    }

    /// A valid access token for `account`: the one in memory if it has a minute left, else a new
    /// one from the stored refresh token (rotating it).
    async fn access_token(&self, account: &AccountSummary) -> Result<String> {
        let mut session = self.inner.session.lock().await;
        if let Some((token, expires)) = &session.access
            && *expires > Instant::now() + Duration::from_secs(60)
        {
            return Ok(token.clone());
        }
        self.refresh_locked(account, &mut session).await
    }

    /// Refreshes while holding the session lock, so that only one refresh uses a given token.
    async fn refresh_locked(
        &self,
        account: &AccountSummary,
        session: &mut SessionTokens,
    ) -> Result<String> {
        let Some(refresh) = self.secret(SecretOp::Get(account.secret_key())).await? else {
            return Err(Error::NotSignedIn);
        };
        match self.inner.client.refresh(&refresh).await {
            Ok(pair) => {
                self.secret(SecretOp::Set(
                    account.secret_key(),
                    pair.refresh_token.clone(),
                ))
                .await?;
                let expires = Instant::now() + Duration::from_secs(pair.expires_in);
                session.access = Some((pair.access_token.clone(), expires));
                Ok(pair.access_token)
            }
            Err(e) if e.code() == Some(ErrorCode::InvalidToken) => {
                // The session ended on the server (signed out elsewhere, expired, revoked): the
                // stored token is useless. The account stays remembered for its local data.
                session.access = None;
                self.secret(SecretOp::Delete(account.secret_key())).await?;
                Err(Error::NotSignedIn)
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Runs `call` with an access token, refreshing once and retrying if it answers 401 invalid_token.
    async fn authorized<T, F, Fut>(&self, account: &AccountSummary, call: F) -> Result<T>
    where
        F: Fn(cnt_sync::ServerClient, String) -> Fut,
        Fut: std::future::Future<Output = cnt_sync::Result<T>>,
    {
        let token = self.access_token(account).await?;
        match call(self.inner.client.clone(), token).await {
            Err(e) if e.code() == Some(ErrorCode::InvalidToken) => {
                let token = {
                    let mut session = self.inner.session.lock().await;
                    session.access = None;
                    self.refresh_locked(account, &mut session).await?
                };
                Ok(call(self.inner.client.clone(), token).await?)
            }
            other => Ok(other?),
        }
    }
}

enum SecretOp {
    Get(String),
    Set(String, String),
    Delete(String),
}
