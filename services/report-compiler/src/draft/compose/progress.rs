//! Progress by round table and objective.

use imrf_gcm::refdata::{ROUND_TABLES, commission_name, reference};
use imrf_proto::v1::{Aggregate, Commission};

use crate::draft::model::Source;

use super::{
    DraftInputs, Para, Writer, count, int, objective_name, practice_source, practices_on, quote,
    review_source, status_phrase,
};

pub(super) fn progress(w: &mut Writer, inputs: &DraftInputs, aggregate: &Aggregate) {
    w.section("Progress, challenges and gaps in implementing the Global Compact");
    for (table, objectives) in ROUND_TABLES {
        let mut sorted = objectives.to_vec();
        sorted.sort_unstable();
        let list: Vec<String> = sorted.iter().map(|o| o.to_string()).collect();
        w.heading(
            2,
            format!("Round table {table} (objectives {})", list.join(", ")),
        );
        for objective in sorted {
            let title = reference()
                .objective(objective)
                .map_or("", |o| o.title.as_str());
            w.heading(3, format!("Objective {objective}: {title}"));
            let coverage = aggregate.objectives.get((objective - 1) as usize);
            match coverage {
                Some(c) if c.states_reporting > 0 => {
                    let statuses: Vec<String> = c
                        .status_counts
                        .iter()
                        .rev()
                        .map(|s| format!("{} in {}", status_phrase(s.status), int(s.states)))
                        .collect();
                    let sources: Vec<Source> = c
                        .national_reports
                        .iter()
                        .map(|s| Source {
                            kind: s.kind.clone(),
                            id: s.id.clone(),
                            revision: s.revision,
                        })
                        .collect();
                    let n = w.cite("National reports covering the objective", sources);
                    w.para(
                        Para::default()
                            .text(format!(
                                "{} reported on {}: implementation was {}.",
                                count(c.states_reporting, "Member State", "Member States"),
                                objective_name(objective),
                                statuses.join(", ")
                            ))
                            .note(n),
                    );
                }
                _ => w.para(Para::default().text(format!(
                    "No Member State reported on {} in the national reports received.",
                    objective_name(objective)
                ))),
            }
            for review in &inputs.reviews {
                let Some(content) = &review.review else {
                    continue;
                };
                let Some(finding) = content.findings.iter().find(|f| f.objective == objective)
                else {
                    continue;
                };
                let who =
                    commission_name(Commission::try_from(content.commission).unwrap_or_default());
                let n = w.cite("Regional finding", vec![review_source(review)]);
                let mut para = Para::default().text(format!("In its regional review, the {who}"));
                let mut parts = Vec::new();
                if !finding.progress.trim().is_empty() {
                    parts.push(format!("observed progress: {}", quote(&finding.progress)));
                }
                if !finding.challenges.trim().is_empty() {
                    parts.push(format!("noted challenges: {}", quote(&finding.challenges)));
                }
                if !finding.gaps.trim().is_empty() {
                    parts.push(format!("identified gaps: {}", quote(&finding.gaps)));
                }
                para = para.text(format!(" {}.", parts.join("; it "))).note(n);
                w.para(para);
            }
            let practices = practices_on(inputs, objective);
            if !practices.is_empty() {
                let cited: Vec<String> = practices
                    .iter()
                    .take(5)
                    .map(|p| format!("\u{201c}{}\u{201d} ({})", p.details.title, p.practice_id))
                    .collect();
                let more = practices.len().saturating_sub(5);
                let n = w.cite(
                    "Practices",
                    practices.iter().map(|p| practice_source(p)).collect(),
                );
                w.para(
                    Para::default()
                        .text(format!(
                            "The Repository of Practices holds {} on the objective, including {}{}.",
                            count(practices.len() as f64, "published practice", "published practices"),
                            cited.join(", "),
                            if more > 0 { format!(" and {more} more") } else { String::new() }
                        ))
                        .note(n),
                );
            }
        }
    }
}
