//! Inputs of the benchmarks: realistic national reports, and the events the
//! services would have written, for loading streams directly.

use imrf_bus::names::event_type;
use std::time::SystemTime;

use imrf_bus::new_event;
use imrf_proto::v1::{
    Commission, DateRange, Event, IndicatorObservation, NationalReport, NationalReportAccepted,
    NationalReportRecord, ObjectiveFinding, ObjectiveStatus, Pledge, PracticeDetails,
    PracticeReviewed, PracticeStatus, PracticeSubmitted, RecordMeta, RegionalReview,
    RegionalReviewAccepted, RegionalReviewRecord, ReportKind, ReviewDecision, event::Payload,
};

/// A national report as large as a real one: 23 objectives, 10 indicator
/// observations, 3 pledges.
pub fn realistic_report(cycle_id: &str, state: &str) -> NationalReport {
    NationalReport {
        cycle_id: cycle_id.into(),
        state: state.into(),
        kind: ReportKind::VoluntaryNationalReview as i32,
        title: format!("Voluntary national review of {state}"),
        objectives: (1..=23)
            .map(|objective| ObjectiveStatus {
                objective,
                status: 1 + (objective as i32 % 4),
                narrative: "Measures adopted and under way; see annex. ".repeat(6),
            })
            .collect(),
        indicators: (0..10)
            .map(|i| IndicatorObservation {
                indicator_code: "10.c.1".into(),
                value: 2.5 + f64::from(i) / 2.0,
                unit: "percent".into(),
                year: 2021 + (i % 5),
                dimension: if i < 5 { 0 } else { 2 },
                category: if i < 5 {
                    String::new()
                } else {
                    format!("group-{i}")
                },
                source: "central bank survey".into(),
            })
            .collect(),
        pledges: (1..=3)
            .map(|p| Pledge {
                pledge_id: format!("{state}-P{p}"),
                title: "Reduce remittance costs".into(),
                objectives: vec![20],
                kind: 4,
                status: 2,
                description: "Digital transfer channels for migrant workers.".into(),
            })
            .collect(),
        summary: "Summary of progress. ".repeat(20),
        ..Default::default()
    }
}

/// The event national-aggregation writes for an accepted report.
pub fn report_event(report: &NationalReport, revision: u32) -> Event {
    new_event(
        event_type::NATIONAL_REPORT_ACCEPTED,
        "imrf-bench",
        &report.cycle_id,
        SystemTime::now(),
        Payload::NationalReportAccepted(NationalReportAccepted {
            record: Some(NationalReportRecord {
                report_id: format!("{}-{}-VNR", report.cycle_id, report.state),
                report: Some(report.clone()),
                meta: Some(RecordMeta {
                    revision,
                    ..Default::default()
                }),
                late: false,
            }),
        }),
    )
}

/// A small report (one objective), for loading a million events.
pub fn small_report(cycle_id: &str, state: &str, status: i32) -> NationalReport {
    NationalReport {
        cycle_id: cycle_id.into(),
        state: state.into(),
        kind: ReportKind::VoluntaryNationalReview as i32,
        title: "r".into(),
        objectives: vec![ObjectiveStatus {
            objective: 1 + (status as u32 % 23),
            status: 1 + status % 4,
            narrative: String::new(),
        }],
        summary: "s".into(),
        ..Default::default()
    }
}

/// The event regional-intake writes for an accepted review.
pub fn review_event(cycle_id: &str, commission: Commission) -> Event {
    let code = imrf_gcm::refdata::commission_code(commission);
    new_event(
        event_type::REGIONAL_REVIEW_ACCEPTED,
        "imrf-bench",
        cycle_id,
        SystemTime::now(),
        Payload::RegionalReviewAccepted(RegionalReviewAccepted {
            record: Some(RegionalReviewRecord {
                review_id: format!("{cycle_id}-{code}"),
                review: Some(RegionalReview {
                    cycle_id: cycle_id.into(),
                    commission: commission as i32,
                    title: format!("Regional review {code}"),
                    review_period: Some(DateRange::default()),
                    findings: (1..=23)
                        .map(|objective| ObjectiveFinding {
                            objective,
                            progress: "Progress observed across the region. ".repeat(4),
                            challenges: "Funding and data gaps remain. ".repeat(3),
                            recommendations: vec!["Scale up what works.".into()],
                            ..Default::default()
                        })
                        .collect(),
                    less_attention_objectives: vec![22, 13],
                    summary: "Summary.".into(),
                    ..Default::default()
                }),
                meta: Some(RecordMeta {
                    revision: 1,
                    ..Default::default()
                }),
                ..Default::default()
            }),
        }),
    )
}

const WORDS: [&str; 12] = [
    "remittance",
    "labour",
    "recruitment",
    "missing",
    "border",
    "detention",
    "consular",
    "health",
    "inclusion",
    "skills",
    "diaspora",
    "reintegration",
];

/// A query word for search number `n`.
pub fn query(n: usize) -> &'static str {
    WORDS[n % WORDS.len()]
}

/// The two events practices-hub writes for a practice submitted and then
/// published by review.
pub fn practice_events(n: usize) -> (String, Event, Event) {
    let id = imrf_bus::deterministic_ulid(SystemTime::now(), &format!("bench-practice-{n}"));
    let objective = 1 + (n % 23) as u32;
    let details = PracticeDetails {
        title: format!("{} programme number {n}", WORDS[n % WORDS.len()]),
        summary: format!(
            "A practice on {} and {} for migrants and communities.",
            WORDS[n % WORDS.len()],
            WORDS[(n / 3) % WORDS.len()]
        ),
        primary_objectives: vec![objective],
        guiding_principles: vec![6],
        upholds_all_guiding_principles: true,
        start_year: 2020,
        r#type: 1,
        countries: vec!["KEN".into()],
        regions: vec![1 + (n % 5) as i32],
        results: format!("Reached {} people.", 100 + n),
        submitter_organization: "Ministry".into(),
        submitter_type: 1,
        completion_percent: 80,
        ..Default::default()
    };
    let mut submitted = new_event(
        event_type::PRACTICE_SUBMITTED,
        "imrf-bench",
        "",
        SystemTime::now(),
        Payload::PracticeSubmitted(PracticeSubmitted {
            practice_id: id.clone(),
            details: Some(details.clone()),
            revision: 1,
            warnings: vec![],
        }),
    );
    submitted.actor = "state:KEN".into();
    let mut published = new_event(
        event_type::PRACTICE_REVIEWED,
        "imrf-bench",
        "",
        SystemTime::now(),
        Payload::PracticeReviewed(PracticeReviewed {
            practice_id: id.clone(),
            revision: 1,
            decision: ReviewDecision::Approve as i32,
            note: String::new(),
            marks: vec![],
            status_after: PracticeStatus::Published as i32,
            details: Some(details),
        }),
    );
    published.actor = "curator:bench".into();
    (id, submitted, published)
}
