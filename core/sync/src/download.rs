//! Media downloads: resumable, verified, within a storage quota.
//!
//! Files go to `<media_dir>/partial/<hash>.part` while they arrive and are renamed to
//! `<media_dir>/<hash>` only after their SHA-256 matches the hash they are addressed by, so a file
//! under its final name is always complete and correct.
//! - **Resume**: the partial file's length is the resume point; the request carries `Range` and an
//!   `If-Range` on the hash, and a `200` answer (the server ignored the range) starts the file over.
//! - **Disk full** (or any write error): the item gets a clear error and the partial file stays for
//!   the next attempt.
//! - **Hash mismatch**: the partial file is deleted and the item retried, up to
//!   [`Downloader::max_attempts`]; then it shows as failed, and the rest of the queue goes on.
//! - **Quota**: before fetching, least recently used unpinned downloads are evicted to make room
//!   ([`Library::evict_for`]); if pinned items alone fill the quota, the item fails with that reason.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use cnt_library::{DownloadJob, Library};
use sha2::{Digest, Sha256};
use tokio::io::AsyncWriteExt;

use crate::engine::{SyncError, with_library};
use crate::{Error, ServerClient};

/// Progress of one file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DownloadProgress {
    /// The file's hash.
    pub hash: String,
    /// Bytes on disk.
    pub done: u64,
    /// Bytes in all.
    pub total: u64,
}

/// What became of one download.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DownloadOutcome {
    /// On disk and verified.
    Done,
    /// Failed this time; it stays queued for another attempt.
    Retrying(String),
    /// Failed for good (shown in the error list until retried by the user).
    Failed(String),
}

/// Fetches queued downloads into a media folder.
#[derive(Clone, Debug)]
pub struct Downloader {
    /// The media folder.
    pub media_dir: PathBuf,
    /// Storage quota in bytes for downloaded files.
    pub quota: u64,
    /// Attempts per file before it is marked failed.
    pub max_attempts: u32,
}

impl Downloader {
    /// A downloader into `media_dir` with `quota` bytes.
    pub fn new(media_dir: impl Into<PathBuf>, quota: u64) -> Self {
        Downloader {
            media_dir: media_dir.into(),
            quota,
            max_attempts: 3,
        }
    }

    /// Where the verified file with `hash` lives.
    pub fn path_of(&self, hash: &str) -> PathBuf {
        self.media_dir.join(hash)
    }

    fn partial_of(&self, hash: &str) -> PathBuf {
        self.media_dir.join("partial").join(format!("{hash}.part"))
    }

    /// Downloads everything queued, one file at a time, until the queue is empty. A failing file
    /// does not stop the others. Returns (done, failed).
    ///
    /// # Errors
    /// Only when the server cannot be reached or the token is refused (the queue stays as it is) or
    /// the library fails.
    pub async fn run_queue(
        &self,
        client: &ServerClient,
        access_token: &str,
        library: &Arc<Mutex<Library>>,
        progress: &mut (dyn FnMut(DownloadProgress) + Send),
    ) -> Result<(u64, u64), SyncError> {
        let (mut done, mut failed) = (0, 0);
        while let Some(job) = with_library(library, |l| l.next_download()).await? {
            match self
                .download(client, access_token, library, &job, progress)
                .await?
            {
                DownloadOutcome::Done => done += 1,
                DownloadOutcome::Failed(_) => failed += 1,
                DownloadOutcome::Retrying(_) => {}
            }
        }
        Ok((done, failed))
    }

    /// Downloads one queued file.
    ///
    /// # Errors
    /// Unreachable server, refused token, or the library; other failures are recorded on the item
    /// and returned as an outcome.
    pub async fn download(
        &self,
        client: &ServerClient,
        access_token: &str,
        library: &Arc<Mutex<Library>>,
        job: &DownloadJob,
        progress: &mut (dyn FnMut(DownloadProgress) + Send),
    ) -> Result<DownloadOutcome, SyncError> {
        let hash = job.hash.clone();
        let target = self.path_of(&hash);
        if file_matches(&target, &hash).await {
            let h = hash.clone();
            with_library(library, move |l| l.download_done(&h)).await?;
            return Ok(DownloadOutcome::Done);
        }
        // Make room first.
        let (size, quota) = (job.size, self.quota);
        match with_library(library, move |l| l.evict_for(size, quota)).await {
            Ok(evicted) => {
                for h in evicted {
                    let _ = tokio::fs::remove_file(self.path_of(&h)).await;
                }
            }
            Err(SyncError::Library(e @ cnt_library::Error::QuotaFull { .. })) => {
                return self.fail(library, &hash, &e.to_string(), 1).await;
            }
            Err(e) => return Err(e),
        }
        match self
            .fetch(client, access_token, library, job, progress)
            .await
        {
            Ok(()) => {}
            Err(Fetch::Server(e))
                if e.is_unreachable() || e.code() == Some(cnt_model::ErrorCode::InvalidToken) =>
            {
                return Err(SyncError::Server(e));
            }
            Err(Fetch::Server(e)) => {
                return self
                    .fail(library, &hash, &e.to_string(), self.max_attempts)
                    .await;
            }
            // A full disk or an unwritable folder: the user must act; the partial file stays.
            Err(Fetch::Write(message)) => return self.fail(library, &hash, &message, 1).await,
        }
        // Verify before use.
        let partial = self.partial_of(&hash);
        if !file_matches(&partial, &hash).await {
            let _ = tokio::fs::remove_file(&partial).await;
            return self
                .fail(
                    library,
                    &hash,
                    "the downloaded file did not match its checksum",
                    self.max_attempts,
                )
                .await;
        }
        if let Err(e) = tokio::fs::rename(&partial, &target).await {
            return self
                .fail(
                    library,
                    &hash,
                    &format!("cannot move the file into place: {e}"),
                    1,
                )
                .await;
        }
        let h = hash.clone();
        with_library(library, move |l| l.download_done(&h)).await?;
        progress(DownloadProgress {
            hash,
            done: job.size,
            total: job.size,
        });
        Ok(DownloadOutcome::Done)
    }

    async fn fail(
        &self,
        library: &Arc<Mutex<Library>>,
        hash: &str,
        message: &str,
        max_attempts: u32,
    ) -> Result<DownloadOutcome, SyncError> {
        let (h, m) = (hash.to_owned(), message.to_owned());
        let failed =
            with_library(library, move |l| l.download_failed(&h, &m, max_attempts)).await?;
        tracing::warn!(%hash, %message, failed, "download failed");
        Ok(if failed {
            DownloadOutcome::Failed(message.to_owned())
        } else {
            DownloadOutcome::Retrying(message.to_owned())
        })
    }

    async fn fetch(
        &self,
        client: &ServerClient,
        access_token: &str,
        library: &Arc<Mutex<Library>>,
        job: &DownloadJob,
        progress: &mut (dyn FnMut(DownloadProgress) + Send),
    ) -> Result<(), Fetch> {
        let partial = self.partial_of(&job.hash);
        let dir = self.media_dir.join("partial");
        tokio::fs::create_dir_all(&dir)
            .await
            .map_err(|e| Fetch::Write(write_error(&dir, &e)))?;
        let mut have = tokio::fs::metadata(&partial)
            .await
            .map(|m| m.len())
            .unwrap_or(0);
        if have > job.size {
            have = 0;
        }
        if have == job.size && have > 0 {
            return Ok(());
        }
        let mut response = match client.media(access_token, &job.hash, have).await {
            Ok(r) => r,
            Err(e) if e.code() == Some(cnt_model::ErrorCode::RangeNotSatisfiable) => {
                // Our partial file is no prefix of theirs: start over.
                have = 0;
                client
                    .media(access_token, &job.hash, 0)
                    .await
                    .map_err(Fetch::Server)?
            }
            Err(e) => return Err(Fetch::Server(e)),
        };
        let resumed = response.status() == reqwest::StatusCode::PARTIAL_CONTENT;
        if !resumed {
            have = 0;
        }
        let mut file = tokio::fs::OpenOptions::new()
            .create(true)
            .write(true)
            .append(resumed)
            .truncate(!resumed)
            .open(&partial)
            .await
            .map_err(|e| Fetch::Write(write_error(&partial, &e)))?;
        let mut since_report = 0u64;
        loop {
            let chunk = match response.chunk().await {
                Ok(Some(c)) => c,
                Ok(None) => break,
                Err(e) => {
                    let _ = file.flush().await;
                    return Err(Fetch::Server(Error::Unreachable {
                        url: client.display_url(),
                        reason: format!("the download was interrupted: {e}"),
                    }));
                }
            };
            if let Err(e) = file.write_all(&chunk).await {
                let _ = file.flush().await;
                return Err(Fetch::Write(write_error(&partial, &e)));
            }
            have += chunk.len() as u64;
            since_report += chunk.len() as u64;
            if since_report >= 256 * 1024 {
                since_report = 0;
                let h = job.hash.clone();
                let _ = with_library(library, move |l| l.download_progress(&h, have)).await;
                progress(DownloadProgress {
                    hash: job.hash.clone(),
                    done: have,
                    total: job.size,
                });
            }
        }
        file.flush()
            .await
            .map_err(|e| Fetch::Write(write_error(&partial, &e)))?;
        file.sync_all()
            .await
            .map_err(|e| Fetch::Write(write_error(&partial, &e)))?;
        let h = job.hash.clone();
        let _ = with_library(library, move |l| l.download_progress(&h, have)).await;
        Ok(())
    }
}

enum Fetch {
    Server(Error),
    Write(String),
}

fn write_error(path: &Path, e: &std::io::Error) -> String {
    if e.raw_os_error() == Some(28) || e.kind() == std::io::ErrorKind::StorageFull {
        format!(
            "the disk is full ({}): free some space, then retry; the part already downloaded is kept",
            path.display()
        )
    } else {
        format!("cannot write {}: {e}", path.display())
    }
}

/// Whether the file at `path` exists and its SHA-256 is `hash`.
pub async fn file_matches(path: &Path, hash: &str) -> bool {
    let path = path.to_owned();
    let hash = hash.to_owned();
    tokio::task::spawn_blocking(move || {
        use std::io::Read;
        let Ok(mut f) = std::fs::File::open(&path) else {
            return false;
        };
        let mut hasher = Sha256::new();
        let mut buf = vec![0u8; 256 * 1024];
        loop {
            match f.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => hasher.update(&buf[..n]),
                Err(_) => return false,
            }
        }
        let digest = hasher.finalize();
        let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
        hex == hash
    })
    .await
    .unwrap_or(false)
}
