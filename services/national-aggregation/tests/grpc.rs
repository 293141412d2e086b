//! national-aggregation over real gRPC on a socket, against a real
//! nats-server: intake, revisions, the live aggregate, and its exactly-once
//! effect when the consumer dies between processing and ack.

use imrf_bus::names::event_type;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use futures::StreamExt;
use imrf_bus::consumer::{self, ConsumerMetrics};
use imrf_bus::names::{AGGREGATES, NATIONAL, REGIONAL, STREAMS, bucket, subject};
use imrf_bus::{Bus, Expect, new_event};
use imrf_platform::auth::AuthChannel;
use imrf_platform::error::field_violations;
use imrf_proto::v1::national_report_aggregation_client::NationalReportAggregationClient;
use imrf_proto::v1::{
    Aggregate, Commission, DisaggregationDimension, GetAggregateRequest, GetNationalReportRequest,
    ImplementationStatus, IndicatorObservation, ListNationalReportsRequest, NationalReport,
    NationalReportAccepted, NationalReportRecord, ObjectiveFinding, ObjectiveStatus, Pledge,
    PledgeKind, PledgeStatus, RecordMeta, RegionalReview, RegionalReviewAccepted,
    RegionalReviewRecord, RegionalReviewWithdrawn, ReportKind, StakeholderParticipation,
    StakeholderType, SubmitNationalReportRequest, WatchAggregateRequest, event::Payload,
};
use imrf_testkit::{InProcess, NatsServer, by_state, channel_as, count_on_subject, service_config};
use national_aggregation::aggregator::{Aggregator, national_spec};
use national_aggregation::store::AggregateStore;
use national_aggregation::{Application, Config};
use tonic::Code;

type TestResult = Result<(), Box<dyn std::error::Error + Send + Sync>>;
type AnyError = Box<dyn std::error::Error + Send + Sync>;

struct TestApp {
    client: NationalReportAggregationClient<AuthChannel>,
    process: InProcess,
}

impl TestApp {
    async fn spawn(nats: &NatsServer) -> Result<Self, AnyError> {
        imrf_platform::telemetry::init_for_tests();
        nats.ensure_cycle_open("2026").await?;
        let app = Application::build(Config {
            service: service_config(nats),
            consumer_ack_wait: Duration::from_secs(1),
            aggregate_publish_period: Duration::from_millis(100),
        })
        .await?;
        let addr = app.local_addr().ok_or("no address")?;
        let process = InProcess::spawn(addr, |stop| app.run_until_stopped(stop));
        // The secretariat reads; each submission comes from its own State.
        let client =
            NationalReportAggregationClient::new(channel_as(process.url(), "secretariat").await?);
        Ok(Self { client, process })
    }

    async fn stop(self) {
        self.process.stop().await;
    }

    /// Waits until the aggregate of 2026 satisfies `done`.
    async fn aggregate_until(
        &mut self,
        done: impl Fn(&Aggregate) -> bool,
    ) -> Result<Aggregate, AnyError> {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
        loop {
            let aggregate = self
                .client
                .get_aggregate(GetAggregateRequest {
                    cycle_id: "2026".into(),
                    ..Default::default()
                })
                .await?
                .into_inner()
                .aggregate
                .unwrap_or_default();
            if done(&aggregate) {
                return Ok(aggregate);
            }
            if tokio::time::Instant::now() > deadline {
                return Err(
                    format!("aggregate never reached the expected state: {aggregate:?}").into(),
                );
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

fn report(state: &str) -> NationalReport {
    NationalReport {
        cycle_id: "2026".into(),
        state: state.into(),
        kind: ReportKind::VoluntaryNationalReview as i32,
        title: format!("Voluntary national review of {state}"),
        objectives: vec![
            ObjectiveStatus {
                objective: 20,
                status: ImplementationStatus::InProgress as i32,
                narrative: "Digital remittance channels licensed.".into(),
            },
            ObjectiveStatus {
                objective: 1,
                status: ImplementationStatus::Planned as i32,
                narrative: String::new(),
            },
        ],
        indicators: vec![IndicatorObservation {
            indicator_code: "10.c.1".into(),
            value: 2.8,
            unit: "percent".into(),
            year: 2024,
            dimension: 0,
            category: String::new(),
            source: "central bank".into(),
        }],
        pledges: vec![Pledge {
            pledge_id: format!("{state}-P1"),
            title: "Reduce remittance costs".into(),
            objectives: vec![20],
            kind: PledgeKind::PolicyOriented as i32,
            status: PledgeStatus::Ongoing as i32,
            description: String::new(),
        }],
        stakeholders_consulted: vec![StakeholderParticipation {
            r#type: StakeholderType::CivilSociety as i32,
            count: 12,
            description: String::new(),
        }],
        has_implementation_plan: true,
        disaggregation_supported: vec![DisaggregationDimension::Sex as i32],
        summary: "Progress on remittances; data disaggregated by sex.".into(),
    }
}

fn submit(
    request_id: &str,
    report: NationalReport,
    expected: Option<u32>,
) -> SubmitNationalReportRequest {
    SubmitNationalReportRequest {
        request_id: request_id.into(),
        report: Some(report),
        expected_revision: expected,
    }
}

#[tokio::test]
async fn a_report_is_accepted_read_back_listed_and_aggregated() -> TestResult {
    let nats = NatsServer::start()?;
    let mut app = TestApp::spawn(&nats).await?;
    let response = app
        .client
        .submit_national_report(by_state(submit("k1", report("KEN"), None)))
        .await?
        .into_inner();
    assert_eq!(response.report_id, "2026-KEN-VNR");
    assert_eq!(response.revision, 1);

    let record = app
        .client
        .get_national_report(GetNationalReportRequest {
            report_id: "2026-KEN-VNR".into(),
            revision: 0,
        })
        .await?
        .into_inner()
        .record
        .ok_or("no record")?;
    assert_eq!(record.report, Some(report("KEN")));

    app.client
        .submit_national_report(by_state(submit("c1", report("CHL"), None)))
        .await?;
    let listed = app
        .client
        .list_national_reports(ListNationalReportsRequest {
            commission: Commission::Eca as i32,
            ..Default::default()
        })
        .await?
        .into_inner();
    let ids: Vec<String> = listed.records.into_iter().map(|r| r.report_id).collect();
    assert_eq!(ids, ["2026-KEN-VNR"]);

    let aggregate = app.aggregate_until(|a| a.national_reports == 2).await?;
    assert_eq!(aggregate.objectives[19].states_reporting, 2);
    assert_eq!(aggregate.indicators[0].states_meeting_target, 2);
    assert_eq!(aggregate.pledges_by_objective[0].pledges, 2);
    let eca = aggregate.commissions[0]
        .national_reports
        .clone()
        .unwrap_or_default();
    assert_eq!((eca.expected, eca.on_time), (54, 1));

    let filtered = app
        .client
        .get_aggregate(GetAggregateRequest {
            cycle_id: "2026".into(),
            commission: Commission::Eclac as i32,
            round_table: 3,
        })
        .await?
        .into_inner()
        .aggregate
        .unwrap_or_default();
    assert_eq!(filtered.national_reports, 1);
    assert_eq!(filtered.objectives.len(), 6);
    let bad = app
        .client
        .get_aggregate(GetAggregateRequest {
            cycle_id: "2026".into(),
            commission: 0,
            round_table: 5,
        })
        .await;
    assert_eq!(bad.err().map(|s| s.code()), Some(Code::InvalidArgument));
    app.stop().await;
    Ok(())
}

#[tokio::test]
async fn each_validation_rule_reports_its_field_and_stores_nothing() -> TestResult {
    let nats = NatsServer::start()?;
    let mut app = TestApp::spawn(&nats).await?;
    type Mutate = fn(&mut NationalReport);
    let cases: Vec<(&str, Mutate, &str)> = vec![
        ("unknown ISO3", |r| r.state = "XYZ".into(), "report.state"),
        ("observer State", |r| r.state = "VAT".into(), "report.state"),
        ("kind unset", |r| r.kind = 0, "report.kind"),
        (
            "cycle malformed",
            |r| r.cycle_id = "26".into(),
            "report.cycle_id",
        ),
        ("title missing", |r| r.title.clear(), "report.title"),
        (
            "objective 0",
            |r| r.objectives[0].objective = 0,
            "report.objectives[0].objective",
        ),
        (
            "objective 24",
            |r| r.objectives[1].objective = 24,
            "report.objectives[1].objective",
        ),
        (
            "objective twice",
            |r| r.objectives[1].objective = 20,
            "report.objectives[1].objective",
        ),
        (
            "status unset",
            |r| r.objectives[0].status = 0,
            "report.objectives[0].status",
        ),
        (
            "no objectives in a VNR",
            |r| r.objectives.clear(),
            "report.objectives",
        ),
        (
            "narrative too long",
            |r| r.objectives[0].narrative = "n".repeat(20_001),
            "report.objectives[0].narrative",
        ),
        (
            "unknown indicator",
            |r| r.indicators[0].indicator_code = "99.9.9".into(),
            "report.indicators[0].indicator_code",
        ),
        (
            "wrong unit",
            |r| r.indicators[0].unit = "usd".into(),
            "report.indicators[0].unit",
        ),
        (
            "percentage over 100",
            |r| r.indicators[0].value = 140.0,
            "report.indicators[0].value",
        ),
        (
            "negative percentage",
            |r| r.indicators[0].value = -1.0,
            "report.indicators[0].value",
        ),
        (
            "year outside the window",
            |r| r.indicators[0].year = 2015,
            "report.indicators[0].year",
        ),
        (
            "category without dimension",
            |r| r.indicators[0].category = "female".into(),
            "report.indicators[0].category",
        ),
        (
            "dimension without category",
            |r| r.indicators[0].dimension = DisaggregationDimension::Sex as i32,
            "report.indicators[0].category",
        ),
        (
            "same observation twice",
            |r| r.indicators.push(r.indicators[0].clone()),
            "report.indicators[1]",
        ),
        (
            "pledge id twice",
            |r| r.pledges.push(r.pledges[0].clone()),
            "report.pledges[1].pledge_id",
        ),
        (
            "pledge id malformed",
            |r| r.pledges[0].pledge_id = "P 1".into(),
            "report.pledges[0].pledge_id",
        ),
        (
            "pledge without objectives",
            |r| r.pledges[0].objectives.clear(),
            "report.pledges[0].objectives",
        ),
        (
            "pledge objective 30",
            |r| r.pledges[0].objectives = vec![30],
            "report.pledges[0].objectives[0]",
        ),
        (
            "pledge kind unset",
            |r| r.pledges[0].kind = 0,
            "report.pledges[0].kind",
        ),
        (
            "pledge status unset",
            |r| r.pledges[0].status = 0,
            "report.pledges[0].status",
        ),
        (
            "dimension unknown",
            |r| r.disaggregation_supported.push(42),
            "report.disaggregation_supported[1]",
        ),
        (
            "dimension twice",
            |r| r.disaggregation_supported.push(2),
            "report.disaggregation_supported[1]",
        ),
        (
            "stakeholder unset",
            |r| r.stakeholders_consulted[0].r#type = 0,
            "report.stakeholders_consulted[0].type",
        ),
        ("summary missing", |r| r.summary.clear(), "report.summary"),
    ];
    for (name, mutate, field) in cases {
        let mut bad = report("KEN");
        mutate(&mut bad);
        let status = app
            .client
            .submit_national_report(by_state(submit(
                &format!("bad-{}", name.replace(' ', "-")),
                bad,
                None,
            )))
            .await
            .err()
            .ok_or_else(|| format!("{name}: accepted"))?;
        assert_eq!(status.code(), Code::InvalidArgument, "{name}");
        let fields: Vec<String> = field_violations(&status)
            .into_iter()
            .map(|(f, _)| f)
            .collect();
        assert_eq!(fields, [field], "{name}");
    }
    let mut pledge_update = report("KEN");
    pledge_update.kind = ReportKind::PledgeUpdate as i32;
    pledge_update.pledges.clear();
    pledge_update.objectives.clear();
    let status = app
        .client
        .submit_national_report(by_state(submit("pu", pledge_update, None)))
        .await
        .err()
        .ok_or("accepted")?;
    assert_eq!(field_violations(&status)[0].0, "report.pledges");

    let bus = Bus::connect(&nats.bus_config(), "observer").await?;
    assert_eq!(
        count_on_subject(&bus, NATIONAL.name, subject::NATIONAL_REPORT_ALL).await?,
        0
    );
    app.stop().await;
    Ok(())
}

#[tokio::test]
async fn a_cycle_never_opened_takes_no_report_and_one_opened_a_moment_ago_does() -> TestResult {
    let nats = NatsServer::start()?;
    let mut app = TestApp::spawn(&nats).await?;
    let unopened = NationalReport {
        cycle_id: "2028".into(),
        ..report("KEN")
    };
    let status = app
        .client
        .submit_national_report(by_state(submit("early", unopened.clone(), None)))
        .await
        .err()
        .ok_or("a report for a cycle never opened was accepted")?;
    assert_eq!(status.code(), Code::FailedPrecondition, "{status:?}");
    assert!(
        status.message().contains("cycle 2028 has not been opened"),
        "{}",
        status.message()
    );
    let bus = Bus::connect(&nats.bus_config(), "observer").await?;
    assert_eq!(
        count_on_subject(&bus, NATIONAL.name, subject::NATIONAL_REPORT_ALL).await?,
        0
    );
    let aggregate = app
        .client
        .get_aggregate(GetAggregateRequest {
            cycle_id: "2028".into(),
            ..Default::default()
        })
        .await?
        .into_inner()
        .aggregate
        .unwrap_or_default();
    assert_eq!(aggregate.national_reports, 0);

    // Opened now, and the same request at once: the service must not take
    // a cycle its calendar has not read yet for one never opened.
    nats.ensure_cycle_open("2028").await?;
    let accepted = app
        .client
        .submit_national_report(by_state(submit("early", unopened, None)))
        .await?
        .into_inner();
    assert_eq!(accepted.revision, 1);
    app.stop().await;
    Ok(())
}

#[tokio::test]
async fn revisions_conflicts_and_retries() -> TestResult {
    let nats = NatsServer::start()?;
    let mut app = TestApp::spawn(&nats).await?;
    let first = app
        .client
        .submit_national_report(by_state(submit("r1", report("SEN"), None)))
        .await?
        .into_inner();
    assert_eq!(
        app.client
            .submit_national_report(by_state(submit("r1", report("SEN"), None)))
            .await?
            .into_inner(),
        first
    );
    let exists = app
        .client
        .submit_national_report(by_state(submit("r1b", report("SEN"), None)))
        .await;
    assert_eq!(exists.err().map(|s| s.code()), Some(Code::AlreadyExists));
    let mut revised = report("SEN");
    revised.objectives[1].status = ImplementationStatus::Achieved as i32;
    let second = app
        .client
        .submit_national_report(by_state(submit("r2", revised.clone(), Some(1))))
        .await?
        .into_inner();
    assert_eq!(second.revision, 2);
    let stale = app
        .client
        .submit_national_report(by_state(submit("r2b", revised, Some(1))))
        .await;
    assert_eq!(stale.err().map(|s| s.code()), Some(Code::Aborted));
    // The aggregate counts the State once, with its latest status.
    let aggregate = app
        .aggregate_until(|a| {
            a.objectives[0]
                .status_counts
                .iter()
                .any(|s| s.status == ImplementationStatus::Achieved as i32)
        })
        .await?;
    assert_eq!(aggregate.national_reports, 1);
    assert_eq!(aggregate.objectives[0].states_reporting, 1);
    app.stop().await;
    Ok(())
}

#[tokio::test]
async fn watch_aggregate_sees_a_submission() -> TestResult {
    let nats = NatsServer::start()?;
    let mut app = TestApp::spawn(&nats).await?;
    let mut stream = app
        .client
        .watch_aggregate(WatchAggregateRequest {
            cycle_id: "2026".into(),
        })
        .await?
        .into_inner();
    let current = stream.next().await.ok_or("no first message")??;
    assert_eq!(current.aggregate.map(|a| a.national_reports), Some(0));
    app.client
        .submit_national_report(by_state(submit("w1", report("GHA"), None)))
        .await?;
    let next = tokio::time::timeout(Duration::from_secs(20), stream.next())
        .await?
        .ok_or("stream ended")??;
    let aggregate = next.aggregate.ok_or("no aggregate")?;
    assert_eq!(aggregate.national_reports, 1);
    assert!(aggregate.version > 0);
    // Shutting down ends the open watch instead of waiting for the client.
    app.stop().await;
    let ended = tokio::time::timeout(Duration::from_secs(5), stream.next()).await?;
    assert!(!matches!(ended, Some(Ok(_))), "{ended:?}");
    Ok(())
}

fn regional_accepted(
    commission: Commission,
    revision: u32,
    objectives: &[u32],
) -> imrf_proto::v1::Event {
    let code = imrf_gcm::refdata::commission_code(commission);
    new_event(
        event_type::REGIONAL_REVIEW_ACCEPTED,
        "regional-intake",
        "2026",
        SystemTime::now(),
        Payload::RegionalReviewAccepted(RegionalReviewAccepted {
            record: Some(RegionalReviewRecord {
                review_id: format!("2026-{code}"),
                review: Some(RegionalReview {
                    cycle_id: "2026".into(),
                    commission: commission as i32,
                    findings: objectives
                        .iter()
                        .map(|o| ObjectiveFinding {
                            objective: *o,
                            progress: "p".into(),
                            ..Default::default()
                        })
                        .collect(),
                    less_attention_objectives: vec![22],
                    ..Default::default()
                }),
                meta: Some(RecordMeta {
                    revision,
                    ..Default::default()
                }),
                ..Default::default()
            }),
        }),
    )
}

#[tokio::test]
async fn a_withdrawn_regional_review_no_longer_counts() -> TestResult {
    let nats = NatsServer::start()?;
    let mut app = TestApp::spawn(&nats).await?;
    let bus = Bus::connect(&nats.bus_config(), "regional-intake").await?;
    let subject = subject::regional_review("ECE", "2026");
    bus.publish_event(
        &subject,
        &regional_accepted(Commission::Ece, 1, &[8, 13]),
        Expect::Any,
        None,
    )
    .await?;
    let with = app.aggregate_until(|a| a.regional_reviews == 1).await?;
    assert_eq!(with.objectives[7].regional_reviews.len(), 1);
    assert!(with.commissions[1].regional_review_received);
    let flagged = with
        .least_attention
        .iter()
        .find(|o| o.objective == 22)
        .map(|o| o.regional_flags);
    assert_eq!(flagged, Some(1));

    let withdrawn = new_event(
        event_type::REGIONAL_REVIEW_WITHDRAWN,
        "regional-intake",
        "2026",
        SystemTime::now(),
        Payload::RegionalReviewWithdrawn(RegionalReviewWithdrawn {
            review_id: "2026-ECE".into(),
            commission: Commission::Ece as i32,
            revision: 1,
            reason: "in error".into(),
        }),
    );
    bus.publish_event(&subject, &withdrawn, Expect::Any, None)
        .await?;
    let without = app.aggregate_until(|a| a.regional_reviews == 0).await?;
    assert!(without.objectives[7].regional_reviews.is_empty());
    assert!(!without.commissions[1].regional_review_received);
    let flagged = without
        .least_attention
        .iter()
        .find(|o| o.objective == 22)
        .map(|o| o.regional_flags);
    assert_eq!(flagged, Some(0));
    app.stop().await;
    Ok(())
}

/// The consumer processes an event (contribution stored, aggregate
/// published) and dies before acking; the restarted service gets the event
/// again. The aggregate and the stream of aggregate versions are as if it
/// had been processed once.
#[tokio::test]
async fn reprocessing_after_a_crash_before_ack_changes_nothing() -> TestResult {
    let nats = NatsServer::start()?;
    let bus = Bus::connect(&nats.bus_config(), "test").await?;
    for spec in STREAMS {
        bus.ensure_stream(&spec).await?;
    }
    // An accepted report, as national-aggregation would have stored it.
    let record = NationalReportRecord {
        report_id: "2026-UGA-VNR".into(),
        report: Some(report("UGA")),
        meta: Some(RecordMeta {
            revision: 1,
            ..Default::default()
        }),
        late: false,
    };
    let event = new_event(
        event_type::NATIONAL_REPORT_ACCEPTED,
        "national-aggregation",
        "2026",
        SystemTime::now(),
        Payload::NationalReportAccepted(NationalReportAccepted {
            record: Some(record),
        }),
    );
    bus.publish_event(
        &subject::national_report("UGA", "2026", "VNR"),
        &event,
        Expect::Any,
        None,
    )
    .await?;

    // First life: process, then die before the ack.
    let store = AggregateStore::open(&bus, bucket::NATIONAL_AGGREGATES).await?;
    let aggregator = Aggregator::new(
        bus.clone(),
        store.clone(),
        Duration::from_secs(5),
        Duration::from_secs(1),
        Duration::from_millis(100),
    );
    let (processed_tx, mut processed_rx) = tokio::sync::mpsc::unbounded_channel();
    let first_life = {
        let bus = bus.clone();
        tokio::spawn(async move {
            consumer::run(
                &bus,
                "national-aggregation",
                national_spec(Duration::from_secs(1)),
                Arc::new(ConsumerMetrics::default()),
                std::future::pending(),
                move |incoming| {
                    let aggregator = aggregator.clone();
                    let processed_tx = processed_tx.clone();
                    async move {
                        let outcome = aggregator.handle(&incoming.event).await;
                        let _ = processed_tx.send(outcome.is_ok());
                        // Killed here: the ack is never sent.
                        std::future::pending::<()>().await;
                        Ok(())
                    }
                },
            )
            .await
        })
    };
    assert_eq!(processed_rx.recv().await, Some(true));
    first_life.abort();
    let _ = first_life.await;
    let aggregate_subject = subject::national_aggregate_updated("2026");
    // The first life recorded the contribution; the version is published
    // by the service's publisher, which it did not get to run.
    assert_eq!(
        count_on_subject(&bus, AGGREGATES.name, &aggregate_subject).await?,
        0
    );
    let before = store.aggregate("2026", Default::default());

    // Second life: the real service, same durable consumer.
    let mut app = TestApp::spawn(&nats).await?;
    let metrics_deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        let info = bus
            .jetstream()
            .get_stream(NATIONAL.name)
            .await?
            .consumer_info(national_aggregation::aggregator::NATIONAL_CONSUMER)
            .await?;
        if info.num_ack_pending == 0
            && info.num_pending == 0
            && info.delivered.consumer_sequence >= 2
        {
            break;
        }
        assert!(
            tokio::time::Instant::now() < metrics_deadline,
            "never redelivered: {info:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let after = app.aggregate_until(|a| a.national_reports == 1).await?;
    assert_eq!(after, before);
    assert_eq!(after.objectives[19].states_reporting, 1);
    // The version is published, and once, however often its input was
    // processed and however often the publisher runs (it runs once more on
    // shutdown).
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while count_on_subject(&bus, AGGREGATES.name, &aggregate_subject).await? < 1 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "no aggregate version published"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let contributions = bus
        .jetstream()
        .get_key_value(bucket::NATIONAL_AGGREGATES)
        .await?;
    let mut keys = contributions.keys().await?;
    let mut n = 0;
    while let Some(key) = keys.next().await {
        key?;
        n += 1;
    }
    assert_eq!(n, 1);
    let _ = REGIONAL;
    app.stop().await;
    assert_eq!(
        count_on_subject(&bus, AGGREGATES.name, &aggregate_subject).await?,
        1
    );
    Ok(())
}

#[tokio::test]
async fn a_restart_keeps_reports_and_the_aggregate() -> TestResult {
    let nats = NatsServer::start()?;
    let mut app = TestApp::spawn(&nats).await?;
    for state in ["KEN", "DEU", "JOR"] {
        app.client
            .submit_national_report(by_state(submit(state, report(state), None)))
            .await?;
    }
    let before = app.aggregate_until(|a| a.national_reports == 3).await?;
    app.stop().await;
    let mut restarted = TestApp::spawn(&nats).await?;
    let after = restarted
        .aggregate_until(|a| a.national_reports == 3)
        .await?;
    assert_eq!(after, before);
    let listed = restarted
        .client
        .list_national_reports(ListNationalReportsRequest::default())
        .await?
        .into_inner();
    assert_eq!(listed.records.len(), 3);
    restarted.stop().await;
    Ok(())
}

/// A restart reads one message per report (its latest revision); every
/// older revision is still served, from the report's subject on the stream.
#[tokio::test]
async fn after_a_restart_every_revision_is_still_served() -> TestResult {
    let nats = NatsServer::start()?;
    let app = TestApp::spawn(&nats).await?;
    let mut client = app.client.clone();
    for revision in 1..=3u32 {
        let mut r = report("KEN");
        r.title = format!("Voluntary national review, revision {revision}");
        let expected = (revision > 1).then(|| revision - 1);
        client
            .submit_national_report(by_state(submit(&format!("rev-{revision}"), r, expected)))
            .await?;
    }
    app.stop().await;
    let restarted = TestApp::spawn(&nats).await?;
    let mut client = restarted.client.clone();
    for (asked, title) in [(0, 3), (1, 1), (2, 2), (3, 3)] {
        let record = client
            .get_national_report(GetNationalReportRequest {
                report_id: "2026-KEN-VNR".into(),
                revision: asked,
            })
            .await?
            .into_inner()
            .record
            .ok_or("no record")?;
        assert_eq!(record.meta.map(|m| m.revision), Some(title));
        assert_eq!(
            record.report.map(|r| r.title),
            Some(format!("Voluntary national review, revision {title}"))
        );
    }
    let missing = client
        .get_national_report(GetNationalReportRequest {
            report_id: "2026-KEN-VNR".into(),
            revision: 4,
        })
        .await
        .err()
        .ok_or("revision 4 served")?;
    assert_eq!(missing.code(), Code::NotFound);
    assert!(
        missing.message().contains("has 3 revision(s)"),
        "{}",
        missing.message()
    );
    let listed = client
        .list_national_reports(ListNationalReportsRequest::default())
        .await?
        .into_inner()
        .records;
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].meta.as_ref().map(|m| m.revision), Some(3));
    restarted.stop().await;
    Ok(())
}

/// Validation takes whatever a client can make prost decode, and never
/// panics on it.
#[test]
fn validation_survives_arbitrary_and_mutated_reports() {
    let seed = report("KEN");
    imrf_testkit::fuzz_decoded(&seed, 20_000, |report: &NationalReport| {
        let mut v = imrf_gcm::validate::Violations::new();
        national_aggregation::validate::report(&mut v, "report", report);
        let _ = national_aggregation::validate::parse_report_id(&report.title);
    });
}

/// The version a stored aggregate update carries.
fn stored_version(message: &imrf_bus::Delivered) -> u64 {
    match message.event().map(|e| e.payload) {
        Ok(Some(Payload::NationalAggregateUpdated(update))) => {
            update.aggregate.map_or(0, |a| a.version)
        }
        _ => 0,
    }
}

#[tokio::test]
async fn aggregate_versions_keep_the_latest_twelve_in_order() -> TestResult {
    let nats = NatsServer::start()?;
    let mut app = TestApp::spawn(&nats).await?;
    let bus = Bus::connect(&nats.bus_config(), "test").await?;
    let subject = subject::national_aggregate_updated("2026");
    let states: Vec<String> = imrf_gcm::refdata::reference()
        .member_states()
        .take(20)
        .map(|s| s.iso3.clone())
        .collect();
    for (n, state) in states.iter().enumerate() {
        app.client
            .submit_national_report(by_state(submit(&format!("v{n}"), report(state), None)))
            .await?;
        let version = app
            .aggregate_until(|a| a.national_reports == n as u32 + 1)
            .await?
            .version;
        // Each report's version is published before the next report.
        let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
        while bus
            .last_message(&subject)
            .await?
            .map_or(0, |m| stored_version(&m))
            < version
        {
            assert!(
                tokio::time::Instant::now() < deadline,
                "version {version} never published"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
    let mut kept = Vec::new();
    bus.replay(AGGREGATES.name, &[&subject], |message| {
        kept.push(stored_version(&message));
        Ok(())
    })
    .await?;
    assert_eq!(
        kept.len() as i64,
        imrf_bus::names::AGGREGATE_VERSIONS_KEPT,
        "{kept:?}"
    );
    assert!(kept.windows(2).all(|w| w[0] < w[1]), "{kept:?}");
    let current = app.aggregate_until(|a| a.national_reports == 20).await?;
    assert_eq!(kept.last().copied(), Some(current.version));
    app.stop().await;
    Ok(())
}
