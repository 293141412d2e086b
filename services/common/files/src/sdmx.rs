//! Indicator values as SDMX-CSV, the way the UN SDG API and .Stat export
//! them (`DATAFLOW,FREQ,REPORTING_TYPE,SERIES,REF_AREA,SEX,AGE,…,
//! TIME_PERIOD,OBS_VALUE,UNIT_MEASURE,…`), and as the platform's own export
//! writes them (`INDICATOR` instead of `SERIES`).
//!
//! A `SERIES` code is mapped to the indicator it gives with the reference
//! data (`sdg_series.csv`), and `REF_AREA`, an M49 code, to the Member
//! State. Each dimension column is a disaggregation: one the platform holds
//! (SEX, AGE, URBANISATION, …), whose codes are mapped to the platform's
//! categories, or one it does not hold (EDUCATION_LEV, OCCUPATION, …), which
//! a row may only leave at its total. Then every row is checked by the same
//! rules as the platform's indicator CSV ([`crate::indicators`]), and comes
//! out as its rows, so it is imported the same way. A row that cannot be
//! taken is refused by line and column.

use std::collections::{BTreeSet, HashMap};
use std::io::Read;

use imrf_gcm::refdata::reference;
use imrf_proto::v1::DisaggregationDimension;

use crate::indicators::{self, IndicatorFileError, Row, RowError, Rows};

/// The agency of the platform's own dataflow, as its export writes it.
const OWN_AGENCY: &str = "IMRF:";

/// The SDMX concept of each disaggregation the platform holds: the SDG
/// data structure's names where it has one, the platform's own otherwise.
const CONCEPTS: [(DisaggregationDimension, &str); 8] = [
    (DisaggregationDimension::Sex, "SEX"),
    (DisaggregationDimension::Age, "AGE"),
    (DisaggregationDimension::Income, "INCOME_WEALTH_QUANTILE"),
    (DisaggregationDimension::MigrationStatus, "MIGRATORY_STATUS"),
    (DisaggregationDimension::Disability, "DISABILITY_STATUS"),
    (DisaggregationDimension::GeographicLocation, "URBANISATION"),
    (DisaggregationDimension::Race, "RACE"),
    (DisaggregationDimension::Ethnicity, "ETHNICITY"),
];

/// The SDMX concept of a disaggregation ("" for a total).
pub fn concept(d: DisaggregationDimension) -> &'static str {
    CONCEPTS
        .iter()
        .find(|(dim, _)| *dim == d)
        .map_or("", |(_, c)| c)
}

/// Codes of the SDG data structure and the platform's categories they
/// stand for, per concept (ages are read by [`age_category`]).
const CODES: [(&str, &str, &str); 9] = [
    ("SEX", "F", "female"),
    ("SEX", "M", "male"),
    ("URBANISATION", "U", "urban"),
    ("URBANISATION", "R", "rural"),
    ("INCOME_WEALTH_QUANTILE", "Q1", "poorest quintile"),
    ("INCOME_WEALTH_QUANTILE", "Q2", "second quintile"),
    ("INCOME_WEALTH_QUANTILE", "Q3", "middle quintile"),
    ("INCOME_WEALTH_QUANTILE", "Q4", "fourth quintile"),
    ("INCOME_WEALTH_QUANTILE", "Q5", "richest quintile"),
];

/// An SDMX age code as the platform writes the age group: `Y15T24` is
/// "15-24", `Y_GE65` "65+", `Y_LT5` and `<5Y` "under 5", `Y5` "5".
fn age_category(code: &str) -> Option<String> {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if let Some(n) = code.strip_prefix("Y_GE").filter(|n| digits(n)) {
        return Some(format!("{n}+"));
    }
    if let Some(n) = code
        .strip_prefix("Y_LT")
        .or_else(|| code.strip_prefix('<').and_then(|c| c.strip_suffix('Y')))
        .filter(|n| digits(n))
    {
        return Some(format!("under {n}"));
    }
    let rest = code.strip_prefix('Y')?;
    match rest.split_once('T') {
        Some((from, to)) if digits(from) && digits(to) => Some(format!("{from}-{to}")),
        None if digits(rest) => Some(rest.to_string()),
        _ => None,
    }
}

/// Columns that are not dimensions: the observation's identity, value and
/// attributes, as the SDG dataflow and SDMX-CSV 1.0 and 2.0 write them.
const NOT_DIMENSIONS: [&str; 38] = [
    "DATAFLOW",
    "STRUCTURE",
    "STRUCTURE_ID",
    "STRUCTURE_NAME",
    "ACTION",
    "FREQ",
    "REPORTING_TYPE",
    "SERIES",
    "INDICATOR",
    "REF_AREA",
    "TIME_PERIOD",
    "OBS_VALUE",
    "OBS_STATUS",
    "OBS_CONF",
    "CONF_STATUS",
    "UNIT_MULT",
    "UNIT_MEASURE",
    "BASE_PER",
    "NATURE",
    "TIME_DETAIL",
    "TIME_COVERAGE",
    "COMMENT_OBS",
    "COMMENT_TS",
    "COMMENT_DSET",
    "UPPER_BOUND",
    "LOWER_BOUND",
    "SOURCE_DETAIL",
    "GEO_INFO_URL",
    "GEO_INFO_TYPE",
    "CUST_BREAKDOWN_LB",
    "DATA_LAST_UPDATE",
    "LAST_UPDATE",
    "DECIMALS",
    "EMBARGO_DATE",
    "TITLE",
    "REPORT_ID",
    "REPORT_REVISION",
    "SERIES_NAME",
];

/// Codes meaning "not broken down by this dimension": the total, and "not
/// applicable".
fn is_total(code: &str) -> bool {
    matches!(code, "" | "_T" | "_Z" | "_X")
}

/// A cell's code, without the label SDMX-CSV adds when asked for both
/// (`F: Female`).
fn code_of(cell: &str) -> &str {
    let cell = cell.trim();
    cell.split_once(": ").map_or(cell, |(code, _)| code.trim())
}

/// A header's concept, without its label (`SEX: Sex`), upper-cased.
fn concept_of_header(header: &str) -> String {
    header
        .split_once(':')
        .map_or(header, |(c, _)| c)
        .trim()
        .trim_start_matches('\u{feff}')
        .to_ascii_uppercase()
}

/// Reads and checks every row of the SDMX-CSV file `name` for `cycle`;
/// `series`, when the file gives an indicator by several series, names the
/// one to take.
pub fn read(
    name: &str,
    input: impl Read,
    cycle: &str,
    series: Option<&str>,
) -> Result<Rows, IndicatorFileError> {
    let indicators::Prepared {
        mut reader,
        decimal_comma,
    } = indicators::prepare(name, input)?;
    let headers: Vec<String> = indicators::headers_of(name, &mut reader)?
        .iter()
        .map(concept_of_header)
        .collect();
    let col = |wanted: &str| headers.iter().position(|h| h == wanted);
    let missing = ["REF_AREA", "TIME_PERIOD", "OBS_VALUE"]
        .into_iter()
        .find(|c| col(c).is_none())
        .or_else(|| (col("SERIES").is_none() && col("INDICATOR").is_none()).then_some("SERIES"));
    if let Some(column) = missing {
        return Err(IndicatorFileError::MissingSdmxColumn {
            name: name.to_string(),
            column,
        });
    }
    let at = |c: &str| col(c).unwrap_or(usize::MAX);
    let (area_col, time_col, value_col) = (at("REF_AREA"), at("TIME_PERIOD"), at("OBS_VALUE"));
    let (series_col, indicator_col) = (col("SERIES"), col("INDICATOR"));
    let (flow_col, freq_col, unit_col, mult_col, source_col) = (
        col("DATAFLOW").or_else(|| col("STRUCTURE_ID")),
        col("FREQ"),
        col("UNIT_MEASURE"),
        col("UNIT_MULT"),
        col("SOURCE_DETAIL"),
    );
    let dims: Vec<(usize, &str)> = headers
        .iter()
        .enumerate()
        .filter(|(_, h)| !NOT_DIMENSIONS.contains(&h.as_str()))
        .map(|(i, h)| (i, h.as_str()))
        .collect();
    let known_series = || {
        reference()
            .sdg_series()
            .map(|s| s.series.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };

    // The series a file gives each indicator by, to ask which to take when
    // there are several: one pass over the rows first.
    let records = indicators::records_of(name, &mut reader, indicators::MAX_ROWS)?;
    let mut series_of: HashMap<&str, BTreeSet<&str>> = HashMap::new();
    if let Some(c) = series_col {
        for record in &records {
            let code = record.get(c).map(code_of).unwrap_or("");
            if let Some(s) = reference().sdg_series_of(code) {
                series_of
                    .entry(s.indicator.as_str())
                    .or_default()
                    .insert(s.series.as_str());
            }
        }
    }

    let mut rows = Rows::default();
    let mut seen: HashMap<(String, String, String, String, String), u64> = HashMap::new();
    for record in &records {
        let line = record.position().map_or(0, |p| p.line());
        let cell = |c: Option<usize>| c.and_then(|c| record.get(c)).map_or("", code_of);
        let mut refuse = |column: &str, message: String| {
            rows.errors.push(RowError {
                line,
                column: column.to_string(),
                message,
            });
        };
        let flow = cell(flow_col);
        let own = flow.starts_with(OWN_AGENCY);
        // Which indicator, and in which unit the row must be.
        let (indicator, unit_code, series_code) = if let Some(c) = series_col {
            let code = cell(Some(c));
            let Some(s) = reference().sdg_series_of(code) else {
                refuse(
                    "SERIES",
                    format!(
                        "'{code}' is not a series of an indicator of the review; the platform takes {}",
                        known_series()
                    ),
                );
                continue;
            };
            let given_by = &series_of[s.indicator.as_str()];
            let chosen = series.filter(|wanted| given_by.contains(wanted));
            match chosen {
                Some(wanted) if wanted != s.series => continue,
                None if given_by.len() > 1 => {
                    refuse(
                        "SERIES",
                        format!(
                            "the file gives {} by {} series; choose one: {}",
                            s.indicator,
                            given_by.len(),
                            given_by.iter().copied().collect::<Vec<_>>().join(", ")
                        ),
                    );
                    continue;
                }
                _ => {}
            }
            (
                s.indicator.clone(),
                s.unit_measure.clone(),
                s.series.clone(),
            )
        } else {
            let code = cell(indicator_col).to_string();
            let unit = reference()
                .indicator(&code)
                .map(|i| i.unit.clone())
                .unwrap_or_default();
            (code, unit, String::new())
        };
        if let Some(freq) = Some(cell(freq_col)).filter(|f| !f.is_empty() && *f != "A") {
            refuse(
                "FREQ",
                format!("frequency '{freq}': the platform holds annual values (A)"),
            );
            continue;
        }
        let area = cell(Some(area_col));
        let Some(state) = reference().member_state_of_m49(area) else {
            refuse(
                "REF_AREA",
                format!("'{area}' is not the M49 code of a UN Member State"),
            );
            continue;
        };
        let unit = cell(unit_col);
        if !unit.is_empty() && !unit.eq_ignore_ascii_case(&unit_code) {
            refuse(
                "UNIT_MEASURE",
                format!("'{unit}' is not the unit of {indicator} ({unit_code})"),
            );
            continue;
        }
        // At most one disaggregation, with a code the platform knows.
        let broken_down: Vec<&(usize, &str)> = dims
            .iter()
            .filter(|(c, _)| !is_total(cell(Some(*c))))
            .collect();
        let (dimension, category) = match broken_down.as_slice() {
            [] => (DisaggregationDimension::Unspecified, String::new()),
            [(c, header)] => {
                let code = cell(Some(*c));
                let Some((dimension, _)) = CONCEPTS.iter().find(|(_, name)| name == header) else {
                    refuse(
                        header,
                        format!(
                            "broken down by {header} ({code}), a disaggregation the platform does not hold"
                        ),
                    );
                    continue;
                };
                let category = if own {
                    Some(record.get(*c).unwrap_or("").trim().to_string())
                } else if *header == "AGE" {
                    age_category(code)
                } else {
                    CODES
                        .iter()
                        .find(|(concept, c, _)| concept == header && *c == code)
                        .map(|(_, _, category)| category.to_string())
                };
                let Some(category) = category else {
                    let known: Vec<&str> = CODES
                        .iter()
                        .filter(|(concept, _, _)| concept == header)
                        .map(|(_, c, _)| *c)
                        .collect();
                    refuse(
                        header,
                        if *header == "AGE" {
                            format!("'{code}' is not an age code (Y15T24, Y_GE65, Y_LT5, _T)")
                        } else if known.is_empty() {
                            format!(
                                "'{code}': the platform takes {header} only from its own export"
                            )
                        } else {
                            format!(
                                "'{code}' is not a code of {header} the platform knows ({}, _T)",
                                known.join(", ")
                            )
                        },
                    );
                    continue;
                };
                (*dimension, category)
            }
            more => {
                let names: Vec<&str> = more.iter().map(|(_, h)| *h).collect();
                refuse(
                    names[0],
                    format!(
                        "broken down by {} at once; the platform holds one disaggregation at a time",
                        names.join(" and ")
                    ),
                );
                continue;
            }
        };
        let time = cell(Some(time_col));
        if time.len() != 4 || !time.bytes().all(|b| b.is_ascii_digit()) {
            refuse(
                "TIME_PERIOD",
                format!("'{time}' is not a year: the platform holds annual values"),
            );
            continue;
        }
        let value = indicators::number_text(cell(Some(value_col)), decimal_comma);
        if value.is_empty() || value.eq_ignore_ascii_case("nan") {
            refuse("OBS_VALUE", "has no value".into());
            continue;
        }
        let value = match (value.parse::<f64>(), cell(mult_col)) {
            (Ok(v), "" | "0") => v.to_string(),
            (Ok(v), mult) => match mult.parse::<i32>() {
                Ok(m) if (-15..=15).contains(&m) => (v * 10f64.powi(m)).to_string(),
                _ => {
                    refuse("UNIT_MULT", format!("'{mult}' is not a power of ten"));
                    continue;
                }
            },
            (Err(_), _) => value.to_string(),
        };
        let dimension_word = crate::export::dimension_word(dimension as i32);
        let key = (
            state.iso3.clone(),
            indicator.clone(),
            time.to_string(),
            dimension_word.clone(),
            category.clone(),
        );
        if let Some(first) = seen.get(&key) {
            refuse(
                "OBS_VALUE",
                format!(
                    "repeats the observation of line {first} (same area, indicator, year and disaggregation)"
                ),
            );
            continue;
        }
        let cells = indicators::Cells {
            state: &state.iso3,
            indicator: &indicator,
            year: time,
            dimension: &dimension_word,
            category: &category,
            value: &value,
        };
        match indicators::check(&cells, cycle) {
            Ok((iso3, mut observation)) => {
                seen.insert(key, line);
                // The source as written: a text, not a code to strip.
                let detail = source_col.and_then(|c| record.get(c)).unwrap_or("").trim();
                observation.source = if !detail.is_empty() {
                    detail.to_string()
                } else if series_code.is_empty() {
                    flow.to_string()
                } else {
                    format!("UN Global SDG Indicators Database, series {series_code} ({flow})")
                        .replace(" ()", "")
                };
                rows.by_state
                    .entry(iso3)
                    .or_default()
                    .push(Row { line, observation });
            }
            Err((column, message)) => {
                let column = match column {
                    "year" => "TIME_PERIOD",
                    "value" => "OBS_VALUE",
                    "indicator" => "INDICATOR",
                    "state" => "REF_AREA",
                    _ => concept(dimension),
                };
                refuse(column, message);
            }
        }
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Real output of the SDG dataflow (data.un.org), as published in a
    /// public repository: see `tests/data/sdmx/SOURCES.md`.
    const SDG_DATAFLOW: &str = include_str!("../tests/data/sdmx/un_sdg_dataflow_2026.csv");
    /// The same layout with rows of the series the platform takes.
    const MIGRATION: &str = include_str!("../tests/data/sdmx/migration_series_layout.csv");

    fn read_text(text: &str, series: Option<&str>) -> Rows {
        read("obs.csv", text.as_bytes(), "2026", series).unwrap_or_default()
    }

    fn refusals(rows: &Rows) -> Vec<(u64, &str)> {
        rows.errors
            .iter()
            .map(|e| (e.line, e.column.as_str()))
            .collect()
    }

    #[test]
    fn age_codes_become_age_groups() {
        let age = |c: &str| age_category(c);
        assert_eq!(age("Y15T24").as_deref(), Some("15-24"));
        assert_eq!(age("Y_GE65").as_deref(), Some("65+"));
        assert_eq!(age("Y_LT5").as_deref(), Some("under 5"));
        assert_eq!(age("<5Y").as_deref(), Some("under 5"));
        assert_eq!(age("Y5").as_deref(), Some("5"));
        assert_eq!((age("Y15T"), age("15-24"), age("Y")), (None, None, None));
    }

    #[test]
    fn the_real_sdg_dataflow_rows_are_refused_for_their_series() {
        let rows = read_text(SDG_DATAFLOW, None);
        assert!(rows.by_state.is_empty());
        assert_eq!(refusals(&rows), [(2, "SERIES"), (3, "SERIES")]);
        assert!(
            rows.errors[0].message.contains("'ER_BDY_KMGBFT14'"),
            "{}",
            rows.errors[0].message
        );
    }

    #[test]
    fn the_migration_series_map_to_the_platforms_indicators() {
        let rows = read_text(MIGRATION, Some("SL_EMP_FTLINJUR"));
        let mex: Vec<(&str, i32, &str, f64)> = rows.by_state["MEX"]
            .iter()
            .map(|r| {
                let o = &r.observation;
                (
                    o.indicator_code.as_str(),
                    o.year,
                    o.category.as_str(),
                    o.value,
                )
            })
            .collect();
        assert_eq!(
            mex,
            [
                ("10.c.1", 2023, "", 2.653333),
                ("10.7.3", 2024, "", 225.0),
                ("8.8.1", 2023, "female", 2.1),
                ("16.9.1", 2024, "under 5", 96.1),
                ("17.3.2", 2023, "", 3.6),
            ]
        );
        assert_eq!(
            rows.by_state["MEX"][0].observation.source,
            "UN Global SDG Indicators Database, series SI_RMT_COST (IAEG-SDGs:DF_SDG_GLH(1.24))"
        );
        assert_eq!(rows.by_state["MEX"][0].observation.unit, "percent");
        assert_eq!(rows.by_state["KEN"].len(), 1);
        assert_eq!(
            refusals(&rows),
            [
                (9, "REF_AREA"),
                (10, "REF_AREA"),
                (11, "SEX"),
                (12, "EDUCATION_LEV"),
                (13, "TIME_PERIOD"),
                (14, "OBS_VALUE"),
                (15, "UNIT_MEASURE"),
                (16, "TIME_PERIOD"),
                (17, "OBS_VALUE"),
                (18, "AGE"),
                (19, "SEX"),
                (20, "OBS_VALUE"),
                (21, "FREQ"),
                (22, "SERIES"),
            ]
        );
    }

    #[test]
    fn two_series_of_one_indicator_ask_which_to_take() {
        let rows = read_text(MIGRATION, None);
        let asked: Vec<&RowError> = rows
            .errors
            .iter()
            .filter(|e| e.message.contains("choose one"))
            .collect();
        assert_eq!(asked.len(), 2);
        assert!(
            asked[0]
                .message
                .contains("gives 8.8.1 by 2 series; choose one: SL_EMP_FTLINJUR, SL_EMP_INJUR"),
            "{}",
            asked[0].message
        );
        let taken = read_text(MIGRATION, Some("SL_EMP_INJUR"));
        let injuries: Vec<f64> = taken.by_state["MEX"]
            .iter()
            .filter(|r| r.observation.indicator_code == "8.8.1")
            .map(|r| r.observation.value)
            .collect();
        assert_eq!(injuries, [612.5]);
    }

    #[test]
    fn a_file_without_its_columns_is_refused_whole() {
        let err = read(
            "obs.csv",
            "SERIES,REF_AREA,OBS_VALUE\n".as_bytes(),
            "2026",
            None,
        )
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
        assert!(err.contains("no 'TIME_PERIOD' column"), "{err}");
        let err = read(
            "obs.csv",
            "REF_AREA,TIME_PERIOD,OBS_VALUE\n".as_bytes(),
            "2026",
            None,
        )
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
        assert!(err.contains("no 'SERIES' column"), "{err}");
    }

    #[test]
    fn labels_and_unit_multipliers_are_read() {
        let rows = read_text(
            "SERIES: Series,REF_AREA: Reference area,SEX: Sex,TIME_PERIOD,OBS_VALUE,UNIT_MULT,UNIT_MEASURE\n\
             SM_DTH_MIGR: Deaths,484: Mexico,_T: Total,2024,0.445,3,NUMBER\n\
             SM_DTH_MIGR: Deaths,404: Kenya,M: Male,2024,12,x,NUMBER\n",
            None,
        );
        assert_eq!(rows.by_state["MEX"][0].observation.value, 445.0);
        assert_eq!(refusals(&rows), [(3, "UNIT_MULT")]);
    }
}
