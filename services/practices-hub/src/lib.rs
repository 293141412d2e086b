//! practices-hub: the Migration Network Hub's Repository of Practices, with
//! peer-reviewed curation and search.
//!
//! Following one practice through this crate: it enters in `service`
//! (`SubmitPractice`), is checked in `validate`, and becomes a
//! `PracticeSubmitted` event on `imrf.v1.practice.<ID>` (stream
//! `PRACTICES`), its focal point kept apart in the `PRACTICE_RECORDS`
//! bucket. `model` rebuilds every practice from the stream and holds the
//! curation rules; `search` indexes it for full-text search.

pub mod decide;
pub mod model;
pub mod search;
pub mod service;
pub mod validate;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::{Arc, RwLock};

use imrf_bus::follow::{Follower, write_model};
use imrf_bus::ledger::RequestLedger;
use imrf_bus::names::{PRACTICES, bucket, subject};
use imrf_gcm::clock::{self, SharedClock};
pub use imrf_platform::ServiceError;
use imrf_platform::app::{AppError, Runtime};
use imrf_platform::config::ServiceConfig;
use imrf_proto::service_names;
use imrf_proto::v1::practice_repository_server::PracticeRepositoryServer;
use tonic::service::Routes;

use crate::model::Practices;
use crate::search::SearchIndex;
use crate::service::Hub;

/// Name of the service, in logs and as the NATS client name.
pub const SERVICE_NAME: &str = "practices-hub";

/// Port of the local stack.
pub const DEFAULT_PORT: u16 = 50053;

/// Configuration, from flags or `IMRF_*` environment variables.
#[derive(Debug, clap::Parser)]
#[command(
    name = "practices-hub",
    version,
    about = "The Migration Network Hub's Repository of Practices, with peer-reviewed curation and search"
)]
pub struct Config {
    /// Settings shared by every service.
    #[command(flatten)]
    pub service: ServiceConfig,

    /// Approvals from distinct reviewers a practice needs to be published.
    #[arg(long, env = "IMRF_APPROVALS_REQUIRED", default_value_t = 2,
          value_parser = clap::value_parser!(u32).range(1..=10))]
    pub approvals_required: u32,
}

/// The service, connected, caught up, and bound.
#[derive(Debug)]
pub struct Application {
    runtime: Runtime,
    hub: Hub,
}

impl Application {
    /// Builds the service with the clock its configuration asks for.
    pub async fn build(config: Config) -> Result<Self, AppError> {
        let clock = clock::configured(config.service.clock_start);
        Self::build_with_clock(config, clock).await
    }

    /// Builds the service reading time from `clock`: connects, creates the
    /// stream and buckets it owns, rebuilds the read model and the search
    /// index from the stream, and binds its address.
    pub async fn build_with_clock(config: Config, clock: SharedClock) -> Result<Self, AppError> {
        let runtime =
            Runtime::start(SERVICE_NAME, DEFAULT_PORT, config.service, &[PRACTICES]).await?;
        let bus = runtime.bus.clone();
        let ledger = RequestLedger::open(&bus, bucket::PRACTICE_REQUESTS).await?;
        let contacts = bus.ensure_kv(bucket::PRACTICE_RECORDS, 1).await?;
        let index = Arc::new(SearchIndex::new().map_err(|e| AppError::Part {
            what: "the search index",
            source: Box::new(e),
        })?);
        let practices = Arc::new(RwLock::new(Practices::default()));
        let follower = {
            let practices = practices.clone();
            let index = index.clone();
            Follower::spawn_events(
                bus.clone(),
                PRACTICES.name,
                &[subject::PRACTICE_ALL],
                move |seq, event| {
                    let mut practices = write_model(&practices)?;
                    if let Some(id) = practices.apply(seq, event)
                        && let Some(state) = practices.get(&id)
                        && let Err(err) = index.upsert(state)
                    {
                        tracing::error!(error = %err, practice_id = %id, "could not index practice");
                    }
                    Ok(())
                },
            )
        };
        let wait = runtime.config.bus.connect_timeout;
        follower.caught_up_or_fail("stream PRACTICES", wait).await?;
        tracing::info!(
            practices = practices.read().map(|p| p.len()).unwrap_or(0),
            "read model and search index rebuilt"
        );
        let hub = Hub {
            bus,
            ledger,
            clock,
            practices,
            index,
            follower: Arc::new(follower),
            contacts,
            approvals_required: config.approvals_required,
            read_timeout: runtime.config.bus.request_timeout,
        };
        Ok(Self { runtime, hub })
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
        let routes = Routes::new(PracticeRepositoryServer::new(self.hub));
        self.runtime
            .serve(&[service_names::PRACTICE_REPOSITORY], routes, shutdown)
            .await
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    #[test]
    fn the_configuration_parses() {
        Config::command().debug_assert();
    }
}
