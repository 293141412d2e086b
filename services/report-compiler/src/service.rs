//! Where the secretariat runs a cycle and asks for drafts: the `ReviewCycle`
//! and `BiennialReportCompiler` gRPC services, the schedule's durable timers
//! (phase changes and reminders, each an event with a deterministic id, so
//! it fires once across restarts and replicas), and compilation of drafts
//! into the `DRAFTS` object store.

use imrf_platform::authz::{Rpc, Target, authorize};
use std::pin::Pin;
use std::sync::{Arc, RwLock};
use std::time::{Duration, SystemTime};

use async_nats::jetstream::object_store::ObjectStore;
use futures::Stream;
use imrf_bus::follow::Follower;
use imrf_bus::ledger::{Prepared, RequestLedger, fingerprint};
use imrf_bus::names::{event_type, subject};
use imrf_bus::{Bus, BusErrorKind, Expect, deterministic_ulid, new_event};
use imrf_gcm::clock::{SharedClock, end_of_day};
use imrf_gcm::refdata::{COMMISSIONS, reference};
use imrf_gcm::validate::{SHORT_TEXT_MAX_CHARS, TITLE_MAX_CHARS, Violations, to_calendar_date};
use imrf_platform::ServiceError;
use imrf_platform::rpc::{Call, record_entity, record_request_id};
use imrf_proto::v1::{
    AdvanceCycleRequest, AdvanceCycleResponse, CommissionProgress, Cycle, CycleOpened, CyclePhase,
    CyclePhaseChanged, CycleSchedule, Date, Deadline, DeadlineReminder, DraftCompiled, DraftFormat,
    DraftInfo, DraftRendering, Event, GetDraftResponse, InputWatermark, OpenCycleRequest,
    OpenCycleResponse, PhaseChange, SourceRef, event::Payload,
};
use tokio::io::AsyncReadExt;
use tonic::Status;

use crate::SERVICE_NAME;
use crate::cycle::{CycleState, Cycles, due_reminders, due_transition, issue_date};
use crate::draft::content::{DraftInputs, compose};
use crate::draft::{extension, render_all};
use crate::inputs::Inputs;

pub(crate) const DEFAULT_PAGE: usize = 20;
pub(crate) const MAX_PAGE: usize = 100;
pub(crate) const CHUNK: usize = 64 * 1024;

/// The object store holding draft renderings, content-addressed.
#[derive(Clone)]
pub struct Drafts(pub ObjectStore);

impl std::fmt::Debug for Drafts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Drafts")
    }
}

/// The state the handlers, the timers and the compiler share.
#[derive(Debug, Clone)]
pub struct Secretariat {
    pub(crate) bus: Bus,
    pub(crate) ledger: RequestLedger,
    pub(crate) clock: SharedClock,
    pub(crate) cycles: Arc<RwLock<Cycles>>,
    pub(crate) inputs: Arc<RwLock<Inputs>>,
    pub(crate) follower: Arc<Follower>,
    pub(crate) drafts: Drafts,
    pub(crate) read_timeout: Duration,
    pub(crate) reminder_days: Vec<u32>,
    /// One compile at a time in this replica; replicas are kept apart by the
    /// draft subject's expected sequence.
    pub(crate) compiling: Arc<tokio::sync::Mutex<()>>,
}

pub(crate) fn lock_error<T>(_: T) -> ServiceError {
    ServiceError::Internal("model lock poisoned".into())
}

fn phase_name(phase: CyclePhase) -> &'static str {
    phase.as_str_name().trim_start_matches("CYCLE_PHASE_")
}

fn next_phase(phase: CyclePhase) -> Option<CyclePhase> {
    match phase {
        CyclePhase::Open => Some(CyclePhase::Collecting),
        CyclePhase::Collecting => Some(CyclePhase::Consolidating),
        CyclePhase::Consolidating => Some(CyclePhase::Drafting),
        CyclePhase::Drafting => Some(CyclePhase::Issued),
        CyclePhase::Issued | CyclePhase::Unspecified => None,
    }
}

fn show(date: &Option<Date>) -> String {
    date.as_ref().map_or_else(String::new, |d| {
        format!("{:04}-{:02}-{:02}", d.year, d.month, d.day)
    })
}

/// Checks a request to open a cycle, field by field.
pub fn validate_open(v: &mut Violations, request: &OpenCycleRequest) {
    v.request_id("request_id", &request.request_id);
    v.cycle_id("cycle_id", &request.cycle_id);
    v.required_text("title", &request.title, TITLE_MAX_CHARS);
    v.optional_text(
        "document_symbol",
        &request.document_symbol,
        SHORT_TEXT_MAX_CHARS,
    );
    validate_schedule(v, request.schedule.as_ref());
}

/// Checks a schedule: every date present and real, and in the order the
/// cycle needs, with the report out twelve weeks before the plenary.
fn validate_schedule(v: &mut Violations, schedule: Option<&CycleSchedule>) {
    let Some(s) = schedule else {
        v.add("schedule", "is required");
        return;
    };
    let start = v.date("schedule.collection_start", s.collection_start.as_ref());
    let regional = v.date(
        "schedule.regional_review_deadline",
        s.regional_review_deadline.as_ref(),
    );
    let national = v.date(
        "schedule.national_report_deadline",
        s.national_report_deadline.as_ref(),
    );
    let cutoff = v.date("schedule.practices_cutoff", s.practices_cutoff.as_ref());
    let compile = v.date("schedule.compile_date", s.compile_date.as_ref());
    let plenary = v.date("schedule.plenary_date", s.plenary_date.as_ref());
    let mut after =
        |field: &str, date: Option<time::Date>, bound: Option<time::Date>, what: &str| {
            if let (Some(date), Some(bound)) = (date, bound)
                && date <= bound
            {
                v.add(
                    format!("schedule.{field}"),
                    format!("{date} must be after the {what} ({bound})"),
                );
            }
        };
    after(
        "regional_review_deadline",
        regional,
        start,
        "collection start",
    );
    after(
        "national_report_deadline",
        national,
        start,
        "collection start",
    );
    after("practices_cutoff", cutoff, start, "collection start");
    after(
        "compile_date",
        compile,
        regional,
        "regional-review deadline",
    );
    after(
        "compile_date",
        compile,
        national,
        "national-report deadline",
    );
    after("compile_date", compile, cutoff, "practices cut-off");
    after("plenary_date", plenary, compile, "compile date");
    if let (Some(compile), Some(issue), Some(plenary)) = (compile, issue_date(s), plenary)
        && compile < plenary
        && compile >= issue
    {
        v.add(
            "schedule.compile_date",
            format!("{compile} leaves less than 12 weeks before the plenary ({plenary}); the report must circulate by {issue}, so compile before it"),
        );
    }
}

impl Secretariat {
    async fn settle(&self, sequence: u64) {
        if sequence > 0
            && !self
                .follower
                .wait_applied(sequence, self.read_timeout)
                .await
        {
            tracing::warn!(sequence, "cycle model behind the stream");
        }
    }

    /// A cycle as shown to callers: with completeness from the inputs.
    pub(crate) fn view(&self, state: &CycleState) -> Result<Cycle, ServiceError> {
        let mut cycle = state.cycle.clone();
        let inputs = self.inputs.read().map_err(lock_error)?;
        let reports = inputs.reports(&cycle.cycle_id);
        cycle.progress = COMMISSIONS
            .iter()
            .map(|c| {
                let members: Vec<&str> = reference().commission_members(*c).collect();
                let mut reporting: Vec<&str> = reports
                    .iter()
                    .filter_map(|(r, _)| r.report.as_ref().map(|x| x.state.as_str()))
                    .filter(|s| members.contains(s))
                    .collect();
                reporting.sort_unstable();
                reporting.dedup();
                CommissionProgress {
                    commission: *c as i32,
                    regional_review_received: inputs.has_review(&cycle.cycle_id, *c),
                    national_reports_received: u32::try_from(reporting.len()).unwrap_or(u32::MAX),
                    national_reports_expected: u32::try_from(members.len()).unwrap_or(u32::MAX),
                }
            })
            .collect();
        Ok(cycle)
    }

    pub(crate) fn cycle(&self, cycle_id: &str) -> Result<CycleState, ServiceError> {
        self.cycles
            .read()
            .map_err(lock_error)?
            .get(cycle_id)
            .cloned()
            .ok_or_else(|| ServiceError::NotFound(format!("cycle {cycle_id} does not exist")))
    }

    pub(crate) async fn open(
        &self,
        call: Call<OpenCycleRequest>,
    ) -> Result<OpenCycleResponse, ServiceError> {
        let Call {
            message: request,
            caller: who,
            trace,
        } = call;
        record_request_id(&request.request_id);
        record_entity(&request.cycle_id);
        authorize(Rpc::OpenCycle, &who, Target::Unscoped)?;
        let mut v = Violations::new();
        validate_open(&mut v, &request);
        v.finish()?;
        let opened_subject = subject::cycle_opened(&request.cycle_id);
        let attempt = self
            .ledger
            .attempt("open-cycle", &request.request_id, fingerprint(&request));
        let decided = async {
            if self.bus.last_message(&opened_subject).await?.is_some() {
                return Err(ServiceError::AlreadyExists(format!(
                    "cycle {} is already open",
                    request.cycle_id
                )));
            }
            let now = self.clock.now();
            let cycle = Cycle {
                cycle_id: request.cycle_id.clone(),
                title: request.title.clone(),
                phase: CyclePhase::Open as i32,
                schedule: request.schedule,
                opened_at: Some(imrf_proto::timestamp(now)),
                document_symbol: request.document_symbol.clone(),
                session: request.session,
                ..Default::default()
            };
            let mut event = new_event(
                event_type::CYCLE_OPENED,
                SERVICE_NAME,
                &request.cycle_id,
                now,
                Payload::CycleOpened(CycleOpened { cycle: Some(cycle) }),
            );
            event.request_id = request.request_id.clone();
            event.actor = who.subject.clone();
            Ok::<_, ServiceError>(Prepared {
                subject: opened_subject.clone(),
                event,
                expect: Expect::LastSubjectSequence(0),
            })
        }
        .await;
        let stored = self
            .ledger
            .carry_out(&attempt, decided, Some(&trace))
            .await?;
        let response = {
            let cycle = match &stored.event.payload {
                Some(Payload::CycleOpened(o)) => o.cycle.clone(),
                _ => None,
            };
            OpenCycleResponse { cycle }
        };
        self.settle(stored.published.sequence).await;
        tracing::info!(cycle_id = %request.cycle_id, "cycle opened");
        Ok(response)
    }

    /// The phase recorded on the stream now, with the sequence a phase change
    /// must expect.
    async fn phase_head(&self, cycle_id: &str) -> Result<(CyclePhase, u64), ServiceError> {
        match self
            .bus
            .last_message(&subject::cycle_phase(cycle_id))
            .await?
        {
            None => Ok((CyclePhase::Open, 0)),
            Some(message) => {
                let event = message
                    .event()
                    .map_err(|e| ServiceError::Internal(format!("phase event: {e}")))?;
                let phase = match event.payload {
                    Some(Payload::CyclePhaseChanged(c)) => c
                        .change
                        .and_then(|c| CyclePhase::try_from(c.to).ok())
                        .unwrap_or(CyclePhase::Open),
                    _ => CyclePhase::Open,
                };
                Ok((phase, message.sequence))
            }
        }
    }

    pub(crate) async fn advance(
        &self,
        call: Call<AdvanceCycleRequest>,
    ) -> Result<AdvanceCycleResponse, ServiceError> {
        let Call {
            message: request,
            caller: who,
            trace,
        } = call;
        record_request_id(&request.request_id);
        record_entity(&request.cycle_id);
        authorize(Rpc::AdvanceCycle, &who, Target::Unscoped)?;
        let mut v = Violations::new();
        v.request_id("request_id", &request.request_id);
        v.cycle_id("cycle_id", &request.cycle_id);
        let expected: Option<CyclePhase> =
            v.required_enum("expected_phase", request.expected_phase, "cycle phase");
        v.required_text("reason", &request.reason, SHORT_TEXT_MAX_CHARS);
        v.finish()?;
        let expected = expected.unwrap_or_default();
        let attempt =
            self.ledger
                .attempt("advance-cycle", &request.request_id, fingerprint(&request));
        let decided = async {
            self.cycle(&request.cycle_id)?;
            let (phase, sequence) = self.phase_head(&request.cycle_id).await?;
            if phase != expected {
                return Err(ServiceError::FailedPrecondition(format!(
                    "cycle {} is {}, not {}",
                    request.cycle_id,
                    phase_name(phase),
                    phase_name(expected)
                )));
            }
            let Some(to) = next_phase(phase) else {
                return Err(ServiceError::FailedPrecondition(format!(
                    "cycle {} is ISSUED: there is no later phase",
                    request.cycle_id
                )));
            };
            let now = self.clock.now();
            let mut event = new_event(
                event_type::CYCLE_PHASE_CHANGED,
                SERVICE_NAME,
                &request.cycle_id,
                now,
                Payload::CyclePhaseChanged(CyclePhaseChanged {
                    cycle_id: request.cycle_id.clone(),
                    change: Some(PhaseChange {
                        from: phase as i32,
                        to: to as i32,
                        at: Some(imrf_proto::timestamp(now)),
                        deadline: Deadline::Unspecified as i32,
                        reason: request.reason.clone(),
                        actor: who.subject.clone(),
                    }),
                }),
            );
            event.request_id = request.request_id.clone();
            event.actor = who.subject.clone();
            Ok::<_, ServiceError>(Prepared {
                subject: subject::cycle_phase(&request.cycle_id),
                event,
                expect: Expect::LastSubjectSequence(sequence),
            })
        }
        .await;
        let stored = self
            .ledger
            .carry_out(&attempt, decided, Some(&trace))
            .await?;
        let _response = { AdvanceCycleResponse { cycle: None } };
        self.settle(stored.published.sequence).await;
        let state = self.cycle(&request.cycle_id)?;
        tracing::info!(cycle_id = %request.cycle_id, phase = phase_name(state.phase()), "cycle advanced");
        if state.phase() == CyclePhase::Drafting {
            self.compile_quietly(&request.cycle_id, "compile_date")
                .await;
        }
        Ok(AdvanceCycleResponse {
            cycle: Some(self.view(&state)?),
        })
    }

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
                let event = Event {
                    id: deterministic_ulid(due.at, &format!("phase/{id}/{}", due.to as i32)),
                    r#type: event_type::CYCLE_PHASE_CHANGED.into(),
                    occurred_at: Some(imrf_proto::timestamp(due.at)),
                    cycle_id: id.clone(),
                    producer: SERVICE_NAME.into(),
                    request_id: String::new(),
                    actor: String::new(),
                    payload: Some(Payload::CyclePhaseChanged(CyclePhaseChanged {
                        cycle_id: id.clone(),
                        change: Some(PhaseChange {
                            from: state.cycle.phase,
                            to: due.to as i32,
                            at: Some(imrf_proto::timestamp(due.at)),
                            deadline: due.deadline as i32,
                            reason: String::new(),
                            actor: String::new(),
                        }),
                    })),
                };
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
            let event = Event {
                id: deterministic_ulid(
                    reminder.at,
                    &format!(
                        "reminder/{cycle_id}/{}/{}",
                        reminder.deadline as i32, reminder.days_before
                    ),
                ),
                r#type: event_type::CYCLE_REMINDER.into(),
                occurred_at: Some(imrf_proto::timestamp(reminder.at)),
                cycle_id: cycle_id.to_string(),
                producer: SERVICE_NAME.into(),
                request_id: String::new(),
                actor: String::new(),
                payload: Some(Payload::DeadlineReminder(DeadlineReminder {
                    cycle_id: cycle_id.to_string(),
                    deadline: reminder.deadline as i32,
                    deadline_date: date,
                    days_before: reminder.days_before,
                    missing_commissions,
                    missing_states,
                })),
            };
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

    async fn compile_quietly(&self, cycle_id: &str, trigger: &str) {
        if let Err(err) = self.compile(cycle_id, trigger).await {
            tracing::warn!(error = %err, cycle_id, trigger, "compile failed");
        }
    }

    /// Compiles the draft of `cycle_id` from the inputs held now. Returns the
    /// draft and whether it is a new version (an unchanged draft is not
    /// stored again).
    pub async fn compile(
        &self,
        cycle_id: &str,
        trigger: &str,
    ) -> Result<(DraftInfo, bool), ServiceError> {
        let _one_at_a_time = self.compiling.lock().await;
        let state = self.cycle(cycle_id)?;
        let schedule = state.schedule();
        let cutoff_ms = schedule
            .practices_cutoff
            .as_ref()
            .and_then(to_calendar_date)
            .map(end_of_day)
            .and_then(|t| t.duration_since(SystemTime::UNIX_EPOCH).ok())
            .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX) - 1);
        let (draft, watermark) = {
            let inputs = self.inputs.read().map_err(lock_error)?;
            let reports = inputs.reports(cycle_id);
            let draft_inputs = DraftInputs {
                cycle: &state.cycle,
                reviews: inputs.reviews(cycle_id),
                reports,
                practices: inputs.published_practices(cutoff_ms),
                curation: inputs.curation(),
            };
            (compose(&draft_inputs), draft_inputs.watermark())
        };
        let renderings =
            render_all(&draft).map_err(|e| ServiceError::Internal(format!("rendering: {e}")))?;
        let sha = renderings
            .first()
            .map(|r| r.sha256.clone())
            .unwrap_or_default();
        if let Some(latest) = state.drafts.last()
            && latest.sha256 == sha
        {
            return Ok((latest.clone(), false));
        }
        for rendering in &renderings {
            let name = format!("{cycle_id}/{sha}.{}", extension(rendering.format));
            if self.drafts.0.info(&name).await.is_ok() {
                continue;
            }
            let mut reader = rendering.bytes.as_slice();
            self.drafts
                .0
                .put(name.as_str(), &mut reader)
                .await
                .map_err(|e| {
                    ServiceError::Unavailable(imrf_bus::BusError::new(BusErrorKind::Unavailable, e))
                })?;
        }
        let version = state.drafts.last().map_or(1, |d| d.version + 1);
        let now = self.clock.now();
        let info = DraftInfo {
            cycle_id: cycle_id.to_string(),
            version,
            sha256: sha.clone(),
            renderings: renderings
                .iter()
                .map(|r| DraftRendering {
                    format: r.format as i32,
                    sha256: r.sha256.clone(),
                    size: r.bytes.len() as u64,
                })
                .collect(),
            inputs: watermark
                .into_iter()
                .map(|s| InputWatermark {
                    source: Some(SourceRef {
                        kind: s.kind,
                        id: s.id,
                        revision: s.revision,
                    }),
                })
                .collect(),
            compiled_at: Some(imrf_proto::timestamp(now)),
            trigger: trigger.to_string(),
        };
        let event = Event {
            id: deterministic_ulid(now, &format!("draft/{cycle_id}/{version}/{sha}")),
            r#type: event_type::REPORT_DRAFT_COMPILED.into(),
            occurred_at: Some(imrf_proto::timestamp(now)),
            cycle_id: cycle_id.to_string(),
            producer: SERVICE_NAME.into(),
            request_id: String::new(),
            actor: String::new(),
            payload: Some(Payload::DraftCompiled(DraftCompiled {
                draft: Some(info.clone()),
            })),
        };
        let published = self
            .bus
            .publish_event(
                &subject::report_draft(cycle_id),
                &event,
                Expect::LastSubjectSequence(state.draft_sequence),
                None,
            )
            .await?;
        self.settle(published.sequence).await;
        tracing::info!(cycle_id, version, sha256 = %sha, trigger, "draft compiled");
        Ok((info, true))
    }

    pub(crate) fn draft_info(
        &self,
        cycle_id: &str,
        version: u32,
    ) -> Result<DraftInfo, ServiceError> {
        let state = self.cycle(cycle_id)?;
        let found = if version == 0 {
            state.drafts.last()
        } else {
            state.drafts.iter().find(|d| d.version == version)
        };
        found.cloned().ok_or_else(|| {
            ServiceError::NotFound(format!(
                "cycle {cycle_id} has {} draft(s); no draft version {version}",
                state.drafts.len()
            ))
        })
    }

    /// The bytes of a draft rendering.
    pub async fn draft_bytes(
        &self,
        info: &DraftInfo,
        format: DraftFormat,
    ) -> Result<Vec<u8>, ServiceError> {
        let name = format!("{}/{}.{}", info.cycle_id, info.sha256, extension(format));
        let mut object = self
            .drafts
            .0
            .get(&name)
            .await
            .map_err(|e| ServiceError::Internal(format!("draft {name}: {e}")))?;
        let mut bytes = Vec::new();
        object
            .read_to_end(&mut bytes)
            .await
            .map_err(|e| ServiceError::Internal(format!("draft {name}: {e}")))?;
        Ok(bytes)
    }
}

/// A draft, as the authorization table sees it: published once issued,
/// that is the last draft of an ISSUED cycle.
pub(crate) fn as_material<'a>(state: &CycleState, draft: &DraftInfo) -> Target<'a> {
    let issued = state.cycle.phase == CyclePhase::Issued as i32
        && state
            .drafts
            .last()
            .is_some_and(|last| last.version == draft.version);
    Target::Material {
        submitter: "",
        published: issued,
    }
}

pub(crate) type DraftStream =
    Pin<Box<dyn Stream<Item = Result<GetDraftResponse, Status>> + Send + 'static>>;
