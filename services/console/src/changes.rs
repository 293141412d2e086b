//! What changed between two drafts of a cycle (DiffDrafts): the inputs
//! revised, added or removed, the paragraphs added, removed or reworded,
//! and the figures whose value moved, with the inputs that moved them. It
//! is what the secretariat reads before sending a new draft on.

use askama::Template;
use axum::extract::{Extension, Path, RawQuery, State as Extract};
use axum::http::StatusCode;
use axum::response::Response;
use imrf_proto::v1::{ChangeKind, DiffDraftsRequest, InputChange};

use crate::State;
use crate::labels;
use crate::problem::failed_page;
use crate::web::{Chrome, Form, Visitor, message_page, render};

/// An input as a line of the page, with a link where the console shows it.
#[derive(Debug, Clone)]
struct Input {
    what: String,
    link: Option<String>,
    change: String,
}

impl Input {
    fn of(c: &InputChange) -> Self {
        let (what, link) =
            c.to.as_ref()
                .or(c.from.as_ref())
                .map(labels::source)
                .unwrap_or_default();
        let change = match (&c.from, &c.to) {
            (Some(a), Some(b)) => format!("Revised: revision {} to {}", a.revision, b.revision),
            (None, Some(b)) => format!("Added, at revision {}", b.revision),
            (Some(a), None) => format!("Removed (was revision {})", a.revision),
            (None, None) => String::new(),
        };
        Self { what, link, change }
    }
}

#[derive(Debug, Clone)]
struct Paragraph {
    kind: &'static str,
    place: String,
    before: String,
    after: String,
}

#[derive(Debug, Clone)]
struct Figure {
    place: String,
    before: String,
    after: String,
    unit: String,
    moved_by: Vec<Input>,
}

#[derive(Template)]
#[template(path = "changes.html")]
struct ChangesPage {
    chrome: Chrome,
    id: String,
    from: u32,
    to: u32,
    earlier: Vec<u32>,
    inputs: Vec<Input>,
    paragraphs: Vec<Paragraph>,
    figures: Vec<Figure>,
}

fn place(section: &str, number: u32) -> String {
    match (section, number) {
        ("summary", _) => "Summary".to_string(),
        (s, 0) => format!("Chapter {s}"),
        (s, n) if s.starts_with("Annex") => format!("{s}, {n}"),
        (s, n) => format!("Chapter {s}, paragraph {n}"),
    }
}

/// `/cycles/{id}/drafts/{version}/changes?from=N`: draft `version` against
/// draft N (by default the one before it).
pub(crate) async fn page(
    Extract(state): Extract<State>,
    Extension(visitor): Extension<Visitor>,
    Path((id, to)): Path<(String, u32)>,
    RawQuery(raw): RawQuery,
) -> Response {
    let query = Form::parse(raw.unwrap_or_default().as_bytes());
    let from = query
        .text("from")
        .parse::<u32>()
        .unwrap_or_else(|_| to.saturating_sub(1));
    if from == 0 || from >= to {
        return message_page(
            Some(&visitor),
            StatusCode::NOT_FOUND,
            "Nothing to compare",
            &format!(
                "Draft {to} can be compared with an earlier draft of the cycle, from 1 to {}.",
                to.saturating_sub(1)
            ),
        );
    }
    let request = DiffDraftsRequest {
        cycle_id: id.clone(),
        from_version: from,
        to_version: to,
    };
    let diff = match state.backend.drafts(&visitor).diff_drafts(request).await {
        Ok(r) => r.into_inner(),
        Err(status) => return failed_page(&visitor, &status),
    };
    let paragraphs = diff
        .paragraphs
        .iter()
        .map(|p| match ChangeKind::try_from(p.kind).unwrap_or_default() {
            ChangeKind::Added => Paragraph {
                kind: "Added",
                place: place(&p.section, p.to_number),
                before: String::new(),
                after: p.to_text.clone(),
            },
            ChangeKind::Removed => Paragraph {
                kind: "Removed",
                place: place(&p.section, p.from_number),
                before: p.from_text.clone(),
                after: String::new(),
            },
            _ => Paragraph {
                kind: "Reworded",
                place: if p.from_number != p.to_number && p.from_number > 0 {
                    format!("{} (was {})", place(&p.section, p.to_number), p.from_number)
                } else {
                    place(&p.section, p.to_number)
                },
                before: p.from_text.clone(),
                after: p.to_text.clone(),
            },
        })
        .collect();
    let figures = diff
        .figures
        .iter()
        .map(|f| Figure {
            place: if f.to_location == "summary" {
                "Summary".to_string()
            } else {
                format!("Paragraph {}", f.to_location)
            },
            before: f.from_display.clone(),
            after: f.to_display.clone(),
            unit: f.unit.clone(),
            moved_by: f.moved_by.iter().map(Input::of).collect(),
        })
        .collect();
    render(&ChangesPage {
        chrome: visitor.chrome(format!("Draft {to} against draft {from}")),
        earlier: (1..to).rev().collect(),
        inputs: diff.inputs.iter().map(Input::of).collect(),
        paragraphs,
        figures,
        id,
        from,
        to,
    })
}
