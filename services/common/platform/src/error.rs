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
use imrf_gcm::validate::FieldViolation;

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
                let summary = match violations.as_slice() {
                    [one] => format!("{}: {}", one.field, one.description),
                    many => format!(
                        "{} problems, first {}: {}",
                        many.len(),
                        many.first().map_or("", |v| v.field.as_str()),
                        many.first().map_or("", |v| v.description.as_str())
                    ),
                };
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
