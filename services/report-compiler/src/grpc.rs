//! The secretariat's two gRPC services, `ReviewCycle` and
//! `BiennialReportCompiler`: each RPC goes through the one adapter
//! (`imrf_platform::rpc`) to a handler of `Secretariat`.

use imrf_bus::ledger::fingerprint;
use imrf_gcm::validate::Violations;
use imrf_platform::ServiceError;
use imrf_platform::authz::{Rpc, Target, authorize, permits};
use imrf_platform::rpc::{self, Call};
use imrf_proto::v1::biennial_report_compiler_server::BiennialReportCompiler;
use imrf_proto::v1::review_cycle_server::ReviewCycle;
use imrf_proto::v1::*;
use tonic::{Request, Response, Status};

use imrf_bus::follow::read_model;

use crate::compile::as_material;
use crate::cycle::CycleState;
use crate::service::{CHUNK, DEFAULT_PAGE, DraftStream, MAX_PAGE, Secretariat};

impl Secretariat {
    async fn get(&self, call: Call<GetCycleRequest>) -> Result<GetCycleResponse, ServiceError> {
        let state = self.cycle(&call.message.cycle_id)?;
        Ok(GetCycleResponse {
            cycle: Some(self.view(&state)?),
        })
    }

    async fn list(
        &self,
        call: Call<ListCyclesRequest>,
    ) -> Result<ListCyclesResponse, ServiceError> {
        let request = call.message;
        let page = match usize::try_from(request.page_size).unwrap_or(MAX_PAGE) {
            0 => DEFAULT_PAGE,
            n => n.min(MAX_PAGE),
        };
        let states: Vec<CycleState> = read_model(&self.cycles)?
            .all()
            .rev()
            .filter(|c| request.page_token.is_empty() || c.cycle.cycle_id < request.page_token)
            .cloned()
            .collect();
        let mut cycles = Vec::new();
        for state in states.iter().take(page) {
            cycles.push(self.view(state)?);
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
            .recall::<CompileDraftResponse>("compile-draft", &request.request_id, &print)
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
            .remember("compile-draft", &request.request_id, print, &answer)
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
                    "is required: DRAFT_FORMAT_MARKDOWN, DRAFT_FORMAT_HTML, DRAFT_FORMAT_DOCX or DRAFT_FORMAT_JSON",
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
        let page = match usize::try_from(request.page_size).unwrap_or(MAX_PAGE) {
            0 => DEFAULT_PAGE,
            n => n.min(MAX_PAGE),
        };
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
            .filter(|d| permits(Rpc::ListDrafts, &who, as_material(&state, d)))
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

#[tonic::async_trait]
impl ReviewCycle for Secretariat {
    async fn open_cycle(
        &self,
        request: Request<OpenCycleRequest>,
    ) -> Result<Response<OpenCycleResponse>, Status> {
        rpc::serve("OpenCycle", request, async |call| {
            let response = self.open(call).await?;
            // Deadlines already due (a cycle opened late) fire now.
            self.tick().await;
            Ok(response)
        })
        .await
    }

    async fn get_cycle(
        &self,
        request: Request<GetCycleRequest>,
    ) -> Result<Response<GetCycleResponse>, Status> {
        rpc::serve("GetCycle", request, |call| self.get(call)).await
    }

    async fn list_cycles(
        &self,
        request: Request<ListCyclesRequest>,
    ) -> Result<Response<ListCyclesResponse>, Status> {
        rpc::serve("ListCycles", request, |call| self.list(call)).await
    }

    async fn advance_cycle(
        &self,
        request: Request<AdvanceCycleRequest>,
    ) -> Result<Response<AdvanceCycleResponse>, Status> {
        rpc::serve("AdvanceCycle", request, |call| self.advance(call)).await
    }
}

#[tonic::async_trait]
impl BiennialReportCompiler for Secretariat {
    async fn compile_draft(
        &self,
        request: Request<CompileDraftRequest>,
    ) -> Result<Response<CompileDraftResponse>, Status> {
        rpc::serve("CompileDraft", request, |call| self.compile_on_demand(call)).await
    }

    type GetDraftStream = DraftStream;

    async fn get_draft(
        &self,
        request: Request<GetDraftRequest>,
    ) -> Result<Response<Self::GetDraftStream>, Status> {
        rpc::serve("GetDraft", request, |call| self.draft(call)).await
    }

    async fn list_drafts(
        &self,
        request: Request<ListDraftsRequest>,
    ) -> Result<Response<ListDraftsResponse>, Status> {
        rpc::serve("ListDrafts", request, |call| self.drafts(call)).await
    }
}
