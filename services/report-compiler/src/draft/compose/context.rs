//! Chapter II: migration context and trends, from the bundled public data.
//! Each figure is of one year and one edition, says which, and is rounded
//! in prose as United Nations reports round it.

use imrf_gcm::statistics::MMP_DATA_TO;
use imrf_gcm::statistics::{Dataset, statistics};

use super::catalogue::dataset;
use imrf_gcm::refdata::reference;

use super::style::{billions, count, large, number, per_cent, per_cent_of, share_value};
use super::{Fig, Para, Writer, state_in_text};
use crate::draft::model::Method;

/// The year the stock is compared with: the last of the previous revision,
/// so a reader can set the new estimate beside the one it replaces.
const COMPARED_YEAR: i32 = 2020;

/// Persons in prose ("304 million", "9,191"), read from `field` of a
/// bundled dataset.
pub(super) fn persons(
    w: &mut Writer,
    value: f64,
    year: i32,
    method: Method,
    d: Dataset,
    field: &str,
) -> String {
    w.fig(
        Fig::new(value, large(value), "persons")
            .of(method)
            .year(year)
            .dataset(d, field),
    )
}

/// A count of economies of the remittance data, in figures.
fn economies(w: &mut Writer, n: usize, year: i32, field: &str) -> String {
    w.fig(
        Fig::new(n as f64, super::style::int(n as f64), "economies")
            .year(year)
            .dataset(Dataset::Remittances, field),
    )
}

/// A sum of remittances in prose: "$626.1 billion" (United States dollars
/// spelled out at their first use).
fn dollars(w: &mut Writer, usd: f64, year: i32, field: &str) -> String {
    let text = w.dollars(&billions(usd));
    w.fig(
        Fig::new(usd, text, "United States dollars")
            .of(Method::Sum)
            .year(year)
            .dataset(Dataset::Remittances, field),
    )
}

pub(super) fn context(w: &mut Writer) {
    w.section("Migration context and trends");
    let stats = statistics();
    if let Some(year) = stats.latest_stock_year()
        && let Some(world) = stats.world_stock(year)
    {
        let desa = w.abbr("DESA", "the Department of Economic and Social Affairs");
        let total = persons(
            w,
            world.total,
            year,
            Method::Sum,
            Dataset::MigrantStock,
            "migrant_stock_total",
        );
        let mut text = format!(
            "According to the estimates of {desa} of the Secretariat, published in January 2025, the number of international migrants reached {total} at mid-{year}."
        );
        if let Some(earlier) = stats.world_stock(COMPARED_YEAR) {
            let shown = persons(
                w,
                earlier.total,
                COMPARED_YEAR,
                Method::Sum,
                Dataset::MigrantStock,
                "migrant_stock_total",
            );
            text.push_str(&format!(
                " In the same revision, the number stood at {shown} in 2020."
            ));
        }
        let female = w.fig(
            Fig::new(
                share_value(world.female, world.total),
                per_cent(world.female, world.total),
                "per cent",
            )
            .of(Method::Share)
            .year(year)
            .dataset(Dataset::MigrantStock, "migrant_stock_female"),
        );
        text.push_str(&format!(
            " Women and girls accounted for {female} of international migrants."
        ));
        let largest = stats.largest_stocks(year, 3);
        let named: Vec<String> = largest
            .iter()
            .map(|(iso3, s)| {
                let shown = persons(
                    w,
                    s.total,
                    year,
                    Method::Value,
                    Dataset::MigrantStock,
                    "migrant_stock_total",
                );
                format!("{} ({shown})", state_in_text(iso3))
            })
            .collect();
        if !named.is_empty() {
            text.push_str(&format!(
                " The largest numbers lived in {}.",
                super::style::list(&named)
            ));
        }
        let n = w.cite("", vec![dataset(Dataset::MigrantStock)]);
        w.para(Para::default().text(text).note(n));
    }

    if let Some(year) = stats.latest_complete_remittance_year()
        && let Some(r) = stats.remittances(year)
    {
        let field = "remittances_received_usd_BX_TRF_PWKR_CD_DT";
        let reporting = economies(w, r.economies, year, field);
        let total = dollars(w, r.total, year, field);
        let lmic = dollars(w, r.low_and_middle_income, year, field);
        let lmic_n = economies(
            w,
            r.low_and_middle_income_economies,
            year,
            "wb_income_group",
        );
        let mut text = format!(
            "Personal remittances received by the {reporting} economies reporting them amounted to {total} in {year}, of which {lmic} went to {lmic_n} low- and middle-income economies."
        );
        if let Some((latest, reported)) = stats.latest_remittance_year()
            && latest > year
        {
            let shown = economies(w, reported, latest, field);
            text.push_str(&format!(
                " When the data were last updated, only {shown} economies had reported values for {latest}, too few for a total."
            ));
        }
        let n = w.cite("", vec![dataset(Dataset::Remittances)]);
        w.para(Para::default().text(text).note(n));
    }

    // SDG indicator 10.c.1 is the cost of remittances; its target, and
    // whether a value meets it, come from the indicator framework.
    if let Some(cost) = stats.remittance_cost()
        && let Some(indicator) = reference().indicator("10.c.1")
        && let Some(target_value) = indicator.target
    {
        let values: Vec<f64> = cost.by_state.values().copied().collect();
        let median = imrf_gcm::statistics::median(&values);
        let below = values
            .iter()
            .filter(|v| indicator.meets_target(**v) == Some(true))
            .count();
        let field = "avg_cost_pct_SI_RMT_COST_IB_ZS";
        let year = cost.year;
        let n_states = w.fig(
            Fig::new(
                values.len() as f64,
                count(values.len() as f64, "Member State", "Member States"),
                "Member States",
            )
            .year(year)
            .dataset(Dataset::RemittanceCost, field),
        );
        let median_text = w.fig(
            Fig::new(median, per_cent_of(median), "per cent")
                .of(Method::Median)
                .year(year)
                .dataset(Dataset::RemittanceCost, field),
        );
        let target = w.fig(
            Fig::new(target_value, per_cent_of(target_value), "per cent")
                .of(Method::Value)
                .dataset(Dataset::IndicatorFramework, "10.c.1.target"),
        );
        let below_text = w.fig(
            Fig::new(below as f64, number(below as f64), "Member States")
                .year(year)
                .dataset(Dataset::RemittanceCost, field),
        );
        let sdg = w.abbr("SDG", "Sustainable Development Goal");
        let n = w.cite("", vec![dataset(Dataset::RemittanceCost)]);
        w.para(
            Para::default()
                .text(format!(
                    "The cost of sending remittances remains above the level set by {sdg} target 10.c, less than {target} of the amount sent by 2030. In {year}, the average cost of sending remittances to the {n_states} with data for that year had a median of {median_text}, and it was below the target in {below_text} of them."
                ))
                .note(n),
        );
    }

    let year = stats.latest_complete_mmp_year();
    if let Some(dead) = stats.dead_and_missing(year) {
        let field = "dead_and_missing";
        let iom = w.abbr("IOM", "the International Organization for Migration");
        let shown = persons(w, dead, year, Method::Sum, Dataset::MissingMigrants, field);
        let by_year: Vec<(i32, f64)> = stats.dead_and_missing_by_year().collect();
        let highest = by_year
            .iter()
            .filter(|(y, _)| *y <= year)
            .all(|(_, n)| *n <= dead);
        let first = by_year.first().map_or(year, |(y, _)| *y);
        let mut text = format!(
            "The Missing Migrants Project of {iom} recorded {shown} migrants dead or missing in {year}"
        );
        if highest {
            text.push_str(&format!(
                ", the highest annual number since its records began in {first}"
            ));
        }
        if let Some(before) = stats.dead_and_missing(year - 1) {
            let shown = persons(
                w,
                before,
                year - 1,
                Method::Sum,
                Dataset::MissingMigrants,
                field,
            );
            text.push_str(&format!(", against {shown} in {}", year - 1));
        }
        text.push('.');
        let (to_year, to_month, to_day) = MMP_DATA_TO;
        if let Some(partial) = stats.dead_and_missing(to_year) {
            let shown = persons(
                w,
                partial,
                to_year,
                Method::Sum,
                Dataset::MissingMigrants,
                field,
            );
            let to = super::style::date(&imrf_proto::v1::Date {
                year: to_year,
                month: i32::from(to_month),
                day: i32::from(to_day),
            });
            text.push_str(&format!(
                " From 1 January to {to}, a further {shown} were recorded."
            ));
        }
        let n = w.cite("", vec![dataset(Dataset::MissingMigrants)]);
        w.para(Para::default().text(text).note(n));
    }

    w.para(Para::default().text(
        "Migration is recognized in the 2030 Agenda for Sustainable Development as a driver of development, and target 10.7 of the Goals calls for orderly, safe, regular and responsible migration and mobility of people. The Global Compact is rooted in the 2030 Agenda, and its review draws on the Goals' indicators, as set out in chapter VI.",
    ));
}
