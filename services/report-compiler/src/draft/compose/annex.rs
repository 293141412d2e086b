//! The annex: the data tables and the complete list of inputs.

use imrf_gcm::refdata::{COMMISSIONS, commission_code, commission_name, reference};
use imrf_proto::v1::{Aggregate, Commission};

use crate::draft::model::{Source, Table};

use super::{
    DraftInputs, Para, Writer, int, per_cent, practice_source, practices_on, report_source,
    review_source,
};

pub(super) fn annex(w: &mut Writer, inputs: &DraftInputs, aggregate: &Aggregate, states: &[&str]) {
    w.annex("Coverage of the inputs and list of contributors");
    let mut sources: Vec<Source> = inputs
        .reports
        .iter()
        .map(|(r, _)| report_source(r))
        .collect();
    sources.extend(inputs.reviews.iter().map(|r| review_source(r)));
    sources.extend(inputs.practices.iter().map(|p| practice_source(p)));
    let n = w.cite("Coverage computed from", sources);
    let rows = aggregate
        .objectives
        .iter()
        .map(|o| {
            vec![
                o.objective.to_string(),
                reference()
                    .objective(o.objective)
                    .map_or(String::new(), |x| x.short_label.clone()),
                o.round_table.to_string(),
                int(o.states_reporting),
                per_cent(f64::from(o.states_reporting), 193.0),
                o.regional_reviews.len().to_string(),
                practices_on(inputs, o.objective).len().to_string(),
            ]
        })
        .collect();
    w.table(Table {
        caption: "Table 1. Coverage per objective".into(),
        header: [
            "Objective",
            "Short title",
            "Round table",
            "States reporting",
            "Share of Member States",
            "Regional reviews",
            "Practices",
        ]
        .map(String::from)
        .to_vec(),
        rows,
        footnote: Some(n),
    });
    let n = w.cite("National reports and regional reviews", {
        let mut s: Vec<Source> = inputs
            .reports
            .iter()
            .map(|(r, _)| report_source(r))
            .collect();
        s.extend(inputs.reviews.iter().map(|r| review_source(r)));
        s
    });
    let rows = COMMISSIONS
        .iter()
        .zip(&aggregate.commissions)
        .map(|(c, completeness)| {
            let n = completeness.national_reports.clone().unwrap_or_default();
            vec![
                commission_code(*c).to_string(),
                int(n.expected),
                int(n.on_time + n.late),
                per_cent(f64::from(n.on_time + n.late), f64::from(n.expected)),
                if completeness.regional_review_received {
                    "received"
                } else {
                    "not received"
                }
                .to_string(),
            ]
        })
        .collect();
    w.table(Table {
        caption: "Table 2. Completeness per regional commission".into(),
        header: [
            "Commission",
            "Members",
            "Members reporting",
            "Completeness",
            "Regional review",
        ]
        .map(String::from)
        .to_vec(),
        rows,
        footnote: Some(n),
    });
    let names: Vec<String> = states
        .iter()
        .map(|s| {
            reference()
                .member_state(s)
                .map_or((*s).to_string(), |m| m.name.clone())
        })
        .collect();
    let commissions: Vec<String> = inputs
        .reviews
        .iter()
        .filter_map(|r| r.review.as_ref())
        .map(|r| {
            commission_name(Commission::try_from(r.commission).unwrap_or_default()).to_string()
        })
        .collect();
    w.heading(2, "Contributors");
    w.para(Para::default().text(if commissions.is_empty() {
        "Regional commissions: none.".to_string()
    } else {
        format!("Regional commissions: {}.", commissions.join("; "))
    }));
    w.para(Para::default().text(if names.is_empty() {
        "Member States: none.".to_string()
    } else {
        format!("Member States: {}.", names.join(", "))
    }));
}
