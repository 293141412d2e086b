//! The one rule for revising a record under optimistic concurrency: what a
//! submission with or without `expected_revision` may do, given what the
//! stream holds for the record now.

use crate::refusal::Refusal;

/// What the stream holds for a record: the stream sequence of its last
/// event and its current revision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Head {
    /// Stream sequence of the record's last event.
    pub sequence: u64,
    /// Its current revision (1 for the first).
    pub revision: u32,
}

/// The revision a submission creates and the expectation its publish
/// carries, or why it is refused:
/// - no record yet: revision 1, with no `expected_revision` (or 0);
/// - a record exists and no `expected_revision`: ALREADY_EXISTS, saying how
///   to revise it;
/// - `expected_revision` not the current one: ABORTED (a concurrent change
///   won; read again).
pub fn next_revision(
    what: &str,
    head: Option<Head>,
    expected_revision: Option<u32>,
) -> Result<(u32, u64), Refusal> {
    match (head, expected_revision) {
        (None, None | Some(0)) => Ok((1, 0)),
        (None, Some(expected)) => Err(Refusal::StaleRevision(format!(
            "{what} has no revision yet; expected_revision {expected} is stale"
        ))),
        (Some(head), None) => Err(Refusal::AlreadyExists(format!(
            "{what} exists at revision {0}; to revise it, submit with expected_revision {0}",
            head.revision
        ))),
        (Some(head), Some(expected)) if expected != head.revision => {
            Err(Refusal::StaleRevision(format!(
                "{what} is at revision {}, not {expected}; read it again and resubmit",
                head.revision
            )))
        }
        (Some(head), Some(_)) => Ok((head.revision + 1, head.sequence)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_revision_rules() {
        let head = Some(Head {
            sequence: 7,
            revision: 2,
        });
        assert_eq!(next_revision("r", None, None).ok(), Some((1, 0)));
        assert_eq!(next_revision("r", None, Some(0)).ok(), Some((1, 0)));
        assert!(matches!(
            next_revision("r", None, Some(1)),
            Err(Refusal::StaleRevision(_))
        ));
        assert!(matches!(
            next_revision("r", head, None),
            Err(Refusal::AlreadyExists(_))
        ));
        assert!(matches!(
            next_revision("r", head, Some(1)),
            Err(Refusal::StaleRevision(_))
        ));
        assert_eq!(next_revision("r", head, Some(2)).ok(), Some((3, 7)));
    }
}
