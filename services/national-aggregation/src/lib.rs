//! national-aggregation: Member States' national reports, pledges and
//! indicators, aggregated live per review cycle.
//!
//! Following one report through this crate: it enters in `service`
//! (`SubmitNationalReport`), is checked in `validate`, and becomes a
//! `NationalReportAccepted` event in `decide` on `imrf.v1.national.report.<ISO3>.<CYCLE>.<KIND>`
//! (stream `NATIONAL`). The `aggregator` consumes it (and the regional
//! reviews from `REGIONAL`), turns it into a contribution in the `store`
//! (`imrf_gcm::aggregate::contribution`), and publishes the cycle's new
//! aggregate (`imrf_gcm::aggregate::compute`). Reads of reports come from
//! `reports`, the read model every replica rebuilds from the stream.

pub mod aggregator;
pub mod decide;
pub mod reports;
pub mod service;
pub mod store;
pub mod validate;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::{Arc, RwLock};

use imrf_bus::consumer::ConsumerMetrics;
use imrf_bus::follow::{FollowedCalendar, Follower, Start, write_model};
use imrf_bus::ledger::RequestLedger;
use imrf_bus::names::{AGGREGATES, CYCLE, NATIONAL, REGIONAL, bucket, subject};
use imrf_bus::{BusError, BusErrorKind};
use imrf_gcm::clock::{self, SharedClock};
use imrf_platform::app::{AppError, Runtime};
use imrf_platform::config::ServiceConfig;
use imrf_proto::service_names;
use imrf_proto::v1::national_report_aggregation_server::NationalReportAggregationServer;
use tonic::service::Routes;

use crate::aggregator::Aggregator;
use crate::reports::Reports;
use crate::service::National;
use crate::store::AggregateStore;

/// Name of the service, in logs and as the NATS client name.
pub const SERVICE_NAME: &str = "national-aggregation";

/// Port of the local stack.
pub const DEFAULT_PORT: u16 = 50052;

/// Configuration, from flags or `IMRF_*` environment variables.
#[derive(Debug, clap::Parser)]
#[command(
    name = "national-aggregation",
    version,
    about = "Member States' national reports, pledges and indicators, aggregated live per review cycle"
)]
pub struct Config {
    /// Settings shared by every service.
    #[command(flatten)]
    pub service: ServiceConfig,

    /// How long the aggregator's consumers wait for a message to be
    /// processed before NATS redelivers it (after a crash, for example).
    #[arg(long = "consumer-ack-wait", env = "IMRF_CONSUMER_ACK_WAIT", default_value = "30s",
          value_parser = humantime::parse_duration)]
    pub consumer_ack_wait: std::time::Duration,

    /// How often a cycle whose aggregate changed gets a new version on
    /// AGGREGATES, which keeps the last 12 per cycle (each is the whole
    /// aggregate, 11 KB once every State has reported). WatchAggregate and
    /// the draft compute from the inputs and do not wait for these
    /// versions.
    #[arg(long = "aggregate-publish-period", env = "IMRF_AGGREGATE_PUBLISH_PERIOD", default_value = "5s",
          value_parser = humantime::parse_duration)]
    pub aggregate_publish_period: std::time::Duration,
}

/// The service, connected, caught up, and bound.
#[derive(Debug)]
pub struct Application {
    runtime: Runtime,
    national: National,
    aggregator: Aggregator,
    metrics: Arc<ConsumerMetrics>,
    stopping: tokio::sync::watch::Sender<bool>,
}

impl Application {
    /// Builds the service with the clock its configuration asks for.
    pub async fn build(config: Config) -> Result<Self, AppError> {
        let clock = clock::configured(config.service.clock_start);
        Self::build_with_clock(config, clock).await
    }

    /// Builds the service reading time from `clock`: connects, creates what
    /// it owns (and, harmlessly, the streams it reads), rebuilds its read
    /// models, and binds its address.
    pub async fn build_with_clock(config: Config, clock: SharedClock) -> Result<Self, AppError> {
        let ack_wait = config.consumer_ack_wait;
        let publish_period = config.aggregate_publish_period;
        let runtime = Runtime::start(
            SERVICE_NAME,
            DEFAULT_PORT,
            config.service,
            &[NATIONAL, AGGREGATES, REGIONAL, CYCLE],
        )
        .await?;
        let bus = runtime.bus.clone();
        let wait = runtime.config.bus.connect_timeout;
        let ledger = RequestLedger::open(&bus, bucket::NATIONAL_REQUESTS).await?;
        let store = AggregateStore::open(&bus, bucket::NATIONAL_AGGREGATES).await?;

        let reports = Arc::new(RwLock::new(Reports::default()));
        let follower = {
            let reports = reports.clone();
            // One subject per report: its last message is its latest
            // revision, so a restart reads one message per report.
            Follower::spawn_events_from(
                bus.clone(),
                NATIONAL.name,
                &[subject::NATIONAL_REPORT_ALL],
                Start::LastPerSubject,
                move |seq, event| {
                    write_model(&reports)?.apply(seq, event);
                    Ok(())
                },
            )
        };
        let calendar = Arc::new(FollowedCalendar::spawn(&bus));
        follower.caught_up_or_fail("stream NATIONAL", wait).await?;
        calendar.caught_up_or_fail(wait).await?;
        if !store.wait_caught_up(wait).await {
            return Err(BusError::new(
                BusErrorKind::Unavailable,
                format!("could not read bucket NATIONAL_AGGREGATES to its end within {wait:?}"),
            )
            .into());
        }
        tracing::info!(
            reports = reports.read().map(|r| r.len()).unwrap_or(0),
            "read models rebuilt"
        );
        let read_timeout = runtime.config.bus.request_timeout;
        let aggregator = Aggregator::new(
            bus.clone(),
            store.clone(),
            read_timeout,
            ack_wait,
            publish_period,
        );
        let (stopping, stopping_rx) = tokio::sync::watch::channel(false);
        let national = National {
            bus,
            ledger,
            clock,
            reports,
            calendar,
            follower: Arc::new(follower),
            store,
            read_timeout,
            stopping: stopping_rx,
        };
        Ok(Self {
            runtime,
            national,
            aggregator,
            metrics: Arc::default(),
            stopping,
        })
    }

    /// The bound address.
    pub fn local_addr(&self) -> Option<SocketAddr> {
        self.runtime.local_addr()
    }

    /// Counters of the durable consumers.
    pub fn consumer_metrics(&self) -> Arc<ConsumerMetrics> {
        self.metrics.clone()
    }

    /// Serves and aggregates until `shutdown` completes; the consumers
    /// finish the message in hand and the server drains in-flight calls.
    pub async fn run_until_stopped(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> Result<(), AppError> {
        let stop_tx = self.stopping;
        let mut stop_rx = stop_tx.subscribe();
        let consumers = tokio::spawn(self.aggregator.run(self.metrics, async move {
            let _ = stop_rx.wait_for(|s| *s).await;
        }));
        let routes = Routes::new(NationalReportAggregationServer::new(self.national));
        let serving = self.runtime.serve(
            &[service_names::NATIONAL_REPORT_AGGREGATION],
            routes,
            async move {
                shutdown.await;
                let _ = stop_tx.send(true);
            },
        );
        let served = serving.await;
        match consumers.await {
            Ok(Err(err)) => tracing::error!(error = %err, "aggregator stopped with an error"),
            Err(err) => tracing::error!(error = %err, "aggregator task failed"),
            Ok(Ok(())) => {}
        }
        served
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
