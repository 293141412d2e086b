//! Prometheus metrics, served on an admin listener of their own
//! (`IMRF_METRICS_LISTEN`), apart from the gRPC port so a scraper needs no
//! token and a caller no metrics. The code records through the `metrics`
//! facade, which costs nothing until a recorder is installed; label sets
//! are bounded (an RPC's method and status code, a consumer's durable
//! name, a cycle), never a request id, a caller or a subject.
//!
//! The series (every one prefixed `imrf_`):
//! - `rpc_requests_total{method,code}`, `rpc_duration_seconds{method,code}`
//! - `rpc_shed_total{method,reason}`: calls turned away for capacity or rate
//! - `nats_connected`: 1 while the service holds its NATS connection
//! - `consumer_processed_total`, `consumer_retried_total`,
//!   `consumer_parked_total`, `consumer_redeliveries_total`,
//!   `consumer_pending_messages` `{consumer}`
//! - `ledger_answers_total{operation}`: requests answered from the ledger
//! - service-specific ones (the aggregate's version, the draft's compile
//!   duration, a cycle's phase), named where they are recorded.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::OnceLock;

use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use tokio::net::TcpListener;

/// Upper bounds of the latency buckets, in seconds: a millisecond to ten
/// seconds, the span of a call and of a compile.
const BUCKETS: [f64; 13] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

static HANDLE: OnceLock<Option<PrometheusHandle>> = OnceLock::new();

/// The process's recorder, installed on first use; `None` if another
/// recorder was installed first.
pub fn recorder() -> Option<PrometheusHandle> {
    HANDLE
        .get_or_init(|| {
            PrometheusBuilder::new()
                .set_buckets(&BUCKETS)
                .ok()?
                .install_recorder()
                .ok()
        })
        .clone()
}

/// Why the metrics listener could not start.
#[derive(Debug, thiserror::Error)]
pub enum MetricsError {
    /// The address could not be bound.
    #[error("cannot bind the metrics listener on {addr}: {source}")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The bound address could not be written to the address file.
    #[error("cannot write the metrics address to {path}: {source}")]
    AddrFile {
        /// The file.
        path: String,
        /// Why.
        #[source]
        source: std::io::Error,
    },
}

/// Binds `addr` and serves `GET /metrics` (the Prometheus text format) on
/// it for as long as the process runs; writes the bound address to
/// `addr_file` when given (port 0 picks a free one).
pub async fn listen(
    addr: SocketAddr,
    addr_file: Option<&Path>,
) -> Result<SocketAddr, MetricsError> {
    let listener = TcpListener::bind(addr)
        .await
        .map_err(|source| MetricsError::Bind { addr, source })?;
    let bound = listener
        .local_addr()
        .map_err(|source| MetricsError::Bind { addr, source })?;
    if let Some(path) = addr_file {
        std::fs::write(path, bound.to_string()).map_err(|source| MetricsError::AddrFile {
            path: path.display().to_string(),
            source,
        })?;
    }
    let handle = recorder();
    let app = axum::Router::new().route(
        "/metrics",
        axum::routing::get(move || {
            let handle = handle.clone();
            async move {
                (
                    [("content-type", "text/plain; version=0.0.4; charset=utf-8")],
                    handle.map(|h| h.render()).unwrap_or_default(),
                )
            }
        }),
    );
    tokio::spawn(async move {
        if let Err(err) = axum::serve(listener, app).await {
            tracing::error!(error = %err, "metrics listener stopped");
        }
    });
    tracing::info!(addr = %bound, "serving metrics");
    Ok(bound)
}
