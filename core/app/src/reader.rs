//! What the Bible reader screen asks the core: books and chapters of a translation, a chapter
//! (optionally beside a second translation), and where a typed reference (`jn316`) points.

use cnt_scripture::bible::ParallelRow;
use cnt_scripture::{Book, Lang, Reference};

use crate::{BUNDLED_TRANSLATION, Core, Result};

pub use cnt_scripture::bible::{Break, Hit, Translation};

/// A book a translation has.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BibleBook {
    /// Canonical number, 1 (Genesis) to 66 (Revelation).
    pub number: u8,
    /// Its name in the asked language.
    pub name: String,
    /// How many chapters it has.
    pub chapters: u16,
}

/// Where a typed reference points: the first verse of its first passage.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BibleJump {
    /// Book number.
    pub book: u8,
    /// Chapter.
    pub chapter: u16,
    /// Verse, unless the reference names a whole chapter or book.
    pub verse: Option<u16>,
}

/// One verse row of a chapter: the first translation and, side by side, the second.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChapterRow {
    /// Verse number.
    pub verse: u16,
    /// The first translation's text.
    pub left: Option<crate::Verse>,
    /// The second translation's text (only when one was asked for).
    pub right: Option<crate::Verse>,
}

fn lang_of(ui_language: &str) -> Lang {
    Lang::from_tag(ui_language)
}

/// The name of book `number` in the UI language (`es`, `pt`, anything else: English).
pub fn bible_book_name(number: u8, ui_language: &str) -> String {
    Book::by_number(number).map_or_else(String::new, |b| b.name_in(lang_of(ui_language)).into())
}

impl Core {
    /// The books `translation` has, in canonical order, named in `ui_language`.
    ///
    /// # Errors
    /// [`crate::Error::Scripture`]: unknown translation, a database failure.
    pub fn bible_books(&self, translation: &str, ui_language: &str) -> Result<Vec<BibleBook>> {
        let lang = lang_of(ui_language);
        let books = self.with_bible(|b| b.books(translation))?;
        Ok(books
            .into_iter()
            .map(|b| BibleBook {
                number: b.number(),
                name: b.name_in(lang).to_owned(),
                chapters: b.chapters,
            })
            .collect())
    }

    /// One chapter of `translation`, and of `second` beside it when given.
    ///
    /// # Errors
    /// [`crate::Error::Scripture`]: no such book or chapter, a translation without it.
    pub fn bible_chapter(
        &self,
        translation: &str,
        second: Option<&str>,
        book: u8,
        chapter: u16,
    ) -> Result<Vec<ChapterRow>> {
        let book = Book::by_number(book)
            .ok_or_else(|| cnt_scripture::Error::UnknownBook(book.to_string()))?;
        let reference = Reference::chapter(book, chapter)?;
        match second {
            Some(right) if right != translation => {
                let rows: Vec<ParallelRow> =
                    self.with_bible(|b| b.parallel(&reference, translation, right))?;
                Ok(rows
                    .into_iter()
                    .map(|r| ChapterRow {
                        verse: r.id.verse,
                        left: r.left,
                        right: r.right,
                    })
                    .collect())
            }
            _ => {
                let verses = self.with_bible(|b| b.lookup(&reference, translation))?;
                Ok(verses
                    .into_iter()
                    .map(|v| ChapterRow {
                        verse: v.id.verse,
                        left: Some(v),
                        right: None,
                    })
                    .collect())
            }
        }
    }

    /// Where a typed reference points (`jn316` → John 3, verse 16; `Ps 23` → Psalm 23).
    ///
    /// # Errors
    /// [`crate::Error::Scripture`] saying what is wrong with the reference.
    pub fn bible_jump(&self, text: &str) -> Result<BibleJump> {
        let reference = Reference::parse(text)?;
        let first = reference
            .passages
            .first()
            .ok_or(cnt_scripture::Error::EmptyReference)?;
        Ok(BibleJump {
            book: first.book.number(),
            chapter: first.start.chapter,
            verse: first.start.verse,
        })
    }

    /// The translation codes the reader should offer first: the bundled one if installed.
    ///
    /// # Errors
    /// [`crate::Error::Scripture`].
    pub fn bible_default_translation(&self) -> Result<String> {
        let list = self.bible_translations()?;
        Ok(list
            .iter()
            .find(|t| t.code == BUNDLED_TRANSLATION)
            .or_else(|| list.first())
            .map_or_else(|| BUNDLED_TRANSLATION.to_owned(), |t| t.code.clone()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn books_chapters_and_jumps() {
        let dir = tempfile::tempdir().expect("tempdir");
        let core = crate::tests::offline_core(dir.path());
        let books = core.bible_books("WEB", "es").expect("books");
        assert_eq!(books.len(), 66);
        assert_eq!(books[42].name, "Juan");
        assert_eq!(books[42].chapters, 21);
        let jump = core.bible_jump("jn316").expect("jump");
        assert_eq!(
            jump,
            BibleJump {
                book: 43,
                chapter: 3,
                verse: Some(16)
            }
        );
        assert_eq!(core.bible_jump("Ps 23").expect("jump").verse, None);
        assert!(core.bible_jump("John 22:1").is_err());
        let rows = core.bible_chapter("WEB", None, 43, 3).expect("chapter");
        assert_eq!(rows.len(), 36);
        assert!(
            rows[15]
                .left
                .as_ref()
                .is_some_and(|v| v.text.contains("God so loved"))
        );
        let side = core
            .bible_chapter("WEB", Some("WEB"), 19, 23)
            .expect("same translation twice is one column");
        assert!(side.iter().all(|r| r.right.is_none()));
        assert_eq!(core.bible_default_translation().expect("default"), "WEB");
        assert_eq!(bible_book_name(43, "pt-BR"), "João");
    }
}
