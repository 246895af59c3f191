//! Opening the crate's SQLite files (the Bible store and the song library) the same way: folder
//! created, WAL, foreign keys, `PRAGMA user_version` migrations, and a file from a newer app
//! refused rather than risked.

use std::path::Path;

use rusqlite::Connection;

use crate::{Error, Result};

/// Opens (creating its folder) or, with `None`, makes in memory a database migrated with
/// `migrations`; `too_new(found, supported)` is the error for a file from a newer app.
pub(crate) fn open_migrated(
    path: Option<&Path>,
    migrations: &[&str],
    too_new: fn(i64, i64) -> Error,
) -> Result<Connection> {
    let mut conn = match path {
        Some(path) => {
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir).map_err(|source| Error::Io {
                    path: dir.to_owned(),
                    source,
                })?;
            }
            let conn = Connection::open(path)?;
            // journal_mode answers with a row, so it is read rather than executed.
            let _mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
            conn
        }
        None => Connection::open_in_memory()?,
    };
    conn.execute_batch("PRAGMA foreign_keys = ON;")?;
    let supported = migrations.len() as i64;
    let found: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if found > supported {
        return Err(too_new(found, supported));
    }
    for (index, sql) in migrations
        .iter()
        .enumerate()
        .skip(usize::try_from(found).unwrap_or(0))
    {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        // user_version cannot take a bound parameter; the value is our own integer.
        tx.execute_batch(&format!("PRAGMA user_version = {}", index + 1))?;
        tx.commit()?;
    }
    Ok(conn)
}
