//! Guidance for the Forum: conclusions and recommendations.

use imrf_gcm::refdata::{ROUND_TABLES, commission_code};
use imrf_proto::v1::{Commission, RegionalReviewRecord};

use super::{DraftInputs, Para, Writer, count, objective_name, quote, review_source};

pub(super) fn guidance(w: &mut Writer, inputs: &DraftInputs) {
    w.section("Guidance for the deliberations of the Forum");
    for (table, objectives) in ROUND_TABLES {
        let mut sorted = objectives.to_vec();
        sorted.sort_unstable();
        let labels: Vec<String> = sorted.iter().map(|o| objective_name(*o)).collect();
        w.heading(2, format!("Round table {table}"));
        let challenges: Vec<(&RegionalReviewRecord, String)> = inputs
            .reviews
            .iter()
            .flat_map(|r| {
                r.review
                    .iter()
                    .flat_map(|x| x.findings.iter())
                    .filter(|f| sorted.contains(&f.objective) && !f.challenges.trim().is_empty())
                    .map(move |f| (*r, f.challenges.trim().to_string()))
            })
            .collect();
        let mut para = Para::default().text(format!(
            "Round table {table} will consider {}.",
            labels.join(", ")
        ));
        if challenges.is_empty() {
            para = para.text(" The regional reviews raised no challenge on these objectives.");
            w.para(para);
        } else {
            let n = w.cite(
                "Regional reviews",
                challenges.iter().map(|(r, _)| review_source(r)).collect(),
            );
            para = para
                .text(format!(
                    " The regional reviews raised {} on these objectives, among them: {}.",
                    count(challenges.len() as f64, "challenge", "challenges"),
                    quote(&challenges[0].1)
                ))
                .note(n);
            w.para(para);
        }
        for objective in sorted {
            let recommendations: Vec<(&RegionalReviewRecord, &str)> = inputs
                .reviews
                .iter()
                .flat_map(|r| {
                    r.review
                        .iter()
                        .flat_map(|x| x.findings.iter())
                        .filter(|f| f.objective == objective)
                        .flat_map(|f| f.recommendations.iter())
                        .map(move |rec| (*r, rec.as_str()))
                })
                .collect();
            if recommendations.is_empty() {
                continue;
            }
            let quoted: Vec<String> = recommendations
                .iter()
                .map(|(r, rec)| {
                    let who = r
                        .review
                        .as_ref()
                        .map(|x| {
                            commission_code(Commission::try_from(x.commission).unwrap_or_default())
                        })
                        .unwrap_or("");
                    format!("{} ({who})", quote(rec))
                })
                .collect();
            let n = w.cite(
                "Recommendations of the regional reviews",
                recommendations
                    .iter()
                    .map(|(r, _)| review_source(r))
                    .collect(),
            );
            w.para(
                Para::default()
                    .text(format!(
                        "On {}, the regional reviews recommend: {}.",
                        objective_name(objective),
                        quoted.join("; ")
                    ))
                    .note(n),
            );
        }
    }
}
