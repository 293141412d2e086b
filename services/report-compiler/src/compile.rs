//! Compiling a cycle's draft: its inputs composed and rendered in every
//! format, stored content-addressed in the `DRAFTS` object store, and
//! announced as `DraftCompiled` with a deterministic id; reading a stored
//! draft back, for whoever may see it.

use imrf_platform::auth::Caller;
use imrf_platform::authz::{Rpc, Target, permits};

use async_nats::jetstream::object_store::ObjectStore;
use imrf_bus::follow::read_model;
use imrf_bus::names::{event_type, subject};
use imrf_bus::{BusErrorKind, Expect, derived_event};
use imrf_platform::ServiceError;
use imrf_proto::v1::{
    CyclePhase, DraftCompiled, DraftFormat, DraftInfo, DraftRendering, DraftText, InputWatermark,
    SourceRef, event::Payload,
};
use tokio::io::AsyncReadExt;

use crate::SERVICE_NAME;
use crate::cycle::CycleState;
use crate::draft::compose::{DraftInputs, compose};
use crate::draft::model::Draft;
use crate::draft::{extension, is_data_format, render_all, render_data};
use crate::service::Secretariat;

/// The object store holding draft renderings, content-addressed.
#[derive(Clone)]
pub struct Drafts(pub ObjectStore);

impl std::fmt::Debug for Drafts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Drafts")
    }
}

impl Secretariat {
    pub(crate) async fn compile_quietly(&self, cycle_id: &str, trigger: &str) {
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
        let started = std::time::Instant::now();
        let state = self.cycle(cycle_id)?;
        // Composing and rendering a full cycle is tens of milliseconds of
        // CPU: on a blocking thread, so the runtime's workers keep serving
        // calls meanwhile.
        let (inputs, cycle) = (self.inputs.clone(), state.cycle.clone());
        let texts: Vec<DraftText> = state.texts().into_iter().cloned().collect();
        let (watermark, renderings) = tokio::task::spawn_blocking(move || {
            let (draft, watermark) = {
                let inputs = read_model(&inputs)?;
                let draft_inputs = DraftInputs::gather(&cycle, &inputs).with_texts(&texts);
                (compose(&draft_inputs), draft_inputs.watermark())
            };
            let renderings = render_all(&draft).map_err(|e| ServiceError::internal(&e))?;
            Ok::<_, ServiceError>((watermark, renderings))
        })
        .await
        .map_err(|e| ServiceError::internal(&e))??;
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
            self.store(&name, &rendering.bytes).await?;
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
                        kind: s.kind.as_str().into(),
                        id: s.id,
                        revision: s.revision,
                    }),
                })
                .collect(),
            compiled_at: Some(imrf_proto::timestamp(now)),
            trigger: trigger.to_string(),
        };
        let event = derived_event(
            event_type::REPORT_DRAFT_COMPILED,
            SERVICE_NAME,
            cycle_id,
            now,
            &format!("draft/{cycle_id}/{version}/{sha}"),
            Payload::DraftCompiled(DraftCompiled {
                draft: Some(info.clone()),
            }),
        );
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
        metrics::histogram!("imrf_draft_compile_duration_seconds")
            .record(started.elapsed().as_secs_f64());
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

    /// A stored draft, read back from its JSON rendering.
    pub async fn stored_draft(&self, info: &DraftInfo) -> Result<Draft, ServiceError> {
        let bytes = self.stored_bytes(info, DraftFormat::Json).await?;
        serde_json::from_slice(&bytes).map_err(|e| {
            ServiceError::Internal(format!(
                "draft {} version {}: {e}",
                info.cycle_id, info.version
            ))
        })
    }

    /// The bytes of a draft rendering. A data format is rendered from the
    /// stored draft the first time it is asked for, and stored beside the
    /// others under the same content address.
    pub async fn draft_bytes(
        &self,
        info: &DraftInfo,
        format: DraftFormat,
    ) -> Result<Vec<u8>, ServiceError> {
        let name = format!("{}/{}.{}", info.cycle_id, info.sha256, extension(format));
        if is_data_format(format) && self.drafts.0.info(&name).await.is_err() {
            let draft = self.stored_draft(info).await?;
            let rendered = tokio::task::spawn_blocking(move || render_data(&draft, format))
                .await
                .map_err(|e| ServiceError::internal(&e))?
                .map_err(|e| ServiceError::internal(&e))?;
            let bytes = rendered.map(|r| r.bytes).unwrap_or_default();
            // Two callers may render it at once: the same bytes, so
            // either put stands.
            self.store(&name, &bytes).await?;
            return Ok(bytes);
        }
        self.stored_bytes(info, format).await
    }

    /// Stores the rendering `bytes` under `name`.
    async fn store(&self, name: &str, bytes: &[u8]) -> Result<(), ServiceError> {
        let mut reader = bytes;
        self.drafts
            .0
            .put(name, &mut reader)
            .await
            .map(|_| ())
            .map_err(|e| {
                ServiceError::Unavailable(imrf_bus::BusError::new(BusErrorKind::Unavailable, e))
            })
    }

    /// The bytes of a stored rendering.
    async fn stored_bytes(
        &self,
        info: &DraftInfo,
        format: DraftFormat,
    ) -> Result<Vec<u8>, ServiceError> {
        let name = format!("{}/{}.{}", info.cycle_id, info.sha256, extension(format));
        let mut object = self.drafts.0.get(&name).await.map_err(|e| {
            // A missing object is a defect; anything else is the bus out of
            // reach, which a retry may find back.
            if e.kind() == async_nats::jetstream::object_store::GetErrorKind::NotFound {
                ServiceError::Internal(format!("draft {name}: {e}"))
            } else {
                ServiceError::Unavailable(imrf_bus::BusError::new(BusErrorKind::Unavailable, e))
            }
        })?;
        let mut bytes = Vec::new();
        object.read_to_end(&mut bytes).await.map_err(|e| {
            ServiceError::Unavailable(imrf_bus::BusError::new(BusErrorKind::Unavailable, e))
        })?;
        Ok(bytes)
    }
}

/// Whether `who` may see `draft` of `state` through `rpc`: the one rule for
/// every answer that shows a draft or its metadata.
pub(crate) fn draft_visible(rpc: Rpc, who: &Caller, state: &CycleState, draft: &DraftInfo) -> bool {
    permits(rpc, who, as_material(state, draft))
}

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
