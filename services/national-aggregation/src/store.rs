//! Where the aggregate lives. Contributions (one per report and per review,
//! latest revision wins) are written to the `NATIONAL_AGGREGATES` key-value
//! bucket by the durable consumers of `NATIONAL` and `REGIONAL`; every
//! replica watches the bucket and holds the same inputs in memory, from
//! which any aggregate is computed on demand.
//!
//! Exactly-once effect: a contribution is written only if it supersedes
//! what the bucket holds (compare-and-set on the key's revision), so an
//! event processed again after a crash changes nothing; the aggregate event
//! it triggers has an id derived from the bucket revision, so it is stored
//! once however often it is published. Recovery reads the latest value per
//! key, not the streams' history.

use std::collections::BTreeMap;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use async_nats::jetstream::kv;
use bytes::Bytes;
use futures::StreamExt;
use imrf_bus::{Bus, BusError, BusErrorKind};
use tokio::sync::{broadcast, watch};
use tokio::task::JoinHandle;

use imrf_gcm::aggregate::contribution::Contribution;
use imrf_gcm::aggregate::{CycleInputs, Filter, compute};
use imrf_proto::v1::Aggregate;

/// The inputs of every cycle, as the bucket holds them.
#[derive(Debug, Clone)]
pub struct AggregateStore {
    kv: kv::Store,
    inputs: Arc<RwLock<BTreeMap<String, CycleInputs>>>,
    applied: watch::Receiver<u64>,
    caught_up: watch::Receiver<bool>,
    changes: broadcast::Sender<String>,
    _watcher: Arc<WatcherTask>,
}

#[derive(Debug)]
struct WatcherTask(JoinHandle<()>);

impl Drop for WatcherTask {
    fn drop(&mut self) {
        self.0.abort();
    }
}

fn unavailable(err: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> BusError {
    BusError::new(BusErrorKind::Unavailable, err)
}

impl AggregateStore {
    /// Opens the bucket and starts watching it.
    pub async fn open(bus: &Bus, bucket: &str) -> Result<Self, BusError> {
        let kv = bus.ensure_kv(bucket, 1).await?;
        let inputs: Arc<RwLock<BTreeMap<String, CycleInputs>>> = Arc::default();
        let (applied_tx, applied) = watch::channel(0u64);
        let (caught_up_tx, caught_up) = watch::channel(false);
        let (changes, _) = broadcast::channel(1024);
        let task = {
            let kv = kv.clone();
            let inputs = inputs.clone();
            let changes = changes.clone();
            tokio::spawn(async move {
                let mut next = 0u64;
                loop {
                    if let Err(err) = watch_once(
                        &kv,
                        &inputs,
                        &changes,
                        &applied_tx,
                        &caught_up_tx,
                        &mut next,
                    )
                    .await
                    {
                        tracing::debug!(error = %err, "aggregate store watch restarting");
                    }
                    tokio::time::sleep(Duration::from_millis(500)).await;
                }
            })
        };
        Ok(Self {
            kv,
            inputs,
            applied,
            caught_up,
            changes,
            _watcher: Arc::new(WatcherTask(task)),
        })
    }

    /// Waits until the store holds everything the bucket held when it
    /// opened; false if `timeout` passed first.
    pub async fn wait_caught_up(&self, timeout: Duration) -> bool {
        let mut caught_up = self.caught_up.clone();
        tokio::time::timeout(timeout, caught_up.wait_for(|c| *c))
            .await
            .is_ok_and(|r| r.is_ok())
    }

    /// Waits until the bucket revision `revision` is applied in memory.
    pub async fn wait_applied(&self, revision: u64, timeout: Duration) -> bool {
        let mut applied = self.applied.clone();
        tokio::time::timeout(timeout, applied.wait_for(|a| *a >= revision))
            .await
            .is_ok_and(|r| r.is_ok())
    }

    /// Writes `contribution` unless the bucket already holds it or a later
    /// revision. Returns the bucket revision that holds the effective
    /// contribution (the new one, or the one that made it redundant).
    pub async fn record(&self, contribution: &Contribution) -> Result<u64, BusError> {
        let key = contribution.key();
        let value = Bytes::from(
            serde_json::to_vec(contribution).map_err(|e| BusError::new(BusErrorKind::Other, e))?,
        );
        // What this replica holds decides the first attempt without a
        // read; if the bucket moved on (another replica, or the watch not
        // there yet), the compare-and-set says so and the bucket decides the
        // next. Bounded: each retry means someone else made progress.
        let mut held = self.inputs.read().ok().and_then(|inputs| {
            inputs
                .get(contribution.cycle_id())
                .and_then(|cycle| cycle.held(contribution))
        });
        for _ in 0..16 {
            match held {
                // The bucket holds this revision or a later one, which
                // supersedes the contribution too.
                Some((revision, false)) => return Ok(revision),
                Some((revision, true)) => {
                    match self.kv.update(&key, value.clone(), revision).await {
                        Ok(revision) => return Ok(revision),
                        Err(err) if err.kind() == kv::UpdateErrorKind::WrongLastRevision => {}
                        Err(err) => return Err(unavailable(err)),
                    }
                }
                None => match self.kv.create(&key, value.clone()).await {
                    Ok(revision) => return Ok(revision),
                    Err(err) if err.kind() == kv::CreateErrorKind::AlreadyExists => {}
                    Err(err) => return Err(unavailable(err)),
                },
            }
            held = match self.kv.entry(&key).await.map_err(unavailable)? {
                None => None,
                Some(entry) if entry.operation == kv::Operation::Put => {
                    let stored: Contribution = serde_json::from_slice(&entry.value)
                        .map_err(|e| BusError::new(BusErrorKind::Malformed, e))?;
                    Some((entry.revision, contribution.supersedes(&stored)))
                }
                // A deleted key is replaced at its revision.
                Some(entry) => Some((entry.revision, true)),
            };
        }
        Err(BusError::new(
            BusErrorKind::Conflict,
            format!("{key}: too many concurrent writers"),
        ))
    }

    /// The aggregate of `cycle_id`, restricted by `filter`.
    pub fn aggregate(&self, cycle_id: &str, filter: Filter) -> Aggregate {
        let inputs = self.inputs.read();
        let empty = CycleInputs::default();
        match &inputs {
            Ok(map) => compute(cycle_id, map.get(cycle_id).unwrap_or(&empty), filter),
            Err(_) => compute(cycle_id, &empty, filter),
        }
    }

    /// The inputs of `cycle_id`, as held now.
    pub fn inputs(&self, cycle_id: &str) -> CycleInputs {
        self.inputs
            .read()
            .ok()
            .and_then(|map| map.get(cycle_id).cloned())
            .unwrap_or_default()
    }

    /// Every cycle with inputs.
    pub fn cycles(&self) -> Vec<String> {
        self.inputs
            .read()
            .map(|map| map.keys().cloned().collect())
            .unwrap_or_default()
    }

    /// Cycle ids whose inputs change, as they change.
    pub fn subscribe(&self) -> broadcast::Receiver<String> {
        self.changes.subscribe()
    }
}

async fn watch_once(
    kv: &kv::Store,
    inputs: &RwLock<BTreeMap<String, CycleInputs>>,
    changes: &broadcast::Sender<String>,
    applied: &watch::Sender<u64>,
    caught_up: &watch::Sender<bool>,
    next: &mut u64,
) -> Result<(), String> {
    let mut watch = if *next == 0 {
        let status = kv.status().await.map_err(|e| e.to_string())?;
        if status.values() == 0 {
            caught_up.send_replace(true);
        }
        kv.watch_with_history(">")
            .await
            .map_err(|e| e.to_string())?
    } else {
        kv.watch_all_from_revision(*next)
            .await
            .map_err(|e| e.to_string())?
    };
    while let Some(entry) = watch.next().await {
        let entry = entry.map_err(|e| e.to_string())?;
        if entry.operation == kv::Operation::Put {
            match serde_json::from_slice::<Contribution>(&entry.value) {
                Ok(contribution) => {
                    let cycle = contribution.cycle_id().to_string();
                    let changed = inputs
                        .write()
                        .map(|mut map| {
                            map.entry(cycle.clone())
                                .or_default()
                                .apply(contribution, entry.revision)
                        })
                        .unwrap_or(false);
                    if changed {
                        let _ = changes.send(cycle);
                    }
                }
                Err(err) => {
                    tracing::error!(key = %entry.key, error = %err, "malformed contribution; skipped");
                }
            }
        }
        *next = entry.revision + 1;
        applied.send_replace(entry.revision);
        if entry.delta == 0 || entry.seen_current {
            caught_up.send_replace(true);
        }
    }
    Err("watch ended".into())
}
