//! Names of streams, subjects, buckets and event types: the one place each
//! is spelled.

/// A JetStream stream and the subjects it captures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StreamSpec {
    /// Stream name.
    pub name: &'static str,
    /// Subjects the stream captures.
    pub subjects: &'static [&'static str],
    /// Service that writes it (the only one allowed to).
    pub writer: &'static str,
    /// What it records.
    pub description: &'static str,
    /// Messages kept per subject, oldest dropped first; `None` keeps every
    /// one (the record streams, whose history is the record).
    pub keep_per_subject: Option<i64>,
}

/// Regional reviews and their revisions, written by regional-intake.
pub const REGIONAL: StreamSpec = StreamSpec {
    name: "REGIONAL",
    subjects: &["imrf.v1.regional.>"],
    writer: "regional-intake",
    description: "regional reviews of GCM implementation and their revisions",
    keep_per_subject: None,
};

/// National reports and their revisions, written by national-aggregation.
pub const NATIONAL: StreamSpec = StreamSpec {
    name: "NATIONAL",
    subjects: &["imrf.v1.national.report.>"],
    writer: "national-aggregation",
    description: "national reports, pledges and indicators, and their revisions",
    keep_per_subject: None,
};

/// The latest versions of each cycle's aggregate, written by
/// national-aggregation. Derived from NATIONAL and REGIONAL, not a record:
/// each version is the whole aggregate, so only the last few per cycle are
/// kept and the stream does not grow with the cycle's traffic.
pub const AGGREGATES: StreamSpec = StreamSpec {
    name: "AGGREGATES",
    subjects: &["imrf.v1.national.aggregate.>"],
    writer: "national-aggregation",
    description: "the latest aggregate versions of each cycle",
    keep_per_subject: Some(AGGREGATE_VERSIONS_KEPT),
};

/// Aggregate versions kept per cycle: enough to see the last minute of a
/// busy cycle at the default 5 s period.
pub const AGGREGATE_VERSIONS_KEPT: i64 = 12;

/// Practices and their curation, written by practices-hub.
pub const PRACTICES: StreamSpec = StreamSpec {
    name: "PRACTICES",
    subjects: &["imrf.v1.practice.>"],
    writer: "practices-hub",
    description: "Repository of Practices submissions and curation steps",
    keep_per_subject: None,
};

/// Cycles and drafts, written by report-compiler.
pub const CYCLE: StreamSpec = StreamSpec {
    name: "CYCLE",
    subjects: &["imrf.v1.cycle.>", "imrf.v1.report.>"],
    writer: "report-compiler",
    description: "review cycles, their phases and deadlines, and report drafts",
    keep_per_subject: None,
};

/// Messages a consumer could not handle, parked for an operator. Each
/// service writes only under `imrf.v1.parked.<service>.<consumer>`, and
/// each consumer's newest [`PARKED_KEPT`] are kept: a flood of poison
/// cannot fill the store, and the first one parked already raised the
/// alert.
pub const PARKED: StreamSpec = StreamSpec {
    name: "PARKED",
    subjects: &["imrf.v1.parked.>"],
    writer: "every service, each under its own name",
    description: "poison messages parked by consumers",
    keep_per_subject: Some(PARKED_KEPT),
};

/// Parked messages kept per consumer.
pub const PARKED_KEPT: i64 = 1000;

/// The streams of the platform.
pub const STREAMS: [StreamSpec; 6] = [REGIONAL, NATIONAL, AGGREGATES, PRACTICES, CYCLE, PARKED];

/// The stream that captures `subject`, from the table above (no round trip
/// to the server).
pub fn stream_of(subject: &str) -> Option<&'static StreamSpec> {
    STREAMS.iter().find(|spec| {
        spec.subjects.iter().any(|pattern| {
            pattern
                .strip_suffix('>')
                .is_some_and(|prefix| subject.starts_with(prefix) && subject.len() > prefix.len())
        })
    })
}

/// Event types: the envelope's `type` and the `Imrf-Event-Type` header.
/// A stream's consumers accept only its owner's types (see `consumer`).
pub mod event_type {
    /// A regional review revision accepted (REGIONAL).
    pub const REGIONAL_REVIEW_ACCEPTED: &str = "regional.review.accepted";
    /// A regional review withdrawn (REGIONAL).
    pub const REGIONAL_REVIEW_WITHDRAWN: &str = "regional.review.withdrawn";
    /// A national report revision accepted (NATIONAL).
    pub const NATIONAL_REPORT_ACCEPTED: &str = "national.report.accepted";
    /// A new version of a cycle's aggregate (NATIONAL).
    pub const NATIONAL_AGGREGATE_UPDATED: &str = "national.aggregate.updated";
    /// A practice proposed (PRACTICES).
    pub const PRACTICE_SUBMITTED: &str = "practice.submitted";
    /// A practice revised by its submitter (PRACTICES).
    pub const PRACTICE_UPDATED: &str = "practice.updated";
    /// A curation step on a practice (PRACTICES).
    pub const PRACTICE_REVIEWED: &str = "practice.reviewed";
    /// A revision of the Network's contribution accepted (PRACTICES).
    pub const NETWORK_CONTRIBUTION_ACCEPTED: &str = "network.contribution.accepted";
    /// A practice withdrawn (PRACTICES).
    pub const PRACTICE_WITHDRAWN: &str = "practice.withdrawn";
    /// A cycle opened with its schedule (CYCLE).
    pub const CYCLE_OPENED: &str = "cycle.opened";
    /// A cycle moved to its next phase (CYCLE).
    pub const CYCLE_PHASE_CHANGED: &str = "cycle.phase.changed";
    /// A reminder naming who has not submitted (CYCLE).
    pub const CYCLE_REMINDER: &str = "cycle.reminder";
    /// A draft compiled and stored (CYCLE).
    pub const REPORT_DRAFT_COMPILED: &str = "report.draft.compiled";
    /// A text of the secretariat's set for a cycle's drafts (CYCLE).
    pub const REPORT_TEXT_SET: &str = "report.text.set";
    /// A text of the secretariat's removed (CYCLE).
    pub const REPORT_TEXT_REMOVED: &str = "report.text.removed";
}

/// Subjects of events. Each ends in the entity it concerns.
pub mod subject {
    /// Every event of one regional review (accepted revisions, withdrawal):
    /// `imrf.v1.regional.review.<COMMISSION>.<CYCLE>`. One subject per review,
    /// so optimistic concurrency (expected last subject sequence) covers all
    /// its changes; the event type is in the payload and the
    /// `Imrf-Event-Type` header.
    pub fn regional_review(commission: &str, cycle_id: &str) -> String {
        format!("imrf.v1.regional.review.{commission}.{cycle_id}")
    }
    /// Every regional review event.
    pub const REGIONAL_REVIEW_ALL: &str = "imrf.v1.regional.review.>";

    /// Every event of one national report:
    /// `imrf.v1.national.report.<ISO3>.<CYCLE>.<KIND>` (one subject per
    /// report, for optimistic concurrency, as for regional reviews).
    pub fn national_report(iso3: &str, cycle_id: &str, kind: &str) -> String {
        format!("imrf.v1.national.report.{iso3}.{cycle_id}.{kind}")
    }
    /// Every national report event.
    pub const NATIONAL_REPORT_ALL: &str = "imrf.v1.national.report.>";
    /// A new version of a cycle's aggregate: `.<CYCLE>`.
    pub fn national_aggregate_updated(cycle_id: &str) -> String {
        format!("imrf.v1.national.aggregate.updated.{cycle_id}")
    }
    /// Every aggregate version.
    pub const NATIONAL_AGGREGATE_ALL: &str = "imrf.v1.national.aggregate.>";

    /// Every event of one practice: `imrf.v1.practice.<ID>` (one subject
    /// per practice, for optimistic concurrency as for reviews).
    pub fn practice(practice_id: &str) -> String {
        format!("imrf.v1.practice.{practice_id}")
    }
    /// Every revision of the Network's contribution to a cycle:
    /// `imrf.v1.practice.network.<CYCLE>` (a practice id is a ULID, so
    /// never `network`).
    pub fn network_contribution(cycle_id: &str) -> String {
        format!("imrf.v1.practice.network.{cycle_id}")
    }
    /// Every practice event, and the Network's contributions.
    pub const PRACTICE_ALL: &str = "imrf.v1.practice.>";

    /// A cycle opened: `.<CYCLE>`.
    pub fn cycle_opened(cycle_id: &str) -> String {
        format!("imrf.v1.cycle.opened.{cycle_id}")
    }
    /// A cycle changed phase: `.<CYCLE>`.
    pub fn cycle_phase(cycle_id: &str) -> String {
        format!("imrf.v1.cycle.phase.{cycle_id}")
    }
    /// A deadline reminder: `.<CYCLE>`.
    pub fn cycle_reminder(cycle_id: &str) -> String {
        format!("imrf.v1.cycle.reminder.{cycle_id}")
    }
    /// Every cycle event.
    pub const CYCLE_ALL: &str = "imrf.v1.cycle.>";
    /// A draft compiled: `.<CYCLE>`.
    pub fn report_draft(cycle_id: &str) -> String {
        format!("imrf.v1.report.draft.{cycle_id}")
    }
    /// Every event of one text of the secretariat's:
    /// `imrf.v1.report.text.<CYCLE>.<TEXT_ID>` (one subject per text, for
    /// optimistic concurrency).
    pub fn report_text(cycle_id: &str, text_id: &str) -> String {
        format!("imrf.v1.report.text.{cycle_id}.{text_id}")
    }
    /// Every draft and text event.
    pub const REPORT_ALL: &str = "imrf.v1.report.>";

    /// Where `service`'s consumer `durable` parks a message it cannot handle.
    pub fn parked(service: &str, durable: &str) -> String {
        format!("imrf.v1.parked.{service}.{durable}")
    }
}

/// Key-value buckets. Each belongs to one service.
pub mod bucket {
    /// Answered requests of regional-intake (request id -> first answer).
    pub const REGIONAL_REQUESTS: &str = "REGIONAL_REQUESTS";
    /// Answered requests of national-aggregation.
    pub const NATIONAL_REQUESTS: &str = "NATIONAL_REQUESTS";
    /// Aggregate snapshots of national-aggregation.
    pub const NATIONAL_AGGREGATES: &str = "NATIONAL_AGGREGATES";
    /// Answered requests of practices-hub.
    pub const PRACTICE_REQUESTS: &str = "PRACTICE_REQUESTS";
    /// Practice records with their focal points (personal data stays here).
    pub const PRACTICE_RECORDS: &str = "PRACTICE_RECORDS";
    /// Answered requests of report-compiler.
    pub const CYCLE_REQUESTS: &str = "CYCLE_REQUESTS";
}

/// Object-store buckets.
pub mod object_bucket {
    /// Report drafts, content-addressed, written by report-compiler.
    pub const DRAFTS: &str = "DRAFTS";
}

/// Headers set on every event.
pub mod header {
    /// W3C trace context, so a submission can be followed across services.
    pub const TRACEPARENT: &str = "traceparent";
    /// Payload type of the event, for consumers that filter without decoding.
    pub const EVENT_TYPE: &str = "Imrf-Event-Type";
    /// Why a message was parked.
    pub const PARKED_REASON: &str = "Imrf-Parked-Reason";
    /// Stream a parked message came from.
    pub const PARKED_STREAM: &str = "Imrf-Parked-Stream";
    /// Stream sequence of a parked message.
    pub const PARKED_SEQUENCE: &str = "Imrf-Parked-Sequence";
    /// Subject of a parked message.
    pub const PARKED_SUBJECT: &str = "Imrf-Parked-Subject";
}

/// Why `event`, read on `subject`, is not one the subject's owner would
/// have published there, if it is not: its type must be its payload's, and
/// the subject must be the one the owner publishes that payload on (the
/// cycle, State, commission, practice or text it names). A service whose
/// credentials were used to publish a report of another State, or a
/// "published" practice on its own subjects, is caught here, whatever it
/// wrote into the payload; consumers park such an event and followers skip
/// it, both logging it as a security event.
pub fn misfit(subject: &str, event: &imrf_proto::v1::Event) -> Option<String> {
    use imrf_gcm::refdata::{commission_code, kind_code};
    use imrf_proto::v1::event::Payload as P;
    use imrf_proto::v1::{Commission, ReportKind};

    let commission = |c: i32| Commission::try_from(c).map_or("?", commission_code);
    let missing = |what: &str| Some(format!("carries no {what}"));
    let Some(payload) = event.payload.as_ref() else {
        return missing("payload");
    };
    let (r#type, expected) = match payload {
        P::RegionalReviewAccepted(p) => {
            let Some(review) = p.record.as_ref().and_then(|r| r.review.as_ref()) else {
                return missing("review");
            };
            (
                event_type::REGIONAL_REVIEW_ACCEPTED,
                subject::regional_review(commission(review.commission), &review.cycle_id),
            )
        }
        P::RegionalReviewWithdrawn(p) => {
            let cycle = p.review_id.rsplit_once('-').map_or("", |(cycle, _)| cycle);
            (
                event_type::REGIONAL_REVIEW_WITHDRAWN,
                subject::regional_review(commission(p.commission), cycle),
            )
        }
        P::NationalReportAccepted(p) => {
            let Some(report) = p.record.as_ref().and_then(|r| r.report.as_ref()) else {
                return missing("report");
            };
            let kind = ReportKind::try_from(report.kind).map_or("?", kind_code);
            (
                event_type::NATIONAL_REPORT_ACCEPTED,
                subject::national_report(&report.state, &report.cycle_id, kind),
            )
        }
        P::NationalAggregateUpdated(p) => (
            event_type::NATIONAL_AGGREGATE_UPDATED,
            subject::national_aggregate_updated(
                p.aggregate.as_ref().map_or("", |a| a.cycle_id.as_str()),
            ),
        ),
        P::PracticeSubmitted(p) => (
            event_type::PRACTICE_SUBMITTED,
            subject::practice(&p.practice_id),
        ),
        P::PracticeUpdated(p) => (
            event_type::PRACTICE_UPDATED,
            subject::practice(&p.practice_id),
        ),
        P::PracticeReviewed(p) => (
            event_type::PRACTICE_REVIEWED,
            subject::practice(&p.practice_id),
        ),
        P::PracticeStatusChanged(p) => (
            event_type::PRACTICE_WITHDRAWN,
            subject::practice(&p.practice_id),
        ),
        P::NetworkContributionAccepted(p) => (
            event_type::NETWORK_CONTRIBUTION_ACCEPTED,
            subject::network_contribution(
                p.record
                    .as_ref()
                    .and_then(|r| r.contribution.as_ref())
                    .map_or("", |c| c.cycle_id.as_str()),
            ),
        ),
        P::CycleOpened(p) => (
            event_type::CYCLE_OPENED,
            subject::cycle_opened(p.cycle.as_ref().map_or("", |c| c.cycle_id.as_str())),
        ),
        P::CyclePhaseChanged(p) => (
            event_type::CYCLE_PHASE_CHANGED,
            subject::cycle_phase(&p.cycle_id),
        ),
        P::DeadlineReminder(p) => (
            event_type::CYCLE_REMINDER,
            subject::cycle_reminder(&p.cycle_id),
        ),
        P::DraftCompiled(p) => (
            event_type::REPORT_DRAFT_COMPILED,
            subject::report_draft(p.draft.as_ref().map_or("", |d| d.cycle_id.as_str())),
        ),
        P::DraftTextSet(p) => {
            let Some(text) = p.text.as_ref() else {
                return missing("text");
            };
            (
                event_type::REPORT_TEXT_SET,
                subject::report_text(&text.cycle_id, &text.text_id),
            )
        }
        P::DraftTextRemoved(p) => (
            event_type::REPORT_TEXT_REMOVED,
            subject::report_text(&p.cycle_id, &p.text_id),
        ),
    };
    if event.r#type != r#type {
        return Some(format!(
            "type {:?} does not match its payload ({type})",
            event.r#type
        ));
    }
    (subject != expected)
        .then(|| format!("read on {subject}, but its payload belongs on {expected}"))
}

/// The filter of a consumer as its create request carries it: a single
/// subject goes in `filter_subject`, which puts it in the request's own
/// subject (`$JS.API.CONSUMER.CREATE.<stream>.<name>.<filter>`), so the
/// NATS permissions can say which subjects of a stream a service may read
/// (deploy/nats-users.conf). Several go in `filter_subjects`.
pub fn filters_for_create(filters: &[String]) -> (String, Vec<String>) {
    match filters {
        [one] => (one.clone(), Vec::new()),
        many => (String::new(), many.to_vec()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_event_fits_only_the_subject_its_owner_publishes_it_on() {
        use imrf_proto::v1::event::Payload;
        use imrf_proto::v1::{
            NationalReport, NationalReportAccepted, NationalReportRecord, ReportKind,
        };
        let report = |state: &str| imrf_proto::v1::Event {
            r#type: event_type::NATIONAL_REPORT_ACCEPTED.into(),
            payload: Some(Payload::NationalReportAccepted(NationalReportAccepted {
                record: Some(NationalReportRecord {
                    report: Some(NationalReport {
                        cycle_id: "2026".into(),
                        state: state.into(),
                        kind: ReportKind::VoluntaryNationalReview as i32,
                        ..Default::default()
                    }),
                    ..Default::default()
                }),
            })),
            ..Default::default()
        };
        let kenya = subject::national_report("KEN", "2026", "VNR");
        assert_eq!(misfit(&kenya, &report("KEN")), None);
        assert!(
            misfit(&kenya, &report("UGA")).is_some(),
            "another State's report"
        );
        assert!(
            misfit("imrf.v1.regional.review.ECE.2026", &report("KEN")).is_some(),
            "a report on a review's subject"
        );
        let mistyped = imrf_proto::v1::Event {
            r#type: event_type::PRACTICE_REVIEWED.into(),
            ..report("KEN")
        };
        assert!(
            misfit(&kenya, &mistyped).is_some(),
            "a type not its payload's"
        );
        let empty = imrf_proto::v1::Event::default();
        assert!(misfit(&kenya, &empty).is_some(), "no payload");
    }

    #[test]
    fn subjects_map_to_their_streams() {
        let name = |s: &str| stream_of(s).map(|spec| spec.name);
        assert_eq!(
            name(&subject::regional_review("ECE", "2026")),
            Some("REGIONAL")
        );
        assert_eq!(
            name(&subject::national_report("KEN", "2026", "VNR")),
            Some("NATIONAL")
        );
        assert_eq!(name(&subject::practice("01J")), Some("PRACTICES"));
        assert_eq!(name(&subject::report_draft("2026")), Some("CYCLE"));
        assert_eq!(
            name(&subject::report_text("2026", "chapeau-iii")),
            Some("CYCLE")
        );
        assert_eq!(name(&subject::cycle_phase("2026")), Some("CYCLE"));
        assert_eq!(name(&subject::parked("svc", "d")), Some("PARKED"));
        assert_eq!(name("imrf.v1.regional"), None);
        assert_eq!(name("other.subject"), None);
    }
}
