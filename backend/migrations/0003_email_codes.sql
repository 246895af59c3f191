-- One-time codes sent by email (issue #3): verifying a new account, resetting a password.
-- Only an HMAC of the code is stored (a bare hash of six digits would be reversed at once).
CREATE TABLE email_codes (
    id         TEXT PRIMARY KEY,
    email      TEXT NOT NULL,
    purpose    TEXT NOT NULL,
    code_mac   TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    attempts   BIGINT NOT NULL DEFAULT 0,
    used_at    BIGINT
);
CREATE INDEX email_codes_by_email ON email_codes (email, purpose);
