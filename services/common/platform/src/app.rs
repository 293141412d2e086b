//! The skeleton every service binary shares: connect to the bus, create what
//! the service owns, bind the listener, then serve until stopped.

use std::future::Future;
use std::net::SocketAddr;

use tokio::net::TcpListener;
use tonic::service::Routes;

use crate::auth::TokenVerifier;
use crate::config::ServiceConfig;
use crate::gate::GateLayer;
use crate::serve::{ServeError, ServeSpec, serve};
use imrf_bus::names::StreamSpec;
use imrf_bus::{Bus, BusError};

/// Why a service could not start or stopped with an error.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The bus could not be reached or set up.
    #[error(transparent)]
    Bus(#[from] BusError),
    /// The listen address could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// Serving failed.
    #[error(transparent)]
    Serve(#[from] ServeError),
    /// The token key could not be loaded.
    #[error("token key: {0}")]
    Key(#[from] crate::auth::KeyError),
    /// The TLS files could not be loaded.
    #[error(transparent)]
    Tls(#[from] crate::tls::TlsError),
    /// The metrics listener could not start.
    #[error(transparent)]
    Metrics(#[from] crate::metrics::MetricsError),
    /// A part of the service itself (a search index, say) could not be
    /// built.
    #[error("{what} could not be built")]
    Part {
        /// What it is.
        what: &'static str,
        /// The cause.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
}

/// A service connected to its bus and bound to its address, not yet serving.
#[derive(Debug)]
pub struct Runtime {
    /// Name of the service (for example "regional-intake").
    pub name: &'static str,
    /// The bus.
    pub bus: Bus,
    /// The bound listener.
    pub listener: TcpListener,
    /// The configuration it started with.
    pub config: ServiceConfig,
    /// The gate in front of the contract services.
    pub gate: GateLayer,
    /// TLS of the listener, if configured.
    pub tls: Option<tonic::transport::ServerTlsConfig>,
}

impl Runtime {
    /// Connects to NATS, ensures the streams the service writes, and binds
    /// the listen address (`default_port` on 127.0.0.1 unless configured).
    pub async fn start(
        name: &'static str,
        default_port: u16,
        config: ServiceConfig,
        owned_streams: &[StreamSpec],
    ) -> Result<Self, AppError> {
        // Keys and certificates first: a misconfigured service should stop
        // before it touches the bus.
        let verifier = TokenVerifier::from_config(&config.auth)?;
        let gate = GateLayer::new(verifier, &config.limits);
        let tls = config.tls.server_config()?;
        if let Some(addr) = config.metrics_listen {
            crate::metrics::listen(addr, config.metrics_addr_file.as_deref()).await?;
        }
        let bus = Bus::connect(&config.bus, name).await?;
        for spec in owned_streams {
            bus.ensure_stream(spec).await?;
        }
        let addr = config.listen_addr(default_port);
        let listener = TcpListener::bind(addr)
            .await
            .map_err(|source| AppError::Bind { addr, source })?;
        Ok(Self {
            name,
            bus,
            listener,
            config,
            gate,
            tls,
        })
    }

    /// The bound address (useful when the configured port was 0).
    pub fn local_addr(&self) -> Option<SocketAddr> {
        self.listener.local_addr().ok()
    }

    /// Serves `routes` (the contract services named `services`) with health
    /// and reflection until `shutdown` completes.
    pub async fn serve(
        self,
        services: &[&'static str],
        routes: Routes,
        shutdown: impl Future<Output = ()>,
    ) -> Result<(), AppError> {
        let spec = ServeSpec {
            services,
            routes,
            addr_file: self.config.addr_file.as_deref(),
            grace: self.config.shutdown_grace,
            gate: self.gate,
            tls: self.tls,
        };
        serve(self.listener, spec, &self.bus, shutdown).await?;
        tracing::info!(service = self.name, "stopped");
        Ok(())
    }
}
