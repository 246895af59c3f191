//! Passwords, tokens and the signing key.
//!
//! - Passwords: argon2id, parameters in [`PasswordParams`] (at or above OWASP's minimum of
//!   m = 19 MiB, t = 2, p = 1; the default is tuned so one hash costs 100–300 ms on our 2-core
//!   machines: see docs/benchmarks.md). Hashing runs on a blocking thread.
//! - Access tokens: HS256 JWTs with `iss`, `aud`, `sub` (user id), `sid` (session id), `exp` at most
//!   15 minutes after `iat`. The verifier pins the algorithm, issuer and audience and requires `exp`.
//! - Refresh tokens: 256 random bits, base64url, stored only as SHA-256 hashes, single use.
//! - The signing key: 256 random bits generated on first start into `<data_dir>/jwt-signing-key`
//!   with mode 0600; there is no built-in default.

use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use base64::Engine;
use cnt_model::ids::UserId;
use jsonwebtoken::{DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// Issuer claim of our tokens.
pub const ISSUER: &str = "cnt-server";
/// Audience claim of our access tokens.
pub const AUDIENCE: &str = "cnt";

/// Argon2id cost parameters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PasswordParams {
    /// Memory in KiB.
    pub memory_kib: u32,
    /// Iterations.
    pub iterations: u32,
    /// Lanes.
    pub parallelism: u32,
}

impl PasswordParams {
    /// OWASP's minimum for argon2id (2025 cheat sheet): 19 MiB, 2 iterations, 1 lane.
    pub const OWASP_MINIMUM: PasswordParams = PasswordParams {
        memory_kib: 19 * 1024,
        iterations: 2,
        parallelism: 1,
    };

    /// What the server uses: 64 MiB, 3 iterations, 1 lane, chosen so one hash costs 100–300 ms on the
    /// project's 2-core machines (46 MiB/t=2 measured 70 ms: too cheap). Measure with
    /// `cargo bench -p cnt-backend --bench auth`.
    pub const DEFAULT: PasswordParams = PasswordParams {
        memory_kib: 64 * 1024,
        iterations: 3,
        parallelism: 1,
    };

    fn argon2(self) -> Result<Argon2<'static>, AuthError> {
        let params = Params::new(self.memory_kib, self.iterations, self.parallelism, None)
            .map_err(|e| AuthError::Internal(format!("argon2 parameters: {e}")))?;
        Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
    }
}

/// Errors of the auth primitives.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    /// The token is malformed, forged, expired or for someone else.
    #[error("invalid token: {0}")]
    InvalidToken(String),
    /// The signing key file cannot be read or written.
    #[error("signing key {path}: {source}")]
    KeyFile {
        /// The file.
        path: std::path::PathBuf,
        /// What the OS said.
        source: std::io::Error,
    },
    /// Something that should not fail did.
    #[error("{0}")]
    Internal(String),
}

/// Claims of an access token.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    /// Issuer.
    pub iss: String,
    /// Audience.
    pub aud: String,
    /// The user.
    pub sub: UserId,
    /// The session (refresh token family) this token belongs to.
    pub sid: String,
    /// Issued at (Unix seconds).
    pub iat: i64,
    /// Expires at (Unix seconds).
    pub exp: i64,
}

/// Keys and policy for issuing and checking tokens.
pub struct Auth {
    secret: Vec<u8>,
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    /// Lifetime of access tokens in seconds (at most 900).
    pub access_ttl: i64,
    /// Absolute lifetime of a session (refresh token family) in seconds (at most 30 days).
    pub session_ttl: i64,
    /// Lifetime of an emailed code in seconds.
    pub code_ttl: i64,
    /// Wrong entries a code survives.
    pub code_attempts: i64,
    /// Password hashing cost.
    pub password: PasswordParams,
    /// At most one hash per core at a time: each takes `password.memory_kib` of memory, so an
    /// unbounded burst of sign-ins could otherwise exhaust the machine's memory.
    pub hashing: tokio::sync::Semaphore,
    /// A hash of a random password, verified against when an email is unknown so that the answer takes
    /// as long as for a known one (no account enumeration by timing).
    dummy_hash: String,
}

impl std::fmt::Debug for Auth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Auth")
            .field("access_ttl", &self.access_ttl)
            .field("session_ttl", &self.session_ttl)
            .field("password", &self.password)
            .finish_non_exhaustive()
    }
}

/// Current Unix time in seconds.
pub fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

fn random_bytes<const N: usize>() -> Result<[u8; N], AuthError> {
    let mut buf = [0u8; N];
    getrandom::fill(&mut buf).map_err(|e| AuthError::Internal(format!("no randomness: {e}")))?;
    Ok(buf)
}

impl Auth {
    /// Builds the token policy from a 32-byte secret.
    ///
    /// # Errors
    /// When the password parameters are invalid or hashing the dummy password fails.
    pub fn new(secret: &[u8], password: PasswordParams) -> Result<Auth, AuthError> {
        let mut validation = Validation::new(jsonwebtoken::Algorithm::HS256);
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[AUDIENCE]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        validation.leeway = 0;
        let dummy = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(random_bytes::<16>()?);
        let mut auth = Auth {
            secret: secret.to_vec(),
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
            access_ttl: 15 * 60,
            session_ttl: 30 * 24 * 3600,
            code_ttl: 10 * 60,
            code_attempts: 5,
            password,
            hashing: tokio::sync::Semaphore::new(
                std::thread::available_parallelism().map_or(2, |n| n.get()),
            ),
            dummy_hash: String::new(),
        };
        auth.dummy_hash = auth.hash_password(&dummy)?;
        Ok(auth)
    }

    /// Loads the signing key from `data_dir`, creating it (mode 0600) on first start.
    ///
    /// # Errors
    /// [`AuthError::KeyFile`] when it cannot be read or created, or is not 32 bytes.
    pub fn load_or_create_key(data_dir: &Path) -> Result<Vec<u8>, AuthError> {
        let path = data_dir.join("jwt-signing-key");
        let fail = |source| AuthError::KeyFile {
            path: path.clone(),
            source,
        };
        match std::fs::read(&path) {
            Ok(key) if key.len() == 32 => return Ok(key),
            Ok(_) => {
                return Err(fail(std::io::Error::other(
                    "the file must hold exactly 32 bytes; delete it to make a new key (this signs everyone out)",
                )));
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(fail(e)),
        }
        let key = random_bytes::<32>()?;
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        use std::io::Write;
        let mut file = options.open(&path).map_err(fail)?;
        file.write_all(&key).map_err(fail)?;
        file.sync_all().map_err(fail)?;
        tracing::info!(file = %path.display(), "created a new token signing key");
        Ok(key.to_vec())
    }

    /// Hashes `password` with argon2id and a random salt (PHC string).
    ///
    /// # Errors
    /// [`AuthError::Internal`] if hashing fails.
    pub fn hash_password(&self, password: &str) -> Result<String, AuthError> {
        let salt = SaltString::encode_b64(&random_bytes::<16>()?)
            .map_err(|e| AuthError::Internal(format!("salt: {e}")))?;
        Ok(self
            .password
            .argon2()?
            .hash_password(password.as_bytes(), &salt)
            .map_err(|e| AuthError::Internal(format!("argon2: {e}")))?
            .to_string())
    }

    /// Whether `password` matches `hash`; `None` as the hash costs the same time and answers false.
    pub fn verify_password(&self, password: &str, hash: Option<&str>) -> bool {
        let (hash, real) = match hash {
            Some(h) => (h, true),
            None => (self.dummy_hash.as_str(), false),
        };
        let Ok(parsed) = PasswordHash::new(hash) else {
            return false;
        };
        // The parameters are read from the stored hash, so older hashes keep verifying after a re-tune.
        let ok = Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok();
        ok && real
    }

    /// An access token for `user` in session `session`, and its lifetime in seconds.
    ///
    /// # Errors
    /// [`AuthError::Internal`] if signing fails.
    pub fn issue_access(&self, user: UserId, session: &str) -> Result<(String, u64), AuthError> {
        let iat = now();
        let claims = Claims {
            iss: ISSUER.into(),
            aud: AUDIENCE.into(),
            sub: user,
            sid: session.to_owned(),
            iat,
            exp: iat + self.access_ttl,
        };
        let token = jsonwebtoken::encode(
            &Header::new(jsonwebtoken::Algorithm::HS256),
            &claims,
            &self.encoding,
        )
        .map_err(|e| AuthError::Internal(format!("signing: {e}")))?;
        Ok((token, self.access_ttl as u64))
    }

    /// Checks an access token's signature, algorithm, issuer, audience and expiry.
    ///
    /// # Errors
    /// [`AuthError::InvalidToken`] saying what is wrong.
    pub fn verify_access(&self, token: &str) -> Result<Claims, AuthError> {
        verify_hs256_signature(token, &self.secret)?;
        jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)
            .map(|data| data.claims)
            .map_err(|e| AuthError::InvalidToken(e.to_string()))
    }

    /// A new 6-digit code (uniform over 000000–999999).
    ///
    /// # Errors
    /// [`AuthError::Internal`] without randomness.
    pub fn new_code(&self) -> Result<String, AuthError> {
        // Rejection sampling: 4,294,000,000 is a multiple of 1,000,000 below 2^32.
        loop {
            let n = u32::from_le_bytes(random_bytes::<4>()?);
            if n < 4_294_000_000 {
                return Ok(format!("{:06}", n % 1_000_000));
            }
        }
    }

    /// The stored form of an emailed code: an HMAC under the server's key, bound to the purpose and
    /// address, so a leaked table cannot be brute-forced over the million possible codes.
    ///
    /// # Errors
    /// [`AuthError::Internal`] if signing fails.
    pub fn code_mac(&self, purpose: &str, email: &str, code: &str) -> Result<String, AuthError> {
        jsonwebtoken::crypto::sign(
            format!("email-code\n{purpose}\n{email}\n{code}").as_bytes(),
            &self.encoding,
            jsonwebtoken::Algorithm::HS256,
        )
        .map_err(|e| AuthError::Internal(format!("code mac: {e}")))
    }

    /// A new refresh token and the hash to store for it.
    ///
    /// # Errors
    /// [`AuthError::Internal`] without randomness.
    pub fn new_refresh_token(&self) -> Result<(String, String), AuthError> {
        let token = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(random_bytes::<32>()?);
        let hash = hash_refresh_token(&token);
        Ok((token, hash))
    }
}

/// First stage of verifying a compact JWS, run before any claim is looked at: exactly three parts,
/// strict unpadded base64url, a JSON header whose `alg` is `HS256` (so `none` and every asymmetric
/// algorithm are refused: no key confusion), no `crit` extensions (we understand none, so RFC 7515
/// says reject), and a matching HMAC-SHA256 signature. Returns the payload bytes.
///
/// # Errors
/// [`AuthError::InvalidToken`] saying which check failed.
pub fn verify_hs256_signature(token: &str, secret: &[u8]) -> Result<Vec<u8>, AuthError> {
    let bad = |why: &str| AuthError::InvalidToken(why.to_owned());
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let mut parts = token.split('.');
    let (Some(header), Some(payload), Some(signature), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(bad("not a compact JWS of three parts"));
    };
    if header.is_empty() || signature.is_empty() {
        return Err(bad("empty header or signature"));
    }
    let header_json: serde_json::Value = b64
        .decode(header)
        .ok()
        .and_then(|h| serde_json::from_slice(&h).ok())
        .ok_or_else(|| bad("the header is not base64url JSON"))?;
    if header_json.get("alg").and_then(|a| a.as_str()) != Some("HS256") {
        return Err(bad("the algorithm must be HS256"));
    }
    if header_json.get("crit").is_some() {
        return Err(bad("critical header extensions are not supported"));
    }
    let payload_bytes = b64
        .decode(payload)
        .map_err(|_| bad("the payload is not base64url"))?;
    let signature_bytes = b64
        .decode(signature)
        .map_err(|_| bad("the signature is not base64url"))?;
    let message = &token[..header.len() + 1 + payload.len()];
    let valid = jsonwebtoken::crypto::verify(
        &b64.encode(&signature_bytes),
        message.as_bytes(),
        &DecodingKey::from_secret(secret),
        jsonwebtoken::Algorithm::HS256,
    )
    .map_err(|e| bad(&format!("signature check failed: {e}")))?;
    if !valid {
        return Err(bad("the signature does not match"));
    }
    Ok(payload_bytes)
}

/// The stored form of a refresh token: hex SHA-256. The token has 256 bits of entropy, so a fast
/// hash is enough; the database never holds a usable token.
pub fn hash_refresh_token(token: &str) -> String {
    let digest = Sha256::digest(token.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Small but real argon2id parameters, so unit tests stay quick.
    const FAST: PasswordParams = PasswordParams {
        memory_kib: 1024,
        iterations: 1,
        parallelism: 1,
    };

    fn auth() -> Auth {
        Auth::new(&[7u8; 32], FAST).expect("auth")
    }

    #[test]
    fn the_default_cost_is_at_least_owasps_minimum() {
        let d = PasswordParams::DEFAULT;
        let m = PasswordParams::OWASP_MINIMUM;
        assert!(d.memory_kib >= m.memory_kib && d.iterations >= m.iterations);
        assert_eq!(d.parallelism, 1);
        let hash = Auth::new(&[1u8; 32], d)
            .expect("auth")
            .hash_password("correct horse")
            .expect("hash");
        assert!(
            hash.starts_with("$argon2id$v=19$m=65536,t=3,p=1$"),
            "{hash}"
        );
    }

    #[test]
    fn passwords_verify_and_salts_differ() {
        let a = auth();
        let h1 = a.hash_password("s3cret pass").expect("hash");
        let h2 = a.hash_password("s3cret pass").expect("hash");
        assert_ne!(h1, h2, "random salt");
        assert!(a.verify_password("s3cret pass", Some(&h1)));
        assert!(!a.verify_password("s3cret pasS", Some(&h1)));
        assert!(
            !a.verify_password("s3cret pass", None),
            "unknown user never verifies"
        );
        assert!(!a.verify_password("x", Some("not a phc string")));
    }

    #[test]
    fn access_tokens_round_trip_and_expire() {
        let a = auth();
        let user = UserId::new();
        let (token, ttl) = a.issue_access(user, "s1").expect("issue");
        assert_eq!(ttl, 900);
        let claims = a.verify_access(&token).expect("valid");
        assert_eq!(claims.sub, user);
        assert_eq!(claims.exp - claims.iat, 900);

        let mut short = auth();
        short.access_ttl = -1;
        let (expired, _) = short.issue_access(user, "s1").expect("issue");
        let err = a.verify_access(&expired).expect_err("expired");
        assert!(err.to_string().contains("Expired"), "{err}");
    }

    #[test]
    fn forged_tampered_and_unsigned_tokens_are_refused() {
        let a = auth();
        let other = Auth::new(&[8u8; 32], FAST).expect("other key");
        let (foreign, _) = other.issue_access(UserId::new(), "s").expect("issue");
        assert!(a.verify_access(&foreign).is_err(), "wrong key");

        let (token, _) = a.issue_access(UserId::new(), "s").expect("issue");
        let mut parts: Vec<String> = token.split('.').map(str::to_owned).collect();
        let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let mut claims: serde_json::Value =
            serde_json::from_slice(&b64.decode(&parts[1]).expect("b64")).expect("json");
        claims["sub"] = serde_json::json!(UserId::new());
        parts[1] = b64.encode(claims.to_string());
        assert!(
            a.verify_access(&parts.join(".")).is_err(),
            "tampered payload"
        );

        let none_header = b64.encode(r#"{"alg":"none","typ":"JWT"}"#);
        let unsigned = format!("{none_header}.{}.", parts[1]);
        assert!(a.verify_access(&unsigned).is_err(), "alg=none");
        assert!(a.verify_access("garbage").is_err());
    }

    #[test]
    fn codes_are_six_digits_and_macs_depend_on_everything() {
        let a = auth();
        for _ in 0..200 {
            let c = a.new_code().expect("code");
            assert_eq!(c.len(), 6);
            assert!(c.chars().all(|ch| ch.is_ascii_digit()));
        }
        let m = a
            .code_mac("verify_email", "a@x.org", "123456")
            .expect("mac");
        assert_ne!(
            m,
            a.code_mac("reset_password", "a@x.org", "123456")
                .expect("mac")
        );
        assert_ne!(
            m,
            a.code_mac("verify_email", "b@x.org", "123456")
                .expect("mac")
        );
        assert_ne!(
            m,
            a.code_mac("verify_email", "a@x.org", "123457")
                .expect("mac")
        );
        let other = Auth::new(&[9u8; 32], FAST).expect("other");
        assert_ne!(
            m,
            other
                .code_mac("verify_email", "a@x.org", "123456")
                .expect("mac")
        );
    }

    #[test]
    fn refresh_tokens_are_random_and_stored_hashed() {
        let a = auth();
        let (t1, h1) = a.new_refresh_token().expect("t1");
        let (t2, _) = a.new_refresh_token().expect("t2");
        assert_ne!(t1, t2);
        assert_eq!(t1.len(), 43, "256 bits in base64url");
        assert_eq!(h1, hash_refresh_token(&t1));
        assert_eq!(h1.len(), 64);
        assert!(!h1.contains(&t1));
    }

    #[test]
    fn the_signing_key_is_created_once_with_private_permissions() {
        let dir = tempfile::tempdir().expect("tempdir");
        let k1 = Auth::load_or_create_key(dir.path()).expect("create");
        let k2 = Auth::load_or_create_key(dir.path()).expect("load");
        assert_eq!(k1, k2);
        assert_eq!(k1.len(), 32);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join("jwt-signing-key"))
                .expect("meta")
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        std::fs::write(dir.path().join("jwt-signing-key"), b"short").expect("damage");
        assert!(Auth::load_or_create_key(dir.path()).is_err());
    }
}
