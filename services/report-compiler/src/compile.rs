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
use crate::draft::{extension, render_all, render_one};
use crate::service::Secretariat;

/// Draft versions per cycle whose renderings all stay stored: the latest
/// and the two before it, the ones the secretariat compares and
/// circulates. An older version keeps its JSON, which is what it said and
/// what every other format is rendered from, and is rendered again when
/// asked for: a cycle's drafts grow by one JSON per version, not by every
/// format of every version.
pub const RENDERINGS_KEPT: u32 = 3;

/// Whether draft `version` keeps every rendering stored while `latest` is
/// its cycle's latest version.
fn renderings_kept(version: u32, latest: u32) -> bool {
    version + RENDERINGS_KEPT > latest
}

/// The formats let go of when a version leaves [`RENDERINGS_KEPT`].
const RENDERED_AGAIN: [DraftFormat; 5] = [
    DraftFormat::Markdown,
    DraftFormat::Html,
    DraftFormat::Docx,
    DraftFormat::Xlsx,
    DraftFormat::SdmxCsv,
];

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
            let name = object_name(cycle_id, &sha, rendering.format);
            if self.is_stored(&name).await? {
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
        self.let_go_of_renderings(cycle_id, version).await;
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

    /// The bytes of a draft rendering. One not stored (a data format the
    /// first time it is asked for, or any format but JSON of a version
    /// older than [`RENDERINGS_KEPT`]) is rendered from the stored JSON,
    /// and stored beside the others under the same content address while
    /// its version is among the kept.
    pub async fn draft_bytes(
        &self,
        info: &DraftInfo,
        format: DraftFormat,
    ) -> Result<Vec<u8>, ServiceError> {
        let name = object_name(&info.cycle_id, &info.sha256, format);
        if format == DraftFormat::Json || self.is_stored(&name).await? {
            return self.stored_bytes(info, format).await;
        }
        let draft = self.stored_draft(info).await?;
        let rendered = tokio::task::spawn_blocking(move || render_one(&draft, format))
            .await
            .map_err(|e| ServiceError::internal(&e))?
            .map_err(|e| ServiceError::internal(&e))?
            .ok_or_else(|| ServiceError::Internal(format!("no rendering of {name}")))?;
        // A document format is rendered again only if its compile's was let
        // go: it must come back as the bytes the version announced.
        if let Some(announced) = info.renderings.iter().find(|r| r.format == format as i32)
            && announced.sha256 != rendered.sha256
        {
            return Err(ServiceError::Internal(format!(
                "{name} rendered again is not the rendering its compile announced"
            )));
        }
        let latest = self
            .cycle(&info.cycle_id)?
            .drafts
            .last()
            .map_or(0, |d| d.version);
        if renderings_kept(info.version, latest) {
            // Two callers may render it at once: the same bytes, so
            // either put stands.
            self.store(&name, &rendered.bytes).await?;
        }
        Ok(rendered.bytes)
    }

    /// Lets go of the renderings of the version that `latest` moved out of
    /// [`RENDERINGS_KEPT`], unless a kept version has the same content (a
    /// draft compiled back to an earlier text shares its address). A
    /// failure is logged and leaves them stored: the draft is complete
    /// either way.
    async fn let_go_of_renderings(&self, cycle_id: &str, latest: u32) {
        // The one version this compile moved out of the window.
        let Some(leaving) = latest.checked_sub(RENDERINGS_KEPT) else {
            return;
        };
        let Ok(state) = self.cycle(cycle_id) else {
            return;
        };
        let Some(old) = state.drafts.iter().find(|d| d.version == leaving) else {
            return;
        };
        if state
            .drafts
            .iter()
            .any(|d| renderings_kept(d.version, latest) && d.sha256 == old.sha256)
        {
            return;
        }
        for format in RENDERED_AGAIN {
            let name = object_name(cycle_id, &old.sha256, format);
            match self.drafts.0.delete(&name).await {
                Ok(()) => {}
                Err(e)
                    if e.kind()
                        == async_nats::jetstream::object_store::DeleteErrorKind::NotFound => {}
                Err(e) => tracing::warn!(error = %e, name, "could not let go of a rendering"),
            }
        }
    }

    /// Whether a rendering is stored under `name` (a rendering let go of
    /// leaves a marker that it was deleted); the bus out of reach is
    /// UNAVAILABLE, not "absent", so a read does not wait out a second
    /// timeout rendering what it could not look up.
    async fn is_stored(&self, name: &str) -> Result<bool, ServiceError> {
        match self.drafts.0.info(name).await {
            Ok(info) => Ok(!info.deleted),
            Err(e) if e.kind() == async_nats::jetstream::object_store::InfoErrorKind::NotFound => {
                Ok(false)
            }
            Err(e) => Err(ServiceError::Unavailable(imrf_bus::BusError::new(
                BusErrorKind::Unavailable,
                e,
            ))),
        }
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
        let name = object_name(&info.cycle_id, &info.sha256, format);
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

/// Where a draft's rendering in `format` is stored: content-addressed by
/// the draft's hash (its JSON's), under its cycle.
fn object_name(cycle_id: &str, sha256: &str, format: DraftFormat) -> String {
    format!("{cycle_id}/{sha256}.{}", extension(format))
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
