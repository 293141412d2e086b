//! Figures of a measurement: throughput and latency percentiles, and the
//! median of several runs with their range.

use std::future::Future;
use std::sync::Arc;
use std::time::Instant;

use futures::future::join_all;
use hdrhistogram::Histogram;

/// One run's figures.
#[derive(Debug, Clone, Copy, Default)]
pub struct Figures {
    /// Operations per second.
    pub per_second: f64,
    /// Median latency, microseconds.
    pub p50_us: u64,
    /// 99th percentile latency, microseconds.
    pub p99_us: u64,
}

/// Runs `operations` calls of `op` from `concurrency` workers and measures.
pub async fn measure<F, Fut>(
    operations: usize,
    concurrency: usize,
    op: F,
) -> anyhow::Result<Figures>
where
    F: Fn(usize) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = anyhow::Result<()>> + Send,
{
    let op = Arc::new(op);
    let started = Instant::now();
    let workers = (0..concurrency).map(|worker| {
        let op = op.clone();
        async move {
            let mut histogram = Histogram::<u64>::new(3)?;
            let mut n = worker;
            while n < operations {
                let t = Instant::now();
                op(n).await?;
                histogram.record(micros(t))?;
                n += concurrency;
            }
            anyhow::Ok(histogram)
        }
    });
    let mut total = Histogram::<u64>::new(3)?;
    for histogram in join_all(workers).await {
        total.add(histogram?)?;
    }
    Ok(Figures {
        per_second: operations as f64 / started.elapsed().as_secs_f64(),
        p50_us: total.value_at_quantile(0.5),
        p99_us: total.value_at_quantile(0.99),
    })
}

/// Microseconds since `t`.
pub fn micros(t: Instant) -> u64 {
    u64::try_from(t.elapsed().as_micros()).unwrap_or(u64::MAX)
}

/// The median run by throughput, with the slowest and fastest throughput.
pub fn median(mut runs: Vec<Figures>) -> (Figures, f64, f64) {
    runs.sort_by(|a, b| a.per_second.total_cmp(&b.per_second));
    let min = runs.first().map_or(0.0, |f| f.per_second);
    let max = runs.last().map_or(0.0, |f| f.per_second);
    (
        runs.get(runs.len() / 2).copied().unwrap_or_default(),
        min,
        max,
    )
}

/// Median, minimum and maximum of plain samples.
pub fn spread(mut samples: Vec<f64>) -> (f64, f64, f64) {
    samples.sort_by(f64::total_cmp);
    let n = samples.len();
    if n == 0 {
        return (0.0, 0.0, 0.0);
    }
    (samples[n / 2], samples[0], samples[n - 1])
}
