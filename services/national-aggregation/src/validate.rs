//! Where a national report is checked: every rule of the intake, each
//! problem reported as one field violation, all at once.
//!
//! Limits (characters): title 300; narrative and summary 20,000; pledge
//! title, indicator source and category 1,000; pledge id 64 (letters,
//! digits, `-`, `_`, `.`). At most 23 objectives (one entry each), 1,000
//! indicator observations and 200 pledges. Indicator years lie in the
//! reporting window of the cycle: the six years up to and including the
//! cycle's year ("2026" takes 2021-2026).

use std::collections::BTreeSet;

use imrf_gcm::refdata::reference;
use imrf_gcm::refdata::{OBJECTIVE_COUNT, kind_code};
use imrf_gcm::validate::{
    LIST_MAX_ITEMS, LONG_TEXT_MAX_CHARS, Path, SHORT_TEXT_MAX_CHARS, TITLE_MAX_CHARS, Violations,
};
use imrf_proto::v1::{
    DisaggregationDimension, ImplementationStatus, NationalReport, PledgeKind, PledgeStatus,
    ReportKind,
};

/// Years of indicator data a cycle takes, ending with the cycle's year.
pub const REPORTING_WINDOW_YEARS: i32 = 6;
const MAX_PLEDGES: usize = 200;
const PLEDGE_ID_MAX_CHARS: usize = 64;

/// Checks a whole report; `field` is its path in the request ("report").
pub fn report(v: &mut Violations, field: &str, report: &NationalReport) {
    v.cycle_id(Path::field(&field, "cycle_id"), &report.cycle_id);
    v.member_state(Path::field(&field, "state"), &report.state);
    let kind: Option<ReportKind> =
        v.required_enum(Path::field(&field, "kind"), report.kind, "report kind");
    v.required_text(Path::field(&field, "title"), &report.title, TITLE_MAX_CHARS);
    objectives(v, field, report, kind);
    indicators(v, field, report);
    pledges(v, field, report, kind);
    v.stakeholders(
        Path::field(&field, "stakeholders_consulted"),
        &report.stakeholders_consulted,
    );
    let mut seen = BTreeSet::new();
    let list = Path::field(&field, "disaggregation_supported");
    // The eight data dimensions of the Progress Declaration, each once.
    const DIMENSIONS: usize = 8;
    v.list_len(list, report.disaggregation_supported.len(), DIMENSIONS);
    for (i, dimension) in report
        .disaggregation_supported
        .iter()
        .enumerate()
        .take(DIMENSIONS)
    {
        let item = Path::item(&list, i);
        let parsed: Option<DisaggregationDimension> =
            v.required_enum(item, *dimension, "disaggregation dimension");
        if parsed.is_some() && !seen.insert(*dimension) {
            v.add(item, "is listed twice");
        }
    }
    v.required_text(
        Path::field(&field, "summary"),
        &report.summary,
        LONG_TEXT_MAX_CHARS,
    );
}

fn objectives(v: &mut Violations, field: &str, report: &NationalReport, kind: Option<ReportKind>) {
    let list = Path::field(&field, "objectives");
    if report.objectives.is_empty() && kind != Some(ReportKind::PledgeUpdate) {
        v.add(
            list,
            "is required: the status of at least one GCM objective",
        );
    }
    // A status per objective at most.
    let most = OBJECTIVE_COUNT as usize;
    v.list_len(list, report.objectives.len(), most);
    let mut seen = BTreeSet::new();
    for (i, entry) in report.objectives.iter().enumerate().take(most) {
        let item = Path::item(&list, i);
        v.objective(Path::field(&item, "objective"), entry.objective);
        if !seen.insert(entry.objective) {
            v.add(
                Path::field(&item, "objective"),
                format!("objective {} is listed twice", entry.objective),
            );
        }
        let _: Option<ImplementationStatus> = v.required_enum(
            Path::field(&item, "status"),
            entry.status,
            "implementation status",
        );
        v.optional_text(
            Path::field(&item, "narrative"),
            &entry.narrative,
            LONG_TEXT_MAX_CHARS,
        );
    }
}

fn cycle_year(cycle_id: &str) -> Option<i32> {
    cycle_id.get(..4)?.parse().ok()
}

fn indicators(v: &mut Violations, field: &str, report: &NationalReport) {
    let list = Path::field(&field, "indicators");
    v.list_len(list, report.indicators.len(), LIST_MAX_ITEMS);
    let window = cycle_year(&report.cycle_id).map(|y| (y - REPORTING_WINDOW_YEARS + 1, y));
    let mut seen = BTreeSet::new();
    for (i, observation) in report.indicators.iter().enumerate().take(LIST_MAX_ITEMS) {
        let item = Path::item(&list, i);
        let Some(indicator) = reference().indicator(&observation.indicator_code) else {
            let known: Vec<&str> = reference().indicators().map(|i| i.code.as_str()).collect();
            v.add(
                Path::field(&item, "indicator_code"),
                format!(
                    "'{}' is not an indicator of the review; use one of {}",
                    observation.indicator_code,
                    known.join(", ")
                ),
            );
            continue;
        };
        if observation.unit != indicator.unit {
            v.add(
                Path::field(&item, "unit"),
                format!(
                    "'{}' is not the unit of {}: use '{}'",
                    observation.unit, indicator.code, indicator.unit
                ),
            );
        } else if !indicator.in_range(observation.value) {
            let range = match (indicator.min, indicator.max) {
                (Some(min), Some(max)) => format!("{min} to {max}"),
                (Some(min), None) => format!("at least {min}"),
                (None, Some(max)) => format!("at most {max}"),
                (None, None) => "a finite number".into(),
            };
            v.add(
                Path::field(&item, "value"),
                format!(
                    "{} is out of range for {} ({}): {range}",
                    observation.value, indicator.code, indicator.unit
                ),
            );
        }
        if let Some((first, last)) = window
            && !(first..=last).contains(&observation.year)
        {
            v.add(
                Path::field(&item, "year"),
                format!(
                    "{} is outside the reporting window of cycle {} ({first}-{last})",
                    observation.year, report.cycle_id
                ),
            );
        }
        let dimension = DisaggregationDimension::try_from(observation.dimension);
        match dimension {
            Err(_) => v.add(
                Path::field(&item, "dimension"),
                format!(
                    "{} is not a disaggregation dimension",
                    observation.dimension
                ),
            ),
            Ok(DisaggregationDimension::Unspecified) if !observation.category.is_empty() => v.add(
                Path::field(&item, "category"),
                "must be empty for a total; set dimension for a disaggregated value",
            ),
            Ok(DisaggregationDimension::Unspecified) => {}
            Ok(_) if observation.category.trim().is_empty() => v.add(
                Path::field(&item, "category"),
                "is required when dimension is set, for example \"female\" for sex",
            ),
            Ok(_) => {}
        }
        v.optional_text(
            Path::field(&item, "category"),
            &observation.category,
            SHORT_TEXT_MAX_CHARS,
        );
        v.optional_text(
            Path::field(&item, "source"),
            &observation.source,
            SHORT_TEXT_MAX_CHARS,
        );
        let key = (
            observation.indicator_code.as_str(),
            observation.year,
            observation.dimension,
            observation.category.as_str(),
        );
        if !seen.insert(key) {
            v.add(
                item,
                "repeats an observation of the same indicator, year, dimension and category",
            );
        }
    }
}

fn pledges(v: &mut Violations, field: &str, report: &NationalReport, kind: Option<ReportKind>) {
    let list = Path::field(&field, "pledges");
    if report.pledges.is_empty() && kind == Some(ReportKind::PledgeUpdate) {
        v.add(list, "is required in a pledge update");
    }
    v.list_len(list, report.pledges.len(), MAX_PLEDGES);
    let mut seen = BTreeSet::new();
    for (i, pledge) in report.pledges.iter().enumerate().take(MAX_PLEDGES) {
        let item = Path::item(&list, i);
        let id_field = Path::field(&item, "pledge_id");
        if pledge.pledge_id.is_empty() {
            v.add(id_field, "is required, for example \"KEN-P1\"");
        } else if pledge.pledge_id.chars().count() > PLEDGE_ID_MAX_CHARS
            || !pledge
                .pledge_id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        {
            v.add(
                id_field,
                format!(
                    "'{}' must be at most {PLEDGE_ID_MAX_CHARS} letters, digits, '-', '_' or '.'",
                    pledge.pledge_id
                ),
            );
        } else if !seen.insert(pledge.pledge_id.as_str()) {
            v.add(id_field, format!("{} is listed twice", pledge.pledge_id));
        }
        v.required_text(
            Path::field(&item, "title"),
            &pledge.title,
            SHORT_TEXT_MAX_CHARS,
        );
        if pledge.objectives.is_empty() {
            v.add(
                Path::field(&item, "objectives"),
                "is required: the objectives the pledge supports",
            );
        }
        v.objectives(Path::field(&item, "objectives"), &pledge.objectives);
        let _: Option<PledgeKind> =
            v.required_enum(Path::field(&item, "kind"), pledge.kind, "pledge kind");
        let _: Option<PledgeStatus> =
            v.required_enum(Path::field(&item, "status"), pledge.status, "pledge status");
        v.optional_text(
            Path::field(&item, "description"),
            &pledge.description,
            LONG_TEXT_MAX_CHARS,
        );
    }
}

/// The id of a report: `<cycle>-<ISO3>-<KIND>`, for example "2026-KEN-VNR".
pub fn report_id(cycle_id: &str, state: &str, kind: ReportKind) -> String {
    format!("{cycle_id}-{state}-{}", kind_code(kind))
}

/// Splits a report id into cycle, state and kind.
pub fn parse_report_id(id: &str) -> Option<(String, String, ReportKind)> {
    let (rest, code) = id.rsplit_once('-')?;
    let (cycle, state) = rest.rsplit_once('-')?;
    let kind = [
        ReportKind::VoluntaryNationalReview,
        ReportKind::NationalImplementationPlan,
        ReportKind::PledgeUpdate,
    ]
    .into_iter()
    .find(|k| kind_code(*k) == code)?;
    (imrf_gcm::validate::is_cycle_id(cycle) && reference().member_state(state).is_some())
        .then(|| (cycle.to_string(), state.to_string(), kind))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn report_ids_round_trip() {
        let id = report_id("2026-plenary", "KEN", ReportKind::PledgeUpdate);
        assert_eq!(id, "2026-plenary-KEN-PLEDGES");
        assert_eq!(
            parse_report_id(&id),
            Some((
                "2026-plenary".into(),
                "KEN".into(),
                ReportKind::PledgeUpdate
            ))
        );
        assert_eq!(parse_report_id("2026-XXX-VNR"), None);
        assert_eq!(parse_report_id("2026-KEN-ABC"), None);
        assert_eq!(parse_report_id("KEN-VNR"), None);
    }
}
