//! The one error vocabulary of the API.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A stable, machine-readable error code.
///
/// Serialized as snake_case (`"not_found"`). The client shows the Fluent message `error-<code-with-dashes>`
/// (see [`ErrorCode::fluent_id`]); `i18n` tests check that every code has a message in every locale.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The request was malformed (bad JSON, bad query string).
    BadRequest,
    /// The request was well formed but a field is invalid.
    ValidationFailed,
    /// No valid credentials were given.
    Unauthorized,
    /// The credentials are valid but do not allow this.
    Forbidden,
    /// Nothing lives at this address.
    NotFound,
    /// The address exists but not with this HTTP method.
    MethodNotAllowed,
    /// The request conflicts with the current state (a duplicate, a stale version).
    Conflict,
    /// The request body is larger than the server accepts.
    PayloadTooLarge,
    /// Too many requests; try again later.
    RateLimited,
    /// The server's database cannot be reached or is failing.
    DatabaseUnavailable,
    /// The server is starting, stopping or overloaded.
    ServiceUnavailable,
    /// An unexpected server error; details are in the server log under the request id.
    Internal,
    /// Wrong email or password (deliberately not saying which).
    InvalidCredentials,
    /// The access or refresh token has expired, was revoked, or is not valid.
    InvalidToken,
    /// The account exists but is waiting for approval or verification.
    AccountPending,
    /// The account has been disabled by an administrator.
    AccountDisabled,
    /// The email address already has an account.
    EmailTaken,
    /// The username is taken.
    UsernameTaken,
    /// The password is too short or too long.
    WeakPassword,
    /// The account's email address has not been verified yet.
    EmailNotVerified,
    /// The emailed code is wrong, expired or used up.
    InvalidCode,
    /// The thing this request changes was deleted (e.g. a playlist removed on another device).
    Gone,
    /// The requested byte range lies outside the file.
    RangeNotSatisfiable,
}

impl ErrorCode {
    /// Every code, for exhaustive checks (translations, documentation).
    pub const ALL: [ErrorCode; 23] = [
        ErrorCode::BadRequest,
        ErrorCode::ValidationFailed,
        ErrorCode::Unauthorized,
        ErrorCode::Forbidden,
        ErrorCode::NotFound,
        ErrorCode::MethodNotAllowed,
        ErrorCode::Conflict,
        ErrorCode::PayloadTooLarge,
        ErrorCode::RateLimited,
        ErrorCode::DatabaseUnavailable,
        ErrorCode::ServiceUnavailable,
        ErrorCode::Internal,
        ErrorCode::InvalidCredentials,
        ErrorCode::InvalidToken,
        ErrorCode::AccountPending,
        ErrorCode::AccountDisabled,
        ErrorCode::EmailTaken,
        ErrorCode::UsernameTaken,
        ErrorCode::WeakPassword,
        ErrorCode::EmailNotVerified,
        ErrorCode::InvalidCode,
        ErrorCode::Gone,
        ErrorCode::RangeNotSatisfiable,
    ];

    /// The snake_case wire form.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::BadRequest => "bad_request",
            ErrorCode::ValidationFailed => "validation_failed",
            ErrorCode::Unauthorized => "unauthorized",
            ErrorCode::Forbidden => "forbidden",
            ErrorCode::NotFound => "not_found",
            ErrorCode::MethodNotAllowed => "method_not_allowed",
            ErrorCode::Conflict => "conflict",
            ErrorCode::PayloadTooLarge => "payload_too_large",
            ErrorCode::RateLimited => "rate_limited",
            ErrorCode::DatabaseUnavailable => "database_unavailable",
            ErrorCode::ServiceUnavailable => "service_unavailable",
            ErrorCode::Internal => "internal",
            ErrorCode::InvalidCredentials => "invalid_credentials",
            ErrorCode::InvalidToken => "invalid_token",
            ErrorCode::AccountPending => "account_pending",
            ErrorCode::AccountDisabled => "account_disabled",
            ErrorCode::EmailTaken => "email_taken",
            ErrorCode::UsernameTaken => "username_taken",
            ErrorCode::WeakPassword => "weak_password",
            ErrorCode::EmailNotVerified => "email_not_verified",
            ErrorCode::InvalidCode => "invalid_code",
            ErrorCode::Gone => "gone",
            ErrorCode::RangeNotSatisfiable => "range_not_satisfiable",
        }
    }

    /// The HTTP status the server answers with for this code.
    pub fn http_status(self) -> u16 {
        match self {
            ErrorCode::BadRequest => 400,
            ErrorCode::ValidationFailed => 422,
            ErrorCode::Unauthorized => 401,
            ErrorCode::Forbidden => 403,
            ErrorCode::NotFound => 404,
            ErrorCode::MethodNotAllowed => 405,
            ErrorCode::Conflict => 409,
            ErrorCode::PayloadTooLarge => 413,
            ErrorCode::RateLimited => 429,
            ErrorCode::DatabaseUnavailable | ErrorCode::ServiceUnavailable => 503,
            ErrorCode::Internal => 500,
            ErrorCode::InvalidCredentials | ErrorCode::InvalidToken => 401,
            ErrorCode::AccountPending | ErrorCode::AccountDisabled => 403,
            ErrorCode::EmailTaken | ErrorCode::UsernameTaken => 409,
            ErrorCode::WeakPassword | ErrorCode::InvalidCode => 422,
            ErrorCode::EmailNotVerified => 403,
            ErrorCode::Gone => 410,
            ErrorCode::RangeNotSatisfiable => 416,
        }
    }

    /// The code a bare HTTP status maps to, for errors raised by layers below our handlers.
    pub fn from_http_status(status: u16) -> ErrorCode {
        match status {
            401 => ErrorCode::Unauthorized,
            403 => ErrorCode::Forbidden,
            404 => ErrorCode::NotFound,
            405 => ErrorCode::MethodNotAllowed,
            409 => ErrorCode::Conflict,
            410 => ErrorCode::Gone,
            413 => ErrorCode::PayloadTooLarge,
            416 => ErrorCode::RangeNotSatisfiable,
            422 => ErrorCode::ValidationFailed,
            429 => ErrorCode::RateLimited,
            503 => ErrorCode::ServiceUnavailable,
            400..=499 => ErrorCode::BadRequest,
            _ => ErrorCode::Internal,
        }
    }

    /// The Fluent message id that explains this code to a user, e.g. `error-not-found`.
    pub fn fluent_id(self) -> String {
        format!("error-{}", self.as_str().replace('_', "-"))
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A string that is not one of our [`ErrorCode`]s.
#[derive(Debug, thiserror::Error)]
#[error("unknown error code {0:?}")]
pub struct UnknownErrorCode(pub String);

impl FromStr for ErrorCode {
    type Err = UnknownErrorCode;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ErrorCode::ALL
            .into_iter()
            .find(|c| c.as_str() == s)
            .ok_or_else(|| UnknownErrorCode(s.to_owned()))
    }
}

/// The JSON body of every error the API returns: `{"error": {"code", "message", "request_id"}}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    /// What went wrong.
    pub error: ErrorDetail,
}

/// The inside of an [`ErrorBody`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorDetail {
    /// Stable machine-readable code; clients translate it.
    pub code: ErrorCode,
    /// English explanation for developers and logs; never contains internal details of a 500.
    pub message: String,
    /// The request id, also logged by the server and sent in the `x-request-id` header.
    pub request_id: String,
}

impl ErrorBody {
    /// Builds a body from its parts.
    pub fn new(code: ErrorCode, message: impl Into<String>, request_id: impl Into<String>) -> Self {
        Self {
            error: ErrorDetail {
                code,
                message: message.into(),
                request_id: request_id.into(),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_serialize_as_their_snake_case_string() {
        for code in ErrorCode::ALL {
            let json = serde_json::to_string(&code).expect("serialize");
            assert_eq!(json, format!("\"{}\"", code.as_str()));
            assert_eq!(code.as_str().parse::<ErrorCode>().expect("parse"), code);
        }
    }

    #[test]
    fn error_body_has_the_documented_shape() {
        let body = ErrorBody::new(ErrorCode::NotFound, "no route", "abc");
        let value = serde_json::to_value(&body).expect("serialize");
        assert_eq!(
            value,
            serde_json::json!({"error": {"code": "not_found", "message": "no route", "request_id": "abc"}})
        );
    }

    #[test]
    fn statuses_map_both_ways_for_exact_codes() {
        // Generic codes map back exactly; specific ones (invalid_credentials…) share a generic status.
        for code in ErrorCode::ALL[..12].iter().copied() {
            let back = ErrorCode::from_http_status(code.http_status());
            if code != ErrorCode::DatabaseUnavailable {
                assert_eq!(back, code, "{code}");
            }
        }
        assert_eq!(ErrorCode::from_http_status(418), ErrorCode::BadRequest);
        assert_eq!(ErrorCode::from_http_status(502), ErrorCode::Internal);
    }

    #[test]
    fn fluent_ids_use_dashes() {
        assert_eq!(
            ErrorCode::DatabaseUnavailable.fluent_id(),
            "error-database-unavailable"
        );
    }
}
