-- Accounts, sessions and refresh tokens (issue #3). Portable SQL (SQLite and PostgreSQL).
-- Times are seconds since the Unix epoch; booleans are 0/1 integers.
CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE,      -- lower-cased
    username      TEXT NOT NULL,             -- as the user typed it
    username_key  TEXT NOT NULL UNIQUE,      -- lower-cased, for uniqueness and lookup
    display_name  TEXT NOT NULL DEFAULT '',
    bio           TEXT NOT NULL DEFAULT '',
    password_hash TEXT,                      -- PHC string (argon2id); NULL for accounts without a password
    role          TEXT NOT NULL DEFAULT 'user',
    status        TEXT NOT NULL DEFAULT 'active',
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL
);

-- One row per sign-in (a device); its refresh tokens form one family.
CREATE TABLE sessions (
    id             TEXT PRIMARY KEY,
    user_id        TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at     BIGINT NOT NULL,
    expires_at     BIGINT NOT NULL,           -- absolute end, never extended by refreshing
    revoked_at     BIGINT,
    revoked_reason TEXT
);
CREATE INDEX sessions_by_user ON sessions (user_id);

-- Refresh tokens are stored only as SHA-256 hashes; each may be used once.
CREATE TABLE refresh_tokens (
    token_hash TEXT PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    used_at    BIGINT
);
CREATE INDEX refresh_tokens_by_session ON refresh_tokens (session_id);
