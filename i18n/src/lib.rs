//! Translations of CNT Media, in Fluent.
//!
//! Every user-visible string of the app lives in `i18n/locales/<lang>/main.ftl`. English (`en`) is the
//! reference: every other locale must have exactly its message ids, which the tests check, together
//! with every file parsing cleanly and every `cnt_model::ErrorCode` having an `error-…` message.
//!
//! The files are compiled into the binary (no file lookups at run time, so a missing install step
//! cannot lose them). [`I18n`] holds the bundle of one language plus English as a fallback, so a
//! message missing from a translation still shows in English instead of as its id.
//!
//! Which language: the user's choice in settings when set, else the system locale
//! ([`system_language`]), else English. Thread-safe (`Send + Sync`): the UI shares one behind an `Arc`.
//! Depends on nothing of ours.

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use unic_langid::LanguageIdentifier;

/// A locale the app ships.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Locale {
    /// BCP 47 language code, e.g. `"pt"`.
    pub code: &'static str,
    /// The language's name in itself, for the language picker.
    pub native_name: &'static str,
    source: &'static str,
}

/// Every shipped locale; English first.
pub const LOCALES: &[Locale] = &[
    Locale {
        code: "en",
        native_name: "English",
        source: include_str!("../locales/en/main.ftl"),
    },
    Locale {
        code: "es",
        native_name: "Español",
        source: include_str!("../locales/es/main.ftl"),
    },
    Locale {
        code: "pt",
        native_name: "Português",
        source: include_str!("../locales/pt/main.ftl"),
    },
];

/// The reference locale.
pub const DEFAULT_LANGUAGE: &str = "en";

/// A language the app does not ship.
#[derive(Debug, thiserror::Error)]
#[error("language {0:?} is not available (available: en, es, pt)")]
pub struct UnsupportedLanguage(pub String);

/// Translated strings for one language.
pub struct I18n {
    locale: Locale,
    bundle: FluentBundle<FluentResource>,
    fallback: Option<FluentBundle<FluentResource>>,
}

impl std::fmt::Debug for I18n {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("I18n")
            .field("language", &self.locale.code)
            .finish()
    }
}

impl I18n {
    /// The best shipped match for `requested` (`"pt-BR"` → Portuguese); English when none matches.
    pub fn negotiate(requested: &str) -> I18n {
        Self::new(find_locale(requested).unwrap_or(LOCALES[0]))
    }

    /// Exactly the shipped language `code`.
    ///
    /// # Errors
    /// [`UnsupportedLanguage`] when the app does not ship it.
    pub fn exact(code: &str) -> Result<I18n, UnsupportedLanguage> {
        LOCALES
            .iter()
            .find(|l| l.code == code)
            .map(|l| Self::new(*l))
            .ok_or_else(|| UnsupportedLanguage(code.to_owned()))
    }

    /// Follows the user's choice when given, else the system locale.
    pub fn for_choice(choice: Option<&str>) -> I18n {
        match choice {
            Some(code) => Self::negotiate(code),
            None => Self::negotiate(&system_language()),
        }
    }

    fn new(locale: Locale) -> I18n {
        let bundle = bundle_for(locale);
        let fallback = (locale.code != DEFAULT_LANGUAGE).then(|| bundle_for(LOCALES[0]));
        I18n {
            locale,
            bundle,
            fallback,
        }
    }

    /// The language code in use, e.g. `"es"`.
    pub fn language(&self) -> &'static str {
        self.locale.code
    }

    /// The language's own name, e.g. `"Español"`.
    pub fn native_name(&self) -> &'static str {
        self.locale.native_name
    }

    /// The message `id`, or its English text, or the id itself when no locale has it.
    pub fn t(&self, id: &str) -> String {
        self.format(id, None)
    }

    /// The message `id` with text arguments, e.g. `t_args("status-online-detail", &[("server", &url)])`.
    pub fn t_args(&self, id: &str, args: &[(&str, &str)]) -> String {
        let mut fluent_args = FluentArgs::new();
        for (name, value) in args {
            fluent_args.set(*name, FluentValue::from(*value));
        }
        self.format(id, Some(&fluent_args))
    }

    /// The message `id` with a number argument `name`, for plural-aware messages.
    pub fn t_count(&self, id: &str, name: &str, count: i64) -> String {
        let mut fluent_args = FluentArgs::new();
        fluent_args.set(name, FluentValue::from(count));
        self.format(id, Some(&fluent_args))
    }

    /// Whether this language (not the English fallback) has `id`.
    pub fn has(&self, id: &str) -> bool {
        self.bundle.has_message(id)
    }

    fn format(&self, id: &str, args: Option<&FluentArgs<'_>>) -> String {
        for bundle in std::iter::once(&self.bundle).chain(self.fallback.as_ref()) {
            if let Some(pattern) = bundle.get_message(id).and_then(|m| m.value()) {
                let mut errors = Vec::new();
                let text = bundle.format_pattern(pattern, args, &mut errors);
                return text.into_owned();
            }
        }
        id.to_owned()
    }
}

/// The system's language as a BCP 47 tag (`LC_ALL`/`LANG` on Linux), or `"en"`.
pub fn system_language() -> String {
    sys_locale::get_locale().unwrap_or_else(|| DEFAULT_LANGUAGE.to_owned())
}

/// The shipped locale matching `requested`, comparing the language part only (`es-MX` → `es`).
/// POSIX forms like `pt_BR.UTF-8` are accepted.
pub fn find_locale(requested: &str) -> Option<Locale> {
    let cleaned = requested
        .split(['.', '@'])
        .next()
        .unwrap_or_default()
        .replace('_', "-");
    let id: LanguageIdentifier = cleaned.parse().ok()?;
    LOCALES
        .iter()
        .find(|l| l.code == id.language.as_str())
        .copied()
}

fn bundle_for(locale: Locale) -> FluentBundle<FluentResource> {
    let langid: LanguageIdentifier = locale.code.parse().unwrap_or_default();
    let mut bundle = FluentBundle::new_concurrent(vec![langid]);
    // Isolation marks (U+2068/U+2069) help right-to-left scripts; none of our locales is one, and the
    // invisible characters would end up in copied text and test assertions.
    bundle.set_use_isolating(false);
    // A parse error leaves the rest of the file usable; the tests make sure there is none.
    let resource = FluentResource::try_new(locale.source.to_owned()).unwrap_or_else(|(r, _)| r);
    let _ = bundle.add_resource(resource);
    bundle
}

/// The raw source of every shipped locale, for tooling and tests: `(code, ftl text)`.
pub fn sources() -> impl Iterator<Item = (&'static str, &'static str)> {
    LOCALES.iter().map(|l| (l.code, l.source))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negotiation_matches_language_and_falls_back_to_english() {
        assert_eq!(I18n::negotiate("pt-BR").language(), "pt");
        assert_eq!(I18n::negotiate("es_MX.UTF-8").language(), "es");
        assert_eq!(I18n::negotiate("de-DE").language(), "en");
        assert_eq!(I18n::negotiate("garbage!!").language(), "en");
        assert!(I18n::exact("fr").is_err());
    }

    #[test]
    fn messages_format_with_arguments() {
        let es = I18n::negotiate("es");
        assert_eq!(es.t("nav-home"), "Inicio");
        let text = es.t_args("settings-version", &[("version", "1.2.3")]);
        assert_eq!(text, "Versión 1.2.3");
    }

    #[test]
    fn unknown_ids_show_themselves() {
        assert_eq!(I18n::negotiate("en").t("no-such-id"), "no-such-id");
    }
}
