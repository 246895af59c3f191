//! The HTTP client of the API.

use std::time::Duration;

use cnt_model::api::Health;
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

/// A client for one server.
#[derive(Clone, Debug)]
pub struct ServerClient {
    base: Url,
    http: reqwest::Client,
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
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(3))
            .timeout(Duration::from_secs(15))
            .user_agent(concat!("cnt/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| Error::Unreachable {
                url: url.to_string(),
                reason: format!("cannot set up HTTP: {e}"),
            })?;
        Ok(ServerClient { base: url, http })
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

    async fn get_json<T: serde::de::DeserializeOwned>(&self, path: &str) -> Result<T> {
        let url = self.base.join(path).map_err(|_| Error::InvalidUrl {
            url: format!("{}{path}", self.base),
        })?;
        let shown = url.to_string();
        let response = self
            .http
            .get(url)
            .send()
            .await
            .map_err(|e| Error::Unreachable {
                url: shown.clone(),
                reason: root_cause(&e),
            })?;
        let status = response.status();
        let bytes = response.bytes().await.map_err(|e| Error::Unreachable {
            url: shown.clone(),
            reason: root_cause(&e),
        })?;
        if !status.is_success() {
            return Err(match serde_json::from_slice::<ErrorBody>(&bytes) {
                Ok(body) => Error::Server {
                    url: shown,
                    status: status.as_u16(),
                    code: body.error.code,
                    message: body.error.message,
                    request_id: body.error.request_id,
                },
                Err(_) => Error::BadResponse {
                    url: shown,
                    reason: format!("HTTP {status} without an error body"),
                },
            });
        }
        serde_json::from_slice(&bytes).map_err(|e| Error::BadResponse {
            url: shown,
            reason: e.to_string(),
        })
    }
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
