//! regional-intake: regional reviews of GCM implementation, pushed by the
//! five UN regional commissions (ECA, ECE, ECLAC, ESCAP, ESCWA).
//!
//! Following one review through this crate: it enters in `service`
//! (`SubmitRegionalReview`), is checked in `validate`, becomes a
//! `RegionalReviewAccepted` event in `decide` (on
//! `imrf.v1.regional.review.<C>.<CYCLE>`, stream `REGIONAL`), and is read
//! back from `model`, the read model every replica rebuilds from that
//! stream. `main.rs` only reads the
//! configuration, starts the service and waits for a shutdown signal.

pub mod decide;
pub mod model;
pub mod service;
pub mod validate;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::{Arc, RwLock};

use imrf_bus::follow::{FollowedCalendar, Follower, write_model};
use imrf_bus::ledger::RequestLedger;
use imrf_bus::names::{CYCLE, REGIONAL, bucket, subject};
use imrf_gcm::clock::{self, SharedClock};
use imrf_platform::app::{AppError, Runtime};
use imrf_platform::config::ServiceConfig;
use imrf_proto::service_names;
use imrf_proto::v1::regional_review_intake_server::RegionalReviewIntakeServer;
use tonic::service::Routes;

use crate::model::Reviews;
use crate::service::Intake;

/// Name of the service, in logs and as the NATS client name.
pub const SERVICE_NAME: &str = "regional-intake";

/// Port of the local stack.
pub const DEFAULT_PORT: u16 = 50051;

/// Configuration, from flags or `IMRF_*` environment variables.
#[derive(Debug, clap::Parser)]
#[command(
    name = "regional-intake",
    version,
    about = "Regional reviews of GCM implementation, pushed by the five UN regional commissions"
)]
pub struct Config {
    /// Settings shared by every service.
    #[command(flatten)]
    pub service: ServiceConfig,
}

/// The service, connected, caught up with its stream, and bound.
#[derive(Debug)]
pub struct Application {
    runtime: Runtime,
    intake: Intake,
}

impl Application {
    /// Builds the service with the clock its configuration asks for.
    pub async fn build(config: Config) -> Result<Self, AppError> {
        let clock = clock::configured(config.service.clock_start);
        Self::build_with_clock(config, clock).await
    }

    /// Builds the service reading time from `clock`: connects to NATS,
    /// creates the stream and bucket it owns, rebuilds its read model from
    /// the stream, and binds its address.
    pub async fn build_with_clock(config: Config, clock: SharedClock) -> Result<Self, AppError> {
        // CYCLE is report-compiler's; creating it here with the same
        // settings is harmless and lets this service start first.
        let runtime = Runtime::start(
            SERVICE_NAME,
            DEFAULT_PORT,
            config.service,
            &[REGIONAL, CYCLE],
        )
        .await?;
        let bus = runtime.bus.clone();
        let ledger = RequestLedger::open(&bus, bucket::REGIONAL_REQUESTS).await?;

        let reviews = Arc::new(RwLock::new(Reviews::default()));
        let follower = {
            let reviews = reviews.clone();
            Follower::spawn_events(
                bus.clone(),
                REGIONAL.name,
                &[subject::REGIONAL_REVIEW_ALL],
                move |seq, event| {
                    write_model(&reviews)?.apply(seq, event);
                    Ok(())
                },
            )
        };
        let calendar = Arc::new(FollowedCalendar::spawn(&bus));
        let wait = runtime.config.bus.connect_timeout;
        follower.caught_up_or_fail("stream REGIONAL", wait).await?;
        calendar.caught_up_or_fail(wait).await?;
        tracing::info!(
            reviews = reviews.read().map(|r| r.len()).unwrap_or(0),
            "read model rebuilt"
        );
        let intake = Intake {
            bus,
            ledger,
            clock,
            reviews,
            calendar,
            follower: Arc::new(follower),
            read_timeout: runtime.config.bus.request_timeout,
        };
        Ok(Self { runtime, intake })
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
        let routes = Routes::new(RegionalReviewIntakeServer::new(self.intake));
        self.runtime
            .serve(&[service_names::REGIONAL_REVIEW_INTAKE], routes, shutdown)
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
