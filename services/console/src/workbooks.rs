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

use crate::State;
use crate::labels::Choice;
use crate::problem::Problem;
use crate::reports::{not_a_state, of_cycle_and_kind, own_reports, send};
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

/// A template download: the workbook `write` makes for the cycle the query
/// names, as the file `name` with its `{cycle}` filled in, plus `.xlsx`.
pub(crate) fn template_download(
    visitor: &Visitor,
    raw: Option<String>,
    name: &str,
    write: impl FnOnce(&str) -> Result<Vec<u8>, WorkbookError>,
) -> Response {
    let cycle = Form::parse(raw.unwrap_or_default().as_bytes()).text("cycle");
    if !imrf_gcm::validate::is_cycle_id(&cycle) {
        return message_page(
            Some(visitor),
            StatusCode::BAD_REQUEST,
            &visitor.t("failed-address"),
            &visitor.t("workbook-choose-cycle"),
        );
    }
    match write(&cycle) {
        Ok(bytes) => xlsx(bytes, &format!("{}.xlsx", name.replace("{cycle}", &cycle))),
        Err(e) => {
            tracing::error!(error = %e, "template not written");
            message_page(
                Some(visitor),
                StatusCode::INTERNAL_SERVER_ERROR,
                &visitor.t("failed-internal"),
                &visitor.t("failed-internal-detail"),
            )
        }
    }
}

/// `GET /reports/template?cycle=2026`: the template for the visitor's State.
pub(crate) async fn template(
    Extension(visitor): Extension<Visitor>,
    RawQuery(raw): RawQuery,
) -> Response {
    let Some(iso3) = visitor.state().map(str::to_string) else {
        return not_a_state(&visitor);
    };
    let name = format!("national-report-{{cycle}}-{iso3}");
    template_download(&visitor, raw, &name, |cycle| {
        workbook::national_template(cycle, &iso3)
    })
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

/// The upload page again, with what was refused.
async fn refused(
    state: &State,
    visitor: &Visitor,
    iso3: &str,
    request_id: String,
    problem: Problem,
    cells: Vec<CellProblem>,
) -> Response {
    let mut shown = page(state, visitor, iso3, request_id).await;
    let status = problem.status();
    shown.problem = problem;
    shown.cells = cells;
    render_with(status, &shown)
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
    let refuse = |problem: Problem, cells: Vec<CellProblem>| {
        refused(&state, &visitor, &iso3, request_id_of(form), problem, cells)
    };
    let Some((name, bytes)) = &upload.file else {
        return refuse(
            Problem::with_summary(&visitor.t("workbook-choose-file")),
            Vec::new(),
        )
        .await;
    };
    let report = match workbook::national_report(name, bytes) {
        Ok(report) => report,
        Err(WorkbookError::Refused { problems, .. }) => {
            let summary = visitor.lang.tn("workbook-refused", &problems.len());
            return refuse(Problem::with_summary(&summary), problems).await;
        }
        Err(e) => {
            let summary = visitor.t1("file-unreadable", "problem", &e);
            return refuse(Problem::with_summary(&summary), Vec::new()).await;
        }
    };
    if report.state != iso3 {
        let summary = visitor.t1("workbook-other-state", "state", &report.state);
        return refuse(Problem::with_summary(&summary), Vec::new()).await;
    }
    // The report of this cycle and kind, if the State has one: the
    // workbook is its next revision.
    let reports = match own_reports(&state, &visitor, &iso3).await {
        Ok(r) => r,
        Err(page) => return page,
    };
    let expected = of_cycle_and_kind(&reports, &report.cycle_id, report.kind)
        .and_then(|r| r.meta.as_ref())
        .map(|m| m.revision);
    match send(&state, &visitor, request_id_of(form), report, expected).await {
        Ok(id) => see_other(&format!("/reports/{id}")),
        Err(status) => refuse(Problem::from_status(visitor.lang, &status), Vec::new()).await,
    }
}
