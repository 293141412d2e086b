//! The one mapping from a service's errors to gRPC statuses. Every handler
//! returns [`ServiceError`]: the domain's refusals (`imrf_gcm::Refusal`), the
//! bus's and the ledger's errors and the serving layer's own (authentication,
//! roles, limits) each become one here, as quickwit maps each domain error's
//! code in one function. Callers get a status they can act on, with field
//! violations as `google.rpc.BadRequest` details; internal causes stay in
//! the logs, with their whole source chain.

use tonic::{Code, Status};
use tonic_types::{ErrorDetails, StatusExt};

use imrf_bus::ledger::LedgerError;
use imrf_bus::{BusError, BusErrorKind};
use imrf_gcm::Refusal;
use imrf_gcm::validate::{FieldViolation, listed, problem_count, truncate_listing};

/// Why a request was not carried out.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// The request is malformed; each violation names a field.
    #[error("invalid request: {} problem(s)", .0.len())]
    InvalidArgument(Vec<FieldViolation>),
    /// The request is well formed but not allowed in the current state (a
    /// closed cycle phase, an illegal curation step).
    #[error("{0}")]
    FailedPrecondition(String),
    /// What the request names does not exist.
    #[error("{0}")]
    NotFound(String),
    /// What the request would create exists already.
    #[error("{0}")]
    AlreadyExists(String),
    /// A concurrent change won: the caller's expected revision is stale.
    #[error("{0}")]
    Aborted(String),
    /// A size or rate limit was exceeded.
    #[error("{0}")]
    ResourceExhausted(String),
    /// The caller is not authenticated.
    #[error("{0}")]
    Unauthenticated(String),
    /// The caller may not do this.
    #[error("{0}")]
    PermissionDenied(String),
    /// The bus is unreachable; retrying with the same request id is safe.
    #[error("event bus unavailable")]
    Unavailable(#[source] BusError),
    /// A fault inside the service; details are logged, not returned.
    #[error("internal error: {0}")]
    Internal(String),
    /// A fault of the bus that no retry mends (a setup failure, a record
    /// that does not decode); logged with its source, not returned.
    #[error("bus fault")]
    Bus(#[source] BusError),
}

impl ServiceError {
    /// A fault inside the service, with its whole cause chain for the log
    /// (the caller sees only "internal error").
    pub fn internal(err: &dyn std::error::Error) -> Self {
        Self::Internal(chain(err))
    }

    /// A single field violation.
    pub fn invalid(field: impl Into<String>, description: impl Into<String>) -> Self {
        Self::InvalidArgument(vec![FieldViolation {
            field: field.into(),
            description: description.into(),
        }])
    }
}

impl From<Vec<FieldViolation>> for ServiceError {
    fn from(violations: Vec<FieldViolation>) -> Self {
        Self::InvalidArgument(violations)
    }
}

impl From<Refusal> for ServiceError {
    fn from(refusal: Refusal) -> Self {
        match refusal {
            Refusal::Invalid(violations) => Self::InvalidArgument(violations),
            Refusal::NotFound(msg) => Self::NotFound(msg),
            Refusal::AlreadyExists(msg) => Self::AlreadyExists(msg),
            Refusal::StaleRevision(msg) => Self::Aborted(msg),
            Refusal::WrongPhase(msg) => Self::FailedPrecondition(msg),
        }
    }
}

impl From<BusError> for ServiceError {
    fn from(err: BusError) -> Self {
        match err.kind() {
            BusErrorKind::Unavailable => Self::Unavailable(err),
            BusErrorKind::Conflict => Self::Aborted(
                "the record changed since the expected revision; read it again and resubmit".into(),
            ),
            BusErrorKind::TooLarge => {
                Self::ResourceExhausted("the request is larger than the bus accepts".into())
            }
            BusErrorKind::Setup
            | BusErrorKind::Malformed
            | BusErrorKind::Poisoned
            | BusErrorKind::Other => Self::Bus(err),
        }
    }
}

impl From<LedgerError> for ServiceError {
    fn from(err: LedgerError) -> Self {
        match err {
            LedgerError::Refused(refusal) => refusal.into(),
            LedgerError::Bus(err) => err.into(),
        }
    }
}

/// An error and every cause under it, for the log.
fn chain(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

impl From<ServiceError> for Status {
    fn from(err: ServiceError) -> Self {
        match err {
            ServiceError::InvalidArgument(violations) => {
                // Bounded whatever built the list: the details travel in a
                // trailer, which clients and proxies cap at a few kilobytes
                // to a few megabytes.
                let mut violations: Vec<FieldViolation> = listed(violations, 0)
                    .into_iter()
                    .map(|v| FieldViolation {
                        field: bounded(v.field),
                        description: bounded(v.description),
                    })
                    .collect();
                let mut bytes = 0;
                if let Some(within) = violations.iter().position(|v| {
                    bytes += v.field.len() + v.description.len() + 8;
                    bytes > MAX_DETAILS_BYTES
                }) {
                    truncate_listing(&mut violations, within);
                }
                let summary = match violations.as_slice() {
                    [one] => format!("{}: {}", one.field, one.description),
                    many => format!(
                        "{} problems, first {}: {}",
                        problem_count(many),
                        many.first().map_or("", |v| v.field.as_str()),
                        many.first().map_or("", |v| v.description.as_str())
                    ),
                };
                // Logged without the values refused, which may be anyone's
                // text: the fields and the count say what to look at.
                let fields: Vec<&str> = violations
                    .iter()
                    .take(10)
                    .map(|v| v.field.as_str())
                    .collect();
                tracing::info!(
                    problems = problem_count(&violations),
                    fields = %fields.join(", "),
                    "request refused: invalid argument"
                );
                let mut details = ErrorDetails::new();
                for v in violations {
                    details.add_bad_request_violation(v.field, v.description);
                }
                Status::with_error_details(Code::InvalidArgument, summary, details)
            }
            ServiceError::FailedPrecondition(msg) => Status::failed_precondition(msg),
            ServiceError::NotFound(msg) => Status::not_found(msg),
            ServiceError::AlreadyExists(msg) => Status::already_exists(msg),
            ServiceError::Aborted(msg) => Status::aborted(msg),
            ServiceError::ResourceExhausted(msg) => Status::resource_exhausted(msg),
            ServiceError::Unauthenticated(msg) => Status::unauthenticated(msg),
            ServiceError::PermissionDenied(msg) => Status::permission_denied(msg),
            ServiceError::Unavailable(source) => {
                tracing::warn!(error = %chain(&source), "bus unavailable");
                Status::unavailable("event bus unavailable; retry with the same request_id")
            }
            ServiceError::Internal(detail) => {
                tracing::error!(error = %detail, "internal error");
                Status::internal("internal error")
            }
            ServiceError::Bus(source) => {
                tracing::error!(error = %chain(&source), "bus fault");
                Status::internal("internal error")
            }
        }
    }
}

/// The longest field path or description one violation carries, in
/// characters: a description may quote the value refused.
const MAX_VIOLATION_CHARS: usize = 500;

/// The most bytes of violations one status carries. Its details travel
/// base64-encoded in the `grpc-status-details-bin` trailer, and HTTP/2
/// clients commonly refuse header lists over 16 KiB (hyper's default), so a
/// client can always read what it is told.
const MAX_DETAILS_BYTES: usize = 8 * 1024;

fn bounded(text: String) -> String {
    match text.char_indices().nth(MAX_VIOLATION_CHARS) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text,
    }
}

/// Whether a call was shed for capacity or rate: RESOURCE_EXHAUSTED with
/// `google.rpc.RetryInfo`, which the same request may retry after the
/// delay it gives (a request too large is RESOURCE_EXHAUSTED without it).
pub fn is_shed(status: &Status) -> bool {
    status.code() == tonic::Code::ResourceExhausted && status.get_details_retry_info().is_some()
}

/// The field violations carried by a status, as `(field, description)`.
pub fn field_violations(status: &Status) -> Vec<(String, String)> {
    status
        .get_details_bad_request()
        .map(|bad| {
            bad.field_violations
                .into_iter()
                .map(|v| (v.field, v.description))
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_argument_carries_every_violation() {
        let err = ServiceError::InvalidArgument(vec![
            FieldViolation {
                field: "a".into(),
                description: "x".into(),
            },
            FieldViolation {
                field: "b".into(),
                description: "y".into(),
            },
        ]);
        let status = Status::from(err);
        assert_eq!(status.code(), Code::InvalidArgument);
        assert_eq!(
            field_violations(&status),
            [("a".into(), "x".into()), ("b".into(), "y".into())]
        );
    }

    #[test]
    fn a_flood_of_violations_is_listed_a_hundred_at_most_each_bounded() {
        let many: Vec<FieldViolation> = (0..150_000)
            .map(|i| FieldViolation {
                field: format!("details.countries[{i}]"),
                description: format!("'{}' is not a Member State", "Q".repeat(2_000)),
            })
            .collect();
        let status = Status::from(ServiceError::InvalidArgument(many));
        // Long descriptions: fewer than a hundred fit the trailer, and the
        // last counts every one left out.
        let listed = field_violations(&status);
        assert!(
            listed.len() < imrf_gcm::validate::MAX_LISTED_VIOLATIONS,
            "{}",
            listed.len()
        );
        assert_eq!(listed[0].0, "details.countries[0]");
        assert!(listed[0].1.chars().count() <= 501);
        let (field, more) = &listed[listed.len() - 1];
        assert_eq!(field, "request");
        let expected = 150_000 - (listed.len() - 1);
        assert!(
            more.contains(&format!("has {expected} more problems")),
            "{more}"
        );
        assert!(
            status.details().len() < 12 * 1024,
            "{} bytes of details",
            status.details().len()
        );
        assert!(
            status
                .message()
                .starts_with("150000 problems, first details.countries[0]"),
            "{}",
            status.message()
        );
    }

    #[test]
    fn every_refusal_has_its_status() {
        for (refusal, code) in [
            (Refusal::invalid("a", "x"), Code::InvalidArgument),
            (Refusal::NotFound("n".into()), Code::NotFound),
            (Refusal::AlreadyExists("e".into()), Code::AlreadyExists),
            (Refusal::StaleRevision("s".into()), Code::Aborted),
            (Refusal::WrongPhase("p".into()), Code::FailedPrecondition),
        ] {
            assert_eq!(Status::from(ServiceError::from(refusal)).code(), code);
        }
    }

    #[test]
    fn a_bus_fault_keeps_its_cause_in_the_log_only() {
        let cause = std::io::Error::other("disk full at /var/lib/nats");
        let err = BusError::about(BusErrorKind::Setup, "stream NATIONAL", cause);
        assert!(chain(&err).contains("disk full"), "{}", chain(&err));
        let status = Status::from(ServiceError::from(err));
        assert_eq!(status.code(), Code::Internal);
        assert!(!status.message().contains("disk"));
    }

    #[test]
    fn internal_detail_is_not_returned() {
        let status = Status::from(ServiceError::Internal("secret path /var/x".into()));
        assert_eq!(status.code(), Code::Internal);
        assert!(!status.message().contains("secret"));
    }
}
