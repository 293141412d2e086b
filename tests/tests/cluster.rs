//! A three-node JetStream cluster (streams with three replicas) under two
//! replicas of each of the four services: a node killed mid-run and brought back loses
//! and doubles nothing, derived events are not published twice by the two
//! replicas, and a deadline fires once.

mod support;

use std::collections::BTreeMap;
use std::time::Duration;

use imrf_bus::Bus;
use imrf_bus::names::{AGGREGATES, CYCLE, NATIONAL, PRACTICES, STREAMS, subject};
use imrf_proto::v1::national_report_aggregation_client::NationalReportAggregationClient;
use imrf_proto::v1::practice_repository_client::PracticeRepositoryClient;
use imrf_proto::v1::regional_review_intake_client::RegionalReviewIntakeClient;
use imrf_proto::v1::review_cycle_client::ReviewCycleClient;
use imrf_proto::v1::{
    CycleSchedule, GetAggregateRequest, ImplementationStatus, ListRegionalReviewsRequest,
    NationalReport, ObjectiveStatus, OpenCycleRequest, ReportKind, SearchPracticesRequest,
    SubmitNationalReportRequest, SubmitRegionalReviewRequest, event::Payload,
};
use imrf_testkit::{
    NatsCluster, ServiceProcess, by_commission, by_state, channel_as, count_on_subject, eventually,
};
use support::{approval, as_caller, date, practice, review};
use tonic::Code;

type AnyError = Box<dyn std::error::Error + Send + Sync>;

const REPORTS: usize = 150;
const PRACTICE_EVERY: usize = 15;

/// Calls `call` until it succeeds or fails for a reason other than the
/// cluster electing new leaders (UNAVAILABLE, or a timed-out or conflicting
/// write), retrying with the same request id as clients are told to.
async fn retrying<T, F, Fut>(mut call: F) -> Result<T, AnyError>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, tonic::Status>>,
{
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    loop {
        match call().await {
            Ok(value) => return Ok(value),
            Err(status)
                if matches!(
                    status.code(),
                    Code::Unavailable | Code::Unknown | Code::Internal | Code::Aborted
                ) && tokio::time::Instant::now() < deadline =>
            {
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            Err(status) => return Err(status.into()),
        }
    }
}

#[tokio::test]
async fn a_node_lost_and_regained_under_two_replicas_of_each_service() -> Result<(), AnyError> {
    let mut cluster = NatsCluster::start(3)?;
    // JetStream needs a meta leader before streams can be created.
    let bus = Bus::connect(&cluster.bus_config(), "test").await?;
    for spec in STREAMS {
        let created = eventually(Duration::from_secs(60), || async {
            bus.ensure_stream(&spec).await.ok()
        })
        .await;
        assert!(created.is_some(), "the cluster never formed");
    }
    let args = [
        "--nats-replicas",
        "3",
        "--clock-start",
        "2026-02-02T08:00:00Z",
        "--nats-request-timeout",
        "5s",
    ];
    let mut services: BTreeMap<&str, Vec<ServiceProcess>> = BTreeMap::new();
    for name in [
        "regional-intake",
        "national-aggregation",
        "practices-hub",
        "report-compiler",
    ] {
        // Both national-aggregation replicas publish aggregate versions
        // often, so that publishing none twice is shown under load.
        let mut service_args = args.to_vec();
        if name == "national-aggregation" {
            service_args.extend(["--aggregate-publish-period", "250ms"]);
        }
        for _ in 0..2 {
            services
                .entry(name)
                .or_default()
                .push(ServiceProcess::start(
                    &support::binary(name),
                    &cluster.urls(),
                    &service_args,
                )?);
        }
    }
    let national: Vec<_> = {
        let mut clients = Vec::new();
        for p in &services["national-aggregation"] {
            clients.push(NationalReportAggregationClient::new(
                channel_as(p.url(), "secretariat").await?,
            ));
        }
        clients
    };

    // Collection started yesterday on the simulated calendar: both
    // report-compiler replicas find the deadline due.
    let cycles = ReviewCycleClient::new(
        channel_as(services["report-compiler"][0].url(), "secretariat").await?,
    );
    let open = OpenCycleRequest {
        request_id: "open".into(),
        cycle_id: "2026".into(),
        title: "Cluster test".into(),
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
    };
    retrying(|| {
        let mut cycles = cycles.clone();
        let open = open.clone();
        async move { cycles.open_cycle(open).await }
    })
    .await?;

    let states: Vec<String> = imrf_gcm::refdata::reference()
        .member_states()
        .map(|s| s.iso3.clone())
        .collect();
    let mut practices = Vec::new();
    for process in &services["practices-hub"] {
        practices.push(PracticeRepositoryClient::new(
            channel_as(process.url(), "secretariat").await?,
        ));
    }
    let mut practice_ids = Vec::new();
    let mut accepted = 0u32;
    for (n, state) in states.iter().take(REPORTS).enumerate() {
        if n == REPORTS / 3 {
            cluster.stop_node(1);
        }
        if n == 2 * REPORTS / 3 {
            cluster.restart_node(1)?;
        }
        // A practice every few reports, through alternate practices-hub
        // replicas, before, during and after the outage.
        if n % PRACTICE_EVERY == 0 {
            let client = practices[(n / PRACTICE_EVERY) % 2].clone();
            let answer = retrying(|| {
                let mut client = client.clone();
                async move {
                    client
                        .submit_practice(as_caller("state:KEN", practice(n)))
                        .await
                }
            })
            .await?;
            practice_ids.push(answer.into_inner().practice_id);
        }
        let request = SubmitNationalReportRequest {
            request_id: format!("cluster-{n}"),
            report: Some(NationalReport {
                cycle_id: "2026".into(),
                state: state.clone(),
                kind: ReportKind::VoluntaryNationalReview as i32,
                title: "r".into(),
                objectives: vec![ObjectiveStatus {
                    objective: 1,
                    status: ImplementationStatus::Planned as i32,
                    narrative: String::new(),
                }],
                summary: "s".into(),
                ..Default::default()
            }),
            expected_revision: None,
        };
        // Alternate replicas; retry on the other one with the same request
        // id while the cluster elects new leaders.
        let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
        let mut attempt = n;
        loop {
            let mut client = national[attempt % 2].clone();
            match client
                .submit_national_report(by_state(request.clone()))
                .await
            {
                Ok(_) => {
                    accepted += 1;
                    break;
                }
                Err(status)
                    if matches!(
                        status.code(),
                        Code::Unavailable | Code::Unknown | Code::Internal | Code::Aborted
                    ) =>
                {
                    assert!(
                        tokio::time::Instant::now() < deadline,
                        "report {n}: {status:?}"
                    );
                    attempt += 1;
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
                Err(status) => return Err(format!("report {n} refused: {status:?}").into()),
            }
        }
    }
    assert_eq!(accepted as usize, REPORTS);

    // Two curators approve every practice, each through a different replica:
    // the second approval must see the first, or the practice would not be
    // published.
    for (n, id) in practice_ids.iter().enumerate() {
        for (replica, curator) in ["curator:a", "curator:b"].into_iter().enumerate() {
            let client = practices[(n + replica) % 2].clone();
            let review = approval(format!("review-{n}-{curator}"), id, 1);
            retrying(|| {
                let mut client = client.clone();
                let review = review.clone();
                async move { client.review_practice(as_caller(curator, review)).await }
            })
            .await?;
        }
    }
    // Both replicas publish every practice.
    for (i, client) in practices.iter().enumerate() {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
        loop {
            let published = client
                .clone()
                .search_practices(SearchPracticesRequest {
                    page_size: 100,
                    ..Default::default()
                })
                .await?
                .into_inner()
                .total as usize;
            if published == practice_ids.len() {
                break;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "replica {i} publishes {published} of {} practices",
                practice_ids.len()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
    // One submission and two reviews per practice: no step recorded twice.
    assert_eq!(
        count_on_subject(&bus, PRACTICES.name, subject::PRACTICE_ALL).await?,
        3 * practice_ids.len() as u64
    );

    // The regional reviews of the five commissions, through both
    // regional-intake replicas.
    for (i, commission) in imrf_gcm::refdata::COMMISSIONS.into_iter().enumerate() {
        let member = imrf_gcm::refdata::reference()
            .regional_members(commission)
            .next()
            .unwrap_or("KEN")
            .to_string();
        let client = RegionalReviewIntakeClient::new(
            channel_as(services["regional-intake"][i % 2].url(), "secretariat").await?,
        );
        let request = SubmitRegionalReviewRequest {
            request_id: format!("review-{i}"),
            review: Some(review(commission, &[member.as_str()], &[1], "p")),
            expected_revision: None,
        };
        retrying(|| {
            let mut client = client.clone();
            let request = request.clone();
            async move { client.submit_regional_review(by_commission(request)).await }
        })
        .await?;
    }
    // Each replica's read model holds all five.
    for process in &services["regional-intake"] {
        let mut client =
            RegionalReviewIntakeClient::new(channel_as(process.url(), "secretariat").await?);
        let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
        loop {
            let listed = client
                .list_regional_reviews(ListRegionalReviewsRequest::default())
                .await?
                .into_inner()
                .records
                .len();
            if listed == 5 {
                break;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "a replica lists {listed} reviews"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    // Both replicas serve the same aggregate, counting each report once.
    for (i, client) in national.iter().enumerate() {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
        loop {
            let counted = client
                .clone()
                .get_aggregate(GetAggregateRequest {
                    cycle_id: "2026".into(),
                    ..Default::default()
                })
                .await
                .ok()
                .and_then(|r| r.into_inner().aggregate)
                .map_or(0, |a| a.national_reports);
            assert!(
                counted <= accepted,
                "replica {i} counts {counted} of {accepted}"
            );
            if counted == accepted {
                break;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "replica {i} counts {counted} of {accepted}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
    assert_eq!(
        count_on_subject(&bus, NATIONAL.name, subject::NATIONAL_REPORT_ALL).await?,
        REPORTS as u64
    );
    // No aggregate version published twice by the two replicas, and none
    // over a newer one: in stream order the versions only grow.
    let mut versions = BTreeMap::new();
    let mut in_order = Vec::new();
    bus.replay(
        AGGREGATES.name,
        &[subject::NATIONAL_AGGREGATE_ALL],
        |message| {
            if let Ok(event) = message.event()
                && let Some(Payload::NationalAggregateUpdated(update)) = event.payload
            {
                let version = update.aggregate.map_or(0, |a| a.version);
                *versions.entry(version).or_insert(0u32) += 1;
                in_order.push(version);
            }
            Ok(())
        },
    )
    .await?;
    assert!(
        versions.values().all(|n| *n == 1),
        "versions published twice: {versions:?}"
    );
    assert!(
        in_order.windows(2).all(|w| w[0] < w[1]),
        "a version published over a newer one: {in_order:?}"
    );
    // The collection-start deadline fired once for two replicas.
    assert_eq!(
        count_on_subject(&bus, CYCLE.name, &subject::cycle_phase("2026")).await?,
        1
    );
    Ok(())
}
