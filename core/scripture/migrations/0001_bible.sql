-- Bible texts. One row per translation; one row per verse whose id orders like the verse:
-- translation * 100000000 + book * 1000000 + chapter * 1000 + verse (see VerseId::key).
CREATE TABLE translation (
    id       INTEGER PRIMARY KEY,
    code     TEXT NOT NULL UNIQUE,
    name     TEXT NOT NULL,
    language TEXT NOT NULL,
    licence  TEXT NOT NULL DEFAULT '',
    source   TEXT NOT NULL DEFAULT ''
);

CREATE TABLE verse (
    id          INTEGER PRIMARY KEY,
    translation INTEGER NOT NULL REFERENCES translation(id) ON DELETE CASCADE,
    text        TEXT NOT NULL,
    -- Where paragraphs, stanzas and poetry lines begin inside `text`: "P0,L31" (kind + byte offset).
    layout      TEXT NOT NULL DEFAULT '',
    -- A heading printed before the verse (a psalm title, a section heading), if any.
    heading     TEXT
);

-- Full-text index over verse.text (external content); diacritics folded so "Jesús" finds "Jesus".
CREATE VIRTUAL TABLE verse_fts USING fts5(
    text,
    content = 'verse',
    content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2'
);
