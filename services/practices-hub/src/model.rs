//! The Repository's read model and its curation rules. Every practice with
//! its public content, status, reviews and audit trail, rebuilt from the
//! `PRACTICES` stream; the state machine that decides which step is allowed
//! and what status a review leads to is a set of pure functions here.

use std::collections::BTreeMap;

use imrf_proto::v1::{
    CriterionMark, CurationStep, Event, PracticeDetails, PracticeStatus, ReviewDecision,
    event::Payload,
};

use imrf_gcm::Refusal;

/// One review of one revision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Review {
    /// Revision reviewed.
    pub revision: u32,
    /// Subject of the reviewer.
    pub reviewer: String,
    /// The decision.
    pub decision: ReviewDecision,
}

/// A practice as the Repository holds it.
#[derive(Debug, Clone, Default)]
pub struct PracticeState {
    /// Id (a ULID).
    pub practice_id: String,
    /// Public content of the current revision.
    pub details: PracticeDetails,
    /// Curation status.
    pub status: i32,
    /// Current revision.
    pub revision: u32,
    /// Subject of the submitter.
    pub submitter: String,
    /// Eligibility warnings of the current revision.
    pub warnings: Vec<String>,
    /// Every review, oldest first.
    pub reviews: Vec<Review>,
    /// Every curation step, oldest first.
    pub history: Vec<CurationStep>,
    /// When it was published.
    pub published_at: Option<imrf_proto::wkt::Timestamp>,
    /// When the current revision was accepted.
    pub accepted_at: Option<imrf_proto::wkt::Timestamp>,
    /// Stream sequence of its last event (the expectation of the next).
    pub sequence: u64,
}

impl PracticeState {
    /// The status as an enum.
    pub fn status(&self) -> PracticeStatus {
        PracticeStatus::try_from(self.status).unwrap_or_default()
    }

    /// Reviews of the current revision.
    pub fn current_reviews(&self) -> impl Iterator<Item = &Review> {
        self.reviews
            .iter()
            .filter(move |r| r.revision == self.revision)
    }

    /// Revision, acceptance time and submitter of the current content.
    pub fn meta(&self) -> imrf_proto::v1::RecordMeta {
        imrf_proto::v1::RecordMeta {
            revision: self.revision,
            accepted_at: self.accepted_at,
            submitted_by: self.submitter.clone(),
            event_id: String::new(),
        }
    }

    /// Whether the reviews of the current revision disagree, one approving
    /// and another rejecting, so a further reviewer decides.
    pub fn needs_further_review(&self) -> bool {
        let decided = |d| self.current_reviews().any(|r| r.decision == d);
        self.status() == PracticeStatus::InReview
            && decided(ReviewDecision::Approve)
            && decided(ReviewDecision::Reject)
    }

    /// Distinct approvals of the current revision.
    pub fn approvals(&self) -> u32 {
        u32::try_from(
            self.current_reviews()
                .filter(|r| r.decision == ReviewDecision::Approve)
                .count(),
        )
        .unwrap_or(u32::MAX)
    }
}

fn name(status: PracticeStatus) -> &'static str {
    status.as_str_name().trim_start_matches("PRACTICE_STATUS_")
}

/// What a review leads to, or why it is not allowed:
/// - only SUBMITTED or IN_REVIEW practices are reviewed, and only their
///   current revision;
/// - a reviewer reviews a revision once (that nobody reviews their own
///   submission is the authorization table's rule: `imrf_platform::authz`);
/// - a request for changes sends it back to the submitter at once;
/// - `required` distinct approvals and no rejection publish it; as many
///   rejections and no approval reject it;
/// - when reviewers disagree, one more review decides, by majority.
pub fn review_outcome(
    state: &PracticeState,
    reviewer: &str,
    revision: u32,
    decision: ReviewDecision,
    required: u32,
) -> Result<PracticeStatus, Refusal> {
    let status = state.status();
    if !matches!(status, PracticeStatus::Submitted | PracticeStatus::InReview) {
        return Err(Refusal::WrongPhase(format!(
            "practice {} is {}: only SUBMITTED or IN_REVIEW practices are reviewed",
            state.practice_id,
            name(status)
        )));
    }
    if revision != state.revision {
        return Err(Refusal::WrongPhase(format!(
            "practice {} is at revision {}; revision {revision} can no longer be reviewed",
            state.practice_id, state.revision
        )));
    }
    if state.current_reviews().any(|r| r.reviewer == reviewer) {
        return Err(Refusal::WrongPhase(format!(
            "{reviewer} already reviewed revision {revision} of practice {}",
            state.practice_id
        )));
    }
    let (mut approvals, mut rejections) = (0u32, 0u32);
    for r in state
        .current_reviews()
        .map(|r| r.decision)
        .chain([decision])
    {
        match r {
            ReviewDecision::Approve => approvals += 1,
            ReviewDecision::Reject => rejections += 1,
            _ => {}
        }
    }
    Ok(match decision {
        ReviewDecision::RequestChanges => PracticeStatus::ChangesRequested,
        _ if rejections == 0 && approvals >= required => PracticeStatus::Published,
        _ if approvals == 0 && rejections >= required => PracticeStatus::Rejected,
        _ if approvals > 0 && rejections > 0 && approvals + rejections > required => {
            if approvals > rejections {
                PracticeStatus::Published
            } else if rejections > approvals {
                PracticeStatus::Rejected
            } else {
                PracticeStatus::InReview
            }
        }
        _ => PracticeStatus::InReview,
    })
}

/// Whether the submitter may revise: before review, or after a request for
/// changes.
pub fn check_update(state: &PracticeState) -> Result<PracticeStatus, Refusal> {
    match state.status() {
        PracticeStatus::Submitted => Ok(PracticeStatus::Submitted),
        PracticeStatus::ChangesRequested => Ok(PracticeStatus::InReview),
        other => Err(Refusal::WrongPhase(format!(
            "practice {} is {}: it can be revised only when SUBMITTED or CHANGES_REQUESTED",
            state.practice_id,
            name(other)
        ))),
    }
}

/// Whether the submitter may withdraw: any time before publication or
/// rejection.
pub fn check_withdraw(state: &PracticeState) -> Result<(), Refusal> {
    match state.status() {
        PracticeStatus::Published | PracticeStatus::Rejected | PracticeStatus::Withdrawn => {
            Err(Refusal::WrongPhase(format!(
                "practice {} is {}: it can no longer be withdrawn",
                state.practice_id,
                name(state.status())
            )))
        }
        _ => Ok(()),
    }
}

/// All practices.
#[derive(Debug, Default)]
pub struct Practices {
    by_id: BTreeMap<String, PracticeState>,
}

fn step(event: &Event, action: &str, revision: u32, status_after: i32) -> CurationStep {
    CurationStep {
        event_id: event.id.clone(),
        action: action.into(),
        actor: event.actor.clone(),
        occurred_at: event.occurred_at,
        revision,
        decision: 0,
        note: String::new(),
        marks: Vec::<CriterionMark>::new(),
        status_after,
    }
}

impl Practices {
    /// Applies the event stored at `sequence`; returns the id of the
    /// practice it changed.
    pub fn apply(&mut self, sequence: u64, event: &Event) -> Option<String> {
        let id = match &event.payload {
            Some(Payload::PracticeSubmitted(p)) => &p.practice_id,
            Some(Payload::PracticeUpdated(p)) => &p.practice_id,
            Some(Payload::PracticeReviewed(p)) => &p.practice_id,
            Some(Payload::PracticeStatusChanged(p)) => &p.practice_id,
            _ => return None,
        }
        .clone();
        let state = self
            .by_id
            .entry(id.clone())
            .or_insert_with(|| PracticeState {
                practice_id: id.clone(),
                ..Default::default()
            });
        if sequence <= state.sequence {
            return None;
        }
        state.sequence = sequence;
        match &event.payload {
            Some(Payload::PracticeSubmitted(p)) => {
                state.details = p.details.clone().unwrap_or_default();
                state.revision = p.revision;
                state.status = PracticeStatus::Submitted as i32;
                state.submitter = event.actor.clone();
                state.warnings = p.warnings.clone();
                state.accepted_at = event.occurred_at;
                state
                    .history
                    .push(step(event, "submitted", p.revision, state.status));
            }
            Some(Payload::PracticeUpdated(p)) => {
                state.details = p.details.clone().unwrap_or_default();
                state.revision = p.revision;
                state.status = p.status_after;
                state.warnings = p.warnings.clone();
                state.accepted_at = event.occurred_at;
                let mut s = step(event, "updated", p.revision, state.status);
                s.note = p.note.clone();
                state.history.push(s);
            }
            Some(Payload::PracticeReviewed(p)) => {
                let decision = ReviewDecision::try_from(p.decision).unwrap_or_default();
                state.reviews.push(Review {
                    revision: p.revision,
                    reviewer: event.actor.clone(),
                    decision,
                });
                state.status = p.status_after;
                if p.status_after == PracticeStatus::Published as i32 {
                    state.published_at = event.occurred_at;
                }
                let mut s = step(event, "reviewed", p.revision, p.status_after);
                s.decision = p.decision;
                s.note = p.note.clone();
                s.marks = p.marks.clone();
                state.history.push(s);
            }
            Some(Payload::PracticeStatusChanged(p)) => {
                state.status = p.to;
                let action = match PracticeStatus::try_from(p.to).unwrap_or_default() {
                    PracticeStatus::Withdrawn => "withdrawn",
                    _ => "status_changed",
                };
                let mut s = step(event, action, p.revision, p.to);
                s.note = p.reason.clone();
                state.history.push(s);
            }
            _ => {}
        }
        Some(id)
    }

    /// The practice `id`.
    pub fn get(&self, id: &str) -> Option<&PracticeState> {
        self.by_id.get(id)
    }

    /// Every practice, by id.
    pub fn all(&self) -> impl Iterator<Item = &PracticeState> {
        self.by_id.values()
    }

    /// Number of practices.
    pub fn len(&self) -> usize {
        self.by_id.len()
    }

    /// Whether there is none.
    pub fn is_empty(&self) -> bool {
        self.by_id.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state(status: PracticeStatus, reviews: &[(&str, ReviewDecision)]) -> PracticeState {
        PracticeState {
            practice_id: "P".into(),
            status: status as i32,
            revision: 2,
            submitter: "state:KEN".into(),
            reviews: reviews
                .iter()
                .map(|(who, d)| Review {
                    revision: 2,
                    reviewer: (*who).into(),
                    decision: *d,
                })
                .chain([Review {
                    revision: 1,
                    reviewer: "old".into(),
                    decision: ReviewDecision::Approve,
                }])
                .collect(),
            ..Default::default()
        }
    }

    use PracticeStatus::{ChangesRequested, InReview, Published, Rejected, Submitted, Withdrawn};
    use ReviewDecision::{Approve, Reject, RequestChanges};

    #[test]
    fn two_distinct_approvals_publish() {
        let first = state(Submitted, &[]);
        assert_eq!(
            review_outcome(&first, "a", 2, Approve, 2).ok(),
            Some(InReview)
        );
        let second = state(InReview, &[("a", Approve)]);
        assert_eq!(
            review_outcome(&second, "b", 2, Approve, 2).ok(),
            Some(Published)
        );
        // Approvals of an earlier revision do not count.
        assert_eq!(
            review_outcome(&first, "b", 2, Approve, 2).ok(),
            Some(InReview)
        );
    }

    #[test]
    fn disagreement_needs_a_third_review() {
        let split = state(InReview, &[("a", Approve)]);
        assert_eq!(
            review_outcome(&split, "b", 2, Reject, 2).ok(),
            Some(InReview)
        );
        let disagreed = state(InReview, &[("a", Approve), ("b", Reject)]);
        assert_eq!(
            review_outcome(&disagreed, "c", 2, Approve, 2).ok(),
            Some(Published)
        );
        assert_eq!(
            review_outcome(&disagreed, "c", 2, Reject, 2).ok(),
            Some(Rejected)
        );
        let rejected = state(InReview, &[("a", Reject)]);
        assert_eq!(
            review_outcome(&rejected, "b", 2, Reject, 2).ok(),
            Some(Rejected)
        );
    }

    #[test]
    fn changes_requested_and_forbidden_steps() {
        let s = state(InReview, &[("a", Approve)]);
        assert_eq!(
            review_outcome(&s, "b", 2, RequestChanges, 2).ok(),
            Some(ChangesRequested)
        );
        assert!(matches!(
            review_outcome(&s, "a", 2, Approve, 2),
            Err(Refusal::WrongPhase(_))
        ));
        assert!(matches!(
            review_outcome(&s, "b", 1, Approve, 2),
            Err(Refusal::WrongPhase(_))
        ));
        for closed in [ChangesRequested, Published, Rejected, Withdrawn] {
            let s = state(closed, &[]);
            match review_outcome(&s, "b", 2, Approve, 2) {
                Err(Refusal::WrongPhase(msg)) => {
                    assert!(msg.contains(name(closed)), "{msg}");
                }
                other => panic!("{closed:?}: {other:?}"),
            }
        }
    }

    #[test]
    fn revising_and_withdrawing() {
        assert_eq!(
            check_update(&state(ChangesRequested, &[])).ok(),
            Some(InReview)
        );
        assert_eq!(check_update(&state(Submitted, &[])).ok(), Some(Submitted));
        assert!(check_update(&state(InReview, &[])).is_err());
        assert!(check_update(&state(Published, &[])).is_err());
        assert!(check_withdraw(&state(InReview, &[])).is_ok());
        assert!(check_withdraw(&state(Published, &[])).is_err());
        assert!(check_withdraw(&state(Withdrawn, &[])).is_err());
    }
}
