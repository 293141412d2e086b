//! Migration context and trends: the global picture from the bundled data and the inputs' headline figures.

use imrf_gcm::refdata::{commission_code, commission_name};
use imrf_gcm::statistics::{DESA_SOURCE, MMP_SOURCE, WDI_SOURCE, statistics};
use imrf_proto::v1::{Aggregate, Commission};

use super::{
    DraftInputs, Para, Writer, count, dataset, decimal, int, per_cent, practice_source,
    report_source, review_source,
};

pub(super) fn overview(
    w: &mut Writer,
    inputs: &DraftInputs,
    aggregate: &Aggregate,
    states: &[&str],
) {
    w.section("Overview");
    w.heading(2, "A. Global picture");
    let stats = statistics();
    if let Some(world) = stats.world_stock(2020) {
        let n = w.note(
            DESA_SOURCE,
            vec![dataset("UN DESA International Migrant Stock 2020")],
        );
        w.para(
            Para::default()
                .text(format!(
                    "The number of international migrants reached {} in 2020, of whom {} were women and girls.",
                    int(world.total),
                    per_cent(world.female, world.total)
                ))
                .note(n),
        );
    }
    if let Some(year) = stats.latest_remittance_year(150) {
        let (total, economies) = stats.remittances_received(year);
        let n = w.note(
            WDI_SOURCE,
            vec![dataset("World Bank World Development Indicators")],
        );
        w.para(
            Para::default()
                .text(format!(
                    "Personal remittances received by {} economies amounted to USD {} billion in {year}.",
                    int(economies as f64),
                    decimal(total / 1e9)
                ))
                .note(n),
        );
    }
    let (dead, missing) = stats.dead_and_missing(2014..=2023);
    let n = w.note(MMP_SOURCE, vec![dataset("IOM Missing Migrants Project")]);
    w.para(
        Para::default()
            .text(format!(
                "From 2014 to 2023, {} migrants were recorded dead and {} missing along migratory routes worldwide.",
                int(dead),
                int(missing)
            ))
            .note(n),
    );

    w.heading(2, "B. Inputs received");
    if inputs.reviews.is_empty() {
        w.para(
            Para::default()
                .text("No regional review had been received when the present draft was compiled."),
        );
    } else {
        let names: Vec<String> = inputs
            .reviews
            .iter()
            .filter_map(|r| r.review.as_ref())
            .map(|r| {
                commission_name(Commission::try_from(r.commission).unwrap_or_default()).to_string()
            })
            .collect();
        let n = w.cite(
            "Regional reviews",
            inputs.reviews.iter().map(|r| review_source(r)).collect(),
        );
        w.para(
            Para::default()
                .text(format!(
                    "Regional reviews were received from {} of the five regional commissions: {}.",
                    int(inputs.reviews.len() as f64),
                    names.join("; ")
                ))
                .note(n),
        );
    }
    if inputs.reports.is_empty() {
        w.para(
            Para::default()
                .text("No national report had been received when the present draft was compiled."),
        );
    } else {
        let per_commission: Vec<String> = aggregate
            .commissions
            .iter()
            .map(|c| {
                let n = c.national_reports.clone().unwrap_or_default();
                format!(
                    "{} of the {} members of {} ({})",
                    n.on_time + n.late,
                    n.expected,
                    commission_code(Commission::try_from(c.commission).unwrap_or_default()),
                    per_cent(f64::from(n.on_time + n.late), f64::from(n.expected))
                )
            })
            .collect();
        let n = w.cite(
            "National reports",
            inputs
                .reports
                .iter()
                .map(|(r, _)| report_source(r))
                .collect(),
        );
        w.para(
            Para::default()
                .text(format!(
                    "{}, {} of the 193, submitted {}; by regional commission: {}. A State may belong to more than one commission.",
                    count(states.len() as f64, "Member State", "Member States"),
                    per_cent(states.len() as f64, 193.0),
                    count(inputs.reports.len() as f64, "national report", "national reports"),
                    per_commission.join("; ")
                ))
                .note(n),
        );
    }
    if inputs.practices.is_empty() {
        w.para(Para::default().text(
            "No practice had been published in the Repository of Practices by the cut-off date.",
        ));
    } else {
        let n = w.cite(
            "Published practices",
            inputs
                .practices
                .iter()
                .map(|p| practice_source(p))
                .collect(),
        );
        w.para(
            Para::default()
                .text(format!(
                    "{} had been published in the Repository of Practices by the cut-off date.",
                    count(inputs.practices.len() as f64, "practice", "practices")
                ))
                .note(n),
        );
    }
}
