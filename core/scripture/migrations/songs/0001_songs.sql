-- The song library and saved verses: the user's own data (songs.db), kept apart from bible.db,
-- which can always be rebuilt. Each song is stored as OpenLyrics 0.9 (what `song::openlyrics::write`
-- produces and `parse_str` reads back) plus the columns a list needs.
CREATE TABLE song (
    id         INTEGER PRIMARY KEY,
    title      TEXT NOT NULL,
    -- Author names joined with ", ", for lists and search.
    authors    TEXT NOT NULL DEFAULT '',
    song_key   TEXT,
    ccli       TEXT,
    -- Every section's words, one line per line, for the search index.
    lyrics     TEXT NOT NULL DEFAULT '',
    -- The file it was imported from (name only).
    source     TEXT NOT NULL DEFAULT '',
    openlyrics TEXT NOT NULL,
    added      INTEGER NOT NULL DEFAULT (CAST(strftime('%s', 'now') AS INTEGER))
);

CREATE VIRTUAL TABLE song_fts USING fts5(
    title,
    authors,
    lyrics,
    content = 'song',
    content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TRIGGER song_ai AFTER INSERT ON song BEGIN
    INSERT INTO song_fts(rowid, title, authors, lyrics) VALUES (new.id, new.title, new.authors, new.lyrics);
END;
CREATE TRIGGER song_ad AFTER DELETE ON song BEGIN
    INSERT INTO song_fts(song_fts, rowid, title, authors, lyrics)
    VALUES ('delete', old.id, old.title, old.authors, old.lyrics);
END;

-- Verses the user saved from the Bible reader, by reference (`John 3:16`) and OSIS id.
CREATE TABLE saved_verse (
    id        INTEGER PRIMARY KEY,
    reference TEXT NOT NULL UNIQUE,
    osis      TEXT NOT NULL,
    added     INTEGER NOT NULL DEFAULT (CAST(strftime('%s', 'now') AS INTEGER))
);
