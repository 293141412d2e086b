//! The global migration figures of the bundled public data, for the
//! migration context of the biennial report: international migrant stock
//! (UN DESA, 2024 revision), personal remittances received (World Bank WDI,
//! July 2025), the cost of sending remittances (WDI, SDG 10.c.1 input) and
//! migrants dead and missing (IOM Missing Migrants Project, data to 30 April
//! 2025). Each figure is of one year and one edition, and comes with the
//! dataset it was read from, so the report can say how current it is and
//! footnote it. Nothing here adds values of different years together.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use serde::Deserialize;

/// A bundled dataset, as the report cites it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Dataset {
    /// UN DESA International Migrant Stock 2024.
    MigrantStock,
    /// World Bank WDI, personal remittances received.
    Remittances,
    /// World Bank WDI, average cost of sending remittances to a country.
    RemittanceCost,
    /// IOM Missing Migrants Project.
    MissingMigrants,
    /// The SDG global indicator framework, for the indicators and targets.
    IndicatorFramework,
    /// The membership of the five regional commissions.
    CommissionMembership,
}

impl Dataset {
    /// Every dataset, in citation order.
    pub const ALL: [Dataset; 6] = [
        Dataset::MigrantStock,
        Dataset::Remittances,
        Dataset::RemittanceCost,
        Dataset::MissingMigrants,
        Dataset::IndicatorFramework,
        Dataset::CommissionMembership,
    ];

    /// A short stable id, used as the source id in the draft.
    pub fn id(self) -> &'static str {
        match self {
            Dataset::MigrantStock => "undesa-ims-2024",
            Dataset::Remittances => "wdi-bx-trf-pwkr-2025-07",
            Dataset::RemittanceCost => "wdi-si-rmt-cost-ib-2026-04",
            Dataset::MissingMigrants => "iom-mmp-2025-06",
            Dataset::IndicatorFramework => "sdg-indicator-framework",
            Dataset::CommissionMembership => "regional-commission-membership",
        }
    }

    /// The full citation.
    pub fn citation(self) -> &'static str {
        match self {
            Dataset::MigrantStock => {
                "United Nations, Department of Economic and Social Affairs, Population Division, International Migrant Stock 2024 (POP/DB/MIG/Stock/Rev.2024), January 2025, by destination and sex"
            }
            Dataset::Remittances => {
                "World Bank, World Development Indicators, personal remittances received, current United States dollars (BX.TRF.PWKR.CD.DT), last updated 1 July 2025"
            }
            Dataset::RemittanceCost => {
                "World Bank, World Development Indicators, average transaction cost of sending remittances to a specific country (SI.RMT.COST.IB.ZS), from Remittance Prices Worldwide, last updated 8 April 2026"
            }
            Dataset::MissingMigrants => {
                "International Organization for Migration, Missing Migrants Project, migrants dead and missing by country of incident, data to 30 April 2025 (release of 4 June 2025)"
            }
            Dataset::IndicatorFramework => {
                "Global indicator framework for the Sustainable Development Goals and targets of the 2030 Agenda for Sustainable Development (resolution 71/313, annex, as revised by the Statistical Commission)"
            }
            Dataset::CommissionMembership => {
                "Membership of the Economic Commission for Africa, the Economic Commission for Europe, the Economic Commission for Latin America and the Caribbean, the Economic and Social Commission for Asia and the Pacific and the Economic and Social Commission for Western Asia, as the commissions publish it, regional members only"
            }
        }
    }

    /// How current the dataset is, for the list of inputs.
    pub fn currency(self) -> &'static str {
        match self {
            Dataset::MigrantStock => "estimates for 1990 to 2024; latest year 2024",
            Dataset::Remittances => {
                "2015 to 2024; 2024 reported by 106 of 217 economies, so 2023 is the latest complete year"
            }
            Dataset::RemittanceCost => {
                "latest year with a value per country; 2023 for 93 of 104 countries"
            }
            Dataset::MissingMigrants => {
                "1 January 2014 to 30 April 2025; 2024 is the latest complete year"
            }
            Dataset::IndicatorFramework => "indicators and targets as bundled with the platform",
            Dataset::CommissionMembership => "member lists as they stood in 2024",
        }
    }
}

#[derive(Deserialize)]
struct StockRow {
    iso3: String,
    year: i32,
    migrant_stock_total: Option<f64>,
    migrant_stock_female: Option<f64>,
}

#[derive(Deserialize)]
struct WdiRow {
    year: i32,
    row_type: String,
    wb_income_group: String,
    #[serde(rename = "remittances_received_usd_BX_TRF_PWKR_CD_DT")]
    received: Option<f64>,
}

#[derive(Deserialize)]
struct CostRow {
    iso3: String,
    un_member: String,
    year: i32,
    #[serde(rename = "avg_cost_pct_SI_RMT_COST_IB_ZS")]
    cost: Option<f64>,
    flag: String,
}

#[derive(Deserialize)]
struct MmpRow {
    year: i32,
    dead_and_missing: Option<f64>,
}

/// Migrant stock of one area, or the world, in one year.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Stock {
    /// Migrants, both sexes.
    pub total: f64,
    /// Female migrants.
    pub female: f64,
}

/// Remittances received in one year by the economies that reported them.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Remittances {
    /// The year.
    pub year: i32,
    /// All reporting economies, current US dollars.
    pub total: f64,
    /// Low- and middle-income reporting economies, current US dollars.
    pub low_and_middle_income: f64,
    /// Economies with a value.
    pub economies: usize,
    /// Low- and middle-income economies with a value.
    pub low_and_middle_income_economies: usize,
}

/// The average cost of sending remittances, over the countries with a
/// value for one year.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RemittanceCost {
    /// The year.
    pub year: i32,
    /// Cost per Member State (ISO3), per cent of the amount sent.
    pub by_state: BTreeMap<String, f64>,
}

/// One economy's remittances received in a year.
#[derive(Debug, Clone, Copy)]
struct Received {
    low_and_middle_income: bool,
    usd: f64,
}

/// The parsed statistics.
#[derive(Debug, Default)]
pub struct Statistics {
    stock: BTreeMap<(String, i32), Stock>,
    world_stock: BTreeMap<i32, Stock>,
    received: BTreeMap<i32, Vec<Received>>,
    cost: BTreeMap<i32, BTreeMap<String, f64>>,
    world_dead_missing: BTreeMap<i32, f64>,
}

/// The last day of the Missing Migrants Project data: 2025 is partial.
pub const MMP_DATA_TO: (i32, u8, u8) = (2025, 4, 30);

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
    for row in parse::<StockRow>(include_str!(
        "../data/un_desa_migrant_stock_2024rev_1990_2024.csv"
    )) {
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
    for row in parse::<WdiRow>(include_str!("../data/wb_wdi_remittances_2015_2024.csv")) {
        // WDI's own world row is a sum of whatever reported; the economies
        // are summed here, so coverage is known.
        if row.row_type != "economy" {
            continue;
        }
        if let Some(received) = row.received {
            let low_middle = matches!(
                row.wb_income_group.as_str(),
                "Low income" | "Lower middle income" | "Upper middle income"
            );
            stats.received.entry(row.year).or_default().push(Received {
                low_and_middle_income: low_middle,
                usd: received,
            });
        }
    }
    for row in parse::<CostRow>(include_str!(
        "../data/wb_wdi_remittance_cost_inbound_latest.csv"
    )) {
        // A flagged value (Malawi's negative cost) is a source error, and
        // only Member States are reported on.
        if let (Some(cost), true, "1") = (row.cost, row.flag.is_empty(), row.un_member.as_str()) {
            stats
                .cost
                .entry(row.year)
                .or_default()
                .insert(row.iso3, cost);
        }
    }
    for row in parse::<MmpRow>(include_str!(
        "../data/iom_mmp_dead_missing_by_country_year_2014_2025.csv"
    )) {
        *stats.world_dead_missing.entry(row.year).or_default() +=
            row.dead_and_missing.unwrap_or(0.0);
    }
    stats
});

/// The bundled statistics, parsed on first use.
pub fn statistics() -> &'static Statistics {
    &STATISTICS
}

/// The median of `values` (0 when there are none).
pub fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    match sorted.len() {
        0 => 0.0,
        n if n % 2 == 1 => sorted[n / 2],
        n => (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0,
    }
}

/// Share of economies, against the best-covered year, below which a year
/// counts as incomplete and is not totalled.
const COMPLETE_COVERAGE: f64 = 0.9;

impl Statistics {
    /// World migrant stock in `year`: the sum over the 233 countries and
    /// areas of the 2024 revision.
    pub fn world_stock(&self, year: i32) -> Option<Stock> {
        self.world_stock.get(&year).copied()
    }

    /// The latest year of the migrant stock estimates.
    pub fn latest_stock_year(&self) -> Option<i32> {
        self.world_stock.keys().next_back().copied()
    }

    /// Migrant stock of `iso3` in `year`.
    pub fn stock(&self, iso3: &str, year: i32) -> Option<Stock> {
        self.stock.get(&(iso3.to_string(), year)).copied()
    }

    /// The `n` areas with the largest migrant stock in `year`, largest
    /// first (ties by code).
    pub fn largest_stocks(&self, year: i32, n: usize) -> Vec<(&str, Stock)> {
        let mut areas: Vec<(&str, Stock)> = self
            .stock
            .iter()
            .filter(|((_, y), _)| *y == year)
            .map(|((iso3, _), s)| (iso3.as_str(), *s))
            .collect();
        areas.sort_by(|a, b| b.1.total.total_cmp(&a.1.total).then(a.0.cmp(b.0)));
        areas.truncate(n);
        areas
    }

    /// Remittances received in `year` by the economies that reported them.
    pub fn remittances(&self, year: i32) -> Option<Remittances> {
        let rows = self.received.get(&year)?;
        let low_middle: Vec<f64> = rows
            .iter()
            .filter(|r| r.low_and_middle_income)
            .map(|r| r.usd)
            .collect();
        Some(Remittances {
            year,
            total: rows.iter().map(|r| r.usd).sum(),
            low_and_middle_income: low_middle.iter().sum(),
            economies: rows.len(),
            low_and_middle_income_economies: low_middle.len(),
        })
    }

    /// The latest year whose coverage is complete: at least nine in ten of
    /// the economies of the best-covered year. A later, partial year is a
    /// partial sum and must not be quoted as a total.
    pub fn latest_complete_remittance_year(&self) -> Option<i32> {
        let best = self.received.values().map(Vec::len).max()?;
        self.received
            .iter()
            .rev()
            .find(|(_, rows)| rows.len() as f64 >= best as f64 * COMPLETE_COVERAGE)
            .map(|(year, _)| *year)
    }

    /// The latest year of remittance data, complete or not, with the
    /// number of economies that reported it.
    pub fn latest_remittance_year(&self) -> Option<(i32, usize)> {
        self.received
            .iter()
            .next_back()
            .map(|(year, rows)| (*year, rows.len()))
    }

    /// The cost of sending remittances in the latest year for which most
    /// countries have a value (countries whose latest value is older are
    /// left out, so one year is never mixed with another).
    pub fn remittance_cost(&self) -> Option<RemittanceCost> {
        self.cost
            .iter()
            .max_by_key(|(year, by_state)| (by_state.len(), **year))
            .map(|(year, by_state)| RemittanceCost {
                year: *year,
                by_state: by_state.clone(),
            })
    }

    /// Migrants dead and missing worldwide in `year` (2025 runs to 30
    /// April only).
    pub fn dead_and_missing(&self, year: i32) -> Option<f64> {
        self.world_dead_missing.get(&year).copied()
    }

    /// The latest full year of the Missing Migrants Project data.
    pub fn latest_complete_mmp_year(&self) -> i32 {
        MMP_DATA_TO.0 - 1
    }

    /// The years of Missing Migrants data, in order, with their counts.
    pub fn dead_and_missing_by_year(&self) -> impl Iterator<Item = (i32, f64)> + '_ {
        self.world_dead_missing.iter().map(|(y, n)| (*y, *n))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_world_migrant_stock_of_2024_matches_the_source() {
        let stats = statistics();
        assert_eq!(stats.latest_stock_year(), Some(2024));
        let world = stats.world_stock(2024).unwrap_or_default();
        // The WORLD total of the DESA workbook, and the 2020 figure of the
        // same revision (SOURCES.md, Checks).
        assert_eq!(world.total, 304_021_813.0);
        assert_eq!(
            stats.world_stock(2020).map(|s| s.total),
            Some(275_284_032.0)
        );
        let female_share = world.female / world.total * 100.0;
        assert!((47.0..50.0).contains(&female_share), "{female_share}");
        assert_eq!(
            stats.stock("USA", 2024).map(|s| s.total),
            Some(52_375_047.0)
        );
        assert_eq!(
            stats.largest_stocks(2024, 1).first().map(|s| s.0),
            Some("USA")
        );
    }

    #[test]
    fn remittances_stop_at_the_latest_complete_year() {
        let stats = statistics();
        assert_eq!(stats.latest_complete_remittance_year(), Some(2023));
        assert_eq!(stats.latest_remittance_year(), Some((2024, 106)));
        let r = stats.remittances(2023).unwrap_or_default();
        // WDI's world and low- and middle-income aggregates for 2023.
        assert!((r.total / 1e9 - 822.68).abs() < 0.01, "{}", r.total);
        assert!(
            (r.low_and_middle_income / 1e9 - 626.06).abs() < 0.01,
            "{}",
            r.low_and_middle_income
        );
    }

    #[test]
    fn the_cost_of_remittances_is_of_one_year_without_flagged_values() {
        let cost = statistics().remittance_cost().unwrap_or_default();
        assert_eq!(cost.year, 2023);
        assert!(!cost.by_state.contains_key("MWI"), "the flagged value");
        assert!(!cost.by_state.contains_key("PSE"), "not a Member State");
        assert!(cost.by_state.len() >= 85, "{}", cost.by_state.len());
        assert!(cost.by_state.values().all(|v| *v > 0.0));
    }

    #[test]
    fn missing_migrants_by_year_match_the_published_totals() {
        let stats = statistics();
        assert_eq!(stats.dead_and_missing(2024), Some(9_191.0));
        assert_eq!(stats.dead_and_missing(2023), Some(8_755.0));
        assert_eq!(stats.dead_and_missing(2025), Some(1_812.0));
        assert_eq!(stats.latest_complete_mmp_year(), 2024);
        let all: f64 = stats.dead_and_missing_by_year().map(|(_, n)| n).sum();
        assert_eq!(all, 75_068.0);
    }
}
