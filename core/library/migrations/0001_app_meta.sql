-- Facts about this library file: who created it and when, the server it syncs with.
CREATE TABLE app_meta (
    meta_key   TEXT PRIMARY KEY,
    meta_value TEXT NOT NULL
) STRICT;
