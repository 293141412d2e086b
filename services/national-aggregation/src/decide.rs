//! What a national report submission does, decided without I/O: given the
//! (validated) report, its head, the cycle calendar, who acts and when, the
//! `NationalReportAccepted` event to publish on the report's own subject,
//! conditional on that head, or the domain's refusal. The answer is built
//! from the stored event alone, so a repeated request gets the same one.

use imrf_bus::ledger::{Prepared, Stored};
use imrf_bus::names::event_type;
use imrf_bus::{Acting, Expect};
use imrf_gcm::Refusal;
use imrf_gcm::calendar::CycleCalendar;
use imrf_gcm::revision::{Head, next_revision};
use imrf_proto::v1::{
    Deadline, Event, NationalReport, NationalReportAccepted, NationalReportRecord, RecordMeta,
    SubmitNationalReportResponse, event::Payload,
};

use crate::SERVICE_NAME;

/// The head a report's last event, stored at `sequence`, gives it.
pub fn head_of(sequence: u64, event: &Event) -> Head {
    let revision = match &event.payload {
        Some(Payload::NationalReportAccepted(a)) => a
            .record
            .as_ref()
            .and_then(|r| r.meta.as_ref())
            .map_or(0, |m| m.revision),
        _ => 0,
    };
    Head { sequence, revision }
}

/// The next revision of report `id`, or a refusal when the cycle no longer
/// takes national reports or the expected revision is not the head's.
pub fn submit(
    id: &str,
    subject: &str,
    report: &NationalReport,
    expected_revision: Option<u32>,
    head: Option<Head>,
    calendar: &CycleCalendar,
    acting: Acting<'_>,
) -> Result<Prepared, Refusal> {
    calendar.check_accepting(&report.cycle_id, Deadline::NationalReports, acting.now)?;
    let (revision, after) = next_revision(&format!("report {id}"), head, expected_revision)?;
    let mut event = acting.event(
        event_type::NATIONAL_REPORT_ACCEPTED,
        SERVICE_NAME,
        &report.cycle_id,
        Payload::NationalReportAccepted(NationalReportAccepted { record: None }),
    );
    event.payload = Some(Payload::NationalReportAccepted(NationalReportAccepted {
        record: Some(NationalReportRecord {
            report_id: id.to_string(),
            report: Some(report.clone()),
            meta: Some(RecordMeta {
                revision,
                accepted_at: Some(imrf_proto::timestamp(acting.now)),
                submitted_by: acting.actor.to_string(),
                event_id: event.id.clone(),
            }),
            // Input after the deadline is refused above, so an accepted
            // report is on time.
            late: false,
        }),
    }));
    Ok(Prepared {
        subject: subject.to_string(),
        event,
        expect: Expect::LastSubjectSequence(after),
    })
}

/// The answer to a submission whose event is stored.
pub fn submitted(id: &str, stored: &Stored) -> SubmitNationalReportResponse {
    SubmitNationalReportResponse {
        report_id: id.to_string(),
        revision: head_of(0, &stored.event).revision,
        event_id: stored.event.id.clone(),
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, SystemTime};

    use imrf_bus::Published;
    use imrf_proto::v1::{Cycle, CycleOpened, CyclePhase, CycleSchedule, Date};

    use super::*;

    const SUBJECT: &str = "imrf.v1.national.report.KEN.2026.VNR";

    fn acting(day: u64) -> Acting<'static> {
        Acting {
            actor: "kenya-focal-point",
            request_id: "r-1",
            // 2026-01-01 plus `day` days.
            now: SystemTime::UNIX_EPOCH + Duration::from_secs(1_767_225_600 + day * 86_400),
        }
    }

    fn report() -> NationalReport {
        NationalReport {
            cycle_id: "2026".into(),
            state: "KEN".into(),
            ..Default::default()
        }
    }

    /// Cycle 2026 collecting, with its national-report deadline on 31 March.
    fn collecting() -> CycleCalendar {
        let mut calendar = CycleCalendar::new();
        let day = |month, day| {
            Some(Date {
                year: 2026,
                month,
                day,
            })
        };
        calendar.apply(&Event {
            id: "e".into(),
            payload: Some(Payload::CycleOpened(CycleOpened {
                cycle: Some(Cycle {
                    cycle_id: "2026".into(),
                    phase: CyclePhase::Collecting as i32,
                    schedule: Some(CycleSchedule {
                        collection_start: day(1, 1),
                        regional_review_deadline: day(3, 1),
                        national_report_deadline: day(3, 31),
                        practices_cutoff: day(4, 30),
                        compile_date: day(5, 15),
                        plenary_date: day(9, 1),
                    }),
                    ..Default::default()
                }),
            })),
            ..Default::default()
        });
        calendar
    }

    #[test]
    fn a_report_on_time_is_accepted_and_answered_from_its_event() {
        let Ok(prepared) = submit(
            "2026-KEN-VNR",
            SUBJECT,
            &report(),
            None,
            None,
            &collecting(),
            acting(10),
        ) else {
            panic!("a first report on time is accepted");
        };
        assert_eq!(prepared.expect, Expect::LastSubjectSequence(0));
        let stored = Stored {
            event: prepared.event,
            published: Published {
                sequence: 9,
                duplicate: false,
            },
        };
        let answer = submitted("2026-KEN-VNR", &stored);
        assert_eq!(
            (answer.revision, answer.event_id.as_str()),
            (1, stored.event.id.as_str())
        );
        assert_eq!(
            head_of(9, &stored.event),
            Head {
                sequence: 9,
                revision: 1
            }
        );
    }

    #[test]
    fn a_report_after_the_deadline_names_it() {
        let late = submit(
            "2026-KEN-VNR",
            SUBJECT,
            &report(),
            None,
            None,
            &collecting(),
            acting(95),
        );
        match late {
            Err(Refusal::WrongPhase(why)) => {
                assert!(why.contains("national-report deadline"), "{why}")
            }
            other => panic!("expected a refusal naming the deadline, got {other:?}"),
        }
    }

    #[test]
    fn a_revision_expects_the_head_and_a_stale_one_is_refused() {
        let head = Some(Head {
            sequence: 7,
            revision: 2,
        });
        let calendar = collecting();
        let next = submit(
            "2026-KEN-VNR",
            SUBJECT,
            &report(),
            Some(2),
            head,
            &calendar,
            acting(10),
        );
        assert!(matches!(
            next.map(|p| p.expect),
            Ok(Expect::LastSubjectSequence(7))
        ));
        let stale = submit(
            "2026-KEN-VNR",
            SUBJECT,
            &report(),
            Some(1),
            head,
            &calendar,
            acting(10),
        );
        assert!(matches!(stale, Err(Refusal::StaleRevision(_))));
    }
}
