-- Facts about this server's database: when it was created and by which version.
-- Portable SQL: this file runs on SQLite and on PostgreSQL.
CREATE TABLE server_meta (
    meta_key   TEXT PRIMARY KEY,
    meta_value TEXT NOT NULL
);
