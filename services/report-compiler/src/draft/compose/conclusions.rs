//! Chapter VII: conclusions and recommendations, each recommendation
//! derived from an input and footnoted: the regional reviews'
//! recommendations (each distinct text once, with every review that makes
//! it), the objectives that received least attention, the data the States
//! cannot disaggregate, and the pledges not yet started. When the report
//! precedes a Forum, guidance for its round tables and policy debate.

use imrf_gcm::refdata::{ROUND_TABLES, dimension_label, reference};
use imrf_proto::v1::{Aggregate, Commission, DisaggregationDimension, PledgeStatus};

use super::style::{list, objectives_phrase, quote};
use super::synthesis::{distinct, same_text};
use super::{DraftInputs, Para, Writer, objective_label, report_source};
use crate::draft::model::Source;

/// Dimensions fewer than half of the reporting States can disaggregate by,
/// in the order of the Progress Declaration.
fn data_gaps(inputs: &DraftInputs, aggregate: &Aggregate) -> Vec<(DisaggregationDimension, u32)> {
    let reporting = inputs.states().len() as u32;
    if reporting == 0 {
        return Vec::new();
    }
    aggregate
        .disaggregation
        .iter()
        .filter(|c| c.states * 2 < reporting)
        .map(|c| {
            (
                DisaggregationDimension::try_from(c.dimension).unwrap_or_default(),
                c.states,
            )
        })
        .collect()
}

/// The objectives that received least attention, three at most, among
/// those fewest inputs covered.
pub(super) fn least(aggregate: &Aggregate) -> Vec<u32> {
    aggregate
        .least_attention
        .iter()
        .take(3)
        .map(|o| o.objective)
        .collect()
}

pub(super) fn conclusions(w: &mut Writer, inputs: &DraftInputs, aggregate: &Aggregate) {
    w.section("Conclusions and recommendations");
    w.heading(2, "Conclusions");
    let least = least(aggregate);
    let mut sources = inputs.report_sources();
    sources.extend(inputs.review_sources());
    if sources.is_empty() {
        w.para(Para::default().text(
            "No national or regional input had been received from which to draw conclusions.",
        ));
    } else {
        let labels: Vec<String> = least.iter().map(|o| objective_label(*o)).collect();
        let n = w.cite(
            "Ranked over all national and regional inputs",
            sources.clone(),
        );
        w.para(
            Para::default()
                .text(format!(
                    "The inputs show implementation under way across the round tables, unevenly. Ranked by the number of national and regional reviews covering them, the objectives that received least attention were {}.",
                    list(&labels)
                ))
                .note(n),
        );
    }

    w.heading(2, "Recommendations");
    let mut any = false;
    for (table, objectives) in ROUND_TABLES {
        let items: Vec<(&imrf_proto::v1::RegionalReviewRecord, &str, u32)> = inputs
            .reviews
            .iter()
            .flat_map(|r| {
                r.review
                    .iter()
                    .flat_map(|x| x.findings.iter())
                    .filter(|f| objectives.contains(&f.objective))
                    .flat_map(move |f| {
                        f.recommendations
                            .iter()
                            .map(move |rec| (*r, rec.as_str(), f.objective))
                    })
            })
            .collect();
        if items.is_empty() {
            continue;
        }
        let shared = distinct(items.iter().map(|(r, rec, _)| (*r, *rec)));
        let mut para = Para::default();
        let mut cited = Vec::new();
        for s in &shared {
            let commissions: Vec<Commission> = s.commissions();
            let who = w.commissions(&commissions);
            let (noun, verb) = if commissions.len() > 1 {
                ("reviews", "recommend")
            } else {
                ("review", "recommends")
            };
            // The objectives of every review that gives the text, counted the
            // same way the synthesis counts it one text.
            let mut on: Vec<u32> = items
                .iter()
                .filter(|(_, rec, _)| same_text(rec, s.text))
                .map(|(_, _, o)| *o)
                .collect();
            on.sort_unstable();
            on.dedup();
            let sentence = format!(
                "On {}, the regional {noun} of {who} {verb}: {}.",
                objectives_phrase(&on),
                quote(s.text)
            );
            let text = if para.is_empty() {
                format!(
                    "Member States may wish to consider the recommendations of the regional reviews for round table {table}. {sentence}"
                )
            } else {
                format!(" {sentence}")
            };
            para = para.text(text);
            cited.extend(s.sources());
        }
        let n = w.cite(
            &format!("Recommendations of the regional reviews, round table {table}"),
            cited,
        );
        w.para(para.note(n));
        any = true;
    }
    if !any && !inputs.reviews.is_empty() {
        w.para(Para::default().text("The regional reviews made no recommendation."));
    }
    if !least.is_empty() && !sources.is_empty() {
        let n = w.cite(
            "Ranked over all national and regional inputs",
            sources.clone(),
        );
        let labels: Vec<String> = least.iter().map(|o| objective_label(*o)).collect();
        w.para(
            Para::default()
                .text(format!(
                    "Member States, with the support of the Network, may wish to strengthen action on {}, which received least attention in the inputs to the present report.",
                    list(&labels)
                ))
                .note(n),
        );
    }
    let gaps = data_gaps(inputs, aggregate);
    if !gaps.is_empty() {
        let reports = inputs.report_sources();
        let none: Vec<&str> = gaps
            .iter()
            .filter(|(_, states)| *states == 0)
            .map(|(d, _)| dimension_label(*d))
            .collect();
        let parts: Vec<String> = gaps
            .iter()
            .filter(|(_, states)| *states > 0)
            .map(|(d, states)| {
                let shown = w.number(
                    *states,
                    "Member States",
                    &reports,
                    "disaggregation_supported",
                );
                format!("{} ({shown})", dimension_label(*d))
            })
            .collect();
        let n = w.cite("National reports", reports);
        let mut text = String::from(
            "Member States may wish to invest in migration data disaggregated by the characteristics that fewer than half of the reporting States can supply",
        );
        if !parts.is_empty() {
            text.push_str(&format!(
                ": {} (the number of States able to supply each in brackets)",
                list(&parts)
            ));
        }
        if !none.is_empty() {
            text.push_str(&format!(
                "{} none of them reported being able to disaggregate by {}",
                if parts.is_empty() { ":" } else { ";" },
                list(&none)
            ));
        }
        text.push('.');
        w.para(Para::default().text(text).note(n));
    }
    // Each report with pledges not yet started, and how many.
    let not_started: Vec<(&str, Source, usize)> = inputs
        .reports
        .iter()
        .filter_map(|(r, _)| {
            let report = r.report.as_ref()?;
            let n = report
                .pledges
                .iter()
                .filter(|p| p.status == PledgeStatus::NotStarted as i32)
                .count();
            (n > 0).then(|| (report.state.as_str(), report_source(r), n))
        })
        .collect();
    if !not_started.is_empty() {
        let pledges = not_started.iter().map(|(_, _, n)| n).sum::<usize>() as f64;
        let sources: Vec<Source> = not_started.iter().map(|(_, s, _)| s.clone()).collect();
        let shown = w.count(pledges, "pledge", "pledges", &sources, "pledges[].status");
        let states: Vec<&str> = not_started.iter().map(|(s, _, _)| *s).collect();
        let (who, note) = w.states(
            &states,
            "Member States with pledges not yet started",
            sources.clone(),
        );
        let n = w.cite("National reports with pledges not yet started", sources);
        let mut para = Para::default().text(format!(
            "The Member States that made them may wish to begin implementing the {shown} reported as not yet started, by {who}, and the Network to support them."
        ));
        if let Some(listed) = note {
            para = para.note(listed);
        }
        w.para(para.note(n));
    }

    if inputs.cycle.precedes_forum {
        guidance(w, inputs, aggregate);
    }
}

fn guidance(w: &mut Writer, inputs: &DraftInputs, aggregate: &Aggregate) {
    w.heading(
        2,
        "Guidance for the deliberations of the International Migration Review Forum",
    );
    w.para(Para::default().text(
        "In accordance with resolution 73/326, the present report is to provide guidance for the round tables and the policy debate of the Forum. The following points are drawn from the inputs.",
    ));
    for (table, objectives) in ROUND_TABLES {
        let challenges = distinct(inputs.reviews.iter().flat_map(|r| {
            r.review
                .iter()
                .flat_map(|x| x.findings.iter())
                .filter(|f| objectives.contains(&f.objective))
                .map(move |f| (*r, f.challenges.as_str()))
        }));
        let least_here: Vec<u32> = aggregate
            .least_attention
            .iter()
            .filter(|o| objectives.contains(&o.objective))
            .take(2)
            .map(|o| o.objective)
            .collect();
        let mut para = Para::default().text(format!(
            "Round table {table}, on {}, may wish to give particular attention to {}",
            objectives_phrase(objectives),
            list(
                &least_here
                    .iter()
                    .map(|o| objective_label(*o))
                    .collect::<Vec<_>>()
            )
        ));
        if challenges.is_empty() {
            para = para.text(", on which the regional reviews raised no challenge.");
            w.para(para);
            continue;
        }
        let cited: Vec<Source> = challenges.iter().flat_map(|s| s.sources()).collect();
        let first = &challenges[0];
        let who = w.commissions(&first.commissions());
        let tail = if challenges.len() == 1 {
            format!(
                ", and to the challenge the regional reviews raised on its objectives, by {who}: {}.",
                quote(first.text)
            )
        } else {
            let count = w.number(
                challenges.len() as f64,
                "distinct challenges",
                &cited,
                "findings[].challenges",
            );
            format!(
                ", and to the {count} distinct challenges the regional reviews raised on its objectives, foremost the one raised by {who}: {}.",
                quote(first.text)
            )
        };
        let n = w.cite(&format!("Challenges raised for round table {table}"), cited);
        para = para.text(tail).note(n);
        w.para(para);
    }
    let gaps = data_gaps(inputs, aggregate);
    let labels: Vec<&str> = gaps.iter().map(|(d, _)| dimension_label(*d)).collect();
    let objective_1 = reference()
        .objective(1)
        .map_or_else(String::new, |o| o.title.to_lowercase());
    let mut text = format!(
        "The policy debate may wish to address the means of implementation, including the capacity-building mechanism, and objective 1, to {objective_1}"
    );
    if labels.is_empty() {
        text.push('.');
    } else {
        text.push_str(&format!(
            ", where the reporting States can least disaggregate their data by {}.",
            list(&labels)
        ));
    }
    w.para(Para::default().text(text));
}

/// What chapter VII recommends, for the summary.
pub(super) fn themes(inputs: &DraftInputs, aggregate: &Aggregate) -> Vec<String> {
    let mut themes = Vec::new();
    if inputs
        .reviews
        .iter()
        .flat_map(|r| r.review.iter().flat_map(|x| x.findings.iter()))
        .any(|f| !f.recommendations.is_empty())
    {
        themes.push("the recommendations of the regional reviews".to_string());
    }
    let least = least(aggregate);
    let no_inputs = inputs.reports.is_empty() && inputs.reviews.is_empty();
    if !least.is_empty() && !no_inputs {
        themes.push(format!("stronger action on {}", objectives_phrase(&least)));
    }
    let gaps = data_gaps(inputs, aggregate);
    if !gaps.is_empty() {
        let labels: Vec<&str> = gaps.iter().map(|(d, _)| dimension_label(*d)).collect();
        themes.push(format!("migration data disaggregated by {}", list(&labels)));
    }
    if inputs
        .reports
        .iter()
        .filter_map(|(r, _)| r.report.as_ref())
        .flat_map(|r| r.pledges.iter())
        .any(|p| p.status == PledgeStatus::NotStarted as i32)
    {
        themes.push("the pledges not yet started".to_string());
    }
    themes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::draft::compose::catalogue::Catalogue;
    use crate::draft::model::{Block, Inline};
    use imrf_proto::v1::{Cycle, ObjectiveFinding, RegionalReview, RegionalReviewRecord};

    fn review(
        commission: Commission,
        objective: u32,
        recommendation: &str,
    ) -> RegionalReviewRecord {
        RegionalReviewRecord {
            review_id: format!("2026-{}", commission as i32),
            review: Some(RegionalReview {
                cycle_id: "2026".into(),
                commission: commission as i32,
                findings: vec![ObjectiveFinding {
                    objective,
                    recommendations: vec![recommendation.into()],
                    ..Default::default()
                }],
                ..Default::default()
            }),
            ..Default::default()
        }
    }

    #[test]
    fn a_shared_recommendation_names_the_objectives_of_every_review_that_makes_it() {
        // The same recommendation, but for its case and full stop, on two
        // objectives of round table 1.
        let eca = review(Commission::Eca, 5, "Widen regular pathways.");
        let ece = review(Commission::Ece, 6, "widen regular pathways");
        let cycle = Cycle::default();
        let inputs = DraftInputs {
            cycle: &cycle,
            reviews: vec![&eca, &ece],
            reports: Vec::new(),
            practices: Vec::new(),
            curation: Default::default(),
            texts: Vec::new(),
            network: None,
        };
        let catalogue = Catalogue::new(&inputs);
        let mut w = Writer::new(&catalogue, &[]);
        conclusions(&mut w, &inputs, &super::super::aggregate(&inputs));
        let text: String = w.sections[0]
            .blocks
            .iter()
            .filter_map(|b| match b {
                Block::Paragraph { content, .. } => Some(content),
                _ => None,
            })
            .flatten()
            .filter_map(|i| match i {
                Inline::Text(t) => Some(t.as_str()),
                Inline::Footnote(_) => None,
            })
            .collect();
        assert!(
            text.contains("On objectives 5 and 6, the regional reviews of"),
            "{text}"
        );
    }
}
