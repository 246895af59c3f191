//! Artwork on the device: album covers, podcast and artist pictures, kept in `<data>/artwork/<hash>`
//! (see [`cnt_sync::fetch_artwork`]), fetched after every sync so that they show offline.
//!
//! The screens get an image as a `data:` URI ([`Core::artwork_data_uri`]): the desktop shell's web
//! view and the SSR renderer need no file access for it. The system's media controls get a
//! `file://` URL ([`Core::artwork_url`], MPRIS `mpris:artUrl`). The image type is read from the
//! file's first bytes (PNG, JPEG, GIF, WebP, SVG); a file that is none of these is not shown.

use std::path::PathBuf;

use base64::Engine as _;
use cnt_sync::{ArtworkReport, MAX_ARTWORK_BYTES};

use crate::{Core, CoreEvent, Error, Result};

/// An image's type from its first bytes.
pub fn sniff_image(bytes: &[u8]) -> Option<&'static str> {
    let text_start = |b: &[u8]| {
        let b = b.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(b);
        let i = b
            .iter()
            .position(|c| !c.is_ascii_whitespace())
            .unwrap_or(b.len());
        b[i..].to_vec()
    };
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        Some("image/gif")
    } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some("image/webp")
    } else {
        let head = text_start(&bytes[..bytes.len().min(512)]);
        let svg = head.starts_with(b"<svg")
            || (head.starts_with(b"<?xml") && bytes.windows(4).any(|w| w == b"<svg"));
        svg.then_some("image/svg+xml")
    }
}

impl Core {
    /// Where artwork is kept on this device.
    pub fn artwork_dir(&self) -> PathBuf {
        self.inner.data_dir.join("artwork")
    }

    /// The local file of the image with `hash`, when it has been fetched.
    pub fn artwork_file(&self, hash: &str) -> Option<PathBuf> {
        cnt_sync::artwork_path(&self.artwork_dir(), hash)
    }

    /// The image with `hash` as a `file://` URL (for the system's media controls).
    pub fn artwork_url(&self, hash: &str) -> Option<String> {
        let path = self.artwork_file(hash)?;
        url::Url::from_file_path(&path).ok().map(String::from)
    }

    /// The image with `hash` as a `data:` URI for the screens, when it is here and is an image.
    pub fn artwork_data_uri(&self, hash: &str) -> Option<String> {
        let path = self.artwork_file(hash)?;
        let len = std::fs::metadata(&path).ok()?.len();
        if len > MAX_ARTWORK_BYTES {
            return None;
        }
        let bytes = std::fs::read(&path).ok()?;
        let mime = sniff_image(&bytes)?;
        Some(format!(
            "data:{mime};base64,{}",
            base64::engine::general_purpose::STANDARD.encode(&bytes)
        ))
    }

    /// Fetches every image the library refers to that is not on the device yet. Sends
    /// [`CoreEvent::LibraryChanged`] when some arrived, so that screens show them.
    ///
    /// # Errors
    /// [`Error::NotSignedIn`], [`Error::Server`] when the server cannot be reached,
    /// [`Error::Library`]. A single image that fails is reported in the result, not as an error.
    pub async fn fetch_artwork(&self) -> Result<ArtworkReport> {
        let account = self.account().ok_or(Error::NotSignedIn)?;
        let hashes = self
            .inner
            .library
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .artwork_hashes()?;
        let dir = self.artwork_dir();
        if hashes
            .iter()
            .all(|h| cnt_sync::artwork_path(&dir, h).is_some())
        {
            return Ok(ArtworkReport {
                present: hashes.len(),
                ..ArtworkReport::default()
            });
        }
        let token = self.access_token_for(&account).await?;
        let report = cnt_sync::fetch_artwork(&self.inner.client, &token, &dir, &hashes).await?;
        if report.fetched > 0 {
            let _ = self.inner.events.send(CoreEvent::LibraryChanged);
        }
        Ok(report)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_types_are_read_from_the_first_bytes() {
        assert_eq!(sniff_image(b"\x89PNG\r\n\x1a\n...."), Some("image/png"));
        assert_eq!(
            sniff_image(&[0xFF, 0xD8, 0xFF, 0xE0, 0]),
            Some("image/jpeg")
        );
        assert_eq!(sniff_image(b"GIF89a...."), Some("image/gif"));
        assert_eq!(sniff_image(b"RIFF\0\0\0\0WEBPVP8 "), Some("image/webp"));
        assert_eq!(
            sniff_image(b"\xEF\xBB\xBF  <svg xmlns='http://www.w3.org/2000/svg'/>"),
            Some("image/svg+xml")
        );
        assert_eq!(
            sniff_image(b"<?xml version='1.0'?>\n<svg/>"),
            Some("image/svg+xml")
        );
        assert_eq!(sniff_image(b"<?xml version='1.0'?>\n<html/>"), None);
        assert_eq!(sniff_image(b"<html><script>"), None);
        assert_eq!(sniff_image(b""), None);
    }

    #[tokio::test]
    async fn artwork_on_the_device_becomes_a_data_uri_and_a_file_url() {
        let f = crate::player::tests::fixture();
        let cover = format!("{:064x}", 0xa1);
        let uri = f.core.artwork_data_uri(&cover).expect("the cover is here");
        let b64 = uri
            .strip_prefix("data:image/svg+xml;base64,")
            .expect("an SVG data URI");
        let svg = base64::engine::general_purpose::STANDARD
            .decode(b64)
            .expect("base64");
        assert!(svg.starts_with(b"<svg"));
        let url = f.core.artwork_url(&cover).expect("a file URL");
        assert!(
            url.starts_with("file:///") && url.ends_with(&cover),
            "{url}"
        );
        // Not fetched yet, not a hash, not an image.
        assert_eq!(f.core.artwork_data_uri(&format!("{:064x}", 0xb2)), None);
        assert_eq!(f.core.artwork_data_uri("../../etc/passwd"), None);
        let junk = format!("{:064x}", 0xc3);
        std::fs::write(f.core.artwork_dir().join(&junk), b"<html>no</html>").expect("junk");
        assert_eq!(f.core.artwork_data_uri(&junk), None);
        assert!(f.core.artwork_file(&junk).is_some());
    }
}
