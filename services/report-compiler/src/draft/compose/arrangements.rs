//! Chapter V: the functioning of the institutional arrangements: the
//! regional reviews, the national reports and their completeness by
//! region, national implementation plans and the whole-of-society approach.

use std::collections::BTreeMap;

use imrf_gcm::refdata::{COMMISSIONS, stakeholder_label};
use imrf_gcm::statistics::Dataset;
use imrf_proto::v1::{Aggregate, StakeholderType};

use imrf_gcm::refdata::reference;

use super::style::{date, list, number, quote};
use super::{
    DraftInputs, Fig, Para, Writer, commission_of, most_first, network_source, report_source,
    review_source,
};
use crate::draft::model::{Method, Source};

pub(super) fn arrangements(
    w: &mut Writer,
    inputs: &DraftInputs,
    aggregate: &Aggregate,
    states: &[&str],
) {
    w.section("Functioning of the institutional arrangements");
    w.heading(2, "Regional reviews");
    if inputs.reviews.is_empty() {
        w.para(
            Para::default()
                .text("No regional review had been received when the present draft was compiled."),
        );
    } else {
        let mut meetings = Vec::new();
        for r in &inputs.reviews {
            let Some(review) = &r.review else { continue };
            let Some(dates) = &review.meeting_dates else {
                continue;
            };
            let (Some(start), Some(end)) = (&dates.start, &dates.end) else {
                continue;
            };
            let who = w.commission(commission_of(r));
            let when = if start == end {
                format!("on {}", date(start))
            } else if start.year == end.year && start.month == end.month {
                format!("from {} to {}", start.day, date(end))
            } else {
                format!("from {} to {}", date(start), date(end))
            };
            meetings.push(format!("{who} {when}"));
        }
        let mut totals: BTreeMap<i32, (u32, Vec<Source>)> = BTreeMap::new();
        let mut participating: Vec<&str> = Vec::new();
        for r in &inputs.reviews {
            let Some(review) = &r.review else { continue };
            participating.extend(review.participating_states.iter().map(String::as_str));
            for s in &review.stakeholders {
                let entry = totals.entry(s.r#type).or_default();
                entry.0 += s.count;
                entry.1.push(review_source(r));
            }
        }
        participating.sort_unstable();
        participating.dedup();
        let sources = inputs.review_sources();
        let mut text = if meetings.is_empty() {
            String::new()
        } else {
            format!(
                "The regional review meetings were held by {}.",
                list(&meetings)
            )
        };
        // A figure is recorded only where it is printed: it is placed in
        // the next paragraph written.
        if !participating.is_empty() {
            let n_states = w.count(
                participating.len() as f64,
                "Member State",
                "Member States",
                &sources,
                "participating_states",
            );
            text.push_str(&format!(
                " Representatives of {n_states} took part in them."
            ));
        }
        let parts: Vec<String> = most_first(totals, |(n, _)| u64::from(*n))
            .into_iter()
            .filter(|(t, _)| *t != StakeholderType::NationalGovernment as i32)
            .take(4)
            .map(|(t, (n, sources))| {
                let label = stakeholder_label(StakeholderType::try_from(t).unwrap_or_default());
                let shown = w.fig(
                    Fig::new(n, number(n), "participants")
                        .of(Method::Sum)
                        .from(&sources, "stakeholders[].count"),
                );
                format!("{shown} from {label}")
            })
            .collect();
        if !parts.is_empty() {
            text.push_str(&format!(
                " Beside governments, the participants included {}, as the reviews report them.",
                list(&parts)
            ));
        }
        if !text.trim().is_empty() {
            let n = w.cite("Regional reviews", sources);
            w.para(Para::default().text(text.trim()).note(n));
        }
    }

    w.heading(2, "National reports");
    if inputs.reports.is_empty() {
        w.para(
            Para::default()
                .text("No national report had been received when the present draft was compiled."),
        );
        return;
    }
    let sources = inputs.report_sources();
    let n_states = w.count(
        states.len() as f64,
        "Member State",
        "Member States",
        &sources,
        "report.state",
    );
    let members = reference().member_states().count() as f64;
    let share = w.share(states.len() as f64, members, &sources, "report.state");
    let per_commission: Vec<String> = COMMISSIONS
        .iter()
        .zip(&aggregate.commissions)
        .map(|(c, completeness)| {
            let n = completeness.national_reports.clone().unwrap_or_default();
            let reporting = n.on_time + n.late;
            let code = w.commission(*c);
            let shown = w.number(reporting, "Member States", &sources, "report.state");
            let of = w.fig(
                Fig::new(n.expected, number(n.expected), "Member States")
                    .dataset(Dataset::CommissionMembership, "membership=regional"),
            );
            format!("{shown} of the {of} States of the region of {code}")
        })
        .collect();
    let n = w.cite("National reports", sources.clone());
    w.para(
        Para::default()
            .text(format!(
                "National reports were submitted by {n_states}, or {share} of the Member States of the United Nations. By region, they came from {}; the region of a commission is its regional members, without members from other regions, and a State may be in two regions.",
                list(&per_commission)
            ))
            .note(n),
    );

    let with_plan: Vec<(&str, Source)> = inputs
        .reports
        .iter()
        .filter_map(|(r, _)| {
            let report = r.report.as_ref()?;
            report
                .has_implementation_plan
                .then(|| (report.state.as_str(), report_source(r)))
        })
        .collect();
    let plan_states: Vec<&str> = with_plan.iter().map(|(s, _)| *s).collect();
    let (who, note) = w.states(
        &plan_states,
        "Member States reporting a national implementation plan",
        with_plan.iter().map(|(_, s)| s.clone()).collect(),
    );
    let mut para = Para::default();
    if plan_states.is_empty() {
        para = para.text("None of the reporting Member States reported a national implementation plan for the Global Compact, which the Progress Declaration encourages.");
    } else {
        para = para.text(format!(
            "National implementation plans, which the Progress Declaration encourages, were reported by {who}."
        ));
        if let Some(n) = note {
            para = para.note(n);
        }
    }
    // Consultation of stakeholders in preparing the national reports.
    let mut consulted: BTreeMap<i32, Vec<Source>> = BTreeMap::new();
    for (r, _) in &inputs.reports {
        let Some(report) = &r.report else { continue };
        for s in &report.stakeholders_consulted {
            consulted
                .entry(s.r#type)
                .or_default()
                .push(report_source(r));
        }
    }
    let parts: Vec<String> = most_first(consulted, |s| s.len() as u64)
        .into_iter()
        .take(4)
        .map(|(t, sources)| {
            let label = stakeholder_label(StakeholderType::try_from(t).unwrap_or_default());
            let shown = w.number(
                sources.len() as f64,
                "national reports",
                &sources,
                "stakeholders_consulted[].type",
            );
            format!("{label} in {shown}")
        })
        .collect();
    if !parts.is_empty() {
        para = para.text(format!(
            " In preparing their reports, the States consulted {}, reflecting the whole-of-society approach.",
            list(&parts)
        ));
    }
    let n = w.cite("National reports", sources);
    w.para(para.note(n));
    networks(w, inputs);
}

/// The Network at country and regional level, as its contribution gives it.
fn networks(w: &mut Writer, inputs: &DraftInputs) {
    let Some(record) = inputs.network else { return };
    let Some(n) = record
        .contribution
        .as_ref()
        .and_then(|c| c.networks.as_ref())
    else {
        return;
    };
    w.heading(2, "Country and regional networks on migration");
    let source = [network_source(record)];
    let country = w.count(
        n.country_networks,
        "country network",
        "country networks",
        &source,
        "networks.country_networks",
    );
    let regional = w.count(
        n.regional_networks,
        "regional network",
        "regional networks",
        &source,
        "networks.regional_networks",
    );
    let mut text = format!(
        "The Network reports {country} on migration and {regional}, which bring the entities of the United Nations system together behind the Governments\u{2019} implementation of the Global Compact"
    );
    if n.champion_countries > 0 {
        let champions = w.count(
            n.champion_countries,
            "is a champion country",
            "are champion countries",
            &source,
            "networks.champion_countries",
        );
        text.push_str(&format!("; of the countries with a network, {champions}"));
    }
    text.push('.');
    if !n.narrative.trim().is_empty() {
        text.push_str(&format!(
            " It describes their work thus: {}.",
            quote(&n.narrative)
        ));
    }
    let note = w.cite("", source.to_vec());
    w.para(Para::default().text(text).note(note));
}
