//! Section 2: End-to-end latency: submission answered -> WatchAggregate shows it.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures::StreamExt;
use imrf_platform::auth::AuthChannel;
use imrf_proto::v1::WatchAggregateRequest;
use imrf_proto::v1::national_report_aggregation_client::NationalReportAggregationClient;

use super::cli::Cli;
use super::stack::{Stack, submit_request, wait_drained};

/// Measures the latency at each steady rate.
pub async fn run(cli: &Cli, stack: &Stack) -> anyhow::Result<()> {
    let Stack {
        bus,
        national_channel,
        states,
        ..
    } = stack;
    // 2. End-to-end latency: submission OK -> aggregate shows it. First let
    // the aggregator finish what (1) left it, so the latency is not a
    // backlog's.
    let backlog = Instant::now();
    wait_drained(bus, national_aggregation::aggregator::NATIONAL_CONSUMER).await?;
    println!("\n## 2. End-to-end latency (submission answered -> WatchAggregate shows it)\n");
    println!(
        "the aggregator took {:.1} s after (1) to process its backlog\n",
        backlog.elapsed().as_secs_f64()
    );
    println!("| steady rate per second | submissions | p50 ms | p99 ms | max ms |");
    println!("| ---: | ---: | ---: | ---: | ---: |");
    for &rate in &cli.rates {
        let cycle = format!("2026-e{rate}");
        let figures = steady_latency(
            bus,
            national_channel,
            &cycle,
            states,
            rate,
            cli.rate_seconds,
        )
        .await?;
        println!(
            "| {rate} | {} | {:.2} | {:.2} | {:.2} |",
            figures.0, figures.1, figures.2, figures.3
        );
    }

    Ok(())
}

/// Submits at `rate` per second for `seconds` and measures, per submission,
/// the time from its answer to the first aggregate version counting it
/// (zero when the aggregate counted it before the answer arrived). Each
/// block of 193 submissions goes to its own cycle, one report per State,
/// each block watched on its own stream.
pub(crate) async fn steady_latency(
    bus: &imrf_bus::Bus,
    channel: &AuthChannel,
    prefix: &str,
    states: &[String],
    rate: u32,
    seconds: u64,
) -> anyhow::Result<(usize, f64, f64, f64)> {
    let total = (u64::from(rate) * seconds) as usize;
    let blocks = total.div_ceil(states.len());
    let cycle = |b: usize| format!("{prefix}-{b}");
    for b in 0..blocks {
        imrf_testkit::ensure_cycle_open(bus, &cycle(b)).await?;
    }
    type Times = Arc<Mutex<Vec<Option<Instant>>>>;
    let mut seen: Vec<Times> = Vec::new();
    let mut watchers = Vec::new();
    for b in 0..blocks {
        let times: Times = Arc::new(Mutex::new(vec![None; states.len() + 1]));
        seen.push(times.clone());
        let mut watch = NationalReportAggregationClient::new(channel.clone())
            .watch_aggregate(WatchAggregateRequest { cycle_id: cycle(b) })
            .await?
            .into_inner();
        let expected = states.len().min(total - b * states.len());
        watchers.push(tokio::spawn(async move {
            let mut counted = 0usize;
            while let Some(Ok(message)) = watch.next().await {
                let now = Instant::now();
                let n = message.aggregate.map_or(0, |a| a.national_reports as usize);
                if let Ok(mut times) = times.lock() {
                    for slot in times.iter_mut().take(n + 1).skip(counted + 1) {
                        *slot = Some(now);
                    }
                }
                counted = counted.max(n);
                if counted >= expected {
                    break;
                }
            }
        }));
    }
    let answered: Vec<Times> = (0..blocks)
        .map(|_| Arc::new(Mutex::new(vec![None; states.len()])))
        .collect();
    let mut interval = tokio::time::interval(Duration::from_secs_f64(1.0 / f64::from(rate)));
    let mut tasks = Vec::new();
    for n in 0..total {
        interval.tick().await;
        let (b, i) = (n / states.len(), n % states.len());
        let mut client = NationalReportAggregationClient::new(channel.clone());
        let request = submit_request(&cycle(b), &states[i], n);
        let answered = answered[b].clone();
        tasks.push(tokio::spawn(async move {
            if client.submit_national_report(request).await.is_ok()
                && let Ok(mut answered) = answered.lock()
            {
                answered[i] = Some(Instant::now());
            }
        }));
    }
    for task in tasks {
        let _ = task.await;
    }
    for watcher in watchers {
        let _ = tokio::time::timeout(Duration::from_secs(30), watcher).await;
    }
    // In each cycle, the k-th answered submission is counted once the
    // aggregate counts k reports.
    let mut histogram = hdrhistogram::Histogram::<u64>::new(3)?;
    let mut count = 0;
    for (answered, seen) in answered.iter().zip(&seen) {
        let mut answers: Vec<Instant> = answered
            .lock()
            .map(|a| a.iter().flatten().copied().collect())
            .unwrap_or_default();
        answers.sort();
        count += answers.len();
        let seen = seen.lock().map(|s| s.clone()).unwrap_or_default();
        for (k, answer) in answers.iter().enumerate() {
            if let Some(Some(at)) = seen.get(k + 1) {
                let us = at.saturating_duration_since(*answer).as_micros();
                histogram.record(u64::try_from(us).unwrap_or(u64::MAX))?;
            }
        }
    }
    Ok((
        count,
        histogram.value_at_quantile(0.5) as f64 / 1000.0,
        histogram.value_at_quantile(0.99) as f64 / 1000.0,
        histogram.max() as f64 / 1000.0,
    ))
}
