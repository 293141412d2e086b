//! practices-hub: the Migration Network Hub's Repository of Practices, with peer-reviewed curation and search
//!
//! The library holds everything the service does; `main.rs` only reads the
//! configuration, starts it and waits for a shutdown signal.

use std::future::Future;
use std::net::SocketAddr;

use imrf_common::app::{AppError, Runtime};
use imrf_common::bus::ledger::RequestLedger;
use imrf_common::bus::names::{PRACTICES, bucket};
use imrf_common::config::ServiceConfig;
use tonic::service::Routes;

/// Name of the service, in logs and as the NATS client name.
pub const SERVICE_NAME: &str = "practices-hub";

/// Port of the local stack.
pub const DEFAULT_PORT: u16 = 50053;

/// Configuration, from flags or `IMRF_*` environment variables.
#[derive(Debug, clap::Parser)]
#[command(
    name = "practices-hub",
    version,
    about = "the Migration Network Hub's Repository of Practices, with peer-reviewed curation and search"
)]
pub struct Config {
    /// Settings shared by every service.
    #[command(flatten)]
    pub service: ServiceConfig,
}

/// The service, connected and bound, ready to serve.
#[derive(Debug)]
pub struct Application {
    runtime: Runtime,
    _requests: RequestLedger,
}

impl Application {
    /// Connects to NATS, creates the stream and buckets the service owns,
    /// and binds its address.
    pub async fn build(config: Config) -> Result<Self, AppError> {
        let runtime =
            Runtime::start(SERVICE_NAME, DEFAULT_PORT, config.service, &[PRACTICES]).await?;
        let requests = RequestLedger::open(&runtime.bus, bucket::PRACTICE_REQUESTS).await?;
        Ok(Self {
            runtime,
            _requests: requests,
        })
    }

    /// The bound address.
    pub fn local_addr(&self) -> Option<SocketAddr> {
        self.runtime.local_addr()
    }

    /// Serves until `shutdown` completes, then drains in-flight calls.
    pub async fn run_until_stopped(
        self,
        shutdown: impl Future<Output = ()>,
    ) -> Result<(), AppError> {
        self.runtime.serve(&[], Routes::default(), shutdown).await
    }
}
