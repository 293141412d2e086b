//! What a regional review request does, decided without I/O: given the
//! request, the review's head on the stream, the cycle calendar, who acts
//! and when, the event to publish (with the expectation that makes the
//! publish conditional on that head) or the domain's refusal. The answer a
//! client gets is built from the stored event alone, so a repeated request
//! gets the same one.

use imrf_bus::ledger::{Prepared, Stored};
use imrf_bus::names::{event_type, subject};
use imrf_bus::{Acting, Expect};
use imrf_gcm::Refusal;
use imrf_gcm::calendar::CycleCalendar;
use imrf_gcm::refdata::commission_code;
use imrf_gcm::revision::{Head, next_revision};
use imrf_proto::v1::{
    Commission, Deadline, Event, RecordMeta, RegionalReview, RegionalReviewAccepted,
    RegionalReviewRecord, RegionalReviewWithdrawn, SubmitRegionalReviewResponse,
    WithdrawRegionalReviewRequest, WithdrawRegionalReviewResponse, event::Payload,
};

use crate::SERVICE_NAME;
use crate::validate::review_id;

/// What the stream says of a review right now: its last event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReviewHead {
    /// Stream sequence of the review's last event.
    pub sequence: u64,
    /// Its current revision.
    pub revision: u32,
    /// Whether that event withdrew it.
    pub withdrawn: bool,
}

impl ReviewHead {
    /// The head a review's last event, stored at `sequence`, gives it.
    pub fn of(sequence: u64, event: &Event) -> Self {
        let (revision, withdrawn) = match &event.payload {
            Some(Payload::RegionalReviewAccepted(a)) => (
                a.record
                    .as_ref()
                    .and_then(|r| r.meta.as_ref())
                    .map_or(0, |m| m.revision),
                false,
            ),
            Some(Payload::RegionalReviewWithdrawn(w)) => (w.revision, true),
            _ => (0, false),
        };
        Self {
            sequence,
            revision,
            withdrawn,
        }
    }
}

/// The review a request concerns: its id, cycle and commission, and the
/// subject all its events go to (one per review, so optimistic concurrency
/// covers every change of it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewRef {
    /// The review id, such as "2026-ECE".
    pub id: String,
    /// Its cycle.
    pub cycle_id: String,
    /// Its commission.
    pub commission: Commission,
    /// Its subject on `REGIONAL`.
    pub subject: String,
}

impl ReviewRef {
    /// The review of `commission` in `cycle_id`.
    pub fn new(cycle_id: &str, commission: Commission) -> Self {
        Self {
            id: review_id(cycle_id, commission),
            cycle_id: cycle_id.to_string(),
            commission,
            subject: subject::regional_review(commission_code(commission), cycle_id),
        }
    }
}

/// A (validated) submission of `review`: its next revision, or a refusal
/// when the cycle no longer takes regional reviews or the expected revision
/// is not the head's.
pub fn submit(
    target: &ReviewRef,
    review: &RegionalReview,
    expected_revision: Option<u32>,
    head: Option<ReviewHead>,
    calendar: &CycleCalendar,
    acting: Acting<'_>,
) -> Result<Prepared, Refusal> {
    calendar.check_accepting(&target.cycle_id, Deadline::RegionalReviews, acting.now)?;
    let head = head.map(|h| Head {
        sequence: h.sequence,
        revision: h.revision,
    });
    let (revision, after) =
        next_revision(&format!("review {}", target.id), head, expected_revision)?;
    let mut event = acting.event(
        event_type::REGIONAL_REVIEW_ACCEPTED,
        SERVICE_NAME,
        &target.cycle_id,
        Payload::RegionalReviewAccepted(RegionalReviewAccepted { record: None }),
    );
    let record = RegionalReviewRecord {
        review_id: target.id.clone(),
        review: Some(review.clone()),
        meta: Some(RecordMeta {
            revision,
            accepted_at: Some(imrf_proto::timestamp(acting.now)),
            submitted_by: acting.actor.to_string(),
            event_id: event.id.clone(),
        }),
        ..Default::default()
    };
    event.payload = Some(Payload::RegionalReviewAccepted(RegionalReviewAccepted {
        record: Some(record),
    }));
    Ok(Prepared {
        subject: target.subject.clone(),
        event,
        expect: Expect::LastSubjectSequence(after),
    })
}

/// A (validated) withdrawal: refused when the review does not exist, is
/// withdrawn already, is not at the expected revision, or its cycle is past
/// its plenary.
pub fn withdraw(
    target: &ReviewRef,
    request: &WithdrawRegionalReviewRequest,
    head: Option<ReviewHead>,
    calendar: &CycleCalendar,
    acting: Acting<'_>,
) -> Result<Prepared, Refusal> {
    let id = &target.id;
    calendar.check_accepting(&target.cycle_id, Deadline::Plenary, acting.now)?;
    let Some(head) = head else {
        return Err(Refusal::NotFound(format!("review {id} does not exist")));
    };
    if head.withdrawn {
        return Err(Refusal::WrongPhase(format!(
            "review {id} is already withdrawn"
        )));
    }
    if let Some(expected) = request.expected_revision
        && expected != head.revision
    {
        return Err(Refusal::StaleRevision(format!(
            "review {id} is at revision {}, not {expected}",
            head.revision
        )));
    }
    let event = acting.event(
        event_type::REGIONAL_REVIEW_WITHDRAWN,
        SERVICE_NAME,
        &target.cycle_id,
        Payload::RegionalReviewWithdrawn(RegionalReviewWithdrawn {
            review_id: id.clone(),
            commission: target.commission as i32,
            revision: head.revision,
            reason: request.reason.clone(),
        }),
    );
    Ok(Prepared {
        subject: target.subject.clone(),
        event,
        expect: Expect::LastSubjectSequence(head.sequence),
    })
}

/// The answer to a submission whose event is stored.
pub fn submitted(target: &ReviewRef, stored: &Stored) -> SubmitRegionalReviewResponse {
    let revision = match &stored.event.payload {
        Some(Payload::RegionalReviewAccepted(a)) => a
            .record
            .as_ref()
            .and_then(|r| r.meta.as_ref())
            .map_or(0, |m| m.revision),
        _ => 0,
    };
    SubmitRegionalReviewResponse {
        review_id: target.id.clone(),
        revision,
        event_id: stored.event.id.clone(),
    }
}

/// The answer to a withdrawal whose event is stored.
pub fn withdrawn(target: &ReviewRef, stored: &Stored) -> WithdrawRegionalReviewResponse {
    let revision = match &stored.event.payload {
        Some(Payload::RegionalReviewWithdrawn(w)) => w.revision,
        _ => 0,
    };
    WithdrawRegionalReviewResponse {
        review_id: target.id.clone(),
        revision,
        event_id: stored.event.id.clone(),
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, SystemTime};

    use imrf_bus::Published;
    use imrf_proto::v1::{Cycle, CycleOpened, CyclePhase, CycleSchedule, Date};

    use super::*;

    fn ece() -> ReviewRef {
        ReviewRef::new("2026", Commission::Ece)
    }

    fn withdrawal(expected_revision: Option<u32>) -> WithdrawRegionalReviewRequest {
        WithdrawRegionalReviewRequest {
            request_id: "r-2".into(),
            review_id: "2026-ECE".into(),
            reason: "superseded".into(),
            expected_revision,
        }
    }

    fn acting() -> Acting<'static> {
        Acting {
            actor: "ece-focal-point",
            request_id: "r-1",
            now: SystemTime::UNIX_EPOCH + Duration::from_secs(1_780_000_000),
        }
    }

    fn review() -> RegionalReview {
        RegionalReview {
            cycle_id: "2026".into(),
            commission: Commission::Ece as i32,
            ..Default::default()
        }
    }

    fn head(revision: u32, withdrawn: bool) -> Option<ReviewHead> {
        Some(ReviewHead {
            sequence: 41,
            revision,
            withdrawn,
        })
    }

    /// A calendar whose cycle 2026 is issued: it takes no more input.
    fn issued() -> CycleCalendar {
        calendar_in(CyclePhase::Issued)
    }

    /// A calendar whose cycle 2026 collects input, its deadlines to come.
    fn collecting() -> CycleCalendar {
        calendar_in(CyclePhase::Collecting)
    }

    fn calendar_in(phase: CyclePhase) -> CycleCalendar {
        let mut calendar = CycleCalendar::new();
        let day = |month| {
            Some(Date {
                year: 2026,
                month,
                day: 1,
            })
        };
        calendar.apply(&Event {
            id: "e".into(),
            payload: Some(Payload::CycleOpened(CycleOpened {
                cycle: Some(Cycle {
                    cycle_id: "2026".into(),
                    phase: phase as i32,
                    schedule: Some(CycleSchedule {
                        collection_start: day(1),
                        regional_review_deadline: day(9),
                        national_report_deadline: day(10),
                        practices_cutoff: day(11),
                        compile_date: day(11),
                        plenary_date: day(12),
                    }),
                    ..Default::default()
                }),
            })),
            ..Default::default()
        });
        calendar
    }

    /// ECE's review submitted as `expected_revision` on `head`.
    fn submitting(
        expected: Option<u32>,
        head: Option<ReviewHead>,
        calendar: &CycleCalendar,
    ) -> Result<Prepared, Refusal> {
        submit(&ece(), &review(), expected, head, calendar, acting())
    }

    #[test]
    fn a_first_submission_is_revision_one_expecting_an_empty_subject() {
        let Ok(prepared) = submitting(None, None, &collecting()) else {
            panic!("a first submission is accepted");
        };
        assert_eq!(prepared.subject, "imrf.v1.regional.review.ECE.2026");
        assert_eq!(prepared.expect, Expect::LastSubjectSequence(0));
        assert_eq!(prepared.event.actor, "ece-focal-point");
        assert_eq!(prepared.event.request_id, "r-1");
        let stored = Stored {
            event: prepared.event,
            published: Published {
                sequence: 1,
                duplicate: false,
            },
        };
        let answer = submitted(&ece(), &stored);
        assert_eq!(answer.revision, 1);
        assert_eq!(answer.event_id, stored.event.id);
    }

    #[test]
    fn a_revision_builds_on_the_head_and_a_stale_one_is_refused() {
        let calendar = collecting();
        let revised = submitting(Some(2), head(2, false), &calendar);
        assert!(matches!(
            revised.map(|p| p.expect),
            Ok(Expect::LastSubjectSequence(41))
        ));
        let stale = submitting(Some(1), head(2, false), &calendar);
        assert!(matches!(stale, Err(Refusal::StaleRevision(_))));
        let unasked = submitting(None, head(2, false), &calendar);
        assert!(matches!(unasked, Err(Refusal::AlreadyExists(_))));
    }

    #[test]
    fn an_issued_cycle_refuses_submissions_and_withdrawals() {
        let calendar = issued();
        let submitted = submitting(None, None, &calendar);
        assert!(matches!(submitted, Err(Refusal::WrongPhase(_))));
        let withdrawn = withdraw(
            &ece(),
            &withdrawal(None),
            head(1, false),
            &calendar,
            acting(),
        );
        assert!(matches!(withdrawn, Err(Refusal::WrongPhase(_))));
    }

    #[test]
    fn a_withdrawal_needs_a_live_review_at_the_expected_revision() {
        let calendar = collecting();
        let go =
            |expected, head| withdraw(&ece(), &withdrawal(expected), head, &calendar, acting());
        assert!(matches!(go(None, None), Err(Refusal::NotFound(_))));
        assert!(matches!(
            go(None, head(1, true)),
            Err(Refusal::WrongPhase(_))
        ));
        assert!(matches!(
            go(Some(2), head(1, false)),
            Err(Refusal::StaleRevision(_))
        ));
        let Ok(prepared) = go(Some(1), head(1, false)) else {
            panic!("a live review at its revision is withdrawn");
        };
        assert_eq!(prepared.expect, Expect::LastSubjectSequence(41));
        let head = ReviewHead::of(42, &prepared.event);
        assert!(head.withdrawn);
        assert_eq!(head.revision, 1);
    }
}
