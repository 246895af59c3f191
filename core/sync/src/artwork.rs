//! Artwork: the small images the catalogue refers to (album covers, podcast and artist pictures),
//! fetched into one folder as `<dir>/<hash>`, shared by every item that uses the same image.
//!
//! Unlike media downloads, artwork has no queue and no quota: every image the catalogue refers to is
//! fetched after a sync (they are small and few: tracks share their album's), so that the player bar,
//! Now Playing and the system's media controls show it offline. An image is written to a temporary
//! name and renamed only after its SHA-256 matches the hash it is addressed by; an image larger than
//! [`MAX_ARTWORK_BYTES`] is refused. A failed image does not stop the others and is tried again after
//! the next sync.

use std::path::{Path, PathBuf};

use cnt_model::sync::MediaRef;
use sha2::{Digest, Sha256};

use crate::ServerClient;

/// The largest image accepted (a 3000 × 3000 JPEG is about 2 MiB).
pub const MAX_ARTWORK_BYTES: u64 = 8 * 1024 * 1024;

/// What [`fetch_artwork`] did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ArtworkReport {
    /// Images fetched now.
    pub fetched: usize,
    /// Images that were already here.
    pub present: usize,
    /// Images that could not be fetched: (hash, reason).
    pub failed: Vec<(String, String)>,
}

/// Where the image with `hash` lives in `dir`, if it is there.
pub fn artwork_path(dir: &Path, hash: &str) -> Option<PathBuf> {
    if !MediaRef::is_valid_hash(hash) {
        return None;
    }
    let path = dir.join(hash);
    path.is_file().then_some(path)
}

/// Fetches every image of `hashes` that is not in `dir` yet.
///
/// # Errors
/// [`crate::Error::Unreachable`] when the server cannot be reached at all (the rest is not tried);
/// other failures are per image, in [`ArtworkReport::failed`].
pub async fn fetch_artwork(
    client: &ServerClient,
    access_token: &str,
    dir: &Path,
    hashes: &[String],
) -> crate::Result<ArtworkReport> {
    let mut report = ArtworkReport::default();
    let missing: Vec<&String> = hashes
        .iter()
        .filter(|h| {
            let here = artwork_path(dir, h).is_some();
            report.present += usize::from(here);
            !here
        })
        .collect();
    if missing.is_empty() {
        return Ok(report);
    }
    if let Err(e) = tokio::fs::create_dir_all(dir).await {
        let why = format!("cannot create {}: {e}", dir.display());
        report.failed = missing
            .iter()
            .map(|h| ((*h).clone(), why.clone()))
            .collect();
        return Ok(report);
    }
    for hash in missing {
        if !MediaRef::is_valid_hash(hash) {
            report
                .failed
                .push((hash.clone(), "not a SHA-256 content hash".into()));
            continue;
        }
        match fetch_one(client, access_token, dir, hash).await {
            Ok(()) => report.fetched += 1,
            Err(Fail::Server(e)) if e.is_unreachable() => return Err(e),
            Err(e) => {
                let why = match e {
                    Fail::Server(e) => e.to_string(),
                    Fail::Other(why) => why,
                };
                tracing::info!("artwork {hash}: {why}");
                report.failed.push((hash.clone(), why));
            }
        }
    }
    Ok(report)
}

enum Fail {
    Server(crate::Error),
    Other(String),
}

async fn fetch_one(
    client: &ServerClient,
    access_token: &str,
    dir: &Path,
    hash: &str,
) -> Result<(), Fail> {
    let mut response = client
        .media(access_token, hash, 0)
        .await
        .map_err(Fail::Server)?;
    let too_big = || {
        Fail::Other(format!(
            "the image is larger than {MAX_ARTWORK_BYTES} bytes"
        ))
    };
    if response
        .content_length()
        .is_some_and(|n| n > MAX_ARTWORK_BYTES)
    {
        return Err(too_big());
    }
    let mut body = Vec::new();
    let mut hasher = Sha256::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|e| Fail::Other(format!("the transfer broke off: {e}")))?
    {
        if body.len() as u64 + chunk.len() as u64 > MAX_ARTWORK_BYTES {
            return Err(too_big());
        }
        hasher.update(&chunk);
        body.extend_from_slice(&chunk);
    }
    if crate::download::hex(&hasher.finalize()) != hash {
        return Err(Fail::Other("the image does not match its checksum".into()));
    }
    let tmp = dir.join(format!(".{hash}.tmp"));
    let write = async {
        tokio::fs::write(&tmp, &body).await?;
        tokio::fs::rename(&tmp, dir.join(hash)).await
    };
    if let Err(e) = write.await {
        let _ = tokio::fs::remove_file(&tmp).await;
        return Err(Fail::Other(format!("cannot write {}: {e}", dir.display())));
    }
    Ok(())
}
