//! Indicator values as an Open SDG national reporting platform publishes
//! them: one CSV per indicator (`indicator_10-c-1.csv`) with the columns
//! Year, Value, and optionally Series, Units and GeoCode, and one column per
//! disaggregation (Sex, Age, …), empty for a total. The rows are checked
//! by the same rules as the platform's own indicator CSV
//! ([`crate::indicators`]) and come out as its rows, so they are imported
//! the same way; what only this format can hold (sub-national rows, two
//! disaggregations at once, several series, another unit) is refused by
//! line and column.

use std::collections::BTreeSet;
use std::io::Read;

use imrf_gcm::refdata::reference;

use crate::indicators::{self, IndicatorFileError, Row, RowError, Rows, parse_dimension};

/// The indicator a file of an Open SDG platform holds, from its name:
/// `indicator_10-c-1.csv` holds 10.c.1.
pub fn indicator_of_file_name(name: &str) -> Option<String> {
    let stem = name.rsplit(['/', '\\']).next()?;
    let code = stem
        .strip_prefix("indicator_")
        .or_else(|| stem.rsplit_once("indicator_").map(|(_, c)| c))?;
    let code = code.trim_end_matches(".csv").replace('-', ".");
    reference().indicator(&code).map(|_| code)
}

/// Whether `text`, as an Open SDG file writes a unit ("%", "person",
/// "per 100,000 workers"), is `unit` as the platform names it.
fn same_unit(text: &str, unit: &str) -> bool {
    let canonical = |s: &str| {
        let s = s.to_lowercase().replace(['_', ',', ' '], "");
        match s.as_str() {
            "%" | "percent" | "percentage" => "percent".to_string(),
            "person" | "persons" | "number" | "numberofpersons" => "persons".to_string(),
            _ => s,
        }
    };
    canonical(text) == canonical(unit)
}

/// The columns that are not disaggregations.
const KNOWN: [&str; 5] = ["year", "value", "series", "units", "geocode"];

/// Reads the Open SDG file `name` as `state`'s values of `indicator` for
/// `cycle`; `series`, when the file holds several, names the one to take.
pub fn read(
    name: &str,
    input: impl Read,
    indicator: &str,
    state: &str,
    cycle: &str,
    series: Option<&str>,
) -> Result<Rows, IndicatorFileError> {
    let indicators::Prepared {
        mut reader,
        decimal_comma,
    } = indicators::prepare(name, input)?;
    let headers = indicators::headers_of(name, &mut reader)?;
    let col = |wanted: &str| indicators::column_index(&headers, wanted);
    let (Some(year_col), Some(value_col)) = (col("year"), col("value")) else {
        return Err(IndicatorFileError::MissingOpenSdgColumn {
            name: name.to_string(),
            column: if col("year").is_none() {
                "Year"
            } else {
                "Value"
            },
        });
    };
    let (series_col, units_col, geo_col) = (col("series"), col("units"), col("geocode"));
    // Every other column is a disaggregation, known to the platform or not.
    let dims: Vec<(usize, String)> = headers
        .iter()
        .enumerate()
        .filter(|(_, h)| !KNOWN.contains(&h.trim().to_lowercase().as_str()))
        .map(|(i, h)| (i, h.trim().to_string()))
        .collect();
    let records = indicators::records_of(name, &mut reader, indicators::MAX_ROWS)?;
    let all_series: BTreeSet<String> = series_col
        .map(|c| {
            records
                .iter()
                .filter_map(|r| r.get(c))
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect()
        })
        .unwrap_or_default();
    let unit = reference()
        .indicator(indicator)
        .map(|i| i.unit.clone())
        .unwrap_or_default();

    let mut rows = Rows::default();
    for record in &records {
        let line = record.position().map_or(0, |p| p.line());
        let cell = |c: Option<usize>| {
            c.and_then(|c| record.get(c))
                .unwrap_or("")
                .trim()
                .to_string()
        };
        let mut refuse = |column: &str, message: String| {
            rows.errors.push(RowError {
                line,
                column: column.to_string(),
                message,
            });
        };
        if !cell(geo_col).is_empty() {
            refuse(
                "GeoCode",
                format!(
                    "a sub-national value ({}); the platform holds national values",
                    cell(geo_col)
                ),
            );
            continue;
        }
        let this_series = cell(series_col);
        match series {
            Some(wanted) if !this_series.is_empty() && this_series != wanted => continue,
            None if all_series.len() > 1 => {
                refuse(
                    "Series",
                    format!(
                        "the file holds {} series; choose one: {}",
                        all_series.len(),
                        all_series.iter().cloned().collect::<Vec<_>>().join("; ")
                    ),
                );
                continue;
            }
            _ => {}
        }
        let given: Vec<&(usize, String)> = dims
            .iter()
            .filter(|(c, _)| !cell(Some(*c)).is_empty())
            .collect();
        let (dimension, category) = match given.as_slice() {
            [] => (String::new(), String::new()),
            [(c, header)] => {
                if parse_dimension(header).is_none() {
                    refuse(
                        header,
                        format!("'{header}' is a disaggregation the platform does not hold"),
                    );
                    continue;
                }
                (header.clone(), cell(Some(*c)))
            }
            more => {
                let names: Vec<&str> = more.iter().map(|(_, h)| h.as_str()).collect();
                refuse(
                    names[0],
                    format!(
                        "disaggregated by {} at once; the platform holds one disaggregation at a time",
                        names.join(" and ")
                    ),
                );
                continue;
            }
        };
        let value = indicators::number_text(&cell(Some(value_col)), decimal_comma);
        if value.is_empty() {
            refuse("Value", "has no value".into());
            continue;
        }
        let year = cell(Some(year_col));
        let cells = indicators::Cells {
            state,
            indicator,
            year: &year,
            dimension: &dimension,
            category: &category,
            value: &value,
        };
        match indicators::check(&cells, cycle) {
            Ok((state, observation)) => {
                let units = cell(units_col);
                if !units.is_empty() && !same_unit(&units, &unit) {
                    refuse(
                        "Units",
                        format!(
                            "'{units}' is not the unit of {indicator} on the platform ({unit})"
                        ),
                    );
                    continue;
                }
                rows.by_state
                    .entry(state)
                    .or_default()
                    .push(Row { line, observation });
            }
            Err((column, message)) => {
                let column = match column {
                    "year" => "Year",
                    "value" => "Value",
                    "dimension" | "category" => dimension.as_str(),
                    other => other,
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

    const REMITTANCES: &str = include_str!("../tests/data/opensdg/armenia_indicator_10-c-1.csv");
    const INJURIES: &str = include_str!("../tests/data/opensdg/armenia_indicator_8-8-1.csv");

    #[test]
    fn the_indicator_comes_from_the_file_name() {
        assert_eq!(
            indicator_of_file_name("data/indicator_10-c-1.csv").as_deref(),
            Some("10.c.1")
        );
        assert_eq!(
            indicator_of_file_name("armenia_indicator_8-8-1.csv").as_deref(),
            Some("8.8.1")
        );
        assert_eq!(
            indicator_of_file_name("indicator_1-1-1.csv"),
            None,
            "not an indicator of the review"
        );
    }

    #[test]
    fn armenias_remittance_costs_import_for_the_years_of_the_cycle()
    -> Result<(), IndicatorFileError> {
        let rows = read(
            "indicator_10-c-1.csv",
            REMITTANCES.as_bytes(),
            "10.c.1",
            "ARM",
            "2026",
            None,
        )?;
        let kept = &rows.by_state["ARM"];
        let years: Vec<i32> = kept.iter().map(|r| r.observation.year).collect();
        assert_eq!(years, [2021, 2022, 2023, 2024]);
        assert_eq!(kept[3].observation.value, 6.6);
        assert_eq!(kept[3].observation.unit, "percent");
        assert_eq!(rows.errors.len(), 5);
        assert!(
            rows.errors
                .iter()
                .all(|e| e.column == "Year" && e.message.contains("outside"))
        );
        assert_eq!(rows.errors[0].line, 2);
        Ok(())
    }

    #[test]
    fn armenias_injury_counts_are_refused_for_their_unit() -> Result<(), IndicatorFileError> {
        let rows = read(
            "indicator_8-8-1.csv",
            INJURIES.as_bytes(),
            "8.8.1",
            "ARM",
            "2026",
            None,
        )?;
        assert!(rows.by_state.is_empty());
        let count = |column: &str| rows.errors.iter().filter(|e| e.column == column).count();
        assert_eq!((count("Year"), count("Units"), count("Value")), (18, 14, 1));
        assert_eq!(rows.errors.len(), 33);
        Ok(())
    }

    /// Armenia's 10.c.1 values in `text`, and the (line, column) of each
    /// refusal.
    fn refusals(text: &str) -> Result<(Rows, Vec<(u64, String)>), IndicatorFileError> {
        let rows = read(
            "indicator_10-c-1.csv",
            text.as_bytes(),
            "10.c.1",
            "ARM",
            "2026",
            None,
        )?;
        let at = rows
            .errors
            .iter()
            .map(|e| (e.line, e.column.clone()))
            .collect();
        Ok((rows, at))
    }

    #[test]
    fn what_only_this_format_can_hold_is_refused() -> Result<(), IndicatorFileError> {
        let (_, at) = refusals(
            "Year,Series,Units,GeoCode,Sex,Age,Type of occupation,Value\n\
             2024,A,%,,female,,,5\n\
             2024,B,%,,,,,6\n\
             2024,A,%,AM-ER,,,,7\n",
        )?;
        assert_eq!(
            at,
            [
                (2, "Series".into()),
                (3, "Series".into()),
                (4, "GeoCode".into())
            ]
        );
        let (rows, at) = refusals(
            "Year,Sex,Age,Type of occupation,Value\n2024,female,15-24,,5\n2024,,,clerks,6\n2024,male,,,7\n",
        )?;
        assert_eq!(at, [(2, "Sex".into()), (3, "Type of occupation".into())]);
        assert_eq!(rows.by_state["ARM"][0].observation.category, "male");
        Ok(())
    }
}
