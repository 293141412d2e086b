//! The record of requests: request id -> what the request did,
//! kept in a KV bucket owned by the service, so the same request id returns
//! the first answer and writes nothing new however much later it comes
//! back. The JetStream duplicate window (minutes) is only a second line of
//! defence.
//!
//! A request goes through [`RequestLedger::run`], which writes twice: the
//! request record, then the event.
//! 1. `prepare` validates the request against the record's current state
//!    and builds the event to publish with the expectation of the subject's
//!    last sequence it saw. A refusal is checked against the ledger before
//!    it is returned: a repeat of an answered request is usually refused
//!    only because its own first attempt moved the record on.
//! 2. The event is recorded under the request id *before* it is published,
//!    so a crash between publish and answer is resumed by the retry with the
//!    very same event (same id, same expectation), which the bus stores once.
//! 3. The event is published; a failed expectation stores nothing and
//!    forgets the request.
//! 4. The answer is not written back: a publish that expected sequence `s`
//!    can only have been stored as the subject's first message after `s`,
//!    so a repeated request reads that one message to learn whether its
//!    event landed and what the answer was. Only an unconditional publish,
//!    which has no such place, stores its answer.

use async_nats::jetstream::kv;
use bytes::Bytes;
use imrf_proto::v1::Event;
use prost::Message;
use sha2::{Digest, Sha256};

use super::{Bus, BusError, BusErrorKind, Expect, Published, decode_event};
use crate::error::ServiceError;
use crate::telemetry::TraceContext;

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
    /// The encoded answer, once there is one.
    #[prost(bytes = "vec", optional, tag = "5")]
    answer: Option<Vec<u8>>,
}

/// An event ready to publish, with the answer to give once it is stored.
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
        }
    }

    fn expect(&self) -> Expect {
        self.expect_sequence
            .map_or(Expect::Any, Expect::LastSubjectSequence)
    }
}

fn conflict() -> ServiceError {
    ServiceError::Aborted(
        "the record changed since the expected revision; read it again and resubmit".into(),
    )
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

fn key(operation: &str, request_id: &str) -> String {
    // Request ids are client-chosen text; KV keys allow a narrow alphabet,
    // so the id is hashed. The operation keeps ids of different RPCs apart.
    let digest = Sha256::digest(request_id.as_bytes());
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("{operation}.{hex}")
}

fn kv_error(err: impl std::fmt::Display) -> BusError {
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

    /// Runs one state-changing request exactly once; see the module doc.
    ///
    /// `prepare` runs before the ledger is read, so whatever it does besides
    /// reading must be harmless for a repeated request (see
    /// [`RequestLedger::run_with_effects`]). It may read the record's state
    /// from a read model that lags the stream: the publish's expectation
    /// refuses a stale read with ABORTED and stores nothing, and the caller
    /// may then run again on the stream's word. `answer` builds the reply
    /// from the stored event and its publish outcome; it runs on first
    /// success and on a resumed retry, so it must depend on nothing but
    /// them.
    pub async fn run<R, P, A>(
        &self,
        operation: &str,
        request_id: &str,
        fingerprint: Vec<u8>,
        trace: Option<&TraceContext>,
        prepare: P,
        answer: A,
    ) -> Result<R, ServiceError>
    where
        R: Message + Default,
        P: AsyncFnOnce() -> Result<Prepared, ServiceError>,
        A: FnOnce(&Event, Published) -> R,
    {
        self.fresh(
            &key(operation, request_id),
            fingerprint,
            trace,
            prepare,
            answer,
            true,
        )
        .await
    }

    /// Prepares, records and publishes a request not known to be in the
    /// ledger. `refusal_may_be_a_repeat` says whether a refusal must first
    /// be checked against the ledger (not when the caller just did).
    async fn fresh<R, P, A>(
        &self,
        key: &str,
        fingerprint: Vec<u8>,
        trace: Option<&TraceContext>,
        prepare: P,
        answer: A,
        refusal_may_be_a_repeat: bool,
    ) -> Result<R, ServiceError>
    where
        R: Message + Default,
        P: AsyncFnOnce() -> Result<Prepared, ServiceError>,
        A: FnOnce(&Event, Published) -> R,
    {
        let prepared = match prepare().await {
            Ok(prepared) => prepared,
            Err(refusal) if refusal_may_be_a_repeat => {
                return match self.lookup(key, &fingerprint).await? {
                    Lookup::Absent => Err(refusal),
                    found => self.resume(key, found, trace, answer).await,
                };
            }
            Err(refusal) => return Err(refusal),
        };
        let entry = Entry::pending(fingerprint, &prepared);
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
                return self.resume(key, found, trace, answer).await;
            }
            Err(err) => return Err(ServiceError::Unavailable(kv_error(err))),
        };
        let event = prepared.event;
        match self.publish(&entry, &event, trace).await {
            Ok(published) => {
                let reply = answer(&event, published);
                if entry.expect_sequence.is_none() {
                    self.record_answer(key, entry, &reply).await;
                }
                Ok(reply)
            }
            Err(err) => {
                if matches!(err, ServiceError::Aborted(_)) {
                    // Nothing was stored: forget the request, so the client
                    // can re-read and retry under the same id.
                    self.forget(key, revision).await;
                }
                Err(err)
            }
        }
    }

    /// [`RequestLedger::run`] for a `prepare` that writes something of its
    /// own (a contact stored before the event that refers to it), which a
    /// repeated request must not write again: the ledger is read first, and
    /// `prepare` runs only for a new request.
    pub async fn run_with_effects<R, P, A>(
        &self,
        operation: &str,
        request_id: &str,
        fingerprint: Vec<u8>,
        trace: Option<&TraceContext>,
        prepare: P,
        answer: A,
    ) -> Result<R, ServiceError>
    where
        R: Message + Default,
        P: AsyncFnOnce() -> Result<Prepared, ServiceError>,
        A: FnOnce(&Event, Published) -> R,
    {
        let key = key(operation, request_id);
        match self.lookup(&key, &fingerprint).await? {
            Lookup::Absent => {
                self.fresh(&key, fingerprint, trace, prepare, answer, false)
                    .await
            }
            found => self.resume(&key, found, trace, answer).await,
        }
    }

    /// Finishes a request found in the ledger: returns its answer, or
    /// learns from the stream whether its event landed and publishes it if
    /// it did not.
    async fn resume<R, A>(
        &self,
        key: &str,
        found: Lookup,
        trace: Option<&TraceContext>,
        answer: A,
    ) -> Result<R, ServiceError>
    where
        R: Message + Default,
        A: FnOnce(&Event, Published) -> R,
    {
        let (entry, revision) = match found {
            Lookup::Answered(bytes) => {
                return R::decode(bytes.as_slice())
                    .map_err(|e| ServiceError::Internal(format!("stored answer: {e}")));
            }
            Lookup::Pending(entry, revision) => (entry, revision),
            // Forgotten between two reads by an attempt that stored nothing.
            Lookup::Absent => return Err(conflict()),
        };
        let event = decode_event(&entry.event)
            .map_err(|e| ServiceError::Internal(format!("pending event: {e}")))?;
        let Some(after) = entry.expect_sequence else {
            // No place on the stream to look: publish again, which the
            // duplicate window makes a no-op if it landed, and keep the
            // answer this time.
            let published = self.publish(&entry, &event, trace).await?;
            let reply = answer(&event, published);
            self.record_answer(key, entry, &reply).await;
            return Ok(reply);
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
                    return Ok(answer(&event, published));
                }
                Some(_) => {
                    // Another event took the place this one expected, so it
                    // was never stored and never will be.
                    self.forget(key, revision).await;
                    return Err(conflict());
                }
                None => match self.publish(&entry, &event, trace).await {
                    Ok(published) => return Ok(answer(&event, published)),
                    Err(ServiceError::Aborted(_)) => continue,
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
    ) -> Result<Published, ServiceError> {
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
            Err(err) => Err(err.into()),
        }
    }

    /// Keeps the answer of a request whose event has no place on its stream
    /// to be found again (see [`RequestLedger::resume`]).
    async fn record_answer<R: Message>(&self, key: &str, pending: Entry, reply: &R) {
        let done = Entry {
            answer: Some(reply.encode_to_vec()),
            event: Vec::new(),
            ..pending
        };
        if let Err(err) = self.store.put(key, Bytes::from(done.encode_to_vec())).await {
            // The event is stored; the retry resumes the pending entry and the
            // bus recognizes the event, so the answer is the same.
            tracing::warn!(error = %err, "could not record answer; a retry will resume");
        }
    }

    /// Drops the record of a request that stored nothing, unless another
    /// attempt of the same request changed it meanwhile.
    async fn forget(&self, key: &str, revision: u64) {
        if let Err(err) = self.store.purge_expect_revision(key, Some(revision)).await {
            tracing::debug!(error = %err, "request record changed; left to its newer attempt");
        }
    }

    /// The stored answer to `request_id`, for a request that publishes no
    /// event of its own (or one it may not need, such as a compile whose
    /// content is unchanged). `None` when the request is new.
    pub async fn recall<R: Message + Default>(
        &self,
        operation: &str,
        request_id: &str,
        fingerprint: &[u8],
    ) -> Result<Option<R>, ServiceError> {
        match self
            .lookup(&key(operation, request_id), fingerprint)
            .await?
        {
            Lookup::Answered(bytes) => R::decode(bytes.as_slice())
                .map(Some)
                .map_err(|e| ServiceError::Internal(format!("stored answer: {e}"))),
            Lookup::Absent | Lookup::Pending(..) => Ok(None),
        }
    }

    /// Stores the answer to `request_id` (see [`RequestLedger::recall`]).
    /// Keeps the first answer if one is already stored.
    pub async fn remember<R: Message>(
        &self,
        operation: &str,
        request_id: &str,
        fingerprint: Vec<u8>,
        answer: &R,
    ) -> Result<(), ServiceError> {
        let entry = Entry {
            fingerprint,
            subject: String::new(),
            event: Vec::new(),
            expect_sequence: None,
            answer: Some(answer.encode_to_vec()),
        };
        match self
            .store
            .create(
                key(operation, request_id),
                Bytes::from(entry.encode_to_vec()),
            )
            .await
        {
            Ok(_) => Ok(()),
            Err(err) if err.kind() == kv::CreateErrorKind::AlreadyExists => Ok(()),
            Err(err) => Err(ServiceError::Unavailable(kv_error(err))),
        }
    }

    async fn lookup(&self, key: &str, fingerprint: &[u8]) -> Result<Lookup, ServiceError> {
        let found = self
            .store
            .entry(key)
            .await
            .map_err(|e| ServiceError::Unavailable(kv_error(e)))?;
        let Some(found) = found.filter(|e| e.operation == kv::Operation::Put) else {
            return Ok(Lookup::Absent);
        };
        let entry = Entry::decode(found.value)
            .map_err(|e| ServiceError::Internal(format!("request record: {e}")))?;
        if entry.fingerprint != fingerprint {
            return Err(ServiceError::invalid(
                "request_id",
                "was already used for a different request; use a new request_id",
            ));
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
