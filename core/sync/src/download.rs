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
//! - **One writer per file**: the partial file is locked (an advisory `flock`) while it is fetched,
//!   verified and renamed, so a background download and a play-while-downloading of the same file
//!   never write it together; the second one waits, then finds the file done.
//! - **Streaming**: [`Downloader::download_with`] reports each flushed chunk to a [`DownloadFeed`]
//!   (the app's glue into the player's growing file), then the verified file in place, or the failure.
//!   cnt-sync knows nothing of playback: the feed is a trait, so this crate stays free of the player
//!   and its native audio dependencies.

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

/// Told about a file's bytes as they land, so that it can be played while it downloads.
///
/// Calls come from the downloading task, in order: `written` (growing), perhaps `restarted` once
/// before any `written`, then exactly one of `complete` or `failed`.
pub trait DownloadFeed: Send + Sync {
    /// Bytes `0..written` of the partial file are on disk (flushed: another descriptor reads them).
    fn written(&self, written: u64);
    /// The server ignored the range: the partial file starts over from its first byte.
    fn restarted(&self);
    /// The file is verified and renamed into place at `path`.
    fn complete(&self, path: &Path);
    /// The download failed this time; `reason` is for the user.
    fn failed(&self, reason: &str);
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

    /// Where the file with `hash` arrives before it is verified (read it only through a lock-aware
    /// reader such as the player's growing file: it may be truncated when a download starts over).
    pub fn partial_of(&self, hash: &str) -> PathBuf {
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
        self.download_with(client, access_token, library, job, progress, None)
            .await
    }

    /// [`Downloader::download`], reporting the file's growth to `feed` (to play it while it
    /// arrives): every chunk is flushed to the partial file before it is reported; `complete` comes
    /// after the SHA-256 check and the rename (a reader's open descriptor survives the rename), and
    /// any other end is `failed` with its reason.
    ///
    /// # Errors
    /// As [`Downloader::download`] (the feed is told `failed` too).
    pub async fn download_with(
        &self,
        client: &ServerClient,
        access_token: &str,
        library: &Arc<Mutex<Library>>,
        job: &DownloadJob,
        progress: &mut (dyn FnMut(DownloadProgress) + Send),
        feed: Option<&dyn DownloadFeed>,
    ) -> Result<DownloadOutcome, SyncError> {
        let r = self
            .download_inner(client, access_token, library, job, progress, feed)
            .await;
        if let Some(feed) = feed {
            match &r {
                Ok(DownloadOutcome::Done) => feed.complete(&self.path_of(&job.hash)),
                Ok(DownloadOutcome::Retrying(m) | DownloadOutcome::Failed(m)) => feed.failed(m),
                Err(e) => feed.failed(&e.to_string()),
            }
        }
        r
    }

    async fn download_inner(
        &self,
        client: &ServerClient,
        access_token: &str,
        library: &Arc<Mutex<Library>>,
        job: &DownloadJob,
        progress: &mut (dyn FnMut(DownloadProgress) + Send),
        feed: Option<&dyn DownloadFeed>,
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
        // One writer per file: wait while another download of it runs, then see what it left. The
        // lock is held until this function returns (fetch, verify and rename included).
        let lock = match self.lock_partial(&hash).await {
            Ok(lock) => lock,
            Err(message) => return self.fail(library, &hash, &message, 1).await,
        };
        if file_matches(&target, &hash).await {
            // Another download finished it while we waited; drop the empty file our lock made.
            if lock.metadata().is_ok_and(|m| m.len() == 0) {
                let _ = tokio::fs::remove_file(self.partial_of(&hash)).await;
            }
            let h = hash.clone();
            with_library(library, move |l| l.download_done(&h)).await?;
            return Ok(DownloadOutcome::Done);
        }
        match self
            .fetch(client, access_token, library, job, progress, feed)
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

    /// Opens (creating) the partial file of `hash` and takes its exclusive lock, waiting while another
    /// downloader holds it. The lock lasts as long as the returned file is open.
    async fn lock_partial(&self, hash: &str) -> Result<std::fs::File, String> {
        let partial = self.partial_of(hash);
        let dir = self.media_dir.join("partial");
        tokio::fs::create_dir_all(&dir)
            .await
            .map_err(|e| write_error(&dir, &e))?;
        tokio::task::spawn_blocking(move || {
            loop {
                let f = std::fs::OpenOptions::new()
                    .create(true)
                    .truncate(false)
                    .write(true)
                    .open(&partial)
                    .map_err(|e| write_error(&partial, &e))?;
                f.lock().map_err(|e| write_error(&partial, &e))?;
                // The holder we waited for may have renamed or deleted that file: lock the one at
                // the path now.
                if same_file(&f, &partial) {
                    return Ok(f);
                }
            }
        })
        .await
        .map_err(|e| format!("the download task failed: {e}"))?
    }

    async fn fetch(
        &self,
        client: &ServerClient,
        access_token: &str,
        library: &Arc<Mutex<Library>>,
        job: &DownloadJob,
        progress: &mut (dyn FnMut(DownloadProgress) + Send),
        feed: Option<&dyn DownloadFeed>,
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
        if let Some(feed) = feed {
            // Readers wait for bytes the server confirmed: the kept part once resuming is agreed,
            // or nothing when it starts over.
            if resumed {
                feed.written(have);
            } else {
                feed.restarted();
            }
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
            if let Some(feed) = feed {
                // tokio's file hands the bytes to a blocking task: flush so that they are in the
                // file before a reader is told so.
                file.flush()
                    .await
                    .map_err(|e| Fetch::Write(write_error(&partial, &e)))?;
                feed.written(have);
            }
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

/// Whether the open file `f` is the one at `path` now.
fn same_file(f: &std::fs::File, path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        match (f.metadata(), std::fs::metadata(path)) {
            (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
            _ => false,
        }
    }
    #[cfg(not(unix))]
    {
        let _ = (f, path);
        true
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
        hex(&hasher.finalize()) == hash
    })
    .await
    .unwrap_or(false)
}

/// A digest as lower-case hex, the form content hashes are addressed by.
pub(crate) fn hex(digest: &[u8]) -> String {
    digest.iter().map(|b| format!("{b:02x}")).collect()
}
