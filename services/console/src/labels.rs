//! What the pages call the contract's codes: objectives by number and short
//! label, enums by the words of the GCM and the Hub, States by name. The
//! words are the reference data's (imrf-gcm), in one place.

use crate::i18n::{self, Lang};
use imrf_gcm::refdata::{
    self, COMMISSIONS, commission_code, commission_name, guiding_principle_title,
    practice_type_label, stakeholder_label,
};
use imrf_proto::v1::{
    CyclePhase, GuidingPrinciple, ImplementationStatus, PracticeStatus, PracticeType,
    StakeholderType,
};

/// `text` with its first letter in capitals.
pub(crate) fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// "5. Regular pathways": an objective by number and short label, in
/// `lang` where the catalogue has it.
pub(crate) fn objective(lang: Lang, number: u32) -> String {
    if let Some(label) = i18n::translated(lang, &format!("objective-{number}")) {
        return format!("{number}. {label}");
    }
    match refdata::reference().objective(number) {
        Some(o) => format!("{number}. {}", o.short_label),
        None => lang.t1("objective-n", "number", &number),
    }
}

/// A code's label in `lang` from the catalogue (`{prefix}-{name}`), or
/// the reference data's English.
fn coded(lang: Lang, prefix: &str, name: &str, english: impl FnOnce() -> String) -> String {
    i18n::translated(lang, &format!("{prefix}-{name}")).unwrap_or_else(english)
}

/// The official title of an objective.
pub(crate) fn objective_title(number: u32) -> String {
    refdata::reference().objective(number).map_or_else(
        || Lang::En.t1("objective-n", "number", &number),
        |o| o.title.clone(),
    )
}

/// A Member State's name, or its code when it is not one.
pub(crate) fn country(iso3: &str) -> String {
    refdata::reference()
        .member_state(iso3)
        .map_or_else(|| iso3.to_string(), |s| s.name.clone())
}

/// A draft's input (`SourceRef`) as a reader names it, without its
/// revision, and the console page that shows it, where there is one.
pub(crate) fn source(lang: Lang, source: &imrf_proto::v1::SourceRef) -> (String, Option<String>) {
    let page = match source.kind.as_str() {
        "national_report" => Some("reports"),
        "regional_review" => Some("reviews"),
        "practice" => Some("practices"),
        _ => None,
    };
    let kind = i18n::known(lang, &format!("source-{}", source.kind))
        .unwrap_or_else(|| source.kind.clone());
    (
        format!("{kind} {}", source.id),
        page.map(|p| format!("/{p}/{}", source.id)),
    )
}

pub(crate) fn principle(lang: Lang, value: i32) -> String {
    GuidingPrinciple::try_from(value)
        .map(|p| {
            coded(lang, "principle", p.as_str_name(), || {
                guiding_principle_title(p).to_string()
            })
        })
        .unwrap_or_default()
}

pub(crate) fn stakeholder(lang: Lang, value: i32) -> String {
    StakeholderType::try_from(value)
        .map(|s| {
            coded(lang, "stakeholder", s.as_str_name(), || {
                capitalized(stakeholder_label(s))
            })
        })
        .unwrap_or_default()
}

pub(crate) fn practice_type(lang: Lang, value: i32) -> String {
    PracticeType::try_from(value)
        .map(|t| {
            coded(lang, "practice-type", t.as_str_name(), || {
                capitalized(practice_type_label(t))
            })
        })
        .unwrap_or_default()
}

/// A region by its commission's acronym (ECE; CEE in French).
pub(crate) fn region(lang: Lang, value: i32) -> String {
    imrf_proto::v1::Commission::try_from(value)
        .map(|c| {
            let code = commission_code(c);
            coded(lang, "region", code, || code.to_string())
        })
        .unwrap_or_default()
}

pub(crate) fn practice_status(lang: Lang, value: i32) -> String {
    let status = PracticeStatus::try_from(value).unwrap_or_default();
    let name = status.as_str_name().trim_start_matches("PRACTICE_STATUS_");
    i18n::text(lang, &format!("practice-status-{name}"))
}

/// A date of the contract in `lang` ("15 juin 2026").
pub(crate) fn date(lang: Lang, d: &imrf_proto::v1::Date) -> String {
    i18n::date(
        lang,
        d.year,
        u32::try_from(d.month).unwrap_or(0),
        u32::try_from(d.day).unwrap_or(0),
    )
}

/// The day of a timestamp in `lang` ("2 février 2026"); empty when there
/// is none.
pub(crate) fn day(lang: Lang, t: Option<&imrf_proto::wkt::Timestamp>) -> String {
    t.and_then(|t| time::OffsetDateTime::from_unix_timestamp(t.seconds).ok())
        .map(|dt| {
            i18n::date(
                lang,
                dt.year(),
                u8::from(dt.month()).into(),
                dt.day().into(),
            )
        })
        .unwrap_or_default()
}

pub(crate) fn phase(lang: Lang, value: i32) -> String {
    let phase = CyclePhase::try_from(value).unwrap_or_default();
    let name = phase.as_str_name().trim_start_matches("CYCLE_PHASE_");
    i18n::text(lang, &format!("phase-{name}"))
}

pub(crate) fn implementation_status(lang: Lang, value: i32) -> String {
    let status = ImplementationStatus::try_from(value).unwrap_or_default();
    let name = status
        .as_str_name()
        .trim_start_matches("IMPLEMENTATION_STATUS_");
    i18n::text(lang, &format!("implementation-{name}"))
}

/// A choice in a picker: the value a form sends, and what it says.
#[derive(Debug, Clone)]
pub(crate) struct Choice {
    pub value: String,
    pub label: String,
}

fn choices<E: Copy>(
    all: impl Iterator<Item = E>,
    name: fn(&E) -> &'static str,
    label: impl Fn(E) -> String,
) -> Vec<Choice> {
    all.map(|e| Choice {
        value: name(&e).to_string(),
        label: label(e),
    })
    .collect()
}

pub(crate) fn principle_choices() -> Vec<Choice> {
    choices(
        (1..=10).filter_map(|v| GuidingPrinciple::try_from(v).ok()),
        GuidingPrinciple::as_str_name,
        |p| guiding_principle_title(p).to_string(),
    )
}

pub(crate) fn stakeholder_choices() -> Vec<Choice> {
    choices(
        (1..=17).filter_map(|v| StakeholderType::try_from(v).ok()),
        StakeholderType::as_str_name,
        |s| capitalized(stakeholder_label(s)),
    )
}

pub(crate) fn practice_type_choices() -> Vec<Choice> {
    choices(
        (1..=8).filter_map(|v| PracticeType::try_from(v).ok()),
        PracticeType::as_str_name,
        |t| capitalized(practice_type_label(t)),
    )
}

pub(crate) fn status_choices() -> Vec<Choice> {
    choices(
        (1..=5).filter_map(|v| ImplementationStatus::try_from(v).ok()),
        ImplementationStatus::as_str_name,
        |s| implementation_status(Lang::En, s as i32),
    )
}

pub(crate) fn region_choices() -> Vec<Choice> {
    COMMISSIONS
        .iter()
        .map(|c| Choice {
            value: commission_code(*c).to_string(),
            label: format!("{} ({})", commission_name(*c), commission_code(*c)),
        })
        .collect()
}

pub(crate) fn country_choices() -> Vec<Choice> {
    let mut states: Vec<Choice> = refdata::reference()
        .member_states()
        .map(|s| Choice {
            value: s.iso3.clone(),
            label: s.name.clone(),
        })
        .collect();
    states.sort_by(|a, b| a.label.cmp(&b.label));
    states
}

pub(crate) fn objective_choices() -> Vec<Choice> {
    (1..=refdata::OBJECTIVE_COUNT)
        .map(|n| Choice {
            value: n.to_string(),
            label: objective(Lang::En, n),
        })
        .collect()
}
