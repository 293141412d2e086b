//! Section 10: backing up and restoring the store. `imrf_bus::backup`
//! snapshots every stream, bucket and object store of the stack as the
//! sections before left it, and restores the backup onto a fresh
//! nats-server; the baseline is reading every message of the same streams
//! once with an ordered consumer, in the same run.

use std::time::Instant;

use anyhow::Context;
use async_nats::jetstream::consumer::{DeliverPolicy, pull::OrderedConfig};
use futures::StreamExt;
use imrf_bus::Bus;
use imrf_bus::backup;
use imrf_loadgen::stats::spread;
use imrf_testkit::NatsServer;

use super::cli::Cli;
use super::stack::Stack;

/// Reads every message of every stream once; the messages and bytes read.
async fn read_everything(bus: &Bus) -> anyhow::Result<(u64, u64)> {
    let (mut messages, mut bytes) = (0, 0);
    for name in backup::stream_names(bus.client()).await? {
        let stream = bus.jetstream().get_stream(&name).await?;
        let total = stream.cached_info().state.messages;
        if total == 0 {
            continue;
        }
        let consumer = stream
            .create_consumer(OrderedConfig {
                deliver_policy: DeliverPolicy::All,
                ..Default::default()
            })
            .await?;
        let mut delivered = consumer.messages().await?;
        for _ in 0..total {
            let message = delivered
                .next()
                .await
                .context("the stream ended early")?
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            bytes += message.payload.len() as u64;
        }
        messages += total;
    }
    Ok((messages, bytes))
}

/// Measures a whole-store backup and its restore against reading it.
pub async fn run(cli: &Cli, stack: &Stack) -> anyhow::Result<()> {
    println!("\n## 10. Backup and restore\n");
    let timeout = std::time::Duration::from_secs(120);
    let dir = tempfile::tempdir()?;
    let (mut read, mut backed_up, mut restored) = (Vec::new(), Vec::new(), Vec::new());
    let mut store = (0, 0, 0, 0);
    for r in 0..cli.runs {
        let t = Instant::now();
        let (messages, payload) = read_everything(&stack.bus).await?;
        read.push(t.elapsed().as_secs_f64());

        let target = dir.path().join(format!("run-{r}"));
        let t = Instant::now();
        let manifest = backup::backup(stack.bus.client(), &target, timeout).await?;
        backed_up.push(t.elapsed().as_secs_f64());
        store = (
            manifest.streams.len(),
            messages,
            payload,
            manifest
                .streams
                .iter()
                .map(|s| s.snapshot_bytes)
                .sum::<u64>(),
        );

        let fresh = NatsServer::start()?;
        let bus = Bus::connect(&fresh.bus_config(), "imrf-bench").await?;
        let t = Instant::now();
        backup::restore(bus.client(), &target, None, timeout).await?;
        restored.push(t.elapsed().as_secs_f64());
    }
    let (streams, messages, payload, snapshot) = store;
    println!(
        "The stack's store after the sections above: {streams} streams, {messages} messages, {payload} bytes of payload; the backup's snapshots {snapshot} bytes.\n"
    );
    println!("| measurement | median s (min-max) | payload MB/s | time, ratio to reading |");
    println!("| --- | ---: | ---: | ---: |");
    let (base, _, _) = spread(read.clone());
    for (label, seconds) in [
        ("read every message once, ordered consumer (baseline)", read),
        (
            "`imrfctl store backup`: snapshot every stream to disk",
            backed_up,
        ),
        (
            "`imrfctl store restore`: onto a fresh nats-server",
            restored,
        ),
    ] {
        let (m, lo, hi) = spread(seconds);
        println!(
            "| {label} | {m:.3} ({lo:.3}-{hi:.3}) | {:.1} | {:.2} |",
            payload as f64 / 1e6 / m,
            m / base
        );
    }
    Ok(())
}
