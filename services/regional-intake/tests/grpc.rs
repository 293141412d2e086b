//! regional-intake over real gRPC on a socket, against a real nats-server.

use std::time::{Duration, SystemTime};

use imrf_bus::Bus;
use imrf_bus::names::{REGIONAL, subject};
use imrf_gcm::clock::{ManualClock, SharedClock};
use imrf_platform::auth::AuthChannel;
use imrf_platform::error::field_violations;
use imrf_proto::v1::regional_review_intake_client::RegionalReviewIntakeClient;
use imrf_proto::v1::{
    Commission, Cycle, CycleSchedule, Date, DateRange, GetRegionalReviewRequest,
    ListRegionalReviewsRequest, ObjectiveFinding, RegionalReview, StakeholderParticipation,
    StakeholderType, SubmitRegionalReviewRequest, WithdrawRegionalReviewRequest,
};
use imrf_testkit::{
    InProcess, NatsServer, announce_cycle, as_caller, by_commission, channel_as, collecting_cycle,
    count_on_subject, service_config,
};
use regional_intake::{Application, Config};
use tonic::Code;

type TestResult = Result<(), Box<dyn std::error::Error + Send + Sync>>;

/// A running service on 127.0.0.1:0 with a typed client.
struct TestApp {
    client: RegionalReviewIntakeClient<AuthChannel>,
    process: InProcess,
}

impl TestApp {
    async fn spawn(
        nats: &NatsServer,
        clock: SharedClock,
    ) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        imrf_platform::telemetry::init_for_tests();
        let config = Config {
            service: service_config(nats),
        };
        nats.ensure_cycle_open("2026").await?;
        let app = Application::build_with_clock(config, clock).await?;
        let addr = app.local_addr().ok_or("no address")?;
        let process = InProcess::spawn(addr, |stop| app.run_until_stopped(stop));
        // Calls come from ECE unless a request names another caller.
        let client =
            RegionalReviewIntakeClient::new(channel_as(process.url(), "commission:ECE").await?);
        Ok(Self { client, process })
    }

    async fn stop(self) {
        self.process.stop().await;
    }
}

fn system_clock() -> SharedClock {
    imrf_gcm::clock::system()
}

fn date(year: i32, month: i32, day: i32) -> Option<Date> {
    Some(Date { year, month, day })
}

fn review(commission: Commission, states: &[&str]) -> RegionalReview {
    RegionalReview {
        cycle_id: "2026".into(),
        commission: commission as i32,
        title: "Regional review of the implementation of the Global Compact".into(),
        document_symbol: "ECE/AC.35/2025/3".into(),
        review_period: Some(DateRange {
            start: date(2022, 1, 1),
            end: date(2024, 12, 31),
        }),
        meeting_dates: Some(DateRange {
            start: date(2025, 11, 12),
            end: date(2025, 11, 13),
        }),
        participating_states: states.iter().map(|s| s.to_string()).collect(),
        stakeholders: vec![StakeholderParticipation {
            r#type: StakeholderType::CivilSociety as i32,
            count: 40,
            description: String::new(),
        }],
        findings: vec![
            ObjectiveFinding {
                objective: 20,
                progress: "Digital remittance channels expanded.".into(),
                challenges: "Costs remain above 3 per cent in several corridors.".into(),
                gaps: String::new(),
                recommendations: vec!["Accelerate access to transaction accounts.".into()],
                practice_ids: vec!["01J8ZQ4C3F7V2N6M5K9X0R1T2Y".into()],
            },
            ObjectiveFinding {
                objective: 8,
                progress: "Search and rescue coordination improved.".into(),
                ..Default::default()
            },
        ],
        less_attention_objectives: vec![13, 22],
        summary: "Progress is uneven across the region.".into(),
    }
}

fn ece() -> RegionalReview {
    review(Commission::Ece, &["DEU", "FRA", "KAZ"])
}

fn submit(
    request_id: &str,
    review: RegionalReview,
    expected: Option<u32>,
) -> SubmitRegionalReviewRequest {
    SubmitRegionalReviewRequest {
        request_id: request_id.into(),
        review: Some(review),
        expected_revision: expected,
    }
}

/// `request` from the secretariat, which reads every commission's reviews.
fn secretariat<T>(request: T) -> tonic::Request<T> {
    as_caller("secretariat", request)
}

async fn observer(nats: &NatsServer) -> Result<Bus, Box<dyn std::error::Error + Send + Sync>> {
    Ok(Bus::connect(&nats.bus_config(), "observer").await?)
}

#[tokio::test]
async fn a_review_is_accepted_read_back_and_listed() -> TestResult {
    let nats = NatsServer::start()?;
    let mut app = TestApp::spawn(&nats, system_clock()).await?;
    let response = app
        .client
        .submit_regional_review(by_commission(submit("r1", ece(), None)))
        .await?
        .into_inner();
    assert_eq!(response.review_id, "2026-ECE");
    assert_eq!(response.revision, 1);
    assert_eq!(response.event_id.len(), 26);

    let record = app
        .client
        .get_regional_review(GetRegionalReviewRequest {
            review_id: "2026-ECE".into(),
            revision: 0,
        })
        .await?
        .into_inner()
        .record
        .ok_or("no record")?;
    assert_eq!(record.review, Some(ece()));
    let meta = record.meta.ok_or("no meta")?;
    assert_eq!(meta.revision, 1);
    assert_eq!(meta.event_id, response.event_id);
    assert!(!record.withdrawn);

    let listed = app
        .client
        .list_regional_reviews(secretariat(ListRegionalReviewsRequest {
            cycle_id: "2026".into(),
            ..Default::default()
        }))
        .await?
        .into_inner();
    assert_eq!(listed.records.len(), 1);
    assert!(listed.next_page_token.is_empty());

    let bus = observer(&nats).await?;
    assert_eq!(
        count_on_subject(
            &bus,
            REGIONAL.name,
            &subject::regional_review("ECE", "2026")
        )
        .await?,
        1
    );
    app.stop().await;
    Ok(())
}

/// Every rule, with the exact code and field path it is reported under.
#[tokio::test]
async fn each_validation_rule_reports_its_field_and_stores_nothing() -> TestResult {
    let nats = NatsServer::start()?;
    let mut app = TestApp::spawn(&nats, system_clock()).await?;
    type Mutate = fn(&mut SubmitRegionalReviewRequest);
    let cases: Vec<(&str, Mutate, &str)> = vec![
        ("no request id", |r| r.request_id.clear(), "request_id"),
        ("no review", |r| r.review = None, "review"),
        (
            "commission unset",
            |r| set(r, |v| v.commission = 0),
            "review.commission",
        ),
        (
            "commission unknown",
            |r| set(r, |v| v.commission = 42),
            "review.commission",
        ),
        (
            "cycle malformed",
            |r| set(r, |v| v.cycle_id = "next year".into()),
            "review.cycle_id",
        ),
        (
            "cycle missing",
            |r| set(r, |v| v.cycle_id.clear()),
            "review.cycle_id",
        ),
        (
            "title missing",
            |r| set(r, |v| v.title = "  ".into()),
            "review.title",
        ),
        (
            "title too long",
            |r| set(r, |v| v.title = "t".repeat(301)),
            "review.title",
        ),
        (
            "summary missing",
            |r| set(r, |v| v.summary.clear()),
            "review.summary",
        ),
        (
            "summary too long",
            |r| set(r, |v| v.summary = "s".repeat(20_001)),
            "review.summary",
        ),
        (
            "document symbol too long",
            |r| set(r, |v| v.document_symbol = "d".repeat(1_001)),
            "review.document_symbol",
        ),
        (
            "unknown ISO3",
            |r| set(r, |v| v.participating_states[1] = "XYZ".into()),
            "review.participating_states[1]",
        ),
        (
            "not a member of ECE",
            |r| set(r, |v| v.participating_states[0] = "KEN".into()),
            "review.participating_states[0]",
        ),
        (
            "state twice",
            |r| set(r, |v| v.participating_states[2] = "DEU".into()),
            "review.participating_states[2]",
        ),
        (
            "no states",
            |r| set(r, |v| v.participating_states.clear()),
            "review.participating_states",
        ),
        (
            "objective 0",
            |r| set(r, |v| v.findings[0].objective = 0),
            "review.findings[0].objective",
        ),
        (
            "objective 24",
            |r| set(r, |v| v.findings[1].objective = 24),
            "review.findings[1].objective",
        ),
        (
            "two findings on one objective",
            |r| set(r, |v| v.findings[1].objective = 20),
            "review.findings[1].objective",
        ),
        (
            "no findings",
            |r| set(r, |v| v.findings.clear()),
            "review.findings",
        ),
        (
            "empty finding",
            |r| set(r, |v| v.findings[1].progress.clear()),
            "review.findings[1]",
        ),
        (
            "finding text too long",
            |r| set(r, |v| v.findings[0].gaps = "g".repeat(20_001)),
            "review.findings[0].gaps",
        ),
        (
            "empty recommendation",
            |r| set(r, |v| v.findings[0].recommendations.push(String::new())),
            "review.findings[0].recommendations[1]",
        ),
        (
            "bad practice id",
            |r| set(r, |v| v.findings[0].practice_ids.push("practice-7".into())),
            "review.findings[0].practice_ids[1]",
        ),
        (
            "less-attention objective 24",
            |r| set(r, |v| v.less_attention_objectives.push(24)),
            "review.less_attention_objectives[2]",
        ),
        (
            "less-attention objective twice",
            |r| set(r, |v| v.less_attention_objectives.push(13)),
            "review.less_attention_objectives[2]",
        ),
        (
            "period ends before it starts",
            |r| {
                set(r, |v| {
                    v.review_period = Some(DateRange {
                        start: date(2024, 1, 1),
                        end: date(2023, 1, 1),
                    })
                })
            },
            "review.review_period.end",
        ),
        (
            "meeting date impossible",
            |r| {
                set(r, |v| {
                    v.meeting_dates = Some(DateRange {
                        start: date(2025, 2, 30),
                        end: date(2025, 3, 1),
                    })
                })
            },
            "review.meeting_dates.start",
        ),
        (
            "meeting dates missing",
            |r| set(r, |v| v.meeting_dates = None),
            "review.meeting_dates",
        ),
        (
            "stakeholder type unset",
            |r| set(r, |v| v.stakeholders[0].r#type = 0),
            "review.stakeholders[0].type",
        ),
        (
            "other stakeholder undescribed",
            |r| {
                set(r, |v| {
                    v.stakeholders[0].r#type = StakeholderType::Other as i32
                })
            },
            "review.stakeholders[0].description",
        ),
    ];
    for (name, mutate, field) in cases {
        let mut request = submit(&format!("bad-{name}").replace(' ', "-"), ece(), None);
        mutate(&mut request);
        let status = app
            .client
            .submit_regional_review(by_commission(request))
            .await
            .err()
            .ok_or_else(|| format!("{name}: accepted"))?;
        assert_eq!(status.code(), Code::InvalidArgument, "{name}: {status:?}");
        let fields: Vec<String> = field_violations(&status)
            .into_iter()
            .map(|(f, _)| f)
            .collect();
        assert_eq!(fields, [field], "{name}");
    }

    // Several problems at once are all reported.
    let mut request = submit("many", ece(), None);
    set(&mut request, |v| {
        v.title.clear();
        v.findings[0].objective = 99;
        v.participating_states[0] = "KEN".into();
    });
    let status = app
        .client
        .submit_regional_review(by_commission(request))
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
            "review.title",
            "review.participating_states[0]",
            "review.findings[0].objective"
        ]
    );

    let bus = observer(&nats).await?;
    assert_eq!(
        count_on_subject(&bus, REGIONAL.name, "imrf.v1.regional.>").await?,
        0
    );
    app.stop().await;
    Ok(())
}

fn set(request: &mut SubmitRegionalReviewRequest, f: impl FnOnce(&mut RegionalReview)) {
    if let Some(review) = request.review.as_mut() {
        f(review);
    }
}

#[tokio::test]
async fn an_oversized_review_is_refused_with_resource_exhausted() -> TestResult {
    let nats = NatsServer::start()?;
    let mut app = TestApp::spawn(&nats, system_clock()).await?;
    let mut big = ece();
    big.findings = (1..=23)
        .map(|objective| ObjectiveFinding {
            objective,
            progress: "p".repeat(20_000),
            challenges: "c".repeat(20_000),
            gaps: "g".repeat(20_000),
            ..Default::default()
        })
        .collect();
    let status = app
        .client
        .submit_regional_review(by_commission(submit("big", big, None)))
        .await
        .err()
        .ok_or("accepted")?;
    assert_eq!(status.code(), Code::ResourceExhausted, "{status:?}");
    app.stop().await;
    Ok(())
}

#[tokio::test]
async fn revisions_follow_expected_revision_and_conflicts_are_aborted() -> TestResult {
    let nats = NatsServer::start()?;
    let mut app = TestApp::spawn(&nats, system_clock()).await?;
    app.client
        .submit_regional_review(by_commission(submit("v1", ece(), None)))
        .await?;

    let again = app
        .client
        .submit_regional_review(by_commission(submit("v1-again", ece(), None)))
        .await;
    assert_eq!(again.err().map(|s| s.code()), Some(Code::AlreadyExists));

    let mut revised = ece();
    revised.summary = "Revised after the regional meeting.".into();
    let second = app
        .client
        .submit_regional_review(by_commission(submit("v2", revised.clone(), Some(1))))
        .await?
        .into_inner();
    assert_eq!(second.revision, 2);

    // A writer that still saw revision 1 loses, and stores nothing.
    let stale = app
        .client
        .submit_regional_review(by_commission(submit("v2-stale", ece(), Some(1))))
        .await;
    assert_eq!(stale.err().map(|s| s.code()), Some(Code::Aborted));
    let ahead = app
        .client
        .submit_regional_review(by_commission(submit("v9", ece(), Some(9))))
        .await;
    assert_eq!(ahead.err().map(|s| s.code()), Some(Code::Aborted));

    let get = |revision| GetRegionalReviewRequest {
        review_id: "2026-ECE".into(),
        revision,
    };
    let first = app
        .client
        .get_regional_review(get(1))
        .await?
        .into_inner()
        .record
        .ok_or("none")?;
    assert_eq!(first.review.map(|r| r.summary), Some(ece().summary));
    let latest = app
        .client
        .get_regional_review(get(0))
        .await?
        .into_inner()
        .record
        .ok_or("none")?;
    assert_eq!(latest.review.map(|r| r.summary), Some(revised.summary));
    let missing = app.client.get_regional_review(get(3)).await;
    assert_eq!(missing.err().map(|s| s.code()), Some(Code::NotFound));

    let bus = observer(&nats).await?;
    assert_eq!(
        count_on_subject(&bus, REGIONAL.name, "imrf.v1.regional.>").await?,
        2
    );
    app.stop().await;
    Ok(())
}

#[tokio::test]
async fn two_writers_racing_on_one_revision_cannot_both_win() -> TestResult {
    let nats = NatsServer::start()?;
    let mut a = TestApp::spawn(&nats, system_clock()).await?;
    let mut b = TestApp::spawn(&nats, system_clock()).await?;
    a.client
        .submit_regional_review(by_commission(submit("base", ece(), None)))
        .await?;
    let (left, right) = tokio::join!(
        a.client
            .submit_regional_review(by_commission(submit("race-a", ece(), Some(1)))),
        b.client
            .submit_regional_review(by_commission(submit("race-b", ece(), Some(1)))),
    );
    let codes = [
        left.as_ref().err().map(|s| s.code()),
        right.as_ref().err().map(|s| s.code()),
    ];
    assert_eq!(codes.iter().filter(|c| c.is_none()).count(), 1, "{codes:?}");
    assert!(codes.contains(&Some(Code::Aborted)), "{codes:?}");
    let bus = observer(&nats).await?;
    assert_eq!(
        count_on_subject(&bus, REGIONAL.name, "imrf.v1.regional.>").await?,
        2
    );
    a.stop().await;
    b.stop().await;
    Ok(())
}

#[tokio::test]
async fn the_same_request_id_returns_the_first_answer_and_publishes_nothing() -> TestResult {
    let nats = NatsServer::start()?;
    let mut app = TestApp::spawn(&nats, system_clock()).await?;
    let first = app
        .client
        .submit_regional_review(by_commission(submit("once", ece(), None)))
        .await?
        .into_inner();
    let again = app
        .client
        .submit_regional_review(by_commission(submit("once", ece(), None)))
        .await?
        .into_inner();
    assert_eq!(first, again);
    let mut changed = ece();
    changed.title = "Another title".into();
    let reused = app
        .client
        .submit_regional_review(by_commission(submit("once", changed, None)))
        .await;
    let status = reused.err().ok_or("accepted")?;
    assert_eq!(status.code(), Code::InvalidArgument);
    assert_eq!(field_violations(&status)[0].0, "request_id");
    let bus = observer(&nats).await?;
    assert_eq!(
        count_on_subject(&bus, REGIONAL.name, "imrf.v1.regional.>").await?,
        1
    );
    app.stop().await;
    Ok(())
}

#[tokio::test]
async fn a_withdrawn_review_is_marked_and_left_out_of_lists() -> TestResult {
    let nats = NatsServer::start()?;
    let mut app = TestApp::spawn(&nats, system_clock()).await?;
    app.client
        .submit_regional_review(by_commission(submit("w1", ece(), None)))
        .await?;
    let withdraw = |request_id: &str, review_id: &str| WithdrawRegionalReviewRequest {
        request_id: request_id.into(),
        review_id: review_id.into(),
        reason: "Submitted in error; a corrected review follows.".into(),
        expected_revision: Some(1),
    };
    let done = app
        .client
        .withdraw_regional_review(withdraw("wd", "2026-ECE"))
        .await?
        .into_inner();
    assert_eq!(done.revision, 1);
    let again = app
        .client
        .withdraw_regional_review(withdraw("wd-2", "2026-ECE"))
        .await;
    assert_eq!(
        again.err().map(|s| s.code()),
        Some(Code::FailedPrecondition)
    );
    let missing = app
        .client
        .withdraw_regional_review(as_caller("commission:ECA", withdraw("wd-3", "2026-ECA")))
        .await;
    assert_eq!(missing.err().map(|s| s.code()), Some(Code::NotFound));
    let malformed = app
        .client
        .withdraw_regional_review(withdraw("wd-4", "ECE"))
        .await;
    assert_eq!(
        malformed.err().map(|s| s.code()),
        Some(Code::InvalidArgument)
    );

    let record = app
        .client
        .get_regional_review(GetRegionalReviewRequest {
            review_id: "2026-ECE".into(),
            revision: 0,
        })
        .await?
        .into_inner()
        .record
        .ok_or("none")?;
    assert!(record.withdrawn);
    assert!(record.withdrawal_reason.contains("in error"));

    let list = |include_withdrawn| ListRegionalReviewsRequest {
        include_withdrawn,
        ..Default::default()
    };
    assert!(
        app.client
            .list_regional_reviews(secretariat(list(false)))
            .await?
            .into_inner()
            .records
            .is_empty()
    );
    assert_eq!(
        app.client
            .list_regional_reviews(secretariat(list(true)))
            .await?
            .into_inner()
            .records
            .len(),
        1
    );

    // The commission may submit a corrected revision after withdrawing.
    let corrected = app
        .client
        .submit_regional_review(by_commission(submit("w2", ece(), Some(1))))
        .await?
        .into_inner();
    assert_eq!(corrected.revision, 2);
    assert_eq!(
        app.client
            .list_regional_reviews(secretariat(list(false)))
            .await?
            .into_inner()
            .records
            .len(),
        1
    );
    app.stop().await;
    Ok(())
}

#[tokio::test]
async fn lists_filter_and_page() -> TestResult {
    let nats = NatsServer::start()?;
    let mut app = TestApp::spawn(&nats, system_clock()).await?;
    let reviews = [
        review(Commission::Eca, &["KEN", "NGA"]),
        review(Commission::Ece, &["DEU"]),
        review(Commission::Eclac, &["CHL", "MEX"]),
        review(Commission::Escap, &["JPN"]),
        review(Commission::Escwa, &["JOR"]),
    ];
    for (i, r) in reviews.into_iter().enumerate() {
        app.client
            .submit_regional_review(by_commission(submit(&format!("p{i}"), r, None)))
            .await?;
    }
    let mut ids = Vec::new();
    let mut token = String::new();
    let mut pages = 0;
    loop {
        let page = app
            .client
            .list_regional_reviews(secretariat(ListRegionalReviewsRequest {
                cycle_id: "2026".into(),
                page_size: 2,
                page_token: token.clone(),
                ..Default::default()
            }))
            .await?
            .into_inner();
        pages += 1;
        ids.extend(page.records.into_iter().map(|r| r.review_id));
        if page.next_page_token.is_empty() {
            break;
        }
        token = page.next_page_token;
    }
    assert_eq!(pages, 3);
    assert_eq!(
        ids,
        [
            "2026-ECA",
            "2026-ECE",
            "2026-ECLAC",
            "2026-ESCAP",
            "2026-ESCWA"
        ]
    );

    let only = app
        .client
        .list_regional_reviews(secretariat(ListRegionalReviewsRequest {
            commission: Commission::Escap as i32,
            ..Default::default()
        }))
        .await?
        .into_inner();
    assert_eq!(only.records.len(), 1);
    let other_cycle = app
        .client
        .list_regional_reviews(secretariat(ListRegionalReviewsRequest {
            cycle_id: "2030".into(),
            ..Default::default()
        }))
        .await?
        .into_inner();
    assert!(other_cycle.records.is_empty());
    let bad_token = app
        .client
        .list_regional_reviews(secretariat(ListRegionalReviewsRequest {
            page_token: "garbage".into(),
            ..Default::default()
        }))
        .await;
    assert_eq!(
        bad_token.err().map(|s| s.code()),
        Some(Code::InvalidArgument)
    );
    app.stop().await;
    Ok(())
}

#[tokio::test]
async fn a_restart_loses_nothing() -> TestResult {
    let nats = NatsServer::start()?;
    let mut app = TestApp::spawn(&nats, system_clock()).await?;
    app.client
        .submit_regional_review(by_commission(submit("a", ece(), None)))
        .await?;
    app.client
        .submit_regional_review(by_commission(submit(
            "b",
            review(Commission::Eca, &["KEN"]),
            None,
        )))
        .await?;
    let mut revised = ece();
    revised.summary = "Second revision.".into();
    app.client
        .submit_regional_review(by_commission(submit("c", revised, Some(1))))
        .await?;
    app.stop().await;

    let mut restarted = TestApp::spawn(&nats, system_clock()).await?;
    let list = restarted
        .client
        .list_regional_reviews(secretariat(ListRegionalReviewsRequest::default()))
        .await?
        .into_inner();
    assert_eq!(list.records.len(), 2);
    let ece_record = list
        .records
        .iter()
        .find(|r| r.review_id == "2026-ECE")
        .ok_or("ECE review lost")?;
    assert_eq!(ece_record.meta.as_ref().map(|m| m.revision), Some(2));
    // The request record survived too: a retry still gets its first answer.
    let retry = restarted
        .client
        .submit_regional_review(by_commission(submit("a", ece(), None)))
        .await?
        .into_inner();
    assert_eq!(retry.revision, 1);
    restarted.stop().await;
    Ok(())
}

#[tokio::test]
async fn with_nats_down_submit_is_unavailable_and_the_retry_lands_once() -> TestResult {
    let mut nats = NatsServer::start()?;
    let mut app = TestApp::spawn(&nats, system_clock()).await?;
    nats.stop();
    let down = app
        .client
        .submit_regional_review(by_commission(submit("retry-me", ece(), None)))
        .await;
    assert_eq!(down.err().map(|s| s.code()), Some(Code::Unavailable));
    nats.restart()?;
    // The client retries with the same request id until the service is back.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    let accepted = loop {
        match app
            .client
            .submit_regional_review(by_commission(submit("retry-me", ece(), None)))
            .await
        {
            Ok(response) => break response.into_inner(),
            Err(status) if status.code() == Code::Unavailable => {
                assert!(tokio::time::Instant::now() < deadline, "still unavailable");
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            Err(status) => return Err(format!("unexpected {status:?}").into()),
        }
    };
    assert_eq!(accepted.revision, 1);
    let again = app
        .client
        .submit_regional_review(by_commission(submit("retry-me", ece(), None)))
        .await?
        .into_inner();
    assert_eq!(again, accepted);
    let bus = observer(&nats).await?;
    assert_eq!(
        count_on_subject(&bus, REGIONAL.name, "imrf.v1.regional.>").await?,
        1
    );
    app.stop().await;
    Ok(())
}

#[tokio::test]
async fn a_review_for_a_cycle_never_opened_is_refused_and_nothing_stored() -> TestResult {
    let nats = NatsServer::start()?;
    let mut app = TestApp::spawn(&nats, system_clock()).await?;
    let status = app
        .client
        .submit_regional_review(by_commission(submit(
            "early",
            RegionalReview {
                cycle_id: "2031".into(),
                ..ece()
            },
            None,
        )))
        .await
        .err()
        .ok_or("a review for a cycle never opened was accepted")?;
    assert_eq!(status.code(), Code::FailedPrecondition, "{status:?}");
    assert!(
        status.message().contains("cycle 2031 has not been opened"),
        "{}",
        status.message()
    );
    assert_eq!(
        count_on_subject(&observer(&nats).await?, REGIONAL.name, "imrf.v1.regional.>").await?,
        0
    );
    app.stop().await;
    Ok(())
}

#[tokio::test]
async fn a_review_after_the_regional_deadline_is_refused_naming_it() -> TestResult {
    let nats = NatsServer::start()?;
    // The cycle is announced on the bus before the service starts; the
    // service reads CYCLE to its end before it serves.
    let bus = observer(&nats).await?;
    announce_cycle(
        &bus,
        Cycle {
            schedule: Some(CycleSchedule {
                collection_start: date(2025, 1, 1),
                regional_review_deadline: date(2025, 12, 31),
                national_report_deadline: date(2026, 1, 31),
                practices_cutoff: date(2026, 2, 28),
                compile_date: date(2026, 3, 1),
                plenary_date: date(2026, 5, 4),
            }),
            ..collecting_cycle("2026")
        },
    )
    .await?;

    // 2025-12-31 12:00 UTC: the last day, still open.
    let clock = ManualClock::new(SystemTime::UNIX_EPOCH + Duration::from_secs(1_767_182_400));
    let mut app = TestApp::spawn(&nats, std::sync::Arc::new(clock.clone())).await?;
    app.client
        .submit_regional_review(by_commission(submit("on-time", ece(), None)))
        .await?;

    // 2026-01-01 00:00 UTC: the deadline day has ended.
    clock.set(SystemTime::UNIX_EPOCH + Duration::from_secs(1_767_225_600));
    let late = review(Commission::Eca, &["KEN"]);
    let status = app
        .client
        .submit_regional_review(by_commission(submit("late", late, None)))
        .await
        .err()
        .ok_or("accepted after the deadline")?;
    assert_eq!(status.code(), Code::FailedPrecondition);
    assert!(
        status.message().contains("regional-review deadline"),
        "{}",
        status.message()
    );
    assert!(
        status.message().contains("2025-12-31"),
        "{}",
        status.message()
    );
    assert_eq!(
        count_on_subject(&bus, REGIONAL.name, "imrf.v1.regional.>").await?,
        1
    );
    app.stop().await;
    Ok(())
}

/// Raw request bytes, sent as they are.
#[derive(Debug, Clone, Default)]
struct RawCodec;

#[derive(Debug)]
struct RawEncoder;

#[derive(Debug)]
struct RawDecoder;

impl tonic::codec::Encoder for RawEncoder {
    type Item = Vec<u8>;
    type Error = tonic::Status;
    fn encode(
        &mut self,
        item: Vec<u8>,
        dst: &mut tonic::codec::EncodeBuf<'_>,
    ) -> Result<(), tonic::Status> {
        bytes::BufMut::put_slice(dst, &item);
        Ok(())
    }
}

impl tonic::codec::Decoder for RawDecoder {
    type Item = Vec<u8>;
    type Error = tonic::Status;
    fn decode(
        &mut self,
        src: &mut tonic::codec::DecodeBuf<'_>,
    ) -> Result<Option<Vec<u8>>, tonic::Status> {
        let mut out = vec![0; bytes::Buf::remaining(src)];
        bytes::Buf::copy_to_slice(src, &mut out);
        Ok(Some(out))
    }
}

impl tonic::codec::Codec for RawCodec {
    type Encode = Vec<u8>;
    type Decode = Vec<u8>;
    type Encoder = RawEncoder;
    type Decoder = RawDecoder;
    fn encoder(&mut self) -> RawEncoder {
        RawEncoder
    }
    fn decoder(&mut self) -> RawDecoder {
        RawDecoder
    }
}

fn varint(mut n: u64, out: &mut Vec<u8>) {
    while n >= 0x80 {
        out.push((n as u8) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

/// A request nested 200 levels deep (groups in an unknown field) and bytes
/// that are no protobuf at all are refused before the service sees them,
/// and nothing is stored.
#[tokio::test]
async fn deeply_nested_and_malformed_requests_are_refused() -> TestResult {
    let nats = NatsServer::start()?;
    let app = TestApp::spawn(&nats, system_clock()).await?;
    let channel = imrf_platform::probe::connect(&app.process.url()).await?;
    let mut valid = prost::Message::encode_to_vec(&submit("nested", ece(), None));
    let mut nested = Vec::new();
    for _ in 0..200 {
        varint((99 << 3) | 3, &mut nested);
    }
    for _ in 0..200 {
        varint((99 << 3) | 4, &mut nested);
    }
    valid.extend(nested);
    for (name, body) in [("nested", valid), ("garbage", vec![0xff; 64])] {
        let mut grpc = tonic::client::Grpc::new(channel.clone());
        grpc.ready().await?;
        let path = tonic::codegen::http::uri::PathAndQuery::from_static(
            "/imrf.v1.RegionalReviewIntake/SubmitRegionalReview",
        );
        let outcome = grpc
            .unary(as_caller("commission:ECE", body), path, RawCodec)
            .await;
        let status = outcome.err().ok_or_else(|| format!("{name}: accepted"))?;
        // gRPC reports an unparsable message as INTERNAL.
        assert_eq!(status.code(), Code::Internal, "{name}: {status:?}");
    }
    let bus = observer(&nats).await?;
    assert_eq!(
        count_on_subject(&bus, REGIONAL.name, "imrf.v1.regional.>").await?,
        0
    );
    app.stop().await;
    Ok(())
}

/// Validation takes whatever a client can make prost decode, and never
/// panics on it.
#[test]
fn validation_survives_arbitrary_and_mutated_reviews() {
    let seed = ece();
    imrf_testkit::fuzz_decoded(&seed, 20_000, |review: &RegionalReview| {
        let mut v = imrf_gcm::validate::Violations::new();
        regional_intake::validate::review(&mut v, "review", review);
        let _ = regional_intake::validate::parse_review_id(&review.title);
    });
}
