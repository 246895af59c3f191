//! Media files in a local folder, addressed by their SHA-256 (`<media_dir>/<ab>/<abcdef…>`).
//!
//! A file is written to `<media_dir>/tmp/` while it is hashed, synced, and renamed into place only
//! when complete, so a killed upload never leaves a file under a hash it does not have. The `media`
//! table records size and type. Serving ([`crate::routes`]) honours `Range`, `If-None-Match` and
//! `If-Range`; the ETag is the hash, which never changes for a given address.
//!
//! S3-compatible storage (ARCHITECTURE.md "Backend") is the scale-out path; this module is the
//! embedded default.

use std::path::{Path, PathBuf};

use cnt_model::sync::MediaRef;
use sha2::{Digest, Sha256};
use sqlx::Row;
use tokio::io::AsyncWriteExt;

use crate::db::{Db, DbError};

/// Errors of the media store.
#[derive(Debug, thiserror::Error)]
pub enum MediaError {
    /// Reading or writing a file failed.
    #[error("{action} {path}: {source}")]
    Io {
        /// What we were doing.
        action: &'static str,
        /// The file.
        path: PathBuf,
        /// Why it failed.
        source: std::io::Error,
    },
    /// The upload was larger than allowed.
    #[error("the file is larger than {0} bytes")]
    TooLarge(u64),
    /// The upload stream failed.
    #[error("the upload was interrupted: {0}")]
    Interrupted(String),
    /// The database failed.
    #[error(transparent)]
    Db(#[from] DbError),
}

/// The media folder.
#[derive(Clone, Debug)]
pub struct MediaStore {
    dir: PathBuf,
}

impl MediaStore {
    /// A store in `dir` (created on first write).
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        MediaStore { dir: dir.into() }
    }

    /// Where the file with `hash` lives (callers check the hash's shape first).
    pub fn path(&self, hash: &str) -> PathBuf {
        self.dir.join(&hash[..2.min(hash.len())]).join(hash)
    }

    fn io<'p>(
        action: &'static str,
        path: &'p Path,
    ) -> impl FnOnce(std::io::Error) -> MediaError + 'p {
        move |source| MediaError::Io {
            action,
            path: path.to_owned(),
            source,
        }
    }

    /// Stores the bytes of `chunks` (at most `max` bytes) as a media file of type `mime`.
    ///
    /// # Errors
    /// I/O, size, interruption or the database; a partial file is removed.
    pub async fn put_stream<S, E>(
        &self,
        db: &Db,
        mime: &str,
        max: u64,
        mut chunks: S,
    ) -> Result<MediaRef, MediaError>
    where
        S: futures::Stream<Item = Result<bytes::Bytes, E>> + Unpin,
        E: std::fmt::Display,
    {
        use futures::StreamExt;
        let tmp_dir = self.dir.join("tmp");
        tokio::fs::create_dir_all(&tmp_dir)
            .await
            .map_err(Self::io("create", &tmp_dir))?;
        let tmp = tmp_dir.join(uuid::Uuid::new_v4().to_string());
        let result = async {
            let mut file = tokio::fs::File::create(&tmp)
                .await
                .map_err(Self::io("create", &tmp))?;
            let mut hasher = Sha256::new();
            let mut size = 0u64;
            while let Some(chunk) = chunks.next().await {
                let chunk = chunk.map_err(|e| MediaError::Interrupted(e.to_string()))?;
                size += chunk.len() as u64;
                if size > max {
                    return Err(MediaError::TooLarge(max));
                }
                hasher.update(&chunk);
                file.write_all(&chunk)
                    .await
                    .map_err(Self::io("write", &tmp))?;
            }
            file.sync_all().await.map_err(Self::io("sync", &tmp))?;
            Ok((hex(&hasher.finalize()), size))
        }
        .await;
        let (hash, size) = match result {
            Ok(v) => v,
            Err(e) => {
                let _ = tokio::fs::remove_file(&tmp).await;
                return Err(e);
            }
        };
        self.commit(db, &tmp, &hash, size, mime).await
    }

    /// Stores a copy of the file at `source` (used by seeding).
    ///
    /// # Errors
    /// I/O or the database.
    pub async fn put_file(
        &self,
        db: &Db,
        source: &Path,
        mime: &str,
    ) -> Result<MediaRef, MediaError> {
        let bytes = tokio::fs::read(source)
            .await
            .map_err(Self::io("read", source))?;
        let stream = futures::stream::iter([Ok::<_, std::io::Error>(bytes::Bytes::from(bytes))]);
        self.put_stream(db, mime, u64::MAX, stream).await
    }

    async fn commit(
        &self,
        db: &Db,
        tmp: &Path,
        hash: &str,
        size: u64,
        mime: &str,
    ) -> Result<MediaRef, MediaError> {
        let target = self.path(hash);
        if let Some(parent) = target.parent() {
            tokio::fs::create_dir_all(parent)
                .await
                .map_err(Self::io("create", parent))?;
        }
        tokio::fs::rename(tmp, &target)
            .await
            .map_err(Self::io("move into place", &target))?;
        sqlx::query(
            "INSERT INTO media (hash, size, mime, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT (hash) DO NOTHING",
        )
        .bind(hash.to_owned())
        .bind(size as i64)
        .bind(mime.to_owned())
        .bind(crate::auth::now())
        .execute(db.pool())
        .await
        .map_err(DbError::from)?;
        Ok(MediaRef {
            hash: hash.to_owned(),
            size,
            mime: mime.to_owned(),
        })
    }

    /// What the store knows of `hash`, if the file exists.
    ///
    /// # Errors
    /// The database's.
    pub async fn info(&self, db: &Db, hash: &str) -> Result<Option<MediaRef>, DbError> {
        let row = sqlx::query("SELECT size, mime FROM media WHERE hash = $1")
            .bind(hash.to_owned())
            .fetch_optional(db.pool())
            .await?;
        row.map(|r| {
            Ok(MediaRef {
                hash: hash.to_owned(),
                size: r.try_get::<i64, _>("size")?.max(0) as u64,
                mime: r.try_get("mime")?,
            })
        })
        .transpose()
    }
}

/// Lower-case hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

/// A parsed `Range` header against a file of `size` bytes.
#[derive(Debug, PartialEq, Eq)]
pub enum RangeRequest {
    /// No (usable) range: the whole file.
    Full,
    /// Bytes `start..=end`.
    Partial {
        /// First byte.
        start: u64,
        /// Last byte (inclusive).
        end: u64,
    },
    /// A range that lies outside the file.
    Unsatisfiable,
}

/// Parses one `bytes=` range (`a-b`, `a-`, `-n`). Multiple ranges are answered with the whole file,
/// as RFC 9110 allows.
pub fn parse_range(header: Option<&str>, size: u64) -> RangeRequest {
    let Some(spec) = header.and_then(|h| h.trim().strip_prefix("bytes=")) else {
        return RangeRequest::Full;
    };
    if spec.contains(',') {
        return RangeRequest::Full;
    }
    let Some((a, b)) = spec.trim().split_once('-') else {
        return RangeRequest::Full;
    };
    let (a, b) = (a.trim(), b.trim());
    match (a.parse::<u64>().ok(), b.parse::<u64>().ok()) {
        (Some(start), end) => {
            if !b.is_empty() && end.is_none() {
                return RangeRequest::Full;
            }
            if start >= size {
                return RangeRequest::Unsatisfiable;
            }
            let end = end.map_or(size - 1, |e| e.min(size - 1));
            if end < start {
                return RangeRequest::Full;
            }
            RangeRequest::Partial { start, end }
        }
        (None, Some(n)) if a.is_empty() => {
            if n == 0 || size == 0 {
                return RangeRequest::Unsatisfiable;
            }
            let n = n.min(size);
            RangeRequest::Partial {
                start: size - n,
                end: size - 1,
            }
        }
        _ => RangeRequest::Full,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_follow_rfc_9110() {
        use RangeRequest::*;
        assert_eq!(parse_range(None, 100), Full);
        assert_eq!(
            parse_range(Some("bytes=0-9"), 100),
            Partial { start: 0, end: 9 }
        );
        assert_eq!(
            parse_range(Some("bytes=90-"), 100),
            Partial { start: 90, end: 99 }
        );
        assert_eq!(
            parse_range(Some("bytes=90-500"), 100),
            Partial { start: 90, end: 99 }
        );
        assert_eq!(
            parse_range(Some("bytes=-10"), 100),
            Partial { start: 90, end: 99 }
        );
        assert_eq!(
            parse_range(Some("bytes=-500"), 100),
            Partial { start: 0, end: 99 }
        );
        assert_eq!(parse_range(Some("bytes=100-"), 100), Unsatisfiable);
        assert_eq!(parse_range(Some("bytes=-0"), 100), Unsatisfiable);
        assert_eq!(parse_range(Some("bytes=5-2"), 100), Full);
        assert_eq!(parse_range(Some("bytes=0-1,5-6"), 100), Full);
        assert_eq!(parse_range(Some("items=0-1"), 100), Full);
        assert_eq!(parse_range(Some("bytes=x-1"), 100), Full);
        assert_eq!(parse_range(Some("bytes=1-x"), 100), Full);
    }

    #[test]
    fn hex_is_lower_case() {
        assert_eq!(hex(&[0, 15, 255]), "000fff");
    }
}
