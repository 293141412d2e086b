//! A regional commission's reviews: the list of its own, a review's page,
//! submitting or revising one by uploading the JSON or YAML file imrfctl
//! takes (read by the same parser, `imrf_files::content`), and withdrawing
//! one, with a confirmation.

use askama::Template;
use axum::extract::{Extension, Path, RawQuery, State as Extract};
use axum::http::StatusCode;
use axum::response::Response;
use imrf_gcm::refdata::{commission_code, commission_name};
use imrf_platform::auth::Role;
use imrf_proto::v1::{
    Commission, GetRegionalReviewRequest, ListRegionalReviewsRequest, RegionalReview,
    RegionalReviewRecord, SubmitRegionalReviewRequest, WithdrawRegionalReviewRequest,
};

use crate::State;
use crate::i18n::{self, Lang};
use crate::labels;
use crate::problem::{Problem, failed_page};
use crate::web::{
    Chrome, Form, Upload, Visitor, message_page, render, render_with, request_id, request_id_of,
    see_other,
};

pub(crate) fn commission_of(visitor: &Visitor) -> Option<Commission> {
    match visitor.caller.as_ref().map(|c| &c.role) {
        Some(Role::Commission(c)) => Some(*c),
        _ => None,
    }
}

pub(crate) fn not_a_commission(visitor: &Visitor) -> Response {
    message_page(
        Some(visitor),
        StatusCode::FORBIDDEN,
        &visitor.t("not-a-commission"),
        &visitor.t("not-a-commission-detail"),
    )
}

#[derive(Debug, Clone)]
struct ReviewRow {
    id: String,
    title: String,
    cycle: String,
    revision: u32,
    accepted: String,
    withdrawn: bool,
}

impl ReviewRow {
    fn of(lang: Lang, r: &RegionalReviewRecord) -> Self {
        let review = r.review.clone().unwrap_or_default();
        let meta = r.meta.clone().unwrap_or_default();
        Self {
            id: r.review_id.clone(),
            title: review.title,
            cycle: review.cycle_id,
            revision: meta.revision,
            accepted: labels::day(lang, meta.accepted_at.as_ref()),
            withdrawn: r.withdrawn,
        }
    }
}

#[derive(Template)]
#[template(path = "reviews.html")]
struct ListPage {
    chrome: Chrome,
    commission: String,
    reviews: Vec<ReviewRow>,
}

pub(crate) async fn list(
    Extract(state): Extract<State>,
    Extension(visitor): Extension<Visitor>,
) -> Response {
    let Some(commission) = commission_of(&visitor) else {
        return not_a_commission(&visitor);
    };
    let request = ListRegionalReviewsRequest {
        commission: commission as i32,
        include_withdrawn: true,
        page_size: 100,
        ..Default::default()
    };
    let records = match state
        .backend
        .regional(&visitor)
        .list_regional_reviews(request)
        .await
    {
        Ok(r) => r.into_inner().records,
        Err(status) => return failed_page(&visitor, &status),
    };
    render(&ListPage {
        chrome: visitor.chrome(visitor.t("nav-reviews")),
        commission: commission_name(commission).to_string(),
        reviews: records
            .iter()
            .map(|r| ReviewRow::of(visitor.lang, r))
            .collect(),
    })
}

#[derive(Template)]
#[template(path = "review_upload.html")]
struct UploadPage {
    chrome: Chrome,
    commission: String,
    code: String,
    request_id: String,
    revise: String,
    expected_revision: u32,
    problem: Problem,
}

impl UploadPage {
    /// "Economic Commission for Europe (ECE)".
    fn commission_named(&self) -> String {
        format!("{} ({})", self.commission, self.code)
    }

    fn next_revision(&self) -> u32 {
        self.expected_revision + 1
    }
}

fn upload_page(
    visitor: &Visitor,
    commission: Commission,
    request_id: String,
    revise: String,
    expected_revision: u32,
    problem: Problem,
) -> UploadPage {
    UploadPage {
        chrome: visitor.chrome(if expected_revision > 0 {
            visitor.t("revise-review-page")
        } else {
            visitor.t("submit-review")
        }),
        commission: commission_name(commission).to_string(),
        code: commission_code(commission).to_string(),
        request_id,
        revise,
        expected_revision,
        problem,
    }
}

/// `GET /reviews/template?cycle=2026`: the workbook for the visitor's
/// commission.
pub(crate) async fn template(
    Extension(visitor): Extension<Visitor>,
    RawQuery(raw): RawQuery,
) -> Response {
    let Some(commission) = commission_of(&visitor) else {
        return not_a_commission(&visitor);
    };
    let name = format!("regional-review-{{cycle}}-{}", commission_code(commission));
    crate::workbooks::template_download(&visitor, raw, &name, |cycle| {
        imrf_files::workbook::regional::template(cycle, commission)
    })
}

/// Sends `review` as the visitor, as the request `request_id` (the form's,
/// so a resend is answered once), revising `expected` when set; the
/// review's id, or the service's refusal.
pub(crate) async fn send(
    state: &State,
    visitor: &Visitor,
    request_id: String,
    review: RegionalReview,
    expected: Option<u32>,
) -> Result<String, tonic::Status> {
    let request = SubmitRegionalReviewRequest {
        request_id,
        review: Some(review),
        expected_revision: expected,
    };
    state
        .backend
        .regional(visitor)
        .submit_regional_review(request)
        .await
        .map(|r| r.into_inner().review_id)
}

pub(crate) async fn upload_form(
    Extension(visitor): Extension<Visitor>,
    RawQuery(raw): RawQuery,
) -> Response {
    let Some(commission) = commission_of(&visitor) else {
        return not_a_commission(&visitor);
    };
    let query = Form::parse(raw.unwrap_or_default().as_bytes());
    render(&upload_page(
        &visitor,
        commission,
        request_id(),
        query.text("revise"),
        query.text("revision").parse().unwrap_or(0),
        Problem::default(),
    ))
}

pub(crate) async fn submit(
    Extract(state): Extract<State>,
    Extension(visitor): Extension<Visitor>,
    upload: Upload,
) -> Response {
    let Some(commission) = commission_of(&visitor) else {
        return not_a_commission(&visitor);
    };
    let form = &upload.form;
    let expected: u32 = form.text("expected_revision").parse().unwrap_or(0);
    let refuse = |problem: Problem| {
        let status = problem.status();
        render_with(
            status,
            &upload_page(
                &visitor,
                commission,
                request_id_of(form),
                form.text("revise"),
                expected,
                problem,
            ),
        )
    };
    let Some((name, bytes)) = &upload.file else {
        return refuse(Problem::with_summary(&visitor.t("choose-review-file")));
    };
    let is_workbook = name.to_ascii_lowercase().ends_with(".xlsx");
    let read = if is_workbook {
        match imrf_files::workbook::regional::review(name, bytes) {
            Ok(review) => Ok(review),
            // Each cell's problem beside its place, as a form's fields are.
            Err(imrf_files::workbook::WorkbookError::Refused { problems, .. }) => {
                let mut problem =
                    Problem::with_summary(&visitor.lang.tn("workbook-refused", &problems.len()));
                problem.fields = problems
                    .iter()
                    .map(|p| (format!("{}!{}", p.sheet, p.cell), p.message.clone()))
                    .collect();
                return refuse(problem);
            }
            Err(e) => Err(e.to_string()),
        }
    } else {
        std::str::from_utf8(bytes)
            .map_err(|_| visitor.t1("not-utf8", "name", name))
            .and_then(|text| imrf_files::content(name, text).map_err(|e| e.to_string()))
    };
    let review: RegionalReview = match read {
        Ok(review) => review,
        Err(problem) => {
            return refuse(Problem::with_summary(&visitor.t1(
                "file-unreadable",
                "problem",
                &problem,
            )));
        }
    };
    match send(
        &state,
        &visitor,
        request_id_of(form),
        review,
        (expected > 0).then_some(expected),
    )
    .await
    {
        Ok(id) => see_other(&format!("/reviews/{id}")),
        Err(status) => refuse(Problem::from_status(visitor.lang, &status)),
    }
}

#[derive(Debug, Clone)]
struct FindingRow {
    objective: String,
    progress: String,
    challenges: String,
    gaps: String,
    recommendations: Vec<String>,
}

#[derive(Template)]
#[template(path = "regional_review.html")]
struct ReviewPage {
    chrome: Chrome,
    row: ReviewRow,
    summary: String,
    symbol: String,
    states: String,
    findings: Vec<FindingRow>,
    less_attention: String,
    reason: String,
    period: String,
    meeting: String,
    stakeholders: String,
}

/// "1 January 2022 to 31 December 2025", or empty.
fn span(lang: Lang, range: Option<&imrf_proto::v1::DateRange>) -> String {
    let day = |d: Option<&imrf_proto::v1::Date>| d.map(|d| labels::date(lang, d));
    match range.map(|r| (day(r.start.as_ref()), day(r.end.as_ref()))) {
        Some((Some(a), Some(b))) if a == b => a,
        Some((Some(a), Some(b))) => i18n::with(
            lang,
            "span-from-to",
            &[("from", a.into()), ("to", b.into())],
        ),
        Some((Some(a), None)) => lang.t1("span-from", "from", &a),
        _ => String::new(),
    }
}

async fn record_of(
    state: &State,
    visitor: &Visitor,
    id: &str,
) -> Result<RegionalReviewRecord, Response> {
    let request = GetRegionalReviewRequest {
        review_id: id.to_string(),
        ..Default::default()
    };
    match state
        .backend
        .regional(visitor)
        .get_regional_review(request)
        .await
    {
        Ok(r) => Ok(r.into_inner().record.unwrap_or_default()),
        Err(status) => Err(failed_page(visitor, &status)),
    }
}

pub(crate) async fn page(
    Extract(state): Extract<State>,
    Extension(visitor): Extension<Visitor>,
    Path(id): Path<String>,
) -> Response {
    let record = match record_of(&state, &visitor, &id).await {
        Ok(r) => r,
        Err(page) => return page,
    };
    let review = record.review.clone().unwrap_or_default();
    render(&ReviewPage {
        chrome: visitor.chrome(review.title.clone()),
        row: ReviewRow::of(visitor.lang, &record),
        summary: review.summary.clone(),
        symbol: review.document_symbol.clone(),
        states: review
            .participating_states
            .iter()
            .map(|s| labels::country(s))
            .collect::<Vec<_>>()
            .join(", "),
        findings: review
            .findings
            .iter()
            .map(|f| FindingRow {
                objective: labels::objective(visitor.lang, f.objective),
                progress: f.progress.clone(),
                challenges: f.challenges.clone(),
                gaps: f.gaps.clone(),
                recommendations: f.recommendations.clone(),
            })
            .collect(),
        less_attention: review
            .less_attention_objectives
            .iter()
            .map(|o| labels::objective(visitor.lang, *o))
            .collect::<Vec<_>>()
            .join("; "),
        reason: record.withdrawal_reason.clone(),
        period: span(visitor.lang, review.review_period.as_ref()),
        meeting: span(visitor.lang, review.meeting_dates.as_ref()),
        stakeholders: review
            .stakeholders
            .iter()
            .map(|s| {
                let name = labels::stakeholder(visitor.lang, s.r#type);
                if s.count > 0 {
                    format!("{name} ({})", s.count)
                } else {
                    name
                }
            })
            .collect::<Vec<_>>()
            .join(", "),
    })
}

#[derive(Template)]
#[template(path = "review_withdraw.html")]
struct WithdrawPage {
    chrome: Chrome,
    id: String,
    title: String,
    revision: u32,
    request_id: String,
    reason: String,
    problem: Problem,
}

pub(crate) async fn withdraw_confirm(
    Extract(state): Extract<State>,
    Extension(visitor): Extension<Visitor>,
    Path(id): Path<String>,
) -> Response {
    let record = match record_of(&state, &visitor, &id).await {
        Ok(r) => r,
        Err(page) => return page,
    };
    render(&WithdrawPage {
        chrome: visitor.chrome(visitor.t("withdraw-review-page")),
        title: record.review.map(|r| r.title).unwrap_or_default(),
        revision: record.meta.map_or(0, |m| m.revision),
        id,
        request_id: request_id(),
        reason: String::new(),
        problem: Problem::default(),
    })
}

pub(crate) async fn withdraw(
    Extract(state): Extract<State>,
    Extension(visitor): Extension<Visitor>,
    Path(id): Path<String>,
    form: Form,
) -> Response {
    let revision: u32 = form.text("revision").parse().unwrap_or(0);
    let request = WithdrawRegionalReviewRequest {
        request_id: request_id_of(&form),
        review_id: id.clone(),
        reason: form.text("reason"),
        expected_revision: (revision > 0).then_some(revision),
    };
    match state
        .backend
        .regional(&visitor)
        .withdraw_regional_review(request.clone())
        .await
    {
        Ok(_) => see_other(&format!("/reviews/{id}")),
        Err(status) => render_with(
            StatusCode::UNPROCESSABLE_ENTITY,
            &WithdrawPage {
                chrome: visitor.chrome(visitor.t("withdraw-review-page")),
                title: form.text("title"),
                id,
                revision,
                request_id: request.request_id,
                reason: request.reason,
                problem: Problem::from_status(visitor.lang, &status),
            },
        ),
    }
}
