//! imrf-bench: measures the platform against baselines taken in the same
//! run, on one fresh nats-server (file storage, temp dir) with the service
//! binaries built beside it (release for `just bench`), and prints a
//! Markdown table. Figures are measured, never asserted.

mod cpu;
mod fixtures;
mod stats;

use std::path::PathBuf;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::Context;
use clap::Parser;
use futures::{Stream, StreamExt};
use imrf_bus::names::{NATIONAL, PRACTICES, REGIONAL, StreamSpec, subject};
use imrf_bus::{Bus, Expect};
use imrf_platform::auth::AuthChannel;
use imrf_proto::v1::biennial_report_compiler_client::BiennialReportCompilerClient;
use imrf_proto::v1::national_report_aggregation_client::NationalReportAggregationClient;
use imrf_proto::v1::national_report_aggregation_server::{
    NationalReportAggregation, NationalReportAggregationServer,
};
use imrf_proto::v1::practice_repository_client::PracticeRepositoryClient;
use imrf_proto::v1::review_cycle_client::ReviewCycleClient;
use imrf_proto::v1::{
    CompileDraftRequest, CycleSchedule, Date, GetAggregateRequest, GetAggregateResponse,
    GetCycleRequest, GetNationalReportRequest, GetNationalReportResponse,
    ListNationalReportsRequest, ListNationalReportsResponse, OpenCycleRequest,
    SearchPracticesRequest, SubmitNationalReportRequest, SubmitNationalReportResponse,
    WatchAggregateRequest, WatchAggregateResponse,
};
use imrf_testkit::{NatsServer, ServiceProcess};
use prost::Message;
use stats::{Figures, measure, median, micros, spread};
use tonic::{Request, Response, Status};

#[derive(Debug, Parser)]
#[command(
    name = "imrf-bench",
    about = "Benchmarks of the imrf platform against same-run baselines"
)]
struct Cli {
    /// Submissions per concurrency level and run (intake).
    #[arg(long, default_value_t = 2_000)]
    operations: usize,
    /// Runs per measurement; the median is reported with min and max.
    #[arg(long, default_value_t = 3)]
    runs: usize,
    /// Concurrency levels (intake).
    #[arg(long, value_delimiter = ',', default_values_t = [1usize, 16, 64])]
    concurrency: Vec<usize>,
    /// Steady submission rates for end-to-end latency, per second.
    #[arg(long, value_delimiter = ',', default_values_t = [200u32, 1000])]
    rates: Vec<u32>,
    /// Seconds each steady rate is held.
    #[arg(long, default_value_t = 5)]
    rate_seconds: u64,
    /// Published practices for the compile and search benchmarks.
    #[arg(long, default_value_t = 5_000)]
    practices: usize,
    /// Events in NATIONAL for the recovery benchmark.
    #[arg(long, default_value_t = 200_000)]
    recovery_events: usize,
    /// Search queries per run.
    #[arg(long, default_value_t = 2_000)]
    queries: usize,
    /// Tiny sizes everywhere: checks the harness in seconds.
    #[arg(long)]
    smoke: bool,
}

impl Cli {
    fn shrink(mut self) -> Self {
        if self.smoke {
            self.operations = 20;
            self.runs = 1;
            self.concurrency = vec![1, 4];
            self.rates = vec![50];
            self.rate_seconds = 1;
            self.practices = 30;
            self.recovery_events = 300;
            self.queries = 20;
        }
        self
    }
}

/// A service binary beside this one (same profile).
fn binary(name: &str) -> anyhow::Result<PathBuf> {
    let exe = std::env::current_exe()?;
    let dir = exe.parent().context("no directory")?;
    let path = dir.join(name);
    anyhow::ensure!(
        path.exists(),
        "{} is not built: run `cargo build --release --bins` (just bench does)",
        path.display()
    );
    Ok(path)
}

/// Peak and current resident memory of a process, in MiB.
fn memory(pid: u32) -> (f64, f64) {
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

fn row(name: &str, detail: &str, figures: (Figures, f64, f64), ratio: Option<f64>) {
    let (f, min, max) = figures;
    println!(
        "| {name} | {detail} | {:.0} ({min:.0}-{max:.0}) | {} | {} | {} |",
        f.per_second,
        f.p50_us,
        f.p99_us,
        ratio.map_or("1.00 (baseline)".into(), |r| format!("{r:.2}"))
    );
}

/// A gRPC server with the intake's interface that answers at once: the
/// RPC's own limit, for the same request bytes.
#[derive(Debug, Clone, Copy)]
struct Echo;

type WatchStream = Pin<Box<dyn Stream<Item = Result<WatchAggregateResponse, Status>> + Send>>;

#[tonic::async_trait]
impl NationalReportAggregation for Echo {
    async fn submit_national_report(
        &self,
        request: Request<SubmitNationalReportRequest>,
    ) -> Result<Response<SubmitNationalReportResponse>, Status> {
        let report = request.into_inner().report.unwrap_or_default();
        Ok(Response::new(SubmitNationalReportResponse {
            report_id: report.state,
            revision: 1,
            event_id: String::new(),
        }))
    }
    async fn get_national_report(
        &self,
        _: Request<GetNationalReportRequest>,
    ) -> Result<Response<GetNationalReportResponse>, Status> {
        Err(Status::unimplemented("echo"))
    }
    async fn list_national_reports(
        &self,
        _: Request<ListNationalReportsRequest>,
    ) -> Result<Response<ListNationalReportsResponse>, Status> {
        Err(Status::unimplemented("echo"))
    }
    async fn get_aggregate(
        &self,
        _: Request<GetAggregateRequest>,
    ) -> Result<Response<GetAggregateResponse>, Status> {
        Err(Status::unimplemented("echo"))
    }
    type WatchAggregateStream = WatchStream;
    async fn watch_aggregate(
        &self,
        _: Request<WatchAggregateRequest>,
    ) -> Result<Response<WatchStream>, Status> {
        Err(Status::unimplemented("echo"))
    }
}

async fn echo_server() -> anyhow::Result<String> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    tokio::spawn(
        tonic::transport::Server::builder()
            .add_service(NationalReportAggregationServer::new(Echo))
            .serve_with_incoming(
                tonic::transport::server::TcpIncoming::from(listener).with_nodelay(Some(true)),
            ),
    );
    Ok(format!("http://{addr}"))
}

const BENCH_STREAM: StreamSpec = StreamSpec {
    name: "BENCH",
    subjects: &["bench.>"],
    writer: "imrf-bench",
    description: "baseline publishes of the benchmark",
    keep_per_subject: None,
};

fn date(year: i32, month: i32, day: i32) -> Option<Date> {
    Some(Date { year, month, day })
}

/// Puts the inputs of the compile benchmark onto the streams: a realistic
/// report from every State, a review from every commission and `practices`
/// published practices, all in cycle 2026.
async fn load_compile_scale(bus: &Bus, states: &[String], practices: usize) -> anyhow::Result<()> {
    let mut events = Vec::new();
    for state in states {
        events.push((
            subject::national_report(state, "2026", "VNR"),
            fixtures::report_event(&fixtures::realistic_report("2026", state), 1),
        ));
    }
    for c in imrf_gcm::refdata::COMMISSIONS {
        events.push((
            subject::regional_review(imrf_gcm::refdata::commission_code(c), "2026"),
            fixtures::review_event("2026", c),
        ));
    }
    let mut publications = Vec::new();
    for n in 0..practices {
        let (id, submitted, published) = fixtures::practice_events(n);
        events.push((subject::practice(&id), submitted));
        publications.push((subject::practice(&id), published));
    }
    // A practice's publication follows its submission on its subject, as
    // practices-hub writes them.
    publish_all(bus, events).await?;
    publish_all(bus, publications).await?;
    Ok(())
}

/// Peak memory of each service on a stack of its own holding exactly the
/// compile benchmark's inputs, after a compile and a search: the scale of
/// (3) without the intake runs' data.
async fn memory_at_compile_scale(states: &[String], practices: usize) -> anyhow::Result<[f64; 4]> {
    let nats = NatsServer::start().context("starting nats-server")?;
    let bus = Bus::connect(&nats.bus_config(), "imrf-bench").await?;
    for spec in [REGIONAL, NATIONAL, PRACTICES] {
        bus.ensure_stream(&spec).await?;
    }
    let mut processes = Vec::new();
    for name in [
        "regional-intake",
        "national-aggregation",
        "practices-hub",
        "report-compiler",
    ] {
        processes.push(ServiceProcess::start(&binary(name)?, &nats.url(), &[])?);
    }
    let report = imrf_testkit::channel_as(processes[3].url(), "secretariat").await?;
    open_cycle(&mut ReviewCycleClient::new(report.clone()), "2026").await?;
    load_compile_scale(&bus, states, practices).await?;
    let mut drafts = BiennialReportCompilerClient::new(report);
    let mut n = 0u32;
    let expected = states.len() + 5 + practices;
    compile_until(&mut drafts, &mut n, |inputs| inputs >= expected).await?;
    let mut search = PracticeRepositoryClient::new(
        imrf_testkit::channel_as(processes[2].url(), "reader").await?,
    );
    search
        .search_practices(SearchPracticesRequest {
            query: fixtures::query(0).into(),
            page_size: 20,
            ..Default::default()
        })
        .await?;
    Ok([
        memory(processes[0].pid()).0,
        memory(processes[1].pid()).0,
        memory(processes[2].pid()).0,
        memory(processes[3].pid()).0,
    ])
}

async fn open_cycle(cycles: &mut ReviewCycleClient<AuthChannel>, id: &str) -> anyhow::Result<()> {
    cycles
        .open_cycle(OpenCycleRequest {
            request_id: format!("bench-open-{id}"),
            cycle_id: id.into(),
            title: "Benchmark".into(),
            schedule: Some(CycleSchedule {
                collection_start: date(2020, 1, 1),
                regional_review_deadline: date(2099, 1, 1),
                national_report_deadline: date(2099, 1, 1),
                practices_cutoff: date(2099, 1, 1),
                compile_date: date(2099, 6, 1),
                plenary_date: date(2099, 12, 1),
            }),
            document_symbol: String::new(),
            session: 0,
        })
        .await?;
    Ok(())
}

async fn publish_all(
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

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse().shrink();
    anyhow::ensure!(
        cli.runs > 0 && cli.operations > 0,
        "runs and operations must be positive"
    );
    let nats = NatsServer::start().context("starting nats-server")?;
    let bus = Bus::connect(&nats.bus_config(), "imrf-bench").await?;
    for spec in [REGIONAL, NATIONAL, PRACTICES, BENCH_STREAM] {
        bus.ensure_stream(&spec).await?;
    }
    let start = |name: &str| -> anyhow::Result<(ServiceProcess, Duration)> {
        let t = Instant::now();
        // Every submission here comes from one of 193 States at thousands a
        // second: the per-caller rate limit would measure itself.
        let process = ServiceProcess::start(
            &binary(name)?,
            &nats.url(),
            &[
                "--submissions-per-minute",
                "100000000",
                "--submission-burst",
                "1000000",
            ],
        )?;
        Ok((process, t.elapsed()))
    };
    let (regional, _) = start("regional-intake")?;
    let (national, cold_start) = start("national-aggregation")?;
    let (practices, _) = start("practices-hub")?;
    let (report, _) = start("report-compiler")?;
    async fn channel(p: &ServiceProcess) -> Result<AuthChannel, tonic::transport::Error> {
        imrf_testkit::channel_as(p.url(), "secretariat").await
    }
    let national_channel = channel(&national).await?;
    let report_channel = channel(&report).await?;
    let mut cycles = ReviewCycleClient::new(report_channel.clone());
    let states: Vec<String> = imrf_gcm::refdata::reference()
        .member_states()
        .map(|s| s.iso3.clone())
        .collect();
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

    // 1. Intake throughput against the bus's and the RPC's limits.
    println!("## 1. Intake throughput\n");
    println!(
        "| measurement | concurrency | per second median (min-max) | p50 us | p99 us | ratio to the baseline above |"
    );
    println!("| --- | ---: | ---: | ---: | ---: | ---: |");
    let echo_url = echo_server().await?;
    let echo_channel = imrf_testkit::channel_as(echo_url.clone(), "secretariat").await?;
    let meter = cpu::Meter::new(vec![
        (
            "imrf-bench (the client; (b)'s server too)",
            std::process::id(),
        ),
        ("nats-server", nats.pid().unwrap_or_default()),
        ("national-aggregation", national.pid()),
        ("report-compiler", report.pid()),
        ("regional-intake", regional.pid()),
        ("practices-hub", practices.pid()),
    ]);
    let mut cpu_rows = Vec::new();
    let mut round = 0usize;
    for &concurrency in &cli.concurrency {
        let (mut raw, mut rpc, mut intake) = (Vec::new(), Vec::new(), Vec::new());
        let mut cpu = [
            cpu::Usage::default(),
            cpu::Usage::default(),
            cpu::Usage::default(),
        ];
        for _ in 0..cli.runs {
            round += 1;
            let r = round;
            let (bus2, states2) = (bus.clone(), states.clone());
            let (figures, usage) = meter
                .charge(measure(cli.operations, concurrency, move |n| {
                    let (bus, state) = (bus2.clone(), states2[n % states2.len()].clone());
                    async move {
                        let event =
                            fixtures::report_event(&fixtures::realistic_report("2026", &state), 1);
                        bus.publish_event(&format!("bench.raw.{r}.{n}"), &event, Expect::Any, None)
                            .await?;
                        Ok(())
                    }
                }))
                .await;
            raw.push(figures?);
            cpu[0].add(&usage);
            let (figures, usage) = meter
                .charge(submissions(
                    &echo_channel,
                    &states,
                    cli.operations,
                    concurrency,
                    r,
                ))
                .await;
            rpc.push(figures?);
            cpu[1].add(&usage);
            // The aggregation the submissions cause is part of their cost,
            // so its backlog is drained inside the charge (not the timing).
            let (figures, usage) = meter
                .charge(async {
                    let figures =
                        submissions(&national_channel, &states, cli.operations, concurrency, r)
                            .await;
                    wait_drained(&bus, "aggregator-national").await?;
                    figures
                })
                .await;
            intake.push(figures?);
            cpu[2].add(&usage);
        }
        cpu_rows.push((concurrency, cpu));
        let (raw, rpc, intake) = (median(raw), median(rpc), median(intake));
        row(
            "(a) bare JetStream publish+ack of the event bytes",
            &concurrency.to_string(),
            raw,
            None,
        );
        row(
            "(b) tonic unary echo of the request bytes",
            &concurrency.to_string(),
            rpc,
            None,
        );
        row(
            "SubmitNationalReport (validate, record, publish, answer)",
            &concurrency.to_string(),
            intake,
            Some(intake.0.per_second / raw.0.per_second),
        );
        println!(
            "| ratio intake/(b) | {concurrency} | | | | {:.2} |",
            intake.0.per_second / rpc.0.per_second
        );
    }

    print_cpu(&meter, &cpu_rows, cli.operations * cli.runs);

    // 2. End-to-end latency: submission OK -> aggregate shows it. First let
    // the aggregator finish what (1) left it, so the latency is not a
    // backlog's.
    let backlog = Instant::now();
    wait_drained(&bus, "aggregator-national").await?;
    println!("\n## 2. End-to-end latency (submission answered -> WatchAggregate shows it)\n");
    println!(
        "the aggregator took {:.1} s after (1) to process its backlog\n",
        backlog.elapsed().as_secs_f64()
    );
    println!("| steady rate per second | submissions | p50 ms | p99 ms | max ms |");
    println!("| ---: | ---: | ---: | ---: | ---: |");
    for &rate in &cli.rates {
        let cycle = format!("2026-e{rate}");
        let figures =
            steady_latency(&national_channel, &cycle, &states, rate, cli.rate_seconds).await?;
        println!(
            "| {rate} | {} | {:.2} | {:.2} | {:.2} |",
            figures.0, figures.1, figures.2, figures.3
        );
    }

    // 3. Compile: 193 reports, 5 regional reviews, many practices.
    println!("\n## 3. Draft compile time\n");
    open_cycle(&mut cycles, "2026").await?;
    let t = Instant::now();
    load_compile_scale(&bus, &states, cli.practices).await?;
    println!(
        "loaded {} reports, 5 reviews, {} published practices onto the streams in {:.1} s\n",
        states.len(),
        cli.practices,
        t.elapsed().as_secs_f64()
    );
    let mut drafts = BiennialReportCompilerClient::new(report_channel.clone());
    let expected = states.len() + 5 + cli.practices;
    let mut n = 0u32;
    // Wait (outside the measurement) until report-compiler has every input,
    // then time a full compile.
    let first = compile_until(&mut drafts, &mut n, |inputs| inputs >= expected).await?;
    let mut full = Vec::new();
    let mut cycle_rtt = Vec::new();
    for _ in 0..cli.runs {
        let t = Instant::now();
        cycles
            .get_cycle(GetCycleRequest {
                cycle_id: "2026".into(),
            })
            .await?;
        cycle_rtt.push(micros(t) as f64 / 1000.0);
        let t = Instant::now();
        compile(&mut drafts, &mut n).await?;
        full.push(micros(t) as f64 / 1000.0);
    }
    let (gc, _, _) = spread(cycle_rtt);
    let (fm, fmin, fmax) = spread(full);
    let sizes: Vec<String> = first
        .renderings
        .iter()
        .map(|r| format!("{} bytes", r.size))
        .collect();
    println!("| measurement | median ms (min-max) | ratio to GetCycle round trip |");
    println!("| --- | ---: | ---: |");
    println!("| GetCycle round trip (baseline) | {gc:.2} | 1.00 |");
    println!(
        "| full compile, four formats (inputs unchanged: compose + render + hash) | {fm:.1} ({fmin:.1}-{fmax:.1}) | {:.0} |",
        fm / gc
    );
    let t = Instant::now();
    bus.publish_event(
        &subject::national_report("KEN", "2026", "VNR"),
        &fixtures::report_event(&fixtures::realistic_report("2026", "KEN"), 2),
        Expect::Any,
        None,
    )
    .await?;
    let incremental = compile_until(&mut drafts, &mut n, |_| true).await;
    let _ = incremental;
    let incremental_ms = loop {
        let t2 = Instant::now();
        let d = compile(&mut drafts, &mut n).await?;
        if d.inputs
            .iter()
            .filter_map(|i| i.source.as_ref())
            .any(|s| s.id == "2026-KEN-VNR" && s.revision == 2)
        {
            break micros(t2) as f64 / 1000.0;
        }
        anyhow::ensure!(
            t.elapsed() < Duration::from_secs(60),
            "the new report never reached the draft"
        );
    };
    println!(
        "| incremental compile after one new report (new version stored) | {incremental_ms:.1} | {:.0} |",
        incremental_ms / gc
    );
    println!("\nrenderings of the full draft: {}\n", sizes.join(", "));

    // 6. Search over the published practices.
    println!("## 6. Search\n");
    let practices_channel = channel(&practices).await?;
    let mut client = PracticeRepositoryClient::new(practices_channel.clone());
    let deadline = Instant::now() + Duration::from_secs(120);
    while client
        .search_practices(SearchPracticesRequest::default())
        .await?
        .into_inner()
        .total
        < cli.practices as u32
    {
        anyhow::ensure!(
            Instant::now() < deadline,
            "practices-hub never indexed the practices"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let mut baseline = Vec::new();
    let mut search = Vec::new();
    for _ in 0..cli.runs {
        let ch = practices_channel.clone();
        baseline.push(
            measure(cli.queries, 16, move |_| {
                let mut c = PracticeRepositoryClient::new(ch.clone());
                async move {
                    c.search_practices(SearchPracticesRequest {
                        page_size: 1,
                        objectives: vec![99],
                        ..Default::default()
                    })
                    .await
                    .ok();
                    Ok(())
                }
            })
            .await?,
        );
        let ch = practices_channel.clone();
        search.push(
            measure(cli.queries, 16, move |n| {
                let mut c = PracticeRepositoryClient::new(ch.clone());
                async move {
                    c.search_practices(SearchPracticesRequest {
                        query: fixtures::query(n).into(),
                        page_size: 20,
                        ..Default::default()
                    })
                    .await?;
                    Ok(())
                }
            })
            .await?,
        );
    }
    println!(
        "| measurement | concurrency | per second median (min-max) | p50 us | p99 us | ratio |"
    );
    println!("| --- | ---: | ---: | ---: | ---: | ---: |");
    let (baseline, search) = (median(baseline), median(search));
    row(
        "refused search (invalid objective: the RPC floor of the same service)",
        "16",
        baseline,
        None,
    );
    row(
        &format!(
            "SearchPractices, one word, {} practices, page of 20",
            cli.practices
        ),
        "16",
        search,
        Some(search.0.per_second / baseline.0.per_second),
    );

    // 5a. Memory at the scale of (3).
    println!("\n## 5. Memory (peak resident set, MiB)\n");
    let mut memory_rows = vec![(
        format!(
            "at the scale of (3), own server: {} reports, 5 reviews, {} practices",
            states.len(),
            cli.practices
        ),
        memory_at_compile_scale(&states, cli.practices).await?,
    )];
    memory_rows.push((
        "after (3) and (6), on the stack that also took (1) and (2)".to_string(),
        [
            memory(regional.pid()).0,
            memory(national.pid()).0,
            memory(practices.pid()).0,
            memory(report.pid()).0,
        ],
    ));

    // 4. Recovery of national-aggregation with many events in NATIONAL, on
    // a server of its own, so what it rebuilds (and its memory) is the
    // recovery load alone, not the intake runs above.
    let recovery_server = NatsServer::start().context("starting nats-server")?;
    let recovery_bus = Bus::connect(&recovery_server.bus_config(), "imrf-bench").await?;
    for spec in [REGIONAL, NATIONAL, PRACTICES] {
        recovery_bus.ensure_stream(&spec).await?;
    }
    let mut recovering = ServiceProcess::start(
        &binary("national-aggregation")?,
        &recovery_server.url(),
        &[],
    )?;
    let keys: Vec<(String, String)> = (0..10)
        .flat_map(|c| {
            states
                .iter()
                .map(move |s| (format!("2026-r{c}"), s.clone()))
        })
        .collect();
    let revisions = cli.recovery_events.div_ceil(keys.len()).max(1);
    let mut events = Vec::with_capacity(keys.len() * revisions);
    for revision in 1..=revisions {
        for (cycle, state) in &keys {
            if events.len() >= cli.recovery_events {
                break;
            }
            events.push((
                subject::national_report(state, cycle, "VNR"),
                fixtures::report_event(
                    &fixtures::small_report(cycle, state, revision as i32),
                    u32::try_from(revision).unwrap_or(u32::MAX),
                ),
            ));
        }
    }
    let total_events = events.len();
    let t = Instant::now();
    publish_all(&recovery_bus, events).await?;
    let load_secs = t.elapsed().as_secs_f64();
    // Let the running service process everything, then restart it.
    let stream = recovery_bus.jetstream().get_stream(NATIONAL.name).await?;
    let deadline = Instant::now() + Duration::from_secs(1800);
    loop {
        let info = stream.consumer_info("aggregator-national").await?;
        if info.num_pending == 0 && info.num_ack_pending == 0 {
            break;
        }
        anyhow::ensure!(
            Instant::now() < deadline,
            "aggregation never caught up: {info:?}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let processed_secs = t.elapsed().as_secs_f64();
    let expected_reports = states.len() as u32;
    let t = Instant::now();
    recovering.restart()?;
    let started_secs = t.elapsed().as_secs_f64();
    let mut client = NationalReportAggregationClient::new(channel(&recovering).await?);
    let full_cycle_aggregate = loop {
        let aggregate = client
            .get_aggregate(GetAggregateRequest {
                cycle_id: "2026-r0".into(),
                ..Default::default()
            })
            .await?
            .into_inner()
            .aggregate
            .unwrap_or_default();
        if aggregate.national_reports == expected_reports {
            break aggregate;
        }
        anyhow::ensure!(
            t.elapsed() < Duration::from_secs(600),
            "no correct aggregate after restart"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    let recovered = t.elapsed().as_secs_f64();
    println!("\n## 4. Recovery of national-aggregation\n");
    println!("| measurement | seconds | ratio to a cold start on empty streams |");
    println!("| --- | ---: | ---: |");
    println!(
        "| cold start on empty streams (baseline) | {:.2} | 1.00 |",
        cold_start.as_secs_f64()
    );
    println!(
        "| load {total_events} events ({} reports x {revisions} revisions) onto NATIONAL | {load_secs:.1} | |",
        keys.len()
    );
    println!("| ...until the running service had aggregated them all | {processed_secs:.1} | |");
    println!(
        "| restart: process up and serving | {started_secs:.2} | {:.1} |",
        started_secs / cold_start.as_secs_f64()
    );
    println!(
        "| restart: correct aggregate served | {recovered:.2} | {:.1} |",
        recovered / cold_start.as_secs_f64()
    );
    println!(
        "\nthe aggregate of a cycle where all {} States reported (realistic reports): {} bytes encoded; every published version carries it whole",
        states.len(),
        full_cycle_aggregate.encoded_len()
    );
    memory_rows.push((
        format!("national-aggregation (own server) after restart on {total_events} events"),
        [f64::NAN, memory(recovering.pid()).0, f64::NAN, f64::NAN],
    ));
    println!(
        "\n| when | regional-intake | national-aggregation | practices-hub | report-compiler |"
    );
    println!("| --- | ---: | ---: | ---: | ---: |");
    for (when, m) in memory_rows {
        let cell = |v: f64| {
            if v.is_nan() {
                "-".to_string()
            } else {
                format!("{v:.0}")
            }
        };
        println!(
            "| {when} | {} | {} | {} | {} |",
            cell(m[0]),
            cell(m[1]),
            cell(m[2]),
            cell(m[3])
        );
    }
    drop((
        regional,
        practices,
        report,
        national,
        recovering,
        recovery_server,
    ));

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

/// Where the CPU time of each intake measurement went, and the throughput
/// the machine's cores would allow at that cost.
fn print_cpu(meter: &cpu::Meter, rows: &[(usize, [cpu::Usage; 3])], operations: usize) {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!(
        "\nCPU time per operation, microseconds (user + system, from /proc), by process; the ceiling is what {cores} cores allow at that cost:\n"
    );
    let names: Vec<&str> = meter.names().collect();
    println!(
        "| measurement | concurrency | {} | total | ceiling per second |",
        names.join(" | ")
    );
    println!(
        "| --- | ---: | {}---: | ---: |",
        "---: | ".repeat(names.len())
    );
    let kinds = [
        "(a) bare JetStream publish+ack",
        "(b) tonic unary echo",
        "SubmitNationalReport, with the aggregation it causes",
    ];
    for (concurrency, usages) in rows {
        for (kind, usage) in kinds.iter().zip(usages) {
            let (each, total) = usage.per_operation_us(operations);
            let cells: Vec<String> = each
                .iter()
                .map(|us| us.map_or("-".into(), |us| format!("{us:.0}")))
                .collect();
            println!(
                "| {kind} | {concurrency} | {} | {} | {} |",
                cells.join(" | "),
                total.map_or("-".into(), |t| format!("{t:.0}")),
                total.map_or("-".into(), |t| format!("{:.0}", cores as f64 * 1e6 / t)),
            );
        }
    }
}

/// Waits until the durable consumer `name` of NATIONAL has nothing pending.
async fn wait_drained(bus: &Bus, name: &str) -> anyhow::Result<()> {
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

fn realistic_size(states: &[String]) -> usize {
    fixtures::report_event(&fixtures::realistic_report("2026", &states[0]), 1).encoded_len()
}

/// `operations` SubmitNationalReport calls on `channel` at `concurrency`,
/// each a distinct report (round `round`): the same client work against
/// the service and against the echo server that is its baseline.
async fn submissions(
    channel: &AuthChannel,
    states: &[String],
    operations: usize,
    concurrency: usize,
    round: usize,
) -> anyhow::Result<Figures> {
    let (channel, states) = (channel.clone(), states.to_vec());
    measure(operations, concurrency, move |n| {
        let mut client = NationalReportAggregationClient::new(channel.clone());
        let state = states[n % states.len()].clone();
        async move {
            client
                .submit_national_report(submit_request(
                    &format!("2026-b{round}-{}", n / 193),
                    &state,
                    n,
                ))
                .await?;
            Ok(())
        }
    })
    .await
}

/// A submission from `state`, with its token minted once per State so
/// signing is not part of what is measured.
fn submit_request(cycle: &str, state: &str, n: usize) -> Request<SubmitNationalReportRequest> {
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

async fn compile(
    drafts: &mut BiennialReportCompilerClient<AuthChannel>,
    n: &mut u32,
) -> anyhow::Result<imrf_proto::v1::DraftInfo> {
    *n += 1;
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    drafts
        .compile_draft(CompileDraftRequest {
            request_id: format!("bench-compile-{stamp}-{n}"),
            cycle_id: "2026".into(),
        })
        .await?
        .into_inner()
        .draft
        .context("no draft")
}

async fn compile_until(
    drafts: &mut BiennialReportCompilerClient<AuthChannel>,
    n: &mut u32,
    done: impl Fn(usize) -> bool,
) -> anyhow::Result<imrf_proto::v1::DraftInfo> {
    let deadline = Instant::now() + Duration::from_secs(600);
    loop {
        let draft = compile(drafts, n).await?;
        if done(draft.inputs.len()) {
            return Ok(draft);
        }
        anyhow::ensure!(
            Instant::now() < deadline,
            "report-compiler never caught up ({} inputs)",
            draft.inputs.len()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Submits at `rate` per second for `seconds` and measures, per submission,
/// the time from its answer to the first aggregate version counting it
/// (zero when the aggregate counted it before the answer arrived). Each
/// block of 193 submissions goes to its own cycle, one report per State,
/// each block watched on its own stream.
async fn steady_latency(
    channel: &AuthChannel,
    prefix: &str,
    states: &[String],
    rate: u32,
    seconds: u64,
) -> anyhow::Result<(usize, f64, f64, f64)> {
    let total = (u64::from(rate) * seconds) as usize;
    let blocks = total.div_ceil(states.len());
    let cycle = |b: usize| format!("{prefix}-{b}");
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
