//! The review cycles as the `CYCLE` stream records them, and the schedule
//! rules: which phase change and which reminder are due at a given time.
//! Pure functions of the recorded cycle and the time, so every replica and
//! every restart reaches the same decision, and a test can run a year-long
//! cycle by moving a clock.

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, SystemTime};

use imrf_gcm::clock::end_of_day;
use imrf_gcm::validate::to_calendar_date;
use imrf_proto::v1::{
    Cycle, CyclePhase, CycleSchedule, Date, Deadline, DraftInfo, DraftText, Event, event::Payload,
};

use crate::draft::compose::text_order;

/// Weeks before the plenary by which the report must be out.
pub const CIRCULATION_WEEKS: u32 = 12;

/// One cycle and what has happened to it.
#[derive(Debug, Clone, Default)]
pub struct CycleState {
    /// The cycle: schedule, phase, phase history.
    pub cycle: Cycle,
    /// Stream sequence of its last phase change (0 before the first); the
    /// expectation of the next one.
    pub phase_sequence: u64,
    /// Reminders sent: (deadline, days before).
    pub reminders: BTreeSet<(i32, u32)>,
    /// Drafts compiled, oldest first.
    pub drafts: Vec<DraftInfo>,
    /// Stream sequence of the last draft event; the expectation of the next.
    pub draft_sequence: u64,
    /// The secretariat's texts in force, by id, with the stream sequence of
    /// their last event.
    pub texts: BTreeMap<String, (DraftText, u64)>,
}

impl CycleState {
    /// The current phase.
    pub fn phase(&self) -> CyclePhase {
        CyclePhase::try_from(self.cycle.phase).unwrap_or_default()
    }

    /// The schedule.
    pub fn schedule(&self) -> CycleSchedule {
        self.cycle.schedule.unwrap_or_default()
    }

    /// The secretariat's texts in force, by chapter, placement and id.
    pub fn texts(&self) -> Vec<&DraftText> {
        let mut texts: Vec<&DraftText> = self.texts.values().map(|(t, _)| t).collect();
        texts.sort_by(|a, b| text_order(a).cmp(&text_order(b)));
        texts
    }
}

/// Every cycle, by id.
#[derive(Debug, Default)]
pub struct Cycles {
    by_id: BTreeMap<String, CycleState>,
}

/// `imrf_cycle_phase{cycle,phase}`: 1 for the phase `cycle` is in, 0 for
/// the others, as Prometheus gives a state.
fn phase_metric(cycle: &str, phase: i32) {
    for p in [
        CyclePhase::Open,
        CyclePhase::Collecting,
        CyclePhase::Consolidating,
        CyclePhase::Drafting,
        CyclePhase::Issued,
    ] {
        let name = p
            .as_str_name()
            .trim_start_matches("CYCLE_PHASE_")
            .to_lowercase();
        metrics::gauge!("imrf_cycle_phase", "cycle" => cycle.to_string(), "phase" => name)
            .set(if p as i32 == phase { 1.0 } else { 0.0 });
    }
}

/// `imrf_cycle_compile_date_timestamp_seconds{cycle}`, the start of the
/// day the draft is due, and `imrf_draft_version{cycle}` at 0 until one
/// is compiled: together they tell an alert that no draft came by the
/// compile date.
fn schedule_metrics(cycle: &imrf_proto::v1::Cycle) {
    let due = cycle
        .schedule
        .as_ref()
        .and_then(|s| s.compile_date.as_ref())
        .and_then(imrf_gcm::validate::to_calendar_date)
        .map(|d| d.midnight().assume_utc().unix_timestamp());
    if let Some(due) = due {
        metrics::gauge!("imrf_cycle_compile_date_timestamp_seconds", "cycle" => cycle.cycle_id.clone())
            .set(due as f64);
    }
    metrics::gauge!("imrf_draft_version", "cycle" => cycle.cycle_id.clone()).set(0.0);
}

impl Cycles {
    /// Applies one `CYCLE` event stored at `sequence`.
    pub fn apply(&mut self, sequence: u64, event: &Event) {
        match &event.payload {
            Some(Payload::CycleOpened(opened)) => {
                if let Some(cycle) = &opened.cycle {
                    self.by_id
                        .entry(cycle.cycle_id.clone())
                        .or_insert_with(|| CycleState {
                            cycle: cycle.clone(),
                            ..Default::default()
                        });
                    phase_metric(&cycle.cycle_id, cycle.phase);
                    schedule_metrics(cycle);
                }
            }
            Some(Payload::CyclePhaseChanged(changed)) => {
                if let (Some(state), Some(change)) =
                    (self.by_id.get_mut(&changed.cycle_id), &changed.change)
                    && sequence > state.phase_sequence
                {
                    state.phase_sequence = sequence;
                    state.cycle.phase = change.to;
                    state.cycle.history.push(change.clone());
                    phase_metric(&changed.cycle_id, change.to);
                }
            }
            Some(Payload::DeadlineReminder(reminder)) => {
                if let Some(state) = self.by_id.get_mut(&reminder.cycle_id) {
                    state
                        .reminders
                        .insert((reminder.deadline, reminder.days_before));
                }
            }
            Some(Payload::DraftCompiled(compiled)) => {
                if let Some(draft) = &compiled.draft
                    && let Some(state) = self.by_id.get_mut(&draft.cycle_id)
                    && sequence > state.draft_sequence
                {
                    state.draft_sequence = sequence;
                    state.cycle.latest_draft = Some(draft.clone());
                    state.drafts.push(draft.clone());
                    metrics::gauge!("imrf_draft_version", "cycle" => draft.cycle_id.clone())
                        .set(draft.version);
                }
            }
            Some(Payload::DraftTextSet(set)) => {
                if let Some(text) = &set.text
                    && let Some(state) = self.by_id.get_mut(&text.cycle_id)
                    && state
                        .texts
                        .get(&text.text_id)
                        .is_none_or(|(_, seen)| sequence > *seen)
                {
                    state
                        .texts
                        .insert(text.text_id.clone(), (text.clone(), sequence));
                }
            }
            Some(Payload::DraftTextRemoved(removed)) => {
                if let Some(state) = self.by_id.get_mut(&removed.cycle_id)
                    && state
                        .texts
                        .get(&removed.text_id)
                        .is_some_and(|(_, seen)| sequence > *seen)
                {
                    state.texts.remove(&removed.text_id);
                }
            }
            _ => {}
        }
    }

    /// The cycle `id`.
    pub fn get(&self, id: &str) -> Option<&CycleState> {
        self.by_id.get(id)
    }

    /// Every cycle, by id.
    pub fn all(&self) -> impl DoubleEndedIterator<Item = &CycleState> {
        self.by_id.values()
    }
}

fn start_of(date: Option<&Date>) -> Option<SystemTime> {
    let day = to_calendar_date(date?)?;
    Some(end_of_day(day.previous_day()?))
}

fn end_of(date: Option<&Date>) -> Option<SystemTime> {
    Some(end_of_day(to_calendar_date(date?)?))
}

/// The day the report must be out: twelve weeks before the plenary.
pub fn issue_date(schedule: &CycleSchedule) -> Option<time::Date> {
    let plenary = to_calendar_date(schedule.plenary_date.as_ref()?)?;
    plenary.checked_sub(time::Duration::weeks(i64::from(CIRCULATION_WEEKS)))
}

/// A phase change the schedule makes due.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DueTransition {
    /// Phase to enter.
    pub to: CyclePhase,
    /// The deadline that makes it due.
    pub deadline: Deadline,
    /// When it became due.
    pub at: SystemTime,
}

/// The next phase change due at `now`, if any. Phases move one at a time;
/// after downtime, calling again after each change catches up in order.
pub fn due_transition(state: &CycleState, now: SystemTime) -> Option<DueTransition> {
    let schedule = state.schedule();
    let (to, deadline, at) = match state.phase() {
        CyclePhase::Open => (
            CyclePhase::Collecting,
            Deadline::CollectionStart,
            start_of(schedule.collection_start.as_ref())?,
        ),
        CyclePhase::Collecting => {
            let regional = end_of(schedule.regional_review_deadline.as_ref())?;
            let national = end_of(schedule.national_report_deadline.as_ref())?;
            if national >= regional {
                (
                    CyclePhase::Consolidating,
                    Deadline::NationalReports,
                    national,
                )
            } else {
                (
                    CyclePhase::Consolidating,
                    Deadline::RegionalReviews,
                    regional,
                )
            }
        }
        CyclePhase::Consolidating => (
            CyclePhase::Drafting,
            Deadline::Compile,
            start_of(schedule.compile_date.as_ref())?,
        ),
        CyclePhase::Drafting => {
            let issue = issue_date(&schedule)?;
            (
                CyclePhase::Issued,
                Deadline::Plenary,
                end_of_day(issue.previous_day()?),
            )
        }
        CyclePhase::Issued | CyclePhase::Unspecified => return None,
    };
    // A cycle opened after a deadline's instant (collection starting the
    // day it opens, or a cycle opened late) changes phase when it is
    // opened, never before: its history must not predate `opened_at`.
    let at = state
        .cycle
        .opened_at
        .as_ref()
        .map_or(at, |opened| at.max(imrf_proto::system_time(opened)));
    (now >= at).then_some(DueTransition { to, deadline, at })
}

/// A reminder the schedule makes due.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DueReminder {
    /// The deadline approaching.
    pub deadline: Deadline,
    /// Days before it.
    pub days_before: u32,
    /// When it became due.
    pub at: SystemTime,
}

/// The reminders due at `now` for a collecting cycle, at `offsets` days
/// before the regional and national deadlines. Of several due for one
/// deadline (a cycle opened late), only the nearest is sent, and a reminder
/// is not sent once a nearer one has been.
pub fn due_reminders(state: &CycleState, now: SystemTime, offsets: &[u32]) -> Vec<DueReminder> {
    if state.phase() != CyclePhase::Collecting {
        return Vec::new();
    }
    let schedule = state.schedule();
    let mut due = Vec::new();
    for (deadline, date) in [
        (
            Deadline::RegionalReviews,
            schedule.regional_review_deadline.as_ref(),
        ),
        (
            Deadline::NationalReports,
            schedule.national_report_deadline.as_ref(),
        ),
    ] {
        let Some(end) = end_of(date) else { continue };
        if now >= end {
            continue;
        }
        let nearest = offsets
            .iter()
            .copied()
            .filter_map(|days| {
                let at = end.checked_sub(Duration::from_secs(u64::from(days) * 86_400))?;
                (now >= at).then_some((days, at))
            })
            .min_by_key(|(days, _)| *days);
        if let Some((days, at)) = nearest {
            let covered = state
                .reminders
                .iter()
                .any(|(d, sent)| *d == deadline as i32 && *sent <= days);
            if !covered {
                due.push(DueReminder {
                    deadline,
                    days_before: days,
                    at,
                });
            }
        }
    }
    due
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(year: i32, month: i32, day: i32) -> Option<Date> {
        Some(Date { year, month, day })
    }

    fn at(y: i32, m: i32, d: i32) -> SystemTime {
        start_of(date(y, m, d).as_ref()).unwrap_or(SystemTime::UNIX_EPOCH)
    }

    fn state(phase: CyclePhase) -> CycleState {
        CycleState {
            cycle: Cycle {
                cycle_id: "2026".into(),
                phase: phase as i32,
                schedule: Some(CycleSchedule {
                    collection_start: date(2025, 1, 1),
                    regional_review_deadline: date(2025, 10, 31),
                    national_report_deadline: date(2025, 11, 30),
                    practices_cutoff: date(2025, 12, 15),
                    compile_date: date(2026, 1, 5),
                    plenary_date: date(2026, 5, 4),
                }),
                ..Default::default()
            },
            ..Default::default()
        }
    }

    #[test]
    fn each_phase_is_due_at_its_date() {
        let due = |phase, now| due_transition(&state(phase), now).map(|d| (d.to, d.deadline));
        assert_eq!(due(CyclePhase::Open, at(2024, 12, 31)), None);
        assert_eq!(
            due(CyclePhase::Open, at(2025, 1, 1)),
            Some((CyclePhase::Collecting, Deadline::CollectionStart))
        );
        assert_eq!(due(CyclePhase::Collecting, at(2025, 11, 30)), None);
        assert_eq!(
            due(CyclePhase::Collecting, at(2025, 12, 1)),
            Some((CyclePhase::Consolidating, Deadline::NationalReports))
        );
        assert_eq!(
            due(CyclePhase::Consolidating, at(2026, 1, 5)),
            Some((CyclePhase::Drafting, Deadline::Compile))
        );
        // Twelve weeks before 4 May 2026 is 9 February 2026.
        assert_eq!(due(CyclePhase::Drafting, at(2026, 2, 8)), None);
        assert_eq!(
            due(CyclePhase::Drafting, at(2026, 2, 9)),
            Some((CyclePhase::Issued, Deadline::Plenary))
        );
        assert_eq!(due(CyclePhase::Issued, at(2030, 1, 1)), None);
    }

    #[test]
    fn only_the_nearest_due_reminder_is_sent_once() {
        let offsets = [30, 7, 1];
        let mut s = state(CyclePhase::Collecting);
        // 10 days before the regional deadline (31 October): the 30-day one.
        let due = due_reminders(&s, at(2025, 10, 22), &offsets);
        assert_eq!(
            due.iter()
                .map(|r| (r.deadline, r.days_before))
                .collect::<Vec<_>>(),
            [(Deadline::RegionalReviews, 30)]
        );
        s.reminders.insert((Deadline::RegionalReviews as i32, 30));
        assert!(due_reminders(&s, at(2025, 10, 22), &offsets).is_empty());
        // Opened late: 3 days before, only the 7-day reminder.
        let late = state(CyclePhase::Collecting);
        let due = due_reminders(&late, at(2025, 10, 29), &offsets);
        assert_eq!(due.iter().map(|r| r.days_before).collect::<Vec<_>>(), [7]);
        // After the deadline, none.
        assert!(
            due_reminders(&late, at(2025, 11, 1), &offsets)
                .iter()
                .all(|r| r.deadline != Deadline::RegionalReviews)
        );
    }
}
