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
use crate::i18n::{self, Lang};
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
    fn of(lang: Lang, c: &InputChange) -> Self {
        let (what, link) =
            c.to.as_ref()
                .or(c.from.as_ref())
                .map(|s| labels::source(lang, s))
                .unwrap_or_default();
        let change = match (&c.from, &c.to) {
            (Some(a), Some(b)) => i18n::with(
                lang,
                "input-revised",
                &[("from", a.revision.into()), ("to", b.revision.into())],
            ),
            (None, Some(b)) => i18n::with(lang, "input-added", &[("revision", b.revision.into())]),
            (Some(a), None) => {
                i18n::with(lang, "input-removed", &[("revision", a.revision.into())])
            }
            (None, None) => String::new(),
        };
        Self { what, link, change }
    }
}

#[derive(Debug, Clone)]
struct Paragraph {
    kind: String,
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

impl ChangesPage {
    fn heading(&self) -> String {
        i18n::with(
            self.chrome.lang,
            "changes-title",
            &[("from", self.from.into()), ("to", self.to.into())],
        )
    }
}

fn place(lang: Lang, section: &str, number: u32) -> String {
    let args = [
        ("section", section.to_string().into()),
        ("number", number.into()),
    ];
    match (section, number) {
        ("summary", _) => i18n::text(lang, "summary"),
        (_, 0) => i18n::with(lang, "place-chapter", &args),
        (s, _) if s.starts_with("Annex") => i18n::with(lang, "place-annex", &args),
        _ => i18n::with(lang, "place-paragraph", &args),
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
            &visitor.t("nothing-to-compare"),
            &i18n::with(
                visitor.lang,
                "nothing-to-compare-detail",
                &[("to", to.into()), ("last", to.saturating_sub(1).into())],
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
    let lang = visitor.lang;
    let paragraphs = diff
        .paragraphs
        .iter()
        .map(|p| match ChangeKind::try_from(p.kind).unwrap_or_default() {
            ChangeKind::Added => Paragraph {
                kind: i18n::text(lang, "paragraph-added"),
                place: place(lang, &p.section, p.to_number),
                before: String::new(),
                after: p.to_text.clone(),
            },
            ChangeKind::Removed => Paragraph {
                kind: i18n::text(lang, "paragraph-removed"),
                place: place(lang, &p.section, p.from_number),
                before: p.from_text.clone(),
                after: String::new(),
            },
            _ => Paragraph {
                kind: i18n::text(lang, "paragraph-reworded"),
                place: if p.from_number != p.to_number && p.from_number > 0 {
                    i18n::with(
                        lang,
                        "place-was",
                        &[
                            ("place", place(lang, &p.section, p.to_number).into()),
                            ("number", p.from_number.into()),
                        ],
                    )
                } else {
                    place(lang, &p.section, p.to_number)
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
                i18n::text(lang, "summary")
            } else {
                lang.t1("paragraph-n", "number", &f.to_location)
            },
            before: f.from_display.clone(),
            after: f.to_display.clone(),
            unit: f.unit.clone(),
            moved_by: f.moved_by.iter().map(|c| Input::of(lang, c)).collect(),
        })
        .collect();
    render(&ChangesPage {
        chrome: visitor.chrome(i18n::with(
            lang,
            "draft-against",
            &[("to", to.into()), ("from", from.into())],
        )),
        earlier: (1..to).rev().collect(),
        inputs: diff.inputs.iter().map(|c| Input::of(lang, c)).collect(),
        paragraphs,
        figures,
        id,
        from,
        to,
    })
}
