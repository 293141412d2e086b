//! Chapter VI: follow-up to the Progress Declaration (resolution 76/266):
//! the indicators it asks the review to draw on, disaggregated data,
//! missing migrants and the pledges made at the Forum.

use std::collections::BTreeMap;

use imrf_gcm::refdata::{TargetRule, dimension_label, reference};
use imrf_gcm::statistics::Dataset;
use imrf_proto::v1::{Aggregate, DisaggregationDimension, PledgeKind, PledgeStatus};

use super::style::{decimal, list, per_cent_of};
use super::{DraftInputs, Fig, Para, Writer, most_first, report_source};
use crate::draft::model::{Method, Source};

fn pledge_kind(kind: i32) -> &'static str {
    match PledgeKind::try_from(kind).unwrap_or_default() {
        PledgeKind::Financial => "financial",
        PledgeKind::HumanResource => "human resource",
        PledgeKind::ProcessOriented => "process-oriented",
        PledgeKind::PolicyOriented => "policy-oriented",
        PledgeKind::Unspecified => "unspecified",
    }
}

/// A value with its unit, in prose.
fn with_unit(value: f64, unit: &str) -> String {
    match unit {
        "percent" => per_cent_of(value),
        "persons" => format!("{} persons", super::style::int(value)),
        other => format!("{} ({})", decimal(value), other.replace('_', " ")),
    }
}

pub(super) fn declaration(w: &mut Writer, inputs: &DraftInputs, aggregate: &Aggregate) {
    w.section("Follow-up to the Progress Declaration");
    w.heading(2, "Indicators");
    w.para(Para::default().text(
        "In the Progress Declaration, the General Assembly requested a limited set of indicators, drawing on the global indicator framework for the Sustainable Development Goals, to assist Member States in reviewing progress (resolution 76/266, para. 70). The national reports carried values for the indicators below.",
    ));
    let sdg = w.abbr("SDG", "Sustainable Development Goal");
    if aggregate.indicators.is_empty() {
        w.para(
            Para::default()
                .text("None of the national reports received carried an indicator value."),
        );
    }
    for summary in &aggregate.indicators {
        let Some(indicator) = reference().indicator(&summary.indicator_code) else {
            continue;
        };
        let sources: Vec<Source> = summary
            .latest
            .iter()
            .filter_map(|l| l.source.as_ref().and_then(Source::of_ref))
            .collect();
        let field = format!(
            "indicators[indicator_code={}].value",
            summary.indicator_code
        );
        let states = w.count(
            summary.latest.len() as f64,
            "Member State",
            "Member States",
            &sources,
            &field,
        );
        let years: Vec<i32> = summary.latest.iter().map(|l| l.year).collect();
        let (first, last) = (
            years.iter().min().copied().unwrap_or(0),
            years.iter().max().copied().unwrap_or(0),
        );
        let period = if first == last {
            format!("for {first}")
        } else {
            format!("for years from {first} to {last}")
        };
        let median = w.fig(
            Fig::new(
                summary.median,
                with_unit(summary.median, &indicator.unit),
                "value",
            )
            .of(Method::Median)
            .from(&sources, &field),
        );
        let mut text = format!(
            "For {sdg} indicator {} ({}), {states} reported values {period}; the median of the latest value of each State was {median}.",
            summary.indicator_code,
            indicator.name.to_lowercase(),
        );
        if let Some(target) = summary.target {
            let comparison = match indicator.target_rule {
                Some(TargetRule::AtLeast) => "at or above",
                Some(TargetRule::Below) => "below",
                _ => "at or under",
            };
            let target_shown = w.fig(
                Fig::new(target, with_unit(target, &indicator.unit), "value")
                    .of(Method::Value)
                    .dataset(Dataset::IndicatorFramework, "target"),
            );
            let meeting = w.number(
                summary.states_meeting_target,
                "Member States",
                &sources,
                &field,
            );
            let share = w.share(
                f64::from(summary.states_meeting_target),
                summary.latest.len() as f64,
                &sources,
                &field,
            );
            let target_text = if indicator.target_rule == Some(TargetRule::Below) {
                format!("less than {target_shown}")
            } else {
                target_shown
            };
            text.push_str(&format!(
                " The values of {meeting} of them ({share}) stood {comparison} the target of {target_text}."
            ));
        }
        let n = w.cite(
            &format!("Latest values of indicator {}", summary.indicator_code),
            sources,
        );
        w.para(Para::default().text(text).note(n));
    }

    w.heading(2, "Disaggregated data");
    let reports = inputs.report_sources();
    let reporting = inputs.states().len();
    let mut parts = Vec::new();
    for d in &aggregate.disaggregation {
        let label =
            dimension_label(DisaggregationDimension::try_from(d.dimension).unwrap_or_default());
        let shown = w.number(
            d.states,
            "Member States",
            &reports,
            "disaggregation_supported",
        );
        parts.push(format!("{label} ({shown})"));
    }
    if reporting == 0 || parts.is_empty() {
        w.para(Para::default().text(
            "The national reports received did not say by which characteristics their migration data can be disaggregated.",
        ));
    } else {
        let of = w.count(
            reporting as f64,
            "reporting Member State",
            "reporting Member States",
            &reports,
            "report.state",
        );
        let n = w.cite("National reports", reports.clone());
        w.para(
            Para::default()
                .text(format!(
                    "The Progress Declaration calls for data disaggregated by income, sex, age, race, ethnicity, migration status, disability and geographic location. Of the {of}, the number whose migration data can be disaggregated by each characteristic was: {}.",
                    list(&parts)
                ))
                .note(n),
        );
    }

    w.heading(2, "Missing migrants");
    let covering: Vec<Source> = aggregate
        .objectives
        .iter()
        .filter(|o| o.objective == 8)
        .flat_map(|o| o.national_reports.iter().filter_map(Source::of_ref))
        .collect();
    let n_covering = w.count(
        covering.len() as f64,
        "national report",
        "national reports",
        &covering,
        "objectives[objective=8].status",
    );
    let mut para = Para::default().text(format!(
        "The Progress Declaration requested actionable recommendations on strengthening cooperation on missing migrants and on humanitarian assistance to migrants in distress. Objective 8, on saving lives and coordinated international efforts on missing migrants, was covered by {n_covering}, and chapter II gives the latest count of the Missing Migrants Project."
    ));
    if !covering.is_empty() {
        let n = w.cite("National reports covering objective 8", covering);
        para = para.note(n);
    }
    w.para(para);

    w.heading(2, "Pledges");
    let total: u32 = aggregate.pledges_by_kind.iter().map(|p| p.pledges).sum();
    if total == 0 {
        w.para(Para::default().text("None of the national reports received reported on a pledge."));
        return;
    }
    let with_pledges: Vec<Source> = inputs
        .reports
        .iter()
        .filter(|(r, _)| r.report.as_ref().is_some_and(|x| !x.pledges.is_empty()))
        .map(|(r, _)| report_source(r))
        .collect();
    let field = "pledges[].status";
    let n_total = w.count(total, "pledge", "pledges", &with_pledges, field);
    let mut by_status: BTreeMap<i32, u32> = BTreeMap::new();
    let mut by_kind: BTreeMap<i32, u32> = BTreeMap::new();
    for p in &aggregate.pledges_by_kind {
        *by_status.entry(p.status).or_default() += p.pledges;
        *by_kind.entry(p.kind).or_default() += p.pledges;
    }
    let verb = |n: u32| if n == 1 { "was" } else { "were" };
    let status_parts: Vec<String> = [
        (PledgeStatus::Completed, "completed"),
        (PledgeStatus::Ongoing, "ongoing"),
        (PledgeStatus::NotStarted, "not yet started"),
    ]
    .into_iter()
    .filter_map(|(s, label)| {
        let n = *by_status.get(&(s as i32))?;
        let shown = w.number(n, "pledges", &with_pledges, field);
        Some(format!("{shown} {} {label}", verb(n)))
    })
    .collect();
    let kind_parts: Vec<String> = most_first(by_kind, |n| u64::from(*n))
        .into_iter()
        .map(|(k, n)| {
            let shown = w.number(n, "pledges", &with_pledges, "pledges[].kind");
            format!("{shown} {} {}", verb(n), pledge_kind(k))
        })
        .collect();
    let n = w.cite("National reports with pledges", with_pledges);
    w.para(
        Para::default()
            .text(format!(
                "Member States reported on {n_total} made in the context of the Forum, of which {}. By kind, {}.",
                list(&status_parts),
                list(&kind_parts)
            ))
            .note(n),
    );
}
