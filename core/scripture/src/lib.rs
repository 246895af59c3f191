//! Scripture and songs: Bible texts, references, imports and song formats.
//!
//! Main types, and what the UI and CLI call (through `cnt-app`):
//! - [`Reference`]: parse what people type (`Jn 3:16-18`, `1co13 4`, `Juan 3:16`) and format it back;
//!   the canon in [`BOOKS`] / [`Book`] checks every chapter and verse.
//!
//! Threading: everything here is synchronous; a store handle is used from one thread at a time (the
//! caller runs long imports on a blocking thread). No dependency on other client crates except
//! `cnt-model`; no UI types.

pub mod bible;
mod canon;
mod error;
pub mod reference;
pub mod song;
mod versification;
mod xml;

pub use canon::{BOOKS, Book, Lang, Testament, fold};
pub use error::{Error, Result};
pub use reference::{Passage, Point, Reference, VerseId};
