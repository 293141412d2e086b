//! imrf-bench: measures the platform against baselines taken in the same run
//! on the same nats-server, and prints a table. Figures are measured, never
//! asserted: nothing here fails for being slow.
//!
//! Bus benchmark: publishing a realistic event exactly once through the
//! record of answered requests (KV entry, publish with optimistic
//! concurrency, answer stored), against the bus's own limit: a bare
//! JetStream publish-and-ack of the same bytes, at the same concurrency.

use std::sync::Arc;
use std::time::{Instant, SystemTime};

use anyhow::Context;
use clap::Parser;
use futures::future::join_all;
use hdrhistogram::Histogram;
use imrf_common::bus::ledger::{Prepared, RequestLedger, fingerprint};
use imrf_common::bus::names::{NATIONAL, bucket, subject};
use imrf_common::bus::{Bus, Expect, new_event};
use imrf_common::testkit::NatsServer;
use imrf_proto::v1::{
    IndicatorObservation, NationalReport, NationalReportAccepted, NationalReportRecord,
    ObjectiveStatus, Pledge, SubmitNationalReportRequest, SubmitNationalReportResponse,
    event::Payload,
};
use prost::Message;

#[derive(Debug, Parser)]
#[command(
    name = "imrf-bench",
    about = "Benchmarks of the imrf platform against same-run baselines"
)]
struct Cli {
    /// Operations per concurrency level and run.
    #[arg(long, default_value_t = 2_000)]
    operations: usize,
    /// Runs per measurement; the median is reported with min and max.
    #[arg(long, default_value_t = 3)]
    runs: usize,
    /// Concurrency levels.
    #[arg(long, value_delimiter = ',', default_values_t = [1usize, 16, 64])]
    concurrency: Vec<usize>,
}

/// A national report as large as a real one: 23 objectives, 10 indicator
/// observations, 3 pledges.
fn realistic_report(state: &str, n: usize) -> NationalReport {
    NationalReport {
        cycle_id: "2026".into(),
        state: state.into(),
        kind: 1,
        title: format!("Voluntary national review {n}"),
        objectives: (1..=23)
            .map(|objective| ObjectiveStatus {
                objective,
                status: 3,
                narrative: "Measures adopted and under way; see annex. ".repeat(6),
            })
            .collect(),
        indicators: (0..10)
            .map(|i| IndicatorObservation {
                indicator_code: "10.c.1".into(),
                value: 4.5 + f64::from(i) / 10.0,
                unit: "percent".into(),
                year: 2024,
                dimension: 0,
                category: String::new(),
                source: "central bank survey".into(),
            })
            .collect(),
        pledges: (1..=3)
            .map(|p| Pledge {
                pledge_id: format!("{state}-P{p}"),
                title: "Reduce remittance costs".into(),
                objectives: vec![20],
                kind: 4,
                status: 2,
                description: "Digital transfer channels for migrant workers.".into(),
            })
            .collect(),
        summary: "Summary of progress. ".repeat(20),
        ..Default::default()
    }
}

fn accepted_event(report: &NationalReport, n: usize) -> imrf_proto::v1::Event {
    new_event(
        "national.report.accepted",
        "imrf-bench",
        "2026",
        SystemTime::now(),
        Payload::NationalReportAccepted(NationalReportAccepted {
            record: Some(NationalReportRecord {
                report_id: format!("2026-{}-VNR-{n}", report.state),
                report: Some(report.clone()),
                ..Default::default()
            }),
        }),
    )
}

#[derive(Debug, Clone, Copy)]
struct Figures {
    per_second: f64,
    p50_us: u64,
    p99_us: u64,
}

async fn measure<F, Fut>(operations: usize, concurrency: usize, op: F) -> anyhow::Result<Figures>
where
    F: Fn(usize) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = anyhow::Result<()>> + Send,
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
                histogram.record(u64::try_from(t.elapsed().as_micros()).unwrap_or(u64::MAX))?;
                n += concurrency;
            }
            anyhow::Ok(histogram)
        }
    });
    let mut total = Histogram::<u64>::new(3)?;
    for histogram in join_all(workers).await {
        total.add(histogram?)?;
    }
    let elapsed = started.elapsed().as_secs_f64();
    Ok(Figures {
        per_second: operations as f64 / elapsed,
        p50_us: total.value_at_quantile(0.5),
        p99_us: total.value_at_quantile(0.99),
    })
}

fn median(mut runs: Vec<Figures>) -> (Figures, f64, f64) {
    runs.sort_by(|a, b| a.per_second.total_cmp(&b.per_second));
    let min = runs.first().map_or(0.0, |f| f.per_second);
    let max = runs.last().map_or(0.0, |f| f.per_second);
    (runs[runs.len() / 2], min, max)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    anyhow::ensure!(
        cli.runs > 0 && cli.operations > 0,
        "runs and operations must be positive"
    );
    let server = NatsServer::start().context("starting nats-server")?;
    let bus = Bus::connect(&server.bus_config(), "imrf-bench").await?;
    bus.ensure_stream(&NATIONAL).await?;
    let ledger = RequestLedger::open(&bus, bucket::NATIONAL_REQUESTS).await?;
    let states: Vec<String> = imrf_common::refdata::reference()
        .member_states()
        .map(|s| s.iso3.clone())
        .collect();
    let event_bytes = accepted_event(&realistic_report("KEN", 0), 0)
        .encode_to_vec()
        .len();

    println!(
        "imrf-bench: {} operations x {} runs per row; event size {event_bytes} bytes",
        cli.operations, cli.runs
    );
    println!("nats-server {} (file storage, temp dir)", server.url());
    println!();
    println!(
        "| measurement | concurrency | ops/s median (min-max) | p50 us | p99 us | ratio to baseline |"
    );
    println!("| --- | ---: | ---: | ---: | ---: | ---: |");
    let mut round = 0usize;
    for &concurrency in &cli.concurrency {
        let mut baseline_runs = Vec::new();
        let mut ledger_runs = Vec::new();
        for _ in 0..cli.runs {
            round += 1;
            // Baseline: bare publish-and-ack of the same bytes.
            let bus_a = bus.clone();
            let states_a = states.clone();
            let r = round;
            baseline_runs.push(
                measure(cli.operations, concurrency, move |n| {
                    let bus = bus_a.clone();
                    let state = states_a[n % states_a.len()].clone();
                    async move {
                        let event = accepted_event(&realistic_report(&state, n), n);
                        bus.publish_event(
                            &format!("{}.r{r}", subject::national_report(&state, "2026", "VNR")),
                            &event,
                            Expect::Any,
                            None,
                        )
                        .await?;
                        Ok(())
                    }
                })
                .await?,
            );
            // The platform's path: answered-requests record, conditional
            // publish, stored answer.
            let bus_b = bus.clone();
            let ledger_b = ledger.clone();
            let states_b = states.clone();
            ledger_runs.push(
                measure(cli.operations, concurrency, move |n| {
                    let bus = bus_b.clone();
                    let ledger = ledger_b.clone();
                    let state = states_b[n % states_b.len()].clone();
                    async move {
                        let report = realistic_report(&state, n);
                        let request = SubmitNationalReportRequest {
                            request_id: format!("bench-{r}-{n}"),
                            report: Some(report.clone()),
                            expected_revision: None,
                        };
                        let subject = format!(
                            "{}.l{r}.{n}",
                            subject::national_report(&state, "2026", "VNR")
                        );
                        ledger
                            .run(
                                "submit",
                                &request.request_id,
                                fingerprint(&request),
                                None,
                                async || {
                                    let expected = bus.last_subject_sequence(&subject).await?;
                                    Ok(Prepared {
                                        subject: subject.clone(),
                                        event: accepted_event(&report, n),
                                        expect: Expect::LastSubjectSequence(expected),
                                    })
                                },
                                |event, _| SubmitNationalReportResponse {
                                    report_id: format!("2026-{state}-VNR"),
                                    revision: 1,
                                    event_id: event.id.clone(),
                                },
                            )
                            .await
                            .map_err(|e| anyhow::anyhow!("{e}"))?;
                        Ok(())
                    }
                })
                .await?,
            );
        }
        let (base, base_min, base_max) = median(baseline_runs);
        let (led, led_min, led_max) = median(ledger_runs);
        println!(
            "| bare JetStream publish+ack (baseline a) | {concurrency} | {:.0} ({base_min:.0}-{base_max:.0}) | {} | {} | 1.00 |",
            base.per_second, base.p50_us, base.p99_us
        );
        println!(
            "| exactly-once publish via request record | {concurrency} | {:.0} ({led_min:.0}-{led_max:.0}) | {} | {} | {:.2} |",
            led.per_second,
            led.p50_us,
            led.p99_us,
            led.per_second / base.per_second
        );
    }
    drop(server);
    Ok(())
}
