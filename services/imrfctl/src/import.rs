//! `imrfctl report import-indicators`: indicator observations from a CSV
//! file (the platform's columns, an Open SDG data file or SDMX-CSV), added to the Member States' existing reports. Every row is checked
//! locally (Member State, indicator, year, dimension, value in range) and
//! then by the service; a row with a problem is reported by line and column
//! and left out, and the valid rows of each State are kept in one new
//! revision of its report.

use std::path::Path;

use imrf_files::indicators::{self, RowError};
use imrf_platform::error::field_violations;
use imrf_proto::v1::{
    GetNationalReportRequest, IndicatorObservation, ReportKind, SubmitNationalReportRequest,
    SubmitNationalReportResponse,
};
use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;
use tonic::Code;

use crate::input;
use crate::outcome::Failure;
use crate::{Output, print_data};

#[derive(Debug, Serialize)]
struct ImportSummary {
    /// Whether nothing was sent (`--dry-run`): the counts are what would
    /// have been imported.
    dry_run: bool,
    observations_imported: usize,
    observations_already_present: usize,
    reports_revised: Vec<SubmitNationalReportResponse>,
    rejected_rows: Vec<RowError>,
}

/// Which kind of file the rows come in.
#[derive(Debug, Clone)]
pub enum Format {
    /// The platform's own columns, any number of States.
    Platform,
    /// A data file of an Open SDG platform: one State's values of one
    /// indicator.
    OpenSdg {
        /// The State the file is of.
        state: String,
        /// The indicator it holds.
        indicator: String,
        /// The series to take, when it holds several.
        series: Option<String>,
    },
    /// SDMX-CSV: any number of States and indicators.
    SdmxCsv {
        /// The series to take, when the file gives an indicator by several.
        series: Option<String>,
    },
}

/// Imports `path` into the reports of `kind` in `cycle`.
pub async fn run(
    path: &Path,
    cycle: &str,
    kind: ReportKind,
    format: &Format,
    dry_run: bool,
    url: &str,
    output: Output,
) -> Result<(), Failure> {
    let shown = path.display().to_string();
    let file = std::fs::File::open(path)
        .map_err(|e| Failure::Input(format!("{shown}: cannot read: {e}")))?;
    let input = std::io::BufReader::new(file);
    let rows = match format {
        Format::Platform => indicators::read(&shown, input, cycle),
        Format::OpenSdg {
            state,
            indicator,
            series,
        } => imrf_files::opensdg::read(&shown, input, indicator, state, cycle, series.as_deref()),
        Format::SdmxCsv { series } => {
            imrf_files::sdmx::read(&shown, input, cycle, series.as_deref())
        }
    }
    .map_err(|e| Failure::Input(e.to_string()))?;
    let mut errors = rows.errors;
    let rows = rows.by_state;
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
    let mut would_revise = 0;
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
            // Rows the report holds as they are were imported before: they
            // are counted as present, and a new revision carries the others.
            let (present, new): (Vec<_>, Vec<_>) = state_rows
                .iter()
                .partition(|r| indicators::already_present(&report, &r.observation));
            if new.is_empty() {
                unchanged += present.len();
                break;
            }
            let observations: Vec<IndicatorObservation> =
                new.iter().map(|r| r.observation.clone()).collect();
            indicators::merge(&mut report, &observations);
            if dry_run {
                unchanged += present.len();
                imported += new.len();
                would_revise += 1;
                break;
            }
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
                    unchanged += present.len();
                    imported += new.len();
                    revised.push(response.into_inner());
                    break;
                }
                Err(status) if status.code() == Code::InvalidArgument => {
                    match indicators::refused_rows(&field_violations(&status), &report, &state_rows)
                    {
                        Ok(refused) => {
                            state_rows.retain(|r| refused.iter().all(|e| e.line != r.line));
                            errors.extend(refused);
                        }
                        Err((field, description)) => {
                            // Not the rows' fault: the report itself.
                            errors.extend(state_rows.iter().map(|r| RowError {
                                line: r.line,
                                column: "state".into(),
                                message: format!("{report_id} was refused: {field}: {description}"),
                            }));
                            state_rows.clear();
                        }
                    }
                }
                Err(status) if status.code() == Code::Aborted => continue,
                Err(status) => return Err(Failure::from_status(status, None)),
            }
        }
        progress.inc(1);
    }
    progress.finish_and_clear();
    errors.sort_by_key(|e| e.line);
    match output {
        Output::Json | Output::Yaml => print_data(
            output,
            &ImportSummary {
                dry_run,
                observations_imported: imported,
                observations_already_present: unchanged,
                reports_revised: revised.clone(),
                rejected_rows: errors.clone(),
            },
        ),
        Output::Text => {
            if dry_run {
                println!(
                    "dry run: would import {imported} observation(s) into {would_revise} report(s); {unchanged} already present; {} row(s) rejected; nothing was sent",
                    errors.len()
                );
            } else {
                println!(
                    "imported {imported} observation(s) into {} report(s); {unchanged} already present; {} row(s) rejected",
                    revised.len(),
                    errors.len()
                );
            }
            for e in &errors {
                eprintln!("{shown}: line {}: {}: {}", e.line, e.column, e.message);
            }
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(Failure::Input(format!(
            "{} row(s) of {shown} rejected; the other rows {}",
            errors.len(),
            if dry_run {
                "would be imported"
            } else {
                "were imported"
            }
        )))
    }
}
