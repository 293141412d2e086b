//! A service's refusal as a person meets it: a sentence they can act on,
//! and each field violation next to the field it concerns (by the
//! `google.rpc.BadRequest` field path the service gave).

use std::collections::BTreeMap;

use axum::http::StatusCode;
use axum::response::Response;
use tonic::{Code, Status};
use tonic_types::StatusExt as _;

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
fn beside_field(description: &str) -> String {
    let predicate = ["is ", "are ", "must ", "has ", "needs ", "names "]
        .iter()
        .any(|p| description.starts_with(p));
    if predicate {
        sentence(&format!("this field {description}"))
    } else {
        sentence(description)
    }
}

impl Problem {
    pub fn from_status(status: &Status) -> Self {
        let fields: BTreeMap<String, String> = status
            .get_details_bad_request()
            .map(|bad| {
                bad.field_violations
                    .iter()
                    .map(|v| (v.field.clone(), beside_field(&v.description)))
                    .collect()
            })
            .unwrap_or_default();
        let unavailable = is_outage(status);
        let summary = match status.code() {
            _ if unavailable => "The service is unavailable at the moment. Nothing was recorded, \
                and what you typed is kept below: send the form again in a moment. It is sent \
                as the same request, so it can never be recorded twice."
                .to_string(),
            Code::InvalidArgument if !fields.is_empty() => {
                let n = fields.len();
                if n == 1 {
                    "One field needs a correction; nothing was recorded.".to_string()
                } else {
                    format!("{n} fields need a correction; nothing was recorded.")
                }
            }
            Code::Unauthenticated => {
                "You are not signed in, or your sign-in has expired; nothing was recorded."
                    .to_string()
            }
            Code::PermissionDenied => format!(
                "You may not do this: {} Nothing was recorded.",
                sentence(status.message())
            ),
            Code::Aborted => format!(
                "Someone changed this record since you opened it: {} Reload the page to see \
                 the latest revision; nothing was recorded.",
                sentence(status.message())
            ),
            Code::Internal | Code::Unknown | Code::DataLoss => {
                "The service met an internal error; nothing was recorded. If it happens again, \
                 tell the platform's operators."
                    .to_string()
            }
            _ => format!("{} Nothing was recorded.", sentence(status.message())),
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
    let (code, heading, text) = match status.code() {
        Code::NotFound => (
            StatusCode::NOT_FOUND,
            "Not found",
            sentence(status.message()),
        ),
        Code::Unauthenticated => (
            StatusCode::UNAUTHORIZED,
            "Sign in to see this page",
            "This page is only for people signed in with a role that may see it.".to_string(),
        ),
        Code::PermissionDenied => (
            StatusCode::FORBIDDEN,
            "You may not see this page",
            format!(
                "{} The page is open to the roles the platform gives the right to.",
                sentence(status.message())
            ),
        ),
        Code::InvalidArgument => (
            StatusCode::BAD_REQUEST,
            "The address is not valid",
            sentence(status.message()),
        ),
        _ if is_outage(status) => (
            StatusCode::SERVICE_UNAVAILABLE,
            "The service is unavailable",
            "A service of the platform cannot be reached at the moment. Nothing is lost: \
             reload the page in a moment."
                .to_string(),
        ),
        _ => {
            tracing::error!(code = ?status.code(), message = status.message(), "service call failed");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "Something went wrong",
                "The service met an internal error. If it happens again, tell the platform's \
                 operators."
                    .to_string(),
            )
        }
    };
    message_page(Some(visitor), code, heading, &text)
}
