//! The record of answered requests: request id -> first answer, kept in a KV
//! bucket owned by the service, so the same request id returns the first
//! answer and writes nothing new however much later it comes back. The
//! JetStream duplicate window (minutes) is only a second line of defence.
//!
//! A request goes through [`RequestLedger::run`]:
//! 1. an answered request id returns its stored answer at once;
//! 2. otherwise `prepare` validates the request against current state and
//!    builds the event to publish;
//! 3. the event is recorded as pending under the request id *before* it is
//!    published, so a crash between publish and answer is resumed by the
//!    retry with the very same event (same id, same expectation), which the
//!    bus stores once;
//! 4. once JetStream acked it, the answer replaces the pending entry.

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
    /// `answer` builds the reply from the stored event and its publish
    /// outcome; it runs on first success and on a resumed retry, so it must
    /// depend on nothing but them.
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
        let key = key(operation, request_id);
        let mut resumed = true;
        // The event as prepared, so a fresh attempt does not decode what it
        // has just encoded (a resumed one has only the stored bytes).
        let mut fresh_event = None;
        let pending = match self.lookup(&key, &fingerprint).await? {
            Lookup::Answered(bytes) => {
                return R::decode(bytes.as_slice())
                    .map_err(|e| ServiceError::Internal(format!("stored answer: {e}")));
            }
            Lookup::Pending(entry) => entry,
            Lookup::Absent => {
                let prepared = prepare().await?;
                resumed = false;
                let entry = Entry {
                    fingerprint: fingerprint.clone(),
                    subject: prepared.subject,
                    event: prepared.event.encode_to_vec(),
                    expect_sequence: match prepared.expect {
                        Expect::Any => None,
                        Expect::LastSubjectSequence(s) => Some(s),
                    },
                    answer: None,
                };
                match self
                    .store
                    .create(&key, Bytes::from(entry.encode_to_vec()))
                    .await
                {
                    Ok(_) => {
                        fresh_event = Some(prepared.event);
                        entry
                    }
                    Err(err) if err.kind() == kv::CreateErrorKind::AlreadyExists => {
                        // A concurrent call with the same request id won the
                        // race; follow whatever it recorded.
                        match self.lookup(&key, &fingerprint).await? {
                            Lookup::Answered(bytes) => {
                                return R::decode(bytes.as_slice()).map_err(|e| {
                                    ServiceError::Internal(format!("stored answer: {e}"))
                                });
                            }
                            Lookup::Pending(entry) => entry,
                            Lookup::Absent => {
                                return Err(ServiceError::Unavailable(kv_error(
                                    "request record vanished",
                                )));
                            }
                        }
                    }
                    Err(err) => return Err(ServiceError::Unavailable(kv_error(err))),
                }
            }
        };

        let event = match fresh_event {
            Some(event) => event,
            None => decode_event(&pending.event)
                .map_err(|e| ServiceError::Internal(format!("pending event: {e}")))?,
        };
        let expect = pending
            .expect_sequence
            .map_or(Expect::Any, Expect::LastSubjectSequence);
        let published = match self
            .bus
            .publish_encoded(
                &pending.subject,
                &event.id,
                &event.r#type,
                pending.event.clone(),
                expect,
                trace,
            )
            .await
        {
            Ok(published) => published,
            Err(err) if err.kind() == BusErrorKind::Conflict => {
                // The expectation no longer holds and the event was not
                // stored. A fresh attempt is forgotten, so the client can
                // re-read and retry; a resumed one stays, because its event
                // may have been stored before later changes buried it.
                if !resumed {
                    let _ = self.store.purge(&key).await;
                }
                return Err(ServiceError::Aborted(
                    "the record changed since the expected revision; read it again and resubmit"
                        .into(),
                ));
            }
            Err(err) => return Err(err.into()),
        };
        let reply = answer(&event, published);
        // The event is on the stream now; the record keeps only what a
        // repeated request needs (its fingerprint and the answer), a third
        // of the bytes written per submission.
        let done = Entry {
            answer: Some(reply.encode_to_vec()),
            event: Vec::new(),
            ..pending
        };
        if let Err(err) = self
            .store
            .put(&key, Bytes::from(done.encode_to_vec()))
            .await
        {
            // The event is stored; the retry resumes the pending entry and the
            // bus recognizes the event, so the answer is the same.
            tracing::warn!(error = %err, "could not record answer; a retry will resume");
        }
        Ok(reply)
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
            Lookup::Absent | Lookup::Pending(_) => Ok(None),
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
        let Some(bytes) = self
            .store
            .get(key)
            .await
            .map_err(|e| ServiceError::Unavailable(kv_error(e)))?
        else {
            return Ok(Lookup::Absent);
        };
        let entry = Entry::decode(bytes)
            .map_err(|e| ServiceError::Internal(format!("request record: {e}")))?;
        if entry.fingerprint != fingerprint {
            return Err(ServiceError::invalid(
                "request_id",
                "was already used for a different request; use a new request_id",
            ));
        }
        Ok(match entry.answer {
            Some(answer) => Lookup::Answered(answer),
            None => Lookup::Pending(entry),
        })
    }
}

enum Lookup {
    Absent,
    Pending(Entry),
    Answered(Vec<u8>),
}
