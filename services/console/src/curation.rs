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
    own: usize,
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
                since: crate::cycles::day_on(meta.accepted_at.as_ref()),
                revision: p.revision,
                approvals: p.approvals,
                further: p.needs_further_review,
                organization: d.submitter_organization,
            }
        })
        .collect();
    render(&QueuePage {
        chrome: visitor.chrome("Curation queue"),
        waiting,
        own: own.len(),
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
    label: &'static str,
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

const CRITERIA: [(ReviewCriterion, &str); 5] = [
    (
        ReviewCriterion::Relevance,
        "Relevance to the objectives it claims",
    ),
    (
        ReviewCriterion::GuidingPrinciples,
        "Adherence to the guiding principles",
    ),
    (ReviewCriterion::Innovation, "Innovation"),
    (ReviewCriterion::Replicability, "Replicability"),
    (ReviewCriterion::EvidenceOfResults, "Evidence of results"),
];

fn decision_label(d: i32) -> &'static str {
    match ReviewDecision::try_from(d).unwrap_or_default() {
        ReviewDecision::Approve => "approved",
        ReviewDecision::RequestChanges => "asked for changes",
        ReviewDecision::Reject => "rejected",
        ReviewDecision::Unspecified => "",
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
            when: crate::cycles::day_on(s.occurred_at.as_ref()),
            action: match decision_label(s.decision) {
                "" => s.action.replace('_', " "),
                d => d.to_string(),
            },
            actor: s.actor.clone(),
            revision: s.revision,
            note: s.note.clone(),
            marks: s
                .marks
                .iter()
                .filter_map(|m| {
                    let (_, label) = CRITERIA.iter().find(|(c, _)| *c as i32 == m.criterion)?;
                    Some(format!("{label}: {} of 5", m.mark))
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
        chrome: visitor.chrome(format!("Review: {}", shown.title)),
        contact,
        history,
        open,
        own,
        request_id: form.map_or_else(request_id, request_id_of),
        decision: text("decision"),
        note: text("note"),
        criteria: CRITERIA
            .iter()
            .map(|(c, label)| Criterion {
                name: c.as_str_name().to_string(),
                label,
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
        .filter_map(|(c, _)| {
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
            let problem = Problem::from_status(&status);
            let code = problem.status();
            match load_review(&state, &visitor, &id, Some(&form), problem).await {
                Ok(page) => render_with(code, &page),
                Err(r) => r,
            }
        }
    }
}
