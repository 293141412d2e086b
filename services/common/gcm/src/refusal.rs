//! Why the domain refuses a request, in its own words. The serving layer
//! maps each kind to a gRPC status in one place (`imrf_platform::error`);
//! the domain never speaks of statuses.

use crate::validate::FieldViolation;

/// A request the GCM's rules do not allow.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// The request is malformed; each violation names a field.
    #[error("invalid request: {} problem(s)", .0.len())]
    Invalid(Vec<FieldViolation>),
    /// What the request names does not exist.
    #[error("{0}")]
    NotFound(String),
    /// What the request would create exists already.
    #[error("{0}")]
    AlreadyExists(String),
    /// The caller's expected revision is stale: a concurrent change won.
    #[error("{0}")]
    StaleRevision(String),
    /// Well formed, but not allowed now: a closed cycle phase or deadline,
    /// an illegal curation step.
    #[error("{0}")]
    WrongPhase(String),
}

impl Refusal {
    /// A single field violation.
    pub fn invalid(field: impl Into<String>, description: impl Into<String>) -> Self {
        Self::Invalid(vec![FieldViolation {
            field: field.into(),
            description: description.into(),
        }])
    }
}

impl From<Vec<FieldViolation>> for Refusal {
    fn from(violations: Vec<FieldViolation>) -> Self {
        Self::Invalid(violations)
    }
}
