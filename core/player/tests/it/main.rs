//! Integration tests of cnt-player against the shared test data (`../shared/data`).

mod gapless;
