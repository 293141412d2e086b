//! The gate every contract call passes before its handler: the bearer token
//! is verified (UNAUTHENTICATED), the role is checked against the
//! authorization table (PERMISSION_DENIED), submissions are rate-limited per
//! caller and calls beyond the concurrency limit are shed
//! (RESOURCE_EXHAUSTED), and the request body is cut off at the RPC's size
//! limit. A refused call never reaches a handler, so nothing is stored.
//! Health and reflection pass untouched: probes and grpcurl need no token.

use std::collections::HashMap;
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
}

impl LimitsConfig {
    /// The limits when none are configured.
    pub const DEFAULT: LimitsConfig = LimitsConfig {
        max_concurrent_calls: 512,
        max_open_streams: 256,
        submissions_per_minute: 600,
        submission_burst: 200,
    };
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

/// A call let through, with the slots it holds.
struct Admitted {
    caller: crate::auth::Caller,
    /// Held until the handler has answered.
    call: OwnedSemaphorePermit,
    /// Held until the answer's stream closes (server streams only).
    stream: Option<OwnedSemaphorePermit>,
}

/// The state the gate shares across connections.
#[derive(Debug)]
struct Shared {
    verifier: TokenVerifier,
    calls: Arc<Semaphore>,
    max_calls: usize,
    streams: Arc<Semaphore>,
    max_streams: usize,
    submissions: RateLimiter,
}

/// A `tower` layer that puts the gate in front of a server's routes.
#[derive(Debug, Clone)]
pub struct GateLayer {
    shared: Arc<Shared>,
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
                streams: Arc::new(Semaphore::new(max_streams)),
                max_streams,
                submissions: RateLimiter::new(
                    limits.submissions_per_minute,
                    limits.submission_burst,
                ),
            }),
        }
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
        let stream = if rpc.is_stream() {
            Some(self.streams.clone().try_acquire_owned().map_err(|_| {
                tracing::warn!(rpc = ?rpc, limit = self.max_streams, "call refused: at the open-stream limit");
                shed(
                    format!(
                        "the service is at its limit of {} open streams; retry after a back-off",
                        self.max_streams
                    ),
                    SHED_BACK_OFF,
                )
            })?)
        } else {
            None
        };
        let call = self.calls.clone().try_acquire_owned().map_err(|_| {
            tracing::warn!(rpc = ?rpc, limit = self.max_calls, "call refused: at the concurrency limit");
            shed(
                format!(
                    "the service is at its limit of {} concurrent calls; retry after a back-off",
                    self.max_calls
                ),
                SHED_BACK_OFF,
            )
        })?;
        // Last, so a call shed for capacity does not also spend the
        // caller's rate.
        if rpc.is_submission()
            && let Err(wait) = self.submissions.take(&caller.subject, Instant::now())
        {
            tracing::warn!(rpc = ?rpc, caller = %caller.subject, "call refused: submission rate");
            return Err(shed(
                format!(
                    "{} is over its submission rate; retry in {} ms",
                    caller.subject,
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
        match self.shared.admit(rpc, request.headers()) {
            Err(status) => Box::pin(async move { Ok(status.into_http()) }),
            Ok(admitted) => {
                let (mut parts, body) = request.into_parts();
                parts.extensions.insert(admitted.caller);
                let limited = Body::new(Limited {
                    inner: body,
                    remaining: rpc.max_request_bytes(),
                    rpc,
                });
                let future = inner.call(http::Request::from_parts(parts, limited));
                let (call, stream) = (admitted.call, admitted.stream);
                Box::pin(async move {
                    let response = future.await;
                    drop(call);
                    match stream {
                        Some(permit) => response.map(|r| {
                            r.map(|body| {
                                Body::new(Holding {
                                    inner: body,
                                    _slot: permit,
                                })
                            })
                        }),
                        None => response,
                    }
                })
            }
        }
    }
}

/// A response stream holding its open-stream slot until it is dropped
/// (finished, or abandoned by the client).
struct Holding {
    inner: Body,
    _slot: OwnedSemaphorePermit,
}

impl HttpBody for Holding {
    type Data = Bytes;
    type Error = Status;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Self::Data>, Self::Error>>> {
        Pin::new(&mut self.inner).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// A request body cut off once it carries more than its RPC's limit.
struct Limited {
    inner: Body,
    remaining: usize,
    rpc: Rpc,
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

/// How long a caller shed for capacity is asked to wait before retrying.
const SHED_BACK_OFF: Duration = Duration::from_millis(100);

/// A call refused for capacity or rate, which the same request may retry:
/// RESOURCE_EXHAUSTED with `google.rpc.RetryInfo`, so a client can tell it
/// from a request too large to ever succeed (RESOURCE_EXHAUSTED without).
fn shed(message: String, retry_after: Duration) -> Status {
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
