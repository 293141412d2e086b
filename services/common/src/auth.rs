//! Who is calling. Until signed bearer tokens are verified, a caller names
//! itself in the `x-imrf-subject` metadata header (for example
//! `curator:alice` or `state:KEN`); this module is the one place that reads
//! it, so verified tokens replace it here without touching the services.

use tonic::metadata::MetadataMap;

use crate::error::ServiceError;

/// Metadata header carrying the caller's subject.
pub const SUBJECT_HEADER: &str = "x-imrf-subject";

/// Longest subject accepted.
const SUBJECT_MAX_CHARS: usize = 128;

/// The caller of a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    /// Who it is, for example `curator:alice`.
    pub subject: String,
}

/// The caller named in `metadata`, if any.
pub fn caller(metadata: &MetadataMap) -> Option<Caller> {
    let subject = metadata.get(SUBJECT_HEADER)?.to_str().ok()?.trim();
    (!subject.is_empty()
        && subject.chars().count() <= SUBJECT_MAX_CHARS
        && !subject.chars().any(char::is_control))
    .then(|| Caller {
        subject: subject.to_string(),
    })
}

/// The caller, required: a request that acts in someone's name (a review,
/// a withdrawal) is refused without one.
pub fn require_caller(metadata: &MetadataMap) -> Result<Caller, ServiceError> {
    caller(metadata).ok_or_else(|| {
        ServiceError::Unauthenticated(format!(
            "no caller identity: send the {SUBJECT_HEADER} metadata header"
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_subject_comes_from_metadata() {
        let mut metadata = MetadataMap::new();
        assert!(caller(&metadata).is_none());
        assert!(matches!(
            require_caller(&metadata),
            Err(ServiceError::Unauthenticated(_))
        ));
        if let Ok(value) = "curator:alice".parse() {
            metadata.insert(SUBJECT_HEADER, value);
        }
        assert_eq!(
            caller(&metadata).map(|c| c.subject),
            Some("curator:alice".to_string())
        );
    }
}
