//! Security end to end, against the four service binaries and a real
//! nats-server: the authorization table over every RPC and every role, with
//! what is stored checked unchanged after each refusal; forged, expired and
//! misaddressed tokens; the focal point's privacy; issued drafts for
//! readers; and the limits (request size, per-caller submission rate,
//! concurrency shedding).

mod support;

use imrf_bus::names::event_type;
use std::collections::BTreeMap;
use std::time::Duration;

use futures::StreamExt;
use imrf_bus::Bus;
use imrf_bus::names::{NATIONAL, subject};
use imrf_platform::auth::{AUDIENCE, LOCAL_ISSUER, Role, TokenIssuer, set_bearer};
use imrf_platform::error::is_shed;
use imrf_proto::v1::national_report_aggregation_client::NationalReportAggregationClient;
use imrf_proto::v1::practice_repository_client::PracticeRepositoryClient;
use imrf_proto::v1::regional_review_intake_client::RegionalReviewIntakeClient;
use imrf_proto::v1::{
    AdvanceCycleRequest, Commission, CompileDraftRequest, CyclePhase, CycleSchedule,
    DiffDraftsRequest, DraftFormat, DraftText, GetAggregateRequest, GetCycleRequest,
    GetDraftRequest, GetNationalReportRequest, GetNetworkContributionRequest,
    GetPracticeHistoryRequest, GetPracticeRequest, GetRegionalReviewRequest, ListCyclesRequest,
    ListDraftTextsRequest, ListDraftsRequest, ListNationalReportsRequest,
    ListRegionalReviewsRequest, NetworkContribution, OpenCycleRequest, PracticeStatus,
    RemoveDraftTextRequest, SearchPracticesRequest, SetDraftTextRequest,
    SubmitNationalReportRequest, SubmitNetworkContributionRequest, SubmitPracticeRequest,
    SubmitRegionalReviewRequest, TextPlacement, UpdatePracticeRequest, WatchAggregateRequest,
    WithdrawPracticeRequest, WithdrawRegionalReviewRequest,
};
use imrf_testkit::{
    ServiceProcess, TEST_TOKEN_SECRET, as_caller, channel_as, count_on_subject, eventually,
};
use support::{Clients, Stack, approval, binary, date, practice, report, review};
use tonic::{Code, Request, Status};

type AnyError = Box<dyn std::error::Error + Send + Sync>;

const CLOCK: [&str; 2] = ["--clock-start", "2026-02-02T08:00:00Z"];

/// The callers of the table, one per role, in its column order.
const CALLERS: [&str; 6] = [
    "commission:ECE",
    "state:KEN",
    "curator:alice",
    "secretariat",
    "reader:public",
    "network:hub",
];

/// Streams holding what the services store on request (the event streams,
/// the answered-request records, the focal points, the drafts). Aggregate
/// snapshots and timers are derived in the background and left out.
const RECORDS: [&str; 10] = [
    "REGIONAL",
    "NATIONAL",
    "PRACTICES",
    "CYCLE",
    "KV_REGIONAL_REQUESTS",
    "KV_NATIONAL_REQUESTS",
    "KV_PRACTICE_REQUESTS",
    "KV_PRACTICE_RECORDS",
    "KV_CYCLE_REQUESTS",
    "OBJ_DRAFTS",
];

/// The last sequence of every record stream: any write moves one.
async fn stored(bus: &Bus) -> Result<BTreeMap<&'static str, u64>, AnyError> {
    let mut out = BTreeMap::new();
    for name in RECORDS {
        let sequence = if name == NATIONAL.name {
            // NATIONAL also carries the aggregate's versions, derived in
            // the background; only reports are submissions.
            count_on_subject(bus, name, subject::NATIONAL_REPORT_ALL).await?
        } else {
            match bus.jetstream().get_stream(name).await {
                Ok(mut stream) => stream.info().await?.state.last_sequence,
                Err(_) => 0,
            }
        };
        out.insert(name, sequence);
    }
    Ok(out)
}

fn schedule(year: i32) -> Option<CycleSchedule> {
    Some(CycleSchedule {
        collection_start: date(year, 2, 3),
        regional_review_deadline: date(year, 4, 30),
        national_report_deadline: date(year, 5, 31),
        practices_cutoff: date(year, 6, 15),
        compile_date: date(year, 7, 1),
        plenary_date: date(year, 12, 1),
    })
}

fn open(cycle: &str, year: i32) -> OpenCycleRequest {
    OpenCycleRequest {
        request_id: format!("open-{cycle}"),
        cycle_id: cycle.into(),
        title: "Security test".into(),
        schedule: schedule(year),
        document_symbol: String::new(),
        session: 81,
        ..Default::default()
    }
}

fn advance(cycle: &str, from: CyclePhase, id: &str) -> AdvanceCycleRequest {
    AdvanceCycleRequest {
        request_id: id.into(),
        cycle_id: cycle.into(),
        expected_phase: from as i32,
        reason: "Security test".into(),
    }
}

/// A request id unique to a row and a caller.
fn rid(row: &str, who: &str) -> String {
    format!("{row}-{}", who.replace(':', "-"))
}

/// What the table expects of a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    /// Answered OK.
    Ok,
    /// PERMISSION_DENIED.
    Denied,
    /// NOT_FOUND: unpublished material of others does not exist for them.
    Hidden,
}
use Expect::{Denied as D, Hidden as H, Ok as Y};

/// Ids of the fixture the table acts on.
struct Fixture {
    /// A practice KEN submitted, not yet published.
    ken_practice: String,
    /// A practice UGA submitted, published.
    published: String,
}

async fn fixture(c: &mut Clients) -> Result<Fixture, AnyError> {
    c.cycles
        .open_cycle(as_caller("secretariat", open("2026", 2026)))
        .await?;
    c.cycles
        .advance_cycle(as_caller(
            "secretariat",
            advance("2026", CyclePhase::Open, "fx-a1"),
        ))
        .await?;
    c.regional
        .submit_regional_review(as_caller(
            "commission:ECE",
            SubmitRegionalReviewRequest {
                request_id: "fx-review".into(),
                review: Some(review(Commission::Ece, &["DEU"], &[20], "Progress.")),
                expected_revision: None,
            },
        ))
        .await?;
    c.national
        .submit_national_report(as_caller(
            "state:KEN",
            SubmitNationalReportRequest {
                request_id: "fx-report".into(),
                report: Some(report("KEN", 6.1, &[20])),
                expected_revision: None,
            },
        ))
        .await?;
    let ken_practice = c
        .practices
        .submit_practice(as_caller("state:KEN", practice(1)))
        .await?
        .into_inner()
        .practice_id;
    let published = c
        .practices
        .submit_practice(as_caller("state:UGA", practice(2)))
        .await?
        .into_inner()
        .practice_id;
    for curator in ["curator:b", "curator:c"] {
        c.practices
            .review_practice(as_caller(
                curator,
                approval(format!("fx-{curator}").replace(':', "-"), &published, 1),
            ))
            .await?;
    }
    c.drafts
        .compile_draft(as_caller(
            "secretariat",
            CompileDraftRequest {
                request_id: "fx-compile".into(),
                cycle_id: "2026".into(),
            },
        ))
        .await?;
    Ok(Fixture {
        ken_practice,
        published,
    })
}

/// Calls row `row` of the table as `who`.
async fn call(c: &mut Clients, f: &Fixture, row: &str, who: &str) -> Result<(), Status> {
    let ken = f.ken_practice.clone();
    let r = rid(row, who);
    match row {
        "SubmitRegionalReview" => {
            let review = review(Commission::Ece, &["DEU", "FRA"], &[20], "Revised.");
            c.regional
                .submit_regional_review(as_caller(
                    who,
                    SubmitRegionalReviewRequest {
                        request_id: r,
                        review: Some(review),
                        expected_revision: Some(1),
                    },
                ))
                .await
                .map(drop)
        }
        "GetRegionalReview" => c
            .regional
            .get_regional_review(as_caller(
                who,
                GetRegionalReviewRequest {
                    review_id: "2026-ECE".into(),
                    revision: 0,
                },
            ))
            .await
            .map(drop),
        "ListRegionalReviews" => c
            .regional
            .list_regional_reviews(as_caller(who, ListRegionalReviewsRequest::default()))
            .await
            .map(drop),
        "WithdrawRegionalReview" => c
            .regional
            .withdraw_regional_review(as_caller(
                who,
                WithdrawRegionalReviewRequest {
                    request_id: r,
                    review_id: "2026-ECE".into(),
                    reason: "Superseded.".into(),
                    expected_revision: None,
                },
            ))
            .await
            .map(drop),
        "SubmitNationalReport" => c
            .national
            .submit_national_report(as_caller(
                who,
                SubmitNationalReportRequest {
                    request_id: r,
                    report: Some(report("KEN", 5.9, &[20, 8])),
                    expected_revision: Some(1),
                },
            ))
            .await
            .map(drop),
        "GetNationalReport" => c
            .national
            .get_national_report(as_caller(
                who,
                GetNationalReportRequest {
                    report_id: "2026-KEN-VNR".into(),
                    revision: 0,
                },
            ))
            .await
            .map(drop),
        "ListNationalReports" => c
            .national
            .list_national_reports(as_caller(who, ListNationalReportsRequest::default()))
            .await
            .map(drop),
        "GetAggregate" => c
            .national
            .get_aggregate(as_caller(
                who,
                GetAggregateRequest {
                    cycle_id: "2026".into(),
                    ..Default::default()
                },
            ))
            .await
            .map(drop),
        "ExportObservations" => c
            .national
            .export_observations(as_caller(
                who,
                imrf_proto::v1::ExportObservationsRequest {
                    cycle_id: "2026".into(),
                    page_token: String::new(),
                },
            ))
            .await
            .map(drop),
        "WatchAggregate" => {
            let mut stream = c
                .national
                .watch_aggregate(as_caller(
                    who,
                    WatchAggregateRequest {
                        cycle_id: "2026".into(),
                    },
                ))
                .await?
                .into_inner();
            match stream.next().await {
                Some(first) => first.map(drop),
                None => Err(Status::internal("the watch ended before its first version")),
            }
        }
        "SubmitPractice" => {
            let mut request: SubmitPracticeRequest = practice(10);
            request.request_id = r;
            c.practices
                .submit_practice(as_caller(who, request))
                .await
                .map(drop)
        }
        "UpdatePractice" => {
            let details = practice(11).details;
            c.practices
                .update_practice(as_caller(
                    who,
                    UpdatePracticeRequest {
                        request_id: r,
                        practice_id: ken,
                        details,
                        focal_point: None,
                        expected_revision: 1,
                        note: "Clarified.".into(),
                    },
                ))
                .await
                .map(drop)
        }
        "GetPractice"
        | "GetPractice(published)"
        | "GetPractice(contact)"
        | "GetPractice(published contact)" => {
            let practice_id = if row.contains("published") {
                f.published.clone()
            } else {
                ken
            };
            let got = c
                .practices
                .get_practice(as_caller(
                    who,
                    GetPracticeRequest {
                        practice_id,
                        curator_view: row.contains("contact"),
                    },
                ))
                .await?
                .into_inner();
            let has_contact = got.practice.and_then(|p| p.focal_point).is_some();
            if row.contains("contact") && !has_contact {
                return Err(Status::internal("the contact was not returned"));
            }
            Ok(())
        }
        "SearchPractices" => c
            .practices
            .search_practices(as_caller(who, SearchPracticesRequest::default()))
            .await
            .map(drop),
        "SearchPractices(unpublished)" => c
            .practices
            .search_practices(as_caller(
                who,
                SearchPracticesRequest {
                    statuses: vec![PracticeStatus::Submitted as i32],
                    ..Default::default()
                },
            ))
            .await
            .map(drop),
        "ReviewPractice" => c
            .practices
            .review_practice(as_caller(who, approval(r, &ken, 2)))
            .await
            .map(drop),
        "WithdrawPractice" => c
            .practices
            .withdraw_practice(as_caller(
                who,
                WithdrawPracticeRequest {
                    request_id: r,
                    practice_id: ken,
                    reason: "Superseded.".into(),
                },
            ))
            .await
            .map(drop),
        "GetPracticeHistory" => c
            .practices
            .get_practice_history(as_caller(
                who,
                GetPracticeHistoryRequest { practice_id: ken },
            ))
            .await
            .map(drop),
        "OpenCycle" => c
            .cycles
            .open_cycle(as_caller(who, open("2028", 2028)))
            .await
            .map(drop),
        "GetCycle" => c
            .cycles
            .get_cycle(as_caller(
                who,
                GetCycleRequest {
                    cycle_id: "2026".into(),
                },
            ))
            .await
            .map(drop),
        "ListCycles" => c
            .cycles
            .list_cycles(as_caller(who, ListCyclesRequest::default()))
            .await
            .map(drop),
        "AdvanceCycle" => c
            .cycles
            .advance_cycle(as_caller(who, advance("2028", CyclePhase::Open, &r)))
            .await
            .map(drop),
        "CompileDraft" => c
            .drafts
            .compile_draft(as_caller(
                who,
                CompileDraftRequest {
                    request_id: r,
                    cycle_id: "2026".into(),
                },
            ))
            .await
            .map(drop),
        "GetDraft" => {
            let mut stream = c
                .drafts
                .get_draft(as_caller(
                    who,
                    GetDraftRequest {
                        cycle_id: "2026".into(),
                        version: 0,
                        format: DraftFormat::Markdown as i32,
                    },
                ))
                .await?
                .into_inner();
            while let Some(chunk) = stream.next().await {
                chunk?;
            }
            Ok(())
        }
        "ListDrafts" => {
            let drafts = c
                .drafts
                .list_drafts(as_caller(
                    who,
                    ListDraftsRequest {
                        cycle_id: "2026".into(),
                        ..Default::default()
                    },
                ))
                .await?
                .into_inner()
                .drafts;
            // Drafts not yet issued are the secretariat's working papers.
            if (who == "secretariat") == drafts.is_empty() {
                return Err(Status::internal(format!(
                    "{} drafts listed to {who}",
                    drafts.len()
                )));
            }
            Ok(())
        }
        "SetDraftText" => c
            .drafts
            .set_draft_text(as_caller(
                who,
                SetDraftTextRequest {
                    request_id: r,
                    text: Some(DraftText {
                        cycle_id: "2026".into(),
                        text_id: "chapeau-iii".into(),
                        chapter: 3,
                        placement: TextPlacement::Opening as i32,
                        paragraphs: vec!["The reviews agree.".into()],
                        ..Default::default()
                    }),
                    expected_revision: 0,
                },
            ))
            .await
            .map(drop),
        "ListDraftTexts" => c
            .drafts
            .list_draft_texts(as_caller(
                who,
                ListDraftTextsRequest {
                    cycle_id: "2026".into(),
                },
            ))
            .await
            .map(drop),
        "RemoveDraftText" => c
            .drafts
            .remove_draft_text(as_caller(
                who,
                RemoveDraftTextRequest {
                    request_id: r,
                    cycle_id: "2026".into(),
                    text_id: "chapeau-iii".into(),
                    expected_revision: 1,
                },
            ))
            .await
            .map(drop),
        "DiffDrafts" => c
            .drafts
            .diff_drafts(as_caller(
                who,
                DiffDraftsRequest {
                    cycle_id: "2026".into(),
                    from_version: 1,
                    to_version: 0,
                },
            ))
            .await
            .map(drop),
        "SubmitNetworkContribution" => c
            .practices
            .submit_network_contribution(as_caller(
                who,
                SubmitNetworkContributionRequest {
                    request_id: r,
                    contribution: Some(NetworkContribution {
                        cycle_id: "2026".into(),
                        title: "Contribution of the Network".into(),
                        summary: "The Network supported Member States.".into(),
                        ..Default::default()
                    }),
                    expected_revision: 0,
                },
            ))
            .await
            .map(drop),
        "GetNetworkContribution" => c
            .practices
            .get_network_contribution(as_caller(
                who,
                GetNetworkContributionRequest {
                    cycle_id: "2026".into(),
                },
            ))
            .await
            .map(drop),
        other => Err(Status::internal(format!("no row {other}"))),
    }
}

/// The authorization table as the services must apply it, for the fixture:
/// columns are [`CALLERS`]. Rows that change what later rows read come in
/// an order that keeps every allowed call valid.
const TABLE: [(&str, [Expect; 6]); 34] = [
    ("GetRegionalReview", [Y, D, D, Y, D, D]),
    ("ListRegionalReviews", [Y, D, D, Y, D, D]),
    ("SubmitRegionalReview", [Y, D, D, D, D, D]),
    ("GetNationalReport", [D, Y, D, Y, D, D]),
    ("ListNationalReports", [D, Y, D, Y, D, D]),
    ("SubmitNationalReport", [D, Y, D, D, D, D]),
    ("GetAggregate", [D, D, D, Y, D, D]),
    ("WatchAggregate", [D, D, D, Y, D, D]),
    ("ExportObservations", [D, D, D, Y, D, D]),
    ("SubmitPractice", [Y, Y, Y, Y, D, D]),
    ("GetPractice", [H, Y, Y, Y, H, H]),
    ("GetPractice(published)", [Y, Y, Y, Y, Y, Y]),
    ("GetPractice(contact)", [H, Y, Y, Y, H, H]),
    ("GetPractice(published contact)", [D, D, Y, Y, D, D]),
    ("GetPracticeHistory", [H, Y, Y, Y, H, H]),
    ("SearchPractices", [Y, Y, Y, Y, Y, Y]),
    ("SearchPractices(unpublished)", [D, D, Y, Y, D, D]),
    ("UpdatePractice", [H, Y, D, D, D, D]),
    ("ReviewPractice", [D, D, Y, D, D, D]),
    ("WithdrawPractice", [H, Y, D, D, D, D]),
    ("GetCycle", [Y, Y, Y, Y, Y, Y]),
    ("ListCycles", [Y, Y, Y, Y, Y, Y]),
    ("OpenCycle", [D, D, D, Y, D, D]),
    ("AdvanceCycle", [D, D, D, Y, D, D]),
    ("CompileDraft", [D, D, D, Y, D, D]),
    ("GetDraft", [D, D, D, Y, D, D]),
    ("ListDrafts", [Y, Y, Y, Y, Y, Y]),
    ("SetDraftText", [D, D, D, Y, D, D]),
    ("ListDraftTexts", [D, D, D, Y, D, D]),
    ("DiffDrafts", [D, D, D, Y, D, D]),
    ("RemoveDraftText", [D, D, D, Y, D, D]),
    ("SubmitNetworkContribution", [D, D, D, D, D, Y]),
    ("GetNetworkContribution", [D, D, D, Y, D, Y]),
    ("WithdrawRegionalReview", [Y, D, D, D, D, D]),
];

#[tokio::test]
async fn every_rpc_for_every_role_as_the_table_says_and_refusals_store_nothing()
-> Result<(), AnyError> {
    let stack = Stack::start_with(&CLOCK)?;
    let bus = Bus::connect(&stack.nats.bus_config(), "auditor").await?;
    let mut c = Clients::connect(&stack, None).await?;
    let f = fixture(&mut c).await?;

    // Every RPC of the contract has at least one row.
    for rpc in imrf_platform::authz::Rpc::ALL {
        let method = rpc.method();
        assert!(
            TABLE
                .iter()
                .any(|(row, _)| row.split('(').next() == Some(method)),
            "no row for {method}"
        );
    }

    let mut failures = Vec::new();
    for (row, expected) in TABLE {
        // Refusals first, so an allowed write cannot change what a refusal
        // is checked against.
        let mut order: Vec<(usize, Expect)> = expected.into_iter().enumerate().collect();
        order.sort_by_key(|(_, e)| *e == Y);
        for (column, want) in order {
            let who = CALLERS[column];
            let before = stored(&bus).await?;
            let outcome = call(&mut c, &f, row, who).await;
            let got = match &outcome {
                Ok(()) => Some(Y),
                Err(s) if s.code() == Code::PermissionDenied => Some(D),
                Err(s) if s.code() == Code::NotFound => Some(H),
                Err(_) => None,
            };
            if got != Some(want) {
                failures.push(format!("{row} as {who}: wanted {want:?}, got {outcome:?}"));
            }
            if want != Y {
                let after = stored(&bus).await?;
                if after != before {
                    failures.push(format!(
                        "{row} as {who} was refused but stored: {before:?} -> {after:?}"
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));

    // Once the cycle is issued, its draft is everyone's to read.
    for (from, id) in [
        (CyclePhase::Collecting, "a2"),
        (CyclePhase::Consolidating, "a3"),
        (CyclePhase::Drafting, "a4"),
    ] {
        c.cycles
            .advance_cycle(as_caller("secretariat", advance("2026", from, id)))
            .await?;
    }
    let newest = |drafts: &[imrf_proto::v1::DraftInfo]| drafts.iter().map(|d| d.version).max();
    let drafts = c.drafts.clone();
    let list = |who: &'static str| {
        let mut drafts = drafts.clone();
        async move {
            drafts
                .list_drafts(as_caller(
                    who,
                    ListDraftsRequest {
                        cycle_id: "2026".into(),
                        ..Default::default()
                    },
                ))
                .await
                .map(|r| r.into_inner().drafts)
        }
    };
    let issued = newest(&list("secretariat").await?).ok_or("no draft")?;
    for who in CALLERS {
        assert_eq!(
            call(&mut c, &f, "GetDraft", who)
                .await
                .map_err(|s| s.code()),
            Ok(()),
            "{who}"
        );
        let listed = list(who).await?;
        if who != "secretariat" {
            let versions: Vec<u32> = listed.iter().map(|d| d.version).collect();
            assert_eq!(versions, [issued], "{who} sees the issued draft only");
        }
    }
    Ok(())
}

/// `message` with `token`, or with none.
fn signed<T>(token: Option<&str>, message: T) -> Request<T> {
    let mut request = Request::new(message);
    if let Some(token) = token {
        let _ = set_bearer(&mut request, token);
    }
    request
}

#[tokio::test]
async fn missing_forged_expired_and_misaddressed_tokens_are_unauthenticated() -> Result<(), AnyError>
{
    let stack = Stack::start_with(&CLOCK)?;
    let bus = Bus::connect(&stack.nats.bus_config(), "auditor").await?;
    let mut c = Clients::connect(&stack, None).await?;
    let now = std::time::SystemTime::now();
    let hour = Duration::from_secs(3600);
    let secretariat = Role::Secretariat;
    let good = TokenIssuer::hs256(TEST_TOKEN_SECRET, LOCAL_ISSUER, AUDIENCE);
    let forged = TokenIssuer::hs256(b"a-key-the-services-never-heard-of", LOCAL_ISSUER, AUDIENCE);
    let elsewhere = TokenIssuer::hs256(TEST_TOKEN_SECRET, LOCAL_ISSUER, "another-system");
    let stranger = TokenIssuer::hs256(TEST_TOKEN_SECRET, "someone-else", AUDIENCE);
    let tokens: Vec<(&str, Option<String>)> = vec![
        ("missing", None),
        ("forged", Some(forged.issue("x", &secretariat, now, hour)?)),
        (
            "expired",
            Some(good.issue("x", &secretariat, now - 2 * hour, hour)?),
        ),
        (
            "wrong audience",
            Some(elsewhere.issue("x", &secretariat, now, hour)?),
        ),
        (
            "wrong issuer",
            Some(stranger.issue("x", &secretariat, now, hour)?),
        ),
        ("garbage", Some("not.a.token".into())),
    ];
    let before = stored(&bus).await?;
    for (what, token) in tokens {
        let outcomes = [
            c.cycles
                .open_cycle(signed(token.as_deref(), open("2026", 2026)))
                .await
                .map(drop),
            c.regional
                .submit_regional_review(signed(
                    token.as_deref(),
                    SubmitRegionalReviewRequest {
                        request_id: "r".into(),
                        review: Some(review(Commission::Ece, &["DEU"], &[20], "p")),
                        expected_revision: None,
                    },
                ))
                .await
                .map(drop),
            c.national
                .submit_national_report(signed(
                    token.as_deref(),
                    SubmitNationalReportRequest {
                        request_id: "n".into(),
                        report: Some(report("KEN", 6.0, &[20])),
                        expected_revision: None,
                    },
                ))
                .await
                .map(drop),
            c.practices
                .submit_practice(signed(token.as_deref(), practice(1)))
                .await
                .map(drop),
            c.cycles
                .list_cycles(signed(token.as_deref(), ListCyclesRequest::default()))
                .await
                .map(drop),
        ];
        for outcome in outcomes {
            let status = outcome.err().ok_or(format!("{what}: accepted"))?;
            assert_eq!(status.code(), Code::Unauthenticated, "{what}: {status:?}");
            // The reason is given; the token is never echoed.
            if let Some(token) = &token {
                assert!(!status.message().contains(token.as_str()), "{what}");
            }
        }
    }
    assert_eq!(stored(&bus).await?, before, "nothing stored");
    Ok(())
}

#[tokio::test]
async fn oversized_requests_and_submission_floods_are_resource_exhausted() -> Result<(), AnyError> {
    let nats = imrf_testkit::NatsServer::start()?;
    let mut args = CLOCK.to_vec();
    // One a minute after a burst of three: no refill during the test.
    args.extend(["--submissions-per-minute", "1", "--submission-burst", "3"]);
    let process = ServiceProcess::start(&binary("practices-hub"), &nats.url(), &args)?;
    let mut client = PracticeRepositoryClient::new(channel_as(process.url(), "curator:a").await?);

    // A read names a practice: 100 KiB of id is refused before it is read.
    let huge = client
        .get_practice(GetPracticeRequest {
            practice_id: "X".repeat(100 * 1024),
            curator_view: false,
        })
        .await
        .err()
        .ok_or("a 100 KiB practice id was read")?;
    assert_eq!(huge.code(), Code::ResourceExhausted, "{huge:?}");
    assert!(!is_shed(&huge), "a request too large is not to be retried");
    assert!(huge.message().contains("GetPractice"), "{}", huge.message());

    // A submission may be large, up to its own limit.
    let mut big = practice(1);
    if let Some(d) = big.details.as_mut() {
        d.summary = "word ".repeat(220_000);
    }
    let refused = client
        .submit_practice(as_caller("state:MEX", big))
        .await
        .err()
        .ok_or("a 1.1 MB practice was accepted")?;
    assert_eq!(refused.code(), Code::ResourceExhausted, "{refused:?}");

    // Three at once, then one a minute: the fourth now is refused, while
    // another caller is not held back.
    for n in 2..5 {
        client
            .submit_practice(as_caller("state:KEN", practice(n)))
            .await?;
    }
    let flood = client
        .submit_practice(as_caller("state:KEN", practice(5)))
        .await
        .err()
        .ok_or("the fourth submission in a burst of three was accepted")?;
    assert_eq!(flood.code(), Code::ResourceExhausted, "{flood:?}");
    assert!(flood.message().contains("retry in"), "{}", flood.message());
    client
        .submit_practice(as_caller("state:UGA", practice(6)))
        .await?;
    // Reads are not rate-limited.
    for _ in 0..10 {
        client
            .search_practices(SearchPracticesRequest::default())
            .await?;
    }
    Ok(())
}

#[tokio::test]
async fn calls_beyond_the_concurrency_limit_are_shed() -> Result<(), AnyError> {
    let mut nats = imrf_testkit::NatsServer::start()?;
    let mut args = CLOCK.to_vec();
    args.extend([
        "--max-concurrent-calls",
        "1",
        "--nats-request-timeout",
        "5s",
    ]);
    let process = ServiceProcess::start(&binary("practices-hub"), &nats.url(), &args)?;
    let client = PracticeRepositoryClient::new(channel_as(process.url(), "curator:a").await?);
    // With NATS frozen, a submission holds the only slot until its request
    // times out; meanwhile other calls are refused at once, not queued.
    nats.pause()?;
    let mut held = client.clone();
    let holder = tokio::spawn(async move {
        // The probes below may take the slot first: then this call is the
        // one shed, and tries again.
        loop {
            match held
                .submit_practice(as_caller("state:KEN", practice(1)))
                .await
            {
                Err(status) if status.code() == Code::ResourceExhausted => {
                    tokio::task::yield_now().await;
                }
                other => return other.map(drop),
            }
        }
    });
    let shed = eventually(Duration::from_secs(20), || {
        let mut client = client.clone();
        async move {
            match client
                .search_practices(SearchPracticesRequest::default())
                .await
            {
                Err(status) if status.code() == Code::ResourceExhausted => Some(status),
                _ => None,
            }
        }
    })
    .await
    .ok_or("no call was shed while the only slot was taken")?;
    assert!(
        shed.message().contains("concurrent calls"),
        "{}",
        shed.message()
    );
    assert!(is_shed(&shed), "a shed call says it may be retried");
    let held = holder.await?;
    assert_eq!(held.map_err(|s| s.code()), Err(Code::Unavailable));
    // The slot is free again once the held call has answered.
    nats.resume()?;
    let mut client = client;
    eventually(Duration::from_secs(10), || {
        let mut client = client.clone();
        async move {
            client
                .search_practices(SearchPracticesRequest::default())
                .await
                .ok()
        }
    })
    .await
    .ok_or("calls were still refused after the held call answered")?;
    client
        .search_practices(SearchPracticesRequest::default())
        .await?;
    Ok(())
}

/// A service configured for mutual TLS serves TLS clients that present a
/// certificate from its CA, and nobody else: not plaintext, not TLS without
/// a client certificate.
#[tokio::test]
async fn a_tls_service_refuses_plaintext_and_clients_without_a_certificate() -> Result<(), AnyError>
{
    use imrf_platform::tls::ClientTls;
    use imrf_testkit::TestPki;
    let pki = TestPki::generate()?;
    let nats = imrf_testkit::NatsServer::start()?;
    let path = |name: &str| pki.path(name).to_string_lossy().to_string();
    let (cert, key, ca) = (path("server.pem"), path("server.key"), path("ca.pem"));
    let process = ServiceProcess::start(
        &binary("regional-intake"),
        &nats.url(),
        &[
            "--tls-cert-file",
            &cert,
            "--tls-key-file",
            &key,
            "--tls-client-ca-file",
            &ca,
        ],
    )?;
    let https = format!("https://localhost:{}", process.addr().port());
    let list = |channel: tonic::transport::Channel| async move {
        let channel = imrf_platform::auth::with_bearer(
            channel,
            imrf_platform::auth::Bearer::new(Some(&imrf_testkit::token_for("secretariat")))?,
        );
        RegionalReviewIntakeClient::new(channel)
            .list_regional_reviews(ListRegionalReviewsRequest::default())
            .await
            .map_err(AnyError::from)
    };

    // Plaintext: the connection or the call fails; nothing is served.
    let plaintext = match imrf_platform::probe::connect(&process.url()).await {
        Ok(channel) => list(channel).await.is_ok(),
        Err(_) => false,
    };
    assert!(!plaintext, "a plaintext call was served");

    // TLS without a client certificate: refused by mutual TLS.
    let server_only = ClientTls {
        ca_file: Some(pki.path("ca.pem")),
        cert_file: None,
        key_file: None,
    };
    let anonymous =
        match imrf_platform::probe::connect_with(&https, server_only.client_config()?).await {
            Ok(channel) => list(channel).await.is_ok(),
            Err(_) => false,
        };
    assert!(!anonymous, "a client without a certificate was served");

    // TLS with the CA's client certificate: served.
    let mutual = ClientTls {
        ca_file: Some(pki.path("ca.pem")),
        cert_file: Some(pki.path("client.pem")),
        key_file: Some(pki.path("client.key")),
    };
    let channel = imrf_platform::probe::connect_with(&https, mutual.client_config()?).await?;
    list(channel).await?;

    // Health stays reachable for probes over the same TLS.
    let channel = imrf_platform::probe::connect_with(&https, mutual.client_config()?).await?;
    let health = imrf_platform::probe::health(channel, "").await?;
    assert_eq!(health.as_str_name(), "SERVING");
    Ok(())
}

/// Each service's NATS user publishes its own events only: with
/// regional-intake's credentials, an event on another service's stream, a
/// read of the focal points and the deletion of a stream are all refused,
/// and nothing lands; its own subject still works.
#[tokio::test]
async fn a_service_cannot_write_onto_another_services_stream() -> Result<(), AnyError> {
    use imrf_bus::names::{CYCLE, PRACTICES, REGIONAL};
    let stack = Stack::start_with(&CLOCK)?;
    let admin = Bus::connect(&stack.nats.bus_config(), "auditor").await?;
    // A refused publish is dropped by the server and never acked: short
    // timeouts keep the wait for each refusal short.
    let mut config = stack.nats.bus_config_as("regional-intake");
    config.request_timeout = Duration::from_millis(500);
    let intake = Bus::connect(&config, "regional-intake").await?;
    let event = imrf_bus::new_event(
        event_type::NATIONAL_REPORT_ACCEPTED,
        "regional-intake",
        "2026",
        std::time::SystemTime::now(),
        imrf_proto::v1::event::Payload::NationalReportAccepted(Default::default()),
    );
    let before = stored(&admin).await?;
    for (stream, subject) in [
        (NATIONAL.name, "imrf.v1.national.report.KEN.2026.VNR"),
        (PRACTICES.name, "imrf.v1.practice.01J0000000000000000000000"),
        (CYCLE.name, "imrf.v1.cycle.phase.2026"),
    ] {
        let outcome = intake
            .publish_event(subject, &event, imrf_bus::Expect::Any, None)
            .await;
        assert!(outcome.is_err(), "regional-intake published onto {stream}");
    }
    assert!(
        intake
            .jetstream()
            .delete_stream(NATIONAL.name)
            .await
            .is_err(),
        "regional-intake deleted NATIONAL"
    );
    assert!(
        intake
            .jetstream()
            .get_key_value(imrf_bus::names::bucket::PRACTICE_RECORDS)
            .await
            .is_err(),
        "regional-intake opened the focal points"
    );
    assert_eq!(stored(&admin).await?, before, "nothing landed");
    let violations = stack.nats.permission_violations();
    assert!(
        violations
            .iter()
            .any(|v| v.contains("user:regional-intake") && v.contains("imrf.v1.national.")),
        "the server saw no refused publish: {violations:?}"
    );
    // Its own stream is open to it.
    let own = imrf_bus::new_event(
        event_type::REGIONAL_REVIEW_ACCEPTED,
        "regional-intake",
        "2026",
        std::time::SystemTime::now(),
        imrf_proto::v1::event::Payload::RegionalReviewAccepted(Default::default()),
    );
    // (with the usual timeouts: an accepted publish must not be cut short)
    let intake = Bus::connect(
        &stack.nats.bus_config_as("regional-intake"),
        "regional-intake",
    )
    .await?;
    intake
        .publish_event(
            "imrf.v1.regional.review.ECE.2099",
            &own,
            imrf_bus::Expect::Any,
            None,
        )
        .await?;
    assert_eq!(
        count_on_subject(&admin, REGIONAL.name, "imrf.v1.regional.review.ECE.2099").await?,
        1
    );
    Ok(())
}

/// Open server streams count against their own limit for as long as they
/// are open, so watchers cannot crowd out other callers; a closed stream
/// frees its slot.
#[tokio::test]
async fn open_streams_beyond_their_limit_are_refused_until_one_closes() -> Result<(), AnyError> {
    let nats = imrf_testkit::NatsServer::start()?;
    let process = ServiceProcess::start(
        &binary("national-aggregation"),
        &nats.url(),
        &["--max-open-streams", "2"],
    )?;
    let client =
        NationalReportAggregationClient::new(channel_as(process.url(), "secretariat").await?);
    let watch = |cycle: &'static str| {
        let mut client = client.clone();
        async move {
            let mut stream = client
                .watch_aggregate(WatchAggregateRequest {
                    cycle_id: cycle.into(),
                })
                .await?
                .into_inner();
            // The first version arrives at once: the stream is open.
            stream.next().await.ok_or("the watch ended")??;
            Ok::<_, AnyError>(stream)
        }
    };
    let first = watch("2026").await?;
    let _second = watch("2027").await?;
    let third = watch("2028")
        .await
        .err()
        .ok_or("a third stream was opened beyond the limit of two")?;
    let status = third
        .downcast_ref::<Status>()
        .ok_or_else(|| format!("not a status: {third}"))?;
    assert_eq!(status.code(), Code::ResourceExhausted, "{status:?}");
    assert!(
        status.message().contains("open streams"),
        "{}",
        status.message()
    );
    // Unary calls are not held back by the open streams.
    client
        .clone()
        .get_aggregate(GetAggregateRequest {
            cycle_id: "2026".into(),
            ..Default::default()
        })
        .await?;
    drop(first);
    eventually(Duration::from_secs(10), || async {
        watch("2028").await.ok()
    })
    .await
    .ok_or("the closed stream's slot was never freed")?;
    Ok(())
}

/// A request body that never comes: the headers of a call, then nothing.
struct NeverSent;

impl http_body::Body for NeverSent {
    type Data = bytes::Bytes;
    type Error = Status;

    fn poll_frame(
        self: std::pin::Pin<&mut Self>,
        _cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<http_body::Frame<Self::Data>, Self::Error>>> {
        std::task::Poll::Pending
    }
}

/// Sends the headers of a SearchPractices call from `subject` on `channel`
/// and never its body; gives the call's gRPC status once it ends.
async fn stalled_search(
    mut channel: tonic::transport::Channel,
    url: String,
    subject: &str,
) -> Result<Code, AnyError> {
    use tower_service::Service as _;
    let request = http::Request::builder()
        .method("POST")
        .uri(format!("{url}/imrf.v1.PracticeRepository/SearchPractices"))
        .header("content-type", "application/grpc")
        .header("te", "trailers")
        .header(
            "authorization",
            format!("Bearer {}", imrf_testkit::token_for(subject)),
        )
        .body(tonic::body::Body::new(NeverSent))?;
    futures::future::poll_fn(|cx| channel.poll_ready(cx)).await?;
    let response = channel.call(request).await?;
    if let Some(status) = Status::from_header_map(response.headers()) {
        return Ok(status.code());
    }
    // Not trailers-only: the status is in the trailers after the body.
    let mut body = response.into_body();
    loop {
        let frame = futures::future::poll_fn(|cx| {
            http_body::Body::poll_frame(std::pin::Pin::new(&mut body), cx)
        })
        .await;
        match frame {
            Some(Ok(frame)) => {
                if let Some(status) = frame.trailers_ref().and_then(Status::from_header_map) {
                    return Ok(status.code());
                }
            }
            Some(Err(status)) => return Ok(status.code()),
            None => return Err("the call ended without a status".into()),
        }
    }
}

/// One caller opening calls that send headers and never a body, over
/// several connections, takes its own share of the concurrency limit and no
/// more: everyone else is still served, and the stalled calls end at the
/// body timeout.
#[tokio::test]
async fn stalled_request_bodies_from_one_caller_never_lock_the_others_out() -> Result<(), AnyError>
{
    let nats = imrf_testkit::NatsServer::start()?;
    let mut args = CLOCK.to_vec();
    args.extend([
        "--max-concurrent-calls",
        "24",
        "--max-calls-per-caller",
        "8",
        "--request-body-timeout",
        "5s",
    ]);
    let process = ServiceProcess::start(&binary("practices-hub"), &nats.url(), &args)?;
    let mut stalled = Vec::new();
    for _ in 0..3 {
        let channel = tonic::transport::Endpoint::from_shared(process.url())?
            .connect()
            .await?;
        for _ in 0..12 {
            stalled.push(tokio::spawn(stalled_search(
                channel.clone(),
                process.url(),
                "reader:attacker",
            )));
        }
    }
    // Every call beyond the attacker's share is shed at once; the rest wait
    // for bodies that never come.
    eventually(Duration::from_secs(10), || {
        let finished = stalled.iter().filter(|c| c.is_finished()).count();
        async move { (finished >= 36 - 8).then_some(()) }
    })
    .await
    .ok_or("calls beyond the attacker's share were not shed")?;
    let (mut ended, mut waiting) = (Vec::new(), Vec::new());
    for call in stalled {
        if call.is_finished() {
            ended.push(call.await??);
        } else {
            waiting.push(call);
        }
    }
    assert!(
        ended.iter().all(|c| *c == Code::ResourceExhausted),
        "{ended:?}"
    );
    assert_eq!(waiting.len(), 8, "the attacker holds exactly its share");
    for who in ["secretariat", "state:KEN", "reader:public", "curator:a"] {
        PracticeRepositoryClient::new(channel_as(process.url(), who).await?)
            .search_practices(SearchPracticesRequest::default())
            .await
            .map_err(|s| format!("{who} was locked out: {s:?}"))?;
    }
    // At the body timeout the stalled calls end, and their slots are free.
    for call in waiting {
        assert_eq!(call.await??, Code::DeadlineExceeded);
    }
    let mut attacker =
        PracticeRepositoryClient::new(channel_as(process.url(), "reader:attacker").await?);
    eventually(Duration::from_secs(15), || {
        let mut attacker = attacker.clone();
        async move {
            attacker
                .search_practices(SearchPracticesRequest::default())
                .await
                .ok()
        }
    })
    .await
    .ok_or("the stalled calls kept their slots past the body timeout")?;
    attacker
        .search_practices(SearchPracticesRequest::default())
        .await?;
    Ok(())
}

/// A caller may keep its share of streams open and no more, even when it
/// never reads them, while another caller is served throughout; a closed
/// stream gives its slot back. (A reader whose window stays shut is cut off
/// at the stall timeout: report-compiler's draft tests show it on a draft.)
#[tokio::test]
async fn a_caller_keeps_its_share_of_streams_and_no_more_even_unread() -> Result<(), AnyError> {
    let nats = imrf_testkit::NatsServer::start()?;
    let process = ServiceProcess::start(
        &binary("national-aggregation"),
        &nats.url(),
        &["--max-open-streams", "8", "--max-streams-per-caller", "2"],
    )?;
    // A reader with a one-byte window that never reads what it is sent.
    let stalled = tonic::transport::Endpoint::from_shared(process.url())?
        .initial_stream_window_size(Some(1))
        .initial_connection_window_size(Some(1))
        .connect()
        .await?;
    let bearer = imrf_platform::auth::Bearer::new(Some(&imrf_testkit::token_for("secretariat")))?;
    let mut stalled =
        NationalReportAggregationClient::new(imrf_platform::auth::with_bearer(stalled, bearer));
    let watch = |cycle: &str| WatchAggregateRequest {
        cycle_id: cycle.into(),
    };
    let held = [
        stalled.watch_aggregate(watch("2026")).await?.into_inner(),
        stalled.watch_aggregate(watch("2027")).await?.into_inner(),
    ];
    let third = stalled
        .watch_aggregate(watch("2028"))
        .await
        .err()
        .ok_or("a third stream was opened beyond the caller's share of two")?;
    assert_eq!(third.code(), Code::ResourceExhausted, "{third:?}");
    assert!(
        third.message().contains("streams open"),
        "{}",
        third.message()
    );
    assert!(is_shed(&third));

    // Another secretariat drafter watches meanwhile.
    let issuer = TokenIssuer::hs256(TEST_TOKEN_SECRET, LOCAL_ISSUER, AUDIENCE);
    let other = issuer.issue(
        "secretariat:drafter-2",
        &Role::Secretariat,
        std::time::SystemTime::now(),
        Duration::from_secs(600),
    )?;
    let mut drafter = NationalReportAggregationClient::new(imrf_platform::auth::with_bearer(
        tonic::transport::Endpoint::from_shared(process.url())?
            .connect()
            .await?,
        imrf_platform::auth::Bearer::new(Some(&other))?,
    ));
    let mut watching = drafter.watch_aggregate(watch("2026")).await?.into_inner();
    watching.next().await.ok_or("the watch ended")??;

    let [first, _second] = held;
    drop(first);
    eventually(Duration::from_secs(15), || {
        let mut stalled = stalled.clone();
        async move { stalled.watch_aggregate(watch("2028")).await.ok() }
    })
    .await
    .ok_or("a closed stream's slot was not given back to its caller")?;
    Ok(())
}

/// Reads have a per-caller rate of their own, higher than submissions':
/// past its burst, a caller's reads are shed with a retry delay, and no
/// other caller is held back.
#[tokio::test]
async fn reads_beyond_a_callers_rate_are_shed_and_others_are_not() -> Result<(), AnyError> {
    let nats = imrf_testkit::NatsServer::start()?;
    let mut args = CLOCK.to_vec();
    args.extend(["--reads-per-minute", "6", "--read-burst", "5"]);
    let process = ServiceProcess::start(&binary("practices-hub"), &nats.url(), &args)?;
    let mut reader =
        PracticeRepositoryClient::new(channel_as(process.url(), "reader:public").await?);
    for _ in 0..5 {
        reader
            .search_practices(SearchPracticesRequest::default())
            .await?;
    }
    let over = reader
        .search_practices(SearchPracticesRequest::default())
        .await
        .err()
        .ok_or("a read beyond the burst was served")?;
    assert!(is_shed(&over), "{over:?}");
    assert!(over.message().contains("read rate"), "{}", over.message());
    PracticeRepositoryClient::new(channel_as(process.url(), "curator:a").await?)
        .search_practices(SearchPracticesRequest::default())
        .await?;
    Ok(())
}

/// One service's NATS credentials reach no other service's replies and no
/// other service's durable consumer: regional-intake may neither subscribe
/// to practices-hub's inbox (where its focal-point reads are answered) nor
/// to every inbox, and may neither read, pull from nor delete
/// national-aggregation's consumer of regional reviews.
#[tokio::test]
async fn one_services_credentials_reach_no_other_services_replies_or_consumers()
-> Result<(), AnyError> {
    use imrf_bus::names::REGIONAL;
    use national_aggregation::aggregator::REGIONAL_CONSUMER as REVIEWS;
    let stack = Stack::start_with(&CLOCK)?;
    let mut config = stack.nats.bus_config_as("regional-intake");
    config.request_timeout = Duration::from_millis(500);
    let intake = Bus::connect(&config, "regional-intake").await?;
    let mut everyone = intake.client().subscribe("_INBOX.>").await?;
    let mut hub = intake.client().subscribe("_INBOX.practices-hub.>").await?;
    intake.client().flush().await?;

    // practices-hub reads a focal point for a curator.
    let mut practices =
        PracticeRepositoryClient::new(channel_as(stack.services[2].url(), "curator:alice").await?);
    let submitted = practices
        .submit_practice(as_caller("state:KEN", practice(1)))
        .await?
        .into_inner();
    let read = practices
        .get_practice(GetPracticeRequest {
            practice_id: submitted.practice_id,
            curator_view: true,
        })
        .await?
        .into_inner();
    assert!(read.practice.and_then(|p| p.focal_point).is_some());
    for (what, subscription) in [
        ("every inbox", &mut everyone),
        ("practices-hub's", &mut hub),
    ] {
        let got = tokio::time::timeout(Duration::from_millis(500), subscription.next()).await;
        assert!(
            !matches!(got, Ok(Some(_))),
            "regional-intake received a reply through {what} inbox"
        );
    }
    let violations = stack.nats.permission_violations();
    for refused in ["\"_INBOX.>\"", "\"_INBOX.practices-hub.>\""] {
        assert!(
            violations
                .iter()
                .any(|v| v.contains("user:regional-intake") && v.contains(refused)),
            "the server did not refuse the subscription to {refused}: {violations:?}"
        );
    }

    // national-aggregation's consumer of REGIONAL stays its own.
    let stream = intake.jetstream().get_stream_no_info(REGIONAL.name).await?;
    assert!(
        stream.consumer_info(REVIEWS).await.is_err(),
        "regional-intake read another service's consumer"
    );
    assert!(
        stream.delete_consumer(REVIEWS).await.is_err(),
        "regional-intake deleted another service's consumer"
    );
    let admin = Bus::connect(&stack.nats.bus_config(), "auditor").await?;
    admin
        .jetstream()
        .get_stream(REGIONAL.name)
        .await?
        .consumer_info(REVIEWS)
        .await
        .map_err(|e| format!("national-aggregation's consumer is gone: {e}"))?;
    Ok(())
}

/// Events a service's credentials publish on its own subjects but that are
/// not its own kind (a national report of Uganda, a "published" practice on
/// regional-intake's subjects) reach neither the aggregate nor the draft:
/// the aggregator parks them and report-compiler's read model skips them.
#[tokio::test]
async fn events_forged_on_another_services_subjects_are_parked_and_never_counted()
-> Result<(), AnyError> {
    use imrf_proto::v1::event::Payload;
    let stack = Stack::start_with(&CLOCK)?;
    let mut c = Clients::connect(&stack, Some("secretariat")).await?;
    c.cycles.open_cycle(open("2026", 2026)).await?;
    c.cycles
        .advance_cycle(advance("2026", CyclePhase::Open, "collect"))
        .await?;
    let intake = Bus::connect(
        &stack.nats.bus_config_as("regional-intake"),
        "regional-intake",
    )
    .await?;
    let forged_report = imrf_bus::new_event(
        event_type::NATIONAL_REPORT_ACCEPTED,
        "national-aggregation",
        "2026",
        std::time::SystemTime::now(),
        Payload::NationalReportAccepted(imrf_proto::v1::NationalReportAccepted {
            record: Some(imrf_proto::v1::NationalReportRecord {
                report_id: "2026-UGA-VNR".into(),
                report: Some(report("UGA", 1.0, &[20])),
                meta: Some(Default::default()),
                late: false,
            }),
        }),
    );
    let forged_practice = imrf_bus::new_event(
        event_type::PRACTICE_REVIEWED,
        "practices-hub",
        "2026",
        std::time::SystemTime::now(),
        Payload::PracticeReviewed(imrf_proto::v1::PracticeReviewed {
            practice_id: "01JFORGEDFORGEDFORGEDFORGE".into(),
            revision: 1,
            status_after: PracticeStatus::Published as i32,
            details: practice(7).details,
            ..Default::default()
        }),
    );
    for (subject, event) in [
        ("imrf.v1.regional.review.ECE.2026", &forged_report),
        ("imrf.v1.regional.review.ECA.2026", &forged_practice),
    ] {
        intake
            .publish_event(subject, event, imrf_bus::Expect::Any, None)
            .await?;
    }
    // A genuine review after them: once it counts, the forged ones have
    // been read.
    c.regional
        .submit_regional_review(as_caller(
            "commission:ESCAP",
            SubmitRegionalReviewRequest {
                request_id: "genuine".into(),
                review: Some(review(Commission::Escap, &["IND"], &[20], "Progress.")),
                expected_revision: None,
            },
        ))
        .await?;
    let aggregate = eventually(Duration::from_secs(20), || {
        let mut national = c.national.clone();
        async move {
            let a = national
                .get_aggregate(GetAggregateRequest {
                    cycle_id: "2026".into(),
                    ..Default::default()
                })
                .await
                .ok()?
                .into_inner()
                .aggregate?;
            (a.regional_reviews >= 1).then_some(a)
        }
    })
    .await
    .ok_or("the genuine review was never counted")?;
    assert_eq!(
        aggregate.national_reports, 0,
        "the forged report was counted"
    );
    assert_eq!(aggregate.regional_reviews, 1, "{aggregate:?}");
    let admin = Bus::connect(&stack.nats.bus_config(), "auditor").await?;
    assert_eq!(
        count_on_subject(&admin, "PARKED", "imrf.v1.parked.national-aggregation.>").await?,
        2,
        "both forged events parked"
    );
    let draft = c
        .drafts
        .compile_draft(CompileDraftRequest {
            request_id: "draft".into(),
            cycle_id: "2026".into(),
        })
        .await?
        .into_inner()
        .draft
        .ok_or("no draft")?;
    let sources: Vec<&str> = draft
        .inputs
        .iter()
        .filter_map(|i| i.source.as_ref().map(|s| s.id.as_str()))
        .collect();
    assert!(
        sources
            .iter()
            .all(|s| !s.contains("UGA") && !s.contains("FORGED")),
        "a forged input reached the draft: {sources:?}"
    );
    assert!(sources.iter().any(|s| s.contains("ESCAP")), "{sources:?}");
    Ok(())
}
