//! What a request does to a practice, decided without I/O: given the
//! request, the practice as the stream holds it, who acts and when, the
//! event to publish (conditional on the practice's last event) or the
//! domain's refusal. The curation rules themselves are `model`'s; the
//! answer a client gets is built from the stored event alone.

use std::time::{Duration, SystemTime};

use imrf_bus::ledger::{Prepared, Stored};
use imrf_bus::names::{event_type, subject};
use imrf_bus::{Acting, Expect, deterministic_ulid};
use imrf_gcm::Refusal;
use imrf_gcm::clock::{end_of_day, utc_date};
use imrf_gcm::revision::{Head, next_revision};
use imrf_proto::v1::{
    Event, NetworkContribution, NetworkContributionAccepted, NetworkContributionRecord,
    PracticeDetails, PracticeReviewed, PracticeStatus, PracticeStatusChanged, PracticeSubmitted,
    PracticeUpdated, RecordMeta, ReviewDecision, ReviewPracticeRequest, ReviewPracticeResponse,
    SubmitPracticeResponse, UpdatePracticeRequest, UpdatePracticeResponse, WithdrawPracticeRequest,
    WithdrawPracticeResponse, event::Payload,
};

use crate::SERVICE_NAME;
use crate::model::{PracticeState, check_update, check_withdraw, review_outcome};

/// The id of a practice `actor` proposes with `request_id` at `now`: derived
/// from the day, the submitter and the request, so a rehearsal on a
/// simulated calendar gives the same ids (and the same draft) every time.
pub fn practice_id(now: SystemTime, actor: &str, request_id: &str) -> String {
    let day = end_of_day(utc_date(now)) - Duration::from_secs(86_400);
    deterministic_ulid(day, &format!("practice/{actor}/{request_id}"))
}

fn on_practice(id: &str, event: Event, after: u64) -> Prepared {
    Prepared {
        subject: subject::practice(id),
        event,
        expect: Expect::LastSubjectSequence(after),
    }
}

/// The id of the Network's contribution to `cycle_id`.
pub fn contribution_id(cycle_id: &str) -> String {
    format!("{cycle_id}-NETWORK")
}

/// The head a contribution's last event, stored at `sequence`, gives it.
pub fn contribution_head(sequence: u64, event: &Event) -> Head {
    Head {
        sequence,
        revision: contributed(event)
            .and_then(|r| r.meta)
            .map_or(0, |m| m.revision),
    }
}

/// The (validated) contribution's next revision, or a refusal when the
/// expected revision (0 for the first) is not the head's.
pub fn contribute(
    contribution: &NetworkContribution,
    head: Option<Head>,
    expected_revision: u32,
    acting: Acting<'_>,
) -> Result<Prepared, Refusal> {
    let id = contribution_id(&contribution.cycle_id);
    let (revision, after) = next_revision(
        &format!("contribution {id}"),
        head,
        (expected_revision != 0).then_some(expected_revision),
    )?;
    let mut event = acting.event(
        event_type::NETWORK_CONTRIBUTION_ACCEPTED,
        SERVICE_NAME,
        &contribution.cycle_id,
        Payload::NetworkContributionAccepted(NetworkContributionAccepted { record: None }),
    );
    event.payload = Some(Payload::NetworkContributionAccepted(
        NetworkContributionAccepted {
            record: Some(NetworkContributionRecord {
                contribution_id: id,
                contribution: Some(contribution.clone()),
                meta: Some(RecordMeta {
                    revision,
                    accepted_at: Some(imrf_proto::timestamp(acting.now)),
                    submitted_by: acting.actor.to_string(),
                    event_id: event.id.clone(),
                }),
            }),
        },
    ));
    Ok(Prepared {
        subject: subject::network_contribution(&contribution.cycle_id),
        event,
        expect: Expect::LastSubjectSequence(after),
    })
}

/// The record a stored contribution event holds.
pub fn contributed(event: &Event) -> Option<NetworkContributionRecord> {
    match &event.payload {
        Some(Payload::NetworkContributionAccepted(a)) => a.record.clone(),
        _ => None,
    }
}

/// A new practice `id` with (validated) `details`: its first revision.
pub fn submit(
    id: &str,
    details: &PracticeDetails,
    warnings: Vec<String>,
    acting: Acting<'_>,
) -> Prepared {
    let event = acting.event(
        event_type::PRACTICE_SUBMITTED,
        SERVICE_NAME,
        "",
        Payload::PracticeSubmitted(PracticeSubmitted {
            practice_id: id.to_string(),
            details: Some(details.clone()),
            revision: 1,
            warnings,
        }),
    );
    on_practice(id, event, 0)
}

/// The submitter's revision of a practice: refused when the caller's
/// revision is stale or the practice may not be revised now.
pub fn update(
    request: &UpdatePracticeRequest,
    state: &PracticeState,
    warnings: Vec<String>,
    acting: Acting<'_>,
) -> Result<Prepared, Refusal> {
    if request.expected_revision != state.revision {
        return Err(Refusal::StaleRevision(format!(
            "practice {} is at revision {}, not {}; read it again and resubmit",
            request.practice_id, state.revision, request.expected_revision
        )));
    }
    let status_after = check_update(state)?;
    let event = acting.event(
        event_type::PRACTICE_UPDATED,
        SERVICE_NAME,
        "",
        Payload::PracticeUpdated(PracticeUpdated {
            practice_id: request.practice_id.clone(),
            details: request.details.clone(),
            revision: state.revision + 1,
            note: request.note.clone(),
            warnings,
            status_after: status_after as i32,
        }),
    );
    Ok(on_practice(&request.practice_id, event, state.sequence))
}

/// A curator's review: refused when the curation rules do not allow it;
/// carries the details when it publishes the practice.
pub fn review(
    request: &ReviewPracticeRequest,
    decision: ReviewDecision,
    state: &PracticeState,
    approvals_required: u32,
    acting: Acting<'_>,
) -> Result<Prepared, Refusal> {
    let after = review_outcome(
        state,
        acting.actor,
        request.revision,
        decision,
        approvals_required,
    )?;
    let event = acting.event(
        event_type::PRACTICE_REVIEWED,
        SERVICE_NAME,
        "",
        Payload::PracticeReviewed(PracticeReviewed {
            practice_id: request.practice_id.clone(),
            revision: request.revision,
            decision: decision as i32,
            note: request.note.clone(),
            marks: request.marks.clone(),
            status_after: after as i32,
            details: (after == PracticeStatus::Published).then(|| state.details.clone()),
        }),
    );
    Ok(on_practice(&request.practice_id, event, state.sequence))
}

/// The submitter's withdrawal: refused once the practice is published,
/// rejected or withdrawn.
pub fn withdraw(
    request: &WithdrawPracticeRequest,
    state: &PracticeState,
    acting: Acting<'_>,
) -> Result<Prepared, Refusal> {
    check_withdraw(state)?;
    let event = acting.event(
        event_type::PRACTICE_WITHDRAWN,
        SERVICE_NAME,
        "",
        Payload::PracticeStatusChanged(PracticeStatusChanged {
            practice_id: request.practice_id.clone(),
            from: state.status,
            to: PracticeStatus::Withdrawn as i32,
            revision: state.revision,
            reason: request.reason.clone(),
            details: None,
        }),
    );
    Ok(on_practice(&request.practice_id, event, state.sequence))
}

/// The answer to a submission whose event is stored.
pub fn submitted(stored: &Stored) -> SubmitPracticeResponse {
    match &stored.event.payload {
        Some(Payload::PracticeSubmitted(p)) => SubmitPracticeResponse {
            practice_id: p.practice_id.clone(),
            revision: p.revision,
            warnings: p.warnings.clone(),
            event_id: stored.event.id.clone(),
        },
        _ => SubmitPracticeResponse::default(),
    }
}

/// The answer to a revision whose event is stored.
pub fn updated(stored: &Stored) -> UpdatePracticeResponse {
    match &stored.event.payload {
        Some(Payload::PracticeUpdated(p)) => UpdatePracticeResponse {
            practice_id: p.practice_id.clone(),
            revision: p.revision,
            warnings: p.warnings.clone(),
            event_id: stored.event.id.clone(),
        },
        _ => UpdatePracticeResponse::default(),
    }
}

/// The answer to a review whose event is stored, with the approvals the
/// read model counts once it holds the event, and how many publish.
pub fn reviewed(
    stored: &Stored,
    approvals: u32,
    approvals_required: u32,
) -> ReviewPracticeResponse {
    match &stored.event.payload {
        Some(Payload::PracticeReviewed(p)) => ReviewPracticeResponse {
            practice_id: p.practice_id.clone(),
            status: p.status_after,
            approvals,
            event_id: stored.event.id.clone(),
            approvals_required,
        },
        _ => ReviewPracticeResponse::default(),
    }
}

/// The answer to a withdrawal whose event is stored.
pub fn withdrawn(request: &WithdrawPracticeRequest, stored: &Stored) -> WithdrawPracticeResponse {
    WithdrawPracticeResponse {
        practice_id: request.practice_id.clone(),
        event_id: stored.event.id.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn acting(actor: &'static str) -> Acting<'static> {
        Acting {
            actor,
            request_id: "r-1",
            now: SystemTime::UNIX_EPOCH + Duration::from_secs(1_770_000_000),
        }
    }

    fn practice(status: PracticeStatus) -> PracticeState {
        PracticeState {
            practice_id: "P1".into(),
            status: status as i32,
            revision: 2,
            sequence: 30,
            submitter: "state:KEN".into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_practice_id_is_the_same_all_day_for_the_same_request() {
        let morning = SystemTime::UNIX_EPOCH + Duration::from_secs(1_770_000_000);
        let later = morning + Duration::from_secs(3_600);
        assert_eq!(
            practice_id(morning, "state:KEN", "r-1"),
            practice_id(later, "state:KEN", "r-1")
        );
        assert_ne!(
            practice_id(morning, "state:KEN", "r-1"),
            practice_id(morning, "state:KEN", "r-2")
        );
        let prepared = submit(
            "P9",
            &PracticeDetails::default(),
            vec![],
            acting("state:KEN"),
        );
        assert_eq!(prepared.expect, Expect::LastSubjectSequence(0));
        assert_eq!(prepared.subject, subject::practice("P9"));
    }

    #[test]
    fn a_revision_needs_the_current_revision_and_a_revisable_status() {
        let mut request = UpdatePracticeRequest {
            practice_id: "P1".into(),
            expected_revision: 2,
            ..Default::default()
        };
        let revisable = practice(PracticeStatus::ChangesRequested);
        let Ok(prepared) = update(&request, &revisable, vec![], acting("state:KEN")) else {
            panic!("a practice sent back for changes is revised");
        };
        assert_eq!(prepared.expect, Expect::LastSubjectSequence(30));
        match &prepared.event.payload {
            Some(Payload::PracticeUpdated(u)) => {
                assert_eq!(
                    (u.revision, u.status_after()),
                    (3, PracticeStatus::InReview)
                );
            }
            other => panic!("expected an update, got {other:?}"),
        }
        let published = practice(PracticeStatus::Published);
        let closed = update(&request, &published, vec![], acting("state:KEN"));
        assert!(matches!(closed, Err(Refusal::WrongPhase(_))));
        request.expected_revision = 1;
        let stale = update(&request, &revisable, vec![], acting("state:KEN"));
        assert!(matches!(stale, Err(Refusal::StaleRevision(_))));
    }

    #[test]
    fn a_review_that_publishes_carries_the_details_and_a_withdrawal_ends_it() {
        let request = ReviewPracticeRequest {
            practice_id: "P1".into(),
            revision: 2,
            ..Default::default()
        };
        let Ok(prepared) = review(
            &request,
            ReviewDecision::Approve,
            &practice(PracticeStatus::Submitted),
            1,
            acting("curator:amina"),
        ) else {
            panic!("one approval of one required publishes");
        };
        let stored = Stored {
            event: prepared.event,
            published: imrf_bus::Published {
                sequence: 31,
                duplicate: false,
            },
        };
        let answer = reviewed(&stored, 1, 2);
        assert_eq!(answer.status(), PracticeStatus::Published);
        assert!(matches!(
            &stored.event.payload,
            Some(Payload::PracticeReviewed(r)) if r.details.is_some()
        ));
        let withdrawal = WithdrawPracticeRequest {
            practice_id: "P1".into(),
            ..Default::default()
        };
        let late = withdraw(
            &withdrawal,
            &practice(PracticeStatus::Published),
            acting("state:KEN"),
        );
        assert!(matches!(late, Err(Refusal::WrongPhase(_))));
        assert!(
            withdraw(
                &withdrawal,
                &practice(PracticeStatus::InReview),
                acting("state:KEN")
            )
            .is_ok()
        );
    }
}
