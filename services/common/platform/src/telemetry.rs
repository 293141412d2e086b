//! Logging, trace context and span export. One subscriber per process, text
//! or JSON; a W3C `traceparent` read from gRPC metadata (or NATS headers, by
//! the bus), carried on, and put in every log line of the work it belongs
//! to as `trace_id`; with an OTLP endpoint, every span exported there, one
//! trace across gRPC and NATS.

use std::sync::Arc;

use opentelemetry::trace::TracerProvider as _;
use opentelemetry_otlp::WithExportConfig as _;
use opentelemetry_sdk::error::{OTelSdkError, OTelSdkResult};
use opentelemetry_sdk::trace::{SdkTracerProvider, SpanData, SpanExporter};
use tracing_subscriber::EnvFilter;
use tracing_subscriber::layer::SubscriberExt as _;
use tracing_subscriber::util::SubscriberInitExt as _;

pub use imrf_bus::names::header::TRACEPARENT;
pub use imrf_bus::trace::{TraceContext, enter_trace};

/// Installs the process-wide subscriber, exporting no spans. `RUST_LOG`
/// overrides the default level (info). Safe to call twice: the second call
/// does nothing.
pub fn init(format: LogFormat) {
    install(format, None);
}

/// Logs for tests, only when `TEST_LOG` is set, so test output stays quiet.
pub fn init_for_tests() {
    if std::env::var_os("TEST_LOG").is_some() {
        init(LogFormat::Text);
    }
}

fn install(format: LogFormat, exporting: Option<opentelemetry_sdk::trace::Tracer>) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let spans = exporting.map(|tracer| tracing_opentelemetry::layer().with_tracer(tracer));
    let registry = tracing_subscriber::registry().with(filter).with(spans);
    let fmt = tracing_subscriber::fmt::layer().with_writer(std::io::stderr);
    let _ = match format {
        LogFormat::Json => registry.with(fmt.json().flatten_event(true)).try_init(),
        LogFormat::Text => registry.with(fmt.with_ansi(false)).try_init(),
    };
}

/// Why span export could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum TelemetryError {
    /// The OTLP exporter could not be built.
    #[error("OTLP exporter for {endpoint}: {source}")]
    Exporter {
        /// The collector.
        endpoint: String,
        /// The cause.
        source: opentelemetry_otlp::ExporterBuildError,
    },
    /// The exporter's runtime could not be started.
    #[error("OTLP exporter's runtime: {0}")]
    Runtime(#[from] std::io::Error),
}

/// The span export of a process, flushed by [`Tracing::shutdown`].
#[derive(Debug, Default)]
#[must_use = "shut it down at exit, or the last spans are lost"]
pub struct Tracing {
    exporting: Option<(SdkTracerProvider, tokio::runtime::Runtime)>,
}

impl Tracing {
    /// Runs `work` (a process's whole life), then exports the spans still
    /// queued, however it ended.
    pub async fn flush_after<T>(self, work: impl Future<Output = T>) -> T {
        let ended = work.await;
        self.shutdown().await;
        ended
    }

    /// Exports the spans still queued and stops exporting.
    pub async fn shutdown(self) {
        if let Some((provider, runtime)) = self.exporting {
            // The provider blocks until its last export is done.
            let _ = tokio::task::spawn_blocking(move || {
                let _ = provider.shutdown();
                runtime.shutdown_background();
            })
            .await;
        }
    }
}

/// Installs the process-wide subscriber and, when `otlp_endpoint` is set,
/// exports every span to it over OTLP/gRPC, as `service`, from a thread
/// and a one-worker runtime of its own. The batching is the OTel
/// SDK's (`OTEL_BSP_SCHEDULE_DELAY`, `OTEL_BSP_MAX_QUEUE_SIZE`…): spans
/// are sent every few seconds and a full queue drops spans, never blocks a
/// call.
pub fn init_exporting(
    format: LogFormat,
    otlp_endpoint: Option<&str>,
    service: &'static str,
) -> Result<Tracing, TelemetryError> {
    let Some(endpoint) = otlp_endpoint else {
        init(format);
        return Ok(Tracing::default());
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .thread_name("otlp-export")
        .enable_all()
        .build()?;
    let exporter = {
        let _inside = runtime.enter();
        opentelemetry_otlp::SpanExporter::builder()
            .with_tonic()
            .with_endpoint(endpoint)
            .build()
            .map_err(|source| TelemetryError::Exporter {
                endpoint: endpoint.to_string(),
                source,
            })?
    };
    let provider = SdkTracerProvider::builder()
        .with_batch_exporter(OnRuntime {
            inner: Arc::new(exporter),
            runtime: runtime.handle().clone(),
        })
        .with_resource(
            opentelemetry_sdk::Resource::builder()
                .with_service_name(service)
                .build(),
        )
        .build();
    install(format, Some(provider.tracer(service)));
    Ok(Tracing {
        exporting: Some((provider, runtime)),
    })
}

/// The OTLP exporter, run on a Tokio runtime: the SDK's batch processor
/// exports from a thread of its own, where the gRPC client would find no
/// reactor and every export would fail.
#[derive(Debug)]
struct OnRuntime {
    inner: Arc<opentelemetry_otlp::SpanExporter>,
    runtime: tokio::runtime::Handle,
}

impl SpanExporter for OnRuntime {
    fn export(&self, batch: Vec<SpanData>) -> impl Future<Output = OTelSdkResult> + Send {
        let inner = self.inner.clone();
        let export = self.runtime.spawn(async move { inner.export(batch).await });
        async move {
            export
                .await
                .unwrap_or_else(|e| Err(OTelSdkError::InternalFailure(e.to_string())))
        }
    }

    fn shutdown_with_timeout(&self, timeout: std::time::Duration) -> OTelSdkResult {
        self.inner.shutdown_with_timeout(timeout)
    }

    fn set_resource(&mut self, resource: &opentelemetry_sdk::Resource) {
        // The provider names the service before the first export, while
        // this is the only holder.
        if let Some(inner) = Arc::get_mut(&mut self.inner) {
            inner.set_resource(resource);
        }
    }
}

/// Log output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line, for log collectors.
    Json,
}

/// The caller's trace context, from its `traceparent` metadata.
pub fn parent_of(metadata: &tonic::metadata::MetadataMap) -> Option<TraceContext> {
    metadata
        .get(TRACEPARENT)
        .and_then(|v| v.to_str().ok())
        .and_then(TraceContext::parse)
}
