//! What every intake service knows of the review cycles: their schedules and
//! phases, learnt from the `CYCLE` stream that report-compiler writes (the
//! bus keeps it current: `imrf_bus::follow::cycle_calendar`), and the one
//! rule for refusing late input.

use std::collections::HashMap;
use std::time::SystemTime;

use imrf_proto::v1::{CyclePhase, CycleSchedule, Date, Deadline, Event, event::Payload};

use crate::clock::end_of_day;
use crate::refusal::Refusal;
use crate::validate::to_calendar_date;

/// The cycles announced on the bus.
#[derive(Debug, Default)]
pub struct CycleCalendar {
    cycles: HashMap<String, KnownCycle>,
}

#[derive(Debug, Clone)]
struct KnownCycle {
    schedule: CycleSchedule,
    phase: CyclePhase,
}

impl CycleCalendar {
    /// An empty calendar.
    pub fn new() -> Self {
        Self::default()
    }

    /// Learns from one `CYCLE` event; other events are ignored.
    pub fn apply(&mut self, event: &Event) {
        match &event.payload {
            Some(Payload::CycleOpened(opened)) => {
                if let Some(cycle) = &opened.cycle {
                    self.cycles.insert(
                        cycle.cycle_id.clone(),
                        KnownCycle {
                            schedule: cycle.schedule.unwrap_or_default(),
                            phase: CyclePhase::try_from(cycle.phase).unwrap_or(CyclePhase::Open),
                        },
                    );
                }
            }
            Some(Payload::CyclePhaseChanged(changed)) => {
                if let (Some(cycle), Some(change)) =
                    (self.cycles.get_mut(&changed.cycle_id), &changed.change)
                {
                    let to = CyclePhase::try_from(change.to).unwrap_or(cycle.phase);
                    // Phases only move forward; a replayed older change must
                    // not move a cycle back.
                    if to > cycle.phase {
                        cycle.phase = to;
                    }
                }
            }
            _ => {}
        }
    }

    /// The phase of a known cycle.
    pub fn phase(&self, cycle_id: &str) -> Option<CyclePhase> {
        self.cycles.get(cycle_id).map(|c| c.phase)
    }

    /// Whether input bound by `deadline` may still enter cycle `cycle_id` at
    /// `now`. Refused, with FAILED_PRECONDITION naming the reason: a cycle
    /// never opened (input to it would be counted in an aggregate no report
    /// ever draws on), a cycle whose collection has not started, whose
    /// deadline day has ended, or that has moved past collecting
    /// (consolidation starts when the deadlines have passed).
    pub fn check_accepting(
        &self,
        cycle_id: &str,
        deadline: Deadline,
        now: SystemTime,
    ) -> Result<(), Refusal> {
        let Some(cycle) = self.cycles.get(cycle_id) else {
            return Err(Refusal::WrongPhase(format!(
                "cycle {cycle_id} has not been opened: it takes input once the \
                 secretariat opens it"
            )));
        };
        let schedule = &cycle.schedule;
        let (label, date) = match deadline {
            Deadline::RegionalReviews => (
                "regional-review deadline",
                &schedule.regional_review_deadline,
            ),
            Deadline::NationalReports => (
                "national-report deadline",
                &schedule.national_report_deadline,
            ),
            Deadline::PracticesCutoff => ("practices cut-off", &schedule.practices_cutoff),
            Deadline::Compile => ("compile date", &schedule.compile_date),
            Deadline::CollectionStart => ("collection start", &schedule.collection_start),
            Deadline::Plenary | Deadline::Unspecified => ("plenary date", &schedule.plenary_date),
        };
        if cycle.phase == CyclePhase::Issued {
            return Err(Refusal::WrongPhase(format!(
                "cycle {cycle_id} is ISSUED: its report is out and it takes no more input"
            )));
        }
        if let Some(day) = date.as_ref().and_then(to_calendar_date)
            && now >= end_of_day(day)
        {
            return Err(Refusal::WrongPhase(format!(
                "the {label} of cycle {cycle_id} ({}) has passed",
                show(date.as_ref())
            )));
        }
        let collecting_bound = matches!(
            deadline,
            Deadline::RegionalReviews | Deadline::NationalReports
        );
        if collecting_bound && cycle.phase >= CyclePhase::Consolidating {
            return Err(Refusal::WrongPhase(format!(
                "cycle {cycle_id} is {}: input bound by its {label} ({}) is taken only \
                 while the cycle is OPEN or COLLECTING",
                cycle.phase.as_str_name().trim_start_matches("CYCLE_PHASE_"),
                show(date.as_ref())
            )));
        }
        if cycle.phase == CyclePhase::Open
            && let Some(start) = schedule
                .collection_start
                .as_ref()
                .and_then(to_calendar_date)
            && now < end_of_day(start.previous_day().unwrap_or(start))
        {
            return Err(Refusal::WrongPhase(format!(
                "cycle {cycle_id} collects input from {}",
                show(schedule.collection_start.as_ref())
            )));
        }
        Ok(())
    }
}

fn show(date: Option<&Date>) -> String {
    date.map_or_else(
        || "no date".into(),
        |d| format!("{:04}-{:02}-{:02}", d.year, d.month, d.day),
    )
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use imrf_proto::v1::{Cycle, CycleOpened, CyclePhaseChanged, PhaseChange};

    use super::*;

    /// An event as report-compiler would publish it (the envelope's other
    /// fields do not matter to the calendar).
    fn new_event(
        r#type: &str,
        producer: &str,
        cycle_id: &str,
        _at: SystemTime,
        payload: Payload,
    ) -> Event {
        Event {
            id: format!("{type}-{cycle_id}"),
            r#type: r#type.to_string(),
            cycle_id: cycle_id.to_string(),
            producer: producer.to_string(),
            payload: Some(payload),
            ..Default::default()
        }
    }

    fn date(year: i32, month: i32, day: i32) -> Option<Date> {
        Some(Date { year, month, day })
    }

    fn at(year: i32, month: u8, day: u8, hour: u8) -> SystemTime {
        let Ok(month) = time::Month::try_from(month) else {
            panic!("month");
        };
        let Ok(d) = time::Date::from_calendar_date(year, month, day) else {
            panic!("date");
        };
        let Ok(t) = d.with_hms(hour, 0, 0) else {
            panic!("time");
        };
        SystemTime::UNIX_EPOCH
            + Duration::from_secs(u64::try_from(t.assume_utc().unix_timestamp()).unwrap_or(0))
    }

    fn calendar(phase: CyclePhase) -> CycleCalendar {
        let mut calendar = CycleCalendar::new();
        calendar.apply(&new_event(
            "cycle.opened",
            "test",
            "2026",
            SystemTime::UNIX_EPOCH,
            Payload::CycleOpened(CycleOpened {
                cycle: Some(Cycle {
                    cycle_id: "2026".into(),
                    phase: CyclePhase::Open as i32,
                    schedule: Some(CycleSchedule {
                        collection_start: date(2025, 1, 1),
                        regional_review_deadline: date(2025, 12, 31),
                        national_report_deadline: date(2026, 1, 31),
                        practices_cutoff: date(2026, 2, 28),
                        compile_date: date(2026, 3, 1),
                        plenary_date: date(2026, 5, 1),
                    }),
                    ..Default::default()
                }),
            }),
        ));
        if phase != CyclePhase::Open {
            calendar.apply(&new_event(
                "cycle.phase",
                "test",
                "2026",
                SystemTime::UNIX_EPOCH,
                Payload::CyclePhaseChanged(CyclePhaseChanged {
                    cycle_id: "2026".into(),
                    change: Some(PhaseChange {
                        from: CyclePhase::Open as i32,
                        to: phase as i32,
                        ..Default::default()
                    }),
                }),
            ));
        }
        calendar
    }

    #[test]
    fn a_cycle_never_opened_takes_no_input_and_says_so() {
        let calendar = calendar(CyclePhase::Collecting);
        match calendar.check_accepting("2030", Deadline::NationalReports, at(2025, 6, 1, 12)) {
            Err(Refusal::WrongPhase(msg)) => {
                assert!(msg.contains("cycle 2030 has not been opened"), "{msg}")
            }
            other => panic!("expected FAILED_PRECONDITION, got {other:?}"),
        }
    }

    #[test]
    fn input_is_refused_after_the_deadline_day_naming_it() {
        let calendar = calendar(CyclePhase::Collecting);
        let on_the_day = at(2025, 12, 31, 23);
        let next_day = at(2026, 1, 1, 0);
        assert!(
            calendar
                .check_accepting("2026", Deadline::RegionalReviews, on_the_day)
                .is_ok()
        );
        match calendar.check_accepting("2026", Deadline::RegionalReviews, next_day) {
            Err(Refusal::WrongPhase(msg)) => {
                assert!(msg.contains("regional-review deadline"), "{msg}");
                assert!(msg.contains("2025-12-31"), "{msg}");
            }
            other => panic!("expected FAILED_PRECONDITION, got {other:?}"),
        }
        // The national deadline is later.
        assert!(
            calendar
                .check_accepting("2026", Deadline::NationalReports, next_day)
                .is_ok()
        );
    }

    #[test]
    fn phases_close_input() {
        let before_deadline = at(2025, 6, 1, 12);
        let consolidating = calendar(CyclePhase::Consolidating);
        // The phase refuses it, not a deadline that has not come yet.
        match consolidating.check_accepting("2026", Deadline::RegionalReviews, before_deadline) {
            Err(Refusal::WrongPhase(msg)) => {
                assert!(msg.contains("cycle 2026 is CONSOLIDATING"), "{msg}");
                assert!(!msg.contains("has passed"), "{msg}");
            }
            other => panic!("expected FAILED_PRECONDITION, got {other:?}"),
        }
        assert!(
            consolidating
                .check_accepting("2026", Deadline::PracticesCutoff, before_deadline)
                .is_ok()
        );
        let issued = calendar(CyclePhase::Issued);
        assert!(
            issued
                .check_accepting("2026", Deadline::PracticesCutoff, before_deadline)
                .is_err()
        );
        let open = calendar(CyclePhase::Open);
        assert!(
            open.check_accepting("2026", Deadline::RegionalReviews, at(2024, 12, 30, 12))
                .is_err()
        );
        assert!(
            open.check_accepting("2026", Deadline::RegionalReviews, at(2025, 1, 1, 0))
                .is_ok()
        );
    }
}
