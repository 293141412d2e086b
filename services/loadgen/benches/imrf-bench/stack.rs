//! The stack every measurement runs on: a fresh nats-server (file storage,
//! temp dir) and the four service binaries built beside the bench, with
//! what the measurements share.

use std::path::PathBuf;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use anyhow::Context;
use futures::StreamExt;
use imrf_bus::names::{NATIONAL, PRACTICES, REGIONAL, StreamSpec};
use imrf_bus::{Bus, Expect};
use imrf_loadgen::fixtures;
use imrf_loadgen::stats::Figures;
use imrf_platform::auth::AuthChannel;
use imrf_proto::v1::{Date, SubmitNationalReportRequest};
use imrf_testkit::{NatsServer, ServiceProcess};
use prost::Message;
use tonic::Request;

/// A service binary of the same profile as this bench (which cargo builds
/// into the profile's `deps` folder).
pub fn binary(name: &str) -> anyhow::Result<PathBuf> {
    let exe = std::env::current_exe()?;
    let mut dir = exe.parent().context("no directory")?;
    if dir.ends_with("deps") {
        dir = dir.parent().context("no profile directory")?;
    }
    let path = dir.join(name);
    anyhow::ensure!(
        path.exists(),
        "{} is not built: run `cargo build --release --bins` (just bench does)",
        path.display()
    );
    Ok(path)
}

/// Peak and current resident memory of a process, in MiB.
pub fn memory(pid: u32) -> (f64, f64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
            .map_or(0.0, |kb| kb / 1024.0)
    };
    (field("VmHWM:"), field("VmRSS:"))
}

pub fn row(name: &str, detail: &str, figures: (Figures, f64, f64), ratio: Option<f64>) {
    let (f, min, max) = figures;
    println!(
        "| {name} | {detail} | {:.0} ({min:.0}-{max:.0}) | {} | {} | {} |",
        f.per_second,
        f.p50_us,
        f.p99_us,
        ratio.map_or("1.00 (baseline)".into(), |r| format!("{r:.2}"))
    );
}

pub const BENCH_STREAM: StreamSpec = StreamSpec {
    name: "BENCH",
    subjects: &["bench.>"],
    writer: "imrf-bench",
    description: "baseline publishes of the benchmark",
    keep_per_subject: None,
};

pub fn date(year: i32, month: i32, day: i32) -> Option<Date> {
    Some(Date { year, month, day })
}

pub async fn publish_all(
    bus: &Bus,
    events: Vec<(String, imrf_proto::v1::Event)>,
) -> anyhow::Result<()> {
    // Pipelined: many publishes in flight, each awaited for its ack.
    let mut acks = futures::stream::iter(events.into_iter().map(|(subject, event)| {
        let bus = bus.clone();
        async move { bus.publish_event(&subject, &event, Expect::Any, None).await }
    }))
    .buffer_unordered(256);
    while let Some(ack) = acks.next().await {
        ack?;
    }
    Ok(())
}

/// Waits until the durable consumer `name` of NATIONAL has nothing pending.
pub async fn wait_drained(bus: &Bus, name: &str) -> anyhow::Result<()> {
    let stream = bus.jetstream().get_stream(NATIONAL.name).await?;
    let deadline = Instant::now() + Duration::from_secs(1800);
    loop {
        let info = stream.consumer_info(name).await?;
        if info.num_pending == 0 && info.num_ack_pending == 0 {
            return Ok(());
        }
        anyhow::ensure!(
            Instant::now() < deadline,
            "{name} never caught up: {info:?}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Every Member State's code: the bench's submitters.
pub fn member_states() -> Vec<String> {
    imrf_gcm::refdata::reference()
        .member_states()
        .map(|s| s.iso3.clone())
        .collect()
}

pub fn realistic_size(states: &[String]) -> usize {
    fixtures::report_event(&fixtures::realistic_report("2026", &states[0]), 1).encoded_len()
}

/// A submission from `state`, with its token minted once per State so
/// signing is not part of what is measured.
pub fn submit_request(cycle: &str, state: &str, n: usize) -> Request<SubmitNationalReportRequest> {
    static TOKENS: std::sync::LazyLock<Mutex<std::collections::HashMap<String, String>>> =
        std::sync::LazyLock::new(Default::default);
    let token = TOKENS
        .lock()
        .map(|mut tokens| {
            tokens
                .entry(state.to_string())
                .or_insert_with(|| imrf_testkit::token_for(&format!("state:{state}")))
                .clone()
        })
        .unwrap_or_default();
    let mut request = Request::new(SubmitNationalReportRequest {
        request_id: format!("bench-{cycle}-{state}-{n}"),
        report: Some(fixtures::realistic_report(cycle, state)),
        expected_revision: None,
    });
    let _ = imrf_platform::auth::set_bearer(&mut request, &token);
    request
}

/// The stack, started.
pub struct Stack {
    pub nats: NatsServer,
    pub bus: Bus,
    pub regional: ServiceProcess,
    pub national: ServiceProcess,
    pub practices: ServiceProcess,
    pub report: ServiceProcess,
    pub national_channel: AuthChannel,
    pub report_channel: AuthChannel,
    /// Every Member State's ISO3 code.
    pub states: Vec<String>,
    /// How long national-aggregation took to start on empty streams.
    pub cold_start: Duration,
}

/// A channel to `p` whose calls carry the secretariat's token.
pub async fn secretariat(p: &ServiceProcess) -> Result<AuthChannel, tonic::transport::Error> {
    imrf_testkit::channel_as(p.url(), "secretariat").await
}

impl Stack {
    /// Starts nats-server and the four services, and prints the header.
    pub async fn start() -> anyhow::Result<Self> {
        let nats = NatsServer::start().context("starting nats-server")?;
        let bus = Bus::connect(&nats.bus_config(), "imrf-bench").await?;
        for spec in [REGIONAL, NATIONAL, PRACTICES, BENCH_STREAM] {
            bus.ensure_stream(&spec).await?;
        }
        let start = |name: &str| -> anyhow::Result<(ServiceProcess, Duration)> {
            let t = Instant::now();
            // Every call here comes from a few callers at thousands a second:
            // the per-caller rates and shares would measure themselves.
            let process = ServiceProcess::start(
                &binary(name)?,
                &nats.url(),
                &[
                    "--submissions-per-minute",
                    "100000000",
                    "--submission-burst",
                    "1000000",
                    "--reads-per-minute",
                    "100000000",
                    "--read-burst",
                    "1000000",
                    "--max-calls-per-caller",
                    "100000",
                    "--max-streams-per-caller",
                    "100000",
                ],
            )?;
            Ok((process, t.elapsed()))
        };
        let (regional, _) = start("regional-intake")?;
        let (national, cold_start) = start("national-aggregation")?;
        let (practices, _) = start("practices-hub")?;
        let (report, _) = start("report-compiler")?;
        let national_channel = secretariat(&national).await?;
        let report_channel = secretariat(&report).await?;
        let states = member_states();
        let sample = realistic_size(&states);
        println!("# imrf-bench\n");
        println!(
            "nats-server {} with file storage; services {}; realistic report {} bytes encoded.\n",
            nats.url(),
            if cfg!(debug_assertions) {
                "debug build"
            } else {
                "release build"
            },
            sample
        );
        Ok(Self {
            nats,
            bus,
            regional,
            national,
            practices,
            report,
            national_channel,
            report_channel,
            states,
            cold_start,
        })
    }
}
