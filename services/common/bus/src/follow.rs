//! Following a stream to build a read model: replay everything, report when
//! caught up (the stream's own pending count reached zero, never a read
//! timeout), then keep applying new messages as they arrive. Every replica
//! of a service follows the same stream, so replicas converge.

use std::sync::{Arc, RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::time::Duration;

use async_nats::jetstream::consumer::{DeliverPolicy, pull::OrderedConfig};
use futures::StreamExt;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use imrf_gcm::calendar::CycleCalendar;

use super::{Bus, BusError, BusErrorKind, Delivered};
use crate::names::{CYCLE, subject};

/// Where a follower starts reading.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Start {
    /// Every message, from the first: a read model of the whole history.
    First,
    /// The last message of each subject, then everything new: a read model
    /// of the latest state when each subject is one entity (a report and
    /// its revisions), which a restart rebuilds from one message per entity
    /// however long the history.
    LastPerSubject,
}

/// A running follower of a stream.
#[derive(Debug)]
pub struct Follower {
    applied: watch::Receiver<u64>,
    caught_up: watch::Receiver<bool>,
    task: JoinHandle<()>,
}

impl Follower {
    /// Starts following `stream` (only `filters` subjects; all when empty),
    /// handing each message to `apply` in stream order.
    pub fn spawn<F>(bus: Bus, stream: &'static str, filters: Vec<String>, apply: F) -> Self
    where
        F: FnMut(Delivered) -> Result<(), BusError> + Send + 'static,
    {
        Self::spawn_from(bus, stream, filters, Start::First, apply)
    }

    /// As [`Follower::spawn`], starting where `start` says.
    pub fn spawn_from<F>(
        bus: Bus,
        stream: &'static str,
        filters: Vec<String>,
        start: Start,
        mut apply: F,
    ) -> Self
    where
        F: FnMut(Delivered) -> Result<(), BusError> + Send + 'static,
    {
        let (applied_tx, applied) = watch::channel(0u64);
        let (caught_up_tx, caught_up) = watch::channel(false);
        let task = tokio::spawn(async move {
            let mut next = 1u64;
            loop {
                match follow_once(
                    &bus,
                    &Source {
                        stream,
                        filters: &filters,
                        start,
                    },
                    &mut next,
                    &mut apply,
                    &applied_tx,
                    &caught_up_tx,
                )
                .await
                {
                    Err(Broke::Subscription(reason)) => {
                        tracing::debug!(%reason, stream, next, "follower restarting");
                    }
                    Ok(()) => {}
                    Err(Broke::Model(err)) => {
                        // A read model that cannot take the next event must
                        // not be served as if it had: stop, and say so.
                        tracing::error!(error = %err, stream, next, "follower stopped: its read model refused an event");
                        return;
                    }
                }
                // Reached only when the subscription broke (NATS down, stream
                // not created yet): try again shortly from where it stopped.
                tokio::time::sleep(Duration::from_millis(500)).await;
            }
        });
        Self {
            applied,
            caught_up,
            task,
        }
    }

    /// Follows `stream` like [`Follower::spawn`], decoding each message as
    /// an event and handing it to `apply` with its stream sequence. A
    /// message that does not decode is logged and skipped: a read model
    /// never stalls on one bad message (the consumers that act on events
    /// park them instead).
    pub fn spawn_events<F>(bus: Bus, stream: &'static str, filters: &[&str], apply: F) -> Self
    where
        F: FnMut(u64, &imrf_proto::v1::Event) -> Result<(), BusError> + Send + 'static,
    {
        Self::spawn_events_from(bus, stream, filters, Start::First, apply)
    }

    /// As [`Follower::spawn_events`], starting where `start` says.
    pub fn spawn_events_from<F>(
        bus: Bus,
        stream: &'static str,
        filters: &[&str],
        start: Start,
        mut apply: F,
    ) -> Self
    where
        F: FnMut(u64, &imrf_proto::v1::Event) -> Result<(), BusError> + Send + 'static,
    {
        let filters = filters.iter().map(|f| f.to_string()).collect();
        Self::spawn_from(bus, stream, filters, start, move |message| {
            match message.event() {
                Ok(event) => match crate::names::misfit(&message.subject, &event) {
                    None => apply(message.sequence, &event),
                    Some(reason) => {
                        // A read model never takes what the subject's owner
                        // did not publish there.
                        tracing::error!(
                            security = true,
                            stream,
                            subject = %message.subject,
                            sequence = message.sequence,
                            %reason,
                            "event refused: not its subject owner's; skipped"
                        );
                        Ok(())
                    }
                },
                Err(err) => {
                    tracing::error!(
                        error = %err,
                        stream,
                        sequence = message.sequence,
                        "malformed event skipped"
                    );
                    Ok(())
                }
            }
        })
    }

    /// Waits until caught up (see [`Follower::wait_caught_up`]), or fails
    /// with an error naming what could not be read in time.
    pub async fn caught_up_or_fail(
        &self,
        what: &str,
        timeout: Duration,
    ) -> Result<(), super::BusError> {
        if self.wait_caught_up(timeout).await {
            Ok(())
        } else {
            Err(super::BusError::new(
                super::BusErrorKind::Unavailable,
                format!("could not read {what} to its end within {timeout:?}"),
            ))
        }
    }

    /// Waits until the follower has read everything that was in the stream
    /// when it started; false if `timeout` passed first.
    pub async fn wait_caught_up(&self, timeout: Duration) -> bool {
        let mut caught_up = self.caught_up.clone();
        tokio::time::timeout(timeout, caught_up.wait_for(|c| *c))
            .await
            .is_ok_and(|r| r.is_ok())
    }

    /// Waits until the message at stream sequence `sequence` has been
    /// applied; false if `timeout` passed first.
    pub async fn wait_applied(&self, sequence: u64, timeout: Duration) -> bool {
        let mut applied = self.applied.clone();
        tokio::time::timeout(timeout, applied.wait_for(|a| *a >= sequence))
            .await
            .is_ok_and(|r| r.is_ok())
    }

    /// Waits until the read model holds the message at `sequence`, so a
    /// caller reads its own write; a slow model only delays (and logs), never
    /// fails, an answer whose event is already stored. Sequence 0 (nothing
    /// stored) returns at once.
    pub async fn settle(&self, sequence: u64, timeout: Duration) {
        if sequence > 0 && !self.wait_applied(sequence, timeout).await {
            tracing::warn!(sequence, "read model behind the stream");
        }
    }

    /// Stream sequence of the last message applied.
    pub fn applied(&self) -> u64 {
        *self.applied.borrow()
    }
}

impl Drop for Follower {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Why one pass of a follower ended.
enum Broke {
    /// The subscription broke (NATS down, stream not created yet): resume.
    Subscription(String),
    /// The read model refused an event: stop.
    Model(BusError),
}

/// Write access to a read model a follower feeds. A poisoned lock (a panic
/// while it was held) is an error that stops the follower, never an event
/// silently dropped.
pub fn write_model<T>(model: &RwLock<T>) -> Result<RwLockWriteGuard<'_, T>, BusError> {
    model
        .write()
        .map_err(|_| BusError::new(BusErrorKind::Poisoned, "read model lock poisoned"))
}

/// Read access to a read model. A poisoned lock is an error, so a reader
/// never serves what a panic may have left half-applied.
pub fn read_model<T>(model: &RwLock<T>) -> Result<RwLockReadGuard<'_, T>, BusError> {
    model
        .read()
        .map_err(|_| BusError::new(BusErrorKind::Poisoned, "read model lock poisoned"))
}

/// The cycle calendar an intake service checks input against, kept current
/// by following the `CYCLE` stream.
#[derive(Debug)]
pub struct FollowedCalendar {
    model: Arc<RwLock<CycleCalendar>>,
    follower: Follower,
    bus: Bus,
}

impl FollowedCalendar {
    /// Starts following `CYCLE` (wait for it to catch up before serving).
    pub fn spawn(bus: &Bus) -> Self {
        let model = Arc::new(RwLock::new(CycleCalendar::new()));
        let follower = {
            let model = model.clone();
            Follower::spawn_events(
                bus.clone(),
                CYCLE.name,
                &[subject::CYCLE_ALL],
                move |_, event| {
                    write_model(&model)?.apply(event);
                    Ok(())
                },
            )
        };
        Self {
            model,
            follower,
            bus: bus.clone(),
        }
    }

    /// Waits until the calendar has read `CYCLE` to its end (see
    /// [`Follower::caught_up_or_fail`]).
    pub async fn caught_up_or_fail(&self, timeout: Duration) -> Result<(), BusError> {
        self.follower
            .caught_up_or_fail("stream CYCLE", timeout)
            .await
    }

    /// The calendar as read so far.
    pub fn read(&self) -> Result<RwLockReadGuard<'_, CycleCalendar>, BusError> {
        read_model(&self.model)
    }

    /// Makes sure the calendar knows `cycle_id` if it has been opened, so a
    /// cycle opened a moment ago is never taken for one never opened: a
    /// cycle the calendar does not know is looked up on the stream itself,
    /// and its opening awaited (up to `timeout`). Costs a round trip only
    /// for cycles the calendar does not know.
    pub async fn learn(&self, cycle_id: &str, timeout: Duration) -> Result<(), BusError> {
        if self.read()?.phase(cycle_id).is_some() {
            return Ok(());
        }
        let opened = self
            .bus
            .last_sequence_on(&subject::cycle_opened(cycle_id))
            .await?;
        self.follower.settle(opened, timeout).await;
        Ok(())
    }
}

/// What a follower reads.
struct Source<'a> {
    stream: &'a str,
    filters: &'a [String],
    start: Start,
}

async fn follow_once<F>(
    bus: &Bus,
    source: &Source<'_>,
    next: &mut u64,
    apply: &mut F,
    applied: &watch::Sender<u64>,
    caught_up: &watch::Sender<bool>,
) -> Result<(), Broke>
where
    F: FnMut(Delivered) -> Result<(), BusError>,
{
    let Source {
        stream,
        filters,
        start,
    } = *source;
    let handle = bus
        .jetstream()
        .get_stream(stream)
        .await
        .map_err(|e| Broke::Subscription(e.to_string()))?;
    // Once something was applied, resuming after it in stream order is
    // right for either start: what follows is newer than all applied.
    let deliver_policy = match start {
        Start::LastPerSubject if *next == 1 => DeliverPolicy::LastPerSubject,
        _ => DeliverPolicy::ByStartSequence {
            start_sequence: *next,
        },
    };
    let (filter_subject, filter_subjects) = crate::names::filters_for_create(filters);
    let mut consumer = handle
        .create_consumer(OrderedConfig {
            // Named, so its create request carries its filter in its subject
            // (an unnamed one is created on `$JS.API.CONSUMER.CREATE.<stream>`
            // whatever it reads), and fresh, so replicas never share one.
            name: Some(ulid::Ulid::new().to_string()),
            filter_subject,
            filter_subjects,
            deliver_policy,
            ..Default::default()
        })
        .await
        .map_err(|e| Broke::Subscription(e.to_string()))?;
    if !*caught_up.borrow() {
        let pending = consumer
            .info()
            .await
            .map_err(|e| Broke::Subscription(e.to_string()))?
            .num_pending;
        if pending == 0 {
            caught_up.send_replace(true);
        }
    }
    let mut messages = consumer
        .messages()
        .await
        .map_err(|e| Broke::Subscription(e.to_string()))?;
    while let Some(message) = messages.next().await {
        let message = message.map_err(|e| Broke::Subscription(e.to_string()))?;
        let Ok(info) = message.info() else {
            continue;
        };
        let (sequence, pending) = (info.stream_sequence, info.pending);
        apply(Delivered {
            subject: message.subject.to_string(),
            sequence,
            headers: message.headers.clone().unwrap_or_default(),
            payload: message.payload.clone(),
        })
        .map_err(Broke::Model)?;
        *next = sequence + 1;
        applied.send_replace(sequence);
        if pending == 0 && !*caught_up.borrow() {
            caught_up.send_replace(true);
        }
    }
    Err(Broke::Subscription("subscription ended".into()))
}
