//! The curators' work: the queue of practices awaiting review, longest
//! waiting first, with those whose reviews disagree marked; the review page
//! with the whole practice, its focal point and its history; the decision.
//! A curator is never offered a practice they submitted themselves.

use askama::Template;
use axum::extract::{Extension, Path, State as Extract};
use axum::response::Response;
use imrf_proto::v1::{
    CriterionMark, GetPracticeHistoryRequest, GetPracticeRequest, PracticeStatus, ReviewCriterion,
    ReviewDecision, ReviewPracticeRequest, SearchOrder, SearchPracticesRequest,
};

use crate::State;
use crate::i18n::{self, Lang};
use crate::labels;
use crate::practices::Shown;
use crate::problem::{Problem, failed_page};
use crate::web::{
    Chrome, Form, Visitor, render, render_with, request_id, request_id_of, see_other,
};

/// Practices per page of the queue.
const QUEUE_PAGE: u32 = 50;

#[derive(Debug, Clone)]
struct Waiting {
    id: String,
    title: String,
    status: String,
    since: String,
    revision: u32,
    approvals: u32,
    further: bool,
    organization: String,
}

#[derive(Template)]
#[template(path = "queue.html")]
struct QueuePage {
    chrome: Chrome,
    waiting: Vec<Waiting>,
    own: u32,
    total: u32,
    next: Option<String>,
}

pub(crate) async fn queue(
    Extract(state): Extract<State>,
    Extension(visitor): Extension<Visitor>,
    axum::extract::RawQuery(raw): axum::extract::RawQuery,
) -> Response {
    let page = Form::parse(raw.unwrap_or_default().as_bytes()).text("page");
    let request = SearchPracticesRequest {
        statuses: vec![
            PracticeStatus::Submitted as i32,
            PracticeStatus::InReview as i32,
        ],
        order: SearchOrder::OldestFirst as i32,
        page_size: QUEUE_PAGE,
        page_token: page,
        ..Default::default()
    };
    let found = match state
        .backend
        .practices(&visitor)
        .search_practices(request)
        .await
    {
        Ok(r) => r.into_inner(),
        Err(status) => return failed_page(&visitor, &status),
    };
    let me = visitor.subject().unwrap_or_default();
    let (own, others): (Vec<_>, Vec<_>) = found
        .results
        .iter()
        .partition(|p| p.meta.as_ref().is_some_and(|m| m.submitted_by == me));
    let waiting = others
        .iter()
        .map(|p| {
            let d = p.details.clone().unwrap_or_default();
            let meta = p.meta.clone().unwrap_or_default();
            Waiting {
                id: p.practice_id.clone(),
                title: d.title,
                status: labels::practice_status(visitor.lang, p.status),
                since: labels::day(visitor.lang, meta.accepted_at.as_ref()),
                revision: p.revision,
                approvals: p.approvals,
                further: p.needs_further_review,
                organization: d.submitter_organization,
            }
        })
        .collect();
    render(&QueuePage {
        chrome: visitor.chrome(visitor.t("nav-curation")),
        waiting,
        own: u32::try_from(own.len()).unwrap_or(u32::MAX),
        total: found.total,
        next: (!found.next_page_token.is_empty())
            .then(|| format!("/curation?page={}", found.next_page_token)),
    })
}

#[derive(Debug, Clone)]
struct StepRow {
    when: String,
    action: String,
    actor: String,
    revision: u32,
    note: String,
    marks: String,
}

#[derive(Debug, Clone)]
struct Criterion {
    name: String,
    label: String,
    chosen: String,
}

#[derive(Template)]
#[template(path = "review.html")]
struct ReviewPage {
    chrome: Chrome,
    practice: Shown,
    contact: Option<(String, String, String, String)>,
    history: Vec<StepRow>,
    open: bool,
    own: bool,
    request_id: String,
    decision: String,
    note: String,
    criteria: Vec<Criterion>,
    problem: Problem,
}

/// The criteria a curator marks (their words are `criterion-<NAME>`).
const CRITERIA: [ReviewCriterion; 5] = [
    ReviewCriterion::Relevance,
    ReviewCriterion::GuidingPrinciples,
    ReviewCriterion::Innovation,
    ReviewCriterion::Replicability,
    ReviewCriterion::EvidenceOfResults,
];

fn criterion_label(lang: Lang, c: ReviewCriterion) -> String {
    i18n::text(lang, &format!("criterion-{}", c.as_str_name()))
}

/// What a curation step did, as the history says it: a decision, or the
/// step's action (`action-<name>`; an action the catalogue does not know
/// is shown as the service names it).
fn step_label(lang: Lang, decision: i32, action: &str) -> String {
    let decided = match ReviewDecision::try_from(decision).unwrap_or_default() {
        ReviewDecision::Unspecified => None,
        d => Some(d.as_str_name()),
    };
    match decided {
        Some(d) => i18n::text(lang, &format!("decided-{d}")),
        None => i18n::known(lang, &format!("action-{action}"))
            .unwrap_or_else(|| action.replace('_', " ")),
    }
}

async fn load_review(
    state: &State,
    visitor: &Visitor,
    id: &str,
    form: Option<&Form>,
    problem: Problem,
) -> Result<ReviewPage, Response> {
    let practice = state
        .backend
        .practices(visitor)
        .get_practice(GetPracticeRequest {
            practice_id: id.to_string(),
            curator_view: true,
        })
        .await
        .map_err(|s| failed_page(visitor, &s))?
        .into_inner()
        .practice
        .unwrap_or_default();
    let steps = state
        .backend
        .practices(visitor)
        .get_practice_history(GetPracticeHistoryRequest {
            practice_id: id.to_string(),
        })
        .await
        .map_err(|s| failed_page(visitor, &s))?
        .into_inner()
        .steps;
    let history = steps
        .iter()
        .map(|s| StepRow {
            when: labels::day(visitor.lang, s.occurred_at.as_ref()),
            action: step_label(visitor.lang, s.decision, &s.action),
            actor: s.actor.clone(),
            revision: s.revision,
            note: s.note.clone(),
            marks: s
                .marks
                .iter()
                .filter_map(|m| {
                    let c = CRITERIA.into_iter().find(|c| *c as i32 == m.criterion)?;
                    Some(i18n::with(
                        visitor.lang,
                        "mark-of-five",
                        &[
                            ("criterion", criterion_label(visitor.lang, c).into()),
                            ("mark", m.mark.into()),
                        ],
                    ))
                })
                .collect::<Vec<_>>()
                .join("; "),
        })
        .collect();
    let shown = Shown::of(visitor.lang, &practice);
    let own = visitor.subject() == Some(shown.submitter.as_str());
    let open = matches!(
        PracticeStatus::try_from(practice.status).unwrap_or_default(),
        PracticeStatus::Submitted | PracticeStatus::InReview
    );
    let contact = practice.focal_point.as_ref().map(|f| {
        (
            f.name.clone(),
            f.email.clone(),
            f.organization.clone(),
            f.phone.clone(),
        )
    });
    let text = |name: &str| form.map(|f| f.text(name)).unwrap_or_default();
    Ok(ReviewPage {
        chrome: visitor.chrome(visitor.t1("review-page", "title", &shown.title)),
        contact,
        history,
        open,
        own,
        request_id: form.map_or_else(request_id, request_id_of),
        decision: text("decision"),
        note: text("note"),
        criteria: CRITERIA
            .iter()
            .map(|c| Criterion {
                name: c.as_str_name().to_string(),
                label: criterion_label(visitor.lang, *c),
                chosen: text(c.as_str_name()),
            })
            .collect(),
        practice: shown,
        problem,
    })
}

pub(crate) async fn review_page(
    Extract(state): Extract<State>,
    Extension(visitor): Extension<Visitor>,
    Path(id): Path<String>,
) -> Response {
    match load_review(&state, &visitor, &id, None, Problem::default()).await {
        Ok(page) => render(&page),
        Err(r) => r,
    }
}

pub(crate) async fn review(
    Extract(state): Extract<State>,
    Extension(visitor): Extension<Visitor>,
    Path(id): Path<String>,
    form: Form,
) -> Response {
    let decision = ReviewDecision::from_str_name(&form.text("decision")).map_or(0, |d| d as i32);
    let marks = CRITERIA
        .iter()
        .filter_map(|c| {
            let mark: u32 = form.text(c.as_str_name()).parse().ok()?;
            Some(CriterionMark {
                criterion: *c as i32,
                mark,
            })
        })
        .collect();
    let request = ReviewPracticeRequest {
        request_id: request_id_of(&form),
        practice_id: id.clone(),
        revision: form.text("revision").parse().unwrap_or(0),
        decision,
        note: form.text("note"),
        marks,
    };
    match state
        .backend
        .practices(&visitor)
        .review_practice(request)
        .await
    {
        Ok(_) => see_other(&format!("/curation/{id}")),
        Err(status) => {
            let problem = Problem::from_status(visitor.lang, &status);
            let code = problem.status();
            match load_review(&state, &visitor, &id, Some(&form), problem).await {
                Ok(page) => render_with(code, &page),
                Err(r) => r,
            }
        }
    }
}
