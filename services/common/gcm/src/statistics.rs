//! The global migration figures of the bundled public data, for the
//! overview of the biennial report: international migrant stock (UN DESA
//! 2020), personal remittances (World Bank WDI) and migrants dead and
//! missing (IOM Missing Migrants Project). Each figure comes with the name of
//! its source, so the report can footnote it.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use serde::Deserialize;

/// Where the migrant stock figures come from.
pub const DESA_SOURCE: &str = "United Nations, Department of Economic and Social Affairs, Population Division (2020), International Migrant Stock 2020 (POP/DB/MIG/Stock/Rev.2020), destination tables";
/// Where the remittance figures come from.
pub const WDI_SOURCE: &str = "World Bank, World Development Indicators, BX.TRF.PWKR.CD.DT (personal remittances, received, current US$), retrieved May 2024";
/// Where the dead and missing figures come from.
pub const MMP_SOURCE: &str = "International Organization for Migration, Missing Migrants Project, dead and missing by country of incident (export of May 2024)";

#[derive(Deserialize)]
struct StockRow {
    iso3: String,
    year: i32,
    migrant_stock_total: Option<f64>,
    migrant_stock_female: Option<f64>,
}

#[derive(Deserialize)]
struct WdiRow {
    iso3: String,
    year: i32,
    #[serde(rename = "remittances_received_usd_BX_TRF_PWKR_CD_DT")]
    received: Option<f64>,
}

#[derive(Deserialize)]
struct MmpRow {
    iso3_incident: String,
    year: i32,
    dead: Option<f64>,
    missing: Option<f64>,
}

/// Migrant stock of one area and year.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Stock {
    /// Migrants, both sexes.
    pub total: f64,
    /// Female migrants.
    pub female: f64,
}

/// The parsed statistics.
#[derive(Debug, Default)]
pub struct Statistics {
    stock: BTreeMap<(String, i32), Stock>,
    world_stock: BTreeMap<i32, Stock>,
    received: BTreeMap<(String, i32), f64>,
    dead_missing: BTreeMap<(String, i32), (f64, f64)>,
}

fn parse<T: serde::de::DeserializeOwned>(text: &str) -> Vec<T> {
    // The files are compiled in and checked by the tests below; a row that
    // does not parse is skipped rather than taking a service down.
    csv::Reader::from_reader(text.as_bytes())
        .deserialize()
        .filter_map(Result::ok)
        .collect()
}

static STATISTICS: LazyLock<Statistics> = LazyLock::new(|| {
    let mut stats = Statistics::default();
    for row in parse::<StockRow>(include_str!("../data/un_desa_migrant_stock_2000_2020.csv")) {
        let stock = Stock {
            total: row.migrant_stock_total.unwrap_or(0.0),
            female: row.migrant_stock_female.unwrap_or(0.0),
        };
        let world = stats.world_stock.entry(row.year).or_default();
        world.total += stock.total;
        world.female += stock.female;
        if !row.iso3.is_empty() {
            stats.stock.insert((row.iso3, row.year), stock);
        }
    }
    for row in parse::<WdiRow>(include_str!(
        "../data/wb_wdi_migration_remittances_2015_2023.csv"
    )) {
        if let Some(received) = row.received {
            stats.received.insert((row.iso3, row.year), received);
        }
    }
    for row in parse::<MmpRow>(include_str!(
        "../data/iom_mmp_dead_missing_by_country_year_2014_2024.csv"
    )) {
        stats.dead_missing.insert(
            (row.iso3_incident, row.year),
            (row.dead.unwrap_or(0.0), row.missing.unwrap_or(0.0)),
        );
    }
    stats
});

/// The bundled statistics, parsed on first use.
pub fn statistics() -> &'static Statistics {
    &STATISTICS
}

impl Statistics {
    /// World migrant stock in `year` (the sum over all 235 countries and
    /// areas of the destination tables).
    pub fn world_stock(&self, year: i32) -> Option<Stock> {
        self.world_stock.get(&year).copied()
    }

    /// Migrant stock of `iso3` in `year`.
    pub fn stock(&self, iso3: &str, year: i32) -> Option<Stock> {
        self.stock.get(&(iso3.to_string(), year)).copied()
    }

    /// Personal remittances received by all economies with data in `year`,
    /// in current US dollars, and the number of economies.
    pub fn remittances_received(&self, year: i32) -> (f64, usize) {
        let values: Vec<f64> = self
            .received
            .iter()
            .filter(|((_, y), _)| *y == year)
            .map(|(_, v)| *v)
            .collect();
        (values.iter().sum(), values.len())
    }

    /// The latest year with remittance data for at least `min_economies`.
    pub fn latest_remittance_year(&self, min_economies: usize) -> Option<i32> {
        let mut years: Vec<i32> = self.received.keys().map(|(_, y)| *y).collect();
        years.sort_unstable();
        years.dedup();
        years
            .into_iter()
            .rev()
            .find(|y| self.remittances_received(*y).1 >= min_economies)
    }

    /// Migrants dead and missing over `years` (inclusive), all countries of
    /// incident: (dead, missing).
    pub fn dead_and_missing(&self, years: std::ops::RangeInclusive<i32>) -> (f64, f64) {
        self.dead_missing
            .iter()
            .filter(|((_, y), _)| years.contains(y))
            .fold((0.0, 0.0), |(d, m), (_, (dead, missing))| {
                (d + dead, m + missing)
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_world_migrant_stock_of_2020_matches_the_source() {
        let world = statistics().world_stock(2020).unwrap_or_default();
        // The WORLD row of the source workbook.
        assert_eq!(world.total, 280_598_105.0);
        let female_share = world.female / world.total * 100.0;
        assert!((47.0..50.0).contains(&female_share), "{female_share}");
        assert!(statistics().stock("KEN", 2020).is_some());
    }

    #[test]
    fn remittances_and_missing_migrants_are_available() {
        let year = statistics().latest_remittance_year(150);
        assert_eq!(year, Some(2022));
        let (total, economies) = statistics().remittances_received(2022);
        assert!(total > 6.0e11 && economies >= 150, "{total} {economies}");
        let (dead, missing) = statistics().dead_and_missing(2014..=2023);
        assert!(dead + missing > 50_000.0, "{dead} {missing}");
    }
}
