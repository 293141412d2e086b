//! What can go wrong on the bus, by kind, with the cause kept as the
//! source (as nats.rs's `Error<Kind>` does).

/// What went wrong on the bus, by kind, so callers can match on it; the
/// cause is kept as the error's source, never flattened to text.
#[derive(Debug, thiserror::Error)]
#[error("{kind}: {source}")]
pub struct BusError {
    kind: BusErrorKind,
    #[source]
    source: Box<dyn std::error::Error + Send + Sync>,
}

/// Kinds of [`BusError`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum BusErrorKind {
    /// NATS did not answer in time or the connection is down; safe to retry.
    #[error("bus unavailable")]
    Unavailable,
    /// An optimistic-concurrency publish lost: the subject moved on.
    #[error("concurrent change")]
    Conflict,
    /// A stream, bucket or consumer could not be created or opened.
    #[error("bus setup failed")]
    Setup,
    /// A stored message did not decode.
    #[error("malformed message")]
    Malformed,
    /// The message is larger than the server accepts.
    #[error("message too large")]
    TooLarge,
    /// A read model's lock was poisoned by a panic: what it holds can no
    /// longer be trusted, so the follower stops rather than drop events.
    #[error("read model poisoned")]
    Poisoned,
    /// Anything else the server refused.
    #[error("bus error")]
    Other,
}

impl BusError {
    /// A new error of `kind`, caused by `source` (an error, or a message).
    pub fn new(
        kind: BusErrorKind,
        source: impl Into<Box<dyn std::error::Error + Send + Sync>>,
    ) -> Self {
        Self {
            kind,
            source: source.into(),
        }
    }

    /// A new error of `kind` about `what`, caused by `source`.
    pub fn about(
        kind: BusErrorKind,
        what: &str,
        source: impl Into<Box<dyn std::error::Error + Send + Sync>>,
    ) -> Self {
        Self::new(
            kind,
            Context {
                what: what.to_string(),
                source: source.into(),
            },
        )
    }

    /// Its kind.
    pub fn kind(&self) -> BusErrorKind {
        self.kind
    }

    /// Whether retrying later may succeed (NATS down or slow).
    pub fn is_unavailable(&self) -> bool {
        self.kind == BusErrorKind::Unavailable
    }
}

/// A cause with what it happened to (a stream, a bucket, a file), so the
/// message names it while the cause stays reachable as the source.
#[derive(Debug, thiserror::Error)]
#[error("{what}: {source}")]
struct Context {
    what: String,
    #[source]
    source: Box<dyn std::error::Error + Send + Sync>,
}
