//! Helpers of the end-to-end tests: where the service binaries are, and a
//! whole stack (nats-server plus the four services) started per test.

// Each test binary uses a part of these helpers.
#![allow(dead_code, unused_imports)]

use std::path::PathBuf;

use imrf_platform::auth::AuthChannel;
use imrf_proto::v1::biennial_report_compiler_client::BiennialReportCompilerClient;
use imrf_proto::v1::national_report_aggregation_client::NationalReportAggregationClient;
use imrf_proto::v1::practice_repository_client::PracticeRepositoryClient;
use imrf_proto::v1::regional_review_intake_client::RegionalReviewIntakeClient;
use imrf_proto::v1::review_cycle_client::ReviewCycleClient;
use imrf_proto::v1::{
    Commission, Date, DateRange, FocalPoint, GuidingPrinciple, ImplementationStatus,
    IndicatorObservation, NationalReport, ObjectiveFinding, ObjectiveStatus, PracticeDetails,
    PracticeType, RegionalReview, ReportKind, ReviewDecision, ReviewPracticeRequest,
    StakeholderType, SubmitPracticeRequest,
};
use imrf_testkit::{NatsServer, ServiceProcess, TestkitError};

pub mod browser;

/// The four services: binary name and the contract services it serves.
pub const SERVICES: [&str; 4] = [
    "regional-intake",
    "national-aggregation",
    "practices-hub",
    "report-compiler",
];

/// Path of a workspace binary, next to the test executable's directory
/// (`target/<profile>/deps/..`). `just test` builds every binary of the
/// workspace before running the tests (`cargo build --workspace --bins`).
pub fn binary(name: &str) -> PathBuf {
    let mut dir = std::env::current_exe().unwrap_or_default();
    dir.pop();
    if dir.ends_with("deps") {
        dir.pop();
    }
    dir.join(name)
}

/// nats-server and the four service binaries, killed on drop.
#[derive(Debug)]
pub struct Stack {
    /// The NATS server.
    pub nats: NatsServer,
    /// The services, in the order of [`SERVICES`].
    pub services: Vec<ServiceProcess>,
}

impl Stack {
    /// Starts everything and waits until each service has bound its port.
    pub fn start() -> Result<Self, TestkitError> {
        Self::start_with(&[])
    }

    /// As [`Stack::start`], passing `extra` arguments to every service.
    pub fn start_with(extra: &[&str]) -> Result<Self, TestkitError> {
        // Each service connects as its own NATS user, with the rights the
        // shipped deploy/nats-users.conf gives it and no more.
        let nats = NatsServer::start_secured()?;
        let services = SERVICES
            .iter()
            .map(|name| {
                let path = binary(name);
                if !path.exists() {
                    return Err(TestkitError::Start(format!(
                        "{} is not built: run `cargo build --workspace --bins` (just test does)",
                        path.display()
                    )));
                }
                let credentials = nats.credentials(name);
                let mut args: Vec<&str> = extra.to_vec();
                args.extend(credentials.iter().map(String::as_str));
                ServiceProcess::start(&path, &nats.url(), &args)
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self { nats, services })
    }
}

impl Stack {
    /// As [`Stack::start`], each service also serving Prometheus metrics
    /// on a port of its own: their addresses, in the order of [`SERVICES`].
    #[allow(dead_code, reason = "used by the test binaries that scrape metrics")]
    pub fn start_observed(dir: &std::path::Path) -> Result<(Self, Vec<String>), TestkitError> {
        let nats = NatsServer::start_secured()?;
        let mut services = Vec::new();
        let mut files = Vec::new();
        for name in SERVICES {
            let file = dir.join(format!("{name}.metrics"));
            let mut args: Vec<String> = vec![
                "--metrics-listen".into(),
                "127.0.0.1:0".into(),
                "--metrics-addr-file".into(),
                file.to_string_lossy().into_owned(),
            ];
            args.extend(nats.credentials(name));
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            services.push(ServiceProcess::start(&binary(name), &nats.url(), &args)?);
            files.push(file);
        }
        let addrs = files
            .iter()
            .map(|f| {
                std::fs::read_to_string(f)
                    .map(|a| a.trim().to_string())
                    .map_err(TestkitError::from)
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok((Self { nats, services }, addrs))
    }
}

/// A client of each of the four services of a [`Stack`].
#[derive(Debug, Clone)]
pub struct Clients {
    /// regional-intake.
    pub regional: RegionalReviewIntakeClient<AuthChannel>,
    /// national-aggregation.
    pub national: NationalReportAggregationClient<AuthChannel>,
    /// practices-hub.
    pub practices: PracticeRepositoryClient<AuthChannel>,
    /// report-compiler's cycles.
    pub cycles: ReviewCycleClient<AuthChannel>,
    /// report-compiler's drafts.
    pub drafts: BiennialReportCompilerClient<AuthChannel>,
}

impl Clients {
    /// Clients of `stack` whose calls carry test identity `who`'s token
    /// unless a request brings its own (see [`as_caller`]); no token at all
    /// when `who` is `None`.
    pub async fn connect(
        stack: &Stack,
        who: Option<&str>,
    ) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        let mut channels = Vec::new();
        for service in &stack.services {
            channels.push(channel_with(service.url(), who).await?);
        }
        let [regional, national, practices, report] =
            <[AuthChannel; 4]>::try_from(channels).map_err(|_| "a stack has four services")?;
        Ok(Self {
            regional: RegionalReviewIntakeClient::new(regional),
            national: NationalReportAggregationClient::new(national),
            practices: PracticeRepositoryClient::new(practices),
            cycles: ReviewCycleClient::new(report.clone()),
            drafts: BiennialReportCompilerClient::new(report),
        })
    }
}

impl Clients {
    /// Opens cycle 2026 titled `title` and moves it on to collecting
    /// inputs, as a State's or commission's journey begins.
    pub async fn open_collecting_2026(&mut self, title: &str) -> Result<(), tonic::Status> {
        self.cycles.open_cycle(open_2026(title)).await?;
        self.cycles
            .advance_cycle(imrf_proto::v1::AdvanceCycleRequest {
                request_id: "collect".into(),
                cycle_id: "2026".into(),
                expected_phase: imrf_proto::v1::CyclePhase::Open as i32,
                reason: "Collection starts".into(),
            })
            .await?;
        Ok(())
    }

    /// Cycle 2026's drafts, newest first.
    pub async fn drafts_2026(&mut self) -> Result<Vec<imrf_proto::v1::DraftInfo>, tonic::Status> {
        Ok(self
            .drafts
            .list_drafts(imrf_proto::v1::ListDraftsRequest {
                cycle_id: "2026".into(),
                page_size: 100,
                page_token: String::new(),
            })
            .await?
            .into_inner()
            .drafts)
    }

    /// Cycle 2026's whole aggregate, none before its first input.
    pub async fn aggregate_2026(
        &mut self,
    ) -> Result<Option<imrf_proto::v1::Aggregate>, tonic::Status> {
        Ok(self
            .national
            .get_aggregate(imrf_proto::v1::GetAggregateRequest {
                cycle_id: "2026".into(),
                ..Default::default()
            })
            .await?
            .into_inner()
            .aggregate)
    }
}

/// The opening of cycle 2026 titled `title`, on the schedule the
/// end-to-end tests share: collection from 3 February, a plenary on
/// 1 December.
pub fn open_2026(title: &str) -> imrf_proto::v1::OpenCycleRequest {
    imrf_proto::v1::OpenCycleRequest {
        request_id: "open".into(),
        cycle_id: "2026".into(),
        title: title.into(),
        schedule: Some(imrf_proto::v1::CycleSchedule {
            collection_start: date(2026, 2, 3),
            regional_review_deadline: date(2026, 4, 30),
            national_report_deadline: date(2026, 5, 31),
            practices_cutoff: date(2026, 6, 15),
            compile_date: date(2026, 7, 1),
            plenary_date: date(2026, 12, 1),
        }),
        document_symbol: "A/81/xxx".into(),
        session: 81,
        ..Default::default()
    }
}

/// A calendar date as the contract carries it.
pub fn date(year: i32, month: i32, day: i32) -> Option<Date> {
    Some(Date { year, month, day })
}

pub use imrf_testkit::{as_caller, channel_as, channel_with, token_for};

/// The `n`th of a series of distinct, valid practice submissions of global
/// scope (request id `load-practice-<n>`).
pub fn practice(n: usize) -> SubmitPracticeRequest {
    SubmitPracticeRequest {
        request_id: format!("load-practice-{n}"),
        details: Some(PracticeDetails {
            title: format!("Practice {n}"),
            summary: "What it does.".into(),
            primary_objectives: vec![1 + (n % 23) as u32],
            guiding_principles: vec![GuidingPrinciple::HumanRights as i32],
            upholds_all_guiding_principles: true,
            start_year: 2021,
            r#type: PracticeType::Programme as i32,
            global_scope: true,
            submitter_organization: "Ministry".into(),
            submitter_type: StakeholderType::NationalGovernment as i32,
            completion_percent: 80,
            ..Default::default()
        }),
        focal_point: Some(FocalPoint {
            name: "F".into(),
            email: "f@example.org".into(),
            ..Default::default()
        }),
    }
}

/// A regional review of cycle 2026 by `commission`, with a finding per
/// objective.
pub fn review(
    commission: Commission,
    states: &[&str],
    objectives: &[u32],
    progress: &str,
) -> RegionalReview {
    RegionalReview {
        cycle_id: "2026".into(),
        commission: commission as i32,
        title: "Regional review".into(),
        document_symbol: String::new(),
        review_period: Some(DateRange {
            start: date(2022, 1, 1),
            end: date(2025, 12, 31),
        }),
        meeting_dates: Some(DateRange {
            start: date(2026, 1, 20),
            end: date(2026, 1, 21),
        }),
        participating_states: states.iter().map(|s| s.to_string()).collect(),
        stakeholders: vec![],
        findings: objectives
            .iter()
            .map(|o| ObjectiveFinding {
                objective: *o,
                progress: progress.into(),
                challenges: "Funding remains short.".into(),
                recommendations: vec!["Scale up what works.".into()],
                ..Default::default()
            })
            .collect(),
        less_attention_objectives: vec![22],
        summary: "Summary of the regional review.".into(),
    }
}

/// A voluntary national review of cycle 2026 by `state`, with a
/// remittance cost and a status per objective.
pub fn report(state: &str, cost: f64, objectives: &[u32]) -> NationalReport {
    NationalReport {
        cycle_id: "2026".into(),
        state: state.into(),
        kind: ReportKind::VoluntaryNationalReview as i32,
        title: format!("Voluntary national review of {state}"),
        objectives: objectives
            .iter()
            .map(|o| ObjectiveStatus {
                objective: *o,
                status: ImplementationStatus::InProgress as i32,
                narrative: String::new(),
            })
            .collect(),
        indicators: vec![IndicatorObservation {
            indicator_code: "10.c.1".into(),
            value: cost,
            unit: "percent".into(),
            year: 2025,
            ..Default::default()
        }],
        summary: "Summary.".into(),
        ..Default::default()
    }
}

/// An approval of revision `revision` of practice `practice_id`.
pub fn approval(request_id: String, practice_id: &str, revision: u32) -> ReviewPracticeRequest {
    ReviewPracticeRequest {
        request_id,
        practice_id: practice_id.into(),
        revision,
        decision: ReviewDecision::Approve as i32,
        note: "Meets the criteria.".into(),
        marks: vec![],
    }
}
