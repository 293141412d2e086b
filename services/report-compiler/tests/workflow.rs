//! The review-cycle workflow against a real nats-server, with a manual
//! clock: a year-long cycle runs in seconds, each deadline fires exactly
//! once (also across a restart), and reminders name who has not submitted.

mod fixture;

use std::time::Duration;

use fixture::{AnyError, TestApp, day, publish_report, publish_review, publisher, schedule};
use imrf_bus::names::{CYCLE, subject};
use imrf_gcm::clock::ManualClock;
use imrf_platform::error::field_violations;
use imrf_proto::v1::{
    AdvanceCycleRequest, Commission, CyclePhase, Deadline, ImplementationStatus, OpenCycleRequest,
    event::Payload,
};
use imrf_testkit::{NatsServer, count_on_subject};
use tonic::Code;

type TestResult = Result<(), AnyError>;

#[tokio::test]
async fn a_whole_cycle_runs_on_its_schedule_and_each_deadline_fires_once() -> TestResult {
    let nats = NatsServer::start()?;
    let clock = ManualClock::new(day(2024, 12, 1));
    let mut app = TestApp::spawn(&nats, &clock).await?;
    let bus = publisher(&nats).await?;
    let opened = app.open().await?;
    assert_eq!(opened.phase, CyclePhase::Open as i32);

    clock.set(day(2025, 1, 1));
    app.phase_until(CyclePhase::Collecting).await?;

    // One commission and one State have submitted; 30 days before the
    // regional deadline, the reminder names the four other commissions.
    publish_review(&bus, Commission::Ece, 1, "Progress.").await?;
    publish_report(
        &bus,
        "KEN",
        3.0,
        &[(20, ImplementationStatus::InProgress)],
        false,
    )
    .await?;
    app.cycle_until(|c| c.progress.iter().any(|p| p.regional_review_received))
        .await?;
    // 30 days before the end of 31 October, then of 30 November.
    let reminders = subject::cycle_reminder("2026");
    for (now, expected) in [(day(2025, 10, 2), 1), (day(2025, 11, 2), 2)] {
        clock.set(now);
        let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
        while count_on_subject(&bus, CYCLE.name, &reminders).await? < expected {
            assert!(
                tokio::time::Instant::now() < deadline,
                "no reminder {expected}"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
    let mut regional = None;
    let mut national = None;
    bus.replay(CYCLE.name, &[reminders.as_str()], |message| {
        if let Ok(event) = message.event()
            && let Some(Payload::DeadlineReminder(r)) = event.payload
        {
            if r.deadline == Deadline::RegionalReviews as i32 {
                regional = Some(r);
            } else {
                national = Some(r);
            }
        }
        Ok(())
    })
    .await?;
    let regional = regional.ok_or("no regional reminder")?;
    assert_eq!(regional.days_before, 30);
    assert_eq!(
        regional.missing_commissions,
        [
            Commission::Eca,
            Commission::Eclac,
            Commission::Escap,
            Commission::Escwa
        ]
        .map(|c| c as i32)
    );
    let national = national.ok_or("no national reminder")?;
    assert_eq!(national.missing_states.len(), 192, "every State but Kenya");
    assert!(!national.missing_states.contains(&"KEN".to_string()));

    // A restart in the middle: the deadlines already fired stay fired.
    app.stop().await;
    let mut app = TestApp::spawn(&nats, &clock).await?;

    clock.set(day(2025, 12, 1));
    app.phase_until(CyclePhase::Consolidating).await?;
    clock.set(day(2026, 1, 5));
    let drafting = app.phase_until(CyclePhase::Drafting).await?;
    // Entering DRAFTING compiles the first draft.
    let drafting = if drafting.latest_draft.is_none() {
        app.cycle_until(|c| c.latest_draft.is_some()).await?
    } else {
        drafting
    };
    assert_eq!(
        drafting.latest_draft.map(|d| d.trigger),
        Some("compile_date".to_string())
    );
    // Twelve weeks before the plenary of 4 May 2026: 9 February (the day
    // before is checked in cycle::tests).
    clock.set(day(2026, 2, 9));
    let issued = app.phase_until(CyclePhase::Issued).await?;

    let fired: Vec<(i32, i32)> = issued.history.iter().map(|h| (h.to, h.deadline)).collect();
    assert_eq!(
        fired,
        [
            (
                CyclePhase::Collecting as i32,
                Deadline::CollectionStart as i32
            ),
            (
                CyclePhase::Consolidating as i32,
                Deadline::NationalReports as i32
            ),
            (CyclePhase::Drafting as i32, Deadline::Compile as i32),
            (CyclePhase::Issued as i32, Deadline::Plenary as i32),
        ]
    );
    assert_eq!(
        count_on_subject(&bus, CYCLE.name, &subject::cycle_phase("2026")).await?,
        4
    );
    assert_eq!(count_on_subject(&bus, CYCLE.name, &reminders).await?, 2);
    app.stop().await;
    Ok(())
}

#[tokio::test]
async fn two_replicas_fire_each_deadline_once() -> TestResult {
    let nats = NatsServer::start()?;
    let clock = ManualClock::new(day(2024, 12, 1));
    let mut a = TestApp::spawn(&nats, &clock).await?;
    let mut b = TestApp::spawn(&nats, &clock).await?;
    a.open().await?;
    b.cycle_until(|_| true).await?;
    clock.set(day(2026, 1, 5));
    a.phase_until(CyclePhase::Drafting).await?;
    b.phase_until(CyclePhase::Drafting).await?;
    let bus = publisher(&nats).await?;
    assert_eq!(
        count_on_subject(&bus, CYCLE.name, &subject::cycle_phase("2026")).await?,
        3
    );
    a.stop().await;
    b.stop().await;
    Ok(())
}

#[tokio::test]
async fn a_cycle_opened_on_its_collection_start_answers_collecting_changed_no_earlier_than_opened()
-> TestResult {
    let nats = NatsServer::start()?;
    // Noon on the day collection starts.
    let clock = ManualClock::new(day(2025, 1, 1) + Duration::from_secs(12 * 3600));
    let mut app = TestApp::spawn(&nats, &clock).await?;
    let opened = app.open().await?;
    assert_eq!(opened.phase, CyclePhase::Collecting as i32);
    let read = app.cycle().await?;
    assert_eq!(read.phase, opened.phase);
    let opened_at = read.opened_at.ok_or("no opened_at")?;
    let change = read.history.last().ok_or("no history")?;
    assert_eq!(change.to, CyclePhase::Collecting as i32);
    let at = change.at.ok_or("no date")?;
    assert!(
        (at.seconds, at.nanos) >= (opened_at.seconds, opened_at.nanos),
        "changed at {at:?}, before it was opened at {opened_at:?}"
    );
    app.stop().await;
    Ok(())
}

#[tokio::test]
async fn the_secretariat_advances_by_hand_with_a_reason() -> TestResult {
    let nats = NatsServer::start()?;
    let clock = ManualClock::new(day(2024, 12, 1));
    let mut app = TestApp::spawn(&nats, &clock).await?;
    app.open().await?;
    let advance = |expected: CyclePhase, id: &str| AdvanceCycleRequest {
        request_id: id.into(),
        cycle_id: "2026".into(),
        expected_phase: expected as i32,
        reason: "Early start agreed by the Network".into(),
    };
    let cycle = app
        .cycles
        .advance_cycle(advance(CyclePhase::Open, "a1"))
        .await?
        .into_inner()
        .cycle
        .ok_or("none")?;
    assert_eq!(cycle.phase, CyclePhase::Collecting as i32);
    let change = cycle.history.last().ok_or("no history")?;
    assert_eq!(change.reason, "Early start agreed by the Network");
    assert_eq!(change.deadline, Deadline::Unspecified as i32);
    // The same request again: the first answer, nothing new.
    app.cycles
        .advance_cycle(advance(CyclePhase::Open, "a1"))
        .await?;
    assert_eq!(app.cycle().await?.phase, CyclePhase::Collecting as i32);
    // A stale expectation is refused, naming the phase.
    let stale = app
        .cycles
        .advance_cycle(advance(CyclePhase::Open, "a2"))
        .await
        .err()
        .ok_or("accepted")?;
    assert_eq!(stale.code(), Code::FailedPrecondition);
    assert!(
        stale.message().contains("COLLECTING"),
        "{}",
        stale.message()
    );
    let no_reason = app
        .cycles
        .advance_cycle(AdvanceCycleRequest {
            reason: String::new(),
            ..advance(CyclePhase::Collecting, "a3")
        })
        .await
        .err()
        .ok_or("accepted")?;
    assert_eq!(field_violations(&no_reason)[0].0, "reason");
    // The timer for collection start, due later, does not fire again: when
    // the next deadline fires, the stream holds the manual change and that
    // one only.
    clock.set(day(2025, 12, 1));
    app.phase_until(CyclePhase::Consolidating).await?;
    let bus = publisher(&nats).await?;
    assert_eq!(
        count_on_subject(&bus, CYCLE.name, &subject::cycle_phase("2026")).await?,
        2
    );
    app.stop().await;
    Ok(())
}

#[tokio::test]
async fn a_schedule_must_be_complete_ordered_and_leave_twelve_weeks() -> TestResult {
    let nats = NatsServer::start()?;
    let clock = ManualClock::new(day(2024, 12, 1));
    let mut app = TestApp::spawn(&nats, &clock).await?;
    let mut bad = schedule();
    bad.national_report_deadline = fixture::date(2024, 6, 1);
    bad.compile_date = fixture::date(2026, 3, 1);
    bad.practices_cutoff = None;
    let status = app
        .cycles
        .open_cycle(OpenCycleRequest {
            request_id: "bad".into(),
            cycle_id: "2026".into(),
            title: "t".into(),
            schedule: Some(bad),
            document_symbol: String::new(),
            session: 81,
            ..Default::default()
        })
        .await
        .err()
        .ok_or("accepted")?;
    let fields: Vec<String> = field_violations(&status)
        .into_iter()
        .map(|(f, _)| f)
        .collect();
    assert_eq!(
        fields,
        [
            "schedule.practices_cutoff",
            "schedule.national_report_deadline",
            "schedule.compile_date"
        ]
    );
    app.open().await?;
    let twice = app
        .cycles
        .open_cycle(OpenCycleRequest {
            request_id: "again".into(),
            cycle_id: "2026".into(),
            title: "t".into(),
            schedule: Some(schedule()),
            document_symbol: String::new(),
            session: 81,
            ..Default::default()
        })
        .await;
    assert_eq!(twice.err().map(|s| s.code()), Some(Code::AlreadyExists));
    app.stop().await;
    Ok(())
}

/// Validation takes whatever a client can make prost decode, and never
/// panics on it (dates such as 31 February or year 0 included).
#[test]
fn validation_survives_arbitrary_and_mutated_cycle_openings() {
    let seed = OpenCycleRequest {
        request_id: "fuzz".into(),
        cycle_id: "2026".into(),
        title: "Review of the Global Compact for Migration".into(),
        schedule: Some(schedule()),
        document_symbol: "A/81/000".into(),
        session: 81,
        ..Default::default()
    };
    imrf_testkit::fuzz_decoded(&seed, 20_000, |request: &OpenCycleRequest| {
        let mut v = imrf_gcm::validate::Violations::new();
        report_compiler::validate::validate_open(&mut v, request);
    });
}
