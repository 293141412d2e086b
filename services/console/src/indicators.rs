//! A Member State's indicator values, uploaded as the CSV file
//! `imrfctl report import-indicators` takes and read by the same importer
//! (`imrf_files::indicators`). Unlike the command, which keeps the good rows
//! of a large multi-State file, a focal point sends one file for one report
//! and corrects it: any row refused, here or by the service, and nothing is
//! recorded; the page lists every problem by line and column.

use askama::Template;
use axum::extract::{Extension, Path, State as Extract};
use axum::response::Response;
use imrf_files::indicators::{self, RowError};
use imrf_platform::error::field_violations;
use imrf_proto::v1::{GetNationalReportRequest, IndicatorObservation, NationalReportRecord};
use tonic::Code;

use crate::State;
use crate::i18n;
use crate::labels;
use crate::problem::{Problem, failed_page};
use crate::web::{
    Chrome, Upload, Visitor, render, render_with, request_id, request_id_of, see_other,
};

#[derive(Template)]
#[template(path = "report_indicators.html")]
struct UploadPage {
    chrome: Chrome,
    report_id: String,
    title: String,
    state_name: String,
    cycle: String,
    window: String,
    revision: u32,
    request_id: String,
    columns: String,
    problem: Problem,
    rows: Vec<RowError>,
    /// Said when nothing needed sending.
    notice: String,
}

impl UploadPage {
    fn lede(&self) -> String {
        i18n::with(
            self.chrome.lang,
            "indicators-lede",
            &[
                ("state", self.state_name.clone().into()),
                ("revision", self.revision.to_string().into()),
            ],
        )
    }

    fn hint(&self) -> String {
        i18n::with(
            self.chrome.lang,
            "indicators-hint",
            &[
                ("columns", self.columns.clone().into()),
                ("window", self.window.clone().into()),
                ("cycle", self.cycle.clone().into()),
            ],
        )
    }
}

/// The report of `id` at `revision` (0 for the latest), as the visitor may
/// see it.
async fn record_of(
    state: &State,
    visitor: &Visitor,
    id: &str,
    revision: u32,
) -> Result<NationalReportRecord, tonic::Status> {
    let request = GetNationalReportRequest {
        report_id: id.to_string(),
        revision,
    };
    state
        .backend
        .national(visitor)
        .get_national_report(request)
        .await
        .map(|r| r.into_inner().record.unwrap_or_default())
}

fn page_of(visitor: &Visitor, record: &NationalReportRecord, request_id: String) -> UploadPage {
    let report = record.report.clone().unwrap_or_default();
    let last: Option<i32> = report.cycle_id.get(..4).and_then(|y| y.parse().ok());
    UploadPage {
        chrome: visitor.chrome(visitor.t("add-indicators")),
        report_id: record.report_id.clone(),
        title: report.title,
        state_name: labels::country(&report.state),
        window: last.map_or_else(String::new, |y| format!("{}–{y}", y - 5)),
        cycle: report.cycle_id,
        revision: record.meta.as_ref().map_or(0, |m| m.revision),
        request_id,
        columns: indicators::COLUMNS.join(","),
        problem: Problem::default(),
        rows: Vec::new(),
        notice: String::new(),
    }
}

pub(crate) async fn form(
    Extract(state): Extract<State>,
    Extension(visitor): Extension<Visitor>,
    Path(id): Path<String>,
) -> Response {
    match record_of(&state, &visitor, &id, 0).await {
        Ok(record) => render(&page_of(&visitor, &record, request_id())),
        Err(status) => failed_page(&visitor, &status),
    }
}

pub(crate) async fn upload(
    Extract(state): Extract<State>,
    Extension(visitor): Extension<Visitor>,
    Path(id): Path<String>,
    upload: Upload,
) -> Response {
    let form = &upload.form;
    // The revision the form was opened on: the values are added to that
    // one, so sending the form again computes the same revision and the
    // same request, which the service then answers once.
    let expected: u32 = form.text("expected_revision").parse().unwrap_or(0);
    let record = match record_of(&state, &visitor, &id, expected).await {
        Ok(record) => record,
        Err(status) => return failed_page(&visitor, &status),
    };
    let mut page = page_of(&visitor, &record, request_id_of(form));
    let refuse = |mut page: UploadPage, problem: Problem, rows: Vec<RowError>| {
        let status = problem.status();
        page.problem = problem;
        page.rows = rows;
        render_with(status, &page)
    };
    let Some((name, bytes)) = &upload.file else {
        return refuse(
            page,
            Problem::with_summary(&visitor.t("choose-csv-file")),
            Vec::new(),
        );
    };
    let mut report = record.report.clone().unwrap_or_default();
    let read = match indicators::read(name, bytes.as_slice(), &report.cycle_id) {
        Ok(read) => read,
        Err(e) => {
            return refuse(
                page,
                Problem::with_summary(&visitor.t1("file-unreadable", "problem", &e)),
                Vec::new(),
            );
        }
    };
    let mut errors = read.errors;
    let mut observations: Vec<IndicatorObservation> = Vec::new();
    let mut rows = Vec::new();
    for (iso3, state_rows) in read.by_state {
        if iso3 == report.state {
            observations.extend(state_rows.iter().map(|r| r.observation.clone()));
            rows = state_rows;
        } else {
            errors.extend(state_rows.iter().map(|r| RowError {
                line: r.line,
                column: "state".into(),
                message: i18n::with(
                    visitor.lang,
                    "csv-other-state",
                    &[
                        ("other", iso3.clone().into()),
                        ("state", labels::country(&report.state).into()),
                        ("code", report.state.clone().into()),
                    ],
                ),
            }));
        }
    }
    if !errors.is_empty() {
        errors.sort_by_key(|e| e.line);
        let summary = rows_summary(visitor.lang, errors.len());
        return refuse(page, Problem::with_summary(&summary), errors);
    }
    if rows.is_empty() {
        return refuse(
            page,
            Problem::with_summary(&visitor.t("csv-no-rows")),
            Vec::new(),
        );
    }
    let before = report.indicators.clone();
    indicators::merge(&mut report, &observations);
    if report.indicators == before {
        page.notice = visitor.t1("csv-nothing-new", "revision", &page.revision);
        return render(&page);
    }
    let sent = crate::reports::send(
        &state,
        &visitor,
        request_id_of(form),
        report.clone(),
        Some(page.revision),
    )
    .await;
    match sent {
        Ok(id) => see_other(&format!("/reports/{id}")),
        Err(status) if status.code() == Code::InvalidArgument => {
            match indicators::refused_rows(&field_violations(&status), &report, &rows) {
                Ok(errors) if !errors.is_empty() => {
                    let summary = rows_summary(visitor.lang, errors.len());
                    refuse(page, Problem::with_summary(&summary), errors)
                }
                _ => refuse(
                    page,
                    Problem::from_status(visitor.lang, &status),
                    Vec::new(),
                ),
            }
        }
        Err(status) => refuse(
            page,
            Problem::from_status(visitor.lang, &status),
            Vec::new(),
        ),
    }
}

fn rows_summary(lang: i18n::Lang, n: usize) -> String {
    i18n::with(lang, "csv-rows-to-correct", &[("count", n.into())])
}
