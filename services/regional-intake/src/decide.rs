//! What a regional review request does, decided without I/O: given the
//! request, the review's head on the stream, the cycle calendar, who acts
//! and when, the event to publish (with the expectation that makes the
//! publish conditional on that head) or the domain's refusal. The answer a
//! client gets is built from the stored event alone, so a repeated request
//! gets the same one.

use std::time::SystemTime;

use imrf_bus::ledger::{Prepared, Stored};
use imrf_bus::names::event_type;
use imrf_bus::{Expect, new_event};
use imrf_gcm::Refusal;
use imrf_gcm::calendar::CycleCalendar;
use imrf_gcm::revision::{Head, next_revision};
use imrf_proto::v1::{
    Commission, Deadline, Event, RecordMeta, RegionalReview, RegionalReviewAccepted,
    RegionalReviewRecord, RegionalReviewWithdrawn, SubmitRegionalReviewResponse,
    WithdrawRegionalReviewResponse, event::Payload,
};

use crate::SERVICE_NAME;

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

/// Who acts, and when.
#[derive(Debug, Clone, Copy)]
pub struct Acting<'a> {
    /// The caller's subject, recorded as the event's actor.
    pub actor: &'a str,
    /// The client's request id.
    pub request_id: &'a str,
    /// Now, on the service's clock.
    pub now: SystemTime,
}

/// A (validated) review submission: the next revision of review `id`, or a
/// refusal when the cycle no longer takes regional reviews or the expected
/// revision is not the head's.
pub fn submit(
    id: &str,
    subject: &str,
    review: &RegionalReview,
    expected_revision: Option<u32>,
    head: Option<ReviewHead>,
    calendar: &CycleCalendar,
    acting: Acting<'_>,
) -> Result<Prepared, Refusal> {
    calendar.check_accepting(&review.cycle_id, Deadline::RegionalReviews, acting.now)?;
    let head = head.map(|h| Head {
        sequence: h.sequence,
        revision: h.revision,
    });
    let (revision, after) = next_revision(&format!("review {id}"), head, expected_revision)?;
    let mut event = new_event(
        event_type::REGIONAL_REVIEW_ACCEPTED,
        SERVICE_NAME,
        &review.cycle_id,
        acting.now,
        Payload::RegionalReviewAccepted(RegionalReviewAccepted { record: None }),
    );
    let record = RegionalReviewRecord {
        review_id: id.to_string(),
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
    Ok(stamped(
        event,
        subject,
        Expect::LastSubjectSequence(after),
        acting,
    ))
}

/// A withdrawal of review `review_id` of `commission` in `cycle_id`: refused
/// when the review does not exist, is withdrawn already, is not at the
/// expected revision, or its cycle is past its plenary.
#[allow(clippy::too_many_arguments)]
pub fn withdraw(
    review_id: &str,
    subject: &str,
    cycle_id: &str,
    commission: Commission,
    reason: &str,
    expected_revision: Option<u32>,
    head: Option<ReviewHead>,
    calendar: &CycleCalendar,
    acting: Acting<'_>,
) -> Result<Prepared, Refusal> {
    calendar.check_accepting(cycle_id, Deadline::Plenary, acting.now)?;
    let Some(head) = head else {
        return Err(Refusal::NotFound(format!(
            "review {review_id} does not exist"
        )));
    };
    if head.withdrawn {
        return Err(Refusal::WrongPhase(format!(
            "review {review_id} is already withdrawn"
        )));
    }
    if let Some(expected) = expected_revision
        && expected != head.revision
    {
        return Err(Refusal::StaleRevision(format!(
            "review {review_id} is at revision {}, not {expected}",
            head.revision
        )));
    }
    let event = new_event(
        event_type::REGIONAL_REVIEW_WITHDRAWN,
        SERVICE_NAME,
        cycle_id,
        acting.now,
        Payload::RegionalReviewWithdrawn(RegionalReviewWithdrawn {
            review_id: review_id.to_string(),
            commission: commission as i32,
            revision: head.revision,
            reason: reason.to_string(),
        }),
    );
    Ok(stamped(
        event,
        subject,
        Expect::LastSubjectSequence(head.sequence),
        acting,
    ))
}

fn stamped(mut event: Event, subject: &str, expect: Expect, acting: Acting<'_>) -> Prepared {
    event.request_id = acting.request_id.to_string();
    event.actor = acting.actor.to_string();
    Prepared {
        subject: subject.to_string(),
        event,
        expect,
    }
}

/// The answer to a submission whose event is stored.
pub fn submitted(id: &str, stored: &Stored) -> SubmitRegionalReviewResponse {
    let revision = match &stored.event.payload {
        Some(Payload::RegionalReviewAccepted(a)) => a
            .record
            .as_ref()
            .and_then(|r| r.meta.as_ref())
            .map_or(0, |m| m.revision),
        _ => 0,
    };
    SubmitRegionalReviewResponse {
        review_id: id.to_string(),
        revision,
        event_id: stored.event.id.clone(),
    }
}

/// The answer to a withdrawal whose event is stored.
pub fn withdrawn(review_id: &str, stored: &Stored) -> WithdrawRegionalReviewResponse {
    let revision = match &stored.event.payload {
        Some(Payload::RegionalReviewWithdrawn(w)) => w.revision,
        _ => 0,
    };
    WithdrawRegionalReviewResponse {
        review_id: review_id.to_string(),
        revision,
        event_id: stored.event.id.clone(),
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use imrf_bus::Published;
    use imrf_proto::v1::{Cycle, CycleOpened, CyclePhase, CycleSchedule, Date};

    use super::*;

    const SUBJECT: &str = "imrf.v1.regional.review.ECE.2026";

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
                    phase: CyclePhase::Issued as i32,
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

    #[test]
    fn a_first_submission_is_revision_one_expecting_an_empty_subject() {
        let calendar = CycleCalendar::new();
        let Ok(prepared) = submit(
            "2026-ECE",
            SUBJECT,
            &review(),
            None,
            None,
            &calendar,
            acting(),
        ) else {
            panic!("a first submission is accepted");
        };
        assert_eq!(prepared.subject, SUBJECT);
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
        let answer = submitted("2026-ECE", &stored);
        assert_eq!(answer.revision, 1);
        assert_eq!(answer.event_id, stored.event.id);
    }

    #[test]
    fn a_revision_builds_on_the_head_and_a_stale_one_is_refused() {
        let calendar = CycleCalendar::new();
        let revised = submit(
            "2026-ECE",
            SUBJECT,
            &review(),
            Some(2),
            head(2, false),
            &calendar,
            acting(),
        );
        assert!(matches!(
            revised.map(|p| p.expect),
            Ok(Expect::LastSubjectSequence(41))
        ));
        let stale = submit(
            "2026-ECE",
            SUBJECT,
            &review(),
            Some(1),
            head(2, false),
            &calendar,
            acting(),
        );
        assert!(matches!(stale, Err(Refusal::StaleRevision(_))));
        let unasked = submit(
            "2026-ECE",
            SUBJECT,
            &review(),
            None,
            head(2, false),
            &calendar,
            acting(),
        );
        assert!(matches!(unasked, Err(Refusal::AlreadyExists(_))));
    }

    #[test]
    fn an_issued_cycle_refuses_submissions_and_withdrawals() {
        let calendar = issued();
        let submitted = submit(
            "2026-ECE",
            SUBJECT,
            &review(),
            None,
            None,
            &calendar,
            acting(),
        );
        assert!(matches!(submitted, Err(Refusal::WrongPhase(_))));
        let withdrawn = withdraw(
            "2026-ECE",
            SUBJECT,
            "2026",
            Commission::Ece,
            "superseded",
            None,
            head(1, false),
            &calendar,
            acting(),
        );
        assert!(matches!(withdrawn, Err(Refusal::WrongPhase(_))));
    }

    #[test]
    fn a_withdrawal_needs_a_live_review_at_the_expected_revision() {
        let calendar = CycleCalendar::new();
        let go = |expected, head| {
            withdraw(
                "2026-ECE",
                SUBJECT,
                "2026",
                Commission::Ece,
                "superseded",
                expected,
                head,
                &calendar,
                acting(),
            )
        };
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
