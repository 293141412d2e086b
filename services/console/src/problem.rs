//! A service's refusal as a person meets it: a sentence they can act on,
//! and each field violation next to the field it concerns (by the
//! `google.rpc.BadRequest` field path the service gave).

use std::collections::BTreeMap;

use axum::http::StatusCode;
use axum::response::Response;
use tonic::{Code, Status};
use tonic_types::StatusExt as _;

use crate::i18n::{self, Lang};
use crate::web::{Visitor, message_page};

/// What went wrong with a call, for a page.
#[derive(Debug, Clone, Default)]
pub(crate) struct Problem {
    /// One sentence for the top of the form.
    pub summary: String,
    /// Field path (`details.title`, `report.objectives[3].narrative`) to what
    /// is wrong with it.
    pub fields: BTreeMap<String, String>,
    /// The service could not be reached: the same request may be sent again.
    pub unavailable: bool,
}

/// `text` with its first letter in capitals and a full stop.
fn sentence(text: &str) -> String {
    let text = text.trim().trim_end_matches('.');
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => format!("{}{}.", first.to_uppercase(), chars.as_str()),
        None => String::new(),
    }
}

/// A field violation as a sentence beside its field: the services describe
/// a field by what is wrong with it ("is required", "must be ..."), so
/// those read as "This field is required."
fn beside_field(lang: Lang, description: &str) -> String {
    let predicate = ["is ", "are ", "must ", "has ", "needs ", "names "]
        .iter()
        .any(|p| description.starts_with(p));
    if predicate {
        sentence(&i18n::with(
            lang,
            "this-field",
            &[("description", description.to_string().into())],
        ))
    } else {
        sentence(description)
    }
}

impl Problem {
    /// The problem `status` gives, said in `lang` (what the service says
    /// itself stays in the service's words).
    pub fn from_status(lang: Lang, status: &Status) -> Self {
        let fields: BTreeMap<String, String> = status
            .get_details_bad_request()
            .map(|bad| {
                bad.field_violations
                    .iter()
                    .map(|v| (v.field.clone(), beside_field(lang, &v.description)))
                    .collect()
            })
            .unwrap_or_default();
        let unavailable = is_outage(status);
        let said = sentence(status.message());
        let with_message = |key: &str| i18n::with(lang, key, &[("message", said.clone().into())]);
        let summary = match status.code() {
            _ if unavailable => i18n::text(lang, "problem-unavailable"),
            Code::InvalidArgument if !fields.is_empty() => {
                i18n::with(lang, "problem-fields", &[("count", fields.len().into())])
            }
            Code::Unauthenticated => i18n::text(lang, "problem-unauthenticated"),
            Code::PermissionDenied => with_message("problem-denied"),
            Code::Aborted => with_message("problem-changed"),
            Code::Internal | Code::Unknown | Code::DataLoss => i18n::text(lang, "problem-internal"),
            _ => with_message("problem-other"),
        };
        Self {
            summary,
            fields,
            unavailable,
        }
    }

    /// The HTTP status of the page that shows the refused form: 503 when
    /// the service could not be reached (send again), else 422.
    pub fn status(&self) -> StatusCode {
        if self.unavailable {
            StatusCode::SERVICE_UNAVAILABLE
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        }
    }

    /// A problem the console found itself, before sending anything.
    pub fn with_summary(summary: &str) -> Self {
        Self {
            summary: summary.to_string(),
            ..Self::default()
        }
    }

    /// What is wrong with the field at `path`.
    pub fn field(&self, path: &str) -> Option<&str> {
        self.fields.get(path).map(String::as_str)
    }

    /// What is wrong at `path` or below it (`report.objectives[2]` gathers
    /// `report.objectives[2].narrative`), as one text.
    pub fn under(&self, path: &str) -> Option<String> {
        self.fields
            .iter()
            .filter(|(p, _)| {
                p.as_str() == path
                    || p.starts_with(&format!("{path}."))
                    || p.starts_with(&format!("{path}["))
            })
            .map(|(_, d)| d.clone())
            .reduce(|a, b| format!("{a} {b}"))
    }

    /// Every violation, for a form that shows none next to a field.
    pub fn all(&self) -> Vec<(String, String)> {
        self.elsewhere(&[])
    }

    /// The violations under none of `shown`'s fields (nor below them), so
    /// the form lists them at its top rather than hiding them.
    pub fn elsewhere(&self, shown: &[&str]) -> Vec<(String, String)> {
        self.fields
            .iter()
            .filter(|(path, _)| {
                !shown.iter().any(|s| {
                    path.as_str() == *s
                        || path.starts_with(&format!("{s}["))
                        || path.starts_with(&format!("{s}."))
                })
            })
            .map(|(p, d)| (p.clone(), d.clone()))
            .collect()
    }
}

/// Whether `status` means the service (or the bus behind it) could not be
/// reached, so the same request may be sent again.
pub(crate) fn is_outage(status: &Status) -> bool {
    match status.code() {
        Code::Unavailable | Code::DeadlineExceeded | Code::Cancelled => true,
        // Shed for load: retry after a back-off.
        Code::ResourceExhausted => status.get_details_retry_info().is_some(),
        _ => false,
    }
}

/// The page for a read that failed: a missing record, a refusal, an outage.
pub(crate) fn failed_page(visitor: &Visitor, status: &Status) -> Response {
    let lang = visitor.lang;
    let said = sentence(status.message());
    let (code, heading, text) = match status.code() {
        Code::NotFound => (StatusCode::NOT_FOUND, "failed-not-found", said),
        Code::Unauthenticated => (
            StatusCode::UNAUTHORIZED,
            "failed-sign-in",
            i18n::text(lang, "failed-sign-in-detail"),
        ),
        Code::PermissionDenied => (
            StatusCode::FORBIDDEN,
            "failed-denied",
            i18n::with(lang, "failed-denied-detail", &[("message", said.into())]),
        ),
        Code::InvalidArgument => (StatusCode::BAD_REQUEST, "failed-address", said),
        _ if is_outage(status) => (
            StatusCode::SERVICE_UNAVAILABLE,
            "failed-unavailable",
            i18n::text(lang, "failed-unavailable-detail"),
        ),
        _ => {
            tracing::error!(code = ?status.code(), message = status.message(), "service call failed");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "failed-internal",
                i18n::text(lang, "failed-internal-detail"),
            )
        }
    };
    message_page(Some(visitor), code, &i18n::text(lang, heading), &text)
}
