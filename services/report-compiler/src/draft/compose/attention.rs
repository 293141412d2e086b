//! The objectives that received least attention.

use std::collections::BTreeMap;

use imrf_proto::v1::{Aggregate, RegionalReviewRecord};

use crate::draft::model::Source;

use super::{DraftInputs, Para, Writer, count, objective_name, report_source, review_source};

pub(super) fn least_attention(w: &mut Writer, inputs: &DraftInputs, aggregate: &Aggregate) {
    w.section("Objectives that received least attention");
    if inputs.reports.is_empty() && inputs.reviews.is_empty() {
        w.para(Para::default().text(
            "No national or regional input has been received from which to rank the objectives.",
        ));
        return;
    }
    let least: Vec<_> = aggregate.least_attention.iter().take(5).collect();
    let described: Vec<String> = least
        .iter()
        .map(|o| {
            format!(
                "{} ({}, {})",
                objective_name(o.objective),
                count(o.national_reports, "national report", "national reports"),
                count(o.regional_reviews, "regional review", "regional reviews")
            )
        })
        .collect();
    let mut sources: Vec<Source> = inputs
        .reports
        .iter()
        .map(|(r, _)| report_source(r))
        .collect();
    sources.extend(inputs.reviews.iter().map(|r| review_source(r)));
    let n = w.cite("Ranked over all national and regional inputs", sources);
    w.para(
        Para::default()
            .text(format!(
                "Ranked by the number of national and regional inputs covering them, the objectives that received least attention were {}. The Forum may wish to strengthen action on these commitments, as invited in paragraph 47 of the Progress Declaration.",
                described.join("; ")
            ))
            .note(n),
    );
    let flagged: BTreeMap<u32, Vec<&RegionalReviewRecord>> =
        inputs.reviews.iter().fold(BTreeMap::new(), |mut map, r| {
            for o in r
                .review
                .iter()
                .flat_map(|x| x.less_attention_objectives.iter())
            {
                map.entry(*o).or_insert_with(Vec::new).push(*r);
            }
            map
        });
    if !flagged.is_empty() {
        let text: Vec<String> = flagged
            .iter()
            .map(|(o, reviews)| {
                format!(
                    "{} (flagged by {})",
                    objective_name(*o),
                    count(reviews.len() as f64, "review", "reviews")
                )
            })
            .collect();
        let n = w.cite(
            "Regional reviews flagging objectives",
            flagged
                .values()
                .flatten()
                .map(|r| review_source(r))
                .collect(),
        );
        w.para(
            Para::default()
                .text(format!(
                    "The regional reviews themselves flagged as receiving less attention: {}.",
                    text.join("; ")
                ))
                .note(n),
        );
    }
}
