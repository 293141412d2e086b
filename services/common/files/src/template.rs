//! What a focal point needs to write a national report by hand: a
//! commented YAML template with every field and its allowed values, and
//! the codes, units and year window the checks use, in one text. Both are
//! written from the contract and the reference data, so they say what the
//! services accept.

use std::fmt::Write as _;

use imrf_gcm::refdata::reference;
use imrf_gcm::validate::{LONG_TEXT_MAX_CHARS, SHORT_TEXT_MAX_CHARS, TITLE_MAX_CHARS};

use crate::friendly::words_of;

/// A count as the UN writes it: 20,000.
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// How many years of indicator values a cycle takes, ending with its year.
const WINDOW_YEARS: i32 = 6;

fn words(name: &str) -> String {
    words_of(&format!("imrf.v1.{name}")).join(", ")
}

/// The years indicator values of `cycle` may be of ("2021-2026").
fn window(cycle: &str) -> String {
    cycle
        .get(..4)
        .and_then(|y| y.parse::<i32>().ok())
        .map_or_else(
            || "the six years up to the cycle's".to_string(),
            |y| format!("{}-{y}", y - WINDOW_YEARS + 1),
        )
}

/// A national report of `state` for `cycle` to fill in, as YAML with a
/// comment on every field; it reads as it is, so a focal point can delete
/// what does not apply and fill in the rest.
pub fn national_yaml(cycle: &str, state: &str) -> String {
    let name = reference()
        .member_state(state)
        .map_or(state, |s| s.name.as_str());
    let mut t = String::new();
    let _ = write!(
        t,
        "# National report of {name} for review cycle {cycle}.\n\
         # Fill in what applies and delete the rest, then send it:\n\
         #   imrfctl --as state:{state} report submit this-file.yaml\n\
         # Values may be written in words (in progress) or as the contract names\n\
         # them (IMPLEMENTATION_STATUS_IN_PROGRESS). `imrfctl report explain`\n\
         # lists every code.\n\
         cycle_id: '{cycle}'\n\
         state: {state}\n\
         # Required. One of: {kinds}.\n\
         kind: voluntary national review\n\
         # Required, at most {title_max} characters.\n\
         title: 'Voluntary national review of {name}, {cycle}'\n\
         # Required, at most {long_max} characters: what the report finds.\n\
         summary: ''\n\
         # One entry per objective reported on (1-23, each once). status is one of:\n\
         # {statuses}. narrative: at most {long_max} characters.\n\
         objectives:\n",
        kinds = words("ReportKind"),
        statuses = words("ImplementationStatus"),
        title_max = thousands(TITLE_MAX_CHARS),
        long_max = thousands(LONG_TEXT_MAX_CHARS),
    );
    for o in reference().objectives() {
        let _ = write!(
            t,
            "  # {}. {}\n  - objective: {}\n    status: planned\n    narrative: ''\n",
            o.number, o.title, o.number
        );
    }
    let _ = write!(
        t,
        "# Indicator values of {window} (the cycle's window). indicator_code and\n\
         # unit as `imrfctl report explain` lists them; dimension is empty for a\n\
         # total, or one of: {dims}, with its category (female, 15-24…).\n\
         indicators:\n\
         \x20 - indicator_code: 10.c.1\n\
         \x20   value: 4.6\n\
         \x20   unit: percent\n\
         \x20   year: {last}\n\
         \x20   dimension: ''\n\
         \x20   category: ''\n\
         \x20   source: 'National statistical office'\n\
         # Pledges: id (letters, digits, -, _ and .), title, the objectives it serves,\n\
         # kind ({pledge_kinds}) and status ({pledge_statuses}).\n\
         pledges:\n\
         \x20 - pledge_id: {state}-P1\n\
         \x20   title: ''\n\
         \x20   objectives: [20]\n\
         \x20   kind: policy oriented\n\
         \x20   status: ongoing\n\
         \x20   description: ''\n\
         # Who was consulted: type ({stakeholders}), how many, and a description\n\
         # of at most {short_max} characters.\n\
         stakeholders_consulted:\n\
         \x20 - type: civil society\n\
         \x20   count: 1\n\
         \x20   description: ''\n\
         # Whether the State has a national implementation plan.\n\
         has_implementation_plan: false\n\
         # The disaggregations the State's data support: {dims}.\n\
         disaggregation_supported: [sex, age]\n",
        window = window(cycle),
        last = window(cycle).rsplit('-').next().unwrap_or(cycle),
        dims = words("DisaggregationDimension"),
        pledge_kinds = words("PledgeKind"),
        pledge_statuses = words("PledgeStatus"),
        stakeholders = words("StakeholderType"),
        short_max = thousands(SHORT_TEXT_MAX_CHARS),
    );
    t
}

/// The codes, units and limits a national report is checked against.
pub fn explain(cycle: Option<&str>) -> String {
    let mut t = String::new();
    let section = |t: &mut String, title: &str, body: &str| {
        let _ = write!(t, "{title}\n  {}\n\n", body.replace(", ", "\n  "));
    };
    section(&mut t, "Report kinds (kind):", &words("ReportKind"));
    section(
        &mut t,
        "Implementation statuses (objectives[].status):",
        &words("ImplementationStatus"),
    );
    let _ = writeln!(
        t,
        "Objectives (objectives[].objective, pledges[].objectives):"
    );
    for o in reference().objectives() {
        let _ = writeln!(t, "  {:>2}  {}", o.number, o.title);
    }
    let _ = writeln!(
        t,
        "\nIndicators (indicators[].indicator_code, unit, valid values):"
    );
    for i in reference().indicators() {
        let range = match (i.min, i.max) {
            (Some(lo), Some(hi)) => format!("{lo} to {hi}"),
            (Some(lo), None) => format!("{lo} or more"),
            (None, Some(hi)) => format!("up to {hi}"),
            (None, None) => "any".to_string(),
        };
        let _ = writeln!(
            t,
            "  {:<7} {:<26} {range}\n          {}",
            i.code, i.unit, i.name
        );
    }
    let _ = writeln!(
        t,
        "\nYears of indicator values: {} (the six years up to the cycle's).\n",
        cycle.map_or_else(|| "for cycle 2026, 2021-2026".to_string(), window)
    );
    section(
        &mut t,
        "Disaggregation dimensions (indicators[].dimension, disaggregation_supported):",
        &words("DisaggregationDimension"),
    );
    section(
        &mut t,
        "Pledge kinds (pledges[].kind):",
        &words("PledgeKind"),
    );
    section(
        &mut t,
        "Pledge statuses (pledges[].status):",
        &words("PledgeStatus"),
    );
    section(
        &mut t,
        "Stakeholder types (stakeholders_consulted[].type):",
        &words("StakeholderType"),
    );
    let _ = writeln!(
        t,
        "Limits: title {} characters; summary and narratives {}; \
         pledge titles, indicator sources and categories {}; \
         at most 1,000 indicator values and 200 pledges.",
        thousands(TITLE_MAX_CHARS),
        thousands(LONG_TEXT_MAX_CHARS),
        thousands(SHORT_TEXT_MAX_CHARS)
    );
    t
}

#[cfg(test)]
mod tests {
    use imrf_proto::v1::{ImplementationStatus, NationalReport, ReportKind};

    use super::*;

    #[test]
    fn the_template_reads_as_a_report_with_every_objective() -> Result<(), crate::FileError> {
        let report: NationalReport = crate::content("ken.yaml", &national_yaml("2026", "KEN"))?;
        assert_eq!(report.state, "KEN");
        assert_eq!(report.kind, ReportKind::VoluntaryNationalReview as i32);
        assert_eq!(report.objectives.len(), 23);
        assert_eq!(
            report.objectives[0].status,
            ImplementationStatus::Planned as i32
        );
        assert_eq!(report.indicators[0].year, 2026);
        assert_eq!(report.disaggregation_supported.len(), 2);
        Ok(())
    }

    #[test]
    fn explain_lists_the_codes_the_checks_use() {
        let text = explain(Some("2026"));
        for expected in [
            "in progress",
            "10.c.1  percent",
            "2021-2026",
            "migration status",
            "civil society",
            "20  Promote faster",
        ] {
            assert!(text.contains(expected), "{expected} not in:\n{text}");
        }
        assert!(!text.contains("unspecified"), "{text}");
    }
}
