//! Durable pull consumers: explicit ack, bounded redelivery with back-off,
//! poison messages parked (not retried for ever, never allowed to stall the
//! consumer), and a shutdown that finishes the message in hand first.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use async_nats::jetstream::{self, AckKind, consumer::pull};
use futures::StreamExt;
use imrf_proto::v1::Event;
use tracing::Instrument;

use super::names::{PARKED, header, subject};
use super::{Bus, BusError, BusErrorKind, Delivered, decode_event};

/// How a durable consumer reads a stream.
#[derive(Debug, Clone)]
pub struct ConsumerSpec {
    /// Stream to read.
    pub stream: &'static str,
    /// Durable name; the server remembers its position under this name.
    pub durable: String,
    /// Subjects to read; empty for all of the stream.
    pub filter_subjects: Vec<String>,
    /// Deliveries of one message before it is parked.
    pub max_deliver: i64,
    /// Waits between redeliveries; the last one repeats.
    pub backoff: Vec<Duration>,
    /// How long the server waits for an ack before redelivering.
    pub ack_wait: Duration,
    /// Messages handled at once. Above 1, handlers must not depend on the
    /// order of messages (they are idempotent and compare-and-set their
    /// writes, as the aggregator does).
    pub concurrency: usize,
}

impl ConsumerSpec {
    /// A consumer of `stream` named `durable`, with production defaults:
    /// five deliveries, back-off 1 s, 5 s, 30 s, 2 min, ack wait 30 s.
    pub fn new(stream: &'static str, durable: impl Into<String>) -> Self {
        Self {
            stream,
            durable: durable.into(),
            filter_subjects: Vec::new(),
            max_deliver: 5,
            backoff: vec![
                Duration::from_secs(1),
                Duration::from_secs(5),
                Duration::from_secs(30),
                Duration::from_secs(120),
            ],
            ack_wait: Duration::from_secs(30),
            concurrency: 1,
        }
    }

    /// Reads only `subjects`.
    pub fn filter(mut self, subjects: &[&str]) -> Self {
        self.filter_subjects = subjects.iter().map(|s| s.to_string()).collect();
        self
    }

    /// The back-off the server itself applies to a delivery that is neither
    /// acked nor nak'd (the service died holding it): the spec's back-off,
    /// each wait at least `ack_wait`, so a message still in hand is never
    /// redelivered sooner than the ack wait allows. The server takes fewer
    /// waits than deliveries.
    fn server_backoff(&self) -> Vec<Duration> {
        let waits = usize::try_from(self.max_deliver.saturating_sub(1)).unwrap_or(0);
        self.backoff
            .iter()
            .take(waits)
            .map(|wait| (*wait).max(self.ack_wait))
            .collect()
    }

    fn delay_after(&self, delivered: i64) -> Duration {
        let index = usize::try_from(delivered.saturating_sub(1)).unwrap_or(0);
        self.backoff
            .get(index)
            .or(self.backoff.last())
            .copied()
            .unwrap_or(Duration::from_secs(1))
    }
}

/// Why a handler did not process a message.
#[derive(Debug, thiserror::Error)]
pub enum HandlerError {
    /// A passing fault (bus down, a dependency not ready): redeliver later.
    #[error("transient: {0}")]
    Retry(String),
    /// The message can never be processed: park it now.
    #[error("poison: {0}")]
    Poison(String),
}

impl From<BusError> for HandlerError {
    fn from(err: BusError) -> Self {
        if err.kind() == BusErrorKind::Malformed {
            Self::Poison(err.to_string())
        } else {
            Self::Retry(err.to_string())
        }
    }
}

/// Counters of one consumer, shared with whoever reports metrics.
#[derive(Debug, Default)]
pub struct ConsumerMetrics {
    /// Messages handled and acked.
    pub processed: AtomicU64,
    /// Deliveries the handler asked to retry.
    pub retried: AtomicU64,
    /// Messages parked as poison.
    pub parked: AtomicU64,
}

impl ConsumerMetrics {
    /// Counts a message of `durable` handled and acked, here and in the
    /// process's Prometheus series.
    fn count_processed(&self, durable: &str) {
        self.processed.fetch_add(1, Ordering::Relaxed);
        metrics::counter!("imrf_consumer_processed_total", "consumer" => durable.to_string())
            .increment(1);
    }

    /// Counts a delivery of `durable` the handler asked to retry.
    fn count_retried(&self, durable: &str) {
        self.retried.fetch_add(1, Ordering::Relaxed);
        metrics::counter!("imrf_consumer_retried_total", "consumer" => durable.to_string())
            .increment(1);
    }

    /// Counts a message of `durable` parked as poison.
    fn count_parked(&self, durable: &str) {
        self.parked.fetch_add(1, Ordering::Relaxed);
        metrics::counter!("imrf_consumer_parked_total", "consumer" => durable.to_string())
            .increment(1);
    }

    /// Snapshot: (processed, retried, parked).
    pub fn snapshot(&self) -> (u64, u64, u64) {
        (
            self.processed.load(Ordering::Relaxed),
            self.retried.load(Ordering::Relaxed),
            self.parked.load(Ordering::Relaxed),
        )
    }
}

/// A message handed to a handler: the decoded event and where it came from.
#[derive(Debug)]
pub struct Incoming {
    /// The event.
    pub event: Event,
    /// The raw message.
    pub message: Delivered,
    /// How many times it has been delivered, 1 for the first.
    pub delivered: i64,
}

/// Runs a durable consumer until `shutdown` completes. `service` names the
/// parking subject (`imrf.v1.parked.<service>.<durable>`).
///
/// Each message is decoded and handed to `handler`; on `Ok` it is acked (and
/// the ack confirmed by the server), on `Retry` it is redelivered after the
/// back-off, and on `Poison`, an undecodable payload, or the last allowed
/// delivery failing, it is copied to the PARKED stream and terminated.
pub async fn run<H, Fut>(
    bus: &Bus,
    service: &str,
    spec: ConsumerSpec,
    metrics: Arc<ConsumerMetrics>,
    shutdown: impl Future<Output = ()>,
    mut handler: H,
) -> Result<(), BusError>
where
    H: FnMut(Incoming) -> Fut,
    Fut: Future<Output = Result<(), HandlerError>>,
{
    bus.ensure_stream(&PARKED).await?;
    let stream = bus
        .jetstream()
        .get_stream(spec.stream)
        .await
        .map_err(|e| BusError::about(BusErrorKind::Setup, spec.stream, e))?;
    let (filter_subject, filter_subjects) = crate::names::filters_for_create(&spec.filter_subjects);
    let consumer = stream
        .create_consumer(pull::Config {
            durable_name: Some(spec.durable.clone()),
            filter_subject,
            filter_subjects,
            ack_policy: jetstream::consumer::AckPolicy::Explicit,
            ack_wait: spec.ack_wait,
            max_deliver: spec.max_deliver,
            backoff: spec.server_backoff(),
            ..Default::default()
        })
        .await
        .map_err(|e| BusError::about(BusErrorKind::Setup, &spec.durable, e))?;
    let park_subject = subject::parked(service, &spec.durable);

    tokio::pin!(shutdown);
    let limit = spec.concurrency.max(1);
    let mut in_flight = futures::stream::FuturesUnordered::new();
    'reconnect: loop {
        let mut messages = tokio::select! {
            () = &mut shutdown => break 'reconnect,
            messages = consumer.messages() => match messages {
                Ok(messages) => messages,
                Err(err) => {
                    tracing::warn!(error = %err, consumer = %spec.durable, "cannot pull; retrying");
                    tokio::select! {
                        () = &mut shutdown => break 'reconnect,
                        () = tokio::time::sleep(Duration::from_secs(1)) => continue 'reconnect,
                    }
                }
            },
        };
        loop {
            tokio::select! {
                biased;
                Some(()) = in_flight.next(), if !in_flight.is_empty() => {}
                () = &mut shutdown => break 'reconnect,
                next = messages.next(), if in_flight.len() < limit => {
                    let message = match next {
                        Some(Ok(message)) => message,
                        Some(Err(err)) => {
                            tracing::debug!(error = %err, consumer = %spec.durable, "pull interrupted");
                            continue;
                        }
                        None => continue 'reconnect,
                    };
                    let (delivered, decoded) = open(&spec.durable, &message);
                    let span = tracing::info_span!(
                        "consume",
                        consumer = %spec.durable,
                        subject = %delivered.message.subject,
                        sequence = delivered.message.sequence,
                        trace_id = tracing::field::Empty,
                    );
                    crate::trace::enter_trace(&span, delivered.message.trace());
                    let work = match decoded {
                        Ok(event) => match crate::names::misfit(&delivered.message.subject, &event) {
                            Some(reason) => {
                                tracing::warn!(
                                    security = true,
                                    consumer = %spec.durable,
                                    subject = %delivered.message.subject,
                                    sequence = delivered.message.sequence,
                                    %reason,
                                    "event refused: not its subject owner's; parked"
                                );
                                futures::future::Either::Right(std::future::ready(Err(HandlerError::Poison(format!("not its subject owner's: {reason}")))))
                            }
                            None => {
                                let incoming = Incoming {
                                    event,
                                    message: delivered.message.clone(),
                                    delivered: delivered.count,
                                };
                                futures::future::Either::Left(handler(incoming).instrument(span))
                            }
                        },
                        Err(err) => futures::future::Either::Right(std::future::ready(Err(HandlerError::Poison(err.to_string())))),
                    };
                    let (spec, park_subject, metrics) = (&spec, &park_subject, &metrics);
                    in_flight.push(async move {
                        let outcome = work.await;
                        settle(bus, spec, park_subject, metrics, message, delivered, outcome).await;
                    });
                }
            }
        }
    }
    // Messages in hand are finished (handled and acked) before returning.
    while in_flight.next().await.is_some() {}
    Ok(())
}

/// A message as read: its copy for handlers and parking, and its delivery
/// count.
struct Opened {
    message: Delivered,
    count: i64,
}

fn open(durable: &str, message: &jetstream::Message) -> (Opened, Result<Event, BusError>) {
    let (sequence, count) = match message.info() {
        Ok(info) => {
            // What the consumer still has to take, as the server counts it
            // at this delivery: the series an operator watches for a
            // consumer falling behind.
            metrics::gauge!("imrf_consumer_pending_messages", "consumer" => durable.to_string())
                .set(info.pending as f64);
            if info.delivered > 1 {
                metrics::counter!("imrf_consumer_redeliveries_total", "consumer" => durable.to_string())
                    .increment(1);
            }
            (info.stream_sequence, info.delivered)
        }
        Err(_) => (0, 1),
    };
    let delivered = Delivered {
        subject: message.subject.to_string(),
        sequence,
        headers: message.headers.clone().unwrap_or_default(),
        payload: message.payload.clone(),
    };
    let decoded = decode_event(&message.payload);
    (
        Opened {
            message: delivered,
            count,
        },
        decoded,
    )
}

/// Acks, retries or parks a handled message.
async fn settle(
    bus: &Bus,
    spec: &ConsumerSpec,
    park_subject: &str,
    metrics: &ConsumerMetrics,
    message: jetstream::Message,
    opened: Opened,
    outcome: Result<(), HandlerError>,
) {
    let (sequence, delivered) = (opened.message.sequence, opened.count);
    match outcome {
        Ok(()) => {
            if let Err(err) = message.double_ack().await {
                // Not confirmed: the server will redeliver, and handlers are
                // idempotent, so the effect still happens once.
                tracing::warn!(error = %err, sequence, "ack not confirmed");
            } else {
                metrics.count_processed(&spec.durable);
            }
        }
        Err(HandlerError::Retry(reason)) if delivered < spec.max_deliver => {
            metrics.count_retried(&spec.durable);
            let delay = spec.delay_after(delivered);
            tracing::warn!(%reason, sequence, delivered, ?delay, consumer = %spec.durable, "handler failed; will retry");
            let _ = message.ack_with(AckKind::Nak(Some(delay))).await;
        }
        Err(err) => {
            let reason = err.to_string();
            tracing::error!(%reason, sequence, delivered, consumer = %spec.durable, "parking message");
            match park(bus, spec, park_subject, &opened.message, &reason).await {
                Ok(()) => {
                    metrics.count_parked(&spec.durable);
                    let _ = message.ack_with(AckKind::Term).await;
                }
                Err(park_err) => {
                    // Cannot park now: leave it for redelivery rather than
                    // lose it.
                    tracing::error!(error = %park_err, sequence, "cannot park; will redeliver");
                    let _ = message
                        .ack_with(AckKind::Nak(Some(spec.delay_after(delivered))))
                        .await;
                }
            }
        }
    }
}

async fn park(
    bus: &Bus,
    spec: &ConsumerSpec,
    park_subject: &str,
    message: &Delivered,
    reason: &str,
) -> Result<(), BusError> {
    let mut headers = async_nats::HeaderMap::new();
    headers.insert(header::PARKED_REASON, reason);
    headers.insert(header::PARKED_STREAM, spec.stream);
    headers.insert(header::PARKED_SUBJECT, message.subject.as_str());
    headers.insert(
        header::PARKED_SEQUENCE,
        message.sequence.to_string().as_str(),
    );
    // One parked copy per original message, however often parking is retried.
    headers.insert(
        async_nats::header::NATS_MESSAGE_ID,
        format!(
            "parked-{}-{}-{}",
            spec.stream, spec.durable, message.sequence
        )
        .as_str(),
    );
    bus.jetstream()
        .publish_with_headers(park_subject.to_string(), headers, message.payload.clone())
        .await
        .map_err(|e| BusError::new(BusErrorKind::Unavailable, e))?
        .await
        .map_err(|e| BusError::new(BusErrorKind::Unavailable, e))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_server_backs_off_no_sooner_than_the_ack_wait_and_for_fewer_waits_than_deliveries() {
        let spec = ConsumerSpec::new("REGIONAL", "d");
        assert_eq!(
            spec.server_backoff(),
            [30, 30, 30, 120].map(Duration::from_secs)
        );
        let short = ConsumerSpec {
            max_deliver: 3,
            backoff: vec![Duration::from_millis(50); 4],
            ack_wait: Duration::from_secs(1),
            ..spec
        };
        assert_eq!(short.server_backoff(), [Duration::from_secs(1); 2]);
    }
}
