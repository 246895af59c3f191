//! Integration tests of cnt-player against the shared test data (`../shared/data`, beside the repo).
//!
//! Everything here goes through real decoders and, except in `decode`, through the real engine thread
//! into a memory or WAV sink.

mod decode;
mod engine;
mod gapless;
mod lyrics;
mod stream;
mod support;
