//! The HTTP client of the API.

use std::time::Duration;

use cnt_model::api::{
    CodePurpose, Health, LoginRequest, RefreshRequest, RegisterRequest, RegisterResponse,
    ResetPasswordRequest, SendCodeRequest, TokenPair, UserProfile, VerifyCodeRequest,
};
use cnt_model::sync::{CatalogItem, ChangesPage, MediaRef, Mutation, PushRequest, PushResponse};
use cnt_model::{ErrorBody, ErrorCode};
use url::Url;

/// Errors of talking to the server.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The address is not a usable `http(s)://` URL.
    #[error("{url:?} is not a valid server address (expected http://HOST:PORT or https://HOST)")]
    InvalidUrl {
        /// What was given.
        url: String,
    },
    /// The server could not be reached (no network, refused, timed out, TLS failure).
    #[error("cannot reach {url}: {reason}")]
    Unreachable {
        /// The address tried.
        url: String,
        /// The innermost cause, e.g. "Connection refused (os error 111)".
        reason: String,
    },
    /// The server answered with an API error.
    #[error("{url} answered {status} {code}: {message}")]
    Server {
        /// The address asked.
        url: String,
        /// HTTP status.
        status: u16,
        /// The API's error code, for translation.
        code: ErrorCode,
        /// The server's English message.
        message: String,
        /// The request id, for matching with the server log.
        request_id: String,
    },
    /// The server answered something that is not our API (a proxy page, another program on the port).
    #[error("{url} did not answer like a CNT Media server: {reason}")]
    BadResponse {
        /// The address asked.
        url: String,
        /// What was wrong.
        reason: String,
    },
}

/// Result with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// The API error code, when the server answered with one.
    pub fn code(&self) -> Option<ErrorCode> {
        match self {
            Error::Server { code, .. } => Some(*code),
            _ => None,
        }
    }

    /// Whether the server could not be reached at all (the app is offline).
    pub fn is_unreachable(&self) -> bool {
        matches!(self, Error::Unreachable { .. })
    }
}

/// A client for one server.
#[derive(Clone, Debug)]
pub struct ServerClient {
    base: Url,
    http: reqwest::Client,
    /// For media: no overall time limit (files are large), but a stalled read fails.
    transfer: reqwest::Client,
}

impl ServerClient {
    /// A client for the server at `base` (e.g. `http://127.0.0.1:8787`).
    ///
    /// # Errors
    /// [`Error::InvalidUrl`] unless `base` is an absolute `http` or `https` URL.
    pub fn new(base: &str) -> Result<Self> {
        let invalid = || Error::InvalidUrl {
            url: base.to_owned(),
        };
        let mut url = Url::parse(base.trim()).map_err(|_| invalid())?;
        if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
            return Err(invalid());
        }
        if !url.path().ends_with('/') {
            let path = format!("{}/", url.path());
            url.set_path(&path);
        }
        // reqwest is built without a default TLS provider; installing ring's twice is harmless.
        let _ = rustls::crypto::ring::default_provider().install_default();
        // API calls: a request may take 15 s at most. Media: no overall limit (files are large),
        // but a stalled read fails.
        let http = build_client(&url, |b| b.timeout(Duration::from_secs(15)))?;
        let transfer = build_client(&url, |b| b.read_timeout(Duration::from_secs(30)))?;
        Ok(ServerClient {
            base: url,
            http,
            transfer,
        })
    }

    /// The server's base address.
    pub fn base_url(&self) -> &Url {
        &self.base
    }

    /// The server's address as users write it (no trailing slash).
    pub fn display_url(&self) -> String {
        self.base.as_str().trim_end_matches('/').to_owned()
    }

    /// Asks `GET /health`.
    ///
    /// # Errors
    /// [`Error::Unreachable`], [`Error::Server`] (e.g. 503 when its database is down) or
    /// [`Error::BadResponse`].
    pub async fn health(&self) -> Result<Health> {
        let health: Health = self.get_json("health").await?;
        if health.status != "ok" {
            return Err(Error::BadResponse {
                url: self.display_url(),
                reason: format!("health status is {:?}", health.status),
            });
        }
        Ok(health)
    }

    /// Creates an account: `POST /api/v1/auth/register`.
    ///
    /// # Errors
    /// [`Error::Server`] with `email_taken`, `username_taken`, `weak_password`, `validation_failed`…
    pub async fn register(
        &self,
        email: &str,
        password: &str,
        username: &str,
    ) -> Result<RegisterResponse> {
        let body = RegisterRequest {
            email: email.to_owned(),
            password: password.to_owned(),
            username: username.to_owned(),
        };
        self.send(
            reqwest::Method::POST,
            "api/v1/auth/register",
            None,
            Some(&body),
        )
        .await
    }

    /// Asks for a code by email: `POST /api/v1/auth/send-otp` (answers the same whether or not the
    /// address has an account).
    ///
    /// # Errors
    /// [`Error::Server`] with `service_unavailable` when the server has no email, `rate_limited`…
    pub async fn send_code(&self, email: &str, purpose: CodePurpose) -> Result<()> {
        let body = SendCodeRequest {
            email: email.to_owned(),
            purpose,
        };
        self.send::<serde_json::Value, _>(
            reqwest::Method::POST,
            "api/v1/auth/send-otp",
            None,
            Some(&body),
        )
        .await
        .map(|_| ())
    }

    /// Confirms an account's email with its code and signs in: `POST /api/v1/auth/verify-otp`.
    ///
    /// # Errors
    /// [`Error::Server`] with `invalid_code`.
    pub async fn verify_code(&self, email: &str, code: &str) -> Result<TokenPair> {
        let body = VerifyCodeRequest {
            email: email.to_owned(),
            code: code.to_owned(),
        };
        self.send(
            reqwest::Method::POST,
            "api/v1/auth/verify-otp",
            None,
            Some(&body),
        )
        .await
    }

    /// Sets a new password with an emailed code: `POST /api/v1/auth/reset-password`.
    ///
    /// # Errors
    /// [`Error::Server`] with `invalid_code` or `weak_password`.
    pub async fn reset_password(&self, email: &str, code: &str, new_password: &str) -> Result<()> {
        let body = ResetPasswordRequest {
            email: email.to_owned(),
            code: code.to_owned(),
            new_password: new_password.to_owned(),
        };
        self.send::<serde_json::Value, _>(
            reqwest::Method::POST,
            "api/v1/auth/reset-password",
            None,
            Some(&body),
        )
        .await
        .map(|_| ())
    }

    /// Signs in: `POST /api/v1/auth/login`.
    ///
    /// # Errors
    /// [`Error::Server`] with `invalid_credentials`, `account_pending`, `rate_limited`…; or unreachable.
    pub async fn login(&self, email: &str, password: &str) -> Result<TokenPair> {
        let body = LoginRequest {
            email: email.to_owned(),
            password: password.to_owned(),
        };
        self.send(
            reqwest::Method::POST,
            "api/v1/auth/login",
            None,
            Some(&body),
        )
        .await
    }

    /// Trades a refresh token for a new pair: `POST /api/v1/auth/refresh`.
    ///
    /// # Errors
    /// [`Error::Server`] with `invalid_token` when the session has ended.
    pub async fn refresh(&self, refresh_token: &str) -> Result<TokenPair> {
        let body = RefreshRequest {
            refresh_token: refresh_token.to_owned(),
        };
        self.send(
            reqwest::Method::POST,
            "api/v1/auth/refresh",
            None,
            Some(&body),
        )
        .await
    }

    /// Ends the session of `access_token`: `POST /api/v1/auth/logout`.
    ///
    /// # Errors
    /// As for any request.
    pub async fn logout(&self, access_token: &str) -> Result<()> {
        self.send::<serde_json::Value, ()>(
            reqwest::Method::POST,
            "api/v1/auth/logout",
            Some(access_token),
            None,
        )
        .await
        .map(|_| ())
    }

    /// Ends every session of the account: `POST /api/v1/auth/logout-all`; returns how many ended.
    ///
    /// # Errors
    /// As for any request.
    pub async fn logout_all(&self, access_token: &str) -> Result<u64> {
        let answer: serde_json::Value = self
            .send::<serde_json::Value, ()>(
                reqwest::Method::POST,
                "api/v1/auth/logout-all",
                Some(access_token),
                None,
            )
            .await?;
        Ok(answer["sessions_ended"].as_u64().unwrap_or(0))
    }

    /// The signed-in user's profile: `GET /api/v1/users/me`.
    ///
    /// # Errors
    /// [`Error::Server`] with `invalid_token` when the access token is no longer accepted.
    pub async fn me(&self, access_token: &str) -> Result<UserProfile> {
        self.send::<UserProfile, ()>(
            reqwest::Method::GET,
            "api/v1/users/me",
            Some(access_token),
            None,
        )
        .await
    }

    /// A page of the change feed: `GET /api/v1/sync/changes?since=&limit=`.
    ///
    /// # Errors
    /// [`Error::BadResponse`] for a malformed page (nothing of it is applied).
    pub async fn changes(&self, access_token: &str, since: i64, limit: u32) -> Result<ChangesPage> {
        self.send::<ChangesPage, ()>(
            reqwest::Method::GET,
            &format!("api/v1/sync/changes?since={since}&limit={limit}"),
            Some(access_token),
            None,
        )
        .await
    }

    /// Sends local edits: `POST /api/v1/sync/push`.
    ///
    /// # Errors
    /// As for every request.
    pub async fn push(&self, access_token: &str, mutations: &[Mutation]) -> Result<PushResponse> {
        self.send(
            reqwest::Method::POST,
            "api/v1/sync/push",
            Some(access_token),
            Some(&PushRequest {
                mutations: mutations.to_vec(),
            }),
        )
        .await
    }

    /// Creates or replaces a catalogue item (administrators): `POST /api/v1/admin/catalog`.
    ///
    /// # Errors
    /// `forbidden` for non-administrators, `validation_failed` for a bad item.
    pub async fn admin_put_item(
        &self,
        access_token: &str,
        item: &CatalogItem,
    ) -> Result<CatalogItem> {
        self.send(
            reqwest::Method::POST,
            "api/v1/admin/catalog",
            Some(access_token),
            Some(item),
        )
        .await
    }

    /// Uploads a media file (administrators): `PUT /api/v1/admin/media`.
    ///
    /// # Errors
    /// As for every request.
    pub async fn admin_upload(
        &self,
        access_token: &str,
        bytes: Vec<u8>,
        mime: &str,
    ) -> Result<MediaRef> {
        let url = self.url("api/v1/admin/media")?;
        let shown = url.to_string();
        let response = self
            .transfer
            .put(url)
            .bearer_auth(access_token)
            .header(reqwest::header::CONTENT_TYPE, mime)
            .body(bytes)
            .send()
            .await
            .map_err(|e| Error::Unreachable {
                url: shown.clone(),
                reason: root_cause(&e),
            })?;
        Self::read_json(shown, response).await
    }

    /// Starts fetching a media file from byte `from` (a `Range` request guarded by `If-Range` on the
    /// content hash). The caller streams the body; a `200` means the whole file is coming.
    ///
    /// # Errors
    /// [`Error::Server`] for an API error (e.g. `range_not_satisfiable`, `not_found`).
    pub async fn media(
        &self,
        access_token: &str,
        hash: &str,
        from: u64,
    ) -> Result<reqwest::Response> {
        let url = self.url(&format!("api/v1/media/{hash}"))?;
        let shown = url.to_string();
        let mut request = self.transfer.get(url).bearer_auth(access_token);
        if from > 0 {
            request = request
                .header(reqwest::header::RANGE, format!("bytes={from}-"))
                .header(reqwest::header::IF_RANGE, format!("\"{hash}\""));
        }
        let response = request.send().await.map_err(|e| Error::Unreachable {
            url: shown.clone(),
            reason: root_cause(&e),
        })?;
        if response.status().is_success() {
            return Ok(response);
        }
        let status = response.status();
        let bytes = response.bytes().await.unwrap_or_default();
        Err(Self::error_from(shown, status, &bytes))
    }

    fn url(&self, path: &str) -> Result<Url> {
        self.base.join(path).map_err(|_| Error::InvalidUrl {
            url: format!("{}{path}", self.base),
        })
    }

    fn error_from(url: String, status: reqwest::StatusCode, bytes: &[u8]) -> Error {
        match serde_json::from_slice::<ErrorBody>(bytes) {
            Ok(body) => Error::Server {
                url,
                status: status.as_u16(),
                code: body.error.code,
                message: body.error.message,
                request_id: body.error.request_id,
            },
            Err(_) => Error::BadResponse {
                url,
                reason: format!("HTTP {status} without an error body"),
            },
        }
    }

    async fn read_json<T: serde::de::DeserializeOwned>(
        shown: String,
        response: reqwest::Response,
    ) -> Result<T> {
        let status = response.status();
        let bytes = response.bytes().await.map_err(|e| Error::Unreachable {
            url: shown.clone(),
            reason: root_cause(&e),
        })?;
        if !status.is_success() {
            return Err(Self::error_from(shown, status, &bytes));
        }
        let bytes: &[u8] = if bytes.is_empty() { b"null" } else { &bytes };
        serde_json::from_slice(bytes).map_err(|e| Error::BadResponse {
            url: shown,
            reason: e.to_string(),
        })
    }

    async fn get_json<T: serde::de::DeserializeOwned>(&self, path: &str) -> Result<T> {
        self.send::<T, ()>(reqwest::Method::GET, path, None, None)
            .await
    }

    /// One request: optional bearer token and JSON body; a JSON answer (an empty one reads as `null`).
    async fn send<T: serde::de::DeserializeOwned, B: serde::Serialize>(
        &self,
        method: reqwest::Method,
        path: &str,
        bearer: Option<&str>,
        body: Option<&B>,
    ) -> Result<T> {
        let url = self.url(path)?;
        let shown = url.to_string();
        let mut request = self.http.request(method, url);
        if let Some(token) = bearer {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(body);
        }
        let response = request.send().await.map_err(|e| Error::Unreachable {
            url: shown.clone(),
            reason: root_cause(&e),
        })?;
        Self::read_json(shown, response).await
    }
}

/// A reqwest client with our connect timeout and user agent, plus `configure`'s settings.
fn build_client(
    url: &Url,
    configure: impl FnOnce(reqwest::ClientBuilder) -> reqwest::ClientBuilder,
) -> Result<reqwest::Client> {
    configure(
        reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(3))
            .user_agent(concat!("cnt/", env!("CARGO_PKG_VERSION"))),
    )
    .build()
    .map_err(|e| Error::Unreachable {
        url: url.to_string(),
        reason: format!("cannot set up HTTP: {e}"),
    })
}

/// The innermost error message: "Connection refused (os error 111)" rather than reqwest's
/// "error sending request for url (…)".
fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut current = e;
    while let Some(next) = current.source() {
        current = next;
    }
    let text = current.to_string();
    if e.to_string().contains("timed out") || text.contains("timed out") {
        return "timed out".to_owned();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_http_urls_are_servers() {
        assert!(ServerClient::new("http://127.0.0.1:8787").is_ok());
        assert!(ServerClient::new("https://media.example.org/base").is_ok());
        for bad in ["", "127.0.0.1:8787", "ftp://x", "http://", "not a url"] {
            let err = ServerClient::new(bad).expect_err(bad);
            assert!(
                err.to_string().contains("not a valid server address"),
                "{err}"
            );
        }
    }

    #[test]
    fn base_paths_keep_their_prefix() {
        let c = ServerClient::new("https://media.example.org/base").expect("client");
        assert_eq!(
            c.base_url().join("health").expect("join").as_str(),
            "https://media.example.org/base/health"
        );
        assert_eq!(c.display_url(), "https://media.example.org/base");
    }
}
