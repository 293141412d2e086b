//! Every service serves Prometheus metrics on its own listener, and the
//! series move as a cycle runs: calls by method and status code with their
//! latency, the NATS connection, the consumers' progress, requests
//! answered from the ledger, the aggregate's version, the draft's compile
//! and version, and the cycle's phase.

mod support;

use std::time::Duration;

use imrf_proto::v1::{
    AdvanceCycleRequest, CompileDraftRequest, CyclePhase, OpenCycleRequest,
    SubmitNationalReportRequest, SubmitNationalReportResponse,
};
use imrf_testkit::{as_caller, eventually};
use support::{Clients, Stack, date, report};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

type AnyError = Box<dyn std::error::Error + Send + Sync>;

/// GET `path` at `addr` over HTTP/1.1: the response's head and body.
async fn get(addr: &str, path: &str) -> Result<(String, String), AnyError> {
    let mut stream = tokio::net::TcpStream::connect(addr).await?;
    let request = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await?;
    let mut response = String::new();
    stream.read_to_string(&mut response).await?;
    let (head, body) = response.split_once("\r\n\r\n").ok_or("no HTTP response")?;
    Ok((head.to_string(), body.to_string()))
}

/// The metrics page at `addr`, as a scraper reads it.
async fn scrape(addr: &str) -> Result<String, AnyError> {
    let (head, body) = get(addr, "/metrics").await?;
    if !head.starts_with("HTTP/1.1 200")
        || !head.to_lowercase().contains("content-type: text/plain")
    {
        return Err(format!("not a metrics page: {head}").into());
    }
    Ok(body)
}

/// The value of the series `series` (its name and labels as the page
/// writes them) in `page`.
fn value(page: &str, series: &str) -> Option<f64> {
    page.lines()
        .find_map(|l| l.strip_prefix(series).and_then(|v| v.strip_prefix(' ')))
        .and_then(|v| v.trim().parse().ok())
}

/// Waits until the metrics at `addr` show `series` at `at_least` or more.
async fn until(addr: &str, series: &str, at_least: f64) -> Result<String, AnyError> {
    let seen = eventually(Duration::from_secs(15), || async {
        let page = scrape(addr).await.ok()?;
        (value(&page, series)? >= at_least).then_some(page)
    })
    .await;
    match seen {
        Some(page) => Ok(page),
        None => Err(format!(
            "{series} never reached {at_least} at {addr}:\n{}",
            scrape(addr).await.unwrap_or_default()
        )
        .into()),
    }
}

fn opening() -> OpenCycleRequest {
    OpenCycleRequest {
        request_id: "open-2030".into(),
        cycle_id: "2030".into(),
        title: "Biennial report of the Secretary-General, 2030".into(),
        schedule: Some(imrf_proto::v1::CycleSchedule {
            collection_start: date(2029, 2, 1),
            regional_review_deadline: date(2029, 4, 30),
            national_report_deadline: date(2029, 5, 31),
            practices_cutoff: date(2029, 6, 15),
            compile_date: date(2029, 7, 1),
            plenary_date: date(2029, 12, 1),
        }),
        document_symbol: "A/85/xxx".into(),
        session: 85,
        ..Default::default()
    }
}

async fn submit(
    clients: &Clients,
    request_id: &str,
    report: imrf_proto::v1::NationalReport,
) -> Result<Result<SubmitNationalReportResponse, tonic::Status>, AnyError> {
    let state = report.state.clone();
    let request = SubmitNationalReportRequest {
        request_id: request_id.into(),
        report: Some(report),
        expected_revision: None,
    };
    Ok(clients
        .national
        .clone()
        .submit_national_report(as_caller(&format!("state:{state}"), request))
        .await
        .map(|r| r.into_inner()))
}

#[tokio::test]
async fn every_service_serves_metrics_that_move_as_a_cycle_runs() -> Result<(), AnyError> {
    let dir = tempfile::tempdir()?;
    let (stack, metrics) = Stack::start_observed(dir.path())?;
    let [regional, national, practices, report_compiler] =
        <[String; 4]>::try_from(metrics).map_err(|_| "four services")?;
    for addr in [&regional, &national, &practices, &report_compiler] {
        until(addr, "imrf_nats_connected", 1.0).await?;
    }
    let clients = Clients::connect(&stack, Some("secretariat")).await?;
    clients.cycles.clone().open_cycle(opening()).await?;
    until(
        &report_compiler,
        "imrf_cycle_phase{cycle=\"2030\",phase=\"open\"}",
        1.0,
    )
    .await?;
    clients
        .cycles
        .clone()
        .advance_cycle(AdvanceCycleRequest {
            request_id: "advance-1".into(),
            cycle_id: "2030".into(),
            expected_phase: CyclePhase::Open as i32,
            reason: "Early start agreed by the Network".into(),
        })
        .await?;
    let page = until(
        &report_compiler,
        "imrf_cycle_phase{cycle=\"2030\",phase=\"collecting\"}",
        1.0,
    )
    .await?;
    assert_eq!(
        value(&page, "imrf_cycle_phase{cycle=\"2030\",phase=\"open\"}"),
        Some(0.0),
        "{page}"
    );
    // The compile date (2029-07-01, 00:00 UTC), and no draft yet: what
    // the alert on a missing draft reads.
    assert_eq!(
        value(
            &page,
            "imrf_cycle_compile_date_timestamp_seconds{cycle=\"2030\"}"
        ),
        Some(1_877_558_400.0),
        "{page}"
    );
    assert_eq!(
        value(&page, "imrf_draft_version{cycle=\"2030\"}"),
        Some(0.0),
        "{page}"
    );

    let mut kenya = report("KEN", 4.2, &[20]);
    kenya.cycle_id = "2030".into();
    submit(&clients, "ken-1", kenya.clone()).await??;
    // The same request again is answered from the ledger.
    submit(&clients, "ken-1", kenya.clone()).await??;
    let mut bad = kenya.clone();
    bad.state = "MEX".into();
    bad.title = String::new();
    assert!(submit(&clients, "mex-1", bad).await?.is_err());
    let page = until(
        &national,
        "imrf_rpc_requests_total{method=\"SubmitNationalReport\",code=\"OK\"}",
        2.0,
    )
    .await?;
    assert_eq!(
        value(
            &page,
            "imrf_rpc_requests_total{method=\"SubmitNationalReport\",code=\"INVALID_ARGUMENT\"}"
        ),
        Some(1.0),
        "{page}"
    );
    assert!(
        value(
            &page,
            "imrf_rpc_duration_seconds_count{method=\"SubmitNationalReport\",code=\"OK\"}"
        ) >= Some(2.0),
        "{page}"
    );
    assert!(page.contains("imrf_rpc_duration_seconds_bucket{method=\"SubmitNationalReport\",code=\"OK\",le=\"0.005\"}"), "{page}");
    assert!(
        page.contains("imrf_ledger_answers_total{operation="),
        "{page}"
    );
    let page = until(&national, "imrf_aggregate_version{cycle=\"2030\"}", 1.0).await?;
    assert!(
        value(
            &page,
            "imrf_consumer_processed_total{consumer=\"national-aggregation-reports\"}"
        ) >= Some(1.0),
        "{page}"
    );
    assert!(
        page.contains("imrf_consumer_pending_messages{consumer=\"national-aggregation-reports\"}"),
        "{page}"
    );

    clients
        .drafts
        .clone()
        .compile_draft(CompileDraftRequest {
            request_id: "compile-1".into(),
            cycle_id: "2030".into(),
        })
        .await?;
    let page = until(&report_compiler, "imrf_draft_version{cycle=\"2030\"}", 1.0).await?;
    assert!(
        value(&page, "imrf_draft_compile_duration_seconds_count") >= Some(1.0),
        "{page}"
    );
    assert_eq!(
        value(
            &page,
            "imrf_rpc_requests_total{method=\"CompileDraft\",code=\"OK\"}"
        ),
        Some(1.0),
        "{page}"
    );
    // A call with no token is counted by its status too.
    let anonymous = Clients::connect(&stack, None).await?;
    assert!(
        anonymous
            .cycles
            .clone()
            .open_cycle(opening())
            .await
            .is_err()
    );
    until(
        &report_compiler,
        "imrf_rpc_requests_total{method=\"OpenCycle\",code=\"UNAUTHENTICATED\"}",
        1.0,
    )
    .await?;
    // The console counts its pages by route, never by path.
    let console_metrics = dir.path().join("console.metrics");
    let console = support::browser::Console::start_with(
        &stack,
        &[
            "--metrics-listen",
            "127.0.0.1:0",
            "--metrics-addr-file",
            &console_metrics.to_string_lossy(),
        ],
    )?;
    let console_metrics = std::fs::read_to_string(&console_metrics)?
        .trim()
        .to_string();
    let pages = console.url("");
    let pages = pages.trim_start_matches("http://");
    let (head, _) = get(pages, "/practices").await?;
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    // An id that is not one: refused, and counted under its route.
    let (head, _) = get(pages, "/practices/01JNOSUCHPRACTICE0000000000").await?;
    let status = head.split(' ').nth(1).unwrap_or_default().to_string();
    assert!(status.starts_with('4'), "{head}");
    let page = until(
        &console_metrics,
        "imrf_http_requests_total{route=\"/practices\",status=\"200\"}",
        1.0,
    )
    .await?;
    assert_eq!(
        value(
            &page,
            &format!("imrf_http_requests_total{{route=\"/practices/{{id}}\",status=\"{status}\"}}")
        ),
        Some(1.0),
        "{page}"
    );
    assert!(!page.contains("01JNOSUCHPRACTICE"), "{page}");
    // No label carries a request id, a caller or a subject.
    for addr in [&regional, &national, &practices, &report_compiler] {
        let page = scrape(addr).await?;
        for leak in ["ken-1", "state:", "secretariat", "imrf.v1."] {
            assert!(!page.contains(leak), "{leak} in the metrics of {addr}");
        }
    }
    Ok(())
}
