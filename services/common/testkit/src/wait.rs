//! Waiting on a condition, never on a sleep.

use std::time::{Duration, Instant};

/// Polls `probe` until it returns `Some` or `timeout` passes. For readiness
/// that only the file system or a socket can tell.
pub fn wait_for<T>(timeout: Duration, mut probe: impl FnMut() -> Option<T>) -> Option<T> {
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(value) = probe() {
            return Some(value);
        }
        if Instant::now() >= deadline {
            return None;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// As [`wait_for`], for conditions only an async call can tell (a cluster
/// electing its JetStream leader announces it to no client).
pub async fn eventually<T, Fut>(timeout: Duration, mut probe: impl FnMut() -> Fut) -> Option<T>
where
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(value) = probe().await {
            return Some(value);
        }
        if Instant::now() >= deadline {
            return None;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}
