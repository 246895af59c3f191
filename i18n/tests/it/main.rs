//! Locale parity: every file parses, every locale has exactly English's ids, every error code is translated.

use std::collections::BTreeSet;
use std::path::Path;

use fluent_syntax::ast;

fn ids_of(code: &str, source: &str) -> BTreeSet<String> {
    let resource = fluent_syntax::parser::parse(source)
        .unwrap_or_else(|(_, errors)| panic!("locale {code} does not parse: {errors:?}"));
    resource
        .body
        .iter()
        .filter_map(|entry| match entry {
            ast::Entry::Message(m) => Some(m.id.name.to_owned()),
            ast::Entry::Term(t) => Some(format!("-{}", t.id.name)),
            _ => None,
        })
        .collect()
}

#[test]
fn every_locale_file_on_disk_is_shipped() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("locales");
    let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
        .expect("locales dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    on_disk.sort();
    let mut shipped: Vec<String> = cnt_i18n::LOCALES
        .iter()
        .map(|l| l.code.to_owned())
        .collect();
    shipped.sort();
    assert_eq!(
        on_disk, shipped,
        "a folder in i18n/locales is not listed in LOCALES (or the reverse)"
    );
    for code in &on_disk {
        let files: Vec<_> = std::fs::read_dir(dir.join(code)).expect("dir").collect();
        assert_eq!(files.len(), 1, "locale {code}: all messages go in main.ftl");
    }
}

#[test]
fn every_locale_has_exactly_the_english_ids() {
    let mut sources = cnt_i18n::sources();
    let (_, en) = sources.next().expect("English first");
    let reference = ids_of("en", en);
    assert!(reference.len() > 50, "English looks truncated");
    for (code, source) in sources {
        let ids = ids_of(code, source);
        let missing: Vec<_> = reference.difference(&ids).collect();
        let extra: Vec<_> = ids.difference(&reference).collect();
        assert!(missing.is_empty(), "locale {code} lacks {missing:?}");
        assert!(
            extra.is_empty(),
            "locale {code} has ids English lacks: {extra:?}"
        );
    }
}

#[test]
fn every_error_code_has_a_message_in_every_locale() {
    for locale in cnt_i18n::LOCALES {
        let i18n = cnt_i18n::I18n::exact(locale.code).expect("shipped");
        for code in cnt_model::ErrorCode::ALL {
            assert!(
                i18n.has(&code.fluent_id()),
                "{} lacks {}",
                locale.code,
                code.fluent_id()
            );
        }
    }
}

#[test]
fn translations_are_not_english_copies() {
    let en = cnt_i18n::I18n::exact("en").expect("en");
    for code in ["es", "pt"] {
        let other = cnt_i18n::I18n::exact(code).expect("shipped");
        for id in [
            "nav-home",
            "nav-settings",
            "status-offline",
            "error-not-found",
        ] {
            assert_ne!(en.t(id), other.t(id), "{code} {id} is untranslated");
        }
    }
}
