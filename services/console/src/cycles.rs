//! Review cycles: their phases and schedule for everyone, and for the
//! secretariat the cycle dashboard (completeness, least attention, coverage,
//! indicators, live by Server-Sent Events from WatchAggregate), advancing
//! the phase, compiling drafts, and the drafts to preview and download.

use std::convert::Infallible;
use std::time::Duration;

use askama::Template;
use axum::body::Body;
use axum::extract::{Extension, Path, RawQuery, State as Extract};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures::StreamExt as _;
use imrf_gcm::refdata::{self, commission_name};
use imrf_platform::auth::RoleKind;
use imrf_proto::v1::{
    AdvanceCycleRequest, Aggregate, CompileDraftRequest, Cycle, CyclePhase, Deadline, DraftFormat,
    DraftInfo, GetAggregateRequest, GetCycleRequest, GetDraftRequest, ListCyclesRequest,
    ListDraftsRequest, WatchAggregateRequest,
};

use crate::State;
use crate::i18n::{self, Lang};
use crate::labels;
use crate::problem::{Problem, failed_page};
use crate::web::{
    Chrome, Form, Visitor, render, render_with, request_id, request_id_of, see_other,
};

/// "3 March 2026 at 08:00 UTC" in `lang`.
fn time_of(lang: Lang, t: Option<&imrf_proto::wkt::Timestamp>) -> String {
    t.and_then(|t| time::OffsetDateTime::from_unix_timestamp(t.seconds).ok())
        .map(|dt| {
            i18n::with(
                lang,
                "date-time",
                &[
                    ("date", labels::day(lang, t).into()),
                    (
                        "time",
                        format!("{:02}:{:02}", dt.hour(), dt.minute()).into(),
                    ),
                ],
            )
        })
        .unwrap_or_default()
}

/// A cycle in the list.
#[derive(Debug, Clone)]
struct Row {
    id: String,
    title: String,
    phase: String,
    plenary: String,
}

#[derive(Template)]
#[template(path = "cycles.html")]
struct ListPage {
    chrome: Chrome,
    cycles: Vec<Row>,
}

pub(crate) async fn list(
    Extract(state): Extract<State>,
    Extension(visitor): Extension<Visitor>,
) -> Response {
    let request = ListCyclesRequest {
        page_size: 100,
        page_token: String::new(),
    };
    let cycles = match state.backend.cycles(&visitor).list_cycles(request).await {
        Ok(r) => r.into_inner().cycles,
        Err(status) => return failed_page(&visitor, &status),
    };
    let cycles = cycles
        .iter()
        .map(|c| Row {
            id: c.cycle_id.clone(),
            title: c.title.clone(),
            phase: labels::phase(visitor.lang, c.phase),
            plenary: c
                .schedule
                .as_ref()
                .and_then(|s| s.plenary_date.as_ref())
                .map(|d| labels::date(visitor.lang, d))
                .unwrap_or_default(),
        })
        .collect();
    render(&ListPage {
        chrome: visitor.chrome(visitor.t("nav-cycles")),
        cycles,
    })
}

/// One step of the cycle's timeline.
#[derive(Debug, Clone)]
struct Step {
    date: String,
    what: String,
    passed: bool,
}

/// One phase change as the history shows it.
#[derive(Debug, Clone)]
struct Change {
    when: String,
    /// "Open to Collecting inputs."
    change: String,
    why: String,
}

/// A commission's row of completeness.
#[derive(Debug, Clone)]
struct CommissionRow {
    name: String,
    code: String,
    review: bool,
    /// "3 of 54 (1 late)".
    reports_line: String,
    missing: Vec<String>,
}

/// A bar of the coverage chart.
#[derive(Debug, Clone)]
struct Bar {
    label: String,
    states: u32,
    y: u32,
    width: u32,
}

#[derive(Debug, Clone)]
struct IndicatorRow {
    code: String,
    name: String,
    unit: String,
    observations: u32,
    states: usize,
    median: String,
    range: String,
    target: String,
}

#[derive(Debug, Clone)]
struct AttentionRow {
    objective: String,
    reports: u32,
    reviews: u32,
    flags: u32,
}

/// The secretariat's live view of a cycle's inputs.
#[derive(Debug, Clone, Template)]
#[template(path = "dashboard.html")]
struct Dashboard {
    lang: Lang,
    /// "1 national report and 3 regional reviews counted, … (version 4)."
    counted: String,
    commissions: Vec<CommissionRow>,
    least: Vec<AttentionRow>,
    bars: Vec<Bar>,
    chart_height: u32,
    indicators: Vec<IndicatorRow>,
}

/// Width of the longest coverage bar, in the chart's units.
const BAR_SPACE: u32 = 400;
/// Height of one bar's row.
const BAR_ROW: u32 = 22;

/// The catalogue's count message `key` for `n`.
fn counted(lang: Lang, key: &str, n: u32) -> String {
    i18n::with(lang, key, &[("count", n.into())])
}

fn figure(x: f64) -> String {
    if x.fract() == 0.0 {
        format!("{x:.0}")
    } else {
        format!("{x:.2}")
    }
}

impl Dashboard {
    fn of(lang: Lang, a: &Aggregate) -> Self {
        let reference = refdata::reference();
        let commissions = a
            .commissions
            .iter()
            .map(|c| {
                let commission =
                    imrf_proto::v1::Commission::try_from(c.commission).unwrap_or_default();
                let n = c.national_reports.clone().unwrap_or_default();
                let figures = [
                    ("reports", (n.on_time + n.late).into()),
                    ("expected", n.expected.into()),
                    ("late", n.late.into()),
                ];
                CommissionRow {
                    name: commission_name(commission).to_string(),
                    code: refdata::commission_code(commission).to_string(),
                    review: c.regional_review_received,
                    reports_line: if n.late > 0 {
                        i18n::with(lang, "reports-of-expected-late", &figures)
                    } else {
                        i18n::with(lang, "reports-of-expected", &figures)
                    },
                    missing: n.missing.iter().map(|s| labels::country(s)).collect(),
                }
            })
            .collect();
        let most = a
            .objectives
            .iter()
            .map(|o| o.states_reporting)
            .max()
            .unwrap_or(0)
            .max(1);
        let bars: Vec<Bar> = a
            .objectives
            .iter()
            .enumerate()
            .map(|(i, o)| Bar {
                label: labels::objective(lang, o.objective),
                states: o.states_reporting,
                y: u32::try_from(i).unwrap_or(0) * BAR_ROW,
                width: o.states_reporting * BAR_SPACE / most,
            })
            .collect();
        let indicators = a
            .indicators
            .iter()
            .map(|i| IndicatorRow {
                name: reference
                    .indicator(&i.indicator_code)
                    .map(|r| r.name.clone())
                    .unwrap_or_default(),
                code: i.indicator_code.clone(),
                unit: i.unit.clone(),
                observations: i.observations,
                states: i.latest.len(),
                median: if i.latest.is_empty() {
                    String::new()
                } else {
                    figure(i.median)
                },
                range: if i.latest.is_empty() {
                    String::new()
                } else {
                    format!("{}–{}", figure(i.min), figure(i.max))
                },
                target: i.target.map_or_else(String::new, |t| {
                    i18n::with(
                        lang,
                        "target-met",
                        &[
                            ("met", i.states_meeting_target.into()),
                            ("states", i.latest.len().into()),
                            ("target", figure(t).into()),
                        ],
                    )
                }),
            })
            .collect();
        let inputs = i18n::with(
            lang,
            "aggregate-inputs",
            &[
                (
                    "reports",
                    counted(lang, "count-national-reports", a.national_reports).into(),
                ),
                (
                    "reviews",
                    counted(lang, "count-regional-reviews", a.regional_reviews).into(),
                ),
            ],
        );
        let as_of = time_of(lang, a.as_of.as_ref());
        let version = a.version.to_string();
        Self {
            lang,
            counted: if as_of.is_empty() {
                i18n::with(
                    lang,
                    "aggregate-counted",
                    &[("inputs", inputs.into()), ("version", version.into())],
                )
            } else {
                i18n::with(
                    lang,
                    "aggregate-counted-latest",
                    &[
                        ("inputs", inputs.into()),
                        ("latest", as_of.into()),
                        ("version", version.into()),
                    ],
                )
            },
            commissions,
            least: a
                .least_attention
                .iter()
                .take(5)
                .map(|o| AttentionRow {
                    objective: labels::objective(lang, o.objective),
                    reports: o.national_reports,
                    reviews: o.regional_reviews,
                    flags: o.regional_flags,
                })
                .collect(),
            chart_height: u32::try_from(bars.len()).unwrap_or(0) * BAR_ROW,
            bars,
            indicators,
        }
    }
}

/// A draft as its list and preview show it.
#[derive(Debug, Clone)]
struct DraftRow {
    version: u32,
    sha256: String,
    compiled: String,
    trigger: String,
    inputs: String,
    renderings: Vec<(String, String, String)>,
}

impl DraftRow {
    fn of(lang: Lang, d: &DraftInfo) -> Self {
        Self {
            version: d.version,
            sha256: d.sha256.clone(),
            compiled: time_of(lang, d.compiled_at.as_ref()),
            trigger: trigger(lang, &d.trigger),
            inputs: counted(
                lang,
                "count-inputs",
                u32::try_from(d.inputs.len()).unwrap_or(u32::MAX),
            ),
            // The document first: it is what a drafter opens.
            renderings: FORMATS
                .iter()
                .filter_map(|format| {
                    // The draft's data is rendered when first asked for,
                    // so its size is not known before.
                    let shown = match d.renderings.iter().find(|r| r.format == *format as i32) {
                        Some(r) => size(r.size),
                        None if matches!(format, DraftFormat::Xlsx | DraftFormat::SdmxCsv) => {
                            String::new()
                        }
                        None => return None,
                    };
                    let (slug, ..) = format_of(*format)?;
                    Some((
                        slug.to_string(),
                        i18n::text(lang, &format!("format-{slug}")),
                        shown,
                    ))
                })
                .collect(),
        }
    }
}

fn size(bytes: u64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
    } else {
        format!("{} kB", bytes.div_ceil(1024))
    }
}

/// Why a draft was compiled, as the catalogue says it; a trigger it does
/// not know is shown as the service gave it.
fn trigger(lang: Lang, t: &str) -> String {
    match t {
        "on_demand"
        | "inputs_changed"
        | "compile_date"
        | "advanced_to_drafting"
        | "secretariat_text" => i18n::text(lang, &format!("trigger-{t}")),
        other => other.to_string(),
    }
}

/// A format's slug in addresses (its name in the catalogue is
/// `format-<slug>`), its media type and extension.
fn format_of(format: DraftFormat) -> Option<(&'static str, &'static str, &'static str)> {
    Some(match format {
        DraftFormat::Docx => (
            "docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "docx",
        ),
        DraftFormat::Html => ("html", "text/html; charset=utf-8", "html"),
        DraftFormat::Markdown => ("markdown", "text/markdown; charset=utf-8", "md"),
        DraftFormat::Json => ("json", "application/json", "json"),
        DraftFormat::Xlsx => (
            "xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "xlsx",
        ),
        DraftFormat::SdmxCsv => ("sdmx-csv", "text/csv; charset=utf-8", "sdmx.csv"),
        DraftFormat::Unspecified => return None,
    })
}

/// The formats a draft comes in, in the order the pages offer them.
const FORMATS: [DraftFormat; 6] = [
    DraftFormat::Docx,
    DraftFormat::Html,
    DraftFormat::Markdown,
    DraftFormat::Json,
    DraftFormat::Xlsx,
    DraftFormat::SdmxCsv,
];

fn format_named(slug: &str) -> Option<DraftFormat> {
    FORMATS
        .into_iter()
        .find(|f| format_of(*f).is_some_and(|(s, ..)| s == slug))
}

#[derive(Template)]
#[template(path = "cycle.html")]
struct CyclePage {
    chrome: Chrome,
    id: String,
    title: String,
    phase: String,
    symbol: String,
    steps: Vec<Step>,
    history: Vec<Change>,
    dashboard: Option<Dashboard>,
    drafts: Vec<DraftRow>,
    latest: Option<DraftRow>,
    can_advance: bool,
    next_phase: String,
    compile_request: String,
    problem: Problem,
}

fn steps(lang: Lang, cycle: &Cycle) -> Vec<Step> {
    let s = cycle.schedule.unwrap_or_default();
    let today = time::OffsetDateTime::now_utc().date();
    let passed = |d: &imrf_proto::v1::Date| {
        time::Month::try_from(u8::try_from(d.month).unwrap_or(1))
            .ok()
            .and_then(|m| {
                time::Date::from_calendar_date(d.year, m, u8::try_from(d.day).unwrap_or(1)).ok()
            })
            .is_some_and(|d| d < today)
    };
    [
        (s.collection_start, "step-collection-start"),
        (s.regional_review_deadline, "step-regional-reviews"),
        (s.national_report_deadline, "step-national-reports"),
        (s.practices_cutoff, "step-practices-cutoff"),
        (s.compile_date, "step-compile"),
        (s.plenary_date, "step-plenary"),
    ]
    .into_iter()
    .filter_map(|(d, key)| {
        d.map(|d| Step {
            date: labels::date(lang, &d),
            what: i18n::text(lang, key),
            passed: passed(&d),
        })
    })
    .collect()
}

/// Why the schedule moved a cycle on, as a sentence.
fn deadline_reason(lang: Lang, d: i32) -> String {
    let key = match Deadline::try_from(d).unwrap_or_default() {
        Deadline::Unspecified => return String::new(),
        Deadline::CollectionStart => "deadline-collection-start",
        Deadline::RegionalReviews => "deadline-regional-reviews",
        Deadline::NationalReports => "deadline-national-reports",
        Deadline::PracticesCutoff => "deadline-practices-cutoff",
        Deadline::Compile => "deadline-compile",
        Deadline::Plenary => "deadline-plenary",
    };
    i18n::text(lang, key)
}

fn next_phase(phase: i32) -> Option<CyclePhase> {
    match CyclePhase::try_from(phase).unwrap_or_default() {
        CyclePhase::Open => Some(CyclePhase::Collecting),
        CyclePhase::Collecting => Some(CyclePhase::Consolidating),
        CyclePhase::Consolidating => Some(CyclePhase::Drafting),
        CyclePhase::Drafting => Some(CyclePhase::Issued),
        CyclePhase::Issued | CyclePhase::Unspecified => None,
    }
}

async fn cycle_of(state: &State, visitor: &Visitor, id: &str) -> Result<Cycle, Response> {
    let request = GetCycleRequest {
        cycle_id: id.to_string(),
    };
    match state.backend.cycles(visitor).get_cycle(request).await {
        Ok(r) => Ok(r.into_inner().cycle.unwrap_or_default()),
        Err(status) => Err(failed_page(visitor, &status)),
    }
}

async fn cycle_page(
    state: &State,
    visitor: &Visitor,
    id: &str,
    compile_request: String,
    problem: Problem,
) -> Result<CyclePage, Response> {
    let cycle = cycle_of(state, visitor, id).await?;
    let secretariat = visitor.is(RoleKind::Secretariat);
    let (dashboard, drafts) = if secretariat {
        let aggregate = state
            .backend
            .national(visitor)
            .get_aggregate(GetAggregateRequest {
                cycle_id: id.to_string(),
                ..Default::default()
            })
            .await
            .map_err(|s| failed_page(visitor, &s))?
            .into_inner()
            .aggregate
            .unwrap_or_default();
        let drafts = state
            .backend
            .drafts(visitor)
            .list_drafts(ListDraftsRequest {
                cycle_id: id.to_string(),
                page_size: 20,
                page_token: String::new(),
            })
            .await
            .map_err(|s| failed_page(visitor, &s))?
            .into_inner()
            .drafts;
        (
            Some(Dashboard::of(visitor.lang, &aggregate)),
            drafts
                .iter()
                .map(|d| DraftRow::of(visitor.lang, d))
                .collect(),
        )
    } else {
        (None, Vec::new())
    };
    let history = cycle
        .history
        .iter()
        .map(|h| Change {
            when: time_of(visitor.lang, h.at.as_ref()),
            change: i18n::with(
                visitor.lang,
                "phase-change",
                &[
                    ("from", labels::phase(visitor.lang, h.from).into()),
                    ("to", labels::phase(visitor.lang, h.to).into()),
                ],
            ),
            why: if h.actor.is_empty() {
                deadline_reason(visitor.lang, h.deadline)
            } else if h.reason.is_empty() {
                visitor.t1("advanced-by", "actor", &h.actor)
            } else {
                i18n::with(
                    visitor.lang,
                    "advanced-by-because",
                    &[
                        ("actor", h.actor.clone().into()),
                        ("reason", h.reason.clone().into()),
                    ],
                )
            },
        })
        .collect();
    let next = next_phase(cycle.phase);
    Ok(CyclePage {
        chrome: visitor.chrome(cycle.title.clone()),
        id: cycle.cycle_id.clone(),
        title: cycle.title.clone(),
        phase: labels::phase(visitor.lang, cycle.phase),
        symbol: cycle.document_symbol.clone(),
        steps: steps(visitor.lang, &cycle),
        history,
        dashboard,
        drafts,
        latest: cycle
            .latest_draft
            .as_ref()
            .map(|d| DraftRow::of(visitor.lang, d)),
        can_advance: secretariat && next.is_some(),
        next_phase: next.map_or_else(String::new, |p| labels::phase(visitor.lang, p as i32)),
        compile_request,
        problem,
    })
}

pub(crate) async fn page(
    Extract(state): Extract<State>,
    Extension(visitor): Extension<Visitor>,
    Path(id): Path<String>,
) -> Response {
    match cycle_page(&state, &visitor, &id, request_id(), Problem::default()).await {
        Ok(page) => render(&page),
        Err(response) => response,
    }
}

/// The dashboard again at every new version of the aggregate, as an SSE
/// event the page swaps in; the stream ends when the visitor leaves or the
/// service goes away (the browser reconnects on its own).
pub(crate) async fn live(
    Extract(state): Extract<State>,
    Extension(visitor): Extension<Visitor>,
    Path(id): Path<String>,
) -> Response {
    let request = WatchAggregateRequest { cycle_id: id };
    let stream = match state
        .backend
        .national(&visitor)
        .watch_aggregate(request)
        .await
    {
        Ok(r) => r.into_inner(),
        Err(status) => return failed_page(&visitor, &status),
    };
    let lang = visitor.lang;
    let events = stream
        .take_while(|item| std::future::ready(item.is_ok()))
        .filter_map(move |item| async move {
            let aggregate = item.ok()?.aggregate?;
            let html = Dashboard::of(lang, &aggregate).render().ok()?;
            Some(Ok::<_, Infallible>(
                Event::default().event("aggregate").data(html),
            ))
        });
    Sse::new(events)
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
        .into_response()
}

#[derive(Template)]
#[template(path = "advance.html")]
struct AdvancePage {
    chrome: Chrome,
    id: String,
    title: String,
    phase: String,
    next_phase: String,
    expected: i32,
    request_id: String,
    reason: String,
    problem: Problem,
}

impl AdvancePage {
    fn heading(&self) -> String {
        crate::i18n::with(
            self.chrome.lang,
            "advance-title",
            &[
                ("title", self.title.clone().into()),
                ("phase", self.next_phase.clone().into()),
            ],
        )
    }
}

pub(crate) async fn advance_confirm(
    Extract(state): Extract<State>,
    Extension(visitor): Extension<Visitor>,
    Path(id): Path<String>,
) -> Response {
    let cycle = match cycle_of(&state, &visitor, &id).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let Some(next) = next_phase(cycle.phase) else {
        return see_other(&format!("/cycles/{id}"));
    };
    render(&AdvancePage {
        chrome: visitor.chrome(visitor.t("advance-page")),
        id,
        title: cycle.title.clone(),
        phase: labels::phase(visitor.lang, cycle.phase),
        next_phase: labels::phase(visitor.lang, next as i32),
        expected: cycle.phase,
        request_id: request_id(),
        reason: String::new(),
        problem: Problem::default(),
    })
}

pub(crate) async fn advance(
    Extract(state): Extract<State>,
    Extension(visitor): Extension<Visitor>,
    Path(id): Path<String>,
    form: Form,
) -> Response {
    let expected: i32 = form.text("expected_phase").parse().unwrap_or(0);
    let request = AdvanceCycleRequest {
        request_id: request_id_of(&form),
        cycle_id: id.clone(),
        expected_phase: expected,
        reason: form.text("reason"),
    };
    match state
        .backend
        .cycles(&visitor)
        .advance_cycle(request.clone())
        .await
    {
        Ok(_) => see_other(&format!("/cycles/{id}")),
        Err(status) => {
            let problem = Problem::from_status(visitor.lang, &status);
            render_with(
                problem.status(),
                &AdvancePage {
                    chrome: visitor.chrome(visitor.t("advance-page")),
                    title: form.text("title"),
                    phase: labels::phase(visitor.lang, expected),
                    next_phase: next_phase(expected)
                        .map_or_else(String::new, |p| labels::phase(visitor.lang, p as i32)),
                    id,
                    expected,
                    request_id: request.request_id,
                    reason: request.reason,
                    problem,
                },
            )
        }
    }
}

pub(crate) async fn compile(
    Extract(state): Extract<State>,
    Extension(visitor): Extension<Visitor>,
    Path(id): Path<String>,
    form: Form,
) -> Response {
    let request = CompileDraftRequest {
        request_id: request_id_of(&form),
        cycle_id: id.clone(),
    };
    match state
        .backend
        .drafts(&visitor)
        .compile_draft(request.clone())
        .await
    {
        Ok(r) => {
            let version = r.into_inner().draft.map_or(0, |d| d.version);
            see_other(&format!("/cycles/{id}/drafts/{version}"))
        }
        Err(status) => {
            // The same request id again: a retry after an outage cannot
            // compile twice.
            let problem = Problem::from_status(visitor.lang, &status);
            match cycle_page(&state, &visitor, &id, request.request_id, problem).await {
                Ok(page) => render_with(page.problem.status(), &page),
                Err(r) => r,
            }
        }
    }
}

#[derive(Template)]
#[template(path = "draft.html")]
struct DraftPage {
    chrome: Chrome,
    id: String,
    title: String,
    draft: DraftRow,
}

async fn draft_info(
    state: &State,
    visitor: &Visitor,
    id: &str,
    version: u32,
) -> Result<DraftInfo, Response> {
    let drafts = state
        .backend
        .drafts(visitor)
        .list_drafts(ListDraftsRequest {
            cycle_id: id.to_string(),
            page_size: 1000,
            page_token: String::new(),
        })
        .await
        .map_err(|s| failed_page(visitor, &s))?
        .into_inner()
        .drafts;
    drafts
        .into_iter()
        .find(|d| d.version == version)
        .ok_or_else(|| {
            crate::web::message_page(
                Some(visitor),
                StatusCode::NOT_FOUND,
                &visitor.t("no-such-draft"),
                &i18n::with(
                    visitor.lang,
                    "no-such-draft-detail",
                    &[("cycle", id.into()), ("version", version.into())],
                ),
            )
        })
}

pub(crate) async fn preview(
    Extract(state): Extract<State>,
    Extension(visitor): Extension<Visitor>,
    Path((id, version)): Path<(String, u32)>,
) -> Response {
    let cycle = match cycle_of(&state, &visitor, &id).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let draft = match draft_info(&state, &visitor, &id, version).await {
        Ok(d) => d,
        Err(r) => return r,
    };
    render(&DraftPage {
        chrome: visitor.chrome(i18n::with(
            visitor.lang,
            "draft-of",
            &[
                ("version", version.into()),
                ("title", cycle.title.clone().into()),
            ],
        )),
        id,
        title: cycle.title,
        draft: DraftRow::of(visitor.lang, &draft),
    })
}

/// A draft's bytes in one format: a download, or with `?inline` the HTML
/// shown in the preview's frame, sandboxed (the draft's own styles, no
/// script).
pub(crate) async fn download(
    Extract(state): Extract<State>,
    Extension(visitor): Extension<Visitor>,
    Path((id, version, slug)): Path<(String, u32, String)>,
    RawQuery(query): RawQuery,
) -> Response {
    let Some(format) = format_named(&slug) else {
        return crate::web::message_page(
            Some(&visitor),
            StatusCode::NOT_FOUND,
            &visitor.t("no-such-format"),
            &visitor.t("no-such-format-detail"),
        );
    };
    let request = GetDraftRequest {
        cycle_id: id.clone(),
        version,
        format: format as i32,
    };
    let mut stream = match state.backend.drafts(&visitor).get_draft(request).await {
        Ok(r) => r.into_inner(),
        Err(status) => return failed_page(&visitor, &status),
    };
    let mut bytes = Vec::new();
    while let Some(chunk) = stream.next().await {
        match chunk {
            Ok(c) => bytes.extend_from_slice(&c.chunk),
            Err(status) => return failed_page(&visitor, &status),
        }
    }
    let Some((_, media, extension)) = format_of(format) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let inline = format == DraftFormat::Html && query.as_deref() == Some("inline");
    let mut response = Response::new(Body::from(bytes));
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(media));
    if inline {
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'; sandbox",
            ),
        );
        headers.insert(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("SAMEORIGIN"),
        );
    } else {
        let name = format!("imrf-{id}-draft-{version}.{extension}");
        let name: String = name
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_'))
            .collect();
        if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
            headers.insert(header::CONTENT_DISPOSITION, value);
        }
    }
    response
}
