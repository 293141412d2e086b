//! `imrfctl report import-indicators`: indicator observations from a CSV
//! file, added to the Member States' existing reports. Every row is checked
//! locally (Member State, indicator, year, dimension, value in range) and
//! then by the service; a row with a problem is reported by line and column
//! and left out, and the valid rows of each State are kept in one new
//! revision of its report.

use std::collections::BTreeMap;
use std::path::Path;

use imrf_gcm::refdata::reference;
use imrf_platform::error::field_violations;
use imrf_proto::v1::{
    DisaggregationDimension, GetNationalReportRequest, IndicatorObservation, ReportKind,
    SubmitNationalReportRequest, SubmitNationalReportResponse,
};
use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;
use tonic::Code;

use crate::input;
use crate::outcome::Failure;
use crate::report::{merge, parse_dimension};
use crate::{Output, print_json};

const COLUMNS: [&str; 6] = [
    "state",
    "indicator",
    "year",
    "dimension",
    "category",
    "value",
];

/// A problem with one row.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct RowError {
    /// Line in the file (the header is line 1).
    pub line: u64,
    /// Column at fault.
    pub column: String,
    /// What is wrong.
    pub message: String,
}

#[derive(Debug, Serialize)]
struct ImportSummary {
    observations_imported: usize,
    observations_already_present: usize,
    reports_revised: Vec<SubmitNationalReportResponse>,
    rejected_rows: Vec<RowError>,
}

struct Row {
    line: u64,
    observation: IndicatorObservation,
}

fn column_index(headers: &csv::StringRecord, name: &str) -> Option<usize> {
    headers
        .iter()
        .position(|h| h.trim().eq_ignore_ascii_case(name))
}

/// The valid rows of a file, by State.
type RowsByState = BTreeMap<String, Vec<Row>>;

/// Reads and checks every row; returns the valid rows by State and the
/// errors of the others.
fn read_rows(path: &Path, cycle: &str) -> Result<(RowsByState, Vec<RowError>), Failure> {
    let shown = path.display();
    let mut reader = csv::Reader::from_path(path)
        .map_err(|e| Failure::Input(format!("{shown}: cannot read: {e}")))?;
    let headers = reader
        .headers()
        .map_err(|e| Failure::Input(format!("{shown}: {e}")))?
        .clone();
    let mut index = BTreeMap::new();
    for name in COLUMNS {
        let i = column_index(&headers, name).ok_or_else(|| {
            Failure::Input(format!(
                "{shown}: line 1: no '{name}' column; the header must name {}",
                COLUMNS.join(",")
            ))
        })?;
        index.insert(name, i);
    }
    let source_index = column_index(&headers, "source");
    let cycle_year: Option<i32> = cycle.get(..4).and_then(|y| y.parse().ok());

    let mut rows: BTreeMap<String, Vec<Row>> = BTreeMap::new();
    let mut errors = Vec::new();
    for record in reader.records() {
        let record = match record {
            Ok(record) => record,
            Err(err) => {
                let line = err.position().map_or(0, |p| p.line());
                errors.push(RowError {
                    line,
                    column: String::new(),
                    message: err.to_string(),
                });
                continue;
            }
        };
        let line = record.position().map_or(0, |p| p.line());
        let cell = |name: &str| record.get(index[name]).unwrap_or("").trim().to_string();
        let mut fail = |column: &str, message: String| {
            errors.push(RowError {
                line,
                column: column.to_string(),
                message,
            });
        };
        let state = cell("state");
        if reference().member_state(&state).is_none() {
            fail(
                "state",
                format!("'{state}' is not the ISO3 code of a UN Member State"),
            );
            continue;
        }
        let code = cell("indicator");
        let Some(indicator) = reference().indicator(&code) else {
            fail(
                "indicator",
                format!("'{code}' is not an indicator of the review"),
            );
            continue;
        };
        let Ok(year) = cell("year").parse::<i32>() else {
            fail("year", format!("'{}' is not a year", cell("year")));
            continue;
        };
        if let Some(last) = cycle_year
            && !(last - 5..=last).contains(&year)
        {
            fail(
                "year",
                format!(
                    "{year} is outside the reporting window of cycle {cycle} ({}-{last})",
                    last - 5
                ),
            );
            continue;
        }
        let Some(dimension) = parse_dimension(&cell("dimension")) else {
            fail(
                "dimension",
                format!("'{}' is not a disaggregation dimension", cell("dimension")),
            );
            continue;
        };
        let category = cell("category");
        if dimension == DisaggregationDimension::Unspecified && !category.is_empty() {
            fail("category", "must be empty for a total".into());
            continue;
        }
        if dimension != DisaggregationDimension::Unspecified && category.is_empty() {
            fail("category", "is required when dimension is set".into());
            continue;
        }
        let Ok(value) = cell("value").parse::<f64>() else {
            fail("value", format!("'{}' is not a number", cell("value")));
            continue;
        };
        if !indicator.in_range(value) {
            fail(
                "value",
                format!("{value} is out of range for {code} ({})", indicator.unit),
            );
            continue;
        }
        rows.entry(state).or_default().push(Row {
            line,
            observation: IndicatorObservation {
                indicator_code: code,
                value,
                unit: indicator.unit.clone(),
                year,
                dimension: dimension as i32,
                category,
                source: source_index
                    .and_then(|i| record.get(i))
                    .unwrap_or("")
                    .trim()
                    .to_string(),
            },
        });
    }
    Ok((rows, errors))
}

fn key(o: &IndicatorObservation) -> (String, i32, i32, String) {
    (
        o.indicator_code.clone(),
        o.year,
        o.dimension,
        o.category.clone(),
    )
}

/// Imports `path` into the reports of `kind` in `cycle`.
pub async fn run(
    path: &Path,
    cycle: &str,
    kind: ReportKind,
    url: &str,
    output: Output,
) -> Result<(), Failure> {
    let (rows, mut errors) = read_rows(path, cycle)?;
    let mut client =
        imrf_proto::v1::national_report_aggregation_client::NationalReportAggregationClient::new(
            crate::session::channel(url).await?,
        );
    let progress = ProgressBar::new(rows.len() as u64);
    progress.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} States {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let mut revised = Vec::new();
    let mut imported = 0;
    let mut unchanged = 0;
    for (state, mut state_rows) in rows {
        progress.set_message(state.clone());
        let report_id = format!("{cycle}-{state}-{}", crate::report::kind_code(kind));
        // Two rounds at most: the second without the rows the service refused.
        for _round in 0..2 {
            if state_rows.is_empty() {
                break;
            }
            let identity = format!("state:{state}");
            let current = match client
                .get_national_report(crate::session::on_behalf_of(
                    &identity,
                    GetNationalReportRequest {
                        report_id: report_id.clone(),
                        revision: 0,
                    },
                )?)
                .await
            {
                Ok(response) => response.into_inner().record.unwrap_or_default(),
                Err(status) if status.code() == Code::NotFound => {
                    errors.extend(state_rows.iter().map(|r| RowError {
                        line: r.line,
                        column: "state".into(),
                        message: format!(
                            "{state} has no report {report_id}; submit the report first"
                        ),
                    }));
                    state_rows.clear();
                    break;
                }
                Err(status) => return Err(Failure::from_status(status, None)),
            };
            let revision = current.meta.as_ref().map_or(0, |m| m.revision);
            let mut report = current.report.unwrap_or_default();
            let observations: Vec<IndicatorObservation> =
                state_rows.iter().map(|r| r.observation.clone()).collect();
            let before = report.clone();
            merge(&mut report, &observations);
            if report == before {
                // Imported before: a new revision would change nothing.
                unchanged += state_rows.len();
                break;
            }
            let line_of: BTreeMap<_, u64> = state_rows
                .iter()
                .map(|r| (key(&r.observation), r.line))
                .collect();
            let request = SubmitNationalReportRequest {
                request_id: String::new(),
                report: Some(report.clone()),
                expected_revision: Some(revision),
            };
            let request = SubmitNationalReportRequest {
                request_id: input::request_id_for("import-indicators", &request, ""),
                ..request
            };
            match client
                .submit_national_report(crate::session::on_behalf_of(&identity, request)?)
                .await
            {
                Ok(response) => {
                    imported += state_rows.len();
                    revised.push(response.into_inner());
                    break;
                }
                Err(status) if status.code() == Code::InvalidArgument => {
                    // Map each violation of an observation back to its row.
                    let mut refused = Vec::new();
                    for (field, description) in field_violations(&status) {
                        let index = field
                            .strip_prefix("report.indicators[")
                            .and_then(|rest| rest.split(']').next())
                            .and_then(|i| i.parse::<usize>().ok());
                        let line = index
                            .and_then(|i| report.indicators.get(i))
                            .and_then(|o| line_of.get(&key(o)).copied());
                        match line {
                            Some(line) => {
                                let column = field.rsplit('.').next().unwrap_or("").to_string();
                                refused.push(line);
                                errors.push(RowError {
                                    line,
                                    column,
                                    message: description,
                                });
                            }
                            None => {
                                // Not the rows' fault: the report itself.
                                errors.extend(state_rows.iter().map(|r| RowError {
                                    line: r.line,
                                    column: "state".into(),
                                    message: format!(
                                        "{report_id} was refused: {field}: {description}"
                                    ),
                                }));
                                state_rows.clear();
                                break;
                            }
                        }
                    }
                    state_rows.retain(|r| !refused.contains(&r.line));
                }
                Err(status) if status.code() == Code::Aborted => continue,
                Err(status) => return Err(Failure::from_status(status, None)),
            }
        }
        progress.inc(1);
    }
    progress.finish_and_clear();
    errors.sort_by_key(|e| e.line);
    let shown = path.display().to_string();
    match output {
        Output::Json => print_json(&ImportSummary {
            observations_imported: imported,
            observations_already_present: unchanged,
            reports_revised: revised.clone(),
            rejected_rows: errors.clone(),
        }),
        Output::Text => {
            println!(
                "imported {imported} observation(s) into {} report(s); {unchanged} already present; {} row(s) rejected",
                revised.len(),
                errors.len()
            );
            for e in &errors {
                eprintln!("{shown}: line {}: {}: {}", e.line, e.column, e.message);
            }
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(Failure::Input(format!(
            "{} row(s) of {shown} rejected; the other rows were imported",
            errors.len()
        )))
    }
}
