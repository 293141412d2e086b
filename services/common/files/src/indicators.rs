//! Indicator observations as a CSV file, one row per State, indicator,
//! year, disaggregation and value: read and checked the same way wherever
//! the file arrives (`imrfctl report import-indicators`, the console's
//! upload). Every row is checked against the reference data (Member State,
//! indicator, year within the cycle's window, dimension, value in range),
//! and a problem is named by line and column. The rows are merged into a
//! State's report; the service's refusal of a merged observation is traced
//! back to the row it came from.

use std::collections::{BTreeMap, HashMap};
use std::io::Read;

use imrf_gcm::refdata::{MEMBER_STATE_COUNT, reference};
use imrf_gcm::validate::LIST_MAX_ITEMS;
use imrf_proto::v1::{DisaggregationDimension, IndicatorObservation, NationalReport};
use serde::Serialize;

/// The columns a file must have, in any order (and optionally `source`).
pub const COLUMNS: [&str; 6] = [
    "state",
    "indicator",
    "year",
    "dimension",
    "category",
    "value",
];

/// The most rows an indicator file may hold: every Member State's report
/// full of observations. A longer file could not be imported whole, so it
/// is refused before more of it is read.
pub const MAX_ROWS: usize = MEMBER_STATE_COUNT * LIST_MAX_ITEMS;

/// Why a file could not be read as indicator rows at all.
#[derive(Debug, thiserror::Error)]
pub enum IndicatorFileError {
    /// The file is not CSV, or its header cannot be read.
    #[error("{name}: cannot read: {problem}")]
    Unreadable {
        /// The file's name.
        name: String,
        /// What the CSV reader said.
        problem: String,
    },
    /// An Open SDG file's header lacks Year or Value.
    #[error(
        "{name}: line 1: no '{column}' column; an Open SDG file names Year and Value, and optionally Series, Units, GeoCode and a column per disaggregation"
    )]
    MissingOpenSdgColumn {
        /// The file's name.
        name: String,
        /// The column not found.
        column: &'static str,
    },
    /// An SDMX-CSV file's header lacks a column.
    #[error(
        "{name}: line 1: no '{column}' column; an SDMX-CSV file names SERIES (or INDICATOR), REF_AREA, TIME_PERIOD and OBS_VALUE, and optionally a column per dimension and attribute"
    )]
    MissingSdmxColumn {
        /// The file's name.
        name: String,
        /// The column not found.
        column: &'static str,
    },
    /// The file holds more rows than any import can take.
    #[error(
        "{name}: line {line}: more than {max} rows, more than every Member State's report can hold; split the file"
    )]
    TooManyRows {
        /// The file's name.
        name: String,
        /// The line of the first row past the limit.
        line: u64,
        /// The most rows a file may hold.
        max: usize,
    },
    /// The header lacks a column.
    #[error("{name}: line 1: no '{column}' column; the header must name {}", COLUMNS.join(","))]
    MissingColumn {
        /// The file's name.
        name: String,
        /// The column not found.
        column: &'static str,
    },
}

/// A problem with one row.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct RowError {
    /// Line in the file (the header is line 1).
    pub line: u64,
    /// Column at fault (empty when the row itself cannot be read).
    pub column: String,
    /// What is wrong.
    pub message: String,
}

/// A row that passed every check, with the line it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// Line in the file.
    pub line: u64,
    /// The observation it gives.
    pub observation: IndicatorObservation,
}

/// What a file gave: the valid rows by State (ISO3), and the problems of
/// the others.
#[derive(Debug, Clone, Default)]
pub struct Rows {
    /// Valid rows, by State.
    pub by_state: BTreeMap<String, Vec<Row>>,
    /// The rows refused, in the file's order.
    pub errors: Vec<RowError>,
}

/// A disaggregation dimension as people write it: empty or `total` for a
/// total, otherwise its name (`sex`, `migration status`, `migration_status`)
/// or the contract's, as a YAML report writes it
/// (`DISAGGREGATION_DIMENSION_SEX`).
pub fn parse_dimension(text: &str) -> Option<DisaggregationDimension> {
    let text = text.trim();
    let text = text
        .get(..25)
        .filter(|p| p.eq_ignore_ascii_case("DISAGGREGATION_DIMENSION_"))
        .map_or(text, |_| &text[25..]);
    if text.is_empty() || text.eq_ignore_ascii_case("total") {
        return Some(DisaggregationDimension::Unspecified);
    }
    let name = format!(
        "DISAGGREGATION_DIMENSION_{}",
        text.to_ascii_uppercase().replace([' ', '-'], "_")
    );
    DisaggregationDimension::from_str_name(&name)
        .filter(|d| *d != DisaggregationDimension::Unspecified)
}

/// A CSV file as people save it, ready to read: Windows line endings
/// made single (the CSV reader counts lines one too low across them), a
/// byte-order mark dropped, and the separator found from the header: a
/// semicolon where the header has one and no comma, as Excel writes CSV
/// where the decimal mark is a comma.
#[derive(Debug)]
pub(crate) struct Prepared {
    /// The reader of the file's rows.
    pub(crate) reader: csv::Reader<std::io::Cursor<Vec<u8>>>,
    /// Whether values write their decimals after a comma ("85,5").
    pub(crate) decimal_comma: bool,
}

pub(crate) fn prepare(name: &str, mut input: impl Read) -> Result<Prepared, IndicatorFileError> {
    let mut bytes = Vec::new();
    input
        .read_to_end(&mut bytes)
        .map_err(|e| IndicatorFileError::Unreadable {
            name: name.to_string(),
            problem: e.to_string(),
        })?;
    if bytes.starts_with(b"\xef\xbb\xbf") {
        bytes.drain(..3);
    }
    if bytes.contains(&b'\r') {
        let mut single = Vec::with_capacity(bytes.len());
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == b'\r' && bytes.get(i + 1) == Some(&b'\n') {
                i += 1;
                continue;
            }
            single.push(bytes[i]);
            i += 1;
        }
        bytes = single;
    }
    let header = bytes.split(|b| *b == b'\n').next().unwrap_or_default();
    let semicolons = header.contains(&b';') && !header.contains(&b',');
    let reader = csv::ReaderBuilder::new()
        .delimiter(if semicolons { b';' } else { b',' })
        .from_reader(std::io::Cursor::new(bytes));
    Ok(Prepared {
        reader,
        decimal_comma: semicolons,
    })
}

/// A value as the file writes it, with a decimal comma made a point where
/// the file uses them.
pub(crate) fn number_text(text: &str, decimal_comma: bool) -> String {
    if decimal_comma {
        text.replace(',', ".")
    } else {
        text.to_string()
    }
}

/// The position of the column `name` in `headers`, whatever its case.
pub(crate) fn column_index(headers: &csv::StringRecord, name: &str) -> Option<usize> {
    headers
        .iter()
        .position(|h| h.trim().eq_ignore_ascii_case(name))
}

/// The header line of the CSV file `name`.
pub(crate) fn headers_of<R: Read>(
    name: &str,
    reader: &mut csv::Reader<R>,
) -> Result<csv::StringRecord, IndicatorFileError> {
    reader
        .headers()
        .cloned()
        .map_err(|e| IndicatorFileError::Unreadable {
            name: name.to_string(),
            problem: e.to_string(),
        })
}

/// The rows of the CSV file `name`, at most `max`: a row past it refuses
/// the file, naming its line, before the rest is read.
pub(crate) fn records_of<R: Read>(
    name: &str,
    reader: &mut csv::Reader<R>,
    max: usize,
) -> Result<Vec<csv::StringRecord>, IndicatorFileError> {
    let mut records = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| IndicatorFileError::Unreadable {
            name: name.to_string(),
            problem: e.to_string(),
        })?;
        if records.len() == max {
            return Err(IndicatorFileError::TooManyRows {
                name: name.to_string(),
                line: record.position().map_or(0, |p| p.line()),
                max,
            });
        }
        records.push(record);
    }
    Ok(records)
}

/// Reads and checks every row of the file `name` for `cycle` (whose first
/// four characters are its year: values may be from that year and the five
/// before it).
pub fn read(name: &str, input: impl Read, cycle: &str) -> Result<Rows, IndicatorFileError> {
    let Prepared {
        mut reader,
        decimal_comma,
    } = prepare(name, input)?;
    let headers = headers_of(name, &mut reader)?;
    let mut index = HashMap::new();
    for column in COLUMNS {
        let i =
            column_index(&headers, column).ok_or_else(|| IndicatorFileError::MissingColumn {
                name: name.to_string(),
                column,
            })?;
        index.insert(column, i);
    }
    let source_index = column_index(&headers, "source");

    let mut rows = Rows::default();
    for (n, record) in reader.records().enumerate() {
        if n == MAX_ROWS {
            return Err(IndicatorFileError::TooManyRows {
                name: name.to_string(),
                line: record
                    .as_ref()
                    .ok()
                    .and_then(|r| r.position())
                    .map_or(0, |p| p.line()),
                max: MAX_ROWS,
            });
        }
        let record = match record {
            Ok(record) => record,
            Err(err) => {
                rows.errors.push(RowError {
                    line: err.position().map_or(0, |p| p.line()),
                    column: String::new(),
                    message: err.to_string(),
                });
                continue;
            }
        };
        let line = record.position().map_or(0, |p| p.line());
        let cell = |column: &str| {
            index
                .get(column)
                .and_then(|i| record.get(*i))
                .unwrap_or("")
                .trim()
        };
        let value = number_text(cell("value"), decimal_comma);
        let cells = Cells {
            state: cell("state"),
            indicator: cell("indicator"),
            year: cell("year"),
            dimension: cell("dimension"),
            category: cell("category"),
            value: &value,
        };
        match check(&cells, cycle) {
            Ok((state, mut observation)) => {
                observation.source = source_index
                    .and_then(|i| record.get(i))
                    .unwrap_or("")
                    .trim()
                    .to_string();
                rows.by_state
                    .entry(state)
                    .or_default()
                    .push(Row { line, observation });
            }
            Err((column, message)) => rows.errors.push(RowError {
                line,
                column: column.to_string(),
                message,
            }),
        }
    }
    Ok(rows)
}

/// One row's values as a file gives them, whatever its format, before
/// they are checked.
pub(crate) struct Cells<'a> {
    pub(crate) state: &'a str,
    pub(crate) indicator: &'a str,
    pub(crate) year: &'a str,
    /// A dimension as [`parse_dimension`] reads it; empty for a total.
    pub(crate) dimension: &'a str,
    pub(crate) category: &'a str,
    pub(crate) value: &'a str,
}

/// One row's cells as a State and an observation for `cycle` (whose first
/// four characters are its year: values may be from that year and the
/// five before it), or the column at fault (the platform CSV's name) and
/// what is wrong with it.
pub(crate) fn check(
    cells: &Cells,
    cycle: &str,
) -> Result<(String, IndicatorObservation), (&'static str, String)> {
    let cycle_year: Option<i32> = cycle.get(..4).and_then(|y| y.parse().ok());
    let state = cells.state.to_string();
    if reference().member_state(&state).is_none() {
        return Err((
            "state",
            format!("'{state}' is not the ISO3 code of a UN Member State"),
        ));
    }
    let code = cells.indicator.to_string();
    let indicator = reference().indicator(&code).ok_or_else(|| {
        (
            "indicator",
            format!("'{code}' is not an indicator of the review"),
        )
    })?;
    let year = cells
        .year
        .parse::<i32>()
        .map_err(|_| ("year", format!("'{}' is not a year", cells.year)))?;
    if let Some(last) = cycle_year
        && !(last - 5..=last).contains(&year)
    {
        return Err((
            "year",
            format!(
                "{year} is outside the reporting window of cycle {cycle} ({}-{last})",
                last - 5
            ),
        ));
    }
    let dimension = parse_dimension(cells.dimension).ok_or_else(|| {
        (
            "dimension",
            format!("'{}' is not a disaggregation dimension", cells.dimension),
        )
    })?;
    let category = cells.category.to_string();
    if dimension == DisaggregationDimension::Unspecified && !category.is_empty() {
        return Err(("category", "must be empty for a total".into()));
    }
    if dimension != DisaggregationDimension::Unspecified && category.is_empty() {
        return Err(("category", "is required when dimension is set".into()));
    }
    let value = cells
        .value
        .parse::<f64>()
        .map_err(|_| ("value", format!("'{}' is not a number", cells.value)))?;
    if !indicator.in_range(value) {
        return Err((
            "value",
            format!("{value} is out of range for {code} ({})", indicator.unit),
        ));
    }
    Ok((
        state,
        IndicatorObservation {
            indicator_code: code,
            value,
            unit: indicator.unit.clone(),
            year,
            dimension: dimension as i32,
            category,
            source: String::new(),
        },
    ))
}

/// What makes two observations the same one: indicator, year and
/// disaggregation.
type Key = (String, i32, i32, String);

fn key(o: &IndicatorObservation) -> Key {
    (
        o.indicator_code.clone(),
        o.year,
        o.dimension,
        o.category.clone(),
    )
}

/// Merges `observations` into `report`: an observation of the same
/// indicator, year, dimension and category is replaced where it stood, and
/// new ones follow in their order.
pub fn merge(report: &mut NationalReport, observations: &[IndicatorObservation]) {
    let mut merged: HashMap<Key, IndicatorObservation> = HashMap::new();
    let mut order = Vec::new();
    for o in report.indicators.iter().chain(observations) {
        let k = key(o);
        if !merged.contains_key(&k) {
            order.push(k.clone());
        }
        merged.insert(k, o.clone());
    }
    report.indicators = order
        .into_iter()
        .filter_map(|k| merged.remove(&k))
        .collect();
}

/// Whether `report` already holds `observation` as it is: a row that
/// would change nothing when merged.
pub fn already_present(report: &NationalReport, observation: &IndicatorObservation) -> bool {
    report.indicators.iter().any(|o| o == observation)
}

/// The service's field violations of the merged `report`, traced back to
/// `rows`: each violation of an observation a row gave becomes that row's
/// error. A violation of anything else is the report's, not a row's, and is
/// returned as it came, in `Err`.
pub fn refused_rows(
    violations: &[(String, String)],
    report: &NationalReport,
    rows: &[Row],
) -> Result<Vec<RowError>, (String, String)> {
    let line_of: HashMap<Key, u64> = rows.iter().map(|r| (key(&r.observation), r.line)).collect();
    let mut errors = Vec::new();
    for (field, description) in violations {
        let line = field
            .strip_prefix("report.indicators[")
            .and_then(|rest| rest.split(']').next())
            .and_then(|i| i.parse::<usize>().ok())
            .and_then(|i| report.indicators.get(i))
            .and_then(|o| line_of.get(&key(o)).copied());
        match line {
            Some(line) => errors.push(RowError {
                line,
                column: field.rsplit('.').next().unwrap_or("").to_string(),
                message: description.clone(),
            }),
            None => return Err((field.clone(), description.clone())),
        }
    }
    errors.sort_by_key(|e| e.line);
    Ok(errors)
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "state,indicator,year,dimension,category,value,source\n";

    fn read_text(text: &str) -> Rows {
        read("obs.csv", text.as_bytes(), "2026").unwrap_or_default()
    }

    #[test]
    fn rows_are_checked_and_named_by_line_and_column() {
        let rows = read_text(&format!(
            "{HEADER}KEN,10.7.2,2025,,,85,NSO\nXXX,10.7.2,2025,,,85,\nKEN,10.7.2,2019,,,85,\nKEN,10.7.2,2025,sex,,85,\nKEN,10.7.2,2025,sex,female,abc,\n"
        ));
        let kept = &rows.by_state["KEN"];
        assert_eq!(kept.len(), 1);
        assert_eq!(kept[0].line, 2);
        assert_eq!(kept[0].observation.source, "NSO");
        let at: Vec<(u64, &str)> = rows
            .errors
            .iter()
            .map(|e| (e.line, e.column.as_str()))
            .collect();
        assert_eq!(
            at,
            [(3, "state"), (4, "year"), (5, "category"), (6, "value")]
        );
    }

    #[test]
    fn windows_line_endings_give_the_same_lines() {
        let unix = read_text(&format!(
            "{HEADER}KEN,10.7.2,2025,,,85,\nXXX,10.7.2,2025,,,85,\n"
        ));
        let windows = read_text(
            &format!("{HEADER}KEN,10.7.2,2025,,,85,\nXXX,10.7.2,2025,,,85,\n")
                .replace('\n', "\r\n"),
        );
        assert_eq!(unix.errors[0].line, 3);
        assert_eq!(windows.errors[0].line, 3);
        assert_eq!(windows.by_state["KEN"][0].line, 2);
    }

    #[test]
    fn semicolons_and_decimal_commas_as_excel_writes_them_are_read() {
        let rows = read_text(
            "state;indicator;year;dimension;category;value\r\nKEN;10.c.1;2025;sex;female;4,25\r\nKEN;10.c.1;2024;DISAGGREGATION_DIMENSION_SEX;male;x\r\n",
        );
        let kept = &rows.by_state["KEN"];
        assert_eq!(kept[0].observation.value, 4.25);
        assert_eq!(kept[0].observation.category, "female");
        assert_eq!(
            rows.errors
                .iter()
                .map(|e| (e.line, e.column.as_str()))
                .collect::<Vec<_>>(),
            [(3, "value")]
        );
    }

    #[test]
    fn a_missing_column_is_named() {
        let err = read("obs.csv", "state,indicator,year\n".as_bytes(), "2026")
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains("no 'dimension' column"), "{err}");
    }

    #[test]
    fn a_file_longer_than_any_import_can_take_is_refused_at_the_row_past_the_limit() {
        let text = format!(
            "{HEADER}KEN,10.7.2,2025,,,85,\nKEN,10.7.2,2024,,,85,\nKEN,10.7.2,2023,,,85,\n"
        );
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let err = records_of("obs.csv", &mut reader, 2)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert_eq!(
            err,
            "obs.csv: line 4: more than 2 rows, more than every Member State's report can hold; split the file"
        );
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        assert_eq!(
            records_of("obs.csv", &mut reader, 3).map(|r| r.len()).ok(),
            Some(3)
        );
        assert_eq!(MAX_ROWS, 193_000);
    }

    #[test]
    fn merge_replaces_in_place_and_appends_new() {
        let obs = |year: i32, value: f64| IndicatorObservation {
            indicator_code: "10.7.2".into(),
            year,
            value,
            ..Default::default()
        };
        let mut report = NationalReport {
            indicators: vec![obs(2024, 1.0), obs(2025, 2.0)],
            ..Default::default()
        };
        merge(&mut report, &[obs(2025, 3.0), obs(2023, 4.0)]);
        let values: Vec<f64> = report.indicators.iter().map(|o| o.value).collect();
        assert_eq!(values, [1.0, 3.0, 4.0]);
    }

    #[test]
    fn a_refusal_goes_back_to_its_row_or_to_the_report() {
        let rows = read_text(&format!(
            "{HEADER}KEN,10.7.2,2025,,,85,\nKEN,10.7.2,2024,,,86,\n"
        ));
        let mut report = NationalReport::default();
        let kept = &rows.by_state["KEN"];
        merge(
            &mut report,
            &kept
                .iter()
                .map(|r| r.observation.clone())
                .collect::<Vec<_>>(),
        );
        let violations = [(
            "report.indicators[1].source".to_string(),
            "is required".to_string(),
        )];
        assert_eq!(
            refused_rows(&violations, &report, kept),
            Ok(vec![RowError {
                line: 3,
                column: "source".into(),
                message: "is required".into()
            }])
        );
        let other = [("report.title".to_string(), "is required".to_string())];
        assert!(refused_rows(&other, &report, kept).is_err());
    }
}
