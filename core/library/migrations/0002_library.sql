-- The catalogue, the user's own data, the outbox and downloads (issue #4).

-- Sync bookkeeping: whose data this file holds and how far the change feed has been applied.
CREATE TABLE sync_state (
    id           INTEGER PRIMARY KEY CHECK (id = 1),
    server       TEXT,
    user_id      TEXT,
    cursor       INTEGER NOT NULL DEFAULT 0,
    last_sync_at INTEGER
) STRICT;
INSERT INTO sync_state (id) VALUES (1);

-- Catalogue items of every kind; `body` is the full record as the server sent it.
CREATE TABLE items (
    rowid        INTEGER PRIMARY KEY,
    id           TEXT NOT NULL UNIQUE,
    kind         TEXT NOT NULL,
    title        TEXT NOT NULL,
    subtitle     TEXT,
    album_title  TEXT,
    description  TEXT,
    lyrics       TEXT,
    artist_id    TEXT,
    album_id     TEXT,
    parent_id    TEXT,
    number       INTEGER,
    duration_ms  INTEGER,
    media_hash   TEXT,
    media_size   INTEGER,
    artwork_hash TEXT,
    featured     INTEGER NOT NULL DEFAULT 0,
    version      INTEGER NOT NULL,
    body         TEXT NOT NULL
) STRICT;
CREATE INDEX items_by_kind ON items (kind, title COLLATE NOCASE);
CREATE INDEX items_by_album ON items (album_id, number);
CREATE INDEX items_by_artist ON items (artist_id);
CREATE INDEX items_by_parent ON items (parent_id, number);
CREATE INDEX items_featured ON items (featured) WHERE featured = 1;

-- Full-text search over every kind. Prefix indexes make one- to three-letter prefixes single lookups;
-- remove_diacritics folds "canción" and "cancion" together. `kind` is indexed so that each group of
-- results is its own cheap query.
CREATE VIRTUAL TABLE items_fts USING fts5 (
    kind, title, subtitle, album_title, description, lyrics,
    content = 'items', content_rowid = 'rowid',
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '1 2 3 4 5 6'
);
CREATE TRIGGER items_ai AFTER INSERT ON items BEGIN
    INSERT INTO items_fts (rowid, kind, title, subtitle, album_title, description, lyrics)
    VALUES (new.rowid, new.kind, new.title, new.subtitle, new.album_title, new.description, new.lyrics);
END;
CREATE TRIGGER items_ad AFTER DELETE ON items BEGIN
    INSERT INTO items_fts (items_fts, rowid, kind, title, subtitle, album_title, description, lyrics)
    VALUES ('delete', old.rowid, old.kind, old.title, old.subtitle, old.album_title, old.description, old.lyrics);
END;
CREATE TRIGGER items_au AFTER UPDATE ON items BEGIN
    INSERT INTO items_fts (items_fts, rowid, kind, title, subtitle, album_title, description, lyrics)
    VALUES ('delete', old.rowid, old.kind, old.title, old.subtitle, old.album_title, old.description, old.lyrics);
    INSERT INTO items_fts (rowid, kind, title, subtitle, album_title, description, lyrics)
    VALUES (new.rowid, new.kind, new.title, new.subtitle, new.album_title, new.description, new.lyrics);
END;

-- The user's own data (wiped when another user signs in on this device).
CREATE TABLE playlists (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    description TEXT,
    created_at  INTEGER NOT NULL,
    version     INTEGER NOT NULL DEFAULT 0     -- 0 = made here, not yet confirmed by the server
) STRICT;
CREATE TABLE playlist_entries (
    id          TEXT PRIMARY KEY,
    playlist_id TEXT NOT NULL REFERENCES playlists (id) ON DELETE CASCADE,
    item_id     TEXT NOT NULL,
    position    TEXT NOT NULL,
    added_at    INTEGER NOT NULL,
    version     INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX entries_by_playlist ON playlist_entries (playlist_id, position, id);
CREATE TABLE favorites (item_id TEXT PRIMARY KEY, added_at INTEGER NOT NULL) STRICT;
CREATE TABLE follows (artist_id TEXT PRIMARY KEY, since INTEGER NOT NULL) STRICT;
CREATE TABLE history (
    item_id     TEXT PRIMARY KEY,
    position_ms INTEGER NOT NULL,
    played_at   INTEGER NOT NULL,
    play_count  INTEGER NOT NULL
) STRICT;
CREATE INDEX history_recent ON history (played_at DESC);

-- Local edits waiting to be pushed, written in the same transaction as the edit itself.
CREATE TABLE outbox (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id     TEXT NOT NULL,
    mutation_id TEXT NOT NULL UNIQUE,
    target      TEXT,                 -- the playlist a playlist edit touches
    body        TEXT NOT NULL,        -- JSON Mutation
    created_at  INTEGER NOT NULL
) STRICT;

-- Edits the server refused (e.g. a playlist deleted on another device), shown to the user.
CREATE TABLE conflicts (
    id          INTEGER PRIMARY KEY,
    target      TEXT NOT NULL UNIQUE,
    title       TEXT NOT NULL,
    code        TEXT NOT NULL,
    snapshot    TEXT NOT NULL,        -- JSON list of item ids the user had in it
    lost_edits  INTEGER NOT NULL,
    detected_at INTEGER NOT NULL
) STRICT;

-- Media kept on this device.
CREATE TABLE downloads (
    item_id      TEXT PRIMARY KEY,
    hash         TEXT NOT NULL,
    size         INTEGER NOT NULL,
    mime         TEXT NOT NULL,
    state        TEXT NOT NULL,       -- queued | done | failed
    bytes_done   INTEGER NOT NULL DEFAULT 0,
    pinned       INTEGER NOT NULL DEFAULT 0,
    error        TEXT,
    attempts     INTEGER NOT NULL DEFAULT 0,
    added_at     INTEGER NOT NULL,
    completed_at INTEGER,
    last_used_at INTEGER NOT NULL
) STRICT;
CREATE INDEX downloads_by_hash ON downloads (hash);
CREATE TABLE pinned_playlists (playlist_id TEXT PRIMARY KEY) STRICT;
