//! Who consumes the inputs: durable consumers of `NATIONAL` (accepted
//! national reports) and `REGIONAL` (accepted and withdrawn regional
//! reviews) turn each event into a contribution in the store, then publish
//! the cycle's new aggregate as `NationalAggregateUpdated`.

use std::sync::Arc;
use std::time::Duration;

use imrf_bus::consumer::{self, ConsumerMetrics, ConsumerSpec, HandlerError, Incoming};
use imrf_bus::names::{NATIONAL, REGIONAL, event_type, subject};
use imrf_bus::{Bus, BusError, BusErrorKind, Delivered, Expect, derived_event};
use imrf_proto::v1::{Event, NationalAggregateUpdated, event::Payload};

use crate::SERVICE_NAME;
use crate::store::AggregateStore;
use imrf_gcm::aggregate::Filter;
use imrf_gcm::aggregate::contribution::{Contribution, RegionalContribution};

/// Durable name of the consumer of national reports.
pub const NATIONAL_CONSUMER: &str = "national-aggregation-reports";
/// Durable name of the consumer of regional reviews.
pub const REGIONAL_CONSUMER: &str = "national-aggregation-reviews";

/// Turns input events into contributions and aggregate versions.
#[derive(Debug, Clone)]
pub struct Aggregator {
    bus: Bus,
    store: AggregateStore,
    settle: Duration,
    ack_wait: Duration,
    /// How often changed aggregates are published: per period, not per
    /// input, since a version carries the whole aggregate.
    publish_period: Duration,
    /// Cycles whose aggregate changed since its last publication.
    dirty: std::sync::Arc<std::sync::Mutex<std::collections::BTreeSet<String>>>,
}

/// Inputs processed at once. Order does not matter: contributions are
/// written by compare-and-set and keep the latest revision, and each
/// aggregate version has its own id.
const CONCURRENCY: usize = 32;

/// The durable consumer of national reports.
pub fn national_spec(ack_wait: Duration) -> ConsumerSpec {
    ConsumerSpec {
        ack_wait,
        concurrency: CONCURRENCY,
        ..ConsumerSpec::new(NATIONAL.name, NATIONAL_CONSUMER)
    }
    .filter(&[subject::NATIONAL_REPORT_ALL])
}

/// The durable consumer of regional reviews.
pub fn regional_spec(ack_wait: Duration) -> ConsumerSpec {
    ConsumerSpec {
        ack_wait,
        concurrency: CONCURRENCY,
        ..ConsumerSpec::new(REGIONAL.name, REGIONAL_CONSUMER)
    }
    .filter(&[subject::REGIONAL_REVIEW_ALL])
}

/// The aggregate version a stored `NationalAggregateUpdated` carries; 0
/// for anything else, which any real version replaces.
fn version_of(message: &Delivered) -> u64 {
    match message.event().map(|e| e.payload) {
        Ok(Some(Payload::NationalAggregateUpdated(update))) => {
            update.aggregate.map_or(0, |a| a.version)
        }
        _ => 0,
    }
}

/// The contribution an event makes, if it is an input to the aggregate.
pub fn contribution_of(event: &Event) -> Result<Option<Contribution>, HandlerError> {
    let malformed = |what: &str| HandlerError::Poison(format!("event {}: {what}", event.id));
    match &event.payload {
        Some(Payload::NationalReportAccepted(accepted)) => accepted
            .record
            .as_ref()
            .and_then(Contribution::from_national)
            .map(Some)
            .ok_or_else(|| malformed("national report without content")),
        Some(Payload::RegionalReviewAccepted(accepted)) => accepted
            .record
            .as_ref()
            .and_then(Contribution::from_regional)
            .map(Some)
            .ok_or_else(|| malformed("regional review without content")),
        Some(Payload::RegionalReviewWithdrawn(withdrawn)) => {
            Ok(Some(Contribution::Regional(RegionalContribution {
                review_id: withdrawn.review_id.clone(),
                cycle_id: event.cycle_id.clone(),
                commission: withdrawn.commission,
                revision: withdrawn.revision,
                withdrawn: true,
                accepted_at_ms: event.occurred_at.map_or(0, |t| t.seconds * 1000),
                objectives: Vec::new(),
                flags: Vec::new(),
            })))
        }
        _ => Ok(None),
    }
}

impl Aggregator {
    /// An aggregator writing to `store`; `settle` bounds the wait for the
    /// store to show a write, `ack_wait` is the consumers' redelivery delay,
    /// `publish_period` how often changed aggregates get a new version.
    pub fn new(
        bus: Bus,
        store: AggregateStore,
        settle: Duration,
        ack_wait: Duration,
        publish_period: Duration,
    ) -> Self {
        Self {
            bus,
            store,
            settle,
            ack_wait,
            publish_period,
            dirty: std::sync::Arc::default(),
        }
    }

    /// Processes one input event: records its contribution, and marks its
    /// cycle's aggregate for publication. Safe to run again for the same
    /// event: the store keeps one contribution.
    pub async fn handle(&self, event: &Event) -> Result<(), HandlerError> {
        let Some(contribution) = contribution_of(event)? else {
            return Ok(());
        };
        let revision = self.store.record(&contribution).await?;
        if !self.store.wait_applied(revision, self.settle).await {
            return Err(HandlerError::Retry(
                "aggregate store did not catch up in time".into(),
            ));
        }
        if let Ok(mut dirty) = self.dirty.lock() {
            dirty.insert(contribution.cycle_id().to_string());
        }
        Ok(())
    }

    /// Publishes the aggregate of every cycle marked changed; returns how
    /// many versions it published.
    pub async fn publish_changed(&self) -> usize {
        let cycles: Vec<String> = match self.dirty.lock() {
            Ok(mut dirty) => std::mem::take(&mut *dirty).into_iter().collect(),
            Err(_) => return 0,
        };
        let mut published = 0;
        for cycle_id in cycles {
            match self.publish_version(&cycle_id).await {
                Ok(()) => published += 1,
                Err(err) => {
                    tracing::warn!(error = %err, cycle_id, "could not publish the aggregate; will retry");
                    if let Ok(mut dirty) = self.dirty.lock() {
                        dirty.insert(cycle_id);
                    }
                }
            }
        }
        published
    }

    /// Publishes the aggregate of `cycle_id` as it stands on `AGGREGATES`,
    /// with an id derived from the cycle and the version, so however many
    /// replicas or restarts publish it, the stream holds it once. A version
    /// goes out only over an older one, conditional on the subject's last
    /// sequence: a replica whose store lags never replaces a newer version.
    async fn publish_version(&self, cycle_id: &str) -> Result<(), BusError> {
        let aggregate = self.store.aggregate(cycle_id, Filter::default());
        let version = aggregate.version;
        if version == 0 {
            return Ok(());
        }
        let occurred_at = aggregate
            .as_of
            .as_ref()
            .map_or(std::time::UNIX_EPOCH, imrf_proto::system_time);
        let event = derived_event(
            event_type::NATIONAL_AGGREGATE_UPDATED,
            SERVICE_NAME,
            cycle_id,
            occurred_at,
            &format!("aggregate/{cycle_id}/{version}"),
            Payload::NationalAggregateUpdated(NationalAggregateUpdated {
                aggregate: Some(aggregate),
            }),
        );
        metrics::gauge!("imrf_aggregate_version", "cycle" => cycle_id.to_string())
            .set(version as f64);
        if let Some(a) = event.payload.as_ref().and_then(|p| match p {
            Payload::NationalAggregateUpdated(u) => u.aggregate.as_ref(),
            _ => None,
        }) {
            metrics::gauge!("imrf_aggregate_inputs", "cycle" => cycle_id.to_string(), "kind" => "national_report")
                .set(f64::from(a.national_reports));
            metrics::gauge!("imrf_aggregate_inputs", "cycle" => cycle_id.to_string(), "kind" => "regional_review")
                .set(f64::from(a.regional_reviews));
        }
        let subject = subject::national_aggregate_updated(cycle_id);
        // A conflict means another replica published in between: look again.
        for _ in 0..3 {
            let expect = match self.bus.last_message(&subject).await? {
                None => Expect::LastSubjectSequence(0),
                Some(last) if version_of(&last) >= version => return Ok(()),
                Some(last) => Expect::LastSubjectSequence(last.sequence),
            };
            match self.bus.publish_event(&subject, &event, expect, None).await {
                Err(err) if err.kind() == BusErrorKind::Conflict => continue,
                published => return published.map(|_| ()),
            }
        }
        // Newer versions kept winning: the cycle's next change publishes.
        Ok(())
    }

    /// Runs both durable consumers until `shutdown` completes.
    pub async fn run(
        self,
        metrics: Arc<ConsumerMetrics>,
        shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> Result<(), BusError> {
        let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
        let stop_rx_publisher = stop_rx.clone();
        let wait = |mut rx: tokio::sync::watch::Receiver<bool>| async move {
            let _ = rx.wait_for(|stop| *stop).await;
        };
        let national = {
            let this = self.clone();
            let metrics = metrics.clone();
            let stop = wait(stop_rx.clone());
            async move {
                consumer::run(
                    &this.bus.clone(),
                    SERVICE_NAME,
                    national_spec(this.ack_wait),
                    metrics,
                    stop,
                    |incoming: Incoming| {
                        let this = this.clone();
                        async move { this.handle(&incoming.event).await }
                    },
                )
                .await
            }
        };
        let regional = {
            let this = self.clone();
            let stop = wait(stop_rx);
            async move {
                consumer::run(
                    &this.bus.clone(),
                    SERVICE_NAME,
                    regional_spec(this.ack_wait),
                    metrics,
                    stop,
                    |incoming: Incoming| {
                        let this = this.clone();
                        async move { this.handle(&incoming.event).await }
                    },
                )
                .await
            }
        };
        let publisher = {
            let this = self.clone();
            let mut stop = stop_rx_publisher;
            async move {
                // After a restart, publish every cycle's current version once:
                // one that was due when the service stopped is not lost, and
                // one already published is stored once.
                if let Ok(mut dirty) = this.dirty.lock() {
                    dirty.extend(this.store.cycles());
                }
                let mut interval = tokio::time::interval(this.publish_period);
                loop {
                    tokio::select! {
                        _ = interval.tick() => { this.publish_changed().await; }
                        _ = stop.changed() => break,
                    }
                }
                this.publish_changed().await;
            }
        };
        let stopper = async move {
            shutdown.await;
            let _ = stop_tx.send(true);
        };
        let (national, regional, (), ()) = tokio::join!(national, regional, publisher, stopper);
        national.and(regional)
    }
}
