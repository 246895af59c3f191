//! Scripture and songs: Bible texts, references, imports and song formats (the scripture issue builds
//! most of it).
//!
//! Today this crate holds the canon every later part needs: the 66 books of the Protestant canon with
//! their OSIS codes, English names and chapter counts ([`BOOKS`], [`Book::by_osis`]), so that a
//! reference like `John 22:1` can already be refused as impossible. Reference parsing, Bible imports
//! (OSIS, Zefania, USFM), full-text search, and song formats (OpenLyrics, ChordPro, CCLI) arrive with
//! the scripture issue; text storage will be SQLite through this crate, never from the UI.
//!
//! Pure Rust, no I/O in this module; no dependency on other client crates except `cnt-model`.

/// Errors of scripture handling.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// No book has this code or name.
    #[error("unknown book {0:?}")]
    UnknownBook(String),
    /// The book has fewer chapters.
    #[error("{book} has {chapters} chapters, so there is no chapter {asked}")]
    NoSuchChapter {
        /// The book's English name.
        book: &'static str,
        /// How many it has.
        chapters: u16,
        /// What was asked.
        asked: u16,
    },
}

/// Result with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Old or New Testament.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Testament {
    /// Genesis to Malachi.
    Old,
    /// Matthew to Revelation.
    New,
}

/// A book of the Bible.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Book {
    /// OSIS code, e.g. `"1Cor"`.
    pub osis: &'static str,
    /// English name, e.g. `"1 Corinthians"`.
    pub name: &'static str,
    /// Number of chapters.
    pub chapters: u16,
    /// Which testament.
    pub testament: Testament,
}

macro_rules! books {
    ($($t:ident $osis:literal $name:literal $ch:literal;)*) => {
        /// The 66 books in canonical order.
        pub const BOOKS: &[Book] = &[$(Book { osis: $osis, name: $name, chapters: $ch, testament: Testament::$t }),*];
    };
}

books! {
    Old "Gen" "Genesis" 50; Old "Exod" "Exodus" 40; Old "Lev" "Leviticus" 27; Old "Num" "Numbers" 36;
    Old "Deut" "Deuteronomy" 34; Old "Josh" "Joshua" 24; Old "Judg" "Judges" 21; Old "Ruth" "Ruth" 4;
    Old "1Sam" "1 Samuel" 31; Old "2Sam" "2 Samuel" 24; Old "1Kgs" "1 Kings" 22; Old "2Kgs" "2 Kings" 25;
    Old "1Chr" "1 Chronicles" 29; Old "2Chr" "2 Chronicles" 36; Old "Ezra" "Ezra" 10; Old "Neh" "Nehemiah" 13;
    Old "Esth" "Esther" 10; Old "Job" "Job" 42; Old "Ps" "Psalms" 150; Old "Prov" "Proverbs" 31;
    Old "Eccl" "Ecclesiastes" 12; Old "Song" "Song of Solomon" 8; Old "Isa" "Isaiah" 66; Old "Jer" "Jeremiah" 52;
    Old "Lam" "Lamentations" 5; Old "Ezek" "Ezekiel" 48; Old "Dan" "Daniel" 12; Old "Hos" "Hosea" 14;
    Old "Joel" "Joel" 3; Old "Amos" "Amos" 9; Old "Obad" "Obadiah" 1; Old "Jonah" "Jonah" 4;
    Old "Mic" "Micah" 7; Old "Nah" "Nahum" 3; Old "Hab" "Habakkuk" 3; Old "Zeph" "Zephaniah" 3;
    Old "Hag" "Haggai" 2; Old "Zech" "Zechariah" 14; Old "Mal" "Malachi" 4;
    New "Matt" "Matthew" 28; New "Mark" "Mark" 16; New "Luke" "Luke" 24; New "John" "John" 21;
    New "Acts" "Acts" 28; New "Rom" "Romans" 16; New "1Cor" "1 Corinthians" 16; New "2Cor" "2 Corinthians" 13;
    New "Gal" "Galatians" 6; New "Eph" "Ephesians" 6; New "Phil" "Philippians" 4; New "Col" "Colossians" 4;
    New "1Thess" "1 Thessalonians" 5; New "2Thess" "2 Thessalonians" 3; New "1Tim" "1 Timothy" 6;
    New "2Tim" "2 Timothy" 4; New "Titus" "Titus" 3; New "Phlm" "Philemon" 1; New "Heb" "Hebrews" 13;
    New "Jas" "James" 5; New "1Pet" "1 Peter" 5; New "2Pet" "2 Peter" 3; New "1John" "1 John" 5;
    New "2John" "2 John" 1; New "3John" "3 John" 1; New "Jude" "Jude" 1; New "Rev" "Revelation" 22;
}

impl Book {
    /// The book with OSIS code `code` (case-insensitive).
    ///
    /// # Errors
    /// [`Error::UnknownBook`].
    pub fn by_osis(code: &str) -> Result<&'static Book> {
        BOOKS
            .iter()
            .find(|b| b.osis.eq_ignore_ascii_case(code))
            .ok_or_else(|| Error::UnknownBook(code.to_owned()))
    }

    /// Checks that `chapter` exists in this book.
    ///
    /// # Errors
    /// [`Error::NoSuchChapter`] saying how many chapters the book has.
    pub fn check_chapter(&self, chapter: u16) -> Result<()> {
        if (1..=self.chapters).contains(&chapter) {
            Ok(())
        } else {
            Err(Error::NoSuchChapter {
                book: self.name,
                chapters: self.chapters,
                asked: chapter,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_canon_has_66_books_and_1189_chapters() {
        assert_eq!(BOOKS.len(), 66);
        assert_eq!(
            BOOKS
                .iter()
                .filter(|b| b.testament == Testament::Old)
                .count(),
            39
        );
        assert_eq!(
            BOOKS.iter().map(|b| u32::from(b.chapters)).sum::<u32>(),
            1189
        );
    }

    #[test]
    fn impossible_chapters_say_what_is_wrong() {
        let john = Book::by_osis("john").expect("John");
        assert!(john.check_chapter(21).is_ok());
        let err = john.check_chapter(22).expect_err("John 22");
        assert_eq!(
            err.to_string(),
            "John has 21 chapters, so there is no chapter 22"
        );
        assert!(Book::by_osis("Hezekiah").is_err());
    }
}
