//! A national report as the Excel workbook focal points fill in: the
//! template to download, for the visitor's State and a cycle, and the
//! upload of the filled workbook, read by the same reader as
//! `imrfctl report submit file.xlsx` (`imrf_files::workbook`). A workbook
//! with any problem is refused whole, every problem named by sheet and
//! cell; a good one is submitted as the report, or as the next revision of
//! the State's report of that cycle and kind.

use askama::Template;
use axum::body::Body;
use axum::extract::{Extension, RawQuery, State as Extract};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use imrf_files::workbook::{self, CellProblem, WorkbookError};
use imrf_proto::v1::{ListNationalReportsRequest, SubmitNationalReportRequest};

use crate::State;
use crate::labels::Choice;
use crate::problem::{Problem, failed_page};
use crate::web::{
    Chrome, Form, Upload, Visitor, message_page, render, render_with, request_id, request_id_of,
    see_other,
};

#[derive(Template)]
#[template(path = "report_workbook.html")]
struct WorkbookPage {
    chrome: Chrome,
    state_name: String,
    cycles: Vec<Choice>,
    request_id: String,
    problem: Problem,
    cells: Vec<CellProblem>,
}

fn not_a_state(visitor: &Visitor) -> Response {
    message_page(
        Some(visitor),
        StatusCode::FORBIDDEN,
        &visitor.t("not-a-state"),
        &visitor.t("not-a-state-detail"),
    )
}

async fn page(state: &State, visitor: &Visitor, iso3: &str, request_id: String) -> WorkbookPage {
    WorkbookPage {
        chrome: visitor.chrome(visitor.t("workbook-page")),
        state_name: crate::labels::country(iso3),
        cycles: crate::reports::open_cycles(state, visitor).await,
        request_id,
        problem: Problem::default(),
        cells: Vec::new(),
    }
}

/// `GET /reports/workbook`: the page to download the template and upload
/// the filled workbook.
pub(crate) async fn form(
    Extract(state): Extract<State>,
    Extension(visitor): Extension<Visitor>,
) -> Response {
    let Some(iso3) = visitor.state().map(str::to_string) else {
        return not_a_state(&visitor);
    };
    render(&page(&state, &visitor, &iso3, request_id()).await)
}

/// `GET /reports/template?cycle=2026`: the template for the visitor's State.
pub(crate) async fn template(
    Extension(visitor): Extension<Visitor>,
    RawQuery(raw): RawQuery,
) -> Response {
    let Some(iso3) = visitor.state().map(str::to_string) else {
        return not_a_state(&visitor);
    };
    let cycle = Form::parse(raw.unwrap_or_default().as_bytes()).text("cycle");
    if !imrf_gcm::validate::is_cycle_id(&cycle) {
        return message_page(
            Some(&visitor),
            StatusCode::BAD_REQUEST,
            &visitor.t("failed-address"),
            &visitor.t("workbook-choose-cycle"),
        );
    }
    match workbook::national_template(&cycle, &iso3) {
        Ok(bytes) => xlsx(bytes, &format!("national-report-{cycle}-{iso3}.xlsx")),
        Err(e) => {
            tracing::error!(error = %e, "template not written");
            message_page(
                Some(&visitor),
                StatusCode::INTERNAL_SERVER_ERROR,
                &visitor.t("failed-internal"),
                &visitor.t("failed-internal-detail"),
            )
        }
    }
}

/// A workbook as a download named `file`.
pub(crate) fn xlsx(bytes: Vec<u8>, file: &str) -> Response {
    let mut response = Response::new(Body::from(bytes));
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
    );
    if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{file}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    response
}

/// `POST /reports/workbook`: the filled workbook.
pub(crate) async fn upload(
    Extract(state): Extract<State>,
    Extension(visitor): Extension<Visitor>,
    upload: Upload,
) -> Response {
    let Some(iso3) = visitor.state().map(str::to_string) else {
        return not_a_state(&visitor);
    };
    let form = &upload.form;
    let mut shown = page(&state, &visitor, &iso3, request_id_of(form)).await;
    let refuse = |mut shown: WorkbookPage, problem: Problem, cells: Vec<CellProblem>| {
        let status = problem.status();
        shown.problem = problem;
        shown.cells = cells;
        render_with(status, &shown)
    };
    let Some((name, bytes)) = &upload.file else {
        return refuse(
            shown,
            Problem::with_summary(&visitor.t("workbook-choose-file")),
            Vec::new(),
        );
    };
    let report = match workbook::national_report(name, bytes) {
        Ok(report) => report,
        Err(WorkbookError::Refused { problems, .. }) => {
            let summary = visitor.lang.tn("workbook-refused", &problems.len());
            return refuse(shown, Problem::with_summary(&summary), problems);
        }
        Err(e) => {
            return refuse(
                shown,
                Problem::with_summary(&visitor.t1("file-unreadable", "problem", &e)),
                Vec::new(),
            );
        }
    };
    if report.state != iso3 {
        let summary = visitor.t1("workbook-other-state", "state", &report.state);
        return refuse(shown, Problem::with_summary(&summary), Vec::new());
    }
    // The report of this cycle and kind, if the State has one: the
    // workbook is its next revision.
    let existing = state
        .backend
        .national(&visitor)
        .list_national_reports(ListNationalReportsRequest {
            state: iso3.clone(),
            page_size: 100,
            ..Default::default()
        })
        .await;
    let records = match existing {
        Ok(r) => r.into_inner().records,
        Err(status) => return failed_page(&visitor, &status),
    };
    let expected = records
        .iter()
        .find(|r| {
            r.report
                .as_ref()
                .is_some_and(|p| p.cycle_id == report.cycle_id && p.kind == report.kind)
        })
        .and_then(|r| r.meta.as_ref())
        .map(|m| m.revision);
    let request = SubmitNationalReportRequest {
        request_id: request_id_of(form),
        report: Some(report),
        expected_revision: expected,
    };
    match state
        .backend
        .national(&visitor)
        .submit_national_report(request)
        .await
    {
        Ok(r) => see_other(&format!("/reports/{}", r.into_inner().report_id)),
        Err(status) => {
            shown.request_id = request_id_of(form);
            refuse(
                shown,
                Problem::from_status(visitor.lang, &status),
                Vec::new(),
            )
        }
    }
}
