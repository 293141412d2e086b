//! The annexes: I, the data tables (exact figures); II, the complete list
//! of inputs.

use imrf_gcm::refdata::{COMMISSIONS, commission_code, commission_name, reference};
use imrf_gcm::statistics::{Dataset, statistics};
use imrf_proto::v1::Aggregate;

use super::catalogue::dataset;
use super::style::{decimal, int};
use super::{DraftInputs, Para, Writer, practices_by_objective};
use crate::draft::model::{Source, SourceKind};

pub(super) fn tables(w: &mut Writer, inputs: &DraftInputs, aggregate: &Aggregate) {
    w.annex("Data tables");
    let n = w.cite("Coverage computed from", inputs.watermark());
    let members = f64::from(u32::try_from(reference().member_states().count()).unwrap_or(0));
    let practices = practices_by_objective(inputs);
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
                format!("{:.1}", f64::from(o.states_reporting) / members * 100.0),
                o.regional_reviews.len().to_string(),
                practices.get(&o.objective).map_or(0, Vec::len).to_string(),
            ]
        })
        .collect();
    w.table(
        "Coverage of the objectives by the inputs",
        &[
            ("Objective", 12),
            ("Short title", 22),
            ("Round table", 9),
            ("Member States reporting", 14),
            ("Share of Member States (per cent)", 15),
            ("Regional reviews", 14),
            ("Practices", 14),
        ],
        rows,
        Some(n),
    );
    let mut sources = inputs.report_sources();
    sources.extend(inputs.review_sources());
    sources.push(dataset(Dataset::CommissionMembership));
    let n = w.cite(
        "National reports, regional reviews and commission membership",
        sources,
    );
    let rows = COMMISSIONS
        .iter()
        .zip(&aggregate.commissions)
        .map(|(c, completeness)| {
            let n = completeness.national_reports.clone().unwrap_or_default();
            vec![
                format!("{} ({})", commission_name(*c), commission_code(*c)),
                int(n.expected),
                int(n.on_time + n.late),
                int(n.late),
                if n.expected == 0 {
                    "0".to_string()
                } else {
                    format!(
                        "{:.1}",
                        f64::from(n.on_time + n.late) / f64::from(n.expected) * 100.0
                    )
                },
                if completeness.regional_review_received {
                    "received"
                } else {
                    "not received"
                }
                .to_string(),
            ]
        })
        .collect();
    w.table(
        "Reporting by the States of each commission\u{2019}s region",
        &[
            ("Regional commission", 34),
            ("Member States of the region", 14),
            ("Reporting", 12),
            ("Of which late", 12),
            ("Completeness (per cent)", 14),
            ("Regional review", 14),
        ],
        rows,
        Some(n),
    );
    let outside: Vec<String> = COMMISSIONS
        .iter()
        .filter_map(|c| {
            let all = reference()
                .member_states()
                .filter(|s| reference().is_commission_member(*c, &s.iso3))
                .count();
            let regional = reference().regional_members(*c).count();
            (all > regional).then(|| {
                format!(
                    "{} of the {}",
                    super::style::number((all - regional) as f64),
                    commission_name(*c)
                )
            })
        })
        .collect();
    let mut note = String::from("A commission\u{2019}s region is its regional members");
    if !outside.is_empty() {
        note.push_str(&format!(
            ": its members from outside the region ({}) are not counted",
            super::style::list(&outside)
        ));
    }
    note.push_str(". The State of Palestine, a member of the Economic and Social Commission for Western Asia, is not a Member State of the United Nations and is not counted.");
    w.para(Para::default().text(note));

    let stats = statistics();
    if let Some(year) = stats.latest_stock_year() {
        let n = w.cite("", vec![dataset(Dataset::MigrantStock)]);
        let years = [1990, 2000, 2010, 2020, year];
        let mut rows: Vec<Vec<String>> = Vec::new();
        if let Some(world) = stats.world_stock(year) {
            let mut row = vec!["World (233 countries and areas)".to_string()];
            row.extend(years.iter().map(|y| {
                stats
                    .world_stock(*y)
                    .map_or_else(String::new, |s| int(s.total))
            }));
            row.push(format!("{:.1}", world.female / world.total * 100.0));
            rows.push(row);
        }
        for (iso3, latest) in stats.largest_stocks(year, 10) {
            let mut row = vec![super::state_name(iso3)];
            row.extend(years.iter().map(|y| {
                stats
                    .stock(iso3, *y)
                    .map_or_else(String::new, |s| int(s.total))
            }));
            row.push(format!("{:.1}", latest.female / latest.total * 100.0));
            rows.push(row);
        }
        let mut columns = vec![("Country or area of destination".to_string(), 28)];
        columns.extend(years.iter().map(|y| (y.to_string(), 12)));
        columns.push((format!("Women, {year} (per cent)"), 12));
        w.table(
            &format!(
                "International migrant stock, 1990\u{2013}{year}, 2024 revision: the world and the ten largest"
            ),
            &columns,
            rows,
            Some(n),
        );
    }

    if !aggregate.indicators.is_empty() {
        let mut sources = Vec::new();
        let mut rows = Vec::new();
        for summary in &aggregate.indicators {
            for l in &summary.latest {
                sources.extend(l.source.as_ref().and_then(Source::of_ref));
                rows.push(vec![
                    summary.indicator_code.clone(),
                    super::state_name(&l.state),
                    l.year.to_string(),
                    decimal(l.value),
                    summary.unit.replace('_', " "),
                ]);
            }
        }
        rows.sort_by(|a, b| a[0].cmp(&b[0]).then(a[1].cmp(&b[1])));
        let n = w.cite("National reports", sources);
        w.table(
            "Latest indicator values reported by Member States",
            &[
                ("Indicator", 12),
                ("Member State", 34),
                ("Year", 10),
                ("Value", 14),
                ("Unit", 30),
            ],
            rows,
            Some(n),
        );
    }
}

pub(super) fn inputs(w: &mut Writer) {
    w.annex("List of inputs");
    w.para(Para::default().text(
        "Every input the draft was compiled from, with the revision used. Inputs marked illustrative were prepared to demonstrate the platform and were not submitted by the bodies named; imported inputs are public datasets bundled with the platform; the recorded one is the Repository of Practices\u{2019} own record of its curation.",
    ));
    let rows: Vec<Vec<String>> = w
        .catalogue
        .entries()
        .map(|e| {
            vec![
                match e.source.kind {
                    SourceKind::RegionalReview => "Regional review",
                    SourceKind::NationalReport => "National report",
                    SourceKind::NetworkContribution => "Network contribution",
                    SourceKind::Practice => "Practice",
                    SourceKind::Dataset => "Dataset",
                    SourceKind::CurationRecord => "Curation record",
                    SourceKind::SecretariatText => "Secretariat text",
                }
                .to_string(),
                e.source.id.clone(),
                if e.document_symbol.is_empty() {
                    e.title.clone()
                } else {
                    format!("{} ({})", e.title, e.document_symbol)
                },
                e.submitter.clone(),
                if e.source.revision == 0 {
                    String::new()
                } else {
                    e.source.revision.to_string()
                },
                e.date.clone(),
                e.provenance.clone(),
            ]
        })
        .collect();
    w.table(
        "Inputs",
        &[
            // Wide enough for "Revision" and "illustrative" whole; an id has
            // no break point and wraps where it must.
            ("Kind", 9),
            ("Id", 17),
            ("Title (document symbol)", 25),
            ("Submitted by", 14),
            ("Revision", 9),
            ("Date", 14),
            ("Provenance", 12),
        ],
        rows,
        None,
    );
}
