//! The event bus: NATS JetStream as the system of record. Connecting with
//! retry, creating streams and buckets idempotently, publishing an event
//! exactly once, reading a stream to its end, and the building blocks in
//! [`ledger`] (answered requests) and [`consumer`] (durable consumers).

pub mod backup;
pub mod config;
pub mod consumer;
mod error;
pub mod follow;
pub mod ledger;
pub mod names;
pub mod trace;

use std::time::Duration;

use async_nats::jetstream::{self, context::PublishErrorKind, message::PublishMessage, stream};
use async_nats::{HeaderMap, jetstream::consumer as js_consumer};
use futures::StreamExt;
use imrf_proto::v1::Event;
use prost::Message as _;
use tokio::sync::watch;

pub use error::{BusError, BusErrorKind};

use crate::config::BusConfig;
use crate::trace::TraceContext;
use names::{StreamSpec, header};

/// What a publish expects of the subject's history (optimistic concurrency).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    /// No expectation.
    Any,
    /// The subject's last message has this stream sequence; 0 means the
    /// subject has no message yet.
    LastSubjectSequence(u64),
}

/// The outcome of a publish.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Published {
    /// Stream sequence of the stored event.
    pub sequence: u64,
    /// True when the event was already stored (a retried publish).
    pub duplicate: bool,
}

/// A connection to NATS with its JetStream context.
#[derive(Debug, Clone)]
pub struct Bus {
    client: async_nats::Client,
    jetstream: jetstream::Context,
    config: BusConfig,
    connected: watch::Receiver<bool>,
}

impl Bus {
    /// Connects to `config.nats_url`, retrying until `config.connect_timeout`
    /// passes. Once connected, the client reconnects by itself for ever;
    /// [`Bus::connected`] follows the connection state.
    pub async fn connect(config: &BusConfig, client_name: &str) -> Result<Self, BusError> {
        let (state_tx, state_rx) = watch::channel(false);
        let state_tx = std::sync::Arc::new(state_tx);
        let deadline = tokio::time::Instant::now() + config.connect_timeout;
        let mut delay = Duration::from_millis(50);
        let password = match &config.password_file {
            Some(path) => Some(
                std::fs::read_to_string(path)
                    .map(|p| p.trim().to_string())
                    .map_err(|e| {
                        BusError::about(
                            BusErrorKind::Setup,
                            &format!("NATS password file {}", path.display()),
                            e,
                        )
                    })?,
            ),
            None => None,
        };
        let client = loop {
            let events = state_tx.clone();
            // Replies come to an inbox of this client's own (its NATS user,
            // else its name), which the user's permissions let only it
            // subscribe to: no other service reads what it is answered.
            let inbox = format!("_INBOX.{}", config.user.as_deref().unwrap_or(client_name));
            let mut options = async_nats::ConnectOptions::new().custom_inbox_prefix(inbox);
            if let Some(user) = &config.user {
                options =
                    options.user_and_password(user.clone(), password.clone().unwrap_or_default());
            }
            if let Some(ca) = &config.nats_tls_ca_file {
                options = options.require_tls(true).add_root_certificates(ca.clone());
            }
            if let (Some(cert), Some(key)) = (&config.nats_tls_cert_file, &config.nats_tls_key_file)
            {
                options = options.add_client_certificate(cert.clone(), key.clone());
            }
            let options = options
                .name(client_name)
                .connection_timeout(Duration::from_secs(2))
                .max_reconnects(None)
                .event_callback(move |event| {
                    let events = events.clone();
                    async move {
                        match event {
                            async_nats::Event::Connected => {
                                tracing::info!("nats connected");
                                events.send_replace(true);
                            }
                            async_nats::Event::Disconnected => {
                                tracing::warn!("nats disconnected");
                                events.send_replace(false);
                            }
                            other => tracing::debug!(event = %other, "nats event"),
                        }
                    }
                });
            // A cluster is given as a comma-separated list of its nodes.
            let servers: Vec<&str> = config.nats_url.split(',').map(str::trim).collect();
            match options.connect(servers.as_slice()).await {
                Ok(client) => break client,
                Err(err) if tokio::time::Instant::now() + delay < deadline => {
                    tracing::debug!(error = %err, url = %config.nats_url, "nats not reachable yet; retrying");
                    tokio::time::sleep(delay).await;
                    delay = (delay * 2).min(Duration::from_secs(2));
                }
                Err(err) => {
                    return Err(BusError::about(
                        BusErrorKind::Unavailable,
                        &format!("cannot connect to {}", config.nats_url),
                        err,
                    ));
                }
            }
        };
        state_tx.send_replace(true);
        let jetstream = jetstream::ContextBuilder::new()
            .timeout(config.request_timeout)
            .build(client.clone());
        Ok(Self {
            client,
            jetstream,
            config: config.clone(),
            connected: state_rx,
        })
    }

    /// The core NATS client.
    pub fn client(&self) -> &async_nats::Client {
        &self.client
    }

    /// The JetStream context.
    pub fn jetstream(&self) -> &jetstream::Context {
        &self.jetstream
    }

    /// The settings the bus was opened with.
    pub fn config(&self) -> &BusConfig {
        &self.config
    }

    /// Follows the connection state: true while connected.
    pub fn connected(&self) -> watch::Receiver<bool> {
        self.connected.clone()
    }

    fn storage(&self) -> jetstream::stream::StorageType {
        if self.config.memory_storage {
            jetstream::stream::StorageType::Memory
        } else {
            jetstream::stream::StorageType::File
        }
    }

    /// Creates `spec`'s stream, or updates it to the configured settings.
    pub async fn ensure_stream(&self, spec: &StreamSpec) -> Result<stream::Stream, BusError> {
        let config = stream::Config {
            name: spec.name.to_string(),
            subjects: spec.subjects.iter().map(|s| s.to_string()).collect(),
            description: Some(spec.description.to_string()),
            storage: self.storage(),
            num_replicas: self.config.replicas,
            duplicate_window: self.config.duplicate_window,
            // The record streams keep everything; a derived one, and the
            // parked messages, the last few per subject. No client deletes
            // a message.
            max_messages_per_subject: spec.keep_per_subject.unwrap_or(-1),
            deny_delete: true,
            allow_direct: true,
            ..Default::default()
        };
        match self.jetstream.get_stream(spec.name).await {
            Ok(existing) => {
                let current = existing.cached_info().config.clone();
                if current.subjects == config.subjects
                    && current.duplicate_window == config.duplicate_window
                    && current.num_replicas == config.num_replicas
                    && current.max_messages_per_subject == config.max_messages_per_subject
                {
                    return Ok(existing);
                }
                self.jetstream
                    .update_stream(config)
                    .await
                    .map_err(|e| setup_error(spec.name, e))?;
                self.jetstream
                    .get_stream(spec.name)
                    .await
                    .map_err(|e| setup_error(spec.name, e))
            }
            Err(_) => self
                .jetstream
                .get_or_create_stream(config)
                .await
                .map_err(|e| setup_error(spec.name, e)),
        }
    }

    /// Creates (or opens) a key-value bucket.
    pub async fn ensure_kv(
        &self,
        bucket: &str,
        history: i64,
    ) -> Result<jetstream::kv::Store, BusError> {
        if let Ok(store) = self.jetstream.get_key_value(bucket).await {
            return Ok(store);
        }
        self.jetstream
            .create_key_value(jetstream::kv::Config {
                bucket: bucket.to_string(),
                history,
                storage: self.storage(),
                num_replicas: self.config.replicas,
                ..Default::default()
            })
            .await
            .map_err(|e| setup_error(bucket, e))
    }

    /// Creates (or opens) an object-store bucket.
    pub async fn ensure_object_store(
        &self,
        bucket: &str,
    ) -> Result<jetstream::object_store::ObjectStore, BusError> {
        if let Ok(store) = self.jetstream.get_object_store(bucket).await {
            return Ok(store);
        }
        self.jetstream
            .create_object_store(jetstream::object_store::Config {
                bucket: bucket.to_string(),
                // The object stores hold drafts, text and XML, which S2
                // shrinks several times over at a cost in CPU the compiles
                // do not notice.
                compression: !self.config.memory_storage,
                storage: self.storage(),
                num_replicas: self.config.replicas,
                ..Default::default()
            })
            .await
            .map_err(|e| setup_error(bucket, e))
    }

    /// Publishes `event` on `subject` and waits for JetStream's ack.
    ///
    /// The event id is the `Nats-Msg-Id`, so a retry within the duplicate
    /// window is stored once. With [`Expect::LastSubjectSequence`], a
    /// publish that finds the subject moved on fails with
    /// [`BusErrorKind::Conflict`] — unless the message it lost to is this
    /// very event (a retry after the window), which counts as a duplicate.
    pub async fn publish_event(
        &self,
        subject: &str,
        event: &Event,
        expect: Expect,
        trace: Option<&TraceContext>,
    ) -> Result<Published, BusError> {
        self.publish_encoded(
            subject,
            &event.id,
            &event.r#type,
            event.encode_to_vec(),
            expect,
            trace,
        )
        .await
    }

    /// [`Bus::publish_event`] for an event already encoded.
    pub async fn publish_encoded(
        &self,
        subject: &str,
        event_id: &str,
        event_type: &str,
        payload: Vec<u8>,
        expect: Expect,
        trace: Option<&TraceContext>,
    ) -> Result<Published, BusError> {
        let mut message = PublishMessage::build()
            .payload(payload.into())
            .message_id(event_id)
            .header(header::EVENT_TYPE, event_type);
        if let Some(trace) = trace {
            message = message.header(header::TRACEPARENT, trace.to_traceparent().as_str());
        }
        if let Expect::LastSubjectSequence(sequence) = expect {
            message = message.expected_last_subject_sequence(sequence);
        }
        let ack = self
            .jetstream
            .send_publish(subject.to_string(), message)
            .await
            .map_err(publish_error)?
            .await;
        match ack {
            Ok(ack) => Ok(Published {
                sequence: ack.sequence,
                duplicate: ack.duplicate,
            }),
            Err(err) if err.kind() == PublishErrorKind::WrongLastSequence => {
                match self.last_message_id(subject).await? {
                    Some((id, sequence)) if id == event_id => Ok(Published {
                        sequence,
                        duplicate: true,
                    }),
                    _ => Err(BusError::new(
                        BusErrorKind::Conflict,
                        format!("{subject} has moved on"),
                    )),
                }
            }
            Err(err) => Err(publish_error(err)),
        }
    }

    /// The last message on `subject`, read from the stream itself (never
    /// from a read model that may lag): what a conditional write builds on.
    pub async fn last_message(&self, subject: &str) -> Result<Option<Delivered>, BusError> {
        let stream = self.stream_of(subject).await?;
        found(stream.get_last_raw_message_by_subject(subject).await)
    }

    /// The first message on `subject` after stream sequence `after`, read
    /// from the stream leader. A publish that expected `after` as the
    /// subject's last sequence can only have been stored as this message,
    /// which is how a retried request learns whether its event landed.
    pub async fn first_message_after(
        &self,
        subject: &str,
        after: u64,
    ) -> Result<Option<Delivered>, BusError> {
        let stream = self.stream_of(subject).await?;
        found(
            stream
                .get_first_raw_message_by_subject(subject, after + 1)
                .await,
        )
    }

    async fn stream_of(&self, subject: &str) -> Result<stream::Stream<()>, BusError> {
        let stream_name = match names::stream_of(subject) {
            Some(spec) => spec.name.to_string(),
            None => self
                .jetstream
                .stream_by_subject(subject)
                .await
                .map_err(|e| BusError::new(BusErrorKind::Unavailable, e))?,
        };
        self.jetstream
            .get_stream_no_info(stream_name)
            .await
            .map_err(|e| BusError::new(BusErrorKind::Other, e))
    }

    /// The `Nats-Msg-Id` and sequence of the last message on `subject`.
    async fn last_message_id(&self, subject: &str) -> Result<Option<(String, u64)>, BusError> {
        Ok(self.last_message(subject).await?.map(|message| {
            let id = message.message_id().unwrap_or_default().to_string();
            (id, message.sequence)
        }))
    }

    /// Stream sequence of the last message on `subject`, 0 when none, read
    /// with a direct get: the request names the subject in its own subject
    /// (`$JS.API.DIRECT.GET.<stream>.<subject>`), so a service the NATS
    /// permissions allow to read only some subjects of a stream can use it.
    /// Any replica may answer; for reads that need no write to build on.
    pub async fn last_sequence_on(&self, subject: &str) -> Result<u64, BusError> {
        let stream = self.stream_of(subject).await?;
        match stream.direct_get_last_for_subject(subject).await {
            Ok(message) => Ok(message.sequence),
            Err(err)
                if err.kind() == async_nats::jetstream::stream::DirectGetErrorKind::NotFound =>
            {
                Ok(0)
            }
            Err(err) => Err(BusError::new(BusErrorKind::Unavailable, err)),
        }
    }

    /// Stream sequence of the last message on `subject`; 0 when none. This is
    /// the value an optimistic-concurrency publish expects.
    pub async fn last_subject_sequence(&self, subject: &str) -> Result<u64, BusError> {
        Ok(self
            .last_message_id(subject)
            .await?
            .map_or(0, |(_, sequence)| sequence))
    }

    /// Reads every message of `stream` matching `filter_subjects`, from the
    /// first to the last one present when the call starts, and hands each to
    /// `apply` in order. Ends on the stream's own count of pending messages,
    /// never on a read timeout, so history is never silently cut short.
    /// Returns the number of messages read.
    pub async fn replay<F>(
        &self,
        stream: &str,
        filter_subjects: &[&str],
        mut apply: F,
    ) -> Result<u64, BusError>
    where
        F: FnMut(Delivered) -> Result<(), BusError>,
    {
        let stream = self
            .jetstream
            .get_stream(stream)
            .await
            .map_err(|e| setup_error(stream, e))?;
        let consumer = stream
            .create_consumer(js_consumer::pull::OrderedConfig {
                filter_subjects: filter_subjects.iter().map(|s| s.to_string()).collect(),
                deliver_policy: js_consumer::DeliverPolicy::All,
                ..Default::default()
            })
            .await
            .map_err(|e| setup_error("replay consumer", e))?;
        let mut consumer = consumer;
        let pending = consumer
            .info()
            .await
            .map_err(|e| BusError::new(BusErrorKind::Unavailable, e))?
            .num_pending;
        if pending == 0 {
            return Ok(0);
        }
        let mut messages = consumer
            .messages()
            .await
            .map_err(|e| BusError::new(BusErrorKind::Unavailable, e))?;
        let mut read = 0;
        while let Some(message) = messages.next().await {
            let message = message.map_err(|e| BusError::new(BusErrorKind::Unavailable, e))?;
            let info = message
                .info()
                .map_err(|e| BusError::new(BusErrorKind::Malformed, e))?;
            let remaining = info.pending;
            let sequence = info.stream_sequence;
            read += 1;
            apply(Delivered {
                subject: message.subject.to_string(),
                sequence,
                headers: message.headers.clone().unwrap_or_default(),
                payload: message.payload.clone(),
            })?;
            if remaining == 0 {
                break;
            }
        }
        Ok(read)
    }
}

/// A message read from a stream.
#[derive(Debug, Clone)]
pub struct Delivered {
    /// Its subject.
    pub subject: String,
    /// Its stream sequence.
    pub sequence: u64,
    /// Its headers.
    pub headers: HeaderMap,
    /// Its payload (an encoded [`Event`]).
    pub payload: bytes::Bytes,
}

impl Delivered {
    /// Decodes the payload as an [`Event`].
    pub fn event(&self) -> Result<Event, BusError> {
        decode_event(&self.payload)
    }

    /// The trace context the publisher attached, if any.
    pub fn trace(&self) -> Option<TraceContext> {
        self.headers
            .get(header::TRACEPARENT)
            .and_then(|v| TraceContext::parse(v.as_str()))
    }
}

fn found(
    read: Result<async_nats::jetstream::message::StreamMessage, stream::LastRawMessageError>,
) -> Result<Option<Delivered>, BusError> {
    match read {
        Ok(message) => Ok(Some(Delivered {
            subject: message.subject.to_string(),
            sequence: message.sequence,
            headers: message.headers,
            payload: message.payload,
        })),
        Err(err) if err.kind() == stream::LastRawMessageErrorKind::NoMessageFound => Ok(None),
        Err(err) => Err(BusError::new(BusErrorKind::Unavailable, err)),
    }
}

impl Delivered {
    /// The `Nats-Msg-Id` it was published with (the event id).
    pub fn message_id(&self) -> Option<&str> {
        self.headers
            .get(async_nats::header::NATS_MESSAGE_ID)
            .map(|v| v.as_str())
    }
}

/// Decodes an [`Event`] and checks it carries an id and a payload.
pub fn decode_event(bytes: &[u8]) -> Result<Event, BusError> {
    let event = Event::decode(bytes).map_err(|e| BusError::new(BusErrorKind::Malformed, e))?;
    if event.id.is_empty() || event.payload.is_none() {
        return Err(BusError::new(
            BusErrorKind::Malformed,
            "event without id or payload",
        ));
    }
    Ok(event)
}

fn setup_error(what: &str, err: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> BusError {
    BusError::about(BusErrorKind::Setup, what, err)
}

fn publish_error(err: async_nats::jetstream::context::PublishError) -> BusError {
    let kind = match err.kind() {
        PublishErrorKind::TimedOut
        | PublishErrorKind::BrokenPipe
        | PublishErrorKind::MaxAckPending
        | PublishErrorKind::StreamNotFound => BusErrorKind::Unavailable,
        PublishErrorKind::WrongLastSequence | PublishErrorKind::WrongLastMessageId => {
            BusErrorKind::Conflict
        }
        PublishErrorKind::MaxPayloadExceeded => BusErrorKind::TooLarge,
        PublishErrorKind::Other => BusErrorKind::Other,
    };
    BusError::new(kind, err)
}

/// A new event envelope with a fresh ULID id, stamped `occurred_at`.
pub fn new_event(
    r#type: &str,
    producer: &str,
    cycle_id: &str,
    occurred_at: std::time::SystemTime,
    payload: imrf_proto::v1::event::Payload,
) -> Event {
    Event {
        id: ulid::Ulid::from_datetime(occurred_at).to_string(),
        r#type: r#type.to_string(),
        occurred_at: Some(imrf_proto::timestamp(occurred_at)),
        cycle_id: cycle_id.to_string(),
        producer: producer.to_string(),
        request_id: String::new(),
        actor: String::new(),
        payload: Some(payload),
    }
}

/// An event that several replicas may derive from the same input (a timer
/// firing, an aggregate version, a draft): stamped `at`, with an id that is
/// a function of `at` and `key` ([`deterministic_ulid`]), so however many
/// replicas or restarts publish it, the bus stores it once.
pub fn derived_event(
    r#type: &str,
    producer: &str,
    cycle_id: &str,
    at: std::time::SystemTime,
    key: &str,
    payload: imrf_proto::v1::event::Payload,
) -> Event {
    Event {
        id: deterministic_ulid(at, key),
        ..new_event(r#type, producer, cycle_id, at, payload)
    }
}

/// Who acts on a request, and when: what every event the request causes
/// records of it.
#[derive(Debug, Clone, Copy)]
pub struct Acting<'a> {
    /// The caller's subject, recorded as the event's actor.
    pub actor: &'a str,
    /// The client's request id, recorded on the event.
    pub request_id: &'a str,
    /// Now, on the service's clock.
    pub now: std::time::SystemTime,
}

impl Acting<'_> {
    /// A new event caused by this request ([`new_event`] stamped now, with
    /// its actor and request id).
    pub fn event(
        &self,
        r#type: &str,
        producer: &str,
        cycle_id: &str,
        payload: imrf_proto::v1::event::Payload,
    ) -> Event {
        Event {
            request_id: self.request_id.to_string(),
            actor: self.actor.to_string(),
            ..new_event(r#type, producer, cycle_id, self.now, payload)
        }
    }
}

/// A ULID that is the same wherever it is computed: its time part is `at`
/// and its random part a hash of `key`. For events that several replicas
/// may derive from the same input (a timer firing, an aggregate version),
/// so the bus's deduplication stores them once.
pub fn deterministic_ulid(at: std::time::SystemTime, key: &str) -> String {
    use sha2::Digest;
    let millis = at
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX));
    let digest = sha2::Sha256::digest(key.as_bytes());
    let mut random = [0u8; 16];
    random[6..].copy_from_slice(&digest[..10]);
    ulid::Ulid::from_parts(millis, u128::from_be_bytes(random)).to_string()
}

/// Lower-case hex of `bytes` (digests in keys and manifests).
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
