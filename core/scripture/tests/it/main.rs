//! Integration tests of cnt-scripture over the real files in `../shared/data`.

mod bible;
mod openlp;
mod songs;

use std::path::PathBuf;

/// A path under the shared test data (`../shared/data` from the repository root).
pub fn data(rel: &str) -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data")).join(rel)
}
