//! Where a practice is checked: the rules of the Repository of Practices,
//! each problem one field violation, and eligibility warnings that do not
//! refuse a practice.
//!
//! Limits (characters): title 300; summary, results and lessons 20,000;
//! organization, partner, focal point fields 1,000. At most 200 countries,
//! 50 partners and 30 SDG targets.

use std::collections::BTreeSet;

use imrf_gcm::refdata::COMMISSIONS;
use imrf_gcm::validate::{
    LONG_TEXT_MAX_CHARS, Path, SHORT_TEXT_MAX_CHARS, TITLE_MAX_CHARS, Violations,
};
use imrf_proto::v1::{
    FocalPoint, GuidingPrinciple, PracticeDetails, PracticeType, StakeholderType,
};

/// The Compact was adopted in December 2018.
pub const COMPACT_YEAR: i32 = 2018;
/// Share of completion below which a practice is "not yet mostly completed".
pub const MOSTLY_COMPLETED_PERCENT: u32 = 50;
/// A practice runs in Member States, each named once.
const MAX_COUNTRIES: usize = imrf_gcm::refdata::MEMBER_STATE_COUNT;
const MAX_PARTNERS: usize = 50;
const MAX_TARGETS: usize = 30;

/// A list of guiding principles: each a known one, none twice.
fn guiding_principles(v: &mut Violations, field: Path<'_>, principles: &[i32]) {
    // The Compact's ten, each once.
    const PRINCIPLES: usize = 10;
    v.list_len(field, principles.len(), PRINCIPLES);
    let mut seen = BTreeSet::new();
    for (i, principle) in principles.iter().enumerate().take(PRINCIPLES) {
        let item = Path::item(&field, i);
        let parsed: Option<GuidingPrinciple> =
            v.required_enum(item, *principle, "guiding principle");
        if parsed.is_some() && !seen.insert(*principle) {
            v.add(item, "is listed twice");
        }
    }
}

/// Most workstreams and joint programmes one contribution lists.
const MAX_WORKSTREAMS: usize = 50;
const MAX_PROGRAMMES: usize = 500;

/// An amount in United States dollars: a finite number, not negative.
fn dollars(v: &mut Violations, field: Path<'_>, amount: f64) {
    if !amount.is_finite() || amount < 0.0 {
        v.add(
            field,
            format!("{amount} is not an amount: a number of United States dollars, 0 or more"),
        );
    }
}

/// Checks the Network's contribution to a cycle; `field` is its path.
pub fn network_contribution(
    v: &mut Violations,
    field: &str,
    c: &imrf_proto::v1::NetworkContribution,
) {
    v.cycle_id(Path::field(&field, "cycle_id"), &c.cycle_id);
    v.required_text(Path::field(&field, "title"), &c.title, TITLE_MAX_CHARS);
    v.required_text(
        Path::field(&field, "summary"),
        &c.summary,
        LONG_TEXT_MAX_CHARS,
    );
    let workstreams = Path::field(&field, "workstreams");
    v.list_len(workstreams, c.workstreams.len(), MAX_WORKSTREAMS);
    for (i, w) in c.workstreams.iter().enumerate().take(MAX_WORKSTREAMS) {
        let item = Path::item(&workstreams, i);
        v.required_text(
            Path::field(&item, "workstream"),
            &w.workstream,
            TITLE_MAX_CHARS,
        );
        v.required_text(
            Path::field(&item, "activities"),
            &w.activities,
            LONG_TEXT_MAX_CHARS,
        );
        v.objectives(Path::field(&item, "objectives"), &w.objectives);
        guiding_principles(
            v,
            Path::field(&item, "guiding_principles"),
            &w.guiding_principles,
        );
    }
    if let Some(n) = &c.networks {
        let networks = Path::field(&field, "networks");
        if n.champion_countries > n.country_networks {
            v.add(
                Path::field(&networks, "champion_countries"),
                format!(
                    "{} champion countries is more than the {} country networks",
                    n.champion_countries, n.country_networks
                ),
            );
        }
        v.optional_text(
            Path::field(&networks, "narrative"),
            &n.narrative,
            LONG_TEXT_MAX_CHARS,
        );
    }
    if let Some(f) = &c.fund {
        let fund = Path::field(&field, "fund");
        v.date(Path::field(&fund, "as_of"), f.as_of.as_ref());
        dollars(
            v,
            Path::field(&fund, "contributions_usd"),
            f.contributions_usd,
        );
        let programmes = Path::field(&fund, "programmes");
        v.list_len(programmes, f.programmes.len(), MAX_PROGRAMMES);
        for (i, p) in f.programmes.iter().enumerate().take(MAX_PROGRAMMES) {
            let item = Path::item(&programmes, i);
            v.required_text(Path::field(&item, "title"), &p.title, TITLE_MAX_CHARS);
            let countries = Path::field(&item, "countries");
            v.list_len(countries, p.countries.len(), MAX_COUNTRIES);
            for (k, iso3) in p.countries.iter().enumerate().take(MAX_COUNTRIES) {
                v.member_state(Path::item(&countries, k), iso3);
            }
            let objectives = Path::field(&item, "objectives");
            if p.objectives.is_empty() {
                v.add(objectives, "is required: at least one GCM objective (1-23)");
            }
            v.objectives(objectives, &p.objectives);
            guiding_principles(
                v,
                Path::field(&item, "guiding_principles"),
                &p.guiding_principles,
            );
            dollars(v, Path::field(&item, "allocation_usd"), p.allocation_usd);
        }
    }
    v.optional_text(
        Path::field(&field, "hub_functioning"),
        &c.hub_functioning,
        LONG_TEXT_MAX_CHARS,
    );
    v.optional_text(
        Path::field(&field, "capacity_building"),
        &c.capacity_building,
        LONG_TEXT_MAX_CHARS,
    );
}

/// Checks the public content of a practice; `field` is its path.
pub fn details(v: &mut Violations, field: &str, d: &PracticeDetails) {
    v.required_text(Path::field(&field, "title"), &d.title, TITLE_MAX_CHARS);
    v.required_text(
        Path::field(&field, "summary"),
        &d.summary,
        LONG_TEXT_MAX_CHARS,
    );
    v.optional_text(
        Path::field(&field, "results"),
        &d.results,
        LONG_TEXT_MAX_CHARS,
    );
    v.optional_text(
        Path::field(&field, "lessons_learnt"),
        &d.lessons_learnt,
        LONG_TEXT_MAX_CHARS,
    );
    let objectives = Path::field(&field, "primary_objectives");
    if d.primary_objectives.is_empty() {
        v.add(objectives, "is required: at least one GCM objective (1-23)");
    }
    v.objectives(objectives, &d.primary_objectives);
    guiding_principles(
        v,
        Path::field(&field, "guiding_principles"),
        &d.guiding_principles,
    );
    if !d.upholds_all_guiding_principles {
        v.add(
            Path::field(&field, "upholds_all_guiding_principles"),
            "must be confirmed: the submitter confirms the practice upholds all ten guiding principles",
        );
    }
    v.list_len(
        Path::field(&field, "sdg_targets"),
        d.sdg_targets.len(),
        MAX_TARGETS,
    );
    for (i, target) in d.sdg_targets.iter().enumerate() {
        if !is_sdg_target(target) {
            v.add(
                Path::item(&Path::field(&field, "sdg_targets"), i),
                format!("'{target}' is not an SDG target such as \"10.7\" or \"10.c\""),
            );
        }
    }
    if d.start_year < 1945 || d.start_year > 2100 {
        v.add(
            Path::field(&field, "start_year"),
            "is required: the year implementation started",
        );
    }
    if d.end_year != 0 && d.end_year < d.start_year {
        v.add(
            Path::field(&field, "end_year"),
            format!("{} is before the start year {}", d.end_year, d.start_year),
        );
    }
    let _: Option<PracticeType> =
        v.required_enum(Path::field(&field, "type"), d.r#type, "practice type");
    let countries = Path::field(&field, "countries");
    if d.countries.is_empty() && !d.global_scope {
        v.add(
            countries,
            "is required unless the practice is global in scope (global_scope)",
        );
    }
    v.list_len(countries, d.countries.len(), MAX_COUNTRIES);
    let mut seen = BTreeSet::new();
    for (i, country) in d.countries.iter().enumerate().take(MAX_COUNTRIES) {
        let item = Path::item(&countries, i);
        if v.member_state(item, country) && !seen.insert(country.as_str()) {
            v.add(item, format!("{country} is listed twice"));
        }
    }
    let mut seen = BTreeSet::new();
    let regions = Path::field(&field, "regions");
    v.list_len(regions, d.regions.len(), COMMISSIONS.len());
    for (i, region) in d.regions.iter().enumerate().take(COMMISSIONS.len()) {
        let item = Path::item(&regions, i);
        if v.commission(item, *region).is_some() && !seen.insert(*region) {
            v.add(item, "is listed twice");
        }
    }
    v.list_len(
        Path::field(&field, "implementing_partners"),
        d.implementing_partners.len(),
        MAX_PARTNERS,
    );
    for (i, partner) in d.implementing_partners.iter().enumerate() {
        v.required_text(
            Path::item(&Path::field(&field, "implementing_partners"), i),
            partner,
            SHORT_TEXT_MAX_CHARS,
        );
    }
    v.required_text(
        Path::field(&field, "submitter_organization"),
        &d.submitter_organization,
        SHORT_TEXT_MAX_CHARS,
    );
    let _: Option<StakeholderType> = v.required_enum(
        Path::field(&field, "submitter_type"),
        d.submitter_type,
        "stakeholder type",
    );
    if d.completion_percent > 100 {
        v.add(
            Path::field(&field, "completion_percent"),
            format!("{} is over 100", d.completion_percent),
        );
    }
}

fn is_sdg_target(text: &str) -> bool {
    let Some((goal, target)) = text.split_once('.') else {
        return false;
    };
    goal.parse::<u32>().is_ok_and(|g| (1..=17).contains(&g))
        && !target.is_empty()
        && target.len() <= 2
        && target
            .chars()
            .all(|c| c.is_ascii_digit() || c.is_ascii_lowercase())
}

/// Checks a focal point (personal data; required).
pub fn focal_point(v: &mut Violations, field: &str, focal: Option<&FocalPoint>) {
    let Some(f) = focal else {
        v.add(
            field,
            "is required: the person to contact about the practice",
        );
        return;
    };
    v.required_text(Path::field(&field, "name"), &f.name, SHORT_TEXT_MAX_CHARS);
    v.required_text(Path::field(&field, "email"), &f.email, SHORT_TEXT_MAX_CHARS);
    let email = f.email.trim();
    if !email.is_empty() {
        let valid = email.split_once('@').is_some_and(|(user, domain)| {
            !user.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
        }) && !email.chars().any(char::is_whitespace);
        if !valid {
            v.add(
                Path::field(&field, "email"),
                format!("'{email}' is not an e-mail address"),
            );
        }
    }
    v.optional_text(
        Path::field(&field, "organization"),
        &f.organization,
        SHORT_TEXT_MAX_CHARS,
    );
    v.optional_text(Path::field(&field, "phone"), &f.phone, SHORT_TEXT_MAX_CHARS);
}

/// Eligibility warnings: the practice is recorded all the same.
pub fn warnings(d: &PracticeDetails) -> Vec<String> {
    let mut warnings = Vec::new();
    if d.start_year > 0 && d.start_year <= COMPACT_YEAR {
        warnings.push(format!(
            "implemented since {}, before the Compact's adoption in December 2018: say how it relates to the Compact",
            d.start_year
        ));
    }
    if d.completion_percent < MOSTLY_COMPLETED_PERCENT {
        warnings.push(format!(
            "{} per cent completed: the Repository favours practices that are mostly completed and show results",
            d.completion_percent
        ));
    }
    warnings
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sdg_targets() {
        for good in ["10.7", "10.c", "8.8", "17.18"] {
            assert!(is_sdg_target(good), "{good}");
        }
        for bad in ["10", "18.1", "10.", "ten.7", "10.7.1", "0.1"] {
            assert!(!is_sdg_target(bad), "{bad}");
        }
    }
}
