//! The console's words, in one catalogue per language (Fluent, under
//! `locales/`): English complete for what the catalogue holds, French and
//! Spanish, the Hub's other working languages, for the layout and the
//! public Repository of Practices. A visitor's language comes from a
//! `?lang=` they chose (kept in their session), else their browser's
//! `Accept-Language`, else English. A message missing in French or Spanish
//! is shown in English, and one missing in English shows its key, so a
//! page never fails for a word.

use std::sync::LazyLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use unic_langid::LanguageIdentifier;

/// A number of things, as the catalogue's plurals take it.
pub(crate) trait Count {
    fn count(&self) -> f64;
}

impl Count for u32 {
    fn count(&self) -> f64 {
        f64::from(*self)
    }
}

impl Count for usize {
    fn count(&self) -> f64 {
        // Counts on a page are far below 2^52.
        *self as f64
    }
}

/// A language the console speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum Lang {
    #[default]
    En,
    Fr,
    Es,
}

impl Lang {
    pub const ALL: [Lang; 3] = [Lang::En, Lang::Fr, Lang::Es];

    /// The BCP 47 code, as `<html lang>` and `?lang=` write it.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Fr => "fr",
            Lang::Es => "es",
        }
    }

    /// The language's name in itself, for the switcher.
    pub fn own_name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Fr => "Français",
            Lang::Es => "Español",
        }
    }

    /// The catalogue's message `key` in this language.
    pub fn t(&self, key: &str) -> String {
        text(*self, key)
    }

    /// The catalogue's message `key` for `count` things (a number, so the
    /// language's plural rules choose the words).
    pub fn tn(&self, key: &str, count: &dyn Count) -> String {
        with(*self, key, &[("count", count.count().into())])
    }

    /// The catalogue's message `key` with one argument.
    pub fn t1(&self, key: &str, name: &str, value: &dyn std::fmt::Display) -> String {
        with(*self, key, &[(name, value.to_string().into())])
    }

    /// The language a code names (`fr`, `fr-CH`, `ES`), if the console
    /// speaks it.
    pub fn parse(code: &str) -> Option<Self> {
        let primary = code.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        Self::ALL.into_iter().find(|l| l.code() == primary)
    }

    /// The best language of an `Accept-Language` header: the spoken one
    /// with the highest weight, the first of equal weights.
    pub fn negotiate(header: &str) -> Option<Self> {
        let mut best: Option<(Lang, f32)> = None;
        for part in header.split(',') {
            let mut pieces = part.split(';');
            let Some(lang) = pieces.next().and_then(Lang::parse) else {
                continue;
            };
            let weight = pieces
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            if weight > 0.0 && best.is_none_or(|(_, w)| weight > w) {
                best = Some((lang, weight));
            }
        }
        best.map(|(lang, _)| lang)
    }
}

const SOURCES: [(Lang, &str); 3] = [
    (Lang::En, include_str!("../locales/en.ftl")),
    (Lang::Fr, include_str!("../locales/fr.ftl")),
    (Lang::Es, include_str!("../locales/es.ftl")),
];

struct Catalogue {
    bundles: Vec<(Lang, FluentBundle<FluentResource>)>,
}

fn bundle(lang: Lang, source: &str) -> FluentBundle<FluentResource> {
    let id: LanguageIdentifier = lang.code().parse().unwrap_or_default();
    let mut bundle = FluentBundle::new_concurrent(vec![id]);
    // The pages are HTML, escaped by the templates: Unicode isolation
    // marks around every argument would only clutter copied text.
    bundle.set_use_isolating(false);
    // A catalogue that does not parse is caught by the tests; at run time
    // the entries that parsed are kept.
    let resource = match FluentResource::try_new(source.to_string()) {
        Ok(resource) => resource,
        Err((resource, errors)) => {
            tracing::error!(lang = lang.code(), ?errors, "catalogue has syntax errors");
            resource
        }
    };
    if let Err(errors) = bundle.add_resource(resource) {
        tracing::error!(lang = lang.code(), ?errors, "catalogue has duplicate keys");
    }
    bundle
}

static CATALOGUE: LazyLock<Catalogue> = LazyLock::new(|| Catalogue {
    bundles: SOURCES
        .iter()
        .map(|(lang, source)| (*lang, bundle(*lang, source)))
        .collect(),
});

fn bundle_of(lang: Lang) -> Option<&'static FluentBundle<FluentResource>> {
    CATALOGUE
        .bundles
        .iter()
        .find(|(l, _)| *l == lang)
        .map(|(_, b)| b)
}

/// The message `key` in `lang` alone, with `args`; `None` when that
/// catalogue lacks it.
fn lookup(lang: Lang, key: &str, args: Option<&FluentArgs>) -> Option<String> {
    let bundle = bundle_of(lang)?;
    let pattern = bundle.get_message(key)?.value()?;
    let mut errors = Vec::new();
    let text = bundle
        .format_pattern(pattern, args, &mut errors)
        .into_owned();
    if !errors.is_empty() {
        tracing::warn!(
            lang = lang.code(),
            key,
            ?errors,
            "message formatted with errors"
        );
    }
    Some(text)
}

/// The message `key` in `lang`, in English where `lang` lacks it.
pub(crate) fn text(lang: Lang, key: &str) -> String {
    with(lang, key, &[])
}

/// The message `key` in `lang` with its arguments, in English where `lang`
/// lacks it, and its key where English does too.
pub(crate) fn with(lang: Lang, key: &str, args: &[(&str, FluentValue<'_>)]) -> String {
    let mut fluent = FluentArgs::new();
    for (name, value) in args {
        fluent.set(*name, value.clone());
    }
    let args = (!args.is_empty()).then_some(&fluent);
    lookup(lang, key, args)
        .or_else(|| lookup(Lang::En, key, args))
        .unwrap_or_else(|| {
            tracing::warn!(key, "no such message in the catalogue");
            key.to_string()
        })
}

/// The message `key` in `lang`, or in English; `None` when neither has it
/// (for codes the services may add before the catalogue knows them).
pub(crate) fn known(lang: Lang, key: &str) -> Option<String> {
    lookup(lang, key, None).or_else(|| lookup(Lang::En, key, None))
}

/// The message `key` in `lang` only, for labels whose English comes from
/// the reference data: `None` in English or where `lang` lacks it.
pub(crate) fn translated(lang: Lang, key: &str) -> Option<String> {
    (lang != Lang::En)
        .then(|| lookup(lang, key, None))
        .flatten()
}

/// "3 March 2026", "3 mars 2026", "3 de marzo de 2026".
pub(crate) fn date(lang: Lang, year: i32, month: u32, day: u32) -> String {
    let month = text(lang, &format!("month-{month}"));
    with(
        lang,
        "date",
        &[
            ("day", FluentValue::from(day)),
            ("month", FluentValue::from(month)),
            ("year", FluentValue::from(year.to_string())),
        ],
    )
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use fluent_bundle::FluentResource;

    use super::*;

    /// The ids of a catalogue's messages: the lines that start one.
    fn keys(source: &str) -> BTreeSet<String> {
        if let Err((_, errors)) = FluentResource::try_new(source.to_string()) {
            panic!("syntax errors: {errors:?}");
        }
        source
            .lines()
            .filter(|l| l.starts_with(|c: char| c.is_ascii_alphabetic()))
            .filter_map(|l| l.split_once(" =").map(|(id, _)| id.trim().to_string()))
            .collect()
    }

    /// The sections of en.ftl that French and Spanish must have whole: the
    /// layout of every page and the public Repository of Practices.
    const EVERY_LANGUAGE: [&str; 4] = [
        "The layout of every page",
        "Dates",
        "The Repository of Practices: search",
        "The Repository of Practices: a practice",
    ];

    /// The ids of the messages under the `## title` sections `titles`.
    fn section_keys(source: &str, titles: &[&str]) -> BTreeSet<String> {
        let mut inside = false;
        let mut out = BTreeSet::new();
        for line in source.lines() {
            if let Some(title) = line.strip_prefix("## ") {
                inside = titles.contains(&title.trim());
            } else if inside
                && line.starts_with(|c: char| c.is_ascii_alphabetic())
                && let Some((id, _)) = line.split_once(" =")
            {
                out.insert(id.trim().to_string());
            }
        }
        out
    }

    #[test]
    fn every_catalogue_parses_and_french_and_spanish_have_the_public_pages_whole() {
        let public = section_keys(SOURCES[0].1, &EVERY_LANGUAGE);
        assert!(public.contains("search-title") && public.contains("month-12"));
        for (lang, source) in &SOURCES[1..] {
            let theirs = keys(source);
            let missing: Vec<_> = public.difference(&theirs).collect();
            assert!(missing.is_empty(), "{} lacks {missing:?}", lang.code());
        }
        // Nothing in French or Spanish that English lacks, but the labels
        // English takes from the reference data.
        let english = keys(SOURCES[0].1);
        let labels = [
            "objective-",
            "principle-",
            "stakeholder-",
            "practice-type-",
            "region-",
        ];
        for (lang, source) in &SOURCES[1..] {
            let stray: Vec<_> = keys(source)
                .into_iter()
                .filter(|k| !english.contains(k) && !labels.iter().any(|p| k.starts_with(p)))
                .collect();
            assert!(
                stray.is_empty(),
                "{} has keys English lacks: {stray:?}",
                lang.code()
            );
        }
    }

    #[test]
    fn every_key_a_template_or_the_code_asks_for_is_in_english() {
        let english = keys(SOURCES[0].1);
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/");
        let mut asked = BTreeSet::new();
        for folder in ["templates", "src"] {
            for entry in std::fs::read_dir(format!("{dir}{folder}"))
                .into_iter()
                .flatten()
                .flatten()
            {
                let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
                // The keys templates and code ask for by a literal; those
                // built at run time (the months) are left out.
                for (marker, after_lang) in [
                    (".t(", false),
                    (".tn(", false),
                    ("i18n::text(", true),
                    ("i18n::with(", true),
                ] {
                    for part in text.split(marker).skip(1) {
                        let part = if after_lang {
                            part.split_once(", ").map_or("", |(_, rest)| rest)
                        } else {
                            part
                        };
                        let Some(literal) = part.strip_prefix('"') else {
                            continue;
                        };
                        let key = literal.split('"').next().unwrap_or("");
                        let is_key = !key.is_empty()
                            && key
                                .chars()
                                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
                        if is_key {
                            asked.insert(key.to_string());
                        }
                    }
                }
            }
        }
        let missing: Vec<_> = asked.iter().filter(|k| !english.contains(*k)).collect();
        // The scan finds what templates and code ask for.
        for known in [
            "search-title",
            "practices-found",
            "facet-objective",
            "since-year",
        ] {
            assert!(asked.contains(known), "the scan missed {known}");
        }
        assert!(missing.is_empty(), "not in en.ftl: {missing:?}");
    }

    #[test]
    fn every_code_a_page_names_by_a_built_key_has_english_words() {
        use imrf_proto::v1::{CyclePhase, ImplementationStatus, PracticeStatus, ReviewCriterion};
        let mut keys = Vec::new();
        for v in 0..=6 {
            if let Ok(s) = PracticeStatus::try_from(v) {
                keys.push(format!(
                    "practice-status-{}",
                    s.as_str_name().trim_start_matches("PRACTICE_STATUS_")
                ));
            }
            if let Ok(p) = CyclePhase::try_from(v) {
                keys.push(format!(
                    "phase-{}",
                    p.as_str_name().trim_start_matches("CYCLE_PHASE_")
                ));
            }
            if let Ok(s) = ImplementationStatus::try_from(v) {
                keys.push(format!(
                    "implementation-{}",
                    s.as_str_name().trim_start_matches("IMPLEMENTATION_STATUS_")
                ));
            }
            if let Ok(c) = ReviewCriterion::try_from(v)
                && v > 0
            {
                keys.push(format!("criterion-{}", c.as_str_name()));
            }
        }
        for m in 1..=12 {
            keys.push(format!("month-{m}"));
        }
        for t in [
            "on_demand",
            "inputs_changed",
            "compile_date",
            "advanced_to_drafting",
            "secretariat_text",
        ] {
            keys.push(format!("trigger-{t}"));
        }
        for f in ["docx", "html", "markdown", "json"] {
            keys.push(format!("format-{f}"));
        }
        let missing: Vec<_> = keys
            .iter()
            .filter(|k| lookup(Lang::En, k, None).is_none())
            .collect();
        assert!(keys.len() > 40);
        assert!(missing.is_empty(), "not in en.ftl: {missing:?}");
    }

    #[test]
    fn languages_are_chosen_by_weight_and_plurals_follow_the_language() {
        assert_eq!(Lang::negotiate("de-DE, fr;q=0.8, es;q=0.9"), Some(Lang::Es));
        assert_eq!(Lang::negotiate("fr-CH, fr;q=0.9, en;q=0.8"), Some(Lang::Fr));
        assert_eq!(Lang::negotiate("de, ja"), None);
        assert_eq!(Lang::negotiate("fr;q=0"), None);
        let count = |lang, n: u32| with(lang, "practices-found", &[("count", n.into())]);
        assert_eq!(count(Lang::En, 1), "1 practice");
        assert_eq!(count(Lang::Fr, 3), "3 pratiques");
        assert_eq!(count(Lang::Es, 1), "1 práctica");
        assert_eq!(date(Lang::Es, 2026, 2, 2), "2 de febrero de 2026");
        assert_eq!(date(Lang::Fr, 2026, 8, 15), "15 août 2026");
        // A label English takes from the reference data.
        assert_eq!(translated(Lang::En, "objective-5"), None);
        assert_eq!(
            translated(Lang::Fr, "objective-5").as_deref(),
            Some("Voies de migration régulière")
        );
    }
}
