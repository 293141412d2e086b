//! The schedule's durable timers: phase changes when a deadline passes and
//! reminders before one, naming who has not submitted. Each is an event
//! with a deterministic id, so it fires once across restarts and replicas.

use imrf_bus::names::{event_type, subject};
use imrf_bus::{BusErrorKind, Expect, derived_event};
use imrf_gcm::refdata::{COMMISSIONS, reference};
use imrf_proto::v1::{
    CyclePhase, CyclePhaseChanged, Deadline, DeadlineReminder, PhaseChange, event::Payload,
};

use crate::SERVICE_NAME;
use crate::cycle::{due_reminders, due_transition};
use crate::decide::phase_name;
use crate::service::Secretariat;
use crate::validate::show;

impl Secretariat {
    /// Fires every phase change and reminder due now; returns how many
    /// events it published. Safe to run from any replica at any time.
    pub async fn tick(&self) -> usize {
        let mut fired = 0;
        let ids: Vec<String> = match self.cycles.read() {
            Ok(cycles) => cycles.all().map(|c| c.cycle.cycle_id.clone()).collect(),
            Err(_) => return 0,
        };
        for id in ids {
            // Catch up one phase at a time, in order.
            for _ in 0..5 {
                let Ok(state) = self.cycle(&id) else { break };
                let now = self.clock.now();
                let Some(due) = due_transition(&state, now) else {
                    break;
                };
                let event = derived_event(
                    event_type::CYCLE_PHASE_CHANGED,
                    SERVICE_NAME,
                    &id,
                    due.at,
                    &format!("phase/{id}/{}", due.to as i32),
                    Payload::CyclePhaseChanged(CyclePhaseChanged {
                        cycle_id: id.clone(),
                        change: Some(PhaseChange {
                            from: state.cycle.phase,
                            to: due.to as i32,
                            at: Some(imrf_proto::timestamp(due.at)),
                            deadline: due.deadline as i32,
                            reason: String::new(),
                            actor: String::new(),
                        }),
                    }),
                );
                match self
                    .bus
                    .publish_event(
                        &subject::cycle_phase(&id),
                        &event,
                        Expect::LastSubjectSequence(state.phase_sequence),
                        None,
                    )
                    .await
                {
                    Ok(published) => {
                        if !published.duplicate {
                            fired += 1;
                            tracing::info!(cycle_id = %id, phase = phase_name(due.to), "deadline fired");
                        }
                        self.settle(published.sequence).await;
                        if due.to == CyclePhase::Drafting {
                            self.compile_quietly(&id, "compile_date").await;
                        }
                    }
                    // Another replica or a manual advance moved first; the
                    // model catches up and the next tick decides again.
                    Err(err) if err.kind() == BusErrorKind::Conflict => break,
                    Err(err) => {
                        tracing::warn!(error = %err, cycle_id = %id, "could not fire deadline; will retry");
                        break;
                    }
                }
            }
            fired += self.remind(&id).await;
        }
        fired
    }

    async fn remind(&self, cycle_id: &str) -> usize {
        let Ok(state) = self.cycle(cycle_id) else {
            return 0;
        };
        let due = due_reminders(&state, self.clock.now(), &self.reminder_days);
        let mut fired = 0;
        for reminder in due {
            let (missing_commissions, missing_states) = match self.inputs.read() {
                Ok(inputs) => {
                    let reports = inputs.reports(cycle_id);
                    let mut reported: Vec<&str> = reports
                        .iter()
                        .filter_map(|(r, _)| r.report.as_ref().map(|x| x.state.as_str()))
                        .collect();
                    reported.sort_unstable();
                    reported.dedup();
                    let commissions: Vec<i32> = COMMISSIONS
                        .iter()
                        .filter(|c| !inputs.has_review(cycle_id, **c))
                        .map(|c| *c as i32)
                        .collect();
                    let states: Vec<String> = reference()
                        .member_states()
                        .filter(|s| reported.binary_search(&s.iso3.as_str()).is_err())
                        .map(|s| s.iso3.clone())
                        .collect();
                    (commissions, states)
                }
                Err(_) => continue,
            };
            let schedule = state.schedule();
            let date = match reminder.deadline {
                Deadline::RegionalReviews => schedule.regional_review_deadline,
                _ => schedule.national_report_deadline,
            };
            let (missing_commissions, missing_states) = match reminder.deadline {
                Deadline::RegionalReviews => (missing_commissions, Vec::new()),
                _ => (Vec::new(), missing_states),
            };
            let event = derived_event(
                event_type::CYCLE_REMINDER,
                SERVICE_NAME,
                cycle_id,
                reminder.at,
                &format!(
                    "reminder/{cycle_id}/{}/{}",
                    reminder.deadline as i32, reminder.days_before
                ),
                Payload::DeadlineReminder(DeadlineReminder {
                    cycle_id: cycle_id.to_string(),
                    deadline: reminder.deadline as i32,
                    deadline_date: date,
                    days_before: reminder.days_before,
                    missing_commissions,
                    missing_states,
                }),
            );
            match self
                .bus
                .publish_event(
                    &subject::cycle_reminder(cycle_id),
                    &event,
                    Expect::Any,
                    None,
                )
                .await
            {
                Ok(published) => {
                    if !published.duplicate {
                        fired += 1;
                        tracing::info!(cycle_id, deadline = ?reminder.deadline, days = reminder.days_before, date = %show(&date), "reminder sent");
                    }
                    self.settle(published.sequence).await;
                }
                Err(err) => {
                    tracing::warn!(error = %err, cycle_id, "could not send reminder; will retry")
                }
            }
        }
        fired
    }
}
