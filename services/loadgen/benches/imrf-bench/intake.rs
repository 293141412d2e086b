//! Section 1: Intake throughput against the bus's and the RPC's limits, and where
//! its CPU goes.

use std::pin::Pin;

use futures::Stream;
use imrf_bus::Expect;
use imrf_loadgen::stats::{Figures, measure, median};
use imrf_loadgen::{cpu, fixtures};
use imrf_platform::auth::AuthChannel;
use imrf_proto::v1::national_report_aggregation_client::NationalReportAggregationClient;
use imrf_proto::v1::national_report_aggregation_server::{
    NationalReportAggregation, NationalReportAggregationServer,
};
use imrf_proto::v1::{
    GetAggregateRequest, GetAggregateResponse, GetNationalReportRequest, GetNationalReportResponse,
    ListNationalReportsRequest, ListNationalReportsResponse, SubmitNationalReportRequest,
    SubmitNationalReportResponse, WatchAggregateRequest, WatchAggregateResponse,
};
use tonic::{Request, Response, Status};

use super::cli::Cli;
use super::stack::{Stack, row, submit_request, wait_drained};

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
    async fn export_observations(
        &self,
        _: Request<imrf_proto::v1::ExportObservationsRequest>,
    ) -> Result<Response<imrf_proto::v1::ExportObservationsResponse>, Status> {
        Err(Status::unimplemented("echo"))
    }
}

pub(crate) async fn echo_server() -> anyhow::Result<String> {
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

/// Measures intake at each concurrency.
pub async fn run(cli: &Cli, stack: &Stack) -> anyhow::Result<()> {
    let Stack {
        nats,
        bus,
        regional,
        national,
        practices,
        report,
        national_channel,
        states,
        ..
    } = stack;
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
                    states,
                    cli.operations,
                    concurrency,
                    r,
                ))
                .await;
            rpc.push(figures?);
            cpu[1].add(&usage);
            // The aggregation the submissions cause is part of their cost,
            // so its backlog is drained inside the charge (not the timing).
            let cycles: std::collections::BTreeSet<String> = (0..cli.operations)
                .map(|n| submission_cycle(r, n))
                .collect();
            for cycle in &cycles {
                imrf_testkit::ensure_cycle_open(bus, cycle).await?;
            }
            let (figures, usage) = meter
                .charge(async {
                    let figures =
                        submissions(national_channel, states, cli.operations, concurrency, r).await;
                    wait_drained(bus, national_aggregation::aggregator::NATIONAL_CONSUMER).await?;
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
    Ok(())
}

/// Where the CPU time of each intake measurement went, and the throughput
/// the machine's cores would allow at that cost.
pub(crate) fn print_cpu(meter: &cpu::Meter, rows: &[(usize, [cpu::Usage; 3])], operations: usize) {
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

/// The cycle of submission `n` of round `round`: each State reports once
/// per cycle, so every submission is a first revision.
pub(crate) fn submission_cycle(round: usize, n: usize) -> String {
    format!("2026-b{round}-{}", n / 193)
}

/// `operations` SubmitNationalReport calls on `channel` at `concurrency`,
/// each a distinct report (round `round`): the same client work against
/// the service and against the echo server that is its baseline.
pub(crate) async fn submissions(
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
                .submit_national_report(submit_request(&submission_cycle(round, n), &state, n))
                .await?;
            Ok(())
        }
    })
    .await
}
