//! A regional review by form, for a commission that does not keep it as an
//! imrfctl file: the review report's particulars, the Member States and
//! stakeholders that took part, a finding for each objective the review
//! covered (progress, challenges, gaps, recommendations and the practices
//! it refers to), the objectives with less attention, and the summary. It
//! submits the review or, opened on an existing one, its next revision.

use askama::Template;
use axum::extract::{Extension, RawQuery, State as Extract};
use axum::response::Response;
use imrf_gcm::refdata::{OBJECTIVE_COUNT, commission_code, commission_name, reference};
use imrf_proto::v1::{
    Commission, Date, DateRange, GetRegionalReviewRequest, ObjectiveFinding, RegionalReview,
    RegionalReviewRecord,
};

use crate::State;
use crate::i18n::{self, Lang};
use crate::labels::{self, Choice};
use crate::participation::{self, StakeholderRow};
use crate::problem::{Problem, failed_page};
use crate::reviews::{commission_of, not_a_commission};
use crate::web::{
    Chrome, Form, Visitor, render, render_with, request_id, request_id_of, see_other,
};

const FIELD: &str = "review";

#[derive(Debug, Clone)]
struct FindingRow {
    number: u32,
    title: String,
    progress: String,
    challenges: String,
    gaps: String,
    recommendations: String,
    practices: String,
    error: Option<String>,
}

impl FindingRow {
    fn has_content(&self) -> bool {
        [
            &self.progress,
            &self.challenges,
            &self.gaps,
            &self.recommendations,
            &self.practices,
        ]
        .iter()
        .any(|t| !t.trim().is_empty())
    }
}

#[derive(Debug, Clone)]
struct StateRow {
    iso3: String,
    name: String,
    regional: bool,
    took_part: bool,
}

#[derive(Template)]
#[template(path = "review_form.html")]
struct ReviewForm {
    chrome: Chrome,
    commission: String,
    code: String,
    request_id: String,
    review_id: String,
    expected_revision: u32,
    cycles: Vec<Choice>,
    cycle: String,
    title: String,
    symbol: String,
    period_start: String,
    period_end: String,
    meeting_start: String,
    meeting_end: String,
    states: Vec<StateRow>,
    stakeholders: Vec<StakeholderRow>,
    findings: Vec<FindingRow>,
    less: Vec<(u32, String, bool)>,
    summary: String,
    problem: Problem,
    elsewhere: Vec<(String, String)>,
}

impl ReviewForm {
    /// "Economic Commission for Europe (ECE)".
    fn commission_named(&self) -> String {
        format!("{} ({})", self.commission, self.code)
    }

    fn error(&self, name: &str) -> Option<String> {
        self.problem.under(&format!("{FIELD}.{name}"))
    }
}

fn iso_date(d: Option<&Date>) -> String {
    d.filter(|d| d.year > 0)
        .map(|d| format!("{:04}-{:02}-{:02}", d.year, d.month, d.day))
        .unwrap_or_default()
}

/// A date as an `<input type="date">` sends it (YYYY-MM-DD); `None` when
/// empty, and a problem at `path` when it is not a date.
fn parse_date(lang: Lang, text: &str, path: String, local: &mut Problem) -> Option<Date> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    let date = imrf_gcm::dates::parse(text);
    if date.is_none() {
        local.fields.insert(
            path,
            i18n::with(lang, "not-a-date", &[("text", text.to_string().into())]),
        );
    }
    date
}

fn range(
    lang: Lang,
    start: &str,
    end: &str,
    field: &str,
    local: &mut Problem,
) -> Option<DateRange> {
    let start = parse_date(lang, start, format!("{FIELD}.{field}.start"), local);
    let end = parse_date(lang, end, format!("{FIELD}.{field}.end"), local);
    (start.is_some() || end.is_some()).then_some(DateRange { start, end })
}

/// The form filled with `review` (empty for a first submission).
async fn form_of(
    state: &State,
    visitor: &Visitor,
    commission: Commission,
    record: Option<&RegionalReviewRecord>,
) -> ReviewForm {
    let review = record.and_then(|r| r.review.clone()).unwrap_or_default();
    let finding = |n: u32| review.findings.iter().find(|f| f.objective == n);
    let cycles = crate::reports::open_cycles(state, visitor).await;
    let cycle = if review.cycle_id.is_empty() {
        cycles.first().map(|c| c.value.clone()).unwrap_or_default()
    } else {
        review.cycle_id.clone()
    };
    let mut states: Vec<StateRow> = reference()
        .commission_members(commission)
        .map(|(iso3, regional)| StateRow {
            iso3: iso3.to_string(),
            name: labels::country(iso3),
            regional,
            took_part: review.participating_states.iter().any(|s| s == iso3),
        })
        .collect();
    states.sort_by(|a, b| (!a.regional, &a.name).cmp(&(!b.regional, &b.name)));
    let expected_revision = record
        .and_then(|r| r.meta.as_ref())
        .map_or(0, |m| m.revision);
    ReviewForm {
        chrome: visitor.chrome(if expected_revision > 0 {
            visitor.t("revise-review-page")
        } else {
            visitor.t("review-page-new")
        }),
        commission: commission_name(commission).to_string(),
        code: commission_code(commission).to_string(),
        request_id: request_id(),
        review_id: record.map(|r| r.review_id.clone()).unwrap_or_default(),
        expected_revision,
        cycles,
        cycle,
        title: review.title.clone(),
        symbol: review.document_symbol.clone(),
        period_start: iso_date(review.review_period.as_ref().and_then(|r| r.start.as_ref())),
        period_end: iso_date(review.review_period.as_ref().and_then(|r| r.end.as_ref())),
        meeting_start: iso_date(review.meeting_dates.as_ref().and_then(|r| r.start.as_ref())),
        meeting_end: iso_date(review.meeting_dates.as_ref().and_then(|r| r.end.as_ref())),
        states,
        stakeholders: participation::rows(&review.stakeholders),
        findings: (1..=OBJECTIVE_COUNT)
            .map(|n| {
                let f = finding(n);
                FindingRow {
                    number: n,
                    title: labels::objective_title(n),
                    progress: f.map(|f| f.progress.clone()).unwrap_or_default(),
                    challenges: f.map(|f| f.challenges.clone()).unwrap_or_default(),
                    gaps: f.map(|f| f.gaps.clone()).unwrap_or_default(),
                    recommendations: f.map(|f| f.recommendations.join("\n")).unwrap_or_default(),
                    practices: f.map(|f| f.practice_ids.join(", ")).unwrap_or_default(),
                    error: None,
                }
            })
            .collect(),
        less: (1..=OBJECTIVE_COUNT)
            .map(|n| {
                (
                    n,
                    labels::objective(visitor.lang, n),
                    review.less_attention_objectives.contains(&n),
                )
            })
            .collect(),
        summary: review.summary.clone(),
        problem: Problem::default(),
        elsewhere: Vec::new(),
    }
}

/// `GET /reviews/form`, or `?revise=ID` for the next revision of a review.
pub(crate) async fn form(
    Extract(state): Extract<State>,
    Extension(visitor): Extension<Visitor>,
    RawQuery(raw): RawQuery,
) -> Response {
    let Some(commission) = commission_of(&visitor) else {
        return not_a_commission(&visitor);
    };
    let revise = Form::parse(raw.unwrap_or_default().as_bytes()).text("revise");
    if revise.is_empty() {
        return render(&form_of(&state, &visitor, commission, None).await);
    }
    let request = GetRegionalReviewRequest {
        review_id: revise,
        ..Default::default()
    };
    match state
        .backend
        .regional(&visitor)
        .get_regional_review(request)
        .await
    {
        Ok(r) => {
            let record = r.into_inner().record.unwrap_or_default();
            render(&form_of(&state, &visitor, commission, Some(&record)).await)
        }
        Err(status) => failed_page(&visitor, &status),
    }
}

/// The review the form describes, and the objective of each finding in
/// order (to put a refusal of `review.findings[2]` on objective 7's row).
struct Built {
    review: RegionalReview,
    finding_rows: Vec<u32>,
    local: Problem,
}

fn build(lang: Lang, form: &Form, commission: Commission) -> Built {
    let mut local = Problem::default();
    let mut findings = Vec::new();
    let mut finding_rows = Vec::new();
    for n in 1..=OBJECTIVE_COUNT {
        let field = |name: &str| form.text(&format!("f{n}_{name}"));
        let finding = ObjectiveFinding {
            objective: n,
            progress: field("progress"),
            challenges: field("challenges"),
            gaps: field("gaps"),
            recommendations: field("recommendations")
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_string)
                .collect(),
            practice_ids: field("practices")
                .split([',', ';', ' ', '\n'])
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .map(str::to_string)
                .collect(),
        };
        if finding
            == (ObjectiveFinding {
                objective: n,
                ..Default::default()
            })
        {
            continue;
        }
        finding_rows.push(n);
        findings.push(finding);
    }
    let review = RegionalReview {
        cycle_id: form.text("cycle"),
        commission: commission as i32,
        title: form.text("title"),
        document_symbol: form.text("symbol"),
        review_period: range(
            lang,
            &form.text("period_start"),
            &form.text("period_end"),
            "review_period",
            &mut local,
        ),
        meeting_dates: range(
            lang,
            &form.text("meeting_start"),
            &form.text("meeting_end"),
            "meeting_dates",
            &mut local,
        ),
        participating_states: form.all("state"),
        stakeholders: participation::read(lang, form, &format!("{FIELD}.stakeholders"), &mut local),
        findings,
        less_attention_objectives: form
            .all("less")
            .iter()
            .filter_map(|n| n.parse().ok())
            .collect(),
        summary: form.text("summary"),
    };
    if !local.fields.is_empty() {
        local.summary = i18n::text(lang, "problem-local");
    }
    Built {
        review,
        finding_rows,
        local,
    }
}

/// The form as it was sent, with `problem` placed on its fields.
async fn refused(
    state: &State,
    visitor: &Visitor,
    commission: Commission,
    form: &Form,
    built: &Built,
    problem: Problem,
) -> Response {
    let record = RegionalReviewRecord {
        review_id: form.text("review_id"),
        review: Some(built.review.clone()),
        meta: Some(imrf_proto::v1::RecordMeta {
            revision: form.text("expected_revision").parse().unwrap_or(0),
            ..Default::default()
        }),
        ..Default::default()
    };
    let mut page = form_of(state, visitor, commission, Some(&record)).await;
    page.request_id = request_id_of(form);
    // Dates that did not parse are kept as typed.
    page.period_start = form.text("period_start");
    page.period_end = form.text("period_end");
    page.meeting_start = form.text("meeting_start");
    page.meeting_end = form.text("meeting_end");
    let mut shown: Vec<String> = [
        "cycle_id",
        "title",
        "document_symbol",
        "review_period",
        "meeting_dates",
        "participating_states",
        "stakeholders",
        "less_attention_objectives",
        "summary",
    ]
    .iter()
    .map(|f| format!("{FIELD}.{f}"))
    .collect();
    for (i, n) in built.finding_rows.iter().enumerate() {
        let path = format!("{FIELD}.findings[{i}]");
        if let Some(row) = page.findings.iter_mut().find(|r| r.number == *n) {
            row.error = problem.under(&path);
        }
        shown.push(path);
    }
    let shown: Vec<&str> = shown.iter().map(String::as_str).collect();
    // The list's own violation ("at least one finding") sits under its
    // legend; those of findings the form has no row for stay at the top.
    let whole = format!("{FIELD}.findings");
    page.elsewhere = problem.elsewhere(&shown);
    page.elsewhere.retain(|(p, _)| p != &whole);
    let status = problem.status();
    page.problem = problem;
    render_with(status, &page)
}

/// `POST /reviews/form`.
pub(crate) async fn submit(
    Extract(state): Extract<State>,
    Extension(visitor): Extension<Visitor>,
    form: Form,
) -> Response {
    let Some(commission) = commission_of(&visitor) else {
        return not_a_commission(&visitor);
    };
    let mut built = build(visitor.lang, &form, commission);
    if !built.local.fields.is_empty() {
        let problem = std::mem::take(&mut built.local);
        return refused(&state, &visitor, commission, &form, &built, problem).await;
    }
    let expected: u32 = form.text("expected_revision").parse().unwrap_or(0);
    let sent = crate::reviews::send(
        &state,
        &visitor,
        request_id_of(&form),
        built.review.clone(),
        (expected > 0).then_some(expected),
    )
    .await;
    match sent {
        Ok(id) => see_other(&format!("/reviews/{id}")),
        Err(status) => {
            let problem = Problem::from_status(visitor.lang, &status);
            refused(&state, &visitor, commission, &form, &built, problem).await
        }
    }
}
