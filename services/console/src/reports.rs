//! A Member State's national reports: the list of its own, a report's page,
//! and the form for a report (the 23 objectives with status and narrative,
//! pledges, the stakeholders consulted) that submits it or its next
//! revision. Indicator values are not typed here; a revision keeps those of
//! the revision it replaces.

use askama::Template;
use axum::extract::{Extension, Path, RawQuery, State as Extract};
use axum::http::StatusCode;
use axum::response::Response;
use imrf_gcm::refdata::{OBJECTIVE_COUNT, dimension_label, kind_label};
use imrf_proto::v1::{
    CyclePhase, DisaggregationDimension, GetNationalReportRequest, ImplementationStatus,
    ListCyclesRequest, ListNationalReportsRequest, NationalReport, NationalReportRecord,
    ObjectiveStatus, Pledge, PledgeKind, PledgeStatus, ReportKind, SubmitNationalReportRequest,
};

use crate::State;
use crate::i18n::{self, Lang};
use crate::labels::{self, Choice};
use crate::participation::{self, StakeholderRow};
use crate::problem::{Problem, failed_page};
use crate::web::{
    Chrome, Form, Visitor, message_page, render, render_with, request_id, request_id_of, see_other,
};

/// Empty pledge rows the form offers beyond those already made.
const SPARE_PLEDGES: usize = 2;

const KINDS: [ReportKind; 3] = [
    ReportKind::VoluntaryNationalReview,
    ReportKind::NationalImplementationPlan,
    ReportKind::PledgeUpdate,
];

fn kind_choices() -> Vec<Choice> {
    KINDS
        .iter()
        .map(|k| Choice {
            value: k.as_str_name().to_string(),
            label: labels::capitalized(kind_label(*k)),
        })
        .collect()
}

pub(crate) fn not_a_state(visitor: &Visitor) -> Response {
    message_page(
        Some(visitor),
        StatusCode::FORBIDDEN,
        &visitor.t("not-a-state"),
        &visitor.t("not-a-state-detail"),
    )
}

#[derive(Debug, Clone)]
struct ReportRow {
    id: String,
    title: String,
    kind: String,
    cycle: String,
    revision: u32,
    accepted: String,
    late: bool,
}

impl ReportRow {
    fn of(lang: Lang, r: &NationalReportRecord) -> Self {
        let report = r.report.clone().unwrap_or_default();
        let meta = r.meta.clone().unwrap_or_default();
        Self {
            id: r.report_id.clone(),
            title: report.title,
            kind: labels::capitalized(kind_label(
                ReportKind::try_from(report.kind).unwrap_or_default(),
            )),
            cycle: report.cycle_id,
            revision: meta.revision,
            accepted: labels::day(lang, meta.accepted_at.as_ref()),
            late: r.late,
        }
    }
}

#[derive(Template)]
#[template(path = "reports.html")]
struct ListPage {
    chrome: Chrome,
    state_name: String,
    reports: Vec<ReportRow>,
}

pub(crate) async fn own_reports(
    state: &State,
    visitor: &Visitor,
    iso3: &str,
) -> Result<Vec<NationalReportRecord>, Response> {
    let request = ListNationalReportsRequest {
        state: iso3.to_string(),
        page_size: 100,
        ..Default::default()
    };
    state
        .backend
        .national(visitor)
        .list_national_reports(request)
        .await
        .map(|r| r.into_inner().records)
        .map_err(|s| failed_page(visitor, &s))
}

pub(crate) async fn list(
    Extract(state): Extract<State>,
    Extension(visitor): Extension<Visitor>,
) -> Response {
    let Some(iso3) = visitor.state().map(str::to_string) else {
        return not_a_state(&visitor);
    };
    let reports = match own_reports(&state, &visitor, &iso3).await {
        Ok(r) => r,
        Err(page) => return page,
    };
    render(&ListPage {
        chrome: visitor.chrome(visitor.t("nav-reports")),
        state_name: labels::country(&iso3),
        reports: reports
            .iter()
            .map(|r| ReportRow::of(visitor.lang, r))
            .collect(),
    })
}

#[derive(Debug, Clone)]
struct ObjectiveRow {
    number: u32,
    title: String,
    status: String,
    narrative: String,
    error: Option<String>,
}

#[derive(Debug, Clone)]
struct PledgeRow {
    index: usize,
    pledge_id: String,
    title: String,
    objectives: String,
    kind: String,
    status: String,
    description: String,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "report_form.html")]
struct ReportForm {
    chrome: Chrome,
    state_name: String,
    request_id: String,
    report_id: String,
    expected_revision: u32,
    cycles: Vec<Choice>,
    cycle: String,
    kinds: Vec<Choice>,
    kind: String,
    title: String,
    summary: String,
    has_plan: bool,
    dimensions: Vec<(String, String, bool)>,
    objectives: Vec<ObjectiveRow>,
    statuses: Vec<Choice>,
    pledges: Vec<PledgeRow>,
    pledge_kinds: Vec<Choice>,
    pledge_statuses: Vec<Choice>,
    stakeholders: Vec<StakeholderRow>,
    indicators_kept: usize,
    problem: Problem,
    elsewhere: Vec<(String, String)>,
}

impl ReportForm {
    fn indicators_kept_line(&self) -> String {
        crate::i18n::with(
            self.chrome.lang,
            "indicators-kept",
            &[
                ("count", self.indicators_kept.into()),
                ("revision", self.expected_revision.into()),
            ],
        )
    }

    fn error(&self, path: &str) -> Option<&str> {
        self.problem.field(path)
    }
}

fn dimensions() -> impl Iterator<Item = DisaggregationDimension> {
    (1..=8).filter_map(|v| DisaggregationDimension::try_from(v).ok())
}

fn pledge_choices<E: Copy>(
    values: impl Iterator<Item = E>,
    name: fn(&E) -> &'static str,
) -> Vec<Choice> {
    values
        .map(|e| {
            let n = name(&e);
            let word = n
                .rsplit_once("_KIND_")
                .or_else(|| n.rsplit_once("_STATUS_"))
                .map_or(n, |(_, w)| w);
            Choice {
                value: n.to_string(),
                label: labels::capitalized(&word.to_lowercase().replace('_', " ")),
            }
        })
        .collect()
}

/// Cycles a report may be submitted to: those collecting inputs (a late
/// report is the service's to refuse or mark).
pub(crate) async fn open_cycles(state: &State, visitor: &Visitor) -> Vec<Choice> {
    let request = ListCyclesRequest {
        page_size: 100,
        page_token: String::new(),
    };
    let cycles = match state.backend.cycles(visitor).list_cycles(request).await {
        Ok(r) => r.into_inner().cycles,
        Err(_) => Vec::new(),
    };
    cycles
        .iter()
        .filter(|c| {
            matches!(
                CyclePhase::try_from(c.phase).unwrap_or_default(),
                CyclePhase::Collecting | CyclePhase::Consolidating | CyclePhase::Drafting
            )
        })
        .map(|c| Choice {
            value: c.cycle_id.clone(),
            label: c.title.clone(),
        })
        .collect()
}

/// The form filled with `report` (empty for a first submission).
async fn form_of(
    state: &State,
    visitor: &Visitor,
    iso3: &str,
    record: Option<&NationalReportRecord>,
    cycle: String,
    kind: String,
) -> ReportForm {
    let report = record.and_then(|r| r.report.clone()).unwrap_or_default();
    let status_of = |n: u32| report.objectives.iter().find(|o| o.objective == n);
    let mut pledges: Vec<PledgeRow> = report
        .pledges
        .iter()
        .map(|p| PledgeRow {
            index: 0,
            pledge_id: p.pledge_id.clone(),
            title: p.title.clone(),
            objectives: p
                .objectives
                .iter()
                .map(u32::to_string)
                .collect::<Vec<_>>()
                .join(", "),
            kind: PledgeKind::try_from(p.kind)
                .map(|k| k.as_str_name().to_string())
                .unwrap_or_default(),
            status: PledgeStatus::try_from(p.status)
                .map(|k| k.as_str_name().to_string())
                .unwrap_or_default(),
            description: p.description.clone(),
            error: None,
        })
        .collect();
    for _ in 0..SPARE_PLEDGES {
        pledges.push(PledgeRow {
            index: 0,
            pledge_id: String::new(),
            title: String::new(),
            objectives: String::new(),
            kind: String::new(),
            status: String::new(),
            description: String::new(),
            error: None,
        });
    }
    for (i, p) in pledges.iter_mut().enumerate() {
        p.index = i;
    }
    ReportForm {
        chrome: visitor.chrome(visitor.t("national-report-page")),
        state_name: labels::country(iso3),
        request_id: request_id(),
        report_id: record.map(|r| r.report_id.clone()).unwrap_or_default(),
        expected_revision: record
            .and_then(|r| r.meta.as_ref())
            .map_or(0, |m| m.revision),
        cycles: open_cycles(state, visitor).await,
        cycle: if report.cycle_id.is_empty() {
            cycle
        } else {
            report.cycle_id.clone()
        },
        kinds: kind_choices(),
        kind: ReportKind::try_from(report.kind)
            .ok()
            .filter(|k| *k != ReportKind::Unspecified)
            .map_or(kind, |k| k.as_str_name().to_string()),
        title: report.title.clone(),
        summary: report.summary.clone(),
        has_plan: report.has_implementation_plan,
        dimensions: dimensions()
            .map(|d| {
                (
                    d.as_str_name().to_string(),
                    labels::capitalized(dimension_label(d)),
                    report.disaggregation_supported.contains(&(d as i32)),
                )
            })
            .collect(),
        objectives: (1..=OBJECTIVE_COUNT)
            .map(|n| ObjectiveRow {
                number: n,
                title: labels::objective_title(n),
                status: status_of(n)
                    .and_then(|o| ImplementationStatus::try_from(o.status).ok())
                    .filter(|s| *s != ImplementationStatus::Unspecified)
                    .map(|s| s.as_str_name().to_string())
                    .unwrap_or_default(),
                narrative: status_of(n)
                    .map(|o| o.narrative.clone())
                    .unwrap_or_default(),
                error: None,
            })
            .collect(),
        statuses: labels::status_choices(),
        pledges,
        pledge_kinds: pledge_choices(
            (1..=4).filter_map(|v| PledgeKind::try_from(v).ok()),
            PledgeKind::as_str_name,
        ),
        pledge_statuses: pledge_choices(
            (1..=3).filter_map(|v| PledgeStatus::try_from(v).ok()),
            PledgeStatus::as_str_name,
        ),
        stakeholders: participation::rows(&report.stakeholders_consulted),
        indicators_kept: report.indicators.len(),
        problem: Problem::default(),
        elsewhere: Vec::new(),
    }
}

/// The State's report of `cycle` and `kind` among `reports`, if it has one:
/// what a new submission of that cycle and kind revises.
pub(crate) fn of_cycle_and_kind<'a>(
    reports: &'a [NationalReportRecord],
    cycle: &str,
    kind: i32,
) -> Option<&'a NationalReportRecord> {
    reports.iter().find(|r| {
        r.report
            .as_ref()
            .is_some_and(|p| p.cycle_id == cycle && p.kind == kind)
    })
}

/// Sends `report` as the visitor, as the request `request_id` (the form's,
/// so a resend is answered once), revising `expected` when set; the
/// report's id, or the service's refusal.
pub(crate) async fn send(
    state: &State,
    visitor: &Visitor,
    request_id: String,
    report: NationalReport,
    expected: Option<u32>,
) -> Result<String, tonic::Status> {
    let request = SubmitNationalReportRequest {
        request_id,
        report: Some(report),
        expected_revision: expected,
    };
    state
        .backend
        .national(visitor)
        .submit_national_report(request)
        .await
        .map(|r| r.into_inner().report_id)
}

pub(crate) async fn new_form(
    Extract(state): Extract<State>,
    Extension(visitor): Extension<Visitor>,
    RawQuery(raw): RawQuery,
) -> Response {
    let Some(iso3) = visitor.state().map(str::to_string) else {
        return not_a_state(&visitor);
    };
    let query = Form::parse(raw.unwrap_or_default().as_bytes());
    let (cycle, kind) = (query.text("cycle"), query.text("kind"));
    let reports = match own_reports(&state, &visitor, &iso3).await {
        Ok(r) => r,
        Err(page) => return page,
    };
    // The report of this cycle and kind, if there is one: the form revises it.
    let kind_value = ReportKind::from_str_name(&kind).map_or(-1, |k| k as i32);
    let existing = of_cycle_and_kind(&reports, &cycle, kind_value);
    render(&form_of(&state, &visitor, &iso3, existing, cycle, kind).await)
}

/// The report the form describes, and where each of its repeated items
/// came from in the form (to put a refusal of `report.objectives[2]` next
/// to objective 7's row).
struct Built {
    report: NationalReport,
    objective_rows: Vec<u32>,
    pledge_rows: Vec<usize>,
    local: Problem,
}

fn build(lang: Lang, form: &Form, iso3: &str) -> Built {
    let mut local = Problem::default();
    let mut objectives = Vec::new();
    let mut objective_rows = Vec::new();
    for n in 1..=OBJECTIVE_COUNT {
        let status = form.text(&format!("o{n}_status"));
        let narrative = form.text(&format!("o{n}_narrative"));
        if status.is_empty() && narrative.is_empty() {
            continue;
        }
        objective_rows.push(n);
        objectives.push(ObjectiveStatus {
            objective: n,
            status: ImplementationStatus::from_str_name(&status).map_or(0, |s| s as i32),
            narrative,
        });
    }
    let mut pledges = Vec::new();
    let mut pledge_rows = Vec::new();
    for i in 0..form.all("p_row").len() {
        let field = |name: &str| form.text(&format!("p{i}_{name}"));
        let (id, title) = (field("id"), field("title"));
        if id.is_empty() && title.is_empty() && field("description").is_empty() {
            continue;
        }
        let mut supports = Vec::new();
        for part in field("objectives")
            .split([',', ';', ' '])
            .filter(|p| !p.trim().is_empty())
        {
            match part.trim().parse::<u32>() {
                Ok(n) => supports.push(n),
                Err(_) => {
                    local.fields.insert(
                        format!("report.pledges[{}].objectives", pledges.len()),
                        i18n::with(
                            lang,
                            "not-objective-number",
                            &[("text", part.to_string().into())],
                        ),
                    );
                }
            }
        }
        pledge_rows.push(i);
        pledges.push(Pledge {
            pledge_id: id,
            title,
            objectives: supports,
            kind: PledgeKind::from_str_name(&field("kind")).map_or(0, |k| k as i32),
            status: PledgeStatus::from_str_name(&field("status")).map_or(0, |k| k as i32),
            description: field("description"),
        });
    }
    let stakeholders = participation::read(lang, form, "report.stakeholders_consulted", &mut local);
    if !local.fields.is_empty() {
        local.summary = i18n::text(lang, "problem-local");
    }
    Built {
        report: NationalReport {
            cycle_id: form.text("cycle"),
            state: iso3.to_string(),
            kind: ReportKind::from_str_name(&form.text("kind")).map_or(0, |k| k as i32),
            title: form.text("title"),
            objectives,
            indicators: Vec::new(),
            pledges,
            stakeholders_consulted: stakeholders,
            has_implementation_plan: form.checked("has_plan"),
            disaggregation_supported: form
                .all("dimension")
                .iter()
                .filter_map(|d| DisaggregationDimension::from_str_name(d).map(|d| d as i32))
                .collect(),
            summary: form.text("summary"),
        },
        objective_rows,
        pledge_rows,
        local,
    }
}

/// The form as it was sent, with `problem` placed on its rows.
async fn refused(
    state: &State,
    visitor: &Visitor,
    iso3: &str,
    form: &Form,
    built: &Built,
    problem: Problem,
) -> Response {
    let record = NationalReportRecord {
        report_id: form.text("report_id"),
        report: Some(built.report.clone()),
        meta: Some(imrf_proto::v1::RecordMeta {
            revision: form.text("expected_revision").parse().unwrap_or(0),
            ..Default::default()
        }),
        late: false,
    };
    let mut page = form_of(
        state,
        visitor,
        iso3,
        Some(&record),
        form.text("cycle"),
        form.text("kind"),
    )
    .await;
    page.request_id = request_id_of(form);
    page.indicators_kept = form.text("indicators_kept").parse().unwrap_or(0);
    let mut shown: Vec<String> = [
        "report.cycle_id",
        "report.kind",
        "report.title",
        "report.summary",
    ]
    .map(String::from)
    .to_vec();
    for (i, n) in built.objective_rows.iter().enumerate() {
        let path = format!("report.objectives[{i}]");
        if let Some(row) = page.objectives.iter_mut().find(|r| r.number == *n) {
            row.error = problem.under(&path);
        }
        shown.push(path);
    }
    for (i, row) in built.pledge_rows.iter().enumerate() {
        let path = format!("report.pledges[{i}]");
        if let Some(p) = page.pledges.get_mut(*row) {
            p.error = problem
                .fields
                .iter()
                .filter(|(f, _)| f.starts_with(&path))
                .map(|(f, d)| format!("{}: {d}", f.rsplit('.').next().unwrap_or(f)))
                .reduce(|a, b| format!("{a} {b}"));
        }
        shown.push(path);
    }
    let shown: Vec<&str> = shown.iter().map(String::as_str).collect();
    page.elsewhere = problem.elsewhere(&shown);
    let status = problem.status();
    page.problem = problem;
    render_with(status, &page)
}

pub(crate) async fn submit(
    Extract(state): Extract<State>,
    Extension(visitor): Extension<Visitor>,
    form: Form,
) -> Response {
    let Some(iso3) = visitor.state().map(str::to_string) else {
        return not_a_state(&visitor);
    };
    let mut built = build(visitor.lang, &form, &iso3);
    if !built.local.fields.is_empty() {
        let problem = std::mem::take(&mut built.local);
        return refused(&state, &visitor, &iso3, &form, &built, problem).await;
    }
    let expected: u32 = form.text("expected_revision").parse().unwrap_or(0);
    if expected > 0 {
        // The form has no indicator values: the revision keeps those of the
        // revision it replaces.
        let request = GetNationalReportRequest {
            report_id: form.text("report_id"),
            revision: expected,
        };
        match state
            .backend
            .national(&visitor)
            .get_national_report(request)
            .await
        {
            Ok(r) => {
                built.report.indicators = r
                    .into_inner()
                    .record
                    .and_then(|r| r.report)
                    .map(|r| r.indicators)
                    .unwrap_or_default();
            }
            Err(status) => {
                let problem = Problem::from_status(visitor.lang, &status);
                return refused(&state, &visitor, &iso3, &form, &built, problem).await;
            }
        }
    }
    let sent = send(
        &state,
        &visitor,
        request_id_of(&form),
        built.report.clone(),
        (expected > 0).then_some(expected),
    )
    .await;
    match sent {
        Ok(id) => see_other(&format!("/reports/{id}")),
        Err(status) => {
            let problem = Problem::from_status(visitor.lang, &status);
            refused(&state, &visitor, &iso3, &form, &built, problem).await
        }
    }
}

#[derive(Template)]
#[template(path = "report.html")]
struct ReportPage {
    chrome: Chrome,
    row: ReportRow,
    summary: String,
    objectives: Vec<(String, String, String)>,
    pledges: Vec<(String, String, String)>,
    stakeholders: String,
    indicators: Vec<(String, String, String, String)>,
    revise: String,
    /// The visitor is the State whose report it is, and may revise it.
    own: bool,
}

pub(crate) async fn page(
    Extract(state): Extract<State>,
    Extension(visitor): Extension<Visitor>,
    Path(id): Path<String>,
) -> Response {
    let request = GetNationalReportRequest {
        report_id: id,
        revision: 0,
    };
    let record = match state
        .backend
        .national(&visitor)
        .get_national_report(request)
        .await
    {
        Ok(r) => r.into_inner().record.unwrap_or_default(),
        Err(status) => return failed_page(&visitor, &status),
    };
    let report = record.report.clone().unwrap_or_default();
    let row = ReportRow::of(visitor.lang, &record);
    let mut revise = form_urlencoded::Serializer::new(String::new());
    revise.append_pair("cycle", &report.cycle_id);
    revise.append_pair(
        "kind",
        ReportKind::try_from(report.kind).map_or("", |k| k.as_str_name()),
    );
    render(&ReportPage {
        chrome: visitor.chrome(row.title.clone()),
        summary: report.summary.clone(),
        objectives: report
            .objectives
            .iter()
            .map(|o| {
                (
                    labels::objective(visitor.lang, o.objective),
                    labels::implementation_status(visitor.lang, o.status),
                    o.narrative.clone(),
                )
            })
            .collect(),
        pledges: report
            .pledges
            .iter()
            .map(|p| {
                (
                    p.title.clone(),
                    p.objectives
                        .iter()
                        .map(|o| labels::objective(visitor.lang, *o))
                        .collect::<Vec<_>>()
                        .join("; "),
                    p.description.clone(),
                )
            })
            .collect(),
        stakeholders: report
            .stakeholders_consulted
            .iter()
            .map(|s| labels::stakeholder(visitor.lang, s.r#type))
            .collect::<Vec<_>>()
            .join(", "),
        indicators: report
            .indicators
            .iter()
            .map(|i| {
                (
                    i.indicator_code.clone(),
                    i.year.to_string(),
                    format!("{} {}", i.value, i.unit),
                    match DisaggregationDimension::try_from(i.dimension) {
                        Ok(d) if d != DisaggregationDimension::Unspecified => format!(
                            "{}: {}",
                            labels::capitalized(dimension_label(d)),
                            i.category
                        ),
                        _ => "Total".to_string(),
                    },
                )
            })
            .collect(),
        revise: format!("/reports/new?{}", revise.finish()),
        own: visitor.state() == Some(report.state.as_str()),
        row,
    })
}
