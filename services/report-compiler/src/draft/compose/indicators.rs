//! Indicators: what the reported observations say, and how far they are disaggregated.

use imrf_gcm::refdata::{dimension_label, reference};
use imrf_proto::v1::{Aggregate, DisaggregationDimension};

use crate::draft::model::Source;

use super::{DraftInputs, Para, Writer, count, decimal, int, per_cent, report_source};

pub(super) fn indicators(w: &mut Writer, inputs: &DraftInputs, aggregate: &Aggregate) {
    w.section("Indicators against targets");
    if aggregate.indicators.is_empty() {
        w.para(
            Para::default()
                .text("No indicator value was reported in the national reports received."),
        );
        return;
    }
    for summary in &aggregate.indicators {
        let Some(indicator) = reference().indicator(&summary.indicator_code) else {
            continue;
        };
        let sources: Vec<Source> = summary
            .latest
            .iter()
            .filter_map(|l| l.source.as_ref())
            .map(|s| Source {
                kind: s.kind.clone(),
                id: s.id.clone(),
                revision: s.revision,
            })
            .collect();
        let n = w.cite("Latest values reported", sources);
        let unit = match indicator.unit.as_str() {
            "percent" => " per cent".to_string(),
            "persons" => " persons".to_string(),
            other => format!(" ({})", other.replace('_', " ")),
        };
        let mut text = format!(
            "For SDG indicator {} ({}), {} reported {}; the latest values had a median of {}{unit}, ranging from {} to {}.",
            summary.indicator_code,
            indicator.name.to_lowercase(),
            count(summary.latest.len() as f64, "Member State", "Member States"),
            count(summary.observations, "value", "values"),
            decimal(summary.median),
            decimal(summary.min),
            decimal(summary.max)
        );
        if let Some(target) = summary.target {
            let comparison = match indicator.target_rule {
                Some(imrf_gcm::refdata::TargetRule::AtLeast) => "at or above",
                _ => "at or under",
            };
            text.push_str(&format!(
                " {} of them ({}) stood {comparison} the target of {}{unit}{}.",
                summary.states_meeting_target,
                per_cent(
                    f64::from(summary.states_meeting_target),
                    summary.latest.len() as f64
                ),
                decimal(target),
                indicator
                    .target_note
                    .as_deref()
                    .map(|note| format!(" ({note})"))
                    .unwrap_or_default()
            ));
        }
        if summary.indicator_code == "10.7.3" {
            let total: f64 = summary.latest.iter().map(|l| l.value).sum();
            text.push_str(&format!(
                " Together, the latest values count {} migrants who died or disappeared.",
                int(total)
            ));
        }
        w.para(Para::default().text(text).note(n));
    }
    let missing: Vec<String> = ["10.c.1", "10.7.3"]
        .into_iter()
        .filter(|code| {
            !aggregate
                .indicators
                .iter()
                .any(|i| i.indicator_code == *code)
        })
        .map(String::from)
        .collect();
    if !missing.is_empty() {
        let label = if missing.len() == 1 {
            "indicator"
        } else {
            "indicators"
        };
        w.para(Para::default().text(format!(
            "No value was reported for SDG {label} {}.",
            missing.join(" and ")
        )));
    }
    let supported: Vec<String> = aggregate
        .disaggregation
        .iter()
        .filter(|d| d.states > 0)
        .map(|d| {
            format!(
                "{} ({})",
                dimension_label(DisaggregationDimension::try_from(d.dimension).unwrap_or_default()),
                int(d.states)
            )
        })
        .collect();
    if !supported.is_empty() {
        let n = w.cite(
            "National reports",
            inputs
                .reports
                .iter()
                .map(|(r, _)| report_source(r))
                .collect(),
        );
        w.para(
            Para::default()
                .text(format!(
                    "Member States reported that their migration data can be disaggregated by {} (number of States in brackets), against the characteristics listed in paragraph 37 of the Progress Declaration.",
                    supported.join(", ")
                ))
                .note(n),
        );
    }
}
