//! Logging and trace context. One subscriber per process, text or JSON; a W3C
//! `traceparent` read from gRPC metadata (or NATS headers, by the bus),
//! carried on, and put in every log line of the work it belongs to as
//! `trace_id`.

use tracing_subscriber::EnvFilter;

pub use imrf_bus::trace::TraceContext;

/// Installs the process-wide subscriber. `RUST_LOG` overrides the default
/// level (info). Safe to call twice: the second call does nothing.
pub fn init(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = match format {
        LogFormat::Json => builder.json().flatten_event(true).try_init(),
        LogFormat::Text => builder.with_ansi(false).try_init(),
    };
}

/// Logs for tests, only when `TEST_LOG` is set, so test output stays quiet.
pub fn init_for_tests() {
    if std::env::var_os("TEST_LOG").is_some() {
        init(LogFormat::Text);
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

/// The trace context of an incoming gRPC call: a child of the caller's, or
/// a new trace when the caller sent none.
pub fn trace_of(metadata: &tonic::metadata::MetadataMap) -> TraceContext {
    TraceContext::continued_from(metadata.get("traceparent").and_then(|v| v.to_str().ok()))
}
