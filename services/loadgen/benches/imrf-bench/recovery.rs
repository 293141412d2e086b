//! Sections 5 and 4: memory, and recovery of national-aggregation on many events.

use std::time::{Duration, Instant};

use anyhow::Context;
use imrf_bus::Bus;
use imrf_bus::names::{NATIONAL, PRACTICES, REGIONAL, subject};
use imrf_loadgen::fixtures;
use imrf_proto::v1::biennial_report_compiler_client::BiennialReportCompilerClient;
use imrf_proto::v1::national_report_aggregation_client::NationalReportAggregationClient;
use imrf_proto::v1::practice_repository_client::PracticeRepositoryClient;
use imrf_proto::v1::review_cycle_client::ReviewCycleClient;
use imrf_proto::v1::{GetAggregateRequest, SearchPracticesRequest};
use imrf_testkit::{NatsServer, ServiceProcess};
use prost::Message;

use super::cli::Cli;
use super::compile::{compile_until, load_compile_scale, open_cycle};
use super::stack::{Stack, binary, memory, publish_all, secretariat};

/// Measures memory at the compile scale and on the stack, then recovery on
/// a server of its own; stops the stack.
pub async fn run(cli: &Cli, stack: Stack) -> anyhow::Result<()> {
    let Stack {
        regional,
        national,
        practices,
        report,
        states,
        cold_start,
        ..
    } = stack;
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
        let info = stream
            .consumer_info(national_aggregation::aggregator::NATIONAL_CONSUMER)
            .await?;
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
    let mut client = NationalReportAggregationClient::new(secretariat(&recovering).await?);
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

    Ok(())
}

/// Peak memory of each service on a stack of its own holding exactly the
/// compile benchmark's inputs, after a compile and a search: the scale of
/// (3) without the intake runs' data.
pub(crate) async fn memory_at_compile_scale(
    states: &[String],
    practices: usize,
) -> anyhow::Result<[f64; 4]> {
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
