//! report-compiler: review cycles (the workflow) and drafts of the
//! Secretary-General's biennial report on GCM implementation.
//!
//! Following a cycle through this crate: it is opened in `service`
//! (`OpenCycle`), recorded on `CYCLE` and read back into `cycle`, whose
//! schedule rules the timers in `service` fire. The inputs (`inputs`) come
//! from the other services' streams; `draft` turns them into the report's
//! paragraphs and its four formats, stored in the `DRAFTS` object store.

mod compile;
pub mod cycle;
pub mod decide;
pub mod draft;
pub mod inputs;
mod schedule;
pub mod service;
pub mod validate;

pub use compile::RENDERINGS_KEPT;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use imrf_bus::follow::{Follower, write_model};
use imrf_bus::ledger::RequestLedger;
use imrf_bus::names::{CYCLE, NATIONAL, PRACTICES, REGIONAL, bucket, object_bucket, subject};
use imrf_platform::app::{AppError, Runtime};

use imrf_gcm::clock::{self, SharedClock};
use imrf_platform::config::ServiceConfig;
use imrf_proto::service_names;
use imrf_proto::v1::CyclePhase;
use imrf_proto::v1::biennial_report_compiler_server::BiennialReportCompilerServer;
use imrf_proto::v1::review_cycle_server::ReviewCycleServer;
use tokio::sync::{Notify, watch};
use tonic::service::Routes;

use crate::cycle::Cycles;
use crate::inputs::Inputs;
use crate::service::Secretariat;

/// Name of the service, in logs and as the NATS client name.
pub const SERVICE_NAME: &str = "report-compiler";

/// Port of the local stack.
pub const DEFAULT_PORT: u16 = 50054;

/// Configuration, from flags or `IMRF_*` environment variables.
#[derive(Debug, clap::Parser)]
#[command(
    name = "report-compiler",
    version,
    about = "Review cycles and drafts of the Secretary-General's biennial report on GCM implementation"
)]
pub struct Config {
    /// Settings shared by every service.
    #[command(flatten)]
    pub service: ServiceConfig,

    /// How often the schedule is checked for deadlines and reminders due.
    #[arg(long, env = "IMRF_SCHEDULE_TICK", default_value = "1s", value_parser = humantime::parse_duration)]
    pub tick: Duration,

    /// Days before each regional and national deadline at which reminders
    /// name who has not submitted.
    #[arg(
        long,
        env = "IMRF_REMINDER_DAYS",
        value_delimiter = ',',
        default_value = "30,7,1"
    )]
    pub reminder_days: Vec<u32>,

    /// In DRAFTING, how long inputs must stay unchanged before the draft is
    /// recompiled.
    #[arg(long, env = "IMRF_RECOMPILE_DEBOUNCE", default_value = "2s", value_parser = humantime::parse_duration)]
    pub recompile_debounce: Duration,
}

/// The service, connected, caught up, and bound.
#[derive(Debug)]
pub struct Application {
    runtime: Runtime,
    secretariat: Secretariat,
    tick: Duration,
    debounce: Duration,
    inputs_changed: Arc<Notify>,
    _followers: Vec<Follower>,
}

async fn stopped(mut stop: watch::Receiver<bool>) {
    let _ = stop.wait_for(|s| *s).await;
}

impl Application {
    /// Builds the service with the clock its configuration asks for.
    pub async fn build(config: Config) -> Result<Self, AppError> {
        let clock = clock::configured(config.service.clock_start);
        Self::build_with_clock(config, clock).await
    }

    /// Builds the service reading time from `clock`.
    pub async fn build_with_clock(config: Config, clock: SharedClock) -> Result<Self, AppError> {
        let runtime = Runtime::start(
            SERVICE_NAME,
            DEFAULT_PORT,
            config.service,
            &[CYCLE, REGIONAL, NATIONAL, PRACTICES],
        )
        .await?;
        let bus = runtime.bus.clone();
        let wait = runtime.config.bus.connect_timeout;
        let ledger = RequestLedger::open(&bus, bucket::CYCLE_REQUESTS).await?;
        let drafts = bus.ensure_object_store(object_bucket::DRAFTS).await?;

        let cycles = Arc::new(RwLock::new(Cycles::default()));
        let inputs = Arc::new(RwLock::new(Inputs::default()));
        let inputs_changed = Arc::new(Notify::new());
        // One follower for the whole stream: cycle events and draft events
        // are applied in stream order, and a write settles on its sequence.
        let cycle_follower = {
            let cycles = cycles.clone();
            Follower::spawn_events(
                bus.clone(),
                CYCLE.name,
                &[subject::CYCLE_ALL, subject::REPORT_ALL],
                move |seq, event| {
                    write_model(&cycles)?.apply(seq, event);
                    Ok(())
                },
            )
        };
        let mut input_followers = Vec::new();
        for (stream, filter) in [
            (REGIONAL.name, subject::REGIONAL_REVIEW_ALL),
            (NATIONAL.name, subject::NATIONAL_REPORT_ALL),
            (PRACTICES.name, subject::PRACTICE_ALL),
        ] {
            let inputs = inputs.clone();
            let changed = inputs_changed.clone();
            input_followers.push(Follower::spawn_events(
                bus.clone(),
                stream,
                &[filter],
                move |seq, event| {
                    let touched = write_model(&inputs)?.apply(seq, event);
                    if touched.is_some() {
                        changed.notify_one();
                    }
                    Ok(())
                },
            ));
        }
        cycle_follower
            .caught_up_or_fail("stream CYCLE", wait)
            .await?;
        for follower in &input_followers {
            follower
                .caught_up_or_fail("the input streams", wait)
                .await?;
        }
        let secretariat = Secretariat {
            bus,
            ledger,
            clock,
            cycles,
            inputs,
            follower: Arc::new(cycle_follower),
            drafts: compile::Drafts(drafts),
            read_timeout: runtime.config.bus.request_timeout,
            reminder_days: config.reminder_days,
            compiling: Arc::default(),
        };
        let followers = input_followers;
        Ok(Self {
            runtime,
            secretariat,
            tick: config.tick,
            debounce: config.recompile_debounce,
            inputs_changed,
            _followers: followers,
        })
    }

    /// The bound address.
    pub fn local_addr(&self) -> Option<SocketAddr> {
        self.runtime.local_addr()
    }

    /// Serves, fires deadlines and recompiles drafts until `shutdown`
    /// completes.
    pub async fn run_until_stopped(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> Result<(), AppError> {
        let (stop_tx, stop_rx) = watch::channel(false);
        let scheduler = {
            let secretariat = self.secretariat.clone();
            let stopping = stopped(stop_rx.clone());
            let tick = self.tick;
            tokio::spawn(async move {
                tokio::pin!(stopping);
                let mut interval = tokio::time::interval(tick);
                interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
                loop {
                    tokio::select! {
                        _ = interval.tick() => { secretariat.tick().await; }
                        () = &mut stopping => return,
                    }
                }
            })
        };
        let recompiler = {
            let secretariat = self.secretariat.clone();
            let stopping = stopped(stop_rx.clone());
            let changed = self.inputs_changed.clone();
            let debounce = self.debounce;
            tokio::spawn(async move {
                tokio::pin!(stopping);
                loop {
                    tokio::select! {
                        () = changed.notified() => {}
                        () = &mut stopping => return,
                    }
                    // Debounce: wait until inputs have been quiet for a while.
                    loop {
                        tokio::select! {
                            () = changed.notified() => continue,
                            () = tokio::time::sleep(debounce) => break,
                            () = &mut stopping => return,
                        }
                    }
                    let drafting: Vec<String> = secretariat
                        .cycles
                        .read()
                        .map(|c| {
                            c.all()
                                .filter(|s| s.phase() == CyclePhase::Drafting)
                                .map(|s| s.cycle.cycle_id.clone())
                                .collect()
                        })
                        .unwrap_or_default();
                    for cycle_id in drafting {
                        if let Err(err) = secretariat.compile(&cycle_id, "inputs_changed").await {
                            tracing::warn!(error = %err, cycle_id, "recompile failed");
                        }
                    }
                }
            })
        };
        let routes = Routes::new(ReviewCycleServer::new(self.secretariat.clone()))
            .add_service(BiennialReportCompilerServer::new(self.secretariat));
        let served = self
            .runtime
            .serve(
                &[
                    service_names::REVIEW_CYCLE,
                    service_names::BIENNIAL_REPORT_COMPILER,
                ],
                routes,
                async move {
                    shutdown.await;
                    let _ = stop_tx.send(true);
                },
            )
            .await;
        let _ = scheduler.await;
        let _ = recompiler.await;
        served
    }
}

#[cfg(test)]
mod tests {
    use clap::{CommandFactory, Parser};

    use super::*;

    #[test]
    fn the_configuration_parses() {
        Config::command().debug_assert();
        let config = Config::try_parse_from(["report-compiler", "--reminder-days", "14,2"]);
        assert_eq!(config.map(|c| c.reminder_days).ok(), Some(vec![14, 2]));
        let defaults = Config::try_parse_from(["report-compiler"]);
        assert_eq!(defaults.map(|c| c.reminder_days).ok(), Some(vec![30, 7, 1]));
    }
}
