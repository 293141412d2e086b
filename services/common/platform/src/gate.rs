//! The gate every contract call passes before its handler: the bearer token
//! is verified (UNAUTHENTICATED), the role is checked against the
//! authorization table (PERMISSION_DENIED), submissions and reads are
//! rate-limited per caller, and calls beyond the concurrency limits (of the
//! service, and of each caller's share of it) are shed (RESOURCE_EXHAUSTED).
//! The request body is cut off at the RPC's size limit and must arrive
//! within a timeout (DEADLINE_EXCEEDED), and a server stream whose reader
//! stops taking data is ended, so no caller can hold the service's slots by
//! sending or reading nothing. A refused call never reaches a handler, so
//! nothing is stored. Health and reflection pass untouched: probes and
//! grpcurl need no token.

use std::collections::HashMap;
use std::future::Future as _;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body::{Body as HttpBody, Frame, SizeHint};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tonic::Status;
use tonic::body::Body;
use tonic_types::StatusExt as _;

use crate::auth::TokenVerifier;
use crate::authz::{Rpc, grant};

/// Limits of the gate.
#[derive(Debug, Clone, clap::Args)]
pub struct LimitsConfig {
    /// Calls served at once; more are refused with RESOURCE_EXHAUSTED at
    /// once rather than queued, so an overload cannot build a backlog.
    #[arg(
        long = "max-concurrent-calls",
        env = "IMRF_MAX_CONCURRENT_CALLS",
        default_value_t = LimitsConfig::DEFAULT.max_concurrent_calls
    )]
    pub max_concurrent_calls: usize,

    /// Server streams (WatchAggregate, GetDraft) open at once; each holds
    /// its slot until it closes, so watchers cannot crowd out other calls.
    #[arg(
        long = "max-open-streams",
        env = "IMRF_MAX_OPEN_STREAMS",
        default_value_t = LimitsConfig::DEFAULT.max_open_streams
    )]
    pub max_open_streams: usize,

    /// Submissions (calls that write) each caller may make per minute, on
    /// average.
    #[arg(
        long = "submissions-per-minute",
        env = "IMRF_SUBMISSIONS_PER_MINUTE",
        default_value_t = LimitsConfig::DEFAULT.submissions_per_minute
    )]
    pub submissions_per_minute: u32,

    /// Submissions a caller may make in a burst above that rate (a State
    /// importing a year of indicator values at once).
    #[arg(
        long = "submission-burst",
        env = "IMRF_SUBMISSION_BURST",
        default_value_t = LimitsConfig::DEFAULT.submission_burst
    )]
    pub submission_burst: u32,

    /// Calls one caller (token subject) may have served at once: its share
    /// of `max-concurrent-calls`, so no single caller can take them all.
    #[arg(
        long = "max-calls-per-caller",
        env = "IMRF_MAX_CALLS_PER_CALLER",
        default_value_t = LimitsConfig::DEFAULT.max_calls_per_caller
    )]
    pub max_calls_per_caller: usize,

    /// Server streams one caller may have open at once: its share of
    /// `max-open-streams`.
    #[arg(
        long = "max-streams-per-caller",
        env = "IMRF_MAX_STREAMS_PER_CALLER",
        default_value_t = LimitsConfig::DEFAULT.max_streams_per_caller
    )]
    pub max_streams_per_caller: usize,

    /// Reads (every call that does not write, streams included) each caller
    /// may make per minute, on average: higher than the submission rate.
    #[arg(
        long = "reads-per-minute",
        env = "IMRF_READS_PER_MINUTE",
        default_value_t = LimitsConfig::DEFAULT.reads_per_minute
    )]
    pub reads_per_minute: u32,

    /// Reads a caller may make in a burst above that rate.
    #[arg(
        long = "read-burst",
        env = "IMRF_READ_BURST",
        default_value_t = LimitsConfig::DEFAULT.read_burst
    )]
    pub read_burst: u32,

    /// Longest time a request's body may take to arrive once its headers
    /// have; a call still waiting for it is ended with DEADLINE_EXCEEDED.
    #[arg(
        long = "request-body-timeout",
        env = "IMRF_REQUEST_BODY_TIMEOUT",
        default_value = "30s",
        value_parser = humantime::parse_duration
    )]
    pub request_body_timeout: Duration,

    /// Longest time a server stream may wait for its reader to take the data
    /// already sent (the reader's flow-control window stays shut); the
    /// stream is then ended and its slot freed.
    #[arg(
        long = "stalled-stream-timeout",
        env = "IMRF_STALLED_STREAM_TIMEOUT",
        default_value = "30s",
        value_parser = humantime::parse_duration
    )]
    pub stalled_stream_timeout: Duration,

    /// HTTP/2 streams (calls) one connection may have open at once,
    /// advertised to the client in SETTINGS_MAX_CONCURRENT_STREAMS.
    #[arg(
        long = "max-streams-per-connection",
        env = "IMRF_MAX_STREAMS_PER_CONNECTION",
        default_value_t = LimitsConfig::DEFAULT.max_streams_per_connection
    )]
    pub max_streams_per_connection: u32,
}

impl LimitsConfig {
    /// The limits when none are configured.
    pub const DEFAULT: LimitsConfig = LimitsConfig {
        max_concurrent_calls: 512,
        max_open_streams: 256,
        submissions_per_minute: 600,
        submission_burst: 200,
        max_calls_per_caller: 64,
        max_streams_per_caller: 16,
        reads_per_minute: 6_000,
        read_burst: 1_000,
        request_body_timeout: Duration::from_secs(30),
        stalled_stream_timeout: Duration::from_secs(30),
        max_streams_per_connection: 128,
    };

    /// How often an idle connection is pinged, and how long a ping may go
    /// unanswered before the connection is closed: a peer that vanished
    /// without closing (a laptop shut, a dropped route) frees its calls.
    pub const KEEPALIVE_INTERVAL: Duration = Duration::from_secs(20);
    /// See [`LimitsConfig::KEEPALIVE_INTERVAL`].
    pub const KEEPALIVE_TIMEOUT: Duration = Duration::from_secs(10);
}

impl Default for LimitsConfig {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// A token bucket per caller subject.
#[derive(Debug)]
struct RateLimiter {
    per_second: f64,
    burst: f64,
    buckets: Mutex<HashMap<String, Bucket>>,
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

/// Callers remembered before full buckets (callers idle long enough to be
/// back at their burst) are forgotten; bounds the memory a flood of
/// distinct subjects can take.
const REMEMBERED_CALLERS: usize = 10_000;

impl RateLimiter {
    fn new(per_minute: u32, burst: u32) -> Self {
        Self {
            per_second: f64::from(per_minute) / 60.0,
            burst: f64::from(burst.max(1)),
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes one submission from `subject`'s bucket, or says how long until
    /// one is available.
    fn take(&self, subject: &str, now: Instant) -> Result<(), Duration> {
        let Ok(mut buckets) = self.buckets.lock() else {
            // A poisoned lock means a panic elsewhere; do not turn it into
            // refusing everyone.
            return Ok(());
        };
        let refill = |b: &Bucket| {
            (b.tokens + now.saturating_duration_since(b.at).as_secs_f64() * self.per_second)
                .min(self.burst)
        };
        if buckets.len() >= REMEMBERED_CALLERS && !buckets.contains_key(subject) {
            buckets.retain(|_, b| refill(b) < self.burst);
        }
        let bucket = buckets.entry(subject.to_string()).or_insert(Bucket {
            tokens: self.burst,
            at: now,
        });
        let tokens = refill(bucket);
        if tokens >= 1.0 {
            *bucket = Bucket {
                tokens: tokens - 1.0,
                at: now,
            };
            Ok(())
        } else if self.per_second > 0.0 {
            Err(Duration::from_secs_f64((1.0 - tokens) / self.per_second))
        } else {
            Err(Duration::MAX)
        }
    }
}

/// How many slots each caller holds of a limit, so that no caller holds
/// more than its share. Only callers holding slots are remembered.
#[derive(Debug)]
struct Shares {
    per_caller: usize,
    held: Mutex<HashMap<String, usize>>,
}

impl Shares {
    fn new(per_caller: usize) -> Arc<Self> {
        Arc::new(Self {
            per_caller: per_caller.max(1),
            held: Mutex::new(HashMap::new()),
        })
    }

    /// One more slot for `subject`, unless it holds its share already.
    fn take(self: &Arc<Self>, subject: &str) -> Option<Share> {
        // A poisoned lock means a panic elsewhere; do not turn it into
        // refusing everyone.
        let mut held = self.held.lock().unwrap_or_else(|p| p.into_inner());
        let count = held.entry(subject.to_string()).or_insert(0);
        if *count >= self.per_caller {
            return None;
        }
        *count += 1;
        Some(Share {
            shares: self.clone(),
            subject: subject.to_string(),
        })
    }
}

/// A slot of a caller's share, given back when dropped.
#[derive(Debug)]
struct Share {
    shares: Arc<Shares>,
    subject: String,
}

impl Drop for Share {
    fn drop(&mut self) {
        let mut held = self.shares.held.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(count) = held.get_mut(&self.subject) {
            *count = count.saturating_sub(1);
            if *count == 0 {
                held.remove(&self.subject);
            }
        }
    }
}

/// A slot of a limit: one of the service's, and one of the caller's share.
#[derive(Debug)]
struct Slot {
    _service: OwnedSemaphorePermit,
    _caller: Share,
}

/// A call let through, with the slots it holds.
struct Admitted {
    caller: crate::auth::Caller,
    /// Held until the handler has answered.
    call: Slot,
    /// Held until the answer's stream closes (server streams only).
    stream: Option<Slot>,
}

/// The state the gate shares across connections.
#[derive(Debug)]
struct Shared {
    verifier: TokenVerifier,
    calls: Arc<Semaphore>,
    max_calls: usize,
    call_shares: Arc<Shares>,
    streams: Arc<Semaphore>,
    max_streams: usize,
    stream_shares: Arc<Shares>,
    submissions: RateLimiter,
    reads: RateLimiter,
    body_timeout: Duration,
    stall_timeout: Duration,
}

/// A `tower` layer that puts the gate in front of a server's routes.
#[derive(Debug, Clone)]
pub struct GateLayer {
    shared: Arc<Shared>,
    streams_per_connection: u32,
}

impl GateLayer {
    /// A gate verifying tokens with `verifier`, within `limits`.
    pub fn new(verifier: TokenVerifier, limits: &LimitsConfig) -> Self {
        let max_calls = limits.max_concurrent_calls.max(1);
        let max_streams = limits.max_open_streams.max(1);
        Self {
            shared: Arc::new(Shared {
                verifier,
                calls: Arc::new(Semaphore::new(max_calls)),
                max_calls,
                call_shares: Shares::new(limits.max_calls_per_caller),
                streams: Arc::new(Semaphore::new(max_streams)),
                max_streams,
                stream_shares: Shares::new(limits.max_streams_per_caller),
                submissions: RateLimiter::new(
                    limits.submissions_per_minute,
                    limits.submission_burst,
                ),
                reads: RateLimiter::new(limits.reads_per_minute, limits.read_burst),
                body_timeout: limits.request_body_timeout,
                stall_timeout: limits.stalled_stream_timeout,
            }),
            streams_per_connection: limits.max_streams_per_connection.max(1),
        }
    }

    /// HTTP/2 streams one connection may have open at once, for the
    /// server's SETTINGS: the gate's limits bound the calls it admits, this
    /// bounds what one connection can even ask for.
    pub fn streams_per_connection(&self) -> u32 {
        self.streams_per_connection
    }
}

impl<S> tower_layer::Layer<S> for GateLayer {
    type Service = Gate<S>;

    fn layer(&self, inner: S) -> Self::Service {
        Gate {
            inner,
            shared: self.shared.clone(),
        }
    }
}

/// The gate in front of one server's routes.
#[derive(Debug, Clone)]
pub struct Gate<S> {
    inner: S,
    shared: Arc<Shared>,
}

type BoxFuture<T> = Pin<Box<dyn std::future::Future<Output = T> + Send>>;

impl Shared {
    /// Admits a call of `rpc`, or says why not. On success the permit holds
    /// one of the concurrent calls until the handler has answered.
    fn admit(&self, rpc: Rpc, headers: &http::HeaderMap) -> Result<Admitted, Status> {
        let token = headers
            .get(crate::auth::AUTHORIZATION_HEADER)
            .and_then(|v| v.to_str().ok())
            .and_then(crate::auth::bearer_value)
            .ok_or(crate::auth::TokenError::Missing);
        let caller = token.and_then(|t| self.verifier.verify(t)).map_err(|err| {
            tracing::info!(rpc = ?rpc, reason = %err, "call refused: not authenticated");
            Status::unauthenticated(err.to_string())
        })?;
        if grant(rpc, caller.role.kind()).is_none() {
            tracing::info!(rpc = ?rpc, caller = %caller.subject, role = %caller.role, "call refused: role");
            return Err(Status::permission_denied(format!(
                "{} may not call {}",
                caller.role,
                rpc.method()
            )));
        }
        let subject = caller.subject.as_str();
        let stream = if rpc.is_stream() {
            let caller_share = self.stream_shares.take(subject).ok_or_else(|| {
                tracing::warn!(rpc = ?rpc, caller = %subject, limit = self.stream_shares.per_caller, "call refused: caller at its open-stream share");
                shed(
                    rpc,
                    "caller_streams",
                    format!(
                        "{subject} has {} streams open, its limit; close one or retry after a back-off",
                        self.stream_shares.per_caller
                    ),
                    SHED_BACK_OFF,
                )
            })?;
            let service = self.streams.clone().try_acquire_owned().map_err(|_| {
                tracing::warn!(rpc = ?rpc, limit = self.max_streams, "call refused: at the open-stream limit");
                shed(
                    rpc,
                    "streams",
                    format!(
                        "the service is at its limit of {} open streams; retry after a back-off",
                        self.max_streams
                    ),
                    SHED_BACK_OFF,
                )
            })?;
            Some(Slot {
                _service: service,
                _caller: caller_share,
            })
        } else {
            None
        };
        let caller_share = self.call_shares.take(subject).ok_or_else(|| {
            tracing::warn!(rpc = ?rpc, caller = %subject, limit = self.call_shares.per_caller, "call refused: caller at its concurrency share");
            shed(
                rpc,
                "caller_calls",
                format!(
                    "{subject} has {} calls in progress, its limit; retry after a back-off",
                    self.call_shares.per_caller
                ),
                SHED_BACK_OFF,
            )
        })?;
        let service = self.calls.clone().try_acquire_owned().map_err(|_| {
            tracing::warn!(rpc = ?rpc, limit = self.max_calls, "call refused: at the concurrency limit");
            shed(
                rpc,
                "calls",
                format!(
                    "the service is at its limit of {} concurrent calls; retry after a back-off",
                    self.max_calls
                ),
                SHED_BACK_OFF,
            )
        })?;
        let call = Slot {
            _service: service,
            _caller: caller_share,
        };
        // Last, so a call shed for capacity does not also spend the
        // caller's rate.
        let (limiter, what, reason) = if rpc.is_submission() {
            (&self.submissions, "submission", "submission_rate")
        } else {
            (&self.reads, "read", "read_rate")
        };
        if let Err(wait) = limiter.take(subject, Instant::now()) {
            tracing::warn!(rpc = ?rpc, caller = %subject, "call refused: {what} rate");
            return Err(shed(
                rpc,
                reason,
                format!(
                    "{subject} is over its {what} rate; retry in {} ms",
                    wait.as_millis().max(1)
                ),
                wait,
            ));
        }
        Ok(Admitted {
            caller,
            call,
            stream,
        })
    }
}

impl<S> tower_service::Service<http::Request<Body>> for Gate<S>
where
    S: tower_service::Service<http::Request<Body>, Response = http::Response<Body>>
        + Clone
        + Send
        + 'static,
    S::Future: Send + 'static,
{
    type Response = http::Response<Body>;
    type Error = S::Error;
    type Future = BoxFuture<Result<Self::Response, Self::Error>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: http::Request<Body>) -> Self::Future {
        // The service made ready is the one that must serve this call.
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        let Some(rpc) = Rpc::from_path(request.uri().path()) else {
            return Box::pin(inner.call(request));
        };
        let started = Instant::now();
        match self.shared.admit(rpc, request.headers()) {
            Err(status) => {
                record_call(rpc, status.code() as i32, started);
                Box::pin(async move { Ok(status.into_http()) })
            }
            Ok(admitted) => {
                let (mut parts, body) = request.into_parts();
                parts.extensions.insert(admitted.caller);
                let limited = Body::new(Limited {
                    inner: body,
                    remaining: rpc.max_request_bytes(),
                    rpc,
                    deadline: Box::pin(tokio::time::sleep(self.shared.body_timeout)),
                    timeout: self.shared.body_timeout,
                });
                let future = inner.call(http::Request::from_parts(parts, limited));
                let (call, stream) = (admitted.call, admitted.stream);
                let stall_timeout = self.shared.stall_timeout;
                Box::pin(async move {
                    let response = future.await.map(|r| observed(rpc, started, r));
                    drop(call);
                    match stream {
                        Some(slot) => response.map(|r| {
                            r.map(|body| Body::new(Holding::watch(body, slot, stall_timeout)))
                        }),
                        None => response,
                    }
                })
            }
        }
    }
}

/// A response stream holding its open-stream slot until it is dropped
/// (finished, or abandoned by the client), or until the stall timeout has
/// passed since it last handed a frame on without being asked for the
/// next: then the stream is ended, its slot freed and what it still held
/// dropped. HTTP/2 keeps asking for frames while its send buffer for the
/// stream (hyper's, 400 KiB) has room, so a reader that keeps its
/// flow-control window shut is cut off once that much is waiting for it;
/// until then it holds one of its caller's stream slots and that buffer.
struct Holding {
    state: Arc<Mutex<Watched>>,
}

struct Watched {
    /// The stream's body, until it finishes or is ended.
    inner: Option<Body>,
    slot: Option<Slot>,
    /// When the last frame went to the reader, while the reader has not
    /// come back for the next: the time the reader has been stalled.
    handed_at: Option<Instant>,
    /// Ended for a stalled reader: the next poll says so.
    stalled: bool,
}

impl Holding {
    fn watch(inner: Body, slot: Slot, stall_timeout: Duration) -> Self {
        let state = Arc::new(Mutex::new(Watched {
            inner: Some(inner),
            slot: Some(slot),
            handed_at: None,
            stalled: false,
        }));
        let watched = Arc::downgrade(&state);
        let tick = (stall_timeout / 8).max(Duration::from_millis(50));
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(tick).await;
                // Gone: the stream finished or its reader went away.
                let Some(state) = watched.upgrade() else {
                    return;
                };
                let mut w = state.lock().unwrap_or_else(|p| p.into_inner());
                if w.inner.is_none() {
                    return;
                }
                if w.handed_at.is_some_and(|at| at.elapsed() >= stall_timeout) {
                    tracing::warn!(timeout = ?stall_timeout, "stream ended: its reader stopped taking data");
                    w.inner = None;
                    w.slot = None;
                    w.stalled = true;
                    return;
                }
            }
        });
        Self { state }
    }
}

impl HttpBody for Holding {
    type Data = Bytes;
    type Error = Status;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Self::Data>, Self::Error>>> {
        let mut w = self.state.lock().unwrap_or_else(|p| p.into_inner());
        // Polled: the reader has come back for more.
        w.handed_at = None;
        let Some(inner) = w.inner.as_mut() else {
            if std::mem::take(&mut w.stalled) {
                return Poll::Ready(Some(Err(Status::deadline_exceeded(
                    "the stream was ended: its reader took no data for too long",
                ))));
            }
            return Poll::Ready(None);
        };
        let polled = Pin::new(inner).poll_frame(cx);
        match &polled {
            Poll::Ready(Some(Ok(_))) => w.handed_at = Some(Instant::now()),
            Poll::Ready(None | Some(Err(_))) => {
                w.inner = None;
                w.slot = None;
            }
            Poll::Pending => {}
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        let w = self.state.lock().unwrap_or_else(|p| p.into_inner());
        match &w.inner {
            Some(inner) => inner.is_end_stream(),
            None => !w.stalled,
        }
    }

    fn size_hint(&self) -> SizeHint {
        let w = self.state.lock().unwrap_or_else(|p| p.into_inner());
        w.inner.as_ref().map(|i| i.size_hint()).unwrap_or_default()
    }
}

/// A request body cut off once it carries more than its RPC's limit, or
/// once it has taken longer than the timeout to arrive.
struct Limited {
    inner: Body,
    remaining: usize,
    rpc: Rpc,
    deadline: Pin<Box<tokio::time::Sleep>>,
    timeout: Duration,
}

impl HttpBody for Limited {
    type Data = Bytes;
    type Error = Status;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Self::Data>, Self::Error>>> {
        let polled = Pin::new(&mut self.inner).poll_frame(cx);
        match polled {
            Poll::Ready(Some(Ok(frame))) => {
                let len = frame.data_ref().map_or(0, Bytes::len);
                if len > self.remaining {
                    let rpc = self.rpc;
                    self.remaining = 0;
                    return Poll::Ready(Some(Err(Status::resource_exhausted(format!(
                        "{} requests are limited to {} bytes",
                        rpc.method(),
                        rpc.max_request_bytes()
                    )))));
                }
                self.remaining -= len;
                Poll::Ready(Some(Ok(frame)))
            }
            Poll::Pending => {
                if self.deadline.as_mut().poll(cx).is_ready() {
                    let rpc = self.rpc;
                    tracing::warn!(rpc = ?rpc, timeout = ?self.timeout, "call ended: its request body did not arrive in time");
                    return Poll::Ready(Some(Err(Status::deadline_exceeded(format!(
                        "the {} request did not arrive within {} s of its headers",
                        rpc.method(),
                        self.timeout.as_secs()
                    )))));
                }
                Poll::Pending
            }
            other => other,
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// The canonical name of a gRPC status code, as the `code` label gives it.
fn code_name(code: i32) -> &'static str {
    const NAMES: [&str; 17] = [
        "OK",
        "CANCELLED",
        "UNKNOWN",
        "INVALID_ARGUMENT",
        "DEADLINE_EXCEEDED",
        "NOT_FOUND",
        "ALREADY_EXISTS",
        "PERMISSION_DENIED",
        "RESOURCE_EXHAUSTED",
        "FAILED_PRECONDITION",
        "ABORTED",
        "OUT_OF_RANGE",
        "UNIMPLEMENTED",
        "INTERNAL",
        "UNAVAILABLE",
        "DATA_LOSS",
        "UNAUTHENTICATED",
    ];
    usize::try_from(code)
        .ok()
        .and_then(|i| NAMES.get(i))
        .copied()
        .unwrap_or("UNKNOWN")
}

/// Counts a finished call of `rpc` and how long it took since `started`.
fn record_call(rpc: Rpc, code: i32, started: Instant) {
    let code = code_name(code);
    metrics::counter!("imrf_rpc_requests_total", "method" => rpc.method(), "code" => code)
        .increment(1);
    metrics::histogram!("imrf_rpc_duration_seconds", "method" => rpc.method(), "code" => code)
        .record(started.elapsed().as_secs_f64());
}

/// The status a response carries: in its headers when it is only an error
/// (trailers-only), else in the trailers its body ends with.
fn status_in(headers: &http::HeaderMap) -> Option<i32> {
    headers
        .get("grpc-status")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
}

/// `response` with its call counted once its status is known.
fn observed(rpc: Rpc, started: Instant, response: http::Response<Body>) -> http::Response<Body> {
    if let Some(code) = status_in(response.headers()) {
        record_call(rpc, code, started);
        return response;
    }
    response.map(|body| {
        Body::new(Observed {
            inner: body,
            rpc,
            started,
            recorded: false,
        })
    })
}

/// A response body that counts its call when its trailers pass, or as
/// CANCELLED when it is dropped before them (the caller went away).
struct Observed {
    inner: Body,
    rpc: Rpc,
    started: Instant,
    recorded: bool,
}

impl Observed {
    fn record(&mut self, code: i32) {
        if !std::mem::replace(&mut self.recorded, true) {
            record_call(self.rpc, code, self.started);
        }
    }
}

impl Drop for Observed {
    fn drop(&mut self) {
        self.record(tonic::Code::Cancelled as i32);
    }
}

impl HttpBody for Observed {
    type Data = Bytes;
    type Error = Status;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Self::Data>, Self::Error>>> {
        let polled = Pin::new(&mut self.inner).poll_frame(cx);
        match &polled {
            Poll::Ready(Some(Ok(frame))) => {
                if let Some(code) = frame.trailers_ref().and_then(status_in) {
                    self.record(code);
                }
            }
            Poll::Ready(Some(Err(status))) => self.record(status.code() as i32),
            Poll::Ready(None) => self.record(tonic::Code::Ok as i32),
            Poll::Pending => {}
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// How long a caller shed for capacity is asked to wait before retrying.
const SHED_BACK_OFF: Duration = Duration::from_millis(100);

/// A call refused for capacity or rate, which the same request may retry:
/// RESOURCE_EXHAUSTED with `google.rpc.RetryInfo`, so a client can tell it
/// from a request too large to ever succeed (RESOURCE_EXHAUSTED without).
fn shed(rpc: Rpc, reason: &'static str, message: String, retry_after: Duration) -> Status {
    metrics::counter!("imrf_rpc_shed_total", "method" => rpc.method(), "reason" => reason)
        .increment(1);
    Status::with_error_details(
        tonic::Code::ResourceExhausted,
        message,
        tonic_types::ErrorDetails::with_retry_info(Some(retry_after)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rate_limit_allows_a_burst_then_the_rate() {
        let limiter = RateLimiter::new(60, 3);
        let start = Instant::now();
        for _ in 0..3 {
            assert_eq!(limiter.take("state:KEN", start), Ok(()));
        }
        let wait = limiter.take("state:KEN", start);
        assert!(
            matches!(wait, Err(d) if d <= Duration::from_secs(1)),
            "{wait:?}"
        );
        // Another caller is not held back by the first.
        assert_eq!(limiter.take("state:UGA", start), Ok(()));
        // One a second comes back.
        assert_eq!(
            limiter.take("state:KEN", start + Duration::from_secs(1)),
            Ok(())
        );
        assert!(
            limiter
                .take("state:KEN", start + Duration::from_secs(1))
                .is_err()
        );
    }

    #[test]
    fn idle_callers_are_forgotten_when_many_are_remembered() {
        let limiter = RateLimiter::new(60_000, 1);
        let start = Instant::now();
        for i in 0..REMEMBERED_CALLERS {
            assert!(limiter.take(&format!("caller-{i}"), start).is_ok());
        }
        let later = start + Duration::from_secs(1);
        assert!(limiter.take("newcomer", later).is_ok());
        let remembered = limiter.buckets.lock().map(|b| b.len()).unwrap_or(0);
        assert_eq!(remembered, 1);
    }
}
