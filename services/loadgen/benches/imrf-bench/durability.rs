//! Section 7: What syncing every write costs (deploy/nats.conf sets it).

use imrf_bus::{Bus, Expect};
use imrf_loadgen::fixtures;
use imrf_loadgen::stats::{measure, median};
use imrf_testkit::NatsServer;

use super::cli::Cli;
use super::stack::{BENCH_STREAM, row};

/// Measures publish throughput with and without `sync_interval: always`.
pub async fn run(cli: &Cli) -> anyhow::Result<()> {
    // 7. What syncing every write costs (deploy/nats.conf sets it).
    println!("\n## 7. Durability: JetStream sync_interval\n");
    println!(
        "| nats-server | concurrency | publishes+acks per second median (min-max) | p50 us | p99 us | ratio to default |"
    );
    println!("| --- | ---: | ---: | ---: | ---: | ---: |");
    let event = fixtures::report_event(&fixtures::realistic_report("2026", "KEN"), 1);
    let mut default_rate = None;
    for (label, settings) in [
        ("default (sync every 2 min)", ""),
        ("sync_interval: always", "sync_interval: always"),
    ] {
        let server = NatsServer::start_with_jetstream_settings(settings)?;
        let bus = Bus::connect(&server.bus_config(), "imrf-bench").await?;
        bus.ensure_stream(&BENCH_STREAM).await?;
        let mut runs = Vec::new();
        for r in 0..cli.runs {
            let (bus, event) = (bus.clone(), event.clone());
            runs.push(
                measure(cli.operations, 16, move |n| {
                    let (bus, mut event) = (bus.clone(), event.clone());
                    async move {
                        event.id = format!("{}-{r}-{n}", event.id);
                        bus.publish_event(
                            &format!("bench.sync.{r}.{n}"),
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
        }
        let figures = median(runs);
        let ratio = default_rate.map(|d: f64| figures.0.per_second / d);
        default_rate.get_or_insert(figures.0.per_second);
        row(label, "16", figures, ratio);
    }
    Ok(())
}
