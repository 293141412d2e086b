//! Chapter III: progress in implementation, by round table and objective.
//! For each objective: what the Member States reported, named; what the
//! regional reviews found, each distinct finding once with every review
//! that gives it; and two or three practices of the Repository, described
//! from their own summaries and results.

use std::collections::BTreeMap;

use imrf_gcm::aggregate::{KIND_PRECEDENCE, status_label};
use imrf_gcm::refdata::{ROUND_TABLES, guiding_principle_title, stakeholder_label};
use imrf_proto::v1::{Commission, GuidingPrinciple, ImplementationStatus, StakeholderType};

use super::style::{capitalize, first_sentence, list, number, objectives_phrase, quote};
use super::synthesis::{alike, distinct};
use super::{
    DraftInputs, Para, Writer, most_first, name_of, objective_title, practice_source,
    practices_by_objective, report_source, review_source, state_names,
};
use crate::draft::model::Source;
use crate::inputs::PracticeInput;

/// What one State reported on one objective.
struct Reported<'a> {
    state: &'a str,
    status: i32,
    narrative: &'a str,
    source: Source,
}

/// The status each State reported on `objective`, from the report kind
/// that takes precedence, as the aggregate counts it.
fn reported<'a>(inputs: &'a DraftInputs, objective: u32) -> Vec<Reported<'a>> {
    let mut by_state: BTreeMap<&str, Reported<'a>> = BTreeMap::new();
    for kind in KIND_PRECEDENCE {
        for (record, _) in &inputs.reports {
            let Some(report) = record.report.as_ref().filter(|r| r.kind == kind as i32) else {
                continue;
            };
            for o in report
                .objectives
                .iter()
                .filter(|o| o.objective == objective)
            {
                by_state.entry(&report.state).or_insert_with(|| Reported {
                    state: &report.state,
                    status: o.status,
                    narrative: o.narrative.trim(),
                    source: report_source(record),
                });
            }
        }
    }
    by_state.into_values().collect()
}

/// A narrative that says something of its own: not a placeholder.
fn substantive(narrative: &str) -> bool {
    narrative.split_whitespace().nth(5).is_some()
}

const STATUS_ORDER: [ImplementationStatus; 5] = [
    ImplementationStatus::Achieved,
    ImplementationStatus::InProgress,
    ImplementationStatus::Planned,
    ImplementationStatus::NotStarted,
    ImplementationStatus::NotApplicable,
];

fn national(w: &mut Writer, objective: u32, reported: &[Reported]) {
    if reported.is_empty() {
        w.para(Para::default().text(
            "None of the national reviews received reported on the objective, which the Forum may wish to note.",
        ));
        return;
    }
    let sources: Vec<Source> = reported.iter().map(|r| r.source.clone()).collect();
    let all = w.cite(
        &format!("National reports covering objective {objective}"),
        sources.clone(),
    );
    let field = format!("objectives[objective={objective}].status");
    let n = w.count(
        reported.len() as f64,
        "Member State",
        "Member States",
        &sources,
        &field,
    );
    let mut para = Para::default()
        .text(format!(
            "The objective was covered by the national reports of {n}."
        ))
        .note(all);
    let mut groups = Vec::new();
    let mut notes = Vec::new();
    for status in STATUS_ORDER {
        let states: Vec<&str> = reported
            .iter()
            .filter(|r| r.status == status as i32)
            .map(|r| r.state)
            .collect();
        if states.is_empty() {
            continue;
        }
        let group_sources: Vec<Source> = reported
            .iter()
            .filter(|r| r.status == status as i32)
            .map(|r| r.source.clone())
            .collect();
        let (who, note) = w.states(
            &states,
            &format!("reporting implementation {}", status_label(status as i32)),
            group_sources,
        );
        groups.push(format!("{} by {who}", status_label(status as i32)));
        notes.extend(note);
    }
    para = para.text(format!(
        " Implementation was reported as {}.",
        list(&groups)
    ));
    for n in notes {
        para = para.note(n);
    }
    // The most advanced substantive narratives, two at most.
    let mut narratives: Vec<&Reported> = reported
        .iter()
        .filter(|r| substantive(r.narrative))
        .collect();
    narratives.sort_by_cached_key(|r| {
        (
            STATUS_ORDER
                .iter()
                .position(|s| *s as i32 == r.status)
                .unwrap_or(STATUS_ORDER.len()),
            name_of(r.state),
        )
    });
    // A text several States reported alike is said once, for all of them.
    for (text, group) in alike(narratives.into_iter().map(|r| (r, r.narrative)))
        .into_iter()
        .take(2)
    {
        let states: Vec<&str> = group.iter().map(|r| r.state).collect();
        let sources: Vec<Source> = group.iter().map(|r| r.source.clone()).collect();
        let (who, listed) = w.states(&states, "Member States reporting it", sources.clone());
        let verb = if group.len() > 1 {
            "each reported"
        } else {
            "reported"
        };
        para = para.text(format!(" {} {verb}: {}.", capitalize(&who), quote(text)));
        if let Some(n) = listed {
            para = para.note(n);
        }
        let n = w.cite("", sources);
        para = para.note(n);
    }
    w.para(para);
}

fn regional(w: &mut Writer, inputs: &DraftInputs, objective: u32) {
    let findings: Vec<_> = inputs
        .reviews
        .iter()
        .filter_map(|r| {
            r.review
                .as_ref()?
                .findings
                .iter()
                .find(|f| f.objective == objective)
                .map(|f| (*r, f))
        })
        .collect();
    if findings.is_empty() {
        return;
    }
    let kinds: [(&str, Vec<_>); 3] = [
        (
            "observed progress",
            findings
                .iter()
                .map(|(r, f)| (*r, f.progress.as_str()))
                .collect(),
        ),
        (
            "noted as a challenge",
            findings
                .iter()
                .map(|(r, f)| (*r, f.challenges.as_str()))
                .collect(),
        ),
        (
            "identified as a gap",
            findings
                .iter()
                .map(|(r, f)| (*r, f.gaps.as_str()))
                .collect(),
        ),
    ];
    let mut para = Para::default();
    let mut cited: Vec<Source> = Vec::new();
    for (verb, items) in kinds {
        for shared in distinct(items) {
            let commissions: Vec<Commission> = shared.commissions();
            let who = w.commissions(&commissions);
            let sentence = match commissions.len() {
                1 => format!("The review of {who} {verb}: {}.", quote(shared.text)),
                2 => format!("The reviews of {who} both {verb}: {}.", quote(shared.text)),
                _ => format!("The reviews of {who} all {verb}: {}.", quote(shared.text)),
            };
            cited.extend(shared.sources());
            let text = if para.is_empty() {
                sentence
            } else {
                format!(" {sentence}")
            };
            para = para.text(text);
        }
    }
    if para.is_empty() {
        return;
    }
    let n = w.cite(
        &format!("Regional findings on objective {objective}"),
        cited,
    );
    w.para(para.note(n));
}

/// Where a practice is implemented, as prose.
fn place(practice: &PracticeInput) -> String {
    let d = &practice.details;
    if d.global_scope {
        return "several regions".into();
    }
    let names = state_names(&d.countries);
    if names.is_empty() {
        "its region".into()
    } else if names.len() <= 3 {
        list(&names)
    } else {
        format!("{} countries", number(names.len() as f64))
    }
}

/// The practices a paragraph describes: the most complete first, then the
/// most recent, then by id.
fn described<'a>(practices: &[&'a PracticeInput]) -> Vec<&'a PracticeInput> {
    let mut sorted = practices.to_vec();
    sorted.sort_by(|a, b| {
        b.details
            .completion_percent
            .cmp(&a.details.completion_percent)
            .then(b.details.start_year.cmp(&a.details.start_year))
            .then(a.practice_id.cmp(&b.practice_id))
    });
    sorted.truncate(3);
    sorted
}

fn practices(w: &mut Writer, on: &[&PracticeInput], objective: u32) {
    if on.is_empty() {
        return;
    }
    let sources: Vec<Source> = on.iter().map(|p| practice_source(p)).collect();
    let all = w.cite(
        &format!("Practices published on objective {objective}"),
        sources.clone(),
    );
    let n = w.count(
        on.len() as f64,
        "practice",
        "practices",
        &sources,
        "details.primary_objectives",
    );
    let mut para = Para::default()
        .text(format!(
            "The Repository of Practices holds {n} on the objective."
        ))
        .note(all);
    for p in described(on) {
        let d = &p.details;
        let kind = StakeholderType::try_from(d.submitter_type).unwrap_or_default();
        let org = d.submitter_organization.trim();
        let who = match (org.is_empty(), kind == StakeholderType::Unspecified) {
            (true, _) => "its submitter".to_string(),
            (false, true) => org.to_string(),
            (false, false) => format!("{org} ({})", stakeholder_label(kind)),
        };
        let mut sentence = format!(
            " In {}, {who} submitted \u{201c}{}\u{201d}: {}",
            place(p),
            super::style::curly(d.title.trim()),
            quote(first_sentence(&d.summary))
        );
        if !d.results.trim().is_empty() {
            sentence.push_str(&format!(
                "; it reports as results {}",
                quote(first_sentence(&d.results))
            ));
        }
        sentence.push('.');
        let n = w.cite("", vec![practice_source(p)]);
        para = para.text(sentence).note(n);
    }
    // The guiding principles the practices exemplify most often.
    let mut principles: BTreeMap<i32, usize> = BTreeMap::new();
    for p in on {
        for g in &p.details.guiding_principles {
            *principles.entry(*g).or_default() += 1;
        }
    }
    let named: Vec<String> = most_first(principles, |n| *n as u64)
        .iter()
        .take(2)
        .map(|(g, _)| {
            guiding_principle_title(GuidingPrinciple::try_from(*g).unwrap_or_default())
                .to_lowercase()
        })
        .collect();
    let mut targets: Vec<&str> = on
        .iter()
        .flat_map(|p| p.details.sdg_targets.iter().map(String::as_str))
        .collect();
    targets.sort_unstable();
    targets.dedup();
    if !named.is_empty() {
        let sdg = if targets.is_empty() {
            String::new()
        } else {
            let abbr = w.abbr("SDG", "Sustainable Development Goal");
            format!(
                ", and relate to {abbr} {} {}",
                if targets.len() == 1 {
                    "target"
                } else {
                    "targets"
                },
                list(&targets)
            )
        };
        para = para.text(format!(
            " The practices most often exemplify the guiding principles of {}{sdg}.",
            list(&named)
        ));
    }
    w.para(para);
}

pub(super) fn progress(w: &mut Writer, inputs: &DraftInputs) {
    w.section("Progress in implementing the Global Compact");
    w.para(Para::default().text(
        "The present chapter follows the four round tables of the International Migration Review Forum, as organized by General Assembly resolution 73/326. For each objective it sets out what the Member States reported in their national reviews, the findings of the regional reviews and examples from the Repository of Practices of the Migration Network Hub.",
    ));
    let by_objective = practices_by_objective(inputs);
    for (table, objectives) in ROUND_TABLES {
        w.heading(
            2,
            format!("Round table {table} ({})", objectives_phrase(objectives)),
        );
        round_table_chapeau(w, inputs, objectives);
        for &objective in objectives {
            w.heading(
                3,
                format!("Objective {objective}: {}", objective_title(objective)),
            );
            let reported = reported(inputs, objective);
            national(w, objective, &reported);
            regional(w, inputs, objective);
            practices(
                w,
                by_objective.get(&objective).map_or(&[], Vec::as_slice),
                objective,
            );
        }
    }
}

fn round_table_chapeau(w: &mut Writer, inputs: &DraftInputs, objectives: &[u32]) {
    let mut states: Vec<&str> = Vec::new();
    let mut sources: Vec<Source> = Vec::new();
    for (record, _) in &inputs.reports {
        let Some(report) = &record.report else {
            continue;
        };
        if report
            .objectives
            .iter()
            .any(|o| objectives.contains(&o.objective))
        {
            states.push(&report.state);
            sources.push(report_source(record));
        }
    }
    states.sort_unstable();
    states.dedup();
    let reviews: Vec<_> = inputs
        .reviews
        .iter()
        .filter(|r| {
            r.review
                .iter()
                .flat_map(|x| x.findings.iter())
                .any(|f| objectives.contains(&f.objective))
        })
        .collect();
    if states.is_empty() && reviews.is_empty() {
        w.para(Para::default().text(
            "No national or regional review received addressed the objectives of the round table.",
        ));
        return;
    }
    let n_states = w.count(
        states.len() as f64,
        "Member State",
        "Member States",
        &sources,
        "objectives[].objective",
    );
    let commissions: Vec<Commission> = reviews.iter().map(|r| super::commission_of(r)).collect();
    let who = w.commissions(&commissions);
    sources.extend(reviews.iter().map(|r| review_source(r)));
    let n = w.cite(
        "National and regional reviews addressing the round table",
        sources,
    );
    let regional = if commissions.is_empty() {
        "no regional review reported findings on them".to_string()
    } else {
        let noun = if commissions.len() == 1 {
            "review"
        } else {
            "reviews"
        };
        format!("the regional {noun} of {who} reported findings on them")
    };
    w.para(
        Para::default()
            .text(capitalize(&format!(
                "national reviews from {n_states} addressed at least one objective of the round table, and {regional}."
            )))
            .note(n),
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use imrf_proto::v1::{
        Cycle, NationalReport, NationalReportRecord, ObjectiveStatus, RecordMeta, ReportKind,
    };

    fn report(kind: ReportKind, status: ImplementationStatus) -> NationalReportRecord {
        NationalReportRecord {
            report_id: format!("2026-KEN-{}", kind as i32),
            report: Some(NationalReport {
                cycle_id: "2026".into(),
                state: "KEN".into(),
                kind: kind as i32,
                objectives: vec![ObjectiveStatus {
                    objective: 20,
                    status: status as i32,
                    narrative: String::new(),
                }],
                ..Default::default()
            }),
            meta: Some(RecordMeta {
                revision: 1,
                ..Default::default()
            }),
            late: false,
        }
    }

    #[test]
    fn a_state_s_status_comes_from_the_report_kind_the_aggregate_counts() {
        // No national review: the implementation plan takes precedence over
        // the pledge update, as it does in the aggregate's status counts.
        let plan = report(
            ReportKind::NationalImplementationPlan,
            ImplementationStatus::Planned,
        );
        let pledges = report(ReportKind::PledgeUpdate, ImplementationStatus::Achieved);
        let cycle = Cycle::default();
        let inputs = DraftInputs {
            cycle: &cycle,
            reviews: Vec::new(),
            reports: vec![(&plan, 1), (&pledges, 2)],
            practices: Vec::new(),
            curation: Default::default(),
            texts: Vec::new(),
            network: None,
        };
        let statuses: Vec<i32> = reported(&inputs, 20).iter().map(|r| r.status).collect();
        assert_eq!(statuses, vec![ImplementationStatus::Planned as i32]);
    }

    #[test]
    fn a_narrative_several_states_reported_alike_is_quoted_once_for_all() {
        let said = "Measures on remittances are being implemented with local authorities.";
        let source = |id: &str| Source {
            kind: crate::draft::model::SourceKind::NationalReport,
            id: id.into(),
            revision: 1,
        };
        let reported = [
            Reported {
                state: "PHL",
                status: ImplementationStatus::InProgress as i32,
                narrative: said,
                source: source("2026-PHL-VNR"),
            },
            Reported {
                state: "KEN",
                status: ImplementationStatus::InProgress as i32,
                narrative: said,
                source: source("2026-KEN-VNR"),
            },
            Reported {
                state: "MEX",
                status: ImplementationStatus::Planned as i32,
                narrative: "A plan for remittances is before the national parliament.",
                source: source("2026-MEX-VNR"),
            },
        ];
        let cycle = Cycle::default();
        let inputs = DraftInputs {
            cycle: &cycle,
            reviews: Vec::new(),
            reports: Vec::new(),
            practices: Vec::new(),
            curation: Default::default(),
            texts: Vec::new(),
            network: None,
        };
        let catalogue = super::super::Catalogue::new(&inputs);
        let mut w = Writer::new(&catalogue, &[]);
        w.section("Progress");
        national(&mut w, 20, &reported);
        let text: String = w.sections[0]
            .blocks
            .iter()
            .filter_map(|b| match b {
                crate::draft::model::Block::Paragraph { content, .. } => Some(content),
                _ => None,
            })
            .flatten()
            .filter_map(|i| match i {
                crate::draft::model::Inline::Text(t) => Some(t.as_str()),
                crate::draft::model::Inline::Footnote(_) => None,
            })
            .collect();
        assert_eq!(text.matches("being implemented").count(), 1, "{text}");
        assert!(
            text.contains("Kenya and the Philippines each reported:"),
            "{text}"
        );
        assert!(text.contains("Mexico reported:"), "{text}");
    }
}
