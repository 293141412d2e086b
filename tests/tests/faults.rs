//! Fault tests: services killed with SIGKILL at random moments under a
//! steady load, and poison on every stream. Every submission answered OK
//! ends in the aggregate exactly once, and the draft is the one an
//! undisturbed run of the same inputs gives.

mod support;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use imrf_bus::Bus;
use imrf_bus::names::{NATIONAL, PRACTICES, REGIONAL, subject};
use imrf_platform::auth::{AuthChannel, Bearer, with_bearer};
use imrf_platform::error::is_shed;
use imrf_proto::v1::biennial_report_compiler_client::BiennialReportCompilerClient;
use imrf_proto::v1::national_report_aggregation_client::NationalReportAggregationClient;
use imrf_proto::v1::practice_repository_client::PracticeRepositoryClient;
use imrf_proto::v1::review_cycle_client::ReviewCycleClient;
use imrf_proto::v1::{
    AdvanceCycleRequest, CompileDraftRequest, CyclePhase, CycleSchedule, GetAggregateRequest,
    ImplementationStatus, NationalReport, ObjectiveStatus, OpenCycleRequest, ReportKind,
    SubmitNationalReportRequest,
};
use imrf_testkit::{by_state, channel_as, count_on_subject, eventually, token_for};
use support::{Stack, approval, as_caller, date, practice};
use tonic::{Code, Status};

type AnyError = Box<dyn std::error::Error + Send + Sync>;

const CLOCK: [&str; 2] = ["--clock-start", "2026-02-02T08:00:00Z"];
const REPORTS: usize = 2_000;
const PRACTICES_SUBMITTED: usize = 100;

/// Cycles "2026-f0", "2026-f1", ...: 193 States each, so 2,000 reports are
/// 2,000 distinct records.
fn cycle_of(n: usize) -> String {
    format!("2026-f{}", n / 193)
}

fn report(n: usize, states: &[String]) -> SubmitNationalReportRequest {
    let state = states[n % states.len()].clone();
    SubmitNationalReportRequest {
        request_id: format!("load-report-{n}"),
        report: Some(NationalReport {
            cycle_id: cycle_of(n),
            state,
            kind: ReportKind::VoluntaryNationalReview as i32,
            title: format!("Report {n}"),
            objectives: vec![ObjectiveStatus {
                objective: 1 + (n % 23) as u32,
                status: ImplementationStatus::InProgress as i32,
                narrative: String::new(),
            }],
            summary: "s".into(),
            ..Default::default()
        }),
        expected_revision: None,
    }
}

/// Whether a failed call may have failed only because the service was down.
fn retryable(status: &Status) -> bool {
    // A call shed for capacity or rate says when to try again.
    if is_shed(status) {
        return true;
    }
    matches!(
        status.code(),
        Code::Unavailable
            | Code::Unknown
            | Code::Cancelled
            | Code::DeadlineExceeded
            | Code::Internal
    ) && !status.message().contains("internal error")
        || status.code() == Code::Unavailable
}

/// Calls `call` until it succeeds or fails definitely; retries reuse the
/// same request (and so the same request id).
async fn with_retry<T, F, Fut>(mut call: F) -> Result<Result<T, Status>, AnyError>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, Status>>,
{
    let deadline = tokio::time::Instant::now() + Duration::from_secs(120);
    loop {
        match call().await {
            Ok(value) => return Ok(Ok(value)),
            Err(status) if retryable(&status) => {
                if tokio::time::Instant::now() > deadline {
                    return Err(format!("still failing: {status:?}").into());
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            Err(status) => return Ok(Err(status)),
        }
    }
}

struct Run {
    accepted_per_cycle: BTreeMap<String, u32>,
    refused: usize,
    draft_sha: String,
    kills: usize,
}

async fn channel(url: &str) -> Result<AuthChannel, AnyError> {
    // A lazy channel reconnects by itself after the service restarts on the
    // same port.
    let channel = tonic::transport::Endpoint::from_shared(url.to_string())?
        .connect_timeout(Duration::from_secs(1))
        .timeout(Duration::from_secs(10))
        .connect_lazy();
    Ok(with_bearer(
        channel,
        Bearer::new(Some(&token_for("secretariat")))?,
    ))
}

/// Opens, through report-compiler, every cycle the first `reports` reports
/// of [`report`] go to.
async fn open_cycles(compiler: &AuthChannel, reports: usize) -> Result<(), AnyError> {
    let mut cycles = ReviewCycleClient::new(compiler.clone());
    let cycle_ids: std::collections::BTreeSet<String> = (0..reports).map(cycle_of).collect();
    for id in &cycle_ids {
        cycles
            .open_cycle(OpenCycleRequest {
                request_id: format!("open-{id}"),
                cycle_id: id.clone(),
                title: "Fault test".into(),
                schedule: Some(CycleSchedule {
                    collection_start: date(2026, 2, 1),
                    regional_review_deadline: date(2026, 4, 30),
                    national_report_deadline: date(2026, 5, 31),
                    practices_cutoff: date(2026, 6, 15),
                    compile_date: date(2026, 7, 1),
                    plenary_date: date(2026, 12, 1),
                }),
                document_symbol: String::new(),
                session: 81,
                ..Default::default()
            })
            .await?;
    }
    Ok(())
}

async fn load(stack: &mut Stack, kill: bool) -> Result<Run, AnyError> {
    let urls: Vec<String> = stack.services.iter().map(|s| s.url()).collect();
    let national = channel(&urls[1]).await?;
    let practices = channel(&urls[2]).await?;
    let compiler = channel(&urls[3]).await?;
    open_cycles(&compiler, REPORTS).await?;
    let states: Vec<String> = imrf_gcm::refdata::reference()
        .member_states()
        .map(|s| s.iso3.clone())
        .collect();

    // The supervisor: every 700 ms it kills one service and restarts it.
    let (stop_tx, mut stop_rx) = tokio::sync::oneshot::channel::<()>();
    let mut services = std::mem::take(&mut stack.services);
    let supervisor = tokio::spawn(async move {
        let mut kills = 0usize;
        if kill {
            let mut interval = tokio::time::interval(Duration::from_millis(700));
            interval.tick().await;
            loop {
                tokio::select! {
                    _ = &mut stop_rx => break,
                    _ = interval.tick() => {
                        // National intake and the Repository take the load;
                        // the compiler follows them.
                        let target = [1, 2, 3, 1, 2][kills % 5];
                        if services[target].crash_and_restart().is_ok() {
                            kills += 1;
                        }
                    }
                }
            }
        }
        (services, kills)
    });

    // The client: a steady rate of submissions, each retried until answered.
    let mut interval = tokio::time::interval(Duration::from_millis(4));
    let mut tasks = Vec::new();
    for n in 0..REPORTS {
        interval.tick().await;
        let request = report(n, &states);
        let channel = national.clone();
        tasks.push(tokio::spawn(async move {
            let outcome = with_retry(|| {
                let mut client = NationalReportAggregationClient::new(channel.clone());
                let request = request.clone();
                async move {
                    client
                        .submit_national_report(by_state(request))
                        .await
                        .map(|r| r.into_inner())
                }
            })
            .await;
            (cycle_of(n), outcome)
        }));
    }
    let mut practice_ids = Vec::new();
    for n in 0..PRACTICES_SUBMITTED {
        interval.tick().await;
        let client = PracticeRepositoryClient::new(practices.clone());
        let outcome = with_retry(|| {
            let mut client = client.clone();
            async move {
                client
                    .submit_practice(as_caller("state:KEN", practice(n)))
                    .await
                    .map(|r| r.into_inner())
            }
        })
        .await?;
        if let Ok(answer) = outcome {
            practice_ids.push(answer.practice_id);
        }
    }
    for (n, id) in practice_ids.iter().enumerate() {
        interval.tick().await;
        let client = PracticeRepositoryClient::new(practices.clone());
        let review = approval(format!("load-review-{n}"), id, 1);
        with_retry(|| {
            let mut client = client.clone();
            let review = review.clone();
            async move {
                client
                    .review_practice(as_caller("curator:a", review))
                    .await
                    .map(|r| r.into_inner())
            }
        })
        .await??;
    }
    let mut accepted_per_cycle: BTreeMap<String, u32> = BTreeMap::new();
    let mut refused = 0;
    let mut refusals: Vec<String> = Vec::new();
    for task in tasks {
        let (cycle, outcome) = task.await?;
        match outcome? {
            Ok(_) => *accepted_per_cycle.entry(cycle).or_default() += 1,
            Err(status) => {
                refused += 1;
                refusals.push(format!("{cycle}: {:?} {}", status.code(), status.message()));
            }
        }
    }
    let _ = stop_tx.send(());
    let (services, kills) = supervisor.await?;
    stack.services = services;

    // Every accepted report is in its cycle's aggregate exactly once.
    let mut client = NationalReportAggregationClient::new(national.clone());
    for (cycle, accepted) in &accepted_per_cycle {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(120);
        loop {
            let counted = with_retry(|| {
                let mut client = client.clone();
                let cycle = cycle.clone();
                async move {
                    client
                        .get_aggregate(GetAggregateRequest {
                            cycle_id: cycle,
                            ..Default::default()
                        })
                        .await
                        .map(|r| r.into_inner())
                }
            })
            .await??
            .aggregate
            .map_or(0, |a| a.national_reports);
            if counted == *accepted {
                break;
            }
            assert!(
                counted < *accepted,
                "cycle {cycle}: {counted} counted, {accepted} accepted: double counting; refused: {refusals:?}"
            );
            assert!(
                tokio::time::Instant::now() < deadline,
                "cycle {cycle}: {counted} of {accepted} counted"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
    let _ = &mut client;

    // The draft of the first cycle, once report-compiler has every input.
    let mut cycles = ReviewCycleClient::new(compiler.clone());
    let first = cycle_of(0);
    with_retry(|| {
        let mut cycles = cycles.clone();
        let first = first.clone();
        async move {
            cycles
                .advance_cycle(AdvanceCycleRequest {
                    request_id: "adv".into(),
                    cycle_id: first,
                    expected_phase: CyclePhase::Collecting as i32,
                    reason: "done".into(),
                })
                .await
                .map(|r| r.into_inner())
        }
    })
    .await??;
    let _ = &mut cycles;
    // The practices have one approval of the two they need: in review, not
    // in the draft.
    let expected_inputs = accepted_per_cycle.get(&first).copied().unwrap_or(0) as usize;
    let mut drafts = BiennialReportCompilerClient::new(compiler.clone());
    let deadline = tokio::time::Instant::now() + Duration::from_secs(120);
    let mut n = 0;
    let draft_sha = loop {
        n += 1;
        let request = CompileDraftRequest {
            request_id: format!("c{n}"),
            cycle_id: first.clone(),
        };
        let draft = with_retry(|| {
            let mut drafts = drafts.clone();
            let request = request.clone();
            async move { drafts.compile_draft(request).await.map(|r| r.into_inner()) }
        })
        .await??
        .draft
        .ok_or("no draft")?;
        if draft.inputs.len() >= expected_inputs {
            break draft.sha256;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "draft has {} of {expected_inputs} inputs",
            draft.inputs.len()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let _ = &mut drafts;
    Ok(Run {
        accepted_per_cycle,
        refused,
        draft_sha,
        kills,
    })
}

#[tokio::test]
async fn services_killed_under_load_lose_nothing_and_double_nothing() -> Result<(), AnyError> {
    let mut calm = Stack::start_with(&CLOCK)?;
    let mut stormy = Stack::start_with(&CLOCK)?;
    let (calm_run, stormy_run) = tokio::join!(load(&mut calm, false), load(&mut stormy, true));
    let (calm_run, stormy_run) = (calm_run?, stormy_run?);
    assert!(stormy_run.kills >= 5, "only {} kills", stormy_run.kills);
    let accepted: u32 = stormy_run.accepted_per_cycle.values().sum();
    assert_eq!(accepted as usize + stormy_run.refused, REPORTS);
    assert_eq!(stormy_run.accepted_per_cycle, calm_run.accepted_per_cycle);
    assert_eq!(stormy_run.draft_sha, calm_run.draft_sha);
    eprintln!(
        "{} kills; {accepted} reports accepted, {} refused; draft {}",
        stormy_run.kills, stormy_run.refused, stormy_run.draft_sha
    );
    Ok(())
}

/// Garbage on each stream: the consumers park it and go on, the read
/// models skip it, and the services keep serving.
#[tokio::test]
async fn poison_on_every_stream_is_parked_or_skipped_and_nothing_stalls() -> Result<(), AnyError> {
    let stack = Stack::start_with(&CLOCK)?;
    let bus = Bus::connect(&stack.nats.bus_config(), "saboteur").await?;
    for subject in [
        subject::national_report("KEN", "2026", "VNR"),
        subject::regional_review("ECE", "2026"),
        subject::practice("01JAAAAAAAAAAAAAAAAAAAAAAA"),
        subject::cycle_opened("2026"),
    ] {
        bus.jetstream()
            .publish(subject, bytes::Bytes::from_static(b"\x00\xff not an event"))
            .await?
            .await?;
    }
    open_cycles(&channel(&stack.services[3].url()).await?, 1).await?;
    let mut national = NationalReportAggregationClient::new(
        channel_as(stack.services[1].url(), "secretariat").await?,
    );
    let accepted = national
        .submit_national_report(by_state(report(0, &["KEN".to_string()])))
        .await?
        .into_inner();
    assert_eq!(accepted.revision, 1);
    // The aggregator parked both bad inputs it consumes and counted the good one.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let parked =
            count_on_subject(&bus, "PARKED", "imrf.v1.parked.national-aggregation.>").await?;
        let counted = national
            .get_aggregate(GetAggregateRequest {
                cycle_id: "2026-f0".into(),
                ..Default::default()
            })
            .await?
            .into_inner()
            .aggregate
            .map_or(0, |a| a.national_reports);
        if parked == 2 && counted == 1 {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "parked {parked}, counted {counted}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    for (i, service) in stack.services.iter().enumerate() {
        let status =
            imrf_platform::probe::health(imrf_platform::probe::connect(&service.url()).await?, "")
                .await?;
        assert_eq!(status.as_str_name(), "SERVING", "service {i}");
    }
    let _ = (NATIONAL, REGIONAL, PRACTICES);
    Ok(())
}

async fn health_of(url: &str) -> String {
    match imrf_platform::probe::connect(url).await {
        Ok(channel) => imrf_platform::probe::health(channel, "")
            .await
            .map_or_else(|e| e.to_string(), |s| s.as_str_name().to_string()),
        Err(err) => err.to_string(),
    }
}

async fn wait_health(urls: &[String], wanted: &str) -> Result<(), AnyError> {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    for url in urls {
        loop {
            let status = health_of(url).await;
            if status == wanted {
                break;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "{url} is {status}, not {wanted}"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
    Ok(())
}

/// nats-server stopped in the middle of a steady load and started again on
/// the same store: the services say NOT_SERVING while it is down, recover
/// by themselves, and every accepted report is counted once.
#[tokio::test]
async fn nats_stopped_under_load_and_restarted_loses_nothing() -> Result<(), AnyError> {
    const LOAD: usize = 600;
    let mut stack = Stack::start_with(&CLOCK)?;
    let urls: Vec<String> = stack.services.iter().map(|s| s.url()).collect();
    let national = channel(&urls[1]).await?;
    open_cycles(&channel(&urls[3]).await?, LOAD).await?;
    let states: Vec<String> = imrf_gcm::refdata::reference()
        .member_states()
        .map(|s| s.iso3.clone())
        .collect();
    // The outage runs beside the load: NATS goes down after a third of
    // the submissions have started and comes back only once another 100
    // have arrived while it was down, so new submissions keep coming (and
    // are answered UNAVAILABLE, then retried with the same request id)
    // throughout.
    let started = Arc::new(AtomicUsize::new(0));
    let outage = {
        let started = started.clone();
        let urls = urls.clone();
        tokio::spawn(async move {
            let reached = |count: usize| {
                let started = started.clone();
                async move { (started.load(Ordering::SeqCst) >= count).then_some(()) }
            };
            eventually(Duration::from_secs(60), || reached(LOAD / 3))
                .await
                .ok_or("the load never reached a third")?;
            stack.nats.stop();
            wait_health(&urls, "NOT_SERVING").await?;
            let down_at = started.load(Ordering::SeqCst);
            eventually(Duration::from_secs(60), || reached(down_at + 100))
                .await
                .ok_or("no submissions arrived during the outage")?;
            stack.nats.restart()?;
            wait_health(&urls, "SERVING").await?;
            Ok::<_, AnyError>((stack, started.load(Ordering::SeqCst) - down_at))
        })
    };
    let mut tasks = Vec::new();
    let mut interval = tokio::time::interval(Duration::from_millis(5));
    for n in 0..LOAD {
        interval.tick().await;
        started.fetch_add(1, Ordering::SeqCst);
        let request = report(n, &states);
        let channel = national.clone();
        tasks.push(tokio::spawn(async move {
            let outcome = with_retry(|| {
                let mut client = NationalReportAggregationClient::new(channel.clone());
                let request = request.clone();
                async move {
                    client
                        .submit_national_report(by_state(request))
                        .await
                        .map(|r| r.into_inner())
                }
            })
            .await;
            (cycle_of(n), outcome)
        }));
    }
    let (stack, arrived_during_outage) = outage.await??;
    assert!(
        arrived_during_outage >= 100,
        "{arrived_during_outage} arrived while NATS was down"
    );
    let mut accepted: BTreeMap<String, u32> = BTreeMap::new();
    for task in tasks {
        let (cycle, outcome) = task.await?;
        if outcome?.is_ok() {
            *accepted.entry(cycle).or_default() += 1;
        }
    }
    assert_eq!(
        accepted.values().sum::<u32>() as usize,
        LOAD,
        "every report accepted in the end"
    );
    let client = NationalReportAggregationClient::new(national);
    for (cycle, expected) in &accepted {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
        loop {
            let counted = client
                .clone()
                .get_aggregate(GetAggregateRequest {
                    cycle_id: cycle.clone(),
                    ..Default::default()
                })
                .await
                .ok()
                .and_then(|r| r.into_inner().aggregate)
                .map_or(0, |a| a.national_reports);
            assert!(
                counted <= *expected,
                "cycle {cycle}: {counted} counted of {expected}"
            );
            if counted == *expected {
                break;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "cycle {cycle}: {counted} of {expected}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
    let bus = Bus::connect(&stack.nats.bus_config(), "observer").await?;
    assert_eq!(
        count_on_subject(&bus, NATIONAL.name, subject::NATIONAL_REPORT_ALL).await?,
        LOAD as u64
    );
    Ok(())
}
