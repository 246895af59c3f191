//! Input rules for accounts, shared by the API and the operator commands.

use cnt_model::ErrorCode;

use crate::ApiError;

/// Shortest accepted password (ASVS 5.0 6.2.1: at least 8; longer is encouraged in the UI).
pub const MIN_PASSWORD_CHARS: usize = 8;
/// Longest accepted password: long enough for passphrases and managers, short enough that hashing
/// cannot be used to exhaust the server.
pub const MAX_PASSWORD_CHARS: usize = 1024;

/// A lower-cased, plausible email address.
///
/// # Errors
/// `validation_failed` saying what is wrong.
pub fn email(raw: &str) -> Result<String, ApiError> {
    let email = raw.trim().to_lowercase();
    let valid = email.len() <= 254
        && !email.chars().any(char::is_whitespace)
        && email.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
        });
    if valid {
        Ok(email)
    } else {
        Err(ApiError::client(
            ErrorCode::ValidationFailed,
            "email: not a valid email address",
        ))
    }
}

/// A username of 3–32 characters from a–z, 0–9, `_` and `.`, not starting or ending with `.`.
///
/// # Errors
/// `validation_failed` saying what is wrong.
pub fn username(raw: &str) -> Result<String, ApiError> {
    let name = raw.trim();
    let ok_chars = name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.');
    if (3..=32).contains(&name.len()) && ok_chars && !name.starts_with('.') && !name.ends_with('.')
    {
        Ok(name.to_owned())
    } else {
        Err(ApiError::client(
            ErrorCode::ValidationFailed,
            "username: 3 to 32 characters of letters, digits, '_' and '.'",
        ))
    }
}

/// A password within the length limits (no composition rules, per ASVS and NIST 800-63B).
///
/// # Errors
/// `weak_password`.
pub fn password(raw: &str) -> Result<(), ApiError> {
    let n = raw.chars().count();
    if (MIN_PASSWORD_CHARS..=MAX_PASSWORD_CHARS).contains(&n) {
        Ok(())
    } else {
        Err(ApiError::client(
            ErrorCode::WeakPassword,
            format!("password: {MIN_PASSWORD_CHARS} to {MAX_PASSWORD_CHARS} characters"),
        ))
    }
}

/// Free text of at most `max` characters.
///
/// # Errors
/// `validation_failed` naming the field.
pub fn text(field: &str, raw: &str, max: usize) -> Result<String, ApiError> {
    let t = raw.trim();
    if t.chars().count() <= max {
        Ok(t.to_owned())
    } else {
        Err(ApiError::client(
            ErrorCode::ValidationFailed,
            format!("{field}: at most {max} characters"),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails() {
        assert_eq!(email(" Ana@Example.ORG ").expect("ok"), "ana@example.org");
        for bad in [
            "",
            "ana",
            "ana@",
            "@x.org",
            "ana@localhost",
            "a na@x.org",
            "ana@x.org.",
        ] {
            assert!(email(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn usernames() {
        assert_eq!(username("Pastor_Joe.2").expect("ok"), "Pastor_Joe.2");
        for bad in ["ab", ".joe", "joe.", "jo e", "jöe", &"x".repeat(33)] {
            assert!(username(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn passwords_count_characters_not_bytes() {
        assert!(password("1234567").is_err());
        assert!(password("çççççççç").is_ok());
        assert!(password(&"x".repeat(1025)).is_err());
    }
}
