//! Where the secretariat runs a cycle and asks for drafts: the handlers of
//! the `ReviewCycle` and `BiennialReportCompiler` gRPC services. What a
//! request does is decided in `decide`; the schedule's timers are in
//! `schedule`, compilation and the draft store in `compile`.

use std::pin::Pin;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use futures::Stream;
use imrf_bus::Bus;
use imrf_bus::follow::Follower;
use imrf_bus::follow::read_model;
use imrf_bus::ledger::{Attempt, Prepared, RequestLedger, fingerprint};
use imrf_bus::names::subject;
use imrf_bus::trace::TraceContext;
use imrf_gcm::Refusal;
use imrf_gcm::clock::SharedClock;
use imrf_gcm::refdata::{COMMISSIONS, reference};
use imrf_gcm::validate::{SHORT_TEXT_MAX_CHARS, Violations, page_size};
use imrf_platform::ServiceError;
use imrf_platform::auth::Caller;
use imrf_platform::authz::{Rpc, Target, authorize};
use imrf_platform::rpc::{Call, record_entity};
use imrf_proto::v1::biennial_report_compiler_server::BiennialReportCompiler;
use imrf_proto::v1::review_cycle_server::ReviewCycle;
use imrf_proto::v1::{
    AdvanceCycleRequest, AdvanceCycleResponse, CommissionProgress, CompileDraftRequest,
    CompileDraftResponse, Cycle, CyclePhase, DiffDraftsRequest, DiffDraftsResponse, DraftFormat,
    DraftInfo, Event, GetCycleRequest, GetCycleResponse, GetDraftRequest, GetDraftResponse,
    ListCyclesRequest, ListCyclesResponse, ListDraftTextsRequest, ListDraftTextsResponse,
    ListDraftsRequest, ListDraftsResponse, OpenCycleRequest, OpenCycleResponse,
    RemoveDraftTextRequest, RemoveDraftTextResponse, SetDraftTextRequest, SetDraftTextResponse,
    event::Payload,
};
use tonic::Status;

use crate::compile::{Drafts, as_material, draft_visible};
use crate::cycle::{CycleState, Cycles};
use crate::decide::{self, TextHead, phase_name};
use crate::draft::diff;
use crate::inputs::Inputs;
use crate::validate::{validate_open, validate_remove_text, validate_set_text};

const DEFAULT_PAGE: usize = 20;
const MAX_PAGE: usize = 100;
const CHUNK: usize = 64 * 1024;

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

impl Secretariat {
    /// Waits until the cycle model holds the event at `sequence`.
    pub(crate) async fn settle(&self, sequence: u64) {
        self.follower.settle(sequence, self.read_timeout).await;
    }

    /// A cycle as shown to callers: with completeness from the inputs.
    /// The cycle as `who` may see it: its latest draft only when `who` may
    /// read that draft (one rule with ListDrafts and GetDraft).
    pub(crate) fn view(&self, state: &CycleState, who: &Caller) -> Result<Cycle, ServiceError> {
        let mut cycle = state.cycle.clone();
        if !state
            .drafts
            .last()
            .is_some_and(|latest| draft_visible(Rpc::ListDrafts, who, state, latest))
        {
            cycle.latest_draft = None;
        }
        let inputs = read_model(&self.inputs)?;
        let reports = inputs.reports(&cycle.cycle_id);
        cycle.progress = COMMISSIONS
            .iter()
            .map(|c| {
                let members: Vec<&str> = reference().regional_members(*c).collect();
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
        read_model(&self.cycles)?
            .get(cycle_id)
            .cloned()
            .ok_or_else(|| ServiceError::NotFound(format!("cycle {cycle_id} does not exist")))
    }

    pub(crate) async fn open(
        &self,
        call: Call<OpenCycleRequest>,
    ) -> Result<OpenCycleResponse, ServiceError> {
        let (request, who, trace) = call.into_parts();
        record_entity(&request.cycle_id);
        authorize(Rpc::OpenCycle, &who, Target::Unscoped)?;
        let mut v = Violations::new();
        validate_open(&mut v, &request);
        v.finish()?;
        let attempt = self.ledger.attempt(
            "open-cycle",
            &who.subject,
            &request.request_id,
            fingerprint(&request),
        );
        let already_open = self
            .bus
            .last_message(&subject::cycle_opened(&request.cycle_id))
            .await?
            .is_some();
        let decided = decide::open(
            &request,
            already_open,
            who.acting(&request.request_id, self.clock.now()),
        );
        let stored = self
            .ledger
            .carry_out(&attempt, decided.map_err(ServiceError::from), Some(&trace))
            .await?;
        let response = decide::opened(&stored.event);
        self.settle(stored.published.sequence).await;
        tracing::info!(cycle_id = %request.cycle_id, "cycle opened");
        Ok(response)
    }

    /// The phase recorded on the stream now, with the sequence a phase change
    /// must expect.
    async fn phase_head(&self, cycle_id: &str) -> Result<(CyclePhase, u64), ServiceError> {
        let last = self
            .bus
            .last_message(&subject::cycle_phase(cycle_id))
            .await?;
        Ok(match last {
            None => (CyclePhase::Open, 0),
            Some(message) => (
                decide::phase_after(Some(&message.event()?)),
                message.sequence,
            ),
        })
    }

    pub(crate) async fn advance(
        &self,
        call: Call<AdvanceCycleRequest>,
    ) -> Result<AdvanceCycleResponse, ServiceError> {
        let (request, who, trace) = call.into_parts();
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
        // A cycle once known is never removed, so an unknown one is no
        // repeat of an answered request.
        self.cycle(&request.cycle_id)?;
        let attempt = self.ledger.attempt(
            "advance-cycle",
            &who.subject,
            &request.request_id,
            fingerprint(&request),
        );
        let head = self.phase_head(&request.cycle_id).await?;
        let decided = decide::advance(
            &request,
            expected,
            head,
            who.acting(&request.request_id, self.clock.now()),
        );
        let stored = self
            .ledger
            .carry_out(&attempt, decided.map_err(ServiceError::from), Some(&trace))
            .await?;
        self.settle(stored.published.sequence).await;
        let state = self.cycle(&request.cycle_id)?;
        tracing::info!(
            cycle_id = %request.cycle_id,
            phase = phase_name(state.phase()),
            actor = %who.subject,
            reason = %request.reason,
            "cycle advanced"
        );
        if state.phase() == CyclePhase::Drafting {
            self.compile_quietly(&request.cycle_id, "advanced_to_drafting")
                .await;
        }
        Ok(AdvanceCycleResponse {
            cycle: Some(self.view(&state, &who)?),
        })
    }
}

/// A draft, as the authorization table sees it: published once issued,
/// that is the last draft of an ISSUED cycle.
type DraftStream = Pin<Box<dyn Stream<Item = Result<GetDraftResponse, Status>> + Send + 'static>>;

/// The read and compile handlers.
impl Secretariat {
    /// Opens a cycle; deadlines already due (a cycle opened late) fire now.
    async fn open_and_fire(
        &self,
        call: Call<OpenCycleRequest>,
    ) -> Result<OpenCycleResponse, ServiceError> {
        let who = call.caller.clone();
        let mut response = self.open(call).await?;
        self.tick().await;
        // Answer with the cycle as it stands once what was due has fired
        // (collection starting today moves it to COLLECTING at once), so
        // the answer agrees with a GetCycle a moment later.
        if let Some(opened) = &response.cycle
            && let Ok(state) = self.cycle(&opened.cycle_id)
        {
            response.cycle = Some(self.view(&state, &who)?);
        }
        Ok(response)
    }

    async fn get(&self, call: Call<GetCycleRequest>) -> Result<GetCycleResponse, ServiceError> {
        let state = self.cycle(&call.message.cycle_id)?;
        Ok(GetCycleResponse {
            cycle: Some(self.view(&state, &call.caller)?),
        })
    }

    async fn list(
        &self,
        call: Call<ListCyclesRequest>,
    ) -> Result<ListCyclesResponse, ServiceError> {
        let request = call.message;
        let page = page_size(request.page_size, DEFAULT_PAGE, MAX_PAGE);
        let states: Vec<CycleState> = read_model(&self.cycles)?
            .all()
            .rev()
            .filter(|c| request.page_token.is_empty() || c.cycle.cycle_id < request.page_token)
            .cloned()
            .collect();
        let mut cycles = Vec::new();
        for state in states.iter().take(page) {
            cycles.push(self.view(state, &call.caller)?);
        }
        let next_page_token = if states.len() > page {
            cycles
                .last()
                .map(|c| c.cycle_id.clone())
                .unwrap_or_default()
        } else {
            String::new()
        };
        Ok(ListCyclesResponse {
            cycles,
            next_page_token,
        })
    }

    async fn compile_on_demand(
        &self,
        call: Call<CompileDraftRequest>,
    ) -> Result<CompileDraftResponse, ServiceError> {
        let who = call.caller;
        authorize(Rpc::CompileDraft, &who, Target::Unscoped)?;
        let request = call.message;
        let mut v = Violations::new();
        v.request_id("request_id", &request.request_id);
        v.cycle_id("cycle_id", &request.cycle_id);
        v.finish()?;
        let print = fingerprint(&request);
        if let Some(answer) = self
            .ledger
            .recall::<CompileDraftResponse>(
                "compile-draft",
                &who.subject,
                &request.request_id,
                &print,
            )
            .await?
        {
            return Ok(answer);
        }
        let (draft, new_version) = self.compile(&request.cycle_id, "on_demand").await?;
        let answer = CompileDraftResponse {
            draft: Some(draft),
            new_version,
        };
        self.ledger
            .remember(
                "compile-draft",
                &who.subject,
                &request.request_id,
                print,
                &answer,
            )
            .await?;
        Ok(answer)
    }

    async fn draft(&self, call: Call<GetDraftRequest>) -> Result<DraftStream, ServiceError> {
        let who = call.caller;
        let request = call.message;
        let format = match DraftFormat::try_from(request.format) {
            Ok(DraftFormat::Unspecified) | Err(_) => {
                return Err(ServiceError::invalid(
                    "format",
                    "is required: DRAFT_FORMAT_MARKDOWN, DRAFT_FORMAT_HTML, DRAFT_FORMAT_DOCX, DRAFT_FORMAT_JSON, DRAFT_FORMAT_XLSX or DRAFT_FORMAT_SDMX_CSV",
                ));
            }
            Ok(f) => f,
        };
        let info = self.draft_info(&request.cycle_id, request.version)?;
        let state = self.cycle(&request.cycle_id)?;
        authorize(Rpc::GetDraft, &who, as_material(&state, &info))?;
        let bytes = self.draft_bytes(&info, format).await?;
        let mut chunks: Vec<Result<GetDraftResponse, Status>> = bytes
            .chunks(CHUNK)
            .map(|chunk| {
                Ok(GetDraftResponse {
                    draft: None,
                    chunk: chunk.to_vec(),
                })
            })
            .collect();
        match chunks.first_mut() {
            Some(Ok(first)) => first.draft = Some(info),
            _ => chunks.push(Ok(GetDraftResponse {
                draft: Some(info),
                chunk: Vec::new(),
            })),
        }
        Ok(Box::pin(futures::stream::iter(chunks)))
    }

    async fn drafts(
        &self,
        call: Call<ListDraftsRequest>,
    ) -> Result<ListDraftsResponse, ServiceError> {
        let who = call.caller;
        let request = call.message;
        let state = self.cycle(&request.cycle_id)?;
        let page = page_size(request.page_size, DEFAULT_PAGE, MAX_PAGE);
        let before: Option<u32> = if request.page_token.is_empty() {
            None
        } else {
            Some(request.page_token.parse().map_err(|_| {
                ServiceError::invalid("page_token", "is not a token this service gave")
            })?)
        };
        let matching: Vec<DraftInfo> = state
            .drafts
            .iter()
            .rev()
            .filter(|d| before.is_none_or(|b| d.version < b))
            .filter(|d| draft_visible(Rpc::ListDrafts, &who, &state, d))
            .cloned()
            .collect();
        let next_page_token = if matching.len() > page {
            matching
                .get(page - 1)
                .map(|d| d.version.to_string())
                .unwrap_or_default()
        } else {
            String::new()
        };
        Ok(ListDraftsResponse {
            drafts: matching.into_iter().take(page).collect(),
            next_page_token,
        })
    }
}

/// The secretariat's own text, and the comparison of drafts.
impl Secretariat {
    /// What the text's subject holds now.
    async fn text_head(&self, cycle_id: &str, text_id: &str) -> Result<TextHead, ServiceError> {
        let last = self
            .bus
            .last_message(&subject::report_text(cycle_id, text_id))
            .await?;
        Ok(match last {
            None => TextHead::default(),
            Some(message) => TextHead::after(&message.event()?, message.sequence),
        })
    }

    /// Stores a decided change of a text (or the answer an earlier attempt
    /// of the request stored), waits until the cycle model holds it, and
    /// recompiles a draft in DRAFTING at once: the drafter who changed a
    /// text sees it in the next version without asking.
    async fn carry_out_text(
        &self,
        attempt: &Attempt,
        decided: Result<Prepared, Refusal>,
        trace: &TraceContext,
        cycle_id: &str,
    ) -> Result<Event, ServiceError> {
        let stored = self
            .ledger
            .carry_out(attempt, decided.map_err(ServiceError::from), Some(trace))
            .await?;
        self.settle(stored.published.sequence).await;
        if self
            .cycle(cycle_id)
            .is_ok_and(|s| s.phase() == CyclePhase::Drafting)
        {
            self.compile_quietly(cycle_id, "secretariat_text").await;
        }
        Ok(stored.event)
    }

    async fn set_text(
        &self,
        call: Call<SetDraftTextRequest>,
    ) -> Result<SetDraftTextResponse, ServiceError> {
        let (request, who, trace) = call.into_parts();
        authorize(Rpc::SetDraftText, &who, Target::Unscoped)?;
        let mut v = Violations::new();
        validate_set_text(&mut v, &request);
        v.finish()?;
        let (cycle_id, text_id) = request
            .text
            .as_ref()
            .map(|t| (t.cycle_id.clone(), t.text_id.clone()))
            .unwrap_or_default();
        record_entity(&cycle_id);
        let state = self.cycle(&cycle_id)?;
        let attempt = self.ledger.attempt(
            "set-draft-text",
            &who.subject,
            &request.request_id,
            fingerprint(&request),
        );
        let head = self.text_head(&cycle_id, &text_id).await?;
        let decided = decide::set_text(
            &request,
            state.phase(),
            head,
            who.acting(&request.request_id, self.clock.now()),
        );
        let event = self
            .carry_out_text(&attempt, decided, &trace, &cycle_id)
            .await?;
        let text = match event.payload {
            Some(Payload::DraftTextSet(set)) => set.text,
            _ => None,
        };
        tracing::info!(
            cycle_id,
            text_id,
            revision = text.as_ref().map_or(0, |t| t.revision),
            "secretariat text set"
        );
        Ok(SetDraftTextResponse { text })
    }

    async fn remove_text(
        &self,
        call: Call<RemoveDraftTextRequest>,
    ) -> Result<RemoveDraftTextResponse, ServiceError> {
        let (request, who, trace) = call.into_parts();
        record_entity(&request.cycle_id);
        authorize(Rpc::RemoveDraftText, &who, Target::Unscoped)?;
        let mut v = Violations::new();
        validate_remove_text(&mut v, &request);
        v.finish()?;
        let state = self.cycle(&request.cycle_id)?;
        let attempt = self.ledger.attempt(
            "remove-draft-text",
            &who.subject,
            &request.request_id,
            fingerprint(&request),
        );
        let head = self.text_head(&request.cycle_id, &request.text_id).await?;
        let decided = decide::remove_text(
            &request,
            state.phase(),
            head,
            who.acting(&request.request_id, self.clock.now()),
        );
        let event = self
            .carry_out_text(&attempt, decided, &trace, &request.cycle_id)
            .await?;
        let revision = match event.payload {
            Some(Payload::DraftTextRemoved(removed)) => removed.revision,
            _ => 0,
        };
        tracing::info!(cycle_id = %request.cycle_id, text_id = %request.text_id, revision, "secretariat text removed");
        Ok(RemoveDraftTextResponse { revision })
    }

    async fn texts(
        &self,
        call: Call<ListDraftTextsRequest>,
    ) -> Result<ListDraftTextsResponse, ServiceError> {
        authorize(Rpc::ListDraftTexts, &call.caller, Target::Unscoped)?;
        let state = self.cycle(&call.message.cycle_id)?;
        Ok(ListDraftTextsResponse {
            texts: state.texts().into_iter().cloned().collect(),
        })
    }

    async fn diff(
        &self,
        call: Call<DiffDraftsRequest>,
    ) -> Result<DiffDraftsResponse, ServiceError> {
        authorize(Rpc::DiffDrafts, &call.caller, Target::Unscoped)?;
        let request = call.message;
        let mut v = Violations::new();
        v.cycle_id("cycle_id", &request.cycle_id);
        if request.from_version == 0 {
            v.add("from_version", "is required: the earlier draft's version");
        }
        v.finish()?;
        let from = self.draft_info(&request.cycle_id, request.from_version)?;
        let to = self.draft_info(&request.cycle_id, request.to_version)?;
        let (a, b) = (
            self.stored_draft(&from).await?,
            self.stored_draft(&to).await?,
        );
        // Aligning every paragraph of two full drafts is milliseconds of
        // CPU: off the runtime's workers, as compiling is.
        let changes = tokio::task::spawn_blocking(move || diff::compare(&a, &b))
            .await
            .map_err(|e| ServiceError::internal(&e))?;
        Ok(DiffDraftsResponse {
            from: Some(from),
            to: Some(to),
            ..changes
        })
    }
}

imrf_platform::grpc_service! {
    impl ReviewCycle for Secretariat {
        fn open_cycle(OpenCycleRequest) -> OpenCycleResponse = open_and_fire;
        fn get_cycle(GetCycleRequest) -> GetCycleResponse = get;
        fn list_cycles(ListCyclesRequest) -> ListCyclesResponse = list;
        fn advance_cycle(AdvanceCycleRequest) -> AdvanceCycleResponse = advance;
    }
}

imrf_platform::grpc_service! {
    impl BiennialReportCompiler for Secretariat {
        type GetDraftStream = DraftStream;
        fn compile_draft(CompileDraftRequest) -> CompileDraftResponse = compile_on_demand;
        fn get_draft(GetDraftRequest) -> DraftStream = draft;
        fn list_drafts(ListDraftsRequest) -> ListDraftsResponse = drafts;
        fn set_draft_text(SetDraftTextRequest) -> SetDraftTextResponse = set_text;
        fn remove_draft_text(RemoveDraftTextRequest) -> RemoveDraftTextResponse = remove_text;
        fn list_draft_texts(ListDraftTextsRequest) -> ListDraftTextsResponse = texts;
        fn diff_drafts(DiffDraftsRequest) -> DiffDraftsResponse = diff;
    }
}
