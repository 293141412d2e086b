//! practices-hub over real gRPC on a socket, against a real nats-server:
//! validation, the whole curation state machine, search, and the privacy of
//! focal points.

use std::time::Duration;

use imrf_bus::Bus;
use imrf_bus::names::{PRACTICES, subject};
use imrf_platform::auth::AuthChannel;
use imrf_platform::error::field_violations;
use imrf_proto::v1::practice_repository_client::PracticeRepositoryClient;
use imrf_proto::v1::{
    Commission, CriterionMark, FocalPoint, GetNetworkContributionRequest,
    GetPracticeHistoryRequest, GetPracticeRequest, GuidingPrinciple, JointProgramme, MigrationFund,
    NetworkContribution, PracticeDetails, PracticeStatus, PracticeType, ReviewCriterion,
    ReviewDecision, ReviewPracticeRequest, SearchPracticesRequest, StakeholderType,
    SubmitNetworkContributionRequest, SubmitPracticeRequest, UpdatePracticeRequest,
    WithdrawPracticeRequest, WorkstreamActivity,
};
use imrf_testkit::{InProcess, NatsServer, as_caller, channel_as, service_config};
use practices_hub::{Application, Config};
use tonic::Code;

type AnyError = Box<dyn std::error::Error + Send + Sync>;
type TestResult = Result<(), AnyError>;

struct TestApp {
    client: PracticeRepositoryClient<AuthChannel>,
    process: InProcess,
}

impl TestApp {
    async fn spawn(nats: &NatsServer) -> Result<Self, AnyError> {
        imrf_platform::telemetry::init_for_tests();
        let app = Application::build(Config {
            service: service_config(nats),
            approvals_required: 2,
        })
        .await?;
        let addr = app.local_addr().ok_or("no address")?;
        let process = InProcess::spawn(addr, |stop| app.run_until_stopped(stop));
        // Unless a request names its caller, it comes from the public.
        let client =
            PracticeRepositoryClient::new(channel_as(process.url(), "reader:public").await?);
        Ok(Self { client, process })
    }
}

const EMAIL: &str = "amina.focal@example.org";
const PHONE: &str = "+254 700 123456";

fn details(
    title: &str,
    objectives: Vec<u32>,
    regions: Vec<Commission>,
    countries: &[&str],
) -> PracticeDetails {
    PracticeDetails {
        title: title.into(),
        summary: format!("{title}: how it works and for whom."),
        primary_objectives: objectives,
        guiding_principles: vec![
            GuidingPrinciple::HumanRights as i32,
            GuidingPrinciple::WholeOfSociety as i32,
        ],
        upholds_all_guiding_principles: true,
        sdg_targets: vec!["10.7".into()],
        start_year: 2020,
        end_year: 2024,
        r#type: PracticeType::Programme as i32,
        countries: countries.iter().map(|c| c.to_string()).collect(),
        global_scope: countries.is_empty(),
        regions: regions.into_iter().map(|r| r as i32).collect(),
        implementing_partners: vec!["IOM".into()],
        results: "Costs fell by a third.".into(),
        submitter_organization: "Ministry of Labour".into(),
        submitter_type: StakeholderType::NationalGovernment as i32,
        completion_percent: 90,
        lessons_learnt: String::new(),
    }
}

fn focal() -> FocalPoint {
    FocalPoint {
        name: "Amina Focal".into(),
        email: EMAIL.into(),
        organization: "Ministry of Labour".into(),
        phone: PHONE.into(),
    }
}

fn submit(id: &str, details: PracticeDetails) -> SubmitPracticeRequest {
    SubmitPracticeRequest {
        request_id: id.into(),
        details: Some(details),
        focal_point: Some(focal()),
    }
}

fn review(
    id: &str,
    practice: &str,
    revision: u32,
    decision: ReviewDecision,
) -> ReviewPracticeRequest {
    ReviewPracticeRequest {
        request_id: id.into(),
        practice_id: practice.into(),
        revision,
        decision: decision as i32,
        note: "Reviewed against the five criteria.".into(),
        marks: vec![CriterionMark {
            criterion: ReviewCriterion::Relevance as i32,
            mark: 4,
        }],
    }
}

async fn new_practice(app: &mut TestApp, id: &str, d: PracticeDetails) -> Result<String, AnyError> {
    Ok(app
        .client
        .submit_practice(as_caller("state:KEN", submit(id, d)))
        .await?
        .into_inner()
        .practice_id)
}

async fn publish(app: &mut TestApp, id: &str, practice: &str) -> Result<(), AnyError> {
    app.client
        .review_practice(as_caller(
            "curator:a",
            review(&format!("{id}-a"), practice, 1, ReviewDecision::Approve),
        ))
        .await?;
    let done = app
        .client
        .review_practice(as_caller(
            "curator:b",
            review(&format!("{id}-b"), practice, 1, ReviewDecision::Approve),
        ))
        .await?;
    assert_eq!(done.into_inner().status, PracticeStatus::Published as i32);
    Ok(())
}

#[tokio::test]
async fn each_validation_rule_reports_its_field() -> TestResult {
    let nats = NatsServer::start()?;
    let mut app = TestApp::spawn(&nats).await?;
    type Mutate = fn(&mut SubmitPracticeRequest);
    let cases: Vec<(&str, Mutate, &str)> = vec![
        (
            "a noncharacter in the title",
            |r| r.details.as_mut().map_or((), |d| d.title.push('\u{FFFE}')),
            "details.title",
        ),
        (
            "a right-to-left override in the results",
            |r| {
                r.details
                    .as_mut()
                    .map_or((), |d| d.results = "Costs \u{202E}fell".into())
            },
            "details.results",
        ),
        (
            "no objective",
            |r| {
                r.details
                    .as_mut()
                    .map_or((), |d| d.primary_objectives.clear())
            },
            "details.primary_objectives",
        ),
        (
            "objective 24",
            |r| {
                r.details
                    .as_mut()
                    .map_or((), |d| d.primary_objectives = vec![24])
            },
            "details.primary_objectives[0]",
        ),
        (
            "principle unknown",
            |r| {
                r.details
                    .as_mut()
                    .map_or((), |d| d.guiding_principles.push(11))
            },
            "details.guiding_principles[2]",
        ),
        (
            "principle twice",
            |r| {
                r.details
                    .as_mut()
                    .map_or((), |d| d.guiding_principles.push(6))
            },
            "details.guiding_principles[2]",
        ),
        (
            "not all principles upheld",
            |r| {
                r.details
                    .as_mut()
                    .map_or((), |d| d.upholds_all_guiding_principles = false)
            },
            "details.upholds_all_guiding_principles",
        ),
        (
            "end before start",
            |r| r.details.as_mut().map_or((), |d| d.end_year = 2019),
            "details.end_year",
        ),
        (
            "no start year",
            |r| r.details.as_mut().map_or((), |d| d.start_year = 0),
            "details.start_year",
        ),
        (
            "unknown country",
            |r| {
                r.details
                    .as_mut()
                    .map_or((), |d| d.countries = vec!["XKX".into()])
            },
            "details.countries[0]",
        ),
        (
            "no country and not global",
            |r| {
                r.details.as_mut().map_or((), |d| {
                    d.countries.clear();
                    d.global_scope = false;
                })
            },
            "details.countries",
        ),
        (
            "bad region",
            |r| r.details.as_mut().map_or((), |d| d.regions = vec![9]),
            "details.regions[0]",
        ),
        (
            "bad SDG target",
            |r| {
                r.details
                    .as_mut()
                    .map_or((), |d| d.sdg_targets = vec!["10.7.1".into()])
            },
            "details.sdg_targets[0]",
        ),
        (
            "type unset",
            |r| r.details.as_mut().map_or((), |d| d.r#type = 0),
            "details.type",
        ),
        (
            "title missing",
            |r| r.details.as_mut().map_or((), |d| d.title.clear()),
            "details.title",
        ),
        (
            "summary too long",
            |r| {
                r.details
                    .as_mut()
                    .map_or((), |d| d.summary = "s".repeat(20_001))
            },
            "details.summary",
        ),
        (
            "completion over 100",
            |r| {
                r.details
                    .as_mut()
                    .map_or((), |d| d.completion_percent = 101)
            },
            "details.completion_percent",
        ),
        ("no focal point", |r| r.focal_point = None, "focal_point"),
        (
            "focal point email",
            |r| {
                r.focal_point
                    .as_mut()
                    .map_or((), |f| f.email = "not-an-address".into())
            },
            "focal_point.email",
        ),
        (
            "focal point name",
            |r| r.focal_point.as_mut().map_or((), |f| f.name.clear()),
            "focal_point.name",
        ),
    ];
    for (name, mutate, field) in cases {
        let mut request = submit(
            &format!("bad-{}", name.replace(' ', "-")),
            details("A practice", vec![20], vec![Commission::Eca], &["KEN"]),
        );
        mutate(&mut request);
        let status = app
            .client
            .submit_practice(as_caller("state:KEN", request))
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
    // Eligibility: warnings, not errors.
    let mut early = details("An early practice", vec![20], vec![], &["KEN"]);
    early.start_year = 2015;
    early.completion_percent = 30;
    let accepted = app
        .client
        .submit_practice(as_caller("state:KEN", submit("early", early)))
        .await?
        .into_inner();
    assert_eq!(accepted.warnings.len(), 2, "{:?}", accepted.warnings);
    // Readers read; they do not submit.
    let reader = app
        .client
        .submit_practice(submit("anon", details("x", vec![1], vec![], &["KEN"])))
        .await;
    assert_eq!(reader.err().map(|s| s.code()), Some(Code::PermissionDenied));
    app.process.stop().await;
    Ok(())
}

#[tokio::test]
async fn the_curation_state_machine_and_its_forbidden_steps() -> TestResult {
    let nats = NatsServer::start()?;
    let mut app = TestApp::spawn(&nats).await?;
    let id = new_practice(
        &mut app,
        "s1",
        details(
            "Remittance comparison portal",
            vec![20],
            vec![Commission::Eca],
            &["KEN"],
        ),
    )
    .await?;
    let c = &mut app.client;

    let first = c
        .review_practice(as_caller(
            "curator:a",
            review("r1", &id, 1, ReviewDecision::Approve),
        ))
        .await?
        .into_inner();
    assert_eq!(
        (first.status, first.approvals),
        (PracticeStatus::InReview as i32, 1)
    );
    let again = c
        .review_practice(as_caller(
            "curator:a",
            review("r1b", &id, 1, ReviewDecision::Approve),
        ))
        .await;
    assert_eq!(
        again.err().map(|s| s.code()),
        Some(Code::FailedPrecondition),
        "a reviewer reviews a revision once"
    );
    let own = c
        .review_practice(as_caller(
            "state:KEN",
            review("r-own", &id, 1, ReviewDecision::Approve),
        ))
        .await;
    assert_eq!(
        own.err().map(|s| s.code()),
        Some(Code::PermissionDenied),
        "only curators review"
    );
    // A curator may propose a practice, but not review it.
    let curators = c
        .submit_practice(as_caller(
            "curator:a",
            submit(
                "by-curator",
                details("A curator's own", vec![5], vec![], &["KEN"]),
            ),
        ))
        .await?
        .into_inner();
    let self_review = c
        .review_practice(as_caller(
            "curator:a",
            review("r-self", &curators.practice_id, 1, ReviewDecision::Approve),
        ))
        .await
        .err()
        .ok_or("a curator reviewed their own practice")?;
    assert_eq!(self_review.code(), Code::PermissionDenied, "no self-review");
    assert!(
        self_review
            .message()
            .contains("nobody may review what they submitted"),
        "{}",
        self_review.message()
    );
    let reader = c
        .review_practice(review("r-anon", &id, 1, ReviewDecision::Approve))
        .await;
    assert_eq!(reader.err().map(|s| s.code()), Some(Code::PermissionDenied));

    let changes = c
        .review_practice(as_caller(
            "curator:b",
            review("r2", &id, 1, ReviewDecision::RequestChanges),
        ))
        .await?
        .into_inner();
    assert_eq!(changes.status, PracticeStatus::ChangesRequested as i32);
    let blocked = c
        .review_practice(as_caller(
            "curator:c",
            review("r3", &id, 1, ReviewDecision::Approve),
        ))
        .await
        .err()
        .ok_or("reviewed")?;
    assert_eq!(blocked.code(), Code::FailedPrecondition);
    assert!(
        blocked.message().contains("CHANGES_REQUESTED"),
        "{}",
        blocked.message()
    );

    let not_submitter = c
        .update_practice(as_caller(
            "state:UGA",
            UpdatePracticeRequest {
                request_id: "u0".into(),
                practice_id: id.clone(),
                details: Some(details(
                    "Remittance comparison portal",
                    vec![20],
                    vec![Commission::Eca],
                    &["KEN"],
                )),
                focal_point: None,
                expected_revision: 1,
                note: String::new(),
            },
        ))
        .await;
    // Unpublished, another State's practice does not exist for UGA.
    assert_eq!(not_submitter.err().map(|s| s.code()), Some(Code::NotFound));
    let mut revised = details(
        "Remittance comparison portal",
        vec![20, 1],
        vec![Commission::Eca],
        &["KEN"],
    );
    revised.results = "Costs fell by a third; evaluation attached.".into();
    let update = |rev| UpdatePracticeRequest {
        request_id: format!("u{rev}"),
        practice_id: id.clone(),
        details: Some(revised.clone()),
        focal_point: None,
        expected_revision: rev,
        note: "Evaluation added".into(),
    };
    let stale = c.update_practice(as_caller("state:KEN", update(7))).await;
    assert_eq!(stale.err().map(|s| s.code()), Some(Code::Aborted));
    let updated = c
        .update_practice(as_caller("state:KEN", update(1)))
        .await?
        .into_inner();
    assert_eq!(updated.revision, 2);
    let old = c
        .review_practice(as_caller(
            "curator:c",
            review("r4", &id, 1, ReviewDecision::Approve),
        ))
        .await;
    assert_eq!(
        old.err().map(|s| s.code()),
        Some(Code::FailedPrecondition),
        "an old revision"
    );
    // Approvals of revision 1 do not count for revision 2.
    let a = c
        .review_practice(as_caller(
            "curator:a",
            review("r5", &id, 2, ReviewDecision::Approve),
        ))
        .await?
        .into_inner();
    assert_eq!(
        (a.status, a.approvals),
        (PracticeStatus::InReview as i32, 1)
    );
    let b = c
        .review_practice(as_caller(
            "curator:b",
            review("r6", &id, 2, ReviewDecision::Approve),
        ))
        .await?
        .into_inner();
    assert_eq!(b.status, PracticeStatus::Published as i32);

    let withdraw = c
        .withdraw_practice(as_caller(
            "state:KEN",
            WithdrawPracticeRequest {
                request_id: "w".into(),
                practice_id: id.clone(),
                reason: "r".into(),
            },
        ))
        .await;
    assert_eq!(
        withdraw.err().map(|s| s.code()),
        Some(Code::FailedPrecondition),
        "published practices stay"
    );
    let late_update = c.update_practice(as_caller("state:KEN", update(2))).await;
    assert_eq!(
        late_update.err().map(|s| s.code()),
        Some(Code::FailedPrecondition)
    );

    let history = c
        .get_practice_history(GetPracticeHistoryRequest {
            practice_id: id.clone(),
        })
        .await?
        .into_inner()
        .steps;
    let actions: Vec<(String, String, i32)> = history
        .iter()
        .map(|s| (s.action.clone(), s.actor.clone(), s.status_after))
        .collect();
    assert_eq!(
        actions,
        [
            (
                "submitted".into(),
                "state:KEN".into(),
                PracticeStatus::Submitted as i32
            ),
            (
                "reviewed".into(),
                "curator:a".into(),
                PracticeStatus::InReview as i32
            ),
            (
                "reviewed".into(),
                "curator:b".into(),
                PracticeStatus::ChangesRequested as i32
            ),
            (
                "updated".into(),
                "state:KEN".into(),
                PracticeStatus::InReview as i32
            ),
            (
                "reviewed".into(),
                "curator:a".into(),
                PracticeStatus::InReview as i32
            ),
            (
                "reviewed".into(),
                "curator:b".into(),
                PracticeStatus::Published as i32
            ),
        ]
    );
    assert_eq!(history[1].marks.len(), 1);
    app.process.stop().await;
    Ok(())
}

#[tokio::test]
async fn a_third_review_decides_a_disagreement_and_withdrawal_before_publication() -> TestResult {
    let nats = NatsServer::start()?;
    let mut app = TestApp::spawn(&nats).await?;
    let yes = new_practice(
        &mut app,
        "p1",
        details("Practice one", vec![8], vec![], &["MEX"]),
    )
    .await?;
    let no = new_practice(
        &mut app,
        "p2",
        details("Practice two", vec![8], vec![], &["MEX"]),
    )
    .await?;
    let gone = new_practice(
        &mut app,
        "p3",
        details("Practice three", vec![8], vec![], &["MEX"]),
    )
    .await?;
    let c = &mut app.client;
    for (practice, third, expected) in [
        (&yes, ReviewDecision::Approve, PracticeStatus::Published),
        (&no, ReviewDecision::Reject, PracticeStatus::Rejected),
    ] {
        c.review_practice(as_caller(
            "curator:a",
            review(
                &format!("{practice}a"),
                practice,
                1,
                ReviewDecision::Approve,
            ),
        ))
        .await?;
        let split = c
            .review_practice(as_caller(
                "curator:b",
                review(&format!("{practice}b"), practice, 1, ReviewDecision::Reject),
            ))
            .await?
            .into_inner();
        assert_eq!(
            split.status,
            PracticeStatus::InReview as i32,
            "disagreement waits for a third review"
        );
        let decided = c
            .review_practice(as_caller(
                "curator:c",
                review(&format!("{practice}c"), practice, 1, third),
            ))
            .await?
            .into_inner();
        assert_eq!(decided.status, expected as i32);
    }
    c.withdraw_practice(as_caller(
        "state:KEN",
        WithdrawPracticeRequest {
            request_id: "w".into(),
            practice_id: gone.clone(),
            reason: "Programme ended".into(),
        },
    ))
    .await?;
    let after = c
        .review_practice(as_caller(
            "curator:a",
            review("late", &gone, 1, ReviewDecision::Approve),
        ))
        .await
        .err()
        .ok_or("reviewed")?;
    assert!(after.message().contains("WITHDRAWN"), "{}", after.message());
    app.process.stop().await;
    Ok(())
}

#[tokio::test]
async fn search_ranks_filters_and_counts_facets() -> TestResult {
    let nats = NatsServer::start()?;
    let mut app = TestApp::spawn(&nats).await?;
    let specs = [
        (
            "Remittance price comparison portal",
            vec![20],
            vec![Commission::Eca],
            vec!["KEN"],
            2020,
        ),
        (
            "Financial literacy for remittance senders",
            vec![20, 16],
            vec![Commission::Ece],
            vec!["DEU"],
            2019,
        ),
        (
            "Cross-border search for missing migrants",
            vec![8],
            vec![Commission::Eclac],
            vec!["MEX"],
            2021,
        ),
        (
            "Language courses for newcomers",
            vec![16],
            vec![Commission::Ece],
            vec!["SWE"],
            2022,
        ),
    ];
    let mut ids = Vec::new();
    for (i, (title, objectives, regions, countries, start)) in specs.iter().enumerate() {
        let mut d = details(title, objectives.clone(), regions.clone(), countries);
        d.start_year = *start;
        if i == 3 {
            d.r#type = PracticeType::CapacityBuilding as i32;
            d.guiding_principles = vec![GuidingPrinciple::HumanRights as i32];
            d.submitter_type = StakeholderType::CivilSociety as i32;
        }
        let id = new_practice(&mut app, &format!("s{i}"), d).await?;
        publish(&mut app, &format!("pub{i}"), &id).await?;
        ids.push(id);
    }
    let unpublished = new_practice(
        &mut app,
        "draft",
        details(
            "Remittance pilot awaiting review",
            vec![20],
            vec![Commission::Eca],
            &["KEN"],
        ),
    )
    .await?;
    let search = |r: SearchPracticesRequest| r;
    let c = &mut app.client;

    // An exact title match ranks first.
    let found = c
        .search_practices(search(SearchPracticesRequest {
            query: "Remittance price comparison portal".into(),
            ..Default::default()
        }))
        .await?
        .into_inner();
    assert_eq!(
        found.results.first().map(|r| r.practice_id.as_str()),
        Some(ids[0].as_str())
    );
    let remittance = c
        .search_practices(search(SearchPracticesRequest {
            query: "remittances".into(),
            ..Default::default()
        }))
        .await?
        .into_inner();
    assert_eq!(remittance.total, 2, "stemmed, published only");
    assert!(
        remittance
            .results
            .iter()
            .all(|r| r.practice_id != unpublished)
    );
    let facets: Vec<(String, u32)> = remittance
        .objective_facets
        .iter()
        .map(|f| (f.value.clone(), f.count))
        .collect();
    assert_eq!(facets, [("16".to_string(), 1), ("20".to_string(), 2)]);
    let regions: Vec<(String, u32)> = remittance
        .region_facets
        .iter()
        .map(|f| (f.value.clone(), f.count))
        .collect();
    assert_eq!(regions, [("ECA".to_string(), 1), ("ECE".to_string(), 1)]);

    // Every facet a reader narrows by, over all published practices.
    let everything = c
        .search_practices(SearchPracticesRequest::default())
        .await?
        .into_inner();
    let counted = |facets: &[imrf_proto::v1::FacetCount]| {
        facets
            .iter()
            .map(|f| format!("{}={}", f.value, f.count))
            .collect::<Vec<_>>()
            .join(" ")
    };
    assert_eq!(
        counted(&everything.guiding_principle_facets),
        "GUIDING_PRINCIPLE_HUMAN_RIGHTS=4 GUIDING_PRINCIPLE_WHOLE_OF_SOCIETY=3"
    );
    assert_eq!(
        counted(&everything.type_facets),
        "PRACTICE_TYPE_PROGRAMME=3 PRACTICE_TYPE_CAPACITY_BUILDING=1"
    );
    assert_eq!(
        counted(&everything.submitter_type_facets),
        "STAKEHOLDER_TYPE_NATIONAL_GOVERNMENT=3 STAKEHOLDER_TYPE_CIVIL_SOCIETY=1"
    );
    assert_eq!(
        counted(&everything.country_facets),
        "DEU=1 KEN=1 MEX=1 SWE=1"
    );

    let count = |r: SearchPracticesRequest| r;
    let filtered = [
        (
            count(SearchPracticesRequest {
                objectives: vec![16],
                ..Default::default()
            }),
            2,
        ),
        (
            count(SearchPracticesRequest {
                regions: vec![Commission::Eclac as i32],
                ..Default::default()
            }),
            1,
        ),
        (
            count(SearchPracticesRequest {
                countries: vec!["SWE".into()],
                ..Default::default()
            }),
            1,
        ),
        (
            count(SearchPracticesRequest {
                from_year: 2025,
                ..Default::default()
            }),
            0,
        ),
        (
            count(SearchPracticesRequest {
                to_year: 2019,
                ..Default::default()
            }),
            1,
        ),
        (
            count(SearchPracticesRequest {
                guiding_principles: vec![GuidingPrinciple::HumanRights as i32],
                ..Default::default()
            }),
            4,
        ),
        (
            count(SearchPracticesRequest {
                guiding_principles: vec![GuidingPrinciple::ChildSensitive as i32],
                ..Default::default()
            }),
            0,
        ),
        (
            count(SearchPracticesRequest {
                types: vec![PracticeType::Programme as i32],
                ..Default::default()
            }),
            3,
        ),
        (
            count(SearchPracticesRequest {
                submitter_types: vec![StakeholderType::Academia as i32],
                ..Default::default()
            }),
            0,
        ),
    ];
    for (request, expected) in filtered {
        let label = format!("{request:?}");
        let got = c.search_practices(request).await?.into_inner().total;
        assert_eq!(got, expected, "{label}");
    }
    // Paging.
    let page = c
        .search_practices(SearchPracticesRequest {
            page_size: 3,
            ..Default::default()
        })
        .await?
        .into_inner();
    assert_eq!(
        (
            page.results.len(),
            page.total,
            page.next_page_token.as_str()
        ),
        (3, 4, "3")
    );
    // Curators may search other statuses; readers may not.
    let statuses = SearchPracticesRequest {
        statuses: vec![PracticeStatus::Submitted as i32],
        ..Default::default()
    };
    assert_eq!(
        c.search_practices(statuses.clone())
            .await
            .err()
            .map(|s| s.code()),
        Some(Code::PermissionDenied)
    );
    let queue = c
        .search_practices(as_caller("curator:a", statuses))
        .await?
        .into_inner();
    assert_eq!(
        queue.results.first().map(|r| r.practice_id.as_str()),
        Some(unpublished.as_str())
    );
    // A submitter lists their own practices in every status, the newest
    // first; nobody else's, and with no query or filter beside.
    let own = SearchPracticesRequest {
        own: true,
        ..Default::default()
    };
    let mine = c
        .search_practices(as_caller("state:KEN", own.clone()))
        .await?
        .into_inner();
    assert_eq!(mine.total, 5);
    assert_eq!(
        mine.results
            .first()
            .map(|r| (r.practice_id.as_str(), r.status)),
        Some((unpublished.as_str(), PracticeStatus::Submitted as i32))
    );
    let theirs = c
        .search_practices(as_caller("state:MEX", own.clone()))
        .await?
        .into_inner();
    assert_eq!((theirs.total, theirs.results.len()), (0, 0));
    let narrowed = c
        .search_practices(as_caller(
            "state:KEN",
            SearchPracticesRequest {
                query: "remittance".into(),
                ..own
            },
        ))
        .await
        .err()
        .map(|s| {
            field_violations(&s)
                .into_iter()
                .map(|(f, _)| f)
                .collect::<Vec<_>>()
        });
    assert_eq!(narrowed, Some(vec!["own".to_string()]));
    app.process.stop().await;
    Ok(())
}

#[tokio::test]
async fn a_flood_of_bad_items_gets_an_answer_the_client_can_read() -> TestResult {
    let nats = NatsServer::start()?;
    let mut app = TestApp::spawn(&nats).await?;
    let mut d = details("Remittance corridors", vec![20], vec![], &["KEN"]);
    d.countries = vec!["QQQ".to_string(); 80_000];
    let status = app
        .client
        .submit_practice(as_caller("state:KEN", submit("flood", d)))
        .await
        .err()
        .ok_or("accepted")?;
    assert_eq!(status.code(), Code::InvalidArgument);
    let listed = imrf_platform::error::field_violations(&status);
    assert_eq!(
        listed.len(),
        imrf_gcm::validate::MAX_LISTED_VIOLATIONS,
        "{listed:?}"
    );
    assert_eq!(listed[0].0, "details.countries");
    let last = listed.last().map(|(_, d)| d.as_str()).unwrap_or_default();
    assert!(last.contains("more problems not listed"), "{last}");
    assert!(
        status.details().len() < 16 * 1024,
        "{}",
        status.details().len()
    );

    let query = "remittance ".repeat(3_000);
    let search = app
        .client
        .search_practices(SearchPracticesRequest {
            query,
            countries: vec!["QQQ".to_string(); 5_000],
            ..Default::default()
        })
        .await
        .err()
        .ok_or("accepted")?;
    assert_eq!(search.code(), Code::InvalidArgument);
    assert!(
        search.details().len() < 16 * 1024,
        "{}",
        search.details().len()
    );
    Ok(())
}

#[tokio::test]
async fn one_callers_request_id_neither_answers_nor_refuses_another_caller() -> TestResult {
    let nats = NatsServer::start()?;
    let mut app = TestApp::spawn(&nats).await?;
    let d = details("Remittance corridors", vec![20], vec![], &["KEN"]);
    let kenya = new_practice(&mut app, "r-1", d.clone()).await?;
    // Uganda sends Kenya's exact request: it gets a practice of its own,
    // never Kenya's unpublished id.
    let uganda = app
        .client
        .submit_practice(as_caller("state:UGA", submit("r-1", d.clone())))
        .await?
        .into_inner();
    assert_ne!(uganda.practice_id, kenya);
    // And Kenya's request id with other content is Uganda's to use.
    let other = app
        .client
        .submit_practice(as_caller(
            "state:UGA",
            submit(
                "r-2",
                details("Skills partnerships", vec![18], vec![], &["UGA"]),
            ),
        ))
        .await?
        .into_inner();
    let reused = app
        .client
        .submit_practice(as_caller(
            "state:UGA",
            submit(
                "r-1",
                details("Consular services", vec![14], vec![], &["UGA"]),
            ),
        ))
        .await;
    assert_eq!(
        reused.err().map(|s| s.code()),
        Some(Code::InvalidArgument),
        "Uganda's own request id with other content is still refused"
    );
    let kenya_reuses_ugandas = app
        .client
        .submit_practice(as_caller(
            "state:KEN",
            submit(
                "r-2",
                details("Consular services", vec![14], vec![], &["KEN"]),
            ),
        ))
        .await?
        .into_inner();
    assert_ne!(kenya_reuses_ugandas.practice_id, other.practice_id);
    // Each caller's repeat still gets its own first answer.
    assert_eq!(new_practice(&mut app, "r-1", d).await?, kenya);
    Ok(())
}

#[tokio::test]
async fn focal_points_stay_private() -> TestResult {
    let nats = NatsServer::start()?;
    let mut app = TestApp::spawn(&nats).await?;
    let id = new_practice(
        &mut app,
        "private",
        details("Private contact practice", vec![1], vec![], &["KEN"]),
    )
    .await?;
    publish(&mut app, "p", &id).await?;
    let c = &mut app.client;
    let public = c
        .get_practice(GetPracticeRequest {
            practice_id: id.clone(),
            curator_view: false,
        })
        .await?
        .into_inner();
    assert!(public.practice.and_then(|p| p.focal_point).is_none());
    let denied = c
        .get_practice(GetPracticeRequest {
            practice_id: id.clone(),
            curator_view: true,
        })
        .await;
    assert_eq!(denied.err().map(|s| s.code()), Some(Code::PermissionDenied));
    let other_state = c
        .get_practice(as_caller(
            "state:UGA",
            GetPracticeRequest {
                practice_id: id.clone(),
                curator_view: true,
            },
        ))
        .await;
    assert_eq!(
        other_state.err().map(|s| s.code()),
        Some(Code::PermissionDenied)
    );
    for who in ["curator:a", "state:KEN", "secretariat"] {
        let seen = c
            .get_practice(as_caller(
                who,
                GetPracticeRequest {
                    practice_id: id.clone(),
                    curator_view: true,
                },
            ))
            .await?
            .into_inner();
        assert_eq!(
            seen.practice.and_then(|p| p.focal_point).map(|f| f.email),
            Some(EMAIL.to_string()),
            "{who}"
        );
    }
    // Not in search results...
    let found = c
        .search_practices(SearchPracticesRequest {
            query: "private contact".into(),
            ..Default::default()
        })
        .await?;
    let bytes = prost::Message::encode_to_vec(&found.into_inner());
    assert!(!contains(&bytes, EMAIL.as_bytes()) && !contains(&bytes, PHONE.as_bytes()));
    // ...nor anywhere on the PRACTICES stream other services read.
    let bus = Bus::connect(&nats.bus_config(), "observer").await?;
    let mut checked = 0;
    bus.replay(PRACTICES.name, &[subject::PRACTICE_ALL], |message| {
        checked += 1;
        assert!(
            !contains(&message.payload, EMAIL.as_bytes()),
            "email on {}",
            message.subject
        );
        assert!(
            !contains(&message.payload, PHONE.as_bytes()),
            "phone on {}",
            message.subject
        );
        assert!(
            !contains(&message.payload, b"Amina Focal"),
            "name on {}",
            message.subject
        );
        Ok(())
    })
    .await?;
    assert_eq!(checked, 3);
    app.process.stop().await;
    Ok(())
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[tokio::test]
async fn a_restart_keeps_practices_and_the_index() -> TestResult {
    let nats = NatsServer::start()?;
    let mut app = TestApp::spawn(&nats).await?;
    let id = new_practice(
        &mut app,
        "keep",
        details(
            "Durable practice on skills recognition",
            vec![18],
            vec![],
            &["PHL"],
        ),
    )
    .await?;
    publish(&mut app, "k", &id).await?;
    app.process.stop().await;
    let mut restarted = TestApp::spawn(&nats).await?;
    let found = restarted
        .client
        .search_practices(SearchPracticesRequest {
            query: "skills recognition".into(),
            ..Default::default()
        })
        .await?
        .into_inner();
    assert_eq!(
        found.results.first().map(|r| r.practice_id.as_str()),
        Some(id.as_str())
    );
    let seen = restarted
        .client
        .get_practice(as_caller(
            "curator:z",
            GetPracticeRequest {
                practice_id: id.clone(),
                curator_view: true,
            },
        ))
        .await?
        .into_inner();
    assert_eq!(
        seen.practice.and_then(|p| p.focal_point).map(|f| f.phone),
        Some(PHONE.to_string())
    );
    let _ = Duration::from_secs(0);
    restarted.process.stop().await;
    Ok(())
}

/// Validation takes whatever a client can make prost decode, and never
/// panics on it.
#[test]
fn validation_survives_arbitrary_and_mutated_submissions() {
    let seed = submit(
        "fuzz",
        details("Fair recruitment", vec![6], vec![], &["KEN"]),
    );
    imrf_testkit::fuzz_decoded(&seed, 20_000, |request: &SubmitPracticeRequest| {
        let mut v = imrf_gcm::validate::Violations::new();
        if let Some(d) = &request.details {
            practices_hub::validate::details(&mut v, "details", d);
            let _ = practices_hub::validate::warnings(d);
        }
        practices_hub::validate::focal_point(&mut v, "focal_point", request.focal_point.as_ref());
    });
}

fn contribution(summary: &str) -> NetworkContribution {
    NetworkContribution {
        cycle_id: "2026".into(),
        title: "Contribution of the United Nations Network on Migration".into(),
        summary: summary.into(),
        workstreams: vec![WorkstreamActivity {
            workstream: "Alternatives to detention".into(),
            activities: "Peer exchanges between Governments.".into(),
            objectives: vec![13],
            guiding_principles: vec![GuidingPrinciple::HumanRights as i32],
        }],
        fund: Some(MigrationFund {
            as_of: Some(imrf_proto::v1::Date {
                year: 2025,
                month: 12,
                day: 31,
            }),
            contributions_usd: 62_500_000.0,
            contributors: 21,
            programmes: vec![JointProgramme {
                title: "Safe labour migration corridor".into(),
                countries: vec!["KEN".into(), "ETH".into()],
                objectives: vec![6, 5],
                guiding_principles: vec![],
                allocation_usd: 2_700_000.0,
            }],
        }),
        ..Default::default()
    }
}

#[tokio::test]
async fn the_networks_contribution_is_submitted_revised_and_read_by_the_secretariat() -> TestResult
{
    let nats = NatsServer::start()?;
    let mut app = TestApp::spawn(&nats).await?;
    let submit = |who: &str, id: &str, c: NetworkContribution, expected_revision: u32| {
        as_caller(
            who,
            SubmitNetworkContributionRequest {
                request_id: id.into(),
                contribution: Some(c),
                expected_revision,
            },
        )
    };
    let first = app
        .client
        .submit_network_contribution(submit("network:hub", "c-1", contribution("First."), 0))
        .await?
        .into_inner()
        .record
        .ok_or("no record")?;
    assert_eq!(first.contribution_id, "2026-NETWORK");
    assert_eq!(first.meta.as_ref().map(|m| m.revision), Some(1));
    // The same request again is the same answer, stored once.
    let again = app
        .client
        .submit_network_contribution(submit("network:hub", "c-1", contribution("First."), 0))
        .await?
        .into_inner()
        .record;
    assert_eq!(again.as_ref(), Some(&first));

    // A blind or stale second submission is refused; the right one revises.
    let blind = app
        .client
        .submit_network_contribution(submit("network:hub", "c-2", contribution("Second."), 0))
        .await;
    assert_eq!(
        blind.map(drop).map_err(|s| s.code()),
        Err(Code::AlreadyExists)
    );
    let stale = app
        .client
        .submit_network_contribution(submit("network:hub", "c-3", contribution("Second."), 2))
        .await;
    assert_eq!(stale.map(drop).map_err(|s| s.code()), Err(Code::Aborted));
    let second = app
        .client
        .submit_network_contribution(submit("network:hub", "c-4", contribution("Second."), 1))
        .await?
        .into_inner()
        .record
        .ok_or("no record")?;
    assert_eq!(second.meta.as_ref().map(|m| m.revision), Some(2));

    // Nobody but the Network submits it.
    let curator = app
        .client
        .submit_network_contribution(submit("curator:alice", "c-5", contribution("Mine."), 2))
        .await;
    assert_eq!(
        curator.map(drop).map_err(|s| s.code()),
        Err(Code::PermissionDenied)
    );

    // Every bad field is named, and nothing is stored.
    let mut bad = contribution("");
    bad.workstreams[0].objectives = vec![24];
    if let Some(f) = bad.fund.as_mut() {
        f.contributions_usd = -1.0;
        f.programmes[0].countries.push("XXX".into());
    }
    let refused = app
        .client
        .submit_network_contribution(submit("network:hub", "c-6", bad, 2))
        .await
        .err()
        .ok_or("a bad contribution was accepted")?;
    assert_eq!(refused.code(), Code::InvalidArgument);
    let fields: Vec<String> = field_violations(&refused)
        .into_iter()
        .map(|(field, _)| field)
        .collect();
    assert_eq!(
        fields,
        [
            "contribution.summary",
            "contribution.workstreams[0].objectives[0]",
            "contribution.fund.contributions_usd",
            "contribution.fund.programmes[0].countries[2]",
        ]
    );

    let read = app
        .client
        .get_network_contribution(as_caller(
            "secretariat",
            GetNetworkContributionRequest {
                cycle_id: "2026".into(),
            },
        ))
        .await?
        .into_inner()
        .record;
    assert_eq!(read.as_ref(), Some(&second));
    let public = app
        .client
        .get_network_contribution(GetNetworkContributionRequest {
            cycle_id: "2026".into(),
        })
        .await;
    assert_eq!(
        public.map(drop).map_err(|s| s.code()),
        Err(Code::PermissionDenied)
    );
    let bus = Bus::connect(&nats.bus_config(), "auditor").await?;
    assert_eq!(
        imrf_testkit::count_on_subject(
            &bus,
            PRACTICES.name,
            &subject::network_contribution("2026")
        )
        .await?,
        2
    );
    app.process.stop().await;
    Ok(())
}
