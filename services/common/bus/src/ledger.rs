//! The record of requests: request id -> what the request did, kept in a
//! KV bucket owned by the service, so the same request id returns the first
//! answer and writes nothing new however much later it comes back. The
//! JetStream duplicate window (minutes) is only a second line of defence.
//!
//! The ledger takes no closures: it answers what to do next, so a handler
//! reads top to bottom (as zero-to-production's idempotency step does).
//! 1. The handler names the request ([`RequestLedger::attempt`], no I/O),
//!    looks up what it needs and decides (a pure function) the event to
//!    publish with the expectation of the subject's last sequence it saw.
//! 2. A decision that refuses is checked against the ledger
//!    ([`RequestLedger::earlier`]): a repeat of an answered request is
//!    usually refused only because its own first attempt moved the record
//!    on, and then gets that attempt's event back instead of the refusal.
//!    A handler whose decision writes something of its own (a contact
//!    stored before the event that refers to it) asks first, and decides
//!    only for a new request.
//! 3. [`RequestLedger::record_and_publish`] writes twice: the event is
//!    recorded under the request id *before* it is published, so a crash
//!    between publish and answer is resumed by the retry with the very same
//!    event (same id, same expectation), which the bus stores once; then it
//!    is published. A failed expectation stores nothing and forgets the
//!    request.
//! 4. Nothing is written back: a publish that expected sequence `s` can
//!    only have been stored as the subject's first message after `s`, so a
//!    repeated request reads that one message to learn whether its event
//!    landed. Only an unconditional publish, which has no such place,
//!    records the sequence it was stored at.
//!
//! Either way the handler gets a [`Stored`] event and builds its answer
//! from it alone, so the first answer and every repeat's are the same.

use async_nats::jetstream::kv;
use bytes::Bytes;
use imrf_proto::v1::Event;
use prost::Message;
use sha2::{Digest, Sha256};

use imrf_gcm::Refusal;

use super::{Bus, BusError, BusErrorKind, Expect, Published, decode_event};
use crate::trace::TraceContext;

/// What is stored per request id.
#[derive(Clone, PartialEq, prost::Message)]
struct Entry {
    /// SHA-256 of the encoded request; a different request under the same id
    /// is refused.
    #[prost(bytes = "vec", tag = "1")]
    fingerprint: Vec<u8>,
    /// Subject the event goes to.
    #[prost(string, tag = "2")]
    subject: String,
    /// The encoded event.
    #[prost(bytes = "vec", tag = "3")]
    event: Vec<u8>,
    /// Expected last subject sequence, when the publish is conditional.
    #[prost(uint64, optional, tag = "4")]
    expect_sequence: Option<u64>,
    /// The encoded answer of a request that publishes no event
    /// ([`RequestLedger::remember`]).
    #[prost(bytes = "vec", optional, tag = "5")]
    answer: Option<Vec<u8>>,
    /// Stream sequence an unconditional publish was stored at, once known.
    #[prost(uint64, optional, tag = "6")]
    published_sequence: Option<u64>,
}

/// An event ready to publish: what a service's decision returns.
#[derive(Debug)]
pub struct Prepared {
    /// Subject to publish on.
    pub subject: String,
    /// The event.
    pub event: Event,
    /// Optimistic-concurrency expectation.
    pub expect: Expect,
}

impl Entry {
    fn pending(fingerprint: Vec<u8>, prepared: &Prepared) -> Self {
        Entry {
            fingerprint,
            subject: prepared.subject.clone(),
            event: prepared.event.encode_to_vec(),
            expect_sequence: match prepared.expect {
                Expect::Any => None,
                Expect::LastSubjectSequence(s) => Some(s),
            },
            answer: None,
            published_sequence: None,
        }
    }

    fn expect(&self) -> Expect {
        self.expect_sequence
            .map_or(Expect::Any, Expect::LastSubjectSequence)
    }
}

/// An event the bus holds, as a request's first attempt stored it: every
/// answer to the request is built from this alone.
#[derive(Debug, Clone)]
pub struct Stored {
    /// The event.
    pub event: Event,
    /// Where it was stored.
    pub published: Published,
}

/// A request named for the ledger: its operation, id and fingerprint.
#[derive(Debug, Clone)]
pub struct Attempt {
    operation: String,
    key: String,
    fingerprint: Vec<u8>,
}

/// Counts a request answered from the ledger: a retry, by the same caller
/// with the same id, of one already carried out.
fn answered_from_ledger(operation: &str) {
    metrics::counter!("imrf_ledger_answers_total", "operation" => operation.to_string())
        .increment(1);
}

/// Why the ledger did not carry a request out.
#[derive(Debug, thiserror::Error)]
pub enum LedgerError {
    /// The request id was used for another request, or the request lost to
    /// a concurrent change and stored nothing.
    #[error(transparent)]
    Refused(#[from] Refusal),
    /// The bus (or the ledger's bucket) failed.
    #[error(transparent)]
    Bus(#[from] BusError),
}

fn conflict() -> LedgerError {
    LedgerError::Refused(Refusal::StaleRevision(
        "the record changed since the expected revision; read it again and resubmit".into(),
    ))
}

/// The record of answered requests of one service.
#[derive(Debug, Clone)]
pub struct RequestLedger {
    bus: Bus,
    store: kv::Store,
}

/// SHA-256 of an encoded request.
pub fn fingerprint<M: Message>(request: &M) -> Vec<u8> {
    Sha256::digest(request.encode_to_vec()).to_vec()
}

fn key(operation: &str, caller: &str, request_id: &str) -> String {
    // Request ids are client-chosen text; KV keys allow a narrow alphabet,
    // so the id is hashed. The operation keeps ids of different RPCs apart,
    // the caller those of different callers: one caller's request id never
    // refuses, nor answers, another's. The caller's length comes first, so
    // no two pairs of caller and id hash the same bytes.
    let mut hasher = Sha256::new();
    hasher.update((caller.len() as u64).to_be_bytes());
    hasher.update(caller.as_bytes());
    hasher.update(request_id.as_bytes());
    format!("{operation}.{}", crate::hex(&hasher.finalize()))
}

fn kv_error(err: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> BusError {
    BusError::new(BusErrorKind::Unavailable, err)
}

impl RequestLedger {
    /// Opens (creating if needed) the ledger in `bucket`.
    pub async fn open(bus: &Bus, bucket: &str) -> Result<Self, BusError> {
        let store = bus.ensure_kv(bucket, 1).await?;
        Ok(Self {
            bus: bus.clone(),
            store,
        })
    }

    /// Names a request of `caller` (the token's subject) for the ledger;
    /// reads and writes nothing. The request id is recorded on the current
    /// span (the RPC's `request_id` field), so every log line of the
    /// request carries it.
    pub fn attempt(
        &self,
        operation: &str,
        caller: &str,
        request_id: &str,
        fingerprint: Vec<u8>,
    ) -> Attempt {
        tracing::Span::current().record("request_id", request_id);
        Attempt {
            operation: operation.to_string(),
            key: key(operation, caller, request_id),
            fingerprint,
        }
    }

    /// What an earlier attempt of this request stored: `None` when the
    /// request is new (decide it, or give the decision's refusal), else its
    /// event, published now if the earlier attempt died before publishing.
    pub async fn earlier(
        &self,
        attempt: &Attempt,
        trace: Option<&TraceContext>,
    ) -> Result<Option<Stored>, LedgerError> {
        match self.lookup(&attempt.key, &attempt.fingerprint).await? {
            Lookup::Absent => Ok(None),
            found => {
                answered_from_ledger(&attempt.operation);
                self.resume(&attempt.key, found, trace).await.map(Some)
            }
        }
    }

    /// Carries out a decision: records and publishes the event it
    /// prepared, or, when it refused, gives the event of an earlier attempt
    /// of the same request instead (a repeat is usually refused only
    /// because its own first attempt moved the record on), and the refusal
    /// when there is none.
    pub async fn carry_out<E: From<LedgerError>>(
        &self,
        attempt: &Attempt,
        decided: Result<Prepared, E>,
        trace: Option<&TraceContext>,
    ) -> Result<Stored, E> {
        match decided {
            Ok(prepared) => Ok(self.record_and_publish(attempt, prepared, trace).await?),
            Err(refusal) => self.earlier(attempt, trace).await?.ok_or(refusal),
        }
    }

    /// Records `prepared` under the request, then publishes it; see the
    /// module doc. A request recorded meanwhile by a concurrent attempt
    /// follows that attempt instead.
    pub async fn record_and_publish(
        &self,
        attempt: &Attempt,
        prepared: Prepared,
        trace: Option<&TraceContext>,
    ) -> Result<Stored, LedgerError> {
        let key = attempt.key.as_str();
        let entry = Entry::pending(attempt.fingerprint.clone(), &prepared);
        let revision = match self
            .store
            .create(key, Bytes::from(entry.encode_to_vec()))
            .await
        {
            Ok(revision) => revision,
            Err(err) if err.kind() == kv::CreateErrorKind::AlreadyExists => {
                // A repeat, or a concurrent call with the same request id:
                // follow whatever was recorded.
                let found = self.lookup(key, &entry.fingerprint).await?;
                return self.resume(key, found, trace).await;
            }
            Err(err) => return Err(kv_error(err).into()),
        };
        let event = prepared.event;
        match self.publish(&entry, &event, trace).await {
            Ok(published) => {
                if entry.expect_sequence.is_none() {
                    self.record_sequence(key, entry, published.sequence).await;
                }
                Ok(Stored { event, published })
            }
            Err(err) => {
                if matches!(err, LedgerError::Refused(_)) {
                    // Nothing was stored: forget the request, so the client
                    // can re-read and retry under the same id.
                    self.forget(key, revision).await;
                }
                Err(err)
            }
        }
    }

    /// Finishes a request found in the ledger: learns from the stream
    /// whether its event landed, and publishes it if it did not.
    async fn resume(
        &self,
        key: &str,
        found: Lookup,
        trace: Option<&TraceContext>,
    ) -> Result<Stored, LedgerError> {
        let (entry, revision) = match found {
            Lookup::Answered(_) => {
                return Err(BusError::new(
                    BusErrorKind::Malformed,
                    "request record holds an answer where an event was expected",
                )
                .into());
            }
            Lookup::Pending(entry, revision) => (entry, revision),
            // Forgotten between two reads by an attempt that stored nothing.
            Lookup::Absent => return Err(conflict()),
        };
        let event = decode_event(&entry.event)?;
        let Some(after) = entry.expect_sequence else {
            if let Some(sequence) = entry.published_sequence {
                let published = Published {
                    sequence,
                    duplicate: true,
                };
                return Ok(Stored { event, published });
            }
            // No place on the stream to look: publish again, which the
            // duplicate window makes a no-op if it landed, and keep where it
            // was stored this time.
            let published = self.publish(&entry, &event, trace).await?;
            self.record_sequence(key, entry, published.sequence).await;
            return Ok(Stored { event, published });
        };
        // Twice at most: a publish that loses to a concurrent attempt of the
        // same request finds that attempt's event on the second look.
        for _ in 0..2 {
            match self.bus.first_message_after(&entry.subject, after).await? {
                Some(stored) if stored.message_id() == Some(event.id.as_str()) => {
                    let published = Published {
                        sequence: stored.sequence,
                        duplicate: true,
                    };
                    return Ok(Stored { event, published });
                }
                Some(_) => {
                    // Another event took the place this one expected, so it
                    // was never stored and never will be.
                    self.forget(key, revision).await;
                    return Err(conflict());
                }
                None => match self.publish(&entry, &event, trace).await {
                    Ok(published) => return Ok(Stored { event, published }),
                    Err(LedgerError::Refused(_)) => continue,
                    Err(err) => return Err(err),
                },
            }
        }
        Err(conflict())
    }

    async fn publish(
        &self,
        entry: &Entry,
        event: &Event,
        trace: Option<&TraceContext>,
    ) -> Result<Published, LedgerError> {
        match self
            .bus
            .publish_encoded(
                &entry.subject,
                &event.id,
                &event.r#type,
                entry.event.clone(),
                entry.expect(),
                trace,
            )
            .await
        {
            Ok(published) => Ok(published),
            Err(err) if err.kind() == BusErrorKind::Conflict => Err(conflict()),
            Err(err) => Err(LedgerError::Bus(err)),
        }
    }

    /// Keeps where an unconditional publish was stored: its event has no
    /// place on the stream to be found again (see [`RequestLedger::resume`]).
    async fn record_sequence(&self, key: &str, pending: Entry, sequence: u64) {
        let done = Entry {
            published_sequence: Some(sequence),
            ..pending
        };
        if let Err(err) = self.store.put(key, Bytes::from(done.encode_to_vec())).await {
            // The event is stored; the retry resumes the pending entry and the
            // bus recognizes the event, so the answer is the same.
            tracing::warn!(error = %err, "could not record the publish; a retry will resume");
        }
    }

    /// Drops the record of a request that stored nothing, unless another
    /// attempt of the same request changed it meanwhile.
    async fn forget(&self, key: &str, revision: u64) {
        if let Err(err) = self.store.purge_expect_revision(key, Some(revision)).await {
            tracing::debug!(error = %err, "request record changed; left to its newer attempt");
        }
    }

    /// The stored answer to `caller`'s `request_id`, for a request that publishes no
    /// event of its own (or one it may not need, such as a compile whose
    /// content is unchanged). `None` when the request is new.
    pub async fn recall<R: Message + Default>(
        &self,
        operation: &str,
        caller: &str,
        request_id: &str,
        fingerprint: &[u8],
    ) -> Result<Option<R>, LedgerError> {
        match self
            .lookup(&key(operation, caller, request_id), fingerprint)
            .await?
        {
            Lookup::Answered(bytes) => {
                answered_from_ledger(operation);
                R::decode(bytes.as_slice()).map(Some).map_err(|e| {
                    BusError::about(BusErrorKind::Malformed, "stored answer", e).into()
                })
            }
            Lookup::Absent | Lookup::Pending(..) => Ok(None),
        }
    }

    /// Stores the answer to `request_id` (see [`RequestLedger::recall`]).
    /// Keeps the first answer if one is already stored.
    pub async fn remember<R: Message>(
        &self,
        operation: &str,
        caller: &str,
        request_id: &str,
        fingerprint: Vec<u8>,
        answer: &R,
    ) -> Result<(), LedgerError> {
        let entry = Entry {
            fingerprint,
            subject: String::new(),
            event: Vec::new(),
            expect_sequence: None,
            answer: Some(answer.encode_to_vec()),
            published_sequence: None,
        };
        match self
            .store
            .create(
                key(operation, caller, request_id),
                Bytes::from(entry.encode_to_vec()),
            )
            .await
        {
            Ok(_) => Ok(()),
            Err(err) if err.kind() == kv::CreateErrorKind::AlreadyExists => Ok(()),
            Err(err) => Err(kv_error(err).into()),
        }
    }

    async fn lookup(&self, key: &str, fingerprint: &[u8]) -> Result<Lookup, LedgerError> {
        let found = self.store.entry(key).await.map_err(kv_error)?;
        let Some(found) = found.filter(|e| e.operation == kv::Operation::Put) else {
            return Ok(Lookup::Absent);
        };
        let entry = Entry::decode(found.value)
            .map_err(|e| BusError::about(BusErrorKind::Malformed, "request record", e))?;
        if entry.fingerprint != fingerprint {
            return Err(Refusal::invalid(
                "request_id",
                "was already used for a different request; use a new request_id",
            )
            .into());
        }
        Ok(match entry.answer {
            Some(answer) => Lookup::Answered(answer),
            None => Lookup::Pending(entry, found.revision),
        })
    }
}

enum Lookup {
    Absent,
    /// Recorded, with the bucket revision of the record.
    Pending(Entry, u64),
    Answered(Vec<u8>),
}
