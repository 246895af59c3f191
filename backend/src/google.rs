//! Google sign-in: verifying Google ID tokens against Google's published keys (JWKS).
//!
//! The JWKS URL is configurable (tests serve their own). Keys are cached; a token signed with an
//! unknown key id triggers one refetch, at most once a minute, so a flood of forged tokens cannot
//! make the server hammer the key endpoint. Checks: RS256 only, issuer `accounts.google.com` (either
//! spelling), audience = our client id, `exp` present and in the future, `email_verified` true.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::Deserialize;
use tokio::sync::Mutex;

/// Google's published keys.
pub const GOOGLE_JWKS_URL: &str = "https://www.googleapis.com/oauth2/v3/certs";
const ISSUERS: [&str; 2] = ["accounts.google.com", "https://accounts.google.com"];
const REFETCH_GAP: Duration = Duration::from_secs(60);
const MAX_AGE: Duration = Duration::from_secs(3600);

/// Why a Google token was not accepted.
#[derive(Debug, thiserror::Error)]
pub enum GoogleError {
    /// The token is malformed, forged, expired, for another app, or its email is unverified.
    #[error("the Google token is not valid: {0}")]
    Invalid(String),
    /// Google's keys could not be fetched.
    #[error("cannot fetch Google's keys from {url}: {reason}")]
    Keys {
        /// The JWKS URL.
        url: String,
        /// Why.
        reason: String,
    },
}

/// What we take from a verified Google ID token.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct GoogleIdentity {
    /// Google's stable account id.
    pub sub: String,
    /// The account's email.
    pub email: String,
    /// Whether Google verified the email.
    #[serde(default)]
    pub email_verified: bool,
    /// The person's name, if shared.
    #[serde(default)]
    pub name: Option<String>,
}

#[derive(Deserialize)]
struct Jwks {
    keys: Vec<Jwk>,
}

#[derive(Deserialize)]
struct Jwk {
    kid: String,
    kty: String,
    n: Option<String>,
    e: Option<String>,
}

struct Cache {
    keys: HashMap<String, DecodingKey>,
    fetched: Option<Instant>,
}

/// Verifies Google ID tokens for one client id.
pub struct GoogleVerifier {
    client_id: String,
    jwks_url: String,
    http: reqwest::Client,
    cache: Mutex<Cache>,
}

impl std::fmt::Debug for GoogleVerifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GoogleVerifier")
            .field("client_id", &self.client_id)
            .field("jwks_url", &self.jwks_url)
            .finish_non_exhaustive()
    }
}

impl GoogleVerifier {
    /// A verifier accepting tokens issued to `client_id`, with keys from `jwks_url`.
    pub fn new(client_id: &str, jwks_url: &str) -> Self {
        let _ = rustls::crypto::ring::default_provider().install_default();
        GoogleVerifier {
            client_id: client_id.to_owned(),
            jwks_url: jwks_url.to_owned(),
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(10))
                .build()
                .unwrap_or_default(),
            cache: Mutex::new(Cache {
                keys: HashMap::new(),
                fetched: None,
            }),
        }
    }

    /// Verifies `token` and returns who it is.
    ///
    /// # Errors
    /// [`GoogleError::Invalid`] saying why, or [`GoogleError::Keys`] when the keys are unreachable.
    pub async fn verify(&self, token: &str) -> Result<GoogleIdentity, GoogleError> {
        let invalid = |why: String| GoogleError::Invalid(why);
        let header = jsonwebtoken::decode_header(token).map_err(|e| invalid(e.to_string()))?;
        if header.alg != Algorithm::RS256 {
            return Err(invalid(format!("algorithm {:?} is not RS256", header.alg)));
        }
        let kid = header.kid.ok_or_else(|| invalid("no key id".into()))?;
        let key = self.key(&kid).await?;
        let mut validation = Validation::new(Algorithm::RS256);
        validation.set_issuer(&ISSUERS);
        validation.set_audience(&[self.client_id.as_str()]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        let identity = jsonwebtoken::decode::<GoogleIdentity>(token, &key, &validation)
            .map_err(|e| invalid(e.to_string()))?
            .claims;
        if !identity.email_verified {
            return Err(invalid("Google has not verified this email address".into()));
        }
        Ok(identity)
    }

    async fn key(&self, kid: &str) -> Result<DecodingKey, GoogleError> {
        let mut cache = self.cache.lock().await;
        let stale = cache.fetched.is_none_or(|t| t.elapsed() > MAX_AGE);
        let missing = !cache.keys.contains_key(kid);
        let may_refetch = cache.fetched.is_none_or(|t| t.elapsed() > REFETCH_GAP);
        if stale || (missing && may_refetch) {
            cache.keys = self.fetch().await?;
            cache.fetched = Some(Instant::now());
        }
        cache
            .keys
            .get(kid)
            .cloned()
            .ok_or_else(|| GoogleError::Invalid(format!("unknown key id {kid:?}")))
    }

    async fn fetch(&self) -> Result<HashMap<String, DecodingKey>, GoogleError> {
        let fail = |reason: String| GoogleError::Keys {
            url: self.jwks_url.clone(),
            reason,
        };
        let jwks: Jwks = self
            .http
            .get(&self.jwks_url)
            .send()
            .await
            .and_then(|r| r.error_for_status())
            .map_err(|e| fail(e.to_string()))?
            .json()
            .await
            .map_err(|e| fail(e.to_string()))?;
        let mut keys = HashMap::new();
        for jwk in jwks.keys {
            if let (true, Some(n), Some(e)) = (jwk.kty == "RSA", jwk.n, jwk.e)
                && let Ok(key) = DecodingKey::from_rsa_components(&n, &e)
            {
                keys.insert(jwk.kid, key);
            }
        }
        Ok(keys)
    }
}
