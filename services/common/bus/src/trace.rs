//! W3C trace context: which trace a piece of work belongs to, carried in a
//! `traceparent` header on NATS messages (and in gRPC metadata, which the
//! serving layer reads), so one submission can be followed through every
//! consumer in the logs, and, when spans are exported over OTLP, as one
//! trace in a tracing backend.

use std::fmt::Write as _;

use opentelemetry::trace::{SpanContext, SpanId, TraceContextExt, TraceFlags, TraceId, TraceState};
use tracing_opentelemetry::OpenTelemetrySpanExt;

/// A W3C trace context: which trace a piece of work belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TraceContext {
    trace_id: u128,
    span_id: u64,
    sampled: bool,
}

impl TraceContext {
    /// The start of a new trace.
    pub fn new_root() -> Self {
        let trace_id = ulid::Ulid::new().0;
        Self {
            trace_id,
            span_id: new_span_id(),
            sampled: true,
        }
    }

    /// A child of this context: same trace, new span.
    pub fn child(&self) -> Self {
        Self {
            span_id: new_span_id(),
            ..*self
        }
    }

    /// Parses a `traceparent` header value (version 00).
    pub fn parse(value: &str) -> Option<Self> {
        let mut parts = value.trim().split('-');
        let (version, trace, span, flags) =
            (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
        if version != "00" || trace.len() != 32 || span.len() != 16 || flags.len() != 2 {
            return None;
        }
        let trace_id = u128::from_str_radix(trace, 16).ok()?;
        let span_id = u64::from_str_radix(span, 16).ok()?;
        let flags = u8::from_str_radix(flags, 16).ok()?;
        (trace_id != 0 && span_id != 0).then_some(Self {
            trace_id,
            span_id,
            sampled: flags & 1 == 1,
        })
    }

    /// The context of incoming work: a child of the sender's, or a new
    /// trace when it sent none (or a malformed one).
    pub fn child_of(parent: Option<Self>) -> Self {
        parent.map_or_else(Self::new_root, |parent| parent.child())
    }

    /// The exported span `span`'s own context; none without the
    /// OpenTelemetry layer.
    fn of_span(span: &tracing::Span) -> Option<Self> {
        let context = span.context();
        let own = context.span().span_context().clone();
        own.is_valid().then(|| Self {
            trace_id: u128::from_be_bytes(own.trace_id().to_bytes()),
            span_id: u64::from_be_bytes(own.span_id().to_bytes()),
            sampled: own.is_sampled(),
        })
    }

    /// This context as the remote parent of a span.
    fn as_remote_parent(&self) -> opentelemetry::Context {
        opentelemetry::Context::new().with_remote_span_context(SpanContext::new(
            TraceId::from_bytes(self.trace_id.to_be_bytes()),
            SpanId::from_bytes(self.span_id.to_be_bytes()),
            if self.sampled {
                TraceFlags::SAMPLED
            } else {
                TraceFlags::default()
            },
            true,
            TraceState::default(),
        ))
    }

    /// The `traceparent` header value.
    pub fn to_traceparent(&self) -> String {
        let mut out = String::with_capacity(55);
        let _ = write!(
            out,
            "00-{:032x}-{:016x}-{:02x}",
            self.trace_id,
            self.span_id,
            u8::from(self.sampled)
        );
        out
    }

    /// The trace id, as 32 hex digits (the `trace_id` log field).
    pub fn trace_id_hex(&self) -> String {
        format!("{:032x}", self.trace_id)
    }
}

/// Puts `span` (the span of a call or of a delivered message, with an
/// empty `trace_id` field) in the trace of `parent`, the caller's or the
/// sender's context, and returns the context the work passes on to what
/// it sends. With spans exported (the OpenTelemetry layer installed) that
/// is the span's own, so the next service's span is its child; otherwise a
/// child of `parent`, or a new trace. Either way the span's `trace_id` log
/// field names the trace.
pub fn enter_trace(span: &tracing::Span, parent: Option<TraceContext>) -> TraceContext {
    if let Some(parent) = parent {
        // Refused only without the layer (nothing exported), or for a span
        // already started, which the callers never pass.
        let _ = span.set_parent(parent.as_remote_parent());
    }
    let trace = TraceContext::of_span(span).unwrap_or_else(|| TraceContext::child_of(parent));
    span.record("trace_id", trace.trace_id_hex());
    trace
}

/// The context of the work under way: the current span's, when spans are
/// exported and there is one; for an outgoing call to name its parent.
pub fn current() -> Option<TraceContext> {
    TraceContext::of_span(&tracing::Span::current())
}

fn new_span_id() -> u64 {
    // The low 64 bits of a ULID are random.
    let id = ulid::Ulid::new().0 as u64;
    id.max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traceparent_round_trips_and_children_keep_the_trace() {
        let root = TraceContext::new_root();
        let parsed = TraceContext::parse(&root.to_traceparent());
        assert_eq!(parsed, Some(root));
        let child = root.child();
        assert_eq!(child.trace_id_hex(), root.trace_id_hex());
        assert_ne!(child.to_traceparent(), root.to_traceparent());
    }

    #[test]
    fn malformed_traceparents_are_ignored() {
        for bad in [
            "",
            "00-abc-def-01",
            "01-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
            "00-00000000000000000000000000000000-b7ad6b7169203331-01",
            "00-0af7651916cd43dd8448eb211c80319c-zzad6b7169203331-01",
        ] {
            assert_eq!(TraceContext::parse(bad), None, "{bad}");
        }
        assert!(
            TraceContext::parse("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")
                .is_some()
        );
    }
}
