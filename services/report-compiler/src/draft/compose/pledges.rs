//! Pledges by objective, kind and status.

use imrf_proto::v1::{Aggregate, PledgeKind, PledgeStatus};

use crate::draft::model::Source;

use super::{DraftInputs, Para, Writer, count, int, objective_name, report_source};

fn pledge_kind(kind: i32) -> &'static str {
    match PledgeKind::try_from(kind).unwrap_or_default() {
        PledgeKind::Financial => "financial",
        PledgeKind::HumanResource => "human resource",
        PledgeKind::ProcessOriented => "process-oriented",
        PledgeKind::PolicyOriented => "policy-oriented",
        PledgeKind::Unspecified => "unspecified",
    }
}

fn pledge_status(status: i32) -> &'static str {
    match PledgeStatus::try_from(status).unwrap_or_default() {
        PledgeStatus::NotStarted => "not started",
        PledgeStatus::Ongoing => "ongoing",
        PledgeStatus::Completed => "completed",
        PledgeStatus::Unspecified => "unspecified",
    }
}

pub(super) fn pledges(w: &mut Writer, inputs: &DraftInputs, aggregate: &Aggregate) {
    w.section("Pledges");
    let total: u32 = aggregate.pledges_by_kind.iter().map(|p| p.pledges).sum();
    if total == 0 {
        w.para(Para::default().text("No pledge was reported in the national reports received."));
        return;
    }
    let by_kind: Vec<String> = aggregate
        .pledges_by_kind
        .iter()
        .map(|p| {
            format!(
                "{} {} and {}",
                int(p.pledges),
                pledge_kind(p.kind),
                pledge_status(p.status)
            )
        })
        .collect();
    let sources: Vec<Source> = inputs
        .reports
        .iter()
        .filter(|(r, _)| r.report.as_ref().is_some_and(|x| !x.pledges.is_empty()))
        .map(|(r, _)| report_source(r))
        .collect();
    let n = w.cite("National reports with pledges", sources.clone());
    w.para(
        Para::default()
            .text(format!(
                "Member States reported on {} made in the context of the Forum: {}.",
                count(total, "pledge", "pledges"),
                by_kind.join("; ")
            ))
            .note(n),
    );
    let by_objective: Vec<String> = aggregate
        .pledges_by_objective
        .iter()
        .map(|p| format!("{} ({})", objective_name(p.objective), int(p.pledges)))
        .collect();
    let n = w.cite("National reports with pledges", sources);
    w.para(
        Para::default()
            .text(format!(
                "By objective, pledges supported {} (number of pledges in brackets).",
                by_objective.join("; ")
            ))
            .note(n),
    );
}
