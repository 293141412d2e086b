//! Chapter I: the mandate, the period covered, the cut-off date and the
//! inputs received.

use imrf_gcm::refdata::COMMISSIONS;

use super::style::{date, number};
use super::{DraftInputs, Para, Writer, commission_of};

pub(super) fn introduction(w: &mut Writer, inputs: &DraftInputs, states: &[&str]) {
    w.section("Introduction");
    w.para(Para::default().text(
        "The present report is submitted pursuant to General Assembly resolution 73/195, in which the Assembly endorsed the Global Compact for Safe, Orderly and Regular Migration and requested the Secretary-General to report biennially on its implementation, the activities of the United Nations system in that regard and the functioning of the institutional arrangements. It also responds to resolution 73/326, on the format and organizational aspects of the International Migration Review Forum, and to resolution 76/266, in which the Assembly adopted the Progress Declaration of the first Forum.",
    ));
    let cycle = inputs.cycle;
    let schedule = cycle.schedule.unwrap_or_default();
    let period = cycle.period_covered.as_ref().and_then(|p| {
        Some(format!(
            "The report covers the period from {} to {}.",
            date(p.start.as_ref()?),
            date(p.end.as_ref()?)
        ))
    });
    let mut para = Para::default();
    if let Some(period) = period {
        para = para.text(format!("{period} "));
    }
    let cutoff = match (
        schedule.regional_review_deadline.as_ref(),
        schedule.national_report_deadline.as_ref(),
        schedule.practices_cutoff.as_ref(),
    ) {
        (Some(regional), Some(national), Some(practices)) => format!(
            "It reflects the regional reviews received by {}, the national reports received by {} and the practices published in the Repository of Practices by {}; inputs revised after those dates are reflected in later drafts.",
            date(regional),
            date(national),
            date(practices)
        ),
        _ => "It reflects the inputs received when the draft was compiled.".to_string(),
    };
    w.para(para.text(cutoff));

    let reviews = inputs.review_sources();
    let reports = inputs.report_sources();
    let practices = inputs.practice_sources();
    let n = w.cite("Inputs", inputs.watermark());
    let n_reviews = w.count(
        inputs.reviews.len() as f64,
        "regional review",
        "regional reviews",
        &reviews,
        "review",
    );
    let commissions = number(COMMISSIONS.len() as f64);
    let n_reports = w.count(
        inputs.reports.len() as f64,
        "national report",
        "national reports",
        &reports,
        "report",
    );
    let n_states = w.count(
        states.len() as f64,
        "Member State",
        "Member States",
        &reports,
        "report.state",
    );
    let n_practices = w.count(
        inputs.practices.len() as f64,
        "practice",
        "practices",
        &practices,
        "status",
    );
    let missing: Vec<_> = COMMISSIONS
        .iter()
        .filter(|c| !inputs.reviews.iter().any(|r| commission_of(r) == **c))
        .copied()
        .collect();
    let of_commissions = if missing.is_empty() {
        format!("all {commissions} regional commissions")
    } else {
        format!("the {commissions} regional commissions")
    };
    let mut text = format!(
        "The report draws on {n_reviews} from {of_commissions}, {n_reports} submitted by {n_states} and {n_practices} published in the Repository of Practices of the Migration Network Hub. Annex II lists every input with its revision and date."
    );
    if inputs.network.is_some() {
        text.push_str(
            " The United Nations Network on Migration contributed its account of the support of the United Nations system, on which chapters IV and V draw.",
        );
    }
    if !missing.is_empty() {
        let names = w.commissions(&missing);
        text.push_str(&format!(
            " No regional review had been received from {names} when the draft was compiled."
        ));
    }
    w.para(Para::default().text(text).note(n));
}
