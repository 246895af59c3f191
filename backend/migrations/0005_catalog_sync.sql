-- Catalogue, personal data and the change feed (issue #4). Portable SQL (SQLite and PostgreSQL).
-- Every syncable row lives in `records` with a version from the one counter in `sync_counter`; a delete
-- keeps the row as a tombstone (deleted = 1) so that devices learn of it from the feed.

CREATE TABLE sync_counter (
    id    BIGINT PRIMARY KEY,
    value BIGINT NOT NULL
);
INSERT INTO sync_counter (id, value) VALUES (1, 0);

CREATE TABLE records (
    scope          TEXT NOT NULL,              -- '' for the shared catalogue, else the owner's user id
    kind           TEXT NOT NULL,              -- RecordKind: item, playlist, playlist_entry, favorite, follow, history
    rkey           TEXT NOT NULL,              -- Record::key (id, or the item for favorites/follows/history)
    version        BIGINT NOT NULL,            -- from sync_counter; the feed's order
    deleted        BIGINT NOT NULL DEFAULT 0,  -- 1 = tombstone (body keeps the last state)
    body           TEXT NOT NULL,              -- JSON of the record's data
    field_versions TEXT NOT NULL DEFAULT '{}', -- per-field versions (playlists: last writer wins per field)
    parent         TEXT,                       -- playlist of an entry; artist of a follow
    item_kind      TEXT,                       -- ItemKind of catalogue items, for listings
    featured       BIGINT NOT NULL DEFAULT 0,
    updated_at     BIGINT NOT NULL,
    PRIMARY KEY (scope, kind, rkey)
);
CREATE UNIQUE INDEX records_by_version ON records (version);
CREATE INDEX records_by_parent ON records (scope, kind, parent);
CREATE INDEX records_by_item_kind ON records (item_kind, rkey);

-- Pushed mutations, applied at most once: a replayed id gets its stored result.
CREATE TABLE applied_mutations (
    user_id     TEXT NOT NULL,
    mutation_id TEXT NOT NULL,
    result      TEXT NOT NULL,                 -- JSON MutationOutcome
    applied_at  BIGINT NOT NULL,
    PRIMARY KEY (user_id, mutation_id)
);

-- Media files in the media folder, addressed by SHA-256.
CREATE TABLE media (
    hash       TEXT PRIMARY KEY,
    size       BIGINT NOT NULL,
    mime       TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
