//! Serving a service: gRPC on a listener the caller bound, beside
//! `grpc.health.v1.Health` (NOT_SERVING while NATS is down) and server
//! reflection (v1 and v1alpha, so grpcurl works with no proto files), until
//! an injected shutdown future completes; then in-flight calls drain within a
//! grace period.

use std::future::Future;
use std::path::Path;
use std::time::Duration;

use tokio::net::TcpListener;
use tonic::service::Routes;
use tonic::transport::Server;
use tonic_health::ServingStatus;

use crate::gate::{GateLayer, LimitsConfig};
use imrf_bus::Bus;

/// Name of the health service, for reflection listings.
pub const HEALTH_SERVICE: &str = "grpc.health.v1.Health";

/// Why serving stopped with an error.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The reflection descriptors did not load.
    #[error("reflection: {0}")]
    Reflection(#[from] tonic_reflection::server::Error),
    /// The transport failed.
    #[error("transport: {0}")]
    Transport(#[from] tonic::transport::Error),
    /// The address file could not be written.
    #[error("address file {path}: {source}")]
    AddrFile {
        /// The file.
        path: String,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
}

/// What a process serves.
#[derive(Debug)]
pub struct ServeSpec<'a> {
    /// Fully qualified names of the contract services in `routes`.
    pub services: &'a [&'static str],
    /// The contract services.
    pub routes: Routes,
    /// Where to write the bound address, if anywhere.
    pub addr_file: Option<&'a Path>,
    /// Longest wait for in-flight calls after shutdown starts.
    pub grace: Duration,
    /// Authentication, authorization and limits of the contract services.
    pub gate: GateLayer,
    /// TLS of the listener; plaintext when `None`.
    pub tls: Option<tonic::transport::ServerTlsConfig>,
}

/// Serves `spec` on `listener` until `shutdown` completes.
pub async fn serve(
    listener: TcpListener,
    spec: ServeSpec<'_>,
    bus: &Bus,
    shutdown: impl Future<Output = ()>,
) -> Result<(), ServeError> {
    let (reporter, health) = tonic_health::server::health_reporter();
    let mut names: Vec<&str> = vec![""];
    names.extend(spec.services.iter().copied());
    let health_names: Vec<String> = names.iter().map(|s| s.to_string()).collect();
    let mut connected = bus.connected();
    let health_task = tokio::spawn(async move {
        loop {
            let up = *connected.borrow_and_update();
            metrics::gauge!("imrf_nats_connected").set(if up { 1.0 } else { 0.0 });
            let status = if up {
                ServingStatus::Serving
            } else {
                ServingStatus::NotServing
            };
            for name in &health_names {
                reporter.set_service_status(name, status).await;
            }
            if connected.changed().await.is_err() {
                break;
            }
        }
    });

    let mut reflection_names: Vec<String> = spec.services.iter().map(|s| s.to_string()).collect();
    reflection_names.extend(
        [
            HEALTH_SERVICE,
            "grpc.reflection.v1.ServerReflection",
            "grpc.reflection.v1alpha.ServerReflection",
        ]
        .map(String::from),
    );
    let reflection = || {
        reflection_names.iter().fold(
            tonic_reflection::server::Builder::configure()
                .register_encoded_file_descriptor_set(imrf_proto::FILE_DESCRIPTOR_SET)
                .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET)
                // google.rpc.BadRequest and friends, so grpcurl shows the
                // field violations of a refusal in plain words.
                .register_encoded_file_descriptor_set(tonic_types::pb::FILE_DESCRIPTOR_SET),
            |builder, name| builder.with_service_name(name.clone()),
        )
    };
    let reflection_v1 = reflection().build_v1()?;
    let reflection_v1alpha = reflection().build_v1alpha()?;

    let addr = listener
        .local_addr()
        .map_err(|source| ServeError::AddrFile {
            path: "<listener>".into(),
            source,
        })?;
    if let Some(path) = spec.addr_file {
        write_addr_file(path, addr)?;
    }
    tracing::info!(%addr, services = ?spec.services, tls = spec.tls.is_some(), "serving");

    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let mut builder = Server::builder()
        .max_concurrent_streams(spec.gate.streams_per_connection())
        .http2_keepalive_interval(Some(LimitsConfig::KEEPALIVE_INTERVAL))
        .http2_keepalive_timeout(Some(LimitsConfig::KEEPALIVE_TIMEOUT))
        .tcp_keepalive(Some(LimitsConfig::KEEPALIVE_INTERVAL));
    if let Some(tls) = spec.tls {
        builder = builder.tls_config(tls)?;
    }
    let server = builder
        .layer(spec.gate)
        .add_routes(spec.routes)
        .add_service(health)
        .add_service(reflection_v1)
        .add_service(reflection_v1alpha)
        // Without TCP_NODELAY, small answers wait for the peer's delayed ack
        // (tens of milliseconds per call).
        .serve_with_incoming_shutdown(
            tonic::transport::server::TcpIncoming::from(listener).with_nodelay(Some(true)),
            async {
                let _ = stop_rx.await;
            },
        );
    tokio::pin!(server);
    let result = tokio::select! {
        result = &mut server => result,
        () = shutdown => {
            tracing::info!("shutting down: draining in-flight calls");
            let _ = stop_tx.send(());
            match tokio::time::timeout(spec.grace, &mut server).await {
                Ok(result) => result,
                Err(_) => {
                    tracing::warn!(grace = ?spec.grace, "calls still open after the grace period; closing");
                    Ok(())
                }
            }
        }
    };
    health_task.abort();
    result.map_err(ServeError::from)
}

/// Writes `addr` to `path` for whoever started the process on port 0.
pub fn write_addr_file(path: &Path, addr: std::net::SocketAddr) -> Result<(), ServeError> {
    let err = |source| ServeError::AddrFile {
        path: path.display().to_string(),
        source,
    };
    // Written whole then renamed, so a reader never sees half an address.
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, addr.to_string()).map_err(err)?;
    std::fs::rename(&tmp, path).map_err(err)
}

/// Completes on SIGINT or SIGTERM.
pub async fn shutdown_signal() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term = match tokio::signal::unix::signal(
            tokio::signal::unix::SignalKind::terminate(),
        ) {
            Ok(term) => term,
            Err(err) => {
                tracing::warn!(error = %err, "cannot watch SIGTERM; only SIGINT stops the service");
                let _ = interrupt.await;
                return;
            }
        };
        tokio::select! {
            _ = interrupt => {},
            _ = term.recv() => {},
        }
    }
    #[cfg(not(unix))]
    {
        let _ = interrupt.await;
    }
}
